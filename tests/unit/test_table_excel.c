/*
 * test_table_excel.c — the .xls (FreeXL) and Excel 2003 XML (SpreadsheetML)
 * readers against files SheetJS wrote (fixtures/excel/make.js): the reader
 * chosen by content whatever the name, the header a clerk typed, sheet
 * choice, dates and numbers as the XLSX reader shows them, the limits, and
 * damaged files and bombs refused with a message that says so.
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

#include "table.h"
#include "util.h"

static const char *workbooks[] = { "xls", "xml" };

/* fixtures/catalog/NAME; caller frees. */
static char *
fixture(const char *name)
{
	return xasprintf("%s/%s", FM_FIXTURES, name);
}

/* Copies src to a temporary file named like a CSV; caller unlinks and frees. */
static char *
copy_as_csv(const char *src)
{
	const char *dir = getenv("TMPDIR");
	char *dst, buf[65536];
	FILE *in, *out;
	size_t n;

	if (dir == NULL || *dir == '\0')
		dir = "/tmp";
	dst = xasprintf("%s/fm_excel_%ld_renamed.csv", dir, (long)getpid());
	assert_non_null(in = fopen(src, "rb"));
	assert_non_null(out = fopen(dst, "wb"));
	while ((n = fread(buf, 1, sizeof buf, in)) > 0)
		assert_int_equal(fwrite(buf, 1, n, out), n);
	fclose(in);
	assert_int_equal(fclose(out), 0);
	return dst;
}

/* Writes text to a temporary file, fm_excel_PID_name; caller unlinks and frees. */
static char *
tmp_file(const char *name, const char *text)
{
	const char *dir = getenv("TMPDIR");
	char *path;
	FILE *f;

	if (dir == NULL || *dir == '\0')
		dir = "/tmp";
	path = xasprintf("%s/fm_excel_%ld_%s", dir, (long)getpid(), name);
	assert_non_null(f = fopen(path, "wb"));
	fputs(text, f);
	assert_int_equal(fclose(f), 0);
	return path;
}

/* Reads every row of path; returns the data rows, or -1 with *cause. */
static long
count_rows(const char *path, const char *sheet, const struct table_limits *lim,
    char **cause)
{
	struct table_reader *r;
	struct table_row row;
	long n = -1;
	int rc;

	if ((r = table_open(path, sheet, lim, cause)) == NULL)
		return -1;
	while ((rc = table_next(r, &row, cause)) == 1)
		n++;
	table_close(r);
	return rc == 0 ? n : -1;
}

/* The catalogues read by content, with the header and rows of the XLSX fixture. */
static void
test_catalogues(void **state)
{
	static const char *kinds[] = { "supply", "demand" };
	static const long rows[] = { 448, 180 };
	struct table_reader *r;
	struct table_row row;
	char *path, *cause = NULL;

	(void)state;
	for (size_t k = 0; k < 2; k++) {
		for (size_t w = 0; w < 2; w++) {
			char *name = xasprintf("catalog/%s.%s", kinds[k], workbooks[w]);

			path = fixture(name);
			r = table_open(path, NULL, NULL, &cause);
			assert_non_null(r);
			assert_string_equal(table_format(r), workbooks[w]);
			assert_int_equal(table_next(r, &row, &cause), 1);
			assert_int_equal(row.line, 1);
			assert_true(row.ncells > 5);
			table_close(r);
			assert_int_equal(count_rows(path, NULL, NULL, &cause), rows[k]);
			free(name);
			free(path);
		}
	}
}

/* The demand catalogue's deadline is a date cell: read as YYYY-MM-DD. */
static void
test_dates(void **state)
{
	struct table_reader *r;
	struct table_row row;
	char *path, *cause = NULL;
	size_t col = SIZE_MAX;

	(void)state;
	for (size_t w = 0; w < 2; w++) {
		char *name = xasprintf("catalog/demand.%s", workbooks[w]);

		path = fixture(name);
		assert_non_null(r = table_open(path, NULL, NULL, &cause));
		assert_int_equal(table_next(r, &row, &cause), 1);
		for (size_t i = 0; i < row.ncells; i++) {
			if (strcmp(row.cells[i], "截止日期") == 0)
				col = i;
		}
		assert_true(col != SIZE_MAX);
		assert_int_equal(table_next(r, &row, &cause), 1);
		assert_true(col < row.ncells);
		assert_int_equal(strlen(row.cells[col]), 10);
		assert_true(row.cells[col][4] == '-' && row.cells[col][7] == '-');
		table_close(r);
		free(name);
		free(path);
	}
}

