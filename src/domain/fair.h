/*
 * fair.h — the fairs of the season: where and when, which Zhejiang cities
 * and which provinces each one pairs (seed 000), and the candidate
 * meetings the matcher proposes for it.
 */
#ifndef FM_FAIR_H
#define FM_FAIR_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <jansson.h>

#include "store.h"

struct fair {
	int64_t	 id;
	char	*code;
	char	*name;
	char	**cities;	/* supplier cities; none = every city */
	size_t	 ncities;
	char	**provinces;	/* buyer provinces; none = every province */
	size_t	 nprovinces;
};

/*
 * Loads a fairs file (CSV, XLSX or JSON; 展会编号 code, 展会名称 name, 举办城市
 * city, 开始日期 start, 结束日期 end, 对接城市 cities, 对接省份 provinces):
 * upserts by code in one transaction, or, on any error, writes nothing and
 * prints every problem (row, column, message) to f.  *n gets the fairs
 * loaded.  0, or -1.
 */
int fair_import(struct store *st, const char *path, size_t *n, FILE *f);

/* The fair with code; 0, or -1 with *cause.  Free with fair_clear. */
int fair_get(struct store *st, const char *code, struct fair *fair, char **cause);
void fair_clear(struct fair *fair);

/* Every fair, by start date: [{code, name, city, start_date, end_date, cities, provinces,
 * candidates}] (caller decrefs), or NULL with *cause. */
json_t *fair_list_json(struct store *st, char **cause);
/* 1 if a fair has the code, 0 if none has, -1 with *cause if the store failed. */
int fair_exists(struct store *st, const char *code, char **cause);

#endif
