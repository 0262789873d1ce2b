/*
 * fts5_tok.h — fairmatch's tokenizer registered with SQLite FTS5 as
 * "fairmatch", so that FTS tables created with tokenize = 'fairmatch'
 * split text exactly as the Xapian index does.
 */
#ifndef FM_FTS5_TOK_H
#define FM_FTS5_TOK_H

#include <sqlite3.h>

/* Registers the tokenizer on db; 0, or -1 with *cause (caller frees). */
int fts5_tok_register(sqlite3 *db, char **cause);

struct tokstream;

/*
 * While set, FTS5 documents tokenized on the calling thread whose text and
 * mode are those of one of ts's texts [from, from + n) get that text's
 * recorded tokens instead of being tokenized again (the indexer's
 * from-scratch build: one tokenizer pass for every index).  Any other text
 * is tokenized as usual.  ts NULL ends it.  ts is the caller's.
 */
void fts5_tok_replay(const struct tokstream *ts, size_t from, size_t n);

#endif
