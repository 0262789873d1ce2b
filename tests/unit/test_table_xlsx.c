/*
 * test_table_xlsx.c — the XLSX reader against workbooks written at run time
 * by libxlsxwriter (shared strings, and inline strings in constant_memory
 * mode) and by hand with libzip (rich text, odd cell types, damaged files,
 * a zip bomb).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <xlsxwriter.h>
#include <zip.h>

#include "table.h"
#include "util.h"

#define MiB	(1024 * 1024)

static const struct table_limits test_limits = {
	.max_file_bytes = 64 * MiB,
	.max_row_bytes = 64 * 1024,
	.max_rows = 100000,
	.max_cols = 1000,
	.max_unpacked_bytes = 256 * MiB,
	.max_unpack_ratio = 100,
};

struct part {
	const char	*name;		/* path inside the zip */
	const char	*data;		/* its bytes */
	size_t		 len;		/* 0: strlen(data) */
};

/* A path for a test file in $TMPDIR; caller frees. */
static char *
tmp_path(const char *name)
{
	const char *dir = getenv("TMPDIR");

	if (dir == NULL || *dir == '\0')
		dir = "/tmp";
	return xasprintf("%s/fm_xlsx_%ld_%s", dir, (long)getpid(), name);
}

/* Writes a zip of these parts with libzip. */
static void
make_zip(const char *path, const struct part *parts, size_t n)
{
	zip_source_t *src;
	zip_t *z;
	size_t i, len;
	int ze;

	z = zip_open(path, ZIP_CREATE | ZIP_TRUNCATE, &ze);
	assert_non_null(z);
	for (i = 0; i < n; i++) {
		len = parts[i].len != 0 ? parts[i].len : strlen(parts[i].data);
		src = zip_source_buffer(z, parts[i].data, len, 0);
		assert_non_null(src);
		assert_true(zip_file_add(z, parts[i].name, src,
		    ZIP_FL_OVERWRITE) >= 0);
	}
	assert_int_equal(zip_close(z), 0);
}

