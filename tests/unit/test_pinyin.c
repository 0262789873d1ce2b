/*
 * test_pinyin.c — readings of single characters from the generated table,
 * and the full and initials pinyin of the words buyers type at the kiosks.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "pinyin.h"

#define TOKENS_MAX	64

/* What pinyin_word passed to collect(). */
struct tokens {
	char	full[TOKENS_MAX][64];		/* PINYIN_FULL, in order */
	size_t	nfull;
	char	initials[TOKENS_MAX][16];	/* PINYIN_INITIALS, in order */
	size_t	ninitials;
	size_t	ncalls;				/* calls of any form */
	size_t	stop_after;			/* return 1 after this many */
};

/* A character's expected readings; the first must come first. */
struct char_case {
	const char	*ch;		/* one character, UTF-8 */
	const char	*first;		/* most common reading */
	const char	*also[3];	/* readings that must be present too */
};

static const struct char_case char_cases[] = {
	{ "龙", "long", { NULL } },
	{ "井", "jing", { NULL } },
	{ "一", "yi", { NULL } },		/* U+4E00, first URO character */
	{ "行", "xing", { "hang", NULL } },
	{ "长", "zhang", { "chang", NULL } },
	{ "重", "zhong", { "chong", NULL } },
	{ "绿", "lv", { NULL } },
	{ "女", "nv", { NULL } },
	{ "丽", "li", { NULL } },
	{ "嗯", "n", { "ng", NULL } },		/* ń ňg: no vowel at all */
	{ "呣", "m", { NULL } },		/* ḿ, and m̀ with a combining mark */
	{ "㐀", "qiu", { NULL } },		/* U+3400, Extension A */
	{ "𠀀", "he", { NULL } },		/* U+20000, Extension B */
};

/* A word and tokens that must be among its pinyin; first ones come first. */
struct word_case {
	const char	*word;
	const char	*full;		/* must be the first full token */
	const char	*initials;	/* must be the first initials token */
	const char	*also_full;	/* another full token that must be there */
	const char	*also_initials;	/* another initials token, likewise */
};

static const struct word_case word_cases[] = {
	{ "龙井", "longjing", "lj", NULL, NULL },
	{ "茶叶", "chaye", "cy", "chaxie", "cx" },
	{ "西湖", "xihu", "xh", NULL, NULL },
	{ "温州", "wenzhou", "wz", NULL, NULL },
	{ "义乌", "yiwu", "yw", NULL, NULL },
	{ "嵊州", "shengzhou", "sz", NULL, NULL },
	{ "衢州", "quzhou", "qz", NULL, NULL },
	{ "丽水", "lishui", "ls", NULL, NULL },
	{ "银行", "yinxing", "yx", "yinhang", "yh" },
	{ "西湖龙井", "xihulongjing", "xhlj", NULL, NULL },
	{ "绿茶", "lvcha", "lc", NULL, NULL },
};

/* Records each token; stops when asked to. */
static int
collect(enum pinyin_form form, const char *token, void *arg)
{
	struct tokens	*t = arg;

	if (form == PINYIN_FULL) {
		assert_true(t->nfull < TOKENS_MAX);
		snprintf(t->full[t->nfull++], sizeof t->full[0], "%s", token);
	} else {
		assert_int_equal(form, PINYIN_INITIALS);
		assert_true(t->ninitials < TOKENS_MAX);
		snprintf(t->initials[t->ninitials++], sizeof t->initials[0],
		    "%s", token);
	}
	t->ncalls++;
	return (t->stop_after != 0 && t->ncalls >= t->stop_after);
}

