/*
 * test_normalise.c — the field rules, case by case: each table lists what a
 * clerk might type and what must come out, or which complaint.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "normalise.h"
#include "util.h"

/* Every complaint is "中文 / English" and non-empty on both sides. */
static void
assert_bilingual(const char *why)
{
	const char *slash;

	assert_non_null(why);
	slash = strstr(why, " / ");
	assert_non_null(slash);
	assert_true(slash > why);
	assert_true(slash[3] != '\0');
}

/* Fails the test, showing the input, unless why contains want. */
static void
assert_why(const char *in, const char *why, const char *want)
{
	assert_bilingual(why);
	if (want != NULL && strstr(why, want) == NULL)
		fail_msg("input \"%s\": message \"%s\" lacks \"%s\"", in, why, want);
}

/* ------------------------------------------------------------------ */

struct text_case {
	const char	*in;
	const char	*want;
};

static const struct text_case line_cases[] = {
	{ "", "" },
	{ "   ", "" },
	{ "\t\r\n ", "" },
	{ "\xe3\x80\x80", "" },				/* U+3000 alone */
	{ "\xe3\x80\x80杭州\xe3\x80\x80", "杭州" },
	{ " 杭州 ", "杭州" },
	{ "a  b", "a b" },
	{ "a\t\tb", "a b" },
	{ "a\r\nb", "a b" },
	{ "a\xc2\xa0" "b", "a b" },			/* NBSP */
	{ "a\xc2\x85" "b", "a b" },			/* NEL */
	{ "a\xe1\x9a\x80" "b", "a b" },			/* U+1680 */
	{ "a\xe2\x80\x80" "b", "a b" },			/* U+2000 */
	{ "a\xe2\x80\x8a" "b", "a b" },			/* U+200A */
	{ "a\xe2\x80\xa8" "b", "a b" },			/* U+2028 */
	{ "a\xe2\x80\xa9" "b", "a b" },			/* U+2029 */
	{ "a\xe2\x80\xaf" "b", "a b" },			/* U+202F */
	{ "a\xe2\x81\x9f" "b", "a b" },			/* U+205F */
	{ "a \xe3\x80\x80\xc2\xa0 b", "a b" },		/* a mixed run */
	{ "a\xe2\x80\x8b" "b", "ab" },			/* ZWSP dropped */
	{ "\xef\xbb\xbf" "abc", "abc" },		/* BOM dropped */
	{ "a\xef\xbb\xbf" "b", "ab" },			/* BOM mid-text */
	{ " \xe2\x80\x8b ", "" },			/* ZWSP between spaces */
	{ "a \xe2\x80\x8b b", "a b" },
	{ "\xe2\x80\x8c", "\xe2\x80\x8c" },		/* ZWNJ is not a space */
	{ "a\xe2\x80\x8d" "b", "a\xe2\x80\x8d" "b" },	/* nor is ZWJ */
	{ "１２３", "123" },
	{ "０９", "09" },
	{ "ＡＢＣＺ", "ABCZ" },
	{ "ａｂｃｚ", "abcz" },
	{ "Ｈａｎｇｚｈｏｕ", "Hangzhou" },
	{ "ＬＥＤ（Ｅ２７）", "LED（E27）" },
	{ "（）、，：；", "（）、，：；" },		/* punctuation stays */
	{ "１２．５", "12．5" },			/* full-width point stays */
	{ "ｶ", "ｶ" },					/* half-width katakana stays */
	{ "ﬁ", "ﬁ" },					/* no NFKC here */
	{ "中 文", "中 文" },
	{ "x\x01y", "x\x01y" },				/* controls other than 9-D stay */
};

/* norm_line(): trimming, folding, full-width letters and digits. */
static void
test_norm_line(void **state)
{
	for (size_t i = 0; i < nitems(line_cases); i++) {
		char *got = norm_line(line_cases[i].in);

		if (strcmp(got, line_cases[i].want) != 0)
			fail_msg("norm_line(\"%s\") = \"%s\", want \"%s\"",
			    line_cases[i].in, got, line_cases[i].want);
		free(got);
	}
}

static const struct text_case block_cases[] = {
	{ "", "" },
	{ "\n\n\n", "" },
	{ "  \r\n  ", "" },
	{ "a\nb", "a\nb" },
	{ "a\r\nb", "a\nb" },
	{ "a\rb", "a\nb" },
	{ "a\r\n\r\nb", "a\n\nb" },
	{ "a\n\n\n\nb", "a\n\nb" },
	{ "a\n \n\t\n\xe3\x80\x80\nb", "a\n\nb" },	/* blank lines of spaces */
	{ "\n\na\n\n", "a" },
	{ "  a  \n  b  ", "a\nb" },
	{ "a \xc2\xa0 b\nc", "a b\nc" },
	{ "a\xe2\x80\xa8" "b", "a\nb" },		/* LINE SEPARATOR */
	{ "a\xc2\x85" "b", "a\nb" },			/* NEL */
	{ "ＬＥＤ\r\nＥ２７", "LED\nE27" },
	{ "a\xe2\x80\x8b\nb", "a\nb" },
	{ "\xef\xbb\xbf" "a", "a" },
};

/* norm_block(): the same, keeping line breaks. */
static void
test_norm_block(void **state)
{
	for (size_t i = 0; i < nitems(block_cases); i++) {
		char *got = norm_block(block_cases[i].in);

		if (strcmp(got, block_cases[i].want) != 0)
			fail_msg("norm_block(\"%s\") = \"%s\", want \"%s\"",
			    block_cases[i].in, got, block_cases[i].want);
		free(got);
	}
}

static const struct text_case list_cases[] = {
	{ "", "" },
	{ " ; ;；", "" },
	{ "a", "a" },
	{ "a;b", "a；b" },
	{ "a；b", "a；b" },
	{ "a、b", "a；b" },
	{ "a,b", "a；b" },
	{ "a，b", "a；b" },
	{ "a\nb\r\nc", "a；b；c" },
	{ "  a  ;;  b  ", "a；b" },
	{ "浙江名牌；\n\n省级守合同重信用企业、 ", "浙江名牌；省级守合同重信用企业" },
	{ "ＡＡＡ级信用企业，高新技术企业", "AAA级信用企业；高新技术企业" },
	{ "a\xe3\x80\x80" "b；c", "a b；c" },
	{ "\xe2\x80\x8b；a", "a" },
};

