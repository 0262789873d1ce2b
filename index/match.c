/*
 * match.c — building the matcher's query tree, running it on Xapian,
 * re-ranking by category agreement, and saying why.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "generic.h"
#include "indexer.h"
#include "match.h"
#include "serve.h"
#include "textnorm.h"
#include "tokenize.h"
#include "util.h"
#include "xapian_c.h"

#define MATCH_FETCH_MIN	50	/* hits fetched before re-ranking, at least */
#define MATCH_HEAD_BOOST	1.3	/* the other name ends with a word of this one's */
#define MATCH_UNIGRAM_WEIGHT	0.3	/* a shared character, beside shared bigrams:
					   杭白菊 → 菊花茶, 真丝围巾 → 丝巾 */

/* One side: its Xapian database and the statement reading an item by code or id. */
struct match_side {
	const struct ix_kind	*kind;
	struct xc_db		*x;
	sqlite3_stmt		*by_code;	/* SELECT * FROM view WHERE code = ? */
	sqlite3_stmt		*by_id;		/* SELECT * FROM view WHERE id = ? */
};

struct matcher {
	sqlite3			*db;
	struct tokenizer	*tk;
	struct generic		*generic;	/* numbers, units and generic words */
	struct match_side	 sides[2];	/* supply, demand */
	struct serve		*layer;		/* products in memory, or NULL: Xapian */
	struct serve_scratch	*scratch;	/* this matcher's, for the layer */
};

/* A token of the item matched from: its weight and where it was first seen. */
struct qtoken {
	char	*text;
	double	 weight;	/* summed over the fields it appears in */
	size_t	 field;		/* first field it was seen in */
	size_t	 start, end;	/* byte offsets there */
	int	 unigram;	/* one Han character: weighs less, explains little */
	enum word_class	 cls;	/* only content makes a match */
	unsigned	 fields;	/* the source fields it appears in, a bit each */
};

struct qbuild {
	struct qtoken		*t;
	size_t			 n;
	double			 field_weight;	/* of the field being tokenized */
	size_t			 field;
	const char		*text;		/* of the field being tokenized */
	const struct generic	*generic;
};

/* What a hit shares with the item matched from, beyond numbers and generic words. */
enum evidence {
	EV_NONE,	/* nothing: numbers, units, generic words at most */
	EV_CHAR,	/* a character (杭白菊 and 菊花茶): enough within a category */
	EV_WORD,	/* a word */
};

struct matcher *
matcher_open(sqlite3 *db, const char *xapian_dir, char **cause)
{
	struct matcher *m = xcalloc(1, sizeof *m);
	static const char *names[] = { "supply", "demand" };

	m->db = db;
	if ((m->tk = tokenizer_new(cause)) == NULL) {
		free(m);
		return NULL;
	}
	if ((m->generic = generic_load(db, cause)) == NULL) {
		matcher_close(m);
		return NULL;
	}
	for (size_t i = 0; i < nitems(names); i++) {
		struct match_side *s = &m->sides[i];
		char *path = xasprintf("%s/%s", xapian_dir, names[i]), *err = NULL, *sql;

		s->kind = ix_kind_get(names[i]);
		s->x = xc_db_open(path, XC_READ, &err);
		free(path);
		if (s->x == NULL) {
			*cause = xasprintf("无法打开匹配索引（%s）：%s / cannot open the %s index: %s",
			    names[i], err, names[i], err);
			free(err);
			matcher_close(m);
			return NULL;
		}
		sql = xasprintf("SELECT * FROM %s WHERE code = ?", s->kind->view);
		sqlite3_prepare_v2(db, sql, -1, &s->by_code, NULL);
		free(sql);
		sql = xasprintf("SELECT * FROM %s WHERE id = ?", s->kind->view);
		sqlite3_prepare_v2(db, sql, -1, &s->by_id, NULL);
		free(sql);
		if (s->by_code == NULL || s->by_id == NULL) {
			*cause = xasprintf("匹配时数据库出错（%s）：%s / database error while"
			    " matching (%s): %s", s->kind->view, sqlite3_errmsg(db), s->kind->view,
			    sqlite3_errmsg(db));
			matcher_close(m);
			return NULL;
		}
	}
	return m;
}

