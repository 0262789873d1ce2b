/*
 * withdraw.c — withdrawing and restoring catalogue items, and whether an
 * item is open to matching.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "util.h"
#include "withdraw.h"

/* Where a kind's items, owners and regions are. */
struct wd_kind {
	const char	*kind;
	const char	*items;		/* table */
	const char	*name;		/* what the item is called */
	const char	*owners;	/* table */
	const char	*owner_key;	/* items' column pointing at owners */
	const char	*region;	/* owners' column: whose item it is */
	const char	*zh, *en;	/* 产品 / product */
};

static const struct wd_kind wd_kinds[] = {
	{ "supply", "products", "name", "suppliers", "supplier_id", "city", "产品", "product" },
	{ "demand", "demands", "product", "buyers", "buyer_id", "province", "需求", "demand" },
};

static const struct wd_kind *
wd_kind(const char *kind)
{
	for (size_t i = 0; i < nitems(wd_kinds); i++)
		if (strcmp(wd_kinds[i].kind, kind) == 0)
			return &wd_kinds[i];
	return NULL;
}

enum withdraw_result
withdraw_item(struct store *st, const char *kind, const char *code, int restore,
    const char *by, const char *only_region, char **cause)
{
	const struct wd_kind *k = wd_kind(kind);
	enum withdraw_result r = WITHDRAW_FAILED;
	sqlite3_stmt *q;
	char *sql, *owner = NULL;
	int rc, found, withdrawn = 0;

	if (k == NULL) {
		*cause = xasprintf("类型应为 supply 或 demand / the kind must be supply or demand");
		return WITHDRAW_NOT_FOUND;
	}
	sql = xasprintf("SELECT i.withdrawn_at IS NOT NULL, o.%s FROM %s i JOIN %s o ON o.id ="
	    " i.%s WHERE i.code = ?", k->region, k->items, k->owners, k->owner_key);
	rc = store_query(st, sql, &q, cause);
	free(sql);
	if (rc != 0)
		return WITHDRAW_FAILED;
	sqlite3_bind_text(q, 1, code, -1, SQLITE_TRANSIENT);
	if ((found = sqlite3_step(q) == SQLITE_ROW)) {
		withdrawn = sqlite3_column_int(q, 0);
		owner = xstrdup((const char *)sqlite3_column_text(q, 1));
	}
	if (store_finish(st, q, cause) != 0) {
		free(owner);
		return WITHDRAW_FAILED;
	}
	if (!found) {
		*cause = xasprintf("没有编号为 %s 的%s / no %s has the code %s", code, k->zh, k->en,
		    code);
		r = WITHDRAW_NOT_FOUND;
	} else if (only_region != NULL && strcmp(only_region, owner) != 0) {
		*cause = xasprintf("%s %s 属于%s，不属于%s，不能撤回或恢复 / %s %s belongs to %s,"
		    " not %s: it is not yours to withdraw or restore", k->zh, code, owner,
		    only_region, k->en, code, owner, only_region);
		r = WITHDRAW_FORBIDDEN;
	} else if (withdrawn == !restore)
		r = WITHDRAW_ALREADY;
	free(owner);
	if (r != WITHDRAW_FAILED)
		return r;
	/* The update's trigger logs the item: the indexer takes it out or puts it back. */
	sql = xasprintf("UPDATE %s SET withdrawn_at = %s, withdrawn_by = ? WHERE code = ?",
	    k->items, restore ? "NULL" : "strftime('%Y-%m-%dT%H:%M:%SZ', 'now')");
	rc = store_query(st, sql, &q, cause);
	free(sql);
	if (rc != 0)
		return WITHDRAW_FAILED;
	if (restore)
		sqlite3_bind_null(q, 1);
	else
		sqlite3_bind_text(q, 1, by, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(q, 2, code, -1, SQLITE_TRANSIENT);
	if (store_run(st, q, cause) == 0)
		r = WITHDRAW_DONE;
	sqlite3_finalize(q);
	return r;
}

json_t *
withdraw_list_json(struct store *st, const char *kind, const char *only_region, char **cause)
{
	const struct wd_kind *k = wd_kind(kind);
	json_t *arr;
	sqlite3_stmt *q;
	char *sql;
	int rc;

	if (k == NULL)
		return json_array();
	sql = xasprintf("SELECT i.code, i.%s, o.name, o.%s, i.withdrawn_at, i.withdrawn_by"
	    " FROM %s i JOIN %s o ON o.id = i.%s WHERE i.withdrawn_at IS NOT NULL AND"
	    " (?1 IS NULL OR o.%s = ?1) ORDER BY i.withdrawn_at DESC, i.code", k->name,
	    k->region, k->items, k->owners, k->owner_key, k->region);
	rc = store_query(st, sql, &q, cause);
	free(sql);
	if (rc != 0)
		return NULL;
	if (only_region != NULL)
		sqlite3_bind_text(q, 1, only_region, -1, SQLITE_TRANSIENT);
	arr = json_array();
	while (sqlite3_step(q) == SQLITE_ROW)
		json_array_append_new(arr, json_pack("{s:s, s:s, s:s, s:s, s:s, s:s?}",
		    "code", sqlite3_column_text(q, 0), "name", sqlite3_column_text(q, 1),
		    "owner", sqlite3_column_text(q, 2), "region", sqlite3_column_text(q, 3),
		    "withdrawn_at", sqlite3_column_text(q, 4),
		    "withdrawn_by", sqlite3_column_text(q, 5)));
	if (store_finish(st, q, cause) != 0) {
		json_decref(arr);
		return NULL;
	}
	return arr;
}

void
withdraw_today(char out[11])
{
	const char *env = getenv("FAIRMATCH_TODAY");
	time_t now = time(NULL);
	struct tm tm;
	int y, m, d;
	char tail;

	if (env != NULL && strlen(env) == 10 && sscanf(env, "%4d-%2d-%2d%c", &y, &m, &d,
	    &tail) == 3 && m >= 1 && m <= 12 && d >= 1 && d <= 31) {
		memcpy(out, env, 11);
		return;
	}
	localtime_r(&now, &tm);
	strftime(out, 11, "%Y-%m-%d", &tm);
}

int
withdraw_check_open(struct store *st, const char *kind, const char *code, const char *today,
    char **cause)
{
	const struct wd_kind *k = wd_kind(kind);
	char *withdrawn = NULL, *deadline = NULL, *sql;
	sqlite3_stmt *q;
	int rc;

	if (k == NULL)
		return 0;
	sql = xasprintf("SELECT withdrawn_at, %s FROM %s WHERE code = ?",
	    strcmp(kind, "demand") == 0 ? "deadline" : "NULL", k->items);
	rc = store_query(st, sql, &q, cause);
	free(sql);
	if (rc != 0)
		return -1;
	sqlite3_bind_text(q, 1, code, -1, SQLITE_TRANSIENT);
	if (sqlite3_step(q) == SQLITE_ROW) {
		if (sqlite3_column_type(q, 0) != SQLITE_NULL)
			withdrawn = xstrdup((const char *)sqlite3_column_text(q, 0));
		if (sqlite3_column_type(q, 1) != SQLITE_NULL)
			deadline = xstrdup((const char *)sqlite3_column_text(q, 1));
	}
	if (store_finish(st, q, cause) != 0)
		rc = -1;
	else if (withdrawn != NULL) {
		*cause = xasprintf("%s %s 已于 %s 撤回，不参与匹配 / %s %s was withdrawn on %s"
		    " and is not matched", k->zh, code, withdrawn, k->en, code, withdrawn);
		rc = -1;
	} else if (deadline != NULL && *deadline != '\0' && strcmp(deadline, today) < 0) {
		*cause = xasprintf("需求 %s 已过截止日期 %s，不参与匹配 / demand %s closed on"
		    " %s (its deadline) and is not matched", code, deadline, code, deadline);
		rc = -1;
	}
	free(withdrawn);
	free(deadline);
	return rc;
}
