/*
 * test_tls.c — the certificate made on first start, and a real evhttp
 * server on 127.0.0.1 speaking TLS through tls_bufferevent_new(), driven by
 * the real curl and openssl: keep-alive, Connection: close, HTTP/1.0,
 * multi-megabyte bodies both ways, refused protocol versions, plain HTTP and
 * broken handshakes on the TLS port, and descriptors after many connections.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <ifaddrs.h>
#include <net/if.h>

#include <dirent.h>
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/thread.h>

#include <mbedtls/x509_crt.h>

#include "testutil.h"
#include "tls.h"
#include "util.h"

#define BIG_SIZE	(3 * 1024 * 1024)
#define POST_SIZE	(5 * 1024 * 1024)
#define CHUNKS		64
#define CHUNK_SIZE	((size_t)32768)
#define CURL		"curl -sS --max-time 20 --cacert "

/* One evhttp server on 127.0.0.1 with its own loop thread. */
struct test_server {
	struct tls_server	*tls;
	struct event_base	*base;
	struct evhttp		*http;
	pthread_t		 thread;
	int			 port;
};

static char			*dir, *cert, *key;
static struct test_server	 main_server;	/* the generated ECDSA cert */
static int			 server_port;	/* main_server.port */
static pthread_mutex_t		 seen_lock = PTHREAD_MUTEX_INITIALIZER;
static char			 seen_cipher[128];	/* last /small's suite */
static char			 seen_addr[64];		/* last /small's client */
static int			 conns_freed;		/* by tls_server_on_close */
static int			 conns_made;		/* by server_bevcb: accepted */

/* The test pattern, POST_SIZE bytes, not periodic at any small length. */
static unsigned char		*patbuf;

/* Makes patbuf. */
static void
pattern_init(void)
{
	patbuf = xmalloc(POST_SIZE);
	for (uint32_t i = 0; i < POST_SIZE; i++)
		patbuf[i] = (unsigned char)((i * 2654435761u) >> 24 ^ (i >> 16));
}

/* Runs cmd in a shell; its stdout into *out (caller frees) if out. Exit code. */
static int
run(const char *cmd, char **out)
{
	FILE		*f = popen(cmd, "r");
	struct buf	 b = { 0 };
	char		 chunk[4096];
	size_t		 n;
	int		 st;

	assert_non_null(f);
	while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
		buf_add(&b, chunk, n);
	st = pclose(f);
	if (out != NULL)
		*out = b.data != NULL ? buf_take(&b) : xstrdup("");
	buf_free(&b);
	return (WIFEXITED(st) ? WEXITSTATUS(st) : -1);
}

/* Reads a whole file; *len set. Caller frees. */
static unsigned char *
slurp(const char *path, size_t *len)
{
	FILE		*f = fopen(path, "rb");
	struct buf	 b = { 0 };
	char		 chunk[65536];
	size_t		 n;

	assert_non_null(f);
	while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
		buf_add(&b, chunk, n);
	fclose(f);
	*len = b.len;
	return (b.data != NULL ? (unsigned char *)buf_take(&b) :
	    (unsigned char *)xstrdup(""));
}

/* Whether data is the pattern from 0 to len. */
static int
is_pattern(const unsigned char *data, size_t len)
{
	return (len <= POST_SIZE && memcmp(data, patbuf, len) == 0);
}

/* Open descriptors of this process. */
static int
count_fds(void)
{
	DIR		*d = opendir("/proc/self/fd");
	struct dirent	*e;
	int		 n = 0;

	assert_non_null(d);
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] != '.')
			n++;
	}
	closedir(d);
	return (n - 1);		/* the DIR's own */
}

/* ---- the certificate ---- */

static int
cert_setup(void **state)
{
	dir = test_tmpdir("tls");
	cert = xasprintf("%s/cert.pem", dir);
	key = xasprintf("%s/key.pem", dir);
	return (0);
}

