/*
 * normalise_date.c — calendar dates in the spellings clerks use
 * (2026-03-05, 2026/3/5, 2026.3.5, 2026年3月5日, 20260305) to YYYY-MM-DD,
 * ignoring the time of day Excel appends.  The usual slips (day first, a
 * two-digit year, an Excel serial number, 30 February) each get a message
 * of their own, because the clerk has to fix the sheet.
 */
#include <stdlib.h>
#include <string.h>

#include "normalise.h"
#include "normalise_int.h"
#include "util.h"

static const char msg_date_empty[] = "日期为空 / no date given";
static const char msg_date_format[] =
    "日期格式无法识别（请写 2026-03-05） / unrecognised date (write 2026-03-05)";
static const char msg_date_order[] =
    "请按年、月、日的顺序填写（如 2026-03-05） / write the year first "
    "(e.g. 2026-03-05)";
static const char msg_date_short_year[] =
    "年份请写全四位（如 2026） / write the year in full (e.g. 2026)";
static const char msg_date_serial[] =
    "这像是 Excel 的日期序号：Excel 把日期存成从 1900 年起的天数，列设为文本后就"
    "显示成 46086 这样的数字；请把这一列设为“文本”格式，再按 2026-03-05 的样子"
    "重新填写日期 / this looks like an Excel date serial number: Excel keeps a "
    "date as a count of days since 1900, and a column formatted as text shows "
    "it as a number such as 46086; format the column as Text and type the "
    "dates again as 2026-03-05";
static const char msg_date_year[] =
    "年份应在 2000–2099 之间 / the year must be between 2000 and 2099";
static const char msg_date_month[] = "月份应为 1–12 / the month must be 1 to 12";
static const char msg_date_day[] = "日应为 1–31 / the day must be 1 to 31";
static const char msg_date_missing[] =
    "该日期不存在（例如 2 月 30 日） / no such calendar date (e.g. 30 February)";

/* Separators of a numeric date; the same one must appear twice. */
static const char date_separators[] = "-/.";

/* Reads a run of digits at *pp into *v; returns how many (0 if none, capped). */
static size_t
date_digits(const char **pp, int *v)
{
	size_t n = 0;

	*v = 0;
	for (; **pp >= '0' && **pp <= '9'; (*pp)++, n++)
		if (n < 9)
			*v = *v * 10 + (**pp - '0');
	return n;
}

/* Whether s (from a space on) is a time of day " HH:MM[:SS]", as Excel appends. */
static int
is_time_suffix(const char *s)
{
	int v;
	size_t n;

	if (*s++ != ' ')
		return 0;
	if ((n = date_digits(&s, &v)) < 1 || n > 2 || *s++ != ':')
		return 0;
	if (date_digits(&s, &v) != 2)
		return 0;
	if (*s == ':') {
		s++;
		if (date_digits(&s, &v) != 2)
			return 0;
	}
	return *s == '\0';
}

/* Whether y-m-d exists (for years 1–9999). */
static int
date_exists(int y, int m, int d)
{
	static const int days[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;

	return d <= days[m - 1] + (m == 2 && leap);
}

/* Writes n as exactly width digits. */
static void
put_digits(char *p, int n, int width)
{
	for (int i = width - 1; i >= 0; i--, n /= 10)
		p[i] = (char)('0' + n % 10);
}

/* A calendar date in one of the usual spellings → "YYYY-MM-DD". */
int
check_date(const char *s, char out[11], const char **why)
{
	char *line = norm_line(s != NULL ? s : ""), *sp;
	const char *p;
	int y, m, d, rc = -1;
	size_t n1, n2, n3;
	char sep;

	out[0] = '\0';
	if ((sp = strrchr(line, ' ')) != NULL && is_time_suffix(sp))
		*sp = '\0';
	sp = line;			/* now fold spaces and full-width － ． */
	line = norm_numeric_key(sp);
	free(sp);
	p = line;
	if (*p == '\0') {
		*why = msg_date_empty;
		goto done;
	}
	n1 = date_digits(&p, &y);
	if (*p == '\0' && n1 == 8) {
		d = y % 100;
		m = y / 100 % 100;
		y /= 10000;
	} else if (*p == '\0' && n1 == 5) {
		*why = msg_date_serial;
		goto done;
	} else if (n1 > 0 && strncmp(p, "年", strlen("年")) == 0) {
		p += strlen("年");
		n2 = date_digits(&p, &m);
		if (n2 == 0 || strncmp(p, "月", strlen("月")) != 0)
			goto format;
		p += strlen("月");
		n3 = date_digits(&p, &d);
		if (n3 == 0 || n2 > 2 || n3 > 2)
			goto format;
		if (strncmp(p, "日", strlen("日")) == 0 ||
		    strncmp(p, "号", strlen("号")) == 0)
			p += strlen("日");
		if (*p != '\0')
			goto format;
		if (n1 != 4) {
			*why = n1 == 2 ? msg_date_short_year : msg_date_format;
			goto done;
		}
	} else if (n1 > 0 && *p != '\0' && strchr(date_separators, *p) != NULL) {
		sep = *p++;
		n2 = date_digits(&p, &m);
		if (n2 == 0 || *p++ != sep)
			goto format;
		n3 = date_digits(&p, &d);
		if (n3 == 0 || *p != '\0')
			goto format;
		if (n1 <= 2 && n2 <= 2 && n3 == 4) {
			*why = msg_date_order;
			goto done;
		}
		if (n1 == 2 && n2 <= 2 && n3 <= 2) {
			*why = msg_date_short_year;
			goto done;
		}
		if (n1 != 4 || n2 > 2 || n3 > 2)
			goto format;
	} else
		goto format;

	if (y < 2000 || y > 2099)
		*why = msg_date_year;
	else if (m < 1 || m > 12)
		*why = msg_date_month;
	else if (d < 1 || d > 31)
		*why = msg_date_day;
	else if (!date_exists(y, m, d))
		*why = msg_date_missing;
	else {
		put_digits(out, y, 4);
		out[4] = '-';
		put_digits(out + 5, m, 2);
		out[7] = '-';
		put_digits(out + 8, d, 2);
		out[10] = '\0';
		rc = 0;
	}
	goto done;
format:
	*why = msg_date_format;
done:
	free(line);
	return rc;
}
