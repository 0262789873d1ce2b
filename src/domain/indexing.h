/*
 * indexing.h — bringing the indexes up to date with the store from the
 * commands (import, reindex, search): the indexer lives in index/, the data
 * directory's layout here.
 */
#ifndef FM_INDEXING_H
#define FM_INDEXING_H

#include <stddef.h>

#include "search.h"
#include "store.h"
#include "tokenize.h"

/* DIR/xapian, where the Xapian databases live; caller frees. */
char *indexing_xapian_dir(struct store *st);
/* Where the from-scratch build saves the products' serving layer (serve_file.h); caller frees. */
char *indexing_serve_file(struct store *st);

/*
 * Applies every change the indexes have not seen (or, with rebuild, indexes
 * everything again).  Shows progress on stderr when it is a terminal.
 * *applied gets the items indexed.  0, or -1 with *cause.
 */
int indexing_update(struct store *st, int rebuild, size_t *applied, char **cause);

/*
 * After a restore: Xapian and the serving layer's file built from the
 * store, its FTS5 tables kept (indexer_rebuild_keeping_fts).  0, or -1
 * with *cause.
 */
int indexing_rebuild_restored(struct store *st, size_t *applied, char **cause);

/*
 * For commands that only read: brings the indexes up to date only if the
 * store has changes they have not seen (after a crash, or an import with
 * --no-index), so that the usual search takes no write lock.
 */
int indexing_catch_up_if_behind(struct store *st, char **cause);

/* Changes the indexes have not applied yet (0 when caught up, -1 if the store failed). */
long long indexing_pending(struct store *st);

/*
 * The full-text index's version: it changes whenever an import, an edit or
 * a rebuild changes what search answers (for caching answers).  -1 with
 * *cause when the store failed.
 */
long long indexing_version(struct store *st, char **cause);

/* search_run over the store's full-text index (index/search.h); a failure is recorded on st. */
int indexing_search(struct store *st, struct tokenizer *tk, const char *query,
    int last_is_prefix, const struct search_opts *opts, struct search_result *res,
    char **cause);

#endif
