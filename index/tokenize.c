/*
 * tokenize.c — units (one original character, its folded form, its class),
 * then Han runs and Latin/digit runs turned into tokens.
 */
#include <stdlib.h>
#include <string.h>

#include <unicode/ubrk.h>
#include <unicode/ustring.h>

#include "pinyin.h"
#include "textnorm.h"
#include "tokenize.h"
#include "util.h"

#define MAX_RUN_CHARS	256	/* a Han run longer than this is cut into pieces */
#define MAX_WORD_CHARS	4	/* ICU words longer than this get no token of their own */
#define MAX_PINYIN	2	/* pinyin spellings kept per bigram or word, commonest first */

enum unit_class { U_SEP, U_HAN, U_ALNUM, U_DIGIT, U_JOIN, U_DOT };

/* One character of the original text. */
struct unit {
	size_t		 start, end;	/* bytes in the original */
	const char	*f;		/* folded (and later simplified) form */
	size_t		 flen;
	enum unit_class	 cls;
	char		 own[8];	/* f's bytes when the normaliser's copy won't last */
};

struct tokenizer {
	struct textnorm	*tn;
	UBreakIterator	*words;		/* ICU dictionary word breaks for Chinese */
	struct unit	*units;		/* scratch, grown as needed */
	size_t		 cap;
	struct buf	 tok;		/* scratch for one token's text */
	struct buf	 run;		/* scratch for a run's folded text */
	struct buf	 simp;		/* the run after t2s, owning unit texts */
	UChar		 u16[MAX_RUN_CHARS * 2 + 2];
	int32_t		 u16_at[MAX_RUN_CHARS + 1];	/* UTF-16 index of each char */
};

struct tokenizer *
tokenizer_new(char **cause)
{
	struct tokenizer *tk;
	UErrorCode ec = U_ZERO_ERROR;
	struct textnorm *tn = textnorm_new(cause);

	if (tn == NULL)
		return NULL;
	tk = xcalloc(1, sizeof *tk);
	tk->tn = tn;
	/* At start, not in a buyer's first pinyin query (milliseconds of sorting). */
	pinyin_prepare();
	tk->words = ubrk_open(UBRK_WORD, "zh", NULL, 0, &ec);
	if (U_FAILURE(ec)) {
		*cause = xasprintf("ICU 中文分词数据无法加载 / cannot load ICU's Chinese word"
		    " breaker: %s", u_errorName(ec));
		textnorm_free(tn);
		free(tk);
		return NULL;
	}
	return tk;
}

void
tokenizer_free(struct tokenizer *tk)
{
	if (tk == NULL)
		return;
	ubrk_close(tk->words);
	textnorm_free(tk->tn);
	free(tk->units);
	buf_free(&tk->tok);
	buf_free(&tk->run);
	buf_free(&tk->simp);
	free(tk);
}

struct textnorm *
tokenizer_textnorm(struct tokenizer *tk)
{
	return tk->tn;
}

/* The class of a folded character. */
static enum unit_class
classify(const char *f, size_t flen)
{
	uint32_t cp;

	if (flen == 0)
		return U_SEP;
	utf8_decode(f, flen, &cp);
	if (cp >= '0' && cp <= '9')
		return U_DIGIT;
	if (cp == '-' || cp == '/')
		return U_JOIN;
	if (cp == '.')
		return U_DOT;
	if (textnorm_is_han(cp))
		return U_HAN;
	if (textnorm_is_alnum(cp))
		return U_ALNUM;
	return U_SEP;
}

/* Splits text into units; returns how many. */
static size_t
make_units(struct tokenizer *tk, const char *text, size_t len)
{
	size_t n = 0, k;

	for (size_t i = 0; i < len; i += k) {
		uint32_t cp;
		struct unit *u;

		k = utf8_decode(text + i, len - i, &cp);
		if (n == tk->cap) {
			tk->cap = tk->cap ? tk->cap * 2 : 256;
			tk->units = xreallocarray(tk->units, tk->cap, sizeof *tk->units);
		}
		u = &tk->units[n++];
		u->start = i;
		u->end = i + k;
		u->f = textnorm_fold(tk->tn, cp, &u->flen);
		if (cp >= 0x40000) {
			/* Past the cache, the fold lives only until the next call. */
			u->flen = u->flen < sizeof u->own ? u->flen : 0;
			memcpy(u->own, u->f, u->flen);
			u->f = NULL;	/* pointed at own once the array stops moving */
		}
		u->cls = classify(u->f != NULL ? u->f : u->own, u->flen);
	}
	for (size_t i = 0; i < n; i++)
		if (tk->units[i].f == NULL)
			tk->units[i].f = tk->units[i].own;
	return n;
}

