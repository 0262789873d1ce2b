/*
 * xapian_c.cc: the C interface of xapian_c.h over Xapian 1.4.
 *
 * Every entry point runs its body through guarded(), which turns any
 * exception into -1 and a malloc'd message, so nothing thrown by Xapian or
 * the C++ library reaches C.  Query trees are plain C++ nodes turned into a
 * Xapian::Query only inside xc_enquire_set_query(), so building them never
 * throws into the caller.
 */

#include "xapian_c.h"

#include <xapian.h>

#include <cmath>
#include <cstdarg>
#include <cstddef>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <new>
#include <set>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

struct xc_db {
	Xapian::Database		*rd;	/* reads; the writer too if writable */
	Xapian::WritableDatabase	*wr;	/* NULL when opened read-only */
};

struct xc_doc {
	Xapian::Document	 doc;		/* the document being built */
};

/* What a query node is. */
enum xc_kind {
	XC_KIND_TERM,		/* a term leaf */
	XC_KIND_ALL,		/* every document */
	XC_KIND_NOTHING,	/* no document */
	XC_KIND_COMBINE,	/* an operator over subs */
	XC_KIND_SCALE,		/* subs[0] with weights times factor */
	XC_KIND_RANGE		/* a value range on slot */
};

struct xc_query {
	enum xc_kind			 kind;		/* which fields are used */
	std::string			 term;		/* TERM: the term */
	uint32_t			 wqf = 1;	/* TERM: query frequency */
	unsigned long			 op = 0;	/* COMBINE: raw enum xc_op */
	uint32_t			 window = 0;	/* COMBINE: NEAR/PHRASE */
	std::vector<xc_query *>		 subs;		/* COMBINE, SCALE: owned */
	double				 factor = 1;	/* SCALE: multiplier */
	unsigned			 slot = 0;	/* RANGE: value slot */
	bool				 has_lo = false; /* RANGE: lo bounded */
	bool				 has_hi = false; /* RANGE: hi bounded */
	std::string			 lo;		/* RANGE: lower bound */
	std::string			 hi;		/* RANGE: upper bound */

	explicit xc_query(enum xc_kind k) : kind(k) {}
	~xc_query() { for (xc_query *s : subs) delete s; }
	xc_query(const xc_query &) = delete;
	xc_query &operator=(const xc_query &) = delete;
};

struct xc_enquire {
	Xapian::Database	 db;		/* shares db's internals */
	Xapian::Enquire		 enq;		/* the search session */

	explicit xc_enquire(const Xapian::Database &d) : db(d), enq(d) {}
};

struct xc_mset {
	Xapian::MSet		 mset;		/* the hits */
	Xapian::Database	 db;		/* for documents and term lists */
	Xapian::Query		 query;		/* for the matching terms */
};

struct xc_spy {
	Xapian::ValueCountMatchSpy spy;		/* the tally */

	explicit xc_spy(unsigned slot) : spy(slot) {}
};

/* One list item: bytes and a count. */
struct xc_item {
	std::string		 bytes;		/* the term or value */
	uint64_t		 count;		/* wdf or document count */
};

struct xc_list {
	std::vector<xc_item>	 items;		/* in the order documented */
};

/* How each enum xc_op maps onto Xapian, indexed by the enum. */
static constexpr struct {
	enum xc_op		 key;		/* the C operator */
	Xapian::Query::op	 xop;		/* Xapian's */
	const char		*name;		/* for messages */
} op_table[] = {
	{ XC_OP_AND, Xapian::Query::OP_AND, "AND" },
	{ XC_OP_OR, Xapian::Query::OP_OR, "OR" },
	{ XC_OP_AND_NOT, Xapian::Query::OP_AND_NOT, "AND_NOT" },
	{ XC_OP_AND_MAYBE, Xapian::Query::OP_AND_MAYBE, "AND_MAYBE" },
	{ XC_OP_FILTER, Xapian::Query::OP_FILTER, "FILTER" },
	{ XC_OP_SYNONYM, Xapian::Query::OP_SYNONYM, "SYNONYM" },
	{ XC_OP_MAX, Xapian::Query::OP_MAX, "MAX" },
	{ XC_OP_PHRASE, Xapian::Query::OP_PHRASE, "PHRASE" },
	{ XC_OP_NEAR, Xapian::Query::OP_NEAR, "NEAR" },
};

/* How each enum xc_docid_order maps onto Xapian, indexed by the enum. */
static constexpr struct {
	enum xc_docid_order		 key;	/* the C order */
	Xapian::Enquire::docid_order	 xorder; /* Xapian's */
} docid_order_table[] = {
	{ XC_DOCID_ASCENDING, Xapian::Enquire::ASCENDING },
	{ XC_DOCID_DESCENDING, Xapian::Enquire::DESCENDING },
	{ XC_DOCID_DONT_CARE, Xapian::Enquire::DONT_CARE },
};

