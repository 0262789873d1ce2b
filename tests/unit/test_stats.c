/*
 * test_stats.c — deals and statistics over a small hand-made fair: amounts
 * parsed exactly, outcomes with their history, another office refused,
 * the seed-000 targets reproducing their totals, and the figures by fair,
 * province, city, centre and quarter equal to the numbers worked out by
 * hand below.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "outcome.h"
#include "stats.h"
#include "store.h"
#include "table.h"
#include "targets.h"
#include "testutil.h"
#include "util.h"

static char *dir;
static struct store *st;

/*
 * Two fairs: 哈洽会 in May (meetings 1–5) and 义博会 in October (6–8).
 * Buyers: 1 哈尔滨 营销中心 (黑龙江), 2 哈尔滨 经销户 (黑龙江), 3 长春 营销中心
 * (吉林), 4 成都 营销中心 (四川).  Suppliers: 1 杭州, 2 台州, 3 金华.
 */
static const char fixture_sql[] =
	"INSERT INTO fairs (id, code, name, city, start_date, end_date) VALUES"
	" (1, 'HQH-2026', '哈洽会', '哈尔滨市', '2026-05-17', '2026-05-21'),"
	" (2, 'YBH-2026', '义博会', '义乌市', '2026-10-21', '2026-10-24');"
	"INSERT INTO fair_days VALUES (1, 1, '2026-05-17'), (2, 1, '2026-10-21');"
	"INSERT INTO fair_slots VALUES (1, 1, 1, '09:00', '09:20', 'am'),"
	" (1, 2, 1, '09:20', '09:40', 'am'), (2, 1, 1, '09:00', '09:20', 'am');"
	"INSERT INTO buyers (id, name, province, buyer_type, city) VALUES"
	" (1, '哈尔滨浙江商城营销中心', '黑龙江省', '营销中心', '哈尔滨市'),"
	" (2, '哈尔滨道外宏达商行', '黑龙江省', '重点经销户', '哈尔滨市'),"
	" (3, '长春东北亚浙江产品营销中心', '吉林省', '营销中心', '长春市'),"
	" (4, '成都荷花池浙江产品营销中心', '四川省', '营销中心', '成都市');"
	"INSERT INTO suppliers (id, name, city) VALUES (1, '杭州富春茶业有限公司', '杭州市'),"
	" (2, '台州黄岩精工机电有限公司', '台州市'), (3, '义乌佳美饰品有限公司', '金华市');"
	"INSERT INTO participants (id, fair_id, side, buyer_id, supplier_id, badge, name) VALUES"
	" (1, 1, 'buyer', 1, NULL, 'B1', 'b1'), (2, 1, 'buyer', 2, NULL, 'B2', 'b2'),"
	" (3, 1, 'buyer', 3, NULL, 'B3', 'b3'), (4, 1, 'supplier', NULL, 1, 'S1', 's1'),"
	" (5, 1, 'supplier', NULL, 2, 'S2', 's2'), (6, 2, 'buyer', 4, NULL, 'B4', 'b4'),"
	" (7, 2, 'buyer', 1, NULL, 'B1', 'b1'), (8, 2, 'supplier', NULL, 3, 'S3', 's3'),"
	" (9, 2, 'supplier', NULL, 1, 'S1', 's1');"
	"INSERT INTO meetings (id, fair_id, buyer_pid, supplier_pid, slot, table_no) VALUES"
	" (1, 1, 1, 4, 1, 1), (2, 1, 1, 5, 2, 1), (3, 1, 2, 4, 2, 2), (4, 1, 3, 5, 1, 2),"
	" (5, 1, 3, 4, 2, 3), (6, 2, 6, 8, 1, 1), (7, 2, 7, 8, 1, 2), (8, 2, 6, 9, 1, 3);";

static const struct office_scope everyone = { NULL, NULL };

/* Records one outcome as the organiser; fails the test if refused. */
static void
record(const char *fair, long long id, int held, const char *kind, const char *amount,
    const char *date)
{
	struct outcome_in in = { held, kind, amount, NULL, date, NULL, NULL };
	enum outcome_err err;
	char *cause = NULL;
	json_t *o = NULL;

	if (outcome_record(st, fair, id, &in, "org1", 0, &everyone, &o, &err, &cause) != 0)
		fail_msg("meeting %lld: %s", id, cause);
	json_decref(o);
}

