/*
 * test_print.c — the document writer and the schedule documents, from
 * structs built here (no store): page flow, tables across pages, what is
 * refused, that nothing is left behind on failure, and that a dry layout
 * paginates exactly as the printed one.
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
#include <unistd.h>

#include "pdf.h"
#include "print.h"
#include "testutil.h"
#include "util.h"

static char *dir;

static int
setup(void **state)
{
	dir = test_tmpdir("print");
	return 0;
}

static int
teardown(void **state)
{
	test_rmtree(dir);
	free(dir);
	return 0;
}

/* Whether path exists and begins with "%PDF-". */
static int
is_pdf(const char *path)
{
	char head[5] = { 0 };
	FILE *f = fopen(path, "rb");
	int ok;

	if (f == NULL)
		return 0;
	ok = fread(head, 1, 5, f) == 5 && memcmp(head, "%PDF-", 5) == 0;
	fclose(f);
	return ok;
}

static int
exists(const char *path)
{
	struct stat sb;

	return stat(path, &sb) == 0;
}

/* A small fair: 3 buyers, 2 suppliers, 2 days of 2 slots, 2 tables. */
static const struct agenda_slot slots[] = {
	{ "2026-05-21", "09:00", "09:20" }, { "2026-05-21", "09:30", "09:50" },
	{ "2026-05-22", "09:00", "09:20" }, { "2026-05-22", "09:30", "09:50" },
};
static const char *const tables[] = { "1号桌", "2号桌" };
static const struct agenda_party parties[] = {
	{ AGENDA_BUYER, "B001", "重庆朝天门市场浙江产品营销中心", "重庆市", "苏娟", "023-63659313",
	  "bUyErLiNkToKeN0000000000000000000000000001", "048213" },
	{ AGENDA_BUYER, "B002", "成都荷花池商会", "四川省", "李明", NULL, NULL, NULL },
	{ AGENDA_BUYER, "B003", "昆明螺蛳湾经销部", "云南省", NULL, NULL, NULL, NULL },
	{ AGENDA_SUPPLIER, "S001", "宁波方太厨具有限公司", "宁波市", "王芳", "0574-87654321", NULL, NULL },
	{ AGENDA_SUPPLIER, "S002", "舟山海之味水产有限公司", "舟山市", "陈刚", "0580-2021234", NULL, NULL },
};
static const struct agenda_meeting meetings[] = {
	{ 0, 0, 0, 3, "吸油烟机", "侧吸式吸油烟机 JQG9001" },
	{ 0, 1, 1, 4, "冷冻带鱼", "舟山带鱼段 500g" },
	{ 1, 0, 1, 3, "燃气灶", "嵌入式燃气灶" },
	{ 1, 1, 0, 4, "海鲜礼盒", "东海海鲜礼盒" },
	{ 2, 0, 2, 3, "消毒柜", "嵌入式消毒柜" },
};

static struct agenda
small_fair(void)
{
	struct agenda a = {
		.fair = { "YQH-2026", "中国西部国际投资贸易洽谈会（渝洽会）", "重庆市",
		    "2026-05-21 至 2026-05-24", "重庆国际博览中心 N3 馆" },
		.slots = slots, .nslots = nitems(slots),
		.tables = tables, .ntables = nitems(tables),
		.parties = parties, .nparties = nitems(parties),
		.meetings = meetings, .nmeetings = nitems(meetings),
	};
	return a;
}

/* Progress seen: how often, and the last fraction. */
struct seen {
	int	calls;
	double	last;
};

static void
note(void *arg, double done)
{
	struct seen *s = arg;

	assert_true(done >= s->last);
	s->calls++;
	s->last = done;
}

