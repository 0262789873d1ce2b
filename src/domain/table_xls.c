/*
 * table_xls.c — one worksheet of an Excel 97–2003 workbook (.xls, BIFF5
 * and BIFF8) as rows of UTF-8 cells, read with FreeXL.
 *
 * FreeXL keeps every worksheet's cells in memory, in an array as large as
 * each sheet's DIMENSION record declares.  So before the cells are loaded
 * the workbook is opened for its metadata only, and each sheet's declared
 * size is checked against the limits and against XLS_MAX_CELLS: a small
 * file that declares 65,536 × 256 cells (an .xls bomb) is refused before
 * anything is allocated for it.  Rows are then handed out one at a time,
 * built by the row builder the XLSX and SpreadsheetML readers use too
 * (table_sheet.c): the same limits, sheet choice, numbers and messages.
 *
 * Excel 5.0/95 (BIFF5) keeps text in the workbook's code page, CP936 (GBK)
 * in a Chinese office.  FreeXL 1.0.6 misreads BIFF5 FORMAT records: it takes
 * the string's first byte for its length and converts what lies beyond the
 * record too, so a GBK workbook is refused (or opened as no workbook at all)
 * whenever those stray bytes are not valid GBK.  Such a workbook is handed to
 * FreeXL as a private copy whose CODEPAGE record says CP437, a code page in
 * which any byte is a character; each text cell is turned back into its bytes
 * and decoded from the workbook's real code page here (xls_recode).
 */
#include <errno.h>
#include <fcntl.h>
#include <iconv.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <freexl.h>

#include "table_sheet.h"

#define XLS_MAX_CELLS		(8UL * 1024 * 1024)	/* all sheets, as declared */

/* What FreeXL's errors mean to the person who uploaded the file. */
static const struct {
	int		 code;		/* FREEXL_* */
	const char	*msg;		/* "中文 / English" */
} xls_errors[] = {
	{ FREEXL_INSUFFICIENT_MEMORY, "读取 .xls 文件时内存不足 / out of memory "
	    "reading the .xls file" },
	{ FREEXL_BIFF_WORKBOOK_NOT_FOUND, "这个 OLE 文件里没有 Excel 工作簿（可能是"
	    " Word 或其他 Office 文档） / this OLE file holds no Excel workbook "
	    "(it may be a Word or other Office document)" },
	{ FREEXL_UNSUPPORTED_CHARSET, ".xls 文件使用了不支持的字符集 / the .xls "
	    "file uses a charset that is not supported" },
	{ FREEXL_INVALID_CHARACTER, ".xls 文件中的文字与其声明的字符集不符 / the "
	    ".xls file holds text that is not in its declared charset" },
	/*
	 * A workbook under 4 KiB is kept in the file's mini stream, which
	 * FreeXL 1.0.6 refuses for valid files too (SheetJS's, for one):
	 * its limit, not the file's fault, so the clerk is told what works.
	 */
	{ FREEXL_INVALID_MINI_STREAM, "这个 .xls 文件很小（工作簿不足 4 KiB），本系统读取 .xls "
	    "所用的 FreeXL 读不了这种文件；请在 Excel 或 WPS 中另存为 .xlsx 后上传 / this .xls "
	    "file is small (a workbook under 4 KiB), and FreeXL, which reads .xls files here, "
	    "cannot read such files; save it as .xlsx in Excel or WPS and upload that" },
};

struct xls_reader {
	struct table_reader	 base;		/* must be first */
	const struct table_limits *lim;		/* not owned */
	const void		*xls;		/* FreeXL's handle */
	unsigned int		 nrows;		/* the sheet's declared rows */
	unsigned short		 ncols;		/* and columns */
	unsigned int		 next;		/* 0-based row to read next */
	struct sheet_rows	 rows;		/* the row being built */
	struct buf		 cell;		/* the text of one cell */
	iconv_t			 to437;		/* BIFF5: UTF-8 → CP437 bytes, or (iconv_t)-1 */
	iconv_t			 fromcp;	/* and the workbook's code page → UTF-8 */
	char			*codepage;	/* its iconv name ("CP936"); NULL if not recoded */
};

static int	xls_next(struct table_reader *, struct table_row *, char **);
static void	xls_close(struct table_reader *);

static const struct table_ops xls_ops = { "xls", xls_next, xls_close };

