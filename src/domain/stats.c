/*
 * stats.c — counting outcomes by fair, province, city, marketing centre or
 * quarter, against the year's targets; and writing the figures out as
 * XLSX or CSV through export_sink.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "export_sink.h"
#include "stats.h"
#include "util.h"

/* The date a meeting counts on: its outcome's, else its day's, else its fair's start. */
#define DEAL_DATE	"COALESCE(o.deal_date, fd.date, f.start_date)"

/* How rows are grouped: the key and label over the base, and the targets, if any. */
static const struct grouping {
	const char	*name;
	const char	*key;		/* SQL over the base's columns */
	const char	*label;
	const char	*where;		/* an extra condition, or NULL */
	const char	*targets;	/* SELECT place, sales_yi … WHERE year = ?, or NULL */
	int		 scope_city;	/* a city office's scope matches these targets */
} groupings[] = {
	{ "fair", "fair", "fair_name", NULL, NULL, 0 },
	{ "province", "province", "province", NULL,
	  "SELECT province, sales_yi FROM province_targets WHERE year = ? ORDER BY rowid", 0 },
	{ "city", "city", "city", NULL,
	  "SELECT city, sales_yi FROM city_targets WHERE year = ? ORDER BY rowid", 1 },
	{ "centre", "buyer", "buyer", "buyer_type = '营销中心'", NULL, 0 },
	{ "quarter", "COALESCE(substr(d, 1, 4) || '-Q' || ((CAST(substr(d, 6, 2) AS INTEGER)"
	  " + 2) / 3), '未定日期')", "COALESCE(substr(d, 1, 4) || ' 年第 ' ||"
	  " ((CAST(substr(d, 6, 2) AS INTEGER) + 2) / 3) || ' 季度 / ' || substr(d, 1, 4) || ' Q' ||"
	  " ((CAST(substr(d, 6, 2) AS INTEGER) + 2) / 3), '未定日期 / no date')",
	  NULL, NULL, 0 },
};

/* The counts of one row, in the query's column order. */
enum { C_MEETINGS, C_RECORDED, C_HELD, C_NOSHOW, C_INTENT, C_CONTRACT, C_INTENT_CENTS,
    C_CONTRACT_CENTS, C_N };

const char *
stats_groupings(void)
{
	return "fair|province|city|centre|quarter";
}

/* Hundredths of 万元 as a JSON string "120.50". */
static json_t *
wan(long long cents)
{
	char *s = outcome_amount_text(cents);
	json_t *j = json_string(s);

	free(s);
	return j;
}

/* A fraction rounded to four places, or null when there is nothing to divide by. */
static json_t *
ratio(double num, double den)
{
	if (den <= 0)
		return json_null();
	return json_real(round(num / den * 10000.0) / 10000.0);
}

/* One row of figures; target_yi < 0 = none. */
static json_t *
row_json(const char *key, const char *label, const long long *c, double target_yi)
{
	json_t *r = json_pack("{s:s, s:s, s:I, s:I, s:I, s:I, s:o, s:I, s:I, s:o, s:o, s:o}",
	    "key", key, "label", label, "meetings", (json_int_t)c[C_MEETINGS],
	    "recorded", (json_int_t)c[C_RECORDED], "held", (json_int_t)c[C_HELD],
	    "no_show", (json_int_t)c[C_NOSHOW],
	    "no_show_rate", ratio((double)c[C_NOSHOW], (double)(c[C_HELD] + c[C_NOSHOW])),
	    "intentions", (json_int_t)c[C_INTENT], "contracts", (json_int_t)c[C_CONTRACT],
	    "intention_wan", wan(c[C_INTENT_CENTS]), "contract_wan", wan(c[C_CONTRACT_CENTS]),
	    "amount_wan", wan(c[C_INTENT_CENTS] + c[C_CONTRACT_CENTS]));

	if (target_yi < 0) {
		json_object_set_new(r, "target_wan", json_null());
		json_object_set_new(r, "progress", json_null());
	} else {
		long long tc = llround(target_yi * 10000.0 * 100.0);

		json_object_set_new(r, "target_wan", wan(tc));
		json_object_set_new(r, "progress", ratio((double)c[C_CONTRACT_CENTS], (double)tc));
	}
	return r;
}

/* The grouped counts, in key order, as arrays of {key, label, counts}. */
struct grow {
	char		*key;
	char		*label;
	long long	 c[C_N];
	int		 used;
};

/* Frees n grouped rows. */
static void
group_rows_free(struct grow *rows, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(rows[i].key);
		free(rows[i].label);
	}
	free(rows);
}

/* Runs the grouped query; *n rows into *out (caller frees).  0, or -1 with *cause. */
static int
group_rows(struct store *st, const struct grouping *g, const struct stats_query *sq,
    struct grow **out, size_t *nout, char **cause)
{
	struct buf sql = { 0 };
	sqlite3_stmt *q;
	struct grow *rows = NULL;
	size_t n = 0;
	int rc;

