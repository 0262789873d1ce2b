/*
 * sel_solve.c — the selection-mode benchmark driver: generates a fair
 * deterministically (by default 2,000 buyers × 2,000 suppliers, 16 slots
 * over two days, 300 tables, 50,000 scored candidate pairs, each person
 * away in 10% of the slots), solves it within the time limit, passes the
 * schedule through the independent validator and prints one JSON line:
 * value beside the b-matching bound, meetings, gaps, improvement moves
 * (the unit in which tests/unit/test_sched_sel.c budgets a search),
 * seconds, validity.
 *
 * With CHANGES > 0 it then plays a fair day: CHANGES late changes in
 * turn, a no-show (a participant away from then on) and a late accepted
 * request (a new pair worth 1,000), each followed by a re-solve of the
 * schedule so far within RESOLVE seconds; one JSON line per re-solve
 * (seconds, meetings moved and dropped, ratio to the bound) and a last
 * one with the worst of them.
 *
 * usage: sched_sel [SECONDS [SEED [BUYERS SUPPLIERS SLOTS TABLES CANDIDATES AWAY%
 *                  [CHANGES [RESOLVE]]]]]
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sel.h"
#include "util.h"

/* splitmix64: the generator's own, so that data never depends on the solver's. */
static uint64_t
mix(uint64_t *s)
{
	uint64_t z = (*s += 0x9E3779B97F4A7C15ULL);

	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
	return z ^ (z >> 31);
}

/* Builds the fair described by the arguments. */
static struct sel_model *
generate(int nb, int ns, int nslots, int ntables, int ncands, int away, uint64_t seed)
{
	struct sel_model *m = sel_model_new(nb, ns, nslots, ntables);
	unsigned char *seen = xcalloc((size_t)nb * ns, 1);

	for (int t = 0; t < nslots; t++)
		m->slot_day[t] = t / ((nslots + 1) / 2);
	for (size_t k = 0; k < (size_t)nb * nslots; k++)
		m->bunavail[k] = (int)(mix(&seed) % 100) < away;
	for (size_t k = 0; k < (size_t)ns * nslots; k++)
		m->sunavail[k] = (int)(mix(&seed) % 100) < away;
	while (m->ncands < ncands) {
		int b = (int)(mix(&seed) % (uint64_t)nb), s = (int)(mix(&seed) % (uint64_t)ns);
		double u = (double)(mix(&seed) >> 11) / 9007199254740992.0;

		if (seen[(size_t)b * ns + s])
			continue;
		seen[(size_t)b * ns + s] = 1;
		/* Matcher scores: many middling, few excellent. */
		sel_model_add(m, b, s, 1 + 99 * u * u);
	}
	free(seen);
	return m;
}

/* Takes res's places as the previous schedule of every candidate. */
static void
carry(struct sel_model *m, const struct sel_result *res)
{
	for (int i = 0; i < m->ncands; i++) {
		m->cands[i].prev_slot = res->slot[i];
		m->cands[i].prev_table = res->table[i];
	}
}

/*
 * The fair day: change k is a no-show when k is odd (a buyer or supplier
 * away from the middle of the fair on), else a late accepted request.
 * Prints a line per re-solve and the worst figures; 0, or 1 if a schedule
 * was invalid.
 */
