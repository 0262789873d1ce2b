/*
 * sel_solve.c — the selection-mode solver.  Locked meetings first; then,
 * if nothing but the counts binds, the b-matching placed exactly by edge
 * colouring (sel_colour.c); otherwise the meetings of the schedule being
 * redone at their old slots, the b-matching's choice by value into the
 * slot that leaves the fewest gaps, every other candidate into what room
 * is left, one-step repairs (move a blocking meeting elsewhere), ejection
 * moves (drop cheaper blockers for a better meeting, re-place them) until
 * the time limit, idle gaps reduced by single moves, and tables last.
 *
 * A re-solve is lexicographic: the most value first, then the fewest
 * changes to the schedule being redone.  Meetings that sit where the old
 * schedule had them ("kept") are never moved by gap moves; repairs and
 * ejections first try without touching them, and only then may move or
 * drop them, and an ejection is kept only when the value rises.  The
 * ejection pass runs after the exhaustive search of a small set of new
 * candidates too, so an accepted request is never left out for weaker
 * meetings a swap would displace.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sel_colour.h"
#include "sel.h"
#include "util.h"

#define EPS	1e-9

struct sel_state {
	const struct sel_model	*m;
	int		*slot;		/* per candidate, -1 = not held */
	int		*bload;		/* [b * nslots + t] meetings */
	int		*sload;		/* [s * nslots + t] */
	int		*gen;		/* per slot: general (non-booth) tables needed */
	int		*inslot;	/* [t * ntables + k]: meetings held in slot t */
	int		*nin;		/* per slot: entries in inslot */
	int		*pos;		/* per candidate: its place in inslot */
	int		 ngeneral;	/* tables that are nobody's booth */
	int		**bc;		/* candidates of each buyer */
	int		*nbc;
	int		**sc;		/* candidates of each supplier */
	int		*nsc;
	unsigned char	*pinned;	/* locked: never moves */
	unsigned char	*kept;		/* placed at its old slot: moves only for value */
	int		 free_kept;	/* whether repairs and ejections may move kept ones */
	int		*dayfirst;	/* per slot: the first slot of its day */
	int		*daylast;	/* per slot: the last slot of its day */
	int		*undo;		/* log of (candidate, old slot) pairs */
	int		 nundo;
	int		 undocap;
	uint64_t	 rng;
	double		 start;
	double		 limit;
	long		 iterations;
	long		 max_iterations;
	sel_progress_fn	 progress;
	void		*progress_arg;
};

/* Seconds on a monotonic clock. */
static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* xorshift64*. */
static uint64_t
rng_next(uint64_t *s)
{
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * 0x2545F4914F6CDD1DULL;
}

/* Whether meeting j may not be moved or dropped now. */
static int
stuck(const struct sel_state *st, int j)
{
	return st->pinned[j] || (st->kept[j] && !st->free_kept);
}

/* Whether the time or the iterations are up; reports progress now and then. */
static int
out_of_time(struct sel_state *st)
{
	double used;

	if (st->max_iterations > 0 && st->iterations >= st->max_iterations)
		return 1;
	if ((++st->iterations & 255) != 0)
		return 0;
	used = (now() - st->start) / st->limit;
	if (st->progress != NULL && (st->iterations & 4095) == 0)
		st->progress(st->progress_arg, used < 1 ? used : 1);
	return used >= 1;
}

/* General tables candidate i's supplier would need for one more meeting in t. */
static int
gen_need(const struct sel_state *st, int i, int t)
{
	const struct sel_model *m = st->m;
	int s = m->cands[i].supplier;

	return m->booth[s] >= 0 && st->sload[s * m->nslots + t] == 0 ? 0 : 1;
}

