/*
 * fuzz_xlsml.c — the Excel 2003 XML (SpreadsheetML) reader: expat,
 * worksheets chosen by name, ss:Index and ss:MergeAcross, typed <Data>,
 * and the limits; then table_open's sniffing of the same bytes.  The
 * input is the file's bytes.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "fuzzutil.h"
#include "table.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *path = fuzz_write("in.xml", data, size);
	struct table_reader *tr;
	char *cause = NULL;

	if ((tr = table_xml_open(path, NULL, &table_default_limits, &cause)) != NULL)
		fuzz_drain(tr, &table_default_limits, fuzz_catalogue(size));
	free(cause);
	cause = NULL;
	if ((tr = table_xml_open(path, "Sheet1", &fuzz_tight_limits, &cause)) != NULL)
		fuzz_drain(tr, &fuzz_tight_limits, FUZZ_READ);
	free(cause);
	cause = NULL;
	if ((tr = table_open(path, NULL, &fuzz_tight_limits, &cause)) != NULL)
		fuzz_drain(tr, &fuzz_tight_limits, FUZZ_READ);
	free(cause);
	return 0;
}
