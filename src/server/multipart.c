/*
 * multipart.c — the file in a multipart/form-data body (RFC 7578), found in
 * place: no copy of the content, only of the part's headers.
 */
#define _GNU_SOURCE		/* memmem, strcasestr */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "multipart.h"
#include "util.h"

char *
multipart_param(const char *value, const char *name)
{
	size_t n = strlen(name);

	for (const char *p = value; (p = strcasestr(p, name)) != NULL; p += n) {
		const char *v = p + n, *end;

		if ((p != value && p[-1] != ' ' && p[-1] != ';') || *v != '=')
			continue;
		v++;
		if (*v == '"') {
			end = strchr(++v, '"');
			return end != NULL ? xstrndup(v, (size_t)(end - v)) : NULL;
		}
		end = v + strcspn(v, "; \t");
		return xstrndup(v, (size_t)(end - v));
	}
	return NULL;
}

int
multipart_find_file(const char *body, size_t blen, const char *boundary, const char **data,
    size_t *len, char **filename, char **cause)
{
	char *delim = xasprintf("--%s", boundary);
	size_t dlen = strlen(delim);
	const char *p = memmem(body, blen, delim, dlen), *end = body + blen;
	int rc = -1;

	*filename = NULL;
	while (p != NULL) {
		const char *hdr = p + dlen, *hend, *content, *next;
		char *headers, *disp, *name, *fname;

		if (end - hdr >= 2 && memcmp(hdr, "--", 2) == 0)
			break;				/* the closing delimiter */
		if ((hend = memmem(hdr, (size_t)(end - hdr), "\r\n\r\n", 4)) == NULL)
			break;
		content = hend + 4;
		next = memmem(content, (size_t)(end - content), delim, dlen);
		if (next == NULL || next - content < 2)
			break;
		headers = xstrndup(hdr, (size_t)(hend - hdr));
		disp = strcasestr(headers, "Content-Disposition:");
		name = disp != NULL ? multipart_param(disp, "name") : NULL;
		fname = disp != NULL ? multipart_param(disp, "filename") : NULL;
		free(headers);
		if ((name != NULL && strcmp(name, "file") == 0) || (fname != NULL && *fname != '\0')) {
			*data = content;
			*len = (size_t)(next - 2 - content);	/* the CRLF before the delimiter */
			*filename = fname;
			free(name);
			rc = 0;
			break;
		}
		free(name);
		free(fname);
		p = next;
	}
	if (rc != 0)
		*cause = xstrdup("表单里没有文件（字段名 file） / the form has no file part (field"
		    " \"file\")");
	free(delim);
	return rc;
}

