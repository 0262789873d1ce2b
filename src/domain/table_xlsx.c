/*
 * table_xlsx.c — one worksheet of an XLSX workbook as rows of UTF-8 cells.
 *
 * The workbook is opened with libzip; workbook.xml and its relationships
 * name the sheet's part, styles.xml says which cells hold dates and
 * sharedStrings.xml holds the text most cells point at.  The sheet itself
 * is never held in memory: it is read from the zip in chunks and fed to
 * expat, which is suspended at the end of each row.  Every byte taken out
 * of the zip is counted against the limits, whatever the zip directory
 * claims, because a small upload can unpack to gigabytes (a zip bomb).
 * What a number cell shows (a number, a date, a time) is xlsx_number.c's;
 * rows are built by the row builder the .xls and SpreadsheetML readers use
 * too (table_sheet.c): the same limits, sheet choice and messages.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <expat.h>
#include <zip.h>

#include "table_sheet.h"

#define XLSX_CHUNK		65536		/* bytes read from the zip at a time */
#define XLSX_RATIO_FLOOR	(1024 * 1024)	/* smaller parts skip the ratio check */
#define XLSX_MAX_COLUMN		16384		/* XFD, Excel's last column */
#define XLSX_MAX_ROW		1048576		/* Excel's last row */

enum xlsx_type {
	XLSX_T_NUMBER,			/* t="n" or none */
	XLSX_T_SHARED,			/* t="s": index into the shared strings */
	XLSX_T_INLINE,			/* t="inlineStr": <is><t> */
	XLSX_T_STR,			/* t="str": a formula's text result */
	XLSX_T_BOOL,			/* t="b" */
	XLSX_T_ERROR,			/* t="e": "#N/A" and friends */
	XLSX_T_DATE			/* t="d": ISO 8601 text */
};

static const struct {
	const char	*name;		/* value of the t attribute */
	enum xlsx_type	 type;		/* what it means */
} xlsx_types[] = {
	{ "n", XLSX_T_NUMBER },
	{ "s", XLSX_T_SHARED },
	{ "inlineStr", XLSX_T_INLINE },
	{ "str", XLSX_T_STR },
	{ "b", XLSX_T_BOOL },
	{ "e", XLSX_T_ERROR },
	{ "d", XLSX_T_DATE },
};

/* Other documents that are zips too, to say what was uploaded instead. */
static const struct {
	const char	*part;		/* a part only that format has */
	const char	*zh;		/* what it is, in Chinese */
	const char	*en;		/* and in English */
} xlsx_lookalikes[] = {
	{ "content.xml", "OpenDocument 表格（.ods）", "an OpenDocument file (.ods)" },
	{ "word/document.xml", "Word 文档", "a Word document" },
	{ "ppt/presentation.xml", "PowerPoint 演示文稿", "a PowerPoint file" },
	{ "xl/workbook.bin", "Excel 二进制工作簿（.xlsb）",
	    "an Excel binary workbook (.xlsb)" },
};

/* What libzip's errors mean to the person who uploaded the file. */
static const struct {
	int		 code;		/* ZIP_ER_* */
	const char	*msg;		/* "中文 / English" */
} xlsx_zip_errors[] = {
	{ ZIP_ER_NOZIP, "XLSX 文件已损坏或不完整（无法读取 zip 目录） / "
	    "the XLSX file is damaged or truncated (cannot read the zip directory)" },
	{ ZIP_ER_INCONS, "XLSX 文件已损坏（zip 目录前后不一致） / "
	    "the XLSX file is damaged (its zip directory is inconsistent)" },
	{ ZIP_ER_EOF, "XLSX 文件不完整（意外结束） / "
	    "the XLSX file is truncated (unexpected end of file)" },
	{ ZIP_ER_CRC, "XLSX 文件已损坏（校验和不符） / "
	    "the XLSX file is damaged (checksum mismatch)" },
	{ ZIP_ER_ZLIB, "XLSX 文件已损坏（压缩数据无效） / "
	    "the XLSX file is damaged (invalid compressed data)" },
	{ ZIP_ER_COMPRESSED_DATA, "XLSX 文件已损坏（压缩数据无效） / "
	    "the XLSX file is damaged (invalid compressed data)" },
	{ ZIP_ER_MULTIDISK, "XLSX 文件是分卷 zip，不支持 / "
	    "the XLSX file is a multi-volume zip, which is not supported" },
	{ ZIP_ER_COMPNOTSUPP, "XLSX 文件使用了不支持的压缩方式 / "
	    "the XLSX file uses an unsupported compression method" },
	{ ZIP_ER_ENCRNOTSUPP, "XLSX 文件已加密，请取消密码后另存 / "
	    "the XLSX file is encrypted; remove the password and save it again" },
	{ ZIP_ER_NOPASSWD, "XLSX 文件已加密，请取消密码后另存 / "
	    "the XLSX file is encrypted; remove the password and save it again" },
};

struct xlsx_sheet {
	char	*name;			/* as shown on the tab */
	char	*rid;			/* r:id, a key into the relationships */
};

struct xlsx_rel {
	char	*id;			/* Id */
	char	*type;			/* Type, a URI */
	char	*target;		/* Target, relative to xl/ or absolute */
};

struct xlsx_numfmt {
	long		 id;		/* numFmtId */
	enum xlsx_kind	 kind;		/* what its formatCode displays */
};

struct xlsx_part {
	zip_file_t	*zf;		/* the open entry, NULL when closed */
	char		*name;		/* part name, for messages; owned */
	zip_uint64_t	 size;		/* uncompressed size the zip declares */
	zip_uint64_t	 csize;		/* compressed size the zip declares */
	zip_uint64_t	 nread;		/* uncompressed bytes actually read */
};

struct xlsx_reader {
	struct table_reader	 base;		/* must be first */
	const struct table_limits *lim;		/* not owned */
	zip_t			*zip;		/* the workbook */
	size_t			 unpacked;	/* bytes read out of all parts */
	struct xlsx_part	 part;		/* the part being read */
	XML_Parser		 parser;	/* the parser of that part */
	char			*herr;		/* error raised in a handler */
	int			 date1904;	/* <workbookPr date1904="1"/> */

