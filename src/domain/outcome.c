/*
 * outcome.c — recording what came of a meeting, with its history and its
 * evidence files.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "blob.h"
#include "fair.h"
#include "normalise.h"
#include "outcome.h"
#include "util.h"

/* The most 万元 one deal may say: ten billion 万元 is a typo, not a deal. */
#define AMOUNT_MAX_CENTS	(1000000000000LL)

/* The kinds of result a held meeting may have. */
static const char *const kinds[] = { "none", "intention", "contract" };

/* What the store knows of one meeting. */
struct meeting_row {
	long long	 id;
	char		*city;		/* the supplier's */
	char		*province;	/* the buyer's */
	char		*day;		/* the meeting's date, or NULL */
	char		*buyer;
	char		*supplier;
};

/* What an outcome holds. */
struct outcome_row {
	int		 exists;
	int		 held;
	char		*kind;
	long long	 cents;
	char		*products;
	char		*date;
};

int
outcome_parse_amount(const char *s, long long *cents, char **cause)
{
	long long whole = 0, frac = 0;
	int digits = 0, decimals = 0;
	const char *p = s;

	if (s == NULL || *s == '\0')
		goto bad;
	for (; *p >= '0' && *p <= '9'; p++, digits++) {
		if (whole > AMOUNT_MAX_CENTS / 100)
			goto big;
		whole = whole * 10 + (*p - '0');
	}
	if (*p == '.') {
		for (p++; *p >= '0' && *p <= '9'; p++, decimals++)
			frac = frac * 10 + (*p - '0');
		if (decimals == 0 || decimals > 2)
			goto bad;
		if (decimals == 1)
			frac *= 10;
	}
	if (*p != '\0' || digits == 0)
		goto bad;
	if (whole * 100 + frac >= AMOUNT_MAX_CENTS)
		goto big;
	*cents = whole * 100 + frac;
	return 0;
bad:
	*cause = xasprintf("金额“%s”无效：应为不小于 0 的万元数，最多两位小数（如 120.5） /"
	    " amount: \"%s\" is not a number of 万元 that is 0 or more with at most two"
	    " decimals (like 120.5)", s != NULL ? s : "", s != NULL ? s : "");
	return -1;
big:
	*cause = xasprintf("金额“%s”过大（上限 100 亿万元） / amount: \"%s\" is too large",
	    s, s);
	return -1;
}

char *
outcome_amount_text(long long cents)
{
	return xasprintf("%lld.%02lld", cents / 100, cents % 100);
}

/* A column as a new string, or NULL. */
static char *
col_dup(sqlite3_stmt *q, int i)
{
	const unsigned char *t = sqlite3_column_text(q, i);

	return t != NULL ? xstrdup((const char *)t) : NULL;
}

/* Frees what a meeting_row holds. */
static void
meeting_row_clear(struct meeting_row *m)
{
	free(m->city);
	free(m->province);
	free(m->day);
	free(m->buyer);
	free(m->supplier);
}

/* Frees what an outcome_row holds. */
static void
outcome_row_clear(struct outcome_row *o)
{
	free(o->kind);
	free(o->products);
	free(o->date);
}

/*
 * Finds meeting id of fair and checks the scope.  0, or -1 with *err and
 * *cause.
 */
