/*
 * test_export.c — the spreadsheet writers: CSV's exact bytes (BOM, CRLF,
 * quoting, formula-looking cells made inert), XLSX read back by the
 * project's own reader, numbers as numbers, and failures that leave no file.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "export_sink.h"
#include "table.h"
#include "testutil.h"
#include "util.h"

static char *dir;

static int
setup(void **state)
{
	dir = test_tmpdir("export");
	return 0;
}

static int
teardown(void **state)
{
	test_rmtree(dir);
	free(dir);
	return 0;
}

static const struct sink_col cols[] = {
	{ "产品名称", 20, 0 }, { "说明", 40, 0 }, { "排名", 6, 1 },
};
static const char *const rows[][3] = {
	{ "西湖龙井茶（特级）", "色绿、香郁, 味甘", "1" },
	{ "说 \"特级\" 的茶", "=特级=手工炒制", "2.5" },
	{ "-20℃冷藏", NULL, "第三" },
	{ "@备注", "两行\n说明", "" },
};

/* Writes the rows above to path in format; 0 or -1. */
static int
write_rows(const char *format, const char *path, char **cause)
{
	struct sink *s;

	if (sink_open(format, path, &s, cause) != 0)
		return -1;
	sink_sheet(s, "产品", cols, nitems(cols));
	for (size_t i = 0; i < nitems(rows); i++)
		sink_row(s, rows[i]);
	return sink_close(s, cause);
}

/* The whole file; caller frees. */
static char *
slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *p = xcalloc(1 << 16, 1);

	assert_non_null(f);
	*len = fread(p, 1, (1 << 16) - 1, f);
	fclose(f);
	return p;
}

static void
test_csv_bytes(void **state)
{
	static const char want[] =
	    "\xef\xbb\xbf"
	    "产品名称,说明,排名\r\n"
	    "西湖龙井茶（特级）,\"色绿、香郁, 味甘\",1\r\n"
	    "\"说 \"\"特级\"\" 的茶\",'=特级=手工炒制,2.5\r\n"
	    "'-20℃冷藏,,第三\r\n"
	    "'@备注,\"两行\n说明\",\r\n";
	char *path = xasprintf("%s/a.csv", dir), *cause = NULL, *got;
	size_t len;

	if (write_rows("csv", path, &cause) != 0)
		fail_msg("%s", cause);
	got = slurp(path, &len);
	assert_int_equal(len, strlen(want));
	assert_string_equal(got, want);
	free(got);
	free(path);
}

/* The XLSX, read by table_xlsx.c: every cell as written, numbers shown as Excel shows them. */
static void
test_xlsx_reads_back(void **state)
{
	char *path = xasprintf("%s/a.xlsx", dir), *cause = NULL;
	struct table_reader *r;
	struct table_row row;
	size_t n = 0;

	if (write_rows("xlsx", path, &cause) != 0)
		fail_msg("%s", cause);
	if ((r = table_open(path, NULL, NULL, &cause)) == NULL)
		fail_msg("%s", cause);
	assert_string_equal(table_format(r), "xlsx");
	while (table_next(r, &row, &cause) == 1) {
		if (n == 0) {
			for (size_t i = 0; i < nitems(cols); i++)
				assert_string_equal(row.cells[i], cols[i].head);
		} else {
			for (size_t i = 0; i < nitems(cols); i++) {
				const char *w = rows[n - 1][i] != NULL ? rows[n - 1][i] : "";
				const char *g = i < row.ncells ? row.cells[i] : "";

				assert_string_equal(g, w);
			}
		}
		n++;
	}
	assert_int_equal(n, nitems(rows) + 1);
	table_close(r);
	free(path);
}

/* The CSV, read by table_csv.c: the BOM settles UTF-8, the quoting holds. */
static void
test_csv_reads_back(void **state)
{
	char *path = xasprintf("%s/b.csv", dir), *cause = NULL;
	struct table_reader *r;
	struct table_row row;
	size_t n = 0;

	if (write_rows("csv", path, &cause) != 0)
		fail_msg("%s", cause);
	if ((r = table_open(path, NULL, NULL, &cause)) == NULL)
		fail_msg("%s", cause);
	while (table_next(r, &row, &cause) == 1) {
		if (n == 2)
			assert_string_equal(row.cells[0], "说 \"特级\" 的茶");
		if (n == 4)
			assert_string_equal(row.cells[1], "两行\n说明");
		n++;
	}
	assert_int_equal(n, nitems(rows) + 1);
	assert_string_equal(r->charset, "UTF-8");
	table_close(r);
	free(path);
}

/* CSV keeps one sheet; XLSX keeps them all. */
static void
test_sheets(void **state)
{
	char *path = xasprintf("%s/c.csv", dir), *cause = NULL;
	struct sink *s;

	assert_int_equal(sink_open("csv", path, &s, &cause), 0);
	assert_int_equal(sink_sheet(s, "一", cols, nitems(cols)), 1);
	assert_int_equal(sink_sheet(s, "二", cols, nitems(cols)), 0);
	sink_row(s, rows[0]);		/* dropped */
	assert_int_equal(sink_close(s, &cause), 0);
	free(path);
	path = xasprintf("%s/c.xlsx", dir);
	assert_int_equal(sink_open("xlsx", path, &s, &cause), 0);
	assert_int_equal(sink_sheet(s, "一", cols, nitems(cols)), 1);
	assert_int_equal(sink_sheet(s, "二", cols, nitems(cols)), 1);
	assert_int_equal(sink_close(s, &cause), 0);
	free(path);
}

/* An unknown format and an unwritable path are refused with a message; nothing is left. */
static void
test_refused(void **state)
{
	char *path = xasprintf("%s/no/such/x.csv", dir), *cause = NULL;
	struct sink *s;
	struct stat sb;

	assert_int_equal(sink_open("ods", path, &s, &cause), -1);
	assert_non_null(strstr(cause, "ods"));
	free(cause);
	assert_int_equal(sink_open("csv", path, &s, &cause), -1);
	assert_non_null(strstr(cause, "no/such/x.csv"));
	free(cause);
	free(path);
	path = xasprintf("%s/aborted.xlsx", dir);
	assert_int_equal(sink_open("xlsx", path, &s, &cause), 0);
	sink_sheet(s, "一", cols, nitems(cols));
	sink_abort(s);
	assert_int_not_equal(stat(path, &sb), 0);
	free(path);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_csv_bytes),
		cmocka_unit_test(test_xlsx_reads_back),
		cmocka_unit_test(test_csv_reads_back),
		cmocka_unit_test(test_sheets),
		cmocka_unit_test(test_refused),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
