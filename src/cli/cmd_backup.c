/*
 * cmd_backup.c — `fairmatch backup` and `fairmatch restore`.
 */
#include <stdio.h>
#include <stdlib.h>

#include <jansson.h>

#include "backup.h"
#include "cli.h"
#include "store.h"
#include "util.h"

/* The summary as JSON (with --json) or one line for a person. */
static void
report(const char *verb_zh, const char *verb_en, const char *path,
    const struct backup_summary *sum, int json)
{
	if (json) {
		cli_print_json(json_pack("{s:s, s:I, s:I, s:I, s:i}", "file", path,
		    "files", (json_int_t)sum->files, "bytes", (json_int_t)sum->bytes,
		    "db_bytes", (json_int_t)sum->db_bytes, "schema", sum->schema));
		return;
	}
	printf("%s %s：数据库 %lld 字节，原件与凭证 %zu 个 / %s %s: the database (%lld bytes)"
	    " and %zu kept files\n", verb_zh, path, (long long)sum->db_bytes, sum->files,
	    verb_en, path, (long long)sum->db_bytes, sum->files);
}

int
cmd_backup(const struct cmd_entry *cmd, int argc, char **argv)
{
	const char *out = NULL;
	int json = 0;
	const struct cli_opt opts[] = { { "--out", 1, &out, NULL }, { "--json", 0, NULL, &json },
	    { NULL, 0, NULL, NULL } };
	struct backup_summary sum;
	struct store *st;
	char *cause = NULL;

	if (cli_parse(cmd, argc, argv, opts, NULL, 0) < 0)
		return EXIT_USAGE;
	if (out == NULL || *out == '\0')
		return cli_usage_error(cmd, "需要 --out FILE / --out FILE is required");
	/* Read-only: a backup never writes the store, and the server may be writing. */
	if (store_open_readonly(cli_data_dir(), &st, &cause) != 0 ||
	    backup_write(st, out, &sum, &cause) != 0) {
		store_close(st);
		cli_fail(cmd, json, "files", cause);
		return EXIT_REJECTED;
	}
	store_close(st);
	report("已备份到", "backed up to", out, &sum, json);
	return EXIT_OK;
}

int
cmd_restore(const struct cmd_entry *cmd, int argc, char **argv)
{
	int json = 0;
	const struct cli_opt opts[] = { { "--json", 0, NULL, &json }, { NULL, 0, NULL, NULL } };
	struct backup_summary sum;
	char *pos[1], *cause = NULL;
	int n;

	if ((n = cli_parse(cmd, argc, argv, opts, pos, 1)) < 0)
		return EXIT_USAGE;
	if (n != 1)
		return cli_usage_error(cmd, "需要一个备份文件 / one backup file is required");
	if (backup_restore(pos[0], cli_data_dir(), &sum, &cause) != 0) {
		cli_fail(cmd, json, "files", cause);
		return EXIT_REJECTED;
	}
	/* The certificate is the box's own: a new box makes its own, as init does. */
	if (cli_make_certificate(cli_data_dir(), &cause) != 0) {
		cli_fail(cmd, json, "files", cause);
		return EXIT_REJECTED;
	}
	report("已恢复", "restored", pos[0], &sum, json);
	return EXIT_OK;
}
