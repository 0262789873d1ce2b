/*
 * catalog_read.h — what the catalogues hold, read for the API and the
 * commands: one product or demand by code, the totals, and the counts by
 * city or province.
 */
#ifndef FM_CATALOG_READ_H
#define FM_CATALOG_READ_H

#include <jansson.h>

#include "catalog.h"
#include "store.h"
#include "util.h"

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

/* Which items of a catalogue a list or an export holds. */
struct catalog_filter {
	const char	*region;	/* a city's products or a province's demands; NULL = all */
	const char	*category;	/* exactly this 产品类别; NULL = any */
	const char	*since;		/* changed at or after this UTC time; NULL = any */
	int		 offered;	/* leave out withdrawn items */
	int		 none;		/* no items at all: a blank template */
};

/*
 * Appends to sql, a query over a catalogue's items "i" joined to their
 * owners "o", the WHERE clause for f; catalog_filter_bind binds its values.
 */
void catalog_filter_sql(const struct catalog *cat, const struct catalog_filter *f,
    struct buf *sql);
void catalog_filter_bind(sqlite3_stmt *q, const struct catalog_filter *f);

/*
 * A page of a catalogue's items (kind "supply" or "demand"): an array of
 * objects keyed by the catalogue's field names (as catalog.c's tables name
 * them), with updated_at and, when withdrawn, withdrawn_at.  sort is a
 * field name or "updated", "-" first for descending (NULL: latest change
 * first).  *total gets the items f selects.  NULL with *cause: an unknown
 * kind or sort key, or the store failed.  Caller decrefs.
 */
json_t *catalog_list_json(struct store *st, const char *kind, const struct catalog_filter *f,
    const char *sort, long long offset, long long limit, long long *total, char **cause);

#endif
