/*
 * fixed_model.c — building and freeing a scheduling model.
 */
#include <stdlib.h>

#include "fixed.h"
#include "util.h"

struct fixed_model *
fixed_model_new(int nparticipants, int nslots, int nmorning, int ntables)
{
	struct fixed_model *m = xcalloc(1, sizeof *m);

	m->nparticipants = nparticipants;
	m->nslots = nslots;
	m->nmorning = nmorning;
	m->ntables = ntables;
	m->forbidden = xcalloc((size_t)nparticipants * (size_t)nslots + 1, 1);
	return m;
}

/* Appends a free meeting; the array grows by doubling. */
int
fixed_model_add(struct fixed_model *m, int a, int b, int session)
{
	struct fixed_meeting *mt;

	if ((m->nmeetings & (m->nmeetings - 1)) == 0)
		m->meetings = xreallocarray(m->meetings, m->nmeetings == 0 ? 1 :
		    2 * (size_t)m->nmeetings, sizeof *m->meetings);
	mt = &m->meetings[m->nmeetings];
	mt->a = a;
	mt->b = b;
	mt->session = session;
	mt->fixed = -1;
	mt->before = NULL;
	mt->nbefore = 0;
	return m->nmeetings++;
}

/* Records that first must come strictly before then. */
void
fixed_model_precede(struct fixed_model *m, int first, int then)
{
	struct fixed_meeting *mt = &m->meetings[then];

	mt->before = xreallocarray(mt->before, (size_t)mt->nbefore + 1, sizeof *mt->before);
	mt->before[mt->nbefore++] = first;
}

/* Frees the model and everything it owns. */
void
fixed_model_free(struct fixed_model *m)
{
	if (m == NULL)
		return;
	for (int i = 0; i < m->nmeetings; i++)
		free(m->meetings[i].before);
	free(m->meetings);
	free(m->forbidden);
	free(m);
}

/* Session and forbidden slots only; fixed slots are the caller's concern. */
int
fixed_allowed(const struct fixed_model *m, int i, int t)
{
	const struct fixed_meeting *mt = &m->meetings[i];

	if (t < 0 || t >= m->nslots)
		return 0;
	if (mt->session == FIXED_AM && t >= m->nmorning)
		return 0;
	if (mt->session == FIXED_PM && t < m->nmorning)
		return 0;
	return !m->forbidden[mt->a * m->nslots + t] && !m->forbidden[mt->b * m->nslots + t];
}

static const char *status_names[] = {
	[FIXED_UNKNOWN] = "unknown",
	[FIXED_FEASIBLE] = "feasible",
	[FIXED_OPTIMAL] = "optimal",
	[FIXED_INFEASIBLE] = "infeasible",
};

/* The status as printed in JSON. */
const char *
fixed_status_name(enum fixed_status s)
{
	if ((size_t)s >= nitems(status_names))
		return "unknown";
	return status_names[s];
}
