/*
 * job_record.h — the server's jobs kept in the store (id, kind, who,
 * state, progress, result), so that a job id outlives a restart.
 */
#ifndef FM_JOB_RECORD_H
#define FM_JOB_RECORD_H

#include <stdint.h>
#include <time.h>

#include <jansson.h>

#include "store.h"

struct job_record {
	long long	 id;
	const char	*kind;		/* "import", "print", … */
	int64_t		 user_id;	/* 0 = the server itself */
	const char	*state;		/* queued, running, done, failed */
	double		 progress;	/* 0..1 */
	const char	*message;	/* NULL, or what it is doing / why it failed */
	const char	*error;		/* NULL, or a store failure's name */
	json_t		*result;	/* NULL until finished; borrowed */
	const char	*receipt;	/* NULL, or an upload's spool receipt */
	time_t		 created;
	time_t		 finished;	/* 0 = not yet */
};

/*
 * Records the job as it is now: inserted, or its row brought up to date
 * (state, progress, message, error, result, finished; the receipt once
 * set stays).  With only_new, an existing row is left alone (a queued
 * record never overwrites the writer's later one).  0, or -1 with *cause.
 */
int job_record_save(struct store *st, const struct job_record *r, int only_new, char **cause);

/*
 * The stored job id as GET /api/v1/jobs/ID shows it, if user_id asked for
 * it (any user with any_user); NULL if there is none (or the store failed:
 * *cause set then).
 */
json_t *job_record_json(struct store *st, long long id, int64_t user_id, int any_user,
    char **cause);

/* The id of the unfinished job holding receipt, or 0. */
long long job_record_by_receipt(struct store *st, const char *receipt, char **cause);

/*
 * At a start: every job still queued or running was cut off by the stop;
 * each is marked failed with a message that says so.  The number marked,
 * or -1 with *cause.
 */
int job_record_interrupted(struct store *st, char **cause);

/* The largest id stored, so that new ids follow it; 0 if none. */
long long job_record_last_id(struct store *st, char **cause);

#endif
