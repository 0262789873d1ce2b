/*
 * test_serve_file.c — the serving layer a from-scratch build saves is the
 * one a server would have built: loaded, it answers searches, browsing and
 * matching exactly as the layer built from the store does; a truncated,
 * corrupted, other-version, otherwise weighted or stale file is refused
 * with a reason and the
 * layer is built instead, with the same answers; and a file saved before a
 * catalogue change answers with the change once loaded (the log after it
 * is replayed), as a layer that followed the change does.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <zlib.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "import.h"
#include "indexing.h"
#include "search.h"
#include "serve_file.h"
#include "serve_load.h"
#include "store.h"
#include "testutil.h"
#include "util.h"

static struct store *st;
static struct tokenizer *tk;
static struct serve_scratch *scratch;
static char *dir, *path;

static const char *queries[] = { "龙井", "茶叶", "longjing", "lj", "保温杯", "电动工具", "LED",
    "DZ47", "丝绸 围巾", "杭州 茶", "不锈钢", "紫砂壶新款样品" };

static void
load(const char *kind, const char *file)
{
	struct import_opts o = { .uploaded_by = "cli:test" };
	struct import_report rep;
	char *p = xasprintf("%s/catalog/%s", FM_FIXTURES, file);

	if (import_file(st, catalog_by_name(kind), p, &o, &rep) != 0)
		fail_msg("import %s: %s", file, import_report_json(&rep));
	import_report_free(&rep);
	free(p);
}

static void
rebuild(void)
{
	char *cause = NULL;

	if (indexing_update(st, 1, NULL, &cause) != 0)
		fail_msg("%s", cause);
	assert_int_equal(access(path, R_OK), 0);
}

static int
setup(void **state)
{
	char *cause = NULL;

	dir = test_tmpdir("servefile");
	if (store_open(dir, 1, &st, &cause) != 0 || (tk = tokenizer_new(&cause)) == NULL)
		fail_msg("%s", cause);
	load("supply", "supply.csv");
	load("demand", "demand.csv");
	path = indexing_serve_file(st);
	scratch = serve_scratch_new();
	return 0;
}

static int
teardown(void **state)
{
	serve_scratch_free(scratch);
	tokenizer_free(tk);
	store_close(st);
	test_rmtree(dir);
	free(dir);
	free(path);
	return 0;
}

static void
same_search(struct serve *a, struct serve *b, const char *q)
{
	struct search_opts o = { .kind = "supply", .limit = 20 };
	struct search_result x, y;
	char *cause = NULL;

	if (search_serve_run(store_db(st), tk, a, scratch, q, 0, &o, &x, &cause) != 0 ||
	    search_serve_run(store_db(st), tk, b, scratch, q, 0, &o, &y, &cause) != 0)
		fail_msg("%s: %s", q, cause);
	if (x.total != y.total || x.nhits != y.nhits)
		fail_msg("%s: %ld total, %zu hits loaded; %ld, %zu built", q, x.total, x.nhits,
		    y.total, y.nhits);
	for (size_t i = 0; i < x.nhits; i++)
		if (strcmp(x.hits[i].code, y.hits[i].code) != 0 || x.hits[i].score != y.hits[i].score)
			fail_msg("%s: hit %zu is %s (%.9g) loaded, %s (%.9g) built", q, i + 1,
			    x.hits[i].code, x.hits[i].score, y.hits[i].code, y.hits[i].score);
	assert_int_equal(x.nregions, y.nregions);
	for (size_t i = 0; i < x.nregions; i++) {
		assert_string_equal(x.regions[i].value, y.regions[i].value);
		assert_int_equal(x.regions[i].count, y.regions[i].count);
	}
	assert_int_equal(x.ncategories, y.ncategories);
	for (size_t i = 0; i < x.ncategories; i++) {
		assert_string_equal(x.categories[i].value, y.categories[i].value);
		assert_int_equal(x.categories[i].count, y.categories[i].count);
	}
	search_result_free(&x);
	search_result_free(&y);
}

/* The supplier with the most live products in the fixtures. */
static int64_t
exhibitor(void)
{
	sqlite3_stmt *q;
	int64_t id = 0;

	if (sqlite3_prepare_v2(store_db(st), "SELECT supplier_id FROM products WHERE withdrawn_at"
	    " IS NULL GROUP BY supplier_id ORDER BY count(*) DESC LIMIT 1", -1, &q, NULL) !=
	    SQLITE_OK)
		fail_msg("%s", sqlite3_errmsg(store_db(st)));
	if (sqlite3_step(q) == SQLITE_ROW)
		id = sqlite3_column_int64(q, 0);
	sqlite3_finalize(q);
	assert_true(id > 0);
	return id;
}