static void
test_cert_made(void **state)
{
	mbedtls_x509_crt	 crt;
	struct stat		 sb;
	char			*cause = NULL, *text, *cmd;
	int			 made = -1;
	const char		*names[] = { "fair.example", "10.9.8.7", "not a name", NULL };
	char			 lan[INET_ADDRSTRLEN] = "";
	struct ifaddrs		*ifs;

	/* A non-loopback IPv4 address of this box, if it has one. */
	if (getifaddrs(&ifs) == 0) {
		for (struct ifaddrs *ifa = ifs; ifa != NULL && lan[0] == '\0'; ifa = ifa->ifa_next)
			if (ifa->ifa_addr != NULL && ifa->ifa_addr->sa_family == AF_INET &&
			    !(ifa->ifa_flags & IFF_LOOPBACK))
				inet_ntop(AF_INET, &((struct sockaddr_in *)(void *)ifa->ifa_addr)->
				    sin_addr, lan, sizeof lan);
		freeifaddrs(ifs);
	}
	assert_int_equal(tls_cert_ensure(cert, key, names, &made, &cause), 0);
	assert_null(cause);
	assert_int_equal(made, 1);

	assert_int_equal(stat(key, &sb), 0);
	assert_int_equal(sb.st_mode & 07777, 0600);
	assert_int_equal(stat(cert, &sb), 0);

	mbedtls_x509_crt_init(&crt);
	assert_int_equal(mbedtls_x509_crt_parse_file(&crt, cert), 0);
	assert_int_equal(mbedtls_pk_get_type(&crt.pk), MBEDTLS_PK_ECKEY);
	assert_int_equal(crt.version, 3);
	mbedtls_x509_crt_free(&crt);

	cmd = xasprintf("openssl x509 -in %s -noout -text", cert);
	assert_int_equal(run(cmd, &text), 0);
	assert_non_null(strstr(text, "DNS:localhost"));
	assert_non_null(strstr(text, "IP Address:127.0.0.1"));
	assert_non_null(strstr(text, "IP Address:0:0:0:0:0:0:0:1"));
	/* The configured names, and the LAN address a phone in the hall uses. */
	assert_non_null(strstr(text, "DNS:fair.example"));
	assert_non_null(strstr(text, "IP Address:10.9.8.7"));
	assert_null(strstr(text, "not a name"));
	if (lan[0] != '\0') {
		char *want = xasprintf("IP Address:%s", lan);

		assert_non_null(strstr(text, want));
		free(want);
	}
	assert_non_null(strstr(text, "prime256v1"));
	assert_non_null(strstr(text, "ecdsa-with-SHA256"));
	assert_non_null(strstr(text, "Subject: CN = fairmatch"));
	assert_non_null(strstr(text, "TLS Web Server Authentication"));
	free(text);
	free(cmd);

	/* It verifies as its own anchor, as clients given --cacert will. */
	cmd = xasprintf("openssl verify -CAfile %s %s 2>&1", cert, cert);
	assert_int_equal(run(cmd, &text), 0);
	assert_non_null(strstr(text, ": OK"));
	free(text);
	free(cmd);
}

static void
test_cert_kept(void **state)
{
	unsigned char	*before, *after;
	size_t		 nbefore, nafter;
	char		*cause = NULL;
	int		 made = -1;

	before = slurp(cert, &nbefore);
	assert_int_equal(tls_cert_ensure(cert, key, NULL, &made, &cause), 0);
	assert_int_equal(made, 0);
	after = slurp(cert, &nafter);
	assert_int_equal(nbefore, nafter);
	assert_memory_equal(before, after, nbefore);
	free(before);
	free(after);
}

/* Fails unless s begins with prefix. */
static void
assert_prefix(const char *s, const char *prefix)
{
	if (strncmp(s, prefix, strlen(prefix)) != 0)
		fail_msg("“%s” does not begin with “%s”", s, prefix);
}

static void
test_cert_half_missing(void **state)
{
	char	*c2 = xasprintf("%s/only.pem", dir), *k2, *k3, *cmd, *want, *cause = NULL;
	int	 made = -1;

	k2 = xasprintf("%s/only.key", dir);
	k3 = xasprintf("%s/other.key", dir);
	free(test_write(dir, "only.pem", "x"));
	assert_int_equal(tls_cert_ensure(c2, k2, NULL, &made, &cause), -1);
	want = xasprintf("有 %s 但缺少 %s；请两者都提供，或都删除以自动生成 / %s exists but %s is"
	    " missing; provide both, or remove both to have them made", c2, k2, c2, k2);
	assert_string_equal(cause, want);
	free(want);
	assert_int_equal(access(k2, F_OK), -1);	/* made nothing */
	free(cause);
	cause = NULL;

	/*
	 * A file that is no certificate is refused by the server side, naming
	 * it and mbedTLS's reason; so is a file that is no key.
	 */
	free(test_write(dir, "only.key", "not a key"));
	assert_null(tls_server_new(c2, k2, &cause));
	want = xasprintf("无法读取证书 %s：X509 - ", c2);
	assert_prefix(cause, want);
	free(want);
	want = xasprintf(" / cannot read certificate %s: X509 - ", c2);
	assert_non_null(strstr(cause, want));
	free(want);
	free(cause);
	cause = NULL;
	assert_null(tls_server_new(cert, k2, &cause));
	want = xasprintf("无法读取私钥 %s：PK - ", k2);
	assert_prefix(cause, want);
	free(want);
	want = xasprintf(" / cannot read private key %s: PK - ", k2);
	assert_non_null(strstr(cause, want));
	free(want);
	free(cause);
	cause = NULL;

	/* A good key that does not match the certificate. */
	cmd = xasprintf("openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256"
	    " -out %s 2>/dev/null", k3);
	assert_int_equal(run(cmd, NULL), 0);
	free(cmd);
	assert_null(tls_server_new(cert, k3, &cause));
	want = xasprintf("私钥 %s 与证书 %s 不匹配 / private key %s does not match certificate %s",
	    k3, cert, k3, cert);
	assert_string_equal(cause, want);
	free(want);
	free(cause);
	free(c2);
	free(k2);
	free(k3);
}

