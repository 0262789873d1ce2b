/*
 * guide.c — reading the supply–demand guide's rows in printing order.
 */
#include <stdlib.h>

#include "guide.h"
#include "normalise.h"
#include "util.h"

/* Province-level divisions in the order of GB/T 2260, for the demand part. */
static const char *const province_order[] = {
	"北京市", "天津市", "河北省", "山西省", "内蒙古自治区", "辽宁省", "吉林省",
	"黑龙江省", "上海市", "江苏省", "浙江省", "安徽省", "福建省", "江西省", "山东省",
	"河南省", "湖北省", "湖南省", "广东省", "广西壮族自治区", "海南省", "重庆市",
	"四川省", "贵州省", "云南省", "西藏自治区", "陕西省", "甘肃省", "青海省",
	"宁夏回族自治区", "新疆维吾尔自治区", "台湾省", "香港特别行政区", "澳门特别行政区",
};

#define PRODUCT_CATEGORY "coalesce(nullif(trim(p.category), ''), '其他')"
#define DEMAND_CATEGORY "coalesce(nullif(trim(d.category), ''), '其他')"

/* "CASE col WHEN 'a' THEN 0 … ELSE n END" over names; caller frees. */
static char *
rank_sql(const char *col, const char *const *names, size_t n)
{
	struct buf b = { 0 };

	buf_addf(&b, "CASE %s", col);
	for (size_t i = 0; i < n; i++)
		buf_addf(&b, " WHEN '%s' THEN %zu", names[i], i);
	buf_addf(&b, " ELSE %zu END", n);
	return buf_take(&b);
}

/* A city's place among the 11 prefectures, as SQL; caller frees. */
static char *
city_rank(void)
{
	size_t n;
	const char *const *cities = zj_cities(&n);

	return rank_sql("s.city", cities, n);
}

/* Column i of q as text, "" for NULL. */
static const char *
col(sqlite3_stmt *q, int i)
{
	const char *s = (const char *)sqlite3_column_text(q, i);

	return s != NULL ? s : "";
}

/* Prepares sql, which it frees; 0, or -1 and *cause. */
static int
query_owned(struct store *st, char *sql, sqlite3_stmt **q, char **cause)
{
	int rc = store_query(st, sql, q, cause);

	free(sql);
	return rc;
}

int
guide_counts(struct store *st, struct guide_counts *c, char **cause)
{
	if ((c->products = store_scalar(st, "SELECT count(*) FROM products", cause)) < 0 ||
	    (c->demands = store_scalar(st, "SELECT count(*) FROM demands", cause)) < 0 ||
	    (c->suppliers = store_scalar(st, "SELECT count(DISTINCT supplier_id) FROM products",
	    cause)) < 0 ||
	    (c->buyers = store_scalar(st, "SELECT count(DISTINCT buyer_id) FROM demands",
	    cause)) < 0)
		return -1;
	return 0;
}

int
guide_groups(struct store *st, guide_group_fn fn, void *arg, char **cause)
{
	char *rank = city_rank(), *sql;
	sqlite3_stmt *q;

	sql = xasprintf("SELECT s.city, " PRODUCT_CATEGORY ", count(*),"
	    " sum(count(*)) OVER (PARTITION BY s.city)"
	    " FROM products p JOIN suppliers s ON s.id = p.supplier_id"
	    " GROUP BY s.city, 2 ORDER BY %s, s.city, 2", rank);
	free(rank);
	if (query_owned(st, sql, &q, cause) != 0)
		return -1;
	while (sqlite3_step(q) == SQLITE_ROW)
		fn(arg, 0, col(q, 0), col(q, 1), sqlite3_column_int64(q, 2),
		    sqlite3_column_int64(q, 3));
	if (store_finish(st, q, cause) != 0)
		return -1;

	rank = rank_sql("b.province", province_order, nitems(province_order));
	sql = xasprintf("SELECT b.province, count(*) FROM demands d JOIN buyers b"
	    " ON b.id = d.buyer_id GROUP BY b.province ORDER BY %s, b.province", rank);
	free(rank);
	if (query_owned(st, sql, &q, cause) != 0)
		return -1;
	while (sqlite3_step(q) == SQLITE_ROW)
		fn(arg, 1, col(q, 0), NULL, sqlite3_column_int64(q, 1), sqlite3_column_int64(q, 1));
	return store_finish(st, q, cause);
}

int
guide_products(struct store *st, guide_product_fn fn, void *arg, char **cause)
{
	char *rank = city_rank();
	char *sql = xasprintf("SELECT s.city, " PRODUCT_CATEGORY ", p.code, p.name, p.spec,"
	    " p.brand, p.price, p.unit, s.name, s.county, p.contact, p.phone, p.honours"
	    " FROM products p JOIN suppliers s ON s.id = p.supplier_id"
	    " ORDER BY %s, s.city, 2, s.name, p.code", rank);
	sqlite3_stmt *q;

	free(rank);
	if (query_owned(st, sql, &q, cause) != 0)
		return -1;
	while (sqlite3_step(q) == SQLITE_ROW) {
		struct guide_product p = {
			.city = col(q, 0), .category = col(q, 1), .code = col(q, 2),
			.name = col(q, 3), .spec = col(q, 4), .brand = col(q, 5),
			.price = col(q, 6), .unit = col(q, 7), .company = col(q, 8),
			.county = col(q, 9), .contact = col(q, 10), .phone = col(q, 11),
			.honours = col(q, 12),
		};

		fn(arg, &p);
	}
	return store_finish(st, q, cause);
}

int
guide_demands(struct store *st, guide_demand_fn fn, void *arg, char **cause)
{
	char *rank = rank_sql("b.province", province_order, nitems(province_order));
	char *sql = xasprintf("SELECT b.province, d.code, d.product, " DEMAND_CATEGORY ","
	    " d.description, b.name, b.city, b.buyer_type, d.quantity, d.unit, d.price,"
	    " d.deadline, d.contact, d.phone FROM demands d JOIN buyers b ON b.id = d.buyer_id"
	    " ORDER BY %s, b.province, 4, b.name, d.code", rank);
	sqlite3_stmt *q;

	free(rank);
	if (query_owned(st, sql, &q, cause) != 0)
		return -1;
	while (sqlite3_step(q) == SQLITE_ROW) {
		struct guide_demand d = {
			.province = col(q, 0), .code = col(q, 1), .product = col(q, 2),
			.category = col(q, 3), .description = col(q, 4), .buyer = col(q, 5),
			.city = col(q, 6), .buyer_type = col(q, 7),
			.has_quantity = sqlite3_column_type(q, 8) != SQLITE_NULL,
			.quantity = sqlite3_column_double(q, 8), .unit = col(q, 9),
			.price = col(q, 10), .deadline = col(q, 11), .contact = col(q, 12),
			.phone = col(q, 13),
		};

		fn(arg, &d);
	}
	return store_finish(st, q, cause);
}
