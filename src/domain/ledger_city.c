/*
 * ledger_city.c — the city offices' quarterly figures: the plan has the
 * city offices report each quarter, as the expansion offices do, what
 * their city's supporting, new and tender markets (三大市场) sold of
 * Zhejiang's products, against the plan's 100 亿元.  One figure per city
 * and quarter; a later report corrects the amount and keeps the first
 * report's time, which is what the deadline looks at.  Every report,
 * corrections included, stays in ledger_city_history (triggers of the
 * store's schema), listed with the figure.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth.h"
#include "ledger.h"
#include "normalise.h"
#include "outcome.h"
#include "util.h"

int
ledger_city_report(struct store *st, const struct ledger_actor *a, const char *city,
    int year, int quarter, const char *amount, const char *note, int *forbidden, char **cause)
{
	const char *canon;
	sqlite3_stmt *q;
	long long cents;

	*forbidden = 0;
	if (!(a->role & (ROLE_CITY | ROLE_ADMIN))) {
		*forbidden = 1;
		*cause = xasprintf("%s 不能报送市经合办的季度数据 / %s may not report a city office's"
		    " quarterly figure", a->login, a->login);
		return -1;
	}
	if (a->role == ROLE_CITY)
		city = a->city;
	if (city == NULL || (canon = norm_zj_city(city)) == NULL) {
		*cause = xasprintf("城市“%s”不是浙江省的设区市 / city \"%s\" is not one of"
		    " Zhejiang's 11 cities", city != NULL ? city : "", city != NULL ? city : "");
		return -1;
	}
	if (quarter < 1 || quarter > 4 || year < 2000 || year > 2099) {
		*cause = xasprintf("季度 %d-Q%d 无效 / %d Q%d is not a quarter", year, quarter, year,
		    quarter);
		return -1;
	}
	if (outcome_parse_amount(amount != NULL ? amount : "", &cents, cause) != 0)
		return -1;
	if (store_query(st, "INSERT INTO ledger_city_reports (city, year, quarter, amount_cents,"
	    " note, submitted_by) VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT (city, year, quarter)"
	    " DO UPDATE SET amount_cents = excluded.amount_cents, note = excluded.note,"
	    " submitted_by = excluded.submitted_by", &q, cause) != 0)
		return -1;
	sqlite3_bind_text(q, 1, canon, -1, SQLITE_STATIC);
	sqlite3_bind_int(q, 2, year);
	sqlite3_bind_int(q, 3, quarter);
	sqlite3_bind_int64(q, 4, cents);
	sqlite3_bind_text(q, 5, note != NULL ? note : "", -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 6, a->login, -1, SQLITE_STATIC);
	return ledger_run_once(st, q, cause);
}

json_t *
ledger_city_reports_json(struct store *st, const struct ledger_actor *a, int year,
    char **cause)
{
	sqlite3_stmt *q;
	json_t *arr = json_array();
	long long total = 0;

	if (store_query(st, "SELECT r.city, f.name, r.quarter, r.amount_cents, r.note,"
	    " r.submitted_by, r.submitted_at, (SELECT json_group_array(json_object('amount_cents',"
	    " h.amount_cents, 'note', h.note, 'by', h.by_login, 'at', h.at)) FROM (SELECT * FROM"
	    " ledger_city_history WHERE city = r.city AND year = r.year AND quarter = r.quarter"
	    " ORDER BY id) h) FROM ledger_city_reports r"
	    " LEFT JOIN offices f ON f.kind = 'city' AND f.city = r.city"
	    " WHERE r.year = ?1 AND (?2 IS NULL OR r.city = ?2) ORDER BY r.quarter, f.id", &q,
	    cause) != 0) {
		json_decref(arr);
		return NULL;
	}
	sqlite3_bind_int(q, 1, year);
	if (a->role == ROLE_CITY)
		sqlite3_bind_text(q, 2, a->city != NULL && norm_zj_city(a->city) != NULL ?
		    norm_zj_city(a->city) : "-", -1, SQLITE_STATIC);
	while (sqlite3_step(q) == SQLITE_ROW) {
		long long cents = sqlite3_column_int64(q, 3);
		json_t *history = json_loads((const char *)sqlite3_column_text(q, 7), 0, NULL);

		total += cents;
		json_array_append_new(arr, json_pack("{s:s, s:s?, s:i, s:o, s:I, s:s, s:s, s:s, s:o}",
		    "city", (const char *)sqlite3_column_text(q, 0),
		    "office", (const char *)sqlite3_column_text(q, 1),
		    "quarter", sqlite3_column_int(q, 2),
		    "amount", ledger_str_take(ledger_wan_text(cents)),
		    "amount_cents", (json_int_t)cents,
		    "note", (const char *)sqlite3_column_text(q, 4),
		    "submitted_by", (const char *)sqlite3_column_text(q, 5),
		    "submitted_at", (const char *)sqlite3_column_text(q, 6),
		    "history", history != NULL ? history : json_array()));
	}
	if (store_finish(st, q, cause) != 0) {
		json_decref(arr);
		return NULL;
	}
	return json_pack("{s:i, s:o, s:o}", "year", year, "reports", arr, "total",
	    ledger_str_take(ledger_wan_text(total)));
}
