/*
 * cmd_export.c — `fairmatch export`: catalogues, a fair's candidates, its
 * schedule (any version) and its outcomes, and an upload's report as XLSX
 * or CSV; `fairmatch template`: the blank catalogue a clerk fills in.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <jansson.h>

#include "cli.h"
#include "export.h"
#include "util.h"

/* What can be exported, and whether it names a fair or an upload. */
static const struct {
	const char	*name;
	const char	*arg;		/* the positional it needs, or NULL */
} kinds[] = {
	{ "supply", NULL }, { "demand", NULL }, { "candidates", "FAIR" }, { "schedule", "FAIR" },
	{ "outcomes", "FAIR" }, { "upload", "ID" },
};

/*
 * The format from --format, else from the file --out names (required);
 * 0, or EXIT_USAGE after saying what is missing or wrong.
 */
static int
pick_format(const struct cmd_entry *cmd, const char **format, const char *out)
{
	const char *dot;

	if (out == NULL)
		return cli_usage_error(cmd, "缺少 --out FILE / --out FILE is required");
	dot = strrchr(out, '.');
	if (*format == NULL && dot != NULL && strcasecmp(dot, ".csv") == 0)
		*format = "csv";
	if (*format == NULL && dot != NULL && strcasecmp(dot, ".xlsx") == 0)
		*format = "xlsx";
	if (*format == NULL)
		return cli_usage_error(cmd, "请用 --format xlsx|csv 指定格式 / say --format xlsx|csv");
	if (strcmp(*format, "xlsx") != 0 && strcmp(*format, "csv") != 0)
		return cli_usage_error(cmd, "未知格式 / unknown format: %s", *format);
	return 0;
}

int
cmd_export(const struct cmd_entry *cmd, int argc, char **argv)
{
	const char *out = NULL, *format = NULL, *version = NULL;
	int json = 0, n;
	long v = 0;
	const struct cli_opt opts[] = {
		{ "--out", 1, &out, NULL }, { "--format", 1, &format, NULL },
		{ "--version", 1, &version, NULL },
		{ "--json", 0, NULL, &json }, { NULL, 0, NULL, NULL },
	};
	char *pos[2], *cause = NULL;
	struct store *st;
	long long rows = 0;
	size_t k;
	int rc;

	if ((n = cli_parse(cmd, argc, argv, opts, pos, 2)) < 0)
		return EXIT_USAGE;
	if (n == 0)
		return cli_usage_error(cmd, "缺少要导出的内容 / what to export?");
	for (k = 0; k < nitems(kinds); k++)
		if (strcmp(kinds[k].name, pos[0]) == 0)
			break;
	if (k == nitems(kinds))
		return cli_usage_error(cmd, "未知内容 / unknown export: %s", pos[0]);
	if ((kinds[k].arg != NULL) != (n == 2))
		return cli_usage_error(cmd, kinds[k].arg != NULL ? "缺少 %s / %s is required" :
		    "%s多余的参数 / unexpected argument%s", kinds[k].arg != NULL ? kinds[k].arg : "",
		    kinds[k].arg != NULL ? kinds[k].arg : "");
	if (pick_format(cmd, &format, out) != 0)
		return EXIT_USAGE;
	if (version != NULL && strcmp(pos[0], "schedule") != 0)
		return cli_usage_error(cmd, "--version 只用于 schedule / --version is for schedule only");
	if (version != NULL && parse_long(version, 1, 1000000, &v) != 0)
		return cli_usage_error(cmd, "版本号应为正整数 / a version is a positive number: %s",
		    version);
	if (store_open(cli_data_dir(), 0, &st, &cause) != 0) {
		cli_fail(cmd, json, "rows", cause);
		return EXIT_REJECTED;
	}
	if (strcmp(pos[0], "candidates") == 0)
		rc = export_candidates(st, pos[1], format, out, &rows, &cause);
	else if (strcmp(pos[0], "schedule") == 0)
		rc = export_schedule(st, pos[1], (int)v, format, out, &rows, &cause);
	else if (strcmp(pos[0], "outcomes") == 0)
		rc = export_outcomes(st, pos[1], format, out, &rows, &cause);
	else if (strcmp(pos[0], "upload") == 0) {
		long id;

		if (parse_long(pos[1], 1, 0x7fffffffL, &id) != 0) {
			store_close(st);
			return cli_usage_error(cmd, "上传编号应为正整数 / an upload ID is a positive"
			    " number: %s", pos[1]);
		}
		rc = export_upload_report(st, id, format, out, &rows, &cause);
	} else
		rc = export_catalogue(st, pos[0], format, out, &rows, &cause);
	store_close(st);
	if (rc != 0) {
		cli_fail(cmd, json, "rows", cause);
		return EXIT_REJECTED;
	}
	if (json)
		cli_print_json(json_pack("{s:s, s:s, s:s, s:I}", "file", out, "export", pos[0],
		    "format", format, "rows", (json_int_t)rows));
	else
		printf("已写入 %s（%lld 行） / wrote %s (%lld rows)\n", out, rows, out, rows);
	return EXIT_OK;
}

int
cmd_template(const struct cmd_entry *cmd, int argc, char **argv)
{
	const char *out = NULL, *format = NULL;
	int json = 0, n;
	const struct cli_opt opts[] = {
		{ "--out", 1, &out, NULL }, { "--format", 1, &format, NULL },
		{ "--json", 0, NULL, &json }, { NULL, 0, NULL, NULL },
	};
	char *pos[1], *cause = NULL;
	struct store *st;
	int rc;

	if ((n = cli_parse(cmd, argc, argv, opts, pos, 1)) < 0)
		return EXIT_USAGE;
	if (n == 0 || (strcmp(pos[0], "supply") != 0 && strcmp(pos[0], "demand") != 0))
		return cli_usage_error(cmd, "请指定 supply 或 demand / say supply or demand");
	if (pick_format(cmd, &format, out) != 0)
		return EXIT_USAGE;
	/* The store gives the category drop-down the categories in use. */
	if (store_open(cli_data_dir(), 0, &st, &cause) != 0) {
		cli_fail(cmd, json, "rows", cause);
		return EXIT_REJECTED;
	}
	rc = export_template(st, pos[0], format, out, &cause);
	store_close(st);
	if (rc != 0) {
		cli_fail(cmd, json, "rows", cause);
		return EXIT_REJECTED;
	}
	if (json)
		cli_print_json(json_pack("{s:s, s:s, s:s}", "file", out, "template", pos[0],
		    "format", format));
	else
		printf("已写入空白模板 %s / wrote the blank template %s\n", out, out);
	return EXIT_OK;
}
