/*
 * reqgate.c — a request's deadline and its body's limit, checked on the
 * plaintext stream of a connection before evhttp reads it (reqgate.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "reqgate.h"
#include "util.h"

enum gate_state {
	GATE_HEAD,		/* holding the head back until it is whole */
	GATE_BODY,		/* passing the rest of the request through */
	GATE_DROP		/* refused: dropping all the client sends */
};

/* The deadline: moved on by the bytes that came meanwhile, or passed. */
static void
gate_deadline(evutil_socket_t fd, short what, void *arg)
{
	struct reqgate *g = arg;
	struct timespec now;
	double took, allowed, left;
	struct timeval tv;

	clock_gettime(CLOCK_MONOTONIC, &now);
	took = (double)(now.tv_sec - g->start.tv_sec) +
	    (double)(now.tv_nsec - g->start.tv_nsec) / 1e9;
	allowed = (double)g->conf->seconds + (double)g->bytes / (double)g->conf->rate;
	if (took < allowed) {
		left = allowed - took + 0.001;
		tv.tv_sec = (time_t)left;
		tv.tv_usec = (suseconds_t)((left - (double)tv.tv_sec) * 1e6);
		evtimer_add(g->deadline, &tv);
		return;
	}
	g->in_message = 0;
	g->expired(g->owner);
}

void
reqgate_init(struct reqgate *g, const struct reqgate_conf *conf, struct event_base *base,
    void (*expired)(void *), void *owner)
{
	memset(g, 0, sizeof *g);
	g->conf = conf;
	g->expired = expired;
	g->owner = owner;
	if ((g->deadline = evtimer_new(base, gate_deadline, g)) == NULL ||
	    (conf->body_limit != NULL && (g->head = evbuffer_new()) == NULL))
		fatal("%s: out of memory", __func__);
}

void
reqgate_free(struct reqgate *g)
{
	event_free(g->deadline);
	if (g->head != NULL)
		evbuffer_free(g->head);
}

/* n bytes of a request arrived: the first of one starts its deadline. */
static void
gate_arrived(struct reqgate *g, size_t n)
{
	if (!g->in_message) {
		g->in_message = 1;
		g->bytes = 0;
		g->state = g->head != NULL ? GATE_HEAD : GATE_BODY;
		if (g->conf->seconds > 0) {
			struct timeval tv = { g->conf->seconds, 0 };

			clock_gettime(CLOCK_MONOTONIC, &g->start);
			evtimer_add(g->deadline, &tv);
		}
	}
	g->bytes += n;
}

/*
 * The length of the head in buf, up to and with its blank line; 0 if not
 * whole yet.  As evhttp reads lines (an optional CR, then LF), a head ends
 * at "\n\n" or "\n\r\n", whichever comes first.
 */
static size_t
head_length(struct evbuffer *buf)
{
	struct evbuffer_ptr crlf = evbuffer_search(buf, "\n\r\n", 3, NULL);
	struct evbuffer_ptr lf = evbuffer_search(buf, "\n\n", 2, NULL);
	size_t end = 0;

	if (crlf.pos >= 0)
		end = (size_t)crlf.pos + 3;
	if (lf.pos >= 0 && (end == 0 || (size_t)lf.pos + 2 < end))
		end = (size_t)lf.pos + 2;
	return end;
}

/* Whether the header value v names the chunked coding, in any case. */
static int
names_chunked(const char *v)
{
	for (; *v != '\0'; v++)
		if (strncasecmp(v, "chunked", 7) == 0)
			return 1;
	return 0;
}

/* Reads text (a whole head, NUL-terminated, cut up in place) into h; -1 if no request line. */
static int
head_parse(char *text, struct reqgate_head *h)
{
	char *line, *next, *sp, *colon, *end, *line_end = strchr(text, '\n');
	long long n;

	memset(h, 0, sizeof *h);
	h->length = -1;
	if (line_end == NULL || (sp = strchr(text, ' ')) == NULL || sp > line_end)
		return -1;
	h->method = text;
	for (line = line_end + 1; *line != '\0'; line = next) {
		next = strchr(line, '\n');
		next = next != NULL ? next + 1 : line + strlen(line);
		if ((colon = memchr(line, ':', (size_t)(next - line))) == NULL)
			continue;
		*colon = '\0';
		colon++;
		colon += strspn(colon, " \t");
		if (strcasecmp(line, "Content-Length") == 0) {
			h->lengths++;
			n = strtoll(colon, &end, 10);
			if (end != colon && n > h->length)
				h->length = n;
		} else if (strcasecmp(line, "Transfer-Encoding") == 0)
			h->chunked |= names_chunked(colon);
		else if (strcasecmp(line, "Authorization") == 0 || strcasecmp(line, "Cookie") == 0)
			h->credentials = 1;
	}
	/* The request line last: its target is cut out of the text in place. */
	*sp = '\0';
	sp[1 + strcspn(sp + 1, " ?\r\n")] = '\0';
	h->path = sp + 1;
	return 0;
}