void
matcher_close(struct matcher *m)
{
	if (m == NULL)
		return;
	for (size_t i = 0; i < nitems(m->sides); i++) {
		char *err = NULL;

		sqlite3_finalize(m->sides[i].by_code);
		sqlite3_finalize(m->sides[i].by_id);
		if (xc_db_close(m->sides[i].x, &err) != 0)
			free(err);
	}
	tokenizer_free(m->tk);
	generic_free(m->generic);
	serve_scratch_free(m->scratch);
	free(m);
}

void
matcher_use_layer(struct matcher *m, struct serve *layer)
{
	m->layer = layer;
	if (m->scratch == NULL)
		m->scratch = serve_scratch_new();
}

/* Is the token one Han character (a unigram)? */
static int
is_unigram(const struct token *t)
{
	uint32_t cp;

	return utf8_decode(t->text, t->len, &cp) == t->len && t->len > 1 && textnorm_is_han(cp);
}

/* tokenize.c callback: add a token of the source item, summing its weight. */
static int
collect_token(void *arg, const struct token *t)
{
	struct qbuild *b = arg;
	double w = b->field_weight * (is_unigram(t) ? MATCH_UNIGRAM_WEIGHT : 1.0);

	for (size_t i = 0; i < b->n; i++)
		if (strlen(b->t[i].text) == t->len && memcmp(b->t[i].text, t->text, t->len) == 0) {
			b->t[i].weight += w;
			b->t[i].fields |= 1u << b->field;
			return 0;
		}
	b->t = xreallocarray(b->t, b->n + 1, sizeof *b->t);
	b->t[b->n] = (struct qtoken){ xstrndup(t->text, t->len), w, b->field, t->start,
	    t->end, is_unigram(t), generic_classify(b->generic, t->text, t->len,
	    t->start > 0 && b->text[t->start - 1] >= '0' && b->text[t->start - 1] <= '9'),
	    1u << b->field };
	b->n++;
	return 0;
}

static int
qtoken_heavier(const void *a, const void *b)
{
	const struct qtoken *x = a, *y = b;

	if (x->weight != y->weight)
		return x->weight < y->weight ? 1 : -1;
	return x->field != y->field ? (x->field < y->field ? -1 : 1) :
	    (x->start < y->start ? -1 : x->start > y->start);
}

/* A column of the current row by name, or NULL. */
static const char *
column(sqlite3_stmt *q, const char *name)
{
	for (int c = 0; c < sqlite3_column_count(q); c++)
		if (strcmp(sqlite3_column_name(q, c), name) == 0)
			return (const char *)sqlite3_column_text(q, c);
	return NULL;
}

/* The day before date (YYYY-MM-DD) into out; 0 if date is not one. */
static int
day_before(const char *date, char out[11])
{
	struct tm tm = { 0 };
	time_t t;

	if (sscanf(date, "%4d-%2d-%2d", &tm.tm_year, &tm.tm_mon, &tm.tm_mday) != 3)
		return 0;
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	tm.tm_mday -= 1;
	tm.tm_hour = 12;
	t = timegm(&tm);
	gmtime_r(&t, &tm);
	return strftime(out, 11, "%Y-%m-%d", &tm) == 10;
}