/* ---- the server ---- */

/* evhttp_set_bevcb's callback: every connection through TLS; counts them. */
static struct bufferevent *
server_bevcb(struct event_base *base, void *arg)
{
	pthread_mutex_lock(&seen_lock);
	conns_made++;
	pthread_mutex_unlock(&seen_lock);
	return (tls_bufferevent_new(arg, base));
}

/* Connections accepted so far. */
static int
made_count(void)
{
	int	n;

	pthread_mutex_lock(&seen_lock);
	n = conns_made;
	pthread_mutex_unlock(&seen_lock);
	return (n);
}

/* tls_server_on_close's callback: counts freed connections. */
static void
server_conn_freed(void *arg)
{
	pthread_mutex_lock(&seen_lock);
	conns_freed++;
	pthread_mutex_unlock(&seen_lock);
}

/* Connections freed so far. */
static int
freed_count(void)
{
	int	n;

	pthread_mutex_lock(&seen_lock);
	n = conns_freed;
	pthread_mutex_unlock(&seen_lock);
	return (n);
}

/* evhttp's close callback: close_notify before evhttp shuts the socket. */
static void
server_closecb(struct evhttp_connection *evcon, void *arg)
{
	tls_bufferevent_close_notify(arg, evhttp_connection_get_bufferevent(evcon));
}

/* What every handler does first, as the real server's dispatcher would. */
static void
server_hook(struct evhttp_request *req, struct tls_server *tls)
{
	evhttp_connection_set_closecb(evhttp_request_get_connection(req),
	    server_closecb, tls);
}

/* /small: 64 bytes; notes the cipher suite and the client's address. */
static void
server_small(struct evhttp_request *req, void *arg)
{
	struct evhttp_connection	*evcon = evhttp_request_get_connection(req);
	struct evbuffer			*out = evbuffer_new();
	const char			*version, *suite;
	char				*addr;
	ev_uint16_t			 port;

	server_hook(req, arg);
	pthread_mutex_lock(&seen_lock);
	if (tls_bufferevent_info(arg, evhttp_connection_get_bufferevent(evcon),
	    &version, &suite) == 0)
		snprintf(seen_cipher, sizeof seen_cipher, "%s %s", version,
		    suite);
	evhttp_connection_get_peer(evcon, &addr, &port);
	snprintf(seen_addr, sizeof seen_addr, "%s", addr);
	pthread_mutex_unlock(&seen_lock);

	for (int i = 0; i < 64; i++)
		evbuffer_add(out, "abcdefgh" + (i % 8), 1);
	evhttp_send_reply(req, 200, "OK", out);
	evbuffer_free(out);
}

/* /big: BIG_SIZE bytes of the pattern. */
static void
server_big(struct evhttp_request *req, void *arg)
{
	struct evbuffer	*out = evbuffer_new();

	server_hook(req, arg);
	evbuffer_add(out, patbuf, BIG_SIZE);
	evhttp_send_reply(req, 200, "OK", out);
	evbuffer_free(out);
}

/* /echo: the request body back. */
static void
server_echo(struct evhttp_request *req, void *arg)
{
	struct evbuffer	*out = evbuffer_new();

	server_hook(req, arg);
	evbuffer_add_buffer(out, evhttp_request_get_input_buffer(req));
	evhttp_send_reply(req, 200, "OK", out);
	evbuffer_free(out);
}

/* A chunked reply in progress. */
struct chunking {
	struct evhttp_request	*req;
	size_t			 sent;		/* chunks so far */
};

/* /chunked: CHUNKS chunks of the pattern, each sent when the last is written. */
static void
server_chunk_next(struct evhttp_connection *evcon, void *arg)
{
	struct chunking	*ck = arg;
	struct evbuffer	*out;

	if (ck->sent == CHUNKS) {
		evhttp_send_reply_end(ck->req);
		free(ck);
		return;
	}
	out = evbuffer_new();
	evbuffer_add(out, patbuf + ck->sent * CHUNK_SIZE, CHUNK_SIZE);
	ck->sent++;
	evhttp_send_reply_chunk_with_cb(ck->req, out, server_chunk_next, ck);
	evbuffer_free(out);
}

static void
server_chunked(struct evhttp_request *req, void *arg)
{
	struct chunking	*ck = xcalloc(1, sizeof *ck);

	server_hook(req, arg);
	ck->req = req;
	evhttp_send_reply_start(req, 200, "OK");
	server_chunk_next(evhttp_request_get_connection(req), ck);
}

static void *
server_main(void *arg)
{
	struct test_server	*ts = arg;

	event_base_dispatch(ts->base);
	return (NULL);
}

