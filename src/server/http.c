/*
 * http.c — request context, replies, security headers, access log.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/queue.h>
#include <sys/socket.h>

#include <event2/event.h>

#include "api.h"
#include "http.h"
#include "reqgate.h"
#include "server_int.h"
#include "util.h"

/* Headers on every reply (DESIGN.md: CSP without inline script, HSTS, no framing). */
static const char *const security_headers[][2] = {
	{ "Content-Security-Policy", "default-src 'self'; script-src 'self'; style-src 'self';"
	  " img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none';"
	  " form-action 'self'; frame-ancestors 'none'" },
	{ "Strict-Transport-Security", "max-age=31536000" },
	{ "X-Content-Type-Options", "nosniff" },
	{ "X-Frame-Options", "DENY" },
	{ "Referrer-Policy", "same-origin" },
	{ "Cross-Origin-Opener-Policy", "same-origin" },
};

static const char *const method_names[][2] = {
	{ "GET", "" }, { "POST", "u" }, { "HEAD", "" }, { "PUT", "u" }, { "DELETE", "u" },
	{ "OPTIONS", "" }, { "TRACE", "" }, { "CONNECT", "" }, { "PATCH", "u" },
};

/* The method's name and whether it changes things. */
static const char *
method_name(enum evhttp_cmd_type cmd, int *unsafe)
{
	static const enum evhttp_cmd_type cmds[] = { EVHTTP_REQ_GET, EVHTTP_REQ_POST,
	    EVHTTP_REQ_HEAD, EVHTTP_REQ_PUT, EVHTTP_REQ_DELETE, EVHTTP_REQ_OPTIONS,
	    EVHTTP_REQ_TRACE, EVHTTP_REQ_CONNECT, EVHTTP_REQ_PATCH };

	for (size_t i = 0; i < nitems(cmds); i++)
		if (cmds[i] == cmd) {
			*unsafe = method_names[i][1][0] == 'u';
			return method_names[i][0];
		}
	*unsafe = 1;
	return "?";
}

/* Every decoded name and value of the query is UTF-8 (handlers put them in JSON and the store). */
static int
query_utf8(const struct evkeyvalq *query)
{
	const struct evkeyval *kv;

	TAILQ_FOREACH(kv, query, next)
		if (!utf8_valid(kv->key, strlen(kv->key)) ||
		    !utf8_valid(kv->value, strlen(kv->value)))
			return 0;
	return 1;
}

/* Milliseconds since start. */
static double
elapsed_ms(const struct timespec *start)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (double)(now.tv_sec - start->tv_sec) * 1e3 +
	    (double)(now.tv_nsec - start->tv_nsec) / 1e6;
}

/*
 * Whether the headers leave the body's length in doubt: Content-Length more
 * than once, or beside Transfer-Encoding (RFC 9112 6.3).  evhttp reads by
 * the first Content-Length; a proxy in front might read by another.
 */
static int
framing_ambiguous(struct evkeyvalq *headers)
{
	struct evkeyval *kv;
	int lengths = 0, chunked = 0;

	TAILQ_FOREACH(kv, headers, next) {
		if (strcasecmp(kv->key, "Content-Length") == 0)
			lengths++;
		else if (strcasecmp(kv->key, "Transfer-Encoding") == 0)
			chunked = 1;
	}
	return lengths > 1 || (lengths == 1 && chunked);
}

/*
 * Whether a raw query string escapes a NUL (%00): decoded, it would cut its
 * argument short (q=%00 would read as an empty query), as a NUL in the path
 * would.
 */
static int
query_has_nul(const char *q)
{
	for (const char *p = q; (p = strchr(p, '%')) != NULL; p++)
		if (p[1] == '0' && p[2] == '0')
			return 1;
	return 0;
}

/* Where the body ends is in doubt (request smuggling): say so; the caller hangs up. */
static void
framing_refused(struct hreq *h)
{
	http_error(h, 400, "bad_request", "请求的 Content-Length 重复，或与 Transfer-Encoding"
	    " 同时出现 / the request has more than one Content-Length, or one with"
	    " Transfer-Encoding");
}

/*
 * The gate refused the request's body before reading it (reqgate.h says
 * how): say why, and hang up, since the body was never read.
 */
