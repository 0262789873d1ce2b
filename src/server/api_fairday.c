/*
 * api_fairday.c — running a fair over HTTP (organisers and the admin):
 * its layout and tables, participants, walk-ins, requests and hand pairs,
 * schedule versions (diff, publish, undo, discard), check-in, arrivals,
 * no-shows, backfill and late meetings; a walk-in's counterparts matched
 * from its words; a participant's agenda as an iCalendar file.  Each route is one domain action
 * of fairday.h's shape: reads run on the loop with its read-only store,
 * writes on the quick pool; the body (and the path's badge or id) is the
 * action's input.  A failure of the store itself answers 503 (busy) or 500
 * whatever status the action chose (api_fail, api_task_fail).
 */
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include <event2/buffer.h>

#include "api.h"
#include "fairday.h"
#include "http.h"
#include "links.h"
#include "matching.h"
#include "schedule_version.h"
#include "serving.h"
#include "util.h"

#define PEOPLE_LIMIT	20	/* counterparts a walk-in is offered, unless ?limit= */

/* The error code that goes with a status. */
static const char *
code_of(int status)
{
	static const struct {
		int		 status;
		const char	*code;
	} codes[] = {
		{ 400, "bad_request" }, { 404, "not_found" }, { 409, "conflict" },
		{ 503, "busy" },
	};

	for (size_t i = 0; i < nitems(codes); i++)
		if (codes[i].status == status)
			return codes[i].code;
	return "internal";
}

/*
 * The path's second "*" into in under key: a badge as text, or, for a
 * key starting with '#', a whole number (404 if it is not one).  0, or -1
 * after replying.
 */
static int
path_arg(struct hreq *h, char **args, const char *key, json_t *in)
{
	long v;

	if (key == NULL)
		return 0;
	if (key[0] != '#') {
		json_object_set_new(in, key, json_string(args[1]));
		return 0;
	}
	if (strcmp(args[1], "draft") == 0)
		v = 0;
	else if (parse_long(args[1], 1, LONG_MAX, &v) != 0) {
		http_error(h, 404, "not_found", "没有编号 %s / no such number: %s", args[1], args[1]);
		return -1;
	}
	json_object_set_new(in, key + 1, json_integer(v));
	return 0;
}

/* GET: runs fn on the loop's store and replies with what it returns. */
static void
fair_read(struct hreq *h, char **args, fairday_fn *fn, const char *key)
{
	json_t *in = json_object(), *out = NULL;
	char *cause = NULL;
	int status = 500;

	if (path_arg(h, args, key, in) == 0) {
		if (fn(hreq_store(h), args[0], in, h->who.login, &out, &status, &cause) == 0)
			http_json(h, 200, out);
		else
			api_fail(h, hreq_store(h), status, code_of(status), cause);
	}
	json_decref(in);
}

/* Worker: the action fn on the pool's store, with t->in and the fair's code in t->text. */
static void
write_work(struct task *t, struct store *st, fairday_fn *fn)
{
	json_t *out = NULL;
	char *cause = NULL;
	int status = 500;

	if (fn(st, t->text, t->in, t->h->who.login, &out, &status, &cause) != 0) {
		api_task_fail(t, status, code_of(status), cause);
		return;
	}
	t->status = 200;
	t->body = out;
}

/* POST: the JSON body (an empty one is {}) plus the path's argument, to work on the pool. */
static void
fair_write(struct hreq *h, char **args, void (*work)(struct task *, struct store *),
    const char *key)
{
	json_t *in;
	char *cause = NULL;
	int status;

	if (hreq_body_length(h) == 0)
		in = json_object();
	else if ((in = hreq_json_body(h, (size_t)hreq_settings(h)->max_body_bytes, &status,
	    &cause)) == NULL || !json_is_object(in)) {
		http_error(h, in == NULL ? status : 400, "bad_request", "%s", cause != NULL ? cause :
		    "需要 JSON 对象 / needs a JSON object");
		free(cause);
		json_decref(in);
		return;
	}
	if (!api_fair_known(h, args[0]) || path_arg(h, args, key, in) != 0) {
		json_decref(in);
		return;
	}
	api_task_run(h, work, in, xstrdup(args[0]));
}

/* Schedule versions in fairday_fn's shape. */
static int
versions_list(struct store *st, const char *code, json_t *in, const char *who, json_t **out,
    int *status, char **cause)
{
	(void)in;
	(void)who;
	*status = 404;
	return (*out = schedule_versions_json(st, code, cause)) != NULL ? 0 : -1;
}

static int
version_diff(struct store *st, const char *code, json_t *in, const char *who, json_t **out,
    int *status, char **cause)
{
	(void)who;
	*status = 404;
	return (*out = schedule_version_diff(st, code, (int)json_integer_value(json_object_get(in,
	    "number")), cause)) != NULL ? 0 : -1;
}

static int
version_publish(struct store *st, const char *code, json_t *in, const char *who,
    json_t **out, int *status, char **cause)
{
	(void)who;
	*status = 409;
	return schedule_version_publish(st, code, (int)json_integer_value(json_object_get(in,
	    "number")), out, cause);
}

static int
version_discard(struct store *st, const char *code, json_t *in, const char *who,
    json_t **out, int *status, char **cause)
{
	int number = (int)json_integer_value(json_object_get(in, "number"));

	(void)who;
	*status = 409;
	if (schedule_version_discard(st, code, number, cause) != 0)
		return -1;
	*out = json_pack("{s:i,s:s}", "version", number, "state", "discarded");
	return 0;
}

