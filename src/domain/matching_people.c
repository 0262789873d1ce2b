/*
 * matching_people.c — a fair's participants matched from words: what a
 * walk-in says it wants or offers, on the day, ranked against the other
 * side's catalogue items by the matcher (matching.h), and the hits turned
 * into the fair's participants who own them.
 */
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "fair.h"
#include "matching.h"
#include "results.h"
#include "util.h"
#include "withdraw.h"

#define PEOPLE_HITS	200	/* items matched, before they are grouped by owner */
#define PEOPLE_TEXT_MAX	200	/* bytes of what the walk-in wants or offers */

/*
 * The participant who owns item ?2 (a product for a buyer's words, a
 * demand for a supplier's) at fair ?1, with the pair it makes with ?3 and
 * whether they already meet.
 */
static const char owner_of_product_sql[] =
    "SELECT p.id, p.badge, p.name, s.city, p.checked_in_at IS NOT NULL, p.no_show,"
    " (SELECT state FROM meeting_requests r WHERE r.fair_id = ?1 AND r.buyer_pid = ?3 AND"
    "  r.supplier_pid = p.id),"
    " EXISTS (SELECT 1 FROM meetings m WHERE m.fair_id = ?1 AND m.buyer_pid = ?3 AND"
    "  m.supplier_pid = p.id)"
    " FROM products pr JOIN participants p ON p.fair_id = ?1 AND p.supplier_id ="
    " pr.supplier_id JOIN suppliers s ON s.id = p.supplier_id WHERE pr.id = ?2";
static const char owner_of_demand_sql[] =
    "SELECT p.id, p.badge, p.name, b.province, p.checked_in_at IS NOT NULL, p.no_show,"
    " (SELECT state FROM meeting_requests r WHERE r.fair_id = ?1 AND r.supplier_pid = ?3 AND"
    "  r.buyer_pid = p.id),"
    " EXISTS (SELECT 1 FROM meetings m WHERE m.fair_id = ?1 AND m.supplier_pid = ?3 AND"
    "  m.buyer_pid = p.id)"
    " FROM demands d JOIN participants p ON p.fair_id = ?1 AND p.buyer_id = d.buyer_id"
    " JOIN buyers b ON b.id = p.buyer_id WHERE d.id = ?2";

/* Sets *status and *cause; returns NULL. */
static json_t *
refuse(int *status, int code, char **cause, char *msg)
{
	*status = code;
	*cause = msg;
	return NULL;
}

/*
 * The participant badge (any case) of fair: 0 with *pid, *buyer and its
 * badge as printed in canon (caller frees), or -1 with *status and *cause.
 */
static int
participant_of(struct store *st, const struct fair *fair, const char *badge, int64_t *pid,
    int *buyer, char **canon, int *status, char **cause)
{
	sqlite3_stmt *q;
	int found = 0;

	*status = 500;
	if (store_query_id(st, "SELECT id, side = 'buyer', badge FROM participants WHERE fair_id = ? AND"
	    " badge = upper(trim(?))", fair->id, &q, cause) != 0)
		return -1;
	sqlite3_bind_text(q, 2, badge, -1, SQLITE_TRANSIENT);
	if (sqlite3_step(q) == SQLITE_ROW) {
		*pid = sqlite3_column_int64(q, 0);
		*buyer = sqlite3_column_int(q, 1);
		*canon = xstrdup((const char *)sqlite3_column_text(q, 2));
		found = 1;
	}
	if (store_finish(st, q, cause) != 0) {
		if (found)
			free(*canon);
		return -1;
	}
	if (!found) {
		refuse(status, 404, cause, xasprintf("展会 %s 没有胸牌号为 %s 的参会者 / no"
		    " participant of fair %s has the badge %s", fair->code, badge, fair->code, badge));
		return -1;
	}
	return 0;
}

/*
 * Appends to list the owners of res's hits, best first, each once (at its
 * best hit), until limit: 0, or -1 with *cause.
 */
