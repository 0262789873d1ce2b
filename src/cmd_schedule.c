/*
 * cmd_schedule.c — `fairmatch schedule --dzn FILE`: solve a published B2B
 * meeting-scheduling instance, check the schedule with the independent
 * validator, print it.  (Scheduling a stored fair comes with the fair model.)
 */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include <jansson.h>

#include "cli.h"
#include "sched.h"
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
result_json(const struct sched_model *m, const struct sched_result *res)
{
	json_t *root = json_object(), *list = json_array();
	char *s;

	json_object_set_new(root, "status", json_string(sched_status_name(res->status)));
	json_object_set_new(root, "breaks", json_integer(res->breaks));
	json_object_set_new(root, "bound", json_integer(res->bound));
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
result_print(FILE *f, const struct sched_model *m, const struct sched_result *res)
{
	fprintf(f, "状态 / status: %s\n", sched_status_name(res->status));
	if (res->reason != NULL)
		fprintf(f, "原因 / reason: %s\n", res->reason);
	if (res->slot == NULL)
		return;
	fprintf(f, "空档 / breaks: %d (下界 / bound %d)，%.1f 秒 / s，%ld 步 / steps\n",
	    res->breaks, res->bound, res->seconds, res->iterations);
	for (int t = 0; t < m->nslots; t++) {
		fprintf(f, "时段 / slot %d:", t + 1);
		for (int i = 0; i < m->nmeetings; i++)
			if (res->slot[i] == t)
				fprintf(f, " %d(%d-%d)", i + 1, m->meetings[i].a + 1,
				    m->meetings[i].b + 1);
		fputc('\n', f);
	}
}

int
cmd_schedule(const struct cmd_entry *cmd, int argc, char **argv)
{
	const char *dzn = NULL, *fairness = NULL, *limit = NULL, *seed = NULL;
	int json = 0, n;
	const struct cli_opt opts[] = {
		{ "--dzn", 1, &dzn, NULL },
		{ "--fairness", 1, &fairness, NULL },
		{ "--time-limit", 1, &limit, NULL },
		{ "--seed", 1, &seed, NULL },
		{ "--json", 0, NULL, &json },
		{ NULL, 0, NULL, NULL },
	};
	char *pos[1], *cause = NULL, *s;
	struct sched_model *m;
	struct sched_opts so;
	struct sched_result res;
	struct sched_report rep;
	long v;

	if ((n = cli_parse(cmd, argc, argv, opts, pos, 1)) < 0)
		return EXIT_USAGE;
	if (dzn == NULL)
		return cli_usage_error(cmd, "按展会排程将随展会模型一起提供；目前只支持 --dzn FILE /"
		    " scheduling a stored fair comes with the fair model; for now only --dzn FILE"
		    " is supported");
	if (n != 0)
		return cli_usage_error(cmd, "--dzn 不能与展会同时给出 / --dzn takes no fair as"
		    " well: %s", pos[0]);
	sched_opts_init(&so);
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
	if (sched_dzn_read(dzn, &m, &cause) != 0) {
		fprintf(stderr, "fairmatch schedule: %s\n", cause);
		free(cause);
		return EXIT_REJECTED;
	}
	if (!json && isatty(STDERR_FILENO))
		so.progress = show_progress;
	if (sched_solve(m, &so, &res, &cause) != 0) {
		fprintf(stderr, "fairmatch schedule: %s\n", cause);
		free(cause);
		sched_model_free(m);
		return EXIT_REJECTED;
	}
	if (so.progress != NULL)
		fputc('\n', stderr);
	/* A schedule that fails the validator is a solver bug, never output. */
	if (res.slot != NULL && sched_check(m, res.slot, so.fairness, &rep) != 0)
		fatal("%s: solver produced an invalid schedule: %s", __func__,
		    rep.violations[0]);
	if (res.slot != NULL) {
		if (rep.breaks != res.breaks)
			fatal("%s: solver counted %d breaks, validator %d", __func__,
			    res.breaks, rep.breaks);
		sched_report_free(&rep);
	}
	if (json) {
		s = result_json(m, &res);
		puts(s);
		free(s);
	} else
		result_print(stdout, m, &res);
	if (res.status == SCHED_UNKNOWN)
		fprintf(stderr, "fairmatch schedule: %.0f 秒内未找到有效方案 / no valid schedule"
		    " found within %.0f s\n", so.time_limit, so.time_limit);
	sched_result_free(&res);
	sched_model_free(m);
	return EXIT_OK;
}
