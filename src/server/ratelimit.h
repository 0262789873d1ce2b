/*
 * ratelimit.h — failures counted per client address over a sliding
 * minute, to slow down password guessing.  Thread-safe.
 */
#ifndef FM_RATELIMIT_H
#define FM_RATELIMIT_H

#include <time.h>

struct ratelimit;

/* A limiter allowing per_minute failures per key. */
struct ratelimit *ratelimit_new(long per_minute);
void ratelimit_free(struct ratelimit *rl);
/* Seconds until key may try again, or 0 if it may now. */
int ratelimit_wait(struct ratelimit *rl, const char *key);
/* Counts a failure (or an attempt not yet known to succeed) for key. */
void ratelimit_fail(struct ratelimit *rl, const char *key);
/* Takes back one counted attempt of key that succeeded after all. */
void ratelimit_forgive(struct ratelimit *rl, const char *key);
/* The same two at a given time (seconds since the epoch), for tests. */
int ratelimit_wait_at(struct ratelimit *rl, const char *key, time_t now);
void ratelimit_fail_at(struct ratelimit *rl, const char *key, time_t now);

#endif
