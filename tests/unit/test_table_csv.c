/*
 * test_table_csv.c — the CSV reader against what Excel and clerks produce:
 * UTF-8 with and without BOM, GBK, UTF-16 tab-separated, and broken files.
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
#include <iconv.h>

#include "table.h"
#include "util.h"

/* Writes bytes to a fresh temporary file; caller frees the path. */
static char *
write_tmp(const void *data, size_t len)
{
	const char *dir = getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
	char *path = xasprintf("%s/fm-csv-XXXXXX", dir);
	int fd = mkstemp(path);
	FILE *f;

	assert_true(fd >= 0);
	f = fdopen(fd, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, len, f), len);
	fclose(f);
	return path;
}

/* Reads every row of a file into one string "a|b;c|d;" for easy comparison. */
static char *
read_all(const char *path, const char **charset, char **cause, size_t *err_line)
{
	struct table_reader *r = table_csv_open(path, &table_default_limits, cause);
	struct table_row row;
	struct buf b = { 0 };
	int rc;

	if (r == NULL)
		return NULL;
	while ((rc = table_next(r, &row, cause)) == 1) {
		for (size_t i = 0; i < row.ncells; i++)
			buf_addf(&b, "%s%s", i ? "|" : "", row.cells[i]);
		buf_addc(&b, ';');
	}
	if (charset != NULL)
		*charset = r->charset;
	if (err_line != NULL)
		*err_line = r->err_line;
	table_close(r);
	if (rc == -1) {
		buf_free(&b);
		return NULL;
	}
	return buf_take(&b);
}

/* The header and two rows every encoding test reads. */
static const char sample_utf8[] =
    "产品编号,产品名称,企业名称\r\n"
    "HZ-001,西湖龙井（明前特级）,杭州狮峰茶业有限公司\r\n"
    "\"JH-002\",\"金华火腿, 整只\",\"浙江\"\"金字\"\"火腿有限公司\"\r\n";
static const char sample_rows[] =
    "产品编号|产品名称|企业名称;"
    "HZ-001|西湖龙井（明前特级）|杭州狮峰茶业有限公司;"
    "JH-002|金华火腿, 整只|浙江\"金字\"火腿有限公司;";

static void
test_utf8_plain_and_bom(void **state)
{
	struct buf b = { 0 };
	const char *cs;
	char *path, *got, *cause = NULL;

	path = write_tmp(sample_utf8, strlen(sample_utf8));
	got = read_all(path, &cs, &cause, NULL);
	assert_non_null(got);
	assert_string_equal(got, sample_rows);
	assert_string_equal(cs, "UTF-8");
	free(got);
	unlink(path);
	free(path);

	buf_add(&b, "\xef\xbb\xbf", 3);
	buf_addstr(&b, sample_utf8);
	path = write_tmp(b.data, b.len);
	got = read_all(path, &cs, &cause, NULL);
	assert_non_null(got);
	assert_string_equal(got, sample_rows);	/* no BOM left in the first header cell */
	free(got);
	unlink(path);
	free(path);
	buf_free(&b);
}

/* Converts UTF-8 to a charset with glibc's iconv, independent of the ICU the reader uses. */
static struct buf
encode(const char *charset, const char *utf8)
{
	iconv_t cd = iconv_open(charset, "UTF-8");
	struct buf out = { 0 };
	size_t inleft = strlen(utf8), cap = 4 * inleft + 16, outleft = cap;
	char *tmp = xmalloc(cap), *in = (char *)utf8, *o = tmp;

	assert_true(cd != (iconv_t)-1);
	assert_true(iconv(cd, &in, &inleft, &o, &outleft) != (size_t)-1);
	buf_add(&out, tmp, cap - outleft);
	free(tmp);
	iconv_close(cd);
	return out;
}