static int
setup(void **state)
{
	char *cause = NULL;
	json_t *t;

	(void)state;
	dir = test_tmpdir("stats");
	if (store_open(dir, 1, &st, &cause) != 0 || store_exec(st, fixture_sql, &cause) != 0)
		fail_msg("%s", cause);
	if (targets_import(st, FM_FIXTURES "/catalog/provinces.csv", 2026, &t, &cause) != 0)
		fail_msg("%s", cause);
	json_decref(t);
	if (targets_import(st, FM_FIXTURES "/stats/cities.csv", 2026, &t, &cause) != 0)
		fail_msg("%s", cause);
	json_decref(t);
	/* The hand-made outcomes; meeting 1 is corrected from 120.5 to 125 afterwards. */
	record("HQH-2026", 1, 1, "contract", "120.5", NULL);
	record("HQH-2026", 2, 1, "intention", "80", NULL);
	record("HQH-2026", 3, 0, NULL, NULL, NULL);
	record("HQH-2026", 4, 1, "contract", "300.25", "2026-07-10");
	record("YBH-2026", 6, 1, "intention", "45.75", NULL);
	record("YBH-2026", 7, 1, "none", NULL, NULL);
	record("YBH-2026", 8, 1, "contract", "1000", NULL);
	record("HQH-2026", 1, -1, NULL, "125", NULL);
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	store_close(st);
	test_rmtree(dir);
	free(dir);
	return 0;
}

/* Amounts: exact hundredths; anything else refused with the value named. */
static void
test_amounts(void **state)
{
	static const struct {
		const char	*in;
		long long	 cents;		/* -1 = refused */
	} cases[] = {
		{ "0", 0 }, { "120.5", 12050 }, { "120.55", 12055 }, { "1000", 100000 },
		{ "007.10", 710 }, { "1.234", -1 }, { "-5", -1 }, { ".5", -1 }, { "1.", -1 },
		{ "1e3", -1 }, { "1,000", -1 }, { "", -1 }, { "十万", -1 }, { " 5", -1 },
		{ "99999999999", -1 },
	};
	(void)state;
	for (size_t i = 0; i < nitems(cases); i++) {
		long long c = -1;
		char *cause = NULL;
		int rc = outcome_parse_amount(cases[i].in, &c, &cause);

		if (cases[i].cents < 0) {
			assert_int_equal(rc, -1);
			assert_non_null(strstr(cause, "amount"));
			free(cause);
		} else {
			assert_int_equal(rc, 0);
			assert_int_equal(c, cases[i].cents);
		}
	}
}

/* The correction of meeting 1 is kept as history, old → new. */
static void
test_history(void **state)
{
	enum outcome_err err;
	char *cause = NULL;
	json_t *o = outcome_get(st, "HQH-2026", 1, &everyone, &err, &cause), *h, *last = NULL;
	size_t i, amounts = 0;

	(void)state;
	assert_non_null(o);
	assert_string_equal(json_string_value(json_object_get(o, "amount")), "125.00");
	json_array_foreach(json_object_get(o, "history"), i, h)
		if (strcmp(json_string_value(json_object_get(h, "field")), "amount") == 0) {
			amounts++;
			last = h;
		}
	assert_int_equal(amounts, 2);
	assert_string_equal(json_string_value(json_object_get(last, "old")), "120.50");
	assert_string_equal(json_string_value(json_object_get(last, "new")), "125.00");
	assert_string_equal(json_string_value(json_object_get(last, "by")), "org1");
	json_decref(o);
}

/* Refusals change nothing: another office's meeting, a bad amount, an unknown meeting. */
static void
test_refused(void **state)
{
	struct office_scope taizhou = { "台州市", NULL }, sichuan = { NULL, "四川省" };
	struct outcome_in in = { -1, NULL, "999", NULL, NULL, NULL, NULL };
	enum outcome_err err;
	char *cause = NULL;
	json_t *o = NULL;

	(void)state;
	/* Meeting 1's supplier is in 杭州: 台州's office may neither change nor read it. */
	assert_int_equal(outcome_record(st, "HQH-2026", 1, &in, "tz", 0, &taizhou, &o, &err,
	    &cause), -1);
	assert_int_equal(err, OUTCOME_FORBIDDEN);
	assert_non_null(strstr(cause, "台州市"));
	free(cause);
	assert_null(outcome_get(st, "HQH-2026", 1, &sichuan, &err, &cause));
	assert_int_equal(err, OUTCOME_FORBIDDEN);
	free(cause);
	/* Its own: 台州 may read meeting 2. */
	o = outcome_get(st, "HQH-2026", 2, &taizhou, &err, &cause);
	assert_non_null(o);
	json_decref(o);
	in.amount = "12.345";
	assert_int_equal(outcome_record(st, "HQH-2026", 1, &in, "org1", 0, &everyone, &o, &err,
	    &cause), -1);
	assert_int_equal(err, OUTCOME_BAD);
	assert_non_null(strstr(cause, "12.345"));
	free(cause);
	in.amount = "5";
	assert_int_equal(outcome_record(st, "HQH-2026", 42, &in, "org1", 0, &everyone, &o,
	    &err, &cause), -1);
	assert_int_equal(err, OUTCOME_NOT_FOUND);
	assert_non_null(strstr(cause, "no meeting 42"));
	free(cause);
	/* A no-show with a contract is a contradiction. */
	in.held = 0;
	in.kind = "contract";
	assert_int_equal(outcome_record(st, "HQH-2026", 5, &in, "org1", 0, &everyone, &o, &err,
	    &cause), -1);
	assert_non_null(strstr(cause, "no-show"));
	free(cause);
	assert_int_equal(test_scalar(st, "SELECT amount_cents FROM outcomes WHERE"
	    " meeting_id = 1"), 12500);
	assert_int_equal(test_scalar(st, "SELECT count(*) FROM outcomes WHERE meeting_id = 5"), 0);
}

