/*
 * match.c — building the matcher's query tree, running it on Xapian,
 * re-ranking by category agreement, and saying why.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "indexer.h"
#include "match.h"
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
	struct match_side	 sides[2];	/* supply, demand */
};

/* A token of the item matched from: its weight and where it was first seen. */
struct qtoken {
	char	*text;
	double	 weight;	/* summed over the fields it appears in */
	size_t	 field;		/* first field it was seen in */
	size_t	 start, end;	/* byte offsets there */
	int	 unigram;	/* one Han character: weighs less, explains little */
};

struct qbuild {
	struct qtoken	*t;
	size_t		 n;
	double		 field_weight;	/* of the field being tokenized */
	size_t		 field;
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
	free(m);
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
			return 0;
		}
	b->t = xreallocarray(b->t, b->n + 1, sizeof *b->t);
	b->t[b->n] = (struct qtoken){ xstrndup(t->text, t->len), w, b->field, t->start,
	    t->end, is_unigram(t) };
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

/* The query tree: OR over tokens of (OR over the other side's fields of field-weighted terms). */
static struct xc_query *
build_query(const struct qbuild *b, const struct ix_kind *to, const struct match_opts *o)
{
	struct xc_query **tokq = xcalloc(b->n, sizeof *tokq), *q;
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

/*
 * The reasons of a hit: the source tokens its document matched, merged
 * where they overlap in the source (龙井 + 井茶 → 龙井茶), with the fields
 * of the other side they were found in.  Single shared characters are
 * reasons only when nothing longer matched.  Returns whether anything
 * longer than a character matched.
 */
static int
explain(struct match_hit *h, const struct qbuild *b, const char *const *src_text,
    const struct ix_kind *to, const struct xc_list *terms)
{
	unsigned *mask = xcalloc(b->n, sizeof *mask);
	size_t *order = xcalloc(b->n, sizeof *order), n = 0;
	int longer;

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
	/* Matched tokens in source order, then merge overlapping runs. */
	for (size_t k = 0; k < b->n; k++)
		if (mask[k] != 0 && !b->t[k].unigram)
			order[n++] = k;
	longer = n > 0;
	for (size_t k = 0; k < b->n && !longer; k++)
		if (mask[k] != 0)
			order[n++] = k;
	for (size_t i = 0; i < n; i++)
		for (size_t j = i + 1; j < n; j++) {
			const struct qtoken *x = &b->t[order[i]], *y = &b->t[order[j]];

			if (y->field < x->field || (y->field == x->field && y->start < x->start)) {
				size_t tmp = order[i];

				order[i] = order[j];
				order[j] = tmp;
			}
		}
	for (size_t i = 0; i < n; ) {
		const struct qtoken *first = &b->t[order[i]];
		size_t end = first->end, j = i + 1;
		unsigned fields = mask[order[i]];
		struct buf names = { 0 };

		/* Overlapping tokens found in the same fields read as one word. */
		while (j < n && b->t[order[j]].field == first->field &&
		    b->t[order[j]].start < end && mask[order[j]] == fields) {
			if (b->t[order[j]].end > end)
				end = b->t[order[j]].end;
			j++;
		}
		for (size_t f = 0; f < to->nfields; f++)
			if (fields & (1u << f))
				buf_addf(&names, "%s%s", names.len ? "," : "", to->fields[f].column);
		h->why = xreallocarray(h->why, h->nwhy + 1, sizeof *h->why);
		h->why[h->nwhy].word = xstrndup(src_text[first->field] + first->start,
		    end - first->start);
		h->why[h->nwhy].fields = buf_take(&names);
		h->nwhy++;
		i = j;
	}
	free(order);
	free(mask);
	return longer;
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

int
match_code(struct matcher *m, const char *from_kind, const char *code,
    const struct match_opts *o, struct match_result *res, char **cause)
{
	int fi = strcmp(from_kind, "supply") == 0 ? 0 : 1;
	struct match_side *from = &m->sides[fi], *to = &m->sides[1 - fi];
	const struct ix_kind *fk = from->kind;
	size_t limit = o->limit > 0 && o->limit <= MATCH_MAX_LIMIT ? o->limit : 20;
	const char **src = xcalloc(fk->nfields, sizeof *src);
	char *src_category = NULL, *err = NULL;
	struct qbuild b = { 0 };
	struct xc_enquire *e = NULL;
	struct xc_query *q = NULL;
	struct xc_mset *ms = NULL;
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
	/* What the item wants, field by field, as query tokens. */
	for (size_t f = 0; f < fk->nfields; f++) {
		const char *v = column(from->by_code, fk->fields[f].column);

		src[f] = xstrdup(v != NULL ? v : "");
		if (fk->fields[f].qweight <= 0 || *src[f] == '\0')
			continue;
		b.field = f;
		b.field_weight = fk->fields[f].qweight;
		tokenize(m->tk, src[f], strlen(src[f]), TOK_DOCUMENT, collect_token, &b);
	}
	src_category = column(from->by_code, fk->category) ?
	    xstrdup(column(from->by_code, fk->category)) : NULL;
	res->from_name = xstrdup(src[0]);
	if (b.n == 0) {
		*cause = xasprintf("%s %s 没有可以匹配的字词（内容为空或只有标点） / %s %s has no words"
		    " to match on (empty, or only punctuation)", fi == 0 ? "产品" : "需求", code,
		    fi == 0 ? "product" : "demand", code);
		goto done;
	}
	/* The heaviest tokens, where they were first seen breaking ties. */
	qsort(b.t, b.n, sizeof *b.t, qtoken_heavier);
	while (b.n > MATCH_MAX_TOKENS)
		free(b.t[--b.n].text);

	q = build_query(&b, to->kind, o);
	if ((e = xc_enquire_new(to->x, &err)) == NULL || xc_enquire_set_query(e, q, &err) != 0 ||
	    (ms = xc_enquire_mset(e, 0, (uint32_t)(limit * 3 > MATCH_FETCH_MIN ? limit * 3 :
	    MATCH_FETCH_MIN), 0, &err)) == NULL) {
		*cause = xasprintf("匹配出错 / matching failed: %s", err ? err : "?");
		free(err);
		goto done;
	}
	for (uint32_t i = 0; i < xc_mset_size(ms); i++) {
		struct xc_hit xh;
		struct match_hit h = { 0 };
		struct xc_list *terms = NULL;
		char *data = NULL;
		size_t len;

		if (xc_mset_hit(ms, i, &xh, &err) != 0 || xc_mset_data(ms, i, &data, &len,
		    &err) != 0 || xc_mset_matching_terms(ms, i, &terms, &err) != 0) {
			*cause = xasprintf("匹配出错 / matching failed: %s", err ? err : "?");
			free(err);
			free(data);
			goto done;
		}
		h.id = strtoll(data, NULL, 10);
		free(data);
		h.score = xh.weight;
		if (hit_details(to, &h) != 0) {	/* indexed, but gone from the store */
			xc_list_free(terms);
			continue;
		}
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
		/* A shared character alone is no reason to meet across categories. */
		if (!explain(&h, &b, src, to->kind, terms) && h.tier == 0) {
			xc_list_free(terms);
			hit_free(&h);
			continue;
		}
		xc_list_free(terms);
		res->hits = xreallocarray(res->hits, res->nhits + 1, sizeof *res->hits);
		res->hits[res->nhits++] = h;
	}
	if (res->nhits > 1)
		qsort(res->hits, res->nhits, sizeof *res->hits, hit_better);
	while (res->nhits > limit)
		hit_free(&res->hits[--res->nhits]);
	rc = 0;
done:
	sqlite3_reset(from->by_code);
	xc_mset_free(ms);
	xc_enquire_free(e);
	xc_query_free(q);
	for (size_t i = 0; i < b.n; i++)
		free(b.t[i].text);
	free(b.t);
	for (size_t f = 0; f < fk->nfields; f++)
		free((char *)src[f]);
	free(src);
	free(src_category);
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