/* norm_list(): split, clean, drop empties, join with "；". */
static void
test_norm_list(void **state)
{
	for (size_t i = 0; i < nitems(list_cases); i++) {
		char *got = norm_list(list_cases[i].in);

		if (strcmp(got, list_cases[i].want) != 0)
			fail_msg("norm_list(\"%s\") = \"%s\", want \"%s\"",
			    list_cases[i].in, got, list_cases[i].want);
		free(got);
	}
}

/* ------------------------------------------------------------------ */

/* The prefectures as this test knows them, independent of the code. */
static const struct {
	const char	*zh;
	const char	*py;		/* capitalised */
} zj_expected[] = {
	{ "杭州", "Hangzhou" }, { "宁波", "Ningbo" }, { "温州", "Wenzhou" },
	{ "嘉兴", "Jiaxing" }, { "湖州", "Huzhou" }, { "绍兴", "Shaoxing" },
	{ "金华", "Jinhua" }, { "衢州", "Quzhou" }, { "舟山", "Zhoushan" },
	{ "台州", "Taizhou" }, { "丽水", "Lishui" },
};

/* ASCII letters of s as full-width letters; caller frees. */
static char *
to_fullwidth(const char *s)
{
	struct buf b = { 0 };

	for (; *s != '\0'; s++) {
		unsigned cp;

		if (*s >= 'a' && *s <= 'z')
			cp = 0xff41 + (unsigned)(*s - 'a');
		else if (*s >= 'A' && *s <= 'Z')
			cp = 0xff21 + (unsigned)(*s - 'A');
		else {
			buf_addc(&b, *s);
			continue;
		}
		buf_addc(&b, (char)(0xe0 | (cp >> 12)));
		buf_addc(&b, (char)(0x80 | ((cp >> 6) & 0x3f)));
		buf_addc(&b, (char)(0x80 | (cp & 0x3f)));
	}
	return buf_take(&b);
}

/* Every prefecture in every accepted spelling, and the list in order. */
static void
test_zj_city_spellings(void **state)
{
	size_t n;
	const char *const *all = zj_cities(&n);

	assert_int_equal(n, 11);
	for (size_t i = 0; i < nitems(zj_expected); i++) {
		char *want = xasprintf("%s市", zj_expected[i].zh);
		char *lower = xstrdup(zj_expected[i].py), *upper;
		char *spellings[16];
		size_t k = 0;

		upper = xstrdup(lower);
		for (char *p = lower; *p != '\0'; p++)
			if (*p >= 'A' && *p <= 'Z')
				*p = (char)(*p - 'A' + 'a');
		for (char *p = upper; *p != '\0'; p++)
			if (*p >= 'a' && *p <= 'z')
				*p = (char)(*p - 'a' + 'A');
		assert_string_equal(all[i], want);
		spellings[k++] = xstrdup(zj_expected[i].zh);
		spellings[k++] = xasprintf("%s市", zj_expected[i].zh);
		spellings[k++] = xasprintf(" %s ", zj_expected[i].zh);
		spellings[k++] = xasprintf("\xe3\x80\x80%s市\xe3\x80\x80", zj_expected[i].zh);
		spellings[k++] = xasprintf("浙江省%s市", zj_expected[i].zh);
		spellings[k++] = xasprintf("浙江%s", zj_expected[i].zh);
		spellings[k++] = xasprintf("浙江省 %s市", zj_expected[i].zh);
		spellings[k++] = xstrdup(zj_expected[i].py);
		spellings[k++] = xstrdup(lower);
		spellings[k++] = xstrdup(upper);
		spellings[k++] = xasprintf("%s shi", lower);
		spellings[k++] = xasprintf("%s City", zj_expected[i].py);
		spellings[k++] = to_fullwidth(zj_expected[i].py);
		spellings[k++] = xasprintf("Zhejiang %s", zj_expected[i].py);
		spellings[k++] = xasprintf("%s\xc2\xa0", zj_expected[i].py);
		for (size_t j = 0; j < k; j++) {
			const char *got = norm_zj_city(spellings[j]);

			if (got == NULL || strcmp(got, want) != 0)
				fail_msg("norm_zj_city(\"%s\") = %s, want %s",
				    spellings[j], got ? got : "NULL", want);
			free(spellings[j]);
		}
		/* The canonical name maps to itself. */
		assert_string_equal(norm_zj_city(all[i]), all[i]);
		free(want);
		free(lower);
		free(upper);
	}
}

static const char *const zj_not_cities[] = {
	"", " ", "上海", "上海市", "Shanghai", "杭州湾", "杭州市萧山区", "浙江",
	"浙江省", "Zhejiang", "杭", "州", "宁波宁波", "温州市市", "Hangzhouu",
	"Hang", "义乌", "泰州市江苏", "江苏杭州", "市", "Taizhou Jiangsu",
	"杭 州湾", "lishu",
};

/* Names that are not Zhejiang prefectures. */
static void
test_zj_city_rejects(void **state)
{
	for (size_t i = 0; i < nitems(zj_not_cities); i++) {
		const char *got = norm_zj_city(zj_not_cities[i]);

		if (got != NULL)
			fail_msg("norm_zj_city(\"%s\") = %s, want NULL",
			    zj_not_cities[i], got);
	}
	assert_null(norm_zj_city(NULL));
}

/* ------------------------------------------------------------------ */

