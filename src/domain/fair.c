/*
 * fair.c — loading fairs and reading one back.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "fair.h"
#include "normalise.h"
#include "table.h"
#include "util.h"

enum fair_col { FC_CODE, FC_NAME, FC_CITY, FC_START, FC_END, FC_CITIES, FC_PROVINCES, FC_N };

/* The columns of a fairs file: key, Chinese header, required. */
static const struct {
	const char	*key;
	const char	*zh;
	int		 required;
} fair_cols[FC_N] = {
	[FC_CODE] = { "code", "展会编号", 1 },
	[FC_NAME] = { "name", "展会名称", 1 },
	[FC_CITY] = { "city", "举办城市", 0 },
	[FC_START] = { "start", "开始日期", 0 },
	[FC_END] = { "end", "结束日期", 0 },
	[FC_CITIES] = { "cities", "对接城市", 0 },
	[FC_PROVINCES] = { "provinces", "对接省份", 0 },
};

/* One fair as read, checked and normalised. */
struct fair_row {
	char	*v[FC_N];	/* normalised text; NULL if empty */
	char	*cities;	/* canonical, "；"-joined */
	char	*provinces;
};

static void
fair_row_clear(struct fair_row *r)
{
	for (size_t i = 0; i < FC_N; i++)
		free(r->v[i]);
	free(r->cities);
	free(r->provinces);
	memset(r, 0, sizeof *r);
}

/*
 * Canonical names of a "；"-separated list through norm (norm_zj_city or
 * norm_province); NULL with the bad item in *bad (caller frees).
 */
static char *
canon_list(const char *list, const char *(*norm)(const char *), char **bad)
{
	char *items = norm_list(list), *rest = items, *it;
	struct buf out = { 0 };

	buf_add(&out, "", 0);
	while ((it = str_split(&rest, "；")) != NULL) {
		const char *c = norm(it);

		if (c == NULL) {
			*bad = xstrdup(it);
			free(items);
			buf_free(&out);
			return NULL;
		}
		buf_addf(&out, "%s%s", out.len ? "；" : "", c);
	}
	free(items);
	return buf_take(&out);
}

/* Checks one data row; prints its problems to f and returns how many. */
static int
fair_check(const struct table_row *row, const size_t *col, struct fair_row *r, FILE *f)
{
	char date[11], *bad = NULL;
	const char *why;
	int problems = 0;

	for (size_t i = 0; i < FC_N; i++) {
		const char *raw = col[i] < row->ncells ? row->cells[col[i]] : "";

		r->v[i] = norm_line(raw);
		if (*r->v[i] == '\0') {
			free(r->v[i]);
			r->v[i] = NULL;
			if (fair_cols[i].required) {
				fprintf(f, "  第 %zu 行 / row %zu: 必填项“%s”为空 / the required field"
				    " %s is empty\n", row->line, row->line, fair_cols[i].zh,
				    fair_cols[i].key);
				problems++;
			}
		}
	}
	for (size_t i = FC_START; i <= FC_END; i++)
		if (r->v[i] != NULL && check_date(r->v[i], date, &why) != 0) {
			fprintf(f, "  第 %zu 行 / row %zu, “%s” “%s”: %s\n", row->line, row->line,
			    fair_cols[i].zh, r->v[i], why);
			problems++;
		} else if (r->v[i] != NULL) {
			free(r->v[i]);
			r->v[i] = xstrdup(date);
		}
	if (r->v[FC_CITIES] != NULL &&
	    (r->cities = canon_list(r->v[FC_CITIES], norm_zj_city, &bad)) == NULL) {
		fprintf(f, "  第 %zu 行 / row %zu, “对接城市” “%s”: 不是浙江省的设区市 / not a"
		    " prefecture of Zhejiang\n", row->line, row->line, bad);
		free(bad);
		problems++;
	}
	if (r->v[FC_PROVINCES] != NULL &&
	    (r->provinces = canon_list(r->v[FC_PROVINCES], norm_province, &bad)) == NULL) {
		fprintf(f, "  第 %zu 行 / row %zu, “对接省份” “%s”: 不是省级行政区 / not a"
		    " province\n", row->line, row->line, bad);
		free(bad);
		problems++;
	}
	return problems;
}

