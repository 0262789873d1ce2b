/*
 * normalise_place.c — places as offices and buyers write them: Zhejiang's
 * 11 prefectures ("杭州", "Hangzhou Shi", "浙江省杭州市" → "杭州市"), the 34
 * province-level divisions by full name, short name or romanisation, and
 * other cities, which get 市 when written bare.  The fair is organised by
 * Zhejiang's prefectures and reports by province, so every spelling must
 * land on one canonical name.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "normalise.h"
#include "normalise_int.h"
#include "util.h"

/* If s begins with prefix and more follows, the rest; otherwise s. */
static const char *
skip_prefix(const char *s, const char *prefix)
{
	size_t n = strlen(prefix);

	if (strncmp(s, prefix, n) == 0 && s[n] != '\0')
		return s + n;
	return s;
}

/* Whether s is word followed by one of the suffixes (which may include ""). */
static int
word_with_suffix(const char *s, const char *word, const char *const *suffixes,
    size_t nsuffixes)
{
	size_t n = strlen(word);

	if (strncmp(s, word, n) != 0)
		return 0;
	for (size_t i = 0; i < nsuffixes; i++)
		if (strcmp(s + n, suffixes[i]) == 0)
			return 1;
	return 0;
}

/*
 * Zhejiang's prefectures in the province's usual order.  Taizhou is 台州:
 * Jiangsu's 泰州 has the same pinyin, but these offices are all Zhejiang's.
 */
#define ZJ_CITIES \
	C("杭州", "hangzhou") C("宁波", "ningbo") C("温州", "wenzhou") \
	C("嘉兴", "jiaxing") C("湖州", "huzhou") C("绍兴", "shaoxing") \
	C("金华", "jinhua") C("衢州", "quzhou") C("舟山", "zhoushan") \
	C("台州", "taizhou") C("丽水", "lishui")

static const char *const zj_canonical[] = {
#define C(zh, py) zh "市",
	ZJ_CITIES
#undef C
};

static const struct zj_city {
	const char	*short_name;	/* "杭州" */
	const char	*pinyin;	/* lower case, no spaces */
} zj_table[] = {
#define C(zh, py) { zh, py },
	ZJ_CITIES
#undef C
};

static const char *const zj_zh_suffixes[] = { "", "市" };
static const char *const zj_py_suffixes[] = { "", "shi", "city" };
static const char *const zj_zh_prefixes[] = { "浙江省", "浙江" };
static const char *const zj_py_prefixes[] = { "zhejiangsheng", "zhejiang" };

/* "杭州", "Hangzhou Shi", "浙江省杭州市" … → "杭州市"; NULL if not a prefecture. */
const char *
norm_zj_city(const char *s)
{
	char *key = norm_name_key(s);
	const char *k = key, *found = NULL;

	for (size_t i = 0; i < nitems(zj_zh_prefixes) && k == key; i++)
		k = skip_prefix(key, zj_zh_prefixes[i]);
	for (size_t i = 0; i < nitems(zj_py_prefixes) && k == key; i++)
		k = skip_prefix(key, zj_py_prefixes[i]);
	for (size_t i = 0; i < nitems(zj_table) && found == NULL; i++) {
		if (word_with_suffix(k, zj_table[i].short_name, zj_zh_suffixes,
		    nitems(zj_zh_suffixes)) ||
		    word_with_suffix(k, zj_table[i].pinyin, zj_py_suffixes,
		    nitems(zj_py_suffixes)))
			found = zj_canonical[i];
	}
	free(key);
	return found;
}

/* The 11 canonical prefecture names; *n set to 11. */
const char *const *
zj_cities(size_t *n)
{
	*n = nitems(zj_canonical);
	return zj_canonical;
}

/*
 * Province-level divisions.  aliases are further spellings: Chinese ones
 * compared whole, Latin ones (lower case, no spaces) also with any of
 * province_py_suffixes after them.  "Shanxi" is 山西 and only "Shaanxi" is
 * 陕西, as in the official romanisation.
 */
