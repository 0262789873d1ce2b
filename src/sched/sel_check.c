/*
 * sel_check.c — the independent validator for selection-mode
 * schedules: every held meeting in range, both sides available, a table
 * one meeting per slot and a booth only its supplier's, nobody in more
 * meetings at once than representatives, a pair at most once, locked
 * meetings where locked; then the value, the count and the gaps
 * recomputed.  Written plainly with counting arrays; it shares nothing with
 * the solver (sel_solve.c), so one mistake cannot hide in both.
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "sel.h"
#include "util.h"

#define SEL_CHECK_MAX	1000	/* messages kept; past this, only counted */

/* Appends a violation message. */
static void FM_PRINTF(2, 3)
violation(struct sel_report *rep, const char *fmt, ...)
{
	va_list ap;

	rep->nviolations++;
	if (rep->nviolations > SEL_CHECK_MAX)
		return;
	rep->violations = xreallocarray(rep->violations, (size_t)rep->nviolations,
	    sizeof *rep->violations);
	va_start(ap, fmt);
	rep->violations[rep->nviolations - 1] = xvasprintf(fmt, ap);
	va_end(ap);
}

/* One held meeting on its own: in range, both there, its table allowed, its lock kept. */
static int
check_one(const struct sel_model *m, int i, int t, int k, struct sel_report *rep)
{
	const struct sel_cand *c = &m->cands[i];

	if (t < 0 || t >= m->nslots || k < 0 || k >= m->ntables) {
		violation(rep, "洽谈 %d 的时段 %d 或桌号 %d 不存在 / meeting %d has no such slot"
		    " %d or table %d", i + 1, t + 1, k + 1, i + 1, t + 1, k + 1);
		return -1;
	}
	if (m->bunavail[(size_t)c->buyer * m->nslots + t])
		violation(rep, "洽谈 %d：买方 %d 在时段 %d 不在场 / meeting %d: buyer %d is"
		    " unavailable in slot %d", i + 1, c->buyer + 1, t + 1, i + 1, c->buyer + 1,
		    t + 1);
	if (m->sunavail[(size_t)c->supplier * m->nslots + t])
		violation(rep, "洽谈 %d：供应商 %d 在时段 %d 不在场 / meeting %d: supplier %d is"
		    " unavailable in slot %d", i + 1, c->supplier + 1, t + 1, i + 1,
		    c->supplier + 1, t + 1);
	for (int s = 0; s < m->nsuppliers; s++)
		if (s != c->supplier && m->booth[s] == k)
			violation(rep, "洽谈 %d 在供应商 %d 的展位桌 %d / meeting %d is at table %d,"
			    " the booth of supplier %d", i + 1, s + 1, k + 1, i + 1, k + 1, s + 1);
	if (c->lock_slot >= 0 && (t != c->lock_slot || k != c->lock_table))
		violation(rep, "锁定的洽谈 %d 被移动：应在时段 %d 桌 %d / locked meeting %d moved:"
		    " it belongs in slot %d at table %d", i + 1, c->lock_slot + 1,
		    c->lock_table + 1, i + 1, c->lock_slot + 1, c->lock_table + 1);
	return 0;
}

/* Orders pair keys. */
static int
cmp_pair(const void *a, const void *b)
{
	long long x = *(const long long *)a, y = *(const long long *)b;

	return x < y ? -1 : x > y;
}

/* Idle slots between first and last busy slot, day by day. */
static int
gaps_of(const struct sel_model *m, const int *busy)
{
	int gaps = 0;

	for (int t = 0; t < m->nslots; ) {
		int day = m->slot_day[t], first = -1, last = -1, n = 0;

		for (; t < m->nslots && m->slot_day[t] == day; t++)
			if (busy[t] > 0) {
				if (first < 0)
					first = t;
				last = t;
				n++;
			}
		if (first >= 0)
			gaps += last - first + 1 - n;
	}
	return gaps;
}

