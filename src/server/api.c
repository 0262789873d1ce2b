/*
 * api.c — routes, who may call them, and the read handlers; the uploads
 * are in api_upload.c.  Reads run on the loop with its own read-only store handle;
 * anything that writes goes to a worker and replies when it is done.
 */
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <event2/buffer.h>

#include "api.h"
#include "auth.h"
#include "backup_sched.h"
#include "catalog_read.h"
#include "fair.h"
#include "http.h"
#include "indexing.h"
#include "job_record.h"
#include "match.h"
#include "matching.h"
#include "ratelimit.h"
#include "results.h"
#include "search.h"
#include "search_cache.h"
#include "util.h"

#define MAX_ARGS	4
#define SESSION_COOKIE	"fm_session"

typedef void (*handler_fn)(struct hreq *, char **);

struct route {
	const char	*method;
	const char	*pattern;	/* "*" stands for one path segment, passed as an argument */
	int		 roles;		/* who may call it */
	handler_fn	 fn;
};

/* ---- small helpers ---- */

/* A whole-number query argument in [lo, hi], def if absent; -1 after replying 400. */
static long
arg_long(struct hreq *h, const char *name, long lo, long hi, long def)
{
	const char *s = hreq_arg(h, name);
	long v;

	if (s == NULL || *s == '\0')
		return def;
	if (parse_long(s, lo, hi, &v) != 0) {
		http_error(h, 400, "bad_argument", "参数 %s 应为 %ld 到 %ld 之间的整数 / %s must be"
		    " a whole number from %ld to %ld", name, lo, hi, name, lo, hi);
		return -1;
	}
	return v;
}

long
api_arg_long(struct hreq *h, const char *name, long lo, long hi, long def)
{
	return arg_long(h, name, lo, hi, def);
}

/* ---- failures of the store ---- */

/* The store's own failures, and what a client is told. */
static const struct {
	enum store_fail	 fail;
	int		 status;
} store_statuses[] = {
	{ STORE_BUSY, 503 },		/* another writer: try again (Retry-After) */
	{ STORE_IO, 500 },
	{ STORE_FULL, 500 },
	{ STORE_CORRUPT, 500 },
	{ STORE_NOMEM, 500 },
	{ STORE_READONLY, 500 },
	{ STORE_BUG, 500 },
};

int
api_fail_status(enum store_fail f, int status, const char **code)
{
	for (size_t i = 0; i < nitems(store_statuses); i++)
		if (store_statuses[i].fail == f) {
			*code = store_fail_name(f);
			return store_statuses[i].status;
		}
	return status;
}

void
api_fail(struct hreq *h, struct store *st, int status, const char *code, char *cause)
{
	status = api_fail_status(store_failure(st), status, &code);
	http_error(h, status, code, "%s", cause != NULL ? cause : "?");
	free(cause);
}

void
api_reply_list(struct hreq *h, const char *key, json_t *list, char *cause)
{
	if (list == NULL)
		api_fail(h, hreq_store(h), 500, "store", cause);
	else
		http_json(h, 200, json_pack("{s:o}", key, list));
}

/* ---- deferred work: run on a worker, reply on the loop ---- */

/*
 * The file a task made, as an attachment named name (RFC 6266: an ASCII
 * fallback and the UTF-8 name); the file is removed once open.  0, or -1
 * if it cannot be read.
 */
static int
task_send_file(struct hreq *h, const char *path, const char *type, const char *name)
{
	struct evbuffer *b;
	struct stat sb;
	struct buf disp = { 0 };
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	unlink(path);
	if (fd < 0)
		return -1;
	b = evbuffer_new();
	if (fstat(fd, &sb) != 0 || evbuffer_add_file(b, fd, 0, sb.st_size) != 0) {
		close(fd);
		evbuffer_free(b);
		return -1;
	}
	buf_addstr(&disp, "attachment; filename=\"");
	for (const char *p = name; *p != '\0'; p++)
		buf_addc(&disp, (*p & 0x80) || *p == '"' || *p == '\\' ? '_' : *p);
	buf_addstr(&disp, "\"; filename*=UTF-8''");
	for (const unsigned char *p = (const unsigned char *)name; *p != '\0'; p++)
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || strchr("-._~", *p) != NULL)
			buf_addc(&disp, (char)*p);
		else
			buf_addf(&disp, "%%%02X", *p);
	http_header(h, "Content-Disposition", disp.data);
	buf_free(&disp);
	http_header(h, "Cache-Control", "no-store");
	http_send(h, 200, type, b);
	return 0;
}

/* Back on the loop: send what the worker made. */
static void
task_reply(void *arg)
{
	struct task *t = arg;

	if (t->file != NULL) {
		if (task_send_file(t->h, t->file, t->file_type, t->file_name) != 0)
			http_error(t->h, 500, "unreadable", "无法读取生成的文件 / cannot read the"
			    " file made");
		json_decref(t->body);
		json_decref(t->in);
		free(t->text);
		free(t->file);
		free(t->file_name);
		free(t);
		return;
	}

	if (t->token[0] != '\0') {
		char *cookie = xasprintf(SESSION_COOKIE "=%s; Path=/; Max-Age=%ld; HttpOnly; Secure;"
		    " SameSite=Strict", t->token, hreq_settings(t->h)->session_hours * 3600);

		http_header(t->h, "Set-Cookie", cookie);
		free(cookie);
	}
	http_json(t->h, t->status, t->body);
	json_decref(t->in);
	free(t->text);
	free(t);
}

void
api_task_fail(struct task *t, int status, const char *code, char *cause)
{
	if (t->st != NULL)
		status = api_fail_status(store_failure(t->st), status, &code);
	t->status = status;
	t->body = json_pack("{s:s, s:s}", "error", code, "message", cause != NULL ? cause : "?");
	free(cause);
}

/* On a worker: do the work, then post the reply to the request's loop. */
static void
task_main(struct store *st, void *arg)
{
	struct task *t = arg;

	store_failure_reset(st);	/* what an earlier task left is not this one's */
	t->st = st;
	t->work(t, st);
	t->st = NULL;
	loop_post(t->h->lp, task_reply, t);
}

