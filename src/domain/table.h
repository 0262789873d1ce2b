/*
 * table.h — reading a spreadsheet-like file as rows of UTF-8 cells.
 *
 * One interface over CSV (any charset Excel writes), XLSX, .xls,
 * SpreadsheetML 2003 and JSON.  The
 * first row a reader returns is the header.  Readers stream: memory stays
 * bounded by the limits, whatever the file size.
 */
#ifndef FM_TABLE_H
#define FM_TABLE_H

#include <stddef.h>

struct table_limits {
	size_t	max_file_bytes;		/* the file as stored on disk */
	size_t	max_row_bytes;		/* one row's text, all cells */
	size_t	max_rows;		/* data rows, header not counted */
	size_t	max_cols;		/* cells in one row */
	size_t	max_unpacked_bytes;	/* XLSX: all parts read, uncompressed */
	size_t	max_unpack_ratio;	/* XLSX: uncompressed/compressed, per part */
};
extern const struct table_limits table_default_limits;

struct table_row {
	size_t	  line;		/* the row number a person sees: 1 = first line/row */
	size_t	  ncells;	/* cells in this row (trailing empties may be cut) */
	char	**cells;	/* NUL-terminated valid UTF-8; owned by the reader,
				   valid until the next table_next() or table_close() */
};

struct table_reader;
struct table_ops {
	const char *name;	/* "csv", "xlsx", "xls", "xml", "json" */
	/* 1 with a row, 0 at the end, -1 with *cause (caller frees). */
	int	(*next)(struct table_reader *, struct table_row *, char **cause);
	void	(*close)(struct table_reader *);
};
/* Every reader's state begins with this. */
struct table_reader {
	const struct table_ops	*ops;
	const char		*charset;	/* what the file was read as, for the report */
	size_t			 err_line;	/* row of the last error, 0 if unknown */
};

/*
 * Opens path, choosing the reader by content (zip magic → XLSX, OLE2
 * magic → .xls, "<?xml" naming urn:schemas-microsoft-com:office:spreadsheet
 * → SpreadsheetML 2003, a leading '[' or '{' → JSON, otherwise CSV).
 * sheet names a workbook's sheet, NULL for the first.  Returns NULL with *cause on failure.  Messages in *cause are
 * "中文 / English".
 */
struct table_reader *table_open(const char *path, const char *sheet,
    const struct table_limits *lim, char **cause);
int table_next(struct table_reader *r, struct table_row *row, char **cause);
void table_close(struct table_reader *r);
const char *table_format(const struct table_reader *r);

/* The readers, for table_open and tests. */
struct table_reader *table_csv_open(const char *path, const struct table_limits *,
    char **cause);
struct table_reader *table_xlsx_open(const char *path, const char *sheet,
    const struct table_limits *, char **cause);
struct table_reader *table_json_open(const char *path, const struct table_limits *,
    char **cause);
struct table_reader *table_xls_open(const char *path, const char *sheet,
    const struct table_limits *, char **cause);
struct table_reader *table_xml_open(const char *path, const char *sheet,
    const struct table_limits *, char **cause);

/*
 * Whether path is a regular file within lim's size, before a workbook
 * library sees it: 0, or -1 with *cause (caller frees).
 */
int table_check_file(const char *path, const struct table_limits *lim, char **cause);
/* Excel's column name for a 0-based index: 0 → "A", 27 → "AB".  buf ≥ 8. */
void table_colname(size_t col, char *buf);

#endif
