/*
 * matching.c — the matcher over the store, and a fair's batch of candidates.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "fair.h"
#include "indexing.h"
#include "matching.h"
#include "results.h"
#include "serve_file.h"
#include "serve_load.h"
#include "util.h"
#include "withdraw.h"

struct matcher *
matching_open(struct store *st, char **cause)
{
	struct matcher *m;
	char *dir;

	if (indexing_catch_up_if_behind(st, cause) != 0)
		return NULL;
	dir = indexing_xapian_dir(st);
	m = matcher_open(store_db(st), dir, cause);
	free(dir);
	return m;
}

struct matcher *
matching_open_as_is(struct store *st, char **cause)
{
	char *dir = indexing_xapian_dir(st);
	struct matcher *m = matcher_open(store_db(st), dir, cause);

	free(dir);
	return m;
}

int
matching_code(struct store *st, struct matcher *m, const char *kind, const char *code,
    const struct match_opts *o, struct match_result *res, char **cause)
{
	struct match_opts mo = *o;
	char today[11];

	memset(res, 0, sizeof *res);
	withdraw_today(today);
	if (withdraw_check_open(st, kind, code, today, cause) != 0)
		return -1;
	mo.open_on = today;
	if (match_code(m, kind, code, &mo, res, cause) != 0) {
		/* index/ read the store: a lock or the disk is the store's failure, not the item's. */
		store_note_failure(st);
		return -1;
	}
	return 0;
}

struct serve *
matching_layer(struct store *st, int *saved, char **cause)
{
	struct tokenizer *tk;
	struct serve *layer;
	char *path = indexing_serve_file(st), *why = NULL;
	long long now = serve_store_seq(store_db(st));

	/*
	 * The layer `reindex` saved, when it reflects the store as it is now:
	 * a build from the store would make the same layer (test_serve_file),
	 * in some 45 s at a million products against 4 to load it.  Otherwise
	 * (changes since, or no usable file) a build, not the file and the
	 * log replayed, so that scores are always those of a fresh build.
	 * The header first: a stale file is not read whole (1.3 GB at 1M).
	 */
	layer = now >= 0 && serve_file_seq(path) == now ? serve_file_load(path, &why) : NULL;
	free(path);
	free(why);
	if (saved != NULL)
		*saved = 0;
	if (layer != NULL && serve_seq(layer) == now) {
		if (saved != NULL)
			*saved = 1;
		return layer;
	}
	serve_free(layer);
	if ((tk = tokenizer_new(cause)) == NULL)
		return NULL;
	if ((layer = serve_load(store_db(st), tk, "supply", cause)) == NULL)
		store_note_failure(st);
	tokenizer_free(tk);
	return layer;
}

/* One demand of a batch and its matches. */
struct batch_item {
	char			*code;
	int64_t			 id;
	int			 matched;	/* 0: nothing to match on */
	double			 ms;		/* its match took */
	double			 cpu_ms;	/* of its thread's CPU time */
	struct match_result	 res;
};

/* What the threads of a batch share. */
struct batch {
	struct batch_item	*items;
	size_t			 n;
	size_t			 next;		/* the next item to take */
	size_t			 done;
	pthread_mutex_t		 mu;
	struct match_opts	 mo;
	void			(*progress)(void *arg, size_t done, size_t total);
	void			*arg;
};

/* One thread of a batch: its own connection and matcher over the shared layer. */
struct batch_worker {
	pthread_t		 th;
	struct batch		*b;
	struct matcher		*m;
	int			 reports;	/* calls progress (the caller's thread) */
};

static double now_s(void);
static double thread_cpu_s(void);

/* Takes demands until none is left. */
static void *
batch_work(void *arg)
{
	struct batch_worker *w = arg;
	struct batch *b = w->b;

	for (;;) {
		struct batch_item *it;
		char *why_not = NULL;
		size_t i, done;

		pthread_mutex_lock(&b->mu);
		i = b->next < b->n ? b->next++ : b->n;
		pthread_mutex_unlock(&b->mu);
		if (i == b->n)
			break;
		it = &b->items[i];
		it->ms = now_s();
		it->cpu_ms = thread_cpu_s();
		if (match_code(w->m, "demand", it->code, &b->mo, &it->res, &why_not) == 0)
			it->matched = 1;
		else	/* A demand with nothing to match on has no candidates; go on. */
			free(why_not);
		it->ms = (now_s() - it->ms) * 1000;
		it->cpu_ms = (thread_cpu_s() - it->cpu_ms) * 1000;
		pthread_mutex_lock(&b->mu);
		done = ++b->done;
		pthread_mutex_unlock(&b->mu);
		if (w->reports && b->progress != NULL && (done % 64 == 0 || done == b->n))
			b->progress(b->arg, done, b->n);
	}
	return NULL;
}

