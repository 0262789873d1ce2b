/*
 * cmd_schedule.c — `fairmatch schedule`: a stored fair's schedule (solve,
 * show, lock, move), its layout, participants and requests (the verbs in
 * the table below), and `--dzn FILE`, a published B2B meeting-scheduling
 * instance solved and checked by the independent validator.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "cli.h"
#include "fair_setup.h"
#include "fixed.h"
#include "links.h"
#include "schedule.h"
#include "store.h"
#include "util.h"

/* Shows the best so far on a terminal. */
static void
show_progress(double seconds, long iterations, int best, void *arg)
{
	if (best < 0)
		fprintf(stderr, "\r%.1f s  %ld 步 / steps  尚无可行方案 / nothing valid yet   ",
		    seconds, iterations);
	else
		fprintf(stderr, "\r%.1f s  %ld 步 / steps  空档 / breaks %d            ",
		    seconds, iterations, best);
}

/* The result as one JSON line, ids and slots 1-based; caller frees. */
static char *
result_json(const struct fixed_model *m, const struct fixed_result *res)
{
	json_t *root = json_object(), *list = json_array();
	char *s;

	json_object_set_new(root, "status", json_string(fixed_status_name(res->status)));
	json_object_set_new(root, "breaks", json_integer(res->breaks));
	json_object_set_new(root, "bound", json_integer(res->bound));
	json_object_set_new(root, "lower", json_integer(res->lower));
	for (int i = 0; res->slot != NULL && i < m->nmeetings; i++) {
		json_t *e = json_object();

		json_object_set_new(e, "id", json_integer(i + 1));
		json_object_set_new(e, "slot", json_integer(res->slot[i] + 1));
		json_array_append_new(list, e);
	}
	json_object_set_new(root, "meetings", list);
	if (res->reason != NULL)
		json_object_set_new(root, "reason", json_string(res->reason));
	json_object_set_new(root, "seconds", json_real(res->seconds));
	if ((s = json_dumps(root, JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(4)))
	    == NULL)
		fatal("%s: json_dumps failed", __func__);
	json_decref(root);
	return s;
}

/* The result for a person: the figures, then each slot's meetings. */
static void
result_print(FILE *f, const struct fixed_model *m, const struct fixed_result *res)
{
	fprintf(f, "状态 / status: %s\n", fixed_status_name(res->status));
	if (res->reason != NULL)
		fprintf(f, "原因 / reason: %s\n", res->reason);
	if (res->slot == NULL)
		return;
	fprintf(f, "空档 / breaks: %d (已证下界 / proven bound %d，初始下界 / first bound %d)，"
	    "%.1f 秒 / s，%ld 步 / steps\n", res->breaks, res->bound, res->lower, res->seconds,
	    res->iterations);
	for (int t = 0; t < m->nslots; t++) {
		fprintf(f, "时段 / slot %d:", t + 1);
		for (int i = 0; i < m->nmeetings; i++)
			if (res->slot[i] == t)
				fprintf(f, " %d(%d-%d)", i + 1, m->meetings[i].a + 1,
				    m->meetings[i].b + 1);
		fputc('\n', f);
	}
}

/* Ends a verb: prints the failure, if any, closes the store; the exit status. */
static int
finish(const struct cmd_entry *cmd, struct store *st, int rc, char *cause)
{
	if (rc != 0) {
		fprintf(stderr, "fairmatch %s: %s\n", cmd->name, cause);
		free(cause);
	}
	store_close(st);
	return rc != 0 ? EXIT_REJECTED : EXIT_OK;
}

/* Shows the solver's progress on a terminal. */
static void
fair_progress(void *arg, double fraction)
{
	(void)arg;
	fprintf(stderr, "\r排程中 / scheduling %3.0f%%", 100 * fraction);
}

/*
 * `schedule FAIR [--publish]`: solve the stored fair and save the result
 * as a draft version, or publish it at once.
 */
