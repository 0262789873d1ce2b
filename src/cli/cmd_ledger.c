/*
 * cmd_ledger.c — `fairmatch ledger`: the marketing network's register,
 * return lines and their review, spot checks, figures against the plan
 * and who is late.  Without --as the command line acts as the province
 * office; --as LOGIN acts as that account, with its role's rights only.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "auth.h"
#include "cli.h"
#include "ledger.h"
#include "normalise.h"
#include "util.h"
#include "withdraw.h"

/* Every option of every subcommand, as given. */
struct largs {
	const struct cmd_entry	*cmd;
	char			*pos[4];
	int			 npos;
	const char		*year, *quarter, *amount, *note, *as, *kind, *comment, *state;
	const char		*province, *out, *format, *by, *per_province, *seed, *finding;
	const char		*today, *name, *docking, *city;
	int			 json, pass, fail, fair;
	struct ledger_actor	 actor;
	char			 login[128], actor_region[64];
	char			*who;
};

/* A number option: 0 if absent, -1 after a usage error. */
static int
num_arg(struct largs *a, const char *opt, const char *s, long min, long max, long *v)
{
	*v = 0;
	if (s == NULL)
		return 0;
	if (parse_long(s, min, max, v) != 0) {
		cli_usage_error(a->cmd, "%s “%s” 应为 %ld–%ld / %s: \"%s\" must be %ld to %ld", opt,
		    s, min, max, opt, s, min, max);
		return -1;
	}
	return 0;
}

/* The year (required) and quarter (optional) options; -1 after a usage error. */
static int
year_quarter(struct largs *a, int *year, int *quarter)
{
	long y, q;

	if (a->year == NULL) {
		cli_usage_error(a->cmd, "需要 --year / --year is required");
		return -1;
	}
	if (num_arg(a, "--year", a->year, 2000, 2099, &y) != 0 ||
	    num_arg(a, "--quarter", a->quarter, 1, 4, &q) != 0)
		return -1;
	*year = (int)y;
	*quarter = (int)q;
	return 0;
}

/* Reports cause (a refusal, bad input or the store) and returns EXIT_REJECTED. */
static int
failed(struct largs *a, char *cause)
{
	cli_fail(a->cmd, a->json, "rows", cause);
	return EXIT_REJECTED;
}

/*
 * Prints the result: v as JSON, or text by show; releases v.  A NULL v is
 * the call's failure, reported with its *cause.
 */
static int
emit(struct largs *a, json_t *v, char **cause, void (*show)(json_t *))
{
	if (v == NULL)
		return failed(a, *cause);
	if (a->json || show == NULL)
		cli_print_json(v);
	else {
		show(v);
		json_decref(v);
	}
	return EXIT_OK;
}

/* A line number from the command line; -1 after a message. */
static long long
line_arg(struct largs *a, const char *s)
{
	long v;

	if (parse_long(s, 1, 0x7fffffffffffffffL, &v) != 0) {
		cli_usage_error(a->cmd, "申报编号“%s”无效 / \"%s\" is not a line number", s, s);
		return -1;
	}
	return v;
}

static void
show_import(json_t *v)
{
	printf("名录 %lld 行（新增 %lld，更新 %lld）；拓展办 %lld，营销中心 %lld（重点 %lld），"
	    "重点经销户 %lld / register: %lld rows\n",
	    (long long)json_integer_value(json_object_get(v, "rows")),
	    (long long)json_integer_value(json_object_get(v, "inserted")),
	    (long long)json_integer_value(json_object_get(v, "updated")),
	    (long long)json_integer_value(json_object_get(v, "offices")),
	    (long long)json_integer_value(json_object_get(v, "centres")),
	    (long long)json_integer_value(json_object_get(v, "key_centres")),
	    (long long)json_integer_value(json_object_get(v, "distributors")),
	    (long long)json_integer_value(json_object_get(v, "rows")));
}