/* The fair's demands on offer into b->items; 0, or -1 with *cause. */
static int
batch_demands(struct store *st, const struct fair *fair, const char *today, struct batch *b,
    char **cause)
{
	sqlite3_stmt *dq = NULL;
	int step;

	if (store_query(st, "SELECT d.code, d.id FROM demands d JOIN buyers b ON b.id ="
	    " d.buyer_id WHERE (NOT EXISTS (SELECT 1 FROM fair_provinces WHERE fair_id = ?1) OR"
	    " b.province IN (SELECT province FROM fair_provinces WHERE fair_id = ?1)) AND"
	    " d.withdrawn_at IS NULL AND (coalesce(d.deadline, '') = '' OR d.deadline >= ?2)"
	    " ORDER BY d.id", &dq, cause) != 0)
		return -1;
	sqlite3_bind_int64(dq, 1, fair->id);
	sqlite3_bind_text(dq, 2, today, -1, SQLITE_STATIC);
	while ((step = sqlite3_step(dq)) == SQLITE_ROW) {
		b->items = xreallocarray(b->items, b->n + 1, sizeof *b->items);
		memset(&b->items[b->n], 0, sizeof *b->items);
		b->items[b->n].code = xstrdup((const char *)sqlite3_column_text(dq, 0));
		b->items[b->n++].id = sqlite3_column_int64(dq, 1);
	}
	sqlite3_finalize(dq);
	if (step != SQLITE_DONE) {
		*cause = store_error(st, "demands");
		return -1;
	}
	return 0;
}

/*
 * Matches every item of b on two threads: the caller's (with m) and one
 * with its own read-only connection and matcher, both over ml.
 */
static int
batch_run(struct store *st, struct matcher *m, struct serve *ml, struct batch *b,
    char **cause)
{
	struct batch_worker w[MATCHING_THREADS];
	struct store *wst[MATCHING_THREADS] = { NULL };
	size_t nw = 1;
	int rc = 0;

	memset(w, 0, sizeof w);
	w[0] = (struct batch_worker){ .b = b, .m = m, .reports = 1 };
	matcher_use_layer(m, ml);
	for (size_t i = 1; i < MATCHING_THREADS && b->n > 1; i++) {
		char *dir;

		if (store_open_readonly(store_dir(st), &wst[i], cause) != 0) {
			rc = -1;
			break;
		}
		dir = indexing_xapian_dir(st);
		w[i].m = matcher_open(store_db(wst[i]), dir, cause);
		free(dir);
		if (w[i].m == NULL) {
			rc = -1;
			break;
		}
		matcher_use_layer(w[i].m, ml);
		w[i].b = b;
		if (pthread_create(&w[i].th, NULL, batch_work, &w[i]) != 0)
			fatal("pthread_create");
		nw++;
	}
	if (rc == 0)
		batch_work(&w[0]);
	for (size_t i = 1; i < nw; i++)
		pthread_join(w[i].th, NULL);
	for (size_t i = 1; i < MATCHING_THREADS; i++) {
		matcher_close(w[i].m);
		store_close(wst[i]);
	}
	matcher_use_layer(m, NULL);
	return rc;
}

static void
batch_free(struct batch *b)
{
	for (size_t i = 0; i < b->n; i++) {
		free(b->items[i].code);
		if (b->items[i].matched)
			match_result_free(&b->items[i].res);
	}
	free(b->items);
	pthread_mutex_destroy(&b->mu);
}

