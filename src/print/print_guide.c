/*
 * print_guide.c — the supply–demand guide (供需信息指南): a cover, a table
 * of contents with page numbers, every product by city and category, then
 * every demand by province.
 *
 * The contents must name pages that are only known once the body is laid
 * out, so the body is laid out dry first (recording where each heading
 * lands), then the cover and contents dry (to count their pages), then the
 * whole for real.  The body starts on a fresh page each time, so its pages
 * only shift by the number of front pages.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "normalise.h"
#include "pdf.h"
#include "print.h"
#include "util.h"

/* Province-level divisions in the order of GB/T 2260, for the demand part. */
static const char *const province_order[] = {
	"北京市", "天津市", "河北省", "山西省", "内蒙古自治区", "辽宁省", "吉林省",
	"黑龙江省", "上海市", "江苏省", "浙江省", "安徽省", "福建省", "江西省", "山东省",
	"河南省", "湖北省", "湖南省", "广东省", "广西壮族自治区", "海南省", "重庆市",
	"四川省", "贵州省", "云南省", "西藏自治区", "陕西省", "甘肃省", "青海省",
	"宁夏回族自治区", "新疆维吾尔自治区", "台湾省", "香港特别行政区", "澳门特别行政区",
};

/* One entry of the contents: a part, a city or province, or a category. */
struct toc_entry {
	int	 level;		/* 0 part, 1 city / province, 2 category */
	char	*key;		/* the city or province; owned */
	char	*sub;		/* the category, for level 2; owned */
	char	*label;		/* as the contents show it; owned */
	int	 page;		/* where it landed; 0 until laid out */
};

struct guide {
	struct store		*st;
	struct toc_entry	*toc;		/* owned */
	size_t			 ntoc;
	long long		 nproducts, ndemands, nsuppliers, nbuyers;
	char			*city_rank;	/* SQL: a city's place in zj_cities(); owned */
	char			*prov_rank;	/* SQL: a province's place in GB/T 2260; owned */
	print_progress		 progress;
	void			*arg;
	double			 p0, p1;	/* the progress range of this pass */
};

/* Columns of the product tables. */
static const double product_widths[] = { 11, 21, 16, 11, 21, 16 };
static const char *const product_head[] = {
	"编号\nCode", "产品名称\nProduct", "规格 / 品牌\nSpec / brand", "参考价格\nPrice",
	"生产企业\nSupplier", "联系人 / 电话\nContact",
};
static const struct pdf_table product_table = {
	.ncols = nitems(product_widths), .widths = product_widths, .head = product_head,
};

/* Columns of the demand tables. */
static const double demand_widths[] = { 12, 26, 18, 10, 9, 10, 15 };
static const char *const demand_head[] = {
	"编号\nCode", "需求产品 / 说明\nWanted", "采购单位\nBuyer", "数量\nQuantity",
	"目标价格\nPrice", "截止日期\nDue", "联系人 / 电话\nContact",
};
static const struct pdf_table demand_table = {
	.ncols = nitems(demand_widths), .widths = demand_widths, .head = demand_head,
};

/* The body's queries; %s is the rank expression. */
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

/* Appends a contents entry. */
static void
toc_add(struct guide *g, int level, const char *key, const char *sub, char *label)
{
	struct toc_entry *e;

	g->toc = xreallocarray(g->toc, g->ntoc + 1, sizeof *g->toc);
	e = &g->toc[g->ntoc++];
	e->level = level;
	e->key = key != NULL ? xstrdup(key) : NULL;
	e->sub = sub != NULL ? xstrdup(sub) : NULL;
	e->label = label;
	e->page = 0;
}

/* Column i of q as text, "" for NULL. */
static const char *
col(sqlite3_stmt *q, int i)
{
	const char *s = (const char *)sqlite3_column_text(q, i);

	return s != NULL ? s : "";
}

/*
 * The contents, from grouped counts in the body's order: part 1, each
 * city with its categories; part 2, each province.
 */
