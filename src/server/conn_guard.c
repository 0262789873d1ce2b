/*
 * conn_guard.c — a bufferevent filter over each plain connection that
 * counts it while it is open and passes its requests through the gate
 * (reqgate.c), as tls.c does for HTTPS.  A request past its deadline is
 * reported to evhttp as a read timeout, so evhttp closes the connection
 * itself.
 */
#include <sys/queue.h>

#include <errno.h>
#include <stdlib.h>

#include <event2/buffer.h>

#include "conn_guard.h"
#include "util.h"

struct guarded {
	struct conn_guard	*g;
	struct bufferevent	*bev;		/* the filter evhttp holds */
	struct reqgate		 gate;		/* the request's deadline and body limit */
	struct event		*kick;		/* flushes output added while writing was off */
	struct event		*writable;	/* the socket can take more; NULL until needed */
	int			 reported;	/* the timeout was reported once */
	LIST_ENTRY(guarded)	 entry;
};

struct conn_guard {
	long			 max;		/* connections at most */
	const struct reqgate_conf *gate;	/* every connection's */
	long			 open;
	void			(*full)(void *, int);
	void			*arg;
	LIST_HEAD(, guarded)	 conns;
};

struct conn_guard *
conn_guard_new(long max_connections, const struct reqgate_conf *gate,
    void (*full)(void *, int), void *arg)
{
	struct conn_guard *g = xcalloc(1, sizeof *g);

	g->max = max_connections > 0 ? max_connections : 1;
	g->gate = gate;
	g->full = full;
	g->arg = arg;
	LIST_INIT(&g->conns);
	return g;
}

/* The request's deadline passed: tell evhttp, which closes the connection. */
static void
guard_expired(void *arg)
{
	struct guarded *c = arg;

	if (c->reported)
		return;
	c->reported = 1;
	bufferevent_trigger_event(c->bev, BEV_EVENT_TIMEOUT | BEV_EVENT_READING,
	    BEV_TRIG_DEFER_CALLBACKS);
}

/* Input: through the gate. */
static enum bufferevent_filter_result
guard_in(struct evbuffer *src, struct evbuffer *dst, ev_ssize_t limit,
    enum bufferevent_flush_mode mode, void *ctx)
{
	struct guarded *c = ctx;

	if (c->reported) {
		evbuffer_drain(src, evbuffer_get_length(src));	/* given up: read nothing more */
		return BEV_OK;
	}
	if (evbuffer_get_length(src) == 0)
		return BEV_NEED_MORE;
	reqgate_pass(&c->gate, src, dst);
	return BEV_OK;
}

/* The socket can take more: go on writing. */
static void
guard_writable(evutil_socket_t fd, short what, void *arg)
{
	struct guarded *c = arg;

	bufferevent_flush(c->bev, EV_WRITE, BEV_NORMAL);
}

/*
 * Output: straight to the socket, as tls.c writes.  evhttp takes a reply
 * as sent (and may close the connection) once the filter's output is
 * empty, so it must not be emptied into the socket's bufferevent, whose
 * own buffer would still hold it; what the socket does not take waits for
 * it to be writable.
 */
static enum bufferevent_filter_result
guard_out(struct evbuffer *src, struct evbuffer *dst, ev_ssize_t limit,
    enum bufferevent_flush_mode mode, void *ctx)
{
	struct guarded *c = ctx;
	evutil_socket_t fd = bufferevent_getfd(bufferevent_get_underlying(c->bev));
	int n;

	while (evbuffer_get_length(src) > 0) {
		if ((n = evbuffer_write(src, fd)) > 0)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) {
			if (c->writable == NULL && (c->writable = event_new(
			    bufferevent_get_base(c->bev), fd, EV_WRITE, guard_writable, c)) == NULL)
				fatal("%s: event_new failed", __func__);
			event_add(c->writable, NULL);
			return BEV_NEED_MORE;
		}
		return BEV_ERROR;
	}
	return BEV_OK;
}

/*
 * Output added: evhttp writes a reply before it enables writing, and a
 * filter does not look at its output again when writing is enabled (tls.c
 * works around the same), so the flush comes on the next turn of the loop.
 */
static void
guard_output_added(struct evbuffer *buf, const struct evbuffer_cb_info *info, void *arg)
{
	struct guarded *c = arg;

	if (info->n_added > 0)
		event_active(c->kick, EV_TIMEOUT, 0);
}

static void
guard_kick(evutil_socket_t fd, short what, void *arg)
{
	struct guarded *c = arg;

	bufferevent_flush(c->bev, EV_WRITE, BEV_NORMAL);
}

/* The filter is freed with its connection: uncount it. */
static void
guard_conn_free(void *ctx)
{
	struct guarded *c = ctx;
	struct conn_guard *g = c->g;

	LIST_REMOVE(c, entry);
	evbuffer_remove_cb(bufferevent_get_output(c->bev), guard_output_added, c);
	if (c->writable != NULL)
		event_free(c->writable);
	event_free(c->kick);
	reqgate_free(&c->gate);
	free(c);
	if (g->open-- == g->max && g->full != NULL)
		g->full(g->arg, 0);
}

struct bufferevent *
conn_guard_bufferevent(struct event_base *base, void *arg)
{
	struct conn_guard *g = arg;
	struct guarded *c = xcalloc(1, sizeof *c);
	struct bufferevent *under;

	c->g = g;
	reqgate_init(&c->gate, g->gate, base, guard_expired, c);
	if ((c->kick = event_new(base, -1, 0, guard_kick, c)) == NULL ||
	    (under = bufferevent_socket_new(base, -1, BEV_OPT_CLOSE_ON_FREE)) == NULL)
		fatal("%s: out of memory", __func__);
	c->bev = bufferevent_filter_new(under, guard_in, guard_out,
	    BEV_OPT_CLOSE_ON_FREE | BEV_OPT_DEFER_CALLBACKS, guard_conn_free, c);
	if (c->bev == NULL)
		fatal("%s: bufferevent_filter_new failed", __func__);
	evbuffer_add_cb(bufferevent_get_output(c->bev), guard_output_added, c);
	LIST_INSERT_HEAD(&g->conns, c, entry);
	if (++g->open == g->max && g->full != NULL)
		g->full(g->arg, 1);
	return c->bev;
}

void
conn_guard_message_done(struct conn_guard *g, struct bufferevent *bev)
{
	struct guarded *c;

	LIST_FOREACH(c, &g->conns, entry)
		if (c->bev == bev) {
			reqgate_message_done(&c->gate, bufferevent_get_input(bev));
			return;
		}
}

long
conn_guard_open(const struct conn_guard *g)
{
	return g->open;
}

void
conn_guard_free(struct conn_guard *g)
{
	free(g);
}
