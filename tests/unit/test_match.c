/*
 * test_match.c — the matcher on a real store and real Xapian indexes:
 * demands find the products a buyer would want, best first, with reasons.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "import.h"
#include "indexing.h"
#include "match.h"
#include "store.h"
#include "testutil.h"
#include "util.h"

static const char products[] =
    "产品编号,产品名称,企业名称,所在城市,产品类别,关键词,产品简介\n"
    "T1,西湖龙井茶,杭州狮峰茶业有限公司,杭州,茶叶,绿茶；明前,狮峰山产区明前采摘\n"
    "T2,安吉白茶,安吉县溪龙白茶有限公司,湖州,茶叶,绿茶,氨基酸含量高\n"
    "C1,马口铁茶叶罐,义乌市恒美包装有限公司,金华,日用小商品,包装；铁罐,可装茶叶、咖啡\n"
    "E1,锂电冲击电钻,永康市恒锐工具有限公司,金华,五金工具,电动工具；电钻,无刷电机\n"
    "E2,角磨机,永康市恒锐工具有限公司,金华,五金工具,电动工具,100mm 磨片\n"
    "H1,金华火腿整腿,浙江金字火腿有限公司,金华,食品,火腿,三年陈\n"
    "S1,男士羊毛西服套装,温州报喜鸟服饰有限公司,温州,纺织服装,西服；正装,"
    "\"面料羊毛50%、涤纶50%，修身版型\"\n"
    "G1,钛合金光学眼镜架,温州明辉眼镜有限公司,温州,日用小商品,眼镜；镜架,"
    "\"超轻钛架，可配近视镜片，现货50款\"\n";

static const char demands[] =
    "需求编号,需求产品,采购单位,所在省份,产品类别,需求描述\n"
    "D1,龙井茶叶,重庆朝天门市场浙江产品营销中心,重庆,茶叶,春节前到货\n"
    "D2,電動工具,成都五金机电城浙江产品营销中心,四川,五金工具,锂电款优先\n"
    "D3,，。！,北京某商贸有限公司,北京,,\n"
    "D4,光学眼镜,哈尔滨秋林集团浙江产品营销中心,黑龙江,日用小商品,"
    "\"要求镜架轻便，款式不少于50款，单位：副\"\n";

static struct store *st;
static struct matcher *m;
static char *dir;

static int
setup(void **state)
{
	struct import_opts o = { .uploaded_by = "cli:test" };
	struct import_report rep;
	char *p, *d, *cause = NULL, *xdir;

	dir = test_tmpdir("match");
	p = test_write(dir, "p.csv", products);
	d = test_write(dir, "d.csv", demands);
	if (store_open(dir, 1, &st, &cause) != 0)
		fail_msg("%s", cause);
	if (import_file(st, catalog_by_name("supply"), p, &o, &rep) != 0)
		fail_msg("%s", import_report_json(&rep));
	import_report_free(&rep);
	if (import_file(st, catalog_by_name("demand"), d, &o, &rep) != 0)
		fail_msg("%s", import_report_json(&rep));
	import_report_free(&rep);
	if (indexing_update(st, 0, NULL, &cause) != 0)
		fail_msg("%s", cause);
	xdir = indexing_xapian_dir(st);
	if ((m = matcher_open(store_db(st), xdir, &cause)) == NULL)
		fail_msg("%s", cause);
	free(xdir);
	free(p);
	free(d);
	return 0;
}

static int
teardown(void **state)
{
	matcher_close(m);
	store_close(st);
	test_rmtree(dir);
	free(dir);
	return 0;
}

/* Codes of the matches, best first, "A B C". */
static char *
matches(const char *kind, const char *code, const struct match_opts *o)
{
	struct match_opts def = { .limit = 10 };
	struct match_result r;
	struct buf b = { 0 };
	char *cause = NULL;

	if (match_code(m, kind, code, o ? o : &def, &r, &cause) != 0)
		fail_msg("match %s %s: %s", kind, code, cause);
	buf_add(&b, "", 0);
	for (size_t i = 0; i < r.nhits; i++)
		buf_addf(&b, "%s%s", i ? " " : "", r.hits[i].code);
	match_result_free(&r);
	return buf_take(&b);
}

static void
test_bigram_coverage(void **state)
{
	char *got = matches("demand", "D1", NULL);

	/* 龙井茶叶: 西湖龙井茶 first; the tea canister (可装茶叶) below both teas; nothing else */
	assert_string_equal(got, "T1 T2 C1");
	free(got);
}

static void
test_traditional_demand(void **state)
{
	char *got = matches("demand", "D2", NULL);

	/* 電動工具 finds the power tools, the drill (锂电) first, and nothing else */
	assert_string_equal(got, "E1 E2");
	free(got);
}

static void
test_reasons(void **state)
{
	struct match_opts o = { .limit = 1 };
	struct match_result r;
	struct buf b = { 0 };
	char *cause = NULL, *why;

	assert_int_equal(match_code(m, "demand", "D1", &o, &r, &cause), 0);
	assert_int_equal(r.nhits, 1);
	assert_string_equal(r.hits[0].code, "T1");
	assert_true(r.hits[0].same_category);
	/*
	 * Reasons are whole words of the demand (龙井茶叶 reads 龙井 茶叶): 龙井 in
	 * the name (西湖龙井茶 goes on with 茶, not 茶叶), and 茶叶 as its category.
	 */
	buf_add(&b, "", 0);
	for (size_t i = 0; i < r.hits[0].nwhy; i++)
		buf_addf(&b, "%s%s:%s", i ? " " : "", r.hits[0].why[i].word, r.hits[0].why[i].fields);
	why = buf_take(&b);
	assert_string_equal(why, "龙井:name 茶叶:category");
	free(why);
	match_result_free(&r);
}

