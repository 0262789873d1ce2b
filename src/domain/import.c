/*
 * import.c — one catalogue file in: read, check every row, write all or
 * nothing, keep the original by SHA-256, report.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>

#include "catalog_store.h"
#include "blob.h"
#include "import.h"
#include "util.h"

/* Rows before the header that may hold a title ("2026年杭州市名优特新产品目录"). */
#define HEADER_SEARCH_ROWS 10

/* Adds a problem to the report, itemising only the first IMPORT_MAX_ERRORS. */
static void
report_error(struct import_report *rep, size_t row, size_t col, const char *column,
    const char *field, const char *value, char *message)
{
	rep->total_errors++;
	if (rep->nerrors >= IMPORT_MAX_ERRORS) {
		free(message);
		return;
	}
	cell_error_add(&rep->errors, &rep->nerrors, row, col, column, field, value, message);
}

/* Moves problems collected by catalog.c into the report. */
static void
report_take(struct import_report *rep, struct cell_error *errs, size_t nerrs)
{
	for (size_t i = 0; i < nerrs; i++) {
		report_error(rep, errs[i].row, errs[i].col, errs[i].column, errs[i].field,
		    errs[i].value, errs[i].message);
		errs[i].message = NULL;
		cell_error_clear(&errs[i]);
	}
	free(errs);
}

/*
 * Codes that may have lost their leading zeros.  Excel reads a code typed
 * into a General cell, or a CSV it opens, as a number: 00123 becomes 123.
 * That is known only against the rest of the column: when other all-digit
 * codes begin with 0 and are longer, a shorter all-digit code that does not
 * is one Excel cut.  So the all-digit codes without a leading 0 are kept
 * until the column has been read.
 */
struct code_zeros {
	size_t		 width;		/* longest all-digit code beginning with 0 */
	char		*example;	/* that code; owned */
	struct zero_suspect {
		size_t	 line;		/* the row */
		char	*code;		/* owned */
	}		*suspects;	/* all-digit codes not beginning with 0 */
	size_t		 nsuspects, cap;
};

/* Notes the checked code of the row at line. */
static void
code_zeros_see(struct code_zeros *z, size_t line, const char *code)
{
	size_t len = strlen(code);

	if (len == 0 || strspn(code, "0123456789") != len)
		return;
	if (code[0] == '0') {
		if (len > z->width) {
			z->width = len;
			free(z->example);
			z->example = xstrdup(code);
		}
		return;
	}
	if (z->nsuspects == z->cap) {
		z->cap = z->cap ? 2 * z->cap : 64;
		z->suspects = xreallocarray(z->suspects, z->cap, sizeof *z->suspects);
	}
	z->suspects[z->nsuspects].line = line;
	z->suspects[z->nsuspects++].code = xstrdup(code);
}

/* Reports each code shorter than the column's zero-led codes; frees z's contents. */
static void
code_zeros_report(struct code_zeros *z, const struct header_map *hm,
    struct import_report *rep)
{
	static const char zeros[] = "00000000000000000000000000000000";
	const struct field_spec *fs = &hm->cat->fields[hm->cat->code_field];
	size_t col = hm->col[hm->cat->code_field];
	const char *name = col < hm->ncols && *hm->names[col] != '\0' ? hm->names[col] :
	    fs->zh;

	for (size_t i = 0; i < z->nsuspects; i++) {
		const struct zero_suspect *sp = &z->suspects[i];
		size_t len = strlen(sp->code);

		if (z->width > len && z->width - len < sizeof zeros) {
			int pad = (int)(z->width - len);

			report_error(rep, sp->line, col, name, fs->key, sp->code,
			    xasprintf("“%s”：编号 %s 开头的 0 被 Excel 去掉了——本列其他纯数字编号"
			    "（如 %s）都是 %zu 位，Excel 把编号当作数字读入时会去掉开头的 0；请把这一列"
			    "设为“文本”格式，再补上开头的 0（应为 %.*s%s） / “%s”: Excel dropped"
			    " the leading zeros of the code %s: the column's other all-digit"
			    " codes (such as %s) have %zu digits, and Excel drops leading zeros"
			    " when it reads a code as a number; format the column as Text and"
			    " put the zeros back (%.*s%s)", name, sp->code, z->example, z->width,
			    pad, zeros, sp->code, name, sp->code, z->example, z->width, pad,
			    zeros, sp->code));
		}
		free(sp->code);
	}
	free(z->suspects);
	free(z->example);
	memset(z, 0, sizeof *z);
}

