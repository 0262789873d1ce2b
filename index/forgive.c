/*
 * forgive.c — the forgiving query: words corrected from the serving
 * layer's vocabulary, or one word dropped, when the query as typed finds
 * fewer than FORGIVE_FEW products; the exact hits stay first.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "forgive.h"
#include "pinyin.h"
#include "util.h"

#define MAX_WORDS	8	/* a longer query is not forgiven */
#define WORD_MAX	48	/* bytes of a Latin word that is corrected */
#define MODEL_CUTS	8	/* hyphen positions tried in a model number (2^8 variants) */
#define PREFIX_SCAN	5000	/* tokens looked at for a completion */
#define COMPLETE_TRY	8	/* a last syllable's commonest completions tried with the pairs */

/* How far a correction is from what was typed: the smallest class wins. */
enum fix_class {
	FIX_MODEL,		/* the same letters and digits, hyphens moved */
	FIX_SOUND,		/* a sound an IME user confuses: in/ing, z/zh, l/n ... */
	FIX_PREFIX,		/* pinyin cut short, completed: jiaomoj, baowenb */
	FIX_INITIALS,		/* initials of three or more syllables: bwb */
	FIX_EDIT,		/* one letter missing, extra, swapped or wrong */
	FIX_PINYIN,		/* a Han word as its pinyin */
	FIX_NONE
};

/* The best correction found so far for one word. */
struct fix {
	char		 text[WORD_MAX * 2 + 8];
	enum fix_class	 class;
	uint32_t	 df;		/* products having it */
	uint32_t	 floor;		/* a correction must be in more products than the word */
	struct serve	*sv;
	struct serve_scratch *s;	/* for counting the products having every part */
};

/* One word of the query, as typed and normalised. */
struct word {
	char		*typed;
	char		*norm;		/* NFKC case-folded; hyphens kept */
	int		 latin;		/* ASCII letters, digits and hyphens only */
	int		 digits;	/* has a digit: a number, size or model */
	uint32_t	 df;		/* products having its commonest token */
	char		*fixed;		/* its correction, or NULL */
	enum fix_class	 class;
};

/* Offers candidate s[0..n) of class c to f. */
static void
fix_offer(struct fix *f, const char *s, size_t n, enum fix_class c)
{
	uint32_t df;

	if (n == 0 || n >= sizeof f->text || c > f->class)
		return;
	df = serve_vocab_df(f->sv, s, n);
	if (df <= f->floor || (c == f->class && df <= f->df))
		return;
	memcpy(f->text, s, n);
	f->text[n] = '\0';
	f->class = c;
	f->df = df;
}

/* Model numbers: the letters and digits of w with a hyphen at any subset of the cuts. */
static void
fix_model(struct fix *f, const char *w)
{
	char core[WORD_MAX], out[WORD_MAX * 2];
	size_t cut[MODEL_CUTS], ncut = 0, n = 0;
	int hyphen_before = 0;

	for (const char *p = w; *p != '\0' && n + 1 < sizeof core; p++) {
		if (*p == '-') {
			hyphen_before = 1;
			continue;
		}
		if (n > 0 && ncut < MODEL_CUTS && (hyphen_before ||
		    !isdigit((unsigned char)core[n - 1]) != !isdigit((unsigned char)*p)))
			cut[ncut++] = n;
		core[n++] = *p;
		hyphen_before = 0;
	}
	for (unsigned set = 0; set < (1u << ncut); set++) {
		size_t o = 0, k = 0;

		for (size_t i = 0; i < n; i++) {
			if (k < ncut && cut[k] == i) {
				if (set & (1u << k))
					out[o++] = '-';
				k++;
			}
			out[o++] = core[i];
		}
		fix_offer(f, out, o, FIX_MODEL);
	}
}

static void fix_offer_parts(struct fix *f, char parts[][WORD_MAX + 1], size_t n,
    enum fix_class c);

/*
 * Offers w[0..n), read whole as three syllables or more, as the pairs the
 * documents have (zhong|xing|bi → "zhongxing xingbi": 中性笔) when each pair
 * is a known token: a reading of three syllables is a token only where a
 * dictionary word of three or four characters has it.
 */
