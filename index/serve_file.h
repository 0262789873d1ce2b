/*
 * serve_file.h — the serving layer kept in a file, so that a server or a
 * command loads it instead of tokenizing the catalogue again: written by
 * the indexer's from-scratch build, read at start, then brought up to date
 * from the index log (serve_load.h).
 *
 * The file: a header (magic, format, tokenizer version, the log position
 * the layer reflects, the payload's length and CRC-32), then serve_write's
 * bytes.  It is written to a temporary name, synced and renamed, so a file
 * under the real name is whole unless the disk corrupted it; a file whose
 * length, CRC, format or tokenizer version is not right is refused.
 */
#ifndef FM_SERVE_FILE_H
#define FM_SERVE_FILE_H

#include "serve.h"

#define SERVE_FILE_FORMAT	3	/* bump when serve_write's bytes change */
#define SERVE_FILE_NAME		"supply.serve"	/* the products' layer, in the index directory */

/*
 * Saves sv (as built, before any update) to path.  0, or -1 with *cause
 * (caller frees); on failure path is left as it was.
 */
int serve_file_save(struct serve *sv, const char *path, char **cause);

/*
 * The layer saved at path, with the log position it reflects
 * (serve_seq), or NULL with *why (caller frees): missing, truncated,
 * corrupted, or made by another format or tokenizer.
 */
struct serve *serve_file_load(const char *path, char **why);

/*
 * The log position the layer saved at path reflects, from its header
 * alone (nothing is checked past it); -1 if there is no file of this
 * format and tokenizer there.
 */
long long serve_file_seq(const char *path);

#endif
