/*
 * gen_pinyin.c — build-time generator of the Han character → pinyin table.
 *
 * Reads Unihan_Readings.txt on stdin and writes C source on stdout:
 *
 *	bzcat Unihan_Readings.txt.bz2 | gen_pinyin > pinyin_table.c
 *
 * Every code point gets the union of its readings from kMandarin,
 * kHanyuPinlu, kTGHZ2013, kXHC1983 and kHanyuPinyin, written as toneless
 * lower-case ASCII (lóng → long, lǜ → lv, ǹg → ng), without duplicates, most
 * common first: kMandarin's reading(s), then kHanyuPinlu's by frequency,
 * then the modern dictionaries (TGHZ 2013, XHC 1983), then the historical
 * Hanyu Da Zidian, whose archaic readings therefore come last.
 *
 * ü is written v, as pinyin input methods do; the tokenizer may add the u
 * spelling too (lv → lu) for kiosk users who never learnt the v convention.
 *
 * The output defines pinyin_pool, pinyin_entries and pinyin_nentries as
 * declared in pinyin.h. Identical reading lists share one place in the pool.
 * Same input, same output: nothing depends on time, locale or addresses.
 *
 * Needs nothing but libc and src/base (for its UTF-8 decoder). Exits 1 with a message naming the line on input
 * it cannot read (an unknown letter in a reading, an absurd code point), so
 * that a new Unihan release breaks the build rather than the table.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

#define READING_MAX	8	/* longest toneless reading + NUL ("zhuang") */
#define LIST_MAX	255	/* readings per code point: fits uint8_t n */
#define POOL_LINE	72	/* characters of pool per line of output */

struct field;

/* Records the readings in one space-separated word of a field's value. */
typedef void parse_fn(uint32_t, const struct field *, const char *,
    const char *);

static parse_fn	parse_plain, parse_frequency, parse_located;

/* A Unihan field that gives Mandarin readings; rank orders the sources. */
struct field {
	const char	*name;	/* Unihan field name */
	parse_fn	*parse;	/* reads one word of its value */
	unsigned	 rank;	/* 0 = most authoritative for "common" */
};

static const struct field fields[] = {
	{ "kMandarin",		parse_plain,		0 },	/* gèng gēng */
	{ "kHanyuPinlu",	parse_frequency,	1 },	/* xíng(2943) */
	{ "kTGHZ2013",		parse_located,		2 },	/* 131.140:háng */
	{ "kXHC1983",		parse_located,		3 },	/* 0442.080*:háng */
	{ "kHanyuPinyin",	parse_located,		4 },	/* 20811.060:háng,xìng */
};

/* A non-ASCII letter of pinyin and what it becomes ("" = dropped). */
struct letter {
	uint32_t	 cp;	/* code point in the reading */
	const char	*ascii;	/* toneless replacement */
};

static const struct letter letters[] = {
	{ 0x00e0, "a" }, { 0x00e1, "a" }, { 0x0101, "a" }, { 0x01ce, "a" },
	{ 0x00e8, "e" }, { 0x00e9, "e" }, { 0x0113, "e" }, { 0x011b, "e" },
	{ 0x00ea, "e" }, { 0x1ebf, "e" }, { 0x1ec1, "e" },	/* ê ế ề */
	{ 0x00ec, "i" }, { 0x00ed, "i" }, { 0x012b, "i" }, { 0x01d0, "i" },
	{ 0x00f2, "o" }, { 0x00f3, "o" }, { 0x014d, "o" }, { 0x01d2, "o" },
	{ 0x00f9, "u" }, { 0x00fa, "u" }, { 0x016b, "u" }, { 0x01d4, "u" },
	{ 0x00fc, "v" }, { 0x01d6, "v" }, { 0x01d8, "v" }, { 0x01da, "v" },
	{ 0x01dc, "v" },					/* ü ǖ ǘ ǚ ǜ */
	{ 0x1e3f, "m" },					/* ḿ */
	{ 0x0144, "n" }, { 0x0148, "n" }, { 0x01f9, "n" },	/* ń ň ǹ */
	{ 0x0300, "" }, { 0x0301, "" }, { 0x0304, "" },	/* combining */
	{ 0x030c, "" },						/* tone marks */
};

