/*
 * table_xml.c — one worksheet of an Excel 2003 XML Spreadsheet
 * (SpreadsheetML: <Workbook xmlns="urn:schemas-microsoft-com:office:
 * spreadsheet">) as rows of UTF-8 cells.
 *
 * Many government and enterprise systems export "Excel" in this format,
 * often named .xls or .xml.  The file is read in chunks and fed to expat,
 * which is suspended at the end of each row, so memory stays bounded by
 * the limits.  <Row ss:Index> and <Cell ss:Index> skip rows and columns;
 * <Data ss:Type> says what a cell holds: Number cells read as the XLSX
 * reader shows them, or as dates when their style's NumberFormat shows a
 * date (as SheetJS writes them), and DateTime cells as dates (as Excel
 * writes them; xlsx_number.c).  Rows are built by the row builder the
 * XLSX and .xls readers use too (table_sheet.c): the same limits, sheet
 * choice, numbers and messages.
 */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <expat.h>

#include "table_sheet.h"

#define XML_CHUNK		65536		/* bytes read at a time */
#define XML_NS			"urn:schemas-microsoft-com:office:spreadsheet"
#define XML_MAX_ROW		1048576		/* Excel's last row */
#define XML_MAX_STYLES		65536		/* <Style> elements kept */

/* SpreadsheetML's named number formats that show dates or times. */
static const struct {
	const char	*name;		/* ss:Format */
	enum xlsx_kind	 kind;		/* what it shows */
} xml_named_formats[] = {
	{ "General Date", XLSX_DATETIME },
	{ "Long Date", XLSX_DATE },
	{ "Medium Date", XLSX_DATE },
	{ "Short Date", XLSX_DATE },
	{ "Long Time", XLSX_TIME },
	{ "Medium Time", XLSX_TIME },
	{ "Short Time", XLSX_TIME },
};

struct xml_style {
	char		*id;		/* ss:ID */
	enum xlsx_kind	 kind;		/* what its NumberFormat shows */
};

enum xml_type { XML_T_STRING, XML_T_NUMBER, XML_T_DATE, XML_T_BOOL };

struct xml_reader {
	struct table_reader	 base;		/* must be first */
	const struct table_limits *lim;		/* not owned */
	FILE			*f;		/* the file */
	XML_Parser		 parser;	/* suspended between rows */
	char			*herr;		/* error raised in a handler */
	const char		*want;		/* the sheet asked for, NULL: first */
	char			*names[SHEET_NAMES_LISTED]; /* sheets seen, for an error */
	size_t			 nsheets;	/* sheets seen */
	int			 insheet;	/* inside the chosen <Worksheet> */
	int			 done;		/* the chosen sheet has ended */
	int			 inrow;		/* inside a <Row> of it */
	int			 indata;	/* depth inside <Data>, 0: outside */
	enum xml_type		 type;		/* the <Data>'s ss:Type */
	enum xlsx_kind		 ckind;		/* what the cell's style shows */
	struct xml_style	*styles;	/* <Styles>, in file order */
	size_t			 nstyles;	/* entries in styles */
	size_t			 rownum;	/* 1-based row of the current <Row> */
	size_t			 col;		/* 0-based column of the next cell */
	size_t			 merge;		/* the cell's ss:MergeAcross */
	struct sheet_rows	 rows;		/* the row being built */
	struct table_row	 ready;		/* a row to hand out, if rowready */
	int			 rowready;	/* the parser stopped with a row */
	struct buf		 text;		/* the cell's text */
};

static int	xml_next(struct table_reader *, struct table_row *, char **);
static void	xml_close(struct table_reader *);

static const struct table_ops xml_ops = { "xml", xml_next, xml_close };

/* Records the first error raised in a handler and stops the parser. */
static void FM_PRINTF(2, 3)
xml_fail(struct xml_reader *r, const char *fmt, ...)
{
	va_list ap;

	if (r->herr == NULL) {
		va_start(ap, fmt);
		r->herr = xvasprintf(fmt, ap);
		va_end(ap);
	}
	XML_StopParser(r->parser, XML_FALSE);
}

/* Records cause (taken) as the first error, as xml_fail does. */
static void
xml_fail_cause(struct xml_reader *r, char *cause)
{
	xml_fail(r, "%s", cause);
	free(cause);
}

/* The local name of a SpreadsheetML element or attribute, or NULL if it is in another namespace. */
static const char *
xml_local(const char *name)
{
	const char *bar = strchr(name, '|');

	if (bar == NULL)
		return name;
	if ((size_t)(bar - name) != strlen(XML_NS) ||
	    strncmp(name, XML_NS, strlen(XML_NS)) != 0)
		return NULL;
	return bar + 1;
}

