/*
 * conn_guard.h — the defences of the HTTPS listener for plain HTTP
 * listeners (the redirect port, plain_listen): a cap on open connections,
 * and each request through a gate (reqgate.h): its deadline and its body's
 * limit.  evhttp's own timeout is one of inactivity, which a client sending
 * a byte now and then never trips.
 */
#ifndef FM_CONN_GUARD_H
#define FM_CONN_GUARD_H

#include <event2/bufferevent.h>
#include <event2/event.h>

#include "reqgate.h"

struct conn_guard;

/*
 * A guard for one listener's connections, all on one event base: at most
 * max_connections open (full(arg, 1) is called when the cap is reached and
 * full(arg, 0) when one closes again, to stop and restart accepting); each
 * request through a gate with the settings gate (which outlives the guard).
 */
struct conn_guard *conn_guard_new(long max_connections, const struct reqgate_conf *gate,
    void (*full)(void *arg, int full), void *arg);
/* evhttp_set_bevcb's callback: a plain bufferevent for a new connection, counted. */
struct bufferevent *conn_guard_bufferevent(struct event_base *base, void *guard);
/* The request on bev arrived whole (evhttp called the handler): reqgate_message_done. */
void conn_guard_message_done(struct conn_guard *g, struct bufferevent *bev);
/* Open connections. */
long conn_guard_open(const struct conn_guard *g);
/* Frees g once its evhttp (and so every connection) is freed. */
void conn_guard_free(struct conn_guard *g);

#endif
