/*
 * test_schema.c — the store that src/domain creates has what index/ reads
 * (index/schema.h, struct ix_kind): a migration that renames a column the
 * indexer needs fails here, not in a customer's reindex.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "indexer.h"
#include "schema.h"
#include "store.h"
#include "testutil.h"
#include "util.h"

/* The columns of table or view name, in order, comma-separated; caller frees. */
static char *
columns_of(sqlite3 *db, const char *name)
{
	char *sql = xasprintf("SELECT group_concat(name, ',') FROM pragma_table_info('%s')", name);
	sqlite3_stmt *q;
	char *out = NULL;

	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &q, NULL), SQLITE_OK);
	if (sqlite3_step(q) == SQLITE_ROW && sqlite3_column_text(q, 0) != NULL)
		out = xstrdup((const char *)sqlite3_column_text(q, 0));
	sqlite3_finalize(q);
	free(sql);
	return out != NULL ? out : xstrdup("");
}

/* 1 if the comma-separated list has col as a whole item. */
static int
has_column(const char *list, const char *col)
{
	size_t n = strlen(col);

	for (const char *p = list; (p = strstr(p, col)) != NULL; p += n)
		if ((p == list || p[-1] == ',') && (p[n] == ',' || p[n] == '\0'))
			return 1;
	return 0;
}

static void
kinds_match_a_new_store(void **state)
{
	char *dir = test_tmpdir("schema"), *cause = NULL;
	struct store *st;
	size_t n;
	const struct ix_kind *k = ix_kinds(&n);

	assert_int_equal(store_open(dir, 1, &st, &cause), 0);
	assert_int_equal(n, 2);
	for (size_t i = 0; i < n; i++) {
		char *view = columns_of(store_db(st), k[i].view);
		char *fts = columns_of(store_db(st), k[i].fts);
		struct buf want = { 0 };

		/* The view: id, code, every field, the region and facet, the price range. */
		const char *always[] = { "id", "code", k[i].region, k[i].category, "price_min",
		    "price_max" };
		for (size_t c = 0; c < nitems(always); c++)
			if (!has_column(view, always[c]))
				fail_msg("%s lacks %s (has %s)", k[i].view, always[c], view);
		for (size_t f = 0; f < k[i].nfields; f++)
			if (!has_column(view, k[i].fields[f].column))
				fail_msg("%s lacks field %s (has %s)", k[i].view,
				    k[i].fields[f].column, view);
		/* The FTS5 table: the fields in order, then region. */
		for (size_t f = 0; f < k[i].nfields; f++)
			buf_addf(&want, "%s,", k[i].fields[f].column);
		buf_addstr(&want, "region");
		assert_string_equal(fts, want.data);
		buf_free(&want);
		free(view);
		free(fts);
	}
	/* The log and the state the indexer replays from. */
	{
		char *log = columns_of(store_db(st), IX_LOG);
		char *st_cols = columns_of(store_db(st), IX_STATE);

		assert_string_equal(log, "seq,kind,item_id");
		assert_string_equal(st_cols, "name,seq");
		free(log);
		free(st_cols);
	}
	store_close(st);
	test_rmtree(dir);
	free(dir);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(kinds_match_a_new_store),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
