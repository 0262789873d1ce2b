/*
 * test_import.c — catalogue files into a real SQLite store: every fixture
 * format gives the same store, re-import changes nothing, and every file of
 * the bad-file corpus is refused with its message and leaves the store,
 * byte for byte, as it was.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <mbedtls/sha256.h>

#include "import.h"
#include "store.h"
#include "testutil.h"
#include "util.h"

static const char *formats[] = { ".csv", "-bom.csv", "-gbk.csv", ".xlsx", ".xls", ".xml",
    ".json" };

/* A fresh data directory and store; caller closes and frees. */
static struct store *
fresh_store(char **dirp)
{
	char *dir = test_tmpdir("import"), *cause = NULL;
	struct store *st;

	if (store_open(dir, 1, &st, &cause) != 0)
		fail_msg("store_open: %s", cause);
	*dirp = dir;
	return st;
}

static void
drop_store(struct store *st, char *dir)
{
	store_close(st);
	test_rmtree(dir);
	free(dir);
}

/*
 * SHA-256 over every row of every table, in the order of its columns.  With
 * catalogue_only, the uploads table and the *_at and upload_id columns are
 * left out, so stores loaded at different times from the same data agree.
 */
static char *
store_digest(struct store *st, int catalogue_only)
{
	sqlite3_stmt *tables = test_prepare(st, "SELECT name FROM sqlite_master WHERE"
	    " type = 'table' ORDER BY name");
	mbedtls_sha256_context h;
	unsigned char d[32];
	char *hex = xmalloc(65);

	mbedtls_sha256_init(&h);
	mbedtls_sha256_starts_ret(&h, 0);
	while (sqlite3_step(tables) == SQLITE_ROW) {
		const char *t = (const char *)sqlite3_column_text(tables, 0);
		char *sql = xasprintf("SELECT * FROM \"%s\"", t);
		sqlite3_stmt *rows;
		struct buf order = { 0 };

		if (catalogue_only && strcmp(t, "uploads") == 0) {
			free(sql);
			continue;
		}
		/* Ordered by every column: some (FTS5 shadow) tables have no rowid. */
		rows = test_prepare(st, sql);
		for (int c = 0; c < sqlite3_column_count(rows); c++)
			buf_addf(&order, "%s%d", c ? ", " : "", c + 1);
		sqlite3_finalize(rows);
		free(sql);
		sql = xasprintf("SELECT * FROM \"%s\" ORDER BY %s", t, order.data);
		buf_free(&order);
		rows = test_prepare(st, sql);
		free(sql);
		mbedtls_sha256_update_ret(&h, (const unsigned char *)t, strlen(t) + 1);
		while (sqlite3_step(rows) == SQLITE_ROW) {
			for (int c = 0; c < sqlite3_column_count(rows); c++) {
				const char *name = sqlite3_column_name(rows, c);
				const unsigned char *v = sqlite3_column_text(rows, c);
				size_t nl = strlen(name);

				if (catalogue_only && ((nl > 3 && strcmp(name + nl - 3, "_at") == 0) ||
				    strcmp(name, "upload_id") == 0))
					continue;
				mbedtls_sha256_update_ret(&h, v ? v : (const unsigned char *)"\1NULL",
				    v ? (size_t)sqlite3_column_bytes(rows, c) + 1 : 6);
			}
		}
		sqlite3_finalize(rows);
	}
	sqlite3_finalize(tables);
	mbedtls_sha256_finish_ret(&h, d);
	mbedtls_sha256_free(&h);
	for (int i = 0; i < 32; i++)
		snprintf(hex + 2 * i, 3, "%02x", d[i]);
	return hex;
}

/* Originals kept under DIR/uploads/xx/. */
static int
count_blobs(const char *dir)
{
	char *top = xasprintf("%s/uploads", dir);
	DIR *d = opendir(top), *sub;
	struct dirent *e, *f;
	int n = 0;

	while (d != NULL && (e = readdir(d)) != NULL) {
		char *path;

		if (e->d_name[0] == '.')
			continue;
		path = xasprintf("%s/%s", top, e->d_name);
		if ((sub = opendir(path)) != NULL) {
			while ((f = readdir(sub)) != NULL)
				n += f->d_name[0] != '.';
			closedir(sub);
		}
		free(path);
	}
	if (d != NULL)
		closedir(d);
	free(top);
	return n;
}

static int
do_import(struct store *st, const char *kind, const char *path, struct import_report *rep)
{
	struct import_opts o = { .uploaded_by = "cli:test" };

	return import_file(st, catalog_by_name(kind), path, &o, rep);
}

/* Fails with the whole report when an import that should succeed did not. */
static void
expect_ok(int rc, const struct import_report *rep)
{
	if (rc != 0) {
		char *json = import_report_json(rep);

		fail_msg("import of %s rejected: %s", rep->filename, json);
	}
}

