/*
 * test_search.c — kiosk search end to end on a real store: import a small
 * catalogue, index it into FTS5 and Xapian, and search the way buyers type.
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

#include "import.h"
#include "indexer.h"
#include "indexing.h"
#include "search.h"
#include "store.h"
#include "testutil.h"
#include "util.h"
#include "xapian_c.h"

static const char catalogue[] =
    "产品编号,产品名称,企业名称,所在城市,产品类别,规格型号,品牌,关键词,产品简介\n"
    "T1,西湖龙井茶,杭州狮峰茶业有限公司,杭州,茶叶,250g/罐,狮峰,绿茶；明前,狮峰山产区明前采摘\n"
    "T2,安吉白茶,安吉县溪龙白茶有限公司,湖州,茶叶,125g/盒,溪龙,绿茶,安吉白茶，氨基酸含量高\n"
    "T3,开化龙顶茶,开化县龙顶茶业有限公司,衢州,茶叶,100g,龙顶,绿茶,高山云雾茶\n"
    "C1,马口铁茶叶罐,义乌市恒美包装有限公司,金华,日用小商品,10cm×15cm,恒美,包装；铁罐,可装茶叶、咖啡\n"
    "L1,LED灯泡 E27 9W,宁波明光照明电器有限公司,宁波,电气机械,E27 9W 6500K,明光,节能灯,"
    "高亮LED球泡灯\n"
    "D1,小型断路器,温州正泰电气有限公司,温州,电气机械,DZ47-63 C16,正远,空气开关,1P 16A\n"
    "B1,深沟球轴承,新昌县万丰轴承有限公司,绍兴,五金工具,6205-2RS,万丰,轴承,\"内径25mm,外径52mm\"\n"
    "E1,锂电冲击电钻,永康市恒锐工具有限公司,金华,五金工具,20V 4.0Ah,恒锐,电动工具；电钻,"
    "无刷电机，扭矩大\n";

static struct store *st;
static struct tokenizer *tk;
static char *dir;

static int
setup(void **state)
{
	struct import_opts o = { .uploaded_by = "cli:test" };
	struct import_report rep;
	char *path, *cause = NULL;

	dir = test_tmpdir("search");
	path = test_write(dir, "c.csv", catalogue);
	if (store_open(dir, 1, &st, &cause) != 0)
		fail_msg("%s", cause);
	if (import_file(st, catalog_by_name("supply"), path, &o, &rep) != 0)
		fail_msg("import: %s", import_report_json(&rep));
	import_report_free(&rep);
	free(path);
	if (indexing_update(st, 0, NULL, &cause) != 0 || (tk = tokenizer_new(&cause)) == NULL)
		fail_msg("%s", cause);
	return 0;
}

static int
teardown(void **state)
{
	tokenizer_free(tk);
	store_close(st);
	test_rmtree(dir);
	free(dir);
	return 0;
}

/* The codes found for query, in rank order, as "A B C". */
static char *
codes(const char *query, int prefix)
{
	struct search_opts o = { .kind = "supply", .limit = 20 };
	struct search_result r;
	struct buf b = { 0 };
	char *cause = NULL;

	if (search_run(store_db(st), tk, query, prefix, &o, &r, &cause) != 0)
		fail_msg("search “%s”: %s", query, cause);
	buf_add(&b, "", 0);
	for (size_t i = 0; i < r.nhits; i++)
		buf_addf(&b, "%s%s", i ? " " : "", r.hits[i].code);
	search_result_free(&r);
	return buf_take(&b);
}

#define assert_codes(query, prefix, want) do {					\
	char *got_ = codes(query, prefix);					\
	if (strcmp(got_, want) != 0)						\
		fail_msg("“%s” found “%s”, wanted “%s”", query, got_, want);	\
	free(got_);								\
} while (0)

/* Does the result for query start with code? */
#define assert_first(query, code) do {						\
	char *got_ = codes(query, 0);						\
	if (strncmp(got_, code, strlen(code)) != 0 || (got_[strlen(code)] != ' ' &&	\
	    got_[strlen(code)] != '\0'))					\
		fail_msg("“%s” ranked “%s” first, wanted %s", query, got_, code);	\
	free(got_);								\
} while (0)