/* How each enum xc_mode opens a database, indexed by the enum. */
static constexpr struct {
	enum xc_mode		 key;		/* the C mode */
	bool			 writable;	/* WritableDatabase or not */
	int			 flags;		/* Xapian's open flags */
} mode_table[] = {
	{ XC_READ, false, 0 },
	{ XC_WRITE, true, Xapian::DB_CREATE_OR_OPEN | Xapian::DB_BACKEND_GLASS },
	{ XC_WRITE_NEW, true,
	    Xapian::DB_CREATE_OR_OVERWRITE | Xapian::DB_BACKEND_GLASS },
	{ XC_WRITE_BULK, true, Xapian::DB_CREATE_OR_OVERWRITE |
	    Xapian::DB_BACKEND_GLASS | Xapian::DB_NO_SYNC },
};

/* How each enum xc_sort is applied, indexed by the enum. */
static constexpr struct {
	enum xc_sort		 key;		/* the C order */
	void			(*apply)(Xapian::Enquire &, unsigned,
				    bool);	/* set it on an enquire */
} sort_table[] = {
	{ XC_SORT_RELEVANCE, [](Xapian::Enquire &e, unsigned, bool) {
		e.set_sort_by_relevance(); } },
	{ XC_SORT_VALUE, [](Xapian::Enquire &e, unsigned slot, bool rev) {
		e.set_sort_by_value(slot, rev); } },
	{ XC_SORT_VALUE_THEN_RELEVANCE,
	    [](Xapian::Enquire &e, unsigned slot, bool rev) {
		e.set_sort_by_value_then_relevance(slot, rev); } },
	{ XC_SORT_RELEVANCE_THEN_VALUE,
	    [](Xapian::Enquire &e, unsigned slot, bool rev) {
		e.set_sort_by_relevance_then_value(slot, rev); } },
};

/*
 * Bounds of each BM25 parameter.  Xapian silently clamps out-of-range
 * values; a caller passing one has a bug worth hearing about.
 */
static const struct {
	const char		*name;		/* for messages */
	size_t			 offset;	/* in struct xc_bm25 */
	double			 lo;		/* smallest allowed */
	double			 hi;		/* largest allowed */
} bm25_table[] = {
	{ "k1", offsetof(struct xc_bm25, k1), 0, HUGE_VAL },
	{ "k2", offsetof(struct xc_bm25, k2), 0, HUGE_VAL },
	{ "k3", offsetof(struct xc_bm25, k3), 0, HUGE_VAL },
	{ "b", offsetof(struct xc_bm25, b), 0, 1 },
	{ "min_normlen", offsetof(struct xc_bm25, min_normlen), 0, HUGE_VAL },
};

/* Number of entries in a table. */
#define nitems(t)	(sizeof (t) / sizeof (t)[0])

/* True when entry i of an enum-indexed table has key i. */
template <typename T, size_t N> static constexpr bool
in_enum_order(const T (&table)[N])
{
	for (size_t i = 0; i < N; i++)
		if ((size_t)table[i].key != i)
			return false;
	return true;
}

static_assert(in_enum_order(op_table), "op_table out of enum order");
static_assert(in_enum_order(docid_order_table), "docid_order_table order");
static_assert(in_enum_order(mode_table), "mode_table out of enum order");
static_assert(in_enum_order(sort_table), "sort_table out of enum order");

/* Longest input quoted in an error message, in bytes. */
#define XC_QUOTE_MAX	200

/* Store a malloc'd message "what "detail": msg" in *err; never throws. */
static void
set_error(char **err, const char *what, const char *detail, size_t dlen,
    const char *msg, const char *type)
{
	char	*buf;
	int	 n, dn;

	if (err == NULL)
		return;
	*err = NULL;
	if (detail != NULL && dlen == XC_NTS)
		dlen = strlen(detail);
	dn = (int)(dlen > XC_QUOTE_MAX ? XC_QUOTE_MAX : dlen);
	if (detail == NULL)
		n = snprintf(NULL, 0, "%s: %s%s%s%s", what, msg,
		    type ? " (" : "", type ? type : "", type ? ")" : "");
	else
		n = snprintf(NULL, 0, "%s \"%.*s\": %s%s%s%s", what, dn,
		    detail, msg, type ? " (" : "", type ? type : "",
		    type ? ")" : "");
	if (n < 0 || (buf = (char *)malloc((size_t)n + 1)) == NULL)
		return;
	if (detail == NULL)
		snprintf(buf, (size_t)n + 1, "%s: %s%s%s%s", what, msg,
		    type ? " (" : "", type ? type : "", type ? ")" : "");
	else
		snprintf(buf, (size_t)n + 1, "%s \"%.*s\": %s%s%s%s", what,
		    dn, detail, msg, type ? " (" : "", type ? type : "",
		    type ? ")" : "");
	*err = buf;
}

