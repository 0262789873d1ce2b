/*
 * fuzz_normalise.c — every normalise.h function on one string, with the
 * promises normalise.h makes checked: results are valid UTF-8, a
 * normalised value normalises to itself, canonical names map to
 * themselves, prices and quantities lie in their ranges, a phone number
 * is cut on a character boundary however small the buffer.
 *
 * Catalogue cells are valid UTF-8 (table.h), so the input is made valid
 * first: each byte that does not start a valid sequence becomes U+FFFD.
 */
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzzutil.h"
#include "normalise.h"
#include "util.h"

/* data as a NUL-terminated valid UTF-8 string (cut at the first NUL); caller frees. */
static char *
valid_utf8(const uint8_t *data, size_t size)
{
	struct buf b = { 0 };
	const char *s = (const char *)data;
	size_t n = strnlen(s, size);

	buf_add(&b, "", 0);
	for (size_t i = 0; i < n;) {
		char enc[4];
		uint32_t cp;
		size_t len = utf8_decode(s + i, n - i, &cp);

		buf_add(&b, enc, utf8_encode(cp, enc));
		i += len;
	}
	return buf_take(&b);
}

static void
want_utf8(const char *what, const char *s)
{
	if (s == NULL)
		fuzz_fail("%s: NULL", what);
	if (!utf8_valid(s, strlen(s)))
		fuzz_fail("%s: not valid UTF-8: “%s”", what, s);
}

/* A check's failure must say why. */
static void
want_why(const char *what, int rc, const char *why)
{
	if (rc != 0 && rc != -1)
		fuzz_fail("%s returned %d", what, rc);
	if (rc == -1)
		want_utf8(what, why);
}

/* f(f(s)) == f(s) for the text normalisers. */
static void
check_text(const char *what, char *(*f)(const char *), const char *s)
{
	char *once = f(s), *twice;

	want_utf8(what, once);
	twice = f(once);
	if (strcmp(once, twice) != 0)
		fuzz_fail("%s is not idempotent: “%s” → “%s” → “%s”", what, s, once, twice);
	free(once);
	free(twice);
}

static void
check_line(const char *s)
{
	char *r = norm_line(s);
	size_t n = strlen(r);

	if (n > 0 && (r[0] == ' ' || r[n - 1] == ' '))
		fuzz_fail("norm_line left a space at an end: “%s”", r);
	if (strstr(r, "  ") != NULL || strpbrk(r, "\t\r\n") != NULL)
		fuzz_fail("norm_line left white space unfolded: “%s”", r);
	free(r);
	check_text("norm_line", norm_line, s);
}

static void
check_places(const char *s)
{
	const char *city = norm_zj_city(s), *prov = norm_province(s), *shrt;
	size_t n;
	char *name;

	if (city != NULL) {
		const char *const *all = zj_cities(&n);
		size_t i;

		for (i = 0; i < n && strcmp(all[i], city) != 0; i++)
			continue;
		if (i == n || norm_zj_city(city) != city)
			fuzz_fail("norm_zj_city(“%s”) = “%s”, not canonical", s, city);
	}
	if (prov != NULL) {
		if (norm_province(prov) != prov)
			fuzz_fail("norm_province(“%s”) = “%s”, not canonical", s, prov);
		if ((shrt = province_short(prov)) == NULL || norm_province(shrt) != prov)
			fuzz_fail("province_short(“%s”) does not map back", prov);
	}
	if ((shrt = province_short(s)) != NULL)
		want_utf8("province_short", shrt);
	name = norm_city_name(s);
	want_utf8("norm_city_name", name);
	free(name);
}

static void
check_codes(const char *s)
{
	char code[19], again[19], date[11], date2[11];
	const char *why = NULL;
	int rc;

	rc = check_credit_code(s, code, &why);
	want_why("check_credit_code", rc, why);
	if (rc == 0 && (strlen(code) != 18 || check_credit_code(code, again, &why) != 0 ||
	    strcmp(code, again) != 0))
		fuzz_fail("check_credit_code(“%s”) = “%s”, which does not check", s, code);

	rc = check_date(s, date, &why);
	want_why("check_date", rc, why);
	if (rc == 0 && (strlen(date) != 10 || date[4] != '-' || date[7] != '-' ||
	    check_date(date, date2, &why) != 0 || strcmp(date, date2) != 0))
		fuzz_fail("check_date(“%s”) = “%s”, which does not check", s, date);
}

static void
check_numbers(const char *s)
{
	const char *why = NULL;
	double lo, hi, q;
	int rc;

	rc = check_price(s, &lo, &hi, &why);
	want_why("check_price", rc, why);
	if (rc == 0 && !(lo == -1 && hi == -1) && !(isfinite(lo) && isfinite(hi) &&
	    lo >= 0 && lo <= hi && hi < 1e10))
		fuzz_fail("check_price(“%s”) = [%g, %g]", s, lo, hi);

	rc = check_quantity(s, &q, &why);
	want_why("check_quantity", rc, why);
	if (rc == 0 && !(isfinite(q) && q > 0 && q < 1e12))
		fuzz_fail("check_quantity(“%s”) = %g", s, q);
}

/* The phone check into buffers of several sizes, each exactly as large as it says. */
static void
check_phones(const char *s)
{
	static const size_t sizes[] = { 1, 2, 5, 14, 40, 1024 };
	const char *why = NULL;
	char *full = NULL;
	int first = 0;

	for (size_t i = 0; i < nitems(sizes); i++) {
		char *out = xmalloc(sizes[i]);
		int rc = check_phone(s, out, sizes[i], &why);

		want_why("check_phone", rc, why);
		if (memchr(out, '\0', sizes[i]) == NULL)
			fuzz_fail("check_phone left out[%zu] unterminated", sizes[i]);
		want_utf8("check_phone", out);
		if (i > 0 && rc != first)
			fuzz_fail("check_phone(“%s”) depends on the buffer size", s);
		first = rc;
		if (i == nitems(sizes) - 1 && rc == 0 && strlen(out) < sizes[i] - 1)
			full = xstrdup(out);
		free(out);
	}
	if (full != NULL) {
		char again[1024];

		if (check_phone(full, again, sizeof again, &why) != 0 || strcmp(full, again) != 0)
			fuzz_fail("check_phone(“%s”) = “%s”, which does not check", s, full);
		free(full);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = valid_utf8(data, size);

	check_line(s);
	check_text("norm_block", norm_block, s);
	check_text("norm_list", norm_list, s);
	check_places(s);
	check_codes(s);
	check_numbers(s);
	check_phones(s);
	free(s);
	return 0;
}
