/*
 * test_xapian_c.c — the C wrapper over Xapian against a real on-disk
 * database: six products from the Zhejiang catalogue, indexed the way the
 * indexer does it (CJK tokens with positions, a boolean city term, price and
 * category values, the code as data and as "Q" id term), then searched.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <sys/stat.h>

#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "testutil.h"
#include "xapian_c.h"

#define SLOT_PRICE	0	/* sortable double */
#define SLOT_CATEGORY	1	/* category name */

/* One product as the indexer would see it after tokenizing. */
struct sample {
	const char	*code;		/* 产品编号 */
	const char	*tokens[4];	/* name tokens in order, NULL-ended */
	const char	*city;		/* 所在城市 */
	double		 price;		/* 参考价格 */
	const char	*category;	/* 产品类别 */
};

static const struct sample samples[] = {
	{ "P001", { "西湖", "龙井", "茶叶", NULL }, "杭州市", 580.0, "茶叶" },
	{ "P002", { "安吉", "白茶", "茶叶", NULL }, "湖州市", 320.0, "茶叶" },
	{ "P003", { "金华", "火腿", NULL }, "金华市", 260.0, "食品" },
	{ "P004", { "龙井", "茶具", NULL }, "杭州市", 150.0, "工艺品" },
	{ "P005", { "绍兴", "黄酒", NULL }, "绍兴市", 88.0, "酒类" },
	{ "P006", { "西湖", "藕粉", NULL }, "杭州市", 45.0, "食品" },
};
#define NSAMPLES	(sizeof samples / sizeof samples[0])

/* Per-test state: a fresh directory holding a fresh database. */
struct fixture {
	char		*dir;			/* test_tmpdir()'s, removed after */
	char		 path[PATH_MAX + 16];	/* dir/index */
	struct xc_db	*db;			/* writable, samples indexed */
};

/* Fails the test with the wrapper's message unless rc is 0. */
static void
check(int rc, char *err)
{
	if (rc != 0)
		fail_msg("wrapper failed: %s", err ? err : "(no message)");
	assert_null(err);
}

/* Index one sample under its "Q" id term; returns the docid. */
static uint32_t
index_sample(struct xc_db *db, const struct sample *s)
{
	struct xc_doc	*doc;
	char		 term[64];
	uint32_t	 pos, did = 0;
	char		*err = NULL;

	doc = xc_doc_new();
	assert_non_null(doc);
	for (pos = 0; s->tokens[pos] != NULL; pos++)
		check(xc_doc_add_posting(doc, s->tokens[pos], XC_NTS, pos + 1,
		    1, &err), err);
	snprintf(term, sizeof term, "XC%s", s->city);
	check(xc_doc_add_boolean_term(doc, term, XC_NTS, &err), err);
	check(xc_doc_set_value_double(doc, SLOT_PRICE, s->price, &err), err);
	check(xc_doc_set_value(doc, SLOT_CATEGORY, s->category, XC_NTS, &err),
	    err);
	check(xc_doc_set_data(doc, s->code, XC_NTS, &err), err);
	snprintf(term, sizeof term, "Q%s", s->code);
	check(xc_db_replace(db, term, XC_NTS, doc, &did, &err), err);
	xc_doc_free(doc);
	return did;
}

/* Make a temporary directory with the samples indexed and committed. */
static int
setup(void **state)
{
	struct fixture	*f;
	char		*err = NULL;
	size_t		 i;

	f = calloc(1, sizeof *f);
	assert_non_null(f);
	f->dir = test_tmpdir("xapian");
	snprintf(f->path, sizeof f->path, "%s/index", f->dir);
	f->db = xc_db_open(f->path, XC_WRITE, &err);
	if (f->db == NULL)
		fail_msg("open: %s", err);
	for (i = 0; i < NSAMPLES; i++)
		assert_int_equal(index_sample(f->db, &samples[i]), i + 1);
	check(xc_db_commit(f->db, &err), err);
	*state = f;
	return 0;
}

/* Close the database and remove the directory. */
static int
teardown(void **state)
{
	struct fixture	*f = *state;
	char		*err = NULL;

	check(xc_db_close(f->db, &err), err);
	test_rmtree(f->dir);
	free(f->dir);
	free(f);
	return 0;
}

