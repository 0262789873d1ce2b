/*
 * backup.c — backups of a data directory, and restoring them.
 *
 * A backup is a zip: fairmatch.db (a VACUUM INTO snapshot, consistent while
 * the server writes), uploads/ab/abcd… (every kept original and piece of
 * evidence), link.key (the key the personal links' tokens are derived under,
 * so that the QR codes already printed still open their pages on the
 * restored box), the sync state (sync.key, the site's signing key, and
 * sync/: each peer's snapshot and the changesets it has not acknowledged,
 * docs/sync.md) and manifest.json naming each file with its size and
 * SHA-256.  Kept files are written durably before the row that names them
 * commits, so listing uploads/ after the snapshot finds every file it
 * names.  The sync state is copied before the store: a peer's snapshot
 * that is behind the store only makes the next changeset repeat what the
 * peer holds, which changes nothing, where one ahead would lose changes.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>
#include <mbedtls/sha256.h>
#include <zip.h>

#include "backup.h"
#include "indexing.h"
#include "sync.h"
#include "util.h"

#define BACKUP_FORMAT	"fairmatch-backup"
#define BACKUP_VERSION	3	/* 3: sync.key and sync/; 2: link.key; 1 and 2 are read too */

/* One file in the archive: its name there and where it is read from. */
struct backup_file {
	char		*name;		/* "fairmatch.db", "uploads/ab/abcd…"; owned */
	char		*path;		/* on disk; owned */
	char		 sha[65];
	int64_t		 size;
};

struct backup_list {
	struct backup_file *v;		/* owned */
	size_t		 n, cap;
};

static void
list_add(struct backup_list *l, const char *name, const char *path)
{
	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 64;
		l->v = xreallocarray(l->v, l->cap, sizeof *l->v);
	}
	memset(&l->v[l->n], 0, sizeof l->v[l->n]);
	l->v[l->n].name = xstrdup(name);
	l->v[l->n].path = xstrdup(path);
	l->n++;
}

static void
list_free(struct backup_list *l)
{
	for (size_t i = 0; i < l->n; i++) {
		free(l->v[i].name);
		free(l->v[i].path);
	}
	free(l->v);
	memset(l, 0, sizeof *l);
}

/* Whether s is 64 lowercase hex digits, a kept file's name. */
static int
is_sha(const char *s)
{
	size_t i;

	for (i = 0; s[i] != '\0'; i++)
		if (!isdigit((unsigned char)s[i]) && !(s[i] >= 'a' && s[i] <= 'f'))
			return 0;
	return i == 64;
}

/*
 * Opens the directory path into *d: 1, or 0 if there is none (no error),
 * or -1 with *cause if it cannot be read.
 */
static int
open_if_there(const char *path, DIR **d, char **cause)
{
	if ((*d = opendir(path)) != NULL)
		return 1;
	if (errno == ENOENT)
		return 0;
	*cause = xasprintf("无法读取 %s：%s / cannot read %s: %s", path, strerror(errno), path,
	    strerror(errno));
	return -1;
}

/* Every kept file under DIR/uploads/xx/, added to l as uploads/xx/NAME. */
static int
list_kept(const char *datadir, struct backup_list *l, char **cause)
{
	char *top = xasprintf("%s/uploads", datadir);
	DIR *d, *sub;
	struct dirent *e, *f;
	int rc;

	if ((rc = open_if_there(top, &d, cause)) <= 0) {
		free(top);
		return rc;
	}
	while ((e = readdir(d)) != NULL) {
		char *subdir;

		if (strlen(e->d_name) != 2 || e->d_name[0] == '.')
			continue;
		subdir = xasprintf("%s/%s", top, e->d_name);
		if ((sub = opendir(subdir)) == NULL) {
			free(subdir);
			continue;
		}
		while ((f = readdir(sub)) != NULL) {
			char *name, *path;

			/* Half-written copies (.tmp.PID) are not kept files yet. */
			if (!is_sha(f->d_name) || strncmp(f->d_name, e->d_name, 2) != 0)
				continue;
			name = xasprintf("uploads/%s/%s", e->d_name, f->d_name);
			path = xasprintf("%s/%s", subdir, f->d_name);
			list_add(l, name, path);
			free(name);
			free(path);
		}
		closedir(sub);
		free(subdir);
	}
	closedir(d);
	free(top);
	return 0;
}

