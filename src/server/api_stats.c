/*
 * api_stats.c — deals and statistics over HTTP: the figures against
 * targets, and one meeting's outcome read or recorded, with its evidence
 * files.  An office sees
 * only its own: a city office the meetings of its city's suppliers, an
 * expansion office those of its province's buyers; the province office
 * (admin) and organisers see everything.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/http.h>

#include "api.h"
#include "http.h"
#include "outcome.h"
#include "stats.h"
#include "util.h"

/* Whose figures the principal may see. */
static struct office_scope
scope_of(const struct principal *who)
{
	struct office_scope s = { NULL, NULL };

	if (who->role == ROLE_CITY)
		s.city = who->region;
	else if (who->role == ROLE_EXPANSION)
		s.province = who->region;
	return s;
}

/* The HTTP status and code for an outcome error. */
static const struct {
	enum outcome_err	 err;
	int			 status;
	const char		*code;
} outcome_errors[] = {
	{ OUTCOME_BAD, 422, "invalid" },
	{ OUTCOME_NOT_FOUND, 404, "not_found" },
	{ OUTCOME_FORBIDDEN, 403, "forbidden" },
};

/* Fails t with the status that err calls for. */
static void
outcome_fail(struct task *t, enum outcome_err err, char *cause)
{
	for (size_t i = 0; i < nitems(outcome_errors); i++)
		if (outcome_errors[i].err == err) {
			api_task_fail(t, outcome_errors[i].status, outcome_errors[i].code, cause);
			return;
		}
	api_task_fail(t, 500, "store", cause);
}

/* Worker: the figures. */
static void
stats_work(struct task *t, struct store *st)
{
	struct stats_query sq;
	char *cause = NULL;

	memset(&sq, 0, sizeof sq);
	sq.by = json_string_value(json_object_get(t->in, "by"));
	sq.year = (int)json_integer_value(json_object_get(t->in, "year"));
	sq.quarter = (int)json_integer_value(json_object_get(t->in, "quarter"));
	sq.fair = json_string_value(json_object_get(t->in, "fair"));
	sq.scope = scope_of(&t->h->who);
	if ((t->body = stats_json(st, &sq, &cause)) == NULL) {
		api_task_fail(t, 400, "bad_argument", cause);
		return;
	}
	t->status = 200;
}

/* GET /api/v1/stats?by=…&year=…&quarter=…&fair=… */
void
api_stats_get(struct hreq *h, char **args)
{
	const char *by = hreq_arg(h, "by"), *year = hreq_arg(h, "year"),
	    *quarter = hreq_arg(h, "quarter"), *fair = hreq_arg(h, "fair");
	long y = 0, q = 0;

	(void)args;
	if ((year != NULL && *year != '\0' && parse_long(year, 2000, 2099, &y) != 0) ||
	    (quarter != NULL && *quarter != '\0' && parse_long(quarter, 1, 4, &q) != 0)) {
		http_error(h, 400, "bad_argument", "year 应为 2000–2099，quarter 为 1–4 / year must"
		    " be 2000–2099 and quarter 1–4");
		return;
	}
	api_task_run(h, stats_work, json_pack("{s:s, s:i, s:i, s:s?}", "by",
	    by != NULL && *by != '\0' ? by : "fair", "year", (int)y, "quarter", (int)q, "fair",
	    fair != NULL && *fair != '\0' ? fair : NULL), NULL);
}

/* The meeting id in args[1]; 0 after replying 404. */
static long long
meeting_arg(struct hreq *h, char **args)
{
	long id;

	if (parse_long(args[1], 1, LONG_MAX, &id) != 0) {
		http_error(h, 404, "not_found", "没有这场洽谈 / no such meeting: %s", args[1]);
		return 0;
	}
	return id;
}

/* Worker: one outcome. */
static void
outcome_get_work(struct task *t, struct store *st)
{
	struct office_scope scope = scope_of(&t->h->who);
	long long id = json_integer_value(json_object_get(t->in, "id"));
	enum outcome_err err;
	char *cause = NULL;

	if ((t->body = outcome_get(st, t->text, id, &scope, &err, &cause)) == NULL) {
		outcome_fail(t, err, cause);
		return;
	}
	t->status = 200;
}

/* GET /api/v1/fairs/CODE/meetings/ID/outcome */
void
api_outcome_get(struct hreq *h, char **args)
{
	long long id = meeting_arg(h, args);

	if (id != 0)
		api_task_run(h, outcome_get_work, json_pack("{s:I}", "id", (json_int_t)id),
		    xstrdup(args[0]));
}

/* A JSON amount as text: "120.5" as given, or a number as it reads. */
static char *
amount_text(const json_t *v)
{
	if (json_is_string(v))
		return xstrdup(json_string_value(v));
	if (json_is_integer(v))
		return xasprintf("%lld", (long long)json_integer_value(v));
	if (json_is_real(v))
		return xasprintf("%.15g", json_real_value(v));
	return xstrdup(json_is_null(v) ? "null" : "?");
}

