/*
 * fixed_sat.c — the exact method: the fixed-mode problem as a SAT formula
 * on CaDiCaL, searched incrementally over the total number of breaks.
 *
 * Variables: x(i,t) "meeting i is in slot t" for each allowed slot; busy(p,t)
 * "participant p meets in slot t"; met(p,t) "p has met by slot t"; end(p,t)
 * "a break of p ends at slot t" (busy at t, idle at t−1, met by t−2), so
 * p's breaks are the number of true end(p,·).  A totalizer over them gives
 * the unary count "p has at least k breaks"; a second totalizer over all
 * those counts gives "the total is at least k".
 *
 * Clauses: each meeting in exactly one allowed slot; at most one meeting
 * per participant and slot; at most tables meetings per slot, counted over
 * star clusters (each meeting given to one of its participants, whose
 * meetings in a slot are at most one); precedences on "meeting i by slot
 * t" prefixes; fairness in general form with least(k) "every participant
 * has at least k breaks": p having k + d + 1 breaks forces least(k + 1),
 * and least(k) forces k breaks on everyone.  Implied
 * clauses help the solver: each participant is busy in exactly as many
 * slots as it has meetings; a slot's busy participants, counted exactly,
 * are at most 2 × tables, even, and at least twice what the other slots
 * cannot hold; the per-participant bounds of fixed_bound.c hold as units.
 * Both table counts are kept: the busy count decides the instances whose
 * tables are nearly full (forumt-14crafe: 0.5 s against over 7 s without
 * it); without it the others are up to 1.5 times faster.
 *
 * Search: for K = the proven bound upwards, assume "total < K + 1" on the
 * totalizer's output.  The first satisfiable K is optimal.  A refutation
 * that did not use the assumption proves the instance infeasible.  Before
 * each call the solver is pointed at the best schedule in hand (CaDiCaL's
 * phase(), through fixed_cadical.cc): the satisfiable call at the optimum
 * is the slow one, and it starts near a schedule that is already good.
 */
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "fixed_cadical.h"

#include "fixed_int.h"
#include "util.h"

#define PAIRWISE_AMO	5	/* at most this many literals: pairwise at-most-one */
#define SETTING_OPTIONS	4	/* CaDiCaL options per setting, at most */

/*
 * The portfolio's two settings: CaDiCaL's defaults with initial phase 0,
 * and phase 1 with the options of CaDiCaL's "sat" configuration (for
 * satisfiable formulas), so that the two cores search differently.
 */
static const struct {
	const char	*name;
	int		 value;
} settings[FIXED_SAT_SETTINGS][SETTING_OPTIONS] = {
	{ { "phase", 0 } },
	{ { "phase", 1 }, { "stabilizeonly", 1 }, { "elimreleff", 10 },
	  { "subsumereleff", 60 } },
};
#define TOTAL_CAP_MIN	16	/* the total's first totalizer counts this far at least */

/* The formula being built and the solver that holds it. */
struct enc {
	struct fixed_cadical	 *s;
	const struct fixed_model *m;
	int			  nvars;	/* variables used so far */
	int			  yes;		/* a variable fixed true: yes and -yes are constants */
	int			  T;		/* slots */
	int			 *x;		/* [i * T + t]: x(i,t), or 0 if not allowed */
	int			 *busy;		/* [p * T + t]: a literal, possibly -yes */
	int			**count;	/* per participant: count[p][k-1] "at least k breaks" */
	int			 *ncount;	/* entries in count[p] */
	int			 *inputs;	/* the total's inputs: every count literal that can be true */
	int			  ninputs;	/* entries in inputs */
	int			 *total;	/* total[k-1]: "total at least k"; owned */
	int			  ntotal;	/* entries in total */
	struct fixed_share	 *sh;		/* for the terminate callback */
	int			  K;		/* the bound being tried */
};

/* A fresh variable. */
static int
newvar(struct enc *e)
{
	return ++e->nvars;
}