/* --sheet: by name, ignoring ASCII case; a wrong name lists the sheets. */
static void
test_sheet_choice(void **state)
{
	char *path, *cause = NULL;

	(void)state;
	for (size_t w = 0; w < 2; w++) {
		char *name = xasprintf("catalog/supply.%s", workbooks[w]);

		path = fixture(name);
		assert_int_equal(count_rows(path, "名优特新产品", NULL, &cause), 448);
		assert_int_equal(count_rows(path, "no such sheet", NULL, &cause), -1);
		assert_non_null(strstr(cause, "no sheet named \"no such sheet\""));
		assert_non_null(strstr(cause, "名优特新产品"));
		free(cause);
		cause = NULL;
		free(name);
		free(path);
	}
}

/* A workbook named .csv is still read as the workbook it is. */
static void
test_by_content(void **state)
{
	char *src, *path, *cause = NULL;

	(void)state;
	for (size_t w = 0; w < 2; w++) {
		char *name = xasprintf("catalog/demand.%s", workbooks[w]);

		src = fixture(name);
		path = copy_as_csv(src);
		assert_int_equal(count_rows(path, NULL, NULL, &cause), 180);
		unlink(path);
		free(path);
		free(src);
		free(name);
	}
}

/* The row and column limits hold for both readers. */
static void
test_limits(void **state)
{
	struct table_limits lim = table_default_limits;
	char *path, *cause = NULL;

	(void)state;
	for (size_t w = 0; w < 2; w++) {
		char *name = xasprintf("catalog/supply.%s", workbooks[w]);

		path = fixture(name);
		lim = table_default_limits;
		lim.max_rows = 100;
		assert_int_equal(count_rows(path, NULL, &lim, &cause), -1);
		assert_non_null(strstr(cause, "100"));
		free(cause);
		lim = table_default_limits;
		lim.max_cols = 3;
		assert_int_equal(count_rows(path, NULL, &lim, &cause), -1);
		assert_non_null(strstr(cause, "columns"));
		free(cause);
		lim = table_default_limits;
		lim.max_file_bytes = 1000;
		assert_int_equal(count_rows(path, NULL, &lim, &cause), -1);
		assert_non_null(strstr(cause, "more than the limit of 1000 bytes"));
		free(cause);
		cause = NULL;
		free(name);
		free(path);
	}
}

/* A truncated .xls and an .xls bomb are refused before anything is read. */
static void
test_bad_xls(void **state)
{
	char *path, *cause = NULL;

	(void)state;
	path = fixture("bad/truncated.xls");
	assert_int_equal(count_rows(path, NULL, NULL, &cause), -1);
	assert_non_null(strstr(cause, "damaged"));
	assert_non_null(strstr(cause, "已损坏"));
	free(cause);
	free(path);
	path = fixture("bad/bomb.xls");
	assert_int_equal(count_rows(path, NULL, NULL, &cause), -1);
	assert_non_null(strstr(cause, "65536 rows × 200 columns"));
	free(cause);
	free(path);
}

/* A Number cell whose style shows a date reads as one, as in the XLSX reader. */
static void
test_xml_date_styles(void **state)
{
	static const char text[] =
	    "<?xml version=\"1.0\"?><Workbook xmlns=\"urn:schemas-microsoft-com:"
	    "office:spreadsheet\" xmlns:ss=\"urn:schemas-microsoft-com:office:"
	    "spreadsheet\"><Styles><Style ss:ID=\"d\"><NumberFormat ss:Format="
	    "\"yyyy-mm-dd\"/></Style><Style ss:ID=\"s\"><NumberFormat ss:Format="
	    "\"Short Date\"/></Style><Style ss:ID=\"n\"><NumberFormat ss:Format="
	    "\"0.00\"/></Style></Styles><Worksheet ss:Name=\"a\"><Table><Row>"
	    "<Cell ss:StyleID=\"d\"><Data ss:Type=\"Number\">46086</Data></Cell>"
	    "<Cell ss:StyleID=\"s\"><Data ss:Type=\"Number\">46086</Data></Cell>"
	    "<Cell ss:StyleID=\"n\"><Data ss:Type=\"Number\">46086</Data></Cell>"
	    "<Cell><Data ss:Type=\"DateTime\">2026-03-05T08:30:00.000</Data></Cell>"
	    "</Row></Table></Worksheet></Workbook>";
	struct table_reader *r;
	struct table_row row;
	char *path, *cause = NULL;

	(void)state;
	path = tmp_file("styles.xml", text);
	assert_non_null(r = table_open(path, NULL, NULL, &cause));
	assert_int_equal(table_next(r, &row, &cause), 1);
	assert_int_equal(row.ncells, 4);
	assert_string_equal(row.cells[0], "2026-03-05");
	assert_string_equal(row.cells[1], "2026-03-05");
	assert_string_equal(row.cells[2], "46086");
	assert_string_equal(row.cells[3], "2026-03-05 08:30:00");
	assert_int_equal(table_next(r, &row, &cause), 0);
	table_close(r);
	unlink(path);
	free(path);
}

