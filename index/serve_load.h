/*
 * serve_load.h — the serving layer from the store: built from scratch (a
 * kind's text view, tokenized as the indexer does), then kept current by
 * replaying the index log, the way the indexer keeps FTS5 and Xapian.
 */
#ifndef FM_SERVE_LOAD_H
#define FM_SERVE_LOAD_H

#include <stddef.h>

#include <sqlite3.h>

#include "serve.h"
#include "tokenize.h"

/*
 * Builds the layer of kind ("supply" or "demand") from every row of its
 * view, in one read transaction, recording the log position it reflects.
 * NULL with *cause (caller frees).  tk is the caller's (not thread-safe).
 */
struct serve *serve_load(sqlite3 *db, struct tokenizer *tk, const char *kind, char **cause);

/*
 * The kind's layer from the file a from-scratch build saved at path
 * (serve_file.h), brought up to date from the index log; built from the
 * store (serve_load) when there is no such file or it cannot be used:
 * truncated, corrupted, made by another version, or stale (the log no
 * longer holds every change since it was saved, or holds more than a
 * quarter of the documents the file has: the layer would rank otherwise
 * than a fresh build).  *note (if not NULL) gets why an existing file
 * was not used (caller frees), or NULL.  NULL with *cause on a store error.
 */
struct serve *serve_open(sqlite3 *db, struct tokenizer *tk, const char *kind, const char *path,
    char **note, char **cause);

/* An empty layer with the kind's field weights (NULL if no such kind), for a bulk build. */
struct serve *serve_empty(const char *kind);

struct tokstream;

/*
 * Fills d with the tokens of the kind's fields recorded in ts, texts
 * [first, first + the kind's field count) in field order (the indexer's
 * one tokenizer pass).
 */
void serve_doc_replay(struct serve_doc *d, const char *kind, const struct tokstream *ts,
    size_t first);

/*
 * Applies the index log entries of kind after serve_seq(sv): each item
 * logged is read again and put, or removed if it is gone.  *applied (if
 * not NULL) gets the items applied.  0, or -1 with *cause.
 */
int serve_catch_up(struct serve *sv, sqlite3 *db, struct tokenizer *tk, const char *kind,
    size_t *applied, char **cause);

/*
 * The log position the store has reached (the largest index_log seq ever
 * given); -1 on error.  Cheap: the serving thread polls it.
 */
long long serve_store_seq(sqlite3 *db);

/*
 * Where a server's serving layer stands, so the indexer keeps the log
 * entries it has not read yet (index_state 'serve'); seq < 0 forgets it
 * (at a clean shutdown).  0 or -1 with *cause.
 */
int serve_mark_position(sqlite3 *db, long long seq, char **cause);

#endif