/* Writes one fair: upsert by code, then its cities and provinces afresh.  0 or -1 with *cause. */
static int
fair_write(struct store *st, const struct fair_row *r, char **cause)
{
	const char *lists[2] = { r->cities, r->provinces };
	static const char *tables[2] = { "fair_cities", "fair_provinces" };
	static const char *columns[2] = { "city", "province" };
	sqlite3_stmt *q;
	int64_t id = -1;
	int rc = 0;

	if (store_query(st, "INSERT INTO fairs (code, name, city, start_date, end_date)"
	    " VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (code) DO UPDATE SET"
	    " name = ?2, city = ?3, start_date = ?4, end_date = ?5 RETURNING id", &q, cause) != 0)
		return -1;
	for (int i = 0; i < 5; i++)
		sqlite3_bind_text(q, i + 1, r->v[i], -1, SQLITE_STATIC);
	if (sqlite3_step(q) == SQLITE_ROW) {
		id = sqlite3_column_int64(q, 0);
		sqlite3_step(q);		/* past the RETURNING row, so a failure shows */
	}
	if (store_finish(st, q, cause) != 0)
		return -1;
	for (int t = 0; t < 2 && rc == 0; t++) {
		char *sql = xasprintf("DELETE FROM %s WHERE fair_id = %lld", tables[t],
		    (long long)id), *copy, *rest, *it;

		rc = store_exec(st, sql, cause);
		free(sql);
		if (rc != 0 || lists[t] == NULL)
			continue;
		sql = xasprintf("INSERT OR IGNORE INTO %s (fair_id, %s) VALUES (?, ?)", tables[t],
		    columns[t]);
		rc = store_query(st, sql, &q, cause);
		free(sql);
		if (rc != 0)
			break;
		rest = copy = xstrdup(lists[t]);
		while (rc == 0 && (it = str_split(&rest, "；")) != NULL) {
			sqlite3_bind_int64(q, 1, id);
			sqlite3_bind_text(q, 2, it, -1, SQLITE_STATIC);
			rc = store_run(st, q, cause);
		}
		free(copy);
		sqlite3_finalize(q);
	}
	return rc;
}

int
fair_import(struct store *st, const char *path, size_t *n, FILE *f)
{
	struct table_reader *tr;
	struct table_row row;
	size_t col[FC_N];
	char *cause = NULL;
	int rc, problems = 0, header = 1;

	*n = 0;
	if ((tr = table_open(path, NULL, NULL, &cause)) == NULL) {
		fprintf(f, "  %s\n", cause);
		free(cause);
		return -1;
	}
	if (store_begin(st, &cause) != 0) {
		fprintf(f, "  %s\n", cause);
		free(cause);
		table_close(tr);
		return -1;
	}
	while ((rc = table_next(tr, &row, &cause)) == 1) {
		struct fair_row r = { 0 };

		if (header) {
			/* Chinese or English names, any order. */
			for (size_t i = 0; i < FC_N; i++) {
				col[i] = SIZE_MAX;
				for (size_t c = 0; c < row.ncells; c++) {
					char *h = norm_line(row.cells[c]);

					if (strcmp(h, fair_cols[i].zh) == 0 ||
					    strcasecmp(h, fair_cols[i].key) == 0)
						col[i] = c;
					free(h);
				}
				if (fair_cols[i].required && col[i] == SIZE_MAX) {
					fprintf(f, "  缺少必需的列“%s” / the required column %s is"
					    " missing\n", fair_cols[i].zh, fair_cols[i].key);
					problems++;
				}
			}
			header = 0;
			if (problems > 0)
				break;
			continue;
		}
		problems += fair_check(&row, col, &r, f);
		if (problems == 0 && fair_write(st, &r, &cause) != 0) {
			fprintf(f, "  %s\n", cause);
			free(cause);
			cause = NULL;
			problems++;
		}
		(*n)++;
		fair_row_clear(&r);
	}
	if (rc == -1) {
		fprintf(f, "  第 %zu 行 / row %zu: %s\n", tr->err_line, tr->err_line, cause);
		free(cause);
		problems++;
	}
	table_close(tr);
	if (problems > 0 || store_commit(st, &cause) != 0) {
		if (cause != NULL) {
			fprintf(f, "  %s\n", cause);
			free(cause);
		}
		store_rollback(st);
		*n = 0;
		return -1;
	}
	return 0;
}

