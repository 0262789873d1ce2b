/*
 * ledger_register.c — the network register: marketing centres and key
 * distributors, each with its expansion office, tier, batch, selection
 * steps and 2009 base, read from a spreadsheet and written back to one.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth.h"
#include "export_sink.h"
#include "ledger.h"
#include "normalise.h"
#include "outcome.h"
#include "table.h"
#include "util.h"

/* The register's columns, in the order an export writes them. */
enum rfield { F_CODE, F_KIND, F_NAME, F_MARKET, F_PROVINCE, F_CITY, F_TIER, F_BATCH, F_NEW,
    F_BASE, F_STEP1, F_STEP2, F_STEP3, F_APPROVER, F_STEP4, F_STEP5, F_DOCKING, F_N };

static const struct rcol {
	const char	*head;		/* the header cell (a bracketed note may follow) */
	const char	*key;		/* the field of ledger_outlet_save's JSON */
	int		 required;	/* the column must be there and the cell filled */
	double		 width;		/* in an export */
} rcols[F_N] = {
	[F_CODE] = { "编号", "code", 1, 10 }, [F_KIND] = { "类别", "kind", 1, 12 },
	[F_NAME] = { "名称", "name", 1, 36 }, [F_MARKET] = { "所在市场", "market", 0, 24 },
	[F_PROVINCE] = { "省份", "province", 1, 8 }, [F_CITY] = { "城市", "city", 1, 8 },
	[F_TIER] = { "档次（亿元）", "tier", 0, 10 }, [F_BATCH] = { "批次", "batch", 1, 6 },
	[F_NEW] = { "新建", "new", 1, 6 }, [F_BASE] = { "2009年基数（万元）", "base", 0, 14 },
	[F_STEP1] = { "拓展办考察", "step1", 0, 12 }, [F_STEP2] = { "报送资料", "step2", 0, 12 },
	[F_STEP3] = { "省经合办核准", "step3", 0, 12 }, [F_APPROVER] = { "核准人", "approver", 0, 10 },
	[F_STEP4] = { "签订协议", "step4", 0, 12 }, [F_STEP5] = { "挂牌运行", "step5", 0, 12 },
	[F_DOCKING] = { "对接城市", "docking", 0, 16 },
};

/* The selection steps, 1..5, and the column holding each one's date. */
static const struct {
	const char	*name;
	enum rfield	 col;
} steps[] = {
	{ "拓展办考察", F_STEP1 }, { "报送资料", F_STEP2 }, { "省经合办核准", F_STEP3 },
	{ "签订协议", F_STEP4 }, { "挂牌运行", F_STEP5 },
};

/* What one row says, checked. */
struct outlet {
	const char	*code, *kind, *name, *market, *province, *city, *approver;
	int		 tier, batch, is_new;
	long long	 base;
	char		 dates[5][11];	/* "" = step not reached */
	char		 docking[160];	/* Zhejiang cities, canonical, joined by 、 */
};

const char *
ledger_step_name(int step)
{
	return step >= 1 && step <= (int)nitems(steps) ? steps[step - 1].name : NULL;
}

/* Whether a header cell names head: equal, or head's stem before "（" then a note. */
static int
header_names(const char *cell, const char *head)
{
	const char *paren = strstr(head, "（");
	size_t n = paren != NULL ? (size_t)(paren - head) : strlen(head);

	return strcmp(cell, head) == 0 || (strncmp(cell, head, n) == 0 &&
	    (cell[n] == '\0' || strncmp(cell + n, "（", strlen("（")) == 0 || cell[n] == '('));
}

/* Maps the header onto rcols (-1 = absent); -1 with *cause if a required one is missing. */
static int
header_map(const struct table_row *h, int *map, char **cause)
{
	for (int f = 0; f < F_N; f++) {
		map[f] = -1;
		for (size_t i = 0; i < h->ncells && map[f] < 0; i++)
			if (header_names(h->cells[i], rcols[f].head))
				map[f] = (int)i;
		if (map[f] < 0 && rcols[f].required) {
			*cause = xasprintf("缺少“%s”列 / the column %s is missing", rcols[f].head,
			    rcols[f].head);
			return -1;
		}
	}
	return 0;
}

/* A row's cell for field f, "" when absent. */
static const char *
cell(const struct table_row *r, const int *map, int f)
{
	return map[f] >= 0 && (size_t)map[f] < r->ncells ? r->cells[map[f]] : "";
}

