/*
 * uploads.c — reading the record of catalogue uploads.
 */
#include <stdlib.h>
#include <string.h>

#include "uploads.h"
#include "util.h"

/* Finishes q; on failure drops *out and returns -1 with *cause. */
static int
finish_row(struct store *st, sqlite3_stmt *q, json_t **out, char **cause)
{
	if (store_finish(st, q, cause) == 0)
		return 0;
	json_decref(*out);
	*out = NULL;
	return -1;
}

int
upload_by_receipt(struct store *st, const char *receipt, json_t **out, char **cause)
{
	sqlite3_stmt *q;

	*out = NULL;
	if (store_query(st, "SELECT id, report FROM uploads WHERE receipt = ?", &q, cause) != 0)
		return -1;
	sqlite3_bind_text(q, 1, receipt, -1, SQLITE_STATIC);
	if (sqlite3_step(q) == SQLITE_ROW) {
		*out = json_loads((const char *)sqlite3_column_text(q, 1), 0, NULL);
		if (*out == NULL)
			*out = json_object();
		json_object_set_new(*out, "upload_id", json_integer(sqlite3_column_int64(q, 0)));
	}
	return finish_row(st, q, out, cause);
}

#define UPLOAD_COLUMNS "SELECT u.id, u.kind, u.filename, u.size, u.format, u.charset," \
	" u.uploaded_by, u.uploaded_at, u.rows, u.inserted, u.updated, u.unchanged"

/*
 * The uploads in scope: an admin all, an office its own; tail adds to WHERE.
 * NULL with *cause.
 */
static sqlite3_stmt *
uploads_query(struct store *st, const struct upload_scope *scope, const char *select,
    const char *tail, char **cause)
{
	char *sql = xasprintf("%s FROM uploads u LEFT JOIN users us ON us.id = u.user_id WHERE"
	    " (?1 OR us.office_id = (SELECT office_id FROM users WHERE id = ?2)) %s", select, tail);
	sqlite3_stmt *q;
	int rc = store_query(st, sql, &q, cause);

	free(sql);
	if (rc != 0)
		return NULL;
	sqlite3_bind_int(q, 1, scope->all != 0);
	sqlite3_bind_int64(q, 2, scope->user_id);
	return q;
}

/* A row of UPLOAD_COLUMNS as JSON. */
static json_t *
upload_json(sqlite3_stmt *q)
{
	return json_pack("{s:I, s:s, s:s, s:I, s:s, s:s?, s:s, s:s, s:I, s:I, s:I, s:I}",
	    "id", (json_int_t)sqlite3_column_int64(q, 0),
	    "kind", (const char *)sqlite3_column_text(q, 1),
	    "filename", (const char *)sqlite3_column_text(q, 2),
	    "size", (json_int_t)sqlite3_column_int64(q, 3),
	    "format", (const char *)sqlite3_column_text(q, 4),
	    "charset", (const char *)sqlite3_column_text(q, 5),
	    "uploaded_by", (const char *)sqlite3_column_text(q, 6),
	    "uploaded_at", (const char *)sqlite3_column_text(q, 7),
	    "rows", (json_int_t)sqlite3_column_int64(q, 8),
	    "inserted", (json_int_t)sqlite3_column_int64(q, 9),
	    "updated", (json_int_t)sqlite3_column_int64(q, 10),
	    "unchanged", (json_int_t)sqlite3_column_int64(q, 11));
}

/*
 * The newest 200 rejected upload attempts in scope, newest first: the
 * import jobs whose report says the file was refused (nothing of it is in
 * uploads), as {job, kind, filename, uploaded_by, uploaded_at, rows,
 * error_count, rejected: true}.  NULL with *cause.
 */
