/*
 * api_pages.c — what a personal link opens (links.h), with no password:
 * the participant's page as JSON, their answer to a request, their away
 * slots and representatives, and their agenda as an iCalendar file (RFC
 * 5545) in the fair's time zone.  A token that opens nothing — unknown,
 * revoked, expired — gets one 404 that tells nothing more.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <event2/buffer.h>

#include "api.h"
#include "config.h"
#include "fairday.h"
#include "http.h"
#include "links.h"
#include "util.h"

#define DAY	86400

#define NO_LINK	"此链接无效或已过期，请向主办方索取新的日程 / this link is not valid or has" \
		" expired: ask the organisers for a new agenda"

/* Resolves args[0] on st into who: 1, or 0 after replying (404 or the store's failure). */
static int
page_who(struct hreq *h, struct store *st, const char *token, struct link_who *who)
{
	char *cause = NULL;
	int rc = links_resolve(st, token, who, &cause);

	if (rc < 0)
		api_fail(h, st, 500, "internal", cause);
	else if (rc == 0)
		http_error(h, 404, "not_found", NO_LINK);
	return rc > 0;
}

/* Names the fair's time zone on page (a new reference, or NULL, passed through). */
static json_t *
page_zone(json_t *page, const struct settings *cfg)
{
	if (page != NULL)
		json_object_set_new(page, "time_zone", json_string(cfg->time_zone));
	return page;
}

/* GET /api/v1/p/TOKEN: the participant's page, with the fair's time_zone. */
void
api_page_get(struct hreq *h, char **args)
{
	struct link_who who;
	char *cause = NULL;
	json_t *page;

	if (!page_who(h, hreq_store(h), args[0], &who))
		return;
	if ((page = page_zone(links_page(hreq_store(h), &who, &cause), hreq_settings(h))) ==
	    NULL)
		api_fail(h, hreq_store(h), 500, "internal", cause);
	else {
		http_header(h, "Cache-Control", "no-store");
		http_json(h, 200, page);
	}
	link_who_clear(&who);
}

/* Worker's side of page_who: t->text's holder into who; 1, or 0 after failing t. */
static int
task_who(struct task *t, struct store *st, struct link_who *who)
{
	char *cause = NULL;
	int rc = links_resolve(st, t->text, who, &cause);

	if (rc <= 0)
		api_task_fail(t, rc < 0 ? 500 : 404, rc < 0 ? "internal" : "not_found",
		    rc < 0 ? cause : xstrdup(NO_LINK));
	return rc > 0;
}

/* Worker: the answer in t->in ({"state"}) to request number t->in.id, by t->text's holder. */
static void
answer_work(struct task *t, struct store *st)
{
	struct link_who who;
	char *cause = NULL;
	int rc;

	if (!task_who(t, st, &who))
		return;
	rc = links_answer(st, &who, json_integer_value(json_object_get(t->in, "id")),
	    json_string_value(json_object_get(t->in, "state")) != NULL ?
	    json_string_value(json_object_get(t->in, "state")) : "", &cause);
	if (rc < 0)
		api_task_fail(t, 400, "bad_request", cause);
	else if (rc > 0)
		api_task_fail(t, 404, "not_found", xstrdup("没有发给您的这个请求 / no such request"
		    " to you"));
	else {
		t->status = 200;
		t->body = json_pack("{s:O, s:O}", "id", json_object_get(t->in, "id"), "state",
		    json_object_get(t->in, "state"));
	}
	link_who_clear(&who);
}

/*
 * The request's body, a JSON object that fits: a new reference, or NULL
 * after a 400 that says what was wrong with it, or else usage.
 */
static json_t *
page_body(struct hreq *h, int (*fits)(json_t *), const char *usage)
{
	json_t *in;
	char *cause = NULL;
	int status;

	if ((in = hreq_json_body(h, (size_t)hreq_settings(h)->max_body_bytes, &status,
	    &cause)) != NULL && json_is_object(in) && fits(in))
		return in;
	http_error(h, in == NULL ? status : 400, "bad_request", "%s", cause != NULL ? cause :
	    usage);
	free(cause);
	json_decref(in);
	return NULL;
}

/* An answer names its state. */
static int
answer_fits(json_t *in)
{
	return json_is_string(json_object_get(in, "state"));
}

