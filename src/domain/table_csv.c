/*
 * table_csv.c — CSV and tab-separated text as Excel saves it: UTF-8 with or
 * without BOM, UTF-16 ("Unicode text"), or GBK/GB18030 ("CSV" on a Chinese
 * Windows).  The charset is detected, never asked for: strict UTF-8 if the
 * first non-ASCII bytes are valid UTF-8, GB18030 otherwise.  Bytes are
 * converted in chunks and fed to libcsv, so memory stays bounded.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <csv.h>
#include <unicode/ucnv.h>

#include "table.h"
#include "util.h"

#define CSV_CHUNK 65536

enum csv_enc {
	ENC_UNDECIDED,		/* only ASCII seen so far */
	ENC_UTF8,		/* validated here */
	ENC_ICU,		/* GB18030 or UTF-16, converted by ICU */
};

struct csv_row {
	char	**cells;	/* owned */
	size_t	  ncells;
	size_t	  line;		/* 1-based record number */
};

struct csv_reader {
	struct table_reader	 base;		/* must be first */
	const struct table_limits *lim;
	int			 fd;
	struct csv_parser	 parser;
	int			 parser_ready;	/* delimiter chosen, csv_init done */
	enum csv_enc		 enc;
	UConverter		*from;		/* ENC_ICU: the file's charset */
	UConverter		*to;		/* ENC_ICU: UTF-8 */
	UChar			 pivot[4096];	/* ENC_ICU: carried between chunks */
	UChar			*pivot_src, *pivot_tgt;
	int			 icu_reset;	/* first convertEx call */
	unsigned char		 carry[4];	/* ENC_UTF8: an incomplete sequence */
	size_t			 ncarry;
	struct buf		 text;		/* decoded UTF-8 waiting for the parser */
	struct csv_row		 building;	/* the record being assembled */
	size_t			 building_bytes;
	struct csv_row		*queue;		/* records completed, not yet returned */
	size_t			 qhead, qlen, qcap;
	struct csv_row		 current;	/* returned to the caller */
	size_t			 records;	/* records completed */
	int			 eof;		/* input and parser finished */
	char			*err;		/* first error, deferred from callbacks */
	size_t			 err_line;
};

static void
row_free(struct csv_row *row)
{
	for (size_t i = 0; i < row->ncells; i++)
		free(row->cells[i]);
	free(row->cells);
	memset(row, 0, sizeof *row);
}

/* Records the first error only: later ones are consequences. */
static void
csv_fail(struct csv_reader *r, size_t line, char *msg)
{
	if (r->err != NULL) {
		free(msg);
		return;
	}
	r->err = msg;
	r->err_line = line;
}

/*
 * Whether a field is one the export sink made inert: apostrophes, then one
 * of = + - @ tab CR (export_sink.c adds one apostrophe to exactly these).
 */
static int
csv_inert_cell(const char *s, size_t len)
{
	size_t i = 0;

	while (i < len && s[i] == '\'')
		i++;
	return i > 0 && i < len && strchr("=+-@\t\r", s[i]) != NULL && s[i] != '\0';
}

/* libcsv: one field ended. */
static void
csv_on_field(void *s, size_t len, void *data)
{
	struct csv_reader *r = data;
	struct csv_row *row = &r->building;

	if (r->err != NULL)
		return;
	if (row->ncells >= r->lim->max_cols) {
		csv_fail(r, r->records + 1, xasprintf("第 %zu 行超过 %zu 列 / row %zu has more than"
		    " %zu columns", r->records + 1, r->lim->max_cols, r->records + 1,
		    r->lim->max_cols));
		return;
	}
	/* A cell our exports made inert ('=…, ''=…) comes back as it was: one apostrophe less. */
	if (s != NULL && len >= 2 && csv_inert_cell(s, len)) {
		s = (char *)s + 1;
		len--;
	}
	row->cells = xreallocarray(row->cells, row->ncells + 1, sizeof *row->cells);
	row->cells[row->ncells++] = xstrndup(s != NULL ? s : "", s != NULL ? len : 0);
	r->building_bytes += len;
}

/* libcsv: one record ended. */
static void
csv_on_record(int c, void *data)
{
	struct csv_reader *r = data;

	if (r->err != NULL) {
		row_free(&r->building);
		return;
	}
	r->records++;
	if (r->records - 1 > r->lim->max_rows) {
		csv_fail(r, r->records, xasprintf("文件超过 %zu 行数据的上限 / the file has more"
		    " than %zu data rows", r->lim->max_rows, r->lim->max_rows));
		row_free(&r->building);
		return;
	}
	if (r->qhead + r->qlen == r->qcap) {
		if (r->qhead > 0) {
			memmove(r->queue, r->queue + r->qhead, r->qlen * sizeof *r->queue);
			r->qhead = 0;
		} else {
			r->qcap = r->qcap ? r->qcap * 2 : 64;
			r->queue = xreallocarray(r->queue, r->qcap, sizeof *r->queue);
		}
	}
	r->building.line = r->records;
	r->queue[r->qhead + r->qlen++] = r->building;
	memset(&r->building, 0, sizeof r->building);
	r->building_bytes = 0;
}

