/*
 * server.c — `fairmatch serve`'s machinery: listening sockets, the event
 * loops and their threads, the redirecting plain-HTTP port, signals and
 * the drain on SIGTERM.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/http_struct.h>	/* a request's HTTP version: evhttp 2.1 has no getter */
#include <event2/listener.h>
#include <event2/thread.h>
#include <event2/util.h>

#include "api.h"
#include "backup_sched.h"
#include "conn_guard.h"
#include "auth.h"
#include "http.h"
#include "indexing.h"
#include "ratelimit.h"
#include "reqgate.h"
#include "search_cache.h"
#include "server_int.h"
#include "static.h"
#include "tls.h"
#include "util.h"

#define DRAIN_LIMIT	30	/* seconds a drain waits for work in flight */
#define REQUEST_MIN_RATE 1024	/* bytes of a request that give it a second more */
#define HANDSHAKES_PER_TURN 1	/* TLS handshake steps a loop runs before it looks for
				   requests on established connections again */

struct posted {
	void	(*fn)(void *);
	void	*arg;
};

/* Runs a posted function on the loop's thread. */
static void
posted_run(evutil_socket_t fd, short what, void *arg)
{
	struct posted *p = arg;

	p->fn(p->arg);
	free(p);
}

void
loop_post(struct loop *lp, void (*fn)(void *), void *arg)
{
	struct posted *p = xmalloc(sizeof *p);

	p->fn = fn;
	p->arg = arg;
	if (event_base_once(lp->base, -1, EV_TIMEOUT, posted_run, p, NULL) != 0)
		fatal("%s: event_base_once", __func__);
}

/* A connection is closing: say close_notify first, so the client knows the reply is whole. */
static void
on_evcon_close(struct evhttp_connection *evcon, void *arg)
{
	struct loop *lp = arg;

	tls_bufferevent_close_notify(lp->tls, evhttp_connection_get_bufferevent(evcon));
}

/*
 * A reply was sent whole: unless the connection closes with it, it waits
 * idle for its next request, and past the idle cap one goes (tls.c chooses which).
 */
static void
on_reply_sent(struct evhttp_request *req, void *arg)
{
	struct loop *lp = arg;
	struct evhttp_connection *evcon = evhttp_request_get_connection(req);
	const char *conn = evhttp_find_header(evhttp_request_get_output_headers(req),
	    "Connection");
	const char *asked = evhttp_find_header(evhttp_request_get_input_headers(req),
	    "Connection");
	int closed;

	/* evhttp closes after it: "Connection: close", or HTTP/1.0 without keep-alive. */
	if (evcon == NULL || (conn != NULL && strcasecmp(conn, "close") == 0) ||
	    (req->major == 1 && req->minor == 0 &&
	    (asked == NULL || strcasecmp(asked, "keep-alive") != 0)))
		return;
	closed = tls_bufferevent_idle(lp->tls, evhttp_connection_get_bufferevent(evcon));
	atomic_fetch_add(&lp->srv->m.idle_closed, closed);
}

/* Every request on an HTTPS loop: the API or a file. */
static void
on_request(struct evhttp_request *req, void *arg)
{
	struct loop *lp = arg;
	struct hreq *h;

	/* libevent 2.1 has no hook for a new connection's first request; this is idempotent. */
	evhttp_connection_set_closecb(evhttp_request_get_connection(req), on_evcon_close, lp);
	evhttp_request_set_on_complete_cb(req, on_reply_sent, lp);
	/* The request is whole: its deadline (request_timeout_seconds) stops. */
	tls_bufferevent_message_done(lp->tls,
	    evhttp_connection_get_bufferevent(evhttp_request_get_connection(req)));
	if (lp->plain_guard != NULL)
		conn_guard_message_done(lp->plain_guard,
		    evhttp_connection_get_bufferevent(evhttp_request_get_connection(req)));
	h = hreq_new(lp, req);

	if (h == NULL)
		return;
	if (strncmp(h->path, "/api/", 5) == 0 || strcmp(h->path, "/healthz") == 0 ||
	    strcmp(h->path, "/metrics") == 0)
		api_handle(h);
	else
		static_serve(h);
}