/* Browsing q lists the same products in the same order in a and b, and some. */
static void
same_browse(struct serve *a, struct serve *b, const struct serve_query *q)
{
	struct serve_result x, y;

	serve_browse(a, scratch, q, &x);
	serve_browse(b, scratch, q, &y);
	assert_true(x.total > 0);
	assert_int_equal(x.total, y.total);
	assert_int_equal(x.nhits, y.nhits);
	for (size_t i = 0; i < x.nhits; i++)
		assert_int_equal(x.hits[i].id, y.hits[i].id);
	serve_result_free(&x);
	serve_result_free(&y);
}

/* Layers a (loaded) and b (built) answer alike: searches, browsing, a match. */
static void
same_answers(struct serve *a, struct serve *b)
{
	struct serve_query bq = { .limit = 1000, .facets = 1, .category = "茶叶" };
	struct serve_match_token mt[] = { { "龙井", 6, 4.0 }, { "茶叶", 6, 2.0 }, { "杯", 3, 0.3 } };
	struct serve_match_query mq = { .tokens = mt, .ntokens = 3, .limit = 50 };
	struct serve_match_result mx, my;
	struct serve_stats sa, sb;

	for (size_t i = 0; i < nitems(queries); i++)
		same_search(a, b, queries[i]);
	same_browse(a, b, &bq);
	/* One exhibitor's products: the exhibitor ids are saved too. */
	bq = (struct serve_query){ .limit = 1000, .facets = 1, .exhibitor = exhibitor() };
	same_browse(a, b, &bq);
	serve_match(a, scratch, &mq, &mx);
	serve_match(b, scratch, &mq, &my);
	assert_true(mx.n > 0);
	assert_int_equal(mx.n, my.n);
	for (size_t i = 0; i < mx.n; i++) {
		assert_int_equal(mx.ids[i], my.ids[i]);
		assert_true(mx.scores[i] == my.scores[i]);
		for (size_t k = 0; k < mq.ntokens; k++)
			assert_int_equal(mx.masks[i * mq.ntokens + k], my.masks[i * mq.ntokens + k]);
	}
	serve_match_result_free(&mx);
	serve_match_result_free(&my);
	serve_stats(a, &sa);
	serve_stats(b, &sb);
	assert_int_equal(sa.docs, sb.docs);
	assert_int_equal(sa.tokens, sb.tokens);
	assert_int_equal(sa.postings, sb.postings);
	assert_int_equal(sa.forward, sb.forward);
}

static struct serve *
built(void)
{
	char *cause = NULL;
	struct serve *sv = serve_load(store_db(st), tk, "supply", &cause);

	if (sv == NULL)
		fail_msg("%s", cause);
	return sv;
}

/* The file as the rebuild saved it is used, and answers as the built layer. */
static void
test_saved_answers_as_built(void **state)
{
	struct serve *a, *b;
	char *cause = NULL, *why = NULL, *note = NULL;

	rebuild();
	if ((a = serve_file_load(path, &why)) == NULL)
		fail_msg("%s", why);
	serve_free(a);
	if ((a = serve_open(store_db(st), tk, "supply", path, &note, &cause)) == NULL)
		fail_msg("%s", cause);
	assert_null(note);
	b = built();
	same_answers(a, b);
	serve_free(a);
	serve_free(b);
}

