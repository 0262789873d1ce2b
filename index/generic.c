/*
 * generic.c — deriving the generic words from the catalogues, storing
 * them, and telling content words from numbers, units and generic words.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "generic.h"
#include "indexer.h"
#include "schema.h"
#include "util.h"

/*
 * The hand-written supplement: words and units a small catalogue may not
 * use often enough to be found generic, though they are.
 */
static const char *const seed_words[] = {
	"a", "cm", "db", "g", "hz", "kg", "km", "kv", "kw", "l", "m", "ma", "mah", "mg", "ml",
	"mm", "pcs", "t", "v", "w",
	"价格",		/* price */
	"供应",		/* supply */
	"优质",		/* fine quality */
	"单位",		/* unit; buyer */
	"厂家",		/* manufacturer */
	"批发",		/* wholesale */
	"数量",		/* quantity */
	"款式",		/* style, design */
	"规格",		/* specification */
	"要求",		/* requirement */
	"质量",		/* quality */
	"产品",		/* product */
};

/* --- counting ---------------------------------------------------------- */

/* Strings numbered in the order first seen: 0, 1, … */
struct gs_dict {
	char	**s;
	size_t	  n, cap;
	size_t	 *slots;	/* open addressing: number + 1, 0 = empty */
	size_t	  nslots;	/* a power of two */
};

/* One token's counts. */
struct gs_entry {
	size_t	 items;		/* items using it */
	size_t	 last_item;	/* the last item counted, to count each item once */
};

/* How many items of one category use one token. */
struct gs_pair {
	uint64_t key;		/* (token number + 1) << 32 | category number; 0 = empty */
	size_t	 items;
};

struct generic_stats {
	struct gs_dict	 words, cats;
	struct gs_entry	*e;		/* per word */
	struct gs_pair	*pairs;		/* open addressing */
	size_t		 npairs, nslots;	/* used, a power of two */
	size_t		 cat;		/* the current item's category, or SIZE_MAX: none */
	size_t		 item;		/* the item being added, 1.. */
};

static uint64_t
hash_bytes(const char *s, size_t len)
{
	uint64_t h = 1469598103934665603ULL;	/* FNV-1a */

	for (size_t i = 0; i < len; i++) {
		h ^= (unsigned char)s[i];
		h *= 1099511628211ULL;
	}
	return h;
}

static void
dict_free(struct gs_dict *d)
{
	for (size_t i = 0; i < d->n; i++)
		free(d->s[i]);
	free(d->s);
	free(d->slots);
}

/* Doubles the slot table. */
static void
dict_grow(struct gs_dict *d)
{
	size_t nslots = d->nslots ? d->nslots * 2 : 4096, *slots = xcalloc(nslots, sizeof *slots);

	for (size_t i = 0; i < d->n; i++) {
		size_t at = hash_bytes(d->s[i], strlen(d->s[i])) & (nslots - 1);

		while (slots[at] != 0)
			at = (at + 1) & (nslots - 1);
		slots[at] = i + 1;
	}
	free(d->slots);
	d->slots = slots;
	d->nslots = nslots;
}

/* The number of s[0..len), given the next one if new (*added set). */
static size_t
dict_number(struct gs_dict *d, const char *s, size_t len, int *added)
{
	size_t at;

	*added = 0;
	if ((d->n + 1) * 2 > d->nslots)
		dict_grow(d);
	at = hash_bytes(s, len) & (d->nslots - 1);
	for (; d->slots[at] != 0; at = (at + 1) & (d->nslots - 1)) {
		const char *w = d->s[d->slots[at] - 1];

		if (strncmp(w, s, len) == 0 && w[len] == '\0')
			return d->slots[at] - 1;
	}
	if (d->n == d->cap) {
		d->cap = d->cap ? d->cap * 2 : 1024;
		d->s = xreallocarray(d->s, d->cap, sizeof *d->s);
	}
	d->s[d->n] = xstrndup(s, len);
	d->slots[at] = ++d->n;
	*added = 1;
	return d->n - 1;
}

struct generic_stats *
generic_stats_new(void)
{
	struct generic_stats *s = xcalloc(1, sizeof *s);

	s->nslots = 4096;
	s->pairs = xcalloc(s->nslots, sizeof *s->pairs);
	s->cat = SIZE_MAX;
	return s;
}

