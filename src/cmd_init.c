/*
 * cmd_init.c — `fairmatch init`: the data directory, the schema, the offices.
 */
#include <stdio.h>
#include <stdlib.h>

#include "cli.h"
#include "indexing.h"
#include "normalise.h"
#include "store.h"
#include "util.h"

/* The provincial office and the 11 city offices exist from the start. */
static int
seed_offices(struct store *st, char **cause)
{
	sqlite3_stmt *q = store_prepare(st, "INSERT OR IGNORE INTO offices (kind, name, city)"
	    " VALUES (?, ?, ?)");
	const char *const *cities;
	size_t n;
	int rc = 0;

	if (store_begin(st, cause) != 0) {
		sqlite3_finalize(q);
		return -1;
	}
	sqlite3_bind_text(q, 1, "province", -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 2, "浙江省人民政府经济技术协作办公室", -1, SQLITE_STATIC);
	sqlite3_bind_null(q, 3);
	rc |= sqlite3_step(q) != SQLITE_DONE;
	sqlite3_reset(q);
	cities = zj_cities(&n);
	for (size_t i = 0; i < n && rc == 0; i++) {
		char *name = xasprintf("%s经济合作交流办公室", cities[i]);

		sqlite3_bind_text(q, 1, "city", -1, SQLITE_STATIC);
		sqlite3_bind_text(q, 2, name, -1, free);
		sqlite3_bind_text(q, 3, cities[i], -1, SQLITE_STATIC);
		rc |= sqlite3_step(q) != SQLITE_DONE;
		sqlite3_reset(q);
	}
	if (rc != 0)
		*cause = store_error(st, "offices");
	sqlite3_finalize(q);
	if (rc != 0) {
		store_rollback(st);
		return -1;
	}
	return store_commit(st, cause);
}

int
cmd_init(const struct cmd_entry *cmd, int argc, char **argv)
{
	struct store *st;
	char *cause = NULL;
	const char *dir;
	int fresh;

	if (cli_parse(cmd, argc, argv, NULL, NULL, 0) < 0)
		return EXIT_USAGE;
	dir = cli_data_dir();
	if (store_open(dir, 1, &st, &cause) != 0) {
		fprintf(stderr, "fairmatch init: %s\n", cause);
		free(cause);
		return EXIT_REJECTED;
	}
	fresh = store_scalar(st, "SELECT count(*) FROM offices") == 0;
	/* Empty indexes from the start, so that search and match work on an empty store. */
	if (seed_offices(st, &cause) != 0 || indexing_update(st, 0, NULL, &cause) != 0) {
		fprintf(stderr, "fairmatch init: %s\n", cause);
		free(cause);
		store_close(st);
		return EXIT_REJECTED;
	}
	printf("%s数据目录 %s（数据库版本 %d） / %s %s (schema version %d)\n",
	    fresh ? "已初始化" : "已是最新的", dir, store_version(st),
	    fresh ? "initialised" : "already initialised, up to date:", dir, store_version(st));
	store_close(st);
	return EXIT_OK;
}