/* Each document of the small fair: the pages the data implies, a PDF, progress to 1. */
static void
test_documents(void **state)
{
	static const struct {
		const char	*name;
		int		 pages;
	} want[] = {
		{ "agendas", 5 },	/* one per participant */
		{ "tables", 2 },	/* one per table */
		{ "grid", 1 },		/* 2 tables, 4 slots */
		{ "signin", 4 },	/* 2 days × buyers, suppliers */
	};
	struct agenda a = small_fair();

	for (size_t i = 0; i < nitems(want); i++) {
		struct seen seen = { 0, 0 };
		struct print_opts o = { "https://fair.example:8443", note, &seen };
		char *path = xasprintf("%s/%s.pdf", dir, want[i].name);
		char *cause = NULL;
		int which = print_agenda_doc_by_name(want[i].name), pages = 0;

		assert_true(which >= 0);
		if (print_agenda_doc(&a, (enum agenda_doc)which, &o, path, &pages, &cause) != 0)
			fail_msg("%s: %s", want[i].name, cause);
		assert_int_equal(pages, want[i].pages);
		assert_true(is_pdf(path));
		assert_true(seen.calls > 0);
		assert_true(seen.last == 1.0);
		free(path);
	}
	assert_int_equal(print_agenda_doc_by_name("brochure"), -1);
}

/* A buyer with more meetings than a page holds: the table goes on, header and all. */
static void
test_long_agenda(void **state)
{
	enum { N = 60 };
	struct agenda_slot s[N];
	struct agenda_party p[N + 1];
	struct agenda_meeting m[N];
	char names[N][64], times[N][8];
	const char *const one[] = { "A01" };
	struct agenda a = { .fair = { "T", "测试会", NULL, NULL, NULL }, .slots = s,
	    .nslots = N, .tables = one, .ntables = 1, .parties = p, .nparties = N + 1,
	    .meetings = m, .nmeetings = N };
	char *path = xasprintf("%s/long.pdf", dir), *cause = NULL;
	int pages = 0;

	p[0] = (struct agenda_party){ AGENDA_BUYER, "B1", "义乌小商品采购团", "浙江省", NULL, NULL, NULL, NULL };
	for (int i = 0; i < N; i++) {
		snprintf(names[i], sizeof names[i], "第%d供应商有限责任公司", i + 1);
		snprintf(times[i], sizeof times[i], "%02d:%02d", 8 + i / 6, i % 6 * 10);
		s[i] = (struct agenda_slot){ "2026-10-21", times[i], times[i] };
		p[i + 1] = (struct agenda_party){ AGENDA_SUPPLIER, NULL, names[i], "金华市", NULL, NULL, NULL, NULL };
		m[i] = (struct agenda_meeting){ (size_t)i, 0, 0, (size_t)i + 1, "雨伞", "晴雨伞" };
	}
	if (print_agenda_doc(&a, AGENDA_DOC_PARTIES, NULL, path, &pages, &cause) != 0)
		fail_msg("%s", cause);
	/* The buyer's 60 rows take more than one page; each supplier one page. */
	assert_true(pages > N + 1);
	assert_true(pages < N + 5);
	free(path);
}

/* A schedule that cannot be printed is refused, and no file is left. */
static void
test_refused(void **state)
{
	struct agenda_meeting clash[] = {
		{ 0, 0, 0, 3, NULL, NULL }, { 0, 0, 1, 4, NULL, NULL },	/* one table, one slot */
	};
	struct agenda_meeting twice[] = {
		{ 0, 0, 0, 3, NULL, NULL }, { 0, 1, 0, 4, NULL, NULL },	/* one buyer, one slot */
	};
	struct agenda_meeting wrong[] = { { 0, 0, 3, 0, NULL, NULL } };	/* roles swapped */
	struct agenda_meeting far[] = { { 9, 0, 0, 3, NULL, NULL } };	/* no slot 9 */
	const struct {
		struct agenda_meeting	*m;
		size_t			 n;
		const char		*says;
	} cases[] = {
		{ clash, 2, "table" }, { twice, 2, "participant" }, { wrong, 1, "does not exist" },
		{ far, 1, "does not exist" },
	};
	char *path = xasprintf("%s/refused.pdf", dir), *part = xasprintf("%s.part", path);

	for (size_t i = 0; i < nitems(cases); i++) {
		struct agenda a = small_fair();
		char *cause = NULL;

		a.meetings = cases[i].m;
		a.nmeetings = cases[i].n;
		assert_int_equal(print_agenda_doc(&a, AGENDA_DOC_GRID, NULL, path, NULL, &cause), -1);
		assert_non_null(strstr(cause, cases[i].says));
		assert_false(exists(path));
		assert_false(exists(part));
		free(cause);
	}
	free(path);
	free(part);
}

