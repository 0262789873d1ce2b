/*
 * ledger_review.c — quarterly return lines and their graded review
 * (分级把关): the expansion office submits a line with its evidence, then
 * 初核 (the expansion office), 复审 (the province office), 联审 (the
 * province office and the finance department, both signing).  Anyone on
 * the way may return it to the submitter with a reason.  Every step is a
 * row of ledger_history, which the schema never lets change.
 */
#include <sys/stat.h>

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "auth.h"
#include "blob.h"
#include "ledger.h"
#include "outcome.h"
#include "table.h"
#include "util.h"

/* The line's states, as the store and a person name them. */
static const struct {
	const char	*state;
	const char	*zh;
} states[] = {
	{ "submitted", "待初核" }, { "checked", "待复审" }, { "reviewed", "待联审" },
	{ "verified", "已核实" }, { "returned", "已退回" }, { "reversed", "抽查未通过" },
};

/* The review steps: which state each takes a line from and to, and who takes it. */
static const struct step {
	const char	*action;
	const char	*zh;
	const char	*from;		/* the state it acts on */
	const char	*to;		/* the state it leaves */
	int		 roles;		/* who may take it */
} review_steps[] = {
	{ "check", "初核", "submitted", "checked", ROLE_EXPANSION },
	{ "review", "复审", "checked", "reviewed", ROLE_ADMIN },
	{ "joint", "联审", "reviewed", "verified", ROLE_ADMIN | ROLE_FINANCE },
};

/* The evidence kinds the plan lists (凭证为主). */
static const struct {
	const char	*kind;
	const char	*zh;
} evidence_kinds[] = {
	{ "licence", "营业执照和税务登记证" }, { "contract", "购销合同" },
	{ "delivery", "进货凭证（浙江供货方印章）" }, { "other", "其他材料" },
};

/* A state's Chinese name. */
static const char *
state_zh(const char *state)
{
	for (size_t i = 0; i < nitems(states); i++)
		if (strcmp(states[i].state, state) == 0)
			return states[i].zh;
	return state;
}

/* The review step that acts on state, or NULL (none is pending). */
static const struct step *
step_for(const char *state)
{
	for (size_t i = 0; i < nitems(review_steps); i++)
		if (strcmp(review_steps[i].from, state) == 0)
			return &review_steps[i];
	return NULL;
}

int
ledger_actor_of(struct store *st, const char *login, struct ledger_actor *a, char *buf,
    size_t bufsize, char *region, size_t regionsize, char **cause)
{
	sqlite3_stmt *q;
	int found = 0;

	memset(a, 0, sizeof a[0]);
	if (store_query(st, "SELECT u.role, COALESCE(o.province, o.city) FROM users u"
	    " LEFT JOIN offices o ON o.id = u.office_id WHERE u.login = ?", &q, cause) != 0)
		return -1;
	sqlite3_bind_text(q, 1, login, -1, SQLITE_STATIC);
	if (sqlite3_step(q) == SQLITE_ROW) {
		found = 1;
		a->role = role_from_name((const char *)sqlite3_column_text(q, 0));
		utf8_copy(region, regionsize, sqlite3_column_type(q, 1) == SQLITE_NULL ? "" :
		    (const char *)sqlite3_column_text(q, 1));
	}
	if (store_finish(st, q, cause) != 0)
		return -1;
	if (!found) {
		*cause = xasprintf("没有账号“%s” / no user \"%s\"", login, login);
		return -1;
	}
	utf8_copy(buf, bufsize, login);
	a->login = buf;
	if (*region != '\0' && a->role == ROLE_CITY)
		a->city = region;
	else if (*region != '\0')
		a->province = region;
	return 0;
}

/* What a line holds that the rules look at. */
struct line_row {
	int64_t		 id;
	char		 state[16];
	char		 province[64];
	char		 submitted_by[128];
	long long	 amount;
};

