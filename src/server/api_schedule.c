/*
 * api_schedule.c — a fair's schedule over HTTP: read the grid, solve as a
 * job with progress, lock and move one meeting (validated by the
 * scheduling module), and the kiosk's meeting request.
 */
#include <limits.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "fair_setup.h"
#include "http.h"
#include "links.h"
#include "normalise.h"
#include "ratelimit.h"
#include "schedule.h"
#include "util.h"

/* GET /api/v1/fairs/CODE/schedule */
void
api_schedule_get(struct hreq *h, char **args)
{
	char *cause = NULL;
	json_t *grid = schedule_json(hreq_store(h), args[0], &cause);

	if (grid == NULL) {
		api_fail(h, hreq_store(h), 404, "not_found", cause);
		return;
	}
	http_json(h, 200, grid);
}

struct solve_arg {
	char			*code;
	char			*who;		/* the login, for the version's record */
	struct schedule_opts	 opts;
};

static void
solve_arg_free(void *arg)
{
	struct solve_arg *a = arg;

	free(a->code);
	free(a->who);
	free(a);
}

/* The solver's progress, as the job's. */
static void
solve_progress(void *arg, double fraction)
{
	job_progress(arg, fraction, "正在排程 / scheduling");
}

/* Job: solve and save the fair's schedule. */
static int
solve_job(struct job *j, struct store *st, void *arg, json_t **result, char **cause)
{
	struct solve_arg *a = arg;

	return schedule_run(st, a->code, &a->opts, solve_progress, j, result, cause);
}

/* POST /api/v1/fairs/CODE/schedule[?time_limit=S&seed=N&publish=1] */
void
api_schedule_run(struct hreq *h, char **args)
{
	const char *tl = hreq_arg(h, "time_limit"), *seed = hreq_arg(h, "seed");
	const char *publish = hreq_arg(h, "publish");
	struct solve_arg *a;
	long v_tl = 0, v_seed = 1, v_publish = 0;
	long long id;

	if ((tl != NULL && parse_long(tl, 1, 600, &v_tl) != 0) ||
	    (seed != NULL && parse_long(seed, 0, LONG_MAX, &v_seed) != 0) ||
	    (publish != NULL && parse_long(publish, 0, 1, &v_publish) != 0)) {
		http_error(h, 400, "bad_argument", "time_limit 应为 1 到 600 秒，seed 为非负整数，"
		    "publish 为 0 或 1 / time_limit must be 1 to 600 seconds, seed a whole number"
		    " and publish 0 or 1");
		return;
	}
	if (!api_fair_known(h, args[0]))
		return;
	a = xcalloc(1, sizeof *a);
	a->code = xstrdup(args[0]);
	a->opts.time_limit = (double)v_tl;
	a->opts.seed = (uint64_t)v_seed;
	a->opts.publish = (int)v_publish;
	a->who = xstrdup(h->who.login);
	a->opts.who = a->who;
	if ((id = jobs_submit(hreq_jobs(h), "schedule", h->who.user_id, solve_job, a,
	    solve_arg_free)) < 0)
		solve_arg_free(a);
	api_reply_job(h, id);
}

/* The meeting id in args[1]; 0 after replying 404. */
static long long
meeting_id(struct hreq *h, char **args)
{
	long id;

	if (parse_long(args[1], 1, LONG_MAX, &id) != 0) {
		http_error(h, 404, "not_found", "没有这场洽谈 / no such meeting: %s", args[1]);
		return 0;
	}
	return id;
}

/* The JSON body; NULL after replying. */
static json_t *
body(struct hreq *h)
{
	char *cause = NULL;
	int status;
	json_t *in = hreq_json_body(h, (size_t)hreq_settings(h)->max_body_bytes, &status, &cause);

	if (in == NULL) {
		http_error(h, status, "bad_request", "%s", cause);
		free(cause);
	}
	return in;
}

/* Worker: lock or unlock. */
static void
lock_work(struct task *t, struct store *st)
{
	long long id = json_integer_value(json_object_get(t->in, "id"));
	int locked = json_is_true(json_object_get(t->in, "locked"));
	char *cause = NULL;

	if (schedule_lock(st, t->text, id, locked, &cause) != 0) {
		api_task_fail(t, 404, "not_found", cause);
		return;
	}
	t->status = 200;
	t->body = json_pack("{s:I, s:b}", "id", (json_int_t)id, "locked", locked);
}

