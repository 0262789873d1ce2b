/*
 * search.c — query → tokens → FTS5 expression → ranked hits.
 */
#include <stdlib.h>
#include <string.h>

#include "indexer.h"
#include "pinyin.h"
#include "search.h"
#include "util.h"

/* Tokens of a query, each with the whitespace-separated word it came from. */
struct qtok {
	char	*text;
	size_t	 word;
	int	 paired;	/* one of its word's syllable pairs, all required (query_pair) */
	int	 pinyin;	/* a syllable pair of pinyin typed without spaces */
};

struct qctx {
	const char	*query;
	struct qtok	 toks[SEARCH_MAX_TOKENS];
	size_t		 n;
	int		 prefix;	/* the last token matches as a prefix */
};

#define SNIPPET_BEFORE	12	/* characters of context before the first match */
#define SNIPPET_CHARS	48	/* characters in a snippet */

/* The whitespace-separated word of query that byte offset at lies in. */
static size_t
word_at(const char *query, size_t at)
{
	size_t w = 0;
	int inspace = 0;

	for (size_t i = 0; i < at; i++) {
		int sp = query[i] == ' ' || query[i] == '\t' || query[i] == '\n' ||
		    (i + 2 < at && memcmp(query + i, "\xe3\x80\x80", 3) == 0);	/* U+3000 */

		if (sp && !inspace)
			w++;
		inspace = sp;
	}
	return w;
}

static int
query_token(void *arg, const struct token *t)
{
	struct qctx *c = arg;

	if (c->n == SEARCH_MAX_TOKENS)
		return 1;	/* enough: a longer query is cut */
	for (size_t i = 0; i < c->n; i++)
		if (strlen(c->toks[i].text) == t->len && memcmp(c->toks[i].text, t->text, t->len) == 0)
			return 0;
	c->toks[c->n].text = xstrndup(t->text, t->len);
	c->toks[c->n].word = word_at(c->query, t->start);
	c->toks[c->n].paired = 0;
	c->toks[c->n].pinyin = t->pinyin;
	c->n++;
	return 0;
}

/*
 * Marks the syllable pairs that are required together: in a word with one
 * run of pinyin typed without spaces (anjibaicha: anji, jibai, baicha), the
 * pairs are ANDed with each other and ORed with the word's other tokens
 * (the run as typed).  A pair alone is a homophone, not the word: gansan
 * is 杆伞 as much as 干散, so mogansan must not find umbrellas.  A Han run's
 * bigrams stay ORed, as do the pairs of a word with two runs.
 */
static void
query_pair(struct qctx *c)
{
	for (size_t a = 0, b; a < c->n; a = b) {
		size_t runs = 0, pairs = 0;

		for (b = a; b < c->n && c->toks[b].word == c->toks[a].word; b++) {
			runs += c->toks[b].pinyin && (b == a || !c->toks[b - 1].pinyin);
			pairs += c->toks[b].pinyin != 0;
		}
		for (size_t i = a; i < b; i++)
			c->toks[i].paired = runs == 1 && pairs >= 2 && c->toks[i].pinyin;
	}
}

_Static_assert(SEARCH_MAX_TOKENS <= 32, "a requirement bit each token at most");

/*
 * What each token meets (need[i], a bit each, as struct serve_term's
 * need): a bit a word, or in a word with paired tokens a bit each pair,
 * all of which the word's other tokens meet too.
 */

static void
query_needs(const struct qctx *c, uint32_t *need)
{
	size_t bit = 0;

	for (size_t a = 0, b; a < c->n; a = b) {
		uint32_t all = 0;

		for (b = a; b < c->n && c->toks[b].word == c->toks[a].word; b++)
			if (c->toks[b].paired)
				all |= need[b] = 1u << bit++;
		if (all == 0)
			all = 1u << bit++;
		for (size_t i = a; i < b; i++)
			if (!c->toks[i].paired)
				need[i] = all;
	}
}