static void
toc_build(struct guide *g)
{
	char *sql;
	sqlite3_stmt *q;
	const char *last = NULL;
	char *lastbuf = NULL;

	toc_add(g, 0, NULL, NULL, xstrdup("一、名优特新产品 / Products"));
	sql = xasprintf("SELECT s.city, " PRODUCT_CATEGORY ", count(*),"
	    " sum(count(*)) OVER (PARTITION BY s.city)"
	    " FROM products p JOIN suppliers s ON s.id = p.supplier_id"
	    " GROUP BY s.city, 2 ORDER BY %s, s.city, 2", g->city_rank);
	q = store_prepare(g->st, sql);
	while (sqlite3_step(q) == SQLITE_ROW) {
		const char *city = col(q, 0), *cat = col(q, 1);

		if (last == NULL || strcmp(last, city) != 0) {
			toc_add(g, 1, city, NULL, xasprintf("%s（%lld 项）", city,
			    (long long)sqlite3_column_int64(q, 3)));
			free(lastbuf);
			last = lastbuf = xstrdup(city);
		}
		toc_add(g, 2, city, cat, xasprintf("%s（%lld）", cat,
		    (long long)sqlite3_column_int64(q, 2)));
	}
	sqlite3_finalize(q);
	free(sql);
	free(lastbuf);

	toc_add(g, 0, NULL, NULL, xstrdup("二、产品需求 / Demands"));
	sql = xasprintf("SELECT b.province, count(*) FROM demands d JOIN buyers b"
	    " ON b.id = d.buyer_id GROUP BY b.province ORDER BY %s, b.province", g->prov_rank);
	q = store_prepare(g->st, sql);
	while (sqlite3_step(q) == SQLITE_ROW)
		toc_add(g, 1, col(q, 0), NULL, xasprintf("%s（%lld 项）", col(q, 0),
		    (long long)sqlite3_column_int64(q, 1)));
	sqlite3_finalize(q);
	free(sql);
}

/* The next contents entry at level with key (and sub) from *at on; it must be there. */
static struct toc_entry *
toc_next(struct guide *g, size_t *at, int level, const char *key, const char *sub)
{
	for (; *at < g->ntoc; (*at)++) {
		struct toc_entry *e = &g->toc[*at];

		if (e->level == level && (key == NULL || strcmp(e->key, key) == 0) &&
		    (sub == NULL || strcmp(e->sub, sub) == 0))
			return e;
	}
	fatal("%s: the body and the contents disagree at %s %s", __func__,
	    key != NULL ? key : "", sub != NULL ? sub : "");
}

/* Reports progress: done of total rows in this pass. */
static void
guide_progress(struct guide *g, long long done, long long total)
{
	if (g->progress != NULL && total > 0)
		g->progress(g->arg, g->p0 + (g->p1 - g->p0) * (double)done / (double)total);
}

/* "338 元/袋", "85-120 元/箱", "面议"; caller frees. */
static char *
price_text(const char *price, const char *unit)
{
	if (*price == '\0')
		return xstrdup("");
	if (strstr(price, "议") != NULL || *unit == '\0')
		return xstrdup(price);
	return xasprintf("%s 元/%s", price, unit);
}

/* Joins two texts with sep, skipping empty ones; caller frees. */
static char *
join2(const char *a, const char *sep, const char *b)
{
	if (*a == '\0')
		return xstrdup(b);
	if (*b == '\0')
		return xstrdup(a);
	return xasprintf("%s%s%s", a, sep, b);
}

/* Part 1: every product, a city to a page run, a table per category. */
static void
body_products(struct guide *g, struct pdf_doc *doc, long long *done, long long total)
{
	char *sql = xasprintf("SELECT s.city, " PRODUCT_CATEGORY ", p.code, p.name, p.spec,"
	    " p.brand, p.price, p.unit, s.name, s.county, p.contact, p.phone, p.honours"
	    " FROM products p JOIN suppliers s ON s.id = p.supplier_id"
	    " ORDER BY %s, s.city, 2, s.name, p.code", g->city_rank);
	sqlite3_stmt *q = store_prepare(g->st, sql);
	char *city = NULL, *cat = NULL;
	struct toc_entry *part;
	size_t at = 0;
	int first = 1;

	pdf_new_page(doc);
	part = toc_next(g, &at, 0, NULL, NULL);
	part->page = pdf_heading(doc, PDF_TITLE, part->label, 60);
	pdf_set_running(doc, "名优特新产品 / Products");
	while (sqlite3_step(q) == SQLITE_ROW) {
		const char *c = col(q, 0), *k = col(q, 1);
		const char *cells[6];
		struct toc_entry *e;
		char *spec, *price, *company, *contact, *name;

		if (city == NULL || strcmp(city, c) != 0) {
			char *run = xasprintf("名优特新产品 · %s", c);

			if (cat != NULL)
				pdf_table_end(doc);
			if (!first)
				pdf_new_page(doc);
			first = 0;
			pdf_set_running(doc, run);
			free(run);
			free(city);
			city = xstrdup(c);
			free(cat);
			cat = NULL;
			at++;
			e = toc_next(g, &at, 1, c, NULL);
			e->page = pdf_heading(doc, PDF_H1, e->label, 80);
		}
		if (cat == NULL || strcmp(cat, k) != 0) {
			if (cat != NULL)
				pdf_table_end(doc);
			free(cat);
			cat = xstrdup(k);
			at++;
			e = toc_next(g, &at, 2, c, k);
			e->page = pdf_heading(doc, PDF_H2, e->label, 60);
			pdf_table_begin(doc, &product_table);
		}
		name = *col(q, 12) != '\0' ? xasprintf("%s\n【%s】", col(q, 3), col(q, 12)) :
		    xstrdup(col(q, 3));
		spec = join2(col(q, 4), " / ", col(q, 5));
		price = price_text(col(q, 6), col(q, 7));
		company = *col(q, 9) != '\0' ? xasprintf("%s（%s）", col(q, 8), col(q, 9)) :
		    xstrdup(col(q, 8));
		contact = join2(col(q, 10), "\n", col(q, 11));
		cells[0] = col(q, 2);
		cells[1] = name;
		cells[2] = spec;
		cells[3] = price;
		cells[4] = company;
		cells[5] = contact;
		pdf_table_row(doc, cells);
		free(name);
		free(spec);
		free(price);
		free(company);
		free(contact);
		if (++*done % 200 == 0)
			guide_progress(g, *done, total);
	}
	if (cat != NULL)
		pdf_table_end(doc);
	if (first)
		pdf_paragraph(doc, PDF_BODY, PDF_LEFT, "（暂无产品 / no products yet）");
	sqlite3_finalize(q);
	free(sql);
	free(city);
	free(cat);
}

