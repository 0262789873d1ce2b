/*
 * serve_match.c — the products' matching layer: per (field, token) BM25
 * postings, a forward index, two-stage matching.
 *
 * Layout.  Terms are a field's letter and a token ("A茶叶" for the name),
 * interned in one hash table over one arena.  The bulk build lays each
 * list out once, its head (postings within ML_HEAD_SHARE of the list's
 * heaviest) first, in two parallel arrays (docid, weight); documents put
 * afterwards get new docids and their postings go to a per-term tail,
 * read whole.  The forward index keeps each document's (term, wdf).
 */
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "indexer.h"
#include "schema.h"
#include "serve_load.h"
#include "serve_match.h"
#include "util.h"

#define BM25_K1		1.0	/* Xapian's BM25Weight defaults, as the matcher uses them */
#define BM25_B		0.5
#define BM25_MIN_NORMLEN 0.5
#define TERM_MAX	240	/* the indexer's longest Xapian term */
#define CHUNK		4096	/* rows read, then tokenized on the threads */
#define QHASH		2048	/* query terms' table; 64 tokens × 7 fields fit */
#define MAX_FIELDS	16

/* Postings a term gained after the bulk build. */
struct tail {
	uint32_t	 n, cap;
	uint32_t	*doc;
	float		*w;
};

struct mterm {
	uint64_t	 str;		/* its bytes in ml->strs */
	uint32_t	 len, hash;
	uint32_t	 df;		/* documents that have it, at the build (then grows) */
	float		 tw;		/* Xapian's termweight without the query's factor */
	uint64_t	 base;		/* first posting */
	uint32_t	 nbase, nhead;	/* postings, and those of the head (first) */
	struct tail	*tail;
};

struct mlayer {
	pthread_rwlock_t	 lock;
	const struct ix_kind	*kind;
	double			 fweight[MAX_FIELDS];	/* the product fields' weights */
	size_t			 nfields;
	long long		 seq;
	int			 built;

	struct mterm		*terms;
	size_t			 nterms, capterms;
	uint32_t		*tht;		/* term ids + 1; 0 = empty */
	size_t			 thtcap;
	char			*strs;
	size_t			 nstrs, capstrs;

	uint32_t		*pdoc;		/* base postings */
	float			*pw;
	size_t			 npost, ntail;

	int64_t			*pid;		/* per slot: product id */
	uint32_t		*dlen;		/* length as Xapian counts it (Σ wdf) */
	uint16_t		*city;		/* city id, 0 = none */
	uint64_t		*fwd_off;	/* forward [fwd_off[d], fwd_off[d + 1]) */
	uint8_t			*live;
	size_t			 nslots, capslots, ndocs;
	uint64_t		 sumlen;
	double			 len_factor;	/* 1 / average length, fixed at the build */
	double			 ndocs_build;

	uint32_t		*fwd_term;
	uint16_t		*fwd_wdf;
	size_t			 nfwd, capfwd;

	int64_t			*idk;		/* product id → slot */
	uint32_t		*idv;
	size_t			 idcap, nid;

	char			**cities;	/* city names by id; [0] unused */
	size_t			 ncities;
};

/* One token of a document being collected: its key bytes and wdf. */
struct centry {
	uint32_t	off, len, hash, wdf;
};

/* A document's collected tokens: entries [e0, e1) of its collector. */
struct cdoc {
	int64_t		 id;
	const char	*city;
	size_t		 e0, e1;
	uint32_t	 len;
};

/* Tokens of many documents, as one thread collects them. */
struct collector {
	struct tokenizer	*tk;
	struct buf		 keys;
	struct centry		*e;
	size_t			 n, cap;
	uint32_t		*ht;	/* entry index + 1 of the current document; 0 = empty */
	size_t			 htcap;
	size_t			 doc0;	/* the current document's first entry */
	uint32_t		 len;
	char			 letter;
};

struct qterm {
	uint32_t	term;		/* +1; 0 = empty slot */
	uint16_t	token, field;
	double		factor;		/* token weight × field weight */
};

struct mlayer_scratch {
	float		*acc;
	uint32_t	*stamp;
	uint32_t	 now;
	uint32_t	*touched;
	size_t		 ntouched, cap;
	uint8_t		*allowed;	/* by city id */
	size_t		 nallowed;
	struct qterm	 q[QHASH];
};

static uint32_t
hash_bytes(const char *s, size_t n)
{
	uint32_t h = 2166136261u;

	for (size_t i = 0; i < n; i++)
		h = (h ^ (unsigned char)s[i]) * 16777619u;
	return h;
}

static uint32_t
hash_id(int64_t id)
{
	uint64_t x = (uint64_t)id * 0x9E3779B97F4A7C15ull;

	return (uint32_t)(x >> 32);
}

