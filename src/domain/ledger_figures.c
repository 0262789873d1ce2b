/*
 * ledger_figures.c — what counts against the plan (核定基数): for an
 * existing centre or distributor only its verified sales above its 2009
 * base, for a new one all of its verified sales; grouped by province,
 * centre, distributor, city or the whole network, through a quarter, set
 * beside the targets.  Also the plan's own data: the network targets and
 * the deadlines, and who is late.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "export_sink.h"
#include "ledger.h"
#include "normalise.h"
#include "outcome.h"
#include "table.h"
#include "util.h"

/* Hundredths of 万元 in one 亿元. */
#define CENTS_PER_YI	1000000LL

json_t *
ledger_str_take(char *s)
{
	json_t *j = json_string(s);

	free(s);
	return j;
}

/* v / unit with two decimals and thousands separators; caller frees. */
static char *
grouped(long long v, long long unit)
{
	long long hundredths = unit == 100 ? v : (v * 100 + (v >= 0 ? unit : -unit) / 2) / unit;
	unsigned long long whole = (unsigned long long)(hundredths < 0 ? -hundredths : hundredths)
	    / 100;
	char digits[32], out[48];
	size_t n, o = 0;

	n = (size_t)snprintf(digits, sizeof digits, "%llu", whole);
	if (hundredths < 0)
		out[o++] = '-';
	for (size_t i = 0; i < n; i++) {
		if (i > 0 && (n - i) % 3 == 0)
			out[o++] = ',';
		out[o++] = digits[i];
	}
	snprintf(out + o, sizeof out - o, ".%02lld", (hundredths < 0 ? -hundredths :
	    hundredths) % 100);
	return xstrdup(out);
}

char *
ledger_wan_text(long long cents)
{
	return grouped(cents, 100);
}

char *
ledger_yi_text(long long cents)
{
	return grouped(cents, CENTS_PER_YI);
}

/* The groupings and the field of an outlet that keys each. */
static const struct grouping {
	const char	*by;
	const char	*zh;
	const char	*kind;		/* only outlets of this kind; NULL = both */
} groupings[] = {
	{ "province", "省份", NULL }, { "centre", "营销中心", "centre" },
	{ "distributor", "重点经销户", "distributor" }, { "city", "城市", NULL },
	{ "network", "全网络", NULL },
};

/* One row being summed. */
struct fig {
	char		*key, *name, *province, *city;
	long long	 outlets, base, verified, pending, increase, new_sales;
	long long	 verified_fair;	/* of verified, the lines from fair meetings */
	double		 target_yi;	/* < 0 = none */
};

/* The sums of the rows so far. */
struct figs {
	struct fig	*rows;
	size_t		 n;
};

/* The row for key, added if new. */
static struct fig *
fig_for(struct figs *f, const char *key, const char *name, const char *province,
    const char *city)
{
	for (size_t i = 0; i < f->n; i++)
		if (strcmp(f->rows[i].key, key) == 0)
			return &f->rows[i];
	f->rows = xreallocarray(f->rows, f->n + 1, sizeof *f->rows);
	memset(&f->rows[f->n], 0, sizeof f->rows[f->n]);
	f->rows[f->n].key = xstrdup(key);
	f->rows[f->n].name = xstrdup(name);
	f->rows[f->n].province = xstrdup(province);
	f->rows[f->n].city = xstrdup(city);
	f->rows[f->n].target_yi = -1;
	return &f->rows[f->n++];
}

static void
figs_free(struct figs *f)
{
	for (size_t i = 0; i < f->n; i++) {
		free(f->rows[i].key);
		free(f->rows[i].name);
		free(f->rows[i].province);
		free(f->rows[i].city);
	}
	free(f->rows);
}

/*
 * Sums every outlet of year through quarter into f by g.  An existing
 * outlet's base is yearly: through quarter Q it is base × Q / 4.
 */