static void
fix_offer_syllables(struct fix *f, const char *w, size_t n, enum fix_class c)
{
	char parts[PINYIN_SEGMENT_MAX][WORD_MAX + 1];
	size_t cuts[PINYIN_SEGMENT_MAX], ns, np = 0;

	if (c > f->class || n > PINYIN_SEGMENT_MAX ||
	    (ns = pinyin_segment(w, n, cuts, PINYIN_SEGMENT_MAX)) < 3)
		return;
	for (size_t i = 0; i + 1 < ns; i++) {
		size_t from = i == 0 ? 0 : cuts[i - 1], l = cuts[i + 1] - from;

		if (l > WORD_MAX || serve_vocab_df(f->sv, w + from, l) == 0)
			return;
		memcpy(parts[np], w + from, l);
		parts[np++][l] = '\0';
	}
	fix_offer_parts(f, parts, np, c);
}

/* Sounds a pinyin IME user confuses: each replaced by the other, anywhere. */
static const char *const sounds[][2] = {
	{ "ing", "in" }, { "eng", "en" }, { "ang", "an" },
	{ "zh", "z" }, { "ch", "c" }, { "sh", "s" },
	{ "l", "n" },
};

/*
 * Offers every single replacement of sounds[] in w (and, with depth, pairs),
 * as one token or as its syllable pairs.
 */
static void
fix_sounds(struct fix *f, const char *w, int depth)
{
	size_t n = strlen(w);

	for (size_t i = 0; i < n; i++)
		for (size_t s = 0; s < sizeof sounds / sizeof sounds[0]; s++)
			for (int dir = 0; dir < 2; dir++) {
				const char *from = sounds[s][dir], *to = sounds[s][!dir];
				size_t fl = strlen(from), tl = strlen(to);
				char out[WORD_MAX * 2];

				if (i + fl > n || memcmp(w + i, from, fl) != 0 ||
				    n - fl + tl >= sizeof out)
					continue;
				/* "in" → "ing" only where no g follows already, z → zh only without h. */
				if (tl > fl && w[i + fl] == to[tl - 1])
					continue;
				memcpy(out, w, i);
				memcpy(out + i, to, tl);
				memcpy(out + i + tl, w + i + fl, n - i - fl + 1);
				fix_offer(f, out, n - fl + tl, FIX_SOUND);
				fix_offer_syllables(f, out, n - fl + tl, FIX_SOUND);
				if (depth > 1)
					fix_sounds(f, out, depth - 1);
			}
}

/* One edit: a letter extra, missing, swapped with its neighbour or wrong. */
static void
fix_edits(struct fix *f, const char *w)
{
	size_t n = strlen(w);
	char out[WORD_MAX + 2];

	if (n >= WORD_MAX)
		return;
	for (size_t i = 0; i < n; i++) {	/* an extra letter */
		memcpy(out, w, i);
		memcpy(out + i, w + i + 1, n - i);
		fix_offer(f, out, n - 1, FIX_EDIT);
	}
	for (size_t i = 0; i + 1 < n; i++) {	/* two letters swapped */
		memcpy(out, w, n + 1);
		out[i] = w[i + 1];
		out[i + 1] = w[i];
		fix_offer(f, out, n, FIX_EDIT);
	}
	for (size_t i = 0; i <= n; i++)		/* a missing letter */
		for (char c = 'a'; c <= 'z'; c++) {
			memcpy(out, w, i);
			out[i] = c;
			memcpy(out + i + 1, w + i, n - i + 1);
			fix_offer(f, out, n + 1, FIX_EDIT);
		}
	for (size_t i = 0; i < n; i++)		/* a wrong letter */
		for (char c = 'a'; c <= 'z'; c++) {
			if (c == w[i])
				continue;
			memcpy(out, w, n + 1);
			out[i] = c;
			fix_offer(f, out, n, FIX_EDIT);
		}
}

/*
 * The completions of a prefix: its commonest all-letter tokens in more
 * products than floor, most products first (of equals, the first seen).
 */
struct completion {
	uint32_t	 floor;
	size_t		 seen;
	size_t		 n;
	uint32_t	 df[COMPLETE_TRY];
	char		 text[COMPLETE_TRY][WORD_MAX + 1];
};

