/*
 * test_sched.c — fixed-mode scheduling: the validator catches a hand-made
 * violation of each rule and counts breaks right; the exact solver proves
 * the optimum that brute force finds on small random instances (sessions,
 * forbidden and fixed slots, precedences, fairness where nobody is forced
 * to 0 breaks), keeps fixed meetings, proves infeasibility; the .dzn reader
 * refuses bad files with a message naming what is wrong; published
 * instances (fixtures/b2b) are solved, proven optimal within a conflict
 * budget, and proven infeasible.  Nothing here depends on the clock: the
 * SAT calls end by a conflict budget and annealing by an iteration budget.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fixed.h"
#include "util.h"

/* Fails the test unless some violation in rep contains text. */
static void
assert_violation(const struct fixed_report *rep, const char *text)
{
	for (int i = 0; i < rep->nviolations; i++)
		if (strstr(rep->violations[i], text) != NULL)
			return;
	for (int i = 0; i < rep->nviolations; i++)
		print_message("violation: %s\n", rep->violations[i]);
	fail_msg("no violation mentions “%s”", text);
}

/*
 * Four participants, four slots (two in the morning), two tables:
 * 0: 1–2 morning only, 1: 1–3, 2: 2–4 afternoon only, 3: 3–4.
 */
static struct fixed_model *
small_model(void)
{
	struct fixed_model *m = fixed_model_new(4, 4, 2, 2);

	fixed_model_add(m, 0, 1, FIXED_AM);
	fixed_model_add(m, 0, 2, FIXED_EITHER);
	fixed_model_add(m, 1, 3, FIXED_PM);
	fixed_model_add(m, 2, 3, FIXED_EITHER);
	return m;
}

/* The base schedule is valid; each change breaks exactly the rule it targets. */
static void
test_check_rules(void **state)
{
	struct fixed_model *m = small_model();
	int good[4] = { 0, 1, 2, 3 }, s[4];
	struct fixed_report rep;

	assert_int_equal(fixed_check(m, good, 2, &rep), 0);
	fixed_report_free(&rep);

	/* Participant 1 twice in slot 1. */
	memcpy(s, good, sizeof s);
	s[1] = 0;
	assert_int_equal(fixed_check(m, s, 2, &rep), 1);
	assert_violation(&rep, "participant 1 has 2 meetings in slot 1");
	fixed_report_free(&rep);

	/* Three meetings in slot 3 with two tables (and the clashes that brings). */
	{
		struct fixed_model *w = fixed_model_new(6, 4, 4, 2);
		int t[3] = { 2, 2, 2 };

		fixed_model_add(w, 0, 1, FIXED_EITHER);
		fixed_model_add(w, 2, 3, FIXED_EITHER);
		fixed_model_add(w, 4, 5, FIXED_EITHER);
		assert_int_equal(fixed_check(w, t, 2, &rep), 1);
		assert_violation(&rep, "slot 3 holds 3 meetings but there are 2 tables");
		fixed_report_free(&rep);
		fixed_model_free(w);
	}

	/* Morning-only in the afternoon, afternoon-only in the morning. */
	memcpy(s, good, sizeof s);
	s[0] = 3;
	s[3] = 0;
	assert_int_equal(fixed_check(m, s, 2, &rep), 1);
	assert_violation(&rep, "meeting 1 is morning-only but in slot 4");
	fixed_report_free(&rep);
	memcpy(s, good, sizeof s);
	s[2] = 0;
	s[0] = 1;
	s[1] = 3;
	s[3] = 2;
	assert_int_equal(fixed_check(m, s, 2, &rep), 1);
	assert_violation(&rep, "meeting 3 is afternoon-only but in slot 1");
	fixed_report_free(&rep);

	/* A forbidden slot. */
	m->forbidden[3 * m->nslots + 3] = 1;
	assert_int_equal(fixed_check(m, good, 2, &rep), 1);
	assert_violation(&rep, "meeting 4 is in slot 4, forbidden for participant 4");
	fixed_report_free(&rep);
	m->forbidden[3 * m->nslots + 3] = 0;

	/* A fixed slot. */
	m->meetings[1].fixed = 0;
	assert_int_equal(fixed_check(m, good, 2, &rep), 1);
	assert_violation(&rep, "meeting 2 is fixed to slot 1 but in slot 2");
	fixed_report_free(&rep);
	m->meetings[1].fixed = -1;

	/* A precedence: meeting 4 must come before meeting 1. */
	fixed_model_precede(m, 3, 0);
	assert_int_equal(fixed_check(m, good, 2, &rep), 1);
	assert_violation(&rep, "meeting 4 (slot 4) must come before meeting 1 (slot 1)");
	fixed_report_free(&rep);
	free(m->meetings[0].before);
	m->meetings[0].before = NULL;
	m->meetings[0].nbefore = 0;

	/* An unscheduled meeting. */
	memcpy(s, good, sizeof s);
	s[2] = -1;
	assert_int_equal(fixed_check(m, s, 2, &rep), 1);
	assert_violation(&rep, "meeting 3 is not scheduled");
	fixed_report_free(&rep);
	fixed_model_free(m);
}