static void
gate_refused(struct hreq *h, const char *why)
{
	long limit = 0;
	long long length = 0;

	evhttp_add_header(evhttp_request_get_output_headers(h->req), "Connection", "close");
	if (strcmp(why, "400") == 0) {
		framing_refused(h);
		return;
	}
	if (strcmp(why, "411") == 0) {
		http_error(h, 411, "length_required", "%s 需要带 Content-Length 的请求体（不接受分块传输）"
		    " / %s needs a body with a Content-Length (no chunked transfer)", h->path,
		    h->path);
		return;
	}
	sscanf(why, "413 %ld %lld", &limit, &length);
	if (api_takes_upload(h->method, h->path) && limit < h->srv->cfg->max_upload_bytes)
		http_error(h, 413, "too_large", "请先登录再上传：未登录的请求体至多 %ld 字节，此请求"
		    " %lld 字节，未读取 / sign in before uploading: a request without credentials"
		    " may carry at most %ld bytes; this one has %lld, not read", limit, length,
		    limit, length);
	else
		http_error(h, 413, "too_large", "请求体 %lld 字节，超过 %s 的上限 %ld 字节，未读取 /"
		    " the body of %lld bytes is over the limit of %s, %ld bytes; it was not read",
		    length, h->path, limit, length, h->path, limit);
}

struct hreq *
hreq_new(struct loop *lp, struct evhttp_request *req)
{
	struct hreq *h = xcalloc(1, sizeof *h);
	const struct evhttp_uri *uri = evhttp_request_get_evhttp_uri(req);
	struct evhttp_connection *evcon = evhttp_request_get_connection(req);
	const char *raw = uri != NULL ? evhttp_uri_get_path(uri) : NULL;
	const char *q = uri != NULL ? evhttp_uri_get_query(uri) : NULL;
	const char *refused;
	size_t len = 0;

	h->req = req;
	h->lp = lp;
	h->srv = lp->srv;
	h->who.role = ROLE_PUBLIC;
	TAILQ_INIT(&h->query);
	clock_gettime(CLOCK_MONOTONIC, &h->start);
	h->method = method_name(evhttp_request_get_command(req), &h->unsafe);
	if (evcon != NULL) {
		char *addr = NULL;
		ev_uint16_t port;

		evhttp_connection_get_peer(evcon, &addr, &port);
		snprintf(h->peer, sizeof h->peer, "%s", addr != NULL ? addr : "-");
	}
	if (raw == NULL || *raw == '\0')
		raw = "/";
	h->path = evhttp_uridecode(raw, 0, &len);
	if (h->path == NULL || strlen(h->path) != len || !utf8_valid(h->path, len) ||
	    (q != NULL && (query_has_nul(q) || evhttp_parse_query_str(q, &h->query) != 0)) ||
	    !query_utf8(&h->query)) {
		if (h->path == NULL)
			h->path = xstrdup(raw);
		http_error(h, 400, "bad_request", "请求路径或参数无法解析（须为 UTF-8） / the path"
		    " or query cannot be decoded (it must be UTF-8)");
		return NULL;
	}
	if (framing_ambiguous(evhttp_request_get_input_headers(req))) {
		evhttp_add_header(evhttp_request_get_output_headers(req), "Connection", "close");
		framing_refused(h);
		return NULL;
	}
	if ((refused = evhttp_find_header(evhttp_request_get_input_headers(req),
	    REQGATE_REFUSED)) != NULL) {
		gate_refused(h, refused);
		return NULL;
	}
	return h;
}

const char *
hreq_arg(struct hreq *h, const char *name)
{
	return evhttp_find_header(&h->query, name);
}

const char *
hreq_header(struct hreq *h, const char *name)
{
	return evhttp_find_header(evhttp_request_get_input_headers(h->req), name);
}

char *
hreq_cookie(struct hreq *h, const char *name)
{
	const char *c = hreq_header(h, "Cookie");
	size_t n = strlen(name);

	while (c != NULL && *c != '\0') {
		const char *end;

		while (*c == ' ' || *c == ';')
			c++;
		end = strchr(c, ';');
		if (end == NULL)
			end = c + strlen(c);
		if ((size_t)(end - c) > n && strncmp(c, name, n) == 0 && c[n] == '=')
			return xstrndup(c + n + 1, (size_t)(end - c) - n - 1);
		c = end;
	}
	return NULL;
}