/* Loads line id into l: 1 found, 0 not, -1 with *cause. */
static int
line_load(struct store *st, int64_t id, struct line_row *l, char **cause)
{
	sqlite3_stmt *q;
	int found = 0;

	memset(l, 0, sizeof *l);
	if (store_query_id(st, "SELECT l.state, o.province, l.submitted_by, l.amount_cents"
	    " FROM ledger_lines l JOIN ledger_outlets o ON o.id = l.outlet_id WHERE l.id = ?",
	    id, &q, cause) != 0)
		return -1;
	if (sqlite3_step(q) == SQLITE_ROW) {
		found = 1;
		l->id = id;
		utf8_copy(l->state, sizeof l->state, (const char *)sqlite3_column_text(q, 0));
		utf8_copy(l->province, sizeof l->province, (const char *)sqlite3_column_text(q, 1));
		utf8_copy(l->submitted_by, sizeof l->submitted_by,
		    (const char *)sqlite3_column_text(q, 2));
		l->amount = sqlite3_column_int64(q, 3);
	}
	if (store_finish(st, q, cause) != 0)
		return -1;
	if (!found)
		*cause = xasprintf("没有第 %lld 条申报 / no return line %lld", (long long)id,
		    (long long)id);
	return found;
}

/* Whether a may see lines of province: the province office, finance, its own office. */
static int
may_see(const struct ledger_actor *a, const char *province)
{
	if (a->role & (ROLE_ADMIN | ROLE_FINANCE))
		return 1;
	return a->role == ROLE_EXPANSION && a->province != NULL &&
	    strcmp(a->province, province) == 0;
}

/* Sets *cause to "a may not …" and *forbidden; returns -1. */
static int
refuse(int *forbidden, char **cause, char *msg)
{
	*forbidden = 1;
	*cause = msg;
	return -1;
}

int
ledger_run_once(struct store *st, sqlite3_stmt *q, char **cause)
{
	if (store_run(st, q, cause) != 0) {
		store_finish(st, q, NULL);
		return -1;
	}
	return store_finish(st, q, cause);
}

int
ledger_history_add(struct store *st, int64_t line, const char *action, const char *state,
    long long amount_cents, const char *comment, const char *login, const char *role,
    char **cause)
{
	sqlite3_stmt *q;

	if (store_query_id(st, "INSERT INTO ledger_history (line_id, action, state, amount_cents,"
	    " comment, by_login, by_role) VALUES (?, ?, ?, ?, ?, ?, ?)", line, &q, cause) != 0)
		return -1;
	sqlite3_bind_text(q, 2, action, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 3, state, -1, SQLITE_STATIC);
	if (amount_cents >= 0)
		sqlite3_bind_int64(q, 4, amount_cents);
	sqlite3_bind_text(q, 5, comment != NULL ? comment : "", -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 6, login, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 7, role, -1, SQLITE_STATIC);
	return ledger_run_once(st, q, cause);
}

/* Sets line's state; 0 or -1 with *cause. */
static int
state_set(struct store *st, int64_t line, const char *state, char **cause)
{
	sqlite3_stmt *q;

	if (store_query_id(st, "UPDATE ledger_lines SET state = ?2 WHERE id = ?1", line, &q,
	    cause) != 0)
		return -1;
	sqlite3_bind_text(q, 2, state, -1, SQLITE_STATIC);
	return ledger_run_once(st, q, cause);
}

