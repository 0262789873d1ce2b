/*
 * pdf.c — the document writer: page flow, text through pango, tables that
 * break across pages, QR codes through libqrencode.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cairo-pdf.h>
#include <cairo.h>
#include <pango/pangocairo.h>
#include <qrencode.h>

#include "pdf.h"
#include "util.h"

#define PT_PER_MM	(72.0 / 25.4)
#define A4_SHORT	(210.0 * PT_PER_MM)
#define A4_LONG		(297.0 * PT_PER_MM)
#define CELL_PAD	3.0		/* points inside a table cell */
#define RULE		0.5		/* line width of rules and borders */

/* How each style is set: font, the space around it, and its grey. */
static const struct {
	const char	*font;		/* a pango font description */
	double		 before;	/* points above, unless at the top of a page */
	double		 after;		/* points below */
	double		 grey;		/* 0 = black */
} styles[PDF_NSTYLES] = {
	[PDF_TITLE]	 = { "Noto Serif CJK SC Bold 22", 0, 14, 0 },
	[PDF_H1]	 = { "Noto Serif CJK SC Bold 16", 14, 8, 0 },
	[PDF_H2]	 = { "Noto Sans CJK SC Bold 12.5", 10, 5, 0.1 },
	[PDF_H3]	 = { "Noto Sans CJK SC Bold 10.5", 6, 3, 0.2 },
	[PDF_BODY]	 = { "Noto Sans CJK SC 9.5", 0, 4, 0 },
	[PDF_SMALL]	 = { "Noto Sans CJK SC 7.5", 0, 2, 0.3 },
	[PDF_TABLE_HEAD] = { "Noto Sans CJK SC Bold 8.5", 0, 0, 0 },
	[PDF_TABLE_CELL] = { "Noto Sans CJK SC 8.5", 0, 0, 0 },
};

struct pdf_doc {
	FILE			*f;		/* the .part file being written; NULL when dry */
	char			*path;		/* where the finished file goes; owned */
	char			*part;		/* path.part while writing; owned */
	int			 write_errno;	/* first write failure, 0 = none */
	cairo_surface_t		*surface;	/* owned */
	cairo_t			*cr;		/* owned */
	PangoFontMap		*fontmap;	/* this document's own; owned */
	PangoContext		*pctx;		/* owned */
	PangoFontDescription	*fonts[PDF_NSTYLES];	/* owned */
	int			 dry;
	double			 pw, ph;	/* page size */
	double			 x0, x1;	/* text area, left and right */
	double			 y0, y1;	/* text area, top and bottom */
	double			 y;		/* the cursor */
	double			 inset;		/* headings and paragraphs end this far left of x1 */
	int			 page;		/* pages begun */
	int			 in_page;	/* a page is open */
	int			 total;		/* known total pages, 0 = unknown */
	char			*title;		/* owned */
	char			*footer;	/* owned, may be NULL */
	char			*running;	/* owned, may be NULL */
	int			 outline_h1;	/* bookmark id of the last level-1 heading */
	const struct pdf_table	*table;		/* the open table, or NULL */
	double			*colx;		/* its column edges [ncols + 1]; owned */
};

/* cairo's write callback: into the .part file, remembering the first failure. */
static cairo_status_t
write_file(void *arg, const unsigned char *data, unsigned int len)
{
	struct pdf_doc *doc = arg;

	if (doc->write_errno != 0)
		return CAIRO_STATUS_WRITE_ERROR;
	if (fwrite(data, 1, len, doc->f) != len) {
		doc->write_errno = errno != 0 ? errno : EIO;
		return CAIRO_STATUS_WRITE_ERROR;
	}
	return CAIRO_STATUS_SUCCESS;
}

/* cairo's write callback for a dry document: nothing is kept. */
static cairo_status_t
write_nothing(void *arg, const unsigned char *data, unsigned int len)
{
	return CAIRO_STATUS_SUCCESS;
}

