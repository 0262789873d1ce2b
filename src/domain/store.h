/*
 * store.h — the record: one SQLite database in the data directory, opened
 * in WAL mode with foreign keys on and synchronous=FULL, its schema brought
 * up to date by numbered migrations at open.
 */
#ifndef FM_STORE_H
#define FM_STORE_H

#include <sqlite3.h>

struct store;

/*
 * Opens DIR/fairmatch.db.  With create, makes DIR and the database if
 * missing; without, a missing database is an error that says to run
 * `fairmatch init`.  Applies pending migrations.  0, or -1 with *cause.
 */
int store_open(const char *dir, int create, struct store **out, char **cause);
void store_close(struct store *st);

sqlite3 *store_db(struct store *st);
const char *store_dir(const struct store *st);
/* The schema version after migrations. */
int store_version(struct store *st);
/* The newest migration this build knows. */
int store_latest_version(void);

/* BEGIN IMMEDIATE / COMMIT / ROLLBACK; 0 or -1 with *cause. */
int store_begin(struct store *st, char **cause);
int store_commit(struct store *st, char **cause);
void store_rollback(struct store *st);

/* Runs SQL with no result rows; 0 or -1 with *cause naming what failed. */
int store_exec(struct store *st, const char *sql, char **cause);
/* Prepares sql; aborts on failure, which is a bug in our SQL, not input. */
sqlite3_stmt *store_prepare(struct store *st, const char *sql);
/* An SQLite failure as a message for a person: "what: sqlite says". */
char *store_error(struct store *st, const char *what);

/* One integer from a query with no parameters; -1 on error. */
long long store_scalar(struct store *st, const char *sql);

#endif
