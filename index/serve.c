/*
 * serve.c — impact postings, forward index and facet bitmaps in memory.
 *
 * Layout.  Distinct tokens live in one hash table (struct stok, their bytes
 * in one arena).  Docids fall into segments of 65,536 (SEG_BITS); the bulk
 * build lays every list out once, back to back, as the low 16 bits of each
 * docid and its 16-bit impact in two parallel arrays, 4 bytes a posting,
 * with a small per-token directory saying where each segment's run starts.
 * A query walks every list segment by segment, so its accumulator is one
 * segment's (SEG_SIZE entries, L2-sized) and is read in place, never
 * scattered over every document.  Documents put after the build get new
 * docids past all others and their postings go to a per-token tail, so
 * every list stays in docid order; a replaced or removed document's docid
 * is only marked dead (its old postings are skipped at query time) until
 * the next full build.  The forward index keeps each document's (token,
 * weighted frequency) pairs, token ids ascending, as varint deltas and
 * varints (about 3 bytes an entry), and its length in tokens.
 */
#include <limits.h>
#include <math.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <roaring/roaring.h>

#include "serve.h"
#include "util.h"

#define BM25_K1		1.2	/* FTS5's bm25 constants */
#define BM25_B		0.75
#define IMP_MAX		(BM25_K1 + 1.0)		/* an impact is below this */
#define IMP_SCALE	(65535.0 / IMP_MAX)	/* impact → uint16_t */
#define FREQ_SCALE	4.0			/* weighted frequencies in quarters */
#define NO_SLOT		UINT32_MAX
#define RESCORE_EXTRA	64	/* candidates past the page rescored exactly */
#define SEG_BITS	16			/* docids a segment: 2^SEG_BITS */
#define SEG_SIZE	(1u << SEG_BITS)
#define SEG_MASK	(SEG_SIZE - 1)
#define SEG_WORDS	(SEG_SIZE / 64)		/* a segment's bitset, in 64-bit words */
#define RANGE_BITS	8			/* docids a pruning range: 2^RANGE_BITS */
#define RANGE_SIZE	(1u << RANGE_BITS)
#define RANGE_WORDS	(RANGE_SIZE / 64)
#define BMAX_MIN_DF	8192	/* lists this long keep each range's largest impact and place */
#define NO_BMAX		UINT64_MAX

/*
 * The functions that count bitsets word by word: built twice on x86-64,
 * and the one with the POPCNT instruction (every x86-64 since 2008) chosen
 * at load time where the CPU has it; the baseline build calls libgcc's
 * __popcountdi2 for each word, a quarter of a prefix query's time.
 */
#if defined(__x86_64__) && defined(__GNUC__)
#define POPCNT_CLONES	__attribute__((target_clones("popcnt", "default")))
#else
#define POPCNT_CLONES
#endif

/* Postings a token gained after the bulk build. */
struct tail {
	uint32_t	 n, cap;
	uint32_t	*doc;
	uint16_t	*imp;
	uint16_t	*mx;		/* matching's exact factors, as sv->pmx */
};

/* One distinct token. */
struct stok {
	uint64_t	 str;		/* offset of its bytes in sv->strs */
	uint32_t	 len;
	uint32_t	 hash;
	uint64_t	 base;		/* its first posting in the base arrays */
	uint32_t	 nbase;		/* postings there */
	uint32_t	 df;		/* live documents that have it */
	uint64_t	 dir;		/* its first segment run in the directory */
	uint32_t	 ndir;		/* runs there (segments it has postings in) */
	uint64_t	 bmax;		/* its ranges' largest impacts in sv->bmax, or NO_BMAX */
	struct tail	*tail;		/* postings added since; NULL if none */
};

/* Interned attribute values (cities, categories, exhibitors); id 0 is "none". */
struct vals {
	char			**v;		/* v[id], v[0] unused */
	roaring_bitmap_t	**bm;		/* live docids with that value */
	size_t			  n, cap;	/* ids in use (counting 0) */
	uint32_t		 *ht;		/* hash table of ids; 0 = empty */
	size_t			  htcap;
	size_t			  max;		/* the largest id it may give */
};

struct serve {
	pthread_rwlock_t	 lock;
	double			 wq[SERVE_MAX_TERMS];	/* field weights × FREQ_SCALE */
	size_t			 nfields;
	int			 built;
	long long		 seq;

	/* Tokens. */
	struct stok		*toks;
	size_t			 ntok, captok;
	uint32_t		*tht;		/* hash table of token ids + 1; 0 = empty */
	size_t			 thtcap;
	char			*strs;		/* token bytes */
	size_t			 nstrs, capstrs;
	uint32_t		*sorted;	/* token ids in byte order, for prefixes */
	size_t			 nsorted;	/* tokens [nsorted, ntok) came later, unsorted */

	/* Base postings, laid out by serve_build_finish. */
	uint16_t		*plo;		/* docid & SEG_MASK */
	uint16_t		*pimp;
	uint16_t		*pmx;		/* matching: each posting's exact factor, quantised */
	size_t			 npost;
	uint16_t		*dseg;		/* directory: a run's segment */
	uint32_t		*doff;		/* its first posting, from the token's base */
	size_t			 ndir;
	size_t			 ntail;		/* postings in tails */
	uint16_t		*bmax;		/* per long list and range of the build, the
						   largest impact */
	uint16_t		*roff;		/* and where the range starts in the
						   list's run for its segment */
	uint16_t		*bmaxm;		/* and its largest matching factor */
	size_t			 nbmax;
	size_t			 nranges_base;	/* ranges the build's segments span */

	/* Documents, by docid (slot). */
	int64_t			*pid;		/* product id */
	uint16_t		*dlen;		/* length in tokens (capped) */
	uint16_t		*city, *cat;	/* value ids */
	uint32_t		*exh;		/* exhibitor value ids (more than 65,535 of them) */
	uint64_t		*fwd_off;	/* forward bytes [fwd_off[d], fwd_off[d+1]) */
	uint64_t		*live;		/* bitset */
	size_t			 nslots, capslots;
	size_t			 ndocs;		/* live */
	uint64_t		 sumlen;	/* Σ length of live documents */
	double			 avgdl;		/* fixed at the build: impacts depend on it */
	double			 mxscale;	/* matching factor → uint16_t */
	roaring_bitmap_t	*live_bm;

	/* Forward index: per entry varint(token id − previous) varint(weighted frequency × FREQ_SCALE, capped). */
	uint8_t			*fwd;
	size_t			 nfwd, capfwd;	/* bytes */
	size_t			 nfwd_ent;	/* entries */
	uint64_t		*ftmp;		/* one document's (token << 16 | freq), sorted */
	size_t			 ftmpcap;

	/* Field masks: per forward entry, in the same order, the fields it is in. */
	uint8_t			*fmask;
	size_t			 nfmask, capfmask;
	uint64_t		*fmask_off;	/* a slot's first entry; [nslots] the end */
	size_t			 capfmask_off;

	/* Product id → slot. */
	int64_t			*idk;
	uint32_t		*idv;
	size_t			 idcap, nid;

	struct vals		 cities, cats;
	struct vals		 exhs;		/* exhibitors, by their id in decimal */
};

/* A document's tokens before it joins: a small hash table over its own arena. */
struct dtok {
	uint32_t	off, len;	/* in d->text */
	uint32_t	hash;
	double		freq;		/* weighted */
	uint32_t	fields;		/* the fields it is in, a bit each */
};

struct serve_doc {
	int64_t		 id;
	char		*city, *category;
	int64_t		 exhibitor;	/* 0: none */
	struct dtok	*t;
	size_t		 n, cap;
	uint32_t	*ht;		/* index + 1; 0 = empty */
	size_t		 htcap;
	struct buf	 text;
	uint32_t	 len;		/* tokens, counting repeats */
	double		 w[SERVE_MAX_TERMS];	/* the layer's field weights */
	size_t		 nfields;
};

/* Prefix-term accumulator: summed frequencies. */
struct pacc {
	float		freq;
	uint32_t	stamp;
};

/* A prefix term's contribution to one document. */
struct pent {
	uint32_t	doc;
	float		score;
};

struct heap_ent {
	double		score;
	int		first;		/* of the category the query names */
	int64_t		id;
	uint32_t	slot;
};

struct serve_scratch {
	float		*score;		/* one segment's accumulator, by docid & SEG_MASK */
	uint32_t	*mask;		/* words matched; 0 = untouched */
	uint16_t	*touched;	/* the segment's touched docids */
	struct pacc	*pacc;		/* prefix terms: by docid, every segment */
	uint64_t	*pbits;		/* the documents a prefix touched */
	size_t		 cap;
	uint32_t	 epoch;
	struct pent	*pl[SERVE_MAX_TERMS];	/* each prefix term's contributions, by docid */
	size_t		 plcap[SERVE_MAX_TERMS];
	long		*ccount, *kcount;	/* facet counts by value id */
	size_t		 ccap, kcap;
	uint8_t		*callow;		/* allowed cities by value id */
	size_t		 acap;
	struct heap_ent	*heap;
	size_t		 hcap;
	/* Pruned queries (query_pruned). */
	uint64_t	*hits;		/* the hits, a bit a docid, in the segments visited */
	size_t		 hitcap;	/* words */
	uint64_t	*wbits;		/* one word's docids in one segment */
	uint64_t	*mbits;		/* by cursor: the docids in one segment of a list
					   meeting several requirements; NULL until one does */
	uint32_t	*segs;		/* the segments visited */
	size_t		 segcap;
	float		*rm[SERVE_MAX_TERMS];	/* a term's largest contribution by range,
						   where no kept maximum says it */
	size_t		 rmcap[SERVE_MAX_TERMS];
	float		*rub;		/* each range's bound */
	uint8_t		*rfirst;	/* whether a range has a hit of the category named */
	uint32_t	*rheap;		/* ranges to score, best bound first */
	size_t		 rcap;
	/* Matching's stage 1 by ranges (match_bounded). */
	uint32_t	*mscore;	/* one segment's sums, by docid & SEG_MASK */
	uint32_t	*mmax;		/* each list's largest contribution by range */
	size_t		 mmaxcap;
	uint32_t	*mub;		/* each range's bound */
	uint32_t	*mheap;		/* ranges, best bound first */
	size_t		 mcap;
};

static uint32_t
hash_bytes(const char *s, size_t n)
{
	uint32_t h = 2166136261u;	/* FNV-1a */

	for (size_t i = 0; i < n; i++)
		h = (h ^ (unsigned char)s[i]) * 16777619u;
	return h;
}

static uint32_t
hash_id(int64_t id)
{
	uint64_t x = (uint64_t)id * 0x9e3779b97f4a7c15ULL;

	return (uint32_t)(x >> 32);
}

/* ---- documents before they join ---- */

struct serve_doc *
serve_doc_new(const struct serve *sv)
{
	struct serve_doc *d = xcalloc(1, sizeof *d);

	for (size_t f = 0; f < sv->nfields; f++)
		d->w[f] = sv->wq[f] / FREQ_SCALE;
	d->nfields = sv->nfields;
	return d;
}

void
serve_doc_free(struct serve_doc *d)
{
	if (d == NULL)
		return;
	free(d->city);
	free(d->category);
	free(d->t);
	free(d->ht);
	buf_free(&d->text);
	free(d);
}

void
serve_doc_reset(struct serve_doc *d, int64_t id, const char *city, const char *category)
{
	free(d->city);
	free(d->category);
	d->id = id;
	d->city = city != NULL && *city != '\0' ? xstrdup(city) : NULL;
	d->category = category != NULL && *category != '\0' ? xstrdup(category) : NULL;
	d->exhibitor = 0;
	d->n = 0;
	d->len = 0;
	buf_reset(&d->text);
	if (d->ht != NULL)
		memset(d->ht, 0, d->htcap * sizeof *d->ht);
}

void
serve_doc_exhibitor(struct serve_doc *d, int64_t exhibitor)
{
	d->exhibitor = exhibitor > 0 ? exhibitor : 0;
}

/* Doubles the document's hash table. */
static void
doc_rehash(struct serve_doc *d)
{
	free(d->ht);
	d->htcap = d->htcap ? d->htcap * 2 : 256;
	d->ht = xcalloc(d->htcap, sizeof *d->ht);
	for (size_t i = 0; i < d->n; i++) {
		size_t j = d->t[i].hash & (d->htcap - 1);

		while (d->ht[j] != 0)
			j = (j + 1) & (d->htcap - 1);
		d->ht[j] = (uint32_t)i + 1;
	}
}

void
serve_doc_token(struct serve_doc *d, size_t field, const char *text, size_t len)
{
	uint32_t h;
	size_t j;

	if (len == 0 || len > UINT16_MAX || field >= d->nfields)
		return;
	h = hash_bytes(text, len);
	d->len++;	/* FTS5 counts every token in a row's length */
	if ((d->n + 1) * 2 > d->htcap)
		doc_rehash(d);
	for (j = h & (d->htcap - 1); d->ht[j] != 0; j = (j + 1) & (d->htcap - 1)) {
		struct dtok *t = &d->t[d->ht[j] - 1];

		if (t->hash == h && t->len == len && memcmp(d->text.data + t->off, text, len) == 0) {
			t->freq += d->w[field];
			t->fields |= 1u << field;
			return;
		}
	}
	if (d->n == d->cap) {
		d->cap = d->cap ? d->cap * 2 : 128;
		d->t = xreallocarray(d->t, d->cap, sizeof *d->t);
	}
	d->t[d->n] = (struct dtok){ (uint32_t)d->text.len, (uint32_t)len, h, d->w[field],
	    1u << field };
	buf_add(&d->text, text, len);
	d->ht[j] = (uint32_t)++d->n;
}

/* ---- the layer ---- */

struct serve *
serve_new(const double *weights, size_t nfields)
{
	struct serve *sv = xcalloc(1, sizeof *sv);

	if (nfields > SERVE_MAX_TERMS)
		fatal("%s: %zu fields", __func__, nfields);
	for (size_t f = 0; f < nfields; f++)
		sv->wq[f] = weights[f] * FREQ_SCALE;
	sv->nfields = nfields;
	pthread_rwlock_init(&sv->lock, NULL);
	sv->live_bm = roaring_bitmap_create();
	sv->cities.n = sv->cats.n = sv->exhs.n = 1;	/* id 0: none */
	sv->cities.max = sv->cats.max = UINT16_MAX;
	sv->exhs.max = UINT32_MAX - 1;
	return sv;
}

static void
vals_free(struct vals *v)
{
	for (size_t i = 1; i < v->n; i++) {
		free(v->v[i]);
		roaring_bitmap_free(v->bm[i]);
	}
	free(v->v);
	free(v->bm);
	free(v->ht);
}

void
serve_free(struct serve *sv)
{
	if (sv == NULL)
		return;
	for (size_t t = 0; t < sv->ntok; t++)
		if (sv->toks[t].tail != NULL) {
			free(sv->toks[t].tail->doc);
			free(sv->toks[t].tail->imp);
			free(sv->toks[t].tail->mx);
			free(sv->toks[t].tail);
		}
	free(sv->toks);
	free(sv->tht);
	free(sv->strs);
	free(sv->sorted);
	free(sv->plo);
	free(sv->pimp);
	free(sv->pmx);
	free(sv->dseg);
	free(sv->doff);
	free(sv->bmax);
	free(sv->roff);
	free(sv->bmaxm);
	free(sv->pid);
	free(sv->dlen);
	free(sv->city);
	free(sv->cat);
	free(sv->exh);
	free(sv->fwd_off);
	free(sv->live);
	roaring_bitmap_free(sv->live_bm);
	free(sv->fwd);
	free(sv->ftmp);
	free(sv->fmask);
	free(sv->fmask_off);
	free(sv->idk);
	free(sv->idv);
	vals_free(&sv->cities);
	vals_free(&sv->cats);
	vals_free(&sv->exhs);
	pthread_rwlock_destroy(&sv->lock);
	free(sv);
}

/* The id of value s in v (0 for none); adds it if add, else 0 when unknown. */
static uint32_t
vals_id(struct vals *v, const char *s, int add)
{
	uint32_t h;
	size_t j;

	if (s == NULL || *s == '\0')
		return 0;
	h = hash_bytes(s, strlen(s));
	if (v->htcap > 0)
		for (j = h & (v->htcap - 1); v->ht[j] != 0; j = (j + 1) & (v->htcap - 1))
			if (strcmp(v->v[v->ht[j]], s) == 0)
				return v->ht[j];
	if (!add || v->n > v->max)
		return 0;
	if (v->n >= v->cap) {
		v->cap = v->cap ? v->cap * 2 : 64;
		v->v = xreallocarray(v->v, v->cap, sizeof *v->v);
		v->bm = xreallocarray(v->bm, v->cap, sizeof *v->bm);
	}
	v->v[v->n] = xstrdup(s);
	v->bm[v->n] = roaring_bitmap_create();
	v->n++;
	if (v->n * 2 > v->htcap) {
		free(v->ht);
		v->htcap = v->htcap ? v->htcap * 2 : 128;
		v->ht = xcalloc(v->htcap, sizeof *v->ht);
		for (uint32_t i = 1; i < v->n; i++) {
			j = hash_bytes(v->v[i], strlen(v->v[i])) & (v->htcap - 1);
			while (v->ht[j] != 0)
				j = (j + 1) & (v->htcap - 1);
			v->ht[j] = i;
		}
	} else {
		for (j = h & (v->htcap - 1); v->ht[j] != 0; j = (j + 1) & (v->htcap - 1))
			;
		v->ht[j] = (uint32_t)(v->n - 1);
	}
	return (uint32_t)(v->n - 1);
}