/* Submits one line inside the caller's transaction. */
static int
submit_one(struct store *st, const struct ledger_actor *a, const struct ledger_line_in *in,
    int64_t *id, int *forbidden, char **cause)
{
	sqlite3_stmt *q;
	char province[64] = "", state[16] = "";
	int64_t outlet = 0, line = 0;
	long long cents;

	*id = 0;
	if (!(a->role & (ROLE_EXPANSION | ROLE_ADMIN)))
		return refuse(forbidden, cause, xasprintf("%s 不能填报申报 / %s may not submit"
		    " return lines", a->login, a->login));
	if (in->quarter < 1 || in->quarter > 4 || in->year < 2000 || in->year > 2099) {
		*cause = xasprintf("季度 %d-Q%d 无效 / %d Q%d is not a quarter", in->year,
		    in->quarter, in->year, in->quarter);
		return -1;
	}
	if (outcome_parse_amount(in->amount, &cents, cause) != 0)
		return -1;
	if (store_query(st, "SELECT o.id, o.province, l.id, l.state FROM ledger_outlets o"
	    " LEFT JOIN ledger_lines l ON l.outlet_id = o.id AND l.year = ?2 AND l.quarter = ?3"
	    " WHERE o.code = ?1", &q, cause) != 0)
		return -1;
	sqlite3_bind_text(q, 1, in->outlet, -1, SQLITE_STATIC);
	sqlite3_bind_int(q, 2, in->year);
	sqlite3_bind_int(q, 3, in->quarter);
	if (sqlite3_step(q) == SQLITE_ROW) {
		outlet = sqlite3_column_int64(q, 0);
		utf8_copy(province, sizeof province, (const char *)sqlite3_column_text(q, 1));
		line = sqlite3_column_int64(q, 2);
		if (line != 0)
			utf8_copy(state, sizeof state, (const char *)sqlite3_column_text(q, 3));
	}
	if (store_finish(st, q, cause) != 0)
		return -1;
	if (outlet == 0) {
		*cause = xasprintf("名录里没有编号“%s” / \"%s\" is not in the register", in->outlet,
		    in->outlet);
		return -1;
	}
	if (a->role == ROLE_EXPANSION && !may_see(a, province))
		return refuse(forbidden, cause, xasprintf("“%s”属于%s，不是本拓展办的 / \"%s\" is"
		    " in %s, not your province", in->outlet, province, in->outlet, province));
	if (line != 0 && strcmp(state, "returned") != 0) {
		*cause = xasprintf("“%s”%d 年第 %d 季度已申报（%s），只有退回的可以重报 / %s has a"
		    " line for %d Q%d already (%s); only a returned line is submitted again",
		    in->outlet, in->year, in->quarter, state_zh(state), in->outlet, in->year,
		    in->quarter, state);
		return -1;
	}
	if (line == 0) {
		if (store_query(st, "INSERT INTO ledger_lines (outlet_id, year, quarter,"
		    " amount_cents, note, state, submitted_by, from_fair) VALUES (?, ?, ?, ?, ?,"
		    " 'submitted', ?, ?) RETURNING id", &q, cause) != 0)
			return -1;
		sqlite3_bind_int64(q, 1, outlet);
		sqlite3_bind_int(q, 2, in->year);
		sqlite3_bind_int(q, 3, in->quarter);
		sqlite3_bind_int64(q, 4, cents);
		sqlite3_bind_text(q, 5, in->note != NULL ? in->note : "", -1, SQLITE_STATIC);
		sqlite3_bind_text(q, 6, a->login, -1, SQLITE_STATIC);
		sqlite3_bind_int(q, 7, in->from_fair != 0);
	} else {
		if (store_query_id(st, "UPDATE ledger_lines SET amount_cents = ?2, note = ?3,"
		    " state = 'submitted', submitted_by = ?4, from_fair = ?5, submitted_at ="
		    " strftime('%Y-%m-%dT%H:%M:%SZ', 'now') WHERE id = ?1 RETURNING id", line, &q,
		    cause) != 0)
			return -1;
		sqlite3_bind_int64(q, 2, cents);
		sqlite3_bind_text(q, 3, in->note != NULL ? in->note : "", -1, SQLITE_STATIC);
		sqlite3_bind_text(q, 4, a->login, -1, SQLITE_STATIC);
		sqlite3_bind_int(q, 5, in->from_fair != 0);
	}
	if (sqlite3_step(q) == SQLITE_ROW)
		*id = sqlite3_column_int64(q, 0);
	if (store_finish(st, q, cause) != 0)
		return -1;
	return ledger_history_add(st, *id, "submit", "submitted", cents, in->note, a->login,
	    role_name(a->role), cause);
}

int
ledger_fair_parse(const char *s)
{
	static const char *const yes[] = { "是", "yes", "y", "1", "true", "洽谈会" };
	static const char *const no[] = { "否", "no", "n", "0", "false", "" };

	for (size_t i = 0; i < nitems(yes); i++)
		if (strcasecmp(s, yes[i]) == 0)
			return 1;
	for (size_t i = 0; i < nitems(no); i++)
		if (strcasecmp(s, no[i]) == 0)
			return 0;
	return -1;
}

int
ledger_line_submit(struct store *st, const struct ledger_actor *a,
    const struct ledger_line_in *in, int64_t *id, int *forbidden, char **cause)
{
	*forbidden = 0;
	if (store_begin(st, cause) != 0)
		return -1;
	if (submit_one(st, a, in, id, forbidden, cause) != 0) {
		store_rollback(st);
		return -1;
	}
	return store_commit(st, cause);
}