/*
 * Run body, turning any exception into -1 and a message naming what was
 * being done and on which input (detail, may be NULL).
 */
template <typename F> static int
guarded(char **err, const char *what, const char *detail, size_t dlen,
    F body)
{
	if (err != NULL)
		*err = NULL;
	try {
		body();
		return 0;
	} catch (const Xapian::Error &e) {
		/* get_msg() returns a reference: no allocation here. */
		set_error(err, what, detail, dlen, e.get_msg().c_str(),
		    e.get_type());
	} catch (const std::bad_alloc &) {
		set_error(err, what, detail, dlen, "out of memory", NULL);
	} catch (const std::exception &e) {
		set_error(err, what, detail, dlen, e.what(), NULL);
	} catch (...) {
		set_error(err, what, detail, dlen, "unknown exception", NULL);
	}
	return -1;
}

/*
 * An enum argument's raw value.  C may pass any int; in C++ loading an
 * enum outside its enumerators' range is undefined, so read the bytes.
 */
template <typename E> static unsigned long
raw_enum(const E &e)
{
	typename std::underlying_type<E>::type	 raw;

	static_assert(sizeof raw == sizeof e, "enum size");
	memcpy(&raw, &e, sizeof raw);
	return (unsigned long)raw;
}

/* A (pointer, length) argument as a string; XC_NTS means strlen. */
static std::string
bytes(const char *p, size_t len)
{
	if (p == NULL)
		return std::string();
	if (len == XC_NTS)
		len = strlen(p);
	return std::string(p, len);
}

/* Copy s into a malloc'd NUL-terminated buffer; throws on no memory. */
static void
copy_out(const std::string &s, char **out, size_t *len)
{
	char	*buf;

	if ((buf = (char *)malloc(s.size() + 1)) == NULL)
		throw std::bad_alloc();
	memcpy(buf, s.data(), s.size());
	buf[s.size()] = '\0';
	*out = buf;
	if (len != NULL)
		*len = s.size();
}

/* Throw unless db is open and writable. */
static void
need_writer(const struct xc_db *db)
{
	if (db == NULL || db->rd == NULL)
		throw std::invalid_argument("no database");
	if (db->wr == NULL)
		throw std::invalid_argument("database opened read-only");
}

/* Throw unless db is open. */
static void
need_reader(const struct xc_db *db)
{
	if (db == NULL || db->rd == NULL)
		throw std::invalid_argument("no database");
}

/* Throw unless term is a usable id term (empty would mean every doc). */
static std::string
id_term(const char *term, size_t len)
{
	std::string	 id = bytes(term, len);

	if (id.empty())
		throw std::invalid_argument("empty id term (would select "
		    "every document)");
	return id;
}

/* Collect the terms of document did starting with prefix into a list. */
static struct xc_list *
prefixed_terms(const Xapian::Database &db, uint32_t did,
    const std::string &prefix)
{
	struct xc_list			*l;
	Xapian::TermIterator		 t, end;

	l = new struct xc_list;
	try {
		t = db.termlist_begin(did);
		end = db.termlist_end(did);
		if (!prefix.empty())
			t.skip_to(prefix);
		for (; t != end; ++t) {
			const std::string &term = *t;
			if (term.compare(0, prefix.size(), prefix) != 0)
				break;
			l->items.push_back(xc_item{ term, t.get_wdf() });
		}
	} catch (...) {
		delete l;
		throw;
	}
	return l;
}

/* --- database -------------------------------------------------------- */

/* Open path read-only or writable. */
struct xc_db *
xc_db_open(const char *path, enum xc_mode mode, char **err)
{
	struct xc_db	*db = NULL;
	int		 rc;

	rc = guarded(err, "open", path, XC_NTS, [&] {
		std::string	 p = bytes(path, XC_NTS);
		unsigned long	 m = raw_enum(mode);

		if (p.empty())
			throw std::invalid_argument("empty path");
		if (m >= nitems(mode_table))
			throw std::invalid_argument("unknown open mode " +
			    std::to_string(m));
		db = new struct xc_db;
		db->rd = NULL;
		db->wr = NULL;
		if (!mode_table[m].writable) {
			db->rd = new Xapian::Database(p);
			return;
		}
		db->wr = new Xapian::WritableDatabase(p, mode_table[m].flags);
		db->rd = db->wr;
	});
	if (rc == -1 && db != NULL) {
		delete db->rd;
		delete db;
		db = NULL;
	}
	return db;
}

/* Close db, committing a writer's pending changes, and free it. */
int
xc_db_close(struct xc_db *db, char **err)
{
	int	 rc;

	if (err != NULL)
		*err = NULL;
	if (db == NULL)
		return 0;
	rc = guarded(err, "close", NULL, 0, [&] {
		if (db->rd != NULL)
			db->rd->close();
	});
	/* Destructors of Xapian handles do not throw. */
	delete db->rd;
	delete db;
	return rc;
}

