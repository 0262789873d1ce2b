/*
 * api_ledger.c — the marketing network's ledger over HTTPS: the register,
 * return lines with their evidence and review steps, figures against the
 * plan and who is late.  Reads on the loop's read-only store; every change
 * on a worker.  The rules of who may take which step are the domain's
 * (ledger.h); an expansion office reads only its own province.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "api.h"
#include "auth.h"
#include "http.h"
#include "ledger.h"
#include "normalise.h"
#include "util.h"
#include "withdraw.h"

/* The ledger's view of the caller. */
static struct ledger_actor
actor_of(const struct hreq *h)
{
	struct ledger_actor a;

	a.login = h->who.login;
	a.role = h->who.role;
	a.province = h->who.role == ROLE_EXPANSION ? h->who.region : NULL;
	a.city = h->who.role == ROLE_CITY ? h->who.region : NULL;
	return a;
}

/* A whole-number query argument into *v (def when absent); -1 after replying 400. */
static int
int_arg(struct hreq *h, const char *name, long min, long max, long def, long *v)
{
	const char *s = hreq_arg(h, name);

	*v = def;
	if (s == NULL || *s == '\0')
		return 0;
	if (parse_long(s, min, max, v) != 0) {
		http_error(h, 400, "bad_argument", "%s “%s” 应为 %ld–%ld / %s: \"%s\" must be %ld to"
		    " %ld", name, s, min, max, name, s, min, max);
		return -1;
	}
	return 0;
}

/* The year to show: ?year=, else the current one. */
static int
year_arg(struct hreq *h, long *year)
{
	char today[11];

	withdraw_today(today);
	return int_arg(h, "year", 2000, 2099, strtol(today, NULL, 10), year);
}

/* The province to show: an expansion office's own; anyone else ?province= or all. */
static const char *
province_of(struct hreq *h)
{
	const char *p = hreq_arg(h, "province");

	if (h->who.role == ROLE_EXPANSION)
		return h->who.region;
	return p == NULL || *p == '\0' ? NULL : norm_province(p) != NULL ? norm_province(p) : p;
}

/* GET /api/v1/ledger/register[?province=]: the centres and distributors. */
void
api_ledger_register(struct hreq *h, char **args)
{
	char *cause = NULL;
	json_t *v;

	if ((v = ledger_register_json(hreq_store(h), province_of(h), &cause)) == NULL) {
		api_fail(h, hreq_store(h), 500, "store", cause);
		return;
	}
	http_json(h, 200, v);
}

/* GET /api/v1/ledger/lines?year=&quarter=&state=: the lines the caller may see. */
void
api_ledger_lines(struct hreq *h, char **args)
{
	struct ledger_actor a = actor_of(h);
	long year, quarter;
	char *cause = NULL;
	json_t *v;

	if (year_arg(h, &year) != 0 || int_arg(h, "quarter", 1, 4, 0, &quarter) != 0)
		return;
	if ((v = ledger_lines_json(hreq_store(h), &a, (int)year, (int)quarter,
	    hreq_arg(h, "state"), &cause)) == NULL) {
		api_fail(h, hreq_store(h), 500, "store", cause);
		return;
	}
	http_json(h, 200, v);
}

/* The line number in args[0]; 0 after replying 404. */
static long long
line_of(struct hreq *h, char **args)
{
	long v;

	if (parse_long(args[0], 1, 0x7fffffffffffffffL, &v) != 0) {
		http_error(h, 404, "not_found", "没有申报 %s / no return line %s", args[0], args[0]);
		return 0;
	}
	return v;
}

/* GET /api/v1/ledger/lines/ID: a line with its evidence and history. */
void
api_ledger_line(struct hreq *h, char **args)
{
	struct ledger_actor a = actor_of(h);
	long long id = line_of(h, args);
	int forbidden;
	char *cause = NULL;
	json_t *v;

	if (id == 0)
		return;
	if ((v = ledger_line_json(hreq_store(h), &a, id, &forbidden, &cause)) == NULL) {
		api_fail(h, hreq_store(h), forbidden ? 403 : 404, forbidden ? "forbidden" :
		    "not_found", cause);
		return;
	}
	http_json(h, 200, v);
}