/* Xapian's BM25 termweight for a term in df of n documents (wqf 1, factor 1). */
static float
termweight(double n, double df)
{
	double tw = (n - df + 0.5) / (df + 0.5);

	if (tw < 2)
		tw = tw * 0.5 + 1;
	return (float)(log(tw) * (BM25_K1 + 1));
}

/* The part of BM25 that depends on the document: wdf and length. */
static double
doc_part(const struct mlayer *ml, uint32_t wdf, uint32_t len)
{
	double normlen = (double)len * ml->len_factor;

	if (normlen < BM25_MIN_NORMLEN)
		normlen = BM25_MIN_NORMLEN;
	return (double)wdf / (BM25_K1 * (normlen * BM25_B + (1 - BM25_B)) + (double)wdf);
}

/* --- collecting a document's tokens ------------------------------------ */

static void
coll_doc_start(struct collector *c)
{
	c->doc0 = c->n;
	c->len = 0;
}

/* Clears the current document's hash entries. */
static void
coll_doc_end(struct collector *c)
{
	if (c->ht != NULL)
		memset(c->ht, 0, c->htcap * sizeof *c->ht);
}

/* tokenize.c callback: one token of field c->letter. */
static int
coll_token(void *arg, const struct token *t)
{
	struct collector *c = arg;
	size_t klen = t->len + 1, mask, h;
	uint32_t hash;
	char key[TERM_MAX + 1];

	if (klen > TERM_MAX)
		return 0;
	key[0] = c->letter;
	memcpy(key + 1, t->text, t->len);
	hash = hash_bytes(key, klen);
	c->len++;
	if ((c->n - c->doc0 + 1) * 2 > c->htcap) {
		size_t cap = c->htcap ? c->htcap * 2 : 1024;

		free(c->ht);
		c->ht = xcalloc(cap, sizeof *c->ht);
		c->htcap = cap;
		for (size_t i = c->doc0; i < c->n; i++) {
			h = c->e[i].hash & (cap - 1);
			while (c->ht[h] != 0)
				h = (h + 1) & (cap - 1);
			c->ht[h] = (uint32_t)(i - c->doc0 + 1);
		}
	}
	mask = c->htcap - 1;
	for (h = hash & mask; c->ht[h] != 0; h = (h + 1) & mask) {
		struct centry *e = &c->e[c->doc0 + c->ht[h] - 1];

		if (e->hash == hash && e->len == klen && memcmp(c->keys.data + e->off, key,
		    klen) == 0) {
			e->wdf++;
			return 0;
		}
	}
	if (c->n == c->cap) {
		c->cap = c->cap ? c->cap * 2 : 4096;
		c->e = xreallocarray(c->e, c->cap, sizeof *c->e);
	}
	c->e[c->n] = (struct centry){ (uint32_t)c->keys.len, (uint32_t)klen, hash, 1 };
	buf_add(&c->keys, key, klen);
	c->ht[h] = (uint32_t)(c->n - c->doc0 + 1);
	c->n++;
	return 0;
}

/* A row's fields (columns 3…) into c as one document. */
static void
coll_row(struct collector *c, const struct ix_kind *k, sqlite3_stmt *q, struct cdoc *d)
{
	coll_doc_start(c);
	for (size_t f = 0; f < k->nfields; f++) {
		const char *text = (const char *)sqlite3_column_text(q, 3 + (int)f);

		if (text == NULL)
			continue;
		c->letter = (char)('A' + f);
		tokenize(c->tk, text, (size_t)sqlite3_column_bytes(q, 3 + (int)f), TOK_DOCUMENT,
		    coll_token, c);
	}
	d->e0 = c->doc0;
	d->e1 = c->n;
	d->len = c->len;
	coll_doc_end(c);
}

static void
coll_reset(struct collector *c)
{
	buf_reset(&c->keys);
	c->n = 0;
}

static void
coll_free(struct collector *c)
{
	buf_free(&c->keys);
	free(c->e);
	free(c->ht);
}

/* --- the layer's tables ------------------------------------------------ */

static void
term_rehash(struct mlayer *ml)
{
	size_t cap = ml->thtcap ? ml->thtcap * 2 : 1 << 16;

	free(ml->tht);
	ml->tht = xcalloc(cap, sizeof *ml->tht);
	ml->thtcap = cap;
	for (size_t t = 0; t < ml->nterms; t++) {
		size_t h = ml->terms[t].hash & (cap - 1);

		while (ml->tht[h] != 0)
			h = (h + 1) & (cap - 1);
		ml->tht[h] = (uint32_t)t + 1;
	}
}

