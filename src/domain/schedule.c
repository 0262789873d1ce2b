/*
 * schedule.c — a fair's schedule between the store and the selection
 * solver: builds the model (participants, slots, tables, booths,
 * availability; candidate pairs from the matcher, raised by requests; the
 * current meetings as locks and previous places), solves, checks with the
 * validator, saves keeping meeting ids; reads the grid back; locks and
 * moves one meeting by hand.
 */
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "fair.h"
#include "rows.h"
#include "sel.h"
#include "schedule.h"
#include "schedule_version.h"
#include "util.h"

/* A participant id and its index on its side. */
struct pmap {
	int64_t	*ids;		/* sorted participant ids; owned */
	int	 n;
};

/* The model of a fair, with what maps it back to the store. */
struct fair_sched {
	struct fair	 fair;
	struct sel_model *m;
	struct pmap	 buyers;
	struct pmap	 suppliers;
	int64_t		*product;	/* per candidate: products.id, or -1 */
	int64_t		*meeting;	/* per candidate: meetings.id it holds now, or -1 */
	int		 stale;		/* meetings whose pair is no longer a candidate */
};

/* The index of id in the map, or -1. */
static int
pmap_find(const struct pmap *p, int64_t id)
{
	int lo = 0, hi = p->n - 1;

	while (lo <= hi) {
		int mid = lo + (hi - lo) / 2;

		if (p->ids[mid] == id)
			return mid;
		if (p->ids[mid] < id)
			lo = mid + 1;
		else
			hi = mid - 1;
	}
	return -1;
}

/* Fills a map from a query of ids in ascending order bound to the fair; 0, or -1 with *cause. */
static int
pmap_load(struct store *st, struct pmap *p, const char *sql, int64_t fid, char **cause)
{
	sqlite3_stmt *q;

	p->ids = NULL;
	p->n = 0;
	if (store_query_id(st, sql, fid, &q, cause) != 0)
		return -1;
	while (sqlite3_step(q) == SQLITE_ROW) {
		p->ids = xreallocarray(p->ids, (size_t)p->n + 1, sizeof *p->ids);
		p->ids[p->n++] = sqlite3_column_int64(q, 0);
	}
	return store_finish(st, q, cause);
}

/* Frees a loaded fair model. */
static void
fair_sched_free(struct fair_sched *fs)
{
	sel_model_free(fs->m);
	free(fs->buyers.ids);
	free(fs->suppliers.ids);
	free(fs->product);
	free(fs->meeting);
	fair_clear(&fs->fair);
	memset(fs, 0, sizeof *fs);
}

/* Grows the per-candidate arrays to the model's size. */
static void
grow(struct fair_sched *fs)
{
	int n = fs->m->ncands;

	fs->product = xreallocarray(fs->product, (size_t)n, sizeof *fs->product);
	fs->meeting = xreallocarray(fs->meeting, (size_t)n, sizeof *fs->meeting);
	fs->product[n - 1] = -1;
	fs->meeting[n - 1] = -1;
}

