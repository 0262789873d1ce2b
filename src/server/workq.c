/*
 * workq.c — worker threads over one queue.
 */
#include <pthread.h>
#include <stdlib.h>

#include "util.h"
#include "workq.h"

struct work {
	work_fn		 fn;
	void		*arg;
	struct work	*next;
};

struct worker {
	struct workq	*wq;
	pthread_t	 thread;
	struct store	*st;		/* this thread's own handle */
};

struct workq {
	pthread_mutex_t	 lock;
	pthread_cond_t	 ready;		/* work queued, or stopping */
	struct work	*head, *tail;
	size_t		 pending;	/* queued or running */
	int		 stopping;
	struct worker	*workers;
	int		 nworkers;	/* threads started */
	int		 nalloc;	/* entries in workers */
};

/* A worker: takes work until told to stop and the queue is empty. */
static void *
worker_main(void *arg)
{
	struct worker *w = arg;
	struct workq *wq = w->wq;

	for (;;) {
		struct work *job;

		pthread_mutex_lock(&wq->lock);
		while (wq->head == NULL && !wq->stopping)
			pthread_cond_wait(&wq->ready, &wq->lock);
		if (wq->head == NULL) {
			pthread_mutex_unlock(&wq->lock);
			return NULL;
		}
		job = wq->head;
		wq->head = job->next;
		if (wq->head == NULL)
			wq->tail = NULL;
		pthread_mutex_unlock(&wq->lock);
		job->fn(w->st, job->arg);
		free(job);
		pthread_mutex_lock(&wq->lock);
		wq->pending--;
		pthread_mutex_unlock(&wq->lock);
	}
}

struct workq *
workq_start(const char *data_dir, int nthreads, int busy_ms, char **cause)
{
	struct workq *wq = xcalloc(1, sizeof *wq);

	pthread_mutex_init(&wq->lock, NULL);
	pthread_cond_init(&wq->ready, NULL);
	wq->workers = xcalloc((size_t)nthreads, sizeof *wq->workers);
	wq->nalloc = nthreads;
	for (int i = 0; i < nthreads; i++) {
		struct worker *w = &wq->workers[i];

		w->wq = wq;
		if (store_open(data_dir, 0, &w->st, cause) != 0) {
			w->st = NULL;
			workq_stop(wq);
			return NULL;
		}
		store_busy_timeout(w->st, busy_ms);
		if (pthread_create(&w->thread, NULL, worker_main, w) != 0)
			fatal("%s: pthread_create", __func__);
		wq->nworkers++;
	}
	return wq;
}

void
workq_submit(struct workq *wq, work_fn fn, void *arg)
{
	struct work *job = xcalloc(1, sizeof *job);

	job->fn = fn;
	job->arg = arg;
	pthread_mutex_lock(&wq->lock);
	if (wq->tail != NULL)
		wq->tail->next = job;
	else
		wq->head = job;
	wq->tail = job;
	wq->pending++;
	pthread_cond_signal(&wq->ready);
	pthread_mutex_unlock(&wq->lock);
}

size_t
workq_pending(struct workq *wq)
{
	size_t n;

	pthread_mutex_lock(&wq->lock);
	n = wq->pending;
	pthread_mutex_unlock(&wq->lock);
	return n;
}

void
workq_stop(struct workq *wq)
{
	if (wq == NULL)
		return;
	pthread_mutex_lock(&wq->lock);
	wq->stopping = 1;
	pthread_cond_broadcast(&wq->ready);
	pthread_mutex_unlock(&wq->lock);
	for (int i = 0; i < wq->nworkers; i++)
		pthread_join(wq->workers[i].thread, NULL);
	for (int i = 0; i < wq->nalloc; i++)
		if (wq->workers[i].st != NULL)
			store_close(wq->workers[i].st);
	free(wq->workers);
	pthread_cond_destroy(&wq->ready);
	pthread_mutex_destroy(&wq->lock);
	free(wq);
}
