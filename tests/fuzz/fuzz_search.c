/*
 * fuzz_search.c — the kiosk's query path on a real store: the query
 * through the tokenizer into an FTS5 expression, ranked, with facets,
 * highlights and snippets.  The store is built once, in
 * LLVMFuzzerInitialize, from a few products and demands.
 *
 * Input: one byte of flags, one of limit, one of offset (× 4, or from
 * 0xf0 up 2^30 … 2^45, far past any page a kiosk shows), then the query.  User text must never reach FTS5's parser as syntax: a query is
 * either searched or refused as having nothing to search for, and an SQL
 * error ("search failed") is a bug.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzzutil.h"
#include "import.h"
#include "indexing.h"
#include "search.h"
#include "store.h"
#include "util.h"

static const char supply_csv[] =
    "产品编号,产品名称,企业名称,所在城市,产品类别,规格型号,品牌,关键词,产品简介\n"
    "T1,西湖龙井茶,杭州狮峰茶业有限公司,杭州,茶叶,250g/罐,狮峰,绿茶；明前,狮峰山产区明前采摘\n"
    "T2,安吉白茶,安吉县溪龙白茶有限公司,湖州,茶叶,125g/盒,溪龙,绿茶,安吉白茶，氨基酸含量高\n"
    "C1,马口铁茶叶罐,义乌市恒美包装有限公司,金华,日用小商品,10cm×15cm,恒美,包装；铁罐,"
    "可装茶叶、咖啡\n"
    "L1,LED灯泡 E27 9W,宁波明光照明电器有限公司,宁波,电气机械,E27 9W 6500K,明光,节能灯,"
    "高亮LED球泡灯\n"
    "D1,小型断路器,温州正泰电气有限公司,温州,电气机械,DZ47-63 C16,正远,空气开关,1P 16A\n"
    "B1,深沟球轴承,新昌县万丰轴承有限公司,绍兴,五金工具,6205-2RS,万丰,轴承,\"内径25mm,外径52mm\"\n"
    "E1,锂电冲击电钻,永康市恒锐工具有限公司,金华,五金工具,20V 4.0Ah,恒锐,電動工具；电钻,"
    "\"无刷电机，扭矩大；\"\"专业级\"\"\"\n";

static const char demand_csv[] =
    "需求编号,需求产品,采购单位,单位类型,所在省份,所在城市,产品类别,需求描述,采购数量,计量单位,"
    "目标价格,截止日期,联系人,联系电话\n"
    "XQ-1,绍兴加饭酒,北京新发地荣昌实业有限公司,重点经销户,北京市,北京市,酒类,"
    "用于餐饮渠道及商超，春节前供货。,3900,箱,295-415,2027-04-16,孙涛,010-83921460\n"
    "XQ-2,常山胡柚,北京新发地农产品批发市场浙江产品营销中心,营销中心,北京,北京市,农产品,"
    "要求纸箱包装，每箱5公斤。,110,吨,4200-5100,2027-01-17,冯俊杰,010-32183437\n"
    "XQ-3,西湖龙井,重庆浙江商会,商会,重庆,重庆市,茶叶,明前特级，礼盒装,200,盒,面议,"
    "2027-03-01,王磊,13812345678\n";

/* What a flag byte's bits pick for the region and category filters. */
static const char *const regions[] = { NULL, "杭州市", "北京市", "" };
static const char *const categories[] = { NULL, "茶叶", "五金工具", "\"" };

static struct store *st;
static struct tokenizer *tk;

static void
load(const char *kind, const char *name, const char *text)
{
	struct import_opts o = { .uploaded_by = "cli:fuzz" };
	struct import_report rep;
	const char *path = fuzz_write(name, (const uint8_t *)text, strlen(text));

	if (import_file(st, catalog_by_name(kind), path, &o, &rep) != 0) {
		char *json = import_report_json(&rep);

		fuzz_fail("import %s: %s", kind, json);
	}
	import_report_free(&rep);
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	char *dir = xasprintf("%s/store", fuzz_tmpdir()), *cause = NULL;

	if (store_open(dir, 1, &st, &cause) != 0)
		fuzz_fail("store_open: %s", cause);
	load("supply", "supply.csv", supply_csv);
	load("demand", "demand.csv", demand_csv);
	if (indexing_update(st, 0, NULL, &cause) != 0 || (tk = tokenizer_new(&cause)) == NULL)
		fuzz_fail("%s", cause);
	free(dir);
	return 0;
}

static void
want_text(const char *what, const char *s)
{
	if (s == NULL || !utf8_valid(s, strlen(s)))
		fuzz_fail("%s: missing or not valid UTF-8", what);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct search_opts o = { 0 };
	struct search_result r;
	char *query, *cause = NULL;
	int rc;

	if (size < 3)
		return 0;
	o.kind = data[0] & 1 ? "demand" : "supply";
	o.no_facets = data[0] & 4;
	o.region = regions[(data[0] >> 3) & 3];
	o.category = categories[(data[0] >> 5) & 3];
	if (data[0] & 0x80) {
		o.mark_open = "【";
		o.mark_close = "】";
	}
	o.limit = data[1];
	o.offset = data[2] < 0xf0 ? (size_t)data[2] * 4 : (size_t)1 << (data[2] - 0xf0 + 30);
	query = fuzz_strndup(data + 3, size - 3);

	rc = search_run(store_db(st), tk, query, data[0] & 2, &o, &r, &cause);
	if (rc == 0) {
		if (cause != NULL)
			fuzz_fail("a message on success, which callers would leak: %s", cause);
		want_text("expression", r.expression);
		if (r.nhits > (o.limit > 0 && o.limit <= SEARCH_MAX_LIMIT ? o.limit : 20))
			fuzz_fail("%zu hits for a limit of %zu", r.nhits, o.limit);
		if (!o.no_facets && r.total < (long)r.nhits)
			fuzz_fail("total %ld below %zu hits", r.total, r.nhits);
		for (size_t i = 0; i < r.nhits; i++) {
			want_text("code", r.hits[i].code);
			want_text("name", r.hits[i].name);
			want_text("highlight", r.hits[i].highlight);
			want_text("snippet", r.hits[i].snippet);
		}
		for (size_t i = 0; i < r.nregions; i++)
			want_text("region facet", r.regions[i].value);
		for (size_t i = 0; i < r.ncategories; i++)
			want_text("category facet", r.categories[i].value);
	} else if (rc != -1)
		fuzz_fail("search_run returned %d", rc);
	else {
		want_text("cause", cause);
		if (strstr(cause, "search failed") != NULL)
			fuzz_fail("query “%s” reached SQLite as an error: %s", query, cause);
	}
	free(cause);
	search_result_free(&r);
	free(query);
	return 0;
}