/* The query tree: OR over tokens of (OR over the other side's fields of field-weighted terms). */
static struct xc_query *
build_query(const struct qbuild *b, const struct ix_kind *to, const struct match_opts *o)
{
	struct xc_query **tokq = xcalloc(b->n, sizeof *tokq), *q;
	char last[11];
	struct xc_query **fq = xcalloc(to->nfields, sizeof *fq);
	struct buf term = { 0 };

	for (size_t i = 0; i < b->n; i++) {
		for (size_t f = 0; f < to->nfields; f++) {
			buf_reset(&term);
			buf_addf(&term, "%s%s", to->fields[f].prefix, b->t[i].text);
			fq[f] = xc_query_scale(xc_query_term(term.data, term.len, 1),
			    to->fields[f].weight);
		}
		tokq[i] = xc_query_scale(xc_query_combine(XC_OP_OR, fq, to->nfields),
		    b->t[i].weight);
	}
	q = xc_query_combine(XC_OP_OR, tokq, b->n);
	if (o->nregions > 0) {
		struct xc_query **rq = xcalloc(o->nregions, sizeof *rq), *pair[2];

		for (size_t i = 0; i < o->nregions; i++) {
			buf_reset(&term);
			buf_addf(&term, "XR%s", o->regions[i]);
			rq[i] = xc_query_term(term.data, term.len, 1);
		}
		pair[0] = q;
		pair[1] = xc_query_combine(XC_OP_OR, rq, o->nregions);
		q = xc_query_combine(XC_OP_FILTER, pair, 2);
		free(rq);
	}
	if (o->open_on != NULL && strcmp(to->name, "demand") == 0 && day_before(o->open_on, last)) {
		struct xc_query *pair[2];

		/* Demands whose deadline has passed; those without one stay. */
		pair[0] = q;
		pair[1] = xc_query_value_range(IX_SLOT_DEADLINE, NULL, 0, last, strlen(last));
		q = xc_query_combine(XC_OP_AND_NOT, pair, 2);
	}
	if (o->honour != NULL) {
		struct xc_query *pair[2];

		buf_reset(&term);
		buf_addf(&term, "XH%s", o->honour);
		pair[0] = q;
		pair[1] = xc_query_term(term.data, term.len, 1);
		q = xc_query_combine(XC_OP_FILTER, pair, 2);
	}
	buf_free(&term);
	free(fq);
	free(tokq);
	return q;
}

#define NO_TOKEN	((size_t)-1)

/*
 * A word of the source, as TOK_WORDS gives it, and the source tokens that
 * say whether a hit has it: the words are read once per item matched
 * from; a hit only looks its tokens up in its own masks.
 */
struct sword {
	char		*text;		/* folded */
	size_t		 start, end;	/* bytes in the field's text */
	size_t		 chars;
	unsigned	 fields;	/* other side's fields it was found in; 0 = not */
	int		 noise;		/* a number, a unit or a generic word */
	int		 single;	/* single Han characters, joined */
	int		 never;		/* a number: never a match of its own */
	size_t		*tok;		/* tokens it needs, all (NO_TOKEN: not one of them) */
	size_t		 ntok;
	size_t		 across;	/* token of the previous word's last character and
					   its first, or NO_TOKEN */
};

/* Where a field's words and the bigrams inside one word are gathered. */
struct wctx {
	const struct qbuild	*b;
	struct sword		*w;
	size_t			 n;
	struct sword		*cur;		/* the word being checked */
	int			 all_generic;
};

/* The index of the source token text, or NO_TOKEN. */
static size_t
token_index(const struct qbuild *b, const char *text, size_t len)
{
	for (size_t k = 0; k < b->n; k++)
		if (strncmp(b->t[k].text, text, len) == 0 && b->t[k].text[len] == '\0')
			return k;
	return NO_TOKEN;
}

/* tokenize.c callback (TOK_QUERY over one word): each bigram is a token it needs. */
static int
word_bigram(void *arg, const struct token *t)
{
	struct wctx *c = arg;
	struct sword *w = c->cur;

	w->tok = xreallocarray(w->tok, w->ntok + 1, sizeof *w->tok);
	w->tok[w->ntok++] = token_index(c->b, t->text, t->len);
	if (!generic_has(c->b->generic, t->text, t->len))
		c->all_generic = 0;
	return 0;
}

/* tokenize.c callback (TOK_WORDS over a field): one word, kept to look at after. */
static int
field_word(void *arg, const struct token *t)
{
	struct wctx *c = arg;

	c->w = xreallocarray(c->w, c->n + 1, sizeof *c->w);
	c->w[c->n++] = (struct sword){ .text = xstrndup(t->text, t->len), .start = t->start,
	    .end = t->end, .chars = utf8_length(t->text, t->len), .across = NO_TOKEN };
	return 0;
}

/*
 * Joins runs of single Han characters into one word: that is how ICU
 * leaves a word its dictionary lacks (加 饭 酒 for 加饭酒).
 */
