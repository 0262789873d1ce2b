/*
 * fixed_bound.c — what can be known about a fixed-mode instance before
 * searching.  First the easy proofs of infeasibility: more meetings than
 * tables × slots, a meeting with no allowed slot, a slot with more fixed
 * meetings than tables, a participant's meetings confined to fewer slots
 * than there are of them (Hall's condition on each meeting's domain), a
 * precedence cycle.  Then, for each participant alone, a dynamic programme
 * over its slots gives the fewest and the most breaks it can have, and the
 * fairness bound tightens both: nobody has fewer than (the largest lower
 * bound − d) breaks, nor more than (the smallest upper bound + d).
 */
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "fixed_int.h"
#include "util.h"

/* Breaks are counted when a busy slot follows an idle one after the first meeting. */
enum run_state {
	RUN_NOT_STARTED = 0,	/* no meeting yet */
	RUN_BUSY,		/* the last slot had a meeting */
	RUN_IDLE,		/* the last slot was idle, after some meeting */
	RUN_STATES
};

double
fixed_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Caller frees. */
uint64_t *
fixed_domains(const struct fixed_model *m)
{
	uint64_t *dom = xcalloc((size_t)m->nmeetings + 1, sizeof *dom);

	for (int i = 0; i < m->nmeetings; i++)
		for (int t = 0; t < m->nslots && t < FIXED_MAX_SLOTS; t++)
			if (fixed_allowed(m, i, t) && (m->meetings[i].fixed < 0 ||
			    m->meetings[i].fixed == t))
				dom[i] |= (uint64_t)1 << t;
	return dom;
}

/* The counting and cycle checks; an allocated reason, or NULL (which proves nothing). */
static char *
prove_infeasible(const struct fixed_model *m, const uint64_t *dom)
{
	int *fixed_in = xcalloc((size_t)m->nslots + 1, sizeof *fixed_in), *indeg, *queue;
	int head = 0, tail = 0, **after, *nafter;
	char *why = NULL;

	if ((long)m->nmeetings > (long)m->ntables * m->nslots) {
		why = xasprintf("%d 场会谈多于 %d 张桌子 × %d 个时段 / %d meetings exceed %d"
		    " tables × %d slots", m->nmeetings, m->ntables, m->nslots, m->nmeetings,
		    m->ntables, m->nslots);
		goto out;
	}
	for (int i = 0; i < m->nmeetings; i++) {
		if (dom[i] == 0) {
			why = xasprintf("会谈 %d 没有可用的时段 / meeting %d has no allowed slot",
			    i + 1, i + 1);
			goto out;
		}
		if (m->meetings[i].fixed >= 0 && ++fixed_in[m->meetings[i].fixed] > m->ntables) {
			why = xasprintf("时段 %d 的固定会谈多于 %d 张桌子 / slot %d has more fixed"
			    " meetings than its %d tables", m->meetings[i].fixed + 1, m->ntables,
			    m->meetings[i].fixed + 1, m->ntables);
			goto out;
		}
	}
	/* Hall's condition on each meeting's domain: its participant's meetings confined to it. */
	for (int p = 0; p < m->nparticipants && why == NULL; p++)
		for (int i = 0; i < m->nmeetings && why == NULL; i++) {
			uint64_t X = dom[i], all = 0;
			int n = 0, np = 0;

			if (m->meetings[i].a != p && m->meetings[i].b != p)
				continue;
			for (int j = 0; j < m->nmeetings; j++) {
				if (m->meetings[j].a != p && m->meetings[j].b != p)
					continue;
				np++;
				all |= dom[j];
				if ((dom[j] & ~X) == 0)
					n++;
			}
			if (n > __builtin_popcountll(X))
				why = xasprintf("参与方 %d 有 %d 场会谈只能排在 %d 个时段内 / participant"
				    " %d has %d meetings that fit only %d slots", p + 1, n,
				    __builtin_popcountll(X), p + 1, n, __builtin_popcountll(X));
			else if (np > __builtin_popcountll(all))
				why = xasprintf("参与方 %d 有 %d 场会谈，只有 %d 个可用时段 / participant"
				    " %d has %d meetings but only %d allowed slots", p + 1, np,
				    __builtin_popcountll(all), p + 1, np, __builtin_popcountll(all));
		}
	if (why != NULL)
		goto out;
	/* Kahn's algorithm: a precedence cycle leaves meetings unqueued. */
	indeg = xcalloc((size_t)m->nmeetings + 1, sizeof *indeg);
	queue = xcalloc((size_t)m->nmeetings + 1, sizeof *queue);
	after = xcalloc((size_t)m->nmeetings + 1, sizeof *after);
	nafter = xcalloc((size_t)m->nmeetings + 1, sizeof *nafter);
	for (int i = 0; i < m->nmeetings; i++)
		for (int k = 0; k < m->meetings[i].nbefore; k++) {
			int j = m->meetings[i].before[k];

			after[j] = xreallocarray(after[j], (size_t)nafter[j] + 1, sizeof *after[j]);
			after[j][nafter[j]++] = i;
		}
	for (int i = 0; i < m->nmeetings; i++)
		if ((indeg[i] = m->meetings[i].nbefore) == 0)
			queue[tail++] = i;
	while (head < tail) {
		int i = queue[head++];

		for (int k = 0; k < nafter[i]; k++)
			if (--indeg[after[i][k]] == 0)
				queue[tail++] = after[i][k];
	}
	if (tail < m->nmeetings)
		why = xasprintf("会谈的先后顺序成环 / the meeting precedences form a cycle");
	for (int i = 0; i < m->nmeetings; i++)
		free(after[i]);
	free(after);
	free(nafter);
	free(indeg);
	free(queue);
out:
	free(fixed_in);
	return why;
}

