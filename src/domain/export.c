/*
 * export.c — the catalogues, a fair's candidates and an upload's report,
 * read from the store and written through a sink (export_sink.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "catalog.h"
#include "catalog_read.h"
#include "export.h"
#include "export_sink.h"
#include "fair.h"
#include "schedule_version.h"
#include "util.h"

/* Column i of q as text; numbers without a trailing ".0"; NULL stays NULL.  Caller frees. */
static char *
col_text(sqlite3_stmt *q, int i)
{
	switch (sqlite3_column_type(q, i)) {
	case SQLITE_NULL:
		return NULL;
	case SQLITE_FLOAT:
		return xasprintf("%.15g", sqlite3_column_double(q, i));
	default:
		return xstrdup((const char *)sqlite3_column_text(q, i));
	}
}

/* Writes every row of q (ncols columns) to the sink; returns the rows written. */
static long long
rows_out(struct sink *s, sqlite3_stmt *q, size_t ncols)
{
	char **cells = xcalloc(ncols, sizeof *cells);
	long long n = 0;

	while (sqlite3_step(q) == SQLITE_ROW) {
		for (size_t i = 0; i < ncols; i++)
			cells[i] = col_text(q, (int)i);
		sink_row(s, (const char *const *)cells);
		for (size_t i = 0; i < ncols; i++)
			free(cells[i]);
		n++;
	}
	free(cells);
	return n;
}

/* Closes the sink, or aborts it if the query failed; 0 or -1 with *cause. */
static int
finish(struct store *st, struct sink *s, sqlite3_stmt *q, char **cause)
{
	if (store_finish(st, q, cause) != 0) {
		sink_abort(s);
		return -1;
	}
	return sink_close(s, cause);
}

/* What a clerk is told about a column of each type: on the notes sheet and in Excel's hint. */
static const struct {
	enum field_type	 type;
	int		 text;		/* the column is formatted as text */
	const char	*note;		/* "中文 / English" */
} type_notes[] = {
	{ FT_TEXT, 0, "一行文字 / one line of text" },
	{ FT_BLOCK, 0, "可以写多行 / may run over several lines" },
	{ FT_LIST, 0, "多项用 ；或 、 分开 / several items, separated by ； or 、" },
	{ FT_CODE, 1, "本单位自编的唯一编号，字母、数字和 - _ . /；再次上传同一编号即更新这一条 /"
	    " your own unique code: letters, digits and - _ . /; the same code uploaded again"
	    " updates the entry" },
	{ FT_ZJ_CITY, 0, "浙江省 11 个地市之一，请从下拉列表中选 / one of Zhejiang's 11"
	    " prefectures: pick it from the list" },
	{ FT_PROVINCE, 0, "省份，请从下拉列表中选 / the province: pick it from the list" },
	{ FT_CITY, 0, "城市，如 沈阳市 / the city, e.g. 沈阳市" },
	{ FT_CREDIT, 1, "18 位统一社会信用代码。本列为文本格式，请勿改成数字，否则 Excel 会显示为"
	    "科学计数法 / the 18-character credit code. The column is text: made a number, Excel"
	    " shows it in scientific notation" },
	{ FT_PHONE, 1, "手机，或带区号的座机如 0571-87654321；本列为文本格式，区号的 0 不会丢失 /"
	    " a mobile, or a landline with its area code such as 0571-87654321; the column is"
	    " text, so the leading 0 stays" },
	{ FT_PRICE, 0, "单位元：数字、区间如 12.5-20，或 面议 / in yuan: a number, a range such as"
	    " 12.5-20, or 面议 (negotiable)" },
	{ FT_DATE, 1, "日期，如 2026-03-05 / a date, such as 2026-03-05" },
	{ FT_QUANTITY, 0, "大于 0 的数量，如 500 或 1.5万 / a quantity above 0, such as 500 or"
	    " 1.5万" },
	{ FT_BUYER_TYPE, 0, "营销中心、重点经销户、商会或其他，请从下拉列表中选 / marketing centre,"
	    " key distributor, chamber of commerce or other: pick it from the list" },
};

