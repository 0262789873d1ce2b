/*
 * normalise_number.c — numbers as spreadsheets and Chinese input methods
 * give them: full-width points and minus signs folded (the numeric key),
 * thousands separators that must group by three, prices in yuan with ranges
 * and 面议, quantities with 百, 千, 万 and 亿.  Exponents, hexadecimal and
 * formulas ("=1+2") are refused by name: a cell holding one is a clerk's
 * slip, and the message says how to fix it.
 */
#include <stdlib.h>
#include <string.h>

#include "normalise.h"
#include "normalise_int.h"
#include "util.h"

static const char msg_not_number[] = "不是数字 / not a number";
static const char msg_bad_number[] = "不是有效的数字 / not a valid number";
static const char msg_thousands[] =
    "千分位逗号位置不对（1,200 可以，12,00 不行；小数请用点） / misplaced "
    "thousands separator (1,200 is fine, 12,00 is not; decimals take a point)";
static const char msg_exponent[] =
    "请写出完整的数，不要用科学计数法 / write the number out in full, "
    "not in scientific notation";
static const char msg_hex[] = "请写十进制数 / write a decimal number, not hexadecimal";
static const char msg_formula[] =
    "这是公式，不是数值（请把单元格改为数值） / this is a formula, not a "
    "value (paste the value instead)";
static const char msg_too_many_digits[] = "数字位数太多 / too many digits";

/* Excel's scientific notation of a long number: 9.13301E+17. */
int
norm_is_scientific(const char *s)
{
	char *key = norm_numeric_key(s);
	const char *p = key;
	int ok = 0;

	if (!(*p >= '0' && *p <= '9'))
		goto out;
	while (*p >= '0' && *p <= '9')
		p++;
	if (*p == '.') {
		p++;
		while (*p >= '0' && *p <= '9')
			p++;
	}
	if (*p != 'E' && *p != 'e')
		goto out;
	p++;
	if (*p == '+')
		p++;
	if (!(*p >= '0' && *p <= '9'))
		goto out;
	while (*p >= '0' && *p <= '9')
		p++;
	ok = *p == '\0';
out:
	free(key);
	return ok;
}

/* Folds spacing and the full-width point and minus of Chinese input; caller frees. */
char *
norm_numeric_key(const char *s)
{
	static const struct {
		const char	*from;
		char		 to;
	} folds[] = {
		{ " ", 0 }, { "．", '.' }, { "－", '-' }, { "−", '-' },
	};
	char *line = norm_line(s != NULL ? s : "");
	struct buf b = { 0 };
	char *key;

	for (const char *p = line; *p != '\0'; ) {
		size_t i;

		for (i = 0; i < nitems(folds); i++) {
			size_t n = strlen(folds[i].from);

			if (strncmp(p, folds[i].from, n) == 0) {
				if (folds[i].to != 0)
					buf_addc(&b, folds[i].to);
				p += n;
				break;
			}
		}
		if (i == nitems(folds))
			buf_addc(&b, *p++);
	}
	key = buf_take(&b);
	free(line);
	return key;
}

/*
 * Reads an unsigned decimal at *pp ("1,200.5"), moving *pp past it.  Commas
 * must group thousands exactly; exponents and hex are refused by name.
 */
static int
scan_number(const char **pp, double *out, const char **why)
{
	const char *p = *pp, *start = p, *dot;
	char tok[40];
	size_t len, w, group;

	while ((*p >= '0' && *p <= '9') || *p == ',' || *p == '.')
		p++;
	len = (size_t)(p - start);
	if (len == 0 || strspn(start, ",.") == len) {
		*why = msg_not_number;
		return -1;
	}
	if (len >= sizeof tok) {
		*why = msg_too_many_digits;
		return -1;
	}
	memcpy(tok, start, len);
	tok[len] = '\0';
	if (tok[0] == '0' && len == 1 && (*p == 'x' || *p == 'X')) {
		*why = msg_hex;
		return -1;
	}
	if ((*p == 'e' || *p == 'E') && ((p[1] >= '0' && p[1] <= '9') ||
	    ((p[1] == '+' || p[1] == '-') && p[2] >= '0' && p[2] <= '9'))) {
		*why = msg_exponent;
		return -1;
	}
	/* Thousands: 1–3 digits, then groups of exactly 3, all before the point. */
	dot = strchr(tok, '.');
	if (strchr(tok, ',') != NULL) {
		if (dot != NULL && strchr(dot, ',') != NULL) {
			*why = msg_thousands;
			return -1;
		}
		group = 0;
		for (const char *q = tok; *q != '\0' && *q != '.'; q++) {
			if (*q != ',') {
				group++;
				continue;
			}
			if (group == 0 || group > 3 || (q != tok + strcspn(tok, ",") &&
			    group != 3)) {
				*why = msg_thousands;
				return -1;
			}
			group = 0;
		}
		if (group != 3) {
			*why = msg_thousands;
			return -1;
		}
	}
	for (size_t r = w = 0; r <= len; r++)
		if (tok[r] != ',')
			tok[w++] = tok[r];
	if (parse_double(tok, out) == -1) {
		*why = msg_bad_number;
		return -1;
	}
	*pp = p;
	return 0;
}

/* Prices that are negotiated rather than stated. */
static const char *const price_negotiable[] = {
	"面议", "电议", "价格面议", "价格电议", "议价",
};
static const char *const price_currency[] = { "¥", "￥", "RMB", "rmb", "CNY" };
static const char *const price_range_marks[] = {
	"——", "—", "–", "-", "~", "～", "至", "到",
};
static const char msg_price_empty[] = "价格为空 / no price given";
static const char msg_price_negative[] = "价格不能为负数 / a price cannot be negative";
static const char msg_price_too_big[] =
    "价格过大（应小于 100 亿元） / price too large (must be under 10,000,000,000 yuan)";