int
pdf_open(const char *path, const struct pdf_opts *opts, struct pdf_doc **out, char **cause)
{
	struct pdf_doc *doc = xcalloc(1, sizeof *doc);

	doc->dry = opts->dry;
	if (opts->orientation == PDF_LANDSCAPE) {
		doc->pw = A4_LONG;
		doc->ph = A4_SHORT;
	} else {
		doc->pw = A4_SHORT;
		doc->ph = A4_LONG;
	}
	doc->x0 = 18 * PT_PER_MM;
	doc->x1 = doc->pw - 18 * PT_PER_MM;
	doc->y0 = 22 * PT_PER_MM;
	doc->y1 = doc->ph - 18 * PT_PER_MM;
	doc->total = opts->total_pages;
	doc->title = xstrdup(opts->title != NULL ? opts->title : "");
	doc->footer = opts->footer != NULL ? xstrdup(opts->footer) : NULL;
	if (doc->dry)
		doc->surface = cairo_pdf_surface_create_for_stream(write_nothing, NULL,
		    doc->pw, doc->ph);
	else {
		doc->path = xstrdup(path);
		doc->part = xasprintf("%s.part", path);
		if ((doc->f = fopen(doc->part, "wb")) == NULL) {
			*cause = xasprintf("无法写入 %s：%s / cannot write %s: %s", path,
			    strerror(errno), path, strerror(errno));
			free(doc->path);
			free(doc->part);
			free(doc->title);
			free(doc->footer);
			free(doc);
			return -1;
		}
		doc->surface = cairo_pdf_surface_create_for_stream(write_file, doc,
		    doc->pw, doc->ph);
		cairo_pdf_surface_set_metadata(doc->surface, CAIRO_PDF_METADATA_TITLE,
		    doc->title);
		cairo_pdf_surface_set_metadata(doc->surface, CAIRO_PDF_METADATA_CREATOR,
		    "fairmatch");
	}
	doc->cr = cairo_create(doc->surface);
	/* A font map of our own, so a document shares no pango state with another thread's. */
	doc->fontmap = pango_cairo_font_map_new();
	doc->pctx = pango_font_map_create_context(doc->fontmap);
	pango_cairo_update_context(doc->cr, doc->pctx);
	pango_cairo_context_set_resolution(doc->pctx, 72);	/* font sizes in points */
	pango_context_set_language(doc->pctx, pango_language_from_string("zh-cn"));
	for (int i = 0; i < PDF_NSTYLES; i++)
		doc->fonts[i] = pango_font_description_from_string(styles[i].font);
	*out = doc;
	return 0;
}

/* Releases everything but the files. */
static void
doc_free(struct pdf_doc *doc)
{
	for (int i = 0; i < PDF_NSTYLES; i++)
		pango_font_description_free(doc->fonts[i]);
	g_object_unref(doc->pctx);
	g_object_unref(doc->fontmap);
	cairo_destroy(doc->cr);
	cairo_surface_destroy(doc->surface);
	free(doc->path);
	free(doc->part);
	free(doc->title);
	free(doc->footer);
	free(doc->running);
	free(doc->colx);
	free(doc);
}

/* A layout of text in style, width points wide (0 = unwrapped); caller unrefs. */
static PangoLayout *
layout_new(struct pdf_doc *doc, enum pdf_style style, double width, enum pdf_align align,
    int max_lines, const char *text)
{
	static const PangoAlignment alignments[] = {
		[PDF_LEFT] = PANGO_ALIGN_LEFT, [PDF_CENTER] = PANGO_ALIGN_CENTER,
		[PDF_RIGHT] = PANGO_ALIGN_RIGHT,
	};
	PangoLayout *l = pango_layout_new(doc->pctx);

	pango_layout_set_font_description(l, doc->fonts[style]);
	if (width > 0) {
		pango_layout_set_width(l, (int)(width * PANGO_SCALE));
		pango_layout_set_wrap(l, PANGO_WRAP_WORD_CHAR);
		pango_layout_set_alignment(l, alignments[align]);
	}
	if (max_lines > 0) {
		pango_layout_set_height(l, -max_lines);
		pango_layout_set_ellipsize(l, PANGO_ELLIPSIZE_END);
	}
	pango_layout_set_text(l, text != NULL ? text : "", -1);
	return l;
}

/* A layout's logical height or width in points. */
static double
layout_height(PangoLayout *l)
{
	int w, h;

	pango_layout_get_size(l, &w, &h);
	return (double)h / PANGO_SCALE;
}

static double
layout_width(PangoLayout *l)
{
	int w, h;

	pango_layout_get_size(l, &w, &h);
	return (double)w / PANGO_SCALE;
}

/* Draws a layout with its top left at (x, y) in style's grey. */
static void
layout_show(struct pdf_doc *doc, PangoLayout *l, enum pdf_style style, double x, double y)
{
	if (doc->dry)
		return;
	cairo_set_source_rgb(doc->cr, styles[style].grey, styles[style].grey,
	    styles[style].grey);
	cairo_move_to(doc->cr, x, y);
	pango_cairo_show_layout(doc->cr, l);
}