/* Seed 000's table: 20 拓展办, 300 营销中心, 500 经销户, 400 and 100 亿元. */
static void
test_targets_totals(void **state)
{
	char *bad, *cause = NULL;
	json_t *t = targets_json(st, 2026, &cause), *p = json_object_get(t, "totals"),
	    *c = json_object_get(t, "city_totals");
	json_t *out = NULL;

	(void)state;
	assert_int_equal(json_array_size(json_object_get(t, "provinces")), 20);
	assert_int_equal(json_integer_value(json_object_get(p, "offices")), 20);
	assert_int_equal(json_integer_value(json_object_get(p, "centres")), 300);
	assert_int_equal(json_integer_value(json_object_get(p, "dealers")), 500);
	assert_true(json_real_value(json_object_get(p, "sales_yi")) == 400.0);
	assert_true(json_real_value(json_object_get(p, "markets_yi")) == 100.0);
	assert_int_equal(json_array_size(json_object_get(t, "cities")), 11);
	assert_true(json_real_value(json_object_get(c, "sales_yi")) == 400.0);
	assert_true(json_real_value(json_object_get(c, "markets_yi")) == 100.0);
	json_decref(t);
	/* A 总计 row that disagrees with its rows is refused, and the year kept as it was. */
	bad = test_write(dir, "bad-total.csv", "单位,拓展办,营销中心,市场外重点经销户,"
	    "扩销目标（亿元）,配套市场扩销目标（亿元）,备注\n北京,1,15,30,25,7,\n天津,1,15,30,20,7,\n"
	    "总计,2,30,60,40,14,\n");
	assert_int_equal(targets_import(st, bad, 2026, &out, &cause), -1);
	assert_non_null(strstr(cause, "扩销目标"));
	assert_non_null(strstr(cause, "45"));
	free(cause);
	free(bad);
	bad = test_write(dir, "bad-cell.csv", "城市,扩销目标（亿元）,三大市场目标（亿元）\n"
	    "杭州,七十,18\n");
	assert_int_equal(targets_import(st, bad, 2026, &out, &cause), -1);
	assert_non_null(strstr(cause, "row 2, column 扩销目标 (B2): \"七十\""));
	free(cause);
	free(bad);
	assert_int_equal(test_scalar(st, "SELECT count(*) FROM province_targets WHERE"
	    " year = 2026"), 20);
	assert_int_equal(test_scalar(st, "SELECT count(*) FROM city_targets WHERE"
	    " year = 2026"), 11);
}

/* The figures of one query. */
static json_t *
figures(const char *by, int year, int quarter, struct office_scope scope)
{
	struct stats_query sq = { by, year, quarter, NULL, scope };
	char *cause = NULL;
	json_t *s = stats_json(st, &sq, &cause);

	if (s == NULL)
		fail_msg("%s", cause);
	return s;
}

/* The row with key, or fails. */
static json_t *
row(json_t *s, const char *key)
{
	json_t *r;
	size_t i;

	json_array_foreach(json_object_get(s, "rows"), i, r)
		if (strcmp(json_string_value(json_object_get(r, "key")), key) == 0)
			return r;
	fail_msg("no row %s", key);
	return NULL;
}