/* The request's JSON body, or NULL after replying 400 (or 413). */
static json_t *
body_of(struct hreq *h)
{
	json_t *in;
	int status;
	char *cause = NULL;

	if ((in = hreq_json_body(h, (size_t)hreq_settings(h)->max_body_bytes, &status,
	    &cause)) == NULL) {
		http_error(h, status, "bad_request", "%s", cause);
		free(cause);
	}
	return in;
}

/* Worker: add or replace one centre or distributor of the register. */
static void
outlet_save_work(struct task *t, struct store *st)
{
	char *cause = NULL;

	if (ledger_outlet_save(st, t->in, t->h->who.login, &t->body, &cause) != 0) {
		api_task_fail(t, 400, "bad_request", cause);
		return;
	}
	t->status = 200;
}

/*
 * POST /api/v1/ledger/register {code, kind, name, …}: the province office
 * adds a centre or distributor, or edits one (by code), as a register row.
 */
void
api_ledger_outlet_save(struct hreq *h, char **args)
{
	json_t *in;

	if ((in = body_of(h)) == NULL)
		return;
	if (!json_is_object(in)) {
		json_decref(in);
		http_error(h, 400, "bad_request", "需要 JSON 对象 / needs a JSON object");
		return;
	}
	api_task_run(h, outlet_save_work, in, NULL);
}

/* A domain refusal or bad input as the task's reply; a store failure overrides it. */
static void
ledger_fail(struct task *t, int forbidden, char *cause)
{
	api_task_fail(t, forbidden ? 403 : 400, forbidden ? "forbidden" : "bad_request", cause);
}

/* Replies with line id as it now stands. */
static void
line_reply(struct task *t, struct store *st, const struct ledger_actor *a, int64_t id)
{
	int forbidden;
	char *cause = NULL;

	if ((t->body = ledger_line_json(st, a, id, &forbidden, &cause)) == NULL) {
		ledger_fail(t, forbidden, cause);
		return;
	}
	t->status = 200;
}

/* Worker: submit a line (new, or a returned one again). */
static void
submit_work(struct task *t, struct store *st)
{
	struct ledger_actor a = actor_of(t->h);
	struct ledger_line_in in;
	int64_t id;
	int forbidden;
	char *cause = NULL;

	memset(&in, 0, sizeof in);
	in.outlet = json_string_value(json_object_get(t->in, "outlet"));
	in.year = (int)json_integer_value(json_object_get(t->in, "year"));
	in.quarter = (int)json_integer_value(json_object_get(t->in, "quarter"));
	in.amount = json_string_value(json_object_get(t->in, "amount"));
	in.note = json_string_value(json_object_get(t->in, "note"));
	in.from_fair = json_is_true(json_object_get(t->in, "from_fair"));
	if (ledger_line_submit(st, &a, &in, &id, &forbidden, &cause) != 0) {
		ledger_fail(t, forbidden, cause);
		return;
	}
	line_reply(t, st, &a, id);
}

/* POST /api/v1/ledger/lines {outlet, year, quarter, amount: "万元", note, from_fair} */
void
api_ledger_submit(struct hreq *h, char **args)
{
	json_t *in;

	if ((in = body_of(h)) == NULL)
		return;
	if (!json_is_string(json_object_get(in, "outlet")) ||
	    !json_is_integer(json_object_get(in, "year")) ||
	    !json_is_integer(json_object_get(in, "quarter")) ||
	    !json_is_string(json_object_get(in, "amount")) ||
	    (json_object_get(in, "from_fair") != NULL &&
	    !json_is_boolean(json_object_get(in, "from_fair")))) {
		json_decref(in);
		http_error(h, 400, "bad_request", "需要 outlet、year、quarter 和 amount（万元，文本），"
		    "from_fair 为布尔值 / needs outlet, year, quarter and amount (万元, as text),"
		    " from_fair as a boolean");
		return;
	}
	api_task_run(h, submit_work, in, NULL);
}