/* Emits tk->tok as one token. */
static int
emit_tok(struct tokenizer *tk, size_t start, size_t end, int pinyin, tok_emit_fn emit,
    void *arg)
{
	struct token t = { tk->tok.data, tk->tok.len, start, end, pinyin };

	if (tk->tok.len == 0)
		return 0;
	return emit(arg, &t);
}

/* Sets tk->tok to the folded text of units [a, b). */
static void
tok_set(struct tokenizer *tk, const struct unit *u, size_t a, size_t b)
{
	buf_reset(&tk->tok);
	buf_add(&tk->tok, "", 0);
	for (size_t i = a; i < b; i++)
		buf_add(&tk->tok, u[i].f, u[i].flen);
}

/* Where pinyin_word's tokens go. */
struct pinyin_ctx {
	size_t		 start, end;	/* the characters' bytes in the original */
	int		 initials;	/* pass initials on too */
	tok_emit_fn	 emit;
	void		*arg;
	int		 rc;		/* what emit returned */
};

/* pinyin_word callback: one spelling. */
static int
pinyin_token(enum pinyin_form form, const char *spelling, void *arg)
{
	struct pinyin_ctx *c = arg;
	struct token t = { spelling, strlen(spelling), c->start, c->end, 1 };

	if (form == PINYIN_INITIALS && !c->initials)
		return 0;
	return c->rc = c->emit(c->arg, &t);
}

/* Emits the pinyin spellings of Han units [a, b): full, and initials if asked. */
static int
emit_pinyin(struct tokenizer *tk, const struct unit *u, size_t a, size_t b, int initials,
    tok_emit_fn emit, void *arg)
{
	struct pinyin_ctx c = { u[a].start, u[b - 1].end, initials, emit, arg, 0 };

	tok_set(tk, u, a, b);
	pinyin_word(tk->tok.data, tk->tok.len, MAX_PINYIN, pinyin_token, &c);
	return c.rc;
}

/*
 * Replaces the folded text of Han units [a, b) by its Simplified form.
 * t2s works on phrases; when it keeps the character count each character
 * takes its converted self, otherwise each is converted alone, so that
 * offsets still point at what was written.
 */
static void
simplify_run(struct tokenizer *tk, struct unit *u, size_t a, size_t b)
{
	size_t slen, nchars = 0, k;
	char *s;

	buf_reset(&tk->run);
	buf_add(&tk->run, "", 0);
	for (size_t i = a; i < b; i++)
		buf_add(&tk->run, u[i].f, u[i].flen);
	if ((s = textnorm_t2s(tk->tn, tk->run.data, tk->run.len, &slen)) == NULL)
		return;
	for (size_t i = 0; i < slen; i += k) {
		uint32_t cp;

		k = utf8_decode(s + i, slen - i, &cp);
		nchars++;
	}
	/* The unit texts point into tk->simp, which lives until the next run. */
	buf_reset(&tk->simp);
	if (nchars == b - a) {
		buf_add(&tk->simp, s, slen);
		for (size_t i = a, off = 0; i < b; i++) {
			uint32_t cp;

			k = utf8_decode(tk->simp.data + off, slen - off, &cp);
			u[i].f = tk->simp.data + off;
			u[i].flen = k;
			off += k;
		}
	} else {
		size_t *offs = xcalloc(b - a + 1, sizeof *offs);

		for (size_t i = a; i < b; i++) {
			size_t one;
			char *c = textnorm_t2s(tk->tn, u[i].f, u[i].flen, &one);

			offs[i - a] = tk->simp.len;
			if (c != NULL) {
				buf_add(&tk->simp, c, one);
				free(c);
			} else
				buf_add(&tk->simp, u[i].f, u[i].flen);
		}
		offs[b - a] = tk->simp.len;
		for (size_t i = a; i < b; i++) {
			u[i].f = tk->simp.data + offs[i - a];
			u[i].flen = offs[i - a + 1] - offs[i - a];
		}
		free(offs);
	}
	free(s);
}

