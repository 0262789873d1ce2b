/*
 * test_forgive.c — forgiving kiosk search (index/forgive.c), one test per
 * rule of docs/search.md "Forgiving search", on the fixture catalogue and
 * one more product whose brand, 龙锦 (longjin), is one IME slip from 龙井
 * (longjing): its exact hit must come before every corrected one.  Eight
 * moulds from Huangyan (模具, moju) make moju the commonest completion of
 * moj, though no product has it beside jiaomo (角磨机 is jiaomo moji).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "forgive.h"
#include "import.h"
#include "indexing.h"
#include "serve_load.h"
#include "store.h"
#include "testutil.h"
#include "util.h"

static struct store *st;
static struct tokenizer *tk;
static struct serve *sv;
static struct serve_scratch *scratch;
static char *dir;

static const char longjin_csv[] =
    "产品编号,产品名称,企业名称,统一社会信用代码,所在城市,区县,产品类别,规格型号,品牌,参考价格,"
    "计价单位,起订量,荣誉认证,关键词,产品简介,联系人,联系电话\n"
    "HZ-0901,龙锦织锦丝巾,杭州中恒丝绸科技有限公司,913301007GP5QL2LX9,杭州市,临平区,纺织服装,"
    "90cm×90cm,龙锦,268,条,100条,,丝巾；丝绸,桑蚕丝织锦，图案取材西湖十景。,马杰,0571-44657342\n"
    "TZ-0901,汽车保险杠注塑模具,台州市黄岩精诚模具有限公司,91331003MA2HX7K3QK,台州市,黄岩区,"
    "汽摩配件,P20钢 一模两腔,精诚,280000,套,1套,,模具；注塑模具,模具寿命50万模次。,王建,0576-84221356\n"
    "TZ-0902,汽车仪表台模具,台州市黄岩精诚模具有限公司,91331003MA2HX7K3QK,台州市,黄岩区,"
    "汽摩配件,718H钢 热流道,精诚,360000,套,1套,,模具；汽车模具,热流道进胶，外观件免喷涂。,王建,"
    "0576-84221356\n"
    "TZ-0903,汽车灯罩模具,台州市黄岩精诚模具有限公司,91331003MA2HX7K3QK,台州市,黄岩区,"
    "汽摩配件,S136钢 镜面抛光,精诚,150000,套,1套,,模具；汽车模具,镜面抛光，透光均匀。,王建,"
    "0576-84221356\n"
    "TZ-0904,精密五金冲压模具,台州市黄岩精诚模具有限公司,91331003MA2HX7K3QK,台州市,黄岩区,"
    "五金工具,SKD11 级进模,精诚,90000,套,1套,,模具；冲压模具,级进模，每分钟冲次120。,王建,"
    "0576-84221356\n"
    "TZ-0905,家电外壳注塑模具,台州市黄岩宏达塑料模具有限公司,91331003MA2K8LRT53,台州市,黄岩区,"
    "家居用品,P20钢 一模一腔,宏达,120000,套,1套,,模具；注塑模具,洗衣机、空调外壳模具。,陈丽,"
    "0576-84357720\n"
    "TZ-0906,塑料周转箱模具,台州市黄岩宏达塑料模具有限公司,91331003MA2K8LRT53,台州市,黄岩区,"
    "家居用品,P20钢 一模一腔,宏达,85000,套,1套,,模具；塑料模具,周转箱、物流箱模具。,陈丽,"
    "0576-84357720\n"
    "TZ-0907,PET瓶坯模具,台州市黄岩宏达塑料模具有限公司,91331003MA2K8LRT53,台州市,黄岩区,"
    "日用小商品,S136钢 一模三十二腔,宏达,220000,套,1套,,模具；瓶坯模具,针阀热流道，周期12秒。,陈丽,"
    "0576-84357720\n"
    "TZ-0908,一次性餐盒模具,台州市黄岩宏达塑料模具有限公司,91331003MA2K8LRT53,台州市,黄岩区,"
    "日用小商品,718H钢 薄壁,宏达,98000,套,1套,,模具；餐盒模具,薄壁快速成型。,陈丽,0576-84357720\n"
    "JH-0901,商务保温杯礼盒,永康市诚品杯业有限公司,91330784MA2E1BWB4F,金华市,永康市,家居用品,"
    "500ml×2,诚品,128,盒,100盒,,商务保温杯；保温杯礼盒；保温杯,商务保温杯礼盒，双杯装。,吴敏,"
    "0579-87123456\n";

static void
load(const char *kind, const char *path)
{
	struct import_opts o = { .uploaded_by = "cli:test" };
	struct import_report rep;

	if (import_file(st, catalog_by_name(kind), path, &o, &rep) != 0)
		fail_msg("import %s: %s", path, import_report_json(&rep));
	import_report_free(&rep);
}

static int
setup(void **state)
{
	char *cause = NULL, *extra;

	dir = test_tmpdir("forgive");
	if (store_open(dir, 1, &st, &cause) != 0)
		fail_msg("%s", cause);
	load("supply", FM_FIXTURES "/catalog/supply.csv");
	extra = test_write(dir, "longjin.csv", longjin_csv);
	load("supply", extra);
	free(extra);
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

/* The kiosk's search (not typing: no prefix), 20 a page, marks as the CLI's. */
static void
run(const char *q, size_t offset, size_t limit, struct search_result *r)
{
	struct search_opts o = { .kind = "supply", .limit = limit, .offset = offset,
	    .mark_open = "【", .mark_close = "】" };
	char *cause = NULL;

	if (search_forgiving_run(store_db(st), tk, sv, scratch, q, 0, &o, r, &cause) != 0)
		fail_msg("%s: %s", q, cause);
}