static const char book_rels[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
    "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
    "<Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet\" Target=\"worksheets/sheet1.xml\"/>"
    "<Relationship Id=\"rId2\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles\" Target=\"/xl/styles.xml\"/>"
    "<Relationship Id=\"rId3\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings\" Target=\"sharedStrings.xml\"/>"
    "</Relationships>";

/* Writes a minimal workbook by hand; styles and sst may be NULL. */
static void
make_book(const char *path, const char *wbpr, const char *styles,
    const char *sst, const char *sheet)
{
	char *wb;
	struct part parts[6];
	size_t n = 0;

	wb = xasprintf("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	    "<workbook xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" "
	    "xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\">"
	    "%s<sheets><sheet name=\"数据\" sheetId=\"1\" r:id=\"rId1\"/></sheets>"
	    "</workbook>", wbpr);
	parts[n++] = (struct part){ "[Content_Types].xml", "<Types/>", 0 };
	parts[n++] = (struct part){ "xl/workbook.xml", wb, 0 };
	parts[n++] = (struct part){ "xl/_rels/workbook.xml.rels", book_rels, 0 };
	parts[n++] = (struct part){ "xl/worksheets/sheet1.xml", sheet, 0 };
	if (styles != NULL)
		parts[n++] = (struct part){ "xl/styles.xml", styles, 0 };
	if (sst != NULL)
		parts[n++] = (struct part){ "xl/sharedStrings.xml", sst, 0 };
	make_zip(path, parts, n);
	free(wb);
}

/* A worksheet part around these rows. */
static char *
sheet_xml(const char *rows)
{
	return xasprintf("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	    "<worksheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\">"
	    "<dimension ref=\"A1\"/><sheetData>%s</sheetData>"
	    "<mergeCells count=\"0\"/></worksheet>", rows);
}

/* Writes the catalogue workbook with libxlsxwriter. */
static void
write_catalogue(const char *path, int constant_memory)
{
	lxw_workbook_options opt = { .constant_memory = constant_memory };
	lxw_datetime day = { 2026, 12, 31, 0, 0, 0 };
	lxw_datetime moment = { 2026, 12, 31, 8, 30, 15 };
	lxw_workbook *wb;
	lxw_worksheet *ws, *ws2;
	lxw_format *date, *datetime, *bold;
	const char *head[] = { "产品名称", "价格", "电话", "合计", "截止日期",
	    "开展时间", "有货", "公式" };
	size_t i;

	wb = workbook_new_opt(path, &opt);
	assert_non_null(wb);
	ws = workbook_add_worksheet(wb, "产品");
	ws2 = workbook_add_worksheet(wb, "价格表");
	date = workbook_add_format(wb);
	format_set_num_format(date, "yyyy-mm-dd");
	datetime = workbook_add_format(wb);
	format_set_num_format(datetime, "yyyy-mm-dd hh:mm:ss");
	bold = workbook_add_format(wb);
	format_set_bold(bold);

	for (i = 0; i < nitems(head); i++)
		worksheet_write_string(ws, 0, i, head[i], NULL);
	worksheet_write_string(ws, 1, 0, "西湖龙井", NULL);
	worksheet_write_number(ws, 1, 1, 12.5, NULL);
	worksheet_write_number(ws, 1, 2, 13812345678.0, NULL);
	worksheet_write_number(ws, 1, 3, 0.1 + 0.2, NULL);
	worksheet_write_datetime(ws, 1, 4, &day, date);
	worksheet_write_datetime(ws, 1, 5, &moment, datetime);
	worksheet_write_boolean(ws, 1, 6, 1, NULL);
	worksheet_write_formula_num(ws, 1, 7, "=B2*2-13", NULL, 12);
	/* Sparse: A and D only. */
	worksheet_write_string(ws, 2, 0, "A列", NULL);
	worksheet_write_string(ws, 2, 3, "D列", NULL);
	/* Rows 4 and 5 exist in the XML but hold no text. */
	worksheet_write_blank(ws, 3, 0, bold);
	worksheet_set_row(ws, 4, 30, NULL);
	worksheet_write_string(ws, 5, 0, "末行", NULL);
	worksheet_write_number(ws, 5, 1, -7, NULL);

	worksheet_write_string(ws2, 0, 0, "品名", NULL);
	worksheet_write_string(ws2, 0, 1, "单价", NULL);
	worksheet_write_string(ws2, 1, 0, "碧螺春", NULL);
	worksheet_write_number(ws2, 1, 1, 88, NULL);
	assert_int_equal(workbook_close(wb), LXW_NO_ERROR);
}

/* Opens path, failing the test with the message if it cannot. */
static struct table_reader *
open_ok(const char *path, const char *sheet, const struct table_limits *lim)
{
	struct table_reader *r;
	char *cause = NULL;

	r = table_xlsx_open(path, sheet, lim, &cause);
	if (r == NULL)
		fail_msg("open %s: %s", path, cause);
	assert_string_equal(r->ops->name, "xlsx");
	assert_string_equal(r->charset, "UTF-8");
	return r;
}

/* Asserts that the next row is line with exactly these cells. */
static void
expect_row(struct table_reader *r, size_t line, size_t n,
    const char *const *cells)
{
	struct table_row row;
	char *cause = NULL;
	size_t i;
	int rc;

	rc = r->ops->next(r, &row, &cause);
	if (rc != 1)
		fail_msg("expected row %zu, got %d (%s)", line, rc,
		    cause != NULL ? cause : "end");
	assert_int_equal(row.line, line);
	for (i = 0; i < n && i < row.ncells; i++)
		assert_string_equal(row.cells[i], cells[i]);
	assert_int_equal(row.ncells, n);
}

#define EXPECT_ROW(r, line, ...) do {					\
	const char *const cells_[] = { __VA_ARGS__ };			\
	expect_row((r), (line), nitems(cells_), cells_);		\
} while (0)

