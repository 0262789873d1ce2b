/*
 * cmd_search.c — `fairmatch search` and `fairmatch reindex`.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "cli.h"
#include "indexer.h"
#include "indexing.h"
#include "results.h"
#include "search.h"
#include "serving.h"
#include "util.h"

/* The result for a person at a terminal. */
static void
print_text(const struct search_result *r)
{
	if (r->forgive != NULL)
		printf("%s / %s\n", r->forgive->message_zh, r->forgive->message_en);
	printf("共 %ld 条结果 / %ld results\n", r->total, r->total);
	for (size_t i = 0; i < r->nhits; i++) {
		const struct search_hit *h = &r->hits[i];

		printf("%3zu. %-12s %s  %s（%s）  %.2f\n", i + 1, h->code, h->highlight, h->owner,
		    h->region, h->score);
		if (*h->snippet != '\0' && strcmp(h->snippet, h->highlight) != 0)
			printf("     %s\n", h->snippet);
	}
}

int
cmd_search(const struct cmd_entry *cmd, int argc, char **argv)
{
	const char *kind = "supply", *limit_s = NULL, *region = NULL, *category = NULL;
	const char *fair = NULL, *engine = NULL, *exhibitor_s = NULL;
	int json = 0, prefix = 0, n, rc, served;
	const struct cli_opt opts[] = {
		{ "--kind", 1, &kind, NULL },
		{ "--prefix", 0, NULL, &prefix },
		{ "--limit", 1, &limit_s, NULL },
		{ "--region", 1, &region, NULL },
		{ "--category", 1, &category, NULL },
		{ "--fair", 1, &fair, NULL },
		{ "--exhibitor", 1, &exhibitor_s, NULL },
		{ "--engine", 1, &engine, NULL },
		{ "--json", 0, NULL, &json },
		{ NULL, 0, NULL, NULL },
	};
	struct search_opts so = { .limit = 20, .mark_open = "【", .mark_close = "】" };
	struct search_result res;
	struct tokenizer *tk;
	struct store *st;
	char *pos[1], *cause = NULL;
	long limit, exhibitor = 0;

	if ((n = cli_parse(cmd, argc, argv, opts, pos, 1)) < 0)
		return EXIT_USAGE;
	if (n != 1)
		return cli_usage_error(cmd, "需要一个查询 / needs a query");
	if (ix_kind_get(kind) == NULL)
		return cli_usage_error(cmd, "--kind 应为 supply 或 demand / --kind must be supply"
		    " or demand");
	if (limit_s != NULL) {
		if (parse_long(limit_s, 1, SEARCH_MAX_LIMIT, &limit) != 0)
			return cli_usage_error(cmd, "--limit 应为 1 到 %d 之间的整数 / --limit must be a"
			    " whole number from 1 to %d", SEARCH_MAX_LIMIT, SEARCH_MAX_LIMIT);
		so.limit = (size_t)limit;
	}
	if (exhibitor_s != NULL && parse_long(exhibitor_s, 1, SEARCH_MAX_ID, &exhibitor) != 0)
		return cli_usage_error(cmd, "--exhibitor 应为展商编号（1 到 %lld 之间的整数） /"
		    " --exhibitor must be an exhibitor's id (a whole number from 1 to %lld)",
		    (long long)SEARCH_MAX_ID, (long long)SEARCH_MAX_ID);
	so.kind = kind;
	so.exhibitor = exhibitor;
	so.region = region;
	so.category = category;
	if (engine != NULL && strcmp(engine, "serve") != 0 && strcmp(engine, "fts5") != 0)
		return cli_usage_error(cmd, "--engine 应为 serve 或 fts5 / --engine must be serve or"
		    " fts5");
	/*
	 * A command builds the serving layer from the whole store before it can
	 * answer (about 100 s at a million products), so it does that only when
	 * asked (--engine serve) or when only that engine can answer (--fair,
	 * --exhibitor); otherwise FTS5 answers, with the same top hits
	 * (test_search_parity).
	 */
	served = serving_applies(&so) && (fair != NULL || exhibitor != 0 || (engine != NULL &&
	    strcmp(engine, "serve") == 0));
	if (engine != NULL && strcmp(engine, "fts5") == 0 && (fair != NULL || exhibitor != 0))
		served = 0;
	if (fair != NULL && !served)
		return cli_usage_error(cmd, "--fair 只用于产品搜索 / --fair is for product search"
		    " only");
	if (exhibitor != 0 && !served)
		return cli_usage_error(cmd, "--exhibitor 只用于产品搜索 / --exhibitor is for product"
		    " search only");
	if (store_open(cli_data_dir(), 0, &st, &cause) != 0 ||
	    indexing_catch_up_if_behind(st, &cause) != 0 ||
	    (tk = tokenizer_new(&cause)) == NULL) {
		fprintf(stderr, "fairmatch search: %s\n", cause);
		free(cause);
		return EXIT_REJECTED;
	}
	if (served) {
		/* A command builds the layer from the store, as a server does at start. */
		struct serving *sv = serving_start(st, 0, &cause);
		struct serve_scratch *s = serve_scratch_new();

		rc = sv == NULL ? -1 : serving_search(sv, st, tk, s, pos[0], prefix, fair, &so,
		    &res, &cause);
		if (sv == NULL)
			memset(&res, 0, sizeof res);
		serve_scratch_free(s);
		serving_stop(sv);
	} else
		rc = indexing_search(st, tk, pos[0], prefix, &so, &res, &cause);
	if (rc != 0)
		cli_fail(cmd, json, "hits", cause);
	else if (json)
		cli_print_json(search_result_json(&res));
	else
		print_text(&res);
	search_result_free(&res);
	tokenizer_free(tk);
	store_close(st);
	return rc == 0 ? EXIT_OK : EXIT_REJECTED;
}

int
cmd_reindex(const struct cmd_entry *cmd, int argc, char **argv)
{
	struct store *st;
	char *cause = NULL;
	size_t applied = 0;

	if (cli_parse(cmd, argc, argv, NULL, NULL, 0) < 0)
		return EXIT_USAGE;
	if (store_open(cli_data_dir(), 0, &st, &cause) != 0 ||
	    indexing_update(st, 1, &applied, &cause) != 0) {
		fprintf(stderr, "fairmatch reindex: %s\n", cause);
		free(cause);
		return EXIT_REJECTED;
	}
	printf("已重建索引：%zu 条 / reindexed %zu items\n", applied, applied);
	store_close(st);
	return EXIT_OK;
}
