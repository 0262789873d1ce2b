/*
 * test_server_parts.c — the server's small pieces on their own: settings
 * (table, INI file, messages), the multipart reader, the sign-in rate
 * limit, the search cache, and jobs (progress, results, a full table).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "config.h"
#include "jobs.h"
#include "multipart.h"
#include "ratelimit.h"
#include "search_cache.h"
#include "store.h"
#include "testutil.h"

/* Defaults, byte sizes with units, and refusals that name the setting and the value. */
static void
test_settings(void **state)
{
	struct settings s;
	char *dir = test_tmpdir("settings"), *path, *cause = NULL;

	settings_init(&s);
	assert_string_equal(s.listen, "0.0.0.0:8443");
	assert_int_equal(s.max_upload_bytes, 64L << 20);
	assert_int_equal(settings_set(&s, "max_header_bytes", "32k", &cause), 0);
	assert_int_equal(s.max_header_bytes, 32768);
	assert_int_equal(settings_set(&s, "threads", "lots", &cause), -1);
	assert_non_null(strstr(cause, "threads"));
	assert_non_null(strstr(cause, "lots"));
	free(cause);
	assert_int_equal(settings_set(&s, "listen", "localhost", &cause), -1);
	assert_non_null(strstr(cause, "ADDRESS:PORT"));
	free(cause);
	assert_int_equal(settings_set(&s, "no_such", "1", &cause), -1);
	free(cause);
	/* public_url: links and QR codes; kept without the trailing slash. */
	assert_int_equal(settings_set(&s, "public_url", "https://192.168.1.10:8443/", &cause), 0);
	assert_string_equal(s.public_url, "https://192.168.1.10:8443");
	assert_int_equal(settings_set(&s, "public_url", "192.168.1.10", &cause), -1);
	assert_non_null(strstr(cause, "public_url"));
	assert_non_null(strstr(cause, "https://HOST[:PORT]/"));
	free(cause);
	assert_int_equal(settings_set(&s, "public_url", "https://fair.lan:99999/", &cause), -1);
	free(cause);
	assert_string_equal(s.public_url, "https://192.168.1.10:8443");
	assert_int_equal(settings_set(&s, "host_names", "fair.lan, hall-b.lan", &cause), 0);
	{
		char **names = settings_cert_names(&s);

		assert_string_equal(names[0], "192.168.1.10");
		assert_string_equal(names[1], "fair.lan");
		assert_string_equal(names[2], "hall-b.lan");
		assert_null(names[3]);
		settings_cert_names_free(names);
	}

	path = test_write(dir, "ok.conf", "; a comment\n[server]\nlisten = 127.0.0.1:9443\n"
	    "[limits]\nmax_upload_bytes = 2m\n");
	assert_int_equal(settings_load(&s, path, 1, &cause), 0);
	assert_string_equal(s.listen, "127.0.0.1:9443");
	assert_int_equal(s.max_upload_bytes, 2L << 20);
	free(path);
	path = test_write(dir, "bad.conf", "[server]\nlisten = 127.0.0.1:9443\ntimeout_seconds = 0\n");
	assert_int_equal(settings_load(&s, path, 1, &cause), -1);
	assert_non_null(strstr(cause, "bad.conf"));
	assert_non_null(strstr(cause, "timeout_seconds"));
	free(cause);
	free(path);
	path = test_write(dir, "junk.conf", "[server]\nthis line has no equals sign\n");
	assert_int_equal(settings_load(&s, path, 1, &cause), -1);
	assert_non_null(strstr(cause, "line 2"));
	free(cause);
	free(path);
	/* A missing file is fine unless it was asked for. */
	assert_int_equal(settings_load(&s, "/nonexistent/fairmatch.conf", 0, &cause), 0);
	assert_int_equal(settings_load(&s, "/nonexistent/fairmatch.conf", 1, &cause), -1);
	free(cause);
	settings_free(&s);
	test_rmtree(dir);
	free(dir);
}

