/*
 * fixed_anneal.c — the fixed-mode solver's local search, which finds good
 * schedules fast but proves nothing.  A greedy start in the manner of DSATUR: the meeting with the fewest slots still open goes
 * first, into the open slot that adds the fewest breaks.  Then simulated
 * annealing in short cycles, each reheated from the best schedule so far,
 * over Kempe-chain swaps of two slots, swaps of two meetings' slots and
 * moves of one meeting, half of them picked among the meetings of people
 * who have a break.  Broken rules (clashes, overfull slots, precedences,
 * unfairness) cost a penalty and breaks cost one each; the best schedule
 * that breaks no rule is kept.  Fixed meetings are never moved.
 *
 * A participant's slots are a 64-bit mask, so its breaks are the runs of
 * ones in the mask less one, found with one popcount.
 */
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "fixed_int.h"
#include "util.h"

#define SOLVE_MAX_SLOTS		FIXED_MAX_SLOTS
#define SOLVE_MAX_BREAKS	(SOLVE_MAX_SLOTS / 2 + 1)
#define PENALTY_HARD		3	/* cost of one clash, overfull place or precedence */
#define PENALTY_UNFAIR		3	/* cost of each break past the fairness bound */
#define TEMP_START		0.6	/* annealing temperature at the start of a cycle */
#define TEMP_END		0.03	/* and at its end */
#define CYCLE_STEPS		1000000L	/* steps from hot to cold, then reheat */
#define KEMPE_TENTHS		6	/* share of Kempe-chain moves, in tenths */
#define CLOCK_EVERY		4096	/* steps between looks at the clock */

/* The search state: a schedule and every count derived from it. */
struct solve_state {
	const struct fixed_model *m;
	int		 T;		/* slots */
	int		*slot;		/* slot of each meeting */
	int		*occ;		/* [p * T + t]: p's meetings in slot t */
	uint64_t	*mask;		/* per participant: slots with a meeting */
	int		*pbreaks;	/* per participant: breaks */
	int		 hist[SOLVE_MAX_BREAKS + 1];	/* participants by breaks */
	int		*cnt;		/* meetings per slot */
	int		 breaks;	/* total breaks */
	int		 clash;		/* extra meetings of a participant in a slot */
	int		 over;		/* meetings past the tables, over all slots */
	int		 prec;		/* precedences broken */
	int		 d;		/* fairness bound */
};

/* Per-meeting data the search reads but never changes. */
struct solve_static {
	int		**dom;		/* allowed slots per meeting; owned */
	int		 *ndom;		/* entries in dom[i] */
	uint64_t	 *dommask;	/* the same as a mask */
	int		**after;	/* meetings that must come after meeting i; owned */
	int		 *nafter;	/* entries in after[i] */
	int		 *movable;	/* meetings with a choice of slot */
	int		  nmovable;	/* entries in movable */
	int		**pmeet;	/* meetings of each participant; owned */
	int		 *npmeet;	/* entries in pmeet[p] */
};

/* xorshift64*: small, fast and the same everywhere. */
static uint64_t
rng_next(uint64_t *s)
{
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * 0x2545F4914F6CDD1DULL;
}

/* A number in 0 .. n-1. */
static int
rng_below(uint64_t *s, int n)
{
	return (int)((rng_next(s) >> 33) % (uint64_t)n);
}

/* A number in [0, 1). */
static double
rng_unit(uint64_t *s)
{
	return (double)(rng_next(s) >> 11) / 9007199254740992.0;
}

/* Broken precedences that involve meeting i. */
static int
prec_of(const struct solve_state *st, const struct solve_static *ss, int i)
{
	const struct fixed_meeting *mt = &st->m->meetings[i];
	int n = 0;

	for (int k = 0; k < mt->nbefore; k++)
		if (st->slot[mt->before[k]] >= st->slot[i])
			n++;
	for (int k = 0; k < ss->nafter[i]; k++)
		if (st->slot[ss->after[i][k]] <= st->slot[i])
			n++;
	return n;
}

