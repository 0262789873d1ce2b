/*
 * pinyin.h — Mandarin readings of Han characters, and the pinyin of words.
 *
 * Readings are toneless lower-case ASCII: 龙 → "long", 绿 → "lv" (ü is
 * written v, as pinyin input methods do; a caller wanting the u spelling
 * too, "lu", makes it itself), 嗯 → "n", "ng". Polyphonic characters have
 * every reading Unihan knows, most common first: 行 → "xing", "hang",
 * "heng". The table is generated at build time by gen_pinyin.c from
 * Unihan_Readings.txt (DESIGN.md, "Text and tokens").
 *
 * Every string handed out here is either static (readings) or valid only
 * during the callback it is passed to (word pinyin). Nothing is allocated.
 */
#ifndef PINYIN_H
#define PINYIN_H

#include <stddef.h>
#include <stdint.h>

#define PINYIN_MAX_READINGS	16	/* per character; Unihan 15 has ≤ 8 */
#define PINYIN_READING_MAX	8	/* bytes of the longest reading + NUL */
#define PINYIN_WORD_MAX		8	/* characters in a word pinyin_word takes */
#define PINYIN_MAX_COMBINATIONS	16	/* default cap on a word's readings */

/* What a token passed to a pinyin_word_cb is. */
enum pinyin_form {
	PINYIN_FULL,		/* every syllable: "longjing" */
	PINYIN_INITIALS		/* first letter of each syllable: "lj" */
};

/*
 * Receives one pinyin token of a word. token is NUL-terminated and valid
 * only until the callback returns. Returns 0 to go on, non-zero to stop.
 */
typedef int (*pinyin_word_cb)(enum pinyin_form form, const char *token,
    void *arg);

/*
 * Stores in out[0..max) the readings of cp, most common first, and returns
 * how many it stored: 0 if cp is not a Han character with a Mandarin
 * reading. The strings are static.
 */
size_t	pinyin_readings(uint32_t cp, const char **out, size_t max);

/* The first letter of reading ('l' for "long"), or -1 if it has none. */
int	pinyin_initial(const char *reading);

/*
 * Passes to cb the pinyin of the word in word[0..len) (UTF-8, Han
 * characters only, at most PINYIN_WORD_MAX of them), one combination of
 * its characters' readings after another in most-common-first order (the
 * sum of the readings' ranks, then left to right), at most max_combinations
 * of them (0, or more than PINYIN_MAX_COMBINATIONS, means
 * PINYIN_MAX_COMBINATIONS). For each combination cb gets
 * its PINYIN_FULL token, then its PINYIN_INITIALS token; a token equal to
 * one already passed is not passed again. 银行 gives "yinxing", "yx",
 * "yinhang", "yh", "yinheng".
 *
 * Returns the number of tokens passed to cb; 0 if the word is empty, too
 * long, not valid UTF-8 or holds a character without a reading (the
 * caller then simply has no pinyin to index).
 */
size_t	pinyin_word(const char *word, size_t len, size_t max_combinations,
	    pinyin_word_cb cb, void *arg);

#define PINYIN_SEGMENT_MAX	64	/* letters pinyin_segment takes */

/*
 * Splits s[0..len) (toneless lower-case pinyin typed without spaces, such
 * as "anjibaicha") into the fewest syllables any character reads as, and
 * stores the end offset of each in cuts (at most max).  Returns how many
 * syllables, or 0 if s is not pinyin (or longer than PINYIN_SEGMENT_MAX).
 * "anjibaicha" → 4: an|ji|bai|cha.  Thread-safe.
 */
size_t	pinyin_segment(const char *s, size_t len, size_t *cuts, size_t max);

/*
 * Builds what pinyin_segment reads (every reading, sorted: milliseconds),
 * once per process; thread-safe.  tokenizer_new calls it, so that no
 * query pays it.
 */
void	pinyin_prepare(void);

/*
 * The generated table (pinyin_table.c, written by gen_pinyin.c), declared
 * here so that the compiler checks the generated definitions against these
 * declarations. Callers use the functions above, not the table.
 */
struct pinyin_entry {
	uint32_t	cp;	/* code point; entries sorted by it */
	uint32_t	off;	/* first reading's offset in pinyin_pool */
	uint8_t		n;	/* number of readings, consecutive there */
};

extern const char			pinyin_pool[];
extern const struct pinyin_entry	pinyin_entries[];
extern const size_t			pinyin_nentries;

#endif /* PINYIN_H */