/* The code point of a one-character UTF-8 string. */
static uint32_t
code_point(const char *s)
{
	const unsigned char	*p = (const unsigned char *)s;

	if (p[0] < 0x80)
		return (p[0]);
	if (p[0] < 0xe0)
		return (((uint32_t)(p[0] & 0x1f) << 6) | (p[1] & 0x3f));
	if (p[0] < 0xf0)
		return (((uint32_t)(p[0] & 0x0f) << 12) |
		    ((uint32_t)(p[1] & 0x3f) << 6) | (p[2] & 0x3f));
	return (((uint32_t)(p[0] & 0x07) << 18) |
	    ((uint32_t)(p[1] & 0x3f) << 12) |
	    ((uint32_t)(p[2] & 0x3f) << 6) | (p[3] & 0x3f));
}

/* Whether list[0..n) holds s. */
static int
has(char list[][64], size_t n, const char *s)
{
	size_t	i;

	for (i = 0; i < n; i++) {
		if (strcmp(list[i], s) == 0)
			return (1);
	}
	return (0);
}

/* Whether list[0..n) of initials holds s. */
static int
has_initials(char list[][16], size_t n, const char *s)
{
	size_t	i;

	for (i = 0; i < n; i++) {
		if (strcmp(list[i], s) == 0)
			return (1);
	}
	return (0);
}

/* Runs pinyin_word on word into t, and returns the token count. */
static size_t
spell(const char *word, size_t max, struct tokens *t)
{
	size_t	n;

	memset(t, 0, sizeof *t);
	n = pinyin_word(word, strlen(word), max, collect, t);
	assert_int_equal(n, t->ncalls);
	return (n);
}

/* Each character's readings: the common one first, the others present. */
static void
test_char_readings(void **state)
{
	const struct char_case	*c;
	const char		*r[PINYIN_MAX_READINGS];
	size_t			 i, j, k, n;

	for (i = 0; i < sizeof char_cases / sizeof char_cases[0]; i++) {
		c = &char_cases[i];
		n = pinyin_readings(code_point(c->ch), r, PINYIN_MAX_READINGS);
		if (n == 0)
			fail_msg("%s: no readings", c->ch);
		if (strcmp(r[0], c->first) != 0)
			fail_msg("%s: first reading %s, want %s", c->ch, r[0],
			    c->first);
		for (j = 0; j < 3 && c->also[j] != NULL; j++) {
			for (k = 0; k < n; k++) {
				if (strcmp(r[k], c->also[j]) == 0)
					break;
			}
			if (k == n)
				fail_msg("%s: lacks reading %s", c->ch,
				    c->also[j]);
		}
	}
}

/* Readings are toneless lower-case ASCII, unrepeated, and at most 8. */
static void
test_readings_are_plain_ascii(void **state)
{
	const char	*r[PINYIN_MAX_READINGS];
	size_t		 i, j, k, n;
	const char	*p;

	for (i = 0; i < pinyin_nentries; i++) {
		n = pinyin_readings(pinyin_entries[i].cp, r,
		    PINYIN_MAX_READINGS);
		assert_true(n > 0);
		assert_int_equal(n, pinyin_entries[i].n);
		for (j = 0; j < n; j++) {
			assert_true(strlen(r[j]) > 0);
			assert_true(strlen(r[j]) < PINYIN_READING_MAX);
			for (p = r[j]; *p != '\0'; p++)
				assert_true(*p >= 'a' && *p <= 'z');
			for (k = 0; k < j; k++)
				assert_string_not_equal(r[j], r[k]);
		}
		if (i > 0)
			assert_true(pinyin_entries[i - 1].cp <
			    pinyin_entries[i].cp);
	}
	assert_true(pinyin_nentries > 40000);
}

/* Polyphonic characters keep every reading; max truncates, in order. */
static void
test_polyphonic(void **state)
{
	const char	*all[PINYIN_MAX_READINGS], *two[2];
	size_t		 n;

	n = pinyin_readings(code_point("行"), all, PINYIN_MAX_READINGS);
	assert_int_equal(n, 3);		/* xíng, háng, héng */
	assert_int_equal(pinyin_readings(code_point("行"), two, 2), 2);
	assert_ptr_equal(two[0], all[0]);
	assert_ptr_equal(two[1], all[1]);
	assert_int_equal(pinyin_readings(code_point("行"), two, 0), 0);
}

