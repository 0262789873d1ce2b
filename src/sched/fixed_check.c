/*
 * fixed_check.c — the independent validator: given a model and a slot for
 * every meeting, lists every broken rule and recomputes the breaks.  It is
 * written plainly, slot by slot, and shares nothing with the solver, so that
 * a solver bug cannot hide behind the same mistake twice.
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "fixed.h"
#include "util.h"

#define CHECK_MAX_MESSAGES	1000	/* past this, one line says how many more */

/* Appends a violation message. */
static void FM_PRINTF(2, 3)
violation(struct fixed_report *rep, const char *fmt, ...)
{
	va_list ap;

	rep->nviolations++;
	if (rep->nviolations > CHECK_MAX_MESSAGES)
		return;
	rep->violations = xreallocarray(rep->violations, (size_t)rep->nviolations,
	    sizeof *rep->violations);
	va_start(ap, fmt);
	rep->violations[rep->nviolations - 1] = xvasprintf(fmt, ap);
	va_end(ap);
}

/* Each meeting: scheduled, in range, in its session, off forbidden slots, on its fixed slot. */
static void
check_meetings(const struct fixed_model *m, const int *slot, struct fixed_report *rep)
{
	for (int i = 0; i < m->nmeetings; i++) {
		const struct fixed_meeting *mt = &m->meetings[i];
		int t = slot[i];

		if (t < 0 || t >= m->nslots) {
			violation(rep, "会谈 %d 未安排时段 / meeting %d is not scheduled", i + 1,
			    i + 1);
			continue;
		}
		if (mt->session == FIXED_AM && t >= m->nmorning)
			violation(rep, "会谈 %d 限上午，却在时段 %d / meeting %d is morning-only but"
			    " in slot %d", i + 1, t + 1, i + 1, t + 1);
		if (mt->session == FIXED_PM && t < m->nmorning)
			violation(rep, "会谈 %d 限下午，却在时段 %d / meeting %d is afternoon-only"
			    " but in slot %d", i + 1, t + 1, i + 1, t + 1);
		if (m->forbidden[mt->a * m->nslots + t])
			violation(rep, "会谈 %d 在参与方 %d 的禁用时段 %d / meeting %d is in slot %d,"
			    " forbidden for participant %d", i + 1, mt->a + 1, t + 1, i + 1, t + 1,
			    mt->a + 1);
		if (m->forbidden[mt->b * m->nslots + t])
			violation(rep, "会谈 %d 在参与方 %d 的禁用时段 %d / meeting %d is in slot %d,"
			    " forbidden for participant %d", i + 1, mt->b + 1, t + 1, i + 1, t + 1,
			    mt->b + 1);
		if (mt->fixed >= 0 && t != mt->fixed)
			violation(rep, "会谈 %d 固定在时段 %d，却在时段 %d / meeting %d is fixed to"
			    " slot %d but in slot %d", i + 1, mt->fixed + 1, t + 1, i + 1,
			    mt->fixed + 1, t + 1);
		for (int k = 0; k < mt->nbefore; k++) {
			int j = mt->before[k], u = slot[j];

			if (u >= 0 && u < m->nslots && u >= t)
				violation(rep, "会谈 %d（时段 %d）应早于会谈 %d（时段 %d） / meeting %d"
				    " (slot %d) must come before meeting %d (slot %d)", j + 1, u + 1,
				    i + 1, t + 1, j + 1, u + 1, i + 1, t + 1);
		}
	}
}

/* Each slot: no more meetings than tables. */
static void
check_tables(const struct fixed_model *m, const int *slot, struct fixed_report *rep)
{
	for (int t = 0; t < m->nslots; t++) {
		int n = 0;

		for (int i = 0; i < m->nmeetings; i++)
			if (slot[i] == t)
				n++;
		if (n > m->ntables)
			violation(rep, "时段 %d 有 %d 场会谈，但只有 %d 张桌子 / slot %d holds %d"
			    " meetings but there are %d tables", t + 1, n, m->ntables, t + 1, n,
			    m->ntables);
	}
}

/*
 * Each participant: at most one meeting per slot; its breaks, the maximal
 * runs of idle slots strictly between its first and last meeting.
 */
static void
check_participants(const struct fixed_model *m, const int *slot, struct fixed_report *rep)
{
	int *busy = xcalloc((size_t)m->nslots, sizeof *busy);

	for (int p = 0; p < m->nparticipants; p++) {
		int first = -1, last = -1, breaks = 0;

		memset(busy, 0, (size_t)m->nslots * sizeof *busy);
		for (int i = 0; i < m->nmeetings; i++) {
			const struct fixed_meeting *mt = &m->meetings[i];

			if ((mt->a == p || mt->b == p) && slot[i] >= 0 && slot[i] < m->nslots)
				busy[slot[i]]++;
		}
		for (int t = 0; t < m->nslots; t++) {
			if (busy[t] > 1)
				violation(rep, "参与方 %d 在时段 %d 有 %d 场会谈 / participant %d has %d"
				    " meetings in slot %d", p + 1, t + 1, busy[t], p + 1, busy[t],
				    t + 1);
			if (busy[t] > 0) {
				if (first < 0)
					first = t;
				last = t;
			}
		}
		for (int t = first + 1; first >= 0 && t <= last; t++)
			if (busy[t] == 0 && busy[t - 1] > 0)
				breaks++;
		rep->participant_breaks[p] = breaks;
		rep->breaks += breaks;
		if (p == 0 || breaks > rep->max_breaks)
			rep->max_breaks = breaks;
		if (p == 0 || breaks < rep->min_breaks)
			rep->min_breaks = breaks;
	}
	free(busy);
}

int
fixed_check(const struct fixed_model *m, const int *slot, int d, struct fixed_report *rep)
{
	memset(rep, 0, sizeof *rep);
	rep->participant_breaks = xcalloc((size_t)m->nparticipants + 1,
	    sizeof *rep->participant_breaks);
	check_meetings(m, slot, rep);
	check_tables(m, slot, rep);
	check_participants(m, slot, rep);
	if (rep->max_breaks - rep->min_breaks > d)
		violation(rep, "不公平：最多 %d 次空档，最少 %d 次，相差超过 %d / unfair: breaks"
		    " range from %d to %d, more than %d apart", rep->max_breaks,
		    rep->min_breaks, d, rep->min_breaks, rep->max_breaks, d);
	if (rep->nviolations > CHECK_MAX_MESSAGES) {
		int more = rep->nviolations - CHECK_MAX_MESSAGES;

		rep->violations = xreallocarray(rep->violations, CHECK_MAX_MESSAGES + 1,
		    sizeof *rep->violations);
		rep->violations[CHECK_MAX_MESSAGES] = xasprintf("另有 %d 处违规 / and %d more"
		    " violations", more, more);
		rep->nviolations = CHECK_MAX_MESSAGES + 1;
	}
	return rep->nviolations;
}

/* Frees what the report owns. */
void
fixed_report_free(struct fixed_report *rep)
{
	for (int i = 0; i < rep->nviolations; i++)
		free(rep->violations[i]);
	free(rep->violations);
	free(rep->participant_breaks);
	memset(rep, 0, sizeof *rep);
}
