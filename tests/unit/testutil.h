/*
 * testutil.h — what several unit tests need: a scratch directory that is
 * removed afterwards, and files written into it.
 */
#ifndef FM_TESTUTIL_H
#define FM_TESTUTIL_H

/* A new directory under $TMPDIR (or /tmp); caller frees and removes it. */
char *test_tmpdir(const char *tag);
/* Removes dir and everything below it. */
void test_rmtree(const char *dir);
/* Writes text to dir/name; returns the path, caller frees. */
char *test_write(const char *dir, const char *name, const char *text);

struct store;
struct sqlite3_stmt;
/* sql prepared on st (caller finalizes); a failure ends the test program. */
struct sqlite3_stmt *test_prepare(struct store *st, const char *sql);
/* One integer from sql on st; a failure ends the test program. */
long long test_scalar(struct store *st, const char *sql);

#endif
