/*
 * xlsx_number.c — the numbers of Excel's cells as text: which number
 * formats (built-in ids, custom format codes) display dates and times, a
 * stored number read strictly, General's display of it, and serial day
 * numbers as dates in the 1900 and 1904 systems.  None of it depends on
 * how a workbook is packed, so it lives apart from the readers that share
 * it (xlsx_number.h).
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util.h"
#include "xlsx_number.h"

#define XLSX_LAST_SERIAL	2958466.0	/* 10000-01-01: past Excel's dates */

/* Excel's built-in date and time formats (ECMA-376 18.8.30, zh-CN ids too). */
static const struct {
	long		 first;		/* first numFmtId of the range */
	long		 last;		/* last numFmtId of the range */
	enum xlsx_kind	 kind;		/* what cells in it hold */
} xlsx_builtin_formats[] = {
	{ 14, 17, XLSX_DATE },
	{ 18, 21, XLSX_TIME },
	{ 22, 22, XLSX_DATETIME },
	{ 27, 31, XLSX_DATE },
	{ 32, 35, XLSX_TIME },
	{ 36, 36, XLSX_DATE },
	{ 45, 47, XLSX_TIME },
	{ 50, 54, XLSX_DATE },
	{ 55, 56, XLSX_TIME },
	{ 57, 58, XLSX_DATE },
};

/* What cells with built-in number format id display. */
enum xlsx_kind
xlsx_builtin_kind(long id)
{
	for (size_t i = 0; i < nitems(xlsx_builtin_formats); i++) {
		if (id >= xlsx_builtin_formats[i].first &&
		    id <= xlsx_builtin_formats[i].last)
			return xlsx_builtin_formats[i].kind;
	}
	return XLSX_NUMBER;
}

/* What a custom number format code displays: a number, date or time. */
enum xlsx_kind
xlsx_code_kind(const char *code)
{
	int date = 0, month = 0, time = 0;
	const char *p, *end;

	if (strcasecmp(code, "General") == 0 || strcmp(code, "@") == 0)
		return XLSX_NUMBER;
	for (p = code; *p != '\0'; p++) {
		switch (*p) {
		case '"':
			if ((end = strchr(p + 1, '"')) == NULL)
				return XLSX_NUMBER;
			p = end;
			break;
		case '[':
			if ((end = strchr(p + 1, ']')) == NULL)
				return XLSX_NUMBER;
			/* [h], [mm], [ss]: elapsed time; [Red], [$-804]: not. */
			if (end > p + 1 &&
			    strspn(p + 1, "hHmMsS") == (size_t)(end - p - 1))
				time = 1;
			p = end;
			break;
		case '\\':
		case '_':
		case '*':
			if (p[1] != '\0')
				p++;
			break;
		case 'y': case 'Y': case 'd': case 'D':
			date = 1;
			break;
		case 'm': case 'M':
			month = 1;
			break;
		case 'h': case 'H': case 's': case 'S':
			time = 1;
			break;
		}
	}
	if (time && date)
		return XLSX_DATETIME;
	if (time)
		return XLSX_TIME;
	if (date || month)
		return XLSX_DATE;
	return XLSX_NUMBER;
}

/* Checks that s is a decimal number as Excel stores it, and reads it. */
int
xlsx_parse_number(const char *s, double *out)
{
	size_t n = scan_decimal(s);
	const char *p = s + n;
	char *end;

	if (n == 0)
		return -1;
	if (*p == 'e' || *p == 'E') {
		p++;
		if (*p == '-' || *p == '+')
			p++;
		if (*p < '0' || *p > '9')
			return -1;
		while (*p >= '0' && *p <= '9')
			p++;
	}
	if (*p != '\0')
		return -1;
	errno = 0;
	*out = strtod(s, &end);
	if (*end != '\0' || !isfinite(*out))
		return -1;
	return 0;
}

