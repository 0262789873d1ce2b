/*
 * ratelimit.c — a fixed table of addresses, each counting its failures in
 * one-second buckets over the last minute (a sliding window, so a burst
 * that straddles a minute boundary is still counted whole); a full table
 * forgets its stalest entry.
 */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ratelimit.h"
#include "util.h"

#define RL_SLOTS	4096
#define RL_WINDOW	60	/* seconds, one bucket each */

struct rl_entry {
	char	 key[64];
	time_t	 last;			/* the newest second counted */
	uint32_t count[RL_WINDOW];	/* failures in second s at [s % RL_WINDOW] */
};

struct ratelimit {
	pthread_mutex_t	 lock;
	long		 per_minute;
	struct rl_entry	 slots[RL_SLOTS];
};

struct ratelimit *
ratelimit_new(long per_minute)
{
	struct ratelimit *rl = xcalloc(1, sizeof *rl);

	pthread_mutex_init(&rl->lock, NULL);
	rl->per_minute = per_minute;
	return rl;
}

void
ratelimit_free(struct ratelimit *rl)
{
	if (rl == NULL)
		return;
	pthread_mutex_destroy(&rl->lock);
	free(rl);
}

/* FNV-1a of key, for the first slot to look at. */
static size_t
slot_of(const char *key)
{
	unsigned h = 2166136261u;

	for (; *key != '\0'; key++)
		h = (h ^ (unsigned char)*key) * 16777619u;
	return h % RL_SLOTS;
}

/* Empties the buckets of seconds that left the window ending at now. */
static void
slide(struct rl_entry *e, time_t now)
{
	if (now <= e->last)
		return;
	if (now - e->last >= RL_WINDOW)
		memset(e->count, 0, sizeof e->count);
	else
		for (time_t s = e->last + 1; s <= now; s++)
			e->count[s % RL_WINDOW] = 0;
	e->last = now;
}

/* key's entry, made if create (reusing a stale or the oldest nearby slot); locked. */
static struct rl_entry *
lookup(struct ratelimit *rl, const char *key, int create, time_t now)
{
	size_t first = slot_of(key), victim = first;
	struct rl_entry *e;

	for (size_t i = 0; i < 8; i++) {
		e = &rl->slots[(first + i) % RL_SLOTS];
		if (strcmp(e->key, key) == 0) {
			slide(e, now);
			return e;
		}
		if (e->last < rl->slots[victim].last)
			victim = (first + i) % RL_SLOTS;
	}
	if (!create)
		return NULL;
	e = &rl->slots[victim];
	snprintf(e->key, sizeof e->key, "%s", key);
	memset(e->count, 0, sizeof e->count);
	e->last = now;
	return e;
}

int
ratelimit_wait_at(struct ratelimit *rl, const char *key, time_t now)
{
	struct rl_entry *e;
	long total = 0;
	int wait = 0;

	pthread_mutex_lock(&rl->lock);
	if ((e = lookup(rl, key, 0, now)) != NULL) {
		for (int i = 0; i < RL_WINDOW; i++)
			total += e->count[i];
		/* Oldest second first: how long until enough failures age out. */
		for (time_t s = now - RL_WINDOW + 1; total >= rl->per_minute && s <= now; s++) {
			total -= e->count[s % RL_WINDOW];
			wait = (int)(s + RL_WINDOW - now);
		}
	}
	pthread_mutex_unlock(&rl->lock);
	return wait;
}

void
ratelimit_fail_at(struct ratelimit *rl, const char *key, time_t now)
{
	pthread_mutex_lock(&rl->lock);
	lookup(rl, key, 1, now)->count[now % RL_WINDOW]++;
	pthread_mutex_unlock(&rl->lock);
}

int
ratelimit_wait(struct ratelimit *rl, const char *key)
{
	return ratelimit_wait_at(rl, key, time(NULL));
}

void
ratelimit_fail(struct ratelimit *rl, const char *key)
{
	ratelimit_fail_at(rl, key, time(NULL));
}

void
ratelimit_forgive(struct ratelimit *rl, const char *key)
{
	time_t now = time(NULL);
	struct rl_entry *e;

	pthread_mutex_lock(&rl->lock);
	/* The newest counted failure is the attempt being taken back. */
	if ((e = lookup(rl, key, 0, now)) != NULL)
		for (time_t s = now; s > now - RL_WINDOW; s--)
			if (e->count[s % RL_WINDOW] > 0) {
				e->count[s % RL_WINDOW]--;
				break;
			}
	pthread_mutex_unlock(&rl->lock);
}
