/*
 * tokstream.c — recorded tokens: the texts and the tokens' bytes in one
 * arena each, addressed by offsets (the arenas move as they grow).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tokstream.h"
#include "util.h"

/* One recorded token. */
struct ts_tok {
	size_t		 off, len;	/* its bytes in ts->bytes */
	size_t		 start, end;	/* offsets into its text */
	int		 pinyin;
};

/* One recorded text. */
struct ts_text {
	size_t		 off, len;	/* in ts->texts; off SIZE_MAX: SQL NULL */
	enum tok_mode	 mode;
	size_t		 first, n;	/* its tokens in ts->toks */
};

struct tokstream {
	struct buf	 texts;		/* the texts, each NUL-terminated */
	struct buf	 bytes;		/* the tokens' bytes */
	struct ts_tok	*toks;
	size_t		 ntoks, captoks;
	struct ts_text	*tx;
	size_t		 ntx, captx;
};

struct tokstream *
tokstream_new(void)
{
	return xcalloc(1, sizeof(struct tokstream));
}

void
tokstream_free(struct tokstream *ts)
{
	if (ts == NULL)
		return;
	buf_free(&ts->texts);
	buf_free(&ts->bytes);
	free(ts->toks);
	free(ts->tx);
	free(ts);
}

void
tokstream_reset(struct tokstream *ts)
{
	buf_reset(&ts->texts);
	buf_reset(&ts->bytes);
	ts->ntoks = ts->ntx = 0;
}

size_t
tokstream_count(const struct tokstream *ts)
{
	return ts->ntx;
}

/* tokenize.c callback: records one token of the text being added. */
static int
ts_token(void *arg, const struct token *t)
{
	struct tokstream *ts = arg;

	if (ts->ntoks == ts->captoks) {
		ts->captoks = ts->captoks ? ts->captoks * 2 : 1024;
		ts->toks = xreallocarray(ts->toks, ts->captoks, sizeof *ts->toks);
	}
	ts->toks[ts->ntoks++] = (struct ts_tok){ ts->bytes.len, t->len, t->start, t->end,
	    t->pinyin };
	buf_add(&ts->bytes, t->text, t->len);
	return 0;
}

int
tokstream_add(struct tokstream *ts, struct tokenizer *tk, const char *text, size_t len,
    enum tok_mode mode)
{
	struct ts_text *x;
	int rc = 0;

	if (ts->ntx == ts->captx) {
		ts->captx = ts->captx ? ts->captx * 2 : 64;
		ts->tx = xreallocarray(ts->tx, ts->captx, sizeof *ts->tx);
	}
	x = &ts->tx[ts->ntx++];
	*x = (struct ts_text){ SIZE_MAX, 0, mode, ts->ntoks, 0 };
	if (text == NULL)
		return 0;
	x->off = ts->texts.len;
	x->len = len;
	buf_add(&ts->texts, text, len);
	buf_addc(&ts->texts, '\0');
	if (len > 0)
		rc = tokenize(tk, text, len, mode, ts_token, ts);
	/* ts->tx may not have moved: nothing above grows it. */
	x->n = ts->ntoks - x->first;
	return rc;
}

const char *
tokstream_text(const struct tokstream *ts, size_t i, size_t *len)
{
	const struct ts_text *x = &ts->tx[i];

	*len = x->len;
	return x->off == SIZE_MAX ? NULL : ts->texts.data + x->off;
}

long
tokstream_find(const struct tokstream *ts, size_t from, size_t n, const char *text,
    size_t len, enum tok_mode mode)
{
	for (size_t i = from; i < from + n && i < ts->ntx; i++) {
		const struct ts_text *x = &ts->tx[i];

		if (x->off != SIZE_MAX && x->mode == mode && x->len == len &&
		    memcmp(ts->texts.data + x->off, text, len) == 0)
			return (long)i;
	}
	return -1;
}

int
tokstream_replay(const struct tokstream *ts, size_t i, tok_emit_fn emit, void *arg)
{
	const struct ts_text *x = &ts->tx[i];
	int rc;

	for (size_t k = x->first; k < x->first + x->n; k++) {
		const struct ts_tok *t = &ts->toks[k];
		struct token tok = { ts->bytes.data + t->off, t->len, t->start, t->end, t->pinyin };

		if ((rc = emit(arg, &tok)) != 0)
			return rc;
	}
	return 0;
}