/* Letters, punctuation, emoji and unassigned code points have none. */
static void
test_non_han(void **state)
{
	static const uint32_t	 none[] = {
		'A', 'a', '0', 0xff0c /* ， */, 0x3002 /* 。 */,
		0x1f600 /* 😀 */, 0xac00 /* 가 */, 0x3042 /* あ */, 0,
		0x10ffff, 0x110000, UINT32_MAX,
	};
	const char		*r[PINYIN_MAX_READINGS];
	size_t			 i;

	for (i = 0; i < sizeof none / sizeof none[0]; i++)
		assert_int_equal(pinyin_readings(none[i], r,
		    PINYIN_MAX_READINGS), 0);
}

/* The first and last entries are found; their neighbours are not. */
static void
test_table_edges(void **state)
{
	const char	*r[PINYIN_MAX_READINGS];
	uint32_t	 first = pinyin_entries[0].cp;
	uint32_t	 last = pinyin_entries[pinyin_nentries - 1].cp;

	assert_int_equal(first, 0x3400);
	assert_true(pinyin_readings(first, r, PINYIN_MAX_READINGS) > 0);
	assert_int_equal(pinyin_readings(first - 1, r, PINYIN_MAX_READINGS),
	    0);
	assert_true(last >= 0x20000);
	assert_true(pinyin_readings(last, r, PINYIN_MAX_READINGS) > 0);
	assert_int_equal(pinyin_readings(last + 1, r, PINYIN_MAX_READINGS),
	    0);
	assert_true(pinyin_readings(0x4e00, r, PINYIN_MAX_READINGS) > 0);
	assert_string_equal(r[0], "yi");
	assert_true(pinyin_readings(0x20000, r, PINYIN_MAX_READINGS) > 0);
}

/* The initial of a reading is its first letter. */
static void
test_initial(void **state)
{
	assert_int_equal(pinyin_initial("long"), 'l');
	assert_int_equal(pinyin_initial("zhong"), 'z');
	assert_int_equal(pinyin_initial("ng"), 'n');
	assert_int_equal(pinyin_initial(""), -1);
	assert_int_equal(pinyin_initial(NULL), -1);
	assert_int_equal(pinyin_initial("Long"), -1);
}

/* Place names and goods: the common spelling first, others present. */
static void
test_words(void **state)
{
	const struct word_case	*c;
	struct tokens		 t;
	size_t			 i;

	for (i = 0; i < sizeof word_cases / sizeof word_cases[0]; i++) {
		c = &word_cases[i];
		if (spell(c->word, 0, &t) == 0)
			fail_msg("%s: no pinyin", c->word);
		if (strcmp(t.full[0], c->full) != 0)
			fail_msg("%s: first full %s, want %s", c->word,
			    t.full[0], c->full);
		if (strcmp(t.initials[0], c->initials) != 0)
			fail_msg("%s: first initials %s, want %s", c->word,
			    t.initials[0], c->initials);
		if (c->also_full != NULL && !has(t.full, t.nfull, c->also_full))
			fail_msg("%s: lacks %s", c->word, c->also_full);
		if (c->also_initials != NULL &&
		    !has_initials(t.initials, t.ninitials, c->also_initials))
			fail_msg("%s: lacks %s", c->word, c->also_initials);
	}
}

/* 银行 in order: each combination's full token, then its initials. */
static void
test_word_order(void **state)
{
	struct tokens	t;

	spell("银行", 0, &t);
	assert_int_equal(t.nfull, 3);
	assert_string_equal(t.full[0], "yinxing");
	assert_string_equal(t.full[1], "yinhang");
	assert_string_equal(t.full[2], "yinheng");
	assert_string_equal(t.initials[0], "yx");
	assert_string_equal(t.initials[1], "yh");

	/* 长重: zhangzhong first, then one character's second reading. */
	spell("长重", 0, &t);
	assert_string_equal(t.full[0], "zhangzhong");
	assert_true(has(t.full, 2, "zhangchong"));
	assert_true(has(t.full, 3, "changzhong"));
}