static int
figs_sum(struct store *st, const struct grouping *g, int year, int quarter,
    const char *province, const char *docking, struct figs *f, char **cause)
{
	sqlite3_stmt *q;

	if (store_query(st, "SELECT o.code, o.name, o.kind, o.province, o.city, o.is_new,"
	    " o.base_cents, o.tier_yi,"
	    " COALESCE(sum(l.amount_cents) FILTER (WHERE l.state = 'verified'), 0),"
	    " COALESCE(sum(l.amount_cents) FILTER (WHERE l.state IN ('submitted', 'checked',"
	    "   'reviewed')), 0),"
	    " COALESCE(sum(l.amount_cents) FILTER (WHERE l.state = 'verified' AND l.from_fair), 0)"
	    " FROM ledger_outlets o LEFT JOIN ledger_lines l ON l.outlet_id = o.id"
	    "   AND l.year = ?1 AND l.quarter <= ?2"
	    " WHERE (?3 IS NULL OR o.province = ?3) AND (?4 IS NULL OR o.kind = ?4)"
	    "   AND (?5 IS NULL OR instr('、' || o.docking || '、', '、' || ?5 || '、') > 0)"
	    " GROUP BY o.id ORDER BY o.province, o.kind, o.code", &q, cause) != 0)
		return -1;
	sqlite3_bind_int(q, 1, year);
	sqlite3_bind_int(q, 2, quarter);
	sqlite3_bind_text(q, 3, province, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 4, g->kind, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 5, docking, -1, SQLITE_STATIC);
	while (sqlite3_step(q) == SQLITE_ROW) {
		const char *code = (const char *)sqlite3_column_text(q, 0),
		    *name = (const char *)sqlite3_column_text(q, 1),
		    *prov = (const char *)sqlite3_column_text(q, 3),
		    *city = (const char *)sqlite3_column_text(q, 4);
		int is_new = sqlite3_column_int(q, 5);
		long long base = is_new ? 0 : sqlite3_column_int64(q, 6) * quarter / 4,
		    verified = sqlite3_column_int64(q, 8);
		struct fig *r;
		char *key = NULL;

		if (strcmp(g->by, "province") == 0)
			r = fig_for(f, prov, province_short(prov), prov, "");
		else if (strcmp(g->by, "city") == 0) {
			key = xasprintf("%s/%s", prov, city);
			r = fig_for(f, key, city, prov, city);
		} else if (strcmp(g->by, "network") == 0)
			r = fig_for(f, "network", "全国浙商营销网络", "", "");
		else {
			r = fig_for(f, code, name, prov, city);
			if (sqlite3_column_type(q, 7) != SQLITE_NULL)
				r->target_yi = sqlite3_column_int(q, 7);
		}
		free(key);
		r->outlets++;
		r->base += base;
		r->verified += verified;
		r->pending += sqlite3_column_int64(q, 9);
		r->verified_fair += sqlite3_column_int64(q, 10);
		if (is_new)
			r->new_sales += verified;
		else if (verified > base)
			r->increase += verified - base;
	}
	return store_finish(st, q, cause);
}

/* The province targets (扩销目标) of year onto f's rows; the network's is their sum. */
static int
targets_apply(struct store *st, const struct grouping *g, int year, struct figs *f,
    char **cause)
{
	sqlite3_stmt *q;

	if (strcmp(g->by, "province") != 0 && strcmp(g->by, "network") != 0)
		return 0;
	if (store_query(st, "SELECT province, sales_yi FROM province_targets WHERE year = ?1"
	    " UNION ALL SELECT 'network', sum(sales_yi) FROM province_targets WHERE year = ?1"
	    " HAVING count(*) > 0", &q, cause) != 0)
		return -1;
	sqlite3_bind_int(q, 1, year);
	while (sqlite3_step(q) == SQLITE_ROW)
		for (size_t i = 0; i < f->n; i++)
			if (strcmp(f->rows[i].key, (const char *)sqlite3_column_text(q, 0)) == 0)
				f->rows[i].target_yi = sqlite3_column_double(q, 1);
	return store_finish(st, q, cause);
}

/* An amount as both display text and exact hundredths. */
static void
amount_set(json_t *o, const char *key, long long cents)
{
	char *k = xasprintf("%s_cents", key);

	json_object_set_new(o, key, ledger_str_take(ledger_wan_text(cents)));
	json_object_set_new(o, k, json_integer(cents));
	free(k);
}