/* Non-zero when a and b agree to 1e-9 relative. */
static int
close_to(double a, double b)
{
	double	 d = a > b ? a - b : b - a;
	double	 m = (a > 0 ? a : -a) > (b > 0 ? b : -b) ? a : b;

	return d <= 1e-9 * (m > 0 ? m : -m) + 1e-12;
}

/* Write the codes (document data) of m's hits, comma-separated. */
static void
codes_of(const struct xc_mset *m, char *buf, size_t size)
{
	char		*data, *err = NULL;
	uint32_t	 i;

	buf[0] = '\0';
	for (i = 0; i < xc_mset_size(m); i++) {
		check(xc_mset_data(m, i, &data, NULL, &err), err);
		if (i > 0)
			strncat(buf, ",", size - strlen(buf) - 1);
		strncat(buf, data, size - strlen(buf) - 1);
		free(data);
	}
}

/* Run q (freed here) through e and write the hit codes into buf. */
static void
run(struct xc_enquire *e, struct xc_query *q, char *buf, size_t size)
{
	struct xc_mset	*m;
	char		*err = NULL;

	check(xc_enquire_set_query(e, q, &err), err);
	xc_query_free(q);
	m = xc_enquire_mset(e, 0, 20, 0, &err);
	if (m == NULL)
		fail_msg("mset: %s", err);
	codes_of(m, buf, size);
	xc_mset_free(m);
}

/* Run q (freed here) on db with default settings; codes into buf. */
static void
search(struct xc_db *db, struct xc_query *q, char *buf, size_t size)
{
	struct xc_enquire	*e;
	char			*err = NULL;

	e = xc_enquire_new(db, &err);
	assert_non_null(e);
	run(e, q, buf, size);
	xc_enquire_free(e);
}

/* The top hit's weight for q (freed here) under bm25 (NULL: defaults). */
static double
top_weight(struct xc_db *db, struct xc_query *q, const struct xc_bm25 *bm25)
{
	struct xc_enquire	*e;
	struct xc_mset		*m;
	struct xc_hit		 hit;
	char			*err = NULL;

	e = xc_enquire_new(db, &err);
	assert_non_null(e);
	check(xc_enquire_set_bm25(e, bm25, &err), err);
	check(xc_enquire_set_query(e, q, &err), err);
	xc_query_free(q);
	m = xc_enquire_mset(e, 0, 1, 0, &err);
	assert_non_null(m);
	assert_int_equal(xc_mset_size(m), 1);
	check(xc_mset_hit(m, 0, &hit, &err), err);
	xc_mset_free(m);
	xc_enquire_free(e);
	return hit.weight;
}

/* A term leaf, wqf 1. */
static struct xc_query *
t(const char *term)
{
	return xc_query_term(term, XC_NTS, 1);
}

/* Two subqueries joined by op. */
static struct xc_query *
pair(enum xc_op op, struct xc_query *a, struct xc_query *b)
{
	struct xc_query	*subs[2] = { a, b };

	return xc_query_combine(op, subs, 2);
}

/* The documents and their average length are as indexed. */
static void
test_counts(void **state)
{
	struct fixture	*f = *state;
	uint32_t	 n;
	double		 avg;
	char		*err = NULL;

	check(xc_db_doc_count(f->db, &n, &err), err);
	assert_int_equal(n, NSAMPLES);
	/* 3 + 3 + 2 + 2 + 2 + 2 tokens; boolean terms add nothing. */
	check(xc_db_avg_length(f->db, &avg, &err), err);
	assert_true(close_to(avg, 14.0 / 6.0));
	check(xc_db_term_freq(f->db, "茶叶", XC_NTS, &n, &err), err);
	assert_int_equal(n, 2);
	assert_true(xc_db_writable(f->db));
}

/* OR finds either term, AND both; the doc with both ranks first. */
static void
test_or_and(void **state)
{
	struct fixture	*f = *state;
	char		 buf[256];

	search(f->db, pair(XC_OP_OR, t("龙井"), t("茶叶")), buf, sizeof buf);
	assert_int_equal(strncmp(buf, "P001,", 5), 0);
	assert_int_equal(strlen(buf), strlen("P001,P00x,P00y"));
	assert_non_null(strstr(buf, "P002"));
	assert_non_null(strstr(buf, "P004"));

	search(f->db, pair(XC_OP_AND, t("龙井"), t("茶叶")), buf, sizeof buf);
	assert_string_equal(buf, "P001");
}