/* Adds (+1) or removes (-1) a meeting of participant p in slot t. */
static void
participant_change(struct solve_state *st, int p, int t, int delta)
{
	int *o = &st->occ[p * st->T + t], old, nb;
	uint64_t bit = (uint64_t)1 << t;

	if (delta > 0) {
		if (*o >= 1)
			st->clash++;
		if ((*o)++ > 0)
			return;
		st->mask[p] |= bit;
	} else {
		if (--(*o) >= 1) {
			st->clash--;
			return;
		}
		st->mask[p] &= ~bit;
	}
	old = st->pbreaks[p];
	nb = fixed_mask_breaks(st->mask[p]);
	st->hist[old]--;
	st->hist[nb]++;
	st->pbreaks[p] = nb;
	st->breaks += nb - old;
}

/* Moves meeting i to slot t, keeping every count right. */
static void
state_move(struct solve_state *st, const struct solve_static *ss, int i, int t)
{
	const struct fixed_meeting *mt = &st->m->meetings[i];
	int from = st->slot[i];

	if (from == t)
		return;
	if (mt->nbefore > 0 || ss->nafter[i] > 0)
		st->prec -= prec_of(st, ss, i);
	participant_change(st, mt->a, from, -1);
	participant_change(st, mt->b, from, -1);
	if (st->cnt[from]-- > st->m->ntables)
		st->over--;
	st->slot[i] = t;
	participant_change(st, mt->a, t, +1);
	participant_change(st, mt->b, t, +1);
	if (++st->cnt[t] > st->m->ntables)
		st->over++;
	if (mt->nbefore > 0 || ss->nafter[i] > 0)
		st->prec += prec_of(st, ss, i);
}

/* Breaks past the fairness bound: (max − min) − d, or 0. */
static int
state_unfair(const struct solve_state *st)
{
	int lo = 0, hi = SOLVE_MAX_BREAKS;

	while (lo < SOLVE_MAX_BREAKS && st->hist[lo] == 0)
		lo++;
	while (hi > 0 && st->hist[hi] == 0)
		hi--;
	return hi - lo > st->d ? hi - lo - st->d : 0;
}

/* Rule-breaking units: 0 means the schedule is valid. */
static int
state_hard(const struct solve_state *st)
{
	return st->clash + st->over + st->prec + state_unfair(st);
}

/* What the search minimises. */
static int
state_cost(const struct solve_state *st)
{
	return st->breaks + PENALTY_HARD * (st->clash + st->over + st->prec) +
	    PENALTY_UNFAIR * state_unfair(st);
}

/* Sets the state to the schedule slot (every meeting placed). */
static void
state_load(struct solve_state *st, const struct solve_static *ss, const int *slot)
{
	const struct fixed_model *m = st->m;

	memset(st->occ, 0, (size_t)m->nparticipants * (size_t)st->T * sizeof *st->occ);
	memset(st->mask, 0, (size_t)m->nparticipants * sizeof *st->mask);
	memset(st->pbreaks, 0, (size_t)m->nparticipants * sizeof *st->pbreaks);
	memset(st->hist, 0, sizeof st->hist);
	memset(st->cnt, 0, (size_t)st->T * sizeof *st->cnt);
	st->hist[0] = m->nparticipants;
	st->breaks = st->clash = st->over = st->prec = 0;
	memcpy(st->slot, slot, (size_t)m->nmeetings * sizeof *st->slot);
	for (int i = 0; i < m->nmeetings; i++) {
		participant_change(st, m->meetings[i].a, slot[i], +1);
		participant_change(st, m->meetings[i].b, slot[i], +1);
		if (++st->cnt[slot[i]] > m->ntables)
			st->over++;
	}
	for (int i = 0; i < m->nmeetings; i++)
		for (int k = 0; k < m->meetings[i].nbefore; k++)
			if (slot[m->meetings[i].before[k]] >= slot[i])
				st->prec++;
	(void)ss;
}