/* The term id of key, or UINT32_MAX; with add, interned if new. */
static uint32_t
term_id(struct mlayer *ml, const char *key, size_t len, uint32_t hash, int add)
{
	size_t mask, h;
	struct mterm *t;

	if (!add && ml->thtcap == 0)
		return UINT32_MAX;
	if (add && (ml->nterms + 1) * 2 > ml->thtcap)
		term_rehash(ml);
	mask = ml->thtcap - 1;
	for (h = hash & mask; ml->tht[h] != 0; h = (h + 1) & mask) {
		t = &ml->terms[ml->tht[h] - 1];
		if (t->hash == hash && t->len == len && memcmp(ml->strs + t->str, key, len) == 0)
			return ml->tht[h] - 1;
	}
	if (!add)
		return UINT32_MAX;
	if (ml->nterms == ml->capterms) {
		ml->capterms = ml->capterms ? ml->capterms * 2 : 1 << 16;
		ml->terms = xreallocarray(ml->terms, ml->capterms, sizeof *ml->terms);
	}
	while (ml->nstrs + len > ml->capstrs) {
		ml->capstrs = ml->capstrs ? ml->capstrs * 2 : 1 << 20;
		ml->strs = xreallocarray(ml->strs, ml->capstrs, 1);
	}
	memcpy(ml->strs + ml->nstrs, key, len);
	t = &ml->terms[ml->nterms];
	memset(t, 0, sizeof *t);
	t->str = ml->nstrs;
	t->len = (uint32_t)len;
	t->hash = hash;
	ml->nstrs += len;
	ml->tht[h] = (uint32_t)ml->nterms + 1;
	return (uint32_t)ml->nterms++;
}

static size_t
slot_find(const struct mlayer *ml, int64_t id)
{
	if (ml->idcap == 0)
		return SIZE_MAX;
	for (size_t h = hash_id(id) & (ml->idcap - 1); ml->idv[h] != 0;
	    h = (h + 1) & (ml->idcap - 1))
		if (ml->idk[h] == id)
			return ml->idv[h] - 1;
	return SIZE_MAX;
}

static void
slot_set(struct mlayer *ml, int64_t id, size_t slot)
{
	size_t h;

	if ((ml->nid + 1) * 2 > ml->idcap) {
		size_t cap = ml->idcap ? ml->idcap * 2 : 1 << 16;
		int64_t *k = xcalloc(cap, sizeof *k);
		uint32_t *v = xcalloc(cap, sizeof *v);

		for (size_t i = 0; i < ml->idcap; i++) {
			if (ml->idv[i] == 0)
				continue;
			for (h = hash_id(ml->idk[i]) & (cap - 1); v[h] != 0; h = (h + 1) & (cap - 1))
				;
			k[h] = ml->idk[i];
			v[h] = ml->idv[i];
		}
		free(ml->idk);
		free(ml->idv);
		ml->idk = k;
		ml->idv = v;
		ml->idcap = cap;
	}
	for (h = hash_id(id) & (ml->idcap - 1); ml->idv[h] != 0; h = (h + 1) & (ml->idcap - 1))
		if (ml->idk[h] == id) {
			ml->idv[h] = (uint32_t)slot + 1;
			return;
		}
	ml->idk[h] = id;
	ml->idv[h] = (uint32_t)slot + 1;
	ml->nid++;
}

static uint16_t
city_id(struct mlayer *ml, const char *city)
{
	if (city == NULL || *city == '\0')
		return 0;
	for (size_t i = 1; i < ml->ncities; i++)
		if (strcmp(ml->cities[i], city) == 0)
			return (uint16_t)i;
	if (ml->ncities == 0)
		ml->ncities = 1;
	if (ml->ncities >= UINT16_MAX)
		return 0;
	ml->cities = xreallocarray(ml->cities, ml->ncities + 1, sizeof *ml->cities);
	ml->cities[ml->ncities] = xstrdup(city);
	return (uint16_t)ml->ncities++;
}

/* Forgets slot d: its postings are skipped from now on. */
static void
slot_kill(struct mlayer *ml, size_t d)
{
	if (!ml->live[d])
		return;
	ml->live[d] = 0;
	ml->ndocs--;
}

