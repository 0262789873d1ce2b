/*
 * fixed_dzn.c — a strict reader for the B2B benchmark's MiniZinc data files
 * (fixtures/b2b/README.md): `name = value;` where a value is an
 * integer, an array `[a, b]`, a 2-D array `[| a, b | c, d |]` or an array of
 * sets `[{a, b}, {}]`.  The text is read whole into values, then checked
 * against a table of the keys an instance has, then turned into a model.
 */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fixed.h"
#include "util.h"

#define DZN_MAX_FILE	(64L * 1024 * 1024)	/* bigger than any instance by far */
#define DZN_MAX_INT	1000000000L

enum dzn_tok {
	TOK_EOF,
	TOK_INT,
	TOK_IDENT,
	TOK_PUNCT,
};

struct dzn_lexer {
	const char	*p;		/* next character */
	const char	*end;		/* end of the text */
	int		 line;		/* line of p, from 1 */
	enum dzn_tok	 tok;		/* the current token */
	int		 tok_line;	/* its line */
	char		 punct;		/* the character, if TOK_PUNCT */
	long		 num;		/* the value, if TOK_INT */
	char		 ident[64];	/* the name, if TOK_IDENT */
};

/* How a value was written. */
enum dzn_kind {
	DZN_INT,	/* 42 */
	DZN_ARRAY,	/* [1, 2, 3]: one group per element */
	DZN_TABLE,	/* [| 1, 2 | 3, 4 |]: one group per row */
	DZN_SETS,	/* [{1, 2}, {}]: one group per set */
};

/* A parsed value: integers in groups, each group with the line it starts on. */
struct dzn_value {
	int		 present;	/* 1 once defined */
	int		 line;		/* line of the key */
	enum dzn_kind	 kind;
	long		*v;		/* all integers, group after group; owned */
	int		 nv;		/* entries in v */
	int		*start;		/* group g is v[start[g] .. start[g+1]-1]; owned */
	int		*gline;		/* line of group g; owned */
	int		 ngroups;	/* groups */
};

/* The keys of an instance, in the order of the files. */
enum dzn_key {
	K_NBUSINESS, K_NMEETINGS, K_NTABLES, K_NTOTALSLOTS, K_NMORNINGSLOTS,
	K_REQUESTED, K_MEETINGSXBUSINESS, K_NMEETINGSBUSINESS, K_FORBIDDEN,
	K_FIXED, K_PRECEDENCES, K_COUNT
};

static const struct {
	const char	*name;
	enum dzn_kind	 kind;
	const char	*what;		/* the expected shape, for messages */
} dzn_keys[K_COUNT] = {
	[K_NBUSINESS] = { "nBusiness", DZN_INT, "an integer" },
	[K_NMEETINGS] = { "nMeetings", DZN_INT, "an integer" },
	[K_NTABLES] = { "nTables", DZN_INT, "an integer" },
	[K_NTOTALSLOTS] = { "nTotalSlots", DZN_INT, "an integer" },
	[K_NMORNINGSLOTS] = { "nMorningSlots", DZN_INT, "an integer" },
	[K_REQUESTED] = { "requested", DZN_TABLE, "a 2-D array [| p1, p2, session | … |]" },
	[K_MEETINGSXBUSINESS] = { "meetingsxBusiness", DZN_SETS, "an array of sets" },
	[K_NMEETINGSBUSINESS] = { "nMeetingsBusiness", DZN_ARRAY, "an array of integers" },
	[K_FORBIDDEN] = { "forbidden", DZN_SETS, "an array of sets" },
	[K_FIXED] = { "fixed", DZN_ARRAY, "an array of integers" },
	[K_PRECEDENCES] = { "precedences", DZN_SETS, "an array of sets" },
};

/* Bounds on the scalar keys: what a fair could need, and no more. */
static const struct {
	enum dzn_key	 key;
	long		 min;
	long		 max;
} dzn_bounds[] = {
	{ K_NBUSINESS, 1, 100000 },
	{ K_NMEETINGS, 0, 1000000 },
	{ K_NTABLES, 1, 100000 },
	{ K_NTOTALSLOTS, 1, 10000 },
	{ K_NMORNINGSLOTS, 0, 10000 },
};