static int
sub_import(struct store *st, struct largs *a)
{
	json_t *out;
	char *cause = NULL;

	return emit(a, ledger_register_import(st, a->pos[1], NULL, a->who, &out, &cause) == 0 ? out :
	    NULL, &cause, show_import);
}

static void
show_list(json_t *v)
{
	size_t i;
	json_t *o;

	json_array_foreach(json_object_get(v, "outlets"), i, o)
		printf("%s\t%s\t%s\t%s\t%s\t%s\n", json_string_value(json_object_get(o, "code")),
		    json_string_value(json_object_get(o, "name")),
		    json_string_value(json_object_get(o, "province")),
		    json_string_value(json_object_get(o, "city")),
		    json_string_value(json_object_get(o, "stage")),
		    json_string_value(json_object_get(o, "base")));
	printf("拓展办 %lld，营销中心 %lld（重点 %lld），重点经销户 %lld，2009 年基数 %s 万元\n",
	    (long long)json_integer_value(json_object_get(v, "offices")),
	    (long long)json_integer_value(json_object_get(v, "centres")),
	    (long long)json_integer_value(json_object_get(v, "key_centres")),
	    (long long)json_integer_value(json_object_get(v, "distributors")),
	    json_string_value(json_object_get(v, "base")));
}

/* The --province option as the store names it; -1 after a usage error. */
static int
province_arg(struct largs *a, const char **canon)
{
	*canon = NULL;
	if (a->province == NULL)
		return 0;
	if ((*canon = norm_province(a->province)) == NULL) {
		cli_usage_error(a->cmd, "“%s”不是省级行政区 / \"%s\" is not a province", a->province,
		    a->province);
		return -1;
	}
	return 0;
}

static int
sub_list(struct store *st, struct largs *a)
{
	const char *prov;
	char *cause = NULL;

	if (province_arg(a, &prov) != 0)
		return EXIT_USAGE;
	return emit(a, ledger_register_json(st, prov, &cause), &cause, show_list);
}

/* The export format from --format or the file's extension; NULL if neither says. */
static const char *
format_of(struct largs *a, const char *path)
{
	const char *dot = strrchr(path, '.');

	if (a->format != NULL)
		return a->format;
	return dot != NULL && (strcmp(dot, ".xlsx") == 0 || strcmp(dot, ".csv") == 0) ?
	    dot + 1 : NULL;
}

static int
sub_export(struct store *st, struct largs *a)
{
	const char *prov, *fmt = format_of(a, a->pos[1]);
	json_t *v;
	char *cause = NULL;

	if (fmt == NULL)
		return cli_usage_error(a->cmd, "请用 .xlsx 或 .csv 文件 / say FILE.xlsx or FILE.csv");
	if (province_arg(a, &prov) != 0)
		return EXIT_USAGE;
	if ((v = ledger_register_json(st, prov, &cause)) == NULL ||
	    ledger_register_export(v, fmt, a->pos[1], &cause) != 0) {
		json_decref(v);
		return failed(a, cause);
	}
	if (!a->json)
		printf("已写入 %s（%zu 行） / wrote %s\n", a->pos[1],
		    json_array_size(json_object_get(v, "outlets")), a->pos[1]);
	else
		cli_print_json(json_pack("{s:s, s:I}", "file", a->pos[1], "rows",
		    (json_int_t)json_array_size(json_object_get(v, "outlets"))));
	json_decref(v);
	return EXIT_OK;
}

static int
sub_plan(struct store *st, struct largs *a)
{
	int year, quarter;
	json_t *out;
	char *cause = NULL;

	if (a->npos != 3 || strcmp(a->pos[1], "import") != 0)
		return cli_usage_error(a->cmd, "用法 / usage: ledger plan import FILE --year Y");
	if (year_quarter(a, &year, &quarter) != 0)
		return EXIT_USAGE;
	return emit(a, ledger_plan_import(st, a->pos[2], year, &out, &cause) == 0 ? out : NULL,
	    &cause, NULL);
}