static int
meeting_find(struct store *st, const char *fair, long long id,
    const struct office_scope *scope, struct meeting_row *m, enum outcome_err *err,
    char **cause)
{
	sqlite3_stmt *q;
	int found;

	memset(m, 0, sizeof *m);
	*err = OUTCOME_STORE;
	if ((found = fair_exists(st, fair, cause)) < 0)
		return -1;
	if (!found) {
		*err = OUTCOME_NOT_FOUND;
		*cause = xasprintf("没有编号为 %s 的展会 / no fair has the code %s", fair, fair);
		return -1;
	}
	if (store_query(st, "SELECT m.id, s.city, b.province, COALESCE(fd.date, f.start_date),"
	    " b.name, s.name FROM meetings m JOIN fairs f ON f.id = m.fair_id"
	    " JOIN participants pb ON pb.id = m.buyer_pid JOIN buyers b ON b.id = pb.buyer_id"
	    " JOIN participants ps ON ps.id = m.supplier_pid"
	    " JOIN suppliers s ON s.id = ps.supplier_id"
	    " LEFT JOIN fair_slots sl ON sl.fair_id = m.fair_id AND sl.number = m.slot"
	    " LEFT JOIN fair_days fd ON fd.fair_id = m.fair_id AND fd.day = sl.day"
	    " WHERE f.code = ? AND m.id = ?", &q, cause) != 0)
		return -1;
	sqlite3_bind_text(q, 1, fair, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(q, 2, id);
	if (sqlite3_step(q) == SQLITE_ROW) {
		m->id = sqlite3_column_int64(q, 0);
		m->city = col_dup(q, 1);
		m->province = col_dup(q, 2);
		m->day = col_dup(q, 3);
		m->buyer = col_dup(q, 4);
		m->supplier = col_dup(q, 5);
	}
	if (store_finish(st, q, cause) != 0) {
		meeting_row_clear(m);
		return -1;
	}
	if (m->buyer == NULL) {
		*err = OUTCOME_NOT_FOUND;
		*cause = xasprintf("展会 %s 没有编号为 %lld 的洽谈 / fair %s has no meeting %lld",
		    fair, id, fair, id);
		return -1;
	}
	if ((scope->city != NULL && strcmp(scope->city, m->city) != 0) ||
	    (scope->province != NULL && strcmp(scope->province, m->province) != 0)) {
		*err = OUTCOME_FORBIDDEN;
		*cause = xasprintf("洽谈 %lld 不属于本办（%s） / meeting %lld is not your office's"
		    " (%s)", id, scope->city != NULL ? scope->city : scope->province, id,
		    scope->city != NULL ? scope->city : scope->province);
		meeting_row_clear(m);
		return -1;
	}
	return 0;
}

/* The stored outcome of a meeting; o->exists 0 if none.  0, or -1 with *cause. */
static int
outcome_load(struct store *st, long long id, struct outcome_row *o, char **cause)
{
	sqlite3_stmt *q;

	memset(o, 0, sizeof *o);
	if (store_query(st, "SELECT held, kind, amount_cents, products, deal_date FROM outcomes"
	    " WHERE meeting_id = ?", &q, cause) != 0)
		return -1;
	sqlite3_bind_int64(q, 1, id);
	if (sqlite3_step(q) == SQLITE_ROW) {
		o->exists = 1;
		o->held = sqlite3_column_int(q, 0);
		o->kind = col_dup(q, 1);
		o->cents = sqlite3_column_int64(q, 2);
		o->products = col_dup(q, 3);
		o->date = col_dup(q, 4);
	}
	return store_finish(st, q, cause);
}

/* Appends one history row; 0 or -1 with *cause. */
static int
history_add(struct store *st, long long id, const char *field, const char *old,
    const char *new, const char *who, int64_t user_id, char **cause)
{
	sqlite3_stmt *q;

	if (store_query(st, "INSERT INTO outcome_history (id, meeting_id, field, old_value,"
	    " new_value, changed_by, user_id) VALUES (site_id('outcome_history'), ?, ?, ?, ?, ?,"
	    " ?)", &q, cause) != 0)
		return -1;
	sqlite3_bind_int64(q, 1, id);
	sqlite3_bind_text(q, 2, field, -1, SQLITE_STATIC);
	if (old != NULL)
		sqlite3_bind_text(q, 3, old, -1, SQLITE_TRANSIENT);
	if (new != NULL)
		sqlite3_bind_text(q, 4, new, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(q, 5, who, -1, SQLITE_TRANSIENT);
	if (user_id > 0)
		sqlite3_bind_int64(q, 6, user_id);
	sqlite3_step(q);
	return store_finish(st, q, cause);
}

/* A history row when old and new differ (NULL old: first recording). */
static int
history_if(struct store *st, long long id, const char *field, const char *old,
    const char *new, const char *who, int64_t user_id, char **cause)
{
	if (old != NULL && new != NULL && strcmp(old, new) == 0)
		return 0;
	return history_add(st, id, field, old, new, who, user_id, cause);
}


/* Checks the input alone, before the store is touched.  0, or -1 with *cause. */
static int
input_check(const struct outcome_in *in, long long *cents, char date[11], char **cause)
{
	const char *why;
	size_t k;

	*cents = -1;
	date[0] = '\0';
	if (in->kind != NULL) {
		for (k = 0; k < nitems(kinds); k++)
			if (strcmp(in->kind, kinds[k]) == 0)
				break;
		if (k == nitems(kinds)) {
			*cause = xasprintf("结果类型“%s”无效：应为 none、intention 或 contract /"
			    " kind: \"%s\" is not none, intention or contract", in->kind, in->kind);
			return -1;
		}
	}
	if (in->amount != NULL && outcome_parse_amount(in->amount, cents, cause) != 0)
		return -1;
	if (in->date != NULL && check_date(in->date, date, &why) != 0) {
		*cause = xasprintf("日期 / date “%s”：%s", in->date, why);
		return -1;
	}
	return 0;
}

/* Writes the new outcome and its history; 0 or -1 with *cause. */
static int
outcome_write(struct store *st, const struct meeting_row *m, const struct outcome_row *old,
    const struct outcome_row *new, const char *who, int64_t user_id, char **cause)
{
	sqlite3_stmt *q;
	char *oa, *na;
	const char *oh = old->exists ? (old->held ? "held" : "no-show") : NULL;
	int rc;

	if (store_query(st, "INSERT INTO outcomes (meeting_id, held, kind,"
	    " amount_cents, products, deal_date, recorded_by, user_id) VALUES"
	    " (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (meeting_id) DO UPDATE SET held = excluded.held,"
	    " kind = excluded.kind, amount_cents = excluded.amount_cents,"
	    " products = excluded.products, deal_date = excluded.deal_date,"
	    " recorded_by = excluded.recorded_by, user_id = excluded.user_id,"
	    " recorded_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now')", &q, cause) != 0)
		return -1;
	oa = old->exists ? outcome_amount_text(old->cents) : NULL;
	na = outcome_amount_text(new->cents);
	sqlite3_bind_int64(q, 1, m->id);
	sqlite3_bind_int(q, 2, new->held);
	sqlite3_bind_text(q, 3, new->kind, -1, SQLITE_STATIC);
	sqlite3_bind_int64(q, 4, new->cents);
	sqlite3_bind_text(q, 5, new->products, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 6, new->date, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 7, who, -1, SQLITE_TRANSIENT);
	if (user_id > 0)
		sqlite3_bind_int64(q, 8, user_id);
	sqlite3_step(q);
	if (store_finish(st, q, cause) != 0)
		rc = -1;
	else if (history_if(st, m->id, "held", oh, new->held ? "held" : "no-show", who,
	    user_id, cause) != 0 ||
	    history_if(st, m->id, "kind", old->kind, new->kind, who, user_id, cause) != 0 ||
	    history_if(st, m->id, "amount", oa, na, who, user_id, cause) != 0 ||
	    history_if(st, m->id, "products", old->products, new->products, who, user_id,
	    cause) != 0 ||
	    history_if(st, m->id, "date", old->date, new->date, who, user_id, cause) != 0)
		rc = -1;
	else
		rc = 0;
	free(oa);
	free(na);
	return rc;
}

/* Keeps the evidence file and lists it; *kept names a new copy to remove on failure. */
static int
evidence_add(struct store *st, long long id, const struct outcome_in *in, const char *who,
    int64_t user_id, char **kept, char **cause)
{
	char sha[65], *note;
	const char *name = in->evidence_name;
	struct stat sb;
	sqlite3_stmt *q;
	int created, rc;

	*kept = NULL;
	if (stat(in->evidence, &sb) == -1 || !S_ISREG(sb.st_mode)) {
		*cause = xasprintf("凭证文件 %s 无法读取 / evidence: cannot read %s", in->evidence,
		    in->evidence);
		return -1;
	}
	if (sha256_file(in->evidence, sha, cause) != 0 ||
	    store_blob_keep(st, in->evidence, sha, &created, cause) != 0)
		return -1;
	if (created)
		*kept = store_blob_path(st, sha);
	if (name == NULL)
		name = strrchr(in->evidence, '/') != NULL ? strrchr(in->evidence, '/') + 1 :
		    in->evidence;
	if (store_query(st, "INSERT OR IGNORE INTO outcome_evidence (meeting_id, sha256,"
	    " filename, size, added_by) VALUES (?, ?, ?, ?, ?)", &q, cause) != 0)
		return -1;
	sqlite3_bind_int64(q, 1, id);
	sqlite3_bind_text(q, 2, sha, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 3, name, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(q, 4, (sqlite3_int64)sb.st_size);
	sqlite3_bind_text(q, 5, who, -1, SQLITE_TRANSIENT);
	sqlite3_step(q);
	if (store_finish(st, q, cause) != 0)
		return -1;
	if (sqlite3_changes(store_db(st)) == 0)
		return 0;
	note = xasprintf("%s %s", sha, name);
	rc = history_add(st, id, "evidence", NULL, note, who, user_id, cause);
	free(note);
	return rc;
}

/* The new outcome from the old and the input; 0, or -1 with *cause. */
static int
outcome_merge(const struct meeting_row *m, const struct outcome_row *old,
    const struct outcome_in *in, long long cents, const char *date, struct outcome_row *new,
    char **cause)
{
	memset(new, 0, sizeof *new);
	new->exists = 1;
	if (in->held < 0 && !old->exists) {
		*cause = xasprintf("洽谈 %lld 尚无记录：请说明 --held（已洽谈）或 --no-show（未到） /"
		    " held: meeting %lld has no outcome yet; say --held or --no-show", m->id, m->id);
		return -1;
	}
	new->held = in->held >= 0 ? in->held : old->held;
	new->kind = xstrdup(in->kind != NULL ? in->kind : old->exists ? old->kind : "none");
	new->cents = cents >= 0 ? cents : old->exists ? old->cents : 0;
	new->products = in->products != NULL ? norm_list(in->products) :
	    xstrdup(old->exists ? old->products : "");
	new->date = xstrdup(date[0] != '\0' ? date : old->exists ? old->date :
	    m->day != NULL ? m->day : "");
	if (new->date[0] == '\0') {
		*cause = xasprintf("洽谈 %lld 所在展会没有日期：请用 --date 指定 / date: meeting"
		    " %lld's fair has no dates; give --date", m->id, m->id);
		return -1;
	}
	if (!new->held && (strcmp(new->kind, "none") != 0 || new->cents > 0)) {
		*cause = xasprintf("洽谈 %lld 记为未到（no-show），不能有意向、合同或金额 / held:"
		    " meeting %lld is a no-show, so it cannot have an intention, a contract or an"
		    " amount", m->id, m->id);
		return -1;
	}
	if (strcmp(new->kind, "none") == 0 && new->cents > 0) {
		*cause = xasprintf("金额需要 --intention 或 --contract / amount: %lld.%02lld 万元"
		    " needs --intention or --contract", new->cents / 100, new->cents % 100);
		return -1;
	}
	return 0;
}

int
outcome_record(struct store *st, const char *fair, long long id,
    const struct outcome_in *in, const char *who, int64_t user_id,
    const struct office_scope *scope, json_t **out, enum outcome_err *err, char **cause)
{
	struct meeting_row m;
	struct outcome_row old, new;
	char date[11], *kept = NULL;
	long long cents;
	int rc = -1;

	*out = NULL;
	*err = OUTCOME_BAD;
	if (input_check(in, &cents, date, cause) != 0)
		return -1;
	if (store_begin(st, cause) != 0)
		return -1;
	if (meeting_find(st, fair, id, scope, &m, err, cause) != 0) {
		store_rollback(st);
		return -1;
	}
	memset(&new, 0, sizeof new);
	if (outcome_load(st, id, &old, cause) != 0) {
		*err = OUTCOME_STORE;
		store_rollback(st);
		goto done;
	}
	*err = OUTCOME_BAD;
	if (outcome_merge(&m, &old, in, cents, date, &new, cause) != 0 ||
	    outcome_write(st, &m, &old, &new, who, user_id, cause) != 0 ||
	    (in->evidence != NULL &&
	    evidence_add(st, id, in, who, user_id, &kept, cause) != 0) ||
	    store_commit(st, cause) != 0) {
		store_rollback(st);
		if (kept != NULL)
			unlink(kept);
		goto done;
	}
	*out = outcome_get(st, fair, id, scope, err, cause);
	rc = *out != NULL ? 0 : -1;
done:
	free(kept);
	outcome_row_clear(&old);
	outcome_row_clear(&new);
	meeting_row_clear(&m);
	return rc;
}

/* The evidence and history lists of a meeting, added to o; 0, or -1 with *cause. */
static int
outcome_lists(struct store *st, long long id, json_t *o, char **cause)
{
	json_t *ev = json_array(), *hist = json_array();
	sqlite3_stmt *q;

	json_object_set_new(o, "evidence", ev);
	json_object_set_new(o, "history", hist);
	if (store_query_id(st, "SELECT sha256, filename, size, added_by, added_at FROM"
	    " outcome_evidence WHERE meeting_id = ? ORDER BY added_at, sha256", id, &q,
	    cause) != 0)
		return -1;
	while (sqlite3_step(q) == SQLITE_ROW)
		json_array_append_new(ev, json_pack("{s:s, s:s, s:I, s:s, s:s}",
		    "sha256", sqlite3_column_text(q, 0), "filename", sqlite3_column_text(q, 1),
		    "size", (json_int_t)sqlite3_column_int64(q, 2),
		    "added_by", sqlite3_column_text(q, 3), "added_at", sqlite3_column_text(q, 4)));
	if (store_finish(st, q, cause) != 0 || store_query_id(st, "SELECT field, old_value,"
	    " new_value, changed_by, changed_at FROM outcome_history WHERE meeting_id = ?"
	    " ORDER BY id", id, &q, cause) != 0)
		return -1;
	while (sqlite3_step(q) == SQLITE_ROW)
		json_array_append_new(hist, json_pack("{s:s, s:s?, s:s?, s:s, s:s}",
		    "field", sqlite3_column_text(q, 0), "old", sqlite3_column_text(q, 1),
		    "new", sqlite3_column_text(q, 2), "by", sqlite3_column_text(q, 3),
		    "at", sqlite3_column_text(q, 4)));
	return store_finish(st, q, cause);
}

json_t *
outcome_get(struct store *st, const char *fair, long long id,
    const struct office_scope *scope, enum outcome_err *err, char **cause)
{
	struct meeting_row m;
	struct outcome_row o;
	sqlite3_stmt *q = NULL;
	json_t *j;
	char *amount;

	if (meeting_find(st, fair, id, scope, &m, err, cause) != 0)
		return NULL;
	*err = OUTCOME_STORE;
	if (outcome_load(st, id, &o, cause) != 0 || (o.exists && store_query_id(st,
	    "SELECT recorded_by, recorded_at FROM outcomes WHERE meeting_id = ?", id, &q,
	    cause) != 0)) {
		outcome_row_clear(&o);
		meeting_row_clear(&m);
		return NULL;
	}
	j = json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:b}", "meeting", (json_int_t)id,
	    "fair", fair, "buyer", m.buyer, "supplier", m.supplier, "city", m.city,
	    "province", m.province, "recorded", o.exists);
	if (o.exists) {
		amount = outcome_amount_text(o.cents);
		json_object_set_new(j, "held", json_boolean(o.held));
		json_object_set_new(j, "kind", json_string(o.kind));
		json_object_set_new(j, "amount", json_string(amount));
		json_object_set_new(j, "amount_wan", json_real((double)o.cents / 100.0));
		json_object_set_new(j, "products", json_string(o.products));
		json_object_set_new(j, "date", json_string(o.date));
		if (sqlite3_step(q) == SQLITE_ROW) {
			json_object_set_new(j, "recorded_by",
			    json_string((const char *)sqlite3_column_text(q, 0)));
			json_object_set_new(j, "recorded_at",
			    json_string((const char *)sqlite3_column_text(q, 1)));
		}
		free(amount);
	}
	if (store_finish(st, q, cause) != 0 || outcome_lists(st, id, j, cause) != 0) {
		json_decref(j);
		j = NULL;
	}
	outcome_row_clear(&o);
	meeting_row_clear(&m);
	return j;
}