/*
 * The message for a bad cell: row, column header, cell address, value, and
 * why; for a form's field (row 0) the column's name and its field.
 */
static char *
bad_cell(const struct table_row *r, const int *map, int f, const char *zh, const char *en)
{
	char col[8] = "?";

	if (r->line == 0)
		return xasprintf("“%s”的值“%s”无效：%s / %s (%s): \"%s\" %s", rcols[f].head,
		    cell(r, map, f), zh, rcols[f].head, rcols[f].key, cell(r, map, f), en);
	if (map[f] >= 0)
		table_colname((size_t)map[f], col);
	return xasprintf("第 %zu 行“%s”（%s%zu）的值“%s”无效：%s / row %zu, column %s (%s%zu):"
	    " \"%s\" %s", r->line, rcols[f].head, col, r->line, cell(r, map, f), zh, r->line,
	    rcols[f].head, col, r->line, cell(r, map, f), en);
}

/*
 * Zhejiang cities in any spelling norm_zj_city knows, separated by 、 , ，
 * ; ； or spaces, as canonical names joined by 、 into out, each once.  0,
 * or -1 if one is not a city of Zhejiang.
 */
static int
docking_parse(const char *s, char *out, size_t size)
{
	static const char *const wide[] = { "、", "，", "；" };
	char *copy = xstrdup(s), *p = copy, *tok, *at;
	int rc = 0;

	for (size_t i = 0; i < nitems(wide); i++)	/* every separator as ',' */
		while ((at = strstr(copy, wide[i])) != NULL) {
			*at = ',';
			memmove(at + 1, at + strlen(wide[i]), strlen(at + strlen(wide[i])) + 1);
		}
	for (at = copy; *at != '\0'; at++)
		if (*at == ';' || *at == ' ')
			*at = ',';
	*out = '\0';
	while (rc == 0 && (tok = str_split(&p, ",")) != NULL) {
		const char *city;

		if (*tok == '\0')
			continue;
		if ((city = norm_zj_city(tok)) == NULL)
			rc = -1;
		else if (strstr(out, city) == NULL)
			snprintf(out + strlen(out), size - strlen(out), "%s%s", *out ? "、" : "",
			    city);
	}
	free(copy);
	return rc;
}