/* Asserts that the reader has no more rows. */
static void
expect_end(struct table_reader *r)
{
	struct table_row row;
	char *cause = NULL;

	assert_int_equal(r->ops->next(r, &row, &cause), 0);
	assert_null(cause);
	assert_int_equal(r->ops->next(r, &row, &cause), 0);
}

/* Asserts that msg contains every piece (NULL-terminated list). */
static void
expect_message(const char *msg, ...)
{
	const char *piece;
	va_list ap;

	assert_non_null(msg);
	va_start(ap, msg);
	while ((piece = va_arg(ap, const char *)) != NULL) {
		if (strstr(msg, piece) == NULL)
			fail_msg("message \"%s\" lacks \"%s\"", msg, piece);
	}
	va_end(ap);
	assert_non_null(strstr(msg, " / "));
}

/* Opens path expecting failure; returns the message (caller frees). */
static char *
open_fail(const char *path, const char *sheet, const struct table_limits *lim)
{
	struct table_reader *r;
	char *cause = NULL;

	r = table_xlsx_open(path, sheet, lim, &cause);
	if (r != NULL)
		fail_msg("open %s succeeded", path);
	assert_non_null(cause);
	return cause;
}

/* Reads rows until an error; returns its message (caller frees). */
static char *
next_fail(struct table_reader *r)
{
	struct table_row row;
	char *cause = NULL;
	int rc;

	while ((rc = r->ops->next(r, &row, &cause)) == 1)
		;
	assert_int_equal(rc, -1);
	assert_non_null(cause);
	return cause;
}

/* The catalogue's rows, as both writing modes must read back. */
static void
check_catalogue(const char *path)
{
	struct table_reader *r = open_ok(path, NULL, &test_limits);

	EXPECT_ROW(r, 1, "产品名称", "价格", "电话", "合计", "截止日期",
	    "开展时间", "有货", "公式");
	EXPECT_ROW(r, 2, "西湖龙井", "12.5", "13812345678", "0.3",
	    "2026-12-31", "2026-12-31 08:30:15", "TRUE", "12");
	EXPECT_ROW(r, 3, "A列", "", "", "D列");
	EXPECT_ROW(r, 6, "末行", "-7");
	expect_end(r);
	r->ops->close(r);
}

/* Shared strings, as libxlsxwriter writes by default. */
static void
test_shared_strings(void **state)
{
	char *path = tmp_path("sst.xlsx");

	write_catalogue(path, 0);
	check_catalogue(path);
	unlink(path);
	free(path);
}

/* Inline strings, as libxlsxwriter writes in constant_memory mode. */
static void
test_inline_strings(void **state)
{
	char *path = tmp_path("inline.xlsx");

	write_catalogue(path, 1);
	check_catalogue(path);
	unlink(path);
	free(path);
}

/* The second sheet by name; an unknown name lists the sheets there are. */
static void
test_sheet_by_name(void **state)
{
	char *path = tmp_path("sheets.xlsx"), *msg;
	struct table_reader *r;

	write_catalogue(path, 0);
	r = open_ok(path, "价格表", &test_limits);
	EXPECT_ROW(r, 1, "品名", "单价");
	EXPECT_ROW(r, 2, "碧螺春", "88");
	expect_end(r);
	r->ops->close(r);

	r = open_ok(path, NULL, &test_limits);
	EXPECT_ROW(r, 1, "产品名称", "价格", "电话", "合计", "截止日期",
	    "开展时间", "有货", "公式");
	r->ops->close(r);

	msg = open_fail(path, "库存", &test_limits);
	expect_message(msg, "没有名为“库存”的工作表", "no sheet named \"库存\"",
	    "“产品”", "“价格表”", NULL);
	free(msg);
	unlink(path);
	free(path);
}

