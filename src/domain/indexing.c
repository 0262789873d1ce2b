/*
 * indexing.c — the commands' way into index/indexer.c.
 */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "indexer.h"
#include "indexing.h"
#include "schema.h"
#include "serve_file.h"
#include "util.h"

char *
indexing_xapian_dir(struct store *st)
{
	return xasprintf("%s/xapian", store_dir(st));
}

char *
indexing_serve_file(struct store *st)
{
	return xasprintf("%s/xapian/" SERVE_FILE_NAME, store_dir(st));
}

/* Progress on a terminal: "已索引 n / total". */
static void
show_progress(size_t done, size_t total, void *arg)
{
	fprintf(stderr, "\r已索引 %zu / %zu / indexed %zu of %zu", done, total, done, total);
	if (done == total)
		fputc('\n', stderr);
}

/* One of the indexer's ways of bringing the indexes up to date. */
typedef int (*indexing_fn)(struct indexer *, size_t *, ix_progress_fn, void *, char **);

/* Runs fn on the store's indexes. */
static int
indexing_run(struct store *st, indexing_fn fn, size_t *applied, char **cause)
{
	char *dir = indexing_xapian_dir(st);
	struct indexer *ix = indexer_open(store_db(st), dir, cause);
	ix_progress_fn progress = isatty(STDERR_FILENO) ? show_progress : NULL;
	int rc;

	free(dir);
	if (ix == NULL) {
		store_note_failure(st);
		return -1;
	}
	if ((rc = fn(ix, applied, progress, NULL, cause)) != 0)
		store_note_failure(st);
	indexer_close(ix);
	return rc;
}

int
indexing_update(struct store *st, int rebuild, size_t *applied, char **cause)
{
	return indexing_run(st, rebuild ? indexer_rebuild : indexer_catch_up, applied, cause);
}

int
indexing_rebuild_restored(struct store *st, size_t *applied, char **cause)
{
	return indexing_run(st, indexer_rebuild_keeping_fts, applied, cause);
}

int
indexing_catch_up_if_behind(struct store *st, char **cause)
{
	/* A count that fails (-1) is caught up on: the update reports the failure. */
	if (indexing_pending(st) == 0)
		return 0;
	return indexing_update(st, 0, NULL, cause);
}

long long
indexing_pending(struct store *st)
{
	char *dir = indexing_xapian_dir(st);
	long long pending = indexer_pending(store_db(st), dir);

	free(dir);
	return pending;
}

long long
indexing_version(struct store *st, char **cause)
{
	return store_scalar(st, "SELECT seq FROM " IX_STATE " WHERE name = 'fts'", cause);
}

int
indexing_search(struct store *st, struct tokenizer *tk, const char *query, int last_is_prefix,
    const struct search_opts *opts, struct search_result *res, char **cause)
{
	if (search_run(store_db(st), tk, query, last_is_prefix, opts, res, cause) == 0)
		return 0;
	store_note_failure(st);
	return -1;
}