/* Allocates the state's arrays for m. */
static void
state_init(struct solve_state *st, const struct fixed_model *m, int d)
{
	memset(st, 0, sizeof *st);
	st->m = m;
	st->T = m->nslots;
	st->d = d;
	st->slot = xcalloc((size_t)m->nmeetings + 1, sizeof *st->slot);
	st->occ = xcalloc((size_t)m->nparticipants * (size_t)m->nslots + 1, sizeof *st->occ);
	st->mask = xcalloc((size_t)m->nparticipants + 1, sizeof *st->mask);
	st->pbreaks = xcalloc((size_t)m->nparticipants + 1, sizeof *st->pbreaks);
	st->cnt = xcalloc((size_t)m->nslots + 1, sizeof *st->cnt);
}

static void
state_free(struct solve_state *st)
{
	free(st->slot);
	free(st->occ);
	free(st->mask);
	free(st->pbreaks);
	free(st->cnt);
}

/* Domains, successor lists and participants' meetings. */
static void
static_init(struct solve_static *ss, const struct fixed_model *m)
{
	int n = m->nmeetings;

	memset(ss, 0, sizeof *ss);
	ss->dom = xcalloc((size_t)n + 1, sizeof *ss->dom);
	ss->ndom = xcalloc((size_t)n + 1, sizeof *ss->ndom);
	ss->dommask = xcalloc((size_t)n + 1, sizeof *ss->dommask);
	ss->after = xcalloc((size_t)n + 1, sizeof *ss->after);
	ss->nafter = xcalloc((size_t)n + 1, sizeof *ss->nafter);
	ss->movable = xcalloc((size_t)n + 1, sizeof *ss->movable);
	ss->pmeet = xcalloc((size_t)m->nparticipants + 1, sizeof *ss->pmeet);
	ss->npmeet = xcalloc((size_t)m->nparticipants + 1, sizeof *ss->npmeet);
	for (int i = 0; i < n; i++) {
		const struct fixed_meeting *mt = &m->meetings[i];

		ss->dom[i] = xcalloc((size_t)m->nslots, sizeof *ss->dom[i]);
		for (int t = 0; t < m->nslots; t++) {
			if (!fixed_allowed(m, i, t) || (mt->fixed >= 0 && t != mt->fixed))
				continue;
			ss->dom[i][ss->ndom[i]++] = t;
			ss->dommask[i] |= (uint64_t)1 << t;
		}
		if (ss->ndom[i] > 1)
			ss->movable[ss->nmovable++] = i;
		for (int k = 0; k < mt->nbefore; k++) {
			int j = mt->before[k];

			ss->after[j] = xreallocarray(ss->after[j], (size_t)ss->nafter[j] + 1,
			    sizeof *ss->after[j]);
			ss->after[j][ss->nafter[j]++] = i;
		}
		for (int s = 0; s < 2; s++) {
			int p = s == 0 ? mt->a : mt->b;

			ss->pmeet[p] = xreallocarray(ss->pmeet[p], (size_t)ss->npmeet[p] + 1,
			    sizeof *ss->pmeet[p]);
			ss->pmeet[p][ss->npmeet[p]++] = i;
		}
	}
}

static void
static_free(struct solve_static *ss, const struct fixed_model *m)
{
	for (int i = 0; i < m->nmeetings; i++) {
		free(ss->dom[i]);
		free(ss->after[i]);
	}
	for (int p = 0; p < m->nparticipants; p++)
		free(ss->pmeet[p]);
	free(ss->dom);
	free(ss->ndom);
	free(ss->dommask);
	free(ss->after);
	free(ss->nafter);
	free(ss->movable);
	free(ss->pmeet);
	free(ss->npmeet);
}