/* The first half of a real workbook has no zip directory. */
static void
test_truncated(void **state)
{
	char *path = tmp_path("whole.xlsx"), *half = tmp_path("half.xlsx");
	char *msg, data[1 << 16];
	FILE *in, *out;
	size_t n;

	write_catalogue(path, 0);
	assert_non_null(in = fopen(path, "rb"));
	n = fread(data, 1, sizeof data, in);
	assert_true(n > 1000 && n < sizeof data);
	fclose(in);
	assert_non_null(out = fopen(half, "wb"));
	assert_int_equal(fwrite(data, 1, n / 2, out), n / 2);
	fclose(out);

	msg = open_fail(half, NULL, &test_limits);
	expect_message(msg, "已损坏或不完整", "damaged or truncated", NULL);
	free(msg);
	unlink(path);
	unlink(half);
	free(path);
	free(half);
}

/* A zip without xl/workbook.xml, and files that are not zips at all. */
static void
test_not_workbook(void **state)
{
	static const struct part parts[] = { { "hello.txt", "你好", 0 } };
	static const struct part ods[] = { { "content.xml", "<x/>", 0 } };
	char *path = tmp_path("plain.zip"), *msg;
	FILE *f;

	make_zip(path, parts, nitems(parts));
	msg = open_fail(path, NULL, &test_limits);
	expect_message(msg, "不是 Excel 工作簿", "not an Excel workbook", NULL);
	free(msg);

	make_zip(path, ods, nitems(ods));
	msg = open_fail(path, NULL, &test_limits);
	expect_message(msg, "OpenDocument", "not an Excel workbook", NULL);
	free(msg);

	assert_non_null(f = fopen(path, "wb"));
	fputs("产品名称,价格\n", f);
	fclose(f);
	msg = open_fail(path, NULL, &test_limits);
	expect_message(msg, "不是 XLSX 文件", "not an XLSX file", NULL);
	free(msg);

	assert_non_null(f = fopen(path, "wb"));
	fclose(f);
	msg = open_fail(path, NULL, &test_limits);
	expect_message(msg, "文件是空的", "empty", NULL);
	free(msg);

	msg = open_fail("/nonexistent/fm.xlsx", NULL, &test_limits);
	expect_message(msg, "无法打开文件", "cannot open", NULL);
	free(msg);
	unlink(path);
	free(path);
}

/* 50 MB of one byte, deflated to a small part: refused by size and ratio. */
static void
test_zip_bomb(void **state)
{
	struct table_limits lim = test_limits;
	char *path = tmp_path("bomb.xlsx"), *msg, *wb;
	size_t len = 50 * MiB;
	char *bomb;

	bomb = xmalloc(len);
	memset(bomb, 'a', len);
	wb = xasprintf("<workbook xmlns:r=\"r\"><sheets><sheet name=\"S\" "
	    "sheetId=\"1\" r:id=\"rId1\"/></sheets></workbook>");
	{
		const struct part parts[] = {
			{ "xl/workbook.xml", wb, 0 },
			{ "xl/_rels/workbook.xml.rels", book_rels, 0 },
			{ "xl/worksheets/sheet1.xml", bomb, len },
		};
		make_zip(path, parts, nitems(parts));
	}
	free(bomb);
	free(wb);

	lim.max_unpacked_bytes = 10 * MiB;
	msg = open_fail(path, NULL, &lim);
	expect_message(msg, "压缩炸弹", "more than the limit of 10485760 bytes",
	    "xl/worksheets/sheet1.xml", NULL);
	free(msg);

	lim.max_unpacked_bytes = 256 * MiB;
	msg = open_fail(path, NULL, &lim);
	expect_message(msg, "压缩比超过上限 100 倍", "zip bomb",
	    "more than 100 times", NULL);
	free(msg);
	unlink(path);
	free(path);
}