/* A rarer term outweighs a commoner one. */
static void
test_rare_term_ranks_first(void **state)
{
	struct fixture	*f = *state;
	char		 buf[256];

	/* 火腿 is in one product, 茶叶 in two. */
	search(f->db, pair(XC_OP_OR, t("茶叶"), t("火腿")), buf, sizeof buf);
	assert_int_equal(strncmp(buf, "P003,", 5), 0);
}

/* FILTER keeps only the city's documents and adds no weight. */
static void
test_filter(void **state)
{
	struct fixture	*f = *state;
	char		 buf[256];
	double		 plain, filtered;

	search(f->db, pair(XC_OP_FILTER, t("茶叶"), t("XC湖州市")), buf,
	    sizeof buf);
	assert_string_equal(buf, "P002");
	search(f->db, pair(XC_OP_FILTER, pair(XC_OP_OR, t("西湖"), t("龙井")),
	    t("XC杭州市")), buf, sizeof buf);
	assert_string_equal(buf, "P001,P004,P006");

	plain = top_weight(f->db, pair(XC_OP_AND_NOT, t("茶叶"), t("西湖")),
	    NULL);
	filtered = top_weight(f->db, pair(XC_OP_FILTER, t("茶叶"),
	    t("XC湖州市")), NULL);
	assert_true(plain > 0);
	assert_true(close_to(plain, filtered));
}

/* AND_NOT drops documents matching the second query. */
static void
test_and_not(void **state)
{
	struct fixture	*f = *state;
	char		 buf[256];

	search(f->db, pair(XC_OP_AND_NOT, t("茶叶"), t("西湖")), buf,
	    sizeof buf);
	assert_string_equal(buf, "P002");
	search(f->db, pair(XC_OP_AND_MAYBE, t("龙井"), t("西湖")), buf,
	    sizeof buf);
	assert_string_equal(buf, "P001,P004");
}

/* SCALE_WEIGHT multiplies scores and can reorder hits. */
static void
test_scale_weight(void **state)
{
	struct fixture	*f = *state;
	char		 buf[256];
	double		 w, w2;

	w = top_weight(f->db, t("龙井"), NULL);
	w2 = top_weight(f->db, xc_query_scale(t("龙井"), 2.5), NULL);
	assert_true(close_to(w2, 2.5 * w));

	search(f->db, pair(XC_OP_OR, xc_query_scale(t("火腿"), 0.1),
	    t("茶叶")), buf, sizeof buf);
	assert_int_not_equal(strncmp(buf, "P003", 4), 0);
	assert_string_equal(buf + strlen(buf) - 4, "P003");
}

/* A price range keeps the products priced inside it. */
static void
test_value_range(void **state)
{
	struct fixture	*f = *state;
	char		 buf[256], hb[XC_SORTABLE_MAX];
	size_t		 hn;

	search(f->db, pair(XC_OP_FILTER, xc_query_match_all(),
	    xc_query_value_range_double(SLOT_PRICE, 100.0, 400.0)), buf,
	    sizeof buf);
	assert_string_equal(buf, "P002,P003,P004");

	/* Open below: everything up to 100. */
	hn = xc_sortable_serialise(100.0, hb);
	search(f->db, pair(XC_OP_FILTER, xc_query_match_all(),
	    xc_query_value_range(SLOT_PRICE, NULL, 0, hb, hn)), buf,
	    sizeof buf);
	assert_string_equal(buf, "P005,P006");

	/* Ranges combine with text: tea under 400. */
	search(f->db, pair(XC_OP_FILTER, t("茶叶"),
	    xc_query_value_range_double(SLOT_PRICE, 0.0, 400.0)), buf,
	    sizeof buf);
	assert_string_equal(buf, "P002");
}