/* The value of SpreadsheetML attribute local, or NULL. */
static const char *
xml_attr(const char **attrs, const char *local)
{
	const char *l;

	for (; attrs[0] != NULL; attrs += 2) {
		if ((l = xml_local(attrs[0])) != NULL && strcmp(l, local) == 0)
			return attrs[1];
	}
	return NULL;
}

/* Reads an ss:Index attribute (1-based) into a 0-based index; -1 if bad. */
static long
xml_index(const char *s, long max)
{
	long v;

	if (parse_long(s, 1, max, &v) != 0)
		return -1;
	return v - 1;
}

/* Refuses a DTD: SpreadsheetML never has one, and entities are how XML bombs work. */
static void
xml_doctype(void *ud, const XML_Char *name, const XML_Char *sysid,
    const XML_Char *pubid, int has_internal_subset)
{
	xml_fail(ud, "文件含有 DTD（DOCTYPE），Excel 2003 XML 表格不使用 DTD / the "
	    "file contains a DTD (DOCTYPE), which an Excel 2003 XML spreadsheet "
	    "never uses");
}

/* Adds one cell's text at column col (table_sheet.c). */
static void
xml_add_cell(struct xml_reader *r, size_t col, const char *s, size_t len)
{
	char *cause = NULL;

	if (sheet_rows_add(&r->rows, col, s, len, &cause) != 0)
		xml_fail_cause(r, cause);
}

/* What number format ss:Format shows. */
static enum xlsx_kind
xml_format_kind(const char *format)
{
	for (size_t i = 0; i < sizeof xml_named_formats / sizeof xml_named_formats[0]; i++) {
		if (strcmp(xml_named_formats[i].name, format) == 0)
			return xml_named_formats[i].kind;
	}
	return xlsx_code_kind(format);
}

/* Orders styles by ss:ID, for bsearch. */
static int
xml_style_cmp(const void *a, const void *b)
{
	return strcmp(((const struct xml_style *)a)->id, ((const struct xml_style *)b)->id);
}

/* What the style named id shows; XLSX_NUMBER if there is none.  styles is sorted. */
static enum xlsx_kind
xml_style_kind(struct xml_reader *r, const char *id)
{
	struct xml_style key = { (char *)id, XLSX_NUMBER }, *hit;

	if (r->nstyles == 0)
		return XLSX_NUMBER;
	hit = bsearch(&key, r->styles, r->nstyles, sizeof *r->styles, xml_style_cmp);
	return hit != NULL ? hit->kind : XLSX_NUMBER;
}

static void
xml_start(void *ud, const XML_Char *name, const XML_Char **attrs)
{
	struct xml_reader *r = ud;
	const char *l = xml_local(name), *v;
	long idx;

	if (r->indata > 0) {
		r->indata++;		/* rich text: <Font>, <B> … inside <Data> */
		return;
	}
	if (l == NULL || r->done)
		return;
	if (strcmp(l, "Style") == 0 && r->nsheets == 0 &&
	    (v = xml_attr(attrs, "ID")) != NULL) {
		if (r->nstyles == XML_MAX_STYLES) {
			xml_fail(r, "文件中的样式超过 %d 个 / the file has more than %d "
			    "styles", XML_MAX_STYLES, XML_MAX_STYLES);
			return;
		}
		r->styles = xreallocarray(r->styles, r->nstyles + 1, sizeof *r->styles);
		r->styles[r->nstyles].id = xstrdup(v);
		r->styles[r->nstyles++].kind = XLSX_NUMBER;
	} else if (strcmp(l, "NumberFormat") == 0 && r->nsheets == 0 &&
	    r->nstyles > 0 && (v = xml_attr(attrs, "Format")) != NULL)
		r->styles[r->nstyles - 1].kind = xml_format_kind(v);
	else if (strcmp(l, "Worksheet") == 0) {
		if (r->nsheets == 0 && r->nstyles > 1)	/* <Styles> precede the sheets */
			qsort(r->styles, r->nstyles, sizeof *r->styles, xml_style_cmp);
		v = xml_attr(attrs, "Name");
		if (v == NULL)
			v = "";
		if (r->nsheets < SHEET_NAMES_LISTED)
			r->names[r->nsheets] = xstrdup(v);
		r->nsheets++;
		/* Streamed: the first sheet whose name matches, exactly or not. */
		r->insheet = r->want == NULL || sheet_name_matches(v, r->want, 0);
	} else if (!r->insheet)
		return;
	else if (strcmp(l, "Row") == 0) {
		r->rownum++;
		if ((v = xml_attr(attrs, "Index")) != NULL) {
			if ((idx = xml_index(v, XML_MAX_ROW)) < 0 ||
			    (size_t)idx + 1 < r->rownum) {
				xml_fail(r, "第 %zu 行的行号 ss:Index=“%s”无效 / row "
				    "%zu has an invalid ss:Index \"%s\"", r->rownum,
				    v, r->rownum, v);
				return;
			}
			r->rownum = (size_t)idx + 1;
		}
		r->inrow = 1;
		r->col = 0;
		sheet_rows_start(&r->rows, r->rownum);
	} else if (r->inrow && strcmp(l, "Cell") == 0) {
		if ((v = xml_attr(attrs, "Index")) != NULL) {
			if ((idx = xml_index(v, 16384)) < 0 || (size_t)idx < r->col) {
				xml_fail(r, "第 %zu 行单元格的列号 ss:Index=“%s”无效 / "
				    "row %zu: a cell has an invalid ss:Index \"%s\"",
				    r->rownum, v, r->rownum, v);
				return;
			}
			r->col = (size_t)idx;
		}
		r->ckind = (v = xml_attr(attrs, "StyleID")) != NULL ?
		    xml_style_kind(r, v) : XLSX_NUMBER;
		r->merge = 0;
		if ((v = xml_attr(attrs, "MergeAcross")) != NULL &&
		    (idx = xml_index(v, 16384)) >= 0)
			r->merge = (size_t)idx + 1;
	} else if (r->inrow && strcmp(l, "Data") == 0) {
		v = xml_attr(attrs, "Type");
		r->type = XML_T_STRING;
		if (v != NULL && strcmp(v, "Number") == 0)
			r->type = XML_T_NUMBER;
		else if (v != NULL && strcmp(v, "DateTime") == 0)
			r->type = XML_T_DATE;
		else if (v != NULL && strcmp(v, "Boolean") == 0)
			r->type = XML_T_BOOL;
		r->indata = 1;
		buf_reset(&r->text);
	}
}

