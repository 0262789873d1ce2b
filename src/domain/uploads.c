/*
 * uploads.c — reading the record of catalogue uploads.
 */
#include <stdlib.h>

#include "uploads.h"
#include "util.h"

json_t *
upload_by_receipt(struct store *st, const char *receipt)
{
	sqlite3_stmt *q = store_prepare(st, "SELECT id, report FROM uploads WHERE receipt = ?");
	json_t *o = NULL;

	sqlite3_bind_text(q, 1, receipt, -1, SQLITE_STATIC);
	if (sqlite3_step(q) == SQLITE_ROW) {
		o = json_loads((const char *)sqlite3_column_text(q, 1), 0, NULL);
		if (o == NULL)
			o = json_object();
		json_object_set_new(o, "upload_id", json_integer(sqlite3_column_int64(q, 0)));
	}
	sqlite3_finalize(q);
	return o;
}

#define UPLOAD_COLUMNS "SELECT u.id, u.kind, u.filename, u.size, u.format, u.charset," \
	" u.uploaded_by, u.uploaded_at, u.rows, u.inserted, u.updated, u.unchanged"

/* The uploads in scope: an admin all, an office its own; tail adds to WHERE. */
static sqlite3_stmt *
uploads_query(struct store *st, const struct upload_scope *scope, const char *select,
    const char *tail)
{
	char *sql = xasprintf("%s FROM uploads u LEFT JOIN users us ON us.id = u.user_id WHERE"
	    " (?1 OR us.office_id = (SELECT office_id FROM users WHERE id = ?2)) %s", select, tail);
	sqlite3_stmt *q = store_prepare(st, sql);

	free(sql);
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

json_t *
upload_list_json(struct store *st, const struct upload_scope *scope)
{
	sqlite3_stmt *q = uploads_query(st, scope, UPLOAD_COLUMNS, "ORDER BY u.id DESC LIMIT 200");
	json_t *a = json_array();

	while (sqlite3_step(q) == SQLITE_ROW)
		json_array_append_new(a, upload_json(q));
	sqlite3_finalize(q);
	return a;
}

json_t *
upload_get_json(struct store *st, const struct upload_scope *scope, int64_t id)
{
	sqlite3_stmt *q = uploads_query(st, scope, UPLOAD_COLUMNS ", u.report", "AND u.id = ?3");
	json_t *o = NULL;

	sqlite3_bind_int64(q, 3, id);
	if (sqlite3_step(q) == SQLITE_ROW) {
		o = upload_json(q);
		json_object_set_new(o, "report", json_loads((const char *)
		    sqlite3_column_text(q, 12), 0, NULL));
	}
	sqlite3_finalize(q);
	return o;
}