/* POST /api/v1/fairs/CODE/meetings/ID/lock {locked} */
void
api_schedule_lock(struct hreq *h, char **args)
{
	long long id = meeting_id(h, args);
	json_t *in;

	if (id == 0 || (in = body(h)) == NULL)
		return;
	if (!json_is_boolean(json_object_get(in, "locked"))) {
		json_decref(in);
		http_error(h, 400, "bad_request", "需要布尔字段 locked / needs the boolean field locked");
		return;
	}
	json_object_set_new(in, "id", json_integer(id));
	api_task_run(h, lock_work, in, xstrdup(args[0]));
}

/* Worker: move one meeting, the scheduling module saying which rule it would break. */
static void
move_work(struct task *t, struct store *st)
{
	long long id = json_integer_value(json_object_get(t->in, "id"));
	int slot = (int)json_integer_value(json_object_get(t->in, "slot"));
	int table = (int)json_integer_value(json_object_get(t->in, "table"));
	char *cause = NULL;

	if (schedule_move(st, t->text, id, slot, table, &cause) != 0) {
		api_task_fail(t, 409, "conflict", cause);
		return;
	}
	t->status = 200;
	t->body = json_pack("{s:I, s:i, s:i, s:b}", "id", (json_int_t)id, "slot", slot, "table",
	    table, "locked", 1);
}

/* POST /api/v1/fairs/CODE/meetings/ID/move {slot, table} */
void
api_schedule_move(struct hreq *h, char **args)
{
	long long id = meeting_id(h, args);
	json_t *in;

	if (id == 0 || (in = body(h)) == NULL)
		return;
	if (!json_is_integer(json_object_get(in, "slot")) ||
	    !json_is_integer(json_object_get(in, "table")) ||
	    json_integer_value(json_object_get(in, "slot")) < 1 ||
	    json_integer_value(json_object_get(in, "slot")) > 100000 ||
	    json_integer_value(json_object_get(in, "table")) < 1 ||
	    json_integer_value(json_object_get(in, "table")) > 100000) {
		json_decref(in);
		http_error(h, 400, "bad_request", "需要 1 到 100000 的整数字段 slot 和 table / needs"
		    " the whole-number fields slot and table, from 1 to 100000");
		return;
	}
	json_object_set_new(in, "id", json_integer(id));
	api_task_run(h, move_work, in, xstrdup(args[0]));
}

/* The one answer for a link, or badge and PIN, that identify no one: it names no badge. */
#define NOT_IDENTIFIED	"胸牌号或 PIN 不对，或个人链接已失效；请核对日程表上的胸牌号和 PIN /" \
	" the badge number or PIN is wrong, or the personal link is no longer valid; check" \
	" the badge number and PIN printed on your agenda"

/* Worker: record the kiosk's request, once its buyer is identified. */
static void
request_work(struct task *t, struct store *st)
{
	const char *link = json_string_value(json_object_get(t->in, "link"));
	const char *badge = json_string_value(json_object_get(t->in, "badge"));
	const char *pin = json_string_value(json_object_get(t->in, "pin"));
	const char *product = json_string_value(json_object_get(t->in, "product"));
	const char *phone = json_string_value(json_object_get(t->in, "phone"));
	char *cause = NULL;
	long long id = 0;
	int rc;

	rc = links_kiosk_request(st, t->text, link, badge, pin, product, phone, &id, &cause);
	if (rc < 0) {
		api_task_fail(t, 400, "rejected", cause);
		return;
	}
	if (rc == 0) {
		api_task_fail(t, 403, "not_identified", xstrdup(NOT_IDENTIFIED));
		return;
	}
	t->status = 201;
	t->body = json_pack("{s:b, s:I, s:s, s:s}", "ok", 1, "id", (json_int_t)id, "product",
	    product, "phone", phone);
}

/*
 * POST /api/v1/fairs/CODE/requests {link | badge and pin, product, phone}:
 * the kiosk, no sign-in, so many per minute from one address.
 */
