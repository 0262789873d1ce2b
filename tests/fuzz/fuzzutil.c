/*
 * fuzzutil.c — scratch files and the import-shaped walk over a table that
 * the reader harnesses share.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "catalog.h"
#include "fuzzutil.h"
#include "testutil.h"
#include "util.h"

/* As import's: title rows above the header may be this many. */
#define FUZZ_HEADER_ROWS 10

const struct table_limits fuzz_tight_limits = {
	.max_file_bytes = 1024 * 1024,
	.max_row_bytes = 256,
	.max_rows = 8,
	.max_cols = 6,
	.max_unpacked_bytes = 64 * 1024,
	.max_unpack_ratio = 20,
};

static char *tmpdir;

void
fuzz_fail_at(const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s:%d: ", file, line);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	abort();
}

static void
fuzz_cleanup(void)
{
	if (tmpdir != NULL)
		test_rmtree(tmpdir);
	free(tmpdir);
	tmpdir = NULL;
}

const char *
fuzz_tmpdir(void)
{
	if (tmpdir == NULL) {
		tmpdir = test_tmpdir("fuzz");
		atexit(fuzz_cleanup);
	}
	return tmpdir;
}

const char *
fuzz_write(const char *name, const uint8_t *data, size_t size)
{
	static char path[4096];
	int fd;

	snprintf(path, sizeof path, "%s/%s", fuzz_tmpdir(), name);
	if ((fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600)) == -1)
		fatal("%s: %s", path, strerror(errno));
	while (size > 0) {
		ssize_t n = write(fd, data, size);

		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			fatal("write %s: %s", path, strerror(errno));
		data += n;
		size -= (size_t)n;
	}
	close(fd);
	return path;
}

char *
fuzz_strndup(const uint8_t *data, size_t size)
{
	char *s = xmalloc(size + 1);

	memcpy(s, data, size);
	s[size] = '\0';
	return s;
}

/* One catalogue's progress through the rows: looking for its header, then checking rows. */
struct fuzz_cat {
	const struct catalog	*cat;
	struct header_map	 hm;
	int			 found;		/* the header is mapped */
	int			 tries;		/* non-blank rows tried as the header */
	struct field_value	*vals;		/* [cat->nfields] */
};

static int
row_blank(const struct table_row *row)
{
	for (size_t i = 0; i < row->ncells; i++)
		if (row->cells[i][strspn(row->cells[i], " \t\r\n")] != '\0')
			return 0;
	return 1;
}

static void
errs_free(struct cell_error *errs, size_t nerrs)
{
	for (size_t i = 0; i < nerrs; i++) {
		if (errs[i].message == NULL || !utf8_valid(errs[i].message, strlen(errs[i].message)))
			fuzz_fail("an error message that is not valid UTF-8");
		if (errs[i].value != NULL && !utf8_valid(errs[i].value, strlen(errs[i].value)))
			fuzz_fail("an error's value that is not valid UTF-8");
		cell_error_clear(&errs[i]);
	}
	free(errs);
}

/* Gives one row to one catalogue. */
static void
fuzz_cat_row(struct fuzz_cat *fc, const struct table_row *row)
{
	struct cell_error *errs = NULL;
	size_t nerrs = 0;

	if (!fc->found) {
		if (fc->tries >= FUZZ_HEADER_ROWS)
			return;
		fc->tries++;
		if (header_map_build(&fc->hm, fc->cat, row->cells, row->ncells, &errs,
		    &nerrs) == 0)
			fc->found = 1;
		else
			header_map_free(&fc->hm);
		errs_free(errs, nerrs);
		return;
	}
	catalog_check_row(&fc->hm, row->line, row->cells, row->ncells, fc->vals, &errs,
	    &nerrs);
	for (size_t f = 0; f < fc->cat->nfields; f++) {
		const char *t = fc->vals[f].text;

		if (t != NULL && !utf8_valid(t, strlen(t)))
			fuzz_fail("field %s normalised to invalid UTF-8", fc->cat->fields[f].key);
	}
	catalog_values_clear(fc->cat, fc->vals);
	errs_free(errs, nerrs);
}

void
fuzz_drain(struct table_reader *tr, const struct table_limits *lim, enum fuzz_rows what)
{
	struct fuzz_cat fc = {
		.cat = catalog_get(what == FUZZ_DEMAND ? CATALOG_DEMAND : CATALOG_SUPPLY),
	};
	struct table_row row;
	char *cause = NULL;
	int rc;

	fc.vals = xcalloc(fc.cat->nfields, sizeof *fc.vals);
	while ((rc = table_next(tr, &row, &cause)) == 1) {
		if (row.ncells > lim->max_cols)
			fuzz_fail("a row of %zu cells, over the limit of %zu", row.ncells,
			    lim->max_cols);
		for (size_t i = 0; i < row.ncells; i++)
			if (row.cells[i] == NULL || !utf8_valid(row.cells[i], strlen(row.cells[i])))
				fuzz_fail("row %zu cell %zu is not valid UTF-8", row.line, i);
		if (what != FUZZ_READ && !row_blank(&row))
			fuzz_cat_row(&fc, &row);
	}
	if (rc == -1) {
		if (cause == NULL || !utf8_valid(cause, strlen(cause)))
			fuzz_fail("a reader error without a valid message");
		free(cause);
	} else if (rc != 0)
		fuzz_fail("table_next returned %d", rc);
	if (fc.found)
		header_map_free(&fc.hm);
	free(fc.vals);
	table_close(tr);
}