/* Seconds on the monotonic clock. */
static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Seconds of the calling thread's CPU time. */
static double
thread_cpu_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int
ms_less(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* The median and 95th percentile of one demand's match, on the clock and in CPU time. */
static void
batch_latency(const struct batch *b, struct fair_match_stats *stats)
{
	double *ms;

	if (b->n == 0)
		return;
	ms = xcalloc(b->n, sizeof *ms);
	for (size_t i = 0; i < b->n; i++)
		ms[i] = b->items[i].ms;
	qsort(ms, b->n, sizeof *ms, ms_less);
	stats->one_ms_p50 = ms[b->n / 2];
	stats->one_ms_p95 = ms[b->n * 95 / 100];
	for (size_t i = 0; i < b->n; i++)
		ms[i] = b->items[i].cpu_ms;
	qsort(ms, b->n, sizeof *ms, ms_less);
	stats->one_cpu_ms_p50 = ms[b->n / 2];
	stats->one_cpu_ms_p95 = ms[b->n * 95 / 100];
	free(ms);
}

/*
 * A fair's batch, ready to run: the fair's cities as the filter, the
 * demands on offer (not withdrawn, deadline not passed on today, which the
 * caller keeps for as long as b), and the serving layer, in which
 * products are alike.  0, or -1 with *cause; either way the caller frees
 * *ml, b and *fair.
 */
static int
batch_open(struct store *st, const char *code, struct batch *b, struct fair *fair,
    char today[11], struct serve **ml, int *saved, char **cause)
{
	pthread_mutex_init(&b->mu, NULL);
	*ml = NULL;
	if (fair_get(st, code, fair, cause) != 0)
		return -1;
	b->mo.regions = (const char *const *)fair->cities;
	b->mo.nregions = fair->ncities;
	withdraw_today(today);
	b->mo.open_on = today;
	if (batch_demands(st, fair, today, b, cause) != 0 ||
	    (*ml = matching_layer(st, saved, cause)) == NULL)
		return -1;
	return 0;
}

int
matching_fair(struct store *st, struct matcher *m, const char *code, size_t top,
    void (*progress)(void *arg, size_t done, size_t total), void *arg,
    struct fair_match_stats *stats, char **cause)
{
	struct batch b = { .mo = { .limit = top }, .progress = progress, .arg = arg };
	sqlite3_stmt *ins = NULL, *del = NULL;
	struct serve *ml = NULL;
	struct fair fair;
	char today[11];
	double t0 = now_s();
	int rc;

	memset(stats, 0, sizeof *stats);
	rc = batch_open(st, code, &b, &fair, today, &ml, &stats->layer_saved, cause);
	stats->layer_s = now_s() - t0;
	stats->layer_bytes = 0;
	if (ml != NULL) {
		struct serve_stats ls;

		serve_stats(ml, &ls);
		stats->layer_bytes = ls.bytes;
	}
	t0 = now_s();
	if (rc == 0)
		rc = batch_run(st, m, ml, &b, cause);
	serve_free(ml);
	stats->match_s = now_s() - t0;
	batch_latency(&b, stats);
	if (rc == 0 && (store_query(st, "INSERT INTO candidates (fair_id, demand_id, product_id,"
	    " rank, score, why) VALUES (?, ?, ?, ?, ?, ?)", &ins, cause) != 0 ||
	    store_query(st, "DELETE FROM candidates WHERE fair_id = ?", &del, cause) != 0))
		rc = -1;
	if (rc == 0 && store_begin(st, cause) != 0)
		rc = -1;
	if (rc == 0) {
		sqlite3_bind_int64(del, 1, fair.id);
		rc = store_run(st, del, cause);
	}
	for (size_t d = 0; d < b.n && rc == 0; d++) {
		struct batch_item *it = &b.items[d];

		stats->demands++;
		if (!it->matched) {
			stats->skipped++;
			continue;
		}
		for (size_t i = 0; i < it->res.nhits && rc == 0; i++) {
			json_t *why = match_why_json(&it->res.hits[i]);

			sqlite3_bind_int64(ins, 1, fair.id);
			sqlite3_bind_int64(ins, 2, it->id);
			sqlite3_bind_int64(ins, 3, it->res.hits[i].id);
			sqlite3_bind_int64(ins, 4, (sqlite3_int64)i + 1);
			sqlite3_bind_double(ins, 5, it->res.hits[i].score);
			sqlite3_bind_text(ins, 6, json_dumps(why, JSON_COMPACT), -1, free);
			rc = store_run(st, ins, cause);
			json_decref(why);
			stats->candidates++;
		}
	}
	sqlite3_finalize(ins);
	sqlite3_finalize(del);
	if (rc == 0 && store_commit(st, cause) != 0)
		rc = -1;
	if (rc != 0)
		store_rollback(st);
	stats->batch_s = now_s() - t0;
	batch_free(&b);
	fair_clear(&fair);
	return rc;
}

int
matching_check_exact(struct store *st, struct matcher *m, const char *code, size_t n,
    struct exact_check *out, char **cause)
{
	struct batch b = { .mo = { .limit = 20 } };
	struct serve *ml = NULL;
	struct fair fair;
	char today[11];
	size_t step;
	int rc;

	memset(out, 0, sizeof *out);
	rc = batch_open(st, code, &b, &fair, today, &ml, NULL, cause);
	matcher_use_layer(m, ml);
	/* Every step-th demand: a sample spread over the whole list, the same every run. */
	step = n > 0 && b.n > n ? b.n / n : 1;
	for (size_t d = 0; rc == 0 && d < b.n && out->demands < n; d += step) {
		struct match_opts exact = b.mo;
		struct match_result fast, full;
		char *why_not = NULL;

		exact.exhaustive = 1;
		if (match_code(m, "demand", b.items[d].code, &b.mo, &fast, &why_not) != 0) {
			free(why_not);
			continue;
		}
		if (match_code(m, "demand", b.items[d].code, &exact, &full, &why_not) != 0) {
			free(why_not);
			match_result_free(&fast);
			continue;
		}
		out->demands++;
		out->exact += full.nhits;
		for (size_t i = 0; i < full.nhits; i++)
			for (size_t k = 0; k < fast.nhits; k++)
				if (fast.hits[k].id == full.hits[i].id) {
					out->found++;
					break;
				}
		match_result_free(&fast);
		match_result_free(&full);
	}
	matcher_use_layer(m, NULL);
	serve_free(ml);
	out->recall = out->exact > 0 ? (double)out->found / (double)out->exact : 1.0;
	batch_free(&b);
	fair_clear(&fair);
	return rc;
}
