/*
 * fairday.c — the organiser's actions on a fair, from setup to the last
 * no-show (fairday.h): each reads or writes the store in one statement or
 * one transaction and answers with JSON.  A failure of the store is -1
 * with *cause like any other; the server tells it apart by store_failure.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "fair.h"
#include "fair_setup.h"
#include "fairday.h"
#include "rows.h"
#include "schedule.h"
#include "util.h"

#define NOW	"strftime('%Y-%m-%dT%H:%M:%SZ', 'now')"

/* A slot as people read it: 第1天 09:00–09:20. */
#define WHEN(slot) "(SELECT '第' || day || '天 ' || start || '–' || end FROM fair_slots" \
	" WHERE fair_id = ?1 AND number = " slot ")"

/* Sets *cause and *status; returns -1. */
static int
fail(int *status, int code, char **cause, char *msg)
{
	*status = code;
	*cause = msg;
	return -1;
}

/* The fair; 0, or -1 with a 404. */
static int
fair_of(struct store *st, const char *code, struct fair *fair, int *status, char **cause)
{
	if (fair_get(st, code, fair, cause) != 0) {
		*status = 404;
		return -1;
	}
	return 0;
}

/* A string member of in, or NULL. */
static const char *
str(json_t *in, const char *key)
{
	return json_string_value(json_object_get(in, key));
}

/* The participant with badge: id and whether a buyer; 0, or -1 with a 404. */
static int
pid_of(struct store *st, const struct fair *fair, const char *badge, int64_t *pid, int *buyer,
    int *status, char **cause)
{
	sqlite3_stmt *q;
	int rc = -1;

	if (badge == NULL)
		return fail(status, 400, cause, xstrdup("需要胸牌号 badge / needs the badge"));
	if (store_query_id(st, "SELECT id, side = 'buyer' FROM participants WHERE fair_id = ? AND"
	    " badge = upper(trim(?))", fair->id, &q, cause) != 0) {
		*status = 500;
		return -1;
	}
	sqlite3_bind_text(q, 2, badge, -1, SQLITE_TRANSIENT);
	if (sqlite3_step(q) == SQLITE_ROW) {
		*pid = sqlite3_column_int64(q, 0);
		*buyer = sqlite3_column_int(q, 1);
		rc = 0;
	}
	if (store_finish(st, q, cause) != 0) {
		*status = 500;
		return -1;
	}
	if (rc != 0)
		fail(status, 404, cause, xasprintf("展会 %s 没有胸牌号为 %s 的参会者 / no participant"
		    " of fair %s has the badge %s", fair->code, badge, fair->code, badge));
	return rc;
}

/* Runs sql bound to ?1 fair id, ?2 an id, ?3 text (if not NULL); 0, or -1 with a 500. */
static int
exec_fair(struct store *st, const char *sql, int64_t fid, int64_t id, const char *text,
    int *status, char **cause)
{
	sqlite3_stmt *q;

	*status = 500;
	if (store_query_id(st, sql, fid, &q, cause) != 0)
		return -1;
	sqlite3_bind_int64(q, 2, id);
	if (text != NULL)
		sqlite3_bind_text(q, 3, text, -1, SQLITE_TRANSIENT);
	sqlite3_step(q);
	return store_finish(st, q, cause);
}

/*
 * Steps q, an INSERT … RETURNING id, and finishes it: 0 and *id, or -1
 * with *cause and a 500 if it failed or returned nothing.
 */
static int
returning_id(struct store *st, sqlite3_stmt *q, const char *what, int64_t *id, int *status,
    char **cause)
{
	*id = sqlite3_step(q) == SQLITE_ROW ? sqlite3_column_int64(q, 0) : -1;
	*status = 500;
	if (store_finish(st, q, cause) != 0)
		return -1;
	if (*id < 0)
		return fail(status, 500, cause, xasprintf("%s：没有写入 / %s: nothing was written",
		    what, what));
	return 0;
}

/* Rows of sql bound to ?1 fair id, ?2 an id, as a JSON list; NULL with a 500. */
static json_t *
rows_fair(struct store *st, const char *sql, int64_t fid, int64_t id, int *status,
    char **cause)
{
	json_t *rows = rows_query(st, sql, fid, id, cause);

	if (rows == NULL)
		*status = 500;
	return rows;
}

/* One integer from sql bound to ?1 fair id, ?2 an id; 0 and *n, or -1 with a 500. */
static int
scalar_fair(struct store *st, const char *sql, int64_t fid, int64_t id, long long *n,
    int *status, char **cause)
{
	sqlite3_stmt *q;

	*status = 500;
	*n = 0;
	if (store_query_id(st, sql, fid, &q, cause) != 0)
		return -1;
	sqlite3_bind_int64(q, 2, id);
	if (sqlite3_step(q) == SQLITE_ROW)
		*n = sqlite3_column_int64(q, 0);
	return store_finish(st, q, cause);
}

/* Sets key of o to v (taken); -1 if v is NULL (a failure already reported). */
static int
set_rows(json_t *o, const char *key, json_t *v)
{
	if (v == NULL)
		return -1;
	json_object_set_new(o, key, v);
	return 0;
}