/* A returns file's row error as the upload reports have it: {row, column, cell, value, message}. */
static json_t *
row_error(const struct table_row *r, const char *head, int col, char *message)
{
	char name[8], cell[32];
	json_t *e;

	table_colname((size_t)col, name);
	snprintf(cell, sizeof cell, "%s%zu", name, r->line);
	e = json_pack("{s:I, s:s, s:s, s:s, s:s}", "row", (json_int_t)r->line, "column", head,
	    "cell", cell, "value", (size_t)col < r->ncells ? r->cells[col] : "", "message",
	    message);
	free(message);
	return e;
}

int
ledger_returns_import(struct store *st, const struct ledger_actor *a, const char *path,
    int year, int quarter, json_t **out, int *forbidden, char **cause)
{
	static const char *const heads[] = { "编号", "金额（万元）", "说明", "洽谈会成交" };
	struct table_reader *tr;
	struct table_row r;
	int map[4] = { -1, -1, -1, -1 }, got;
	json_t *ids = json_array(), *errors = json_array();
	size_t nerrors;

	*out = NULL;
	*forbidden = 0;
	if (!(a->role & (ROLE_EXPANSION | ROLE_ADMIN))) {
		refuse(forbidden, cause, xasprintf("%s 不能填报申报 / %s may not submit return lines",
		    a->login, a->login));
		goto fail_noread;
	}
	if ((tr = table_open(path, NULL, &table_default_limits, cause)) == NULL)
		goto fail_noread;
	if ((got = table_next(tr, &r, cause)) <= 0) {
		if (got == 0)
			*cause = xasprintf("%s 是空的 / %s is empty", path, path);
		goto fail_read;
	}
	for (size_t c = 0; c < nitems(heads); c++) {
		for (size_t i = 0; i < r.ncells; i++)
			if (strcmp(r.cells[i], heads[c]) == 0 || (c == 1 &&
			    strcmp(r.cells[i], "金额") == 0))
				map[c] = (int)i;
		if (map[c] < 0 && c < 2) {
			*cause = xasprintf("缺少“%s”列 / the column %s is missing", heads[c],
			    heads[c]);
			goto fail_read;
		}
	}
	if (store_begin(st, cause) != 0)
		goto fail_read;
	/* Every row is tried, so that the report names each bad one; any and nothing is kept. */
	while ((got = table_next(tr, &r, cause)) > 0) {
		struct ledger_line_in in = { 0 };
		long long cents;
		int64_t id;
		int refused;
		char *why = NULL;

		if ((size_t)map[0] >= r.ncells || r.cells[map[0]][0] == '\0')
			continue;
		in.outlet = r.cells[map[0]];
		in.amount = (size_t)map[1] < r.ncells ? r.cells[map[1]] : "";
		in.note = map[2] >= 0 && (size_t)map[2] < r.ncells ? r.cells[map[2]] : "";
		in.year = year;
		in.quarter = quarter;
		if (outcome_parse_amount(in.amount, &cents, &why) != 0)
			json_array_append_new(errors, row_error(&r, heads[1], map[1], why));
		else if (map[3] >= 0 && (size_t)map[3] < r.ncells &&
		    (in.from_fair = ledger_fair_parse(r.cells[map[3]])) < 0)
			json_array_append_new(errors, row_error(&r, heads[3], map[3], xasprintf(
			    "应为“是”或“否” / must be 是 (from a fair meeting) or 否 (not)")));
		else if (submit_one(st, a, &in, &id, &refused, &why) != 0) {
			json_array_append_new(errors, row_error(&r, heads[0], map[0], why));
			if (sqlite3_get_autocommit(store_db(st))) {
				/* The store failed (a full disk) and the transaction is gone: stop. */
				*cause = xasprintf("第 %zu 行写入失败，一行也没有导入 / row %zu could not be"
				    " written; no line was imported", r.line, r.line);
				got = -1;
				break;
			}
		} else
			json_array_append_new(ids, json_integer(id));
	}
	if (got < 0) {
		store_rollback(st);
		goto fail_read;
	}
	if ((nerrors = json_array_size(errors)) > 0) {
		store_rollback(st);
		*cause = xasprintf("申报文件有 %zu 处错误，一行也没有导入 / the returns file has %zu"
		    " error%s; no line was imported", nerrors, nerrors, nerrors == 1 ? "" : "s");
		*out = json_pack("{s:b, s:I, s:o}", "ok", 0, "error_count", (json_int_t)nerrors,
		    "errors", errors);
		errors = NULL;
		goto fail_read;
	}
	if (store_commit(st, cause) != 0)
		goto fail_read;
	table_close(tr);
	json_decref(errors);
	*out = json_pack("{s:b, s:I, s:o}", "ok", 1, "rows", (json_int_t)json_array_size(ids),
	    "ids", ids);
	return 0;
fail_read:
	table_close(tr);
fail_noread:
	json_decref(ids);
	json_decref(errors);
	return -1;
}