/* Adds a clause of literals ending in 0; -yes literals are dropped, a yes literal satisfies it. */
static void
clause(struct enc *e, ...)
{
	int lits[8], n = 0, lit;
	va_list ap;

	va_start(ap, e);
	while ((lit = va_arg(ap, int)) != 0) {
		if (lit == e->yes) {
			va_end(ap);
			return;
		}
		if (lit != -e->yes)
			lits[n++] = lit;
	}
	va_end(ap);
	for (int k = 0; k < n; k++)
		fixed_cadical_add(e->s, lits[k]);
	fixed_cadical_add(e->s, 0);
}

/* At most one of lits: pairwise when short, else a sequential counter. */
static void
at_most_one(struct enc *e, const int *lits, int n)
{
	int prev;

	if (n <= PAIRWISE_AMO) {
		for (int a = 0; a < n; a++)
			for (int b = a + 1; b < n; b++)
				clause(e, -lits[a], -lits[b], 0);
		return;
	}
	prev = newvar(e);
	clause(e, -lits[0], prev, 0);
	for (int k = 1; k < n; k++) {
		int next;

		clause(e, -lits[k], -prev, 0);
		if (k == n - 1)
			break;
		next = newvar(e);
		clause(e, -lits[k], next, 0);
		clause(e, -prev, next, 0);
		prev = next;
	}
}

/* A literal true exactly when one of lits is: -yes, the one literal, or a new variable. */
static int
or_lit(struct enc *e, const int *lits, int n)
{
	int v;

	if (n == 0)
		return -e->yes;
	if (n == 1)
		return lits[0];
	v = newvar(e);
	for (int k = 0; k < n; k++)
		clause(e, -lits[k], v, 0);
	for (int k = 0; k < n; k++)
		fixed_cadical_add(e->s, lits[k]);
	fixed_cadical_add(e->s, -v);
	fixed_cadical_add(e->s, 0);
	return v;
}

/* A literal true exactly when prev or lit is, either possibly -yes. */
static int
or2_lit(struct enc *e, int prev, int lit)
{
	int pair[2], n = 0;

	if (prev != -e->yes)
		pair[n++] = prev;
	if (lit != -e->yes)
		pair[n++] = lit;
	return or_lit(e, pair, n);
}

/*
 * A totalizer over in[0..n-1]: out[k-1] is forced true when at least k
 * inputs are; with exact, also forced false when fewer are.  Counts up to
 * cap (cap <= 0: all the way; exact needs that).  Caller frees; *nout set.
 */
static int *
totalizer(struct enc *e, const int *in, int n, int cap, int exact, int *nout)
{
	int *a, *b, *out, na, nb, c;

	if (n == 1) {
		out = xcalloc(1, sizeof *out);
		out[0] = in[0];
		*nout = 1;
		return out;
	}
	a = totalizer(e, in, n / 2, cap, exact, &na);
	b = totalizer(e, in + n / 2, n - n / 2, cap, exact, &nb);
	c = cap > 0 && na + nb > cap ? cap : na + nb;
	out = xcalloc((size_t)c, sizeof *out);
	for (int k = 0; k < c; k++)
		out[k] = newvar(e);
	for (int i = 0; i <= na; i++)
		for (int j = 0; j <= nb; j++) {
			if (i + j >= 1 && i + j <= c)
				clause(e, i > 0 ? -a[i - 1] : -e->yes, j > 0 ? -b[j - 1] : -e->yes,
				    out[i + j - 1], 0);
			if (exact && i + j + 1 <= c)
				clause(e, i < na ? a[i] : -e->yes, j < nb ? b[j] : -e->yes,
				    -out[i + j], 0);
		}
	free(a);
	free(b);
	*nout = c;
	return out;
}

/* x(i,t); exactly one allowed slot per meeting. */
static void
encode_meetings(struct enc *e, const uint64_t *dom)
{
	const struct fixed_model *m = e->m;
	int *lits = xcalloc((size_t)e->T + 1, sizeof *lits);

	for (int i = 0; i < m->nmeetings; i++) {
		int n = 0;

		for (int t = 0; t < e->T; t++)
			if ((dom[i] >> t) & 1)
				lits[n++] = e->x[i * e->T + t] = newvar(e);
		for (int k = 0; k < n; k++)
			fixed_cadical_add(e->s, lits[k]);
		fixed_cadical_add(e->s, 0);
		at_most_one(e, lits, n);
	}
	free(lits);
}