int
sel_check(const struct sel_model *m, const int *slot, const int *table,
    struct sel_report *rep)
{
	size_t ns = (size_t)m->nslots;
	int *tab = xcalloc(ns * m->ntables + 1, sizeof *tab);
	int *bl = xcalloc((size_t)m->nbuyers * ns + 1, sizeof *bl);
	int *sl = xcalloc((size_t)m->nsuppliers * ns + 1, sizeof *sl);
	long long *pairs = xcalloc((size_t)m->ncands + 1, sizeof *pairs);
	int npairs = 0;

	memset(rep, 0, sizeof *rep);
	for (int i = 0; i < m->ncands; i++) {
		const struct sel_cand *c = &m->cands[i];
		int t = slot[i], k = table[i];

		if (t < 0 && k < 0) {
			if (c->lock_slot >= 0)
				violation(rep, "锁定的洽谈 %d 被取消 / locked meeting %d was dropped",
				    i + 1, i + 1);
			continue;
		}
		if (check_one(m, i, t, k, rep) != 0)
			continue;
		tab[(size_t)t * m->ntables + k]++;
		bl[(size_t)c->buyer * ns + t]++;
		sl[(size_t)c->supplier * ns + t]++;
		pairs[npairs++] = (long long)c->buyer * m->nsuppliers + c->supplier;
		rep->value += c->value;
		rep->meetings++;
	}
	for (size_t t = 0; t < ns; t++)
		for (int k = 0; k < m->ntables; k++) {
			int n = tab[t * m->ntables + k];

			if (n > 1)
				violation(rep, "时段 %zu 的 %d 号桌有 %d 场洽谈 / table %d has %d"
				    " meetings in slot %zu", t + 1, k + 1, n, k + 1, n, t + 1);
		}
	for (int b = 0; b < m->nbuyers; b++) {
		for (size_t t = 0; t < ns; t++)
			if (bl[b * ns + t] > m->breps[b])
				violation(rep, "买方 %d 在时段 %zu 有 %d 场洽谈 / buyer %d has %d"
				    " meetings in slot %zu", b + 1, t + 1, bl[b * ns + t], b + 1,
				    bl[b * ns + t], t + 1);
		rep->gaps += gaps_of(m, bl + b * ns);
	}
	for (int s = 0; s < m->nsuppliers; s++) {
		for (size_t t = 0; t < ns; t++)
			if (sl[s * ns + t] > m->sreps[s])
				violation(rep, "供应商 %d 在时段 %zu 有 %d 场洽谈 / supplier %d has %d"
				    " meetings in slot %zu", s + 1, t + 1, sl[s * ns + t], s + 1,
				    sl[s * ns + t], t + 1);
		rep->gaps += gaps_of(m, sl + s * ns);
	}
	qsort(pairs, (size_t)npairs, sizeof *pairs, cmp_pair);
	for (int x = 1; x < npairs; x++)
		if (pairs[x] == pairs[x - 1])
			violation(rep, "买方 %lld 与供应商 %lld 洽谈不止一次 / buyer %lld meets"
			    " supplier %lld more than once", pairs[x] / m->nsuppliers + 1,
			    pairs[x] % m->nsuppliers + 1, pairs[x] / m->nsuppliers + 1,
			    pairs[x] % m->nsuppliers + 1);
	if (rep->nviolations > SEL_CHECK_MAX) {
		int more = rep->nviolations - SEL_CHECK_MAX;

		rep->violations = xreallocarray(rep->violations, SEL_CHECK_MAX + 1,
		    sizeof *rep->violations);
		rep->violations[SEL_CHECK_MAX] = xasprintf("另有 %d 处违规 / and %d more"
		    " violations", more, more);
		rep->nviolations = SEL_CHECK_MAX + 1;
	}
	free(tab);
	free(bl);
	free(sl);
	free(pairs);
	return rep->nviolations;
}

void
sel_report_free(struct sel_report *rep)
{
	for (int i = 0; i < rep->nviolations; i++)
		free(rep->violations[i]);
	free(rep->violations);
	memset(rep, 0, sizeof *rep);
}