/* A row's counts and amounts, as worked out by hand. */
static void
expect(json_t *r, long long meetings, long long held, long long noshow, long long intent,
    long long contract, const char *intent_wan, const char *contract_wan)
{
	assert_int_equal(json_integer_value(json_object_get(r, "meetings")), meetings);
	assert_int_equal(json_integer_value(json_object_get(r, "held")), held);
	assert_int_equal(json_integer_value(json_object_get(r, "no_show")), noshow);
	assert_int_equal(json_integer_value(json_object_get(r, "intentions")), intent);
	assert_int_equal(json_integer_value(json_object_get(r, "contracts")), contract);
	assert_string_equal(json_string_value(json_object_get(r, "intention_wan")), intent_wan);
	assert_string_equal(json_string_value(json_object_get(r, "contract_wan")), contract_wan);
}

/* A fraction field, to four places. */
static void
expect_ratio(json_t *r, const char *field, double want)
{
	double got = json_real_value(json_object_get(r, field));

	if (got < want - 0.00005 || got > want + 0.00005)
		fail_msg("%s: %g, wanted %g", field, got, want);
}

/* Per fair: 哈洽会 5 meetings, 3 held, 1 no-show; 义博会 3, all held. */
static void
test_by_fair(void **state)
{
	json_t *s = figures("fair", 2026, 0, everyone), *t = json_object_get(s, "totals");

	(void)state;
	assert_int_equal(json_array_size(json_object_get(s, "rows")), 2);
	expect(row(s, "HQH-2026"), 5, 3, 1, 1, 2, "80.00", "425.25");
	expect_ratio(row(s, "HQH-2026"), "no_show_rate", 0.25);
	expect(row(s, "YBH-2026"), 3, 3, 0, 1, 1, "45.75", "1000.00");
	expect(t, 8, 6, 1, 2, 3, "125.75", "1425.25");
	assert_int_equal(json_integer_value(json_object_get(t, "recorded")), 7);
	expect_ratio(t, "no_show_rate", 1.0 / 7.0);
	assert_string_equal(json_string_value(json_object_get(t, "amount_wan")), "1551.00");
	assert_true(json_is_null(json_object_get(t, "target_wan")));
	json_decref(s);
}

/* Per province against seed 000's targets; 黑龙江 has none in that table. */
static void
test_by_province(void **state)
{
	json_t *s = figures("province", 2026, 0, everyone), *r, *t = json_object_get(s, "totals");

	(void)state;
	assert_int_equal(json_array_size(json_object_get(s, "rows")), 21);
	r = row(s, "吉林省");
	expect(r, 2, 1, 0, 0, 1, "0.00", "300.25");
	assert_string_equal(json_string_value(json_object_get(r, "target_wan")), "200000.00");
	expect_ratio(r, "progress", 0.0015);
	r = row(s, "四川省");
	expect(r, 2, 2, 0, 1, 1, "45.75", "1000.00");
	assert_string_equal(json_string_value(json_object_get(r, "target_wan")), "250000.00");
	expect_ratio(r, "progress", 0.004);
	r = row(s, "黑龙江省");
	expect(r, 4, 3, 1, 1, 1, "80.00", "125.00");
	assert_true(json_is_null(json_object_get(r, "target_wan")));
	expect(row(s, "北京市"), 0, 0, 0, 0, 0, "0.00", "0.00");
	assert_string_equal(json_string_value(json_object_get(t, "target_wan")), "4000000.00");
	expect(t, 8, 6, 1, 2, 3, "125.75", "1425.25");
	json_decref(s);
	/* The third quarter: only meeting 4's contract, signed 2026-07-10. */
	s = figures("province", 2026, 3, everyone);
	expect(row(s, "吉林省"), 1, 1, 0, 0, 1, "0.00", "300.25");
	expect(row(s, "四川省"), 0, 0, 0, 0, 0, "0.00", "0.00");
	expect(json_object_get(s, "totals"), 1, 1, 0, 0, 1, "0.00", "300.25");
	json_decref(s);
}

/* Per city against the city targets. */
static void
test_by_city(void **state)
{
	json_t *s = figures("city", 2026, 0, everyone), *r;

	(void)state;
	assert_int_equal(json_array_size(json_object_get(s, "rows")), 11);
	r = row(s, "杭州市");
	expect(r, 4, 2, 1, 0, 2, "0.00", "1125.00");
	expect_ratio(r, "no_show_rate", 1.0 / 3.0);
	assert_string_equal(json_string_value(json_object_get(r, "target_wan")), "700000.00");
	expect_ratio(r, "progress", 0.0016);
	expect(row(s, "台州市"), 2, 2, 0, 1, 1, "80.00", "300.25");
	expect(row(s, "金华市"), 2, 2, 0, 1, 0, "45.75", "0.00");
	expect(row(s, "舟山市"), 0, 0, 0, 0, 0, "0.00", "0.00");
	json_decref(s);
}

