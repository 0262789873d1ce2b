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

#include "generic.h"
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

/*
 * Whether every item must be indexed again: the indexes were made by
 * another tokenizer version, or a rebuild committed FTS5 but was cut short
 * before its Xapian databases were in place ('xapian_rebuild').
 */
static int
rebuild_needed(sqlite3 *db)
{
	char *sql = xasprintf("SELECT coalesce((SELECT seq FROM " IX_STATE " WHERE name ="
	    " 'tokenizer'), 0) != %d OR EXISTS (SELECT 1 FROM " IX_STATE " WHERE name ="
	    " 'xapian_rebuild')", TOKENIZE_VERSION);
	long long v = sql_scalar(db, sql);

	free(sql);
	return v != 0;
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
 * Prepares the statements that write the FTS5 tables, in place of any
 * still prepared (a rebuild that failed part way finalized only some).
 */
static int
prepare_fts(struct indexer *ix, char **cause)
{
	for (size_t k = 0; k < nitems(kinds); k++) {
		struct ix_part *p = &ix->parts[k];
		struct buf cols = { 0 };
		char *sql;

		sqlite3_finalize(p->fts_del);
		sqlite3_finalize(p->fts_ins);
		p->fts_del = p->fts_ins = NULL;

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

/* Builds the Xapian document of kind from the view row r points at. */
static struct xc_doc *
build_doc(struct tokenizer *tk, const struct ix_kind *kind, sqlite3_stmt *r, int64_t id,
    char **err)
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
			/*
			 * Xapian serves the matcher, whose queries are demands
			 * written in characters: pinyin is the kiosk's, in FTS5.
			 */
			rc = tokenize(tk, text, (size_t)sqlite3_column_bytes(r, col),
			    TOK_DOCUMENT, doc_token, &c);
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
		struct xc_doc *doc = build_doc(ix->tk, p->kind, p->row, it->id, &err);

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
 * One shard of the Xapian half of a from-scratch build: a range of each
 * kind's ids, on its own thread, connection and tokenizer.  The shards are
 * merged in id order afterwards (xc_db_compact), so documents are numbered
 * as a replay of the log would number them.
 */
struct xap_build {
	const char	*store;		/* the store's database file */
	const char	*dir;		/* the indexer's; the shard goes to dir/kind.new<shard> */
	int		 shard;
	int64_t		 lo[nitems(kinds)];	/* ids in (lo, hi] per kind */
	int64_t		 hi[nitems(kinds)];
	long long	 seq;		/* the log position the build reflects */
	int		 rc;
	char		*cause;		/* when rc != 0; the joiner frees it */
};

#define IX_SHARDS	2	/* Xapian shards built at once (the machine's cores) */
#define IX_FLUSH_ENV	"XAPIAN_FLUSH_THRESHOLD"
#define IX_BULK_FLUSH	"2500"	/* documents a shard holds before it flushes */

/* Builds the shard dir/kind.new<shard> from its rows of the kind's view, unsynced. */
static int
xap_build_kind(struct xap_build *b, sqlite3 *db, struct tokenizer *tk, size_t kind)
{
	const struct ix_kind *k = &kinds[kind];
	char *path = xasprintf("%s/%s.new%d", b->dir, k->name, b->shard), *sql = NULL;
	char *err = NULL;
	char idterm[32], seq[32];
	struct xc_db *x = xc_db_open(path, XC_WRITE_BULK, &err);
	sqlite3_stmt *q = NULL;
	int rc = -1, step;

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
	sqlite3_bind_int64(q, 1, b->lo[kind]);
	sqlite3_bind_int64(q, 2, b->hi[kind]);
	while ((step = sqlite3_step(q)) == SQLITE_ROW) {
		int64_t id = sqlite3_column_int64(q, 0);
		struct xc_doc *doc = build_doc(tk, k, q, id, &err);

		snprintf(idterm, sizeof idterm, "Q%lld", (long long)id);
		if (doc == NULL || xc_db_add(x, idterm, XC_NTS, doc, &err) != 0) {
			xc_doc_free(doc);
			b->cause = xap_error(k->name, err);
			goto done;
		}
		xc_doc_free(doc);
	}
	if (step != SQLITE_DONE) {
		b->cause = sql_error(db, k->view);
		goto done;
	}
	snprintf(seq, sizeof seq, "%lld", b->seq);
	if (xc_db_set_metadata(x, IX_LAST_SEQ, XC_NTS, seq, strlen(seq), &err) != 0 ||
	    xc_db_commit(x, &err) != 0) {
		b->cause = xap_error(k->name, err);
		goto done;
	}
	rc = 0;
done:
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
	tokenizer_free(tk);
	sqlite3_close(db);
	return NULL;
}

/*
 * FTS5 from scratch: the whole view in one statement, with no automatic
 * merging while it loads (only FTS5's crisis merges), then one optimize
 * into a single segment per table.  FTS5's pending-terms hash keeps its
 * default size (1 MB): at 256 MB, walking its chains took half of this
 * thread's time at 1,000,000 products.
 */
static int
fts_bulk(struct indexer *ix, char **cause)
{
	for (size_t k = 0; k < nitems(kinds); k++) {
		const struct ix_kind *kd = &kinds[k];
		struct buf cols = { 0 }, vals = { 0 };
		char *sql;
		int rc;

		for (size_t f = 0; f < kd->nfields; f++) {
			buf_addf(&cols, ", %s", kd->fields[f].column);
			if (kd->fields[f].pinyin)
				buf_addf(&vals, ", '%s' || coalesce(%s, '')", TOKENIZE_PINYIN_MARK,
				    kd->fields[f].column);
			else
				buf_addf(&vals, ", %s", kd->fields[f].column);
		}
		sql = xasprintf("INSERT INTO %1$s (%1$s, rank) VALUES ('automerge', 0);"
		    "INSERT INTO %1$s (rowid%2$s, region) SELECT id%3$s, %4$s FROM %5$s;"
		    "INSERT INTO %1$s (%1$s) VALUES ('optimize');"
		    "INSERT INTO %1$s (%1$s, rank) VALUES ('automerge', 4);",
		    kd->fts, cols.data, vals.data, kd->region, kd->view);
		rc = sqlite3_exec(ix->db, sql, NULL, NULL, NULL);
		free(sql);
		buf_free(&cols);
		buf_free(&vals);
		if (rc != SQLITE_OK) {
			*cause = sql_error(ix->db, kd->fts);
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

				hi = sql_scalar(ix->db, sql);
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

/* Removes what a bulk build leaves beside the databases. */
static void
remove_new(struct indexer *ix)
{
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
 * From scratch, every core busy: one write transaction empties and fills
 * the FTS5 tables (the whole view in one statement), logs every item again
 * and marks Xapian as being rebuilt ('xapian_rebuild'); meanwhile IX_SHARDS
 * threads build Xapian shards from the last committed snapshot, which that
 * transaction changes only in the indexes.  After the commit the shards are
 * merged and put in place, and the mark goes.  Killed before the commit,
 * nothing changed; after it, the mark makes the next run rebuild.
 */
int
indexer_rebuild(struct indexer *ix, size_t *applied, ix_progress_fn progress, void *arg,
    char **cause)
{
	struct xap_build b[IX_SHARDS];
	pthread_t threads[IX_SHARDS];
	const char *file = sqlite3_db_filename(ix->db, "main");
	long long high = 0, n;
	int started = 0, rc = -1;
	char *sql, *err = NULL;

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
	remove_new(ix);
	for (size_t k = 0; k < nitems(kinds); k++) {
		sqlite3_finalize(ix->parts[k].fts_del);
		sqlite3_finalize(ix->parts[k].fts_ins);
		ix->parts[k].fts_del = ix->parts[k].fts_ins = NULL;
		if (recreate_fts(ix->db, kinds[k].fts) != 0) {
			*cause = sql_error(ix->db, kinds[k].fts);
			goto fail;
		}
	}
	if (sqlite3_exec(ix->db, "DELETE FROM " IX_LOG ";"
	    "INSERT INTO " IX_LOG " (kind, item_id) SELECT 'supply', id FROM " IX_PRODUCTS ";"
	    "INSERT INTO " IX_LOG " (kind, item_id) SELECT 'demand', id FROM " IX_DEMANDS ";",
	    NULL, NULL, NULL) != SQLITE_OK ||
	    (high = sql_scalar(ix->db, "SELECT coalesce(max(seq), 0) FROM " IX_LOG)) < 0) {
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
	for (int i = 0; i < IX_SHARDS; i++) {
		b[i].store = file;
		b[i].dir = ix->dir;
		b[i].shard = i;
		b[i].seq = high;
		if (pthread_create(&threads[i], NULL, xap_build_main, &b[i]) != 0) {
			*cause = xasprintf("pthread_create: %s", strerror(errno));
			goto fail;
		}
		started++;
	}
	if (fts_bulk(ix, cause) != 0)
		goto fail;
	sql = xasprintf("UPDATE " IX_STATE " SET seq = %lld WHERE name = 'fts';"
	    "INSERT OR REPLACE INTO " IX_STATE " VALUES ('tokenizer', %d);"
	    "INSERT OR REPLACE INTO " IX_STATE " VALUES ('xapian_rebuild', %lld);",
	    high, TOKENIZE_VERSION, high);
	rc = sqlite3_exec(ix->db, sql, NULL, NULL, NULL);
	free(sql);
	if (rc != SQLITE_OK) {
		*cause = sql_error(ix->db, IX_STATE);
		goto fail;
	}
	rc = join_shards(b, threads, started, cause);
	started = 0;
	if (rc != 0)
		goto fail;
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
	if (merge_shards(ix, cause) != 0 || swap_parts(ix, cause) != 0 ||
	    prepare_fts(ix, cause) != 0) {
		rc = -1;
		goto out;
	}
	ix->stale = 0;
	/* Both indexes hold everything: the log can go, but for a server's serving layer. */
	sql = xasprintf("DELETE FROM " IX_STATE " WHERE name = 'xapian_rebuild';"
	    "DELETE FROM " IX_LOG " WHERE seq <= min(%lld, coalesce((SELECT seq FROM " IX_STATE
	    " WHERE name = 'serve'), %lld))", high, high);
	rc = sqlite3_exec(ix->db, sql, NULL, NULL, NULL) == SQLITE_OK ? 0 : -1;
	free(sql);
	if (rc != 0) {
		*cause = sql_error(ix->db, IX_STATE);
		goto out;
	}
	n = sql_scalar(ix->db, "SELECT (SELECT count(*) FROM " IX_PRODUCTS ") + (SELECT count(*)"
	    " FROM " IX_DEMANDS ")");
	if (n < 0)
		n = 0;
	if (progress != NULL)
		progress((size_t)n, (size_t)n, arg);
	if (applied != NULL)
		*applied = (size_t)n;
	rc = generic_refresh(ix->db, ix->tk, (size_t)n, cause);
	/* Anything logged while this ran. */
	if (rc == 0)
		rc = indexer_catch_up(ix, NULL, NULL, NULL, cause);
	goto out;
fail:
	join_shards(b, threads, started, NULL);
	if (!sqlite3_get_autocommit(ix->db))
		sqlite3_exec(ix->db, "ROLLBACK", NULL, NULL, NULL);
	if (prepare_fts(ix, &err) != 0)
		free(err);
	rc = -1;
out:
	remove_new(ix);
	return rc;
}

long long
indexer_pending(sqlite3 *db, const char *xapian_dir)
{
	long long low = sql_scalar(db, "SELECT seq FROM " IX_STATE " WHERE name = 'fts'");
	char *sql;
	long long n;

	if (low < 0)
		return -1;
	/* Made by another tokenizer, or a rebuild cut short: every item is to be indexed again. */
	if (rebuild_needed(db))
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