/* The year and quarter (both required) and --amount; -1 after a usage error. */
static int
quarter_amount(struct largs *a, int *year, int *quarter)
{
	if (year_quarter(a, year, quarter) != 0)
		return -1;
	if (*quarter == 0 || a->amount == NULL) {
		cli_usage_error(a->cmd, "需要 --quarter 和 --amount / --quarter and --amount are"
		    " required");
		return -1;
	}
	return 0;
}

static int
sub_submit(struct store *st, struct largs *a)
{
	struct ledger_line_in in = { 0 };
	int64_t id;
	int forbidden, year, quarter;
	char *cause = NULL;

	if (quarter_amount(a, &year, &quarter) != 0)
		return EXIT_USAGE;
	in.outlet = a->pos[1];
	in.year = year;
	in.quarter = quarter;
	in.amount = a->amount;
	in.note = a->note;
	in.from_fair = a->fair;
	if (ledger_line_submit(st, &a->actor, &in, &id, &forbidden, &cause) != 0)
		return failed(a, cause);
	if (a->json)
		cli_print_json(json_pack("{s:I}", "line", (json_int_t)id));
	else
		printf("申报 %lld 已提交，待初核 / line %lld submitted\n", (long long)id,
		    (long long)id);
	return EXIT_OK;
}

static int
sub_returns(struct store *st, struct largs *a)
{
	int forbidden, year, quarter;
	json_t *out;
	char *cause = NULL;

	if (a->npos != 3 || strcmp(a->pos[1], "import") != 0)
		return cli_usage_error(a->cmd, "用法 / usage: ledger returns import FILE --year Y"
		    " --quarter Q");
	if (year_quarter(a, &year, &quarter) != 0)
		return EXIT_USAGE;
	if (quarter == 0)
		return cli_usage_error(a->cmd, "需要 --quarter / --quarter is required");
	if (ledger_returns_import(st, &a->actor, a->pos[2], year, quarter, &out, &forbidden,
	    &cause) != 0) {
		size_t i;
		json_t *e;

		json_array_foreach(json_object_get(out, "errors"), i, e)
			fprintf(stderr, "%s：%s\n", json_string_value(json_object_get(e, "cell")),
			    json_string_value(json_object_get(e, "message")));
		json_decref(out);
		return failed(a, cause);
	}
	return emit(a, out, &cause, NULL);
}

static int
sub_evidence(struct store *st, struct largs *a)
{
	long long line;
	int forbidden;
	char *cause = NULL;

	if (a->npos != 3)
		return cli_usage_error(a->cmd, "用法 / usage: ledger evidence LINE FILE --kind K");
	if ((line = line_arg(a, a->pos[1])) < 0)
		return EXIT_USAGE;
	if (ledger_evidence_add(st, &a->actor, line, a->pos[2], a->name,
	    a->kind != NULL ? a->kind : "other", &forbidden, &cause) != 0)
		return failed(a, cause);
	if (!a->json)
		printf("凭证已加入申报 %lld / evidence added to line %lld\n", line, line);
	else
		cli_print_json(json_pack("{s:I}", "line", (json_int_t)line));
	return EXIT_OK;
}

static int
sub_act(struct store *st, struct largs *a)
{
	long long line;
	int forbidden;
	char *cause = NULL;
	json_t *v;

	if ((line = line_arg(a, a->pos[1])) < 0)
		return EXIT_USAGE;
	if (ledger_line_act(st, &a->actor, line, a->pos[0], a->comment, &forbidden,
	    &cause) != 0 || (v = ledger_line_json(st, &a->actor, line, &forbidden,
	    &cause)) == NULL)
		return failed(a, cause);
	if (a->json)
		cli_print_json(v);
	else {
		printf("申报 %lld：%s / line %lld: %s\n", line,
		    json_string_value(json_object_get(v, "state_zh")), line,
		    json_string_value(json_object_get(v, "state")));
		json_decref(v);
	}
	return EXIT_OK;
}