/* Adds the collected document d as a new slot; after the build, its postings too. */
static void
slot_add(struct mlayer *ml, const struct collector *c, const struct cdoc *d)
{
	size_t slot = ml->nslots, old = slot_find(ml, d->id);

	if (old != SIZE_MAX)
		slot_kill(ml, old);
	if (ml->nslots == ml->capslots) {
		ml->capslots = ml->capslots ? ml->capslots * 2 : 1 << 14;
		ml->pid = xreallocarray(ml->pid, ml->capslots, sizeof *ml->pid);
		ml->dlen = xreallocarray(ml->dlen, ml->capslots, sizeof *ml->dlen);
		ml->city = xreallocarray(ml->city, ml->capslots, sizeof *ml->city);
		ml->live = xreallocarray(ml->live, ml->capslots, sizeof *ml->live);
		ml->fwd_off = xreallocarray(ml->fwd_off, ml->capslots + 1, sizeof *ml->fwd_off);
	}
	if (ml->nfwd + (d->e1 - d->e0) > ml->capfwd) {
		while (ml->nfwd + (d->e1 - d->e0) > ml->capfwd)
			ml->capfwd = ml->capfwd ? ml->capfwd * 2 : 1 << 20;
		ml->fwd_term = xreallocarray(ml->fwd_term, ml->capfwd, sizeof *ml->fwd_term);
		ml->fwd_wdf = xreallocarray(ml->fwd_wdf, ml->capfwd, sizeof *ml->fwd_wdf);
	}
	ml->pid[slot] = d->id;
	ml->dlen[slot] = d->len;
	ml->city[slot] = city_id(ml, d->city);
	ml->live[slot] = 1;
	ml->fwd_off[slot] = ml->nfwd;
	for (size_t i = d->e0; i < d->e1; i++) {
		const struct centry *e = &c->e[i];
		uint32_t t = term_id(ml, c->keys.data + e->off, e->len, e->hash, 1);
		struct mterm *mt = &ml->terms[t];

		ml->fwd_term[ml->nfwd] = t;
		ml->fwd_wdf[ml->nfwd++] = (uint16_t)(e->wdf > UINT16_MAX ? UINT16_MAX : e->wdf);
		mt->df++;
		if (!ml->built)
			continue;
		if (mt->tw == 0)
			mt->tw = termweight(ml->ndocs_build, mt->df);
		if (mt->tail == NULL)
			mt->tail = xcalloc(1, sizeof *mt->tail);
		if (mt->tail->n == mt->tail->cap) {
			mt->tail->cap = mt->tail->cap ? mt->tail->cap * 2 : 4;
			mt->tail->doc = xreallocarray(mt->tail->doc, mt->tail->cap, sizeof (uint32_t));
			mt->tail->w = xreallocarray(mt->tail->w, mt->tail->cap, sizeof (float));
		}
		mt->tail->doc[mt->tail->n] = (uint32_t)slot;
		mt->tail->w[mt->tail->n++] = (float)(mt->tw * doc_part(ml, e->wdf, d->len));
		ml->ntail++;
	}
	ml->fwd_off[slot + 1] = ml->nfwd;
	ml->nslots++;
	ml->ndocs++;
	ml->sumlen += d->len;
	slot_set(ml, d->id, slot);
}

/* Ends the bulk build: term weights, and every list laid out with its head first. */
static void
build_finish(struct mlayer *ml, long long seq)
{
	uint64_t *fill;

	ml->ndocs_build = (double)ml->ndocs;
	ml->len_factor = ml->sumlen > 0 ? (double)ml->ndocs / (double)ml->sumlen : 0;
	for (size_t t = 0; t < ml->nterms; t++) {
		ml->terms[t].tw = termweight(ml->ndocs_build, ml->terms[t].df);
		ml->terms[t].base = ml->npost;
		ml->npost += ml->terms[t].df;
	}
	ml->pdoc = xreallocarray(NULL, ml->npost ? ml->npost : 1, sizeof *ml->pdoc);
	ml->pw = xreallocarray(NULL, ml->npost ? ml->npost : 1, sizeof *ml->pw);
	fill = xcalloc(ml->nterms ? ml->nterms : 1, sizeof *fill);
	for (size_t d = 0; d < ml->nslots; d++) {
		if (!ml->live[d])
			continue;
		for (uint64_t i = ml->fwd_off[d]; i < ml->fwd_off[d + 1]; i++) {
			struct mterm *mt = &ml->terms[ml->fwd_term[i]];
			uint64_t at = mt->base + fill[ml->fwd_term[i]]++;

			ml->pdoc[at] = (uint32_t)d;
			ml->pw[at] = (float)(mt->tw * doc_part(ml, ml->fwd_wdf[i], ml->dlen[d]));
		}
	}
	for (size_t t = 0; t < ml->nterms; t++) {
		struct mterm *mt = &ml->terms[t];
		uint32_t *doc = ml->pdoc + mt->base;
		float *w = ml->pw + mt->base, max = 0;
		size_t head = 0;

		/* A killed slot's postings were never laid out: df counts live ones only. */
		mt->nbase = (uint32_t)fill[t];
		mt->df = mt->nbase;
		for (size_t i = 0; i < mt->nbase; i++)
			if (w[i] > max)
				max = w[i];
		for (size_t i = 0; i < mt->nbase; i++)
			if (w[i] >= max * (float)ML_HEAD_SHARE) {
				uint32_t td = doc[i];
				float tw = w[i];

				doc[i] = doc[head];
				w[i] = w[head];
				doc[head] = td;
				w[head++] = tw;
			}
		mt->nhead = (uint32_t)head;
	}
	free(fill);
	ml->seq = seq;
	ml->built = 1;
}

/* --- loading ----------------------------------------------------------- */