static void
test_gbk_detected(void **state)
{
	struct buf gbk = encode("GB18030", sample_utf8);
	const char *cs;
	char *path = write_tmp(gbk.data, gbk.len), *cause = NULL;
	char *got = read_all(path, &cs, &cause, NULL);

	assert_non_null(got);
	assert_string_equal(got, sample_rows);
	assert_string_equal(cs, "GB18030");
	free(got);
	unlink(path);
	free(path);
	buf_free(&gbk);
}

/* ASCII rows first, GBK only after the first 64 KiB chunk: still detected. */
static void
test_gbk_after_long_ascii(void **state)
{
	struct buf text = { 0 }, gbk;
	const char *cs;
	char *path, *got, *cause = NULL;

	buf_addstr(&text, "code,name,company\n");
	for (int i = 0; i < 3000; i++)
		buf_addf(&text, "P%05d,LED bulb E27 9W,Ningbo Lighting Co\n", i);
	buf_addstr(&text, "P99999,永康电钻,永康市恒锐工具有限公司\n");
	gbk = encode("GB18030", text.data);
	path = write_tmp(gbk.data, gbk.len);
	got = read_all(path, &cs, &cause, NULL);
	assert_non_null(got);
	assert_string_equal(cs, "GB18030");
	assert_non_null(strstr(got, "P99999|永康电钻|永康市恒锐工具有限公司;"));
	free(got);
	unlink(path);
	free(path);
	buf_free(&gbk);
	buf_free(&text);
}

/*
 * Regression (found by fuzz_csv, corpus/csv/mojibake-csv-utf8-char-cut-by-chunk):
 * a UTF-8 file whose first non-ASCII character is cut by the end of the
 * first 64 KiB chunk was read as GB18030, 茶叶 as 鑼跺彾.
 */
static void
test_utf8_char_cut_by_chunk(void **state)
{
	struct buf text = { 0 };
	const char *cs;
	char *path, *got, *cause = NULL;

	buf_addstr(&text, "code,name\n");
	while (text.len < 65536 - 40)
		buf_addstr(&text, "P00001,LED bulb E27 9W\n");
	buf_addstr(&text, "P99999,");
	while (text.len < 65536 - 1)
		buf_addc(&text, 'x');
	buf_addstr(&text, "茶叶\n");	/* 茶 is bytes 65535..65537 */
	path = write_tmp(text.data, text.len);
	got = read_all(path, &cs, &cause, NULL);
	assert_non_null(got);
	assert_string_equal(cs, "UTF-8");
	assert_non_null(strstr(got, "xxx茶叶;"));
	free(got);
	unlink(path);
	free(path);
	buf_free(&text);
}

/* Excel's "Unicode text": UTF-16LE with a BOM, tab-separated. */
static void
test_utf16_tab_separated(void **state)
{
	const char *tsv = "产品编号\t产品名称\t企业名称\r\nHZ-001\t西湖龙井\t杭州狮峰茶业有限公司\r\n";
	struct buf u16 = encode("UTF-16LE", tsv), file = { 0 };
	const char *cs;
	char *path, *got, *cause = NULL;

	buf_add(&file, "\xff\xfe", 2);
	buf_add(&file, u16.data, u16.len);
	path = write_tmp(file.data, file.len);
	got = read_all(path, &cs, &cause, NULL);
	assert_non_null(got);
	assert_string_equal(got, "产品编号|产品名称|企业名称;HZ-001|西湖龙井|杭州狮峰茶业有限公司;");
	assert_string_equal(cs, "UTF-16LE");
	free(got);
	unlink(path);
	free(path);
	buf_free(&u16);
	buf_free(&file);
}

static void
test_semicolon_and_mixed_line_ends(void **state)
{
	const char *text = "code;name\rA1;茶叶\nA2;\"多行\n描述\"\r\nA3;竹地板";
	char *path = write_tmp(text, strlen(text)), *cause = NULL;
	char *got = read_all(path, NULL, &cause, NULL);

	assert_non_null(got);
	assert_string_equal(got, "code|name;A1|茶叶;A2|多行\n描述;A3|竹地板;");
	free(got);
	unlink(path);
	free(path);
}