/* Say whether db is writable. */
int
xc_db_writable(const struct xc_db *db)
{
	return db != NULL && db->wr != NULL;
}

/* Move db to the latest revision. */
int
xc_db_reopen(struct xc_db *db, char **err)
{
	bool	 moved = false;

	if (guarded(err, "reopen", NULL, 0, [&] {
		need_reader(db);
		moved = db->rd->reopen();
	}) == -1)
		return -1;
	return moved ? 1 : 0;
}

/* Commit pending changes. */
int
xc_db_commit(struct xc_db *db, char **err)
{
	return guarded(err, "commit", NULL, 0, [&] {
		need_writer(db);
		db->wr->commit();
	});
}

/* Begin a flushed transaction. */
int
xc_db_begin(struct xc_db *db, char **err)
{
	return guarded(err, "begin transaction", NULL, 0, [&] {
		need_writer(db);
		db->wr->begin_transaction(true);
	});
}

/* Commit the open transaction. */
int
xc_db_commit_transaction(struct xc_db *db, char **err)
{
	return guarded(err, "commit transaction", NULL, 0, [&] {
		need_writer(db);
		db->wr->commit_transaction();
	});
}

/* Cancel the open transaction. */
int
xc_db_cancel_transaction(struct xc_db *db, char **err)
{
	return guarded(err, "cancel transaction", NULL, 0, [&] {
		need_writer(db);
		db->wr->cancel_transaction();
	});
}

/* Add or replace the document indexed by idterm. */
int
xc_db_replace(struct xc_db *db, const char *idterm, size_t idlen,
    struct xc_doc *doc, uint32_t *docid, char **err)
{
	return guarded(err, "replace document", idterm, idlen, [&] {
		need_writer(db);
		std::string	 id = id_term(idterm, idlen);
		Xapian::docid	 did;

		if (doc == NULL)
			throw std::invalid_argument("no document");
		doc->doc.add_boolean_term(id);
		did = db->wr->replace_document(id, doc->doc);
		if (docid != NULL)
			*docid = did;
	});
}

/* Add a new document indexed by idterm. */
int
xc_db_add(struct xc_db *db, const char *idterm, size_t idlen,
    struct xc_doc *doc, char **err)
{
	return guarded(err, "add document", idterm, idlen, [&] {
		need_writer(db);
		if (doc == NULL)
			throw std::invalid_argument("no document");
		doc->doc.add_boolean_term(id_term(idterm, idlen));
		db->wr->add_document(doc->doc);
	});
}

/* Merge sources into dest. */
int
xc_db_compact(const char *const *sources, size_t n, const char *dest, char **err)
{
	return guarded(err, "compact", dest, XC_NTS, [&] {
		Xapian::Database	 all;

		if (n == 0)
			throw std::invalid_argument("nothing to compact");
		for (size_t i = 0; i < n; i++)
			all.add_database(Xapian::Database(bytes(sources[i], XC_NTS)));
		all.compact(bytes(dest, XC_NTS), Xapian::Compactor::STANDARD);
	});
}

/* Delete the documents indexed by idterm. */
int
xc_db_delete(struct xc_db *db, const char *idterm, size_t idlen,
    char **err)
{
	return guarded(err, "delete document", idterm, idlen, [&] {
		need_writer(db);
		db->wr->delete_document(id_term(idterm, idlen));
	});
}

/* Count documents. */
int
xc_db_doc_count(struct xc_db *db, uint32_t *count, char **err)
{
	return guarded(err, "document count", NULL, 0, [&] {
		need_reader(db);
		*count = db->rd->get_doccount();
	});
}

/* Average document length. */
int
xc_db_avg_length(struct xc_db *db, double *avg, char **err)
{
	return guarded(err, "average length", NULL, 0, [&] {
		need_reader(db);
		*avg = db->rd->get_avlength();
	});
}

/* Number of documents indexing term. */
int
xc_db_term_freq(struct xc_db *db, const char *term, size_t len,
    uint32_t *freq, char **err)
{
	return guarded(err, "term frequency", term, len, [&] {
		need_reader(db);
		*freq = db->rd->get_termfreq(bytes(term, len));
	});
}

/* Set a metadata entry. */
int
xc_db_set_metadata(struct xc_db *db, const char *key, size_t keylen,
    const char *value, size_t vallen, char **err)
{
	return guarded(err, "set metadata", key, keylen, [&] {
		need_writer(db);
		db->wr->set_metadata(bytes(key, keylen), bytes(value, vallen));
	});
}

/* Read a metadata entry. */
int
xc_db_get_metadata(struct xc_db *db, const char *key, size_t keylen,
    char **value, size_t *vallen, char **err)
{
	return guarded(err, "get metadata", key, keylen, [&] {
		need_reader(db);
		copy_out(db->rd->get_metadata(bytes(key, keylen)), value,
		    vallen);
	});
}