/* The note of a field's type. */
static const char *
type_note(enum field_type t, int *text)
{
	for (size_t i = 0; i < nitems(type_notes); i++)
		if (type_notes[i].type == t) {
			*text = type_notes[i].text;
			return type_notes[i].note;
		}
	*text = 0;
	return NULL;
}

#define MAX_CATEGORIES	500	/* offered in the 产品类别 drop-down */
#define MAX_CHOICES	40	/* a fixed list's values (34 provinces) */

/* The categories the catalogues use, most used first; *n of them (caller frees each and the array). */
static char **
categories_used(struct store *st, size_t *n, char **cause)
{
	sqlite3_stmt *q;
	char **out = NULL;

	*n = 0;
	if (store_query(st, "SELECT category FROM (SELECT category FROM products UNION ALL"
	    " SELECT category FROM demands) WHERE category <> '' GROUP BY category"
	    " ORDER BY count(*) DESC, category LIMIT ?", &q, cause) != 0)
		return NULL;
	sqlite3_bind_int(q, 1, MAX_CATEGORIES);
	out = xcalloc(MAX_CATEGORIES, sizeof *out);
	while (sqlite3_step(q) == SQLITE_ROW)
		out[(*n)++] = xstrdup((const char *)sqlite3_column_text(q, 0));
	if (store_finish(st, q, cause) != 0) {
		for (size_t i = 0; i < *n; i++)
			free(out[i]);
		free(out);
		*n = 0;
		return NULL;
	}
	return out;
}

/* The catalogue's columns as a clerk fills them in; free with catalogue_cols_free. */
struct catalogue_cols {
	struct sink_col		*cols;
	struct sink_input	*input;
	const char		*fixed[32][MAX_CHOICES];	/* each column's fixed values */
	char			**categories;
	size_t			 ncategories;
	char			**notes;
};

static int
catalogue_cols_make(struct store *st, const struct catalog *cat, struct catalogue_cols *cc,
    char **cause)
{
	memset(cc, 0, sizeof *cc);
	if (cat->nfields > nitems(cc->fixed)) {
		*cause = xstrdup("目录的列过多 / the catalogue has too many columns");
		return -1;
	}
	if ((cc->categories = categories_used(st, &cc->ncategories, cause)) == NULL)
		return -1;
	cc->cols = xcalloc(cat->nfields, sizeof *cc->cols);
	cc->input = xcalloc(cat->nfields, sizeof *cc->input);
	cc->notes = xcalloc(cat->nfields, sizeof *cc->notes);
	for (size_t f = 0; f < cat->nfields; f++) {
		const struct field_spec *fs = &cat->fields[f];
		struct sink_input *in = &cc->input[f];
		const char *note = type_note(fs->type, &in->text);

		cc->cols[f].head = fs->zh;
		cc->cols[f].width = fs->max_chars > 100 ? 40 : fs->max_chars > 30 ? 24 : 14;
		cc->notes[f] = xasprintf("%s%s", fs->required ? "必填 / required. " : "",
		    note != NULL ? note : "");
		in->note = cc->notes[f];
		in->nchoices = catalog_choices(fs->type, cc->fixed[f], MAX_CHOICES);
		in->choices = in->nchoices > 0 ? cc->fixed[f] : NULL;
		in->only_choices = 1;
		if (strcmp(fs->key, "category") == 0 && cc->ncategories > 0) {
			in->choices = (const char *const *)cc->categories;
			in->nchoices = cc->ncategories;
			in->only_choices = 0;
		}
	}
	return 0;
}

static void
catalogue_cols_free(const struct catalog *cat, struct catalogue_cols *cc)
{
	for (size_t i = 0; i < cc->ncategories; i++)
		free(cc->categories[i]);
	free(cc->categories);
	for (size_t f = 0; cc->notes != NULL && f < cat->nfields; f++)
		free(cc->notes[f]);
	free(cc->notes);
	free(cc->input);
	free(cc->cols);
}