static void
join_unknown(struct wctx *c)
{
	size_t n = 0;

	for (size_t i = 0; i < c->n; i++) {
		struct sword *w = &c->w[i], *prev = n > 0 ? &c->w[n - 1] : NULL;

		if (prev != NULL && w->chars == 1 && (unsigned char)w->text[0] >= 0x80 &&
		    prev->end == w->start &&
		    (unsigned char)prev->text[0] >= 0x80 && prev->single) {
			char *t = xasprintf("%s%s", prev->text, w->text);

			free(prev->text);
			free(w->text);
			prev->text = t;
			prev->end = w->end;
			prev->chars++;
			continue;
		}
		c->w[n] = *w;
		c->w[n].single = w->chars == 1 && (unsigned char)w->text[0] >= 0x80;
		n++;
	}
	c->n = n;
}

/* Sets the tokens a word of the source needs to match, and whether it is noise. */
static void
word_tokens(struct tokenizer *tk, const struct wctx *c, struct sword *w)
{
	size_t len = strlen(w->text);
	enum word_class cls = generic_classify(c->b->generic, w->text, len, 0);
	struct wctx inner = { .b = c->b, .cur = w, .all_generic = 1 };

	if (cls == WORD_CONTENT && w->chars > 1 && (unsigned char)w->text[0] >= 0x80) {
		/* A longer Han word matched if all its bigrams did. */
		tokenize(tk, w->text, len, TOK_QUERY, word_bigram, &inner);
		w->noise = inner.all_generic;
	} else {
		w->never = cls == WORD_NUMBER;
		if (!w->never) {
			w->tok = xcalloc(1, sizeof *w->tok);
			w->tok[w->ntok++] = token_index(c->b, w->text, len);
		}
		w->noise = cls != WORD_CONTENT;
	}
}

/* The token of the last character of w[i - 1] and the first of w[i], or NO_TOKEN. */
static size_t
across_token(const struct qbuild *b, const struct sword *prev, const struct sword *w)
{
	const char *last = prev->text, *next = w->text;
	struct buf pair = { 0 };
	size_t k1 = utf8_length(last, strlen(last)), skip = 0, k, tok;
	uint32_t cp;

	for (size_t n = 0; n + 1 < k1; n++)
		skip += utf8_decode(last + skip, strlen(last) - skip, &cp);
	buf_addstr(&pair, last + skip);
	k = utf8_decode(next, strlen(next), &cp);
	buf_add(&pair, next, k);
	tok = token_index(b, pair.data, pair.len);
	buf_free(&pair);
	return tok;
}

/* The fields where a hit with the token masks mask has each word of c. */
static void
words_fields(struct wctx *c, const unsigned *mask)
{
	for (size_t i = 0; i < c->n; i++) {
		struct sword *w = &c->w[i];
		unsigned f = w->never ? 0 : ~0u;

		for (size_t t = 0; t < w->ntok && f != 0; t++)
			f &= w->tok[t] == NO_TOKEN ? 0 : mask[w->tok[t]];
		w->fields = f;
	}
}

/* Adds the reason text[a, e) found in fields, unless the hit has it already. */
static void
add_reason(struct match_hit *h, const struct ix_kind *to, const char *text, size_t len,
    unsigned fields)
{
	struct buf names = { 0 };

	for (size_t i = 0; i < h->nwhy; i++)
		if (strlen(h->why[i].word) == len && memcmp(h->why[i].word, text, len) == 0)
			return;
	for (size_t f = 0; f < to->nfields; f++)
		if (fields & (1u << f))
			buf_addf(&names, "%s%s", names.len ? "," : "", to->fields[f].column);
	h->why = xreallocarray(h->why, h->nwhy + 1, sizeof *h->why);
	h->why[h->nwhy].word = xstrndup(text, len);
	h->why[h->nwhy].fields = buf_take(&names);
	h->nwhy++;
}

/*
 * The reasons in one field of the source: runs of its dictionary words
 * that matched, a run going on only where the text goes on in the other
 * item too (the bigram across the words matched in the same field as
 * both: 龙井 + 茶 → 龙井茶, but not 绍兴 + 加饭酒 when only 兴加 matched),
 * without numbers, units or generic words at either end.  Single
 * characters only when weak is set.
 */
