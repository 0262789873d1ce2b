/*
 * test_serve.c — the serving layer against brute force: a seeded random
 * catalogue of documents over a small vocabulary, queried with ANDed words
 * of ORed terms; totals, facet counts, the fair filter, paging to the last
 * hit and updates after the build must agree with counting by hand; the
 * pruned walk must give what scoring every hit gives.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <roaring/roaring.h>
#include <sqlite3.h>

#include "serve.h"
#include "util.h"

#define NDOCS	2000
#define NVOCAB	60
#define NFIELDS	3
#define MAXTOK	12

static const double weights[NFIELDS] = { 10, 4, 1 };
static const char *const cities[] = { "杭州", "宁波", "温州", "金华", "台州" };
static const char *const cats[] = { "茶叶", "五金", "纺织", "食品" };

/* The catalogue as brute force sees it. */
struct bdoc {
	int64_t	 id;
	int	 tok[NFIELDS][MAXTOK];	/* vocabulary indexes, -1 = none */
	int	 city, cat;		/* -1 = none */
	int	 live;
};

static struct bdoc docs[NDOCS + 8];
static size_t ndocs;
static char vocab[NVOCAB][16];
static uint64_t rng = 88172645463325252ULL;

static uint32_t
rnd(uint32_t n)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t)(rng % n);
}

/* Zipf-ish: small indexes are common, as common characters are. */
static int
rnd_tok(void)
{
	return (int)(rnd(NVOCAB) * rnd(NVOCAB) / NVOCAB);
}

static void
fill_doc(struct serve_doc *d, const struct bdoc *b)
{
	serve_doc_reset(d, b->id, b->city >= 0 ? cities[b->city] : NULL,
	    b->cat >= 0 ? cats[b->cat] : NULL);
	for (int f = 0; f < NFIELDS; f++)
		for (int i = 0; i < MAXTOK && b->tok[f][i] >= 0; i++)
			serve_doc_token(d, (size_t)f, vocab[b->tok[f][i]], strlen(vocab[b->tok[f][i]]));
}

static void
make_doc(struct bdoc *b, int64_t id)
{
	b->id = id;
	b->live = 1;
	b->city = (int)rnd(nitems(cities) + 1) - 1;
	b->cat = (int)rnd(nitems(cats) + 1) - 1;
	for (int f = 0; f < NFIELDS; f++) {
		int n = (int)rnd(MAXTOK);

		for (int i = 0; i < MAXTOK; i++)
			b->tok[f][i] = i < n ? rnd_tok() : -1;
	}
}

static int
has_tok(const struct bdoc *b, int t)
{
	for (int f = 0; f < NFIELDS; f++)
		for (int i = 0; i < MAXTOK && b->tok[f][i] >= 0; i++)
			if (b->tok[f][i] == t)
				return 1;
	return 0;
}

/*
 * A query: words[w] lists vocabulary indexes, ORed; words ANDed.  A paired
 * word (three indexes) is its first, or else both others (a pinyin word
 * as typed, or all its syllable pairs).
 */
struct bquery {
	int	 words[3][3];
	int	 nwords, nper[3];
	int	 paired[3];
};

static int
bmatch(const struct bdoc *b, const struct bquery *q)
{
	if (!b->live)
		return 0;
	for (int w = 0; w < q->nwords; w++) {
		int any = 0, all = 1;

		for (int i = 0; i < q->nper[w]; i++)
			any |= has_tok(b, q->words[w][i]);
		for (int i = 1; q->paired[w] && i < q->nper[w]; i++)
			all &= has_tok(b, q->words[w][i]);
		if (q->paired[w] ? !has_tok(b, q->words[w][0]) && !all : !any)
			return 0;
	}
	return 1;
}

static void
to_serve(const struct bquery *bq, struct serve_term *t, size_t *n)
{
	unsigned bit = 0;

	*n = 0;
	for (int w = 0; w < bq->nwords; w++) {
		uint32_t all = 0;

		for (int i = 0; i < bq->nper[w]; i++) {
			t[*n + i].text = vocab[bq->words[w][i]];
			t[*n + i].len = strlen(vocab[bq->words[w][i]]);
			t[*n + i].word = (unsigned)w;
			t[*n + i].prefix = 0;
			t[*n + i].need = 0;
			/* A paired word: a requirement each pair, all of which the first meets. */
			if (bq->paired[w] && i > 0)
				all |= t[*n + i].need = 1u << bit++;
		}
		if (all == 0)
			all = 1u << bit++;
		for (int i = 0; i < bq->nper[w]; i++)
			if (!bq->paired[w] || i == 0)
				t[*n + i].need = all;
		*n += (size_t)bq->nper[w];
	}
}

static struct serve *
build(void)
{
	struct serve *sv = serve_new(weights, NFIELDS);
	struct serve_doc *d = serve_doc_new(sv);

	for (size_t i = 0; i < ndocs; i++) {
		fill_doc(d, &docs[i]);
		serve_build_add(sv, d);
	}
	serve_doc_free(d);
	serve_build_finish(sv, 7);
	return sv;
}