/* Only the blank is a space when the delimiter is a tab. */
static int
csv_is_blank(unsigned char c)
{
	return c == ' ';
}

/* Picks the delimiter from the header line: the most frequent of , \t ; outside quotes. */
static unsigned char
csv_sniff_delim(const char *s, size_t len)
{
	size_t comma = 0, tab = 0, semi = 0;
	int quoted = 0;

	for (size_t i = 0; i < len && s[i] != '\n' && s[i] != '\r'; i++) {
		if (s[i] == '"')
			quoted = !quoted;
		else if (!quoted && s[i] == ',')
			comma++;
		else if (!quoted && s[i] == '\t')
			tab++;
		else if (!quoted && s[i] == ';')
			semi++;
	}
	if (tab > comma && tab >= semi)
		return '\t';
	if (semi > comma && semi > tab)
		return ';';
	return ',';
}

/* Hands decoded text to libcsv once the header line is there to choose the delimiter. */
static void
csv_feed(struct csv_reader *r, int final)
{
	size_t used;

	if (r->err != NULL || r->text.len == 0)
		return;
	if (!r->parser_ready) {
		if (!final && memchr(r->text.data, '\n', r->text.len) == NULL &&
		    r->text.len < r->lim->max_row_bytes)
			return;
		unsigned char delim = csv_sniff_delim(r->text.data, r->text.len);
		if (csv_init(&r->parser, CSV_STRICT | CSV_STRICT_FINI) != 0)
			fatal("csv_init failed");
		csv_set_delim(&r->parser, delim);
		if (delim == '\t')
			csv_set_space_func(&r->parser, csv_is_blank);
		r->parser_ready = 1;
	}
	if (memchr(r->text.data, '\0', r->text.len) != NULL) {
		const char *nul = memchr(r->text.data, '\0', r->text.len);
		size_t line = r->records + 1;

		for (const char *p = r->text.data; p < nul; p++)
			line += *p == '\n';
		csv_fail(r, line, xasprintf("第 %zu 行含有 NUL 字节：这不是文本文件，或是没有 BOM 的"
		    " UTF-16 / row %zu contains a NUL byte: not a text file, or UTF-16"
		    " without a byte-order mark", line, line));
		return;
	}
	used = csv_parse(&r->parser, r->text.data, r->text.len, csv_on_field,
	    csv_on_record, r);
	if (used != r->text.len && r->err == NULL)
		csv_fail(r, r->records + 1, xasprintf("第 %zu 行引号不配对或引号后有多余字符（%s） /"
		    " row %zu: unbalanced quotes or text after a closing quote (%s)",
		    r->records + 1, csv_strerror(csv_error(&r->parser)), r->records + 1,
		    csv_strerror(csv_error(&r->parser))));
	buf_reset(&r->text);
	if (r->err == NULL && r->parser.entry_pos + r->building_bytes > r->lim->max_row_bytes)
		csv_fail(r, r->records + 1, xasprintf("第 %zu 行超过 %zu 字节（是否缺少换行或引号未闭合？）"
		    " / row %zu is longer than %zu bytes (a missing line break or an"
		    " unclosed quote?)", r->records + 1, r->lim->max_row_bytes,
		    r->records + 1, r->lim->max_row_bytes));
}

/* The row of a point in not-yet-parsed text: r->text, then more[0..upto). */
static size_t
csv_line_at(struct csv_reader *r, const char *more, size_t upto)
{
	size_t line = r->records + 1;

	for (size_t i = 0; i < r->text.len; i++)
		line += r->text.data[i] == '\n';
	for (size_t i = 0; i < upto; i++)
		line += more[i] == '\n';
	return line;
}