static void
show_line(json_t *v)
{
	size_t i;
	json_t *h;

	printf("申报 %lld：%s %s，%lld 年第 %lld 季度，%s 万元（%s），%s / %s\n",
	    (long long)json_integer_value(json_object_get(v, "id")),
	    json_string_value(json_object_get(v, "outlet")),
	    json_string_value(json_object_get(v, "name")),
	    (long long)json_integer_value(json_object_get(v, "year")),
	    (long long)json_integer_value(json_object_get(v, "quarter")),
	    json_string_value(json_object_get(v, "amount")),
	    json_is_true(json_object_get(v, "from_fair")) ? "来自洽谈会 / from a fair meeting" :
	    "非洽谈会 / not from a fair",
	    json_string_value(json_object_get(v, "state_zh")),
	    json_string_value(json_object_get(v, "state")));
	json_array_foreach(json_object_get(v, "history"), i, h)
		printf("  %s\t%s\t%s（%s）\t%s\t%s\n", json_string_value(json_object_get(h, "at")),
		    json_string_value(json_object_get(h, "action")),
		    json_string_value(json_object_get(h, "by")),
		    json_string_value(json_object_get(h, "role")),
		    json_string_value(json_object_get(h, "state_zh")),
		    json_string_value(json_object_get(h, "comment")));
}

static int
sub_line(struct store *st, struct largs *a)
{
	long long line;
	int forbidden;
	char *cause = NULL;

	if ((line = line_arg(a, a->pos[1])) < 0)
		return EXIT_USAGE;
	return emit(a, ledger_line_json(st, &a->actor, line, &forbidden, &cause), &cause,
	    show_line);
}

static void
show_lines(json_t *v)
{
	size_t i;
	json_t *l;

	json_array_foreach(json_object_get(v, "lines"), i, l)
		printf("%lld\t%s\t%s\tQ%lld\t%s\t%s\t%s\n",
		    (long long)json_integer_value(json_object_get(l, "id")),
		    json_string_value(json_object_get(l, "outlet")),
		    json_string_value(json_object_get(l, "name")),
		    (long long)json_integer_value(json_object_get(l, "quarter")),
		    json_string_value(json_object_get(l, "amount")),
		    json_is_true(json_object_get(l, "from_fair")) ? "来自洽谈会" : "非洽谈会",
		    json_string_value(json_object_get(l, "state_zh")));
}

static int
sub_lines(struct store *st, struct largs *a)
{
	int year, quarter;
	char *cause = NULL;

	if (year_quarter(a, &year, &quarter) != 0)
		return EXIT_USAGE;
	return emit(a, ledger_lines_json(st, &a->actor, year, quarter, a->state, &cause), &cause,
	    show_lines);
}

static void
show_sample(json_t *v)
{
	size_t i;
	json_t *l;

	printf("抽查 %lld：%lld 年，种子 %s，每省 %lld 条 / sample %lld, seed %s\n",
	    (long long)json_integer_value(json_object_get(v, "id")),
	    (long long)json_integer_value(json_object_get(v, "year")),
	    json_string_value(json_object_get(v, "seed")),
	    (long long)json_integer_value(json_object_get(v, "per_province")),
	    (long long)json_integer_value(json_object_get(v, "id")),
	    json_string_value(json_object_get(v, "seed")));
	json_array_foreach(json_object_get(v, "lines"), i, l)
		printf("%s\t%lld\t%s\t%s\t%s\t%s\n", json_string_value(json_object_get(l, "province")),
		    (long long)json_integer_value(json_object_get(l, "line")),
		    json_string_value(json_object_get(l, "name")),
		    json_string_value(json_object_get(l, "amount")),
		    json_string_value(json_object_get(l, "result")),
		    json_string_value(json_object_get(l, "finding")));
}