/* One participant per row: ?1 fair, ?2 a participant id or 0 for all. */
static const char participants_sql[] =
    "SELECT p.badge, p.side, p.name, coalesce(b.province, s.city, '') AS region, p.reps,"
    " p.walk_in, p.checked_in_at, p.no_show,"
    " coalesce((SELECT json_group_array(slot) FROM (SELECT slot FROM participant_unavailable"
    "  WHERE participant_id = p.id ORDER BY slot)), '[]') AS away,"
    " (SELECT count(*) FROM meetings m WHERE m.buyer_pid = p.id OR m.supplier_pid = p.id)"
    "  AS meetings,"
    " (SELECT count(*) FROM meeting_requests r WHERE r.buyer_pid = p.id OR"
    "  r.supplier_pid = p.id) AS requests"
    " FROM participants p LEFT JOIN buyers b ON b.id = p.buyer_id LEFT JOIN suppliers s ON"
    " s.id = p.supplier_id WHERE p.fair_id = ?1 AND (?2 = 0 OR p.id = ?2)"
    " ORDER BY p.side, p.badge";

/* Turns the rows' "away" text into a list and flags into booleans. */
static json_t *
participants_fix(json_t *rows)
{
	size_t i;
	json_t *r;

	json_array_foreach(rows, i, r) {
		json_t *away = json_loads(str(r, "away") ? str(r, "away") : "[]", 0, NULL);

		json_object_set_new(r, "away", away != NULL ? away : json_array());
		json_object_set_new(r, "walk_in", json_boolean(json_integer_value(
		    json_object_get(r, "walk_in"))));
		json_object_set_new(r, "no_show", json_boolean(json_integer_value(
		    json_object_get(r, "no_show"))));
	}
	return rows;
}

/* One participant as JSON (a new reference), or NULL with *status and *cause. */
static json_t *
participant_json(struct store *st, int64_t fid, int64_t pid, int *status, char **cause)
{
	json_t *rows = participants_fix(rows_fair(st, participants_sql, fid, pid, status, cause));
	json_t *one = json_array_get(rows, 0);

	if (rows != NULL && one == NULL)
		fail(status, 404, cause, xstrdup("没有这个参会者 / no such participant"));
	json_incref(one);
	json_decref(rows);
	return one;
}

int
fairday_setup_get(struct store *st, const char *code, json_t *in, const char *who,
    json_t **out, int *status, char **cause)
{
	struct fair fair;
	json_t *slots, *tables, *s0, *last_am = NULL, *first_pm = NULL, *v;
	size_t i;
	int days = 0, minutes = 0;

	(void)in;
	(void)who;
	if (fair_of(st, code, &fair, status, cause) != 0)
		return -1;
	slots = rows_fair(st, "SELECT number AS slot, day, start, end, session, " WHEN("number")
	    " AS \"when\" FROM fair_slots WHERE fair_id = ?1 ORDER BY number", fair.id, 0, status,
	    cause);
	tables = slots == NULL ? NULL : rows_fair(st, "SELECT number AS \"table\", name, location"
	    " FROM fair_tables WHERE fair_id = ?1 ORDER BY number", fair.id, 0, status, cause);
	if (tables == NULL) {
		json_decref(slots);
		fair_clear(&fair);
		return -1;
	}
	json_array_foreach(slots, i, v) {
		int d = (int)json_integer_value(json_object_get(v, "day"));

		days = d > days ? d : days;
		if (json_integer_value(json_object_get(v, "day")) == 1) {
			if (strcmp(str(v, "session"), "am") == 0)
				last_am = v;
			else if (first_pm == NULL)
				first_pm = v;
		}
	}
	s0 = json_array_get(slots, 0);
	if (s0 != NULL)
		minutes = fair_parse_time(str(s0, "end")) - fair_parse_time(str(s0, "start"));
	*out = json_pack("{s:s,s:i,s:i,s:i,s:o,s:o,s:o,s:o}", "fair", fair.code, "days", days,
	    "slots_per_day", days > 0 ? (int)json_array_size(slots) / days : 0,
	    "slot_minutes", minutes,
	    "start", s0 != NULL ? json_string(str(s0, "start")) : json_null(),
	    "lunch", last_am != NULL && first_pm != NULL ? json_sprintf("%s-%s",
	    str(last_am, "end"), str(first_pm, "start")) : json_null(),
	    "slots", slots, "tables", tables);
	fair_clear(&fair);
	return 0;
}

