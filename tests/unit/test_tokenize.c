/*
 * test_tokenize.c — the normaliser and the tokenizer on what buyers and
 * clerks write: traditional characters, full-width letters, pinyin, model
 * numbers, units.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "textnorm.h"
#include "tokenize.h"
#include "util.h"

static struct tokenizer *tk;
static struct textnorm *tn;

static int
setup(void **state)
{
	char *cause = NULL;

	if ((tk = tokenizer_new(&cause)) == NULL || (tn = textnorm_new(&cause)) == NULL)
		fail_msg("%s", cause);
	return 0;
}

static int
teardown(void **state)
{
	tokenizer_free(tk);
	textnorm_free(tn);
	return 0;
}

/* Collects tokens as "text@start-end", space-separated. */
static int
collect(void *arg, const struct token *t)
{
	struct buf *b = arg;

	buf_addf(b, "%s%.*s@%zu-%zu", b->len ? " " : "", (int)t->len, t->text, t->start,
	    t->end);
	return 0;
}

static char *
toks(const char *text, enum tok_mode mode)
{
	struct buf b = { 0 };

	buf_add(&b, "", 0);
	tokenize(tk, text, strlen(text), mode, collect, &b);
	return buf_take(&b);
}

/* Does the token list hold this token text (as a whole word)? */
static int
has_tok(const char *list, const char *tok)
{
	size_t n = strlen(tok);

	for (const char *p = list; (p = strstr(p, tok)) != NULL; p++)
		if ((p == list || p[-1] == ' ') && p[n] == '@')
			return 1;
	return 0;
}

#define assert_tok(list, tok) do { if (!has_tok(list, tok)) \
	fail_msg("no token “%s” in: %s", tok, list); } while (0)
#define assert_no_tok(list, tok) do { if (has_tok(list, tok)) \
	fail_msg("unexpected token “%s” in: %s", tok, list); } while (0)

static void
test_normalise_string(void **state)
{
	static const struct { const char *in, *out; } cases[] = {
		{ "電動工具", "电动工具" },
		{ "ＬＥＤ灯泡　Ｅ２７", "led灯泡 e27" },
		{ "  西湖龍井，明前特級！ ", "西湖龙井 明前特级" },
		{ "DZ47-63 C16", "dz47 63 c16" },
		{ "", "" },
		{ "，。！", "" },
	};

	for (size_t i = 0; i < nitems(cases); i++) {
		char *cause = NULL, *got = textnorm_string(tn, cases[i].in, strlen(cases[i].in),
		    &cause);

		assert_non_null(got);
		if (strcmp(got, cases[i].out) != 0)
			fail_msg("“%s” → “%s”, wanted “%s”", cases[i].in, got, cases[i].out);
		free(got);
	}
	{
		char *cause = NULL;

		assert_null(textnorm_string(tn, "a\xff" "b", 3, &cause));
		assert_non_null(strstr(cause, "UTF-8"));
		free(cause);
	}
}

static void
test_han_document(void **state)
{
	char *t = toks("西湖龙井茶", TOK_DOCUMENT_PINYIN), *plain;

	/* unigrams, bigrams with their byte offsets, pinyin full and initials */
	assert_tok(t, "龙");
	assert_tok(t, "龙井");
	assert_tok(t, "井茶");
	assert_non_null(strstr(t, "龙井@6-12"));
	assert_non_null(strstr(t, "longjing@6-12"));	/* a pinyin match marks 龙井 */
	assert_tok(t, "lj");
	assert_tok(t, "xihu");
	assert_tok(t, "long");
	assert_no_tok(t, "l");		/* no one-letter initials of single characters */
	free(t);
	/* without pinyin (long free text): characters and bigrams only */
	plain = toks("西湖龙井茶", TOK_DOCUMENT);
	assert_string_equal(plain, "西@0-3 西湖@0-6 湖@3-6 湖龙@3-9 龙@6-9 龙井@6-12 井@9-12"
	    " 井茶@9-15 茶@12-15");
	free(plain);
}