/* Worker: keep an evidence file the loop spooled, then remove the spool. */
static void
evidence_work(struct task *t, struct store *st)
{
	struct ledger_actor a = actor_of(t->h);
	const char *path = json_string_value(json_object_get(t->in, "path"));
	int64_t id = json_integer_value(json_object_get(t->in, "id"));
	int forbidden, rc;
	char *cause = NULL;

	rc = ledger_evidence_add(st, &a, id, path, json_string_value(json_object_get(t->in,
	    "filename")), json_string_value(json_object_get(t->in, "kind")), &forbidden, &cause);
	unlink(path);
	if (rc != 0) {
		ledger_fail(t, forbidden, cause);
		return;
	}
	line_reply(t, st, &a, id);
}

/* POST /api/v1/ledger/lines/ID/evidence?filename=NAME&kind=contract: the body is the file. */
void
api_ledger_evidence(struct hreq *h, char **args)
{
	long long id = line_of(h, args);
	const char *kind = hreq_arg(h, "kind");
	char *path;

	if (id == 0 || (path = api_evidence_spool(h)) == NULL)
		return;
	api_task_run(h, evidence_work, json_pack("{s:I, s:s, s:s, s:s}", "id", (json_int_t)id,
	    "path", path, "filename", hreq_arg(h, "filename"), "kind", kind != NULL ? kind :
	    "other"), NULL);
	free(path);
}

/* Worker: submit every line of a returns file the loop spooled, then remove the spool. */
static void
returns_work(struct task *t, struct store *st)
{
	struct ledger_actor a = actor_of(t->h);
	const char *path = json_string_value(json_object_get(t->in, "path"));
	int forbidden, rc;
	char *cause = NULL;
	json_t *out = NULL;

	rc = ledger_returns_import(st, &a, path, (int)json_integer_value(json_object_get(t->in,
	    "year")), (int)json_integer_value(json_object_get(t->in, "quarter")), &out,
	    &forbidden, &cause);
	unlink(path);
	if (rc == 0) {
		t->body = out;
		t->status = 200;
	} else if (out != NULL) {	/* the report of each bad row, beside the message */
		json_object_set_new(out, "error", json_string("rejected"));
		json_object_set_new(out, "message", json_string(cause));
		free(cause);
		t->body = out;
		t->status = 400;
	} else
		ledger_fail(t, forbidden, cause);
}

/*
 * POST /api/v1/ledger/returns?year=&quarter=&filename=NAME: the body is a
 * returns file (编号, 金额（万元）, 说明), submitted all or nothing.
 */
void
api_ledger_returns(struct hreq *h, char **args)
{
	long year, quarter;
	char *path;

	if (year_arg(h, &year) != 0 || int_arg(h, "quarter", 1, 4, 0, &quarter) != 0)
		return;
	if (quarter == 0) {
		http_error(h, 400, "bad_argument", "需要季度 quarter（1–4） / quarter (1–4) is"
		    " required");
		return;
	}
	if ((path = api_evidence_spool(h)) == NULL)
		return;
	api_task_run(h, returns_work, json_pack("{s:s, s:i, s:i}", "path", path, "year",
	    (int)year, "quarter", (int)quarter), NULL);
	free(path);
}

/* Worker: a review step, a return or a comment. */
static void
act_work(struct task *t, struct store *st)
{
	struct ledger_actor a = actor_of(t->h);
	int64_t id = json_integer_value(json_object_get(t->in, "id"));
	int forbidden;
	char *cause = NULL;

	if (ledger_line_act(st, &a, id, json_string_value(json_object_get(t->in, "action")),
	    json_string_value(json_object_get(t->in, "comment")), &forbidden, &cause) != 0) {
		ledger_fail(t, forbidden, cause);
		return;
	}
	line_reply(t, st, &a, id);
}

