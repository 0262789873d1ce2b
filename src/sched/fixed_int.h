/*
 * fixed_int.h — the fixed-mode solver's parts, private to src/sched: the
 * cheap bounds and infeasibility proofs (fixed_bound.c), annealing
 * (fixed_anneal.c), the SAT encoding and its search (fixed_sat.c), and the
 * record the threads of the portfolio share (fixed_share.c).
 */
#ifndef FM_FIXED_INT_H
#define FM_FIXED_INT_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>

#include "fixed.h"

#define FIXED_MAX_SLOTS	64	/* a participant's slots fit one 64-bit mask */

/* Breaks of a participant whose busy slots are mask: runs of ones less one. */
static inline int
fixed_mask_breaks(uint64_t mask)
{
	if (mask == 0)
		return 0;
	return __builtin_popcountll(mask & ~(mask << 1)) - 1;
}

/* Seconds on a monotonic clock. */
double fixed_now(void);

/* Per-meeting slot domains: session, both participants' forbidden slots, fixed slot. */
uint64_t *fixed_domains(const struct fixed_model *m);

/*
 * What is known before searching: per participant, the fewest and most
 * breaks it can have in any schedule (a dynamic programme over its own
 * slots, then tightened by the fairness bound), and their sum.
 */
struct fixed_bounds {
	int	*lb;		/* per participant: at least this many breaks; owned */
	int	*ub;		/* per participant: at most this many breaks; owned */
	int	 total;		/* sum of lb: a lower bound on the total */
};

/*
 * Fills *b for m under fairness d.  Returns NULL, or an allocated reason
 * (Chinese / English) when the bounds or the easy checks prove that no
 * schedule exists; *b is filled either way and freed with fixed_bounds_free.
 */
char *fixed_bounds(const struct fixed_model *m, int d, struct fixed_bounds *b);
void fixed_bounds_free(struct fixed_bounds *b);

/*
 * The record the portfolio's threads share: the best schedule and the
 * proven bound, under a lock; stop is set once they meet, on proven
 * infeasibility, or when the time is up, and the solvers poll it.
 */
struct fixed_share {
	pthread_mutex_t		 lock;
	const struct fixed_model *m;
	int			 d;		/* fairness bound */
	double			 deadline;	/* fixed_now() seconds, or 0 for none */
	long			 conflicts;	/* per SAT call, or <= 0 for no limit */
	atomic_int		 lb;		/* proven lower bound on the total */
	atomic_int		 ub;		/* breaks of best, or INT_MAX */
	atomic_int		 stop;		/* 1: every solver should return */
	int			*best;		/* slot of each meeting; owned, or NULL */
	int			 infeasible;	/* 1: proven that no schedule exists */
	char			*reason;	/* why infeasible; owned, or NULL */
	long			 iterations;	/* annealing steps, summed */
};

void fixed_share_init(struct fixed_share *sh, const struct fixed_model *m, int d);
void fixed_share_free(struct fixed_share *sh);
/* Offers a valid schedule with its breaks; kept if better.  Copies slot. */
void fixed_share_offer(struct fixed_share *sh, const int *slot, int breaks);
/* Records that every schedule has at least lb breaks. */
void fixed_share_raise(struct fixed_share *sh, int lb);
/* Records a proof of infeasibility; takes ownership of reason. */
void fixed_share_infeasible(struct fixed_share *sh, char *reason);
/* Whether a solver should return now: stop set, or past the deadline. */
int fixed_share_over(struct fixed_share *sh);

/*
 * Annealing until sh says stop, the best reaches the bound, max_iterations
 * steps or the time limit (seconds from now; <= 0 for none); offers every
 * improvement to sh.  Supports at most FIXED_MAX_SLOTS slots.
 */
void fixed_anneal(const struct fixed_model *m, const struct fixed_opts *o,
    double time_limit, struct fixed_share *sh);

#define FIXED_SAT_SETTINGS	2	/* CaDiCaL settings the portfolio chooses from */

/*
 * The SAT search: encodes m with the per-participant bounds b, then for
 * K = the shared bound upwards asks CaDiCaL for a schedule with at most K
 * breaks, trying the shared best schedule's slots first; setting
 * (0 .. FIXED_SAT_SETTINGS-1) picks CaDiCaL's options.
 * Offers what it finds and raises the bound on each refutation until sh
 * says stop.
 */
void fixed_sat(const struct fixed_model *m, const struct fixed_bounds *b, int setting,
    struct fixed_share *sh);

#endif