/*
 * The race test (tests/cli/ledger.sh) stops the process at these points,
 * named by FAIRMATCH_FAULT=stop:NAME, and takes a step from another
 * process before continuing it.  Only test builds have the hook.
 */
static void
fault_stop(const char *name)
{
#ifdef FM_FAULT_INJECTION
	const char *want = getenv("FAIRMATCH_FAULT");

	if (want != NULL && strncmp(want, "stop:", 5) == 0 && strcmp(want + 5, name) == 0)
		raise(SIGSTOP);
#endif
}

int
ledger_evidence_add(struct store *st, const struct ledger_actor *a, int64_t line,
    const char *path, const char *name, const char *kind, int *forbidden, char **cause)
{
	struct line_row l;
	sqlite3_stmt *q;
	struct stat sb;
	char sha[65], *kept = NULL;
	const char *base;
	int known = 0, created;

	*forbidden = 0;
	for (size_t i = 0; i < nitems(evidence_kinds); i++)
		known = known || strcmp(evidence_kinds[i].kind, kind) == 0;
	if (!known) {
		*cause = xasprintf("凭证类别“%s”无效：licence（营业执照）、contract（购销合同）、"
		    "delivery（进货凭证）或 other / evidence kind \"%s\" is not licence, contract,"
		    " delivery or other", kind, kind);
		return -1;
	}
	if (stat(path, &sb) == -1 || !S_ISREG(sb.st_mode)) {
		*cause = xasprintf("读不了 %s / cannot read %s", path, path);
		return -1;
	}
	base = name != NULL ? name : strrchr(path, '/') != NULL ? strrchr(path, '/') + 1 : path;
	fault_stop("ledger-evidence-before-begin");
	/* The line's state is read inside the write transaction: no step slips in between. */
	if (store_begin(st, cause) != 0)
		return -1;
	if (line_load(st, line, &l, cause) <= 0)
		goto fail;
	if (!(a->role & (ROLE_EXPANSION | ROLE_ADMIN)) || !may_see(a, l.province)) {
		refuse(forbidden, cause, xasprintf("%s 不能为第 %lld 条申报添加凭证 / %s may not add"
		    " evidence to line %lld", a->login, (long long)line, a->login, (long long)line));
		goto fail;
	}
	if (strcmp(l.state, "submitted") != 0 && strcmp(l.state, "returned") != 0) {
		*cause = xasprintf("第 %lld 条申报已%s，凭证不能再改 / line %lld is %s: its evidence"
		    " is closed", (long long)line, state_zh(l.state), (long long)line, l.state);
		goto fail;
	}
	if (sha256_file(path, sha, cause) != 0 ||
	    store_blob_keep(st, path, sha, &created, cause) != 0)
		goto fail;
	if (created)
		kept = store_blob_path(st, sha);
	if (store_query_id(st, "INSERT OR IGNORE INTO ledger_evidence (line_id, sha256, kind,"
	    " filename, size, added_by) VALUES (?, ?, ?, ?, ?, ?)", line, &q, cause) != 0)
		goto fail;
	sqlite3_bind_text(q, 2, sha, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 3, kind, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 4, base, -1, SQLITE_STATIC);
	sqlite3_bind_int64(q, 5, (sqlite3_int64)sb.st_size);
	sqlite3_bind_text(q, 6, a->login, -1, SQLITE_STATIC);
	if (ledger_run_once(st, q, cause) != 0 || ledger_history_add(st, line, "evidence", l.state,
	    -1, base, a->login, role_name(a->role), cause) != 0 || store_commit(st, cause) != 0)
		goto fail;
	free(kept);
	return 0;
fail:
	/* Under the write lock still, so that no other writer can have named it meanwhile. */
	if (kept != NULL)
		unlink(kept);	/* a copy this call made and no row names */
	store_rollback(st);
	free(kept);
	return -1;
}