static void
field_reasons(struct match_hit *h, const struct ix_kind *to, const char *text,
    const struct wctx *c, const unsigned *mask, int weak)
{
	for (size_t i = 0; i < c->n; ) {
		size_t j = i + 1, a, e, chars = 0;
		unsigned fields;

		if (c->w[i].fields == 0) {
			i++;
			continue;
		}
		fields = c->w[i].fields;
		while (j < c->n && c->w[j].fields != 0 && c->w[j].start == c->w[j - 1].end) {
			/* The last character of one word and the first of the next. */
			unsigned across = c->w[j].across == NO_TOKEN ? 0 : mask[c->w[j].across];
			/* The same run of text, in one field of the other item. */
			if ((fields & c->w[j].fields & across) == 0)
				break;
			fields &= c->w[j].fields & across;
			j++;
		}
		/* Trim noise at both ends. */
		for (a = i; a < j && c->w[a].noise; a++)
			;
		for (e = j; e > a && c->w[e - 1].noise; e--)
			;
		for (size_t k = a; k < e; k++)
			chars += c->w[k].chars;
		if (a < e && (chars > 1 || weak ||
		    (unsigned char)c->w[a].text[0] < 0x80))
			add_reason(h, to, text + c->w[a].start, c->w[e - 1].end - c->w[a].start,
			    fields);
		i = j;
	}
}

/*
 * What a hit shares with the source, and its reasons: whole words of the
 * source as a person reads them (its dictionary words, merged where the
 * other item has the same run of text), never a bare number, a unit or a
 * generic word, and single characters only when nothing longer matched.
 */
static enum evidence
explain(struct match_hit *h, const struct qbuild *b, struct wctx *words,
    const char *const *src_text, const struct ix_kind *from, const struct ix_kind *to,
    const unsigned *mask)
{
	enum evidence ev = EV_NONE;
	unsigned what = 0;

	/* Evidence is what the source is or wants: its category's name is not (日用小商品 → 日用). */
	for (size_t f = 0; f < from->nfields; f++)
		if (strcmp(from->fields[f].column, from->category) != 0)
			what |= 1u << f;
	for (size_t k = 0; k < b->n; k++)
		if (mask[k] != 0 && b->t[k].cls == WORD_CONTENT && (b->t[k].fields & what))
			ev = b->t[k].unigram ? (ev > EV_CHAR ? ev : EV_CHAR) : EV_WORD;
	for (size_t f = 0; f < from->nfields && ev != EV_NONE; f++) {
		if (words[f].n == 0)
			continue;
		words_fields(&words[f], mask);
		field_reasons(h, to, src_text[f], &words[f], mask, ev == EV_CHAR);
	}
	return ev;
}

/* The words of each source field and the tokens each needs, once per item matched from. */
static struct wctx *
source_words(struct tokenizer *tk, const struct qbuild *b, const char *const *src_text,
    const struct ix_kind *from)
{
	struct wctx *words = xcalloc(from->nfields, sizeof *words);

	for (size_t f = 0; f < from->nfields; f++) {
		struct wctx *c = &words[f];

		c->b = b;
		if (from->fields[f].qweight <= 0 || *src_text[f] == '\0')
			continue;
		tokenize(tk, src_text[f], strlen(src_text[f]), TOK_WORDS, field_word, c);
		join_unknown(c);
		for (size_t i = 0; i < c->n; i++) {
			word_tokens(tk, c, &c->w[i]);
			if (i > 0)
				c->w[i].across = across_token(b, &c->w[i - 1], &c->w[i]);
		}
	}
	return words;
}

static void
source_words_free(struct wctx *words, size_t nfields)
{
	for (size_t f = 0; words != NULL && f < nfields; f++) {
		for (size_t i = 0; i < words[f].n; i++) {
			free(words[f].w[i].text);
			free(words[f].w[i].tok);
		}
		free(words[f].w);
	}
	free(words);
}

/* The fields (a bit each) where the hit has each source token, from Xapian's matching terms. */
static void
terms_mask(const struct qbuild *b, const struct ix_kind *to, const struct xc_list *terms,
    unsigned *mask)
{
	for (size_t i = 0; i < xc_list_size(terms); i++) {
		const char *t = xc_list_item(terms, i, NULL);

		for (size_t f = 0; f < to->nfields; f++) {
			size_t pl = strlen(to->fields[f].prefix);

			if (strncmp(t, to->fields[f].prefix, pl) != 0)
				continue;
			for (size_t k = 0; k < b->n; k++)
				if (strcmp(b->t[k].text, t + pl) == 0)
					mask[k] |= 1u << f;
			break;
		}
	}
}

