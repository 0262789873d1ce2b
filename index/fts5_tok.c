/*
 * fts5_tok.c — the FTS5 face of tokenize.c.  Each FTS5 table instance gets
 * its own tokenizer (ICU and OpenCC state is not shared between threads).
 */
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "fts5_tok.h"
#include "tokenize.h"
#include "tokstream.h"
#include "util.h"

/* The texts whose tokens are replayed on this thread (fts5_tok_replay). */
static _Thread_local const struct tokstream *replay;
static _Thread_local size_t replay_from, replay_n;

void
fts5_tok_replay(const struct tokstream *ts, size_t from, size_t n)
{
	replay = ts;
	replay_from = from;
	replay_n = n;
}

/* Where tokens go during one xTokenize call. */
struct fts5_ctx {
	void	*ctx;		/* FTS5's */
	int	(*token)(void *, int, const char *, int, int, int);
};

static int
fts5_tok_create(void *unused, const char **argv, int argc, Fts5Tokenizer **out)
{
	char *cause = NULL;
	struct tokenizer *tk = tokenizer_new(&cause);

	if (tk == NULL) {
		sqlite3_log(SQLITE_ERROR, "fairmatch tokenizer: %s", cause);
		free(cause);
		return SQLITE_ERROR;
	}
	*out = (Fts5Tokenizer *)tk;
	return SQLITE_OK;
}

static void
fts5_tok_delete(Fts5Tokenizer *t)
{
	tokenizer_free((struct tokenizer *)t);
}

/* tokenize.c callback: hand the token to FTS5. */
static int
fts5_tok_emit(void *arg, const struct token *t)
{
	struct fts5_ctx *c = arg;

	return c->token(c->ctx, 0, t->text, (int)t->len, (int)t->start, (int)t->end);
}

static int
fts5_tok_tokenize(Fts5Tokenizer *t, void *ctx, int flags, const char *text, int len,
    int (*token)(void *, int, const char *, int, int, int))
{
	struct fts5_ctx c = { ctx, token };
	enum tok_mode mode = (flags & FTS5_TOKENIZE_QUERY) ? TOK_QUERY : TOK_DOCUMENT;
	size_t mark = strlen(TOKENIZE_PINYIN_MARK);

	if (len <= 0)
		return SQLITE_OK;
	/* The mark is a character of its own: the offsets stay those of the text. */
	if (mode == TOK_DOCUMENT && (size_t)len >= mark &&
	    memcmp(text, TOKENIZE_PINYIN_MARK, mark) == 0)
		mode = TOK_DOCUMENT_PINYIN;
	if (replay != NULL && mode != TOK_QUERY) {
		long i = tokstream_find(replay, replay_from, replay_n, text, (size_t)len, mode);

		if (i >= 0)
			return tokstream_replay(replay, (size_t)i, fts5_tok_emit, &c);
	}
	return tokenize((struct tokenizer *)t, text, (size_t)len, mode, fts5_tok_emit, &c);
}

/* The fts5_api of db, through SQLite's documented pointer-passing query. */
static fts5_api *
fts5_api_of(sqlite3 *db)
{
	fts5_api *api = NULL;
	sqlite3_stmt *stmt;

	if (sqlite3_prepare_v2(db, "SELECT fts5(?1)", -1, &stmt, NULL) != SQLITE_OK)
		return NULL;
	sqlite3_bind_pointer(stmt, 1, (void *)&api, "fts5_api_ptr", NULL);
	sqlite3_step(stmt);
	sqlite3_finalize(stmt);
	return api;
}

int
fts5_tok_register(sqlite3 *db, char **cause)
{
	static fts5_tokenizer tok = {
		.xCreate = fts5_tok_create,
		.xDelete = fts5_tok_delete,
		.xTokenize = fts5_tok_tokenize,
	};
	fts5_api *api = fts5_api_of(db);

	if (api == NULL || api->iVersion < 2) {
		*cause = xstrdup("SQLite 不支持 FTS5 / this SQLite has no FTS5");
		return -1;
	}
	if (api->xCreateTokenizer(api, "fairmatch", NULL, &tok, NULL) != SQLITE_OK) {
		*cause = xasprintf("无法注册 FTS5 分词器 / cannot register the FTS5 tokenizer: %s",
		    sqlite3_errmsg(db));
		return -1;
	}
	return 0;
}
