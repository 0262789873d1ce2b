/*
 * tls.c — TLS 1.2 (mbedTLS 2.28) inside a bufferevent that evhttp uses as
 * its connection (evhttp_set_bevcb).
 *
 * The bufferevent is a filter over a socket bufferevent made with fd -1.
 * Ciphertext is read through the socket bufferevent's input; it is written
 * with send() straight to the socket, never through the lower bufferevent,
 * so that when the filter reports its output written the bytes are in the
 * kernel (evhttp frees the connection at that moment on Connection: close).
 * On EAGAIN the write waits on an EV_WRITE event of its own. Two things the
 * filter of libevent 2.1 does not do are done here: output added while the
 * filter is enabled later is flushed from a "kick" event, and a failed
 * handshake is reported to evhttp as BEV_EVENT_ERROR. Sessions are cached
 * per tls_server for abbreviated handshakes; sockets get TCP_NODELAY.
 *
 * The handshake's arithmetic (milliseconds a step) is not done where the
 * ciphertext arrives but in a "step" event at the base's lowest priority:
 * with a loop set up for it (server.c), a flood of new connections waits its
 * turn behind the requests of established ones, while reading, closing and
 * everything else about any connection stay at the default priority. A loop
 * whose established connections always have a request waiting never reaches
 * the lowest priority, so every TLS_TURN_MS the step that has waited longest
 * runs at the default priority (a "turn"): a new connection gets in however
 * busy the loop, and a flood takes at most one step in TLS_TURN_MS from the
 * requests. Until the handshake is over, at most TLS_HANDSHAKE_INPUT bytes
 * are read ahead.
 *
 * Plaintext passes through a request gate (reqgate.c) on its way to evhttp:
 * each request's deadline, from its first byte and extended by the bytes it
 * brings, until tls_bufferevent_message_done() (evhttp's timeout is one of
 * inactivity, which a client sending a byte every few seconds never trips),
 * and its body's limit, checked on its head before the body is read.
 *
 * A connection kept alive after its reply, with no byte of a next request,
 * is idle.  Each keeps mbedTLS's record buffers (16 KiB each way, fixed at
 * build time in Debian's package; the handshake's state is freed when it
 * ends), so at most max_idle are kept per loop: one more falling idle closes
 * the longest idle of the address holding the most idle connections (a
 * client opening many pushes out its own first, not the kiosks' few), with
 * close_notify, as does a new connection at the
 * listener's cap.  Browsers open a new connection when a kept one is gone.
 */
#include <sys/types.h>
#include <sys/queue.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <netinet/tcp.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>

#include <mbedtls/ctr_drbg.h>
#include <mbedtls/entropy.h>
#include <mbedtls/error.h>
#include <mbedtls/net_sockets.h>
#include <mbedtls/pk.h>
#include <mbedtls/ssl.h>
#include <mbedtls/ssl_cache.h>
#include <mbedtls/x509_crt.h>

#include "reqgate.h"
#include "tls.h"
#include "util.h"

/* Plaintext handed to mbedtls_ssl_write at a time: one record. */
#define TLS_CHUNK	16384
/* Ciphertext read ahead while a handshake step waits its turn. */
#define TLS_HANDSHAKE_INPUT	65536
/* However busy the loop, the handshake step waiting longest runs this often (ms). */
#define TLS_TURN_MS	20
static const struct timeval tls_turn_every = { 0, TLS_TURN_MS * 1000 };
/* Sessions kept for abbreviated handshakes, and for how long (seconds). */
#define TLS_CACHE_ENTRIES	1024
#define TLS_CACHE_SECONDS	3600

/* ECDHE only, AEAD only; mbedTLS picks in this order. */
static const int tls_suites[] = {
	MBEDTLS_TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
	MBEDTLS_TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
	MBEDTLS_TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,
	MBEDTLS_TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
	MBEDTLS_TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,
	MBEDTLS_TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256,
	0
};

/*
 * Key exchange groups, fastest first: mbedTLS picks by this list, and its
 * default starts at secp521r1, whose handshakes cost 10× X25519's.
 */
static const mbedtls_ecp_group_id tls_curves[] = {
	MBEDTLS_ECP_DP_CURVE25519,
	MBEDTLS_ECP_DP_SECP256R1,
	MBEDTLS_ECP_DP_SECP384R1,
	MBEDTLS_ECP_DP_NONE
};

struct tls_conn;

