/*
 * withdraw.h — what is on offer: an office withdraws a product or demand
 * (and may restore it), and a demand closes after its deadline (截止日期).
 * Neither is searched or matched.  A withdrawn item keeps its row; it
 * leaves the indexes through the index log like any other change.
 */
#ifndef FM_WITHDRAW_H
#define FM_WITHDRAW_H

#include <jansson.h>

#include "store.h"

enum withdraw_result {
	WITHDRAW_DONE,		/* changed */
	WITHDRAW_ALREADY,	/* it was so already: nothing changed */
	WITHDRAW_NOT_FOUND,	/* no item has the code */
	WITHDRAW_FORBIDDEN,	/* another city's product or province's demand */
	WITHDRAW_FAILED,	/* the store failed */
};

/*
 * Withdraws (or with restore, offers again) the product ("supply") or
 * demand ("demand") with code, recording who.  only_region: the city
 * (supply) or province (demand) the caller may change, NULL = any.  The
 * indexes are not brought up to date here (indexing_update does that).
 * Anything but WITHDRAW_DONE and WITHDRAW_ALREADY comes with *cause;
 * WITHDRAW_FAILED is the store's failure, recorded on st (store_failure).
 */
enum withdraw_result withdraw_item(struct store *st, const char *kind, const char *code,
    int restore, const char *by, const char *only_region, char **cause);

/*
 * The withdrawn items of a kind, latest first, as an array of {code, name,
 * owner, region, withdrawn_at, withdrawn_by} (caller decrefs); only_region
 * as above.  NULL with *cause when the store fails.
 */
json_t *withdraw_list_json(struct store *st, const char *kind, const char *only_region,
    char **cause);

/*
 * The date deadlines are compared with: $FAIRMATCH_TODAY when it is a
 * YYYY-MM-DD date (tests, or preparing a fair ahead), else today's local date.
 */
void withdraw_today(char out[11]);

/*
 * Whether the item with code may be matched from: 0, or -1 with *cause
 * when it is withdrawn or a demand whose deadline is before today (out of
 * withdraw_today), or when the store fails (then recorded on st, see
 * store_failure).  An unknown code is the matcher's to report: 0.
 */
int withdraw_check_open(struct store *st, const char *kind, const char *code,
    const char *today, char **cause);

#endif