static int
version_undo(struct store *st, const char *code, json_t *in, const char *who, json_t **out,
    int *status, char **cause)
{
	(void)in;
	(void)who;
	*status = 409;
	return schedule_version_undo(st, code, out, cause);
}

/* One route: a read, or a write with its worker. */
#define READ(name, fn, key)						\
void name(struct hreq *h, char **args) { fair_read(h, args, fn, key); }
#define WRITE(name, fn, key)						\
static void name##_work(struct task *t, struct store *st) { write_work(t, st, fn); } \
void name(struct hreq *h, char **args) { fair_write(h, args, name##_work, key); }

READ(api_fair_setup_get, fairday_setup_get, NULL)
WRITE(api_fair_tables, fairday_tables_set, NULL)
READ(api_fair_participants, fairday_participants, NULL)
WRITE(api_fair_walk_in, fairday_walk_in, NULL)
READ(api_fair_participant, fairday_participant, "badge")
WRITE(api_fair_availability, fairday_availability, "badge")
WRITE(api_fair_check_in, fairday_check_in, "badge")
WRITE(api_fair_no_show, fairday_no_show, "badge")
READ(api_fair_requests, fairday_requests, NULL)
WRITE(api_fair_request_decide, fairday_request_decide, "#id")
WRITE(api_fair_pair, fairday_pair, NULL)
READ(api_fair_arrivals, fairday_arrivals, NULL)
READ(api_fair_backfill, fairday_backfill, NULL)
WRITE(api_fair_backfill_accept, fairday_backfill_accept, NULL)
WRITE(api_fair_late, fairday_late, "#id")
READ(api_fair_versions, versions_list, NULL)
READ(api_fair_version_diff, version_diff, "#number")
WRITE(api_fair_version_publish, version_publish, "#number")
WRITE(api_fair_version_discard, version_discard, "#number")
WRITE(api_fair_undo, version_undo, NULL)

/* Worker: the counterparts of t->in's badge matched from its words (a matcher's tens of ms). */
static void
people_work(struct task *t, struct store *st)
{
	struct serving *sv = hreq_serving(t->h);
	struct matcher *m;
	char *cause = NULL;
	int status = 500;

	if ((m = matching_open_as_is(st, &cause)) == NULL) {
		api_task_fail(t, 503, "index", cause);
		return;
	}
	/* A buyer's words are matched on the serving layer in memory, as a demand is. */
	if (sv != NULL) {
		serving_fresh(sv, st);
		matcher_use_layer(m, serving_layer(sv));
	}
	t->body = matching_people(st, m, t->text, json_string_value(json_object_get(t->in,
	    "badge")), json_string_value(json_object_get(t->in, "text")),
	    json_string_value(json_object_get(t->in, "category")),
	    (size_t)json_integer_value(json_object_get(t->in, "limit")), &status, &cause);
	matcher_close(m);
	if (t->body == NULL) {
		api_task_fail(t, status, code_of(status), cause);
		return;
	}
	t->status = 200;
}

/*
 * GET /api/v1/fairs/CODE/participants/BADGE/matches?text=…&category=…&limit=N:
 * the other side's participants ranked for what BADGE wants or offers.
 */
void
api_fair_people_match(struct hreq *h, char **args)
{
	const char *text = hreq_arg(h, "text"), *category = hreq_arg(h, "category");
	json_t *in;
	long limit;

	if ((limit = api_arg_long(h, "limit", 1, 100, PEOPLE_LIMIT)) < 0 ||
	    !api_fair_known(h, args[0]))
		return;
	/* jansson takes UTF-8 only: a query string can decode to any bytes. */
	if ((in = json_pack("{s:s,s:s?,s:s?,s:I}", "badge", args[1], "text", text, "category",
	    category, "limit", (json_int_t)limit)) == NULL) {
		http_error(h, 400, "bad_argument", "badge、text 和 category 须为 UTF-8 文本 / badge,"
		    " text and category must be UTF-8 text");
		return;
	}
	api_task_run(h, people_work, in, xstrdup(args[0]));
}

/*
 * GET /api/v1/fairs/CODE/participants/BADGE/agenda.ics: the participant's
 * current agenda as its personal link downloads it, for the organisers.
 */
void
api_fair_agenda_ics(struct hreq *h, char **args)
{
	struct link_who who;
	struct evbuffer *body;
	char *cause = NULL, *text, *disp;
	json_t *page;
	int rc;

	if (!api_fair_known(h, args[0]))
		return;
	if ((rc = links_who(hreq_store(h), args[0], args[1], &who, &cause)) <= 0) {
		if (rc < 0)
			api_fail(h, hreq_store(h), 500, "internal", cause);
		else
			http_error(h, 404, "not_found", "展会 %s 没有胸牌号为 %s 的参会者 / no"
			    " participant of fair %s has the badge %s", args[0], args[1], args[0],
			    args[1]);
		return;
	}
	if ((page = links_page(hreq_store(h), &who, &cause)) == NULL) {
		api_fail(h, hreq_store(h), 500, "internal", cause);
		link_who_clear(&who);
		return;
	}
	text = api_agenda_ics(h, page);
	json_decref(page);
	body = evbuffer_new();
	evbuffer_add(body, text, strlen(text));
	free(text);
	disp = xasprintf("attachment; filename=\"%s-%s.ics\"", who.fair_code, who.badge);
	http_header(h, "Content-Disposition", disp);
	free(disp);
	http_header(h, "Cache-Control", "no-store");
	http_send(h, 200, "text/calendar; charset=utf-8", body);
	link_who_clear(&who);
}
