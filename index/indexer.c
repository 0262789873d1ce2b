/*
 * indexer.c — replaying index_log into FTS5 and Xapian.
 */
#include <errno.h>
#include <fcntl.h>
#include <dirent.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fts5_tok.h"
#include "generic.h"
#include "indexer.h"
#include "schema.h"
#include "serve_file.h"
#include "serve_load.h"
#include "tokenize.h"
#include "tokstream.h"
#include "util.h"
#include "xapian_c.h"

#define IX_BATCH	20000	/* items per commit of both indexes */
#define IX_XAPIAN_FLUSH	500	/* items per commit of Xapian alone while replaying */
#define IX_TERM_MAX	240	/* Xapian's limit is 245 bytes */
#define IX_LAST_SEQ	"fairmatch.last_seq"
#define IX_MAX_FIELDS	16

struct fts_chunk;
static struct fts_chunk *chunk_new(size_t kind);
static void chunk_clear(struct fts_chunk *c, size_t kind);
static void chunk_free(struct fts_chunk *c);
static void chunk_add_row(struct fts_chunk *c, const struct ix_kind *k, sqlite3_stmt *q,
    const int *cols, struct tokenizer *tk, struct buf *marked);
static const struct tokstream *chunk_tokens(const struct fts_chunk *c);
static int view_columns(const struct ix_kind *k, sqlite3_stmt *q, int *cols, char **cause);
static int fts_write_chunk(struct indexer *ix, sqlite3_stmt *ins, const struct fts_chunk *c,
    char **cause);

/* column, Xapian prefix, weight matched, pinyin, weight matched from */
static const struct ix_field supply_fields[] = {
	{ "name", "N", 10.0, 1, 4.0 },
	{ "spec", "S", 4.0, 0, 1.0 },
	{ "brand", "B", 5.0, 1, 0.0 },
	{ "keywords", "K", 5.0, 1, 3.0 },
	{ "category", "C", 3.0, 0, 2.0 },
	{ "company", "O", 2.0, 0, 0.0 },
	{ "description", "D", 1.0, 0, 1.0 },
};

static const struct ix_field demand_fields[] = {
	{ "product", "N", 10.0, 1, 4.0 },
	{ "category", "C", 3.0, 0, 2.0 },
	{ "buyer", "O", 2.0, 0, 0.0 },
	{ "description", "D", 1.0, 0, 1.0 },
};

static const struct ix_kind kinds[] = {
	{ "supply", IX_PRODUCT_TEXT, IX_PRODUCTS_FTS, supply_fields, nitems(supply_fields),
	  "city", "category" },
	{ "demand", IX_DEMAND_TEXT, IX_DEMANDS_FTS, demand_fields, nitems(demand_fields),
	  "province", "category" },
};

const struct ix_kind *
ix_kinds(size_t *n)
{
	*n = nitems(kinds);
	return kinds;
}

const struct ix_kind *
ix_kind_get(const char *name)
{
	for (size_t i = 0; i < nitems(kinds); i++)
		if (strcmp(kinds[i].name, name) == 0)
			return &kinds[i];
	return NULL;
}

/* One kind's Xapian database and statements. */
struct ix_part {
	const struct ix_kind	*kind;
	struct xc_db		*x;
	long long		 seq;		/* last log entry applied to x */
	sqlite3_stmt		*row;		/* SELECT * FROM view WHERE id = ? */
	int			 cols[IX_MAX_FIELDS];	/* view_columns of row */
	sqlite3_stmt		*fts_del;
	sqlite3_stmt		*fts_ins;	/* fts_insert_prepare */
};

struct indexer {
	sqlite3			*db;
	struct tokenizer	*tk;
	char			*dir;
	int			 stale;		/* indexed by another tokenizer version */
	struct ix_part		 parts[nitems(kinds)];
	struct fts_chunk	*one;		/* the item apply_item reindexes */
	struct buf		 marked;	/* chunk_add_row's */
};

/* A logged item to reindex. */
struct ix_item {
	int		 part;
	int64_t		 id;
	long long	 seq;	/* its latest log entry */
};

/* "数据库错误" for the current SQLite error. */
static char *
sql_error(sqlite3 *db, const char *what)
{
	return xasprintf("索引时数据库出错（%s）：%s / database error while indexing (%s): %s",
	    what, sqlite3_errmsg(db), what, sqlite3_errmsg(db));
}

/* Wraps a Xapian wrapper message for a person. */
static char *
xap_error(const char *what, char *err)
{
	char *m = xasprintf("Xapian 索引出错（%s）：%s / Xapian index error (%s): %s", what,
	    err ? err : "?", what, err ? err : "?");

	free(err);
	return m;
}

static long long
xap_last_seq(struct xc_db *x)
{
	char *v = NULL, *err = NULL;
	size_t n;
	long long seq = 0;

	if (xc_db_get_metadata(x, IX_LAST_SEQ, XC_NTS, &v, &n, &err) != 0) {
		free(err);
		return 0;
	}
	if (n > 0)
		seq = strtoll(v, NULL, 10);
	free(v);
	return seq;
}

long long
indexer_scalar(sqlite3 *db, const char *sql)
{
	sqlite3_stmt *q;
	long long v = -1;

	if (sqlite3_prepare_v2(db, sql, -1, &q, NULL) != SQLITE_OK)
		return -1;
	if (sqlite3_step(q) == SQLITE_ROW)
		v = sqlite3_column_int64(q, 0);
	sqlite3_finalize(q);
	return v;
}

/* Whether the FTS5 tables were made by this tokenizer version. */
static int
fts_current(sqlite3 *db)
{
	char *sql = xasprintf("SELECT coalesce((SELECT seq FROM " IX_STATE " WHERE name ="
	    " 'tokenizer'), 0) = %d", TOKENIZE_VERSION);
	long long v = indexer_scalar(db, sql);

	free(sql);
	return v == 1;
}

/*
 * Whether every item must be indexed again: the indexes were made by
 * another tokenizer version, or a rebuild committed FTS5 but was cut short
 * before its Xapian databases were in place ('xapian_rebuild').
 */
static int
rebuild_needed(sqlite3 *db)
{
	return !fts_current(db) || indexer_scalar(db, "SELECT EXISTS (SELECT 1 FROM " IX_STATE
	    " WHERE name = 'xapian_rebuild')") != 0;
}

/* Opens (mode) the Xapian database of each kind. */
static int
open_parts(struct indexer *ix, enum xc_mode mode, char **cause)
{
	for (size_t k = 0; k < nitems(kinds); k++) {
		struct ix_part *p = &ix->parts[k];
		char *path = xasprintf("%s/%s", ix->dir, kinds[k].name), *err = NULL;

		p->kind = &kinds[k];
		p->x = xc_db_open(path, mode, &err);
		free(path);
		if (p->x == NULL) {
			*cause = xap_error(kinds[k].name, err);
			return -1;
		}
		p->seq = xap_last_seq(p->x);
	}
	return 0;
}

/*
 * The statement that adds a row to kind k's FTS5 table, its fields' texts
 * bound in order, then the region (fts_write_chunk).  One row's VALUES, not
 * INSERT … SELECT: a statement that may write many rows opens a statement
 * savepoint, and FTS5 writes its pending terms out as a new segment at
 * every savepoint, which made the replay of a changeset item by item
 * spend as long merging segments as tokenizing.  NULL if it fails.
 */
static sqlite3_stmt *
fts_insert_prepare(sqlite3 *db, const struct ix_kind *k)
{
	struct buf cols = { 0 }, vals = { 0 };
	sqlite3_stmt *q = NULL;
	char *sql;

	for (size_t f = 0; f < k->nfields; f++) {
		buf_addf(&cols, ", %s", k->fields[f].column);
		buf_addstr(&vals, ", ?");
	}
	sql = xasprintf("INSERT INTO %s (rowid%s, region) VALUES (?%s, ?)", k->fts, cols.data,
	    vals.data);
	sqlite3_prepare_v2(db, sql, -1, &q, NULL);
	free(sql);
	buf_free(&cols);
	buf_free(&vals);
	return q;
}

/*
 * Prepares the statements that write the FTS5 tables, in place of any
 * still prepared (a rebuild that failed part way finalized only some).
 */