static const struct province {
	const char	*canonical;	/* "新疆维吾尔自治区" */
	const char	*short_name;	/* "新疆" */
	const char	*aliases[6];	/* NULL-terminated */
} province_table[] = {
	{ "北京市", "北京", { "beijing", "peking" } },
	{ "天津市", "天津", { "tianjin" } },
	{ "上海市", "上海", { "shanghai" } },
	{ "重庆市", "重庆", { "chongqing" } },
	{ "河北省", "河北", { "hebei" } },
	{ "山西省", "山西", { "shanxi" } },
	{ "辽宁省", "辽宁", { "liaoning" } },
	{ "吉林省", "吉林", { "jilin" } },
	{ "黑龙江省", "黑龙江", { "heilongjiang" } },
	{ "江苏省", "江苏", { "jiangsu" } },
	{ "浙江省", "浙江", { "zhejiang" } },
	{ "安徽省", "安徽", { "anhui" } },
	{ "福建省", "福建", { "fujian" } },
	{ "江西省", "江西", { "jiangxi" } },
	{ "山东省", "山东", { "shandong" } },
	{ "河南省", "河南", { "henan" } },
	{ "湖北省", "湖北", { "hubei" } },
	{ "湖南省", "湖南", { "hunan" } },
	{ "广东省", "广东", { "guangdong" } },
	{ "海南省", "海南", { "hainan" } },
	{ "四川省", "四川", { "sichuan" } },
	{ "贵州省", "贵州", { "guizhou" } },
	{ "云南省", "云南", { "yunnan" } },
	{ "陕西省", "陕西", { "shaanxi" } },
	{ "甘肃省", "甘肃", { "gansu" } },
	{ "青海省", "青海", { "qinghai" } },
	{ "台湾省", "台湾", { "taiwan", "中国台湾", "台湾地区" } },
	{ "内蒙古自治区", "内蒙古",
	    { "内蒙", "innermongolia", "neimongol", "neimenggu" } },
	{ "广西壮族自治区", "广西", { "广西自治区", "guangxi" } },
	{ "西藏自治区", "西藏", { "xizang", "tibet" } },
	{ "宁夏回族自治区", "宁夏", { "宁夏自治区", "ningxia" } },
	{ "新疆维吾尔自治区", "新疆",
	    { "新疆自治区", "新疆维吾尔族自治区", "xinjiang" } },
	{ "香港特别行政区", "香港",
	    { "香港特区", "中国香港", "hongkong", "xianggang" } },
	{ "澳门特别行政区", "澳门",
	    { "澳门特区", "中国澳门", "macau", "macao", "aomen" } },
};

static const char *const province_py_suffixes[] = {
	"", "sheng", "shi", "province", "city", "municipality", "zizhiqu",
	"autonomousregion", "sar", "specialadministrativeregion",
};

/* "重庆", "Chongqing", "新疆", "Inner Mongolia" … → canonical; NULL if unknown. */
const char *
norm_province(const char *s)
{
	char *key = norm_name_key(s);
	const char *found = NULL;

	for (size_t i = 0; i < nitems(province_table) && found == NULL; i++) {
		const struct province *p = &province_table[i];

		if (strcmp(key, p->canonical) == 0 ||
		    strcmp(key, p->short_name) == 0)
			found = p->canonical;
		for (size_t j = 0; p->aliases[j] != NULL && found == NULL; j++) {
			if (strcmp(key, p->aliases[j]) == 0 ||
			    ((unsigned char)p->aliases[j][0] < 0x80 &&
			    word_with_suffix(key, p->aliases[j],
			    province_py_suffixes, nitems(province_py_suffixes))))
				found = p->canonical;
		}
	}
	free(key);
	return found;
}

const char *
province_at(size_t i)
{
	return i < nitems(province_table) ? province_table[i].canonical : NULL;
}

/* "新疆维吾尔自治区" → "新疆"; NULL unless canonical is a canonical name. */
const char *
province_short(const char *canonical)
{
	if (canonical == NULL)
		return NULL;
	for (size_t i = 0; i < nitems(province_table); i++)
		if (strcmp(canonical, province_table[i].canonical) == 0)
			return province_table[i].short_name;
	return NULL;
}

/* Suffixes that already make a place name an administrative unit. */
static const char *const admin_suffixes[] = {
	"市", "州", "县", "区", "盟", "旗", "地区", "林区",
};

/* A city outside Zhejiang: 2–4 Han characters without a suffix get 市. */
char *
norm_city_name(const char *s)
{
	char *t = norm_line(s), *out;
	size_t len = strlen(t), chars = 0, n;
	uint32_t cp;

	for (size_t i = 0; i < nitems(admin_suffixes); i++) {
		size_t sl = strlen(admin_suffixes[i]);

		if (len > sl && strcmp(t + len - sl, admin_suffixes[i]) == 0)
			return t;
	}
	for (const char *p = t; *p != '\0'; p += n, chars++) {
		n = utf8_decode(p, (size_t)(t + len - p), &cp);
		if (cp < 0x4e00 || cp > 0x9fff)
			return t;
	}
	if (chars < 2 || chars > 4)
		return t;
	out = xasprintf("%s市", t);
	free(t);
	return out;
}
