/*
 * export_sink.c — the XLSX and CSV writers behind export.h, one table row
 * per format.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <xlsxwriter.h>

#include "export_sink.h"
#include "util.h"

#define XLSX_MAX_ROWS	1048576		/* Excel's rows per sheet, header included */
#define XLSX_MAX_CHOICES 2000		/* values offered in one drop-down */
#define XLSX_LISTS	"下拉选项"	/* the hidden sheet the drop-downs' values are on */

struct sink {
	const struct sink_format *fmt;
	char			*path;		/* owned */
	char			*part;		/* path.part while writing; owned */
	const struct sink_col	*cols;		/* the current sheet's; borrowed */
	size_t			 ncols;
	size_t			 nsheets;	/* sheets begun */
	int			 dropping;	/* rows of this sheet are not kept */
	size_t			 row;		/* next row of the current sheet */
	char			*error;		/* the first failure, for sink_close; owned */
	/* CSV */
	FILE			*f;
	/* XLSX */
	lxw_workbook		*wb;
	lxw_worksheet		*ws;
	lxw_format		*head;
	lxw_format		*text;		/* "@": the cell holds text as typed */
	lxw_worksheet		*lists;		/* XLSX_LISTS, made with the first drop-down */
	lxw_row_t		 nlists;	/* its rows: one drop-down's values each */
};

struct sink_format {
	const char	*name;
	int		 one_sheet;		/* keeps only the first sheet */
	int		(*open)(struct sink *, char **);
	void		(*sheet)(struct sink *, const char *);
	void		(*row)(struct sink *, const char *const *);
	void		(*input)(struct sink *, const struct sink_input *);	/* or NULL */
	int		(*close)(struct sink *);	/* 0, or -1 with s->error set */
	void		(*abort)(struct sink *);
};

/* Remembers the first failure. */
static void
sink_fail(struct sink *s, char *msg)
{
	if (s->error == NULL)
		s->error = msg;
	else
		free(msg);
}

/* ---------------------------------------------------------------- CSV */

static int
csv_open(struct sink *s, char **cause)
{
	if ((s->f = fopen(s->part, "wb")) == NULL) {
		*cause = xasprintf("无法写入 %s：%s / cannot write %s: %s", s->path,
		    strerror(errno), s->path, strerror(errno));
		return -1;
	}
	fputs("\xef\xbb\xbf", s->f);		/* the BOM: Excel then reads UTF-8 */
	return 0;
}

static void
csv_sheet(struct sink *s, const char *name)
{
}

/*
 * Whether Excel would run v as a formula (= + - @ tab CR first, as OWASP
 * lists), or v already begins with apostrophes before one of those: such a
 * cell gets one apostrophe more, and the CSV reader takes exactly one off.
 */
static int
csv_needs_apostrophe(const char *v)
{
	while (*v == '\'')
		v++;
	return *v != '\0' && strchr("=+-@\t\r", *v) != NULL;
}

/* One field, quoted when it must be, inert when it looks like a formula. */
static void
csv_field(FILE *f, const char *v)
{
	int quote = 0;

	if (v == NULL || *v == '\0')
		return;
	if (strpbrk(v, ",\"\r\n") != NULL || *v == ' ' || v[strlen(v) - 1] == ' ')
		quote = 1;
	if (quote)
		fputc('"', f);
	if (csv_needs_apostrophe(v))
		fputc('\'', f);
	for (; *v != '\0'; v++) {
		if (*v == '"')
			fputc('"', f);
		fputc(*v, f);
	}
	if (quote)
		fputc('"', f);
}

static void
csv_row(struct sink *s, const char *const *cells)
{
	for (size_t i = 0; i < s->ncols; i++) {
		if (i > 0)
			fputc(',', s->f);
		csv_field(s->f, cells[i]);
	}
	fputs("\r\n", s->f);
}

static int
csv_close(struct sink *s)
{
	int failed = ferror(s->f) || fflush(s->f) != 0 || fsync(fileno(s->f)) != 0;
	int err = errno;

	if (fclose(s->f) != 0 && !failed) {
		failed = 1;
		err = errno;
	}
	s->f = NULL;
	if (failed)
		sink_fail(s, xasprintf("无法写入 %s：%s / cannot write %s: %s", s->path,
		    strerror(err), s->path, strerror(err)));
	return failed ? -1 : 0;
}

static void
csv_abort(struct sink *s)
{
	if (s->f != NULL)
		fclose(s->f);
	s->f = NULL;
}

/* ---------------------------------------------------------------- XLSX */