struct dzn_parser {
	struct dzn_lexer	 lx;
	const char		*name;		/* file name for messages */
	const char		*inside;	/* key being read, for "ends inside" */
	struct dzn_value	 val[K_COUNT];
	char			*cause;		/* the first error; owned */
};

/* Records the first error as "name:line: message". */
static int FM_PRINTF(3, 4)
dzn_error(struct dzn_parser *ps, int line, const char *fmt, ...)
{
	va_list ap;
	char *msg;

	if (ps->cause != NULL)
		return -1;
	va_start(ap, fmt);
	msg = xvasprintf(fmt, ap);
	va_end(ap);
	if (line > 0)
		ps->cause = xasprintf("%s:%d: %s", ps->name, line, msg);
	else
		ps->cause = xasprintf("%s: %s", ps->name, msg);
	free(msg);
	return -1;
}

/* Describes the current token for messages; returns a static string or lx->ident. */
static const char *
dzn_tok_desc(struct dzn_lexer *lx, char *tmp, size_t len)
{
	switch (lx->tok) {
	case TOK_EOF:
		return "文件结尾 / end of file";
	case TOK_INT:
		snprintf(tmp, len, "%ld", lx->num);
		return tmp;
	case TOK_IDENT:
		return lx->ident;
	case TOK_PUNCT:
		snprintf(tmp, len, "“%c”", lx->punct);
		return tmp;
	}
	return "?";
}

/* Reads the next token; skips blanks and % comments. */
static int
dzn_next(struct dzn_parser *ps)
{
	struct dzn_lexer *lx = &ps->lx;
	const char *s;
	char digits[32];
	size_t n;

	for (;;) {
		while (lx->p < lx->end && isspace((unsigned char)*lx->p)) {
			if (*lx->p == '\n')
				lx->line++;
			lx->p++;
		}
		if (lx->p < lx->end && *lx->p == '%') {
			while (lx->p < lx->end && *lx->p != '\n')
				lx->p++;
			continue;
		}
		break;
	}
	lx->tok_line = lx->line;
	if (lx->p == lx->end) {
		lx->tok = TOK_EOF;
		return 0;
	}
	s = lx->p;
	if (isdigit((unsigned char)*s) || (*s == '-' && s + 1 < lx->end &&
	    isdigit((unsigned char)s[1]))) {
		n = 1;
		while (s + n < lx->end && isdigit((unsigned char)s[n]))
			n++;
		if (n >= sizeof digits)
			return dzn_error(ps, lx->line, "数字过长 / number too long: %.*s",
			    (int)n, s);
		memcpy(digits, s, n);
		digits[n] = '\0';
		if (parse_long(digits, -DZN_MAX_INT, DZN_MAX_INT, &lx->num) != 0)
			return dzn_error(ps, lx->line, "数字超出范围 / number out of range: %s",
			    digits);
		lx->p += n;
		lx->tok = TOK_INT;
		return 0;
	}
	if (isalpha((unsigned char)*s) || *s == '_') {
		n = 1;
		while (s + n < lx->end && (isalnum((unsigned char)s[n]) || s[n] == '_'))
			n++;
		if (n >= sizeof lx->ident)
			return dzn_error(ps, lx->line, "名称过长 / name too long: %.*s",
			    (int)n, s);
		memcpy(lx->ident, s, n);
		lx->ident[n] = '\0';
		lx->p += n;
		lx->tok = TOK_IDENT;
		return 0;
	}
	if (strchr("=;[]|{},", *s) != NULL && *s != '\0') {
		lx->punct = *s;
		lx->p++;
		lx->tok = TOK_PUNCT;
		return 0;
	}
	if (isprint((unsigned char)*s))
		return dzn_error(ps, lx->line, "意外的字符 / unexpected character “%c”", *s);
	return dzn_error(ps, lx->line, "意外的字节 / unexpected byte 0x%02x",
	    (unsigned char)*s);
}

