/*
 * workq.h — a few worker threads, each with its own store handle, running
 * work handed over by the event loops: the server's one place for writes
 * and for anything too slow for a loop (argon2, imports, batch matching).
 */
#ifndef FM_WORKQ_H
#define FM_WORKQ_H

#include <stddef.h>

#include "store.h"

struct workq;

/* Work to run on a worker: st is that thread's own handle. */
typedef void (*work_fn)(struct store *st, void *arg);

/*
 * Starts nthreads workers, each opening the store in data_dir read-write
 * and waiting up to busy_ms for another writer's lock.  NULL with *cause if
 * a store cannot be opened.
 */
struct workq *workq_start(const char *data_dir, int nthreads, int busy_ms, char **cause);
/* Queues fn(st, arg) to run on some worker, in order of submission.  Thread-safe. */
void workq_submit(struct workq *wq, work_fn fn, void *arg);
/* Work queued or running. */
size_t workq_pending(struct workq *wq);
/* Runs what is queued, then stops the workers and closes their stores. */
void workq_stop(struct workq *wq);

#endif