/* serve_vocab_prefix callback for fix_prefix. */
static int
prefix_token(void *arg, const char *text, size_t len, uint32_t df)
{
	struct completion *c = arg;
	size_t i, last;

	for (i = 0; i < len; i++)
		if (!islower((unsigned char)text[i]))
			return 0;
	if (df > c->floor && len <= WORD_MAX) {
		for (i = c->n; i > 0 && c->df[i - 1] < df; i--)
			;
		if (i < COMPLETE_TRY) {
			last = c->n < COMPLETE_TRY ? c->n : COMPLETE_TRY - 1;
			memmove(&c->df[i + 1], &c->df[i], (last - i) * sizeof c->df[0]);
			memmove(c->text[i + 1], c->text[i], (last - i) * sizeof c->text[0]);
			c->df[i] = df;
			memcpy(c->text[i], text, len);
			c->text[i][len] = '\0';
			if (c->n < COMPLETE_TRY)
				c->n++;
		}
	}
	return ++c->seen >= PREFIX_SCAN;
}

/*
 * The live products having every one of the tokens parts[0..n): a part's
 * own count, or the layer's exact total for the parts as words of one
 * query (pairs that each exist may never meet in one product).
 */
static uint32_t
parts_count(const struct fix *f, char parts[][WORD_MAX + 1], size_t n)
{
	struct serve_term t[SERVE_MAX_TERMS];
	struct serve_query q = { .terms = t, .nterms = n };
	struct serve_result r;
	uint32_t count;

	if (n == 1)
		return serve_vocab_df(f->sv, parts[0], strlen(parts[0]));
	if (n > SERVE_MAX_TERMS)
		return 0;
	for (size_t i = 0; i < n; i++)
		t[i] = (struct serve_term){ .text = parts[i], .len = strlen(parts[i]),
		    .word = (unsigned)i };
	serve_query(f->sv, f->s, &q, &r);
	count = r.total > 0 ? (uint32_t)r.total : 0;
	serve_result_free(&r);
	return count;
}

/* Offers the tokens parts[0..n) as one correction, "a b c", if some product has them all. */
static void
fix_offer_parts(struct fix *f, char parts[][WORD_MAX + 1], size_t n, enum fix_class c)
{
	char text[sizeof f->text];
	uint32_t df;
	size_t o = 0;

	if (c > f->class || n == 0)
		return;
	for (size_t i = 0; i < n; i++) {
		size_t l = strlen(parts[i]);

		if (o + l + 2 > sizeof text)
			return;
		if (i > 0)
			text[o++] = ' ';
		memcpy(text + o, parts[i], l);
		o += l;
	}
	df = parts_count(f, parts, n);
	if (df == 0 || df <= f->floor || (c == f->class && df <= f->df))
		return;
	memcpy(f->text, text, o);
	f->text[o] = '\0';
	f->class = c;
	f->df = df;
}

/*
 * Pinyin typed across syllables, cut short: jiaomoj → jiaomoji when some
 * product has that word; else the whole syllables as the pairs the
 * documents have (bao|wen → baowen) and the last one completed with what
 * follows it (wen + b → wenbei): baowenb → "baowen wenbei".  Of the last
 * syllable's completions, the one most products have with the pairs
 * before it wins, not the commonest alone (jiaomoj → "jiaomo moji", 角磨机,
 * though more products have moju, 模具).
 */
static void
fix_prefix(struct fix *f, const char *w)
{
	struct completion c = { .floor = f->floor };
	char parts[PINYIN_SEGMENT_MAX][WORD_MAX + 1];
	size_t len = strlen(w), cuts[PINYIN_SEGMENT_MAX], ns = 0, k, np = 0, best = 0;
	uint32_t most = 0;

	if (f->class < FIX_PREFIX || len < 3)
		return;
	serve_vocab_prefix(f->sv, w, len, prefix_token, &c);
	if (c.n > 0) {
		fix_offer_parts(f, c.text, 1, FIX_PREFIX);
		return;
	}
	for (k = len - 1; k >= 2; k--)	/* the longest start that is whole syllables */
		if ((ns = pinyin_segment(w, k, cuts, PINYIN_SEGMENT_MAX)) > 0)
			break;
	if (ns < 2)
		return;
	for (size_t i = 0; i + 1 < ns; i++) {
		size_t from = i == 0 ? 0 : cuts[i - 1];

		memcpy(parts[np], w + from, cuts[i + 1] - from);
		parts[np][cuts[i + 1] - from] = '\0';
		np++;
	}
	/* The last syllable and what was typed of the next, completed. */
	memset(&c, 0, sizeof c);
	serve_vocab_prefix(f->sv, w + cuts[ns - 2], len - cuts[ns - 2], prefix_token, &c);
	for (size_t i = 0; i < c.n; i++) {
		uint32_t n;

		memcpy(parts[np], c.text[i], strlen(c.text[i]) + 1);
		if ((n = parts_count(f, parts, np + 1)) > most) {
			most = n;
			best = i;
		}
	}
	if (most == 0)
		return;
	memcpy(parts[np], c.text[best], strlen(c.text[best]) + 1);
	fix_offer_parts(f, parts, np + 1, FIX_PREFIX);
}