void
generic_stats_free(struct generic_stats *s)
{
	if (s == NULL)
		return;
	dict_free(&s->words);
	dict_free(&s->cats);
	free(s->e);
	free(s->pairs);
	free(s);
}

static uint64_t
hash_u64(uint64_t k)
{
	k ^= k >> 33;	/* MurmurHash3's finaliser */
	k *= 0xff51afd7ed558ccdULL;
	k ^= k >> 33;
	k *= 0xc4ceb9fe1a85ec53ULL;
	return k ^ (k >> 33);
}

/* The pair of key, made if new. */
static struct gs_pair *
pair_of(struct generic_stats *s, uint64_t key)
{
	size_t at;

	if ((s->npairs + 1) * 2 > s->nslots) {
		size_t nslots = s->nslots * 2;
		struct gs_pair *p = xcalloc(nslots, sizeof *p);

		for (size_t i = 0; i < s->nslots; i++) {
			if (s->pairs[i].key == 0)
				continue;
			at = hash_u64(s->pairs[i].key) & (nslots - 1);
			while (p[at].key != 0)
				at = (at + 1) & (nslots - 1);
			p[at] = s->pairs[i];
		}
		free(s->pairs);
		s->pairs = p;
		s->nslots = nslots;
	}
	at = hash_u64(key) & (s->nslots - 1);
	while (s->pairs[at].key != 0 && s->pairs[at].key != key)
		at = (at + 1) & (s->nslots - 1);
	if (s->pairs[at].key == 0) {
		s->pairs[at].key = key;
		s->npairs++;
	}
	return &s->pairs[at];
}

static int
has_digit(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (s[i] >= '0' && s[i] <= '9')
			return 1;
	return 0;
}

void
generic_stats_item(struct generic_stats *s, const char *category)
{
	int added;

	s->item++;
	s->cat = category == NULL || *category == '\0' ? SIZE_MAX :
	    dict_number(&s->cats, category, strlen(category), &added);
}

int
generic_stats_token(void *arg, const struct token *t)
{
	struct generic_stats *s = arg;
	size_t w;
	int added;

	/* Numbers are told by their digits, not by statistics. */
	if (s->cat == SIZE_MAX || t->pinyin || has_digit(t->text, t->len))
		return 0;
	w = dict_number(&s->words, t->text, t->len, &added);
	if (added) {
		s->e = xreallocarray(s->e, s->words.cap, sizeof *s->e);
		s->e[w] = (struct gs_entry){ 0 };
	}
	if (s->e[w].last_item == s->item)
		return 0;
	s->e[w].last_item = s->item;
	s->e[w].items++;
	pair_of(s, ((uint64_t)w + 1) << 32 | s->cat)->items++;
	return 0;
}

void
generic_stats_add(struct generic_stats *s, struct tokenizer *tk, const char *category,
    const char *text)
{
	if (text == NULL)
		return;
	generic_stats_item(s, category);
	if (s->cat != SIZE_MAX)
		tokenize(tk, text, strlen(text), TOK_DOCUMENT, generic_stats_token, s);
}

static int
word_more_used(const void *a, const void *b)
{
	const struct generic_word *x = a, *y = b;

	if (x->items != y->items)
		return x->items < y->items ? 1 : -1;
	return strcmp(x->word, y->word);
}

size_t
generic_stats_derive(const struct generic_stats *s, struct generic_word **out)
{
	size_t need = (s->cats.n + GENERIC_MIN_SHARE - 1) / GENERIC_MIN_SHARE, n = 0;
	size_t *categories = xcalloc(s->words.n + 1, sizeof *categories);
	size_t *top = xcalloc(s->words.n + 1, sizeof *top);

	if (need < GENERIC_MIN_CATEGORIES)
		need = GENERIC_MIN_CATEGORIES;
	for (size_t i = 0; i < s->nslots; i++) {
		const struct gs_pair *p = &s->pairs[i];
		size_t w = (size_t)(p->key >> 32);	/* token number + 1 */

		if (p->key == 0)
			continue;
		categories[w]++;
		if (p->items > top[w])
			top[w] = p->items;
	}
	*out = NULL;
	for (size_t i = 0; i < s->words.n; i++) {
		const struct gs_entry *e = &s->e[i];

		if (categories[i + 1] < need ||
		    (double)top[i + 1] > GENERIC_MAX_TOP_SHARE * (double)e->items)
			continue;
		*out = xreallocarray(*out, n + 1, sizeof **out);
		(*out)[n++] = (struct generic_word){ xstrdup(s->words.s[i]), e->items,
		    categories[i + 1], (double)top[i + 1] / (double)e->items };
	}
	free(categories);
	free(top);
	if (n > 1)
		qsort(*out, n, sizeof **out, word_more_used);
	return n;
}