/* Tokenizes query into c; 0, or -1 with *cause if there is nothing to search for. */
static int
query_parse(struct tokenizer *tk, const char *query, int last_is_prefix, struct qctx *c,
    char **cause)
{
	size_t len = strlen(query);

	memset(c, 0, sizeof *c);
	c->query = query;
	if (!utf8_valid(query, len)) {
		*cause = xstrdup("查询不是有效的 UTF-8 文本 / the query is not valid UTF-8 text");
		return -1;
	}
	tokenize(tk, query, len, TOK_QUERY_EXPANDED, query_token, c);
	query_pair(c);
	if (c->n == 0) {
		*cause = xstrdup("查询中没有可以搜索的字词（只有空格或标点） / the query has nothing to"
		    " search for (only spaces or punctuation)");
		return -1;
	}
	/* The last token is a prefix if typing goes on and it is a Latin/digit word. */
	c->prefix = last_is_prefix && len > 0 && query[len - 1] != ' ' &&
	    (unsigned char)c->toks[c->n - 1].text[0] < 0x80;
	return 0;
}

static void
query_free(struct qctx *c)
{
	for (size_t i = 0; i < c->n; i++)
		free(c->toks[i].text);
	c->n = 0;
}

/*
 * The FTS5 expression: words ANDed, the tokens of one word (a Han run's
 * bigrams) ORed, a word's paired tokens ANDed in a group of their own.
 */
static char *
query_expression(const struct qctx *c)
{
	struct buf e = { 0 };

	for (size_t i = 0; i < c->n; i++) {
		int first_of_word = i == 0 || c->toks[i].word != c->toks[i - 1].word;
		int last_of_word = i + 1 == c->n || c->toks[i + 1].word != c->toks[i].word;
		int in_group = !first_of_word && c->toks[i].paired && c->toks[i - 1].paired;
		int ends_group = c->toks[i].paired && (last_of_word || !c->toks[i + 1].paired);

		if (i > 0)
			buf_addstr(&e, first_of_word || in_group ? " AND " : " OR ");
		if (first_of_word && !last_of_word)
			buf_addc(&e, '(');
		if (c->toks[i].paired && !in_group)
			buf_addc(&e, '(');
		buf_addc(&e, '"');
		for (const char *p = c->toks[i].text; *p != '\0'; p++) {
			if (*p == '"')
				buf_addc(&e, '"');
			buf_addc(&e, *p);
		}
		buf_addc(&e, '"');
		if (c->prefix && i + 1 == c->n)
			buf_addc(&e, '*');
		if (ends_group)
			buf_addc(&e, ')');
		if (last_of_word && !first_of_word)
			buf_addc(&e, ')');
	}
	return buf_take(&e);
}

/* Byte ranges of a text that matched, gathered by mark_token. */
struct marks {
	const struct qctx	*q;
	size_t			(*r)[2];
	size_t			 n;
};

/* tokenize.c callback: keep the range of a token the query asked for. */
static int
mark_token(void *arg, const struct token *t)
{
	struct marks *m = arg;

	for (size_t i = 0; i < m->q->n; i++) {
		const char *qt = m->q->toks[i].text;
		size_t ql = strlen(qt);
		int prefix = m->q->prefix && i + 1 == m->q->n;

		if (t->len < ql || (!prefix && t->len != ql) || memcmp(t->text, qt, ql) != 0)
			continue;
		m->r = xreallocarray(m->r, m->n + 1, sizeof *m->r);
		m->r[m->n][0] = t->start;
		m->r[m->n][1] = t->end;
		m->n++;
		break;
	}
	return 0;
}

static int
range_cmp(const void *a, const void *b)
{
	const size_t *x = a, *y = b;

	return x[0] < y[0] ? -1 : x[0] > y[0] ? 1 : (x[1] < y[1] ? -1 : x[1] > y[1]);
}

/* Byte offset of the character n characters before (n < 0) or after at. */
static size_t
char_step(const char *s, size_t len, size_t at, long n)
{
	for (; n < 0 && at > 0; n++)
		at = utf8_char_start(s, at - 1);
	for (; n > 0 && at < len; n--)
		at = utf8_char_next(s, len, at);
	return at;
}

/*
 * text with the query's matches marked (overlapping matches merged, so
 * 金华火腿 marks 【金华火腿】 once); with window, only a passage around the
 * first match.  Returns the number of matches; *out is allocated.
 */
