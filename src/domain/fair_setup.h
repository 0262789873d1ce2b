/*
 * fair_setup.h — a fair's days, slots, tables and participants, their
 * availability, and meeting requests: the input of scheduling.
 */
#ifndef FM_FAIR_MODEL_H
#define FM_FAIR_MODEL_H

#include <jansson.h>

#include "store.h"

struct fair_setup {
	int	 days;		/* >= 1 */
	int	 slots_per_day;	/* >= 1 */
	int	 slot_minutes;	/* >= 5 */
	int	 start;		/* minutes after midnight */
	int	 lunch_from;	/* minutes; no slot overlaps lunch; -1 = no lunch */
	int	 lunch_to;
	int	 tables;	/* >= 1 */
};

/* Defaults: 1 day, 8 slots of 20 minutes from 09:00, lunch 12:00-13:30, 20 tables. */
void fair_setup_init(struct fair_setup *fs);

/* "HH:MM" to minutes after midnight; -1 if malformed. */
int fair_parse_time(const char *s);

/*
 * Lays out the fair's days, slots and tables (replacing earlier ones;
 * meetings outside the new grid are dropped) and adds as participants
 * every buyer and supplier of its candidates (badges B<buyer id> and
 * S<supplier id>, kept if already there).  0 and *summary {"fair","days",
 * "slots","tables","buyers","suppliers","dropped"} (caller decrefs), or
 * -1 and *cause.
 */
int fair_setup(struct store *st, const char *code, const struct fair_setup *fs,
    json_t **summary, char **cause);

/*
 * Marks slots (numbers from 1) unavailable (away = 1) or available again
 * for the participant with badge; with nslots 0 and away 0, every slot.
 * Sets its representatives if reps > 0.  0, or -1 and *cause.
 */
int fair_participant_set(struct store *st, const char *code, const char *badge,
    const int *slots, int nslots, int away, int reps, char **cause);

/*
 * Sets a request's state: "accepted", "declined", or "added" (by the
 * organiser), recording who decided (or NULL) and when.  0, or -1 and *cause.
 */
int fair_request_answer(struct store *st, const char *code, long long request_id,
    const char *state, const char *who, char **cause);

/* An organiser's request: like the kiosk's, but added at once; *id gets its id. */
int fair_request_organiser(struct store *st, const char *code, const char *badge,
    const char *product_code, long long *id, char **cause);

/* The id of the buyer's request for product_code's supplier; 0, or -1 and *cause. */
int fair_request_find(struct store *st, const char *code, const char *badge,
    const char *product_code, long long *id, char **cause);

#endif