/* Each broken file: the message names the problem and the row. */
static void
expect_error(const char *data, size_t len, const char *zh, const char *en, size_t line)
{
	char *path = write_tmp(data, len), *cause = NULL, *got;
	size_t err_line = 0;

	got = read_all(path, NULL, &cause, &err_line);
	assert_null(got);
	assert_non_null(cause);
	if (strstr(cause, zh) == NULL || strstr(cause, en) == NULL)
		fail_msg("message “%s” lacks “%s” or “%s”", cause, zh, en);
	if (line != 0)
		assert_int_equal(err_line, line);
	free(cause);
	unlink(path);
	free(path);
}

static void
test_broken_files(void **state)
{
	/* UTF-8 file with one GBK cell in row 3: mixed encodings. */
	struct buf mixed = { 0 }, gbk = encode("GB18030", "龙井");
	struct buf big = { 0 };

	buf_addstr(&mixed, "code,name\nA1,西湖龙井\nA2,");
	buf_add(&mixed, gbk.data, gbk.len);
	buf_addstr(&mixed, "\n");
	expect_error(mixed.data, mixed.len, "无效的 UTF-8", "not valid UTF-8", 3);

	expect_error("code,name\nA1,te\0a\n", 18, "NUL", "NUL byte", 2);
	expect_error("code,name\nA1,\"unclosed\nA2,x\n", 28, "引号未闭合", "inside a quoted field", 0);
	expect_error("code,name\nA1,\"a\"b\n", 18, "引号", "quote", 2);

	/* A single line far longer than a row may be. */
	buf_addstr(&big, "code,name\nA1,");
	for (int i = 0; i < 400000; i++)
		buf_addc(&big, 'x');
	expect_error(big.data, big.len, "超过", "longer than", 2);
	buf_free(&big);
	buf_free(&mixed);
	buf_free(&gbk);
}

static void
test_too_many_rows(void **state)
{
	struct table_limits lim = table_default_limits;
	struct buf text = { 0 };
	struct table_reader *r;
	struct table_row row;
	char *path, *cause = NULL;
	int rc, rows = 0;

	lim.max_rows = 5;
	buf_addstr(&text, "code,name\n");
	for (int i = 0; i < 10; i++)
		buf_addf(&text, "A%d,x\n", i);
	path = write_tmp(text.data, text.len);
	r = table_csv_open(path, &lim, &cause);
	assert_non_null(r);
	while ((rc = table_next(r, &row, &cause)) == 1)
		rows++;
	assert_int_equal(rc, -1);
	assert_int_equal(rows, 6);	/* the header and 5 data rows, then the error */
	assert_non_null(strstr(cause, "more than 5 data rows"));
	free(cause);
	table_close(r);
	unlink(path);
	free(path);
	buf_free(&text);
}

static void
test_colname(void **state)
{
	char b[8];

	table_colname(0, b);
	assert_string_equal(b, "A");
	table_colname(25, b);
	assert_string_equal(b, "Z");
	table_colname(26, b);
	assert_string_equal(b, "AA");
	table_colname(27, b);
	assert_string_equal(b, "AB");
	table_colname(701, b);
	assert_string_equal(b, "ZZ");
	table_colname(702, b);
	assert_string_equal(b, "AAA");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_utf8_plain_and_bom),
		cmocka_unit_test(test_gbk_detected),
		cmocka_unit_test(test_gbk_after_long_ascii),
		cmocka_unit_test(test_utf8_char_cut_by_chunk),
		cmocka_unit_test(test_utf16_tab_separated),
		cmocka_unit_test(test_semicolon_and_mixed_line_ends),
		cmocka_unit_test(test_broken_files),
		cmocka_unit_test(test_too_many_rows),
		cmocka_unit_test(test_colname),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