static char *
row_sql(const struct ix_kind *k, int one)
{
	struct buf b = { 0 };

	buf_addf(&b, "SELECT id, %s, %s", k->region, k->category);
	for (size_t f = 0; f < k->nfields; f++)
		buf_addf(&b, ", %s", k->fields[f].column);
	buf_addf(&b, " FROM %s%s", k->view, one ? " WHERE id = ?" : " ORDER BY id");
	return buf_take(&b);
}

static char *
db_error(sqlite3 *db, const char *what)
{
	return xasprintf("匹配层读取数据库出错（%s）：%s / the matching layer could not read"
	    " the store (%s): %s", what, sqlite3_errmsg(db), what, sqlite3_errmsg(db));
}

/* The rows of one chunk, copied, so that two threads can tokenize them. */
struct chunk_row {
	int64_t		 id;
	char		*city;
	char		*text[MAX_FIELDS];
	size_t		 len[MAX_FIELDS];
};

struct worker {
	pthread_t		 th;
	const struct ix_kind	*kind;
	struct chunk_row	*rows;
	size_t			 from, to;
	struct collector	 c;
	struct cdoc		*docs;
};

/* Tokenizes rows [from, to) into the worker's collector. */
static void *
work_rows(void *arg)
{
	struct worker *w = arg;
	struct collector *c = &w->c;

	coll_reset(c);
	for (size_t r = w->from; r < w->to; r++) {
		struct cdoc *d = &w->docs[r - w->from];

		coll_doc_start(c);
		for (size_t f = 0; f < w->kind->nfields; f++) {
			if (w->rows[r].text[f] == NULL)
				continue;
			c->letter = (char)('A' + f);
			tokenize(c->tk, w->rows[r].text[f], w->rows[r].len[f], TOK_DOCUMENT,
			    coll_token, c);
		}
		d->id = w->rows[r].id;
		d->city = w->rows[r].city;
		d->e0 = c->doc0;
		d->e1 = c->n;
		d->len = c->len;
		coll_doc_end(c);
	}
	return NULL;
}

static void
rows_clear(struct chunk_row *rows, size_t n, size_t nfields)
{
	for (size_t r = 0; r < n; r++) {
		free(rows[r].city);
		for (size_t f = 0; f < nfields; f++)
			free(rows[r].text[f]);
	}
}

/* Tokenizes n rows on the workers and adds them in order. */
static void
add_chunk(struct mlayer *ml, struct worker *w, size_t nw, struct chunk_row *rows, size_t n)
{
	size_t per = (n + nw - 1) / nw;

	for (size_t i = 0; i < nw; i++) {
		w[i].rows = rows;
		w[i].from = i * per < n ? i * per : n;
		w[i].to = (i + 1) * per < n ? (i + 1) * per : n;
	}
	for (size_t i = 1; i < nw; i++)
		if (pthread_create(&w[i].th, NULL, work_rows, &w[i]) != 0)
			fatal("pthread_create");
	work_rows(&w[0]);
	for (size_t i = 1; i < nw; i++)
		pthread_join(w[i].th, NULL);
	for (size_t i = 0; i < nw; i++)
		for (size_t r = 0; r < w[i].to - w[i].from; r++)
			slot_add(ml, &w[i].c, &w[i].docs[r]);
}

static struct mlayer *
layer_new(void)
{
	struct mlayer *ml = xcalloc(1, sizeof *ml);

	pthread_rwlock_init(&ml->lock, NULL);
	ml->kind = ix_kind_get("supply");
	ml->nfields = ml->kind->nfields < MAX_FIELDS ? ml->kind->nfields : MAX_FIELDS;
	for (size_t f = 0; f < ml->nfields; f++)
		ml->fweight[f] = ml->kind->fields[f].weight;
	return ml;
}

struct mlayer *
mlayer_load(sqlite3 *db, int threads, char **cause)
{
	struct mlayer *ml = layer_new();
	const struct ix_kind *k = ml->kind;
	struct worker w[2];
	struct chunk_row *rows = xcalloc(CHUNK, sizeof *rows);
	size_t nw = threads > 1 ? 2 : 1, n = 0;
	sqlite3_stmt *q = NULL;
	long long seq;
	char *sql;
	int rc;

	memset(w, 0, sizeof w);
	for (size_t i = 0; i < nw; i++) {
		w[i].kind = k;
		w[i].docs = xcalloc(CHUNK, sizeof *w[i].docs);
		if ((w[i].c.tk = tokenizer_new(cause)) == NULL) {
			rc = SQLITE_ERROR;
			goto fail;
		}
	}
	if (sqlite3_exec(db, "BEGIN", NULL, NULL, NULL) != SQLITE_OK) {
		*cause = db_error(db, "BEGIN");
		goto fail;
	}
	sql = row_sql(k, 0);
	rc = sqlite3_prepare_v2(db, sql, -1, &q, NULL);
	free(sql);
	if (rc != SQLITE_OK || (seq = serve_store_seq(db)) < 0) {
		*cause = db_error(db, k->view);
		sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
		goto fail;
	}
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		struct chunk_row *r = &rows[n++];
		const char *city = (const char *)sqlite3_column_text(q, 1);

		r->id = sqlite3_column_int64(q, 0);
		r->city = city != NULL ? xstrdup(city) : NULL;
		for (size_t f = 0; f < ml->nfields; f++) {
			const char *t = (const char *)sqlite3_column_text(q, 3 + (int)f);

			r->len[f] = (size_t)sqlite3_column_bytes(q, 3 + (int)f);
			r->text[f] = t != NULL ? xstrndup(t, r->len[f]) : NULL;
		}
		if (n == CHUNK) {
			add_chunk(ml, w, nw, rows, n);
			rows_clear(rows, n, ml->nfields);
			n = 0;
		}
	}
	sqlite3_finalize(q);
	sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
	if (rc != SQLITE_DONE) {
		*cause = db_error(db, k->view);
		goto fail;
	}
	add_chunk(ml, w, nw, rows, n);
	rows_clear(rows, n, ml->nfields);
	build_finish(ml, seq);
	for (size_t i = 0; i < nw; i++) {
		tokenizer_free(w[i].c.tk);
		coll_free(&w[i].c);
		free(w[i].docs);
	}
	free(rows);
	return ml;
