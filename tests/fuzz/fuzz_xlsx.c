/*
 * fuzz_xlsx.c — the XLSX reader.  An input that begins with a zip's magic
 * is the workbook itself: the zip directory, libzip and the limits against
 * zip bombs.  Any other input is the workbook's parts, separated by NUL
 * bytes (which XML cannot hold) in this order: the sheet, the shared
 * strings, the styles, workbook.xml, its relationships; a part not given
 * is a plain default.  The harness zips them (stored, not deflated), so
 * that mutations land in the XML and not in compressed bytes the zip
 * layer would refuse.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <zip.h>

#include "fuzzutil.h"
#include "table.h"
#include "util.h"

#define NS_MAIN	"http://schemas.openxmlformats.org/spreadsheetml/2006/main"
#define NS_REL	"http://schemas.openxmlformats.org/officeDocument/2006/relationships"
#define NS_PKG	"http://schemas.openxmlformats.org/package/2006/relationships"

/* The parts an input may give, in its order, with what stands in for a missing one. */
static const struct {
	const char	*name;		/* the part's name in the zip */
	const char	*fallback;	/* its text when the input does not give it */
} parts[] = {
	{ "xl/worksheets/sheet1.xml",
	    "<worksheet xmlns=\"" NS_MAIN "\"><sheetData>"
	    "<row r=\"1\"><c r=\"A1\" t=\"s\"><v>0</v></c><c r=\"B1\" t=\"s\"><v>1</v></c></row>"
	    "<row r=\"2\"><c r=\"A2\" t=\"inlineStr\"><is><t>T1</t></is></c>"
	    "<c r=\"B2\" s=\"1\"><v>46000</v></c></row></sheetData></worksheet>" },
	{ "xl/sharedStrings.xml",
	    "<sst xmlns=\"" NS_MAIN "\" count=\"2\" uniqueCount=\"2\">"
	    "<si><t>产品编号</t></si><si><r><t>产品</t></r><r><t>名称</t></r></si></sst>" },
	{ "xl/styles.xml",
	    "<styleSheet xmlns=\"" NS_MAIN "\"><numFmts count=\"1\">"
	    "<numFmt numFmtId=\"164\" formatCode=\"yyyy/m/d\"/></numFmts>"
	    "<cellXfs count=\"3\"><xf numFmtId=\"0\"/><xf numFmtId=\"14\"/>"
	    "<xf numFmtId=\"164\"/></cellXfs></styleSheet>" },
	{ "xl/workbook.xml",
	    "<workbook xmlns=\"" NS_MAIN "\" xmlns:r=\"" NS_REL "\"><sheets>"
	    "<sheet name=\"Sheet1\" sheetId=\"1\" r:id=\"rId1\"/></sheets></workbook>" },
	{ "xl/_rels/workbook.xml.rels",
	    "<Relationships xmlns=\"" NS_PKG "\">"
	    "<Relationship Id=\"rId1\" Type=\"" NS_REL "/worksheet\""
	    " Target=\"worksheets/sheet1.xml\"/>"
	    "<Relationship Id=\"rId2\" Type=\"" NS_REL "/styles\" Target=\"styles.xml\"/>"
	    "<Relationship Id=\"rId3\" Type=\"" NS_REL "/sharedStrings\""
	    " Target=\"sharedStrings.xml\"/></Relationships>" },
};

static const char content_types[] =
    "<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">"
    "<Default Extension=\"xml\" ContentType=\"application/xml\"/></Types>";

/* Adds one stored part to za. */
static void
zip_part(zip_t *za, const char *name, const void *text, size_t len)
{
	zip_source_t *src;
	zip_int64_t idx;

	if ((src = zip_source_buffer(za, text, len, 0)) == NULL)
		fatal("zip_source_buffer: %s", zip_strerror(za));
	if ((idx = zip_file_add(za, name, src, ZIP_FL_OVERWRITE)) < 0) {
		zip_source_free(src);
		fatal("zip_file_add %s: %s", name, zip_strerror(za));
	}
	zip_set_file_compression(za, (zip_uint64_t)idx, ZIP_CM_STORE, 0);
}

/* Zips the parts the input gives, and the defaults for the rest; returns the path. */
static const char *
build_workbook(const uint8_t *data, size_t size)
{
	const char *path = fuzz_write("parts.xlsx", (const uint8_t *)"", 0);
	const uint8_t *p = data, *end = data + size;
	zip_t *za;
	int ze;

	if ((za = zip_open(path, ZIP_CREATE | ZIP_TRUNCATE, &ze)) == NULL)
		fatal("zip_open %s: error %d", path, ze);
	zip_part(za, "[Content_Types].xml", content_types, strlen(content_types));
	for (size_t i = 0; i < nitems(parts); i++) {
		const uint8_t *nul;

		if (p == NULL) {
			zip_part(za, parts[i].name, parts[i].fallback, strlen(parts[i].fallback));
			continue;
		}
		nul = memchr(p, '\0', (size_t)(end - p));
		zip_part(za, parts[i].name, p, (size_t)((nul != NULL ? nul : end) - p));
		p = nul != NULL ? nul + 1 : NULL;
	}
	if (zip_close(za) != 0)
		fatal("zip_close %s: %s", path, zip_strerror(za));
	return path;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *path, *sheet = NULL;
	struct table_reader *tr;
	char *cause = NULL;

	if (size >= 4 && memcmp(data, "PK\003\004", 4) == 0)
		path = fuzz_write("in.xlsx", data, size);
	else {
		path = build_workbook(data, size);
		sheet = "Sheet1";
	}
	if ((tr = table_xlsx_open(path, NULL, &table_default_limits, &cause)) != NULL)
		fuzz_drain(tr, &table_default_limits, fuzz_catalogue(size));
	free(cause);
	cause = NULL;
	if ((tr = table_xlsx_open(path, sheet, &fuzz_tight_limits, &cause)) != NULL)
		fuzz_drain(tr, &fuzz_tight_limits, FUZZ_READ);
	free(cause);
	return 0;
}