static int
solve_fair(const struct cmd_entry *cmd, const char *code, double limit, int limit_given,
    uint64_t seed, int publish, int json)
{
	char *who = cli_who();
	struct schedule_opts so = { limit_given ? limit : 0, seed, who, publish };
	struct store *st;
	json_t *res;
	char *cause = NULL;
	int tty = !json && isatty(STDERR_FILENO), rc;

	if ((st = cli_open_store(cmd)) == NULL) {
		free(who);
		return EXIT_REJECTED;
	}
	rc = schedule_run(st, code, &so, tty ? fair_progress : NULL, NULL, &res, &cause);
	free(who);
	if (rc != 0)
		return finish(cmd, st, -1, cause);
	if (tty)
		fputc('\n', stderr);
	if (json)
		cli_print_json(res);
	else {
		printf("展会 / fair %s：%lld 场洽谈 / meetings，价值 / value %.2f（上界 / bound %.2f，"
		    "%.2f%%），移动 / moved %lld，取消 / dropped %lld，空档 / gaps %lld，%.1f 秒 / s\n",
		    code, json_integer_value(json_object_get(res, "meetings")),
		    json_real_value(json_object_get(res, "value")),
		    json_real_value(json_object_get(res, "bound")),
		    100 * json_real_value(json_object_get(res, "ratio")),
		    json_integer_value(json_object_get(res, "moved")),
		    json_integer_value(json_object_get(res, "dropped")),
		    json_integer_value(json_object_get(res, "gaps")),
		    json_real_value(json_object_get(res, "seconds")));
		if (publish)
			printf("第 %lld 版已发布 / version %lld published\n",
			    json_integer_value(json_object_get(res, "version")),
			    json_integer_value(json_object_get(res, "version")));
		else
			printf("第 %lld 版是草稿：schedule diff 看变化，schedule publish 发布 / version"
			    " %lld is a draft: schedule diff shows its changes, schedule publish"
			    " publishes it\n", json_integer_value(json_object_get(res, "version")),
			    json_integer_value(json_object_get(res, "version")));
		json_decref(res);
	}
	return finish(cmd, st, 0, NULL);
}

/* Reads a whole number in [min, max] for option name; -1 after a usage error. */
static int
number(const struct cmd_entry *cmd, const char *name, const char *s, long min, long max,
    int *out)
{
	long v;

	if (parse_long(s, min, max, &v) != 0) {
		cli_usage_error(cmd, "%s 应为 %ld..%ld 的整数 / %s must be a whole number %ld..%ld,"
		    " not “%s”", name, min, max, name, min, max, s);
		return -1;
	}
	*out = (int)v;
	return 0;
}

