/*
 * cmd_fairday.c — the `fairmatch schedule` verbs that run a fair after
 * its schedule is solved: schedule versions (versions, diff, publish,
 * discard, undo) and the fair day (tables, walk-in, check-in, arrivals,
 * no-show, backfill, late).  Each calls one domain function
 * (schedule_version.h, fairday.h) and prints a line a person reads, or
 * the function's JSON with --json.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "cli.h"
#include "fairday.h"
#include "schedule_version.h"
#include "store.h"
#include "util.h"

/*
 * Ends a verb: with rc 0 prints out (JSON, or through print) and
 * releases it; else prints cause.  Closes the store; the exit status.
 */
static int
finish(const struct cmd_entry *cmd, struct store *st, int rc, char *cause, json_t *out,
    int json, void (*print)(json_t *))
{
	if (rc != 0) {
		fprintf(stderr, "fairmatch %s: %s\n", cmd->name, cause);
		free(cause);
	} else if (json)
		cli_print_json(out);
	else {
		print(out);
		json_decref(out);
	}
	store_close(st);
	return rc != 0 ? EXIT_REJECTED : EXIT_OK;
}

/* A string member, or "" so that printing never meets NULL. */
static const char *
s_of(json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));

	return s != NULL ? s : "";
}

/* An integer member. */
static long long
i_of(json_t *o, const char *key)
{
	return (long long)json_integer_value(json_object_get(o, key));
}

/*
 * A version argument: "draft" (or none) is 0, else 1..1000000; -1 after
 * a usage error naming it.
 */
static int
version_arg(const struct cmd_entry *cmd, const char *s)
{
	long v;

	if (s == NULL || strcmp(s, "draft") == 0)
		return 0;
	if (parse_long(s, 1, 1000000, &v) == 0)
		return (int)v;
	cli_usage_error(cmd, "版本应为编号或 draft，不是“%s” / the version must be a number or"
	    " draft, not “%s”", s, s);
	return -1;
}

/* A meeting id argument; -1 if it is not one. */
static long long
meeting_arg(const char *s)
{
	long v;

	return parse_long(s, 1, 0x7fffffffffffffffL, &v) == 0 ? v : -1;
}

/* ---- versions ---- */

/* A version's state as a person reads it. */
static const char *
state_text(const char *state)
{
	static const struct {
		const char	*state;
		const char	*text;
	} names[] = {
		{ "draft", "草稿 / draft" },
		{ "published", "已发布 / published" },
		{ "old", "已替换 / replaced" },
		{ "discarded", "已放弃 / discarded" },
	};

	for (size_t i = 0; i < nitems(names); i++)
		if (strcmp(state, names[i].state) == 0)
			return names[i].text;
	return state;
}

/* The versions, newest first, one a line. */
static void
print_versions(json_t *v)
{
	json_t *x;
	size_t i;

	if (json_array_size(json_object_get(v, "versions")) == 0)
		printf("展会 %s 还没有日程版本 / fair %s has no schedule version yet\n",
		    s_of(v, "fair"), s_of(v, "fair"));
	json_array_foreach(json_object_get(v, "versions"), i, x)
		printf("第 %lld 版 / version %lld  %s  %lld 场洽谈 / meetings  %s %s\n",
		    i_of(x, "number"), i_of(x, "number"), state_text(s_of(x, "state")),
		    i_of(x, "meetings"), s_of(x, "created_by"), s_of(x, "created_at"));
}

/* `schedule versions FAIR [--json]`: every version, newest first. */
static int
verb_versions(const struct cmd_entry *cmd, int argc, char **argv)
{
	int json = 0;
	const struct cli_opt opts[] = { { "--json", 0, NULL, &json }, { NULL, 0, NULL, NULL } };
	struct store *st;
	char *pos[1], *cause = NULL;
	json_t *v;

	if (cli_parse(cmd, argc, argv, opts, pos, 1) != 1)
		return cli_usage_error(cmd, "用法 / usage: schedule versions FAIR [--json]");
	if ((st = cli_open_store(cmd)) == NULL)
		return EXIT_REJECTED;
	v = schedule_versions_json(st, pos[0], &cause);
	return finish(cmd, st, v != NULL ? 0 : -1, cause, v, json, print_versions);
}

