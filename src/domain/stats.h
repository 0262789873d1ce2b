/*
 * stats.h — the network's performance figures (绩效考核): per
 * fair, province, city, marketing centre or quarter, the meetings held,
 * the no-show rate, intentions, contracts and their amounts, against the
 * year's targets.
 */
#ifndef FM_STATS_H
#define FM_STATS_H

#include <jansson.h>

#include "outcome.h"
#include "store.h"

/* What to count. */
struct stats_query {
	const char		*by;		/* fair, province, city, centre, quarter */
	int			 year;		/* 0 = every year (no targets then) */
	int			 quarter;	/* 1–4, or 0 = the whole year */
	const char		*fair;		/* one fair's code, or NULL */
	struct office_scope	 scope;		/* whose meetings */
};

/* The groupings stats_json knows, for usage messages: "fair|province|…". */
const char *stats_groupings(void);
/*
 * The figures as {by, year, quarter, rows: [{key, label, meetings, recorded,
 * held, no_show, no_show_rate, intentions, contracts, intention_wan,
 * contract_wan, amount_wan, target_wan, progress}], totals}.  Amounts in
 * 万元; target_wan and progress (contract_wan / target_wan) are null where
 * there is no target.  NULL with *cause on a bad query.  Caller decrefs.
 */
json_t *stats_json(struct store *st, const struct stats_query *sq, char **cause);
/* Writes stats_json's result to path as xlsx or csv; 0, or -1 with *cause. */
int stats_export(const json_t *stats, const char *format, const char *path, char **cause);

#endif
