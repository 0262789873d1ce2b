/*
 * jobs.c — the job table and the writer thread that runs them.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "job_record.h"
#include "jobs.h"
#include "util.h"
#include "workq.h"

#define JOBS_KEPT	512	/* jobs remembered, oldest finished ones forgotten first */

enum job_state { JOB_QUEUED, JOB_RUNNING, JOB_DONE, JOB_FAILED };
static const char *const state_names[] = { "queued", "running", "done", "failed" };

struct waiter {
	void		(*done)(void *, json_t *);
	void		*arg;
	struct waiter	*next;
};

struct job {
	struct jobs	*js;
	long long	 id;
	char		 kind[32];
	char		*receipt;	/* an upload's spool receipt, or NULL; owned */
	int64_t		 user_id;
	enum job_state	 state;
	double		 progress;	/* 0..1 */
	char		*message;	/* what it is doing, or why it failed */
	enum store_fail	 fail;		/* a failure of the store itself that failed it */
	json_t		*result;	/* when done */
	time_t		 created, finished;
	job_run_fn	 run;
	void		*arg;
	void		(*arg_free)(void *);
	struct waiter	*waiters;	/* called when finished */
};

struct jobs {
	pthread_mutex_t	 lock;		/* guards the table and every job's fields */
	struct job	*table[JOBS_KEPT];
	long long	 next_id;
	struct workq	*writer;
};

struct jobs *
jobs_start(const char *data_dir, int busy_ms, char **cause)
{
	struct jobs *js = xcalloc(1, sizeof *js);
	struct store *st;
	int n;

	/* What the last stop cut off is failed, before anything is resumed. */
	if (store_open(data_dir, 0, &st, cause) != 0) {
		free(js);
		return NULL;
	}
	n = job_record_interrupted(st, cause);
	store_close(st);
	if (n < 0) {
		free(js);
		return NULL;
	}
	if ((js->writer = workq_start(data_dir, 1, busy_ms, cause)) == NULL) {
		free(js);
		return NULL;
	}
	pthread_mutex_init(&js->lock, NULL);
	/* Ids from the clock, so that one from before a restart is not reused. */
	js->next_id = (long long)time(NULL) * 1000;
	return js;
}

/* Frees a finished job. */
static void
job_free(struct job *j)
{
	free(j->message);
	free(j->receipt);
	json_decref(j->result);
	free(j);
}

/*
 * Records j in st with state and what it finished with.  Called outside
 * the lock by the one thread that changes j then (the writer, or the
 * submitter before the writer sees it): a write may wait for a lock, and
 * readers of the job table must not wait with it.  A failure is only told:
 * the job itself is not failed by its record.
 */
static void
job_save(struct job *j, struct store *st, enum job_state state, const char *message,
    enum store_fail fail, json_t *result, time_t finished, int only_new)
{
	struct job_record r = { j->id, j->kind, j->user_id, state_names[state],
	    state >= JOB_DONE ? 1 : 0, message, fail != STORE_OK ? store_fail_name(fail) : NULL,
	    result, j->receipt, j->created, finished };
	char *cause = NULL;

	if (job_record_save(st, &r, only_new, &cause) != 0) {
		fprintf(stderr, "fairmatch serve: 任务 %lld 未能记录 / job %lld not recorded: %s\n",
		    j->id, j->id, cause);
		free(cause);
	}
}

void
jobs_stop(struct jobs *js)
{
	if (js == NULL)
		return;
	workq_stop(js->writer);
	for (size_t i = 0; i < JOBS_KEPT; i++)
		if (js->table[i] != NULL)
			job_free(js->table[i]);
	pthread_mutex_destroy(&js->lock);
	free(js);
}

/* The job as JSON; called with the lock held. */
static json_t *
job_json_locked(const struct job *j)
{
	json_t *o = json_pack("{s:I, s:s, s:s, s:f, s:s?, s:I}", "id", (json_int_t)j->id,
	    "kind", j->kind, "state", state_names[j->state], "progress", j->progress,
	    "message", j->message, "created", (json_int_t)j->created);

	if (j->fail != STORE_OK)
		json_object_set_new(o, "error", json_string(store_fail_name(j->fail)));

	if (j->result != NULL)
		json_object_set(o, "result", j->result);
	if (j->finished != 0)
		json_object_set_new(o, "finished", json_integer(j->finished));
	return o;
}

