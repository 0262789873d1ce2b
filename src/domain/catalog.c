/*
 * catalog.c — the two catalogues' columns, header mapping, row checking.
 */
#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "catalog.h"
#include "normalise.h"
#include "util.h"

/* Supply: 名优特新产品目录, one row per product (DESIGN.md, "Catalogue files"). */
static const struct field_spec supply_fields[] = {
	{ "code", "产品编号", "编号|产品代码|product code|product id", "code", FT_CODE, HOME_ITEM, 1, 32 },
	{ "name", "产品名称", "名称|品名|product name|product", "name", FT_TEXT, HOME_ITEM, 1, 100 },
	{ "company", "企业名称", "企业|生产企业|公司名称|company name|supplier", "name", FT_TEXT, HOME_OWNER_KEY, 1, 100 },
	{ "credit_code", "统一社会信用代码", "信用代码|社会信用代码|uscc", "credit_code", FT_CREDIT, HOME_OWNER, 0, 18 },
	{ "city", "所在城市", "城市|所在市|地市|所属地市", "city", FT_ZJ_CITY, HOME_OWNER_KEY, 1, 10 },
	{ "county", "区县", "所在区县|县市区|district", "county", FT_TEXT, HOME_OWNER, 0, 30 },
	{ "category", "产品类别", "类别|产品分类|分类|行业", "category", FT_TEXT, HOME_ITEM, 0, 30 },
	{ "spec", "规格型号", "规格|型号|specification|model", "spec", FT_TEXT, HOME_ITEM, 0, 200 },
	{ "brand", "品牌", "商标|trademark", "brand", FT_TEXT, HOME_ITEM, 0, 50 },
	{ "price", "参考价格", "价格|单价|reference price", "price", FT_PRICE, HOME_ITEM, 0, 40 },
	{ "unit", "计价单位", "单位|price unit", "unit", FT_TEXT, HOME_ITEM, 0, 10 },
	{ "moq", "起订量", "最小起订量|minimum order|min order", "moq", FT_TEXT, HOME_ITEM, 0, 30 },
	{ "honours", "荣誉认证", "荣誉|认证|获奖荣誉|honors|awards", "honours", FT_LIST, HOME_ITEM, 0, 300 },
	{ "keywords", "关键词", "关键字|tags", "keywords", FT_LIST, HOME_ITEM, 0, 200 },
	{ "description", "产品简介", "简介|产品介绍|产品说明|描述", "description", FT_BLOCK, HOME_ITEM, 0, 2000 },
	{ "contact", "联系人", "联络人|contact person", "contact", FT_TEXT, HOME_ITEM, 0, 30 },
	{ "phone", "联系电话", "电话|手机|联系方式|telephone|tel|mobile", "phone", FT_PHONE, HOME_ITEM, 0, 100 },
};

/* Demand: 浙江产品需求目录, one row per wanted product. */
static const struct field_spec demand_fields[] = {
	{ "code", "需求编号", "编号|demand code|demand id", "code", FT_CODE, HOME_ITEM, 1, 32 },
	{ "product", "需求产品", "产品名称|所需产品|product wanted|product name", "product", FT_TEXT, HOME_ITEM, 1, 100 },
	{ "buyer", "采购单位", "单位名称|需求单位|采购商|buyer name|purchaser", "name", FT_TEXT, HOME_OWNER_KEY, 1, 100 },
	{ "buyer_type", "单位类型", "类型|采购单位类型|type", "buyer_type", FT_BUYER_TYPE, HOME_OWNER, 0, 10 },
	{ "province", "所在省份", "省份|省|所在省|省市区", "province", FT_PROVINCE, HOME_OWNER_KEY, 1, 20 },
	{ "city", "所在城市", "城市|所在市|地市", "city", FT_CITY, HOME_OWNER, 0, 30 },
	{ "category", "产品类别", "类别|产品分类|分类|行业", "category", FT_TEXT, HOME_ITEM, 0, 30 },
	{ "description", "需求描述", "描述|需求说明|要求|details", "description", FT_BLOCK, HOME_ITEM, 0, 2000 },
	{ "quantity", "采购数量", "数量|需求数量|qty", "quantity", FT_QUANTITY, HOME_ITEM, 0, 30 },
	{ "unit", "计量单位", "单位|unit of measure", "unit", FT_TEXT, HOME_ITEM, 0, 10 },
	{ "price", "目标价格", "价格|期望价格|target price", "price", FT_PRICE, HOME_ITEM, 0, 40 },
	{ "deadline", "截止日期", "截止时间|有效期|due date|due", "deadline", FT_DATE, HOME_ITEM, 0, 20 },
	{ "contact", "联系人", "联络人|contact person", "contact", FT_TEXT, HOME_ITEM, 0, 30 },
	{ "phone", "联系电话", "电话|手机|联系方式|telephone|tel|mobile", "phone", FT_PHONE, HOME_ITEM, 0, 100 },
};