/* Starts a server with certificate c and key k in a thread of its own. */
static void
server_start(struct test_server *ts, const char *c, const char *k)
{
	struct evhttp_bound_socket	*bound;
	struct event_config		*ec;
	struct sockaddr_in		 sin;
	socklen_t			 slen = sizeof sin;
	char				*cause = NULL;
	int				 sndbuf;

	if ((ts->tls = tls_server_new(c, k, &cause)) == NULL)
		fatal("%s", cause);
	/* As the server's loops have it (server.c): handshake steps at the lowest of three. */
	if ((ec = event_config_new()) == NULL ||
	    event_config_set_max_dispatch_interval(ec, NULL, 1, 2) != 0 ||
	    (ts->base = event_base_new_with_config(ec)) == NULL ||
	    event_base_priority_init(ts->base, 3) != 0)
		fatal("event_base_new_with_config");
	event_config_free(ec);
	ts->http = evhttp_new(ts->base);
	evhttp_set_bevcb(ts->http, server_bevcb, ts->tls);
	tls_server_on_close(ts->tls, server_conn_freed, NULL);
	evhttp_set_timeout(ts->http, 10);
	evhttp_set_cb(ts->http, "/small", server_small, ts->tls);
	evhttp_set_cb(ts->http, "/big", server_big, ts->tls);
	evhttp_set_cb(ts->http, "/echo", server_echo, ts->tls);
	evhttp_set_cb(ts->http, "/chunked", server_chunked, ts->tls);
	bound = evhttp_bind_socket_with_handle(ts->http, "127.0.0.1", 0);
	if (bound == NULL)
		fatal("cannot bind 127.0.0.1");
	if (getsockname(evhttp_bound_socket_get_fd(bound),
	    (struct sockaddr *)&sin, &slen) != 0)
		fatal("getsockname");
	ts->port = ntohs(sin.sin_port);
	/*
	 * Accepted sockets inherit a small send buffer, so that big replies
	 * meet EAGAIN and partial sends even on loopback.
	 */
	sndbuf = 32768;
	setsockopt(evhttp_bound_socket_get_fd(bound), SOL_SOCKET, SO_SNDBUF,
	    &sndbuf, sizeof sndbuf);
	if (pthread_create(&ts->thread, NULL, server_main, ts) != 0)
		fatal("pthread_create");
}

/* Stops the server: loop, connections, then the TLS state. */
static void
server_stop(struct test_server *ts)
{
	event_base_loopbreak(ts->base);
	pthread_join(ts->thread, NULL);
	evhttp_free(ts->http);
	tls_server_free(ts->tls);
	event_base_free(ts->base);
}

static int
server_setup(void **state)
{
	char	*cause = NULL;

	if (tls_cert_ensure(cert, key, NULL, NULL, &cause) != 0)
		fatal("%s", cause);
	evthread_use_pthreads();
	pattern_init();
	server_start(&main_server, cert, key);
	server_port = main_server.port;
	return (0);
}

static int
server_teardown(void **state)
{
	server_stop(&main_server);
	libevent_global_shutdown();
	free(patbuf);
	test_rmtree(dir);
	free(dir);
	free(cert);
	free(key);
	return (0);
}

/* The 64 bytes /small answers. */
#define SMALL_BODY \
    "abcdefghabcdefghabcdefghabcdefghabcdefghabcdefghabcdefghabcdefgh"
static const char small_body[] = SMALL_BODY;

/* Connects to 127.0.0.1:port; the socket, or fails the test. */
static int
connect_to(int port)
{
	struct sockaddr_in	sin = { .sin_family = AF_INET };
	int			fd = socket(AF_INET, SOCK_STREAM, 0);

	assert_true(fd >= 0);
	sin.sin_port = htons(port);
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(connect(fd, (struct sockaddr *)&sin, sizeof sin), 0);
	return (fd);
}

/* Connects to the main server. */
static int
connect_server(void)
{
	return (connect_to(server_port));
}

static void
test_keepalive_two_requests(void **state)
{
	char	*cmd, *out;

	cmd = xasprintf(CURL "%s -w '[%%{num_connects}]' "
	    "https://localhost:%d/small https://localhost:%d/small", cert,
	    server_port, server_port);
	assert_int_equal(run(cmd, &out), 0);
	/* Bodies and counts interleave: one connection for both. */
	assert_string_equal(out, "abcdefghabcdefghabcdefghabcdefgh"
	    "abcdefghabcdefghabcdefghabcdefgh[1]"
	    "abcdefghabcdefghabcdefghabcdefgh"
	    "abcdefghabcdefghabcdefghabcdefgh[0]");
	free(out);
	free(cmd);

	pthread_mutex_lock(&seen_lock);
	assert_non_null(strstr(seen_cipher, "TLSv1.2"));
	assert_non_null(strstr(seen_cipher, "ECDHE-ECDSA"));
	assert_string_equal(seen_addr, "127.0.0.1");
	pthread_mutex_unlock(&seen_lock);
}

static void
test_connection_close(void **state)
{
	char	*cmd, *out;

	cmd = xasprintf(CURL "%s -H 'Connection: close' "
	    "https://127.0.0.1:%d/small", cert, server_port);
	assert_int_equal(run(cmd, &out), 0);
	assert_string_equal(out, small_body);
	free(out);
	free(cmd);
}