/* One summed row as JSON. */
static json_t *
fig_json(const struct fig *r)
{
	long long counted = r->increase + r->new_sales;
	json_t *o = json_pack("{s:s, s:s, s:s, s:s, s:I}", "key", r->key, "name", r->name,
	    "province", r->province, "city", r->city, "outlets", (json_int_t)r->outlets);

	amount_set(o, "base", r->base);
	amount_set(o, "verified", r->verified);
	amount_set(o, "verified_fair", r->verified_fair);
	amount_set(o, "verified_other", r->verified - r->verified_fair);
	amount_set(o, "pending", r->pending);
	amount_set(o, "increase", r->increase);
	amount_set(o, "new_sales", r->new_sales);
	amount_set(o, "counted", counted);
	json_object_set_new(o, "counted_yi", ledger_str_take(ledger_yi_text(counted)));
	json_object_set_new(o, "target_yi", r->target_yi < 0 ? json_null() :
	    json_real(r->target_yi));
	json_object_set_new(o, "share", r->target_yi <= 0 ? json_null() :
	    json_real((double)(long long)((double)counted / (r->target_yi * CENTS_PER_YI) *
	    10000.0 + 0.5) / 10000.0));
	return o;
}

/*
 * The plan's network targets of year beside what counts: {item, zh,
 * target_yi, counted_yi}; the 三大市场 are the city offices' reports.
 */
static json_t *
plan_json(struct store *st, int year, long long centres, long long distributors,
    long long markets, char **cause)
{
	static const struct {
		const char	*item;
		const char	*zh;
	} items[] = {
		{ "centres", "营销中心扩销" }, { "distributors", "市场外重点经销户扩销" },
		{ "markets", "三大市场扩销" }, { "total", "扩销合计" }, { "stretch", "力争" },
	};
	sqlite3_stmt *q;
	json_t *a = json_array();

	if (store_query_id(st, "SELECT yi FROM ledger_plan WHERE year = ?1 AND item = ?2", year,
	    &q, cause) != 0) {
		json_decref(a);
		return NULL;
	}
	for (size_t i = 0; i < nitems(items); i++) {
		long long counted = i == 0 ? centres : i == 1 ? distributors : i == 2 ? markets :
		    centres + distributors + markets;

		sqlite3_bind_text(q, 2, items[i].item, -1, SQLITE_STATIC);
		if (sqlite3_step(q) == SQLITE_ROW)
			json_array_append_new(a, json_pack("{s:s, s:s, s:f, s:o}", "item",
			    items[i].item, "zh", items[i].zh, "target_yi",
			    sqlite3_column_double(q, 0), "counted_yi", counted < 0 ? json_null() :
			    ledger_str_take(ledger_yi_text(counted))));
		sqlite3_reset(q);
	}
	if (store_finish(st, q, cause) != 0) {
		json_decref(a);
		return NULL;
	}
	return a;
}

/* The city offices' reported 三大市场 sales of year through quarter into *cents. */
static int
markets_reported(struct store *st, int year, int quarter, long long *cents, char **cause)
{
	sqlite3_stmt *q;

	*cents = 0;
	if (store_query_id(st, "SELECT COALESCE(sum(amount_cents), 0) FROM ledger_city_reports"
	    " WHERE year = ?1 AND quarter <= ?2", year, &q, cause) != 0)
		return -1;
	sqlite3_bind_int(q, 2, quarter);
	if (sqlite3_step(q) == SQLITE_ROW)
		*cents = sqlite3_column_int64(q, 0);
	return store_finish(st, q, cause);
}

/* Counted sales of centres and distributors through quarter, in the scope or the network. */
static int
network_counted(struct store *st, int year, int quarter, const char *province,
    const char *docking, long long *centres, long long *distributors, char **cause)
{
	struct figs f = { 0 };
	int rc = 0;

	*centres = *distributors = 0;
	for (int k = 1; k <= 2 && rc == 0; k++) {
		const struct grouping net = { "network", "", k == 1 ? "centre" : "distributor" };

		memset(&f, 0, sizeof f);
		rc = figs_sum(st, &net, year, quarter, province, docking, &f, cause);
		if (rc == 0 && f.n > 0)
			*(k == 1 ? centres : distributors) = f.rows[0].increase + f.rows[0].new_sales;
		figs_free(&f);
	}
	return rc;
}