size_t
hreq_body_length(struct hreq *h)
{
	return evbuffer_get_length(evhttp_request_get_input_buffer(h->req));
}

json_t *
hreq_json_body(struct hreq *h, size_t max, int *status, char **cause)
{
	struct evbuffer *in = evhttp_request_get_input_buffer(h->req);
	size_t len = evbuffer_get_length(in);
	json_error_t err;
	json_t *v;

	if (len == 0) {
		*status = 400;
		*cause = xstrdup("请求体是空的，应为 JSON 对象 / the body is empty; send a JSON object");
		return NULL;
	}
	if (len > max) {
		*status = 413;
		*cause = xasprintf("请求体超过 %zu 字节 / the body is over %zu bytes", max, max);
		return NULL;
	}
	v = json_loadb((const char *)evbuffer_pullup(in, -1), len, JSON_REJECT_DUPLICATES, &err);
	if (v == NULL || !json_is_object(v)) {
		*status = 400;
		*cause = v == NULL ? xasprintf("请求体不是有效的 JSON（第 %d 行第 %d 列：%s） / the body"
		    " is not JSON (line %d, column %d: %s)", err.line, err.column, err.text,
		    err.line, err.column, err.text) : xstrdup("请求体应为 JSON 对象 / the body must be"
		    " a JSON object");
		json_decref(v);
		return NULL;
	}
	return v;
}

void
hreq_defer(struct hreq *h)
{
	if (!h->deferred) {
		h->deferred = 1;
		atomic_fetch_add(&h->srv->deferred, 1);
	}
}

void
http_header(struct hreq *h, const char *name, const char *value)
{
	evhttp_add_header(evhttp_request_get_output_headers(h->req), name, value);
}

/*
 * One access-log line: time, client, request, status, bytes, milliseconds,
 * user.  uri is a copy: the request may be gone once the reply is sent.
 */
static void
log_request(struct hreq *h, const char *uri, int status, size_t bytes, double ms)
{
	struct server *srv = h->srv;
	char when[32];
	time_t now = time(NULL);
	struct tm tm;

	if (srv->access_log == NULL)
		return;
	gmtime_r(&now, &tm);
	strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tm);
	pthread_mutex_lock(&srv->log_lock);
	if (srv->access_log != NULL) {
		fprintf(srv->access_log, "%s %s \"%s %s\" %d %zu %.1fms %s\n", when, h->peer,
		    h->method, uri, status, bytes, ms,
		    h->who.user_id != 0 ? h->who.login : "-");
		fflush(srv->access_log);
	}
	pthread_mutex_unlock(&srv->log_lock);
}

/* Counts a reply in the metrics. */
static void
count_request(struct metrics *m, int status, size_t bytes, double ms)
{
	static const double bounds[] = { 1, 5, 10, 50, 100, 500, 1000 };
	size_t b = 0;

	atomic_fetch_add(&m->requests[status / 100 >= 2 && status / 100 <= 5 ? status / 100 : 0],
	    1);
	while (b < nitems(bounds) && ms >= bounds[b])
		b++;
	atomic_fetch_add(&m->latency[b], 1);
	atomic_fetch_add(&m->bytes_out, (long)bytes);
}

void
http_send(struct hreq *h, int status, const char *content_type, struct evbuffer *body)
{
	struct evkeyvalq *out = evhttp_request_get_output_headers(h->req);
	size_t bytes = body != NULL ? evbuffer_get_length(body) : 0;
	char *uri;
	double ms;

	for (size_t i = 0; i < nitems(security_headers); i++)
		if (evhttp_find_header(out, security_headers[i][0]) == NULL)
			evhttp_add_header(out, security_headers[i][0], security_headers[i][1]);
	if (content_type != NULL)
		evhttp_add_header(out, "Content-Type", content_type);
	/* Every 503 says when to try again; a caller that knows better set its own. */
	if (status == 503 && evhttp_find_header(out, "Retry-After") == NULL)
		evhttp_add_header(out, "Retry-After", HTTP_RETRY_AFTER);
	if (atomic_load(&h->srv->draining))
		evhttp_add_header(out, "Connection", "close");
	/*
	 * A client that went away while a worker had its request: libevent frees
	 * the request inside evhttp_send_reply, so copy what the log needs first.
	 */
	uri = h->srv->access_log != NULL ? xstrdup(evhttp_request_get_uri(h->req)) : NULL;
	evhttp_send_reply(h->req, status, NULL, body);
	h->req = NULL;
	if (body != NULL)
		evbuffer_free(body);
	ms = elapsed_ms(&h->start);
	count_request(&h->srv->m, status, bytes, ms);
	if (uri != NULL)
		log_request(h, uri, status, bytes, ms);
	free(uri);
	if (h->deferred)
		atomic_fetch_sub(&h->srv->deferred, 1);
	evhttp_clear_headers(&h->query);
	free(h->path);
	free(h);
}