static size_t
mark_text(struct tokenizer *tk, const struct qctx *q, const char *text, int window,
    enum tok_mode mode, const struct search_opts *o, char **out)
{
	struct marks m = { .q = q };
	struct buf b = { 0 };
	size_t len = strlen(text), from = 0, to = len, at, k;

	tokenize(tk, text, len, mode, mark_token, &m);
	if (m.n > 1)
		qsort(m.r, m.n, sizeof *m.r, range_cmp);
	for (size_t i = 1, j = 0; i < m.n; i++) {	/* merge overlaps */
		if (m.r[i][0] <= m.r[j][1]) {
			if (m.r[i][1] > m.r[j][1])
				m.r[j][1] = m.r[i][1];
		} else
			memcpy(m.r[++j], m.r[i], sizeof m.r[i]);
		if (i + 1 == m.n)
			m.n = j + 1;
	}
	if (window && m.n > 0) {
		from = char_step(text, len, m.r[0][0], -SNIPPET_BEFORE);
		to = char_step(text, len, from, SNIPPET_CHARS);
	} else if (window)
		to = char_step(text, len, 0, SNIPPET_CHARS);
	if (from > 0)
		buf_addstr(&b, "…");
	for (at = from, k = 0; at < to; ) {
		while (k < m.n && m.r[k][1] <= at)
			k++;
		if (k < m.n && m.r[k][0] <= at) {
			size_t end = m.r[k][1] < to ? m.r[k][1] : to;

			buf_addstr(&b, o->mark_open ? o->mark_open : "");
			buf_add(&b, text + at, end - at);
			buf_addstr(&b, o->mark_close ? o->mark_close : "");
			at = end;
		} else {
			size_t end = k < m.n && m.r[k][0] < to ? m.r[k][0] : to;

			buf_add(&b, text + at, end - at);
			at = end;
		}
	}
	if (to < len)
		buf_addstr(&b, "…");
	buf_add(&b, "", 0);
	*out = buf_take(&b);
	free(m.r);
	return m.n;
}

/* A column as an allocated string ("" for NULL). */
static char *
col_dup(sqlite3_stmt *q, int i)
{
	const char *s = (const char *)sqlite3_column_text(q, i);

	return xstrdup(s != NULL ? s : "");
}

/* Binds the MATCH expression and the filters (?1, ?2, ?3). */
static void
bind_where(sqlite3_stmt *q, const char *expr, const struct search_opts *o)
{
	sqlite3_bind_text(q, 1, expr, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 2, o->region, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 3, o->category, -1, SQLITE_STATIC);
}

/* A candidate hit before details: its id, score and category. */
struct cand {
	int64_t	 id;
	double	 score;
	int	 names_category;	/* its category is the whole query */
};

/* Category matches first, then score, then id: a total order. */
static int
cand_cmp(const void *a, const void *b)
{
	const struct cand *x = a, *y = b;

	if (x->names_category != y->names_category)
		return y->names_category - x->names_category;
	if (x->score != y->score)
		return x->score < y->score ? 1 : -1;
	return x->id < y->id ? -1 : x->id > y->id;
}

/* Keeps the best max candidates by score in a min-heap h[0..*n). */
static void
heap_offer(struct cand *h, size_t *n, size_t max, const struct cand *c)
{
	size_t i;

	if (*n < max) {
		for (i = (*n)++; i > 0 && h[(i - 1) / 2].score > c->score; i = (i - 1) / 2)
			h[i] = h[(i - 1) / 2];
		h[i] = *c;
		return;
	}
	if (c->score <= h[0].score)
		return;
	for (i = 0;;) {	/* replace the smallest, sift down */
		size_t l = 2 * i + 1, r = l + 1, m = i;
		double ms = c->score;

		if (l < *n && h[l].score < ms)
			m = l, ms = h[l].score;
		if (r < *n && h[r].score < ms)
			m = r;
		if (m == i)
			break;
		h[i] = h[m];
		i = m;
	}
	h[i] = *c;
}

/* Counts of the values of one facet, in a small open-addressing table. */
struct tally {
	struct facet	*slots;		/* value NULL = empty */
	size_t		 cap, n;
};