	buf_addstr(&sql, "WITH base AS (SELECT m.id, f.code AS fair, f.name AS fair_name,"
	    " b.province, b.name AS buyer, b.buyer_type, s.city, " DEAL_DATE " AS d,"
	    " o.meeting_id IS NOT NULL AS recorded, o.held, o.kind, o.amount_cents"
	    " FROM meetings m JOIN fairs f ON f.id = m.fair_id"
	    " JOIN participants pb ON pb.id = m.buyer_pid JOIN buyers b ON b.id = pb.buyer_id"
	    " JOIN participants ps ON ps.id = m.supplier_pid"
	    " JOIN suppliers s ON s.id = ps.supplier_id"
	    " LEFT JOIN outcomes o ON o.meeting_id = m.id"
	    " LEFT JOIN fair_slots sl ON sl.fair_id = m.fair_id AND sl.number = m.slot"
	    " LEFT JOIN fair_days fd ON fd.fair_id = m.fair_id AND fd.day = sl.day)");
	buf_addf(&sql, " SELECT %s, %s, count(*), COALESCE(sum(recorded), 0),"
	    " COALESCE(sum(held = 1), 0), COALESCE(sum(held = 0), 0),"
	    " COALESCE(sum(kind = 'intention'), 0), COALESCE(sum(kind = 'contract'), 0),"
	    " COALESCE(sum(CASE kind WHEN 'intention' THEN amount_cents END), 0),"
	    " COALESCE(sum(CASE kind WHEN 'contract' THEN amount_cents END), 0)"
	    " FROM base WHERE (?1 = 0 OR substr(d, 1, 4) = printf('%%04d', ?1))"
	    " AND (?2 = 0 OR (CAST(substr(d, 6, 2) AS INTEGER) + 2) / 3 = ?2)"
	    " AND (?3 IS NULL OR city = ?3) AND (?4 IS NULL OR province = ?4)"
	    " AND (?5 IS NULL OR fair = ?5)%s%s GROUP BY 1 ORDER BY 1", g->key, g->label,
	    g->where != NULL ? " AND " : "", g->where != NULL ? g->where : "");
	rc = store_query(st, sql.data, &q, cause);
	buf_free(&sql);
	if (rc != 0)
		return -1;
	sqlite3_bind_int(q, 1, sq->year);
	sqlite3_bind_int(q, 2, sq->quarter);
	if (sq->scope.city != NULL)
		sqlite3_bind_text(q, 3, sq->scope.city, -1, SQLITE_STATIC);
	if (sq->scope.province != NULL)
		sqlite3_bind_text(q, 4, sq->scope.province, -1, SQLITE_STATIC);
	if (sq->fair != NULL)
		sqlite3_bind_text(q, 5, sq->fair, -1, SQLITE_STATIC);
	while (sqlite3_step(q) == SQLITE_ROW) {
		const unsigned char *k = sqlite3_column_text(q, 0), *l = sqlite3_column_text(q, 1);

		rows = xreallocarray(rows, n + 1, sizeof *rows);
		memset(&rows[n], 0, sizeof rows[n]);
		rows[n].key = xstrdup(k != NULL ? (const char *)k : "");
		rows[n].label = xstrdup(l != NULL ? (const char *)l : "");
		for (int i = 0; i < C_N; i++)
			rows[n].c[i] = sqlite3_column_int64(q, 2 + i);
		n++;
	}
	if (store_finish(st, q, cause) != 0) {
		group_rows_free(rows, n);
		return -1;
	}
	*out = rows;
	*nout = n;
	return 0;
}

/* Whether this query shows targets, and for which place only (NULL = all). */
static int
targets_apply(const struct grouping *g, const struct stats_query *sq, const char **only)
{
	*only = NULL;
	if (sq->year == 0 || g->targets == NULL)
		return 0;
	if (sq->scope.city == NULL && sq->scope.province == NULL)
		return 1;
	if (g->scope_city && sq->scope.city != NULL)
		*only = sq->scope.city;
	else if (!g->scope_city && sq->scope.province != NULL)
		*only = sq->scope.province;
	return *only != NULL;
}

/* Appends a row to rows and its counts to the totals. */
static void
row_add(json_t *rows, long long *tot, double *tot_target, const char *key,
    const char *label, const long long *c, double target_yi)
{
	json_array_append_new(rows, row_json(key, label, c, target_yi));
	for (int i = 0; i < C_N; i++)
		tot[i] += c[i];
	if (target_yi >= 0)
		*tot_target = (*tot_target < 0 ? 0 : *tot_target) + target_yi;
}