/* The message for FreeXL's error rc; caller frees. */
static char *
xls_message(int rc)
{
	size_t i;

	for (i = 0; i < sizeof xls_errors / sizeof xls_errors[0]; i++) {
		if (xls_errors[i].code == rc)
			return xstrdup(xls_errors[i].msg);
	}
	return xasprintf(".xls 文件已损坏或不完整（FreeXL 错误 %d），请在 Excel 或 "
	    "WPS 中打开后另存 / the .xls file is damaged or truncated (FreeXL "
	    "error %d); open it in Excel or WPS and save it again", rc, rc);
}

/*
 * Finds the sheet named sheet (table_sheet.c's choice; NULL for the first)
 * among the workbook's nsheets; its index, or -1 with *cause.
 */
static long
xls_find_sheet(const void *xls, unsigned int nsheets, const char *sheet,
    char **cause)
{
	const char **names;
	unsigned int i;
	long idx;

	if (nsheets == 0) {
		*cause = sheet_none_message();
		return -1;
	}
	if (sheet == NULL)
		return 0;
	names = xcalloc(nsheets, sizeof *names);
	for (i = 0; i < nsheets; i++) {
		if (freexl_get_worksheet_name(xls, (unsigned short)i, &names[i]) !=
		    FREEXL_OK)
			names[i] = NULL;
	}
	if ((idx = sheet_pick(names, nsheets, sheet)) < 0)
		*cause = sheet_missing_message(names, nsheets, nsheets, sheet);
	free(names);
	return idx;
}

/* Reads n bytes at off: 0, or -1 on a short read. */
static int
xls_pread(int fd, void *buf, size_t n, off_t off)
{
	return pread(fd, buf, n, off) == (ssize_t)n ? 0 : -1;
}

static uint32_t
le32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	    (uint32_t)p[3] << 24;
}

/* The compound file's next sector after sect, by the FAT; CFB_END if unknown. */
#define CFB_END	0xfffffffeU
static uint32_t
xls_fat_next(int fd, const unsigned char *hdr, size_t ssz, uint32_t sect)
{
	size_t per = ssz / 4, idx = sect / per;
	unsigned char v[4];

	/* The header lists the first 109 FAT sectors: 6.9 MB of a 512-byte-sector file. */
	if (idx >= 109 || xls_pread(fd, v, 4, ((off_t)le32(hdr + 0x4c + 4 * idx) + 1) *
	    (off_t)ssz + (off_t)(sect % per) * 4) != 0)
		return CFB_END;
	return le32(v);
}

/* Is the 128-byte directory entry e the stream "Book" or "Workbook"? */
static int
xls_is_book(const unsigned char *e)
{
	static const char *const names[] = { "Book", "Workbook" };
	size_t i, j, len;

	if (e[0x42] != 2)		/* a stream */
		return 0;
	for (i = 0; i < 2; i++) {
		len = strlen(names[i]);
		if ((size_t)(e[0x40] | e[0x41] << 8) != 2 * (len + 1))
			continue;
		for (j = 0; j < len && e[2 * j] == (unsigned char)names[i][j] &&
		    e[2 * j + 1] == 0; j++)
			;
		if (j == len)
			return 1;
	}
	return 0;
}

/*
 * Where the value of the workbook's CODEPAGE record lies in the file: its
 * offset, or -1 if it is not in the workbook stream's first sector, where
 * Excel and every other writer put it.
 */
static off_t
xls_codepage_at(int fd)
{
	unsigned char hdr[512], sec[4096];
	uint32_t dir, start = CFB_END, size = 0;
	size_t ssz, at, len;
	int hops;

	if (xls_pread(fd, hdr, sizeof hdr, 0) != 0 ||
	    memcmp(hdr, "\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", 8) != 0 ||
	    (hdr[0x1e] != 9 && hdr[0x1e] != 12) || hdr[0x1f] != 0)
		return -1;
	ssz = (size_t)1 << hdr[0x1e];
	for (dir = le32(hdr + 0x30), hops = 0; dir < 0xfffffffaU && hops < 256 &&
	    start == CFB_END; dir = xls_fat_next(fd, hdr, ssz, dir), hops++) {
		if (xls_pread(fd, sec, ssz, ((off_t)dir + 1) * (off_t)ssz) != 0)
			return -1;
		for (at = 0; at < ssz && start == CFB_END; at += 128)
			if (xls_is_book(sec + at)) {
				start = le32(sec + at + 0x74);
				size = le32(sec + at + 0x78);
			}
	}
	/* A workbook in the mini stream is one FreeXL cannot read at all. */
	if (start >= 0xfffffffaU || size < le32(hdr + 0x38) ||
	    xls_pread(fd, sec, ssz, ((off_t)start + 1) * (off_t)ssz) != 0)
		return -1;
	for (at = 0; at + 4 <= ssz && at + 4 <= size; at += 4 + len) {
		len = (size_t)(sec[at + 2] | sec[at + 3] << 8);
		if (sec[at] == 0x42 && sec[at + 1] == 0 && len == 2 && at + 6 <= ssz)
			return ((off_t)start + 1) * (off_t)ssz + (off_t)at + 4;
	}
	return -1;
}