/* Checks one data row into o; 0, or -1 with *cause. */
static int
row_check(const struct table_row *r, const int *map, struct outlet *o, char **cause)
{
	const char *s, *why;
	long n;

	memset(o, 0, sizeof *o);
	for (int f = 0; f < F_N; f++)
		if (rcols[f].required && *cell(r, map, f) == '\0') {
			*cause = bad_cell(r, map, f, "不能为空", "must not be empty");
			return -1;
		}
	o->code = cell(r, map, F_CODE);
	if (strlen(o->code) > 32) {
		*cause = bad_cell(r, map, F_CODE, "最多 32 个字符", "is longer than 32 characters");
		return -1;
	}
	/* As a clerk writes the cells; the console sends the API's own words (centre, yes). */
	s = cell(r, map, F_KIND);
	if (strcmp(s, "营销中心") == 0 || strcmp(s, "centre") == 0)
		o->kind = "centre";
	else if (strcmp(s, "重点经销户") == 0 || strcmp(s, "市场外重点经销户") == 0 ||
	    strcmp(s, "distributor") == 0)
		o->kind = "distributor";
	else {
		*cause = bad_cell(r, map, F_KIND, "应为“营销中心”或“重点经销户”",
		    "is neither 营销中心 nor 重点经销户");
		return -1;
	}
	o->name = cell(r, map, F_NAME);
	o->market = cell(r, map, F_MARKET);
	if ((o->province = norm_province(cell(r, map, F_PROVINCE))) == NULL) {
		*cause = bad_cell(r, map, F_PROVINCE, "不是省级行政区", "is not a province of China");
		return -1;
	}
	o->city = cell(r, map, F_CITY);
	s = cell(r, map, F_TIER);
	if (*s != '\0') {
		if (parse_long(s, 2, 10, &n) != 0 || (n != 2 && n != 3 && n != 5 && n != 10)) {
			*cause = bad_cell(r, map, F_TIER, "重点营销中心的档次为 10、5、3 或 2 亿元",
			    "is not a key centre's tier: 10, 5, 3 or 2 (亿元)");
			return -1;
		}
		if (strcmp(o->kind, "centre") != 0) {
			*cause = bad_cell(r, map, F_TIER, "只有营销中心分档次",
			    "only a marketing centre has a tier");
			return -1;
		}
		o->tier = (int)n;
	}
	if (parse_long(cell(r, map, F_BATCH), 1, 3, &n) != 0) {
		*cause = bad_cell(r, map, F_BATCH, "应为 1、2 或 3", "is not batch 1, 2 or 3");
		return -1;
	}
	o->batch = (int)n;
	s = cell(r, map, F_NEW);
	if (strcmp(s, "是") != 0 && strcmp(s, "否") != 0 && strcmp(s, "yes") != 0 &&
	    strcmp(s, "no") != 0) {
		*cause = bad_cell(r, map, F_NEW, "应为“是”或“否”", "is neither 是 nor 否");
		return -1;
	}
	o->is_new = strcmp(s, "是") == 0 || strcmp(s, "yes") == 0;
	s = cell(r, map, F_BASE);
	if (o->is_new && *s != '\0' && strcmp(s, "0") != 0) {
		*cause = bad_cell(r, map, F_BASE, "新建的全额计入，没有基数",
		    "is a base, but a new one counts in full and has none");
		return -1;
	}
	if (!o->is_new) {
		char *why2 = NULL;

		if (*s == '\0') {
			*cause = bad_cell(r, map, F_BASE, "已建的要核定 2009 年基数",
			    "is empty: an existing one needs its 2009 base");
			return -1;
		}
		if (outcome_parse_amount(s, &o->base, &why2) != 0) {
			free(why2);
			*cause = bad_cell(r, map, F_BASE, "应为不小于 0 的万元数，最多两位小数",
			    "is not an amount of 万元, 0 or more, at most two decimals");
			return -1;
		}
	}
	for (size_t i = 0; i < nitems(steps); i++) {
		s = cell(r, map, steps[i].col);
		if (*s == '\0')
			continue;
		if (check_date(s, o->dates[i], &why) != 0) {
			*cause = bad_cell(r, map, steps[i].col, why, "is not a date (YYYY-MM-DD)");
			return -1;
		}
		if (i > 0 && (o->dates[i - 1][0] == '\0' ||
		    strcmp(o->dates[i - 1], o->dates[i]) > 0)) {
			*cause = bad_cell(r, map, steps[i].col, "前一步尚无日期或晚于此日期",
			    "comes before the previous step's date, or that step has none");
			return -1;
		}
	}
	if (docking_parse(cell(r, map, F_DOCKING), o->docking, sizeof o->docking) != 0) {
		*cause = bad_cell(r, map, F_DOCKING, "应为浙江省的设区市，用“、”分隔（嘉兴、金华）",
		    "is not Zhejiang cities separated by 、 (嘉兴、金华)");
		return -1;
	}
	o->approver = cell(r, map, F_APPROVER);
	if (o->dates[2][0] != '\0' && *o->approver == '\0') {
		*cause = bad_cell(r, map, F_APPROVER, "核准要写明核准人",
		    "is empty: an approval names who approved");
		return -1;
	}
	return 0;
}