/* tokenize.c callback: remember the last query token of a name. */
static int
last_token(void *arg, const struct token *t)
{
	struct buf *last = arg;

	buf_reset(last);
	buf_add(last, t->text, t->len);
	return 0;
}

/* Does the other side's name end with (its last bigram equal) a token of this side's name? */
static int
name_head_matches(struct tokenizer *tk, const struct qbuild *b, const char *name)
{
	struct buf last = { 0 };
	int hit = 0;

	tokenize(tk, name, strlen(name), TOK_QUERY, last_token, &last);
	for (size_t k = 0; k < b->n && last.len > 0 && !hit; k++)
		hit = b->t[k].field == 0 && strcmp(b->t[k].text, last.data) == 0;
	buf_free(&last);
	return hit;
}

static int
hit_better(const void *a, const void *b)
{
	const struct match_hit *x = a, *y = b;

	if (x->tier != y->tier)
		return y->tier - x->tier;
	if (x->score != y->score)
		return x->score < y->score ? 1 : -1;
	return x->id < y->id ? -1 : x->id > y->id;
}

/* Fills a hit's details from the other side's view. */
static int
hit_details(struct match_side *to, struct match_hit *h)
{
	sqlite3_stmt *q = to->by_id;
	const char *v;
	int rc = -1;

	sqlite3_bind_int64(q, 1, h->id);
	if (sqlite3_step(q) == SQLITE_ROW) {
		h->code = xstrdup((v = column(q, "code")) ? v : "");
		h->name = xstrdup((v = column(q, to->kind->fields[0].column)) ? v : "");
		h->owner = xstrdup((v = column(q, strcmp(to->kind->name, "supply") == 0 ?
		    "company" : "buyer")) ? v : "");
		h->region = xstrdup((v = column(q, to->kind->region)) ? v : "");
		h->category = xstrdup((v = column(q, to->kind->category)) ? v : "");
		rc = 0;
	}
	sqlite3_reset(q);
	return rc;
}

/* Frees one hit's strings. */
static void
hit_free(struct match_hit *h)
{
	for (size_t i = 0; i < h->nwhy; i++) {
		free(h->why[i].word);
		free(h->why[i].fields);
	}
	free(h->why);
	free(h->code);
	free(h->name);
	free(h->owner);
	free(h->region);
	free(h->category);
}

/* The hits before re-ranking: ids, scores, and per hit the fields of each source token. */
struct cands {
	int64_t		*ids;
	double		*scores;
	unsigned	*masks;		/* masks[i * b->n + k] */
	size_t		 n;
};

/* Candidates from the serving layer in memory (two stages, or exhaustive). */
static void
layer_candidates(struct matcher *m, const struct qbuild *b, const struct match_opts *o,
    size_t fetch, struct cands *c)
{
	struct serve_match_token *t = xcalloc(b->n ? b->n : 1, sizeof *t);
	struct serve_match_query q = { .tokens = t, .ntokens = b->n, .limit = fetch,
	    .exhaustive = o->exhaustive };
	struct serve_match_result r;

	for (size_t k = 0; k < b->n; k++)
		t[k] = (struct serve_match_token){ b->t[k].text, strlen(b->t[k].text),
		    b->t[k].weight };
	if (o->nregions > 0) {
		q.cities = o->regions;
		q.ncities = o->nregions;
	}
	serve_match(m->layer, m->scratch, &q, &r);
	c->ids = r.ids;
	c->scores = r.scores;
	c->masks = r.masks;
	c->n = r.n;
	free(t);
}

