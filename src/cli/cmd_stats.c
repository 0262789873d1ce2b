/*
 * cmd_stats.c — `fairmatch outcome` (what came of a meeting) and
 * `fairmatch stats` (the figures against targets, and loading targets).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <jansson.h>

#include "cli.h"
#include "outcome.h"
#include "stats.h"
#include "targets.h"
#include "util.h"

/* Prints v as one line of JSON with short reals (0.3333, not 0.33329999…); releases it. */
static void
print_json(json_t *v)
{
	char *s = json_dumps(v, JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(10));

	if (s == NULL)
		fatal("%s: json_dumps failed", __func__);
	puts(s);
	free(s);
	json_decref(v);
}

/* A year from --year: 0 if absent; -1 after a usage error. */
static int
year_arg(const struct cmd_entry *cmd, const char *s)
{
	long y;

	if (s == NULL)
		return 0;
	if (parse_long(s, 2000, 2099, &y) != 0) {
		cli_usage_error(cmd, "年份“%s”无效：应为 2000–2099 / --year: \"%s\" is not a year"
		    " from 2000 to 2099", s, s);
		return -1;
	}
	return (int)y;
}

/* An outcome in a line or two for a person. */
static void
outcome_print(const json_t *o)
{
	static const struct {
		const char	*kind;
		const char	*text;
	} kinds[] = {
		{ "none", "无成交 / no deal" }, { "intention", "意向 / intention" },
		{ "contract", "合同 / contract" },
	};
	const char *kind = json_string_value(json_object_get(o, "kind")), *shown = kind;

	printf("洽谈 %lld（%s）：%s ↔ %s\n", (long long)json_integer_value(json_object_get(o,
	    "meeting")), json_string_value(json_object_get(o, "fair")),
	    json_string_value(json_object_get(o, "buyer")),
	    json_string_value(json_object_get(o, "supplier")));
	if (!json_is_true(json_object_get(o, "recorded"))) {
		printf("尚无记录 / no outcome recorded yet\n");
		return;
	}
	for (size_t i = 0; i < nitems(kinds); i++)
		if (strcmp(kinds[i].kind, kind) == 0)
			shown = kinds[i].text;
	printf("%s，%s，%s 万元，%s，凭证 %zu 份 / evidence files: %zu\n",
	    json_is_true(json_object_get(o, "held")) ? "已洽谈 / held" : "未到 / no-show", shown,
	    json_string_value(json_object_get(o, "amount")),
	    json_string_value(json_object_get(o, "date")),
	    json_array_size(json_object_get(o, "evidence")),
	    json_array_size(json_object_get(o, "evidence")));
}

/* `fairmatch outcome FAIR MEETING-ID [changes]`: record a change, or show the outcome. */
int
cmd_outcome(const struct cmd_entry *cmd, int argc, char **argv)
{
	const char *amount = NULL, *products = NULL, *date = NULL, *evidence = NULL;
	int held = 0, noshow = 0, intention = 0, contract = 0, nodeal = 0, json = 0, n;
	const struct cli_opt opts[] = {
		{ "--held", 0, NULL, &held }, { "--no-show", 0, NULL, &noshow },
		{ "--intention", 0, NULL, &intention }, { "--contract", 0, NULL, &contract },
		{ "--no-deal", 0, NULL, &nodeal }, { "--amount", 1, &amount, NULL },
		{ "--products", 1, &products, NULL }, { "--date", 1, &date, NULL },
		{ "--evidence", 1, &evidence, NULL }, { "--json", 0, NULL, &json },
		{ NULL, 0, NULL, NULL },
	};
	struct office_scope all = { NULL, NULL };
	struct outcome_in in;
	enum outcome_err err;
	struct store *st;
	char *pos[2], *cause = NULL, *who;
	json_t *o;
	long id;
	int rc;

	if ((n = cli_parse(cmd, argc, argv, opts, pos, 2)) < 0)
		return EXIT_USAGE;
	if (n != 2)
		return cli_usage_error(cmd, "需要展会编号和洽谈编号 / FAIR and MEETING-ID are"
		    " required");
	if (held + noshow > 1 || intention + contract + nodeal > 1)
		return cli_usage_error(cmd, "--held 与 --no-show、--intention 与 --contract 只能选一"
		    " / say one of --held, --no-show and one of --intention, --contract, --no-deal");
	if (parse_long(pos[1], 1, 0x7fffffffffffffffL, &id) != 0) {
		fprintf(stderr, "fairmatch outcome: 洽谈编号“%s”无效 / meeting: \"%s\" is not a"
		    " meeting number\n", pos[1], pos[1]);
		return EXIT_REJECTED;
	}
	memset(&in, 0, sizeof in);
	in.held = held ? 1 : noshow ? 0 : -1;
	in.kind = intention ? "intention" : contract ? "contract" : nodeal ? "none" : NULL;
	in.amount = amount;
	in.products = products;
	in.date = date;
	in.evidence = evidence;
	if (store_open(cli_data_dir(), 0, &st, &cause) != 0) {
		cli_fail(cmd, json, "history", cause);
		return EXIT_REJECTED;
	}
	if (in.held < 0 && in.kind == NULL && amount == NULL && products == NULL &&
	    date == NULL && evidence == NULL) {
		o = outcome_get(st, pos[0], id, &all, &err, &cause);
		rc = o != NULL ? 0 : -1;
	} else {
		who = cli_who();
		rc = outcome_record(st, pos[0], id, &in, who, 0, &all, &o, &err, &cause);
		free(who);
	}
	store_close(st);
	if (rc != 0) {
		cli_fail(cmd, json, "history", cause);
		return EXIT_REJECTED;
	}
	if (json)
		print_json(o);
	else {
		outcome_print(o);
		json_decref(o);
	}
	return EXIT_OK;
}

