/*
 * matching.h — the matcher over the store: opening it with the indexes
 * caught up, and a fair's batch of candidate meetings.
 */
#ifndef FM_MATCHING_H
#define FM_MATCHING_H

#include <stddef.h>

#include "match.h"
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

struct fair_match_stats {
	size_t	 demands;	/* demands matched */
	size_t	 candidates;	/* candidate meetings stored */
	size_t	 skipped;	/* demands with nothing to match on */
};

/*
 * Batch matching for a fair: every demand on offer (not withdrawn, deadline
 * not passed) of a buyer from the fair's provinces against the products of
 * its cities, the best top of each,
 * stored as the fair's candidate meetings (replacing earlier ones) in one
 * transaction: the input of scheduling.  progress (may be NULL) is called
 * after each demand.  0, or -1 with *cause and nothing changed.
 */
int matching_fair(struct store *st, struct matcher *m, const char *code, size_t top,
    void (*progress)(void *arg, size_t done, size_t total), void *arg,
    struct fair_match_stats *stats, char **cause);

#endif