json_t *
stats_json(struct store *st, const struct stats_query *sq, char **cause)
{
	const struct grouping *g = NULL;
	struct grow *gr;
	size_t n, i;
	long long tot[C_N] = { 0 }, zero[C_N] = { 0 };
	double tot_target = -1;
	const char *only;
	json_t *rows, *out;

	for (i = 0; i < nitems(groupings); i++)
		if (strcmp(groupings[i].name, sq->by) == 0)
			g = &groupings[i];
	if (g == NULL) {
		*cause = xasprintf("分组“%s”无效：应为 %s / by: \"%s\" is not one of %s", sq->by,
		    stats_groupings(), sq->by, stats_groupings());
		return NULL;
	}
	if (sq->quarter < 0 || sq->quarter > 4 || (sq->quarter != 0 && sq->year == 0) ||
	    sq->year < 0 || sq->year > 2099) {
		*cause = xasprintf("季度须为 1–4 且同时给出年份，年份须为 2000–2099 / quarter: %d"
		    " must be 1–4 and come with a year; year: %d must be 2000–2099", sq->quarter,
		    sq->year);
		return NULL;
	}
	if (group_rows(st, g, sq, &gr, &n, cause) != 0)
		return NULL;
	rows = json_array();
	if (targets_apply(g, sq, &only)) {
		sqlite3_stmt *q;

		if (store_query_id(st, g->targets, sq->year, &q, cause) != 0) {
			group_rows_free(gr, n);
			json_decref(rows);
			return NULL;
		}
		while (sqlite3_step(q) == SQLITE_ROW) {
			const char *place = (const char *)sqlite3_column_text(q, 0);
			double yi = sqlite3_column_double(q, 1);

			if (only != NULL && strcmp(only, place) != 0)
				continue;
			for (i = 0; i < n; i++)
				if (!gr[i].used && strcmp(gr[i].key, place) == 0)
					break;
			if (i < n) {
				gr[i].used = 1;
				row_add(rows, tot, &tot_target, place, place, gr[i].c, yi);
			} else
				row_add(rows, tot, &tot_target, place, place, zero, yi);
		}
		if (store_finish(st, q, cause) != 0) {
			group_rows_free(gr, n);
			json_decref(rows);
			return NULL;
		}
	}
	for (i = 0; i < n; i++)
		if (!gr[i].used)
			row_add(rows, tot, &tot_target, gr[i].key, gr[i].label, gr[i].c, -1);
	group_rows_free(gr, n);
	out = json_pack("{s:s, s:o, s:o, s:o, s:o}", "by", g->name,
	    "year", sq->year != 0 ? json_integer(sq->year) : json_null(),
	    "quarter", sq->quarter != 0 ? json_integer(sq->quarter) : json_null(),
	    "rows", rows, "totals", row_json("total", "合计 / total", tot, tot_target));
	return out;
}

/* The export's columns: header, width, numeric, and the JSON field. */
static const struct {
	struct sink_col	 col;
	const char	*field;
} export_cols[] = {
	{ { "分组 / group", 16, 0 }, "key" },
	{ { "名称 / name", 28, 0 }, "label" },
	{ { "洽谈数 / meetings", 10, 1 }, "meetings" },
	{ { "已记录 / recorded", 10, 1 }, "recorded" },
	{ { "已洽谈 / held", 10, 1 }, "held" },
	{ { "未到 / no-shows", 10, 1 }, "no_show" },
	{ { "未到率 / no-show rate", 12, 1 }, "no_show_rate" },
	{ { "意向数 / intentions", 10, 1 }, "intentions" },
	{ { "合同数 / contracts", 10, 1 }, "contracts" },
	{ { "意向金额（万元） / intentions (万元)", 16, 1 }, "intention_wan" },
	{ { "合同金额（万元） / contracts (万元)", 16, 1 }, "contract_wan" },
	{ { "合计金额（万元） / amount (万元)", 16, 1 }, "amount_wan" },
	{ { "目标（万元） / target (万元)", 14, 1 }, "target_wan" },
	{ { "完成率 / progress", 10, 1 }, "progress" },
};

/* One JSON value as a cell's text; caller frees. */
static char *
cell_text(const json_t *v)
{
	if (json_is_string(v))
		return xstrdup(json_string_value(v));
	if (json_is_integer(v))
		return xasprintf("%lld", (long long)json_integer_value(v));
	if (json_is_real(v))
		return xasprintf("%.4f", json_real_value(v));
	return NULL;
}

/* Writes one row of the export. */
static void
export_row(struct sink *s, const json_t *r)
{
	const char *cells[nitems(export_cols)];
	char *owned[nitems(export_cols)];

	for (size_t c = 0; c < nitems(export_cols); c++)
		cells[c] = owned[c] = cell_text(json_object_get(r, export_cols[c].field));
	sink_row(s, cells);
	for (size_t c = 0; c < nitems(export_cols); c++)
		free(owned[c]);
}

int
stats_export(const json_t *stats, const char *format, const char *path, char **cause)
{
	struct sink_col cols[nitems(export_cols)];
	struct sink *s;
	const json_t *r;
	size_t i;

	for (i = 0; i < nitems(export_cols); i++)
		cols[i] = export_cols[i].col;
	if (sink_open(format, path, &s, cause) != 0)
		return -1;
	sink_sheet(s, "统计", cols, nitems(cols));
	json_array_foreach(json_object_get(stats, "rows"), i, r)
		export_row(s, r);
	export_row(s, json_object_get(stats, "totals"));
	return sink_close(s, cause);
}
