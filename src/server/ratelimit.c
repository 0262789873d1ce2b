/*
 * ratelimit.c — a fixed table of addresses, each with the times of its
 * recent failures; a full table forgets its stalest entry.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ratelimit.h"
#include "util.h"

#define RL_SLOTS	4096
#define RL_WINDOW	60

struct rl_entry {
	char	 key[64];
	time_t	 start;		/* the window began */
	long	 failures;	/* in this window */
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

/* key's entry, made if create (reusing a stale or the oldest nearby slot); locked. */
static struct rl_entry *
lookup(struct ratelimit *rl, const char *key, int create, time_t now)
{
	size_t first = slot_of(key), victim = first;

	for (size_t i = 0; i < 8; i++) {
		struct rl_entry *e = &rl->slots[(first + i) % RL_SLOTS];

		if (strcmp(e->key, key) == 0)
			return e;
		if (e->start < rl->slots[victim].start)
			victim = (first + i) % RL_SLOTS;
	}
	if (!create)
		return NULL;
	snprintf(rl->slots[victim].key, sizeof rl->slots[victim].key, "%s", key);
	rl->slots[victim].start = now;
	rl->slots[victim].failures = 0;
	return &rl->slots[victim];
}

int
ratelimit_wait(struct ratelimit *rl, const char *key)
{
	time_t now = time(NULL);
	struct rl_entry *e;
	int wait = 0;

	pthread_mutex_lock(&rl->lock);
	e = lookup(rl, key, 0, now);
	if (e != NULL && now - e->start < RL_WINDOW && e->failures >= rl->per_minute)
		wait = (int)(RL_WINDOW - (now - e->start));
	pthread_mutex_unlock(&rl->lock);
	return wait;
}

void
ratelimit_fail(struct ratelimit *rl, const char *key)
{
	time_t now = time(NULL);
	struct rl_entry *e;

	pthread_mutex_lock(&rl->lock);
	e = lookup(rl, key, 1, now);
	if (now - e->start >= RL_WINDOW) {
		e->start = now;
		e->failures = 0;
	}
	e->failures++;
	pthread_mutex_unlock(&rl->lock);
}

void
ratelimit_forgive(struct ratelimit *rl, const char *key)
{
	struct rl_entry *e;

	pthread_mutex_lock(&rl->lock);
	e = lookup(rl, key, 0, time(NULL));
	if (e != NULL && e->failures > 0)
		e->failures--;
	pthread_mutex_unlock(&rl->lock);
}