/* The value id of exhibitor id in sv (0 for none); adds it if add, else 0 when unknown. */
static uint32_t
exh_id(struct serve *sv, int64_t id, int add)
{
	char key[24];

	if (id <= 0)
		return 0;
	snprintf(key, sizeof key, "%lld", (long long)id);
	return vals_id(&sv->exhs, key, add);
}

/* The token id of text, or -1. */
static long
tok_find(const struct serve *sv, const char *text, size_t len, uint32_t h)
{
	if (sv->thtcap == 0)
		return -1;
	for (size_t j = h & (sv->thtcap - 1); sv->tht[j] != 0; j = (j + 1) & (sv->thtcap - 1)) {
		const struct stok *t = &sv->toks[sv->tht[j] - 1];

		if (t->hash == h && t->len == len && memcmp(sv->strs + t->str, text, len) == 0)
			return (long)sv->tht[j] - 1;
	}
	return -1;
}

static void
tok_rehash(struct serve *sv)
{
	free(sv->tht);
	sv->thtcap = sv->thtcap ? sv->thtcap * 2 : 4096;
	sv->tht = xcalloc(sv->thtcap, sizeof *sv->tht);
	for (size_t i = 0; i < sv->ntok; i++) {
		size_t j = sv->toks[i].hash & (sv->thtcap - 1);

		while (sv->tht[j] != 0)
			j = (j + 1) & (sv->thtcap - 1);
		sv->tht[j] = (uint32_t)i + 1;
	}
}

/* The token id of text, added if new. */
static uint32_t
tok_intern(struct serve *sv, const char *text, size_t len, uint32_t h)
{
	long found = tok_find(sv, text, len, h);
	size_t j;

	if (found >= 0)
		return (uint32_t)found;
	if (sv->ntok == sv->captok) {
		sv->captok = sv->captok ? sv->captok * 2 : 4096;
		sv->toks = xreallocarray(sv->toks, sv->captok, sizeof *sv->toks);
	}
	while (sv->nstrs + len > sv->capstrs) {
		sv->capstrs = sv->capstrs ? sv->capstrs * 2 : 65536;
		sv->strs = xreallocarray(sv->strs, sv->capstrs, 1);
	}
	memcpy(sv->strs + sv->nstrs, text, len);
	sv->toks[sv->ntok] = (struct stok){ .str = sv->nstrs, .len = (uint32_t)len, .hash = h,
	    .bmax = NO_BMAX };
	sv->nstrs += len;
	sv->ntok++;
	if (sv->ntok * 2 > sv->thtcap)
		tok_rehash(sv);
	else {
		for (j = h & (sv->thtcap - 1); sv->tht[j] != 0; j = (j + 1) & (sv->thtcap - 1))
			;
		sv->tht[j] = (uint32_t)sv->ntok;
	}
	return (uint32_t)(sv->ntok - 1);
}

/* The slot of product id, or NO_SLOT. */
static uint32_t
id_find(const struct serve *sv, int64_t id)
{
	if (sv->idcap == 0)
		return NO_SLOT;
	for (size_t j = hash_id(id) & (sv->idcap - 1); sv->idv[j] != NO_SLOT;
	    j = (j + 1) & (sv->idcap - 1))
		if (sv->idk[j] == id)
			return sv->idv[j];
	return NO_SLOT;
}

/* Maps id to slot (replacing what it mapped to). */
static void
id_set(struct serve *sv, int64_t id, uint32_t slot)
{
	size_t j;

	if ((sv->nid + 1) * 2 > sv->idcap) {
		int64_t *ok = sv->idk;
		uint32_t *ov = sv->idv;
		size_t ocap = sv->idcap;

		sv->idcap = sv->idcap ? sv->idcap * 2 : 1024;
		sv->idk = xcalloc(sv->idcap, sizeof *sv->idk);
		sv->idv = xmalloc(sv->idcap * sizeof *sv->idv);
		memset(sv->idv, 0xff, sv->idcap * sizeof *sv->idv);
		sv->nid = 0;
		for (size_t i = 0; i < ocap; i++)
			if (ov[i] != NO_SLOT)
				id_set(sv, ok[i], ov[i]);
		free(ok);
		free(ov);
	}
	for (j = hash_id(id) & (sv->idcap - 1); sv->idv[j] != NO_SLOT; j = (j + 1) & (sv->idcap - 1))
		if (sv->idk[j] == id) {
			sv->idv[j] = slot;
			return;
		}
	sv->idk[j] = id;
	sv->idv[j] = slot;
	sv->nid++;
}

static int
is_live(const struct serve *sv, uint32_t d)
{
	return (sv->live[d >> 6] >> (d & 63)) & 1;
}

/* Quantised impact of weighted frequency fq (× FREQ_SCALE) in a document of len tokens. */
static uint16_t
impact(const struct serve *sv, uint16_t fq, uint16_t len)
{
	double f = fq / FREQ_SCALE;
	double k = BM25_K1 * (1.0 - BM25_B + BM25_B * len / sv->avgdl);
	long q = lrint(f * IMP_MAX / (f + k) * IMP_SCALE);

	return (uint16_t)(q < 1 ? 1 : q > 65535 ? 65535 : q);
}

/* A walk over one document's forward entries. */
struct fwd_it {
	const uint8_t	*p, *end;
	uint32_t	 tok;
};

static void
fwd_begin(const struct serve *sv, uint32_t d, struct fwd_it *it)
{
	it->p = sv->fwd + sv->fwd_off[d];
	it->end = sv->fwd + sv->fwd_off[d + 1];
	it->tok = 0;
}

static uint32_t
varint_get(const uint8_t **pp)
{
	const uint8_t *p = *pp;
	uint32_t v = 0;

	for (unsigned shift = 0;; shift += 7) {
		uint8_t b = *p++;

		v |= (uint32_t)(b & 0x7f) << shift;
		if (b < 0x80)
			break;
	}
	*pp = p;
	return v;
}

/* The next entry: 1 with its token and weighted frequency (× FREQ_SCALE), 0 at the end. */
static int
fwd_next(struct fwd_it *it, uint32_t *tok, uint32_t *freq)
{
	if (it->p >= it->end)
		return 0;
	it->tok += varint_get(&it->p);
	*tok = it->tok;
	*freq = varint_get(&it->p);
	return 1;
}

static size_t
varint_put(uint8_t *p, uint32_t v)
{
	size_t n = 0;

	while (v >= 0x80) {
		p[n++] = (uint8_t)(v | 0x80);
		v >>= 7;
	}
	p[n++] = (uint8_t)v;
	return n;
}

/* Sorts v[0..n) ascending (one document's entries: short, so insertion below 16). */
static void
u64_sort(uint64_t *v, size_t n)
{
	while (n > 16) {
		uint64_t pivot = v[n / 2], t;
		size_t i = 0, j = n - 1;

		for (;;) {
			while (v[i] < pivot)
				i++;
			while (v[j] > pivot)
				j--;
			if (i >= j)
				break;
			t = v[i], v[i] = v[j], v[j] = t;
			i++, j--;
		}
		/* [0, j] ≤ pivot ≤ [j + 1, n): recurse on the smaller side. */
		if (j + 1 < n - j - 1) {
			u64_sort(v, j + 1);
			v += j + 1;
			n -= j + 1;
		} else {
			u64_sort(v + j + 1, n - j - 1);
			n = j + 1;
		}
	}
	for (size_t i = 1; i < n; i++) {
		uint64_t x = v[i];
		size_t j = i;

		for (; j > 0 && v[j - 1] > x; j--)
			v[j] = v[j - 1];
		v[j] = x;
	}
}

/* Marks slot d dead: out of the bitmaps and of its tokens' document frequencies. */
static void
slot_kill(struct serve *sv, uint32_t d)
{
	struct fwd_it it;
	uint32_t tok, freq;

	if (!is_live(sv, d))
		return;
	sv->live[d >> 6] &= ~(1ULL << (d & 63));
	roaring_bitmap_remove(sv->live_bm, d);
	if (sv->city[d] != 0)
		roaring_bitmap_remove(sv->cities.bm[sv->city[d]], d);
	if (sv->cat[d] != 0)
		roaring_bitmap_remove(sv->cats.bm[sv->cat[d]], d);
	if (sv->exh[d] != 0)
		roaring_bitmap_remove(sv->exhs.bm[sv->exh[d]], d);
	fwd_begin(sv, d, &it);
	while (fwd_next(&it, &tok, &freq))
		sv->toks[tok].df--;
	sv->ndocs--;
	sv->sumlen -= sv->dlen[d];
}

/*
 * Records the fields of d's tokens for slot s, in the order of its forward
 * entries (token ids ascending); slots come in order.  Uses sv->ftmp.
 */
static void
fields_add(struct serve *sv, const struct serve_doc *d, uint32_t s)
{
	if (s + 2 > sv->capfmask_off) {
		sv->capfmask_off = (s + 2) * 2;
		sv->fmask_off = xreallocarray(sv->fmask_off, sv->capfmask_off,
		    sizeof *sv->fmask_off);
	}
	while (sv->nfmask + d->n > sv->capfmask) {
		sv->capfmask = sv->capfmask ? sv->capfmask * 2 : 65536;
		sv->fmask = xreallocarray(sv->fmask, sv->capfmask, 1);
	}
	for (size_t i = 0; i < d->n; i++) {
		const struct dtok *t = &d->t[i];

		sv->ftmp[i] = (uint64_t)tok_find(sv, d->text.data + t->off, t->len, t->hash) << 32 | i;
	}
	u64_sort(sv->ftmp, d->n);
	sv->fmask_off[s] = sv->nfmask;
	for (size_t i = 0; i < d->n; i++)
		sv->fmask[sv->nfmask++] = (uint8_t)d->t[sv->ftmp[i] & UINT32_MAX].fields;
	sv->fmask_off[s + 1] = sv->nfmask;
}

/* Gives d a new slot (the old one, if any, dies): attributes, forward entries, df. */
static uint32_t
slot_add(struct serve *sv, const struct serve_doc *d)
{
	uint32_t old = id_find(sv, d->id), s;

	if (old != NO_SLOT)
		slot_kill(sv, old);
	if (sv->nslots + 1 >= sv->capslots) {
		size_t cap = sv->capslots ? sv->capslots * 2 : 1024, ow = (sv->capslots + 63) / 64;

		sv->pid = xreallocarray(sv->pid, cap, sizeof *sv->pid);
		sv->dlen = xreallocarray(sv->dlen, cap, sizeof *sv->dlen);
		sv->city = xreallocarray(sv->city, cap, sizeof *sv->city);
		sv->cat = xreallocarray(sv->cat, cap, sizeof *sv->cat);
		sv->exh = xreallocarray(sv->exh, cap, sizeof *sv->exh);
		sv->fwd_off = xreallocarray(sv->fwd_off, cap + 1, sizeof *sv->fwd_off);
		sv->live = xreallocarray(sv->live, (cap + 63) / 64, sizeof *sv->live);
		memset(sv->live + ow, 0, ((cap + 63) / 64 - ow) * sizeof *sv->live);
		if (sv->capslots == 0)
			sv->fwd_off[0] = 0;
		sv->capslots = cap;
	}
	s = (uint32_t)sv->nslots++;
	sv->pid[s] = d->id;
	sv->dlen[s] = (uint16_t)(d->len > UINT16_MAX ? UINT16_MAX : d->len);
	sv->city[s] = (uint16_t)vals_id(&sv->cities, d->city, 1);
	sv->cat[s] = (uint16_t)vals_id(&sv->cats, d->category, 1);
	sv->exh[s] = exh_id(sv, d->exhibitor, 1);
	/* Forward entries: interned, sorted by token id, delta-coded. */
	if (d->n > sv->ftmpcap) {
		sv->ftmpcap = d->n + 64;
		sv->ftmp = xreallocarray(sv->ftmp, sv->ftmpcap, sizeof *sv->ftmp);
	}
	for (size_t i = 0; i < d->n; i++) {
		const struct dtok *t = &d->t[i];
		uint32_t tid = tok_intern(sv, d->text.data + t->off, t->len, t->hash);
		double fq = t->freq * FREQ_SCALE;

		sv->ftmp[i] = (uint64_t)tid << 16 | (uint16_t)(fq > UINT16_MAX ? UINT16_MAX : lrint(fq));
		sv->toks[tid].df++;
	}
	u64_sort(sv->ftmp, d->n);
	while (sv->nfwd + d->n * 8 > sv->capfwd) {
		sv->capfwd = sv->capfwd ? sv->capfwd * 2 : 65536;
		sv->fwd = xreallocarray(sv->fwd, sv->capfwd, 1);
	}
	for (size_t i = 0, prev = 0; i < d->n; i++) {
		uint32_t tid = (uint32_t)(sv->ftmp[i] >> 16);

		sv->nfwd += varint_put(sv->fwd + sv->nfwd, tid - (uint32_t)prev);
		sv->nfwd += varint_put(sv->fwd + sv->nfwd, (uint32_t)(sv->ftmp[i] & 0xffff));
		prev = tid;
	}
	sv->nfwd_ent += d->n;
	sv->fwd_off[s + 1] = sv->nfwd;
	fields_add(sv, d, s);
	sv->live[s >> 6] |= 1ULL << (s & 63);
	roaring_bitmap_add(sv->live_bm, s);
	if (sv->city[s] != 0)
		roaring_bitmap_add(sv->cities.bm[sv->city[s]], s);
	if (sv->cat[s] != 0)
		roaring_bitmap_add(sv->cats.bm[sv->cat[s]], s);
	if (sv->exh[s] != 0)
		roaring_bitmap_add(sv->exhs.bm[sv->exh[s]], s);
	sv->ndocs++;
	sv->sumlen += sv->dlen[s];
	id_set(sv, d->id, s);
	return s;
}

void
serve_build_add(struct serve *sv, const struct serve_doc *d)
{
	if (sv->built)
		fatal("%s: the build is finished", __func__);
	slot_add(sv, d);
}

static const struct serve *sort_sv;	/* for tok_cmp: the build runs on one thread */

static int
tok_cmp(const void *a, const void *b)
{
	const struct stok *x = &sort_sv->toks[*(const uint32_t *)a];
	const struct stok *y = &sort_sv->toks[*(const uint32_t *)b];
	int c = memcmp(sort_sv->strs + x->str, sort_sv->strs + y->str, x->len < y->len ? x->len :
	    y->len);

	return c != 0 ? c : (x->len > y->len) - (x->len < y->len);
}

/* A slot and its product id, for putting the build's slots in id order. */
struct slot_id {
	int64_t		id;
	uint32_t	slot;
};

static int
slot_id_cmp(const void *a, const void *b)
{
	const struct slot_id *x = a, *y = b;

	return (x->id > y->id) - (x->id < y->id);
}

/*
 * Numbers the build's live slots in product id order, dropping dead ones,
 * if they came in another order (a build fed by several threads): the
 * layer is then the one adding them in id order gives, whatever order
 * they came in.  Runs before the postings are laid out.
 */