/* A zip whose directory understates a part's size: the bytes are counted. */
static void
test_zip_bomb_lying_sizes(void **state)
{
	struct table_limits lim = test_limits;
	char *path = tmp_path("liar.xlsx"), *msg, *rows, *sheet;
	struct buf b = { 0 };
	unsigned char *data;
	FILE *f;
	long size, i;
	size_t n;
	int k;

	/* 2 MB of real rows; then every size field of that part says 1000. */
	for (k = 0; k < 40000; k++)
		buf_addf(&b, "<row><c t=\"inlineStr\"><is><t>第%d行</t></is></c></row>", k);
	rows = buf_take(&b);
	sheet = sheet_xml(rows);
	make_book(path, "", NULL, NULL, sheet);
	free(rows);
	free(sheet);

	assert_non_null(f = fopen(path, "rb"));
	fseek(f, 0, SEEK_END);
	size = ftell(f);
	rewind(f);
	data = xmalloc(size);
	assert_int_equal(fread(data, 1, size, f), (size_t)size);
	fclose(f);
	n = strlen("xl/worksheets/sheet1.xml");
	for (i = 0; i + 46 + (long)n < size; i++) {
		if (memcmp(data + i, "PK\3\4", 4) == 0 &&
		    memcmp(data + i + 30, "xl/worksheets/sheet1.xml", n) == 0)
			memcpy(data + i + 22, "\xe8\x03\0\0", 4);
		if (memcmp(data + i, "PK\1\2", 4) == 0 &&
		    memcmp(data + i + 46, "xl/worksheets/sheet1.xml", n) == 0)
			memcpy(data + i + 24, "\xe8\x03\0\0", 4);
	}
	assert_non_null(f = fopen(path, "wb"));
	assert_int_equal(fwrite(data, 1, size, f), (size_t)size);
	fclose(f);
	free(data);

	/* libzip reads past the declared size; the count stops it at the limit. */
	lim.max_unpacked_bytes = MiB;
	{
		struct table_reader *r;
		char *cause = NULL;

		r = table_xlsx_open(path, NULL, &lim, &cause);
		if (r == NULL)
			msg = cause;
		else {
			msg = next_fail(r);
			r->ops->close(r);
		}
	}
	expect_message(msg, "解压后超过上限 1048576 字节",
	    "more than the limit of 1048576 bytes", NULL);
	free(msg);
	unlink(path);
	free(path);
}

/* The header and max_rows data rows are read; the next one is refused. */
static void
test_max_rows(void **state)
{
	struct table_limits lim = test_limits;
	char *path = tmp_path("rows.xlsx"), *msg;
	struct table_reader *r;
	lxw_workbook *wb;
	lxw_worksheet *ws;
	int i;

	wb = workbook_new(path);
	ws = workbook_add_worksheet(wb, NULL);
	worksheet_write_string(ws, 0, 0, "编号", NULL);
	for (i = 1; i <= 10; i++)
		worksheet_write_number(ws, i, 0, i, NULL);
	assert_int_equal(workbook_close(wb), LXW_NO_ERROR);

	lim.max_rows = 3;
	r = open_ok(path, NULL, &lim);
	EXPECT_ROW(r, 1, "编号");
	EXPECT_ROW(r, 2, "1");
	EXPECT_ROW(r, 3, "2");
	EXPECT_ROW(r, 4, "3");
	msg = next_fail(r);
	expect_message(msg, "超过 3 行", "more than the limit of 3 data rows",
	    "row 5", NULL);
	assert_int_equal(r->err_line, 5);
	free(msg);
	/* The reader stays failed. */
	msg = next_fail(r);
	free(msg);
	r->ops->close(r);

	lim.max_rows = 10;
	r = open_ok(path, NULL, &lim);
	for (i = 0; i <= 10; i++) {
		struct table_row row;
		char *cause = NULL;

		assert_int_equal(r->ops->next(r, &row, &cause), 1);
	}
	expect_end(r);
	r->ops->close(r);
	unlink(path);
	free(path);
}