static const struct catalog catalogs[] = {
	[CATALOG_SUPPLY] = {
		.kind = CATALOG_SUPPLY, .name = "supply", .zh = "名优特新产品目录",
		.item_table = "products", .owner_table = "suppliers",
		.owner_fk = "supplier_id", .owner_zh = "企业",
		.fields = supply_fields, .nfields = nitems(supply_fields),
		.code_field = 0, .region_field = 4,
	},
	[CATALOG_DEMAND] = {
		.kind = CATALOG_DEMAND, .name = "demand", .zh = "浙江产品需求目录",
		.item_table = "demands", .owner_table = "buyers",
		.owner_fk = "buyer_id", .owner_zh = "采购单位",
		.fields = demand_fields, .nfields = nitems(demand_fields),
		.code_field = 0, .region_field = 4,
	},
};

const struct catalog *
catalog_get(enum catalog_kind kind)
{
	return &catalogs[kind];
}

const struct catalog *
catalog_by_name(const char *name)
{
	for (size_t i = 0; i < nitems(catalogs); i++)
		if (strcmp(catalogs[i].name, name) == 0)
			return &catalogs[i];
	return NULL;
}

void
cell_error_clear(struct cell_error *e)
{
	free(e->column);
	free(e->field);
	free(e->value);
	free(e->message);
	memset(e, 0, sizeof *e);
}

void
cell_error_add(struct cell_error **errs, size_t *nerrs, size_t row, size_t col,
    const char *column, const char *field, const char *value, char *message)
{
	struct cell_error *e;

	*errs = xreallocarray(*errs, *nerrs + 1, sizeof **errs);
	e = &(*errs)[(*nerrs)++];
	e->row = row;
	e->col = col;
	e->column = column ? xstrdup(column) : NULL;
	e->field = field ? xstrdup(field) : NULL;
	/* Long values are cut for the report: 200 bytes, on a character boundary. */
	if (value != NULL) {
		size_t n = strlen(value);

		if (n > 200)
			n = utf8_char_start(value, 200);
		e->value = xstrndup(value, n);
	} else
		e->value = NULL;
	e->message = message;
}

/*
 * A header as compared: norm_line'd, ASCII lower-cased, without spaces,
 * underscores, required-markers (* ＊) or a trailing note in brackets
 * ("参考价格（元）", "Price (yuan)").  Caller frees.
 */
static char *
header_key(const char *s)
{
	char *t = norm_line(s), *cut;
	struct buf b = { 0 };

	if ((cut = strstr(t, "（")) != NULL && cut != t)
		*cut = '\0';
	if ((cut = strchr(t, '(')) != NULL && cut != t)
		*cut = '\0';
	for (const char *p = t; *p != '\0'; p++) {
		if (*p == ' ' || *p == '_' || *p == '*')
			continue;
		if (strncmp(p, "＊", strlen("＊")) == 0) {
			p += strlen("＊") - 1;
			continue;
		}
		buf_addc(&b, (char)tolower((unsigned char)*p));
	}
	free(t);
	return buf_take(&b);
}

