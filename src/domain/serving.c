/*
 * serving.c — the serving layer's place in a process: its build, its
 * follower thread, and the fair filter's cities.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "forgive.h"
#include "indexing.h"
#include "serve_load.h"
#include "serving.h"
#include "util.h"

struct serving {
	struct serve	*layer;
	int		 follow;
	pthread_t	 thread;
	pthread_mutex_t	 lock;		/* stop and wake */
	pthread_cond_t	 wake;		/* the follower: look now */
	pthread_cond_t	 done;		/* readers: the follower applied a batch */
	int		 stop;
	char		*dir;		/* the store's, for the follower's own connection */
};

struct serve *
serving_layer(struct serving *sv)
{
	return sv->layer;
}

long long
serving_version(struct serving *sv)
{
	return serve_seq(sv->layer);
}

/* The log position the layer has reached. */
static long long
serving_seq(struct serving *sv)
{
	return serve_seq(sv->layer);
}

int
serving_catch_up(struct serving *sv, struct store *st, struct tokenizer *tk, char **cause)
{
	sqlite3 *db = store_db(st);
	long long seq = serve_store_seq(db);

	if (seq < 0 || seq <= serving_seq(sv))
		return 0;
	if (serve_catch_up(sv->layer, db, tk, "supply", NULL, cause) != 0)
		return -1;
	/* Where it stands: the indexer keeps the log after this for it. */
	if (sv->follow && serve_mark_position(db, serving_seq(sv), cause) != 0)
		return -1;
	return 0;
}

/* The follower: polls the log, applies what is new. */
static void *
follow_main(void *arg)
{
	struct serving *sv = arg;
	struct store *st = NULL;
	struct tokenizer *tk = NULL;
	char *cause = NULL;

	if (store_open(sv->dir, 0, &st, &cause) != 0 || (tk = tokenizer_new(&cause)) == NULL) {
		fprintf(stderr, "fairmatch: 服务层无法跟随索引日志 / the serving layer cannot follow"
		    " the index log: %s\n", cause);
		free(cause);
		if (st != NULL)
			store_close(st);
		return NULL;
	}
	pthread_mutex_lock(&sv->lock);
	while (!sv->stop) {
		struct timespec ts;

		pthread_mutex_unlock(&sv->lock);
		if (serving_catch_up(sv, st, tk, &cause) != 0) {
			/* A busy store is tried again at the next poll. */
			free(cause);
			cause = NULL;
		}
		pthread_mutex_lock(&sv->lock);
		pthread_cond_broadcast(&sv->done);
		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_nsec += SERVING_POLL_MS * 1000000L;
		ts.tv_sec += ts.tv_nsec / 1000000000L;
		ts.tv_nsec %= 1000000000L;
		if (!sv->stop)
			pthread_cond_timedwait(&sv->wake, &sv->lock, &ts);
	}
	pthread_mutex_unlock(&sv->lock);
	/* A clean stop: the indexer need not keep the log for this process. */
	if (serve_mark_position(store_db(st), -1, &cause) != 0)
		free(cause);
	tokenizer_free(tk);
	store_close(st);
	return NULL;
}

struct serving *
serving_start(struct store *st, int follow, char **cause)
{
	struct serving *sv;
	struct tokenizer *tk = tokenizer_new(cause);
	struct serve *layer;
	char *path, *note = NULL;

	if (tk == NULL)
		return NULL;
	/* The layer the last rebuild saved, brought up to date; built when it cannot be used. */
	path = indexing_serve_file(st);
	layer = serve_open(store_db(st), tk, "supply", path, &note, cause);
	tokenizer_free(tk);
	free(path);
	if (note != NULL) {
		fprintf(stderr, "fairmatch: 服务层文件不可用，从数据库重建 / the saved serving layer"
		    " is not used, it is built from the store: %s\n", note);
		free(note);
	}
	if (layer == NULL)
		return NULL;
	sv = xcalloc(1, sizeof *sv);
	sv->layer = layer;
	sv->follow = follow;
	sv->dir = xstrdup(store_dir(st));
	pthread_mutex_init(&sv->lock, NULL);
	pthread_cond_init(&sv->wake, NULL);
	pthread_cond_init(&sv->done, NULL);
	if (follow) {
		/* Keep the log from here on, before anything can be imported past it. */
		if (serve_mark_position(store_db(st), serving_seq(sv), cause) != 0 ||
		    pthread_create(&sv->thread, NULL, follow_main, sv) != 0) {
			if (*cause == NULL)
				*cause = xasprintf("pthread_create: %s", strerror(errno));
			sv->follow = 0;
			serving_stop(sv);
			return NULL;
		}
	}
	return sv;
}