/* The same catalogue in every format gives the same store. */
static void
test_formats_agree(void **state)
{
	static const char *kinds[] = { "supply", "demand" };
	static const size_t least[] = { 400, 150 };

	for (size_t k = 0; k < nitems(kinds); k++) {
		char *first = NULL;

		for (size_t f = 0; f < nitems(formats); f++) {
			char *dir, *path = xasprintf("%s/catalog/%s%s", FM_FIXTURES, kinds[k],
			    formats[f]), *digest;
			struct store *st = fresh_store(&dir);
			struct import_report rep;

			expect_ok(do_import(st, kinds[k], path, &rep), &rep);
			assert_true(rep.rows >= least[k]);
			assert_int_equal(rep.inserted, rep.rows);
			assert_int_equal(rep.total_errors, 0);
			digest = store_digest(st, 1);
			if (first == NULL)
				first = digest;
			else {
				if (strcmp(first, digest) != 0)
					fail_msg("%s gives a different store than %s%s", path,
					    kinds[k], formats[0]);
				free(digest);
			}
			import_report_free(&rep);
			drop_store(st, dir);
			free(path);
		}
		free(first);
	}
}

/* Importing the same file twice: every row unchanged, nothing else moves. */
static void
test_reimport_unchanged(void **state)
{
	char *dir, *path = xasprintf("%s/catalog/supply.csv", FM_FIXTURES), *before, *after;
	struct store *st = fresh_store(&dir);
	struct import_report rep;
	size_t rows;

	expect_ok(do_import(st, "supply", path, &rep), &rep);
	rows = rep.rows;
	import_report_free(&rep);
	before = store_digest(st, 1);
	expect_ok(do_import(st, "supply", path, &rep), &rep);
	assert_int_equal(rep.unchanged, rows);
	assert_int_equal(rep.inserted, 0);
	assert_int_equal(rep.updated, 0);
	after = store_digest(st, 1);
	assert_string_equal(before, after);
	assert_int_equal(count_blobs(dir), 1);	/* one original, kept once */
	assert_int_equal(test_scalar(st, "SELECT count(*) FROM uploads"), 2);
	import_report_free(&rep);
	free(before);
	free(after);
	drop_store(st, dir);
	free(path);
}

static const char supply_head[] =
    "产品编号,产品名称,企业名称,统一社会信用代码,所在城市,产品类别,参考价格,联系电话,产品简介\n";

/* One changed price: one row updated, the other unchanged, and the store holds the new price. */
static void
test_one_row_changed(void **state)
{
	char *dir, *a, *b;
	struct store *st = fresh_store(&dir);
	struct import_report rep;
	struct buf t = { 0 };

	buf_addf(&t, "%sHZ-T001,西湖龙井明前特级,杭州狮峰茶业有限公司,91330100MA2H3T4K5H,杭州,"
	    "茶叶,860-1200,0571-87654321,\nJH-H002,金华火腿,浙江金字火腿有限公司,,金华,食品,598,"
	    "13857912345,\n", supply_head);
	a = test_write(dir, "a.csv", t.data);
	expect_ok(do_import(st, "supply", a, &rep), &rep);
	assert_int_equal(rep.inserted, 2);
	import_report_free(&rep);
	buf_reset(&t);
	buf_addf(&t, "%sHZ-T001,西湖龙井明前特级,杭州狮峰茶业有限公司,91330100MA2H3T4K5H,杭州市,"
	    "茶叶,860-1200,0571-87654321,\nJH-H002,金华火腿,浙江金字火腿有限公司,,金华市,食品,628,"
	    "13857912345,\n", supply_head);
	b = test_write(dir, "b.csv", t.data);
	expect_ok(do_import(st, "supply", b, &rep), &rep);
	assert_int_equal(rep.updated, 1);
	assert_int_equal(rep.unchanged, 1);	/* 杭州 and 杭州市 are the same city */
	assert_int_equal(test_scalar(st, "SELECT price_min FROM products WHERE code = 'JH-H002'"),
	    628);
	import_report_free(&rep);
	buf_free(&t);
	free(a);
	free(b);
	drop_store(st, dir);
}

/* A title row above the header, English headers in another order, a formula-looking cell. */
static void
test_title_row_english_headers(void **state)
{
	char *dir, *path;
	struct store *st = fresh_store(&dir);
	struct import_report rep;
	sqlite3_stmt *q;

	path = test_write(dir, "t.csv", "2026年杭州市名优特新产品目录,,,,\n"
	    "City,Product Name,Company,Code,Description\n"
	    "Hangzhou,杭白菊胎菊,桐乡市菊香农业有限公司,HZ-J01,\"=HYPERLINK(\"\"http://x\"\")\"\n");
	expect_ok(do_import(st, "supply", path, &rep), &rep);
	assert_int_equal(rep.inserted, 1);
	q = test_prepare(st, "SELECT p.description, s.city FROM products p JOIN suppliers s"
	    " ON s.id = p.supplier_id WHERE p.code = 'HZ-J01'");
	assert_int_equal(sqlite3_step(q), SQLITE_ROW);
	assert_string_equal(sqlite3_column_text(q, 0), "=HYPERLINK(\"http://x\")");
	assert_string_equal(sqlite3_column_text(q, 1), "杭州市");
	sqlite3_finalize(q);
	import_report_free(&rep);
	free(path);
	drop_store(st, dir);
}

