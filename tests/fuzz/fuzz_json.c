/*
 * fuzz_json.c — the JSON catalogue reader on any bytes: an array of
 * objects or an object holding one, keys as the header, lists as cells,
 * then the rows through header mapping and the field checks.  Also goes
 * in through table_open, whose sniffing sends JSON-looking text here.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "fuzzutil.h"
#include "table.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *path = fuzz_write("in.json", data, size);
	struct table_reader *tr;
	char *cause = NULL;

	if ((tr = table_json_open(path, &table_default_limits, &cause)) != NULL)
		fuzz_drain(tr, &table_default_limits, fuzz_catalogue(size));
	free(cause);
	cause = NULL;
	if ((tr = table_open(path, NULL, &fuzz_tight_limits, &cause)) != NULL)
		fuzz_drain(tr, &fuzz_tight_limits, FUZZ_READ);
	free(cause);
	return 0;
}
