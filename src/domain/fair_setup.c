/*
 * fair_setup.c — laying out a fair (days, slots around lunch, tables),
 * taking its participants from its candidates, their availability, and
 * meeting requests from the kiosk and the organiser.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "fair.h"
#include "fair_setup.h"
#include "schedule.h"
#include "util.h"

void
fair_setup_init(struct fair_setup *fs)
{
	fs->days = 1;
	fs->slots_per_day = 8;
	fs->slot_minutes = 20;
	fs->start = 9 * 60;
	fs->lunch_from = 12 * 60;
	fs->lunch_to = 13 * 60 + 30;
	fs->tables = 20;
}

int
fair_parse_time(const char *s)
{
	int h, m;
	char tail;

	if (sscanf(s, "%2d:%2d%c", &h, &m, &tail) != 2 || h < 0 || h > 23 || m < 0 || m > 59)
		return -1;
	return h * 60 + m;
}

/* Runs a statement bound to the fair id (and text, if not NULL); -1 and *cause on failure. */
static int
run(struct store *st, const char *sql, int64_t fair_id, const char *text, char **cause)
{
	sqlite3_stmt *q;

	if (store_query_id(st, sql, fair_id, &q, cause) != 0)
		return -1;
	if (text != NULL)
		sqlite3_bind_text(q, 2, text, -1, SQLITE_TRANSIENT);
	sqlite3_step(q);
	return store_finish(st, q, cause);
}

/* Writes the days, slots and tables of fs for the fair; 0, or -1 and *cause. */
static int
lay_out(struct store *st, int64_t fid, const struct fair_setup *fs, char **cause)
{
	sqlite3_stmt *day = NULL, *slot = NULL, *tab = NULL;
	int number = 0, rc = 0, noon = fs->lunch_from >= 0 ? fs->lunch_from : 12 * 60;

	if (store_query(st, "INSERT INTO fair_days (fair_id, day, date)"
	    " SELECT ?1, ?2, date(start_date, '+' || (?2 - 1) || ' days') FROM fairs WHERE"
	    " id = ?1", &day, cause) != 0 || store_query(st, "INSERT INTO fair_slots (fair_id,"
	    " number, day, start, end, session) VALUES (?, ?, ?, ?, ?, ?)", &slot, cause) != 0 ||
	    store_query(st, "INSERT INTO fair_tables (fair_id, number, name) VALUES (?, ?, ?)",
	    &tab, cause) != 0)
		rc = -1;
	for (int d = 1; d <= fs->days && rc == 0; d++) {
		int at = fs->start;

		sqlite3_bind_int64(day, 1, fid);
		sqlite3_bind_int(day, 2, d);
		rc = store_run(st, day, cause);
		for (int k = 0; k < fs->slots_per_day && rc == 0; k++) {
			char from[32], to[32];

			/* No slot overlaps lunch: one that would starts after it. */
			if (fs->lunch_from >= 0 && at < fs->lunch_to &&
			    at + fs->slot_minutes > fs->lunch_from)
				at = fs->lunch_to;
			if (at + fs->slot_minutes > 24 * 60) {
				*cause = xasprintf("第 %d 天的时段排到了午夜之后 / day %d's slots run"
				    " past midnight", d, d);
				rc = -1;
				break;
			}
			snprintf(from, sizeof from, "%02d:%02d", at / 60, at % 60);
			at += fs->slot_minutes;
			snprintf(to, sizeof to, "%02d:%02d", at / 60, at % 60);
			sqlite3_bind_int64(slot, 1, fid);
			sqlite3_bind_int(slot, 2, ++number);
			sqlite3_bind_int(slot, 3, d);
			sqlite3_bind_text(slot, 4, from, -1, SQLITE_TRANSIENT);
			sqlite3_bind_text(slot, 5, to, -1, SQLITE_TRANSIENT);
			sqlite3_bind_text(slot, 6, at - fs->slot_minutes < noon ? "am" : "pm", -1,
			    SQLITE_STATIC);
			rc = store_run(st, slot, cause);
		}
	}
	for (int k = 1; k <= fs->tables && rc == 0; k++) {
		char name[32];

		snprintf(name, sizeof name, "%d号桌", k);
		sqlite3_bind_int64(tab, 1, fid);
		sqlite3_bind_int(tab, 2, k);
		sqlite3_bind_text(tab, 3, name, -1, SQLITE_TRANSIENT);
		rc = store_run(st, tab, cause);
	}
	sqlite3_finalize(day);
	sqlite3_finalize(slot);
	sqlite3_finalize(tab);
	return rc != 0 ? -1 : 0;
}