json_t *
ledger_figures_json(struct store *st, const char *by, int year, int quarter,
    const char *province, const char *docking, char **cause)
{
	const struct grouping *g = NULL;
	int scoped = province != NULL || docking != NULL;
	struct figs f = { 0 };
	json_t *out, *rows, *quarters, *plan;
	long long c = 0, d = 0, m = 0;

	for (size_t i = 0; i < nitems(groupings); i++)
		if (strcmp(groupings[i].by, by) == 0)
			g = &groupings[i];
	if (g == NULL) {
		*cause = xasprintf("--by %s 无效：province、centre、distributor、city 或 network /"
		    " --by %s: one of province, centre, distributor, city, network", by, by);
		return NULL;
	}
	if (figs_sum(st, g, year, quarter ? quarter : 4, province, docking, &f, cause) != 0 ||
	    targets_apply(st, g, year, &f, cause) != 0) {
		figs_free(&f);
		return NULL;
	}
	rows = json_array();
	for (size_t i = 0; i < f.n; i++)
		json_array_append_new(rows, fig_json(&f.rows[i]));
	figs_free(&f);
	quarters = json_array();
	for (int qn = 1; qn <= 4; qn++) {
		if (network_counted(st, year, qn, province, docking, &c, &d, cause) != 0) {
			json_decref(rows);
			json_decref(quarters);
			return NULL;
		}
		json_array_append_new(quarters, json_pack("{s:i, s:o, s:o}", "quarter", qn,
		    "counted", ledger_str_take(ledger_wan_text(c + d)), "counted_yi",
		    ledger_str_take(ledger_yi_text(c + d))));
	}
	/* The plan's targets are the network's: a scoped view has none. */
	if (network_counted(st, year, quarter ? quarter : 4, province, docking, &c, &d,
	    cause) != 0 || markets_reported(st, year, quarter ? quarter : 4, &m, cause) != 0 ||
	    (plan = scoped ? json_array() : plan_json(st, year, c, d, m, cause)) == NULL) {
		json_decref(rows);
		json_decref(quarters);
		return NULL;
	}
	out = json_pack("{s:s, s:s, s:i, s:i, s:o, s:o, s:o, s:s?, s:s?}", "by", g->by, "by_zh",
	    g->zh, "year", year, "quarter", quarter, "rows", rows, "quarters", quarters, "plan",
	    plan, "province", province, "docking", docking);
	return out;
}

int
ledger_figures_export(json_t *fig, const char *format, const char *path, char **cause)
{
	static const struct {
		const char	*head;
		const char	*key;		/* a text field, or an amount's *_cents */
		int		 amount;
	} cols[] = {
		{ "名称", "name", 0 }, { "省份", "province", 0 }, { "城市", "city", 0 },
		{ "数量", "outlets", 2 }, { "2009年基数（万元）", "base_cents", 1 },
		{ "已核实（万元）", "verified_cents", 1 },
		{ "其中洽谈会成交（万元）", "verified_fair_cents", 1 },
		{ "其中非洽谈会（万元）", "verified_other_cents", 1 },
		{ "待审（万元）", "pending_cents", 1 },
		{ "增量（万元）", "increase_cents", 1 }, { "新建全额（万元）", "new_sales_cents", 1 },
		{ "计入（万元）", "counted_cents", 1 }, { "目标（亿元）", "target_yi", 3 },
	};
	struct sink_col sc[nitems(cols)];
	struct sink *s;
	size_t i;
	json_t *r;

	for (size_t c = 0; c < nitems(cols); c++)
		sc[c] = (struct sink_col){ cols[c].head, c == 0 ? 36 : 14, cols[c].amount != 0 };
	if (sink_open(format, path, &s, cause) != 0)
		return -1;
	sink_sheet(s, json_string_value(json_object_get(fig, "by_zh")), sc, nitems(cols));
	json_array_foreach(json_object_get(fig, "rows"), i, r) {
		char *text[nitems(cols)] = { 0 };
		const char *cells[nitems(cols)];

		for (size_t c = 0; c < nitems(cols); c++) {
			json_t *v = json_object_get(r, cols[c].key);

			if (cols[c].amount == 1)
				text[c] = outcome_amount_text(json_integer_value(v));
			else if (cols[c].amount == 2)
				text[c] = xasprintf("%lld", (long long)json_integer_value(v));
			else if (cols[c].amount == 3)
				text[c] = json_is_real(v) ? xasprintf("%g", json_real_value(v)) :
				    xstrdup("");
			cells[c] = text[c] != NULL ? text[c] : json_string_value(v);
		}
		sink_row(s, cells);
		for (size_t c = 0; c < nitems(cols); c++)
			free(text[c]);
	}
	return sink_close(s, cause);
}

