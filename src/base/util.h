/*
 * util.h — allocation that never returns NULL, a growable byte buffer,
 * number parsing that says whether it succeeded, and fatal() for broken
 * invariants.  Everything else in fairmatch builds on these.
 */
#ifndef FM_UTIL_H
#define FM_UTIL_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#define FM_NORETURN __attribute__((noreturn))
#define FM_PRINTF(f, a) __attribute__((format(printf, f, a)))
#define nitems(a) (sizeof(a) / sizeof((a)[0]))

/* Abort with a message: for bugs and out-of-memory only, never for input. */
void fatal(const char *fmt, ...) FM_NORETURN FM_PRINTF(1, 2);

void *xmalloc(size_t size);
void *xcalloc(size_t n, size_t size);
void *xreallocarray(void *p, size_t n, size_t size);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
/* Returns a newly allocated string; caller frees. */
char *xasprintf(const char *fmt, ...) FM_PRINTF(1, 2);
char *xvasprintf(const char *fmt, va_list ap) FM_PRINTF(1, 0);

/* A growable byte buffer, always NUL-terminated after the first add. */
struct buf {
	char	*data;		/* bytes, NUL-terminated; owned */
	size_t	 len;		/* bytes used, not counting the NUL */
	size_t	 cap;		/* bytes allocated */
};
void buf_add(struct buf *b, const void *p, size_t n);
void buf_addstr(struct buf *b, const char *s);
void buf_addc(struct buf *b, char c);
void buf_addf(struct buf *b, const char *fmt, ...) FM_PRINTF(2, 3);
void buf_reset(struct buf *b);
/* Hands the bytes to the caller (who frees them) and empties b. */
char *buf_take(struct buf *b);
void buf_free(struct buf *b);

/*
 * Splits *s at the next occurrence of the whole string sep (not any of its
 * bytes, as strtok does: "；" is three bytes that also occur inside other
 * characters).  Returns the piece and advances *s past sep, or sets *s to
 * NULL after the last piece; NULL when *s is NULL.  Modifies the string.
 */
char *str_split(char **s, const char *sep);

/* Parse a whole decimal string within [min, max]; 0 on success, -1 if not. */
int parse_long(const char *s, long min, long max, long *out);
/* Parse a whole decimal number (no exponent, no hex); 0 on success. */
int parse_double(const char *s, double *out);
/* Length of the plain decimal [-+]digits[.digits] that s begins with; 0 if it has no digit. */
size_t scan_decimal(const char *s);

/*
 * Makes name (an IANA zone such as "Asia/Shanghai") the process's local
 * time zone, the one localtime_r and mktime use: the fair's.  Call before
 * any thread starts.  0, or -1 with *cause (caller frees) when tzdata has
 * no such zone.
 */
int time_zone_use(const char *name, char **cause);

/*
 * A moment as the store records it (UTC, "2026-12-06T02:48:00Z"), from
 * "YYYY-MM-DD" (the start of that day in the local time zone, TZ: the
 * fair's) or from that form itself.  0, or -1 if s is neither or no such day.
 */
int utc_stamp_from(const char *s, char out[21]);

/* Strict UTF-8 check (no overlongs, no surrogates, nothing past U+10FFFF). */
int utf8_valid(const char *s, size_t len);
/* Length of the longest valid prefix; *multibyte (if not NULL) counts its non-ASCII characters. */
size_t utf8_valid_prefix(const char *s, size_t len, size_t *multibyte);
/*
 * Decodes one code point at s (n ≥ 1 bytes available): sets *cp, U+FFFD
 * for a byte that does not start a valid sequence, and returns the bytes
 * consumed (≥ 1).
 */
size_t utf8_decode(const char *s, size_t n, uint32_t *cp);
/* Encodes cp as UTF-8 into out (room for 4 bytes); returns bytes written. */
size_t utf8_encode(uint32_t cp, char *out);
/* Number of code points in valid UTF-8. */
size_t utf8_length(const char *s, size_t len);
/*
 * Character boundaries, found by skipping continuation bytes (nothing is
 * validated): the start of the character that holds byte at (0 at the
 * least), and the start of the character after it (len at the most).
 */
size_t utf8_char_start(const char *s, size_t at);
size_t utf8_char_next(const char *s, size_t len, size_t at);
/* Length of s without an incomplete sequence at its end, for text read in chunks. */
size_t utf8_complete_prefix(const char *s, size_t len);
/* Copies src into dst (size bytes) like strlcpy, but never cuts a character. */
void utf8_copy(char *dst, size_t size, const char *src);

/* A set of strings, for duplicate detection in one file. */
struct strset;
struct strset *strset_new(void);
/* Adds s; returns 1 if it was new, 0 if already present. */
int strset_add(struct strset *set, const char *s);
/* Whether s is in the set. */
int strset_has(const struct strset *set, const char *s);
size_t strset_count(const struct strset *set);
void strset_free(struct strset *set);

/* Lowercase hex SHA-256 of a file's bytes into hex[65]; 0 or -1 with *cause. */
int sha256_file(const char *path, char hex[65], char **cause);

/* mkdir -p; 0 or -1 with errno. */
int mkdir_p(const char *path, int mode);

/*
 * fsyncs a file or directory by name, or the directory holding path (so
 * that a file created or renamed into it is durable); 0 or -1 with errno.
 */
int fsync_path(const char *path);
int fsync_parent(const char *path);

#endif
