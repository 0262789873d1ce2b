/*
 * xapian_c.h: a C interface to the parts of Xapian 1.4 that fairmatch uses.
 *
 * Nothing here throws: every entry point catches Xapian::Error,
 * std::exception and anything else inside the wrapper.  Functions that can
 * fail return 0 on success and -1 on failure (or NULL for constructors) and,
 * when err is not NULL, store in *err a message for a person, allocated with
 * malloc; the caller frees it.  *err is left NULL on success, and may also be
 * NULL after a failure if memory ran out while formatting the message.
 *
 * Byte strings (terms, values, data, metadata) are (pointer, length) pairs
 * and may contain NULs; pass XC_NTS as the length of a NUL-terminated
 * string.  A NULL pointer with any length is the empty string.
 *
 * Queries are trees built in C that cannot fail: a constructor returns NULL
 * only when memory runs out, every function taking a query accepts NULL, and
 * any problem (a NULL node, a bad operator, a negative scale factor) is
 * reported when the tree is given to xc_enquire_set_query().
 *
 * There is no query parser on purpose: user text goes through fairmatch's
 * own normaliser and tokenizer, and callers build the query tree themselves.
 *
 * Handles are not thread-safe: use each handle (and everything made from it)
 * from one thread at a time; give each thread its own read-only xc_db.
 */

#ifndef XAPIAN_C_H
#define XAPIAN_C_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Length of a NUL-terminated byte string: the wrapper calls strlen(). */
#define XC_NTS			((size_t)-1)

/* Bytes sortable_serialise() can produce for one double. */
#define XC_SORTABLE_MAX		9

struct xc_db;			/* an open database, read-only or writable */
struct xc_doc;			/* a document being built for indexing */
struct xc_query;		/* a node of a query tree */
struct xc_enquire;		/* a search session over one database */
struct xc_mset;			/* one page of results */
struct xc_spy;			/* value → count tally over matched documents */
struct xc_list;			/* a list of (bytes, count) items */

/* How to open a database. */
enum xc_mode {
	XC_READ,		/* read-only; must already exist */
	XC_WRITE,		/* writable; created if missing */
	XC_WRITE_NEW,		/* writable; created, or emptied if it exists */
	XC_WRITE_BULK		/* XC_WRITE_NEW without fsync at commits: for a
				   from-scratch build into a directory that is
				   renamed into place once its files are synced */
};

/* Operators joining subqueries. */
enum xc_op {
	XC_OP_AND,		/* all subqueries match; weights add */
	XC_OP_OR,		/* any subquery matches; weights add */
	XC_OP_AND_NOT,		/* the first matches and none of the others */
	XC_OP_AND_MAYBE,	/* the first matches; the others only add weight */
	XC_OP_FILTER,		/* all match; weight from the first only */
	XC_OP_SYNONYM,		/* any matches, weighted as one combined term */
	XC_OP_MAX,		/* any matches; weight is the largest sub weight */
	XC_OP_PHRASE,		/* terms adjacent and in order (needs positions) */
	XC_OP_NEAR		/* terms within a window, any order */
};

/* How the result list is ordered. */
enum xc_sort {
	XC_SORT_RELEVANCE,		/* by weight (the default) */
	XC_SORT_VALUE,			/* by a value slot only */
	XC_SORT_VALUE_THEN_RELEVANCE,	/* by value, ties by weight */
	XC_SORT_RELEVANCE_THEN_VALUE	/* by weight, ties by value */
};

/* How documents with equal sort keys are ordered. */
enum xc_docid_order {
	XC_DOCID_ASCENDING,	/* lower docid first (the default) */
	XC_DOCID_DESCENDING,	/* higher docid first */
	XC_DOCID_DONT_CARE	/* whatever is fastest */
};

/* BM25 parameters; see Xapian::BM25Weight. */
struct xc_bm25 {
	double	k1;		/* wdf saturation; 0 makes wdf irrelevant */
	double	k2;		/* document length correction; usually 0 */
	double	k3;		/* wqf saturation */
	double	b;		/* length normalisation, 0 to 1 */
	double	min_normlen;	/* floor on normalised document length */
};

/* Xapian's own BM25 defaults. */
#define XC_BM25_DEFAULTS	{ 1.0, 0.0, 1.0, 0.5, 0.5 }

/* One hit of an mset. */
struct xc_hit {
	uint32_t	docid;		/* document id in the database */
	uint32_t	rank;		/* 0-based position in the full result list */
	double		weight;		/* BM25 score; 0 for purely boolean matches */
	int		percent;	/* weight scaled to 0..100 */
};