/* The network target items a plan row may name, by a word in its 事项. */
static const struct {
	const char	*word;
	const char	*item;
} plan_words[] = {
	{ "营销中心", "centres" }, { "经销户", "distributors" }, { "三大市场", "markets" },
	{ "配套", "markets" }, { "力争", "stretch" }, { "合计", "total" },
};

/* The items in the order plan_row sums them: the parts, the total, the stretch. */
static const char *const plan_items[] = { "centres", "distributors", "markets", "total",
    "stretch" };

/* Stores one plan row; 0, or -1 with *cause naming the row. */
static int
plan_row(struct store *st, int year, const struct table_row *r, const int *map,
    double *sums, char **cause)
{
	const char *what = r->cells[map[0]], *why;
	const char *due = map[1] >= 0 && (size_t)map[1] < r->ncells ? r->cells[map[1]] : "";
	const char *qs = map[2] >= 0 && (size_t)map[2] < r->ncells ? r->cells[map[2]] : "";
	const char *bs = map[3] >= 0 && (size_t)map[3] < r->ncells ? r->cells[map[3]] : "";
	const char *ys = map[4] >= 0 && (size_t)map[4] < r->ncells ? r->cells[map[4]] : "";
	sqlite3_stmt *q;
	char date[11];
	long n = 0;
	double yi;

	if (*due != '\0') {
		if (check_date(due, date, &why) != 0) {
			*cause = xasprintf("第 %zu 行“截止日期”“%s”：%s / row %zu, 截止日期: \"%s\" is"
			    " not a date", r->line, due, why, r->line, due);
			return -1;
		}
		if ((*qs != '\0') == (*bs != '\0') || (*qs != '\0' && parse_long(qs, 1, 4, &n) != 0) ||
		    (*bs != '\0' && parse_long(bs, 1, 3, &n) != 0)) {
			*cause = xasprintf("第 %zu 行：截止事项要写季度（1–4）或批次（1–3），只写一个 /"
			    " row %zu: a deadline names a quarter (1–4) or a batch (1–3), one of them",
			    r->line, r->line);
			return -1;
		}
		if (store_query_id(st, "INSERT INTO ledger_deadlines (year, what, due, quarter,"
		    " batch) VALUES (?, ?, ?, ?, ?)", year, &q, cause) != 0)
			return -1;
		sqlite3_bind_text(q, 2, what, -1, SQLITE_STATIC);
		sqlite3_bind_text(q, 3, date, -1, SQLITE_STATIC);
		sqlite3_bind_int(q, *qs != '\0' ? 4 : 5, (int)n);
	} else {
		const char *item = NULL;

		for (size_t i = 0; i < nitems(plan_words) && item == NULL; i++)
			if (strstr(what, plan_words[i].word) != NULL)
				item = plan_words[i].item;
		if (item == NULL || parse_double(ys, &yi) != 0 || yi < 0) {
			*cause = xasprintf("第 %zu 行“%s”：目标要写明营销中心、经销户、三大市场、合计或"
			    "力争，和不小于 0 的亿元数 / row %zu: \"%s\" is neither a deadline nor a"
			    " target (营销中心, 经销户, 三大市场, 合计, 力争 with 亿元)", r->line, what,
			    r->line, what);
			return -1;
		}
		for (size_t i = 0; i < nitems(plan_items); i++)
			if (strcmp(item, plan_items[i]) == 0)
				sums[i] = yi;
		if (store_query_id(st, "INSERT INTO ledger_plan (year, item, yi) VALUES (?, ?, ?)",
		    year, &q, cause) != 0)
			return -1;
		sqlite3_bind_text(q, 2, item, -1, SQLITE_STATIC);
		sqlite3_bind_double(q, 3, yi);
	}
	if (sqlite3_step(q) != SQLITE_DONE) {
		store_finish(st, q, cause);
		free(*cause);
		*cause = xasprintf("第 %zu 行“%s”重复 / row %zu: \"%s\" appears twice", r->line, what,
		    r->line, what);
		return -1;
	}
	return store_finish(st, q, cause);
}

