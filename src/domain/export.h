/*
 * export.h — what the store holds, as spreadsheets the offices open in
 * Excel: the catalogues (with the Chinese headers the importer reads
 * back), a fair's candidate meetings, its schedule (any version) and its
 * meetings' outcomes, and an upload's validation report.
 *
 * Two formats: XLSX (libxlsxwriter) and CSV (UTF-8 with a BOM, CRLF, RFC
 * 4180 quoting, so that Excel opens it as Chinese).  In CSV a cell that
 * begins with = + - @ or a tab is written after an apostrophe, as Excel
 * shows such text, so that no exported cell runs as a formula.
 *
 * Each function writes one file to a path that appears only when it is
 * complete, and may be run off the event loop.  0, or -1 and *cause
 * (caller frees).
 */
#ifndef FM_EXPORT_H
#define FM_EXPORT_H

#include "catalog_read.h"
#include "store.h"

/*
 * A catalogue (kind "supply" or "demand"; format "xlsx" or "csv") in the
 * columns the importer reads, so that it can be edited and uploaded again:
 * in XLSX the code, credit-code, phone and date columns are text, each
 * column shows a hint, the city, province and buyer-type columns offer
 * their values in a drop-down and the category column the categories in
 * use, and a second sheet explains each column.  *rows gets the rows
 * written.  export_catalogue_where writes only the items filter selects
 * (NULL: all); export_template none, the blank file a clerk fills in.
 */
int export_catalogue(struct store *st, const char *kind, const char *format,
    const char *path, long long *rows, char **cause);
int export_catalogue_where(struct store *st, const char *kind, const char *format,
    const struct catalog_filter *filter, const char *path, long long *rows, char **cause);
int export_template(struct store *st, const char *kind, const char *format, const char *path,
    char **cause);
/* The candidate meetings of the fair with this code, best first per demand. */
int export_candidates(struct store *st, const char *fair_code, const char *format,
    const char *path, long long *rows, char **cause);
/*
 * The schedule of the fair with this code, in time and table order: version
 * 0 is the current one, with the day's marks (no-show, backfill, late);
 * version N a stored version as it was solved.
 */
int export_schedule(struct store *st, const char *fair_code, int version, const char *format,
    const char *path, long long *rows, char **cause);
/*
 * The outcome of each meeting of the fair's current schedule (recorded or
 * not), then the outcomes' change history on a second sheet (XLSX only).
 */
int export_outcomes(struct store *st, const char *fair_code, const char *format,
    const char *path, long long *rows, char **cause);
/* An upload's report: its counts, then one row per problem (row, column, value, message). */
int export_upload_report(struct store *st, long long upload_id, const char *format,
    const char *path, long long *rows, char **cause);

#endif
