/*
 * cmd_match.c — `fairmatch match` and `fairmatch evaluate`.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "cli.h"
#include "fair.h"
#include "match.h"
#include "matching.h"
#include "results.h"
#include "serve.h"
#include "util.h"

/* Opens the store and a matcher over it; NULL with *cause. */
static struct matcher *
open_matcher(struct store **st, char **cause)
{
	struct matcher *m;

	if (store_open(cli_data_dir(), 0, st, cause) != 0)
		return NULL;
	if ((m = matching_open(*st, cause)) == NULL)
		store_close(*st);
	return m;
}

/* Shows batch matching's progress on a terminal. */
static void
fair_progress(void *arg, size_t done, size_t total)
{
	if (*(int *)arg)
		fprintf(stderr, "\r已匹配 %zu / %zu 个需求 / %zu of %zu demands matched", done, total,
		    done, total);
}

/* `match fair CODE`: the fair's candidate meetings, stored. */
static int
match_fair(struct store *st, struct matcher *m, const char *code, size_t top, int json)
{
	struct fair_match_stats stats;
	int tty = !json && isatty(STDERR_FILENO);
	struct fair fair;
	char *cause = NULL;

	if (matching_fair(st, m, code, top, fair_progress, &tty, &stats, &cause) != 0 ||
	    fair_get(st, code, &fair, &cause) != 0) {
		if (tty)
			fputc('\n', stderr);
		fprintf(stderr, "fairmatch match: %s\n", cause);
		free(cause);
		return EXIT_REJECTED;
	}
	if (tty)
		fputc('\n', stderr);
	if (stats.skipped > 0)
		fprintf(stderr, "%zu 个需求没有可匹配的词 / %zu demands had nothing to match on\n",
		    stats.skipped, stats.skipped);
	if (json)
		cli_print_json(json_pack("{s:s, s:I, s:I, s:s, s:f, s:f, s:f, s:I, s:f, s:f, s:f, s:f}",
		    "fair", fair.code, "demands", (json_int_t)stats.demands, "candidates",
		    (json_int_t)stats.candidates, "layer", stats.layer_saved ? "saved" : "built",
		    "layer_s", stats.layer_s, "match_s",
		    stats.match_s, "batch_s", stats.batch_s, "layer_mb",
		    (json_int_t)(stats.layer_bytes >> 20), "one_ms_p50", stats.one_ms_p50,
		    "one_ms_p95", stats.one_ms_p95, "one_cpu_ms_p50", stats.one_cpu_ms_p50,
		    "one_cpu_ms_p95", stats.one_cpu_ms_p95));
	else
		printf("%s：%zu 个需求，%zu 个候选洽谈 / %s: %zu demands, %zu candidate meetings\n",
		    fair.name, stats.demands, stats.candidates, fair.code, stats.demands,
		    stats.candidates);
	fair_clear(&fair);
	return EXIT_OK;
}

/* `match fair CODE --check-exact N`: the two stages against exhaustive scoring. */
static int
match_check_exact(struct store *st, struct matcher *m, const char *code, size_t n, int json)
{
	struct exact_check ec;
	char *cause = NULL;

	if (matching_check_exact(st, m, code, n, &ec, &cause) != 0) {
		fprintf(stderr, "fairmatch match: %s\n", cause);
		free(cause);
		return EXIT_REJECTED;
	}
	if (json)
		cli_print_json(json_pack("{s:s, s:I, s:I, s:I, s:f}", "fair", code, "demands",
		    (json_int_t)ec.demands, "exact", (json_int_t)ec.exact, "found",
		    (json_int_t)ec.found, "recall", ec.recall));
	else
		printf("%s：抽查 %zu 个需求，精确前 20 名共 %zu 个，快速路径找到 %zu 个，召回率 %.4f /"
		    " %zu demands sampled, %zu exact top-20 hits, %zu found by the fast path,"
		    " recall %.4f\n", code, ec.demands, ec.exact, ec.found, ec.recall, ec.demands,
		    ec.exact, ec.found, ec.recall);
	return EXIT_OK;
}