/* A change's place: "第1天 10:40–11:00，A厅1号". */
static void
print_place(json_t *p)
{
	printf("%s，%s", s_of(p, "when"), s_of(p, "table_name"));
}

/* A version's changes: the counts, then + added, ~ moved (from → to), - dropped. */
static void
print_diff(json_t *d)
{
	static const struct {
		const char	*key;
		const char	*mark;
	} kinds[] = { { "added", "+" }, { "moved", "~" }, { "dropped", "-" } };
	json_t *c;
	size_t i;

	if (json_is_integer(json_object_get(d, "against")))
		printf("第 %lld 版（%s）对比已发布的第 %lld 版 / version %lld against published"
		    " version %lld:", i_of(d, "version"), state_text(s_of(d, "state")),
		    i_of(d, "against"), i_of(d, "version"), i_of(d, "against"));
	else
		printf("第 %lld 版（%s），尚无已发布的版本 / version %lld, nothing published yet:",
		    i_of(d, "version"), state_text(s_of(d, "state")), i_of(d, "version"));
	printf(" 新增 / added %zu，移动 / moved %zu，取消 / dropped %zu，不变 / unchanged %lld\n",
	    json_array_size(json_object_get(d, "added")),
	    json_array_size(json_object_get(d, "moved")),
	    json_array_size(json_object_get(d, "dropped")), i_of(d, "unchanged"));
	for (size_t k = 0; k < nitems(kinds); k++)
		json_array_foreach(json_object_get(d, kinds[k].key), i, c) {
			json_t *from = json_object_get(c, "from"), *to = json_object_get(c, "to");

			printf("%s %s %s — %s %s  ", kinds[k].mark,
			    s_of(json_object_get(c, "buyer"), "badge"),
			    s_of(json_object_get(c, "buyer"), "name"),
			    s_of(json_object_get(c, "supplier"), "badge"),
			    s_of(json_object_get(c, "supplier"), "name"));
			if (json_is_object(from))
				print_place(from);
			if (json_is_object(from) && json_is_object(to))
				printf(" → ");
			if (json_is_object(to))
				print_place(to);
			putchar('\n');
		}
}

/* `schedule diff FAIR [VERSION|draft] [--json]`: what a version changes. */
static int
verb_diff(const struct cmd_entry *cmd, int argc, char **argv)
{
	int json = 0, n, number;
	const struct cli_opt opts[] = { { "--json", 0, NULL, &json }, { NULL, 0, NULL, NULL } };
	struct store *st;
	char *pos[2], *cause = NULL;
	json_t *d;

	if ((n = cli_parse(cmd, argc, argv, opts, pos, 2)) < 1)
		return cli_usage_error(cmd, "用法 / usage: schedule diff FAIR [VERSION|draft]"
		    " [--json]");
	if ((number = version_arg(cmd, n > 1 ? pos[1] : NULL)) < 0)
		return EXIT_USAGE;
	if ((st = cli_open_store(cmd)) == NULL)
		return EXIT_REJECTED;
	d = schedule_version_diff(st, pos[0], number, &cause);
	return finish(cmd, st, d != NULL ? 0 : -1, cause, d, json, print_diff);
}

/* What publishing (or undo) changed. */
static void
print_published(json_t *s)
{
	printf("第 %lld 版已发布：新增 %lld，移动 %lld，取消 %lld，共 %lld 场洽谈 / version %lld"
	    " published: %lld added, %lld moved, %lld dropped, %lld meetings\n",
	    i_of(s, "version"), i_of(s, "added"), i_of(s, "moved"), i_of(s, "dropped"),
	    i_of(s, "meetings"), i_of(s, "version"), i_of(s, "added"), i_of(s, "moved"),
	    i_of(s, "dropped"), i_of(s, "meetings"));
}

/* `schedule publish FAIR [VERSION|draft] [--json]`: make a version the schedule. */
static int
verb_publish(const struct cmd_entry *cmd, int argc, char **argv)
{
	int json = 0, n, number, rc;
	const struct cli_opt opts[] = { { "--json", 0, NULL, &json }, { NULL, 0, NULL, NULL } };
	struct store *st;
	char *pos[2], *cause = NULL;
	json_t *s = NULL;

	if ((n = cli_parse(cmd, argc, argv, opts, pos, 2)) < 1)
		return cli_usage_error(cmd, "用法 / usage: schedule publish FAIR [VERSION|draft]"
		    " [--json]");
	if ((number = version_arg(cmd, n > 1 ? pos[1] : NULL)) < 0)
		return EXIT_USAGE;
	if ((st = cli_open_store(cmd)) == NULL)
		return EXIT_REJECTED;
	rc = schedule_version_publish(st, pos[0], number, &s, &cause);
	return finish(cmd, st, rc, cause, s, json, print_published);
}