/* One count for the fair; -1 with *cause. */
static long long
count(struct store *st, const char *sql, int64_t fid, char **cause)
{
	sqlite3_stmt *q;
	long long n = 0;

	if (store_query_id(st, sql, fid, &q, cause) != 0)
		return -1;
	if (sqlite3_step(q) == SQLITE_ROW)
		n = sqlite3_column_int64(q, 0);
	return store_finish(st, q, cause) == 0 ? n : -1;
}

int
fair_setup(struct store *st, const char *code, const struct fair_setup *fs,
    json_t **summary, char **cause)
{
	struct fair fair;
	long long before, buyers, suppliers, after;
	int nslots = fs->days * fs->slots_per_day;

	*cause = NULL;
	if (fs->days < 1 || fs->days > 30 || fs->slots_per_day < 1 || fs->slots_per_day > 48 ||
	    fs->slot_minutes < 5 || fs->slot_minutes > 240 || fs->tables < 1 ||
	    fs->tables > 10000 || fs->start < 0 || (fs->lunch_from >= 0 &&
	    fs->lunch_to <= fs->lunch_from)) {
		*cause = xasprintf("展会布局参数无效：天数 1–30、每天时段 1–48、时长 5–240 分钟、"
		    "桌数 1–10000、午休须先开始后结束 / invalid layout: days 1-30, slots per day"
		    " 1-48, slot minutes 5-240, tables 1-10000, lunch must end after it starts");
		return -1;
	}
	if (fair_get(st, code, &fair, cause) != 0)
		return -1;
	if (store_begin(st, cause) != 0) {
		fair_clear(&fair);
		return -1;
	}
	if ((before = count(st, "SELECT count(*) FROM meetings WHERE fair_id = ?", fair.id,
	    cause)) < 0 ||
	    run(st, "DELETE FROM fair_days WHERE fair_id = ?", fair.id, NULL, cause) != 0 ||
	    run(st, "DELETE FROM fair_tables WHERE fair_id = ?", fair.id, NULL, cause) != 0 ||
	    lay_out(st, fair.id, fs, cause) != 0 ||
	    run(st, "DELETE FROM meetings WHERE fair_id = ?1 AND (slot > (SELECT count(*) FROM"
	    " fair_slots WHERE fair_id = ?1) OR table_no > (SELECT count(*) FROM fair_tables"
	    " WHERE fair_id = ?1))", fair.id, NULL, cause) != 0 ||
	    run(st, "DELETE FROM participant_unavailable WHERE slot > (SELECT count(*) FROM"
	    " fair_slots WHERE fair_id = ?1) AND participant_id IN (SELECT id FROM participants"
	    " WHERE fair_id = ?1)", fair.id, NULL, cause) != 0 ||
	    /* Participants: the buyers and suppliers of the fair's candidates. */
	    run(st, "INSERT INTO participants (id, fair_id, side, buyer_id, badge, name)"
	    " SELECT site_id('participants'), * FROM (SELECT DISTINCT ?1, 'buyer', b.id,"
	    " printf('B%05d', b.id), b.name FROM candidates c JOIN demands d ON"
	    " d.id = c.demand_id JOIN buyers b ON b.id = d.buyer_id WHERE c.fair_id = ?1 AND"
	    " NOT EXISTS (SELECT 1 FROM participants p WHERE p.fair_id = ?1 AND"
	    " p.buyer_id = b.id) ORDER BY b.id)", fair.id, NULL, cause) != 0 ||
	    run(st, "INSERT INTO participants (id, fair_id, side, supplier_id, badge, name)"
	    " SELECT site_id('participants'), * FROM (SELECT DISTINCT ?1, 'supplier', s.id,"
	    " printf('S%05d', s.id), s.name FROM candidates c JOIN products p ON"
	    " p.id = c.product_id JOIN suppliers s ON s.id = p.supplier_id WHERE c.fair_id = ?1"
	    " AND NOT EXISTS (SELECT 1 FROM participants q WHERE q.fair_id = ?1 AND"
	    " q.supplier_id = s.id) ORDER BY s.id)", fair.id, NULL, cause) != 0 ||
	    store_commit(st, cause) != 0) {
		store_rollback(st);
		fair_clear(&fair);
		return -1;
	}
	if ((buyers = count(st, "SELECT count(*) FROM participants WHERE fair_id = ? AND"
	    " side = 'buyer'", fair.id, cause)) < 0 || (suppliers = count(st, "SELECT count(*)"
	    " FROM participants WHERE fair_id = ? AND side = 'supplier'", fair.id, cause)) < 0 ||
	    (after = count(st, "SELECT count(*) FROM meetings WHERE fair_id = ?", fair.id,
	    cause)) < 0) {
		fair_clear(&fair);
		return -1;
	}
	*summary = json_pack("{s:s,s:i,s:i,s:i,s:I,s:I,s:I}", "fair", fair.code, "days",
	    fs->days, "slots", nslots, "tables", fs->tables, "buyers", (json_int_t)buyers,
	    "suppliers", (json_int_t)suppliers, "dropped", (json_int_t)(before - after));
	fair_clear(&fair);
	return 0;
}