/* --- database -------------------------------------------------------- */

/*
 * Open the database at path (a directory, or a stub file) in the given mode.
 * Returns a handle the caller closes with xc_db_close(), or NULL with *err.
 */
struct xc_db	*xc_db_open(const char *path, enum xc_mode mode, char **err);

/*
 * Close and free db.  A writable database commits pending changes first; an
 * open transaction is cancelled.  db is freed even when -1 is returned.
 * Enquires, msets and spies made from db stay safe to use and free
 * afterwards: calls needing the database fail with an error, others still
 * answer from what was already read.  NULL is accepted.
 */
int		 xc_db_close(struct xc_db *db, char **err);

/* Non-zero when db was opened writable. */
int		 xc_db_writable(const struct xc_db *db);

/*
 * Move a read-only db to the latest committed revision.  Returns 1 if it
 * moved, 0 if it was already current, -1 on error.
 */
int		 xc_db_reopen(struct xc_db *db, char **err);

/* Commit pending changes of a writable db (outside a transaction). */
int		 xc_db_commit(struct xc_db *db, char **err);

/*
 * Begin a transaction on a writable db.  Pending changes are committed first
 * (a "flushed" transaction), so the transaction is applied atomically.
 */
int		 xc_db_begin(struct xc_db *db, char **err);

/* Commit the open transaction: its changes are durable on return. */
int		 xc_db_commit_transaction(struct xc_db *db, char **err);

/* Drop every change made since xc_db_begin(). */
int		 xc_db_cancel_transaction(struct xc_db *db, char **err);

/*
 * Add doc, or replace every document indexed by idterm (e.g. "Q" + code)
 * with it.  idterm is added to doc as a boolean term if missing, so the next
 * replace finds it.  Stores the document's id in *docid if docid is not
 * NULL.  doc stays the caller's.
 */
int		 xc_db_replace(struct xc_db *db, const char *idterm,
		     size_t idlen, struct xc_doc *doc, uint32_t *docid,
		     char **err);

/*
 * Add doc as a new document indexed by idterm (added to doc as a boolean
 * term), without looking for an older one: for a from-scratch build, where
 * each idterm comes once.  doc stays the caller's.
 */
int		 xc_db_add(struct xc_db *db, const char *idterm, size_t idlen,
		     struct xc_doc *doc, char **err);

/*
 * Merge the databases at sources[0..n) into a new database at dest, their
 * documents renumbered in that order (the first source's come first);
 * metadata keys they share keep the first source's value.  0, or -1 with *err.
 */
int		 xc_db_compact(const char *const *sources, size_t n, const char *dest,
		     char **err);

/* Delete every document indexed by idterm; none is not an error. */
int		 xc_db_delete(struct xc_db *db, const char *idterm,
		     size_t idlen, char **err);

/* Store the number of documents in *count. */
int		 xc_db_doc_count(struct xc_db *db, uint32_t *count, char **err);

/* Store the average document length (sum of wdf) in *avg. */
int		 xc_db_avg_length(struct xc_db *db, double *avg, char **err);

/* Store in *freq how many documents index term. */
int		 xc_db_term_freq(struct xc_db *db, const char *term,
		     size_t len, uint32_t *freq, char **err);

/*
 * Set metadata key to value (an empty value deletes the key).  Written with
 * the next commit, or with the transaction it is made in.  key must not be
 * empty.
 */
int		 xc_db_set_metadata(struct xc_db *db, const char *key,
		     size_t keylen, const char *value, size_t vallen,
		     char **err);

/*
 * Read metadata key into *value (malloc'd, NUL-terminated after *vallen
 * bytes; caller frees).  An absent key reads as the empty string.
 */
int		 xc_db_get_metadata(struct xc_db *db, const char *key,
		     size_t keylen, char **value, size_t *vallen, char **err);

/*
 * Store in *out the terms of document docid that start with prefix (all
 * terms for an empty prefix), in byte order, each with its wdf as count.
 * Caller frees *out with xc_list_free().
 */
int		 xc_db_doc_terms(struct xc_db *db, uint32_t docid,
		     const char *prefix, size_t prefixlen, struct xc_list **out,
		     char **err);

/* --- documents ------------------------------------------------------- */

/* A new empty document, freed with xc_doc_free(); NULL if out of memory. */
struct xc_doc	*xc_doc_new(void);

/* Free doc; NULL is accepted. */
void		 xc_doc_free(struct xc_doc *doc);

/* Index term at position pos, increasing its wdf by wdf_inc (usually 1). */
int		 xc_doc_add_posting(struct xc_doc *doc, const char *term,
		     size_t len, uint32_t pos, uint32_t wdf_inc, char **err);

