/*
 * print_agenda.c — a fair's schedule on paper: each participant's agenda
 * with a QR code to their personal page, a sheet for each table, the whole
 * grid, the sign-in sheets, and the badges whose QR code holds the badge
 * number for check-in.  Everything comes from a struct agenda.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pdf.h"
#include "print.h"
#include "util.h"

#define QR_SIZE		84.0	/* points: 30 mm */
#define BADGE_QR	99.0	/* points: 35 mm, for a scanner at the door */
#define BADGE_GAP	12.0	/* points between a cut line and a badge */
#define GRID_TABLES	7	/* table columns on one landscape grid page */

/* A schedule checked and indexed for printing. */
struct plan {
	const struct agenda	*a;
	size_t			*by_party;	/* meeting indexes, grouped by party, by slot; owned */
	size_t			*party_at;	/* [nparties + 1] start of each party's run; owned */
	size_t			*by_table;	/* meeting indexes, grouped by table, by slot; owned */
	size_t			*table_at;	/* [ntables + 1]; owned */
	const struct print_opts	*opts;
	size_t			 done, total;	/* units of progress */
};

static const char *const role_zh[] = {
	[AGENDA_BUYER] = "采购商", [AGENDA_SUPPLIER] = "供应商",
};

/* s, or "" for NULL. */
static const char *
str(const char *s)
{
	return s != NULL ? s : "";
}

/* Reports one more unit done. */
static void
plan_tick(struct plan *p)
{
	p->done++;
	if (p->opts->progress != NULL && p->total > 0 &&
	    (p->done % 16 == 0 || p->done == p->total))
		p->opts->progress(p->opts->arg, (double)p->done / (double)p->total);
}

/* A meeting's sort key: slot, then table. */
struct mkey {
	size_t	slot, table, idx;
};

static int
mkey_cmp(const void *x, const void *y)
{
	const struct mkey *m = x, *n = y;

	if (m->slot != n->slot)
		return m->slot < n->slot ? -1 : 1;
	if (m->table != n->table)
		return m->table < n->table ? -1 : 1;
	return m->idx < n->idx ? -1 : m->idx > n->idx;
}

/* Meeting indexes in slot, then table order; caller frees. */
static size_t *
in_order(const struct agenda *a)
{
	struct mkey *k = xcalloc(a->nmeetings + 1, sizeof *k);
	size_t *order = xcalloc(a->nmeetings + 1, sizeof *order);

	for (size_t i = 0; i < a->nmeetings; i++)
		k[i] = (struct mkey){ a->meetings[i].slot, a->meetings[i].table, i };
	qsort(k, a->nmeetings, sizeof *k, mkey_cmp);
	for (size_t i = 0; i < a->nmeetings; i++)
		order[i] = k[i].idx;
	free(k);
	return order;
}

/* Groups meetings by key (party or table) into *list and *at, each run by slot. */
static void
group(const struct agenda *a, const size_t *order, size_t nkeys, int by_party,
    size_t **list, size_t **at)
{
	size_t *fill = xcalloc(nkeys + 1, sizeof *fill);
	size_t n = by_party ? 2 * a->nmeetings : a->nmeetings;

	*at = xcalloc(nkeys + 1, sizeof **at);
	*list = xcalloc(n > 0 ? n : 1, sizeof **list);
	for (size_t i = 0; i < a->nmeetings; i++) {
		const struct agenda_meeting *m = &a->meetings[i];

		if (by_party) {
			(*at)[m->buyer + 1]++;
			(*at)[m->supplier + 1]++;
		} else
			(*at)[m->table + 1]++;
	}
	for (size_t k = 0; k < nkeys; k++)
		(*at)[k + 1] += (*at)[k];
	/* Filling in slot order leaves each run in slot order. */
	for (size_t j = 0; j < a->nmeetings; j++) {
		size_t i = order[j];
		const struct agenda_meeting *m = &a->meetings[i];

		if (by_party) {
			(*list)[(*at)[m->buyer] + fill[m->buyer]++] = i;
			(*list)[(*at)[m->supplier] + fill[m->supplier]++] = i;
		} else
			(*list)[(*at)[m->table] + fill[m->table]++] = i;
	}
	free(fill);
}