	struct xlsx_sheet	*sheets;	/* workbook.xml, in tab order */
	size_t			 nsheets;	/* entries in sheets */
	struct xlsx_rel		*rels;		/* workbook.xml.rels */
	size_t			 nrels;		/* entries in rels */

	struct xlsx_numfmt	*numfmts;	/* styles.xml <numFmts> */
	size_t			 nnumfmts;	/* entries in numfmts */
	long			*xfnumfmt;	/* numFmtId of each cellXfs entry */
	unsigned char		*xfkind;	/* enum xlsx_kind of each entry */
	size_t			 nxf;		/* entries in xfnumfmt, xfkind */
	int			 in_numfmts;	/* inside <numFmts> */
	int			 in_cellxfs;	/* inside <cellXfs> */

	struct buf		 sst;		/* shared strings, each NUL-ended */
	size_t			*sstoff;	/* where each begins in sst */
	size_t			 nsst;		/* strings in sst */
	size_t			 sstcap;	/* entries allocated in sstoff */

	struct buf		 text;		/* the text being collected */
	size_t			 tmark;		/* where the current <t> began */
	int			 in_si;		/* inside <si> */
	int			 in_is;		/* inside <is> */
	int			 in_t;		/* inside a <t> that counts */
	int			 in_rph;	/* depth inside <rPh>, ignored */
	int			 in_v;		/* inside <v> */
	int			 preserve;	/* xml:space="preserve" on <t> */

	int			 in_sheetdata;	/* inside <sheetData> */
	int			 in_row;	/* inside <row> */
	int			 in_c;		/* inside <c> */
	size_t			 rownum;	/* row being read, 1-based */
	size_t			 nextcol;	/* lowest column the next cell may use */
	size_t			 col;		/* column of the cell being read */
	enum xlsx_type		 ctype;		/* its t attribute */
	long			 cstyle;	/* its s attribute, -1 if none */
	struct buf		 value;		/* its value, formatted */

	struct sheet_rows	 rows;		/* the row being built */
	struct table_row	 ready;		/* the row expat stopped at */

	int			 suspended;	/* expat stopped at the end of a row */
	int			 final;		/* expat has been told the end */
	int			 done;		/* the sheet is finished */
	char			*failed;	/* the error that stopped the reader */
};

static int	xlsx_next(struct table_reader *, struct table_row *, char **);
static void	xlsx_close(struct table_reader *);

static const struct table_ops xlsx_ops = {
	.name = "xlsx",
	.next = xlsx_next,
	.close = xlsx_close,
};

/* The name without a namespace prefix: "x:row" → "row". */
static const char *
xlsx_local(const char *name)
{
	const char *p = strrchr(name, ':');

	return p != NULL ? p + 1 : name;
}

/* The value of the attribute with this local name, or NULL. */
static const char *
xlsx_attr(const char **attrs, const char *name)
{
	for (; attrs[0] != NULL; attrs += 2) {
		if (strcmp(xlsx_local(attrs[0]), name) == 0)
			return attrs[1];
	}
	return NULL;
}

/* Records an error from inside an expat handler and stops the parser. */
static void FM_PRINTF(2, 3)
xlsx_fail(struct xlsx_reader *r, const char *fmt, ...)
{
	va_list ap;

	if (r->herr == NULL) {
		va_start(ap, fmt);
		r->herr = xvasprintf(fmt, ap);
		va_end(ap);
	}
	XML_StopParser(r->parser, XML_FALSE);
}

/* A message for libzip error code ze; caller frees. */
static char *
xlsx_zip_message(int ze, const char *part)
{
	zip_error_t error;
	char *s;
	size_t i;

	for (i = 0; i < nitems(xlsx_zip_errors); i++) {
		if (xlsx_zip_errors[i].code != ze)
			continue;
		if (part == NULL)
			return xstrdup(xlsx_zip_errors[i].msg);
		return xasprintf("%s（%s）", xlsx_zip_errors[i].msg, part);
	}
	if (ze == ZIP_ER_MEMORY)
		fatal("%s: out of memory", __func__);
	zip_error_init_with_code(&error, ze);
	s = xasprintf("无法读取 XLSX 文件%s%s / cannot read the XLSX file%s%s: %s",
	    part != NULL ? "中的 " : "", part != NULL ? part : "",
	    part != NULL ? ", part " : "", part != NULL ? part : "",
	    zip_error_strerror(&error));
	zip_error_fini(&error);
	return s;
}

/* Whether a part of size bytes, csize compressed, unpacks suspiciously far. */
static int
xlsx_ratio_exceeded(zip_uint64_t size, zip_uint64_t csize, size_t ratio)
{
	if (size <= XLSX_RATIO_FLOOR)
		return 0;
	if (ratio == 0)
		return 1;
	return size / ratio > csize;
}

/* The message for a part that unpacks past the limits; caller frees. */
static char *
xlsx_limit_message(struct xlsx_reader *r, const char *part, int ratio)
{
	if (ratio) {
		return xasprintf("XLSX 文件中的 %s 压缩比超过上限 %zu 倍，"
		    "疑似压缩炸弹，已拒绝 / part %s of the XLSX file unpacks to "
		    "more than %zu times its compressed size (limit), which "
		    "looks like a zip bomb; refused", part,
		    r->lim->max_unpack_ratio, part, r->lim->max_unpack_ratio);
	}
	return xasprintf("XLSX 文件解压后超过上限 %zu 字节（读取 %s 时），"
	    "疑似压缩炸弹，已拒绝 / the XLSX file unpacks to more than the limit "
	    "of %zu bytes (while reading part %s); refused",
	    r->lim->max_unpacked_bytes, part, r->lim->max_unpacked_bytes, part);
}

/* Closes the part being read, if any. */
static void
xlsx_part_close(struct xlsx_reader *r)
{
	if (r->part.zf != NULL)
		zip_fclose(r->part.zf);
	free(r->part.name);
	memset(&r->part, 0, sizeof r->part);
}

/* Whether the workbook holds a part of this name. */
static int
xlsx_part_exists(struct xlsx_reader *r, const char *name)
{
	return zip_name_locate(r->zip, name, ZIP_FL_NOCASE) >= 0;
}