/* `schedule undo FAIR [--json]`: publish again the version the current one replaced. */
static int
verb_undo(const struct cmd_entry *cmd, int argc, char **argv)
{
	int json = 0, rc;
	const struct cli_opt opts[] = { { "--json", 0, NULL, &json }, { NULL, 0, NULL, NULL } };
	struct store *st;
	char *pos[1], *cause = NULL;
	json_t *s = NULL;

	if (cli_parse(cmd, argc, argv, opts, pos, 1) != 1)
		return cli_usage_error(cmd, "用法 / usage: schedule undo FAIR [--json]");
	if ((st = cli_open_store(cmd)) == NULL)
		return EXIT_REJECTED;
	rc = schedule_version_undo(st, pos[0], &s, &cause);
	return finish(cmd, st, rc, cause, s, json, print_published);
}

/* Which draft went. */
static void
print_discarded(json_t *s)
{
	if (i_of(s, "version") > 0)
		printf("第 %lld 版已放弃 / version %lld discarded\n", i_of(s, "version"),
		    i_of(s, "version"));
	else
		printf("草稿已放弃 / the draft was discarded\n");
}

/* `schedule discard FAIR [VERSION|draft]`: drop a draft. */
static int
verb_discard(const struct cmd_entry *cmd, int argc, char **argv)
{
	int json = 0, n, number, rc;
	const struct cli_opt opts[] = { { "--json", 0, NULL, &json }, { NULL, 0, NULL, NULL } };
	struct store *st;
	char *pos[2], *cause = NULL;

	if ((n = cli_parse(cmd, argc, argv, opts, pos, 2)) < 1)
		return cli_usage_error(cmd, "用法 / usage: schedule discard FAIR [VERSION|draft]"
		    " [--json]");
	if ((number = version_arg(cmd, n > 1 ? pos[1] : NULL)) < 0)
		return EXIT_USAGE;
	if ((st = cli_open_store(cmd)) == NULL)
		return EXIT_REJECTED;
	rc = schedule_version_discard(st, pos[0], number, &cause);
	return finish(cmd, st, rc, cause, rc == 0 ? json_pack("{s:s,s:i,s:s}", "fair", pos[0],
	    "version", number, "state", "discarded") : NULL, json, print_discarded);
}

/* ---- the fair day: each verb one fairday.h action ---- */

/* Runs action fn with input in (taken); the exit status. */
static int
run_action(const struct cmd_entry *cmd, fairday_fn *fn, const char *fair, json_t *in,
    int json, void (*print)(json_t *))
{
	struct store *st;
	json_t *out = NULL;
	char *cause = NULL, *who;
	int status = 0, rc;

	if ((st = cli_open_store(cmd)) == NULL) {
		json_decref(in);
		return EXIT_REJECTED;
	}
	who = cli_who();
	rc = fn(st, fair, in, who, &out, &status, &cause);
	free(who);
	json_decref(in);
	return finish(cmd, st, rc, cause, out, json, print);
}

/* The tables with their names and locations. */
static void
print_tables(json_t *s)
{
	json_t *t;
	size_t i;

	json_array_foreach(json_object_get(s, "tables"), i, t)
		printf("%lld 号桌 / table %lld  %s  %s\n", i_of(t, "table"), i_of(t, "table"),
		    s_of(t, "name"), s_of(t, "location"));
}

/*
 * `schedule tables FAIR [TABLE NAME [--location L]] [--json]`: the
 * tables, or one named and placed.
 */