/* Draws text in one line at (x, y), aligned within width. */
static void
text_at(struct pdf_doc *doc, enum pdf_style style, double x, double y, double width,
    enum pdf_align align, const char *text)
{
	PangoLayout *l = layout_new(doc, style, width, align, 1, text);

	layout_show(doc, l, style, x, y);
	g_object_unref(l);
}

/* The running header and the footer of the page being finished. */
static void
page_furniture(struct pdf_doc *doc)
{
	double w = doc->x1 - doc->x0, top = doc->y0 - 11 * PT_PER_MM;
	double bottom = doc->y1 + 7 * PT_PER_MM;
	char *num;

	if (doc->dry)
		return;
	text_at(doc, PDF_SMALL, doc->x0, top, w * 0.6, PDF_LEFT, doc->title);
	if (doc->running != NULL)
		text_at(doc, PDF_SMALL, doc->x0 + w * 0.4, top, w * 0.6, PDF_RIGHT, doc->running);
	cairo_set_source_rgb(doc->cr, 0.55, 0.55, 0.55);
	cairo_set_line_width(doc->cr, RULE);
	cairo_move_to(doc->cr, doc->x0, top + 13);
	cairo_line_to(doc->cr, doc->x1, top + 13);
	cairo_move_to(doc->cr, doc->x0, bottom - 3);
	cairo_line_to(doc->cr, doc->x1, bottom - 3);
	cairo_stroke(doc->cr);
	if (doc->footer != NULL)
		text_at(doc, PDF_SMALL, doc->x0, bottom, w * 0.7, PDF_LEFT, doc->footer);
	if (doc->total > 0)
		num = xasprintf("第 %d 页 共 %d 页 · Page %d of %d", doc->page, doc->total,
		    doc->page, doc->total);
	else
		num = xasprintf("第 %d 页 · Page %d", doc->page, doc->page);
	text_at(doc, PDF_SMALL, doc->x0 + w * 0.5, bottom, w * 0.5, PDF_RIGHT, num);
	free(num);
}

/* Finishes the open page. */
static void
page_finish(struct pdf_doc *doc)
{
	if (!doc->in_page)
		return;
	page_furniture(doc);
	if (!doc->dry)
		cairo_show_page(doc->cr);
	doc->in_page = 0;
}

void
pdf_new_page(struct pdf_doc *doc)
{
	page_finish(doc);
	doc->page++;
	doc->in_page = 1;
	doc->y = doc->y0;
}

/* Opens a page if none is open. */
static void
ensure_page(struct pdf_doc *doc)
{
	if (!doc->in_page)
		pdf_new_page(doc);
}

int
pdf_page(const struct pdf_doc *doc)
{
	return doc->page;
}

double
pdf_width(const struct pdf_doc *doc)
{
	return doc->x1 - doc->x0 - doc->inset;
}

void
pdf_cut_line(struct pdf_doc *doc)
{
	static const double dash[] = { 4, 3 };

	ensure_page(doc);
	if (doc->dry)
		return;
	cairo_save(doc->cr);
	cairo_set_source_rgb(doc->cr, 0.45, 0.45, 0.45);
	cairo_set_line_width(doc->cr, RULE);
	cairo_set_dash(doc->cr, dash, 2, 0);
	cairo_move_to(doc->cr, doc->x0, doc->y);
	cairo_line_to(doc->cr, doc->x1, doc->y);
	cairo_stroke(doc->cr);
	cairo_restore(doc->cr);
}

void
pdf_set_inset(struct pdf_doc *doc, double right)
{
	doc->inset = right;
}

double
pdf_room(const struct pdf_doc *doc)
{
	return doc->in_page ? doc->y1 - doc->y : doc->y1 - doc->y0;
}

void
pdf_need(struct pdf_doc *doc, double height)
{
	ensure_page(doc);
	if (doc->y + height > doc->y1 && doc->y > doc->y0)
		pdf_new_page(doc);
}

void
pdf_space(struct pdf_doc *doc, double height)
{
	ensure_page(doc);
	doc->y += height;
	if (doc->y > doc->y1)
		pdf_new_page(doc);
}

void
pdf_set_running(struct pdf_doc *doc, const char *text)
{
	free(doc->running);
	doc->running = text != NULL ? xstrdup(text) : NULL;
}