/* Does header key k name field f (its key, Chinese name or an alias)? */
static int
header_matches(const struct field_spec *f, const char *k)
{
	char *n;
	int hit;
	const char *a, *bar;

	n = header_key(f->key);
	hit = strcmp(n, k) == 0;
	free(n);
	if (hit || strcmp(f->zh, k) == 0)
		return 1;
	for (a = f->aliases; a != NULL && *a != '\0'; a = bar ? bar + 1 : NULL) {
		char *one;

		bar = strchr(a, '|');
		one = xstrndup(a, bar ? (size_t)(bar - a) : strlen(a));
		n = header_key(one);
		hit = strcmp(n, k) == 0;
		free(n);
		free(one);
		if (hit)
			return 1;
	}
	return 0;
}

int
header_map_build(struct header_map *hm, const struct catalog *cat, char **cells,
    size_t ncells, struct cell_error **errs, size_t *nerrs)
{
	size_t before = *nerrs;

	memset(hm, 0, sizeof *hm);
	hm->cat = cat;
	hm->col = xcalloc(cat->nfields, sizeof *hm->col);
	for (size_t f = 0; f < cat->nfields; f++)
		hm->col[f] = SIZE_MAX;
	hm->ncols = ncells;
	hm->names = xcalloc(ncells, sizeof *hm->names);
	for (size_t c = 0; c < ncells; c++) {
		char *k = header_key(cells[c]);
		size_t f;

		hm->names[c] = norm_line(cells[c]);
		if (*k == '\0') {
			free(k);
			continue;
		}
		/* Chinese and English names first, aliases second: 单位 is an alias of two fields. */
		for (f = 0; f < cat->nfields; f++) {
			char *key = header_key(cat->fields[f].key);
			int exact = strcmp(cat->fields[f].zh, k) == 0 || strcmp(key, k) == 0;

			free(key);
			if (exact)
				break;
		}
		if (f == cat->nfields)
			for (f = 0; f < cat->nfields; f++)
				if (hm->col[f] == SIZE_MAX && header_matches(&cat->fields[f], k))
					break;
		free(k);
		if (f == cat->nfields) {
			hm->ignored = xreallocarray(hm->ignored, hm->nignored + 1,
			    sizeof *hm->ignored);
			hm->ignored[hm->nignored++] = xstrdup(hm->names[c]);
			continue;
		}
		if (hm->col[f] != SIZE_MAX) {
			cell_error_add(errs, nerrs, 0, c, hm->names[c], cat->fields[f].key, NULL,
			    xasprintf("表头中“%s”出现了两次（另一处在第 %zu 列） / the header names"
			    " column “%s” twice (also column %zu)", cat->fields[f].zh,
			    hm->col[f] + 1, cat->fields[f].zh, hm->col[f] + 1));
			continue;
		}
		hm->col[f] = c;
	}
	for (size_t f = 0; f < cat->nfields; f++)
		if (cat->fields[f].required && hm->col[f] == SIZE_MAX)
			cell_error_add(errs, nerrs, 0, SIZE_MAX, cat->fields[f].zh, cat->fields[f].key,
			    NULL,
			    xasprintf("缺少必需的列“%s” / the required column “%s” is missing",
			    cat->fields[f].zh, cat->fields[f].zh));
	return *nerrs == before ? 0 : -1;
}

void
header_map_free(struct header_map *hm)
{
	for (size_t c = 0; c < hm->ncols; c++)
		free(hm->names[c]);
	free(hm->names);
	for (size_t i = 0; i < hm->nignored; i++)
		free(hm->ignored[i]);
	free(hm->ignored);
	free(hm->col);
	memset(hm, 0, sizeof *hm);
}

