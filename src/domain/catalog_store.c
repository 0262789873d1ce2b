/*
 * catalog_store.c — upserting catalogue rows with SQL generated from the
 * field table.
 */
#include <stdlib.h>
#include <string.h>

#include "catalog_store.h"
#include "util.h"

/* One bound value: which field, and which part of it. */
enum slot_part { PART_TEXT, PART_MIN, PART_MAX, PART_NUM };

struct slot {
	const char	*column;
	size_t		 field;
	enum slot_part	 part;
};

struct catalog_writer {
	struct store		*st;
	const struct catalog	*cat;
	struct slot		*item;		/* item columns, code first */
	size_t			 nitem;
	struct slot		*okey;		/* owner key columns */
	size_t			 nokey;
	struct slot		*oattr;		/* owner attribute columns */
	size_t			 noattr;
	sqlite3_stmt		*owner_get;	/* id by key */
	sqlite3_stmt		*owner_ins;
	sqlite3_stmt		*owner_upd;	/* fills/changes attributes, only if different */
	sqlite3_stmt		*item_region;	/* the region owning a code */
	sqlite3_stmt		*item_upd;	/* only if something differs */
	sqlite3_stmt		*item_ins;	/* only if the code is new */
	struct strset		*owners_seen;	/* owners written by this writer */
	struct buf		 key;		/* scratch: an owner's key */
};

/* Appends the store columns of field f to a slot list. */
static void
slots_add(struct slot **s, size_t *n, const struct field_spec *fs, size_t f)
{
	static const char *price_parts[] = { "price", "price_min", "price_max" };

	if (fs->type == FT_PRICE) {
		*s = xreallocarray(*s, *n + 3, sizeof **s);
		for (int i = 0; i < 3; i++)
			(*s)[(*n)++] = (struct slot){ price_parts[i], f, (enum slot_part)i };
		return;
	}
	*s = xreallocarray(*s, *n + 1, sizeof **s);
	(*s)[(*n)++] = (struct slot){ fs->column, f,
	    fs->type == FT_QUANTITY ? PART_NUM : PART_TEXT };
}

/* Binds slot s's value from vals at parameter index idx. */
static void
slot_bind(sqlite3_stmt *stmt, int idx, const struct slot *s, const struct field_value *vals)
{
	const struct field_value *v = &vals[s->field];

	if (v->text == NULL) {
		sqlite3_bind_null(stmt, idx);
		return;
	}
	switch (s->part) {
	case PART_TEXT:
		sqlite3_bind_text(stmt, idx, v->text, -1, SQLITE_STATIC);
		break;
	case PART_MIN:
	case PART_MAX:
		if (v->num[0] < 0)	/* 面议: no number */
			sqlite3_bind_null(stmt, idx);
		else
			sqlite3_bind_double(stmt, idx, v->num[s->part == PART_MIN ? 0 : 1]);
		break;
	case PART_NUM:
		sqlite3_bind_double(stmt, idx, v->num[0]);
		break;
	}
}