int
cmd_match(const struct cmd_entry *cmd, int argc, char **argv)
{
	const char *limit_s = NULL, *region = NULL, *honour = NULL, *check_s = NULL;
	struct serve *ml = NULL;
	long check = 0;
	int json = 0, n, rc;
	const struct cli_opt opts[] = {
		{ "--limit", 1, &limit_s, NULL },
		{ "--check-exact", 1, &check_s, NULL },
		{ "--region", 1, &region, NULL },
		{ "--honour", 1, &honour, NULL },
		{ "--json", 0, NULL, &json },
		{ NULL, 0, NULL, NULL },
	};
	struct match_opts mo = { .limit = 20 };
	struct match_result res;
	struct matcher *m;
	struct store *st;
	char *pos[2], *cause = NULL;
	long limit;

	if ((n = cli_parse(cmd, argc, argv, opts, pos, 2)) < 0)
		return EXIT_USAGE;
	if (n != 2)
		return cli_usage_error(cmd, "需要类型和编号 / needs a kind and a code");
	if (strcmp(pos[0], "demand") != 0 && strcmp(pos[0], "supply") != 0 &&
	    strcmp(pos[0], "fair") != 0)
		return cli_usage_error(cmd, "类型应为 demand、supply 或 fair / the kind must be"
		    " demand, supply or fair, not “%s”", pos[0]);
	if (limit_s != NULL) {
		if (parse_long(limit_s, 1, MATCH_MAX_LIMIT, &limit) != 0)
			return cli_usage_error(cmd, "--limit 应为 1 到 %d 之间的整数 / --limit must be a"
			    " whole number from 1 to %d", MATCH_MAX_LIMIT, MATCH_MAX_LIMIT);
		mo.limit = (size_t)limit;
	}
	if (region != NULL) {
		mo.regions = &region;
		mo.nregions = 1;
	}
	if (check_s != NULL && (strcmp(pos[0], "fair") != 0 ||
	    parse_long(check_s, 1, 100000, &check) != 0))
		return cli_usage_error(cmd, "--check-exact 用于 match fair，应为 1 到 100000 之间的整数 /"
		    " --check-exact goes with match fair and must be a whole number from 1 to 100000");
	mo.honour = honour;
	if ((m = open_matcher(&st, &cause)) == NULL) {
		fprintf(stderr, "fairmatch match: %s\n", cause);
		free(cause);
		return EXIT_REJECTED;
	}
	if (strcmp(pos[0], "fair") == 0) {
		rc = check > 0 ? match_check_exact(st, m, pos[1], (size_t)check, json) :
		    match_fair(st, m, pos[1], limit_s != NULL ? mo.limit : 10, json);
		matcher_close(m);
		store_close(st);
		return rc;
	}
	/* A demand is matched on the serving layer, as in a batch. */
	if (strcmp(pos[0], "demand") == 0 && honour == NULL) {
		if ((ml = matching_layer(st, NULL, &cause)) == NULL) {
			fprintf(stderr, "fairmatch match: %s\n", cause);
			free(cause);
			matcher_close(m);
			store_close(st);
			return EXIT_REJECTED;
		}
		matcher_use_layer(m, ml);
	}
	rc = matching_code(st, m, pos[0], pos[1], &mo, &res, &cause);
	if (rc != 0)
		cli_fail(cmd, json, "matches", cause);
	else if (json)
		cli_print_json(match_result_json(&res));
	else {
		printf("%s：%s / matches for %s\n", res.from_name, pos[0][0] == 'd' ? "可供产品" :
		    "需求方", pos[1]);
		for (size_t i = 0; i < res.nhits; i++) {
			const struct match_hit *h = &res.hits[i];

			printf("%3zu. %-12s %s  %s（%s）  %.2f\n     因为 / why:", i + 1, h->code,
			    h->name, h->owner, h->region, h->score);
			for (size_t k = 0; k < h->nwhy; k++)
				printf(" %s[%s]", h->why[k].word, h->why[k].fields);
			if (h->same_category)
				printf(" 同类 / same category: %s", h->category);
			putchar('\n');
		}
	}
	match_result_free(&res);
	matcher_close(m);
	serve_free(ml);
	store_close(st);
	return rc == 0 ? EXIT_OK : EXIT_REJECTED;
}