static const char msg_price_order[] =
    "价格区间的下限大于上限 / the low end of the price range is above the high end";
static const char msg_price_open[] =
    "价格区间缺少上限 / the price range has no high end";
static const char msg_price_trailing[] =
    "价格后面有无法识别的内容（可写 12.5、12.5元、12.5元/斤 或 12.5-20） / "
    "unexpected text after the price (write 12.5, 12.5元, 12.5元/斤 or 12.5-20)";

/* One end of a price: optional ¥, the number, optional 元; *yuan set if 元 seen. */
static int
price_bound(const char **pp, double *v, int *yuan, const char **why)
{
	const char *p = *pp;

	p += norm_match_any(p, price_currency, nitems(price_currency));
	if (*p == '-' && ((p[1] >= '0' && p[1] <= '9') || p[1] == '.')) {
		*why = msg_price_negative;
		return -1;
	}
	if (scan_number(&p, v, why) == -1)
		return -1;
	if (strncmp(p, "元", strlen("元")) == 0) {
		p += strlen("元");
		*yuan = 1;
	}
	*pp = p;
	return 0;
}

/*
 * A price or range in yuan.  After 元 a "/unit" may follow ("12.5元/斤",
 * "10-12元/件"): the unit, 1 to 8 characters without digits, is dropped,
 * since the catalogue states units in a column of their own.  "/斤" without
 * 元 is refused, as is 万元: prices here are per item.
 */
int
check_price(const char *s, double *lo, double *hi, const char **why)
{
	char *key = norm_numeric_key(s);
	const char *p = key;
	double a, b;
	int yuan = 0, rc = -1;
	size_t n;

	if (*p == '\0') {
		*why = msg_price_empty;
		goto done;
	}
	for (size_t i = 0; i < nitems(price_negotiable); i++)
		if (strcmp(p, price_negotiable[i]) == 0) {
			*lo = *hi = -1;
			rc = 0;
			goto done;
		}
	if (*p == '=') {
		*why = msg_formula;
		goto done;
	}
	if (price_bound(&p, &a, &yuan, why) == -1)
		goto done;
	b = a;
	if ((n = norm_match_any(p, price_range_marks,
	    nitems(price_range_marks))) != 0) {
		p += n;
		if (*p == '\0') {
			*why = msg_price_open;
			goto done;
		}
		if (price_bound(&p, &b, &yuan, why) == -1)
			goto done;
	}
	if (yuan && *p == '/') {
		size_t units = utf8_length(p + 1, strlen(p + 1));

		if (units >= 1 && units <= 8 && strpbrk(p + 1, "0123456789/") == NULL)
			p += strlen(p);
	}
	if (*p != '\0') {
		*why = msg_price_trailing;
		goto done;
	}
	if (a >= 1e10 || b >= 1e10) {
		*why = msg_price_too_big;
		goto done;
	}
	if (a > b) {
		*why = msg_price_order;
		goto done;
	}
	*lo = a;
	*hi = b;
	rc = 0;
done:
	free(key);
	return rc;
}

static const struct {
	const char	*mark;		/* "万" */
	double		 factor;
} quantity_factors[] = {
	{ "百", 1e2 }, { "千", 1e3 }, { "万", 1e4 }, { "亿", 1e8 },
};
static const char msg_qty_empty[] = "数量为空 / no quantity given";
static const char msg_qty_negative[] = "数量不能为负数 / a quantity cannot be negative";
static const char msg_qty_zero[] = "数量必须大于 0 / a quantity must be greater than 0";
static const char msg_qty_too_big[] =
    "数量过大（应小于 1 万亿） / quantity too large (must be under 10^12)";
static const char msg_qty_range[] =
    "数量请填一个数，不要填范围 / give one number, not a range";
static const char msg_qty_trailing[] =
    "数量只能是数字，可带“千”“万”（单位请填在单位栏） / a quantity is a number, "
    "optionally with 千 or 万 (the unit has its own column)";

/*
 * A quantity: "500", "1,000", "2.5", "1.5万", "3千"; also 百 and 亿, and two
 * marks in a row ("1.2千万" = 12,000,000).  Must be > 0 and < 1e12.
 */
int
check_quantity(const char *s, double *out, const char **why)
{
	char *key = norm_numeric_key(s);
	const char *p = key;
	double v;
	int rc = -1, marks = 0;
	size_t n, i;

	if (*p == '\0') {
		*why = msg_qty_empty;
		goto done;
	}
	if (*p == '=') {
		*why = msg_formula;
		goto done;
	}
	if (*p == '-' && ((p[1] >= '0' && p[1] <= '9') || p[1] == '.')) {
		*why = msg_qty_negative;
		goto done;
	}
	if (scan_number(&p, &v, why) == -1)
		goto done;
	for (i = 0; i < nitems(quantity_factors) && marks < 2; ) {
		n = strlen(quantity_factors[i].mark);
		if (strncmp(p, quantity_factors[i].mark, n) == 0) {
			v *= quantity_factors[i].factor;
			p += n;
			marks++;
			i = 0;
		} else
			i++;
	}
	if (*p != '\0') {
		n = norm_match_any(p, price_range_marks, nitems(price_range_marks));
		*why = (n != 0 && p[n] >= '0' && p[n] <= '9') ?
		    msg_qty_range : msg_qty_trailing;
		goto done;
	}
	if (v <= 0) {
		*why = msg_qty_zero;
		goto done;
	}
	if (v >= 1e12) {
		*why = msg_qty_too_big;
		goto done;
	}
	*out = v;
	rc = 0;
done:
	free(key);
	return rc;
}
