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

#endif