/* POST /api/v1/p/TOKEN/requests/ID {"state":"accepted"|"declined"}. */
void
api_page_answer(struct hreq *h, char **args)
{
	json_t *in;
	long id;

	if (parse_long(args[1], 1, 1L << 53, &id) != 0) {
		http_error(h, 404, "not_found", "没有这个请求 / no such request: %s", args[1]);
		return;
	}
	if ((in = page_body(h, answer_fits, "需要 {\"state\": \"accepted\" 或 \"declined\"} /"
	    " needs {\"state\": \"accepted\" or \"declined\"}")) == NULL)
		return;
	json_object_set_new(in, "id", json_integer(id));
	api_task_run(h, answer_work, in, xstrdup(args[0]));
}

/*
 * Worker: t->in's availability ({"away":[slots]?,"back":[slots]?,"reps"?})
 * for t->text's holder, set as the organiser's desk sets it; the reply is
 * the page as it now reads.
 */
static void
availability_work(struct task *t, struct store *st)
{
	struct link_who who;
	json_t *out = NULL, *page;
	char *cause = NULL, *by;
	int rc, status = 500;

	if (!task_who(t, st, &who))
		return;
	/* Only the link's own participant: a badge in the body counts for nothing. */
	json_object_set_new(t->in, "badge", json_string(who.badge));
	by = xasprintf("link:%s", who.badge);
	rc = fairday_availability(st, who.fair_code, t->in, by, &out, &status, &cause);
	free(by);
	json_decref(out);
	if (rc != 0)
		api_task_fail(t, status, status == 400 ? "bad_request" : status == 404 ?
		    "not_found" : "internal", cause);
	else if ((page = page_zone(links_page(st, &who, &cause), hreq_settings(t->h))) == NULL)
		api_task_fail(t, 500, "internal", cause);
	else {
		t->status = 200;
		t->body = page;
	}
	link_who_clear(&who);
}

/* Slots come back by number: "back":"all" is the organisers' alone. */
static int
availability_fits(json_t *in)
{
	json_t *back = json_object_get(in, "back");

	return back == NULL || json_is_array(back);
}

/* POST /api/v1/p/TOKEN/availability {"away":[slots]?,"back":[slots]?,"reps"?}. */
void
api_page_availability(struct hreq *h, char **args)
{
	json_t *in;

	if ((in = page_body(h, availability_fits, "需要 {\"away\": [时段], \"back\": [时段],"
	    " \"reps\": 人数} / needs {\"away\": [slots], \"back\": [slots], \"reps\": n}")) == NULL)
		return;
	api_task_run(h, availability_work, in, xstrdup(args[0]));
}

/* Appends one content line, escaped (TEXT values) if text, folded at 75 octets. */
static void
ics_line(struct buf *b, const char *name, const char *value, int text)
{
	struct buf line = { 0 };
	size_t col = 0;

	buf_addstr(&line, name);
	buf_addc(&line, ':');
	for (const char *p = value != NULL ? value : ""; *p != '\0'; p++) {
		if (text && (*p == '\\' || *p == ';' || *p == ','))
			buf_addc(&line, '\\');
		if (text && *p == '\n')
			buf_addstr(&line, "\\n");
		else if (*p != '\r')
			buf_addc(&line, *p);
	}
	for (size_t i = 0; i < line.len; i++) {
		/* Fold before a character that would pass 75 octets, never inside one. */
		size_t clen = 1;

		while (i + clen < line.len && ((unsigned char)line.data[i + clen] & 0xc0) == 0x80)
			clen++;
		if (col + clen > 75) {
			buf_addstr(b, "\r\n ");
			col = 1;
		}
		buf_add(b, line.data + i, clen);
		col += clen;
		i += clen - 1;
	}
	buf_addstr(b, "\r\n");
	buf_free(&line);
}

/* "2026-05-21" and "09:00" as a broken-down time (no zone); 0, or -1 if either is malformed. */
static int
ics_wall(const char *date, const char *hm, struct tm *tm)
{
	int y, mo, d, hh, mm;

	if (date == NULL || hm == NULL || sscanf(date, "%4d-%2d-%2d", &y, &mo, &d) != 3 ||
	    sscanf(hm, "%2d:%2d", &hh, &mm) != 2)
		return -1;
	memset(tm, 0, sizeof *tm);
	tm->tm_year = y - 1900;
	tm->tm_mon = mo - 1;
	tm->tm_mday = d;
	tm->tm_hour = hh;
	tm->tm_min = mm;
	tm->tm_isdst = -1;
	return 0;
}

/*
 * Whether the fair's zone (the process's: the server made time_zone its
 * own) keeps one UTC offset all through the years y0 to y1: 1 with the
 * offset (seconds east) and its abbreviation, or 0 when it changes (daylight
 * saving, or a change of law), sampled daily.
 */
