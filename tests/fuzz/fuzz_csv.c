/*
 * fuzz_csv.c — the CSV reader on any bytes: charset detection (BOM,
 * UTF-8, GB18030, UTF-16), delimiter sniffing, RFC 4180 quoting and the
 * limits, then the rows through header mapping and the field checks.
 *
 * The reader decodes in 64 KiB chunks, carrying a cut character (UTF-8)
 * or ICU's pivot from one chunk to the next.  Inputs are far smaller, so
 * each is also read with blank lines put after its first line, enough to
 * move the middle of the rest onto the first chunk boundary.  Blank lines
 * are no records, so where the charset does not depend on how much of the
 * file the first chunk holds (UTF-16, or text that is all valid UTF-8)
 * both reads must give the same cells.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzzutil.h"
#include "table.h"
#include "util.h"

#define CSV_CHUNK 65536		/* as in table_csv.c */

/* Reads path and checks what it gives; with flat, also appends every cell to it. */
static int
read_csv(const char *path, const struct table_limits *lim, enum fuzz_rows what,
    struct buf *flat)
{
	struct table_reader *tr;
	struct table_row row;
	char *cause = NULL;
	int rc;

	if ((tr = table_csv_open(path, lim, &cause)) == NULL) {
		free(cause);
		return -1;
	}
	if (flat == NULL) {
		fuzz_drain(tr, lim, what);
		return 0;
	}
	buf_add(flat, "", 0);
	while ((rc = table_next(tr, &row, &cause)) == 1) {
		for (size_t i = 0; i < row.ncells; i++)
			buf_add(flat, row.cells[i], strlen(row.cells[i]) + 1);
		buf_addc(flat, '\n');
	}
	free(cause);
	table_close(tr);
	return rc;
}

/* Whether the padded read must give what the plain one gives. */
static int
comparable(const uint8_t *data, size_t size, size_t first_line)
{
	if (memchr(data, '"', first_line) != NULL)
		return 0;	/* the padding could fall inside a quoted field */
	if (size >= 2 && (memcmp(data, "\xff\xfe", 2) == 0 || memcmp(data, "\xfe\xff", 2) == 0))
		return 1;
	if (size >= 3 && memcmp(data, "\xef\xbb\xbf", 3) == 0)
		return 1;
	return utf8_valid((const char *)data, size) && memchr(data, '\0', size) == NULL;
}

/* Reads data with blank lines (in its own code units) after its first line. */
static void
read_straddling(const uint8_t *data, size_t size)
{
	static const uint8_t le[2] = { '\n', 0 }, be[2] = { 0, '\n' };
	const uint8_t *nl = (const uint8_t *)"\n";
	size_t unit = 1, at = 0, pad;
	struct buf plain = { 0 }, padded = { 0 };
	uint8_t *big;
	int rc1, rc2;

	if (size >= 2 && (memcmp(data, "\xff\xfe", 2) == 0 || memcmp(data, "\xfe\xff", 2) == 0)) {
		nl = data[0] == 0xff ? le : be;
		unit = 2;
		at = 2;
	}
	while (at + unit <= size && memcmp(data + at, nl, unit) != 0)
		at += unit;
	at = at + unit <= size ? at + unit : size;
	if (at + (size - at) / 2 >= CSV_CHUNK)
		return;
	pad = (CSV_CHUNK - at - (size - at) / 2) / unit * unit;
	big = xmalloc(size + pad);
	memcpy(big, data, at);
	for (size_t i = 0; i < pad; i += unit)
		memcpy(big + at + i, nl, unit);
	memcpy(big + at + pad, data + at, size - at);
	if (!comparable(data, size, at))
		read_csv(fuzz_write("big.csv", big, size + pad), &table_default_limits, FUZZ_READ,
		    NULL);
	else {
		rc1 = read_csv(fuzz_write("in.csv", data, size), &table_default_limits, FUZZ_READ,
		    &plain);
		rc2 = read_csv(fuzz_write("big.csv", big, size + pad), &table_default_limits,
		    FUZZ_READ, &padded);
		if (rc1 != rc2)
			fuzz_fail("read whole: %d; read across the chunk boundary: %d", rc1, rc2);
		if (rc1 == 0 && (plain.len != padded.len ||
		    memcmp(plain.data, padded.data, plain.len) != 0))
			fuzz_fail("the cells change when the text crosses a chunk boundary");
	}
	buf_free(&plain);
	buf_free(&padded);
	free(big);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *path = fuzz_write("in.csv", data, size);

	read_csv(path, &table_default_limits, fuzz_catalogue(size), NULL);
	read_csv(path, &fuzz_tight_limits, FUZZ_READ, NULL);
	read_straddling(data, size);
	return 0;
}