/*
 * The participant with badge at the fair: its id and side; 0, or -1 and
 * *cause.  Badges are read without regard to case (b-0042 is B-0042), the
 * exact spelling first should two differ only in case.
 */
static int
participant(struct store *st, const struct fair *fair, const char *badge, int64_t *pid,
    int *buyer, char **cause)
{
	sqlite3_stmt *q;
	int rc = -1;

	if (store_query(st, "SELECT id, side = 'buyer' FROM participants WHERE fair_id = ?1 AND"
	    " badge = ?2 COLLATE NOCASE ORDER BY badge = ?2 DESC LIMIT 1", &q, cause) != 0)
		return -1;
	sqlite3_bind_int64(q, 1, fair->id);
	sqlite3_bind_text(q, 2, badge, -1, SQLITE_TRANSIENT);
	if (sqlite3_step(q) == SQLITE_ROW) {
		*pid = sqlite3_column_int64(q, 0);
		*buyer = sqlite3_column_int(q, 1);
		rc = 0;
	}
	if (store_finish(st, q, cause) != 0)
		return -1;
	if (rc != 0)
		*cause = xasprintf("%s没有胸牌号为 %s 的参会者 / no participant of %s has the badge"
		    " %s", fair->name, badge, fair->name, badge);
	return rc;
}