static int
setup(void **state)
{
	for (int i = 0; i < NVOCAB; i++)
		snprintf(vocab[i], sizeof vocab[i], "t%02d", i);
	ndocs = NDOCS;
	for (size_t i = 0; i < ndocs; i++)
		make_doc(&docs[i], (int64_t)(i * 3 + 1));	/* ids not dense */
	return 0;
}

static long
count_facet(const struct serve_count *c, size_t n, const char *value)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(c[i].value, value) == 0)
			return c[i].count;
	return 0;
}

/* Filter 1: the fair of two cities; 2: its first city; 3: category; 0: none. */
static void
set_filter(struct serve_query *q, unsigned filter, const char *const *fair, const char *category)
{
	if (filter == 1) {
		q->fair_cities = fair;
		q->nfair_cities = 2;
	} else if (filter == 2)
		q->city = fair[0];
	else if (filter == 3)
		q->category = category;
}

/* Totals, facets and hit order for random queries, with and without filters. */
static void
check_queries(struct serve *sv, int nq)
{
	struct serve_scratch *s = serve_scratch_new();

	for (int k = 0; k < nq; k++) {
		struct bquery bq = { .nwords = 1 + (int)rnd(3) };
		struct serve_term terms[9];
		struct serve_query q = { 0 };
		struct serve_result r;
		const char *fair[2] = { cities[rnd(5)], cities[rnd(5)] };
		int filter = (int)rnd(4);	/* 0 none, 1 fair, 2 city, 3 category */
		long total = 0, ccount[5] = { 0 }, kcount[4] = { 0 };

		for (int w = 0; w < bq.nwords; w++) {
			bq.nper[w] = 1 + (int)rnd(3);
			bq.paired[w] = bq.nper[w] == 3 && rnd(2);
			for (int i = 0; i < bq.nper[w]; i++)
				bq.words[w][i] = (int)rnd(NVOCAB);
		}
		to_serve(&bq, terms, &q.nterms);
		q.terms = terms;
		q.limit = 10;
		q.facets = 1;
		set_filter(&q, filter, fair, cats[1]);
		for (size_t i = 0; i < ndocs; i++) {
			const struct bdoc *b = &docs[i];

			if (!bmatch(b, &bq))
				continue;
			if (filter == 1 && (b->city < 0 || (strcmp(cities[b->city], fair[0]) != 0 &&
			    strcmp(cities[b->city], fair[1]) != 0)))
				continue;
			if (filter == 2 && (b->city < 0 || strcmp(cities[b->city], fair[0]) != 0))
				continue;
			if (filter == 3 && b->cat != 1)
				continue;
			total++;
			if (b->city >= 0)
				ccount[b->city]++;
			if (b->cat >= 0)
				kcount[b->cat]++;
		}
		serve_query(sv, s, &q, &r);
		assert_int_equal(r.total, total);
		for (int c = 0; c < 5; c++)
			assert_int_equal(count_facet(r.cities, r.ncities, cities[c]), ccount[c]);
		for (int c = 0; c < 4; c++)
			assert_int_equal(count_facet(r.categories, r.ncategories, cats[c]), kcount[c]);
		assert_true(r.nhits == (size_t)(total < 10 ? total : 10));
		for (size_t i = 1; i < r.nhits; i++)
			assert_true(r.hits[i - 1].score > r.hits[i].score ||
			    (r.hits[i - 1].score == r.hits[i].score && r.hits[i - 1].id < r.hits[i].id));
		serve_result_free(&r);
	}
	serve_scratch_free(s);
}

static void
test_totals_facets_filters(void **state)
{
	struct serve *sv = build();
	struct serve_stats st;

	serve_stats(sv, &st);
	assert_int_equal(st.docs, NDOCS);
	assert_int_equal(serve_seq(sv), 7);
	check_queries(sv, 300);
	serve_free(sv);
}

/* The fair filter as a bitmap: the live documents of its cities. */
static void
test_fair_bitmap(void **state)
{
	struct serve *sv = build();
	const char *fair[] = { "宁波", "温州", "没有这个城市" };
	roaring_bitmap_t *b = serve_filter_bitmap(sv, NULL, NULL, fair, 3);
	uint64_t want = 0;
	roaring_uint32_iterator_t it;

	for (size_t i = 0; i < ndocs; i++)
		want += docs[i].city == 1 || docs[i].city == 2;
	assert_int_equal(roaring_bitmap_get_cardinality(b), want);
	roaring_init_iterator(b, &it);
	for (; it.has_value; roaring_advance_uint32_iterator(&it)) {
		int64_t id = serve_docid_product(sv, it.current_value);

		assert_true(id >= 1 && (id - 1) % 3 == 0);
		assert_true(docs[(id - 1) / 3].city == 1 || docs[(id - 1) / 3].city == 2);
	}
	roaring_bitmap_free(b);
	b = serve_filter_bitmap(sv, "杭州", "茶叶", NULL, 0);
	want = 0;
	for (size_t i = 0; i < ndocs; i++)
		want += docs[i].city == 0 && docs[i].cat == 0;
	assert_int_equal(roaring_bitmap_get_cardinality(b), want);
	roaring_bitmap_free(b);
	serve_free(sv);
}