struct tls_server {
	mbedtls_entropy_context	 entropy;
	mbedtls_ctr_drbg_context drbg;		/* used by this loop's thread only */
	mbedtls_ssl_config	 conf;
	mbedtls_x509_crt	 chain;
	mbedtls_pk_context	 key;
	mbedtls_ssl_cache_context cache;	/* sessions, for resumption */
	LIST_HEAD(, tls_conn)	 conns;		/* live connections, for _info */
	TAILQ_HEAD(, tls_conn)	 idle;		/* idle connections, longest idle first */
	TAILQ_HEAD(, tls_conn)	 waiting;	/* handshake steps waiting, oldest first */
	struct event		*turn;		/* runs the oldest of them (TLS_TURN_MS);
						   NULL until needed and once dying */
	long			 nidle;
	long			 max_idle;	/* idle connections kept at most; 0 = any */
	void			(*on_close)(void *);	/* a connection was freed */
	void			*on_close_arg;
	const struct reqgate_conf *gate;	/* each connection's requests' */
	int			 dying;		/* tls_server_free called; freed
						   when the last connection goes */
};

/* One connection: what the filter's context holds. */
struct tls_conn {
	struct tls_server	*ts;
	struct event_base	*base;
	struct bufferevent	*bev;		/* the filter evhttp sees */
	struct bufferevent	*under;		/* socket bufferevent: fd, input */
	mbedtls_ssl_context	 ssl;
	struct event		*kick;		/* flushes output from the loop */
	struct event		*step;		/* a handshake step (lowest priority) */
	struct event		*writable;	/* EV_WRITE after EAGAIN */
	struct reqgate		 gate;		/* the request's deadline and body limit */
	struct evbuffer		*plain;		/* decrypted, on its way through the gate */
	int			 writable_fd;
	int			 nodelay_fd;	/* fd TCP_NODELAY was set on */
	size_t			 pending;	/* plaintext length mbedTLS holds
						   encrypted but not fully sent */
	int			 failed;	/* handshake or record error */
	int			 reported;	/* BEV_EVENT_ERROR triggered */
	int			 peer_closed;	/* close_notify received */
	int			 sent_close;	/* close_notify sent */
	int			 freeing;	/* in tls_conn_free */
	int			 idle;		/* on ts->idle */
	int			 waiting;	/* on ts->waiting */
	unsigned char		 addr[16];	/* the peer's address (IPv4 mapped), once idle */
	int			 addr_noted;	/* addr holds it (a socket's peer does not change) */
	size_t			 rank;		/* scratch: its place in ts->idle */
	LIST_ENTRY(tls_conn)	 entry;
	TAILQ_ENTRY(tls_conn)	 idle_entry;
	TAILQ_ENTRY(tls_conn)	 wait_entry;
};

static void	tls_writable_cb(evutil_socket_t, short, void *);
static void	tls_server_destroy(struct tls_server *);

/* An mbedTLS error code as text; caller frees. */
static char *
tls_strerror(int rc)
{
	char	text[160];

	mbedtls_strerror(rc, text, sizeof text);
	return (xasprintf("%s (-0x%04x)", text, (unsigned)-rc));
}

/* Whether the handshake on c has finished. */
static int
tls_handshake_over(struct tls_conn *c)
{
	return (c->ssl.state == MBEDTLS_SSL_HANDSHAKE_OVER);
}

/* c's handshake step no longer waits (it runs, the handshake is over, or c failed or is going). */
static void
tls_step_leave(struct tls_conn *c)
{
	if (!c->waiting)
		return;
	TAILQ_REMOVE(&c->ts->waiting, c, wait_entry);
	c->waiting = 0;
}

/* Marks c broken and tells evhttp, once, from the loop (deferred). */
static void
tls_fail(struct tls_conn *c)
{
	c->failed = 1;
	tls_step_leave(c);
	if (c->reported || c->freeing)
		return;
	c->reported = 1;
	bufferevent_trigger_event(c->bev, BEV_EVENT_ERROR | BEV_EVENT_READING,
	    BEV_TRIG_DEFER_CALLBACKS);
}

/* The priority of c's writable event: the lowest while handshaking, then the default. */
static int
tls_conn_priority(struct tls_conn *c)
{
	int	n = event_base_get_npriorities(c->base);

	return (tls_handshake_over(c) ? n / 2 : n - 1);
}

/*
 * The handshake went on: once it is over, the connection reads freely, and
 * what came with the client's last flight, or waited to be sent, goes on.
 */
