/*
 * sync.c — changesets between sites with SQLite's session extension.
 *
 * For each peer the box keeps a snapshot (DATA/sync/peer-ID.db) of the
 * synced tables as the peer is known to hold them.  Export is
 * sqlite3session_diff from the snapshot to the store: everything the peer
 * has not acknowledged, so each file carries all earlier ones and any of
 * them may be lost.  The snapshot moves forward when the peer acknowledges
 * a changeset (the "ack" of its next file) and by what the peer sends.
 * Import is sqlite3changeset_apply with a conflict handler that settles by
 * ownership and keeps the rest for the organiser; applying a change whose
 * result is already there is a no-op, so every apply is idempotent.
 */
#define SQLITE_ENABLE_SESSION 1
#define SQLITE_ENABLE_PREUPDATE_HOOK 1
#include <sqlite3.h>

#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "blob.h"
#include "indexing.h"
#include "sync.h"
#include "sync_int.h"
#include "sync_pack.h"

/*
 * The synced tables and who owns them.  Local things (accounts, sessions,
 * jobs, links, the indexes and their log) never travel: indexes are
 * rebuilt from the index log each box writes as changes are applied.
 */
struct sync_table {
	const char	*name;
	enum sync_role	 owner;
	const char	*fair_columns;	/* columns a fair box owns in a province row, " a b ";
					   "" for a table a fair box only adds rows to */
};

static const struct sync_table sync_tables[] = {
	{ "uploads", SYNC_ROLE_PROVINCE, NULL },
	{ "suppliers", SYNC_ROLE_PROVINCE, "" },	/* a walk-in's company */
	{ "products", SYNC_ROLE_PROVINCE, NULL },
	{ "buyers", SYNC_ROLE_PROVINCE, "" },
	{ "demands", SYNC_ROLE_PROVINCE, NULL },
	{ "fairs", SYNC_ROLE_PROVINCE, NULL },
	{ "fair_cities", SYNC_ROLE_PROVINCE, NULL },
	{ "fair_provinces", SYNC_ROLE_PROVINCE, NULL },
	{ "fair_days", SYNC_ROLE_PROVINCE, NULL },
	{ "fair_slots", SYNC_ROLE_PROVINCE, NULL },
	{ "fair_tables", SYNC_ROLE_PROVINCE, NULL },
	{ "participants", SYNC_ROLE_PROVINCE, " checked_in_at no_show walk_in " },
	{ "participant_unavailable", SYNC_ROLE_PROVINCE, NULL },
	{ "candidates", SYNC_ROLE_PROVINCE, NULL },
	{ "province_targets", SYNC_ROLE_PROVINCE, NULL },
	{ "city_targets", SYNC_ROLE_PROVINCE, NULL },
	{ "schedule_versions", SYNC_ROLE_FAIR, NULL },
	{ "version_meetings", SYNC_ROLE_FAIR, NULL },
	{ "meeting_requests", SYNC_ROLE_FAIR, NULL },
	{ "meetings", SYNC_ROLE_FAIR, NULL },
	{ "outcomes", SYNC_ROLE_FAIR, NULL },
	{ "outcome_history", SYNC_ROLE_FAIR, NULL },
	{ "outcome_evidence", SYNC_ROLE_FAIR, NULL },
};

/*
 * The crash test (tests/cli/sync_interleave.sh) dies at these points, named
 * by FAIRMATCH_FAULT.  Only test builds have the hook (CMake FM_FAULT_INJECTION).
 */
static void
fault_point(const char *name)
{
#ifdef FM_FAULT_INJECTION
	const char *want = getenv("FAIRMATCH_FAULT");

	if (want != NULL && strcmp(want, name) == 0)
		raise(SIGKILL);
#endif
}

/* Tables whose rows name a kept file in their sha256 column. */
static const char *const file_tables[] = { "uploads", "outcome_evidence" };

static const struct sync_table *
table_find(const char *name)
{
	for (size_t i = 0; i < nitems(sync_tables); i++)
		if (strcmp(sync_tables[i].name, name) == 0)
			return &sync_tables[i];
	return NULL;
}

/*
 * Whether a site of role from sends table t's changes to one of role to:
 * what it owns, and to a replica everything; a replica owns nothing.
 */
static int
table_sent(const struct sync_table *t, enum sync_role from, enum sync_role to)
{
	if (from == SYNC_ROLE_REPLICA)
		return 0;
	return to == SYNC_ROLE_REPLICA || t->owner == from ||
	    (from == SYNC_ROLE_FAIR && t->fair_columns != NULL);
}

/* A table's column names, in order; caller frees with columns_free. */
struct columns {
	char	**names;
	int	  n;
};

static int
columns_load(sqlite3 *db, const char *schema, const char *table, struct columns *c)
{
	char *sql = sqlite3_mprintf("PRAGMA %Q.table_info(%Q)", schema, table);
	sqlite3_stmt *q;
	int rc;

	memset(c, 0, sizeof *c);
	rc = sqlite3_prepare_v2(db, sql, -1, &q, NULL);
	sqlite3_free(sql);
	if (rc != SQLITE_OK)
		return -1;
	while (sqlite3_step(q) == SQLITE_ROW) {
		c->names = xreallocarray(c->names, (size_t)c->n + 1, sizeof *c->names);
		c->names[c->n++] = xstrdup((const char *)sqlite3_column_text(q, 1));
	}
	return sqlite3_finalize(q) == SQLITE_OK ? 0 : -1;
}

static void
columns_free(struct columns *c)
{
	for (int i = 0; i < c->n; i++)
		free(c->names[i]);
	free(c->names);
	memset(c, 0, sizeof *c);
}

/* DATA/sync/peer-ID.db, or .out-N for the changeset made as N; caller frees. */
static char *
peer_path(struct store *st, int64_t peer, const char *what, int64_t n)
{
	if (what == NULL)
		return xasprintf("%s/sync/peer-%lld.db", store_dir(st), (long long)peer);
	return xasprintf("%s/sync/peer-%lld.%s-%lld", store_dir(st), (long long)peer, what,
	    (long long)n);
}