int
fair_participant_set(struct store *st, const char *code, const char *badge,
    const int *slots, int nslots, int away, int reps, char **cause)
{
	struct fair fair;
	int64_t pid;
	int buyer, rc = 0;
	long long have;

	if (fair_get(st, code, &fair, cause) != 0)
		return -1;
	if (participant(st, &fair, badge, &pid, &buyer, cause) != 0) {
		fair_clear(&fair);
		return -1;
	}
	if ((have = count(st, "SELECT count(*) FROM fair_slots WHERE fair_id = ?", fair.id,
	    cause)) < 0) {
		fair_clear(&fair);
		return -1;
	}
	for (int k = 0; k < nslots; k++)
		if (slots[k] < 1 || slots[k] > have) {
			*cause = xasprintf("展会 %s 没有时段 %d（共 %lld 个） / fair %s has no slot %d"
			    " (it has %lld)", code, slots[k], have, code, slots[k], have);
			fair_clear(&fair);
			return -1;
		}
	if (store_begin(st, cause) != 0) {
		fair_clear(&fair);
		return -1;
	}
	if (nslots == 0 && !away && reps <= 0)
		rc = run(st, "DELETE FROM participant_unavailable WHERE participant_id = ?", pid,
		    NULL, cause);
	for (int k = 0; k < nslots && rc == 0; k++) {
		sqlite3_stmt *q;

		if ((rc = store_query(st, away ? "INSERT OR IGNORE INTO participant_unavailable"
		    " (participant_id, slot) VALUES (?, ?)" : "DELETE FROM participant_unavailable"
		    " WHERE participant_id = ? AND slot = ?", &q, cause)) != 0)
			break;
		sqlite3_bind_int64(q, 1, pid);
		sqlite3_bind_int(q, 2, slots[k]);
		sqlite3_step(q);
		rc = store_finish(st, q, cause);
	}
	if (reps > 0 && rc == 0) {
		sqlite3_stmt *q;

		if ((rc = store_query(st, "UPDATE participants SET reps = ? WHERE id = ?", &q,
		    cause)) == 0) {
			sqlite3_bind_int(q, 1, reps);
			sqlite3_bind_int64(q, 2, pid);
			sqlite3_step(q);
			rc = store_finish(st, q, cause);
		}
	}
	if (rc != 0)
		store_rollback(st);
	else if (store_commit(st, cause) != 0) {
		store_rollback(st);
		rc = 1;
	}
	fair_clear(&fair);
	return rc != 0 ? -1 : 0;
}

/*
 * Adds (or finds) the request of the buyer with badge for the supplier of
 * product_code, in state (or leaves an existing one as it is unless
 * force); *id gets its id.  0, or -1 and *cause.
 */