static int
zone_fixed(int y0, int y1, long *offset, char abbr[16])
{
	struct tm tm = { .tm_mday = 1, .tm_hour = 12 }, lt;
	time_t t, first, end;

	tm.tm_year = y1 + 1 - 1900;
	end = timegm(&tm);
	tm.tm_year = y0 - 1900;
	first = timegm(&tm);
	for (t = first; t < end; t += DAY) {
		if (localtime_r(&t, &lt) == NULL)
			return 0;
		if (t == first) {
			*offset = lt.tm_gmtoff;
			snprintf(abbr, 16, "%s", lt.tm_zone != NULL ? lt.tm_zone : "");
		} else if (lt.tm_gmtoff != *offset)
			return 0;
	}
	return 1;
}

/* An offset in seconds east as RFC 5545's UTC-OFFSET: +0800, -0330, +053000. */
static void
ics_offset(long off, char out[8])
{
	int a = (int)((off < 0 ? -off : off) % 86400);	/* a zone is within a day of UTC */

	if (a % 60 != 0)
		snprintf(out, 8, "%c%02d%02d%02d", off < 0 ? '-' : '+', a / 3600 % 24,
		    a / 60 % 60, a % 60);
	else
		snprintf(out, 8, "%c%02d%02d", off < 0 ? '-' : '+', a / 3600 % 24, a / 60 % 60);
}

/*
 * The page as an iCalendar file, one VEVENT per meeting; caller frees.  A
 * fair whose zone keeps one offset through the meetings' years gets its
 * times in that zone (TZID zone, with a VTIMEZONE of that one offset); a
 * zone with daylight saving gets them in UTC, which every calendar reads
 * alike, rather than rules of our own making.
 */
static char *
ics_of(json_t *page, const char *zone)
{
	json_t *fair = json_object_get(page, "fair"), *me = json_object_get(page, "me"), *m;
	json_t *meetings = json_object_get(page, "meetings");
	const char *fair_code = json_string_value(json_object_get(fair, "code"));
	const char *fair_name = json_string_value(json_object_get(fair, "name"));
	int buyer = strcmp(json_string_value(json_object_get(me, "side")), "buyer") == 0;
	struct buf b = { 0 };
	char stamp[20], abbr[16], off[8], *dtstart, *dtend;
	time_t now = time(NULL);
	struct tm tm;
	int y0 = 9999, y1 = 0, fixed;
	long offset = 0;
	size_t i;

	gmtime_r(&now, &tm);
	strftime(stamp, sizeof stamp, "%Y%m%dT%H%M%SZ", &tm);
	json_array_foreach(meetings, i, m) {
		if (ics_wall(json_string_value(json_object_get(m, "date")), "00:00", &tm) != 0)
			continue;
		y0 = tm.tm_year + 1900 < y0 ? tm.tm_year + 1900 : y0;
		y1 = tm.tm_year + 1900 > y1 ? tm.tm_year + 1900 : y1;
	}
	fixed = y0 <= y1 && zone_fixed(y0, y1, &offset, abbr);
	ics_line(&b, "BEGIN", "VCALENDAR", 0);
	ics_line(&b, "VERSION", "2.0", 0);
	ics_line(&b, "PRODID", "-//fairmatch//agenda//ZH", 0);
	ics_line(&b, "CALSCALE", "GREGORIAN", 0);
	ics_line(&b, "METHOD", "PUBLISH", 0);
	ics_line(&b, "X-WR-CALNAME", fair_name, 1);
	ics_line(&b, "X-WR-TIMEZONE", zone, 0);
	if (fixed) {
		char begin[32];

		/* One STANDARD observance, from the first meeting's year on, describes it. */
		snprintf(begin, sizeof begin, "%04d0101T000000", y0);
		ics_offset(offset, off);
		ics_line(&b, "BEGIN", "VTIMEZONE", 0);
		ics_line(&b, "TZID", zone, 0);
		ics_line(&b, "BEGIN", "STANDARD", 0);
		ics_line(&b, "DTSTART", begin, 0);
		ics_line(&b, "TZOFFSETFROM", off, 0);
		ics_line(&b, "TZOFFSETTO", off, 0);
		if (abbr[0] != '\0')
			ics_line(&b, "TZNAME", abbr, 1);
		ics_line(&b, "END", "STANDARD", 0);
		ics_line(&b, "END", "VTIMEZONE", 0);
	}
	dtstart = fixed ? xasprintf("DTSTART;TZID=%s", zone) : xstrdup("DTSTART");
	dtend = fixed ? xasprintf("DTEND;TZID=%s", zone) : xstrdup("DTEND");
	json_array_foreach(meetings, i, m) {
		const char *date = json_string_value(json_object_get(m, "date"));
		const char *with = json_string_value(json_object_get(json_object_get(m, "with"),
		    "name"));
		const char *table = json_string_value(json_object_get(m, "table_name"));
		const char *where = json_string_value(json_object_get(m, "location"));
		const char *about = json_string_value(json_object_get(m, "about"));
		char start[20], end[20], *uid, *summary, *location, *desc;
		struct tm ts, te;

		if (ics_wall(date, json_string_value(json_object_get(m, "start")), &ts) != 0 ||
		    ics_wall(date, json_string_value(json_object_get(m, "end")), &te) != 0)
			continue;
		if (fixed) {
			strftime(start, sizeof start, "%Y%m%dT%H%M%S", &ts);
			strftime(end, sizeof end, "%Y%m%dT%H%M%S", &te);
		} else {
			/* The wall time in the fair's zone, as the moment it is, in UTC. */
			time_t s = mktime(&ts), e = mktime(&te);

			gmtime_r(&s, &ts);
			gmtime_r(&e, &te);
			strftime(start, sizeof start, "%Y%m%dT%H%M%SZ", &ts);
			strftime(end, sizeof end, "%Y%m%dT%H%M%SZ", &te);
		}
		uid = xasprintf("meeting-%lld-%s@fairmatch", (long long)json_integer_value(
		    json_object_get(m, "id")), fair_code);
		summary = xasprintf("洽谈 Meeting: %s", with != NULL ? with : "");
		location = xasprintf("%s%s%s · %s", table != NULL ? table : "", where != NULL &&
		    *where != '\0' ? " " : "", where != NULL ? where : "", fair_name);
		desc = xasprintf("%s%s", buyer ? "对方提供 They offer: " : "对方需求 They want: ",
		    about != NULL ? about : "—");
		ics_line(&b, "BEGIN", "VEVENT", 0);
		ics_line(&b, "UID", uid, 0);
		ics_line(&b, "DTSTAMP", stamp, 0);
		ics_line(&b, dtstart, start, 0);
		ics_line(&b, dtend, end, 0);
		ics_line(&b, "SUMMARY", summary, 1);
		ics_line(&b, "LOCATION", location, 1);
		ics_line(&b, "DESCRIPTION", desc, 1);
		ics_line(&b, "END", "VEVENT", 0);
		free(uid);
		free(summary);
		free(location);
		free(desc);
	}
	free(dtstart);
	free(dtend);
	ics_line(&b, "END", "VCALENDAR", 0);
	return buf_take(&b);
}

