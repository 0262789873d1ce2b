/*
 * table.c — choose a reader by what the file holds, not by its name.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "table.h"
#include "util.h"

/* The namespace of Excel 2003 XML Spreadsheets (SpreadsheetML). */
#define XML_SPREADSHEET_NS "urn:schemas-microsoft-com:office:spreadsheet"

const struct table_limits table_default_limits = {
	.max_file_bytes = 1024UL * 1024 * 1024,	/* 1 GiB: a million-row CSV fits */
	.max_row_bytes = 256 * 1024,
	.max_rows = 2000000,
	.max_cols = 200,
	.max_unpacked_bytes = 2048UL * 1024 * 1024,
	.max_unpack_ratio = 200,
};

/* What the first bytes of a file say it is. */
enum sniffed { SNIFF_TEXT, SNIFF_ZIP, SNIFF_JSON, SNIFF_OLE, SNIFF_XML, SNIFF_OTHER_XML,
    SNIFF_EMPTY };

/* Reads the first bytes of path and classifies them; -1 with *cause if unreadable. */
static int
sniff(const char *path, enum sniffed *out, char **cause)
{
	unsigned char head[4096 + 1];
	size_t n, i = 0;
	FILE *f;

	if ((f = fopen(path, "rb")) == NULL) {
		*cause = xasprintf("无法打开文件 %s：%s / cannot open %s: %s", path,
		    strerror(errno), path, strerror(errno));
		return -1;
	}
	n = fread(head, 1, sizeof head - 1, f);
	head[n] = '\0';
	fclose(f);
	if (n >= 4 && memcmp(head, "PK\003\004", 4) == 0)
		*out = SNIFF_ZIP;
	else if (n >= 8 && memcmp(head, "\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", 8) == 0)
		*out = SNIFF_OLE;
	else {
		if (n >= 3 && memcmp(head, "\xef\xbb\xbf", 3) == 0)
			i = 3;
		while (i < n && (head[i] == ' ' || head[i] == '\t' || head[i] == '\r' ||
		    head[i] == '\n'))
			i++;
		if (i == n)
			*out = SNIFF_EMPTY;
		else if (head[i] == '[' || head[i] == '{')
			*out = SNIFF_JSON;
		else if (n - i >= 5 && memcmp(head + i, "<?xml", 5) == 0)
			*out = strstr((char *)head + i, XML_SPREADSHEET_NS) != NULL ?
			    SNIFF_XML : SNIFF_OTHER_XML;
		else
			*out = SNIFF_TEXT;
	}
	return 0;
}

struct table_reader *
table_open(const char *path, const char *sheet, const struct table_limits *lim,
    char **cause)
{
	enum sniffed kind;

	if (lim == NULL)
		lim = &table_default_limits;
	if (sniff(path, &kind, cause) != 0)
		return NULL;
	switch (kind) {
	case SNIFF_EMPTY:
		*cause = xstrdup("文件是空的（没有表头行） / the file is empty (no header row)");
		return NULL;
	case SNIFF_OLE:
		return table_xls_open(path, sheet, lim, cause);
	case SNIFF_ZIP:
		return table_xlsx_open(path, sheet, lim, cause);
	case SNIFF_XML:
		return table_xml_open(path, sheet, lim, cause);
	case SNIFF_OTHER_XML:
		*cause = xstrdup("这是 XML 文件，但不是 Excel 2003 XML 表格；请在 Excel 或"
		    " WPS 中另存为 .xlsx 或 CSV 后再上传 / this is an XML file but not"
		    " an Excel 2003 XML spreadsheet: save it as .xlsx or CSV and "
		    "upload that");
		return NULL;
	case SNIFF_JSON:
		return table_json_open(path, lim, cause);
	case SNIFF_TEXT:
		break;
	}
	return table_csv_open(path, lim, cause);
}

int
table_next(struct table_reader *r, struct table_row *row, char **cause)
{
	return r->ops->next(r, row, cause);
}

void
table_close(struct table_reader *r)
{
	if (r != NULL)
		r->ops->close(r);
}

const char *
table_format(const struct table_reader *r)
{
	return r->ops->name;
}

void
table_colname(size_t col, char *buf)
{
	char tmp[8];
	size_t n = 0;

	col++;
	while (col > 0 && n < sizeof tmp - 1) {
		tmp[n++] = (char)('A' + (col - 1) % 26);
		col = (col - 1) / 26;
	}
	for (size_t i = 0; i < n; i++)
		buf[i] = tmp[n - 1 - i];
	buf[n] = '\0';
}

int
table_check_file(const char *path, const struct table_limits *lim, char **cause)
{
	struct stat sb;

	if (stat(path, &sb) != 0) {
		*cause = xasprintf("无法打开文件：%s / cannot open the file: %s",
		    strerror(errno), strerror(errno));
		return -1;
	}
	if (!S_ISREG(sb.st_mode)) {
		*cause = xstrdup("不是普通文件 / not a regular file");
		return -1;
	}
	if ((unsigned long long)sb.st_size > lim->max_file_bytes) {
		*cause = xasprintf("文件大小 %lld 字节，超过上限 %zu 字节 / the file "
		    "is %lld bytes, more than the limit of %zu bytes",
		    (long long)sb.st_size, lim->max_file_bytes,
		    (long long)sb.st_size, lim->max_file_bytes);
		return -1;
	}
	return 0;
}
