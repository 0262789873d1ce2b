/*
 * test_sched.c — fixed-mode scheduling: the validator catches a hand-made
 * violation of each rule and counts breaks right; the solver reaches the
 * optimum that brute force finds on small random instances, keeps fixed
 * meetings, proves the easy infeasibilities; the .dzn reader refuses bad
 * files with a message naming what is wrong; a real instance is solved.
 * Every solve is ended by an iteration budget (or by reaching the bound),
 * never by the clock (times: script/bench sched).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sched_fixed.h"
#include "util.h"

/* Local-search steps for tic-12 (seed 1 reaches its optimum in about 122,000). */
#define TIC12_BUDGET	1000000

/* Fails the test unless some violation in rep contains text. */
static void
assert_violation(const struct sched_report *rep, const char *text)
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
static struct sched_model *
small_model(void)
{
	struct sched_model *m = sched_model_new(4, 4, 2, 2);

	sched_model_add(m, 0, 1, SCHED_AM);
	sched_model_add(m, 0, 2, SCHED_EITHER);
	sched_model_add(m, 1, 3, SCHED_PM);
	sched_model_add(m, 2, 3, SCHED_EITHER);
	return m;
}

/* The base schedule is valid; each change breaks exactly the rule it targets. */
static void
test_check_rules(void **state)
{
	struct sched_model *m = small_model();
	int good[4] = { 0, 1, 2, 3 }, s[4];
	struct sched_report rep;

	assert_int_equal(sched_check(m, good, 2, &rep), 0);
	sched_report_free(&rep);

	/* Participant 1 twice in slot 1. */
	memcpy(s, good, sizeof s);
	s[1] = 0;
	assert_int_equal(sched_check(m, s, 2, &rep), 1);
	assert_violation(&rep, "participant 1 has 2 meetings in slot 1");
	sched_report_free(&rep);

	/* Three meetings in slot 3 with two tables (and the clashes that brings). */
	{
		struct sched_model *w = sched_model_new(6, 4, 4, 2);
		int t[3] = { 2, 2, 2 };

		sched_model_add(w, 0, 1, SCHED_EITHER);
		sched_model_add(w, 2, 3, SCHED_EITHER);
		sched_model_add(w, 4, 5, SCHED_EITHER);
		assert_int_equal(sched_check(w, t, 2, &rep), 1);
		assert_violation(&rep, "slot 3 holds 3 meetings but there are 2 tables");
		sched_report_free(&rep);
		sched_model_free(w);
	}

	/* Morning-only in the afternoon, afternoon-only in the morning. */
	memcpy(s, good, sizeof s);
	s[0] = 3;
	s[3] = 0;
	assert_int_equal(sched_check(m, s, 2, &rep), 1);
	assert_violation(&rep, "meeting 1 is morning-only but in slot 4");
	sched_report_free(&rep);
	memcpy(s, good, sizeof s);
	s[2] = 0;
	s[0] = 1;
	s[1] = 3;
	s[3] = 2;
	assert_int_equal(sched_check(m, s, 2, &rep), 1);
	assert_violation(&rep, "meeting 3 is afternoon-only but in slot 1");
	sched_report_free(&rep);

	/* A forbidden slot. */
	m->forbidden[3 * m->nslots + 3] = 1;
	assert_int_equal(sched_check(m, good, 2, &rep), 1);
	assert_violation(&rep, "meeting 4 is in slot 4, forbidden for participant 4");
	sched_report_free(&rep);
	m->forbidden[3 * m->nslots + 3] = 0;

	/* A fixed slot. */
	m->meetings[1].fixed = 0;
	assert_int_equal(sched_check(m, good, 2, &rep), 1);
	assert_violation(&rep, "meeting 2 is fixed to slot 1 but in slot 2");
	sched_report_free(&rep);
	m->meetings[1].fixed = -1;

	/* A precedence: meeting 4 must come before meeting 1. */
	sched_model_precede(m, 3, 0);
	assert_int_equal(sched_check(m, good, 2, &rep), 1);
	assert_violation(&rep, "meeting 4 (slot 4) must come before meeting 1 (slot 1)");
	sched_report_free(&rep);
	free(m->meetings[0].before);
	m->meetings[0].before = NULL;
	m->meetings[0].nbefore = 0;

	/* An unscheduled meeting. */
	memcpy(s, good, sizeof s);
	s[2] = -1;
	assert_int_equal(sched_check(m, s, 2, &rep), 1);
	assert_violation(&rep, "meeting 3 is not scheduled");
	sched_report_free(&rep);
	sched_model_free(m);
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
		struct sched_model *m = sched_model_new(6, 7, 7, 7);
		struct sched_report rep;

		for (int i = 0; i < cases[c].n; i++)
			sched_model_add(m, 0, i + 1, SCHED_EITHER);
		assert_int_equal(sched_check(m, cases[c].slots, 100, &rep), 0);
		assert_int_equal(rep.breaks, cases[c].breaks);
		assert_int_equal(rep.participant_breaks[0], cases[c].breaks);
		assert_int_equal(rep.max_breaks, cases[c].breaks);
		assert_int_equal(rep.min_breaks, 0);
		sched_report_free(&rep);
		/* With d one below the spread, the schedule is unfair. */
		if (cases[c].breaks > 0) {
			assert_int_equal(sched_check(m, cases[c].slots, cases[c].breaks - 1,
			    &rep), 1);
			assert_violation(&rep, "unfair");
			sched_report_free(&rep);
		}
		sched_model_free(m);
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
brute_force(const struct sched_model *m, int d)
{
	int *s = xcalloc((size_t)m->nmeetings, sizeof *s), best = -1;

	for (;;) {
		struct sched_report rep;

		if (sched_check(m, s, d, &rep) == 0 && (best < 0 || rep.breaks < best))
			best = rep.breaks;
		sched_report_free(&rep);
		int k = 0;
		while (k < m->nmeetings && ++s[k] == m->nslots)
			s[k++] = 0;
		if (k == m->nmeetings)
			break;
	}
	free(s);
	return best;
}

/* The solver matches brute force on small random instances. */
static void
test_solve_brute_force(void **state)
{
	uint64_t seed = 12345;
	int optimal = 0, positive = 0, infeasible = 0;

	for (int round = 0; round < 60; round++) {
		int np = 4 + (int)(lcg(&seed) % 3), nslots = 4 + (int)(lcg(&seed) % 2);
		int nm = 5 + (int)(lcg(&seed) % 3), d = (int)(lcg(&seed) % 3);
		struct sched_model *m = sched_model_new(np, nslots, 2 + (int)(lcg(&seed) % 2),
		    2 + (int)(lcg(&seed) % 2));
		struct sched_opts o;
		struct sched_result res;
		struct sched_report rep;
		char *cause = NULL;
		int want;

		for (int i = 0; i < nm; i++) {
			int a = (int)(lcg(&seed) % (uint64_t)np), b;

			do
				b = (int)(lcg(&seed) % (uint64_t)np);
			while (b == a);
			sched_model_add(m, a, b, lcg(&seed) % 5 == 0 ? SCHED_AM :
			    lcg(&seed) % 6 == 0 ? SCHED_PM : SCHED_EITHER);
		}
		for (int k = 0; k < 1 + round % 2; k++)
			m->forbidden[lcg(&seed) % (uint64_t)(np * nslots)] = 1;
		if (round % 5 == 0)
			m->meetings[0].fixed = (int)(lcg(&seed) % (uint64_t)nslots);
		if (round % 4 == 1)
			sched_model_precede(m, 1, 2);
		want = brute_force(m, d);
		sched_opts_init(&o);
		o.fairness = d;
		o.seed = (uint64_t)round + 1;
		o.time_limit = 0;
		o.max_iterations = 300000;
		assert_int_equal(sched_solve(m, &o, &res, &cause), 0);
		if (want < 0) {
			infeasible++;
			assert_true(res.status == SCHED_INFEASIBLE || res.status == SCHED_UNKNOWN);
			assert_null(res.slot);
		} else {
			assert_non_null(res.slot);
			assert_int_equal(sched_check(m, res.slot, d, &rep), 0);
			assert_int_equal(rep.breaks, res.breaks);
			sched_report_free(&rep);
			if (res.breaks != want)
				fail_msg("round %d: solver %d breaks, brute force %d", round,
				    res.breaks, want);
			assert_int_equal(res.status, want == 0 ? SCHED_OPTIMAL : SCHED_FEASIBLE);
			optimal++;
			positive += want > 0;
		}
		sched_result_free(&res);
		sched_model_free(m);
	}
	/* The generator must exercise all three outcomes to mean anything. */
	print_message("brute force: %d solved (%d with breaks > 0), %d infeasible\n",
	    optimal, positive, infeasible);
	assert_true(positive > 0);
	assert_true(infeasible > 0);
}

/* Fixed meetings keep their slot; the same seed gives the same schedule. */
static void
test_solve_fixed(void **state)
{
	struct sched_model *m = sched_model_new(6, 6, 6, 3);
	struct sched_opts o;
	struct sched_result r1, r2;
	struct sched_report rep;
	char *cause = NULL;

	for (int a = 0; a < 6; a++)
		for (int b = a + 1; b < 6; b += 2)
			sched_model_add(m, a, b, SCHED_EITHER);
	m->meetings[0].fixed = 5;
	m->meetings[3].fixed = 0;
	sched_opts_init(&o);
	o.time_limit = 0;
	o.max_iterations = 200000;
	assert_int_equal(sched_solve(m, &o, &r1, &cause), 0);
	assert_non_null(r1.slot);
	assert_int_equal(r1.slot[0], 5);
	assert_int_equal(r1.slot[3], 0);
	assert_int_equal(sched_check(m, r1.slot, o.fairness, &rep), 0);
	sched_report_free(&rep);
	assert_int_equal(sched_solve(m, &o, &r2, &cause), 0);
	assert_memory_equal(r1.slot, r2.slot, (size_t)m->nmeetings * sizeof *r1.slot);
	sched_result_free(&r1);
	sched_result_free(&r2);
	sched_model_free(m);
}

/* What can be proven infeasible is, with the reason. */
static void
test_solve_infeasible(void **state)
{
	struct sched_model *m = sched_model_new(4, 3, 3, 3);
	struct sched_opts o;
	struct sched_result res;
	char *cause = NULL;

	/* Participant 1 has three meetings, and slot 2 is forbidden to it. */
	sched_model_add(m, 0, 1, SCHED_EITHER);
	sched_model_add(m, 0, 2, SCHED_EITHER);
	sched_model_add(m, 0, 3, SCHED_EITHER);
	m->forbidden[0 * 3 + 1] = 1;
	sched_opts_init(&o);
	o.time_limit = 0;
	o.max_iterations = 100000;
	assert_int_equal(sched_solve(m, &o, &res, &cause), 0);
	assert_int_equal(res.status, SCHED_INFEASIBLE);
	assert_null(res.slot);
	assert_string_equal(res.reason, "参与方 1 有 3 场会谈只能排在 2 个时段内 / participant 1"
	    " has 3 meetings that fit only 2 slots");
	assert_string_equal(sched_status_name(res.status), "infeasible");
	sched_result_free(&res);

	/* A precedence cycle. */
	m->forbidden[0 * 3 + 1] = 0;
	sched_model_precede(m, 0, 1);
	sched_model_precede(m, 1, 0);
	assert_int_equal(sched_solve(m, &o, &res, &cause), 0);
	assert_int_equal(res.status, SCHED_INFEASIBLE);
	assert_string_equal(res.reason, "会谈的先后顺序成环 / the meeting precedences form a cycle");
	sched_result_free(&res);
	sched_model_free(m);
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
	struct sched_model *m;
	char *cause = NULL;

	if (sched_dzn_parse(good_dzn, strlen(good_dzn), "good.dzn", &m, &cause) != 0)
		fail_msg("%s", cause);
	assert_int_equal(m->nparticipants, 3);
	assert_int_equal(m->nmeetings, 2);
	assert_int_equal(m->ntables, 1);
	assert_int_equal(m->nslots, 2);
	assert_int_equal(m->nmorning, 1);
	assert_int_equal(m->meetings[0].a, 0);
	assert_int_equal(m->meetings[0].b, 1);
	assert_int_equal(m->meetings[0].session, SCHED_AM);
	assert_int_equal(m->meetings[1].session, SCHED_EITHER);
	assert_int_equal(m->meetings[1].fixed, -1);
	assert_int_equal(m->meetings[1].nbefore, 1);
	assert_int_equal(m->meetings[1].before[0], 0);
	assert_int_equal(m->forbidden[2 * 2 + 0], 1);
	assert_int_equal(m->forbidden[2 * 2 + 1], 0);
	assert_int_equal(m->forbidden[0], 0);
	sched_model_free(m);
}

/* The English half of a bilingual message "中文 / English"; fails unless it has one. */
static const char *
english(const char *cause)
{
	const char *sep = strstr(cause, " / ");

	if (sep == NULL)
		fail_msg("“%s” is not “中文 / English”", cause);
	return sep + 3;
}

/* Each bad file is refused with a message that says what and where. */
static void
test_dzn_bad(void **state)
{
	static const struct {
		const char	*from;
		const char	*to;
		const char	*where;		/* the message starts so */
		const char	*message;	/* its English half, whole */
	} cases[] = {
		{ "|2, 3,3, ", "|2, 4,3, ", "good.dzn:8: ",
		  "meeting 2 has an unknown participant 4 (nBusiness = 3)" },
		{ "|2, 3,3, ", "|2, 2,3, ", "good.dzn:8: ",
		  "meeting 2 has participant 2 on both sides" },
		{ "nTotalSlots = 2", "nTotalSlots = 1", "good.dzn:12: ",
		  "participant 2 has 2 meetings but there are only 1 slots" },
		{ "nMorningSlots = 1;", "nMorningSlots = 1;\nnRooms = 4;", "good.dzn:6: ",
		  "unknown key “nRooms”" },
		{ "nMeetingsBusiness = [1,2,1]", "nMeetingsBusiness = [1,2]", "good.dzn:15: ",
		  "“nMeetingsBusiness” has 2 entries but nBusiness = 3 (one per participant)" },
		{ "nMeetingsBusiness = [1,2,1]", "nMeetingsBusiness = [1,3,1]", "good.dzn:15: ",
		  "nMeetingsBusiness: participant 2 is given 3 meetings but has 2 in requested" },
		{ "{1,2,3},", "{1,2},", "good.dzn:12: ",
		  "meetingsxBusiness: participant 2 must list 1 and its 2 meetings shifted by one,"
		  " but lists 1" },
		{ "fixed = [0,0]", "fixed = [0,3]", "good.dzn:21: ",
		  "meeting 2: fixed slot 3 is outside 0..2" },
		{ "{0,1}", "{0,5}", "good.dzn:19: ",
		  "forbidden: participant 3: slot 5 is outside 1..2" },
		{ "|2, 3,3, ", "|2, 3,4, ", "good.dzn:8: ",
		  "meeting 2: the session must be 1 (morning), 2 (afternoon) or 3 (either), not 4" },
		{ "|2, 3,3, ", "|2, 3, ", "good.dzn:8: ",
		  "meeting 2 needs 3 numbers (participant, participant, session), not 2" },
		{ "{1}];", "{2}];", "good.dzn:24: ",
		  "meeting 2: preceding meeting 2 is not another meeting (1..2)" },
		/* A key that is missing has no line. */
		{ "nTables = 1;\n", "", "good.dzn: ", "“nTables” is missing" },
		{ "nTables = 1;", "nTables = 1;\nnTables = 2;", "good.dzn:4: ",
		  "“nTables” defined twice (first on line 3)" },
		{ "fixed = [0,0]", "fixed = {0}", "good.dzn:21: ",
		  "in “fixed”, expected “[”, found “{”" },
		{ "nTables = 1", "nTables = [1]", "good.dzn:3: ", "“nTables” must be an integer" },
		{ "nTables = 1", "nTables = 0", "good.dzn:3: ", "“nTables” = 0 is outside 1..100000" },
		{ "nBusiness = 3", "nBusiness = 3.5", "good.dzn:1: ", "unexpected character “.”" },
	};

	for (size_t c = 0; c < nitems(cases); c++) {
		char *text = edit(cases[c].from, cases[c].to), *cause = NULL;
		struct sched_model *m = NULL;

		if (sched_dzn_parse(text, strlen(text), "good.dzn", &m, &cause) == 0)
			fail_msg("case %zu accepted", c);
		assert_null(m);
		if (strncmp(cause, cases[c].where, strlen(cases[c].where)) != 0 ||
		    strcmp(english(cause), cases[c].message) != 0)
			fail_msg("case %zu: “%s”, wanted “%s… / %s”", c, cause, cases[c].where,
			    cases[c].message);
		free(cause);
		free(text);
	}
}

/* Whether s ends with tail. */
static int
ends_with(const char *s, const char *tail)
{
	size_t n = strlen(s), k = strlen(tail);

	return n >= k && strcmp(s + n - k, tail) == 0;
}

/* A file cut short anywhere is refused as such, never read in part. */
static void
test_dzn_cut_short(void **state)
{
	size_t len = strlen(good_dzn);

	for (size_t cut = 1; cut < len - 2; cut++) {
		struct sched_model *m = NULL;
		char *cause = NULL;

		/* Cutting only the final ";\n" or whitespace must still be caught or harmless. */
		if (sched_dzn_parse(good_dzn, cut, "cut.dzn", &m, &cause) == 0)
			fail_msg("cut at %zu accepted", cut);
		assert_null(m);
		/*
		 * Inside a value; between two keys; inside a key's name, which
		 * may leave another key's ("nMeetings" of "nMeetingsBusiness").
		 */
		if (strncmp(cause, "cut.dzn", 7) != 0 ||
		    (!ends_with(english(cause), " (cut short?)") &&
		    !ends_with(english(cause), " is missing") &&
		    strncmp(english(cause), "unknown key “", strlen("unknown key “")) != 0 &&
		    strstr(english(cause), "” defined twice (first on line ") == NULL))
			fail_msg("cut at %zu: “%s”", cut, cause);
		free(cause);
	}
	{
		struct sched_model *m = NULL;
		char *cause = NULL;
		const char *at = strstr(good_dzn, "{1,2,3},");

		assert_int_equal(sched_dzn_parse(good_dzn, (size_t)(at - good_dzn) + 4,
		    "cut.dzn", &m, &cause), -1);
		assert_string_equal(cause, "cut.dzn:12: 文件在“meetingsxBusiness”中途结束（被截断？） /"
		    " the file ends inside “meetingsxBusiness” (cut short?)");
		free(cause);
	}
}

/*
 * The proven minimum total breaks of a published instance for fairness d,
 * from fixtures/b2b/known_optima.csv (file,fairness_d,status,min_total_breaks,…).
 */
static int
known_optimum(const char *file, int d)
{
	FILE *f = fopen(FM_FIXTURES "/b2b/known_optima.csv", "r");
	char line[512];
	int found = -1;

	if (f == NULL)
		fail_msg("cannot open " FM_FIXTURES "/b2b/known_optima.csv");
	while (found < 0 && fgets(line, sizeof line, f) != NULL) {
		char name[128], status[32];
		int fd, breaks;

		if (sscanf(line, "%127[^,],%d,%31[^,],%d,", name, &fd, status, &breaks) == 4 &&
		    strcmp(name, file) == 0 && fd == d && strcmp(status, "OPTIMAL") == 0)
			found = breaks;
	}
	fclose(f);
	if (found < 0)
		fail_msg("known_optima.csv has no optimum for %s, d = %d", file, d);
	return found;
}

/*
 * tic-12 (42 participants, 125 meetings, 8 slots): the published optimum
 * with d = 2 (0 breaks), proven by reaching the bound within TIC12_BUDGET
 * steps; the same seed gives the same schedule.
 */
static void
test_solve_tic12(void **state)
{
	const char *path = FM_FIXTURES "/b2b/tic-12.original.dzn";
	struct sched_model *m;
	struct sched_opts o;
	struct sched_result res, again;
	struct sched_report rep;
	char *cause = NULL;
	int optimum = known_optimum("tic-12.original.dzn", 2);

	if (sched_dzn_read(path, &m, &cause) != 0)
		fail_msg("%s", cause);
	assert_int_equal(m->nparticipants, 42);
	assert_int_equal(m->nmeetings, 125);
	assert_int_equal(m->nslots, 8);
	assert_int_equal(m->ntables, 21);
	assert_int_equal(m->meetings[0].a, 0);
	assert_int_equal(m->meetings[0].b, 7);
	sched_opts_init(&o);
	o.time_limit = 0;
	o.max_iterations = TIC12_BUDGET;
	assert_int_equal(sched_solve(m, &o, &res, &cause), 0);
	print_message("tic-12: %d breaks after %ld steps\n", res.breaks, res.iterations);
	assert_non_null(res.slot);
	assert_int_equal(sched_check(m, res.slot, 2, &rep), 0);
	assert_int_equal(rep.breaks, res.breaks);
	sched_report_free(&rep);
	assert_int_equal(res.breaks, optimum);
	assert_int_equal(res.bound, optimum);
	assert_int_equal(res.status, SCHED_OPTIMAL);
	/* Stopped by reaching the bound, not by the budget. */
	assert_true(res.iterations < TIC12_BUDGET);
	assert_int_equal(sched_solve(m, &o, &again, &cause), 0);
	assert_int_equal(again.iterations, res.iterations);
	assert_memory_equal(again.slot, res.slot, (size_t)m->nmeetings * sizeof *res.slot);
	sched_result_free(&again);
	sched_result_free(&res);
	sched_model_free(m);

	assert_int_equal(sched_dzn_read(FM_FIXTURES "/b2b/no-such.dzn", &m, &cause), -1);
	assert_string_equal(cause, FM_FIXTURES "/b2b/no-such.dzn: 无法打开 / cannot open: No such"
	    " file or directory");
	free(cause);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_check_rules),
		cmocka_unit_test(test_check_breaks),
		cmocka_unit_test(test_solve_brute_force),
		cmocka_unit_test(test_solve_fixed),
		cmocka_unit_test(test_solve_infeasible),
		cmocka_unit_test(test_dzn_good),
		cmocka_unit_test(test_dzn_bad),
		cmocka_unit_test(test_dzn_cut_short),
		cmocka_unit_test(test_solve_tic12),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
