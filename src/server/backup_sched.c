/*
 * backup_sched.c — scheduled backups while the server runs.  The timer
 * lives on the main loop; each backup runs on a thread of its own with a
 * read-only store (backup_write in the domain layer), then the old ones
 * are pruned.  One at a time: a tick while one is running is skipped.
 */
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>

#include "backup.h"
#include "backup_sched.h"
#include "store.h"
#include "util.h"

#define FIRST_DELAY	2	/* seconds after the start before the first backup */

struct backup_sched {
	char			*data_dir;	/* owned */
	char			*dir;		/* where backups go; owned */
	long			 minutes;	/* between backups */
	long			 keep;		/* newest kept */
	struct event		*timer;		/* on the main loop */
	pthread_t		 thread;	/* the backup under way, if running */
	int			 joinable;	/* thread was started and not joined */
	atomic_int		 running;
	pthread_mutex_t		 lock;		/* guards st */
	struct backup_status	 st;
};

/* One backup, on its own thread: write it, prune, record the result. */
static void *
backup_main(void *arg)
{
	struct backup_sched *s = arg;
	struct backup_summary sum = { 0 };
	struct store *store = NULL;
	struct timeval t0, t1;
	struct tm tm;
	char stamp[32], *path, *cause = NULL;
	time_t now = time(NULL);
	int rc;

	gettimeofday(&t0, NULL);
	gmtime_r(&now, &tm);
	strftime(stamp, sizeof stamp, "%Y%m%dT%H%M%SZ", &tm);
	path = xasprintf("%s/fairmatch-%s.zip", s->dir, stamp);
	if (mkdir_p(s->dir, 0750) != 0) {
		cause = xasprintf("无法创建备份目录 %s：%s / cannot create the backup directory %s: %s",
		    s->dir, strerror(errno), s->dir, strerror(errno));
		rc = -1;
	} else
		rc = store_open_readonly(s->data_dir, &store, &cause) != 0 ||
		    backup_write(store, path, &sum, &cause) != 0 ? -1 : 0;
	store_close(store);
	if (rc == 0 && backup_prune(s->dir, (int)s->keep, &cause) < 0)
		rc = -1;
	gettimeofday(&t1, NULL);

	pthread_mutex_lock(&s->lock);
	s->st.runs++;
	s->st.last_at = time(NULL);
	s->st.last_ok = rc == 0;
	s->st.last_seconds = (double)(t1.tv_sec - t0.tv_sec) + (t1.tv_usec - t0.tv_usec) / 1e6;
	if (rc == 0) {
		s->st.last_ok_at = s->st.last_at;
		s->st.last_bytes = sum.bytes;
		s->st.last_files = sum.files;
		snprintf(s->st.last_file, sizeof s->st.last_file, "%s", path);
		s->st.last_error[0] = '\0';
	} else {
		s->st.failures++;
		snprintf(s->st.last_error, sizeof s->st.last_error, "%s", cause);
	}
	pthread_mutex_unlock(&s->lock);
	if (rc == 0)
		fprintf(stderr, "fairmatch serve: 已备份 / backed up to %s\n", path);
	else
		fprintf(stderr, "fairmatch serve: %s\n", cause);
	free(cause);
	free(path);
	atomic_store(&s->running, 0);
	return NULL;
}

/* The timer: start a backup unless one is running, and arm the next. */
static void
on_tick(evutil_socket_t fd, short what, void *arg)
{
	struct backup_sched *s = arg;
	struct timeval next = { s->minutes * 60, 0 };

	if (!atomic_exchange(&s->running, 1)) {
		if (s->joinable)
			pthread_join(s->thread, NULL);
		s->joinable = pthread_create(&s->thread, NULL, backup_main, s) == 0;
		if (!s->joinable) {
			atomic_store(&s->running, 0);
			fprintf(stderr, "fairmatch serve: 无法启动备份 / cannot start a backup\n");
		}
	}
	evtimer_add(s->timer, &next);
}

struct backup_sched *
backup_sched_start(struct event_base *base, const char *data_dir, const char *dir,
    long minutes, long keep)
{
	struct backup_sched *s;
	struct timeval first = { FIRST_DELAY, 0 };

	if (dir == NULL || *dir == '\0')
		return NULL;
	s = xcalloc(1, sizeof *s);
	s->data_dir = xstrdup(data_dir);
	s->dir = xstrdup(dir);
	s->minutes = minutes;
	s->keep = keep;
	s->st.enabled = 1;
	pthread_mutex_init(&s->lock, NULL);
	if ((s->timer = evtimer_new(base, on_tick, s)) == NULL)
		fatal("%s: evtimer_new", __func__);
	evtimer_add(s->timer, &first);
	return s;
}

void
backup_sched_status(struct backup_sched *s, struct backup_status *out)
{
	if (s == NULL) {
		memset(out, 0, sizeof *out);
		return;
	}
	pthread_mutex_lock(&s->lock);
	*out = s->st;
	pthread_mutex_unlock(&s->lock);
}

void
backup_sched_stop(struct backup_sched *s)
{
	if (s == NULL)
		return;
	event_free(s->timer);
	if (s->joinable)
		pthread_join(s->thread, NULL);
	pthread_mutex_destroy(&s->lock);
	free(s->data_dir);
	free(s->dir);
	free(s);
}
