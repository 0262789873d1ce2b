/*
 * cmd_status.c — `fairmatch status`: what the catalogues hold.
 */
#include <stdio.h>
#include <stdlib.h>

#include <jansson.h>

#include "cli.h"
#include "indexer.h"
#include "indexing.h"
#include "store.h"
#include "util.h"

/* The figures status shows: a label, a JSON key, and the query. */
static const struct {
	const char	*label;
	const char	*key;
	const char	*sql;
} totals[] = {
	{ "产品 / products", "products", "SELECT count(*) FROM products" },
	{ "供应企业 / suppliers", "suppliers", "SELECT count(*) FROM suppliers" },
	{ "需求 / demands", "demands", "SELECT count(*) FROM demands" },
	{ "采购单位 / buyers", "buyers", "SELECT count(*) FROM buyers" },
	{ "上传 / uploads", "uploads", "SELECT count(*) FROM uploads" },
};

/* Rows of (name, count) from sql into a JSON object, printing them unless quiet. */
static json_t *
grouped(struct store *st, const char *title, const char *sql, int quiet)
{
	sqlite3_stmt *q = store_prepare(st, sql);
	json_t *o = json_object();

	if (!quiet)
		printf("%s\n", title);
	while (sqlite3_step(q) == SQLITE_ROW) {
		const char *name = (const char *)sqlite3_column_text(q, 0);
		long long n = sqlite3_column_int64(q, 1);

		if (!quiet)
			printf("  %8lld  %s\n", n, name);
		json_object_set_new(o, name, json_integer(n));
	}
	sqlite3_finalize(q);
	return o;
}

int
cmd_status(const struct cmd_entry *cmd, int argc, char **argv)
{
	int json = 0;
	const struct cli_opt opts[] = { { "--json", 0, NULL, &json }, { NULL, 0, NULL, NULL } };
	json_t *root = json_object();
	struct store *st;
	char *cause = NULL;

	if (cli_parse(cmd, argc, argv, opts, NULL, 0) < 0)
		return EXIT_USAGE;
	if (store_open(cli_data_dir(), 0, &st, &cause) != 0) {
		fprintf(stderr, "fairmatch status: %s\n", cause);
		free(cause);
		return EXIT_REJECTED;
	}
	for (size_t i = 0; i < nitems(totals); i++) {
		long long n = store_scalar(st, totals[i].sql);

		if (!json)
			printf("%8lld  %s\n", n, totals[i].label);
		json_object_set_new(root, totals[i].key, json_integer(n));
	}
	{
		char *xdir = indexing_xapian_dir(st);
		long long pending = indexer_pending(store_db(st), xdir);

		if (!json)
			printf("%8lld  待索引的变更 / changes not yet indexed\n", pending);
		json_object_set_new(root, "index_pending", json_integer(pending));
		free(xdir);
	}
	json_object_set_new(root, "products_by_city", grouped(st, "各市产品 / products by city",
	    "SELECT s.city, count(*) FROM products p JOIN suppliers s ON s.id = p.supplier_id"
	    " GROUP BY s.city ORDER BY count(*) DESC, s.city", json));
	json_object_set_new(root, "demands_by_province", grouped(st,
	    "各省需求 / demands by province", "SELECT b.province, count(*) FROM demands d"
	    " JOIN buyers b ON b.id = d.buyer_id GROUP BY b.province ORDER BY count(*) DESC,"
	    " b.province", json));
	if (json)
		cli_print_json(root);
	else
		json_decref(root);
	store_close(st);
	return EXIT_OK;
}