static json_t *
rejected_list_json(struct store *st, const struct upload_scope *scope, char **cause)
{
	sqlite3_stmt *q;
	json_t *a;

	if (store_query(st, "SELECT j.id, json_extract(j.result, '$.kind'),"
	    " json_extract(j.result, '$.file'), coalesce(us.login, '?'),"
	    " strftime('%Y-%m-%dT%H:%M:%SZ', j.created, 'unixepoch'),"
	    " coalesce(json_extract(j.result, '$.rows'), 0),"
	    " coalesce(json_extract(j.result, '$.error_count'), 0)"
	    " FROM jobs j LEFT JOIN users us ON us.id = j.user_id"
	    " WHERE j.kind = 'import' AND j.state = 'done' AND json_valid(j.result)"
	    " AND json_extract(j.result, '$.ok') = 0"
	    " AND (?1 OR us.office_id = (SELECT office_id FROM users WHERE id = ?2))"
	    " ORDER BY j.id DESC LIMIT 200", &q, cause) != 0)
		return NULL;
	sqlite3_bind_int(q, 1, scope->all != 0);
	sqlite3_bind_int64(q, 2, scope->user_id);
	a = json_array();
	while (sqlite3_step(q) == SQLITE_ROW)
		json_array_append_new(a, json_pack("{s:I, s:s?, s:s?, s:s, s:s, s:I, s:I, s:b}",
		    "job", (json_int_t)sqlite3_column_int64(q, 0),
		    "kind", (const char *)sqlite3_column_text(q, 1),
		    "filename", (const char *)sqlite3_column_text(q, 2),
		    "uploaded_by", (const char *)sqlite3_column_text(q, 3),
		    "uploaded_at", (const char *)sqlite3_column_text(q, 4),
		    "rows", (json_int_t)sqlite3_column_int64(q, 5),
		    "error_count", (json_int_t)sqlite3_column_int64(q, 6),
		    "rejected", 1));
	return finish_row(st, q, &a, cause) == 0 ? a : NULL;
}

/* Merges two lists, each newest first by uploaded_at, into one; takes both. */
static json_t *
merge_newest_first(json_t *a, json_t *b)
{
	json_t *out = json_array();
	size_t i = 0, j = 0;

	while (i < json_array_size(a) || j < json_array_size(b)) {
		json_t *x = json_array_get(a, i), *y = json_array_get(b, j);
		const char *tx = json_string_value(json_object_get(x, "uploaded_at"));
		const char *ty = json_string_value(json_object_get(y, "uploaded_at"));

		if (y == NULL || (x != NULL && strcmp(tx ? tx : "", ty ? ty : "") >= 0))
			json_array_append(out, json_array_get(a, i++));
		else
			json_array_append(out, json_array_get(b, j++));
	}
	json_decref(a);
	json_decref(b);
	return out;
}

json_t *
upload_list_json(struct store *st, const struct upload_scope *scope, char **cause)
{
	sqlite3_stmt *q = uploads_query(st, scope, UPLOAD_COLUMNS, "ORDER BY u.id DESC LIMIT 200",
	    cause);
	json_t *a, *rejected;

	if (q == NULL)
		return NULL;
	a = json_array();
	while (sqlite3_step(q) == SQLITE_ROW)
		json_array_append_new(a, upload_json(q));
	if (finish_row(st, q, &a, cause) != 0)
		return NULL;
	if ((rejected = rejected_list_json(st, scope, cause)) == NULL) {
		json_decref(a);
		return NULL;
	}
	return merge_newest_first(a, rejected);
}

int
upload_get_json(struct store *st, const struct upload_scope *scope, int64_t id, json_t **out,
    char **cause)
{
	sqlite3_stmt *q = uploads_query(st, scope, UPLOAD_COLUMNS ", u.report", "AND u.id = ?3",
	    cause);

	*out = NULL;
	if (q == NULL)
		return -1;
	sqlite3_bind_int64(q, 3, id);
	if (sqlite3_step(q) == SQLITE_ROW) {
		*out = upload_json(q);
		json_object_set_new(*out, "report", json_loads((const char *)
		    sqlite3_column_text(q, 12), 0, NULL));
	}
	return finish_row(st, q, out, cause);
}