/* Whether candidate i may be held in slot t now. */
static int
fits(const struct sel_state *st, int i, int t)
{
	const struct sel_model *m = st->m;
	const struct sel_cand *c = &m->cands[i];
	size_t bi = (size_t)c->buyer * m->nslots + t, si = (size_t)c->supplier * m->nslots + t;

	return !m->bunavail[bi] && !m->sunavail[si] &&
	    st->bload[bi] < m->breps[c->buyer] && st->sload[si] < m->sreps[c->supplier] &&
	    st->gen[t] + gen_need(st, i, t) <= st->ngeneral;
}

/* Records a change for undo. */
static void
log_change(struct sel_state *st, int i, int old)
{
	if (st->nundo + 2 > st->undocap) {
		st->undocap = st->undocap == 0 ? 64 : 2 * st->undocap;
		st->undo = xreallocarray(st->undo, (size_t)st->undocap, sizeof *st->undo);
	}
	st->undo[st->nundo++] = i;
	st->undo[st->nundo++] = old;
}

/* Holds candidate i in slot t (no checks). */
static void
put(struct sel_state *st, int i, int t)
{
	const struct sel_model *m = st->m;
	const struct sel_cand *c = &m->cands[i];

	log_change(st, i, st->slot[i]);
	st->gen[t] += gen_need(st, i, t);
	st->bload[c->buyer * m->nslots + t]++;
	st->sload[c->supplier * m->nslots + t]++;
	st->slot[i] = t;
	st->pos[i] = st->nin[t];
	st->inslot[(size_t)t * m->ntables + st->nin[t]++] = i;
}

/* Stops holding candidate i. */
static void
take(struct sel_state *st, int i)
{
	const struct sel_model *m = st->m;
	const struct sel_cand *c = &m->cands[i];
	int t = st->slot[i], last;

	log_change(st, i, t);
	st->bload[c->buyer * m->nslots + t]--;
	st->sload[c->supplier * m->nslots + t]--;
	st->gen[t] -= gen_need(st, i, t);
	st->slot[i] = -1;
	last = st->inslot[(size_t)t * m->ntables + --st->nin[t]];
	st->inslot[(size_t)t * m->ntables + st->pos[i]] = last;
	st->pos[last] = st->pos[i];
}

/* Undoes changes back to log position mark. */
static void
rollback(struct sel_state *st, int mark)
{
	while (st->nundo > mark) {
		int old = st->undo[--st->nundo], i = st->undo[--st->nundo];
		int n = st->nundo;

		if (st->slot[i] >= 0)
			take(st, i);
		if (old >= 0)
			put(st, i, old);
		st->nundo = n;
	}
}

/* Idle slots of one participant on t's day, between its first and last meeting. */
static int
day_gaps(const struct sel_state *st, const int *load, int t)
{
	int first = -1, last = -1, busy = 0;

	for (int u = st->dayfirst[t]; u <= st->daylast[t]; u++)
		if (load[u] > 0) {
			if (first == -1)
				first = u;
			last = u;
			busy++;
		}
	return first == -1 ? 0 : last - first + 1 - busy;
}

/* Change in both sides' gaps if candidate i were added in (delta +1) or left t. */
static int
gap_delta(struct sel_state *st, int i, int t, int delta)
{
	const struct sel_model *m = st->m;
	int *bl = st->bload + (size_t)m->cands[i].buyer * m->nslots;
	int *sl = st->sload + (size_t)m->cands[i].supplier * m->nslots;
	int before = day_gaps(st, bl, t) + day_gaps(st, sl, t), after;

	bl[t] += delta;
	sl[t] += delta;
	after = day_gaps(st, bl, t) + day_gaps(st, sl, t);
	bl[t] -= delta;
	sl[t] -= delta;
	return after - before;
}

/* The slot where i fits with the fewest new gaps (not avoid), or -1. */
static int
best_slot(struct sel_state *st, int i, int avoid)
{
	const struct sel_model *m = st->m;
	int best = -1, bestd = 0;

	for (int t = 0; t < m->nslots; t++) {
		int d;

		if (t == avoid || !fits(st, i, t))
			continue;
		d = gap_delta(st, i, t, +1);
		if (best == -1 || d < bestd) {
			best = t;
			bestd = d;
		}
	}
	return best;
}