/* Initials of three to six syllables (bwb: 保温杯) as the pairs the documents have: "bw wb". */
static void
fix_initials(struct fix *f, const char *w)
{
	char parts[6][WORD_MAX + 1];
	size_t len = strlen(w);

	if (f->class < FIX_INITIALS || len < 3 || len > 6 || strpbrk(w, "aeiouv") != NULL)
		return;
	for (size_t i = 0; i + 1 < len; i++) {
		parts[i][0] = w[i];
		parts[i][1] = w[i + 1];
		parts[i][2] = '\0';
	}
	fix_offer_parts(f, parts, len - 1, FIX_INITIALS);
}

/* pinyin_word callback: the first full reading that some product has. */
static int
pinyin_token(enum pinyin_form form, const char *token, void *arg)
{
	struct fix *f = arg;

	if (form == PINYIN_FULL)
		fix_offer(f, token, strlen(token), FIX_PINYIN);
	return f->class == FIX_PINYIN;
}

/*
 * A Han word whose whole reading no product has (角模机 is no dictionary
 * word): the readings of its neighbouring pairs, as the documents' bigrams
 * have them, "jiaomo moji".
 */
static void
fix_han_pairs(struct fix *f, const char *w)
{
	char parts[PINYIN_WORD_MAX][WORD_MAX + 1];
	size_t at[PINYIN_WORD_MAX + 1], nc = 0, len = strlen(w), np = 0;

	for (size_t i = 0; i < len && nc <= PINYIN_WORD_MAX; i = utf8_char_next(w, len, i))
		at[nc++] = i;
	if (nc < 3 || nc > PINYIN_WORD_MAX)
		return;
	at[nc] = len;
	for (size_t i = 0; i + 1 < nc; i++) {
		struct fix pair = { .class = FIX_NONE, .sv = f->sv, .s = f->s };

		pinyin_word(w + at[i], at[i + 2] - at[i], PINYIN_MAX_COMBINATIONS, pinyin_token,
		    &pair);
		if (pair.class == FIX_NONE || strlen(pair.text) > WORD_MAX)
			return;
		memcpy(parts[np++], pair.text, strlen(pair.text) + 1);
	}
	fix_offer_parts(f, parts, np, FIX_PINYIN);
}

/* The best correction of w (NULL if none), stored in w. */
static void
word_fix(struct serve *sv, struct serve_scratch *s, struct word *w)
{
	struct fix f = { .class = FIX_NONE, .floor = w->df, .sv = sv, .s = s };
	int letters = 1;

	if (w->latin) {
		if (strlen(w->norm) >= WORD_MAX)
			return;
		for (const char *p = w->norm; *p != '\0'; p++)
			letters &= islower((unsigned char)*p) != 0;
		if (w->digits || strchr(w->norm, '-') != NULL)
			fix_model(&f, w->norm);
		if (letters && f.class == FIX_NONE) {
			fix_sounds(&f, w->norm, 2);
			fix_prefix(&f, w->norm);
			fix_initials(&f, w->norm);
			if (f.class == FIX_NONE && strlen(w->norm) >= 4)
				fix_edits(&f, w->norm);
		}
	} else if (w->df == 0) {
		pinyin_word(w->norm, strlen(w->norm), PINYIN_MAX_COMBINATIONS, pinyin_token, &f);
		if (f.class == FIX_NONE)
			fix_han_pairs(&f, w->norm);
	}
	if (f.class != FIX_NONE) {
		w->fixed = xstrdup(f.text);
		w->class = f.class;
	}
}

