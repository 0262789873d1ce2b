/*
 * serving.h — a process's serving layer (index/serve.h) over the store:
 * built from the store at start, then kept current by a thread that
 * replays the index log every SERVING_POLL_MS, as the indexer does for
 * FTS5 and Xapian.  Kiosk search (products, a plain query with an optional
 * fair, city or category filter) and demand matching are answered from it.
 */
#ifndef FM_SERVING_H
#define FM_SERVING_H

#include <stddef.h>

#include "search.h"
#include "serve.h"
#include "store.h"
#include "tokenize.h"

#define SERVING_POLL_MS	200	/* how often the follower looks at the log */
#define SERVING_FRESH_MS 250	/* the longest a search waits for it to catch up */

struct serving;

/*
 * Builds the products' serving layer from st.  With follow, a thread with
 * its own connection to st's directory applies what the index log gains
 * (and records its place, so the indexer keeps what it has not read).
 * NULL with *cause (caller frees).
 */
struct serving *serving_start(struct store *st, int follow, char **cause);
/* Stops the follower (forgetting its place in the log) and frees everything. */
void serving_stop(struct serving *sv);

/* The layer itself (a demand's single match runs on it, as in a batch); owned by sv. */
struct serve *serving_layer(struct serving *sv);

/* Applies what the index log gained now (the follower does this on its own). */
int serving_catch_up(struct serving *sv, struct store *st, struct tokenizer *tk, char **cause);

/*
 * Whether search_opts o is the kiosk path this layer answers: products,
 * with no other filter than a fair, a city, a category or an exhibitor.
 */
int serving_applies(const struct search_opts *o);

/*
 * search_forgiving_run (forgive.h: the exact hits, then corrected or
 * relaxed ones when they are few) through st (hit details) with the
 * calling thread's scratch s.  fair (a fair's code, or NULL) limits the hits to its cities;
 * an unknown fair, or an o->exhibitor the store lacks, is an error.  0, or -1 with *cause.
 */
int serving_search(struct serving *sv, struct store *st, struct tokenizer *tk,
    struct serve_scratch *s, const char *query, int last_is_prefix, const char *fair,
    const struct search_opts *o, struct search_result *res, char **cause);

/*
 * Read your writes: if the store has log entries the layer has not applied
 * (a commit this request may follow), wakes the follower and waits for it,
 * at most SERVING_FRESH_MS.  One cheap query when nothing is pending.
 */
void serving_fresh(struct serving *sv, struct store *st);

/* The log position the answers reflect (for caching them). */
long long serving_version(struct serving *sv);

#endif
