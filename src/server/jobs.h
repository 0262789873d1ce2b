/*
 * jobs.h — long work (imports, batch matching, reindexing, schedules,
 * PDFs) run one at a time on the writer thread, with progress that
 * clients poll at /api/v1/jobs/ID.  The last few hundred live in memory;
 * every job is also recorded in the store (job_record.h) as it is queued
 * (uploads), starts and finishes, so its id answers after a restart.
 */
#ifndef FM_JOBS_H
#define FM_JOBS_H

#include <stdint.h>

#include <jansson.h>

#include "store.h"

struct jobs;
struct job;

/*
 * A job's body, on the writer thread with its store.  0 with *result (the
 * job's outcome, owned by the job), or -1 with *cause: the job failed.
 */
typedef int (*job_run_fn)(struct job *j, struct store *st, void *arg, json_t **result,
    char **cause);

/*
 * Starts the writer thread on the store in data_dir, waiting up to busy_ms
 * for another writer's lock; the jobs a stop cut off are marked failed.
 * NULL with *cause.
 */
struct jobs *jobs_start(const char *data_dir, int busy_ms, char **cause);
/* Runs every queued job to the end, then stops. */
void jobs_stop(struct jobs *js);

/*
 * Queues a job for user_id (0 = the server itself); arg_free (may be NULL)
 * releases arg after it ran.  Returns the job's id, or -1 when every slot
 * of the table holds an unfinished job: then nothing was queued and arg is
 * still the caller's.  Thread-safe.
 */
long long jobs_submit(struct jobs *js, const char *kind, int64_t user_id, job_run_fn run,
    void *arg, void (*arg_free)(void *));
/*
 * jobs_submit for work that must be remembered from the moment it is
 * acknowledged (an upload): with st (a read-write store), the job is
 * recorded as queued before this returns; id, if not 0, is a job's id from
 * before a restart, taken again; receipt (may be NULL) is kept with it.
 */
long long jobs_submit_recorded(struct jobs *js, struct store *st, long long id,
    const char *kind, const char *receipt, int64_t user_id, job_run_fn run, void *arg,
    void (*arg_free)(void *));
/* Reports progress from inside a job: fraction 0..1 and what it is doing. */
void job_progress(struct job *j, double fraction, const char *what);

/*
 * The job as {id, kind, state, progress, message, result, created,
 * finished}, or NULL if there is none by that id that user_id may see
 * (any_user: an admin sees all).  Caller decrefs.
 */
json_t *jobs_json(struct jobs *js, long long id, int64_t user_id, int any_user);
/*
 * Calls done(arg, job JSON) once the job has finished — at once, on this
 * thread, if it already has; else on the writer thread.  done takes the
 * JSON.  -1 if there is no such job.
 */
int jobs_on_done(struct jobs *js, long long id, void (*done)(void *arg, json_t *job),
    void *arg);
/* Jobs queued or running. */
size_t jobs_pending(struct jobs *js);

#endif