/* Every hit's name holds want; the reply suggests `suggestion` and found none exactly. */
static void
corrected(const char *q, const char *want, const char *suggestion)
{
	struct search_result r;

	run(q, 0, 20, &r);
	if (r.forgive == NULL || r.nhits == 0)
		fail_msg("%s: nothing forgiven (%zu hits)", q, r.nhits);
	if (strcmp(r.forgive->suggestion, suggestion) != 0)
		fail_msg("%s: did you mean %s, not %s", q, suggestion, r.forgive->suggestion);
	assert_int_equal(r.forgive->exact, 0);
	assert_null(r.forgive->dropped);
	assert_int_equal(r.total, (long)r.nhits);
	for (size_t i = 0; i < r.nhits; i++)
		if (strstr(r.hits[i].name, want) == NULL && strstr(r.hits[i].snippet, want) == NULL)
			fail_msg("%s: hit %zu is %s %s, without %s", q, i + 1, r.hits[i].code,
			    r.hits[i].name, want);
	search_result_free(&r);
}

static void
test_pinyin_missing_or_swapped_letter(void **state)
{
	corrected("lonjing", "龙井", "龙井");
	corrected("longjign", "龙井", "龙井");
}

static void
test_pinyin_fuzzy_sounds(void **state)
{
	corrected("nongjing", "龙井", "龙井");		/* l/n */
	corrected("shichou", "丝绸", "丝绸");		/* s/sh */
	corrected("zhenshi", "真丝", "真丝");		/* 丝 is si */
	corrected("zensi", "真丝", "真丝");		/* z/zh, en/eng */
	/* in/ing in a word of three syllables, which has no token of its own: by its pairs. */
	corrected("zhongxinbi", "中性笔", "中性笔");
	/*
	 * s/sh where a syllable pair of the slip is another word's: mo|gan is 莫干
	 * and gan|san 直杆伞's 杆伞, but no product has both, so nothing is found
	 * as typed and 莫干山 is offered, not an umbrella.
	 */
	corrected("mogansan", "莫干山", "莫干山");
}

static void
test_pinyin_prefix_across_syllables(void **state)
{
	/* jiao|mo + j: "jiaomo moji", not the commoner moju, which never follows jiaomo. */
	corrected("jiaomoj", "角磨机", "角磨机");
	corrected("baowenb", "保温杯", "保温杯");
	corrected("bwb", "保温杯", "保温杯");
}

/* DZ47-63 is found as DZ-47, dz47 and DZ 47; Z41H-16C as z41h16c. */
static void
test_model_numbers(void **state)
{
	const char *qs[] = { "DZ-47", "dz47", "DZ 47", "ＤＺ４７" };
	struct search_result r;

	for (size_t i = 0; i < sizeof qs / sizeof qs[0]; i++) {
		int found = 0;

		run(qs[i], 0, 20, &r);
		for (size_t k = 0; k < r.nhits; k++)
			found |= strcmp(r.hits[k].code, "WZ-0002") == 0;
		if (!found)
			fail_msg("%s: the DZ47-63 breaker WZ-0002 is not found", qs[i]);
		search_result_free(&r);
	}
	corrected("z41h16c", "铸钢闸阀", "z41h-16c");
}

/* No cup holds 1000 ml: the number is dropped, and the reply says so. */
static void
test_relaxed_drops_the_number(void **state)
{
	struct search_result r;

	run("保温杯 1000ml", 0, 20, &r);
	assert_non_null(r.forgive);
	assert_int_equal(r.forgive->exact, 0);
	assert_string_equal(r.forgive->dropped, "1000ml");
	assert_string_equal(r.forgive->message_zh, "没有 1000ml 的保温杯，以下是其他规格");
	assert_string_equal(r.forgive->message_en, "No 保温杯 in 1000ml; showing other sizes");
	assert_true(r.nhits > 0);
	for (size_t i = 0; i < r.nhits; i++)
		if (strstr(r.hits[i].highlight, "保温") == NULL &&
		    strstr(r.hits[i].snippet, "保温") == NULL)
			fail_msg("hit %s %s is no vacuum cup", r.hits[i].code, r.hits[i].name);
	search_result_free(&r);

	/* Without a number, the word fewest products have goes. */
	run("茶叶 领带", 0, 20, &r);
	assert_non_null(r.forgive);
	assert_non_null(r.forgive->dropped);
	assert_true(strstr(r.forgive->message_zh, "不含") != NULL);
	search_result_free(&r);
}

