/*
 * fuzz_tokenize.c — the normaliser and the tokenizer on any bytes: every
 * tokenizer mode, the whole-string normaliser, t2s, and pinyin's word and
 * segment functions.  Checks what tokenize.h promises of each token: its
 * text is non-empty valid UTF-8 and its offsets lie inside the input, in
 * order; pinyin tokens are lower-case ASCII.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzzutil.h"
#include "pinyin.h"
#include "textnorm.h"
#include "tokenize.h"
#include "util.h"

static struct tokenizer *tk;

static const enum tok_mode modes[] = {
	TOK_DOCUMENT, TOK_DOCUMENT_PINYIN, TOK_QUERY, TOK_QUERY_EXPANDED,
};

struct check {
	size_t	len;		/* of the text tokenized */
	size_t	ntok;		/* tokens seen */
};

static int
check_token(void *arg, const struct token *t)
{
	struct check *c = arg;

	if (t->text == NULL || t->len == 0)
		fuzz_fail("an empty token");
	if (!utf8_valid(t->text, t->len))
		fuzz_fail("token “%.*s” is not valid UTF-8", (int)t->len, t->text);
	if (memchr(t->text, '\0', t->len) != NULL)
		fuzz_fail("a token holds a NUL byte");
	if (t->start >= t->end || t->end > c->len)
		fuzz_fail("token “%.*s” at [%zu, %zu) outside the text of %zu bytes",
		    (int)t->len, t->text, t->start, t->end, c->len);
	if (t->pinyin)
		for (size_t i = 0; i < t->len; i++)
			if (t->text[i] < 'a' || t->text[i] > 'z')
				fuzz_fail("pinyin token “%.*s”", (int)t->len, t->text);
	/* A caller may stop the tokenizer; do so now and then. */
	return ++c->ntok == 100000 ? 7 : 0;
}

static int
check_pinyin(enum pinyin_form form, const char *token, void *arg)
{
	if (*token == '\0' || strspn(token, "abcdefghijklmnopqrstuvwxyz") != strlen(token))
		fuzz_fail("pinyin_word gave “%s”", token);
	return 0;
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	char *cause = NULL;

	if ((tk = tokenizer_new(&cause)) == NULL)
		fuzz_fail("tokenizer_new: %s", cause);
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct textnorm *tn = tokenizer_textnorm(tk);
	const char *text = (const char *)data;
	size_t cuts[PINYIN_SEGMENT_MAX], n, outlen;
	char *s, *cause = NULL;

	for (size_t m = 0; m < nitems(modes); m++) {
		struct check c = { size, 0 };
		int rc = tokenize(tk, text, size, modes[m], check_token, &c);

		if (rc != 0 && rc != 7)
			fuzz_fail("tokenize returned %d", rc);
	}

	if ((s = textnorm_string(tn, text, size, &cause)) == NULL) {
		if (utf8_valid(text, size))
			fuzz_fail("textnorm_string refused valid UTF-8: %s", cause);
		free(cause);
	} else {
		if (!utf8_valid(s, strlen(s)))
			fuzz_fail("textnorm_string gave invalid UTF-8");
		if (s[0] == ' ' || (s[0] != '\0' && s[strlen(s) - 1] == ' ') ||
		    strstr(s, "  ") != NULL)
			fuzz_fail("textnorm_string left space untrimmed: “%s”", s);
		free(s);
	}
	if (utf8_valid(text, size) && (s = textnorm_t2s(tn, text, size, &outlen)) != NULL) {
		if (!utf8_valid(s, outlen))
			fuzz_fail("textnorm_t2s gave invalid UTF-8");
		free(s);
	}

	n = pinyin_segment(text, size, cuts, nitems(cuts));
	for (size_t i = 0; i < n; i++)
		if (cuts[i] == 0 || cuts[i] > size || (i > 0 && cuts[i] <= cuts[i - 1]))
			fuzz_fail("pinyin_segment cut %zu at %zu", i, cuts[i]);
	if (n > 0 && cuts[n - 1] != size)
		fuzz_fail("pinyin_segment did not reach the end");
	pinyin_word(text, size, (size_t)(size % (PINYIN_MAX_COMBINATIONS + 2)), check_pinyin,
	    NULL);
	return 0;
}