char *
http_json_text(json_t *body)
{
	return json_dumps(body, JSON_COMPACT | JSON_REAL_PRECISION(12));
}

void
http_json_send(struct hreq *h, int status, const char *text)
{
	struct evbuffer *b = evbuffer_new();

	evbuffer_add(b, text, strlen(text));
	evbuffer_add(b, "\n", 1);
	http_header(h, "Cache-Control", "no-store");
	http_send(h, status, "application/json; charset=utf-8", b);
}

void
http_json(struct hreq *h, int status, json_t *body)
{
	char *s = http_json_text(body);

	json_decref(body);
	http_json_send(h, status, s);
	free(s);
}

void
http_error(struct hreq *h, int status, const char *code, const char *fmt, ...)
{
	va_list ap;
	char *msg;

	va_start(ap, fmt);
	msg = xvasprintf(fmt, ap);
	va_end(ap);
	http_json(h, status, json_pack("{s:s, s:s}", "error", code, "message", msg));
	free(msg);
}

int
http_log_open(struct server *srv, char **cause)
{
	const char *path = srv->cfg->access_log;
	FILE *f = NULL;

	if (strcmp(path, "-") == 0)
		f = stdout;
	else if (*path != '\0' && (f = fopen(path, "a")) == NULL) {
		*cause = xasprintf("无法打开访问日志 / cannot open the access log %s: %s", path,
		    strerror(errno));
		return -1;
	}
	pthread_mutex_lock(&srv->log_lock);
	if (srv->access_log != NULL && srv->access_log != stdout)
		fclose(srv->access_log);
	srv->access_log = f;
	pthread_mutex_unlock(&srv->log_lock);
	return 0;
}

/* ---- what a handler may reach of the server, through its request ---- */

struct store *
hreq_store(const struct hreq *h)
{
	return h->lp->st;
}

struct tokenizer *
hreq_tokenizer(const struct hreq *h)
{
	return h->lp->tk;
}

struct search_cache *
hreq_search_cache(const struct hreq *h)
{
	return h->lp->cache;
}

const struct settings *
hreq_settings(const struct hreq *h)
{
	return h->srv->cfg;
}

const char *
hreq_data_dir(const struct hreq *h)
{
	return h->srv->data_dir;
}

const char *
hreq_cert_path(const struct hreq *h)
{
	return h->srv->cert;
}

const char *
hreq_web_root(const struct hreq *h)
{
	return h->srv->web_root;
}

struct jobs *
hreq_jobs(const struct hreq *h)
{
	return h->srv->jobs;
}

struct workq *
hreq_quick(const struct hreq *h)
{
	return h->srv->quick;
}

struct ratelimit *
hreq_logins(const struct hreq *h)
{
	return h->srv->logins;
}

struct ratelimit *
hreq_kiosk_requests(const struct hreq *h)
{
	return h->srv->kiosk_requests;
}

struct backup_sched *
hreq_backups(const struct hreq *h)
{
	return h->srv->backups;
}

struct metrics *
hreq_metrics(const struct hreq *h)
{
	return &h->srv->m;
}

time_t
hreq_server_started(const struct hreq *h)
{
	return h->srv->started;
}

int
hreq_server_draining(const struct hreq *h)
{
	return atomic_load(&h->srv->draining) != 0;
}

struct serving *
hreq_serving(const struct hreq *h)
{
	return h->srv->serving;
}

struct serve_scratch *
hreq_scratch(const struct hreq *h)
{
	return h->lp->scratch;
}