/* Writes o (inserting or replacing by code) and its steps; *inserted says which. */
static int
outlet_store(struct store *st, const struct outlet *o, const char *who, int *inserted,
    char **cause)
{
	sqlite3_stmt *q;
	int64_t office, id;

	if (auth_expansion_office(st, o->province, &office, cause) != 0)
		return -1;
	if (store_query(st, "SELECT id FROM ledger_outlets WHERE code = ?", &q, cause) != 0)
		return -1;
	sqlite3_bind_text(q, 1, o->code, -1, SQLITE_STATIC);
	*inserted = sqlite3_step(q) != SQLITE_ROW;
	if (store_finish(st, q, cause) != 0)
		return -1;
	if (store_query(st, "INSERT INTO ledger_outlets (code, kind, name, market, province, city,"
	    " office_id, tier_yi, batch, is_new, base_cents, updated_by, docking) VALUES (?, ?, ?,"
	    " ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (code) DO UPDATE SET kind = excluded.kind,"
	    " name = excluded.name, market = excluded.market, province = excluded.province,"
	    " city = excluded.city, office_id = excluded.office_id, tier_yi = excluded.tier_yi,"
	    " batch = excluded.batch, is_new = excluded.is_new, base_cents = excluded.base_cents,"
	    " updated_by = excluded.updated_by, docking = excluded.docking,"
	    " updated_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now')"
	    " RETURNING id", &q, cause) != 0)
		return -1;
	sqlite3_bind_text(q, 1, o->code, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 2, o->kind, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 3, o->name, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 4, o->market, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 5, o->province, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 6, o->city, -1, SQLITE_STATIC);
	sqlite3_bind_int64(q, 7, office);
	if (o->tier != 0)
		sqlite3_bind_int(q, 8, o->tier);
	sqlite3_bind_int(q, 9, o->batch);
	sqlite3_bind_int(q, 10, o->is_new);
	sqlite3_bind_int64(q, 11, o->base);
	sqlite3_bind_text(q, 12, who, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 13, o->docking, -1, SQLITE_STATIC);
	id = sqlite3_step(q) == SQLITE_ROW ? sqlite3_column_int64(q, 0) : 0;
	if (store_finish(st, q, cause) != 0)
		return -1;
	if (store_query_id(st, "DELETE FROM ledger_steps WHERE outlet_id = ?", id, &q,
	    cause) != 0)
		return -1;
	if (ledger_run_once(st, q, cause) != 0)
		return -1;
	if (store_query_id(st, "INSERT INTO ledger_steps (outlet_id, step, date, approver)"
	    " VALUES (?, ?, ?, ?)", id, &q, cause) != 0)
		return -1;
	for (size_t i = 0; i < nitems(steps); i++) {
		if (o->dates[i][0] == '\0')
			continue;
		sqlite3_bind_int(q, 2, (int)i + 1);
		sqlite3_bind_text(q, 3, o->dates[i], -1, SQLITE_STATIC);
		sqlite3_bind_text(q, 4, i == 2 ? o->approver : "", -1, SQLITE_STATIC);
		if (store_run(st, q, cause) != 0) {
			store_finish(st, q, NULL);
			return -1;
		}
	}
	return store_finish(st, q, cause);
}

/* The register's head counts into out. */
static int
counts_set(struct store *st, json_t *out, const char *province, char **cause)
{
	static const struct {
		const char	*key;
		const char	*expr;
	} counts[] = {
		{ "offices", "count(DISTINCT office_id)" },
		{ "centres", "count(*) FILTER (WHERE kind = 'centre')" },
		{ "key_centres", "count(*) FILTER (WHERE tier_yi IS NOT NULL)" },
		{ "distributors", "count(*) FILTER (WHERE kind = 'distributor')" },
		{ "base_cents", "COALESCE(sum(base_cents), 0)" },
	};
	sqlite3_stmt *q;

	for (size_t i = 0; i < nitems(counts); i++) {
		char *sql = xasprintf("SELECT %s FROM ledger_outlets WHERE ?1 IS NULL OR"
		    " province = ?1", counts[i].expr);
		int rc = store_query(st, sql, &q, cause);

		free(sql);
		if (rc != 0)
			return -1;
		sqlite3_bind_text(q, 1, province, -1, SQLITE_STATIC);
		if (sqlite3_step(q) == SQLITE_ROW) {
			long long v = sqlite3_column_int64(q, 0);

			if (strcmp(counts[i].key, "base_cents") == 0)
				json_object_set_new(out, "base", ledger_str_take(ledger_wan_text(v)));
			else
				json_object_set_new(out, counts[i].key, json_integer(v));
		}
		if (store_finish(st, q, cause) != 0)
			return -1;
	}
	return 0;
}

