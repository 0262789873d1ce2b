/*
 * rows.c — a statement's rows as JSON objects, keyed by column name.
 */
#include <jansson.h>
#include <sqlite3.h>

#include "rows.h"

json_t *
rows_json(struct store *st, sqlite3_stmt *q, char **cause)
{
	json_t *list = json_array();

	while (sqlite3_step(q) == SQLITE_ROW) {
		json_t *o = json_object();

		for (int k = 0; k < sqlite3_column_count(q); k++) {
			json_t *v;

			switch (sqlite3_column_type(q, k)) {
			case SQLITE_INTEGER:
				v = json_integer(sqlite3_column_int64(q, k));
				break;
			case SQLITE_FLOAT:
				v = json_real(sqlite3_column_double(q, k));
				break;
			case SQLITE_NULL:
				v = json_null();
				break;
			default:
				v = json_string((const char *)sqlite3_column_text(q, k));
				break;
			}
			json_object_set_new(o, sqlite3_column_name(q, k), v);
		}
		json_array_append_new(list, o);
	}
	if (store_finish(st, q, cause) != 0) {
		json_decref(list);
		return NULL;
	}
	return list;
}

json_t *
rows_query(struct store *st, const char *sql, int64_t a, int64_t b, char **cause)
{
	sqlite3_stmt *q;

	if (store_query_id(st, sql, a, &q, cause) != 0)
		return NULL;
	if (sqlite3_bind_parameter_count(q) >= 2)
		sqlite3_bind_int64(q, 2, b);
	return rows_json(st, q, cause);
}