static const struct text_case province_cases[] = {
	{ "北京", "北京市" }, { "北京市", "北京市" }, { "Beijing", "北京市" },
	{ "BEIJING SHI", "北京市" },
	{ "天津", "天津市" }, { "tianjin", "天津市" },
	{ "上海", "上海市" }, { "Shanghai", "上海市" }, { " 上海市 ", "上海市" },
	{ "重庆", "重庆市" }, { "重庆市", "重庆市" }, { "Chongqing", "重庆市" },
	{ "ＣＨＯＮＧＱＩＮＧ", "重庆市" },
	{ "河北", "河北省" }, { "Hebei", "河北省" }, { "Hebei Province", "河北省" },
	{ "山西", "山西省" }, { "山西省", "山西省" }, { "Shanxi", "山西省" },
	{ "shanxi sheng", "山西省" },
	{ "陕西", "陕西省" }, { "陕西省", "陕西省" }, { "Shaanxi", "陕西省" },
	{ "SHAANXI PROVINCE", "陕西省" },
	{ "辽宁", "辽宁省" }, { "吉林", "吉林省" }, { "Jilin", "吉林省" },
	{ "黑龙江", "黑龙江省" }, { "黑龙江省", "黑龙江省" },
	{ "Heilongjiang", "黑龙江省" }, { "Hei Long Jiang", "黑龙江省" },
	{ "江苏", "江苏省" }, { "浙江", "浙江省" }, { "安徽", "安徽省" },
	{ "福建", "福建省" }, { "江西", "江西省" }, { "山东", "山东省" },
	{ "河南", "河南省" }, { "湖北", "湖北省" }, { "湖南", "湖南省" },
	{ "广东", "广东省" }, { "广东省", "广东省" }, { "Guangdong", "广东省" },
	{ "海南", "海南省" }, { "四川", "四川省" }, { "Sichuan", "四川省" },
	{ "贵州", "贵州省" }, { "云南", "云南省" }, { "甘肃", "甘肃省" },
	{ "青海", "青海省" },
	{ "台湾", "台湾省" }, { "台湾省", "台湾省" }, { "Taiwan", "台湾省" },
	{ "中国台湾", "台湾省" },
	{ "内蒙古", "内蒙古自治区" }, { "内蒙古自治区", "内蒙古自治区" },
	{ "内蒙", "内蒙古自治区" }, { "Inner Mongolia", "内蒙古自治区" },
	{ "Nei Mongol", "内蒙古自治区" }, { "Neimenggu", "内蒙古自治区" },
	{ "inner mongolia autonomous region", "内蒙古自治区" },
	{ "广西", "广西壮族自治区" }, { "广西壮族自治区", "广西壮族自治区" },
	{ "广西自治区", "广西壮族自治区" }, { "Guangxi", "广西壮族自治区" },
	{ "西藏", "西藏自治区" }, { "西藏自治区", "西藏自治区" },
	{ "Tibet", "西藏自治区" }, { "Xizang", "西藏自治区" },
	{ "宁夏", "宁夏回族自治区" }, { "宁夏回族自治区", "宁夏回族自治区" },
	{ "Ningxia", "宁夏回族自治区" },
	{ "新疆", "新疆维吾尔自治区" }, { "新疆维吾尔自治区", "新疆维吾尔自治区" },
	{ "新疆维吾尔族自治区", "新疆维吾尔自治区" },
	{ "新疆自治区", "新疆维吾尔自治区" }, { "Xinjiang", "新疆维吾尔自治区" },
	{ "\xe3\x80\x80新疆\xe3\x80\x80", "新疆维吾尔自治区" },
	{ "香港", "香港特别行政区" }, { "香港特别行政区", "香港特别行政区" },
	{ "Hong Kong", "香港特别行政区" }, { "HongKong SAR", "香港特别行政区" },
	{ "澳门", "澳门特别行政区" }, { "Macau", "澳门特别行政区" },
	{ "Macao", "澳门特别行政区" },
	/* Not provinces. */
	{ "", NULL }, { "杭州", NULL }, { "北京省", NULL }, { "广东市", NULL },
	{ "Shanxxi", NULL }, { "Shaanxi Shanxi", NULL }, { "山陕", NULL },
	{ "蒙古", NULL }, { "Mongolia", NULL }, { "新疆省", NULL },
	{ "中国", NULL }, { "广", NULL }, { "江", NULL }, { "Kong", NULL },
};

/* Province spellings, including the pairs that are easy to confuse. */
static void
test_norm_province(void **state)
{
	for (size_t i = 0; i < nitems(province_cases); i++) {
		const char *got = norm_province(province_cases[i].in);
		const char *want = province_cases[i].want;

		if ((got == NULL) != (want == NULL) ||
		    (got != NULL && strcmp(got, want) != 0))
			fail_msg("norm_province(\"%s\") = %s, want %s",
			    province_cases[i].in, got ? got : "NULL",
			    want ? want : "NULL");
	}
	assert_null(norm_province(NULL));
}

static const struct text_case short_cases[] = {
	{ "北京市", "北京" }, { "天津市", "天津" }, { "上海市", "上海" },
	{ "重庆市", "重庆" }, { "河北省", "河北" }, { "山西省", "山西" },
	{ "辽宁省", "辽宁" }, { "吉林省", "吉林" }, { "黑龙江省", "黑龙江" },
	{ "江苏省", "江苏" }, { "浙江省", "浙江" }, { "安徽省", "安徽" },
	{ "福建省", "福建" }, { "江西省", "江西" }, { "山东省", "山东" },
	{ "河南省", "河南" }, { "湖北省", "湖北" }, { "湖南省", "湖南" },
	{ "广东省", "广东" }, { "海南省", "海南" }, { "四川省", "四川" },
	{ "贵州省", "贵州" }, { "云南省", "云南" }, { "陕西省", "陕西" },
	{ "甘肃省", "甘肃" }, { "青海省", "青海" }, { "台湾省", "台湾" },
	{ "内蒙古自治区", "内蒙古" }, { "广西壮族自治区", "广西" },
	{ "西藏自治区", "西藏" }, { "宁夏回族自治区", "宁夏" },
	{ "新疆维吾尔自治区", "新疆" }, { "香港特别行政区", "香港" },
	{ "澳门特别行政区", "澳门" },
};

/* All 34 canonical names shorten, and each short name leads back. */
static void
test_province_short(void **state)
{
	assert_int_equal(nitems(short_cases), 34);
	for (size_t i = 0; i < nitems(short_cases); i++) {
		const char *s = province_short(short_cases[i].in);

		assert_non_null(s);
		assert_string_equal(s, short_cases[i].want);
		assert_string_equal(norm_province(s), short_cases[i].in);
		assert_string_equal(norm_province(short_cases[i].in),
		    short_cases[i].in);
	}
	assert_null(province_short("新疆"));
	assert_null(province_short("Guangdong"));
	assert_null(province_short(""));
	assert_null(province_short(NULL));
}

/* ------------------------------------------------------------------ */

/* The test's own GB 32100 check digit for a 17-character body. */
static char
credit_check_char(const char *body)
{
	static const char cs[] = "0123456789ABCDEFGHJKLMNPQRTUWXY";
	static const int w[17] = {
		1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28
	};
	int sum = 0, c;

	for (int i = 0; i < 17; i++)
		sum += (int)(strchr(cs, body[i]) - cs) * w[i];
	c = 31 - sum % 31;
	return cs[c == 31 ? 0 : c];
}