/* Part 2: every demand, a province to a page run. */
static void
body_demands(struct guide *g, struct pdf_doc *doc, long long *done, long long total)
{
	char *sql = xasprintf("SELECT b.province, d.code, d.product, " DEMAND_CATEGORY ","
	    " d.description, b.name, b.city, b.buyer_type, d.quantity, d.unit, d.price,"
	    " d.deadline, d.contact, d.phone FROM demands d JOIN buyers b ON b.id = d.buyer_id"
	    " ORDER BY %s, b.province, 4, b.name, d.code", g->prov_rank);
	sqlite3_stmt *q = store_prepare(g->st, sql);
	char *prov = NULL;
	struct toc_entry *part;
	size_t at = 0;
	int first = 1;

	/* Skip to part 2's entries. */
	while (at < g->ntoc && !(g->toc[at].level == 0 && at > 0))
		at++;
	pdf_new_page(doc);
	part = toc_next(g, &at, 0, NULL, NULL);
	part->page = pdf_heading(doc, PDF_TITLE, part->label, 60);
	pdf_set_running(doc, "产品需求 / Demands");
	while (sqlite3_step(q) == SQLITE_ROW) {
		const char *p = col(q, 0);
		const char *cells[7];
		struct toc_entry *e;
		char *wanted, *buyer, *qty, *contact, *what;

		if (prov == NULL || strcmp(prov, p) != 0) {
			char *run = xasprintf("产品需求 · %s", p);

			if (prov != NULL) {
				pdf_table_end(doc);
				pdf_new_page(doc);
			}
			first = 0;
			pdf_set_running(doc, run);
			free(run);
			free(prov);
			prov = xstrdup(p);
			at++;
			e = toc_next(g, &at, 1, p, NULL);
			e->page = pdf_heading(doc, PDF_H1, e->label, 80);
			pdf_table_begin(doc, &demand_table);
		}
		what = xasprintf("%s【%s】", col(q, 2), col(q, 3));
		wanted = join2(what, "\n", col(q, 4));
		buyer = *col(q, 6) != '\0' ? xasprintf("%s（%s，%s）", col(q, 5), col(q, 6),
		    col(q, 7)) : xasprintf("%s（%s）", col(q, 5), col(q, 7));
		if (sqlite3_column_type(q, 8) != SQLITE_NULL)
			qty = xasprintf("%.10g %s", sqlite3_column_double(q, 8), col(q, 9));
		else
			qty = xstrdup("");
		contact = join2(col(q, 12), "\n", col(q, 13));
		cells[0] = col(q, 1);
		cells[1] = wanted;
		cells[2] = buyer;
		cells[3] = qty;
		cells[4] = col(q, 10);
		cells[5] = col(q, 11);
		cells[6] = contact;
		pdf_table_row(doc, cells);
		free(what);
		free(wanted);
		free(buyer);
		free(qty);
		free(contact);
		if (++*done % 200 == 0)
			guide_progress(g, *done, total);
	}
	if (prov != NULL)
		pdf_table_end(doc);
	if (first)
		pdf_paragraph(doc, PDF_BODY, PDF_LEFT, "（暂无需求 / no demands yet）");
	sqlite3_finalize(q);
	free(sql);
	free(prov);
}

/* The body: both parts, each starting on a new page. */
static void
guide_body(struct guide *g, struct pdf_doc *doc)
{
	long long done = 0, total = g->nproducts + g->ndemands;

	body_products(g, doc, &done, total);
	body_demands(g, doc, &done, total);
	guide_progress(g, total, total);
}