/* tokenize callback: the largest document frequency of the word's tokens. */
struct df_ctx {
	struct serve	*sv;
	uint32_t	 df;
	int		 prefix;
};

static int
df_prefix_token(void *arg, const char *text, size_t len, uint32_t df)
{
	uint32_t *max = arg;

	(void)text, (void)len;
	if (df > *max)
		*max = df;
	return 0;
}

static int
df_token(void *arg, const struct token *t)
{
	struct df_ctx *c = arg;
	uint32_t df = 0;

	if (c->prefix)
		serve_vocab_prefix(c->sv, t->text, t->len, df_prefix_token, &df);
	else
		df = serve_vocab_df(c->sv, t->text, t->len);
	if (df > c->df)
		c->df = df;
	return 0;
}

/* Whether at starts a separator between words (ASCII space or U+3000); its length. */
static size_t
space_at(const char *s)
{
	if (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r')
		return 1;
	if (s[0] == '\xe3' && s[1] == '\x80' && s[2] == '\x80')
		return 3;
	return 0;
}

/* The query's words, normalised, with what the vocabulary says of each; their count. */
static size_t
words_split(struct tokenizer *tk, struct serve *sv, const char *query, int last_is_prefix,
    struct word *w)
{
	struct textnorm *tn = tokenizer_textnorm(tk);
	size_t n = 0, qlen = strlen(query);
	const char *p = query;

	while (*p != '\0') {
		size_t sp, len = 0;
		struct buf b = { 0 };
		struct df_ctx c = { .sv = sv };

		while ((sp = space_at(p)) > 0)
			p += sp;
		if (*p == '\0')
			break;
		while (p[len] != '\0' && space_at(p + len) == 0)
			len++;
		if (n == MAX_WORDS)
			return n + 1;	/* too long to forgive */
		memset(&w[n], 0, sizeof w[n]);
		w[n].typed = xstrndup(p, len);
		w[n].latin = 1;
		for (size_t i = 0; i < len; ) {
			uint32_t cp;
			size_t k = utf8_decode(p + i, len - i, &cp), fl;
			const char *f;

			if (k == 0)
				break;
			f = textnorm_fold(tn, cp, &fl);
			buf_add(&b, f, fl);
			i += k;
		}
		buf_add(&b, "", 0);
		w[n].norm = buf_take(&b);
		for (const char *q = w[n].norm; *q != '\0'; q++) {
			if (!(islower((unsigned char)*q) || isdigit((unsigned char)*q) || *q == '-'))
				w[n].latin = 0;
			if (isdigit((unsigned char)*q))
				w[n].digits = 1;
		}
		c.prefix = last_is_prefix && (size_t)(p + len - query) == qlen && w[n].latin;
		tokenize(tk, w[n].typed, len, TOK_QUERY, df_token, &c);
		w[n].df = c.df;
		w[n].class = FIX_NONE;
		n++;
		p += len;
	}
	return n;
}

static void
words_free(struct word *w, size_t n)
{
	for (size_t i = 0; i < n && i < MAX_WORDS; i++) {
		free(w[i].typed);
		free(w[i].norm);
		free(w[i].fixed);
	}
}

/* The words (their corrections where they have one), but skip, joined by spaces. */
static char *
words_join(const struct word *w, size_t n, size_t skip, int fixed)
{
	struct buf b = { 0 };

	for (size_t i = 0; i < n; i++) {
		if (i == skip)
			continue;
		if (b.len > 0)
			buf_addc(&b, ' ');
		buf_addstr(&b, fixed && w[i].fixed != NULL ? w[i].fixed : w[i].typed);
	}
	buf_add(&b, "", 0);
	return buf_take(&b);
}

/*
 * Two neighbouring words that are one model number typed with a space
 * (DZ 47): joined into the first, the second emptied.  Only when they are
 * letters and digits and the joined form is in the vocabulary.
 */
static void
words_join_models(struct serve *sv, struct serve_scratch *s, struct word *w, size_t *n)
{
	for (size_t i = 0; i + 1 < *n; i++) {
		struct fix f = { .class = FIX_NONE, .sv = sv, .s = s };
		char *both;

		if (!w[i].latin || !w[i + 1].latin || !(w[i].digits || w[i + 1].digits) ||
		    strlen(w[i].norm) + strlen(w[i + 1].norm) + 2 >= WORD_MAX)
			continue;
		both = xasprintf("%s-%s", w[i].norm, w[i + 1].norm);
		fix_model(&f, both);
		free(both);
		if (f.class == FIX_NONE)
			continue;
		free(w[i].fixed);
		w[i].fixed = xstrdup(f.text);
		w[i].class = FIX_MODEL;
		both = xasprintf("%s %s", w[i].typed, w[i + 1].typed);
		free(w[i].typed);
		w[i].typed = both;
		free(w[i + 1].typed);
		free(w[i + 1].norm);
		free(w[i + 1].fixed);
		memmove(&w[i + 1], &w[i + 2], (*n - i - 2) * sizeof *w);
		(*n)--;
	}
}

/*
 * The first run of characters in passage whose readings begin with the
 * letters of initials, in order, or NULL; allocated.  Initials are loose:
 * the passage marked for bwb (the pairs bw and wb) in 商务保温杯 is 务保温杯,
 * as 务保 is wu bao; the run is 保温杯.
 */
static char *
initials_run(const char *passage, const char *initials)
{
	size_t len = strlen(passage), k = strlen(initials);

	for (size_t at = 0; at < len; at = utf8_char_next(passage, len, at)) {
		size_t i = at, j = 0;

		while (j < k && i < len) {
			const char *r[PINYIN_MAX_READINGS];
			uint32_t cp;
			size_t n = utf8_decode(passage + i, len - i, &cp), nr, m;

			if (n == 0)
				break;
			nr = pinyin_readings(cp, r, PINYIN_MAX_READINGS);
			for (m = 0; m < nr && r[m][0] != initials[j]; m++)
				;
			if (m == nr)
				break;
			i += n;
			j++;
		}
		if (j == k)
			return xstrndup(passage + at, i - at);
	}
	return NULL;
}

/* The first marked passage of text (between o's marks), or NULL; allocated. */
static char *
first_marked(const char *text, const struct search_opts *o)
{
	const char *a, *b;

	if (text == NULL || o->mark_open == NULL || o->mark_close == NULL ||
	    *o->mark_open == '\0' || (a = strstr(text, o->mark_open)) == NULL)
		return NULL;
	a += strlen(o->mark_open);
	if ((b = strstr(a, o->mark_close)) == NULL || b == a)
		return NULL;
	return xstrndup(a, (size_t)(b - a));
}

/* Moves hit *from into *to (from's strings then belong to to). */
static void
hit_move(struct search_hit *to, struct search_hit *from)
{
	*to = *from;
	memset(from, 0, sizeof *from);
}

/* Adds one more of value to the facet list (kept largest first). */
static void
facet_bump(struct facet **f, size_t *n, const char *value)
{
	size_t i;

	if (value == NULL || *value == '\0')
		return;
	for (i = 0; i < *n && strcmp((*f)[i].value, value) != 0; i++)
		;
	if (i == *n) {
		if (*n >= SEARCH_MAX_FACETS)
			return;
		*f = xreallocarray(*f, *n + 2, sizeof **f);
		(*f)[i].value = xstrdup(value);
		(*f)[i].count = 0;
		(*n)++;
	}
	(*f)[i].count++;
	for (; i > 0 && (*f)[i - 1].count < (*f)[i].count; i--) {
		struct facet t = (*f)[i - 1];

		(*f)[i - 1] = (*f)[i];
		(*f)[i] = t;
	}
}

/* Whether more has a hit that ex has not. */
static int
adds_hits(const struct search_result *ex, const struct search_result *more)
{
	for (size_t i = 0; i < more->nhits; i++) {
		size_t j;

		for (j = 0; j < ex->nhits && ex->hits[j].id != more->hits[i].id; j++)
			;
		if (j == ex->nhits)
			return 1;
	}
	return 0;
}

/*
 * res = the exact hits ex (all of them: fewer than FORGIVE_FEW) then the
 * forgiving query's, fetched from offset max(0, o->offset - ex) in more,
 * which left the exact hits out; the total and facets are more's with the
 * exact hits added.
 */
static void
merge(struct search_result *res, struct search_result *ex, struct search_result *more,
    const struct search_opts *o, size_t limit)
{
	size_t x = ex->nhits;

	memset(res, 0, sizeof *res);
	res->total = -1;
	if (!o->no_facets) {
		res->regions = more->regions;
		res->nregions = more->nregions;
		res->categories = more->categories;
		res->ncategories = more->ncategories;
		more->regions = more->categories = NULL;
		more->nregions = more->ncategories = 0;
		res->total = more->total + (long)x;
		for (size_t j = 0; j < x; j++) {
			facet_bump(&res->regions, &res->nregions, ex->hits[j].region);
			facet_bump(&res->categories, &res->ncategories, ex->hits[j].category);
		}
	}
	res->hits = xcalloc(limit + 1, sizeof *res->hits);
	for (size_t i = o->offset; i < x && res->nhits < limit; i++)
		hit_move(&res->hits[res->nhits++], &ex->hits[i]);
	for (size_t i = 0; i < more->nhits && res->nhits < limit; i++) {
		size_t j;

		for (j = 0; j < x && ex->hits[j].id != more->hits[i].id; j++)
			;
		if (j == x)
			hit_move(&res->hits[res->nhits++], &more->hits[i]);
	}
	res->expression = more->expression;
	more->expression = NULL;
}

/* The message for what was done; sets f->message_zh and f->message_en. */
static void
explain(struct search_forgive *f, const struct word *w, size_t n, size_t drop)
{
	if (drop < n && w[drop].digits) {
		char *kept = words_join(w, n, drop, 0);

		f->message_zh = xasprintf("没有 %s 的%s，以下是其他规格", w[drop].typed, kept);
		f->message_en = xasprintf("No %s in %s; showing other sizes", kept, w[drop].typed);
		free(kept);
	} else if (drop < n) {
		char *all = words_join(w, n, SIZE_MAX, 0);

		f->message_zh = xasprintf("没有同时符合“%s”的产品，以下是不含“%s”的结果", all,
		    w[drop].typed);
		f->message_en = xasprintf("Nothing matches all of “%s”; showing results without"
		    " “%s”", all, w[drop].typed);
		free(all);
	} else {
		char *typed = words_join(w, n, SIZE_MAX, 0);

		if (f->exact == 0) {
			f->message_zh = xasprintf("没有找到“%s”，以下是“%s”的结果", typed,
			    f->suggestion);
			f->message_en = xasprintf("Nothing found for “%s”; showing results for “%s”",
			    typed, f->suggestion);
		} else {
			f->message_zh = xasprintf("“%s”只有 %ld 条结果，后面是“%s”的结果", typed,
			    f->exact, f->suggestion);
			f->message_en = xasprintf("Only %ld found for “%s”; results for “%s” follow",
			    f->exact, typed, f->suggestion);
		}
		free(typed);
	}
}

/* The word to drop: a number or size first, else the word fewest products have. */
static size_t
drop_choice(const struct word *w, size_t n)
{
	size_t best = SIZE_MAX;

	for (size_t i = 0; i < n; i++) {
		if (best == SIZE_MAX || (w[i].digits && !w[best].digits) ||
		    (w[i].digits == w[best].digits && w[i].df < w[best].df))
			best = i;
	}
	return best;
}

_Static_assert(FORGIVE_FEW <= SERVE_MAX_EXCLUDE, "the exact hits are left out of the forgiving query");

int
search_forgiving_run(sqlite3 *db, struct tokenizer *tk, struct serve *sv,
    struct serve_scratch *s, const char *query, int last_is_prefix,
    const struct search_opts *o, struct search_result *res, char **cause)
{
	struct search_opts eo = *o, mo = *o;
	struct search_result ex, more;
	struct word w[MAX_WORDS + 1];
	size_t limit = o->limit > 0 && o->limit <= SEARCH_MAX_LIMIT ? o->limit : 20;
	size_t n, drop = SIZE_MAX;
	int fixed = 0, page_is_all = !o->no_facets && o->offset == 0 && limit >= FORGIVE_FEW;
	char *fq = NULL, *suggestion = NULL;
	int64_t exact_ids[FORGIVE_FEW];

	/* The exact query: on the first page it also says how many there are. */
	if (!page_is_all) {
		eo.offset = 0;
		eo.limit = FORGIVE_FEW;
		eo.no_facets = 0;
	}
	if (search_serve_run(db, tk, sv, s, query, last_is_prefix, &eo, &ex, cause) != 0)
		return -1;
	if (ex.total >= FORGIVE_FEW) {
		if (page_is_all) {
			*res = ex;
			return 0;
		}
		search_result_free(&ex);
		return search_serve_run(db, tk, sv, s, query, last_is_prefix, o, res, cause);
	}

	/* Corrections, then (if they find little) one word dropped. */
	n = words_split(tk, sv, query, last_is_prefix, w);
	if (n > MAX_WORDS || n == 0)
		goto exact;
	words_join_models(sv, s, w, &n);
	for (size_t i = 0; i < n; i++) {
		if (w[i].fixed == NULL && w[i].df < FORGIVE_FEW)
			word_fix(sv, s, &w[i]);
		fixed |= w[i].fixed != NULL;
	}
	/* The forgiving query leaves the exact hits out: they are counted and shown first. */
	for (size_t i = 0; i < ex.nhits && i < FORGIVE_FEW; i++)
		exact_ids[i] = ex.hits[i].id;
	mo.exclude = exact_ids;
	mo.nexclude = ex.nhits < FORGIVE_FEW ? ex.nhits : FORGIVE_FEW;
	mo.offset = o->offset > ex.nhits ? o->offset - ex.nhits : 0;
	mo.limit = limit;
	memset(&more, 0, sizeof more);
	if (fixed) {
		fq = words_join(w, n, SIZE_MAX, 1);
		if (search_serve_run(db, tk, sv, s, fq, last_is_prefix, &mo, &more, cause) != 0)
			goto fail;
	}
	if (n > 1 && (!fixed || (more.total >= 0 && more.total < FORGIVE_FEW) ||
	    (more.total < 0 && more.nhits == 0))) {
		struct search_result dropped;
		char *dq;

		drop = drop_choice(w, n);
		dq = words_join(w, n, drop, 1);
		if (search_serve_run(db, tk, sv, s, dq, last_is_prefix, &mo, &dropped, cause) != 0) {
			free(dq);
			goto fail;
		}
		if (dropped.nhits > more.nhits || dropped.total > more.total) {
			search_result_free(&more);
			more = dropped;
			free(fq);
			fq = dq;
		} else {
			search_result_free(&dropped);
			free(dq);
			drop = SIZE_MAX;
		}
	}
	if (fq == NULL || !adds_hits(&ex, &more) || (drop == SIZE_MAX && !fixed)) {
		search_result_free(&more);
		goto exact;
	}

	/* What the page says: the corrected words as a person reads them. */
	if (fixed) {
		struct buf b = { 0 };

		for (size_t i = 0; i < n; i++) {
			char *shown = NULL;

			if (i == drop)
				continue;
			/* A one-word query corrected to pinyin reads as what it found: 龙井. */
			if (n == 1 && w[i].fixed != NULL && w[i].class != FIX_MODEL)
				if ((shown = first_marked(more.hits[0].highlight, o)) == NULL)
					shown = first_marked(more.hits[0].snippet, o);
			if (shown != NULL && w[i].class == FIX_INITIALS) {
				char *run = initials_run(shown, w[i].norm);

				if (run != NULL) {
					free(shown);
					shown = run;
				}
			}
			if (b.len > 0)
				buf_addc(&b, ' ');
			buf_addstr(&b, shown != NULL ? shown : w[i].fixed != NULL ? w[i].fixed :
			    w[i].typed);
			free(shown);
		}
		buf_add(&b, "", 0);
		suggestion = buf_take(&b);
	}
	merge(res, &ex, &more, o, limit);
	res->forgive = xcalloc(1, sizeof *res->forgive);
	res->forgive->exact = ex.total;
	res->forgive->query = fq;
	res->forgive->suggestion = suggestion;
	res->forgive->dropped = drop < n ? xstrdup(w[drop].typed) : NULL;
	explain(res->forgive, w, n, drop);
	search_result_free(&ex);
	search_result_free(&more);
	words_free(w, n);
	return 0;

exact:
	free(fq);
	words_free(w, n);
	if (page_is_all) {
		*res = ex;
		return 0;
	}
	search_result_free(&ex);
	return search_serve_run(db, tk, sv, s, query, last_is_prefix, o, res, cause);

fail:
	free(fq);
	words_free(w, n);
	search_result_free(&ex);
	memset(res, 0, sizeof *res);
	return -1;
}
