/*
 * schedule_version.c — a fair's schedule versions: the list, what one
 * changes against the current schedule, publish (with undo) and discard.
 * A version's meetings are a snapshot by pair (version_meetings); the
 * current schedule is `meetings`, whose ids outcomes point at, so
 * publishing updates meetings of the same pair in place.
 */
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "fair.h"
#include "rows.h"
#include "schedule_version.h"
#include "util.h"

/* A version of the fair: its id and state; number 0 = the draft.  0, or -1 and *cause. */
static int
version_find(struct store *st, const struct fair *fair, int number, int64_t *id, int *num,
    char *state, size_t statesz, char **cause)
{
	sqlite3_stmt *q;
	int found = 0;

	if (store_query_id(st, number > 0 ?
	    "SELECT id, number, state FROM schedule_versions WHERE fair_id = ?1 AND number = ?2" :
	    "SELECT id, number, state FROM schedule_versions WHERE fair_id = ?1 AND"
	    " state = 'draft' ORDER BY number DESC LIMIT 1", fair->id, &q, cause) != 0)
		return -1;
	if (number > 0)
		sqlite3_bind_int(q, 2, number);
	if (sqlite3_step(q) == SQLITE_ROW) {
		*id = sqlite3_column_int64(q, 0);
		*num = sqlite3_column_int(q, 1);
		snprintf(state, statesz, "%s", (const char *)sqlite3_column_text(q, 2));
		found = 1;
	}
	if (store_finish(st, q, cause) != 0)
		return -1;
	if (found)
		return 0;
	if (number > 0)
		*cause = xasprintf("展会 %s 没有第 %d 版日程 / fair %s has no schedule version %d",
		    fair->code, number, fair->code, number);
	else
		*cause = xasprintf("展会 %s 没有待发布的日程草稿，请先生成洽谈日程 / fair %s has no"
		    " draft schedule: make the schedule first", fair->code, fair->code);
	return -1;
}

int
schedule_version_published(struct store *st, long long fair_id, char **cause)
{
	sqlite3_stmt *q;
	int n = 0;

	if (store_query_id(st, "SELECT number FROM schedule_versions WHERE fair_id = ? AND"
	    " state = 'published'", fair_id, &q, cause) != 0)
		return -1;
	if (sqlite3_step(q) == SQLITE_ROW)
		n = sqlite3_column_int(q, 0);
	return store_finish(st, q, cause) != 0 ? -1 : n;
}