static void
tls_handshake_progressed(struct tls_conn *c, int in_filter)
{
	if (!tls_handshake_over(c))
		return;
	tls_step_leave(c);
	bufferevent_setwatermark(c->under, EV_READ, 0, 0);
	if (c->writable != NULL)
		event_priority_set(c->writable, tls_conn_priority(c));
	/*
	 * Records after the Finished (a request) are still in the socket's
	 * input; in the filter they are read next, else the filter is run.
	 */
	if (!in_filter && evbuffer_get_length(bufferevent_get_input(c->under)) > 0)
		bufferevent_trigger(c->under, EV_READ, BEV_TRIG_IGNORE_WATERMARKS);
	if (evbuffer_get_length(bufferevent_get_output(c->bev)) > 0)
		event_active(c->kick, EV_WRITE, 0);
}

/* One call of the handshake on the ciphertext read so far; -1 if it failed. */
static int
tls_handshake_step(struct tls_conn *c, int in_filter)
{
	int	 n;

	if (c->failed || c->freeing || tls_handshake_over(c))
		return (0);
	n = mbedtls_ssl_handshake(&c->ssl);
	if (n != 0 && n != MBEDTLS_ERR_SSL_WANT_READ &&
	    n != MBEDTLS_ERR_SSL_WANT_WRITE) {
		tls_fail(c);
		return (-1);
	}
	tls_handshake_progressed(c, in_filter);
	return (0);
}

/* A handshake step, at the lowest priority, on the ciphertext read so far. */
static void
tls_step_cb(evutil_socket_t fd, short what, void *arg)
{
	tls_step_leave(arg);
	tls_handshake_step(arg, 0);
}

/* The turn: the step that has waited longest runs now, however busy the loop. */
static void
tls_turn_cb(evutil_socket_t fd, short what, void *arg)
{
	struct tls_server	*ts = arg;
	struct tls_conn		*c = TAILQ_FIRST(&ts->waiting);

	if (c != NULL) {
		tls_step_leave(c);
		event_del(c->step);	/* out of the lowest priority's queue */
		tls_handshake_step(c, 0);
	}
	if (!TAILQ_EMPTY(&ts->waiting))
		evtimer_add(ts->turn, &tls_turn_every);
}

/*
 * Puts c in line for a turn: its handshake waits for a step (the client's
 * next flight came) or for the socket to take the server's (EAGAIN), both
 * at the lowest priority.
 */
static void
tls_turn_queue(struct tls_conn *c)
{
	struct tls_server	*ts = c->ts;

	if (c->waiting || ts->dying || c->failed || c->freeing)
		return;
	if (ts->turn == NULL && (ts->turn = evtimer_new(c->base, tls_turn_cb, ts)) == NULL)
		fatal("%s: evtimer_new failed", __func__);
	TAILQ_INSERT_TAIL(&ts->waiting, c, wait_entry);
	c->waiting = 1;
	if (!evtimer_pending(ts->turn, NULL))
		evtimer_add(ts->turn, &tls_turn_every);
}

/* Queues c's next handshake step: when the loop is free, or at its turn. */
static void
tls_step_wait(struct tls_conn *c)
{
	event_active(c->step, EV_TIMEOUT, 0);
	tls_turn_queue(c);
}

/*
 * Whether the handshake's next step is cheap: the client's ChangeCipherSpec
 * and Finished, which need no public-key arithmetic.  A resumed session's
 * client sends them with its first request, and maybe its FIN, in one go:
 * run at the lowest priority, the step would come after the close, and
 * evhttp would drop the connection with the request unread.
 */
static int
tls_handshake_cheap(struct tls_conn *c)
{
	return (c->ssl.state >= MBEDTLS_SSL_CLIENT_CHANGE_CIPHER_SPEC);
}

/* The request's deadline passed: given up as if evhttp's own timeout fired. */
static void
tls_expired(void *arg)
{
	struct tls_conn	*c = arg;

	c->failed = 1;		/* read nothing more from it */
	tls_step_leave(c);
	if (c->reported || c->freeing)
		return;
	c->reported = 1;
	bufferevent_trigger_event(c->bev, BEV_EVENT_TIMEOUT | BEV_EVENT_READING,
	    BEV_TRIG_DEFER_CALLBACKS);
}

/* c is no longer idle (a request began, or it is closing). */
static void
tls_idle_leave(struct tls_conn *c)
{
	if (!c->idle)
		return;
	TAILQ_REMOVE(&c->ts->idle, c, idle_entry);
	c->ts->nidle--;
	c->idle = 0;
}