static void
test_scripts_and_widths(void **state)
{
	assert_first("電動工具", "E1");		/* traditional finds simplified */
	assert_first("电动工具", "E1");
	assert_first("ＬＥＤ", "L1");		/* full-width finds ASCII */
	assert_first("led", "L1");
	assert_first("西湖龍井", "T1");
}

static void
test_pinyin(void **state)
{
	assert_first("longjing", "T1");
	assert_first("lj", "T1");
	assert_first("anji baicha", "T2");
	assert_first("anjibaicha", "T2");	/* typed without spaces: an|ji|bai|cha */
	/*
	 * Every pair of its syllables, not any: kai|hua is 开化 (T3) and long|jing
	 * 龙井 (T1), but no product has 开化 and 龙井 and hua|long together.
	 */
	assert_codes("anjibaicha", 0, "T2");
	assert_codes("xihulongjing", 0, "T1");
	assert_codes("kaihualongjing", 0, "");
}

static void
test_short_queries_and_ranking(void **state)
{
	char *teas = codes("茶", 0);

	/* one character finds every tea, and the canister that holds tea */
	assert_non_null(strstr(teas, "T1"));
	assert_non_null(strstr(teas, "T2"));
	assert_non_null(strstr(teas, "T3"));
	free(teas);
	/* 茶叶: teas (category 茶叶) above the tea canister */
	{
		char *got = codes("茶叶", 0);

		assert_non_null(strstr(got, "C1"));
		if (strstr(got, "T1") == NULL || strstr(got, "T1") > strstr(got, "C1"))
			fail_msg("茶叶 ranked the canister above 西湖龙井茶: %s", got);
		free(got);
	}
	/* 龙井茶叶 still finds 西湖龙井茶, which has no 茶叶 bigram, first */
	assert_first("龙井茶叶", "T1");
}

static void
test_models_and_units(void **state)
{
	assert_codes("LED 灯泡 E27", 0, "L1");
	assert_codes("E27", 0, "L1");
	assert_codes("DZ47", 0, "D1");
	assert_codes("DZ47-63", 0, "D1");
	assert_codes("6205", 0, "B1");
	assert_codes("9w", 0, "L1");
	assert_codes("20V", 0, "E1");
}

static void
test_search_as_you_type(void **state)
{
	assert_codes("dz4", 1, "D1");		/* last word as a prefix */
	assert_codes("dz4", 0, "");		/* not when the user has finished */
	assert_codes("longj", 1, "T1");
}

/*
 * Regression (fuzz_search, corpus/search/crash-search-huge-offset): the
 * candidate heap was allocated for offset + limit entries up front, so a
 * page far past the matches (offset 2^45) aborted on the allocation.
 */
static void
test_huge_offset(void **state)
{
	struct search_opts o = { .kind = "supply", .limit = 20, .offset = (size_t)1 << 45 };
	struct search_result r;
	char *cause = NULL;

	assert_int_equal(search_run(store_db(st), tk, "茶", 0, &o, &r, &cause), 0);
	assert_int_equal(r.nhits, 0);
	assert_int_equal(r.total, 4);		/* the matches are counted, none shown */
	search_result_free(&r);
	o.offset = SIZE_MAX;
	assert_int_equal(search_run(store_db(st), tk, "茶", 0, &o, &r, &cause), 0);
	assert_int_equal(r.nhits, 0);
	search_result_free(&r);
}

