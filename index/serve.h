/*
 * serve.h — the serving layer: kiosk search and demand matching over
 * in-memory impact postings, derived from the store and never the record
 * (DESIGN.md, "Which engine answers what").
 *
 * Per token a posting list of (docid, impact), docids ascending, where
 * impact is FTS5's bm25 term-frequency part with the kinds' field weights,
 * quantised to 16 bits, stored by segments of 65,536 docids; a query
 * finds its hits segment by segment as docid bitsets, counts them (exact
 * totals) and tallies both facets, then scores Σ idf · impact only in the
 * ranges of docids whose upper bound can still beat the best offset+limit
 * kept so far (block-max pruning), so paging reaches every hit.
 * Per document a forward index (token, weighted frequency, the fields it
 * is in) and the document's length, so impacts can be recomputed (a
 * matcher's exact rescoring), a match can say where a word was found and
 * a replaced document's tokens are known.  Cities and
 * categories are CRoaring bitmaps; a fair is a set of cities.
 *
 * The layer is pure C over the tokenizer's output: callers feed tokens
 * (serve_doc_token); serve_load.c does that from the store.  Thread safety:
 * queries take a read lock, updates a write lock, so loops may query while
 * one updater applies the index log.
 */
#ifndef FM_SERVE_H
#define FM_SERVE_H

#include <stddef.h>
#include <stdint.h>

#define SERVE_MAX_TERMS		32	/* query terms; words are at most this many too */
#define SERVE_MAX_FACETS	50	/* values listed per facet */
#define SERVE_MAX_EXCLUDE	8	/* documents a query may leave out */

struct serve;
struct serve_doc;
struct serve_scratch;

/*
 * One document as the tokenizer saw it, before it joins the layer: the
 * reusable collector of its tokens, weighted by sv's field weights (it may
 * be filled on any thread).  Owned by the caller.
 */
struct serve_doc *serve_doc_new(const struct serve *sv);
void serve_doc_free(struct serve_doc *d);
/* Starts document id (a product's rowid) afresh; city and category may be NULL. */
void serve_doc_reset(struct serve_doc *d, int64_t id, const char *city, const char *category);
/* One token of field (an index into the weights given to serve_new). */
void serve_doc_token(struct serve_doc *d, size_t field, const char *text, size_t len);
/*
 * The document's exhibitor (a supplier's id; 0 or never set: none), after
 * serve_doc_reset.  Exhibitors get 32-bit value ids and a bitmap each, so
 * a million products' exhibitors fit.
 */
void serve_doc_exhibitor(struct serve_doc *d, int64_t exhibitor);

/*
 * An empty layer whose fields weigh weights[0..nfields) (FTS5's bm25 column
 * weights; multiples of 1/4 up to 256).  Documents added before
 * serve_build_finish form the bulk-built base; afterwards serve_put and
 * serve_remove update it in place.
 */
struct serve *serve_new(const double *weights, size_t nfields);
void serve_free(struct serve *sv);
/* Bulk build: adds a document (ids need not be ordered; an id given twice keeps the last). */
void serve_build_add(struct serve *sv, const struct serve_doc *d);
/*
 * Ends the bulk build: numbers the documents in id order (as adding them
 * so would have), lays the postings out; seq = the last index_log entry
 * it reflects.
 */
void serve_build_finish(struct serve *sv, long long seq);

/*
 * Saving a built layer and reading it back (index/serve_file.c keeps it
 * in a file): serve_write hands its contents to w as a sequence of byte
 * ranges (0, or -1 if w failed or the layer has had updates since its
 * build); serve_read reads the same sequence through r and makes the layer
 * again, as it was built (NULL if the bytes are not such a layer).  Each
 * callback returns 0, or -1 to stop.
 */
typedef int (*serve_write_fn)(void *arg, const void *p, size_t n);
typedef int (*serve_read_fn)(void *arg, void *p, size_t n);
int serve_write(struct serve *sv, serve_write_fn w, void *arg);
struct serve *serve_read(serve_read_fn r, void *arg);

/*
 * Updates (after serve_build_finish): put adds or replaces the document
 * d's id names; remove forgets id (no-op if unknown).  Each takes the write
 * lock; serve_apply does a batch under one lock and records seq.
 */
