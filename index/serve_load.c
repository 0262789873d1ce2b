/*
 * serve_load.c — reading the store into the serving layer: the bulk build
 * tokenizes on LOAD_THREADS threads, a chunk of rows at a time, and adds
 * the documents in the view's order on the caller's.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "indexer.h"
#include "schema.h"
#include "serve_file.h"
#include "serve_load.h"
#include "tokstream.h"
#include "util.h"

#define LOAD_THREADS	2	/* tokenizing the bulk build */
#define LOAD_CHUNK	4096	/* rows read, then tokenized on the threads */
#define LOAD_FIELDS	16

/* Where one field's tokens go. */
struct feed {
	struct serve_doc	*d;
	size_t			 field;
};

/* tokenize.c callback: one token of the current field. */
static int
feed_token(void *arg, const struct token *t)
{
	struct feed *f = arg;

	serve_doc_token(f->d, f->field, t->text, t->len);
	return 0;
}

/*
 * The row's columns: id, region, category, then the kind's fields in
 * order (at most LOAD_FIELDS), then the owner's id (a product's exhibitor).
 * Fields buyers name get their pinyin, as in FTS5.
 */
static char *
row_sql(const struct ix_kind *k, int one)
{
	struct buf b = { 0 };

	buf_addf(&b, "SELECT id, %s, %s", k->region, k->category);
	for (size_t f = 0; f < k->nfields && f < LOAD_FIELDS; f++)
		buf_addf(&b, ", %s", k->fields[f].column);
	buf_addf(&b, ", owner_id FROM %s%s", k->view, one ? " WHERE id = ?" : "");
	return buf_take(&b);
}


/* One row of the view, copied so that another thread can tokenize it. */
struct load_row {
	int64_t		 id;
	int64_t		 owner;		/* the exhibitor (supplier) of a product */
	char		*city, *category;
	char		*text[LOAD_FIELDS];	/* NULL: none */
	size_t		 len[LOAD_FIELDS];
};

/* Fills d from row r. */
static void
row_tokens(struct tokenizer *tk, const struct ix_kind *k, const struct load_row *r,
    struct serve_doc *d)
{
	struct feed f = { d, 0 };

	serve_doc_reset(d, r->id, r->city, r->category);
	serve_doc_exhibitor(d, r->owner);
	for (size_t i = 0; i < k->nfields && i < LOAD_FIELDS; i++) {
		if (r->text[i] == NULL)
			continue;
		f.field = i;
		tokenize(tk, r->text[i], r->len[i],
		    k->fields[i].pinyin ? TOK_DOCUMENT_PINYIN : TOK_DOCUMENT, feed_token, &f);
	}
}

/* Row r from the row q points at (columns as row_sql makes them), its strings borrowed from q. */
static void
row_read(const struct ix_kind *k, sqlite3_stmt *q, struct load_row *r)
{
	r->id = sqlite3_column_int64(q, 0);
	r->city = (char *)sqlite3_column_text(q, 1);
	r->category = (char *)sqlite3_column_text(q, 2);
	for (size_t i = 0; i < k->nfields && i < LOAD_FIELDS; i++) {
		r->text[i] = (char *)sqlite3_column_text(q, 3 + (int)i);
		r->len[i] = (size_t)sqlite3_column_bytes(q, 3 + (int)i);
	}
	r->owner = sqlite3_column_int64(q, sqlite3_column_count(q) - 1);
}

/* Fills d from the row q points at. */
static void
row_doc(struct tokenizer *tk, const struct ix_kind *k, sqlite3_stmt *q, struct serve_doc *d)
{
	struct load_row r;

	row_read(k, q, &r);
	row_tokens(tk, k, &r, d);
}

/* Makes r's borrowed strings its own. */
static void
row_own(const struct ix_kind *k, struct load_row *r)
{
	r->city = r->city != NULL ? xstrdup(r->city) : NULL;
	r->category = r->category != NULL ? xstrdup(r->category) : NULL;
	for (size_t i = 0; i < k->nfields && i < LOAD_FIELDS; i++)
		r->text[i] = r->text[i] != NULL ? xstrndup(r->text[i], r->len[i]) : NULL;
}

static void
row_clear(const struct ix_kind *k, struct load_row *r)
{
	free(r->city);
	free(r->category);
	for (size_t i = 0; i < k->nfields && i < LOAD_FIELDS; i++)
		free(r->text[i]);
}