/* Meetings held in slot t that stand in candidate i's way: buyer's, supplier's. */
static int
blockers(struct sel_state *st, int i, int t, int *out)
{
	const struct sel_model *m = st->m;
	const struct sel_cand *c = &m->cands[i];
	int n = 0;

	if (st->bload[c->buyer * m->nslots + t] >= m->breps[c->buyer])
		for (int k = 0; k < st->nbc[c->buyer]; k++)
			if (st->slot[st->bc[c->buyer][k]] == t)
				out[n++] = st->bc[c->buyer][k];
	if (st->sload[c->supplier * m->nslots + t] >= m->sreps[c->supplier])
		for (int k = 0; k < st->nsc[c->supplier]; k++)
			if (st->slot[st->sc[c->supplier][k]] == t)
				out[n++] = st->sc[c->supplier][k];
	/* No table left: the cheapest movable meeting of the slot, if freeing one helps. */
	if (st->gen[t] + gen_need(st, i, t) > st->ngeneral && n == 0) {
		int cheapest = -1;

		for (int k = 0; k < st->nin[t]; k++) {
			int j = st->inslot[(size_t)t * m->ntables + k];

			if (!stuck(st, j) && (m->booth[m->cands[j].supplier] < 0 ||
			    st->sload[m->cands[j].supplier * m->nslots + t] > 1) &&
			    (cheapest < 0 || m->cands[j].value < m->cands[cheapest].value))
				cheapest = j;
		}
		if (cheapest >= 0)
			out[n++] = cheapest;
	}
	return n;
}

/*
 * Tries to hold i in slot t by moving the meetings in its way to other
 * slots.  Keeps the change and returns 1, or undoes it and returns 0.
 */
static int
repair(struct sel_state *st, int i, int t, int *buf)
{
	const struct sel_model *m = st->m;
	int mark = st->nundo, n;

	if (m->bunavail[(size_t)m->cands[i].buyer * m->nslots + t] ||
	    m->sunavail[(size_t)m->cands[i].supplier * m->nslots + t])
		return 0;
	n = blockers(st, i, t, buf);
	for (int k = 0; k < n; k++)
		if (stuck(st, buf[k]))
			return 0;
	for (int k = 0; k < n; k++)
		take(st, buf[k]);
	if (!fits(st, i, t)) {
		rollback(st, mark);
		return 0;
	}
	put(st, i, t);
	for (int k = 0; k < n; k++) {
		int u = best_slot(st, buf[k], t);

		if (u == -1) {
			rollback(st, mark);
			return 0;
		}
		put(st, buf[k], u);
	}
	return 1;
}

/* Places i anywhere it fits, else by a repair; 1 if held. */
static int
place(struct sel_state *st, int i, int *buf)
{
	const struct sel_model *m = st->m;
	int t = best_slot(st, i, -1);

	if (t >= 0) {
		put(st, i, t);
		return 1;
	}
	for (int k = 0; k < m->nslots; k++) {
		int u = (int)((k + (int)(rng_next(&st->rng) % 2)) % m->nslots);

		if (repair(st, i, u, buf))
			return 1;
	}
	return 0;
}

/*
 * An ejection move: holds i in slot t by dropping the meetings in its way
 * (the buyer's, the supplier's, or for table room the cheapest other one),
 * then re-places what it dropped.  Kept only if the value rises.
 */
