/*
 * targets.h — the network's yearly targets as data (seed 000):
 * per province 拓展办, 营销中心, 市场外重点经销户, 扩销目标 and 三大市场目标;
 * per city 扩销目标 and 三大市场目标.  Amounts in 亿元.
 */
#ifndef FM_TARGETS_H
#define FM_TARGETS_H

#include <jansson.h>

#include "store.h"

/*
 * Loads a targets file (CSV, XLSX or JSON through table.c) for year,
 * replacing that year's targets of its kind.  The kind is read from the
 * header: 单位/省份 with 拓展办 … is the province table, 城市 the city
 * table.  A 总计/合计 row must equal the sum of the others.  All or
 * nothing: 0 and *out ({kind, year, rows, totals}; caller decrefs), or -1
 * with *cause naming the row, column and value.
 */
int targets_import(struct store *st, const char *path, int year, json_t **out,
    char **cause);
/*
 * A year's targets: {year, provinces: […], cities: […], totals, city_totals}
 * (caller decrefs), or NULL with *cause.
 */
json_t *targets_json(struct store *st, int year, char **cause);

#endif