static int
id_cmp(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return (x > y) - (x < y);
}

/* Pages of 7 reach every hit, each once, in one order. */
static void
test_paging_to_the_last_hit(void **state)
{
	struct serve *sv = build();
	struct serve_scratch *s = serve_scratch_new();
	struct serve_term t = { vocab[0], strlen(vocab[0]), 0, 0, 0 };
	struct serve_query q = { .terms = &t, .nterms = 1, .limit = 7 };
	struct serve_result r;
	int64_t *seen = NULL;
	size_t n = 0, want = 0;
	double last = 1e300;

	for (size_t i = 0; i < ndocs; i++)
		want += has_tok(&docs[i], 0);
	assert_true(want > 100);
	for (q.offset = 0;; q.offset += 7) {
		serve_query(sv, s, &q, &r);
		assert_int_equal(r.total, want);
		if (r.nhits == 0) {
			serve_result_free(&r);
			break;
		}
		for (size_t i = 0; i < r.nhits; i++) {
			assert_true(r.hits[i].score <= last);
			last = r.hits[i].score;
			seen = xreallocarray(seen, n + 1, sizeof *seen);
			seen[n++] = r.hits[i].id;
		}
		serve_result_free(&r);
	}
	assert_int_equal(n, want);
	qsort(seen, n, sizeof *seen, id_cmp);
	for (size_t i = 1; i < n; i++)
		assert_true(seen[i] != seen[i - 1]);
	free(seen);
	serve_scratch_free(s);
	serve_free(sv);
}

/* Puts, replacements and removals after the build: brute force still agrees. */
static void
test_update_after_build(void **state)
{
	struct serve *sv = build();
	struct serve_doc *d = serve_doc_new(sv);
	struct serve_scratch *s = serve_scratch_new();
	struct serve_term t = { "新词", strlen("新词"), 0, 0, 0 };
	struct serve_query q = { .terms = &t, .nterms = 1, .limit = 5, .facets = 1 };
	struct serve_result r;
	int64_t gone[2];

	/* A new document with a token nobody had. */
	make_doc(&docs[ndocs], 100000);
	docs[ndocs].city = 4;
	fill_doc(d, &docs[ndocs]);
	serve_doc_token(d, 0, "新词", strlen("新词"));
	serve_put(sv, d);
	ndocs++;
	serve_query(sv, s, &q, &r);
	assert_int_equal(r.total, 1);
	assert_int_equal(r.hits[0].id, 100000);
	assert_int_equal(count_facet(r.cities, r.ncities, "台州"), 1);
	serve_result_free(&r);
	/* Its prefix finds it too. */
	t.len = strlen("新");
	t.prefix = 1;
	serve_query(sv, s, &q, &r);
	assert_int_equal(r.total, 1);
	serve_result_free(&r);

	/* Replace 50 documents (new tokens, new city), remove two, batch-apply. */
	for (size_t i = 0; i < 50; i++) {
		size_t k = rnd((uint32_t)(ndocs - 1));

		make_doc(&docs[k], docs[k].id);
		fill_doc(d, &docs[k]);
		serve_put(sv, d);
	}
	gone[0] = docs[3].id;
	gone[1] = docs[4].id;
	docs[3].live = docs[4].live = 0;
	serve_apply(sv, NULL, 0, gone, 2, 42);
	assert_int_equal(serve_seq(sv), 42);
	serve_remove(sv, 99999999);	/* unknown: nothing happens */
	check_queries(sv, 200);

	/* A document put again unchanged is still one document. */
	fill_doc(d, &docs[10]);
	serve_put(sv, d);
	check_queries(sv, 50);
	serve_doc_free(d);
	serve_scratch_free(s);
	serve_free(sv);
}

/* Scores: the document with the term in the heavier field, and fewer tokens, ranks first. */
static void
test_scores_follow_bm25(void **state)
{
	struct serve *sv = serve_new(weights, NFIELDS);
	struct serve_doc *d = serve_doc_new(sv);
	struct serve_scratch *s = serve_scratch_new();
	struct serve_term t = { "茶", strlen("茶"), 0, 0, 0 };
	struct serve_query q = { .terms = &t, .nterms = 1, .limit = 5, .category_first = "茶具" };
	struct serve_result r;

	serve_doc_reset(d, 1, "杭州", NULL);		/* in the description */
	serve_doc_token(d, 2, "茶", strlen("茶"));
	serve_doc_token(d, 0, "杯", strlen("杯"));
	serve_build_add(sv, d);
	serve_doc_reset(d, 2, "杭州", NULL);		/* in the name */
	serve_doc_token(d, 0, "茶", strlen("茶"));
	serve_doc_token(d, 2, "杯", strlen("杯"));
	serve_build_add(sv, d);
	serve_doc_reset(d, 3, "杭州", "茶具");	/* the category the query names */
	serve_doc_token(d, 2, "茶", strlen("茶"));
	serve_doc_token(d, 2, "壶", strlen("壶"));
	serve_doc_token(d, 2, "壶", strlen("壶"));
	serve_build_add(sv, d);
	serve_doc_reset(d, 4, "杭州", NULL);		/* no tea */
	serve_doc_token(d, 0, "杯", strlen("杯"));
	serve_build_add(sv, d);
	serve_build_finish(sv, 0);
	serve_query(sv, s, &q, &r);
	assert_int_equal(r.total, 3);
	assert_int_equal(r.hits[0].id, 3);
	assert_int_equal(r.hits[1].id, 2);
	assert_int_equal(r.hits[2].id, 1);
	assert_true(r.hits[1].score > r.hits[2].score);
	serve_result_free(&r);
	serve_doc_free(d);
	serve_scratch_free(s);
	serve_free(sv);
}