int
ledger_register_import(struct store *st, const char *path, const char *name,
    const char *who, json_t **out, char **cause)
{
	struct table_reader *tr;
	struct table_row r;
	struct strset *seen = strset_new();
	struct outlet o;
	int map[F_N], got, begun = 0, inserted;
	size_t rows = 0, ins = 0;

	*out = NULL;
	if (name == NULL)
		name = path;
	if ((tr = table_open(path, NULL, &table_default_limits, cause)) == NULL)
		goto fail;
	if ((got = table_next(tr, &r, cause)) <= 0) {
		if (got == 0)
			*cause = xasprintf("%s 是空的 / %s is empty", name, name);
		goto fail;
	}
	if (header_map(&r, map, cause) != 0 || store_begin(st, cause) != 0)
		goto fail;
	begun = 1;
	while ((got = table_next(tr, &r, cause)) > 0) {
		if (r.ncells == 0 || *cell(&r, map, F_CODE) == '\0') {
			int blank = 1;

			for (size_t i = 0; i < r.ncells; i++)
				blank = blank && r.cells[i][0] == '\0';
			if (blank)
				continue;
		}
		if (row_check(&r, map, &o, cause) != 0)
			goto fail;
		if (!strset_add(seen, o.code)) {
			*cause = bad_cell(&r, map, F_CODE, "编号在文件中重复出现",
			    "appears twice in the file");
			goto fail;
		}
		if (outlet_store(st, &o, who, &inserted, cause) != 0)
			goto fail;
		rows++;
		ins += (size_t)inserted;
	}
	if (got < 0)
		goto fail;
	if (rows == 0) {
		*cause = xasprintf("%s 没有数据行 / %s has no rows", name, name);
		goto fail;
	}
	*out = json_pack("{s:I, s:I, s:I}", "rows", (json_int_t)rows, "inserted",
	    (json_int_t)ins, "updated", (json_int_t)(rows - ins));
	if (counts_set(st, *out, NULL, cause) != 0 || store_commit(st, cause) != 0)
		goto fail;
	table_close(tr);
	strset_free(seen);
	return 0;
fail:
	json_decref(*out);
	*out = NULL;
	if (begun)
		store_rollback(st);
	if (tr != NULL)
		table_close(tr);
	strset_free(seen);
	return -1;
}

/* An outlet's steps as JSON, and the name of the last one reached into *stage. */
static json_t *
steps_json(struct store *st, int64_t id, const char **stage, char **cause)
{
	sqlite3_stmt *q;
	json_t *a = json_array();

	*stage = "未考察";
	if (store_query_id(st, "SELECT step, date, approver FROM ledger_steps WHERE outlet_id = ?"
	    " ORDER BY step", id, &q, cause) != 0) {
		json_decref(a);
		return NULL;
	}
	while (sqlite3_step(q) == SQLITE_ROW) {
		int step = sqlite3_column_int(q, 0);

		*stage = ledger_step_name(step);
		json_array_append_new(a, json_pack("{s:i, s:s, s:s, s:s}", "step", step, "name",
		    ledger_step_name(step), "date", (const char *)sqlite3_column_text(q, 1),
		    "approver", (const char *)sqlite3_column_text(q, 2)));
	}
	if (store_finish(st, q, cause) != 0) {
		json_decref(a);
		return NULL;
	}
	return a;
}

json_t *
ledger_register_json(struct store *st, const char *province, char **cause)
{
	sqlite3_stmt *q;
	json_t *out = json_object(), *a = json_array();

	json_object_set_new(out, "outlets", a);
	if (counts_set(st, out, province, cause) != 0)
		goto fail;
	if (store_query(st, "SELECT l.id, l.code, l.kind, l.name, l.market, l.province, l.city,"
	    " o.name, l.tier_yi, l.batch, l.is_new, l.base_cents, l.docking FROM ledger_outlets l"
	    " JOIN offices o ON o.id = l.office_id WHERE ?1 IS NULL OR l.province = ?1"
	    " ORDER BY l.province, l.kind, l.code", &q, cause) != 0)
		goto fail;
	sqlite3_bind_text(q, 1, province, -1, SQLITE_STATIC);
	while (sqlite3_step(q) == SQLITE_ROW) {
		const char *stage;
		json_t *s = steps_json(st, sqlite3_column_int64(q, 0), &stage, cause), *o;

		if (s == NULL) {
			store_finish(st, q, NULL);
			goto fail;
		}
		o = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:o, s:b, s:i, s:b, s:o, s:o,"
		    " s:s, s:s}", "code", (const char *)sqlite3_column_text(q, 1),
		    "kind", (const char *)sqlite3_column_text(q, 2),
		    "name", (const char *)sqlite3_column_text(q, 3),
		    "market", (const char *)sqlite3_column_text(q, 4),
		    "province", (const char *)sqlite3_column_text(q, 5),
		    "city", (const char *)sqlite3_column_text(q, 6),
		    "office", (const char *)sqlite3_column_text(q, 7),
		    "tier_yi", sqlite3_column_type(q, 8) == SQLITE_NULL ? json_null() :
		    json_integer(sqlite3_column_int(q, 8)),
		    "key", sqlite3_column_type(q, 8) != SQLITE_NULL,
		    "batch", sqlite3_column_int(q, 9), "new", sqlite3_column_int(q, 10),
		    "base", ledger_str_take(outcome_amount_text(sqlite3_column_int64(q, 11))),
		    "steps", s, "stage", stage,
		    "docking", (const char *)sqlite3_column_text(q, 12));
		json_array_append_new(a, o);
	}
	if (store_finish(st, q, cause) != 0)
		goto fail;
	return out;