/* Per marketing centre: buyers of type 营销中心 only. */
static void
test_by_centre(void **state)
{
	json_t *s = figures("centre", 2026, 0, everyone);

	(void)state;
	assert_int_equal(json_array_size(json_object_get(s, "rows")), 3);
	expect(row(s, "哈尔滨浙江商城营销中心"), 3, 3, 0, 1, 1, "80.00", "125.00");
	expect(row(s, "长春东北亚浙江产品营销中心"), 2, 1, 0, 0, 1, "0.00", "300.25");
	expect(row(s, "成都荷花池浙江产品营销中心"), 2, 2, 0, 1, 1, "45.75", "1000.00");
	expect(json_object_get(s, "totals"), 7, 6, 0, 2, 3, "125.75", "1425.25");
	json_decref(s);
}

/* Per quarter, every year. */
static void
test_by_quarter(void **state)
{
	json_t *s = figures("quarter", 0, 0, everyone);

	(void)state;
	assert_int_equal(json_array_size(json_object_get(s, "rows")), 3);
	expect(row(s, "2026-Q2"), 4, 2, 1, 1, 1, "80.00", "125.00");
	expect(row(s, "2026-Q3"), 1, 1, 0, 0, 1, "0.00", "300.25");
	expect(row(s, "2026-Q4"), 3, 3, 0, 1, 1, "45.75", "1000.00");
	json_decref(s);
}

/* An office sees its own figures only. */
static void
test_scope(void **state)
{
	struct office_scope taizhou = { "台州市", NULL }, sichuan = { NULL, "四川省" };
	json_t *s = figures("city", 2026, 0, taizhou);

	(void)state;
	assert_int_equal(json_array_size(json_object_get(s, "rows")), 1);
	expect(row(s, "台州市"), 2, 2, 0, 1, 1, "80.00", "300.25");
	json_decref(s);
	s = figures("fair", 2026, 0, taizhou);
	assert_int_equal(json_array_size(json_object_get(s, "rows")), 1);
	expect(row(s, "HQH-2026"), 2, 2, 0, 1, 1, "80.00", "300.25");
	json_decref(s);
	s = figures("province", 2026, 0, sichuan);
	assert_int_equal(json_array_size(json_object_get(s, "rows")), 1);
	expect(row(s, "四川省"), 2, 2, 0, 1, 1, "45.75", "1000.00");
	assert_string_equal(json_string_value(json_object_get(row(s, "四川省"), "target_wan")),
	    "250000.00");
	json_decref(s);
}

/* A bad grouping or quarter is refused, naming it. */
static void
test_bad_query(void **state)
{
	struct stats_query sq = { "county", 2026, 0, NULL, { NULL, NULL } };
	char *cause = NULL;

	(void)state;
	assert_null(stats_json(st, &sq, &cause));
	assert_non_null(strstr(cause, "\"county\""));
	free(cause);
	sq.by = "fair";
	sq.quarter = 5;
	assert_null(stats_json(st, &sq, &cause));
	assert_non_null(strstr(cause, "quarter: 5"));
	free(cause);
}

/* The CSV export reads back: a header, one row per group, the totals. */
static void
test_export_csv(void **state)
{
	json_t *s = figures("fair", 2026, 0, everyone);
	char *path = xasprintf("%s/stats.csv", dir), *cause = NULL;
	struct table_reader *tr;
	struct table_row r;
	int n = 0, found = 0;

	(void)state;
	assert_int_equal(stats_export(s, "csv", path, &cause), 0);
	tr = table_open(path, NULL, &table_default_limits, &cause);
	assert_non_null(tr);
	while (table_next(tr, &r, &cause) > 0) {
		if (n == 0)
			assert_string_equal(r.cells[10], "合同金额（万元） / contracts (万元)");
		if (r.ncells > 10 && strcmp(r.cells[0], "HQH-2026") == 0) {
			assert_string_equal(r.cells[10], "425.25");
			found = 1;
		}
		n++;
	}
	table_close(tr);
	assert_int_equal(n, 4);
	assert_true(found);
	free(path);
	json_decref(s);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_amounts),
		cmocka_unit_test(test_history),
		cmocka_unit_test(test_refused),
		cmocka_unit_test(test_targets_totals),
		cmocka_unit_test(test_by_fair),
		cmocka_unit_test(test_by_province),
		cmocka_unit_test(test_by_city),
		cmocka_unit_test(test_by_centre),
		cmocka_unit_test(test_by_quarter),
		cmocka_unit_test(test_scope),
		cmocka_unit_test(test_bad_query),
		cmocka_unit_test(test_export_csv),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