/* Breaks: maximal idle runs strictly between the first and last meeting. */
static void
test_check_breaks(void **state)
{
	/* Participant 0 meets 1..5 in the slots given; the others have one meeting each. */
	static const struct {
		int	 n;
		int	 slots[5];
		int	 breaks;
	} cases[] = {
		{ 2, { 1, 2 }, 0 },
		{ 2, { 0, 3 }, 1 },		/* one run of two idle slots */
		{ 3, { 0, 2, 4 }, 2 },
		{ 3, { 5, 0, 1 }, 1 },		/* order of meetings does not matter */
		{ 4, { 0, 1, 2, 3 }, 0 },
		{ 3, { 0, 5, 6 }, 1 },
		{ 4, { 0, 2, 4, 6 }, 3 },
	};

	for (size_t c = 0; c < nitems(cases); c++) {
		struct fixed_model *m = fixed_model_new(6, 7, 7, 7);
		struct fixed_report rep;

		for (int i = 0; i < cases[c].n; i++)
			fixed_model_add(m, 0, i + 1, FIXED_EITHER);
		assert_int_equal(fixed_check(m, cases[c].slots, 100, &rep), 0);
		assert_int_equal(rep.breaks, cases[c].breaks);
		assert_int_equal(rep.participant_breaks[0], cases[c].breaks);
		assert_int_equal(rep.max_breaks, cases[c].breaks);
		assert_int_equal(rep.min_breaks, 0);
		fixed_report_free(&rep);
		/* With d one below the spread, the schedule is unfair. */
		if (cases[c].breaks > 0) {
			assert_int_equal(fixed_check(m, cases[c].slots, cases[c].breaks - 1,
			    &rep), 1);
			assert_violation(&rep, "unfair");
			fixed_report_free(&rep);
		}
		fixed_model_free(m);
	}
}

/* A small deterministic generator for test instances. */
static uint64_t
lcg(uint64_t *s)
{
	*s = *s * 6364136223846793005ULL + 1442695040888963407ULL;
	return *s >> 33;
}

/* Fewest breaks over every assignment that passes the validator; -1 if none. */
static int
brute_force(const struct fixed_model *m, int d)
{
	int *s = xcalloc((size_t)m->nmeetings, sizeof *s), best = -1;

	for (;;) {
		struct fixed_report rep;

		if (fixed_check(m, s, d, &rep) == 0 && (best < 0 || rep.breaks < best))
			best = rep.breaks;
		fixed_report_free(&rep);
		int k = 0;
		while (k < m->nmeetings && ++s[k] == m->nslots)
			s[k++] = 0;
		if (k == m->nmeetings)
			break;
	}
	free(s);
	return best;
}