/* Bodies in the real layout: registrar, kind, area code, organisation code. */
static const char *const credit_bodies[] = {
	"91330100MA2AAAAAA",	/* 工商, 杭州 */
	"91330106MA27XL0E1",	/* 工商, 杭州西湖区 */
	"91330200MA2CL8HX7",	/* 工商, 宁波 */
	"92330782MA29QK5P8",	/* 个体工商户, 义乌 */
	"11330000002482058",	/* 机构编制 */
	"51330000MJ8712345",	/* 民政 */
	"Y1330100MA2B3C4D5",	/* 其他 */
	"93330381MA2J00000",	/* 农民专业合作社, 瑞安 */
	"91350100M000100Y4",	/* the public example 91350100M000100Y43 */
};

/* Valid codes, built with a check digit computed here. */
static void
test_credit_valid(void **state)
{
	for (size_t i = 0; i < nitems(credit_bodies); i++) {
		char code[19], out[19], lower[40], spaced[40];
		const char *why = NULL;

		snprintf(code, sizeof code, "%s%c", credit_bodies[i],
		    credit_check_char(credit_bodies[i]));
		assert_int_equal(check_credit_code(code, out, &why), 0);
		assert_string_equal(out, code);
		for (size_t j = 0; j < sizeof code; j++)
			lower[j] = (char)((code[j] >= 'A' && code[j] <= 'Z') ?
			    code[j] - 'A' + 'a' : code[j]);
		assert_int_equal(check_credit_code(lower, out, &why), 0);
		assert_string_equal(out, code);
		snprintf(spaced, sizeof spaced, " %.6s %.6s\xe3\x80\x80%s ", code,
		    code + 6, code + 12);
		assert_int_equal(check_credit_code(spaced, out, &why), 0);
		assert_string_equal(out, code);
	}
}

struct credit_case {
	const char	*in;
	const char	*want;		/* canonical, NULL if refused */
	const char	*why;		/* a part of the message, if refused */
};

static const struct credit_case credit_cases[] = {
	{ "91350100M000100Y43", "91350100M000100Y43", NULL },
	{ "91350100m000100y43", "91350100M000100Y43", NULL },
	{ "９１３５０１００Ｍ０００１００Ｙ４３", "91350100M000100Y43", NULL },
	{ "9135 0100 M000 100Y 43", "91350100M000100Y43", NULL },
	{ "\xef\xbb\xbf" "91350100M000100Y43\xe2\x80\x8b", "91350100M000100Y43", NULL },
	/* wrong length */
	{ "", NULL, "为空" },
	{ "   ", NULL, "为空" },
	{ "9135010", NULL, "this has 7" },
	{ "91350100M000100Y4", NULL, "this has 17" },
	{ "91350100M000100Y433", NULL, "this has 19" },
	{ "91350100M000100Y43 91350100M000100Y43", NULL, "this has more than 30" },
	{ "330100000012345", NULL, "15-digit" },
	{ "91350100M000100Y4中3", NULL, "this has 19" },
	/* characters not allowed */
	{ "91350100M000I00Y43", NULL, "character 13 is the letter I" },
	{ "91350100M000O00Y43", NULL, "character 13 is the letter O" },
	{ "S1350100M000100Y43", NULL, "character 1 is the letter S" },
	{ "91350100M000100V43", NULL, "character 16 is the letter V" },
	{ "91350100M000100Y4Z", NULL, "character 18 is the letter Z" },
	{ "91350100M000100Y4o", NULL, "character 18 is the letter O" },
	{ "91350100M0-0100Y43", NULL, "character 11 is not allowed" },
	{ "91350100M000100Y4中", NULL, "character 18 is not allowed" },
	{ "中1350100M000100Y43", NULL, "character 1 is not allowed" },
	{ "91350100M000100Y4？", NULL, "character 18 is not allowed" },
	{ "91A50100M000100Y43", NULL, "character 3 must be a digit" },
	{ "913501B0M000100Y43", NULL, "character 7 must be a digit" },
	{ "9135010XM000100Y43", NULL, "character 8 must be a digit" },
	/* wrong check digit: says what it should be */
	{ "91350100M000100Y44", NULL, "should be 3" },
	{ "91350100M000100Y40", NULL, "应为 3" },
	{ "91350100M000100Y4A", NULL, "should be 3" },
	{ "91350100M000101Y43", NULL, "check digit" },
	{ "19350100M000100Y43", NULL, "check digit" },	/* swapped digits */
	/* what Excel did to a code typed into a General column */
	{ "9.13301E+17", NULL, "scientific notation (such as 9.13301E+17)" },
	{ "9.13301E+17", NULL, "设为“文本”格式" },
	{ "9.13301e+17", NULL, "format the column as Text" },
	{ "9E+17", NULL, "scientific notation" },
	/* a number cell: Excel keeps 15 of the 18 digits */
	{ "913303027293146000", NULL, "it keeps only 15 digits, so the last three became 000" },
	{ "913303027293146000", NULL, "后三位变成了 000" },
	{ "913303027293146001", NULL, "should be A" },
};

/* Codes of each kind of fault, each with its own message. */
static void
test_credit_cases(void **state)
{
	for (size_t i = 0; i < nitems(credit_cases); i++) {
		const struct credit_case *c = &credit_cases[i];
		char out[19] = "junk";
		const char *why = NULL;
		int rc = check_credit_code(c->in, out, &why);

		if (c->want != NULL) {
			if (rc != 0)
				fail_msg("check_credit_code(\"%s\") refused: %s",
				    c->in, why);
			assert_string_equal(out, c->want);
		} else {
			if (rc != -1)
				fail_msg("check_credit_code(\"%s\") accepted", c->in);
			assert_why(c->in, why, c->why);
		}
	}
}

/* Every wrong final character names the right one. */
static void
test_credit_every_wrong_check(void **state)
{
	static const char cs[] = "0123456789ABCDEFGHJKLMNPQRTUWXY";

	for (size_t i = 0; i < nitems(credit_bodies); i++) {
		char right = credit_check_char(credit_bodies[i]);
		char want[32];

		snprintf(want, sizeof want, "should be %c ", right);
		for (const char *c = cs; *c != '\0'; c++) {
			char code[19], out[19];
			const char *why = NULL;

			snprintf(code, sizeof code, "%s%c", credit_bodies[i], *c);
			if (*c == right) {
				assert_int_equal(check_credit_code(code, out, &why), 0);
				continue;
			}
			assert_int_equal(check_credit_code(code, out, &why), -1);
			assert_why(code, why, want);
		}
	}
}

