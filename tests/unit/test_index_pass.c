/*
 * test_index_pass.c — the from-scratch build tokenizes each item once and
 * hands the same tokens to FTS5 (its tokenizer replays them) and to Xapian.
 * What it builds must be exactly what tokenizing in each index gives, which
 * the incremental path (the log replayed item by item, each index
 * tokenizing for itself) still does: on the fixture catalogues and on a
 * generated one, the FTS5 tables (every token instance: term, row, column,
 * position; and the stored text), the Xapian databases (every
 * document's terms with their frequencies) and the generic words derived
 * from the catalogues are the same both ways.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "import.h"
#include "indexer.h"
#include "indexing.h"
#include "store.h"
#include "testutil.h"
#include "util.h"
#include "xapian_c.h"

static void
load(struct store *st, const char *kind, const char *path)
{
	struct import_opts o = { .uploaded_by = "cli:test" };
	struct import_report rep;

	if (import_file(st, catalog_by_name(kind), path, &o, &rep) != 0)
		fail_msg("import %s: %s", path, import_report_json(&rep));
	import_report_free(&rep);
}

/* Appends every row of sql on st, columns tab-separated, to out. */
static void
dump_sql(struct store *st, const char *sql, struct buf *out)
{
	sqlite3_stmt *q = test_prepare(st, sql);

	while (sqlite3_step(q) == SQLITE_ROW) {
		for (int c = 0; c < sqlite3_column_count(q); c++) {
			const char *v = (const char *)sqlite3_column_text(q, c);

			buf_addf(out, "%s%s", c ? "\t" : "", v != NULL ? v : "(null)");
		}
		buf_addc(out, '\n');
	}
	sqlite3_finalize(q);
}

static int
str_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/*
 * Every document of the Xapian database of kind: its terms and their
 * frequencies, one line a document, the lines sorted (document numbers
 * may differ; the id term Q<rowid> names the item).
 */
static void
dump_xapian(struct store *st, const char *kind, struct buf *out)
{
	char *dir = indexing_xapian_dir(st), *path = xasprintf("%s/%s", dir, kind), *err = NULL;
	struct xc_db *x = xc_db_open(path, XC_READ, &err);
	uint32_t count = 0, found = 0;
	char **lines = NULL;

	if (x == NULL || xc_db_doc_count(x, &count, &err) != 0)
		fail_msg("%s: %s", path, err);
	lines = xcalloc(count + 1, sizeof *lines);
	/* Documents are numbered from 1; a rebuild or a fresh log leaves no gaps. */
	for (uint32_t docid = 1; found < count && docid <= count * 2 + 10; docid++) {
		struct xc_list *terms = NULL;
		struct buf line = { 0 };

		if (xc_db_doc_terms(x, docid, "", 0, &terms, &err) != 0) {
			free(err);
			err = NULL;
			continue;
		}
		for (size_t i = 0; i < xc_list_size(terms); i++) {
			size_t len;
			const char *t = xc_list_item(terms, i, &len);

			buf_add(&line, t, len);
			buf_addf(&line, ":%llu ", (unsigned long long)xc_list_count(terms, i));
		}
		xc_list_free(terms);
		lines[found++] = buf_take(&line);
	}
	assert_int_equal(found, count);
	qsort(lines, found, sizeof *lines, str_cmp);
	buf_addf(out, "%s: %u documents\n", kind, count);
	for (uint32_t i = 0; i < found; i++) {
		buf_addf(out, "%s\n", lines[i]);
		free(lines[i]);
	}
	free(lines);
	xc_db_close(x, &err);
	free(err);
	free(path);
	free(dir);
}

/*
 * Everything the two indexes hold that tokenizing decides, as text, and
 * the generic words (derived from the store's text item by item, from the
 * recorded tokens in one pass).
 */