/* One city office cannot overwrite another city's product by reusing its code. */
static void
test_code_of_another_city(void **state)
{
	char *dir, *a, *b;
	struct store *st = fresh_store(&dir);
	struct import_report rep;
	char *before;

	a = test_write(dir, "a.csv", "产品编号,产品名称,企业名称,所在城市\nP001,西湖龙井,杭州狮峰茶业有限公司,杭州\n");
	b = test_write(dir, "b.csv", "产品编号,产品名称,企业名称,所在城市\nP001,宁波汤圆,宁波缸鸭狗食品有限公司,宁波\n");
	expect_ok(do_import(st, "supply", a, &rep), &rep);
	import_report_free(&rep);
	before = store_digest(st, 0);
	assert_int_equal(do_import(st, "supply", b, &rep), -1);
	assert_int_equal(rep.nerrors, 1);
	assert_int_equal(rep.errors[0].row, 2);
	assert_non_null(strstr(rep.errors[0].message, "already belongs to a row of 杭州市"));
	{
		char *after = store_digest(st, 0);

		assert_string_equal(before, after);
		free(after);
	}
	import_report_free(&rep);
	free(before);
	free(a);
	free(b);
	drop_store(st, dir);
}

/* Refuses path and checks the message, its row, and that nothing changed. */
static void
expect_refused(struct store *st, const char *dir, const char *kind, const char *path,
    long row, const char *words)
{
	char *before = store_digest(st, 0), *after;
	int blobs = count_blobs(dir), found = 0;
	struct import_report rep;

	if (do_import(st, kind, path, &rep) == 0)
		fail_msg("%s was accepted", path);
	for (size_t i = 0; i < rep.nerrors && !found; i++)
		found = strstr(rep.errors[i].message, words) != NULL &&
		    (row < 0 || rep.errors[i].row == (size_t)row);
	if (!found) {
		char *json = import_report_json(&rep);

		fail_msg("%s: no error at row %ld with “%s”: %s", path, row, words, json);
	}
	after = store_digest(st, 0);
	if (strcmp(before, after) != 0)
		fail_msg("%s changed the store", path);
	assert_int_equal(count_blobs(dir), blobs);
	import_report_free(&rep);
	free(before);
	free(after);
}

/* Every file of fixtures/bad/expected.tsv, on a store that holds the fixtures. */
static void
test_bad_corpus(void **state)
{
	char *dir, *list = xasprintf("%s/bad/expected.tsv", FM_FIXTURES), line[1024];
	struct store *st = fresh_store(&dir);
	struct import_report rep;
	FILE *f = fopen(list, "r");
	int files = 0;

	for (size_t k = 0; k < 2; k++) {
		char *path = xasprintf("%s/catalog/%s.csv", FM_FIXTURES, k ? "demand" : "supply");

		expect_ok(do_import(st, k ? "demand" : "supply", path, &rep), &rep);
		import_report_free(&rep);
		free(path);
	}
	assert_non_null(f);
	while (fgets(line, sizeof line, f) != NULL) {
		char *file, *kind, *row, *words, *save, *path;

		if (line[0] == '#' || line[0] == '\n')
			continue;
		line[strcspn(line, "\n")] = '\0';
		file = strtok_r(line, "\t", &save);
		kind = strtok_r(NULL, "\t", &save);
		row = strtok_r(NULL, "\t", &save);
		words = strtok_r(NULL, "\t", &save);
		assert_non_null(words);
		path = xasprintf("%s/bad/%s", FM_FIXTURES, file);
		expect_refused(st, dir, kind, path, strcmp(row, "-") == 0 ? -1 : atol(row), words);
		free(path);
		files++;
	}
	fclose(f);
	/* Every file in fixtures/bad but the list and its maker has its line. */
	{
		char *bad = xasprintf("%s/bad", FM_FIXTURES);
		DIR *d = opendir(bad);
		struct dirent *e;
		int present = 0;

		assert_non_null(d);
		while ((e = readdir(d)) != NULL)
			present += e->d_name[0] != '.' && strcmp(e->d_name, "expected.tsv") != 0 &&
			    strcmp(e->d_name, "make.sh") != 0;
		closedir(d);
		free(bad);
		assert_int_equal(files, present);
	}

	/* A 100 MB single line, made here rather than committed. */
	{
		char *path = xasprintf("%s/long-line.csv", dir);
		FILE *out = fopen(path, "wb");
		char chunk[65536];

		assert_non_null(out);
		fputs(supply_head, out);
		memset(chunk, 'x', sizeof chunk);
		for (int i = 0; i < 1600; i++)
			fwrite(chunk, 1, sizeof chunk, out);
		fclose(out);
		expect_refused(st, dir, "supply", path, 2, "longer than");
		unlink(path);
		free(path);
	}
	free(list);
	drop_store(st, dir);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_formats_agree),
		cmocka_unit_test(test_reimport_unchanged),
		cmocka_unit_test(test_one_row_changed),
		cmocka_unit_test(test_title_row_english_headers),
		cmocka_unit_test(test_code_of_another_city),
		cmocka_unit_test(test_bad_corpus),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
