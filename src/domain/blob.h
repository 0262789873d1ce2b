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

#endif