static void
slots_in_id_order(struct serve *sv)
{
	struct slot_id *order;
	size_t n = 0, nf = 0, nm = 0, words = (sv->capslots + 63) / 64;
	int sorted = 1;
	int64_t *pid;
	uint16_t *dlen, *city, *cat;
	uint32_t *exh;
	uint64_t *fwd_off, *fmask_off;
	uint8_t *fwd, *fmask;

	for (uint32_t d = 0; d < sv->nslots && sorted; d++)
		if (!is_live(sv, d) || (d > 0 && sv->pid[d - 1] >= sv->pid[d]))
			sorted = 0;
	if (sorted)
		return;
	order = xcalloc(sv->nslots + 1, sizeof *order);
	for (uint32_t d = 0; d < sv->nslots; d++)
		if (is_live(sv, d))
			order[n++] = (struct slot_id){ sv->pid[d], d };
	qsort(order, n, sizeof *order, slot_id_cmp);
	pid = xcalloc(sv->capslots, sizeof *pid);
	dlen = xcalloc(sv->capslots, sizeof *dlen);
	city = xcalloc(sv->capslots, sizeof *city);
	cat = xcalloc(sv->capslots, sizeof *cat);
	exh = xcalloc(sv->capslots, sizeof *exh);
	fwd_off = xcalloc(sv->capslots + 1, sizeof *fwd_off);
	fmask_off = xcalloc(sv->capfmask_off, sizeof *fmask_off);
	fwd = xmalloc(sv->capfwd);
	fmask = xmalloc(sv->capfmask);
	for (size_t i = 0; i < n; i++) {
		uint32_t d = order[i].slot;
		uint64_t fl = sv->fwd_off[d + 1] - sv->fwd_off[d];
		uint64_t ml = sv->fmask_off[d + 1] - sv->fmask_off[d];

		pid[i] = sv->pid[d];
		dlen[i] = sv->dlen[d];
		city[i] = sv->city[d];
		cat[i] = sv->cat[d];
		exh[i] = sv->exh[d];
		memcpy(fwd + nf, sv->fwd + sv->fwd_off[d], fl);
		fwd_off[i] = nf;
		nf += fl;
		fwd_off[i + 1] = nf;
		memcpy(fmask + nm, sv->fmask + sv->fmask_off[d], ml);
		fmask_off[i] = nm;
		nm += ml;
		fmask_off[i + 1] = nm;
	}
	free(sv->pid), sv->pid = pid;
	free(sv->dlen), sv->dlen = dlen;
	free(sv->city), sv->city = city;
	free(sv->cat), sv->cat = cat;
	free(sv->exh), sv->exh = exh;
	free(sv->fwd_off), sv->fwd_off = fwd_off;
	free(sv->fmask_off), sv->fmask_off = fmask_off;
	free(sv->fwd), sv->fwd = fwd;
	free(sv->fmask), sv->fmask = fmask;
	sv->nfwd = nf;
	sv->nfmask = nm;
	sv->nslots = n;
	/* Live, the id map and the bitmaps, as the new slots say. */
	memset(sv->live, 0, words * sizeof *sv->live);
	memset(sv->idv, 0xff, sv->idcap * sizeof *sv->idv);
	sv->nid = 0;
	roaring_bitmap_clear(sv->live_bm);
	for (size_t i = 1; i < sv->cities.n; i++)
		roaring_bitmap_clear(sv->cities.bm[i]);
	for (size_t i = 1; i < sv->cats.n; i++)
		roaring_bitmap_clear(sv->cats.bm[i]);
	for (size_t i = 1; i < sv->exhs.n; i++)
		roaring_bitmap_clear(sv->exhs.bm[i]);
	for (uint32_t d = 0; d < n; d++) {
		sv->live[d >> 6] |= 1ULL << (d & 63);
		roaring_bitmap_add(sv->live_bm, d);
		if (sv->city[d] != 0)
			roaring_bitmap_add(sv->cities.bm[sv->city[d]], d);
		if (sv->cat[d] != 0)
			roaring_bitmap_add(sv->cats.bm[sv->cat[d]], d);
		if (sv->exh[d] != 0)
			roaring_bitmap_add(sv->exhs.bm[sv->exh[d]], d);
		id_set(sv, sv->pid[d], d);
	}
	free(order);
}

/* ---- matching's exact factor ---- */

#define MATCH_K1		1.0	/* a field's saturation in matching, as Xapian's BM25 */
#define MATCH_B			0.5
#define MATCH_MIN_NORMLEN	0.5

/*
 * What a token adds to slot d's matching score before the query's weight
 * × idf: its frequency f (field-weighted) split back into the fields of
 * mask (one occurrence each, the rest in the lightest, the longest text as
 * a rule), each field saturated on its own as Xapian's BM25 does, so a word
 * in the name and the description counts for both, not once and a bit.
 * The length factor uses the build's avgdl, fixed as the impacts' is.
 */
static double
match_factor(const struct serve *sv, uint32_t d, double f, unsigned mask)
{
	double wsum = 0, wmin = 0, extra, normlen, k, score = 0;
	size_t fmin = 0;

	for (size_t i = 0; i < sv->nfields && i < SERVE_MATCH_FIELDS; i++)
		if (mask & (1u << i) && sv->wq[i] > 0) {
			double w = sv->wq[i] / FREQ_SCALE;

			wsum += w;
			if (wmin == 0 || w < wmin) {
				wmin = w;
				fmin = i;
			}
		}
	if (wmin <= 0)
		return 0;
	extra = f > wsum ? (f - wsum) / wmin : 0;
	normlen = sv->dlen[d] / sv->avgdl;
	if (normlen < MATCH_MIN_NORMLEN)
		normlen = MATCH_MIN_NORMLEN;
	k = MATCH_K1 * (normlen * MATCH_B + (1 - MATCH_B));
	for (size_t i = 0; i < sv->nfields && i < SERVE_MATCH_FIELDS; i++)
		if (mask & (1u << i)) {
			double wdf = 1 + (i == fmin ? extra : 0);

			score += sv->wq[i] / FREQ_SCALE * wdf / (k + wdf);
		}
	return score;
}

/* Sets the scale of quantised factors: the largest factor (each field's weight) to 65,535. */
static void
match_scale(struct serve *sv)
{
	double sup = 0;

	for (size_t i = 0; i < sv->nfields && i < SERVE_MATCH_FIELDS; i++)
		if (sv->wq[i] > 0)
			sup += sv->wq[i] / FREQ_SCALE;
	sv->mxscale = sup > 0 ? 65535.0 / sup : 0;
}

/*
 * A posting's factor (frequency freq in FREQ_SCALE units, fields mask) as
 * stage 1 of matching sums it: quantised, and at least 1, so a posting
 * always adds to the document it touches.
 */
static uint16_t
match_q(const struct serve *sv, uint32_t d, uint32_t freq, unsigned mask)
{
	long v = lrint(match_factor(sv, d, freq / FREQ_SCALE, mask) * sv->mxscale);

	return (uint16_t)(v < 1 ? 1 : v > 65535 ? 65535 : v);
}

void
serve_build_finish(struct serve *sv, long long seq)
{
	struct fwd_it it;
	uint32_t tok, freq, *last;

	slots_in_id_order(sv);
	if (sv->nslots > (size_t)UINT16_MAX << SEG_BITS)
		fatal("%s: %zu documents", __func__, sv->nslots);
	sv->avgdl = sv->ndocs > 0 ? (double)sv->sumlen / (double)sv->ndocs : 1.0;
	if (sv->avgdl <= 0)
		sv->avgdl = 1.0;
	/*
	 * Lists laid out back to back, each in docid order, with a directory
	 * entry where a list enters a new segment: count, then fill.
	 */
	last = xcalloc(sv->ntok + 1, sizeof *last);	/* segment + 1 a token last had */
	sv->npost = sv->ndir = 0;
	for (uint32_t d = 0; d < sv->nslots; d++) {
		if (!is_live(sv, d))
			continue;
		fwd_begin(sv, d, &it);
		while (fwd_next(&it, &tok, &freq))
			if (last[tok] != (d >> SEG_BITS) + 1) {
				last[tok] = (d >> SEG_BITS) + 1;
				sv->toks[tok].ndir++;
			}
	}
	sv->nranges_base = ((sv->nslots + SEG_SIZE - 1) >> SEG_BITS) << (SEG_BITS - RANGE_BITS);
	sv->nbmax = 0;
	for (size_t t = 0; t < sv->ntok; t++) {
		sv->toks[t].base = sv->npost;
		sv->npost += sv->toks[t].df;
		sv->toks[t].nbase = 0;
		sv->toks[t].dir = sv->ndir;
		sv->ndir += sv->toks[t].ndir;
		sv->toks[t].ndir = 0;
		sv->toks[t].bmax = NO_BMAX;
		if (sv->toks[t].df >= BMAX_MIN_DF) {
			sv->toks[t].bmax = sv->nbmax;
			sv->nbmax += sv->nranges_base;
		}
		last[t] = 0;
	}
	sv->bmax = xcalloc(sv->nbmax + 1, sizeof *sv->bmax);
	sv->bmaxm = xcalloc(sv->nbmax + 1, sizeof *sv->bmaxm);
	sv->plo = xmalloc((sv->npost + 1) * sizeof *sv->plo);
	sv->pimp = xmalloc((sv->npost + 1) * sizeof *sv->pimp);
	sv->pmx = xmalloc((sv->npost + 1) * sizeof *sv->pmx);
	match_scale(sv);
	sv->dseg = xmalloc((sv->ndir + 1) * sizeof *sv->dseg);
	sv->doff = xmalloc((sv->ndir + 1) * sizeof *sv->doff);
	for (uint32_t d = 0; d < sv->nslots; d++) {
		uint64_t e;

		if (!is_live(sv, d))
			continue;
		fwd_begin(sv, d, &it);
		for (e = sv->fmask_off[d]; fwd_next(&it, &tok, &freq); e++) {
			struct stok *t = &sv->toks[tok];
			uint64_t p = t->base + t->nbase;

			if (last[tok] != (d >> SEG_BITS) + 1) {
				last[tok] = (d >> SEG_BITS) + 1;
				sv->dseg[t->dir + t->ndir] = (uint16_t)(d >> SEG_BITS);
				sv->doff[t->dir + t->ndir] = t->nbase;
				t->ndir++;
			}
			sv->plo[p] = (uint16_t)(d & SEG_MASK);
			sv->pimp[p] = impact(sv, (uint16_t)freq, sv->dlen[d]);
			sv->pmx[p] = match_q(sv, d, freq, sv->fmask[e]);
			if (t->bmax != NO_BMAX) {
				uint16_t *m = &sv->bmax[t->bmax + (d >> RANGE_BITS)];
				uint16_t *mm = &sv->bmaxm[t->bmax + (d >> RANGE_BITS)];

				if (*m < sv->pimp[p])
					*m = sv->pimp[p];
				if (*mm < sv->pmx[p])
					*mm = sv->pmx[p];
			}
			t->nbase++;
		}
	}
	free(last);
	/* Where each range starts in a long list's segment runs. */
	sv->roff = xcalloc(sv->nbmax + 1, sizeof *sv->roff);
	for (size_t t = 0; t < sv->ntok; t++) {
		const struct stok *tk = &sv->toks[t];

		if (tk->bmax == NO_BMAX)
			continue;
		for (uint64_t r = tk->dir; r < tk->dir + tk->ndir; r++) {
			uint64_t from = tk->base + sv->doff[r];
			uint64_t n = (r + 1 < tk->dir + tk->ndir ? sv->doff[r + 1] : tk->nbase) -
			    sv->doff[r];
			uint16_t *ro = sv->roff + tk->bmax + ((size_t)sv->dseg[r] << (SEG_BITS -
			    RANGE_BITS));
			uint64_t i = 0;

			for (uint32_t k = 0; k < SEG_SIZE / RANGE_SIZE; k++) {
				while (i < n && (uint32_t)(sv->plo[from + i] >> RANGE_BITS) < k)
					i++;
				ro[k] = (uint16_t)i;
			}
		}
	}
	/* The forward index grows no more in bulk: give back its slack. */
	sv->capfwd = sv->nfwd + 65536;
	sv->fwd = xreallocarray(sv->fwd, sv->capfwd, 1);
	sv->capfmask = sv->nfmask + 65536;
	sv->fmask = xreallocarray(sv->fmask, sv->capfmask, 1);
	sv->sorted = xmalloc((sv->ntok + 1) * sizeof *sv->sorted);
	for (size_t t = 0; t < sv->ntok; t++)
		sv->sorted[t] = (uint32_t)t;
	sort_sv = sv;
	qsort(sv->sorted, sv->ntok, sizeof *sv->sorted, tok_cmp);
	sort_sv = NULL;
	sv->nsorted = sv->ntok;
	roaring_bitmap_run_optimize(sv->live_bm);
	for (size_t i = 1; i < sv->cities.n; i++)
		roaring_bitmap_run_optimize(sv->cities.bm[i]);
	for (size_t i = 1; i < sv->cats.n; i++)
		roaring_bitmap_run_optimize(sv->cats.bm[i]);
	for (size_t i = 1; i < sv->exhs.n; i++) {
		roaring_bitmap_run_optimize(sv->exhs.bm[i]);
		roaring_bitmap_shrink_to_fit(sv->exhs.bm[i]);
	}
	sv->seq = seq;
	sv->built = 1;
}

/* ---- saving and restoring a built layer (the file is serve_file.c's) ---- */

/*
 * A built layer is saved as these scalars, then its arrays in the order
 * serve_write gives them, each as a byte count and the bytes.  Whatever is
 * derived from them (the hash tables, the id map, the bitmaps) is made
 * again by serve_read.  A field added to struct serve that a query reads
 * must be saved here too, or derivable from what is.
 */
struct serve_saved {
	uint64_t	layout;		/* sizeof (struct stok): saved as it is */
	uint64_t	nfields, ntok, nstrs, nsorted, npost, ndir, nbmax, nranges_base;
	uint64_t	nslots, ndocs, sumlen, nfwd, nfwd_ent, nfmask, ncities, ncats, nexhs;
	int64_t		seq;
	double		wq[SERVE_MAX_TERMS], avgdl;
};

/* One array as saved: its byte count, then its bytes. */
static int
array_write(serve_write_fn w, void *arg, const void *p, size_t n)
{
	static const uint64_t none[1];	/* an empty layer's one offset, never allocated */
	uint64_t len = n;

	if (p == NULL && n > 0) {
		if (n > sizeof none)
			return -1;
		p = none;
	}

	return w(arg, &len, sizeof len) != 0 || (n > 0 && w(arg, p, n) != 0) ? -1 : 0;
}

/* Values v[1..n) as saved: each length and bytes. */
static int
vals_write(const struct vals *v, serve_write_fn w, void *arg)
{
	for (size_t i = 1; i < v->n; i++)
		if (array_write(w, arg, v->v[i], strlen(v->v[i])) != 0)
			return -1;
	return 0;
}

int
serve_write(struct serve *sv, serve_write_fn w, void *arg)
{
	struct serve_saved h;
	struct stok *toks;
	int rc;

	pthread_rwlock_rdlock(&sv->lock);
	if (!sv->built || sv->ntail > 0 || sv->nsorted != sv->ntok) {
		/* Only a build as laid out, before any update, is saved. */
		pthread_rwlock_unlock(&sv->lock);
		return -1;
	}
	h = (struct serve_saved){ sizeof(struct stok), sv->nfields, sv->ntok, sv->nstrs,
	    sv->nsorted, sv->npost, sv->ndir, sv->nbmax, sv->nranges_base, sv->nslots, sv->ndocs,
	    sv->sumlen, sv->nfwd, sv->nfwd_ent, sv->nfmask, sv->cities.n, sv->cats.n, sv->exhs.n,
	    sv->seq, { 0 }, sv->avgdl };
	memcpy(h.wq, sv->wq, sizeof h.wq);
	/* Tokens without their tails (none after a build), padding zeroed. */
	toks = xcalloc(sv->ntok + 1, sizeof *toks);
	for (size_t t = 0; t < sv->ntok; t++) {
		toks[t] = sv->toks[t];
		toks[t].tail = NULL;
	}
	rc = w(arg, &h, sizeof h) != 0 ||
	    array_write(w, arg, toks, sv->ntok * sizeof *toks) != 0 ||
	    array_write(w, arg, sv->strs, sv->nstrs) != 0 ||
	    array_write(w, arg, sv->sorted, sv->nsorted * sizeof *sv->sorted) != 0 ||
	    array_write(w, arg, sv->plo, sv->npost * sizeof *sv->plo) != 0 ||
	    array_write(w, arg, sv->pimp, sv->npost * sizeof *sv->pimp) != 0 ||
	    array_write(w, arg, sv->pmx, sv->npost * sizeof *sv->pmx) != 0 ||
	    array_write(w, arg, sv->dseg, sv->ndir * sizeof *sv->dseg) != 0 ||
	    array_write(w, arg, sv->doff, sv->ndir * sizeof *sv->doff) != 0 ||
	    array_write(w, arg, sv->bmax, sv->nbmax * sizeof *sv->bmax) != 0 ||
	    array_write(w, arg, sv->roff, sv->nbmax * sizeof *sv->roff) != 0 ||
	    array_write(w, arg, sv->bmaxm, sv->nbmax * sizeof *sv->bmaxm) != 0 ||
	    array_write(w, arg, sv->pid, sv->nslots * sizeof *sv->pid) != 0 ||
	    array_write(w, arg, sv->dlen, sv->nslots * sizeof *sv->dlen) != 0 ||
	    array_write(w, arg, sv->city, sv->nslots * sizeof *sv->city) != 0 ||
	    array_write(w, arg, sv->cat, sv->nslots * sizeof *sv->cat) != 0 ||
	    array_write(w, arg, sv->exh, sv->nslots * sizeof *sv->exh) != 0 ||
	    array_write(w, arg, sv->fwd_off, (sv->nslots + 1) * sizeof *sv->fwd_off) != 0 ||
	    array_write(w, arg, sv->live, (sv->nslots + 63) / 64 * sizeof *sv->live) != 0 ||
	    array_write(w, arg, sv->fwd, sv->nfwd) != 0 ||
	    array_write(w, arg, sv->fmask, sv->nfmask) != 0 ||
	    array_write(w, arg, sv->fmask_off, (sv->nslots + 1) * sizeof *sv->fmask_off) != 0 ||
	    vals_write(&sv->cities, w, arg) != 0 || vals_write(&sv->cats, w, arg) != 0 ||
	    vals_write(&sv->exhs, w, arg) != 0 ? -1 : 0;
	free(toks);
	pthread_rwlock_unlock(&sv->lock);
	return rc;
}