/* Every text of a one-column query for fair id into *out (*n of them): 0, or -1 with *cause. */
static int
fair_list(struct store *st, const char *sql, int64_t id, char ***out, size_t *n, char **cause)
{
	sqlite3_stmt *q;

	if (store_query_id(st, sql, id, &q, cause) != 0)
		return -1;
	while (sqlite3_step(q) == SQLITE_ROW) {
		*out = xreallocarray(*out, *n + 1, sizeof **out);
		(*out)[(*n)++] = xstrdup((const char *)sqlite3_column_text(q, 0));
	}
	return store_finish(st, q, cause);
}

int
fair_get(struct store *st, const char *code, struct fair *fair, char **cause)
{
	sqlite3_stmt *q;

	memset(fair, 0, sizeof *fair);
	if (store_query(st, "SELECT id, code, name FROM fairs WHERE code = ?", &q, cause) != 0)
		return -1;
	sqlite3_bind_text(q, 1, code, -1, SQLITE_STATIC);
	if (sqlite3_step(q) != SQLITE_ROW) {
		if (store_finish(st, q, cause) != 0)
			return -1;
		*cause = xasprintf("没有编号为 %s 的展会（先用 fairmatch import fairs 导入） / no fair"
		    " has the code %s (load fairs with `fairmatch import fairs FILE`)", code, code);
		return -1;
	}
	fair->id = sqlite3_column_int64(q, 0);
	fair->code = xstrdup((const char *)sqlite3_column_text(q, 1));
	fair->name = xstrdup((const char *)sqlite3_column_text(q, 2));
	sqlite3_finalize(q);
	if (fair_list(st, "SELECT city FROM fair_cities WHERE fair_id = ? ORDER BY rowid",
	    fair->id, &fair->cities, &fair->ncities, cause) != 0 ||
	    fair_list(st, "SELECT province FROM fair_provinces WHERE fair_id = ? ORDER BY rowid",
	    fair->id, &fair->provinces, &fair->nprovinces, cause) != 0) {
		fair_clear(fair);
		return -1;
	}
	return 0;
}

void
fair_clear(struct fair *fair)
{
	for (size_t i = 0; i < fair->ncities; i++)
		free(fair->cities[i]);
	free(fair->cities);
	for (size_t i = 0; i < fair->nprovinces; i++)
		free(fair->provinces[i]);
	free(fair->provinces);
	free(fair->code);
	free(fair->name);
	memset(fair, 0, sizeof *fair);
}

json_t *
fair_list_json(struct store *st, char **cause)
{
	sqlite3_stmt *q;
	json_t *a;

	if (store_query(st, "SELECT f.code, f.name, f.city, f.start_date,"
	    " f.end_date, (SELECT json_group_array(city) FROM fair_cities WHERE fair_id = f.id),"
	    " (SELECT json_group_array(province) FROM fair_provinces WHERE fair_id = f.id),"
	    " (SELECT count(*) FROM candidates WHERE fair_id = f.id)"
	    " FROM fairs f ORDER BY f.start_date, f.code", &q, cause) != 0)
		return NULL;
	a = json_array();
	while (sqlite3_step(q) == SQLITE_ROW)
		json_array_append_new(a, json_pack("{s:s, s:s, s:s?, s:s?, s:s?, s:o, s:o, s:I}",
		    "code", (const char *)sqlite3_column_text(q, 0),
		    "name", (const char *)sqlite3_column_text(q, 1),
		    "city", (const char *)sqlite3_column_text(q, 2),
		    "start_date", (const char *)sqlite3_column_text(q, 3),
		    "end_date", (const char *)sqlite3_column_text(q, 4),
		    "cities", json_loads((const char *)sqlite3_column_text(q, 5), 0, NULL),
		    "provinces", json_loads((const char *)sqlite3_column_text(q, 6), 0, NULL),
		    "candidates", (json_int_t)sqlite3_column_int64(q, 7)));
	if (store_finish(st, q, cause) != 0) {
		json_decref(a);
		return NULL;
	}
	return a;
}

int
fair_exists(struct store *st, const char *code, char **cause)
{
	sqlite3_stmt *q;
	int found;

	if (store_query(st, "SELECT 1 FROM fairs WHERE code = ?", &q, cause) != 0)
		return -1;
	sqlite3_bind_text(q, 1, code, -1, SQLITE_TRANSIENT);
	found = sqlite3_step(q) == SQLITE_ROW;
	return store_finish(st, q, cause) != 0 ? -1 : found;
}
