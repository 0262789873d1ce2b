/*
 * matching.h — the matcher over the store: opening it with the indexes
 * caught up, and a fair's batch of candidate meetings.
 */
#ifndef FM_MATCHING_H
#define FM_MATCHING_H

#include <stddef.h>

#include <jansson.h>

#include "match.h"
#include "serve.h"
#include "store.h"

/* Catches the indexes up if they are behind and opens a matcher; NULL with *cause. */
struct matcher *matching_open(struct store *st, char **cause);
/* The matcher over the indexes as they are, writing nothing (the server's read path). */
struct matcher *matching_open_as_is(struct store *st, char **cause);

/*
 * match_code() for an item on offer: a withdrawn item, or a demand past its
 * deadline, is refused with *cause; matches leave out withdrawn items (the
 * indexes hold none) and demands past their deadline (withdraw.h's today).
 */
int matching_code(struct store *st, struct matcher *m, const char *kind, const char *code,
    const struct match_opts *o, struct match_result *res, char **cause);

#define MATCHING_THREADS	2	/* a batch's threads */

/*
 * The products' serving layer (serve.h, the kiosk's) for batches and single
 * matches outside a server (which has its own, kept current): the one
 * `reindex` saved when it reflects st as it is now (*saved 1, if saved is
 * not NULL), else built from st (*saved 0).  NULL with *cause.  Free with
 * serve_free.
 */
struct serve *matching_layer(struct store *st, int *saved, char **cause);

struct fair_match_stats {
	size_t	 demands;	/* demands matched */
	size_t	 candidates;	/* candidate meetings stored */
	size_t	 skipped;	/* demands with nothing to match on */
	double	 layer_s;	/* building (or loading) the serving layer */
	int	 layer_saved;	/* 1: the layer `reindex` saved was loaded */
	size_t	 layer_bytes;	/* its memory */
	double	 match_s;	/* matching every demand */
	double	 batch_s;	/* matching and storing the candidates */
	double	 one_ms_p50;	/* one demand's match (what a single match does), */
	double	 one_ms_p95;	/* median and 95th percentile, both threads busy */
	double	 one_cpu_ms_p50;	/* the same in the thread's CPU time, which */
	double	 one_cpu_ms_p95;	/* other processes on the box do not stretch */
};

/*
 * Batch matching for a fair: every demand on offer (not withdrawn, deadline
 * not passed) of a buyer from the fair's provinces against the products of
 * its cities, the best top of each, on the serving layer (built here)
 * with MATCHING_THREADS threads (m is one of them), stored as the fair's
 * candidate meetings (replacing earlier ones) in one transaction: the
 * input of scheduling.  progress (may be NULL) is called on m's thread as
 * demands are done.  0, or -1 with *cause and nothing changed.
 */
int matching_fair(struct store *st, struct matcher *m, const char *code, size_t top,
    void (*progress)(void *arg, size_t done, size_t total), void *arg,
    struct fair_match_stats *stats, char **cause);

/*
 * The fair's participants of the other side for participant badge (a
 * walk-in, as a rule), ranked by how well text, what it wants (a buyer) or
 * offers (a supplier), and category (NULL for none) match their items on
 * m: a buyer's words against the products of the fair's cities (on the
 * serving layer if m uses one), a supplier's against the open demands of
 * its provinces.  Each owner once, at its best item, at most limit:
 * {"badge","side","text","category"?,"matches":[{"badge","name","region",
 * "score","item":{"code","name","category"},"why","checked_in","no_show",
 * "pair": the pair's request state or null,"meeting"}]} (caller decrefs),
 * or NULL with *cause and *status: 400 for text with no words, 404 for an
 * unknown fair or badge, 500 (the store's failure, recorded on st).
 */
json_t *matching_people(struct store *st, struct matcher *m, const char *fair_code,
    const char *badge, const char *text, const char *category, size_t limit, int *status,
    char **cause);

/* The exactness check's outcome: how much of the exhaustive top 20 the fast path found. */
struct exact_check {
	size_t	 demands;	/* sampled demands with matches */
	size_t	 exact;		/* hits of the exhaustive top 20s */
	size_t	 found;		/* of those, in the fast path's top 20 */
	double	 recall;
};

/*
 * For n demands of the fair's batch, sampled evenly, matches each on the
 * two-stage path and exhaustively (every posting list, whole), and counts
 * how many of the exhaustive top 20 the fast top 20 holds.  0, or -1 with
 * *cause.
 */
int matching_check_exact(struct store *st, struct matcher *m, const char *code, size_t n,
    struct exact_check *out, char **cause);

#endif