/* `schedule setup FAIR [--days N] …`: lay out the fair and take its participants. */
static int
verb_setup(const struct cmd_entry *cmd, int argc, char **argv)
{
	const char *days = NULL, *per = NULL, *mins = NULL, *start = NULL, *lunch = NULL;
	const char *tables = NULL;
	int json = 0;
	const struct cli_opt opts[] = {
		{ "--days", 1, &days, NULL },
		{ "--slots-per-day", 1, &per, NULL },
		{ "--slot-minutes", 1, &mins, NULL },
		{ "--start", 1, &start, NULL },
		{ "--lunch", 1, &lunch, NULL },
		{ "--tables", 1, &tables, NULL },
		{ "--json", 0, NULL, &json },
		{ NULL, 0, NULL, NULL },
	};
	struct fair_setup fs;
	struct store *st;
	char *pos[1], *cause = NULL;
	json_t *sum;

	if (cli_parse(cmd, argc, argv, opts, pos, 1) != 1)
		return cli_usage_error(cmd, "用法 / usage: schedule setup FAIR [--days N]"
		    " [--slots-per-day N] [--slot-minutes M] [--start HH:MM]"
		    " [--lunch HH:MM-HH:MM|none] [--tables N] [--json]");
	fair_setup_init(&fs);
	if ((days != NULL && number(cmd, "--days", days, 1, 30, &fs.days) != 0) ||
	    (per != NULL && number(cmd, "--slots-per-day", per, 1, 48, &fs.slots_per_day) != 0) ||
	    (mins != NULL && number(cmd, "--slot-minutes", mins, 5, 240, &fs.slot_minutes) != 0) ||
	    (tables != NULL && number(cmd, "--tables", tables, 1, 10000, &fs.tables) != 0))
		return EXIT_USAGE;
	if (start != NULL && (fs.start = fair_parse_time(start)) < 0)
		return cli_usage_error(cmd, "--start 应为 HH:MM / --start must be HH:MM, not “%s”",
		    start);
	if (lunch != NULL && strcmp(lunch, "none") == 0)
		fs.lunch_from = fs.lunch_to = -1;
	else if (lunch != NULL) {
		const char *dash = strchr(lunch, '-');
		char *from = dash ? xstrndup(lunch, (size_t)(dash - lunch)) : NULL;

		fs.lunch_from = from ? fair_parse_time(from) : -1;
		fs.lunch_to = dash ? fair_parse_time(dash + 1) : -1;
		free(from);
		if (fs.lunch_from < 0 || fs.lunch_to <= fs.lunch_from)
			return cli_usage_error(cmd, "--lunch 应为 HH:MM-HH:MM 或 none / --lunch must be"
			    " HH:MM-HH:MM or none, not “%s”", lunch);
	}
	if ((st = cli_open_store(cmd)) == NULL)
		return EXIT_REJECTED;
	if (fair_setup(st, pos[0], &fs, &sum, &cause) != 0)
		return finish(cmd, st, -1, cause);
	if (json)
		cli_print_json(sum);
	else {
		printf("展会 / fair %s：%lld 天 / days，%lld 个时段 / slots，%lld 张桌 / tables，"
		    "采购方 / buyers %lld，供应商 / suppliers %lld\n", pos[0],
		    json_integer_value(json_object_get(sum, "days")),
		    json_integer_value(json_object_get(sum, "slots")),
		    json_integer_value(json_object_get(sum, "tables")),
		    json_integer_value(json_object_get(sum, "buyers")),
		    json_integer_value(json_object_get(sum, "suppliers")));
		json_decref(sum);
	}
	return finish(cmd, st, 0, NULL);
}

/* Parses "3,4,7" into slot numbers; the count, or -1. */
static int
slot_list(const char *s, int **out)
{
	char *copy = xstrdup(s), *p = copy, *tok;
	int n = 0;
	long v;

	*out = NULL;
	while ((tok = str_split(&p, ",")) != NULL) {
		if (parse_long(tok, 1, 100000, &v) != 0) {
			free(copy);
			free(*out);
			*out = NULL;
			return -1;
		}
		*out = xreallocarray(*out, (size_t)n + 1, sizeof **out);
		(*out)[n++] = (int)v;
	}
	free(copy);
	return n;
}

/* `schedule participant FAIR BADGE [--away SLOTS] [--back SLOTS|all] [--reps N]`. */
static int
verb_participant(const struct cmd_entry *cmd, int argc, char **argv)
{
	const char *away = NULL, *back = NULL, *reps_s = NULL;
	const struct cli_opt opts[] = {
		{ "--away", 1, &away, NULL },
		{ "--back", 1, &back, NULL },
		{ "--reps", 1, &reps_s, NULL },
		{ NULL, 0, NULL, NULL },
	};
	struct store *st;
	char *pos[2], *cause = NULL;
	int *slots = NULL, n = 0, reps = 0, rc = 0;

	if (cli_parse(cmd, argc, argv, opts, pos, 2) != 2 ||
	    (away == NULL && back == NULL && reps_s == NULL))
		return cli_usage_error(cmd, "用法 / usage: schedule participant FAIR BADGE"
		    " [--away 3,4] [--back 3,4|all] [--reps N]");
	if (reps_s != NULL && number(cmd, "--reps", reps_s, 1, 50, &reps) != 0)
		return EXIT_USAGE;
	if ((away != NULL && (n = slot_list(away, &slots)) < 0) ||
	    (back != NULL && strcmp(back, "all") != 0 && (n = slot_list(back, &slots)) < 0))
		return cli_usage_error(cmd, "时段应为以逗号分隔的编号，如 3,4 / slots are numbers"
		    " separated by commas, such as 3,4");
	if ((st = cli_open_store(cmd)) == NULL) {
		free(slots);
		return EXIT_REJECTED;
	}
	if (away != NULL)
		rc = fair_participant_set(st, pos[0], pos[1], slots, n, 1, reps, &cause);
	else if (back != NULL)
		rc = fair_participant_set(st, pos[0], pos[1], slots, n, 0, reps, &cause);
	else
		rc = fair_participant_set(st, pos[0], pos[1], NULL, 0, 1, reps, &cause);
	free(slots);
	if (rc == 0)
		printf("已更新 %s / updated %s\n", pos[1], pos[1]);
	return finish(cmd, st, rc, cause);
}