/*
 * A word no product has, asked first on a loop, finds nothing, and sorting
 * the empty page passes no NULL to qsort (UBSan stopped the server on 木耳).
 */
static void
test_no_hit_sorts_nothing(void **state)
{
	struct serve *sv = serve_new(weights, NFIELDS);
	struct serve_doc *d = serve_doc_new(sv);
	struct serve_scratch *s = serve_scratch_new();
	struct serve_term t = { "木耳", strlen("木耳"), 0, 0, 0 };
	struct serve_query q = { .terms = &t, .nterms = 1, .limit = 20, .facets = 1 };
	struct serve_result r;

	serve_doc_reset(d, 1, "杭州", "茶叶");
	serve_doc_token(d, 0, "茶", strlen("茶"));
	serve_build_add(sv, d);
	serve_build_finish(sv, 0);
	serve_query(sv, s, &q, &r);
	assert_int_equal(r.total, 0);
	assert_int_equal(r.nhits, 0);
	serve_result_free(&r);
	serve_doc_free(d);
	serve_scratch_free(s);
	serve_free(sv);
}

/*
 * A catalogue past one segment of docids (65,536), with updates landing in
 * later segments: every list is walked segment by segment, so totals,
 * facets, prefixes and ANDed words must still count each document once.
 * Document i's tokens follow its number: a if 3 | i, b if 5 | i, c if
 * 7 | i, and px0..px3 by i mod 4.
 */
#define BIG_BASE	150000
#define BIG_EXTRA	70000		/* put after the build: docids 150,000 on */
#define BIG_GONE	70000		/* removed after the build: i in [BIG_GONE, +500) */

static void
fill_big(struct serve_doc *d, int64_t id, long i)
{
	char px[8];

	serve_doc_reset(d, id, cities[i % 5], cats[i % 4]);
	if (i % 3 == 0)
		serve_doc_token(d, 0, "a", 1);
	if (i % 5 == 0)
		serve_doc_token(d, 1, "b", 1);
	if (i % 7 == 0)
		serve_doc_token(d, 2, "c", 1);
	snprintf(px, sizeof px, "px%ld", i % 4);
	serve_doc_token(d, 2, px, strlen(px));
}

static int
big_match(long i, int qn)
{
	switch (qn) {
	case 0:
		return i % 3 == 0;
	case 1:
		return i % 3 == 0 && i % 5 == 0;
	case 2:
		return i % 3 == 0 || i % 7 == 0;
	case 3:
		return 1;
	default:
		return i % 4 == 1 && i % 3 == 0;
	}
}

static void
test_many_segments(void **state)
{
	static const struct serve_term qt[][2] = {
		{ { "a", 1, 0, 0, 0 } },
		{ { "a", 1, 0, 0, 0 }, { "b", 1, 1, 0, 0 } },
		{ { "a", 1, 0, 0, 0 }, { "c", 1, 0, 0, 0 } },
		{ { "px", 2, 0, 1, 0 } },
		{ { "px1", 3, 0, 1, 0 }, { "a", 1, 1, 0, 0 } },
	};
	static const size_t qn[] = { 1, 2, 2, 1, 2 };
	struct serve *sv = serve_new(weights, NFIELDS);
	struct serve_doc *d = serve_doc_new(sv);
	struct serve_scratch *s = serve_scratch_new();

	for (long i = 0; i < BIG_BASE; i++) {
		fill_big(d, i + 1, i);
		serve_build_add(sv, d);
	}
	serve_build_finish(sv, 0);
	for (long i = BIG_GONE; i < BIG_GONE + 500; i++)
		serve_remove(sv, i + 1);
	for (long j = 0; j < BIG_EXTRA; j++) {
		fill_big(d, BIG_BASE + j + 1, j);
		serve_put(sv, d);
	}
	for (int k = 0; k < (int)nitems(qn); k++)
		for (int filter = 0; filter < 2; filter++) {
			int fc = k == 1 ? 0 : 2;	/* a city some hits have */
			struct serve_query q = { .terms = qt[k], .nterms = qn[k], .limit = 20,
			    .facets = 1, .city = filter ? cities[fc] : NULL };
			struct serve_result r;
			long total = 0, ccount[5] = { 0 };

			for (long i = 0; i < BIG_BASE + BIG_EXTRA; i++) {
				long pat = i < BIG_BASE ? i : i - BIG_BASE;

				if ((i >= BIG_GONE && i < BIG_GONE + 500) || !big_match(pat, k) ||
				    (filter && pat % 5 != fc))
					continue;
				total++;
				ccount[pat % 5]++;
			}
			serve_query(sv, s, &q, &r);
			assert_int_equal(r.total, total);
			for (int c = 0; c < 5; c++)
				assert_int_equal(count_facet(r.cities, r.ncities, cities[c]), ccount[c]);
			assert_int_equal(r.nhits, 20);
			for (size_t i = 1; i < r.nhits; i++)
				assert_true(r.hits[i - 1].score >= r.hits[i].score);
			serve_result_free(&r);
		}
	serve_doc_free(d);
	serve_scratch_free(s);
	serve_free(sv);
}