/* List a document's terms under a prefix. */
int
xc_db_doc_terms(struct xc_db *db, uint32_t docid, const char *prefix,
    size_t prefixlen, struct xc_list **out, char **err)
{
	return guarded(err, "document terms", prefix, prefixlen, [&] {
		need_reader(db);
		*out = prefixed_terms(*db->rd, docid,
		    bytes(prefix, prefixlen));
	});
}

/* --- documents ------------------------------------------------------- */

/* Make an empty document. */
struct xc_doc *
xc_doc_new(void)
{
	try {
		return new struct xc_doc;
	} catch (...) {
		return NULL;
	}
}

/* Free a document. */
void
xc_doc_free(struct xc_doc *doc)
{
	delete doc;
}

/* Add a positional posting. */
int
xc_doc_add_posting(struct xc_doc *doc, const char *term, size_t len,
    uint32_t pos, uint32_t wdf_inc, char **err)
{
	return guarded(err, "add posting", term, len, [&] {
		if (doc == NULL)
			throw std::invalid_argument("no document");
		doc->doc.add_posting(bytes(term, len), pos, wdf_inc);
	});
}

/* Add a term without position. */
int
xc_doc_add_term(struct xc_doc *doc, const char *term, size_t len,
    uint32_t wdf_inc, char **err)
{
	return guarded(err, "add term", term, len, [&] {
		if (doc == NULL)
			throw std::invalid_argument("no document");
		doc->doc.add_term(bytes(term, len), wdf_inc);
	});
}

/* Add a filter-only term. */
int
xc_doc_add_boolean_term(struct xc_doc *doc, const char *term, size_t len,
    char **err)
{
	return guarded(err, "add boolean term", term, len, [&] {
		if (doc == NULL)
			throw std::invalid_argument("no document");
		doc->doc.add_boolean_term(bytes(term, len));
	});
}

/* Set a value slot to bytes. */
int
xc_doc_set_value(struct xc_doc *doc, unsigned slot, const char *value,
    size_t len, char **err)
{
	return guarded(err, "set value", NULL, 0, [&] {
		if (doc == NULL)
			throw std::invalid_argument("no document");
		doc->doc.add_value(slot, bytes(value, len));
	});
}

/* Set a value slot to a sortable double. */
int
xc_doc_set_value_double(struct xc_doc *doc, unsigned slot, double v,
    char **err)
{
	return guarded(err, "set value", NULL, 0, [&] {
		if (doc == NULL)
			throw std::invalid_argument("no document");
		doc->doc.add_value(slot, Xapian::sortable_serialise(v));
	});
}

/* Set the document's data blob. */
int
xc_doc_set_data(struct xc_doc *doc, const char *data, size_t len,
    char **err)
{
	return guarded(err, "set data", NULL, 0, [&] {
		if (doc == NULL)
			throw std::invalid_argument("no document");
		doc->doc.set_data(bytes(data, len));
	});
}

/* --- sortable numbers ------------------------------------------------ */

/* Encode a double so byte order is numeric order. */
size_t
xc_sortable_serialise(double v, char buf[XC_SORTABLE_MAX])
{
	size_t	 n = 0;

	guarded(NULL, "serialise", NULL, 0, [&] {
		std::string s = Xapian::sortable_serialise(v);
		n = s.size() > XC_SORTABLE_MAX ? XC_SORTABLE_MAX : s.size();
		memcpy(buf, s.data(), n);
	});
	return n;
}

/* Decode a sortable double. */
double
xc_sortable_unserialise(const char *buf, size_t len)
{
	double	 v = 0;

	guarded(NULL, "unserialise", NULL, 0, [&] {
		v = Xapian::sortable_unserialise(bytes(buf, len));
	});
	return v;
}

/* --- queries --------------------------------------------------------- */

/* A term leaf. */
struct xc_query *
xc_query_term(const char *term, size_t len, uint32_t wqf)
{
	struct xc_query	*q = NULL;

	try {
		q = new struct xc_query(XC_KIND_TERM);
		q->term = bytes(term, len);
		q->wqf = wqf;
		return q;
	} catch (...) {
		delete q;
		return NULL;
	}
}

/* A leaf matching everything. */
struct xc_query *
xc_query_match_all(void)
{
	return new (std::nothrow) struct xc_query(XC_KIND_ALL);
}

/* A leaf matching nothing. */
struct xc_query *
xc_query_match_nothing(void)
{
	return new (std::nothrow) struct xc_query(XC_KIND_NOTHING);
}