/* Fails the test unless res's schedule passes the validator with the breaks it claims. */
static void
assert_valid(const struct fixed_model *m, const struct fixed_result *res, int d)
{
	struct fixed_report rep;

	assert_non_null(res->slot);
	if (fixed_check(m, res->slot, d, &rep) != 0)
		fail_msg("invalid schedule: %s", rep.violations[0]);
	assert_int_equal(rep.breaks, res->breaks);
	fixed_report_free(&rep);
}

/* Options for a run that does not depend on the clock. */
static void
test_opts(struct fixed_opts *o, int d)
{
	fixed_opts_init(o);
	o->fairness = d;
	o->threads = 1;
	o->time_limit = 0;
	o->max_iterations = 2000;
	o->conflicts = 200000;
}

/*
 * Solves m with fairness d on threads cores and checks the answer against
 * want (brute force's optimum, or -1 for none): proven optimal with a valid
 * schedule, or proven infeasible; the first bound never exceeds the optimum.
 */
static void
assert_solved_on(const struct fixed_model *m, int d, int want, const char *what, int round,
    int threads)
{
	struct fixed_opts o;
	struct fixed_result res;
	char *cause = NULL;

	test_opts(&o, d);
	o.threads = threads;
	assert_int_equal(fixed_solve(m, &o, &res, &cause), 0);
	if (want < 0) {
		if (res.status != FIXED_INFEASIBLE)
			fail_msg("%s %d: status %s, brute force finds no schedule", what, round,
			    fixed_status_name(res.status));
		assert_null(res.slot);
		assert_non_null(res.reason);
	} else {
		assert_valid(m, &res, d);
		if (res.status != FIXED_OPTIMAL || res.breaks != want || res.bound != want)
			fail_msg("%s %d: %s with %d breaks (bound %d), brute force %d", what,
			    round, fixed_status_name(res.status), res.breaks, res.bound, want);
		if (res.lower > want)
			fail_msg("%s %d: first bound %d above the optimum %d", what, round,
			    res.lower, want);
	}
	fixed_result_free(&res);
}

/*
 * The same on one core (annealing, then the SAT search) and on two (the
 * portfolio, its two settings racing): whichever core answers, the answer
 * is the same.
 */
static void
assert_solved(const struct fixed_model *m, int d, int want, const char *what, int round)
{
	assert_solved_on(m, d, want, what, round, 1);
	assert_solved_on(m, d, want, what, round, 2);
}

/* The exact solver matches brute force on small random instances. */
static void
test_solve_brute_force(void **state)
{
	uint64_t seed = 12345;
	int optimal = 0, positive = 0, infeasible = 0;

	for (int round = 0; round < 80; round++) {
		int np = 4 + (int)(lcg(&seed) % 3), nslots = 4 + (int)(lcg(&seed) % 2);
		int nm = 5 + (int)(lcg(&seed) % 3), d = (int)(lcg(&seed) % 3);
		struct fixed_model *m = fixed_model_new(np, nslots, 2 + (int)(lcg(&seed) % 2),
		    2 + (int)(lcg(&seed) % 2));
		int want;

		for (int i = 0; i < nm; i++) {
			int a = (int)(lcg(&seed) % (uint64_t)np), b;

			do
				b = (int)(lcg(&seed) % (uint64_t)np);
			while (b == a);
			fixed_model_add(m, a, b, lcg(&seed) % 5 == 0 ? FIXED_AM :
			    lcg(&seed) % 6 == 0 ? FIXED_PM : FIXED_EITHER);
		}
		for (int k = 0; k < 1 + round % 2; k++)
			m->forbidden[lcg(&seed) % (uint64_t)(np * nslots)] = 1;
		if (round % 5 == 0)
			m->meetings[0].fixed = (int)(lcg(&seed) % (uint64_t)nslots);
		if (round % 3 == 1)
			fixed_model_precede(m, 1, 2);
		if (round % 4 == 3) {
			fixed_model_precede(m, 3, 0);
			fixed_model_precede(m, 4, 3);
		}
		want = brute_force(m, d);
		assert_solved(m, d, want, "round", round);
		if (want < 0)
			infeasible++;
		else {
			optimal++;
			positive += want > 0;
		}
		fixed_model_free(m);
	}
	/* The generator must exercise all three outcomes to mean anything. */
	print_message("brute force: %d solved (%d with breaks > 0), %d infeasible\n",
	    optimal, positive, infeasible);
	assert_true(positive > 0);
	assert_true(infeasible > 0);
}