static int
eject(struct sel_state *st, int i, int t, int *buf, int *buf2)
{
	const struct sel_model *m = st->m;
	int mark = st->nundo, n = blockers(st, i, t, buf);
	double lost = 0;

	if (m->bunavail[(size_t)m->cands[i].buyer * m->nslots + t] ||
	    m->sunavail[(size_t)m->cands[i].supplier * m->nslots + t])
		return 0;
	for (int k = 0; k < n; k++) {
		if (stuck(st, buf[k]))
			return 0;
		lost += m->cands[buf[k]].value;
	}
	/* Hopeless even if every blocker found a new place: not worth trying. */
	if (n > 0 && m->cands[i].value <= EPS)
		return 0;
	for (int k = 0; k < n; k++)
		if (st->slot[buf[k]] == t)
			take(st, buf[k]);
	if (!fits(st, i, t)) {
		rollback(st, mark);
		return 0;
	}
	put(st, i, t);
	for (int k = 0; k < n; k++)
		if (st->slot[buf[k]] == -1 && place(st, buf[k], buf2))
			lost -= m->cands[buf[k]].value;
	if (lost >= m->cands[i].value - EPS) {
		rollback(st, mark);
		return 0;
	}
	return 1;
}

/* Sorts candidate indices by value, highest first, then by index. */
static const struct sel_model *sort_model;
static int
by_value(const void *a, const void *b)
{
	const int x = *(const int *)a, y = *(const int *)b;
	double vx = sort_model->cands[x].value, vy = sort_model->cands[y].value;

	if (vx != vy)
		return vx > vy ? -1 : 1;
	return x < y ? -1 : x > y;
}

/* Whether only the counts bind: everyone always available, one each, no booths, locks or history. */
static int
counts_only(const struct sel_model *m)
{
	for (size_t k = 0; k < (size_t)m->nbuyers * m->nslots; k++)
		if (m->bunavail[k])
			return 0;
	for (size_t k = 0; k < (size_t)m->nsuppliers * m->nslots; k++)
		if (m->sunavail[k])
			return 0;
	for (int b = 0; b < m->nbuyers; b++)
		if (m->breps[b] != 1)
			return 0;
	for (int s = 0; s < m->nsuppliers; s++)
		if (m->sreps[s] != 1 || m->booth[s] >= 0)
			return 0;
	for (int i = 0; i < m->ncands; i++)
		if (m->cands[i].lock_slot >= 0 || m->cands[i].prev_slot >= 0)
			return 0;
	return 1;
}

/* Places the chosen set by edge colouring; 0, or -1 if it cannot. */
static int
place_exact(struct sel_state *st, const unsigned char *chosen)
{
	const struct sel_model *m = st->m;
	int n = 0, *idx = xcalloc((size_t)m->ncands + 1, sizeof *idx), rc;
	int *eb = xcalloc((size_t)m->ncands + 1, sizeof *eb);
	int *es = xcalloc((size_t)m->ncands + 1, sizeof *es);
	int *col = xcalloc((size_t)m->ncands + 1, sizeof *col);

	for (int i = 0; i < m->ncands; i++)
		if (chosen[i]) {
			idx[n] = i;
			eb[n] = m->cands[i].buyer;
			es[n++] = m->cands[i].supplier;
		}
	rc = sel_colour(m->nbuyers, m->nsuppliers, m->nslots, m->ntables, n, eb, es, col);
	for (int k = 0; rc == 0 && k < n; k++)
		put(st, idx[k], col[k]);
	free(idx);
	free(eb);
	free(es);
	free(col);
	return rc;
}

/* Moves unpinned meetings to slots that leave fewer gaps, while any helps. */
static void
reduce_gaps(struct sel_state *st)
{
	const struct sel_model *m = st->m;

	for (int pass = 0; pass < 20; pass++) {
		int better = 0;

		for (int i = 0; i < m->ncands; i++) {
			int t = st->slot[i], bestu = -1, bestd = 0, leave;

			if (t < 0 || st->pinned[i] || st->kept[i])
				continue;
			if (out_of_time(st))
				return;
			leave = gap_delta(st, i, t, -1);
			take(st, i);
			for (int u = 0; u < m->nslots; u++) {
				int d;

				if (u == t || !fits(st, i, u))
					continue;
				d = leave + gap_delta(st, i, u, +1);
				if (d < bestd) {
					bestd = d;
					bestu = u;
				}
			}
			put(st, i, bestu >= 0 ? bestu : t);
			if (bestu >= 0)
				better = 1;
		}
		st->nundo = 0;
		if (!better)
			break;
	}
}