/* `schedule request FAIR BADGE PRODUCT-CODE [--organiser]`: a buyer asks for a meeting. */
static int
verb_request(const struct cmd_entry *cmd, int argc, char **argv)
{
	int organiser = 0, rc;
	const struct cli_opt opts[] = {
		{ "--organiser", 0, NULL, &organiser },
		{ NULL, 0, NULL, NULL },
	};
	struct store *st;
	char *pos[3], *cause = NULL;
	long long id = -1;

	if (cli_parse(cmd, argc, argv, opts, pos, 3) != 3)
		return cli_usage_error(cmd, "用法 / usage: schedule request FAIR BADGE PRODUCT-CODE"
		    " [--organiser]");
	if ((st = cli_open_store(cmd)) == NULL)
		return EXIT_REJECTED;
	if (organiser)
		rc = fair_request_organiser(st, pos[0], pos[1], pos[2], &id, &cause);
	else if ((rc = schedule_request_add(st, pos[0], pos[1], pos[2], &cause)) == 0)
		rc = fair_request_find(st, pos[0], pos[1], pos[2], &id, &cause);
	if (rc == 0)
		printf("洽谈请求 / meeting request %lld\n", id);
	return finish(cmd, st, rc, cause);
}

/*
 * `schedule pin FAIR BADGE`: the kiosk PIN printed on the buyer's agenda,
 * for the help desk when the agenda is lost.
 */
static int
verb_pin(const struct cmd_entry *cmd, int argc, char **argv)
{
	struct store *st;
	char *pos[2], *cause = NULL, pin[LINK_PIN_LEN];
	int rc;

	if (cli_parse(cmd, argc, argv, NULL, pos, 2) != 2)
		return cli_usage_error(cmd, "用法 / usage: schedule pin FAIR BADGE");
	if ((st = cli_open_store(cmd)) == NULL)
		return EXIT_REJECTED;
	if ((rc = links_pin(st, pos[0], pos[1], pin, &cause)) == 0)
		printf("%s\n", pin);
	return finish(cmd, st, rc, cause);
}

/*
 * `schedule revoke-link FAIR BADGE`: the participant's personal link opens
 * nothing from now on (a lost or passed-on agenda); the next print of the
 * agendas carries a new one.
 */
static int
verb_revoke_link(const struct cmd_entry *cmd, int argc, char **argv)
{
	struct store *st;
	char *pos[2], *cause = NULL;
	int rc;

	if (cli_parse(cmd, argc, argv, NULL, pos, 2) != 2)
		return cli_usage_error(cmd, "用法 / usage: schedule revoke-link FAIR BADGE");
	if ((st = cli_open_store(cmd)) == NULL)
		return EXIT_REJECTED;
	if ((rc = links_revoke(st, pos[0], pos[1], &cause)) == 0)
		printf("已撤销 %s 的个人链接，重新打印日程即得新链接 / revoked the personal link of %s;"
		    " print the agendas again for a new one\n", pos[1], pos[1]);
	return finish(cmd, st, rc, cause);
}