static char *
dump_indexes(struct store *st)
{
	struct buf out = { 0 };
	size_t nk;
	const struct ix_kind *k = ix_kinds(&nk);

	for (size_t i = 0; i < nk; i++) {
		char *sql = xasprintf("CREATE VIRTUAL TABLE temp.vocab USING fts5vocab(main, %s,"
		    " instance)", k[i].fts);

		if (sqlite3_exec(store_db(st), sql, NULL, NULL, NULL) != SQLITE_OK)
			fail_msg("%s: %s", sql, sqlite3_errmsg(store_db(st)));
		free(sql);
		buf_addf(&out, "%s: tokens\n", k[i].fts);
		dump_sql(st, "SELECT term, doc, col, offset FROM temp.vocab ORDER BY 1, 2, 3, 4",
		    &out);
		sqlite3_exec(store_db(st), "DROP TABLE temp.vocab", NULL, NULL, NULL);
		sql = xasprintf("SELECT rowid, * FROM %s ORDER BY rowid", k[i].fts);
		buf_addf(&out, "%s: rows\n", k[i].fts);
		dump_sql(st, sql, &out);
		free(sql);
		dump_xapian(st, k[i].name, &out);
	}
	buf_addstr(&out, "generic_words\n");
	dump_sql(st, "SELECT word, items, categories, top_share FROM generic_words ORDER BY word",
	    &out);
	return buf_take(&out);
}

/* The first line where a and b differ, for the failure message. */
static void
same_text(const char *a, const char *b)
{
	size_t line = 1;
	const char *la = a, *lb = b;

	if (strcmp(a, b) == 0)
		return;
	while (*a != '\0' && *a == *b) {
		if (*a == '\n') {
			line++;
			la = a + 1;
			lb = b + 1;
		}
		a++, b++;
	}
	fail_msg("line %zu differs:\n  item by item: %.*s\n  one pass:     %.*s", line,
	    (int)strcspn(la, "\n"), la, (int)strcspn(lb, "\n"), lb);
}

/*
 * The catalogues in files[0..n) indexed item by item (an empty store's
 * rebuild first, so that the imports are caught up as changes) and then
 * rebuilt in one pass: both give the same indexes.
 */
static char *
both_ways(const char *const *kinds, const char *const *files, size_t n, long long products)
{
	char *dir = test_tmpdir("ixpass"), *cause = NULL, *by_item, *one_pass;
	struct store *st;

	if (store_open(dir, 1, &st, &cause) != 0 || indexing_update(st, 1, NULL, &cause) != 0)
		fail_msg("%s", cause);
	for (size_t i = 0; i < n; i++)
		load(st, kinds[i], files[i]);
	if (indexing_update(st, 0, NULL, &cause) != 0)
		fail_msg("%s", cause);
	assert_int_equal(test_scalar(st, "SELECT count(*) FROM index_state WHERE name ="
	    " 'xapian_rebuild'"), 0);
	assert_true(test_scalar(st, "SELECT count(*) FROM products_fts") >= products);
	by_item = dump_indexes(st);
	if (indexing_update(st, 1, NULL, &cause) != 0)
		fail_msg("%s", cause);
	one_pass = dump_indexes(st);
	same_text(by_item, one_pass);
	free(by_item);
	store_close(st);
	test_rmtree(dir);
	free(dir);
	return one_pass;
}

static void
test_fixtures_one_pass_as_item_by_item(void **state)
{
	char *supply = xasprintf("%s/catalog/supply.csv", FM_FIXTURES);
	char *demand = xasprintf("%s/catalog/demand.csv", FM_FIXTURES);
	const char *kinds[] = { "supply", "demand" }, *files[] = { supply, demand };

	char *dump = both_ways(kinds, files, 2, 100);

	/* Not vacuous: pinyin (FTS5 only) and Han bigrams with their field (Xapian) are there. */
	assert_non_null(strstr(dump, "\nlongjing\t"));
	assert_non_null(strstr(dump, "N龙井:"));
	assert_non_null(strstr(dump, "\n要求\t"));
	free(dump);
	free(supply);
	free(demand);
}

/* fmgen's generated catalogue (FMGEN, set by the build), as the benchmark indexes it. */
static void
test_generated_one_pass_as_item_by_item(void **state)
{
	const char *fmgen = getenv("FMGEN");
	char *dir = test_tmpdir("ixgen"), *file = xasprintf("%s/supply.csv", dir), *cmd;
	const char *kinds[] = { "supply" }, *files[] = { file };

	if (fmgen == NULL)
		fail_msg("FMGEN (the generator's path) is not set");
	cmd = xasprintf("'%s' supply --count 3000 --seed 5 -o '%s'", fmgen, file);
	assert_int_equal(system(cmd), 0);
	free(both_ways(kinds, files, 1, 3000));
	free(cmd);
	free(file);
	test_rmtree(dir);
	free(dir);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fixtures_one_pass_as_item_by_item),
		cmocka_unit_test(test_generated_one_pass_as_item_by_item),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