fail:
	json_decref(out);
	return NULL;
}

int
ledger_register_export(json_t *reg, const char *format, const char *path, char **cause)
{
	struct sink_col cols[F_N];
	struct sink *s;
	size_t i;
	json_t *o;

	for (int f = 0; f < F_N; f++)
		cols[f] = (struct sink_col){ rcols[f].head, rcols[f].width,
		    f == F_TIER || f == F_BATCH || f == F_BASE };
	if (sink_open(format, path, &s, cause) != 0)
		return -1;
	sink_sheet(s, "营销网络", cols, F_N);
	json_array_foreach(json_object_get(reg, "outlets"), i, o) {
		const char *cells[F_N] = { 0 };
		char tier[8] = "", batch[4];
		size_t j;
		json_t *step;

		cells[F_CODE] = json_string_value(json_object_get(o, "code"));
		cells[F_KIND] = strcmp(json_string_value(json_object_get(o, "kind")), "centre") == 0 ?
		    "营销中心" : "重点经销户";
		cells[F_NAME] = json_string_value(json_object_get(o, "name"));
		cells[F_MARKET] = json_string_value(json_object_get(o, "market"));
		cells[F_PROVINCE] = province_short(json_string_value(json_object_get(o,
		    "province")));
		cells[F_CITY] = json_string_value(json_object_get(o, "city"));
		if (json_is_integer(json_object_get(o, "tier_yi")))
			snprintf(tier, sizeof tier, "%lld",
			    (long long)json_integer_value(json_object_get(o, "tier_yi")));
		cells[F_TIER] = tier;
		snprintf(batch, sizeof batch, "%lld",
		    (long long)json_integer_value(json_object_get(o, "batch")));
		cells[F_BATCH] = batch;
		cells[F_DOCKING] = json_string_value(json_object_get(o, "docking"));
		cells[F_NEW] = json_is_true(json_object_get(o, "new")) ? "是" : "否";
		cells[F_BASE] = json_is_true(json_object_get(o, "new")) ? "" :
		    json_string_value(json_object_get(o, "base"));
		json_array_foreach(json_object_get(o, "steps"), j, step) {
			int n = (int)json_integer_value(json_object_get(step, "step"));

			cells[steps[n - 1].col] = json_string_value(json_object_get(step, "date"));
			if (n == 3)
				cells[F_APPROVER] = json_string_value(json_object_get(step,
				    "approver"));
		}
		sink_row(s, cells);
	}
	return sink_close(s, cause);
}

int
ledger_outlet_save(struct store *st, json_t *in, const char *who, json_t **out, char **cause)
{
	char *cells[F_N], number[32];
	struct table_row r = { 0, F_N, cells };
	struct outlet o;
	int map[F_N], inserted;

	*out = NULL;
	for (int f = 0; f < F_N; f++) {
		json_t *v = json_object_get(in, rcols[f].key);

		map[f] = f;
		if (json_is_integer(v))
			snprintf(number, sizeof number, "%lld", (long long)json_integer_value(v));
		cells[f] = xstrdup(json_is_string(v) ? json_string_value(v) :
		    json_is_integer(v) ? number : "");
	}
	if (row_check(&r, map, &o, cause) != 0 || store_begin(st, cause) != 0)
		goto done;
	if (outlet_store(st, &o, who, &inserted, cause) != 0 || store_commit(st, cause) != 0) {
		store_rollback(st);
		goto done;
	}
	*out = json_pack("{s:s, s:b}", "code", o.code, "inserted", inserted);
done:
	for (int f = 0; f < F_N; f++)
		free(cells[f]);
	return *out != NULL ? 0 : -1;
}