/* POST /api/v1/ledger/lines/ID/review {action: check|review|joint|return|comment, comment} */
void
api_ledger_act(struct hreq *h, char **args)
{
	long long id = line_of(h, args);
	json_t *in;

	if (id == 0)
		return;
	if ((in = body_of(h)) == NULL)
		return;
	if (!json_is_string(json_object_get(in, "action")) ||
	    (json_object_get(in, "comment") != NULL &&
	    !json_is_string(json_object_get(in, "comment")))) {
		json_decref(in);
		http_error(h, 400, "bad_request", "需要 action（文本），comment 为文本 / needs action"
		    " as text, comment as text");
		return;
	}
	json_object_set_new(in, "id", json_integer(id));
	api_task_run(h, act_work, in, NULL);
}

/*
 * GET /api/v1/ledger/figures?by=&year=&quarter=&province=: an expansion
 * office's own province; a city office's the outlets docking with its city.
 */
void
api_ledger_figures(struct hreq *h, char **args)
{
	const char *by = hreq_arg(h, "by");
	long year, quarter;
	char *cause = NULL;
	json_t *v;

	if (year_arg(h, &year) != 0 || int_arg(h, "quarter", 1, 4, 0, &quarter) != 0)
		return;
	if ((v = ledger_figures_json(hreq_store(h), by != NULL ? by : "province", (int)year,
	    (int)quarter, province_of(h), h->who.role == ROLE_CITY ? h->who.region : NULL,
	    &cause)) == NULL) {
		api_fail(h, hreq_store(h), 400, "bad_argument", cause);
		return;
	}
	http_json(h, 200, v);
}

/* Worker: draw a spot-check sample and reply with it. */
static void
sample_draw_work(struct task *t, struct store *st)
{
	json_int_t seed = json_integer_value(json_object_get(t->in, "seed"));
	int64_t id;
	char *cause = NULL;

	if (ledger_sample_draw(st, t->h->who.login, (int)json_integer_value(json_object_get(t->in,
	    "year")), (int)json_integer_value(json_object_get(t->in, "quarter")),
	    (int)json_integer_value(json_object_get(t->in, "per_province")), (uint64_t)seed, &id,
	    &cause) != 0 || (t->body = ledger_sample_json(st, id, &cause)) == NULL) {
		api_task_fail(t, 400, "bad_request", cause);
		return;
	}
	t->status = 200;
}

/*
 * POST /api/v1/ledger/samples {year, quarter, per_province, seed}: draws a
 * sample of verified lines per province; without a seed the server picks
 * one, which the reply (and the record) names.
 */
void
api_ledger_sample_draw(struct hreq *h, char **args)
{
	json_t *in;

	if ((in = body_of(h)) == NULL)
		return;
	if (!json_is_integer(json_object_get(in, "year")) ||
	    !json_is_integer(json_object_get(in, "per_province")) ||
	    (json_object_get(in, "seed") != NULL && (!json_is_integer(json_object_get(in, "seed")) ||
	    json_integer_value(json_object_get(in, "seed")) < 0))) {
		json_decref(in);
		http_error(h, 400, "bad_request", "需要 year、per_province（整数），seed 为非负整数 /"
		    " needs year and per_province as integers, seed as an integer 0 or more");
		return;
	}
	if (json_object_get(in, "seed") == NULL)
		json_object_set_new(in, "seed", json_integer((json_int_t)ledger_random_seed()));
	api_task_run(h, sample_draw_work, in, NULL);
}