/* An unwritable path is named in the message. */
static void
test_unwritable(void **state)
{
	struct agenda a = small_fair();
	char *path = xasprintf("%s/no/such/dir/x.pdf", dir), *cause = NULL;

	assert_int_equal(print_agenda_doc(&a, AGENDA_DOC_TABLES, NULL, path, NULL, &cause), -1);
	assert_non_null(strstr(cause, "no/such/dir/x.pdf"));
	free(cause);
	free(path);
}

/* Lays out a long paragraph and a 300-row table; returns the pages. */
static int
flow(struct pdf_doc *doc)
{
	static const double w[] = { 1, 3, 2 };
	static const char *const head[] = { "编号", "名称", "说明" };
	static const struct pdf_table t = { 3, w, head, NULL, 0, 0 };
	struct buf b = { 0 };
	char *cause = NULL;

	for (int i = 0; i < 400; i++)
		buf_addstr(&b, "义乌小商品市场汇集了来自全国各地的日用品，浙江制造的雨伞、袜子与五金工具远销海外。");
	pdf_heading(doc, PDF_H1, "长段落 / A long paragraph", 40);
	pdf_paragraph(doc, PDF_BODY, PDF_LEFT, b.data);
	buf_free(&b);
	pdf_table_begin(doc, &t);
	for (int i = 0; i < 300; i++) {
		char code[16];
		const char *cells[3] = { code, "不锈钢保温杯 500ml", i % 7 == 0 ?
		    "双层真空，304 不锈钢内胆，保温 12 小时以上，适合户外与办公。可定制 LOGO。" : NULL };

		snprintf(code, sizeof code, "HZ-%04d", i);
		pdf_table_row(doc, cells);
	}
	pdf_table_end(doc);
	assert_int_equal(pdf_qr(doc, 0, 0, 60, "https://fair.example:8443/p/B001", &cause), 0);
	return pdf_page(doc);
}

/* A dry layout and the printed one have the same pages: the guide's contents rely on it. */
static void
test_dry_equals_real(void **state)
{
	struct pdf_opts o = { PDF_PORTRAIT, "测试", NULL, 0, 1 };
	struct pdf_doc *doc;
	char *path = xasprintf("%s/flow.pdf", dir), *cause = NULL;
	int dry, real;

	assert_int_equal(pdf_open(NULL, &o, &doc, &cause), 0);
	dry = flow(doc);
	assert_int_equal(pdf_close(doc, &cause), 0);
	o.dry = 0;
	assert_int_equal(pdf_open(path, &o, &doc, &cause), 0);
	real = flow(doc);
	assert_int_equal(pdf_close(doc, &cause), 0);
	assert_int_equal(dry, real);
	assert_int_equal(real, 16);	/* what 300 rows and a QR code take */
	assert_true(is_pdf(path));
	free(path);
}

/* A QR code cannot hold more than its version 40 allows: refused, not crashed. */
static void
test_qr_too_long(void **state)
{
	struct pdf_opts o = { PDF_PORTRAIT, "测试", NULL, 0, 1 };
	struct pdf_doc *doc;
	char *big = xcalloc(5001, 1), *cause = NULL;

	memset(big, 'x', 5000);
	assert_int_equal(pdf_open(NULL, &o, &doc, &cause), 0);
	assert_int_equal(pdf_qr(doc, 0, 0, 60, big, &cause), -1);
	/* libqrencode's ERANGE: 5,000 bytes are more than a QR code holds. */
	assert_string_equal(cause, "无法生成二维码：Numerical result out of range / cannot make a QR"
	    " code: Numerical result out of range");
	free(cause);
	pdf_abort(doc);
	free(big);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_documents),
		cmocka_unit_test(test_long_agenda),
		cmocka_unit_test(test_refused),
		cmocka_unit_test(test_unwritable),
		cmocka_unit_test(test_dry_equals_real),
		cmocka_unit_test(test_qr_too_long),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