/*
 * Whether name is a sync state file: "peer-N.db" (a peer's snapshot) or
 * "peer-N.out-M" (a changeset made for it, kept until acknowledged).
 */
static int
is_sync_state(const char *name)
{
	size_t n;

	if (strncmp(name, "peer-", 5) != 0 || (n = strspn(name + 5, "0123456789")) == 0)
		return 0;
	name += 5 + n;
	if (strcmp(name, ".db") == 0)
		return 1;
	return strncmp(name, ".out-", 5) == 0 && (n = strspn(name + 5, "0123456789")) > 0 &&
	    name[5 + n] == '\0';
}

/*
 * The sync state, added to l as sync/NAME: each peer's snapshot copied
 * (VACUUM INTO tmp.sync-NAME, consistent while a sync writes it) and the
 * changesets not acknowledged, which are never changed once written.
 */
static int
list_sync(const char *datadir, const char *tmp, struct backup_list *l, char **cause)
{
	char *top = xasprintf("%s/sync", datadir);
	DIR *d;
	struct dirent *e;
	int rc;

	if ((rc = open_if_there(top, &d, cause)) <= 0) {
		free(top);
		return rc;
	}
	rc = 0;
	while (rc == 0 && (e = readdir(d)) != NULL) {
		char *name, *path;

		if (!is_sync_state(e->d_name))
			continue;
		name = xasprintf("sync/%s", e->d_name);
		path = xasprintf("%s/%s", top, e->d_name);
		if (strcmp(e->d_name + strlen(e->d_name) - 3, ".db") == 0) {
			char *copy = xasprintf("%s.sync-%s", tmp, e->d_name), *sql;
			sqlite3 *db = NULL;

			unlink(copy);
			sql = sqlite3_mprintf("VACUUM INTO %Q", copy);
			if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK ||
			    (sqlite3_busy_timeout(db, 10000), sqlite3_exec(db, sql, NULL, NULL, NULL)) !=
			    SQLITE_OK) {
				*cause = xasprintf("%s: %s", path, sqlite3_errmsg(db));
				rc = -1;
			} else
				list_add(l, name, copy);
			sqlite3_free(sql);
			sqlite3_close(db);
			free(copy);
		} else
			list_add(l, name, path);
		free(name);
		free(path);
	}
	closedir(d);
	free(top);
	return rc;
}

/* Adds DATA/name to l when it is there (a key made on first use); -1 with *cause. */
static int
list_if_there(struct backup_list *l, const char *datadir, const char *name, char **cause)
{
	char *path = xasprintf("%s/%s", datadir, name);
	struct stat sb;
	int rc = 0;

	if (stat(path, &sb) == 0)
		list_add(l, name, path);
	else if (errno != ENOENT) {
		*cause = xasprintf("%s: %s", path, strerror(errno));
		rc = -1;
	}
	free(path);
	return rc;
}

/* manifest.json for the files listed; caller frees. */
static char *
manifest_text(const struct backup_list *l, int schema)
{
	json_t *root = json_object(), *files = json_array();
	char *text;

	for (size_t i = 0; i < l->n; i++)
		json_array_append_new(files, json_pack("{s:s, s:s, s:I}", "name", l->v[i].name,
		    "sha256", l->v[i].sha, "size", (json_int_t)l->v[i].size));
	json_object_set_new(root, "format", json_string(BACKUP_FORMAT));
	json_object_set_new(root, "version", json_integer(BACKUP_VERSION));
	json_object_set_new(root, "schema", json_integer(schema));
	json_object_set_new(root, "files", files);
	text = json_dumps(root, JSON_INDENT(1));
	json_decref(root);
	return text;
}

/* The zip's own message for err; caller frees. */
static char *
zip_message(zip_error_t *err)
{
	return xstrdup(zip_error_strerror(err));
}