void serve_put(struct serve *sv, const struct serve_doc *d);
void serve_remove(struct serve *sv, int64_t id);
void serve_apply(struct serve *sv, struct serve_doc *const *put, size_t nput,
    const int64_t *removed, size_t nremoved, long long seq);
/* The last index_log entry reflected. */
long long serve_seq(struct serve *sv);
/* Do a and b weigh the same fields the same (impacts made by one serve as the other's)? */
int serve_same_weights(const struct serve *a, const struct serve *b);

/*
 * One term of a query.  A document matches when it meets every requirement
 * the terms name, each requirement met by any term that names it: with one
 * requirement a word, words are ANDed and the terms of one word ORed (as
 * the FTS5 expression).  need names several where a term alone stands for
 * a group of others ANDed (search.c: a pinyin word, or all its syllable pairs).
 */
struct serve_term {
	const char	*text;
	size_t		 len;
	unsigned	 word;		/* 0..SERVE_MAX_TERMS-1 */
	int		 prefix;	/* matches every token starting with text */
	uint32_t	 need;		/* the requirements it meets, a bit each; 0: bit word */
};

struct serve_query {
	const struct serve_term	*terms;
	size_t			 nterms;
	const char		*category_first;	/* hits of this category rank first
							   (the query names it), or NULL */
	const char		*city;		/* only this city, or NULL */
	const char		*category;	/* only this category, or NULL */
	const char *const	*fair_cities;	/* only these cities (a fair), or NULL */
	size_t			 nfair_cities;
	size_t			 offset, limit;
	int			 facets;	/* tally cities and categories */
	const int64_t		*exclude;	/* these product ids are no hits (not counted,
						   not tallied, not ranked), or NULL */
	size_t			 nexclude;	/* at most SERVE_MAX_EXCLUDE; more are ignored */
	int			 exhaustive;	/* score every hit instead of only those that
						   can reach the page (same result: for
						   parity tests and benchmarks) */
	int64_t			 exhibitor;	/* only this exhibitor's products (as given
						   to serve_doc_exhibitor), or 0 */
};

struct serve_hit {
	int64_t	 id;
	double	 score;
};

struct serve_count {
	char	*value;		/* allocated */
	long	 count;
};

struct serve_result {
	struct serve_hit	*hits;		/* the page; allocated */
	size_t			 nhits;
	long			 total;		/* every match, exact */
	long			 scored;	/* matches whose score was computed */
	struct serve_count	*cities;	/* largest first, at most SERVE_MAX_FACETS */
	size_t			 ncities;
	struct serve_count	*categories;
	size_t			 ncategories;
};

/* Per-thread working memory for queries (the accumulator); caller frees. */
struct serve_scratch *serve_scratch_new(void);
void serve_scratch_free(struct serve_scratch *s);

/*
 * Runs q; fills *r (free with serve_result_free).  Never fails: unknown
 * tokens match nothing.  The hits are found, counted and tallied from
 * docid bitsets without scoring; only ranges of 256 docids whose bound
 * (the sum of each list's largest impact there) can still reach the page
 * are scored, so the page is the one scoring every hit gives.
 */
void serve_query(struct serve *sv, struct serve_scratch *s, const struct serve_query *q,
    struct serve_result *r);
void serve_result_free(struct serve_result *r);
/*
 * Browsing without words: every document q's filters (exhibitor, city,
 * category, fair) let through, in the order they joined the layer, with the exact total and,
 * if q->facets, both facets; q's terms are not read.  No filter: every
 * document.  Scores are 0.
 */
void serve_browse(struct serve *sv, struct serve_scratch *s, const struct serve_query *q,
    struct serve_result *r);

/*
 * Filters as CRoaring bitmaps: the live documents of a city, a category,
 * or a fair's cities (any of them); caller frees with roaring_bitmap_free.
 * For filtered counts without text, and for the matcher's candidates.
 */
struct roaring_bitmap_s;
struct roaring_bitmap_s *serve_filter_bitmap(struct serve *sv, const char *city,
    const char *category, const char *const *fair_cities, size_t nfair_cities);
/* The product id of an internal docid (for bitmap users); -1 if dead. */
int64_t serve_docid_product(struct serve *sv, uint32_t docid);

