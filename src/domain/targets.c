/*
 * targets.c — reading the targets tables of seed 000 into the store, per
 * year, and showing them with their totals.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "normalise.h"
#include "table.h"
#include "targets.h"
#include "util.h"

/* A column of a targets table. */
struct tcol {
	const char	*head;		/* the header as printed (prefix match) */
	const char	*field;		/* the store's column */
	int		 number;	/* 0 text, 1 count, 2 亿元 */
};

/* The two tables: the first column is the place. */
static const struct tcol province_cols[] = {
	{ "单位", "province", 0 }, { "拓展办", "offices", 1 }, { "营销中心", "centres", 1 },
	{ "市场外重点经销户", "dealers", 1 }, { "扩销目标", "sales_yi", 2 },
	{ "配套市场扩销目标", "markets_yi", 2 }, { "备注", "note", 0 },
};
static const struct tcol city_cols[] = {
	{ "城市", "city", 0 }, { "扩销目标", "sales_yi", 2 }, { "三大市场目标", "markets_yi", 2 },
	{ "备注", "note", 0 },
};

/* One table's shape. */
static const struct tkind {
	const char		*name;		/* "province", "city" */
	const char		*table;		/* the store's table */
	const struct tcol	*cols;
	size_t			 ncols;
} tkinds[] = {
	{ "province", "province_targets", province_cols, nitems(province_cols) },
	{ "city", "city_targets", city_cols, nitems(city_cols) },
};

/* Whether a header cell names col: equal, or col followed by a bracketed note. */
static int
head_is(const char *cell, const char *head)
{
	size_t n = strlen(head);

	return strncmp(cell, head, n) == 0 && (cell[n] == '\0' ||
	    strncmp(cell + n, "（", strlen("（")) == 0 || cell[n] == '(');
}

/* The kind whose first column the header starts with; NULL if none. */
static const struct tkind *
kind_of(const struct table_row *h)
{
	if (h->ncells == 0)
		return NULL;
	for (size_t k = 0; k < nitems(tkinds); k++)
		if (head_is(h->cells[0], tkinds[k].cols[0].head) ||
		    (k == 0 && head_is(h->cells[0], "省份")))
			return &tkinds[k];
	return NULL;
}

/* A 亿元 or count cell: not negative, finite.  0, or -1. */
static int
cell_number(const char *s, int kind, double *v)
{
	long n;

	if (*s == '\0') {
		*v = 0;
		return 0;
	}
	if (kind == 1) {
		if (parse_long(s, 0, 100000, &n) != 0)
			return -1;
		*v = (double)n;
		return 0;
	}
	return parse_double(s, v) != 0 || !isfinite(*v) || *v < 0 || *v > 1e6 ? -1 : 0;
}

/* The running sums of each numeric column, and what a 总计 row said. */
struct sums {
	double	 sum[8];
	double	 said[8];
	int	 has_total;
	size_t	 total_line;
};

/* Inserts one row; 0, or -1 with *cause. */
static int
row_insert(struct store *st, const struct tkind *k, int year, const char *place,
    const double *v, const char *note, char **cause)
{
	struct buf sql = { 0 };
	sqlite3_stmt *q;
	int rc, p = 3;

	buf_addf(&sql, "INSERT INTO %s (year, %s", k->table, k->cols[0].field);
	for (size_t c = 1; c < k->ncols; c++)
		buf_addf(&sql, ", %s", k->cols[c].field);
	buf_addstr(&sql, ") VALUES (?, ?");
	for (size_t c = 1; c < k->ncols; c++)
		buf_addstr(&sql, ", ?");
	buf_addstr(&sql, ")");
	rc = store_query_id(st, sql.data, year, &q, cause);
	buf_free(&sql);
	if (rc != 0)
		return -1;
	sqlite3_bind_text(q, 2, place, -1, SQLITE_STATIC);
	for (size_t c = 1; c < k->ncols; c++, p++) {
		if (k->cols[c].number == 0)
			sqlite3_bind_text(q, p, note, -1, SQLITE_STATIC);
		else if (k->cols[c].number == 1)
			sqlite3_bind_int64(q, p, (sqlite3_int64)v[c]);
		else
			sqlite3_bind_double(q, p, v[c]);
	}
	rc = sqlite3_step(q);
	if (store_finish(st, q, cause) != 0) {
		if (rc == SQLITE_CONSTRAINT) {
			free(*cause);
			*cause = xasprintf("“%s”出现了两次 / %s appears twice", place, place);
		}
		return -1;
	}
	return 0;
}