/*
 * busy(p,t) as the "or" of p's meetings in t, at most one of them; and,
 * implied, exactly as many busy slots as p has meetings.
 */
static void
encode_busy(struct enc *e)
{
	const struct fixed_model *m = e->m;
	int *lits = xcalloc((size_t)m->nmeetings + 1, sizeof *lits);
	int *row = xcalloc((size_t)e->T + 1, sizeof *row), *out, nout;

	for (int p = 0; p < m->nparticipants; p++) {
		int degree = 0, nrow = 0;

		for (int i = 0; i < m->nmeetings; i++)
			degree += m->meetings[i].a == p || m->meetings[i].b == p;
		for (int t = 0; t < e->T; t++) {
			int n = 0;

			for (int i = 0; i < m->nmeetings; i++)
				if ((m->meetings[i].a == p || m->meetings[i].b == p) &&
				    e->x[i * e->T + t] != 0)
					lits[n++] = e->x[i * e->T + t];
			e->busy[p * e->T + t] = or_lit(e, lits, n);
			at_most_one(e, lits, n);
			if (n > 0)
				row[nrow++] = e->busy[p * e->T + t];
		}
		if (degree == 0 || nrow == 0)
			continue;
		out = totalizer(e, row, nrow, 0, 1, &nout);
		if (degree <= nout)
			clause(e, out[degree - 1], 0);
		if (degree < nout)
			clause(e, -out[degree], 0);
		free(out);
	}
	free(lits);
	free(row);
}

/*
 * Stars that cover every meeting: each meeting goes to one of its two
 * participants, the one with more meetings left first.  A star has at most
 * one meeting per slot, so a slot's meetings are counted by its stars.
 * Returns the centre of each meeting; caller frees.
 */
static int *
star_centres(const struct fixed_model *m)
{
	int *centre = xcalloc((size_t)m->nmeetings + 1, sizeof *centre);
	int *left = xcalloc((size_t)m->nparticipants + 1, sizeof *left), done = 0;

	for (int i = 0; i < m->nmeetings; i++) {
		centre[i] = -1;
		left[m->meetings[i].a]++;
		left[m->meetings[i].b]++;
	}
	while (done < m->nmeetings) {
		int c = 0;

		for (int p = 1; p < m->nparticipants; p++)
			if (left[p] > left[c])
				c = p;
		for (int i = 0; i < m->nmeetings; i++) {
			const struct fixed_meeting *mt = &m->meetings[i];

			if (centre[i] >= 0 || (mt->a != c && mt->b != c))
				continue;
			centre[i] = c;
			left[mt->a]--;
			left[mt->b]--;
			done++;
		}
	}
	free(left);
	return centre;
}

/* At most tables meetings in each slot, counted over star clusters. */
static void
encode_tables(struct enc *e)
{
	const struct fixed_model *m = e->m;
	int *centre = star_centres(m), *row = xcalloc((size_t)m->nparticipants + 1, sizeof *row);
	int *lits = xcalloc((size_t)m->nmeetings + 1, sizeof *lits), *out, nout;

	for (int t = 0; t < e->T; t++) {
		int n = 0;

		for (int c = 0; c < m->nparticipants; c++) {
			int k = 0;

			for (int i = 0; i < m->nmeetings; i++)
				if (centre[i] == c && e->x[i * e->T + t] != 0)
					lits[k++] = e->x[i * e->T + t];
			if (k > 0)
				row[n++] = or_lit(e, lits, k);
		}
		if (n <= m->ntables)
			continue;
		out = totalizer(e, row, n, m->ntables + 1, 0, &nout);
		clause(e, -out[m->ntables], 0);
		free(out);
	}
	free(centre);
	free(row);
	free(lits);
}

/*
 * Each meeting makes two participants busy, so a slot's busy participants
 * are twice its meetings: at most 2 × tables, an even number, and at least
 * twice what the other slots cannot hold.
 */
