/*
 * sync_pack.c — the changeset file: a short text header, the changeset,
 * the files it carries, and the sender's signature over all of it.
 *
 *   fairmatch-sync 1
 *   from SITE
 *   to SITE
 *   seq N                   this changeset's number from its sender
 *   ack N                   the last of the receiver's changesets the sender applied
 *   changeset LEN
 *   file SHA256 LEN         (one line per file carried)
 *   (an empty line)
 *   the changeset's LEN bytes, then each file's bytes in order
 *   signature HEX           ECDSA P-256 over SHA-256 of everything before this line
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <mbedtls/base64.h>
#include <mbedtls/sha256.h>

#include "sync.h"
#include "sync_int.h"
#include "sync_pack.h"

#define PACK_MAGIC	"fairmatch-sync 1\n"
#define PACK_MAX_FILES	100000

void
sync_pack_head(struct buf *out, const char *from, const char *to, int64_t seq, int64_t ack,
    size_t changeset_len)
{
	buf_addf(out, "%sfrom %s\nto %s\nseq %lld\nack %lld\nchangeset %zu\n", PACK_MAGIC, from,
	    to, (long long)seq, (long long)ack, changeset_len);
}

int
sync_pack_seal(struct store *st, struct buf *out, char **cause)
{
	char *sig;

	if (sync_sign(st, out->data, out->len, &sig, cause) != 0)
		return -1;
	buf_addf(out, "signature %s\n", sig);
	free(sig);
	return 0;
}

/* The header line "key VALUE" at *s before end, its value copied into v[size]; advances *s. */
static int
head_line(const char **s, const char *end, const char *key, char *v, size_t size)
{
	size_t klen = strlen(key);
	const char *nl = memchr(*s, '\n', (size_t)(end - *s));

	if (nl == NULL || (size_t)(nl - *s) <= klen || strncmp(*s, key, klen) != 0 ||
	    (*s)[klen] != ' ' || (size_t)(nl - *s - klen - 1) >= size)
		return -1;
	memcpy(v, *s + klen + 1, (size_t)(nl - *s - klen - 1));
	v[nl - *s - klen - 1] = '\0';
	*s = nl + 1;
	return 0;
}

/* A header number within [0, LONG_MAX]. */
static int
head_number(const char **s, const char *end, const char *key, long *out)
{
	char v[32];

	return head_line(s, end, key, v, sizeof v) == 0 && parse_long(v, 0, 0x7fffffffffffffffL,
	    out) == 0 ? 0 : -1;
}

int
sync_pack_parse(const void *data, size_t len, struct sync_pack *p, char **cause)
{
	const char *s = data, *end = s + len, *body, *sigline;
	char from[80], to[80], sha[80], lenword[32];
	long seq, ack, clen, flen;
	size_t total;

	memset(p, 0, sizeof *p);
	if (len < strlen(PACK_MAGIC) || memcmp(s, PACK_MAGIC, strlen(PACK_MAGIC)) != 0) {
		*cause = xstrdup("这不是 fairmatch 同步文件 / this is not a fairmatch sync file");
		return -1;
	}
	s += strlen(PACK_MAGIC);
	if (head_line(&s, end, "from", from, sizeof from) != 0 ||
	    head_line(&s, end, "to", to, sizeof to) != 0 ||
	    head_number(&s, end, "seq", &seq) != 0 || head_number(&s, end, "ack", &ack) != 0 ||
	    head_number(&s, end, "changeset", &clen) != 0)
		goto bad;
	total = (size_t)clen;
	while (s < end && *s != '\n') {
		char line[160];

		if (p->nfiles == PACK_MAX_FILES || head_line(&s, end, "file", line, sizeof line) != 0 ||
		    sscanf(line, "%64s %31s", sha, lenword) != 2 || strlen(sha) != 64 ||
		    strspn(sha, "0123456789abcdef") != 64 ||
		    parse_long(lenword, 0, 0x7fffffffffffffffL, &flen) != 0)
			goto bad;
		p->files = xreallocarray(p->files, p->nfiles + 1, sizeof *p->files);
		memcpy(p->files[p->nfiles].sha, sha, 65);
		p->files[p->nfiles].len = (size_t)flen;
		p->nfiles++;
		if ((size_t)flen > (size_t)(end - s) || total > (size_t)(end - s) - (size_t)flen)
			goto bad;	/* more than the file holds: and no sum can wrap */
		total += (size_t)flen;
	}
	if (s >= end)
		goto bad;
	body = s + 1;
	if (total > (size_t)(end - body))
		goto bad;
	sigline = body + total;
	if ((size_t)(end - sigline) < 12 || memcmp(sigline, "signature ", 10) != 0 ||
	    end[-1] != '\n' || memchr(sigline, '\0', (size_t)(end - sigline)) != NULL ||
	    memchr(sigline, '\n', (size_t)(end - sigline)) != end - 1)
		goto bad;
	p->from = xstrdup(from);
	p->to = xstrdup(to);
	p->seq = seq;
	p->ack = ack;
	p->changeset = (const unsigned char *)body;
	p->changeset_len = (size_t)clen;
	body += clen;
	for (size_t i = 0; i < p->nfiles; i++) {
		p->files[i].data = (const unsigned char *)body;
		body += p->files[i].len;
	}
	p->signed_len = (size_t)(sigline - (const char *)data);
	p->sig = xstrndup(sigline + 10, (size_t)(end - 1 - sigline - 10));
	return 0;
bad:
	free(p->files);
	p->files = NULL;
	p->nfiles = 0;
	*cause = xstrdup("同步文件不完整或已损坏 / the sync file is truncated or damaged");
	return -1;
}

int
sync_pack_check_files(const struct sync_pack *p, char **cause)
{
	for (size_t i = 0; i < p->nfiles; i++) {
		unsigned char md[32];
		char hex[65];

		mbedtls_sha256_ret(p->files[i].data, p->files[i].len, md, 0);
		for (int j = 0; j < 32; j++)
			snprintf(hex + 2 * j, 3, "%02x", md[j]);
		if (strcmp(hex, p->files[i].sha) != 0) {
			*cause = xasprintf("同步文件中的第 %zu 个文件与其 SHA-256 不符 / file %zu in the"
			    " sync file does not match its SHA-256", i + 1, i + 1);
			return -1;
		}
	}
	return 0;
}

void
sync_pack_free(struct sync_pack *p)
{
	free(p->from);
	free(p->to);
	free(p->files);
	free(p->sig);
	memset(p, 0, sizeof *p);
}

/* The bytes of a base64 string; NULL if it is not base64.  Caller frees. */
unsigned char *
sync_base64_bytes(const char *text, size_t *n)
{
	size_t len = strlen(text), cap = len / 4 * 3 + 3;
	unsigned char *out = xmalloc(cap + 1);

	if (mbedtls_base64_decode(out, cap, n, (const unsigned char *)text, len) != 0) {
		free(out);
		return NULL;
	}
	return out;
}

/* bytes as a base64 JSON string. */
json_t *
sync_base64_json(const void *p, size_t n)
{
	size_t cap = (n + 2) / 3 * 4 + 1, len = 0;
	unsigned char *out = xmalloc(cap);
	json_t *j;

	if (mbedtls_base64_encode(out, cap, &len, p, n) != 0)
		fatal("%s: base64 does not fit", __func__);
	j = json_stringn((const char *)out, len);
	free(out);
	return j;
}