/* Puts the report's problems in row order, keeping the order within a row. */
static void
report_sort(struct import_report *rep)
{
	for (size_t i = 1; i < rep->nerrors; i++) {
		struct cell_error e = rep->errors[i];
		size_t j = i;

		for (; j > 0 && rep->errors[j - 1].row > e.row; j--)
			rep->errors[j] = rep->errors[j - 1];
		rep->errors[j] = e;
	}
}

/* How many fields a candidate header row names. */
static size_t
header_score(const struct header_map *hm)
{
	size_t n = 0;

	for (size_t f = 0; f < hm->cat->nfields; f++)
		n += hm->col[f] != SIZE_MAX;
	return n;
}

/* Is every cell of the row blank? */
static int
row_blank(const struct table_row *row)
{
	for (size_t i = 0; i < row->ncells; i++)
		for (const char *p = row->cells[i]; *p != '\0'; p++)
			if (*p != ' ' && *p != '\t' && *p != '\r' && *p != '\n')
				return 0;
	return 1;
}

/* Says the file is the other kind of catalogue, first among the problems. */
static void
report_other_kind(struct import_report *rep, const struct catalog *cat,
    const struct catalog *other)
{
	report_error(rep, 0, SIZE_MAX, NULL, NULL, NULL, xasprintf("这看起来是%s（表头与它的"
	    "列相符），不是%s；请作为%s上传 / this looks like a %s catalogue (%s), not a %s"
	    " catalogue (%s): upload it as %s", other->zh, cat->zh, other->zh, other->name,
	    other->zh, cat->name, cat->zh, other->name));
}

/* The other kind of catalogue, if row is a header that fits it; else NULL. */
static const struct catalog *
other_catalog(const struct catalog *cat, const struct table_row *row)
{
	const struct catalog *other = catalog_get(cat->kind == CATALOG_SUPPLY ?
	    CATALOG_DEMAND : CATALOG_SUPPLY);
	struct cell_error *errs = NULL;
	struct header_map hm;
	size_t nerrs = 0;
	int fits;

	fits = header_map_build(&hm, other, row->cells, row->ncells, &errs, &nerrs) == 0;
	for (size_t i = 0; i < nerrs; i++)
		cell_error_clear(&errs[i]);
	free(errs);
	header_map_free(&hm);
	return fits ? other : NULL;
}

/*
 * Finds the header: the first row naming at least two fields, within the
 * first few rows (title rows above it are skipped).  0, or -1 with the
 * problems of the first row in the report.
 */
static int
find_header(struct table_reader *tr, const struct catalog *cat, struct header_map *hm,
    struct import_report *rep)
{
	const struct catalog *other_kind = NULL;
	struct cell_error *first_errs = NULL, *errs;
	size_t nfirst = 0, nerrs, tries = 0;
	struct table_row row;
	char *cause = NULL;
	int rc;

