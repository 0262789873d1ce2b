/*
 * blob.h — files kept by SHA-256 beside the store (uploads, evidence).
 */
#ifndef FM_BLOB_H
#define FM_BLOB_H

#include "store.h"

/* DATA/uploads/ab/abcd… for a hash; caller frees. */
char *store_blob_path(struct store *st, const char *sha);
/*
 * Keeps a durable copy of src under its hash (write, fsync, rename, fsync
 * the directory); nothing to do if it is there.  *created says whether it
 * was new.  0, or -1 with *cause naming the file.
 */
int store_blob_keep(struct store *st, const char *src, const char *sha, int *created,
    char **cause);
/* The directories under uploads/ that files were put in or found in, not yet synced. */
struct blob_dirs {
	unsigned char	 made[256];	/* by the hash's first two hex digits */
};

/*
 * store_blob_keep for the bytes p[0..n), but for the directory's fsync: a
 * file made or found marks its directory in dirs (one found may be there
 * from a call that failed before its sync), and store_blob_sync_dirs then
 * syncs each directory once for a batch of files, before the rows that
 * name them commit.
 */
int store_blob_keep_bytes(struct store *st, const void *p, size_t n, const char *sha,
    struct blob_dirs *dirs, int *created, char **cause);
int store_blob_sync_dirs(struct store *st, const struct blob_dirs *dirs, char **cause);

#endif