/*
 * A private copy of the BIFF5 workbook at path whose CODEPAGE record says
 * CP437, already unlinked: an open descriptor (caller closes), or -1 if the
 * record is not found or the copy cannot be made (then the file is read as
 * it is).
 */
static int
xls_copy_as_437(const char *path)
{
	static const unsigned char cp437[2] = { 0xb5, 0x01 };
	const char *tmpdir = getenv("TMPDIR");
	char *copy, chunk[65536];
	int in, out = -1, ok = 0;
	off_t at;
	ssize_t n;

	if ((in = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return -1;
	copy = xasprintf("%s/fairmatch-xls-XXXXXX", tmpdir != NULL && *tmpdir != '\0' ?
	    tmpdir : "/tmp");
	if ((at = xls_codepage_at(in)) < 0 || (out = mkstemp(copy)) == -1)
		goto done;
	/* Nameless from the start: nothing of the upload stays behind, whatever happens. */
	unlink(copy);
	while ((n = read(in, chunk, sizeof chunk)) > 0)
		if (write(out, chunk, (size_t)n) != n)
			goto done;
	ok = n == 0 && pwrite(out, cp437, 2, at) == 2;
done:
	if (out != -1 && !ok) {
		close(out);
		out = -1;
	}
	close(in);
	free(copy);
	return out;
}

/*
 * Text FreeXL read as CP437 from the copy, back to its bytes and then from
 * the workbook's code page to UTF-8, into out: 0, or -1 if the bytes are not
 * text in that code page.
 */
static int
xls_recode(struct xls_reader *r, const char *text, struct buf *out)
{
	size_t inlen = strlen(text), nbytes, left, cap;
	char *bytes = xmalloc(inlen + 1), *utf8, *in = (char *)text, *o = bytes;
	int rc = -1;

	left = inlen;
	iconv(r->to437, NULL, NULL, NULL, NULL);
	if (iconv(r->to437, &in, &inlen, &o, &left) == (size_t)-1)
		goto done;
	nbytes = (size_t)(o - bytes);
	cap = nbytes * 4 + 1;
	utf8 = xmalloc(cap);
	in = bytes;
	o = utf8;
	left = cap;
	iconv(r->fromcp, NULL, NULL, NULL, NULL);
	if (iconv(r->fromcp, &in, &nbytes, &o, &left) != (size_t)-1 &&
	    iconv(r->fromcp, NULL, NULL, &o, &left) != (size_t)-1) {
		buf_add(out, utf8, (size_t)(o - utf8));
		rc = 0;
	}
	free(utf8);
done:
	free(bytes);
	return rc;
}

/*
 * Opens path for its metadata: refuses a password, and any sheet whose
 * declared size is beyond the limits, before FreeXL allocates the cells.
 * Returns the chosen sheet's index, or -1 with *cause; *codepage gets a
 * BIFF5 workbook's code page, 0 for BIFF8.
 */
static long
xls_inspect(const char *path, const char *sheet,
    const struct table_limits *lim, unsigned int *codepage, char **cause)
{
	const void *xls = NULL;
	unsigned int info, nsheets, i, rows;
	unsigned short cols;
	unsigned long long cells = 0;
	const char *name;
	long idx = -1;
	int rc;

	if ((rc = freexl_open_info(path, &xls)) != FREEXL_OK) {
		*cause = xls_message(rc);
		goto out;
	}
	if (freexl_get_info(xls, FREEXL_BIFF_PASSWORD, &info) == FREEXL_OK &&
	    info != FREEXL_BIFF_PLAIN) {
		*cause = xstrdup(".xls 工作簿已加密，请取消密码后另存 / the .xls "
		    "workbook is encrypted; remove the password and save it again");
		goto out;
	}
	*codepage = 0;
	if (freexl_get_info(xls, FREEXL_BIFF_VERSION, &info) == FREEXL_OK &&
	    info == FREEXL_BIFF_VER_5 &&
	    freexl_get_info(xls, FREEXL_BIFF_CODEPAGE, &info) == FREEXL_OK)
		*codepage = info;
	if (freexl_get_info(xls, FREEXL_BIFF_SHEET_COUNT, &nsheets) != FREEXL_OK)
		nsheets = 0;
	if ((idx = xls_find_sheet(xls, nsheets, sheet, cause)) < 0)
		goto out;
	for (i = 0; i < nsheets; i++) {
		if (freexl_select_active_worksheet(xls, (unsigned short)i) !=
		    FREEXL_OK || freexl_worksheet_dimensions(xls, &rows, &cols) !=
		    FREEXL_OK)
			continue;
		if (freexl_get_worksheet_name(xls, (unsigned short)i, &name) !=
		    FREEXL_OK || name == NULL)
			name = "?";
		cells += (unsigned long long)rows * cols;
		if ((long)i == idx && rows > 0 && rows - 1 > lim->max_rows) {
			*cause = xasprintf("工作表“%s”声明了 %u 行，超过 %zu 行数据的"
			    "上限 / sheet \"%s\" declares %u rows, more than the "
			    "limit of %zu data rows", name, rows, lim->max_rows,
			    name, rows, lim->max_rows);
			idx = -1;
			goto out;
		}
		if ((long)i == idx && cols > lim->max_cols) {
			*cause = xasprintf("工作表“%s”声明了 %u 列，超过 %zu 列的上限 "
			    "/ sheet \"%s\" declares %u columns, more than the "
			    "limit of %zu", name, (unsigned)cols, lim->max_cols,
			    name, (unsigned)cols, lim->max_cols);
			idx = -1;
			goto out;
		}
		if (cells > XLS_MAX_CELLS) {
			*cause = xasprintf(".xls 工作簿声明的单元格超过 %lu 个（工作表"
			    "“%s”为 %u 行 × %u 列），不予读取；请删除空行空列后另存，"
			    "或另存为 .xlsx / the .xls workbook declares more than "
			    "%lu cells (sheet \"%s\" is %u rows × %u columns) and is "
			    "not read; delete the empty rows and columns and save "
			    "it again, or save it as .xlsx", XLS_MAX_CELLS, name,
			    rows, (unsigned)cols, XLS_MAX_CELLS, name, rows,
			    (unsigned)cols);
			idx = -1;
			goto out;
		}
	}
out:
	if (xls != NULL)
		freexl_close(xls);
	return idx;
}

/*
 * Sets r up to read a BIFF5 workbook in code page cp from a CP437 copy of
 * path (see the top of this file): the copy's descriptor, which the caller
 * closes, or -1 if path is read as it is.
 */
static int
xls_recode_setup(struct xls_reader *r, const char *path, unsigned int cp)
{
	char *name;
	int fd = -1;

	if (cp == 0 || cp == FREEXL_BIFF_CP437 || cp == FREEXL_BIFF_UTF16LE)
		return -1;
	name = cp == 0x8000 ? xstrdup("MACINTOSH") : xasprintf("CP%u", cp);
	if ((r->to437 = iconv_open("CP437", "UTF-8")) != (iconv_t)-1 &&
	    (r->fromcp = iconv_open("UTF-8", name)) != (iconv_t)-1 &&
	    (fd = xls_copy_as_437(path)) != -1) {
		r->codepage = name;
		return fd;
	}
	free(name);
	return -1;
}

struct table_reader *
table_xls_open(const char *path, const char *sheet,
    const struct table_limits *lim, char **cause)
{
	struct xls_reader *r;
	unsigned int codepage;
	char copyname[64];
	long idx;
	int copy, rc;

	if (lim == NULL)
		lim = &table_default_limits;
	if (table_check_file(path, lim, cause) != 0)
		return NULL;
	if ((idx = xls_inspect(path, sheet, lim, &codepage, cause)) < 0)
		return NULL;
	r = xcalloc(1, sizeof *r);
	r->base.ops = &xls_ops;
	r->base.charset = "xls";
	r->lim = lim;
	r->to437 = r->fromcp = (iconv_t)-1;
	sheet_rows_init(&r->rows, &r->base, lim);
	/* FreeXL opens by name: the unlinked copy's is its descriptor's under /proc. */
	if ((copy = xls_recode_setup(r, path, codepage)) != -1)
		snprintf(copyname, sizeof copyname, "/proc/self/fd/%d", copy);
	rc = freexl_open(copy != -1 ? copyname : path, &r->xls);
	if (copy != -1)
		close(copy);		/* FreeXL has read it all */
	/* FreeXL 1.0.6 can fail a record yet say FREEXL_OK, with no handle. */
	if (rc != FREEXL_OK || r->xls == NULL) {
		*cause = xls_message(rc != FREEXL_OK ? rc : FREEXL_BIFF_INVALID_BOF);
		r->xls = NULL;
		xls_close(&r->base);
		return NULL;
	}
	if ((rc = freexl_select_active_worksheet(r->xls, (unsigned short)idx)) !=
	    FREEXL_OK || (rc = freexl_worksheet_dimensions(r->xls, &r->nrows,
	    &r->ncols)) != FREEXL_OK) {
		*cause = xls_message(rc);
		xls_close(&r->base);
		return NULL;
	}
	return &r->base;
}

/* What cell (row, col) shows, into r->cell; -1 with *cause. */
static int
xls_cell(struct xls_reader *r, unsigned int row, unsigned short col,
    char **cause)
{
	FreeXL_CellValue v;
	char name[8];
	int rc;

	buf_reset(&r->cell);
	if ((rc = freexl_get_cell_value(r->xls, row, col, &v)) != FREEXL_OK) {
		table_colname(col, name);
		r->base.err_line = row + 1;
		*cause = xasprintf("第 %u 行单元格 %s%u 无法读取（FreeXL 错误 %d），"
		    "文件可能已损坏 / row %u: cell %s%u cannot be read (FreeXL "
		    "error %d); the file may be damaged", row + 1, name, row + 1,
		    rc, row + 1, name, row + 1, rc);
		return -1;
	}
	switch (v.type) {
	case FREEXL_CELL_INT:
		sheet_number(v.value.int_value, XLSX_NUMBER, 0, &r->cell);
		break;
	case FREEXL_CELL_DOUBLE:
		sheet_number(v.value.double_value, XLSX_NUMBER, 0, &r->cell);
		break;
	case FREEXL_CELL_TEXT:
	case FREEXL_CELL_SST_TEXT:
	case FREEXL_CELL_DATE:		/* FreeXL's text: 2026-03-05 */
	case FREEXL_CELL_DATETIME:	/* 2026-03-05 08:30:00 */
	case FREEXL_CELL_TIME:		/* 08:30:00 */
		if (v.value.text_value == NULL)
			break;
		if (r->codepage == NULL)
			buf_addstr(&r->cell, v.value.text_value);
		else if (xls_recode(r, v.value.text_value, &r->cell) != 0) {
			table_colname(col, name);
			r->base.err_line = row + 1;
			*cause = xasprintf("第 %u 行单元格 %s%u 的文字不是工作簿声明的字符集"
			    "（代码页 %s） / row %u: cell %s%u holds text that is not in the"
			    " workbook's declared charset (code page %s)", row + 1, name,
			    row + 1, r->codepage, row + 1, name, row + 1, r->codepage);
			return -1;
		}
		break;
	default:
		break;
	}
	return 0;
}

static int
xls_next(struct table_reader *base, struct table_row *row, char **cause)
{
	struct xls_reader *r = (struct xls_reader *)base;
	unsigned int rownum;
	unsigned short col;
	int rc;

	while (r->next < r->nrows) {
		rownum = r->next++;
		sheet_rows_start(&r->rows, (size_t)rownum + 1);
		for (col = 0; col < r->ncols; col++) {
			if (xls_cell(r, rownum, col, cause) != 0 ||
			    sheet_rows_add(&r->rows, col, r->cell.data, r->cell.len,
			    cause) != 0)
				return -1;
		}
		if ((rc = sheet_rows_end(&r->rows, row, cause)) != 0)
			return rc;
	}
	return 0;
}

static void
xls_close(struct table_reader *base)
{
	struct xls_reader *r = (struct xls_reader *)base;

	if (r->xls != NULL)
		freexl_close(r->xls);
	sheet_rows_free(&r->rows);
	buf_free(&r->cell);
	if (r->to437 != (iconv_t)-1)
		iconv_close(r->to437);
	if (r->fromcp != (iconv_t)-1)
		iconv_close(r->fromcp);
	free(r->codepage);
	free(r);
}