/* Hostile queries: a result or a clear message, never an SQL error or a crash. */
static void
test_hostile_queries(void **state)
{
	static const char *empty[] = { "", "   ", "　", "\" * : ^ ( ) - + { } [ ]", "，。！？" };
	struct search_opts o = { .kind = "supply", .limit = 20 };
	struct search_result r;
	char *cause, big[10241];

	for (size_t i = 0; i < nitems(empty); i++) {
		cause = NULL;
		assert_int_equal(search_run(store_db(st), tk, empty[i], 1, &o, &r, &cause), -1);
		assert_non_null(strstr(cause, "nothing to search for"));
		free(cause);
		search_result_free(&r);
	}
	cause = NULL;
	assert_int_equal(search_run(store_db(st), tk, "龙井\xff\xfe", 0, &o, &r, &cause), -1);
	assert_non_null(strstr(cause, "UTF-8"));
	free(cause);
	search_result_free(&r);
	/* FTS5 operators are words like any other, not syntax */
	assert_codes("NEAR AND OR NOT", 0, "");
	assert_codes("龙井 OR 白茶", 0, "");
	assert_codes("\"龙井\"", 0, "T1");
	assert_codes("龙井*", 0, "T1");
	assert_codes("brand:龙井", 0, "T1");	/* words, not a column filter (brand is 狮峰) */
	/* 10 KB of text: cut to SEARCH_MAX_TOKENS words, no error */
	memset(big, 'a', sizeof big - 1);
	for (size_t i = 5; i < sizeof big - 1; i += 6)
		big[i] = ' ';
	big[sizeof big - 1] = '\0';
	assert_codes(big, 1, "");
}

static void
test_facets_and_filters(void **state)
{
	struct search_opts o = { .kind = "supply", .limit = 20, .category = "茶叶" };
	struct search_result r;
	char *cause = NULL;

	assert_int_equal(search_run(store_db(st), tk, "茶", 0, &o, &r, &cause), 0);
	assert_int_equal(r.total, 3);
	assert_int_equal(r.ncategories, 1);
	assert_string_equal(r.categories[0].value, "茶叶");
	assert_int_equal(r.nregions, 3);
	search_result_free(&r);
	o.category = NULL;
	o.region = "金华市";
	assert_int_equal(search_run(store_db(st), tk, "茶", 0, &o, &r, &cause), 0);
	assert_int_equal(r.total, 1);
	assert_string_equal(r.hits[0].code, "C1");
	search_result_free(&r);
}

static void
test_highlight_and_snippet(void **state)
{
	struct search_opts o = { .kind = "supply", .limit = 5, .mark_open = "<", .mark_close = ">" };
	struct search_result r;
	char *cause = NULL;

	assert_int_equal(search_run(store_db(st), tk, "longjing", 0, &o, &r, &cause), 0);
	assert_string_equal(r.hits[0].highlight, "西湖<龙井>茶");
	search_result_free(&r);
	assert_int_equal(search_run(store_db(st), tk, "高亮", 0, &o, &r, &cause), 0);
	assert_string_equal(r.hits[0].snippet, "<高亮>LED球泡灯");
	search_result_free(&r);
}

/* The Xapian index holds every product, with field-prefixed terms and filters. */
static void
test_xapian_index(void **state)
{
	char *path = xasprintf("%s/xapian/supply", dir), *err = NULL;
	struct xc_db *x = xc_db_open(path, XC_READ, &err);
	uint32_t count, freq;

	assert_non_null(x);
	assert_int_equal(xc_db_doc_count(x, &count, &err), 0);
	assert_int_equal(count, 8);
	assert_int_equal(xc_db_term_freq(x, "N龙井", XC_NTS, &freq, &err), 0);
	assert_int_equal(freq, 1);
	assert_int_equal(xc_db_term_freq(x, "D明前", XC_NTS, &freq, &err), 0);
	assert_int_equal(freq, 1);		/* the description, under its own prefix */
	assert_int_equal(xc_db_term_freq(x, "XR金华市", XC_NTS, &freq, &err), 0);
	assert_int_equal(freq, 2);
	assert_int_equal(xc_db_term_freq(x, "Sdz47", XC_NTS, &freq, &err), 0);
	assert_int_equal(freq, 1);
	xc_db_close(x, &err);
	free(path);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_scripts_and_widths),
		cmocka_unit_test(test_pinyin),
		cmocka_unit_test(test_short_queries_and_ranking),
		cmocka_unit_test(test_models_and_units),
		cmocka_unit_test(test_search_as_you_type),
		cmocka_unit_test(test_hostile_queries),
		cmocka_unit_test(test_huge_offset),
		cmocka_unit_test(test_facets_and_filters),
		cmocka_unit_test(test_highlight_and_snippet),
		cmocka_unit_test(test_xapian_index),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