/* The notes sheet: each column, whether it is required, its length, what goes in it. */
static void
notes_sheet(struct sink *s, const struct catalog *cat)
{
	static const struct sink_col cols[] = {
		{ "列名 Column", 18, 0 }, { "必填 Required", 10, 0 },
		{ "最多字数 Max characters", 12, 1 }, { "填写说明 What to enter", 90, 0 },
	};

	if (!sink_sheet(s, "填写说明 Notes", cols, nitems(cols)))
		return;
	for (size_t f = 0; f < cat->nfields; f++) {
		const struct field_spec *fs = &cat->fields[f];
		char max[16];
		int text;
		const char *note = type_note(fs->type, &text);
		const char *row[4] = { fs->zh, fs->required ? "是 / yes" : "否 / no", max, note };

		snprintf(max, sizeof max, "%u", fs->max_chars);
		sink_row(s, row);
	}
}

int
export_catalogue_where(struct store *st, const char *kind, const char *format,
    const struct catalog_filter *filter, const char *path, long long *rows, char **cause)
{
	const struct catalog *cat = catalog_by_name(kind != NULL ? kind : "");
	struct catalogue_cols cc;
	struct buf sql = { 0 };
	struct sink *s;
	sqlite3_stmt *q;
	long long n;

	if (cat == NULL) {
		*cause = xasprintf("未知目录 %s（可用 supply、demand） / unknown catalogue %s"
		    " (supply or demand)", kind != NULL ? kind : "", kind != NULL ? kind : "");
		return -1;
	}
	if (catalogue_cols_make(st, cat, &cc, cause) != 0)
		return -1;
	/* The importer's own headers, in its order, from the field table. */
	buf_addstr(&sql, "SELECT ");
	for (size_t f = 0; f < cat->nfields; f++) {
		const struct field_spec *fs = &cat->fields[f];

		buf_addf(&sql, "%s%s.%s", f ? ", " : "", fs->home == HOME_ITEM ? "i" : "o",
		    fs->column);
	}
	buf_addf(&sql, " FROM %s i JOIN %s o ON o.id = i.%s", cat->item_table, cat->owner_table,
	    cat->owner_fk);
	catalog_filter_sql(cat, filter, &sql);
	buf_addstr(&sql, " ORDER BY i.id");
	if (store_query(st, sql.data, &q, cause) != 0) {
		buf_free(&sql);
		catalogue_cols_free(cat, &cc);
		return -1;
	}
	buf_free(&sql);
	catalog_filter_bind(q, filter);
	if (sink_open(format, path, &s, cause) != 0) {
		sqlite3_finalize(q);
		catalogue_cols_free(cat, &cc);
		return -1;
	}
	sink_sheet(s, cat->zh, cc.cols, cat->nfields);
	sink_input(s, cc.input);
	n = rows_out(s, q, cat->nfields);
	notes_sheet(s, cat);
	catalogue_cols_free(cat, &cc);
	if (finish(st, s, q, cause) != 0)
		return -1;
	if (rows != NULL)
		*rows = n;
	return 0;
}

int
export_catalogue(struct store *st, const char *kind, const char *format, const char *path,
    long long *rows, char **cause)
{
	return export_catalogue_where(st, kind, format, NULL, path, rows, cause);
}

int
export_template(struct store *st, const char *kind, const char *format, const char *path,
    char **cause)
{
	struct catalog_filter none = { .none = 1 };

	return export_catalogue_where(st, kind, format, &none, path, NULL, cause);
}