/* The count sql gives for line (?1) and text (?2, bound when not NULL); -1 with *cause. */
static int
line_count(struct store *st, const char *sql, int64_t line, const char *text, char **cause)
{
	sqlite3_stmt *q;
	int n = 0;

	if (store_query_id(st, sql, line, &q, cause) != 0)
		return -1;
	if (text != NULL)
		sqlite3_bind_text(q, 2, text, -1, SQLITE_STATIC);
	if (sqlite3_step(q) == SQLITE_ROW)
		n = sqlite3_column_int(q, 0);
	if (store_finish(st, q, cause) != 0)
		return -1;
	return n;
}

/* How many 联审 signatures by role the line has had since it was last submitted. */
static int
joint_signed(struct store *st, int64_t line, const char *role, char **cause)
{
	return line_count(st, "SELECT count(*) FROM ledger_history WHERE line_id = ?1 AND"
	    " action = 'joint' AND by_role = ?2 AND id > (SELECT max(id) FROM ledger_history"
	    " WHERE line_id = ?1 AND action = 'submit')", line, role, cause);
}

/* How many evidence files a line has; -1 with *cause. */
static int
evidence_count(struct store *st, int64_t line, char **cause)
{
	return line_count(st, "SELECT count(*) FROM ledger_evidence WHERE line_id = ?1", line,
	    NULL, cause);
}

/* Checks that a may take action on l, and works out the state it leaves in *to. */
static int
act_allowed(struct store *st, const struct ledger_actor *a, const struct line_row *l,
    const char *action, const char *comment, const char **to, int *forbidden, char **cause)
{
	const struct step *s = step_for(l->state);
	int n;

	if (!may_see(a, l->province))
		return refuse(forbidden, cause, xasprintf("%s 无权查看第 %lld 条申报 / %s may not"
		    " see line %lld", a->login, (long long)l->id, a->login, (long long)l->id));
	if (strcmp(action, "comment") == 0) {
		if (comment == NULL || *comment == '\0') {
			*cause = xstrdup("意见不能为空 / a comment needs its text");
			return -1;
		}
		*to = l->state;
		return 0;
	}
	if (s == NULL) {
		*cause = xasprintf("第 %lld 条申报%s，没有待审的步骤 / line %lld is %s: no review"
		    " step is pending", (long long)l->id, state_zh(l->state), (long long)l->id,
		    l->state);
		return -1;
	}
	if (strcmp(action, "return") != 0 && strcmp(action, s->action) != 0) {
		*cause = xasprintf("第 %lld 条申报%s，下一步是%s（%s） / line %lld is %s: the next"
		    " step is %s", (long long)l->id, state_zh(l->state), s->zh, s->action,
		    (long long)l->id, l->state, s->action);
		return -1;
	}
	if (!(a->role & s->roles))
		return refuse(forbidden, cause, xasprintf("%s（%s）不能做%s / %s (%s) may not take"
		    " the %s step", a->login, role_name(a->role), s->zh, a->login,
		    role_name(a->role), s->action));
	if (strcmp(a->login, l->submitted_by) == 0)
		return refuse(forbidden, cause, xasprintf("第 %lld 条申报是 %s 填报的，不能自己审核 /"
		    " %s submitted line %lld and may not review it", (long long)l->id, a->login,
		    a->login, (long long)l->id));
	if (strcmp(action, "return") == 0) {
		if (comment == NULL || *comment == '\0') {
			*cause = xstrdup("退回要写明原因 / a return needs its reason");
			return -1;
		}
		*to = "returned";
		return 0;
	}
	if (strcmp(action, "check") == 0) {
		if ((n = evidence_count(st, l->id, cause)) < 0)
			return -1;
		if (n == 0) {
			*cause = xasprintf("第 %lld 条申报没有凭证，不能通过初核（凭证为主） / line %lld"
			    " has no evidence and cannot pass 初核", (long long)l->id,
			    (long long)l->id);
			return -1;
		}
	}
	*to = s->to;
	if (strcmp(action, "joint") == 0) {
		const char *other = a->role == ROLE_ADMIN ? "finance" : "admin";

		if ((n = joint_signed(st, l->id, role_name(a->role), cause)) < 0)
			return -1;
		if (n > 0) {
			*cause = xasprintf("%s 已在联审中签过第 %lld 条 / %s has signed 联审 of line"
			    " %lld already", role_name(a->role), (long long)l->id,
			    role_name(a->role), (long long)l->id);
			return -1;
		}
		if ((n = joint_signed(st, l->id, other, cause)) < 0)
			return -1;
		if (n == 0)
			*to = l->state;		/* the other signature is still to come */
	}
	return 0;
}