/* The slot of value in slots[cap] (cap a power of two): its own, or the empty one it would take. */
static struct facet *
tally_slot(struct facet *slots, size_t cap, const char *value)
{
	uint64_t h = 1469598103934665603ULL;	/* FNV-1a */
	size_t i;

	for (const char *p = value; *p != '\0'; p++)
		h = (h ^ (unsigned char)*p) * 1099511628211ULL;
	for (i = h & (cap - 1); slots[i].value != NULL; i = (i + 1) & (cap - 1))
		if (strcmp(slots[i].value, value) == 0)
			break;
	return &slots[i];
}

/* Counts one more of value (NULL and "" are not counted). */
static void
tally(struct tally *t, const char *value)
{
	struct facet *f;

	if (value == NULL || *value == '\0')
		return;
	if ((t->n + 1) * 2 > t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 64;
		struct facet *slots = xcalloc(cap, sizeof *slots);

		for (size_t i = 0; i < t->cap; i++)
			if (t->slots[i].value != NULL)
				*tally_slot(slots, cap, t->slots[i].value) = t->slots[i];
		free(t->slots);
		t->slots = slots;
		t->cap = cap;
	}
	f = tally_slot(t->slots, t->cap, value);
	if (f->value == NULL) {
		f->value = xstrdup(value);
		t->n++;
	}
	f->count++;
}

static int
facet_cmp(const void *a, const void *b)
{
	const struct facet *x = a, *y = b;

	if (x->count != y->count)
		return x->count < y->count ? 1 : -1;
	return strcmp(x->value, y->value);
}

/* Hands the counts over, largest first, at most SEARCH_MAX_FACETS of them. */
static void
tally_take(struct tally *t, struct facet **out, size_t *n)
{
	*out = xcalloc(t->n + 1, sizeof **out);
	*n = 0;
	for (size_t i = 0; i < t->cap; i++)
		if (t->slots[i].value != NULL)
			(*out)[(*n)++] = t->slots[i];
	qsort(*out, *n, sizeof **out, facet_cmp);
	for (size_t i = SEARCH_MAX_FACETS; i < *n; i++)
		free((*out)[i].value);
	if (*n > SEARCH_MAX_FACETS)
		*n = SEARCH_MAX_FACETS;
	free(t->slots);
	memset(t, 0, sizeof *t);
}

static void
tally_free(struct tally *t)
{
	for (size_t i = 0; i < t->cap; i++)
		free(t->slots[i].value);
	free(t->slots);
	memset(t, 0, sizeof *t);
}

/* Whether the query has a Latin word, which may be pinyin. */
static int
query_has_latin(const struct qctx *qc)
{
	for (size_t i = 0; i < qc->n; i++)
		if ((unsigned char)qc->toks[i].text[0] < 0x80)
			return 1;
	return 0;
}

/*
 * What a column must hold for any query token to match in it, worked out
 * once per query so that highlighting tokenizes (and reads as pinyin) only
 * the columns that may match: a Han token's characters, a Latin token's
 * letters, and for pinyin a Han character read with a Latin token's first
 * letter.  A column that passes may still match nothing; one that fails
 * matches nothing for sure.
 */
#define HINT_HAN	64

struct qhint {
	uint32_t	 han[HINT_HAN];	/* characters of the Han tokens */
	size_t		 nhan;
	uint32_t	 initials;	/* first letters of the Latin tokens, a bit each */
	int		 latin;		/* the query has a Latin token */
	int		 other;		/* a token of neither kind: tokenize every column */
};

static void
qhint_make(const struct qctx *q, struct qhint *hint)
{
	memset(hint, 0, sizeof *hint);
	for (size_t i = 0; i < q->n; i++) {
		const char *t = q->toks[i].text;
		size_t len = strlen(t);

		if ((unsigned char)t[0] < 0x80) {
			for (size_t k = 0; k < len; k++)
				if ((unsigned char)t[k] >= 0x80)
					hint->other = 1;
			if (t[0] >= 'a' && t[0] <= 'z')
				hint->initials |= 1u << (t[0] - 'a');
			hint->latin = 1;
			continue;
		}
		for (size_t k = 0; k < len; ) {
			uint32_t cp;
			size_t n = utf8_decode(t + k, len - k, &cp);

			if (n == 0 || !textnorm_is_han(cp) || hint->nhan == HINT_HAN) {
				hint->other = 1;
				break;
			}
			hint->han[hint->nhan++] = cp;
			k += n;
		}
	}
}