void
serving_stop(struct serving *sv)
{
	if (sv == NULL)
		return;
	if (sv->follow) {
		pthread_mutex_lock(&sv->lock);
		sv->stop = 1;
		pthread_cond_signal(&sv->wake);
		pthread_mutex_unlock(&sv->lock);
		pthread_join(sv->thread, NULL);
	}
	pthread_mutex_destroy(&sv->lock);
	pthread_cond_destroy(&sv->wake);
	pthread_cond_destroy(&sv->done);
	serve_free(sv->layer);
	free(sv->dir);
	free(sv);
}

void
serving_fresh(struct serving *sv, struct store *st)
{
	long long seq = serve_store_seq(store_db(st));
	struct timespec until;

	if (!sv->follow || seq <= serving_seq(sv))
		return;
	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += SERVING_FRESH_MS / 1000;
	until.tv_nsec += (SERVING_FRESH_MS % 1000) * 1000000L;
	until.tv_sec += until.tv_nsec / 1000000000L;
	until.tv_nsec %= 1000000000L;
	pthread_mutex_lock(&sv->lock);
	pthread_cond_signal(&sv->wake);
	while (serving_seq(sv) < seq && !sv->stop)
		if (pthread_cond_timedwait(&sv->done, &sv->lock, &until) != 0)
			break;
	pthread_mutex_unlock(&sv->lock);
}

int
serving_applies(const struct search_opts *o)
{
	return o->kind != NULL && strcmp(o->kind, "supply") == 0;
}

/* A fair's cities (none: *n = 0, every city); 0, or -1 if there is no such fair. */
static int
fair_cities(struct store *st, const char *code, char ***cities, size_t *n)
{
	sqlite3_stmt *q;
	int found = 0;

	*cities = NULL;
	*n = 0;
	if (sqlite3_prepare_v2(store_db(st), "SELECT fc.city FROM fairs f LEFT JOIN fair_cities fc"
	    " ON fc.fair_id = f.id WHERE f.code = ?", -1, &q, NULL) != SQLITE_OK)
		return -1;
	sqlite3_bind_text(q, 1, code, -1, SQLITE_STATIC);
	while (sqlite3_step(q) == SQLITE_ROW) {
		const char *c = (const char *)sqlite3_column_text(q, 0);

		found = 1;
		if (c == NULL)
			continue;
		*cities = xreallocarray(*cities, *n + 1, sizeof **cities);
		(*cities)[(*n)++] = xstrdup(c);
	}
	sqlite3_finalize(q);
	return found ? 0 : -1;
}

/* Whether the store has supplier id (an exhibitor); -1 on a store error. */
static int
exhibitor_known(struct store *st, int64_t id)
{
	sqlite3_stmt *q;
	int rc;

	if (sqlite3_prepare_v2(store_db(st), "SELECT 1 FROM suppliers WHERE id = ?", -1, &q, NULL) !=
	    SQLITE_OK)
		return -1;
	sqlite3_bind_int64(q, 1, id);
	rc = sqlite3_step(q);
	sqlite3_finalize(q);
	return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : -1;
}

int
serving_search(struct serving *sv, struct store *st, struct tokenizer *tk,
    struct serve_scratch *s, const char *query, int last_is_prefix, const char *fair,
    const struct search_opts *o, struct search_result *res, char **cause)
{
	struct search_opts so = *o;
	char **cities = NULL;
	size_t ncities = 0;
	int rc, began = store_read_begin(st);

	if (fair != NULL && fair_cities(st, fair, &cities, &ncities) != 0) {
		memset(res, 0, sizeof *res);
		*cause = xasprintf("没有编号为 %s 的展会 / no fair has the code %s", fair, fair);
		store_read_end(st, began);
		return -1;
	}
	if (o->exhibitor != 0 && (rc = exhibitor_known(st, o->exhibitor)) != 1) {
		memset(res, 0, sizeof *res);
		*cause = rc < 0 ? xasprintf("搜索出错：%s / search failed: %s",
		    sqlite3_errmsg(store_db(st)), sqlite3_errmsg(store_db(st))) :
		    xasprintf("没有编号为 %lld 的展商 / no exhibitor has the id %lld",
		    (long long)o->exhibitor, (long long)o->exhibitor);
		store_read_end(st, began);
		return -1;
	}
	if (ncities > 0) {
		so.fair_cities = (const char *const *)cities;
		so.nfair_cities = ncities;
	}
	rc = search_forgiving_run(store_db(st), tk, sv->layer, s, query, last_is_prefix, &so, res,
	    cause);
	store_read_end(st, began);
	for (size_t i = 0; i < ncities; i++)
		free(cities[i]);
	free(cities);
	return rc;
}
