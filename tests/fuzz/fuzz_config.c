/*
 * fuzz_config.c — the server's config file on any bytes, through inih and
 * the settings table; then each line as a command-line value.  A refusal
 * must say why; an accepted file must leave settings the table allows.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "fuzzutil.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *path = fuzz_write("fairmatch.conf", data, size);
	struct settings s;
	char *cause = NULL;

	settings_init(&s);
	if (settings_load(&s, path, 1, &cause) != 0) {
		if (cause == NULL)
			fuzz_fail("a refused config file without a message");
		free(cause);
		cause = NULL;
	} else if (s.threads < 0 || s.threads > 64 || s.timeout_seconds < 1 ||
	    s.max_header_bytes < 1024 || s.listen == NULL)
		fuzz_fail("accepted out-of-range settings");
	/* The same bytes as a value for every setting, as `serve --KEY VALUE` would pass it. */
	{
		char *value = strndup((const char *)data, size);

		for (unsigned i = 0; value != NULL && settings_key(i) != NULL; i++) {
			if (settings_set(&s, settings_key(i), value, &cause) != 0) {
				if (cause == NULL)
					fuzz_fail("a refused value without a message");
				free(cause);
				cause = NULL;
			}
		}
		free(value);
	}
	settings_free(&s);
	return 0;
}