/* 单位类型 as written → the stored value. */
static const struct {
	const char	*canonical;
	const char	*aliases;	/* '|'-separated, compared lower-case */
} buyer_types[] = {
	{ "营销中心", "营销中心|浙江产品营销中心|marketing centre|marketing center" },
	{ "重点经销户", "重点经销户|经销户|市场外重点经销户|经销商|key distributor|distributor" },
	{ "商会", "商会|浙江商会|chamber of commerce|chamber" },
	{ "其他", "其他|其它|other" },
};

/* The canonical buyer type for s, or NULL. */
static const char *
buyer_type_norm(const char *s)
{
	char *k = header_key(s);
	const char *hit = NULL;

	for (size_t i = 0; i < nitems(buyer_types) && hit == NULL; i++) {
		const char *a = buyer_types[i].aliases, *bar;

		for (; a != NULL && hit == NULL; a = bar ? bar + 1 : NULL) {
			char *one, *ok;

			bar = strchr(a, '|');
			one = xstrndup(a, bar ? (size_t)(bar - a) : strlen(a));
			ok = header_key(one);
			if (strcmp(ok, k) == 0)
				hit = buyer_types[i].canonical;
			free(ok);
			free(one);
		}
	}
	free(k);
	return hit;
}

size_t
catalog_choices(enum field_type t, const char **out, size_t max)
{
	const char *const *cities;
	size_t n = 0, ncities;

	switch (t) {
	case FT_ZJ_CITY:
		cities = zj_cities(&ncities);
		for (; n < ncities; n++)
			if (n < max)
				out[n] = cities[n];
		return n;
	case FT_PROVINCE:
		for (; province_at(n) != NULL; n++)
			if (n < max)
				out[n] = province_at(n);
		return n;
	case FT_BUYER_TYPE:
		for (; n < nitems(buyer_types); n++)
			if (n < max)
				out[n] = buyer_types[n].canonical;
		return n;
	default:
		return 0;
	}
}

/* Is s a code: letters, digits and - _ . / only? */
static int
code_ok(const char *s)
{
	for (; *s != '\0'; s++)
		if (!isalnum((unsigned char)*s) && strchr("-_./", *s) == NULL)
			return 0;
	return 1;
}

/* Checks one cell of type t into v (canonical text replaces v->text); NULL if fine, else a static message. */
static const char *
check_cell(enum field_type t, char *text, struct field_value *v)
{
	const char *why = NULL, *canon;
	char out[512];

	switch (t) {
	case FT_TEXT:
	case FT_BLOCK:
	case FT_LIST:
		return NULL;
	case FT_CITY: {
		char *city = norm_city_name(text);	/* text is v->text */

		free(v->text);
		v->text = city;
		return NULL;
	}
	case FT_CODE:
		return code_ok(text) ? NULL : "编号只能包含字母、数字和 - _ . / / a code may contain"
		    " only letters, digits and - _ . /";
	case FT_ZJ_CITY:
		if ((canon = norm_zj_city(text)) == NULL)
			return "不是浙江省的 11 个设区市之一（杭州、宁波、温州、嘉兴、湖州、绍兴、金华、衢州、"
			    "舟山、台州、丽水） / not one of Zhejiang's 11 prefectures (Hangzhou,"
			    " Ningbo, Wenzhou, Jiaxing, Huzhou, Shaoxing, Jinhua, Quzhou,"
			    " Zhoushan, Taizhou, Lishui)";
		break;
	case FT_PROVINCE:
		if ((canon = norm_province(text)) == NULL)
			return "不是中国的省级行政区名称 / not the name of a Chinese province,"
			    " autonomous region or municipality";
		break;
	case FT_CREDIT:
		if (check_credit_code(text, out, &why) != 0)
			return why;
		canon = out;
		break;
	case FT_PHONE:
		if (check_phone(text, out, sizeof out, &why) != 0)
			return why;
		canon = out;
		break;
	case FT_PRICE:
		return check_price(text, &v->num[0], &v->num[1], &why) != 0 ? why : NULL;
	case FT_DATE:
		if (check_date(text, out, &why) != 0)
			return why;
		canon = out;
		break;
	case FT_QUANTITY:
		return check_quantity(text, &v->num[0], &why) != 0 ? why : NULL;
	case FT_BUYER_TYPE:
		if ((canon = buyer_type_norm(text)) == NULL)
			return "单位类型应为 营销中心、重点经销户、商会 或 其他 / the buyer type must be"
			    " 营销中心 (marketing centre), 重点经销户 (key distributor), 商会"
			    " (chamber of commerce) or 其他 (other)";
		break;
	default:
		fatal("%s: field type %d", __func__, (int)t);
	}
	free(v->text);
	v->text = xstrdup(canon);
	return NULL;
}