fail:
	rows_clear(rows, n, ml->nfields);
	free(rows);
	for (size_t i = 0; i < nw; i++) {
		tokenizer_free(w[i].c.tk);
		coll_free(&w[i].c);
		free(w[i].docs);
	}
	mlayer_free(ml);
	return NULL;
}

void
mlayer_free(struct mlayer *ml)
{
	if (ml == NULL)
		return;
	for (size_t t = 0; t < ml->nterms; t++)
		if (ml->terms[t].tail != NULL) {
			free(ml->terms[t].tail->doc);
			free(ml->terms[t].tail->w);
			free(ml->terms[t].tail);
		}
	for (size_t i = 1; i < ml->ncities; i++)
		free(ml->cities[i]);
	free(ml->cities);
	free(ml->terms);
	free(ml->tht);
	free(ml->strs);
	free(ml->pdoc);
	free(ml->pw);
	free(ml->pid);
	free(ml->dlen);
	free(ml->city);
	free(ml->fwd_off);
	free(ml->live);
	free(ml->fwd_term);
	free(ml->fwd_wdf);
	free(ml->idk);
	free(ml->idv);
	pthread_rwlock_destroy(&ml->lock);
	free(ml);
}

int
mlayer_catch_up(struct mlayer *ml, sqlite3 *db, struct tokenizer *tk, size_t *applied,
    char **cause)
{
	const struct ix_kind *k = ml->kind;
	struct collector c = { .tk = tk };
	sqlite3_stmt *items = NULL, *row = NULL;
	long long seq;
	size_t n = 0;
	char *sql;
	int rc = -1, step;

	if (applied != NULL)
		*applied = 0;
	if (sqlite3_exec(db, "BEGIN", NULL, NULL, NULL) != SQLITE_OK) {
		*cause = db_error(db, "BEGIN");
		return -1;
	}
	if ((seq = serve_store_seq(db)) < 0) {
		*cause = db_error(db, IX_LOG);
		goto done;
	}
	if (seq <= ml->seq) {
		rc = 0;
		goto done;
	}
	sql = row_sql(k, 1);
	if (sqlite3_prepare_v2(db, "SELECT DISTINCT item_id FROM " IX_LOG " WHERE seq > ? AND"
	    " seq <= ? AND kind = 'supply'", -1, &items, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(db, sql, -1, &row, NULL) != SQLITE_OK) {
		free(sql);
		*cause = db_error(db, IX_LOG);
		goto done;
	}
	free(sql);
	sqlite3_bind_int64(items, 1, ml->seq);
	sqlite3_bind_int64(items, 2, seq);
	pthread_rwlock_wrlock(&ml->lock);
	while ((step = sqlite3_step(items)) == SQLITE_ROW) {
		int64_t id = sqlite3_column_int64(items, 0);

		sqlite3_bind_int64(row, 1, id);
		if (sqlite3_step(row) == SQLITE_ROW) {
			struct cdoc d = { .id = id, .city = (const char *)sqlite3_column_text(row, 1) };

			coll_reset(&c);
			coll_row(&c, k, row, &d);
			slot_add(ml, &c, &d);
		} else {
			size_t slot = slot_find(ml, id);

			if (slot != SIZE_MAX)
				slot_kill(ml, slot);
		}
		sqlite3_reset(row);
		n++;
	}
	if (step != SQLITE_DONE)
		*cause = db_error(db, IX_LOG);
	else {
		ml->seq = seq;
		rc = 0;
		if (applied != NULL)
			*applied = n;
	}
	pthread_rwlock_unlock(&ml->lock);
done:
	coll_free(&c);
	sqlite3_finalize(items);
	sqlite3_finalize(row);
	sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
	return rc;
}

/* --- matching ---------------------------------------------------------- */

struct mlayer_scratch *
mlayer_scratch_new(void)
{
	return xcalloc(1, sizeof(struct mlayer_scratch));
}

void
mlayer_scratch_free(struct mlayer_scratch *s)
{
	if (s == NULL)
		return;
	free(s->acc);
	free(s->stamp);
	free(s->touched);
	free(s->allowed);
	free(s);
}

/* Sizes s for ml's slots (under the read lock). */
static void
scratch_ready(struct mlayer_scratch *s, const struct mlayer *ml)
{
	if (s->cap < ml->nslots) {
		size_t cap = ml->nslots + ml->nslots / 4 + 64;

		free(s->acc);
		free(s->stamp);
		free(s->touched);
		s->acc = xcalloc(cap, sizeof *s->acc);
		s->stamp = xcalloc(cap, sizeof *s->stamp);
		s->touched = xcalloc(cap, sizeof *s->touched);
		s->cap = cap;
		s->now = 0;
	}
	if (++s->now == 0) {
		memset(s->stamp, 0, s->cap * sizeof *s->stamp);
		s->now = 1;
	}
	s->ntouched = 0;
	if (s->nallowed < ml->ncities + 1) {
		free(s->allowed);
		s->nallowed = ml->ncities + 1;
		s->allowed = xcalloc(s->nallowed, 1);
	}
}

/* Adds factor × weight for every posting in the list. */
static size_t
acc_list(struct mlayer_scratch *s, const uint32_t *doc, const float *w, size_t n, float factor)
{
	for (size_t i = 0; i < n; i++) {
		uint32_t d = doc[i];

		if (s->stamp[d] != s->now) {
			s->stamp[d] = s->now;
			s->acc[d] = 0;
			s->touched[s->ntouched++] = d;
		}
		s->acc[d] += factor * w[i];
	}
	return n;
}

/* A candidate: slot and score. */
struct cand {
	uint32_t	slot;
	uint32_t	idx;		/* its masks, after stage 2 */
	double		score;
};

/* Min-heap on score (ties: the later slot is worse). */
static int
cand_worse(const struct cand *a, const struct cand *b)
{
	return a->score < b->score || (a->score == b->score && a->slot > b->slot);
}

static void
heap_offer(struct cand *h, size_t *n, size_t max, struct cand c)
{
	size_t i;

	if (*n < max) {
		for (i = (*n)++; i > 0 && cand_worse(&c, &h[(i - 1) / 2]); i = (i - 1) / 2)
			h[i] = h[(i - 1) / 2];
		h[i] = c;
		return;
	}
	if (!cand_worse(&h[0], &c))
		return;
	for (i = 0;;) {
		size_t l = 2 * i + 1, r = l + 1, m = i;
		const struct cand *best = &c;

		if (l < *n && cand_worse(&h[l], best))
			m = l, best = &h[l];
		if (r < *n && cand_worse(&h[r], best))
			m = r;
		if (m == i)
			break;
		h[i] = h[m];
		i = m;
	}
	h[i] = c;
}

static int
cand_cmp(const void *a, const void *b)
{
	const struct cand *x = a, *y = b;

	if (x->score != y->score)
		return x->score < y->score ? 1 : -1;
	return x->slot < y->slot ? -1 : x->slot > y->slot;
}

/* The query table's entry for term t, or NULL. */
static const struct qterm *
q_find(const struct mlayer_scratch *s, uint32_t t)
{
	for (size_t h = hash_id(t) & (QHASH - 1); s->q[h].term != 0; h = (h + 1) & (QHASH - 1))
		if (s->q[h].term == t + 1)
			return &s->q[h];
	return NULL;
}

void
mlayer_match(struct mlayer *ml, struct mlayer_scratch *s, const struct mlayer_query *q,
    struct mlayer_result *r)
{
	size_t ntok = q->ntokens < 64 ? q->ntokens : 64, ncand = 0;
	size_t limit = q->limit < ML_CANDIDATES ? q->limit : ML_CANDIDATES;
	struct cand *heap = xcalloc(ML_CANDIDATES, sizeof *heap);
	size_t qt[QHASH], nqt = 0;	/* the query's entries in s->q */
	unsigned *masks;
	char key[TERM_MAX + 1];

	memset(r, 0, sizeof *r);
	pthread_rwlock_rdlock(&ml->lock);
	scratch_ready(s, ml);
	memset(s->q, 0, sizeof s->q);
	memset(s->allowed, q->cities == NULL, s->nallowed);
	for (size_t i = 0; i < q->ncities; i++)
		for (size_t c = 1; c < ml->ncities; c++)
			if (strcmp(ml->cities[c], q->cities[i]) == 0)
				s->allowed[c] = 1;
	/* The query's terms: each (token, field) the layer has, with its factor. */
	for (size_t k = 0; k < ntok; k++) {
		const struct mlayer_token *tk = &q->tokens[k];

		if (tk->len + 1 > TERM_MAX)
			continue;
		memcpy(key + 1, tk->text, tk->len);
		for (size_t f = 0; f < ml->nfields; f++) {
			double factor = tk->weight * ml->fweight[f];
			uint32_t t;
			size_t h;

			key[0] = (char)('A' + f);
			t = term_id(ml, key, tk->len + 1, hash_bytes(key, tk->len + 1), 0);
			if (t == UINT32_MAX || factor <= 0)
				continue;
			for (h = hash_id(t) & (QHASH - 1); s->q[h].term != 0; h = (h + 1) & (QHASH - 1))
				;
			s->q[h] = (struct qterm){ t + 1, (uint16_t)k, (uint16_t)f, factor };
			qt[nqt++] = h;
		}
	}
	/*
	 * Stage 1: the heads of the heavier tokens' lists (every list, whole,
	 * when exhaustive); when they reach fewer than ML_CANDIDATES products,
	 * the lighter tokens' lists too, whole: then every product that has any
	 * of the query's terms is scored exactly.
	 */
	for (int pass = 0; pass < 2; pass++) {
		int light = pass == 1;

		if (light && (q->exhaustive || s->ntouched >= ML_CANDIDATES))
			break;
		for (size_t i = 0; i < nqt; i++) {
			const struct qterm *e = &s->q[qt[i]];
			const struct mterm *mt = &ml->terms[e->term - 1];
			int heavy = q->tokens[e->token].weight >= ML_HEAD_TOKEN;

			if (!q->exhaustive && heavy == light)
				continue;
			r->postings += acc_list(s, ml->pdoc + mt->base, ml->pw + mt->base,
			    q->exhaustive || light ? mt->nbase : mt->nhead, (float)e->factor);
			if (mt->tail != NULL)
				r->postings += acc_list(s, mt->tail->doc, mt->tail->w, mt->tail->n,
				    (float)e->factor);
		}
	}
	for (size_t i = 0; i < s->ntouched; i++) {
		uint32_t d = s->touched[i];

		if (ml->live[d] && s->allowed[ml->city[d]])
			heap_offer(heap, &ncand, ML_CANDIDATES, (struct cand){ d, 0, s->acc[d] });
	}
	/* Stage 2: exact scores from the forward index. */
	masks = xcalloc(ncand * (ntok ? ntok : 1), sizeof *masks);
	for (size_t i = 0; i < ncand; i++) {
		uint32_t d = heap[i].slot;
		unsigned *mask = masks + i * ntok;
		double score = 0;

		for (uint64_t e = ml->fwd_off[d]; e < ml->fwd_off[d + 1]; e++) {
			const struct qterm *hit = q_find(s, ml->fwd_term[e]);

			if (hit == NULL)
				continue;
			score += hit->factor * ml->terms[ml->fwd_term[e]].tw *
			    doc_part(ml, ml->fwd_wdf[e], ml->dlen[d]);
			mask[hit->token] |= 1u << hit->field;
		}
		heap[i].score = score;
		heap[i].idx = (uint32_t)i;
	}
	qsort(heap, ncand, sizeof *heap, cand_cmp);
	r->n = ncand < limit ? ncand : limit;
	r->ids = xcalloc(r->n ? r->n : 1, sizeof *r->ids);
	r->scores = xcalloc(r->n ? r->n : 1, sizeof *r->scores);
	r->masks = xcalloc(r->n * (ntok ? ntok : 1), sizeof *r->masks);
	for (size_t i = 0; i < r->n; i++) {
		r->ids[i] = ml->pid[heap[i].slot];
		r->scores[i] = heap[i].score;
		memcpy(r->masks + i * ntok, masks + (size_t)heap[i].idx * ntok,
		    ntok * sizeof *masks);
	}
	free(masks);
	pthread_rwlock_unlock(&ml->lock);
	free(heap);
}

void
mlayer_result_free(struct mlayer_result *r)
{
	free(r->ids);
	free(r->scores);
	free(r->masks);
	memset(r, 0, sizeof *r);
}

void
mlayer_stats(struct mlayer *ml, struct mlayer_stats *st)
{
	pthread_rwlock_rdlock(&ml->lock);
	st->docs = ml->ndocs;
	st->slots = ml->nslots;
	st->terms = ml->nterms;
	st->postings = ml->npost + ml->ntail;
	st->forward = ml->nfwd;
	st->bytes = ml->capterms * sizeof *ml->terms + ml->thtcap * 4 + ml->capstrs +
	    ml->npost * 8 + ml->ntail * 8 + ml->capslots * 23 + ml->capfwd * 6 + ml->idcap * 12;
	st->seq = ml->seq;
	pthread_rwlock_unlock(&ml->lock);
}