/*
 * Whether text may hold a token of q (see struct qhint); pinyin: the
 * column is read as pinyin.  Without a hint, every column may.
 */
static int
may_match(struct tokenizer *tk, const struct qctx *q, const struct qhint *hint,
    const char *text, int pinyin)
{
	if (hint == NULL)
		return 1;
	struct textnorm *tn = tokenizer_textnorm(tk);
	size_t len = strlen(text), n;
	char small[512], *latin = len * 4 + 1 <= sizeof small ? small : xmalloc(len * 4 + 1);
	size_t nl = 0;
	int maybe = hint->other;

	for (size_t i = 0; i < len && !maybe; i += n) {
		uint32_t cp;

		if ((n = utf8_decode(text + i, len - i, &cp)) == 0) {
			n = 1;
			latin[nl++] = ' ';
		} else if (!hint->latin && !textnorm_is_han(cp))
			continue;	/* only Han tokens: only Han characters count */
		else if (cp < 0x80)
			latin[nl++] = (char)(cp >= 'A' && cp <= 'Z' ? cp + 32 : cp);
		else if (textnorm_is_han(cp)) {
			const char *r[PINYIN_MAX_READINGS];
			size_t nr;

			latin[nl++] = ' ';
			for (size_t k = 0; k < hint->nhan && !maybe; k++)
				maybe = hint->han[k] == cp;
			if (maybe || textnorm_is_traditional(tn, cp)) {
				maybe = 1;
				break;
			}
			if (!pinyin || hint->initials == 0)
				continue;
			nr = pinyin_readings(cp, r, PINYIN_MAX_READINGS);
			for (size_t k = 0; k < nr && !maybe; k++)
				maybe = r[k][0] >= 'a' && r[k][0] <= 'z' &&
				    (hint->initials & (1u << (r[k][0] - 'a'))) != 0;
		} else {
			size_t fl;
			const char *f = textnorm_fold(tn, cp, &fl);

			for (size_t k = 0; k < fl && nl < len * 4; k++)
				latin[nl++] = (unsigned char)f[k] < 0x80 ? f[k] : ' ';
		}
	}
	latin[nl] = '\0';
	for (size_t i = 0; i < q->n && !maybe; i++)
		maybe = (unsigned char)q->toks[i].text[0] < 0x80 && strstr(latin, q->toks[i].text) !=
		    NULL;
	if (latin != small)
		free(latin);
	return maybe;
}

/* text as mark_text gives it when nothing in it matches: whole, or its first window. */
static char *
unmarked(const char *text, int window)
{
	size_t len = strlen(text), to = window ? char_step(text, len, 0, SNIPPET_CHARS) : len;

	return to < len ? xasprintf("%.*s…", (int)to, text) : xstrdup(text);
}

/*
 * Fills h (id set) from the item's row: details, highlight and snippet.
 * Pinyin is worked out only for the fields that have it, and only when the
 * query has a Latin word: a query in characters never matches a reading.
 */
static int
hit_details(sqlite3_stmt *q, struct tokenizer *tk, const struct ix_kind *k,
    const struct qctx *qc, const struct qhint *hint, const struct search_opts *o,
    struct search_hit *h)
{
	size_t best = 0;
	int latin = query_has_latin(qc);