int
pdf_heading(struct pdf_doc *doc, enum pdf_style style, const char *text, double keep)
{
	PangoLayout *l = layout_new(doc, style, pdf_width(doc), PDF_LEFT, 3, text);
	double h = layout_height(l), before = styles[style].before;

	ensure_page(doc);
	if (doc->y == doc->y0)
		before = 0;
	if (doc->y + before + h + keep > doc->y1 && doc->y > doc->y0) {
		pdf_new_page(doc);
		before = 0;
	}
	doc->y += before;
	layout_show(doc, l, style, doc->x0, doc->y);
	if (!doc->dry && (style == PDF_H1 || style == PDF_H2 || style == PDF_TITLE)) {
		char *dest = xasprintf("page=%d pos=[%.1f %.1f]", doc->page, doc->x0, doc->y);
		int id = cairo_pdf_surface_add_outline(doc->surface,
		    style == PDF_H2 ? doc->outline_h1 : CAIRO_PDF_OUTLINE_ROOT, text, dest, 0);

		if (style != PDF_H2)
			doc->outline_h1 = id;
		free(dest);
	}
	doc->y += h + styles[style].after;
	g_object_unref(l);
	return doc->page;
}

void
pdf_paragraph(struct pdf_doc *doc, enum pdf_style style, enum pdf_align align,
    const char *text)
{
	PangoLayout *l = layout_new(doc, style, pdf_width(doc), align, 0, text);
	PangoLayoutIter *it = pango_layout_get_iter(l);
	double off = 0;		/* layout y at the top of the current page's part */

	ensure_page(doc);
	do {
		PangoRectangle r;
		double top, h, base;

		pango_layout_iter_get_line_extents(it, NULL, &r);
		top = (double)r.y / PANGO_SCALE;
		h = (double)r.height / PANGO_SCALE;
		if (doc->y + (top - off) + h > doc->y1 && doc->y + (top - off) > doc->y0) {
			pdf_new_page(doc);
			off = top;
		}
		base = (double)pango_layout_iter_get_baseline(it) / PANGO_SCALE;
		if (!doc->dry) {
			cairo_set_source_rgb(doc->cr, styles[style].grey, styles[style].grey,
			    styles[style].grey);
			cairo_move_to(doc->cr, doc->x0 + (double)r.x / PANGO_SCALE,
			    doc->y + base - off);
			pango_cairo_show_layout_line(doc->cr,
			    pango_layout_iter_get_line_readonly(it));
		}
	} while (pango_layout_iter_next_line(it));
	pango_layout_iter_free(it);
	doc->y += layout_height(l) - off + styles[style].after;
	g_object_unref(l);
}

void
pdf_line_pair(struct pdf_doc *doc, enum pdf_style style, double indent, const char *left,
    const char *right, int link_page)
{
	PangoLayout *r = layout_new(doc, style, 0, PDF_LEFT, 0, right);
	double rw = layout_width(r), gap = 12;
	PangoLayout *l = layout_new(doc, style, pdf_width(doc) - indent - rw - gap, PDF_LEFT,
	    1, left);
	double h = layout_height(l), lw = layout_width(l);

	pdf_need(doc, h);
	if (!doc->dry) {
		char *attrs = NULL;
		double base = (double)pango_layout_get_baseline(l) / PANGO_SCALE;

		if (link_page > 0) {
			attrs = xasprintf("page=%d pos=[0 0]", link_page);
			cairo_tag_begin(doc->cr, CAIRO_TAG_LINK, attrs);
		}
		layout_show(doc, l, style, doc->x0 + indent, doc->y);
		layout_show(doc, r, style, doc->x1 - doc->inset - rw, doc->y);
		/* Dot leaders between the two. */
		if (doc->x1 - doc->inset - rw - 4 > doc->x0 + indent + lw + 4) {
			double dash[] = { 0.6, 2.4 };

			cairo_save(doc->cr);
			cairo_set_source_rgb(doc->cr, 0.5, 0.5, 0.5);
			cairo_set_line_width(doc->cr, 0.6);
			cairo_set_dash(doc->cr, dash, 2, 0);
			cairo_move_to(doc->cr, doc->x0 + indent + lw + 4, doc->y + base);
			cairo_line_to(doc->cr, doc->x1 - doc->inset - rw - 4, doc->y + base);
			cairo_stroke(doc->cr);
			cairo_restore(doc->cr);
		}
		if (link_page > 0) {
			cairo_tag_end(doc->cr, CAIRO_TAG_LINK);
			free(attrs);
		}
	}
	doc->y += h + styles[style].after;
	g_object_unref(l);
	g_object_unref(r);
}

