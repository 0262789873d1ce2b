/*
 * test_highlight.c — highlighting tokenizes only the columns that may
 * match (index/search.c, struct qhint): on the fixture catalogue, every
 * hit's highlight and snippet are the same as when every column is
 * tokenized with pinyin, for the benchmark's queries and for pinyin,
 * traditional, model-number and size queries, typed whole or as prefixes.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "import.h"
#include "indexing.h"
#include "search.h"
#include "serve_load.h"
#include "store.h"
#include "testutil.h"
#include "util.h"

static struct store *st;
static struct tokenizer *tk;
static struct serve *sv;
static struct serve_scratch *scratch;
static char *dir;

static int
setup(void **state)
{
	struct import_opts o = { .uploaded_by = "cli:test" };
	struct import_report rep;
	char *cause = NULL;

	dir = test_tmpdir("highlight");
	if (store_open(dir, 1, &st, &cause) != 0)
		fail_msg("%s", cause);
	if (import_file(st, catalog_by_name("supply"), FM_FIXTURES "/catalog/supply.csv", &o,
	    &rep) != 0)
		fail_msg("import: %s", import_report_json(&rep));
	import_report_free(&rep);
	if (indexing_update(st, 0, NULL, &cause) != 0 || (tk = tokenizer_new(&cause)) == NULL ||
	    (sv = serve_load(store_db(st), tk, "supply", &cause)) == NULL)
		fail_msg("%s", cause);
	scratch = serve_scratch_new();
	return 0;
}

static int
teardown(void **state)
{
	serve_scratch_free(scratch);
	serve_free(sv);
	tokenizer_free(tk);
	store_close(st);
	test_rmtree(dir);
	free(dir);
	return 0;
}

/* The query's hits, highlighted both ways, agree; returns how many hits. */
static size_t
same(const char *q, int prefix)
{
	struct search_opts o = { .kind = "supply", .limit = 50, .mark_open = "【",
	    .mark_close = "】" };
	struct search_result a, b;
	char *cause = NULL;
	size_t n;

	if (search_serve_run(store_db(st), tk, sv, scratch, q, prefix, &o, &a, &cause) != 0) {
		free(cause);
		return 0;	/* nothing to search for */
	}
	o.highlight = HIGHLIGHT_EVERY_COLUMN;
	if (search_serve_run(store_db(st), tk, sv, scratch, q, prefix, &o, &b, &cause) != 0)
		fail_msg("%s: %s", q, cause);
	assert_int_equal(a.nhits, b.nhits);
	for (size_t i = 0; i < a.nhits; i++) {
		if (strcmp(a.hits[i].highlight, b.hits[i].highlight) != 0)
			fail_msg("%s: %s highlight %s, every column %s", q, a.hits[i].code,
			    a.hits[i].highlight, b.hits[i].highlight);
		if (strcmp(a.hits[i].snippet, b.hits[i].snippet) != 0)
			fail_msg("%s: %s snippet %s, every column %s", q, a.hits[i].code,
			    a.hits[i].snippet, b.hits[i].snippet);
	}
	n = a.nhits;
	search_result_free(&a);
	search_result_free(&b);
	return n;
}

static void
test_bench_queries(void **state)
{
	FILE *f = fopen(FM_FIXTURES "/../tests/bench/search.queries", "r");
	char line[512];
	size_t hits = 0;

	assert_non_null(f);
	while (fgets(line, sizeof line, f) != NULL) {
		char *tab = strchr(line, '\t');

		line[strcspn(line, "\n")] = '\0';
		if (line[0] == '#' || tab == NULL)
			continue;
		hits += same(tab + 1, 0);
		hits += same(tab + 1, 1);
	}
	fclose(f);
	assert_true(hits > 100);
}

static void
test_pinyin_models_sizes(void **state)
{
	const char *qs[] = { "longjing", "lj", "xihu longjing", "baowenbei", "bwb", "sichou",
	    "lingdai", "zhensi", "電動工具", "龍井茶葉", "ＤＺ４７", "dz47", "Z41H-16C", "j41h",
	    "500ml", "316", "ml", "保温杯 不锈钢", "茶 lv", "oem", "ISO9001", "西湖 明前" };
	size_t hits = 0;

	for (size_t i = 0; i < sizeof qs / sizeof qs[0]; i++) {
		hits += same(qs[i], 0);
		hits += same(qs[i], 1);
	}
	assert_true(hits > 100);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bench_queries),
		cmocka_unit_test(test_pinyin_models_sizes),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