/* Join subqueries with op and a NEAR/PHRASE window. */
struct xc_query *
xc_query_window(enum xc_op op, struct xc_query **subs, size_t n,
    uint32_t window)
{
	struct xc_query	*q = NULL;
	size_t		 i = 0;

	try {
		q = new struct xc_query(XC_KIND_COMBINE);
		q->op = raw_enum(op);
		q->window = window;
		q->subs.reserve(n);
		for (i = 0; i < n; i++)
			q->subs.push_back(subs[i]);
		return q;
	} catch (...) {
		/* We own the subs whatever happens. */
		for (; i < n; i++)
			delete subs[i];
		delete q;
		return NULL;
	}
}

/* Join subqueries with op. */
struct xc_query *
xc_query_combine(enum xc_op op, struct xc_query **subs, size_t n)
{
	return xc_query_window(op, subs, n, 0);
}

/* Scale a query's weights. */
struct xc_query *
xc_query_scale(struct xc_query *sub, double factor)
{
	struct xc_query	*q = NULL;

	try {
		q = new struct xc_query(XC_KIND_SCALE);
		q->factor = factor;
		q->subs.push_back(sub);
		return q;
	} catch (...) {
		delete sub;
		delete q;
		return NULL;
	}
}

/* A value range leaf over raw bytes. */
struct xc_query *
xc_query_value_range(unsigned slot, const char *lo, size_t lolen,
    const char *hi, size_t hilen)
{
	struct xc_query	*q = NULL;

	try {
		q = new struct xc_query(XC_KIND_RANGE);
		q->slot = slot;
		q->has_lo = lo != NULL;
		q->has_hi = hi != NULL;
		q->lo = bytes(lo, lolen);
		q->hi = bytes(hi, hilen);
		return q;
	} catch (...) {
		delete q;
		return NULL;
	}
}

/* A value range leaf over sortable doubles. */
struct xc_query *
xc_query_value_range_double(unsigned slot, double lo, double hi)
{
	char	 lb[XC_SORTABLE_MAX], hb[XC_SORTABLE_MAX];
	size_t	 ln, hn;

	ln = xc_sortable_serialise(lo, lb);
	hn = xc_sortable_serialise(hi, hb);
	return xc_query_value_range(slot, lb, ln, hb, hn);
}

/* Free a query tree. */
void
xc_query_free(struct xc_query *q)
{
	delete q;
}

/*
 * Turn a node tree into a Xapian::Query; throws on a broken tree.  Term
 * leaves get query positions 1, 2, ... left to right, so that
 * get_terms_begin() lists them in the order the caller wrote them.
 */
static Xapian::Query
build(const struct xc_query *q, Xapian::termpos *leaf)
{
	std::vector<Xapian::Query>	 subs;

	if (q == NULL)
		throw std::invalid_argument("missing query node (out of "
		    "memory while building the query)");
	switch (q->kind) {
	case XC_KIND_TERM:
		/* Xapian's Query("") is MatchAll; ours matches nothing. */
		if (q->term.empty())
			return Xapian::Query();
		return Xapian::Query(q->term, q->wqf, ++*leaf);
	case XC_KIND_ALL:
		return Xapian::Query::MatchAll;
	case XC_KIND_NOTHING:
		return Xapian::Query::MatchNothing;
	case XC_KIND_COMBINE:
		if (q->op >= nitems(op_table))
			throw std::invalid_argument("unknown query operator " +
			    std::to_string(q->op));
		for (const struct xc_query *s : q->subs)
			subs.push_back(build(s, leaf));
		return Xapian::Query(op_table[q->op].xop, subs.begin(),
		    subs.end(), q->window);
	case XC_KIND_SCALE:
		return Xapian::Query(Xapian::Query::OP_SCALE_WEIGHT,
		    build(q->subs.at(0), leaf), q->factor);
	case XC_KIND_RANGE:
		if (q->has_lo && q->has_hi)
			return Xapian::Query(Xapian::Query::OP_VALUE_RANGE,
			    q->slot, q->lo, q->hi);
		if (q->has_lo)
			return Xapian::Query(Xapian::Query::OP_VALUE_GE,
			    q->slot, q->lo);
		if (q->has_hi)
			return Xapian::Query(Xapian::Query::OP_VALUE_LE,
			    q->slot, q->hi);
		return Xapian::Query::MatchAll;
	}
	throw std::invalid_argument("corrupt query node");
}

/* Describe a query tree. */
char *
xc_query_describe(const struct xc_query *q, char **err)
{
	char	*out = NULL;

	if (guarded(err, "describe query", NULL, 0, [&] {
		Xapian::termpos	 leaf = 0;

		copy_out(build(q, &leaf).get_description(), &out, NULL);
	}) == -1)
		return NULL;
	return out;
}

/* --- enquire --------------------------------------------------------- */

/* Start a search session. */
struct xc_enquire *
xc_enquire_new(struct xc_db *db, char **err)
{
	struct xc_enquire	*e = NULL;

	guarded(err, "new enquire", NULL, 0, [&] {
		need_reader(db);
		e = new struct xc_enquire(*db->rd);
	});
	return e;
}