int
schedule_version_exists(struct store *st, const char *fair_code, int number, char **cause)
{
	sqlite3_stmt *q;
	int found;

	if (store_query(st, "SELECT 1 FROM schedule_versions v JOIN fairs f ON f.id = v.fair_id"
	    " WHERE f.code = ?1 AND v.number = ?2", &q, cause) != 0)
		return -1;
	sqlite3_bind_text(q, 1, fair_code, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int(q, 2, number);
	found = sqlite3_step(q) == SQLITE_ROW;
	return store_finish(st, q, cause) != 0 ? -1 : found;
}

json_t *
schedule_versions_json(struct store *st, const char *fair_code, char **cause)
{
	struct fair fair;
	json_t *root, *list, *v;
	size_t i;
	int published, draft = 0;

	if (fair_get(st, fair_code, &fair, cause) != 0)
		return NULL;
	if ((list = rows_query(st, "SELECT v.number, v.state, v.created_by, v.created_at,"
	    " v.published_at, (SELECT count(*) FROM version_meetings m WHERE"
	    " m.version_id = v.id) AS meetings, v.summary FROM schedule_versions v WHERE"
	    " v.fair_id = ? ORDER BY v.number DESC", fair.id, 0, cause)) == NULL ||
	    (published = schedule_version_published(st, fair.id, cause)) < 0) {
		json_decref(list);
		fair_clear(&fair);
		return NULL;
	}
	json_array_foreach(list, i, v) {
		json_t *sum = json_loads(json_string_value(json_object_get(v, "summary")), 0, NULL);

		json_object_set_new(v, "summary", sum != NULL ? sum : json_object());
		if (draft == 0 && strcmp(json_string_value(json_object_get(v, "state")), "draft") == 0)
			draft = (int)json_integer_value(json_object_get(v, "number"));
	}
	root = json_pack("{s:s,s:o,s:o,s:o}", "fair", fair.code,
	    "published", published > 0 ? json_integer(published) : json_null(),
	    "draft", draft > 0 ? json_integer(draft) : json_null(), "versions", list);
	fair_clear(&fair);
	return root;
}

/*
 * The changes of version vid against `meetings`: one row per change,
 * kind, the two sides, where it was and where it goes (day, time, table).
 */
static const char diff_sql[] =
    "WITH v AS (SELECT buyer_pid AS b, supplier_pid AS s, slot, table_no AS t FROM"
    "  version_meetings WHERE version_id = ?1),"
    " m AS (SELECT buyer_pid AS b, supplier_pid AS s, slot, table_no AS t FROM meetings"
    "  WHERE fair_id = ?2),"
    " d AS (SELECT 'added' AS kind, v.b, v.s, NULL AS fs, NULL AS ft, v.slot AS ts, v.t AS tt"
    "  FROM v WHERE NOT EXISTS (SELECT 1 FROM m WHERE m.b = v.b AND m.s = v.s)"
    "  UNION ALL SELECT 'moved', v.b, v.s, m.slot, m.t, v.slot, v.t FROM v JOIN m ON"
    "  m.b = v.b AND m.s = v.s WHERE m.slot != v.slot OR m.t != v.t"
    "  UNION ALL SELECT 'dropped', m.b, m.s, m.slot, m.t, NULL, NULL FROM m WHERE NOT"
    "  EXISTS (SELECT 1 FROM v WHERE v.b = m.b AND v.s = m.s))"
    " SELECT d.kind, pb.badge AS bb, pb.name AS bn, ps.badge AS sb, ps.name AS sn,"
    "  d.fs, d.ft, d.ts, d.tt,"
    "  (SELECT '第' || day || '天 ' || start || '–' || end FROM fair_slots WHERE"
    "   fair_id = ?2 AND number = d.fs) AS fw,"
    "  (SELECT name FROM fair_tables WHERE fair_id = ?2 AND number = d.ft) AS fn,"
    "  (SELECT '第' || day || '天 ' || start || '–' || end FROM fair_slots WHERE"
    "   fair_id = ?2 AND number = d.ts) AS tw,"
    "  (SELECT name FROM fair_tables WHERE fair_id = ?2 AND number = d.tt) AS tn"
    " FROM d JOIN participants pb ON pb.id = d.b JOIN participants ps ON ps.id = d.s"
    " ORDER BY d.kind, coalesce(d.ts, d.fs), coalesce(d.tt, d.ft)";

/* {"slot","table","when","table_name"} from the row's columns k.. (slot NULL: null). */
static json_t *
place_json(json_t *row, const char *slot, const char *table, const char *when,
    const char *name)
{
	if (json_is_null(json_object_get(row, slot)))
		return json_null();
	return json_pack("{s:O,s:O,s:O,s:O}", "slot", json_object_get(row, slot), "table",
	    json_object_get(row, table), "when", json_object_get(row, when), "table_name",
	    json_object_get(row, name));
}

/* The diff of version vid as JSON (no version fields yet); NULL with *cause. */
static json_t *
diff_of(struct store *st, int64_t fair_id, int64_t vid, char **cause)
{
	sqlite3_stmt *q;
	json_t *rows, *row, *out;
	size_t i;
	long long unchanged = 0;

	if ((rows = rows_query(st, diff_sql, vid, fair_id, cause)) == NULL)
		return NULL;
	out = json_pack("{s:[],s:[],s:[]}", "added", "moved", "dropped");
	json_array_foreach(rows, i, row) {
		json_t *c = json_pack("{s:{s:O,s:O},s:{s:O,s:O},s:o,s:o}",
		    "buyer", "badge", json_object_get(row, "bb"), "name", json_object_get(row, "bn"),
		    "supplier", "badge", json_object_get(row, "sb"), "name",
		    json_object_get(row, "sn"),
		    "from", place_json(row, "fs", "ft", "fw", "fn"),
		    "to", place_json(row, "ts", "tt", "tw", "tn"));

		json_array_append_new(json_object_get(out, json_string_value(json_object_get(row,
		    "kind"))), c);
	}
	json_decref(rows);
	if (store_query_id(st, "SELECT count(*) FROM version_meetings v JOIN meetings m ON"
	    " m.fair_id = ?2 AND m.buyer_pid = v.buyer_pid AND m.supplier_pid = v.supplier_pid"
	    " AND m.slot = v.slot AND m.table_no = v.table_no WHERE v.version_id = ?1", vid, &q,
	    cause) != 0) {
		json_decref(out);
		return NULL;
	}
	sqlite3_bind_int64(q, 2, fair_id);
	if (sqlite3_step(q) == SQLITE_ROW)
		unchanged = sqlite3_column_int64(q, 0);
	if (store_finish(st, q, cause) != 0) {
		json_decref(out);
		return NULL;
	}
	json_object_set_new(out, "unchanged", json_integer(unchanged));
	return out;
}

json_t *
schedule_version_diff(struct store *st, const char *fair_code, int number, char **cause)
{
	struct fair fair;
	char state[16];
	int64_t vid;
	int num, published;
	json_t *out;

	if (fair_get(st, fair_code, &fair, cause) != 0)
		return NULL;
	if (version_find(st, &fair, number, &vid, &num, state, sizeof state, cause) != 0 ||
	    (published = schedule_version_published(st, fair.id, cause)) < 0 ||
	    (out = diff_of(st, fair.id, vid, cause)) == NULL) {
		fair_clear(&fair);
		return NULL;
	}
	json_object_set_new(out, "fair", json_string(fair.code));
	json_object_set_new(out, "version", json_integer(num));
	json_object_set_new(out, "state", json_string(state));
	json_object_set_new(out, "against", published > 0 ? json_integer(published) :
	    json_null());
	fair_clear(&fair);
	return out;
}

/* Runs one statement bound to (version id, fair id); 0, or -1 with *cause. */
static int
exec2(struct store *st, const char *sql, int64_t vid, int64_t fair_id, char **cause)
{
	sqlite3_stmt *q;

	if (store_query_id(st, sql, vid, &q, cause) != 0)
		return -1;
	sqlite3_bind_int64(q, 2, fair_id);
	sqlite3_step(q);
	return store_finish(st, q, cause);
}

/* How many meetings the fair has; -1 with *cause. */
static long long
count_meetings(struct store *st, int64_t fair_id, char **cause)
{
	sqlite3_stmt *q;
	long long n = 0;

	if (store_query_id(st, "SELECT count(*) FROM meetings WHERE fair_id = ?", fair_id, &q,
	    cause) != 0)
		return -1;
	if (sqlite3_step(q) == SQLITE_ROW)
		n = sqlite3_column_int64(q, 0);
	return store_finish(st, q, cause) != 0 ? -1 : n;
}

/* Publishes the version with id vid of fair: see schedule_version_publish. */
static int
publish(struct store *st, const struct fair *fair, int64_t vid, int num, json_t **summary,
    char **cause)
{
	static const char *const apply[] = {
		/* Dropped: not in the version and with no recorded outcome. */
		"DELETE FROM meetings WHERE fair_id = ?2 AND NOT EXISTS (SELECT 1 FROM"
		" version_meetings v WHERE v.version_id = ?1 AND v.buyer_pid = meetings.buyer_pid"
		" AND v.supplier_pid = meetings.supplier_pid) AND id NOT IN (SELECT meeting_id FROM"
		" outcomes)",
		"UPDATE meetings SET slot = v.slot, table_no = v.table_no, value = v.value,"
		" product_id = v.product_id FROM version_meetings v WHERE v.version_id = ?1 AND"
		" meetings.fair_id = ?2 AND v.buyer_pid = meetings.buyer_pid AND"
		" v.supplier_pid = meetings.supplier_pid",
		"INSERT INTO meetings (id, fair_id, buyer_pid, supplier_pid, product_id, slot,"
		" table_no, value, locked) SELECT site_id('meetings'), ?2, buyer_pid, supplier_pid,"
		" product_id, slot, table_no, value, locked FROM version_meetings v WHERE"
		" v.version_id = ?1 AND NOT EXISTS"
		" (SELECT 1 FROM meetings m WHERE m.fair_id = ?2 AND m.buyer_pid = v.buyer_pid AND"
		" m.supplier_pid = v.supplier_pid)",
		"UPDATE schedule_versions SET state = 'old' WHERE fair_id = ?2 AND"
		" state = 'published' AND id != ?1",
		"UPDATE schedule_versions SET state = 'published', published_at ="
		" strftime('%Y-%m-%dT%H:%M:%SZ', 'now') WHERE id = ?1",
	};
	json_t *diff;
	long long meetings;

	if (store_begin(st, cause) != 0)
		return -1;
	if ((diff = diff_of(st, fair->id, vid, cause)) == NULL)
		goto fail;
	for (size_t k = 0; k < nitems(apply); k++)
		if (exec2(st, apply[k], vid, fair->id, cause) != 0)
			goto fail;
	if ((meetings = count_meetings(st, fair->id, cause)) < 0 || store_commit(st, cause) != 0)
		goto fail;
	*summary = json_pack("{s:s,s:i,s:I,s:I,s:I,s:I}", "fair", fair->code, "version", num,
	    "added", (json_int_t)json_array_size(json_object_get(diff, "added")),
	    "moved", (json_int_t)json_array_size(json_object_get(diff, "moved")),
	    "dropped", (json_int_t)json_array_size(json_object_get(diff, "dropped")),
	    "meetings", (json_int_t)meetings);
	json_decref(diff);
	return 0;
fail:
	store_rollback(st);
	json_decref(diff);
	return -1;
}

int
schedule_version_publish(struct store *st, const char *fair_code, int number,
    json_t **summary, char **cause)
{
	struct fair fair;
	char state[16];
	int64_t vid;
	int num, rc = -1;

	if (fair_get(st, fair_code, &fair, cause) != 0)
		return -1;
	if (version_find(st, &fair, number, &vid, &num, state, sizeof state, cause) != 0)
		goto out;
	if (strcmp(state, "discarded") == 0) {
		*cause = xasprintf("第 %d 版日程已放弃，不能发布 / schedule version %d was discarded"
		    " and cannot be published", num, num);
		goto out;
	}
	rc = publish(st, &fair, vid, num, summary, cause);
out:
	fair_clear(&fair);
	return rc;
}

int
schedule_version_undo(struct store *st, const char *fair_code, json_t **summary,
    char **cause)
{
	struct fair fair;
	sqlite3_stmt *q;
	int64_t vid = -1;
	int num = 0, rc = -1;

	if (fair_get(st, fair_code, &fair, cause) != 0)
		return -1;
	if (store_query_id(st, "SELECT id, number FROM schedule_versions WHERE fair_id = ? AND"
	    " state = 'old' ORDER BY published_at DESC, number DESC LIMIT 1", fair.id, &q,
	    cause) != 0) {
		fair_clear(&fair);
		return -1;
	}
	if (sqlite3_step(q) == SQLITE_ROW) {
		vid = sqlite3_column_int64(q, 0);
		num = sqlite3_column_int(q, 1);
	}
	if (store_finish(st, q, cause) == 0) {
		if (vid < 0)
			*cause = xasprintf("展会 %s 没有可恢复的上一版日程 / fair %s has no earlier"
			    " published schedule to go back to", fair.code, fair.code);
		else
			rc = publish(st, &fair, vid, num, summary, cause);
	}
	fair_clear(&fair);
	return rc;
}

int
schedule_version_discard(struct store *st, const char *fair_code, int number, char **cause)
{
	struct fair fair;
	char state[16];
	int64_t vid;
	int num, rc = -1;

	if (fair_get(st, fair_code, &fair, cause) != 0)
		return -1;
	if (version_find(st, &fair, number, &vid, &num, state, sizeof state, cause) != 0)
		goto out;
	if (strcmp(state, "draft") != 0) {
		*cause = xasprintf("只能放弃草稿；第 %d 版是 %s / only a draft can be discarded;"
		    " version %d is %s", num, state, num, state);
		goto out;
	}
	rc = exec2(st, "UPDATE schedule_versions SET state = 'discarded' WHERE id = ?1 AND"
	    " fair_id = ?2", vid, fair.id, cause);
out:
	fair_clear(&fair);
	return rc;
}
