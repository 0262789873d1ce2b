/*
 * table_sheet.c — the rows of a workbook's sheet, built cell by cell for
 * the XLSX, .xls and Excel 2003 XML readers (table_sheet.h): the limits,
 * the sheet choice, what number cells show and the messages that say why
 * a row was refused, in one place.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "table_sheet.h"

/* "C12" for column col of the row being built, into buf (≥ 32 bytes). */
static const char *
sheet_cellname(const struct sheet_rows *rows, size_t col, char *buf, size_t len)
{
	char letters[8];

	table_colname(col, letters);
	snprintf(buf, len, "%s%zu", letters, rows->rownum);
	return buf;
}

void
sheet_rows_init(struct sheet_rows *rows, struct table_reader *base,
    const struct table_limits *lim)
{
	memset(rows, 0, sizeof *rows);
	rows->base = base;
	rows->lim = lim;
}

void
sheet_rows_free(struct sheet_rows *rows)
{
	buf_free(&rows->row);
	free(rows->off);
	free(rows->cells);
	rows->off = NULL;
	rows->cells = NULL;
	rows->cap = rows->ncells = 0;
}

void
sheet_rows_start(struct sheet_rows *rows, size_t rownum)
{
	rows->rownum = rownum;
	rows->ncells = 0;
	rows->rowbytes = 0;
	buf_reset(&rows->row);
}

int
sheet_rows_room(struct sheet_rows *rows, size_t col, size_t len, char **cause)
{
	const struct table_limits *lim = rows->lim;
	char name[32];

	if (len <= lim->max_row_bytes - rows->rowbytes)
		return 0;
	rows->base->err_line = rows->rownum;
	sheet_cellname(rows, col, name, sizeof name);
	*cause = xasprintf("第 %zu 行（单元格 %s）的文字超过上限 %zu 字节 / row %zu "
	    "is longer than the limit of %zu bytes (at cell %s)", rows->rownum,
	    name, lim->max_row_bytes, rows->rownum, lim->max_row_bytes, name);
	return -1;
}

int
sheet_rows_add(struct sheet_rows *rows, size_t col, const char *s, size_t len,
    char **cause)
{
	const struct table_limits *lim = rows->lim;
	char name[32];

	if (len == 0)
		return 0;
	if (col >= lim->max_cols) {
		rows->base->err_line = rows->rownum;
		sheet_cellname(rows, col, name, sizeof name);
		*cause = xasprintf("第 %zu 行的单元格 %s 超出列数上限 %zu / row %zu: "
		    "cell %s is beyond the limit of %zu columns", rows->rownum,
		    name, lim->max_cols, rows->rownum, name, lim->max_cols);
		return -1;
	}
	if (sheet_rows_room(rows, col, len, cause) != 0)
		return -1;
	if (!utf8_valid(s, len)) {
		rows->base->err_line = rows->rownum;
		sheet_cellname(rows, col, name, sizeof name);
		*cause = xasprintf("单元格 %s 不是有效的 UTF-8 / cell %s is not valid "
		    "UTF-8", name, name);
		return -1;
	}
	if (col < rows->ncells) {
		/* A second value for a cell already read (two <Data> in one SpreadsheetML cell). */
		rows->base->err_line = rows->rownum;
		sheet_cellname(rows, col, name, sizeof name);
		*cause = xasprintf("第 %zu 行的单元格 %s 重复或顺序颠倒 / row %zu: cell %s is given"
		    " twice or out of order", rows->rownum, name, rows->rownum, name);
		return -1;
	}
	if (col + 1 > rows->cap) {
		rows->cap = col + 1 > rows->cap * 2 ? col + 1 : rows->cap * 2;
		rows->off = xreallocarray(rows->off, rows->cap, sizeof *rows->off);
		rows->cells = xreallocarray(rows->cells, rows->cap,
		    sizeof *rows->cells);
	}
	while (rows->ncells < col) {
		rows->off[rows->ncells++] = rows->row.len;
		buf_addc(&rows->row, '\0');
	}
	rows->off[rows->ncells++] = rows->row.len;
	buf_add(&rows->row, s, len);
	buf_addc(&rows->row, '\0');
	rows->rowbytes += len;
	return 0;
}

int
sheet_rows_end(struct sheet_rows *rows, struct table_row *row, char **cause)
{
	const struct table_limits *lim = rows->lim;
	size_t i;

	if (rows->ncells == 0)
		return 0;
	if (rows->nreturned > lim->max_rows) {
		rows->base->err_line = rows->rownum;
		*cause = xasprintf("工作表的数据超过 %zu 行的上限（第 %zu 行） / the sheet "
		    "has more than the limit of %zu data rows (at row %zu)",
		    lim->max_rows, rows->rownum, lim->max_rows, rows->rownum);
		return -1;
	}
	for (i = 0; i < rows->ncells; i++)
		rows->cells[i] = rows->row.data + rows->off[i];
	rows->nreturned++;
	row->line = rows->rownum;
	row->ncells = rows->ncells;
	row->cells = rows->cells;
	return 1;
}

void
sheet_number(double v, enum xlsx_kind kind, int date1904, struct buf *out)
{
	if (kind == XLSX_NUMBER || xlsx_format_date(v, kind, date1904, out) != 0)
		xlsx_format_number(v, out);
}

int
sheet_name_matches(const char *name, const char *want, int exact)
{
	return exact ? strcmp(name, want) == 0 : strcasecmp(name, want) == 0;
}

long
sheet_pick(const char *const *names, size_t n, const char *want)
{
	size_t i;
	int exact;

	for (exact = 1; exact >= 0; exact--) {
		for (i = 0; i < n; i++) {
			if (names[i] != NULL && sheet_name_matches(names[i], want, exact))
				return (long)i;
		}
	}
	return -1;
}

char *
sheet_missing_message(const char *const *names, size_t n, size_t total,
    const char *want)
{
	struct buf list = { 0 };
	size_t i;
	char *s;

	for (i = 0; i < n && i < SHEET_NAMES_LISTED; i++)
		buf_addf(&list, "%s“%s”", i > 0 ? ", " : "",
		    names[i] != NULL ? names[i] : "?");
	if (total > SHEET_NAMES_LISTED)
		buf_addstr(&list, ", …");
	if (list.data == NULL)
		buf_addstr(&list, "");
	s = xasprintf("工作簿中没有名为“%s”的工作表（现有：%s） / the workbook has no "
	    "sheet named \"%s\" (it has: %s)", want, list.data, want, list.data);
	buf_free(&list);
	return s;
}

char *
sheet_none_message(void)
{
	return xstrdup("工作簿中没有数据工作表 / the workbook has no worksheets");
}