/* `ledger sample draw|show|record`. */
static int
sub_sample(struct store *st, struct largs *a)
{
	int year, quarter;
	long per, id = 0, line;
	uint64_t seed;
	char *cause = NULL;

	if (a->npos >= 2 && strcmp(a->pos[1], "draw") == 0 && a->npos == 2) {
		if (!(a->actor.role & (ROLE_ADMIN | ROLE_FINANCE)))
			return failed(a, xasprintf("%s 不能抽查 / %s may not draw a sample",
			    a->actor.login, a->actor.login));
		if (year_quarter(a, &year, &quarter) != 0 ||
		    num_arg(a, "--per-province", a->per_province, 1, 1000, &per) != 0)
			return EXIT_USAGE;
		if (a->seed != NULL) {
			long s;

			if (num_arg(a, "--seed", a->seed, 0, 0x7fffffffffffffffL, &s) != 0)
				return EXIT_USAGE;
			seed = (uint64_t)s;
		} else
			seed = ledger_random_seed();
		if (ledger_sample_draw(st, a->actor.login, year, quarter, per ? (int)per : 1, seed,
		    &id, &cause) != 0)
			return failed(a, cause);
	} else if (a->npos == 3 && strcmp(a->pos[1], "show") == 0) {
		if ((id = (long)line_arg(a, a->pos[2])) < 0)
			return EXIT_USAGE;
	} else if (a->npos == 4 && strcmp(a->pos[1], "record") == 0) {
		if ((id = (long)line_arg(a, a->pos[2])) < 0 ||
		    (line = (long)line_arg(a, a->pos[3])) < 0)
			return EXIT_USAGE;
		if (a->pass + a->fail != 1)
			return cli_usage_error(a->cmd, "请说 --pass 或 --fail / say --pass or --fail");
		if (ledger_sample_record(st, &a->actor, id, line, a->pass, a->finding,
		    &cause) != 0)
			return failed(a, cause);
	} else
		return cli_usage_error(a->cmd, "用法 / usage: ledger sample draw --year Y"
		    " [--quarter Q] --per-province N [--seed S] | show ID | record ID LINE"
		    " --pass|--fail --finding TEXT");
	return emit(a, ledger_sample_json(st, id, &cause), &cause, show_sample);
}

static void
show_figures(json_t *v)
{
	size_t i;
	json_t *r;

	printf("%s\t数量\t基数（万元）\t已核实（万元）\t其中洽谈会成交（万元）\t待审（万元）\t"
	    "计入（万元）\t计入（亿元）\t目标（亿元）\n", json_string_value(json_object_get(v,
	    "by_zh")));
	json_array_foreach(json_object_get(v, "rows"), i, r) {
		json_t *t = json_object_get(r, "target_yi");
		char target[32] = "—";

		if (json_is_real(t))
			snprintf(target, sizeof target, "%g", json_real_value(t));
		printf("%s\t%lld\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n",
		    json_string_value(json_object_get(r, "name")),
		    (long long)json_integer_value(json_object_get(r, "outlets")),
		    json_string_value(json_object_get(r, "base")),
		    json_string_value(json_object_get(r, "verified")),
		    json_string_value(json_object_get(r, "verified_fair")),
		    json_string_value(json_object_get(r, "pending")),
		    json_string_value(json_object_get(r, "counted")),
		    json_string_value(json_object_get(r, "counted_yi")), target);
	}
	json_array_foreach(json_object_get(v, "plan"), i, r) {
		json_t *c = json_object_get(r, "counted_yi");

		printf("%s：目标 %g 亿元，计入 %s 亿元 / %s\n",
		    json_string_value(json_object_get(r, "zh")),
		    json_real_value(json_object_get(r, "target_yi")),
		    json_is_string(c) ? json_string_value(c) : "—",
		    json_string_value(json_object_get(r, "item")));
	}
}

