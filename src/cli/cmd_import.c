/*
 * cmd_import.c — `fairmatch import supply|demand FILE`.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "fair.h"
#include "import.h"
#include "indexing.h"
#include "util.h"

/* Shows rows read so far on a terminal; silent otherwise. */
static void
show_progress(size_t rows, void *arg)
{
	fprintf(stderr, "\r已读取 %zu 行 / %zu rows read", rows, rows);
}

/* `import fairs FILE`: the fairs of the season, all or nothing. */
static int
import_fairs(struct store *st, const char *path)
{
	size_t n;
	int rc = fair_import(st, path, &n, stderr);

	if (rc == 0)
		printf("已导入 %zu 个展会 / imported %zu fairs\n", n, n);
	else
		fprintf(stderr, "%s 未导入，数据未作任何改动 / %s was not imported and nothing was"
		    " changed\n", path, path);
	store_close(st);
	return rc == 0 ? EXIT_OK : EXIT_REJECTED;
}

int
cmd_import(const struct cmd_entry *cmd, int argc, char **argv)
{
	const char *sheet = NULL;
	int json = 0, no_index = 0, n, rc;
	const struct cli_opt opts[] = {
		{ "--json", 0, NULL, &json },
		{ "--no-index", 0, NULL, &no_index },
		{ "--sheet", 1, &sheet, NULL },
		{ NULL, 0, NULL, NULL },
	};
	char *pos[2], *cause = NULL, *who;
	const struct catalog *cat;
	struct import_opts io = { 0 };
	struct import_report rep;
	struct store *st;

	if ((n = cli_parse(cmd, argc, argv, opts, pos, 2)) < 0)
		return EXIT_USAGE;
	if (n != 2)
		return cli_usage_error(cmd, "需要目录类型和文件 / needs a catalogue kind and a file");
	if ((cat = catalog_by_name(pos[0])) == NULL && strcmp(pos[0], "fairs") != 0)
		return cli_usage_error(cmd, "类型应为 supply、demand 或 fairs / the kind must be"
		    " supply, demand or fairs, not “%s”", pos[0]);
	if (store_open(cli_data_dir(), 0, &st, &cause) != 0) {
		fprintf(stderr, "fairmatch import: %s\n", cause);
		free(cause);
		return EXIT_REJECTED;
	}
	if (cat == NULL)
		return import_fairs(st, pos[1]);
	who = cli_who();
	io.sheet = sheet;
	io.uploaded_by = who;
	if (isatty(STDERR_FILENO) && !json)
		io.progress = show_progress;
	rc = import_file(st, cat, pos[1], &io, &rep);
	if (io.progress != NULL && rep.rows >= 10000)
		fputc('\n', stderr);
	/* The import is committed; bringing the indexes up to date can wait for a retry. */
	if (rc == 0 && !no_index && indexing_update(st, 0, NULL, &cause) != 0) {
		fprintf(stderr, "fairmatch import: %s（导入已保存，下次运行时会补建索引 / the import is"
		    " saved; the index catches up on the next run）\n", cause);
		free(cause);
	}
	if (json) {
		char *s = import_report_json(&rep);

		puts(s);
		free(s);
	} else
		import_report_print(rc == 0 ? stdout : stderr, &rep);
	import_report_free(&rep);
	free(who);
	store_close(st);
	return rc == 0 ? EXIT_OK : EXIT_REJECTED;
}