/* The head of a refused request, as evhttp gets it: no body, and the reason. */
static void
head_refused(struct evbuffer *dst, const char *text, size_t line_len, const char *host,
    const char *reason)
{
	evbuffer_add(dst, text, line_len);
	evbuffer_add_printf(dst, "\r\nHost: %s\r\nContent-Length: 0\r\nConnection: close\r\n"
	    REQGATE_REFUSED ": %s\r\n\r\n", host, reason);
}

/* The Host header's value in a head's text (before parsing), or "localhost". */
static char *
head_host(const char *text)
{
	const char *p = text;
	size_t n;

	while ((p = strchr(p, '\n')) != NULL) {
		p++;
		if (strncasecmp(p, "Host:", 5) == 0) {
			p += 5 + strspn(p + 5, " \t");
			n = strcspn(p, "\r\n");
			if (n > 0 && n < 256)
				return xstrndup(p, n);
		}
	}
	return xstrdup("localhost");
}

/*
 * The head is held back: once whole, the body limit decides whether the
 * request goes on to dst as it came or is refused there.
 */
static size_t
gate_head(struct reqgate *g, struct evbuffer *dst)
{
	size_t len = head_length(g->head), moved;
	struct reqgate_head h;
	char *text, *work, *host, reason[80];
	long limit;

	if (len == 0) {
		if (evbuffer_get_length(g->head) <= g->conf->max_head)
			return 0;
		len = evbuffer_get_length(g->head);	/* evhttp refuses a head this long */
		g->state = GATE_BODY;
		evbuffer_add_buffer(dst, g->head);
		return len;
	}
	text = xmalloc(len + 1);
	evbuffer_copyout(g->head, text, len);
	text[len] = '\0';
	host = head_host(text);
	/* A NUL must not hide the headers after it: evhttp reads past it. */
	work = xmalloc(len + 1);
	for (size_t i = 0; i <= len; i++)
		work[i] = i < len && text[i] == '\0' ? ' ' : text[i];
	reason[0] = '\0';
	if (head_parse(work, &h) == 0) {
		limit = g->conf->body_limit(&h, g->conf->arg);
		if (h.lengths > 1 || (h.lengths > 0 && h.chunked))
			snprintf(reason, sizeof reason, "400");	/* where the body ends is in doubt */
		else if (h.chunked && limit == REQGATE_NEED_LENGTH)
			snprintf(reason, sizeof reason, "411");
		else if (h.length > (limit < 0 ? 0 : limit))
			snprintf(reason, sizeof reason, "413 %ld %lld", limit < 0 ? 0 : limit,
			    h.length);
	}
	if (reason[0] == '\0') {
		g->state = GATE_BODY;
		moved = evbuffer_get_length(g->head);
		evbuffer_add_buffer(dst, g->head);
	} else {
		size_t before = evbuffer_get_length(dst);

		g->state = GATE_DROP;
		head_refused(dst, text, strcspn(text, "\r\n"), host, reason);
		evbuffer_drain(g->head, evbuffer_get_length(g->head));
		moved = evbuffer_get_length(dst) - before;
	}
	free(host);
	free(work);
	free(text);
	return moved;
}

size_t
reqgate_pass(struct reqgate *g, struct evbuffer *src, struct evbuffer *dst)
{
	size_t n = evbuffer_get_length(src);

	if (n == 0)
		return 0;
	gate_arrived(g, n);
	switch (g->state) {
	case GATE_DROP:
		evbuffer_drain(src, n);
		return 0;
	case GATE_HEAD:
		evbuffer_add_buffer(g->head, src);
		return gate_head(g, dst);
	default:
		evbuffer_add_buffer(dst, src);
		return n;
	}
}

void
reqgate_message_done(struct reqgate *g, struct evbuffer *input)
{
	size_t left;

	if (!g->in_message)
		return;
	g->in_message = 0;
	evtimer_del(g->deadline);
	if (g->state == GATE_DROP)
		return;
	/* A pipelined request already read starts its deadline, and its head is gated, now. */
	if ((left = evbuffer_get_length(input)) > 0) {
		gate_arrived(g, left);
		if (g->state == GATE_HEAD) {
			evbuffer_add_buffer(g->head, input);
			gate_head(g, input);
		}
	}
}