static void
encode_busy_tables(struct enc *e)
{
	const struct fixed_model *m = e->m;
	int *row = xcalloc((size_t)m->nparticipants + 1, sizeof *row), *out, nout;
	long least = (long)m->nmeetings - (long)(e->T - 1) * m->ntables;

	for (int t = 0; t < e->T; t++) {
		int n = 0;

		for (int p = 0; p < m->nparticipants; p++)
			if (e->busy[p * e->T + t] != -e->yes)
				row[n++] = e->busy[p * e->T + t];
		if (n == 0)
			continue;
		out = totalizer(e, row, n, 0, 1, &nout);
		if (2 * m->ntables < nout)
			clause(e, -out[2 * m->ntables], 0);
		for (int k = 1; k + 1 <= nout; k += 2)
			clause(e, -out[k - 1], out[k], 0);
		if (nout % 2 == 1)
			clause(e, -out[nout - 1], 0);
		if (least > 0)
			clause(e, 2 * least <= nout ? out[2 * least - 1] : -e->yes, 0);
		free(out);
	}
	free(row);
}

/* Meeting i by slot t, as prefix literals; caller frees. */
static int *
encode_prefix(struct enc *e, int i)
{
	int *pre = xcalloc((size_t)e->T, sizeof *pre), prev = -e->yes;

	for (int t = 0; t < e->T; t++) {
		int x = e->x[i * e->T + t];

		prev = pre[t] = or2_lit(e, prev, x != 0 ? x : -e->yes);
	}
	return pre;
}

/* Meeting j in slot t or before needs meeting i in slot t−1 or before. */
static void
encode_precedences(struct enc *e)
{
	const struct fixed_model *m = e->m;
	int **pre = xcalloc((size_t)m->nmeetings + 1, sizeof *pre);

	for (int j = 0; j < m->nmeetings; j++)
		for (int k = 0; k < m->meetings[j].nbefore; k++) {
			int i = m->meetings[j].before[k];

			if (pre[i] == NULL)
				pre[i] = encode_prefix(e, i);
			if (pre[j] == NULL)
				pre[j] = encode_prefix(e, j);
			for (int t = 0; t < e->T; t++)
				clause(e, -pre[j][t], t > 0 ? pre[i][t - 1] : -e->yes, 0);
		}
	for (int i = 0; i < m->nmeetings; i++)
		free(pre[i]);
	free(pre);
}

/* "p has at least k breaks", or a constant beyond what exists. */
static int
count_lit(const struct enc *e, int p, int k)
{
	if (k <= 0)
		return e->yes;
	if (k > e->ncount[p])
		return -e->yes;
	return e->count[p][k - 1];
}

/*
 * met(p,t), end(p,t) and the per-participant break counts, with the
 * bounds of fixed_bound.c as units.
 */
static void
encode_breaks(struct enc *e, const struct fixed_bounds *fb)
{
	const struct fixed_model *m = e->m;
	int *met = xcalloc((size_t)e->T, sizeof *met), *ends = xcalloc((size_t)e->T, sizeof *ends);

	for (int p = 0; p < m->nparticipants; p++) {
		const int *busy = &e->busy[p * e->T];
		int n = 0;

		for (int t = 0; t < e->T; t++) {
			met[t] = or2_lit(e, t > 0 ? met[t - 1] : -e->yes, busy[t]);
			if (t >= 2 && busy[t] != -e->yes && met[t - 2] != -e->yes &&
			    busy[t - 1] != e->yes) {
				int end = newvar(e);

				clause(e, -end, busy[t], 0);
				clause(e, -end, -busy[t - 1], 0);
				clause(e, -end, met[t - 2], 0);
				clause(e, -busy[t], busy[t - 1], -met[t - 2], end, 0);
				ends[n++] = end;
			}
		}
		if (n > 0)
			e->count[p] = totalizer(e, ends, n, 0, 1, &e->ncount[p]);
		if (fb->lb[p] > 0)
			clause(e, count_lit(e, p, fb->lb[p]), 0);
		clause(e, -count_lit(e, p, fb->ub[p] + 1), 0);
		for (int k = 1; k <= e->ncount[p] && k <= fb->ub[p]; k++)
			e->inputs[e->ninputs++] = e->count[p][k - 1];
	}
	free(met);
	free(ends);
}