/* Sorting by the price slot, both ways, and docid order among ties. */
static void
test_sort(void **state)
{
	struct fixture		*f = *state;
	struct xc_enquire	*e;
	char			 buf[256], *err = NULL;

	e = xc_enquire_new(f->db, &err);
	assert_non_null(e);
	check(xc_enquire_set_sort(e, XC_SORT_VALUE, SLOT_PRICE, 0, &err),
	    err);
	run(e, xc_query_match_all(), buf, sizeof buf);
	assert_string_equal(buf, "P006,P005,P004,P003,P002,P001");
	check(xc_enquire_set_sort(e, XC_SORT_VALUE, SLOT_PRICE, 1, &err),
	    err);
	run(e, pair(XC_OP_OR, t("龙井"), t("茶叶")), buf, sizeof buf);
	assert_string_equal(buf, "P001,P002,P004");

	check(xc_enquire_set_sort(e, XC_SORT_RELEVANCE, 0, 0, &err), err);
	check(xc_enquire_set_docid_order(e, XC_DOCID_DESCENDING, &err), err);
	run(e, xc_query_match_all(), buf, sizeof buf);
	assert_string_equal(buf, "P006,P005,P004,P003,P002,P001");
	assert_int_equal(xc_enquire_set_docid_order(e,
	    (enum xc_docid_order)7, &err), -1);
	assert_string_equal(err, "set docid order: unknown docid order 7");
	free(err);
	xc_enquire_free(e);
}

/* Replacing by id term keeps the count and the docid, changes content. */
static void
test_replace(void **state)
{
	struct fixture	*f = *state;
	struct sample	 s = samples[1];
	char		 buf[256], *err = NULL;
	uint32_t	 n, did;

	s.tokens[1] = "黄茶";
	did = index_sample(f->db, &s);
	assert_int_equal(did, 2);
	check(xc_db_commit(f->db, &err), err);
	check(xc_db_doc_count(f->db, &n, &err), err);
	assert_int_equal(n, NSAMPLES);
	check(xc_db_term_freq(f->db, "QP002", XC_NTS, &n, &err), err);
	assert_int_equal(n, 1);
	search(f->db, t("白茶"), buf, sizeof buf);
	assert_string_equal(buf, "");
	search(f->db, t("黄茶"), buf, sizeof buf);
	assert_string_equal(buf, "P002");
}

/* Deleting by id term removes the document; an absent id is fine. */
static void
test_delete(void **state)
{
	struct fixture	*f = *state;
	char		 buf[256], *err = NULL;
	uint32_t	 n;

	check(xc_db_delete(f->db, "QP003", XC_NTS, &err), err);
	check(xc_db_delete(f->db, "QP999", XC_NTS, &err), err);
	check(xc_db_doc_count(f->db, &n, &err), err);
	assert_int_equal(n, NSAMPLES - 1);
	search(f->db, t("火腿"), buf, sizeof buf);
	assert_string_equal(buf, "");

	/* An empty id term would select every document: refused. */
	assert_int_equal(xc_db_delete(f->db, "", 0, &err), -1);
	assert_non_null(strstr(err, "empty id term"));
	free(err);
	err = NULL;
	check(xc_db_doc_count(f->db, &n, &err), err);
	assert_int_equal(n, NSAMPLES - 1);
}

/* A cancelled transaction changes nothing; a committed one persists. */
static void
test_transactions(void **state)
{
	struct fixture		*f = *state;
	static const struct sample s = { "P007", { "宁波", "杨梅", NULL },
	    "宁波市", 66.0, "水果" };
	char			 buf[256], *err = NULL, *v;
	size_t			 vlen;
	uint32_t		 n;

	check(xc_db_begin(f->db, &err), err);
	index_sample(f->db, &s);
	check(xc_db_set_metadata(f->db, "last_seq", XC_NTS, "7", XC_NTS,
	    &err), err);
	check(xc_db_cancel_transaction(f->db, &err), err);
	check(xc_db_doc_count(f->db, &n, &err), err);
	assert_int_equal(n, NSAMPLES);
	search(f->db, t("杨梅"), buf, sizeof buf);
	assert_string_equal(buf, "");
	check(xc_db_get_metadata(f->db, "last_seq", XC_NTS, &v, &vlen, &err),
	    err);
	assert_int_equal(vlen, 0);
	free(v);

	/* Committing a transaction that is not open is an error. */
	assert_int_equal(xc_db_commit_transaction(f->db, &err), -1);
	assert_string_equal(err, "commit transaction: Cannot commit transaction - no transaction"
	    " currently in progress (InvalidOperationError)");
	free(err);
	err = NULL;

	check(xc_db_begin(f->db, &err), err);
	index_sample(f->db, &s);
	check(xc_db_set_metadata(f->db, "last_seq", XC_NTS, "7", XC_NTS,
	    &err), err);
	check(xc_db_commit_transaction(f->db, &err), err);
	check(xc_db_close(f->db, &err), err);

	f->db = xc_db_open(f->path, XC_READ, &err);
	if (f->db == NULL)
		fail_msg("reopen: %s", err);
	check(xc_db_doc_count(f->db, &n, &err), err);
	assert_int_equal(n, NSAMPLES + 1);
	search(f->db, t("杨梅"), buf, sizeof buf);
	assert_string_equal(buf, "P007");
	check(xc_db_get_metadata(f->db, "last_seq", XC_NTS, &v, &vlen, &err),
	    err);
	assert_string_equal(v, "7");
	free(v);
}

