/*
 * fuzz_xls.c — the .xls reader: FreeXL's compound-file and BIFF parsing
 * behind table_xls_open, the declared-size checks that stop an .xls bomb,
 * and the rows it hands out.  The input is the file's bytes.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "fuzzutil.h"
#include "table.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *path = fuzz_write("in.xls", data, size);
	struct table_reader *tr;
	char *cause = NULL;

	if ((tr = table_xls_open(path, NULL, &table_default_limits, &cause)) != NULL)
		fuzz_drain(tr, &table_default_limits, fuzz_catalogue(size));
	free(cause);
	cause = NULL;
	if ((tr = table_xls_open(path, NULL, &fuzz_tight_limits, &cause)) != NULL)
		fuzz_drain(tr, &fuzz_tight_limits, FUZZ_READ);
	free(cause);
	return 0;
}
