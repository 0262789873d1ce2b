/*
 * fixed_share.c — the record the portfolio's solvers share: the best valid
 * schedule found by any of them and the best lower bound proven by any of
 * them.  When the two meet, or infeasibility is proven, stop is raised and
 * every solver returns at its next look.
 */
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "fixed_int.h"
#include "util.h"

void
fixed_share_init(struct fixed_share *sh, const struct fixed_model *m, int d)
{
	memset(sh, 0, sizeof *sh);
	if (pthread_mutex_init(&sh->lock, NULL) != 0)
		fatal("%s: pthread_mutex_init failed", __func__);
	sh->m = m;
	sh->d = d;
	atomic_init(&sh->lb, 0);
	atomic_init(&sh->ub, INT_MAX);
	atomic_init(&sh->stop, 0);
}

void
fixed_share_free(struct fixed_share *sh)
{
	pthread_mutex_destroy(&sh->lock);
	free(sh->best);
	free(sh->reason);
	sh->best = NULL;
	sh->reason = NULL;
}

/* Raises stop when the best schedule is proven optimal.  Caller holds the lock. */
static void
check_met(struct fixed_share *sh)
{
	if (atomic_load(&sh->lb) >= atomic_load(&sh->ub))
		atomic_store(&sh->stop, 1);
}

void
fixed_share_offer(struct fixed_share *sh, const int *slot, int breaks)
{
	pthread_mutex_lock(&sh->lock);
	if (breaks < atomic_load(&sh->ub)) {
		if (sh->best == NULL)
			sh->best = xcalloc((size_t)sh->m->nmeetings + 1, sizeof *sh->best);
		memcpy(sh->best, slot, (size_t)sh->m->nmeetings * sizeof *slot);
		atomic_store(&sh->ub, breaks);
		check_met(sh);
	}
	pthread_mutex_unlock(&sh->lock);
}

void
fixed_share_raise(struct fixed_share *sh, int lb)
{
	pthread_mutex_lock(&sh->lock);
	if (lb > atomic_load(&sh->lb)) {
		atomic_store(&sh->lb, lb);
		check_met(sh);
	}
	pthread_mutex_unlock(&sh->lock);
}

void
fixed_share_infeasible(struct fixed_share *sh, char *reason)
{
	pthread_mutex_lock(&sh->lock);
	if (!sh->infeasible) {
		sh->infeasible = 1;
		sh->reason = reason;
		reason = NULL;
	}
	atomic_store(&sh->stop, 1);
	pthread_mutex_unlock(&sh->lock);
	free(reason);
}

int
fixed_share_over(struct fixed_share *sh)
{
	if (atomic_load(&sh->stop))
		return 1;
	if (sh->deadline > 0 && fixed_now() >= sh->deadline) {
		atomic_store(&sh->stop, 1);
		return 1;
	}
	return 0;
}