/*
 * Gives each held meeting a table: locked ones theirs, a booth supplier's
 * first its booth, a meeting still in its old slot its old table, the rest
 * the first free table that is nobody's booth.  A meeting left without a
 * table (only possible around odd locks) is dropped.
 */
static void
assign_tables(struct sel_state *st, int *table)
{
	const struct sel_model *m = st->m;
	int *owner = xcalloc((size_t)m->ntables + 1, sizeof *owner);
	int *used = xcalloc((size_t)m->ntables + 1, sizeof *used);
	int **in = xcalloc((size_t)m->nslots + 1, sizeof *in), *nin;

	nin = xcalloc((size_t)m->nslots + 1, sizeof *nin);
	for (int k = 0; k < m->ntables; k++)
		owner[k] = -1;
	for (int s = 0; s < m->nsuppliers; s++)
		if (m->booth[s] >= 0 && m->booth[s] < m->ntables)
			owner[m->booth[s]] = s;
	for (int i = 0; i < m->ncands; i++) {
		table[i] = -1;
		if (st->slot[i] >= 0) {
			int t = st->slot[i];

			in[t] = xreallocarray(in[t], (size_t)nin[t] + 1, sizeof *in[t]);
			in[t][nin[t]++] = i;
		}
	}
	for (int t = 0; t < m->nslots; t++) {
		int next = 0;

		memset(used, 0, (size_t)m->ntables * sizeof *used);
		for (int pass = 0; pass < 4; pass++)
			for (int k = 0; k < nin[t]; k++) {
				int i = in[t][k], want = -1, s = m->cands[i].supplier;
				const struct sel_cand *c = &m->cands[i];

				if (table[i] >= 0)
					continue;
				if (pass == 0 && c->lock_slot >= 0)
					want = c->lock_table;
				else if (pass == 1 && m->booth[s] >= 0)
					want = m->booth[s];
				else if (pass == 2 && c->prev_slot == t && c->prev_table >= 0 &&
				    c->prev_table < m->ntables && (owner[c->prev_table] == -1 ||
				    owner[c->prev_table] == s))
					want = c->prev_table;
				else if (pass == 3) {
					while (next < m->ntables && (used[next] || owner[next] != -1))
						next++;
					want = next < m->ntables ? next : -2;
				}
				if (want == -2) {
					take(st, i);	/* no table left */
					continue;
				}
				if (want >= 0 && !used[want]) {
					used[want] = 1;
					table[i] = want;
				}
			}
		free(in[t]);
	}
	free(in);
	free(nin);
	free(owner);
	free(used);
}

/* Lists each participant's candidates. */
static void
index_candidates(struct sel_state *st)
{
	const struct sel_model *m = st->m;

	st->nbc = xcalloc((size_t)m->nbuyers + 1, sizeof *st->nbc);
	st->nsc = xcalloc((size_t)m->nsuppliers + 1, sizeof *st->nsc);
	st->bc = xcalloc((size_t)m->nbuyers + 1, sizeof *st->bc);
	st->sc = xcalloc((size_t)m->nsuppliers + 1, sizeof *st->sc);
	for (int i = 0; i < m->ncands; i++) {
		st->nbc[m->cands[i].buyer]++;
		st->nsc[m->cands[i].supplier]++;
	}
	for (int b = 0; b < m->nbuyers; b++) {
		st->bc[b] = xcalloc((size_t)st->nbc[b] + 1, sizeof **st->bc);
		st->nbc[b] = 0;
	}
	for (int s = 0; s < m->nsuppliers; s++) {
		st->sc[s] = xcalloc((size_t)st->nsc[s] + 1, sizeof **st->sc);
		st->nsc[s] = 0;
	}
	for (int i = 0; i < m->ncands; i++) {
		int b = m->cands[i].buyer, s = m->cands[i].supplier;

		st->bc[b][st->nbc[b]++] = i;
		st->sc[s][st->nsc[s]++] = i;
	}
}