/* Candidates from the other side's Xapian database.  0, or -1 with *cause. */
static int
xapian_candidates(struct xc_db *x, const struct qbuild *b, const struct ix_kind *to,
    const struct match_opts *o, size_t fetch, struct cands *c, char **cause)
{
	struct xc_query *q = build_query(b, to, o);
	struct xc_enquire *e = NULL;
	struct xc_mset *ms = NULL;
	char *err = NULL;
	int rc = -1;

	if ((e = xc_enquire_new(x, &err)) == NULL || xc_enquire_set_query(e, q, &err) != 0 ||
	    (ms = xc_enquire_mset(e, 0, (uint32_t)fetch, 0, &err)) == NULL)
		goto fail;
	c->ids = xcalloc(xc_mset_size(ms) + 1, sizeof *c->ids);
	c->scores = xcalloc(xc_mset_size(ms) + 1, sizeof *c->scores);
	c->masks = xcalloc((size_t)(xc_mset_size(ms) + 1) * (b->n ? b->n : 1), sizeof *c->masks);
	for (uint32_t i = 0; i < xc_mset_size(ms); i++) {
		struct xc_hit xh;
		struct xc_list *terms = NULL;
		char *data = NULL;
		size_t len;

		if (xc_mset_hit(ms, i, &xh, &err) != 0 || xc_mset_data(ms, i, &data, &len,
		    &err) != 0 || xc_mset_matching_terms(ms, i, &terms, &err) != 0) {
			free(data);
			goto fail;
		}
		c->ids[c->n] = strtoll(data, NULL, 10);
		c->scores[c->n] = xh.weight;
		terms_mask(b, to, terms, c->masks + c->n * b->n);
		c->n++;
		free(data);
		xc_list_free(terms);
	}
	rc = 0;
	goto done;
fail:
	*cause = xasprintf("匹配出错 / matching failed: %s", err ? err : "?");
	free(err);
done:
	xc_mset_free(ms);
	xc_enquire_free(e);
	xc_query_free(q);
	return rc;
}

/*
 * Matches an item of from_kind whose fields (src, in the kind's order; an
 * empty string for none) and category (NULL for none) are given: the core
 * of match_code and match_text.  what names the item in messages.
 */
static int
match_source(struct matcher *m, int fi, const char *what, const char *const *src,
    const char *src_category, const struct match_opts *o, struct match_result *res,
    char **cause)
{
	struct match_side *from = &m->sides[fi], *to = &m->sides[1 - fi];
	const struct ix_kind *fk = from->kind;
	size_t limit = o->limit > 0 && o->limit <= MATCH_MAX_LIMIT ? o->limit : 20;
	struct qbuild b = { .generic = m->generic };
	struct cands cand = { 0 };
	struct wctx *words = NULL;
	size_t fetch;
	int rc = -1;

	/* What the item wants, field by field, as query tokens. */
	for (size_t f = 0; f < fk->nfields; f++) {
		if (fk->fields[f].qweight <= 0 || *src[f] == '\0')
			continue;
		b.field = f;
		b.field_weight = fk->fields[f].qweight;
		b.text = src[f];
		tokenize(m->tk, src[f], strlen(src[f]), TOK_DOCUMENT, collect_token, &b);
	}
	res->from_name = xstrdup(src[0]);
	if (b.n == 0) {
		*cause = xasprintf("%s %s 没有可以匹配的字词（内容为空或只有标点） / %s %s has no words"
		    " to match on (empty, or only punctuation)", fi == 0 ? "产品" : "需求", what,
		    fi == 0 ? "product" : "demand", what);
		goto done;
	}
	/* The heaviest tokens, where they were first seen breaking ties. */
	qsort(b.t, b.n, sizeof *b.t, qtoken_heavier);
	while (b.n > MATCH_MAX_TOKENS)
		free(b.t[--b.n].text);

	fetch = limit * 3 > MATCH_FETCH_MIN ? limit * 3 : MATCH_FETCH_MIN;
	if (fi == 1 && m->layer != NULL && o->honour == NULL)
		layer_candidates(m, &b, o, fetch, &cand);
	else if (xapian_candidates(to->x, &b, to->kind, o, fetch, &cand, cause) != 0)
		goto done;
	words = source_words(m->tk, &b, src, fk);
	for (size_t i = 0; i < cand.n; i++) {
		struct match_hit h = { 0 };
		enum evidence ev;

		h.id = cand.ids[i];
		h.score = cand.scores[i];
		if (hit_details(to, &h) != 0)	/* indexed, but gone from the store */
			continue;
		/*
		 * Category agreement ranks a hit ahead of every hit of another
		 * category: the tea canister 茶叶罐 (日用小商品) is not what a buyer
		 * of 龙井茶叶 wants, though 茶叶 is in its name; 安吉白茶 may be.
		 */
		h.tier = 1;
		if (src_category != NULL && *src_category != '\0' && *h.category != '\0') {
			h.same_category = strcmp(src_category, h.category) == 0;
			h.tier = h.same_category ? 2 : 0;
		}
		/* Chinese names put the thing last: 西湖龙井茶 is a 茶, 茶叶罐 a 罐. */
		if (name_head_matches(m->tk, &b, h.name))
			h.score *= MATCH_HEAD_BOOST;
		/*
		 * A match needs a shared word or category: numbers, units and
		 * generic words only add to the score (羊毛50% is no reason to
		 * meet a buyer of 50 styles of glasses), and a shared character
		 * alone is no reason to meet across categories.
		 */
		ev = explain(&h, &b, words, src, fk, to->kind, cand.masks + i * b.n);
		if (!(h.tier == 2 || ev == EV_WORD || (ev == EV_CHAR && h.tier == 1))) {
			hit_free(&h);
			continue;
		}
		res->hits = xreallocarray(res->hits, res->nhits + 1, sizeof *res->hits);
		res->hits[res->nhits++] = h;
	}
	if (res->nhits > 1)
		qsort(res->hits, res->nhits, sizeof *res->hits, hit_better);
	while (res->nhits > limit)
		hit_free(&res->hits[--res->nhits]);
	rc = 0;
done:
	source_words_free(words, fk->nfields);
	free(cand.ids);
	free(cand.scores);
	free(cand.masks);
	for (size_t i = 0; i < b.n; i++)
		free(b.t[i].text);
	free(b.t);
	return rc;
}