void
api_task_run(struct hreq *h, void (*work)(struct task *, struct store *), json_t *in, char *text)
{
	struct task *t = xcalloc(1, sizeof *t);

	t->h = h;
	t->work = work;
	t->in = in;
	t->text = text;
	hreq_defer(h);
	workq_submit(hreq_quick(h), task_main, t);
}

/* ---- jobs ---- */

struct job_wait {
	struct hreq	*h;
	json_t		*job;
};

/*
 * Back on the loop: the finished job, with 200, or 422 for a rejected file;
 * a failed one 500, or 503 when the store was busy (try again).
 */
static void
job_wait_reply(void *arg)
{
	struct job_wait *w = arg;
	json_t *result = json_object_get(w->job, "result");
	const char *state = json_string_value(json_object_get(w->job, "state"));
	const char *error = json_string_value(json_object_get(w->job, "error"));
	int status = 200;

	if (state == NULL || strcmp(state, "failed") == 0)
		status = error != NULL && strcmp(error, store_fail_name(STORE_BUSY)) == 0 ? 503 :
		    500;
	else if (json_is_false(json_object_get(result, "ok")))
		status = 422;
	http_json(w->h, status, w->job);
	free(w);
}

/* Called by the jobs module when the job is done: post the reply to the loop. */
static void
job_done(void *arg, json_t *job)
{
	struct job_wait *w = arg;

	w->job = job;
	loop_post(w->h->lp, job_wait_reply, w);
}

void
api_reply_job(struct hreq *h, long long id)
{
	const char *wait = hreq_arg(h, "wait");

	if (id < 0) {
		http_header(h, "Retry-After", "30");
		http_error(h, 503, "busy", "排队的任务太多，请稍后再试 / too many jobs waiting; try again"
		    " shortly");
		return;
	}
	if (wait != NULL && strcmp(wait, "1") == 0) {
		struct job_wait *w = xcalloc(1, sizeof *w);

		w->h = h;
		hreq_defer(h);
		if (jobs_on_done(hreq_jobs(h), id, job_done, w) != 0) {
			free(w);
			http_error(h, 500, "job_lost", "任务 %lld 已不在任务表中 / job %lld is no longer"
			    " in the job table", id, id);
		}
		return;
	}
	{
		char *loc = xasprintf("/api/v1/jobs/%lld", id);
		json_t *job = jobs_json(hreq_jobs(h), id, 0, 1);

		http_header(h, "Location", loc);
		http_json(h, 202, json_pack("{s:o, s:s}", "job", job != NULL ? job : json_null(),
		    "location", loc));
		free(loc);
	}
}

/* GET /api/v1/jobs/ID */
static void
get_job(struct hreq *h, char **args)
{
	int any = h->who.role == ROLE_ADMIN;
	char *cause = NULL;
	long id;
	json_t *j;

	if (parse_long(args[0], 1, LONG_MAX, &id) != 0) {
		http_error(h, 404, "not_found", "没有这个任务 / no such job: %s", args[0]);
		return;
	}
	/* In memory while recent; from the store when older or from before a restart. */
	if ((j = jobs_json(hreq_jobs(h), id, h->who.user_id, any)) == NULL &&
	    (j = job_record_json(hreq_store(h), id, h->who.user_id, any, &cause)) == NULL) {
		if (cause != NULL)
			api_fail(h, hreq_store(h), 500, "store", cause);
		else
			http_error(h, 404, "not_found", "没有这个任务 / no such job: %s", args[0]);
		return;
	}
	http_json(h, 200, j);
}

/* ---- sign-in ---- */

/* Worker: check the password, make a session. */
static void
login_work(struct task *t, struct store *st)
{
	const char *login = json_string_value(json_object_get(t->in, "login"));
	const char *password = json_string_value(json_object_get(t->in, "password"));
	struct principal who;
	char *cause = NULL;
	int rc;

	/* The attempt was counted before it was queued; a good one is taken back. */
	rc = auth_login(st, login, password, hreq_settings(t->h)->session_hours, t->token, &who,
	    &cause);
	if (rc != -1)
		ratelimit_forgive(hreq_logins(t->h), t->h->peer);
	if (rc == -2) {
		t->token[0] = '\0';
		api_task_fail(t, 500, "store", cause);
		return;
	}
	if (rc != 0) {
		atomic_fetch_add(&hreq_metrics(t->h)->logins_failed, 1);
		t->token[0] = '\0';
		api_task_fail(t, 401, "unauthorized", cause);
		return;
	}
	t->h->who = who;
	t->status = 200;
	t->body = auth_principal_json(&who);
}

/* POST /api/v1/login {login, password} */
static void
post_login(struct hreq *h, char **args)
{
	char *cause = NULL;
	int status, wait;
	json_t *in;

	if ((wait = ratelimit_wait(hreq_logins(h), h->peer)) > 0) {
		char secs[16];

		snprintf(secs, sizeof secs, "%d", wait);
		http_header(h, "Retry-After", secs);
		atomic_fetch_add(&hreq_metrics(h)->rate_limited, 1);
		http_error(h, 429, "too_many_attempts", "登录失败次数过多，请 %d 秒后再试 / too many"
		    " failed sign-ins; try again in %d seconds", wait, wait);
		return;
	}
	if ((in = hreq_json_body(h, (size_t)hreq_settings(h)->max_body_bytes, &status, &cause)) == NULL) {
		http_error(h, status, "bad_request", "%s", cause);
		free(cause);
		return;
	}
	if (!json_is_string(json_object_get(in, "login")) ||
	    !json_is_string(json_object_get(in, "password"))) {
		json_decref(in);
		http_error(h, 400, "bad_request", "需要 login 和 password 两个字符串字段 / needs the"
		    " string fields login and password");
		return;
	}
	/* Counted now, so that many attempts at once cannot all pass the check. */
	ratelimit_fail(hreq_logins(h), h->peer);
	api_task_run(h, login_work, in, NULL);
}

/* Worker: end the session. */
static void
logout_work(struct task *t, struct store *st)
{
	char *cause = NULL;

	if (auth_logout(st, t->text, &cause) != 0) {
		api_task_fail(t, 500, "store", cause);
		return;
	}
	t->status = 200;
	t->body = json_pack("{s:b}", "ok", 1);
}

