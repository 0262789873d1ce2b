/*
 * fixed.h — fixed-mode meeting scheduling (DESIGN.md, "Scheduling"): every
 * listed one-to-one meeting must be held; place each in a time slot so that
 * no participant has two meetings at once, no slot holds more meetings than
 * there are tables, session (AM/PM), forbidden-slot, fixed-slot and
 * precedence rules hold, the numbers of breaks of any two participants
 * differ by at most d, and the total number of breaks is as small as
 * possible.  This is the published B2B meeting-scheduling problem (JAIR 74,
 * 2022); fixtures/b2b/README.md describes it and its .dzn files.
 *
 * Everything here is numbered from 0: participants, meetings and slots.
 * The .dzn reader and the printers convert from and to the files' 1-based
 * numbers.  The solver and the validator do no I/O.
 */
#ifndef FM_FIXED_H
#define FM_FIXED_H

#include <stddef.h>
#include <stdint.h>

/* Slots a meeting may take, by its session restriction. */
enum fixed_session {
	FIXED_EITHER = 0,	/* any slot */
	FIXED_AM,		/* slots 0 .. nmorning-1 */
	FIXED_PM,		/* slots nmorning .. nslots-1 */
};

struct fixed_meeting {
	int	 a;		/* first participant */
	int	 b;		/* second participant, never a */
	int	 session;	/* enum fixed_session */
	int	 fixed;		/* the slot it must take, or -1 if free */
	int	*before;	/* meetings that must take a strictly earlier slot; owned */
	int	 nbefore;	/* entries in before */
};

struct fixed_model {
	int			 nparticipants;	/* participants 0 .. nparticipants-1 */
	int			 nmeetings;	/* entries in meetings */
	int			 nslots;	/* slots 0 .. nslots-1 */
	int			 nmorning;	/* slots 0 .. nmorning-1 are the morning */
	int			 ntables;	/* at most this many meetings in one slot */
	struct fixed_meeting	*meetings;	/* owned */
	unsigned char		*forbidden;	/* [p * nslots + t] = 1: p cannot meet in t; owned */
};

/* An empty model of the given size (no meetings, nothing forbidden); caller frees. */
struct fixed_model *fixed_model_new(int nparticipants, int nslots, int nmorning,
    int ntables);
/* Appends a free meeting between a and b; returns its index. */
int fixed_model_add(struct fixed_model *m, int a, int b, int session);
/* Adds "meeting first comes strictly before meeting then". */
void fixed_model_precede(struct fixed_model *m, int first, int then);
void fixed_model_free(struct fixed_model *m);
/* Whether meeting i may take slot t by its session and both participants' forbidden slots. */
int fixed_allowed(const struct fixed_model *m, int i, int t);

/*
 * Reads a MiniZinc .dzn instance (format in fixtures/b2b/README.md).
 * Strict: an unknown or repeated key, a missing key, a file cut short,
 * counts that disagree, a meeting with an unknown participant, or a
 * participant with more meetings than there are slots is refused with a
 * message naming the line.  0 and *out (caller frees with
 * fixed_model_free), or -1 and *cause (caller frees).
 */
int fixed_dzn_read(const char *path, struct fixed_model **out, char **cause);
/* The same over text in memory; name is used in messages. */
int fixed_dzn_parse(const char *text, size_t len, const char *name,
    struct fixed_model **out, char **cause);

/* The independent validator's findings for one schedule. */
struct fixed_report {
	char	**violations;	/* messages, Chinese / English; owned */
	int	  nviolations;	/* entries in violations */
	int	  breaks;	/* total breaks over all participants */
	int	  max_breaks;	/* most breaks of one participant */
	int	  min_breaks;	/* fewest breaks of one participant */
	int	 *participant_breaks;	/* per participant; owned */
};

/*
 * Checks slot[i] (slot of meeting i, -1 = unscheduled) against every hard
 * rule and the fairness bound d, and recomputes the breaks.  Shares no code
 * with the solver.  Returns the number of violations (0 = valid); the
 * report is filled either way and freed with fixed_report_free.
 */
int fixed_check(const struct fixed_model *m, const int *slot, int d,
    struct fixed_report *rep);
void fixed_report_free(struct fixed_report *rep);

enum fixed_status {
	FIXED_UNKNOWN = 0,	/* nothing feasible found in time */
	FIXED_FEASIBLE,		/* a valid schedule, not proven best */
	FIXED_OPTIMAL,		/* a valid schedule whose breaks equal the proven bound */
	FIXED_INFEASIBLE,	/* proven that no valid schedule exists */
};
/* "optimal", "feasible", "infeasible" or "unknown". */
const char *fixed_status_name(enum fixed_status s);

/* Called now and then while solving; must not call back into the solver. */
typedef void (*fixed_progress_fn)(double seconds, long iterations, int best_breaks,
    void *arg);

struct fixed_opts {
	int			 fairness;	/* d: breaks of two participants differ by at most d */
	double			 time_limit;	/* seconds; <= 0 means no limit */
	long			 max_iterations;	/* local-search steps; <= 0 means no limit */
	int			 exact;		/* 1: the SAT search with proofs; 0: annealing alone */
	int			 threads;	/* 1: one after the other; 2: side by side */
	long			 conflicts;	/* per SAT call; <= 0 means no limit */
	uint64_t		 seed;		/* same seed and limits, same run */
	fixed_progress_fn	 progress;	/* or NULL */
	void			*progress_arg;	/* passed to progress */
};
/*
 * Defaults: d = 2, 10 s, no iteration or conflict limit, exact, 2 threads,
 * seed 1, no progress.
 */
void fixed_opts_init(struct fixed_opts *o);

struct fixed_result {
	enum fixed_status	 status;
	int			*slot;		/* slot of each meeting; owned, NULL unless feasible or optimal */
	int			 breaks;	/* total breaks of slot, if any */
	int			 bound;		/* proven lower bound on the breaks */
	long			 iterations;	/* local-search steps taken */
	int			 lower;		/* the bound before searching (fixed_bound.c) */
	double			 seconds;	/* time spent */
	char			*reason;	/* why infeasible, Chinese / English; owned, or NULL */
};

/*
 * Solves m: the cheap bounds and infeasibility proofs first, then a short
 * annealing run and the incremental SAT search (docs/scheduling.md), on
 * two threads sharing the best schedule and the bound unless threads is 1.
 * Stops when they meet, at the time limit, or when a SAT call runs out of
 * conflicts; the answer is the best schedule with the best proven bound.
 * With one thread, a conflict and an iteration limit, the same run every
 * time.  Supports at most 64 slots (-1 and *cause otherwise).  Fills *res
 * (free with fixed_result_free) and returns 0.
 */
int fixed_solve(const struct fixed_model *m, const struct fixed_opts *o,
    struct fixed_result *res, char **cause);
void fixed_result_free(struct fixed_result *res);

#endif