	sqlite3_bind_int64(q, 1, h->id);
	if (sqlite3_step(q) != SQLITE_ROW) {
		sqlite3_reset(q);
		return -1;
	}
	h->code = col_dup(q, 0);
	h->name = col_dup(q, 1);
	h->owner = col_dup(q, 2);
	h->region = col_dup(q, 3);
	h->category = col_dup(q, 4);
	h->owner_id = sqlite3_column_int64(q, 5);
	if (o->highlight == HIGHLIGHT_NONE) {
		h->highlight = xstrdup(h->name);
		h->snippet = xstrdup("");
		sqlite3_reset(q);
		return 0;
	}
	if (may_match(tk, qc, hint, h->name, latin))
		mark_text(tk, qc, h->name, 0, latin ? TOK_DOCUMENT_PINYIN : TOK_DOCUMENT, o,
		    &h->highlight);
	else
		h->highlight = xstrdup(h->name);
	/* The snippet: the other column with the most matches. */
	for (int c = 6; c < sqlite3_column_count(q); c++) {
		const char *t = (const char *)sqlite3_column_text(q, c);
		size_t f = (size_t)c - 5, n;
		char *marked;

		int pinyin = latin && f < k->nfields && k->fields[f].pinyin;

		if (t == NULL || *t == '\0')
			continue;
		if (!may_match(tk, qc, hint, t, pinyin)) {
			/* Nothing to mark: only the first such column is wanted, as is. */
			if (h->snippet == NULL)
				h->snippet = unmarked(t, 1);
			continue;
		}
		n = mark_text(tk, qc, t, 1, pinyin ? TOK_DOCUMENT_PINYIN : TOK_DOCUMENT, o, &marked);
		if (n > best || h->snippet == NULL) {
			free(h->snippet);
			h->snippet = marked;
			if (n > best)
				best = n;
		} else
			free(marked);
	}
	if (h->snippet == NULL)
		h->snippet = xstrdup("");
	sqlite3_reset(q);
	return 0;
}

/*
 * The statement hit_details reads: code, name, owner, region, category,
 * the owner's id, the other fields.
 */
static int
details_prepare(sqlite3 *db, const struct ix_kind *k, sqlite3_stmt **q)
{
	struct buf sql = { 0 };
	int rc;

	buf_addf(&sql, "SELECT code, %s, %s, %s, %s, owner_id", k->fields[0].column,
	    strcmp(k->name, "supply") == 0 ? "company" : "buyer", k->region, k->category);
	for (size_t f = 1; f < k->nfields; f++)
		buf_addf(&sql, ", %s", k->fields[f].column);
	buf_addf(&sql, " FROM %s WHERE id = ?1", k->view);
	rc = sqlite3_prepare_v2(db, sql.data, -1, q, NULL);
	buf_free(&sql);
	return rc == SQLITE_OK ? 0 : -1;
}