static int
sub_figures(struct store *st, struct largs *a)
{
	const char *prov, *fmt = NULL, *docking = NULL;
	int year, quarter;
	char *cause = NULL;
	json_t *v;

	if (year_quarter(a, &year, &quarter) != 0 || province_arg(a, &prov) != 0)
		return EXIT_USAGE;
	if (a->docking != NULL && (docking = norm_zj_city(a->docking)) == NULL)
		return cli_usage_error(a->cmd, "--docking “%s”不是浙江省的设区市 / --docking \"%s\" is"
		    " not one of Zhejiang's 11 cities", a->docking, a->docking);
	/* An expansion office sees its own province, a city office its docking outlets. */
	if (a->actor.role == ROLE_EXPANSION)
		prov = a->actor.province;
	else if (a->actor.role == ROLE_CITY)
		docking = a->actor.city;
	if (a->out != NULL && (fmt = format_of(a, a->out)) == NULL)
		return cli_usage_error(a->cmd, "请用 .xlsx 或 .csv 文件 / say FILE.xlsx or FILE.csv");
	if ((v = ledger_figures_json(st, a->by != NULL ? a->by : "province", year, quarter, prov,
	    docking, &cause)) == NULL)
		return failed(a, cause);
	if (a->out != NULL) {
		if (ledger_figures_export(v, fmt, a->out, &cause) != 0) {
			json_decref(v);
			return failed(a, cause);
		}
		if (!a->json) {
			printf("已写入 %s / wrote %s\n", a->out, a->out);
			json_decref(v);
			return EXIT_OK;
		}
	}
	return emit(a, v, &cause, show_figures);
}

static void
show_late(json_t *v)
{
	size_t i, j;
	json_t *d, *o;

	json_array_foreach(json_object_get(v, "deadlines"), i, d) {
		printf("%s\t%s\t%s\n", json_string_value(json_object_get(d, "due")),
		    json_string_value(json_object_get(d, "what")),
		    !json_is_true(json_object_get(d, "past")) ? "未到期 / not yet due" :
		    json_array_size(json_object_get(d, "late")) == 0 ? "按时 / on time" :
		    "逾期 / late:");
		json_array_foreach(json_object_get(d, "late"), j, o) {
			long long n = json_integer_value(json_object_get(o, "missing"));

			if (strcmp(json_string_value(json_object_get(o, "kind")), "city") == 0)
				printf("\t%s\t未报送季度数据 / no quarterly figure\n",
				    json_string_value(json_object_get(o, "office")));
			else
				printf("\t%s\t缺 %lld / missing %lld\n",
				    json_string_value(json_object_get(o, "office")), n, n);
		}
	}
}

static int
sub_late(struct store *st, struct largs *a)
{
	int year, quarter;
	char today[11], *cause = NULL;
	const char *why;

	if (year_quarter(a, &year, &quarter) != 0)
		return EXIT_USAGE;
	if (a->today != NULL) {
		if (check_date(a->today, today, &why) != 0)
			return cli_usage_error(a->cmd, "--today “%s”：%s", a->today, why);
	} else
		withdraw_today(today);
	return emit(a, ledger_late_json(st, year, today, &cause), &cause, show_late);
}

/* `ledger city-report --year Y --quarter Q --amount 万元 [--city C]`: a city office's figure. */
static int
sub_city_report(struct store *st, struct largs *a)
{
	int forbidden, year, quarter;
	char *cause = NULL;

	if (quarter_amount(a, &year, &quarter) != 0)
		return EXIT_USAGE;
	if (a->actor.role != ROLE_CITY && a->city == NULL)
		return cli_usage_error(a->cmd, "需要 --city / --city is required");
	if (ledger_city_report(st, &a->actor, a->city, year, quarter, a->amount, a->note,
	    &forbidden, &cause) != 0)
		return failed(a, cause);
	return emit(a, ledger_city_reports_json(st, &a->actor, year, &cause), &cause, NULL);
}