static int
owners(struct store *st, const struct fair *fair, int64_t pid, int buyer,
    const struct match_result *res, size_t limit, json_t *list, char **cause)
{
	sqlite3_stmt *q;
	json_t *seen = json_object();
	int rc = 0;

	if (store_query_id(st, buyer ? owner_of_product_sql : owner_of_demand_sql, fair->id, &q,
	    cause) != 0) {
		json_decref(seen);
		return -1;
	}
	sqlite3_bind_int64(q, 3, pid);
	for (size_t i = 0; i < res->nhits && json_array_size(list) < limit; i++) {
		const struct match_hit *h = &res->hits[i];
		const char *state, *badge;

		sqlite3_reset(q);
		sqlite3_bind_int64(q, 2, h->id);
		if (sqlite3_step(q) != SQLITE_ROW)
			continue;	/* an item of someone not at this fair */
		badge = (const char *)sqlite3_column_text(q, 1);
		if (json_object_get(seen, badge) != NULL)
			continue;
		json_object_set_new(seen, badge, json_true());
		state = (const char *)sqlite3_column_text(q, 6);
		json_array_append_new(list, json_pack("{s:s,s:s,s:s,s:f,s:{s:s,s:s,s:s},s:o,s:b,"
		    "s:b,s:o,s:b}", "badge", badge, "name", (const char *)sqlite3_column_text(q, 2),
		    "region", sqlite3_column_text(q, 3) ? (const char *)sqlite3_column_text(q, 3) :
		    "", "score", h->score, "item", "code", h->code, "name", h->name, "category",
		    h->category, "why", match_why_json(h), "checked_in", sqlite3_column_int(q, 4),
		    "no_show", sqlite3_column_int(q, 5), "pair", state != NULL ? json_string(state) :
		    json_null(), "meeting", sqlite3_column_int(q, 7)));
	}
	if (store_finish(st, q, cause) != 0)
		rc = -1;
	json_decref(seen);
	return rc;
}

json_t *
matching_people(struct store *st, struct matcher *m, const char *fair_code,
    const char *badge, const char *text, const char *category, size_t limit, int *status,
    char **cause)
{
	struct match_opts mo = { .limit = PEOPLE_HITS };
	struct match_result res;
	struct fair fair;
	json_t *list, *out;
	char today[11], *canon;
	int64_t pid;
	int buyer;

	if (text == NULL || *text == '\0' || strlen(text) > PEOPLE_TEXT_MAX)
		return refuse(status, 400, cause, xstrdup("需要想要或提供的产品 text（1–200 字节） /"
		    " needs text, what the participant wants or offers, 1-200 bytes"));
	if (category != NULL && strlen(category) > PEOPLE_TEXT_MAX)
		return refuse(status, 400, cause, xstrdup("品类 category 最长 200 字节 / category is"
		    " at most 200 bytes"));
	if (fair_get(st, fair_code, &fair, cause) != 0)
		return refuse(status, 404, cause, *cause);
	if (participant_of(st, &fair, badge, &pid, &buyer, &canon, status, cause) != 0) {
		fair_clear(&fair);
		return NULL;
	}
	/* A buyer's words find the products of the fair's cities; a supplier's, demands still open. */
	withdraw_today(today);
	mo.open_on = today;
	mo.regions = (const char *const *)(buyer ? fair.cities : fair.provinces);
	mo.nregions = buyer ? fair.ncities : fair.nprovinces;
	if (match_text(m, buyer ? "demand" : "supply", text, category, &mo, &res, cause) != 0) {
		match_result_free(&res);	/* what it set before it refused */
		free(canon);
		fair_clear(&fair);
		store_note_failure(st);	/* a lock or the disk is the store's, not the words' */
		*status = 400;
		return NULL;
	}
	list = json_array();
	*status = 500;
	if (owners(st, &fair, pid, buyer, &res, limit, list, cause) != 0) {
		json_decref(list);
		match_result_free(&res);
		free(canon);
		fair_clear(&fair);
		return NULL;
	}
	out = json_pack("{s:s,s:s,s:s,s:s?,s:o}", "badge", canon, "side", buyer ? "buyer" :
	    "supplier", "text", text, "category", category != NULL && *category != '\0' ?
	    category : NULL, "matches", list);
	match_result_free(&res);
	free(canon);
	fair_clear(&fair);
	return out;
}
