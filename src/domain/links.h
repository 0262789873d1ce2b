/*
 * links.h — a participant's personal link (migration 11): the token in the
 * agenda's QR code that opens their page with no password.
 *
 * A token is HMAC-SHA256 of the participant and the link's generation under
 * DATA/link.key (256 bits, base64url), so printing the agendas again gives
 * the same codes; the store keeps only its SHA-256, as for API tokens.  A
 * link ends the day after the fair's last day (in the fair's zone) or when
 * revoked; revoking moves the participant to the next generation, so the
 * next print carries a new code.
 */
#ifndef FM_LINKS_H
#define FM_LINKS_H

#include <stdint.h>

#include <jansson.h>

#include "store.h"

#define LINK_TOKEN_LEN	44	/* 43 base64url characters and NUL */

/* A fair's participants and their tokens. */
struct links;

/*
 * Issues (or issues again: same codes) the link of every participant of
 * fair_code, noting each one's meetings as printed now so that the page
 * can mark what changed.  Writes; makes DATA/link.key if missing.  0 and
 * *out (free with links_free), or -1 with *cause.
 */
int links_issue(struct store *st, const char *fair_code, struct links **out, char **cause);
/* The token of participants.id pid, or NULL; valid until links_free. */
const char *links_token(const struct links *l, int64_t pid);
void links_free(struct links *l);

/* Who a link opens. */
struct link_who {
	int64_t	 fair_id;
	int64_t	 pid;		/* participants.id */
	char	*fair_code;	/* owned */
	char	*badge;		/* owned */
	char	*printed;	/* the meetings as printed, "slot:table:other," …; owned */
};

/*
 * The participant whose live link token is: 1 and *who (clear with
 * link_who_clear), 0 for no such link (unknown, revoked or expired: the
 * caller says nothing more), or -1 with *cause for the store's failure.
 * Reads only.
 */
int links_resolve(struct store *st, const char *token, struct link_who *who, char **cause);
void link_who_clear(struct link_who *who);

/*
 * Revokes the live link of badge (any case) at fair_code: its code opens
 * nothing from now on, and the next print carries a new one.  0, or -1
 * with *cause (naming the badge when it has no live link).
 */
int links_revoke(struct store *st, const char *fair_code, const char *badge, char **cause);

/*
 * The page of who: {"fair":{code,name,city,start_date,end_date},
 * "me":{badge,name,side,region,reps,away:[slot…]}, "meetings":[{id,slot,
 * date,start,end,table,table_name,location,with:{badge,name,region},about,
 * changed}], "incoming":[{id,state,with,product}], "outgoing":[…],
 * "slots":[{slot,date,start,end}]}: only what is theirs.  A new reference,
 * or NULL with *cause.  Reads only.
 */
json_t *links_page(struct store *st, const struct link_who *who, char **cause);

/*
 * Answers a request to who (a supplier): state "accepted" or "declined".
 * 0; 1 if the request is not one to who (nothing changes); -1 with *cause.
 */
int links_answer(struct store *st, const struct link_who *who, long long request_id,
    const char *state, char **cause);

/*
 * The 6-digit PIN printed beside badge on its agenda, the kiosk's proof
 * that the buyer holds it: HMAC-SHA256 of the fair and the badge (upper
 * case) under DATA/link.key, so printing again gives the same PIN.
 * Makes DATA/link.key if missing.  0, or -1 with *cause.
 */
#define LINK_PIN_LEN	7	/* 6 digits and NUL */
int links_pin(struct store *st, const char *fair_code, const char *badge,
    char pin[LINK_PIN_LEN], char **cause);

/*
 * The kiosk's meeting request: the buyer who holds the live link token
 * (of fair_code) or else badge (any case) with its pin asks the supplier
 * of product_code, leaving phone (already normalised) to be called back.
 * Asking again is the same request (its phone updated).  1 and *id; 0 when
 * the token, or badge and pin, identify no one of the fair (the caller
 * says nothing more); -1 with *cause.
 */
int links_kiosk_request(struct store *st, const char *fair_code, const char *token,
    const char *badge, const char *pin, const char *product_code, const char *phone,
    long long *id, char **cause);

#endif