/* Sends close_notify on c now, if its handshake is over and no record is half sent. */
static void
tls_say_close(struct tls_conn *c)
{
	if (!tls_handshake_over(c) || c->failed || c->peer_closed || c->sent_close ||
	    c->pending != 0)
		return;
	c->sent_close = 1;
	c->freeing = 1;		/* no EV_WRITE for it: best effort */
	mbedtls_ssl_close_notify(&c->ssl);
	c->freeing = 0;
}

/*
 * Notes c's peer address the first time it falls idle (zeros if unknown),
 * IPv4 as IPv4-mapped IPv6; its socket is evhttp's by then.
 */
static void
tls_note_addr(struct tls_conn *c)
{
	struct sockaddr_storage	 ss;
	socklen_t		 len = sizeof ss;

	if (c->addr_noted)
		return;
	c->addr_noted = 1;
	memset(c->addr, 0, sizeof c->addr);
	if (getpeername(bufferevent_getfd(c->under), (struct sockaddr *)&ss, &len) != 0)
		return;
	if (ss.ss_family == AF_INET6)
		memcpy(c->addr, &((struct sockaddr_in6 *)&ss)->sin6_addr, 16);
	else if (ss.ss_family == AF_INET) {
		c->addr[10] = c->addr[11] = 0xff;
		memcpy(c->addr + 12, &((struct sockaddr_in *)&ss)->sin_addr, 4);
	}
}

/* By address, then longest idle first. */
static int
tls_addr_cmp(const void *a, const void *b)
{
	const struct tls_conn	*x = *(struct tls_conn *const *)a;
	const struct tls_conn	*y = *(struct tls_conn *const *)b;
	int			 c = memcmp(x->addr, y->addr, sizeof x->addr);

	return (c != 0 ? c : (x->rank > y->rank) - (x->rank < y->rank));
}

/*
 * The idle connection to close: the longest idle of the address that
 * holds the most idle connections (of equals, the one idle longest), so
 * that a client opening many cannot push out the kiosks' few.
 */
static struct tls_conn *
tls_idle_victim(struct tls_server *ts)
{
	struct tls_conn	**v, *c, *best = NULL;
	size_t		 n = 0, most = 0;

	if (ts->nidle <= 1)
		return (TAILQ_FIRST(&ts->idle));
	v = xcalloc((size_t)ts->nidle, sizeof *v);
	TAILQ_FOREACH(c, &ts->idle, idle_entry) {
		c->rank = n;
		v[n++] = c;
	}
	qsort(v, n, sizeof *v, tls_addr_cmp);
	for (size_t i = 0, j; i < n; i = j) {
		for (j = i + 1; j < n && memcmp(v[j]->addr, v[i]->addr, sizeof v[i]->addr) == 0; j++)
			;
		if (j - i > most || (j - i == most && v[i]->rank < best->rank)) {
			most = j - i;
			best = v[i];
		}
	}
	free(v);
	return (best);
}

/* Closes an idle connection of ts (tls_idle_victim's): 1, or 0 if none is idle. */
static int
tls_close_idle_one(struct tls_server *ts)
{
	struct tls_conn	*c = tls_idle_victim(ts);

	if (c == NULL)
		return (0);
	tls_idle_leave(c);
	tls_say_close(c);
	tls_expired(c);		/* evhttp frees it as after its own timeout */
	return (1);
}

/* mbedTLS's send: ciphertext straight to the socket; EAGAIN waits for EV_WRITE. */
static int
tls_bio_send(void *arg, const unsigned char *buf, size_t len)
{
	struct tls_conn	*c = arg;
	int		 fd = bufferevent_getfd(c->under);
	ssize_t		 n;

	if (fd < 0)
		return (MBEDTLS_ERR_SSL_WANT_WRITE);
	if (c->nodelay_fd != fd) {
		/*
		 * mbedTLS sends each handshake message, and the last record
		 * of a reply, on its own; Nagle would hold them for the
		 * peer's delayed ACK (40 ms a connection).
		 */
		int	one = 1;

		setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
		c->nodelay_fd = fd;
	}
	do
		n = send(fd, buf, len, MSG_NOSIGNAL);
	while (n == -1 && errno == EINTR);
	if (n >= 0)
		return ((int)n);
	if (errno != EAGAIN && errno != EWOULDBLOCK)
		return (MBEDTLS_ERR_NET_SEND_FAILED);
	if (c->freeing)
		return (MBEDTLS_ERR_SSL_WANT_WRITE);
	if (c->writable != NULL && c->writable_fd != fd) {
		event_free(c->writable);
		c->writable = NULL;
	}
	if (c->writable == NULL) {
		c->writable = event_new(c->base, fd, EV_WRITE, tls_writable_cb,
		    c);
		if (c->writable == NULL)
			return (MBEDTLS_ERR_NET_SEND_FAILED);
		c->writable_fd = fd;
		event_priority_set(c->writable, tls_conn_priority(c));
	}
	event_add(c->writable, NULL);
	if (!tls_handshake_over(c))
		tls_turn_queue(c);	/* the writable event waits at the lowest priority */
	return (MBEDTLS_ERR_SSL_WANT_WRITE);
}

