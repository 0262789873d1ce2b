/*
 * backup.h — a data directory's record in one zip file, and back: the
 * store (a consistent online snapshot) and every kept original and piece
 * of evidence, with a manifest of SHA-256s.
 */
#ifndef FM_BACKUP_H
#define FM_BACKUP_H

#include <stddef.h>
#include <stdint.h>

#include "store.h"

struct backup_summary {
	size_t		 files;		/* kept originals and evidence in the archive */
	int64_t		 bytes;		/* their bytes and the database's, uncompressed */
	int64_t		 db_bytes;	/* the snapshot of the database */
	int		 schema;	/* the snapshot's schema version */
};

/*
 * Writes a backup of st's data directory to out: VACUUM INTO a snapshot,
 * then the snapshot, every file under uploads/ and manifest.json into a zip
 * written under a temporary name beside out, fsynced, then renamed.  Either
 * out is a complete backup or it is as it was.  The server may be running
 * and writing.  0, or -1 with *cause (caller frees).
 */
int backup_write(struct store *st, const char *out, struct backup_summary *sum,
    char **cause);

/*
 * Restores the backup in archive into dir, which must hold no database:
 * every file is checked against the manifest's SHA-256 (and each kept file
 * against its name), the database is opened (migrating it if older), every
 * original and piece of evidence it names must be there, and the indexes
 * are rebuilt.  On failure nothing restored is left behind.  0, or -1
 * with *cause.
 */
int backup_restore(const char *archive, const char *dir, struct backup_summary *sum,
    char **cause);

/*
 * Keeps the newest keep backups named fairmatch-*.zip in dir and removes
 * the older ones and any partial file left by a killed backup.  Returns
 * the number removed, or -1 with *cause.
 */
int backup_prune(const char *dir, int keep, char **cause);

#endif