/* Breaks p would have with one more meeting in slot t. */
static int
breaks_with(const struct solve_state *st, int p, int t)
{
	return fixed_mask_breaks(st->mask[p] | ((uint64_t)1 << t));
}

/*
 * The greedy start: repeatedly place the unplaced meeting with the fewest
 * open slots (no clash, a free table) in the slot that adds the fewest
 * breaks and broken precedences; with no open slot, the least bad one.
 */
static void
greedy(struct solve_state *st, const struct solve_static *ss, uint64_t *rng, int *slot)
{
	const struct fixed_model *m = st->m;
	int *placed = xcalloc((size_t)m->nmeetings + 1, sizeof *placed);

	/* Start from an empty schedule: every meeting "in" no slot. */
	memset(st->occ, 0, (size_t)m->nparticipants * (size_t)st->T * sizeof *st->occ);
	memset(st->mask, 0, (size_t)m->nparticipants * sizeof *st->mask);
	memset(st->cnt, 0, (size_t)st->T * sizeof *st->cnt);
	for (int done = 0; done < m->nmeetings; done++) {
		int best = -1, best_open = 0, best_deg = 0;

		for (int i = 0; i < m->nmeetings; i++) {
			const struct fixed_meeting *mt = &m->meetings[i];
			int open = 0, deg;

			if (placed[i])
				continue;
			for (int k = 0; k < ss->ndom[i]; k++) {
				int t = ss->dom[i][k];

				if (st->occ[mt->a * st->T + t] == 0 &&
				    st->occ[mt->b * st->T + t] == 0 && st->cnt[t] < m->ntables)
					open++;
			}
			deg = ss->npmeet[mt->a] + ss->npmeet[mt->b];
			if (ss->ndom[i] == 1)
				open = -1;	/* fixed first */
			if (best < 0 || open < best_open || (open == best_open && deg > best_deg)) {
				best = i;
				best_open = open;
				best_deg = deg;
			}
		}
		{
			const struct fixed_meeting *mt = &m->meetings[best];
			int pick = -1;
			long pick_score = 0;

			for (int k = 0; k < ss->ndom[best]; k++) {
				int t = ss->dom[best][k], bad = 0;
				long score;

				bad += st->occ[mt->a * st->T + t] + st->occ[mt->b * st->T + t];
				bad += st->cnt[t] >= m->ntables;
				for (int q = 0; q < mt->nbefore; q++)
					bad += placed[mt->before[q]] && slot[mt->before[q]] >= t;
				for (int q = 0; q < ss->nafter[best]; q++)
					bad += placed[ss->after[best][q]] && slot[ss->after[best][q]] <= t;
				score = 1000L * bad + 10L * (breaks_with(st, mt->a, t) +
				    breaks_with(st, mt->b, t)) + rng_below(rng, 10);
				if (pick < 0 || score < pick_score) {
					pick = t;
					pick_score = score;
				}
			}
			slot[best] = pick;
			placed[best] = 1;
			st->occ[mt->a * st->T + pick]++;
			st->occ[mt->b * st->T + pick]++;
			st->mask[mt->a] |= (uint64_t)1 << pick;
			st->mask[mt->b] |= (uint64_t)1 << pick;
			st->cnt[pick]++;
		}
	}
	free(placed);
}

/*
 * A Kempe chain: the meetings in slots t1 and t2 connected to meeting i
 * through shared participants all trade slots, so a schedule without
 * clashes keeps none.  Fails (0) if one of them may not take the other slot.
 * Records (meeting, old slot) pairs in undo; returns how many moved.
 */