static void
test_http10(void **state)
{
	char	*cmd, *out;

	cmd = xasprintf(CURL "%s --http1.0 https://127.0.0.1:%d/small", cert,
	    server_port);
	assert_int_equal(run(cmd, &out), 0);
	assert_string_equal(out, small_body);
	free(out);
	free(cmd);
}

static void
test_big_get(void **state)
{
	char		*path = xasprintf("%s/big.out", dir), *cmd;
	unsigned char	*data;
	size_t		 len;

	/* Twice on one connection: the second must not stall. */
	cmd = xasprintf(CURL "%s -o %s -o %s.2 https://localhost:%d/big "
	    "https://localhost:%d/big", cert, path, path, server_port,
	    server_port);
	assert_int_equal(run(cmd, NULL), 0);
	data = slurp(path, &len);
	assert_int_equal(len, BIG_SIZE);
	assert_true(is_pattern(data, len));
	free(data);
	free(cmd);
	cmd = xasprintf("%s.2", path);
	data = slurp(cmd, &len);
	assert_int_equal(len, BIG_SIZE);
	assert_true(is_pattern(data, len));
	free(data);
	free(cmd);

	/*
	 * And with Connection: close, where evhttp frees the connection
	 * once the reply is "written"; the slow reader makes sends fail
	 * with EAGAIN on the way.
	 */
	cmd = xasprintf(CURL "%s -H 'Connection: close' --limit-rate 6M "
	    "-o %s https://localhost:%d/big", cert, path, server_port);
	assert_int_equal(run(cmd, NULL), 0);
	data = slurp(path, &len);
	assert_int_equal(len, BIG_SIZE);
	assert_true(is_pattern(data, len));
	free(data);
	free(cmd);
	free(path);
}

static void
test_big_post_echo(void **state)
{
	char		*in = xasprintf("%s/post.in", dir), *cmd;
	char		*got = xasprintf("%s/post.out", dir);
	unsigned char	*data;
	size_t		 len;
	FILE		*f;

	f = fopen(in, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(patbuf, 1, POST_SIZE, f), POST_SIZE);
	fclose(f);

	cmd = xasprintf(CURL "%s -H 'Expect:' --data-binary @%s -o %s "
	    "https://127.0.0.1:%d/echo", cert, in, got, server_port);
	assert_int_equal(run(cmd, NULL), 0);
	data = slurp(got, &len);
	assert_int_equal(len, POST_SIZE);
	assert_true(is_pattern(data, len));
	free(data);
	free(cmd);

	/* With Expect: 100-continue, as curl sends for big bodies. */
	cmd = xasprintf(CURL "%s --data-binary @%s -o %s "
	    "https://127.0.0.1:%d/echo", cert, in, got, server_port);
	assert_int_equal(run(cmd, NULL), 0);
	data = slurp(got, &len);
	assert_int_equal(len, POST_SIZE);
	assert_true(is_pattern(data, len));
	free(data);
	free(cmd);
	free(in);
	free(got);
}

static void
test_chunked_reply(void **state)
{
	char		*path = xasprintf("%s/chunked.out", dir), *cmd, *p2;
	unsigned char	*data;
	size_t		 len;

	/* Twice on one connection, then as HTTP/1.0 (no chunks, close). */
	p2 = xasprintf("%s.2", path);
	cmd = xasprintf(CURL "%s -o %s -o %s https://localhost:%d/chunked "
	    "https://localhost:%d/chunked", cert, path, p2, server_port,
	    server_port);
	assert_int_equal(run(cmd, NULL), 0);
	free(cmd);
	for (int i = 0; i < 3; i++) {
		data = slurp(i == 1 ? p2 : path, &len);
		assert_int_equal(len, CHUNKS * CHUNK_SIZE);
		assert_true(is_pattern(data, len));
		free(data);
		if (i == 1) {
			cmd = xasprintf(CURL "%s --http1.0 -o %s "
			    "https://localhost:%d/chunked", cert, path,
			    server_port);
			assert_int_equal(run(cmd, NULL), 0);
			free(cmd);
		}
	}
	free(p2);
	free(path);
}

static void
test_parallel(void **state)
{
	char		*cmd, *out, *p, *path;
	unsigned char	*data;
	size_t		 len;
	int		 n = 0;

	/* 28 transfers at up to 20 at once, small and big mixed. */
	cmd = xasprintf(CURL "%s --no-progress-meter -Z --parallel-max 20 "
	    "-w '<%%{http_code} %%{size_download}>' "
	    "-o '%s/par-s#1' 'https://127.0.0.1:%d/small?[1-20]' "
	    "-o '%s/par-b#1' 'https://127.0.0.1:%d/big?[1-8]'", cert, dir,
	    server_port, dir, server_port);
	assert_int_equal(run(cmd, &out), 0);
	for (p = out; (p = strstr(p, "<200 64>")) != NULL; p++)
		n++;
	assert_int_equal(n, 20);
	n = 0;
	for (p = out; (p = strstr(p, "<200 3145728>")) != NULL; p++)
		n++;
	assert_int_equal(n, 8);
	free(out);
	free(cmd);
	for (int i = 1; i <= 8; i++) {
		path = xasprintf("%s/par-b%d", dir, i);
		data = slurp(path, &len);
		assert_int_equal(len, BIG_SIZE);
		assert_true(is_pattern(data, len));
		free(data);
		unlink(path);
		free(path);
	}
}