/* A connection went away: count it, and take new ones again if we were full. */
static void
on_conn_closed(void *arg)
{
	struct loop *lp = arg;

	atomic_fetch_sub(&lp->srv->m.connections, 1);
	if (lp->connections-- == lp->max_connections && lp->bound != NULL)
		evconnlistener_enable(evhttp_bound_socket_get_listener(lp->bound));
}

/*
 * A new connection: its TLS bufferevent.  At the cap the listener stops
 * accepting until one closes, and an idle connection, if any (tls.c's choice), is
 * closed to make room.
 */
static struct bufferevent *
on_connection(struct event_base *base, void *arg)
{
	struct loop *lp = arg;
	struct bufferevent *bev = tls_bufferevent_new(lp->tls, base);	/* never NULL */

	atomic_fetch_add(&lp->srv->m.connections, 1);
	atomic_fetch_add(&lp->srv->m.connections_total, 1);
	if (++lp->connections < lp->max_connections)
		return bev;
	/*
	 * This one fits; the next would not.  No more are accepted (libevent
	 * stops its accept loop at once) until one closes: an idle one,
	 * if there is one, closes to make that room.
	 */
	if (lp->bound != NULL)
		evconnlistener_disable(evhttp_bound_socket_get_listener(lp->bound));
	if (tls_server_close_idle(lp->tls))
		atomic_fetch_add(&lp->srv->m.idle_closed, 1);
	else
		atomic_fetch_add(&lp->srv->m.refused, 1);
	return bev;
}

/*
 * reqgate's body limit on the API's listeners: an upload route's for a
 * client that brings credentials, max_body_bytes for the rest, and no
 * chunked body but an upload with credentials (a chunked body has no
 * length to judge before it is read).
 */
static long
body_limit(const struct reqgate_head *head, void *arg)
{
	const struct settings *cfg = arg;

	if (api_takes_upload(head->method, head->path) && head->credentials)
		return cfg->max_upload_bytes;
	return head->chunked ? REQGATE_NEED_LENGTH : cfg->max_body_bytes;
}

/* The gates of the API's listeners and of the redirect port (no bodies there at all). */
static void
gates_init(struct server *srv)
{
	const struct settings *cfg = srv->cfg;

	srv->api_gate.seconds = srv->redirect_gate.seconds = cfg->request_timeout_seconds;
	srv->api_gate.rate = srv->redirect_gate.rate = REQUEST_MIN_RATE;
	srv->api_gate.max_head = (size_t)cfg->max_header_bytes + 8192;	/* and the request line */
	srv->api_gate.body_limit = body_limit;
	srv->api_gate.arg = (void *)cfg;
}

/* A plain listener reached its cap (stop accepting) or fell below it (accept again). */
static void
listener_full(struct evhttp_bound_socket *bound, struct metrics *m, int full)
{
	struct evconnlistener *l;

	if (bound == NULL)
		return;			/* draining, or being freed */
	l = evhttp_bound_socket_get_listener(bound);
	if (full) {
		evconnlistener_disable(l);
		atomic_fetch_add(&m->refused, 1);
	} else
		evconnlistener_enable(l);
}

/* conn_guard's full callback for the redirect port. */
static void
redirect_full(void *arg, int full)
{
	struct server *srv = arg;

	listener_full(srv->redirect_bound, &srv->m, full);
}

/* conn_guard's full callback for a loop's plain_listen. */
static void
plain_full(void *arg, int full)
{
	struct loop *lp = arg;

	listener_full(lp->plain_bound, &lp->srv->m, full);
}

/* Whether a Host header is safe to put in a Location: letters, digits, . - : [ ]. */
static int
host_valid(const char *s)
{
	if (*s == '\0' || strlen(s) > 255)
		return 0;
	for (; *s != '\0'; s++)
		if (!(('a' <= *s && *s <= 'z') || ('A' <= *s && *s <= 'Z') ||
		    ('0' <= *s && *s <= '9') || strchr(".-:[]", *s) != NULL))
			return 0;
	return 1;
}