/* Whether the current token is the punctuation c. */
static int
dzn_is(struct dzn_parser *ps, char c)
{
	return ps->lx.tok == TOK_PUNCT && ps->lx.punct == c;
}

/* Fails with "expected WHAT"; a file that ends here was cut short. */
static int
dzn_expected(struct dzn_parser *ps, const char *what)
{
	char tmp[32];

	if (ps->lx.tok == TOK_EOF) {
		if (ps->inside != NULL)
			return dzn_error(ps, ps->lx.tok_line, "文件在“%s”中途结束（被截断？） /"
			    " the file ends inside “%s” (cut short?)", ps->inside, ps->inside);
		return dzn_error(ps, ps->lx.tok_line, "文件意外结束（被截断？） / the file"
		    " ends unexpectedly (cut short?)");
	}
	return dzn_error(ps, ps->lx.tok_line, "“%s”中应为 %s，却是 %s / in “%s”, expected"
	    " %s, found %s", ps->inside ? ps->inside : "?", what,
	    dzn_tok_desc(&ps->lx, tmp, sizeof tmp), ps->inside ? ps->inside : "?", what,
	    dzn_tok_desc(&ps->lx, tmp, sizeof tmp));
}

/* Consumes the punctuation c or fails. */
static int
dzn_expect(struct dzn_parser *ps, char c)
{
	char what[8];

	if (!dzn_is(ps, c)) {
		snprintf(what, sizeof what, "“%c”", c);
		return dzn_expected(ps, what);
	}
	return dzn_next(ps);
}

/* Starts a new group on line. */
static void
dzn_group(struct dzn_value *v, int line)
{
	v->start = xreallocarray(v->start, (size_t)v->ngroups + 2, sizeof *v->start);
	v->gline = xreallocarray(v->gline, (size_t)v->ngroups + 1, sizeof *v->gline);
	v->start[v->ngroups] = v->nv;
	v->gline[v->ngroups] = line;
	v->ngroups++;
	v->start[v->ngroups] = v->nv;
}

/* Adds an integer to the last group. */
static void
dzn_push(struct dzn_value *v, long x)
{
	if ((v->nv & (v->nv - 1)) == 0)
		v->v = xreallocarray(v->v, v->nv == 0 ? 1 : 2 * (size_t)v->nv, sizeof *v->v);
	v->v[v->nv++] = x;
	v->start[v->ngroups] = v->nv;
}

/* Reads an integer into the last group. */
static int
dzn_int(struct dzn_parser *ps, struct dzn_value *v)
{
	if (ps->lx.tok != TOK_INT)
		return dzn_expected(ps, "整数 / an integer");
	dzn_push(v, ps->lx.num);
	return dzn_next(ps);
}

/* Reads "{a, b, …}" (at "{") as one group. */
static int
dzn_set(struct dzn_parser *ps, struct dzn_value *v)
{
	dzn_group(v, ps->lx.tok_line);
	if (dzn_expect(ps, '{') != 0)
		return -1;
	if (dzn_is(ps, '}'))
		return dzn_next(ps);
	for (;;) {
		if (dzn_int(ps, v) != 0)
			return -1;
		if (dzn_is(ps, '}'))
			return dzn_next(ps);
		if (dzn_expect(ps, ',') != 0)
			return -1;
	}
}

/* Reads the rows of "[| … |]" after "[|". */
static int
dzn_table(struct dzn_parser *ps, struct dzn_value *v)
{
	v->kind = DZN_TABLE;
	if (dzn_is(ps, '|')) {		/* [| |] */
		if (dzn_next(ps) != 0)
			return -1;
		return dzn_expect(ps, ']');
	}
	for (;;) {
		dzn_group(v, ps->lx.tok_line);
		for (;;) {
			if (dzn_int(ps, v) != 0)
				return -1;
			if (dzn_is(ps, ',') && dzn_next(ps) != 0)
				return -1;
			if (dzn_is(ps, '|'))
				break;
			if (ps->lx.tok != TOK_INT)
				return dzn_expected(ps, "“,”、“|” 或整数 / “,”, “|” or an integer");
		}
		if (dzn_next(ps) != 0)
			return -1;
		if (dzn_is(ps, ']'))
			return dzn_next(ps);
	}
}