static int
kempe(struct solve_state *st, const struct solve_static *ss, int i, int t2, int *undo,
    int *queue, unsigned char *seen)
{
	const struct fixed_model *m = st->m;
	int t1 = st->slot[i], head = 0, tail = 0, ok = 1;

	queue[tail++] = i;
	seen[i] = 1;
	while (head < tail && ok) {
		int q = queue[head++];

		if (!((ss->dommask[q] >> (st->slot[q] == t1 ? t2 : t1)) & 1)) {
			ok = 0;
			break;
		}
		for (int s = 0; s < 2; s++) {
			int p = s == 0 ? m->meetings[q].a : m->meetings[q].b;

			for (int k = 0; k < ss->npmeet[p]; k++) {
				int j = ss->pmeet[p][k];

				if (!seen[j] && (st->slot[j] == t1 || st->slot[j] == t2)) {
					seen[j] = 1;
					queue[tail++] = j;
				}
			}
		}
	}
	for (int k = 0; k < tail; k++)
		seen[queue[k]] = 0;
	if (!ok)
		return 0;
	for (int k = 0; k < tail; k++) {
		int q = queue[k];

		undo[2 * k] = q;
		undo[2 * k + 1] = st->slot[q];
	}
	for (int k = 0; k < tail; k++) {
		int q = queue[k];

		state_move(st, ss, q, undo[2 * k + 1] == t1 ? t2 : t1);
	}
	return tail;
}

/* Scratch space for moves. */
struct solve_scratch {
	int		*queue;		/* Kempe chain members */
	unsigned char	*seen;		/* marks for the chain search, all 0 between uses */
};

/*
 * Picks a move, makes it, and records (meeting, old slot) pairs in undo
 * (room for 2 per meeting); returns how many meetings moved.
 */
static int
propose(struct solve_state *st, const struct solve_static *ss, uint64_t *rng, int *undo,
    struct solve_scratch *sc)
{
	const struct fixed_model *m = st->m;
	int i = ss->movable[rng_below(rng, ss->nmovable)], r = rng_below(rng, 10);
	int from, j, p, t, n;

	/* Half the time, a meeting of someone who has a break. */
	if (rng_below(rng, 2)) {
		for (int tries = 0; tries < 8; tries++) {
			p = rng_below(rng, m->nparticipants);
			if (st->pbreaks[p] == 0)
				continue;
			j = ss->pmeet[p][rng_below(rng, ss->npmeet[p])];
			if (ss->ndom[j] > 1) {
				i = j;
				break;
			}
		}
	}
	from = st->slot[i];

	if (r < KEMPE_TENTHS) {
		do
			t = ss->dom[i][rng_below(rng, ss->ndom[i])];
		while (t == from);
		if ((n = kempe(st, ss, i, t, undo, sc->queue, sc->seen)) > 0)
			return n;
	} else if (r < KEMPE_TENTHS + 2) {
		/* Swap with another meeting of one of its participants. */
		p = rng_below(rng, 2) ? m->meetings[i].a : m->meetings[i].b;
		j = ss->pmeet[p][rng_below(rng, ss->npmeet[p])];
		t = st->slot[j];
		if (j != i && t != from && ((ss->dommask[i] >> t) & 1) &&
		    ((ss->dommask[j] >> from) & 1)) {
			undo[0] = i, undo[1] = from, undo[2] = j, undo[3] = t;
			state_move(st, ss, i, t);
			state_move(st, ss, j, from);
			return 2;
		}
	} else if (r < KEMPE_TENTHS + 3) {
		/* Swap with any meeting, which keeps every slot's count. */
		j = rng_below(rng, m->nmeetings);
		t = st->slot[j];
		if (j != i && t != from && ((ss->dommask[i] >> t) & 1) &&
		    ((ss->dommask[j] >> from) & 1)) {
			undo[0] = i, undo[1] = from, undo[2] = j, undo[3] = t;
			state_move(st, ss, i, t);
			state_move(st, ss, j, from);
			return 2;
		}
	}
	do
		t = ss->dom[i][rng_below(rng, ss->ndom[i])];
	while (t == from);
	undo[0] = i, undo[1] = from;
	state_move(st, ss, i, t);
	return 1;
}