/* `schedule accept|decline FAIR REQUEST-ID`. */
static int
verb_answer(const struct cmd_entry *cmd, int argc, char **argv, const char *state)
{
	struct store *st;
	char *pos[2], *cause = NULL, *who;
	long id;
	int rc;

	if (cli_parse(cmd, argc, argv, NULL, pos, 2) != 2 ||
	    parse_long(pos[1], 1, 2147483647L, &id) != 0)
		return cli_usage_error(cmd, "用法 / usage: schedule accept|decline FAIR REQUEST-ID");
	if ((st = cli_open_store(cmd)) == NULL)
		return EXIT_REJECTED;
	who = cli_who();
	rc = fair_request_answer(st, pos[0], id, state, who, &cause);
	free(who);
	if (rc == 0)
		printf("洽谈请求 %ld：%s / meeting request %ld: %s\n", id, state, id, state);
	return finish(cmd, st, rc, cause);
}

/* `schedule accept FAIR REQUEST-ID`. */
static int
verb_accept(const struct cmd_entry *cmd, int argc, char **argv)
{
	return verb_answer(cmd, argc, argv, "accepted");
}

/* `schedule decline FAIR REQUEST-ID`. */
static int
verb_decline(const struct cmd_entry *cmd, int argc, char **argv)
{
	return verb_answer(cmd, argc, argv, "declined");
}

/* `schedule lock|unlock FAIR MEETING-ID`. */
static int
verb_lock_to(const struct cmd_entry *cmd, int argc, char **argv, int locked)
{
	struct store *st;
	char *pos[2], *cause = NULL;
	long id;
	int rc;

	if (cli_parse(cmd, argc, argv, NULL, pos, 2) != 2 ||
	    parse_long(pos[1], 1, 2147483647L, &id) != 0)
		return cli_usage_error(cmd, "用法 / usage: schedule lock|unlock FAIR MEETING-ID");
	if ((st = cli_open_store(cmd)) == NULL)
		return EXIT_REJECTED;
	rc = schedule_lock(st, pos[0], id, locked, &cause);
	if (rc == 0)
		printf("洽谈 %ld 已%s / meeting %ld %s\n", id, locked ? "锁定" : "解锁", id,
		    locked ? "locked" : "unlocked");
	return finish(cmd, st, rc, cause);
}

/* `schedule lock FAIR MEETING-ID`. */
static int
verb_lock(const struct cmd_entry *cmd, int argc, char **argv)
{
	return verb_lock_to(cmd, argc, argv, 1);
}

/* `schedule unlock FAIR MEETING-ID`. */
static int
verb_unlock(const struct cmd_entry *cmd, int argc, char **argv)
{
	return verb_lock_to(cmd, argc, argv, 0);
}

/* `schedule move FAIR MEETING-ID SLOT TABLE`: by hand, validated, then locked. */
static int
verb_move(const struct cmd_entry *cmd, int argc, char **argv)
{
	struct store *st;
	char *pos[4], *cause = NULL;
	long id, slot, table;
	int rc;

	if (cli_parse(cmd, argc, argv, NULL, pos, 4) != 4 ||
	    parse_long(pos[1], 1, 2147483647L, &id) != 0 ||
	    parse_long(pos[2], 1, 100000, &slot) != 0 || parse_long(pos[3], 1, 100000, &table) != 0)
		return cli_usage_error(cmd, "用法 / usage: schedule move FAIR MEETING-ID SLOT TABLE");
	if ((st = cli_open_store(cmd)) == NULL)
		return EXIT_REJECTED;
	rc = schedule_move(st, pos[0], id, (int)slot, (int)table, &cause);
	if (rc == 0)
		printf("洽谈 %ld 已移到时段 %ld、%ld 号桌并锁定 / meeting %ld moved to slot %ld,"
		    " table %ld and locked\n", id, slot, table, id, slot, table);
	return finish(cmd, st, rc, cause);
}