/* Reads a value: an integer or one of the array forms. */
static int
dzn_value(struct dzn_parser *ps, struct dzn_value *v)
{
	if (ps->lx.tok == TOK_INT) {
		v->kind = DZN_INT;
		dzn_group(v, ps->lx.tok_line);
		return dzn_int(ps, v);
	}
	if (dzn_expect(ps, '[') != 0)
		return -1;
	if (dzn_is(ps, '|')) {
		if (dzn_next(ps) != 0)
			return -1;
		return dzn_table(ps, v);
	}
	v->kind = dzn_is(ps, '{') ? DZN_SETS : DZN_ARRAY;
	if (dzn_is(ps, ']'))
		return dzn_next(ps);
	for (;;) {
		if (v->kind == DZN_SETS) {
			if (dzn_set(ps, v) != 0)
				return -1;
		} else {
			dzn_group(v, ps->lx.tok_line);
			if (dzn_int(ps, v) != 0)
				return -1;
		}
		if (dzn_is(ps, ']'))
			return dzn_next(ps);
		if (dzn_expect(ps, ',') != 0)
			return -1;
	}
}

/* Reads every "name = value;" until the end of the text. */
static int
dzn_statements(struct dzn_parser *ps)
{
	if (dzn_next(ps) != 0)
		return -1;
	while (ps->lx.tok != TOK_EOF) {
		struct dzn_value *v;
		int k, line = ps->lx.tok_line;

		ps->inside = NULL;
		if (ps->lx.tok != TOK_IDENT)
			return dzn_expected(ps, "名称 / a name");
		for (k = 0; k < K_COUNT; k++)
			if (strcmp(ps->lx.ident, dzn_keys[k].name) == 0)
				break;
		if (k == K_COUNT)
			return dzn_error(ps, line, "未知的键 / unknown key “%s”", ps->lx.ident);
		v = &ps->val[k];
		if (v->present)
			return dzn_error(ps, line, "“%s”重复定义（首次在第 %d 行） / “%s” defined"
			    " twice (first on line %d)", dzn_keys[k].name, v->line,
			    dzn_keys[k].name, v->line);
		v->present = 1;
		v->line = line;
		ps->inside = dzn_keys[k].name;
		if (dzn_next(ps) != 0 || dzn_expect(ps, '=') != 0 || dzn_value(ps, v) != 0 ||
		    dzn_expect(ps, ';') != 0)
			return -1;
		/* "[]" reads as an empty array; it is also an empty array of sets. */
		if (v->kind == DZN_ARRAY && v->ngroups == 0 && dzn_keys[k].kind == DZN_SETS)
			v->kind = DZN_SETS;
		if (v->kind != dzn_keys[k].kind)
			return dzn_error(ps, line, "“%s”应为%s / “%s” must be %s",
			    dzn_keys[k].name, dzn_keys[k].what, dzn_keys[k].name,
			    dzn_keys[k].what);
	}
	ps->inside = NULL;
	return 0;
}

/* The single integer of a scalar key. */
static long
dzn_scalar(struct dzn_parser *ps, enum dzn_key k)
{
	return ps->val[k].v[0];
}

/* Fails unless array key k has exactly n entries (groups). */
static int
dzn_count(struct dzn_parser *ps, enum dzn_key k, long n, const char *of, enum dzn_key by)
{
	const struct dzn_value *v = &ps->val[k];

	if (v->ngroups == n)
		return 0;
	return dzn_error(ps, v->line, "“%s”有 %d 项，而 %s = %ld / “%s” has %d entries but"
	    " %s = %ld (one per %s)", dzn_keys[k].name, v->ngroups, dzn_keys[by].name, n,
	    dzn_keys[k].name, v->ngroups, dzn_keys[by].name, n, of);
}