/*
 * Checks that every meeting names a slot, table and parties that exist, in
 * their roles, and that no table, buyer or supplier is in two meetings at
 * once.  0, or -1 and *cause.
 */
static int
plan_check(const struct agenda *a, char **cause)
{
	for (size_t i = 0; i < a->nmeetings; i++) {
		const struct agenda_meeting *m = &a->meetings[i];

		if (m->slot >= a->nslots || m->table >= a->ntables ||
		    m->buyer >= a->nparties || m->supplier >= a->nparties ||
		    a->parties[m->buyer].role != AGENDA_BUYER ||
		    a->parties[m->supplier].role != AGENDA_SUPPLIER) {
			*cause = xasprintf("第 %zu 场洽谈的时段、桌号或双方不存在 / meeting %zu names"
			    " a slot, table, buyer or supplier that does not exist", i + 1, i + 1);
			return -1;
		}
	}
	return 0;
}

/* Checks the sorted runs for two meetings of one key in one slot. */
static int
plan_clash(const struct plan *p, const size_t *list, const size_t *at, size_t nkeys,
    const char *what, char **cause)
{
	const struct agenda *a = p->a;

	for (size_t k = 0; k < nkeys; k++)
		for (size_t j = at[k] + 1; j < at[k + 1]; j++) {
			const struct agenda_meeting *m = &a->meetings[list[j]];

			if (a->meetings[list[j - 1]].slot != m->slot)
				continue;
			*cause = xasprintf("%s在同一时段（%s %s）有两场洽谈 / a %s has two meetings"
			    " in one slot (%s %s)", what, str(a->slots[m->slot].day),
			    str(a->slots[m->slot].start), what, str(a->slots[m->slot].day),
			    str(a->slots[m->slot].start));
			return -1;
		}
	return 0;
}

/* Builds the indexes; 0, or -1 and *cause. */
static int
plan_build(struct plan *p, const struct agenda *a, const struct print_opts *opts, char **cause)
{
	size_t *order;

	memset(p, 0, sizeof *p);
	p->a = a;
	p->opts = opts;
	if (plan_check(a, cause) != 0)
		return -1;
	order = in_order(a);
	group(a, order, a->nparties, 1, &p->by_party, &p->party_at);
	group(a, order, a->ntables, 0, &p->by_table, &p->table_at);
	free(order);
	if (plan_clash(p, p->by_party, p->party_at, a->nparties, "同一单位 / participant",
	    cause) != 0 || plan_clash(p, p->by_table, p->table_at, a->ntables,
	    "同一桌 / table", cause) != 0)
		return -1;
	return 0;
}

static void
plan_free(struct plan *p)
{
	free(p->by_party);
	free(p->party_at);
	free(p->by_table);
	free(p->table_at);
}

/* "2026-05-21 09:00–09:20"; caller frees. */
static char *
slot_text(const struct agenda_slot *s)
{
	return xasprintf("%s–%s", str(s->start), str(s->end));
}

/*
 * The fair's line under its name: city · dates · venue · the schedule's
 * version, so that a printed page says which schedule it shows; caller frees.
 */
static char *
fair_line(const struct agenda_fair *f)
{
	struct buf b = { 0 };

	buf_addstr(&b, str(f->city));
	if (f->dates != NULL && *f->dates != '\0')
		buf_addf(&b, "%s%s", b.len > 0 ? " · " : "", f->dates);
	if (f->venue != NULL && *f->venue != '\0')
		buf_addf(&b, "%s%s", b.len > 0 ? " · " : "", f->venue);
	if (f->version > 0)
		buf_addf(&b, "%s日程第 %d 版 / schedule version %d", b.len > 0 ? " · " : "",
		    f->version, f->version);
	if (b.len == 0)
		buf_addstr(&b, "");
	return buf_take(&b);
}

