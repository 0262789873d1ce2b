/*
 * api_withdraw.c — an office withdraws or restores its own products
 * (a city office) or demands (an expansion office); an admin any.
 */
#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "http.h"
#include "indexing.h"
#include "util.h"
#include "withdraw.h"

/* The region the caller may change items of (NULL = any), or -1 after replying 403. */
static int
withdraw_scope(struct hreq *h, const char *kind, const char **region)
{
	int role = h->who.role;

	*region = NULL;
	if (role == ROLE_ADMIN)
		return 0;
	if (strcmp(kind, "supply") == 0 && role != ROLE_CITY) {
		http_error(h, 403, "forbidden", "只有市经合办可以撤回或恢复产品 / only a city office"
		    " withdraws or restores products");
		return -1;
	}
	if (strcmp(kind, "demand") == 0 && role != ROLE_EXPANSION) {
		http_error(h, 403, "forbidden", "只有拓展办可以撤回或恢复需求 / only an expansion"
		    " office withdraws or restores demands");
		return -1;
	}
	*region = h->who.region;
	return 0;
}

/* Worker: withdraw or restore, then bring search and matching up to date. */
static void
withdraw_work(struct task *t, struct store *st)
{
	const char *kind = json_string_value(json_object_get(t->in, "kind"));
	const char *region = json_string_value(json_object_get(t->in, "region"));
	const char *by = json_string_value(json_object_get(t->in, "by"));
	int restore = json_is_true(json_object_get(t->in, "restore"));
	char *cause = NULL;
	enum withdraw_result r = withdraw_item(st, kind, t->text, restore, by, region, &cause);

	switch (r) {
	case WITHDRAW_NOT_FOUND:
		api_task_fail(t, 404, "not_found", cause);
		return;
	case WITHDRAW_FORBIDDEN:
		api_task_fail(t, 403, "forbidden", cause);
		return;
	case WITHDRAW_FAILED:
		api_task_fail(t, 500, "store", cause);
		return;
	case WITHDRAW_DONE:
	case WITHDRAW_ALREADY:
		break;
	}
	if (indexing_update(st, 0, NULL, &cause) != 0) {
		api_task_fail(t, 500, "index", cause);
		return;
	}
	t->status = 200;
	t->body = json_pack("{s:s, s:s, s:b, s:b}", "kind", kind, "code", t->text, "withdrawn",
	    !restore, "changed", r == WITHDRAW_DONE);
}

/* POST /api/v1/products|demands/CODE/withdraw|restore */
static void
withdraw_post(struct hreq *h, const char *kind, const char *code, int restore)
{
	const char *region;

	if (withdraw_scope(h, kind, &region) != 0)
		return;
	api_task_run(h, withdraw_work, json_pack("{s:s, s:s?, s:s, s:b}", "kind", kind, "region",
	    region, "by", h->who.login, "restore", restore), xstrdup(code));
}

void
api_withdraw_product(struct hreq *h, char **args)
{
	withdraw_post(h, "supply", args[0], 0);
}

void
api_restore_product(struct hreq *h, char **args)
{
	withdraw_post(h, "supply", args[0], 1);
}

void
api_withdraw_demand(struct hreq *h, char **args)
{
	withdraw_post(h, "demand", args[0], 0);
}

void
api_restore_demand(struct hreq *h, char **args)
{
	withdraw_post(h, "demand", args[0], 1);
}

/* GET /api/v1/withdrawn?kind=supply|demand: the caller's withdrawn items, to restore. */
void
api_withdrawn_list(struct hreq *h, char **args)
{
	const char *kind = hreq_arg(h, "kind"), *region;
	char *cause = NULL;
	json_t *list;

	if (kind == NULL)
		kind = h->who.role == ROLE_EXPANSION ? "demand" : "supply";
	if (strcmp(kind, "supply") != 0 && strcmp(kind, "demand") != 0) {
		http_error(h, 400, "bad_argument", "kind 应为 supply 或 demand / kind must be supply"
		    " or demand");
		return;
	}
	if (withdraw_scope(h, kind, &region) != 0)
		return;
	if ((list = withdraw_list_json(hreq_store(h), kind, region, &cause)) == NULL) {
		api_fail(h, hreq_store(h), 500, "store", cause);
		return;
	}
	http_json(h, 200, json_pack("{s:s, s:o}", "kind", kind, "withdrawn", list));
}