/* POST /api/v1/logout */
static void
post_logout(struct hreq *h, char **args)
{
	http_header(h, "Set-Cookie", SESSION_COOKIE "=; Path=/; Max-Age=0; HttpOnly; Secure;"
	    " SameSite=Strict");
	if (h->who.session_hash[0] == '\0') {
		http_json(h, 200, json_pack("{s:b}", "ok", 1));
		return;
	}
	api_task_run(h, logout_work, NULL, xstrdup(h->who.session_hash));
}

/* GET /api/v1/me */
static void
get_me(struct hreq *h, char **args)
{
	json_t *me = auth_principal_json(&h->who);

	/* The pages show times in the fair's zone, whoever asks. */
	json_object_set_new(me, "time_zone", json_string(hreq_settings(h)->time_zone));
	http_json(h, 200, me);
}

/* Worker: add a user. */
static void
user_add_work(struct task *t, struct store *st)
{
	const char *login = json_string_value(json_object_get(t->in, "login"));
	const char *role = json_string_value(json_object_get(t->in, "role"));
	const char *region = json_string_value(json_object_get(t->in, "region"));
	const char *password = json_string_value(json_object_get(t->in, "password"));
	char *made = NULL, *cause = NULL;

	if (login == NULL || role == NULL) {
		t->status = 400;
		t->body = json_pack("{s:s, s:s}", "error", "bad_request", "message",
		    "需要 login 和 role / needs login and role");
		return;
	}
	if (auth_user_add(st, login, role, region, password, &made, &cause) != 0) {
		api_task_fail(t, strstr(cause, "exists") != NULL ? 409 : 400, "rejected", cause);
		return;
	}
	t->status = 201;
	t->body = json_pack("{s:s, s:s, s:s?}", "login", login, "role", role, "password", made);
	free(made);
}

/* POST /api/v1/users {login, role, region, password?} (admin) */
static void
post_user(struct hreq *h, char **args)
{
	char *cause = NULL;
	int status;
	json_t *in = hreq_json_body(h, (size_t)hreq_settings(h)->max_body_bytes, &status, &cause);

	if (in == NULL) {
		http_error(h, status, "bad_request", "%s", cause);
		free(cause);
		return;
	}
	api_task_run(h, user_add_work, in, NULL);
}

/* GET /api/v1/users (admin) */
static void
get_users(struct hreq *h, char **args)
{
	char *cause = NULL;
	json_t *users = auth_user_list(hreq_store(h), &cause);

	api_reply_list(h, "users", users, cause);
}

/* ---- catalogues ---- */

/*
 * GET /api/v1/search?q=&kind=&limit=&offset=&region=&category=&fair=&exhibitor=&prefix=&engine=
 * Products are answered by the serving layer (the kiosk path); demands, and
 * engine=fts5, by FTS5 over the record.
 */
static void
get_search(struct hreq *h, char **args)
{
	struct search_opts so = { .mark_open = "\x01", .mark_close = "\x02" };
	const char *q = hreq_arg(h, "q"), *kind = hreq_arg(h, "kind");
	const char *prefix = hreq_arg(h, "prefix"), *fair = hreq_arg(h, "fair");
	const char *engine = hreq_arg(h, "engine");
	struct serving *sv = hreq_serving(h);
	int served;
	struct search_result res;
	const char *cached;
	char *cause = NULL;
	long limit, offset, exhibitor;
	long long version;

	if ((limit = arg_long(h, "limit", 1, 100, 20)) < 0 ||
	    (offset = arg_long(h, "offset", 0, 10000, 0)) < 0 ||
	    (exhibitor = arg_long(h, "exhibitor", 1, SEARCH_MAX_ID, 0)) < 0)
		return;
	if (q == NULL) {
		http_error(h, 400, "bad_argument", "需要查询参数 q / needs the query argument q");
		return;
	}
	if (kind == NULL)
		kind = "supply";
	if (strcmp(kind, "supply") != 0 && strcmp(kind, "demand") != 0) {
		http_error(h, 400, "bad_argument", "kind 应为 supply 或 demand / kind must be supply"
		    " or demand");
		return;
	}
	so.kind = kind;
	so.limit = (size_t)limit;
	so.offset = (size_t)offset;
	so.exhibitor = exhibitor;
	so.region = hreq_arg(h, "region");
	so.category = hreq_arg(h, "category");
	if (so.region != NULL && *so.region == '\0')
		so.region = NULL;
	if (so.category != NULL && *so.category == '\0')
		so.category = NULL;
	if (fair != NULL && *fair == '\0')
		fair = NULL;
	if (engine != NULL && strcmp(engine, "fts5") != 0 && strcmp(engine, "serve") != 0) {
		http_error(h, 400, "bad_argument", "engine 应为 serve 或 fts5 / engine must be serve"
		    " or fts5");
		return;
	}
	served = sv != NULL && serving_applies(&so) && (engine == NULL ||
	    strcmp(engine, "serve") == 0);
	if (fair != NULL && !served) {
		http_error(h, 400, "bad_argument", "按展会筛选只用于产品搜索 / the fair filter is for"
		    " product search only");
		return;
	}
	if (exhibitor != 0 && !served) {
		http_error(h, 400, "bad_argument", "按展商筛选只用于产品搜索 / the exhibitor filter is"
		    " for product search only");
		return;
	}
	/* The same question since the index last changed: the same answer. */
	if (served)
		serving_fresh(sv, hreq_store(h));
	if (served)
		version = serving_version(sv);
	else if ((version = indexing_version(hreq_store(h), &cause)) < 0) {
		api_fail(h, hreq_store(h), 500, "store", cause);
		return;
	}
	if ((cached = search_cache_get(hreq_search_cache(h), evhttp_request_get_uri(h->req), version)) !=
	    NULL) {
		http_header(h, "X-Cache", "hit");
		http_json_send(h, 200, cached);
		return;
	}
	if ((served ? serving_search(sv, hreq_store(h), hreq_tokenizer(h), hreq_scratch(h), q,
	    prefix == NULL || strcmp(prefix, "0") != 0, fair, &so, &res, &cause) :
	    indexing_search(hreq_store(h), hreq_tokenizer(h), q, prefix == NULL ||
	    strcmp(prefix, "0") != 0, &so, &res, &cause)) != 0) {
		api_fail(h, hreq_store(h), 400, "bad_query", cause);
		return;
	}
	{
		json_t *out = search_result_json(&res);

		/* Marks as \x01…\x02: the page escapes the text, then turns them into <mark>. */
		char *text;

		json_object_set_new(out, "mark", json_pack("[s,s]", "\x01", "\x02"));
		search_result_free(&res);
		text = http_json_text(out);		/* written once: for the cache and the reply */
		json_decref(out);
		search_cache_put(hreq_search_cache(h), evhttp_request_get_uri(h->req), version, text);
		http_header(h, "X-Cache", "miss");
		http_header(h, "X-Search-Engine", served ? "serve" : "fts5");
		http_json_send(h, 200, text);
		free(text);
	}
}