/* A party's contact: person and phone on two lines; caller frees. */
static char *
contact_text(const struct agenda_party *p)
{
	if (p->contact != NULL && *p->contact != '\0' && p->phone != NULL && *p->phone != '\0')
		return xasprintf("%s\n%s", p->contact, p->phone);
	return xstrdup(p->contact != NULL && *p->contact != '\0' ? p->contact : str(p->phone));
}

/* The columns of a participant's agenda. */
static const double party_widths[] = { 11, 12, 7, 28, 26, 16 };
static const char *const buyer_head[] = {
	"日期\nDate", "时间\nTime", "桌号\nTable", "供应商\nSupplier",
	"对方提供\nThey offer", "联系方式\nContact",
};
static const char *const supplier_head[] = {
	"日期\nDate", "时间\nTime", "桌号\nTable", "采购商\nBuyer",
	"对方需求\nThey want", "联系方式\nContact",
};
static const enum pdf_align party_align[] = {
	PDF_LEFT, PDF_LEFT, PDF_CENTER, PDF_LEFT, PDF_LEFT, PDF_LEFT,
};
static const struct pdf_table party_tables[] = {
	[AGENDA_BUYER] = { nitems(party_widths), party_widths, buyer_head, party_align, 4, 0 },
	[AGENDA_SUPPLIER] = { nitems(party_widths), party_widths, supplier_head, party_align,
	    4, 0 },
};

/* One participant's agenda, from a new page. */
static int
party_agenda(struct plan *p, struct pdf_doc *doc, size_t k, char **cause)
{
	const struct agenda *a = p->a;
	const struct agenda_party *me = &a->parties[k];
	char *line, *top;
	double y_top;

	pdf_new_page(doc);
	pdf_set_running(doc, str(me->name));
	y_top = pdf_room(doc);
	if (p->opts->base_url != NULL && me->link != NULL) {
		char *url = xasprintf("%s/p/%s", p->opts->base_url, me->link);

		if (pdf_qr(doc, pdf_width(doc) - QR_SIZE, 0, QR_SIZE, url, cause) != 0) {
			free(url);
			return -1;
		}
		free(url);
		pdf_set_inset(doc, QR_SIZE + 8);
	}
	pdf_heading(doc, PDF_H1, str(a->fair.name), 0);
	line = fair_line(&a->fair);
	pdf_paragraph(doc, PDF_SMALL, PDF_LEFT, line);
	free(line);
	top = xasprintf("%s日程 · %s agenda：%s", role_zh[me->role],
	    me->role == AGENDA_BUYER ? "Buyer" : "Supplier", str(me->name));
	pdf_heading(doc, PDF_H2, top, 0);
	free(top);
	{
		struct buf b = { 0 };

		if (me->region != NULL)
			buf_addf(&b, "%s · ", me->region);
		if (me->contact != NULL)
			buf_addf(&b, "联系人 %s ", me->contact);
		if (me->phone != NULL)
			buf_addf(&b, "%s ", me->phone);
		buf_addf(&b, "%s编号 / ID %s", b.len > 0 ? "· " : "", str(me->code));
		if (me->pin != NULL)
			buf_addf(&b, " · 自助机 PIN / kiosk PIN %s", me->pin);
		line = buf_take(&b);
	}
	pdf_paragraph(doc, PDF_BODY, PDF_LEFT, line);
	free(line);
	pdf_set_inset(doc, 0);
	/* Below the QR code, whatever the headings took. */
	if (p->opts->base_url != NULL && me->link != NULL && y_top - pdf_room(doc) < QR_SIZE)
		pdf_space(doc, QR_SIZE - (y_top - pdf_room(doc)));
	pdf_space(doc, 6);

	if (p->party_at[k] == p->party_at[k + 1]) {
		pdf_paragraph(doc, PDF_BODY, PDF_LEFT,
		    "暂无洽谈安排。/ No meetings are scheduled yet.");
		return 0;
	}
	pdf_table_begin(doc, &party_tables[me->role]);
	for (size_t j = p->party_at[k]; j < p->party_at[k + 1]; j++) {
		const struct agenda_meeting *m = &a->meetings[p->by_party[j]];
		const struct agenda_party *them = &a->parties[me->role == AGENDA_BUYER ?
		    m->supplier : m->buyer];
		char *time = slot_text(&a->slots[m->slot]);
		char *who = them->region != NULL ? xasprintf("%s\n%s", str(them->name),
		    them->region) : xstrdup(str(them->name));
		char *contact = contact_text(them);
		const char *cells[6] = {
			str(a->slots[m->slot].day), time, a->tables[m->table], who,
			str(me->role == AGENDA_BUYER ? m->offer : m->want), contact,
		};

		pdf_table_row(doc, cells);
		free(time);
		free(who);
		free(contact);
	}
	pdf_table_end(doc);
	pdf_paragraph(doc, PDF_SMALL, PDF_LEFT,
	    "请于每场洽谈开始前 5 分钟到达桌位；日程如有调整，以扫码所见为准。\n"
	    "Please be at the table five minutes before each meeting; if the schedule changes,"
	    " the page behind the QR code is the current one.");
	return 0;
}