/* Opens part name for reading, refusing it if its declared size is too big. */
static int
xlsx_part_open(struct xlsx_reader *r, const char *name, char **cause)
{
	const struct table_limits *lim = r->lim;
	zip_int64_t idx;
	zip_stat_t st;

	xlsx_part_close(r);
	idx = zip_name_locate(r->zip, name, ZIP_FL_NOCASE);
	if (idx < 0) {
		*cause = xasprintf("XLSX 文件缺少 %s / the XLSX file has no "
		    "part %s", name, name);
		return -1;
	}
	zip_stat_init(&st);
	if (zip_stat_index(r->zip, idx, 0, &st) != 0 ||
	    (~st.valid & (ZIP_STAT_SIZE | ZIP_STAT_COMP_SIZE)) != 0) {
		*cause = xlsx_zip_message(ZIP_ER_INCONS, name);
		return -1;
	}
	if (st.size > lim->max_unpacked_bytes - r->unpacked) {
		*cause = xlsx_limit_message(r, name, 0);
		return -1;
	}
	if (xlsx_ratio_exceeded(st.size, st.comp_size, lim->max_unpack_ratio)) {
		*cause = xlsx_limit_message(r, name, 1);
		return -1;
	}
	r->part.zf = zip_fopen_index(r->zip, idx, 0);
	if (r->part.zf == NULL) {
		*cause = xlsx_zip_message(zip_error_code_zip(zip_get_error(r->zip)),
		    name);
		return -1;
	}
	r->part.name = xstrdup(name);
	r->part.size = st.size;
	r->part.csize = st.comp_size;
	return 0;
}

/* Reads up to len bytes of the open part, counting them against the limits. */
static zip_int64_t
xlsx_part_read(struct xlsx_reader *r, void *buf, size_t len, char **cause)
{
	struct xlsx_part *p = &r->part;
	zip_int64_t n;

	n = zip_fread(p->zf, buf, len);
	if (n < 0) {
		*cause = xlsx_zip_message(
		    zip_error_code_zip(zip_file_get_error(p->zf)), p->name);
		return -1;
	}
	p->nread += n;
	if ((zip_uint64_t)n > r->lim->max_unpacked_bytes - r->unpacked) {
		*cause = xlsx_limit_message(r, p->name, 0);
		return -1;
	}
	r->unpacked += n;
	if (xlsx_ratio_exceeded(p->nread, p->csize, r->lim->max_unpack_ratio)) {
		*cause = xlsx_limit_message(r, p->name, 1);
		return -1;
	}
	return n;
}

/* Refuses a DTD: OOXML never has one, and entities are how XML bombs work. */
static void
xlsx_doctype(void *ud, const XML_Char *name, const XML_Char *sysid,
    const XML_Char *pubid, int has_internal_subset)
{
	struct xlsx_reader *r = ud;

	xlsx_fail(r, "%s 含有 DTD（DOCTYPE），XLSX 不使用 DTD / part %s "
	    "contains a DTD (DOCTYPE), which XLSX never uses", r->part.name,
	    r->part.name);
}

/* A parser for the open part with these handlers. */
static XML_Parser
xlsx_parser_new(struct xlsx_reader *r, XML_StartElementHandler start,
    XML_EndElementHandler end, XML_CharacterDataHandler text)
{
	XML_Parser p;

	if ((p = XML_ParserCreate(NULL)) == NULL)
		fatal("%s: out of memory", __func__);
	XML_SetUserData(p, r);
	XML_SetElementHandler(p, start, end);
	XML_SetCharacterDataHandler(p, text);
	XML_SetStartDoctypeDeclHandler(p, xlsx_doctype);
	return p;
}

/* The message for a parse that stopped with an error; caller frees. */
static char *
xlsx_xml_message(struct xlsx_reader *r)
{
	char *s;

	if (r->herr != NULL) {
		s = r->herr;
		r->herr = NULL;
		return s;
	}
	return xasprintf("XLSX 文件中的 %s 不是有效的 XML（第 %lu 行第 %lu 列：%s） / "
	    "part %s of the XLSX file is not valid XML (line %lu, column %lu: %s)",
	    r->part.name, (unsigned long)XML_GetCurrentLineNumber(r->parser),
	    (unsigned long)XML_GetCurrentColumnNumber(r->parser),
	    XML_ErrorString(XML_GetErrorCode(r->parser)), r->part.name,
	    (unsigned long)XML_GetCurrentLineNumber(r->parser),
	    (unsigned long)XML_GetCurrentColumnNumber(r->parser),
	    XML_ErrorString(XML_GetErrorCode(r->parser)));
}

/* Parses a whole (small) part with these handlers. */
static int
xlsx_parse_part(struct xlsx_reader *r, const char *name,
    XML_StartElementHandler start, XML_EndElementHandler end,
    XML_CharacterDataHandler text, char **cause)
{
	zip_int64_t n;
	void *buf;

	if (xlsx_part_open(r, name, cause) != 0)
		return -1;
	r->parser = xlsx_parser_new(r, start, end, text);
	do {
		if ((buf = XML_GetBuffer(r->parser, XLSX_CHUNK)) == NULL)
			fatal("%s: out of memory", __func__);
		if ((n = xlsx_part_read(r, buf, XLSX_CHUNK, cause)) < 0)
			goto fail;
		if (XML_ParseBuffer(r->parser, (int)n, n == 0) !=
		    XML_STATUS_OK) {
			*cause = xlsx_xml_message(r);
			goto fail;
		}
	} while (n > 0);
	XML_ParserFree(r->parser);
	r->parser = NULL;
	xlsx_part_close(r);
	return 0;

fail:
	XML_ParserFree(r->parser);
	r->parser = NULL;
	xlsx_part_close(r);
	return -1;
}

/* Removes XML whitespace around the text collected since mark. */
static void
xlsx_trim_from(struct buf *b, size_t mark)
{
	size_t start = mark, end = b->len;

	if (b->data == NULL)
		return;
	while (start < end && strchr(" \t\r\n", b->data[start]) != NULL)
		start++;
	while (end > start && strchr(" \t\r\n", b->data[end - 1]) != NULL)
		end--;
	memmove(b->data + mark, b->data + start, end - start);
	b->len = mark + (end - start);
	b->data[b->len] = '\0';
}