/* `schedule show FAIR [--json]`: the stored grid. */
static int
verb_show(const struct cmd_entry *cmd, int argc, char **argv)
{
	int json = 0;
	const struct cli_opt opts[] = {
		{ "--json", 0, NULL, &json },
		{ NULL, 0, NULL, NULL },
	};
	struct store *st;
	char *pos[1], *cause = NULL;
	json_t *grid, *slots, *meetings, *s, *m;
	size_t i, k;

	if (cli_parse(cmd, argc, argv, opts, pos, 1) != 1)
		return cli_usage_error(cmd, "用法 / usage: schedule show FAIR [--json]");
	if ((st = cli_open_store(cmd)) == NULL)
		return EXIT_REJECTED;
	if ((grid = schedule_json(st, pos[0], &cause)) == NULL)
		return finish(cmd, st, -1, cause);
	if (json) {
		cli_print_json(grid);
		return finish(cmd, st, 0, NULL);
	}
	slots = json_object_get(grid, "slots");
	meetings = json_object_get(grid, "meetings");
	json_array_foreach(slots, i, s) {
		json_int_t n = json_integer_value(json_object_get(s, "slot"));

		printf("时段 / slot %lld  第 %lld 天 / day %lld  %s–%s\n", (long long)n,
		    json_integer_value(json_object_get(s, "day")),
		    json_integer_value(json_object_get(s, "day")),
		    json_string_value(json_object_get(s, "start")),
		    json_string_value(json_object_get(s, "end")));
		json_array_foreach(meetings, k, m) {
			if (json_integer_value(json_object_get(m, "slot")) != n)
				continue;
			printf("  %3lld号桌 / table  #%lld  %s — %s%s\n",
			    json_integer_value(json_object_get(m, "table")),
			    json_integer_value(json_object_get(m, "id")),
			    json_string_value(json_object_get(json_object_get(m, "buyer"), "name")),
			    json_string_value(json_object_get(json_object_get(m, "supplier"),
			    "name")), json_is_true(json_object_get(m, "locked")) ?
			    "  [锁定 / locked]" : "");
		}
	}
	json_decref(grid);
	return finish(cmd, st, 0, NULL);
}

/* The verbs after `schedule`; anything else is a fair code or --dzn. */
static const struct {
	const char	*name;
	int		(*run)(const struct cmd_entry *, int, char **);
} verbs[] = {
	{ "setup", verb_setup },
	{ "show", verb_show },
	{ "participant", verb_participant },
	{ "request", verb_request },
	{ "pin", verb_pin },
	{ "revoke-link", verb_revoke_link },
	{ "accept", verb_accept },
	{ "decline", verb_decline },
	{ "lock", verb_lock },
	{ "unlock", verb_unlock },
	{ "move", verb_move },
};

