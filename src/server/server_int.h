/*
 * server_int.h — the server's own structs: an event loop and the server.
 * Only the server core (server.c, http.c) sees inside them; handlers reach
 * what they need through the request's accessors in http.h.
 */
#ifndef FM_SERVER_INT_H
#define FM_SERVER_INT_H

#include "reqgate.h"
#include "server.h"

/* One event loop: everything on it is touched by its thread only. */
struct loop {
	struct server			*srv;
	int				 index;
	pthread_t			 thread;
	struct event_base		*base;
	struct evhttp			*http;
	struct evhttp_bound_socket	*bound;		/* NULL once draining */
	struct evhttp			*plain;		/* plain_listen's, or NULL */
	struct evhttp_bound_socket	*plain_bound;
	struct conn_guard		*plain_guard;	/* its cap and deadline */
	struct store			*st;		/* reads only */
	struct tokenizer		*tk;
	struct search_cache		*cache;		/* kiosk search replies */
	struct serve_scratch		*scratch;	/* the serving layer's accumulator */
	struct tls_server		*tls;
	long				 connections;	/* open on this loop */
	long				 max_connections; /* this loop's share of the cap */
};

struct server {
	const struct settings	*cfg;
	const char		*data_dir;
	char			*cert, *key;		/* resolved paths */
	char			*web_root;		/* canonical */
	int			 https_port;		/* bound */
	int			 plain_port;		/* bound, if plain_listen */
	struct event_base	*main_base;		/* signals, drain timer, redirects */
	struct evhttp		*redirect;
	struct evhttp_bound_socket *redirect_bound;	/* NULL once draining */
	struct conn_guard	*redirect_guard;	/* its cap and deadline */
	struct reqgate_conf	 api_gate;		/* HTTPS's and plain_listen's requests */
	struct reqgate_conf	 redirect_gate;		/* the redirect port's */
	struct loop		*loops;
	int			 nloops;
	struct serving		*serving;		/* kiosk search, kept current */
	struct jobs		*jobs;			/* the writer */
	struct workq		*quick;			/* sign-ins and small writes */
	struct backup_sched	*backups;		/* scheduled backups; NULL = off */
	struct ratelimit	*logins;
	struct ratelimit	*kiosk_requests;
	pthread_mutex_t		 log_lock;
	FILE			*access_log;		/* NULL = off */
	struct metrics		 m;
	atomic_int		 draining;
	atomic_long		 deferred;		/* requests waiting on a worker */
	time_t			 started;
};

#endif