/* Draws one table row of layouts, height h, at the cursor, shaded for a header. */
static void
row_show(struct pdf_doc *doc, PangoLayout **cells, enum pdf_style style, double h,
    int shade)
{
	const struct pdf_table *t = doc->table;
	cairo_t *cr = doc->cr;

	if (doc->dry)
		return;
	if (shade) {
		cairo_set_source_rgb(cr, 0.88, 0.9, 0.93);
		cairo_rectangle(cr, doc->colx[0], doc->y, doc->colx[t->ncols] - doc->colx[0], h);
		cairo_fill(cr);
	}
	for (size_t i = 0; i < t->ncols; i++)
		layout_show(doc, cells[i], style, doc->colx[i] + CELL_PAD, doc->y + CELL_PAD);
	cairo_set_source_rgb(cr, 0.45, 0.45, 0.45);
	cairo_set_line_width(cr, RULE);
	cairo_rectangle(cr, doc->colx[0], doc->y, doc->colx[t->ncols] - doc->colx[0], h);
	for (size_t i = 1; i < t->ncols; i++) {
		cairo_move_to(cr, doc->colx[i], doc->y);
		cairo_line_to(cr, doc->colx[i], doc->y + h);
	}
	cairo_stroke(cr);
}

/* Lays out one row's cells into ls[ncols]; returns the row's height. */
static double
row_layout(struct pdf_doc *doc, const char *const *cells, enum pdf_style style,
    int max_lines, PangoLayout **ls)
{
	const struct pdf_table *t = doc->table;
	double h = 0;

	for (size_t i = 0; i < t->ncols; i++) {
		double w = doc->colx[i + 1] - doc->colx[i] - 2 * CELL_PAD;
		enum pdf_align a = t->align != NULL ? t->align[i] : PDF_LEFT;
		double ch;

		ls[i] = layout_new(doc, style, w, a, max_lines, cells != NULL ? cells[i] : "");
		if ((ch = layout_height(ls[i])) > h)
			h = ch;
	}
	return h + 2 * CELL_PAD;
}

/* Releases a row's layouts. */
static void
row_free(const struct pdf_table *t, PangoLayout **ls)
{
	for (size_t i = 0; i < t->ncols; i++)
		g_object_unref(ls[i]);
}

/* Draws the open table's header row at the cursor. */
static void
table_head(struct pdf_doc *doc)
{
	const struct pdf_table *t = doc->table;
	PangoLayout **ls;
	double h;

	if (t->head == NULL)
		return;
	ls = xcalloc(t->ncols, sizeof *ls);
	h = row_layout(doc, t->head, PDF_TABLE_HEAD, 3, ls);
	row_show(doc, ls, PDF_TABLE_HEAD, h, 1);
	doc->y += h;
	row_free(t, ls);
	free(ls);
}

void
pdf_table_begin(struct pdf_doc *doc, const struct pdf_table *spec)
{
	double sum = 0, x;

	doc->table = spec;
	free(doc->colx);
	doc->colx = xcalloc(spec->ncols + 1, sizeof *doc->colx);
	for (size_t i = 0; i < spec->ncols; i++)
		sum += spec->widths[i];
	x = doc->x0;
	for (size_t i = 0; i < spec->ncols; i++) {
		doc->colx[i] = x;
		x += (doc->x1 - doc->x0) * spec->widths[i] / (sum > 0 ? sum : 1);
	}
	doc->colx[spec->ncols] = doc->x1;
	/* The header and a first row together, or a new page. */
	pdf_need(doc, 48);
	table_head(doc);
}

/*
 * One table row; with qr_text, column qr_col holds a QR code of it, as
 * large as the cell allows.  0, or -1 and *cause.
 */