/* Builds the statements from the field table. */
static int
writer_prepare(struct catalog_writer *w, char **cause)
{
	const struct catalog *cat = w->cat;
	struct buf a = { 0 }, b = { 0 }, c = { 0 };
	size_t i;
	int rc = -1;

	for (size_t f = 0; f < cat->nfields; f++) {
		const struct field_spec *fs = &cat->fields[f];

		if (fs->home == HOME_ITEM)
			slots_add(&w->item, &w->nitem, fs, f);
		else if (fs->home == HOME_OWNER_KEY)
			slots_add(&w->okey, &w->nokey, fs, f);
		else
			slots_add(&w->oattr, &w->noattr, fs, f);
	}

	/* SELECT id FROM owner WHERE k1 = ?1 AND k2 = ?2 */
	buf_addf(&a, "SELECT id FROM %s WHERE ", cat->owner_table);
	for (i = 0; i < w->nokey; i++)
		buf_addf(&a, "%s%s = ?%zu", i ? " AND " : "", w->okey[i].column, i + 1);
	if (store_query(w->st, a.data, &w->owner_get, cause) != 0)
		goto fail;
	buf_reset(&a);

	/* INSERT INTO owner (id, keys, attrs) VALUES (site_id('owner'), ?1, …): docs/sync.md */
	buf_addf(&a, "INSERT INTO %s (id", cat->owner_table);
	buf_addf(&b, "site_id('%s')", cat->owner_table);
	for (i = 0; i < w->nokey + w->noattr; i++) {
		const struct slot *s = i < w->nokey ? &w->okey[i] : &w->oattr[i - w->nokey];

		buf_addf(&a, ", %s", s->column);
		buf_addf(&b, ", ?%zu", i + 1);
	}
	buf_addf(&a, ") VALUES (%s)", b.data);
	if (store_query(w->st, a.data, &w->owner_ins, cause) != 0)
		goto fail;
	buf_reset(&a);
	buf_reset(&b);

	/* UPDATE owner SET a = coalesce(?1, a) … WHERE id = ?N AND (?1 IS NOT NULL AND ?1 IS NOT a OR …) */
	buf_addf(&a, "UPDATE %s SET ", cat->owner_table);
	for (i = 0; i < w->noattr; i++) {
		const char *col = w->oattr[i].column;

		buf_addf(&a, "%s%s = coalesce(?%zu, %s)", i ? ", " : "", col, i + 1, col);
		buf_addf(&b, "%s(?%zu IS NOT NULL AND ?%zu IS NOT %s)", i ? " OR " : "", i + 1,
		    i + 1, col);
	}
	buf_addf(&a, " WHERE id = ?%zu AND (%s)", w->noattr + 1, b.data);
	if (store_query(w->st, a.data, &w->owner_upd, cause) != 0)
		goto fail;
	buf_reset(&a);
	buf_reset(&b);

	buf_addf(&a, "SELECT o.%s FROM %s i JOIN %s o ON o.id = i.%s WHERE i.code = ?1",
	    cat->fields[cat->region_field].column, cat->item_table, cat->owner_table,
	    cat->owner_fk);
	if (store_query(w->st, a.data, &w->item_region, cause) != 0)
		goto fail;
	buf_reset(&a);

	/*
	 * UPDATE item SET c = ?i, …, fk = ?F, upload_id = ?U, updated_at = now
	 * WHERE code = ?1 AND (c IS NOT ?i OR … OR fk IS NOT ?F)
	 */
	buf_addf(&a, "UPDATE %s SET ", cat->item_table);
	for (i = 1; i < w->nitem; i++) {
		buf_addf(&a, "%s = ?%zu, ", w->item[i].column, i + 1);
		buf_addf(&b, "%s IS NOT ?%zu OR ", w->item[i].column, i + 1);
	}
	buf_addf(&a, "%s = ?%zu, upload_id = ?%zu, updated_at = strftime('%%Y-%%m-%%dT%%H:%%M:%%SZ',"
	    " 'now') WHERE code = ?1 AND (%s%s IS NOT ?%zu)", cat->owner_fk, w->nitem + 1,
	    w->nitem + 2, b.data, cat->owner_fk, w->nitem + 1);
	if (store_query(w->st, a.data, &w->item_upd, cause) != 0)
		goto fail;
	buf_reset(&a);
	buf_reset(&b);

	/* INSERT INTO item (c…, fk, upload_id) VALUES (…) ON CONFLICT (code) DO NOTHING */
	buf_addf(&a, "INSERT INTO %s (", cat->item_table);
	for (i = 0; i < w->nitem; i++) {
		buf_addf(&a, "%s, ", w->item[i].column);
		buf_addf(&c, "?%zu, ", i + 1);
	}
	buf_addf(&a, "%s, upload_id) VALUES (%s?%zu, ?%zu) ON CONFLICT (code) DO NOTHING",
	    cat->owner_fk, c.data, w->nitem + 1, w->nitem + 2);
	rc = store_query(w->st, a.data, &w->item_ins, cause);
fail:
	buf_free(&a);
	buf_free(&b);
	buf_free(&c);
	return rc == 0 ? 0 : -1;
}

struct catalog_writer *
catalog_writer_new(struct store *st, const struct catalog *cat, char **cause)
{
	struct catalog_writer *w = xcalloc(1, sizeof *w);

	w->st = st;
	w->cat = cat;
	w->owners_seen = strset_new();
	if (writer_prepare(w, cause) != 0) {
		catalog_writer_free(w);
		return NULL;
	}
	if (strcmp(w->item[0].column, "code") != 0)
		fatal("%s: the first item field of %s must be its code", __func__, cat->name);
	return w;
}

void
catalog_writer_free(struct catalog_writer *w)
{
	if (w == NULL)
		return;
	sqlite3_finalize(w->owner_get);
	sqlite3_finalize(w->owner_ins);
	sqlite3_finalize(w->owner_upd);
	sqlite3_finalize(w->item_region);
	sqlite3_finalize(w->item_upd);
	sqlite3_finalize(w->item_ins);
	free(w->item);
	free(w->okey);
	free(w->oattr);
	strset_free(w->owners_seen);
	buf_free(&w->key);
	free(w);
}