/*
 * Fairness, max − min ≤ d: least(k) "everyone has at least k breaks";
 * someone with k + d + 1 breaks forces least(k + 1), and least(k) forces
 * k breaks on everyone.
 */
static void
encode_fairness(struct enc *e, const struct fixed_bounds *fb, int d)
{
	const struct fixed_model *m = e->m;
	int most = 0, fewest = INT_MAX, *least;

	for (int p = 0; p < m->nparticipants; p++) {
		int hi = fb->ub[p] < e->ncount[p] ? fb->ub[p] : e->ncount[p];

		if (hi > most)
			most = hi;
		if (fb->lb[p] < fewest)
			fewest = fb->lb[p];
	}
	if (m->nparticipants == 0 || most - fewest <= d)
		return;
	least = xcalloc((size_t)(most - d) + 1, sizeof *least);
	for (int k = 1; k <= most - d; k++) {
		least[k] = newvar(e);
		if (k > 1)
			clause(e, -least[k], least[k - 1], 0);
		for (int q = 0; q < m->nparticipants; q++)
			clause(e, -least[k], count_lit(e, q, k), 0);
	}
	for (int p = 0; p < m->nparticipants; p++)
		for (int k = d + 1; k <= e->ncount[p] && k <= most; k++)
			clause(e, -e->count[p][k - 1], least[k - d], 0);
	free(least);
}

/* A totalizer over every participant's count that reaches at least upto. */
static void
encode_total(struct enc *e, int upto)
{
	int cap = upto < TOTAL_CAP_MIN ? TOTAL_CAP_MIN : upto;

	if (cap < 2 * e->ntotal)
		cap = 2 * e->ntotal;
	if (cap > e->ninputs)
		cap = e->ninputs;
	free(e->total);
	e->total = NULL;
	e->ntotal = 0;
	if (e->ninputs == 0)
		return;
	e->total = totalizer(e, e->inputs, e->ninputs, cap, 0, &e->ntotal);
	/* Assumed later: keep them from being eliminated in between. */
	for (int k = 0; k < e->ntotal; k++)
		fixed_cadical_freeze(e->s, e->total[k]);
}

/* The terminate callback: stop, the deadline, or another solver settled this K. */
static int
terminate(void *arg)
{
	struct enc *e = arg;

	return fixed_share_over(e->sh) || atomic_load(&e->sh->lb) > e->K ||
	    atomic_load(&e->sh->ub) <= e->K;
}

/* Reads the model's schedule into slot; returns its breaks. */
static int
decode(struct enc *e, int *slot)
{
	const struct fixed_model *m = e->m;
	uint64_t *mask = xcalloc((size_t)m->nparticipants + 1, sizeof *mask);
	int breaks = 0;

	for (int i = 0; i < m->nmeetings; i++) {
		slot[i] = -1;
		for (int t = 0; t < e->T; t++)
			if (e->x[i * e->T + t] != 0 && fixed_cadical_val(e->s, e->x[i * e->T + t]) > 0) {
				slot[i] = t;
				break;
			}
		if (slot[i] < 0)
			fatal("%s: meeting %d has no slot in a satisfying assignment", __func__, i);
		mask[m->meetings[i].a] |= (uint64_t)1 << slot[i];
		mask[m->meetings[i].b] |= (uint64_t)1 << slot[i];
	}
	for (int p = 0; p < m->nparticipants; p++)
		breaks += fixed_mask_breaks(mask[p]);
	free(mask);
	return breaks;
}

/* Builds the whole formula into e->s. */
static void
encode(struct enc *e, const struct fixed_bounds *fb, int d)
{
	const struct fixed_model *m = e->m;
	uint64_t *dom = fixed_domains(m);

	e->T = m->nslots;
	e->x = xcalloc((size_t)m->nmeetings * (size_t)e->T + 1, sizeof *e->x);
	e->busy = xcalloc((size_t)m->nparticipants * (size_t)e->T + 1, sizeof *e->busy);
	e->count = xcalloc((size_t)m->nparticipants + 1, sizeof *e->count);
	e->ncount = xcalloc((size_t)m->nparticipants + 1, sizeof *e->ncount);
	e->inputs = xcalloc((size_t)m->nparticipants * (size_t)e->T + 1, sizeof *e->inputs);
	e->yes = newvar(e);
	fixed_cadical_add(e->s, e->yes);
	fixed_cadical_add(e->s, 0);
	encode_meetings(e, dom);
	encode_busy(e);
	encode_tables(e);
	encode_busy_tables(e);
	encode_precedences(e);
	encode_breaks(e, fb);
	encode_fairness(e, fb, d);
	encode_total(e, fb->total + 1);
	free(dom);
}

