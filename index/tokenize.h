/*
 * tokenize.h — what a word is, for both indexes (DESIGN.md, "Text and
 * tokens").  SQLite FTS5 and Xapian are fed by this one tokenizer, so they
 * agree.
 *
 * Documents get, at each Han character: the character and the bigram it
 * starts; with pinyin (TOK_DOCUMENT_PINYIN), also the readings of the
 * character and the pinyin of the bigram and of ICU dictionary words of
 * three or four characters (full and initials).  Every
 * token has its own position and its own offsets, so a highlight marks
 * exactly what matched (龙井 for longjing, not just 龙); nothing here needs
 * phrase positions.  Latin and digit runs give the whole run (dz47-63) and its parts
 * (dz47, 63, dz, 47); 500ml gives 500ml, 500 and ml.  Queries get the
 * bigrams of a Han run (a lone character stays a unigram) and whole Latin
 * runs, so that 茶叶 matches 茶叶 and not every 茶 and 叶.
 */
#ifndef FM_TOKENIZE_H
#define FM_TOKENIZE_H

#include <stddef.h>

#include "textnorm.h"

/*
 * Bump when the tokens of any text change: the indexer then rebuilds both
 * indexes on its next run, since tokens made by the old rules would no
 * longer match queries made by the new ones.
 */
#define TOKENIZE_VERSION 2

enum tok_mode {
	TOK_DOCUMENT,		/* what a document is found by: characters, bigrams,
				   Latin words and their parts */
	TOK_DOCUMENT_PINYIN,	/* the same, and pinyin: for the short fields a buyer
				   names (product name, brand, keywords, category) */
	TOK_QUERY,		/* one query term: Han bigrams, whole Latin words */
	TOK_QUERY_EXPANDED,	/* a whole query: TOK_QUERY, plus the syllable pairs of
				   pinyin typed without spaces */
	TOK_WORDS,		/* what a person reads as words: the ICU dictionary
				   words of a Han run (any length, single characters
				   too) and whole Latin runs; for saying why */
};

struct token {
	const char	*text;		/* normalised, UTF-8; valid during the callback */
	size_t		 len;
	size_t		 start;		/* byte offsets into the original text */
	size_t		 end;
	int		 pinyin;	/* a pinyin reading, not text that was written */
};

/* Called per token; a non-zero return stops tokenizing and is returned. */
typedef int (*tok_emit_fn)(void *arg, const struct token *tok);

struct tokenizer;

/* NULL with *cause (caller frees) if the ICU or OpenCC data is missing. */
struct tokenizer *tokenizer_new(char **cause);
void tokenizer_free(struct tokenizer *tk);
/* The tokenizer's normaliser, for whole-string normalising; owned by tk. */
struct textnorm *tokenizer_textnorm(struct tokenizer *tk);

/*
 * Text that begins with this character (U+E000, private use) is tokenized
 * with pinyin by the FTS5 tokenizer: that is how the indexer says which
 * columns are short fields a buyer names.
 */
#define TOKENIZE_PINYIN_MARK	"\xee\x80\x80"

/*
 * Tokenizes text (len bytes; bytes that are not UTF-8 separate words).
 * Returns 0, or the first non-zero value emit returned.
 */
int tokenize(struct tokenizer *tk, const char *text, size_t len, enum tok_mode mode,
    tok_emit_fn emit, void *arg);

#endif
