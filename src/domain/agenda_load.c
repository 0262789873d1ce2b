/*
 * agenda_load.c — a stored fair's schedule (migration 5: fair_days,
 * fair_slots, fair_tables, participants, meetings) read into the plain
 * structs print_agenda.c renders; agenda_load_links adds the personal
 * links, which it issues.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fair.h"
#include "agenda.h"
#include "links.h"
#include "schedule_version.h"
#include "util.h"

/* The agenda and everything it points at; a is first, so an agenda * is a box *. */
struct box {
	struct agenda		 a;
	char			**strs;		/* every string the agenda points at; owned */
	size_t			 nstrs;
	struct agenda_slot	*slots;		/* owned */
	char			**tables;	/* owned array; strings in strs */
	struct agenda_party	*parties;	/* owned */
	struct agenda_meeting	*meetings;	/* owned */
	int64_t			*slot_no;	/* fair_slots.number of each slot, ascending */
	int64_t			*table_no;	/* fair_tables.number of each table, ascending */
	int64_t			*party_id;	/* participants.id of each party, ascending */
};

/* A copy of column i of q kept by the box, or NULL for NULL or empty text. */
static const char *
keep(struct box *b, sqlite3_stmt *q, int i)
{
	const char *s = (const char *)sqlite3_column_text(q, i);

	if (s == NULL || *s == '\0')
		return NULL;
	b->strs = xreallocarray(b->strs, b->nstrs + 1, sizeof *b->strs);
	b->strs[b->nstrs] = xstrdup(s);
	return b->strs[b->nstrs++];
}

/* A string the box keeps; takes ownership of s. */
static const char *
keep_str(struct box *b, char *s)
{
	b->strs = xreallocarray(b->strs, b->nstrs + 1, sizeof *b->strs);
	b->strs[b->nstrs] = s;
	return b->strs[b->nstrs++];
}

/* The index of key in the ascending ids[n]; -1 if absent. */
static long
find(const int64_t *ids, size_t n, int64_t key)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (ids[mid] == key)
			return (long)mid;
		if (ids[mid] < key)
			lo = mid + 1;
		else
			hi = mid;
	}
	return -1;
}

void
agenda_free(struct agenda *a)
{
	struct box *b = (struct box *)a;

	if (b == NULL)
		return;
	for (size_t i = 0; i < b->nstrs; i++)
		free(b->strs[i]);
	free(b->strs);
	free(b->slots);
	free(b->tables);
	free(b->parties);
	free(b->meetings);
	free(b->slot_no);
	free(b->table_no);
	free(b->party_id);
	free(b);
}

/* Whether the store has the schedule's tables (migration 5): 1, 0, or -1 with *cause. */
static int
has_schedule(struct store *st, char **cause)
{
	long long n = store_scalar(st, "SELECT count(*) FROM sqlite_master WHERE type = 'table'"
	    " AND name IN ('fair_slots', 'fair_tables', 'participants', 'meetings')", cause);

	return n < 0 ? -1 : n == 4;
}

/* The fair's heading. */
static int
load_fair(struct box *b, struct store *st, int64_t fair_id, char **cause)
{
	sqlite3_stmt *q;

	if (store_query_id(st, "SELECT code, name, city, start_date, end_date"
	    " FROM fairs WHERE id = ?", fair_id, &q, cause) != 0)
		return -1;
	if (sqlite3_step(q) == SQLITE_ROW) {
		const char *from, *to;

		b->a.fair.code = keep(b, q, 0);
		b->a.fair.name = keep(b, q, 1);
		b->a.fair.city = keep(b, q, 2);
		from = keep(b, q, 3);
		to = keep(b, q, 4);
		if (from != NULL && to != NULL && strcmp(from, to) != 0)
			b->a.fair.dates = keep_str(b, xasprintf("%s 至 %s", from, to));
		else
			b->a.fair.dates = from != NULL ? from : to;
	}
	return store_finish(st, q, cause);
}