int
cmd_schedule(const struct cmd_entry *cmd, int argc, char **argv)
{
	const char *dzn = NULL, *fairness = NULL, *limit = NULL, *seed = NULL, *threads = NULL;
	const char *conflicts = NULL;
	int json = 0, anneal_only = 0, publish = 0, n;
	const struct cli_opt opts[] = {
		{ "--dzn", 1, &dzn, NULL },
		{ "--fairness", 1, &fairness, NULL },
		{ "--time-limit", 1, &limit, NULL },
		{ "--seed", 1, &seed, NULL },
		{ "--threads", 1, &threads, NULL },
		{ "--conflicts", 1, &conflicts, NULL },
		{ "--anneal-only", 0, NULL, &anneal_only },
		{ "--publish", 0, NULL, &publish },
		{ "--json", 0, NULL, &json },
		{ NULL, 0, NULL, NULL },
	};
	char *pos[1], *cause = NULL, *s;
	struct fixed_model *m;
	struct fixed_opts so;
	struct fixed_result res;
	struct fixed_report rep;
	long v;

	for (size_t k = 0; argc > 0 && k < nitems(verbs); k++)
		if (strcmp(argv[0], verbs[k].name) == 0)
			return verbs[k].run(cmd, argc - 1, argv + 1);
	if ((n = cmd_schedule_fairday(cmd, argc, argv)) >= 0)
		return n;
	if ((n = cli_parse(cmd, argc, argv, opts, pos, 1)) < 0)
		return EXIT_USAGE;
	if (dzn == NULL && n == 0)
		return cli_usage_error(cmd, "请给出展会编号或 --dzn FILE / give a fair code or"
		    " --dzn FILE");
	if (dzn != NULL && n != 0)
		return cli_usage_error(cmd, "--dzn 不能与展会同时给出 / --dzn takes no fair as"
		    " well: %s", pos[0]);
	fixed_opts_init(&so);
	if (fairness != NULL) {
		if (parse_long(fairness, 0, 1000, &v) != 0)
			return cli_usage_error(cmd, "--fairness 应为 0..1000 的整数 / --fairness must"
			    " be a whole number 0..1000, not “%s”", fairness);
		so.fairness = (int)v;
	}
	if (limit != NULL && (parse_double(limit, &so.time_limit) != 0 ||
	    !(so.time_limit > 0 && so.time_limit <= 86400)))
		return cli_usage_error(cmd, "--time-limit 应为 0 到 86400 之间的秒数 / --time-limit"
		    " must be seconds in (0, 86400], not “%s”", limit);
	if (seed != NULL) {
		if (parse_long(seed, 0, 2147483647L, &v) != 0)
			return cli_usage_error(cmd, "--seed 应为非负整数 / --seed must be a"
			    " non-negative whole number, not “%s”", seed);
		so.seed = (uint64_t)v;
	}
	if (threads != NULL && number(cmd, "--threads", threads, 1, 2, &so.threads) != 0)
		return EXIT_USAGE;
	if (conflicts != NULL) {
		if (parse_long(conflicts, 1, 2147483647L, &v) != 0)
			return cli_usage_error(cmd, "--conflicts 应为正整数 / --conflicts must be a"
			    " positive whole number, not “%s”", conflicts);
		so.conflicts = v;
	}
	so.exact = !anneal_only;
	if (dzn != NULL && publish)
		return cli_usage_error(cmd, "--publish 只用于展会 / --publish is for a fair, not"
		    " --dzn");
	if (dzn == NULL)
		return solve_fair(cmd, pos[0], so.time_limit, limit != NULL, so.seed, publish,
		    json);
	if (fixed_dzn_read(dzn, &m, &cause) != 0) {
		fprintf(stderr, "fairmatch schedule: %s\n", cause);
		free(cause);
		return EXIT_REJECTED;
	}
	if (!json && isatty(STDERR_FILENO))
		so.progress = show_progress;
	if (fixed_solve(m, &so, &res, &cause) != 0) {
		fprintf(stderr, "fairmatch schedule: %s\n", cause);
		free(cause);
		fixed_model_free(m);
		return EXIT_REJECTED;
	}
	if (so.progress != NULL)
		fputc('\n', stderr);
	/* A schedule that fails the validator is a solver bug, never output. */
	if (res.slot != NULL && fixed_check(m, res.slot, so.fairness, &rep) != 0)
		fatal("%s: solver produced an invalid schedule: %s", __func__,
		    rep.violations[0]);
	if (res.slot != NULL) {
		if (rep.breaks != res.breaks)
			fatal("%s: solver counted %d breaks, validator %d", __func__,
			    res.breaks, rep.breaks);
		fixed_report_free(&rep);
	}
	if (json) {
		s = result_json(m, &res);
		puts(s);
		free(s);
	} else
		result_print(stdout, m, &res);
	if (res.status == FIXED_UNKNOWN)
		fprintf(stderr, "fairmatch schedule: %.0f 秒内未找到有效方案 / no valid schedule"
		    " found within %.0f s\n", so.time_limit, so.time_limit);
	fixed_result_free(&res);
	fixed_model_free(m);
	return EXIT_OK;
}