/* One tokenizing thread of the bulk build: rows [from, to) of a chunk into docs. */
struct load_worker {
	pthread_t		 th;
	struct tokenizer	*tk;
	const struct ix_kind	*kind;
	struct load_row		*rows;
	struct serve_doc	**docs;
	size_t			 from, to;
};

static void *
load_work(void *arg)
{
	struct load_worker *w = arg;

	for (size_t i = w->from; i < w->to; i++)
		row_tokens(w->tk, w->kind, &w->rows[i], w->docs[i]);
	return NULL;
}

/* Tokenizes rows[0..n) on the nw workers, then adds them to sv in order and frees them. */
static void
load_chunk(struct serve *sv, struct load_worker *w, size_t nw, struct load_row *rows,
    struct serve_doc **docs, size_t n)
{
	size_t per = (n + nw - 1) / nw;

	for (size_t i = 0; i < nw; i++) {
		w[i].rows = rows;
		w[i].docs = docs;
		w[i].from = i * per < n ? i * per : n;
		w[i].to = (i + 1) * per < n ? (i + 1) * per : n;
	}
	for (size_t i = 1; i < nw; i++)
		if (pthread_create(&w[i].th, NULL, load_work, &w[i]) != 0)
			fatal("pthread_create");
	load_work(&w[0]);
	for (size_t i = 1; i < nw; i++)
		pthread_join(w[i].th, NULL);
	for (size_t i = 0; i < n; i++) {
		serve_build_add(sv, docs[i]);
		row_clear(w[0].kind, &rows[i]);
	}
}

/* The kind's field weights, as FTS5's bm25 gets them. */
static struct serve *
serve_for(const struct ix_kind *k)
{
	double w[SERVE_MAX_TERMS];

	for (size_t f = 0; f < k->nfields && f < SERVE_MAX_TERMS; f++)
		w[f] = k->fields[f].weight;
	return serve_new(w, k->nfields);
}

struct serve *
serve_empty(const char *kind)
{
	const struct ix_kind *k = ix_kind_get(kind);

	return k != NULL ? serve_for(k) : NULL;
}

void
serve_doc_replay(struct serve_doc *d, const char *kind, const struct tokstream *ts, size_t first)
{
	const struct ix_kind *k = ix_kind_get(kind);
	struct feed f = { d, 0 };

	for (size_t i = 0; k != NULL && i < k->nfields; i++) {
		f.field = i;
		tokstream_replay(ts, first + i, feed_token, &f);
	}
}

static char *
db_error(sqlite3 *db, const char *what)
{
	return xasprintf("服务层读取数据库出错（%s）：%s / the serving layer could not read the"
	    " store (%s): %s", what, sqlite3_errmsg(db), what, sqlite3_errmsg(db));
}

long long
serve_store_seq(sqlite3 *db)
{
	sqlite3_stmt *q;
	long long seq = -1;

	if (sqlite3_prepare_v2(db, "SELECT coalesce((SELECT seq FROM sqlite_sequence WHERE name ="
	    " '" IX_LOG "'), 0)", -1, &q, NULL) != SQLITE_OK)
		return -1;
	if (sqlite3_step(q) == SQLITE_ROW)
		seq = sqlite3_column_int64(q, 0);
	sqlite3_finalize(q);
	return seq;
}