/* The "file" part is found in place, with its filename; a form without one is refused. */
static void
test_multipart(void **state)
{
	static const char body[] =
	    "--XyZ\r\nContent-Disposition: form-data; name=\"note\"\r\n\r\nhello\r\n"
	    "--XyZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"杭州 目录.csv\"\r\n"
	    "Content-Type: text/csv\r\n\r\n产品编号,产品名称\r\nHZ-1,龙井\r\n\r\n--XyZ--\r\n";
	static const char no_file[] =
	    "--XyZ\r\nContent-Disposition: form-data; name=\"note\"\r\n\r\nhello\r\n--XyZ--\r\n";
	const char *data;
	size_t len;
	char *name, *cause = NULL, *b;

	b = multipart_param("multipart/form-data; boundary=XyZ", "boundary");
	assert_string_equal(b, "XyZ");
	free(b);
	b = multipart_param("multipart/form-data; boundary=\"a b\"", "boundary");
	assert_string_equal(b, "a b");
	free(b);
	assert_null(multipart_param("text/csv", "boundary"));
	/* "filename" must not be taken for "name". */
	b = multipart_param("form-data; filename=\"x.csv\"", "name");
	assert_null(b);

	assert_int_equal(multipart_find_file(body, sizeof body - 1, "XyZ", &data, &len, &name,
	    &cause), 0);
	assert_string_equal(name, "杭州 目录.csv");
	assert_int_equal(len, strlen("产品编号,产品名称\r\nHZ-1,龙井\r\n"));
	assert_memory_equal(data, "产品编号,产品名称\r\nHZ-1,龙井\r\n", len);
	free(name);
	assert_int_equal(multipart_find_file(no_file, sizeof no_file - 1, "XyZ", &data, &len,
	    &name, &cause), -1);
	assert_non_null(strstr(cause, "file"));
	free(cause);
	/* Cut short: no closing delimiter after the content. */
	assert_int_equal(multipart_find_file(body, 120, "XyZ", &data, &len, &name, &cause), -1);
	free(cause);
}

/* After per_minute failures an address waits; another address does not. */
static void
test_ratelimit(void **state)
{
	struct ratelimit *rl = ratelimit_new(3);

	for (int i = 0; i < 3; i++) {
		assert_int_equal(ratelimit_wait(rl, "10.0.0.5"), 0);
		ratelimit_fail(rl, "10.0.0.5");
	}
	assert_true(ratelimit_wait(rl, "10.0.0.5") > 0);
	assert_true(ratelimit_wait(rl, "10.0.0.5") <= 60);
	assert_int_equal(ratelimit_wait(rl, "10.0.0.6"), 0);
	ratelimit_free(rl);
}

/*
 * The minute slides: failures that straddle a minute boundary still count
 * together, and each ages out exactly a minute after it happened.
 */
static void
test_ratelimit_sliding(void **state)
{
	struct ratelimit *rl = ratelimit_new(5);
	time_t t0 = 1800000000;		/* a round minute */

	ratelimit_fail_at(rl, "10.0.0.7", t0 - 2);
	ratelimit_fail_at(rl, "10.0.0.7", t0 - 1);
	ratelimit_fail_at(rl, "10.0.0.7", t0);
	ratelimit_fail_at(rl, "10.0.0.7", t0 + 1);
	assert_int_equal(ratelimit_wait_at(rl, "10.0.0.7", t0 + 2), 0);
	ratelimit_fail_at(rl, "10.0.0.7", t0 + 2);
	/* Five in five seconds: wait until the first is a minute old. */
	assert_int_equal(ratelimit_wait_at(rl, "10.0.0.7", t0 + 2), 56);
	assert_int_equal(ratelimit_wait_at(rl, "10.0.0.7", t0 + 57), 1);
	assert_int_equal(ratelimit_wait_at(rl, "10.0.0.7", t0 + 58), 0);
	/* One more makes five again, until the oldest left ages out. */
	ratelimit_fail_at(rl, "10.0.0.7", t0 + 58);
	assert_int_equal(ratelimit_wait_at(rl, "10.0.0.7", t0 + 58), 1);
	/* A minute of quiet forgets everything. */
	assert_int_equal(ratelimit_wait_at(rl, "10.0.0.7", t0 + 200), 0);
	/* An old failure does not start a minute that cuts a later burst in two. */
	ratelimit_fail_at(rl, "10.0.0.8", t0);
	for (int i = 0; i < 5; i++)
		ratelimit_fail_at(rl, "10.0.0.8", t0 + 58 + i);
	assert_int_equal(ratelimit_wait_at(rl, "10.0.0.8", t0 + 62), 56);
	ratelimit_free(rl);
}

