/*
 * http.h — one request on its way through the server: what it asked, who
 * asked, and the one way out (a reply with the security headers, counted
 * in the metrics and written to the access log).
 */
#ifndef FM_HTTP_H
#define FM_HTTP_H

#include <time.h>

#include <event2/buffer.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <jansson.h>

#include "auth.h"
#include "server.h"

struct hreq {
	struct evhttp_request	*req;
	struct loop		*lp;
	struct server		*srv;
	struct principal	 who;		/* nobody until the API looks */
	char			*path;		/* percent-decoded */
	struct evkeyvalq	 query;		/* decoded query arguments */
	const char		*method;	/* "GET", … */
	int			 unsafe;	/* a method that changes things */
	char			 peer[64];	/* client address */
	struct timespec		 start;
	int			 deferred;	/* a worker will reply */
};

/*
 * A request's context, or NULL after replying 400 to a request whose path
 * or query cannot be decoded.  Freed by the reply.
 */
struct hreq *hreq_new(struct loop *lp, struct evhttp_request *req);
/* A query argument, or NULL. */
const char *hreq_arg(struct hreq *h, const char *name);
/* A request header, or NULL. */
const char *hreq_header(struct hreq *h, const char *name);
/* The value of cookie name, or NULL; caller frees. */
char *hreq_cookie(struct hreq *h, const char *name);
/* The body's length in bytes (0: none). */
size_t hreq_body_length(struct hreq *h);
/*
 * The body as a JSON object, at most max bytes.  NULL with *status and
 * *cause (caller frees) when it is too big, not JSON or not an object.
 */
json_t *hreq_json_body(struct hreq *h, size_t max, int *status, char **cause);
/* Marks h as answered later, from a worker through loop_post. */
void hreq_defer(struct hreq *h);

/* Adds a response header. */
void http_header(struct hreq *h, const char *name, const char *value);
/* Seconds a 503 without a Retry-After of its own tells the client to wait. */
#define HTTP_RETRY_AFTER	"2"

/* Replies with body (taken; may be NULL) and frees h.  A 503 gets a Retry-After. */
void http_send(struct hreq *h, int status, const char *content_type, struct evbuffer *body);
/* Replies with JSON (taken) and frees h. */
void http_json(struct hreq *h, int status, json_t *body);
/* JSON as the replies write it; caller frees. */
char *http_json_text(json_t *body);
/* Replies with JSON already written as text (not taken) and frees h. */
void http_json_send(struct hreq *h, int status, const char *text);
/* Replies {"error": code, "message": …} and frees h. */
void http_error(struct hreq *h, int status, const char *code, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* Reopens the access log (SIGHUP); 0 or -1 with *cause. */
int http_log_open(struct server *srv, char **cause);

/*
 * What a handler may reach of the server, through its request: the loop's
 * read-only store handle, tokenizer and search cache; the settings; the
 * writer (jobs) and the quick pool; the sign-in rate limiter and the
 * counters.  struct server and struct loop stay opaque outside the core.
 */
struct store *hreq_store(const struct hreq *h);
struct tokenizer *hreq_tokenizer(const struct hreq *h);
struct search_cache *hreq_search_cache(const struct hreq *h);
/* The kiosk search serving layer (NULL when off) and this loop's scratch for it. */
struct serving *hreq_serving(const struct hreq *h);
struct serve_scratch *hreq_scratch(const struct hreq *h);
const struct settings *hreq_settings(const struct hreq *h);
const char *hreq_data_dir(const struct hreq *h);
/* The certificate the server presents (PEM). */
const char *hreq_cert_path(const struct hreq *h);
const char *hreq_web_root(const struct hreq *h);
struct jobs *hreq_jobs(const struct hreq *h);
struct workq *hreq_quick(const struct hreq *h);
struct ratelimit *hreq_logins(const struct hreq *h);
/* Kiosk meeting requests per client address. */
struct ratelimit *hreq_kiosk_requests(const struct hreq *h);
struct metrics *hreq_metrics(const struct hreq *h);
/* The scheduled backups, for their last result; NULL when off. */
struct backup_sched *hreq_backups(const struct hreq *h);
time_t hreq_server_started(const struct hreq *h);
int hreq_server_draining(const struct hreq *h);

#endif