/* Work at the default priority on every pass of the loop, as requests always waiting would be. */
struct busy {
	struct event	*ev;
	long		 runs;
	int		 stop;		/* asked by the test */
	int		 stopped;	/* the callback saw it and did not come back */
};

static void
busy_cb(evutil_socket_t fd, short what, void *arg)
{
	struct busy	*b = arg;
	struct timeval	 now = { 0, 0 };

	if (__atomic_load_n(&b->stop, __ATOMIC_ACQUIRE)) {
		__atomic_store_n(&b->stopped, 1, __ATOMIC_RELEASE);
		return;
	}
	__atomic_add_fetch(&b->runs, 1, __ATOMIC_RELAXED);
	evtimer_add(b->ev, &now);
}

static void
test_handshake_on_busy_loop(void **state)
{
	struct busy	 b = { 0 };
	struct timeval	 now = { 0, 0 };
	long		 before, after;
	char		*cmd, *out;
	int		 rc;

	/*
	 * A loop whose kept-alive connections always have a request waiting
	 * never reaches the lowest priority, where handshake steps wait: a new
	 * connection still gets in, at its turn, and is answered while the
	 * loop stays busy (not after the 10 s timeout closed it).
	 */
	b.ev = evtimer_new(main_server.base, busy_cb, &b);
	assert_non_null(b.ev);
	evtimer_add(b.ev, &now);
	while (__atomic_load_n(&b.runs, __ATOMIC_RELAXED) < 1000)
		usleep(1000);
	before = __atomic_load_n(&b.runs, __ATOMIC_RELAXED);
	cmd = xasprintf(CURL "%s --max-time 5 https://localhost:%d/small", cert, server_port);
	rc = run(cmd, &out);
	after = __atomic_load_n(&b.runs, __ATOMIC_RELAXED);
	/*
	 * Stopped from the loop (event_del from here could race the callback's
	 * evtimer_add), and before any assertion: b is on this stack.
	 */
	__atomic_store_n(&b.stop, 1, __ATOMIC_RELEASE);
	while (!__atomic_load_n(&b.stopped, __ATOMIC_ACQUIRE))
		usleep(1000);
	event_free(b.ev);
	assert_int_equal(rc, 0);
	assert_string_equal(out, small_body);
	assert_true(after > before + 1000);
	free(out);
	free(cmd);
}

static void
test_rsa_certificate(void **state)
{
	struct test_server	 rsa;
	int			 fd, made;
	char			*c = xasprintf("%s/rsa.pem", dir), *cmd, *out;
	char			*k = xasprintf("%s/rsa.key", dir);

	cmd = xasprintf("openssl req -x509 -newkey rsa:2048 -nodes -days 2 "
	    "-subj /CN=localhost -addext subjectAltName=DNS:localhost "
	    "-keyout %s -out %s 2>/dev/null", k, c);
	assert_int_equal(run(cmd, NULL), 0);
	free(cmd);

	/* A second loop with its own tls_server, while the first runs. */
	server_start(&rsa, c, k);
	cmd = xasprintf("openssl s_client -connect 127.0.0.1:%d -CAfile %s "
	    "</dev/null 2>&1", rsa.port, c);
	assert_int_equal(run(cmd, &out), 0);
	assert_non_null(strstr(out, "Verify return code: 0"));
	/* The server's first choice for RSA, which s_client offers. */
	assert_non_null(strstr(out, "Cipher is ECDHE-RSA-AES128-GCM-SHA256\n"));
	free(out);
	free(cmd);

	/* Both servers busy at once. */
	cmd = xasprintf("curl -sS --max-time 20 -Z --no-progress-meter "
	    "--cacert %s "
	    "-o /dev/null -o /dev/null -o /dev/null "
	    "https://localhost:%d/big https://localhost:%d/big "
	    "https://localhost:%d/big & "
	    CURL "%s -Z --no-progress-meter -o /dev/null -o /dev/null -o /dev/null "
	    "https://localhost:%d/big https://localhost:%d/big "
	    "https://localhost:%d/big && wait $!", c, rsa.port, rsa.port,
	    rsa.port, cert, server_port, server_port, server_port);
	assert_int_equal(run(cmd, NULL), 0);
	free(cmd);

	/*
	 * Regression: a connection open when the server stops is freed by
	 * libevent only in event_base_free(), after tls_server_free().
	 */
	made = made_count();
	fd = connect_to(rsa.port);
	send(fd, "\x16\x03\x01", 3, MSG_NOSIGNAL);
	/* Stopped once it holds the connection (a minute only stops a hang). */
	for (int tries = 0; tries < 1200 && made_count() == made; tries++)
		usleep(50 * 1000);
	assert_int_equal(made_count(), made + 1);
	server_stop(&rsa);
	close(fd);
	free(c);
	free(k);
}