/* Marks in ends[] the character index where an ICU word of min..max chars starting at i ends. */
static void
find_words(struct tokenizer *tk, const struct unit *u, size_t a, size_t b, size_t min,
    size_t max, size_t *ends)
{
	UErrorCode ec = U_ZERO_ERROR;
	int32_t n = 0, prev, next;
	size_t ci = 0;

	for (size_t i = a; i < b; i++) {
		uint32_t cp;

		ends[i - a] = 0;
		tk->u16_at[i - a] = n;
		utf8_decode(u[i].f, u[i].flen, &cp);
		U16_APPEND_UNSAFE(tk->u16, n, cp);
	}
	tk->u16_at[b - a] = n;
	ubrk_setText(tk->words, tk->u16, n, &ec);
	if (U_FAILURE(ec))
		return;
	prev = ubrk_first(tk->words);
	while ((next = ubrk_next(tk->words)) != UBRK_DONE) {
		size_t cs, ce;

		while (ci < b - a && tk->u16_at[ci] < prev)
			ci++;
		cs = ci;
		for (ce = cs; ce < b - a && tk->u16_at[ce] < next; ce++)
			;
		if (ce - cs >= min && ce - cs <= max)
			ends[cs] = ce;
		prev = next;
	}
}

/*
 * Tokens of one run of Han units [a, b).  Queries: its bigrams (a lone
 * character stays a unigram).  Documents: every character and bigram; with
 * pinyin, also the readings of each character, the pinyin of each bigram
 * and of each ICU dictionary word of three or four characters.
 */
static int
han_run(struct tokenizer *tk, struct unit *u, size_t a, size_t b, enum tok_mode mode,
    tok_emit_fn emit, void *arg)
{
	size_t ends[MAX_RUN_CHARS];
	int pinyin = mode == TOK_DOCUMENT_PINYIN, rc;

	simplify_run(tk, u, a, b);
	if (mode == TOK_WORDS) {
		find_words(tk, u, a, b, 1, MAX_RUN_CHARS, ends);
		for (size_t i = a; i < b; i++) {
			if (ends[i - a] == 0)
				continue;
			tok_set(tk, u, i, a + ends[i - a]);
			if ((rc = emit_tok(tk, u[i].start, u[a + ends[i - a] - 1].end, 0, emit,
			    arg)) != 0)
				return rc;
		}
		return 0;
	}
	if (mode == TOK_QUERY || mode == TOK_QUERY_EXPANDED) {
		if (b - a == 1) {
			tok_set(tk, u, a, b);
			return emit_tok(tk, u[a].start, u[a].end, 0, emit, arg);
		}
		for (size_t i = a; i + 1 < b; i++) {
			tok_set(tk, u, i, i + 2);
			if ((rc = emit_tok(tk, u[i].start, u[i + 1].end, 0, emit, arg)) != 0)
				return rc;
		}
		return 0;
	}
	if (pinyin)
		find_words(tk, u, a, b, 3, MAX_WORD_CHARS, ends);
	for (size_t i = a; i < b; i++) {
		tok_set(tk, u, i, i + 1);
		if ((rc = emit_tok(tk, u[i].start, u[i].end, 0, emit, arg)) != 0 ||
		    (pinyin && (rc = emit_pinyin(tk, u, i, i + 1, 0, emit, arg)) != 0))
			return rc;
		if (i + 1 < b) {
			tok_set(tk, u, i, i + 2);
			if ((rc = emit_tok(tk, u[i].start, u[i + 1].end, 0, emit, arg)) != 0 ||
			    (pinyin && (rc = emit_pinyin(tk, u, i, i + 2, 1, emit, arg)) != 0))
				return rc;
		}
		/* A longer word's own text is never asked for (queries are bigrams); its pinyin is. */
		if (pinyin && ends[i - a] != 0 &&
		    (rc = emit_pinyin(tk, u, i, a + ends[i - a], 1, emit, arg)) != 0)
			return rc;
	}
	return 0;
}

/*
 * A query word that is pinyin typed without spaces ("anjibaicha") also asks
 * for the pinyin of each pair of its syllables (anji, jibai, baicha), as
 * the documents hold the pinyin of every bigram.
 */
