/*
 * server.h — `fairmatch serve`: event loops (one per core) each with its
 * own evhttp, listening socket (SO_REUSEPORT), TLS state and read-only
 * store handle; one writer thread for jobs and a small pool for quick
 * writes; a plain-HTTP port that only redirects; SIGTERM drains, SIGHUP
 * reopens the access log.
 */
#ifndef FM_SERVER_H
#define FM_SERVER_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>

#include <event2/event.h>
#include <event2/http.h>

#include "config.h"
#include "jobs.h"
#include "serving.h"
#include "store.h"
#include "tokenize.h"
#include "workq.h"

struct tls_server;
struct ratelimit;

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
	struct store			*st;		/* reads only */
	struct tokenizer		*tk;
	struct search_cache		*cache;		/* kiosk search replies */
	struct serve_scratch		*scratch;	/* the serving layer's accumulator */
	struct tls_server		*tls;
	long				 connections;	/* open on this loop */
	long				 max_connections; /* this loop's share of the cap */
};

/* Counters for /metrics; atomics, updated from every loop. */
struct metrics {
	atomic_long	 requests[6];		/* by status class: [2] = 2xx … [5] = 5xx */
	atomic_long	 latency[8];		/* requests under 1, 5, 10, 50, 100, 500, 1000 ms, more */
	atomic_long	 bytes_out;
	atomic_long	 connections;		/* open now */
	atomic_long	 connections_total;
	atomic_long	 refused;		/* times a loop reached its connection cap */
	atomic_long	 logins_failed;
	atomic_long	 rate_limited;
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
	struct loop		*loops;
	int			 nloops;
	struct serving		*serving;		/* kiosk search, kept current */
	struct jobs		*jobs;			/* the writer */
	struct workq		*quick;			/* sign-ins and small writes */
	struct ratelimit	*logins;
	pthread_mutex_t		 log_lock;
	FILE			*access_log;		/* NULL = off */
	struct metrics		 m;
	atomic_int		 draining;
	atomic_long		 deferred;		/* requests waiting on a worker */
	time_t			 started;
};

/* Runs the server until SIGTERM or SIGINT; 0, or -1 with *cause if it could not start. */
int server_run(const struct settings *cfg, const char *data_dir, char **cause);

/* Runs fn(arg) on the loop's thread soon; callable from any thread. */
void loop_post(struct loop *lp, void (*fn)(void *), void *arg);

#endif