/* The value of a hex digit, or -1. */
static int
xlsx_hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Decodes OOXML's _xHHHH_ escapes (how Excel stores CR and controls) in place. */
static void
xlsx_unescape(struct buf *b)
{
	char *s = b->data, *d;
	size_t i, n = b->len;
	unsigned cp;
	int k, h;

	if (s == NULL || memchr(s, '_', n) == NULL)
		return;
	d = s;
	for (i = 0; i < n; i++) {
		if (s[i] == '_' && i + 6 < n && s[i + 1] == 'x' &&
		    s[i + 6] == '_') {
			cp = 0;
			for (k = 2; k < 6; k++) {
				if ((h = xlsx_hexval(s[i + k])) < 0)
					break;
				cp = cp * 16 + h;
			}
			/* At most 3 bytes replace the 7 of the escape. */
			if (k == 6 && (cp < 0xd800 || cp > 0xdfff)) {
				if (cp != 0)
					d += utf8_encode(cp, d);
				i += 6;
				continue;
			}
		}
		*d++ = s[i];
	}
	b->len = d - s;
	s[b->len] = '\0';
}

/* Handles an element of workbook.xml: the sheets and the date system. */
static void
xlsx_workbook_start(void *ud, const XML_Char *name, const XML_Char **attrs)
{
	struct xlsx_reader *r = ud;
	const char *el = xlsx_local(name), *v, *rid;
	struct xlsx_sheet *s;

	if (strcmp(el, "workbookPr") == 0) {
		v = xlsx_attr(attrs, "date1904");
		r->date1904 = v != NULL &&
		    (strcmp(v, "1") == 0 || strcmp(v, "true") == 0);
	} else if (strcmp(el, "sheet") == 0) {
		v = xlsx_attr(attrs, "name");
		rid = xlsx_attr(attrs, "id");
		if (v == NULL || rid == NULL) {
			xlsx_fail(r, "xl/workbook.xml 中有工作表缺少名称或 r:id / "
			    "a sheet in xl/workbook.xml has no name or r:id");
			return;
		}
		r->sheets = xreallocarray(r->sheets, r->nsheets + 1,
		    sizeof *r->sheets);
		s = &r->sheets[r->nsheets++];
		s->name = xstrdup(v);
		s->rid = xstrdup(rid);
	}
}

/* Handles an element of workbook.xml.rels: one relationship. */
static void
xlsx_rels_start(void *ud, const XML_Char *name, const XML_Char **attrs)
{
	struct xlsx_reader *r = ud;
	const char *id, *type, *target, *mode;
	struct xlsx_rel *rel;

	if (strcmp(xlsx_local(name), "Relationship") != 0)
		return;
	id = xlsx_attr(attrs, "Id");
	type = xlsx_attr(attrs, "Type");
	target = xlsx_attr(attrs, "Target");
	mode = xlsx_attr(attrs, "TargetMode");
	if (id == NULL || target == NULL ||
	    (mode != NULL && strcmp(mode, "External") == 0))
		return;
	r->rels = xreallocarray(r->rels, r->nrels + 1, sizeof *r->rels);
	rel = &r->rels[r->nrels++];
	rel->id = xstrdup(id);
	rel->type = xstrdup(type != NULL ? type : "");
	rel->target = xstrdup(target);
}

/* Handles an element of styles.xml: number formats and cell formats. */
static void
xlsx_styles_start(void *ud, const XML_Char *name, const XML_Char **attrs)
{
	struct xlsx_reader *r = ud;
	const char *el = xlsx_local(name), *id, *code;
	long v;

	if (strcmp(el, "numFmts") == 0)
		r->in_numfmts = 1;
	else if (strcmp(el, "cellXfs") == 0)
		r->in_cellxfs = 1;
	else if (r->in_numfmts && strcmp(el, "numFmt") == 0) {
		id = xlsx_attr(attrs, "numFmtId");
		code = xlsx_attr(attrs, "formatCode");
		if (id == NULL || code == NULL ||
		    parse_long(id, 0, LONG_MAX, &v) != 0)
			return;
		r->numfmts = xreallocarray(r->numfmts, r->nnumfmts + 1,
		    sizeof *r->numfmts);
		r->numfmts[r->nnumfmts].id = v;
		r->numfmts[r->nnumfmts].kind = xlsx_code_kind(code);
		r->nnumfmts++;
	} else if (r->in_cellxfs && strcmp(el, "xf") == 0) {
		id = xlsx_attr(attrs, "numFmtId");
		if (id == NULL || parse_long(id, 0, LONG_MAX, &v) != 0)
			v = 0;
		r->xfnumfmt = xreallocarray(r->xfnumfmt, r->nxf + 1,
		    sizeof *r->xfnumfmt);
		r->xfnumfmt[r->nxf++] = v;
	}
}

/* Handles the end of an element of styles.xml. */
static void
xlsx_styles_end(void *ud, const XML_Char *name)
{
	struct xlsx_reader *r = ud;
	const char *el = xlsx_local(name);

	if (strcmp(el, "numFmts") == 0)
		r->in_numfmts = 0;
	else if (strcmp(el, "cellXfs") == 0)
		r->in_cellxfs = 0;
}

/* What cells with number format id display, custom formats first. */
static enum xlsx_kind
xlsx_numfmt_kind(struct xlsx_reader *r, long id)
{
	for (size_t i = r->nnumfmts; i > 0; i--) {
		if (r->numfmts[i - 1].id == id)
			return r->numfmts[i - 1].kind;
	}
	return xlsx_builtin_kind(id);
}

/* Starts collecting the text of a <t> element. */
static void
xlsx_t_start(struct xlsx_reader *r, const char **attrs)
{
	const char *space = xlsx_attr(attrs, "space");

	r->in_t = 1;
	r->tmark = r->text.len;
	r->preserve = space != NULL && strcmp(space, "preserve") == 0;
}

/* Ends a <t> element: unpreserved whitespace around it is not text. */
static void
xlsx_t_end(struct xlsx_reader *r)
{
	if (!r->preserve)
		xlsx_trim_from(&r->text, r->tmark);
	r->in_t = 0;
}

/* Handles an element of sharedStrings.xml. */
static void
xlsx_sst_start(void *ud, const XML_Char *name, const XML_Char **attrs)
{
	struct xlsx_reader *r = ud;
	const char *el = xlsx_local(name);

	if (strcmp(el, "si") == 0) {
		r->in_si = 1;
		r->in_rph = 0;
		buf_reset(&r->text);
	} else if (strcmp(el, "rPh") == 0)
		r->in_rph++;
	else if (strcmp(el, "t") == 0 && r->in_si && r->in_rph == 0)
		xlsx_t_start(r, attrs);
}

