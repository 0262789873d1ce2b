/*
 * reqgate.h — what each request on a connection passes through before
 * evhttp reads it: a deadline from its first byte (plus a second per
 * bytes_per_second it brings), and, where a body limit is given, its head
 * held back until whole, so that a body over its route's limit is refused
 * before a byte of it is read.  Both plaintext filters use it: tls.c for
 * HTTPS and conn_guard.c for the plain listeners.
 *
 * evhttp in libevent 2.1 has one body limit per server and no hook between
 * a request's head and its body.  A refused request reaches evhttp as its
 * request line and Host with "Content-Length: 0", "Connection: close" and
 * REQGATE_REFUSED: "413 LIMIT LENGTH", "411", or "400" when where the body
 * ends is in doubt (two Content-Lengths, or one beside chunked); what the
 * client sends after its head is dropped.  The handler answers it (http.c).
 */
#ifndef FM_REQGATE_H
#define FM_REQGATE_H

#include <stddef.h>
#include <time.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>

#define REQGATE_REFUSED	"Fairmatch-Refused"	/* header on a refused request */
#define REQGATE_NEED_LENGTH (-2L)		/* limit: a chunked body is refused (411) */

/* A request head, as the body limit sees it. */
struct reqgate_head {
	const char	*method;	/* "POST" */
	const char	*path;		/* the target without its query, still %-encoded */
	long long	 length;	/* Content-Length (the largest if several); -1 none */
	int		 lengths;	/* Content-Length headers */
	int		 chunked;	/* Transfer-Encoding names chunked */
	int		 credentials;	/* an Authorization or Cookie header */
};

/* One listener's settings, shared by its connections; lives as long as they do. */
struct reqgate_conf {
	long	 seconds;		/* a request's deadline; 0 = none */
	long	 rate;			/* bytes that give it a second more */
	size_t	 max_head;		/* bytes of head held back at most; past that
					   it passes and evhttp's header limit applies */
	/* The largest body head may bring, or REQGATE_NEED_LENGTH; NULL: no limit here. */
	long	(*body_limit)(const struct reqgate_head *head, void *arg);
	void	*arg;
};

/* One connection's gate, inside its filter's context. */
struct reqgate {
	const struct reqgate_conf *conf;
	struct event		*deadline;	/* while a request arrives */
	struct evbuffer		*head;		/* held back until whole */
	void			(*expired)(void *); /* the deadline passed: give up */
	void			*owner;
	struct timespec		 start;		/* the request's first byte */
	size_t			 bytes;		/* its bytes so far */
	int			 in_message;	/* the deadline runs */
	int			 state;		/* enum in reqgate.c */
};

/*
 * Sets up g on base; expired(owner) is called once a request's deadline has
 * passed (the owner reports a timeout to evhttp and reads nothing more).
 */
void	reqgate_init(struct reqgate *g, const struct reqgate_conf *conf,
	    struct event_base *base, void (*expired)(void *), void *owner);
void	reqgate_free(struct reqgate *g);
/*
 * Plaintext arrived in src: all of it leaves src, into dst (evhttp's input)
 * or held back or dropped.  Returns the bytes added to dst.
 */
size_t	reqgate_pass(struct reqgate *g, struct evbuffer *src, struct evbuffer *dst);
/*
 * evhttp has the request whole (its handler was called): the deadline
 * stops.  What is already in input belongs to the next request, which goes
 * through the gate as if it arrived now.
 */
void	reqgate_message_done(struct reqgate *g, struct evbuffer *input);

#endif