/* Reads and writes one data row; 0, or -1 with *cause naming row, column and value. */
static int
row_load(struct store *st, const struct tkind *k, int year, const struct table_row *r,
    const int *map, struct sums *s, size_t *nrows, char **cause)
{
	double v[8] = { 0 };
	const char *note = "", *place, *canon;
	char col[8];

	if (r->ncells == 0 || map[0] < 0 || (size_t)map[0] >= r->ncells)
		return 0;
	place = r->cells[map[0]];
	if (*place == '\0')
		return 0;
	for (size_t c = 1; c < k->ncols; c++) {
		const char *cell;

		if (map[c] < 0 || (size_t)map[c] >= r->ncells)
			continue;
		cell = r->cells[map[c]];
		if (k->cols[c].number == 0) {
			note = cell;
			continue;
		}
		if (cell_number(cell, k->cols[c].number, &v[c]) != 0) {
			table_colname((size_t)map[c], col);
			*cause = xasprintf("第 %zu 行“%s”（%s%zu）的值“%s”无效：应为不小于 0 的%s /"
			    " row %zu, column %s (%s%zu): \"%s\" is not %s", r->line,
			    k->cols[c].head, col, r->line, cell, k->cols[c].number == 1 ?
			    "整数" : "亿元数", r->line, k->cols[c].head, col, r->line, cell,
			    k->cols[c].number == 1 ? "a whole number, 0 or more" :
			    "an amount of 亿元, 0 or more");
			return -1;
		}
	}
	if (strstr(place, "总计") != NULL || strstr(place, "合计") != NULL) {
		memcpy(s->said, v, sizeof v);
		s->has_total = 1;
		s->total_line = r->line;
		return 0;
	}
	canon = strcmp(k->name, "city") == 0 ? norm_zj_city(place) : norm_province(place);
	if (canon == NULL) {
		table_colname((size_t)map[0], col);
		*cause = xasprintf("第 %zu 行（%s%zu）“%s”不是%s / row %zu (%s%zu): \"%s\" is not %s",
		    r->line, col, r->line, place, strcmp(k->name, "city") == 0 ?
		    "浙江省的 11 个设区市之一" : "一个省份", r->line, col, r->line, place,
		    strcmp(k->name, "city") == 0 ? "one of Zhejiang's 11 prefectures" :
		    "a province");
		return -1;
	}
	if (row_insert(st, k, year, canon, v, note, cause) != 0)
		return -1;
	for (size_t c = 1; c < k->ncols; c++)
		s->sum[c] += v[c];
	(*nrows)++;
	return 0;
}

/* The header's columns for k into map (-1 = absent); -1 with *cause if one is missing. */
static int
header_map(const struct tkind *k, const struct table_row *h, int *map, char **cause)
{
	for (size_t c = 0; c < k->ncols; c++) {
		map[c] = -1;
		for (size_t i = 0; i < h->ncells; i++)
			if (head_is(h->cells[i], k->cols[c].head) ||
			    (c == 0 && head_is(h->cells[i], "省份")) ||
			    (strcmp(k->cols[c].field, "markets_yi") == 0 &&
			    (head_is(h->cells[i], "三大市场目标") ||
			    head_is(h->cells[i], "配套市场扩销目标"))))
				map[c] = (int)i;
		if (map[c] < 0 && k->cols[c].number != 0) {
			*cause = xasprintf("缺少“%s”列 / the column %s is missing", k->cols[c].head,
			    k->cols[c].head);
			return -1;
		}
	}
	return 0;
}

/* The totals of k's numeric columns as JSON. */
static json_t *
sums_json(const struct tkind *k, const double *sum)
{
	json_t *t = json_object();

	for (size_t c = 1; c < k->ncols; c++)
		if (k->cols[c].number == 1)
			json_object_set_new(t, k->cols[c].field, json_integer((json_int_t)sum[c]));
		else if (k->cols[c].number == 2)
			json_object_set_new(t, k->cols[c].field, json_real(sum[c]));
	return t;
}

