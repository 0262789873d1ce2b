/*
 * sel.h — selection-mode meeting scheduling (DESIGN.md, "Scheduling"):
 * from scored candidate meetings between buyers and suppliers, choose and
 * place meetings in (slot, table) so that nobody has more meetings in a
 * slot than representatives, both sides are available, a table holds one
 * meeting per slot (a booth table only its supplier's), a pair meets at
 * most once and locked meetings keep their place; the most total value,
 * then the fewest idle gaps.  The maximum-weight b-matching (min-cost
 * flow, src/sel_flow.c) bounds the value from above.
 *
 * Everything is numbered from 0.  The solver and the validator do no I/O
 * and share no code: the validator is in fixed_check.c.
 */
#ifndef FM_SEL_H
#define FM_SEL_H

#include <stdint.h>

struct sel_cand {
	int	 buyer;		/* 0 .. nbuyers-1 */
	int	 supplier;	/* 0 .. nsuppliers-1 */
	double	 value;		/* > 0; requests carry a large one */
	int	 lock_slot;	/* locked: the slot it must keep, else -1 */
	int	 lock_table;	/* locked: the table it must keep, else -1 */
	int	 prev_slot;	/* where the schedule being redone had it, or -1 */
	int	 prev_table;	/* likewise, or -1 */
};

struct sel_model {
	int		 nbuyers;	/* buyers 0 .. nbuyers-1 */
	int		 nsuppliers;	/* suppliers 0 .. nsuppliers-1 */
	int		 nslots;	/* slots 0 .. nslots-1, in time order */
	int		 ntables;	/* tables 0 .. ntables-1 */
	int		*slot_day;	/* day of each slot: gaps do not span days; owned */
	int		*breps;		/* buyer representatives (meetings at once), >= 1; owned */
	int		*sreps;		/* supplier representatives, >= 1; owned */
	unsigned char	*bunavail;	/* [b * nslots + t] = 1: buyer b is away in t; owned */
	unsigned char	*sunavail;	/* [s * nslots + t] = 1: supplier s is away; owned */
	int		*booth;		/* per supplier: its booth table, or -1; owned */
	struct sel_cand	*cands;		/* at most one per pair; owned */
	int		 ncands;	/* entries in cands */
	int		 candcap;	/* allocated entries */
};

/* An empty model: everyone available, one representative, no booths; caller frees. */
struct sel_model *sel_model_new(int nbuyers, int nsuppliers, int nslots, int ntables);
/* Appends a free candidate meeting; returns its index. */
int sel_model_add(struct sel_model *m, int buyer, int supplier, double value);
void sel_model_free(struct sel_model *m);

/*
 * The maximum-weight b-matching of m's candidates: each participant in at
 * most reps x (available slots) meetings, at most nslots x ntables in all,
 * locked candidates forced in.  Weights are w[i] (NULL = the values).
 * Returns the total weight and, if chosen is not NULL, sets chosen[i] to 1
 * for the candidates it takes.  An upper bound on any schedule's value.
 */
double sel_flow_bound(const struct sel_model *m, const double *w, unsigned char *chosen);

/* Called now and then with the fraction of the time limit used. */
typedef void (*sel_progress_fn)(void *arg, double fraction);

struct sel_opts {
	double		 time_limit;	/* seconds; <= 0 means 10 */
	long		 max_iterations;	/* improvement moves tried; <= 0 means no limit */
	uint64_t	 seed;		/* same seed, same schedule (when the limit is not hit) */
	int		 exact_max;	/* up to this many free candidates: exhaustive search */
	sel_progress_fn	 progress;	/* or NULL */
	void		*progress_arg;
};
/* Defaults: 10 s, seed 1, exhaustive search up to 12 free candidates, no progress. */
void sel_opts_init(struct sel_opts *o);

struct sel_result {
	int	*slot;		/* per candidate: its slot, or -1 if not held; owned */
	int	*table;		/* per candidate: its table, or -1; owned */
	double	 value;		/* total value held */
	double	 bound;		/* the b-matching upper bound */
	int	 meetings;	/* candidates held */
	int	 moved;		/* held before (prev_slot >= 0) and now elsewhere or dropped */
	int	 dropped;	/* of those, no longer held */
	int	 gaps;		/* idle slots between a participant's meetings of a day */
	int	 exact;		/* placed by edge colouring or exhaustive search: optimal */
	long	 iterations;	/* improvement moves tried */
	double	 seconds;
};

/*
 * Solves m.  Locked candidates are placed first and never move; candidates
 * with a previous place keep it when they can.  -1 and *cause if the
 * locked meetings clash among themselves or break a rule; else fills *res
 * (free with sel_result_free) and returns 0.
 */
int sel_solve(const struct sel_model *m, const struct sel_opts *o, struct sel_result *res,
    char **cause);
void sel_result_free(struct sel_result *res);

/* The validator's findings for one selection schedule. */
struct sel_report {
	char	**violations;	/* messages, Chinese / English; owned */
	int	  nviolations;
	double	  value;	/* recomputed */
	int	  meetings;	/* recomputed */
	int	  gaps;		/* recomputed */
};

/*
 * Checks slot[i], table[i] (-1 = not held) against every hard rule and
 * recomputes value, meetings and gaps.  Independent of the solver.
 * Returns the number of violations; free the report with sel_report_free.
 */
int sel_check(const struct sel_model *m, const int *slot, const int *table,
    struct sel_report *rep);
void sel_report_free(struct sel_report *rep);

#endif