/* Handles the end of an element of sharedStrings.xml: stores a string. */
static void
xlsx_sst_end(void *ud, const XML_Char *name)
{
	struct xlsx_reader *r = ud;
	const char *el = xlsx_local(name);

	if (strcmp(el, "rPh") == 0 && r->in_rph > 0)
		r->in_rph--;
	else if (strcmp(el, "t") == 0 && r->in_t)
		xlsx_t_end(r);
	else if (strcmp(el, "si") == 0 && r->in_si) {
		r->in_si = 0;
		xlsx_unescape(&r->text);
		if (!utf8_valid(r->text.data != NULL ? r->text.data : "",
		    r->text.len)) {
			xlsx_fail(r, "xl/sharedStrings.xml 第 %zu 条字符串不是有效的 "
			    "UTF-8 / shared string %zu is not valid UTF-8",
			    r->nsst, r->nsst);
			return;
		}
		if (r->nsst == r->sstcap) {
			r->sstcap = r->sstcap == 0 ? 256 : r->sstcap * 2;
			r->sstoff = xreallocarray(r->sstoff, r->sstcap,
			    sizeof *r->sstoff);
		}
		r->sstoff[r->nsst++] = r->sst.len;
		buf_add(&r->sst, r->text.data != NULL ? r->text.data : "",
		    r->text.len + 1);
		buf_reset(&r->text);
	}
}

/* Collects text inside a <t> that counts (shared strings, inline strings). */
static void
xlsx_sst_text(void *ud, const XML_Char *s, int len)
{
	struct xlsx_reader *r = ud;

	if (r->in_t && r->in_rph == 0)
		buf_add(&r->text, s, len);
}

/* "C12" for column col of the current row, into buf (≥ 32 bytes). */
static const char *
xlsx_cellname(struct xlsx_reader *r, size_t col, char *buf, size_t len)
{
	char letters[8];

	table_colname(col, letters);
	snprintf(buf, len, "%s%zu", letters, r->rownum);
	return buf;
}