	while (tries < HEADER_SEARCH_ROWS && (rc = table_next(tr, &row, &cause)) == 1) {
		if (row_blank(&row))
			continue;
		errs = NULL;
		nerrs = 0;
		if (header_map_build(hm, cat, row.cells, row.ncells, &errs, &nerrs) == 0 ||
		    header_score(hm) >= 2) {
			if (nerrs > 0 && (other_kind = other_catalog(cat, &row)) != NULL)
				report_other_kind(rep, cat, other_kind);
			report_take(rep, errs, nerrs);
			for (size_t i = 0; i < nfirst; i++)
				cell_error_clear(&first_errs[i]);
			free(first_errs);
			return rep->total_errors == 0 ? 0 : -1;
		}
		if (tries++ == 0) {
			first_errs = errs;
			nfirst = nerrs;
			other_kind = other_catalog(cat, &row);
		} else {
			for (size_t i = 0; i < nerrs; i++)
				cell_error_clear(&errs[i]);
			free(errs);
		}
		header_map_free(hm);
	}
	if (tries == 0 && cause == NULL)
		report_error(rep, 0, SIZE_MAX, NULL, NULL, NULL, xstrdup("文件没有表头行 / the file"
		    " has no header row"));
	else if (cause != NULL)
		report_error(rep, tr->err_line, SIZE_MAX, NULL, NULL, NULL, cause);
	if (nfirst > 0 && other_kind != NULL)
		report_other_kind(rep, cat, other_kind);
	if (nfirst > 0)
		report_error(rep, 0, SIZE_MAX, NULL, NULL, NULL, xasprintf("找不到表头行：前 %d 行"
		    "中没有一行包含本目录的列名（如“%s”“%s”） / no header row found: none of the"
		    " first %d rows names this catalogue's columns (such as “%s”, “%s”)",
		    HEADER_SEARCH_ROWS, cat->fields[0].zh, cat->fields[1].zh,
		    HEADER_SEARCH_ROWS, cat->fields[0].zh, cat->fields[1].zh));
	report_take(rep, first_errs, nfirst);
	return -1;
}


/* Inserts the uploads row (counts filled in at the end); its id, or -1. */
static int64_t
upload_begin(struct store *st, const struct import_report *rep, const struct import_opts *o,
    char **cause)
{
	sqlite3_stmt *q;

	if (store_query(st, "INSERT INTO uploads (kind, sha256, filename, size, format, charset,"
	    " uploaded_by, user_id, receipt) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", &q, cause) != 0)
		return -1;
	sqlite3_bind_text(q, 1, rep->cat->name, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 2, rep->sha256, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 3, rep->filename, -1, SQLITE_STATIC);
	sqlite3_bind_int64(q, 4, rep->size);
	sqlite3_bind_text(q, 5, rep->format, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 6, rep->charset, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 7, o->uploaded_by ? o->uploaded_by : "unknown", -1, SQLITE_STATIC);
	if (o->user_id > 0)
		sqlite3_bind_int64(q, 8, o->user_id);
	sqlite3_bind_text(q, 9, o->receipt, -1, SQLITE_STATIC);
	sqlite3_step(q);
	if (store_finish(st, q, cause) != 0)
		return -1;
	return sqlite3_last_insert_rowid(store_db(st));
}

/* Fills in the uploads row's counts and report. */
static int
upload_finish(struct store *st, const struct import_report *rep, char **cause)
{
	sqlite3_stmt *q;

	if (store_query(st, "UPDATE uploads SET rows = ?, inserted = ?, updated = ?,"
	    " unchanged = ?, report = ? WHERE id = ?", &q, cause) != 0)
		return -1;
	sqlite3_bind_int64(q, 1, (sqlite3_int64)rep->rows);
	sqlite3_bind_int64(q, 2, (sqlite3_int64)rep->inserted);
	sqlite3_bind_int64(q, 3, (sqlite3_int64)rep->updated);
	sqlite3_bind_int64(q, 4, (sqlite3_int64)rep->unchanged);
	sqlite3_bind_text(q, 5, import_report_json(rep), -1, free);
	sqlite3_bind_int64(q, 6, rep->upload_id);
	sqlite3_step(q);
	return store_finish(st, q, cause);
}

