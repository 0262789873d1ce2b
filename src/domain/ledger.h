/*
 * ledger.h — the marketing network's ledger (seed 000, 四.3 绩效考核): the
 * register of marketing centres (营销中心) and key distributors outside
 * markets (市场外重点经销户) with their expansion office, selection steps
 * and 2009 base; quarterly return lines with evidence, reviewed 初核 →
 * 复审 → 联审; random spot checks; figures against the plan; deadlines.
 * Amounts are hundredths of 万元 so that sums are exact.
 */
#ifndef FM_LEDGER_H
#define FM_LEDGER_H

#include <stdint.h>

#include <jansson.h>

#include "store.h"

/* Who acts on the ledger: a signed-in user, or the command line (the province office). */
struct ledger_actor {
	const char	*login;		/* a login, or cli:<os user> */
	int		 role;		/* one enum role bit (auth.h) */
	const char	*province;	/* an expansion office's province, canonical */
	const char	*city;		/* a city office's city, canonical */
};

/*
 * The actor for login as the store knows it (role, province or city);
 * login copied into buf, the office's province or city into region.  0, or
 * -1 with *cause (no such user).
 */
int ledger_actor_of(struct store *st, const char *login, struct ledger_actor *a,
    char *buf, size_t bufsize, char *region, size_t regionsize, char **cause);

/* ---- the register (ledger_register.c) ---- */

/*
 * Reads a register file (CSV, XLSX … through table.c): one centre or
 * distributor a row, found by 编号 and replaced if known.  Each
 * province's expansion office is made when first named.  All or nothing:
 * 0 and *out ({rows, inserted, updated, centres, distributors, offices};
 * caller decrefs), or -1 with *cause naming the row, column and value.
 * name is what messages call the file (NULL: path).
 */
int ledger_register_import(struct store *st, const char *path, const char *name,
    const char *who, json_t **out, char **cause);
/*
 * The register: {outlets: [{code, kind, name, market, province, city,
 * office, tier_yi, key, batch, new, base, steps: [{step, name, date,
 * approver}], stage}], offices, centres, key_centres, distributors, base}
 * filtered by province (canonical; NULL = all).  NULL with *cause.
 */
json_t *ledger_register_json(struct store *st, const char *province, char **cause);
/*
 * Adds or replaces (by code) one centre or distributor from a form: the
 * register's columns as fields of in (code, kind, name, market, province,
 * city, tier, batch, new, base, step1..step5, approver, docking), each
 * holding what its cell would, checked as the import checks a row.  0 and
 * *out ({code, inserted}; caller decrefs), or -1 with *cause naming the
 * field and its value; nothing changes then.
 */
int ledger_outlet_save(struct store *st, json_t *in, const char *who, json_t **out,
    char **cause);
/* Writes the register to path as xlsx or csv, the import's columns; 0 or -1 with *cause. */
int ledger_register_export(json_t *reg, const char *format, const char *path, char **cause);
/* The selection step's name, 1..5 ("拓展办考察" …), or NULL. */
const char *ledger_step_name(int step);

/* ---- return lines and their review (ledger_review.c) ---- */

/* One return line as entered. */
struct ledger_line_in {
	const char	*outlet;	/* the register's 编号 */
	int		 year;
	int		 quarter;	/* 1..4 */
	const char	*amount;	/* 万元 as text */
	const char	*note;
	int		 from_fair;	/* the sales came from a fair meeting (洽谈会成交) */
};

/* A 洽谈会成交 cell: 1 for 是 (from a fair meeting), 0 for 否 or empty, -1 otherwise. */
int ledger_fair_parse(const char *s);

/*
 * Submits a line (new, or a returned one again) for a's office.  0 and
 * *id, or -1 with *cause; *forbidden set when the actor may not.
 */
int ledger_line_submit(struct store *st, const struct ledger_actor *a,
    const struct ledger_line_in *in, int64_t *id, int *forbidden, char **cause);
/*
 * Reads a returns file (编号, 金额（万元）, 说明, optionally 洽谈会成交 是/否)
 * for year and quarter and
 * submits each line, all or nothing.  0 and *out ({ok: true, rows, ids}),
 * or -1 with *cause; when rows were bad, *out is the report as the other
 * uploads give it ({ok: false, error_count, errors: [{row, column, cell,
 * value, message}]}, every bad row).  Caller decrefs *out.
 */
int ledger_returns_import(struct store *st, const struct ledger_actor *a, const char *path,
    int year, int quarter, json_t **out, int *forbidden, char **cause);
/* Attaches an evidence file of kind (licence, contract, delivery, other) to a line. */
int ledger_evidence_add(struct store *st, const struct ledger_actor *a, int64_t line,
    const char *path, const char *name, const char *kind, int *forbidden, char **cause);
/*
 * A review action on a line: "check" (初核), "review" (复审), "joint" (联审),
 * "return" (to the submitter, with a reason) or "comment".  Each role may
 * take only its own step and nobody reviews a line they submitted.  0, or
 * -1 with *cause; *forbidden set when the actor may not.
 */