/*
 * Points the solver at the shared best schedule when it is new to this
 * solver (*hinted: the breaks of the last one it was given): each meeting's
 * variable for its slot there is tried true first, its other slots false.
 * Everything else keeps CaDiCaL's own choice.  Uses slot as scratch.
 */
static void
hint(struct enc *e, int *slot, int *hinted)
{
	struct fixed_share *sh = e->sh;
	const struct fixed_model *m = e->m;
	int ub;

	if (atomic_load(&sh->ub) >= *hinted)
		return;
	pthread_mutex_lock(&sh->lock);
	ub = atomic_load(&sh->ub);
	if (sh->best != NULL)
		memcpy(slot, sh->best, (size_t)m->nmeetings * sizeof *slot);
	pthread_mutex_unlock(&sh->lock);
	if (ub >= *hinted)
		return;
	*hinted = ub;
	for (int i = 0; i < m->nmeetings; i++)
		for (int t = 0; t < e->T; t++) {
			int x = e->x[i * e->T + t];

			if (x != 0)
				fixed_cadical_phase(e->s, t == slot[i] ? x : -x);
		}
}

void
fixed_sat(const struct fixed_model *m, const struct fixed_bounds *fb, int setting,
    struct fixed_share *sh)
{
	struct enc e;
	int *slot = xcalloc((size_t)m->nmeetings + 1, sizeof *slot), hinted = INT_MAX;

	memset(&e, 0, sizeof e);
	e.m = m;
	e.sh = sh;
	e.s = fixed_cadical_new();
	fixed_cadical_set_option(e.s, "quiet", 1);
	for (int k = 0; k < SETTING_OPTIONS && settings[setting][k].name != NULL; k++)
		fixed_cadical_set_option(e.s, settings[setting][k].name, settings[setting][k].value);
	encode(&e, fb, sh->d);
	fixed_cadical_set_terminate(e.s, &e, terminate);
	while (!fixed_share_over(sh)) {
		int r, bound_lit = 0, lb = atomic_load(&sh->lb), ub = atomic_load(&sh->ub);

		if (lb >= ub)
			break;
		/* Setting 0 only: a forced phase would make both settings search alike. */
		if (setting == 0)
			hint(&e, slot, &hinted);
		e.K = lb;
		if (e.K < e.ninputs) {
			if (e.K + 1 > e.ntotal)
				encode_total(&e, e.K + 1);
			bound_lit = -e.total[e.K];
			fixed_cadical_assume(e.s, bound_lit);
		}
		if (sh->conflicts > 0)
			fixed_cadical_limit(e.s, "conflicts", sh->conflicts > INT_MAX ? INT_MAX :
			    (int)sh->conflicts);
		r = fixed_cadical_solve(e.s);
		if (r == 10)
			fixed_share_offer(sh, slot, decode(&e, slot));
		else if (r == 20) {
			if (bound_lit != 0 && fixed_cadical_failed(e.s, bound_lit))
				fixed_share_raise(sh, e.K + 1);
			else
				fixed_share_infeasible(sh, xasprintf("SAT 求解器证明无可行方案 / the"
				    " SAT solver proved that no schedule exists"));
		} else if (atomic_load(&sh->lb) <= e.K && atomic_load(&sh->ub) > e.K)
			break;	/* out of time or conflicts */
	}
	fixed_cadical_free(e.s);
	for (int p = 0; p < m->nparticipants; p++)
		free(e.count[p]);
	free(e.count);
	free(e.ncount);
	free(e.inputs);
	free(e.total);
	free(e.x);
	free(e.busy);
	free(slot);
}