/* Writes the listed files and the manifest into a new zip at path. */
static int
zip_write(const char *path, const struct backup_list *l, const char *manifest, char **cause)
{
	zip_error_t zerr;
	zip_source_t *src;
	zip_t *za;
	int zep;
	zip_int64_t idx;

	if ((za = zip_open(path, ZIP_CREATE | ZIP_TRUNCATE, &zep)) == NULL) {
		zip_error_init_with_code(&zerr, zep);
		*cause = zip_message(&zerr);
		zip_error_fini(&zerr);
		return -1;
	}
	for (size_t i = 0; i < l->n; i++) {
		if ((src = zip_source_file(za, l->v[i].path, 0, 0)) == NULL ||
		    (idx = zip_file_add(za, l->v[i].name, src, ZIP_FL_ENC_UTF_8)) < 0) {
			if (src != NULL)
				zip_source_free(src);
			goto fail;
		}
		/* Originals are mostly XLSX (zips already): store them; squeeze the database fast. */
		if (i == 0)
			zip_set_file_compression(za, (zip_uint64_t)idx, ZIP_CM_DEFLATE, 1);
		else
			zip_set_file_compression(za, (zip_uint64_t)idx, ZIP_CM_STORE, 0);
	}
	if ((src = zip_source_buffer(za, manifest, strlen(manifest), 0)) == NULL ||
	    zip_file_add(za, "manifest.json", src, ZIP_FL_ENC_UTF_8) < 0) {
		if (src != NULL)
			zip_source_free(src);
		goto fail;
	}
	if (zip_close(za) != 0)
		goto fail;
	return 0;
fail:
	*cause = xstrdup(zip_strerror(za));
	zip_discard(za);
	return -1;
}

