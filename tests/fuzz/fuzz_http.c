/*
 * fuzz_http.c — the real server on raw HTTP: request lines, routes, query
 * strings, headers, cookies, bodies (JSON, multipart, chunked), pipelines.
 *
 * LLVMFuzzerInitialize makes a data directory under $TMPDIR as `fairmatch
 * init` does, imports part of the fixtures (supply, demand, fairs), adds
 * one account per role whose API token and session cookie have fixed
 * values (the seeds and the dictionary carry them), schedules one fair,
 * and runs server_run() on a thread of its own: one event loop, HTTPS on
 * 127.0.0.1:0 (unused here) and plain HTTP (plain_listen) on a loopback
 * port reserved for it, small limits.
 *
 * Each input is the bytes of one or more requests, written to a new
 * connection to the plain port and followed by FUZZ_TAIL, after which the
 * server closes the connection.  If the input leaves the server waiting
 * for more (a body shorter than its Content-Length), the harness
 * half-closes: after FUZZ_SHORT_MS when it sees that coming, else after
 * FUZZ_QUIET_MS of silence.  The replies are read until the server
 * closes, FUZZ_REPLY_MS at most.
 * Whatever comes back must be HTTP replies: a status line first, and every
 * JSON reply (the API's) valid JSON with the security headers.  When a
 * reply says a job was queued (202), or the server took too long, the
 * harness waits (FUZZ_SETTLE_MS at most) until the writer has no job left,
 * so that what a job does is counted for the input that asked for it.
 *
 * Jobs and uploads change the store, as they would at a real fair; the
 * harness only puts back the sessions that a logout took away, and clears
 * DATA/prints now and then.  At exit (an atexit handler) it sends the
 * process SIGTERM, on which the server drains, and joins the server's
 * thread, so that LeakSanitizer finds nothing of the server left over.
 * FUZZ_HTTP_SHOW=1 in the environment prints what each input got back.
 */
#define _GNU_SOURCE		/* memmem, pthread_timedjoin_np */
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "auth.h"
#include "cli.h"
#include "config.h"
#include "fair.h"
#include "fair_setup.h"
#include "fuzzutil.h"
#include "import.h"
#include "indexing.h"
#include "matching.h"
#include "schedule.h"
#include "server.h"
#include "store.h"
#include "util.h"

#ifndef FM_FIXTURES
#error "FM_FIXTURES (the fixtures directory) must be defined"
#endif

#define FUZZ_REPLY_MS	3000		/* an input's replies, at most */
#define FUZZ_QUIET_MS	500		/* silence before the harness half-closes */
#define FUZZ_SHORT_MS	10		/* … if a body is short of its Content-Length */
#define FUZZ_SETTLE_MS	5000		/* then the jobs it queued, at most */
#define FUZZ_STOP_S	45		/* the drain at exit, at most */
#define FUZZ_REPLY_MAX	(1 << 20)	/* reply bytes kept for the checks */
#define FUZZ_PRINTS_EVERY 256		/* inputs between emptying DATA/prints */
#define FUZZ_FAIR	"YQH-2026"	/* the fair scheduled before the first input */

/*
 * Sent after each input: ends a header line and a header block that the
 * input left open, then an empty request line, which libevent answers
 * with 400 and closes the connection on.
 */
#define FUZZ_TAIL	"\r\n\r\n\r\n"

/*
 * Every nth product and demand of the fixtures: each city, province and
 * category still there, but a store small enough that the jobs any input
 * may start (a fair's matching is a query per demand, the guide a page per
 * product) take a fraction of a second, not many seconds.
 */
#define FUZZ_SUPPLY_EVERY 4
#define FUZZ_DEMAND_EVERY 8

/*
 * One account per role.  Tokens are AUTH_TOKEN_LEN - 1 characters, as
 * auth_bearer and auth_session want; the store keeps their SHA-256 only,
 * as auth.c does.  Keep in step with seeds.py and fuzz_http.dict.
 */
