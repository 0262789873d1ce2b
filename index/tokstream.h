/*
 * tokstream.h — texts tokenized once and replayed to each index that
 * needs their tokens.  A from-scratch build tokenizes each field of each
 * item once; FTS5 gets the tokens through its tokenizer's replay
 * (fts5_tok.h), Xapian and the serving layer from tokstream_replay, so
 * every index holds exactly what tokenizing the text itself would give.
 */
#ifndef FM_TOKSTREAM_H
#define FM_TOKSTREAM_H

#include <stddef.h>

#include "tokenize.h"

struct tokstream;

struct tokstream *tokstream_new(void);
void tokstream_free(struct tokstream *ts);
/* Forgets every text (keeps the memory for the next ones). */
void tokstream_reset(struct tokstream *ts);

/*
 * Tokenizes text[0..len) in mode with tk and records a copy of the text
 * and its tokens as text number tokstream_count(ts) − 1.  text NULL
 * records an SQL NULL: no text, no tokens.  0, or what tokenize returned.
 */
int tokstream_add(struct tokstream *ts, struct tokenizer *tk, const char *text, size_t len,
    enum tok_mode mode);
size_t tokstream_count(const struct tokstream *ts);

/* Text i as recorded (NUL-terminated, valid until a reset), or NULL; *len its bytes. */
const char *tokstream_text(const struct tokstream *ts, size_t i, size_t *len);

/*
 * The first of texts [from, from + n) whose mode is mode and whose bytes
 * are text[0..len), or -1: what a replay may stand in for.
 */
long tokstream_find(const struct tokstream *ts, size_t from, size_t n, const char *text,
    size_t len, enum tok_mode mode);

/* Hands text i's tokens to emit in the order tokenize made them; 0, or emit's non-zero. */
int tokstream_replay(const struct tokstream *ts, size_t i, tok_emit_fn emit, void *arg);

#endif
