/*
 * catalog.h — what a supply or demand catalogue file holds: its columns as
 * one table each (header names in Chinese and English, required, length,
 * how to check), mapping a header row to fields, and checking one row.
 */
#ifndef FM_CATALOG_H
#define FM_CATALOG_H

#include <stddef.h>

enum catalog_kind { CATALOG_SUPPLY, CATALOG_DEMAND };

enum field_type {
	FT_TEXT,	/* one line */
	FT_BLOCK,	/* several lines */
	FT_LIST,	/* items separated by ；;、 */
	FT_CODE,	/* an identifier: letters, digits, - _ . / */
	FT_ZJ_CITY,	/* one of Zhejiang's 11 prefectures */
	FT_PROVINCE,	/* a province-level division */
	FT_CITY,	/* a city anywhere: 沈阳 → 沈阳市 */
	FT_CREDIT,	/* unified social credit code */
	FT_PHONE,
	FT_PRICE,	/* number, range or 面议; stored as text + min + max */
	FT_DATE,
	FT_QUANTITY,	/* stored as a number */
	FT_BUYER_TYPE,	/* 营销中心 / 重点经销户 / 商会 / 其他 */
};

/* Where a field is kept: on the item row, or on its owner (supplier, buyer). */
enum field_home { HOME_ITEM, HOME_OWNER_KEY, HOME_OWNER };

struct field_spec {
	const char	*key;		/* English name: JSON key and header alias */
	const char	*zh;		/* the Chinese header */
	const char	*aliases;	/* more accepted headers, '|'-separated */
	const char	*column;	/* the store column in its table */
	enum field_type	 type;
	enum field_home	 home;
	int		 required;
	unsigned	 max_chars;	/* in characters, after normalising */
};

struct catalog {
	enum catalog_kind	 kind;
	const char		*name;		/* "supply" / "demand" */
	const char		*zh;		/* 名优特新产品目录 / 浙江产品需求目录 */
	const char		*item_table;	/* products / demands */
	const char		*owner_table;	/* suppliers / buyers */
	const char		*owner_fk;	/* supplier_id / buyer_id */
	const char		*owner_zh;	/* 企业 / 采购单位 */
	const struct field_spec	*fields;
	size_t			 nfields;
	size_t			 code_field;	/* index of the code */
	size_t			 region_field;	/* city or province: whose row it is */
};

const struct catalog *catalog_get(enum catalog_kind kind);
/* "supply" / "demand" → the catalogue; NULL if neither. */
const struct catalog *catalog_by_name(const char *name);

/*
 * The values a field of type t takes, as the store keeps them: the 11
 * prefectures, the 34 provinces, the 4 buyer types; up to max of them into
 * out.  Returns how many there are (0 for a free-text type).
 */
size_t catalog_choices(enum field_type t, const char **out, size_t max);

/* A checked value, ready for the store. */
struct field_value {
	char	*text;		/* normalised text; NULL when the cell is empty */
	double	 num[2];	/* FT_PRICE: min, max (-1 = negotiable); FT_QUANTITY: [0] */
};

/* One problem with one cell, or with the file (row 0, col SIZE_MAX). */
struct cell_error {
	size_t	 row;		/* as the user sees it; 0 = the file or its header */
	size_t	 col;		/* 0-based column in the file; SIZE_MAX = none */
	char	*column;	/* the header as written in the file, or NULL */
	char	*field;		/* our English field name, or NULL */
	char	*value;		/* the offending value, or NULL */
	char	*message;	/* "中文 / English" */
};
void cell_error_clear(struct cell_error *e);

/* Which file column holds each field: SIZE_MAX if absent. */
struct header_map {
	const struct catalog	*cat;
	size_t			*col;		/* [cat->nfields] */
	char			**names;	/* the file's header cells, for reports */
	size_t			 ncols;
	char			**ignored;	/* header cells matching no field */
	size_t			 nignored;
};

/*
 * Maps a header row.  Unknown headers are ignored (and listed); a missing
 * required column or the same field twice is an error, each appended to
 * errs (*nerrs grows).  Returns 0 if usable, -1 if not.
 */
int header_map_build(struct header_map *hm, const struct catalog *cat,
    char **cells, size_t ncells, struct cell_error **errs, size_t *nerrs);
void header_map_free(struct header_map *hm);

/*
 * Checks and normalises one data row into vals[cat->nfields] (caller clears
 * with catalog_values_clear).  Problems are appended to errs.  Returns the
 * number of problems found in this row.
 */
size_t catalog_check_row(const struct header_map *hm, size_t line, char **cells,
    size_t ncells, struct field_value *vals, struct cell_error **errs, size_t *nerrs);
void catalog_values_clear(const struct catalog *cat, struct field_value *vals);

/* Appends an error to a growable array. */
void cell_error_add(struct cell_error **errs, size_t *nerrs, size_t row, size_t col,
    const char *column, const char *field, const char *value, char *message);

#endif