/* one(p, doc, k, cause) for every participant k, buyers first, then suppliers. */
static int
each_party(struct plan *p, struct pdf_doc *doc,
    int (*one)(struct plan *, struct pdf_doc *, size_t, char **), char **cause)
{
	static const enum agenda_role order[] = { AGENDA_BUYER, AGENDA_SUPPLIER };

	p->total = p->a->nparties;
	for (size_t r = 0; r < nitems(order); r++)
		for (size_t k = 0; k < p->a->nparties; k++) {
			if (p->a->parties[k].role != order[r])
				continue;
			if (one(p, doc, k, cause) != 0)
				return -1;
			plan_tick(p);
		}
	if (p->a->nparties == 0)
		pdf_paragraph(doc, PDF_BODY, PDF_LEFT, "（无参会单位 / no participants）");
	return 0;
}

/* Every participant's agenda: buyers first, then suppliers. */
static int
doc_parties(struct plan *p, struct pdf_doc *doc, char **cause)
{
	return each_party(p, doc, party_agenda, cause);
}

/* The columns of a table's sheet. */
static const double table_widths[] = { 11, 12, 25, 25, 27 };
static const char *const table_head[] = {
	"日期\nDate", "时间\nTime", "采购商\nBuyer", "供应商\nSupplier",
	"洽谈内容（需求 → 产品）\nTopic (wanted → offered)",
};
static const struct pdf_table table_sheet = {
	nitems(table_widths), table_widths, table_head, NULL, 4, 30,
};

/* A sheet for each table: who sits there, when. */
static int
doc_tables(struct plan *p, struct pdf_doc *doc, char **cause)
{
	const struct agenda *a = p->a;

	p->total = a->ntables;
	for (size_t t = 0; t < a->ntables; t++) {
		char *title = xasprintf("桌号 Table：%s", a->tables[t]);
		char *line = fair_line(&a->fair);

		pdf_new_page(doc);
		pdf_set_running(doc, title);
		pdf_heading(doc, PDF_TITLE, title, 0);
		pdf_paragraph(doc, PDF_BODY, PDF_LEFT, str(a->fair.name));
		pdf_paragraph(doc, PDF_SMALL, PDF_LEFT, line);
		free(title);
		free(line);
		pdf_space(doc, 6);
		if (p->table_at[t] == p->table_at[t + 1]) {
			pdf_paragraph(doc, PDF_BODY, PDF_LEFT, "本桌暂无洽谈 / no meetings at this table");
			plan_tick(p);
			continue;
		}
		pdf_table_begin(doc, &table_sheet);
		for (size_t j = p->table_at[t]; j < p->table_at[t + 1]; j++) {
			const struct agenda_meeting *m = &a->meetings[p->by_table[j]];
			char *time = slot_text(&a->slots[m->slot]);
			char *topic = xasprintf("%s → %s", str(m->want), str(m->offer));
			const char *cells[5] = {
				str(a->slots[m->slot].day), time, str(a->parties[m->buyer].name),
				str(a->parties[m->supplier].name), topic,
			};

			pdf_table_row(doc, cells);
			free(time);
			free(topic);
		}
		pdf_table_end(doc);
		plan_tick(p);
	}
	return 0;
}