/* Undoes a move that propose() made, last part first. */
static void
retract(struct solve_state *st, const struct solve_static *ss, const int *undo, int n)
{
	while (n-- > 0)
		state_move(st, ss, undo[2 * n], undo[2 * n + 1]);
}

/* A valid state's breaks, offered to the shared record if they beat its best. */
static void
offer(struct fixed_share *sh, const struct solve_state *st)
{
	if (st->breaks < atomic_load(&sh->ub) && state_hard(st) == 0)
		fixed_share_offer(sh, st->slot, st->breaks);
}

void
fixed_anneal(const struct fixed_model *m, const struct fixed_opts *o, double time_limit,
    struct fixed_share *sh)
{
	struct solve_state st;
	struct solve_static ss;
	uint64_t rng = o->seed * 0x9E3779B97F4A7C15ULL + 0x632BE59BD9B4E019ULL;
	double start = fixed_now(), temp = TEMP_START, last_report = start;
	double cool = pow(TEMP_END / TEMP_START, 1.0 / CYCLE_STEPS);
	int *slot, *best_any, *undo, best_cost, cost, n;
	struct solve_scratch sc;
	long it = 0, since = 0;

	if (m->nslots > SOLVE_MAX_SLOTS || m->nmeetings == 0)
		return;
	if (rng == 0)
		rng = 1;
	static_init(&ss, m);
	state_init(&st, m, o->fairness);
	slot = xcalloc((size_t)m->nmeetings + 1, sizeof *slot);
	best_any = xcalloc((size_t)m->nmeetings + 1, sizeof *best_any);
	undo = xcalloc(2 * (size_t)m->nmeetings + 4, sizeof *undo);
	sc.queue = xcalloc((size_t)m->nmeetings + 1, sizeof *sc.queue);
	sc.seen = xcalloc((size_t)m->nmeetings + 1, 1);
	greedy(&st, &ss, &rng, slot);
	state_load(&st, &ss, slot);
	cost = best_cost = state_cost(&st);
	memcpy(best_any, slot, (size_t)m->nmeetings * sizeof *slot);
	offer(sh, &st);
	while (ss.nmovable > 0 && !atomic_load(&sh->stop)) {
		int next;

		if (o->max_iterations > 0 && it >= o->max_iterations)
			break;
		if ((it % CLOCK_EVERY) == 0 && it > 0) {
			double t = fixed_now();

			if ((time_limit > 0 && t - start >= time_limit) || fixed_share_over(sh))
				break;
			if (o->progress != NULL && t - last_report >= 1.0) {
				int ub = atomic_load(&sh->ub);

				o->progress(t - start, it, ub == INT_MAX ? -1 : ub, o->progress_arg);
				last_report = t;
			}
		}
		it++;
		n = propose(&st, &ss, &rng, undo, &sc);
		next = state_cost(&st);
		if (next <= cost || rng_unit(&rng) < exp((cost - next) / temp)) {
			cost = next;
			if (cost < best_cost) {
				best_cost = cost;
				memcpy(best_any, st.slot, (size_t)m->nmeetings * sizeof *slot);
			}
			offer(sh, &st);
		} else
			retract(&st, &ss, undo, n);
		temp *= cool;
		if (++since >= CYCLE_STEPS) {
			/* Reheat from the best schedule seen. */
			since = 0;
			temp = TEMP_START;
			pthread_mutex_lock(&sh->lock);
			state_load(&st, &ss, sh->best != NULL ? sh->best : best_any);
			pthread_mutex_unlock(&sh->lock);
			cost = state_cost(&st);
		}
	}
	pthread_mutex_lock(&sh->lock);
	sh->iterations += it;
	pthread_mutex_unlock(&sh->lock);
	free(slot);
	free(best_any);
	free(undo);
	free(sc.queue);
	free(sc.seen);
	state_free(&st);
	static_free(&ss, m);
}