/* Candidate pairs: the matcher's best score per pair, raised by requests; declined left out. */
static int
load_candidates(struct store *st, struct fair_sched *fs, char **cause)
{
	sqlite3_stmt *q;

	if (store_query_id(st, "SELECT b, s, max(v), product FROM ("
	    " SELECT pb.id AS b, ps.id AS s, c.score AS v, c.product_id AS product"
	    " FROM candidates c JOIN demands d ON d.id = c.demand_id"
	    " JOIN products p ON p.id = c.product_id"
	    " JOIN participants pb ON pb.fair_id = c.fair_id AND pb.buyer_id = d.buyer_id"
	    " JOIN participants ps ON ps.fair_id = c.fair_id AND ps.supplier_id = p.supplier_id"
	    " WHERE c.fair_id = ?1"
	    " UNION ALL SELECT buyer_pid, supplier_pid, value + CASE state WHEN 'asked' THEN ?2"
	    " ELSE ?3 END, product_id FROM meeting_requests WHERE fair_id = ?1 AND"
	    " state != 'declined'"
	    " UNION ALL SELECT buyer_pid, supplier_pid, value, product_id FROM meetings"
	    " WHERE fair_id = ?1 AND (locked = 1 OR id IN (SELECT meeting_id FROM outcomes)))"
	    " WHERE NOT EXISTS (SELECT 1 FROM meeting_requests r WHERE r.fair_id = ?1 AND"
	    " r.buyer_pid = b AND r.supplier_pid = s AND r.state = 'declined')"
	    " GROUP BY b, s ORDER BY b, s", fs->fair.id, &q, cause) != 0)
		return -1;
	sqlite3_bind_double(q, 2, SCHEDULE_ASKED_BONUS);
	sqlite3_bind_double(q, 3, SCHEDULE_ACCEPTED_BONUS);
	while (sqlite3_step(q) == SQLITE_ROW) {
		int b = pmap_find(&fs->buyers, sqlite3_column_int64(q, 0));
		int s = pmap_find(&fs->suppliers, sqlite3_column_int64(q, 1));
		double v = sqlite3_column_double(q, 2);

		if (b < 0 || s < 0)
			continue;
		sel_model_add(fs->m, b, s, v > 0 ? v : 1e-6);
		grow(fs);
		if (sqlite3_column_type(q, 3) != SQLITE_NULL)
			fs->product[fs->m->ncands - 1] = sqlite3_column_int64(q, 3);
	}
	return store_finish(st, q, cause);
}

/* The candidate of a pair, or -1 (candidates are sorted by buyer, then supplier). */
static int
cand_find(const struct sel_model *m, int b, int s)
{
	int lo = 0, hi = m->ncands - 1;

	while (lo <= hi) {
		int mid = lo + (hi - lo) / 2;
		const struct sel_cand *c = &m->cands[mid];

		if (c->buyer == b && c->supplier == s)
			return mid;
		if (c->buyer < b || (c->buyer == b && c->supplier < s))
			lo = mid + 1;
		else
			hi = mid - 1;
	}
	return -1;
}

/* The current meetings: previous places, and locks; 0, or -1 with *cause. */
static int
load_meetings(struct store *st, struct fair_sched *fs, char **cause)
{
	sqlite3_stmt *q;

	/* A meeting whose outcome is recorded has happened: it is as good as locked. */
	if (store_query_id(st, "SELECT id, buyer_pid, supplier_pid, slot, table_no, locked OR id IN"
	    " (SELECT meeting_id FROM outcomes) FROM meetings WHERE fair_id = ? ORDER BY id",
	    fs->fair.id, &q, cause) != 0)
		return -1;
	while (sqlite3_step(q) == SQLITE_ROW) {
		int b = pmap_find(&fs->buyers, sqlite3_column_int64(q, 1));
		int s = pmap_find(&fs->suppliers, sqlite3_column_int64(q, 2));
		int i = b >= 0 && s >= 0 ? cand_find(fs->m, b, s) : -1;
		struct sel_cand *c;

		if (i < 0) {
			fs->stale++;
			continue;
		}
		c = &fs->m->cands[i];
		fs->meeting[i] = sqlite3_column_int64(q, 0);
		c->prev_slot = sqlite3_column_int(q, 3) - 1;
		c->prev_table = sqlite3_column_int(q, 4) - 1;
		if (sqlite3_column_int(q, 5)) {
			c->lock_slot = c->prev_slot;
			c->lock_table = c->prev_table;
		}
	}
	return store_finish(st, q, cause);
}