/*
 * Fairness in general form: every participant has at least two meetings,
 * so none is forced to 0 breaks, and on some instances the fairness bound
 * changes the optimum or makes the instance infeasible.
 */
static void
test_solve_fairness_general(void **state)
{
	uint64_t seed = 777;
	int binding = 0;

	for (int round = 0; round < 40; round++) {
		int np = 4, nslots = 6, d = (int)(lcg(&seed) % 2), free_opt, want;
		struct fixed_model *m = fixed_model_new(np, nslots, 3, 2);

		/* Each participant meets two or three others. */
		for (int a = 0; a < np; a++)
			for (int b = a + 1; b < np; b++)
				if ((b == a + 1 || (a == 0 && b == np - 1)) || lcg(&seed) % 3 == 0)
					fixed_model_add(m, a, b, lcg(&seed) % 4 == 0 ? FIXED_AM :
					    FIXED_EITHER);
		/* Forbidden slots in the middle of the day make breaks likely. */
		for (int p = 0; p < np; p++)
			m->forbidden[p * nslots + 1 + (int)(lcg(&seed) % 4)] = 1;
		if (round % 3 == 0)
			fixed_model_precede(m, 0, 1);
		want = brute_force(m, d);
		free_opt = brute_force(m, 100);
		binding += want != free_opt;
		assert_solved(m, d, want, "fairness round", round);
		fixed_model_free(m);
	}
	print_message("fairness: %d of 40 where d changes the answer\n", binding);
	assert_true(binding > 0);
}

/* Fixed meetings keep their slot; the same seed gives the same schedule. */
static void
test_solve_fixed(void **state)
{
	struct fixed_model *m = fixed_model_new(6, 6, 6, 3);
	struct fixed_opts o;
	struct fixed_result r1, r2;
	struct fixed_report rep;
	char *cause = NULL;

	for (int a = 0; a < 6; a++)
		for (int b = a + 1; b < 6; b += 2)
			fixed_model_add(m, a, b, FIXED_EITHER);
	m->meetings[0].fixed = 5;
	m->meetings[3].fixed = 0;
	test_opts(&o, 2);
	assert_int_equal(fixed_solve(m, &o, &r1, &cause), 0);
	assert_non_null(r1.slot);
	assert_int_equal(r1.slot[0], 5);
	assert_int_equal(r1.slot[3], 0);
	assert_int_equal(fixed_check(m, r1.slot, o.fairness, &rep), 0);
	fixed_report_free(&rep);
	assert_int_equal(fixed_solve(m, &o, &r2, &cause), 0);
	assert_memory_equal(r1.slot, r2.slot, (size_t)m->nmeetings * sizeof *r1.slot);
	fixed_result_free(&r1);
	fixed_result_free(&r2);
	fixed_model_free(m);
}

/* What can be proven infeasible is, with the reason. */
static void
test_solve_infeasible(void **state)
{
	struct fixed_model *m = fixed_model_new(4, 3, 3, 3);
	struct fixed_opts o;
	struct fixed_result res;
	char *cause = NULL;

	/* Participant 1 has three meetings, and slot 2 is forbidden to it. */
	fixed_model_add(m, 0, 1, FIXED_EITHER);
	fixed_model_add(m, 0, 2, FIXED_EITHER);
	fixed_model_add(m, 0, 3, FIXED_EITHER);
	m->forbidden[0 * 3 + 1] = 1;
	fixed_opts_init(&o);
	assert_int_equal(fixed_solve(m, &o, &res, &cause), 0);
	assert_int_equal(res.status, FIXED_INFEASIBLE);
	assert_null(res.slot);
	assert_non_null(strstr(res.reason, "participant 1"));
	assert_string_equal(fixed_status_name(res.status), "infeasible");
	fixed_result_free(&res);

	/* A precedence cycle. */
	m->forbidden[0 * 3 + 1] = 0;
	fixed_model_precede(m, 0, 1);
	fixed_model_precede(m, 1, 0);
	assert_int_equal(fixed_solve(m, &o, &res, &cause), 0);
	assert_int_equal(res.status, FIXED_INFEASIBLE);
	assert_non_null(strstr(res.reason, "cycle"));
	fixed_result_free(&res);
	fixed_model_free(m);
}