/* Every row of path as text, a line per row: "LINE|cell|cell…", empty trailing cells cut. */
static char *
rows_text(const char *path)
{
	struct table_reader *r;
	struct table_row row;
	struct buf out = { 0 };
	char *cause = NULL;
	size_t n;
	int rc;

	if ((r = table_open(path, NULL, NULL, &cause)) == NULL)
		fail_msg("%s: %s", path, cause);
	while ((rc = table_next(r, &row, &cause)) == 1) {
		for (n = row.ncells; n > 0 && row.cells[n - 1][0] == '\0'; n--)
			;
		buf_addf(&out, "%zu", row.line);
		for (size_t i = 0; i < n; i++)
			buf_addf(&out, "|%s", row.cells[i]);
		buf_addc(&out, '\n');
	}
	if (rc != 0)
		fail_msg("%s: %s", path, cause);
	table_close(r);
	return buf_take(&out);
}

/*
 * One workbook saved three ways gives the same rows, cell for cell: the
 * catalogues (XLSX from fmgen, the others from it by SheetJS, and an Excel 95
 * workbook in GBK by Gnumeric) and the workbooks Excel spoilt
 * (fixtures/damage/, all three by SheetJS).
 */
static void
test_three_ways(void **state)
{
	static const char *books[] = { "catalog/supply", "catalog/demand",
	    "damage/supply", "damage/demand" };
	static const char *exts[] = { "xlsx", "xls", "xml" };

	(void)state;
	for (size_t b = 0; b < nitems(books); b++) {
		char *want = NULL;

		for (size_t e = 0; e < nitems(exts); e++) {
			char *name = xasprintf("%s.%s", books[b], exts[e]);
			char *path = fixture(name), *got = rows_text(path);

			if (want == NULL)
				want = got;
			else {
				if (strcmp(want, got) != 0) {
					size_t i = 0;

					while (want[i] == got[i])
						i++;
					while (i > 0 && want[i - 1] != '\n')
						i--;
					fail_msg("%s differs from the .xlsx at\n%.200s\n"
					    "instead of\n%.200s", name, got + i, want + i);
				}
				free(got);
			}
			free(path);
			free(name);
		}
		/* The catalogues as Excel 95 saved them too (BIFF5, GBK, by Gnumeric). */
		if (strncmp(books[b], "catalog/", 8) == 0) {
			char *name = xasprintf("%s-excel95.xls", books[b]);
			char *path = fixture(name), *got = rows_text(path);

			if (strcmp(want, got) != 0) {
				size_t i = 0;

				while (want[i] == got[i])
					i++;
				while (i > 0 && want[i - 1] != '\n')
					i--;
				fail_msg("%s differs from the .xlsx at\n%.200s\ninstead of\n%.200s",
				    name, got + i, want + i);
			}
			free(got);
			free(path);
			free(name);
		}
		/* What Excel did is in the rows, for the import to name. */
		if (strcmp(books[b], "damage/supply") == 0) {
			assert_non_null(strstr(want, "\n3|HZ-0002|"));
			assert_non_null(strstr(want, "|913303027293146000|"));
			assert_non_null(strstr(want, "|9.13301E+17|"));
			assert_non_null(strstr(want, "|57155745385\n"));
		} else if (strcmp(books[b], "damage/demand") == 0) {
			assert_non_null(strstr(want, "|46086|"));
			assert_non_null(strstr(want, "\n5|2004|"));
			assert_non_null(strstr(want, "\n6|002005|"));
		}
		free(want);
	}
}