static int
verb_tables(const struct cmd_entry *cmd, int argc, char **argv)
{
	const char *location = NULL;
	int json = 0, n;
	const struct cli_opt opts[] = {
		{ "--location", 1, &location, NULL },
		{ "--json", 0, NULL, &json },
		{ NULL, 0, NULL, NULL },
	};
	char *pos[3];
	long table;
	json_t *t;

	if ((n = cli_parse(cmd, argc, argv, opts, pos, 3)) < 1 || n == 2 ||
	    (n == 1 && location != NULL) || (n == 3 && parse_long(pos[1], 1, 100000, &table) != 0))
		return cli_usage_error(cmd, "用法 / usage: schedule tables FAIR [TABLE NAME"
		    " [--location L]] [--json]");
	if (n == 1)
		return run_action(cmd, fairday_setup_get, pos[0], json_object(), json,
		    print_tables);
	t = json_pack("{s:I,s:s}", "table", (json_int_t)table, "name", pos[2]);
	if (location != NULL)
		json_object_set_new(t, "location", json_string(location));
	return run_action(cmd, fairday_tables_set, pos[0], json_pack("{s:[o]}", "tables", t),
	    json, print_tables);
}

/* A participant's meetings, one a line: time, table, the other side. */
static void
print_meetings(json_t *p)
{
	json_t *m;
	size_t i;

	json_array_foreach(json_object_get(p, "meetings"), i, m)
		printf("  #%lld  %s  %s  %s %s%s\n", i_of(m, "id"), s_of(m, "when"),
		    s_of(m, "table_name"), s_of(m, "with_badge"), s_of(m, "with_name"),
		    i_of(m, "no_show") ? "  [未到场 / no-show]" : "");
}

/* The walk-in's badge, and its meetings if any. */
static void
print_walk_in(json_t *p)
{
	printf("已登记现场参会者 %s（%s），已签到 / walk-in %s (%s) registered and checked in\n",
	    s_of(p, "badge"), s_of(p, "name"), s_of(p, "badge"), s_of(p, "name"));
	print_meetings(p);
}

/*
 * `schedule walk-in FAIR buyer|supplier NAME --region R [--reps N]
 * [--pairs BADGE,…] [--json]`: a participant added on the day.
 */
static int
verb_walk_in(const struct cmd_entry *cmd, int argc, char **argv)
{
	const char *region = NULL, *reps = NULL, *pairs = NULL;
	int json = 0;
	const struct cli_opt opts[] = {
		{ "--region", 1, &region, NULL },
		{ "--reps", 1, &reps, NULL },
		{ "--pairs", 1, &pairs, NULL },
		{ "--json", 0, NULL, &json },
		{ NULL, 0, NULL, NULL },
	};
	char *pos[3], *copy, *p, *tok;
	json_t *in, *list;
	long n;

	if (cli_parse(cmd, argc, argv, opts, pos, 3) != 3 || region == NULL)
		return cli_usage_error(cmd, "用法 / usage: schedule walk-in FAIR buyer|supplier NAME"
		    " --region R [--reps N] [--pairs BADGE,…] [--json]");
	if (strcmp(pos[1], "buyer") != 0 && strcmp(pos[1], "supplier") != 0)
		return cli_usage_error(cmd, "参会方应为 buyer（采购方）或 supplier（供应方），不是“%s”"
		    " / the side must be buyer or supplier, not “%s”", pos[1], pos[1]);
	if (reps != NULL && parse_long(reps, 1, 20, &n) != 0)
		return cli_usage_error(cmd, "--reps 应为 1..20 的整数 / --reps must be a whole"
		    " number 1..20, not “%s”", reps);
	in = json_pack("{s:s,s:s,s:s}", "side", pos[1], "name", pos[2], "region", region);
	if (reps != NULL)
		json_object_set_new(in, "reps", json_integer(n));
	if (pairs != NULL) {
		list = json_array();
		p = copy = xstrdup(pairs);
		while ((tok = str_split(&p, ",")) != NULL)
			if (*tok != '\0')
				json_array_append_new(list, json_string(tok));
		free(copy);
		json_object_set_new(in, "pairs", list);
	}
	return run_action(cmd, fairday_walk_in, pos[0], in, json, print_walk_in);
}

/* Who checked in, and their meetings. */
static void
print_checked_in(json_t *p)
{
	printf("%s（%s）已签到，洽谈 %zu 场 / %s (%s) checked in, %zu meetings\n",
	    s_of(p, "badge"), s_of(p, "name"), json_array_size(json_object_get(p, "meetings")),
	    s_of(p, "badge"), s_of(p, "name"), json_array_size(json_object_get(p, "meetings")));
	print_meetings(p);
}