int
search_run(sqlite3 *db, struct tokenizer *tk, const char *query, int last_is_prefix,
    const struct search_opts *o, struct search_result *res, char **cause)
{
	const struct ix_kind *k = ix_kind_get(o->kind);
	struct buf weights = { 0 }, sql = { 0 }, where = { 0 };
	size_t limit = o->limit > 0 && o->limit <= SEARCH_MAX_LIMIT ? o->limit : 20;
	size_t want = o->offset < SIZE_MAX - limit ? o->offset + limit : SIZE_MAX;
	size_t ncand = 0, capcand = 0;
	struct cand *cand = NULL;
	struct tally regions = { 0 }, cats = { 0 };
	struct qctx qc;
	struct qhint hint;
	sqlite3_stmt *q = NULL;
	char *whole = NULL;
	int rc = -1;

	memset(res, 0, sizeof *res);
	res->total = -1;
	if (k == NULL) {
		*cause = xasprintf("未知的类型 %s（应为 supply 或 demand） / unknown kind %s (supply"
		    " or demand)", o->kind, o->kind);
		return -1;
	}
	if (query_parse(tk, query, last_is_prefix, &qc, cause) != 0)
		return -1;
	qhint_make(&qc, &hint);
	res->expression = query_expression(&qc);
	whole = textnorm_string(tokenizer_textnorm(tk), query, strlen(query), cause);
	for (size_t f = 0; f < k->nfields; f++)
		buf_addf(&weights, "%s%g", f ? ", " : "", k->fields[f].weight);
	buf_addf(&where, "%s MATCH ?1 AND (?2 IS NULL OR region = ?2) AND (?3 IS NULL OR"
	    " category = ?3)", k->fts);

	/*
	 * One pass over the matches in the FTS5 table alone (no join for the
	 * thousands of rows a one-character query matches): the best `want`
	 * by bm25 kept in a heap, the total and both facets tallied on the way.
	 * Then a query that names a category ("茶叶") puts that category
	 * first: the tea canister 茶叶罐 is not tea, though 茶叶 is in its name.
	 */
	if (want < SEARCH_CANDIDATES)
		want = SEARCH_CANDIDATES;
	/* Without facets no column is read for the rows that do not make the heap. */
	buf_addf(&sql, "SELECT rowid, -bm25(%s, %s)%s FROM %s WHERE %s", k->fts, weights.data,
	    o->no_facets ? "" : ", category, region", k->fts, where.data);
	if (sqlite3_prepare_v2(db, sql.data, -1, &q, NULL) != SQLITE_OK)
		goto done;
	bind_where(q, res->expression, o);
	res->total = 0;
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		struct cand c = { sqlite3_column_int64(q, 0), sqlite3_column_double(q, 1), 0 };

		/* Grown as matches come: an offset far past them must not size it. */
		if (ncand == capcand && capcand < want) {
			capcand = capcand == 0 ? SEARCH_CANDIDATES : capcand * 2;
			capcand = capcand < want ? capcand : want;
			cand = xreallocarray(cand, capcand, sizeof *cand);
		}
		heap_offer(cand, &ncand, want, &c);
		res->total++;
		if (!o->no_facets) {
			tally(&cats, (const char *)sqlite3_column_text(q, 2));
			tally(&regions, (const char *)sqlite3_column_text(q, 3));
		}
	}
	sqlite3_finalize(q);
	q = NULL;
	if (rc != SQLITE_DONE)
		goto done;
	/* Whether each candidate's category is the whole query: a lookup by rowid each. */
	buf_reset(&sql);
	buf_addf(&sql, "SELECT category FROM %s WHERE rowid = ?", k->fts);
	rc = -1;
	if (sqlite3_prepare_v2(db, sql.data, -1, &q, NULL) != SQLITE_OK)
		goto done;
	for (size_t i = 0; i < ncand && whole != NULL; i++) {
		const char *cat;

		sqlite3_bind_int64(q, 1, cand[i].id);
		if (sqlite3_step(q) == SQLITE_ROW && (cat = (const char *)sqlite3_column_text(q,
		    0)) != NULL)
			cand[i].names_category = strcmp(cat, whole) == 0;
		sqlite3_reset(q);
	}
	sqlite3_finalize(q);
	q = NULL;
	if (ncand > 1)
		qsort(cand, ncand, sizeof *cand, cand_cmp);
	if (o->no_facets)
		res->total = -1;
	else {
		tally_take(&regions, &res->regions, &res->nregions);
		tally_take(&cats, &res->categories, &res->ncategories);
	}

	/* The page: details, highlight and snippet of each hit. */
	rc = -1;
	if (details_prepare(db, k, &q) != 0)
		goto done;
	for (size_t i = o->offset; i < ncand && res->nhits < limit; i++) {
		struct search_hit *h;

		res->hits = xreallocarray(res->hits, res->nhits + 1, sizeof *res->hits);
		h = &res->hits[res->nhits];
		memset(h, 0, sizeof *h);
		h->id = cand[i].id;
		h->score = cand[i].score;
		if (hit_details(q, tk, k, &qc, o->highlight == HIGHLIGHT_EVERY_COLUMN ? NULL :
		    &hint, o, h) == 0)
			res->nhits++;
	}
	sqlite3_finalize(q);
	q = NULL;
	rc = 0;

done:
	if (rc != 0)
		*cause = xasprintf("搜索出错：%s / search failed: %s", sqlite3_errmsg(db),
		    sqlite3_errmsg(db));
	sqlite3_finalize(q);
	free(cand);
	tally_free(&regions);
	tally_free(&cats);
	buf_free(&weights);
	buf_free(&sql);
	buf_free(&where);
	free(whole);
	query_free(&qc);
	return rc;
}

static void
facets_free(struct facet *f, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(f[i].value);
	free(f);
}

void
search_result_free(struct search_result *res)
{
	for (size_t i = 0; i < res->nhits; i++) {
		struct search_hit *h = &res->hits[i];

		free(h->code);
		free(h->name);
		free(h->highlight);
		free(h->snippet);
		free(h->owner);
		free(h->region);
		free(h->category);
	}
	free(res->hits);
	facets_free(res->regions, res->nregions);
	facets_free(res->categories, res->ncategories);
	free(res->expression);
	if (res->forgive != NULL) {
		free(res->forgive->query);
		free(res->forgive->suggestion);
		free(res->forgive->dropped);
		free(res->forgive->message_zh);
		free(res->forgive->message_en);
		free(res->forgive);
	}
	memset(res, 0, sizeof *res);
}