/* The text of the <Data> just closed, as the cell shows it, added to the row. */
static void
xml_data_end(struct xml_reader *r)
{
	const char *text = r->text.data != NULL ? r->text.data : "";
	struct buf out = { 0 };
	char name[8];
	double v;

	switch (r->type) {
	case XML_T_STRING:
		buf_add(&out, text, r->text.len);
		break;
	case XML_T_DATE:
		if (*text != '\0')
			xlsx_format_iso_date(text, &out);
		break;
	case XML_T_BOOL:
		if (*text != '\0')
			buf_addstr(&out, strcmp(text, "0") == 0 ? "FALSE" : "TRUE");
		break;
	case XML_T_NUMBER:
		if (*text == '\0')
			break;
		if (xlsx_parse_number(text, &v) != 0) {
			table_colname(r->col, name);
			xml_fail(r, "第 %zu 行单元格 %s 的数值“%s”无效 / row %zu: "
			    "cell %s has an invalid number \"%s\"", r->rownum,
			    name, text, r->rownum, name, text);
			buf_free(&out);
			return;
		}
		sheet_number(v, r->ckind, 0, &out);
		break;
	}
	xml_add_cell(r, r->col, out.data, out.len);
	buf_free(&out);
}

static void
xml_end(void *ud, const XML_Char *name)
{
	struct xml_reader *r = ud;
	char *cause = NULL;
	const char *l;

	if (r->indata > 1) {
		r->indata--;
		return;
	}
	if ((l = xml_local(name)) == NULL || r->done || !r->insheet)
		return;
	if (r->indata == 1 && strcmp(l, "Data") == 0) {
		r->indata = 0;
		xml_data_end(r);
	} else if (r->inrow && strcmp(l, "Cell") == 0)
		r->col += 1 + r->merge;	/* a merged cell spans MergeAcross more */
	else if (r->inrow && strcmp(l, "Row") == 0) {
		r->inrow = 0;
		switch (sheet_rows_end(&r->rows, &r->ready, &cause)) {
		case 0:
			return;		/* an empty row: nothing to hand out */
		case -1:
			xml_fail_cause(r, cause);
			return;
		}
		r->rowready = 1;
		XML_StopParser(r->parser, XML_TRUE);
	} else if (strcmp(l, "Worksheet") == 0) {
		r->insheet = 0;
		r->done = 1;
		XML_StopParser(r->parser, XML_TRUE);
	}
}

static void
xml_text(void *ud, const XML_Char *s, int len)
{
	struct xml_reader *r = ud;
	char *cause = NULL;

	if (r->indata == 0)
		return;
	if (sheet_rows_room(&r->rows, r->col, r->text.len + (size_t)len,
	    &cause) != 0) {
		xml_fail_cause(r, cause);
		return;
	}
	buf_add(&r->text, s, (size_t)len);
}

