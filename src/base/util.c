/*
 * util.c — allocation, buffers, number parsing, UTF-8 (the project's one
 * decoder and encoder, character boundaries), a string set, SHA-256 of a
 * file, mkdir -p.
 */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <mbedtls/sha256.h>

#include "util.h"

void
fatal(const char *fmt, ...)
{
	va_list ap;

	fputs("fairmatch: fatal: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	abort();
}

void *
xmalloc(size_t size)
{
	void *p = malloc(size ? size : 1);

	if (p == NULL)
		fatal("out of memory (%zu bytes)", size);
	return p;
}

void *
xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);

	if (p == NULL)
		fatal("out of memory (%zu × %zu bytes)", n, size);
	return p;
}

void *
xreallocarray(void *p, size_t n, size_t size)
{
	if (size != 0 && n > SIZE_MAX / size)
		fatal("allocation overflow (%zu × %zu)", n, size);
	p = realloc(p, (n * size) != 0 ? n * size : 1);
	if (p == NULL)
		fatal("out of memory (%zu × %zu bytes)", n, size);
	return p;
}

char *
xstrdup(const char *s)
{
	return xstrndup(s, strlen(s));
}

char *
xstrndup(const char *s, size_t n)
{
	char *p = xmalloc(n + 1);

	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *
xvasprintf(const char *fmt, va_list ap)
{
	char small[256], *p;
	va_list ap2;
	int n;

	va_copy(ap2, ap);
	n = vsnprintf(small, sizeof small, fmt, ap2);
	va_end(ap2);
	if (n < 0)
		fatal("vsnprintf failed for \"%s\"", fmt);
	if ((size_t)n < sizeof small)
		return xstrndup(small, (size_t)n);
	p = xmalloc((size_t)n + 1);
	vsnprintf(p, (size_t)n + 1, fmt, ap);
	return p;
}

char *
xasprintf(const char *fmt, ...)
{
	va_list ap;
	char *p;

	va_start(ap, fmt);
	p = xvasprintf(fmt, ap);
	va_end(ap);
	return p;
}

/* Grows b so that n more bytes and a NUL fit. */
static void
buf_grow(struct buf *b, size_t n)
{
	size_t need = b->len + n + 1;

	if (need <= b->cap)
		return;
	if (b->cap == 0)
		b->cap = 64;
	while (b->cap < need)
		b->cap *= 2;
	b->data = xreallocarray(b->data, b->cap, 1);
}

void
buf_add(struct buf *b, const void *p, size_t n)
{
	buf_grow(b, n);
	if (n > 0)
		memcpy(b->data + b->len, p, n);
	b->len += n;
	b->data[b->len] = '\0';
}

void
buf_addstr(struct buf *b, const char *s)
{
	buf_add(b, s, strlen(s));
}

void
buf_addc(struct buf *b, char c)
{
	buf_add(b, &c, 1);
}

void
buf_addf(struct buf *b, const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	s = xvasprintf(fmt, ap);
	va_end(ap);
	buf_addstr(b, s);
	free(s);
}

void
buf_reset(struct buf *b)
{
	b->len = 0;
	if (b->data != NULL)
		b->data[0] = '\0';
}

char *
buf_take(struct buf *b)
{
	char *p = b->data != NULL ? b->data : xstrdup("");

	b->data = NULL;
	b->len = b->cap = 0;
	return p;
}

void
buf_free(struct buf *b)
{
	free(b->data);
	b->data = NULL;
	b->len = b->cap = 0;
}

char *
str_split(char **s, const char *sep)
{
	char *piece = *s, *at;

	if (piece == NULL)
		return NULL;
	if ((at = strstr(piece, sep)) != NULL) {
		*at = '\0';
		*s = at + strlen(sep);
	} else
		*s = NULL;
	return piece;
}

int
parse_long(const char *s, long min, long max, long *out)
{
	char *end;
	long v;

	if (s == NULL || *s == '\0')
		return -1;
	errno = 0;
	v = strtol(s, &end, 10);
	if (errno != 0 || *end != '\0' || v < min || v > max)
		return -1;
	*out = v;
	return 0;
}

size_t
scan_decimal(const char *s)
{
	const char *p = s;
	int digits = 0;

	if (*p == '-' || *p == '+')
		p++;
	for (; *p >= '0' && *p <= '9'; p++)
		digits++;
	if (*p == '.')
		for (p++; *p >= '0' && *p <= '9'; p++)
			digits++;
	return digits > 0 ? (size_t)(p - s) : 0;
}

int
parse_double(const char *s, double *out)
{
	size_t n = scan_decimal(s);
	char *end;
	double v;

	/* Accept only [-]digits[.digits]: strtod alone would take "inf", "0x1p3", "1e9". */
	if (n == 0 || s[n] != '\0')
		return -1;
	errno = 0;
	v = strtod(s, &end);
	if (errno != 0 || *end != '\0' || !isfinite(v))
		return -1;
	*out = v;
	return 0;
}

size_t
utf8_valid_prefix(const char *s, size_t len, size_t *multibyte)
{
	const unsigned char *p = (const unsigned char *)s, *e = p + len;
	size_t mb = 0;

	while (p < e) {
		unsigned c = *p;
		size_t n;
		uint32_t cp, min;

		if (c < 0x80) {
			p++;
			continue;
		}
		if (c >= 0xc2 && c <= 0xdf) {
			n = 1; cp = c & 0x1f; min = 0x80;
		} else if (c >= 0xe0 && c <= 0xef) {
			n = 2; cp = c & 0x0f; min = 0x800;
		} else if (c >= 0xf0 && c <= 0xf4) {
			n = 3; cp = c & 0x07; min = 0x10000;
		} else
			break;
		if ((size_t)(e - p) <= n)
			break;
		size_t i;
		for (i = 1; i <= n && (p[i] & 0xc0) == 0x80; i++)
			cp = (cp << 6) | (p[i] & 0x3f);
		if (i <= n || cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
			break;
		p += n + 1;
		mb++;
	}
	if (multibyte != NULL)
		*multibyte = mb;
	return (size_t)(p - (const unsigned char *)s);
}

int
utf8_valid(const char *s, size_t len)
{
	return utf8_valid_prefix(s, len, NULL) == len;
}

size_t
utf8_decode(const char *s, size_t n, uint32_t *cp)
{
	size_t len = utf8_valid_prefix(s, n < 4 ? n : 4, NULL);
	const unsigned char *p = (const unsigned char *)s;

	if (len == 0) {
		*cp = 0xfffd;
		return 1;
	}
	if (p[0] < 0x80) {
		*cp = p[0];
		return 1;
	}
	if (p[0] < 0xe0) {
		*cp = ((uint32_t)(p[0] & 0x1f) << 6) | (p[1] & 0x3f);
		return 2;
	}
	if (p[0] < 0xf0) {
		*cp = ((uint32_t)(p[0] & 0x0f) << 12) | ((uint32_t)(p[1] & 0x3f) << 6) |
		    (p[2] & 0x3f);
		return 3;
	}
	*cp = ((uint32_t)(p[0] & 0x07) << 18) | ((uint32_t)(p[1] & 0x3f) << 12) |
	    ((uint32_t)(p[2] & 0x3f) << 6) | (p[3] & 0x3f);
	return 4;
}

size_t
utf8_encode(uint32_t cp, char *out)
{
	unsigned char *o = (unsigned char *)out;

	if (cp < 0x80) {
		o[0] = (unsigned char)cp;
		return 1;
	}
	if (cp < 0x800) {
		o[0] = (unsigned char)(0xc0 | (cp >> 6));
		o[1] = (unsigned char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		o[0] = (unsigned char)(0xe0 | (cp >> 12));
		o[1] = (unsigned char)(0x80 | ((cp >> 6) & 0x3f));
		o[2] = (unsigned char)(0x80 | (cp & 0x3f));
		return 3;
	}
	o[0] = (unsigned char)(0xf0 | (cp >> 18));
	o[1] = (unsigned char)(0x80 | ((cp >> 12) & 0x3f));
	o[2] = (unsigned char)(0x80 | ((cp >> 6) & 0x3f));
	o[3] = (unsigned char)(0x80 | (cp & 0x3f));
	return 4;
}

/* Whether c is a continuation byte (10xxxxxx), never the start of a character. */
static int
utf8_is_continuation(char c)
{
	return ((unsigned char)c & 0xc0) == 0x80;
}

size_t
utf8_length(const char *s, size_t len)
{
	size_t n = 0;

	for (size_t i = 0; i < len; i++)
		if (!utf8_is_continuation(s[i]))
			n++;
	return n;
}

size_t
utf8_char_start(const char *s, size_t at)
{
	while (at > 0 && utf8_is_continuation(s[at]))
		at--;
	return at;
}

size_t
utf8_char_next(const char *s, size_t len, size_t at)
{
	if (at >= len)
		return len;
	do
		at++;
	while (at < len && utf8_is_continuation(s[at]));
	return at;
}

size_t
utf8_complete_prefix(const char *s, size_t len)
{
	for (size_t back = 1; back <= 3 && back <= len; back++) {
		unsigned char c = (unsigned char)s[len - back];
		size_t need;

		if (utf8_is_continuation(s[len - back]))
			continue;
		if (c >= 0xf0)
			need = 4;
		else if (c >= 0xe0)
			need = 3;
		else if (c >= 0xc0)
			need = 2;
		else
			need = 1;
		return need > back ? len - back : len;
	}
	return len;
}

void
utf8_copy(char *dst, size_t size, const char *src)
{
	size_t n = strlen(src);

	if (size == 0)
		return;
	if (n >= size)
		n = utf8_char_start(src, size - 1);
	memcpy(dst, src, n);
	dst[n] = '\0';
}

/* Open addressing with linear probing; keys owned by the set. */
struct strset {
	char	**slots;	/* NULL = empty */
	size_t	  cap;		/* power of two */
	size_t	  count;
};

struct strset *
strset_new(void)
{
	struct strset *set = xcalloc(1, sizeof *set);

	set->cap = 1024;
	set->slots = xcalloc(set->cap, sizeof *set->slots);
	return set;
}

static uint64_t
strhash(const char *s)
{
	uint64_t h = 1469598103934665603ULL;	/* FNV-1a */

	for (; *s != '\0'; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	return h;
}

static void
strset_insert(char **slots, size_t cap, char *key)
{
	size_t i = strhash(key) & (cap - 1);

	while (slots[i] != NULL)
		i = (i + 1) & (cap - 1);
	slots[i] = key;
}

int
strset_add(struct strset *set, const char *s)
{
	size_t i = strhash(s) & (set->cap - 1);

	for (; set->slots[i] != NULL; i = (i + 1) & (set->cap - 1))
		if (strcmp(set->slots[i], s) == 0)
			return 0;
	if ((set->count + 1) * 2 > set->cap) {
		size_t ncap = set->cap * 2;
		char **n = xcalloc(ncap, sizeof *n);

		for (size_t j = 0; j < set->cap; j++)
			if (set->slots[j] != NULL)
				strset_insert(n, ncap, set->slots[j]);
		free(set->slots);
		set->slots = n;
		set->cap = ncap;
	}
	strset_insert(set->slots, set->cap, xstrdup(s));
	set->count++;
	return 1;
}

int
strset_has(const struct strset *set, const char *s)
{
	for (size_t i = strhash(s) & (set->cap - 1); set->slots[i] != NULL;
	    i = (i + 1) & (set->cap - 1))
		if (strcmp(set->slots[i], s) == 0)
			return 1;
	return 0;
}

size_t
strset_count(const struct strset *set)
{
	return set->count;
}

void
strset_free(struct strset *set)
{
	if (set == NULL)
		return;
	for (size_t i = 0; i < set->cap; i++)
		free(set->slots[i]);
	free(set->slots);
	free(set);
}

int
sha256_file(const char *path, char hex[65], char **cause)
{
	mbedtls_sha256_context ctx;
	unsigned char chunk[65536], digest[32];
	ssize_t n;
	int fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1) {
		*cause = xasprintf("无法打开文件 %s / cannot open %s: %s", path, path,
		    strerror(errno));
		return -1;
	}
	mbedtls_sha256_init(&ctx);
	mbedtls_sha256_starts_ret(&ctx, 0);
	while ((n = read(fd, chunk, sizeof chunk)) > 0)
		mbedtls_sha256_update_ret(&ctx, chunk, (size_t)n);
	if (n == -1) {
		*cause = xasprintf("读取文件失败 / cannot read %s: %s", path, strerror(errno));
		close(fd);
		mbedtls_sha256_free(&ctx);
		return -1;
	}
	close(fd);
	mbedtls_sha256_finish_ret(&ctx, digest);
	mbedtls_sha256_free(&ctx);
	for (int i = 0; i < 32; i++)
		snprintf(hex + 2 * i, 3, "%02x", digest[i]);
	return 0;
}

int
mkdir_p(const char *path, int mode)
{
	char *p = xstrdup(path);

	for (char *s = p + 1; *s != '\0'; s++) {
		if (*s != '/')
			continue;
		*s = '\0';
		if (mkdir(p, (mode_t)mode) == -1 && errno != EEXIST) {
			free(p);
			return -1;
		}
		*s = '/';
	}
	if (mkdir(p, (mode_t)mode) == -1 && errno != EEXIST) {
		free(p);
		return -1;
	}
	free(p);
	return 0;
}

int
fsync_path(const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC), rc;

	if (fd == -1)
		return -1;
	rc = fsync(fd);
	close(fd);
	return rc;
}

int
fsync_parent(const char *path)
{
	char *dir = xstrdup(path), *slash = strrchr(dir, '/');
	int rc;

	if (slash == NULL)
		strcpy(dir, ".");
	else if (slash == dir)
		slash[1] = '\0';
	else
		*slash = '\0';
	rc = fsync_path(dir);
	free(dir);
	return rc;
}

int
utc_stamp_from(const char *s, char out[21])
{
	struct tm tm = { 0 }, back;
	int y, mo, d, h = 0, mi = 0, sec = 0, n = 0;
	time_t t;

	if (strlen(s) == 10 && sscanf(s, "%4d-%2d-%2d%n", &y, &mo, &d, &n) == 3 && n == 10) {
		tm.tm_year = y - 1900;
		tm.tm_mon = mo - 1;
		tm.tm_mday = d;
		tm.tm_isdst = -1;
		if ((t = mktime(&tm)) == (time_t)-1 || tm.tm_mday != d || tm.tm_mon != mo - 1)
			return -1;
	} else if (strlen(s) == 20 && sscanf(s, "%4d-%2d-%2dT%2d:%2d:%2dZ%n", &y, &mo, &d, &h,
	    &mi, &sec, &n) == 6 && n == 20) {
		tm.tm_year = y - 1900;
		tm.tm_mon = mo - 1;
		tm.tm_mday = d;
		tm.tm_hour = h;
		tm.tm_min = mi;
		tm.tm_sec = sec;
		if ((t = timegm(&tm)) == (time_t)-1 || tm.tm_mday != d || h > 23 || mi > 59 ||
		    sec > 60)
			return -1;
	} else
		return -1;
	if (gmtime_r(&t, &back) == NULL)
		return -1;
	strftime(out, 21, "%Y-%m-%dT%H:%M:%SZ", &back);
	return 0;
}

int
time_zone_use(const char *name, char **cause)
{
	const char *dir = getenv("TZDIR") != NULL ? getenv("TZDIR") : "/usr/share/zoneinfo";
	char *path;
	int ok;

	/* A zone is a relative path of letters, digits, _ + - and /, never "..". */
	ok = *name != '\0' && *name != '/' && strstr(name, "..") == NULL &&
	    strspn(name, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_+-/") ==
	    strlen(name);
	path = xasprintf("%s/%s", dir, name);
	ok = ok && access(path, R_OK) == 0;
	free(path);
	if (!ok) {
		*cause = xasprintf("未知时区 %s（如 Asia/Shanghai） / unknown time zone %s (such as"
		    " Asia/Shanghai)", name, name);
		return -1;
	}
	setenv("TZ", name, 1);
	tzset();
	return 0;
}