/* The plain-HTTP port: every request is sent to the same place over HTTPS. */
static void
on_plain_request(struct evhttp_request *req, void *arg)
{
	struct server *srv = arg;
	const char *host = evhttp_find_header(evhttp_request_get_input_headers(req), "Host");
	struct evkeyvalq *out = evhttp_request_get_output_headers(req);
	char *name, *colon, *to;

	conn_guard_message_done(srv->redirect_guard,
	    evhttp_connection_get_bufferevent(evhttp_request_get_connection(req)));
	name = xstrdup(host != NULL && host_valid(host) ? host : "localhost");
	colon = strrchr(name, ':');
	if (colon != NULL && strchr(colon, ']') == NULL)
		*colon = '\0';
	{
		const char *uri = evhttp_request_get_uri(req);

		/* Only an absolute path: "GET @evil.example/" must not become a userinfo. */
		to = xasprintf("https://%s:%d%s", name, srv->https_port,
		    uri != NULL && uri[0] == '/' && uri[1] != '/' ? uri : "/");
	}
	evhttp_add_header(out, "Location", to);
	evhttp_add_header(out, "Connection", "close");
	evhttp_add_header(out, "Content-Type", "text/plain; charset=utf-8");
	evhttp_send_reply(req, 301, "Moved Permanently", NULL);
	free(to);
	free(name);
}

/*
 * A listening socket for addr ("0.0.0.0:8443", "[::1]:0"), with SO_REUSEPORT
 * so that every loop has its own and the kernel spreads connections; port,
 * if not 0, replaces addr's.  The fd, or -1 with *cause.
 */