int
catalog_writer_owner_region(struct catalog_writer *w, const struct field_value *vals,
    char **region, char **cause)
{
	const struct catalog *cat = w->cat;
	sqlite3_stmt *q = w->item_region;
	int rc;

	*region = NULL;
	sqlite3_bind_text(q, 1, vals[cat->code_field].text, -1, SQLITE_STATIC);
	if ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		const char *have = (const char *)sqlite3_column_text(q, 0);

		if (have != NULL && strcmp(have, vals[cat->region_field].text) != 0)
			*region = xstrdup(have);
	} else if (rc != SQLITE_DONE)
		*cause = store_error(w->st, cat->item_table);
	sqlite3_reset(q);
	sqlite3_clear_bindings(q);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : -1;
}

/* Steps a write statement to done; -1 with *cause on failure. */
static int
step_done(struct catalog_writer *w, sqlite3_stmt *stmt, char **cause)
{
	int rc = store_run(w->st, stmt, cause);

	sqlite3_clear_bindings(stmt);
	return rc;
}

/* Finds or creates the owner row; *changed if it was created or its attributes changed. */
static int
owner_put(struct catalog_writer *w, const struct field_value *vals, int64_t *id,
    int *changed, char **cause)
{
	sqlite3 *db = store_db(w->st);
	size_t i;
	int rc;

	*changed = 0;
	buf_reset(&w->key);
	for (i = 0; i < w->nokey; i++)
		buf_addf(&w->key, "%s\x1f", vals[w->okey[i].field].text);
	for (i = 0; i < w->nokey; i++)
		slot_bind(w->owner_get, (int)i + 1, &w->okey[i], vals);
	rc = sqlite3_step(w->owner_get);
	*id = rc == SQLITE_ROW ? sqlite3_column_int64(w->owner_get, 0) : 0;
	sqlite3_reset(w->owner_get);
	sqlite3_clear_bindings(w->owner_get);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		*cause = store_error(w->st, w->cat->owner_table);
		return -1;
	}
	if (*id == 0) {
		for (i = 0; i < w->nokey + w->noattr; i++)
			slot_bind(w->owner_ins, (int)i + 1, i < w->nokey ? &w->okey[i] :
			    &w->oattr[i - w->nokey], vals);
		if (step_done(w, w->owner_ins, cause) != 0)
			return -1;
		*id = sqlite3_last_insert_rowid(db);
		*changed = 1;
		strset_add(w->owners_seen, w->key.data);
		return 0;
	}
	/*
	 * The first row of a file that names an owner sets its attributes:
	 * a later row saying 北京 where the first said 北京市 must not flip
	 * it, or importing the same file twice would change it twice.
	 */
	if (w->noattr == 0 || !strset_add(w->owners_seen, w->key.data))
		return 0;
	for (i = 0; i < w->noattr; i++)
		slot_bind(w->owner_upd, (int)i + 1, &w->oattr[i], vals);
	sqlite3_bind_int64(w->owner_upd, (int)w->noattr + 1, *id);
	if (step_done(w, w->owner_upd, cause) != 0)
		return -1;
	*changed = sqlite3_changes(db) > 0;
	return 0;
}

int
catalog_writer_put(struct catalog_writer *w, const struct field_value *vals,
    int64_t upload_id, enum put_result *res, char **cause)
{
	sqlite3 *db = store_db(w->st);
	/* Insert first: on a first load nearly every row is new. */
	sqlite3_stmt *stmts[2] = { w->item_ins, w->item_upd };
	int64_t owner;
	int owner_changed;

	if (owner_put(w, vals, &owner, &owner_changed, cause) != 0)
		return -1;
	for (int k = 0; k < 2; k++) {
		sqlite3_stmt *s = stmts[k];

		for (size_t i = 0; i < w->nitem; i++)
			slot_bind(s, (int)i + 1, &w->item[i], vals);
		sqlite3_bind_int64(s, (int)w->nitem + 1, owner);
		if (upload_id > 0)
			sqlite3_bind_int64(s, (int)w->nitem + 2, upload_id);
		else
			sqlite3_bind_null(s, (int)w->nitem + 2);
		if (step_done(w, s, cause) != 0)
			return -1;
		if (sqlite3_changes(db) > 0) {
			*res = k == 0 ? PUT_INSERTED : PUT_UPDATED;
			return 0;
		}
	}
	*res = owner_changed ? PUT_UPDATED : PUT_UNCHANGED;
	return 0;
}