int
match_code(struct matcher *m, const char *from_kind, const char *code,
    const struct match_opts *o, struct match_result *res, char **cause)
{
	int fi = strcmp(from_kind, "supply") == 0 ? 0 : 1;
	struct match_side *from = &m->sides[fi];
	const struct ix_kind *fk = from->kind;
	const char **src = xcalloc(fk->nfields, sizeof *src);
	char *src_category = NULL;
	int rc = -1, step;

	memset(res, 0, sizeof *res);
	res->from_kind = fk->name;
	sqlite3_bind_text(from->by_code, 1, code, -1, SQLITE_TRANSIENT);
	if ((step = sqlite3_step(from->by_code)) != SQLITE_ROW) {
		sqlite3 *db = sqlite3_db_handle(from->by_code);

		/* A store that failed is not "no such code". */
		if (step != SQLITE_DONE)
			*cause = xasprintf("匹配时数据库出错：%s / database error while matching: %s",
			    sqlite3_errmsg(db), sqlite3_errmsg(db));
		else
			*cause = xasprintf("没有编号为 %s 的%s / no %s has the code %s", code,
			    fi == 0 ? "产品" : "需求", fi == 0 ? "product" : "demand", code);
		goto done;
	}
	for (size_t f = 0; f < fk->nfields; f++) {
		const char *v = column(from->by_code, fk->fields[f].column);

		src[f] = xstrdup(v != NULL ? v : "");
	}
	src_category = column(from->by_code, fk->category) ?
	    xstrdup(column(from->by_code, fk->category)) : NULL;
	rc = match_source(m, fi, code, src, src_category, o, res, cause);
done:
	sqlite3_reset(from->by_code);
	for (size_t f = 0; f < fk->nfields; f++)
		free((char *)src[f]);
	free(src);
	free(src_category);
	return rc;
}

int
match_text(struct matcher *m, const char *from_kind, const char *text, const char *category,
    const struct match_opts *o, struct match_result *res, char **cause)
{
	int fi = strcmp(from_kind, "supply") == 0 ? 0 : 1;
	const struct ix_kind *fk = m->sides[fi].kind;
	const char **src = xcalloc(fk->nfields, sizeof *src);
	int rc;

	memset(res, 0, sizeof *res);
	res->from_kind = fk->name;
	/* The text is what the item is called (its first field); the category its own. */
	for (size_t f = 0; f < fk->nfields; f++)
		src[f] = f == 0 ? text : category != NULL && strcmp(fk->fields[f].column,
		    fk->category) == 0 ? category : "";
	rc = match_source(m, fi, text, src, category != NULL && *category != '\0' ? category :
	    NULL, o, res, cause);
	free(src);
	return rc;
}

void
match_result_free(struct match_result *res)
{
	for (size_t i = 0; i < res->nhits; i++)
		hit_free(&res->hits[i]);
	free(res->hits);
	free(res->from_name);
	memset(res, 0, sizeof *res);
}