/* Metadata round-trips bytes, persists, and needs a writer and a key. */
static void
test_metadata(void **state)
{
	struct fixture	*f = *state;
	char		*v, *err = NULL;
	size_t		 vlen;

	check(xc_db_set_metadata(f->db, "last_seq", XC_NTS, "42", XC_NTS,
	    &err), err);
	check(xc_db_set_metadata(f->db, "blob", XC_NTS, "a\0b", 3, &err), err);
	check(xc_db_get_metadata(f->db, "blob", XC_NTS, &v, &vlen, &err), err);
	assert_int_equal(vlen, 3);
	assert_memory_equal(v, "a\0b", 3);
	free(v);
	check(xc_db_get_metadata(f->db, "absent", XC_NTS, &v, &vlen, &err),
	    err);
	assert_int_equal(vlen, 0);
	assert_string_equal(v, "");
	free(v);
	assert_int_equal(xc_db_set_metadata(f->db, "", 0, "x", 1, &err), -1);
	assert_string_equal(err, "set metadata \"\": Empty metadata keys are invalid"
	    " (InvalidArgumentError)");
	free(err);
	err = NULL;
	check(xc_db_close(f->db, &err), err);	/* commits */

	f->db = xc_db_open(f->path, XC_READ, &err);
	assert_non_null(f->db);
	check(xc_db_get_metadata(f->db, "last_seq", XC_NTS, &v, &vlen, &err),
	    err);
	assert_string_equal(v, "42");
	free(v);
	assert_int_equal(xc_db_set_metadata(f->db, "k", XC_NTS, "v", XC_NTS,
	    &err), -1);
	assert_non_null(strstr(err, "read-only"));
	free(err);
	assert_false(xc_db_writable(f->db));
}

/* A hit lists the query terms it matched, its id term, data and values. */
static void
test_hit_details(void **state)
{
	struct fixture		*f = *state;
	struct xc_query		*subs[4], *q;
	struct xc_enquire	*e;
	struct xc_mset		*m;
	struct xc_list		*l;
	struct xc_hit		 hit;
	char			*v, *err = NULL;
	size_t			 len;

	subs[0] = t("火腿");
	subs[1] = t("龙井");
	subs[2] = t("茶叶");
	subs[3] = t("西湖");
	e = xc_enquire_new(f->db, &err);
	assert_non_null(e);
	q = xc_query_combine(XC_OP_OR, subs, 4);
	check(xc_enquire_set_query(e, q, &err), err);
	xc_query_free(q);	/* set_query copied it */
	m = xc_enquire_mset(e, 0, 10, 0, &err);
	assert_non_null(m);
	assert_int_equal(xc_mset_size(m), 5);
	assert_int_equal(xc_mset_estimated(m), 5);
	check(xc_mset_hit(m, 0, &hit, &err), err);
	assert_int_equal(hit.docid, 1);
	assert_int_equal(hit.rank, 0);
	assert_true(hit.weight > 0);
	/* Three of the four query terms match. */
	assert_true(hit.percent > 0 && hit.percent < 100);

	check(xc_mset_matching_terms(m, 0, &l, &err), err);
	assert_int_equal(xc_list_size(l), 3);
	assert_string_equal(xc_list_item(l, 0, NULL), "龙井");
	assert_string_equal(xc_list_item(l, 1, NULL), "茶叶");
	assert_string_equal(xc_list_item(l, 2, &len), "西湖");
	assert_int_equal(len, strlen("西湖"));
	assert_null(xc_list_item(l, 3, NULL));
	xc_list_free(l);

	check(xc_mset_terms(m, 0, "Q", 1, &l, &err), err);
	assert_int_equal(xc_list_size(l), 1);
	assert_string_equal(xc_list_item(l, 0, NULL), "QP001");
	xc_list_free(l);
	check(xc_mset_terms(m, 0, "XC", XC_NTS, &l, &err), err);
	assert_string_equal(xc_list_item(l, 0, NULL), "XC杭州市");
	xc_list_free(l);
	check(xc_db_doc_terms(f->db, hit.docid, "", 0, &l, &err), err);
	assert_int_equal(xc_list_size(l), 5);	/* 3 tokens, Q, XC */
	xc_list_free(l);

	check(xc_mset_value(m, 0, SLOT_CATEGORY, &v, &len, &err), err);
	assert_string_equal(v, "茶叶");
	free(v);
	check(xc_mset_value(m, 0, SLOT_PRICE, &v, &len, &err), err);
	assert_true(close_to(xc_sortable_unserialise(v, len), 580.0));
	free(v);

	assert_int_equal(xc_mset_hit(m, 9, &hit, &err), -1);
	assert_non_null(strstr(err, "out of range"));
	free(err);
	xc_mset_free(m);
	xc_enquire_free(e);
}

