/*
 * agenda.h — a fair's schedule as plain structs for the printed documents
 * (struct agenda): the fair, its slots and tables, who attends and who
 * meets whom.  agenda_load fills one from the store; src/print renders it
 * without touching the store.
 */
#ifndef FM_AGENDA_H
#define FM_AGENDA_H

#include <stddef.h>

#include "store.h"

/* The fair, as its documents head it. */
struct agenda_fair {
	const char	*code;		/* YQH-2026 */
	const char	*name;		/* 中国西部国际投资贸易洽谈会（渝洽会） */
	const char	*city;		/* 重庆市 */
	const char	*dates;		/* 2026-05-21 至 2026-05-24 */
	const char	*venue;		/* or NULL */
	int		 version;	/* the published schedule's version, 0 if none is */
};

/* One time slot of the timetable. */
struct agenda_slot {
	const char	*day;		/* 2026-05-21 */
	const char	*start;		/* 09:00 */
	const char	*end;		/* 09:20 */
};

enum agenda_role { AGENDA_BUYER, AGENDA_SUPPLIER };

/* A buyer (采购商) or a supplier (供应商) at the fair. */
struct agenda_party {
	enum agenda_role	 role;
	const char		*code;		/* their id in the kiosk's URL */
	const char		*name;		/* the company or buying unit */
	const char		*region;	/* a supplier's city, a buyer's province */
	const char		*contact;	/* a person, or NULL */
	const char		*phone;		/* or NULL */
	const char		*link;		/* their personal link's token, or NULL */
	const char		*pin;		/* a buyer's kiosk PIN (links_pin), or NULL */
};

/* One meeting: who meets whom, when and where, about what. */
struct agenda_meeting {
	size_t		 slot;		/* index into slots */
	size_t		 table;		/* index into tables */
	size_t		 buyer;		/* index into parties, an AGENDA_BUYER */
	size_t		 supplier;	/* index into parties, an AGENDA_SUPPLIER */
	const char	*want;		/* what the buyer wants (the demand), or NULL */
	const char	*offer;		/* what the supplier offers (the product), or NULL */
};

/* A fair's schedule.  Borrowed pointers throughout; nothing here is freed by print. */
struct agenda {
	struct agenda_fair		 fair;
	const struct agenda_slot	*slots;
	size_t				 nslots;
	const char *const		*tables;	/* table labels: 1, 2 … or A01 … */
	size_t				 ntables;
	const struct agenda_party	*parties;
	size_t				 nparties;
	const struct agenda_meeting	*meetings;
	size_t				 nmeetings;
};

/*
 * A stored fair's schedule as a struct agenda, for print_agenda_doc.
 * 0 and *out (free with agenda_free), or -1 and *cause.
 */
int agenda_load(struct store *st, const char *fair_code, struct agenda **out,
    char **cause);
void agenda_free(struct agenda *a);

/*
 * Issues the personal links of a's participants (links_issue: writes) and
 * sets each party's link, and each buyer's kiosk PIN.  0, or -1 with *cause.
 */
int agenda_load_links(struct store *st, struct agenda *a, char **cause);

#endif
