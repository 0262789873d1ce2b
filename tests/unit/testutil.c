/*
 * testutil.c — scratch directories and files for the unit tests.
 */
#define _XOPEN_SOURCE 700
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store.h"
#include "testutil.h"
#include "util.h"

char *
test_tmpdir(const char *tag)
{
	const char *tmp = getenv("TMPDIR") != NULL ? getenv("TMPDIR") : "/tmp";
	char *dir = xasprintf("%s/fm-%s-XXXXXX", tmp, tag);

	if (mkdtemp(dir) == NULL)
		fatal("mkdtemp %s failed", dir);
	return dir;
}

static int
rm_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	return remove(path);
}

void
test_rmtree(const char *dir)
{
	nftw(dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

char *
test_write(const char *dir, const char *name, const char *text)
{
	char *path = xasprintf("%s/%s", dir, name);
	FILE *f = fopen(path, "wb");

	if (f == NULL)
		fatal("cannot write %s", path);
	fputs(text, f);
	fclose(f);
	return path;
}

sqlite3_stmt *
test_prepare(struct store *st, const char *sql)
{
	sqlite3_stmt *q;
	char *cause = NULL;

	if (store_query(st, sql, &q, &cause) != 0)
		fatal("%s: %s", __func__, cause);
	return q;
}

long long
test_scalar(struct store *st, const char *sql)
{
	char *cause = NULL;
	long long v = store_scalar(st, sql, &cause);

	if (v < 0 && cause != NULL)
		fatal("%s: %s", __func__, cause);
	return v;
}