/* Builds the fair's model; 0, or -1 and *cause. */
static int
fair_sched_load(struct store *st, const char *code, struct fair_sched *fs, char **cause)
{
	sqlite3_stmt *q;
	int nslots = 0, ntables = 0;

	memset(fs, 0, sizeof *fs);
	if (fair_get(st, code, &fs->fair, cause) != 0)
		return -1;
	if (store_query_id(st, "SELECT (SELECT count(*) FROM fair_slots WHERE fair_id = ?1),"
	    " (SELECT count(*) FROM fair_tables WHERE fair_id = ?1)", fs->fair.id, &q,
	    cause) != 0) {
		fair_clear(&fs->fair);
		return -1;
	}
	if (sqlite3_step(q) == SQLITE_ROW) {
		nslots = sqlite3_column_int(q, 0);
		ntables = sqlite3_column_int(q, 1);
	}
	if (store_finish(st, q, cause) != 0) {
		fair_clear(&fs->fair);
		return -1;
	}
	if (nslots == 0 || ntables == 0) {
		*cause = xasprintf("展会 %s 尚未设置时段与桌位，请先运行 fairmatch schedule setup %s /"
		    " fair %s has no slots or tables yet: run `fairmatch schedule setup %s` first",
		    code, code, code, code);
		fair_clear(&fs->fair);
		return -1;
	}
	if (pmap_load(st, &fs->buyers, "SELECT id FROM participants WHERE fair_id = ? AND"
	    " side = 'buyer' ORDER BY id", fs->fair.id, cause) != 0 ||
	    pmap_load(st, &fs->suppliers, "SELECT id FROM participants WHERE fair_id = ? AND"
	    " side = 'supplier' ORDER BY id", fs->fair.id, cause) != 0)
		goto fail;
	fs->m = sel_model_new(fs->buyers.n, fs->suppliers.n, nslots, ntables);

	if (store_query_id(st, "SELECT number, day FROM fair_slots WHERE fair_id = ? ORDER BY"
	    " number", fs->fair.id, &q, cause) != 0)
		goto fail;
	for (int t = 0; t < nslots && sqlite3_step(q) == SQLITE_ROW; t++)
		fs->m->slot_day[t] = sqlite3_column_int(q, 1);
	if (store_finish(st, q, cause) != 0 || store_query_id(st, "SELECT p.id, p.side = 'buyer',"
	    " p.reps FROM participants p WHERE p.fair_id = ?", fs->fair.id, &q, cause) != 0)
		goto fail;
	while (sqlite3_step(q) == SQLITE_ROW) {
		int64_t id = sqlite3_column_int64(q, 0);

		if (sqlite3_column_int(q, 1))
			fs->m->breps[pmap_find(&fs->buyers, id)] = sqlite3_column_int(q, 2);
		else
			fs->m->sreps[pmap_find(&fs->suppliers, id)] = sqlite3_column_int(q, 2);
	}
	if (store_finish(st, q, cause) != 0 || store_query_id(st, "SELECT u.participant_id,"
	    " p.side = 'buyer', u.slot FROM participant_unavailable u JOIN participants p ON"
	    " p.id = u.participant_id WHERE p.fair_id = ?", fs->fair.id, &q, cause) != 0)
		goto fail;
	while (sqlite3_step(q) == SQLITE_ROW) {
		int64_t id = sqlite3_column_int64(q, 0);
		int t = sqlite3_column_int(q, 2) - 1;

		if (t < 0 || t >= nslots)
			continue;
		if (sqlite3_column_int(q, 1))
			fs->m->bunavail[(size_t)pmap_find(&fs->buyers, id) * nslots + t] = 1;
		else
			fs->m->sunavail[(size_t)pmap_find(&fs->suppliers, id) * nslots + t] = 1;
	}
	if (store_finish(st, q, cause) != 0 || store_query_id(st, "SELECT t.number, p.id FROM"
	    " fair_tables t JOIN participants p ON p.fair_id = t.fair_id AND"
	    " p.supplier_id = t.supplier_id WHERE t.fair_id = ?", fs->fair.id, &q, cause) != 0)
		goto fail;
	while (sqlite3_step(q) == SQLITE_ROW) {
		int s = pmap_find(&fs->suppliers, sqlite3_column_int64(q, 1));

		if (s >= 0)
			fs->m->booth[s] = sqlite3_column_int(q, 0) - 1;
	}
	if (store_finish(st, q, cause) != 0 || load_candidates(st, fs, cause) != 0 ||
	    load_meetings(st, fs, cause) != 0)
		goto fail;
	return 0;
fail:
	fair_sched_free(fs);
	return -1;
}