/* The sample number in args[0]; 0 after replying 404. */
static long long
sample_of(struct hreq *h, char **args)
{
	long v;

	if (parse_long(args[0], 1, 0x7fffffffffffffffL, &v) != 0) {
		http_error(h, 404, "not_found", "没有抽查 %s / no sample %s", args[0], args[0]);
		return 0;
	}
	return v;
}

/* GET /api/v1/ledger/samples/ID: the sample, its seed and each line's finding. */
void
api_ledger_sample_get(struct hreq *h, char **args)
{
	long long id = sample_of(h, args);
	char *cause = NULL;
	json_t *v;

	if (id == 0)
		return;
	if ((v = ledger_sample_json(hreq_store(h), id, &cause)) == NULL) {
		api_fail(h, hreq_store(h), 404, "not_found", cause);
		return;
	}
	http_json(h, 200, v);
}

/* Worker: record a site visit's finding on a sampled line. */
static void
sample_record_work(struct task *t, struct store *st)
{
	struct ledger_actor a = actor_of(t->h);
	int64_t id = json_integer_value(json_object_get(t->in, "id"));
	char *cause = NULL;

	if (ledger_sample_record(st, &a, id, json_integer_value(json_object_get(t->in, "line")),
	    json_is_true(json_object_get(t->in, "passed")), json_string_value(json_object_get(t->in,
	    "finding")), &cause) != 0 || (t->body = ledger_sample_json(st, id, &cause)) == NULL) {
		api_task_fail(t, 400, "bad_request", cause);
		return;
	}
	t->status = 200;
}

/* POST /api/v1/ledger/samples/ID/findings {line, passed, finding} */
void
api_ledger_sample_record(struct hreq *h, char **args)
{
	long long id = sample_of(h, args);
	json_t *in;

	if (id == 0)
		return;
	if ((in = body_of(h)) == NULL)
		return;
	if (!json_is_integer(json_object_get(in, "line")) ||
	    !json_is_boolean(json_object_get(in, "passed")) ||
	    !json_is_string(json_object_get(in, "finding"))) {
		json_decref(in);
		http_error(h, 400, "bad_request", "需要 line（整数）、passed（布尔值）和 finding（文本） /"
		    " needs line as an integer, passed as a boolean and finding as text");
		return;
	}
	json_object_set_new(in, "id", json_integer(id));
	api_task_run(h, sample_record_work, in, NULL);
}

/* GET /api/v1/ledger/late?year=: each deadline and who missed it. */
void
api_ledger_late(struct hreq *h, char **args)
{
	char today[11], *cause = NULL;
	long year;
	json_t *v;

	if (year_arg(h, &year) != 0)
		return;
	withdraw_today(today);
	if ((v = ledger_late_json(hreq_store(h), (int)year, today, &cause)) == NULL) {
		api_fail(h, hreq_store(h), 500, "store", cause);
		return;
	}
	http_json(h, 200, v);
}

/* The spreadsheet Content-Types, by format. */
static const struct {
	const char	*format;
	const char	*type;
} sheet_types[] = {
	{ "xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" },
	{ "csv", "text/csv; charset=utf-8" },
};

/* The file format from ?format=, xlsx by default; NULL after replying 400. */
static const char *
sheet_format(struct hreq *h)
{
	const char *f = hreq_arg(h, "format");

	for (size_t i = 0; i < nitems(sheet_types); i++)
		if (f == NULL || *f == '\0' ? i == 0 : strcmp(f, sheet_types[i].format) == 0)
			return sheet_types[i].format;
	http_error(h, 400, "bad_argument", "format 应为 xlsx 或 csv / format must be xlsx or csv:"
	    " %s", f);
	return NULL;
}

/*
 * Sets t to send the file the worker just wrote to t->text as name.format,
 * or fails it with cause when writing failed (rc != 0).
 */