/* Free a search session. */
void
xc_enquire_free(struct xc_enquire *e)
{
	delete e;
}

/* Set the query. */
int
xc_enquire_set_query(struct xc_enquire *e, const struct xc_query *q,
    char **err)
{
	return guarded(err, "set query", NULL, 0, [&] {
		if (e == NULL)
			throw std::invalid_argument("no enquire");
		if (q == NULL)
			throw std::invalid_argument("no query");
		Xapian::termpos	 leaf = 0;

		e->enq.set_query(build(q, &leaf));
	});
}

/* Set BM25 parameters. */
int
xc_enquire_set_bm25(struct xc_enquire *e, const struct xc_bm25 *p,
    char **err)
{
	return guarded(err, "set BM25", NULL, 0, [&] {
		if (e == NULL)
			throw std::invalid_argument("no enquire");
		if (p == NULL) {
			e->enq.set_weighting_scheme(Xapian::BM25Weight());
			return;
		}
		for (const auto &b : bm25_table) {
			double	 v;

			memcpy(&v, (const char *)p + b.offset, sizeof v);
			/* Written so that NaN fails too. */
			if (!(v >= b.lo && v <= b.hi))
				throw std::invalid_argument(std::string("BM25 ") +
				    b.name + " out of range: " +
				    std::to_string(v));
		}
		e->enq.set_weighting_scheme(Xapian::BM25Weight(p->k1, p->k2,
		    p->k3, p->b, p->min_normlen));
	});
}

/* Set the result order. */
int
xc_enquire_set_sort(struct xc_enquire *e, enum xc_sort sort, unsigned slot,
    int descending, char **err)
{
	return guarded(err, "set sort", NULL, 0, [&] {
		unsigned long	 k = raw_enum(sort);

		if (e == NULL)
			throw std::invalid_argument("no enquire");
		if (k >= nitems(sort_table))
			throw std::invalid_argument("unknown sort order " +
			    std::to_string(k));
		sort_table[k].apply(e->enq, slot, descending != 0);
	});
}

/* Set the docid order among ties. */
int
xc_enquire_set_docid_order(struct xc_enquire *e, enum xc_docid_order order,
    char **err)
{
	return guarded(err, "set docid order", NULL, 0, [&] {
		unsigned long	 k = raw_enum(order);

		if (e == NULL)
			throw std::invalid_argument("no enquire");
		if (k >= nitems(docid_order_table))
			throw std::invalid_argument("unknown docid order " +
			    std::to_string(k));
		e->enq.set_docid_order(docid_order_table[k].xorder);
	});
}

/* Attach a spy. */
int
xc_enquire_add_spy(struct xc_enquire *e, struct xc_spy *spy, char **err)
{
	return guarded(err, "add spy", NULL, 0, [&] {
		if (e == NULL || spy == NULL)
			throw std::invalid_argument("no enquire or spy");
		e->enq.add_matchspy(&spy->spy);
	});
}

/* Detach all spies. */
int
xc_enquire_clear_spies(struct xc_enquire *e, char **err)
{
	return guarded(err, "clear spies", NULL, 0, [&] {
		if (e == NULL)
			throw std::invalid_argument("no enquire");
		e->enq.clear_matchspies();
	});
}

/* Run the query. */
struct xc_mset *
xc_enquire_mset(struct xc_enquire *e, uint32_t first, uint32_t max,
    uint32_t check_at_least, char **err)
{
	struct xc_mset	*m = NULL;

	if (guarded(err, "search", NULL, 0, [&] {
		if (e == NULL)
			throw std::invalid_argument("no enquire");
		m = new struct xc_mset;
		m->db = e->db;
		m->query = e->enq.get_query();
		try {
			m->mset = e->enq.get_mset(first, max, check_at_least);
		} catch (const Xapian::DatabaseModifiedError &) {
			/* A writer moved on under a reader: catch up once. */
			e->db.reopen();
			m->mset = e->enq.get_mset(first, max, check_at_least);
		}
	}) == -1) {
		delete m;
		return NULL;
	}
	return m;
}

/* --- msets ----------------------------------------------------------- */

/* Free an mset. */
void
xc_mset_free(struct xc_mset *m)
{
	delete m;
}

/* Hits in the mset. */
uint32_t
xc_mset_size(const struct xc_mset *m)
{
	return m == NULL ? 0 : m->mset.size();
}

/* Estimated matches in total. */
uint32_t
xc_mset_estimated(const struct xc_mset *m)
{
	return m == NULL ? 0 : m->mset.get_matches_estimated();
}

/* Throw unless i indexes a hit of m; return its iterator. */
static Xapian::MSetIterator
hit_at(const struct xc_mset *m, uint32_t i)
{
	if (m == NULL)
		throw std::invalid_argument("no mset");
	if (i >= m->mset.size())
		throw std::out_of_range("hit " + std::to_string(i) +
		    " out of range (mset has " +
		    std::to_string(m->mset.size()) + ")");
	return m->mset[i];
}