/* SQLite's words about db as a message naming what failed. */
static char *
db_words(sqlite3 *db, const char *what)
{
	return xasprintf("同步失败（%s）：%s / sync failed (%s): %s", what, sqlite3_errmsg(db), what,
	    sqlite3_errmsg(db));
}

/*
 * Opens the peer's snapshot, made with the store's synced tables if new and
 * given any column the store has gained since.  NULL with *cause.
 */
static sqlite3 *
snapshot_open(struct store *st, int64_t peer, char **cause)
{
	char *dir = xasprintf("%s/sync", store_dir(st)), *path = peer_path(st, peer, NULL, 0);
	sqlite3 *main_db = store_db(st), *snap = NULL;

	if (mkdir_p(dir, 0700) == -1) {
		*cause = xasprintf("无法创建 %s：%s / cannot make %s: %s", dir, strerror(errno), dir,
		    strerror(errno));
		goto fail;
	}
	if (sqlite3_open_v2(path, &snap, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE |
	    SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK ||
	    sqlite3_exec(snap, "PRAGMA journal_mode = WAL; BEGIN IMMEDIATE", NULL, NULL, NULL) !=
	    SQLITE_OK) {
		*cause = db_words(snap, path);
		goto fail;
	}
	sqlite3_busy_timeout(snap, 10000);
	for (size_t i = 0; i < nitems(sync_tables); i++) {
		const char *name = sync_tables[i].name;
		struct columns have, want;
		sqlite3_stmt *q;
		int rc = 0;

		if (columns_load(snap, "main", name, &have) != 0) {
			*cause = db_words(snap, name);
			goto fail;
		}
		if (have.n == 0) {
			if (sqlite3_prepare_v2(main_db, "SELECT sql FROM sqlite_master WHERE type = 'table'"
			    " AND name = ?", -1, &q, NULL) != SQLITE_OK) {
				*cause = db_words(main_db, name);
				goto fail;
			}
			sqlite3_bind_text(q, 1, name, -1, SQLITE_STATIC);
			if (sqlite3_step(q) == SQLITE_ROW)
				rc = sqlite3_exec(snap, (const char *)sqlite3_column_text(q, 0), NULL, NULL,
				    NULL);
			sqlite3_finalize(q);
			if (rc != SQLITE_OK) {
				*cause = db_words(snap, name);
				goto fail;
			}
			continue;
		}
		if (columns_load(main_db, "main", name, &want) != 0) {
			columns_free(&have);
			*cause = db_words(main_db, name);
			goto fail;
		}
		/* A migration added columns: add them too, in the same order. */
		for (int c = have.n; c < want.n && rc == SQLITE_OK; c++) {
			char *sql = sqlite3_mprintf("ALTER TABLE %Q ADD COLUMN %Q", name, want.names[c]);

			rc = sqlite3_exec(snap, sql, NULL, NULL, NULL);
			sqlite3_free(sql);
		}
		columns_free(&have);
		columns_free(&want);
		if (rc != SQLITE_OK) {
			*cause = db_words(snap, name);
			goto fail;
		}
	}
	if (sqlite3_exec(snap, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
		*cause = db_words(snap, path);
		goto fail;
	}
	free(dir);
	free(path);
	return snap;
fail:
	sqlite3_close_v2(snap);
	free(dir);
	free(path);
	return NULL;
}

/* Conflict handler for a snapshot: it takes whatever it is given. */
static int
snapshot_take(void *ctx, int conflict, sqlite3_changeset_iter *it)
{
	return conflict == SQLITE_CHANGESET_DATA || conflict == SQLITE_CHANGESET_CONFLICT ?
	    SQLITE_CHANGESET_REPLACE : SQLITE_CHANGESET_OMIT;
}

/* Applies changeset to the snapshot, all of it. */
static int
snapshot_apply(sqlite3 *snap, const void *p, size_t n, char **cause)
{
	if (n == 0)
		return 0;
	if (sqlite3changeset_apply(snap, (int)n, (void *)p, NULL, snapshot_take, NULL) !=
	    SQLITE_OK) {
		*cause = db_words(snap, "snapshot");
		return -1;
	}
	return 0;
}

/*
 * The changeset that turns the snapshot into the store for the tables this
 * site sends, read in one transaction; *p is sqlite3_malloc'ed.
 */
static int
changeset_diff(struct store *st, int64_t peer, enum sync_role role, enum sync_role to,
    void **p, int *n,
    char **cause)
{
	sqlite3 *db = store_db(st);
	sqlite3_session *s = NULL;
	char *path = peer_path(st, peer, NULL, 0), *sql, *err = NULL;
	int rc = -1;

	*p = NULL;
	*n = 0;
	sql = sqlite3_mprintf("ATTACH DATABASE %Q AS sync_snap", path);
	free(path);
	if (sqlite3_exec(db, sql, NULL, NULL, NULL) != SQLITE_OK) {
		sqlite3_free(sql);
		*cause = store_error(st, "ATTACH sync_snap");
		return -1;
	}
	sqlite3_free(sql);
	if (store_exec(st, "BEGIN", cause) != 0)
		goto out;
	if (sqlite3session_create(db, "main", &s) != SQLITE_OK) {
		*cause = store_error(st, "sqlite3session_create");
		goto out;
	}
	for (size_t i = 0; i < nitems(sync_tables); i++) {
		if (!table_sent(&sync_tables[i], role, to))
			continue;
		if (sqlite3session_attach(s, sync_tables[i].name) != SQLITE_OK ||
		    sqlite3session_diff(s, "sync_snap", sync_tables[i].name, &err) != SQLITE_OK) {
			*cause = xasprintf("同步失败（%s）：%s / sync failed (%s): %s",
			    sync_tables[i].name, err ? err : sqlite3_errmsg(db), sync_tables[i].name,
			    err ? err : sqlite3_errmsg(db));
			sqlite3_free(err);
			goto out;
		}
	}
	if (sqlite3session_changeset(s, n, p) != SQLITE_OK) {
		*cause = store_error(st, "sqlite3session_changeset");
		goto out;
	}
	rc = 0;
out:
	if (s != NULL)
		sqlite3session_delete(s);
	store_rollback(st);
	sqlite3_exec(db, "DETACH DATABASE sync_snap", NULL, NULL, NULL);
	return rc;
}

/* The column of table called name, or -1. */
static int
column_index(const struct columns *c, const char *name)
{
	for (int i = 0; i < c->n; i++)
		if (strcmp(c->names[i], name) == 0)
			return i;
	return -1;
}

/* The files a changeset carries: their hashes, lengths and bytes, one after another. */
struct carried {
	char		**sha;		/* owned strings */
	size_t		 *len;
	size_t		  n;
	struct buf	  bytes;
};

static void
carried_free(struct carried *c)
{
	for (size_t i = 0; i < c->n; i++)
		free(c->sha[i]);
	free(c->sha);
	free(c->len);
	buf_free(&c->bytes);
	memset(c, 0, sizeof *c);
}

/* The SHA-256s of the kept files the changeset's new uploads and evidence rows name, each once. */
static json_t *
changeset_shas(struct store *st, const void *p, int n)
{
	struct columns cols[nitems(file_tables)];
	struct strset *seen = strset_new();
	sqlite3_changeset_iter *it;
	json_t *shas = json_array();

	for (size_t i = 0; i < nitems(file_tables); i++)
		if (columns_load(store_db(st), "main", file_tables[i], &cols[i]) != 0)
			fatal("%s: cannot read the columns of %s", __func__, file_tables[i]);
	if (n > 0 && sqlite3changeset_start(&it, n, (void *)p) == SQLITE_OK) {
		while (sqlite3changeset_next(it) == SQLITE_ROW) {
			const char *tab;
			int ncol, op, ind, col;
			sqlite3_value *v;

			sqlite3changeset_op(it, &tab, &ncol, &op, &ind);
			for (size_t i = 0; i < nitems(file_tables) && op != SQLITE_DELETE; i++)
				if (strcmp(tab, file_tables[i]) == 0 &&
				    (col = column_index(&cols[i], "sha256")) >= 0 &&
				    sqlite3changeset_new(it, col, &v) == SQLITE_OK && v != NULL &&
				    sqlite3_value_type(v) == SQLITE_TEXT &&
				    strset_add(seen, (const char *)sqlite3_value_text(v)))
					json_array_append_new(shas,
					    json_string((const char *)sqlite3_value_text(v)));
		}
		sqlite3changeset_finalize(it);
	}
	for (size_t i = 0; i < nitems(file_tables); i++)
		columns_free(&cols[i]);
	strset_free(seen);
	return shas;
}

/* The files named in shas that this box has, read into c, but those the peer holds. */
static int
changeset_files(struct store *st, json_t *shas, const struct strset *held, struct carried *c,
    char **cause)
{
	json_t *v;
	size_t i;

	json_array_foreach(shas, i, v) {
		const char *sha = json_string_value(v);
		char *path;
		size_t before = c->bytes.len;
		int rc = 0;

		if (held != NULL && strset_has(held, sha))
			continue;
		path = store_blob_path(st, sha);
		if (access(path, R_OK) == 0 && (rc = sync_read_file(path, &c->bytes, cause)) == 0) {
			c->sha = xreallocarray(c->sha, c->n + 1, sizeof *c->sha);
			c->len = xreallocarray(c->len, c->n + 1, sizeof *c->len);
			c->sha[c->n] = xstrdup(sha);
			c->len[c->n++] = c->bytes.len - before;
		}
		free(path);
		if (rc != 0)
			return -1;
	}
	return 0;
}

/* Counts the changeset's changes. */
static long
changeset_count(const void *p, size_t n)
{
	sqlite3_changeset_iter *it;
	long count = 0;

	if (n == 0 || sqlite3changeset_start(&it, (int)n, (void *)p) != SQLITE_OK)
		return 0;
	while (sqlite3changeset_next(it) == SQLITE_ROW)
		count++;
	sqlite3changeset_finalize(it);
	return count;
}

/* UPDATE sync_peers SET column = v WHERE id = peer, for a column named here. */
static int
peer_set(struct store *st, int64_t peer, const char *sql, int64_t v, char **cause)
{
	sqlite3_stmt *q;

	if (store_query_id(st, sql, peer, &q, cause) != 0)
		return -1;
	sqlite3_bind_int64(q, 2, v);
	if (store_run(st, q, cause) != 0) {
		store_finish(st, q, NULL);
		return -1;
	}
	return store_finish(st, q, cause);
}

/* The trusted peer called name; -1 with *cause naming it if unknown. */
static int
peer_known(struct store *st, const char *name, struct sync_peer *peer, char **cause)
{
	int found = sync_peer_find(st, name, peer, cause);

	if (found == 0)
		*cause = xasprintf("未知站点“%s”：请先用 fairmatch sync trust 信任它的名片 / unknown"
		    " site \"%s\": trust its card first with `fairmatch sync trust`", name, name);
	return found > 0 ? 0 : -1;
}

int
sync_export(struct store *st, const char *peer_name, sync_held_fn held_fn, void *held_arg,
    struct buf *out, struct sync_report *r, char **cause)
{
	struct strset *held = NULL;
	json_t *shas = NULL;
	struct carried files = { 0 };
	struct sync_peer peer;
	enum sync_role role;
	char *self = NULL, *path = NULL;
	void *cs = NULL;
	int n = 0, rc = -1;
	sqlite3 *snap;
	int64_t seq;

	memset(r, 0, sizeof *r);
	if (sync_site_get(st, &self, &role, cause) != 0)
		return -1;
	if (peer_known(st, peer_name, &peer, cause) != 0) {
		free(self);
		return -1;
	}
	if ((snap = snapshot_open(st, peer.id, cause)) == NULL)
		goto out;
	sqlite3_close_v2(snap);
	if (changeset_diff(st, peer.id, role, peer.role, &cs, &n, cause) != 0)
		goto out;
	shas = changeset_shas(st, cs, n);
	if (held_fn != NULL && json_array_size(shas) > 0)
		held = held_fn(held_arg, shas);
	if (changeset_files(st, shas, held, &files, cause) != 0)
		goto out;

	/* Kept until the peer acknowledges it, to move its snapshot forward then. */
	seq = peer.out_seq + 1;
	path = peer_path(st, peer.id, "out", seq);
	if (sync_write_file(path, cs != NULL ? cs : "", (size_t)n, 0600, cause) != 0 ||
	    peer_set(st, peer.id, "UPDATE sync_peers SET out_seq = ?2 WHERE id = ?1", seq,
	    cause) != 0)
		goto out;

	sync_pack_head(out, self, peer.name, seq, peer.in_seq, (size_t)n);
	for (size_t i = 0; i < files.n; i++)
		buf_addf(out, "file %s %zu\n", files.sha[i], files.len[i]);
	buf_addc(out, '\n');
	buf_add(out, cs != NULL ? cs : "", (size_t)n);
	buf_add(out, files.bytes.data != NULL ? files.bytes.data : "", files.bytes.len);
	if (sync_pack_seal(st, out, cause) != 0)
		goto out;
	r->peer = xstrdup(peer.name);
	r->seq = seq;
	r->changes = changeset_count(cs, (size_t)n);
	r->files = (long)files.n;
	r->held = (long)(json_array_size(shas) - files.n);
	rc = 0;
out:
	if (held != NULL)
		strset_free(held);
	json_decref(shas);
	carried_free(&files);
	sqlite3_free(cs);
	sync_peer_free(&peer);
	free(self);
	free(path);
	return rc;
}

/* What applying one changeset needs to settle its conflicts. */
struct apply_ctx {
	enum sync_role	 peer_role;	/* the sender's */
	enum sync_role	 self_role;	/* a replica takes whatever its box sends */
	int		 guarded;	/* a fair box's changeset at the province: guard_install */
	int64_t		 peer_base;	/* the sender's range of row ids starts past this */
	json_t		*conflicts;	/* [{tbl, key, op, reason, theirs}] kept for the organiser */
	struct columns	 cols[nitems(sync_tables)];	/* each synced table's columns */
};

/* Whether a value equals another (same type and bytes; NULL equals NULL). */
static int
value_equal(sqlite3_value *a, sqlite3_value *b)
{
	int t = sqlite3_value_type(a);

	if (t != sqlite3_value_type(b))
		return 0;
	switch (t) {
	case SQLITE_NULL:
		return 1;
	case SQLITE_INTEGER:
		return sqlite3_value_int64(a) == sqlite3_value_int64(b);
	case SQLITE_FLOAT:
		return sqlite3_value_double(a) == sqlite3_value_double(b);
	default:
		return sqlite3_value_bytes(a) == sqlite3_value_bytes(b) &&
		    (sqlite3_value_bytes(a) == 0 || memcmp(sqlite3_value_blob(a),
		    sqlite3_value_blob(b), (size_t)sqlite3_value_bytes(a)) == 0);
	}
}

/* A value as JSON for a person reading the conflict list. */
static json_t *
value_json(sqlite3_value *v)
{
	json_t *j = NULL;

	if (v == NULL)
		return json_null();
	switch (sqlite3_value_type(v)) {
	case SQLITE_INTEGER:
		return json_integer(sqlite3_value_int64(v));
	case SQLITE_FLOAT:
		return json_real(sqlite3_value_double(v));
	case SQLITE_TEXT:
		j = json_stringn((const char *)sqlite3_value_text(v), (size_t)sqlite3_value_bytes(v));
		break;
	case SQLITE_BLOB:
		j = json_sprintf("<%d bytes>", sqlite3_value_bytes(v));
		break;
	}
	return j != NULL ? j : json_null();
}

/* Whether every value the change sets is already what the row holds. */
static int
change_already_there(sqlite3_changeset_iter *it, int ncol)
{
	for (int i = 0; i < ncol; i++) {
		sqlite3_value *want, *have;

		if (sqlite3changeset_new(it, i, &want) != SQLITE_OK || want == NULL)
			continue;		/* a column the update leaves alone */
		if (sqlite3changeset_conflict(it, i, &have) != SQLITE_OK || !value_equal(want, have))
			return 0;
	}
	return 1;
}

/*
 * Whether the row an insert ran into is the sender's own, sent again with
 * newer values (each file repeats what was not acknowledged), rather than
 * another row that happens to have its key: another fair's meeting, a
 * walk-in the fair box added.  The columns that say whose a row is agree.
 */
static int
insert_same_row(const struct columns *c, sqlite3_changeset_iter *it, int ncol)
{
	static const char *const scope[] = { "fair_id", "meeting_id", "version_id", "walk_in" };

	for (int i = 0; i < ncol && i < c->n; i++) {
		sqlite3_value *want, *have;

		for (size_t k = 0; k < nitems(scope); k++)
			if (strcmp(c->names[i], scope[k]) == 0 &&
			    (sqlite3changeset_new(it, i, &want) != SQLITE_OK || want == NULL ||
			    sqlite3changeset_conflict(it, i, &have) != SQLITE_OK ||
			    !value_equal(want, have)))
				return 0;
	}
	return 1;
}

/* The role that owns what an update changes: a fair's check-in columns, or the table's owner. */
static enum sync_role
change_owner(const struct sync_table *t, const struct columns *c, sqlite3_changeset_iter *it,
    int op, int ncol)
{
	if (t->fair_columns == NULL || op != SQLITE_UPDATE)
		return t->owner;
	for (int i = 0; i < ncol && i < c->n; i++) {
		sqlite3_value *v;
		char word[80];

		if (sqlite3changeset_new(it, i, &v) != SQLITE_OK || v == NULL)
			continue;
		snprintf(word, sizeof word, " %s ", c->names[i]);
		if (strstr(t->fair_columns, word) == NULL)
			return t->owner;
	}
	return SYNC_ROLE_FAIR;
}

static const char *
op_name(int op)
{
	return op == SQLITE_INSERT ? "insert" : op == SQLITE_UPDATE ? "update" : "delete";
}

/* Keeps a change ownership did not settle, with the sender's values, for the organiser. */
static void
conflict_keep(struct apply_ctx *ctx, const struct columns *c, sqlite3_changeset_iter *it,
    const char *tab, int op, int ncol, const char *reason)
{
	json_t *key = json_array(), *theirs = json_object();
	unsigned char *pk;
	int npk;

	sqlite3changeset_pk(it, &pk, &npk);
	for (int i = 0; i < ncol; i++) {
		sqlite3_value *v = NULL;

		if (pk[i]) {
			if (op == SQLITE_INSERT)
				sqlite3changeset_new(it, i, &v);
			else
				sqlite3changeset_old(it, i, &v);
			json_array_append_new(key, value_json(v));
		}
		if (op != SQLITE_DELETE && sqlite3changeset_new(it, i, &v) == SQLITE_OK && v != NULL &&
		    i < c->n)
			json_object_set_new(theirs, c->names[i], value_json(v));
	}
	json_array_append_new(ctx->conflicts, json_pack("{s:s, s:o, s:s, s:s, s:o}", "tbl", tab,
	    "key", key, "op", op_name(op), "reason", reason, "theirs", theirs));
}

/*
 * Whether a change is a fair box's update or delete of a row of the
 * province's that it does not own: a row it did not make (outside its range
 * of ids), or, in a participant's row, a column other than the check-in ones.
 */
static int
change_not_sender_row(const struct apply_ctx *ctx, const struct sync_table *t,
    const struct columns *c, sqlite3_changeset_iter *it, int op, int ncol)
{
	int idcol = column_index(c, "id");
	sqlite3_value *id;

	if (!ctx->guarded || t->owner != SYNC_ROLE_PROVINCE || t->fair_columns == NULL ||
	    op == SQLITE_INSERT || idcol < 0 || sqlite3changeset_old(it, idcol, &id) != SQLITE_OK ||
	    id == NULL)
		return 0;
	if (sqlite3_value_int64(id) > ctx->peer_base &&
	    sqlite3_value_int64(id) <= ctx->peer_base + STORE_SITE_SPAN)
		return 0;
	return op == SQLITE_DELETE || change_owner(t, c, it, op, ncol) != SYNC_ROLE_FAIR;
}

/*
 * A fair box owns, of the province's tables, only the rows it made (its
 * walk-ins and their companies, numbered in its range) and a participant's
 * check-in columns.  While its changeset is applied at the province,
 * temporary triggers refuse its other updates and deletes of those tables:
 * each raises a constraint error, which apply_conflict keeps for the
 * organiser.  Without them such a change, meeting no conflict, would
 * silently overwrite the province's row.  The province's snapshot still
 * takes the change, so its next changeset carries its own row back.
 */
static int
guard_install(struct store *st, const struct apply_ctx *ctx, char **cause)
{
	int64_t lo = ctx->peer_base, hi = ctx->peer_base + STORE_SITE_SPAN;

	for (size_t i = 0; i < nitems(sync_tables) && ctx->guarded; i++) {
		const struct sync_table *t = &sync_tables[i];
		struct buf changed = { 0 };
		char *sql;
		int rc;

		if (t->owner != SYNC_ROLE_PROVINCE || t->fair_columns == NULL)
			continue;
		/* Any column but the fair box's own. */
		for (int k = 0; k < ctx->cols[i].n; k++) {
			char word[80], *one;

			snprintf(word, sizeof word, " %s ", ctx->cols[i].names[k]);
			if (strstr(t->fair_columns, word) != NULL)
				continue;
			one = sqlite3_mprintf("%s old.\"%w\" IS NOT new.\"%w\"",
			    changed.len > 0 ? " OR" : "", ctx->cols[i].names[k],
			    ctx->cols[i].names[k]);
			buf_addstr(&changed, one);
			sqlite3_free(one);
		}
		buf_addc(&changed, '\0');
		sql = sqlite3_mprintf("CREATE TEMP TRIGGER \"sync_guard_%w_u\" BEFORE UPDATE ON"
		    " main.\"%w\" WHEN NOT (old.id > %lld AND old.id <= %lld) AND (%s) BEGIN"
		    " SELECT RAISE(ABORT, 'not the sender''s row'); END;"
		    "CREATE TEMP TRIGGER \"sync_guard_%w_d\" BEFORE DELETE ON main.\"%w\""
		    " WHEN NOT (old.id > %lld AND old.id <= %lld) BEGIN"
		    " SELECT RAISE(ABORT, 'not the sender''s row'); END;", t->name, t->name,
		    (long long)lo, (long long)hi, changed.data != NULL && changed.data[0] != '\0' ?
		    changed.data : "0", t->name, t->name, (long long)lo, (long long)hi);
		rc = store_exec(st, sql, cause);
		sqlite3_free(sql);
		buf_free(&changed);
		if (rc != 0)
			return -1;
	}
	return 0;
}

/*
 * Drops guard_install's triggers, if there are any, inside the apply's
 * transaction (so that they go with its commit, or come back with a
 * rollback that also undoes their creation); 0, or -1 with *cause if
 * cause is not NULL.
 */
static int
guard_remove(struct store *st, char **cause)
{
	for (size_t i = 0; i < nitems(sync_tables); i++) {
		char *sql;
		int rc;

		if (sync_tables[i].owner != SYNC_ROLE_PROVINCE || sync_tables[i].fair_columns == NULL)
			continue;
		sql = sqlite3_mprintf("DROP TRIGGER IF EXISTS temp.\"sync_guard_%w_u\";"
		    "DROP TRIGGER IF EXISTS temp.\"sync_guard_%w_d\"", sync_tables[i].name,
		    sync_tables[i].name);
		rc = sqlite3_exec(store_db(st), sql, NULL, NULL, NULL);
		sqlite3_free(sql);
		if (rc != SQLITE_OK) {
			if (cause != NULL)
				*cause = store_error(st, "DROP TRIGGER");
			return -1;
		}
	}
	return 0;
}

/* Only the tables the sender sends are applied; anything else in its file is ignored. */
static int
apply_filter(void *arg, const char *tab)
{
	struct apply_ctx *ctx = arg;
	const struct sync_table *t = table_find(tab);

	return t != NULL && table_sent(t, ctx->peer_role, ctx->self_role);
}

/*
 * Settles a conflict by ownership: the owner's change wins over a change
 * made here, and its row sent again replaces the older copy; a change
 * already there is skipped; the rest (a row deleted here, a key another
 * row holds, a broken rule, a change to what the sender does not own) is
 * kept for the organiser and this box's row stays.
 */
static int
apply_conflict(void *arg, int conflict, sqlite3_changeset_iter *it)
{
	struct apply_ctx *ctx = arg;
	const struct sync_table *t;
	const struct columns *c;
	const char *tab;
	int ncol, op, ind;

	sqlite3changeset_op(it, &tab, &ncol, &op, &ind);
	t = table_find(tab);
	c = &ctx->cols[t - sync_tables];
	/* A replica is a copy: its box's row is the row. */
	if (ctx->self_role == SYNC_ROLE_REPLICA && conflict != SQLITE_CHANGESET_CONSTRAINT)
		return snapshot_take(NULL, conflict, it);
	switch (conflict) {
	case SQLITE_CHANGESET_DATA:
		if (op == SQLITE_UPDATE && change_already_there(it, ncol))
			return SQLITE_CHANGESET_OMIT;
		if (change_owner(t, c, it, op, ncol) == ctx->peer_role)
			return SQLITE_CHANGESET_REPLACE;
		conflict_keep(ctx, c, it, tab, op, ncol, "这一行在本站也改过，且不归发送方所有 / changed"
		    " here too, and the sender does not own it");
		return SQLITE_CHANGESET_OMIT;
	case SQLITE_CHANGESET_NOTFOUND:
		if (op == SQLITE_UPDATE)
			conflict_keep(ctx, c, it, tab, op, ncol, "这一行在本站已删除 / the row was"
			    " deleted here");
		return SQLITE_CHANGESET_OMIT;
	case SQLITE_CHANGESET_CONFLICT:
		if (change_already_there(it, ncol))
			return SQLITE_CHANGESET_OMIT;
		if (t->owner == ctx->peer_role && insert_same_row(c, it, ncol))
			return SQLITE_CHANGESET_REPLACE;
		conflict_keep(ctx, c, it, tab, op, ncol, "本站已有同一主键的另一行 / another row here"
		    " has the same key");
		return SQLITE_CHANGESET_OMIT;
	case SQLITE_CHANGESET_CONSTRAINT:
		if (change_not_sender_row(ctx, t, c, it, op, ncol))
			conflict_keep(ctx, c, it, tab, op, ncol, "这一行归省里所有，展会站点不能修改或删除"
			    " / the province owns this row: a fair's box may not change or delete it");
		else
			conflict_keep(ctx, c, it, tab, op, ncol, "违反本站的约束（唯一、检查或触发器） /"
			    " it breaks a rule here (unique, check or trigger)");
		return SQLITE_CHANGESET_OMIT;
	default:
		return SQLITE_CHANGESET_OMIT;
	}
}

/*
 * References the applied rows left without their parent (foreign keys are
 * off while applying, as the sender's changeset already holds its
 * cascades): kept for the organiser, except accounts, which are each box's
 * own.
 */
static void
dangling_keep(struct store *st, struct apply_ctx *ctx)
{
	sqlite3_stmt *q;

	if (sqlite3_prepare_v2(store_db(st), "PRAGMA foreign_key_check", -1, &q, NULL) !=
	    SQLITE_OK)
		return;
	while (sqlite3_step(q) == SQLITE_ROW) {
		const char *tab = (const char *)sqlite3_column_text(q, 0);
		const char *parent = (const char *)sqlite3_column_text(q, 2);

		if (strcmp(parent, "users") == 0 || table_find(tab) == NULL)
			continue;
		json_array_append_new(ctx->conflicts, json_pack("{s:s, s:[I], s:s, s:s, s:{}}",
		    "tbl", tab, "key", (json_int_t)sqlite3_column_int64(q, 1), "op", "reference",
		    "reason", parent, "theirs"));
	}
	sqlite3_finalize(q);
}

/* Records the conflicts kept, each once while it is unsettled. */
static int
conflicts_record(struct store *st, const char *peer, int64_t seq, json_t *conflicts,
    char **cause)
{
	sqlite3_stmt *q;
	size_t i;
	json_t *c;
	int rc = 0;

	if (store_query(st, "INSERT INTO sync_conflicts (peer, seq, tbl, row_key, op, reason, theirs)"
	    " SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?7 WHERE NOT EXISTS (SELECT 1 FROM sync_conflicts WHERE"
	    " settled_at IS NULL AND peer = ?1 AND tbl = ?3 AND row_key = ?4 AND op = ?5 AND"
	    " theirs = ?7)", &q, cause) != 0)
		return -1;
	json_array_foreach(conflicts, i, c) {
		char *key = json_dumps(json_object_get(c, "key"), JSON_COMPACT);
		char *theirs = json_dumps(json_object_get(c, "theirs"), JSON_COMPACT | JSON_SORT_KEYS);
		const char *reason = json_string_value(json_object_get(c, "reason"));
		char *why = strcmp(json_string_value(json_object_get(c, "op")), "reference") == 0 ?
		    xasprintf("引用的 %s 行不存在 / refers to a %s row this box does not have", reason,
		    reason) : xstrdup(reason);

		sqlite3_bind_text(q, 1, peer, -1, SQLITE_STATIC);
		sqlite3_bind_int64(q, 2, seq);
		sqlite3_bind_text(q, 3, json_string_value(json_object_get(c, "tbl")), -1,
		    SQLITE_STATIC);
		sqlite3_bind_text(q, 4, key, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(q, 5, json_string_value(json_object_get(c, "op")), -1,
		    SQLITE_STATIC);
		sqlite3_bind_text(q, 6, why, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(q, 7, theirs, -1, SQLITE_TRANSIENT);
		rc = store_run(st, q, cause);
		free(key);
		free(theirs);
		free(why);
		if (rc != 0)
			break;
	}
	if (rc != 0) {
		store_finish(st, q, NULL);
		return -1;
	}
	return store_finish(st, q, cause);
}

/*
 * Keeps the carried files the store does not have yet, straight from the
 * changeset file, before the rows naming them commit: each file fsynced,
 * each directory once.
 */
static int
files_keep(struct store *st, const struct sync_pack *p, long *kept, char **cause)
{
	struct blob_dirs dirs = { { 0 } };

	for (size_t i = 0; i < p->nfiles; i++) {
		int created = 0;

		if (store_blob_keep_bytes(st, p->files[i].data, p->files[i].len, p->files[i].sha,
		    &dirs, &created, cause) != 0)
			return -1;
		*kept += created;
	}
	return store_blob_sync_dirs(st, &dirs, cause);
}

/*
 * Applies the checked changeset in one transaction with the peer's new
 * position: a crash leaves either all of it or none.
 */
static int
apply_changeset(struct store *st, const struct sync_peer *peer, const struct sync_pack *p,
    struct apply_ctx *ctx, char **cause)
{
	int64_t acked = p->ack > peer->acked_seq && p->ack <= peer->out_seq ? p->ack :
	    peer->acked_seq;
	char *fk_cause = NULL, *snap;
	sqlite3_stmt *q;
	int64_t in_seq;
	int rc = -1;

	if (store_exec(st, "PRAGMA foreign_keys = OFF", cause) != 0)
		return -1;
	if (store_begin(st, cause) != 0)
		goto out;
	/* Checked again under the write lock: another import from this peer may have won. */
	if (store_query_id(st, "SELECT in_seq FROM sync_peers WHERE id = ?", peer->id, &q,
	    cause) != 0)
		goto out;
	in_seq = sqlite3_step(q) == SQLITE_ROW ? sqlite3_column_int64(q, 0) : INT64_MAX;
	if (store_finish(st, q, cause) != 0)
		goto out;
	if (in_seq >= p->seq) {
		*cause = xasprintf("站点“%s”的第 %lld 号同步文件已导入过，未做改动 / changeset %lld"
		    " from \"%s\" was already applied: nothing changed", peer->name,
		    (long long)p->seq, (long long)p->seq, peer->name);
		goto out;
	}
	if (guard_install(st, ctx, cause) != 0)
		goto out;
	if (p->changeset_len > 0 && sqlite3changeset_apply(store_db(st), (int)p->changeset_len,
	    (void *)p->changeset, apply_filter, apply_conflict, ctx) != SQLITE_OK) {
		*cause = store_error(st, "sqlite3changeset_apply");
		goto out;
	}
	dangling_keep(st, ctx);
	/*
	 * An acknowledgement going backwards comes from a peer restored from a
	 * backup: it lost what it applied since.  Its snapshot goes, before
	 * the commit (a crash then only makes it bigger), so that the next
	 * changeset for it carries everything.
	 */
	if (p->ack < peer->acked_seq) {
		acked = p->ack;
		snap = peer_path(st, peer->id, NULL, 0);
		if (unlink(snap) != 0 && errno != ENOENT) {
			*cause = xasprintf("无法删除 %s：%s / cannot remove %s: %s", snap,
			    strerror(errno), snap, strerror(errno));
			free(snap);
			goto out;
		}
		free(snap);
	}
	if (guard_remove(st, cause) != 0 ||
	    conflicts_record(st, peer->name, p->seq, ctx->conflicts, cause) != 0 ||
	    peer_set(st, peer->id, "UPDATE sync_peers SET in_seq = ?2 WHERE id = ?1", p->seq,
	    cause) != 0 ||
	    peer_set(st, peer->id, "UPDATE sync_peers SET acked_seq = ?2 WHERE id = ?1", acked,
	    cause) != 0)
		goto out;
	fault_point("sync-before-commit");
	if (store_commit(st, cause) != 0)
		goto out;
	fault_point("sync-after-commit");
	rc = 0;
out:
	store_rollback(st);
	guard_remove(st, NULL);	/* a rollback took them already: nothing left to drop */
	if (store_exec(st, "PRAGMA foreign_keys = ON", &fk_cause) != 0) {
		if (rc == 0)
			*cause = fk_cause;
		else
			free(fk_cause);
		rc = -1;
	}
	return rc;
}

/*
 * Removes the changesets made for peer up to ack, which it acknowledged.
 * Read from the directory, as a restored box's numbers jump (sync_restored).
 */
static void
out_files_drop(struct store *st, int64_t peer, int64_t ack)
{
	char *dir = xasprintf("%s/sync", store_dir(st));
	char *prefix = xasprintf("peer-%lld.out-", (long long)peer);
	DIR *d = opendir(dir);
	struct dirent *e;

	while (d != NULL && (e = readdir(d)) != NULL) {
		char *end, *path;
		long long n;

		if (strncmp(e->d_name, prefix, strlen(prefix)) != 0)
			continue;
		n = strtoll(e->d_name + strlen(prefix), &end, 10);
		if (*end != '\0' || n > ack)
			continue;
		path = xasprintf("%s/%s", dir, e->d_name);
		unlink(path);
		free(path);
	}
	if (d != NULL)
		closedir(d);
	free(prefix);
	free(dir);
}

/*
 * Moves the peer's snapshot forward: to ours as of the changeset it
 * acknowledges, then by what it sent.  After the commit, so that a crash
 * leaves the snapshot behind (the next file repeats what is already there,
 * which changes nothing) rather than ahead (which would lose changes).
 */
static int
snapshot_forward(struct store *st, const struct sync_peer *peer, const struct sync_pack *p,
    char **cause)
{
	struct buf acked = { 0 };
	sqlite3 *snap;
	char *path;
	int rc = -1;

	if ((snap = snapshot_open(st, peer->id, cause)) == NULL)
		return -1;
	if (p->ack > peer->acked_seq && p->ack <= peer->out_seq) {
		path = peer_path(st, peer->id, "out", p->ack);
		if (access(path, F_OK) == 0 && (sync_read_file(path, &acked, cause) != 0 ||
		    snapshot_apply(snap, acked.data, acked.len, cause) != 0)) {
			free(path);
			goto out;
		}
		free(path);
		out_files_drop(st, peer->id, p->ack);
	}
	if (snapshot_apply(snap, p->changeset, p->changeset_len, cause) != 0)
		goto out;
	rc = 0;
out:
	buf_free(&acked);
	sqlite3_close_v2(snap);
	return rc;
}

int
sync_import(struct store *st, const void *data, size_t len, struct sync_report *r,
    char **cause)
{
	struct apply_ctx ctx = { 0 };
	struct sync_peer peer = { 0 };
	struct sync_pack p;
	enum sync_role role;
	char *self = NULL;
	int rc = -1;

	memset(r, 0, sizeof *r);
	if (sync_pack_parse(data, len, &p, cause) != 0)
		return -1;
	if (sync_site_get(st, &self, &role, cause) != 0 ||
	    peer_known(st, p.from, &peer, cause) != 0 ||
	    sync_verify(peer.public_key, data, p.signed_len, p.sig, cause) != 0)
		goto out;
	if (strcmp(p.to, self) != 0) {
		*cause = xasprintf("这个同步文件是发给站点“%s”的，本站是“%s” / this sync file is for"
		    " the site \"%s\"; this box is \"%s\"", p.to, self, p.to, self);
		goto out;
	}
	if (p.seq <= peer.in_seq) {
		r->peer = xstrdup(peer.name);
		r->seq = p.seq;
		rc = 1;
		*cause = xasprintf("站点“%s”的第 %lld 号同步文件已导入过（已到第 %lld 号），未做改动 /"
		    " changeset %lld from \"%s\" was already applied (up to %lld here): nothing"
		    " changed", p.from, (long long)p.seq, (long long)peer.in_seq, (long long)p.seq,
		    p.from, (long long)peer.in_seq);
		goto out;
	}
	if (sync_pack_check_files(&p, cause) != 0 || files_keep(st, &p, &r->files, cause) != 0)
		goto out;
	ctx.peer_role = peer.role;
	ctx.self_role = role;
	ctx.guarded = role == SYNC_ROLE_PROVINCE && peer.role == SYNC_ROLE_FAIR;
	ctx.peer_base = sync_id_base(peer.name, peer.role);
	ctx.conflicts = json_array();
	for (size_t i = 0; i < nitems(sync_tables); i++)
		if (columns_load(store_db(st), "main", sync_tables[i].name, &ctx.cols[i]) != 0) {
			*cause = store_error(st, sync_tables[i].name);
			goto out;
		}
	if (apply_changeset(st, &peer, &p, &ctx, cause) != 0 ||
	    snapshot_forward(st, &peer, &p, cause) != 0 ||
	    indexing_update(st, 0, NULL, cause) != 0)
		goto out;
	r->peer = xstrdup(peer.name);
	r->seq = p.seq;
	r->changes = changeset_count(p.changeset, p.changeset_len);
	r->conflicts = (long)json_array_size(ctx.conflicts);
	rc = 0;
out:
	for (size_t i = 0; i < nitems(sync_tables); i++)
		columns_free(&ctx.cols[i]);
	json_decref(ctx.conflicts);
	sync_peer_free(&peer);
	sync_pack_free(&p);
	free(self);
	return rc;
}

json_t *
sync_files_held(struct store *st, json_t *shas)
{
	json_t *held = json_array(), *v;
	size_t i;

	json_array_foreach(shas, i, v) {
		const char *sha = json_string_value(v);
		char *path;

		if (sha == NULL || strlen(sha) != 64 || strspn(sha, "0123456789abcdef") != 64)
			continue;
		path = store_blob_path(st, sha);
		if (access(path, R_OK) == 0)
			json_array_append_new(held, json_string(sha));
		free(path);
	}
	return held;
}

int
sync_restored(struct store *st, char **cause)
{
	return store_exec(st, "UPDATE sync_peers SET out_seq = out_seq + 1000000", cause);
}

void
sync_report_free(struct sync_report *r)
{
	free(r->peer);
	memset(r, 0, sizeof *r);
}

json_t *
sync_conflicts(struct store *st, char **cause)
{
	json_t *list = json_array();
	sqlite3_stmt *q;

	if (store_query(st, "SELECT id, peer, seq, tbl, row_key, op, reason, theirs, at"
	    " FROM sync_conflicts WHERE settled_at IS NULL ORDER BY id", &q, cause) != 0) {
		json_decref(list);
		return NULL;
	}
	while (sqlite3_step(q) == SQLITE_ROW)
		json_array_append_new(list, json_pack("{s:I, s:s, s:I, s:s, s:o?, s:s, s:s, s:o?,"
		    " s:s}", "id", (json_int_t)sqlite3_column_int64(q, 0),
		    "peer", (const char *)sqlite3_column_text(q, 1),
		    "seq", (json_int_t)sqlite3_column_int64(q, 2),
		    "table", (const char *)sqlite3_column_text(q, 3),
		    "key", json_loads((const char *)sqlite3_column_text(q, 4), 0, NULL),
		    "op", (const char *)sqlite3_column_text(q, 5),
		    "reason", (const char *)sqlite3_column_text(q, 6),
		    "theirs", json_loads((const char *)sqlite3_column_text(q, 7), 0, NULL),
		    "at", (const char *)sqlite3_column_text(q, 8)));
	if (store_finish(st, q, cause) != 0) {
		json_decref(list);
		return NULL;
	}
	return list;
}

int
sync_settle(struct store *st, int64_t id, const char *who, char **cause)
{
	sqlite3_stmt *q;

	if (store_query_id(st, "UPDATE sync_conflicts SET settled_at = strftime('%Y-%m-%dT%H:%M:%SZ',"
	    " 'now'), settled_by = ?2 WHERE id = ?1 AND settled_at IS NULL", id, &q, cause) != 0)
		return -1;
	sqlite3_bind_text(q, 2, who, -1, SQLITE_STATIC);
	if (store_run(st, q, cause) != 0) {
		store_finish(st, q, NULL);
		return -1;
	}
	if (store_finish(st, q, cause) != 0)
		return -1;
	if (sqlite3_changes(store_db(st)) == 0) {
		*cause = xasprintf("没有未处理的同步冲突 %lld / there is no unsettled sync conflict %lld",
		    (long long)id, (long long)id);
		return -1;
	}
	return 0;
}