struct account {
	const char	*login;
	const char	*role;
	const char	*region;	/* city or expansion office's; else NULL */
	const char	*password;	/* for /login; the admin's replaces init's */
	const char	*token;		/* Authorization: Bearer … */
	const char	*session;	/* Cookie: fm_session=… */
};

static const struct account accounts[] = {
	{ "admin", "admin", NULL, "admin-pass-123",
	  "fuzz-token-admin-00000000000000000000000000",
	  "fuzz-session-admin-000000000000000000000000" },
	{ "clerk", "city", "杭州", "hangzhou-clerk-1",
	  "fuzz-token-clerk-00000000000000000000000000",
	  "fuzz-session-clerk-000000000000000000000000" },
	{ "hlj", "expansion", "黑龙江", "heilongjiang-1",
	  "fuzz-token-hlj-0000000000000000000000000000",
	  "fuzz-session-hlj-00000000000000000000000000" },
	{ "org", "organiser", NULL, "organiser-pass-1",
	  "fuzz-token-org-0000000000000000000000000000",
	  "fuzz-session-org-00000000000000000000000000" },
	{ "kiosk1", "kiosk", NULL, "kiosk-pass-123",
	  "fuzz-token-kiosk1-0000000000000000000000000",
	  "fuzz-session-kiosk1-00000000000000000000000" },
};

static struct settings	 cfg;
static char		*data_dir;
static struct store	*st;		/* the harness's own handle: sessions */
static int		 port_hold = -1;	/* keeps the plain port ours until exit */
static int		 plain_port;
static pthread_t	 server_thread;
static int		 server_started;
static atomic_int	 server_ended;
static atomic_int	 stopping;
static unsigned long	 inputs;
static int		 show_replies;	/* FUZZ_HTTP_SHOW set: print what came back */

/*
 * LeakSanitizer's suppressions for this program, read when it starts (so
 * they hold under ctest and tests/bench/reliability.sh alike): the server
 * prints as a job, and cairo and fontconfig keep memory that LeakSanitizer
 * reports, as tests/lsan.supp says for the printing tests; so does
 * libxlsxwriter's copy of a drop-down's formula in the catalogue templates
 * (its strdup, the nearest frame a fast unwind sees).  Without
 * fast_unwind_on_malloc=0 (too slow to fuzz with) a stack ends in the
 * library, so the library is named, not the function.
 */
const char *__lsan_default_suppressions(void);

const char *
__lsan_default_suppressions(void)
{
	return "leak:libcairo.so\nleak:libfontconfig.so\nleak:lxw_strdup\n";
}

/* Milliseconds on the monotonic clock. */
static long long
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void
sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000 };

	while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
}

/* ---- the data directory ---- */

/* `fairmatch init --data DIR`: schema, offices, empty indexes, the admin, the certificate. */
static void
init_store(void)
{
	static const struct cmd_entry init = { "init", "", "", cmd_init };
	char *argv[] = { "--data", data_dir, NULL };

	if (cmd_init(&init, 2, argv) != EXIT_OK)
		fuzz_fail("fairmatch init %s failed", data_dir);
}

/*
 * The header and every nth record of a fixture CSV (quotes respected), in
 * a file of fuzz_tmpdir(); the path is valid until the next call.
 */
static const char *
fixture_every(const char *kind, int every)
{
	char *path = xasprintf("%s/catalog/%s.csv", FM_FIXTURES, kind), *name;
	struct buf keep = { 0 };
	const char *out;
	size_t record = 0;
	int c, quoted = 0;
	FILE *f;

	if ((f = fopen(path, "rb")) == NULL)
		fuzz_fail("%s: %s", path, strerror(errno));
	while ((c = getc(f)) != EOF) {
		if (record == 0 || (record - 1) % (size_t)every == 0)
			buf_addc(&keep, (char)c);
		if (c == '"')
			quoted = !quoted;
		else if (c == '\n' && !quoted)
			record++;
	}
	fclose(f);
	name = xasprintf("%s.csv", kind);
	out = fuzz_write(name, (const uint8_t *)keep.data, keep.len);
	free(name);
	free(path);
	buf_free(&keep);
	return out;
}

