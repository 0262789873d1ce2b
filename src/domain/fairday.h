/*
 * fairday.h — running a fair from the console: its layout read back and
 * its tables named, the participants with their requests, candidates and
 * meetings, a walk-in added on the day, requests decided and pairs added
 * or removed by hand, check-in and the arrivals board, a no-show and the
 * backfill meetings it frees room for, a meeting running late.
 *
 * Every action has one shape, so that the API and the command line call
 * them alike: the fair's code, the action's input as a JSON object (the
 * API's body; keys below), who does it (a login, or "cli:<user>"), and
 * *out, a new reference (caller decrefs); 0, or -1 with *cause (caller
 * frees), a message for a person, Chinese / English, and *status, the
 * HTTP status that fits (400 bad input, 404 unknown, 409 a rule).  A
 * failure of the store is -1 too, recorded on st (store_failure), which
 * the server turns into 503 or 500 whatever *status says.
 */
#ifndef FM_FAIRDAY_H
#define FM_FAIRDAY_H

#include <jansson.h>

#include "store.h"

typedef int fairday_fn(struct store *st, const char *fair_code, json_t *in, const char *who,
    json_t **out, int *status, char **cause);

/* {} → {"fair","days","slots_per_day","slot_minutes","start","lunch","slots":[…],"tables":[…]}. */
fairday_fn fairday_setup_get;
/* {"tables":[{"table","name","location"}]} → the tables. */
fairday_fn fairday_tables_set;
/* {} → {"participants":[{"badge","side","name","region","reps","away":[…],…}]}. */
fairday_fn fairday_participants;
/* {"badge"} → one participant with its "requests", "candidates" and "meetings". */
fairday_fn fairday_participant;
/*
 * {"side":"buyer"|"supplier","name","region","reps"?,"pairs":[badge…]?} →
 * the new participant, checked in, with hand pairs to the badges given.
 */
fairday_fn fairday_walk_in;
/* {"badge","away":[slots]?,"back":[slots]|"all"?,"reps"?} → the participant. */
fairday_fn fairday_availability;
/* {"state"?} → {"requests":[{"id","state","buyer","supplier","product","asked_by",…}]}. */
fairday_fn fairday_requests;
/* {"id","state":"accepted"|"declined"} → the request. */
fairday_fn fairday_request_decide;
/* {"buyer","supplier","remove"?:true} → the pair, added (or removed) by hand. */
fairday_fn fairday_pair;
/* {"badge"} → the participant, checked in, with its meetings. */
fairday_fn fairday_check_in;
/* {} → {"expected","arrived","no_show","arrivals":[…],"waiting":[…]}. */
fairday_fn fairday_arrivals;
/* {"badge"} → {"badge","meetings": n marked}. */
fairday_fn fairday_no_show;
/* {} → {"proposals":[{"meeting","slot","table","when","table_name","present","partner","score"}]}. */
fairday_fn fairday_backfill;
/* {"meeting","buyer","supplier"} → the new meeting in the freed place. */
fairday_fn fairday_backfill_accept;
/* {"id","minutes"} → the meeting, marked late (0 clears it). */
fairday_fn fairday_late;

#endif