/* One reading of one code point, from one field. */
struct reading {
	uint32_t	cp;			/* code point */
	unsigned	rank;			/* fields[].rank of the source */
	unsigned long	frequency;		/* kHanyuPinlu count, else 0 */
	size_t		seq;			/* order of appearance */
	char		text[READING_MAX];	/* toneless ASCII */
};

/* A code point's list of readings, placed in the pool. */
struct entry {
	uint32_t	cp;	/* code point */
	size_t		off;	/* offset of the first reading in the pool */
	size_t		n;	/* number of readings */
};

static struct reading	*readings;
static size_t		 nreadings, readings_size;

static struct entry	*entries;
static size_t		 nentries, entries_size;

static char		*pool;
static size_t		 pool_len, pool_size;

/* Open-addressed set of reading lists already in the pool, by offset. */
static size_t		*lists;
static size_t		 lists_size;

static unsigned long	 line_number;
static char		 unicode_version[32];

/* Prints a message about the input line being read and exits. */
static void
fail(const char *what, const char *detail)
{
	fprintf(stderr, "gen_pinyin: stdin line %lu: %s%s%s\n", line_number,
	    what, detail != NULL ? ": " : "", detail != NULL ? detail : "");
	exit(1);
}

/* Grows *base (of *size elements of elsize bytes) to hold want elements. */
static void
grow(void *base, size_t *size, size_t want, size_t elsize)
{
	void	**p = base;
	size_t	  n = *size != 0 ? *size : 1024;
	void	 *q;

	if (want <= *size)
		return;
	while (n < want)
		n *= 2;
	q = realloc(*p, n * elsize);
	if (q == NULL) {
		fprintf(stderr, "gen_pinyin: out of memory\n");
		exit(1);
	}
	*p = q;
	*size = n;
}

/* Writes the toneless ASCII of the reading in [s, end) to out. */
static void
make_toneless(const char *s, const char *end, char out[READING_MAX])
{
	const char	*ascii;
	char		 shown[64];
	size_t		 len = 0, i, n;
	uint32_t	 cp;
	int		 c;

	snprintf(shown, sizeof shown, "%.*s", (int)(end - s), s);
	if (memchr(s, '\0', (size_t)(end - s)) != NULL ||
	    !utf8_valid(s, (size_t)(end - s)))
		fail("malformed UTF-8 in reading", shown);
	for (; s < end; s += n) {
		n = utf8_decode(s, (size_t)(end - s), &cp);
		if (cp >= 'a' && cp <= 'z')
			c = (int)cp;
		else if (cp >= 'A' && cp <= 'Z')
			c = (int)(cp - 'A' + 'a');
		else {
			ascii = NULL;
			for (i = 0; i < nitems(letters); i++) {
				if (letters[i].cp == cp) {
					ascii = letters[i].ascii;
					break;
				}
			}
			if (ascii == NULL)
				fail("unknown letter in reading", shown);
			if (*ascii == '\0')
				continue;
			c = (unsigned char)*ascii;
		}
		if (len + 1 >= READING_MAX)
			fail("reading too long", shown);
		out[len++] = (char)c;
	}
	if (len == 0)
		fail("empty reading", shown);
	out[len] = '\0';
}

/* Records the reading in [s, end) of cp. */
static void
add_reading(uint32_t cp, unsigned rank, unsigned long frequency,
    const char *s, const char *end)
{
	struct reading	*r;

	grow(&readings, &readings_size, nreadings + 1, sizeof *readings);
	r = &readings[nreadings];
	r->cp = cp;
	r->rank = rank;
	r->frequency = frequency;
	r->seq = nreadings;
	make_toneless(s, end, r->text);
	nreadings++;
}

/* Records a word that is one reading: "gèng". */
static void
parse_plain(uint32_t cp, const struct field *f, const char *s,
    const char *end)
{
	add_reading(cp, f->rank, 0, s, end);
}

/* Records a reading with its frequency: "xíng(2943)". */
static void
parse_frequency(uint32_t cp, const struct field *f, const char *s,
    const char *end)
{
	const char	*open;
	unsigned long	 frequency;
	char		*stop;

	open = memchr(s, '(', (size_t)(end - s));
	if (open == NULL || end[-1] != ')')
		fail("expected reading(count)", f->name);
	errno = 0;
	frequency = strtoul(open + 1, &stop, 10);
	if (errno != 0 || stop != end - 1)
		fail("bad count", f->name);
	add_reading(cp, f->rank, frequency, s, open);
}