/* One product or demand with its supplier or buyer, by code. */
static void
get_item(struct hreq *h, const char *kind, const char *code)
{
	char *cause = NULL;
	json_t *o;

	if (catalog_item_json(hreq_store(h), kind, code, &o, &cause) != 0) {
		api_fail(h, hreq_store(h), 500, "store", cause);
		return;
	}
	/* A withdrawn item is its office's to see (and restore), not the kiosk's. */
	if (o != NULL && json_object_get(o, "withdrawn_at") != NULL &&
	    (h->who.role & (ROLE_CITY | ROLE_EXPANSION | ROLE_ADMIN | ROLE_ORGANISER)) == 0) {
		json_decref(o);
		o = NULL;
	}
	if (o == NULL) {
		http_error(h, 404, "not_found", "没有编号为 %s 的%s / no %s with code %s", code,
		    strcmp(kind, "supply") == 0 ? "产品" : "需求",
		    strcmp(kind, "supply") == 0 ? "product" : "demand", code);
		return;
	}
	http_json(h, 200, o);
}

/* GET /api/v1/products/CODE */
static void
get_product(struct hreq *h, char **args)
{
	get_item(h, "supply", args[0]);
}

/* GET /api/v1/demands/CODE */
static void
get_demand(struct hreq *h, char **args)
{
	get_item(h, "demand", args[0]);
}

/* Worker: match one demand or product (tens of milliseconds: not on the event loop). */
static void
match_work(struct task *t, struct store *st)
{
	struct match_opts mo = { 0 };
	struct match_result res;
	struct serving *sv = hreq_serving(t->h);
	const char *kind = json_string_value(json_object_get(t->in, "kind"));
	struct matcher *m;
	char *cause = NULL;

	mo.limit = (size_t)json_integer_value(json_object_get(t->in, "limit"));
	m = matching_open_as_is(st, &cause);
	if (m == NULL) {
		api_task_fail(t, 503, "index", cause);
		return;
	}
	/* A demand is matched on the serving layer in memory, as in a batch. */
	if (sv != NULL && strcmp(kind, "demand") == 0) {
		serving_fresh(sv, st);
		matcher_use_layer(m, serving_layer(sv));
	}
	/* A store failure (a lock, the disk) is recorded on st: 503 or 500, not 422. */
	if (matching_code(st, m, kind, t->text, &mo, &res, &cause) != 0) {
		matcher_close(m);
		api_task_fail(t, strstr(cause, "has the code") != NULL ? 404 : 422, "no_match",
		    cause);
		return;
	}
	matcher_close(m);
	t->status = 200;
	t->body = match_result_json(&res);
	match_result_free(&res);
}

/* GET /api/v1/match/demand|supply/CODE[?limit=N] */
static void
get_match(struct hreq *h, char **args)
{
	long limit;

	if (strcmp(args[0], "demand") != 0 && strcmp(args[0], "supply") != 0) {
		http_error(h, 404, "not_found", "应为 /match/demand/编号 或 /match/supply/编号 /"
		    " use /match/demand/CODE or /match/supply/CODE");
		return;
	}
	if ((limit = arg_long(h, "limit", 1, MATCH_MAX_LIMIT, 20)) < 0)
		return;
	api_task_run(h, match_work, json_pack("{s:s, s:I}", "kind", args[0], "limit",
	    (json_int_t)limit), xstrdup(args[1]));
}

/* ---- fairs ---- */

/* GET /api/v1/fairs */
static void
get_fairs(struct hreq *h, char **args)
{
	char *cause = NULL;
	json_t *fairs = fair_list_json(hreq_store(h), &cause);

	api_reply_list(h, "fairs", fairs, cause);
}

int
api_fair_known(struct hreq *h, const char *code)
{
	char *cause = NULL;
	int found = fair_exists(hreq_store(h), code, &cause);

	if (found < 0)
		api_fail(h, hreq_store(h), 500, "store", cause);
	else if (!found)
		http_error(h, 404, "not_found", "没有展会 %s / no fair %s", code, code);
	return found > 0;
}

/* Job: the fair's batch matching. */
static void
fair_match_progress(void *arg, size_t done, size_t total)
{
	char what[128];

	snprintf(what, sizeof what, "已匹配 %zu / %zu 个需求 / %zu of %zu demands matched", done,
	    total, done, total);
	job_progress(arg, total > 0 ? (double)done / (double)total : 1, what);
}

/* The fair's code and how many candidates per demand. */
struct fair_match_arg {
	char	*code;
	size_t	 top;
};

static void
fair_match_arg_free(void *arg)
{
	struct fair_match_arg *a = arg;

	free(a->code);
	free(a);
}

static int
fair_match_job(struct job *j, struct store *st, void *arg, json_t **result, char **cause)
{
	struct fair_match_arg *a = arg;
	struct fair_match_stats stats;
	struct matcher *m;
	int rc;

	if ((m = matching_open(st, cause)) == NULL)
		return -1;
	rc = matching_fair(st, m, a->code, a->top, fair_match_progress, j, &stats, cause);
	matcher_close(m);
	if (rc != 0)
		return -1;
	*result = json_pack("{s:s, s:I, s:I, s:I}", "fair", a->code, "demands",
	    (json_int_t)stats.demands, "candidates", (json_int_t)stats.candidates, "skipped",
	    (json_int_t)stats.skipped);
	return 0;
}

/* POST /api/v1/fairs/CODE/match?top=N (organiser) */
static void
post_fair_match(struct hreq *h, char **args)
{
	struct fair_match_arg *a;
	long long id;
	long top;

	if (!api_fair_known(h, args[0]))
		return;
	if ((top = arg_long(h, "top", 1, 100, 10)) < 0)
		return;
	a = xcalloc(1, sizeof *a);
	a->code = xstrdup(args[0]);
	a->top = (size_t)top;
	if ((id = jobs_submit(hreq_jobs(h), "match", h->who.user_id, fair_match_job, a,
	    fair_match_arg_free)) < 0)
		fair_match_arg_free(a);
	api_reply_job(h, id);
}