/* The cover and the contents; page numbers are offset by front pages. */
static void
guide_front(struct guide *g, struct pdf_doc *doc, int front)
{
	char when[32], *line;
	time_t now = time(NULL);
	struct tm tm;

	localtime_r(&now, &tm);
	strftime(when, sizeof when, "%Y 年 %m 月 %d 日", &tm);
	pdf_new_page(doc);
	pdf_space(doc, 150);
	pdf_paragraph(doc, PDF_TITLE, PDF_CENTER, "供需信息指南");
	pdf_paragraph(doc, PDF_H2, PDF_CENTER, "Supply–Demand Guide");
	pdf_space(doc, 30);
	pdf_paragraph(doc, PDF_BODY, PDF_CENTER,
	    "名优特新产品目录 · 浙江产品需求目录\n"
	    "Famous, quality, specialty and new products · Market demands for Zhejiang products");
	pdf_space(doc, 40);
	line = xasprintf("收录产品 %lld 项（供应企业 %lld 家），需求 %lld 项（采购单位 %lld 家）\n"
	    "%lld products from %lld suppliers; %lld demands from %lld buyers",
	    g->nproducts, g->nsuppliers, g->ndemands, g->nbuyers, g->nproducts, g->nsuppliers,
	    g->ndemands, g->nbuyers);
	pdf_paragraph(doc, PDF_BODY, PDF_CENTER, line);
	free(line);
	pdf_space(doc, 200);
	pdf_paragraph(doc, PDF_BODY, PDF_CENTER, when);

	pdf_new_page(doc);
	pdf_set_running(doc, "目录 / Contents");
	pdf_heading(doc, PDF_H1, "目录 / Contents", 40);
	for (size_t i = 0; i < g->ntoc; i++) {
		const struct toc_entry *e = &g->toc[i];
		int page = e->page + front;
		char *num = xasprintf("%d", page);

		if (e->level == 0)
			pdf_space(doc, 6);
		pdf_line_pair(doc, e->level == 0 ? PDF_H3 : PDF_BODY, 14.0 * e->level, e->label,
		    num, page);
		free(num);
	}
}

/* Frees the guide's contents and SQL. */
static void
guide_clear(struct guide *g)
{
	for (size_t i = 0; i < g->ntoc; i++) {
		free(g->toc[i].key);
		free(g->toc[i].sub);
		free(g->toc[i].label);
	}
	free(g->toc);
	free(g->city_rank);
	free(g->prov_rank);
}

int
print_guide(struct store *st, const char *path, print_progress progress, void *arg,
    char **cause)
{
	struct guide g = { .st = st, .progress = progress, .arg = arg };
	struct pdf_opts o = { .title = "供需信息指南 · Supply–Demand Guide",
	    .footer = "fairmatch 供需对接平台", .dry = 1 };
	struct pdf_doc *doc;
	const char *const *cities;
	size_t ncities;
	int body_pages, front_pages, rc;

	cities = zj_cities(&ncities);
	g.city_rank = rank_sql("s.city", cities, ncities);
	g.prov_rank = rank_sql("b.province", province_order, nitems(province_order));
	g.nproducts = store_scalar(st, "SELECT count(*) FROM products");
	g.ndemands = store_scalar(st, "SELECT count(*) FROM demands");
	g.nsuppliers = store_scalar(st, "SELECT count(DISTINCT supplier_id) FROM products");
	g.nbuyers = store_scalar(st, "SELECT count(DISTINCT buyer_id) FROM demands");
	if (g.nproducts < 0 || g.ndemands < 0) {
		*cause = store_error(st, "guide");
		guide_clear(&g);
		return -1;
	}
	toc_build(&g);

	/* 1: the body alone, dry, to learn where each heading lands. */
	g.p1 = 0.45;
	if (pdf_open(NULL, &o, &doc, cause) != 0)
		goto fail;
	guide_body(&g, doc);
	body_pages = pdf_page(doc);
	pdf_close(doc, NULL);

	/* 2: the cover and contents, dry, to count their pages. */
	if (pdf_open(NULL, &o, &doc, cause) != 0)
		goto fail;
	guide_front(&g, doc, 0);
	front_pages = pdf_page(doc);
	pdf_close(doc, NULL);

	/* 3: the whole, for real. */
	o.dry = 0;
	o.total_pages = front_pages + body_pages;
	g.p0 = 0.5;
	g.p1 = 1.0;
	if (pdf_open(path, &o, &doc, cause) != 0)
		goto fail;
	guide_front(&g, doc, front_pages);
	guide_body(&g, doc);
	if (pdf_page(doc) != front_pages + body_pages)
		fatal("%s: %d pages laid out, %d printed", __func__, front_pages + body_pages,
		    pdf_page(doc));
	rc = pdf_close(doc, cause);
	guide_clear(&g);
	return rc;
fail:
	guide_clear(&g);
	return -1;
}
