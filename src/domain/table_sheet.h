/*
 * table_sheet.h — a workbook's sheet as rows, built cell by cell: the one
 * piece the XLSX, .xls and Excel 2003 XML readers share.  Each reader
 * finds its cells its own way (a zip of XML parts, FreeXL, one XML file);
 * from there on the sheet choice, the limits, what a number or date cell
 * shows and the messages for a refused row are these, so a fix here
 * reaches all three formats.
 */
#ifndef FM_TABLE_SHEET_H
#define FM_TABLE_SHEET_H

#include <stddef.h>

#include "table.h"
#include "util.h"
#include "xlsx_number.h"

#define SHEET_NAMES_LISTED	20	/* sheet names quoted in an error */

/* The row being built, and the rows handed out so far. */
struct sheet_rows {
	struct table_reader	*base;		/* its err_line is set on a refusal; not owned */
	const struct table_limits *lim;		/* not owned */
	size_t			 rownum;	/* 1-based row being built */
	struct buf		 row;		/* its cells, each NUL-ended */
	size_t			 rowbytes;	/* their text, NULs not counted */
	size_t			*off;		/* where each cell begins in row */
	char			**cells;	/* handed out in struct table_row */
	size_t			 ncells;	/* cells so far, skipped ones included */
	size_t			 cap;		/* entries allocated in off and cells */
	size_t			 nreturned;	/* rows handed out, header included */
};

/* Starts with no row; base and lim must outlive rows. */
void sheet_rows_init(struct sheet_rows *rows, struct table_reader *base,
    const struct table_limits *lim);
/* Frees what rows holds (not rows itself). */
void sheet_rows_free(struct sheet_rows *rows);
/* Begins row rownum (1-based), empty. */
void sheet_rows_start(struct sheet_rows *rows, size_t rownum);
/*
 * Whether len more bytes of text for the cell in 0-based column col still
 * fit in the row: 0, or -1 with *cause (caller frees).  For readers that
 * collect a cell's text in pieces, before the cell is added.
 */
int sheet_rows_room(struct sheet_rows *rows, size_t col, size_t len, char **cause);
/*
 * Adds the text of the cell in 0-based column col (not left of the last
 * one added), after "" for any columns skipped.  An empty text adds
 * nothing.  0, or -1 with *cause if the cell is past the column limit, the
 * row past its byte limit, or the text not UTF-8.
 */
int sheet_rows_add(struct sheet_rows *rows, size_t col, const char *s, size_t len,
    char **cause);
/*
 * Ends the row: 1 with *row filled (cells valid until the next start), 0
 * if the row has no text (Excel would not store it; nothing is handed
 * out), or -1 with *cause when it is one data row past the limit.
 */
int sheet_rows_end(struct sheet_rows *rows, struct table_row *row, char **cause);

/* Appends what a number cell whose format shows kind displays (xlsx_number.h). */
void sheet_number(double v, enum xlsx_kind kind, int date1904, struct buf *out);

/* Whether a sheet called name is the one asked for: exactly, or ignoring ASCII case. */
int sheet_name_matches(const char *name, const char *want, int exact);
/*
 * The index of the sheet asked for among names[n]: the first named want
 * exactly, else the first named want ignoring ASCII case; -1 if none.
 */
long sheet_pick(const char *const *names, size_t n, const char *want);
/*
 * The message for a workbook with no sheet named want, listing names[n]
 * (the first SHEET_NAMES_LISTED of total sheets); caller frees.
 */
char *sheet_missing_message(const char *const *names, size_t n, size_t total,
    const char *want);
/* The message for a workbook without a worksheet; caller frees. */
char *sheet_none_message(void);

#endif