/* Places the locked meetings; 0, or -1 with *cause naming the first that cannot be. */
static int
place_locked(struct sel_state *st, char **cause)
{
	const struct sel_model *m = st->m;
	unsigned char *table_used = xcalloc((size_t)m->nslots * m->ntables + 1, 1);
	int rc = 0;

	for (int i = 0; i < m->ncands && rc == 0; i++) {
		const struct sel_cand *c = &m->cands[i];
		int t = c->lock_slot, k = c->lock_table;

		if (t < 0)
			continue;
		if (t >= m->nslots || k < 0 || k >= m->ntables) {
			*cause = xasprintf("锁定的洽谈 %d 的时段或桌号不存在 / locked meeting %d"
			    " has no such slot or table", i + 1, i + 1);
			rc = -1;
		} else if (table_used[(size_t)t * m->ntables + k]) {
			*cause = xasprintf("锁定的洽谈 %d 与另一锁定洽谈同桌同时段 / locked meeting"
			    " %d shares its table and slot with another locked meeting", i + 1, i + 1);
			rc = -1;
		} else if (!fits(st, i, t)) {
			*cause = xasprintf("锁定的洽谈 %d 不能留在时段 %d（一方不在或已满） / locked"
			    " meeting %d cannot stay in slot %d (a side is away or busy)", i + 1,
			    t + 1, i + 1, t + 1);
			rc = -1;
		} else {
			table_used[(size_t)t * m->ntables + k] = 1;
			put(st, i, t);
			st->pinned[i] = 1;
		}
	}
	free(table_used);
	return rc;
}

/* Exhaustive search state for small fairs. */
struct exact {
	int	*order;		/* free candidates, by value */
	int	 n;
	double	*suffix;	/* value of order[k..] */
	int	*best;		/* best slots found, per candidate */
	double	 bestv;
	double	 cur;
};

/* Tries every slot, or none, for order[k] onward, pruning by the value left. */
static void
exact_dfs(struct sel_state *st, struct exact *x, int k)
{
	const struct sel_model *m = st->m;

	st->nundo = 0;
	if (x->cur + x->suffix[k] <= x->bestv + EPS)
		return;
	if (k == x->n) {
		x->bestv = x->cur;
		memcpy(x->best, st->slot, (size_t)m->ncands * sizeof *x->best);
		return;
	}
	for (int t = 0; t < m->nslots; t++) {
		int i = x->order[k];

		if (!fits(st, i, t))
			continue;
		put(st, i, t);
		x->cur += m->cands[i].value;
		exact_dfs(st, x, k + 1);
		x->cur -= m->cands[i].value;
		take(st, i);
	}
	exact_dfs(st, x, k + 1);
}

/* Places the free candidates of a small fair by exhaustive search. */
static void
place_small(struct sel_state *st, int *order, int n)
{
	const struct sel_model *m = st->m;
	struct exact x = { order, n, NULL, NULL, -1, 0 };

	x.suffix = xcalloc((size_t)n + 1, sizeof *x.suffix);
	x.best = xcalloc((size_t)m->ncands + 1, sizeof *x.best);
	for (int k = n - 1; k >= 0; k--)
		x.suffix[k] = x.suffix[k + 1] + m->cands[order[k]].value;
	exact_dfs(st, &x, 0);
	for (int k = 0; k < n; k++)
		if (x.best[order[k]] >= 0)
			put(st, order[k], x.best[order[k]]);
	st->nundo = 0;
	free(x.suffix);
	free(x.best);
}

void
sel_opts_init(struct sel_opts *o)
{
	memset(o, 0, sizeof *o);
	o->time_limit = 10;
	o->seed = 1;
	o->exact_max = 12;
}