int
fairday_tables_set(struct store *st, const char *code, json_t *in, const char *who,
    json_t **out, int *status, char **cause)
{
	struct fair fair;
	json_t *list = json_object_get(in, "tables"), *t;
	sqlite3_stmt *q;
	size_t i;
	int rc = 0;

	(void)who;
	if (!json_is_array(list))
		return fail(status, 400, cause, xstrdup("需要桌位列表 tables / needs the list tables"));
	if (fair_of(st, code, &fair, status, cause) != 0)
		return -1;
	json_array_foreach(list, i, t) {
		const char *name = str(t, "name");

		if (!json_is_integer(json_object_get(t, "table")) || name == NULL ||
		    *name == '\0' || strlen(name) > 60 || (str(t, "location") != NULL &&
		    strlen(str(t, "location")) > 120)) {
			fair_clear(&fair);
			return fail(status, 400, cause, xasprintf("第 %zu 张桌：需要桌号和 1–60 字节的"
			    "桌名（位置最多 120 字节） / table %zu: needs its number and a name of 1-60"
			    " bytes (location at most 120)", i + 1, i + 1));
		}
	}
	if (store_begin(st, cause) != 0) {
		fair_clear(&fair);
		*status = 500;
		return -1;
	}
	*status = 500;
	if (store_query_id(st, "UPDATE fair_tables SET name = ?3, location = ?4 WHERE"
	    " fair_id = ?1 AND number = ?2", fair.id, &q, cause) != 0)
		rc = -1;
	for (i = 0; rc == 0 && i < json_array_size(list); i++) {
		t = json_array_get(list, i);
		sqlite3_bind_int64(q, 2, json_integer_value(json_object_get(t, "table")));
		sqlite3_bind_text(q, 3, str(t, "name"), -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(q, 4, str(t, "location") ? str(t, "location") : "", -1,
		    SQLITE_TRANSIENT);
		if ((rc = store_run(st, q, cause)) == 0 && sqlite3_changes(store_db(st)) == 0)
			rc = fail(status, 404, cause, xasprintf("展会 %s 没有 %lld 号桌 / fair %s has no"
			    " table %lld", fair.code, json_integer_value(json_object_get(t, "table")),
			    fair.code, json_integer_value(json_object_get(t, "table"))));
	}
	sqlite3_finalize(q);
	if (rc != 0 || store_commit(st, cause) != 0) {
		store_rollback(st);
		fair_clear(&fair);
		return -1;
	}
	fair_clear(&fair);
	return fairday_setup_get(st, code, NULL, who, out, status, cause);
}

/*
 * The fair's rows of sql (?1 the fair), shaped by fix, as {"fair": CODE,
 * key: [...]} in *out; 0, or -1 with *status and *cause.
 */
static int
fair_list(struct store *st, const char *code, const char *sql, json_t *(*fix)(json_t *),
    const char *key, json_t **out, int *status, char **cause)
{
	struct fair fair;
	json_t *rows;

	if (fair_of(st, code, &fair, status, cause) != 0)
		return -1;
	rows = fix(rows_fair(st, sql, fair.id, 0, status, cause));
	if (rows != NULL)
		*out = json_pack("{s:s,s:o}", "fair", fair.code, key, rows);
	fair_clear(&fair);
	return rows != NULL ? 0 : -1;
}

int
fairday_participants(struct store *st, const char *code, json_t *in, const char *who,
    json_t **out, int *status, char **cause)
{
	(void)in;
	(void)who;
	return fair_list(st, code, participants_sql, participants_fix, "participants", out, status,
	    cause);
}

/* A participant's meetings: ?1 fair, ?2 participant. */
static const char meetings_of_sql[] =
    "SELECT m.id, m.slot, " WHEN("m.slot") " AS \"when\", m.table_no AS \"table\","
    " (SELECT name FROM fair_tables WHERE fair_id = ?1 AND number = m.table_no) AS table_name,"
    " o.badge AS with_badge, o.name AS with_name, m.locked, m.late_minutes, m.no_show,"
    " m.backfill, (SELECT CASE WHEN held = 0 THEN 'no_show' ELSE kind END FROM outcomes"
    "  WHERE meeting_id = m.id) AS outcome"
    " FROM meetings m JOIN participants o ON o.id = CASE WHEN m.buyer_pid = ?2 THEN"
    " m.supplier_pid ELSE m.buyer_pid END WHERE m.fair_id = ?1 AND (m.buyer_pid = ?2 OR"
    " m.supplier_pid = ?2) ORDER BY m.slot";

/* The fair's requests: ?1 fair, ?2 a participant or 0. */
static const char requests_sql[] =
    "SELECT r.id, r.state, r.created_at, r.asked_by, r.decided_by, r.decided_at,"
    " json_object('badge', pb.badge, 'name', pb.name) AS buyer,"
    " json_object('badge', ps.badge, 'name', ps.name) AS supplier,"
    " p.code AS product_code, p.name AS product_name,"
    " EXISTS (SELECT 1 FROM meetings m WHERE m.fair_id = ?1 AND m.buyer_pid = r.buyer_pid"
    "  AND m.supplier_pid = r.supplier_pid) AS scheduled"
    " FROM meeting_requests r JOIN participants pb ON pb.id = r.buyer_pid JOIN participants"
    " ps ON ps.id = r.supplier_pid LEFT JOIN products p ON p.id = r.product_id"
    " WHERE r.fair_id = ?1 AND (?2 = 0 OR r.buyer_pid = ?2 OR r.supplier_pid = ?2)"
    " ORDER BY r.created_at DESC, r.id DESC";

/* The buyer and supplier members of request rows, parsed. */
static json_t *
requests_fix(json_t *rows)
{
	size_t i;
	json_t *r;

	json_array_foreach(rows, i, r) {
		json_object_set_new(r, "buyer", json_loads(str(r, "buyer"), 0, NULL));
		json_object_set_new(r, "supplier", json_loads(str(r, "supplier"), 0, NULL));
		json_object_set_new(r, "scheduled", json_boolean(json_integer_value(
		    json_object_get(r, "scheduled"))));
	}
	return rows;
}

/*
 * The pairs worth meeting, by value: the matcher's best score, raised by
 * requests, declined pairs left out (as schedule.c values them).
 */
#define PAIRS_CTE \
    "pairs AS (SELECT b, s, max(v) AS v FROM (" \
    " SELECT pb.id AS b, ps.id AS s, c.score AS v FROM candidates c JOIN demands d ON" \
    "  d.id = c.demand_id JOIN products pr ON pr.id = c.product_id JOIN participants pb ON" \
    "  pb.fair_id = c.fair_id AND pb.buyer_id = d.buyer_id JOIN participants ps ON" \
    "  ps.fair_id = c.fair_id AND ps.supplier_id = pr.supplier_id WHERE c.fair_id = ?1" \
    " UNION ALL SELECT buyer_pid, supplier_pid, value + CASE state WHEN 'asked' THEN 100" \
    "  ELSE 1000 END FROM meeting_requests WHERE fair_id = ?1 AND state != 'declined')" \
    " WHERE NOT EXISTS (SELECT 1 FROM meeting_requests r WHERE r.fair_id = ?1 AND" \
    "  r.buyer_pid = b AND r.supplier_pid = s AND r.state = 'declined') GROUP BY b, s)"

int
fairday_participant(struct store *st, const char *code, json_t *in, const char *who,
    json_t **out, int *status, char **cause)
{
	struct fair fair;
	int64_t pid;
	int buyer;

	(void)who;
	if (fair_of(st, code, &fair, status, cause) != 0)
		return -1;
	if (pid_of(st, &fair, str(in, "badge"), &pid, &buyer, status, cause) != 0) {
		fair_clear(&fair);
		return -1;
	}
	if ((*out = participant_json(st, fair.id, pid, status, cause)) == NULL ||
	    set_rows(*out, "meetings", rows_fair(st, meetings_of_sql, fair.id, pid, status,
	    cause)) != 0 ||
	    set_rows(*out, "requests", requests_fix(rows_fair(st, requests_sql, fair.id, pid,
	    status, cause))) != 0 ||
	    set_rows(*out, "candidates", rows_fair(st, "WITH " PAIRS_CTE " SELECT"
	    " o.badge, o.name, round(pairs.v, 2) AS value, EXISTS (SELECT 1 FROM meetings m WHERE"
	    " m.fair_id = ?1 AND m.buyer_pid = pairs.b AND m.supplier_pid = pairs.s) AS scheduled"
	    " FROM pairs JOIN participants o ON o.id = CASE WHEN pairs.b = ?2 THEN pairs.s ELSE"
	    " pairs.b END WHERE pairs.b = ?2 OR pairs.s = ?2 ORDER BY pairs.v DESC LIMIT 50",
	    fair.id, pid, status, cause)) != 0) {
		json_decref(*out);
		*out = NULL;
		fair_clear(&fair);
		return -1;
	}
	fair_clear(&fair);
	return 0;
}

/* Declared here, defined with the pair action below. */
static int add_pair(struct store *st, const struct fair *fair, int64_t b, int64_t s,
    const char *state, const char *who, int *status, char **cause);

int
fairday_walk_in(struct store *st, const char *code, json_t *in, const char *who,
    json_t **out, int *status, char **cause)
{
	struct fair fair;
	const char *side = str(in, "side"), *name = str(in, "name"), *region = str(in, "region");
	json_t *pairs = json_object_get(in, "pairs"), *v;
	json_int_t reps = json_is_integer(json_object_get(in, "reps")) ?
	    json_integer_value(json_object_get(in, "reps")) : 1;
	sqlite3_stmt *q;
	int64_t pid, company;
	size_t i;
	int buyer;

	if (side == NULL || (strcmp(side, "buyer") != 0 && strcmp(side, "supplier") != 0))
		return fail(status, 400, cause, xstrdup("side 应为 buyer（采购方）或 supplier（供应方）"
		    " / side must be buyer or supplier"));
	if (name == NULL || *name == '\0' || strlen(name) > 200)
		return fail(status, 400, cause, xstrdup("需要单位名称 name（1–200 字节） / needs the"
		    " name, 1-200 bytes"));
	if (region == NULL || *region == '\0' || strlen(region) > 60)
		return fail(status, 400, cause, xstrdup("需要所在地 region（采购方填省份，供应方填城市） /"
		    " needs the region: a buyer's province, a supplier's city"));
	if (reps < 1 || reps > 20)
		return fail(status, 400, cause, xstrdup("代表人数 reps 应为 1–20 / reps must be 1-20"));
	buyer = strcmp(side, "buyer") == 0;
	if (fair_of(st, code, &fair, status, cause) != 0)
		return -1;
	if (store_begin(st, cause) != 0) {
		fair_clear(&fair);
		*status = 500;
		return -1;
	}
	/*
	 * The company is recorded like the catalogue's (a buyer with its
	 * province, a supplier with its city), so outcomes and figures count
	 * it; its badge, BW001 or SW001…, stands apart from B<id> and S<id>.
	 */
	*status = 500;
	if (store_query(st, buyer ? "INSERT INTO buyers (id, name, province) VALUES"
	    " (site_id('buyers'), ?1, ?2) ON CONFLICT DO UPDATE SET name = excluded.name"
	    " RETURNING id" : "INSERT INTO suppliers (id, name, city) VALUES"
	    " (site_id('suppliers'), ?1, ?2) ON CONFLICT DO UPDATE SET name = excluded.name"
	    " RETURNING id", &q, cause) != 0)
		goto fail;
	sqlite3_bind_text(q, 1, name, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(q, 2, region, -1, SQLITE_TRANSIENT);
	if (returning_id(st, q, buyer ? "buyers" : "suppliers", &company, status, cause) != 0 ||
	    store_query_id(st, "INSERT INTO participants (id, fair_id, side, buyer_id,"
	    " supplier_id, badge, name, reps, walk_in, checked_in_at) VALUES"
	    " (site_id('participants'), ?1, ?2, ?6, ?7,"
	    " printf('%sW%03d', ?3, 1 + (SELECT count(*) FROM participants WHERE fair_id = ?1 AND"
	    " side = ?2 AND walk_in = 1)), ?4, ?5, 1, " NOW ") RETURNING id", fair.id, &q,
	    cause) != 0)
		goto fail;
	sqlite3_bind_text(q, 2, side, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 3, buyer ? "B" : "S", -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 4, name, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(q, 5, reps);
	sqlite3_bind_int64(q, buyer ? 6 : 7, company);
	if (returning_id(st, q, "participants", &pid, status, cause) != 0)
		goto fail;
	json_array_foreach(pairs, i, v) {
		int64_t other;
		int obuyer;

		if (pid_of(st, &fair, json_string_value(v), &other, &obuyer, status, cause) != 0 ||
		    (obuyer == buyer && fail(status, 400, cause, xasprintf("%s 与新参会者同为%s，"
		    "不能洽谈 / %s is on the same side", json_string_value(v), buyer ? "采购方" :
		    "供应方", json_string_value(v)))) ||
		    add_pair(st, &fair, buyer ? pid : other, buyer ? other : pid, "added", who,
		    status, cause) != 0)
			goto fail;
	}
	if (store_commit(st, cause) != 0) {
		*status = 500;
		goto fail;
	}
	*out = participant_json(st, fair.id, pid, status, cause);
	fair_clear(&fair);
	return *out != NULL ? 0 : -1;
fail:
	store_rollback(st);
	fair_clear(&fair);
	return -1;
}

/* Reads a list of slot numbers; 0, or -1 with a 400. */
static int
slot_list(json_t *v, int **slots, int *n, int *status, char **cause)
{
	size_t i;
	json_t *s;

	*slots = NULL;
	*n = 0;
	if (v == NULL)
		return 0;
	if (!json_is_array(v) || json_array_size(v) > 1000)
		return fail(status, 400, cause, xstrdup("时段应为整数列表 / slots must be a list of"
		    " whole numbers"));
	*slots = xcalloc(json_array_size(v) + 1, sizeof **slots);
	json_array_foreach(v, i, s) {
		if (!json_is_integer(s)) {
			free(*slots);
			*slots = NULL;
			return fail(status, 400, cause, xstrdup("时段应为整数列表 / slots must be a list"
			    " of whole numbers"));
		}
		(*slots)[(*n)++] = (int)json_integer_value(s);
	}
	return 0;
}

int
fairday_availability(struct store *st, const char *code, json_t *in, const char *who,
    json_t **out, int *status, char **cause)
{
	const char *badge = str(in, "badge");
	json_t *back = json_object_get(in, "back");
	int *away = NULL, *ret = NULL, naway = 0, nret = 0, rc = 0;
	json_int_t reps = json_is_integer(json_object_get(in, "reps")) ?
	    json_integer_value(json_object_get(in, "reps")) : 0;

	if (badge == NULL)
		return fail(status, 400, cause, xstrdup("需要胸牌号 badge / needs the badge"));
	if (reps < 0 || reps > 20)
		return fail(status, 400, cause, xstrdup("代表人数 reps 应为 1–20 / reps must be 1-20"));
	if (slot_list(json_object_get(in, "away"), &away, &naway, status, cause) != 0 ||
	    (!json_is_string(back) && slot_list(back, &ret, &nret, status, cause) != 0)) {
		free(away);
		return -1;
	}
	/* "all": every slot back first, then the away ones marked. */
	if (json_is_string(back))
		rc = fair_participant_set(st, code, badge, NULL, 0, 0, 0, cause);
	if (rc == 0 && nret > 0)
		rc = fair_participant_set(st, code, badge, ret, nret, 0, 0, cause);
	if (rc == 0 && (naway > 0 || reps > 0))
		rc = fair_participant_set(st, code, badge, away, naway, 1, (int)reps, cause);
	free(away);
	free(ret);
	if (rc != 0) {
		*status = strstr(*cause, "no participant") != NULL ||
		    strstr(*cause, "no fair") != NULL ? 404 : 400;
		return -1;
	}
	json_object_set_new(in, "badge", json_string(badge));
	return fairday_participant(st, code, in, who, out, status, cause);
}

int
fairday_requests(struct store *st, const char *code, json_t *in, const char *who,
    json_t **out, int *status, char **cause)
{
	(void)in;
	(void)who;
	return fair_list(st, code, requests_sql, requests_fix, "requests", out, status, cause);
}

int
fairday_request_decide(struct store *st, const char *code, json_t *in, const char *who,
    json_t **out, int *status, char **cause)
{
	json_t *id = json_object_get(in, "id");
	const char *state = str(in, "state");

	if (!json_is_integer(id) || state == NULL)
		return fail(status, 400, cause, xstrdup("需要请求编号 id 和状态 state / needs the"
		    " request's id and state"));
	if (fair_request_answer(st, code, json_integer_value(id), state, who, cause) != 0) {
		*status = strstr(*cause, "has no") != NULL || strstr(*cause, "no fair") != NULL ?
		    404 : 400;
		return -1;
	}
	*out = json_pack("{s:O,s:s,s:s}", "id", id, "state", state, "decided_by",
	    who != NULL ? who : "");
	return 0;
}

/* Records the pair (buyer b, supplier s) in state, by who; 0, or -1 with a 500. */
static int
add_pair(struct store *st, const struct fair *fair, int64_t b, int64_t s, const char *state,
    const char *who, int *status, char **cause)
{
	sqlite3_stmt *q;

	*status = 500;
	if (store_query_id(st, "INSERT INTO meeting_requests (id, fair_id, buyer_pid,"
	    " supplier_pid, state, value, asked_by, decided_by, decided_at) VALUES"
	    " (site_id('meeting_requests'), ?1, ?2, ?3,"
	    " ?4, coalesce((SELECT max(c.score) FROM candidates c JOIN demands d ON"
	    " d.id = c.demand_id JOIN products p ON p.id = c.product_id JOIN participants pb ON"
	    " pb.buyer_id = d.buyer_id JOIN participants ps ON ps.supplier_id = p.supplier_id"
	    " WHERE c.fair_id = ?1 AND pb.id = ?2 AND ps.id = ?3), 0), ?5, ?5, " NOW ")"
	    " ON CONFLICT DO UPDATE SET state = excluded.state, decided_by = excluded.decided_by,"
	    " decided_at = excluded.decided_at", fair->id, &q, cause) != 0)
		return -1;
	sqlite3_bind_int64(q, 2, b);
	sqlite3_bind_int64(q, 3, s);
	sqlite3_bind_text(q, 4, state, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 5, who != NULL ? who : "", -1, SQLITE_TRANSIENT);
	sqlite3_step(q);
	return store_finish(st, q, cause);
}

int
fairday_pair(struct store *st, const char *code, json_t *in, const char *who,
    json_t **out, int *status, char **cause)
{
	struct fair fair;
	int64_t b, s;
	int isb, iss, remove = json_is_true(json_object_get(in, "remove"));

	if (fair_of(st, code, &fair, status, cause) != 0)
		return -1;
	if (pid_of(st, &fair, str(in, "buyer"), &b, &isb, status, cause) != 0 ||
	    pid_of(st, &fair, str(in, "supplier"), &s, &iss, status, cause) != 0 ||
	    (!isb && fail(status, 400, cause, xasprintf("%s 不是采购方 / %s is not a buyer",
	    str(in, "buyer"), str(in, "buyer")))) ||
	    (iss && fail(status, 400, cause, xasprintf("%s 不是供应方 / %s is not a supplier",
	    str(in, "supplier"), str(in, "supplier")))) ||
	    add_pair(st, &fair, b, s, remove ? "declined" : "added", who, status, cause) != 0) {
		fair_clear(&fair);
		return -1;
	}
	*out = json_pack("{s:s,s:s,s:s}", "buyer", str(in, "buyer"), "supplier",
	    str(in, "supplier"), "state", remove ? "declined" : "added");
	fair_clear(&fair);
	return 0;
}

int
fairday_check_in(struct store *st, const char *code, json_t *in, const char *who,
    json_t **out, int *status, char **cause)
{
	struct fair fair;
	int64_t pid;
	int buyer;

	(void)who;
	if (fair_of(st, code, &fair, status, cause) != 0)
		return -1;
	if (pid_of(st, &fair, str(in, "badge"), &pid, &buyer, status, cause) != 0 ||
	    exec_fair(st, "UPDATE participants SET checked_in_at = coalesce(checked_in_at, " NOW
	    ") WHERE fair_id = ?1 AND id = ?2", fair.id, pid, NULL, status, cause) != 0) {
		fair_clear(&fair);
		return -1;
	}
	if ((*out = participant_json(st, fair.id, pid, status, cause)) == NULL ||
	    set_rows(*out, "meetings", rows_fair(st, meetings_of_sql, fair.id, pid, status,
	    cause)) != 0) {
		json_decref(*out);
		*out = NULL;
		fair_clear(&fair);
		return -1;
	}
	fair_clear(&fair);
	return 0;
}

int
fairday_arrivals(struct store *st, const char *code, json_t *in, const char *who,
    json_t **out, int *status, char **cause)
{
	struct fair fair;
	json_t *counts;

	(void)in;
	(void)who;
	if (fair_of(st, code, &fair, status, cause) != 0)
		return -1;
	if ((counts = rows_fair(st, "SELECT count(*) AS expected, count(checked_in_at) AS"
	    " arrived, coalesce(sum(no_show), 0) AS no_show FROM participants p WHERE"
	    " fair_id = ?1 AND EXISTS (SELECT 1 FROM meetings m WHERE m.buyer_pid = p.id OR"
	    " m.supplier_pid = p.id)", fair.id, 0, status, cause)) == NULL) {
		fair_clear(&fair);
		return -1;
	}
	*out = json_array_get(counts, 0);
	json_incref(*out);
	json_decref(counts);
	json_object_set_new(*out, "fair", json_string(fair.code));
	if (set_rows(*out, "arrivals", rows_fair(st, "SELECT badge, side, name,"
	    " checked_in_at FROM participants WHERE fair_id = ?1 AND checked_in_at IS NOT NULL"
	    " ORDER BY checked_in_at DESC, badge LIMIT 200", fair.id, 0, status, cause)) != 0 ||
	    set_rows(*out, "waiting", rows_fair(st, "SELECT p.badge, p.side, p.name,"
	    " (SELECT min(slot) FROM meetings m WHERE m.buyer_pid = p.id OR m.supplier_pid = p.id)"
	    " AS first_slot, " WHEN("(SELECT min(slot) FROM meetings m WHERE m.buyer_pid = p.id"
	    " OR m.supplier_pid = p.id)") " AS first_when FROM participants p WHERE"
	    " p.fair_id = ?1 AND p.checked_in_at IS NULL AND p.no_show = 0 AND EXISTS (SELECT 1"
	    " FROM meetings m WHERE m.buyer_pid = p.id OR m.supplier_pid = p.id) ORDER BY"
	    " first_slot, p.badge LIMIT 200", fair.id, 0, status, cause)) != 0) {
		json_decref(*out);
		*out = NULL;
		fair_clear(&fair);
		return -1;
	}
	fair_clear(&fair);
	return 0;
}

int
fairday_no_show(struct store *st, const char *code, json_t *in, const char *who,
    json_t **out, int *status, char **cause)
{
	/* Its meetings not yet held are marked, and it is away for their slots. */
	static const char *const steps[] = {
		"UPDATE participants SET no_show = 1, checked_in_at = NULL WHERE fair_id = ?1 AND"
		" id = ?2",
		"UPDATE meetings SET no_show = 1 WHERE fair_id = ?1 AND (buyer_pid = ?2 OR"
		" supplier_pid = ?2) AND id NOT IN (SELECT meeting_id FROM outcomes)",
		"INSERT OR IGNORE INTO participant_unavailable (participant_id, slot) SELECT ?2, slot"
		" FROM meetings WHERE fair_id = ?1 AND no_show = 1 AND (buyer_pid = ?2 OR"
		" supplier_pid = ?2)",
	};
	struct fair fair;
	int64_t pid;
	int buyer;
	long long n;

	(void)who;
	if (fair_of(st, code, &fair, status, cause) != 0)
		return -1;
	if (pid_of(st, &fair, str(in, "badge"), &pid, &buyer, status, cause) != 0) {
		fair_clear(&fair);
		return -1;
	}
	if (store_begin(st, cause) != 0) {
		fair_clear(&fair);
		*status = 500;
		return -1;
	}
	for (size_t k = 0; k < nitems(steps); k++)
		if (exec_fair(st, steps[k], fair.id, pid, NULL, status, cause) != 0) {
			store_rollback(st);
			fair_clear(&fair);
			return -1;
		}
	if (store_commit(st, cause) != 0) {
		store_rollback(st);
		fair_clear(&fair);
		*status = 500;
		return -1;
	}
	if (scalar_fair(st, "SELECT count(*) FROM meetings WHERE fair_id = ?1 AND no_show = 1"
	    " AND (buyer_pid = ?2 OR supplier_pid = ?2)", fair.id, pid, &n, status, cause) != 0) {
		fair_clear(&fair);
		return -1;
	}
	*out = json_pack("{s:s,s:I}", "badge", str(in, "badge"), "meetings", (json_int_t)n);
	fair_clear(&fair);
	return 0;
}

/*
 * Backfill: in each place a no-show freed, the side that came (checked
 * in, free then) with its best-valued partner who is also checked in,
 * free and not away then, and not yet meeting it.  ?1 fair.
 */
static const char backfill_sql[] =
    "WITH " PAIRS_CTE ","
    " freed AS (SELECT m.id, m.slot, m.table_no, CASE WHEN pb.no_show THEN ps.id ELSE pb.id END"
    "  AS present FROM meetings m JOIN participants pb ON pb.id = m.buyer_pid JOIN"
    "  participants ps ON ps.id = m.supplier_pid WHERE m.fair_id = ?1 AND m.no_show = 1"
    "  AND NOT (pb.no_show AND ps.no_show)),"
    " busy AS (SELECT buyer_pid AS p, slot FROM meetings WHERE fair_id = ?1 AND no_show = 0"
    "  UNION SELECT supplier_pid, slot FROM meetings WHERE fair_id = ?1 AND no_show = 0),"
    " options AS (SELECT f.id, f.slot, f.table_no, f.present, o.id AS partner, pairs.v,"
    "  row_number() OVER (PARTITION BY f.id ORDER BY pairs.v DESC, o.id) AS k"
    "  FROM freed f JOIN participants me ON me.id = f.present JOIN pairs ON"
    "  (pairs.b = f.present OR pairs.s = f.present) JOIN participants o ON o.id = CASE WHEN"
    "  pairs.b = f.present THEN pairs.s ELSE pairs.b END"
    "  WHERE me.checked_in_at IS NOT NULL AND o.checked_in_at IS NOT NULL AND o.no_show = 0"
    "  AND NOT EXISTS (SELECT 1 FROM busy WHERE busy.p IN (f.present, o.id) AND"
    "   busy.slot = f.slot)"
    "  AND NOT EXISTS (SELECT 1 FROM participant_unavailable u WHERE u.participant_id IN"
    "   (f.present, o.id) AND u.slot = f.slot)"
    "  AND NOT EXISTS (SELECT 1 FROM meetings m WHERE m.fair_id = ?1 AND m.buyer_pid ="
    "   pairs.b AND m.supplier_pid = pairs.s))"
    " SELECT x.id AS meeting, x.slot, " WHEN("x.slot") " AS \"when\", x.table_no AS \"table\","
    " (SELECT name FROM fair_tables WHERE fair_id = ?1 AND number = x.table_no) AS table_name,"
    " json_object('badge', me.badge, 'name', me.name, 'side', me.side) AS present,"
    " json_object('badge', o.badge, 'name', o.name, 'side', o.side) AS partner,"
    " round(x.v, 2) AS score FROM options x JOIN participants me ON me.id = x.present JOIN"
    " participants o ON o.id = x.partner WHERE x.k = 1 ORDER BY x.slot, x.table_no";

int
fairday_backfill(struct store *st, const char *code, json_t *in, const char *who,
    json_t **out, int *status, char **cause)
{
	struct fair fair;
	json_t *rows, *r;
	size_t i;

	(void)in;
	(void)who;
	if (fair_of(st, code, &fair, status, cause) != 0)
		return -1;
	if ((rows = rows_fair(st, backfill_sql, fair.id, 0, status, cause)) == NULL) {
		fair_clear(&fair);
		return -1;
	}
	json_array_foreach(rows, i, r) {
		json_object_set_new(r, "present", json_loads(str(r, "present"), 0, NULL));
		json_object_set_new(r, "partner", json_loads(str(r, "partner"), 0, NULL));
	}
	*out = json_pack("{s:s,s:o}", "fair", fair.code, "proposals", rows);
	fair_clear(&fair);
	return 0;
}

int
fairday_backfill_accept(struct store *st, const char *code, json_t *in, const char *who,
    json_t **out, int *status, char **cause)
{
	struct fair fair;
	json_t *all = NULL, *r, *pick = NULL;
	json_int_t freed = json_integer_value(json_object_get(in, "meeting"));
	size_t i;
	sqlite3_stmt *q;
	int64_t id;

	if (fair_of(st, code, &fair, status, cause) != 0)
		return -1;
	if (store_begin(st, cause) != 0) {
		fair_clear(&fair);
		*status = 500;
		return -1;
	}
	/* Only a proposal as it stands now: the place still freed, both still free. */
	if (fairday_backfill(st, code, NULL, who, &all, status, cause) != 0)
		goto fail;
	json_array_foreach(json_object_get(all, "proposals"), i, r)
		if (json_integer_value(json_object_get(r, "meeting")) == freed)
			pick = r;
	if (pick == NULL) {
		fail(status, 409, cause, xasprintf("洽谈 %lld 空出的位置已没有可补的洽谈 /"
		    " no backfill is possible any more in the place meeting %lld freed",
		    (long long)freed, (long long)freed));
		goto fail;
	}
	/* The no-show's meeting gives up its place (the no-show stays on its participant). */
	if (exec_fair(st, "DELETE FROM meetings WHERE fair_id = ?1 AND id = ?2 AND id NOT IN"
	    " (SELECT meeting_id FROM outcomes)", fair.id, freed, NULL, status, cause) != 0 ||
	    store_query_id(st, "INSERT INTO meetings (id, fair_id, buyer_pid, supplier_pid, slot,"
	    " table_no, locked, value, backfill) SELECT site_id('meetings'), ?1, b.id, s.id, ?4,"
	    " ?5, 1, ?6, 1 FROM"
	    " participants b, participants s WHERE b.fair_id = ?1 AND s.fair_id = ?1 AND"
	    " b.badge = ?2 AND s.badge = ?3 RETURNING id", fair.id, &q, cause) != 0)
		goto fail;
	{
		json_t *pr = json_object_get(pick, "present"), *pa = json_object_get(pick, "partner");
		int pb = strcmp(str(pr, "side"), "buyer") == 0;

		sqlite3_bind_text(q, 2, str(pb ? pr : pa, "badge"), -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(q, 3, str(pb ? pa : pr, "badge"), -1, SQLITE_TRANSIENT);
		sqlite3_bind_int64(q, 4, json_integer_value(json_object_get(pick, "slot")));
		sqlite3_bind_int64(q, 5, json_integer_value(json_object_get(pick, "table")));
		sqlite3_bind_double(q, 6, json_number_value(json_object_get(pick, "score")));
	}
	if (returning_id(st, q, "meetings", &id, status, cause) != 0 ||
	    store_commit(st, cause) != 0) {
		*status = 500;
		goto fail;
	}
	*out = json_pack("{s:I,s:O,s:O,s:O,s:O,s:O}", "id", (json_int_t)id, "slot",
	    json_object_get(pick, "slot"), "when", json_object_get(pick, "when"), "table",
	    json_object_get(pick, "table"), "present", json_object_get(pick, "present"),
	    "partner", json_object_get(pick, "partner"));
	json_decref(all);
	fair_clear(&fair);
	return 0;
fail:
	store_rollback(st);
	json_decref(all);
	fair_clear(&fair);
	return -1;
}

int
fairday_late(struct store *st, const char *code, json_t *in, const char *who,
    json_t **out, int *status, char **cause)
{
	struct fair fair;
	json_t *id = json_object_get(in, "id"), *min = json_object_get(in, "minutes");
	sqlite3_stmt *q;

	(void)who;
	if (!json_is_integer(id) || !json_is_integer(min) || json_integer_value(min) < 0 ||
	    json_integer_value(min) > 240)
		return fail(status, 400, cause, xstrdup("需要洽谈编号 id 和 0–240 的分钟数 minutes /"
		    " needs the meeting's id and minutes from 0 to 240"));
	if (fair_of(st, code, &fair, status, cause) != 0)
		return -1;
	if (store_query_id(st, "UPDATE meetings SET late_minutes = ?3 WHERE fair_id = ?1 AND"
	    " id = ?2", fair.id, &q, cause) != 0) {
		*status = 500;
		fair_clear(&fair);
		return -1;
	}
	sqlite3_bind_int64(q, 2, json_integer_value(id));
	sqlite3_bind_int64(q, 3, json_integer_value(min));
	sqlite3_step(q);
	if (store_finish(st, q, cause) != 0) {
		*status = 500;
		fair_clear(&fair);
		return -1;
	}
	if (sqlite3_changes(store_db(st)) == 0) {
		fail(status, 404, cause, xasprintf("展会 %s 没有编号为 %lld 的洽谈 / fair %s has no"
		    " meeting %lld", fair.code, json_integer_value(id), fair.code,
		    json_integer_value(id)));
		fair_clear(&fair);
		return -1;
	}
	*out = json_pack("{s:O,s:O}", "id", id, "late_minutes", min);
	fair_clear(&fair);
	return 0;
}