/* `schedule check-in FAIR BADGE [--json]`: a participant arrives (scanned or typed). */
static int
verb_check_in(const struct cmd_entry *cmd, int argc, char **argv)
{
	int json = 0;
	const struct cli_opt opts[] = { { "--json", 0, NULL, &json }, { NULL, 0, NULL, NULL } };
	char *pos[2];

	if (cli_parse(cmd, argc, argv, opts, pos, 2) != 2)
		return cli_usage_error(cmd, "用法 / usage: schedule check-in FAIR BADGE [--json]");
	return run_action(cmd, fairday_check_in, pos[0], json_pack("{s:s}", "badge", pos[1]),
	    json, print_checked_in);
}

/* The counts, then who is still awaited. */
static void
print_arrivals(json_t *a)
{
	json_t *p;
	size_t i;

	printf("应到 %lld，已到 %lld，未到场 %lld / expected %lld, arrived %lld, no-shows %lld\n",
	    i_of(a, "expected"), i_of(a, "arrived"), i_of(a, "no_show"), i_of(a, "expected"),
	    i_of(a, "arrived"), i_of(a, "no_show"));
	json_array_foreach(json_object_get(a, "waiting"), i, p)
		printf("  未到 / waiting  %s %s  首场 / first %s\n", s_of(p, "badge"), s_of(p, "name"),
		    s_of(p, "first_when"));
}

/* `schedule arrivals FAIR [--json]`: who has arrived, and who is still awaited. */
static int
verb_arrivals(const struct cmd_entry *cmd, int argc, char **argv)
{
	int json = 0;
	const struct cli_opt opts[] = { { "--json", 0, NULL, &json }, { NULL, 0, NULL, NULL } };
	char *pos[1];

	if (cli_parse(cmd, argc, argv, opts, pos, 1) != 1)
		return cli_usage_error(cmd, "用法 / usage: schedule arrivals FAIR [--json]");
	return run_action(cmd, fairday_arrivals, pos[0], json_object(), json, print_arrivals);
}

/* How many meetings the no-show marked. */
static void
print_no_show(json_t *o)
{
	printf("%s 未到场：%lld 场洽谈已标记 / %s is a no-show: %lld meetings marked\n",
	    s_of(o, "badge"), i_of(o, "meetings"), s_of(o, "badge"), i_of(o, "meetings"));
}

/* `schedule no-show FAIR BADGE [--json]`: marks its meetings, frees their places. */
static int
verb_no_show(const struct cmd_entry *cmd, int argc, char **argv)
{
	int json = 0;
	const struct cli_opt opts[] = { { "--json", 0, NULL, &json }, { NULL, 0, NULL, NULL } };
	char *pos[2];

	if (cli_parse(cmd, argc, argv, opts, pos, 2) != 2)
		return cli_usage_error(cmd, "用法 / usage: schedule no-show FAIR BADGE [--json]");
	return run_action(cmd, fairday_no_show, pos[0], json_pack("{s:s}", "badge", pos[1]),
	    json, print_no_show);
}

/* Each freed place with the meeting proposed in it. */
static void
print_proposals(json_t *o)
{
	json_t *p;
	size_t i;

	if (json_array_size(json_object_get(o, "proposals")) == 0)
		printf("没有可补位的洽谈 / no backfill to propose\n");
	json_array_foreach(json_object_get(o, "proposals"), i, p)
		printf("洽谈 #%lld 空出 %s，%s：%s %s — %s %s（分值 / score %.2f）/ meeting #%lld"
		    " freed this place\n", i_of(p, "meeting"), s_of(p, "when"),
		    s_of(p, "table_name"), s_of(json_object_get(p, "present"), "badge"),
		    s_of(json_object_get(p, "present"), "name"),
		    s_of(json_object_get(p, "partner"), "badge"),
		    s_of(json_object_get(p, "partner"), "name"),
		    json_number_value(json_object_get(p, "score")), i_of(p, "meeting"));
}

/* The backfill meeting booked. */
static void
print_backfilled(json_t *o)
{
	printf("补位洽谈 #%lld：%s，%lld 号桌，%s — %s / backfill meeting #%lld at %s, table %lld\n",
	    i_of(o, "id"), s_of(o, "when"), i_of(o, "table"),
	    s_of(json_object_get(o, "present"), "badge"),
	    s_of(json_object_get(o, "partner"), "badge"), i_of(o, "id"), s_of(o, "when"),
	    i_of(o, "table"));
}