/* The timetable: slots in number order, each with its day's date (or 第 N 天). */
static int
load_slots(struct box *b, struct store *st, int64_t fair_id, char **cause)
{
	sqlite3_stmt *q;
	size_t n = 0;

	if (store_query_id(st, "SELECT s.number, coalesce(d.date, '第 ' || s.day || ' 天'),"
	    " s.start, s.end FROM fair_slots s LEFT JOIN fair_days d ON d.fair_id = s.fair_id"
	    " AND d.day = s.day WHERE s.fair_id = ? ORDER BY s.number", fair_id, &q, cause) != 0)
		return -1;
	while (sqlite3_step(q) == SQLITE_ROW) {
		b->slots = xreallocarray(b->slots, n + 1, sizeof *b->slots);
		b->slot_no = xreallocarray(b->slot_no, n + 1, sizeof *b->slot_no);
		b->slot_no[n] = sqlite3_column_int64(q, 0);
		b->slots[n] = (struct agenda_slot){ keep(b, q, 1), keep(b, q, 2), keep(b, q, 3) };
		n++;
	}
	b->a.slots = b->slots;
	b->a.nslots = n;
	return store_finish(st, q, cause);
}

/* The tables, by number, labelled as printed. */
static int
load_tables(struct box *b, struct store *st, int64_t fair_id, char **cause)
{
	sqlite3_stmt *q;
	size_t n = 0;

	if (store_query_id(st, "SELECT number, name FROM fair_tables"
	    " WHERE fair_id = ? ORDER BY number", fair_id, &q, cause) != 0)
		return -1;
	while (sqlite3_step(q) == SQLITE_ROW) {
		const char *name = keep(b, q, 1);

		b->tables = xreallocarray(b->tables, n + 1, sizeof *b->tables);
		b->table_no = xreallocarray(b->table_no, n + 1, sizeof *b->table_no);
		b->table_no[n] = sqlite3_column_int64(q, 0);
		b->tables[n] = (char *)(name != NULL ? name :
		    keep_str(b, xasprintf("%lld", (long long)b->table_no[n])));
		n++;
	}
	b->a.tables = (const char *const *)b->tables;
	b->a.ntables = n;
	return store_finish(st, q, cause);
}

/*
 * The participants, by id, with their region and a contact person from
 * their first product or demand that names one.
 */
static int
load_parties(struct box *b, struct store *st, int64_t fair_id, char **cause)
{
	sqlite3_stmt *q;
	size_t n = 0;

	/* One pass over each catalogue for the first contact of every owner (no supplier_id index). */
	if (store_query_id(st, "WITH"
	    " bc AS (SELECT buyer_id AS id, contact, phone, min(id) FROM demands"
	    "   WHERE contact <> '' GROUP BY buyer_id),"
	    " sc AS (SELECT supplier_id AS id, contact, phone, min(id) FROM products"
	    "   WHERE contact <> '' GROUP BY supplier_id)"
	    " SELECT p.id, p.side, p.badge, p.name,"
	    " CASE p.side WHEN 'buyer' THEN coalesce(by.province || coalesce(' ' || by.city, ''),"
	    "   '') ELSE coalesce(su.city, '') END,"
	    " CASE p.side WHEN 'buyer' THEN bc.contact ELSE sc.contact END,"
	    " CASE p.side WHEN 'buyer' THEN bc.phone ELSE sc.phone END"
	    " FROM participants p LEFT JOIN buyers by ON by.id = p.buyer_id"
	    " LEFT JOIN suppliers su ON su.id = p.supplier_id"
	    " LEFT JOIN bc ON bc.id = p.buyer_id LEFT JOIN sc ON sc.id = p.supplier_id"
	    " WHERE p.fair_id = ? ORDER BY p.id", fair_id, &q, cause) != 0)
		return -1;
	while (sqlite3_step(q) == SQLITE_ROW) {
		const char *side = (const char *)sqlite3_column_text(q, 1);

		b->parties = xreallocarray(b->parties, n + 1, sizeof *b->parties);
		b->party_id = xreallocarray(b->party_id, n + 1, sizeof *b->party_id);
		b->party_id[n] = sqlite3_column_int64(q, 0);
		b->parties[n] = (struct agenda_party){
			.role = side != NULL && strcmp(side, "buyer") == 0 ? AGENDA_BUYER :
			    AGENDA_SUPPLIER,
			.code = keep(b, q, 2), .name = keep(b, q, 3), .region = keep(b, q, 4),
			.contact = keep(b, q, 5), .phone = keep(b, q, 6),
		};
		n++;
	}
	b->a.parties = b->parties;
	b->a.nparties = n;
	return store_finish(st, q, cause);
}

/*
 * The meetings: what the supplier offers is the meeting's product; what
 * the buyer wants is their demand the matcher paired with that product.
 */
