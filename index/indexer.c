/*
 * indexer.c — replaying index_log into FTS5 and Xapian.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "indexer.h"
#include "schema.h"
#include "tokenize.h"
#include "util.h"
#include "xapian_c.h"

#define IX_BATCH	20000	/* items per commit of both indexes */
#define IX_TERM_MAX	240	/* Xapian's limit is 245 bytes */
#define IX_LAST_SEQ	"fairmatch.last_seq"

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
	sqlite3_stmt		*fts_del;
	sqlite3_stmt		*fts_ins;
};

struct indexer {
	sqlite3			*db;
	struct tokenizer	*tk;
	char			*dir;
	int			 stale;		/* indexed by another tokenizer version */
	struct ix_part		 parts[nitems(kinds)];
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

static long long
sql_scalar(sqlite3 *db, const char *sql)
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

/* Prepares the statements that write the FTS5 tables. */
static int
prepare_fts(struct indexer *ix, char **cause)
{
	for (size_t k = 0; k < nitems(kinds); k++) {
		struct ix_part *p = &ix->parts[k];
		struct buf cols = { 0 };
		char *sql;

		struct buf vals = { 0 };

		/* Short fields carry the mark that asks the tokenizer for pinyin. */
		for (size_t f = 0; f < kinds[k].nfields; f++) {
			const struct ix_field *fl = &kinds[k].fields[f];

			buf_addf(&cols, ", %s", fl->column);
			if (fl->pinyin)
				buf_addf(&vals, ", '%s' || coalesce(%s, '')", TOKENIZE_PINYIN_MARK,
				    fl->column);
			else
				buf_addf(&vals, ", %s", fl->column);
		}
		sql = xasprintf("DELETE FROM %s WHERE rowid = ?", kinds[k].fts);
		sqlite3_prepare_v2(ix->db, sql, -1, &p->fts_del, NULL);
		free(sql);
		sql = xasprintf("INSERT INTO %s (rowid%s, region) SELECT id%s, %s FROM %s"
		    " WHERE id = ?", kinds[k].fts, cols.data, vals.data, kinds[k].region,
		    kinds[k].view);
		buf_free(&vals);
		sqlite3_prepare_v2(ix->db, sql, -1, &p->fts_ins, NULL);
		free(sql);
		buf_free(&cols);
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
	}
	/* Text indexed by another tokenizer must be indexed again. */
	if (sql_scalar(db, "SELECT coalesce((SELECT seq FROM " IX_STATE " WHERE name ="
	    " 'tokenizer'), 0)") != TOKENIZE_VERSION)
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

/* Builds the Xapian document of the row p->row points at. */
static struct xc_doc *
build_doc(struct indexer *ix, struct ix_part *p, int64_t id, char **err)
{
	struct doc_ctx c = { .doc = xc_doc_new() };
	sqlite3_stmt *r = p->row;
	char data[32];
	int rc = 0;

	for (int col = 0; col < sqlite3_column_count(r) && rc == 0; col++) {
		const char *name = sqlite3_column_name(r, col);
		const char *text = (const char *)sqlite3_column_text(r, col);

		if (text == NULL)
			continue;
		for (size_t f = 0; f < p->kind->nfields && rc == 0; f++) {
			if (strcmp(name, p->kind->fields[f].column) != 0)
				continue;
			c.prefix = p->kind->fields[f].prefix;
			/*
			 * Xapian serves the matcher, whose queries are demands
			 * written in characters: pinyin is the kiosk's, in FTS5.
			 */
			rc = tokenize(ix->tk, text, (size_t)sqlite3_column_bytes(r, col),
			    TOK_DOCUMENT, doc_token, &c);
		}
		if (rc != 0)
			break;
		if (strcmp(name, p->kind->region) == 0) {
			rc = doc_filter(c.doc, "XR", text, &c.err);
			if (rc == 0)
				rc = xc_doc_set_value(c.doc, IX_SLOT_REGION, text, XC_NTS, &c.err);
		} else if (strcmp(name, p->kind->category) == 0) {
			rc = doc_filter(c.doc, "XC", text, &c.err);
			if (rc == 0)
				rc = xc_doc_set_value(c.doc, IX_SLOT_CATEGORY, text, XC_NTS, &c.err);
		} else if (strcmp(name, "price_min") == 0 || strcmp(name, "price_max") == 0)
			rc = xc_doc_set_value_double(c.doc, name[6] == 'i' ? IX_SLOT_PRICE_MIN :
			    IX_SLOT_PRICE_MAX, sqlite3_column_double(r, col), &c.err);
		else if (strcmp(name, "buyer_type") == 0)
			rc = doc_filter(c.doc, "XT", text, &c.err);
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

/* Reindexes one item in the indexes that have not seen seq. */
static int
apply_item(struct indexer *ix, const struct ix_item *it, long long fts_seq, char **cause)
{
	struct ix_part *p = &ix->parts[it->part];
	char idterm[32], *err = NULL;
	int exists, rc = 0;

	if (it->seq > fts_seq) {
		sqlite3_bind_int64(p->fts_del, 1, it->id);
		sqlite3_bind_int64(p->fts_ins, 1, it->id);
		if (sqlite3_step(p->fts_del) != SQLITE_DONE || sqlite3_step(p->fts_ins) != SQLITE_DONE)
			rc = -1;
		sqlite3_reset(p->fts_del);
		sqlite3_reset(p->fts_ins);
		if (rc != 0) {
			*cause = sql_error(ix->db, p->kind->fts);
			return -1;
		}
	}
	if (it->seq <= p->seq)
		return 0;
	snprintf(idterm, sizeof idterm, "Q%lld", (long long)it->id);
	sqlite3_bind_int64(p->row, 1, it->id);
	exists = sqlite3_step(p->row) == SQLITE_ROW;
	if (exists) {
		struct xc_doc *doc = build_doc(ix, p, it->id, &err);

		rc = doc == NULL ? -1 : xc_db_replace(p->x, idterm, XC_NTS, doc, NULL, &err);
		xc_doc_free(doc);
	} else
		rc = xc_db_delete(p->x, idterm, XC_NTS, &err);
	sqlite3_reset(p->row);
	if (rc != 0) {
		*cause = xap_error(p->kind->name, err);
		return -1;
	}
	return 0;
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

int
indexer_catch_up(struct indexer *ix, size_t *applied, ix_progress_fn progress, void *arg,
    char **cause)
{
	long long fts_seq = sql_scalar(ix->db, "SELECT seq FROM " IX_STATE " WHERE name = 'fts'");
	long long high = sql_scalar(ix->db, "SELECT coalesce(max(seq), 0) FROM " IX_LOG);
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
		}
	}
	if (commit_batch(ix, high, cause) != 0)
		goto fail;
	for (size_t k = 0; k < nitems(kinds); k++)
		ix->parts[k].seq = high;
	/* Both indexes hold everything up to high: the log before it can go. */
	{
		/* Kept for a server's serving layer that has not read them yet. */
		char *sql = xasprintf("DELETE FROM " IX_LOG " WHERE seq <= min(%lld, coalesce((SELECT"
		    " seq FROM " IX_STATE " WHERE name = 'serve'), %lld))", high, high);

		sqlite3_exec(ix->db, sql, NULL, NULL, NULL);
		free(sql);
	}
	if (progress != NULL && n > 0)
		progress(n, n, arg);
	if (applied != NULL)
		*applied = n;
	rc = 0;
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

int
indexer_rebuild(struct indexer *ix, size_t *applied, ix_progress_fn progress, void *arg,
    char **cause)
{
	char *sql;
	int rc = 0;

	/* Log every item again and forget what either index had. */
	if (sqlite3_exec(ix->db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK)
		rc = -1;
	for (size_t k = 0; k < nitems(kinds) && rc == 0; k++) {
		sqlite3_finalize(ix->parts[k].fts_del);
		sqlite3_finalize(ix->parts[k].fts_ins);
		ix->parts[k].fts_del = ix->parts[k].fts_ins = NULL;
		rc = recreate_fts(ix->db, kinds[k].fts);
	}
	sql = xasprintf("DELETE FROM " IX_LOG ";"
	    "INSERT INTO " IX_LOG " (kind, item_id) SELECT 'supply', id FROM " IX_PRODUCTS ";"
	    "INSERT INTO " IX_LOG " (kind, item_id) SELECT 'demand', id FROM " IX_DEMANDS ";"
	    "UPDATE " IX_STATE " SET seq = 0 WHERE name = 'fts';"
	    "INSERT OR REPLACE INTO " IX_STATE " VALUES ('tokenizer', %d); COMMIT;",
	    TOKENIZE_VERSION);
	if (rc == 0 && sqlite3_exec(ix->db, sql, NULL, NULL, NULL) != SQLITE_OK)
		rc = -1;
	free(sql);
	if (rc == 0)
		rc = prepare_fts(ix, cause);
	else
		*cause = sql_error(ix->db, "rebuild");
	if (rc != 0) {
		if (!sqlite3_get_autocommit(ix->db))
			sqlite3_exec(ix->db, "ROLLBACK", NULL, NULL, NULL);
		return -1;
	}
	for (size_t k = 0; k < nitems(kinds); k++) {
		char *err = NULL;

		if (xc_db_close(ix->parts[k].x, &err) != 0)
			free(err);
		ix->parts[k].x = NULL;
	}
	if (open_parts(ix, XC_WRITE_NEW, cause) != 0)
		return -1;
	return indexer_catch_up(ix, applied, progress, arg, cause);
}

long long
indexer_pending(sqlite3 *db, const char *xapian_dir)
{
	long long low = sql_scalar(db, "SELECT seq FROM " IX_STATE " WHERE name = 'fts'");
	char *sql;
	long long n;

	if (low < 0)
		return -1;
	/* Made by another tokenizer: every item is to be indexed again. */
	if (sql_scalar(db, "SELECT coalesce((SELECT seq FROM " IX_STATE " WHERE name ="
	    " 'tokenizer'), 0)") != TOKENIZE_VERSION)
		return sql_scalar(db, "SELECT (SELECT count(*) FROM " IX_PRODUCTS ") +"
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
	n = sql_scalar(db, sql);
	free(sql);
	return n;
}
