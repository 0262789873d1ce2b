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
 * The object (caller decrefs), or NULL when there is no such code.
 */
json_t *catalog_item_json(struct store *st, const char *kind, const char *code);

struct catalog_totals {
	long long	 products;
	long long	 suppliers;
	long long	 demands;
	long long	 buyers;
	long long	 uploads;
};
/* Row counts of the catalogue tables. */
void catalog_totals(struct store *st, struct catalog_totals *t);

/*
 * Products by supplier city ("supply") or demands by buyer province
 * ("demand"), most first: an object of name → count (caller decrefs).
 */
json_t *catalog_by_region(struct store *st, const char *kind);

#endif