/* ------------------------------------------------------------------ */

struct phone_case {
	const char	*in;
	const char	*want;		/* canonical, NULL if refused */
	const char	*why;
};

static const struct phone_case phone_cases[] = {
	/* mobiles */
	{ "13812345678", "13812345678", NULL },
	{ "138 1234 5678", "13812345678", NULL },
	{ "138-1234-5678", "13812345678", NULL },
	{ "+86 138 1234 5678", "13812345678", NULL },
	{ "+8613812345678", "13812345678", NULL },
	{ "8613812345678", "13812345678", NULL },
	{ "86-13812345678", "13812345678", NULL },
	{ "(86)13812345678", "13812345678", NULL },
	{ "（86）13812345678", "13812345678", NULL },
	{ "0086 13812345678", "13812345678", NULL },
	{ "008613812345678", "13812345678", NULL },
	{ "１３８１２３４５６７８", "13812345678", NULL },
	{ "19912345678", "19912345678", NULL },
	{ "\xe3\x80\x80" "13812345678 ", "13812345678", NULL },
	/* landlines */
	{ "0571-87654321", "0571-87654321", NULL },
	{ "057187654321", "0571-87654321", NULL },
	{ "0571 8765 4321", "0571-87654321", NULL },
	{ "(0571)87654321", "0571-87654321", NULL },
	{ "（0571）87654321", "0571-87654321", NULL },
	{ "0571－87654321", "0571-87654321", NULL },
	{ "0571—87654321", "0571-87654321", NULL },
	{ "010-62345678", "010-62345678", NULL },
	{ "01062345678", "010-62345678", NULL },
	{ "021-6123456", "021-6123456", NULL },
	{ "0579-8512345", "0579-8512345", NULL },
	{ "+86 571 8765 4321", "0571-87654321", NULL },
	{ "+86 10 8765 4321", "010-87654321", NULL },
	{ "0571-87654321-8012", "0571-87654321-8012", NULL },
	{ "0571-87654321转8012", "0571-87654321-8012", NULL },
	{ "0571-87654321 转 8012", "0571-87654321-8012", NULL },
	{ "0571-87654321 ext. 8012", "0571-87654321-8012", NULL },
	{ "0571-87654321 EXT 12", "0571-87654321-12", NULL },
	{ "0571-87654321分机8", "0571-87654321-8", NULL },
	/* service numbers */
	{ "400-123-4567", "400-123-4567", NULL },
	{ "4001234567", "400-123-4567", NULL },
	{ "400 1234 567", "400-123-4567", NULL },
	{ "800-810-8888", "800-810-8888", NULL },
	{ "400-123-4567转2", "400-123-4567-2", NULL },
	/*
	 * Regression (fuzz_normalise, corpus/normalise/roundtrip-phone-service-extension):
	 * that canonical form, a 400/800 number with an extension, was itself refused.
	 */
	{ "400-123-4567-2", "400-123-4567-2", NULL },
	{ "800-057-1124-12", "800-057-1124-12", NULL },
	{ "400-123-4567-1234567", NULL, "400/800" },
	/* several */
	{ "13812345678；0571-87654321", "13812345678；0571-87654321", NULL },
	{ "13812345678;13987654321", "13812345678；13987654321", NULL },
	{ "13812345678, 0571-87654321,", "13812345678；0571-87654321", NULL },
	{ "13812345678，13987654321", "13812345678；13987654321", NULL },
	{ "13812345678/13987654321", "13812345678；13987654321", NULL },
	{ "13812345678、13987654321", "13812345678；13987654321", NULL },
	{ "13812345678\n0571-87654321", "13812345678；0571-87654321", NULL },
	/* refused, each for its reason */
	{ "", NULL, "no phone number" },
	{ " ；; ", NULL, "no phone number" },
	{ "12345", NULL, "too few digits" },
	{ "95588", NULL, "too few digits" },
	{ "138123456789", NULL, "a mobile number has 11 digits" },
	{ "1381234567", NULL, "a mobile number has 11 digits" },
	{ "12812345678", NULL, "starts with 13 to 19" },
	{ "13812345678转8", NULL, "cannot have an extension" },
	{ "0571-123", NULL, "7 or 8 digits" },
	{ "0571-123456789", NULL, "7 or 8 digits" },
	{ "0571876543218012", NULL, "7 or 8 digits" },
	{ "0571-07654321", NULL, "cannot start with 0 or 1" },
	{ "010-12345678", NULL, "cannot start with 0 or 1" },
	{ "057-87654321", NULL, "area code" },
	{ "0210-87654321", NULL, "area code" },
	{ "011-87654321", NULL, "area code" },
	{ "0012345678", NULL, "area code" },
	{ "87654321", NULL, "area code is missing" },
	{ "8765432", NULL, "area code is missing" },
	{ "400-123-456", NULL, "400/800" },
	{ "400123456789", NULL, "400/800" },
	{ "0571-87654321转", NULL, "extension" },
	{ "0571-87654321转1234567", NULL, "extension" },
	{ "0571-87654321转abc", NULL, "extension" },
	{ "0571-87654321-80-12", NULL, "extension" },
	{ "+1 212 555 0100", NULL, "+86" },
	{ "+44 20 7946 0958", NULL, "+86" },
	{ "tel 13812345678", NULL, "not part of a phone number" },
	{ "138*1234*5678", NULL, "not part of a phone number" },
	/* what Excel did to a number typed into a General column */
	{ "5123456789", NULL, "dropped the leading 0" },
	{ "57187654321", NULL, "dropped the leading 0" },
	{ "2187654321", NULL, "开头的 0 被 Excel 去掉了" },
	{ "1032183437", NULL, "dropped the leading 0" },	/* Beijing's 010 */
	{ "1.38123E+10", NULL, "scientific notation (such as 1.38123E+10)" },
	{ "5.71877E+10", NULL, "format the column as Text" },
	{ "512345678901", NULL, "not a recognisable" },
	{ "1 2 3 4 5 6 7 8 9", NULL, "not a recognisable" },
	{ "0571-8765432187654321876543218765", NULL, "not a recognisable" },
	{ "-", NULL, "too few digits" },
	/* which one of several */
	{ "13812345678；12345", NULL, "number 2: too few digits" },
	{ "12345；13812345678", NULL, "第 1 个号码" },
	{ "0571-87654321,138123456789", NULL, "number 2: a mobile number has 11" },
	{ "1;2;3", NULL, "number 1:" },
	{ "13812345678;13812345678;13812345678;13812345678;13812345678;"
	  "13812345678;13812345678;13812345678;13812345678;1",
	  NULL, "one of the numbers" },
};