static void
test_refused_versions(void **state)
{
	char	*cmd;

	cmd = xasprintf(CURL "%s --tlsv1.3 --tls-max 1.3 -o /dev/null "
	    "https://localhost:%d/small 2>/dev/null", cert, server_port);
	assert_int_not_equal(run(cmd, NULL), 0);
	free(cmd);
	cmd = xasprintf(CURL "%s --tls-max 1.1 -o /dev/null "
	    "https://localhost:%d/small 2>/dev/null", cert, server_port);
	assert_int_not_equal(run(cmd, NULL), 0);
	free(cmd);
	/* Suites without ECDHE or without AEAD are not offered. */
	cmd = xasprintf(CURL "%s --ciphers AES128-GCM-SHA256:"
	    "ECDHE-ECDSA-AES128-SHA256 --tls-max 1.2 -o /dev/null "
	    "https://localhost:%d/small 2>/dev/null", cert, server_port);
	assert_int_not_equal(run(cmd, NULL), 0);
	free(cmd);
}

static void
test_openssl_s_client(void **state)
{
	char	*cmd, *out;
	int	 n;

	cmd = xasprintf("openssl s_client -connect 127.0.0.1:%d -CAfile %s "
	    "</dev/null 2>&1", server_port, cert);
	assert_int_equal(run(cmd, &out), 0);
	assert_non_null(strstr(out, "Verify return code: 0"));
	assert_non_null(strstr(out, "Protocol  : TLSv1.2"));
	/* The server's first choice (tls.c's list), which s_client offers. */
	assert_non_null(strstr(out, "Cipher is ECDHE-ECDSA-AES128-GCM-SHA256\n"));
	free(out);
	free(cmd);

	/* Reconnecting resumes the session (abbreviated handshake). */
	cmd = xasprintf("openssl s_client -reconnect -connect 127.0.0.1:%d "
	    "-CAfile %s </dev/null 2>&1", server_port, cert);
	assert_int_equal(run(cmd, &out), 0);
	assert_non_null(strstr(out, "Reused, TLSv1.2"));
	free(out);
	free(cmd);

	/*
	 * A request; s_client's close_notify follows at end of input, which
	 * comes once the reply is there (polled, 60 s at most): a request and
	 * a close_notify in one flight would leave nobody to read the reply.
	 */
	cmd = xasprintf("f=$(mktemp) && (printf 'GET /small HTTP/1.1\\r\\nHost:"
	    " x\\r\\n\\r\\n'; for i in $(seq 600); do grep -q '%s' $f && break;"
	    " sleep 0.1; done) | openssl s_client -quiet -no_ign_eof -connect"
	    " 127.0.0.1:%d -CAfile %s 2>/dev/null > $f; cat $f; rm -f $f",
	    small_body, server_port, cert);
	run(cmd, &out);
	assert_non_null(strstr(out, "HTTP/1.1 200 OK"));
	assert_non_null(strstr(out, small_body));
	free(out);
	free(cmd);

	/* Three pipelined requests in one record: three replies. */
	cmd = xasprintf("(printf 'GET /small HTTP/1.1\\r\\nHost: x\\r\\n\\r\\n"
	    "GET /small HTTP/1.1\\r\\nHost: x\\r\\n\\r\\n"
	    "GET /small HTTP/1.1\\r\\nHost: x\\r\\nConnection: close"
	    "\\r\\n\\r\\n'; sleep 0.3) | openssl s_client -quiet -connect "
	    "127.0.0.1:%d -CAfile %s 2>/dev/null", server_port, cert);
	run(cmd, &out);
	n = 0;
	for (char *p = out; (p = strstr(p, small_body)) != NULL; p++)
		n++;
	assert_int_equal(n, 3);
	free(out);
	free(cmd);

	/* Connection: close: the server's close_notify comes before its FIN. */
	cmd = xasprintf("(printf 'GET /small HTTP/1.1\\r\\nHost: x\\r\\n"
	    "Connection: close\\r\\n\\r\\n'; sleep 0.3) | openssl s_client "
	    "-quiet -msg -connect 127.0.0.1:%d -CAfile %s 2>&1", server_port,
	    cert);
	run(cmd, &out);
	assert_non_null(strstr(out, small_body));
	assert_non_null(strstr(out, "<<< TLS 1.2, Alert [length 0002], warning"
	    " close_notify"));
	free(out);
	free(cmd);
}

