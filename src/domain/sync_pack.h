/*
 * sync_pack.h — the signed changeset file (its layout is in sync_pack.c).
 */
#ifndef FM_SYNC_PACK_H
#define FM_SYNC_PACK_H

#include <stddef.h>
#include <stdint.h>

#include "store.h"
#include "util.h"

struct sync_pack_file {
	char			 sha[65];	/* lowercase hex */
	const unsigned char	*data;		/* into the parsed bytes */
	size_t			 len;
};

/* A parsed file; the pointers are into the bytes parsed, valid while they are. */
struct sync_pack {
	char			*from;		/* the sending site; owned */
	char			*to;		/* the site it is for; owned */
	int64_t			 seq;
	int64_t			 ack;
	const unsigned char	*changeset;
	size_t			 changeset_len;
	struct sync_pack_file	*files;		/* owned array */
	size_t			 nfiles;
	size_t			 signed_len;	/* the bytes the signature covers */
	char			*sig;		/* hex; owned */
};

/* Appends the header's lines up to the changeset's (then: "file" lines, "\n", the bytes). */
void sync_pack_head(struct buf *out, const char *from, const char *to, int64_t seq,
    int64_t ack, size_t changeset_len);
/* Signs everything in out with this site's key and appends the signature line. */
int sync_pack_seal(struct store *st, struct buf *out, char **cause);
/* Parses the layout only (no signature check); -1 with *cause if it is not whole. */
int sync_pack_parse(const void *data, size_t len, struct sync_pack *p, char **cause);
/* -1 with *cause if a carried file does not match its SHA-256. */
int sync_pack_check_files(const struct sync_pack *p, char **cause);
void sync_pack_free(struct sync_pack *p);

#endif