/*
 * Browsing without words: every live document the filter lets through,
 * paged to the last one, with the exact total and facets; a removed
 * document is gone.
 */
static void
test_browse(void **state)
{
	struct serve *sv;
	struct serve_scratch *s = serve_scratch_new();
	const char *fair[2] = { cities[1], cities[3] };

	for (size_t i = 0; i < ndocs; i++)	/* as build() adds them: every one */
		docs[i].live = 1;
	sv = build();
	serve_remove(sv, docs[5].id);
	docs[5].live = 0;
	for (int filter = 0; filter < 5; filter++) {	/* none, fair, city, category, both */
		struct serve_query q = { .limit = 37, .facets = 1 };
		long total = 0, ccount[5] = { 0 }, kcount[4] = { 0 }, seen = 0;
		struct serve_result r;

		if (filter == 1) {
			q.fair_cities = fair;
			q.nfair_cities = 2;
		}
		if (filter == 2 || filter == 4)
			q.city = cities[2];
		if (filter == 3 || filter == 4)
			q.category = cats[0];
		for (size_t i = 0; i < ndocs; i++) {
			const struct bdoc *b = &docs[i];
			const char *city = b->city >= 0 ? cities[b->city] : "";

			if (!b->live || (filter == 1 && strcmp(city, fair[0]) != 0 &&
			    strcmp(city, fair[1]) != 0) || (q.city != NULL && strcmp(city, q.city) != 0) ||
			    (q.category != NULL && b->cat != 0))
				continue;
			total++;
			if (b->city >= 0)
				ccount[b->city]++;
			if (b->cat >= 0)
				kcount[b->cat]++;
		}
		assert_true(total > 0);
		for (q.offset = 0;; q.offset += q.limit) {
			serve_browse(sv, s, &q, &r);
			assert_int_equal(r.total, total);
			for (int c = 0; c < 5 && q.facets; c++)
				assert_int_equal(count_facet(r.cities, r.ncities, cities[c]), ccount[c]);
			for (int c = 0; c < 4 && q.facets; c++)
				assert_int_equal(count_facet(r.categories, r.ncategories, cats[c]), kcount[c]);
			for (size_t i = 0; i < r.nhits; i++) {
				/* In the order they were added (ids ascending here), each once. */
				size_t k = 0;

				while (k < ndocs && docs[k].id != r.hits[i].id)
					k++;
				assert_true(k < ndocs && docs[k].live);
				assert_true(k != 5);
				assert_true(i == 0 || r.hits[i - 1].id < r.hits[i].id);
				seen++;
			}
			q.facets = 0;	/* a next page need not count again */
			if (r.nhits == 0) {
				serve_result_free(&r);
				break;
			}
			serve_result_free(&r);
		}
		assert_int_equal(seen, total);
	}
	{	/* a city the layer lacks: nothing */
		struct serve_query q = { .limit = 10, .facets = 1, .city = "上海" };
		struct serve_result r;

		serve_browse(sv, s, &q, &r);
		assert_int_equal(r.total, 0);
		assert_int_equal(r.nhits, 0);
		serve_result_free(&r);
	}
	serve_scratch_free(s);
	serve_free(sv);
}

/*
 * Block-max pruning changes nothing a buyer sees: on a generated catalogue
 * of three segments (long lists with kept range maxima, short ones without,
 * updates after the build in tails, removed documents), random queries with
 * prefixes, a named category, filters, exclusions and deep pages give the
 * same total, facets and page, hit for hit and score for score, as scoring
 * every hit; and for one-term queries pruning scores far fewer hits than
 * there are.
 */
#define PR_DOCS		140000
#define PR_VOCAB	300
#define PR_QUERIES	300