/* Each kind of number, and each kind of mistake. */
static void
test_phone_cases(void **state)
{
	for (size_t i = 0; i < nitems(phone_cases); i++) {
		const struct phone_case *c = &phone_cases[i];
		char out[256];
		const char *why = NULL;
		int rc = check_phone(c->in, out, sizeof out, &why);

		if (c->want != NULL) {
			if (rc != 0)
				fail_msg("check_phone(\"%s\") refused: %s", c->in, why);
			if (strcmp(out, c->want) != 0)
				fail_msg("check_phone(\"%s\") = \"%s\", want \"%s\"",
				    c->in, out, c->want);
		} else {
			if (rc != -1)
				fail_msg("check_phone(\"%s\") accepted: %s", c->in, out);
			assert_why(c->in, why, c->why);
		}
	}
}

/* A small out is filled as far as fits, never mid-character. */
static void
test_phone_truncation(void **state)
{
	const char *in = "13812345678；13987654321", *why = NULL;
	char out[16];

	memset(out, 'x', sizeof out);
	assert_int_equal(check_phone(in, out, 14, &why), 0);
	assert_string_equal(out, "13812345678");	/* "；" would not fit whole */
	assert_int_equal(out[14], 'x');
	assert_int_equal(check_phone(in, out, 1, &why), 0);
	assert_string_equal(out, "");
	assert_int_equal(check_phone(in, NULL, 0, &why), 0);
	assert_int_equal(check_phone(in, out, 15, &why), 0);
	assert_string_equal(out, "13812345678；");
}

/* ------------------------------------------------------------------ */

struct number_case {
	const char	*in;
	int		 ok;
	double		 lo;		/* or the quantity */
	double		 hi;
	const char	*why;
};

static const struct number_case price_cases[] = {
	{ "12.5", 1, 12.5, 12.5, NULL },
	{ "0", 1, 0, 0, NULL },
	{ "0.00", 1, 0, 0, NULL },
	{ " 12.5 ", 1, 12.5, 12.5, NULL },
	{ "¥12.5", 1, 12.5, 12.5, NULL },
	{ "￥12.5", 1, 12.5, 12.5, NULL },
	{ "RMB 12.5", 1, 12.5, 12.5, NULL },
	{ "12.5元", 1, 12.5, 12.5, NULL },
	{ "12.5 元", 1, 12.5, 12.5, NULL },
	{ "12.5元/斤", 1, 12.5, 12.5, NULL },
	{ "12.5元/件", 1, 12.5, 12.5, NULL },
	{ "12.5元/平方米", 1, 12.5, 12.5, NULL },
	{ "12.5-20", 1, 12.5, 20, NULL },
	{ "12.5~20", 1, 12.5, 20, NULL },
	{ "12.5～20", 1, 12.5, 20, NULL },
	{ "12.5至20", 1, 12.5, 20, NULL },
	{ "12.5到20", 1, 12.5, 20, NULL },
	{ "12.5—20", 1, 12.5, 20, NULL },
	{ "12.5——20", 1, 12.5, 20, NULL },
	{ "12.5 - 20", 1, 12.5, 20, NULL },
	{ "12.5－20", 1, 12.5, 20, NULL },
	{ "¥12.5-¥20", 1, 12.5, 20, NULL },
	{ "12.5元-20元", 1, 12.5, 20, NULL },
	{ "10-12元/件", 1, 10, 12, NULL },
	{ "20-20", 1, 20, 20, NULL },
	{ "1,200", 1, 1200, 1200, NULL },
	{ "1,200.50", 1, 1200.5, 1200.5, NULL },
	{ "1,234,567", 1, 1234567, 1234567, NULL },
	{ "1,200-1,500", 1, 1200, 1500, NULL },
	{ "１２．５", 1, 12.5, 12.5, NULL },
	{ "１２００", 1, 1200, 1200, NULL },
	{ ".5", 1, 0.5, 0.5, NULL },
	{ "9999999999", 1, 9999999999.0, 9999999999.0, NULL },
	{ "面议", 1, -1, -1, NULL },
	{ "电议", 1, -1, -1, NULL },
	{ "价格面议", 1, -1, -1, NULL },
	{ " 面议 ", 1, -1, -1, NULL },
	/* refused */
	{ "", 0, 0, 0, "no price" },
	{ "  ", 0, 0, 0, "no price" },
	{ "-5", 0, 0, 0, "negative" },
	{ "－5", 0, 0, 0, "negative" },
	{ "¥-5", 0, 0, 0, "negative" },
	{ "5--3", 0, 0, 0, "negative" },
	{ "NaN", 0, 0, 0, "not a number" },
	{ "nan", 0, 0, 0, "not a number" },
	{ "inf", 0, 0, 0, "not a number" },
	{ "Infinity", 0, 0, 0, "not a number" },
	{ "abc", 0, 0, 0, "not a number" },
	{ "1e5", 0, 0, 0, "scientific" },
	{ "1.5E+3", 0, 0, 0, "scientific" },
	{ "0x10", 0, 0, 0, "hexadecimal" },
	{ "=1+2", 0, 0, 0, "formula" },
	{ "=A1", 0, 0, 0, "formula" },
	{ "12,00", 0, 0, 0, "thousands" },
	{ "1,2345", 0, 0, 0, "thousands" },
	{ ",200", 0, 0, 0, "thousands" },
	{ "1,200,", 0, 0, 0, "thousands" },
	{ "1.200,50", 0, 0, 0, "thousands" },
	{ "1,,200", 0, 0, 0, "thousands" },
	{ "1.2.3", 0, 0, 0, "not a valid number" },
	{ ".", 0, 0, 0, "not a number" },
	{ "20-12.5", 0, 0, 0, "low end" },
	{ "12.5-", 0, 0, 0, "no high end" },
	{ "12.5~", 0, 0, 0, "no high end" },
	{ "10000000000", 0, 0, 0, "too large" },
	{ "1-10000000000", 0, 0, 0, "too large" },
	{ "12.5/斤", 0, 0, 0, "unexpected text" },
	{ "12.5元/", 0, 0, 0, "unexpected text" },
	{ "12.5元/2斤", 0, 0, 0, "unexpected text" },
	{ "1.2万元", 0, 0, 0, "unexpected text" },
	{ "12.5美元", 0, 0, 0, "unexpected text" },
	{ "12.5元左右", 0, 0, 0, "unexpected text" },
	{ "12.5-20-30", 0, 0, 0, "unexpected text" },
	{ "约12.5", 0, 0, 0, "not a number" },
	{ "12345678901234567890123456789012345678901234567890", 0, 0, 0,
	  "too many digits" },
};