/* Parses a cell reference "C12" into a 0-based column; -1 if malformed. */
static int
xlsx_parse_ref(const char *ref, size_t *col)
{
	size_t c = 0, n = 0;
	const char *p;

	for (p = ref; (*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z');
	    p++) {
		if (++n > 3)
			return -1;
		c = c * 26 + ((*p | 0x20) - 'a' + 1);
	}
	if (n == 0 || c > XLSX_MAX_COLUMN)
		return -1;
	if (*p < '1' || *p > '9')
		return -1;
	while (*p >= '0' && *p <= '9')
		p++;
	if (*p != '\0')
		return -1;
	*col = c - 1;
	return 0;
}

/* Handles <row>: its number, and a fresh row. */
static void
xlsx_row_start(struct xlsx_reader *r, const char **attrs)
{
	const char *v = xlsx_attr(attrs, "r");
	long n;

	if (v != NULL) {
		if (parse_long(v, 1, XLSX_MAX_ROW, &n) != 0) {
			xlsx_fail(r, "%s 中第 %zu 行之后的行号“%s”无效 / part %s: "
			    "invalid row number \"%s\" after row %zu",
			    r->part.name, r->rownum, v, r->part.name, v,
			    r->rownum);
			return;
		}
		if ((size_t)n <= r->rownum) {
			r->base.err_line = n;
			xlsx_fail(r, "%s 中第 %ld 行出现在第 %zu 行之后（顺序错乱） / "
			    "part %s: row %ld comes after row %zu (rows out of "
			    "order)", r->part.name, n, r->rownum, r->part.name,
			    n, r->rownum);
			return;
		}
		r->rownum = n;
	} else
		r->rownum++;
	r->in_row = 1;
	r->nextcol = 0;
	sheet_rows_start(&r->rows, r->rownum);
}

/* Handles <c>: where the cell is and what type its value has. */
static void
xlsx_cell_start(struct xlsx_reader *r, const char **attrs)
{
	const char *ref = xlsx_attr(attrs, "r"), *t = xlsx_attr(attrs, "t");
	const char *s = xlsx_attr(attrs, "s");
	char name[32];
	size_t i, col;

	if (ref != NULL) {
		if (xlsx_parse_ref(ref, &col) != 0) {
			r->base.err_line = r->rownum;
			xlsx_fail(r, "%s 第 %zu 行的单元格引用“%s”无效 / part %s, "
			    "row %zu: invalid cell reference \"%s\"",
			    r->part.name, r->rownum, ref, r->part.name,
			    r->rownum, ref);
			return;
		}
		if (col < r->nextcol) {
			r->base.err_line = r->rownum;
			xlsx_cellname(r, r->nextcol - 1, name, sizeof name);
			xlsx_fail(r, "%s 第 %zu 行的单元格 %s 出现在 %s 之后（顺序错乱）"
			    " / part %s, row %zu: cell %s comes after %s (cells "
			    "out of order)", r->part.name, r->rownum, ref, name,
			    r->part.name, r->rownum, ref, name);
			return;
		}
	} else
		col = r->nextcol;
	r->col = col;
	r->nextcol = col + 1;
	r->ctype = XLSX_T_NUMBER;
	if (t != NULL) {
		for (i = 0; i < nitems(xlsx_types); i++) {
			if (strcmp(t, xlsx_types[i].name) == 0)
				break;
		}
		if (i == nitems(xlsx_types)) {
			r->base.err_line = r->rownum;
			xlsx_cellname(r, col, name, sizeof name);
			xlsx_fail(r, "%s 中单元格 %s 的类型“%s”未知 / part %s: "
			    "cell %s has unknown type \"%s\"", r->part.name,
			    name, t, r->part.name, name, t);
			return;
		}
		r->ctype = xlsx_types[i].type;
	}
	if (s == NULL || parse_long(s, 0, LONG_MAX, &r->cstyle) != 0)
		r->cstyle = -1;
	r->in_c = 1;
	r->in_is = r->in_v = r->in_t = r->in_rph = 0;
	buf_reset(&r->text);
}

/* Formats the collected text of the current cell into r->value. */
static int
xlsx_cell_value(struct xlsx_reader *r, const char *name)
{
	const char *text = r->text.data != NULL ? r->text.data : "";
	enum xlsx_kind kind;
	double v;
	long idx;

	buf_reset(&r->value);
	switch (r->ctype) {
	case XLSX_T_SHARED:
		if (*text == '\0')
			return 0;
		if (parse_long(text, 0, LONG_MAX, &idx) != 0) {
			xlsx_fail(r, "%s 中单元格 %s 的共享字符串编号“%s”无效 / "
			    "part %s: cell %s has an invalid shared-string "
			    "index \"%s\"", r->part.name, name, text,
			    r->part.name, name, text);
			return -1;
		}
		if ((size_t)idx >= r->nsst) {
			xlsx_fail(r, "%s 中单元格 %s 引用的共享字符串 %ld 不存在"
			    "（共 %zu 条） / part %s: cell %s refers to shared "
			    "string %ld, but the workbook has only %zu",
			    r->part.name, name, idx, r->nsst, r->part.name,
			    name, idx, r->nsst);
			return -1;
		}
		buf_addstr(&r->value, r->sst.data + r->sstoff[idx]);
		return 0;
	case XLSX_T_INLINE:
	case XLSX_T_STR:
	case XLSX_T_ERROR:
		xlsx_unescape(&r->text);
		buf_add(&r->value, r->text.data, r->text.len);
		return 0;
	case XLSX_T_BOOL:
		if (*text == '\0')
			return 0;
		if (strcmp(text, "1") == 0 || strcmp(text, "true") == 0)
			buf_addstr(&r->value, "TRUE");
		else if (strcmp(text, "0") == 0 || strcmp(text, "false") == 0)
			buf_addstr(&r->value, "FALSE");
		else {
			xlsx_fail(r, "%s 中单元格 %s 的逻辑值“%s”无效 / part %s: "
			    "cell %s has an invalid boolean \"%s\"",
			    r->part.name, name, text, r->part.name, name, text);
			return -1;
		}
		return 0;
	case XLSX_T_DATE:
		xlsx_format_iso_date(text, &r->value);
		return 0;
	case XLSX_T_NUMBER:
		break;
	}
	if (*text == '\0')
		return 0;
	if (xlsx_parse_number(text, &v) != 0) {
		xlsx_fail(r, "%s 中单元格 %s 的数值“%s”无效 / part %s: cell %s "
		    "has an invalid number \"%s\"", r->part.name, name, text,
		    r->part.name, name, text);
		return -1;
	}
	kind = XLSX_NUMBER;
	if (r->cstyle >= 0 && (size_t)r->cstyle < r->nxf)
		kind = r->xfkind[r->cstyle];
	sheet_number(v, kind, r->date1904, &r->value);
	return 0;
}

/* Handles </c>: the value joins the row (table_sheet.c). */
static void
xlsx_cell_end(struct xlsx_reader *r)
{
	char name[32], *cause = NULL;

	r->in_c = 0;
	xlsx_cellname(r, r->col, name, sizeof name);
	if (xlsx_cell_value(r, name) != 0) {
		r->base.err_line = r->rownum;
		return;
	}
	if (sheet_rows_add(&r->rows, r->col, r->value.data, r->value.len,
	    &cause) != 0) {
		xlsx_fail(r, "%s", cause);
		free(cause);
	}
}

/* Handles </row>: a row with any text is handed out by suspending expat. */
static void
xlsx_row_end(struct xlsx_reader *r)
{
	char *cause = NULL;

	r->in_row = 0;
	switch (sheet_rows_end(&r->rows, &r->ready, &cause)) {
	case 0:
		return;
	case -1:
		xlsx_fail(r, "%s", cause);
		free(cause);
		return;
	}
	XML_StopParser(r->parser, XML_TRUE);
}

/* Handles an element of the sheet. */
static void
xlsx_sheet_start(void *ud, const XML_Char *name, const XML_Char **attrs)
{
	struct xlsx_reader *r = ud;
	const char *el = xlsx_local(name);

	if (!r->in_sheetdata) {
		if (strcmp(el, "sheetData") == 0)
			r->in_sheetdata = 1;
	} else if (r->in_c) {
		if (strcmp(el, "v") == 0)
			r->in_v = 1;
		else if (strcmp(el, "is") == 0)
			r->in_is = 1;
		else if (strcmp(el, "rPh") == 0)
			r->in_rph++;
		else if (strcmp(el, "t") == 0 && r->in_is && r->in_rph == 0)
			xlsx_t_start(r, attrs);
	} else if (r->in_row) {
		if (strcmp(el, "c") == 0)
			xlsx_cell_start(r, attrs);
	} else if (strcmp(el, "row") == 0)
		xlsx_row_start(r, attrs);
}

/* Handles the end of an element of the sheet. */
static void
xlsx_sheet_end(void *ud, const XML_Char *name)
{
	struct xlsx_reader *r = ud;
	const char *el = xlsx_local(name);

	if (!r->in_sheetdata)
		return;
	if (r->in_c) {
		if (strcmp(el, "c") == 0)
			xlsx_cell_end(r);
		else if (strcmp(el, "v") == 0)
			r->in_v = 0;
		else if (strcmp(el, "is") == 0)
			r->in_is = 0;
		else if (strcmp(el, "rPh") == 0 && r->in_rph > 0)
			r->in_rph--;
		else if (strcmp(el, "t") == 0 && r->in_t)
			xlsx_t_end(r);
	} else if (r->in_row) {
		if (strcmp(el, "row") == 0)
			xlsx_row_end(r);
	} else if (strcmp(el, "sheetData") == 0)
		r->in_sheetdata = 0;
}

/* Collects the text of a cell's <v> or inline <t>, within the row limit. */
static void
xlsx_sheet_text(void *ud, const XML_Char *s, int len)
{
	struct xlsx_reader *r = ud;
	char *cause = NULL;

	if (!r->in_c || !(r->in_v || (r->in_t && r->in_rph == 0)))
		return;
	/* The row's text and text.len never exceed the limit: checked on the way. */
	if (sheet_rows_room(&r->rows, r->col, r->text.len + (size_t)len,
	    &cause) != 0) {
		xlsx_fail(r, "%s", cause);
		free(cause);
		return;
	}
	buf_add(&r->text, s, len);
}

/* Resolves a relationship target against xl/, folding "." and "..". */
static char *
xlsx_resolve(const char *target)
{
	struct buf b = { 0 };
	const char *p, *seg;
	size_t n;
	char *slash;

	if (*target == '/')
		p = target + 1;
	else {
		buf_addstr(&b, "xl");
		p = target;
	}
	while (*p != '\0') {
		seg = p;
		n = strcspn(p, "/");
		p += n;
		if (*p == '/')
			p++;
		if (n == 0 || (n == 1 && seg[0] == '.'))
			continue;
		if (n == 2 && seg[0] == '.' && seg[1] == '.') {
			if (b.len > 0) {
				slash = strrchr(b.data, '/');
				b.len = slash != NULL ? (size_t)(slash - b.data) : 0;
				b.data[b.len] = '\0';
			}
			continue;
		}
		if (b.len > 0)
			buf_addc(&b, '/');
		buf_add(&b, seg, n);
	}
	return buf_take(&b);
}

/* Whether a relationship type URI ends with this name ("/worksheet"). */
static int
xlsx_rel_is(const struct xlsx_rel *rel, const char *what)
{
	size_t n = strlen(rel->type), m = strlen(what);

	return n > m && rel->type[n - m - 1] == '/' &&
	    strcmp(rel->type + n - m, what) == 0;
}

/* The relationship with this Id, or NULL. */
static const struct xlsx_rel *
xlsx_rel_find(struct xlsx_reader *r, const char *id)
{
	size_t i;

	for (i = 0; i < r->nrels; i++) {
		if (strcmp(r->rels[i].id, id) == 0)
			return &r->rels[i];
	}
	return NULL;
}

/* The part of the first relationship of this type, else fallback; caller frees. */
static char *
xlsx_rel_part(struct xlsx_reader *r, const char *type, const char *fallback)
{
	size_t i;

	for (i = 0; i < r->nrels; i++) {
		if (xlsx_rel_is(&r->rels[i], type))
			return xlsx_resolve(r->rels[i].target);
	}
	return xstrdup(fallback);
}

/* The sheets' names, in tab order; caller frees the array only. */
static const char **
xlsx_sheet_names(struct xlsx_reader *r)
{
	const char **names = xcalloc(r->nsheets + 1, sizeof *names);

	for (size_t i = 0; i < r->nsheets; i++)
		names[i] = r->sheets[i].name;
	return names;
}

/* Index of the first sheet that is a worksheet (not a chart), or -1. */
static long
xlsx_first_worksheet(struct xlsx_reader *r)
{
	const struct xlsx_rel *rel;
	size_t i;

	for (i = 0; i < r->nsheets; i++) {
		rel = xlsx_rel_find(r, r->sheets[i].rid);
		if (rel != NULL && xlsx_rel_is(rel, "worksheet"))
			return i;
	}
	return -1;
}

/* Finds the part holding the chosen sheet; caller frees. */
static char *
xlsx_find_sheet(struct xlsx_reader *r, const char *sheet, char **cause)
{
	const struct xlsx_rel *rel;
	const char **names;
	long i;

	if (sheet == NULL) {
		if ((i = xlsx_first_worksheet(r)) < 0) {
			*cause = sheet_none_message();
			return NULL;
		}
	} else {
		names = xlsx_sheet_names(r);
		if ((i = sheet_pick(names, r->nsheets, sheet)) < 0)
			*cause = sheet_missing_message(names, r->nsheets,
			    r->nsheets, sheet);
		free(names);
		if (i < 0)
			return NULL;
	}
	rel = xlsx_rel_find(r, r->sheets[i].rid);
	if (rel == NULL) {
		*cause = xasprintf("工作表“%s”在 xl/_rels/workbook.xml.rels 中没有"
		    "对应的关系 %s / sheet \"%s\" has no relationship %s in "
		    "xl/_rels/workbook.xml.rels", r->sheets[i].name,
		    r->sheets[i].rid, r->sheets[i].name, r->sheets[i].rid);
		return NULL;
	}
	if (!xlsx_rel_is(rel, "worksheet")) {
		*cause = xasprintf("“%s”是图表或对话框工作表，不是数据表 / \"%s\" "
		    "is a chart or dialog sheet, not a worksheet",
		    r->sheets[i].name, r->sheets[i].name);
		return NULL;
	}
	return xlsx_resolve(rel->target);
}

/* The message for a zip that holds no workbook; caller frees. */
static char *
xlsx_not_workbook_message(struct xlsx_reader *r)
{
	size_t i;

	for (i = 0; i < nitems(xlsx_lookalikes); i++) {
		if (!xlsx_part_exists(r, xlsx_lookalikes[i].part))
			continue;
		return xasprintf("这是%s，不是 Excel 工作簿，请另存为 .xlsx / "
		    "this is %s, not an Excel workbook; save it as .xlsx",
		    xlsx_lookalikes[i].zh, xlsx_lookalikes[i].en);
	}
	return xstrdup("这个 zip 文件不是 Excel 工作簿（缺少 xl/workbook.xml） / "
	    "the zip file is not an Excel workbook (no xl/workbook.xml)");
}

/* Checks size and magic before libzip sees the file. */
static int
xlsx_check_file(const char *path, const struct table_limits *lim, char **cause)
{
	static const unsigned char ole[4] = { 0xd0, 0xcf, 0x11, 0xe0 };
	unsigned char magic[4];
	FILE *f;
	size_t n;

	if (table_check_file(path, lim, cause) != 0)
		return -1;
	if ((f = fopen(path, "rb")) == NULL) {
		*cause = xasprintf("无法打开文件：%s / cannot open the file: %s",
		    strerror(errno), strerror(errno));
		return -1;
	}
	n = fread(magic, 1, sizeof magic, f);
	fclose(f);
	if (n == 0) {
		*cause = xstrdup("文件是空的 / the file is empty");
		return -1;
	}
	if (n == sizeof magic && memcmp(magic, ole, sizeof ole) == 0) {
		*cause = xstrdup("这是旧版 .xls 文件或加密的工作簿，请另存为不加密的 "
		    ".xlsx / this is an old .xls file or a password-protected "
		    "workbook; save it as .xlsx without a password");
		return -1;
	}
	if (n < 2 || magic[0] != 'P' || magic[1] != 'K') {
		*cause = xstrdup("这不是 XLSX 文件（不是 zip 格式） / this is not "
		    "an XLSX file (not a zip archive)");
		return -1;
	}
	return 0;
}

/* Reads workbook.xml, its relationships and styles, and shared strings. */
static int
xlsx_load(struct xlsx_reader *r, const char *sheet, char **sheetpart,
    char **cause)
{
	char *part;
	size_t i;
	int rc;

	if (!xlsx_part_exists(r, "xl/workbook.xml")) {
		*cause = xlsx_not_workbook_message(r);
		return -1;
	}
	if (xlsx_parse_part(r, "xl/workbook.xml", xlsx_workbook_start, NULL,
	    NULL, cause) != 0)
		return -1;
	if (xlsx_parse_part(r, "xl/_rels/workbook.xml.rels", xlsx_rels_start,
	    NULL, NULL, cause) != 0)
		return -1;
	if ((*sheetpart = xlsx_find_sheet(r, sheet, cause)) == NULL)
		return -1;

	part = xlsx_rel_part(r, "styles", "xl/styles.xml");
	rc = 0;
	if (xlsx_part_exists(r, part))
		rc = xlsx_parse_part(r, part, xlsx_styles_start,
		    xlsx_styles_end, NULL, cause);
	free(part);
	if (rc != 0)
		return -1;
	r->xfkind = xcalloc(r->nxf > 0 ? r->nxf : 1, 1);
	for (i = 0; i < r->nxf; i++)
		r->xfkind[i] = xlsx_numfmt_kind(r, r->xfnumfmt[i]);

	part = xlsx_rel_part(r, "sharedStrings", "xl/sharedStrings.xml");
	if (xlsx_part_exists(r, part))
		rc = xlsx_parse_part(r, part, xlsx_sst_start, xlsx_sst_end,
		    xlsx_sst_text, cause);
	free(part);
	buf_free(&r->text);
	return rc;
}

/* Opens sheet (NULL: the first worksheet) of the workbook at path. */
struct table_reader *
table_xlsx_open(const char *path, const char *sheet,
    const struct table_limits *lim, char **cause)
{
	struct xlsx_reader *r;
	char *sheetpart = NULL;
	int ze;

	if (lim == NULL)
		fatal("%s: no limits", __func__);
	if (xlsx_check_file(path, lim, cause) != 0)
		return NULL;
	r = xcalloc(1, sizeof *r);
	r->base.ops = &xlsx_ops;
	r->base.charset = "UTF-8";
	r->lim = lim;
	sheet_rows_init(&r->rows, &r->base, lim);
	r->zip = zip_open(path, ZIP_RDONLY | ZIP_CHECKCONS, &ze);
	if (r->zip == NULL) {
		*cause = xlsx_zip_message(ze, NULL);
		goto fail;
	}
	if (xlsx_load(r, sheet, &sheetpart, cause) != 0)
		goto fail;
	if (!xlsx_part_exists(r, sheetpart)) {
		*cause = xasprintf("XLSX 文件缺少工作表数据 %s / the XLSX file has "
		    "no part %s for the sheet", sheetpart, sheetpart);
		goto fail;
	}
	if (xlsx_part_open(r, sheetpart, cause) != 0)
		goto fail;
	r->parser = xlsx_parser_new(r, xlsx_sheet_start, xlsx_sheet_end,
	    xlsx_sheet_text);
	free(sheetpart);
	return &r->base;

fail:
	free(sheetpart);
	xlsx_close(&r->base);
	return NULL;
}

/* Runs expat until a row is complete (1), the sheet ends (0) or fails (-1). */
static int
xlsx_advance(struct xlsx_reader *r, char **cause)
{
	enum XML_Status st;
	zip_int64_t n;
	void *buf;

	for (;;) {
		if (r->suspended) {
			r->suspended = 0;
			st = XML_ResumeParser(r->parser);
		} else if (r->final)
			return 0;
		else {
			if ((buf = XML_GetBuffer(r->parser, XLSX_CHUNK)) == NULL)
				fatal("%s: out of memory", __func__);
			if ((n = xlsx_part_read(r, buf, XLSX_CHUNK, cause)) < 0)
				return -1;
			r->final = n == 0;
			st = XML_ParseBuffer(r->parser, (int)n, r->final);
		}
		if (st == XML_STATUS_ERROR) {
			*cause = xlsx_xml_message(r);
			return -1;
		}
		if (st == XML_STATUS_SUSPENDED) {
			r->suspended = 1;
			return 1;
		}
	}
}

/* Hands out the next row with any text in it. */
static int
xlsx_next(struct table_reader *base, struct table_row *row, char **cause)
{
	struct xlsx_reader *r = (struct xlsx_reader *)base;
	int rc;

	if (r->failed != NULL) {
		*cause = xstrdup(r->failed);
		return -1;
	}
	if (r->done)
		return 0;
	rc = xlsx_advance(r, cause);
	if (rc < 0) {
		r->failed = xstrdup(*cause);
		return -1;
	}
	if (rc == 0) {
		r->done = 1;
		xlsx_part_close(r);
		return 0;
	}
	*row = r->ready;
	return 1;
}

/* Frees the reader and everything it holds. */
static void
xlsx_close(struct table_reader *base)
{
	struct xlsx_reader *r = (struct xlsx_reader *)base;
	size_t i;

	if (r == NULL)
		return;
	if (r->parser != NULL)
		XML_ParserFree(r->parser);
	xlsx_part_close(r);
	if (r->zip != NULL)
		zip_discard(r->zip);
	free(r->herr);
	for (i = 0; i < r->nsheets; i++) {
		free(r->sheets[i].name);
		free(r->sheets[i].rid);
	}
	free(r->sheets);
	for (i = 0; i < r->nrels; i++) {
		free(r->rels[i].id);
		free(r->rels[i].type);
		free(r->rels[i].target);
	}
	free(r->rels);
	free(r->numfmts);
	free(r->xfnumfmt);
	free(r->xfkind);
	buf_free(&r->sst);
	free(r->sstoff);
	buf_free(&r->text);
	buf_free(&r->value);
	sheet_rows_free(&r->rows);
	free(r->failed);
	free(r);
}
