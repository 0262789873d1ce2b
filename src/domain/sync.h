/*
 * sync.h — several boxes in step (docs/sync.md).  A data directory is a
 * site: the province's box or one fair's box.  Sites exchange SQLite
 * session changesets, each the difference between this box's tables and
 * what the peer was last known to hold, signed with the site's ECDSA P-256
 * key and carried in one file (a USB stick, or an HTTPS request body).
 * The province owns the catalogues, fairs and participants; a fair's box
 * owns its schedules, requests, meetings, outcomes, evidence and
 * check-ins.  A conflict the ownership rules do not settle is kept for the
 * organiser (sync_conflicts).
 */
#ifndef FM_SYNC_H
#define FM_SYNC_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "store.h"
#include "util.h"

/* The site a data directory is when `init` names none. */
#define SYNC_PROVINCE_SITE	"province"

/*
 * Makes this data directory the site name ("province", or a fair's box;
 * with replica, a read-only copy of another box) and its signing key
 * (DIR/sync.key, 0600), once.  *made says whether it was new.  A directory
 * that is already another site is an error.  0, or -1 with *cause.
 */
int sync_site_init(struct store *st, const char *name, int replica, int *made, char **cause);
/* This box's site name, or NULL with *cause if init made none; caller frees. */
char *sync_site_name(struct store *st, char **cause);

/* Writes this site's card (its name, role and public key) to path, for a peer to trust. */
int sync_card_write(struct store *st, const char *path, char **cause);
/*
 * Trusts the site whose card is at path (sync_card_write); *name gets its
 * name (caller frees).  A card for a trusted site with another key, or for
 * this site itself, is refused.  0, or -1 with *cause.
 */
int sync_trust(struct store *st, const char *path, char **name, char **cause);

/*
 * The one trusted peer's name (caller frees): a fair box's province.  NULL
 * with *cause when none or several are trusted (then name one).
 */
char *sync_only_peer(struct store *st, char **cause);

struct sync_report {
	char		*peer;		/* the other site; owned */
	int64_t		 seq;		/* the changeset's number from its sender */
	long		 changes;	/* rows inserted, updated or deleted */
	long		 conflicts;	/* changes kept for the organiser */
	long		 files;		/* originals and evidence carried */
	long		 held;		/* those left out as the peer said it holds them */
};
void sync_report_free(struct sync_report *r);

/*
 * Which of the SHA-256s (a JSON array of strings) the peer holds already, as
 * a new set, or NULL when it cannot say (then every file is carried).
 */
typedef struct strset *(*sync_held_fn)(void *arg, json_t *shas);

/*
 * Everything peer does not hold yet of what this site owns, as a signed
 * changeset file in out (appended).  With held_fn, the peer is asked which
 * of the files the changeset names it holds, and those are left out.  0, or
 * -1 with *cause.
 */
int sync_export(struct store *st, const char *peer, sync_held_fn held_fn, void *held_arg,
    struct buf *out, struct sync_report *r, char **cause);
/* Those of the SHA-256s (a JSON array) whose files this box keeps, as a new JSON array. */
json_t *sync_files_held(struct store *st, json_t *shas);
/*
 * Checks and applies a changeset file from a trusted peer: a file from an
 * unknown site, for another site, with a bad signature, altered, or
 * already applied is refused and nothing changes.  Then brings the
 * indexes up to date.  0; 1 with *cause (and r's peer and seq) when it was
 * applied before; or -1 with *cause.
 */
int sync_import(struct store *st, const void *data, size_t len, struct sync_report *r,
    char **cause);

/* Reads the whole file into b; -1 with *cause naming it. */
int sync_read_file(const char *path, struct buf *b, char **cause);
/* Writes p to path durably (temporary file, fsync, rename); mode for a new file. */
int sync_write_file(const char *path, const void *p, size_t n, int mode, char **cause);

/* A sync file as a base64 JSON string, for the exchange over HTTPS. */
json_t *sync_base64_json(const void *p, size_t n);
/* The bytes of base64 text, or NULL if it is not base64; caller frees. */
unsigned char *sync_base64_bytes(const char *text, size_t *n);

/*
 * After a restore from a backup: this box's next changesets are numbered
 * 1,000,000 past the last it knows of, so that a peer that applied one made
 * after the backup does not take the next for a replay.  0, or -1 with *cause.
 */
int sync_restored(struct store *st, char **cause);

/* The conflicts not yet settled, as a JSON array (caller decrefs); NULL with *cause. */
json_t *sync_conflicts(struct store *st, char **cause);
/* Marks conflict id settled by who; -1 with *cause if there is no such unsettled conflict. */
int sync_settle(struct store *st, int64_t id, const char *who, char **cause);

#endif