/* A shared-string index past the table names the cell. */
static void
test_sst_out_of_range(void **state)
{
	char *path = tmp_path("sst_range.xlsx"), *msg, *sheet;
	struct table_reader *r;

	sheet = sheet_xml("<row r=\"1\"><c r=\"A1\" t=\"s\"><v>0</v></c></row>"
	    "<row r=\"2\"><c r=\"A2\" t=\"s\"><v>0</v></c>"
	    "<c r=\"B2\" t=\"s\"><v>5</v></c></row>");
	make_book(path, "", NULL, "<sst count=\"1\" uniqueCount=\"1\">"
	    "<si><t>名称</t></si></sst>", sheet);
	r = open_ok(path, NULL, &test_limits);
	EXPECT_ROW(r, 1, "名称");
	msg = next_fail(r);
	expect_message(msg, "单元格 B2", "共享字符串 5 不存在", "cell B2",
	    "shared string 5", "only 1", NULL);
	assert_int_equal(r->err_line, 2);
	free(msg);
	r->ops->close(r);
	free(sheet);
	unlink(path);
	free(path);
}

static const char styles_xml[] =
    "<styleSheet><numFmts count=\"3\">"
    "<numFmt numFmtId=\"164\" formatCode=\"yyyy&quot;年&quot;m&quot;月&quot;d&quot;日&quot;\"/>"
    "<numFmt numFmtId=\"165\" formatCode=\"[h]:mm\"/>"
    "<numFmt numFmtId=\"166\" formatCode=\"#,##0.00_);[Red]\\(#,##0.00\\)\"/>"
    "</numFmts>"
    "<cellStyleXfs count=\"1\"><xf numFmtId=\"14\"/></cellStyleXfs>"
    "<cellXfs count=\"6\"><xf numFmtId=\"0\"/><xf numFmtId=\"14\"/>"
    "<xf numFmtId=\"164\"/><xf numFmtId=\"165\"/><xf numFmtId=\"166\"/>"
    "<xf numFmtId=\"22\"/></cellXfs>"
    "<dxfs><dxf><numFmt numFmtId=\"167\" formatCode=\"yyyy\"/></dxf></dxfs>"
    "</styleSheet>";

