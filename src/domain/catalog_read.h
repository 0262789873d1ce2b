/*
 * catalog_read.h — what the catalogues hold, read for the API and the
 * commands: one product or demand by code, the totals, and the counts by
 * city or province.
 */
#ifndef FM_CATALOG_READ_H
#define FM_CATALOG_READ_H

#include <jansson.h>

#include "store.h"

/*
 * One product (kind "supply") with its supplier, or one demand ("demand")
 * with its buyer, as an object keyed by column; NULL columns left out.
 * 0 with *out (caller decrefs; NULL when there is no such code), or -1
 * with *cause when the store failed.
 */
int catalog_item_json(struct store *st, const char *kind, const char *code, json_t **out,
    char **cause);

struct catalog_totals {
	long long	 products;
	long long	 suppliers;
	long long	 demands;
	long long	 buyers;
	long long	 uploads;
};
/* Row counts of the catalogue tables: 0, or -1 with *cause. */
int catalog_totals(struct store *st, struct catalog_totals *t, char **cause);

/*
 * Products by supplier city ("supply") or demands by buyer province
 * ("demand"), most first: an object of name → count (caller decrefs), or
 * NULL with *cause.
 */
json_t *catalog_by_region(struct store *st, const char *kind, char **cause);

#endif