static void
pr_fill(struct serve_doc *d, int64_t id)
{
	char t[16];

	serve_doc_reset(d, id, rnd(6) < 5 ? cities[rnd(5)] : NULL,
	    rnd(5) < 4 ? cats[rnd(4)] : NULL);
	for (size_t f = 0; f < NFIELDS; f++)
		for (uint32_t i = 0, n = rnd(9); i < n; i++) {
			snprintf(t, sizeof t, "w%03u", rnd(PR_VOCAB) * rnd(PR_VOCAB) / PR_VOCAB);
			serve_doc_token(d, f, t, strlen(t));
		}
}

static void
same_result(const struct serve_result *a, const struct serve_result *b)
{
	assert_int_equal(a->total, b->total);
	assert_int_equal(a->nhits, b->nhits);
	for (size_t i = 0; i < a->nhits; i++) {
		assert_int_equal(a->hits[i].id, b->hits[i].id);
		assert_true(a->hits[i].score == b->hits[i].score);
	}
	assert_int_equal(a->ncities, b->ncities);
	for (size_t i = 0; i < a->ncities; i++) {
		assert_string_equal(a->cities[i].value, b->cities[i].value);
		assert_int_equal(a->cities[i].count, b->cities[i].count);
	}
	assert_int_equal(a->ncategories, b->ncategories);
	for (size_t i = 0; i < a->ncategories; i++) {
		assert_string_equal(a->categories[i].value, b->categories[i].value);
		assert_int_equal(a->categories[i].count, b->categories[i].count);
	}
}

static void
test_pruned_as_exhaustive(void **state)
{
	struct serve *sv = serve_new(weights, NFIELDS);
	struct serve_doc *d = serve_doc_new(sv);
	struct serve_scratch *s = serve_scratch_new();
	char text[SERVE_MAX_TERMS][16];
	long big_total = 0, big_scored = 0;

	for (int64_t id = 1; id <= PR_DOCS; id++) {
		pr_fill(d, id);
		serve_build_add(sv, d);
	}
	serve_build_finish(sv, 0);
	for (int i = 0; i < 3000; i++) {	/* replaced, or new */
		pr_fill(d, i % 2 ? (int64_t)rnd(PR_DOCS) + 1 : PR_DOCS + 1 + i);
		serve_put(sv, d);
	}
	for (int i = 0; i < 500; i++)
		serve_remove(sv, (int64_t)rnd(PR_DOCS) + 1);
	for (int k = 0; k < PR_QUERIES; k++) {
		struct serve_term terms[SERVE_MAX_TERMS];
		struct serve_query q = { .terms = terms, .limit = 20 };
		struct serve_result a, b;
		const char *fair[2] = { cities[rnd(5)], cities[rnd(5)] };
		int64_t excl[2] = { (int64_t)rnd(PR_DOCS) + 1, (int64_t)rnd(PR_DOCS) + 1 };
		uint32_t nwords = 1 + rnd(3), filter = rnd(5), bit = 0;

		for (uint32_t w = 0; w < nwords; w++) {
			uint32_t n = 1 + rnd(3), all = 0;
			int paired = n == 3 && rnd(2);	/* the first, or both others */

			for (uint32_t i = 0; i < n; i++) {
				struct serve_term *t = &terms[q.nterms + i];

				/* Common words mostly: the lists pruning is for. */
				snprintf(text[q.nterms + i], sizeof text[0], "w%03u", rnd(4) ?
				    rnd(12) : rnd(PR_VOCAB));
				t->text = text[q.nterms + i];
				t->len = strlen(t->text);
				t->word = w;
				t->prefix = w + 1 == nwords && i + 1 == n && rnd(4) == 0;
				if (t->prefix)	/* w00: w000 to w009; w003: w003 alone */
					t->len = rnd(2) ? 3 : 4;
				t->need = 0;
				if (paired && i > 0)
					all |= t->need = 1u << bit++;
			}
			if (all == 0)
				all = 1u << bit++;
			for (uint32_t i = 0; i < n; i++)
				if (!paired || i == 0)
					terms[q.nterms + i].need = all;
			q.nterms += n;
		}
		q.category_first = rnd(3) == 0 ? cats[rnd(4)] : NULL;
		q.facets = rnd(2);
		q.offset = rnd(4) == 0 ? rnd(300) : 0;
		set_filter(&q, filter, fair, filter == 3 ? cats[rnd(4)] : NULL);
		if (rnd(5) == 0) {
			q.exclude = excl;
			q.nexclude = 2;
		}
		serve_query(sv, s, &q, &a);
		q.exhaustive = 1;
		serve_query(sv, s, &q, &b);
		same_result(&a, &b);
		assert_int_equal(b.scored, b.total);
		assert_true(a.scored <= a.total);
		if (a.total > 2000 && q.offset == 0 && q.nterms == 1 && q.category_first == NULL) {
			big_total += a.total;
			big_scored += a.scored;
		}
		serve_result_free(&a);
		serve_result_free(&b);
	}
	/* A one-term query's bound is its list's largest impact in the range: tight. */
	assert_true(big_total > 0);
	assert_true(big_scored * 3 < big_total);
	/* A prefix only one token has (w123 of w000 to w298) answers as that token. */
	for (int k = 0; k < 40; k++) {
		struct serve_term t = { .text = text[0], .len = 4 };
		struct serve_query q = { .terms = &t, .nterms = 1, .limit = 20, .facets = 1,
		    .offset = k % 2 ? 0 : rnd(100) };
		struct serve_result a, b;

		snprintf(text[0], sizeof text[0], "w%03u", rnd(200));
		t.prefix = 1;
		serve_query(sv, s, &q, &a);
		t.prefix = 0;
		serve_query(sv, s, &q, &b);
		assert_true(a.total > 0);
		same_result(&a, &b);
		serve_result_free(&a);
		serve_result_free(&b);
	}
	serve_doc_free(d);
	serve_scratch_free(s);
	serve_free(sv);
}