int
backup_write(struct store *st, const char *out, struct backup_summary *sum, char **cause)
{
	struct backup_list l = { 0 }, state = { 0 };
	char *base = xstrdup(out), *slash = strrchr(base, '/'), *partial, *snap, *manifest = NULL;
	char *why = NULL, *esc;
	sqlite3 *snapdb = NULL;
	struct stat sb;
	int rc = -1;

	memset(sum, 0, sizeof *sum);
	/* .NAME.partial.PID beside out: the same file system, so the rename is atomic. */
	if (slash != NULL) {
		*slash = '\0';
		partial = xasprintf("%s/.%s.partial.%ld", base, slash + 1, (long)getpid());
	} else
		partial = xasprintf(".%s.partial.%ld", base, (long)getpid());
	snap = xasprintf("%s.db", partial);
	/* The sync state before the store: behind it, never ahead (above). */
	if (list_sync(store_dir(st), partial, &state, &why) != 0)
		goto fail;
	unlink(snap);
	esc = sqlite3_mprintf("VACUUM INTO %Q", snap);
	rc = store_exec(st, esc, &why);
	sqlite3_free(esc);
	if (rc != 0)
		goto fail;
	rc = -1;
	if (sqlite3_open_v2(snap, &snapdb, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
		why = xstrdup(sqlite3_errmsg(snapdb));
		goto fail;
	}
	{
		sqlite3_stmt *q;

		if (sqlite3_prepare_v2(snapdb, "PRAGMA user_version", -1, &q, NULL) == SQLITE_OK &&
		    sqlite3_step(q) == SQLITE_ROW)
			sum->schema = sqlite3_column_int(q, 0);
		sqlite3_finalize(q);
	}
	sqlite3_close(snapdb);
	list_add(&l, "fairmatch.db", snap);
	if (list_if_there(&l, store_dir(st), "link.key", &why) != 0 ||
	    list_if_there(&l, store_dir(st), "sync.key", &why) != 0)
		goto fail;
	for (size_t i = 0; i < state.n; i++)
		list_add(&l, state.v[i].name, state.v[i].path);
	if (list_kept(store_dir(st), &l, &why) != 0)
		goto fail;
	for (size_t i = 0; i < l.n; i++) {
		if (sha256_file(l.v[i].path, l.v[i].sha, &why) != 0 || stat(l.v[i].path, &sb) != 0) {
			if (why == NULL)
				why = xasprintf("%s: %s", l.v[i].path, strerror(errno));
			goto fail;
		}
		l.v[i].size = (int64_t)sb.st_size;
		sum->bytes += l.v[i].size;
	}
	sum->db_bytes = l.v[0].size;
	for (size_t i = 0; i < l.n; i++)	/* the kept originals and evidence */
		sum->files += strncmp(l.v[i].name, "uploads/", 8) == 0;
	manifest = manifest_text(&l, sum->schema);
	if (zip_write(partial, &l, manifest, &why) != 0)
		goto fail;
	/* It holds the whole store and the links' key: for the operator's eyes only. */
	if (chmod(partial, 0600) != 0 || fsync_path(partial) != 0 || rename(partial, out) != 0) {
		why = xstrdup(strerror(errno));
		goto fail;
	}
	fsync_parent(out);
	rc = 0;
	goto done;
fail:
	*cause = xasprintf("备份 %s 未完成：%s / the backup %s failed: %s", out, why, out, why);
	free(why);
	unlink(partial);
done:
	unlink(snap);
	for (size_t i = 0; i < state.n; i++)	/* the snapshots' copies */
		if (strncmp(state.v[i].path, partial, strlen(partial)) == 0)
			unlink(state.v[i].path);
	list_free(&state);
	list_free(&l);
	free(manifest);
	free(snap);
	free(partial);
	free(base);
	return rc;
}

/*
 * Whether name is one a backup may hold: fairmatch.db, a key, sync/peer-…
 * or uploads/ab/ab… (no way out of dir).
 */
static int
restorable_name(const char *name)
{
	if (strcmp(name, "fairmatch.db") == 0 || strcmp(name, "link.key") == 0 ||
	    strcmp(name, "sync.key") == 0 || (strncmp(name, "sync/", 5) == 0 &&
	    is_sync_state(name + 5)))
		return 1;
	return strncmp(name, "uploads/", 8) == 0 && strlen(name) == 8 + 3 + 64 &&
	    name[10] == '/' && strncmp(name + 8, name + 11, 2) == 0 && is_sha(name + 11);
}

/* Copies entry name out of za into path (mode; write, fsync), hashing it into sha. */
static int
extract(zip_t *za, const char *name, const char *path, mode_t mode, char sha[65],
    int64_t *size, char **cause)
{
	mbedtls_sha256_context ctx;
	unsigned char buf[65536], md[32];
	zip_file_t *zf;
	zip_int64_t n;
	int fd, rc = -1;

	*size = 0;
	if ((zf = zip_fopen(za, name, 0)) == NULL) {
		*cause = xasprintf("%s：%s / %s: %s", name, zip_strerror(za), name,
		    zip_strerror(za));
		return -1;
	}
	if ((fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode)) == -1) {
		*cause = xasprintf("无法写入 %s：%s / cannot write %s: %s", path, strerror(errno),
		    path, strerror(errno));
		zip_fclose(zf);
		return -1;
	}
	mbedtls_sha256_init(&ctx);
	mbedtls_sha256_starts_ret(&ctx, 0);
	while ((n = zip_fread(zf, buf, sizeof buf)) > 0) {
		mbedtls_sha256_update_ret(&ctx, buf, (size_t)n);
		if (write(fd, buf, (size_t)n) != n) {
			*cause = xasprintf("无法写入 %s：%s / cannot write %s: %s", path,
			    strerror(errno), path, strerror(errno));
			goto out;
		}
		*size += n;
	}
	if (n < 0) {
		*cause = xasprintf("备份中的 %s 已损坏：%s / %s in the backup is damaged: %s", name,
		    zip_file_strerror(zf), name, zip_file_strerror(zf));
		goto out;
	}
	if (fsync(fd) != 0) {
		*cause = xasprintf("无法写入 %s：%s / cannot write %s: %s", path, strerror(errno),
		    path, strerror(errno));
		goto out;
	}
	mbedtls_sha256_finish_ret(&ctx, md);
	for (int i = 0; i < 32; i++)
		snprintf(sha + 2 * i, 3, "%02x", md[i]);
	rc = 0;
out:
	mbedtls_sha256_free(&ctx);
	close(fd);
	zip_fclose(zf);
	return rc;
}