int
sel_solve(const struct sel_model *m, const struct sel_opts *o, struct sel_result *res,
    char **cause)
{
	struct sel_state st = { 0 };
	unsigned char *chosen = xcalloc((size_t)m->ncands + 1, 1);
	double *w = xcalloc((size_t)m->ncands + 1, sizeof *w);
	int *order = xcalloc((size_t)m->ncands + 1, sizeof *order), *buf, *buf2, nbooth = 0;
	int rc = 0, placed_exact = 0;

	memset(res, 0, sizeof *res);
	st.m = m;
	st.start = now();
	st.limit = o->time_limit > 0 ? o->time_limit : 10;
	st.max_iterations = o->max_iterations;
	st.rng = o->seed * 0x9E3779B97F4A7C15ULL + 1;
	st.progress = o->progress;
	st.progress_arg = o->progress_arg;
	st.slot = xcalloc((size_t)m->ncands + 1, sizeof *st.slot);
	st.pinned = xcalloc((size_t)m->ncands + 1, 1);
	st.kept = xcalloc((size_t)m->ncands + 1, 1);
	st.bload = xcalloc((size_t)m->nbuyers * m->nslots + 1, sizeof *st.bload);
	st.sload = xcalloc((size_t)m->nsuppliers * m->nslots + 1, sizeof *st.sload);
	st.gen = xcalloc((size_t)m->nslots + 1, sizeof *st.gen);
	st.inslot = xcalloc((size_t)m->nslots * m->ntables + 1, sizeof *st.inslot);
	st.nin = xcalloc((size_t)m->nslots + 1, sizeof *st.nin);
	st.pos = xcalloc((size_t)m->ncands + 1, sizeof *st.pos);
	st.dayfirst = xcalloc((size_t)m->nslots + 1, sizeof *st.dayfirst);
	st.daylast = xcalloc((size_t)m->nslots + 1, sizeof *st.daylast);
	buf = xcalloc((size_t)m->nbuyers + m->nsuppliers + m->ncands + 2, sizeof *buf);
	buf2 = xcalloc((size_t)m->nbuyers + m->nsuppliers + m->ncands + 2, sizeof *buf2);
	for (int t = 0; t < m->nslots; t++) {
		st.dayfirst[t] = t > 0 && m->slot_day[t - 1] == m->slot_day[t] ?
		    st.dayfirst[t - 1] : t;
	}
	for (int t = m->nslots - 1; t >= 0; t--)
		st.daylast[t] = t + 1 < m->nslots && m->slot_day[t + 1] == m->slot_day[t] ?
		    st.daylast[t + 1] : t;
	for (int s = 0; s < m->nsuppliers; s++)
		nbooth += m->booth[s] >= 0;
	st.ngeneral = m->ntables - nbooth;
	for (int i = 0; i < m->ncands; i++)
		st.slot[i] = -1;
	index_candidates(&st);

	if (place_locked(&st, cause) != 0) {
		rc = -1;
		goto out;
	}
	/* A hair more weight for meetings already scheduled, so ties keep them. */
	for (int i = 0; i < m->ncands; i++)
		w[i] = m->cands[i].value * (m->cands[i].prev_slot >= 0 ? 1 + 1e-9 : 1);
	res->bound = sel_flow_bound(m, w, chosen);
	if (st.progress != NULL)
		st.progress(st.progress_arg, (now() - st.start) / st.limit);

	if (counts_only(m) && place_exact(&st, chosen) == 0)
		placed_exact = 1;
	else {
		int n = 0, kept = 0;

		/* The old schedule where it still fits. */
		for (int i = 0; i < m->ncands; i++) {
			int t = m->cands[i].prev_slot;

			if (st.slot[i] < 0 && t >= 0 && t < m->nslots && fits(&st, i, t)) {
				put(&st, i, t);
				st.kept[i] = 1;
				kept++;
			}
		}
		/* The b-matching's choice, then everything else, by value. */
		for (int i = 0; i < m->ncands; i++)
			if (st.slot[i] < 0)
				order[n++] = i;
		sort_model = m;
		qsort(order, (size_t)n, sizeof *order, by_value);
		if (n <= o->exact_max) {
			place_small(&st, order, n);
			placed_exact = kept == 0;
		} else
			for (int pass = 0; pass < 2; pass++)
				for (int k = 0; k < n; k++) {
					int i = order[k];

					if (st.slot[i] >= 0 || chosen[i] != (pass == 0))
						continue;
					place(&st, i, buf);
					st.nundo = 0;
					if (out_of_time(&st))
						break;
				}
		/*
		 * Ejections until nothing improves or time runs out, whatever
		 * the number of new candidates: first around the kept
		 * meetings; then, for the candidates the b-matching holds that
		 * are still out, through them.  Only those may move a kept
		 * meeting, so the rest of the schedule being redone stays
		 * where it was and the pass ends long before the time limit.
		 */
		n = 0;
		for (int i = 0; i < m->ncands; i++)
			if (!st.pinned[i])
				order[n++] = i;
		qsort(order, (size_t)n, sizeof *order, by_value);
		for (int through = 0; through < 2 && !placed_exact; through++) {
			if (through == 1 && kept == 0)
				break;		/* nothing kept: the first pass did it all */
			st.free_kept = through;
			for (int round = 0; round < 50; round++) {
				int better = 0;

				for (int k = 0; k < n && !out_of_time(&st); k++) {
					int i = order[k];

					if (st.slot[i] >= 0 || (through && !chosen[i]))
						continue;
					for (int t = 0; t < m->nslots; t++)
						if (eject(&st, i, t, buf, buf2)) {
							better = 1;
							break;
						}
					st.nundo = 0;
				}
				if (!better || out_of_time(&st))
					break;
			}
		}
		st.free_kept = 0;
	}
	reduce_gaps(&st);

	res->table = xcalloc((size_t)m->ncands + 1, sizeof *res->table);
	assign_tables(&st, res->table);
	res->slot = st.slot;
	st.slot = NULL;
	res->exact = placed_exact;
	for (int i = 0; i < m->ncands; i++) {
		const struct sel_cand *c = &m->cands[i];

		if (res->slot[i] >= 0) {
			res->value += c->value;
			res->meetings++;
		}
		if (c->prev_slot >= 0 && res->slot[i] < 0)
			res->dropped++;
		if (c->prev_slot >= 0 && (res->slot[i] != c->prev_slot ||
		    res->table[i] != c->prev_table))
			res->moved++;
	}
	for (int b = 0; b < m->nbuyers; b++)
		for (int t = 0; t < m->nslots; t++)
			if (t == st.dayfirst[t])
				res->gaps += day_gaps(&st, st.bload + (size_t)b * m->nslots, t);
	for (int s = 0; s < m->nsuppliers; s++)
		for (int t = 0; t < m->nslots; t++)
			if (t == st.dayfirst[t])
				res->gaps += day_gaps(&st, st.sload + (size_t)s * m->nslots, t);
	if (res->bound < res->value)
		res->bound = res->value;	/* rounding in the flow */
	res->iterations = st.iterations;
	res->seconds = now() - st.start;
	if (st.progress != NULL)
		st.progress(st.progress_arg, 1);
out:
	for (int b = 0; b < m->nbuyers; b++)
		free(st.bc[b]);
	for (int s = 0; s < m->nsuppliers; s++)
		free(st.sc[s]);
	free(st.bc); free(st.sc); free(st.nbc); free(st.nsc);
	free(st.slot); free(st.pinned); free(st.kept); free(st.bload); free(st.sload); free(st.gen);
	free(st.dayfirst); free(st.daylast); free(st.undo);
	free(st.inslot); free(st.nin); free(st.pos);
	free(buf); free(buf2); free(chosen); free(w); free(order);
	return rc;
}

void
sel_result_free(struct sel_result *res)
{
	free(res->slot);
	free(res->table);
	memset(res, 0, sizeof *res);
}
