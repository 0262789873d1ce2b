/*
 * ledger_check.c — random spot checks (随机抽查): a sample of verified
 * lines drawn per province from a recorded seed, so that anyone can draw
 * it again and get the same lines; the site visit's finding on each; a
 * failed check reverses the line's verification, its history kept.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "auth.h"
#include "ledger.h"
#include "util.h"

/* splitmix64: a small generator whose whole state is the seed. */
static uint64_t
next_random(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* A number below n from the generator (n > 0). */
static size_t
below(uint64_t *s, size_t n)
{
	return (size_t)(((unsigned __int128)next_random(s) * n) >> 64);
}

/* The verified lines of one province, in id order. */
struct stratum {
	char		 province[64];
	int64_t		*ids;
	size_t		 n, cap;
};

/* Reads the verified lines of year (quarter 0 = all) into strata by province, in order. */
static int
strata_load(struct store *st, int year, int quarter, struct stratum **out, size_t *nout,
    char **cause)
{
	sqlite3_stmt *q;
	struct stratum *s = NULL;
	size_t n = 0;

	if (store_query(st, "SELECT l.id, o.province FROM ledger_lines l JOIN ledger_outlets o"
	    " ON o.id = l.outlet_id WHERE l.state = 'verified' AND l.year = ?1 AND"
	    " (?2 = 0 OR l.quarter = ?2) ORDER BY o.province, l.id", &q, cause) != 0)
		return -1;
	sqlite3_bind_int(q, 1, year);
	sqlite3_bind_int(q, 2, quarter);
	while (sqlite3_step(q) == SQLITE_ROW) {
		const char *p = (const char *)sqlite3_column_text(q, 1);

		if (n == 0 || strcmp(s[n - 1].province, p) != 0) {
			s = xreallocarray(s, n + 1, sizeof *s);
			memset(&s[n], 0, sizeof s[n]);
			utf8_copy(s[n].province, sizeof s[n].province, p);
			n++;
		}
		if (s[n - 1].n == s[n - 1].cap) {
			s[n - 1].cap = s[n - 1].cap ? s[n - 1].cap * 2 : 16;
			s[n - 1].ids = xreallocarray(s[n - 1].ids, s[n - 1].cap, sizeof(int64_t));
		}
		s[n - 1].ids[s[n - 1].n++] = sqlite3_column_int64(q, 0);
	}
	*out = s;
	*nout = n;
	return store_finish(st, q, cause);
}

uint64_t
ledger_random_seed(void)
{
	uint64_t seed;

	if (getrandom(&seed, sizeof seed, 0) != (ssize_t)sizeof seed)
		fatal("%s: getrandom", __func__);
	return seed >> 1;
}

int
ledger_sample_draw(struct store *st, const char *who, int year, int quarter,
    int per_province, uint64_t seed, int64_t *id, char **cause)
{
	struct stratum *s = NULL;
	sqlite3_stmt *q = NULL;
	uint64_t state = seed;
	size_t n = 0;
	int rc = -1, finished;

	*id = 0;
	if (per_province < 1) {
		*cause = xstrdup("每省至少抽 1 条 / draw at least one line per province");
		return -1;
	}
	if (store_begin(st, cause) != 0)
		return -1;
	if (strata_load(st, year, quarter, &s, &n, cause) != 0)
		goto done;
	if (n == 0) {
		*cause = xasprintf("%d 年%s没有已核实的申报可抽查 / no verified lines to draw from",
		    year, quarter ? "该季度" : "");
		goto done;
	}
	if (store_query(st, "INSERT INTO ledger_samples (year, quarter, seed, per_province,"
	    " drawn_by) VALUES (?, ?, ?, ?, ?) RETURNING id", &q, cause) != 0)
		goto done;
	sqlite3_bind_int(q, 1, year);
	if (quarter != 0)
		sqlite3_bind_int(q, 2, quarter);
	sqlite3_bind_int64(q, 3, (sqlite3_int64)seed);
	sqlite3_bind_int(q, 4, per_province);
	sqlite3_bind_text(q, 5, who, -1, SQLITE_STATIC);
	if (sqlite3_step(q) == SQLITE_ROW)
		*id = sqlite3_column_int64(q, 0);
	finished = store_finish(st, q, cause);
	q = NULL;		/* finished, even when it failed */
	if (finished != 0)
		goto done;
	if (store_query_id(st, "INSERT INTO ledger_sample_lines (sample_id, line_id, province)"
	    " VALUES (?, ?, ?)", *id, &q, cause) != 0)
		goto done;
	/* A partial Fisher–Yates shuffle per province, in province order, from one stream. */
	for (size_t i = 0; i < n; i++) {
		size_t take = (size_t)per_province < s[i].n ? (size_t)per_province : s[i].n;

		for (size_t k = 0; k < take; k++) {
			size_t j = k + below(&state, s[i].n - k);
			int64_t t = s[i].ids[k];

			s[i].ids[k] = s[i].ids[j];
			s[i].ids[j] = t;
			sqlite3_bind_int64(q, 2, s[i].ids[k]);
			sqlite3_bind_text(q, 3, s[i].province, -1, SQLITE_STATIC);
			if (store_run(st, q, cause) != 0)
				goto done;
		}
	}
	if (store_finish(st, q, cause) != 0) {
		q = NULL;
		goto done;
	}
	q = NULL;
	rc = store_commit(st, cause);
done:
	if (q != NULL)
		store_finish(st, q, NULL);
	if (rc != 0)
		store_rollback(st);
	for (size_t i = 0; i < n; i++)
		free(s[i].ids);
	free(s);
	return rc;
}

json_t *
ledger_sample_json(struct store *st, int64_t id, char **cause)
{
	sqlite3_stmt *q;
	json_t *o = NULL, *lines = json_array();

	if (store_query_id(st, "SELECT year, quarter, seed, per_province, drawn_by, drawn_at"
	    " FROM ledger_samples WHERE id = ?", id, &q, cause) != 0)
		goto fail;
	if (sqlite3_step(q) == SQLITE_ROW)
		o = json_pack("{s:I, s:i, s:i, s:o, s:i, s:s, s:s}", "id", (json_int_t)id,
		    "year", sqlite3_column_int(q, 0), "quarter", sqlite3_column_int(q, 1),
		    "seed", ledger_str_take(xasprintf("%llu",
		    (unsigned long long)(uint64_t)sqlite3_column_int64(q, 2))),
		    "per_province", sqlite3_column_int(q, 3),
		    "drawn_by", (const char *)sqlite3_column_text(q, 4),
		    "drawn_at", (const char *)sqlite3_column_text(q, 5));
	if (store_finish(st, q, cause) != 0)
		goto fail;
	if (o == NULL) {
		*cause = xasprintf("没有第 %lld 次抽查 / no sample %lld", (long long)id,
		    (long long)id);
		goto fail;
	}
	if (store_query_id(st, "SELECT s.line_id, s.province, o.code, o.name, l.quarter,"
	    " l.amount_cents, l.state, s.result, s.finding, s.checked_by, s.checked_at"
	    " FROM ledger_sample_lines s JOIN ledger_lines l ON l.id = s.line_id"
	    " JOIN ledger_outlets o ON o.id = l.outlet_id WHERE s.sample_id = ?"
	    " ORDER BY s.province, s.rowid", id, &q, cause) != 0)
		goto fail;
	while (sqlite3_step(q) == SQLITE_ROW)
		json_array_append_new(lines, json_pack("{s:I, s:s, s:s, s:s, s:i, s:o, s:s, s:s,"
		    " s:s, s:s?, s:s?}", "line", (json_int_t)sqlite3_column_int64(q, 0),
		    "province", (const char *)sqlite3_column_text(q, 1),
		    "outlet", (const char *)sqlite3_column_text(q, 2),
		    "name", (const char *)sqlite3_column_text(q, 3),
		    "quarter", sqlite3_column_int(q, 4),
		    "amount", ledger_str_take(ledger_wan_text(sqlite3_column_int64(q, 5))),
		    "state", (const char *)sqlite3_column_text(q, 6),
		    "result", (const char *)sqlite3_column_text(q, 7),
		    "finding", (const char *)sqlite3_column_text(q, 8),
		    "checked_by", (const char *)sqlite3_column_text(q, 9),
		    "checked_at", (const char *)sqlite3_column_text(q, 10)));
	if (store_finish(st, q, cause) != 0)
		goto fail;
	json_object_set_new(o, "lines", lines);
	return o;
fail:
	json_decref(o);
	json_decref(lines);
	return NULL;
}

int
ledger_sample_record(struct store *st, const struct ledger_actor *a, int64_t sample,
    int64_t line, int passed, const char *finding, char **cause)
{
	sqlite3_stmt *q;
	char result[16] = "", state[16] = "";

	if (!(a->role & (ROLE_ADMIN | ROLE_FINANCE))) {
		*cause = xasprintf("%s 不能记录抽查结果 / %s may not record a spot check", a->login,
		    a->login);
		return -1;
	}
	if (finding == NULL || *finding == '\0') {
		*cause = xstrdup("抽查要写明实地核查情况 / a spot check records what the visit found");
		return -1;
	}
	if (store_begin(st, cause) != 0)
		return -1;
	if (store_query_id(st, "SELECT s.result, l.state FROM ledger_sample_lines s JOIN"
	    " ledger_lines l ON l.id = s.line_id WHERE s.sample_id = ?1 AND s.line_id = ?2",
	    sample, &q, cause) != 0)
		goto fail;
	sqlite3_bind_int64(q, 2, line);
	if (sqlite3_step(q) == SQLITE_ROW) {
		utf8_copy(result, sizeof result, (const char *)sqlite3_column_text(q, 0));
		utf8_copy(state, sizeof state, (const char *)sqlite3_column_text(q, 1));
	}
	if (store_finish(st, q, cause) != 0)
		goto fail;
	if (*result == '\0') {
		*cause = xasprintf("第 %lld 条申报不在第 %lld 次抽查中 / line %lld is not in sample"
		    " %lld", (long long)line, (long long)sample, (long long)line, (long long)sample);
		goto fail;
	}
	if (strcmp(result, "pending") != 0) {
		*cause = xasprintf("第 %lld 条的抽查结果已记录（%s） / line %lld's check is recorded"
		    " already (%s)", (long long)line, result, (long long)line, result);
		goto fail;
	}
	if (store_query_id(st, "UPDATE ledger_sample_lines SET result = ?3, finding = ?4,"
	    " checked_by = ?5, checked_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now')"
	    " WHERE sample_id = ?1 AND line_id = ?2", sample, &q, cause) != 0)
		goto fail;
	sqlite3_bind_int64(q, 2, line);
	sqlite3_bind_text(q, 3, passed ? "passed" : "failed", -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 4, finding, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 5, a->login, -1, SQLITE_STATIC);
	if (ledger_run_once(st, q, cause) != 0)
		goto fail;
	if (!passed && strcmp(state, "verified") == 0) {
		if (store_query_id(st, "UPDATE ledger_lines SET state = 'reversed' WHERE id = ?",
		    line, &q, cause) != 0)
			goto fail;
		if (ledger_run_once(st, q, cause) != 0)
			goto fail;
		strcpy(state, "reversed");
	}
	if (ledger_history_add(st, line, passed ? "spot_pass" : "spot_fail", state, -1, finding,
	    a->login, role_name(a->role), cause) != 0)
		goto fail;
	return store_commit(st, cause);
fail:
	store_rollback(st);
	return -1;
}