/* Phrase search uses the positions indexed. */
static void
test_phrase(void **state)
{
	struct fixture	*f = *state;
	char		 buf[256];

	search(f->db, pair(XC_OP_PHRASE, t("西湖"), t("龙井")), buf,
	    sizeof buf);
	assert_string_equal(buf, "P001");
	search(f->db, pair(XC_OP_PHRASE, t("龙井"), t("西湖")), buf,
	    sizeof buf);
	assert_string_equal(buf, "");
	/* As one term, so the shorter document ranks first. */
	search(f->db, pair(XC_OP_SYNONYM, t("白茶"), t("黄酒")), buf,
	    sizeof buf);
	assert_string_equal(buf, "P005,P002");
}

/* A ValueCountMatchSpy counts categories over the matched documents. */
static void
test_facets(void **state)
{
	struct fixture		*f = *state;
	struct xc_enquire	*e;
	struct xc_spy		*spy;
	struct xc_mset		*m;
	struct xc_list		*l;
	struct xc_query		*q;
	char			*err = NULL;

	e = xc_enquire_new(f->db, &err);
	spy = xc_spy_new(SLOT_CATEGORY, &err);
	assert_non_null(e);
	assert_non_null(spy);
	check(xc_enquire_add_spy(e, spy, &err), err);
	q = xc_query_match_all();
	check(xc_enquire_set_query(e, q, &err), err);
	xc_query_free(q);
	m = xc_enquire_mset(e, 0, 10, NSAMPLES, &err);
	assert_non_null(m);
	xc_mset_free(m);
	assert_int_equal(xc_spy_total(spy), NSAMPLES);

	check(xc_spy_values(spy, 0, &l, &err), err);
	assert_int_equal(xc_list_size(l), 4);
	assert_string_equal(xc_list_item(l, 0, NULL), "工艺品");
	assert_int_equal(xc_list_count(l, 0), 1);
	assert_string_equal(xc_list_item(l, 1, NULL), "茶叶");
	assert_int_equal(xc_list_count(l, 1), 2);
	assert_string_equal(xc_list_item(l, 2, NULL), "酒类");
	assert_int_equal(xc_list_count(l, 2), 1);
	assert_string_equal(xc_list_item(l, 3, NULL), "食品");
	assert_int_equal(xc_list_count(l, 3), 2);
	xc_list_free(l);

	check(xc_spy_values(spy, 2, &l, &err), err);
	assert_int_equal(xc_list_size(l), 2);
	assert_string_equal(xc_list_item(l, 0, NULL), "茶叶");
	assert_string_equal(xc_list_item(l, 1, NULL), "食品");
	xc_list_free(l);

	check(xc_enquire_clear_spies(e, &err), err);
	xc_spy_free(spy);
	xc_enquire_free(e);
}