/* Checks the scalars and the shapes of the arrays against them. */
static int
dzn_check_shapes(struct dzn_parser *ps)
{
	for (int k = 0; k < K_COUNT; k++)
		if (!ps->val[k].present)
			return dzn_error(ps, 0, "缺少“%s” / “%s” is missing", dzn_keys[k].name,
			    dzn_keys[k].name);
	for (size_t i = 0; i < nitems(dzn_bounds); i++) {
		const struct dzn_value *v = &ps->val[dzn_bounds[i].key];

		if (v->v[0] < dzn_bounds[i].min || v->v[0] > dzn_bounds[i].max)
			return dzn_error(ps, v->line, "“%s” = %ld 超出 %ld..%ld / “%s” = %ld is"
			    " outside %ld..%ld", dzn_keys[dzn_bounds[i].key].name, v->v[0],
			    dzn_bounds[i].min, dzn_bounds[i].max,
			    dzn_keys[dzn_bounds[i].key].name, v->v[0], dzn_bounds[i].min,
			    dzn_bounds[i].max);
	}
	if (dzn_scalar(ps, K_NMORNINGSLOTS) > dzn_scalar(ps, K_NTOTALSLOTS))
		return dzn_error(ps, ps->val[K_NMORNINGSLOTS].line, "上午时段数 %ld 多于总时段数"
		    " %ld / nMorningSlots = %ld exceeds nTotalSlots = %ld",
		    dzn_scalar(ps, K_NMORNINGSLOTS), dzn_scalar(ps, K_NTOTALSLOTS),
		    dzn_scalar(ps, K_NMORNINGSLOTS), dzn_scalar(ps, K_NTOTALSLOTS));
	if (dzn_count(ps, K_REQUESTED, dzn_scalar(ps, K_NMEETINGS), "meeting", K_NMEETINGS) ||
	    dzn_count(ps, K_FIXED, dzn_scalar(ps, K_NMEETINGS), "meeting", K_NMEETINGS) ||
	    dzn_count(ps, K_PRECEDENCES, dzn_scalar(ps, K_NMEETINGS), "meeting",
	    K_NMEETINGS) ||
	    dzn_count(ps, K_MEETINGSXBUSINESS, dzn_scalar(ps, K_NBUSINESS), "participant",
	    K_NBUSINESS) ||
	    dzn_count(ps, K_NMEETINGSBUSINESS, dzn_scalar(ps, K_NBUSINESS), "participant",
	    K_NBUSINESS) ||
	    dzn_count(ps, K_FORBIDDEN, dzn_scalar(ps, K_NBUSINESS), "participant",
	    K_NBUSINESS))
		return -1;
	return 0;
}

