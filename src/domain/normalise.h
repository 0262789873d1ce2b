/*
 * normalise.h — cleaning and checking one catalogue field at a time: the
 * rules a clerk's spreadsheet cell must meet.  Pure functions over UTF-8,
 * no I/O, no global state.
 *
 * On failure each check returns -1 and sets *why to a static message
 * "中文 / English" saying what is wrong with the value (never NULL).
 *
 * One file per family of rules: normalise_text.c (white space, full
 * width, lists), normalise_place.c, normalise_credit.c, normalise_phone.c,
 * normalise_number.c (prices, quantities) and normalise_date.c; what they
 * share among themselves is in normalise_int.h.
 */
#ifndef FM_NORMALISE_H
#define FM_NORMALISE_H

#include <stddef.h>

/*
 * One-line text: trims, folds every run of white space (ASCII, tab, CR/LF,
 * NBSP U+00A0, ideographic space U+3000, other Unicode spaces) to one ASCII
 * space, and turns full-width digits and Latin letters (U+FF10–FF19,
 * U+FF21–FF3A, U+FF41–FF5A) into ASCII.  Full-width punctuation such as
 * （）、，： stays.  Input is valid UTF-8.  Caller frees the result.
 */
char *norm_line(const char *s);
/* The same, but keeps line breaks (CRLF/CR → LF, at most one blank line in a row). */
char *norm_block(const char *s);
/*
 * A list such as honours: split on ； ; 、 , ， and line breaks, each item
 * norm_line()d, empty items dropped, joined with "；".  Caller frees.
 */
char *norm_list(const char *s);

/*
 * The 11 prefectures of Zhejiang: "杭州", "杭州市", "Hangzhou", "HANGZHOU",
 * "hangzhou shi", "浙江省杭州市", "浙江杭州" → "杭州市".  NULL if not one.
 */
const char *norm_zj_city(const char *s);
/* All 11 canonical names, in the province's usual order; n set to 11. */
const char *const *zj_cities(size_t *n);

/*
 * A city anywhere in China as buyers write it: "沈阳" → "沈阳市".  A name
 * of 2–4 Han characters without an administrative suffix (市 州 县 区 盟
 * 旗 地区 林区) gets 市; anything else is only norm_line()d.  Caller frees.
 */
char *norm_city_name(const char *s);

/*
 * Province-level divisions of China (34): "重庆" / "重庆市" / "Chongqing" →
 * "重庆市"; "新疆" / "新疆维吾尔自治区" / "Xinjiang" → "新疆维吾尔自治区";
 * "广东" / "广东省" / "Guangdong" → "广东省"; also 内蒙古, 广西, 西藏, 宁夏,
 * 香港, 澳门, 台湾.  NULL if unknown.
 */
const char *norm_province(const char *s);
/* The i-th of the 34 canonical names, in the usual order (municipalities first); NULL past the end. */
const char *province_at(size_t i);
/* "新疆维吾尔自治区" → "新疆", "重庆市" → "重庆", "广东省" → "广东"; NULL if not canonical. */
const char *province_short(const char *canonical);

/*
 * Unified social credit code (统一社会信用代码, GB 32100-2015): 18 characters
 * from 0-9 and A-Z without I O S V Z, check digit (the 18th) by the
 * standard's weights mod 31.  Lower case accepted and upper-cased; spaces
 * removed.  out receives the canonical 18 characters and a NUL.
 */
int check_credit_code(const char *s, char out[19], const char **why);

/*
 * Telephone numbers as Chinese offices write them.  Accepts a mobile
 * (1[3-9] and 9 digits, optionally +86 / 86 / (86) first, with spaces or
 * dashes), a landline with area code (0 + 2–3 digits, then 7–8 digits,
 * optional extension after -, 转, ext), or a 400/800 service number;
 * several numbers separated by ； ; , ， / are each checked.  out receives
 * canonical forms joined by "；": "13812345678", "0571-87654321",
 * "0571-87654321-8012", "400-123-4567".  out is truncated safely.
 */
int check_phone(const char *s, char *out, size_t outsz, const char **why);

/*
 * A price or price range in yuan: "12.5", "¥12.5", "12.5元", "12.5-20",
 * "12.5~20", "12.5～20", "12.5至20", "12.5—20"; 0 ≤ lo ≤ hi < 1e10.
 * "面议", "电议", "价格面议" set *lo = *hi = -1 (negotiable) and succeed.
 * Thousands separators "1,200" accepted.  A value like "=1+2" is not a price.
 */
int check_price(const char *s, double *lo, double *hi, const char **why);

/*
 * A calendar date: "2026-03-05", "2026/3/5", "2026.3.5", "2026年3月5日",
 * "20260305" → "2026-03-05" in out; the day must exist (2026-02-29 fails);
 * year 2000–2099.
 */
int check_date(const char *s, char out[11], const char **why);

/*
 * A quantity: "500", "1,000", "2.5", "1.5万" (×10,000), "3千" (×1,000);
 * must be > 0 and < 1e12.
 */
int check_quantity(const char *s, double *out, const char **why);

#endif