/* Four highly polyphonic characters: 8·7·7·7 combinations, capped. */
static void
test_combination_cap(void **state)
{
	static const char	*word = "擖敦湛繆";
	struct tokens		 t;
	size_t			 i, j;

	spell(word, 0, &t);
	assert_int_equal(t.nfull, PINYIN_MAX_COMBINATIONS);
	assert_true(t.ninitials > 0 && t.ninitials <= PINYIN_MAX_COMBINATIONS);
	assert_string_equal(t.full[0], "kadunzhanmou");
	assert_string_equal(t.initials[0], "kdzm");
	for (i = 0; i < t.nfull; i++)
		for (j = 0; j < i; j++)
			assert_string_not_equal(t.full[i], t.full[j]);
	for (i = 0; i < t.ninitials; i++)
		for (j = 0; j < i; j++)
			assert_string_not_equal(t.initials[i], t.initials[j]);

	spell(word, 3, &t);
	assert_int_equal(t.nfull, 3);
	spell(word, 1000, &t);
	assert_int_equal(t.nfull, PINYIN_MAX_COMBINATIONS);
}

/* A callback that says stop is not called again. */
static void
test_callback_stops(void **state)
{
	struct tokens	t;
	size_t		n;

	memset(&t, 0, sizeof t);
	t.stop_after = 3;
	n = pinyin_word("擖敦湛繆", strlen("擖敦湛繆"), 0, collect, &t);
	assert_int_equal(n, 3);
	assert_int_equal(t.ncalls, 3);
}

/* Words that have no pinyin give no tokens, and no calls. */
static void
test_words_without_pinyin(void **state)
{
	static const char	*none[] = {
		"", "A", "龙A", "龙，", "😀", "龙井😀", "가나",
		"一二三四五六七八九",		/* more than PINYIN_WORD_MAX */
		"\xe9\xbe",			/* 龙 cut short */
		"\xc0\xaf",			/* overlong '/' */
		"\xed\xa0\x80",			/* surrogate */
	};
	struct tokens		 t;
	size_t			 i;

	for (i = 0; i < sizeof none / sizeof none[0]; i++) {
		if (spell(none[i], 0, &t) != 0)
			fail_msg("word %zu: got %s", i, t.full[0]);
		assert_int_equal(t.ncalls, 0);
	}
	assert_int_equal(pinyin_word(NULL, 3, 0, collect, &t), 0);
	assert_int_equal(pinyin_word("龙", strlen("龙"), 0, NULL, NULL), 0);

	/* Exactly PINYIN_WORD_MAX characters still have pinyin. */
	assert_true(spell("一二三四五六七八", 0, &t) > 0);
	assert_string_equal(t.full[0], "yiersansiwuliuqiba");
	/* len bounds the word, not a NUL. */
	memset(&t, 0, sizeof t);
	assert_true(pinyin_word("龙井", strlen("龙"), 0, collect, &t) > 0);
	assert_string_equal(t.full[0], "long");
}

/* Runs the pinyin tests. */
int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_char_readings),
		cmocka_unit_test(test_readings_are_plain_ascii),
		cmocka_unit_test(test_polyphonic),
		cmocka_unit_test(test_non_han),
		cmocka_unit_test(test_table_edges),
		cmocka_unit_test(test_initial),
		cmocka_unit_test(test_words),
		cmocka_unit_test(test_word_order),
		cmocka_unit_test(test_combination_cap),
		cmocka_unit_test(test_callback_stops),
		cmocka_unit_test(test_words_without_pinyin),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