/* Index term without a position, increasing its wdf by wdf_inc. */
int		 xc_doc_add_term(struct xc_doc *doc, const char *term,
		     size_t len, uint32_t wdf_inc, char **err);

/* Index term for filtering only: wdf 0, adds nothing to the length. */
int		 xc_doc_add_boolean_term(struct xc_doc *doc, const char *term,
		     size_t len, char **err);

/* Set value slot to the given bytes (empty removes it). */
int		 xc_doc_set_value(struct xc_doc *doc, unsigned slot,
		     const char *value, size_t len, char **err);

/* Set value slot to v, sortable_serialise()d so byte order is numeric. */
int		 xc_doc_set_value_double(struct xc_doc *doc, unsigned slot,
		     double v, char **err);

/* Set the document's opaque data (fairmatch stores the code or rowid). */
int		 xc_doc_set_data(struct xc_doc *doc, const char *data,
		     size_t len, char **err);

/* --- sortable numbers ------------------------------------------------ */

/*
 * Encode v into buf so that byte order matches numeric order; returns the
 * number of bytes written (at most XC_SORTABLE_MAX, possibly 0 for 0.0).
 */
size_t		 xc_sortable_serialise(double v, char buf[XC_SORTABLE_MAX]);

/* Decode bytes made by xc_sortable_serialise(). */
double		 xc_sortable_unserialise(const char *buf, size_t len);

/* --- queries --------------------------------------------------------- */

/*
 * A leaf matching term, with query frequency wqf (1 for a plain term).  An
 * empty term matches nothing (unlike Xapian, where it matches everything).
 * Caller owns the result.
 */
struct xc_query	*xc_query_term(const char *term, size_t len, uint32_t wqf);

/* A leaf matching every document, weight 0; for filter-only browsing. */
struct xc_query	*xc_query_match_all(void);

/* A leaf matching no document. */
struct xc_query	*xc_query_match_nothing(void);

/*
 * Join subs[0..n-1] with op.  Takes ownership of every subs[i] (the array
 * itself stays the caller's), even when NULL is returned.  n == 0 gives a
 * query matching nothing; n == 1 gives subs[0] itself.  For XC_OP_NEAR and
 * XC_OP_PHRASE the window is the number of subqueries; see
 * xc_query_window().
 */
struct xc_query	*xc_query_combine(enum xc_op op, struct xc_query **subs,
		     size_t n);

/* Like xc_query_combine(), with a window for XC_OP_NEAR / XC_OP_PHRASE. */
struct xc_query	*xc_query_window(enum xc_op op, struct xc_query **subs,
		     size_t n, uint32_t window);

/* Multiply q's weights by factor (>= 0).  Takes ownership of q. */
struct xc_query	*xc_query_scale(struct xc_query *q, double factor);

/*
 * Match documents whose value in slot lies in [lo, hi], compared bytewise.
 * A NULL lo or hi leaves that end open.  Matches carry no weight.  The
 * bounds are copied.
 */
struct xc_query	*xc_query_value_range(unsigned slot, const char *lo,
		     size_t lolen, const char *hi, size_t hilen);

/* xc_query_value_range() over sortable_serialise()d doubles. */
struct xc_query	*xc_query_value_range_double(unsigned slot, double lo,
		     double hi);

/* Free q and its whole tree; NULL is accepted. */
void		 xc_query_free(struct xc_query *q);

/*
 * Xapian's description of q, for logs and tests; malloc'd, caller frees.
 * NULL with *err if the tree is broken.
 */
char		*xc_query_describe(const struct xc_query *q, char **err);

/* --- enquire --------------------------------------------------------- */

/*
 * A search session over db; caller frees with xc_enquire_free() before or
 * after closing db.  Its default is BM25 with XC_BM25_DEFAULTS, relevance
 * order, ascending docids among ties.
 */
struct xc_enquire *xc_enquire_new(struct xc_db *db, char **err);

/* Free e; NULL is accepted.  Spies added to e are not freed. */
void		 xc_enquire_free(struct xc_enquire *e);

/*
 * Set the query to run; q stays the caller's and may be freed on return.
 * This is where problems in the tree are reported.  A query that matches
 * nothing (an empty combine, an empty term) is not an error: the mset is
 * empty.  A NULL q is an error.
 */
int		 xc_enquire_set_query(struct xc_enquire *e,
		     const struct xc_query *q, char **err);

/* Weight with BM25 using p (NULL restores the defaults). */
int		 xc_enquire_set_bm25(struct xc_enquire *e,
		     const struct xc_bm25 *p, char **err);

