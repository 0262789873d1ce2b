/*
 * xlsx_number.h — Excel's numbers as a person sees them: which number
 * formats show dates and times, a stored number read strictly, and the
 * text Excel displays for it (General's 15 significant digits, or a date
 * and time from a serial).  Excel keeps numbers and dates the same way in
 * every file format it writes, so each reader of its formats (table_xlsx.c
 * now; .xls and SpreadsheetML later) turns cells into text with these.
 */
#ifndef FM_XLSX_NUMBER_H
#define FM_XLSX_NUMBER_H

struct buf;

/* What a cell's number format displays. */
enum xlsx_kind {
	XLSX_NUMBER,			/* a plain number */
	XLSX_DATE,			/* a date: YYYY-MM-DD */
	XLSX_TIME,			/* a time of day: HH:MM:SS */
	XLSX_DATETIME			/* both: YYYY-MM-DD HH:MM:SS */
};


/* What a built-in numFmtId displays (ECMA-376 18.8.30, zh-CN ids too); XLSX_NUMBER if none. */
enum xlsx_kind xlsx_builtin_kind(long id);
/* What a custom format code ("yyyy/m/d", "[h]:mm", "0.00") displays. */
enum xlsx_kind xlsx_code_kind(const char *code);

/*
 * Reads s, a number as Excel stores it ("12", "-1.5", "1.5E-3"): 0, or -1
 * if s is anything else (hex, "inf", trailing text, too large for a double).
 */
int xlsx_parse_number(const char *s, double *out);
/* Appends v as Excel shows it in a General cell: 15 significant digits, never an exponent. */
void xlsx_format_number(double v, struct buf *out);
/*
 * Appends serial v as kind shows it: "2026-03-05", "08:30:00" or
 * "2026-03-05 08:30:00".  Serials count days from 1900 (with Lotus 1-2-3's
 * 29 February 1900) or, if date1904, from 1904-01-01.  Returns -1 and
 * appends nothing if v is no date Excel shows (negative, past the year
 * 9999, or day 0 of the 1900 system as a date); the caller then shows the
 * number instead.
 */
int xlsx_format_date(double v, enum xlsx_kind kind, int date1904,
    struct buf *out);
/*
 * Appends a date stored as ISO 8601 text (t="d" cells, SpreadsheetML's
 * DateTime): "2026-03-05T08:30:00.000" → "2026-03-05 08:30:00", and
 * "2026-03-05T00:00:00" → "2026-03-05".
 */
void xlsx_format_iso_date(const char *text, struct buf *out);

#endif