/* The writer thread's side: run the job, record the outcome, tell the waiters. */
static void
job_main(struct store *st, void *arg)
{
	struct job *j = arg;
	struct jobs *js = j->js;
	struct waiter *w;
	json_t *result = NULL;
	char *cause = NULL;
	int rc;

	enum store_fail fail = STORE_OK;
	time_t finished;

	store_failure_reset(st);
	job_save(j, st, JOB_RUNNING, NULL, STORE_OK, NULL, 0, 0);
	pthread_mutex_lock(&js->lock);
	j->state = JOB_RUNNING;
	pthread_mutex_unlock(&js->lock);
	store_failure_reset(st);	/* what an earlier job left is not this one's */
	rc = j->run(j, st, j->arg, &result, &cause);
	if (j->arg_free != NULL)
		j->arg_free(j->arg);
	j->arg = NULL;
	if (rc != 0 && store_fail_hard(store_failure(st)))
		fail = store_failure(st);
	if (rc != 0 && cause == NULL)
		cause = xstrdup("?");
	finished = time(NULL);
	store_failure_reset(st);
	job_save(j, st, rc == 0 ? JOB_DONE : JOB_FAILED, cause, fail, result, finished, 0);
	pthread_mutex_lock(&js->lock);
	j->state = rc == 0 ? JOB_DONE : JOB_FAILED;
	j->fail = fail;
	j->progress = 1;
	free(j->message);
	j->message = rc == 0 ? NULL : cause;
	if (rc == 0)
		free(cause);
	j->result = result;
	j->finished = finished;
	w = j->waiters;
	j->waiters = NULL;
	while (w != NULL) {
		struct waiter *next = w->next;

		w->done(w->arg, job_json_locked(j));
		free(w);
		w = next;
	}
	pthread_mutex_unlock(&js->lock);
}

/* A free slot, forgetting the oldest finished job if need be, or JOBS_KEPT if all are busy; locked. */
static size_t
free_slot(struct jobs *js)
{
	size_t best = JOBS_KEPT;

	for (size_t i = 0; i < JOBS_KEPT; i++) {
		struct job *j = js->table[i];

		if (j == NULL)
			return i;
		if (j->state >= JOB_DONE && (best == JOBS_KEPT || j->id < js->table[best]->id))
			best = i;
	}
	if (best == JOBS_KEPT)
		return JOBS_KEPT;		/* every job still queued or running */
	job_free(js->table[best]);
	js->table[best] = NULL;
	return best;
}

long long
jobs_submit(struct jobs *js, const char *kind, int64_t user_id, job_run_fn run, void *arg,
    void (*arg_free)(void *))
{
	return jobs_submit_recorded(js, NULL, 0, kind, NULL, user_id, run, arg, arg_free);
}

long long
jobs_submit_recorded(struct jobs *js, struct store *st, long long reuse, const char *kind,
    const char *receipt, int64_t user_id, job_run_fn run, void *arg, void (*arg_free)(void *))
{
	struct job *j = xcalloc(1, sizeof *j);
	long long id;
	size_t slot;

	j->js = js;
	snprintf(j->kind, sizeof j->kind, "%s", kind);
	j->receipt = receipt != NULL ? xstrdup(receipt) : NULL;
	j->user_id = user_id;
	j->run = run;
	j->arg = arg;
	j->arg_free = arg_free;
	j->created = time(NULL);
	pthread_mutex_lock(&js->lock);
	if ((slot = free_slot(js)) == JOBS_KEPT) {
		pthread_mutex_unlock(&js->lock);
		free(j->receipt);
		free(j);
		return -1;
	}
	id = j->id = reuse > 0 ? reuse : ++js->next_id;
	js->table[slot] = j;
	pthread_mutex_unlock(&js->lock);
	/* Before the writer can see it: its 'running' then comes after this 'queued'. */
	if (st != NULL)
		job_save(j, st, JOB_QUEUED, NULL, STORE_OK, NULL, 0, 1);
	workq_submit(js->writer, job_main, j);
	return id;
}

void
job_progress(struct job *j, double fraction, const char *what)
{
	pthread_mutex_lock(&j->js->lock);
	j->progress = fraction < 0 ? 0 : fraction > 1 ? 1 : fraction;
	if (what != NULL) {
		free(j->message);
		j->message = xstrdup(what);
	}
	pthread_mutex_unlock(&j->js->lock);
}

/* The job with id that user_id may see; locked. */
static struct job *
find(struct jobs *js, long long id, int64_t user_id, int any_user)
{
	for (size_t i = 0; i < JOBS_KEPT; i++) {
		struct job *j = js->table[i];

		if (j != NULL && j->id == id && (any_user || j->user_id == user_id))
			return j;
	}
	return NULL;
}

json_t *
jobs_json(struct jobs *js, long long id, int64_t user_id, int any_user)
{
	struct job *j;
	json_t *o = NULL;

	pthread_mutex_lock(&js->lock);
	if ((j = find(js, id, user_id, any_user)) != NULL)
		o = job_json_locked(j);
	pthread_mutex_unlock(&js->lock);
	return o;
}

int
jobs_on_done(struct jobs *js, long long id, void (*done)(void *, json_t *), void *arg)
{
	struct job *j;
	json_t *now = NULL;

	pthread_mutex_lock(&js->lock);
	if ((j = find(js, id, 0, 1)) == NULL) {
		pthread_mutex_unlock(&js->lock);
		return -1;
	}
	if (j->state >= JOB_DONE)
		now = job_json_locked(j);
	else {
		struct waiter *w = xcalloc(1, sizeof *w);

		w->done = done;
		w->arg = arg;
		w->next = j->waiters;
		j->waiters = w;
	}
	pthread_mutex_unlock(&js->lock);
	if (now != NULL)
		done(arg, now);
	return 0;
}

size_t
jobs_pending(struct jobs *js)
{
	return workq_pending(js->writer);
}
