/*
 * search_bench.c — query latency of fairmatch's kiosk search and of
 * SQLite's trigram FTS5 over the same products, in one process, one run.
 *
 * usage: search_bench DATADIR TRIGRAM_DB QUERIES ROUNDS
 * Prints a table per query class and one JSON line.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "search.h"
#include "store.h"
#include "util.h"

struct sample {
	char	 cls[32];	/* query class */
	char	 q[128];
	double	*ours;		/* ms per round, top 20 */
	double	*ours_facets;	/* ms per round, top 20 + total + facets */
	double	*tri;		/* ms per round, peer */
	long	 ours_hits, tri_hits;
};

static double
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int
dbl_cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* The p-th percentile of v[0..n) (sorts v). */
static double
pct(double *v, size_t n, double p)
{
	size_t i;

	if (n == 0)
		return NAN;
	qsort(v, n, sizeof *v, dbl_cmp);
	i = (size_t)ceil(p / 100.0 * (double)n);
	return v[i > 0 ? i - 1 : 0];
}

/* The trigram peer: the query as one FTS5 string, top 20 by rank. */
static long
trigram_query(sqlite3_stmt *q, const char *query)
{
	struct buf e = { 0 };
	long hits = 0;

	buf_addc(&e, '"');
	for (const char *p = query; *p != '\0'; p++) {
		if (*p == '"')
			buf_addc(&e, '"');
		buf_addc(&e, *p);
	}
	buf_addc(&e, '"');
	sqlite3_bind_text(q, 1, e.data, -1, SQLITE_TRANSIENT);
	while (sqlite3_step(q) == SQLITE_ROW)
		hits++;
	sqlite3_reset(q);
	buf_free(&e);
	return hits;
}

int
main(int argc, char **argv)
{
	struct sample *s = NULL;
	size_t ns = 0, rounds;
	struct store *st;
	struct tokenizer *tk;
	sqlite3 *tri;
	sqlite3_stmt *tq;
	char line[512], *cause = NULL;
	FILE *f;

	if (argc != 5) {
		fprintf(stderr, "usage: search_bench DATADIR TRIGRAM_DB QUERIES ROUNDS\n");
		return 2;
	}
	rounds = (size_t)atol(argv[4]);
	if (store_open(argv[1], 0, &st, &cause) != 0 || (tk = tokenizer_new(&cause)) == NULL) {
		fprintf(stderr, "%s\n", cause);
		return 1;
	}
	if (sqlite3_open_v2(argv[2], &tri, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(tri, "SELECT rowid FROM t WHERE t MATCH ?1 ORDER BY rank LIMIT 20",
	    -1, &tq, NULL) != SQLITE_OK) {
		fprintf(stderr, "trigram db: %s\n", sqlite3_errmsg(tri));
		return 1;
	}
	if ((f = fopen(argv[3], "r")) == NULL) {
		perror(argv[3]);
		return 1;
	}
	/* QUERIES: "class<TAB>query" per line. */
	while (fgets(line, sizeof line, f) != NULL) {
		char *tab = strchr(line, '\t');

		line[strcspn(line, "\n")] = '\0';
		if (tab == NULL || line[0] == '#')
			continue;
		*tab = '\0';
		s = xreallocarray(s, ns + 1, sizeof *s);
		memset(&s[ns], 0, sizeof *s);
		snprintf(s[ns].cls, sizeof s[ns].cls, "%.31s", line);
		snprintf(s[ns].q, sizeof s[ns].q, "%.127s", tab + 1);
		s[ns].ours = xcalloc(rounds, sizeof(double));
		s[ns].ours_facets = xcalloc(rounds, sizeof(double));
		s[ns].tri = xcalloc(rounds, sizeof(double));
		ns++;
	}
	fclose(f);

	/* Interleave engines and queries round by round, so caches treat them alike. */
	for (size_t r = 0; r < rounds; r++) {
		for (size_t i = 0; i < ns; i++) {
			struct search_opts o = { .kind = "supply", .limit = 20, .no_facets = 1 };
			struct search_result res;
			double t0;

			t0 = now_ms();
			if (search_run(store_db(st), tk, s[i].q, 0, &o, &res, &cause) != 0) {
				fprintf(stderr, "%s: %s\n", s[i].q, cause);
				free(cause);
				cause = NULL;
			}
			s[i].ours[r] = now_ms() - t0;
			search_result_free(&res);

			o.no_facets = 0;
			t0 = now_ms();
			if (search_run(store_db(st), tk, s[i].q, 0, &o, &res, &cause) == 0)
				s[i].ours_hits = res.total;
			else {
				free(cause);
				cause = NULL;
			}
			s[i].ours_facets[r] = now_ms() - t0;
			search_result_free(&res);

			t0 = now_ms();
			s[i].tri_hits = trigram_query(tq, s[i].q);
			s[i].tri[r] = now_ms() - t0;
		}
	}

	/* Per query class: p50 and p99 over all its queries and rounds. */
	printf("%-12s %-16s %9s %9s %9s %9s %9s %9s %10s %10s\n", "class", "example",
	    "ours p50", "ours p99", "+facets50", "+facets99", "tri p50", "tri p99",
	    "ours hits", "tri hits");
	{
		double *all_o = xcalloc(ns * rounds, sizeof(double));
		double *all_f = xcalloc(ns * rounds, sizeof(double));
		double *all_t = xcalloc(ns * rounds, sizeof(double));
		size_t na = 0;

		for (size_t i = 0; i < ns; ) {
			size_t j = i, n = 0;
			double *vo, *vf, *vt;
			long oh = 0, th = 0;

			while (j < ns && strcmp(s[j].cls, s[i].cls) == 0)
				j++;
			vo = xcalloc((j - i) * rounds, sizeof(double));
			vf = xcalloc((j - i) * rounds, sizeof(double));
			vt = xcalloc((j - i) * rounds, sizeof(double));
			for (size_t k = i; k < j; k++) {
				for (size_t r = 0; r < rounds; r++, n++, na++) {
					vo[n] = all_o[na] = s[k].ours[r];
					vf[n] = all_f[na] = s[k].ours_facets[r];
					vt[n] = all_t[na] = s[k].tri[r];
				}
				oh += s[k].ours_hits;
				th += s[k].tri_hits;
			}
			printf("%-12s %-16s %9.3f %9.3f %9.3f %9.3f %9.3f %9.3f %10ld %10ld\n",
			    s[i].cls, s[i].q, pct(vo, n, 50), pct(vo, n, 99), pct(vf, n, 50),
			    pct(vf, n, 99), pct(vt, n, 50), pct(vt, n, 99), oh / (long)(j - i),
			    th / (long)(j - i));
			free(vo);
			free(vf);
			free(vt);
			i = j;
		}
		printf("{\"queries\":%zu,\"rounds\":%zu,\"ours_p50_ms\":%.3f,\"ours_p99_ms\":%.3f,"
		    "\"ours_facets_p50_ms\":%.3f,\"ours_facets_p99_ms\":%.3f,"
		    "\"trigram_p50_ms\":%.3f,\"trigram_p99_ms\":%.3f}\n", ns, rounds,
		    pct(all_o, na, 50), pct(all_o, na, 99), pct(all_f, na, 50), pct(all_f, na, 99),
		    pct(all_t, na, 50), pct(all_t, na, 99));
		free(all_o);
		free(all_f);
		free(all_t);
	}
	sqlite3_finalize(tq);
	sqlite3_close(tri);
	tokenizer_free(tk);
	store_close(st);
	return 0;
}
