/*
 * blob.c — originals kept by their SHA-256 under DATA/uploads/: catalogue
 * uploads and deal evidence alike, written durably before the store
 * commits the row that names them.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "blob.h"
#include "util.h"

/* The path of the kept original for a hash. */
char *
store_blob_path(struct store *st, const char *sha)
{
	return xasprintf("%s/uploads/%.2s/%s", store_dir(st), sha, sha);
}

/*
 * Keeps a durable copy of the original under uploads/ (write, fsync,
 * rename, fsync the directory).  *created says whether it was new.
 */
int
store_blob_keep(struct store *st, const char *src, const char *sha, int *created, char **cause)
{
	char *dst = store_blob_path(st, sha), *dir, *tmp;
	char chunk[65536];
	int in = -1, out = -1, rc = -1;
	ssize_t n;

	*created = 0;
	if (access(dst, F_OK) == 0) {
		free(dst);
		return 0;
	}
	dir = xasprintf("%s/uploads/%.2s", store_dir(st), sha);
	tmp = xasprintf("%s.tmp.%ld", dst, (long)getpid());
	if (mkdir_p(dir, 0750) == -1)
		goto fail;
	if ((in = open(src, O_RDONLY | O_CLOEXEC)) == -1 ||
	    (out = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0640)) == -1)
		goto fail;
	while ((n = read(in, chunk, sizeof chunk)) > 0)
		if (write(out, chunk, (size_t)n) != n)
			goto fail;
	if (n < 0 || fsync(out) == -1 || close(out) == -1) {
		out = -1;
		goto fail;
	}
	out = -1;
	if (rename(tmp, dst) == -1)
		goto fail;
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