/* One participant's meetings as the dynamic programme sees them. */
struct own_slots {
	uint64_t	forced;		/* slots of its fixed meetings */
	uint64_t	open[3];	/* slots its morning-only, afternoon-only, other meetings may take */
	int		count[3];	/* its free meetings of each kind */
};

/* Sorts p's meetings into fixed ones and three kinds of free ones, by domain. */
static void
own_slots(const struct fixed_model *m, const uint64_t *dom, int p, struct own_slots *o)
{
	uint64_t am = m->nmorning >= 64 ? ~(uint64_t)0 : ((uint64_t)1 << m->nmorning) - 1;

	memset(o, 0, sizeof *o);
	for (int i = 0; i < m->nmeetings; i++) {
		int kind;

		if (m->meetings[i].a != p && m->meetings[i].b != p)
			continue;
		if (m->meetings[i].fixed >= 0) {
			o->forced |= dom[i];
			continue;
		}
		kind = (dom[i] & ~am) == 0 ? 0 : (dom[i] & am) == 0 ? 1 : 2;
		o->open[kind] |= dom[i];
		o->count[kind]++;
	}
}

/*
 * The fewest (maximise = 0) or most (1) breaks p can have when only its own
 * meetings count: each slot is idle, holds its fixed meeting, or one free
 * meeting of a kind that may take it.  A relaxation of the whole problem,
 * so a bound.  -1 if its meetings cannot all be placed.
 */