void
api_schedule_request(struct hreq *h, char **args)
{
	char secs[16], canon[128];
	const char *why = NULL;
	json_t *in;
	int wait;

	if ((wait = ratelimit_wait(hreq_kiosk_requests(h), h->peer)) > 0) {
		snprintf(secs, sizeof secs, "%d", wait);
		http_header(h, "Retry-After", secs);
		atomic_fetch_add(&hreq_metrics(h)->rate_limited, 1);
		http_error(h, 429, "too_many_requests", "这台设备的洽谈请求过于频繁，请 %d 秒后再试 /"
		    " too many meeting requests from this device; try again in %d seconds", wait,
		    wait);
		return;
	}
	if ((in = body(h)) == NULL)
		return;
	if (!json_is_string(json_object_get(in, "product")) ||
	    !json_is_string(json_object_get(in, "phone")) ||
	    (!json_is_string(json_object_get(in, "link")) &&
	    (!json_is_string(json_object_get(in, "badge")) ||
	    !json_is_string(json_object_get(in, "pin"))))) {
		json_decref(in);
		http_error(h, 400, "bad_request", "需要字符串字段 product（产品编号）、phone（联系电话），"
		    "以及 link（个人链接）或 badge（胸牌号）和 pin / needs the string fields product,"
		    " phone, and link or else badge and pin");
		return;
	}
	if (check_phone(json_string_value(json_object_get(in, "phone")), canon, sizeof canon,
	    &why) != 0) {
		json_decref(in);
		http_error(h, 400, "bad_request", "联系电话 phone：%s / contact phone: %s", why, why);
		return;
	}
	json_object_set_new(in, "phone", json_string(canon));
	/* Counted before the work, so that many at once cannot all pass the check. */
	ratelimit_fail(hreq_kiosk_requests(h), h->peer);
	api_task_run(h, request_work, in, xstrdup(args[0]));
}

/* Worker: lay out the fair's days, slots and tables. */
static void
setup_work(struct task *t, struct store *st)
{
	struct fair_setup fs;
	json_t *summary = NULL, *v;
	char *cause = NULL;
	const char *lunch;

	fair_setup_init(&fs);
	if ((v = json_object_get(t->in, "days")) != NULL)
		fs.days = (int)json_integer_value(v);
	if ((v = json_object_get(t->in, "slots_per_day")) != NULL)
		fs.slots_per_day = (int)json_integer_value(v);
	if ((v = json_object_get(t->in, "slot_minutes")) != NULL)
		fs.slot_minutes = (int)json_integer_value(v);
	if ((v = json_object_get(t->in, "tables")) != NULL)
		fs.tables = (int)json_integer_value(v);
	if ((v = json_object_get(t->in, "start")) != NULL &&
	    (fs.start = fair_parse_time(json_string_value(v) ? json_string_value(v) : "")) < 0) {
		api_task_fail(t, 400, "bad_request", xstrdup("start 应为 HH:MM / start must be HH:MM"));
		return;
	}
	v = json_object_get(t->in, "lunch");
	if (json_is_null(v))
		fs.lunch_from = fs.lunch_to = -1;
	else if ((lunch = json_string_value(v)) != NULL) {
		char from[8] = "", to[8] = "";

		if (sscanf(lunch, "%7[0-9:]-%7[0-9:]", from, to) != 2 ||
		    (fs.lunch_from = fair_parse_time(from)) < 0 ||
		    (fs.lunch_to = fair_parse_time(to)) < 0) {
			api_task_fail(t, 400, "bad_request", xstrdup("lunch 应为 HH:MM-HH:MM 或 null /"
			    " lunch must be HH:MM-HH:MM or null"));
			return;
		}
	}
	if (fair_setup(st, t->text, &fs, &summary, &cause) != 0) {
		api_task_fail(t, 400, "rejected", cause);
		return;
	}
	t->status = 200;
	t->body = summary;
}

/*
 * POST /api/v1/fairs/CODE/schedule/setup {days, slots_per_day,
 * slot_minutes, start "HH:MM", lunch "HH:MM-HH:MM"|null, tables}: any left
 * out keep the defaults of `fairmatch schedule setup`.
 */
void
api_schedule_setup(struct hreq *h, char **args)
{
	static const char *const ints[] = { "days", "slots_per_day", "slot_minutes", "tables" };
	json_t *in = body(h);

	if (in == NULL)
		return;
	for (size_t i = 0; i < nitems(ints); i++) {
		json_t *v = json_object_get(in, ints[i]);

		if (v != NULL && (!json_is_integer(v) || json_integer_value(v) < 0 ||
		    json_integer_value(v) > 100000)) {
			json_decref(in);
			http_error(h, 400, "bad_request", "%s 应为 0 到 100000 的整数 / %s must be a"
			    " whole number from 0 to 100000", ints[i], ints[i]);
			return;
		}
	}
	api_task_run(h, setup_work, in, xstrdup(args[0]));
}