static int
pinyin_bigrams(struct tokenizer *tk, const struct unit *u, size_t a, size_t b,
    tok_emit_fn emit, void *arg)
{
	size_t cuts[PINYIN_SEGMENT_MAX], n, prev = 0;
	char word[PINYIN_SEGMENT_MAX];
	int rc;

	if (b - a > PINYIN_SEGMENT_MAX)
		return 0;
	for (size_t i = a; i < b; i++) {
		if (u[i].flen != 1 || u[i].f[0] < 'a' || u[i].f[0] > 'z')
			return 0;
		word[i - a] = u[i].f[0];
	}
	n = pinyin_segment(word, b - a, cuts, nitems(cuts));
	for (size_t k = 0; n >= 3 && k + 1 < n; k++) {
		buf_reset(&tk->tok);
		buf_add(&tk->tok, word + prev, cuts[k + 1] - prev);
		if ((rc = emit_tok(tk, u[a + prev].start, u[a + cuts[k + 1] - 1].end, 1, emit,
		    arg)) != 0)
			return rc;
		prev = cuts[k];
	}
	return 0;
}

/* Emits units [a, b) as a part unless it repeats the whole run. */
static int
emit_part(struct tokenizer *tk, const struct unit *u, size_t a, size_t b, size_t wa,
    size_t wb, tok_emit_fn emit, void *arg)
{
	if (a == wa && b == wb)
		return 0;
	tok_set(tk, u, a, b);
	return emit_tok(tk, u[a].start, u[b - 1].end, 0, emit, arg);
}

/*
 * Tokens of a Latin/digit run [a, b) (joiners inside): the whole run, its
 * parts between joiners, and each part split where letters meet digits.
 */
static int
alnum_run(struct tokenizer *tk, const struct unit *u, size_t a, size_t b, enum tok_mode mode,
    tok_emit_fn emit, void *arg)
{
	int rc;

	tok_set(tk, u, a, b);
	if ((rc = emit_tok(tk, u[a].start, u[b - 1].end, 0, emit, arg)) != 0)
		return rc;
	if (mode == TOK_QUERY_EXPANDED)
		return pinyin_bigrams(tk, u, a, b, emit, arg);
	if (mode == TOK_QUERY || mode == TOK_WORDS)
		return 0;
	for (size_t p = a; p < b; ) {
		size_t q = p;

		while (q < b && u[q].cls != U_JOIN)
			q++;
		if ((rc = emit_part(tk, u, p, q, a, b, emit, arg)) != 0)
			return rc;
		/* Letter/digit boundaries inside the part; a dot stays with digits. */
		for (size_t s = p; s < q; ) {
			size_t t = s + 1;
			int digits = u[s].cls == U_DIGIT;

			while (t < q && (u[t].cls == U_DIGIT || u[t].cls == U_DOT) == digits)
				t++;
			if (s != p || t != q)
				if ((rc = emit_part(tk, u, s, t, a, b, emit, arg)) != 0)
					return rc;
			s = t;
		}
		p = q + 1;
	}
	return 0;
}

int
tokenize(struct tokenizer *tk, const char *text, size_t len, enum tok_mode mode,
    tok_emit_fn emit, void *arg)
{
	size_t n = make_units(tk, text, len);
	struct unit *u = tk->units;
	int rc;

	for (size_t i = 0; i < n; ) {
		size_t j = i + 1;

		if (u[i].cls == U_HAN) {
			while (j < n && u[j].cls == U_HAN && j - i < MAX_RUN_CHARS)
				j++;
			if ((rc = han_run(tk, u, i, j, mode, emit, arg)) != 0)
				return rc;
		} else if (u[i].cls == U_ALNUM || u[i].cls == U_DIGIT) {
			/* Joiners count when an alnum follows; a dot only between digits. */
			for (;;) {
				if (j < n && (u[j].cls == U_ALNUM || u[j].cls == U_DIGIT))
					j++;
				else if (j + 1 < n && u[j].cls == U_JOIN &&
				    (u[j + 1].cls == U_ALNUM || u[j + 1].cls == U_DIGIT))
					j++;
				else if (j + 1 < n && u[j].cls == U_DOT && u[j - 1].cls == U_DIGIT &&
				    u[j + 1].cls == U_DIGIT)
					j++;
				else
					break;
			}
			if ((rc = alnum_run(tk, u, i, j, mode, emit, arg)) != 0)
				return rc;
		}
		i = j;
	}
	return 0;
}
