/*
 * match_peer.cc — the match benchmark's peer: Xapian's stock TermGenerator
 * and QueryParser with FLAG_CJK_NGRAM (default operator OR) over the same
 * product text the matcher indexes, queried with the same demand text.
 *
 * usage: match_peer STORE.db INDEXDIR build
 *        match_peer STORE.db INDEXDIR rank LIMIT [CODES]
 * rank prints "demand<TAB>product" per hit, best first, for every demand
 * (or those whose codes are the first column of the file CODES), so that
 * `fairmatch evaluate --ranking` scores it with the same measures.
 */
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iostream>
#include <set>
#include <string>

#include <sqlite3.h>
#include <xapian.h>

static const char *product_sql =
    "SELECT id, code, name, spec, brand, keywords, category, company, description"
    " FROM product_text";
static const char *demand_sql =
    "SELECT code, product, category, description FROM demand_text";

/* The columns 1.. of the current row, joined by spaces. */
static std::string
joined(sqlite3_stmt *q, int from)
{
	std::string s;

	for (int c = from; c < sqlite3_column_count(q); c++) {
		const unsigned char *t = sqlite3_column_text(q, c);

		if (t != nullptr) {
			s += reinterpret_cast<const char *>(t);
			s += ' ';
		}
	}
	return s;
}

static int
build(sqlite3 *db, const char *dir)
{
	Xapian::WritableDatabase x(dir, Xapian::DB_CREATE_OR_OVERWRITE);
	Xapian::TermGenerator tg;
	sqlite3_stmt *q;

	tg.set_flags(Xapian::TermGenerator::FLAG_CJK_NGRAM);
	sqlite3_prepare_v2(db, product_sql, -1, &q, nullptr);
	while (sqlite3_step(q) == SQLITE_ROW) {
		Xapian::Document doc;

		tg.set_document(doc);
		tg.index_text(joined(q, 2));
		doc.set_data(reinterpret_cast<const char *>(sqlite3_column_text(q, 1)));
		x.replace_document(static_cast<Xapian::docid>(sqlite3_column_int64(q, 0)), doc);
	}
	sqlite3_finalize(q);
	x.commit();
	return 0;
}

static int
rank(sqlite3 *db, const char *dir, unsigned limit, const char *codes_path)
{
	Xapian::Database x(dir);
	Xapian::Enquire enquire(x);
	Xapian::QueryParser qp;
	std::set<std::string> only;
	unsigned failed = 0, demands = 0;
	sqlite3_stmt *q;

	if (codes_path != nullptr) {
		std::ifstream in(codes_path);
		std::string line;

		while (std::getline(in, line))
			only.insert(line.substr(0, line.find('\t')));
	}
	qp.set_database(x);
	qp.set_default_op(Xapian::Query::OP_OR);
	sqlite3_prepare_v2(db, demand_sql, -1, &q, nullptr);
	while (sqlite3_step(q) == SQLITE_ROW) {
		std::string code = reinterpret_cast<const char *>(sqlite3_column_text(q, 0));

		if (!only.empty() && only.count(code) == 0)
			continue;
		demands++;
		try {
			enquire.set_query(qp.parse_query(joined(q, 1),
			    Xapian::QueryParser::FLAG_DEFAULT | Xapian::QueryParser::FLAG_CJK_NGRAM));
			Xapian::MSet ms = enquire.get_mset(0, limit);
			for (Xapian::MSetIterator i = ms.begin(); i != ms.end(); ++i)
				std::printf("%s\t%s\n", code.c_str(), i.get_document().get_data().c_str());
		} catch (const Xapian::Error &e) {
			failed++;	/* the stock parser throws on some text: no hits */
		}
	}
	sqlite3_finalize(q);
	std::fprintf(stderr, "peer: %u demands ranked, %u refused by the query parser\n", demands,
	    failed);
	return 0;
}

int
main(int argc, char **argv)
{
	sqlite3 *db;

	if (argc < 4) {
		std::fprintf(stderr, "usage: match_peer STORE.db INDEXDIR build|rank LIMIT [CODES]\n");
		return 2;
	}
	if (sqlite3_open_v2(argv[1], &db, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
		std::fprintf(stderr, "match_peer: %s\n", sqlite3_errmsg(db));
		return 1;
	}
	try {
		if (std::strcmp(argv[3], "build") == 0)
			return build(db, argv[2]);
		if (std::strcmp(argv[3], "rank") == 0 && argc >= 5)
			return rank(db, argv[2], static_cast<unsigned>(std::atoi(argv[4])),
			    argc > 5 ? argv[5] : nullptr);
	} catch (const Xapian::Error &e) {
		std::fprintf(stderr, "match_peer: %s\n", e.get_description().c_str());
		return 1;
	}
	std::fprintf(stderr, "usage: match_peer STORE.db INDEXDIR build|rank LIMIT [CODES]\n");
	return 2;
}
