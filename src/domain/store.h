/*
 * store.h — the record: one SQLite database in the data directory, opened
 * in WAL mode with foreign keys on and synchronous=FULL, its schema brought
 * up to date by numbered migrations at open.
 */
#ifndef FM_STORE_H
#define FM_STORE_H

#include <stdint.h>

#include <sqlite3.h>

struct store;

/*
 * How many ids each site's range holds (store.c's site_id): a fair box's
 * range starts at a multiple of it, the province's at 0.  Ranges end below
 * 2^53, so an id stays exact as a JavaScript number.
 */
#define STORE_SITE_SPAN		((int64_t)1 << 28)

/*
 * What kind of failure the store last reported, so that a server can answer
 * "try again" (503) for a lock and "broken" (500) for the disk.  Recorded by
 * store_error, store_query, store_finish, store_run, store_exec and
 * store_scalar on the handle that failed; read with store_failure, forgotten
 * with store_failure_reset (a server does that before each request or job).
 */
enum store_fail {
	STORE_OK,		/* nothing recorded */
	STORE_BUSY,		/* SQLITE_BUSY, SQLITE_LOCKED: another writer; try again */
	STORE_IO,		/* SQLITE_IOERR*, SQLITE_CANTOPEN: the disk or the file */
	STORE_FULL,		/* SQLITE_FULL: the disk is full */
	STORE_CORRUPT,		/* SQLITE_CORRUPT, SQLITE_NOTADB */
	STORE_NOMEM,		/* SQLITE_NOMEM */
	STORE_READONLY,		/* SQLITE_READONLY: a write on a read-only handle */
	STORE_BUG,		/* a statement that does not prepare: our SQL is wrong */
	STORE_OTHER,		/* a constraint, a bad search query: the input's fault */
};

/*
 * Opens DIR/fairmatch.db.  With create, makes DIR and the database if
 * missing; without, a missing database is an error that says to run
 * `fairmatch init`.  Applies pending migrations.  0, or -1 with *cause.
 */
int store_open(const char *dir, int create, struct store **out, char **cause);
/*
 * Opens DIR/fairmatch.db read-only (SQLITE_OPEN_READONLY): for the server's
 * readers.  A write on it fails with STORE_READONLY.  The schema must be
 * current (a read-write store_open migrates it).  0, or -1 with *cause.
 */
int store_open_readonly(const char *dir, struct store **out, char **cause);
void store_close(struct store *st);

sqlite3 *store_db(struct store *st);
const char *store_dir(const struct store *st);
/* The schema version after migrations, or -1 with *cause. */
int store_version(struct store *st, char **cause);
/* The newest migration this build knows. */
int store_latest_version(void);
/* Milliseconds a statement waits for another connection's lock (default 10000). */
void store_busy_timeout(struct store *st, int ms);

/* BEGIN IMMEDIATE / COMMIT / ROLLBACK; 0 or -1 with *cause. */
int store_begin(struct store *st, char **cause);
int store_commit(struct store *st, char **cause);
void store_rollback(struct store *st);
/*
 * A read transaction around several statements, unless one is open already:
 * they see one snapshot, and take the file's locks once instead of once each
 * (a search page reads a row a hit).  store_read_begin returns whether it
 * opened one; store_read_end takes that and ends it if so.
 */
int store_read_begin(struct store *st);
void store_read_end(struct store *st, int began);

/* Runs SQL with no result rows; 0 or -1 with *cause naming what failed. */
int store_exec(struct store *st, const char *sql, char **cause);
/*
 * Prepares sql into *q: 0, or -1 with *cause ("what failed: SQLite's
 * words") and the failure recorded.  A statement that does not compile
 * (SQLITE_ERROR) is a bug in our SQL: debug builds abort on it.
 */
int store_query(struct store *st, const char *sql, sqlite3_stmt **q, char **cause);
/* store_query, then binds id to the statement's first parameter (a fair, a meeting). */
int store_query_id(struct store *st, const char *sql, int64_t id, sqlite3_stmt **q,
    char **cause);
/*
 * Finalizes q (NULL is fine).  0 if its last step did not fail, else -1 with
 * *cause (when cause is not NULL) and the failure recorded: a statement
 * stepped until it stopped returning rows is checked here, so that a
 * failure is not taken for "no more rows".
 */
int store_finish(struct store *st, sqlite3_stmt *q, char **cause);
/*
 * Steps q, which returns no rows, and resets it for the next bindings: 0,
 * or -1 with *cause and the failure recorded.
 */
int store_run(struct store *st, sqlite3_stmt *q, char **cause);
/* An SQLite failure as a message for a person: "what: sqlite says"; records it. */
char *store_error(struct store *st, const char *what);
/*
 * Records the kind of the connection's last SQLite error, for a failure that
 * index/ reported on store_db(st) (STORE_OTHER if SQLite saw none).
 */
void store_note_failure(struct store *st);
/* The kind of the last failure recorded on st since store_failure_reset. */
enum store_fail store_failure(const struct store *st);
void store_failure_reset(struct store *st);
/*
 * 1 if f is the store's own failure (busy, the disk, full, corrupt, memory,
 * read-only, our SQL) rather than the input's.
 */
int store_fail_hard(enum store_fail f);
/* Its name for an error code in a reply: "busy", "store_io", … */
const char *store_fail_name(enum store_fail f);

/* One integer from a query with no parameters (0 if no row); -1 with *cause. */
long long store_scalar(struct store *st, const char *sql, char **cause);

#endif