struct table_reader *
table_xml_open(const char *path, const char *sheet,
    const struct table_limits *lim, char **cause)
{
	struct xml_reader *r;
	FILE *f;

	if (lim == NULL)
		lim = &table_default_limits;
	if (table_check_file(path, lim, cause) != 0)
		return NULL;
	if ((f = fopen(path, "rb")) == NULL) {
		*cause = xasprintf("无法打开文件：%s / cannot open the file: %s",
		    strerror(errno), strerror(errno));
		return NULL;
	}
	r = xcalloc(1, sizeof *r);
	r->base.ops = &xml_ops;
	r->base.charset = "UTF-8";
	r->lim = lim;
	r->f = f;
	r->want = sheet;
	sheet_rows_init(&r->rows, &r->base, lim);
	if ((r->parser = XML_ParserCreateNS(NULL, '|')) == NULL)
		fatal("%s: out of memory", __func__);
	XML_SetUserData(r->parser, r);
	XML_SetElementHandler(r->parser, xml_start, xml_end);
	XML_SetCharacterDataHandler(r->parser, xml_text);
	XML_SetStartDoctypeDeclHandler(r->parser, xml_doctype);
	return &r->base;
}

/* The message for a parse that stopped with an error; caller frees. */
static char *
xml_message(struct xml_reader *r)
{
	char *s;

	if (r->herr != NULL) {
		s = r->herr;
		r->herr = NULL;
		return s;
	}
	return xasprintf("Excel 2003 XML 表格不是有效的 XML（第 %lu 行第 %lu 列：%s） "
	    "/ the Excel 2003 XML spreadsheet is not valid XML (line %lu, column "
	    "%lu: %s)", (unsigned long)XML_GetCurrentLineNumber(r->parser),
	    (unsigned long)XML_GetCurrentColumnNumber(r->parser),
	    XML_ErrorString(XML_GetErrorCode(r->parser)),
	    (unsigned long)XML_GetCurrentLineNumber(r->parser),
	    (unsigned long)XML_GetCurrentColumnNumber(r->parser),
	    XML_ErrorString(XML_GetErrorCode(r->parser)));
}

/* Runs the parser until a row is ready or the sheet ends; -1 with *cause. */
static int
xml_advance(struct xml_reader *r, char **cause)
{
	XML_ParsingStatus st;
	enum XML_Status rc;
	void *chunk;
	size_t n;

	for (;;) {
		XML_GetParsingStatus(r->parser, &st);
		if (st.parsing == XML_SUSPENDED)
			rc = XML_ResumeParser(r->parser);
		else if (st.parsing == XML_FINISHED)
			return 0;
		else {
			if ((chunk = XML_GetBuffer(r->parser, XML_CHUNK)) == NULL)
				fatal("%s: out of memory", __func__);
			n = fread(chunk, 1, XML_CHUNK, r->f);
			if (n == 0 && ferror(r->f)) {
				*cause = xasprintf("读取文件出错：%s / error reading "
				    "the file: %s", strerror(errno),
				    strerror(errno));
				return -1;
			}
			rc = XML_ParseBuffer(r->parser, (int)n, n == 0);
		}
		if (rc == XML_STATUS_ERROR) {
			r->base.err_line = r->herr != NULL ? r->rownum : 0;
			*cause = xml_message(r);
			return -1;
		}
		if (r->rowready || r->done)
			return 0;
		XML_GetParsingStatus(r->parser, &st);
		if (st.parsing == XML_FINISHED)
			return 0;
	}
}

static int
xml_next(struct table_reader *base, struct table_row *row, char **cause)
{
	struct xml_reader *r = (struct xml_reader *)base;

	r->rowready = 0;
	if (!r->done && xml_advance(r, cause) != 0)
		return -1;
	if (!r->rowready) {
		if (r->nsheets == 0 || (r->want != NULL && !r->done)) {
			if (r->nsheets == 0)
				*cause = sheet_none_message();
			else
				*cause = sheet_missing_message(
				    (const char *const *)r->names,
				    r->nsheets < SHEET_NAMES_LISTED ? r->nsheets :
				    SHEET_NAMES_LISTED, r->nsheets, r->want);
			return -1;
		}
		return 0;
	}
	*row = r->ready;
	return 1;
}

static void
xml_close(struct table_reader *base)
{
	struct xml_reader *r = (struct xml_reader *)base;

	if (r->parser != NULL)
		XML_ParserFree(r->parser);
	if (r->f != NULL)
		fclose(r->f);
	free(r->herr);
	for (size_t i = 0; i < r->nstyles; i++)
		free(r->styles[i].id);
	free(r->styles);
	for (size_t i = 0; i < r->nsheets && i < SHEET_NAMES_LISTED; i++)
		free(r->names[i]);
	sheet_rows_free(&r->rows);
	buf_free(&r->text);
	free(r);
}