/* Reads, checks and (while the file is clean) writes every data row. */
static void
import_rows(struct store *st, struct table_reader *tr, const struct header_map *hm,
    const struct import_opts *opts, struct import_report *rep)
{
	const struct catalog *cat = hm->cat;
	struct catalog_writer *w;
	struct field_value *vals;
	struct strset *codes;
	struct code_zeros zeros = { 0 };
	size_t code_col = hm->col[cat->code_field], before;
	struct table_row row;
	char *cause = NULL;
	int rc;

	if ((w = catalog_writer_new(st, cat, &cause)) == NULL) {
		report_error(rep, 0, SIZE_MAX, NULL, NULL, NULL, cause);
		return;
	}
	vals = xcalloc(cat->nfields, sizeof *vals);
	codes = strset_new();

	while ((rc = table_next(tr, &row, &cause)) == 1) {
		struct cell_error *errs = NULL;
		size_t nerrs = 0;
		const char *code, *home;
		char *region = NULL;

		if (row_blank(&row))
			continue;
		rep->rows++;
		if (opts->progress != NULL && rep->rows % 10000 == 0)
			opts->progress(rep->rows, opts->progress_arg);
		catalog_check_row(hm, row.line, row.cells, row.ncells, vals, &errs, &nerrs);
		report_take(rep, errs, nerrs);
		code = vals[cat->code_field].text;
		home = vals[cat->region_field].text;
		if (code != NULL)
			code_zeros_see(&zeros, row.line, code);
		if (opts->only_region != NULL && home != NULL &&
		    strcmp(home, opts->only_region) != 0) {
			size_t rc_col = hm->col[cat->region_field];

			report_error(rep, row.line, rc_col, hm->names[rc_col],
			    cat->fields[cat->region_field].key, home, xasprintf("本账号只能上传%s的"
			    "目录，这一行属于%s / this account may upload only %s's catalogue; this"
			    " row belongs to %s", opts->only_region, home, opts->only_region, home));
		}
		if (code != NULL && !strset_add(codes, code))
			report_error(rep, row.line, code_col, hm->names[code_col], cat->fields[0].key,
			    code, xasprintf("编号 %s 在本文件中重复出现 / the code %s appears more"
			    " than once in this file", code, code));
		else if (code != NULL && vals[cat->region_field].text != NULL &&
		    catalog_writer_owner_region(w, vals, &region, &cause) != 0) {
			report_error(rep, row.line, SIZE_MAX, NULL, NULL, NULL, cause);
			cause = NULL;
		} else if (code != NULL && region != NULL) {
			report_error(rep, row.line, code_col, hm->names[code_col], cat->fields[0].key,
			    code, xasprintf("编号 %s 已被%s的一条记录使用；编号在全省唯一，请换一个编号 /"
			    " the code %s already belongs to a row of %s; codes are unique across"
			    " the province, so choose another", code, region, code, region));
			free(region);
		}
		if (rep->total_errors == 0) {
			enum put_result res;

			if (catalog_writer_put(w, vals, rep->upload_id, &res, &cause) != 0) {
				report_error(rep, row.line, SIZE_MAX, NULL, NULL, NULL, cause);
				cause = NULL;
			} else if (res == PUT_INSERTED)
				rep->inserted++;
			else if (res == PUT_UPDATED)
				rep->updated++;
			else
				rep->unchanged++;
		}
		catalog_values_clear(cat, vals);
	}
	if (rc == -1) {
		report_error(rep, tr->err_line, SIZE_MAX, NULL, NULL, NULL, cause);
		zeros.width = 0;	/* the column was not read to its end */
	}
	before = rep->nerrors;
	code_zeros_report(&zeros, hm, rep);
	if (rep->nerrors > before)
		report_sort(rep);
	if (rep->rows == 0 && rep->total_errors == 0)
		report_error(rep, 0, SIZE_MAX, NULL, NULL, NULL, xstrdup("文件只有表头，没有数据行 /"
		    " the file has a header but no data rows"));
	strset_free(codes);
	free(vals);
	catalog_writer_free(w);
}