/* Rewrites the file at path: bytes [at, at + n) become p, or it ends at at (p NULL). */
static void
damage(long at, const void *p, size_t n)
{
	FILE *f = fopen(path, "r+b");

	assert_non_null(f);
	if (p == NULL)
		assert_int_equal(ftruncate(fileno(f), at), 0);
	else {
		assert_int_equal(fseek(f, at, SEEK_SET), 0);
		assert_int_equal(fwrite(p, 1, n, f), n);
	}
	fclose(f);
}

/* A file that cannot be used says why, and the layer is built with the same answers. */
static void
refused(const char *reason)
{
	struct serve *a, *b;
	char *cause = NULL, *why = NULL, *note = NULL;

	/* A stale or otherwise weighted file is sound: only serve_open refuses it. */
	a = serve_file_load(path, &why);
	if (a != NULL && strstr(reason, "stale") == NULL && strstr(reason, "otherwise") == NULL)
		fail_msg("a damaged file was loaded (%s)", reason);
	serve_free(a);
	free(why);
	if ((a = serve_open(store_db(st), tk, "supply", path, &note, &cause)) == NULL)
		fail_msg("%s", cause);
	if (note == NULL || strstr(note, reason) == NULL)
		fail_msg("wanted a note saying %s, got %s", reason, note ? note : "none");
	free(note);
	b = built();
	same_answers(a, b);
	serve_free(a);
	serve_free(b);
}

/*
 * The first field's weight in the saved layer doubled, and the file's
 * CRC-32 made again.  The file: a 40-byte head (magic 8, format, tokenizer,
 * seq, payload bytes, CRC at 32, padding), then the payload, whose saved
 * scalars are 18 counts of 8 bytes and the seq before the weights.
 */
static void
reweigh(void)
{
	FILE *f = fopen(path, "r+b");
	long size;
	unsigned char *p;
	double w;
	uint32_t crc;

	assert_non_null(f);
	fseek(f, 0, SEEK_END);
	size = ftell(f);
	p = xmalloc((size_t)size);
	fseek(f, 0, SEEK_SET);
	assert_int_equal(fread(p, 1, (size_t)size, f), (size_t)size);
	memcpy(&w, p + 40 + 19 * 8, sizeof w);
	assert_true(w > 0);
	w *= 2;
	memcpy(p + 40 + 19 * 8, &w, sizeof w);
	crc = (uint32_t)crc32(crc32(0L, Z_NULL, 0), p + 40, (uInt)(size - 40));
	memcpy(p + 32, &crc, sizeof crc);
	fseek(f, 0, SEEK_SET);
	assert_int_equal(fwrite(p, 1, (size_t)size, f), (size_t)size);
	fclose(f);
	free(p);
}

static void
test_bad_file_is_rebuilt(void **state)
{
	long size;
	FILE *f;
	uint32_t other = 999;
	char byte;

	rebuild();
	f = fopen(path, "rb");
	assert_non_null(f);
	fseek(f, 0, SEEK_END);
	size = ftell(f);
	fclose(f);
	assert_true(size > 4096);
	damage(size / 2, NULL, 0);
	refused("truncated");

	rebuild();
	f = fopen(path, "rb");
	fseek(f, size / 2, SEEK_SET);
	assert_int_equal(fread(&byte, 1, 1, f), 1);
	fclose(f);
	byte ^= 0x20;
	damage(size / 2, &byte, 1);
	refused("corrupted");

	rebuild();
	damage(12, &other, sizeof other);	/* the tokenizer version, after magic and format */
	refused("another version");

	/*
	 * Weighed by another build: a field's weight differs, the file is
	 * otherwise sound (its checksum made again), as when a weight changes
	 * in the code and the format is not bumped.
	 */
	rebuild();
	reweigh();
	refused("weighs the fields otherwise");

	/* The log no longer holds a change made after the file was saved. */
	rebuild();
	assert_int_equal(sqlite3_exec(store_db(st), "UPDATE products SET name = name || '（新）'"
	    " WHERE id = (SELECT min(id) FROM products); DELETE FROM index_log", NULL, NULL, NULL),
	    SQLITE_OK);
	refused("stale");
}

/*
 * Saved, then the catalogue changes (a product renamed, one withdrawn): the
 * loaded file replays the log and finds the new name, not the withdrawn
 * product, exactly as a layer built before the change and kept up to date.
 */
