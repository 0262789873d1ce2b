/*
 * serve_load.c — reading the store into the serving layer.
 */
#include <stdlib.h>
#include <string.h>

#include "indexer.h"
#include "schema.h"
#include "serve_load.h"
#include "util.h"

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
 * order.  Fields buyers name get their pinyin, as in FTS5.
 */
static char *
row_sql(const struct ix_kind *k, int one)
{
	struct buf b = { 0 };

	buf_addf(&b, "SELECT id, %s, %s", k->region, k->category);
	for (size_t f = 0; f < k->nfields; f++)
		buf_addf(&b, ", %s", k->fields[f].column);
	buf_addf(&b, " FROM %s%s", k->view, one ? " WHERE id = ?" : "");
	return buf_take(&b);
}

/* Fills d from the row q points at (columns as row_sql makes them). */
static void
row_doc(struct tokenizer *tk, const struct ix_kind *k, sqlite3_stmt *q, struct serve_doc *d)
{
	struct feed f = { d, 0 };

	serve_doc_reset(d, sqlite3_column_int64(q, 0), (const char *)sqlite3_column_text(q, 1),
	    (const char *)sqlite3_column_text(q, 2));
	for (size_t i = 0; i < k->nfields; i++) {
		const char *text = (const char *)sqlite3_column_text(q, 3 + (int)i);

		if (text == NULL)
			continue;
		f.field = i;
		tokenize(tk, text, (size_t)sqlite3_column_bytes(q, 3 + (int)i),
		    k->fields[i].pinyin ? TOK_DOCUMENT_PINYIN : TOK_DOCUMENT, feed_token, &f);
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
	struct serve *sv;
	struct serve_doc *d;
	sqlite3_stmt *q = NULL;
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
	d = serve_doc_new(sv);
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		row_doc(tk, k, q, d);
		serve_build_add(sv, d);
	}
	sqlite3_finalize(q);
	serve_doc_free(d);
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