/* Job: rebuild the indexes. */
static int
reindex_job(struct job *j, struct store *st, void *arg, json_t **result, char **cause)
{
	size_t applied = 0;

	job_progress(j, 0, "正在重建索引 / rebuilding the indexes");
	if (indexing_update(st, 1, &applied, cause) != 0)
		return -1;
	*result = json_pack("{s:I}", "reindexed", (json_int_t)applied);
	return 0;
}

/* POST /api/v1/reindex (admin) */
static void
post_reindex(struct hreq *h, char **args)
{
	api_reply_job(h, jobs_submit(hreq_jobs(h), "reindex", h->who.user_id, reindex_job, NULL,
	    NULL));
}

/* ---- health and metrics ---- */

/* GET /healthz */
static void
get_healthz(struct hreq *h, char **args)
{
	struct store *st = hreq_store(h);
	struct catalog_totals t;
	char *cause = NULL;
	int schema;

	if (catalog_totals(st, &t, &cause) != 0 || (schema = store_version(st, &cause)) < 0) {
		api_fail(h, st, 500, "store", cause);
		return;
	}
	http_json(h, 200, json_pack("{s:s, s:i, s:I, s:I, s:I, s:I, s:b}", "status", "ok",
	    "schema", schema,
	    "products", (json_int_t)t.products,
	    "demands", (json_int_t)t.demands,
	    "jobs_pending", (json_int_t)jobs_pending(hreq_jobs(h)),
	    "uptime", (json_int_t)(time(NULL) - hreq_server_started(h)),
	    "draining", hreq_server_draining(h)));
}

/* The scheduled backups' lines of /metrics. */
static void
metrics_backups(struct evbuffer *b, struct backup_sched *bs)
{
	struct backup_status s;

	backup_sched_status(bs, &s);
	evbuffer_add_printf(b, "# HELP fairmatch_backup_enabled Whether backup_dir is set.\n"
	    "# TYPE fairmatch_backup_enabled gauge\nfairmatch_backup_enabled %d\n", s.enabled);
	evbuffer_add_printf(b, "# TYPE fairmatch_backup_runs_total counter\n"
	    "fairmatch_backup_runs_total %ld\n", s.runs);
	evbuffer_add_printf(b, "# TYPE fairmatch_backup_failures_total counter\n"
	    "fairmatch_backup_failures_total %ld\n", s.failures);
	evbuffer_add_printf(b, "# HELP fairmatch_backup_last_ok Whether the last scheduled backup"
	    " succeeded (0 before the first).\n# TYPE fairmatch_backup_last_ok gauge\n"
	    "fairmatch_backup_last_ok %d\n", s.last_ok);
	evbuffer_add_printf(b, "# TYPE fairmatch_backup_last_success_timestamp_seconds gauge\n"
	    "fairmatch_backup_last_success_timestamp_seconds %lld\n", (long long)s.last_ok_at);
	evbuffer_add_printf(b, "# TYPE fairmatch_backup_last_duration_seconds gauge\n"
	    "fairmatch_backup_last_duration_seconds %.3f\n", s.last_seconds);
	evbuffer_add_printf(b, "# TYPE fairmatch_backup_last_bytes gauge\n"
	    "fairmatch_backup_last_bytes %lld\n", (long long)s.last_bytes);
}

/* GET /api/v1/backups: the scheduled backups' last result, for the console. */
static void
get_backups(struct hreq *h, char **args)
{
	struct backup_status s;
	json_t *o;

	backup_sched_status(hreq_backups(h), &s);
	o = json_pack("{s:b, s:I, s:I, s:b}", "enabled", s.enabled, "runs", (json_int_t)s.runs,
	    "failures", (json_int_t)s.failures, "last_ok", s.last_ok);
	if (s.last_at != 0) {
		char at[32];
		struct tm tm;

		gmtime_r(&s.last_at, &tm);
		strftime(at, sizeof at, "%Y-%m-%dT%H:%M:%SZ", &tm);
		json_object_set_new(o, "last_at", json_string(at));
		json_object_set_new(o, "last_seconds", json_real(s.last_seconds));
	}
	if (s.last_ok_at != 0) {
		char at[32];
		struct tm tm;

		gmtime_r(&s.last_ok_at, &tm);
		strftime(at, sizeof at, "%Y-%m-%dT%H:%M:%SZ", &tm);
		json_object_set_new(o, "last_ok_at", json_string(at));
		json_object_set_new(o, "last_file", json_string(s.last_file));
		json_object_set_new(o, "last_bytes", json_integer(s.last_bytes));
		json_object_set_new(o, "last_files", json_integer((json_int_t)s.last_files));
	}
	if (s.last_error[0] != '\0')
		json_object_set_new(o, "last_error", json_string(s.last_error));
	http_json(h, 200, o);
}