/* mbedTLS's receive: ciphertext from the socket bufferevent's input. */
static int
tls_bio_recv(void *arg, unsigned char *buf, size_t len)
{
	struct tls_conn	*c = arg;
	int		 n;

	n = evbuffer_remove(bufferevent_get_input(c->under), buf, len);
	if (n <= 0)
		return (MBEDTLS_ERR_SSL_WANT_READ);
	return (n);
}

/*
 * The filter's input side: decrypts every whole record in src and passes
 * it through the gate into dst, running the handshake on the way. dst_limit
 * is ignored on purpose: data left inside mbedTLS would never be read, as no
 * new ciphertext may come.
 */
static enum bufferevent_filter_result
tls_filter_in(struct evbuffer *src, struct evbuffer *dst, ev_ssize_t dst_limit,
    enum bufferevent_flush_mode mode, void *arg)
{
	struct tls_conn		*c = arg;
	struct evbuffer_iovec	 v;
	size_t			 got = 0;
	int			 n;

	if (c->failed || c->peer_closed) {
		evbuffer_drain(src, evbuffer_get_length(src));
		return (c->failed ? BEV_ERROR : BEV_NEED_MORE);
	}
	if (!tls_handshake_over(c) && tls_handshake_cheap(c) &&
	    evbuffer_get_length(src) > 0 && tls_handshake_step(c, 1) != 0)
		return (BEV_ERROR);
	if (!tls_handshake_over(c)) {
		/* The costly steps wait for the lowest priority or their turn. */
		if (evbuffer_get_length(src) > 0)
			tls_step_wait(c);
		return (BEV_NEED_MORE);
	}
	for (;;) {
		if (evbuffer_reserve_space(c->plain, TLS_CHUNK, &v, 1) < 1) {
			tls_fail(c);
			return (BEV_ERROR);
		}
		n = mbedtls_ssl_read(&c->ssl, v.iov_base,
		    v.iov_len < TLS_CHUNK ? v.iov_len : TLS_CHUNK);
		if (n > 0) {
			v.iov_len = (size_t)n;
			evbuffer_commit_space(c->plain, &v, 1);
			got += (size_t)n;
			continue;
		}
		if (n == MBEDTLS_ERR_SSL_WANT_READ ||
		    n == MBEDTLS_ERR_SSL_WANT_WRITE)
			break;
		if (n == MBEDTLS_ERR_SSL_PEER_CLOSE_NOTIFY || n == 0) {
			/* Answer in kind; the TCP close that follows ends it. */
			c->peer_closed = 1;
			mbedtls_ssl_close_notify(&c->ssl);
			evbuffer_drain(src, evbuffer_get_length(src));
			break;
		}
		tls_fail(c);
		evbuffer_drain(src, evbuffer_get_length(src));
		return (BEV_ERROR);
	}
	if (got > 0) {
		tls_idle_leave(c);
		reqgate_pass(&c->gate, c->plain, dst);
	}
	return (got > 0 ? BEV_OK : BEV_NEED_MORE);
}

/*
 * The filter's output side: encrypts and sends src record by record. Bytes
 * leave src only once their record is wholly in the kernel; after
 * WANT_WRITE mbedTLS must be called again with the same length.
 */
static enum bufferevent_filter_result
tls_filter_out(struct evbuffer *src, struct evbuffer *dst, ev_ssize_t dst_limit,
    enum bufferevent_flush_mode mode, void *arg)
{
	struct tls_conn	*c = arg;
	size_t		 left, len;
	int		 wrote = 0, n;