/* The whole grid: slots down, tables across, GRID_TABLES to a page. */
static int
doc_grid(struct plan *p, struct pdf_doc *doc, char **cause)
{
	const struct agenda *a = p->a;
	size_t *cell = xcalloc(a->nslots * a->ntables + 1, sizeof *cell);
	double widths[GRID_TABLES + 1];
	const char *head[GRID_TABLES + 1];
	const char *cells[GRID_TABLES + 1];
	char *texts[GRID_TABLES + 1];
	char *line = fair_line(&a->fair);

	/* cell[slot * ntables + table] = meeting + 1, 0 = free. */
	for (size_t i = 0; i < a->nmeetings; i++)
		cell[a->meetings[i].slot * a->ntables + a->meetings[i].table] = i + 1;
	p->total = (a->ntables + GRID_TABLES - 1) / GRID_TABLES;
	for (size_t t0 = 0; t0 < a->ntables; t0 += GRID_TABLES) {
		size_t n = a->ntables - t0 < GRID_TABLES ? a->ntables - t0 : GRID_TABLES;
		struct pdf_table spec = { n + 1, widths, head, NULL, 4, 0 };
		char *title = xasprintf("洽谈总表 · Meeting grid：%s – %s", a->tables[t0],
		    a->tables[t0 + n - 1]);
		char *heads[GRID_TABLES];

		pdf_new_page(doc);
		pdf_set_running(doc, title);
		pdf_heading(doc, PDF_H2, str(a->fair.name), 0);
		pdf_paragraph(doc, PDF_SMALL, PDF_LEFT, line);
		pdf_heading(doc, PDF_H3, title, 40);
		free(title);
		widths[0] = 1;
		head[0] = "时间\nTime";
		for (size_t i = 0; i < n; i++) {
			widths[i + 1] = 2.2;
			heads[i] = xasprintf("桌号 Table\n%s", a->tables[t0 + i]);
			head[i + 1] = heads[i];
		}
		pdf_table_begin(doc, &spec);
		for (size_t s = 0; s < a->nslots; s++) {
			texts[0] = xasprintf("%s\n%s–%s", str(a->slots[s].day), str(a->slots[s].start),
			    str(a->slots[s].end));
			cells[0] = texts[0];
			for (size_t i = 0; i < n; i++) {
				size_t m = cell[s * a->ntables + t0 + i];

				texts[i + 1] = m == 0 ? xstrdup("") : xasprintf("%s\n× %s",
				    str(a->parties[a->meetings[m - 1].buyer].name),
				    str(a->parties[a->meetings[m - 1].supplier].name));
				cells[i + 1] = texts[i + 1];
			}
			pdf_table_row(doc, cells);
			for (size_t i = 0; i <= n; i++)
				free(texts[i]);
		}
		pdf_table_end(doc);
		for (size_t i = 0; i < n; i++)
			free(heads[i]);
		plan_tick(p);
	}
	if (a->ntables == 0)
		pdf_paragraph(doc, PDF_BODY, PDF_LEFT, "（无洽谈桌 / no tables）");
	free(line);
	free(cell);
	return 0;
}

/*
 * The columns of a sign-in sheet: beside the badge number, its QR code
 * (what the console's check-in box reads, as on the badge), 12 mm square.
 */