static int
late_changes(struct sel_model *m, struct sel_result *res, int changes, double resolve,
    uint64_t seed)
{
	double worst_ratio = 1, worst_seconds = 0;
	int invalid = 0, most_moved = 0;

	for (int k = 1; k <= changes; k++) {
		struct sel_opts o;
		struct sel_report rep;
		char *cause = NULL;
		const char *what;

		carry(m, res);
		sel_result_free(res);
		if (k % 2 == 1) {
			int b = (int)(mix(&seed) % (uint64_t)m->nbuyers);

			for (int t = m->nslots / 2; t < m->nslots; t++)
				m->bunavail[(size_t)b * m->nslots + t] = 1;
			what = "no-show";
		} else {
			int b, s, dup;

			do {
				b = (int)(mix(&seed) % (uint64_t)m->nbuyers);
				s = (int)(mix(&seed) % (uint64_t)m->nsuppliers);
				dup = 0;
				for (int i = 0; i < m->ncands && !dup; i++)
					dup = m->cands[i].buyer == b && m->cands[i].supplier == s;
			} while (dup);
			sel_model_add(m, b, s, 1000);
			what = "late-request";
		}
		sel_opts_init(&o);
		o.time_limit = resolve;
		o.seed = seed;
		if (sel_solve(m, &o, res, &cause) != 0) {
			fprintf(stderr, "sched_sel: %s\n", cause);
			return 1;
		}
		sel_check(m, res->slot, res->table, &rep);
		invalid |= rep.nviolations > 0;
		if (res->bound > 0 && res->value / res->bound < worst_ratio)
			worst_ratio = res->value / res->bound;
		if (res->seconds > worst_seconds)
			worst_seconds = res->seconds;
		if (res->moved > most_moved)
			most_moved = res->moved;
		printf("{\"bench\":\"sched_sel_resolve\",\"change\":%d,\"what\":\"%s\","
		    "\"value\":%.2f,\"bound\":%.2f,\"ratio\":%.5f,\"meetings\":%d,\"moved\":%d,"
		    "\"dropped\":%d,\"seconds\":%.3f,\"valid\":%s}\n", k, what, res->value,
		    res->bound, res->bound > 0 ? res->value / res->bound : 1, res->meetings,
		    res->moved, res->dropped, res->seconds, rep.nviolations == 0 ? "true" : "false");
		sel_report_free(&rep);
	}
	printf("{\"bench\":\"sched_sel_late\",\"changes\":%d,\"worst_ratio\":%.5f,"
	    "\"worst_seconds\":%.3f,\"most_moved\":%d,\"valid\":%s}\n", changes, worst_ratio,
	    worst_seconds, most_moved, invalid ? "false" : "true");
	return invalid;
}

int
main(int argc, char **argv)
{
	double limit = argc > 1 ? atof(argv[1]) : 10;
	uint64_t seed = argc > 2 ? strtoull(argv[2], NULL, 10) : 1;
	int nb = 2000, ns = 2000, nslots = 16, ntables = 300, ncands = 50000, away = 10;
	struct sel_model *m;
	struct sel_opts o;
	struct sel_result res;
	struct sel_report rep;
	char *cause = NULL;
	int changes = argc > 9 ? atoi(argv[9]) : 0, rc = 0;
	double resolve = argc > 10 ? atof(argv[10]) : 1.5;

	if (argc > 8) {
		nb = atoi(argv[3]);
		ns = atoi(argv[4]);
		nslots = atoi(argv[5]);
		ntables = atoi(argv[6]);
		ncands = atoi(argv[7]);
		away = atoi(argv[8]);
	}
	m = generate(nb, ns, nslots, ntables, ncands, away, seed);
	sel_opts_init(&o);
	o.time_limit = limit;
	o.seed = seed;
	if (sel_solve(m, &o, &res, &cause) != 0) {
		fprintf(stderr, "sched_sel: %s\n", cause);
		return 1;
	}
	sel_check(m, res.slot, res.table, &rep);
	if (rep.nviolations > 0)
		fprintf(stderr, "sched_sel: invalid: %s\n", rep.violations[0]);
	printf("{\"bench\":\"sched_sel\",\"buyers\":%d,\"suppliers\":%d,\"slots\":%d,"
	    "\"tables\":%d,\"candidates\":%d,\"away_pct\":%d,\"seed\":%llu,"
	    "\"value\":%.2f,\"bound\":%.2f,\"ratio\":%.5f,\"meetings\":%d,\"gaps\":%d,"
	    "\"exact\":%s,\"iterations\":%ld,\"seconds\":%.2f,\"valid\":%s,"
	    "\"recomputed_value\":%.2f}\n",
	    nb, ns, nslots, ntables, ncands, away, (unsigned long long)seed, res.value,
	    res.bound, res.bound > 0 ? res.value / res.bound : 1, res.meetings, rep.gaps,
	    res.exact ? "true" : "false", res.iterations, res.seconds,
	    rep.nviolations == 0 ? "true" : "false", rep.value);
	sel_report_free(&rep);
	if (changes > 0)
		rc = late_changes(m, &res, changes, resolve, seed);
	sel_result_free(&res);
	sel_model_free(m);
	return rc;
}
