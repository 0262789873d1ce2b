/*
 * indexing.h — bringing the indexes up to date with the store from the
 * commands (import, reindex, search): the indexer lives in index/, the data
 * directory's layout here.
 */
#ifndef FM_INDEXING_H
#define FM_INDEXING_H

#include <stddef.h>

#include "store.h"

/* DIR/xapian, where the Xapian databases live; caller frees. */
char *indexing_xapian_dir(struct store *st);

/*
 * Applies every change the indexes have not seen (or, with rebuild, indexes
 * everything again).  Shows progress on stderr when it is a terminal.
 * *applied gets the items indexed.  0, or -1 with *cause.
 */
int indexing_update(struct store *st, int rebuild, size_t *applied, char **cause);

/*
 * For commands that only read: brings the indexes up to date only if the
 * store has changes they have not seen (after a crash, or an import with
 * --no-index), so that the usual search takes no write lock.
 */
int indexing_catch_up_if_behind(struct store *st, char **cause);

#endif