void
generic_words_free(struct generic_word *w, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(w[i].word);
	free(w);
}

/* --- storing ----------------------------------------------------------- */

static char *
sql_error(sqlite3 *db, const char *what)
{
	return xasprintf("推导通用词时数据库出错（%s）：%s / database error while deriving the"
	    " generic words (%s): %s", what, sqlite3_errmsg(db), what, sqlite3_errmsg(db));
}

/*
 * Every item's category and the text of the fields the matcher reads from
 * (what it is or wants), fields one per line.
 */
static char *
items_sql(void)
{
	struct buf sql = { 0 };
	size_t nk;
	const struct ix_kind *k = ix_kinds(&nk);

	for (size_t i = 0; i < nk; i++) {
		buf_addf(&sql, "%sSELECT %s AS category, ''", i ? " UNION ALL " : "", k[i].category);
		for (size_t f = 0; f < k[i].nfields; f++)
			if (k[i].fields[f].qweight > 0)
				buf_addf(&sql, " || char(10) || coalesce(%s, '')", k[i].fields[f].column);
		buf_addf(&sql, " FROM %s", k[i].view);
	}
	return buf_take(&sql);
}

int
generic_store(sqlite3 *db, const struct generic_stats *s, char **cause)
{
	struct generic_word *w = NULL;
	sqlite3_stmt *ins = NULL;
	size_t n = generic_stats_derive(s, &w);
	int rc = -1;

	if (sqlite3_exec(db, "DELETE FROM " IX_GENERIC, NULL, NULL, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(db, "INSERT INTO " IX_GENERIC " (word, items, categories,"
	    " top_share) VALUES (?, ?, ?, ?)", -1, &ins, NULL) != SQLITE_OK) {
		*cause = sql_error(db, IX_GENERIC);
		goto done;
	}
	for (size_t i = 0; i < n; i++) {
		sqlite3_bind_text(ins, 1, w[i].word, -1, SQLITE_STATIC);
		sqlite3_bind_int64(ins, 2, (sqlite3_int64)w[i].items);
		sqlite3_bind_int64(ins, 3, (sqlite3_int64)w[i].categories);
		sqlite3_bind_double(ins, 4, w[i].top_share);
		if (sqlite3_step(ins) != SQLITE_DONE) {
			*cause = sql_error(db, IX_GENERIC);
			goto done;
		}
		sqlite3_reset(ins);
	}
	if (sqlite3_exec(db, "INSERT OR REPLACE INTO " IX_STATE " VALUES ('generic', 0)", NULL,
	    NULL, NULL) != SQLITE_OK) {
		*cause = sql_error(db, IX_STATE);
		goto done;
	}
	rc = 0;
done:
	sqlite3_finalize(ins);
	generic_words_free(w, n);
	return rc;
}

/* Derives the list from the store's items and replaces the stored one. */
static int
derive_and_store(sqlite3 *db, struct tokenizer *tk, char **cause)
{
	struct generic_stats *s = generic_stats_new();
	sqlite3_stmt *q = NULL;
	char *sql = items_sql();
	int rc = -1, step;

	if (sqlite3_prepare_v2(db, sql, -1, &q, NULL) != SQLITE_OK) {
		*cause = sql_error(db, "items");
		goto done;
	}
	while ((step = sqlite3_step(q)) == SQLITE_ROW)
		generic_stats_add(s, tk, (const char *)sqlite3_column_text(q, 0),
		    (const char *)sqlite3_column_text(q, 1));
	if (step != SQLITE_DONE) {
		/* A lock or the disk mid-read is not the end of the items. */
		*cause = sql_error(db, "items");
		goto done;
	}
	if (sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK) {
		*cause = sql_error(db, "BEGIN");
		goto done;
	}
	if (generic_store(db, s, cause) != 0)
		goto done;
	if (sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
		*cause = sql_error(db, "COMMIT");
		goto done;
	}
	rc = 0;
done:
	if (rc != 0 && !sqlite3_get_autocommit(db))
		sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
	sqlite3_finalize(q);
	generic_stats_free(s);
	free(sql);
	return rc;
}

int
generic_refresh(sqlite3 *db, struct tokenizer *tk, size_t applied, char **cause)
{
	sqlite3_stmt *q;
	long long changed = -2, items = -1;
	char *sql;
	int rc = 0;

	/* IX_STATE 'generic': items changed since the list was derived; no row = never derived. */
	if (sqlite3_prepare_v2(db, "SELECT coalesce((SELECT seq FROM " IX_STATE " WHERE name ="
	    " 'generic'), -1), (SELECT count(*) FROM " IX_PRODUCTS ") + (SELECT count(*) FROM "
	    IX_DEMANDS ")", -1, &q, NULL) == SQLITE_OK) {
		if (sqlite3_step(q) == SQLITE_ROW) {
			changed = sqlite3_column_int64(q, 0);
			items = sqlite3_column_int64(q, 1);
		}
		sqlite3_finalize(q);
	}
	if (changed < -1 || items < 0) {
		*cause = sql_error(db, IX_STATE);
		return -1;
	}
	if (changed < 0 || (changed + (long long)applied) * GENERIC_REFRESH_SHARE >= items)
		return derive_and_store(db, tk, cause);
	if (applied == 0)
		return 0;
	sql = xasprintf("UPDATE " IX_STATE " SET seq = %lld WHERE name = 'generic'",
	    changed + (long long)applied);
	if (sqlite3_exec(db, sql, NULL, NULL, NULL) != SQLITE_OK) {
		*cause = sql_error(db, IX_STATE);
		rc = -1;
	}
	free(sql);
	return rc;
}

/* --- using ------------------------------------------------------------- */

struct generic {
	char	**words;	/* sorted bytewise, derived and hand-written */
	size_t	  n;
};

static int
str_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

struct generic *
generic_load(sqlite3 *db, char **cause)
{
	struct generic *g = xcalloc(1, sizeof *g);
	sqlite3_stmt *q;
	int rc, step = SQLITE_DONE;

	g->words = xreallocarray(NULL, nitems(seed_words), sizeof *g->words);
	for (size_t i = 0; i < nitems(seed_words); i++)
		g->words[g->n++] = xstrdup(seed_words[i]);
	rc = sqlite3_prepare_v2(db, "SELECT word FROM " IX_GENERIC, -1, &q, NULL);
	if (rc == SQLITE_OK) {
		while ((step = sqlite3_step(q)) == SQLITE_ROW) {
			g->words = xreallocarray(g->words, g->n + 1, sizeof *g->words);
			g->words[g->n++] = xstrdup((const char *)sqlite3_column_text(q, 0));
		}
		sqlite3_finalize(q);
	}
	/* No table (SQLITE_ERROR: a database before it): the hand-written list alone. */
	if ((rc != SQLITE_OK && rc != SQLITE_ERROR) || step != SQLITE_DONE) {
		*cause = xasprintf("读取通用词时数据库出错：%s / database error while reading the"
		    " generic words: %s", sqlite3_errmsg(db), sqlite3_errmsg(db));
		generic_free(g);
		return NULL;
	}
	qsort(g->words, g->n, sizeof *g->words, str_cmp);
	return g;
}

void
generic_free(struct generic *g)
{
	if (g == NULL)
		return;
	for (size_t i = 0; i < g->n; i++)
		free(g->words[i]);
	free(g->words);
	free(g);
}

int
generic_has(const struct generic *g, const char *word, size_t len)
{
	size_t lo = 0, hi = g->n;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		int c = strncmp(g->words[mid], word, len);

		if (c == 0 && g->words[mid][len] != '\0')
			c = 1;
		if (c == 0)
			return 1;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return 0;
}

enum word_class
generic_classify(const struct generic *g, const char *tok, size_t len, int after_digit)
{
	uint32_t cp;
	int latin = 1;

	if (has_digit(tok, len))
		return WORD_NUMBER;
	for (size_t i = 0; i < len; i++)
		if ((unsigned char)tok[i] >= 0x80)
			latin = 0;
	/* Letters or one character right after a number measure it: 500ml, 50款. */
	if (after_digit && (latin || utf8_decode(tok, len, &cp) == len))
		return WORD_UNIT;
	return generic_has(g, tok, len) ? WORD_GENERIC : WORD_CONTENT;
}