/*
 * A buyer of 光学眼镜 (不少于50款) was offered a suit maker (羊毛50%): a
 * shared number is no match, and reasons are words, never 50 or 要求.
 */
static void
test_glasses_not_matched_to_suit_on_50(void **state)
{
	struct match_opts o = { .limit = 10 };
	struct match_result r;
	struct buf b = { 0 };
	char *cause = NULL, *got = matches("demand", "D4", NULL), *why;

	/* The frames, then the tea canister for the category they share; never the suit. */
	assert_string_equal(got, "G1 C1");
	free(got);
	got = matches("supply", "S1", NULL);
	assert_string_equal(got, "");
	free(got);
	assert_int_equal(match_code(m, "demand", "D4", &o, &r, &cause), 0);
	assert_string_equal(r.hits[0].code, "G1");
	/* Words of the demand; not 50, 款, 要求 or 单位. */
	buf_add(&b, "", 0);
	for (size_t i = 0; i < r.hits[0].nwhy; i++)
		buf_addf(&b, "%s%s:%s", i ? " " : "", r.hits[0].why[i].word, r.hits[0].why[i].fields);
	why = buf_take(&b);
	assert_string_equal(why, "光学眼镜:name 日用小商品:category 镜架:name,keywords");
	free(why);
	match_result_free(&r);
}

static void
test_product_to_demands(void **state)
{
	char *got = matches("supply", "T1", NULL);

	assert_string_equal(got, "D1");
	free(got);
}

static void
test_filters(void **state)
{
	const char *huzhou = "湖州市";
	struct match_opts o = { .limit = 10, .regions = &huzhou, .nregions = 1 };
	char *got = matches("demand", "D1", &o);

	assert_string_equal(got, "T2");
	free(got);
}

static void
test_bad_input(void **state)
{
	struct match_opts o = { .limit = 10 };
	struct match_result r;
	char *cause = NULL;

	assert_int_equal(match_code(m, "demand", "NO-SUCH", &o, &r, &cause), -1);
	assert_string_equal(cause, "没有编号为 NO-SUCH 的需求 / no demand has the code NO-SUCH");
	free(cause);
	match_result_free(&r);
	cause = NULL;
	assert_int_equal(match_code(m, "demand", "D3", &o, &r, &cause), -1);
	assert_string_equal(cause, "需求 D3 没有可以匹配的字词（内容为空或只有标点） / demand D3 has no"
	    " words to match on (empty, or only punctuation)");
	free(cause);
	match_result_free(&r);
}

/* Codes of the matches of words in no catalogue, best first, "A B C". */
static char *
text_matches(const char *kind, const char *text, const char *category)
{
	struct match_opts o = { .limit = 10 };
	struct match_result r;
	struct buf b = { 0 };
	char *cause = NULL;

	if (match_text(m, kind, text, category, &o, &r, &cause) != 0)
		fail_msg("match %s %s: %s", kind, text, cause);
	buf_add(&b, "", 0);
	for (size_t i = 0; i < r.nhits; i++)
		buf_addf(&b, "%s%s", i ? " " : "", r.hits[i].code);
	match_result_free(&r);
	return buf_take(&b);
}

/* A walk-in's words match as the catalogue item that says the same does. */
static void
test_text_as_item(void **state)
{
	struct match_opts o = { .limit = 10 };
	struct match_result r;
	char *got, *cause = NULL;

	/* D1's product and category: the same teas, the canister of another category last. */
	got = text_matches("demand", "龙井茶叶", "茶叶");
	assert_string_equal(got, "T1 T2 C1");
	free(got);
	/* Without a category, the words alone still find 西湖龙井茶. */
	got = text_matches("demand", "龙井茶叶", NULL);
	assert_non_null(strstr(got, "T1"));
	free(got);
	got = text_matches("demand", "電動工具", "五金工具");
	assert_string_equal(got, "E1 E2");
	free(got);
	/* A supplier's words find the demands that want them. */
	got = text_matches("supply", "西湖龙井茶", "茶叶");
	assert_string_equal(got, "D1");
	free(got);
	assert_int_equal(match_text(m, "demand", "，。", NULL, &o, &r, &cause), -1);
	assert_string_equal(cause, "需求 ，。 没有可以匹配的字词（内容为空或只有标点） / demand ，。 has no"
	    " words to match on (empty, or only punctuation)");
	free(cause);
	match_result_free(&r);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bigram_coverage),
		cmocka_unit_test(test_traditional_demand),
		cmocka_unit_test(test_reasons),
		cmocka_unit_test(test_glasses_not_matched_to_suit_on_50),
		cmocka_unit_test(test_product_to_demands),
		cmocka_unit_test(test_filters),
		cmocka_unit_test(test_bad_input),
		cmocka_unit_test(test_text_as_item),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