/*
 * Browsing and filtering by exhibitor at a scale 16-bit value ids cannot
 * hold: 200,000 products of 90,001 exhibitors (a big one of 200 products
 * among them) over four segments, some removed, moved to another exhibitor
 * or added after the build.  Every answer is checked against SQLite's over
 * the same rows: the total, both facets, and pages of 20 reaching every
 * product once; a word with the exhibitor filter gives the same hits and
 * facets pruned as scoring every hit.
 */
#define EX_DOCS		200000
#define EX_SMALL	90001		/* exhibitors 1..EX_SMALL, about 2 products each */
#define EX_BIG		500000		/* every 1,000th product's exhibitor */

static int64_t
ex_of(long i)
{
	return i % 1000 == 0 ? EX_BIG : 1 + (i * 7919) % EX_SMALL;
}

static void
ex_fill(struct serve_doc *d, sqlite3_stmt *ins, int64_t id, long i, int64_t ex)
{
	serve_doc_reset(d, id, cities[i % 5], cats[i % 4]);
	serve_doc_exhibitor(d, ex);
	serve_doc_token(d, 0, i % 3 == 0 ? "a" : "z", 1);
	sqlite3_bind_int64(ins, 1, id);
	sqlite3_bind_int64(ins, 2, ex);
	sqlite3_bind_text(ins, 3, cities[i % 5], -1, SQLITE_STATIC);
	sqlite3_bind_text(ins, 4, cats[i % 4], -1, SQLITE_STATIC);
	sqlite3_bind_int(ins, 5, i % 3 == 0);
	assert_int_equal(sqlite3_step(ins), SQLITE_DONE);
	sqlite3_reset(ins);
}

/* The SQL answer's count for ex where where[0..) holds (with ?1 the exhibitor). */
static long
ex_sql_count(sqlite3 *db, int64_t ex, const char *where)
{
	char sql[256];
	sqlite3_stmt *q;
	long n;

	snprintf(sql, sizeof sql, "SELECT count(*) FROM d WHERE ex = ?1%s", where);
	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &q, NULL), SQLITE_OK);
	sqlite3_bind_int64(q, 1, ex);
	assert_int_equal(sqlite3_step(q), SQLITE_ROW);
	n = sqlite3_column_int64(q, 0);
	sqlite3_finalize(q);
	return n;
}

/* r's facets are the SQL answer's for ex and filter where. */
static void
ex_same_facets(sqlite3 *db, int64_t ex, const char *where, const struct serve_result *r)
{
	char w[256];

	for (size_t c = 0; c < nitems(cities); c++) {
		snprintf(w, sizeof w, "%s AND city = '%s'", where, cities[c]);
		assert_int_equal(count_facet(r->cities, r->ncities, cities[c]), ex_sql_count(db, ex, w));
	}
	for (size_t c = 0; c < nitems(cats); c++) {
		snprintf(w, sizeof w, "%s AND cat = '%s'", where, cats[c]);
		assert_int_equal(count_facet(r->categories, r->ncategories, cats[c]),
		    ex_sql_count(db, ex, w));
	}
}

static int
i64_cmp(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return (x > y) - (x < y);
}

