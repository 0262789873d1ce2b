/*
 * search.h — kiosk search over the FTS5 tables: the query goes through the
 * same tokenizer as the documents and becomes an FTS5 expression built
 * here (user text never reaches FTS5's query parser), ranked by bm25 with
 * column weights, with snippets and facet counts.
 */
#ifndef FM_SEARCH_H
#define FM_SEARCH_H

#include <stddef.h>
#include <stdint.h>

#include <sqlite3.h>

#include "serve.h"
#include "tokenize.h"

#define SEARCH_MAX_TOKENS	32	/* a longer query is cut, not refused */
#define SEARCH_MAX_LIMIT	1000
#define SEARCH_MAX_ID	((1L << 53) - 1)	/* row ids: every site's range, exact in JSON */
#define SEARCH_CANDIDATES	200	/* best-scored matches re-ranked for a page */
#define SEARCH_MAX_FACETS	50	/* values listed per facet */

/* Highlighting; the default is the kiosk's, the others references for tests and the benchmark. */
enum search_highlight {
	HIGHLIGHT_NEEDED,	/* tokenize only the columns that may match */
	HIGHLIGHT_EVERY_COLUMN,	/* tokenize every column, with pinyin where it has it */
	HIGHLIGHT_NONE		/* the name unmarked and no snippet (the rows' cost alone) */
};

struct search_opts {
	const char	*kind;		/* "supply" or "demand" */
	size_t		 limit;		/* hits wanted, 1..SEARCH_MAX_LIMIT */
	size_t		 offset;
	const char	*region;	/* only this city (supply) or province (demand) */
	const char	*category;	/* only this category */
	const char *const *fair_cities;	/* only suppliers from these cities (a fair's; the
					   serving layer only), or NULL */
	size_t		 nfair_cities;
	int		 no_facets;	/* skip the total and facet counts (a next page) */
	int		 exhaustive;	/* the serving layer scores every hit (serve.h; the
					   same page: for parity tests and benchmarks) */
	const int64_t	*exclude;	/* the serving layer leaves these products out of
					   hits, total and facets (at most SERVE_MAX_EXCLUDE) */
	size_t		 nexclude;
	int64_t		 exhibitor;	/* only this exhibitor's products (a supplier's id;
					   the serving layer only), or 0 */
	enum search_highlight	 highlight;	/* how hits are highlighted */
	const char	*mark_open;	/* highlight markers, e.g. "【" and "】" */
	const char	*mark_close;
};

struct search_hit {
	int64_t	 id;
	char	*code;
	char	*name;		/* product name, or the product a demand wants */
	char	*highlight;	/* name with matches marked */
	char	*snippet;	/* the best-matching passage, marked */
	char	*owner;		/* company or buyer */
	int64_t	 owner_id;	/* its id: the exhibitor (supplier) or the buyer */
	char	*region;	/* city or province */
	char	*category;
	double	 score;		/* higher is better */
};

struct facet {
	char	*value;
	long	 count;
};

/* What forgiving search (forgive.h) did, when it added hits to the exact ones. */
struct search_forgive {
	long	 exact;		/* hits of the query as typed: the first ones */
	char	*query;		/* the query that found the others */
	char	*suggestion;	/* "did you mean": the corrected words as a person
				   reads them (龙井 for lonjing), or NULL */
	char	*dropped;	/* the word left out, as typed, or NULL */
	char	*message_zh;	/* what the page says, in Chinese and in English */
	char	*message_en;
};

struct search_result {
	struct search_hit	*hits;
	size_t			 nhits;
	long			 total;		/* matches in all; -1 with no_facets */
	long			 scored;	/* the serving layer: matches it scored */
	struct facet		*regions;	/* counts by city / province, largest first */
	size_t			 nregions;
	struct facet		*categories;
	size_t			 ncategories;
	char			*expression;	/* the FTS5 query that ran, for logs and tests */
	struct search_forgive	*forgive;	/* NULL unless forgiving search added hits */
};

/*
 * Runs query.  last_is_prefix: the user may still be typing the last word
 * (search as you type), so it matches as a prefix.  Fills *res (free with
 * search_result_free); 0, or -1 with *cause (caller frees) naming what is
 * wrong with the query.
 */
int search_run(sqlite3 *db, struct tokenizer *tk, const char *query, int last_is_prefix,
    const struct search_opts *opts, struct search_result *res, char **cause);
void search_result_free(struct search_result *res);

/*
 * The kiosk path: the same query, filters and result as search_run, ranked
 * by the serving layer sv (of o->kind) instead of FTS5; hit details come from
 * the store.  s is the calling thread's scratch.  An empty (or blank) query
 * browses: every product the filters let through, none ranked above another.
 */
int search_serve_run(sqlite3 *db, struct tokenizer *tk, struct serve *sv,
    struct serve_scratch *s, const char *query, int last_is_prefix,
    const struct search_opts *opts, struct search_result *res, char **cause);

#endif