static void
test_polyphonic(void **state)
{
	char *t = toks("银行", TOK_DOCUMENT_PINYIN);

	assert_tok(t, "yinhang");	/* every reading of 行, the common one among them */
	assert_tok(t, "yinxing");
	assert_tok(t, "hang");
	assert_tok(t, "xing");
	free(t);
}

static void
test_traditional_document_and_query(void **state)
{
	char *d = toks("電動工具", TOK_DOCUMENT), *q = toks("電動工具", TOK_QUERY);

	assert_tok(d, "电动");
	assert_tok(d, "工具");
	assert_non_null(strstr(d, "电@0-3"));	/* offsets still point at 電 */
	assert_string_equal(q, "电动@0-6 动工@3-9 工具@6-12");
	free(d);
	free(q);
}

static void
test_query_forms(void **state)
{
	char *t;

	t = toks("茶叶", TOK_QUERY);
	assert_string_equal(t, "茶叶@0-6");
	free(t);
	t = toks("茶", TOK_QUERY);
	assert_string_equal(t, "茶@0-3");
	free(t);
	t = toks("LED 灯泡 E27", TOK_QUERY);
	assert_string_equal(t, "led@0-3 灯泡@4-10 e27@11-14");
	free(t);
	t = toks("ＬＥＤ", TOK_QUERY);
	assert_string_equal(t, "led@0-9");
	free(t);
	t = toks("\" * : ^ NEAR AND ( )", TOK_QUERY);
	assert_string_equal(t, "near@8-12 and@13-16");
	free(t);
}

/* Words as a person reads them: ICU's dictionary words, whole Latin runs, Simplified. */
static void
test_words(void **state)
{
	char *t;

	/* A word the dictionary lacks stays characters (the matcher joins them). */
	t = toks("光学眼镜 TR90镜架", TOK_WORDS);
	assert_string_equal(t, "光学@0-6 眼镜@6-12 tr90@13-17 镜@17-20 架@20-23");
	free(t);
	t = toks("西湖龍井茶", TOK_WORDS);
	assert_string_equal(t, "西湖@0-6 龙井@6-12 茶@12-15");
	free(t);
}

static void
test_model_numbers_and_units(void **state)
{
	char *t = toks("DZ47-63 C16 500ml 12.5V 6205-2RS", TOK_DOCUMENT);

	assert_tok(t, "dz47-63");
	assert_tok(t, "dz47");
	assert_tok(t, "63");
	assert_tok(t, "dz");
	assert_tok(t, "47");
	assert_tok(t, "c16");
	assert_tok(t, "500ml");
	assert_tok(t, "500");
	assert_tok(t, "ml");
	assert_tok(t, "12.5v");
	assert_tok(t, "12.5");
	assert_tok(t, "6205-2rs");
	assert_tok(t, "6205");
	assert_tok(t, "2rs");
	free(t);
}

static void
test_hostile_input(void **state)
{
	char big[10240];
	char *t;

	memset(big, 'a', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	t = toks(big, TOK_QUERY);
	assert_true(strlen(t) > 10000);
	free(t);
	t = toks("ab\xff\xfe" "cd\xe9", TOK_QUERY);	/* bad bytes separate words */
	assert_string_equal(t, "ab@0-2 cd@4-6");
	free(t);
	t = toks("", TOK_DOCUMENT);
	assert_string_equal(t, "");
	free(t);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_normalise_string),
		cmocka_unit_test(test_han_document),
		cmocka_unit_test(test_polyphonic),
		cmocka_unit_test(test_traditional_document_and_query),
		cmocka_unit_test(test_query_forms),
		cmocka_unit_test(test_words),
		cmocka_unit_test(test_model_numbers_and_units),
		cmocka_unit_test(test_hostile_input),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
