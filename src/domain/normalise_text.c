/*
 * normalise_text.c — the text rules every other family builds on: white
 * space of any kind folded to one ASCII space, full-width digits and Latin
 * letters turned into ASCII, invisible characters dropped, line breaks kept
 * or not (norm_line, norm_block), lists split on Chinese and Latin
 * separators (norm_list), and the key under which names are compared.
 * Clerks paste from Word, WeChat and web pages, so one cell can mix U+3000,
 * NBSP and ＡＢＣ; every later rule sees plain text.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "normalise.h"
#include "normalise_int.h"
#include "util.h"

struct cp_range {
	uint32_t	lo;		/* first code point */
	uint32_t	hi;		/* last code point, inclusive */
};

/* What folds to one ASCII space.  Nothing else counts as white space. */
static const struct cp_range space_ranges[] = {
	{ 0x0009, 0x000d }, { 0x0020, 0x0020 }, { 0x0085, 0x0085 },
	{ 0x00a0, 0x00a0 }, { 0x1680, 0x1680 }, { 0x2000, 0x200a },
	{ 0x2028, 0x2029 }, { 0x202f, 0x202f }, { 0x205f, 0x205f },
	{ 0x3000, 0x3000 },
};

/* Invisible characters dropped wherever they appear: ZWSP and BOM. */
static const struct cp_range drop_ranges[] = {
	{ 0x200b, 0x200b }, { 0xfeff, 0xfeff },
};

/* Line breaks that norm_block() keeps (CR LF counts as one). */
static const struct cp_range break_ranges[] = {
	{ 0x000a, 0x000a }, { 0x000d, 0x000d }, { 0x0085, 0x0085 },
	{ 0x2028, 0x2029 },
};

/* Full-width digits and Latin letters, and the ASCII they become. */
static const struct {
	uint32_t	lo;
	uint32_t	hi;
	char		ascii;		/* what lo becomes */
} fullwidth_map[] = {
	{ 0xff10, 0xff19, '0' },
	{ 0xff21, 0xff3a, 'A' },
	{ 0xff41, 0xff5a, 'a' },
};

/* Whether cp lies in one of the n ranges r. */
static int
cp_in(const struct cp_range *r, size_t n, uint32_t cp)
{
	for (size_t i = 0; i < n; i++)
		if (cp >= r[i].lo && cp <= r[i].hi)
			return 1;
	return 0;
}

/* The ASCII character a full-width digit or letter becomes, or 0. */
static char
fullwidth_ascii(uint32_t cp)
{
	for (size_t i = 0; i < nitems(fullwidth_map); i++)
		if (cp >= fullwidth_map[i].lo && cp <= fullwidth_map[i].hi)
			return (char)(fullwidth_map[i].ascii +
			    (int)(cp - fullwidth_map[i].lo));
	return 0;
}

/* norm_line() and norm_block(): keep_breaks says whether line breaks survive. */
static char *
norm_text(const char *s, int keep_breaks)
{
	struct buf b = { 0 };
	int space = 0, breaks = 0;
	const char *end;
	uint32_t cp;
	size_t n;
	char a;

	if (s == NULL)
		return xstrdup("");
	end = s + strlen(s);
	for (; s < end; s += n) {
		n = utf8_decode(s, (size_t)(end - s), &cp);
		if (cp_in(drop_ranges, nitems(drop_ranges), cp))
			continue;
		if (keep_breaks && cp_in(break_ranges, nitems(break_ranges), cp)) {
			if (cp == '\r' && s[1] == '\n')
				n = 2;
			if (b.len > 0 && breaks < 2)
				breaks++;
			space = 0;	/* trailing blanks of a line go */
			continue;
		}
		if (cp_in(space_ranges, nitems(space_ranges), cp)) {
			space = 1;
			continue;
		}
		if (b.len > 0) {
			if (breaks > 0)
				buf_add(&b, "\n\n", (size_t)breaks);
			else if (space)
				buf_addc(&b, ' ');
		}
		space = breaks = 0;
		if ((a = fullwidth_ascii(cp)) != 0)
			buf_addc(&b, a);
		else
			buf_add(&b, s, n);
	}
	return buf_take(&b);
}

/* One-line text: white space folded, full-width letters and digits to ASCII. */
char *
norm_line(const char *s)
{
	return norm_text(s, 0);
}

/* Like norm_line() but keeps line breaks, at most one blank line in a row. */
char *
norm_block(const char *s)
{
	return norm_text(s, 1);
}

/* Separators between list items; line breaks also separate. */
static const char *const list_separators[] = {
	"；", ";", "、", ",", "，", "\r", "\n", "\xc2\x85", "\xe2\x80\xa8",
	"\xe2\x80\xa9",
};

/* Length of the first of the n strings in list that s begins with, or 0. */
size_t
norm_match_any(const char *s, const char *const *list, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		size_t len = strlen(list[i]);

		if (strncmp(s, list[i], len) == 0)
			return len;
	}
	return 0;
}

/* Splits s on seps into norm_line()d items, empty ones dropped; caller frees. */
char **
norm_split_items(const char *s, const char *const *seps, size_t nseps,
    size_t *count)
{
	char **items = NULL;
	size_t n = 0;
	const char *start = s, *end = s + strlen(s);
	uint32_t cp;

	for (const char *p = s;; ) {
		size_t seplen = *p == '\0' ? 0 : norm_match_any(p, seps, nseps);

		if (*p == '\0' || seplen > 0) {
			char *raw = xstrndup(start, (size_t)(p - start));
			char *item = norm_line(raw);

			free(raw);
			if (*item != '\0') {
				items = xreallocarray(items, n + 1, sizeof *items);
				items[n++] = item;
			} else
				free(item);
			if (*p == '\0')
				break;
			p += seplen;
			start = p;
		} else
			p += utf8_decode(p, (size_t)(end - p), &cp);
	}
	*count = n;
	return items;
}

/* Frees what norm_split_items() returned. */
void
norm_free_items(char **items, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(items[i]);
	free(items);
}

/* A list (honours, say): items norm_line()d, empties dropped, joined by "；". */
char *
norm_list(const char *s)
{
	struct buf b = { 0 };
	size_t n;
	char **items = norm_split_items(s != NULL ? s : "", list_separators,
	    nitems(list_separators), &n);

	for (size_t i = 0; i < n; i++) {
		if (i > 0)
			buf_addstr(&b, "；");
		buf_addstr(&b, items[i]);
	}
	norm_free_items(items, n);
	return buf_take(&b);
}

/* A name as compared: "Nei Mongol" → "neimongol", "浙江省 杭州市" → "浙江省杭州市". */
char *
norm_name_key(const char *s)
{
	char *line = norm_line(s != NULL ? s : "");
	char *w = line;

	for (const char *r = line; *r != '\0'; r++) {
		if (strchr(" -'.,", *r) != NULL)
			continue;
		*w++ = (*r >= 'A' && *r <= 'Z') ? (char)(*r - 'A' + 'a') : *r;
	}
	*w = '\0';
	return line;
}
