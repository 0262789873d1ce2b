/*
 * match.h — the matcher: for a demand, the products that fit it, best
 * first, and why; for a product, the demands that want it.  Runs on the
 * Xapian indexes with query trees built here: a weighted OR over the
 * tokens of what the item wants (product wanted > keywords > category >
 * description), each token sought in every field of the other side with
 * that field's weight, so that more shared bigrams in better fields rank
 * higher.  Hits of the same category come before hits of another (when
 * both sides name one), and a name that ends with a word of the other's
 * name scores higher (Chinese names put the thing last).
 */
#ifndef FM_MATCH_H
#define FM_MATCH_H

#include <stddef.h>
#include <stdint.h>

#include <sqlite3.h>

#define MATCH_MAX_TOKENS	64	/* of the item matched from, heaviest kept */
#define MATCH_MAX_LIMIT		1000

struct match_opts {
	size_t			 limit;		/* hits wanted */
	const char *const	*regions;	/* only these cities (supply) or provinces
						   (demand), e.g. a fair's invited cities */
	size_t			 nregions;
	const char		*honour;	/* only items with this honour (浙江名牌产品) */
	const char		*open_on;	/* YYYY-MM-DD: no demand whose deadline is
						   before it; NULL = deadlines not looked at */
	int			 exhaustive;	/* the serving layer: every list, whole
						   (to check the two stages) */
};

/* One reason: a word of the item matched from, found in these fields. */
struct match_reason {
	char	*word;		/* as written in the item matched from */
	char	*fields;	/* "name,keywords": the other side's fields */
};

struct match_hit {
	int64_t			 id;
	char			*code, *name, *owner, *region, *category;
	double			 score;
	int			 same_category;	/* a reason too */
	int			 tier;		/* 2 same category, 1 unknown, 0 another */
	struct match_reason	*why;
	size_t			 nwhy;
};

struct match_result {
	const char		*from_kind;	/* "demand" or "supply" */
	char			*from_name;	/* what the item is: the product wanted, or named */
	struct match_hit	*hits;
	size_t			 nhits;
};

struct matcher;

/* Opens the Xapian databases under xapian_dir read-only; NULL with *cause. */
struct matcher *matcher_open(sqlite3 *db, const char *xapian_dir, char **cause);
void matcher_close(struct matcher *m);

/*
 * Matches demands on the products' serving layer in memory (serve.h's
 * serve_match; not owned, shared between matchers and with kiosk search)
 * instead of Xapian; matches filtered by honour still go to Xapian.
 * Products are matched to demands on Xapian.  NULL: Xapian again.
 */
struct serve;
void matcher_use_layer(struct matcher *m, struct serve *layer);

/*
 * Matches the item of from_kind ("demand" or "supply") with code against
 * the other side.  0 with *res (free with match_result_free), or -1 with
 * *cause: an unknown code, or an item with no words to match on.
 */
int match_code(struct matcher *m, const char *from_kind, const char *code,
    const struct match_opts *o, struct match_result *res, char **cause);
/*
 * match_code() for an item that is in no catalogue (a walk-in's words on
 * the day): text is what it is called, the product it wants or offers,
 * category its category (NULL or "" for none).  0 with *res, or -1 with
 * *cause: text with no words to match on.
 */
int match_text(struct matcher *m, const char *from_kind, const char *text,
    const char *category, const struct match_opts *o, struct match_result *res,
    char **cause);
void match_result_free(struct match_result *res);

#endif