/* A merged cell spans ss:MergeAcross more columns: the next cell lands after them. */
static void
test_xml_merge_across(void **state)
{
	static const char text[] =
	    "<?xml version=\"1.0\"?><Workbook xmlns=\"urn:schemas-microsoft-com:"
	    "office:spreadsheet\" xmlns:ss=\"urn:schemas-microsoft-com:office:"
	    "spreadsheet\"><Worksheet ss:Name=\"需求目录\"><Table><Row>"
	    "<Cell ss:MergeAcross=\"2\"><Data ss:Type=\"String\">采购单位</Data></Cell>"
	    "<Cell><Data ss:Type=\"String\">联系电话</Data></Cell></Row><Row>"
	    "<Cell><Data ss:Type=\"String\">成都荷花池</Data></Cell>"
	    "<Cell ss:Index=\"4\"><Data ss:Type=\"String\">028-86541234</Data></Cell>"
	    "</Row></Table></Worksheet></Workbook>";
	struct table_reader *r;
	struct table_row row;
	char *path, *cause = NULL;

	(void)state;
	path = tmp_file("merge.xml", text);
	assert_non_null(r = table_open(path, NULL, NULL, &cause));
	assert_int_equal(table_next(r, &row, &cause), 1);
	assert_int_equal(row.ncells, 4);
	assert_string_equal(row.cells[0], "采购单位");
	assert_string_equal(row.cells[1], "");
	assert_string_equal(row.cells[3], "联系电话");
	assert_int_equal(table_next(r, &row, &cause), 1);
	assert_int_equal(row.ncells, 4);
	assert_string_equal(row.cells[3], "028-86541234");
	assert_int_equal(table_next(r, &row, &cause), 0);
	table_close(r);
	unlink(path);
	free(path);
}

/* Other XML, and SpreadsheetML that is not well formed or has a DTD. */
static void
test_bad_xml(void **state)
{
	static const struct {
		const char	*text;		/* the file */
		const char	*words;		/* what the message says */
	} cases[] = {
		{ "<?xml version=\"1.0\"?><html/>", "not an Excel 2003 XML" },
		{ "<?xml version=\"1.0\"?><Workbook xmlns=\"urn:schemas-microsoft-com:"
		    "office:spreadsheet\"><Worksheet><Table><Row><Cell><Data "
		    "ss:Type=\"String\">x", "not valid XML" },
		{ "<?xml version=\"1.0\"?><!DOCTYPE x [<!ENTITY a \"b\">]><Workbook "
		    "xmlns=\"urn:schemas-microsoft-com:office:spreadsheet\"/>",
		    "DOCTYPE" },
		{ "<?xml version=\"1.0\"?><Workbook xmlns=\"urn:schemas-microsoft-com:"
		    "office:spreadsheet\"></Workbook>", "no worksheets" },
		{ "<?xml version=\"1.0\"?><Workbook xmlns=\"urn:schemas-microsoft-com:"
		    "office:spreadsheet\" xmlns:ss=\"urn:schemas-microsoft-com:office:"
		    "spreadsheet\"><Worksheet ss:Name=\"a\"><Table><Row><Cell><Data "
		    "ss:Type=\"Number\">12abc</Data></Cell></Row></Table></Worksheet>"
		    "</Workbook>", "invalid number \"12abc\"" },
	};
	char *path, *cause = NULL;

	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		path = tmp_file("bad.xml", cases[i].text);
		assert_int_equal(count_rows(path, NULL, NULL, &cause), -1);
		if (strstr(cause, cases[i].words) == NULL)
			fail_msg("case %zu: \"%s\" lacks \"%s\"", i, cause,
			    cases[i].words);
		free(cause);
		cause = NULL;
		unlink(path);
		free(path);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_catalogues),
		cmocka_unit_test(test_dates),
		cmocka_unit_test(test_sheet_choice),
		cmocka_unit_test(test_by_content),
		cmocka_unit_test(test_limits),
		cmocka_unit_test(test_bad_xls),
		cmocka_unit_test(test_xml_date_styles),
		cmocka_unit_test(test_bad_xml),
		cmocka_unit_test(test_three_ways),
		cmocka_unit_test(test_xml_merge_across),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