static int
prepare_fts(struct indexer *ix, char **cause)
{
	for (size_t k = 0; k < nitems(kinds); k++) {
		struct ix_part *p = &ix->parts[k];
		char *sql;

		sqlite3_finalize(p->fts_del);
		sqlite3_finalize(p->fts_ins);
		p->fts_del = p->fts_ins = NULL;
		sql = xasprintf("DELETE FROM %s WHERE rowid = ?", kinds[k].fts);
		sqlite3_prepare_v2(ix->db, sql, -1, &p->fts_del, NULL);
		free(sql);
		p->fts_ins = fts_insert_prepare(ix->db, &kinds[k]);
		if (p->fts_del == NULL || p->fts_ins == NULL) {
			*cause = sql_error(ix->db, kinds[k].fts);
			return -1;
		}
	}
	return 0;
}

struct indexer *
indexer_open(sqlite3 *db, const char *xapian_dir, char **cause)
{
	struct indexer *ix = xcalloc(1, sizeof *ix);

	ix->db = db;
	ix->dir = xstrdup(xapian_dir);
	if (mkdir_p(xapian_dir, 0750) == -1) {
		*cause = xasprintf("无法创建索引目录 %s：%s / cannot create the index directory"
		    " %s: %s", xapian_dir, strerror(errno), xapian_dir, strerror(errno));
		indexer_close(ix);
		return NULL;
	}
	if ((ix->tk = tokenizer_new(cause)) == NULL || open_parts(ix, XC_WRITE, cause) != 0) {
		indexer_close(ix);
		return NULL;
	}
	if (prepare_fts(ix, cause) != 0) {
		indexer_close(ix);
		return NULL;
	}
	for (size_t k = 0; k < nitems(kinds); k++) {
		char *sql = xasprintf("SELECT * FROM %s WHERE id = ?", kinds[k].view);

		sqlite3_prepare_v2(db, sql, -1, &ix->parts[k].row, NULL);
		free(sql);
		if (ix->parts[k].row == NULL) {
			*cause = sql_error(db, kinds[k].view);
			indexer_close(ix);
			return NULL;
		}
		if (view_columns(&kinds[k], ix->parts[k].row, ix->parts[k].cols, cause) != 0) {
			indexer_close(ix);
			return NULL;
		}
	}
	/* Text indexed by another tokenizer, or a rebuild cut short, is indexed again. */
	if (rebuild_needed(db))
		ix->stale = 1;
	return ix;
}

void
indexer_close(struct indexer *ix)
{
	if (ix == NULL)
		return;
	for (size_t k = 0; k < nitems(kinds); k++) {
		char *err = NULL;

		sqlite3_finalize(ix->parts[k].row);
		sqlite3_finalize(ix->parts[k].fts_del);
		sqlite3_finalize(ix->parts[k].fts_ins);
		if (xc_db_close(ix->parts[k].x, &err) != 0)
			free(err);
	}
	chunk_free(ix->one);
	buf_free(&ix->marked);
	tokenizer_free(ix->tk);
	free(ix->dir);
	free(ix);
}

/* Where a field's tokens go in a Xapian document. */
struct doc_ctx {
	struct xc_doc	*doc;
	const char	*prefix;
	struct buf	 term;
	char		*err;
};

/* tokenize.c callback: one prefixed term (no positions: nothing asks for phrases). */
static int
doc_token(void *arg, const struct token *t)
{
	struct doc_ctx *c = arg;

	/* Xapian serves the matcher, whose queries are demands written in characters. */
	if (t->pinyin)
		return 0;
	buf_reset(&c->term);
	buf_addstr(&c->term, c->prefix);
	buf_add(&c->term, t->text, t->len);
	if (c->term.len > IX_TERM_MAX)
		return 0;
	return xc_doc_add_term(c->doc, c->term.data, c->term.len, 1, &c->err);
}

/* Adds a boolean filter term prefix+value if value is set. */
static int
doc_filter(struct xc_doc *doc, const char *prefix, const char *value, char **err)
{
	char *t;
	int rc;

	if (value == NULL || *value == '\0')
		return 0;
	t = xasprintf("%s%s", prefix, value);
	rc = strlen(t) > IX_TERM_MAX ? 0 : xc_doc_add_boolean_term(doc, t, XC_NTS, err);
	free(t);
	return rc;
}

/*
 * Builds the Xapian document of kind from the view row r points at; the
 * fields' tokens are tokenized from r, or with ts replayed from ts's texts
 * [first, first + nfields) (the from-scratch build's one pass).
 */
static struct xc_doc *
build_doc(struct tokenizer *tk, const struct ix_kind *kind, sqlite3_stmt *r, int64_t id,
    const struct tokstream *ts, size_t first, char **err)
{
	struct doc_ctx c = { .doc = xc_doc_new() };
	char data[32];
	int rc = 0;

	for (int col = 0; col < sqlite3_column_count(r) && rc == 0; col++) {
		const char *name = sqlite3_column_name(r, col);
		const char *text = (const char *)sqlite3_column_text(r, col);

		if (text == NULL)
			continue;
		for (size_t f = 0; f < kind->nfields && rc == 0; f++) {
			if (strcmp(name, kind->fields[f].column) != 0)
				continue;
			c.prefix = kind->fields[f].prefix;
			/* Pinyin is the kiosk's (FTS5, the serving layer): doc_token skips it. */
			rc = ts != NULL ? tokstream_replay(ts, first + f, doc_token, &c) :
			    tokenize(tk, text, (size_t)sqlite3_column_bytes(r, col), TOK_DOCUMENT,
			    doc_token, &c);
		}
		if (rc != 0)
			break;
		if (strcmp(name, kind->region) == 0) {
			rc = doc_filter(c.doc, "XR", text, &c.err);
			if (rc == 0)
				rc = xc_doc_set_value(c.doc, IX_SLOT_REGION, text, XC_NTS, &c.err);
		} else if (strcmp(name, kind->category) == 0) {
			rc = doc_filter(c.doc, "XC", text, &c.err);
			if (rc == 0)
				rc = xc_doc_set_value(c.doc, IX_SLOT_CATEGORY, text, XC_NTS, &c.err);
		} else if (strcmp(name, "price_min") == 0 || strcmp(name, "price_max") == 0)
			rc = xc_doc_set_value_double(c.doc, name[6] == 'i' ? IX_SLOT_PRICE_MIN :
			    IX_SLOT_PRICE_MAX, sqlite3_column_double(r, col), &c.err);
		else if (strcmp(name, "buyer_type") == 0)
			rc = doc_filter(c.doc, "XT", text, &c.err);
		else if (strcmp(name, "deadline") == 0 && *text != '\0')
			rc = xc_doc_set_value(c.doc, IX_SLOT_DEADLINE, text, XC_NTS, &c.err);
		else if (strcmp(name, "honours") == 0) {
			/* 浙江名牌产品；中华老字号 → one filter term each */
			char *copy = xstrdup(text), *rest = copy, *h;

			while (rc == 0 && (h = str_split(&rest, "；")) != NULL)
				rc = doc_filter(c.doc, "XH", h, &c.err);
			free(copy);
		}
	}
	snprintf(data, sizeof data, "%lld", (long long)id);
	if (rc == 0)
		rc = xc_doc_set_data(c.doc, data, strlen(data), &c.err);
	buf_free(&c.term);
	if (rc != 0) {
		*err = c.err ? c.err : xstrdup("tokenizer failed");
		xc_doc_free(c.doc);
		return NULL;
	}
	return c.doc;
}

/*
 * Reindexes one item in the indexes that have not seen seq: its row read
 * and its fields tokenized once, the tokens replayed into FTS5 and Xapian,
 * as the rebuild does.
 */