/* The format from --format, else from the file's extension; NULL if neither says. */
static const char *
out_format(const char *format, const char *out)
{
	const char *dot = strrchr(out, '.');

	if (format != NULL)
		return format;
	if (dot != NULL && strcasecmp(dot, ".csv") == 0)
		return "csv";
	if (dot != NULL && strcasecmp(dot, ".xlsx") == 0)
		return "xlsx";
	return NULL;
}

/* Prints the figures as a table for a person. */
static void
stats_print(const json_t *s)
{
	const json_t *r;
	size_t i;

	printf("%-24s %6s %6s %6s %8s %6s %6s %12s %12s %12s %8s\n", "分组 / group", "洽谈",
	    "已谈", "未到", "未到率", "意向", "合同", "意向万元", "合同万元", "目标万元", "完成率");
	json_array_foreach(json_object_get(s, "rows"), i, r) {
		const json_t *ns = json_object_get(r, "no_show_rate"),
		    *pg = json_object_get(r, "progress"), *tg = json_object_get(r, "target_wan");

		printf("%-24s %6lld %6lld %6lld %7.1f%% %6lld %6lld %12s %12s %12s",
		    json_string_value(json_object_get(r, "label")),
		    (long long)json_integer_value(json_object_get(r, "meetings")),
		    (long long)json_integer_value(json_object_get(r, "held")),
		    (long long)json_integer_value(json_object_get(r, "no_show")),
		    json_is_real(ns) ? json_real_value(ns) * 100 : 0.0,
		    (long long)json_integer_value(json_object_get(r, "intentions")),
		    (long long)json_integer_value(json_object_get(r, "contracts")),
		    json_string_value(json_object_get(r, "intention_wan")),
		    json_string_value(json_object_get(r, "contract_wan")),
		    json_is_string(tg) ? json_string_value(tg) : "—");
		if (json_is_real(pg))
			printf(" %7.2f%%\n", json_real_value(pg) * 100);
		else
			printf(" %8s\n", "—");
	}
}

