/*
 * generic.h — words that say nothing about what an item is: numbers, units
 * and generic words (要求, 产品, 优质, 批发 …).  They may add to a match's
 * score but never make a match on their own, and are never given as a
 * reason.
 *
 * Generic words are derived from the catalogues themselves: a word that
 * items of many categories use, none of them most, is generic (要求 in
 * demands of every kind; 茶叶 belongs to tea).  The list is derived data,
 * kept in the store's IX_GENERIC table and worked out again by the indexer
 * when a twentieth of the catalogue has changed since; a short hand-written
 * list supplements it for small catalogues.
 */
#ifndef FM_GENERIC_H
#define FM_GENERIC_H

#include <stddef.h>

#include <sqlite3.h>

#include "tokenize.h"

#define GENERIC_MIN_CATEGORIES	4	/* used in at least this many categories, */
#define GENERIC_MIN_SHARE	4	/* and in at least 1/this of the categories, */
#define GENERIC_MAX_TOP_SHARE	0.5	/* with no category holding more than this share */
#define GENERIC_REFRESH_SHARE	20	/* derive again when 1/this of the items changed */

/* What a token of an item is, for matching. */
enum word_class {
	WORD_CONTENT,	/* says what the item is: 眼镜, 龙井, led */
	WORD_NUMBER,	/* has a digit: 50, 500ml, 6204 */
	WORD_UNIT,	/* a unit of measure: ml, kg, 件 after a number */
	WORD_GENERIC,	/* used everywhere: 要求, 产品 */
};

/* --- deriving the list ------------------------------------------------- */

/* Counts of tokens over items, fed one item at a time in any order. */
struct generic_stats;

struct generic_stats *generic_stats_new(void);
void generic_stats_free(struct generic_stats *s);
/*
 * Adds one item's text (tokenized with TOK_DOCUMENT by tk) under category;
 * items with no category count for nothing.
 */
void generic_stats_add(struct generic_stats *s, struct tokenizer *tk, const char *category,
    const char *text);
/*
 * The same from tokens already made: generic_stats_item starts an item of
 * category, then generic_stats_token (a tok_emit_fn, arg s) counts each of
 * its tokens (pinyin ones are skipped), e.g. replayed from a tokstream.
 */
void generic_stats_item(struct generic_stats *s, const char *category);
int generic_stats_token(void *s, const struct token *t);

/* One derived generic word. */
struct generic_word {
	char	*word;
	size_t	 items;		/* items using it */
	size_t	 categories;	/* categories using it */
	double	 top_share;	/* of its items, the share in its commonest category */
};

/*
 * The generic words of what was added, most used first: *out (caller frees
 * with generic_words_free) and their count.
 */
size_t generic_stats_derive(const struct generic_stats *s, struct generic_word **out);
void generic_words_free(struct generic_word *w, size_t n);

/*
 * The indexer's hook after applying `applied` items: derives the list again
 * from the items' views when none was derived yet or a twentieth of the
 * items changed since the last time, and stores it.  0, or -1 with *cause.
 */
int generic_refresh(sqlite3 *db, struct tokenizer *tk, size_t applied, char **cause);

/*
 * Replaces the stored list with the words derived from s and marks it
 * fresh, inside the caller's transaction (a from-scratch build's, which
 * counted its items' tokens as it went).  0, or -1 with *cause.
 */
int generic_store(sqlite3 *db, const struct generic_stats *s, char **cause);

/* --- using it ---------------------------------------------------------- */

struct generic;

/*
 * The stored list and the hand-written one (that alone without the table);
 * NULL with *cause when reading the table fails (a lock, the disk).
 */
struct generic *generic_load(sqlite3 *db, char **cause);
void generic_free(struct generic *g);

/* Whether the folded word is generic (derived or hand-written). */
int generic_has(const struct generic *g, const char *word, size_t len);

/*
 * The class of a folded token; after_digit says it followed a digit in
 * the text (the ml of 500ml), which makes letters a unit.
 */
enum word_class generic_classify(const struct generic *g, const char *tok, size_t len,
    int after_digit);

#endif