static int
apply_item(struct indexer *ix, const struct ix_item *it, long long fts_seq, char **cause)
{
	struct ix_part *p = &ix->parts[it->part];
	char idterm[32], *err = NULL;
	int exists, rc = 0;

	if (it->seq <= fts_seq && it->seq <= p->seq)
		return 0;
	sqlite3_bind_int64(p->row, 1, it->id);
	/* A row, or none (deleted); a failed read is not taken for a deletion. */
	if ((rc = sqlite3_step(p->row)) != SQLITE_ROW && rc != SQLITE_DONE) {
		*cause = sql_error(ix->db, p->kind->name);
		sqlite3_reset(p->row);
		return -1;
	}
	exists = rc == SQLITE_ROW;
	rc = 0;
	if (exists) {
		if (ix->one == NULL)
			ix->one = chunk_new(0);
		chunk_clear(ix->one, (size_t)it->part);
		chunk_add_row(ix->one, p->kind, p->row, p->cols, ix->tk, &ix->marked);
	}
	if (it->seq > fts_seq) {
		sqlite3_bind_int64(p->fts_del, 1, it->id);
		if (sqlite3_step(p->fts_del) != SQLITE_DONE) {
			*cause = sql_error(ix->db, p->kind->fts);
			rc = -1;
		}
		sqlite3_reset(p->fts_del);
		if (rc == 0 && exists)
			rc = fts_write_chunk(ix, p->fts_ins, ix->one, cause);
	}
	if (rc == 0 && it->seq > p->seq) {
		snprintf(idterm, sizeof idterm, "Q%lld", (long long)it->id);
		if (exists) {
			struct xc_doc *doc = build_doc(ix->tk, p->kind, p->row, it->id,
			    chunk_tokens(ix->one), 0, &err);

			rc = doc == NULL ? -1 : xc_db_replace(p->x, idterm, XC_NTS, doc, NULL, &err);
			xc_doc_free(doc);
		} else
			rc = xc_db_delete(p->x, idterm, XC_NTS, &err);
		if (rc != 0)
			*cause = xap_error(p->kind->name, err);
	}
	sqlite3_reset(p->row);
	return rc;
}

/* Loads the items logged after seq `after`, latest entry per item, in log order. */
static struct ix_item *
load_items(struct indexer *ix, long long after, size_t *n, char **cause)
{
	sqlite3_stmt *q;
	struct ix_item *items = NULL;
	size_t cap = 0;

	*n = 0;
	if (sqlite3_prepare_v2(ix->db, "SELECT kind, item_id, max(seq) AS s FROM " IX_LOG
	    " WHERE seq > ? GROUP BY kind, item_id ORDER BY s", -1, &q, NULL) != SQLITE_OK) {
		*cause = sql_error(ix->db, "index_log");
		return NULL;
	}
	sqlite3_bind_int64(q, 1, after);
	while (sqlite3_step(q) == SQLITE_ROW) {
		const char *kind = (const char *)sqlite3_column_text(q, 0);

		if (*n == cap) {
			cap = cap ? cap * 2 : 1024;
			items = xreallocarray(items, cap, sizeof *items);
		}
		items[*n].part = strcmp(kind, "supply") == 0 ? 0 : 1;
		items[*n].id = sqlite3_column_int64(q, 1);
		items[*n].seq = sqlite3_column_int64(q, 2);
		(*n)++;
	}
	/* A step that failed is not the end of the log. */
	if (sqlite3_finalize(q) != SQLITE_OK) {
		*cause = sql_error(ix->db, "index_log");
		free(items);
		*n = 0;
		return NULL;
	}
	return items != NULL ? items : xcalloc(1, sizeof *items);
}

/*
 * Commits a batch: the FTS tables with the store (recording seq), then each
 * Xapian database with seq in its metadata (a Xapian commit is atomic, and
 * documents it flushed earlier on its own are simply applied again after a
 * crash).  A crash between the two commits is what the log is for.
 */
static int
commit_batch(struct indexer *ix, long long seq, char **cause)
{
	char *sql = xasprintf("UPDATE " IX_STATE " SET seq = %lld WHERE name = 'fts'; COMMIT;",
	    seq), buf[32];

	if (sqlite3_exec(ix->db, sql, NULL, NULL, NULL) != SQLITE_OK) {
		free(sql);
		*cause = sql_error(ix->db, "COMMIT");
		return -1;
	}
	free(sql);
#ifdef FM_FAULT_INJECTION
	/*
	 * The crash-safety test (tests/cli/index_crash.sh) dies here, between the
	 * two commits.  Only test builds have the hook (CMake FM_FAULT_INJECTION).
	 */
	if (getenv("FAIRMATCH_FAULT") != NULL &&
	    strcmp(getenv("FAIRMATCH_FAULT"), "index-between-commits") == 0)
		raise(SIGKILL);
#endif
	snprintf(buf, sizeof buf, "%lld", seq);
	for (size_t k = 0; k < nitems(kinds); k++) {
		struct ix_part *p = &ix->parts[k];
		char *err = NULL;

		if (seq <= p->seq)
			continue;
		if (xc_db_set_metadata(p->x, IX_LAST_SEQ, XC_NTS, buf, strlen(buf), &err) != 0 ||
		    xc_db_commit(p->x, &err) != 0) {
			*cause = xap_error(p->kind->name, err);
			return -1;
		}
	}
	return 0;
}

/*
 * Commits each Xapian database without moving its last_seq: what the
 * replay changed so far.  Xapian keeps a replay's changes in memory until a
 * commit, and each replace costs more as they grow (11,000 items replayed
 * in one go took twice the CPU time of the same in commits of 500).  A
 * crash before the batch's commit replays these items again, as after a
 * flush Xapian makes on its own.
 */
static int
xapian_flush(struct indexer *ix, char **cause)
{
	for (size_t k = 0; k < nitems(kinds); k++) {
		char *err = NULL;

		if (xc_db_commit(ix->parts[k].x, &err) != 0) {
			*cause = xap_error(kinds[k].name, err);
			return -1;
		}
	}
	return 0;
}

/*
 * Deletes the log up to high, but for what a running server's serving
 * layer ('serve') or the layer saved by the last rebuild ('serve_file',
 * of 'serve_file_docs' products) has not read yet: a server started from
 * that file replays the log after it.  Caller frees.
 */
static char *
log_trim_sql(long long high)
{
	/*
	 * Once the changes since the saved layer outnumber a quarter of its
	 * products it will not be loaded (serve_open): the log need not wait.
	 */
	return xasprintf("DELETE FROM " IX_STATE " WHERE name IN ('serve_file', 'serve_file_docs')"
	    " AND (SELECT count(*) FROM " IX_LOG " WHERE seq > (SELECT seq FROM " IX_STATE
	    " WHERE name = 'serve_file')) > coalesce((SELECT seq FROM " IX_STATE " WHERE name ="
	    " 'serve_file_docs'), 0) / 4;"
	    "DELETE FROM " IX_LOG " WHERE seq <= min(%1$lld, coalesce((SELECT seq"
	    " FROM " IX_STATE " WHERE name = 'serve'), %1$lld), coalesce((SELECT seq FROM "
	    IX_STATE " WHERE name = 'serve_file'), %1$lld))", high);
}