/* Records the readings after a dictionary location: "20811.060:háng,xìng". */
static void
parse_located(uint32_t cp, const struct field *f, const char *s,
    const char *end)
{
	const char	*colon, *comma;

	colon = memchr(s, ':', (size_t)(end - s));
	if (colon == NULL)
		fail("expected location:readings", f->name);
	for (s = colon + 1; s < end; s = comma + 1) {
		comma = memchr(s, ',', (size_t)(end - s));
		if (comma == NULL)
			comma = end;
		add_reading(cp, f->rank, 0, s, comma);
	}
}

/* Reads one line of Unihan_Readings.txt (without its newline). */
static void
parse_line(char *line)
{
	const struct field	*f = NULL;
	char			*name, *value, *stop, *end;
	const char		*v;
	unsigned long		 cp;
	size_t			 i;

	if (sscanf(line, "# Unicode version: %31s", unicode_version) == 1)
		return;
	if (line[0] == '#' || line[0] == '\0')
		return;
	if (strncmp(line, "U+", 2) != 0)
		fail("expected U+ code point", NULL);
	errno = 0;
	cp = strtoul(line + 2, &stop, 16);
	if (errno != 0 || stop == line + 2 || *stop != '\t' || cp > 0x10ffff)
		fail("bad code point", NULL);
	name = stop + 1;
	if ((value = strchr(name, '\t')) == NULL)
		fail("expected a tab after the field name", NULL);
	*value++ = '\0';
	for (i = 0; i < nitems(fields); i++) {
		if (strcmp(fields[i].name, name) == 0) {
			f = &fields[i];
			break;
		}
	}
	if (f == NULL)
		return;
	for (v = value; *v != '\0'; v = end) {
		while (*v == ' ')
			v++;
		if (*v == '\0')
			break;
		if ((end = strchr(v, ' ')) == NULL)
			end = (char *)v + strlen(v);
		f->parse((uint32_t)cp, f, v, end);
	}
}

/* Reads stdin line by line, of any length. */
static void
read_input(void)
{
	char	*line = NULL;
	size_t	 size = 0, len;
	int	 ch;

	for (;;) {
		len = 0;
		while ((ch = getchar()) != EOF && ch != '\n') {
			grow(&line, &size, len + 2, 1);
			line[len++] = (char)ch;
		}
		if (ch == EOF && len == 0)
			break;
		grow(&line, &size, len + 1, 1);
		if (len > 0 && line[len - 1] == '\r')
			len--;
		line[len] = '\0';
		line_number++;
		parse_line(line);
		if (ch == EOF)
			break;
	}
	if (ferror(stdin)) {
		fprintf(stderr, "gen_pinyin: reading stdin failed\n");
		exit(1);
	}
	free(line);
}

/* Orders readings by code point, then from most to least common. */
static int
compare_readings(const void *a, const void *b)
{
	const struct reading	*ra = a, *rb = b;

	if (ra->cp != rb->cp)
		return (ra->cp < rb->cp ? -1 : 1);
	if (ra->rank != rb->rank)
		return (ra->rank < rb->rank ? -1 : 1);
	if (ra->frequency != rb->frequency)
		return (ra->frequency > rb->frequency ? -1 : 1);
	if (ra->seq != rb->seq)
		return (ra->seq < rb->seq ? -1 : 1);
	return (0);
}

/* FNV-1a over len bytes. */
static size_t
hash_bytes(const char *s, size_t len)
{
	uint32_t	h = 2166136261u;
	size_t		i;

	for (i = 0; i < len; i++)
		h = (h ^ (unsigned char)s[i]) * 16777619u;
	return (h);
}

/*
 * Places the readings just appended at pool + off, or finds an
 * identical list already in the pool; returns where the list is.
 */