int
targets_import(struct store *st, const char *path, int year, json_t **out, char **cause)
{
	struct table_reader *tr;
	struct table_row r;
	const struct tkind *k = NULL;
	struct sums s;
	int map[8], got, begun = 0;
	size_t nrows = 0;
	char *sql;

	*out = NULL;
	memset(&s, 0, sizeof s);
	if ((tr = table_open(path, NULL, &table_default_limits, cause)) == NULL)
		return -1;
	if ((got = table_next(tr, &r, cause)) <= 0 || (k = kind_of(&r)) == NULL) {
		if (got == 0 || (got > 0 && k == NULL))
			*cause = xasprintf("%s 的表头应以“单位”（省份目标）或“城市”（城市目标）开头 /"
			    " %s: the header must begin with 单位 (province targets) or 城市 (city"
			    " targets)", path, path);
		goto fail;
	}
	if (header_map(k, &r, map, cause) != 0 || store_begin(st, cause) != 0)
		goto fail;
	begun = 1;
	sql = xasprintf("DELETE FROM %s WHERE year = %d", k->table, year);
	got = store_exec(st, sql, cause);
	free(sql);
	if (got != 0)
		goto fail;
	while ((got = table_next(tr, &r, cause)) > 0)
		if (row_load(st, k, year, &r, map, &s, &nrows, cause) != 0)
			goto fail;
	if (got < 0)
		goto fail;
	if (nrows == 0) {
		*cause = xasprintf("%s 没有数据行 / %s has no rows", path, path);
		goto fail;
	}
	for (size_t c = 1; s.has_total && c < k->ncols; c++)
		if (k->cols[c].number != 0 && fabs(s.sum[c] - s.said[c]) > 0.005) {
			*cause = xasprintf("第 %zu 行的“%s”合计为 %g，但各行相加为 %g / row %zu: the"
			    " total of %s says %g but the rows add up to %g", s.total_line,
			    k->cols[c].head, s.said[c], s.sum[c], s.total_line, k->cols[c].head,
			    s.said[c], s.sum[c]);
			goto fail;
		}
	if (store_commit(st, cause) != 0)
		goto fail;
	table_close(tr);
	*out = json_pack("{s:s, s:i, s:I, s:o}", "kind", k->name, "year", year,
	    "rows", (json_int_t)nrows, "totals", sums_json(k, s.sum));
	return 0;
fail:
	if (begun)
		store_rollback(st);
	table_close(tr);
	return -1;
}

/* One kind's rows for year as a JSON array, summing into sum; NULL with *cause. */
static json_t *
kind_rows(struct store *st, const struct tkind *k, int year, double *sum, char **cause)
{
	struct buf b = { 0 };
	json_t *a;
	sqlite3_stmt *q;
	int rc;

	buf_addf(&b, "SELECT %s", k->cols[0].field);
	for (size_t c = 1; c < k->ncols; c++)
		buf_addf(&b, ", %s", k->cols[c].field);
	buf_addf(&b, " FROM %s WHERE year = ? ORDER BY rowid", k->table);
	rc = store_query_id(st, b.data, year, &q, cause);
	buf_free(&b);
	if (rc != 0)
		return NULL;
	a = json_array();
	while (sqlite3_step(q) == SQLITE_ROW) {
		json_t *o = json_object();

		for (size_t c = 0; c < k->ncols; c++) {
			json_t *v;

			if (k->cols[c].number == 0)
				v = json_string((const char *)sqlite3_column_text(q, (int)c));
			else if (k->cols[c].number == 1)
				v = json_integer(sqlite3_column_int64(q, (int)c));
			else
				v = json_real(sqlite3_column_double(q, (int)c));
			if (k->cols[c].number != 0)
				sum[c] += sqlite3_column_double(q, (int)c);
			json_object_set_new(o, k->cols[c].field, v);
		}
		json_array_append_new(a, o);
	}
	if (store_finish(st, q, cause) != 0) {
		json_decref(a);
		return NULL;
	}
	return a;
}

json_t *
targets_json(struct store *st, int year, char **cause)
{
	double ps[8] = { 0 }, cs[8] = { 0 };
	json_t *p, *c;

	if ((p = kind_rows(st, &tkinds[0], year, ps, cause)) == NULL)
		return NULL;
	if ((c = kind_rows(st, &tkinds[1], year, cs, cause)) == NULL) {
		json_decref(p);
		return NULL;
	}

	return json_pack("{s:i, s:o, s:o, s:o, s:o}", "year", year, "provinces", p, "cities", c,
	    "totals", sums_json(&tkinds[0], ps), "city_totals", sums_json(&tkinds[1], cs));
}