int
import_file(struct store *st, const struct catalog *cat, const char *path,
    const struct import_opts *opts, struct import_report *rep)
{
	struct table_reader *tr = NULL;
	struct header_map hm = { 0 };
	struct stat sb;
	char *cause = NULL;
	int created = 0;

	memset(rep, 0, sizeof *rep);
	rep->cat = cat;
	rep->filename = xstrdup(opts->filename ? opts->filename : path);
	if (stat(path, &sb) == 0)
		rep->size = (long long)sb.st_size;
	if (sha256_file(path, rep->sha256, &cause) != 0 ||
	    (tr = table_open(path, opts->sheet, opts->limits, &cause)) == NULL) {
		report_error(rep, 0, SIZE_MAX, NULL, NULL, NULL, cause);
		return -1;
	}
	rep->format = table_format(tr);
	if (find_header(tr, cat, &hm, rep) != 0)
		goto done;
	rep->charset = tr->charset;
	rep->ignored = hm.ignored;
	rep->nignored = hm.nignored;
	hm.ignored = NULL;
	hm.nignored = 0;
	if (store_begin(st, &cause) != 0) {
		report_error(rep, 0, SIZE_MAX, NULL, NULL, NULL, cause);
		goto done;
	}
	if ((rep->upload_id = upload_begin(st, rep, opts, &cause)) < 0) {
		report_error(rep, 0, SIZE_MAX, NULL, NULL, NULL, cause);
		goto done;
	}
	import_rows(st, tr, &hm, opts, rep);
	rep->charset = tr->charset;
	if (rep->total_errors > 0)
		goto done;
	rep->ok = 1;
	if (store_blob_keep(st, path, rep->sha256, &created, &cause) != 0 ||
	    upload_finish(st, rep, &cause) != 0 || store_commit(st, &cause) != 0) {
		rep->ok = 0;
		report_error(rep, 0, SIZE_MAX, NULL, NULL, NULL, cause);
		if (created) {
			char *blob = store_blob_path(st, rep->sha256);

			unlink(blob);
			free(blob);
		}
	}
done:
	if (!rep->ok) {
		store_rollback(st);
		rep->upload_id = 0;
		rep->inserted = rep->updated = rep->unchanged = 0;
	}
	header_map_free(&hm);
	table_close(tr);
	return rep->ok ? 0 : -1;
}

void
import_report_free(struct import_report *rep)
{
	for (size_t i = 0; i < rep->nerrors; i++)
		cell_error_clear(&rep->errors[i]);
	free(rep->errors);
	for (size_t i = 0; i < rep->nignored; i++)
		free(rep->ignored[i]);
	free(rep->ignored);
	free(rep->filename);
	memset(rep, 0, sizeof *rep);
}

/* A string or JSON null. */
static json_t *
json_str_or_null(const char *s)
{
	return s != NULL ? json_string(s) : json_null();
}

/* Splits "中文 / English" into its halves; either may be the whole. */
static void
split_message(const char *m, char **zh, char **en)
{
	const char *slash = strstr(m, " / ");

	*zh = slash ? xstrndup(m, (size_t)(slash - m)) : xstrdup(m);
	*en = xstrdup(slash ? slash + 3 : m);
}