/* Reads and checks manifest.json from za; the file list, or NULL with *cause. */
static json_t *
read_manifest(zip_t *za, int *schema, char **cause)
{
	zip_stat_t zs;
	zip_file_t *zf;
	json_error_t jerr;
	json_t *root, *files;
	char *text;
	const char *format;
	json_int_t version;

	if (zip_stat(za, "manifest.json", 0, &zs) != 0 || !(zs.valid & ZIP_STAT_SIZE) ||
	    zs.size > 64u << 20 || (zf = zip_fopen(za, "manifest.json", 0)) == NULL) {
		*cause = xstrdup("没有 manifest.json，不是 fairmatch 备份 / there is no manifest.json:"
		    " not a fairmatch backup");
		return NULL;
	}
	text = xmalloc(zs.size + 1);
	if (zip_fread(zf, text, zs.size) != (zip_int64_t)zs.size) {
		*cause = xstrdup("manifest.json 已损坏 / manifest.json is damaged");
		zip_fclose(zf);
		free(text);
		return NULL;
	}
	text[zs.size] = '\0';
	zip_fclose(zf);
	root = json_loads(text, 0, &jerr);
	free(text);
	format = NULL;
	version = 0;
	if (root == NULL || json_unpack(root, "{s:s, s:I, s:i, s:o}", "format", &format,
	    "version", &version, "schema", schema, "files", &files) != 0 ||
	    strcmp(format, BACKUP_FORMAT) != 0 || !json_is_array(files)) {
		*cause = xstrdup("manifest.json 不是 fairmatch 备份清单 / manifest.json is not a"
		    " fairmatch backup manifest");
		json_decref(root);
		return NULL;
	}
	if (version < 1 || version > BACKUP_VERSION || *schema > store_latest_version()) {
		*cause = xasprintf("备份格式 %lld、数据库版本 %d，本程序只能读格式 %d、版本 ≤ %d /"
		    " the backup is format %lld with schema %d; this build reads format %d and"
		    " schema ≤ %d", (long long)version, *schema, BACKUP_VERSION,
		    store_latest_version(), (long long)version, *schema, BACKUP_VERSION,
		    store_latest_version());
		json_decref(root);
		return NULL;
	}
	json_incref(files);
	json_decref(root);
	return files;
}

/* Every file the restored store names (uploads, evidence) must have been restored. */
static int
check_named(struct store *st, struct strset *restored, char **cause)
{
	sqlite3_stmt *q;
	int rc = 0, step;

	if (store_query(st, "SELECT sha256, 'uploads' FROM uploads UNION"
	    " SELECT sha256, 'outcome_evidence' FROM outcome_evidence", &q, cause) != 0)
		return -1;
	while (rc == 0 && (step = sqlite3_step(q)) == SQLITE_ROW) {
		const char *sha = (const char *)sqlite3_column_text(q, 0);

		if (strset_add(restored, sha)) {
			*cause = xasprintf("备份缺少 %s 所指的文件 %s / the backup lacks the file %s"
			    " that %s names", sqlite3_column_text(q, 1), sha, sha,
			    sqlite3_column_text(q, 1));
			rc = -1;
		}
	}
	if (store_finish(st, q, rc == 0 ? cause : NULL) != 0 && rc == 0)
		rc = -1;
	return rc;
}