/* GET /metrics: Prometheus text, for an admin or a scraper on this machine. */
static void
get_metrics(struct hreq *h, char **args)
{
	static const char *const le[] = { "0.001", "0.005", "0.01", "0.05", "0.1", "0.5", "1",
	    "+Inf" };
	struct metrics *m = hreq_metrics(h);
	struct evbuffer *b;
	long cum = 0, count = 0;

	if (h->who.role != ROLE_ADMIN && strcmp(h->peer, "127.0.0.1") != 0 &&
	    strcmp(h->peer, "::1") != 0) {
		http_error(h, 403, "forbidden", "只有管理员或本机可以读取指标 / metrics are for an"
		    " admin or this machine");
		return;
	}
	b = evbuffer_new();
	evbuffer_add_printf(b, "# HELP fairmatch_requests_total Requests answered, by status"
	    " class.\n# TYPE fairmatch_requests_total counter\n");
	for (int c = 2; c <= 5; c++)
		evbuffer_add_printf(b, "fairmatch_requests_total{code=\"%dxx\"} %ld\n", c,
		    atomic_load(&m->requests[c]));
	evbuffer_add_printf(b, "# HELP fairmatch_request_seconds Time to answer.\n"
	    "# TYPE fairmatch_request_seconds histogram\n");
	for (size_t i = 0; i < nitems(le); i++) {
		cum += atomic_load(&m->latency[i]);
		evbuffer_add_printf(b, "fairmatch_request_seconds_bucket{le=\"%s\"} %ld\n", le[i],
		    cum);
	}
	count = cum;
	evbuffer_add_printf(b, "fairmatch_request_seconds_count %ld\n", count);
	evbuffer_add_printf(b, "# TYPE fairmatch_response_bytes_total counter\n"
	    "fairmatch_response_bytes_total %ld\n", atomic_load(&m->bytes_out));
	evbuffer_add_printf(b, "# TYPE fairmatch_connections gauge\nfairmatch_connections %ld\n",
	    atomic_load(&m->connections));
	evbuffer_add_printf(b, "# TYPE fairmatch_connections_total counter\n"
	    "fairmatch_connections_total %ld\n", atomic_load(&m->connections_total));
	evbuffer_add_printf(b, "# TYPE fairmatch_connection_cap_reached_total counter\n"
	    "fairmatch_connection_cap_reached_total %ld\n", atomic_load(&m->refused));
	evbuffer_add_printf(b, "# TYPE fairmatch_idle_closed_total counter\n"
	    "fairmatch_idle_closed_total %ld\n", atomic_load(&m->idle_closed));
	evbuffer_add_printf(b, "# TYPE fairmatch_logins_failed_total counter\n"
	    "fairmatch_logins_failed_total %ld\n", atomic_load(&m->logins_failed));
	evbuffer_add_printf(b, "# TYPE fairmatch_rate_limited_total counter\n"
	    "fairmatch_rate_limited_total %ld\n", atomic_load(&m->rate_limited));
	evbuffer_add_printf(b, "# TYPE fairmatch_jobs_pending gauge\nfairmatch_jobs_pending %zu\n",
	    jobs_pending(hreq_jobs(h)));
	metrics_backups(b, hreq_backups(h));
	http_header(h, "Cache-Control", "no-store");
	http_send(h, 200, "text/plain; version=0.0.4; charset=utf-8", b);
}

/* ---- the table ---- */

#define OFFICES		(ROLE_CITY | ROLE_EXPANSION | ROLE_ADMIN)
#define ORGANISERS	(ROLE_ORGANISER | ROLE_ADMIN)
#define LEDGER		(ROLE_EXPANSION | ROLE_ADMIN | ROLE_FINANCE)