/* Sends data and waits (5 s at most) for the server to close. 1 if it did. */
static int
send_and_wait_close(const void *data, size_t len)
{
	struct pollfd	pfd;
	char		sink[4096];
	int		fd = connect_server(), closed = 0;

	assert_int_equal(send(fd, data, len, MSG_NOSIGNAL), (ssize_t)len);
	pfd.fd = fd;
	pfd.events = POLLIN;
	while (poll(&pfd, 1, 5000) == 1) {
		ssize_t n = recv(fd, sink, sizeof sink, 0);

		if (n <= 0) {
			closed = 1;
			break;
		}
	}
	close(fd);
	return (closed);
}

static void
test_plain_http_on_tls_port(void **state)
{
	static const char	get[] = "GET /small HTTP/1.1\r\nHost: x\r\n\r\n";
	static const char	junk[] = "\x16\x03\x01\x00\x05hello\x17\x03\x03"
				    "\xff\xff garbage garbage";
	char			*cmd, *out;

	cmd = xasprintf("curl -sS --max-time 5 http://127.0.0.1:%d/small "
	    ">/dev/null 2>&1", server_port);
	assert_int_not_equal(run(cmd, NULL), 0);
	free(cmd);

	/* A client that rejects the certificate sends a fatal alert. */
	cmd = xasprintf("curl -sS --max-time 5 https://127.0.0.1:%d/small "
	    ">/dev/null 2>&1", server_port);
	assert_int_equal(run(cmd, NULL), 60);
	free(cmd);

	/* The server hangs up at once rather than waiting for a timeout. */
	assert_true(send_and_wait_close(get, sizeof get - 1));
	assert_true(send_and_wait_close(junk, sizeof junk - 1));

	cmd = xasprintf(CURL "%s https://127.0.0.1:%d/small", cert,
	    server_port);
	assert_int_equal(run(cmd, &out), 0);
	assert_string_equal(out, small_body);
	free(out);
	free(cmd);
}

static void
test_no_fd_leak(void **state)
{
	/* The first bytes of a ClientHello, then the client is gone. */
	static const char	half[] = "\x16\x03\x01\x02\x00\x01\x00\x01\xfc";
	char			*cmd, *out, *p;
	int			 before, after = 0, n = 0, freed;

	/* Let earlier tests' connections go first. */
	before = count_fds();
	for (int tries = 0; tries < 20; tries++) {
		usleep(100 * 1000);
		if ((after = count_fds()) == before)
			break;
		before = after;
	}

	freed = freed_count();

	/* 200 connections, one after another, in one curl. */
	cmd = xasprintf(CURL "%s -H 'Connection: close' -w '%%{http_code}"
	    " %%{num_connects}\\n' 'https://127.0.0.1:%d/small?i=[1-200]'",
	    cert, server_port);
	assert_int_equal(run(cmd, &out), 0);
	for (p = out; (p = strstr(p, SMALL_BODY "200 1\n")) != NULL; p++)
		n++;
	assert_int_equal(n, 200);
	free(out);
	free(cmd);

	/* Clients that hang up in the middle of a big reply. */
	for (int i = 0; i < 5; i++) {
		cmd = xasprintf(CURL "%s https://127.0.0.1:%d/big 2>/dev/null |"
		    " head -c 100 >/dev/null", cert, server_port);
		run(cmd, NULL);
		free(cmd);
	}

	/* Broken handshakes and clients that vanish mid-handshake. */
	for (int i = 0; i < 20; i++) {
		int fd = connect_server();

		send(fd, half, sizeof half - 1, MSG_NOSIGNAL);
		close(fd);
		fd = connect_server();
		close(fd);
	}

	/* Until all are let go: a minute only stops a hang. */
	for (int tries = 0; tries < 1200; tries++) {
		if ((after = count_fds()) <= before &&
		    freed_count() >= freed + 245)
			break;
		usleep(50 * 1000);
	}
	assert_int_equal(after, before);
	assert_int_equal(freed_count(), freed + 245);	/* 200 + 5 + 2 * 20 */
}

int
main(void)
{
	const struct CMUnitTest cert_tests[] = {
		cmocka_unit_test(test_cert_made),
		cmocka_unit_test(test_cert_kept),
		cmocka_unit_test(test_cert_half_missing),
	};
	const struct CMUnitTest server_tests[] = {
		cmocka_unit_test(test_keepalive_two_requests),
		cmocka_unit_test(test_connection_close),
		cmocka_unit_test(test_http10),
		cmocka_unit_test(test_big_get),
		cmocka_unit_test(test_big_post_echo),
		cmocka_unit_test(test_chunked_reply),
		cmocka_unit_test(test_parallel),
		cmocka_unit_test(test_handshake_on_busy_loop),
		cmocka_unit_test(test_rsa_certificate),
		cmocka_unit_test(test_refused_versions),
		cmocka_unit_test(test_openssl_s_client),
		cmocka_unit_test(test_plain_http_on_tls_port),
		cmocka_unit_test(test_no_fd_leak),
	};
	int	failed;

	failed = cmocka_run_group_tests_name("tls_cert", cert_tests,
	    cert_setup, NULL);
	failed += cmocka_run_group_tests_name("tls_server", server_tests,
	    server_setup, server_teardown);
	return (failed);
}