/*
 * The vocabulary, for forgiving queries (index/forgive.c): the live
 * documents holding token text[0..len) (0 for a token never seen), and
 * every token starting with p[0..n), each with that count, until cb
 * returns non-zero (which serve_vocab_prefix returns; 0 otherwise).  cb
 * runs under the read lock: it must not call back into sv.
 */
uint32_t serve_vocab_df(struct serve *sv, const char *text, size_t len);
typedef int (*serve_vocab_fn)(void *arg, const char *text, size_t len, uint32_t df);
int serve_vocab_prefix(struct serve *sv, const char *p, size_t n, serve_vocab_fn cb, void *arg);

struct serve_stats {
	size_t	docs;		/* live documents */
	size_t	slots;		/* documents ever added (dead ones until a rebuild) */
	size_t	tokens;		/* distinct tokens */
	size_t	postings;	/* posting entries, base and updates */
	size_t	forward;	/* forward-index entries */
	size_t	bytes;		/* memory held, all of it */
	size_t	postings_bytes;
	size_t	forward_bytes;
	size_t	bitmap_bytes;
	size_t	fields_bytes;	/* the forward entries' field masks */
	double	avgdl;
};
void serve_stats(struct serve *sv, struct serve_stats *st);

/*
 * Matching a demand against the layer's documents: a weighted OR of the
 * demand's tokens.  A token scores its weight × idf × Σ over the fields it
 * is in of field weight × BM25's saturation of its frequency there (k1 1,
 * b 0.5, as Xapian's BM25 with which the matcher began): a word in the
 * name and in the description counts for both.  Two stages: the segment
 * walk adds up the heavier tokens' exact scores (weight ≥ SERVE_MATCH_HEAVY),
 * each posting's factor quantised at the build beside the kiosk's impact
 * (serve.c, match_q), and keeps the best SERVE_MATCH_CANDIDATES
 * documents of the allowed cities (of all the tokens when that reaches
 * fewer); then each is scored exactly from its forward entries, so a kept
 * document's score is exactly what an exhaustive pass gives it.  Stage 1
 * sums integers (each weight × idf quantised) range by range of 256
 * docids, and only where a document can still enter the candidates: the
 * ranges of the best bounds (the sum of each list's largest factor there)
 * first until the candidates are full, then the others in docid order
 * whose bound reaches the worst kept; within a range the lightest lists
 * are read only for the documents the others found (MaxScore).  Its
 * candidates are those of reading every list whole (stage1_whole).
 * Exhaustive: every token, every document scored exactly (the check of
 * the fast path).
 */
#define SERVE_MATCH_CANDIDATES	200	/* stage 1 keeps this many (or the limit, if more) */
#define SERVE_MATCH_HEAVY	1.0	/* stage 1 reads tokens at least this heavy */
#define SERVE_MATCH_TOKENS	64	/* tokens of a match query, at most */
#define SERVE_MATCH_FIELDS	8	/* fields a hit's masks tell apart */

struct serve_match_token {
	const char	*text;
	size_t		 len;
	double		 weight;
};

struct serve_match_query {
	const struct serve_match_token	*tokens;	/* distinct */
	size_t				 ntokens;	/* at most SERVE_MATCH_TOKENS */
	const char *const		*cities;	/* only these cities, or NULL */
	size_t				 ncities;
	size_t				 limit;		/* hits wanted */
	int				 exhaustive;	/* every list, every document exactly */
	int				 stage1_whole;	/* stage 1 reads its lists whole, no
							   bounds (the same candidates: for
							   parity tests and benchmarks) */
};

struct serve_match_result {
	int64_t		*ids;		/* best first; allocated */
	double		*scores;
	unsigned	*masks;		/* masks[i * ntokens + k]: fields where hit i has token k */
	size_t		 n;
	long		 scored;	/* documents stage 1 summed up */
};

/* Runs q with the calling thread's scratch s; fills *r (free with serve_match_result_free). */
void serve_match(struct serve *sv, struct serve_scratch *s, const struct serve_match_query *q,
    struct serve_match_result *r);
void serve_match_result_free(struct serve_match_result *r);

#endif