static void
sheet_reply(struct task *t, int rc, const char *format, char *name, char *cause)
{
	if (rc != 0) {
		unlink(t->text);
		free(name);
		api_task_fail(t, 500, "export", cause);
		return;
	}
	t->file = xstrdup(t->text);
	for (size_t i = 0; i < nitems(sheet_types); i++)
		if (strcmp(format, sheet_types[i].format) == 0)
			t->file_type = sheet_types[i].type;
	t->file_name = xasprintf("%s.%s", name, format);
	free(name);
}

/* A path for a file a worker writes and the reply sends (caller frees); NULL after 500. */
static char *
sheet_path(struct hreq *h, const char *what, const char *format)
{
	char tok[AUTH_TOKEN_LEN], *dir = xasprintf("%s/prints", hreq_data_dir(h)), *path;

	if (mkdir_p(dir, 0700) != 0) {
		http_error(h, 500, "unwritable", "无法创建 / cannot make %s", dir);
		free(dir);
		return NULL;
	}
	auth_random_token(tok);
	tok[16] = '\0';
	path = xasprintf("%s/%s-%s.%s", dir, tok, what, format);
	free(dir);
	return path;
}

/* Worker: the register (of a province, or all) as a spreadsheet. */
static void
register_export_work(struct task *t, struct store *st)
{
	const char *province = json_string_value(json_object_get(t->in, "province"));
	const char *format = json_string_value(json_object_get(t->in, "format"));
	char *cause = NULL;
	json_t *reg;
	int rc;

	if ((reg = ledger_register_json(st, province, &cause)) == NULL) {
		api_task_fail(t, 500, "store", cause);
		return;
	}
	rc = ledger_register_export(reg, format, t->text, &cause);
	json_decref(reg);
	sheet_reply(t, rc, format, xasprintf("营销网络名录-%s", province == NULL ? "全部" :
	    province_short(province) != NULL ? province_short(province) : province), cause);
}

/* GET /api/v1/ledger/register/export?province=&format=xlsx|csv: the import's columns. */
void
api_ledger_register_export(struct hreq *h, char **args)
{
	const char *format, *asked = hreq_arg(h, "province");
	char *path;

	if (h->who.role != ROLE_EXPANSION && asked != NULL && *asked != '\0' &&
	    norm_province(asked) == NULL) {
		http_error(h, 400, "bad_argument", "province “%s” 不是省份名 / province: \"%s\" is"
		    " not a province", asked, asked);
		return;
	}
	/* sheet_format answers a bad format itself: h is gone then. */
	if ((format = sheet_format(h)) == NULL || (path = sheet_path(h, "register", format)) == NULL)
		return;
	api_task_run(h, register_export_work, json_pack("{s:s, s:s?}", "format", format,
	    "province", province_of(h)), path);
}

/* Worker: read a register file the loop spooled, then remove the spool. */
static void
register_import_work(struct task *t, struct store *st)
{
	const char *path = json_string_value(json_object_get(t->in, "path"));
	const char *name = json_string_value(json_object_get(t->in, "filename"));
	char *cause = NULL;
	json_t *out;
	int rc;

	rc = ledger_register_import(st, path, name, t->h->who.login, &out, &cause);
	unlink(path);
	if (rc != 0) {
		api_task_fail(t, 400, "rejected", xasprintf("%s（名录未改动 / the register was not"
		    " changed）", cause));
		free(cause);
		return;
	}
	json_object_set_new(out, "ok", json_true());
	t->body = out;
	t->status = 200;
}

/*
 * POST /api/v1/ledger/register/import?filename=NAME: the body is a register
 * file (CSV, XLSX …), loaded all or nothing as `ledger import` loads it.
 */
void
api_ledger_register_import(struct hreq *h, char **args)
{
	char *path;

	if ((path = api_evidence_spool(h)) == NULL)
		return;
	api_task_run(h, register_import_work, json_pack("{s:s, s:s}", "path", path, "filename",
	    hreq_arg(h, "filename")), NULL);
	free(path);
}