static void
test_exhibitors(void **state)
{
	static const int64_t probe[] = { EX_BIG, 1, 2, 65535, 65536, 65537, 70001, 89999,
	    EX_SMALL, 7919, 424242 };
	static const struct serve_term ta = { "a", 1, 0, 0, 0 };
	struct serve *sv = serve_new(weights, NFIELDS);
	struct serve_doc *d = serve_doc_new(sv);
	struct serve_scratch *s = serve_scratch_new();
	sqlite3_stmt *ins, *del, *ids;
	sqlite3 *db;
	int64_t *got = xcalloc(EX_DOCS, sizeof *got);

	assert_int_equal(sqlite3_open(":memory:", &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "CREATE TABLE d (id INTEGER PRIMARY KEY, ex INTEGER,"
	    " city TEXT, cat TEXT, a INTEGER); CREATE INDEX d_ex ON d (ex); BEGIN", NULL, NULL,
	    NULL), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, "INSERT OR REPLACE INTO d VALUES (?, ?, ?, ?, ?)",
	    -1, &ins, NULL), SQLITE_OK);
	for (long i = 0; i < EX_DOCS; i++) {
		ex_fill(d, ins, i + 1, i, ex_of(i));
		serve_build_add(sv, d);
	}
	serve_build_finish(sv, 0);
	/* After the build: some gone, some moved to the big exhibitor, some new. */
	assert_int_equal(sqlite3_prepare_v2(db, "DELETE FROM d WHERE id = ?", -1, &del, NULL),
	    SQLITE_OK);
	for (long i = 1000; i < 1600; i += 3) {
		serve_remove(sv, i + 1);
		sqlite3_bind_int64(del, 1, i + 1);
		assert_int_equal(sqlite3_step(del), SQLITE_DONE);
		sqlite3_reset(del);
	}
	sqlite3_finalize(del);
	for (long i = 2001; i < 2100; i += 2) {
		ex_fill(d, ins, i + 1, i, EX_BIG);
		serve_put(sv, d);
	}
	for (long i = EX_DOCS; i < EX_DOCS + 3000; i++) {
		ex_fill(d, ins, i + 1, i, ex_of(i));
		serve_put(sv, d);
	}
	assert_int_equal(sqlite3_exec(db, "COMMIT", NULL, NULL, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, "SELECT id FROM d WHERE ex = ?1 ORDER BY id", -1,
	    &ids, NULL), SQLITE_OK);
	{	/* more exhibitors than 16 bits can name */
		sqlite3_stmt *q;

		assert_int_equal(sqlite3_prepare_v2(db, "SELECT count(DISTINCT ex) FROM d", -1, &q,
		    NULL), SQLITE_OK);
		assert_int_equal(sqlite3_step(q), SQLITE_ROW);
		assert_true(sqlite3_column_int64(q, 0) > 65536);
		sqlite3_finalize(q);
	}
	for (size_t k = 0; k < nitems(probe); k++)
		for (int filter = 0; filter < 4; filter++) {
			static const char *const where[] = { "", " AND city = '宁波'",
			    " AND cat = '五金'", " AND city IN ('杭州', '温州')" };
			const char *fair[2] = { cities[0], cities[2] };
			struct serve_query q = { .limit = 20, .facets = 1, .exhibitor = probe[k] };
			long total = ex_sql_count(db, probe[k], where[filter]), n = 0, want = 0;
			struct serve_result r;

			if (filter == 1)
				q.city = cities[1];
			else if (filter == 2)
				q.category = cats[1];
			else if (filter == 3) {
				q.fair_cities = fair;
				q.nfair_cities = 2;
			}
			/* Browsing: every page, each product once, as SQL lists them. */
			for (q.offset = 0;; q.offset += q.limit) {
				serve_browse(sv, s, &q, &r);
				assert_int_equal(r.total, total);
				if (q.offset == 0)
					ex_same_facets(db, probe[k], where[filter], &r);
				for (size_t i = 0; i < r.nhits; i++) {
					assert_true(n < EX_DOCS);
					got[n++] = r.hits[i].id;
				}
				if (r.nhits == 0) {
					serve_result_free(&r);
					break;
				}
				serve_result_free(&r);
			}
			assert_int_equal(n, total);
			qsort(got, (size_t)n, sizeof *got, i64_cmp);
			if (filter == 0) {
				sqlite3_bind_int64(ids, 1, probe[k]);
				for (long i = 0; sqlite3_step(ids) == SQLITE_ROW; i++, want++)
					assert_int_equal(got[i], sqlite3_column_int64(ids, 0));
				sqlite3_reset(ids);
				assert_int_equal(want, total);
			}
			/* A word within the exhibitor: the SQL answer, pruned as scoring every hit. */
			{
				char w[256];
				struct serve_result e;

				snprintf(w, sizeof w, "%s AND a = 1", where[filter]);
				q.terms = &ta;
				q.nterms = 1;
				q.offset = 0;
				serve_query(sv, s, &q, &r);
				assert_int_equal(r.total, ex_sql_count(db, probe[k], w));
				ex_same_facets(db, probe[k], w, &r);
				q.exhaustive = 1;
				serve_query(sv, s, &q, &e);
				same_result(&r, &e);
				serve_result_free(&r);
				serve_result_free(&e);
			}
		}
	sqlite3_finalize(ins);
	sqlite3_finalize(ids);
	sqlite3_close(db);
	free(got);
	serve_doc_free(d);
	serve_scratch_free(s);
	serve_free(sv);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_totals_facets_filters),
		cmocka_unit_test(test_fair_bitmap),
		cmocka_unit_test(test_paging_to_the_last_hit),
		cmocka_unit_test(test_update_after_build),
		cmocka_unit_test(test_scores_follow_bm25),
		cmocka_unit_test(test_no_hit_sorts_nothing),
		cmocka_unit_test(test_many_segments),
		cmocka_unit_test(test_browse),
		cmocka_unit_test(test_pruned_as_exhaustive),
		cmocka_unit_test(test_exhibitors),
	};

	return cmocka_run_group_tests(tests, setup, NULL);
}
