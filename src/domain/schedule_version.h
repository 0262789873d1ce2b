/*
 * schedule_version.h — a fair's schedules as versions.  Every solve is a
 * numbered version (schedule.h, schedule_run); `meetings` holds the
 * published one.  Before publishing, the organiser sees what a version
 * changes against the current schedule (meetings added, moved, dropped,
 * and whose); publishing keeps the version it replaces, so publishing
 * that one again (undo) brings it back.  Messages are for a person,
 * Chinese / English, in *cause (caller frees); a failure of the store is
 * one too, recorded on st (store_failure).
 */
#ifndef FM_SCHEDULE_VERSION_H
#define FM_SCHEDULE_VERSION_H

#include <jansson.h>

#include "store.h"

/*
 * The fair's versions, newest first: {"fair","published":N|null,
 * "draft":N|null,"versions":[{"number","state","created_by","created_at",
 * "published_at","meetings","summary":{…}}]}.  New reference, or NULL
 * and *cause.
 */
json_t *schedule_versions_json(struct store *st, const char *fair_code, char **cause);

/*
 * What version number (0 = the draft) changes against the current
 * schedule: {"version","state","added":[…],"moved":[…],"dropped":[…],
 * "unchanged":n}, each change {"buyer":{"badge","name"},"supplier":{…},
 * "from":{"slot","table","when","table_name"}|null,"to":{…}|null}.  New
 * reference, or NULL and *cause.
 */
json_t *schedule_version_diff(struct store *st, const char *fair_code, int number,
    char **cause);

/*
 * Makes version number (0 = the draft) the current schedule: meetings
 * of the same pair keep their ids, meetings with a recorded outcome stay.
 * The version it replaces is kept.  0 and *summary {"fair","version",
 * "added","moved","dropped","meetings"} (caller decrefs), or -1 and *cause.
 */
int schedule_version_publish(struct store *st, const char *fair_code, int number,
    json_t **summary, char **cause);

/* Publishes again the version the current one replaced; as publish. */
int schedule_version_undo(struct store *st, const char *fair_code, json_t **summary,
    char **cause);

/* Discards a draft (0 = the draft); 0, or -1 and *cause. */
int schedule_version_discard(struct store *st, const char *fair_code, int number,
    char **cause);

/*
 * 1 if the fair with this code has version number, 0 if it has not (or
 * there is no such fair), -1 with *cause if the store failed.
 */
int schedule_version_exists(struct store *st, const char *fair_code, int number,
    char **cause);

/* The published version's number for fair_id, 0 if none is, or -1 with *cause. */
int schedule_version_published(struct store *st, long long fair_id, char **cause);

#endif