/* Worker: the figures as a spreadsheet, row by row. */
static void
figures_export_work(struct task *t, struct store *st)
{
	const char *format = json_string_value(json_object_get(t->in, "format"));
	const char *by = json_string_value(json_object_get(t->in, "by"));
	int year = (int)json_integer_value(json_object_get(t->in, "year"));
	char *cause = NULL;
	json_t *fig;
	int rc;

	if ((fig = ledger_figures_json(st, by, year, (int)json_integer_value(json_object_get(t->in,
	    "quarter")), json_string_value(json_object_get(t->in, "province")),
	    json_string_value(json_object_get(t->in, "docking")), &cause)) == NULL) {
		unlink(t->text);
		api_task_fail(t, 400, "bad_argument", cause);
		return;
	}
	rc = ledger_figures_export(fig, format, t->text, &cause);
	json_decref(fig);
	sheet_reply(t, rc, format, xasprintf("营销网络业绩-%s-%d", by, year), cause);
}

/* GET /api/v1/ledger/figures/export?by=&year=&quarter=&province=&format=xlsx|csv */
void
api_ledger_figures_export(struct hreq *h, char **args)
{
	const char *by = hreq_arg(h, "by"), *format;
	long year, quarter;
	char *path;

	if (year_arg(h, &year) != 0 || int_arg(h, "quarter", 1, 4, 0, &quarter) != 0 ||
	    (format = sheet_format(h)) == NULL)
		return;
	if ((path = sheet_path(h, "figures", format)) == NULL)
		return;
	api_task_run(h, figures_export_work, json_pack("{s:s, s:s, s:i, s:i, s:s?, s:s?}",
	    "format", format, "by", by != NULL && *by != '\0' ? by : "province", "year", (int)year,
	    "quarter", (int)quarter, "province", province_of(h), "docking",
	    h->who.role == ROLE_CITY ? h->who.region : NULL), path);
}

/* GET /api/v1/ledger/city-reports?year=: the city offices' quarterly figures (a city its own). */
void
api_ledger_city_reports(struct hreq *h, char **args)
{
	struct ledger_actor a = actor_of(h);
	long year;
	char *cause = NULL;
	json_t *v;

	if (year_arg(h, &year) != 0)
		return;
	if ((v = ledger_city_reports_json(hreq_store(h), &a, (int)year, &cause)) == NULL) {
		api_fail(h, hreq_store(h), 500, "store", cause);
		return;
	}
	http_json(h, 200, v);
}

/* Worker: record a city office's quarterly figure and reply with the year's reports. */
static void
city_report_work(struct task *t, struct store *st)
{
	struct ledger_actor a = actor_of(t->h);
	int forbidden, year = (int)json_integer_value(json_object_get(t->in, "year"));
	char *cause = NULL;

	if (ledger_city_report(st, &a, json_string_value(json_object_get(t->in, "city")), year,
	    (int)json_integer_value(json_object_get(t->in, "quarter")),
	    json_string_value(json_object_get(t->in, "amount")),
	    json_string_value(json_object_get(t->in, "note")), &forbidden, &cause) != 0 ||
	    (t->body = ledger_city_reports_json(st, &a, year, &cause)) == NULL) {
		ledger_fail(t, forbidden, cause);
		return;
	}
	t->status = 200;
}

/* POST /api/v1/ledger/city-reports {year, quarter, amount: "万元", note, city (admin only)} */
void
api_ledger_city_report(struct hreq *h, char **args)
{
	json_t *in;

	if ((in = body_of(h)) == NULL)
		return;
	if (!json_is_integer(json_object_get(in, "year")) ||
	    !json_is_integer(json_object_get(in, "quarter")) ||
	    !json_is_string(json_object_get(in, "amount"))) {
		json_decref(in);
		http_error(h, 400, "bad_request", "需要 year、quarter 和 amount（万元，文本） / needs"
		    " year, quarter and amount (万元, as text)");
		return;
	}
	api_task_run(h, city_report_work, in, NULL);
}