/* Starts ICU conversion from charset to UTF-8. */
static int
csv_start_icu(struct csv_reader *r, const char *charset)
{
	UErrorCode ec = U_ZERO_ERROR;

	r->from = ucnv_open(charset, &ec);
	if (U_SUCCESS(ec))
		r->to = ucnv_open("UTF-8", &ec);
	if (U_FAILURE(ec))
		fatal("ICU cannot open converter %s: %s", charset, u_errorName(ec));
	ucnv_setToUCallBack(r->from, UCNV_TO_U_CALLBACK_STOP, NULL, NULL, NULL, &ec);
	ucnv_setFromUCallBack(r->to, UCNV_FROM_U_CALLBACK_STOP, NULL, NULL, NULL, &ec);
	r->pivot_src = r->pivot_tgt = r->pivot;
	r->icu_reset = 1;
	r->enc = ENC_ICU;
	r->base.charset = charset;
	return 0;
}

/* Converts raw bytes with ICU, appending UTF-8 to r->text. */
static void
csv_decode_icu(struct csv_reader *r, const char *src, size_t len, int flush)
{
	const char *s = src, *end = src + len;

	for (;;) {
		UErrorCode ec = U_ZERO_ERROR;
		size_t room = len * 2 + 64;
		char *t, *t0;

		buf_add(&r->text, "", 0);
		if (r->text.cap - r->text.len < room + 1) {
			r->text.cap = r->text.len + room + 1;
			r->text.data = xreallocarray(r->text.data, r->text.cap, 1);
		}
		t = t0 = r->text.data + r->text.len;
		ucnv_convertEx(r->to, r->from, &t, t0 + room, &s, end, r->pivot,
		    &r->pivot_src, &r->pivot_tgt, r->pivot + nitems(r->pivot),
		    r->icu_reset, flush, &ec);
		r->icu_reset = 0;
		r->text.len += (size_t)(t - t0);
		r->text.data[r->text.len] = '\0';
		if (ec == U_BUFFER_OVERFLOW_ERROR)
			continue;
		if (U_FAILURE(ec)) {
			size_t line = csv_line_at(r, NULL, 0);

			csv_fail(r, line, xasprintf("文件编码无法识别：第 %zu 行附近的字节既不是 UTF-8，"
			    "也不是 GBK/GB18030（%s） / unreadable text: the bytes near row %zu"
			    " are neither UTF-8 nor GBK/GB18030 (%s)", line,
			    r->base.charset, line, r->base.charset));
		}
		return;
	}
}

/* Validates raw bytes as UTF-8 (carrying an incomplete tail), appending to r->text. */
static void
csv_decode_utf8(struct csv_reader *r, const char *src, size_t len, int flush)
{
	struct buf chunk = { 0 };
	size_t ok;

	buf_add(&chunk, r->carry, r->ncarry);
	buf_add(&chunk, src, len);
	ok = flush ? chunk.len : utf8_complete_prefix(chunk.data, chunk.len);
	r->ncarry = chunk.len - ok;
	memcpy(r->carry, chunk.data + ok, r->ncarry);
	size_t good = utf8_valid_prefix(chunk.data, ok, NULL);

	if (good != ok) {
		size_t line = csv_line_at(r, chunk.data, good);

		csv_fail(r, line, xasprintf("第 %zu 行含有无效的 UTF-8 字节（文件可能混用了 UTF-8 和 GBK"
		    " 编码） / row %zu has bytes that are not valid UTF-8 (the file may mix"
		    " UTF-8 and GBK)", line, line));
	} else
		buf_add(&r->text, chunk.data, ok);
	buf_free(&chunk);
}

/* Decides the charset at the first non-ASCII byte, then decodes. */
static void
csv_decode(struct csv_reader *r, const char *src, size_t len, int flush)
{
	struct buf joined = { 0 };

	if (r->enc == ENC_UNDECIDED && r->ncarry > 0) {
		/* The first non-ASCII character, cut by the last chunk, made whole. */
		buf_add(&joined, r->carry, r->ncarry);
		buf_add(&joined, src, len);
		src = joined.data;
		len = joined.len;
		r->ncarry = 0;
	}
	if (r->enc == ENC_UNDECIDED) {
		size_t i = 0;

		while (i < len && (unsigned char)src[i] < 0x80)
			i++;
		buf_add(&r->text, src, i);
		if (i == len) {
			buf_free(&joined);
			return;
		}
		src += i;
		len -= i;
		/*
		 * UTF-8 if the sample is, or if it starts with several valid
		 * UTF-8 characters (then a later bad byte is a mixed file,
		 * reported as such, not GBK read as mojibake).
		 */
		size_t window = flush ? len : utf8_complete_prefix(src, len);
		if (window == 0) {
			/* Only the start of a character (≤ 3 bytes): decide when the rest comes. */
			memcpy(r->carry, src, len);
			r->ncarry = len;
			buf_free(&joined);
			return;
		}
		size_t mb, good = utf8_valid_prefix(src, window, &mb);
		if (good == window || mb >= 4) {
			r->enc = ENC_UTF8;
			r->base.charset = "UTF-8";
		} else
			csv_start_icu(r, "GB18030");
	}
	if (r->enc == ENC_UTF8)
		csv_decode_utf8(r, src, len, flush);
	else
		csv_decode_icu(r, src, len, flush);
	buf_free(&joined);
}