int
ledger_line_act(struct store *st, const struct ledger_actor *a, int64_t line,
    const char *action, const char *comment, int *forbidden, char **cause)
{
	static const char *const actions[] = { "check", "review", "joint", "return", "comment" };
	struct line_row l;
	const char *to;
	int known = 0;

	*forbidden = 0;
	for (size_t i = 0; i < nitems(actions); i++)
		known = known || strcmp(actions[i], action) == 0;
	if (!known) {
		*cause = xasprintf("未知操作“%s”：check（初核）、review（复审）、joint（联审）、"
		    "return（退回）或 comment（意见） / unknown action \"%s\"", action, action);
		return -1;
	}
	if (store_begin(st, cause) != 0)
		return -1;
	if (line_load(st, line, &l, cause) <= 0 ||
	    act_allowed(st, a, &l, action, comment, &to, forbidden, cause) != 0 ||
	    (strcmp(to, l.state) != 0 && state_set(st, line, to, cause) != 0) ||
	    ledger_history_add(st, line, action, to, -1, comment, a->login, role_name(a->role),
	    cause) != 0) {
		store_rollback(st);
		return -1;
	}
	return store_commit(st, cause);
}

/* A line's evidence and history as JSON arrays into o; 0 or -1 with *cause. */
static int
line_detail(struct store *st, int64_t line, json_t *o, char **cause)
{
	sqlite3_stmt *q;
	json_t *ev = json_array(), *hi = json_array();

	json_object_set_new(o, "evidence", ev);
	json_object_set_new(o, "history", hi);
	if (store_query_id(st, "SELECT sha256, kind, filename, size, added_by, added_at FROM"
	    " ledger_evidence WHERE line_id = ? ORDER BY added_at, sha256", line, &q, cause) != 0)
		return -1;
	while (sqlite3_step(q) == SQLITE_ROW)
		json_array_append_new(ev, json_pack("{s:s, s:s, s:s, s:I, s:s, s:s}",
		    "sha256", (const char *)sqlite3_column_text(q, 0),
		    "kind", (const char *)sqlite3_column_text(q, 1),
		    "filename", (const char *)sqlite3_column_text(q, 2),
		    "size", (json_int_t)sqlite3_column_int64(q, 3),
		    "by", (const char *)sqlite3_column_text(q, 4),
		    "at", (const char *)sqlite3_column_text(q, 5)));
	if (store_finish(st, q, cause) != 0)
		return -1;
	if (store_query_id(st, "SELECT action, state, amount_cents, comment, by_login, by_role, at"
	    " FROM ledger_history WHERE line_id = ? ORDER BY id", line, &q, cause) != 0)
		return -1;
	while (sqlite3_step(q) == SQLITE_ROW)
		json_array_append_new(hi, json_pack("{s:s, s:s, s:s, s:o, s:s, s:s, s:s, s:s}",
		    "action", (const char *)sqlite3_column_text(q, 0),
		    "state", (const char *)sqlite3_column_text(q, 1),
		    "state_zh", state_zh((const char *)sqlite3_column_text(q, 1)),
		    "amount", sqlite3_column_type(q, 2) == SQLITE_NULL ? json_null() :
		    ledger_str_take(ledger_wan_text(sqlite3_column_int64(q, 2))),
		    "comment", (const char *)sqlite3_column_text(q, 3),
		    "by", (const char *)sqlite3_column_text(q, 4),
		    "role", (const char *)sqlite3_column_text(q, 5),
		    "at", (const char *)sqlite3_column_text(q, 6)));
	return store_finish(st, q, cause);
}