int
backup_restore(const char *archive, const char *dir, struct backup_summary *sum, char **cause)
{
	struct backup_list done = { 0 };
	struct strset *restored = strset_new();
	struct store *st = NULL;
	zip_t *za = NULL;
	json_t *files = NULL, *f;
	char *why = NULL, *dbpath = xasprintf("%s/fairmatch.db", dir), *dbtmp = NULL;
	size_t i, applied;
	int zep, rc = -1;
	struct stat sb;

	memset(sum, 0, sizeof *sum);
	if (stat(dbpath, &sb) == 0) {
		*cause = xasprintf("%s 已有数据库，只能恢复到空的数据目录 / %s already holds a database:"
		    " restore only into an empty data directory", dir, dir);
		goto out;
	}
	if ((za = zip_open(archive, ZIP_RDONLY | ZIP_CHECKCONS, &zep)) == NULL) {
		zip_error_t zerr;

		zip_error_init_with_code(&zerr, zep);
		why = zip_message(&zerr);
		zip_error_fini(&zerr);
		goto fail;
	}
	if ((files = read_manifest(za, &sum->schema, &why)) == NULL)
		goto fail;
	if ((zip_int64_t)json_array_size(files) + 1 != zip_get_num_entries(za, 0)) {
		why = xstrdup("备份中的文件与清单不符 / the files in the backup are not those its"
		    " manifest lists");
		goto fail;
	}
	if (mkdir_p(dir, 0750) != 0) {
		why = xasprintf("无法创建 %s：%s / cannot create %s: %s", dir, strerror(errno), dir,
		    strerror(errno));
		goto fail;
	}
	/* The kept files first, the database last: a database restored means all of it is. */
	json_array_foreach(files, i, f) {
		const char *name = json_string_value(json_object_get(f, "name"));
		const char *want = json_string_value(json_object_get(f, "sha256"));
		char sha[65], *path, *sub;
		int64_t size;

		if (name == NULL || want == NULL || !restorable_name(name)) {
			why = xasprintf("清单中的文件名 %s 不可恢复 / the manifest names %s, which is not"
			    " a file a backup holds", name ? name : "?", name ? name : "?");
			goto fail;
		}
		if (strcmp(name, "fairmatch.db") == 0)
			continue;
		if (strncmp(name, "uploads/", 8) != 0) {
			/*
			 * A key or the sync state, for the operator's eyes only.  A file
			 * already there is never overwritten, nor removed by a failure.
			 */
			if (strncmp(name, "sync/", 5) == 0) {
				sub = xasprintf("%s/sync", dir);
				if (mkdir_p(sub, 0700) != 0) {
					why = xasprintf("无法创建 %s：%s / cannot create %s: %s", sub,
					    strerror(errno), sub, strerror(errno));
					free(sub);
					goto fail;
				}
				free(sub);
			}
			path = xasprintf("%s/%s", dir, name);
			if (stat(path, &sb) == 0) {
				why = xasprintf("%s 已有 %s，只能恢复到空的数据目录 / %s already holds a %s:"
				    " restore only into an empty data directory", dir, name, dir, name);
				free(path);
				goto fail;
			}
			list_add(&done, name, path);
			free(path);
			path = done.v[done.n - 1].path;
			if (extract(za, name, path, 0600, sha, &size, &why) != 0)
				goto fail;
			if (strcmp(sha, want) != 0) {
				why = xasprintf("%s 的 SHA-256 不符 / %s does not hash to its SHA-256",
				    name, name);
				goto fail;
			}
			sum->bytes += size;
			continue;
		}
		sub = xasprintf("%s/uploads/%.2s", dir, name + 11);
		if (mkdir_p(sub, 0750) != 0) {
			why = xasprintf("无法创建 %s：%s / cannot create %s: %s", sub, strerror(errno),
			    sub, strerror(errno));
			free(sub);
			goto fail;
		}
		free(sub);
		path = xasprintf("%s/%s", dir, name);
		list_add(&done, name, path);
		free(path);
		path = done.v[done.n - 1].path;
		if (extract(za, name, path, 0640, sha, &size, &why) != 0)
			goto fail;
		if (strcmp(sha, want) != 0 || strcmp(sha, name + 11) != 0) {
			why = xasprintf("%s 的 SHA-256 不符（%s）/ %s does not hash to its SHA-256 (it"
			    " hashes to %s)", name, sha, name, sha);
			goto fail;
		}
		strset_add(restored, sha);
		sum->files++;
		sum->bytes += size;
	}
	json_array_foreach(files, i, f) {
		const char *name = json_string_value(json_object_get(f, "name"));
		const char *want = json_string_value(json_object_get(f, "sha256"));
		char sha[65];

		if (strcmp(name, "fairmatch.db") != 0)
			continue;
		dbtmp = xasprintf("%s.restore.%ld", dbpath, (long)getpid());
		list_add(&done, name, dbtmp);
		if (extract(za, name, dbtmp, 0640, sha, &sum->db_bytes, &why) != 0)
			goto fail;
		if (strcmp(sha, want) != 0) {
			why = xasprintf("fairmatch.db 的 SHA-256 不符 / fairmatch.db does not hash to"
			    " its SHA-256");
			goto fail;
		}
		sum->bytes += sum->db_bytes;
	}
	if (dbtmp == NULL) {
		why = xstrdup("备份中没有数据库 / the backup holds no database");
		goto fail;
	}
	if (rename(dbtmp, dbpath) != 0) {
		why = xasprintf("%s: %s", dbpath, strerror(errno));
		goto fail;
	}
	free(done.v[done.n - 1].path);
	done.v[done.n - 1].path = xstrdup(dbpath);
	fsync_parent(dbpath);
	if (store_open(dir, 0, &st, &why) != 0)
		goto fail;
	if (store_scalar(st, "SELECT count(*) FROM pragma_quick_check WHERE quick_check != 'ok'",
	    &why) != 0) {
		if (why == NULL)
			why = xstrdup("数据库完整性检查未通过 / the database fails its integrity check");
		goto fail;
	}
	if (check_named(st, restored, &why) != 0 || sync_restored(st, &why) != 0 ||
	    indexing_rebuild_restored(st, &applied, &why) != 0)
		goto fail;
	rc = 0;
	goto out;
fail:
	*cause = xasprintf("无法从 %s 恢复：%s / cannot restore from %s: %s", archive, why,
	    archive, why);
	free(why);
	store_close(st);
	st = NULL;
	/* Nothing restored stays: remove what was written, the database first. */
	for (i = done.n; i-- > 0;)
		unlink(done.v[i].path);
	{
		char *suffix[] = { "-wal", "-shm" };

		for (i = 0; i < nitems(suffix); i++) {
			char *p = xasprintf("%s%s", dbpath, suffix[i]);

			unlink(p);
			free(p);
		}
	}
out:
	store_close(st);
	if (za != NULL)
		zip_discard(za);
	json_decref(files);
	strset_free(restored);
	list_free(&done);
	free(dbtmp);
	free(dbpath);
	return rc;
}

