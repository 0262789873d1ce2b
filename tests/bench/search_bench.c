/*
 * search_bench.c — query latency of fairmatch's kiosk search (the serving
 * layer, built here from the store and timed) and of SQLite's trigram FTS5
 * over the same products, in one process, one run; each query as the kiosk
 * sends it (its last word may be the start of a longer one).  The top 20
 * alone is the serving layer's answer; with the total and both facets it is
 * the kiosk's whole request as the server answers it (a query that finds
 * fewer than three is forgiven: index/forgive.c), both pruned (as served)
 * and scoring every hit; with FTS5=1 also today's FTS5 path, and how many
 * of the queries answered without forgiving have the same top 20 in both.
 *
 * usage: search_bench DATADIR TRIGRAM_DB QUERIES ROUNDS
 * Prints a table per query class, the slowest samples (with the thread's
 * CPU time beside the wall time, to tell work from waiting for a core),
 * and one JSON line.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "forgive.h"
#include "indexing.h"
#include "search.h"
#include "serve_load.h"
#include "store.h"
#include "util.h"

/* Each query as the kiosk asks it (web/kiosk.js): its last word may be the start of a word. */
#define KIOSK_PREFIX	1

struct sample {
	char	 cls[32];	/* query class */
	char	 q[128];
	double	*ours;		/* ms per round, top 20 */
	double	*ours_facets;	/* ms per round, top 20 + total + facets */
	double	*ours_cpu;	/* the same two as this thread's CPU time */
	double	*ours_facets_cpu;
	double	*every_facets;	/* the same, scoring every hit (no pruning) */
	double	*tri;		/* ms per round, peer */
	double	*fts;		/* ms per round, today's FTS5 path (FTS5=1) */
	double	*hl_need;	/* ms per round, top 20 highlighted as served (rows warm) */
	double	*hl_none;	/* ms per round, top 20 without highlighting */
	double	*hl_every;	/* ms per round, top 20 tokenizing every column */
	size_t	 page_hits;	/* hits on the page (highlighted) */
	long	 ours_hits, tri_hits, fts_hits;
	long	 ours_scored;	/* hits the pruned walk scored */
	int	 same_top;	/* FTS5 and the serving layer agree on the top 20 */
	int	 forgiven;	/* the kiosk's answer was forgiven (FTS5 has no such rule) */
};

/* Resident and peak resident memory of this process, MB. */
static void
rss_mb(double *now, double *peak)
{
	struct rusage ru;
	FILE *f = fopen("/proc/self/statm", "r");
	long pages = 0, res = 0;

	if (f != NULL) {
		if (fscanf(f, "%ld %ld", &pages, &res) != 2)
			res = 0;
		fclose(f);
	}
	*now = (double)res * 4096.0 / 1048576.0;
	getrusage(RUSAGE_SELF, &ru);
	*peak = (double)ru.ru_maxrss / 1024.0;
}

static double
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* This thread's CPU time: what a query cost, whether or not it waited for a core. */
static double
cpu_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* One timed search, for the list of the slowest. */
struct slow {
	double		 wall, cpu;
	size_t		 query, round;
};

static int
slow_cmp(const void *a, const void *b)
{
	const struct slow *x = a, *y = b;

	return x->wall < y->wall ? 1 : x->wall > y->wall ? -1 : 0;
}

static int
slow_cpu_cmp(const void *a, const void *b)
{
	const struct slow *x = a, *y = b;

	return x->cpu < y->cpu ? 1 : x->cpu > y->cpu ? -1 : 0;
}

/*
 * The slowest n of the samples (by wall time, or by CPU time if by_cpu),
 * the other time beside each, with their query and round: what sets the
 * p99.
 */