/* The columns a line's JSON is made from, in the lines queries' order. */
#define LINE_COLS "l.id, o.code, o.name, o.kind, o.province, l.year, l.quarter," \
	" l.amount_cents, l.note, l.state, l.submitted_by, l.submitted_at, l.from_fair"

/* One row of a LINE_COLS query as JSON. */
static json_t *
line_row_json(sqlite3_stmt *q)
{
	const char *state = (const char *)sqlite3_column_text(q, 9);
	const struct step *s = step_for(state);

	return json_pack("{s:I, s:s, s:s, s:s, s:s, s:i, s:i, s:o, s:s, s:s, s:s, s:s?, s:s, s:s,"
	    " s:b}",
	    "id", (json_int_t)sqlite3_column_int64(q, 0),
	    "outlet", (const char *)sqlite3_column_text(q, 1),
	    "name", (const char *)sqlite3_column_text(q, 2),
	    "kind", (const char *)sqlite3_column_text(q, 3),
	    "province", (const char *)sqlite3_column_text(q, 4),
	    "year", sqlite3_column_int(q, 5), "quarter", sqlite3_column_int(q, 6),
	    "amount", ledger_str_take(ledger_wan_text(sqlite3_column_int64(q, 7))),
	    "note", (const char *)sqlite3_column_text(q, 8),
	    "state", state, "state_zh", state_zh(state),
	    "next", s != NULL ? s->action : NULL,
	    "submitted_by", (const char *)sqlite3_column_text(q, 10),
	    "submitted_at", (const char *)sqlite3_column_text(q, 11),
	    "from_fair", sqlite3_column_int(q, 12));
}

json_t *
ledger_line_json(struct store *st, const struct ledger_actor *a, int64_t line, int *forbidden,
    char **cause)
{
	sqlite3_stmt *q;
	json_t *o = NULL;

	*forbidden = 0;
	if (store_query_id(st, "SELECT " LINE_COLS " FROM ledger_lines l JOIN ledger_outlets o"
	    " ON o.id = l.outlet_id WHERE l.id = ?", line, &q, cause) != 0)
		return NULL;
	if (sqlite3_step(q) == SQLITE_ROW)
		o = line_row_json(q);
	if (store_finish(st, q, cause) != 0)
		goto fail;
	if (o == NULL) {
		*cause = xasprintf("没有第 %lld 条申报 / no return line %lld", (long long)line,
		    (long long)line);
		return NULL;
	}
	if (!may_see(a, json_string_value(json_object_get(o, "province")))) {
		refuse(forbidden, cause, xasprintf("%s 无权查看第 %lld 条申报 / %s may not see line"
		    " %lld", a->login, (long long)line, a->login, (long long)line));
		goto fail;
	}
	if (line_detail(st, line, o, cause) != 0)
		goto fail;
	return o;
fail:
	json_decref(o);
	return NULL;
}

json_t *
ledger_lines_json(struct store *st, const struct ledger_actor *a, int year, int quarter,
    const char *state, char **cause)
{
	sqlite3_stmt *q;
	json_t *arr = json_array();

	if (store_query(st, "SELECT " LINE_COLS " FROM ledger_lines l JOIN ledger_outlets o"
	    " ON o.id = l.outlet_id WHERE l.year = ?1 AND (?2 = 0 OR l.quarter = ?2)"
	    " AND (?3 IS NULL OR l.state = ?3) AND (?4 IS NULL OR o.province = ?4)"
	    " ORDER BY l.id", &q, cause) != 0) {
		json_decref(arr);
		return NULL;
	}
	sqlite3_bind_int(q, 1, year);
	sqlite3_bind_int(q, 2, quarter);
	sqlite3_bind_text(q, 3, state, -1, SQLITE_STATIC);
	if (!(a->role & (ROLE_ADMIN | ROLE_FINANCE)))
		sqlite3_bind_text(q, 4, a->province != NULL ? a->province : "-", -1,
		    SQLITE_STATIC);
	while (sqlite3_step(q) == SQLITE_ROW)
		json_array_append_new(arr, line_row_json(q));
	if (store_finish(st, q, cause) != 0) {
		json_decref(arr);
		return NULL;
	}
	return json_pack("{s:i, s:i, s:o}", "year", year, "quarter", quarter, "lines", arr);
}