struct serve *
serve_load(sqlite3 *db, struct tokenizer *tk, const char *kind, char **cause)
{
	const struct ix_kind *k = ix_kind_get(kind);
	struct load_worker w[LOAD_THREADS];
	struct load_row *rows;
	struct serve_doc **docs;
	struct serve *sv;
	sqlite3_stmt *q = NULL;
	size_t nw = 1, n = 0;
	char *sql;
	long long seq;
	int rc;

	if (k == NULL) {
		*cause = xasprintf("未知的类型 %s / unknown kind %s", kind, kind);
		return NULL;
	}
	/* One read transaction: the rows and the log position agree. */
	if (sqlite3_exec(db, "BEGIN", NULL, NULL, NULL) != SQLITE_OK) {
		*cause = db_error(db, "BEGIN");
		return NULL;
	}
	if ((seq = serve_store_seq(db)) < 0) {
		*cause = db_error(db, "index_log");
		sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
		return NULL;
	}
	sql = row_sql(k, 0);
	rc = sqlite3_prepare_v2(db, sql, -1, &q, NULL);
	free(sql);
	if (rc != SQLITE_OK) {
		*cause = db_error(db, k->view);
		sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
		return NULL;
	}
	sv = serve_for(k);
	memset(w, 0, sizeof w);
	w[0] = (struct load_worker){ .tk = tk, .kind = k };
	for (; nw < LOAD_THREADS; nw++) {	/* without a second tokenizer, one thread */
		char *why = NULL;

		w[nw].kind = k;
		if ((w[nw].tk = tokenizer_new(&why)) == NULL) {
			free(why);
			break;
		}
	}
	rows = xcalloc(LOAD_CHUNK, sizeof *rows);
	docs = xcalloc(LOAD_CHUNK, sizeof *docs);
	for (size_t i = 0; i < LOAD_CHUNK; i++)
		docs[i] = serve_doc_new(sv);
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		row_read(k, q, &rows[n]);
		row_own(k, &rows[n]);
		if (++n == LOAD_CHUNK) {
			load_chunk(sv, w, nw, rows, docs, n);
			n = 0;
		}
	}
	if (rc == SQLITE_DONE)
		load_chunk(sv, w, nw, rows, docs, n);
	else
		for (size_t i = 0; i < n; i++)
			row_clear(k, &rows[i]);
	sqlite3_finalize(q);
	for (size_t i = 1; i < nw; i++)
		tokenizer_free(w[i].tk);
	for (size_t i = 0; i < LOAD_CHUNK; i++)
		serve_doc_free(docs[i]);
	free(docs);
	free(rows);
	if (rc != SQLITE_DONE) {
		*cause = db_error(db, k->view);
		sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
		serve_free(sv);
		return NULL;
	}
	sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
	serve_build_finish(sv, seq);
	return sv;
}

#define CATCH_UP_BATCH	1000	/* items applied under one write lock */

