/*
 * matching.c — the matcher over the store, and a fair's batch of candidates.
 */
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "fair.h"
#include "indexing.h"
#include "matching.h"
#include "results.h"
#include "util.h"

struct matcher *
matching_open(struct store *st, char **cause)
{
	struct matcher *m;
	char *dir;

	if (indexing_catch_up_if_behind(st, cause) != 0)
		return NULL;
	dir = indexing_xapian_dir(st);
	m = matcher_open(store_db(st), dir, cause);
	free(dir);
	return m;
}

struct matcher *
matching_open_as_is(struct store *st, char **cause)
{
	char *dir = indexing_xapian_dir(st);
	struct matcher *m = matcher_open(store_db(st), dir, cause);

	free(dir);
	return m;
}

int
matching_fair(struct store *st, struct matcher *m, const char *code, size_t top,
    void (*progress)(void *arg, size_t done, size_t total), void *arg,
    struct fair_match_stats *stats, char **cause)
{
	struct match_opts mo = { .limit = top };
	sqlite3_stmt *dq = NULL, *ins = NULL, *del = NULL;
	struct fair fair;
	size_t total = 0;
	int rc = 0, step;

	memset(stats, 0, sizeof *stats);
	if (fair_get(st, code, &fair, cause) != 0)
		return -1;
	mo.regions = (const char *const *)fair.cities;
	mo.nregions = fair.ncities;
	if (store_query(st, "SELECT d.code, d.id FROM demands d JOIN buyers b ON b.id ="
	    " d.buyer_id WHERE NOT EXISTS (SELECT 1 FROM fair_provinces WHERE fair_id = ?1) OR"
	    " b.province IN (SELECT province FROM fair_provinces WHERE fair_id = ?1) ORDER BY d.id",
	    &dq, cause) != 0 || store_query(st, "INSERT INTO candidates (fair_id, demand_id,"
	    " product_id, rank, score, why) VALUES (?, ?, ?, ?, ?, ?)", &ins, cause) != 0 ||
	    store_query(st, "DELETE FROM candidates WHERE fair_id = ?", &del, cause) != 0) {
		sqlite3_finalize(dq);
		sqlite3_finalize(ins);
		fair_clear(&fair);
		return -1;
	}
	sqlite3_bind_int64(dq, 1, fair.id);
	while ((step = sqlite3_step(dq)) == SQLITE_ROW)
		total++;
	sqlite3_reset(dq);
	if (step != SQLITE_DONE) {
		*cause = store_error(st, "demands");
		rc = -1;
	}
	if (rc == 0 && store_begin(st, cause) != 0)
		rc = -1;
	if (rc == 0) {
		sqlite3_bind_int64(del, 1, fair.id);
		rc = store_run(st, del, cause);
	}
	while (rc == 0 && (step = sqlite3_step(dq)) == SQLITE_ROW) {
		const char *dcode = (const char *)sqlite3_column_text(dq, 0);
		int64_t did = sqlite3_column_int64(dq, 1);
		struct match_result res;
		char *why_not = NULL;

		stats->demands++;
		if (match_code(m, "demand", dcode, &mo, &res, &why_not) != 0) {
			/* A demand with nothing to match on has no candidates; go on. */
			free(why_not);
			stats->skipped++;
			continue;
		}
		for (size_t i = 0; i < res.nhits && rc == 0; i++) {
			json_t *why = match_why_json(&res.hits[i]);

			sqlite3_bind_int64(ins, 1, fair.id);
			sqlite3_bind_int64(ins, 2, did);
			sqlite3_bind_int64(ins, 3, res.hits[i].id);
			sqlite3_bind_int64(ins, 4, (sqlite3_int64)i + 1);
			sqlite3_bind_double(ins, 5, res.hits[i].score);
			sqlite3_bind_text(ins, 6, json_dumps(why, JSON_COMPACT), -1, free);
			rc = store_run(st, ins, cause);
			json_decref(why);
			stats->candidates++;
		}
		match_result_free(&res);
		if (progress != NULL)
			progress(arg, stats->demands, total);
	}
	if (rc == 0 && step != SQLITE_DONE) {
		*cause = store_error(st, "demands");
		rc = -1;
	}
	sqlite3_finalize(dq);
	sqlite3_finalize(ins);
	sqlite3_finalize(del);
	if (rc == 0 && store_commit(st, cause) != 0)
		rc = -1;
	if (rc != 0)
		store_rollback(st);
	fair_clear(&fair);
	return rc;
}