/* The candidates sheet. */
static const struct sink_col candidate_cols[] = {
	{ "所在省份", 12, 0 }, { "采购单位", 30, 0 }, { "需求编号", 14, 0 },
	{ "需求产品", 20, 0 }, { "排名", 6, 1 }, { "匹配分", 8, 1 }, { "产品编号", 14, 0 },
	{ "产品名称", 24, 0 }, { "企业名称", 30, 0 }, { "所在城市", 10, 0 },
	{ "匹配理由", 40, 0 },
};

/* The matcher's reasons as text: "龙井茶、绿茶；类别 茶叶"; caller frees. */
static char *
why_text(const char *json)
{
	json_t *a = json_loads(json != NULL ? json : "[]", 0, NULL), *v;
	struct buf words = { 0 }, other = { 0 };
	const char *key;
	size_t i;

	json_array_foreach(a, i, v) {
		json_t *x;

		if ((x = json_object_get(v, "word")) != NULL && json_is_string(x))
			buf_addf(&words, "%s%s", words.len ? "、" : "", json_string_value(x));
		else
			json_object_foreach(v, key, x) {
				if (json_is_string(x))
					buf_addf(&other, "%s%s %s", other.len ? "；" : "",
					    strcmp(key, "category") == 0 ? "类别" : key,
					    json_string_value(x));
			}
	}
	json_decref(a);
	if (words.len > 0 && other.len > 0)
		buf_addstr(&words, "；");
	buf_addstr(&words, other.data != NULL ? other.data : "");
	buf_free(&other);
	return buf_take(&words);
}

int
export_candidates(struct store *st, const char *fair_code, const char *format,
    const char *path, long long *rows, char **cause)
{
	const size_t ncols = nitems(candidate_cols);
	struct fair fair;
	struct sink *s;
	sqlite3_stmt *q;
	char *cells[nitems(candidate_cols)];
	long long n = 0;
	int rc;

	if (fair_get(st, fair_code, &fair, cause) != 0)
		return -1;
	if (sink_open(format, path, &s, cause) != 0) {
		fair_clear(&fair);
		return -1;
	}
	rc = store_query_id(st, "SELECT b.province, b.name, d.code, d.product, c.rank,"
	    " round(c.score, 3), p.code, p.name, s.name, s.city, c.why FROM candidates c"
	    " JOIN demands d ON d.id = c.demand_id JOIN buyers b ON b.id = d.buyer_id"
	    " JOIN products p ON p.id = c.product_id JOIN suppliers s ON s.id = p.supplier_id"
	    " WHERE c.fair_id = ? ORDER BY b.province, b.name, d.code, c.rank", fair.id, &q,
	    cause);
	fair_clear(&fair);
	if (rc != 0) {
		sink_abort(s);
		return -1;
	}
	sink_sheet(s, "候选洽谈", candidate_cols, ncols);
	while (sqlite3_step(q) == SQLITE_ROW) {
		for (size_t i = 0; i < ncols - 1; i++)
			cells[i] = col_text(q, (int)i);
		cells[ncols - 1] = why_text((const char *)sqlite3_column_text(q, (int)ncols - 1));
		sink_row(s, (const char *const *)cells);
		for (size_t i = 0; i < ncols; i++)
			free(cells[i]);
		n++;
	}
	rc = finish(st, s, q, cause);
	if (rc == 0 && rows != NULL)
		*rows = n;
	return rc;
}

/* A slot's day, as the fair's date when it has one: "2026-05-21" or "第1天". */
#define SLOT_DAY "coalesce(fd.date, '第' || fs.day || '天')"
/* A slot's time, "09:00–09:20". */
#define SLOT_TIME "fs.start || '–' || fs.end"
/* The joins that name a meeting's slot, table and two sides; ?1 is the fair's id. */
#define MEETING_JOINS \
    " JOIN fair_slots fs ON fs.fair_id = ?1 AND fs.number = m.slot" \
    " JOIN fair_days fd ON fd.fair_id = ?1 AND fd.day = fs.day" \
    " LEFT JOIN fair_tables ft ON ft.fair_id = ?1 AND ft.number = m.table_no" \
    " JOIN participants pb ON pb.id = m.buyer_pid LEFT JOIN buyers b ON b.id = pb.buyer_id" \
    " JOIN participants ps ON ps.id = m.supplier_pid" \
    " LEFT JOIN suppliers su ON su.id = ps.supplier_id"