/*
 * Reads an array of exactly want bytes into a new allocation of at least
 * cap bytes (the rest zeroed); NULL if the saved count differs or r fails.
 */
static void *
array_read(serve_read_fn r, void *arg, uint64_t want, size_t cap)
{
	uint64_t len;
	void *p;

	if (r(arg, &len, sizeof len) != 0 || len != want)
		return NULL;
	p = xcalloc(1, cap > want ? cap : want + 1);
	if (want > 0 && r(arg, p, want) != 0) {
		free(p);
		return NULL;
	}
	return p;
}

/* Reads n − 1 values into v (ids 1..n−1, in order); -1 on a short or bad read. */
static int
vals_read(struct vals *v, uint64_t n, serve_read_fn r, void *arg)
{
	for (uint64_t i = 1; i < n; i++) {
		uint64_t len;
		char *s;

		if (r(arg, &len, sizeof len) != 0 || len == 0 || len > 65536)
			return -1;
		s = xcalloc(1, len + 1);
		if (r(arg, s, len) != 0 || strlen(s) != len || vals_id(v, s, 1) != i) {
			free(s);
			return -1;
		}
		free(s);
	}
	return 0;
}

struct serve *
serve_read(serve_read_fn r, void *arg)
{
	struct serve_saved h;
	struct serve *sv;
	int ok;

	if (r(arg, &h, sizeof h) != 0 || h.layout != sizeof(struct stok) || h.nfields == 0 ||
	    h.nfields > SERVE_MAX_TERMS || h.nsorted != h.ntok || h.ntok > UINT32_MAX ||
	    h.nslots > (uint64_t)UINT16_MAX << SEG_BITS || h.ncities == 0 || h.ncats == 0 ||
	    h.ncities > UINT16_MAX + 1 || h.ncats > UINT16_MAX + 1 || h.nexhs == 0 ||
	    h.nexhs > UINT32_MAX)
		return NULL;
	sv = xcalloc(1, sizeof *sv);
	pthread_rwlock_init(&sv->lock, NULL);
	memcpy(sv->wq, h.wq, sizeof sv->wq);
	sv->nfields = h.nfields;
	match_scale(sv);
	sv->seq = h.seq;
	sv->avgdl = h.avgdl;
	sv->ntok = sv->captok = h.ntok;
	sv->nstrs = sv->capstrs = h.nstrs;
	sv->nsorted = h.nsorted;
	sv->npost = h.npost;
	sv->ndir = h.ndir;
	sv->nbmax = h.nbmax;
	sv->nranges_base = h.nranges_base;
	sv->nslots = h.nslots;
	sv->capslots = h.nslots + 1;
	sv->ndocs = h.ndocs;
	sv->sumlen = h.sumlen;
	sv->nfwd = sv->capfwd = h.nfwd;
	sv->nfwd_ent = h.nfwd_ent;
	sv->nfmask = sv->capfmask = h.nfmask;
	sv->capfmask_off = h.nslots + 2;
	sv->cities.n = sv->cats.n = sv->exhs.n = 1;	/* as serve_new */
	sv->cities.max = sv->cats.max = UINT16_MAX;
	sv->exhs.max = UINT32_MAX - 1;
	sv->live_bm = roaring_bitmap_create();
	ok = (sv->toks = array_read(r, arg, h.ntok * sizeof *sv->toks, 0)) != NULL &&
	    (sv->strs = array_read(r, arg, h.nstrs, 0)) != NULL &&
	    (sv->sorted = array_read(r, arg, h.nsorted * sizeof *sv->sorted, 0)) != NULL &&
	    (sv->plo = array_read(r, arg, h.npost * sizeof *sv->plo, 0)) != NULL &&
	    (sv->pimp = array_read(r, arg, h.npost * sizeof *sv->pimp, 0)) != NULL &&
	    (sv->pmx = array_read(r, arg, h.npost * sizeof *sv->pmx, 0)) != NULL &&
	    (sv->dseg = array_read(r, arg, h.ndir * sizeof *sv->dseg, 0)) != NULL &&
	    (sv->doff = array_read(r, arg, h.ndir * sizeof *sv->doff, 0)) != NULL &&
	    (sv->bmax = array_read(r, arg, h.nbmax * sizeof *sv->bmax, 0)) != NULL &&
	    (sv->roff = array_read(r, arg, h.nbmax * sizeof *sv->roff, 0)) != NULL &&
	    (sv->bmaxm = array_read(r, arg, h.nbmax * sizeof *sv->bmaxm, 0)) != NULL &&
	    (sv->pid = array_read(r, arg, h.nslots * sizeof *sv->pid,
	    sv->capslots * sizeof *sv->pid)) != NULL &&
	    (sv->dlen = array_read(r, arg, h.nslots * sizeof *sv->dlen,
	    sv->capslots * sizeof *sv->dlen)) != NULL &&
	    (sv->city = array_read(r, arg, h.nslots * sizeof *sv->city,
	    sv->capslots * sizeof *sv->city)) != NULL &&
	    (sv->cat = array_read(r, arg, h.nslots * sizeof *sv->cat,
	    sv->capslots * sizeof *sv->cat)) != NULL &&
	    (sv->exh = array_read(r, arg, h.nslots * sizeof *sv->exh,
	    sv->capslots * sizeof *sv->exh)) != NULL &&
	    (sv->fwd_off = array_read(r, arg, (h.nslots + 1) * sizeof *sv->fwd_off,
	    (sv->capslots + 1) * sizeof *sv->fwd_off)) != NULL &&
	    (sv->live = array_read(r, arg, (h.nslots + 63) / 64 * sizeof *sv->live,
	    (sv->capslots + 63) / 64 * sizeof *sv->live)) != NULL &&
	    (sv->fwd = array_read(r, arg, h.nfwd, 0)) != NULL &&
	    (sv->fmask = array_read(r, arg, h.nfmask, 0)) != NULL &&
	    (sv->fmask_off = array_read(r, arg, (h.nslots + 1) * sizeof *sv->fmask_off,
	    sv->capfmask_off * sizeof *sv->fmask_off)) != NULL &&
	    vals_read(&sv->cities, h.ncities, r, arg) == 0 &&
	    vals_read(&sv->cats, h.ncats, r, arg) == 0 &&
	    vals_read(&sv->exhs, h.nexhs, r, arg) == 0;
	if (sv->toks == NULL)
		sv->ntok = 0;
	for (size_t t = 0; t < sv->ntok; t++)	/* saved as NULL; never trusted */
		sv->toks[t].tail = NULL;
	if (!ok) {
		serve_free(sv);
		return NULL;
	}
	/* What the saved arrays imply: token hash table, id map, bitmaps. */
	while (sv->ntok * 2 > sv->thtcap)
		sv->thtcap = sv->thtcap ? sv->thtcap * 2 : 4096;
	sv->thtcap /= 2;
	tok_rehash(sv);
	for (uint32_t d = 0; d < sv->nslots; d++) {
		if (!is_live(sv, d) || sv->city[d] >= sv->cities.n || sv->cat[d] >= sv->cats.n ||
		    sv->exh[d] >= sv->exhs.n) {
			if (is_live(sv, d)) {
				serve_free(sv);
				return NULL;
			}
			continue;
		}
		id_set(sv, sv->pid[d], d);
		roaring_bitmap_add(sv->live_bm, d);
		if (sv->city[d] != 0)
			roaring_bitmap_add(sv->cities.bm[sv->city[d]], d);
		if (sv->cat[d] != 0)
			roaring_bitmap_add(sv->cats.bm[sv->cat[d]], d);
		if (sv->exh[d] != 0)
			roaring_bitmap_add(sv->exhs.bm[sv->exh[d]], d);
	}
	roaring_bitmap_run_optimize(sv->live_bm);
	for (size_t i = 1; i < sv->cities.n; i++)
		roaring_bitmap_run_optimize(sv->cities.bm[i]);
	for (size_t i = 1; i < sv->cats.n; i++)
		roaring_bitmap_run_optimize(sv->cats.bm[i]);
	for (size_t i = 1; i < sv->exhs.n; i++)
		roaring_bitmap_run_optimize(sv->exhs.bm[i]);
	sv->built = 1;
	return sv;
}

/* Adds d after the build: new slot, postings in the tails. */
static void
put_locked(struct serve *sv, const struct serve_doc *d)
{
	uint32_t s = slot_add(sv, d), tok, freq;
	struct fwd_it it;
	uint64_t e;

	if (sv->avgdl <= 0)
		sv->avgdl = 1.0;
	if (sv->mxscale <= 0)
		match_scale(sv);
	fwd_begin(sv, s, &it);
	for (e = sv->fmask_off[s]; fwd_next(&it, &tok, &freq); e++) {
		struct stok *t = &sv->toks[tok];
		struct tail *tl = t->tail;

		if (tl == NULL)
			tl = t->tail = xcalloc(1, sizeof *tl);
		if (tl->n == tl->cap) {
			tl->cap = tl->cap ? tl->cap * 2 : 4;
			tl->doc = xreallocarray(tl->doc, tl->cap, sizeof *tl->doc);
			tl->imp = xreallocarray(tl->imp, tl->cap, sizeof *tl->imp);
			tl->mx = xreallocarray(tl->mx, tl->cap, sizeof *tl->mx);
		}
		tl->doc[tl->n] = s;
		tl->imp[tl->n] = impact(sv, (uint16_t)freq, sv->dlen[s]);
		tl->mx[tl->n] = match_q(sv, s, freq, sv->fmask[e]);
		tl->n++;
		sv->ntail++;
	}
}

static void
remove_locked(struct serve *sv, int64_t id)
{
	uint32_t s = id_find(sv, id);

	if (s != NO_SLOT)
		slot_kill(sv, s);
}

void
serve_put(struct serve *sv, const struct serve_doc *d)
{
	pthread_rwlock_wrlock(&sv->lock);
	if (!sv->built)
		slot_add(sv, d);
	else
		put_locked(sv, d);
	pthread_rwlock_unlock(&sv->lock);
}

void
serve_remove(struct serve *sv, int64_t id)
{
	pthread_rwlock_wrlock(&sv->lock);
	remove_locked(sv, id);
	pthread_rwlock_unlock(&sv->lock);
}

void
serve_apply(struct serve *sv, struct serve_doc *const *put, size_t nput,
    const int64_t *removed, size_t nremoved, long long seq)
{
	pthread_rwlock_wrlock(&sv->lock);
	for (size_t i = 0; i < nremoved; i++)
		remove_locked(sv, removed[i]);
	for (size_t i = 0; i < nput; i++) {
		if (!sv->built)
			slot_add(sv, put[i]);
		else
			put_locked(sv, put[i]);
	}
	if (seq > sv->seq)
		sv->seq = seq;
	pthread_rwlock_unlock(&sv->lock);
}

long long
serve_seq(struct serve *sv)
{
	long long seq;

	pthread_rwlock_rdlock(&sv->lock);
	seq = sv->seq;
	pthread_rwlock_unlock(&sv->lock);
	return seq;
}

int
serve_same_weights(const struct serve *a, const struct serve *b)
{
	/* Set once, before any reader: no lock needed. */
	return a->nfields == b->nfields &&
	    memcmp(a->wq, b->wq, a->nfields * sizeof *a->wq) == 0;
}

/* ---- queries ---- */

struct serve_scratch *
serve_scratch_new(void)
{
	struct serve_scratch *s = xcalloc(1, sizeof *s);

	s->score = xcalloc(SEG_SIZE, sizeof *s->score);
	s->mask = xcalloc(SEG_SIZE, sizeof *s->mask);
	s->touched = xcalloc(SEG_SIZE, sizeof *s->touched);
	s->epoch = 1;
	return s;
}

void
serve_scratch_free(struct serve_scratch *s)
{
	if (s == NULL)
		return;
	free(s->score);
	free(s->mask);
	free(s->touched);
	free(s->pacc);
	free(s->pbits);
	for (size_t i = 0; i < SERVE_MAX_TERMS; i++)
		free(s->pl[i]);
	free(s->ccount);
	free(s->kcount);
	free(s->callow);
	free(s->heap);
	free(s->hits);
	free(s->wbits);
	free(s->mbits);
	free(s->segs);
	for (size_t i = 0; i < SERVE_MAX_TERMS; i++)
		free(s->rm[i]);
	free(s->rub);
	free(s->rfirst);
	free(s->rheap);
	free(s->mscore);
	free(s->mmax);
	free(s->mub);
	free(s->mheap);
	free(s);
}

/* Grows s for sv's values. */
static void
scratch_ready(struct serve_scratch *s, const struct serve *sv)
{
	if (s->ccap < sv->cities.n) {
		s->ccap = sv->cities.n + 16;
		s->ccount = xreallocarray(s->ccount, s->ccap, sizeof *s->ccount);
		s->callow = xreallocarray(s->callow, s->ccap, sizeof *s->callow);
	}
	if (s->kcap < sv->cats.n) {
		s->kcap = sv->cats.n + 16;
		s->kcount = xreallocarray(s->kcount, s->kcap, sizeof *s->kcount);
	}
}

/* Grows s's prefix accumulator for sv's documents; starts a new prefix epoch. */
static void
scratch_prefix_ready(struct serve_scratch *s, const struct serve *sv)
{
	if (s->cap < sv->nslots) {
		size_t cap = sv->nslots + sv->nslots / 4 + 64, ow = (s->cap + 63) / 64;

		s->pacc = xreallocarray(s->pacc, cap, sizeof *s->pacc);
		memset(s->pacc + s->cap, 0, (cap - s->cap) * sizeof *s->pacc);
		s->pbits = xreallocarray(s->pbits, (cap + 63) / 64, sizeof *s->pbits);
		memset(s->pbits + ow, 0, ((cap + 63) / 64 - ow) * sizeof *s->pbits);
		s->cap = cap;
	}
	if (++s->epoch == 0) {	/* wrapped: forget every stamp */
		for (size_t i = 0; i < s->cap; i++)
			s->pacc[i].stamp = 0;
		s->epoch = 1;
	}
}

/* FTS5's idf: log((N - n + 0.5) / (n + 0.5)), never below 1e-6. */
static double
idf(const struct serve *sv, uint32_t df)
{
	double v = log(((double)sv->ndocs - df + 0.5) / (df + 0.5));

	return v <= 0.0 ? 1e-6 : v;
}

/* Adds w · impact of each posting of one segment's run (lo, imp, n) for word bit. */
static size_t
acc_run(struct serve_scratch *s, size_t nt, const uint16_t *lo, const uint16_t *imp,
    size_t n, float w, uint32_t bit)
{
	float *score = s->score;
	uint32_t *mask = s->mask;
	uint16_t *touched = s->touched;

	for (size_t i = 0; i < n; i++) {
		uint16_t d = lo[i];

		if (mask[d] == 0)
			touched[nt++] = d;
		score[d] += w * imp[i];
		mask[d] |= bit;
	}
	return nt;
}

/* Sums the recovered weighted frequencies of one list into the prefix accumulator. */
static void
pacc_add(const struct serve *sv, struct serve_scratch *s, uint32_t doc, uint16_t imp)
{
	struct pacc *e = &s->pacc[doc];
	double k = BM25_K1 * (1.0 - BM25_B + BM25_B * sv->dlen[doc] / sv->avgdl);
	double v = imp / IMP_SCALE, f;

	if (v > IMP_MAX - 1e-9)
		v = IMP_MAX - 1e-9;
	f = v * k / (IMP_MAX - v);	/* impact = f·(k1+1)/(f+k), inverted */
	if (e->stamp != s->epoch) {
		e->stamp = s->epoch;
		e->freq = 0;
		s->pbits[doc >> 6] |= 1ULL << (doc & 63);
	}
	e->freq += (float)f;
}

/* Adds every posting of token t, base and tail, to the prefix accumulator. */
static void
pacc_token(const struct serve *sv, struct serve_scratch *s, const struct stok *t)
{
	for (uint64_t r = t->dir; r < t->dir + t->ndir; r++) {
		uint64_t from = t->base + sv->doff[r];
		uint64_t to = t->base + (r + 1 < t->dir + t->ndir ? sv->doff[r + 1] : t->nbase);
		uint32_t seg = (uint32_t)sv->dseg[r] << SEG_BITS;

		for (uint64_t i = from; i < to; i++)
			pacc_add(sv, s, seg | sv->plo[i], sv->pimp[i]);
	}
	if (t->tail != NULL)
		for (uint32_t i = 0; i < t->tail->n; i++)
			pacc_add(sv, s, t->tail->doc[i], t->tail->imp[i]);
}

