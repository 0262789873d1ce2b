/*
 * results.c — search and match results as JSON, for the CLI and the API.
 */
#include <stdlib.h>
#include <string.h>

#include "results.h"
#include "util.h"

/* Facets as a JSON object {value: count}. */
static json_t *
facets_json(const struct facet *f, size_t n)
{
	json_t *o = json_object();

	for (size_t i = 0; i < n; i++)
		json_object_set_new(o, f[i].value, json_integer(f[i].count));
	return o;
}

json_t *
search_result_json(const struct search_result *r)
{
	json_t *root = json_object(), *hits = json_array();

	for (size_t i = 0; i < r->nhits; i++) {
		const struct search_hit *h = &r->hits[i];

		json_array_append_new(hits, json_pack("{s:s, s:s, s:f, s:s, s:s, s:s, s:I, s:s, s:s}",
		    "code", h->code, "name", h->name, "score", h->score, "highlight", h->highlight,
		    "snippet", h->snippet, "owner", h->owner, "owner_id", (json_int_t)h->owner_id,
		    "region", h->region, "category", h->category));
	}
	json_object_set_new(root, "hits", hits);
	json_object_set_new(root, "total", json_integer(r->total));
	json_object_set_new(root, "facets", json_pack("{s:o,s:o}", "region",
	    facets_json(r->regions, r->nregions), "category",
	    facets_json(r->categories, r->ncategories)));
	if (r->forgive != NULL) {
		const struct search_forgive *f = r->forgive;

		json_object_set_new(root, "forgiving", json_pack("{s:I, s:s, s:o, s:o, s:{s:s, s:s}}",
		    "exact", (json_int_t)f->exact, "query", f->query,
		    "did_you_mean", f->suggestion != NULL ? json_string(f->suggestion) : json_null(),
		    "dropped", f->dropped != NULL ? json_string(f->dropped) : json_null(),
		    "message", "zh", f->message_zh, "en", f->message_en));
	}
	return root;
}

json_t *
match_why_json(const struct match_hit *h)
{
	json_t *why = json_array();

	for (size_t i = 0; i < h->nwhy; i++) {
		json_t *fields = json_array();
		char *copy = xstrdup(h->why[i].fields), *rest = copy, *f;

		while ((f = str_split(&rest, ",")) != NULL)
			json_array_append_new(fields, json_string(f));
		free(copy);
		json_array_append_new(why, json_pack("{s:s,s:o}", "word", h->why[i].word,
		    "fields", fields));
	}
	if (h->same_category)
		json_array_append_new(why, json_pack("{s:s}", "category", h->category));
	return why;
}

json_t *
match_result_json(const struct match_result *r)
{
	json_t *arr = json_array();

	for (size_t i = 0; i < r->nhits; i++) {
		const struct match_hit *h = &r->hits[i];

		json_array_append_new(arr, json_pack("{s:s,s:s,s:f,s:s,s:s,s:s,s:o}",
		    "code", h->code, "name", h->name, "score", h->score, "owner", h->owner,
		    "region", h->region, "category", h->category, "why", match_why_json(h)));
	}
	return json_pack("{s:s, s:o}", "from", r->from_name, "matches", arr);
}
