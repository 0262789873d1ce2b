/*
 * test_generic.c — deriving generic words from category statistics, and
 * telling numbers, units and generic words from content words.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "generic.h"
#include "tokenize.h"
#include "util.h"

static struct tokenizer *tk;

static int
setup(void **state)
{
	char *cause = NULL;

	if ((tk = tokenizer_new(&cause)) == NULL)
		fail_msg("%s", cause);
	return 0;
}

static int
teardown(void **state)
{
	tokenizer_free(tk);
	return 0;
}

/* Whether word is among the derived ones. */
static int
derived(const struct generic_word *w, size_t n, const char *word)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(w[i].word, word) == 0)
			return 1;
	return 0;
}

/*
 * 要求 in demands of five categories alike: generic.  茶叶 in tea, once in
 * gifts: not.  礼盒 in four categories but mostly tea: not.  报价 in three
 * categories of eight: too few.
 */
static void
test_derive_from_spread(void **state)
{
	static const char *const cats[] = { "家电", "服装", "茶叶", "食品", "五金", "酒类",
	    "文具", "玩具" };
	struct generic_stats *s = generic_stats_new();
	struct generic_word *w;
	size_t n;

	for (size_t c = 0; c < nitems(cats); c++)
		for (int i = 0; i < 6; i++) {
			struct buf t = { 0 };

			buf_addf(&t, "%s样品%d号", cats[c], i);
			if (c < 5 && i < 2)
				buf_addstr(&t, "，要求春节前到货");
			if (strcmp(cats[c], "茶叶") == 0)
				buf_addstr(&t, " 茶叶 礼盒");
			if (c >= 5 && i == 0)
				buf_addstr(&t, " 礼盒");
			if (c < 3 && i == 1)
				buf_addstr(&t, " 报价");
			if (strcmp(cats[c], "文具") == 0 && i == 0)
				buf_addstr(&t, " 茶叶");
			generic_stats_add(s, tk, cats[c], t.data);
			buf_free(&t);
		}
	n = generic_stats_derive(s, &w);
	assert_true(derived(w, n, "要求"));
	assert_true(derived(w, n, "到货"));
	assert_true(derived(w, n, "样品"));
	assert_false(derived(w, n, "茶叶"));
	assert_false(derived(w, n, "礼盒"));
	assert_false(derived(w, n, "报价"));
	assert_false(derived(w, n, "家电"));
	/* Numbers are told by their digits: never in the list. */
	assert_false(derived(w, n, "1"));
	for (size_t i = 0; i < n; i++)
		if (strcmp(w[i].word, "要求") == 0) {
			assert_int_equal(w[i].items, 10);
			assert_int_equal(w[i].categories, 5);
		}
	generic_words_free(w, n);
	generic_stats_free(s);
}

/*
 * The counts do not depend on the order items come in: the same items,
 * category by category and interleaved, and fed as tokens (as a rebuild
 * replays them) rather than as text, derive the same words with the same
 * figures.
 */
static void
test_derive_any_order(void **state)
{
	static const char *const cats[] = { "家电", "服装", "茶叶", "食品", "五金" };
	struct generic_stats *grouped = generic_stats_new(), *mixed = generic_stats_new();
	struct generic_word *a, *b;
	size_t na, nb;

	for (size_t c = 0; c < nitems(cats); c++)
		for (int i = 0; i < 4; i++) {
			char *t = xasprintf("%s样品，要求%s到货", cats[c], i < 2 ? "春节前" : "年底");

			generic_stats_add(grouped, tk, cats[c], t);
			free(t);
		}
	for (int i = 0; i < 4; i++)
		for (size_t c = 0; c < nitems(cats); c++) {
			char *t = xasprintf("%s样品，要求%s到货", cats[c], i < 2 ? "春节前" : "年底");

			generic_stats_item(mixed, cats[c]);
			tokenize(tk, t, strlen(t), TOK_DOCUMENT_PINYIN, generic_stats_token, mixed);
			free(t);
		}
	na = generic_stats_derive(grouped, &a);
	nb = generic_stats_derive(mixed, &b);
	assert_true(derived(a, na, "要求"));
	assert_true(derived(a, na, "春节"));
	assert_false(derived(a, na, "家电"));
	assert_int_equal(na, nb);
	for (size_t i = 0; i < na; i++) {
		assert_string_equal(a[i].word, b[i].word);
		assert_int_equal(a[i].items, b[i].items);
		assert_int_equal(a[i].categories, b[i].categories);
		assert_true(a[i].top_share == b[i].top_share);
	}
	generic_words_free(a, na);
	generic_words_free(b, nb);
	generic_stats_free(grouped);
	generic_stats_free(mixed);
}

/* Items with no category count for nothing; one category makes nothing generic. */
static void
test_derive_needs_categories(void **state)
{
	struct generic_stats *s = generic_stats_new();
	struct generic_word *w;

	generic_stats_add(s, tk, "", "要求 要求");
	generic_stats_add(s, tk, NULL, "要求");
	for (int i = 0; i < 10; i++)
		generic_stats_add(s, tk, "茶叶", "要求春节前到货");
	assert_int_equal(generic_stats_derive(s, &w), 0);
	generic_words_free(w, 0);
	generic_stats_free(s);
}

/* The classes of tokens, with only the hand-written list loaded. */
static void
test_classify(void **state)
{
	sqlite3 *db;
	struct generic *g;
	char *cause = NULL;

	assert_int_equal(sqlite3_open(":memory:", &db), SQLITE_OK);
	g = generic_load(db, &cause);	/* no table: the hand-written list alone */
	assert_non_null(g);
	assert_int_equal(generic_classify(g, "50", 2, 0), WORD_NUMBER);
	assert_int_equal(generic_classify(g, "500ml", 5, 0), WORD_NUMBER);
	assert_int_equal(generic_classify(g, "6204", 4, 0), WORD_NUMBER);
	assert_int_equal(generic_classify(g, "zz", 2, 1), WORD_UNIT);
	assert_int_equal(generic_classify(g, "款", strlen("款"), 1), WORD_UNIT);
	assert_int_equal(generic_classify(g, "镜架", strlen("镜架"), 1), WORD_CONTENT);
	assert_int_equal(generic_classify(g, "ml", 2, 0), WORD_GENERIC);
	assert_int_equal(generic_classify(g, "要求", strlen("要求"), 0), WORD_GENERIC);
	assert_int_equal(generic_classify(g, "单位", strlen("单位"), 0), WORD_GENERIC);
	assert_int_equal(generic_classify(g, "眼镜", strlen("眼镜"), 0), WORD_CONTENT);
	assert_int_equal(generic_classify(g, "led", 3, 0), WORD_CONTENT);
	assert_true(generic_has(g, "要求", strlen("要求")));
	assert_false(generic_has(g, "要", strlen("要")));
	assert_false(generic_has(g, "要求书", strlen("要求书")));
	generic_free(g);
	sqlite3_close(db);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_derive_from_spread),
		cmocka_unit_test(test_derive_any_order),
		cmocka_unit_test(test_derive_needs_categories),
		cmocka_unit_test(test_classify),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
