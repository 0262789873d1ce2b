/*
 * fuzz_dzn.c — the strict .dzn reader (B2B meeting-scheduling instances)
 * on any text.  A model it accepts then goes through the independent
 * validator with a naive schedule, and, when small, through a short
 * deterministic solve whose schedule the validator must accept: the
 * reader must never hand out a model the rest of scheduling cannot hold.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzzutil.h"
#include "fixed.h"
#include "util.h"

/* Models up to this size are solved too (a few milliseconds each). */
#define SOLVE_MAX_MEETINGS	64
#define SOLVE_MAX_SLOTS		16
#define SOLVE_ITERATIONS	500

static void
check_model(const struct fixed_model *m)
{
	struct fixed_report rep;
	int *slot;

	if (m->nparticipants < 0 || m->nmeetings < 0 || m->nslots < 0 || m->nmorning < 0 ||
	    m->nmorning > m->nslots || m->ntables < 0)
		fuzz_fail("a model of %d participants, %d meetings, %d slots (%d morning),"
		    " %d tables", m->nparticipants, m->nmeetings, m->nslots, m->nmorning,
		    m->ntables);
	for (int i = 0; i < m->nmeetings; i++) {
		const struct fixed_meeting *mt = &m->meetings[i];

		if (mt->a < 0 || mt->a >= m->nparticipants || mt->b < 0 ||
		    mt->b >= m->nparticipants || mt->a == mt->b)
			fuzz_fail("meeting %d between %d and %d", i, mt->a, mt->b);
		if (mt->fixed < -1 || mt->fixed >= m->nslots)
			fuzz_fail("meeting %d fixed to slot %d of %d", i, mt->fixed, m->nslots);
		for (int k = 0; k < mt->nbefore; k++)
			if (mt->before[k] < 0 || mt->before[k] >= m->nmeetings)
				fuzz_fail("meeting %d after meeting %d", i, mt->before[k]);
	}
	slot = xcalloc(m->nmeetings > 0 ? (size_t)m->nmeetings : 1, sizeof *slot);
	for (int i = 0; i < m->nmeetings; i++)
		slot[i] = m->meetings[i].fixed >= 0 ? m->meetings[i].fixed :
		    m->nslots > 0 ? i % m->nslots : -1;
	fixed_check(m, slot, 2, &rep);
	fixed_report_free(&rep);
	free(slot);
}

static void
check_solve(const struct fixed_model *m)
{
	struct fixed_result res;
	struct fixed_report rep;
	struct fixed_opts o;
	char *cause = NULL;

	fixed_opts_init(&o);
	o.time_limit = 0;
	o.max_iterations = SOLVE_ITERATIONS;
	if (fixed_solve(m, &o, &res, &cause) != 0) {
		free(cause);
		return;
	}
	if (res.status == FIXED_FEASIBLE || res.status == FIXED_OPTIMAL) {
		if (res.slot == NULL)
			fuzz_fail("status %s without a schedule", fixed_status_name(res.status));
		if (fixed_check(m, res.slot, o.fairness, &rep) != 0)
			fuzz_fail("the solver's %s schedule breaks a rule: %s",
			    fixed_status_name(res.status), rep.violations[0]);
		if (rep.breaks != res.breaks)
			fuzz_fail("the solver counts %d breaks, the validator %d", res.breaks,
			    rep.breaks);
		fixed_report_free(&rep);
	}
	fixed_result_free(&res);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fixed_model *m = NULL;
	char *cause = NULL;

	if (fixed_dzn_parse((const char *)data, size, "fuzz.dzn", &m, &cause) != 0) {
		if (cause == NULL || !utf8_valid(cause, strlen(cause)))
			fuzz_fail("a refusal without a valid message");
		free(cause);
		return 0;
	}
	if (m == NULL)
		fuzz_fail("accepted, but no model");
	check_model(m);
	if (m->nmeetings <= SOLVE_MAX_MEETINGS && m->nslots <= SOLVE_MAX_SLOTS)
		check_solve(m);
	fixed_model_free(m);
	return 0;
}