/* The pid in ".NAME.partial.PID" (or its libzip temporary), or 0. */
static long
partial_pid(const char *name)
{
	const char *p = strstr(name, ".partial.");

	return name[0] == '.' && p != NULL ? strtol(p + 9, NULL, 10) : 0;
}

/* Orders backup names newest first (their names carry the time). */
static int
newest_first(const void *a, const void *b)
{
	return strcmp(*(char *const *)b, *(char *const *)a);
}

int
backup_prune(const char *dir, int keep, char **cause)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char **names = NULL;
	size_t n = 0, cap = 0;
	int removed = 0;

	if (d == NULL) {
		*cause = xasprintf("无法读取备份目录 %s：%s / cannot read the backup directory %s: %s",
		    dir, strerror(errno), dir, strerror(errno));
		return -1;
	}
	while ((e = readdir(d)) != NULL) {
		size_t len = strlen(e->d_name);
		long pid = partial_pid(e->d_name);
		char *p;

		if (pid > 0 && kill((pid_t)pid, 0) == -1 && errno == ESRCH) {
			p = xasprintf("%s/%s", dir, e->d_name);
			if (unlink(p) == 0)
				removed++;
			free(p);
		} else if (strncmp(e->d_name, "fairmatch-", 10) == 0 && len > 14 &&
		    strcmp(e->d_name + len - 4, ".zip") == 0) {
			if (n == cap) {
				cap = cap ? cap * 2 : 16;
				names = xreallocarray(names, cap, sizeof *names);
			}
			names[n++] = xstrdup(e->d_name);
		}
	}
	closedir(d);
	qsort(names, n, sizeof *names, newest_first);
	for (size_t i = 0; i < n; i++) {
		if ((int)i >= keep) {
			char *p = xasprintf("%s/%s", dir, names[i]);

			if (unlink(p) == 0)
				removed++;
			free(p);
		}
		free(names[i]);
	}
	free(names);
	return removed;
}
