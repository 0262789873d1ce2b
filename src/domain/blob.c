/*
 * blob.c — originals kept by their SHA-256 under DATA/uploads/: catalogue
 * uploads and deal evidence alike, written durably before the store
 * commits the row that names them.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "blob.h"
#include "util.h"

/* Numbers the temporary names of files being put, as two workers may put one file at once. */
static atomic_ulong put_seq;

/* The path of the kept original for a hash. */
char *
store_blob_path(struct store *st, const char *sha)
{
	return xasprintf("%s/uploads/%.2s/%s", store_dir(st), sha, sha);
}

/* Writes all n bytes of p to fd; -1 with errno on failure. */
static int
write_all(int fd, const char *p, size_t n)
{
	while (n > 0) {
		ssize_t w = write(fd, p, n);

		if (w < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

/*
 * Puts the original of hash sha under uploads/: written (from the file
 * src, or else the bytes p[0..n)), fsynced and renamed into place; the
 * directory fsynced too if sync_dir.  *created says whether it was new.
 */
static int
blob_put(struct store *st, const char *sha, const char *src, const void *p, size_t n,
    int sync_dir, int *created, char **cause)
{
	char *dst = store_blob_path(st, sha), *dir, *tmp;
	char chunk[65536];
	int in = -1, out = -1, rc = -1;
	ssize_t got = 0;

	*created = 0;
	dir = xasprintf("%s/uploads/%.2s", store_dir(st), sha);
	if (access(dst, F_OK) == 0) {
		/*
		 * Already there, but maybe renamed by a call that failed or
		 * crashed before its directory was synced: synced now, before
		 * a row that names it is acknowledged.
		 */
		if (sync_dir)
			fsync_path(dir);
		free(dir);
		free(dst);
		return 0;
	}
	tmp = xasprintf("%s.tmp.%ld.%lu", dst, (long)getpid(), atomic_fetch_add(&put_seq, 1));
	if (mkdir_p(dir, 0750) == -1)
		goto fail;
	if ((src != NULL && (in = open(src, O_RDONLY | O_CLOEXEC)) == -1) ||
	    (out = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0640)) == -1)
		goto fail;
	if (src == NULL)
		got = write_all(out, p, n);
	else
		while ((got = read(in, chunk, sizeof chunk)) > 0)
			if (write_all(out, chunk, (size_t)got) != 0) {
				got = -1;
				break;
			}
	if (got < 0 || fsync(out) == -1)
		goto fail;
	if (close(out) == -1) {
		out = -1;
		goto fail;
	}
	out = -1;
	if (rename(tmp, dst) == -1)
		goto fail;
	if (sync_dir)
		fsync_path(dir);
	*created = 1;
	rc = 0;
	goto done;
fail:
	*cause = xasprintf("无法保存原件 %s：%s / cannot keep the original file %s: %s",
	    dst, strerror(errno), dst, strerror(errno));
	if (out != -1)
		close(out);
	unlink(tmp);
done:
	if (in != -1)
		close(in);
	free(tmp);
	free(dir);
	free(dst);
	return rc;
}

int
store_blob_keep(struct store *st, const char *src, const char *sha, int *created, char **cause)
{
	return blob_put(st, sha, src, NULL, 0, 1, created, cause);
}

/* The index of a hash's directory (its first two hex digits) in blob_dirs.made. */
static int
dir_index(const char *sha)
{
	static const char hex[] = "0123456789abcdef";
	const char *hi = strchr(hex, sha[0]), *lo = strchr(hex, sha[1]);

	return hi != NULL && lo != NULL && sha[0] != '\0' && sha[1] != '\0' ?
	    (int)(hi - hex) * 16 + (int)(lo - hex) : -1;
}

int
store_blob_keep_bytes(struct store *st, const void *p, size_t n, const char *sha,
    struct blob_dirs *dirs, int *created, char **cause)
{
	int i = dir_index(sha);

	if (blob_put(st, sha, NULL, p, n, i < 0, created, cause) != 0)
		return -1;
	/* Synced in the batch whether made now or found (maybe not yet synced). */
	if (i >= 0)
		dirs->made[i] = 1;
	return 0;
}

int
store_blob_sync_dirs(struct store *st, const struct blob_dirs *dirs, char **cause)
{
	for (int i = 0; i < (int)sizeof dirs->made; i++) {
		char *dir;

		if (!dirs->made[i])
			continue;
		dir = xasprintf("%s/uploads/%02x", store_dir(st), i);
		if (fsync_path(dir) != 0) {
			*cause = xasprintf("无法同步目录 %s：%s / cannot sync the directory %s: %s",
			    dir, strerror(errno), dir, strerror(errno));
			free(dir);
			return -1;
		}
		free(dir);
	}
	return 0;
}