/* The judgments of one demand: product code → grade. */
struct judged {
	char	*demand;
	char	**products;
	int	*grades;
	size_t	 n;
};

/* Reads "demand<TAB>product<TAB>grade" lines (after a header) grouped by demand. */
static struct judged *
read_judgments(const char *path, size_t *n, char **cause)
{
	struct judged *j = NULL;
	char line[512];
	size_t lineno = 0;
	FILE *f;

	*n = 0;
	if ((f = fopen(path, "r")) == NULL) {
		*cause = xasprintf("无法打开 %s / cannot open %s", path, path);
		return NULL;
	}
	while (fgets(line, sizeof line, f) != NULL) {
		char *d, *p, *g, *save;
		long grade;
		size_t k;

		if (lineno++ == 0 || line[0] == '#' || line[0] == '\n')
			continue;
		line[strcspn(line, "\r\n")] = '\0';
		d = strtok_r(line, "\t", &save);
		p = strtok_r(NULL, "\t", &save);
		g = strtok_r(NULL, "\t", &save);
		if (d == NULL || p == NULL || g == NULL || parse_long(g, 0, 2, &grade) != 0) {
			*cause = xasprintf("%s 第 %zu 行格式不对（需求编号、产品编号、0–2 的等级） / %s"
			    " line %zu: want demand code, product code, grade 0–2", path, lineno,
			    path, lineno);
			fclose(f);
			free(j);
			return NULL;
		}
		for (k = 0; k < *n && strcmp(j[k].demand, d) != 0; k++)
			;
		if (k == *n) {
			j = xreallocarray(j, *n + 1, sizeof *j);
			memset(&j[k], 0, sizeof j[k]);
			j[k].demand = xstrdup(d);
			(*n)++;
		}
		j[k].products = xreallocarray(j[k].products, j[k].n + 1, sizeof *j[k].products);
		j[k].grades = xreallocarray(j[k].grades, j[k].n + 1, sizeof *j[k].grades);
		j[k].products[j[k].n] = xstrdup(p);
		j[k].grades[j[k].n++] = (int)grade;
	}
	fclose(f);
	return j;
}

static int
int_desc(const void *a, const void *b)
{
	return *(const int *)b - *(const int *)a;
}

/* Running sums of the three measures over the demands scored. */
struct eval_sums {
	double	 ndcg, recall, mrr;
	size_t	 scored;
};

/* Scores one demand's ranked codes (best first) against its judgments. */
static void
eval_one(const struct judged *j, char *const *codes, size_t n, struct eval_sums *e)
{
	int *ideal = xcalloc(j->n, sizeof *ideal), first = 0;
	double dcg = 0, idcg = 0;
	size_t relevant = 0, found = 0;

	for (size_t i = 0; i < n && i < 10; i++) {
		int grade = 0;

		for (size_t k = 0; k < j->n; k++)
			if (strcmp(j->products[k], codes[i]) == 0)
				grade = j->grades[k];
		dcg += (pow(2, grade) - 1) / log2((double)i + 2);
		if (grade > 0) {
			found++;
			if (first == 0)
				first = (int)i + 1;
		}
	}
	for (size_t k = 0; k < j->n; k++) {
		ideal[k] = j->grades[k];
		relevant += ideal[k] > 0;
	}
	qsort(ideal, j->n, sizeof *ideal, int_desc);
	for (size_t k = 0; k < j->n && k < 10; k++)
		idcg += (pow(2, ideal[k]) - 1) / log2((double)k + 2);
	if (relevant > 0) {
		e->ndcg += idcg > 0 ? dcg / idcg : 0;
		e->recall += (double)found / (double)(relevant < 10 ? relevant : 10);
		e->mrr += first > 0 ? 1.0 / first : 0;
		e->scored++;
	}
	free(ideal);
}

/*
 * Another engine's ranking for a demand, from "demand<TAB>code" lines in
 * rank order (the match benchmark's peer writes them); *n codes.
 */