/* A reply is reused for the same key and version, and forgotten when the version moves. */
static void
test_search_cache(void **state)
{
	struct search_cache *c = search_cache_new(8);

	assert_null(search_cache_new(0));
	assert_null(search_cache_get(c, "/api/v1/search?q=茶", 1));
	search_cache_put(c, "/api/v1/search?q=茶", 1, "{\"total\":3}");
	assert_string_equal(search_cache_get(c, "/api/v1/search?q=茶", 1), "{\"total\":3}");
	assert_null(search_cache_get(c, "/api/v1/search?q=茶叶", 1));
	assert_null(search_cache_get(c, "/api/v1/search?q=茶", 2));
	assert_null(search_cache_get(c, "/api/v1/search?q=茶", 2));
	/* A put made for an old version is dropped. */
	search_cache_put(c, "/api/v1/search?q=茶", 1, "{\"total\":3}");
	assert_null(search_cache_get(c, "/api/v1/search?q=茶", 2));
	search_cache_free(c);
}

struct waited {
	int	 calls;
	json_t	*job;
};

/* jobs_on_done's callback: keeps the job's JSON. */
static void
on_done(void *arg, json_t *job)
{
	struct waited *w = arg;

	w->calls++;
	json_decref(w->job);
	w->job = job;
}

/* A job that reports progress and returns its argument doubled. */
static int
double_job(struct job *j, struct store *st, void *arg, json_t **result, char **cause)
{
	job_progress(j, 0.5, "半程 / halfway");
	*result = json_pack("{s:i}", "value", 2 * *(int *)arg);
	return 0;
}

/* A job that fails with a message. */
static int
failing_job(struct job *j, struct store *st, void *arg, json_t **result, char **cause)
{
	*cause = strdup("文件坏了 / the file is broken");
	return -1;
}

/* A job that waits until told, to keep the table full. */
static int
blocking_job(struct job *j, struct store *st, void *arg, json_t **result, char **cause)
{
	while (!*(volatile int *)arg)
		usleep(1000);
	*result = json_object();
	return 0;
}

/* Jobs run in order on the writer, keep their results, are private, and a full table refuses. */
static void
test_jobs(void **state)
{
	char *dir = test_tmpdir("jobs"), *cause = NULL;
	struct store *st;
	struct jobs *js;
	struct waited w = { 0, NULL };
	int arg = 21, release = 0;
	long long id, bad, blocked[600];
	size_t nblocked = 0;

	assert_int_equal(store_open(dir, 1, &st, &cause), 0);
	store_close(st);
	js = jobs_start(dir, 10000, &cause);
	assert_non_null(js);
	id = jobs_submit(js, "double", 7, double_job, &arg, NULL);
	assert_true(id > 0);
	assert_int_equal(jobs_on_done(js, id, on_done, &w), 0);
	bad = jobs_submit(js, "fail", 7, failing_job, NULL, NULL);
	while (jobs_pending(js) > 0)
		usleep(1000);
	assert_int_equal(w.calls, 1);
	assert_string_equal(json_string_value(json_object_get(w.job, "state")), "done");
	assert_int_equal(json_integer_value(json_object_get(json_object_get(w.job, "result"),
	    "value")), 42);
	json_decref(w.job);
	w.job = jobs_json(js, bad, 7, 0);
	assert_string_equal(json_string_value(json_object_get(w.job, "state")), "failed");
	assert_non_null(strstr(json_string_value(json_object_get(w.job, "message")), "broken"));
	json_decref(w.job);
	/* Another user does not see it; an admin does. */
	assert_null(jobs_json(js, bad, 8, 0));
	w.job = jobs_json(js, bad, 8, 1);
	assert_non_null(w.job);
	assert_int_equal(json_integer_value(json_object_get(w.job, "id")), bad);
	assert_string_equal(json_string_value(json_object_get(w.job, "state")), "failed");
	json_decref(w.job);
	/* Waiting on a finished job answers at once. */
	w.job = NULL;
	w.calls = 0;
	assert_int_equal(jobs_on_done(js, id, on_done, &w), 0);
	assert_int_equal(w.calls, 1);
	json_decref(w.job);
	assert_int_equal(jobs_on_done(js, 12345, on_done, &w), -1);

	/* Fill the table with unfinished jobs: the next is refused, not a crash. */
	while (nblocked < 600 && (blocked[nblocked] = jobs_submit(js, "block", 1, blocking_job,
	    &release, NULL)) > 0)
		nblocked++;
	/* The table keeps 512 jobs; the finished ones made room, then the 513th is refused. */
	assert_int_equal(nblocked, 512);
	assert_int_equal(blocked[512], -1);
	release = 1;
	jobs_stop(js);
	test_rmtree(dir);
	free(dir);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_settings),
		cmocka_unit_test(test_multipart),
		cmocka_unit_test(test_ratelimit),
		cmocka_unit_test(test_ratelimit_sliding),
		cmocka_unit_test(test_search_cache),
		cmocka_unit_test(test_jobs),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
