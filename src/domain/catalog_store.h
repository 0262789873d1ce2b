/*
 * catalog_store.h — writing checked catalogue rows into the store: an
 * item (product, demand) and its owner (supplier, buyer), upserted by code.
 * The SQL is built from the catalogue's field table, so a new column is one
 * line in catalog.c and one in a migration.
 */
#ifndef FM_CATALOG_STORE_H
#define FM_CATALOG_STORE_H

#include <stdint.h>

#include "catalog.h"
#include "store.h"

enum put_result { PUT_INSERTED, PUT_UPDATED, PUT_UNCHANGED };

struct catalog_writer;

/* Prepares the writer's statements; NULL with *cause if the store failed. */
struct catalog_writer *catalog_writer_new(struct store *st, const struct catalog *cat,
    char **cause);
void catalog_writer_free(struct catalog_writer *w);

/*
 * If the code in vals already belongs to another city (supply) or province
 * (demand), sets *region to that region (caller frees); else to NULL.  Codes
 * are unique across the province, so one office cannot overwrite another's
 * row.  0, or -1 with *cause if the store failed.
 */
int catalog_writer_owner_region(struct catalog_writer *w, const struct field_value *vals,
    char **region, char **cause);

/*
 * Inserts or updates the row in vals (checked by catalog_check_row), marked
 * as changed by upload_id.  An owner's attributes (credit code, county;
 * buyer type, city) are taken from the first row that names the owner.
 * 0 with *res, or -1 with *cause.  Must run inside a transaction.
 */
int catalog_writer_put(struct catalog_writer *w, const struct field_value *vals,
    int64_t upload_id, enum put_result *res, char **cause);

#endif
