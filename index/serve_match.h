/*
 * serve_match.h — the products' matching layer: the matcher's scoring
 * (index/match.c: a weighted OR of the demand's tokens, each sought in
 * every product field with that field's weight, Xapian's BM25 with its
 * default parameters) over postings held in memory, in two stages.
 *
 * Per (field, token) a posting list of (docid, BM25 weight), heaviest
 * first; per product a forward index of its (field, token, wdf) and its
 * length, as Xapian counts them.  Stage 1 adds up, for the demand's
 * heavier tokens only, the head of each list (the postings within
 * ML_HEAD_SHARE of its heaviest); the best ML_CANDIDATES products of the
 * fair's cities are then scored exactly from the forward index, so their
 * scores are exactly what an exhaustive pass gives.  When the heads reach
 * fewer than ML_CANDIDATES products, the lighter tokens' lists are read
 * too, whole (a small catalogue is then matched exhaustively).  An exhaustive pass
 * (every list, whole) is there to check the fast one.
 *
 * Built from the store's product view (tokenized on two threads), kept
 * current by replaying the index log; a replaced or removed product's
 * slot is only marked dead.  Term statistics (document frequencies, the
 * average length) are those of the build.  Queries take a read lock,
 * updates a write lock.
 */
#ifndef FM_SERVE_MATCH_H
#define FM_SERVE_MATCH_H

#include <stddef.h>
#include <stdint.h>

#include <sqlite3.h>

#include "tokenize.h"

#define ML_CANDIDATES	1000	/* stage 1 keeps this many for exact scoring */
#define ML_HEAD_SHARE	0.3	/* a list's head: postings this share of its heaviest */
#define ML_HEAD_TOKEN	1.0	/* stage 1 reads tokens at least this heavy */

struct mlayer;
struct mlayer_scratch;

/*
 * Builds the layer from every row of the product view in one read
 * transaction, tokenizing on `threads` threads (1 or 2); NULL with *cause.
 */
struct mlayer *mlayer_load(sqlite3 *db, int threads, char **cause);
void mlayer_free(struct mlayer *ml);

/*
 * Applies the index log's product entries after the layer's position: each
 * product logged is read again and put, or removed if it is gone from the
 * view (withdrawn or deleted).  *applied (may be NULL) gets the count.
 * 0, or -1 with *cause.
 */
int mlayer_catch_up(struct mlayer *ml, sqlite3 *db, struct tokenizer *tk, size_t *applied,
    char **cause);

/* One token of the item matched from and its weight (field weight, unigrams less). */
struct mlayer_token {
	const char	*text;
	size_t		 len;
	double		 weight;
};

struct mlayer_query {
	const struct mlayer_token *tokens;
	size_t			 ntokens;	/* at most 64 */
	const char *const	*cities;	/* only products of these cities, or NULL */
	size_t			 ncities;
	size_t			 limit;		/* hits wanted, at most ML_CANDIDATES */
	int			 exhaustive;	/* every list, whole (the check) */
};

struct mlayer_result {
	int64_t		*ids;		/* best first */
	double		*scores;
	unsigned	*masks;		/* masks[i * ntokens + k]: fields where hit i has token k */
	size_t		 n;
	size_t		 postings;	/* postings read in stage 1 */
};

struct mlayer_scratch *mlayer_scratch_new(void);
void mlayer_scratch_free(struct mlayer_scratch *s);

/* Runs q with the calling thread's scratch s; fills *r (free with mlayer_result_free). */
void mlayer_match(struct mlayer *ml, struct mlayer_scratch *s, const struct mlayer_query *q,
    struct mlayer_result *r);
void mlayer_result_free(struct mlayer_result *r);

struct mlayer_stats {
	size_t	docs, slots, terms, postings, forward, bytes;
	long long seq;
};
void mlayer_stats(struct mlayer *ml, struct mlayer_stats *st);

#endif
