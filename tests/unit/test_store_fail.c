/*
 * test_store_fail.c — a store that fails is a value, not an abort: a lock
 * held by another connection (SQLITE_BUSY), a write on a read-only handle
 * (SQLITE_READONLY) and a damaged file (SQLITE_CORRUPT) reach the domain
 * functions' callers as -1 (or NULL) with a message naming what failed,
 * and the failure's kind is recorded for the server's status.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "auth.h"
#include "catalog_read.h"
#include "fair.h"
#include "store.h"
#include "testutil.h"
#include "uploads.h"
#include "util.h"

/* A supplier and two products, enough for the reads below to have rows. */
static const char seed_sql[] =
    "INSERT INTO suppliers (name, city) VALUES ('杭州狮峰茶业有限公司', '杭州');"
    "INSERT INTO products (code, supplier_id, name, category) VALUES"
    " ('T1', 1, '西湖龙井茶', '茶叶'), ('T2', 1, '安吉白茶', '茶叶');"
    "INSERT INTO fairs (code, name) VALUES ('HQH', '哈洽会');";

/* A new store in a scratch directory, seeded; *dir is the caller's to remove and free. */
static struct store *
seeded_store(const char *tag, char **dir)
{
	struct store *st;
	char *cause = NULL;

	*dir = test_tmpdir(tag);
	if (store_open(*dir, 1, &st, &cause) != 0 || store_exec(st, seed_sql, &cause) != 0)
		fail_msg("store: %s", cause);
	return st;
}

/* Asserts a failure of kind f whose message contains want; frees cause. */
static void
assert_failed(struct store *st, enum store_fail f, char *cause, const char *want)
{
	assert_non_null(cause);
	if (strstr(cause, want) == NULL)
		fail_msg("the message \"%s\" does not say \"%s\"", cause, want);
	assert_int_equal(store_failure(st), f);
	assert_true(store_fail_hard(f));
	free(cause);
	store_failure_reset(st);
}

/* Another connection holds the write lock: writes fail busy at once, reads go on. */
static void
busy_is_a_value(void **state)
{
	char *dir, *cause = NULL, *made = NULL, *path;
	struct store *st = seeded_store("busy", &dir);
	sqlite3 *other;
	json_t *fairs;

	path = xasprintf("%s/fairmatch.db", dir);
	assert_int_equal(sqlite3_open(path, &other), SQLITE_OK);
	assert_int_equal(sqlite3_exec(other, "BEGIN EXCLUSIVE; INSERT INTO fairs (code, name)"
	    " VALUES ('YBH', '义博会')", NULL, NULL, NULL), SQLITE_OK);
	store_busy_timeout(st, 50);

	/* A one-statement write: the statement is named, and SQLite's words kept. */
	assert_int_equal(auth_logout(st, "0123", &cause), -1);
	assert_failed(st, STORE_BUSY, cause, "DELETE FROM sessions");
	/* A transaction: BEGIN IMMEDIATE is where it waits. */
	cause = NULL;
	assert_int_equal(auth_user_add(st, "zhang", "organiser", NULL, "long enough pw", &made,
	    &cause), -1);
	assert_failed(st, STORE_BUSY, cause, "database is locked");
	assert_null(made);

	/* Reads see the last commit (WAL): the server's searches and lists still answer. */
	cause = NULL;
	fairs = fair_list_json(st, &cause);
	assert_non_null(fairs);
	assert_int_equal(json_array_size(fairs), 1);
	json_decref(fairs);
	assert_int_equal(store_failure(st), STORE_OK);

	/* The lock goes: the same write goes through. */
	assert_int_equal(sqlite3_exec(other, "ROLLBACK", NULL, NULL, NULL), SQLITE_OK);
	assert_int_equal(auth_user_add(st, "zhang", "organiser", NULL, "long enough pw", &made,
	    &cause), 0);
	sqlite3_close(other);
	store_close(st);
	test_rmtree(dir);
	free(path);
	free(dir);
}

/* A read-only handle refuses a write with a message; its reads work. */
static void
readonly_refuses_writes(void **state)
{
	char *dir, *cause = NULL, *made = NULL;
	struct store *st = seeded_store("readonly", &dir), *ro;
	struct catalog_totals t;
	json_t *item;

	assert_int_equal(store_open_readonly(dir, &ro, &cause), 0);
	assert_int_equal(store_exec(ro, "INSERT INTO fairs (code, name) VALUES ('X', 'x')",
	    &cause), -1);
	assert_failed(ro, STORE_READONLY, cause, "readonly");
	cause = NULL;
	assert_int_equal(auth_user_add(ro, "li", "organiser", NULL, "long enough pw", &made,
	    &cause), -1);
	assert_non_null(cause);
	assert_true(store_fail_hard(store_failure(ro)));
	free(cause);
	store_failure_reset(ro);

	cause = NULL;
	assert_int_equal(catalog_totals(ro, &t, &cause), 0);
	assert_int_equal(t.products, 2);
	assert_int_equal(catalog_item_json(ro, "supply", "T1", &item, &cause), 0);
	assert_non_null(item);
	json_decref(item);
	assert_int_equal(catalog_item_json(ro, "supply", "NONE", &item, &cause), 0);
	assert_null(item);

	store_close(ro);
	store_close(st);
	test_rmtree(dir);
	free(dir);
}

