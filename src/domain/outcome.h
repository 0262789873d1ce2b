/*
 * outcome.h — what came of a scheduled meeting: held or a
 * no-show, an intention or a contract, its amount in 万元, the product
 * lines and the evidence files.  Every change appends to the history; an
 * amount is never edited in place without a trace.
 */
#ifndef FM_OUTCOME_H
#define FM_OUTCOME_H

#include <stdint.h>

#include <jansson.h>

#include "store.h"

/* Whose figures a caller may see or change: NULL, NULL = everything. */
struct office_scope {
	const char	*city;		/* a city office: meetings with its city's suppliers */
	const char	*province;	/* an expansion office: its province's buyers */
};

/* What to record; NULL or -1 leaves a field as it was. */
struct outcome_in {
	int		 held;		/* 1 held, 0 no-show, -1 unchanged */
	const char	*kind;		/* "none", "intention", "contract" */
	const char	*amount;	/* 万元 as text: "120.5" */
	const char	*products;	/* product lines, '；' or ',' separated */
	const char	*date;		/* the deal's date; default the meeting's day */
	const char	*evidence;	/* a file to keep, or NULL */
	const char	*evidence_name;	/* its name as the user gave it; NULL = basename */
};

/* Why outcome_record or outcome_get failed. */
enum outcome_err {
	OUTCOME_BAD = 1,		/* the input: a field and its value are named */
	OUTCOME_NOT_FOUND,		/* no such fair or meeting */
	OUTCOME_FORBIDDEN,		/* another office's meeting */
	OUTCOME_STORE,			/* the store failed (store_failure says how) */
};

/*
 * "120.5" → 12050 hundredths of 万元: digits, at most two decimals, not
 * negative, below 10^10 万元.  0, or -1 with *cause naming the value.
 */
int outcome_parse_amount(const char *s, long long *cents, char **cause);
/* Hundredths of 万元 as "120.50"; caller frees. */
char *outcome_amount_text(long long cents);

/*
 * Records or changes meeting id of fair in one transaction, appending a
 * history row per changed field; keeps the evidence file by SHA-256.
 * who is a login or cli:<user>; user_id 0 if none.  0 and *out (the
 * outcome as outcome_get shows it; caller decrefs), or -1 with *err and
 * *cause (caller frees), nothing changed.
 */
int outcome_record(struct store *st, const char *fair, long long id,
    const struct outcome_in *in, const char *who, int64_t user_id,
    const struct office_scope *scope, json_t **out, enum outcome_err *err, char **cause);
/*
 * The outcome of meeting id as {meeting, fair, buyer, supplier, recorded,
 * held, kind, amount, products, date, recorded_by, recorded_at, evidence,
 * history}; recorded false when none yet.  NULL with *err and *cause.
 */
json_t *outcome_get(struct store *st, const char *fair, long long id,
    const struct office_scope *scope, enum outcome_err *err, char **cause);

#endif
