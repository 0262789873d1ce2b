/*
 * tls.h — HTTPS for the evhttp server: TLS 1.2 with ECDHE and AEAD suites
 * only (mbedTLS 2.28), a self-signed certificate made on first start, and a
 * bufferevent that evhttp_set_bevcb() can hand to evhttp.
 */
#ifndef FM_TLS_H
#define FM_TLS_H

struct bufferevent;
struct event_base;
struct reqgate_conf;
struct tls_server;

/*
 * Makes CERT and KEY (PEM) if neither exists: a self-signed ECDSA P-256
 * certificate for localhost, 127.0.0.1, ::1, the host name, the addresses
 * of the box's interfaces and names (NULL-terminated host names or IP
 * literals, may be NULL), valid 825 days, the key written 0600. 0 if both exist or were made (*made set to 1
 * when made, made may be NULL); -1 with *cause (caller frees) if only one
 * exists or writing fails.
 */
int	tls_cert_ensure(const char *cert_path, const char *key_path,
	    const char *const *names, int *made, char **cause);

/*
 * The SHA-256 fingerprint of the certificate at cert_path (its first, in
 * a chain) as uppercase hex pairs joined by ':', as browsers and phones
 * show it; caller frees.  NULL with *cause if it cannot be read.
 */
char	*tls_cert_fingerprint(const char *cert_path, char **cause);

/*
 * The server side of TLS for one event loop (one thread): loads the
 * certificate chain and key (RSA or EC), with its own ssl_config, entropy,
 * ctr_drbg and session cache (so nothing is shared between loops). NULL with
 * *cause (caller frees) on failure. Caller frees with tls_server_free(),
 * after evhttp_free() and before event_base_free() of the loop's base (it
 * frees a timer there): libevent frees bufferevents late (in the loop or in
 * event_base_free()), so ts lives on until its last connection is gone.
 */
struct tls_server *tls_server_new(const char *cert_path, const char *key_path,
	    char **cause);
void	tls_server_free(struct tls_server *ts);
/*
 * Calls fn(arg) on the loop each time one of ts's connections is freed (to
 * count them); it runs inside libevent's freeing of the connection, and no
 * more once tls_server_free() was called.
 */
void	tls_server_on_close(struct tls_server *ts, void (*fn)(void *),
	    void *arg);

/*
 * Passes every request on ts's connections made from now on through a
 * gate with the settings gate (reqgate.h: a deadline, a body limit), which
 * must outlive ts.  Without one, requests pass as they come.
 */
void	tls_server_set_gate(struct tls_server *ts,
	    const struct reqgate_conf *gate);

/*
 * A bufferevent for evhttp_set_bevcb(): made with fd -1 as libevent 2.1
 * requires; evhttp calls bufferevent_setfd() later. Its handshake steps run
 * at base's lowest priority (the numerically highest), the rest at the
 * default (npriorities / 2); however busy the loop, the step of ts's that
 * has waited longest runs every 20 ms at the default. Handshake, reading,
 * writing and close_notify happen inside it; a failed handshake is reported
 * to evhttp as BEV_EVENT_ERROR. Freeing it (evhttp does) closes the socket.
 * Use it only on base, the loop ts belongs to. Never NULL: it fails only
 * without memory, and aborts then, because evhttp would fall back to a
 * plain-text connection on a NULL.
 */
struct bufferevent *tls_bufferevent_new(struct tls_server *ts,
	    struct event_base *base);

/*
 * Keeps at most max_idle of ts's connections idle (0 = no cap): kept alive
 * after a reply, with no byte of a next request yet.
 */
void	tls_server_set_max_idle(struct tls_server *ts, long max_idle);

/*
 * The reply on bev (a bufferevent from tls_bufferevent_new() on ts) was
 * sent whole and the connection stays open: it is idle until the first
 * byte of its next request.  Past the cap, idle connections are
 * closed (close_notify, then evhttp frees them); returns how many.
 */
int	tls_bufferevent_idle(struct tls_server *ts, struct bufferevent *bev);

/*
 * Closes one of ts's idle connections to make room (the longest idle of the
 * address holding the most idle ones): 1, or 0 if none is idle.
 */
int	tls_server_close_idle(struct tls_server *ts);

/*
 * For logs: the protocol ("TLSv1.2") and cipher suite negotiated on bev, a
 * bufferevent from tls_bufferevent_new() on ts. 0, or -1 if bev is not one
 * of ts's or its handshake has not finished. The strings are static.
 */
int	tls_bufferevent_info(struct tls_server *ts, struct bufferevent *bev,
	    const char **version, const char **cipher);

/*
 * The request arriving on bev (a bufferevent from tls_bufferevent_new() on
 * ts) is whole: reqgate_message_done(). Nothing if bev is not one of ts's.
 */
void	tls_bufferevent_message_done(struct tls_server *ts,
	    struct bufferevent *bev);

/*
 * Sends close_notify on bev now, if its handshake is over and no record is
 * half sent. evhttp shuts the socket down for writing before it frees the
 * bufferevent, so the close_notify tls_bufferevent_new's bufferevent tries
 * when freed never arrives; call this from an evhttp_connection_set_closecb()
 * callback, which evhttp runs before that shutdown.
 */
void	tls_bufferevent_close_notify(struct tls_server *ts,
	    struct bufferevent *bev);

#endif