/* `stats targets import FILE --year Y` and `stats targets [--year Y]`. */
static int
stats_targets(const struct cmd_entry *cmd, int n, char **pos, int year, int json)
{
	struct store *st;
	char *cause = NULL;
	json_t *out;

	if (year == 0)
		return cli_usage_error(cmd, "需要 --year / --year is required");
	if (n == 2 || (n == 3 && strcmp(pos[1], "import") != 0) || n > 3)
		return cli_usage_error(cmd, "用法 / usage: stats targets import FILE --year Y");
	if (store_open(cli_data_dir(), 0, &st, &cause) != 0) {
		cli_fail(cmd, json, "rows", cause);
		return EXIT_REJECTED;
	}
	if (n == 1 && (out = targets_json(st, year, &cause)) == NULL) {
		store_close(st);
		cli_fail(cmd, json, "rows", cause);
		return EXIT_REJECTED;
	} else if (n > 1 && targets_import(st, pos[2], year, &out, &cause) != 0) {
		store_close(st);
		fprintf(stderr, "fairmatch stats: %s：%s；未做任何改动 / %s: %s; nothing was"
		    " changed\n", pos[2], cause, pos[2], cause);
		if (json)
			print_json(json_pack("{s:b, s:s}", "ok", 0, "error", cause));
		free(cause);
		return EXIT_REJECTED;
	}
	store_close(st);
	if (json)
		print_json(out);
	else {
		json_t *t = json_object_get(out, "totals");

		printf("%d 年目标 / targets for %d:", year, year);
		if (n == 3)
			printf(" %s %lld 行 / rows,", json_string_value(json_object_get(out, "kind")),
			    (long long)json_integer_value(json_object_get(out, "rows")));
		if (json_object_get(t, "offices") != NULL)
			printf(" 拓展办 %lld，营销中心 %lld，经销户 %lld，",
			    (long long)json_integer_value(json_object_get(t, "offices")),
			    (long long)json_integer_value(json_object_get(t, "centres")),
			    (long long)json_integer_value(json_object_get(t, "dealers")));
		printf(" 扩销目标 %g 亿元，三大市场 %g 亿元\n",
		    json_real_value(json_object_get(t, "sales_yi")),
		    json_real_value(json_object_get(t, "markets_yi")));
		json_decref(out);
	}
	return EXIT_OK;
}

/* `fairmatch stats [--by …]`: the figures; `stats targets …`: the year's targets. */
int
cmd_stats(const struct cmd_entry *cmd, int argc, char **argv)
{
	const char *by = "fair", *year_s = NULL, *quarter_s = NULL, *out = NULL, *format = NULL,
	    *fair = NULL;
	int json = 0, n, rc;
	const struct cli_opt opts[] = {
		{ "--by", 1, &by, NULL }, { "--year", 1, &year_s, NULL },
		{ "--quarter", 1, &quarter_s, NULL }, { "--fair", 1, &fair, NULL },
		{ "--out", 1, &out, NULL }, { "--format", 1, &format, NULL },
		{ "--json", 0, NULL, &json }, { NULL, 0, NULL, NULL },
	};
	struct stats_query sq;
	struct store *st;
	char *pos[3], *cause = NULL;
	json_t *s;
	long q = 0;
	int year;

	if ((n = cli_parse(cmd, argc, argv, opts, pos, 3)) < 0 ||
	    (year = year_arg(cmd, year_s)) < 0)
		return EXIT_USAGE;
	if (n > 0 && strcmp(pos[0], "targets") == 0)
		return stats_targets(cmd, n, pos, year, json);
	if (n > 0)
		return cli_usage_error(cmd, "多余的参数 / unexpected argument: %s", pos[0]);
	if (quarter_s != NULL && (parse_long(quarter_s, 1, 4, &q) != 0 || year == 0))
		return cli_usage_error(cmd, "--quarter 应为 1–4，且需同时给出 --year / --quarter:"
		    " \"%s\" must be 1–4 and needs --year", quarter_s);
	if (out != NULL && ((format = out_format(format, out)) == NULL ||
	    (strcmp(format, "xlsx") != 0 && strcmp(format, "csv") != 0)))
		return cli_usage_error(cmd, "请用 .xlsx 或 .csv 文件，或 --format xlsx|csv / say"
		    " --format xlsx|csv");
	memset(&sq, 0, sizeof sq);
	sq.by = by;
	sq.year = year;
	sq.quarter = (int)q;
	sq.fair = fair;
	if (store_open(cli_data_dir(), 0, &st, &cause) != 0) {
		cli_fail(cmd, json, "rows", cause);
		return EXIT_REJECTED;
	}
	s = stats_json(st, &sq, &cause);
	store_close(st);
	if (s == NULL) {
		cli_fail(cmd, json, "rows", cause);
		return EXIT_REJECTED;
	}
	if (out != NULL) {
		rc = stats_export(s, format, out, &cause);
		if (rc != 0) {
			json_decref(s);
			cli_fail(cmd, json, "rows", cause);
			return EXIT_REJECTED;
		}
		if (!json)
			printf("已写入 %s（%zu 行） / wrote %s (%zu rows)\n", out,
			    json_array_size(json_object_get(s, "rows")), out,
			    json_array_size(json_object_get(s, "rows")));
	}
	if (json)
		print_json(s);
	else {
		if (out == NULL)
			stats_print(s);
		json_decref(s);
	}
	return EXIT_OK;
}