static const struct route routes[] = {
	{ "GET",  "/healthz",			ROLE_ANYONE,	get_healthz },
	{ "GET",  "/metrics",			ROLE_ANYONE,	get_metrics },
	{ "GET",  "/api/v1/backups",		ORGANISERS,	get_backups },
	{ "POST", "/api/v1/login",		ROLE_ANYONE,	post_login },
	{ "POST", "/api/v1/logout",		ROLE_ANYONE,	post_logout },
	{ "GET",  "/api/v1/me",			ROLE_ANYONE,	get_me },
	{ "GET",  "/api/v1/users",		ROLE_ADMIN,	get_users },
	{ "POST", "/api/v1/users",		ROLE_ADMIN,	post_user },
	{ "GET",  "/api/v1/search",		ROLE_ANYONE,	get_search },
	{ "GET",  "/api/v1/products/*",		ROLE_ANYONE,	get_product },
	{ "GET",  "/api/v1/demands/*",		ROLE_ANYONE,	get_demand },
	{ "POST", "/api/v1/products/*/withdraw", OFFICES,	api_withdraw_product },
	{ "POST", "/api/v1/products/*/restore",	OFFICES,	api_restore_product },
	{ "POST", "/api/v1/demands/*/withdraw",	OFFICES,	api_withdraw_demand },
	{ "POST", "/api/v1/demands/*/restore",	OFFICES,	api_restore_demand },
	{ "GET",  "/api/v1/withdrawn",		OFFICES,	api_withdrawn_list },
	{ "GET",  "/api/v1/entries",		OFFICES,	api_entries_list },
	{ "GET",  "/api/v1/entries/export",	OFFICES,	api_entries_export },
	{ "GET",  "/api/v1/templates/*",	OFFICES | ORGANISERS, api_template_get },
	{ "GET",  "/api/v1/match/*/*",		ROLE_SIGNED_IN,	get_match },
	{ "GET",  "/api/v1/fairs",		ROLE_ANYONE,	get_fairs },
	{ "POST", "/api/v1/fairs/*/match",	ORGANISERS,	post_fair_match },
	{ "POST", "/api/v1/uploads",		OFFICES,	api_upload_post },
	{ "GET",  "/api/v1/uploads",		OFFICES,	api_upload_list },
	{ "GET",  "/api/v1/uploads/*",		OFFICES,	api_upload_get },
	{ "GET",  "/api/v1/jobs/*",		ROLE_SIGNED_IN,	get_job },
	{ "POST", "/api/v1/reindex",		ROLE_ADMIN,	post_reindex },
	{ "POST", "/api/v1/print/guide",	ORGANISERS,	api_print_guide },
	{ "POST", "/api/v1/fairs/*/print/*",	ORGANISERS,	api_print_fair },
	{ "POST", "/api/v1/export/*",		ORGANISERS,	api_export_catalogue },
	{ "POST", "/api/v1/fairs/*/export/*",	ORGANISERS,	api_export_fair },
	{ "GET",  "/api/v1/files/*",		ORGANISERS,	api_file_get },
	{ "GET",  "/api/v1/tls",		ROLE_ANYONE,	api_tls_get },
	{ "GET",  "/api/v1/p/*",		ROLE_ANYONE,	api_page_get },
	{ "GET",  "/api/v1/p/*/agenda.ics",	ROLE_ANYONE,	api_page_ics },
	{ "POST", "/api/v1/p/*/requests/*",	ROLE_ANYONE,	api_page_answer },
	{ "POST", "/api/v1/p/*/availability",	ROLE_ANYONE,	api_page_availability },
	{ "GET",  "/api/v1/tls/fairmatch.crt",	ROLE_ANYONE,	api_tls_cert },
	{ "GET",  "/api/v1/fairs/*/schedule",	ROLE_ANYONE,	api_schedule_get },
	{ "POST", "/api/v1/fairs/*/schedule",	ORGANISERS,	api_schedule_run },
	{ "POST", "/api/v1/fairs/*/schedule/setup", ORGANISERS,	api_schedule_setup },
	{ "POST", "/api/v1/fairs/*/meetings/*/lock", ORGANISERS, api_schedule_lock },
	{ "POST", "/api/v1/fairs/*/meetings/*/move", ORGANISERS, api_schedule_move },
	{ "POST", "/api/v1/fairs/*/requests",	ROLE_ANYONE,	api_schedule_request },
	/* Running a fair (api_fairday.c). */
	{ "GET",  "/api/v1/fairs/*/setup",	ORGANISERS,	api_fair_setup_get },
	{ "POST", "/api/v1/fairs/*/tables",	ORGANISERS,	api_fair_tables },
	{ "GET",  "/api/v1/fairs/*/participants", ORGANISERS,	api_fair_participants },
	{ "POST", "/api/v1/fairs/*/participants", ORGANISERS,	api_fair_walk_in },
	{ "GET",  "/api/v1/fairs/*/participants/*", ORGANISERS, api_fair_participant },
	{ "POST", "/api/v1/fairs/*/participants/*/availability", ORGANISERS, api_fair_availability },
	{ "POST", "/api/v1/fairs/*/participants/*/checkin", ORGANISERS, api_fair_check_in },
	{ "POST", "/api/v1/fairs/*/participants/*/noshow", ORGANISERS, api_fair_no_show },
	{ "POST", "/api/v1/fairs/*/participants/*/link/revoke", ORGANISERS, api_page_revoke },
	{ "GET",  "/api/v1/fairs/*/requests",	ORGANISERS,	api_fair_requests },
	{ "POST", "/api/v1/fairs/*/requests/*/decide", ORGANISERS, api_fair_request_decide },
	{ "POST", "/api/v1/fairs/*/pairs",	ORGANISERS,	api_fair_pair },
	{ "GET",  "/api/v1/fairs/*/arrivals",	ORGANISERS,	api_fair_arrivals },
	{ "GET",  "/api/v1/fairs/*/backfill",	ORGANISERS,	api_fair_backfill },
	{ "POST", "/api/v1/fairs/*/backfill",	ORGANISERS,	api_fair_backfill_accept },
	{ "POST", "/api/v1/fairs/*/meetings/*/late", ORGANISERS, api_fair_late },
	{ "GET",  "/api/v1/fairs/*/versions",	ORGANISERS,	api_fair_versions },
	{ "GET",  "/api/v1/fairs/*/versions/*/diff", ORGANISERS, api_fair_version_diff },
	{ "POST", "/api/v1/fairs/*/versions/*/publish", ORGANISERS, api_fair_version_publish },
	{ "POST", "/api/v1/fairs/*/versions/*/discard", ORGANISERS, api_fair_version_discard },
	{ "POST", "/api/v1/fairs/*/schedule/undo", ORGANISERS,	api_fair_undo },
	{ "GET",  "/api/v1/stats",		OFFICES | ORGANISERS, api_stats_get },
	{ "GET",  "/api/v1/fairs/*/meetings/*/outcome", OFFICES | ORGANISERS, api_outcome_get },
	{ "POST", "/api/v1/fairs/*/meetings/*/outcome", ORGANISERS, api_outcome_post },
	{ "POST", "/api/v1/fairs/*/meetings/*/evidence", ORGANISERS, api_outcome_evidence },
	{ "GET",  "/api/v1/ledger/register",	LEDGER,		api_ledger_register },
	{ "POST", "/api/v1/ledger/register",	ROLE_ADMIN,	api_ledger_outlet_save },
	{ "GET",  "/api/v1/ledger/lines",	LEDGER,		api_ledger_lines },
	{ "POST", "/api/v1/ledger/lines",	ROLE_EXPANSION | ROLE_ADMIN, api_ledger_submit },
	{ "POST", "/api/v1/ledger/returns",	ROLE_EXPANSION | ROLE_ADMIN, api_ledger_returns },
	{ "GET",  "/api/v1/ledger/lines/*",	LEDGER,		api_ledger_line },
	{ "POST", "/api/v1/ledger/lines/*/evidence", ROLE_EXPANSION | ROLE_ADMIN,
	  api_ledger_evidence },
	{ "POST", "/api/v1/ledger/lines/*/review", LEDGER,	api_ledger_act },
	{ "GET",  "/api/v1/ledger/figures",	LEDGER | ROLE_CITY, api_ledger_figures },
	{ "GET",  "/api/v1/ledger/late",	LEDGER,		api_ledger_late },
	{ "POST", "/api/v1/ledger/samples",	ROLE_ADMIN | ROLE_FINANCE, api_ledger_sample_draw },
	{ "GET",  "/api/v1/ledger/samples/*",	ROLE_ADMIN | ROLE_FINANCE, api_ledger_sample_get },
	{ "POST", "/api/v1/ledger/samples/*/findings", ROLE_ADMIN | ROLE_FINANCE,
	  api_ledger_sample_record },
	{ "GET",  "/api/v1/ledger/register/export", LEDGER,	api_ledger_register_export },
	{ "POST", "/api/v1/ledger/register/import", ROLE_ADMIN, api_ledger_register_import },
	{ "GET",  "/api/v1/ledger/figures/export", LEDGER | ROLE_CITY, api_ledger_figures_export },
	{ "GET",  "/api/v1/ledger/city-reports", ROLE_CITY | ROLE_ADMIN | ROLE_FINANCE,
	  api_ledger_city_reports },
	{ "POST", "/api/v1/ledger/city-reports", ROLE_CITY | ROLE_ADMIN, api_ledger_city_report },
	/*
	 * Boxes in step (api_sync.c): a site account's token (or the admin's)
	 * lets the signed file in; the signature says which site sent it.
	 */
	{ "GET",  "/api/v1/sync",		ROLE_ANYONE | ROLE_SITE, api_sync_get },
	{ "POST", "/api/v1/sync",		ROLE_SITE | ROLE_ADMIN, api_sync_post },
	{ "POST", "/api/v1/sync/files",		ROLE_SITE | ROLE_ADMIN, api_sync_files },
};