int
indexer_catch_up(struct indexer *ix, size_t *applied, ix_progress_fn progress, void *arg,
    char **cause)
{
	long long fts_seq = indexer_scalar(ix->db, "SELECT seq FROM " IX_STATE
	    " WHERE name = 'fts'");
	long long high = indexer_scalar(ix->db, "SELECT coalesce(max(seq), 0) FROM " IX_LOG);
	long long low = fts_seq;
	struct ix_item *items;
	size_t n, done = 0;
	int rc = -1;

	if (ix->stale) {
		ix->stale = 0;
		return indexer_rebuild(ix, applied, progress, arg, cause);
	}
	if (applied != NULL)
		*applied = 0;
	if (fts_seq < 0 || high < 0) {
		*cause = sql_error(ix->db, "index_state");
		return -1;
	}
	for (size_t k = 0; k < nitems(kinds); k++) {
		if (ix->parts[k].seq < low)
			low = ix->parts[k].seq;
		if (ix->parts[k].seq > high)
			high = ix->parts[k].seq;
	}
	if (fts_seq > high)
		high = fts_seq;
	if ((items = load_items(ix, low, &n, cause)) == NULL)
		return -1;
	if (n == 0) {
		free(items);
		return 0;
	}
	if (sqlite3_exec(ix->db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK) {
		*cause = sql_error(ix->db, "BEGIN");
		free(items);
		return -1;
	}
	for (done = 0; done < n; done++) {
		if (apply_item(ix, &items[done], fts_seq, cause) != 0)
			goto fail;
		if ((done + 1) % IX_BATCH == 0 && done + 1 < n) {
			if (commit_batch(ix, items[done].seq, cause) != 0)
				goto fail;
			fts_seq = items[done].seq;
			for (size_t k = 0; k < nitems(kinds); k++)
				if (ix->parts[k].seq < fts_seq)
					ix->parts[k].seq = fts_seq;
			if (sqlite3_exec(ix->db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK) {
				*cause = sql_error(ix->db, "BEGIN");
				goto fail;
			}
			if (progress != NULL)
				progress(done + 1, n, arg);
		} else if ((done + 1) % IX_XAPIAN_FLUSH == 0 && xapian_flush(ix, cause) != 0)
			goto fail;
	}
	if (commit_batch(ix, high, cause) != 0)
		goto fail;
	for (size_t k = 0; k < nitems(kinds); k++)
		ix->parts[k].seq = high;
	/* Both indexes hold everything up to high: the log before it can go. */
	{
		/* Kept for a server's serving layer that has not read them yet. */
		char *sql = log_trim_sql(high);

		sqlite3_exec(ix->db, sql, NULL, NULL, NULL);
		free(sql);
	}
	if (progress != NULL && n > 0)
		progress(n, n, arg);
	if (applied != NULL)
		*applied = n;
	rc = generic_refresh(ix->db, ix->tk, n, cause);
	free(items);
	return rc;
fail:
	/*
	 * Xapian may keep what it flushed on its own: its last_seq is only
	 * written with a batch, so the next run reapplies those items.
	 */
	if (!sqlite3_get_autocommit(ix->db))
		sqlite3_exec(ix->db, "ROLLBACK", NULL, NULL, NULL);
	free(items);
	return rc;
}

/*
 * Drops and re-creates an FTS5 table from its own schema.  DELETE would
 * have to re-tokenize the old text, which fails once the tokenizer has
 * changed (the very reason to rebuild).
 */
static int
recreate_fts(sqlite3 *db, const char *table)
{
	sqlite3_stmt *q;
	char *create = NULL, *drop;
	int rc = -1;

	if (sqlite3_prepare_v2(db, "SELECT sql FROM sqlite_master WHERE name = ?", -1, &q,
	    NULL) != SQLITE_OK)
		return -1;
	sqlite3_bind_text(q, 1, table, -1, SQLITE_STATIC);
	if (sqlite3_step(q) == SQLITE_ROW)
		create = xstrdup((const char *)sqlite3_column_text(q, 0));
	sqlite3_finalize(q);
	if (create == NULL)
		return -1;
	drop = xasprintf("DROP TABLE %s", table);
	if (sqlite3_exec(db, drop, NULL, NULL, NULL) == SQLITE_OK &&
	    sqlite3_exec(db, create, NULL, NULL, NULL) == SQLITE_OK)
		rc = 0;
	free(drop);
	free(create);
	return rc;
}

/*
 * Applies fn to every entry of the flat directory path (a Xapian glass
 * database has no subdirectories), then to the directory itself; a
 * missing directory is fine.  0, or -1 with errno.
 */
static int
each_in_dir(const char *path, int (*fn)(const char *path, int isdir))
{
	DIR *d = opendir(path);
	struct dirent *e;
	int rc = 0;

	if (d == NULL)
		return errno == ENOENT ? 0 : -1;
	while (rc == 0 && (e = readdir(d)) != NULL) {
		char *f;

		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		f = xasprintf("%s/%s", path, e->d_name);
		rc = fn(f, 0);
		free(f);
	}
	closedir(d);
	return rc == 0 ? fn(path, 1) : -1;
}

static int
sync_one(const char *path, int isdir)
{
	return fsync_path(path);
}

static int
remove_one(const char *path, int isdir)
{
	return isdir ? rmdir(path) : unlink(path);
}

/* Removes a database directory; a missing one is fine. */
static int
remove_dir(const char *path)
{
	return each_in_dir(path, remove_one);
}

/*
 * What a shard hands the FTS5 writer: a chunk of rows of one kind, each
 * field's text tokenized once (tokstream), so that FTS5 replays the tokens
 * Xapian was given rather than tokenizing them again.
 */
#define IX_CHUNK	512	/* rows a chunk */
#define IX_QUEUE_MAX	8	/* chunks waiting for the writer, at most */

struct fts_chunk {
	size_t			 kind;
	size_t			 n;
	int64_t			 id[IX_CHUNK];
	char			*region[IX_CHUNK];
	char			*category[IX_CHUNK];
	int64_t			 owner[IX_CHUNK];	/* owner_id: the exhibitor, or 0 */
	struct tokstream	*ts;	/* row i's fields are texts [i × nfields, …) */
	struct fts_chunk	*next;
};

/* The chunks between the shards (producers) and the FTS5 writer. */
struct fts_queue {
	pthread_mutex_t		 lock;
	pthread_cond_t		 cv;		/* a chunk, a free place, or an end */
	struct fts_chunk	*head, *tail;
	size_t			 n;
	int			 producers;	/* shards still running */
	int			 abort;		/* the writer stopped: produce no more */
};

static struct fts_chunk *
chunk_new(size_t kind)
{
	struct fts_chunk *c = xcalloc(1, sizeof *c);

	c->kind = kind;
	c->ts = tokstream_new();
	return c;
}

/* Empties c for rows of kind. */
static void
chunk_clear(struct fts_chunk *c, size_t kind)
{
	for (size_t i = 0; i < c->n; i++) {
		free(c->region[i]);
		free(c->category[i]);
	}
	c->n = 0;
	c->kind = kind;
	tokstream_reset(c->ts);
}

static void
chunk_free(struct fts_chunk *c)
{
	if (c == NULL)
		return;
	chunk_clear(c, c->kind);
	tokstream_free(c->ts);
	free(c);
}

/* The tokens of c's rows' fields, row i's from text i × nfields. */
static const struct tokstream *
chunk_tokens(const struct fts_chunk *c)
{
	return c->ts;
}

static void
queue_init(struct fts_queue *q, int producers)
{
	memset(q, 0, sizeof *q);
	pthread_mutex_init(&q->lock, NULL);
	pthread_cond_init(&q->cv, NULL);
	q->producers = producers;
}

/* Frees what no one took. */
static void
queue_destroy(struct fts_queue *q)
{
	while (q->head != NULL) {
		struct fts_chunk *c = q->head;

		q->head = c->next;
		chunk_free(c);
	}
	pthread_mutex_destroy(&q->lock);
	pthread_cond_destroy(&q->cv);
}

/* Hands c to the writer (waiting for room); -1 if the writer stopped (c is freed). */
static int
queue_push(struct fts_queue *q, struct fts_chunk *c)
{
	pthread_mutex_lock(&q->lock);
	while (q->n >= IX_QUEUE_MAX && !q->abort)
		pthread_cond_wait(&q->cv, &q->lock);
	if (q->abort) {
		pthread_mutex_unlock(&q->lock);
		chunk_free(c);
		return -1;
	}
	if (q->tail != NULL)
		q->tail->next = c;
	else
		q->head = c;
	q->tail = c;
	q->n++;
	pthread_cond_broadcast(&q->cv);
	pthread_mutex_unlock(&q->lock);
	return 0;
}

/* The next chunk (caller frees), or NULL when every shard has finished and none is left. */
static struct fts_chunk *
queue_pop(struct fts_queue *q)
{
	struct fts_chunk *c;

	pthread_mutex_lock(&q->lock);
	while (q->head == NULL && q->producers > 0)
		pthread_cond_wait(&q->cv, &q->lock);
	if ((c = q->head) != NULL) {
		q->head = c->next;
		if (q->head == NULL)
			q->tail = NULL;
		q->n--;
		pthread_cond_broadcast(&q->cv);
	}
	pthread_mutex_unlock(&q->lock);
	return c;
}

static void
queue_producer_done(struct fts_queue *q)
{
	pthread_mutex_lock(&q->lock);
	q->producers--;
	pthread_cond_broadcast(&q->cv);
	pthread_mutex_unlock(&q->lock);
}

/* The writer stops: shards waiting to hand it chunks give up. */
static void
queue_abort(struct fts_queue *q)
{
	pthread_mutex_lock(&q->lock);
	q->abort = 1;
	pthread_cond_broadcast(&q->cv);
	pthread_mutex_unlock(&q->lock);
}

/*
 * One shard of a from-scratch build: a range of each kind's ids, on its
 * own thread, connection and tokenizer.  It tokenizes each item once,
 * builds its Xapian document from those tokens and hands the tokens on to
 * the FTS5 writer.  The shards are merged in id order afterwards
 * (xc_db_compact), so documents are numbered as a replay of the log would
 * number them.
 */
struct xap_build {
	const char	*store;		/* the store's database file */
	const char	*dir;		/* the indexer's; the shard goes to dir/kind.new<shard> */
	int		 shard;
	int64_t		 lo[nitems(kinds)];	/* ids in (lo, hi] per kind */
	int64_t		 hi[nitems(kinds)];
	long long	 seq;		/* the log position the build reflects */
	struct fts_queue *queue;	/* to the FTS5 writer */
	int		 rc;
	char		*cause;		/* when rc != 0; the joiner frees it */
};

#define IX_SHARDS	2	/* Xapian shards built at once (the machine's cores) */
#define IX_FLUSH_ENV	"XAPIAN_FLUSH_THRESHOLD"
#define IX_BULK_FLUSH	"2500"	/* documents a shard holds before it flushes */
#define IX_BULK_CRISIS	64	/* FTS5 segments of a level merged at once while loading */
#define IX_CRISIS	16	/* FTS5's default, restored for the updates after */

/*
 * Tokenizes the fields of the view row q points at (cols: each field's
 * column) into c's stream, as the FTS5 table gets them: a field buyers name
 * marked for pinyin (and never NULL), the others as they are.
 */
static void
chunk_add_row(struct fts_chunk *c, const struct ix_kind *k, sqlite3_stmt *q, const int *cols,
    struct tokenizer *tk, struct buf *marked)
{
	int region = cols[k->nfields], category = cols[k->nfields + 1], owner = cols[k->nfields + 2];

	for (size_t f = 0; f < k->nfields; f++) {
		const char *text = (const char *)sqlite3_column_text(q, cols[f]);
		size_t len = (size_t)sqlite3_column_bytes(q, cols[f]);

		if (k->fields[f].pinyin) {
			buf_reset(marked);
			buf_addstr(marked, TOKENIZE_PINYIN_MARK);
			if (text != NULL)
				buf_add(marked, text, len);
			tokstream_add(c->ts, tk, marked->data, marked->len, TOK_DOCUMENT_PINYIN);
		} else
			tokstream_add(c->ts, tk, text, len, TOK_DOCUMENT);
	}
	c->id[c->n] = sqlite3_column_int64(q, 0);
	c->region[c->n] = sqlite3_column_text(q, region) != NULL ?
	    xstrdup((const char *)sqlite3_column_text(q, region)) : NULL;
	c->category[c->n] = sqlite3_column_text(q, category) != NULL ?
	    xstrdup((const char *)sqlite3_column_text(q, category)) : NULL;
	c->owner[c->n] = owner >= 0 ? sqlite3_column_int64(q, owner) : 0;
	c->n++;
}

/*
 * The columns of the kind's fields, then of its region and category, in
 * the statement q, then of owner_id or -1 (cols has nfields + 3): -1 with
 * *cause if one of the others is missing.
 */
static int
view_columns(const struct ix_kind *k, sqlite3_stmt *q, int *cols, char **cause)
{
	if (k->nfields + 3 > IX_MAX_FIELDS) {
		*cause = xasprintf("%s: %zu fields", k->view, k->nfields);
		return -1;
	}
	for (size_t f = 0; f < k->nfields + 2; f++) {
		const char *want = f < k->nfields ? k->fields[f].column : f == k->nfields ?
		    k->region : k->category;

		cols[f] = -1;
		for (int col = 0; col < sqlite3_column_count(q) && cols[f] < 0; col++)
			if (strcmp(sqlite3_column_name(q, col), want) == 0)
				cols[f] = col;
		if (cols[f] < 0) {
			*cause = xasprintf("索引视图 %s 缺少列 %s / the view %s has no column %s",
			    k->view, want, k->view, want);
			return -1;
		}
	}
	cols[k->nfields + 2] = -1;
	for (int col = 0; col < sqlite3_column_count(q); col++)
		if (strcmp(sqlite3_column_name(q, col), "owner_id") == 0)
			cols[k->nfields + 2] = col;
	return 0;
}

/* Hands *c to the FTS5 writer (*c is then NULL); -1 with b->cause if the writer stopped. */
static int
hand_over(struct xap_build *b, struct fts_chunk **c)
{
	int rc = queue_push(b->queue, *c);

	*c = NULL;
	if (rc != 0)
		b->cause = xstrdup("FTS5 写入已停止 / the FTS5 writer stopped");
	return rc;
}

/*
 * Builds the shard dir/kind.new<shard> from its rows of the kind's view,
 * unsynced, and hands every row's tokens to the FTS5 writer.
 */
static int
xap_build_kind(struct xap_build *b, sqlite3 *db, struct tokenizer *tk, size_t kind)
{
	const struct ix_kind *k = &kinds[kind];
	char *path = xasprintf("%s/%s.new%d", b->dir, k->name, b->shard), *sql = NULL;
	char *err = NULL;
	char idterm[32], seq[32];
	struct xc_db *x = xc_db_open(path, XC_WRITE_BULK, &err);
	struct fts_chunk *c = NULL;
	struct buf marked = { 0 };
	sqlite3_stmt *q = NULL;
	int rc = -1, step, cols[IX_MAX_FIELDS];

	if (x == NULL) {
		b->cause = xap_error(k->name, err);
		free(path);
		return -1;
	}
	/* The view's first column is the item's id (schema.h). */
	sql = xasprintf("SELECT * FROM %s WHERE id > ? AND id <= ? ORDER BY id", k->view);
	if (sqlite3_prepare_v2(db, sql, -1, &q, NULL) != SQLITE_OK) {
		b->cause = sql_error(db, k->view);
		goto done;
	}
	if (view_columns(k, q, cols, &b->cause) != 0)
		goto done;
	sqlite3_bind_int64(q, 1, b->lo[kind]);
	sqlite3_bind_int64(q, 2, b->hi[kind]);
	while ((step = sqlite3_step(q)) == SQLITE_ROW) {
		int64_t id = sqlite3_column_int64(q, 0);
		struct xc_doc *doc;

		if (c == NULL)
			c = chunk_new(kind);
		chunk_add_row(c, k, q, cols, tk, &marked);
		doc = build_doc(tk, k, q, id, c->ts, (c->n - 1) * k->nfields, &err);
		snprintf(idterm, sizeof idterm, "Q%lld", (long long)id);
		if (doc == NULL || xc_db_add(x, idterm, XC_NTS, doc, &err) != 0) {
			xc_doc_free(doc);
			b->cause = xap_error(k->name, err);
			goto done;
		}
		xc_doc_free(doc);
		if (c->n == IX_CHUNK && hand_over(b, &c) != 0)
			goto done;
	}
	if (step != SQLITE_DONE) {
		b->cause = sql_error(db, k->view);
		goto done;
	}
	if (c != NULL && hand_over(b, &c) != 0)
		goto done;
	snprintf(seq, sizeof seq, "%lld", b->seq);
	if (xc_db_set_metadata(x, IX_LAST_SEQ, XC_NTS, seq, strlen(seq), &err) != 0 ||
	    xc_db_commit(x, &err) != 0) {
		b->cause = xap_error(k->name, err);
		goto done;
	}
	rc = 0;
done:
	chunk_free(c);
	buf_free(&marked);
	sqlite3_finalize(q);
	free(sql);
	if (xc_db_close(x, &err) != 0) {
		if (rc == 0) {
			b->cause = xap_error(k->name, err);
			rc = -1;
		} else
			free(err);
	}
	free(path);
	return rc;
}

/* Thread: builds a shard of every kind's Xapian database from one read snapshot of the store. */
static void *
xap_build_main(void *arg)
{
	struct xap_build *b = arg;
	struct tokenizer *tk = NULL;
	sqlite3 *db = NULL;

	b->rc = -1;
	if (sqlite3_open_v2(b->store, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
		b->cause = sql_error(db, "open");
		goto done;
	}
	sqlite3_busy_timeout(db, 10000);
	if ((tk = tokenizer_new(&b->cause)) == NULL)
		goto done;
	if (sqlite3_exec(db, "BEGIN", NULL, NULL, NULL) != SQLITE_OK) {
		b->cause = sql_error(db, "BEGIN");
		goto done;
	}
	b->rc = 0;
	for (size_t k = 0; k < nitems(kinds) && b->rc == 0; k++)
		b->rc = xap_build_kind(b, db, tk, k);
	sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
done:
	queue_producer_done(b->queue);
	tokenizer_free(tk);
	sqlite3_close(db);
	return NULL;
}

/* Writes one chunk's rows into its kind's FTS5 table with q (fts_insert_prepare). */
static int
fts_write_chunk(struct indexer *ix, sqlite3_stmt *q, const struct fts_chunk *c, char **cause)
{
	const struct ix_kind *k = &kinds[c->kind];

	for (size_t i = 0; i < c->n; i++) {
		size_t first = i * k->nfields, len;
		int rc;

		sqlite3_bind_int64(q, 1, c->id[i]);
		for (size_t f = 0; f < k->nfields; f++) {
			const char *text = tokstream_text(c->ts, first + f, &len);

			if (text != NULL)
				sqlite3_bind_text(q, 2 + (int)f, text, (int)len, SQLITE_STATIC);
			else
				sqlite3_bind_null(q, 2 + (int)f);
		}
		if (c->region[i] != NULL)
			sqlite3_bind_text(q, 2 + (int)k->nfields, c->region[i], -1, SQLITE_STATIC);
		else
			sqlite3_bind_null(q, 2 + (int)k->nfields);
		fts5_tok_replay(c->ts, first, k->nfields);
		rc = sqlite3_step(q);
		fts5_tok_replay(NULL, 0, 0);
		sqlite3_reset(q);
		if (rc != SQLITE_DONE) {
			*cause = sql_error(ix->db, k->fts);
			return -1;
		}
	}
	return 0;
}

/* Adds a chunk of products to the serving layer being built, from the same tokens. */
static void
layer_add_chunk(struct serve *layer, struct serve_doc *d, const struct fts_chunk *c)
{
	const struct ix_kind *k = &kinds[c->kind];

	for (size_t i = 0; i < c->n; i++) {
		serve_doc_reset(d, c->id[i], c->region[i], c->category[i]);
		serve_doc_exhibitor(d, c->owner[i]);
		serve_doc_replay(d, k->name, c->ts, i * k->nfields);
		serve_build_add(layer, d);
	}
}

/* Counts a chunk's items for the generic words, from the fields the matcher reads. */
static void
generic_add_chunk(struct generic_stats *gs, const struct fts_chunk *c)
{
	const struct ix_kind *k = &kinds[c->kind];

	for (size_t i = 0; i < c->n; i++) {
		generic_stats_item(gs, c->category[i]);
		for (size_t f = 0; f < k->nfields; f++)
			if (k->fields[f].qweight > 0)
				tokstream_replay(c->ts, i * k->nfields + f, generic_stats_token, gs);
	}
}

/*
 * FTS5 from scratch, on the calling thread (the store's writer), the
 * products' serving layer (laid out later) and the generic words' counts:
 * the rows the shards tokenized, in the order they come, with no automatic
 * merging while they load, and only FTS5's crisis merges, at 64 segments
 * of a level rather than 16, so that each posting is rewritten once before
 * fts_optimize makes a single segment per table (at 1,000,000 products the
 * rebuild's CPU fell by 17 s, 7 %).  FTS5's pending-terms hash keeps its default
 * size (1 MB): at 256 MB, walking its chains took half of this thread's
 * time at 1,000,000 products.  With keep_fts FTS5 is left as it is.  On
 * failure the queue is aborted.
 */
static int
fts_fill(struct indexer *ix, struct fts_queue *queue, struct serve *layer,
    struct generic_stats *gs, int keep_fts, char **cause)
{
	sqlite3_stmt *ins[nitems(kinds)] = { 0 };
	struct serve_doc *d = serve_doc_new(layer);
	struct fts_chunk *c;
	int rc = 0;

	for (size_t k = 0; k < nitems(kinds) && rc == 0 && !keep_fts; k++) {
		const struct ix_kind *kd = &kinds[k];
		char *sql;

		sql = xasprintf("INSERT INTO %1$s (%1$s, rank) VALUES ('automerge', 0);"
		    "INSERT INTO %1$s (%1$s, rank) VALUES ('crisismerge', %2$d)", kd->fts,
		    IX_BULK_CRISIS);
		if (sqlite3_exec(ix->db, sql, NULL, NULL, NULL) != SQLITE_OK)
			rc = -1;
		free(sql);
		if (rc == 0 && (ins[k] = fts_insert_prepare(ix->db, kd)) == NULL)
			rc = -1;
		if (rc != 0)
			*cause = sql_error(ix->db, kd->fts);
	}
	while (rc == 0 && (c = queue_pop(queue)) != NULL) {
		if (!keep_fts)
			rc = fts_write_chunk(ix, ins[c->kind], c, cause);
		if (rc == 0 && strcmp(kinds[c->kind].name, "supply") == 0)
			layer_add_chunk(layer, d, c);
		if (rc == 0)
			generic_add_chunk(gs, c);
		chunk_free(c);
	}
	serve_doc_free(d);
	for (size_t k = 0; k < nitems(kinds); k++)
		sqlite3_finalize(ins[k]);
	if (rc != 0) {
		queue_abort(queue);
		return -1;
	}
	return 0;
}

/* Merges each FTS5 table into one segment and sets its merging back as it was. */
static int
fts_optimize(struct indexer *ix, char **cause)
{
	for (size_t k = 0; k < nitems(kinds); k++) {
		char *sql = xasprintf("INSERT INTO %1$s (%1$s) VALUES ('optimize');"
		    "INSERT INTO %1$s (%1$s, rank) VALUES ('automerge', 4);"
		    "INSERT INTO %1$s (%1$s, rank) VALUES ('crisismerge', %2$d);", kinds[k].fts,
		    IX_CRISIS);
		int rc = sqlite3_exec(ix->db, sql, NULL, NULL, NULL);

		free(sql);
		if (rc != SQLITE_OK) {
			*cause = sql_error(ix->db, kinds[k].fts);
			return -1;
		}
	}
	return 0;
}

/*
 * Merges each kind's shards into dir/kind.new, synced (the shards were
 * written without fsync), and removes the shards.
 */
static int
merge_shards(struct indexer *ix, char **cause)
{
	int rc = 0;

	for (size_t k = 0; k < nitems(kinds) && rc == 0; k++) {
		char *shard[IX_SHARDS], *fresh = xasprintf("%s/%s.new", ix->dir, kinds[k].name);
		char *err = NULL;

		for (int i = 0; i < IX_SHARDS; i++)
			shard[i] = xasprintf("%s%d", fresh, i);
		remove_dir(fresh);
		if (xc_db_compact((const char *const *)shard, IX_SHARDS, fresh, &err) != 0) {
			*cause = xap_error(kinds[k].name, err);
			rc = -1;
		} else if (each_in_dir(fresh, sync_one) != 0) {
			*cause = xasprintf("无法同步索引 %s：%s / cannot sync the index %s: %s", fresh,
			    strerror(errno), fresh, strerror(errno));
			rc = -1;
		}
		for (int i = 0; i < IX_SHARDS; i++) {
			remove_dir(shard[i]);
			free(shard[i]);
		}
		free(fresh);
	}
	return rc;
}

/*
 * The id bounds that split each kind's items into IX_SHARDS ranges of
 * about equal size: shard s takes ids in (lo[s], hi[s]].
 */
static int
shard_bounds(struct indexer *ix, struct xap_build *b, char **cause)
{
	for (size_t k = 0; k < nitems(kinds); k++) {
		long long prev = -1;

		for (int s = 0; s < IX_SHARDS; s++) {
			long long hi = INT64_MAX;

			if (s + 1 < IX_SHARDS) {
				char *sql = xasprintf("SELECT coalesce((SELECT id FROM %1$s ORDER BY id"
				    " LIMIT 1 OFFSET (SELECT count(*) FROM %1$s) * %2$d / %3$d), -1)",
				    kinds[k].view, s + 1, IX_SHARDS);

				hi = indexer_scalar(ix->db, sql);
				free(sql);
				if (hi < -1) {
					*cause = sql_error(ix->db, kinds[k].view);
					return -1;
				}
			}
			b[s].lo[k] = prev;
			b[s].hi[k] = hi;
			prev = hi;
		}
	}
	return 0;
}

/*
 * Puts dir/kind.new in the place of dir/kind for every kind and reopens
 * them.  A crash part way leaves the 'xapian_rebuild' mark, so the next run
 * builds again.
 */
static int
swap_parts(struct indexer *ix, char **cause)
{
	for (size_t k = 0; k < nitems(kinds); k++) {
		char *live = xasprintf("%s/%s", ix->dir, kinds[k].name);
		char *fresh = xasprintf("%s.new", live), *old = xasprintf("%s.old", live);
		char *err = NULL;
		int rc;

		if (xc_db_close(ix->parts[k].x, &err) != 0)
			free(err);
		ix->parts[k].x = NULL;
		rc = remove_dir(old) != 0 || (rename(live, old) != 0 && errno != ENOENT) ||
		    rename(fresh, live) != 0 ? -1 : 0;
		if (rc != 0)
			*cause = xasprintf("无法替换索引 %s：%s / cannot put the new index in place"
			    " (%s): %s", live, strerror(errno), live, strerror(errno));
		else
			remove_dir(old);
		free(live);
		free(fresh);
		free(old);
		if (rc != 0)
			return -1;
	}
	return open_parts(ix, XC_WRITE, cause);
}

/* Waits for the shard threads started; the first failure's message into *cause. */
static int
join_shards(struct xap_build *b, pthread_t *threads, int started, char **cause)
{
	int rc = 0;

	for (int i = 0; i < started; i++) {
		pthread_join(threads[i], NULL);
		if (b[i].rc != 0 && rc == 0) {
			if (cause != NULL) {
				*cause = b[i].cause;
				b[i].cause = NULL;
			}
			rc = -1;
		}
		free(b[i].cause);
		b[i].cause = NULL;
	}
	return rc;
}

/*
 * The rest of the Xapian side of a rebuild, on its own thread while the
 * writer optimizes FTS5: waits for the shards and merges them into
 * dir/kind.new.
 */
struct rebuild_tail {
	struct indexer	*ix;
	struct xap_build *b;
	pthread_t	*threads;
	int		 started;	/* shard threads to join */
	int		 rc;
	char		*cause;		/* when rc != 0; the joiner frees it */
};

static void *
rebuild_tail_main(void *arg)
{
	struct rebuild_tail *t = arg;

	t->rc = join_shards(t->b, t->threads, t->started, &t->cause);
	if (t->rc == 0)
		t->rc = merge_shards(t->ix, &t->cause);
	return NULL;
}

/*
 * The serving layer, on its own thread once every row is in it: laid out
 * as a server would build it now and written (1.3 GB at a million
 * products) to a staged name while the shards merge and the writer
 * optimizes FTS5 and commits; the writer renames the file once the commit
 * stands.  No products: nothing to load, and no file (rc -1, no cause).
 */
struct layer_save {
	struct serve	*layer;
	long long	 high;		/* the log position the layer reflects */
	char		*staged;	/* dir/SERVE_FILE_NAME.new */
	int		 rc;
	char		*cause;		/* when rc != 0; the joiner frees it */
};

static void *
layer_save_main(void *arg)
{
	struct layer_save *s = arg;
	struct serve_stats st;

	serve_build_finish(s->layer, s->high);
	serve_stats(s->layer, &st);
	s->rc = st.docs > 0 ? serve_file_save(s->layer, s->staged, &s->cause) : -1;
	return NULL;
}

/* Removes what a bulk build leaves beside the databases. */
static void
remove_new(struct indexer *ix)
{
	char *staged = xasprintf("%s/%s.new", ix->dir, SERVE_FILE_NAME);

	unlink(staged);
	free(staged);
	for (size_t k = 0; k < nitems(kinds); k++) {
		char *fresh = xasprintf("%s/%s.new", ix->dir, kinds[k].name);

		remove_dir(fresh);
		for (int i = 0; i < IX_SHARDS; i++) {
			char *shard = xasprintf("%s%d", fresh, i);

			remove_dir(shard);
			free(shard);
		}
		free(fresh);
	}
}

/*
 * From scratch, every core busy: IX_SHARDS threads read the last committed
 * snapshot (which this transaction changes only in the indexes), tokenize
 * each item once and build Xapian shards from the tokens; the calling
 * thread's write transaction empties the FTS5 tables and fills them from the
 * same tokens as the shards hand them over (and derives the generic words
 * from them), logs every item again and marks Xapian as being rebuilt
 * ('xapian_rebuild').  While it optimizes FTS5 and commits, one thread
 * merges the shards into dir/kind.new and another lays out the serving
 * layer and writes its file; after the commit the new databases and the
 * file are put in place, and the mark goes.  Killed before the commit,
 * nothing changed; after it, the mark makes the next run rebuild.
 *
 * With keep_fts the FTS5 tables and the log stay as they are: Xapian,
 * the serving layer and the generic words reflect every row (the log's
 * last entry), and the catch-up at the end applies to FTS5 the entries it
 * had not seen.
 */
static int
rebuild(struct indexer *ix, int keep_fts, size_t *applied, ix_progress_fn progress, void *arg,
    char **cause)
{
	struct xap_build b[IX_SHARDS];
	pthread_t threads[IX_SHARDS];
	struct fts_queue queue;
	struct serve *layer;
	struct generic_stats *gs;
	struct rebuild_tail tail = { 0 };
	struct layer_save save = { .rc = -1 };
	pthread_t tail_thread, save_thread;
	const char *file = sqlite3_db_filename(ix->db, "main");
	long long high = 0, n;
	int started = 0, tail_started = 0, save_started = 0, rc = -1, err_no;
	char *sql, *err = NULL, fts_done[160];

	if (applied != NULL)
		*applied = 0;
	if (file == NULL || *file == '\0') {
		*cause = xstrdup("索引需要存放在文件中的数据库 / the indexes need a store in a file");
		return -1;
	}
	if (sqlite3_exec(ix->db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK) {
		*cause = sql_error(ix->db, "BEGIN");
		return -1;
	}
	queue_init(&queue, IX_SHARDS);
	layer = serve_empty("supply");
	gs = generic_stats_new();
	remove_new(ix);
	for (size_t k = 0; k < nitems(kinds) && !keep_fts; k++) {
		sqlite3_finalize(ix->parts[k].fts_del);
		sqlite3_finalize(ix->parts[k].fts_ins);
		ix->parts[k].fts_del = ix->parts[k].fts_ins = NULL;
		if (recreate_fts(ix->db, kinds[k].fts) != 0) {
			*cause = sql_error(ix->db, kinds[k].fts);
			goto fail;
		}
	}
	if ((!keep_fts && sqlite3_exec(ix->db, "DELETE FROM " IX_LOG ";"
	    "INSERT INTO " IX_LOG " (kind, item_id) SELECT 'supply', id FROM " IX_PRODUCTS ";"
	    "INSERT INTO " IX_LOG " (kind, item_id) SELECT 'demand', id FROM " IX_DEMANDS ";",
	    NULL, NULL, NULL) != SQLITE_OK) ||
	    (high = indexer_scalar(ix->db, "SELECT max(coalesce((SELECT max(seq) FROM " IX_LOG
	    "), 0), coalesce((SELECT seq FROM " IX_STATE " WHERE name = 'fts'), 0))")) < 0) {
		*cause = sql_error(ix->db, "rebuild");
		goto fail;
	}
	memset(b, 0, sizeof b);
	if (shard_bounds(ix, b, cause) != 0)
		goto fail;
	/*
	 * Xapian keeps a map per term of the documents not yet flushed; at
	 * 2,500 documents (not 10,000) the shards' inverters spend a fifth
	 * less CPU at 100,000 products.  Read when a shard opens its database;
	 * set once per process (unless the caller set it), never unset, since
	 * other threads may read the environment.
	 */
	if (getenv(IX_FLUSH_ENV) == NULL)
		setenv(IX_FLUSH_ENV, IX_BULK_FLUSH, 0);
	snprintf(fts_done, sizeof fts_done, "UPDATE " IX_STATE " SET seq = %lld WHERE name = 'fts';"
	    "INSERT OR REPLACE INTO " IX_STATE " VALUES ('tokenizer', %d);", high,
	    TOKENIZE_VERSION);
	for (int i = 0; i < IX_SHARDS; i++) {
		b[i].queue = &queue;
		b[i].store = file;
		b[i].dir = ix->dir;
		b[i].shard = i;
		b[i].seq = high;
		if ((err_no = pthread_create(&threads[i], NULL, xap_build_main, &b[i])) != 0) {
			*cause = xasprintf("pthread_create: %s", strerror(err_no));
			/* The shard that did not start produces nothing. */
			for (int j = i; j < IX_SHARDS; j++)
				queue_producer_done(&queue);
			goto fail;
		}
		started++;
	}
	if (fts_fill(ix, &queue, layer, gs, keep_fts, cause) != 0)
		goto fail;
	/*
	 * The shards have handed over every row: the layer and the shards'
	 * merge run beside FTS5's optimize (the layer here if it gets no thread).
	 */
	save = (struct layer_save){ .layer = layer, .high = high, .rc = -1,
	    .staged = xasprintf("%s/%s.new", ix->dir, SERVE_FILE_NAME) };
	if (pthread_create(&save_thread, NULL, layer_save_main, &save) == 0)
		save_started = 1;
	else
		layer_save_main(&save);
	tail = (struct rebuild_tail){ .ix = ix, .b = b, .threads = threads, .started = started };
	if ((err_no = pthread_create(&tail_thread, NULL, rebuild_tail_main, &tail)) != 0) {
		*cause = xasprintf("pthread_create: %s", strerror(err_no));
		goto fail;
	}
	started = 0;
	tail_started = 1;
	if ((!keep_fts && fts_optimize(ix, cause) != 0) || generic_store(ix->db, gs, cause) != 0)
		goto fail;
	sql = xasprintf("%s"
	    "INSERT OR REPLACE INTO " IX_STATE " VALUES ('xapian_rebuild', %lld);"
	    "INSERT OR REPLACE INTO " IX_STATE " VALUES ('serve_file', %lld);"
	    "INSERT OR REPLACE INTO " IX_STATE " VALUES ('serve_file_docs',"
	    " (SELECT count(*) FROM " IX_PRODUCT_TEXT "));", keep_fts ? "" : fts_done, high,
	    high);
	rc = sqlite3_exec(ix->db, sql, NULL, NULL, NULL);
	free(sql);
	if (rc != SQLITE_OK) {
		*cause = sql_error(ix->db, IX_STATE);
		goto fail;
	}
	pthread_join(tail_thread, NULL);
	tail_started = 0;
	if (tail.rc != 0) {
		*cause = tail.cause;
		tail.cause = NULL;
		goto fail;
	}
	if (sqlite3_exec(ix->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
		*cause = sql_error(ix->db, "COMMIT");
		goto fail;
	}
#ifdef FM_FAULT_INJECTION
	/* tests/cli/index_crash.sh: killed with FTS5 rebuilt, Xapian not yet in place. */
	if (getenv("FAIRMATCH_FAULT") != NULL &&
	    strcmp(getenv("FAIRMATCH_FAULT"), "index-between-commits") == 0)
		raise(SIGKILL);
#endif
	if (swap_parts(ix, cause) != 0 || prepare_fts(ix, cause) != 0) {
		rc = -1;
		goto out;
	}
	/* The file in place now that the commit stands. */
	if (save_started) {
		pthread_join(save_thread, NULL);
		save_started = 0;
	}
	sql = xasprintf("%s/%s", ix->dir, SERVE_FILE_NAME);
	rc = save.rc;
	if (rc == 0 && (rename(save.staged, sql) != 0 || fsync_path(ix->dir) != 0))
		rc = -1;
	if (rc != 0) {
		/*
		 * No file (an empty build, or one that could not be written: a
		 * full disk): the file only spares a server its build, so the
		 * rebuild stands; an older file goes, and with it the marks that
		 * would keep the log for it (remove_new, below, clears the staged
		 * name).
		 */
		rc = 0;
		if ((unlink(sql) != 0 && errno != ENOENT) || sqlite3_exec(ix->db, "DELETE FROM "
		    IX_STATE " WHERE name IN ('serve_file', 'serve_file_docs')", NULL, NULL,
		    NULL) != SQLITE_OK) {
			*cause = xasprintf("无法删除 %s：%s / cannot remove %s: %s", sql,
			    strerror(errno), sql, strerror(errno));
			rc = -1;
		}
	}
	free(sql);
	serve_free(layer);
	layer = NULL;
	if (rc != 0)
		goto out;
	ix->stale = 0;
	/*
	 * Both indexes hold everything: the log can go, but for a server's
	 * serving layer (and, with keep_fts, for FTS5's catch-up below).
	 */
	rc = sqlite3_exec(ix->db, "DELETE FROM " IX_STATE " WHERE name = 'xapian_rebuild'", NULL,
	    NULL, NULL) == SQLITE_OK ? 0 : -1;
	sql = log_trim_sql(high);
	if (rc == 0 && !keep_fts && sqlite3_exec(ix->db, sql, NULL, NULL, NULL) != SQLITE_OK)
		rc = -1;
	free(sql);
	if (rc != 0) {
		*cause = sql_error(ix->db, IX_STATE);
		goto out;
	}
	n = indexer_scalar(ix->db, "SELECT (SELECT count(*) FROM " IX_PRODUCTS ") + (SELECT count(*)"
	    " FROM " IX_DEMANDS ")");
	if (n < 0)
		n = 0;
	if (progress != NULL)
		progress((size_t)n, (size_t)n, arg);
	if (applied != NULL)
		*applied = (size_t)n;
	/* Anything logged while this ran, and with keep_fts what FTS5 had not seen. */
	rc = indexer_catch_up(ix, NULL, NULL, NULL, cause);
	goto out;
fail:
	queue_abort(&queue);
	join_shards(b, threads, started, NULL);
	if (tail_started)
		pthread_join(tail_thread, NULL);
	free(tail.cause);
	if (!sqlite3_get_autocommit(ix->db))
		sqlite3_exec(ix->db, "ROLLBACK", NULL, NULL, NULL);
	if (prepare_fts(ix, &err) != 0)
		free(err);
	rc = -1;
out:
	if (save_started)
		pthread_join(save_thread, NULL);
	free(save.staged);
	free(save.cause);
	serve_free(layer);
	generic_stats_free(gs);
	queue_destroy(&queue);
	remove_new(ix);
	return rc;
}

int
indexer_rebuild(struct indexer *ix, size_t *applied, ix_progress_fn progress, void *arg,
    char **cause)
{
	return rebuild(ix, 0, applied, progress, arg, cause);
}

int
indexer_rebuild_keeping_fts(struct indexer *ix, size_t *applied, ix_progress_fn progress,
    void *arg, char **cause)
{
	return rebuild(ix, fts_current(ix->db), applied, progress, arg, cause);
}

long long
indexer_pending(sqlite3 *db, const char *xapian_dir)
{
	long long low = indexer_scalar(db, "SELECT seq FROM " IX_STATE " WHERE name = 'fts'");
	char *sql;
	long long n;

	if (low < 0)
		return -1;
	/* Made by another tokenizer, or a rebuild cut short: every item is to be indexed again. */
	if (rebuild_needed(db))
		return indexer_scalar(db, "SELECT (SELECT count(*) FROM " IX_PRODUCTS ") +"
		    " (SELECT count(*) FROM " IX_DEMANDS ")");
	for (size_t k = 0; k < nitems(kinds); k++) {
		char *path = xasprintf("%s/%s", xapian_dir, kinds[k].name), *err = NULL;
		struct xc_db *x = xc_db_open(path, XC_READ, &err);

		free(path);
		if (x == NULL) {
			free(err);
			low = 0;	/* no index yet: everything is pending */
			continue;
		}
		if (xap_last_seq(x) < low)
			low = xap_last_seq(x);
		xc_db_close(x, &err);
		free(err);
	}
	sql = xasprintf("SELECT count(*) FROM " IX_LOG " WHERE seq > %lld", low);
	n = indexer_scalar(db, sql);
	free(sql);
	return n;
}
