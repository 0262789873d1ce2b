/*
 * export_sink.h — rows of text out to a spreadsheet file: XLSX through
 * libxlsxwriter (one or more sheets) or CSV (UTF-8 with a BOM, CRLF, RFC
 * 4180, formula-looking cells made inert; the first sheet only).
 */
#ifndef FM_EXPORT_SINK_H
#define FM_EXPORT_SINK_H

#include <stddef.h>

struct sink;

/* One column: its header and how Excel should show it. */
struct sink_col {
	const char	*head;		/* the header cell */
	double		 width;		/* in Excel's character widths */
	int		 numeric;	/* written as a number when the text is one */
};

/*
 * How a person fills in one column of a sheet (XLSX only; a CSV file has no
 * such thing): what is typed stays as typed, a hint shows when a cell is
 * selected, and a drop-down offers the values the column takes.
 */
struct sink_input {
	int		 text;		/* formatted as text: Excel keeps zeros and digits */
	const char	*note;		/* the hint (at most 255 characters), or NULL */
	const char *const *choices;	/* the drop-down's values, or NULL */
	size_t		 nchoices;
	int		 only_choices;	/* anything else refused (else Excel only warns) */
};

/*
 * Opens path for format ("xlsx" or "csv"; anything else is refused).  The
 * file is written as path.part and renamed by sink_close.  0 and *out, or
 * -1 and *cause (caller frees).
 */
int sink_open(const char *format, const char *path, struct sink **out, char **cause);
/*
 * Starts a sheet named name with these columns and writes its header.
 * Returns 1 if its rows will be kept, 0 if the format keeps only one sheet
 * and this is not the first (its rows are then dropped).
 */
int sink_sheet(struct sink *s, const char *name, const struct sink_col *cols, size_t ncols);
/* Makes the current sheet a form: in[i] for each of its columns, below the header. */
void sink_input(struct sink *s, const struct sink_input *in);
/* One row of the current sheet's ncols cells; NULL is an empty cell. */
void sink_row(struct sink *s, const char *const *cells);
/* Finishes the file and moves it into place; 0, or -1 and *cause.  Frees s. */
int sink_close(struct sink *s, char **cause);
/* Frees s and removes what it wrote. */
void sink_abort(struct sink *s);

#endif