/* Prices, ranges and the ways a cell can fail to be one. */
static void
test_price_cases(void **state)
{
	for (size_t i = 0; i < nitems(price_cases); i++) {
		const struct number_case *c = &price_cases[i];
		double lo = 123, hi = 456;
		const char *why = NULL;
		int rc = check_price(c->in, &lo, &hi, &why);

		if (c->ok) {
			if (rc != 0)
				fail_msg("check_price(\"%s\") refused: %s", c->in, why);
			if (fabs(lo - c->lo) > 1e-9 || fabs(hi - c->hi) > 1e-9)
				fail_msg("check_price(\"%s\") = %g..%g, want %g..%g",
				    c->in, lo, hi, c->lo, c->hi);
		} else {
			if (rc != -1)
				fail_msg("check_price(\"%s\") accepted: %g..%g",
				    c->in, lo, hi);
			assert_why(c->in, why, c->why);
		}
	}
}

static const struct number_case quantity_cases[] = {
	{ "500", 1, 500, 0, NULL },
	{ " 500 ", 1, 500, 0, NULL },
	{ "1,000", 1, 1000, 0, NULL },
	{ "1,000,000", 1, 1e6, 0, NULL },
	{ "2.5", 1, 2.5, 0, NULL },
	{ "0.001", 1, 0.001, 0, NULL },
	{ "1.5万", 1, 15000, 0, NULL },
	{ "3千", 1, 3000, 0, NULL },
	{ "2百", 1, 200, 0, NULL },
	{ "1亿", 1, 1e8, 0, NULL },
	{ "1.2千万", 1, 1.2e7, 0, NULL },
	{ "5 万", 1, 50000, 0, NULL },
	{ "５００", 1, 500, 0, NULL },
	{ "１．５万", 1, 15000, 0, NULL },
	{ "999999999999", 1, 999999999999.0, 0, NULL },
	/* refused */
	{ "", 0, 0, 0, "no quantity" },
	{ "0", 0, 0, 0, "greater than 0" },
	{ "0.0万", 0, 0, 0, "greater than 0" },
	{ "-5", 0, 0, 0, "negative" },
	{ "-0.5", 0, 0, 0, "negative" },
	{ "1000000000000", 0, 0, 0, "too large" },
	{ "1万亿", 0, 0, 0, "too large" },
	{ "1,00", 0, 0, 0, "thousands" },
	{ "10,0000", 0, 0, 0, "thousands" },
	{ "1e5", 0, 0, 0, "scientific" },
	{ "0x10", 0, 0, 0, "hexadecimal" },
	{ "NaN", 0, 0, 0, "not a number" },
	{ "inf", 0, 0, 0, "not a number" },
	{ "=1+2", 0, 0, 0, "formula" },
	{ "500件", 0, 0, 0, "own column" },
	{ "5万个", 0, 0, 0, "own column" },
	{ "1万万万", 0, 0, 0, "own column" },
	{ "100-200", 0, 0, 0, "not a range" },
	{ "100~200", 0, 0, 0, "not a range" },
	{ "若干", 0, 0, 0, "not a number" },
	{ "万", 0, 0, 0, "not a number" },
};

/* Quantities with 千/万 and the usual mistakes. */
static void
test_quantity_cases(void **state)
{
	for (size_t i = 0; i < nitems(quantity_cases); i++) {
		const struct number_case *c = &quantity_cases[i];
		double v = 123;
		const char *why = NULL;
		int rc = check_quantity(c->in, &v, &why);

		if (c->ok) {
			if (rc != 0)
				fail_msg("check_quantity(\"%s\") refused: %s", c->in, why);
			if (fabs(v - c->lo) > 1e-6)
				fail_msg("check_quantity(\"%s\") = %g, want %g",
				    c->in, v, c->lo);
		} else {
			if (rc != -1)
				fail_msg("check_quantity(\"%s\") accepted: %g", c->in, v);
			assert_why(c->in, why, c->why);
		}
	}
}

/* ------------------------------------------------------------------ */