/* The subcommands and how many positional arguments each takes, its name included. */
static const struct {
	const char	*name;
	int		 min, max;
	int		(*fn)(struct store *, struct largs *);
} subs[] = {
	{ "import", 2, 2, sub_import }, { "list", 1, 1, sub_list },
	{ "export", 2, 2, sub_export }, { "plan", 3, 3, sub_plan },
	{ "submit", 2, 2, sub_submit }, { "returns", 3, 3, sub_returns },
	{ "evidence", 3, 3, sub_evidence }, { "check", 2, 2, sub_act },
	{ "review", 2, 2, sub_act }, { "joint", 2, 2, sub_act },
	{ "return", 2, 2, sub_act }, { "comment", 2, 2, sub_act },
	{ "line", 2, 2, sub_line }, { "lines", 1, 1, sub_lines },
	{ "sample", 2, 4, sub_sample }, { "figures", 1, 1, sub_figures },
	{ "late", 1, 1, sub_late }, { "city-report", 1, 1, sub_city_report },
};

int
cmd_ledger(const struct cmd_entry *cmd, int argc, char **argv)
{
	struct largs a;
	struct store *st;
	char *cause = NULL;
	int rc = EXIT_USAGE;
	size_t s;

	memset(&a, 0, sizeof a);
	a.cmd = cmd;
	const struct cli_opt opts[] = {
		{ "--year", 1, &a.year, NULL }, { "--quarter", 1, &a.quarter, NULL },
		{ "--amount", 1, &a.amount, NULL }, { "--note", 1, &a.note, NULL },
		{ "--as", 1, &a.as, NULL }, { "--kind", 1, &a.kind, NULL },
		{ "--comment", 1, &a.comment, NULL }, { "--state", 1, &a.state, NULL },
		{ "--province", 1, &a.province, NULL }, { "--out", 1, &a.out, NULL },
		{ "--format", 1, &a.format, NULL }, { "--by", 1, &a.by, NULL },
		{ "--per-province", 1, &a.per_province, NULL }, { "--seed", 1, &a.seed, NULL },
		{ "--finding", 1, &a.finding, NULL }, { "--today", 1, &a.today, NULL },
		{ "--name", 1, &a.name, NULL }, { "--docking", 1, &a.docking, NULL },
		{ "--city", 1, &a.city, NULL }, { "--json", 0, NULL, &a.json },
		{ "--fair", 0, NULL, &a.fair },
		{ "--pass", 0, NULL, &a.pass }, { "--fail", 0, NULL, &a.fail },
		{ NULL, 0, NULL, NULL },
	};

	if ((a.npos = cli_parse(cmd, argc, argv, opts, a.pos, 4)) < 0)
		return EXIT_USAGE;
	if (a.npos == 0)
		return cli_usage_error(cmd, "需要子命令 / a subcommand is required");
	for (s = 0; s < nitems(subs); s++)
		if (strcmp(subs[s].name, a.pos[0]) == 0)
			break;
	if (s == nitems(subs))
		return cli_usage_error(cmd, "未知子命令 / unknown subcommand: %s", a.pos[0]);
	if (a.npos < subs[s].min || a.npos > subs[s].max)
		return cli_usage_error(cmd, "%s 的参数个数不对 / wrong number of arguments for %s",
		    a.pos[0], a.pos[0]);
	if (store_open(cli_data_dir(), 0, &st, &cause) != 0)
		return failed(&a, cause);
	a.who = cli_who();
	a.actor.login = a.who;
	a.actor.role = ROLE_ADMIN;
	if (a.as != NULL && ledger_actor_of(st, a.as, &a.actor, a.login, sizeof a.login,
	    a.actor_region, sizeof a.actor_region, &cause) != 0)
		rc = failed(&a, cause);
	else
		rc = subs[s].fn(st, &a);
	store_close(st);
	free(a.who);
	return rc;
}