/* A small valid instance in the benchmark's format. */
static const char good_dzn[] =
    "nBusiness = 3;\n"
    "nMeetings = 2;\n"
    "nTables = 1;\n"
    "nTotalSlots = 2;\n"
    "nMorningSlots = 1;\n"
    "\n"
    "requested = [|1, 2,1, \n"
    "|2, 3,3, \n"
    "|];\n"
    "\n"
    "meetingsxBusiness = [{1,2},\n"
    "{1,2,3},\n"
    "{1,3}];\n"
    "\n"
    "nMeetingsBusiness = [1,2,1];\n"
    "\n"
    "forbidden = [{0},\n"
    "{0},\n"
    "{0,1}];\n"
    "\n"
    "fixed = [0,0];\n"
    "\n"
    "precedences = [{},\n"
    "{1}];\n";

/* good_dzn with one substring replaced; caller frees. */
static char *
edit(const char *from, const char *to)
{
	const char *at = strstr(good_dzn, from);

	if (at == NULL)
		fail_msg("“%s” not in good_dzn", from);
	return xasprintf("%.*s%s%s", (int)(at - good_dzn), good_dzn, to, at + strlen(from));
}

/* The reader fills the model from a good file, 0-based. */
static void
test_dzn_good(void **state)
{
	struct fixed_model *m;
	char *cause = NULL;

	if (fixed_dzn_parse(good_dzn, strlen(good_dzn), "good.dzn", &m, &cause) != 0)
		fail_msg("%s", cause);
	assert_int_equal(m->nparticipants, 3);
	assert_int_equal(m->nmeetings, 2);
	assert_int_equal(m->ntables, 1);
	assert_int_equal(m->nslots, 2);
	assert_int_equal(m->nmorning, 1);
	assert_int_equal(m->meetings[0].a, 0);
	assert_int_equal(m->meetings[0].b, 1);
	assert_int_equal(m->meetings[0].session, FIXED_AM);
	assert_int_equal(m->meetings[1].session, FIXED_EITHER);
	assert_int_equal(m->meetings[1].fixed, -1);
	assert_int_equal(m->meetings[1].nbefore, 1);
	assert_int_equal(m->meetings[1].before[0], 0);
	assert_int_equal(m->forbidden[2 * 2 + 0], 1);
	assert_int_equal(m->forbidden[2 * 2 + 1], 0);
	assert_int_equal(m->forbidden[0], 0);
	fixed_model_free(m);
}