static char **
ranking_of(const char *path, const char *demand, size_t *n)
{
	char line[512], **codes = NULL;
	FILE *f = fopen(path, "r");

	*n = 0;
	while (f != NULL && fgets(line, sizeof line, f) != NULL) {
		char *tab = strchr(line, '\t');

		line[strcspn(line, "\r\n")] = '\0';
		if (tab == NULL)
			continue;
		*tab = '\0';
		if (strcmp(line, demand) != 0)
			continue;
		codes = xreallocarray(codes, *n + 1, sizeof *codes);
		codes[(*n)++] = xstrdup(tab + 1);
	}
	if (f != NULL)
		fclose(f);
	return codes;
}

int
cmd_evaluate(const struct cmd_entry *cmd, int argc, char **argv)
{
	const char *ranking = NULL;
	int json = 0, n;
	const struct cli_opt opts[] = {
		{ "--json", 0, NULL, &json },
		{ "--ranking", 1, &ranking, NULL },
		{ NULL, 0, NULL, NULL },
	};
	struct match_opts mo = { .limit = 10 };
	struct eval_sums e = { 0 };
	struct serve *ml = NULL;
	struct judged *j;
	struct matcher *m = NULL;
	struct store *st = NULL;
	char *pos[1], *cause = NULL;
	size_t nj;

	if ((n = cli_parse(cmd, argc, argv, opts, pos, 1)) < 0)
		return EXIT_USAGE;
	if (n != 1)
		return cli_usage_error(cmd, "需要评测文件 / needs a judgments file");
	if (ranking != NULL && access(ranking, R_OK) != 0)
		cause = xasprintf("无法读取排序文件 %s / cannot read the ranking file %s", ranking,
		    ranking);
	if (cause != NULL || (j = read_judgments(pos[0], &nj, &cause)) == NULL ||
	    (ranking == NULL && (m = open_matcher(&st, &cause)) == NULL) ||
	    (ranking == NULL && (ml = matching_layer(st, NULL, &cause)) == NULL)) {
		fprintf(stderr, "fairmatch evaluate: %s\n", cause);
		free(cause);
		matcher_close(m);
		store_close(st);
		return EXIT_REJECTED;
	}
	if (ml != NULL)
		matcher_use_layer(m, ml);
	for (size_t d = 0; d < nj; d++) {
		struct match_result res;
		char **codes;
		size_t nc;

		if (ranking != NULL) {
			codes = ranking_of(ranking, j[d].demand, &nc);
			eval_one(&j[d], codes, nc, &e);
			for (size_t i = 0; i < nc; i++)
				free(codes[i]);
			free(codes);
			continue;
		}
		if (match_code(m, "demand", j[d].demand, &mo, &res, &cause) != 0) {
			fprintf(stderr, "fairmatch evaluate: %s\n", cause);
			free(cause);
			cause = NULL;
			continue;
		}
		codes = xcalloc(res.nhits + 1, sizeof *codes);
		for (size_t i = 0; i < res.nhits; i++)
			codes[i] = res.hits[i].code;
		eval_one(&j[d], codes, res.nhits, &e);
		free(codes);
		match_result_free(&res);
	}
	if (e.scored > 0) {
		e.ndcg /= (double)e.scored;
		e.recall /= (double)e.scored;
		e.mrr /= (double)e.scored;
	}
	if (json)
		printf("{\"demands\":%zu,\"ndcg10\":%.4f,\"recall10\":%.4f,\"mrr\":%.4f}\n",
		    e.scored, e.ndcg, e.recall, e.mrr);
	else
		printf("评测需求 / demands judged: %zu\nnDCG@10   %.4f\nrecall@10 %.4f\nMRR       %.4f\n",
		    e.scored, e.ndcg, e.recall, e.mrr);
	for (size_t d = 0; d < nj; d++) {
		for (size_t k = 0; k < j[d].n; k++)
			free(j[d].products[k]);
		free(j[d].products);
		free(j[d].grades);
		free(j[d].demand);
	}
	free(j);
	matcher_close(m);
	serve_free(ml);
	store_close(st);
	return e.scored > 0 ? EXIT_OK : EXIT_REJECTED;
}