	if (c->failed)
		return (BEV_ERROR);
	if (c->peer_closed) {
		/* Nobody reads any more; let evhttp finish. */
		evbuffer_drain(src, evbuffer_get_length(src));
		return (BEV_OK);
	}
	while ((left = evbuffer_get_length(src)) > 0) {
		len = c->pending != 0 ? c->pending :
		    (left < TLS_CHUNK ? left : TLS_CHUNK);
		if (len > left)
			len = left;	/* evhttp drained output under us */
		n = mbedtls_ssl_write(&c->ssl, evbuffer_pullup(src, len), len);
		if (n > 0) {
			evbuffer_drain(src, (size_t)n);
			c->pending = 0;
			wrote = 1;
			continue;
		}
		if (n == MBEDTLS_ERR_SSL_WANT_WRITE) {
			c->pending = len;
			break;
		}
		if (n == MBEDTLS_ERR_SSL_WANT_READ)
			break;	/* handshake not over; tls_filter_in kicks */
		tls_fail(c);
		return (BEV_ERROR);
	}
	return (wrote ? BEV_OK : BEV_NEED_MORE);
}

/* Runs the filter's output from the loop. c may be freed on return. */
static void
tls_kick_cb(evutil_socket_t fd, short what, void *arg)
{
	struct tls_conn	*c = arg;

	if (c->failed)
		return;
	if (evbuffer_get_length(bufferevent_get_output(c->bev)) > 0)
		bufferevent_flush(c->bev, EV_WRITE, BEV_NORMAL);
}

/* The socket can take more: go on with the handshake or the output. */
static void
tls_writable_cb(evutil_socket_t fd, short what, void *arg)
{
	struct tls_conn	*c = arg;

	if (c->failed)
		return;
	if (!tls_handshake_over(c)) {
		tls_step_cb(fd, what, c);
		return;
	}
	tls_kick_cb(fd, what, c);
}

/* Output was added to the filter: flush it once the caller is done. */
static void
tls_output_added(struct evbuffer *buf, const struct evbuffer_cb_info *info,
    void *arg)
{
	struct tls_conn	*c = arg;

	if (info->n_added > 0 && !c->freeing)
		event_active(c->kick, EV_WRITE, 0);
}

/* The filter's free_context: runs before the socket bufferevent is freed. */
static void
tls_conn_free(void *arg)
{
	struct tls_conn		*c = arg;
	struct tls_server	*ts;

	c->freeing = 1;
	tls_idle_leave(c);
	tls_step_leave(c);
	LIST_REMOVE(c, entry);
	evbuffer_remove_cb(bufferevent_get_output(c->bev), tls_output_added, c);
	if (tls_handshake_over(c) && !c->failed && !c->peer_closed &&
	    !c->sent_close && c->pending == 0)
		mbedtls_ssl_close_notify(&c->ssl);	/* best effort */
	event_free(c->kick);
	event_free(c->step);
	if (c->writable != NULL)
		event_free(c->writable);
	reqgate_free(&c->gate);
	evbuffer_free(c->plain);
	mbedtls_ssl_free(&c->ssl);
	ts = c->ts;
	free(c);
	if (ts->dying) {
		if (LIST_EMPTY(&ts->conns))
			tls_server_destroy(ts);
	} else if (ts->on_close != NULL)
		ts->on_close(ts->on_close_arg);
}

/* Sets what runs when one of ts's connections is freed. */
void
tls_server_on_close(struct tls_server *ts, void (*fn)(void *), void *arg)
{
	ts->on_close = fn;
	ts->on_close_arg = arg;
}