/*
 * Records the solve as the fair's next version, a draft (earlier drafts
 * are discarded), its meetings by pair; *number gets its number.  0, or
 * -1 with *cause.
 */
static int
write_version(struct store *st, struct fair_sched *fs, const struct sel_result *res,
    json_t *summary, const char *who, int *number, char **cause)
{
	sqlite3_stmt *q;
	char *text;
	int64_t vid = -1;
	int rc;

	if (store_query_id(st, "UPDATE schedule_versions SET state = 'discarded' WHERE"
	    " fair_id = ? AND state = 'draft'", fs->fair.id, &q, cause) != 0)
		return -1;
	sqlite3_step(q);
	if (store_finish(st, q, cause) != 0 || store_query_id(st, "INSERT INTO"
	    " schedule_versions (id, fair_id, number, state, summary, created_by) VALUES"
	    " (site_id('schedule_versions'), ?1,"
	    " (SELECT coalesce(max(number), 0) + 1 FROM schedule_versions WHERE fair_id = ?1),"
	    " 'draft', ?2, ?3) RETURNING id, number", fs->fair.id, &q, cause) != 0)
		return -1;
	text = json_dumps(summary, JSON_COMPACT);
	sqlite3_bind_text(q, 2, text, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(q, 3, who != NULL ? who : "", -1, SQLITE_TRANSIENT);
	free(text);
	if (sqlite3_step(q) == SQLITE_ROW) {
		vid = sqlite3_column_int64(q, 0);
		*number = sqlite3_column_int(q, 1);
	}
	if (store_finish(st, q, cause) != 0)
		return -1;
	if (store_query(st, "INSERT INTO version_meetings (version_id, buyer_pid, supplier_pid,"
	    " product_id, slot, table_no, value, locked) VALUES (?, ?, ?, ?, ?, ?, ?, ?)", &q,
	    cause) != 0)
		return -1;
	rc = 0;
	for (int i = 0; i < fs->m->ncands && rc == 0; i++) {
		const struct sel_cand *c = &fs->m->cands[i];

		if (res->slot[i] < 0)
			continue;
		sqlite3_bind_int64(q, 1, vid);
		sqlite3_bind_int64(q, 2, fs->buyers.ids[c->buyer]);
		sqlite3_bind_int64(q, 3, fs->suppliers.ids[c->supplier]);
		if (fs->product[i] >= 0)
			sqlite3_bind_int64(q, 4, fs->product[i]);
		else
			sqlite3_bind_null(q, 4);
		sqlite3_bind_int(q, 5, res->slot[i] + 1);
		sqlite3_bind_int(q, 6, res->table[i] + 1);
		sqlite3_bind_double(q, 7, c->value);
		sqlite3_bind_int(q, 8, c->lock_slot >= 0);
		rc = store_run(st, q, cause);
		sqlite3_clear_bindings(q);
	}
	sqlite3_finalize(q);
	return rc;
}

int
schedule_run(struct store *st, const char *fair_code, const struct schedule_opts *opts,
    void (*progress)(void *arg, double fraction), void *arg, json_t **result,
    char **cause)
{
	struct fair_sched fs;
	struct sel_opts so;
	struct sel_result res;
	struct sel_report rep;
	int redo = 0, added = 0, number = 0, publish = opts != NULL && opts->publish;
	json_t *summary, *published = NULL;
	char *why = NULL;

	if (fair_sched_load(st, fair_code, &fs, cause) != 0)
		return -1;
	for (int i = 0; i < fs.m->ncands; i++)
		redo |= fs.m->cands[i].prev_slot >= 0;
	sel_opts_init(&so);
	so.time_limit = redo ? 1.5 : 10;
	if (opts != NULL && opts->time_limit > 0)
		so.time_limit = opts->time_limit;
	if (opts != NULL)
		so.seed = opts->seed;
	so.progress = progress;
	so.progress_arg = arg;
	if (sel_solve(fs.m, &so, &res, cause) != 0) {
		fair_sched_free(&fs);
		return -1;
	}
	/* A schedule the validator refuses is a solver bug; it is never saved. */
	if (sel_check(fs.m, res.slot, res.table, &rep) != 0) {
		*cause = xasprintf("排程未通过校验，未保存（程序错误）：%s / the schedule failed"
		    " validation and was not saved (a bug): %s", rep.violations[0],
		    rep.violations[0]);
		sel_report_free(&rep);
		sel_result_free(&res);
		fair_sched_free(&fs);
		return -1;
	}
	for (int i = 0; i < fs.m->ncands; i++)
		added += res.slot[i] >= 0 && fs.meeting[i] < 0;
	summary = json_pack("{s:s,s:f,s:f,s:f,s:i,s:i,s:i,s:i,s:i,s:b,s:f,s:b}", "fair",
	    fs.fair.code, "value", rep.value, "bound", res.bound, "ratio",
	    res.bound > 0 ? rep.value / res.bound : 1.0, "meetings", rep.meetings,
	    "added", added, "moved", res.moved + fs.stale, "dropped", res.dropped + fs.stale,
	    "gaps", rep.gaps, "exact", res.exact, "seconds", res.seconds, "valid", 1);
	json_object_set_new(summary, "applied", json_boolean(publish));
	if (store_begin(st, cause) != 0)
		goto fail;
	if (write_version(st, &fs, &res, summary, opts != NULL ? opts->who : NULL, &number,
	    cause) != 0 || store_commit(st, cause) != 0)
		goto rollback;
	json_object_set_new(summary, "version", json_integer(number));
	/* The draft stays if publishing fails; the message says so. */
	if (publish && schedule_version_publish(st, fs.fair.code, number, &published,
	    &why) != 0) {
		*cause = xasprintf("已生成第 %d 版草稿，但未能发布：%s / draft version %d was made"
		    " but not published: %s", number, why, number, why);
		free(why);
		goto fail;
	}
	json_decref(published);
	*result = summary;
	sel_report_free(&rep);
	sel_result_free(&res);
	fair_sched_free(&fs);
	return 0;
rollback:
	store_rollback(st);
fail:
	json_decref(summary);
	sel_report_free(&rep);
	sel_result_free(&res);
	fair_sched_free(&fs);
	return -1;
}

json_t *
schedule_json(struct store *st, const char *fair_code, char **cause)
{
	struct fair fair;
	json_t *root, *slots, *tables, *meetings;
	size_t i;
	json_t *m;
	int version;

	if (fair_get(st, fair_code, &fair, cause) != 0)
		return NULL;
	if ((version = schedule_version_published(st, fair.id, cause)) < 0) {
		fair_clear(&fair);
		return NULL;
	}
	slots = rows_query(st, "SELECT number AS slot, day, start, end, session FROM"
	    " fair_slots WHERE fair_id = ? ORDER BY number", fair.id, 0, cause);
	tables = slots == NULL ? NULL : rows_query(st, "SELECT t.number AS \"table\","
	    " t.name, s.name AS booth FROM fair_tables t LEFT JOIN suppliers s ON"
	    " s.id = t.supplier_id WHERE t.fair_id = ? ORDER BY t.number", fair.id, 0, cause);
	meetings = tables == NULL ? NULL : rows_query(st, "SELECT m.id, m.slot, m.table_no"
	    " AS \"table\", b.badge AS bb, b.name AS bn, s.badge AS sb, s.name AS sn, p.code AS"
	    " pc, p.name AS pn, m.locked, m.value, m.late_minutes, m.no_show FROM meetings m"
	    " JOIN participants b ON b.id = m.buyer_pid JOIN participants s ON"
	    " s.id = m.supplier_pid LEFT JOIN products p ON p.id = m.product_id WHERE"
	    " m.fair_id = ? ORDER BY m.slot, m.table_no", fair.id, 0, cause);
	if (meetings == NULL) {
		json_decref(slots);
		json_decref(tables);
		fair_clear(&fair);
		return NULL;
	}
	root = json_pack("{s:s,s:s,s:i,s:o,s:o}", "fair", fair.code, "name", fair.name,
	    "version", version, "slots", slots, "tables", tables);
	/* Nest the sides and the product as the API shows them. */
	json_array_foreach(meetings, i, m) {
		json_t *pc = json_object_get(m, "pc");

		json_object_set_new(m, "buyer", json_pack("{s:O,s:O}", "badge",
		    json_object_get(m, "bb"), "name", json_object_get(m, "bn")));
		json_object_set_new(m, "supplier", json_pack("{s:O,s:O}", "badge",
		    json_object_get(m, "sb"), "name", json_object_get(m, "sn")));
		json_object_set_new(m, "product", json_is_null(pc) ? json_null() :
		    json_pack("{s:O,s:O}", "code", pc, "name", json_object_get(m, "pn")));
		json_object_set_new(m, "locked", json_boolean(json_integer_value(
		    json_object_get(m, "locked"))));
		json_object_del(m, "bb");
		json_object_del(m, "bn");
		json_object_del(m, "sb");
		json_object_del(m, "sn");
		json_object_del(m, "pc");
		json_object_del(m, "pn");
	}
	json_object_set_new(root, "meetings", meetings);
	fair_clear(&fair);
	return root;
}

int
schedule_lock(struct store *st, const char *fair_code, long long meeting_id, int locked,
    char **cause)
{
	struct fair fair;
	sqlite3_stmt *q;
	int rc = 0;

	if (fair_get(st, fair_code, &fair, cause) != 0)
		return -1;
	if (store_query(st, "UPDATE meetings SET locked = ? WHERE id = ? AND fair_id = ?", &q,
	    cause) != 0) {
		fair_clear(&fair);
		return -1;
	}
	sqlite3_bind_int(q, 1, locked != 0);
	sqlite3_bind_int64(q, 2, meeting_id);
	sqlite3_bind_int64(q, 3, fair.id);
	sqlite3_step(q);
	if (store_finish(st, q, cause) != 0)
		rc = -1;
	else if (sqlite3_changes(store_db(st)) == 0) {
		*cause = xasprintf("展会 %s 没有编号为 %lld 的洽谈 / fair %s has no meeting %lld",
		    fair_code, meeting_id, fair_code, meeting_id);
		rc = -1;
	}
	fair_clear(&fair);
	return rc;
}

/*
 * The first rule a move of meeting id to (slot, table) would break, in
 * Chinese (*zh) and English (*en); 0 if none, else 1.  Caller frees both.
 * -1 with *cause if the store failed.
 */
static int
move_problem(struct store *st, const struct fair *fair, long long id, int slot, int table,
    char **zh, char **en, char **cause)
{
	sqlite3_stmt *q;
	int64_t bpid = -1, spid = -1;

	*zh = *en = NULL;
	if (store_query(st, "SELECT buyer_pid, supplier_pid FROM meetings WHERE id = ? AND"
	    " fair_id = ?", &q, cause) != 0)
		return -1;
	sqlite3_bind_int64(q, 1, id);
	sqlite3_bind_int64(q, 2, fair->id);
	if (sqlite3_step(q) == SQLITE_ROW) {
		bpid = sqlite3_column_int64(q, 0);
		spid = sqlite3_column_int64(q, 1);
	}
	if (store_finish(st, q, cause) != 0)
		return -1;
	if (bpid < 0) {
		*zh = xasprintf("展会 %s 没有编号为 %lld 的洽谈", fair->code, id);
		*en = xasprintf("fair %s has no meeting %lld", fair->code, id);
		return 1;
	}

	/* Each rule: a query that returns a row naming who or what is in the way. */
	static const struct {
		const char	*sql;	/* ?1 fair, ?2 meeting, ?3 slot, ?4 table, ?5 buyer, ?6 supplier */
		const char	*zh[2];	/* the Chinese message around the row's text */
		const char	*en[2];	/* the English one */
	} rules[] = {
		{ "SELECT ?3 WHERE NOT EXISTS (SELECT 1 FROM fair_slots WHERE fair_id = ?1 AND"
		  " number = ?3)",
		  { "没有时段 ", "" }, { "there is no slot ", "" } },
		{ "SELECT ?4 WHERE NOT EXISTS (SELECT 1 FROM fair_tables WHERE fair_id = ?1 AND"
		  " number = ?4)",
		  { "没有 ", " 号桌" }, { "there is no table ", "" } },
		{ "SELECT p.name FROM participant_unavailable u JOIN participants p ON"
		  " p.id = u.participant_id WHERE u.participant_id IN (?5, ?6) AND u.slot = ?3",
		  { "", " 在该时段不在场" }, { "", " is unavailable in that slot" } },
		{ "SELECT p.name FROM participants p WHERE p.id IN (?5, ?6) AND p.reps <= (SELECT"
		  " count(*) FROM meetings m WHERE m.fair_id = ?1 AND m.slot = ?3 AND m.id != ?2"
		  " AND (m.buyer_pid = p.id OR m.supplier_pid = p.id))",
		  { "", " 在该时段已有洽谈" }, { "", " already has a meeting in that slot" } },
		{ "SELECT b.name || ' — ' || s.name FROM meetings m JOIN"
		  " participants b ON b.id = m.buyer_pid JOIN participants s ON"
		  " s.id = m.supplier_pid WHERE m.fair_id = ?1 AND m.slot = ?3 AND"
		  " m.table_no = ?4 AND m.id != ?2",
		  { "该桌该时段已被洽谈（", "）占用" }, { "the table is taken then by the meeting ", "" } },
		{ "SELECT s.name FROM fair_tables t JOIN suppliers s ON s.id = t.supplier_id"
		  " WHERE t.fair_id = ?1 AND t.number = ?4 AND t.supplier_id IS NOT"
		  " (SELECT supplier_id FROM participants WHERE id = ?6)",
		  { "该桌是 ", " 的展位" }, { "the table is the booth of ", "" } },
	};
	for (size_t k = 0; k < nitems(rules) && *zh == NULL; k++) {
		if (store_query(st, rules[k].sql, &q, cause) != 0)
			return -1;
		sqlite3_bind_int64(q, 1, fair->id);
		sqlite3_bind_int64(q, 2, id);
		sqlite3_bind_int(q, 3, slot);
		sqlite3_bind_int(q, 4, table);
		sqlite3_bind_int64(q, 5, bpid);
		sqlite3_bind_int64(q, 6, spid);
		if (sqlite3_step(q) == SQLITE_ROW) {
			const char *what = (const char *)sqlite3_column_text(q, 0);

			*zh = xasprintf("%s%s%s", rules[k].zh[0], what, rules[k].zh[1]);
			*en = xasprintf("%s%s%s", rules[k].en[0], what, rules[k].en[1]);
		}
		if (store_finish(st, q, cause) != 0) {
			free(*zh);
			free(*en);
			*zh = *en = NULL;
			return -1;
		}
	}
	return *zh != NULL;
}

/*
 * A move as a person reads it, in Chinese or (en) English: "洽谈（买方 —
 * 供应商）移到 第1天 10:40–11:00，A厅1号", a slot by its day and time and a
 * table by its name, falling back to numbers only where there is no such
 * slot or table.  Caller frees.
 */
static char *
move_place(struct store *st, const struct fair *fair, long long id, int slot, int table,
    int en)
{
	sqlite3_stmt *q;
	char *cause = NULL, *text = NULL;

	if (store_query(st, "SELECT (SELECT b.name || ' — ' || s.name FROM meetings m JOIN"
	    " participants b ON b.id = m.buyer_pid JOIN participants s ON s.id = m.supplier_pid"
	    " WHERE m.id = ?2 AND m.fair_id = ?1),"
	    " (SELECT '第' || day || '天 ' || start || '–' || end FROM fair_slots WHERE"
	    "  fair_id = ?1 AND number = ?3),"
	    " (SELECT name FROM fair_tables WHERE fair_id = ?1 AND number = ?4)", &q,
	    &cause) == 0) {
		sqlite3_bind_int64(q, 1, fair->id);
		sqlite3_bind_int64(q, 2, id);
		sqlite3_bind_int(q, 3, slot);
		sqlite3_bind_int(q, 4, table);
		if (sqlite3_step(q) == SQLITE_ROW) {
			const char *pair = (const char *)sqlite3_column_text(q, 0);
			const char *when = (const char *)sqlite3_column_text(q, 1);
			const char *name = (const char *)sqlite3_column_text(q, 2);
			char *w = when != NULL ? xstrdup(when) : xasprintf(en ? "slot %d" : "时段 %d",
			    slot);
			char *t = name != NULL ? xstrdup(name) : xasprintf(en ? "table %d" : "%d 号桌",
			    table);

			text = xasprintf(en ? "the meeting %s to %s, %s" : "洽谈（%s）移到 %s，%s",
			    pair != NULL ? pair : "?", w, t);
			free(w);
			free(t);
		}
		store_finish(st, q, &cause);
	}
	free(cause);
	if (text == NULL)
		text = xasprintf(en ? "meeting %lld to slot %d, table %d" : "洽谈 %lld 移到时段 %d、"
		    "%d 号桌", id, slot, table);
	return text;
}

int
schedule_move(struct store *st, const char *fair_code, long long meeting_id, int slot,
    int table, char **cause)
{
	struct fair fair;
	sqlite3_stmt *q;
	char *zh, *en;
	int rc = 0, problem;

	if (fair_get(st, fair_code, &fair, cause) != 0)
		return -1;
	if (store_begin(st, cause) != 0) {
		fair_clear(&fair);
		return -1;
	}
	if ((problem = move_problem(st, &fair, meeting_id, slot, table, &zh, &en, cause)) < 0) {
		store_rollback(st);
		fair_clear(&fair);
		return -1;
	}
	if (problem) {
		char *wzh = move_place(st, &fair, meeting_id, slot, table, 0);
		char *wen = move_place(st, &fair, meeting_id, slot, table, 1);

		*cause = xasprintf("不能把%s：%s / cannot move %s: %s", wzh, zh, wen, en);
		free(wzh);
		free(wen);
		free(zh);
		free(en);
		store_rollback(st);
		fair_clear(&fair);
		return -1;
	}
	if (store_query(st, "UPDATE meetings SET slot = ?, table_no = ?, locked = 1 WHERE"
	    " id = ?", &q, cause) == 0) {
		sqlite3_bind_int(q, 1, slot);
		sqlite3_bind_int(q, 2, table);
		sqlite3_bind_int64(q, 3, meeting_id);
		sqlite3_step(q);
		rc = store_finish(st, q, cause);
	} else
		rc = -1;
	if (rc != 0 || store_commit(st, cause) != 0) {
		store_rollback(st);
		rc = -1;
	}
	fair_clear(&fair);
	return rc;
}