/* Builds the meetings from "requested", "fixed" and "precedences". */
static int
dzn_meetings(struct dzn_parser *ps, struct fixed_model *m)
{
	static const int sessions[] = { 0, FIXED_AM, FIXED_PM, FIXED_EITHER };
	const struct dzn_value *rq = &ps->val[K_REQUESTED], *fx = &ps->val[K_FIXED];
	const struct dzn_value *pr = &ps->val[K_PRECEDENCES];

	for (int i = 0; i < rq->ngroups; i++) {
		const long *r = rq->v + rq->start[i];
		int n = rq->start[i + 1] - rq->start[i], line = rq->gline[i];

		if (n != 3)
			return dzn_error(ps, line, "会谈 %d 应有 3 个数（参与方、参与方、时段限制），却有"
			    " %d 个 / meeting %d needs 3 numbers (participant, participant,"
			    " session), not %d", i + 1, n, i + 1, n);
		for (int j = 0; j < 2; j++)
			if (r[j] < 1 || r[j] > m->nparticipants)
				return dzn_error(ps, line, "会谈 %d 的参与方 %ld 不存在（共 %d 个参与方） /"
				    " meeting %d has an unknown participant %ld (nBusiness = %d)",
				    i + 1, r[j], m->nparticipants, i + 1, r[j], m->nparticipants);
		if (r[0] == r[1])
			return dzn_error(ps, line, "会谈 %d 的两方都是参与方 %ld / meeting %d has"
			    " participant %ld on both sides", i + 1, r[0], i + 1, r[0]);
		if (r[2] < 1 || r[2] > 3)
			return dzn_error(ps, line, "会谈 %d 的时段限制应为 1（上午）、2（下午）或 3（均可），"
			    "却是 %ld / meeting %d: the session must be 1 (morning), 2"
			    " (afternoon) or 3 (either), not %ld", i + 1, r[2], i + 1, r[2]);
		fixed_model_add(m, (int)r[0] - 1, (int)r[1] - 1, sessions[r[2]]);
	}
	for (int i = 0; i < m->nmeetings; i++) {
		long f = fx->v[fx->start[i]];

		if (f < 0 || f > m->nslots)
			return dzn_error(ps, fx->gline[i], "会谈 %d 的固定时段 %ld 超出 0..%d /"
			    " meeting %d: fixed slot %ld is outside 0..%d", i + 1, f, m->nslots,
			    i + 1, f, m->nslots);
		m->meetings[i].fixed = (int)f - 1;
	}
	for (int i = 0; i < m->nmeetings; i++)
		for (int j = pr->start[i]; j < pr->start[i + 1]; j++) {
			long q = pr->v[j];

			if (q < 1 || q > m->nmeetings || q == i + 1)
				return dzn_error(ps, pr->gline[i], "会谈 %d 的前序会谈 %ld 无效 /"
				    " meeting %d: preceding meeting %ld is not another meeting"
				    " (1..%d)", i + 1, q, i + 1, q, m->nmeetings);
			fixed_model_precede(m, (int)q - 1, i);
		}
	return 0;
}

/* Checks the per-participant arrays against the meetings; fills forbidden. */
static int
dzn_participants(struct dzn_parser *ps, struct fixed_model *m)
{
	const struct dzn_value *mx = &ps->val[K_MEETINGSXBUSINESS];
	const struct dzn_value *nm = &ps->val[K_NMEETINGSBUSINESS];
	const struct dzn_value *fb = &ps->val[K_FORBIDDEN];
	int *degree = xcalloc((size_t)m->nparticipants, sizeof *degree), rc = -1;
	unsigned char *listed = xcalloc((size_t)m->nmeetings + 1, 1);

	for (int i = 0; i < m->nmeetings; i++) {
		degree[m->meetings[i].a]++;
		degree[m->meetings[i].b]++;
	}
	for (int p = 0; p < m->nparticipants; p++) {
		int has_one = 0, n = 0;

		memset(listed, 0, (size_t)m->nmeetings + 1);
		/* The ids are shifted by one: 1 stands for "no meeting". */
		for (int j = mx->start[p]; j < mx->start[p + 1]; j++) {
			long q = mx->v[j];

			if (q == 1) {
				has_one = 1;
				continue;
			}
			if (q < 2 || q > m->nmeetings + 1 || (m->meetings[q - 2].a != p &&
			    m->meetings[q - 2].b != p)) {
				dzn_error(ps, mx->gline[p], "meetingsxBusiness：参与方 %d 列出的 %ld"
				    "（会谈 %ld）不是其会谈 / meetingsxBusiness: participant %d lists"
				    " %ld (meeting %ld), which is not one of its meetings", p + 1, q,
				    q - 1, p + 1, q, q - 1);
				goto out;
			}
			if (!listed[q - 1]) {
				listed[q - 1] = 1;
				n++;
			}
		}
		if (!has_one || n != degree[p]) {
			dzn_error(ps, mx->gline[p], "meetingsxBusiness：参与方 %d 应列出 1 和其 %d 个"
			    "会谈（各加 1），却列出 %d 个 / meetingsxBusiness: participant %d must"
			    " list 1 and its %d meetings shifted by one, but lists %d", p + 1,
			    degree[p], n, p + 1, degree[p], n);
			goto out;
		}
		if (nm->v[nm->start[p]] != degree[p]) {
			dzn_error(ps, nm->gline[p], "nMeetingsBusiness：参与方 %d 记为 %ld 个会谈，"
			    "requested 中却有 %d 个 / nMeetingsBusiness: participant %d is given %ld"
			    " meetings but has %d in requested", p + 1, nm->v[nm->start[p]],
			    degree[p], p + 1, nm->v[nm->start[p]], degree[p]);
			goto out;
		}
		if (degree[p] > m->nslots) {
			dzn_error(ps, mx->gline[p], "参与方 %d 有 %d 个会谈，但只有 %d 个时段 /"
			    " participant %d has %d meetings but there are only %d slots",
			    p + 1, degree[p], m->nslots, p + 1, degree[p], m->nslots);
			goto out;
		}
		for (int j = fb->start[p]; j < fb->start[p + 1]; j++) {
			long t = fb->v[j];

			if (t == 0)	/* padding */
				continue;
			if (t < 1 || t > m->nslots) {
				dzn_error(ps, fb->gline[p], "forbidden：参与方 %d 的时段 %ld 超出 1..%d /"
				    " forbidden: participant %d: slot %ld is outside 1..%d", p + 1,
				    t, m->nslots, p + 1, t, m->nslots);
				goto out;
			}
			m->forbidden[p * m->nslots + (t - 1)] = 1;
		}
	}
	rc = 0;
out:
	free(listed);
	free(degree);
	return rc;
}

