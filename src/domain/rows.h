/*
 * rows.h — query rows as JSON, for the read functions that hand the API
 * and the command line what a statement returns.
 */
#ifndef FM_ROWS_H
#define FM_ROWS_H

#include <stdint.h>

#include <jansson.h>
#include <sqlite3.h>

#include "store.h"

/*
 * Steps q to the end and finishes it (store_finish): one object per row,
 * keys the column names, integers, reals, text, NULL as null.  A new
 * reference, or NULL with *cause if a step failed.
 */
json_t *rows_json(struct store *st, sqlite3_stmt *q, char **cause);

/*
 * The rows of sql (rows_json) with ?1 bound to a and, if the statement has
 * a second parameter, ?2 to b (a fair and a participant, say).  A new
 * reference, or NULL with *cause.
 */
json_t *rows_query(struct store *st, const char *sql, int64_t a, int64_t b, char **cause);

#endif