static int
xlsx_open(struct sink *s, char **cause)
{
	lxw_workbook_options o = { .constant_memory = LXW_TRUE };

	if ((s->wb = workbook_new_opt(s->part, &o)) == NULL) {
		*cause = xasprintf("无法创建 %s / cannot create %s", s->path, s->path);
		return -1;
	}
	s->head = workbook_add_format(s->wb);
	format_set_bold(s->head);
	format_set_bg_color(s->head, 0xDDE4EE);
	format_set_border(s->head, LXW_BORDER_THIN);
	format_set_text_wrap(s->head);
	s->text = workbook_add_format(s->wb);
	format_set_num_format(s->text, "@");
	return 0;
}

/*
 * Puts column c's drop-down values on a row of the hidden XLSX_LISTS sheet
 * (one row each, as the sheet is written row by row) and writes the
 * reference to them into ref.
 */
static void
xlsx_choices(struct sink *s, const struct sink_col *c, const struct sink_input *in, char *ref)
{
	size_t n = in->nchoices < XLSX_MAX_CHOICES ? in->nchoices : XLSX_MAX_CHOICES;

	if (s->lists == NULL) {
		s->lists = workbook_add_worksheet(s->wb, XLSX_LISTS);
		worksheet_hide(s->lists);
	}
	worksheet_write_string(s->lists, s->nlists, 0, c->head, NULL);
	for (size_t i = 0; i < n; i++)
		worksheet_write_string(s->lists, s->nlists, (lxw_col_t)(i + 1), in->choices[i],
		    NULL);
	lxw_rowcol_to_formula_abs(ref, XLSX_LISTS, s->nlists, 1, s->nlists, (lxw_col_t)n);
	s->nlists++;
}

/* Column i's text format, hint and drop-down, for every row under the header. */
static void
xlsx_input_col(struct sink *s, size_t i, const struct sink_input *in)
{
	const struct sink_col *c = &s->cols[i];
	char ref[LXW_MAX_FORMULA_RANGE_LENGTH + 8];
	lxw_data_validation v = { 0 };
	lxw_error e;

	if (in->text)
		worksheet_set_column(s->ws, (lxw_col_t)i, (lxw_col_t)i,
		    c->width > 0 ? c->width : 12, s->text);
	if (in->note == NULL && in->nchoices == 0)
		return;
	v.validate = LXW_VALIDATION_TYPE_ANY;
	v.input_title = (char *)c->head;
	v.input_message = (char *)in->note;
	if (in->nchoices > 0) {
		xlsx_choices(s, c, in, ref);
		v.validate = LXW_VALIDATION_TYPE_LIST_FORMULA;
		v.value_formula = ref;
		v.error_type = in->only_choices ? LXW_VALIDATION_ERROR_TYPE_STOP :
		    LXW_VALIDATION_ERROR_TYPE_WARNING;
		v.error_title = "不在列表中 / Not in the list";
		v.error_message = in->only_choices ? "请从下拉列表中选择 / pick a value from the list" :
		    "这个值不在常用列表中，仍可使用 / this value is not in the usual list, but may"
		    " be used";
	}
	e = worksheet_data_validation_range(s->ws, 1, (lxw_col_t)i, XLSX_MAX_ROWS - 1,
	    (lxw_col_t)i, &v);
	if (e != LXW_NO_ERROR)
		sink_fail(s, xasprintf("无法为 %s 列设置提示或下拉列表：%s / cannot set the hint or"
		    " drop-down of column %s: %s", c->head, lxw_strerror(e), c->head,
		    lxw_strerror(e)));
}

static void
xlsx_input(struct sink *s, const struct sink_input *in)
{
	for (size_t i = 0; i < s->ncols; i++)
		xlsx_input_col(s, i, &in[i]);
}

static void
xlsx_sheet(struct sink *s, const char *name)
{
	s->ws = workbook_add_worksheet(s->wb, name);
	for (size_t i = 0; i < s->ncols; i++)
		worksheet_set_column(s->ws, (lxw_col_t)i, (lxw_col_t)i,
		    s->cols[i].width > 0 ? s->cols[i].width : 12, NULL);
	worksheet_freeze_panes(s->ws, 1, 0);
}

