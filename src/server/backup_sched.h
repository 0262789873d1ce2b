/*
 * backup_sched.h — the server's scheduled backups: one at start and every
 * backup_minutes after, into backup_dir, keeping the newest backup_keep;
 * the last result for /metrics and the console.
 */
#ifndef FM_BACKUP_SCHED_H
#define FM_BACKUP_SCHED_H

#include <stdint.h>
#include <time.h>

#include <event2/event.h>

struct backup_sched;

/* The last scheduled backup, as /metrics and /api/v1/backups show it. */
struct backup_status {
	int		 enabled;	/* backup_dir is set */
	long		 runs;		/* backups tried since the start */
	long		 failures;	/* of which failed */
	time_t		 last_at;	/* when the last one finished; 0 = none yet */
	int		 last_ok;
	double		 last_seconds;	/* how long it took */
	int64_t		 last_bytes;	/* the database and kept files, uncompressed */
	size_t		 last_files;	/* kept files in it */
	time_t		 last_ok_at;	/* when the last good one finished; 0 = none */
	char		 last_file[512]; /* the last good backup's path */
	char		 last_error[512]; /* the last failure's message, "" if it succeeded */
};

/*
 * Schedules backups of data_dir into dir on base's timer, each run on a
 * thread of its own so no loop waits; NULL when dir is "".  The first runs
 * a few seconds after the start.
 */
struct backup_sched *backup_sched_start(struct event_base *base, const char *data_dir,
    const char *dir, long minutes, long keep);
/* Copies the last result into out (thread-safe; s may be NULL: disabled). */
void backup_sched_status(struct backup_sched *s, struct backup_status *out);
/* Stops the timer, waits for a backup under way, frees s (NULL is fine). */
void backup_sched_stop(struct backup_sched *s);

#endif