static const struct credit_case date_cases[] = {
	{ "2026-03-05", "2026-03-05", NULL },
	{ "2026/3/5", "2026-03-05", NULL },
	{ "2026.3.5", "2026-03-05", NULL },
	{ "2026年3月5日", "2026-03-05", NULL },
	{ "2026年03月05日", "2026-03-05", NULL },
	{ "2026年3月5号", "2026-03-05", NULL },
	{ "2026年3月5", "2026-03-05", NULL },
	{ "2026 年 3 月 5 日", "2026-03-05", NULL },
	{ "20260305", "2026-03-05", NULL },
	{ "２０２６－０３－０５", "2026-03-05", NULL },	/* full-width minus */
	{ "２０２６．３．５", "2026-03-05", NULL },
	{ "２０２６/０３/０５", "2026-03-05", NULL },
	{ " 2026-3-5 ", "2026-03-05", NULL },
	{ "2026-03-05 00:00:00", "2026-03-05", NULL },
	{ "2026/3/5 9:30", "2026-03-05", NULL },
	{ "2028-02-29", "2028-02-29", NULL },
	{ "2000-02-29", "2000-02-29", NULL },
	{ "2024-02-29", "2024-02-29", NULL },
	{ "2026-12-31", "2026-12-31", NULL },
	{ "2000-01-01", "2000-01-01", NULL },
	{ "2099-12-31", "2099-12-31", NULL },
	/* refused */
	{ "", NULL, "no date" },
	{ "2026-02-29", NULL, "no such calendar date" },
	{ "2100-02-29", NULL, "between 2000 and 2099" },
	{ "2026-04-31", NULL, "no such calendar date" },
	{ "2026-02-30", NULL, "no such calendar date" },
	{ "20260229", NULL, "no such calendar date" },
	{ "2026-13-01", NULL, "month" },
	{ "2026-00-10", NULL, "month" },
	{ "2026-01-32", NULL, "day must be" },
	{ "2026-01-00", NULL, "day must be" },
	{ "1999-12-31", NULL, "between 2000 and 2099" },
	{ "2100-01-01", NULL, "between 2000 and 2099" },
	{ "3/5/2026", NULL, "year first" },
	{ "05-03-2026", NULL, "year first" },
	{ "26-3-5", NULL, "in full" },
	{ "26年3月5日", NULL, "in full" },
	{ "46086", NULL, "Excel keeps a date as a count of days since 1900" },
	{ "46086", NULL, "设为“文本”格式" },
	{ "2026-03/05", NULL, "unrecognised" },
	{ "2026-03-05-", NULL, "unrecognised" },
	{ "2026-3", NULL, "unrecognised" },
	{ "2026年3月", NULL, "unrecognised" },
	{ "2026-003-05", NULL, "unrecognised" },
	{ "202603051", NULL, "unrecognised" },
	{ "March 5, 2026", NULL, "unrecognised" },
	{ "2026-03-05 25", NULL, "unrecognised" },
	{ "明天", NULL, "unrecognised" },
	{ "99999999999999999999-1-1", NULL, "unrecognised" },
};

/* Date spellings, leap years, and days that do not exist. */
static void
test_date_cases(void **state)
{
	for (size_t i = 0; i < nitems(date_cases); i++) {
		const struct credit_case *c = &date_cases[i];
		char out[11];
		const char *why = NULL;
		int rc = check_date(c->in, out, &why);

		if (c->want != NULL) {
			if (rc != 0)
				fail_msg("check_date(\"%s\") refused: %s", c->in, why);
			assert_string_equal(out, c->want);
		} else {
			if (rc != -1)
				fail_msg("check_date(\"%s\") accepted: %s", c->in, out);
			assert_why(c->in, why, c->why);
		}
	}
}

/* Every day of 2000–2099 that exists is accepted, and the next one is not. */
static void
test_date_every_day(void **state)
{
	static const int mdays[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	size_t accepted = 0;

	for (int y = 2000; y <= 2099; y++)
		for (int m = 1; m <= 12; m++) {
			int last = mdays[m - 1] + (m == 2 && y % 4 == 0);
			char in[40], want[40], out[11];
			const char *why = NULL;

			for (int d = 1; d <= last + 1; d++) {
				snprintf(in, sizeof in, "%d/%d/%d", y, m, d);
				snprintf(want, sizeof want, "%04d-%02d-%02d", y, m, d);
				if (d <= last) {
					assert_int_equal(check_date(in, out, &why), 0);
					assert_string_equal(out, want);
					accepted++;
				} else if (d <= 31)
					assert_int_equal(check_date(in, out, &why), -1);
			}
		}
	assert_int_equal(accepted, 36525);	/* 100 years, 25 leap days */
}

/* Invalid UTF-8 and NULL never crash the cleaners. */
static void
test_hostile_bytes(void **state)
{
	static const char *const bad[] = {
		"\xff", "\xe6\x9d", ("a\xc0\xaf" "b"), "\xed\xa0\x80", "\xf4\x90\x80\x80",
	};
	char out[64];
	const char *why;
	double a, b;

	for (size_t i = 0; i < nitems(bad); i++) {
		char *s = norm_line(bad[i]);

		assert_string_equal(s, bad[i]);		/* passed through as is */
		free(s);
		free(norm_block(bad[i]));
		free(norm_list(bad[i]));
		assert_null(norm_zj_city(bad[i]));
		assert_null(norm_province(bad[i]));
		assert_int_equal(check_credit_code(bad[i], out, &why), -1);
		assert_bilingual(why);
		assert_int_equal(check_phone(bad[i], out, sizeof out, &why), -1);
		assert_bilingual(why);
		assert_int_equal(check_price(bad[i], &a, &b, &why), -1);
		assert_int_equal(check_date(bad[i], out, &why), -1);
		assert_int_equal(check_quantity(bad[i], &a, &why), -1);
	}
	free(norm_line(NULL));
}

static void
test_city_name(void **state)
{
	static const struct { const char *in, *out; } cases[] = {
		{ "沈阳", "沈阳市" }, { "北京", "北京市" }, { " 运城 ", "运城市" },
		{ "呼和浩特", "呼和浩特市" }, { "成都市", "成都市" }, { "恩施州", "恩施州" },
		{ "阿拉善盟", "阿拉善盟" }, { "神农架林区", "神农架林区" }, { "朝阳区", "朝阳区" },
		{ "Chengdu", "Chengdu" }, { "乌", "乌" }, { "西双版纳傣族自治州", "西双版纳傣族自治州" },
		{ "", "" },
	};

	for (size_t i = 0; i < nitems(cases); i++) {
		char *got = norm_city_name(cases[i].in);

		if (strcmp(got, cases[i].out) != 0)
			fail_msg("norm_city_name(“%s”) = “%s”, wanted “%s”", cases[i].in, got,
			    cases[i].out);
		free(got);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_norm_line),
		cmocka_unit_test(test_norm_block),
		cmocka_unit_test(test_norm_list),
		cmocka_unit_test(test_zj_city_spellings),
		cmocka_unit_test(test_zj_city_rejects),
		cmocka_unit_test(test_norm_province),
		cmocka_unit_test(test_province_short),
		cmocka_unit_test(test_credit_valid),
		cmocka_unit_test(test_credit_cases),
		cmocka_unit_test(test_credit_every_wrong_check),
		cmocka_unit_test(test_phone_cases),
		cmocka_unit_test(test_phone_truncation),
		cmocka_unit_test(test_price_cases),
		cmocka_unit_test(test_quantity_cases),
		cmocka_unit_test(test_date_cases),
		cmocka_unit_test(test_date_every_day),
		cmocka_unit_test(test_hostile_bytes),
		cmocka_unit_test(test_city_name),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
