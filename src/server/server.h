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

/* Counters for /metrics; atomics, updated from every loop. */
struct metrics {
	atomic_long	 requests[6];		/* by status class: [2] = 2xx … [5] = 5xx */
	atomic_long	 latency[8];		/* requests under 1, 5, 10, 50, 100, 500, 1000 ms, more */
	atomic_long	 bytes_out;
	atomic_long	 connections;		/* open now */
	atomic_long	 connections_total;
	atomic_long	 refused;		/* times a loop reached its connection cap */
	atomic_long	 idle_closed;		/* idle HTTPS connections closed to make room */
	atomic_long	 logins_failed;
	atomic_long	 rate_limited;
};

struct loop;
struct server;

/* Runs the server until SIGTERM or SIGINT; 0, or -1 with *cause if it could not start. */
int server_run(const struct settings *cfg, const char *data_dir, char **cause);

/* Runs fn(arg) on the loop's thread soon; callable from any thread. */
void loop_post(struct loop *lp, void (*fn)(void *), void *arg);

#endif