static void
test_file_before_change_follows_it(void **state)
{
	struct serve *before, *a;
	struct search_opts o = { .kind = "supply", .limit = 20 };
	struct search_result r;
	char *cause = NULL, *note = NULL;
	long long renamed, gone;

	rebuild();
	before = built();
	renamed = test_scalar(st, "SELECT min(id) FROM products");
	gone = test_scalar(st, "SELECT max(id) FROM products");
	assert_int_equal(sqlite3_exec(store_db(st), "UPDATE products SET name = '紫砂壶新款样品'"
	    " WHERE id = (SELECT min(id) FROM products);"
	    "UPDATE products SET withdrawn_at = '2026-12-01T00:00:00Z'"
	    " WHERE id = (SELECT max(id) FROM products)", NULL, NULL, NULL), SQLITE_OK);
	if (indexing_update(st, 0, NULL, &cause) != 0 ||
	    serve_catch_up(before, store_db(st), tk, "supply", NULL, &cause) != 0)
		fail_msg("%s", cause);
	if ((a = serve_open(store_db(st), tk, "supply", path, &note, &cause)) == NULL)
		fail_msg("%s", cause);
	assert_null(note);
	if (search_serve_run(store_db(st), tk, a, scratch, "紫砂壶新款样品", 0, &o, &r, &cause) != 0)
		fail_msg("%s", cause);
	assert_true(r.nhits >= 1);
	assert_int_equal(r.hits[0].id, renamed);
	search_result_free(&r);
	for (uint32_t d = 0; d < 100000; d++)
		assert_true(serve_docid_product(a, d) != gone);
	same_answers(a, before);
	serve_free(a);
	serve_free(before);
}

/*
 * An empty store saves no file; a file saved from a few products and then
 * the catalogue's first whole import is not followed (every impact would
 * keep the small build's average length): the layer is built from the
 * store, with the scores a fresh build gives.
 */
static void
test_small_file_then_import_is_rebuilt(void **state)
{
	struct store *keep_st = st;
	char *keep_path = path, *keep_dir = dir, *cause = NULL, *note = NULL, *head;
	struct import_opts o = { .uploaded_by = "cli:test" };
	struct import_report rep;
	struct serve *a, *b;
	char line[4096];
	FILE *in, *out;

	dir = test_tmpdir("servefile-small");
	if (store_open(dir, 1, &st, &cause) != 0)
		fail_msg("%s", cause);
	path = indexing_serve_file(st);
	if (indexing_update(st, 1, NULL, &cause) != 0)
		fail_msg("%s", cause);
	assert_int_not_equal(access(path, F_OK), 0);
	/* The header and eight products, saved; then all of them. */
	head = xasprintf("%s/head.csv", dir);
	in = fopen(FM_FIXTURES "/catalog/supply.csv", "r");
	out = fopen(head, "w");
	assert_non_null(in);
	assert_non_null(out);
	for (int i = 0; i < 9 && fgets(line, sizeof line, in) != NULL; i++)
		fputs(line, out);
	fclose(in);
	assert_int_equal(fclose(out), 0);
	if (import_file(st, catalog_by_name("supply"), head, &o, &rep) != 0)
		fail_msg("import: %s", import_report_json(&rep));
	import_report_free(&rep);
	free(head);
	rebuild();
	load("supply", "supply.csv");
	if (indexing_update(st, 0, NULL, &cause) != 0)
		fail_msg("%s", cause);
	if ((a = serve_open(store_db(st), tk, "supply", path, &note, &cause)) == NULL)
		fail_msg("%s", cause);
	assert_non_null(note);
	free(note);
	b = built();
	same_answers(a, b);
	serve_free(a);
	serve_free(b);
	store_close(st);
	test_rmtree(dir);
	free(dir);
	free(path);
	st = keep_st, path = keep_path, dir = keep_dir;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_saved_answers_as_built),
		cmocka_unit_test(test_bad_file_is_rebuilt),
		cmocka_unit_test(test_file_before_change_follows_it),
		cmocka_unit_test(test_small_file_then_import_is_rebuilt),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
