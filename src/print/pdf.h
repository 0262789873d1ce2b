/*
 * pdf.h — a small document writer over cairo and pango: A4 pages that
 * flow, headings, paragraphs, tables whose rows break across pages with
 * the header repeated, QR codes, and a running header and page-numbered
 * footer on every page.  Text is set in Noto Sans CJK SC (headings in Noto
 * Serif CJK SC); pango breaks Chinese lines where Chinese breaks them.
 *
 * A document can be opened "dry": everything is measured and paginated
 * exactly as it would be printed, nothing is drawn and nothing is written.
 * Callers that need page numbers before printing them (a table of
 * contents) lay out once dry, then again for real.
 */
#ifndef FM_PDF_H
#define FM_PDF_H

#include <stddef.h>

struct pdf_doc;

enum pdf_orientation { PDF_PORTRAIT, PDF_LANDSCAPE };

/* Text styles, one row each in pdf.c's style table. */
enum pdf_style {
	PDF_TITLE,	/* a cover or document title */
	PDF_H1,
	PDF_H2,
	PDF_H3,
	PDF_BODY,
	PDF_SMALL,
	PDF_TABLE_HEAD,
	PDF_TABLE_CELL,
	PDF_NSTYLES
};

enum pdf_align { PDF_LEFT, PDF_CENTER, PDF_RIGHT };

struct pdf_opts {
	enum pdf_orientation	 orientation;
	const char		*title;		/* PDF metadata and the page header */
	const char		*footer;	/* left of the footer, or NULL */
	int			 total_pages;	/* known total for "第 N 页 共 M 页"; 0 = unknown */
	int			 dry;		/* measure and paginate only */
};

/*
 * Opens a document to be written to path (ignored when dry; the file
 * appears only when pdf_close succeeds).  0 and *out, or -1 and *cause
 * (caller frees).
 */
int pdf_open(const char *path, const struct pdf_opts *opts, struct pdf_doc **out,
    char **cause);
/*
 * Finishes the last page and the file.  0, or -1 and *cause if anything
 * failed to be written (then no file is left at path).  Frees doc.
 */
int pdf_close(struct pdf_doc *doc, char **cause);
/* Frees doc without finishing it and removes what was written. */
void pdf_abort(struct pdf_doc *doc);

/* Pages begun so far: the number of the current page. */
int pdf_page(const struct pdf_doc *doc);
/* The width of the text area, in points. */
double pdf_width(const struct pdf_doc *doc);
/* Points left on the current page below the cursor. */
double pdf_room(const struct pdf_doc *doc);

/* Finishes the current page (if any) and starts a new one. */
void pdf_new_page(struct pdf_doc *doc);
/* Starts a new page unless height points fit below the cursor. */
void pdf_need(struct pdf_doc *doc, double height);
/* Moves the cursor down. */
void pdf_space(struct pdf_doc *doc, double height);
/* A dashed line across the text area at the cursor, to cut along; the cursor does not move. */
void pdf_cut_line(struct pdf_doc *doc);
/*
 * Narrows headings and paragraphs by right points from the right edge
 * (room for a QR code beside them); tables keep the full width.  0 undoes.
 */
void pdf_set_inset(struct pdf_doc *doc, double right);
/* The text at the right of the page header, from the next page finished on (copied). */
void pdf_set_running(struct pdf_doc *doc, const char *text);

/*
 * A heading, kept with at least keep points of what follows.  Levels 1
 * and 2 also become PDF bookmarks.  Returns the page it is on.
 */
int pdf_heading(struct pdf_doc *doc, enum pdf_style style, const char *text, double keep);
/* A paragraph of wrapped text; it breaks across pages between lines. */
void pdf_paragraph(struct pdf_doc *doc, enum pdf_style style, enum pdf_align align,
    const char *text);
/*
 * One line: left text, and right text flush right, such as a table of
 * contents entry with its page number; the left text is cut with "…" to
 * leave room.  link_page > 0 makes the line a link to that page.
 */
void pdf_line_pair(struct pdf_doc *doc, enum pdf_style style, double indent,
    const char *left, const char *right, int link_page);

/* A table's columns; the header is repeated on every page the table reaches. */
struct pdf_table {
	size_t			 ncols;
	const double		*widths;	/* [ncols] shares of the text width; any scale */
	const char *const	*head;		/* [ncols] header cells, or NULL for none */
	const enum pdf_align	*align;		/* [ncols], or NULL for all left */
	int			 max_lines;	/* per cell; longer text ends in "…"; 0 = 6 */
	double			 min_height;	/* of a body row (room to sign); 0 = the text's */
};
/* Starts a table at the cursor (spec must outlive the table). */
void pdf_table_begin(struct pdf_doc *doc, const struct pdf_table *spec);
/* One row of spec->ncols cells (NULL = empty); a new page if it does not fit. */
void pdf_table_row(struct pdf_doc *doc, const char *const *cells);
/*
 * A row whose column qr_col holds a QR code of qr_text (byte mode, level
 * M), square, as large as the cell's width and the row's height allow;
 * that column's cell text should be empty.  0, or -1 and *cause.
 */
int pdf_table_row_qr(struct pdf_doc *doc, const char *const *cells, size_t qr_col,
    const char *qr_text, char **cause);
void pdf_table_end(struct pdf_doc *doc);

/*
 * A QR code of text (byte mode, level M), size points square, its top left
 * at (x, y) from the text area's left edge and the cursor; the cursor does
 * not move.  0, or -1 and *cause if the text cannot be encoded.
 */
int pdf_qr(struct pdf_doc *doc, double x, double y, double size, const char *text,
    char **cause);

#endif