static evutil_socket_t
listen_on(const char *addr, int port, int *bound_port, char **cause)
{
	struct sockaddr_storage ss;
	int len = sizeof ss, one = 1;
	socklen_t slen;
	evutil_socket_t fd;

	const char *colon = strrchr(addr, ':');
	char *host;
	long want;
	int bad;

	/* libevent refuses port 0, which means "any free port": parse with 1, then set it. */
	memset(&ss, 0, sizeof ss);
	host = colon != NULL ? xasprintf("%.*s:1", (int)(colon - addr), addr) : xstrdup(addr);
	bad = colon == NULL || parse_long(colon + 1, 0, 65535, &want) != 0 ||
	    evutil_parse_sockaddr_port(host, (struct sockaddr *)&ss, &len) != 0;
	free(host);
	if (bad) {
		*cause = xasprintf("监听地址无法解析 / cannot parse the address %s", addr);
		return -1;
	}
	if (port == 0)
		port = (int)want;
	{
		if (ss.ss_family == AF_INET)
			((struct sockaddr_in *)&ss)->sin_port = htons((uint16_t)port);
		else
			((struct sockaddr_in6 *)&ss)->sin6_port = htons((uint16_t)port);
	}
	fd = socket(ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) != 0 ||
	    setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one, sizeof one) != 0 ||
	    bind(fd, (struct sockaddr *)&ss, (socklen_t)len) != 0 || listen(fd, 4096) != 0) {
		*cause = xasprintf("无法监听 / cannot listen on %s: %s", addr, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	slen = sizeof ss;
	getsockname(fd, (struct sockaddr *)&ss, &slen);
	*bound_port = ntohs(ss.ss_family == AF_INET ? ((struct sockaddr_in *)&ss)->sin_port :
	    ((struct sockaddr_in6 *)&ss)->sin6_port);
	return fd;
}

/* An evhttp on lp's base with the configured limits, answering every request. */
static struct evhttp *
loop_http(struct loop *lp)
{
	const struct settings *cfg = lp->srv->cfg;
	struct evhttp *http = evhttp_new(lp->base);

	if (http == NULL)
		fatal("%s: evhttp_new", __func__);
	evhttp_set_timeout(http, (int)cfg->timeout_seconds);
	evhttp_set_max_headers_size(http, cfg->max_header_bytes);
	evhttp_set_max_body_size(http, cfg->max_upload_bytes);
	evhttp_set_allowed_methods(http, EVHTTP_REQ_GET | EVHTTP_REQ_POST | EVHTTP_REQ_HEAD |
	    EVHTTP_REQ_PUT | EVHTTP_REQ_DELETE | EVHTTP_REQ_PATCH);
	evhttp_set_default_content_type(http, "application/json; charset=utf-8");
	evhttp_set_gencb(http, on_request, lp);
	return http;
}

/*
 * A loop's event base, with three priorities: TLS handshakes (tls.c) run at
 * the lowest, 2, everything else at 1; after HANDSHAKES_PER_TURN handshake
 * steps the loop polls again. Each step costs milliseconds of elliptic-curve
 * arithmetic: a flood of new connections would otherwise hold the loop for
 * seconds while a kiosk's request on its kept-alive connection waits. A loop
 * never free of requests still takes one handshake step every 20 ms (tls.c).
 */
static struct event_base *
loop_base(void)
{
	struct event_config *ec = event_config_new();
	struct event_base *base;

	if (ec == NULL || event_config_set_max_dispatch_interval(ec, NULL, HANDSHAKES_PER_TURN,
	    2) != 0 || (base = event_base_new_with_config(ec)) == NULL ||
	    event_base_priority_init(base, 3) != 0)
		fatal("%s: event_base_new_with_config", __func__);
	event_config_free(ec);
	return base;
}

/* Sets up one loop: base, evhttp with limits, TLS, store handle, tokenizer, socket. */
static int
loop_init(struct server *srv, struct loop *lp, int index, evutil_socket_t fd,
    evutil_socket_t plain_fd, char **cause)
{
	const struct settings *cfg = srv->cfg;
	long max_idle;

	lp->srv = srv;
	lp->index = index;
	lp->max_connections = cfg->max_connections / srv->nloops;
	if (lp->max_connections < 1)
		lp->max_connections = 1;
	lp->base = loop_base();
	lp->http = loop_http(lp);
	if ((lp->tls = tls_server_new(srv->cert, srv->key, cause)) == NULL)
		return -1;
	tls_server_on_close(lp->tls, on_conn_closed, lp);
	tls_server_set_gate(lp->tls, &srv->api_gate);
	max_idle = cfg->max_idle_connections > 0 ? cfg->max_idle_connections :
	    cfg->max_connections / 10;
	tls_server_set_max_idle(lp->tls, max_idle / srv->nloops > 0 ? max_idle / srv->nloops : 1);
	evhttp_set_bevcb(lp->http, on_connection, lp);
	/* A loop only reads: its handle cannot write, so a write put there by mistake fails. */
	if (store_open_readonly(srv->data_dir, &lp->st, cause) != 0)
		return -1;
	store_busy_timeout(lp->st, (int)cfg->busy_timeout_ms);
	if ((lp->tk = tokenizer_new(cause)) == NULL)
		return -1;
	lp->cache = search_cache_new((size_t)cfg->search_cache);
	lp->scratch = serve_scratch_new();
	if ((lp->bound = evhttp_accept_socket_with_handle(lp->http, fd)) == NULL) {
		*cause = xstrdup("evhttp_accept_socket failed");
		close(fd);
		return -1;
	}
	if (plain_fd >= 0) {
		lp->plain = loop_http(lp);
		lp->plain_guard = conn_guard_new(lp->max_connections, &srv->api_gate, plain_full, lp);
		evhttp_set_bevcb(lp->plain, conn_guard_bufferevent, lp->plain_guard);
		if ((lp->plain_bound = evhttp_accept_socket_with_handle(lp->plain, plain_fd)) ==
		    NULL) {
			*cause = xstrdup("evhttp_accept_socket failed");
			close(plain_fd);
			return -1;
		}
	}
	return 0;
}

/* A loop's thread. */
static void *
loop_main(void *arg)
{
	struct loop *lp = arg;

	event_base_loop(lp->base, EVLOOP_NO_EXIT_ON_EMPTY);
	return NULL;
}

/* On a loop: stop taking connections (the drain). */
static void
loop_stop_accepting(void *arg)
{
	struct loop *lp = arg;

	if (lp->bound != NULL) {
		evhttp_del_accept_socket(lp->http, lp->bound);
		lp->bound = NULL;
	}
	if (lp->plain_bound != NULL) {
		evhttp_del_accept_socket(lp->plain, lp->plain_bound);
		lp->plain_bound = NULL;
	}
}

struct drain {
	struct server	*srv;
	struct event	*timer;
	time_t		 since;
};

/* Every 100 ms while draining: once nothing is in flight (or time is up), stop the loops. */
static void
drain_tick(evutil_socket_t fd, short what, void *arg)
{
	struct drain *d = arg;
	struct server *srv = d->srv;
	int idle = atomic_load(&srv->deferred) == 0 && jobs_pending(srv->jobs) == 0 &&
	    workq_pending(srv->quick) == 0;

	if (!idle && time(NULL) - d->since < DRAIN_LIMIT)
		return;
	if (!idle)
		fprintf(stderr, "fairmatch serve: %d 秒后仍有未完成的工作，强制退出 / work still in"
		    " flight after %d s; stopping anyway\n", DRAIN_LIMIT, DRAIN_LIMIT);
	for (int i = 0; i < srv->nloops; i++)
		event_base_loopexit(srv->loops[i].base, NULL);
	event_del(d->timer);
	event_base_loopexit(srv->main_base, NULL);
}

/* SIGTERM, SIGINT: stop accepting, finish what was acknowledged, exit. */
static void
on_stop_signal(evutil_socket_t sig, short what, void *arg)
{
	struct drain *d = arg;
	struct server *srv = d->srv;
	struct timeval tick = { 0, 100000 };

	if (atomic_exchange(&srv->draining, 1))
		return;
	fprintf(stderr, "fairmatch serve: 收到信号 %d，正在收尾 / signal %d: draining\n",
	    (int)sig, (int)sig);
	for (int i = 0; i < srv->nloops; i++)
		loop_post(&srv->loops[i], loop_stop_accepting, &srv->loops[i]);
	if (srv->redirect != NULL) {
		srv->redirect_bound = NULL;	/* evhttp_free frees it */
		evhttp_free(srv->redirect);
		srv->redirect = NULL;
	}
	d->since = time(NULL);
	d->timer = event_new(srv->main_base, -1, EV_PERSIST, drain_tick, d);
	event_add(d->timer, &tick);
}

/* SIGHUP: reopen the access log (after rotation). */
static void
on_hup(evutil_socket_t sig, short what, void *arg)
{
	struct server *srv = arg;
	char *cause = NULL;

	if (http_log_open(srv, &cause) != 0) {
		fprintf(stderr, "fairmatch serve: %s\n", cause);
		free(cause);
	}
}

/* Resolves the certificate and key, making a self-signed pair on first start. */
static int
setup_tls(struct server *srv, char **cause)
{
	const struct settings *cfg = srv->cfg;
	int made = 0;

	if (*cfg->cert != '\0' || *cfg->key != '\0') {
		if (*cfg->cert == '\0' || *cfg->key == '\0') {
			*cause = xstrdup("cert 和 key 要同时配置 / set both cert and key, or neither");
			return -1;
		}
		srv->cert = xstrdup(cfg->cert);
		srv->key = xstrdup(cfg->key);
		return 0;
	}
	{
		char *dir = xasprintf("%s/tls", srv->data_dir);

		if (mkdir_p(dir, 0700) != 0) {
			*cause = xasprintf("无法创建 / cannot make %s: %s", dir, strerror(errno));
			free(dir);
			return -1;
		}
		srv->cert = xasprintf("%s/cert.pem", dir);
		srv->key = xasprintf("%s/key.pem", dir);
		free(dir);
	}
	{
		char **names = settings_cert_names(cfg);
		int rc = tls_cert_ensure(srv->cert, srv->key, (const char *const *)names, &made,
		    cause);

		settings_cert_names_free(names);
		if (rc != 0)
			return -1;
	}
	if (made)
		fprintf(stderr, "fairmatch serve: 已生成自签名证书 / made a self-signed certificate:"
		    " %s\n", srv->cert);
	return 0;
}

/* Writes the bound port where the config says (tests and scripts read it). */
static void
write_port_file(const struct server *srv)
{
	FILE *f;

	if (*srv->cfg->port_file == '\0' || (f = fopen(srv->cfg->port_file, "w")) == NULL)
		return;
	fprintf(f, "%d\n", srv->https_port);
	fclose(f);
}

/* Frees what server_run made, in an order that leaves no callback dangling. */
static void
server_free(struct server *srv)
{
	backup_sched_stop(srv->backups);
	/* The quick pool first: its work may queue jobs. */
	workq_stop(srv->quick);
	jobs_stop(srv->jobs);
	for (int i = 0; i < srv->nloops; i++) {
		struct loop *lp = &srv->loops[i];

		lp->bound = lp->plain_bound = NULL;	/* evhttp_free frees them */
		if (lp->http != NULL)
			evhttp_free(lp->http);
		if (lp->plain != NULL)
			evhttp_free(lp->plain);
		conn_guard_free(lp->plain_guard);
		if (lp->tls != NULL)
			tls_server_free(lp->tls);
		if (lp->tk != NULL)
			tokenizer_free(lp->tk);
		search_cache_free(lp->cache);
		serve_scratch_free(lp->scratch);
		if (lp->st != NULL)
			store_close(lp->st);
		if (lp->base != NULL)
			event_base_free(lp->base);
	}
	free(srv->loops);
	serving_stop(srv->serving);
	srv->redirect_bound = NULL;
	if (srv->redirect != NULL)
		evhttp_free(srv->redirect);
	conn_guard_free(srv->redirect_guard);
	if (srv->main_base != NULL)
		event_base_free(srv->main_base);
	ratelimit_free(srv->logins);
	ratelimit_free(srv->kiosk_requests);
	if (srv->access_log != NULL && srv->access_log != stdout)
		fclose(srv->access_log);
	pthread_mutex_destroy(&srv->log_lock);
	free(srv->cert);
	free(srv->key);
	free(srv->web_root);
}

/*
 * Catches the indexes up before serving, so the first search sees
 * everything, and builds the serving layer, which follows the log from then.
 */
static int
catch_up(struct server *srv, char **cause)
{
	struct store *st;
	int rc;

	if (store_open(srv->data_dir, 0, &st, cause) != 0)
		return -1;
	rc = indexing_catch_up_if_behind(st, cause);
	if (rc == 0 && (srv->serving = serving_start(st, 1, cause)) == NULL)
		rc = -1;
	store_close(st);
	return rc;
}

/*
 * Raises the open-file limit towards what max_connections needs (each
 * connection is a descriptor; the store, logs and spool want a few more):
 * a soft limit of 1024 would refuse connections long before the cap.
 */
static void
raise_fd_limit(const struct settings *cfg)
{
	struct rlimit rl;
	/* Each listener has the cap: HTTPS, and the redirect and plain ones when on. */
	int listeners = 1 + (*cfg->redirect_listen != '\0') + (*cfg->plain_listen != '\0');
	rlim_t want = (rlim_t)cfg->max_connections * (rlim_t)listeners + 256;

	if (getrlimit(RLIMIT_NOFILE, &rl) != 0 || rl.rlim_cur >= want)
		return;
	rl.rlim_cur = rl.rlim_max == RLIM_INFINITY || rl.rlim_max > want ? want : rl.rlim_max;
	if (setrlimit(RLIMIT_NOFILE, &rl) != 0)
		getrlimit(RLIMIT_NOFILE, &rl);
	if (rl.rlim_cur < (rlim_t)cfg->max_connections)
		fprintf(stderr, "fairmatch serve: 警告：文件描述符上限 %llu，少于 max_connections 所需"
		    " / warning: open-file limit %llu is below what max_connections %ld needs\n",
		    (unsigned long long)rl.rlim_cur, (unsigned long long)rl.rlim_cur,
		    (long)cfg->max_connections);
}

int
server_run(const struct settings *cfg, const char *data_dir, char **cause)
{
	struct server srv;
	struct drain drain = { &srv, NULL, 0 };
	struct event *sigs[3] = { NULL, NULL, NULL };
	char real[PATH_MAX];
	int rc = -1;

	/* Before any thread: localtime_r and mktime read the zone without a lock. */
	if (time_zone_use(cfg->time_zone, cause) != 0)
		return -1;
	memset(&srv, 0, sizeof srv);
	srv.cfg = cfg;
	srv.data_dir = data_dir;
	srv.started = time(NULL);
	gates_init(&srv);
	pthread_mutex_init(&srv.log_lock, NULL);
	signal(SIGPIPE, SIG_IGN);
	raise_fd_limit(cfg);
	if (evthread_use_pthreads() != 0)
		fatal("%s: evthread_use_pthreads", __func__);
	srv.web_root = xstrdup(realpath(cfg->web_root, real) != NULL ? real : cfg->web_root);
	srv.logins = ratelimit_new(cfg->login_per_minute);
	srv.kiosk_requests = ratelimit_new(cfg->kiosk_per_minute);
	srv.nloops = cfg->threads > 0 ? (int)cfg->threads : (int)sysconf(_SC_NPROCESSORS_ONLN);
	if (srv.nloops < 1)
		srv.nloops = 1;
	srv.loops = xcalloc((size_t)srv.nloops, sizeof *srv.loops);
	if ((srv.main_base = event_base_new()) == NULL)
		fatal("%s: event_base_new", __func__);
	if (catch_up(&srv, cause) != 0 || setup_tls(&srv, cause) != 0 ||
	    http_log_open(&srv, cause) != 0 ||
	    (srv.jobs = jobs_start(data_dir, (int)cfg->busy_timeout_ms, cause)) == NULL ||
	    (srv.quick = workq_start(data_dir, 2, (int)cfg->busy_timeout_ms, cause)) == NULL)
		goto out;
	for (int i = 0; i < srv.nloops; i++) {
		int port, plain_port = 0;
		evutil_socket_t fd = listen_on(cfg->listen, srv.https_port, &port, cause);
		evutil_socket_t plain_fd = -1;

		if (fd >= 0 && *cfg->plain_listen != '\0' &&
		    (plain_fd = listen_on(cfg->plain_listen, srv.plain_port, &plain_port, cause)) < 0) {
			close(fd);
			goto out;
		}
		if (fd < 0 || loop_init(&srv, &srv.loops[i], i, fd, plain_fd, cause) != 0)
			goto out;
		srv.https_port = port;
		srv.plain_port = plain_port;
	}
	if (srv.plain_port != 0)
		fprintf(stderr, "fairmatch serve: 不加密的 HTTP / plain HTTP on port %d (plain_listen)\n",
		    srv.plain_port);
	if (*cfg->redirect_listen != '\0') {
		int port;
		evutil_socket_t fd = listen_on(cfg->redirect_listen, 0, &port, cause);

		if (fd < 0)
			goto out;
		srv.redirect = evhttp_new(srv.main_base);
		evhttp_set_timeout(srv.redirect, (int)cfg->timeout_seconds);
		evhttp_set_max_headers_size(srv.redirect, cfg->max_header_bytes);
		evhttp_set_max_body_size(srv.redirect, 0);
		evhttp_set_gencb(srv.redirect, on_plain_request, &srv);
		/* The HTTPS listener's defences: the same cap and request deadline. */
		srv.redirect_guard = conn_guard_new(cfg->max_connections, &srv.redirect_gate,
		    redirect_full, &srv);
		evhttp_set_bevcb(srv.redirect, conn_guard_bufferevent, srv.redirect_guard);
		if ((srv.redirect_bound = evhttp_accept_socket_with_handle(srv.redirect, fd)) ==
		    NULL) {
			*cause = xstrdup("evhttp_accept_socket failed");
			goto out;
		}
		fprintf(stderr, "fairmatch serve: 跳转 / redirecting http://%.*s:%d → https\n",
		    (int)(strrchr(cfg->redirect_listen, ':') - cfg->redirect_listen),
		    cfg->redirect_listen, port);
	}
	sigs[0] = evsignal_new(srv.main_base, SIGTERM, on_stop_signal, &drain);
	sigs[1] = evsignal_new(srv.main_base, SIGINT, on_stop_signal, &drain);
	sigs[2] = evsignal_new(srv.main_base, SIGHUP, on_hup, &srv);
	for (int i = 0; i < 3; i++)
		event_add(sigs[i], NULL);
	write_port_file(&srv);
	api_upload_resume(srv.data_dir, srv.jobs);
	srv.backups = backup_sched_start(srv.main_base, data_dir, cfg->backup_dir,
	    cfg->backup_minutes, cfg->backup_keep);
	fprintf(stderr, "fairmatch serve: 正在服务 / serving https://localhost:%d/ (%d loops, data"
	    " %s)\n", srv.https_port, srv.nloops, data_dir);
	for (int i = 0; i < srv.nloops; i++)
		if (pthread_create(&srv.loops[i].thread, NULL, loop_main, &srv.loops[i]) != 0)
			fatal("%s: pthread_create", __func__);
	event_base_loop(srv.main_base, EVLOOP_NO_EXIT_ON_EMPTY);
	for (int i = 0; i < srv.nloops; i++)
		pthread_join(srv.loops[i].thread, NULL);
	fprintf(stderr, "fairmatch serve: 已停止 / stopped\n");
	rc = 0;
out:
	for (int i = 0; i < 3; i++)
		if (sigs[i] != NULL)
			event_free(sigs[i]);
	if (drain.timer != NULL)
		event_free(drain.timer);
	server_free(&srv);
	return rc;
}
