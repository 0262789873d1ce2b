/*
 * schedule.h — a fair's schedule in the store: solve and save, read back
 * as JSON, lock, move one meeting, and the kiosk's meeting request.  Every
 * function takes its own store (the server runs a solve in a worker thread
 * with a store of its own), prints nothing, and reports failures as a
 * message for a person in *cause (caller frees).
 */
#ifndef FM_SCHEDULE_H
#define FM_SCHEDULE_H

#include <stdint.h>

#include <jansson.h>

#include "store.h"

struct schedule_opts {
	double		 time_limit;	/* seconds; <= 0: 10 for a first solve, 1.5 to redo one */
	uint64_t	 seed;		/* same seed, same schedule (within the limit) */
	const char	*who;		/* who asked, for the version's record; or NULL */
	int		 publish;	/* 1: publish the new version at once */
};

/* Values that put requests above every matcher score. */
#define SCHEDULE_ACCEPTED_BONUS	1000.0	/* accepted, or added by the organiser */
#define SCHEDULE_ASKED_BONUS	100.0	/* asked, not yet answered */

/*
 * Solves the fair's schedule from its candidates, requests, availability
 * and the current meetings (locked ones stay; the others are kept where
 * the value allows), checks it with the independent validator and saves
 * it as a new version (schedule_version.h) in one transaction.  The new
 * version is a draft that leaves the current schedule (`meetings`) alone
 * until it is published, the first one too: a schedule someone may have
 * printed or read is never replaced unseen.  With opts->publish it is
 * published at once after (schedule_version_publish; a failure there
 * leaves the draft and is reported).  progress (or NULL) gets the
 * fraction done now and then, from this thread.  0 and *result, the
 * summary {"fair","version","applied","value","bound","ratio","meetings",
 * "added","moved","dropped","gaps","exact","seconds","valid"} (applied:
 * published at once; caller decrefs), or -1 and *cause.
 */
int schedule_run(struct store *st, const char *fair_code, const struct schedule_opts *opts,
    void (*progress)(void *arg, double fraction), void *arg, json_t **result,
    char **cause);

/*
 * The stored grid: {"fair","name","slots":[{"slot","day","start","end",
 * "session"}],"tables":[{"table","name","booth"}],"meetings":[{"id","slot",
 * "table","buyer":{"badge","name"},"supplier":{"badge","name"},"product":
 * {"code","name"}|null,"locked","value"}]}.  New reference, or NULL and *cause.
 */
json_t *schedule_json(struct store *st, const char *fair_code, char **cause);

/* Locks (1) or unlocks (0) a meeting of the fair; 0, or -1 and *cause. */
int schedule_lock(struct store *st, const char *fair_code, long long meeting_id, int locked,
    char **cause);

/*
 * Moves a meeting to slot and table (numbers as printed, from 1) if no rule
 * breaks, and locks it there so a re-solve keeps it; else -1 and a *cause
 * naming the rule and who or what is in the way.
 */
int schedule_move(struct store *st, const char *fair_code, long long meeting_id, int slot,
    int table, char **cause);

/*
 * The kiosk's "ask for a meeting": the buyer with badge asks the supplier
 * of product_code.  Asking again is not an error.  0, or -1 and *cause.
 */
int schedule_request_add(struct store *st, const char *fair_code, const char *badge,
    const char *product_code, char **cause);

#endif