char *
import_report_json(const struct import_report *rep)
{
	json_t *root = json_object(), *errs = json_array(), *ign = json_array();
	char *s;

	json_object_set_new(root, "ok", json_boolean(rep->ok));
	json_object_set_new(root, "kind", json_string(rep->cat->name));
	json_object_set_new(root, "file", json_string(rep->filename));
	json_object_set_new(root, "format", json_str_or_null(rep->format));
	json_object_set_new(root, "charset", json_str_or_null(rep->charset));
	json_object_set_new(root, "sha256", json_string(rep->sha256));
	json_object_set_new(root, "rows", json_integer((json_int_t)rep->rows));
	json_object_set_new(root, "inserted", json_integer((json_int_t)rep->inserted));
	json_object_set_new(root, "updated", json_integer((json_int_t)rep->updated));
	json_object_set_new(root, "unchanged", json_integer((json_int_t)rep->unchanged));
	if (rep->upload_id > 0)
		json_object_set_new(root, "upload", json_integer(rep->upload_id));
	for (size_t i = 0; i < rep->nerrors; i++) {
		const struct cell_error *e = &rep->errors[i];
		json_t *o = json_object();
		char cell[32], col[8], *zh, *en;

		/* A problem with the whole file has no row. */
		json_object_set_new(o, "row", e->row > 0 ? json_integer((json_int_t)e->row) :
		    json_null());
		json_object_set_new(o, "column", json_str_or_null(e->column));
		json_object_set_new(o, "field", json_str_or_null(e->field));
		if (e->col != SIZE_MAX && rep->format != NULL && strcmp(rep->format, "json") != 0) {
			table_colname(e->col, col);
			if (e->row > 0)
				snprintf(cell, sizeof cell, "%s%zu", col, e->row);
			else
				snprintf(cell, sizeof cell, "%s", col);
			json_object_set_new(o, "cell", json_string(cell));
		}
		json_object_set_new(o, "value", json_str_or_null(e->value));
		split_message(e->message, &zh, &en);
		json_object_set_new(o, "message", json_string(e->message));
		json_object_set_new(o, "message_zh", json_string(zh));
		json_object_set_new(o, "message_en", json_string(en));
		free(zh);
		free(en);
		json_array_append_new(errs, o);
	}
	json_object_set_new(root, "errors", errs);
	json_object_set_new(root, "error_count", json_integer((json_int_t)rep->total_errors));
	for (size_t i = 0; i < rep->nignored; i++)
		json_array_append_new(ign, json_string(rep->ignored[i]));
	json_object_set_new(root, "ignored_columns", ign);
	s = json_dumps(root, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(root);
	if (s == NULL)
		fatal("%s: json_dumps failed", __func__);
	return s;
}

void
import_report_print(FILE *f, const struct import_report *rep)
{
	if (rep->ok) {
		fprintf(f, "已导入 %s：%zu 行（新增 %zu，更新 %zu，未变 %zu）\n"
		    "imported %s: %zu rows (%zu inserted, %zu updated, %zu unchanged)\n",
		    rep->filename, rep->rows, rep->inserted, rep->updated, rep->unchanged,
		    rep->filename, rep->rows, rep->inserted, rep->updated, rep->unchanged);
		for (size_t i = 0; i < rep->nignored; i++)
			fprintf(f, "已忽略未知的列 / ignored unknown column: %s\n", rep->ignored[i]);
		return;
	}
	fprintf(f, "文件 %s 未导入，数据未作任何改动。发现 %zu 个问题：\n"
	    "%s was not imported and nothing was changed. %zu problem(s):\n",
	    rep->filename, rep->total_errors, rep->filename, rep->total_errors);
	for (size_t i = 0; i < rep->nerrors; i++) {
		const struct cell_error *e = &rep->errors[i];
		char col[8];

		if (e->row > 0)
			fprintf(f, "  第 %zu 行 / row %zu", e->row, e->row);
		else
			fprintf(f, "  文件 / file");
		if (e->col != SIZE_MAX) {
			table_colname(e->col, col);
			fprintf(f, ", %s%s%s%s", rep->format && strcmp(rep->format, "json") == 0 ?
			    "" : col, e->column ? " “" : "", e->column ? e->column : "",
			    e->column ? "”" : "");
		}
		if (e->value != NULL && *e->value != '\0')
			fprintf(f, ", 值 / value “%s”", e->value);
		fprintf(f, ": %s\n", e->message);
	}
	if (rep->total_errors > rep->nerrors)
		fprintf(f, "  …… 另有 %zu 个问题未列出 / and %zu more not listed\n",
		    rep->total_errors - rep->nerrors, rep->total_errors - rep->nerrors);
}
