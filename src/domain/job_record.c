/*
 * job_record.c — the jobs table: the writer records each job as it starts
 * and finishes, the upload receipt records its job before the reply, and
 * GET /api/v1/jobs/ID reads a job no longer in memory from here.
 */
#include <stdlib.h>
#include <string.h>

#include "job_record.h"
#include "util.h"

int
job_record_save(struct store *st, const struct job_record *r, int only_new, char **cause)
{
	sqlite3_stmt *q;
	char *result = r->result != NULL ? json_dumps(r->result, JSON_COMPACT) : NULL;
	int rc;

	rc = store_query(st, only_new ?
	    "INSERT OR IGNORE INTO jobs (id, kind, user_id, state, progress, message, error,"
	    " result, receipt, created, finished) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)" :
	    "INSERT INTO jobs (id, kind, user_id, state, progress, message, error, result,"
	    " receipt, created, finished) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
	    " ON CONFLICT (id) DO UPDATE SET state = excluded.state,"
	    " progress = excluded.progress, message = excluded.message, error = excluded.error,"
	    " result = excluded.result, finished = excluded.finished,"
	    " receipt = coalesce(jobs.receipt, excluded.receipt)", &q, cause);
	if (rc != 0) {
		free(result);
		return -1;
	}
	sqlite3_bind_int64(q, 1, r->id);
	sqlite3_bind_text(q, 2, r->kind, -1, SQLITE_STATIC);
	if (r->user_id > 0)
		sqlite3_bind_int64(q, 3, r->user_id);
	sqlite3_bind_text(q, 4, r->state, -1, SQLITE_STATIC);
	sqlite3_bind_double(q, 5, r->progress);
	sqlite3_bind_text(q, 6, r->message, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 7, r->error, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 8, result, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 9, r->receipt, -1, SQLITE_STATIC);
	sqlite3_bind_int64(q, 10, (sqlite3_int64)r->created);
	if (r->finished != 0)
		sqlite3_bind_int64(q, 11, (sqlite3_int64)r->finished);
	rc = store_run(st, q, cause);
	store_finish(st, q, NULL);
	free(result);
	return rc;
}

json_t *
job_record_json(struct store *st, long long id, int64_t user_id, int any_user, char **cause)
{
	sqlite3_stmt *q;
	json_t *o = NULL;

	if (store_query_id(st, "SELECT kind, state, progress, message, error, result, created,"
	    " finished, coalesce(user_id, 0) FROM jobs WHERE id = ?", id, &q, cause) != 0)
		return NULL;
	if (sqlite3_step(q) == SQLITE_ROW &&
	    (any_user || sqlite3_column_int64(q, 8) == user_id)) {
		o = json_pack("{s:I, s:s, s:s, s:f, s:s?, s:I}", "id", (json_int_t)id,
		    "kind", (const char *)sqlite3_column_text(q, 0),
		    "state", (const char *)sqlite3_column_text(q, 1),
		    "progress", sqlite3_column_double(q, 2),
		    "message", (const char *)sqlite3_column_text(q, 3),
		    "created", (json_int_t)sqlite3_column_int64(q, 6));
		if (sqlite3_column_type(q, 4) != SQLITE_NULL)
			json_object_set_new(o, "error",
			    json_string((const char *)sqlite3_column_text(q, 4)));
		if (sqlite3_column_type(q, 5) != SQLITE_NULL) {
			json_t *r = json_loads((const char *)sqlite3_column_text(q, 5), 0, NULL);

			if (r != NULL)
				json_object_set_new(o, "result", r);
		}
		if (sqlite3_column_type(q, 7) != SQLITE_NULL)
			json_object_set_new(o, "finished",
			    json_integer(sqlite3_column_int64(q, 7)));
	}
	if (store_finish(st, q, cause) != 0) {
		json_decref(o);
		return NULL;
	}
	return o;
}

long long
job_record_by_receipt(struct store *st, const char *receipt, char **cause)
{
	sqlite3_stmt *q;
	long long id = 0;

	if (store_query(st, "SELECT id FROM jobs WHERE receipt = ? ORDER BY id DESC LIMIT 1", &q,
	    cause) != 0)
		return -1;
	sqlite3_bind_text(q, 1, receipt, -1, SQLITE_STATIC);
	if (sqlite3_step(q) == SQLITE_ROW)
		id = sqlite3_column_int64(q, 0);
	return store_finish(st, q, cause) == 0 ? id : -1;
}

int
job_record_interrupted(struct store *st, char **cause)
{
	/*
	 * An upload imported before the stop, whose job was not yet recorded as
	 * done (the spool file was already gone): done, with its report.
	 */
	if (store_exec(st, "UPDATE jobs SET state = 'done', progress = 1, message = NULL,"
	    " finished = unixepoch(), result = (SELECT json_set(u.report, '$.upload_id', u.id)"
	    " FROM uploads u WHERE u.receipt = jobs.receipt)"
	    " WHERE state IN ('queued', 'running') AND receipt IS NOT NULL"
	    " AND EXISTS (SELECT 1 FROM uploads u WHERE u.receipt = jobs.receipt)", cause) != 0)
		return -1;
	if (store_exec(st, "UPDATE jobs SET state = 'failed', finished = unixepoch(),"
	    " message = '服务在任务完成前停止，请重新提交 / the server stopped before this job"
	    " finished: submit it again' WHERE state IN ('queued', 'running')", cause) != 0)
		return -1;
	return sqlite3_changes(store_db(st));
}

long long
job_record_last_id(struct store *st, char **cause)
{
	return store_scalar(st, "SELECT coalesce(max(id), 0) FROM jobs", cause);
}
