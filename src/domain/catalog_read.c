/*
 * catalog_read.c — reading the catalogues for the API and the commands.
 */
#include <string.h>

#include "catalog_read.h"
#include "util.h"

/* A row as a JSON object keyed by column names; NULL columns left out. */
static json_t *
row_json(sqlite3_stmt *q)
{
	json_t *o = json_object();

	for (int i = 0; i < sqlite3_column_count(q); i++) {
		const char *name = sqlite3_column_name(q, i);

		switch (sqlite3_column_type(q, i)) {
		case SQLITE_INTEGER:
			json_object_set_new(o, name, json_integer(sqlite3_column_int64(q, i)));
			break;
		case SQLITE_FLOAT:
			json_object_set_new(o, name, json_real(sqlite3_column_double(q, i)));
			break;
		case SQLITE_TEXT:
			json_object_set_new(o, name, json_string((const char *)
			    sqlite3_column_text(q, i)));
			break;
		default:
			break;
		}
	}
	return o;
}

int
catalog_item_json(struct store *st, const char *kind, const char *code, json_t **out,
    char **cause)
{
	static const char product_sql[] =
	    "SELECT p.code, p.name, p.category, p.spec, p.brand, p.price, p.price_min,"
	    " p.price_max, p.unit, p.moq, p.honours, p.keywords, p.description, p.contact, p.phone,"
	    " p.updated_at, s.name AS company, s.city, s.county, s.credit_code"
	    " FROM products p JOIN suppliers s ON s.id = p.supplier_id WHERE p.code = ?";
	static const char demand_sql[] =
	    "SELECT d.code, d.product, d.category, d.description, d.quantity, d.unit,"
	    " d.price, d.price_min, d.price_max, d.deadline, d.contact, d.phone, d.updated_at,"
	    " b.name AS buyer, b.province, b.city, b.buyer_type"
	    " FROM demands d JOIN buyers b ON b.id = d.buyer_id WHERE d.code = ?";
	sqlite3_stmt *q;

	*out = NULL;
	if (store_query(st, strcmp(kind, "demand") == 0 ? demand_sql : product_sql, &q,
	    cause) != 0)
		return -1;
	sqlite3_bind_text(q, 1, code, -1, SQLITE_TRANSIENT);
	if (sqlite3_step(q) == SQLITE_ROW)
		*out = row_json(q);
	if (store_finish(st, q, cause) != 0) {
		json_decref(*out);
		*out = NULL;
		return -1;
	}
	return 0;
}

int
catalog_totals(struct store *st, struct catalog_totals *t, char **cause)
{
	if ((t->products = store_scalar(st, "SELECT count(*) FROM products", cause)) < 0 ||
	    (t->suppliers = store_scalar(st, "SELECT count(*) FROM suppliers", cause)) < 0 ||
	    (t->demands = store_scalar(st, "SELECT count(*) FROM demands", cause)) < 0 ||
	    (t->buyers = store_scalar(st, "SELECT count(*) FROM buyers", cause)) < 0 ||
	    (t->uploads = store_scalar(st, "SELECT count(*) FROM uploads", cause)) < 0)
		return -1;
	return 0;
}

json_t *
catalog_by_region(struct store *st, const char *kind, char **cause)
{
	sqlite3_stmt *q;
	json_t *o;

	if (store_query(st, strcmp(kind, "demand") == 0 ?
	    "SELECT b.province, count(*) FROM demands d JOIN buyers b ON b.id = d.buyer_id"
	    " GROUP BY b.province ORDER BY count(*) DESC, b.province" :
	    "SELECT s.city, count(*) FROM products p JOIN suppliers s ON s.id = p.supplier_id"
	    " GROUP BY s.city ORDER BY count(*) DESC, s.city", &q, cause) != 0)
		return NULL;
	o = json_object();
	while (sqlite3_step(q) == SQLITE_ROW)
		json_object_set_new(o, (const char *)sqlite3_column_text(q, 0),
		    json_integer(sqlite3_column_int64(q, 1)));
	if (store_finish(st, q, cause) != 0) {
		json_decref(o);
		return NULL;
	}
	return o;
}