struct bufferevent *
tls_bufferevent_new(struct tls_server *ts, struct event_base *base)
{
	static const struct reqgate_conf open_gate = { 0, 1, 0, NULL, NULL };
	struct tls_conn	*c = xcalloc(1, sizeof *c);

	c->ts = ts;
	c->base = base;
	c->writable_fd = -1;
	c->nodelay_fd = -1;
	mbedtls_ssl_init(&c->ssl);
	/* These fail only without memory. */
	if (mbedtls_ssl_setup(&c->ssl, &ts->conf) != 0)
		fatal("%s: mbedtls_ssl_setup failed", __func__);
	mbedtls_ssl_set_bio(&c->ssl, c, tls_bio_send, tls_bio_recv, NULL);
	reqgate_init(&c->gate, ts->gate != NULL ? ts->gate : &open_gate, base, tls_expired, c);
	if ((c->plain = evbuffer_new()) == NULL ||
	    (c->kick = event_new(base, -1, 0, tls_kick_cb, c)) == NULL ||
	    (c->step = event_new(base, -1, 0, tls_step_cb, c)) == NULL ||
	    event_priority_set(c->step, event_base_get_npriorities(base) - 1) != 0)
		fatal("%s: event_new failed", __func__);
	c->under = bufferevent_socket_new(base, -1, BEV_OPT_CLOSE_ON_FREE);
	if (c->under == NULL)
		fatal("%s: bufferevent_socket_new failed", __func__);
	bufferevent_setwatermark(c->under, EV_READ, 0, TLS_HANDSHAKE_INPUT);
	c->bev = bufferevent_filter_new(c->under, tls_filter_in, tls_filter_out,
	    BEV_OPT_CLOSE_ON_FREE | BEV_OPT_DEFER_CALLBACKS, tls_conn_free, c);
	if (c->bev == NULL)
		fatal("%s: bufferevent_filter_new failed", __func__);
	/* From here on the filter owns c and frees it with tls_conn_free. */
	evbuffer_add_cb(bufferevent_get_output(c->bev), tls_output_added, c);
	LIST_INSERT_HEAD(&ts->conns, c, entry);
	return (c->bev);
}

void
tls_server_set_gate(struct tls_server *ts, const struct reqgate_conf *gate)
{
	ts->gate = gate;
}

/* The connection of ts behind bev, or NULL. */
static struct tls_conn *
tls_conn_find(struct tls_server *ts, struct bufferevent *bev)
{
	struct tls_conn	*c;

	LIST_FOREACH(c, &ts->conns, entry) {
		if (c->bev == bev)
			return (c);
	}
	return (NULL);
}

int
tls_bufferevent_info(struct tls_server *ts, struct bufferevent *bev,
    const char **version, const char **cipher)
{
	struct tls_conn	*c = tls_conn_find(ts, bev);

	if (c == NULL || !tls_handshake_over(c))
		return (-1);
	if (version != NULL)
		*version = mbedtls_ssl_get_version(&c->ssl);
	if (cipher != NULL)
		*cipher = mbedtls_ssl_get_ciphersuite(&c->ssl);
	return (0);
}

void
tls_bufferevent_message_done(struct tls_server *ts, struct bufferevent *bev)
{
	struct tls_conn	*c = tls_conn_find(ts, bev);

	if (c != NULL)
		reqgate_message_done(&c->gate, bufferevent_get_input(c->bev));
}

void
tls_bufferevent_close_notify(struct tls_server *ts, struct bufferevent *bev)
{
	struct tls_conn	*c = tls_conn_find(ts, bev);

	if (c == NULL)
		return;
	tls_idle_leave(c);
	tls_say_close(c);
}

void
tls_server_set_max_idle(struct tls_server *ts, long max_idle)
{
	ts->max_idle = max_idle;
}

int
tls_bufferevent_idle(struct tls_server *ts, struct bufferevent *bev)
{
	struct tls_conn	*c = tls_conn_find(ts, bev);
	int		 closed = 0;

	/* Not with a next request begun (pipelined behind the one answered). */
	if (c == NULL || c->idle || c->failed || c->peer_closed || c->sent_close ||
	    c->gate.in_message || evbuffer_get_length(bufferevent_get_input(c->bev)) > 0)
		return (0);
	tls_note_addr(c);
	TAILQ_INSERT_TAIL(&ts->idle, c, idle_entry);
	ts->nidle++;
	c->idle = 1;
	while (ts->max_idle > 0 && ts->nidle > ts->max_idle)
		closed += tls_close_idle_one(ts);
	return (closed);
}

int
tls_server_close_idle(struct tls_server *ts)
{
	return (tls_close_idle_one(ts));
}

/* Loads cert and key into ts. 0, or -1 with *cause. */
static int
tls_server_load(struct tls_server *ts, const char *cert_path,
    const char *key_path, char **cause)
{
	char	*why;
	int	 rc;

	if ((rc = mbedtls_x509_crt_parse_file(&ts->chain, cert_path)) != 0) {
		why = tls_strerror(rc);
		*cause = xasprintf("无法读取证书 %s：%s / cannot read certificate"
		    " %s: %s", cert_path, why, cert_path, why);
		free(why);
		return (-1);
	}
	if ((rc = mbedtls_pk_parse_keyfile(&ts->key, key_path, NULL)) != 0) {
		why = tls_strerror(rc);
		*cause = xasprintf("无法读取私钥 %s：%s / cannot read private key"
		    " %s: %s", key_path, why, key_path, why);
		free(why);
		return (-1);
	}
	if (mbedtls_pk_check_pair(&ts->chain.pk, &ts->key) != 0) {
		*cause = xasprintf("私钥 %s 与证书 %s 不匹配 / private key %s does"
		    " not match certificate %s", key_path, cert_path, key_path,
		    cert_path);
		return (-1);
	}
	return (0);
}

