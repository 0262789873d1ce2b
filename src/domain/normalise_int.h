/*
 * normalise_int.h — what the normalise_*.c files share among themselves:
 * matching a string against a list, splitting a cell into items, and the
 * keys under which names and numbers are compared.  Private to those
 * files; normalise.h is the module's interface.
 */
#ifndef FM_NORMALISE_INT_H
#define FM_NORMALISE_INT_H

#include <stddef.h>

/* Length of the first of the n strings in list that s begins with, or 0. */
size_t norm_match_any(const char *s, const char *const *list, size_t n);

/*
 * Splits s at any of the nseps separators into norm_line()d items, empty
 * ones dropped; *count set.  Caller frees with norm_free_items().
 */
char **norm_split_items(const char *s, const char *const *seps, size_t nseps,
    size_t *count);
void norm_free_items(char **items, size_t n);

/*
 * A name reduced for comparison: norm_line(), then ASCII lower-cased with
 * spaces, '-', '\'', '.' and ',' removed ("Nei Mongol" → "neimongol").
 * Caller frees.  In normalise_text.c.
 */
char *norm_name_key(const char *s);

/*
 * A number's text reduced for parsing: norm_line(), spaces removed, the
 * full-width point and minus (． － −) as ASCII.  Caller frees.  In
 * normalise_number.c.
 */
char *norm_numeric_key(const char *s);

/*
 * 1 if s (after norm_numeric_key()) is a number as Excel shows a long one
 * in scientific notation: "9.13301E+17", "1.38123E+10", "6E+11".  A code
 * or phone read that way has lost its last digits.  In normalise_number.c.
 */
int norm_is_scientific(const char *s);

#endif
