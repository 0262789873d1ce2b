/*
 * sync_int.h — what the sync files share among themselves: the site, its
 * peers, signatures, and whole files read and written.
 */
#ifndef FM_SYNC_INT_H
#define FM_SYNC_INT_H

#include <stddef.h>
#include <stdint.h>

#include "store.h"
#include "util.h"

enum sync_role {
	SYNC_ROLE_PROVINCE,	/* the province's box */
	SYNC_ROLE_FAIR,		/* a fair's box */
	SYNC_ROLE_REPLICA,	/* a read-only copy of another box, for kiosk load */
};

struct sync_peer {
	int64_t		 id;		/* sync_peers.id */
	char		*name;		/* owned */
	enum sync_role	 role;
	char		*public_key;	/* PEM; owned */
	int64_t		 in_seq;	/* the last of its changesets applied here */
	int64_t		 out_seq;	/* the last changeset made for it */
	int64_t		 acked_seq;	/* the last of ours it applied */
};

/* This site's name (caller frees) and role; -1 with *cause if init made none. */
int sync_site_get(struct store *st, char **name, enum sync_role *role, char **cause);
/* The trusted peer called name into *p: 1, 0 if there is none, -1 with *cause. */
int sync_peer_find(struct store *st, const char *name, struct sync_peer *p, char **cause);
void sync_peer_free(struct sync_peer *p);
/* "province", "fair" or "replica", and back (-1 if none). */
const char *sync_role_name(enum sync_role role);
int sync_role_parse(const char *name);

/* Where the site's range of row ids starts (store.h's STORE_SITE_SPAN); 0 for the province. */
int64_t sync_id_base(const char *name, enum sync_role role);

/* Signs the SHA-256 of p with this site's key: the signature as hex in *sig (caller frees). */
int sync_sign(struct store *st, const void *p, size_t n, char **sig, char **cause);
/* 0 if sig (hex) is public_key's signature of p, else -1 with *cause. */
int sync_verify(const char *public_key, const void *p, size_t n, const char *sig,
    char **cause);

#endif