/* The schedule sheet. */
static const struct sink_col schedule_cols[] = {
	{ "版本", 6, 1 }, { "日期", 12, 0 }, { "时间", 12, 0 }, { "桌号", 10, 0 },
	{ "位置", 14, 0 }, { "采购商胸牌", 10, 0 }, { "采购单位", 30, 0 }, { "所在省份", 10, 0 },
	{ "供应商胸牌", 10, 0 }, { "供应企业", 30, 0 }, { "所在城市", 10, 0 },
	{ "洽谈产品", 24, 0 }, { "锁定", 6, 0 }, { "现场情况", 20, 0 },
};

/*
 * A version's meetings (?2 > 0) or the current ones with the day's marks
 * (?2 = 0); ?3 is the version number shown.
 */
static const char schedule_sql[] =
    "WITH m AS (SELECT buyer_pid, supplier_pid, product_id, slot, table_no, locked,"
    "  0 AS late, 0 AS noshow, 0 AS backfill FROM version_meetings WHERE ?2 > 0 AND"
    "  version_id = (SELECT id FROM schedule_versions WHERE fair_id = ?1 AND number = ?2)"
    " UNION ALL SELECT buyer_pid, supplier_pid, product_id, slot, table_no, locked,"
    "  late_minutes, no_show, backfill FROM meetings WHERE ?2 = 0 AND fair_id = ?1)"
    " SELECT ?3, " SLOT_DAY ", " SLOT_TIME ", coalesce(ft.name, m.table_no),"
    "  coalesce(ft.location, ''), pb.badge, pb.name, coalesce(b.province, ''), ps.badge,"
    "  ps.name, coalesce(su.city, ''), coalesce(p.name, ''),"
    "  CASE WHEN m.locked THEN '是' ELSE '' END,"
    "  trim(CASE WHEN m.noshow THEN '未到场 ' ELSE '' END"
    "   || CASE WHEN m.backfill THEN '补位 ' ELSE '' END"
    "   || CASE WHEN m.late > 0 THEN '晚 ' || m.late || ' 分钟' ELSE '' END)"
    " FROM m" MEETING_JOINS " LEFT JOIN products p ON p.id = m.product_id"
    " ORDER BY m.slot, m.table_no";

int
export_schedule(struct store *st, const char *fair_code, int version, const char *format,
    const char *path, long long *rows, char **cause)
{
	struct fair fair;
	struct sink *s;
	sqlite3_stmt *q;
	long long n;
	int shown = version;

	if (fair_get(st, fair_code, &fair, cause) != 0)
		return -1;
	if (version < 0) {
		*cause = xasprintf("版本号应为正整数 / a version is a positive number: %d", version);
		fair_clear(&fair);
		return -1;
	}
	if (version > 0) {
		int found = schedule_version_exists(st, fair.code, version, cause);

		if (found == 0)
			*cause = xasprintf("展会 %s 没有第 %d 版日程 / fair %s has no schedule version"
			    " %d", fair.code, version, fair.code, version);
		if (found <= 0) {
			fair_clear(&fair);
			return -1;
		}
	} else if ((shown = schedule_version_published(st, fair.id, cause)) < 0) {
		fair_clear(&fair);
		return -1;
	}
	if (sink_open(format, path, &s, cause) != 0) {
		fair_clear(&fair);
		return -1;
	}
	if (store_query(st, schedule_sql, &q, cause) != 0) {
		fair_clear(&fair);
		sink_abort(s);
		return -1;
	}
	sqlite3_bind_int64(q, 1, fair.id);
	sqlite3_bind_int(q, 2, version);
	if (shown > 0)
		sqlite3_bind_int(q, 3, shown);
	fair_clear(&fair);
	sink_sheet(s, "洽谈日程", schedule_cols, nitems(schedule_cols));
	n = rows_out(s, q, nitems(schedule_cols));
	if (finish(st, s, q, cause) != 0)
		return -1;
	if (rows != NULL)
		*rows = n;
	return 0;
}