/* Changing BM25's parameters changes the weights; bad ones are refused. */
static void
test_bm25(void **state)
{
	struct fixture		*f = *state;
	static const struct xc_bm25 defaults = XC_BM25_DEFAULTS;
	static const struct xc_bm25 tuned = { 2.0, 0.0, 1.0, 0.9, 0.5 };
	static const struct xc_bm25 bad = { -1.0, 0.0, 1.0, 0.5, 0.5 };
	struct xc_enquire	*e;
	double			 w0, w1, w2;
	char			*err = NULL;

	w0 = top_weight(f->db, pair(XC_OP_OR, t("龙井"), t("茶叶")), NULL);
	w1 = top_weight(f->db, pair(XC_OP_OR, t("龙井"), t("茶叶")),
	    &defaults);
	w2 = top_weight(f->db, pair(XC_OP_OR, t("龙井"), t("茶叶")), &tuned);
	assert_true(close_to(w0, w1));
	assert_false(close_to(w1, w2));

	e = xc_enquire_new(f->db, &err);
	assert_non_null(e);
	assert_int_equal(xc_enquire_set_bm25(e, &bad, &err), -1);
	assert_non_null(strstr(err, "k1"));
	free(err);
	xc_enquire_free(e);
}

/* Opening what is not a database fails with a message, not a crash. */
static void
test_open_errors(void **state)
{
	struct fixture	*f = *state;
	char		 path[PATH_MAX + 32], *err = NULL;	/* under dir */
	int		 fd;

	snprintf(path, sizeof path, "%s/missing", f->dir);
	assert_null(xc_db_open(path, XC_READ, &err));
	assert_non_null(err);
	assert_non_null(strstr(err, path));
	free(err);
	err = NULL;

	snprintf(path, sizeof path, "%s/notadb", f->dir);
	assert_int_equal(mkdir(path, 0700), 0);
	assert_null(xc_db_open(path, XC_READ, &err));
	assert_non_null(err);
	free(err);
	err = NULL;

	snprintf(path, sizeof path, "%s/notadb/junk", f->dir);
	fd = open(path, O_WRONLY | O_CREAT, 0600);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "garbage\n", 8), 8);
	close(fd);
	assert_null(xc_db_open(path, XC_READ, &err));
	assert_non_null(err);
	free(err);
	err = NULL;

	assert_null(xc_db_open("", XC_READ, &err));
	assert_non_null(err);
	free(err);
	assert_null(xc_db_open(path, XC_READ, NULL));	/* no message asked */

	/* A second writer is locked out. */
	assert_null(xc_db_open(f->path, XC_WRITE, &err));
	assert_non_null(err);
	free(err);
}

/*
 * An empty query matches nothing and is no error; a missing node, an
 * unknown operator or a negative factor is reported at set_query time.
 */
static void
test_empty_and_broken_queries(void **state)
{
	struct fixture		*f = *state;
	struct xc_enquire	*e;
	struct xc_mset		*m;
	struct xc_query		*q;
	char			 buf[256], *err = NULL, *desc;

	search(f->db, xc_query_combine(XC_OP_OR, NULL, 0), buf, sizeof buf);
	assert_string_equal(buf, "");
	search(f->db, t(""), buf, sizeof buf);	/* not Xapian's MatchAll */
	assert_string_equal(buf, "");
	search(f->db, xc_query_match_nothing(), buf, sizeof buf);
	assert_string_equal(buf, "");

	e = xc_enquire_new(f->db, &err);
	assert_non_null(e);
	q = xc_query_match_nothing();
	check(xc_enquire_set_query(e, q, &err), err);
	xc_query_free(q);
	m = xc_enquire_mset(e, 0, 10, 0, &err);
	assert_non_null(m);
	assert_int_equal(xc_mset_size(m), 0);
	assert_int_equal(xc_mset_estimated(m), 0);
	xc_mset_free(m);

	assert_int_equal(xc_enquire_set_query(e, NULL, &err), -1);
	assert_non_null(strstr(err, "no query"));
	free(err);

	q = pair(XC_OP_AND, t("茶叶"), NULL);
	assert_int_equal(xc_enquire_set_query(e, q, &err), -1);
	assert_non_null(strstr(err, "missing query node"));
	free(err);
	xc_query_free(q);

	q = pair((enum xc_op)42, t("茶叶"), t("龙井"));
	assert_int_equal(xc_enquire_set_query(e, q, &err), -1);
	assert_non_null(strstr(err, "unknown query operator 42"));
	free(err);
	xc_query_free(q);

	q = xc_query_scale(t("茶叶"), -1.0);
	assert_int_equal(xc_enquire_set_query(e, q, &err), -1);
	assert_non_null(err);
	free(err);
	assert_null(xc_query_describe(q, &err));
	free(err);
	xc_query_free(q);

	q = pair(XC_OP_OR, t("茶叶"), t("龙井"));
	desc = xc_query_describe(q, &err);
	assert_non_null(desc);
	assert_non_null(strstr(desc, "OR"));
	free(desc);
	xc_query_free(q);
	xc_enquire_free(e);
}

