/*
 * rows.h — query rows as JSON, for the read functions that hand the API
 * and the command line what a statement returns.
 */
#ifndef FM_ROWS_H
#define FM_ROWS_H

#include <jansson.h>
#include <sqlite3.h>

/*
 * Steps q to the end: one object per row, keys the column names,
 * integers, reals, text, NULL as null.  New reference.
 */
json_t *rows_json(sqlite3_stmt *q);

/* The first row of q as an object, or NULL if there is none.  New reference. */
json_t *row_json(sqlite3_stmt *q);

#endif