/* The outcomes sheet, and the history sheet. */
static const struct sink_col outcome_cols[] = {
	{ "洽谈编号", 8, 1 }, { "日期", 12, 0 }, { "时间", 12, 0 }, { "桌号", 10, 0 },
	{ "采购商胸牌", 10, 0 }, { "采购单位", 30, 0 }, { "供应商胸牌", 10, 0 },
	{ "供应企业", 30, 0 }, { "是否洽谈", 8, 0 }, { "结果", 8, 0 }, { "金额（万元）", 12, 1 },
	{ "成交产品", 24, 0 }, { "成交日期", 12, 0 }, { "证据文件", 8, 1 }, { "记录人", 12, 0 },
	{ "记录时间", 20, 0 },
};
static const struct sink_col history_cols[] = {
	{ "洽谈编号", 8, 1 }, { "项目", 12, 0 }, { "原值", 24, 0 }, { "新值", 24, 0 },
	{ "修改人", 12, 0 }, { "修改时间", 20, 0 },
};

static const char outcome_sql[] =
    "SELECT m.id, " SLOT_DAY ", " SLOT_TIME ", coalesce(ft.name, m.table_no), pb.badge,"
    "  pb.name, ps.badge, ps.name,"
    "  CASE WHEN o.held = 1 THEN '已洽谈' WHEN o.held = 0 OR m.no_show THEN '未到场'"
    "   ELSE '未记录' END,"
    "  CASE o.kind WHEN 'intention' THEN '意向' WHEN 'contract' THEN '合同' ELSE '' END,"
    "  CASE WHEN o.amount_cents > 0 THEN printf('%.2f', o.amount_cents / 100.0) END,"
    "  coalesce(o.products, ''), coalesce(o.deal_date, ''),"
    "  (SELECT count(*) FROM outcome_evidence e WHERE e.meeting_id = m.id),"
    "  coalesce(o.recorded_by, ''), coalesce(o.recorded_at, '')"
    " FROM meetings m" MEETING_JOINS " LEFT JOIN outcomes o ON o.meeting_id = m.id"
    " WHERE m.fair_id = ?1 ORDER BY m.slot, m.table_no";

static const char history_sql[] =
    "SELECT h.meeting_id, CASE h.field WHEN 'held' THEN '是否洽谈' WHEN 'kind' THEN '结果'"
    "  WHEN 'amount' THEN '金额（万元）' WHEN 'products' THEN '成交产品'"
    "  WHEN 'date' THEN '成交日期' WHEN 'evidence' THEN '证据文件' ELSE h.field END,"
    "  coalesce(h.old_value, ''), coalesce(h.new_value, ''), h.changed_by, h.changed_at"
    " FROM outcome_history h JOIN meetings m ON m.id = h.meeting_id WHERE m.fair_id = ?"
    " ORDER BY h.id";

int
export_outcomes(struct store *st, const char *fair_code, const char *format,
    const char *path, long long *rows, char **cause)
{
	struct fair fair;
	struct sink *s;
	sqlite3_stmt *q;
	long long n;

	if (fair_get(st, fair_code, &fair, cause) != 0)
		return -1;
	if (sink_open(format, path, &s, cause) != 0) {
		fair_clear(&fair);
		return -1;
	}
	if (store_query_id(st, outcome_sql, fair.id, &q, cause) != 0)
		goto fail;
	sink_sheet(s, "洽谈结果", outcome_cols, nitems(outcome_cols));
	n = rows_out(s, q, nitems(outcome_cols));
	if (store_finish(st, q, cause) != 0)
		goto fail;
	if (sink_sheet(s, "修改记录", history_cols, nitems(history_cols))) {
		if (store_query_id(st, history_sql, fair.id, &q, cause) != 0)
			goto fail;
		rows_out(s, q, nitems(history_cols));
		if (store_finish(st, q, cause) != 0)
			goto fail;
	}
	fair_clear(&fair);
	if (sink_close(s, cause) != 0)
		return -1;
	if (rows != NULL)
		*rows = n;
	return 0;
fail:
	fair_clear(&fair);
	sink_abort(s);
	return -1;
}