/* Appends v as Excel shows it: 15 significant digits, never an exponent. */
void
xlsx_format_number(double v, struct buf *out)
{
	char tmp[64], digits[32], *e, *p;
	size_t nd = 0;
	long exp, point, i;

	if (v == 0) {
		buf_addc(out, '0');
		return;
	}
	snprintf(tmp, sizeof tmp, "%.15g", v);
	if ((e = strchr(tmp, 'e')) == NULL) {
		buf_addstr(out, tmp);
		return;
	}
	exp = strtol(e + 1, NULL, 10);
	*e = '\0';
	p = tmp;
	if (*p == '-') {
		buf_addc(out, '-');
		p++;
	}
	for (; *p != '\0'; p++) {
		if (*p >= '0' && *p <= '9' && nd < sizeof digits - 1)
			digits[nd++] = *p;
	}
	point = 1 + exp;
	if (point <= 0) {
		buf_addstr(out, "0.");
		for (i = 0; i < -point; i++)
			buf_addc(out, '0');
		buf_add(out, digits, nd);
	} else if ((size_t)point >= nd) {
		buf_add(out, digits, nd);
		for (i = nd; i < point; i++)
			buf_addc(out, '0');
	} else {
		buf_add(out, digits, point);
		buf_addc(out, '.');
		buf_add(out, digits + point, nd - point);
	}
}

/* Days from 1970-01-01 to y-m-d, proleptic Gregorian (H. Hinnant). */
static long
xlsx_days_from_civil(long y, long m, long d)
{
	long era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

/* The date of day z counted from 1970-01-01 (H. Hinnant). */
static void
xlsx_civil_from_days(long z, long *y, unsigned *m, unsigned *d)
{
	long era, doe, yoe, doy, mp;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = doy - (153 * mp + 2) / 5 + 1;
	*m = mp < 10 ? mp + 3 : mp - 9;
	*y = yoe + era * 400 + (*m <= 2);
}

/* Appends ISO 8601 text as a date, with its time (to the second) unless midnight. */
void
xlsx_format_iso_date(const char *text, struct buf *out)
{
	size_t n = strcspn(text, "T");

	buf_add(out, text, n);
	if (text[n] == 'T' && strncmp(text + n + 1, "00:00:00", 8) != 0) {
		buf_addc(out, ' ');
		buf_add(out, text + n + 1, strnlen(text + n + 1, 8));
	}
}

/* Appends serial v as a date and/or time; -1 if it is not one. */
int
xlsx_format_date(double v, enum xlsx_kind kind, int date1904, struct buf *out)
{
	long days, secs, y;
	unsigned m, d;

	if (!(v >= 0) || v >= XLSX_LAST_SERIAL)
		return -1;
	days = (long)floor(v);
	secs = lround((v - days) * 86400.0);
	if (secs >= 86400) {
		days++;
		secs -= 86400;
	}
	/* Day 0 of the 1900 system is "1900-01-00": only its time means anything. */
	if (days == 0 && !date1904 && kind == XLSX_DATE)
		return -1;
	if (days == 0 && (kind == XLSX_TIME || !date1904)) {
		buf_addf(out, "%02ld:%02ld:%02ld", secs / 3600,
		    secs / 60 % 60, secs % 60);
		return 0;
	}
	if (date1904)
		xlsx_civil_from_days(xlsx_days_from_civil(1904, 1, 1) + days,
		    &y, &m, &d);
	else if (days == 60) {
		/* Lotus 1-2-3's leap day, which Excel keeps. */
		y = 1900;
		m = 2;
		d = 29;
	} else
		xlsx_civil_from_days(xlsx_days_from_civil(1899, 12, 31) +
		    (days > 60 ? days - 1 : days), &y, &m, &d);
	buf_addf(out, "%04ld-%02u-%02u", y, m, d);
	if (kind != XLSX_DATE)
		buf_addf(out, " %02ld:%02ld:%02ld", secs / 3600,
		    secs / 60 % 60, secs % 60);
	return 0;
}
