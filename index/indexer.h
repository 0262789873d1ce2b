/*
 * indexer.h — keeps both indexes in step with the store.  The store logs
 * every change to a product or demand (index_log); the indexer replays the
 * log into the FTS5 tables (inside the database) and into the Xapian
 * databases beside it.  Each index records the last log entry it applied,
 * so after a crash between the two commits the next run finishes the job.
 */
#ifndef FM_INDEXER_H
#define FM_INDEXER_H

#include <stddef.h>
#include <stdint.h>

#include <sqlite3.h>

/* Xapian value slots and term prefixes, shared with the searcher and matcher. */
enum ix_slot { IX_SLOT_PRICE_MIN, IX_SLOT_PRICE_MAX, IX_SLOT_REGION, IX_SLOT_CATEGORY,
    IX_SLOT_DEADLINE };	/* YYYY-MM-DD, a demand's last day */

/* One searchable field of an item. */
struct ix_field {
	const char	*column;	/* in the store's *_text view and the FTS5 table */
	const char	*prefix;	/* Xapian term prefix */
	double		 weight;	/* FTS5 bm25 column weight; the matcher's, matched */
	int		 pinyin;	/* a short field buyers name: index its pinyin */
	double		 qweight;	/* the matcher's, when the item is the one matched
					   from: what it wants (0 = not used, a name) */
};

/* One kind of item: where its text is and how it is indexed. */
struct ix_kind {
	const char		*name;		/* "supply" / "demand" */
	const char		*view;		/* product_text / demand_text */
	const char		*fts;		/* products_fts / demands_fts */
	const struct ix_field	*fields;	/* the FTS columns, in order; then
						   region and category unindexed */
	size_t			 nfields;
	const char		*region;	/* city or province column */
	const char		*category;
};

const struct ix_kind *ix_kind_get(const char *name);	/* NULL if unknown */
const struct ix_kind *ix_kinds(size_t *n);

struct indexer;

/*
 * Opens the Xapian databases under xapian_dir (creating them) for writing,
 * with db the store's connection (the tokenizer must be registered on it).
 * NULL with *cause (caller frees).
 */
struct indexer *indexer_open(sqlite3 *db, const char *xapian_dir, char **cause);
void indexer_close(struct indexer *ix);

/* Progress: items done of total so far. */
typedef void (*ix_progress_fn)(size_t done, size_t total, void *arg);

/*
 * Applies every logged change that either index has not seen; *applied
 * (if not NULL) gets the number of items reindexed.  0, or -1 with *cause.
 */
int indexer_catch_up(struct indexer *ix, size_t *applied, ix_progress_fn progress,
    void *arg, char **cause);

/* Empties both indexes and indexes every item of the store again. */
int indexer_rebuild(struct indexer *ix, size_t *applied, ix_progress_fn progress,
    void *arg, char **cause);

/*
 * Builds Xapian (and the saved serving layer) from every item of the
 * store, keeping the FTS5 tables, which a snapshot of the store (a
 * restored backup) holds consistent with it, and applies to them the
 * logged changes they have not seen.  Answers as indexer_rebuild's would;
 * it is indexer_rebuild when FTS5 was made by another tokenizer version.
 */
int indexer_rebuild_keeping_fts(struct indexer *ix, size_t *applied, ix_progress_fn progress,
    void *arg, char **cause);

/* One integer that sql gives on db (its first column of its first row); -1 on error. */
long long indexer_scalar(sqlite3 *db, const char *sql);

/*
 * Log entries not yet applied to both indexes, or every item when the
 * indexes were made by another tokenizer version (-1 on error).  Cheap.
 */
long long indexer_pending(sqlite3 *db, const char *xapian_dir);

#endif
