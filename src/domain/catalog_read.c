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
	    " p.updated_at, p.withdrawn_at, p.withdrawn_by, s.name AS company, s.city, s.county,"
	    " s.credit_code, s.id AS supplier_id"
	    " FROM products p JOIN suppliers s ON s.id = p.supplier_id WHERE p.code = ?";
	static const char demand_sql[] =
	    "SELECT d.code, d.product, d.category, d.description, d.quantity, d.unit,"
	    " d.price, d.price_min, d.price_max, d.deadline, d.contact, d.phone, d.updated_at,"
	    " d.withdrawn_at, d.withdrawn_by,"
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

void
catalog_filter_sql(const struct catalog *cat, const struct catalog_filter *f, struct buf *sql)
{
	buf_addstr(sql, " WHERE 1");
	if (f == NULL)
		return;
	if (f->none)
		buf_addstr(sql, " AND 0");
	if (f->region != NULL)
		buf_addf(sql, " AND o.%s = :region", cat->fields[cat->region_field].column);
	if (f->category != NULL)
		buf_addstr(sql, " AND i.category = :category");
	if (f->since != NULL)
		buf_addstr(sql, " AND i.updated_at >= :since");
	if (f->offered)
		buf_addstr(sql, " AND i.withdrawn_at IS NULL");
}

void
catalog_filter_bind(sqlite3_stmt *q, const struct catalog_filter *f)
{
	const struct {
		const char	*name;
		const char	*value;
	} params[] = {
		{ ":region", f != NULL ? f->region : NULL },
		{ ":category", f != NULL ? f->category : NULL },
		{ ":since", f != NULL ? f->since : NULL },
	};

	for (size_t i = 0; i < nitems(params); i++) {
		int at = sqlite3_bind_parameter_index(q, params[i].name);

		if (at > 0)
			sqlite3_bind_text(q, at, params[i].value, -1, SQLITE_TRANSIENT);
	}
}

/* The ORDER BY for sort ("code", "-updated", …); 0, or -1 if it names no field. */
static int
list_order(const struct catalog *cat, const char *sort, struct buf *sql)
{
	int desc = 0;

	if (sort == NULL || *sort == '\0')
		sort = "-updated";
	if (*sort == '-') {
		desc = 1;
		sort++;
	}
	if (strcmp(sort, "updated") == 0) {
		buf_addf(sql, " ORDER BY i.updated_at%s, i.code", desc ? " DESC" : "");
		return 0;
	}
	for (size_t f = 0; f < cat->nfields; f++) {
		const struct field_spec *fs = &cat->fields[f];

		if (strcmp(fs->key, sort) == 0) {
			buf_addf(sql, " ORDER BY %s.%s%s, i.code", fs->home == HOME_ITEM ? "i" : "o",
			    fs->column, desc ? " DESC" : "");
			return 0;
		}
	}
	return -1;
}

json_t *
catalog_list_json(struct store *st, const char *kind, const struct catalog_filter *f,
    const char *sort, long long offset, long long limit, long long *total, char **cause)
{
	const struct catalog *cat = catalog_by_name(kind != NULL ? kind : "");
	struct buf sql = { 0 }, where = { 0 };
	sqlite3_stmt *q;
	json_t *list;

	if (cat == NULL) {
		*cause = xasprintf("未知目录 %s（可用 supply、demand） / unknown catalogue %s"
		    " (supply or demand)", kind != NULL ? kind : "", kind != NULL ? kind : "");
		return NULL;
	}
	catalog_filter_sql(cat, f, &where);
	buf_addf(&sql, "SELECT count(*) FROM %s i JOIN %s o ON o.id = i.%s%s", cat->item_table,
	    cat->owner_table, cat->owner_fk, where.data);
	if (store_query(st, sql.data, &q, cause) != 0)
		goto fail;
	catalog_filter_bind(q, f);
	*total = sqlite3_step(q) == SQLITE_ROW ? sqlite3_column_int64(q, 0) : 0;
	if (store_finish(st, q, cause) != 0)
		goto fail;
	buf_free(&sql);
	buf_addstr(&sql, "SELECT ");
	for (size_t i = 0; i < cat->nfields; i++) {
		const struct field_spec *fs = &cat->fields[i];

		buf_addf(&sql, "%s.%s AS %s, ", fs->home == HOME_ITEM ? "i" : "o", fs->column,
		    fs->key);
	}
	buf_addf(&sql, "i.updated_at, i.withdrawn_at FROM %s i JOIN %s o ON o.id = i.%s%s",
	    cat->item_table, cat->owner_table, cat->owner_fk, where.data);
	if (list_order(cat, sort, &sql) != 0) {
		*cause = xasprintf("不能按 %s 排序（可用 updated 或目录的字段名，前加 - 为倒序） /"
		    " cannot sort by %s (updated or a field name; - first for descending)", sort,
		    sort);
		goto fail;
	}
	buf_addf(&sql, " LIMIT %lld OFFSET %lld", limit, offset);
	if (store_query(st, sql.data, &q, cause) != 0)
		goto fail;
	catalog_filter_bind(q, f);
	list = json_array();
	while (sqlite3_step(q) == SQLITE_ROW)
		json_array_append_new(list, row_json(q));
	if (store_finish(st, q, cause) != 0) {
		json_decref(list);
		goto fail;
	}
	buf_free(&sql);
	buf_free(&where);
	return list;
fail:
	buf_free(&sql);
	buf_free(&where);
	return NULL;
}