/*
 * "“价格”：中文 / “价格”: English" from a "中文 / English" message, the
 * column named as its header cell reads in the file (fs->zh if none).
 */
static char *
field_message(const struct field_spec *fs, const char *header, const char *why)
{
	const char *slash = strstr(why, " / ");
	const char *name = header != NULL && *header != '\0' ? header : fs->zh;

	if (slash == NULL)
		return xasprintf("“%s”：%s", name, why);
	return xasprintf("“%s”：%.*s / “%s”: %s", name, (int)(slash - why), why, name,
	    slash + 3);
}

size_t
catalog_check_row(const struct header_map *hm, size_t line, char **cells, size_t ncells,
    struct field_value *vals, struct cell_error **errs, size_t *nerrs)
{
	const struct catalog *cat = hm->cat;
	size_t problems = 0;

	for (size_t f = 0; f < cat->nfields; f++) {
		const struct field_spec *fs = &cat->fields[f];
		size_t c = hm->col[f];
		const char *raw = c < ncells ? cells[c] : "";
		const char *why;
		char *text;
		size_t len;

		memset(&vals[f], 0, sizeof vals[f]);
		if (fs->type == FT_BLOCK)
			text = norm_block(raw);
		else if (fs->type == FT_LIST)
			text = norm_list(raw);
		else
			text = norm_line(raw);
		if (*text == '\0') {
			free(text);
			if (fs->type == FT_BUYER_TYPE)
				vals[f].text = xstrdup("其他");
			if (!fs->required)
				continue;
			cell_error_add(errs, nerrs, line, c, c < hm->ncols ? hm->names[c] : NULL,
			    fs->key, raw, xasprintf("必填项“%s”为空 / the required field “%s”"
			    " is empty", c < hm->ncols && *hm->names[c] != '\0' ? hm->names[c] :
			    fs->zh, c < hm->ncols && *hm->names[c] != '\0' ? hm->names[c] :
			    fs->zh));
			problems++;
			continue;
		}
		len = utf8_length(text, strlen(text));
		if (len > fs->max_chars) {
			cell_error_add(errs, nerrs, line, c, hm->names[c], fs->key, raw,
			    xasprintf("“%s”最多 %u 个字符，这里有 %zu 个 / “%s” takes at most"
			    " %u characters; this has %zu", hm->names[c], fs->max_chars, len,
			    hm->names[c], fs->max_chars, len));
			free(text);
			problems++;
			continue;
		}
		vals[f].text = text;
		if ((why = check_cell(fs->type, text, &vals[f])) != NULL) {
			cell_error_add(errs, nerrs, line, c, hm->names[c], fs->key, raw,
			    field_message(fs, hm->names[c], why));
			problems++;
		}
	}
	return problems;
}

void
catalog_values_clear(const struct catalog *cat, struct field_value *vals)
{
	for (size_t f = 0; f < cat->nfields; f++) {
		free(vals[f].text);
		vals[f].text = NULL;
	}
}