int
ledger_plan_import(struct store *st, const char *path, int year, json_t **out, char **cause)
{
	static const char *const heads[] = { "事项", "截止日期", "季度", "批次", "亿元" };
	struct table_reader *tr;
	struct table_row r;
	int map[5], got, begun = 0;
	double sums[5] = { -1, -1, -1, -1, -1 };
	size_t rows = 0;
	char *sql;

	*out = NULL;
	if ((tr = table_open(path, NULL, &table_default_limits, cause)) == NULL)
		return -1;
	if ((got = table_next(tr, &r, cause)) <= 0) {
		if (got == 0)
			*cause = xasprintf("%s 是空的 / %s is empty", path, path);
		goto fail;
	}
	for (size_t c = 0; c < nitems(heads); c++) {
		map[c] = -1;
		for (size_t i = 0; i < r.ncells; i++)
			if (strncmp(r.cells[i], heads[c], strlen(heads[c])) == 0)
				map[c] = (int)i;
	}
	if (map[0] < 0) {
		*cause = xstrdup("缺少“事项”列 / the column 事项 is missing");
		goto fail;
	}
	if (store_begin(st, cause) != 0)
		goto fail;
	begun = 1;
	sql = xasprintf("DELETE FROM ledger_deadlines WHERE year = %d;"
	    " DELETE FROM ledger_plan WHERE year = %d", year, year);
	got = store_exec(st, sql, cause);
	free(sql);
	if (got != 0)
		goto fail;
	while ((got = table_next(tr, &r, cause)) > 0) {
		if ((size_t)map[0] >= r.ncells || r.cells[map[0]][0] == '\0')
			continue;
		if (plan_row(st, year, &r, map, sums, cause) != 0)
			goto fail;
		rows++;
	}
	if (got < 0)
		goto fail;
	if (sums[3] >= 0 && sums[0] >= 0 && sums[1] >= 0 && sums[2] >= 0 &&
	    sums[0] + sums[1] + sums[2] != sums[3]) {
		*cause = xasprintf("合计 %g 亿元，但营销中心、经销户、三大市场相加为 %g 亿元 / the"
		    " total says %g 亿元 but its parts add up to %g", sums[3], sums[0] + sums[1] +
		    sums[2], sums[3], sums[0] + sums[1] + sums[2]);
		goto fail;
	}
	if (store_commit(st, cause) != 0)
		goto fail;
	table_close(tr);
	*out = json_pack("{s:i, s:I}", "year", year, "rows", (json_int_t)rows);
	return 0;
fail:
	if (begun)
		store_rollback(st);
	table_close(tr);
	return -1;
}