static size_t
intern_list(size_t off)
{
	size_t	len = pool_len - off, h, i, *slot;

	if (lists_size == 0) {
		lists_size = 1 << 17;
		if ((lists = malloc(lists_size * sizeof *lists)) == NULL) {
			fprintf(stderr, "gen_pinyin: out of memory\n");
			exit(1);
		}
		for (i = 0; i < lists_size; i++)
			lists[i] = SIZE_MAX;
	}
	h = hash_bytes(pool + off, len);
	for (i = 0; i < lists_size; i++) {
		slot = &lists[(h + i) & (lists_size - 1)];
		if (*slot == SIZE_MAX) {
			*slot = off;
			return (off);
		}
		/* Equal bytes hold equally many NULs, hence readings. */
		if (*slot + len <= off &&
		    memcmp(pool + *slot, pool + off, len) == 0) {
			pool_len = off;
			return (*slot);
		}
	}
	fprintf(stderr, "gen_pinyin: too many distinct reading lists\n");
	exit(1);
}

/* Groups the sorted readings into entries, dropping repeated readings. */
static void
build_entries(void)
{
	size_t	i, j, k, first, off, n, len;

	for (i = 0; i < nreadings; i = j) {
		off = pool_len;
		n = 0;
		for (j = i; j < nreadings && readings[j].cp == readings[i].cp;
		    j++) {
			for (k = i; k < j; k++) {
				if (strcmp(readings[k].text,
				    readings[j].text) == 0)
					break;
			}
			if (k < j)
				continue;
			if (n == LIST_MAX) {
				fprintf(stderr, "gen_pinyin: U+%04lX has more "
				    "than %d readings\n",
				    (unsigned long)readings[i].cp, LIST_MAX);
				exit(1);
			}
			len = strlen(readings[j].text) + 1;
			grow(&pool, &pool_size, pool_len + len, 1);
			memcpy(pool + pool_len, readings[j].text, len);
			pool_len += len;
			n++;
		}
		first = intern_list(off);
		grow(&entries, &entries_size, nentries + 1, sizeof *entries);
		entries[nentries].cp = readings[i].cp;
		entries[nentries].off = first;
		entries[nentries].n = n;
		nentries++;
	}
}

/* Writes the pool as one string literal, split into lines. */
static void
write_pool(void)
{
	size_t	i, col = 0;

	printf("const char pinyin_pool[] =\n\t\"");
	for (i = 0; i < pool_len; i++) {
		if (pool[i] == '\0') {
			fputs("\\0", stdout);
			col += 2;
			if (col >= POOL_LINE && i + 1 < pool_len) {
				printf("\"\n\t\"");
				col = 0;
			}
		} else {
			putchar(pool[i]);
			col++;
		}
	}
	printf("\";\n\n");
}

/* Writes the entries, four to a line. */
static void
write_entries(void)
{
	size_t	i;

	printf("const struct pinyin_entry pinyin_entries[] = {\n");
	for (i = 0; i < nentries; i++) {
		printf("%s{0x%lx,%zu,%zu},", i % 4 == 0 ? "\t" : " ",
		    (unsigned long)entries[i].cp, entries[i].off,
		    entries[i].n);
		if (i % 4 == 3 || i + 1 == nentries)
			putchar('\n');
	}
	printf("};\n\n");
	printf("const size_t pinyin_nentries = %zu;\n", nentries);
}

/* Reads Unihan_Readings.txt on stdin, writes the table's C on stdout. */
int
main(void)
{
	read_input();
	if (nreadings == 0) {
		fprintf(stderr, "gen_pinyin: no readings on stdin\n");
		return (1);
	}
	qsort(readings, nreadings, sizeof *readings, compare_readings);
	build_entries();
	if (pool_len > UINT32_MAX) {
		fprintf(stderr, "gen_pinyin: pool too large\n");
		return (1);
	}

	printf("/*\n"
	    " * pinyin_table.c — generated by index/gen_pinyin.c from\n"
	    " * Unihan_Readings.txt (Unicode %s). Do not edit.\n"
	    " *\n"
	    " * %zu code points, %zu bytes of readings.\n"
	    " */\n"
	    "#include <stddef.h>\n"
	    "#include <stdint.h>\n"
	    "\n"
	    "#include \"pinyin.h\"\n"
	    "\n"
	    "/* The pool is one literal, longer than C99's 4095-byte minimum. */\n"
	    "#pragma GCC diagnostic ignored \"-Woverlength-strings\"\n"
	    "\n",
	    unicode_version[0] != '\0' ? unicode_version : "unknown",
	    nentries, pool_len);
	write_pool();
	write_entries();
	if (fflush(stdout) != 0 || ferror(stdout)) {
		fprintf(stderr, "gen_pinyin: writing stdout failed\n");
		return (1);
	}
	return (0);
}
