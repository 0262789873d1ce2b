/*
 * import.h — loading a catalogue file: validate every row, then write all
 * of it in one transaction or nothing at all, and keep the original.
 */
#ifndef FM_IMPORT_H
#define FM_IMPORT_H

#include <stdint.h>
#include <stdio.h>

#include "catalog.h"
#include "store.h"
#include "table.h"

/* At most this many problems are itemised; the rest are counted. */
#define IMPORT_MAX_ERRORS 1000

struct import_opts {
	const char			*sheet;		/* XLSX sheet name, NULL = first */
	const char			*filename;	/* as the user named it; NULL = path */
	const char			*uploaded_by;	/* "cli:<user>" or a login */
	int64_t				 user_id;	/* 0 = none */
	const struct table_limits	*limits;	/* NULL = defaults */
	/*
	 * The only city (supply) or province (demand) the uploader may write,
	 * canonical ("宁波市", "黑龙江省"); NULL = any.  A row of another is
	 * an error at its region cell.
	 */
	const char			*only_region;
	/* The spool receipt of an upload received over HTTP, recorded with it; or NULL. */
	const char			*receipt;
	/* Called every few thousand rows with the rows read so far. */
	void				(*progress)(size_t rows, void *arg);
	void				*progress_arg;
};

struct import_report {
	int			 ok;		/* accepted and written */
	const struct catalog	*cat;
	char			*filename;
	const char		*format;	/* csv, xlsx, json; NULL if unreadable */
	const char		*charset;
	char			 sha256[65];
	long long		 size;
	size_t			 rows;		/* data rows read (blank rows not counted) */
	size_t			 inserted, updated, unchanged;
	struct cell_error	*errors;	/* at most IMPORT_MAX_ERRORS */
	size_t			 nerrors;
	size_t			 total_errors;	/* including those not itemised */
	char			**ignored;	/* header cells that matched no column */
	size_t			 nignored;
	int64_t			 upload_id;	/* the uploads row, when ok */
};

/*
 * Imports path into the store.  Fills *rep (caller frees with
 * import_report_free) and returns 0 if the file was accepted, -1 if it was
 * rejected: then rep->errors says why and nothing in the store or the data
 * directory changed.
 */
int import_file(struct store *st, const struct catalog *cat, const char *path,
    const struct import_opts *opts, struct import_report *rep);
void import_report_free(struct import_report *rep);

/* The report as DESIGN.md's JSON; caller frees. */
char *import_report_json(const struct import_report *rep);
/* The report for a person at a terminal. */
void import_report_print(FILE *f, const struct import_report *rep);

#endif