/* Whether path matches pattern, collecting the "*" segments into args. */
static int
route_match(const char *pattern, const char *path, char **args, int *nargs)
{
	*nargs = 0;
	while (*pattern != '\0' && *path != '\0') {
		if (*pattern == '*') {
			const char *end = strchr(path, '/');
			size_t n = end != NULL ? (size_t)(end - path) : strlen(path);

			if (n == 0 || *nargs == MAX_ARGS)
				return 0;
			args[(*nargs)++] = xstrndup(path, n);
			pattern++;
			path += n;
		} else if (*pattern++ != *path++)
			return 0;
	}
	return *pattern == '\0' && (*path == '\0' || strcmp(path, "/") == 0);
}

/* Frees the arguments route_match collected. */
static void
args_free(char **args, int n)
{
	for (int i = 0; i < n; i++)
		free(args[i]);
}

/* The routes whose body is a file (max_upload_bytes); every other body has max_body_bytes. */
static const char *const upload_routes[] = {
	"/api/v1/uploads",
	"/api/v1/fairs/*/meetings/*/evidence",
	"/api/v1/sync",				/* a changeset with its evidence files */
	"/api/v1/ledger/register/import",	/* the marketing network's register */
};

int
api_takes_upload(const char *method, const char *path)
{
	char *args[MAX_ARGS];
	int nargs, found = 0;

	if (strcmp(method, "POST") != 0)
		return 0;
	for (size_t i = 0; i < nitems(upload_routes) && !found; i++) {
		found = route_match(upload_routes[i], path, args, &nargs);
		args_free(args, nargs);
	}
	return found;
}

/* Who is asking: an API token, else a session cookie, else nobody.  -1 after replying. */
static int
identify(struct hreq *h)
{
	const char *authz = hreq_header(h, "Authorization");
	char *token, *cause = NULL;
	int rc;

	if (authz != NULL && strncasecmp(authz, "Bearer ", 7) == 0) {
		if ((rc = auth_bearer(hreq_store(h), authz + 7, &h->who, &cause)) == -2) {
			h->who.role = ROLE_PUBLIC;
			api_fail(h, hreq_store(h), 500, "store", cause);
			return -1;
		}
		if (rc != 0) {
			h->who.role = ROLE_PUBLIC;
			http_header(h, "WWW-Authenticate", "Bearer");
			http_error(h, 401, "unauthorized", "令牌无效或已撤销 / the token is invalid or"
			    " revoked");
			return -1;
		}
		return 0;
	}
	if ((token = hreq_cookie(h, SESSION_COOKIE)) != NULL) {
		rc = auth_session(hreq_store(h), token, &h->who, &cause);
		free(token);
		if (rc == -2) {
			h->who.role = ROLE_PUBLIC;
			api_fail(h, hreq_store(h), 500, "store", cause);
			return -1;
		}
		if (rc != 0)		/* expired: the page asks to sign in again */
			h->who.role = ROLE_PUBLIC;
	}
	return 0;
}

/*
 * Cross-site request forgery: a browser request that changes things must
 * carry X-Requested-With (which a foreign page cannot add without CORS,
 * which we never grant) and, if it says where it comes from, come from here.
 */
static int
csrf_ok(struct hreq *h)
{
	const char *origin = hreq_header(h, "Origin"), *host = hreq_header(h, "Host");

	if (!h->unsafe || h->who.by_token)
		return 1;
	if (hreq_header(h, "X-Requested-With") == NULL)
		return 0;
	if (origin != NULL && strcmp(origin, "null") != 0) {
		const char *o = strstr(origin, "://");

		return o != NULL && host != NULL && strcmp(o + 3, host) == 0;
	}
	return 1;
}

void
api_handle(struct hreq *h)
{
	const struct route *found = NULL;
	char *args[MAX_ARGS];
	int nargs = 0, path_known = 0;

	for (size_t i = 0; i < nitems(routes); i++) {
		if (!route_match(routes[i].pattern, h->path, args, &nargs)) {
			args_free(args, nargs);
			continue;
		}
		path_known = 1;
		if (strcmp(routes[i].method, h->method) == 0 ||
		    (strcmp(h->method, "HEAD") == 0 && strcmp(routes[i].method, "GET") == 0)) {
			found = &routes[i];
			break;
		}
		args_free(args, nargs);
	}
	if (found == NULL) {
		if (path_known) {
			struct buf allow = { 0 };

			for (size_t i = 0; i < nitems(routes); i++) {
				char *a2[MAX_ARGS];
				int n2;

				if (route_match(routes[i].pattern, h->path, a2, &n2) &&
				    strstr(allow.data != NULL ? allow.data : "", routes[i].method) == NULL)
					buf_addf(&allow, "%s%s", allow.len > 0 ? ", " : "", routes[i].method);
				args_free(a2, n2);
			}
			http_header(h, "Allow", allow.data != NULL ? allow.data : "");
			buf_free(&allow);
			http_error(h, 405, "method_not_allowed", "%s 不支持 %s / %s does not take %s",
			    h->path, h->method, h->path, h->method);
		} else
			http_error(h, 404, "not_found", "没有这个接口 / no such endpoint: %s", h->path);
		return;
	}
	store_failure_reset(hreq_store(h));	/* what an earlier request left is not this one's */
	if (identify(h) != 0)
		goto done;
	if (!csrf_ok(h)) {
		http_error(h, 403, "csrf", "跨站请求被拒绝：缺少 X-Requested-With 或来源不符 / cross-site"
		    " request refused: X-Requested-With missing or the origin differs");
		goto done;
	}
	if (h->unsafe && hreq_settings(h)->replica_of[0] != '\0') {
		http_error(h, 403, "read_only_replica", "这是 %s 的只读副本，请到该站点修改 / this box is"
		    " a read-only replica of %s: make changes there", hreq_settings(h)->replica_of,
		    hreq_settings(h)->replica_of);
		goto done;
	}
	if ((found->roles & h->who.role) == 0) {
		if (h->who.user_id == 0) {
			http_header(h, "WWW-Authenticate", "Bearer");
			http_error(h, 401, "unauthorized", "请先登录 / sign in first");
		}
		else
			http_error(h, 403, "forbidden", "账号 %s（%s）无权这样做 / the account %s (%s)"
			    " may not do this", h->who.login, role_name(h->who.role), h->who.login,
			    role_name(h->who.role));
		goto done;
	}
	found->fn(h, args);
done:
	args_free(args, nargs);
}