/* Reads and parses one more chunk; sets eof at the end. */
static void
csv_fill(struct csv_reader *r)
{
	char raw[CSV_CHUNK];
	ssize_t n;

	n = read(r->fd, raw, sizeof raw);
	if (n == -1) {
		if (errno == EINTR)
			return;
		csv_fail(r, 0, xasprintf("读取文件失败 / read failed: %s", strerror(errno)));
		return;
	}
	csv_decode(r, raw, (size_t)n, n == 0);
	if (r->err == NULL && n == 0 && r->enc == ENC_UTF8 && r->ncarry > 0)
		csv_fail(r, r->records + 1, xasprintf("文件在一个字符中间结束（被截断？） /"
		    " the file ends in the middle of a character (truncated?)"));
	csv_feed(r, n == 0);
	if (n == 0 && r->err == NULL) {
		if (r->parser_ready && csv_fini(&r->parser, csv_on_field, csv_on_record, r) != 0)
			csv_fail(r, r->records + 1, xasprintf("文件结尾处引号未闭合（第 %zu 行） /"
			    " the file ends inside a quoted field (row %zu)", r->records + 1,
			    r->records + 1));
		r->eof = 1;
	}
}

static int
csv_next(struct table_reader *base, struct table_row *out, char **cause)
{
	struct csv_reader *r = (struct csv_reader *)base;

	row_free(&r->current);
	while (r->qlen == 0) {
		if (r->err != NULL) {
			*cause = r->err;
			r->err = NULL;
			r->base.err_line = r->err_line;
			r->eof = 1;
			return -1;
		}
		if (r->eof)
			return 0;
		csv_fill(r);
	}
	r->current = r->queue[r->qhead++];
	r->qlen--;
	out->line = r->current.line;
	out->ncells = r->current.ncells;
	out->cells = r->current.cells;
	return 1;
}

static void
csv_close(struct table_reader *base)
{
	struct csv_reader *r = (struct csv_reader *)base;

	row_free(&r->current);
	row_free(&r->building);
	for (size_t i = 0; i < r->qlen; i++)
		row_free(&r->queue[r->qhead + i]);
	free(r->queue);
	if (r->parser_ready)
		csv_free(&r->parser);
	if (r->from != NULL)
		ucnv_close(r->from);
	if (r->to != NULL)
		ucnv_close(r->to);
	buf_free(&r->text);
	free(r->err);
	if (r->fd != -1)
		close(r->fd);
	free(r);
}

static const struct table_ops csv_ops = {
	.name = "csv",
	.next = csv_next,
	.close = csv_close,
};

struct table_reader *
table_csv_open(const char *path, const struct table_limits *lim, char **cause)
{
	struct csv_reader *r;
	unsigned char bom[3];
	struct stat st;
	ssize_t n;
	int fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1) {
		*cause = xasprintf("无法打开文件 %s：%s / cannot open %s: %s", path,
		    strerror(errno), path, strerror(errno));
		return NULL;
	}
	if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode)) {
		*cause = xasprintf("%s 不是普通文件 / %s is not a regular file", path, path);
		close(fd);
		return NULL;
	}
	if ((size_t)st.st_size > lim->max_file_bytes) {
		*cause = xasprintf("文件大小 %lld 字节，超过 %zu 字节的上限 / the file is %lld bytes,"
		    " over the %zu-byte limit", (long long)st.st_size, lim->max_file_bytes,
		    (long long)st.st_size, lim->max_file_bytes);
		close(fd);
		return NULL;
	}
	r = xcalloc(1, sizeof *r);
	r->base.ops = &csv_ops;
	r->base.charset = "ASCII";
	r->lim = lim;
	r->fd = fd;

	/* A byte-order mark settles the charset. */
	n = read(fd, bom, sizeof bom);
	if (n >= 3 && memcmp(bom, "\xef\xbb\xbf", 3) == 0) {
		r->enc = ENC_UTF8;
		r->base.charset = "UTF-8";
	} else if (n >= 2 && (memcmp(bom, "\xff\xfe", 2) == 0 || memcmp(bom, "\xfe\xff", 2) == 0)) {
		csv_start_icu(r, bom[0] == 0xff ? "UTF-16LE" : "UTF-16BE");
		lseek(fd, 2, SEEK_SET);
	} else
		lseek(fd, 0, SEEK_SET);
	return &r->base;
}