/* Imports part of a fixture catalogue, as `fairmatch import` does. */
static void
import_fixture(const char *kind, int every)
{
	struct import_opts o = { .uploaded_by = "cli:fuzz" };
	struct import_report rep;
	const char *path = fixture_every(kind, every);

	if (import_file(st, catalog_by_name(kind), path, &o, &rep) != 0)
		fuzz_fail("import %s: %s", path, import_report_json(&rep));
	import_report_free(&rep);
}

/* sql prepared on the harness's store; a failure is the harness's. */
static sqlite3_stmt *
prepare(const char *sql)
{
	sqlite3_stmt *q;
	char *cause = NULL;

	if (store_query(st, sql, &q, &cause) != 0)
		fuzz_fail("%s", cause);
	return q;
}

/* Runs one statement binding the account's token hash, its login and the time. */
static void
account_exec(const char *sql, const char *token, const struct account *a)
{
	sqlite3_stmt *q = prepare(sql);
	char hash[65];
	int rc;

	auth_sha256_hex(token, hash);
	sqlite3_bind_text(q, 1, hash, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(q, 2, a->login, -1, SQLITE_STATIC);
	sqlite3_bind_int64(q, 3, (sqlite3_int64)time(NULL));
	rc = sqlite3_step(q);
	sqlite3_finalize(q);
	if (rc != SQLITE_DONE)
		fuzz_fail("%s: %s", sql, sqlite3_errmsg(store_db(st)));
}

/* (Re)inserts every account's session, valid for a year. */
static void
sessions_put(void)
{
	for (size_t i = 0; i < nitems(accounts); i++)
		account_exec("INSERT OR REPLACE INTO sessions (token_hash, user_id, created_at,"
		    " expires_at) SELECT ?1, id, ?3, ?3 + 366 * 86400 FROM users WHERE login = ?2",
		    accounts[i].session, &accounts[i]);
}

/* Whether a logout (or anything else) took one of the sessions away. */
static int
sessions_missing(void)
{
	sqlite3_stmt *q = prepare("SELECT count(*) FROM sessions WHERE token_hash = ?");
	size_t found = 0;

	for (size_t i = 0; i < nitems(accounts); i++) {
		char hash[65];

		auth_sha256_hex(accounts[i].session, hash);
		sqlite3_bind_text(q, 1, hash, -1, SQLITE_TRANSIENT);
		if (sqlite3_step(q) == SQLITE_ROW)
			found += sqlite3_column_int(q, 0) > 0;
		sqlite3_reset(q);
	}
	sqlite3_finalize(q);
	return found != nitems(accounts);
}

/* The accounts, with passwords (for /login), tokens and sessions of known values. */
static void
add_accounts(void)
{
	char *made = NULL, *cause = NULL;

	for (size_t i = 0; i < nitems(accounts); i++) {
		const struct account *a = &accounts[i];
		int rc;

		if (strlen(a->token) != AUTH_TOKEN_LEN - 1 ||
		    strlen(a->session) != AUTH_TOKEN_LEN - 1)
			fuzz_fail("%s: a token is not %d characters", a->login, AUTH_TOKEN_LEN - 1);
		if (strcmp(a->login, "admin") == 0)	/* made by init */
			rc = auth_user_passwd(st, a->login, a->password, &made, &cause);
		else
			rc = auth_user_add(st, a->login, a->role, a->region, a->password, &made,
			    &cause);
		if (rc != 0)
			fuzz_fail("account %s: %s", a->login, cause);
		free(made);
		account_exec("INSERT INTO api_tokens (token_hash, user_id, label, created_at)"
		    " SELECT ?1, id, 'fuzz', ?3 FROM users WHERE login = ?2", a->token, a);
	}
	sessions_put();
}

/*
 * One fair ready for its day, as an organiser would leave it: candidates
 * matched, days and tables laid out, a schedule solved and published.  So meetings 1, 2,
 * … and the badges of its participants exist from the first input on,
 * and requests about them (lock, move, outcomes, agendas) find them.
 */
static void
prepare_fair(const char *code)
{
	struct schedule_opts so = { .time_limit = 2, .seed = 1, .publish = 1 };
	struct fair_match_stats stats;
	struct fair_setup fs;
	struct matcher *m;
	json_t *summary = NULL;
	char *cause = NULL;

	if ((m = matching_open(st, &cause)) == NULL ||
	    matching_fair(st, m, code, 3, NULL, NULL, &stats, &cause) != 0)
		fuzz_fail("matching %s: %s", code, cause);
	matcher_close(m);
	fair_setup_init(&fs);
	if (fair_setup(st, code, &fs, &summary, &cause) != 0)
		fuzz_fail("setting up %s: %s", code, cause);
	json_decref(summary);
	if (schedule_run(st, code, &so, NULL, NULL, &summary, &cause) != 0)
		fuzz_fail("scheduling %s: %s", code, cause);
	json_decref(summary);
}

/* A fresh data directory: init, the fixtures, the accounts, indexes up to date. */
static void
make_data_dir(void)
{
	char *path, *cause = NULL;
	size_t n;

	data_dir = xasprintf("%s/data", fuzz_tmpdir());
	init_store();
	if (store_open(data_dir, 0, &st, &cause) != 0)
		fuzz_fail("store_open %s: %s", data_dir, cause);
	import_fixture("supply", FUZZ_SUPPLY_EVERY);
	import_fixture("demand", FUZZ_DEMAND_EVERY);
	path = xasprintf("%s/catalog/fairs.csv", FM_FIXTURES);
	if (fair_import(st, path, &n, stderr) != 0)
		fuzz_fail("import %s failed", path);
	free(path);
	if (indexing_update(st, 0, NULL, &cause) != 0)
		fuzz_fail("indexing: %s", cause);
	add_accounts();
	prepare_fair(FUZZ_FAIR);
}

/* Removes what renders left in DATA/prints: every input may add a file. */
static void
clear_prints(void)
{
	char *dir = xasprintf("%s/prints", data_dir);
	struct dirent *de;
	DIR *d;

	if ((d = opendir(dir)) != NULL) {
		while ((de = readdir(d)) != NULL) {
			char *p;

			if (de->d_name[0] == '.')
				continue;
			p = xasprintf("%s/%s", dir, de->d_name);
			unlink(p);
			free(p);
		}
		closedir(d);
	}
	free(dir);
}

/* ---- the server ---- */

/*
 * A free loopback port, held by a bound socket (SO_REUSEPORT, as the server's
 * own) that never listens: the server can bind it too, and nobody else can.
 */
static int
reserve_port(void)
{
	struct sockaddr_in sin = { .sin_family = AF_INET };
	socklen_t len = sizeof sin;
	int one = 1;

	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if ((port_hold = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0 ||
	    setsockopt(port_hold, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) != 0 ||
	    setsockopt(port_hold, SOL_SOCKET, SO_REUSEPORT, &one, sizeof one) != 0 ||
	    bind(port_hold, (struct sockaddr *)&sin, sizeof sin) != 0 ||
	    getsockname(port_hold, (struct sockaddr *)&sin, &len) != 0)
		fuzz_fail("reserving a port: %s", strerror(errno));
	return ntohs(sin.sin_port);
}

static void
set(const char *name, const char *value)
{
	char *cause = NULL;

	if (settings_set(&cfg, name, value, &cause) != 0)
		fuzz_fail("%s", cause);
}

/* The server's thread: server_run until SIGTERM. */
static void *
server_main(void *arg)
{
	char *cause = NULL;

	if (server_run(&cfg, data_dir, &cause) != 0)
		fuzz_fail("server_run: %s", cause);
	atomic_store(&server_ended, 1);
	if (!atomic_load(&stopping)) {
		/* SIGINT or SIGTERM from outside: the server drained; the process follows. */
		fprintf(stderr, "fuzz_http: the server stopped on a signal; exiting\n");
		exit(0);
	}
	return NULL;
}

/* At exit: SIGTERM, which the server drains on, then its thread joined. */
static void
server_stop(void)
{
	struct timespec until;

	if (!server_started || pthread_equal(pthread_self(), server_thread))
		return;
	atomic_store(&stopping, 1);
	if (!atomic_load(&server_ended))
		kill(getpid(), SIGTERM);
	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += FUZZ_STOP_S;
	if (pthread_timedjoin_np(server_thread, NULL, &until) != 0) {
		fprintf(stderr, "fuzz_http: the server did not stop in %d s; leaving without"
		    " it\n", FUZZ_STOP_S);
		_exit(0);
	}
	server_started = 0;
	store_close(st);
	st = NULL;
	settings_free(&cfg);
	close(port_hold);
	free(data_dir);
}

/* Starts the server and waits until its ports are bound. */
static void
start_server(void)
{
	char port[32], *plain, *port_file = xasprintf("%s/port", fuzz_tmpdir());
	long long until;

	plain_port = reserve_port();
	snprintf(port, sizeof port, "%d", plain_port);
	plain = xasprintf("127.0.0.1:%s", port);
	settings_init(&cfg);
	set("listen", "127.0.0.1:0");
	set("redirect_listen", "");
	set("plain_listen", plain);
	set("port_file", port_file);
	set("access_log", "/dev/null");		/* formatted, written, kept nowhere */
	set("threads", "1");
	set("max_connections", "32");
	set("max_header_bytes", "4k");
	set("max_body_bytes", "4k");
	set("max_upload_bytes", "12k");
	set("timeout_seconds", "5");
	set("login_per_minute", "10");
	set("search_cache", "16");
	free(plain);

	if (pthread_create(&server_thread, NULL, server_main, NULL) != 0)
		fuzz_fail("pthread_create: %s", strerror(errno));
	server_started = 1;
	atexit(server_stop);
	/* The port file is written once the sockets listen and the signals are caught. */
	for (until = now_ms() + 60000; access(port_file, F_OK) != 0; sleep_ms(10))
		if (now_ms() > until || atomic_load(&server_ended))
			fuzz_fail("the server did not start");
	free(port_file);
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	show_replies = getenv("FUZZ_HTTP_SHOW") != NULL;
	make_data_dir();
	start_server();
	return 0;
}

/* ---- one exchange ---- */

/*
 * Sends data on a new connection to the plain port and reads the replies
 * into *out (up to FUZZ_REPLY_MAX) until the server closes, or for
 * FUZZ_REPLY_MS at most.  The connection is half-closed once everything is
 * sent and nothing has come back for quiet_ms (at once if 0): sooner, and
 * libevent would take the EOF for the end of a pipeline it has read but
 * not yet answered (it sees EOF before the rest of its input buffer).
 * 0, or -1 if the time was up first.
 */
static int
exchange(const void *data, size_t size, int quiet_ms, struct buf *out)
{
	struct sockaddr_in sin = { .sin_family = AF_INET };
	long long deadline = now_ms() + FUZZ_REPLY_MS, last = now_ms();
	const char *p = data;
	size_t sent = 0;
	int fd, shut = 0, rc = -1;

	sin.sin_port = htons((uint16_t)plain_port);
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if ((fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0 ||
	    connect(fd, (struct sockaddr *)&sin, sizeof sin) != 0)
		fuzz_fail("connect to 127.0.0.1:%d: %s", plain_port, strerror(errno));
	fcntl(fd, F_SETFL, O_NONBLOCK);
	for (;;) {
		struct pollfd pfd = { fd, POLLIN, 0 };
		long long now = now_ms(), wait = deadline - now;
		char chunk[16384];
		ssize_t n;

		if (sent == size && !shut && now - last >= quiet_ms) {
			shutdown(fd, SHUT_WR);
			shut = 1;
			if (show_replies && quiet_ms > 0)
				fprintf(stderr, "fuzz_http: quiet for %d ms: half-closed\n", quiet_ms);
		}
		if (wait <= 0)
			break;
		if (sent < size)
			pfd.events |= POLLOUT;
		else if (!shut && last + quiet_ms - now < wait)
			wait = last + quiet_ms - now;
		if (poll(&pfd, 1, (int)wait) <= 0)
			continue;
		if (pfd.revents & POLLOUT) {
			n = send(fd, p + sent, size - sent, MSG_NOSIGNAL);
			if (n > 0)
				sent += (size_t)n;
			else if (n < 0 && errno != EAGAIN && errno != EINTR)
				sent = size;	/* the server closed: read what it said */
			last = now_ms();
		}
		if (pfd.revents & (POLLIN | POLLHUP | POLLERR)) {
			n = recv(fd, chunk, sizeof chunk, 0);
			if (n > 0 && out->len < FUZZ_REPLY_MAX)
				buf_add(out, chunk, (size_t)n);
			else if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) {
				rc = 0;
				break;
			}
			last = now_ms();
		}
	}
	close(fd);
	return rc;
}

/* The value of header name in the header block [h, end), or NULL; *len its length. */
static const char *
header_value(const char *h, const char *end, const char *name, size_t *len)
{
	size_t n = strlen(name);

	while (h < end) {
		const char *eol = memmem(h, (size_t)(end - h), "\r\n", 2);

		if (eol == NULL)
			eol = end;
		if ((size_t)(eol - h) > n && strncasecmp(h, name, n) == 0 && h[n] == ':') {
			const char *v = h + n + 1;

			while (v < eol && *v == ' ')
				v++;
			*len = (size_t)(eol - v);
			return v;
		}
		h = eol + 2;
	}
	return NULL;
}

/*
 * Whether the requests in data end inside a body, short of its
 * Content-Length: then the server waits for the rest (the request sent
 * after the input becomes part of the body) and only the half-close ends
 * it.  A guess that reads headers as libevent roughly does; a wrong one
 * costs time, never a finding.
 */
static int
body_cut_short(const char *data, size_t size)
{
	size_t pos = 0;

	while (pos < size) {
		const char *h = data + pos, *end = memmem(h, size - pos, "\r\n\r\n", 4), *v;
		size_t vlen, tlen;
		long clen;
		char num[24];

		if (end == NULL)
			return 0;
		v = header_value(h, end, "Content-Length", &vlen);
		pos = (size_t)(end - data) + 4;
		if (v == NULL || header_value(h, end, "Transfer-Encoding", &tlen) != NULL)
			continue;
		if (vlen == 0 || vlen >= sizeof num)
			return 0;
		memcpy(num, v, vlen);
		num[vlen] = '\0';
		if (parse_long(num, 0, LONG_MAX, &clen) != 0)
			return 0;
		if ((size_t)clen > size - pos)
			return 1;
		pos += (size_t)clen;
	}
	return 0;
}

/*
 * Checks the replies in r[0..len): each a status line, headers, and a body
 * of Content-Length bytes; every JSON reply valid JSON, with the security
 * headers that http_send adds, and an error reply saying which error.  A
 * HEAD request's replies have no body, which this reading cannot tell from
 * the next reply: with has_head, bodies are not looked into.  The version
 * is the request's, echoed by libevent ("HTTP/0.1", even "HTTP/-1.5"), so
 * only "HTTP/" is required of it.
 */
static void
check_replies(const char *r, size_t len, int has_head)
{
	static const char proto[] = "HTTP/";

	while (len > 0) {
		const char *end, *sp, *v;
		size_t hlen, vlen;
		long status, clen;
		char num[24];
		json_t *j;

		if (memcmp(r, proto, len < sizeof proto - 1 ? len : sizeof proto - 1) != 0)
			fuzz_fail("a reply that is not HTTP: \"%.*s\"", (int)(len < 80 ? len : 80),
			    r);
		if ((end = memmem(r, len, "\r\n\r\n", 4)) == NULL)
			return;		/* cut short */
		hlen = (size_t)(end - r) + 4;
		if ((sp = memchr(r, ' ', (size_t)(end - r))) == NULL || end - sp < 4)
			fuzz_fail("a status line without a status: \"%.*s\"", 40, r);
		memcpy(num, sp + 1, 3);
		num[3] = '\0';
		if (parse_long(num, 100, 599, &status) != 0)
			fuzz_fail("a status line without a status: \"%.*s\"", 40, r);
		if (status < 200 || status == 204 || status == 304) {
			r += hlen;
			len -= hlen;
			continue;
		}
		if ((v = header_value(r, end, "Content-Length", &vlen)) == NULL || vlen == 0 ||
		    vlen >= sizeof num)
			return;
		memcpy(num, v, vlen);
		num[vlen] = '\0';
		if (parse_long(num, 0, FUZZ_REPLY_MAX, &clen) != 0 || has_head ||
		    len - hlen < (size_t)clen)
			return;
		/* An empty body (a redirect) has evhttp's default type, which says nothing. */
		v = header_value(r, end, "Content-Type", &vlen);
		if (clen > 0 && v != NULL && vlen >= 16 && strncmp(v, "application/json", 16) == 0) {
			if (header_value(r, end, "X-Content-Type-Options", &vlen) == NULL ||
			    header_value(r, end, "Content-Security-Policy", &vlen) == NULL)
				fuzz_fail("a %ld reply without the security headers", status);
			if ((j = json_loadb(r + hlen, (size_t)clen, 0, NULL)) == NULL)
				fuzz_fail("a %ld reply that is not JSON: \"%.*s\"", status,
				    (int)(clen < 200 ? clen : 200), r + hlen);
			/* An error says which; a finished job (422, 500) is the job itself. */
			if (status >= 400 && !json_is_string(json_object_get(j, "error")) &&
			    !json_is_string(json_object_get(j, "state")))
				fuzz_fail("a %ld reply without an error code: \"%.*s\"", status,
				    (int)(clen < 200 ? clen : 200), r + hlen);
			json_decref(j);
		}
		r += hlen + (size_t)clen;
		len -= hlen + (size_t)clen;
	}
}

/* Waits until the writer has no job queued or running (as /healthz says), or the time is up. */
static void
settle(void)
{
	static const char ask[] = "GET /healthz HTTP/1.0\r\n\r\n";
	long long until = now_ms() + FUZZ_SETTLE_MS;
	struct buf b = { 0 };

	do {
		buf_reset(&b);
		if (exchange(ask, sizeof ask - 1, 0, &b) == 0 && b.len > 0 &&
		    memmem(b.data, b.len, "\"jobs_pending\":0,", 17) != NULL)
			break;
		sleep_ms(5);
	} while (now_ms() < until);
	buf_free(&b);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char end[] = FUZZ_TAIL;
	struct buf in = { 0 }, reply = { 0 };
	long long start;
	int late;

	if (sessions_missing())
		sessions_put();
	if (++inputs % FUZZ_PRINTS_EVERY == 0)
		clear_prints();
	buf_add(&in, data, size);
	buf_add(&in, end, sizeof end - 1);
	if (show_replies)
		fprintf(stderr, "fuzz_http: %zu bytes sent\n%.*s\n", size,
		    (int)(size < 1024 ? size : 1024), (const char *)data);
	start = now_ms();
	late = exchange(in.data, in.len, body_cut_short((const char *)data, size) ?
	    FUZZ_SHORT_MS : FUZZ_QUIET_MS, &reply) != 0;
	if (show_replies)
		fprintf(stderr, "fuzz_http: %s%zu bytes back in %lld ms\n%.*s\n",
		    late ? "(timed out) " : "", reply.len, now_ms() - start,
		    (int)(reply.len < 4096 ? reply.len : 4096), reply.len > 0 ? reply.data : "");
	if (reply.len > 0)
		check_replies(reply.data, reply.len, memmem(data, size, "HEAD", 4) != NULL);
	if (late || (reply.len > 0 && memmem(reply.data, reply.len, " 202 Accepted\r\n", 14) != NULL))
		settle();
	if (show_replies)
		fprintf(stderr, "fuzz_http: input done in %lld ms\n", now_ms() - start);
	buf_free(&in);
	buf_free(&reply);
	return 0;
}