/* Rich text, phonetic runs, whitespace, escapes and every cell type. */
static void
test_cell_types(void **state)
{
	char *path = tmp_path("types.xlsx"), *sheet;
	struct table_reader *r;

	sheet = sheet_xml(
	    "<row r=\"1\"><c r=\"A1\" t=\"s\"><v>0</v></c><c r=\"B1\" t=\"s\"><v>1</v></c>"
	    "<c r=\"C1\" t=\"s\"><v>2</v></c><c r=\"D1\" t=\"s\"><v>3</v></c></row>"
	    "<row><c t=\"inlineStr\"><is><r><t>西湖</t></r><r><rPr><b/></rPr><t>龙井</t></r></is></c>"
	    "<c t=\"e\"><f>1/0</f><v>#DIV/0!</v></c><c t=\"e\"><v>#N/A</v></c>"
	    "<c t=\"str\"><f>A2&amp;\"茶\"</f><v>西湖龙井茶</v></c>"
	    "<c t=\"b\"><v>0</v></c><c><v>1E-3</v></c><c><v>1.23456789012345678E17</v></c>"
	    "<c t=\"d\"><v>2026-12-31T00:00:00</v></c><c t=\"d\"><v>2026-12-31T08:30:00Z</v></c>"
	    "<c><v>0.30000000000000004</v></c><c><v>-1.5E+20</v></c></row>"
	    "<row r=\"4\"><c r=\"A4\" s=\"1\"><v>59</v></c><c r=\"B4\" s=\"1\"><v>60</v></c>"
	    "<c r=\"C4\" s=\"1\"><v>61</v></c><c r=\"D4\" s=\"2\"><v>46387</v></c>"
	    "<c r=\"E4\" s=\"3\"><v>0.75</v></c><c r=\"F4\" s=\"4\"><v>46387</v></c>"
	    "<c r=\"G4\" s=\"5\"><v>46387.999999</v></c><c r=\"H4\" s=\"9\"><v>2.50</v></c></row>"
	    "<row r=\"5\"><c r=\"A5\"><f>SUM(A1:A4)</f></c><c r=\"B5\" s=\"1\"/></row>");
	make_book(path, "", styles_xml,
	    "<sst><si><t xml:space=\"preserve\"> 产品名称 </t></si>"
	    "<si><r><t>西湖</t></r><r><rPr><b/></rPr><t xml:space=\"preserve\">龙井 </t></r>"
	    "<rPh sb=\"0\" eb=\"2\"><t>シーフー</t></rPh></si>"
	    "<si><t>\n  第一行_x000D_\n第二行  \n</t></si>"
	    "<si><t/></si></sst>", sheet);
	r = open_ok(path, NULL, &test_limits);
	EXPECT_ROW(r, 1, " 产品名称 ", "西湖龙井 ", "第一行\r\n第二行");
	EXPECT_ROW(r, 2, "西湖龙井", "#DIV/0!", "#N/A", "西湖龙井茶", "FALSE",
	    "0.001", "123456789012346000", "2026-12-31", "2026-12-31 08:30:00",
	    "0.3", "-150000000000000000000");
	EXPECT_ROW(r, 4, "1900-02-28", "1900-02-29", "1900-03-01", "2026-12-31",
	    "18:00:00", "46387", "2027-01-01 00:00:00", "2.5");
	expect_end(r);
	r->ops->close(r);
	free(sheet);

	/* The 1904 date system, and namespace prefixes on every element. */
	sheet = xasprintf("<x:worksheet xmlns:x=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\">"
	    "<x:sheetData><x:row r=\"1\"><x:c r=\"A1\" s=\"1\"><x:v>0</x:v></x:c>"
	    "<x:c r=\"B1\" s=\"1\"><x:v>45021</x:v></x:c></x:row></x:sheetData></x:worksheet>");
	make_book(path, "<workbookPr date1904=\"1\"/>", styles_xml, NULL, sheet);
	r = open_ok(path, NULL, &test_limits);
	EXPECT_ROW(r, 1, "1904-01-01", "2027-04-06");
	expect_end(r);
	r->ops->close(r);
	free(sheet);
	unlink(path);
	free(path);
}

/* One malformed sheet per case, and the words its message must have. */
static const struct {
	const char	*rows;		/* inside <sheetData> */
	const char	*zh;		/* Chinese piece of the message */
	const char	*en;		/* English piece */
	size_t		 max_cols;	/* limit for this case */
} bad_sheets[] = {
	{ "<row r=\"1\"><c r=\"A1\"><v>1</v></row>",
	  "不是有效的 XML", "not valid XML (line 2, column", 1000 },
	{ "<row r=\"1\"><c r=\"B1\"><v>1</v></c><c r=\"A1\"><v>2</v></c></row>",
	  "顺序错乱", "cell A1 comes after B1", 1000 },
	{ "<row r=\"2\"><c><v>1</v></c></row><row r=\"2\"><c><v>1</v></c></row>",
	  "顺序错乱", "row 2 comes after row 2", 1000 },
	{ "<row r=\"1\"><c r=\"A1\"><v>1</v></c><c r=\"E1\"><v>5</v></c></row>",
	  "超出列数上限 3", "cell E1 is beyond the limit of 3 columns", 3 },
	{ "<row r=\"1\"><c r=\"1A\"><v>1</v></c></row>",
	  "单元格引用“1A”无效", "invalid cell reference \"1A\"", 1000 },
	{ "<row r=\"1\"><c r=\"A1\"><v>12abc</v></c></row>",
	  "数值“12abc”无效", "cell A1 has an invalid number", 1000 },
	{ "<row r=\"1\"><c r=\"A1\" t=\"x\"><v>1</v></c></row>",
	  "类型“x”未知", "cell A1 has unknown type", 1000 },
	{ "<row r=\"1\"><c r=\"A1\" t=\"s\"><v>0</v></c></row>",
	  "共享字符串 0 不存在", "cell A1 refers to shared string 0", 1000 },
	{ "<row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>"
	  "一二三四五六七八九十一二三四五六七八九十一二三四五六七八九十</t></is></c></row>",
	  "超过上限 64 字节", "row 1 is longer than the limit of 64 bytes", 1000 },
	{ "<row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>一二三四五六七八九十</t></is></c>"
	  "<c r=\"B1\" t=\"inlineStr\"><is><t>一二三四五六七八九十</t></is></c>"
	  "<c r=\"C1\" t=\"inlineStr\"><is><t>一二三</t></is></c></row>",
	  "超过上限 64 字节", "longer than the limit of 64 bytes (at cell C1)", 1000 },
};