/* A reader sees a writer's commit after reopen. */
static void
test_reader_reopen(void **state)
{
	struct fixture	*f = *state;
	static const struct sample s = { "P008", { "温州", "皮鞋", NULL },
	    "温州市", 399.0, "鞋服" };
	struct xc_db	*rd;
	char		*err = NULL;
	uint32_t	 n;

	rd = xc_db_open(f->path, XC_READ, &err);
	assert_non_null(rd);
	index_sample(f->db, &s);
	check(xc_db_commit(f->db, &err), err);
	check(xc_db_doc_count(rd, &n, &err), err);
	assert_int_equal(n, NSAMPLES);
	assert_int_equal(xc_db_reopen(rd, &err), 1);
	check(xc_db_doc_count(rd, &n, &err), err);
	assert_int_equal(n, NSAMPLES + 1);
	assert_int_equal(xc_db_commit(rd, &err), -1);
	free(err);
	err = NULL;
	check(xc_db_close(rd, &err), err);
}

/* Handles outliving their database report errors instead of crashing. */
static void
test_use_after_close(void **state)
{
	struct fixture		*f = *state;
	struct xc_enquire	*e;
	struct xc_mset		*m, *m2;
	struct xc_query		*q;
	char			*err = NULL, *data = NULL;
	int			 rc;

	e = xc_enquire_new(f->db, &err);
	assert_non_null(e);
	q = t("茶叶");
	check(xc_enquire_set_query(e, q, &err), err);
	xc_query_free(q);
	m = xc_enquire_mset(e, 0, 10, 0, &err);
	assert_non_null(m);
	check(xc_db_close(f->db, &err), err);
	f->db = NULL;

	m2 = xc_enquire_mset(e, 0, 10, 0, &err);
	assert_null(m2);
	assert_string_equal(err, "search: Database has been closed (DatabaseClosedError)");
	free(err);
	err = NULL;
	/* The hits' data was never fetched, so it is not there: an error, not an exception. */
	rc = xc_mset_data(m, 0, &data, NULL, &err);
	assert_int_equal(rc, -1);
	assert_null(data);
	assert_string_equal(err, "mset data: Database has been closed (DatabaseClosedError)");
	free(data);
	free(err);
	xc_mset_free(m);
	xc_enquire_free(e);
}

/* sortable_serialise keeps numeric order as byte order. */
static void
test_sortable(void **state)
{
	static const double	 v[] = { -3.5, 0.0, 45.0, 88.0, 580.0, 1e9 };
	char			 a[XC_SORTABLE_MAX], b[XC_SORTABLE_MAX];
	size_t			 i, an, bn;
	int			 c;

	for (i = 0; i + 1 < sizeof v / sizeof v[0]; i++) {
		an = xc_sortable_serialise(v[i], a);
		bn = xc_sortable_serialise(v[i + 1], b);
		c = memcmp(a, b, an < bn ? an : bn);
		assert_true(c < 0 || (c == 0 && an < bn));
		assert_true(close_to(xc_sortable_unserialise(a, an), v[i]));
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_counts, setup, teardown),
		cmocka_unit_test_setup_teardown(test_or_and, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rare_term_ranks_first,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_filter, setup, teardown),
		cmocka_unit_test_setup_teardown(test_and_not, setup, teardown),
		cmocka_unit_test_setup_teardown(test_scale_weight, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_value_range, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_sort, setup, teardown),
		cmocka_unit_test_setup_teardown(test_replace, setup, teardown),
		cmocka_unit_test_setup_teardown(test_delete, setup, teardown),
		cmocka_unit_test_setup_teardown(test_transactions, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_metadata, setup, teardown),
		cmocka_unit_test_setup_teardown(test_hit_details, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_phrase, setup, teardown),
		cmocka_unit_test_setup_teardown(test_facets, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bm25, setup, teardown),
		cmocka_unit_test_setup_teardown(test_open_errors, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_empty_and_broken_queries,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_reader_reopen, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_use_after_close, setup,
		    teardown),
		cmocka_unit_test(test_sortable),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