/* Each bad file is refused with a message that says what and where. */
static void
test_dzn_bad(void **state)
{
	static const struct {
		const char	*from;
		const char	*to;
		const char	*message;
	} cases[] = {
		{ "|2, 3,3, ", "|2, 4,3, ", "meeting 2 has an unknown participant 4" },
		{ "|2, 3,3, ", "|2, 2,3, ", "meeting 2 has participant 2 on both sides" },
		{ "nTotalSlots = 2", "nTotalSlots = 1", "participant 2 has 2 meetings but there"
		    " are only 1 slots" },
		{ "nMorningSlots = 1;", "nMorningSlots = 1;\nnRooms = 4;", "unknown key “nRooms”" },
		{ "nMeetingsBusiness = [1,2,1]", "nMeetingsBusiness = [1,2]",
		  "“nMeetingsBusiness” has 2 entries but nBusiness = 3" },
		{ "nMeetingsBusiness = [1,2,1]", "nMeetingsBusiness = [1,3,1]",
		  "participant 2 is given 3 meetings but has 2 in requested" },
		{ "{1,2,3},", "{1,2},", "participant 2 must list 1 and its 2 meetings" },
		{ "fixed = [0,0]", "fixed = [0,3]", "meeting 2: fixed slot 3 is outside 0..2" },
		{ "{0,1}", "{0,5}", "participant 3: slot 5 is outside 1..2" },
		{ "|2, 3,3, ", "|2, 3,4, ", "the session must be 1 (morning)" },
		{ "|2, 3,3, ", "|2, 3, ", "meeting 2 needs 3 numbers" },
		{ "{1}];", "{2}];", "preceding meeting 2 is not another meeting" },
		{ "nTables = 1;\n", "", "“nTables” is missing" },
		{ "nTables = 1;", "nTables = 1;\nnTables = 2;", "defined twice" },
		{ "fixed = [0,0]", "fixed = {0}", "in “fixed”, expected “[”" },
		{ "nTables = 1", "nTables = [1]", "“nTables” must be an integer" },
		{ "nTables = 1", "nTables = 0", "“nTables” = 0 is outside 1..100000" },
		{ "nBusiness = 3", "nBusiness = 3.5", "unexpected character “.”" },
	};

	for (size_t c = 0; c < nitems(cases); c++) {
		char *text = edit(cases[c].from, cases[c].to), *cause = NULL;
		struct fixed_model *m = NULL;

		if (fixed_dzn_parse(text, strlen(text), "good.dzn", &m, &cause) == 0)
			fail_msg("case %zu accepted", c);
		assert_null(m);
		if (strstr(cause, cases[c].message) == NULL)
			fail_msg("case %zu: “%s” lacks “%s”", c, cause, cases[c].message);
		/* Messages name the line, bar the one about a key that is missing. */
		if (c == 0)
			assert_non_null(strstr(cause, "good.dzn:8: "));
		if (c == 3)
			assert_non_null(strstr(cause, "good.dzn:6: "));
		free(cause);
		free(text);
	}
}

/* A file cut short anywhere is refused as such, never read in part. */
static void
test_dzn_cut_short(void **state)
{
	size_t len = strlen(good_dzn);

	for (size_t cut = 1; cut < len - 2; cut++) {
		struct fixed_model *m = NULL;
		char *cause = NULL;

		/* Cutting only the final ";\n" or whitespace must still be caught or harmless. */
		if (fixed_dzn_parse(good_dzn, cut, "cut.dzn", &m, &cause) == 0)
			fail_msg("cut at %zu accepted", cut);
		assert_non_null(cause);
		free(cause);
	}
	{
		struct fixed_model *m = NULL;
		char *cause = NULL;
		const char *at = strstr(good_dzn, "{1,2,3},");

		assert_int_equal(fixed_dzn_parse(good_dzn, (size_t)(at - good_dzn) + 4,
		    "cut.dzn", &m, &cause), -1);
		assert_non_null(strstr(cause, "cut.dzn:12: "));
		assert_non_null(strstr(cause, "the file ends inside “meetingsxBusiness” (cut"
		    " short?)"));
		free(cause);
	}
}

/* Reads fixtures/b2b/name; fails the test if it cannot. */
static struct fixed_model *
fixture(const char *name)
{
	struct fixed_model *m;
	char *path = xasprintf("%s/b2b/%s", FM_FIXTURES, name), *cause = NULL;

	if (fixed_dzn_read(path, &m, &cause) != 0)
		fail_msg("%s", cause);
	free(path);
	return m;
}