/* serve_count → facet, taking the strings. */
static void
facets_from(struct serve_count *c, size_t n, struct facet **out, size_t *nout)
{
	*out = xcalloc(n + 1, sizeof **out);
	for (size_t i = 0; i < n; i++) {
		(*out)[i].value = c[i].value;
		(*out)[i].count = c[i].count;
		c[i].value = NULL;
	}
	*nout = n;
}

int
search_serve_run(sqlite3 *db, struct tokenizer *tk, struct serve *sv, struct serve_scratch *s,
    const char *query, int last_is_prefix, const struct search_opts *o,
    struct search_result *res, char **cause)
{
	const struct ix_kind *k = ix_kind_get(o->kind);
	struct serve_term terms[SEARCH_MAX_TOKENS];
	uint32_t need[SEARCH_MAX_TOKENS];
	struct serve_query sq = { 0 };
	struct serve_result sr;
	sqlite3_stmt *q = NULL;
	struct qctx qc;
	struct qhint hint;
	char *whole;
	int browse, rc = -1;

	memset(res, 0, sizeof *res);
	res->total = -1;
	if (k == NULL) {
		*cause = xasprintf("未知的类型 %s（应为 supply 或 demand） / unknown kind %s (supply"
		    " or demand)", o->kind, o->kind);
		return -1;
	}
	/* An empty query browses: the filters' documents, in the layer's order. */
	browse = query[strspn(query, " \t\r\n")] == '\0';
	if (browse)
		memset(&qc, 0, sizeof qc);
	else if (query_parse(tk, query, last_is_prefix, &qc, cause) != 0)
		return -1;
	qhint_make(&qc, &hint);
	res->expression = query_expression(&qc);
	query_needs(&qc, need);
	for (size_t i = 0; i < qc.n; i++) {
		terms[i].text = qc.toks[i].text;
		terms[i].len = strlen(qc.toks[i].text);
		terms[i].word = (unsigned)(qc.toks[i].word % SERVE_MAX_TERMS);
		terms[i].need = need[i];
		terms[i].prefix = qc.prefix && i + 1 == qc.n;
	}
	whole = browse ? NULL : textnorm_string(tokenizer_textnorm(tk), query, strlen(query),
	    cause);
	sq.terms = terms;
	sq.nterms = qc.n;
	sq.category_first = whole;
	sq.city = o->region;
	sq.category = o->category;
	sq.fair_cities = o->fair_cities;
	sq.nfair_cities = o->nfair_cities;
	sq.offset = o->offset;
	sq.limit = o->limit > 0 && o->limit <= SEARCH_MAX_LIMIT ? o->limit : 20;
	sq.facets = !o->no_facets;
	sq.exhaustive = o->exhaustive;
	sq.exclude = o->exclude;
	sq.nexclude = o->nexclude;
	sq.exhibitor = o->exhibitor;
	if (browse)
		serve_browse(sv, s, &sq, &sr);
	else
		serve_query(sv, s, &sq, &sr);
	res->scored = sr.scored;
	if (!o->no_facets) {
		res->total = sr.total;
		facets_from(sr.cities, sr.ncities, &res->regions, &res->nregions);
		facets_from(sr.categories, sr.ncategories, &res->categories, &res->ncategories);
	}
	if (details_prepare(db, k, &q) != 0) {
		*cause = xasprintf("搜索出错：%s / search failed: %s", sqlite3_errmsg(db),
		    sqlite3_errmsg(db));
		goto done;
	}
	res->hits = xcalloc(sr.nhits + 1, sizeof *res->hits);
	for (size_t i = 0; i < sr.nhits; i++) {
		struct search_hit *h = &res->hits[res->nhits];

		h->id = sr.hits[i].id;
		h->score = sr.hits[i].score;
		if (hit_details(q, tk, k, &qc, o->highlight == HIGHLIGHT_EVERY_COLUMN ? NULL :
		    &hint, o, h) == 0)
			res->nhits++;
	}
	rc = 0;
done:
	sqlite3_finalize(q);
	serve_result_free(&sr);
	free(whole);
	query_free(&qc);
	return rc;
}