/* Malformed sheets fail with a message naming the problem and the place. */
static void
test_bad_sheets(void **state)
{
	struct table_limits lim = test_limits;
	char *path = tmp_path("bad.xlsx"), *sheet, *msg;
	struct table_reader *r;
	size_t i;

	lim.max_row_bytes = 64;
	for (i = 0; i < nitems(bad_sheets); i++) {
		sheet = sheet_xml(bad_sheets[i].rows);
		make_book(path, "", NULL, NULL, sheet);
		lim.max_cols = bad_sheets[i].max_cols;
		r = open_ok(path, NULL, &lim);
		msg = next_fail(r);
		expect_message(msg, bad_sheets[i].zh, bad_sheets[i].en, NULL);
		free(msg);
		r->ops->close(r);
		free(sheet);
	}
	unlink(path);
	free(path);
}

/* A DTD (the billion-laughs vector) is refused before any entity expands. */
static void
test_doctype(void **state)
{
	char *path = tmp_path("dtd.xlsx"), *msg;
	struct table_reader *r;

	make_book(path, "", NULL, NULL,
	    "<?xml version=\"1.0\"?><!DOCTYPE lolz [<!ENTITY lol \"lol\">"
	    "<!ENTITY lol2 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">]>"
	    "<worksheet><sheetData><row><c t=\"inlineStr\"><is><t>&lol2;</t>"
	    "</is></c></row></sheetData></worksheet>");
	r = open_ok(path, NULL, &test_limits);
	msg = next_fail(r);
	expect_message(msg, "DTD", "xl/worksheets/sheet1.xml", NULL);
	free(msg);
	r->ops->close(r);
	unlink(path);
	free(path);
}

/* A file larger than max_file_bytes is refused before it is opened. */
static void
test_max_file_bytes(void **state)
{
	struct table_limits lim = test_limits;
	char *path = tmp_path("big.xlsx"), *msg;

	write_catalogue(path, 0);
	lim.max_file_bytes = 1000;
	msg = open_fail(path, NULL, &lim);
	expect_message(msg, "超过上限 1000 字节", "more than the limit of 1000 "
	    "bytes", NULL);
	free(msg);
	unlink(path);
	free(path);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_shared_strings),
		cmocka_unit_test(test_inline_strings),
		cmocka_unit_test(test_sheet_by_name),
		cmocka_unit_test(test_truncated),
		cmocka_unit_test(test_not_workbook),
		cmocka_unit_test(test_zip_bomb),
		cmocka_unit_test(test_zip_bomb_lying_sizes),
		cmocka_unit_test(test_max_rows),
		cmocka_unit_test(test_sst_out_of_range),
		cmocka_unit_test(test_cell_types),
		cmocka_unit_test(test_bad_sheets),
		cmocka_unit_test(test_doctype),
		cmocka_unit_test(test_max_file_bytes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
