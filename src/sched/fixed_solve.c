/*
 * fixed_solve.c — the fixed-mode solver's entry: the cheap bounds and
 * infeasibility proofs of fixed_bound.c, then a portfolio.  One core runs
 * the SAT search at once; the other anneals briefly (a good schedule in
 * hand early, for an answer at any time) and then runs the SAT search with
 * the other setting (initial phase 1, CaDiCaL's options for satisfiable
 * formulas), since the settings are fast on different instances.  They share the best schedule and the bound, and stop as soon
 * as these meet.
 */
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "fixed_int.h"
#include "util.h"

#define WARMUP_SECONDS	1.0	/* annealing before the second SAT search, at most */
#define WARMUP_SHARE	0.1	/* and at most this share of the time limit */

/* What a core needs. */
struct core {
	const struct fixed_model	*m;
	const struct fixed_opts		*o;
	const struct fixed_bounds	*fb;
	struct fixed_share		*sh;
	int				 setting;	/* CaDiCaL's options for this core (fixed_sat.c) */
};

void
fixed_opts_init(struct fixed_opts *o)
{
	memset(o, 0, sizeof *o);
	o->fairness = 2;
	o->time_limit = 10;
	o->seed = 1;
	o->exact = 1;
	o->threads = 2;
}

/* Annealing for a short while, then the SAT search. */
static void *
anneal_then_sat(void *arg)
{
	struct core *c = arg;
	double warmup = WARMUP_SECONDS;

	if (c->o->time_limit > 0 && c->o->time_limit * WARMUP_SHARE < warmup)
		warmup = c->o->time_limit * WARMUP_SHARE;
	fixed_anneal(c->m, c->o, warmup, c->sh);
	fixed_sat(c->m, c->fb, c->setting, c->sh);
	return NULL;
}

/* The SAT search alone. */
static void *
sat_only(void *arg)
{
	struct core *c = arg;

	fixed_sat(c->m, c->fb, c->setting, c->sh);
	return NULL;
}

/* Runs the portfolio on sh: one core or two. */
static void
portfolio(const struct fixed_model *m, const struct fixed_opts *o,
    const struct fixed_bounds *fb, struct fixed_share *sh)
{
	struct core first = { m, o, fb, sh, 0 }, second = { m, o, fb, sh, 1 };
	pthread_t tid;

	if (!o->exact) {
		fixed_anneal(m, o, o->time_limit, sh);
		return;
	}
	if (o->threads <= 1 || pthread_create(&tid, NULL, anneal_then_sat, &second) != 0) {
		first.setting = 0;
		anneal_then_sat(&first);
		return;
	}
	sat_only(&first);
	pthread_join(tid, NULL);
}

int
fixed_solve(const struct fixed_model *m, const struct fixed_opts *o,
    struct fixed_result *res, char **cause)
{
	double start = fixed_now();
	struct fixed_bounds fb;
	struct fixed_share sh;
	char *why;

	memset(res, 0, sizeof *res);
	if (m->nslots > FIXED_MAX_SLOTS) {
		*cause = xasprintf("%d 个时段超出求解器上限 %d / %d slots exceed the solver's"
		    " limit of %d", m->nslots, FIXED_MAX_SLOTS, m->nslots, FIXED_MAX_SLOTS);
		return -1;
	}
	why = fixed_bounds(m, o->fairness, &fb);
	res->lower = res->bound = fb.total;
	if (why != NULL) {
		res->status = FIXED_INFEASIBLE;
		res->reason = why;
		fixed_bounds_free(&fb);
		res->seconds = fixed_now() - start;
		return 0;
	}
	fixed_share_init(&sh, m, o->fairness);
	atomic_store(&sh.lb, fb.total);
	sh.deadline = o->time_limit > 0 ? start + o->time_limit : 0;
	sh.conflicts = o->conflicts;
	portfolio(m, o, &fb, &sh);
	res->iterations = sh.iterations;
	res->bound = atomic_load(&sh.lb);
	if (sh.infeasible) {
		res->status = FIXED_INFEASIBLE;
		res->reason = sh.reason;
		sh.reason = NULL;
	} else if (sh.best != NULL) {
		res->slot = sh.best;
		sh.best = NULL;
		res->breaks = atomic_load(&sh.ub);
		if (res->bound >= res->breaks) {
			res->bound = res->breaks;
			res->status = FIXED_OPTIMAL;
		} else
			res->status = FIXED_FEASIBLE;
	} else
		res->status = FIXED_UNKNOWN;
	fixed_share_free(&sh);
	fixed_bounds_free(&fb);
	res->seconds = fixed_now() - start;
	return 0;
}

/* Frees what the result owns. */
void
fixed_result_free(struct fixed_result *res)
{
	free(res->slot);
	free(res->reason);
	memset(res, 0, sizeof *res);
}