/* A Han word that finds nothing: its pinyin says what was meant. */
static void
test_did_you_mean(void **state)
{
	corrected("龙景", "龙井", "龙井");
	corrected("角模机", "角磨机", "角磨机");
}

/* longjin is 龙锦 exactly, and one slip from longjing: 龙锦 first, then 龙井. */
static void
test_exact_ranks_above_corrected(void **state)
{
	struct search_result r, page2;

	run("longjin", 0, 20, &r);
	assert_non_null(r.forgive);
	assert_int_equal(r.forgive->exact, 1);
	assert_string_equal(r.forgive->suggestion, "龙井");
	assert_string_equal(r.hits[0].code, "HZ-0901");
	assert_true(r.nhits > 5);
	for (size_t i = 1; i < r.nhits; i++)
		assert_non_null(strstr(r.hits[i].name, "龙井"));
	assert_int_equal(r.total, (long)r.nhits);

	/* Pages of the merged list read as the one list. */
	run("longjin", 3, 4, &page2);
	assert_int_equal(page2.nhits, 4);
	for (size_t i = 0; i < page2.nhits; i++)
		assert_string_equal(page2.hits[i].code, r.hits[3 + i].code);
	search_result_free(&page2);
	search_result_free(&r);
}

/*
 * 纺织 longjin finds the 龙锦 scarf exactly, then every 纺织 product with
 * longjin dropped: the scarf is one of those too, and is counted once
 * whether or not it falls on the page the forgiving query fetched.
 */
static void
test_total_counts_each_hit_once(void **state)
{
	struct search_opts o = { .kind = "supply", .limit = 100 };
	struct search_result small, all, typed;
	char *cause = NULL;

	if (search_serve_run(store_db(st), tk, sv, scratch, "纺织", 0, &o, &typed, &cause) != 0)
		fail_msg("%s", cause);
	assert_true(typed.total > 4 && typed.total < 100);
	run("纺织 longjin", 0, 3, &small);
	run("纺织 longjin", 0, 100, &all);
	assert_non_null(small.forgive);
	assert_int_equal(small.forgive->exact, 1);
	assert_string_equal(small.forgive->dropped, "longjin");
	assert_string_equal(small.hits[0].code, "HZ-0901");
	assert_int_equal(small.total, typed.total);
	assert_int_equal(all.total, typed.total);
	assert_int_equal(all.nhits, (size_t)typed.total);
	for (size_t i = 0; i < all.nhits; i++)
		for (size_t j = 0; j < i; j++)
			assert_true(all.hits[i].id != all.hits[j].id);
	for (size_t i = 0; i < small.nhits; i++)
		assert_int_equal(small.hits[i].id, all.hits[i].id);
	search_result_free(&small);
	search_result_free(&all);
	search_result_free(&typed);
}

/* A query that finds enough is answered as typed: the same as the serving layer's. */
static void
test_enough_is_not_forgiven(void **state)
{
	struct search_opts o = { .kind = "supply", .limit = 20 };
	struct search_result a, b;
	char *cause = NULL;

	run("龙井", 0, 20, &a);
	assert_null(a.forgive);
	if (search_serve_run(store_db(st), tk, sv, scratch, "龙井", 0, &o, &b, &cause) != 0)
		fail_msg("%s", cause);
	assert_int_equal(a.total, b.total);
	assert_int_equal(a.nhits, b.nhits);
	for (size_t i = 0; i < a.nhits; i++)
		assert_int_equal(a.hits[i].id, b.hits[i].id);
	search_result_free(&a);
	search_result_free(&b);

	/* Nothing near: nothing forgiven, no hits, no message. */
	run("xqzvw", 0, 20, &a);
	assert_null(a.forgive);
	assert_int_equal(a.total, 0);
	search_result_free(&a);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pinyin_missing_or_swapped_letter),
		cmocka_unit_test(test_pinyin_fuzzy_sounds),
		cmocka_unit_test(test_pinyin_prefix_across_syllables),
		cmocka_unit_test(test_model_numbers),
		cmocka_unit_test(test_relaxed_drops_the_number),
		cmocka_unit_test(test_did_you_mean),
		cmocka_unit_test(test_exact_ranks_above_corrected),
		cmocka_unit_test(test_total_counts_each_hit_once),
		cmocka_unit_test(test_enough_is_not_forgiven),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