/* Describe hit i. */
int
xc_mset_hit(const struct xc_mset *m, uint32_t i, struct xc_hit *hit,
    char **err)
{
	return guarded(err, "mset hit", NULL, 0, [&] {
		Xapian::MSetIterator	 it = hit_at(m, i);

		hit->docid = *it;
		hit->rank = it.get_rank();
		hit->weight = it.get_weight();
		hit->percent = it.get_percent();
	});
}

/* Copy hit i's data. */
int
xc_mset_data(const struct xc_mset *m, uint32_t i, char **data, size_t *len,
    char **err)
{
	return guarded(err, "mset data", NULL, 0, [&] {
		copy_out(hit_at(m, i).get_document().get_data(), data, len);
	});
}

/* Copy hit i's value in slot. */
int
xc_mset_value(const struct xc_mset *m, uint32_t i, unsigned slot,
    char **value, size_t *len, char **err)
{
	return guarded(err, "mset value", NULL, 0, [&] {
		copy_out(hit_at(m, i).get_document().get_value(slot), value,
		    len);
	});
}

/* List the query terms hit i's document contains, in query order. */
int
xc_mset_matching_terms(const struct xc_mset *m, uint32_t i,
    struct xc_list **out, char **err)
{
	return guarded(err, "matching terms", NULL, 0, [&] {
		Xapian::docid		 did = *hit_at(m, i);
		std::set<std::string>	 seen;
		struct xc_list		*l = new struct xc_list;

		try {
			for (Xapian::TermIterator q = m->query.get_terms_begin();
			    q != m->query.get_terms_end(); ++q) {
				const std::string &term = *q;
				if (term.empty() || !seen.insert(term).second)
					continue;
				Xapian::PostingIterator p =
				    m->db.postlist_begin(term);
				p.skip_to(did);
				if (p != m->db.postlist_end(term) && *p == did)
					l->items.push_back(xc_item{ term, 0 });
			}
		} catch (...) {
			delete l;
			throw;
		}
		*out = l;
	});
}

/* List hit i's terms under a prefix. */
int
xc_mset_terms(const struct xc_mset *m, uint32_t i, const char *prefix,
    size_t prefixlen, struct xc_list **out, char **err)
{
	return guarded(err, "hit terms", prefix, prefixlen, [&] {
		Xapian::docid	 did = *hit_at(m, i);

		*out = prefixed_terms(m->db, did, bytes(prefix, prefixlen));
	});
}

/* --- spies ----------------------------------------------------------- */

/* Make a value counter. */
struct xc_spy *
xc_spy_new(unsigned slot, char **err)
{
	struct xc_spy	*spy = NULL;

	guarded(err, "new spy", NULL, 0, [&] {
		spy = new struct xc_spy(slot);
	});
	return spy;
}

/* Free a value counter. */
void
xc_spy_free(struct xc_spy *spy)
{
	delete spy;
}

/* Documents tallied. */
uint32_t
xc_spy_total(const struct xc_spy *spy)
{
	return spy == NULL ? 0 : (uint32_t)spy->spy.get_total();
}

/* List tallied values. */
int
xc_spy_values(const struct xc_spy *spy, size_t top, struct xc_list **out,
    char **err)
{
	return guarded(err, "spy values", NULL, 0, [&] {
		Xapian::TermIterator	 t, end;
		struct xc_list		*l;

		if (spy == NULL)
			throw std::invalid_argument("no spy");
		if (top == 0) {
			t = spy->spy.values_begin();
			end = spy->spy.values_end();
		} else {
			t = spy->spy.top_values_begin(top);
			end = spy->spy.top_values_end(top);
		}
		l = new struct xc_list;
		try {
			for (; t != end; ++t)
				l->items.push_back(xc_item{ *t,
				    t.get_termfreq() });
		} catch (...) {
			delete l;
			throw;
		}
		*out = l;
	});
}

/* --- lists ----------------------------------------------------------- */

/* Free a list. */
void
xc_list_free(struct xc_list *l)
{
	delete l;
}

/* Items in a list. */
size_t
xc_list_size(const struct xc_list *l)
{
	return l == NULL ? 0 : l->items.size();
}

/* Item i's bytes. */
const char *
xc_list_item(const struct xc_list *l, size_t i, size_t *len)
{
	if (l == NULL || i >= l->items.size())
		return NULL;
	if (len != NULL)
		*len = l->items[i].bytes.size();
	return l->items[i].bytes.c_str();
}

/* Item i's count. */
uint64_t
xc_list_count(const struct xc_list *l, size_t i)
{
	if (l == NULL || i >= l->items.size())
		return 0;
	return l->items[i].count;
}