#define SIGNIN_QR_COL	2
static const double signin_widths[] = { 5, 8, 7, 30, 10, 8, 14, 11, 7 };
static const char *const signin_head[] = {
	"序号\nNo.", "胸牌号\nBadge", "扫码\nScan", "单位名称\nCompany", "地区\nRegion",
	"联系人\nContact", "电话\nPhone", "签名\nSignature", "时间\nTime",
};
static const struct pdf_table signin_table = {
	nitems(signin_widths), signin_widths, signin_head, NULL, 2, 34,
};

/* Whether party k has a meeting on day (NULL = any day). */
static int
meets_on(const struct plan *p, size_t k, const char *day)
{
	for (size_t j = p->party_at[k]; j < p->party_at[k + 1]; j++) {
		const char *d = p->a->slots[p->a->meetings[p->by_party[j]].slot].day;

		if (day == NULL || strcmp(str(d), day) == 0)
			return 1;
	}
	return 0;
}

/*
 * Sign-in sheets, for each day of the timetable: the buyers, then the
 * suppliers, who meet that day, each row with its badge number's QR code.
 * Those with no meeting at all sign in on the first day's sheets.
 */
static int
doc_signin(struct plan *p, struct pdf_doc *doc, char **cause)
{
	static const enum agenda_role order[] = { AGENDA_BUYER, AGENDA_SUPPLIER };
	const struct agenda *a = p->a;
	const char **days = xcalloc(a->nslots + 1, sizeof *days);
	size_t ndays = 0;
	char *line = fair_line(&a->fair);

	for (size_t s = 0; s < a->nslots; s++)
		if (ndays == 0 || strcmp(days[ndays - 1], str(a->slots[s].day)) != 0)
			days[ndays++] = str(a->slots[s].day);
	if (ndays == 0)
		days[ndays++] = "";
	p->total = ndays * nitems(order);
	for (size_t d = 0; d < ndays; d++)
		for (size_t r = 0; r < nitems(order); r++) {
			char *title = xasprintf("签到表 · Sign-in sheet：%s %s", role_zh[order[r]],
			    order[r] == AGENDA_BUYER ? "buyers" : "suppliers");
			size_t no = 0;

			pdf_new_page(doc);
			pdf_set_running(doc, title);
			pdf_heading(doc, PDF_H1, title, 0);
			pdf_paragraph(doc, PDF_BODY, PDF_LEFT, str(a->fair.name));
			{
				char *when = xasprintf("%s%s%s", line, *days[d] != '\0' ?
				    " · 签到日期 / date " : "", days[d]);

				pdf_paragraph(doc, PDF_SMALL, PDF_LEFT, when);
				free(when);
			}
			free(title);
			pdf_table_begin(doc, &signin_table);
			for (size_t k = 0; k < a->nparties; k++) {
				const struct agenda_party *x = &a->parties[k];
				char num[24];

				if (x->role != order[r])
					continue;
				if (!(meets_on(p, k, *days[d] != '\0' ? days[d] : NULL) ||
				    (d == 0 && !meets_on(p, k, NULL))))
					continue;
				snprintf(num, sizeof num, "%zu", ++no);
				{
					const char *cells[9] = {
						num, str(x->code), "", str(x->name), str(x->region),
						str(x->contact), str(x->phone), "", "",
					};

					if (pdf_table_row_qr(doc, cells, SIGNIN_QR_COL,
					    str(x->code), cause) != 0) {
						free(line);
						free(days);
						return -1;
					}
				}
			}
			pdf_table_end(doc);
			plan_tick(p);
		}
	free(line);
	free(days);
	return 0;
}

/*
 * One badge below the cursor, between cut lines: the badge number large
 * and, at the right, as a QR code (what the console's check-in box reads);
 * the company, its side and region, the fair.
 */