static int
table_row(struct pdf_doc *doc, const char *const *cells, size_t qr_col, const char *qr_text,
    char **cause)
{
	const struct pdf_table *t = doc->table;
	PangoLayout *stack[16], **ls = t->ncols <= nitems(stack) ? stack :
	    xcalloc(t->ncols, sizeof *ls);
	double h = row_layout(doc, cells, PDF_TABLE_CELL, t->max_lines > 0 ? t->max_lines : 6,
	    ls), side;
	int rc = 0;

	if (h < t->min_height)
		h = t->min_height;
	ensure_page(doc);
	if (doc->y + h > doc->y1) {
		pdf_new_page(doc);
		table_head(doc);
	}
	row_show(doc, ls, PDF_TABLE_CELL, h, 0);
	if (qr_text != NULL && qr_col < t->ncols) {
		/* Centred in its cell; the code's own quiet zone keeps it off the rules. */
		side = doc->colx[qr_col + 1] - doc->colx[qr_col];
		side = side < h ? side : h;
		rc = pdf_qr(doc, doc->colx[qr_col] - doc->x0 + (doc->colx[qr_col + 1] -
		    doc->colx[qr_col] - side) / 2, (h - side) / 2, side, qr_text, cause);
	}
	doc->y += h;
	row_free(t, ls);
	if (ls != stack)
		free(ls);
	return rc;
}

void
pdf_table_row(struct pdf_doc *doc, const char *const *cells)
{
	table_row(doc, cells, 0, NULL, NULL);
}

int
pdf_table_row_qr(struct pdf_doc *doc, const char *const *cells, size_t qr_col,
    const char *qr_text, char **cause)
{
	return table_row(doc, cells, qr_col, qr_text, cause);
}

void
pdf_table_end(struct pdf_doc *doc)
{
	doc->table = NULL;
	doc->y += 6;
}

int
pdf_qr(struct pdf_doc *doc, double x, double y, double size, const char *text, char **cause)
{
	QRcode *qr = QRcode_encodeString(text, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
	double m;

	if (qr == NULL) {
		*cause = xasprintf("无法生成二维码：%s / cannot make a QR code: %s",
		    strerror(errno), strerror(errno));
		return -1;
	}
	ensure_page(doc);
	if (!doc->dry) {
		m = size / (qr->width + 8);		/* four modules of quiet zone each side */
		x += doc->x0 + 4 * m;
		y += doc->y + 4 * m;
		/* Each run of dark modules in a row as one rectangle. */
		for (int r = 0; r < qr->width; r++) {
			const unsigned char *row = qr->data + (size_t)r * qr->width;

			for (int c = 0; c < qr->width; c++) {
				int start = c;

				if (!(row[c] & 1))
					continue;
				while (c + 1 < qr->width && (row[c + 1] & 1))
					c++;
				cairo_rectangle(doc->cr, x + start * m, y + r * m,
				    (c - start + 1) * m, m);
			}
		}
		cairo_set_source_rgb(doc->cr, 0, 0, 0);
		cairo_fill(doc->cr);
	}
	QRcode_free(qr);
	return 0;
}

int
pdf_close(struct pdf_doc *doc, char **cause)
{
	cairo_status_t status;
	int failed = 0;

	page_finish(doc);
	if (doc->dry) {
		doc_free(doc);
		return 0;
	}
	cairo_destroy(doc->cr);
	doc->cr = NULL;
	cairo_surface_finish(doc->surface);
	status = cairo_surface_status(doc->surface);
	if (status != CAIRO_STATUS_SUCCESS || doc->write_errno != 0)
		failed = 1;
	if (fflush(doc->f) != 0 || fsync(fileno(doc->f)) != 0) {
		if (doc->write_errno == 0)
			doc->write_errno = errno;
		failed = 1;
	}
	if (fclose(doc->f) != 0 && !failed) {
		doc->write_errno = errno;
		failed = 1;
	}
	doc->f = NULL;
	if (!failed && rename(doc->part, doc->path) != 0) {
		doc->write_errno = errno;
		failed = 1;
	}
	if (failed) {
		const char *why = doc->write_errno != 0 ? strerror(doc->write_errno) :
		    cairo_status_to_string(status);

		*cause = xasprintf("无法写入 %s：%s / cannot write %s: %s", doc->path, why,
		    doc->path, why);
		unlink(doc->part);
	}
	cairo_surface_destroy(doc->surface);
	doc->surface = NULL;
	doc_free(doc);
	return failed ? -1 : 0;
}

void
pdf_abort(struct pdf_doc *doc)
{
	FILE *f = doc->f;
	char *part = doc->part;

	/* The surface writes its tail as it is destroyed: refuse it, then close. */
	doc->write_errno = ECANCELED;
	doc->part = NULL;
	doc_free(doc);
	if (f != NULL) {
		fclose(f);
		unlink(part);
	}
	free(part);
}