int
serve_catch_up(struct serve *sv, sqlite3 *db, struct tokenizer *tk, const char *kind,
    size_t *applied, char **cause)
{
	const struct ix_kind *k = ix_kind_get(kind);
	sqlite3_stmt *items = NULL, *row = NULL;
	struct serve_doc *put[CATCH_UP_BATCH];
	int64_t removed[CATCH_UP_BATCH];
	size_t nput = 0, nremoved = 0, n = 0;
	long long seq;
	char *sql;
	int rc = -1;

	if (applied != NULL)
		*applied = 0;
	if (k == NULL) {
		*cause = xasprintf("未知的类型 %s / unknown kind %s", kind, kind);
		return -1;
	}
	if (sqlite3_exec(db, "BEGIN", NULL, NULL, NULL) != SQLITE_OK) {
		*cause = db_error(db, "BEGIN");
		return -1;
	}
	if ((seq = serve_store_seq(db)) < 0) {
		*cause = db_error(db, "index_log");
		goto done;
	}
	if (seq <= serve_seq(sv)) {
		rc = 0;
		goto done;
	}
	sql = row_sql(k, 1);
	if (sqlite3_prepare_v2(db, "SELECT DISTINCT item_id FROM " IX_LOG " WHERE seq > ? AND"
	    " seq <= ? AND kind = ?", -1, &items, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(db, sql, -1, &row, NULL) != SQLITE_OK) {
		free(sql);
		*cause = db_error(db, "index_log");
		goto done;
	}
	free(sql);
	sqlite3_bind_int64(items, 1, serve_seq(sv));
	sqlite3_bind_int64(items, 2, seq);
	sqlite3_bind_text(items, 3, kind, -1, SQLITE_STATIC);
	for (size_t i = 0; i < CATCH_UP_BATCH; i++)
		put[i] = serve_doc_new(sv);
	/* Tokenized without the lock; applied a batch at a time under it. */
	while ((rc = sqlite3_step(items)) == SQLITE_ROW) {
		int64_t id = sqlite3_column_int64(items, 0);

		sqlite3_bind_int64(row, 1, id);
		if (sqlite3_step(row) == SQLITE_ROW)
			row_doc(tk, k, row, put[nput++]);
		else
			removed[nremoved++] = id;
		sqlite3_reset(row);
		n++;
		if (nput == CATCH_UP_BATCH || nremoved == CATCH_UP_BATCH) {
			serve_apply(sv, put, nput, removed, nremoved, -1);
			nput = nremoved = 0;
		}
	}
	if (rc != SQLITE_DONE) {
		*cause = db_error(db, "index_log");
		rc = -1;
	} else {
		serve_apply(sv, put, nput, removed, nremoved, seq);
		if (applied != NULL)
			*applied = n;
		rc = 0;
	}
	for (size_t i = 0; i < CATCH_UP_BATCH; i++)
		serve_doc_free(put[i]);
done:
	sqlite3_finalize(items);
	sqlite3_finalize(row);
	sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
	return rc;
}

int
serve_mark_position(sqlite3 *db, long long seq, char **cause)
{
	char *sql = seq < 0 ? xstrdup("DELETE FROM " IX_STATE " WHERE name = 'serve'") :
	    xasprintf("INSERT OR REPLACE INTO " IX_STATE " VALUES ('serve', %lld)", seq);
	int rc = sqlite3_exec(db, sql, NULL, NULL, NULL);

	free(sql);
	if (rc != SQLITE_OK) {
		*cause = db_error(db, "index_state");
		return -1;
	}
	return 0;
}

/*
 * Why the index log no longer holds every change after seq (the log loses
 * its oldest entries only, so its first entry says), or NULL if it does.
 */
static char *
log_lost(sqlite3 *db, long long seq, const char *path)
{
	long long store = serve_store_seq(db), first;

	if (store < 0)
		return xasprintf("%s：%s / %s: %s", path, sqlite3_errmsg(db), path,
		    sqlite3_errmsg(db));
	if (seq >= store)
		return NULL;
	first = indexer_scalar(db, "SELECT coalesce(min(seq), -1) FROM " IX_LOG);
	if (first < 0 || first > seq + 1)
		return xasprintf("%s 已过时：索引日志不再保留其后的修改 / %s is stale: the index log"
		    " no longer holds the changes made since it was saved", path, path);
	return NULL;
}

/*
 * Whether the index log still holds every change after seq (log_lost), and no more
 * than a quarter of the docs the saved layer has: changes replayed keep
 * the build's average length (impacts depend on it), so many of them
 * would rank otherwise than a fresh build.  NULL, or why not.
 */
static char *
log_covers(sqlite3 *db, long long seq, size_t docs, const char *path)
{
	long long store = serve_store_seq(db), after;
	char *sql, *why;

	if (store < 0)
		return xasprintf("%s：%s / %s: %s", path, sqlite3_errmsg(db), path,
		    sqlite3_errmsg(db));
	if (seq > store)
		return xasprintf("%s 比数据库新（日志位置 %lld > %lld）/ %s is newer than the store"
		    " (log position %lld > %lld)", path, seq, store, path, seq, store);
	if (seq == store)
		return NULL;
	if ((why = log_lost(db, seq, path)) != NULL)
		return why;
	sql = xasprintf("SELECT count(*) FROM " IX_LOG " WHERE seq > %lld", seq);
	after = indexer_scalar(db, sql);
	free(sql);
	/* Replayed changes keep the build's average length: a quarter of the build at most. */
	if (after < 0 || (size_t)after > docs / 4)
		return xasprintf("%s 之后修改过多（%lld）/ %s has too many changes after it (%lld)",
		    path, after, path, after);
	return NULL;
}

struct serve *
serve_open(sqlite3 *db, struct tokenizer *tk, const char *kind, const char *path, char **note,
    char **cause)
{
	struct serve *sv = NULL;
	char *why = NULL;

	if (note != NULL)
		*note = NULL;
	if (path != NULL && access(path, F_OK) == 0 && (sv = serve_file_load(path, &why)) != NULL) {
		struct serve *want = serve_empty(kind);

		/* Its impacts were made with the fields' weights of the build that saved it. */
		if (want == NULL || !serve_same_weights(sv, want)) {
			why = xasprintf("%s 的字段权重与本版本不同 / %s weighs the fields otherwise than"
			    " this version", path, path);
			serve_free(sv);
			sv = NULL;
		}
		serve_free(want);
	}
	if (sv != NULL) {
		struct serve_stats st;
		long long saved = serve_seq(sv);

		serve_stats(sv, &st);
		if (sqlite3_exec(db, "BEGIN", NULL, NULL, NULL) != SQLITE_OK) {
			*cause = db_error(db, "BEGIN");
			serve_free(sv);
			return NULL;
		}
		why = log_covers(db, saved, st.docs, path);
		sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
		if (why != NULL) {
			serve_free(sv);
			sv = NULL;
		} else if (serve_catch_up(sv, db, tk, kind, NULL, cause) != 0) {
			serve_free(sv);
			return NULL;
		} else if ((why = log_lost(db, saved, path)) != NULL) {
			/*
			 * An indexer trimmed the log between the check and the
			 * catch-up (no server's mark kept it yet): what it took
			 * is not in the layer, so the layer is built anew.
			 */
			serve_free(sv);
			sv = NULL;
		}
	}
	if (why != NULL) {
		if (note != NULL)
			*note = why;
		else
			free(why);
	}
	return sv != NULL ? sv : serve_load(db, tk, kind, cause);
}