struct tls_server *
tls_server_new(const char *cert_path, const char *key_path, char **cause)
{
	static const char	 pers[] = "fairmatch tls_server";
	struct tls_server	*ts = xcalloc(1, sizeof *ts);
	char			*why;
	int			 rc;

	LIST_INIT(&ts->conns);
	TAILQ_INIT(&ts->idle);
	TAILQ_INIT(&ts->waiting);
	mbedtls_entropy_init(&ts->entropy);
	mbedtls_ctr_drbg_init(&ts->drbg);
	mbedtls_ssl_config_init(&ts->conf);
	mbedtls_x509_crt_init(&ts->chain);
	mbedtls_pk_init(&ts->key);
	mbedtls_ssl_cache_init(&ts->cache);
	mbedtls_ssl_cache_set_max_entries(&ts->cache, TLS_CACHE_ENTRIES);
	mbedtls_ssl_cache_set_timeout(&ts->cache, TLS_CACHE_SECONDS);

	if (tls_server_load(ts, cert_path, key_path, cause) != 0)
		goto fail;
	if ((rc = mbedtls_ctr_drbg_seed(&ts->drbg, mbedtls_entropy_func,
	    &ts->entropy, (const unsigned char *)pers, sizeof pers - 1)) != 0 ||
	    (rc = mbedtls_ssl_config_defaults(&ts->conf, MBEDTLS_SSL_IS_SERVER,
	    MBEDTLS_SSL_TRANSPORT_STREAM, MBEDTLS_SSL_PRESET_DEFAULT)) != 0 ||
	    (rc = mbedtls_ssl_conf_own_cert(&ts->conf, &ts->chain,
	    &ts->key)) != 0) {
		why = tls_strerror(rc);
		*cause = xasprintf("TLS 初始化失败：%s / TLS setup failed: %s", why,
		    why);
		free(why);
		goto fail;
	}
	mbedtls_ssl_conf_rng(&ts->conf, mbedtls_ctr_drbg_random, &ts->drbg);
	mbedtls_ssl_conf_min_version(&ts->conf, MBEDTLS_SSL_MAJOR_VERSION_3,
	    MBEDTLS_SSL_MINOR_VERSION_3);
	mbedtls_ssl_conf_max_version(&ts->conf, MBEDTLS_SSL_MAJOR_VERSION_3,
	    MBEDTLS_SSL_MINOR_VERSION_3);
	mbedtls_ssl_conf_ciphersuites(&ts->conf, tls_suites);
	mbedtls_ssl_conf_curves(&ts->conf, tls_curves);
	mbedtls_ssl_conf_renegotiation(&ts->conf,
	    MBEDTLS_SSL_RENEGOTIATION_DISABLED);
	mbedtls_ssl_conf_session_cache(&ts->conf, &ts->cache,
	    mbedtls_ssl_cache_get, mbedtls_ssl_cache_set);
	return (ts);

fail:
	tls_server_free(ts);
	return (NULL);
}

/*
 * libevent 2.1 frees a bufferevent late, from the loop or event_base_free(),
 * so connections evhttp_free() let go may still be alive: they need conf
 * until then. ts goes with the last of them.
 */
void
tls_server_free(struct tls_server *ts)
{
	if (ts == NULL)
		return;
	ts->dying = 1;
	ts->on_close = NULL;
	/* Now, while its base is alive: connections freed later may outlive the base. */
	if (ts->turn != NULL)
		event_free(ts->turn);
	ts->turn = NULL;
	if (LIST_EMPTY(&ts->conns))
		tls_server_destroy(ts);
}

/* Frees ts and what it holds; no connection may remain. */
static void
tls_server_destroy(struct tls_server *ts)
{
	mbedtls_ssl_cache_free(&ts->cache);
	mbedtls_pk_free(&ts->key);
	mbedtls_x509_crt_free(&ts->chain);
	mbedtls_ssl_config_free(&ts->conf);
	mbedtls_ctr_drbg_free(&ts->drbg);
	mbedtls_entropy_free(&ts->entropy);
	free(ts);
}