static int
party_badge(struct plan *p, struct pdf_doc *doc, size_t k, char **cause)
{
	const struct agenda_party *me = &p->a->parties[k];
	char *line;
	double y_top, used;

	pdf_need(doc, BADGE_QR + 2 * BADGE_GAP);
	pdf_cut_line(doc);
	pdf_space(doc, BADGE_GAP);
	y_top = pdf_room(doc);
	if (pdf_qr(doc, pdf_width(doc) - BADGE_QR, 0, BADGE_QR, str(me->code), cause) != 0)
		return -1;
	pdf_set_inset(doc, BADGE_QR + 12);
	pdf_paragraph(doc, PDF_SMALL, PDF_LEFT, str(p->a->fair.name));
	pdf_heading(doc, PDF_TITLE, str(me->code), 0);
	pdf_heading(doc, PDF_H2, str(me->name), 0);
	line = xasprintf("%s %s%s%s", role_zh[me->role], me->role == AGENDA_BUYER ? "Buyer" :
	    "Supplier", me->region != NULL ? " · " : "", str(me->region));
	pdf_paragraph(doc, PDF_BODY, PDF_LEFT, line);
	free(line);
	pdf_paragraph(doc, PDF_SMALL, PDF_LEFT, "胸牌号 / Badge · 入场扫码签到 / scan to check in");
	pdf_set_inset(doc, 0);
	used = y_top - pdf_room(doc);
	pdf_space(doc, (used < BADGE_QR ? BADGE_QR - used : 0) + BADGE_GAP);
	return 0;
}

/*
 * Every participant's badge, buyers first, as many to a page as fit; a cut
 * line below the last.
 */
static int
doc_badges(struct plan *p, struct pdf_doc *doc, char **cause)
{
	pdf_set_running(doc, "胸牌 · Badges");
	if (each_party(p, doc, party_badge, cause) != 0)
		return -1;
	if (p->a->nparties > 0)
		pdf_cut_line(doc);
	return 0;
}

/* The documents, by name, with their renderers and page shapes. */
static const struct {
	const char		*name;
	const char		*title;
	enum pdf_orientation	 orientation;
	int			(*render)(struct plan *, struct pdf_doc *, char **);
} docs[] = {
	[AGENDA_DOC_PARTIES] = { "agendas", "洽谈日程 · Agendas", PDF_PORTRAIT, doc_parties },
	[AGENDA_DOC_TABLES] = { "tables", "桌位洽谈表 · Table sheets", PDF_PORTRAIT, doc_tables },
	[AGENDA_DOC_GRID] = { "grid", "洽谈总表 · Meeting grid", PDF_LANDSCAPE, doc_grid },
	[AGENDA_DOC_SIGNIN] = { "signin", "签到表 · Sign-in sheets", PDF_PORTRAIT, doc_signin },
	[AGENDA_DOC_BADGES] = { "badges", "胸牌 · Badges", PDF_PORTRAIT, doc_badges },
};

int
print_agenda_doc_by_name(const char *name)
{
	for (size_t i = 0; i < nitems(docs); i++)
		if (strcmp(docs[i].name, name) == 0)
			return (int)i;
	return -1;
}

int
print_agenda_doc(const struct agenda *a, enum agenda_doc which, const struct print_opts *opts,
    const char *path, int *pages, char **cause)
{
	static const struct print_opts none;
	struct pdf_opts po = { docs[which].orientation, NULL, NULL, 0, 0 };
	struct pdf_doc *doc;
	struct plan p;
	char *title;
	int n;

	if (opts == NULL)
		opts = &none;
	if (plan_build(&p, a, opts, cause) != 0) {
		plan_free(&p);
		return -1;
	}
	title = xasprintf("%s · %s", str(a->fair.name), docs[which].title);
	po.title = title;
	po.footer = "fairmatch 供需对接平台";
	if (pdf_open(path, &po, &doc, cause) != 0) {
		free(title);
		plan_free(&p);
		return -1;
	}
	free(title);
	if (docs[which].render(&p, doc, cause) != 0) {
		pdf_abort(doc);
		plan_free(&p);
		return -1;
	}
	n = pdf_page(doc);
	plan_free(&p);
	if (pdf_close(doc, cause) != 0)
		return -1;
	if (pages != NULL)
		*pages = n;
	return 0;
}