/* Worker: record an outcome. */
static void
outcome_post_work(struct task *t, struct store *st)
{
	struct office_scope scope = scope_of(&t->h->who);
	long long id = json_integer_value(json_object_get(t->in, "id"));
	const json_t *held = json_object_get(t->in, "held"), *amount = json_object_get(t->in,
	    "amount");
	struct outcome_in in;
	enum outcome_err err;
	char *cause = NULL, *atext = NULL;
	json_t *out;

	memset(&in, 0, sizeof in);
	in.held = json_is_boolean(held) ? json_is_true(held) : -1;
	in.kind = json_string_value(json_object_get(t->in, "kind"));
	if (amount != NULL)
		in.amount = atext = amount_text(amount);
	in.products = json_string_value(json_object_get(t->in, "products"));
	in.date = json_string_value(json_object_get(t->in, "date"));
	if (outcome_record(st, t->text, id, &in, t->h->who.login, t->h->who.user_id, &scope,
	    &out, &err, &cause) != 0) {
		free(atext);
		outcome_fail(t, err, cause);
		return;
	}
	free(atext);
	t->status = 200;
	t->body = out;
}

/* POST /api/v1/fairs/CODE/meetings/ID/outcome {held, kind, amount, products, date} */
void
api_outcome_post(struct hreq *h, char **args)
{
	long long id = meeting_arg(h, args);
	char *cause = NULL;
	int status;
	json_t *in;

	if (id == 0)
		return;
	in = hreq_json_body(h, (size_t)hreq_settings(h)->max_body_bytes, &status, &cause);
	if (in == NULL) {
		http_error(h, status, "bad_request", "%s", cause);
		free(cause);
		return;
	}
	if (!json_is_object(in) || (json_object_get(in, "held") != NULL &&
	    !json_is_boolean(json_object_get(in, "held")))) {
		json_decref(in);
		http_error(h, 400, "bad_request", "需要 JSON 对象，held 为布尔值 / needs a JSON"
		    " object with held as a boolean");
		return;
	}
	json_object_set_new(in, "id", json_integer(id));
	api_task_run(h, outcome_post_work, in, xstrdup(args[0]));
}

/* Worker: keep an evidence file the loop wrote to a temporary path, then remove that path. */
static void
evidence_work(struct task *t, struct store *st)
{
	struct office_scope scope = scope_of(&t->h->who);
	long long id = json_integer_value(json_object_get(t->in, "id"));
	const char *path = json_string_value(json_object_get(t->in, "path"));
	struct outcome_in in;
	enum outcome_err err;
	char *cause = NULL;
	json_t *out;
	int rc;

	memset(&in, 0, sizeof in);
	in.held = -1;
	in.evidence = path;
	in.evidence_name = json_string_value(json_object_get(t->in, "filename"));
	rc = outcome_record(st, t->text, id, &in, t->h->who.login, t->h->who.user_id, &scope,
	    &out, &err, &cause);
	unlink(path);
	if (rc != 0) {
		outcome_fail(t, err, cause);
		return;
	}
	t->status = 200;
	t->body = out;
}

/* Whether name is a file name to show: 1..200 bytes, no path, no control characters. */
static int
evidence_name_ok(const char *name)
{
	size_t n = name != NULL ? strlen(name) : 0;

	if (n == 0 || n > 200 || strcmp(name, ".") == 0 || strcmp(name, "..") == 0)
		return 0;
	for (const unsigned char *c = (const unsigned char *)name; *c != '\0'; c++)
		if (*c < 0x20 || *c == 0x7f || *c == '/' || *c == '\\')
			return 0;
	return 1;
}

char *
api_evidence_spool(struct hreq *h)
{
	struct evbuffer *body = evhttp_request_get_input_buffer(h->req);
	const char *name = hreq_arg(h, "filename");
	char *dir, *path;
	int fd, rc = 0;

	if (!evidence_name_ok(name)) {
		http_error(h, 400, "bad_argument", "需要文件名 filename（不含路径，至多 200 字节） /"
		    " filename is required: a name without a path, at most 200 bytes");
		return NULL;
	}
	if (evbuffer_get_length(body) == 0) {
		http_error(h, 400, "bad_request", "凭证文件 %s 是空的 / the evidence file %s is"
		    " empty", name, name);
		return NULL;
	}
	dir = xasprintf("%s/tmp", hreq_data_dir(h));
	path = xasprintf("%s/evidence-XXXXXX", dir);
	if (mkdir_p(dir, 0700) != 0 || (fd = mkstemp(path)) < 0) {
		http_error(h, 500, "unwritable", "无法保存上传的文件 / cannot keep the upload: %s",
		    strerror(errno));
		free(dir);
		free(path);
		return NULL;
	}
	free(dir);
	while (rc >= 0 && evbuffer_get_length(body) > 0)
		rc = evbuffer_write(body, fd);
	if (close(fd) != 0 || rc < 0) {
		unlink(path);
		free(path);
		http_error(h, 500, "unwritable", "无法保存上传的文件 / cannot keep the upload: %s",
		    strerror(errno));
		return NULL;
	}
	return path;
}

/*
 * POST /api/v1/fairs/CODE/meetings/ID/evidence?filename=NAME: the body is
 * the file (a photo of a contract, a signed intention), kept with the
 * meeting's outcome, which must be recorded first.
 */
void
api_outcome_evidence(struct hreq *h, char **args)
{
	long long id = meeting_arg(h, args);
	char *path;

	if (id == 0 || (path = api_evidence_spool(h)) == NULL)
		return;
	api_task_run(h, evidence_work, json_pack("{s:I, s:s, s:s}", "id", (json_int_t)id,
	    "path", path, "filename", hreq_arg(h, "filename")), xstrdup(args[0]));
	free(path);
}
