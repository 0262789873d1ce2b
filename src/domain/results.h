/*
 * results.h — search and match results as JSON: the shapes DESIGN.md gives
 * for the CLI's --json, which the API serves too.
 */
#ifndef FM_RESULTS_H
#define FM_RESULTS_H

#include <jansson.h>

#include "match.h"
#include "search.h"

/* {"hits":[{code,name,score,highlight,snippet,owner,region,category}…],"total","facets"}. */
json_t *search_result_json(const struct search_result *r);
/* A hit's reasons: [{"word","fields":[…]}…, {"category"}]. */
json_t *match_why_json(const struct match_hit *h);
/* {"from":…, "matches":[{code,name,score,owner,region,category,why}…]}. */
json_t *match_result_json(const struct match_result *r);

#endif
