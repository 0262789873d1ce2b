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

#include "guide.h"
#include "pdf.h"
#include "print.h"
#include "util.h"

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
	struct guide_counts	 n;
	int			 part2;		/* the contents reached the demands */
	char			*last_region;	/* while building the contents; owned */
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

/* One group of the contents (guide_groups): a city or province, and a category. */
static void
toc_group(void *arg, int part, const char *region, const char *category, long long n,
    long long region_total)
{
	struct guide *g = arg;

	if (part == 1 && !g->part2) {
		toc_add(g, 0, NULL, NULL, xstrdup("二、产品需求 / Demands"));
		g->part2 = 1;
	}
	if (category == NULL) {
		toc_add(g, 1, region, NULL, xasprintf("%s（%lld 项）", region, n));
		return;
	}
	if (g->last_region == NULL || strcmp(g->last_region, region) != 0) {
		toc_add(g, 1, region, NULL, xasprintf("%s（%lld 项）", region, region_total));
		free(g->last_region);
		g->last_region = xstrdup(region);
	}
	toc_add(g, 2, region, category, xasprintf("%s（%lld）", category, n));
}

/*
 * The contents, from grouped counts in the body's order: part 1, each
 * city with its categories; part 2, each province.
 */
static int
toc_build(struct guide *g, char **cause)
{
	int rc;

	toc_add(g, 0, NULL, NULL, xstrdup("一、名优特新产品 / Products"));
	rc = guide_groups(g->st, toc_group, g, cause);
	if (rc == 0 && !g->part2)
		toc_add(g, 0, NULL, NULL, xstrdup("二、产品需求 / Demands"));
	free(g->last_region);
	g->last_region = NULL;
	return rc;
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

/* Where a pass through the body is. */
struct body {
	struct guide	*g;
	struct pdf_doc	*doc;
	char		*region;	/* the city or province being laid out; owned */
	char		*cat;		/* the category (products); owned */
	size_t		 at;		/* the contents entry reached */
	long long	*done, total;
};

/* Part 1's row: a city to a page run, a table per category. */
static void
body_product(void *arg, const struct guide_product *p)
{
	struct body *b = arg;
	struct guide *g = b->g;
	struct pdf_doc *doc = b->doc;
	const char *cells[6];
	struct toc_entry *e;
	char *spec, *price, *company, *contact, *name;

	if (b->region == NULL || strcmp(b->region, p->city) != 0) {
		char *run = xasprintf("名优特新产品 · %s", p->city);

		if (b->cat != NULL)
			pdf_table_end(doc);
		if (b->region != NULL)
			pdf_new_page(doc);
		pdf_set_running(doc, run);
		free(run);
		free(b->region);
		b->region = xstrdup(p->city);
		free(b->cat);
		b->cat = NULL;
		b->at++;
		e = toc_next(g, &b->at, 1, p->city, NULL);
		e->page = pdf_heading(doc, PDF_H1, e->label, 80);
	}
	if (b->cat == NULL || strcmp(b->cat, p->category) != 0) {
		if (b->cat != NULL)
			pdf_table_end(doc);
		free(b->cat);
		b->cat = xstrdup(p->category);
		b->at++;
		e = toc_next(g, &b->at, 2, p->city, p->category);
		e->page = pdf_heading(doc, PDF_H2, e->label, 60);
		pdf_table_begin(doc, &product_table);
	}
	name = *p->honours != '\0' ? xasprintf("%s\n【%s】", p->name, p->honours) :
	    xstrdup(p->name);
	spec = join2(p->spec, " / ", p->brand);
	price = price_text(p->price, p->unit);
	company = *p->county != '\0' ? xasprintf("%s（%s）", p->company, p->county) :
	    xstrdup(p->company);
	contact = join2(p->contact, "\n", p->phone);
	cells[0] = p->code;
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
	if (++*b->done % 200 == 0)
		guide_progress(g, *b->done, b->total);
}

/* Part 1: every product. */
static int
body_products(struct guide *g, struct pdf_doc *doc, long long *done, long long total,
    char **cause)
{
	struct body b = { .g = g, .doc = doc, .done = done, .total = total };
	struct toc_entry *part;
	int rc;

	pdf_new_page(doc);
	part = toc_next(g, &b.at, 0, NULL, NULL);
	part->page = pdf_heading(doc, PDF_TITLE, part->label, 60);
	pdf_set_running(doc, "名优特新产品 / Products");
	rc = guide_products(g->st, body_product, &b, cause);
	if (b.cat != NULL)
		pdf_table_end(doc);
	if (b.region == NULL)
		pdf_paragraph(doc, PDF_BODY, PDF_LEFT, "（暂无产品 / no products yet）");
	free(b.region);
	free(b.cat);
	return rc;
}

/* Part 2's row: a province to a page run. */
static void
body_demand(void *arg, const struct guide_demand *d)
{
	struct body *b = arg;
	struct guide *g = b->g;
	struct pdf_doc *doc = b->doc;
	const char *cells[7];
	struct toc_entry *e;
	char *wanted, *buyer, *qty, *contact, *what;

	if (b->region == NULL || strcmp(b->region, d->province) != 0) {
		char *run = xasprintf("产品需求 · %s", d->province);

		if (b->region != NULL) {
			pdf_table_end(doc);
			pdf_new_page(doc);
		}
		pdf_set_running(doc, run);
		free(run);
		free(b->region);
		b->region = xstrdup(d->province);
		b->at++;
		e = toc_next(g, &b->at, 1, d->province, NULL);
		e->page = pdf_heading(doc, PDF_H1, e->label, 80);
		pdf_table_begin(doc, &demand_table);
	}
	what = xasprintf("%s【%s】", d->product, d->category);
	wanted = join2(what, "\n", d->description);
	buyer = *d->city != '\0' ? xasprintf("%s（%s，%s）", d->buyer, d->city, d->buyer_type) :
	    xasprintf("%s（%s）", d->buyer, d->buyer_type);
	qty = d->has_quantity ? xasprintf("%.10g %s", d->quantity, d->unit) : xstrdup("");
	contact = join2(d->contact, "\n", d->phone);
	cells[0] = d->code;
	cells[1] = wanted;
	cells[2] = buyer;
	cells[3] = qty;
	cells[4] = d->price;
	cells[5] = d->deadline;
	cells[6] = contact;
	pdf_table_row(doc, cells);
	free(what);
	free(wanted);
	free(buyer);
	free(qty);
	free(contact);
	if (++*b->done % 200 == 0)
		guide_progress(g, *b->done, b->total);
}

/* Part 2: every demand. */
static int
body_demands(struct guide *g, struct pdf_doc *doc, long long *done, long long total,
    char **cause)
{
	struct body b = { .g = g, .doc = doc, .done = done, .total = total };
	struct toc_entry *part;
	int rc;

	/* Skip to part 2's entries. */
	while (b.at < g->ntoc && !(g->toc[b.at].level == 0 && b.at > 0))
		b.at++;
	pdf_new_page(doc);
	part = toc_next(g, &b.at, 0, NULL, NULL);
	part->page = pdf_heading(doc, PDF_TITLE, part->label, 60);
	pdf_set_running(doc, "产品需求 / Demands");
	rc = guide_demands(g->st, body_demand, &b, cause);
	if (b.region != NULL)
		pdf_table_end(doc);
	else
		pdf_paragraph(doc, PDF_BODY, PDF_LEFT, "（暂无需求 / no demands yet）");
	free(b.region);
	return rc;
}

/* The body: both parts, each starting on a new page. */
static int
guide_body(struct guide *g, struct pdf_doc *doc, char **cause)
{
	long long done = 0, total = g->n.products + g->n.demands;

	if (body_products(g, doc, &done, total, cause) != 0 ||
	    body_demands(g, doc, &done, total, cause) != 0)
		return -1;
	guide_progress(g, total, total);
	return 0;
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
	    g->n.products, g->n.suppliers, g->n.demands, g->n.buyers, g->n.products,
	    g->n.suppliers, g->n.demands, g->n.buyers);
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

/* Frees the guide's contents. */
static void
guide_clear(struct guide *g)
{
	for (size_t i = 0; i < g->ntoc; i++) {
		free(g->toc[i].key);
		free(g->toc[i].sub);
		free(g->toc[i].label);
	}
	free(g->toc);
	free(g->last_region);
}

int
print_guide(struct store *st, const char *path, print_progress progress, void *arg,
    char **cause)
{
	struct guide g = { .st = st, .progress = progress, .arg = arg };
	struct pdf_opts o = { .title = "供需信息指南 · Supply–Demand Guide",
	    .footer = "fairmatch 供需对接平台", .dry = 1 };
	struct pdf_doc *doc;
	int body_pages, front_pages, rc;

	if (guide_counts(st, &g.n, cause) != 0 || toc_build(&g, cause) != 0) {
		guide_clear(&g);
		return -1;
	}

	/* 1: the body alone, dry, to learn where each heading lands. */
	g.p1 = 0.45;
	if (pdf_open(NULL, &o, &doc, cause) != 0)
		goto fail;
	if (guide_body(&g, doc, cause) != 0) {
		pdf_close(doc, NULL);
		goto fail;
	}
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
	if (guide_body(&g, doc, cause) != 0) {
		pdf_abort(doc);
		goto fail;
	}
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