int ledger_line_act(struct store *st, const struct ledger_actor *a, int64_t line,
    const char *action, const char *comment, int *forbidden, char **cause);
/* A line with its evidence and history; NULL with *cause (*forbidden if not a's). */
json_t *ledger_line_json(struct store *st, const struct ledger_actor *a, int64_t line,
    int *forbidden, char **cause);
/* Lines of year (quarter 0 = all) a may see, in state (NULL = any). */
json_t *ledger_lines_json(struct store *st, const struct ledger_actor *a, int year,
    int quarter, const char *state, char **cause);
/* Steps q, which returns no rows, once and finalizes it; 0, or -1 with *cause. */
int ledger_run_once(struct store *st, sqlite3_stmt *q, char **cause);
/* Appends a history row; used by the spot checks.  0 or -1 with *cause. */
int ledger_history_add(struct store *st, int64_t line, const char *action, const char *state,
    long long amount_cents, const char *comment, const char *login, const char *role,
    char **cause);

/* ---- spot checks (ledger_check.c) ---- */

/*
 * Draws per_province verified lines of each province (year; quarter 0 =
 * all) with seed, records the sample and returns its id in *id.  The same
 * seed over the same verified lines gives the same sample.
 */
int ledger_sample_draw(struct store *st, const char *who, int year, int quarter,
    int per_province, uint64_t seed, int64_t *id, char **cause);
/* A seed for a draw when none is given: random, below 2^63 (it fits SQLite's integer). */
uint64_t ledger_random_seed(void);
/* A sample: {id, year, quarter, seed, per_province, lines: [...]}; NULL with *cause. */
json_t *ledger_sample_json(struct store *st, int64_t id, char **cause);
/*
 * Records a site visit's finding on a sampled line; a failure reverses
 * its verification (the line stops counting, its history kept).
 */
int ledger_sample_record(struct store *st, const struct ledger_actor *a, int64_t sample,
    int64_t line, int passed, const char *finding, char **cause);

/* ---- the city offices' quarterly figures (ledger_city.c) ---- */

/*
 * Records city's 三大市场 sales (amount: 万元 as text) for year and
 * quarter: a city office for its own city (city is then ignored), the
 * province office for any.  A second report of the quarter corrects the
 * amount and keeps the first one's time.  0, or -1 with *cause;
 * *forbidden set when the actor may not.
 */
int ledger_city_report(struct store *st, const struct ledger_actor *a, const char *city,
    int year, int quarter, const char *amount, const char *note, int *forbidden, char **cause);
/*
 * The city offices' reports of year: {year, reports: [{city, office,
 * quarter, amount, amount_cents, note, submitted_by, submitted_at}],
 * total}; a city office's own only.  NULL with *cause.
 */
json_t *ledger_city_reports_json(struct store *st, const struct ledger_actor *a, int year,
    char **cause);

/* ---- figures, plan and deadlines (ledger_figures.c) ---- */

/*
 * The figures of year through quarter (0 = the whole year) grouped by
 * "province", "centre", "distributor", "city" or "network": rows of
 * {key, province, outlets, base, verified, pending, increase, new_sales,
 * counted, target_yi} with amounts in 万元 as text, the quarters' counted
 * totals and the plan's network targets.  Scoped to a province's outlets,
 * or to those docking with a Zhejiang city (canonical; NULL = no scope),
 * the quarters are the scope's own and the network's plan is left out.
 * NULL with *cause.
 */
json_t *ledger_figures_json(struct store *st, const char *by, int year, int quarter,
    const char *province, const char *docking, char **cause);
/* Writes figures row by row to path as xlsx or csv. */
int ledger_figures_export(json_t *fig, const char *format, const char *path, char **cause);
/* Hundredths of 万元 as "1,234,567.89"; caller frees. */
char *ledger_wan_text(long long cents);
/* s as a JSON string, freeing s. */
json_t *ledger_str_take(char *s);
/* Hundredths of 万元 as 亿元 "12.35"; caller frees. */
char *ledger_yi_text(long long cents);
/*
 * Loads the plan file for year: rows of 事项, and either 截止日期 (with
 * 季度 or 批次: a deadline) or 亿元 (a network target: 营销中心, 经销户,
 * 三大市场, 合计, 力争).  Replaces the year's plan; all or nothing.
 */
int ledger_plan_import(struct store *st, const char *path, int year, json_t **out,
    char **cause);
/*
 * Who is late on today (YYYY-MM-DD): each deadline past due with the
 * offices that missed it: for a quarter, the expansion offices whose
 * return lines were not all submitted by then and the city offices that
 * had not reported their figure; for a batch, the expansion offices whose
 * outlets were not 报送 by then.  Each late office is {office, kind
 * (expansion or city), province or city, missing}.
 */
json_t *ledger_late_json(struct store *st, int year, const char *today, char **cause);

#endif
