/*
 * multipart.h — reading a multipart/form-data upload.
 */
#ifndef FM_MULTIPART_H
#define FM_MULTIPART_H

#include <stddef.h>

/*
 * The value of parameter name (boundary, filename, name) in a header value
 * such as a Content-Type or Content-Disposition, quoted or not; NULL if
 * absent.  Caller frees.
 */
char *multipart_param(const char *value, const char *name);

/*
 * Finds the file in a multipart/form-data body: the part named "file", or
 * else the first part with a filename.  Sets *data and *len (pointing into
 * body) and *filename (caller frees; NULL if the part has none).  0, or -1
 * with *cause saying what is wrong.
 */
int multipart_find_file(const char *body, size_t blen, const char *boundary,
    const char **data, size_t *len, char **filename, char **cause);

#endif