/* GET /api/v1/p/TOKEN/agenda.ics: the current agenda for a calendar. */
void
api_page_ics(struct hreq *h, char **args)
{
	struct link_who who;
	struct evbuffer *body;
	char *cause = NULL, *text;
	json_t *page;

	if (!page_who(h, hreq_store(h), args[0], &who))
		return;
	if ((page = links_page(hreq_store(h), &who, &cause)) == NULL) {
		api_fail(h, hreq_store(h), 500, "internal", cause);
		link_who_clear(&who);
		return;
	}
	text = ics_of(page, hreq_settings(h)->time_zone);
	json_decref(page);
	body = evbuffer_new();
	evbuffer_add(body, text, strlen(text));
	free(text);
	{
		char *disp = xasprintf("attachment; filename=\"%s-%s.ics\"", who.fair_code,
		    who.badge);

		http_header(h, "Content-Disposition", disp);
		free(disp);
	}
	http_header(h, "Cache-Control", "no-store");
	http_send(h, 200, "text/calendar; charset=utf-8", body);
	link_who_clear(&who);
}

/* Worker: revokes the link of t->in's badge at t->text's fair. */
static void
revoke_work(struct task *t, struct store *st)
{
	char *cause = NULL;

	if (links_revoke(st, t->text, json_string_value(json_object_get(t->in, "badge")),
	    &cause) != 0) {
		api_task_fail(t, 404, "not_found", cause);
		return;
	}
	t->status = 200;
	t->body = json_pack("{s:O, s:b}", "badge", json_object_get(t->in, "badge"), "revoked",
	    1);
}

/* POST /api/v1/fairs/CODE/participants/BADGE/link/revoke (organisers). */
void
api_page_revoke(struct hreq *h, char **args)
{
	if (api_fair_known(h, args[0]))
		api_task_run(h, revoke_work, json_pack("{s:s}", "badge", args[1]),
		    xstrdup(args[0]));
}

/* The iCalendar text of a page (links_page's JSON), as api_page_ics sends it; caller frees. */
char *
api_agenda_ics(struct hreq *h, json_t *page)
{
	return ics_of(page, hreq_settings(h)->time_zone);
}