/* The report's problems sheet, and its summary sheet. */
static const struct sink_col problem_cols[] = {
	{ "行", 6, 1 }, { "列", 16, 0 }, { "单元格", 8, 0 }, { "字段", 12, 0 },
	{ "值", 30, 0 }, { "问题", 80, 0 },
};
static const struct sink_col summary_cols[] = { { "项目", 20, 0 }, { "值", 60, 0 } };

/* A JSON member as text, "" if absent; caller frees. */
static char *
member_text(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);

	if (json_is_string(v))
		return xstrdup(json_string_value(v));
	if (json_is_integer(v))
		return xasprintf("%lld", (long long)json_integer_value(v));
	if (json_is_true(v) || json_is_false(v))
		return xstrdup(json_is_true(v) ? "是" : "否");
	return xstrdup("");
}

int
export_upload_report(struct store *st, long long upload_id, const char *format,
    const char *path, long long *rows, char **cause)
{
	static const struct {
		const char	*label;
		const char	*key;
	} summary[] = {
		{ "文件 / file", "file" }, { "类别 / kind", "kind" },
		{ "格式 / format", "format" }, { "字符集 / charset", "charset" },
		{ "SHA-256", "sha256" }, { "数据行 / rows", "rows" },
		{ "新增 / inserted", "inserted" }, { "更新 / updated", "updated" },
		{ "未变 / unchanged", "unchanged" }, { "问题数 / problems", "error_count" },
		{ "已接受 / accepted", "ok" },
	};
	sqlite3_stmt *q;
	json_t *rep = NULL, *errs, *e;
	struct sink *s;
	size_t i;
	long long n = 0;
	int found;

	if (store_query_id(st, "SELECT report FROM uploads WHERE id = ?", upload_id, &q,
	    cause) != 0)
		return -1;
	if ((found = sqlite3_step(q) == SQLITE_ROW))
		rep = json_loads((const char *)sqlite3_column_text(q, 0), 0, NULL);
	if (store_finish(st, q, cause) != 0) {
		json_decref(rep);
		return -1;
	}
	if (!found) {
		*cause = xasprintf("没有编号为 %lld 的上传 / no upload has the id %lld", upload_id,
		    upload_id);
		return -1;
	}
	if (rep == NULL)
		rep = json_object();
	if (sink_open(format, path, &s, cause) != 0) {
		json_decref(rep);
		return -1;
	}
	sink_sheet(s, "问题", problem_cols, nitems(problem_cols));
	errs = json_object_get(rep, "errors");
	json_array_foreach(errs, i, e) {
		char *cells[6] = {
			member_text(e, "row"), member_text(e, "column"), member_text(e, "cell"),
			member_text(e, "field"), member_text(e, "value"), member_text(e, "message"),
		};

		sink_row(s, (const char *const *)cells);
		for (size_t k = 0; k < nitems(cells); k++)
			free(cells[k]);
		n++;
	}
	if (sink_sheet(s, "概况", summary_cols, nitems(summary_cols)))
		for (i = 0; i < nitems(summary); i++) {
			char *v = member_text(rep, summary[i].key);
			const char *cells[2] = { summary[i].label, v };

			sink_row(s, cells);
			free(v);
		}
	json_decref(rep);
	if (sink_close(s, cause) != 0)
		return -1;
	if (rows != NULL)
		*rows = n;
	return 0;
}