/* Whether token t's bytes start with p. */
static int
tok_has_prefix(const struct serve *sv, uint32_t t, const char *p, size_t n)
{
	return sv->toks[t].len >= n && memcmp(sv->strs + sv->toks[t].str, p, n) == 0;
}

/* The position in sv->sorted of the first token that sorts at or after p[0..n). */
static size_t
first_sorted_from(const struct serve *sv, const char *p, size_t n)
{
	size_t lo = 0, hi = sv->nsorted;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		const struct stok *t = &sv->toks[sv->sorted[mid]];
		size_t m = t->len < n ? t->len : n;
		int c = memcmp(sv->strs + t->str, p, m);

		if (c < 0 || (c == 0 && t->len < n))
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/*
 * A prefix term, as FTS5 scores one: a document's frequency is the sum over
 * every token with the prefix, its idf that of the documents having any.
 * Leaves the term's contributions in docid order in s->pl[slot]; returns
 * how many.
 */
POPCNT_CLONES static size_t
prefix_list(const struct serve *sv, struct serve_scratch *s, size_t slot, const char *p,
    size_t n, double *idf_out)
{
	size_t lo = first_sorted_from(sv, p, n), np = 0, live = 0, nw = (sv->nslots + 63) / 64;
	double w;

	scratch_prefix_ready(s, sv);
	for (size_t i = lo; i < sv->nsorted && tok_has_prefix(sv, sv->sorted[i], p, n); i++)
		pacc_token(sv, s, &sv->toks[sv->sorted[i]]);
	for (size_t i = sv->nsorted; i < sv->ntok; i++)	/* tokens that came with updates */
		if (tok_has_prefix(sv, (uint32_t)i, p, n))
			pacc_token(sv, s, &sv->toks[i]);
	for (size_t i = 0; i < nw; i++) {
		np += (size_t)__builtin_popcountll(s->pbits[i]);
		live += (size_t)__builtin_popcountll(s->pbits[i] & sv->live[i]);
	}
	w = *idf_out = idf(sv, (uint32_t)live);
	if (np > s->plcap[slot]) {
		s->plcap[slot] = np + np / 4 + 16;
		s->pl[slot] = xreallocarray(s->pl[slot], s->plcap[slot], sizeof *s->pl[slot]);
	}
	np = 0;
	for (size_t i = 0; i < nw; i++)	/* in docid order, clearing as it goes */
		while (s->pbits[i] != 0) {
			uint32_t d = (uint32_t)(i * 64 + (size_t)__builtin_ctzll(s->pbits[i]));
			double k = BM25_K1 * (1.0 - BM25_B + BM25_B * sv->dlen[d] / sv->avgdl);
			double f = s->pacc[d].freq;

			s->pbits[i] &= s->pbits[i] - 1;
			/* Quantised like a stored impact, so a one-token prefix scores as the token. */
			s->pl[slot][np].doc = d;
			s->pl[slot][np].score = (float)(w / IMP_SCALE *
			    lrint(f * IMP_MAX / (f + k) * IMP_SCALE));
			np++;
		}
	return np;
}

/*
 * The one token starting with p[0..n), or -1 if none or several do.  A
 * prefix only one token has (a whole pinyin word or model number typed
 * last, mostly) is read as that token's list, pruned like any other,
 * instead of summed into the prefix accumulator: a one-token prefix scores
 * as the token (prefix_list).
 */
static long
prefix_one(const struct serve *sv, const char *p, size_t n)
{
	size_t lo = first_sorted_from(sv, p, n);
	long one = -1;

	if (lo < sv->nsorted && tok_has_prefix(sv, sv->sorted[lo], p, n)) {
		if (lo + 1 < sv->nsorted && tok_has_prefix(sv, sv->sorted[lo + 1], p, n))
			return -1;
		one = sv->sorted[lo];
	}
	for (size_t i = sv->nsorted; i < sv->ntok; i++)	/* tokens that came with updates */
		if (tok_has_prefix(sv, (uint32_t)i, p, n)) {
			if (one >= 0)
				return -1;
			one = (long)i;
		}
	return one;
}

/* Whether a ranks after b: category first, then score, then the smaller id. */
static int
ent_worse(const struct heap_ent *a, const struct heap_ent *b)
{
	if (a->first != b->first)
		return a->first < b->first;
	if (a->score != b->score)
		return a->score < b->score;
	return a->id > b->id;
}

/* Keeps the best max entries in a heap whose root is the worst. */
static void
heap_offer(struct heap_ent *h, size_t *n, size_t max, const struct heap_ent *c)
{
	size_t i;

	if (*n < max) {
		for (i = (*n)++; i > 0 && ent_worse(c, &h[(i - 1) / 2]); i = (i - 1) / 2)
			h[i] = h[(i - 1) / 2];
		h[i] = *c;
		return;
	}
	if (max == 0 || !ent_worse(&h[0], c))
		return;
	for (i = 0;;) {
		size_t l = 2 * i + 1, r = l + 1, m = i;
		const struct heap_ent *mv = c;

		if (l < *n && ent_worse(&h[l], mv))
			m = l, mv = &h[l];
		if (r < *n && ent_worse(&h[r], mv))
			m = r;
		if (m == i)
			break;
		h[i] = h[m];
		i = m;
	}
	h[i] = *c;
}

static int
ent_cmp(const void *a, const void *b)
{
	return ent_worse(a, b) ? 1 : ent_worse(b, a) ? -1 : 0;
}

static int
count_cmp(const void *a, const void *b)
{
	const struct serve_count *x = a, *y = b;

	if (x->count != y->count)
		return x->count < y->count ? 1 : -1;
	return strcmp(x->value, y->value);
}

/* The non-zero counts of v, largest first, at most SERVE_MAX_FACETS. */
static struct serve_count *
facet_take(const struct vals *v, const long *count, size_t *n)
{
	struct serve_count *out = xcalloc(v->n + 1, sizeof *out);
	size_t k = 0;

	for (size_t i = 1; i < v->n; i++)
		if (count[i] > 0)
			out[k++] = (struct serve_count){ v->v[i], count[i] };
	qsort(out, k, sizeof *out, count_cmp);
	if (k > SERVE_MAX_FACETS)
		k = SERVE_MAX_FACETS;
	for (size_t i = 0; i < k; i++)
		out[i].value = xstrdup(out[i].value);
	*n = k;
	return out;
}

/*
 * The exact bm25 of slot d, as FTS5 computes it (in double, phrase by
 * phrase), from its forward entries: quantised impacts can swap two
 * documents whose scores differ by less than their rounding.  Entries
 * come in token id order: the walk stops past last, the largest id a term
 * can match.
 */
static double
rescore(const struct serve *sv, uint32_t d, const struct serve_query *q, const long *tid,
    const double *w, long last)
{
	double f[SERVE_MAX_TERMS] = { 0 }, score = 0;
	double k = BM25_K1 * (1.0 - BM25_B + BM25_B * sv->dlen[d] / sv->avgdl);
	struct fwd_it it;
	uint32_t tok, freq;

	fwd_begin(sv, d, &it);
	while (fwd_next(&it, &tok, &freq) && (long)tok <= last)
		for (size_t t = 0; t < q->nterms; t++)
			if (q->terms[t].prefix ? tok_has_prefix(sv, tok, q->terms[t].text,
			    q->terms[t].len) : tid[t] == (long)tok)
				f[t] += freq / FREQ_SCALE;
	for (size_t t = 0; t < q->nterms; t++)
		score += w[t] * (f[t] * IMP_MAX / (f[t] + k));
	return score;
}

/* Where one term's list stands as the query walks the segments. */
struct cursor {
	const struct stok	*tok;		/* an exact term's token, or NULL */
	uint64_t		 run;		/* its next directory run */
	uint32_t		 tail;		/* its next tail posting */
	const struct pent	*pl;		/* a prefix term's contributions */
	size_t			 npl, ipl;
	float			 w;		/* idf / IMP_SCALE */
	uint32_t		 bit;
	const uint16_t		*bm;		/* the token's kept range maxima, or NULL */
	float			*rm;		/* range maxima gathered by the query, or NULL */
};

/* Adds term c's postings in segment seg; returns the segment's touched count. */
static size_t
cursor_segment(const struct serve *sv, struct serve_scratch *s, struct cursor *c,
    uint32_t seg, size_t nt)
{
	uint64_t end = (uint64_t)(seg + 1) << SEG_BITS;

	if (c->pl != NULL) {
		for (; c->ipl < c->npl && c->pl[c->ipl].doc < end; c->ipl++) {
			uint16_t d = (uint16_t)(c->pl[c->ipl].doc & SEG_MASK);

			if (s->mask[d] == 0)
				s->touched[nt++] = d;
			s->score[d] += c->pl[c->ipl].score;
			s->mask[d] |= c->bit;
		}
		return nt;
	}
	if (c->tok == NULL)
		return nt;
	if (c->run < c->tok->dir + c->tok->ndir && sv->dseg[c->run] == seg) {
		const struct stok *t = c->tok;
		uint64_t from = t->base + sv->doff[c->run];
		uint64_t to = t->base + (c->run + 1 < t->dir + t->ndir ? sv->doff[c->run + 1] :
		    t->nbase);

		nt = acc_run(s, nt, sv->plo + from, sv->pimp + from, to - from, c->w, c->bit);
		c->run++;
	}
	if (c->tok->tail != NULL) {
		const struct tail *tl = c->tok->tail;

		for (; c->tail < tl->n && tl->doc[c->tail] < end; c->tail++) {
			uint16_t d = (uint16_t)(tl->doc[c->tail] & SEG_MASK);

			if (s->mask[d] == 0)
				s->touched[nt++] = d;
			s->score[d] += c->w * tl->imp[c->tail];
			s->mask[d] |= c->bit;
		}
	}
	return nt;
}

/* The next segment where c has postings; UINT32_MAX if none. */
static uint32_t
cursor_next_segment(const struct serve *sv, const struct cursor *c)
{
	uint32_t next = UINT32_MAX;

	if (c->pl != NULL)
		return c->ipl < c->npl ? c->pl[c->ipl].doc >> SEG_BITS : UINT32_MAX;
	if (c->tok == NULL)
		return UINT32_MAX;
	if (c->run < c->tok->dir + c->tok->ndir)
		next = sv->dseg[c->run];
	if (c->tok->tail != NULL && c->tail < c->tok->tail->n &&
	    c->tok->tail->doc[c->tail] >> SEG_BITS < next)
		next = c->tok->tail->doc[c->tail] >> SEG_BITS;
	return next;
}

/* The next segment any list has postings in; UINT32_MAX when all are done. */
static uint32_t
next_segment(const struct serve *sv, const struct cursor *cur, size_t nc)
{
	uint32_t seg = UINT32_MAX;

	for (size_t i = 0; i < nc; i++) {
		uint32_t n = cursor_next_segment(sv, &cur[i]);

		if (n < seg)
			seg = n;
	}
	return seg;
}

/*
 * Accumulates every cursor's postings in the next segment any of them has
 * postings in; its first docid into *base.  Returns the segment's touched
 * count, or SIZE_MAX when every list is done.
 */
static size_t
cursors_segment(const struct serve *sv, struct serve_scratch *s, struct cursor *cur, size_t nc,
    uint32_t *base)
{
	uint32_t seg = next_segment(sv, cur, nc);
	size_t nt = 0;

	if (seg == UINT32_MAX)
		return SIZE_MAX;
	*base = seg << SEG_BITS;
	for (size_t i = 0; i < nc; i++)
		nt = cursor_segment(sv, s, &cur[i], seg, nt);
	return nt;
}

/* What a query works out before it walks the lists. */
struct qprep {
	struct cursor	 cur[SERVE_MAX_TERMS];
	size_t		 nc;
	long		 tid_of[SERVE_MAX_TERMS];	/* an exact term's token, or -1 */
	long		 last_tid;	/* the largest token id a term matches */
	double		 idf_of[SERVE_MAX_TERMS];
	uint32_t	 all;		/* every word's bit: a hit has them all */
	uint32_t	 cat_first;	/* the category the query names (value id), or 0 */
	uint32_t	 cat_only;	/* the category filter, or 0 */
	uint32_t	 exh_only;	/* the exhibitor filter, or 0 */
	int		 filter;	/* s->callow says which cities pass */
	uint32_t	 excl[SERVE_MAX_EXCLUDE];	/* slots left out */
	size_t		 nexcl;
	size_t		 want;		/* the best this many are ranked */
};

/* Filters, each term's list and the heap's size for q; caller holds the lock. */
static void
query_prepare(struct serve *sv, struct serve_scratch *s, const struct serve_query *q,
    struct qprep *p)
{
	size_t want = q->offset + q->limit;
	int none = 0;

	memset(p, 0, sizeof *p);
	if (want < q->offset)
		want = SIZE_MAX;
	scratch_ready(s, sv);

	/* Filters: unknown values match nothing. */
	if (q->city != NULL || q->fair_cities != NULL) {
		uint32_t c;

		p->filter = 1;
		memset(s->callow, q->fair_cities != NULL ? 0 : 1, sv->cities.n);
		for (size_t i = 0; q->fair_cities != NULL && i < q->nfair_cities; i++)
			if ((c = vals_id(&sv->cities, q->fair_cities[i], 0)) != 0)
				s->callow[c] = 1;
		if (q->city != NULL) {
			c = vals_id(&sv->cities, q->city, 0);
			for (size_t i = 0; i < sv->cities.n; i++)
				s->callow[i] = s->callow[i] && i == c && c != 0;
		}
		s->callow[0] = 0;
	}
	if (q->category != NULL && (p->cat_only = vals_id(&sv->cats, q->category, 0)) == 0)
		none = 1;
	if (q->exhibitor != 0 && (p->exh_only = exh_id(sv, q->exhibitor, 0)) == 0)
		none = 1;
	if (q->category_first != NULL)
		p->cat_first = vals_id(&sv->cats, q->category_first, 0);
	for (size_t i = 0; q->exclude != NULL && i < q->nexclude && i < SERVE_MAX_EXCLUDE; i++) {
		uint32_t slot = id_find(sv, q->exclude[i]);

		if (slot != NO_SLOT)
			p->excl[p->nexcl++] = slot;
	}

	/* Each term's list: an exact token's postings, or a prefix's summed contributions. */
	for (size_t i = 0; i < q->nterms && i < SERVE_MAX_TERMS && !none; i++) {
		const struct serve_term *t = &q->terms[i];
		struct cursor *c = &p->cur[p->nc++];
		long tid;

		c->bit = t->need != 0 ? t->need : 1u << (t->word % SERVE_MAX_TERMS);
		p->all |= c->bit;
		p->tid_of[i] = -1;
		if (t->prefix && (tid = prefix_one(sv, t->text, t->len)) < 0) {
			c->npl = prefix_list(sv, s, i, t->text, t->len, &p->idf_of[i]);
			c->pl = s->pl[i];
			p->last_tid = LONG_MAX;
			continue;
		}
		if (!t->prefix && (tid = tok_find(sv, t->text, t->len, hash_bytes(t->text,
		    t->len))) < 0)
			continue;
		p->tid_of[i] = tid;
		if (tid > p->last_tid)
			p->last_tid = tid;
		p->idf_of[i] = idf(sv, sv->toks[tid].df);
		c->tok = &sv->toks[tid];
		c->run = c->tok->dir;
		c->w = (float)(p->idf_of[i] / IMP_SCALE);
		if (c->tok->bmax != NO_BMAX)
			c->bm = sv->bmax + c->tok->bmax;
	}
	/* Candidates past the page, for the exact rescoring. */
	want = want > SIZE_MAX - RESCORE_EXTRA ? SIZE_MAX : want + RESCORE_EXTRA;
	if (want > sv->ndocs)
		want = sv->ndocs;
	if (want > s->hcap) {
		s->hcap = want;
		s->heap = xreallocarray(s->heap, s->hcap + 1, sizeof *s->heap);
	}
	p->want = want;
	if (q->facets) {
		memset(s->ccount, 0, sv->cities.n * sizeof *s->ccount);
		memset(s->kcount, 0, sv->cats.n * sizeof *s->kcount);
	}
}

/* Whether live document d, having every word, passes the filters. */
static int
passes(const struct serve *sv, const struct serve_scratch *s, const struct qprep *p, uint32_t d)
{
	if ((p->filter && !s->callow[sv->city[d]]) || (p->cat_only != 0 && sv->cat[d] != p->cat_only) ||
	    (p->exh_only != 0 && sv->exh[d] != p->exh_only))
		return 0;
	for (size_t i = 0; i < p->nexcl; i++)
		if (p->excl[i] == d)
			return 0;
	return 1;
}

/* Offers hit d, scored score, to the heap of the best p->want. */
static void
offer(const struct serve *sv, struct serve_scratch *s, const struct qprep *p, size_t *nh,
    uint32_t d, float score)
{
	struct heap_ent c;

	c.score = score;
	c.first = p->cat_first != 0 && sv->cat[d] == p->cat_first;
	c.id = sv->pid[d];
	c.slot = d;
	heap_offer(s->heap, nh, p->want, &c);
}

/* Scores every hit, segment by segment: the reference the pruned walk must equal. */
static size_t
query_exhaustive(struct serve *sv, struct serve_scratch *s, const struct serve_query *q,
    struct qprep *p, struct serve_result *r)
{
	size_t nh = 0;

	for (;;) {
		uint32_t base;
		size_t nt = cursors_segment(sv, s, p->cur, p->nc, &base);

		if (nt == SIZE_MAX)
			break;
		for (size_t i = 0; i < nt; i++) {
			uint16_t lo = s->touched[i];
			uint32_t d = base | lo;

			if (s->mask[lo] == p->all && is_live(sv, d) && passes(sv, s, p, d)) {
				r->total++;
				if (q->facets) {
					s->ccount[sv->city[d]]++;
					s->kcount[sv->cat[d]]++;
				}
				offer(sv, s, p, &nh, d, s->score[lo]);
			}
			s->score[lo] = 0;
			s->mask[lo] = 0;
		}
	}
	r->scored = r->total;
	return nh;
}

/* Grows s for the pruned walk over sv's docids. */
static void
scratch_prune_ready(struct serve_scratch *s, const struct serve *sv)
{
	size_t nseg = (sv->nslots + SEG_SIZE - 1) >> SEG_BITS;
	size_t nr = nseg << (SEG_BITS - RANGE_BITS);

	if (s->wbits == NULL)
		s->wbits = xmalloc(SEG_WORDS * sizeof *s->wbits);
	if (s->segcap < nseg) {
		s->segcap = nseg + 4;
		s->hitcap = s->segcap * SEG_WORDS;
		s->segs = xreallocarray(s->segs, s->segcap, sizeof *s->segs);
		s->hits = xreallocarray(s->hits, s->hitcap, sizeof *s->hits);
	}
	if (s->rcap < nr) {
		s->rcap = s->segcap << (SEG_BITS - RANGE_BITS);
		s->rub = xreallocarray(s->rub, s->rcap, sizeof *s->rub);
		s->rfirst = xreallocarray(s->rfirst, s->rcap, sizeof *s->rfirst);
		s->rheap = xreallocarray(s->rheap, s->rcap, sizeof *s->rheap);
	}
}

/*
 * Sets the bits of term c's documents in segment seg in dst (SEG_WORDS
 * words) and advances it; gathers its largest contribution per range in
 * c->rm where no kept maximum says it.
 */
static void
cursor_bits(const struct serve *sv, struct cursor *c, uint32_t seg, uint64_t *dst)
{
	uint64_t end = (uint64_t)(seg + 1) << SEG_BITS;

	if (c->pl != NULL) {
		for (; c->ipl < c->npl && c->pl[c->ipl].doc < end; c->ipl++) {
			uint32_t d = c->pl[c->ipl].doc;
			float *m = &c->rm[d >> RANGE_BITS];

			dst[(d & SEG_MASK) >> 6] |= 1ULL << (d & 63);
			if (*m < c->pl[c->ipl].score)
				*m = c->pl[c->ipl].score;
		}
		return;
	}
	if (c->tok == NULL)
		return;
	if (c->run < c->tok->dir + c->tok->ndir && sv->dseg[c->run] == seg) {
		const struct stok *t = c->tok;
		uint64_t from = t->base + sv->doff[c->run];
		uint64_t to = t->base + (c->run + 1 < t->dir + t->ndir ? sv->doff[c->run + 1] :
		    t->nbase);
		const uint16_t *lo = sv->plo + from;
		size_t n = to - from;

		if (c->bm != NULL)
			for (size_t i = 0; i < n; i++)
				dst[lo[i] >> 6] |= 1ULL << (lo[i] & 63);
		else {
			float *rm = c->rm + ((size_t)seg << (SEG_BITS - RANGE_BITS));
			const uint16_t *imp = sv->pimp + from;

			for (size_t i = 0; i < n; i++) {
				float v = c->w * imp[i];

				dst[lo[i] >> 6] |= 1ULL << (lo[i] & 63);
				if (rm[lo[i] >> RANGE_BITS] < v)
					rm[lo[i] >> RANGE_BITS] = v;
			}
		}
		c->run++;
	}
	if (c->tok->tail != NULL) {
		const struct tail *tl = c->tok->tail;

		for (; c->tail < tl->n && tl->doc[c->tail] < end; c->tail++) {
			uint32_t d = tl->doc[c->tail];
			float v = c->w * tl->imp[c->tail];

			dst[(d & SEG_MASK) >> 6] |= 1ULL << (d & 63);
			if (c->rm[d >> RANGE_BITS] < v)
				c->rm[d >> RANGE_BITS] = v;
		}
	}
}

/*
 * The pruned walk's first pass: the hits of every segment any list has
 * postings in, as bits in s->hits (each word's lists ORed, the words ANDed,
 * the live set and the filters applied), counted and tallied without a
 * score.  Returns the segments visited (in s->segs).
 */
POPCNT_CLONES static size_t
prune_find_hits(struct serve *sv, struct serve_scratch *s, const struct serve_query *q,
    struct qprep *p, struct serve_result *r)
{
	size_t nseg = 0, nlive = (sv->nslots + 63) / 64;
	int iterate = p->filter || p->cat_only != 0 || p->exh_only != 0 || p->nexcl > 0 ||
	    q->facets || p->cat_first != 0, multi = 0;
	uint32_t seg;

	for (size_t i = 0; i < p->nc; i++)
		multi |= (p->cur[i].bit & (p->cur[i].bit - 1)) != 0;
	if (multi && s->mbits == NULL)
		s->mbits = xmalloc((size_t)SERVE_MAX_TERMS * SEG_WORDS * sizeof *s->mbits);
	while ((seg = next_segment(sv, p->cur, p->nc)) != UINT32_MAX) {
		uint64_t *h = s->hits + (size_t)seg * SEG_WORDS;
		size_t w0 = (size_t)seg * SEG_WORDS;
		uint32_t rest = p->all;
		int first = 1;

		s->segs[nseg++] = seg;
		/* A list meeting several requirements is read once, for each of them. */
		for (size_t i = 0; multi && i < p->nc; i++)
			if ((p->cur[i].bit & (p->cur[i].bit - 1)) != 0) {
				uint64_t *mb = s->mbits + i * SEG_WORDS;

				memset(mb, 0, SEG_WORDS * sizeof *mb);
				cursor_bits(sv, &p->cur[i], seg, mb);
			}
		/* For each requirement, the lists meeting it ORed into a bitset; those ANDed. */
		while (rest != 0) {
			uint32_t bit = rest & -rest;
			uint64_t *dst = first ? h : s->wbits;

			rest &= ~bit;
			memset(dst, 0, SEG_WORDS * sizeof *dst);
			for (size_t i = 0; i < p->nc; i++)
				if (p->cur[i].bit == bit)
					cursor_bits(sv, &p->cur[i], seg, dst);
				else if ((p->cur[i].bit & bit) != 0)
					for (size_t w = 0; w < SEG_WORDS; w++)
						dst[w] |= s->mbits[i * SEG_WORDS + w];
			if (!first)
				for (size_t w = 0; w < SEG_WORDS; w++)
					h[w] &= dst[w];
			first = 0;
		}
		for (size_t w = 0; w < SEG_WORDS; w++)
			h[w] &= w0 + w < nlive ? sv->live[w0 + w] : 0;
		memset(s->rfirst + ((size_t)seg << (SEG_BITS - RANGE_BITS)), 0,
		    SEG_SIZE / RANGE_SIZE);
		if (!iterate) {
			for (size_t w = 0; w < SEG_WORDS; w++)
				r->total += __builtin_popcountll(h[w]);
			continue;
		}
		for (size_t w = 0; w < SEG_WORDS; w++)
			for (uint64_t b = h[w]; b != 0; b &= b - 1) {
				uint32_t d = (uint32_t)((w0 + w) * 64 + (size_t)__builtin_ctzll(b));

				if (!passes(sv, s, p, d)) {
					h[w] &= ~(1ULL << (d & 63));
					continue;
				}
				r->total++;
				if (q->facets) {
					s->ccount[sv->city[d]]++;
					s->kcount[sv->cat[d]]++;
				}
				if (p->cat_first != 0 && sv->cat[d] == p->cat_first)
					s->rfirst[d >> RANGE_BITS] = 1;
			}
	}
	return nseg;
}

/* Whether range a ranks before range b: one with a hit of the named category, then the bound. */
static int
range_before(const struct serve_scratch *s, uint32_t a, uint32_t b)
{
	if (s->rfirst[a] != s->rfirst[b])
		return s->rfirst[a] > s->rfirst[b];
	return s->rub[a] > s->rub[b];
}

typedef int (*range_order_fn)(const struct serve_scratch *, uint32_t, uint32_t);

/* Restores the heap of ranges h[0..n) below position i, first the range before all others. */
static void
heap_sift_ranges(const struct serve_scratch *s, uint32_t *h, size_t n, size_t i,
    range_order_fn before)
{
	for (;;) {
		size_t l = 2 * i + 1, m = i;
		uint32_t t;

		if (l < n && before(s, h[l], h[m]))
			m = l;
		if (l + 1 < n && before(s, h[l + 1], h[m]))
			m = l + 1;
		if (m == i)
			return;
		t = h[i], h[i] = h[m], h[m] = t;
		i = m;
	}
}

/* Restores the range heap s->rheap[0..n) below position i. */
static void
range_sift(struct serve_scratch *s, size_t n, size_t i)
{
	heap_sift_ranges(s, s->rheap, n, i, range_before);
}

/* The first position in lo[0..n) at or past x. */
static size_t
u16_lower(const uint16_t *lo, size_t n, uint32_t x)
{
	size_t a = 0, b = n;

	while (a < b) {
		size_t m = (a + b) / 2;

		if (lo[m] < x)
			a = m + 1;
		else
			b = m;
	}
	return a;
}

/* Adds term c's postings in range rg (docids [start, start + RANGE_SIZE)). */
static size_t
cursor_range(const struct serve *sv, struct serve_scratch *s, const struct cursor *c,
    uint32_t rg, size_t nt)
{
	uint32_t start = rg << RANGE_BITS, end = start + RANGE_SIZE, seg = start >> SEG_BITS;

	if (c->pl != NULL) {
		size_t a = 0, b = c->npl;

		while (a < b) {
			size_t m = (a + b) / 2;

			if (c->pl[m].doc < start)
				a = m + 1;
			else
				b = m;
		}
		for (; a < c->npl && c->pl[a].doc < end; a++) {
			uint16_t d = (uint16_t)(c->pl[a].doc & SEG_MASK);

			if (s->mask[d] == 0)
				s->touched[nt++] = d;
			s->score[d] += c->pl[a].score;
			s->mask[d] |= c->bit;
		}
		return nt;
	}
	if (c->tok == NULL)
		return nt;
	{
		const struct stok *t = c->tok;
		uint64_t a = t->dir, b = t->dir + t->ndir;

		while (a < b) {		/* the token's run in this segment */
			uint64_t m = (a + b) / 2;

			if (sv->dseg[m] < seg)
				a = m + 1;
			else
				b = m;
		}
		if (a < t->dir + t->ndir && sv->dseg[a] == seg) {
			uint64_t from = t->base + sv->doff[a];
			uint64_t to = t->base + (a + 1 < t->dir + t->ndir ? sv->doff[a + 1] : t->nbase);
			size_t i, j;

			if (t->bmax != NO_BMAX) {	/* the range's place is kept */
				const uint16_t *ro = sv->roff + t->bmax;

				i = ro[rg];
				j = (rg + 1) % (SEG_SIZE / RANGE_SIZE) != 0 ? ro[rg + 1] : to - from;
			} else {
				i = u16_lower(sv->plo + from, to - from, start & SEG_MASK);
				j = u16_lower(sv->plo + from, to - from, (end - 1) & SEG_MASK);
				j += from + j < to && sv->plo[from + j] == ((end - 1) & SEG_MASK);
			}
			nt = acc_run(s, nt, sv->plo + from + i, sv->pimp + from + i, j - i, c->w,
			    c->bit);
		}
	}
	if (c->tok->tail != NULL) {
		const struct tail *tl = c->tok->tail;
		uint32_t a = 0, b = tl->n;

		while (a < b) {
			uint32_t m = (a + b) / 2;

			if (tl->doc[m] < start)
				a = m + 1;
			else
				b = m;
		}
		for (; a < tl->n && tl->doc[a] < end; a++) {
			uint16_t d = (uint16_t)(tl->doc[a] & SEG_MASK);

			if (s->mask[d] == 0)
				s->touched[nt++] = d;
			s->score[d] += c->w * tl->imp[a];
			s->mask[d] |= c->bit;
		}
	}
	return nt;
}

/*
 * The bound of range rg: each term's largest contribution there, summed in
 * the order the scores are summed, so that no hit's float score exceeds it.
 */
static float
range_bound(const struct serve *sv, const struct qprep *p, uint32_t rg)
{
	float ub = 0;

	for (size_t i = 0; i < p->nc; i++) {
		const struct cursor *c = &p->cur[i];
		float b = 0;

		if (c->bm != NULL && rg < sv->nranges_base)
			b = c->w * c->bm[rg];
		if (c->rm != NULL && c->rm[rg] > b)
			b = c->rm[rg];
		ub += b;
	}
	return ub;
}

/*
 * Whether no hit of range rg can rank above worst, though its bound equals
 * worst's score: ties go to the smaller product id, and every hit here has
 * a larger one.  For one-term queries, whose bound is a hit's exact score
 * (no sum whose rounding could differ).
 */
static int
range_ties_after(const struct serve *sv, const struct serve_scratch *s, uint32_t rg,
    const struct heap_ent *worst)
{
	const uint64_t *h = s->hits + (size_t)rg * RANGE_WORDS;

	if (s->rfirst[rg] != worst->first || (double)s->rub[rg] > worst->score)
		return 0;
	for (size_t w = 0; w < RANGE_WORDS; w++)
		for (uint64_t b = h[w]; b != 0; b &= b - 1)
			if (sv->pid[((size_t)rg * RANGE_WORDS + w) * 64 + (size_t)__builtin_ctzll(b)] <=
			    worst->id)
				return 0;
	return 1;
}

/*
 * Block-max pruning: the hits found, counted and tallied from bitsets
 * first; then ranges of RANGE_SIZE docids are scored best bound first
 * until no range left can beat the worst of the best p->want kept.  The
 * heap then holds what query_exhaustive's holds, so the page is the same.
 */
static size_t
query_pruned(struct serve *sv, struct serve_scratch *s, const struct serve_query *q,
    struct qprep *p, struct serve_result *r)
{
	size_t nseg, nr = 0, nh = 0, rpseg = SEG_SIZE / RANGE_SIZE;

	scratch_prune_ready(s, sv);
	for (size_t i = 0; i < p->nc; i++) {
		struct cursor *c = &p->cur[i];

		if (c->pl == NULL && (c->tok == NULL || (c->bm != NULL && c->tok->tail == NULL)))
			continue;
		if (s->rmcap[i] < s->rcap) {
			s->rmcap[i] = s->rcap;
			s->rm[i] = xreallocarray(s->rm[i], s->rmcap[i], sizeof *s->rm[i]);
		}
		memset(s->rm[i], 0, s->rcap * sizeof *s->rm[i]);
		c->rm = s->rm[i];
	}
	nseg = prune_find_hits(sv, s, q, p, r);
	if (p->want == 0 || r->total == 0)
		return 0;

	/* The ranges with hits, by bound. */
	for (size_t k = 0; k < nseg; k++)
		for (uint32_t rg = s->segs[k] * (uint32_t)rpseg; rg < (s->segs[k] + 1) * rpseg; rg++) {
			const uint64_t *h = s->hits + (size_t)rg * RANGE_WORDS;
			uint64_t any = 0;

			for (size_t w = 0; w < RANGE_WORDS; w++)
				any |= h[w];
			if (any == 0)
				continue;
			s->rub[rg] = range_bound(sv, p, rg);
			s->rheap[nr++] = rg;
		}
	for (size_t i = nr / 2; i-- > 0;)
		range_sift(s, nr, i);

	while (nr > 0) {
		uint32_t rg = s->rheap[0], base = (rg << RANGE_BITS) & ~SEG_MASK;
		size_t nt = 0;

		if (nh == p->want) {
			const struct heap_ent *worst = &s->heap[0];

			/* Nothing here can rank above the worst kept (margin: float bounds). */
			if (s->rfirst[rg] < worst->first || (s->rfirst[rg] == worst->first &&
			    (double)s->rub[rg] * (1.0 + 1e-6) < worst->score))
				break;
		}
		s->rheap[0] = s->rheap[--nr];
		range_sift(s, nr, 0);
		if (nh == p->want && p->nc == 1 && range_ties_after(sv, s, rg, &s->heap[0]))
			continue;
		for (size_t i = 0; i < p->nc; i++)
			nt = cursor_range(sv, s, &p->cur[i], rg, nt);
		for (size_t i = 0; i < nt; i++) {
			uint16_t lo = s->touched[i];
			uint32_t d = base | lo;

			if ((s->hits[d >> 6] >> (d & 63)) & 1) {
				offer(sv, s, p, &nh, d, s->score[lo]);
				r->scored++;
			}
			s->score[lo] = 0;
			s->mask[lo] = 0;
		}
	}
	return nh;
}

void
serve_query(struct serve *sv, struct serve_scratch *s, const struct serve_query *q,
    struct serve_result *r)
{
	struct qprep p;
	size_t nh;

	memset(r, 0, sizeof *r);
	pthread_rwlock_rdlock(&sv->lock);
	query_prepare(sv, s, q, &p);
	nh = q->exhaustive ? query_exhaustive(sv, s, q, &p, r) : query_pruned(sv, s, q, &p, r);
	for (size_t i = 0; i < nh; i++)
		s->heap[i].score = rescore(sv, s->heap[i].slot, q, p.tid_of, p.idf_of, p.last_tid);
	if (nh > 1)
		qsort(s->heap, nh, sizeof *s->heap, ent_cmp);
	if (q->offset < nh) {
		r->nhits = nh - q->offset < q->limit ? nh - q->offset : q->limit;
		r->hits = xcalloc(r->nhits + 1, sizeof *r->hits);
		for (size_t i = 0; i < r->nhits; i++) {
			r->hits[i].id = s->heap[q->offset + i].id;
			r->hits[i].score = s->heap[q->offset + i].score;
		}
	}
	if (q->facets) {
		r->cities = facet_take(&sv->cities, s->ccount, &r->ncities);
		r->categories = facet_take(&sv->cats, s->kcount, &r->ncategories);
	}
	pthread_rwlock_unlock(&sv->lock);
}

/* What one browse pass gathers, document by document. */
struct browse {
	const struct serve	*sv;
	struct serve_scratch	*s;
	const struct serve_query *q;
	struct serve_result	*r;
	size_t			 rank;
};

static bool
browse_one(uint32_t d, void *arg)
{
	struct browse *b = arg;
	const struct serve_query *q = b->q;

	if (q->facets) {
		b->s->ccount[b->sv->city[d]]++;
		b->s->kcount[b->sv->cat[d]]++;
	}
	if (b->rank >= q->offset && b->rank - q->offset < q->limit)
		b->r->hits[b->r->nhits++] = (struct serve_hit){ b->sv->pid[d], 0.0 };
	b->rank++;
	return true;
}

/*
 * The live documents that pass q's filters, as bitmaps: the narrowest first
 * (an exhibitor, a category, a city), the others intersected; NULL when a
 * filter names a value the layer does not have.  Caller holds the lock and
 * frees.
 */
static roaring_bitmap_t *
browse_bitmap(struct serve *sv, const struct serve_query *q)
{
	uint32_t city = 0, cat = 0, exh = 0;
	const roaring_bitmap_t *by[3];
	size_t nby = 0;
	roaring_bitmap_t *b;

	if ((q->city != NULL && (city = vals_id(&sv->cities, q->city, 0)) == 0) ||
	    (q->category != NULL && (cat = vals_id(&sv->cats, q->category, 0)) == 0) ||
	    (q->exhibitor != 0 && (exh = exh_id(sv, q->exhibitor, 0)) == 0))
		return NULL;
	if (exh != 0)
		by[nby++] = sv->exhs.bm[exh];
	if (cat != 0)
		by[nby++] = sv->cats.bm[cat];
	if (city != 0)
		by[nby++] = sv->cities.bm[city];
	b = roaring_bitmap_copy(nby > 0 ? by[0] : sv->live_bm);
	for (size_t i = 1; i < nby; i++)
		roaring_bitmap_and_inplace(b, by[i]);
	if (q->fair_cities != NULL) {
		roaring_bitmap_t *u = roaring_bitmap_create();
		uint32_t c;

		for (size_t i = 0; i < q->nfair_cities; i++)
			if ((c = vals_id(&sv->cities, q->fair_cities[i], 0)) != 0)
				roaring_bitmap_or_inplace(u, sv->cities.bm[c]);
		roaring_bitmap_and_inplace(b, u);
		roaring_bitmap_free(u);
	}
	return b;
}

void
serve_browse(struct serve *sv, struct serve_scratch *s, const struct serve_query *q,
    struct serve_result *r)
{
	struct browse b = { sv, s, q, r, 0 };
	roaring_bitmap_t *bm;

	memset(r, 0, sizeof *r);
	pthread_rwlock_rdlock(&sv->lock);
	scratch_ready(s, sv);
	if (q->facets) {
		memset(s->ccount, 0, sv->cities.n * sizeof *s->ccount);
		memset(s->kcount, 0, sv->cats.n * sizeof *s->kcount);
	}
	if ((bm = browse_bitmap(sv, q)) != NULL) {
		uint64_t n = roaring_bitmap_get_cardinality(bm);

		r->total = (long)n;
		if (q->offset < n)
			r->hits = xcalloc(n - q->offset < q->limit ? n - q->offset : q->limit,
			    sizeof *r->hits);
		if (q->facets)
			roaring_iterate(bm, browse_one, &b);
		else if (r->hits != NULL) {	/* the page alone */
			roaring_uint32_iterator_t *it = roaring_create_iterator(bm);
			uint32_t d;

			if (roaring_bitmap_select(bm, (uint32_t)q->offset, &d) &&
			    roaring_move_uint32_iterator_equalorlarger(it, d))
				for (; it->has_value && r->nhits < q->limit;
				    roaring_advance_uint32_iterator(it))
					r->hits[r->nhits++] = (struct serve_hit){ sv->pid[it->current_value],
					    0.0 };
			roaring_free_uint32_iterator(it);
		}
		roaring_bitmap_free(bm);
	}
	if (q->facets) {
		r->cities = facet_take(&sv->cities, s->ccount, &r->ncities);
		r->categories = facet_take(&sv->cats, s->kcount, &r->ncategories);
	}
	pthread_rwlock_unlock(&sv->lock);
}

void
serve_result_free(struct serve_result *r)
{
	for (size_t i = 0; i < r->ncities; i++)
		free(r->cities[i].value);
	for (size_t i = 0; i < r->ncategories; i++)
		free(r->categories[i].value);
	free(r->cities);
	free(r->categories);
	free(r->hits);
	memset(r, 0, sizeof *r);
}

/* ---- bitmaps and figures ---- */

roaring_bitmap_t *
serve_filter_bitmap(struct serve *sv, const char *city, const char *category,
    const char *const *fair_cities, size_t nfair_cities)
{
	roaring_bitmap_t *b;
	uint32_t c;

	pthread_rwlock_rdlock(&sv->lock);
	b = roaring_bitmap_copy(sv->live_bm);
	if (fair_cities != NULL) {
		roaring_bitmap_t *u = roaring_bitmap_create();

		for (size_t i = 0; i < nfair_cities; i++)
			if ((c = vals_id(&sv->cities, fair_cities[i], 0)) != 0)
				roaring_bitmap_or_inplace(u, sv->cities.bm[c]);
		roaring_bitmap_and_inplace(b, u);
		roaring_bitmap_free(u);
	}
	if (city != NULL) {
		if ((c = vals_id(&sv->cities, city, 0)) != 0)
			roaring_bitmap_and_inplace(b, sv->cities.bm[c]);
		else
			roaring_bitmap_clear(b);
	}
	if (category != NULL) {
		if ((c = vals_id(&sv->cats, category, 0)) != 0)
			roaring_bitmap_and_inplace(b, sv->cats.bm[c]);
		else
			roaring_bitmap_clear(b);
	}
	pthread_rwlock_unlock(&sv->lock);
	return b;
}

int64_t
serve_docid_product(struct serve *sv, uint32_t docid)
{
	int64_t id = -1;

	pthread_rwlock_rdlock(&sv->lock);
	if (docid < sv->nslots && is_live(sv, docid))
		id = sv->pid[docid];
	pthread_rwlock_unlock(&sv->lock);
	return id;
}

void
serve_stats(struct serve *sv, struct serve_stats *st)
{
	size_t tails = 0, bm;

	pthread_rwlock_rdlock(&sv->lock);
	bm = roaring_bitmap_size_in_bytes(sv->live_bm);
	for (size_t t = 0; t < sv->ntok; t++)
		if (sv->toks[t].tail != NULL)
			tails += sizeof(struct tail) + sv->toks[t].tail->cap * 8;
	for (size_t i = 1; i < sv->cities.n; i++)
		bm += roaring_bitmap_size_in_bytes(sv->cities.bm[i]);
	for (size_t i = 1; i < sv->cats.n; i++)
		bm += roaring_bitmap_size_in_bytes(sv->cats.bm[i]);
	for (size_t i = 1; i < sv->exhs.n; i++)
		bm += roaring_bitmap_size_in_bytes(sv->exhs.bm[i]) + sizeof(roaring_bitmap_t);
	memset(st, 0, sizeof *st);
	st->docs = sv->ndocs;
	st->slots = sv->nslots;
	st->tokens = sv->ntok;
	st->postings = sv->npost + sv->ntail;
	st->forward = sv->nfwd_ent;
	st->postings_bytes = sv->npost * 6 + sv->ndir * 6 + tails + sv->nbmax * (sizeof *sv->bmax +
	    sizeof *sv->roff + sizeof *sv->bmaxm);
	st->forward_bytes = sv->capfwd + (sv->capslots + 1) * sizeof *sv->fwd_off;
	st->bitmap_bytes = bm;
	st->fields_bytes = sv->capfmask + sv->capfmask_off * sizeof *sv->fmask_off;
	st->avgdl = sv->avgdl;
	st->bytes = st->postings_bytes + st->forward_bytes + bm + st->fields_bytes +
	    sv->captok * sizeof *sv->toks + sv->thtcap * sizeof *sv->tht + sv->capstrs +
	    sv->ntok * sizeof *sv->sorted +
	    sv->capslots * (sizeof *sv->pid + sizeof *sv->dlen + 2 * sizeof *sv->city +
	    sizeof *sv->exh) + sv->exhs.cap * (sizeof *sv->exhs.v + sizeof *sv->exhs.bm + 12) +
	    sv->exhs.htcap * sizeof *sv->exhs.ht +
	    sv->capslots / 8 + sv->idcap * (sizeof *sv->idk + sizeof *sv->idv);
	pthread_rwlock_unlock(&sv->lock);
}

uint32_t
serve_vocab_df(struct serve *sv, const char *text, size_t len)
{
	uint32_t df = 0;
	long t;

	pthread_rwlock_rdlock(&sv->lock);
	if ((t = tok_find(sv, text, len, hash_bytes(text, len))) >= 0)
		df = sv->toks[t].df;
	pthread_rwlock_unlock(&sv->lock);
	return df;
}

int
serve_vocab_prefix(struct serve *sv, const char *p, size_t n, serve_vocab_fn cb, void *arg)
{
	size_t lo;
	int rc = 0;

	pthread_rwlock_rdlock(&sv->lock);
	lo = first_sorted_from(sv, p, n);
	for (size_t i = lo; rc == 0 && i < sv->nsorted && tok_has_prefix(sv, sv->sorted[i], p, n);
	    i++) {
		const struct stok *t = &sv->toks[sv->sorted[i]];

		if (t->df > 0)
			rc = cb(arg, sv->strs + t->str, t->len, t->df);
	}
	for (size_t i = sv->nsorted; rc == 0 && i < sv->ntok; i++)	/* came with updates */
		if (tok_has_prefix(sv, (uint32_t)i, p, n) && sv->toks[i].df > 0)
			rc = cb(arg, sv->strs + sv->toks[i].str, sv->toks[i].len, sv->toks[i].df);
	pthread_rwlock_unlock(&sv->lock);
	return rc;
}

/* ---- matching ---- */

/* A match query's token the layer has: its id, its place in the query, weight × idf. */
struct mtok {
	uint32_t	tid;
	uint32_t	k;
	double		w;
	int		heavy;
};

static int
mtok_cmp(const void *a, const void *b)
{
	const struct mtok *x = a, *y = b;

	return (x->tid > y->tid) - (x->tid < y->tid);
}

/*
 * Stage 1 over the cursors cur[0..nc), every list read whole: every
 * touched live document of an allowed city offered to s->heap (best
 * `want`) with its summed impacts; *scored counts the documents summed.
 */
static void
match_walk(const struct serve *sv, struct serve_scratch *s, struct cursor *cur, size_t nc,
    int filter, size_t want, size_t *nh, long *scored)
{
	for (;;) {
		uint32_t base;
		size_t nt = cursors_segment(sv, s, cur, nc, &base);

		if (nt == SIZE_MAX)
			break;
		*scored += (long)nt;
		for (size_t i = 0; i < nt; i++) {
			uint16_t lo = s->touched[i];
			uint32_t d = base | lo;

			if (is_live(sv, d) && (!filter || s->callow[sv->city[d]])) {
				struct heap_ent c = { s->score[lo], 0, sv->pid[d], d };

				heap_offer(s->heap, nh, want, &c);
			}
			s->score[lo] = 0;
			s->mask[lo] = 0;
		}
	}
}

/* Sets up one cursor per token of mt[0..nm) (the heavy ones only, unless all). */
static size_t
match_cursors(const struct serve *sv, const struct mtok *mt, size_t nm, int all,
    struct cursor *cur)
{
	size_t nc = 0;

	for (size_t i = 0; i < nm; i++) {
		struct cursor *c;

		if (!all && !mt[i].heavy)
			continue;
		c = &cur[nc++];
		memset(c, 0, sizeof *c);
		c->tok = &sv->toks[mt[i].tid];
		c->run = c->tok->dir;
		c->w = (float)(mt[i].w / IMP_SCALE);
		c->bit = 1;
	}
	return nc;
}

/* One token's exact score in slot d: its weight × idf × its factor there. */
static double
match_token_score(const struct serve *sv, uint32_t d, const struct mtok *m, double f,
    unsigned mask)
{
	return m->w * match_factor(sv, d, f, mask);
}

/*
 * The exact score of slot d from its forward entries (mt sorted by token
 * id); with mask, the fields of each token found, at mask[k].
 */
static double
match_rescore(const struct serve *sv, uint32_t d, const struct mtok *mt, size_t nm,
    unsigned *mask)
{
	double score = 0;
	uint64_t e = sv->fmask_off[d];
	struct fwd_it it;
	uint32_t tok, freq;
	size_t i = 0;

	fwd_begin(sv, d, &it);
	for (; i < nm && fwd_next(&it, &tok, &freq); e++) {
		while (i < nm && mt[i].tid < tok)
			i++;
		if (i == nm || mt[i].tid != tok)
			continue;
		score += match_token_score(sv, d, &mt[i], freq / FREQ_SCALE, sv->fmask[e]);
		if (mask != NULL)
			mask[mt[i].k] = sv->fmask[e];
		i++;
	}
	return score;
}

/*
 * Stage 1 by ranges.  A document's stage-1 score is Σ W × impact over the
 * lists, W each list's weight × idf quantised so that the sum fits 32 bits:
 * integers, so any order of adding gives the same sum, and lists may be
 * read for some documents only (MaxScore) with the same result as reading
 * them whole.
 */
#define MATCH_WSUM	65000	/* Σ W at most (less than 65,535 − SERVE_MATCH_TOKENS) */

/*
 * What a posting adds in stage 1 is its token's exact factor in the
 * document, quantised at the build (sv->pmx, match_q), times W: stage 1
 * ranks the heavy tokens' part of the exact score, to 16 bits.
 */

/* A stage-1 list as the ranges are scored: its weight, maxima, and where it stands. */
struct mcursor {
	const struct stok	*tok;
	uint32_t		 w;		/* a posting adds w × its factor */
	const uint32_t		*mx;		/* its largest w × factor by range */
	uint32_t		 top;		/* the largest of them */
	uint64_t		 run;		/* the directory run last looked in */
	size_t			 at;		/* a place in that run at or before the next range */
	uint32_t		 tail;		/* the same in the tail */
};

/* Grows s for stage 1 over nr ranges of nc lists. */
static void
scratch_match_ready(struct serve_scratch *s, size_t nr, size_t nc)
{
	if (s->mscore == NULL)
		s->mscore = xcalloc(SEG_SIZE, sizeof *s->mscore);
	if (s->mcap < nr) {
		s->mcap = nr + nr / 4 + 64;
		s->mub = xreallocarray(s->mub, s->mcap, sizeof *s->mub);
		s->mheap = xreallocarray(s->mheap, s->mcap, sizeof *s->mheap);
	}
	if (s->mmaxcap < nr * nc) {
		s->mmaxcap = s->mcap * SERVE_MATCH_TOKENS;
		s->mmax = xreallocarray(s->mmax, s->mmaxcap, sizeof *s->mmax);
	}
}

/*
 * Each list's largest w × impact in each range of docids into c->mx (its
 * kept range maxima, or its postings' own where none are kept), and each
 * range's bound, their sum, into s->mub[0..nr).
 */
static void
match_bounds(const struct serve *sv, struct serve_scratch *s, struct mcursor *mc, size_t nc,
    size_t nr)
{
	memset(s->mub, 0, nr * sizeof *s->mub);
	for (size_t i = 0; i < nc; i++) {
		struct mcursor *c = &mc[i];
		const struct stok *t = c->tok;
		uint32_t *m = s->mmax + i * nr, top = 0;

		c->mx = m;
		memset(m, 0, nr * sizeof *m);
		if (t->bmax != NO_BMAX) {
			const uint16_t *bm = sv->bmaxm + t->bmax;
			size_t n = nr < sv->nranges_base ? nr : sv->nranges_base;

			for (size_t rg = 0; rg < n; rg++)
				m[rg] = c->w * bm[rg];
		} else
			for (uint64_t r = t->dir; r < t->dir + t->ndir; r++) {
				uint64_t from = t->base + sv->doff[r];
				uint64_t to = t->base + (r + 1 < t->dir + t->ndir ? sv->doff[r + 1] :
				    t->nbase);
				uint32_t *ms = m + ((size_t)sv->dseg[r] << (SEG_BITS - RANGE_BITS));

				for (uint64_t k = from; k < to; k++) {
					uint32_t v = c->w * sv->pmx[k];

					if (ms[sv->plo[k] >> RANGE_BITS] < v)
						ms[sv->plo[k] >> RANGE_BITS] = v;
				}
			}
		if (t->tail != NULL)
			for (uint32_t k = 0; k < t->tail->n; k++) {
				uint32_t v = c->w * t->tail->mx[k];

				if (m[t->tail->doc[k] >> RANGE_BITS] < v)
					m[t->tail->doc[k] >> RANGE_BITS] = v;
			}
		for (size_t rg = 0; rg < nr; rg++) {
			s->mub[rg] += m[rg];
			if (top < m[rg])
				top = m[rg];
		}
		c->top = top;
	}
}

/* The first position in a[from..n) at or past x, galloping from from (a ascending). */
static size_t
gallop_u16(const uint16_t *a, size_t from, size_t n, uint32_t x)
{
	size_t lo = from, hi = from, step = 1;

	while (hi < n && a[hi] < x) {
		lo = hi + 1;
		hi += step;
		step *= 2;
	}
	return lo + u16_lower(a + lo, (hi < n ? hi : n) - lo, x);
}

/* The same over docids. */
static uint32_t
gallop_u32(const uint32_t *a, uint32_t from, uint32_t n, uint32_t x)
{
	uint32_t lo = from, hi = from, step = 1;

	while (hi < n && a[hi] < x) {
		lo = hi + 1;
		hi = n - hi > step ? hi + step : n;
		step *= 2;
	}
	while (lo < hi) {
		uint32_t m = lo + (hi - lo) / 2;

		if (a[m] < x)
			lo = m + 1;
		else
			hi = m;
	}
	return lo;
}

/*
 * Adds one posting to the segment's accumulator: every document touched
 * (a new one starts), or (found) only those already there, which are
 * those not 0 (a posting adds more than 0).
 */
static inline size_t
match_add(struct serve_scratch *s, size_t nt, uint16_t d, uint32_t v, int found)
{
	uint32_t *score = s->mscore;

	if (score[d] == 0) {
		if (found)
			return nt;
		s->touched[nt++] = d;
	}
	score[d] += v;
	return nt;
}

/*
 * Adds c's postings in range rg (docids [start, start + RANGE_SIZE)) to the
 * segment's accumulator (found: only to documents already there); c moves
 * there, forward (no search past the next posting) or back.
 */
static size_t
mcursor_range(const struct serve *sv, struct serve_scratch *s, struct mcursor *c, uint32_t rg,
    size_t nt, int found)
{
	const struct stok *t = c->tok;
	uint32_t start = rg << RANGE_BITS, end = start + RANGE_SIZE, seg = start >> SEG_BITS;
	uint64_t dend = t->dir + t->ndir;

	if (c->run >= dend || sv->dseg[c->run] != seg) {
		uint64_t a = t->dir, b = dend;

		while (a < b) {		/* the token's run in this segment */
			uint64_t m = (a + b) / 2;

			if (sv->dseg[m] < seg)
				a = m + 1;
			else
				b = m;
		}
		c->run = a;
		c->at = 0;
	}
	if (c->run < dend && sv->dseg[c->run] == seg) {
		uint64_t from = t->base + sv->doff[c->run];
		size_t n = (c->run + 1 < dend ? sv->doff[c->run + 1] : t->nbase) - sv->doff[c->run];
		const uint16_t *lo = sv->plo + from, *mx = sv->pmx + from;
		size_t i, j;

		if (t->bmax != NO_BMAX) {	/* the range's place is kept */
			const uint16_t *ro = sv->roff + t->bmax;

			i = ro[rg];
			j = (rg + 1) % (SEG_SIZE / RANGE_SIZE) != 0 ? ro[rg + 1] : n;
		} else {
			if (c->at > 0 && lo[c->at - 1] >= (start & SEG_MASK))
				c->at = 0;	/* a range before the last one */
			i = gallop_u16(lo, c->at, n, start & SEG_MASK);
			j = (end & SEG_MASK) != 0 ? gallop_u16(lo, i, n, end & SEG_MASK) : n;
			c->at = j;
		}
		for (; i < j; i++)
			nt = match_add(s, nt, lo[i], c->w * mx[i], found);
	}
	if (t->tail != NULL) {
		const struct tail *tl = t->tail;
		uint32_t i;

		if (c->tail > 0 && tl->doc[c->tail - 1] >= start)
			c->tail = 0;
		for (i = gallop_u32(tl->doc, c->tail, tl->n, start); i < tl->n && tl->doc[i] < end;
		    i++)
			nt = match_add(s, nt, (uint16_t)(tl->doc[i] & SEG_MASK),
			    c->w * tl->mx[i], found);
		c->tail = i;
	}
	return nt;
}

/*
 * Keeps of the nt touched documents of the segment at base those that can
 * still enter: live, of an allowed city, and with rest more at least
 * theta; the others leave the accumulator.  Returns how many are kept.
 */
static size_t
match_keep(const struct serve *sv, struct serve_scratch *s, uint32_t base, size_t nt,
    int filter, uint32_t theta, uint32_t rest)
{
	size_t k = 0;

	for (size_t i = 0; i < nt; i++) {
		uint16_t lo = s->touched[i];
		uint32_t d = base | lo;

		if ((uint64_t)s->mscore[lo] + rest < theta || !is_live(sv, d) ||
		    (filter && !s->callow[sv->city[d]]))
			s->mscore[lo] = 0;
		else
			s->touched[k++] = lo;
	}
	return k;
}

/*
 * Scores range rg and offers its documents that can enter the best want.
 * With prune and a full heap (the worst kept scoring theta), MaxScore: the
 * lightest lists whose maxima here sum below theta are read only for the
 * documents the others found, and not at all once none of those can reach
 * theta.  mc is ordered lightest first.
 */
static void
match_range(const struct serve *sv, struct serve_scratch *s, struct mcursor *mc, size_t nc,
    uint32_t rg, int filter, size_t want, size_t *nh, long *scored, int prune)
{
	uint32_t base = (rg << RANGE_BITS) & ~SEG_MASK, theta = 0, rest = 0;
	size_t nt = 0, ne = 0;

	if (prune && *nh == want)
		theta = (uint32_t)s->heap[0].score;
	while (ne < nc && (uint64_t)rest + mc[ne].mx[rg] < theta)
		rest += mc[ne++].mx[rg];
	for (size_t i = ne; i < nc; i++)
		nt = mcursor_range(sv, s, &mc[i], rg, nt, 0);
	*scored += (long)nt;
	nt = match_keep(sv, s, base, nt, filter, theta, rest);
	for (size_t i = ne; i-- > 0 && nt > 0;) {
		if (mc[i].mx[rg] == 0)
			continue;
		rest -= mc[i].mx[rg];
		mcursor_range(sv, s, &mc[i], rg, nt, 1);
		nt = match_keep(sv, s, base, nt, filter, theta, rest);
	}
	for (size_t i = 0; i < nt; i++) {
		uint16_t lo = s->touched[i];
		struct heap_ent c = { s->mscore[lo], 0, sv->pid[base | lo], base | lo };

		heap_offer(s->heap, nh, want, &c);
		s->mscore[lo] = 0;
	}
}

/* Whether range a's bound is above range b's. */
static int
mrange_before(const struct serve_scratch *s, uint32_t a, uint32_t b)
{
	return s->mub[a] > s->mub[b];
}

/* Restores the range heap s->mheap[0..n) below position i. */
static void
mrange_sift(struct serve_scratch *s, size_t n, size_t i)
{
	heap_sift_ranges(s, s->mheap, n, i, mrange_before);
}

static int
mcursor_lighter(const void *a, const void *b)
{
	const struct mcursor *x = a, *y = b;

	return (x->top > y->top) - (x->top < y->top);
}

/*
 * Stage 1 over the lists cur[0..nc), range by range of docids: the ranges
 * of the best bounds first until want documents are kept, then every
 * other range in docid order whose bound (the sum of each list's largest
 * there) can still reach the worst kept, by MaxScore within it.  Without
 * prune, every range and every list whole: the same candidates, for
 * checking.  *scored counts the documents summed.
 */
static void
match_bounded(const struct serve *sv, struct serve_scratch *s, const struct cursor *cur,
    size_t nc, int filter, size_t want, size_t *nh, long *scored, int prune)
{
	struct mcursor mc[SERVE_MATCH_TOKENS];
	size_t nr = (sv->nslots + RANGE_SIZE - 1) >> RANGE_BITS, nq = 0;
	double wsum = 0;

	if (want == 0 || nc == 0)
		return;
	scratch_match_ready(s, nr, nc);
	for (size_t i = 0; i < nc; i++)
		wsum += cur[i].w;
	for (size_t i = 0; i < nc; i++) {
		uint32_t w = (uint32_t)(cur[i].w / wsum * MATCH_WSUM);

		mc[i] = (struct mcursor){ .tok = cur[i].tok, .w = w > 0 ? w : 1,
		    .run = cur[i].tok->dir };
	}
	match_bounds(sv, s, mc, nc, nr);
	qsort(mc, nc, sizeof *mc, mcursor_lighter);
	for (uint32_t rg = 0; rg < nr; rg++)
		if (s->mub[rg] > 0)
			s->mheap[nq++] = rg;
	for (size_t i = nq / 2; i-- > 0;)
		mrange_sift(s, nq, i);
	while (prune && nq > 0 && *nh < want) {
		uint32_t rg = s->mheap[0];

		s->mheap[0] = s->mheap[--nq];
		mrange_sift(s, nq, 0);
		match_range(sv, s, mc, nc, rg, filter, want, nh, scored, prune);
		s->mub[rg] = 0;		/* done */
	}
	for (uint32_t rg = 0; rg < nr; rg++)
		if (s->mub[rg] > 0 && (!prune || *nh < want || s->mub[rg] >= s->heap[0].score))
			match_range(sv, s, mc, nc, rg, filter, want, nh, scored, prune);
}

/* Stage 1 as q asks: exhaustive (every list whole, float sums), or by ranges. */
static void
match_stage1(const struct serve *sv, struct serve_scratch *s, const struct serve_match_query *q,
    struct cursor *cur, size_t nc, int filter, size_t want, size_t *nh, long *scored)
{
	if (q->exhaustive)
		match_walk(sv, s, cur, nc, filter, want, nh, scored);
	else
		match_bounded(sv, s, cur, nc, filter, want, nh, scored, !q->stage1_whole);
}

/*
 * Stage 2 reads each candidate's forward entries, scattered over memory:
 * while candidate i is scored, the places of candidate i + RESCORE_AHEAD's
 * entries are fetched, and the entries of the one after i + RESCORE_AHEAD / 2,
 * whose places have come in by then.
 */
#define RESCORE_AHEAD	16

static void
match_prefetch(const struct serve *sv, const struct heap_ent *h, size_t nh, size_t i)
{
	if (i + RESCORE_AHEAD < nh) {
		uint32_t d = h[i + RESCORE_AHEAD].slot;

		__builtin_prefetch(&sv->fwd_off[d]);
		__builtin_prefetch(&sv->fmask_off[d]);
		__builtin_prefetch(&sv->dlen[d]);
	}
	if (i + RESCORE_AHEAD / 2 < nh) {
		uint32_t d = h[i + RESCORE_AHEAD / 2].slot;

		__builtin_prefetch(sv->fwd + sv->fwd_off[d]);
		__builtin_prefetch(sv->fmask + sv->fmask_off[d]);
	}
}

void
serve_match(struct serve *sv, struct serve_scratch *s, const struct serve_match_query *q,
    struct serve_match_result *r)
{
	struct mtok mt[SERVE_MATCH_TOKENS];
	struct cursor cur[SERVE_MATCH_TOKENS];
	size_t ntok = q->ntokens < SERVE_MATCH_TOKENS ? q->ntokens : SERVE_MATCH_TOKENS;
	size_t nm = 0, nh = 0, nc, want;
	int filter = q->cities != NULL;

	memset(r, 0, sizeof *r);
	pthread_rwlock_rdlock(&sv->lock);
	scratch_ready(s, sv);
	if (filter) {
		memset(s->callow, 0, sv->cities.n);
		for (size_t i = 0; i < q->ncities; i++)
			s->callow[vals_id(&sv->cities, q->cities[i], 0)] = 1;
		s->callow[0] = 0;
	}
	for (size_t k = 0; k < ntok; k++) {
		const struct serve_match_token *t = &q->tokens[k];
		long tid = tok_find(sv, t->text, t->len, hash_bytes(t->text, t->len));

		if (tid < 0 || sv->toks[tid].df == 0 || t->weight <= 0)
			continue;
		mt[nm++] = (struct mtok){ (uint32_t)tid, (uint32_t)k,
		    t->weight * idf(sv, sv->toks[tid].df), t->weight >= SERVE_MATCH_HEAVY };
	}
	want = q->exhaustive ? sv->ndocs : q->limit > SERVE_MATCH_CANDIDATES ? q->limit :
	    SERVE_MATCH_CANDIDATES;
	if (want > sv->ndocs)
		want = sv->ndocs;
	if (want > s->hcap) {
		s->hcap = want;
		s->heap = xreallocarray(s->heap, s->hcap + 1, sizeof *s->heap);
	}
	/* Stage 1: the heavy tokens; all of them when those reach fewer than wanted. */
	nc = match_cursors(sv, mt, nm, q->exhaustive, cur);
	match_stage1(sv, s, q, cur, nc, filter, want, &nh, &r->scored);
	if (nh < want && nc < nm) {
		nh = 0;
		nc = match_cursors(sv, mt, nm, 1, cur);
		match_stage1(sv, s, q, cur, nc, filter, want, &nh, &r->scored);
	}
	/* Stage 2: exact scores, then the best limit with their fields. */
	qsort(mt, nm, sizeof *mt, mtok_cmp);
	for (size_t i = 0; i < nh; i++) {
		match_prefetch(sv, s->heap, nh, i);
		s->heap[i].score = match_rescore(sv, s->heap[i].slot, mt, nm, NULL);
	}
	if (nh > 1)
		qsort(s->heap, nh, sizeof *s->heap, ent_cmp);
	r->n = nh < q->limit ? nh : q->limit;
	r->ids = xcalloc(r->n + 1, sizeof *r->ids);
	r->scores = xcalloc(r->n + 1, sizeof *r->scores);
	r->masks = xcalloc(r->n * ntok + 1, sizeof *r->masks);
	for (size_t i = 0; i < r->n; i++) {
		r->ids[i] = s->heap[i].id;
		r->scores[i] = match_rescore(sv, s->heap[i].slot, mt, nm, r->masks + i * ntok);
	}
	pthread_rwlock_unlock(&sv->lock);
}

void
serve_match_result_free(struct serve_match_result *r)
{
	free(r->ids);
	free(r->scores);
	free(r->masks);
	memset(r, 0, sizeof *r);
}