static void
print_slowest(const char *what, const struct sample *s, size_t ns, size_t rounds, int facets,
    int by_cpu, size_t n)
{
	struct slow *v = xcalloc(ns * rounds, sizeof *v);
	size_t k = 0;

	for (size_t q = 0; q < ns; q++)
		for (size_t r = 0; r < rounds; r++)
			v[k++] = (struct slow){ facets ? s[q].ours_facets[r] : s[q].ours[r],
			    facets ? s[q].ours_facets_cpu[r] : s[q].ours_cpu[r], q, r };
	qsort(v, k, sizeof *v, by_cpu ? slow_cpu_cmp : slow_cmp);
	printf("slowest %s by %s (wall ms / thread CPU ms, round):", what, by_cpu ? "CPU" : "wall");
	for (size_t i = 0; i < n && i < k; i++)
		printf(" %s %.3f/%.3f r%zu;", s[v[i].query].q, v[i].wall, v[i].cpu, v[i].round);
	printf("\n");
	free(v);
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
	struct serve *sv;
	struct serve_scratch *scratch = serve_scratch_new();
	struct serve_stats sst;
	double build_ms, rss0, rss1, peak, dummy;
	int with_fts = getenv("FTS5") != NULL && strcmp(getenv("FTS5"), "1") == 0;
	size_t same = 0, plain = 0, hl_hits = 0;
	double hl_needed_ms = 0, hl_every_ms = 0;
	sqlite3 *tri;
	sqlite3_stmt *tq;
	char line[512], *cause = NULL, *note = NULL, *serve_path;
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
	/*
	 * The serving layer as a server gets it at start: loaded from the file
	 * reindex saved (built from the store if that cannot be used).
	 */
	rss_mb(&rss0, &dummy);
	build_ms = now_ms();
	serve_path = indexing_serve_file(st);
	if ((sv = serve_open(store_db(st), tk, "supply", serve_path, &note, &cause)) == NULL) {
		fprintf(stderr, "%s\n", cause);
		return 1;
	}
	build_ms = now_ms() - build_ms;
	printf("serving layer %s\n", note != NULL ? note : "loaded from the file reindex saved");
	free(note);
	free(serve_path);
	rss_mb(&rss1, &peak);
	serve_stats(sv, &sst);
	printf("serving layer: %zu products, %zu tokens, %zu postings (%.1f a product), %zu"
	    " forward entries; ready in %.1f s; %.0f MB counted (postings %.0f, forward %.0f,"
	    " bitmaps %.1f), RSS +%.0f MB, peak RSS %.0f MB\n", sst.docs, sst.tokens, sst.postings,
	    sst.docs ? (double)sst.postings / (double)sst.docs : 0.0, sst.forward, build_ms / 1e3,
	    sst.bytes / 1048576.0, sst.postings_bytes / 1048576.0, sst.forward_bytes / 1048576.0,
	    sst.bitmap_bytes / 1048576.0, rss1 - rss0, peak);
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
		s[ns].ours_cpu = xcalloc(rounds, sizeof(double));
		s[ns].ours_facets_cpu = xcalloc(rounds, sizeof(double));
		s[ns].every_facets = xcalloc(rounds, sizeof(double));
		s[ns].tri = xcalloc(rounds, sizeof(double));
		s[ns].fts = xcalloc(rounds, sizeof(double));
		s[ns].hl_need = xcalloc(rounds, sizeof(double));
		s[ns].hl_none = xcalloc(rounds, sizeof(double));
		s[ns].hl_every = xcalloc(rounds, sizeof(double));
		ns++;
	}
	fclose(f);

	/* Interleave engines and queries round by round, so caches treat them alike. */
	for (size_t r = 0; r < rounds; r++) {
		for (size_t i = 0; i < ns; i++) {
			struct search_opts o = { .kind = "supply", .limit = 20, .no_facets = 1 };
			struct search_result res;
			double t0, c0;

			t0 = now_ms();
			c0 = cpu_ms();
			if (search_serve_run(store_db(st), tk, sv, scratch, s[i].q, KIOSK_PREFIX,
			    &o, &res, &cause) != 0) {
				fprintf(stderr, "%s: %s\n", s[i].q, cause);
				free(cause);
				cause = NULL;
			}
			s[i].ours_cpu[r] = cpu_ms() - c0;
			s[i].ours[r] = now_ms() - t0;
			s[i].page_hits = res.nhits;
			search_result_free(&res);

			/*
			 * Highlighting's cost a hit: the page again (rows now warm) as served,
			 * without highlighting and tokenizing every column, in an order that
			 * turns each round so that none is always first.
			 */
			for (int k = 0; k < 3; k++) {
				int m = (int)((k + r) % 3);

				o.highlight = m == 0 ? HIGHLIGHT_NEEDED : m == 1 ? HIGHLIGHT_NONE :
				    HIGHLIGHT_EVERY_COLUMN;
				t0 = now_ms();
				if (search_serve_run(store_db(st), tk, sv, scratch, s[i].q,
				    KIOSK_PREFIX, &o, &res, &cause) == 0)
					search_result_free(&res);
				else {
					free(cause);
					cause = NULL;
				}
				(m == 0 ? s[i].hl_need : m == 1 ? s[i].hl_none : s[i].hl_every)[r] =
				    now_ms() - t0;
			}
			o.highlight = HIGHLIGHT_NEEDED;

			o.no_facets = 0;
			t0 = now_ms();
			c0 = cpu_ms();
			if (search_forgiving_run(store_db(st), tk, sv, scratch, s[i].q, KIOSK_PREFIX,
			    &o, &res, &cause) == 0) {
				s[i].ours_hits = res.total;
				s[i].ours_scored = res.scored;
				s[i].forgiven = res.forgive != NULL;
			}
			else {
				free(cause);
				cause = NULL;
			}
			s[i].ours_facets_cpu[r] = cpu_ms() - c0;
			s[i].ours_facets[r] = now_ms() - t0;

			/* The same without pruning: every hit scored. */
			{
				struct search_result er;

				o.exhaustive = 1;
				t0 = now_ms();
				if (search_forgiving_run(store_db(st), tk, sv, scratch, s[i].q,
				    KIOSK_PREFIX, &o, &er, &cause) == 0)
					search_result_free(&er);
				else {
					free(cause);
					cause = NULL;
				}
				s[i].every_facets[r] = now_ms() - t0;
				o.exhaustive = 0;
			}

			if (with_fts) {
				struct search_result fr;

				t0 = now_ms();
				if (search_run(store_db(st), tk, s[i].q, KIOSK_PREFIX, &o, &fr,
				    &cause) == 0) {
					s[i].fts[r] = now_ms() - t0;
					s[i].fts_hits = fr.total;
					s[i].same_top = fr.nhits == res.nhits;
					for (size_t h = 0; h < fr.nhits && s[i].same_top; h++)
						s[i].same_top = fr.hits[h].id == res.hits[h].id;
					if (r == 0 && !s[i].same_top && !s[i].forgiven)
						fprintf(stderr, "top 20 differ for %s\n", s[i].q);
					search_result_free(&fr);
				} else {
					free(cause);
					cause = NULL;
				}
			}
			search_result_free(&res);

			t0 = now_ms();
			s[i].tri_hits = trigram_query(tq, s[i].q);
			s[i].tri[r] = now_ms() - t0;
		}
	}

	/* Per query class: p50 and p99 over all its queries and rounds. */
	for (size_t i = 0; i < ns; i++) {
		same += s[i].same_top && !s[i].forgiven;
		plain += !s[i].forgiven;
	}
	if (with_fts)
		printf("today's FTS5 path agrees on the top 20 for %zu of the %zu queries answered"
		    " without forgiving\n", same, plain);
	/* Highlighting a hit: per query the median difference over rounds, summed, over the hits. */
	for (size_t i = 0; i < ns; i++) {
		double need = pct(s[i].hl_need, rounds, 50);

		hl_hits += s[i].page_hits;
		hl_needed_ms += need - pct(s[i].hl_none, rounds, 50);
		hl_every_ms += pct(s[i].hl_every, rounds, 50) - pct(s[i].hl_none, rounds, 50);
	}
	printf("highlighting: %.1f µs a hit (%.1f µs tokenizing every column with pinyin), over"
	    " %zu hits\n", hl_hits ? hl_needed_ms * 1e3 / (double)hl_hits : 0.0,
	    hl_hits ? hl_every_ms * 1e3 / (double)hl_hits : 0.0, hl_hits);
	/* The samples above the p99 and the first below it. */
	for (int by_cpu = 0; by_cpu < 2; by_cpu++) {
		print_slowest("top 20", s, ns, rounds, 0, by_cpu, ns * rounds / 100 + 1);
		print_slowest("+facets", s, ns, rounds, 1, by_cpu, ns * rounds / 100 + 1);
	}
	printf("%-12s %-16s %9s %9s %9s %9s %9s %9s %9s %9s %9s %10s %7s %10s\n", "class", "example",
	    "ours p50", "ours p99", "+facets50", "+facets99", "every50", "every99", "tri p50",
	    "tri p99", "fts5 p50", "ours hits", "scored", "tri hits");
	{
		double *all_o = xcalloc(ns * rounds, sizeof(double));
		double *all_f = xcalloc(ns * rounds, sizeof(double));
		double *all_t = xcalloc(ns * rounds, sizeof(double));
		double *all_s = xcalloc(ns * rounds, sizeof(double));
		double *all_e = xcalloc(ns * rounds, sizeof(double));
		double *all_oc = xcalloc(ns * rounds, sizeof(double));
		double *all_fc = xcalloc(ns * rounds, sizeof(double));
		size_t na = 0;

		for (size_t i = 0; i < ns; ) {
			size_t j = i, n = 0;
			double *vo, *vf, *vt, *vs, *ve;
			long oh = 0, th = 0, sc = 0;

			while (j < ns && strcmp(s[j].cls, s[i].cls) == 0)
				j++;
			vo = xcalloc((j - i) * rounds, sizeof(double));
			vf = xcalloc((j - i) * rounds, sizeof(double));
			vt = xcalloc((j - i) * rounds, sizeof(double));
			vs = xcalloc((j - i) * rounds, sizeof(double));
			ve = xcalloc((j - i) * rounds, sizeof(double));
			for (size_t k = i; k < j; k++) {
				for (size_t r = 0; r < rounds; r++, n++, na++) {
					vo[n] = all_o[na] = s[k].ours[r];
					vf[n] = all_f[na] = s[k].ours_facets[r];
					vt[n] = all_t[na] = s[k].tri[r];
					vs[n] = all_s[na] = s[k].fts[r];
					ve[n] = all_e[na] = s[k].every_facets[r];
					all_oc[na] = s[k].ours_cpu[r];
					all_fc[na] = s[k].ours_facets_cpu[r];
				}
				oh += s[k].ours_hits;
				sc += s[k].ours_scored;
				th += s[k].tri_hits;
			}
			printf("%-12s %-16s %9.3f %9.3f %9.3f %9.3f %9.3f %9.3f %9.3f %9.3f %9.3f %10ld"
			    " %6.0f%% %10ld\n", s[i].cls, s[i].q, pct(vo, n, 50), pct(vo, n, 99),
			    pct(vf, n, 50), pct(vf, n, 99), pct(ve, n, 50), pct(ve, n, 99),
			    pct(vt, n, 50), pct(vt, n, 99), pct(vs, n, 50), oh / (long)(j - i),
			    oh > 0 ? 100.0 * (double)sc / (double)oh : 0.0, th / (long)(j - i));
			free(vo);
			free(vf);
			free(vt);
			free(vs);
			free(ve);
			i = j;
		}
		printf("{\"queries\":%zu,\"rounds\":%zu,\"ours_p50_ms\":%.3f,\"ours_p99_ms\":%.3f,"
		    "\"ours_facets_p50_ms\":%.3f,\"ours_facets_p99_ms\":%.3f,"
		    "\"every_facets_p50_ms\":%.3f,\"every_facets_p99_ms\":%.3f,"
		    "\"trigram_p50_ms\":%.3f,\"trigram_p99_ms\":%.3f,\"serve_build_s\":%.2f,"
		    "\"serving_mb\":%.0f,\"serve_rss_mb\":%.0f,\"serve_peak_rss_mb\":%.0f,"
		    "\"postings\":%zu,\"fts5_p50_ms\":%.3f,\"fts5_p99_ms\":%.3f,"
		    "\"fts5_same_top20\":%zu,\"highlight_us_per_hit\":%.1f,"
		    "\"highlight_every_column_us_per_hit\":%.1f,\"ours_cpu_p50_ms\":%.3f,"
		    "\"ours_cpu_p99_ms\":%.3f,\"ours_facets_cpu_p50_ms\":%.3f,"
		    "\"ours_facets_cpu_p99_ms\":%.3f}\n", ns, rounds,
		    pct(all_o, na, 50), pct(all_o, na, 99), pct(all_f, na, 50), pct(all_f, na, 99),
		    pct(all_e, na, 50), pct(all_e, na, 99),
		    pct(all_t, na, 50), pct(all_t, na, 99), build_ms / 1e3, sst.bytes / 1048576.0,
		    rss1 - rss0, peak, sst.postings, with_fts ? pct(all_s, na, 50) : -1.0,
		    with_fts ? pct(all_s, na, 99) : -1.0, with_fts ? same : 0,
		    hl_hits ? hl_needed_ms * 1e3 / (double)hl_hits : 0.0,
		    hl_hits ? hl_every_ms * 1e3 / (double)hl_hits : 0.0,
		    pct(all_oc, na, 50), pct(all_oc, na, 99), pct(all_fc, na, 50), pct(all_fc, na, 99));
		free(all_oc);
		free(all_fc);
		free(all_s);
		free(all_e);
		free(all_o);
		free(all_f);
		free(all_t);
	}
	sqlite3_finalize(tq);
	sqlite3_close(tri);
	serve_scratch_free(scratch);
	serve_free(sv);
	tokenizer_free(tk);
	store_close(st);
	return 0;
}