/*
 * `schedule backfill FAIR [--accept MEETING-ID] [--json]`: the meetings
 * proposed in places no-shows freed, or the one for a freed meeting
 * accepted.
 */
static int
verb_backfill(const struct cmd_entry *cmd, int argc, char **argv)
{
	const char *accept = NULL;
	int json = 0;
	const struct cli_opt opts[] = {
		{ "--accept", 1, &accept, NULL },
		{ "--json", 0, NULL, &json },
		{ NULL, 0, NULL, NULL },
	};
	char *pos[1];
	long long id;

	if (cli_parse(cmd, argc, argv, opts, pos, 1) != 1)
		return cli_usage_error(cmd, "用法 / usage: schedule backfill FAIR [--accept"
		    " MEETING-ID] [--json]");
	if (accept == NULL)
		return run_action(cmd, fairday_backfill, pos[0], json_object(), json,
		    print_proposals);
	if ((id = meeting_arg(accept)) < 0)
		return cli_usage_error(cmd, "--accept 应为洽谈编号 / --accept takes a meeting"
		    " number, not “%s”", accept);
	return run_action(cmd, fairday_backfill_accept, pos[0], json_pack("{s:I}", "meeting",
	    (json_int_t)id), json, print_backfilled);
}

/* The late mark set or cleared. */
static void
print_late(json_t *o)
{
	if (i_of(o, "late_minutes") == 0)
		printf("洽谈 %lld 不再标记晚点 / meeting %lld no longer marked late\n", i_of(o, "id"),
		    i_of(o, "id"));
	else
		printf("洽谈 %lld 晚 %lld 分钟 / meeting %lld running %lld minutes late\n",
		    i_of(o, "id"), i_of(o, "late_minutes"), i_of(o, "id"), i_of(o, "late_minutes"));
}

/* `schedule late FAIR MEETING-ID MINUTES [--json]`: a meeting running late (0 clears it). */
static int
verb_late(const struct cmd_entry *cmd, int argc, char **argv)
{
	int json = 0;
	const struct cli_opt opts[] = { { "--json", 0, NULL, &json }, { NULL, 0, NULL, NULL } };
	char *pos[3];
	long long id;
	long minutes;

	if (cli_parse(cmd, argc, argv, opts, pos, 3) != 3)
		return cli_usage_error(cmd, "用法 / usage: schedule late FAIR MEETING-ID MINUTES"
		    " [--json]");
	if ((id = meeting_arg(pos[1])) < 0)
		return cli_usage_error(cmd, "洽谈编号应为正整数，不是“%s” / the meeting id must be a"
		    " positive whole number, not “%s”", pos[1], pos[1]);
	if (parse_long(pos[2], 0, 240, &minutes) != 0)
		return cli_usage_error(cmd, "分钟数应为 0..240 的整数，不是“%s” / the minutes must be a"
		    " whole number 0..240, not “%s”", pos[2], pos[2]);
	return run_action(cmd, fairday_late, pos[0], json_pack("{s:I,s:I}", "id",
	    (json_int_t)id, "minutes", (json_int_t)minutes), json, print_late);
}

/* The verbs, looked up after cmd_schedule.c's own. */
static const struct {
	const char	*name;
	int		(*run)(const struct cmd_entry *, int, char **);
} verbs[] = {
	{ "versions", verb_versions },
	{ "diff", verb_diff },
	{ "publish", verb_publish },
	{ "discard", verb_discard },
	{ "undo", verb_undo },
	{ "tables", verb_tables },
	{ "walk-in", verb_walk_in },
	{ "check-in", verb_check_in },
	{ "arrivals", verb_arrivals },
	{ "no-show", verb_no_show },
	{ "backfill", verb_backfill },
	{ "late", verb_late },
};

int
cmd_schedule_fairday(const struct cmd_entry *cmd, int argc, char **argv)
{
	for (size_t k = 0; argc > 0 && k < nitems(verbs); k++)
		if (strcmp(argv[0], verbs[k].name) == 0)
			return verbs[k].run(cmd, argc - 1, argv + 1);
	return -1;
}