int
fixed_dzn_parse(const char *text, size_t len, const char *name, struct fixed_model **out,
    char **cause)
{
	struct dzn_parser ps;
	struct fixed_model *m = NULL;
	int rc = -1;

	memset(&ps, 0, sizeof ps);
	ps.lx.p = text;
	ps.lx.end = text + len;
	ps.lx.line = 1;
	ps.name = name;
	*out = NULL;
	if (dzn_statements(&ps) != 0 || dzn_check_shapes(&ps) != 0)
		goto out;
	m = fixed_model_new((int)dzn_scalar(&ps, K_NBUSINESS),
	    (int)dzn_scalar(&ps, K_NTOTALSLOTS), (int)dzn_scalar(&ps, K_NMORNINGSLOTS),
	    (int)dzn_scalar(&ps, K_NTABLES));
	if (dzn_meetings(&ps, m) != 0 || dzn_participants(&ps, m) != 0)
		goto out;
	*out = m;
	m = NULL;
	rc = 0;
out:
	fixed_model_free(m);
	for (int k = 0; k < K_COUNT; k++) {
		free(ps.val[k].v);
		free(ps.val[k].start);
		free(ps.val[k].gline);
	}
	if (rc != 0)
		*cause = ps.cause;
	else
		free(ps.cause);
	return rc;
}

int
fixed_dzn_read(const char *path, struct fixed_model **out, char **cause)
{
	struct buf b = { 0 };
	char chunk[65536];
	FILE *f;
	size_t n;
	int rc;

	*out = NULL;
	if ((f = fopen(path, "rb")) == NULL) {
		*cause = xasprintf("%s: 无法打开 / cannot open: %s", path, strerror(errno));
		return -1;
	}
	while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) {
		if (b.len + n > DZN_MAX_FILE) {
			fclose(f);
			buf_free(&b);
			*cause = xasprintf("%s: 文件过大（超过 %ld 字节） / file too large (over %ld"
			    " bytes)", path, DZN_MAX_FILE, DZN_MAX_FILE);
			return -1;
		}
		buf_add(&b, chunk, n);
	}
	if (ferror(f)) {
		*cause = xasprintf("%s: 读取失败 / read error: %s", path, strerror(errno));
		fclose(f);
		buf_free(&b);
		return -1;
	}
	fclose(f);
	rc = fixed_dzn_parse(b.data != NULL ? b.data : "", b.len, path, out, cause);
	buf_free(&b);
	return rc;
}