/*
 * Set the result order.  slot and descending are used by the value orders
 * (descending 0 puts the lowest value first).
 */
int		 xc_enquire_set_sort(struct xc_enquire *e, enum xc_sort sort,
		     unsigned slot, int descending, char **err);

/* Set how documents that tie on the sort key are ordered. */
int		 xc_enquire_set_docid_order(struct xc_enquire *e,
		     enum xc_docid_order order, char **err);

/*
 * Let spy tally every document the match looks at.  The spy stays the
 * caller's and must outlive e or a later xc_enquire_clear_spies().  Ask for
 * check_at_least >= the doc count in xc_enquire_mset() for exact counts.
 */
int		 xc_enquire_add_spy(struct xc_enquire *e, struct xc_spy *spy,
		     char **err);

/* Detach every spy from e. */
int		 xc_enquire_clear_spies(struct xc_enquire *e, char **err);

/*
 * Run the query: hits first .. first+max-1 in the chosen order, looking at
 * at least check_at_least documents.  A read-only db modified underneath is
 * reopened and the match retried once.  Caller frees the result with
 * xc_mset_free(); it stays usable after e is freed or its query changes.
 */
struct xc_mset	*xc_enquire_mset(struct xc_enquire *e, uint32_t first,
		     uint32_t max, uint32_t check_at_least, char **err);

/* --- msets ----------------------------------------------------------- */

/* Free m; NULL is accepted. */
void		 xc_mset_free(struct xc_mset *m);

/* Number of hits in m. */
uint32_t	 xc_mset_size(const struct xc_mset *m);

/* Xapian's estimate of the total number of matching documents. */
uint32_t	 xc_mset_estimated(const struct xc_mset *m);

/* Fill *hit for hit i (0 .. size-1) of m. */
int		 xc_mset_hit(const struct xc_mset *m, uint32_t i,
		     struct xc_hit *hit, char **err);

/* Copy hit i's data into *data (malloc'd, NUL-terminated; caller frees). */
int		 xc_mset_data(const struct xc_mset *m, uint32_t i, char **data,
		     size_t *len, char **err);

/*
 * Copy hit i's value in slot into *value (malloc'd, NUL-terminated; caller
 * frees); an unset slot reads as empty.
 */
int		 xc_mset_value(const struct xc_mset *m, uint32_t i,
		     unsigned slot, char **value, size_t *len, char **err);

/*
 * Store in *out the query terms that hit i's document contains, each once,
 * in the order their leaves appear in the tree (depth first, left to
 * right), count 0.  Caller frees *out with xc_list_free().
 */
int		 xc_mset_matching_terms(const struct xc_mset *m, uint32_t i,
		     struct xc_list **out, char **err);

/*
 * Store in *out hit i's terms starting with prefix (e.g. "Q" for its id
 * term); as xc_db_doc_terms().  Caller frees *out.
 */
int		 xc_mset_terms(const struct xc_mset *m, uint32_t i,
		     const char *prefix, size_t prefixlen, struct xc_list **out,
		     char **err);

/* --- spies ----------------------------------------------------------- */

/* A value counter on slot, freed with xc_spy_free(); NULL with *err. */
struct xc_spy	*xc_spy_new(unsigned slot, char **err);

/* Free spy; NULL is accepted.  Detach it from its enquires first. */
void		 xc_spy_free(struct xc_spy *spy);

/* Number of documents the spy has tallied (over every match run). */
uint32_t	 xc_spy_total(const struct xc_spy *spy);

/*
 * Store in *out the values seen with their counts: with top == 0 every
 * value in byte order, else the top most frequent, most frequent first and
 * ties in byte order.  Caller frees *out with xc_list_free().
 */
int		 xc_spy_values(const struct xc_spy *spy, size_t top,
		     struct xc_list **out, char **err);

/* --- lists ----------------------------------------------------------- */

/* Free l; NULL is accepted. */
void		 xc_list_free(struct xc_list *l);

/* Number of items in l. */
size_t		 xc_list_size(const struct xc_list *l);

/*
 * Item i's bytes, NUL-terminated, with the length in *len if len is not
 * NULL; valid until l is freed.  NULL if i is out of range.
 */
const char	*xc_list_item(const struct xc_list *l, size_t i, size_t *len);

/* Item i's count (wdf, or documents for a spy); 0 if out of range. */
uint64_t	 xc_list_count(const struct xc_list *l, size_t i);

#ifdef __cplusplus
}
#endif

#endif /* XAPIAN_C_H */