static int
own_breaks(const struct own_slots *o, int nslots, int maximise)
{
	int na = o->count[0] + 1, np = o->count[1] + 1, ne = o->count[2] + 1;
	size_t n = (size_t)na * np * ne * RUN_STATES;
	int *cur = xcalloc(n, sizeof *cur), *next = xcalloc(n, sizeof *next), best = -1;
	const int none = maximise ? INT_MIN : INT_MAX;

#define AT(a, p, e, s)	((((size_t)(a) * np + (p)) * ne + (e)) * RUN_STATES + (s))
	for (size_t k = 0; k < n; k++)
		cur[k] = none;
	cur[AT(0, 0, 0, RUN_NOT_STARTED)] = 0;
	for (int t = 0; t < nslots; t++) {
		uint64_t bit = (uint64_t)1 << t;

		for (size_t k = 0; k < n; k++)
			next[k] = none;
		for (int a = 0; a < na; a++)
			for (int p = 0; p < np; p++)
				for (int e = 0; e < ne; e++)
					for (int s = 0; s < RUN_STATES; s++) {
			int v = cur[AT(a, p, e, s)], busy_v, idle = s == RUN_NOT_STARTED ?
			    RUN_NOT_STARTED : RUN_IDLE;
			int take[3] = { a + 1, p + 1, e + 1 }, lim[3] = { na, np, ne };

			if (v == none)
				continue;
			busy_v = v + (s == RUN_IDLE);
#define KEEP(i, val)	do { int *q_ = &next[i]; if (maximise ? (val) > *q_ : (val) < *q_) *q_ = (val); } while (0)
			if (o->forced & bit) {
				KEEP(AT(a, p, e, RUN_BUSY), busy_v);
				continue;
			}
			KEEP(AT(a, p, e, idle), v);
			for (int kind = 0; kind < 3; kind++) {
				if (!(o->open[kind] & bit) || take[kind] >= lim[kind])
					continue;
				KEEP(AT(kind == 0 ? a + 1 : a, kind == 1 ? p + 1 : p,
				    kind == 2 ? e + 1 : e, RUN_BUSY), busy_v);
			}
#undef KEEP
					}
		memcpy(cur, next, n * sizeof *cur);
	}
	for (int s = 0; s < RUN_STATES; s++) {
		int v = cur[AT(na - 1, np - 1, ne - 1, s)];

		if (v != none && (best < 0 || (maximise ? v > best : v < best)))
			best = v;
	}
#undef AT
	free(cur);
	free(next);
	return best;
}

char *
fixed_bounds(const struct fixed_model *m, int d, struct fixed_bounds *b)
{
	uint64_t *dom;
	char *why;
	int most_lb = 0, least_ub = INT_MAX, lo = 0, hi = 0;

	memset(b, 0, sizeof *b);
	b->lb = xcalloc((size_t)m->nparticipants + 1, sizeof *b->lb);
	b->ub = xcalloc((size_t)m->nparticipants + 1, sizeof *b->ub);
	if (m->nslots > FIXED_MAX_SLOTS)
		return xasprintf("%d 个时段超出求解器上限 %d / %d slots exceed the solver's"
		    " limit of %d", m->nslots, FIXED_MAX_SLOTS, m->nslots, FIXED_MAX_SLOTS);
	dom = fixed_domains(m);
	if ((why = prove_infeasible(m, dom)) != NULL)
		goto out;
	for (int p = 0; p < m->nparticipants; p++) {
		struct own_slots o;

		own_slots(m, dom, p, &o);
		b->lb[p] = own_breaks(&o, m->nslots, 0);
		b->ub[p] = own_breaks(&o, m->nslots, 1);
		if (b->lb[p] < 0) {
			why = xasprintf("参与方 %d 的会谈排不进其可用时段 / participant %d's meetings"
			    " do not fit its allowed slots", p + 1, p + 1);
			goto out;
		}
		if (b->lb[p] > most_lb)
			most_lb = b->lb[p], hi = p;
		if (b->ub[p] < least_ub)
			least_ub = b->ub[p], lo = p;
	}
	for (int p = 0; p < m->nparticipants && least_ub < INT_MAX - d; p++) {
		if (b->lb[p] < most_lb - d)
			b->lb[p] = most_lb - d;
		if (b->ub[p] > least_ub + d)
			b->ub[p] = least_ub + d;
	}
	for (int p = 0; p < m->nparticipants; p++)
		b->total += b->lb[p];
	if (m->nparticipants > 0 && most_lb > least_ub + d)
		why = xasprintf("公平性：参与方 %d 至少有 %d 次空档，参与方 %d 至多 %d 次，相差超过 %d"
		    " / fairness: participant %d has at least %d breaks, participant %d at most %d,"
		    " more than %d apart", hi + 1, most_lb, lo + 1, least_ub, d, hi + 1, most_lb,
		    lo + 1, least_ub, d);
out:
	free(dom);
	return why;
}

void
fixed_bounds_free(struct fixed_bounds *b)
{
	free(b->lb);
	free(b->ub);
	memset(b, 0, sizeof *b);
}