/* Overwrites page number page (from 1) of the file at path with garbage. */
static void
smash_page(const char *path, long page, long size)
{
	FILE *f = fopen(path, "r+b");
	char *junk = xmalloc((size_t)size);

	assert_non_null(f);
	memset(junk, 0xa5, (size_t)size);
	assert_int_equal(fseek(f, (page - 1) * size, SEEK_SET), 0);
	assert_int_equal(fwrite(junk, 1, (size_t)size, f), (size_t)size);
	fclose(f);
	free(junk);
}

/* A copy whose products pages are garbage: reads of them fail corrupt, the rest work. */
static void
corrupt_is_a_value(void **state)
{
	char *dir, *cause = NULL, *path;
	struct store *st = seeded_store("corrupt", &dir);
	long size = test_scalar(st, "PRAGMA page_size"), roots[8];
	struct catalog_totals t;
	sqlite3_stmt *q;
	size_t n = 0;
	json_t *item, *fairs;

	/* The pages of products and its index: each holds its few rows in its root. */
	q = test_prepare(st, "SELECT rootpage FROM sqlite_master WHERE tbl_name = 'products'"
	    " AND rootpage > 0");
	while (sqlite3_step(q) == SQLITE_ROW && n < nitems(roots))
		roots[n++] = sqlite3_column_int64(q, 0);
	sqlite3_finalize(q);
	assert_true(n >= 2);
	store_close(st);		/* the last connection: the WAL is checkpointed away */
	path = xasprintf("%s/fairmatch.db", dir);
	for (size_t i = 0; i < n; i++)
		smash_page(path, roots[i], size);

	assert_int_equal(store_open(dir, 0, &st, &cause), 0);
	assert_int_equal(catalog_totals(st, &t, &cause), -1);
	assert_failed(st, STORE_CORRUPT, cause, "products");
	cause = NULL;
	assert_int_equal(catalog_item_json(st, "supply", "T1", &item, &cause), -1);
	assert_null(item);
	assert_failed(st, STORE_CORRUPT, cause, "malformed");
	/* What does not touch the damaged pages still answers. */
	cause = NULL;
	fairs = fair_list_json(st, &cause);
	assert_non_null(fairs);
	json_decref(fairs);

	store_close(st);
	test_rmtree(dir);
	free(path);
	free(dir);
}

/* A statement that does not compile is our bug: a debug build stops on it. */
static void
bad_sql_aborts_debug_builds(void **state)
{
#ifdef NDEBUG
	skip();
#else
	char *dir, *cause = NULL;
	struct store *st = seeded_store("badsql", &dir);
	int status;
	pid_t pid;

	fflush(NULL);
	if ((pid = fork()) == 0) {
		sqlite3_stmt *q;
		int null = open("/dev/null", O_WRONLY);

		dup2(null, STDERR_FILENO);	/* the abort is the point, not its words */
		store_query(st, "SELECT no_such_column FROM products", &q, &cause);
		_exit(0);
	}
	assert_true(pid > 0);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFSIGNALED(status));
	store_close(st);
	test_rmtree(dir);
	free(dir);
#endif
}

/* A failure's kind is kept until reset; a later success does not clear it. */
static void
failure_kind_is_kept_until_reset(void **state)
{
	char *dir, *cause = NULL;
	struct store *st = seeded_store("kind", &dir);

	assert_int_equal(store_failure(st), STORE_OK);
	assert_int_equal(store_exec(st, "INSERT INTO fairs (code, name) VALUES ('HQH', 'x')",
	    &cause), -1);
	/* A constraint is the input's fault, not the store's. */
	assert_int_equal(store_failure(st), STORE_OTHER);
	assert_false(store_fail_hard(STORE_OTHER));
	assert_non_null(strstr(cause, "INSERT INTO fairs"));
	free(cause);
	assert_int_equal(test_scalar(st, "SELECT count(*) FROM fairs"), 1);
	assert_int_equal(store_failure(st), STORE_OTHER);
	store_failure_reset(st);
	assert_int_equal(store_failure(st), STORE_OK);
	assert_string_equal(store_fail_name(STORE_BUSY), "busy");
	store_close(st);
	test_rmtree(dir);
	free(dir);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(busy_is_a_value),
		cmocka_unit_test(readonly_refuses_writes),
		cmocka_unit_test(corrupt_is_a_value),
		cmocka_unit_test(bad_sql_aborts_debug_builds),
		cmocka_unit_test(failure_kind_is_kept_until_reset),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