/* The offices that missed deadline (due, quarter or batch) as JSON; NULL with *cause. */
static json_t *
late_offices(struct store *st, int year, const char *due, int quarter, int batch,
    char **cause)
{
	static const char *const quarter_end[] = { "03-31", "06-30", "09-30", "12-31" };
	sqlite3_stmt *q;
	json_t *a = json_array();
	char *qend = quarter ? xasprintf("%d-%s", year, quarter_end[quarter - 1]) : NULL;
	int rc;

	/*
	 * A quarter: every outlet running (挂牌运行) by the quarter's end owes a
	 * line submitted by the due date.  A batch: its outlets' papers (报送资料)
	 * are due.  A submission is stamped in UTC and a due date is a local
	 * day (the process's zone: the time_zone setting, Asia/Shanghai), so
	 * the stamp is read as a local date before the two are compared.  A
	 * quarter's figures are due from every city office too (its 三大市场
	 * report), after the expansion offices.
	 */
	rc = store_query(st, quarter ?
	    "SELECT * FROM (SELECT f.name, 'expansion', o.province, count(*) FROM ledger_outlets o"
	    " JOIN offices f ON f.id = o.office_id"
	    " JOIN ledger_steps s ON s.outlet_id = o.id AND s.step = 5 AND s.date <= ?4"
	    " WHERE NOT EXISTS (SELECT 1 FROM ledger_lines l JOIN ledger_history h"
	    "   ON h.line_id = l.id AND h.action = 'submit' WHERE l.outlet_id = o.id"
	    "   AND l.year = ?1 AND l.quarter = ?2 AND date(h.at, 'localtime') <= ?3)"
	    " GROUP BY f.id ORDER BY o.province)"
	    " UNION ALL SELECT * FROM (SELECT f.name, 'city', f.city, 1 FROM offices f"
	    " WHERE f.kind = 'city' AND NOT EXISTS (SELECT 1 FROM ledger_city_reports r"
	    "   WHERE r.city = f.city AND r.year = ?1 AND r.quarter = ?2"
	    "   AND date(r.submitted_at, 'localtime') <= ?3) ORDER BY f.id)" :
	    "SELECT f.name, 'expansion', o.province, count(*) FROM ledger_outlets o"
	    " JOIN offices f ON f.id = o.office_id WHERE o.batch = ?2 AND NOT EXISTS"
	    " (SELECT 1 FROM ledger_steps s WHERE s.outlet_id = o.id AND s.step = 2"
	    "   AND s.date <= ?3)"
	    " GROUP BY f.id ORDER BY o.province", &q, cause);
	if (rc != 0) {
		free(qend);
		json_decref(a);
		return NULL;
	}
	sqlite3_bind_int(q, 1, year);
	sqlite3_bind_int(q, 2, quarter ? quarter : batch);
	sqlite3_bind_text(q, 3, due, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 4, qend, -1, SQLITE_STATIC);
	while (sqlite3_step(q) == SQLITE_ROW) {
		const char *kind = (const char *)sqlite3_column_text(q, 1);

		json_array_append_new(a, json_pack("{s:s, s:s, s:s, s:i}",
		    "office", (const char *)sqlite3_column_text(q, 0), "kind", kind,
		    strcmp(kind, "city") == 0 ? "city" : "province",
		    (const char *)sqlite3_column_text(q, 2), "missing", sqlite3_column_int(q, 3)));
	}
	free(qend);
	if (store_finish(st, q, cause) != 0) {
		json_decref(a);
		return NULL;
	}
	return a;
}

json_t *
ledger_late_json(struct store *st, int year, const char *today, char **cause)
{
	sqlite3_stmt *q;
	json_t *a = json_array();

	if (store_query_id(st, "SELECT what, due, COALESCE(quarter, 0), COALESCE(batch, 0)"
	    " FROM ledger_deadlines WHERE year = ? ORDER BY due, what", year, &q, cause) != 0)
		goto fail;
	while (sqlite3_step(q) == SQLITE_ROW) {
		const char *due = (const char *)sqlite3_column_text(q, 1);
		int past = strcmp(due, today) < 0;
		json_t *late = past ? late_offices(st, year, due, sqlite3_column_int(q, 2),
		    sqlite3_column_int(q, 3), cause) : json_array();

		if (late == NULL) {
			store_finish(st, q, NULL);
			goto fail;
		}
		json_array_append_new(a, json_pack("{s:s, s:s, s:i, s:i, s:b, s:o}",
		    "what", (const char *)sqlite3_column_text(q, 0), "due", due,
		    "quarter", sqlite3_column_int(q, 2), "batch", sqlite3_column_int(q, 3),
		    "past", past, "late", late));
	}
	if (store_finish(st, q, cause) != 0)
		goto fail;
	return json_pack("{s:i, s:s, s:o}", "year", year, "today", today, "deadlines", a);
fail:
	json_decref(a);
	return NULL;
}
