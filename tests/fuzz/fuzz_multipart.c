/*
 * fuzz_multipart.c — an upload's multipart/form-data body on any bytes:
 * the first line (up to a NUL or CR) is the Content-Type header, the rest
 * the body.  Whatever part is found must lie inside the body.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzzutil.h"
#include "multipart.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *in = (const char *)data, *part;
	size_t head = 0, len = 0;
	char *ctype, *boundary, *name = NULL, *cause = NULL;

	while (head < size && in[head] != '\0' && in[head] != '\r' && in[head] != '\n')
		head++;
	ctype = strndup(in, head);
	if (ctype == NULL)
		return 0;
	if ((boundary = multipart_param(ctype, "boundary")) != NULL) {
		const char *body = in + (head < size ? head + 1 : head);
		size_t blen = size - (size_t)(body - in);

		if (multipart_find_file(body, blen, boundary, &part, &len, &name, &cause) == 0) {
			if (part < body || part + len > body + blen)
				fuzz_fail("the part [%p, +%zu) is outside the body [%p, +%zu)",
				    (const void *)part, len, (const void *)body, blen);
		} else if (cause == NULL)
			fuzz_fail("refused without a message");
		free(name);
		free(cause);
		free(boundary);
	}
	free(multipart_param(ctype, "filename"));
	free(multipart_param(ctype, "name"));
	free(ctype);
	return 0;
}