static int
load_meetings(struct box *b, struct store *st, int64_t fair_id, char **cause)
{
	sqlite3_stmt *q;
	size_t n = 0;
	int rc = 0;

	if (store_query_id(st, "SELECT m.slot, m.table_no, m.buyer_pid,"
	    " m.supplier_pid, (SELECT d.product FROM candidates c JOIN demands d ON d.id ="
	    "   c.demand_id WHERE c.fair_id = m.fair_id AND c.product_id = m.product_id AND"
	    "   d.buyer_id = bp.buyer_id ORDER BY c.rank LIMIT 1),"
	    " pr.name || coalesce('（' || nullif(pr.spec, '') || '）', '')"
	    " FROM meetings m JOIN participants bp ON bp.id = m.buyer_pid"
	    " LEFT JOIN products pr ON pr.id = m.product_id WHERE m.fair_id = ?"
	    " ORDER BY m.slot, m.table_no", fair_id, &q, cause) != 0)
		return -1;
	while (sqlite3_step(q) == SQLITE_ROW) {
		long s = find(b->slot_no, b->a.nslots, sqlite3_column_int64(q, 0));
		long t = find(b->table_no, b->a.ntables, sqlite3_column_int64(q, 1));
		long by = find(b->party_id, b->a.nparties, sqlite3_column_int64(q, 2));
		long su = find(b->party_id, b->a.nparties, sqlite3_column_int64(q, 3));

		if (s < 0 || t < 0 || by < 0 || su < 0) {
			*cause = xasprintf("日程中有洽谈指向不存在的时段 %lld 或桌号 %lld / a meeting"
			    " names slot %lld or table %lld, which the fair does not have",
			    (long long)sqlite3_column_int64(q, 0),
			    (long long)sqlite3_column_int64(q, 1),
			    (long long)sqlite3_column_int64(q, 0),
			    (long long)sqlite3_column_int64(q, 1));
			rc = -1;
			break;
		}
		b->meetings = xreallocarray(b->meetings, n + 1, sizeof *b->meetings);
		b->meetings[n++] = (struct agenda_meeting){ (size_t)s, (size_t)t, (size_t)by,
		    (size_t)su, keep(b, q, 4), keep(b, q, 5) };
	}
	b->a.meetings = b->meetings;
	b->a.nmeetings = n;
	if (rc != 0) {
		sqlite3_finalize(q);
		return -1;
	}
	return store_finish(st, q, cause);
}

int
agenda_load(struct store *st, const char *fair_code, struct agenda **out, char **cause)
{
	struct fair fair;
	struct box *b;
	int64_t id;
	int have = has_schedule(st, cause);

	if (have < 0)
		return -1;
	if (!have) {
		*cause = xstrdup("数据库中还没有展会日程表，请先升级 / this store has no schedule"
		    " tables yet");
		return -1;
	}
	if (fair_get(st, fair_code, &fair, cause) != 0)
		return -1;
	id = fair.id;
	fair_clear(&fair);
	b = xcalloc(1, sizeof *b);
	if (load_fair(b, st, id, cause) != 0 || load_slots(b, st, id, cause) != 0 ||
	    load_tables(b, st, id, cause) != 0 || load_parties(b, st, id, cause) != 0 ||
	    load_meetings(b, st, id, cause) != 0 ||
	    (b->a.fair.version = schedule_version_published(st, id, cause)) < 0) {
		agenda_free(&b->a);
		return -1;
	}
	*out = &b->a;
	return 0;
}

int
agenda_load_links(struct store *st, struct agenda *a, char **cause)
{
	struct box *b = (struct box *)a;
	struct links *l;

	if (links_issue(st, a->fair.code, &l, cause) != 0)
		return -1;
	for (size_t k = 0; k < a->nparties; k++) {
		const char *token = links_token(l, b->party_id[k]);

		char pin[LINK_PIN_LEN];

		b->parties[k].link = token != NULL ? keep_str(b, xstrdup(token)) : NULL;
		if (b->parties[k].role != AGENDA_BUYER || b->parties[k].code == NULL)
			continue;
		if (links_pin(st, a->fair.code, b->parties[k].code, pin, cause) != 0) {
			links_free(l);
			return -1;
		}
		b->parties[k].pin = keep_str(b, xstrdup(pin));
	}
	links_free(l);
	return 0;
}