static int
request_put(struct store *st, const char *code, const char *badge, const char *product_code,
    const char *state, int force, long long *id, char **cause)
{
	struct fair fair;
	sqlite3_stmt *q;
	int64_t pid, spid = -1, product = -1;
	int buyer, rc = -1;
	double score = 0;

	if (fair_get(st, code, &fair, cause) != 0)
		return -1;
	if (participant(st, &fair, badge, &pid, &buyer, cause) != 0)
		goto out;
	if (!buyer) {
		*cause = xasprintf("胸牌 %s 属于供应商，只有采购方可以申请洽谈 / badge %s belongs to a"
		    " supplier; only buyers ask for meetings", badge, badge);
		goto out;
	}
	if (store_query(st, "SELECT p.id, (SELECT id FROM participants WHERE fair_id = ?1 AND"
	    " supplier_id = p.supplier_id), (SELECT max(c.score) FROM candidates c JOIN demands"
	    " d ON d.id = c.demand_id JOIN participants b ON b.buyer_id = d.buyer_id WHERE"
	    " c.fair_id = ?1 AND c.product_id = p.id AND b.id = ?3) FROM products p WHERE"
	    " p.code = ?2", &q, cause) != 0)
		goto out;
	sqlite3_bind_int64(q, 1, fair.id);
	sqlite3_bind_text(q, 2, product_code, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(q, 3, pid);
	if (sqlite3_step(q) == SQLITE_ROW) {
		product = sqlite3_column_int64(q, 0);
		if (sqlite3_column_type(q, 1) != SQLITE_NULL)
			spid = sqlite3_column_int64(q, 1);
		score = sqlite3_column_double(q, 2);
	}
	if (store_finish(st, q, cause) != 0)
		goto out;
	if (product < 0) {
		*cause = xasprintf("没有编号为 %s 的产品 / no product has the code %s",
		    product_code, product_code);
		goto out;
	}
	if (spid < 0) {
		*cause = xasprintf("产品 %s 的供应商没有参加%s / the supplier of product %s is"
		    " not a participant of %s", product_code, fair.name, product_code, fair.name);
		goto out;
	}
	if (store_query(st, force ? "INSERT INTO meeting_requests (id, fair_id, buyer_pid,"
	    " supplier_pid, product_id, state, value) VALUES (site_id('meeting_requests'), ?, ?,"
	    " ?, ?, ?, ?) ON CONFLICT DO UPDATE SET state = excluded.state, product_id ="
	    " excluded.product_id" : "INSERT INTO meeting_requests (id, fair_id, buyer_pid,"
	    " supplier_pid, product_id, state, value) VALUES (site_id('meeting_requests'), ?, ?,"
	    " ?, ?, ?, ?) ON CONFLICT DO NOTHING", &q, cause) != 0)
		goto out;
	sqlite3_bind_int64(q, 1, fair.id);
	sqlite3_bind_int64(q, 2, pid);
	sqlite3_bind_int64(q, 3, spid);
	sqlite3_bind_int64(q, 4, product);
	sqlite3_bind_text(q, 5, state, -1, SQLITE_STATIC);
	sqlite3_bind_double(q, 6, score);
	sqlite3_step(q);
	if (store_finish(st, q, cause) != 0)
		goto out;
	if (id != NULL) {
		if (store_query(st, "SELECT id FROM meeting_requests WHERE fair_id = ? AND"
		    " buyer_pid = ? AND supplier_pid = ?", &q, cause) != 0)
			goto out;
		sqlite3_bind_int64(q, 1, fair.id);
		sqlite3_bind_int64(q, 2, pid);
		sqlite3_bind_int64(q, 3, spid);
		*id = sqlite3_step(q) == SQLITE_ROW ? sqlite3_column_int64(q, 0) : -1;
		if (store_finish(st, q, cause) != 0)
			goto out;
	}
	rc = 0;
out:
	fair_clear(&fair);
	return rc;
}

int
schedule_request_add(struct store *st, const char *fair_code, const char *badge,
    const char *product_code, char **cause)
{
	return request_put(st, fair_code, badge, product_code, "asked", 0, NULL, cause);
}

int
fair_request_organiser(struct store *st, const char *code, const char *badge,
    const char *product_code, long long *id, char **cause)
{
	return request_put(st, code, badge, product_code, "added", 1, id, cause);
}

int
fair_request_find(struct store *st, const char *code, const char *badge,
    const char *product_code, long long *id, char **cause)
{
	return request_put(st, code, badge, product_code, "asked", 0, id, cause);
}

int
fair_request_answer(struct store *st, const char *code, long long request_id,
    const char *state, const char *who, char **cause)
{
	struct fair fair;
	sqlite3_stmt *q;
	int rc = 0;

	if (strcmp(state, "accepted") != 0 && strcmp(state, "declined") != 0 &&
	    strcmp(state, "added") != 0) {
		*cause = xasprintf("请求状态应为 accepted、declined 或 added / a request's state is"
		    " accepted, declined or added, not “%s”", state);
		return -1;
	}
	if (fair_get(st, code, &fair, cause) != 0)
		return -1;
	if (store_query(st, "UPDATE meeting_requests SET state = ?, decided_by = ?,"
	    " decided_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now') WHERE id = ? AND fair_id = ?",
	    &q, cause) != 0) {
		fair_clear(&fair);
		return -1;
	}
	sqlite3_bind_text(q, 1, state, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 2, who != NULL ? who : "", -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(q, 3, request_id);
	sqlite3_bind_int64(q, 4, fair.id);
	sqlite3_step(q);
	if (store_finish(st, q, cause) != 0)
		rc = -1;
	else if (sqlite3_changes(store_db(st)) == 0) {
		*cause = xasprintf("展会 %s 没有编号为 %lld 的洽谈请求 / fair %s has no meeting"
		    " request %lld", code, request_id, code, request_id);
		rc = -1;
	}
	fair_clear(&fair);
	return rc;
}
