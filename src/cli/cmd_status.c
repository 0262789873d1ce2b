/*
 * cmd_status.c — `fairmatch status`: what the catalogues hold.
 */
#include <stdio.h>
#include <stdlib.h>

#include <jansson.h>

#include "cli.h"
#include "catalog_read.h"
#include "indexing.h"
#include "store.h"
#include "util.h"

/* Rows of (name, count) printed under a title unless quiet; the object itself returned. */
static json_t *
grouped(const char *title, json_t *o, int quiet)
{
	const char *name;
	json_t *n;

	if (quiet)
		return o;
	printf("%s\n", title);
	json_object_foreach(o, name, n)
		printf("  %8lld  %s\n", (long long)json_integer_value(n), name);
	return o;
}

int
cmd_status(const struct cmd_entry *cmd, int argc, char **argv)
{
	int json = 0;
	const struct cli_opt opts[] = { { "--json", 0, NULL, &json }, { NULL, 0, NULL, NULL } };
	json_t *root, *by_city, *by_province;
	struct catalog_totals t;
	struct store *st;
	char *cause = NULL;

	if (cli_parse(cmd, argc, argv, opts, NULL, 0) < 0)
		return EXIT_USAGE;
	if (store_open(cli_data_dir(), 0, &st, &cause) != 0) {
		fprintf(stderr, "fairmatch status: %s\n", cause);
		free(cause);
		return EXIT_REJECTED;
	}
	if (catalog_totals(st, &t, &cause) != 0 ||
	    (by_city = catalog_by_region(st, "supply", &cause)) == NULL) {
		fprintf(stderr, "fairmatch status: %s\n", cause);
		free(cause);
		store_close(st);
		return EXIT_REJECTED;
	}
	if ((by_province = catalog_by_region(st, "demand", &cause)) == NULL) {
		fprintf(stderr, "fairmatch status: %s\n", cause);
		free(cause);
		json_decref(by_city);
		store_close(st);
		return EXIT_REJECTED;
	}
	root = json_object();
	{
		/* The figures status shows: a label, a JSON key, the count. */
		const struct {
			const char	*label;
			const char	*key;
			long long	 n;
		} totals[] = {
			{ "产品 / products", "products", t.products },
			{ "供应企业 / suppliers", "suppliers", t.suppliers },
			{ "需求 / demands", "demands", t.demands },
			{ "采购单位 / buyers", "buyers", t.buyers },
			{ "上传 / uploads", "uploads", t.uploads },
			{ "待索引的变更 / changes not yet indexed", "index_pending",
			    indexing_pending(st) },
		};

		for (size_t i = 0; i < nitems(totals); i++) {
			if (!json)
				printf("%8lld  %s\n", totals[i].n, totals[i].label);
			json_object_set_new(root, totals[i].key, json_integer(totals[i].n));
		}
	}
	json_object_set_new(root, "products_by_city", grouped("各市产品 / products by city",
	    by_city, json));
	json_object_set_new(root, "demands_by_province", grouped("各省需求 / demands by province",
	    by_province, json));
	if (json)
		cli_print_json(root);
	else
		json_decref(root);
	store_close(st);
	return EXIT_OK;
}