/* tic-12 (42 participants, 125 meetings, 8 slots): optimum 0 with d = 2. */
static void
test_solve_tic12(void **state)
{
	struct fixed_model *m = fixture("tic-12.original.dzn");
	struct fixed_opts o;
	struct fixed_result res;
	char *cause = NULL;

	assert_int_equal(m->nparticipants, 42);
	assert_int_equal(m->nmeetings, 125);
	assert_int_equal(m->nslots, 8);
	assert_int_equal(m->ntables, 21);
	assert_int_equal(m->meetings[0].a, 0);
	assert_int_equal(m->meetings[0].b, 7);
	test_opts(&o, 2);
	assert_int_equal(fixed_solve(m, &o, &res, &cause), 0);
	assert_valid(m, &res, 2);
	assert_int_equal(res.breaks, 0);
	assert_int_equal(res.status, FIXED_OPTIMAL);
	fixed_result_free(&res);
	fixed_model_free(m);

	assert_int_equal(fixed_dzn_read(FM_FIXTURES "/b2b/no-such.dzn", &m, &cause), -1);
	assert_non_null(strstr(cause, "cannot open"));
	free(cause);
}

/*
 * forumt-14crafe (published optimum 5 with d = 2, first bound 4): the SAT
 * search refutes 4 breaks and finds 5 within a fixed conflict budget; with
 * one conflict per call it stops early with the best schedule and bound.
 */
static void
test_solve_proven(void **state)
{
	struct fixed_model *m = fixture("forumt-14crafe.original.dzn");
	struct fixed_opts o;
	struct fixed_result res;
	char *cause = NULL;

	test_opts(&o, 2);
	o.conflicts = 100000;
	assert_int_equal(fixed_solve(m, &o, &res, &cause), 0);
	assert_int_equal(res.status, FIXED_OPTIMAL);
	assert_int_equal(res.breaks, 5);
	assert_int_equal(res.bound, 5);
	assert_int_equal(res.lower, 4);
	assert_valid(m, &res, 2);
	fixed_result_free(&res);

	o.conflicts = 1;
	assert_int_equal(fixed_solve(m, &o, &res, &cause), 0);
	assert_int_equal(res.status, FIXED_FEASIBLE);
	assert_int_equal(res.bound, 4);
	assert_true(res.breaks > 5);
	assert_valid(m, &res, 2);
	fixed_result_free(&res);

	/* d = 0 is infeasible (published UNSAT): the bounds alone prove it. */
	test_opts(&o, 0);
	assert_int_equal(fixed_solve(m, &o, &res, &cause), 0);
	assert_int_equal(res.status, FIXED_INFEASIBLE);
	assert_non_null(strstr(res.reason, "fairness"));
	fixed_result_free(&res);
	fixed_model_free(m);
}

/*
 * tic-13crafc (published optimum 4 with d = 2): annealing's schedule is
 * handed to the SAT search as its first choice of slots, and the search
 * still proves the optimum, with the bound equal to the breaks.
 */
static void
test_solve_proven_hinted(void **state)
{
	struct fixed_model *m = fixture("tic-13crafc.original.dzn");

	assert_solved(m, 2, 4, "tic-13crafc", 0);
	fixed_model_free(m);
}

/* tic-12 with 40% of meetings fixed (published UNSAT): the SAT search proves it. */
static void
test_solve_infeasible_variant(void **state)
{
	struct fixed_model *m = fixture("tic-12.fixed040-Forb.dzn");
	struct fixed_opts o;
	struct fixed_result res;
	char *cause = NULL;

	test_opts(&o, 2);
	assert_int_equal(fixed_solve(m, &o, &res, &cause), 0);
	assert_int_equal(res.status, FIXED_INFEASIBLE);
	assert_null(res.slot);
	assert_non_null(strstr(res.reason, "SAT"));
	fixed_result_free(&res);
	fixed_model_free(m);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_check_rules),
		cmocka_unit_test(test_check_breaks),
		cmocka_unit_test(test_solve_brute_force),
		cmocka_unit_test(test_solve_fairness_general),
		cmocka_unit_test(test_solve_fixed),
		cmocka_unit_test(test_solve_infeasible),
		cmocka_unit_test(test_dzn_good),
		cmocka_unit_test(test_dzn_bad),
		cmocka_unit_test(test_dzn_cut_short),
		cmocka_unit_test(test_solve_tic12),
		cmocka_unit_test(test_solve_proven),
		cmocka_unit_test(test_solve_proven_hinted),
		cmocka_unit_test(test_solve_infeasible_variant),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