/* Writes one cell at (s->row, i); text in a numeric column goes as a number. */
static void
xlsx_cell(struct sink *s, size_t i, const char *v, lxw_format *fmt)
{
	lxw_error e;
	double d;

	if (v == NULL || *v == '\0')
		return;
	if (s->cols[i].numeric && fmt == NULL && parse_double(v, &d) == 0)
		e = worksheet_write_number(s->ws, (lxw_row_t)s->row, (lxw_col_t)i, d, NULL);
	else
		e = worksheet_write_string(s->ws, (lxw_row_t)s->row, (lxw_col_t)i, v, fmt);
	if (e != LXW_NO_ERROR)
		sink_fail(s, xasprintf("无法写入 %s 的第 %zu 行：%s / cannot write row %zu of %s:"
		    " %s", s->path, s->row + 1, lxw_strerror(e), s->row + 1, s->path,
		    lxw_strerror(e)));
}

static void
xlsx_row(struct sink *s, const char *const *cells)
{
	if (s->row >= XLSX_MAX_ROWS) {
		sink_fail(s, xasprintf("行数超过 Excel 单表上限 %d，请导出为 CSV / more rows than"
		    " an Excel sheet holds (%d); export as CSV", XLSX_MAX_ROWS, XLSX_MAX_ROWS));
		return;
	}
	for (size_t i = 0; i < s->ncols; i++)
		xlsx_cell(s, i, cells[i], s->row == 0 ? s->head : NULL);
}

static int
xlsx_close(struct sink *s)
{
	lxw_error e = workbook_close(s->wb);

	s->wb = NULL;
	if (e != LXW_NO_ERROR) {
		sink_fail(s, xasprintf("无法写入 %s：%s / cannot write %s: %s", s->path,
		    lxw_strerror(e), s->path, lxw_strerror(e)));
		return -1;
	}
	return 0;
}

static void
xlsx_abort(struct sink *s)
{
	if (s->wb != NULL)
		workbook_close(s->wb);		/* frees it; the file is removed after */
	s->wb = NULL;
}

static const struct sink_format formats[] = {
	{ "xlsx", 0, xlsx_open, xlsx_sheet, xlsx_row, xlsx_input, xlsx_close, xlsx_abort },
	{ "csv", 1, csv_open, csv_sheet, csv_row, NULL, csv_close, csv_abort },
};

/* ---------------------------------------------------------------- the sink */

int
sink_open(const char *format, const char *path, struct sink **out, char **cause)
{
	const struct sink_format *fmt = NULL;
	struct sink *s;

	for (size_t i = 0; i < nitems(formats); i++)
		if (format != NULL && strcmp(formats[i].name, format) == 0)
			fmt = &formats[i];
	if (fmt == NULL) {
		*cause = xasprintf("不支持的格式 %s（可用 xlsx、csv） / unknown format %s"
		    " (xlsx or csv)", format != NULL ? format : "", format != NULL ? format : "");
		return -1;
	}
	s = xcalloc(1, sizeof *s);
	s->fmt = fmt;
	s->path = xstrdup(path);
	s->part = xasprintf("%s.part", path);
	if (fmt->open(s, cause) != 0) {
		free(s->path);
		free(s->part);
		free(s);
		return -1;
	}
	*out = s;
	return 0;
}

int
sink_sheet(struct sink *s, const char *name, const struct sink_col *cols, size_t ncols)
{
	const char *stack[32], **head = ncols <= nitems(stack) ? stack :
	    xcalloc(ncols, sizeof *head);

	s->cols = cols;
	s->ncols = ncols;
	s->row = 0;
	s->dropping = s->fmt->one_sheet && s->nsheets > 0;
	s->nsheets++;
	if (s->dropping)
		return 0;
	s->fmt->sheet(s, name);
	for (size_t i = 0; i < ncols; i++)
		head[i] = cols[i].head;
	s->fmt->row(s, head);
	s->row++;
	if (head != stack)
		free(head);
	return 1;
}

void
sink_input(struct sink *s, const struct sink_input *in)
{
	if (!s->dropping && s->fmt->input != NULL)
		s->fmt->input(s, in);
}

void
sink_row(struct sink *s, const char *const *cells)
{
	if (s->dropping)
		return;
	s->fmt->row(s, cells);
	s->row++;
}

int
sink_close(struct sink *s, char **cause)
{
	int rc = s->fmt->close(s);

	if (rc == 0 && s->error == NULL && rename(s->part, s->path) != 0)
		sink_fail(s, xasprintf("无法写入 %s：%s / cannot write %s: %s", s->path,
		    strerror(errno), s->path, strerror(errno)));
	if (s->error != NULL) {
		unlink(s->part);
		*cause = s->error;
		s->error = NULL;
		rc = -1;
	}
	free(s->path);
	free(s->part);
	free(s);
	return rc;
}

void
sink_abort(struct sink *s)
{
	s->fmt->abort(s);
	unlink(s->part);
	free(s->error);
	free(s->path);
	free(s->part);
	free(s);
}
