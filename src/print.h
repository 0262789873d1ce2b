/*
 * print.h — the printed documents of a fair (DESIGN.md, "Output"): the
 * supply–demand guide (供需信息指南) from the store, and from a fair's
 * schedule the agendas of each buyer and supplier, a sheet for each table,
 * the whole grid and the sign-in sheets (签到表).
 *
 * The schedule documents are rendered from plain structs (struct agenda),
 * so they need no store; print_agenda_load fills one from the store.
 * Every function writes one PDF to a path, which appears only when it is
 * complete, and may be run off the event loop: progress, if not NULL, is
 * called now and then with the fraction done (0 to 1).
 */
#ifndef FM_PRINT_H
#define FM_PRINT_H

#include <stddef.h>

#include "store.h"

typedef void (*print_progress)(void *arg, double done);

/*
 * The guide: every product grouped by city, then category, after a table
 * of contents with page numbers; then every demand grouped by province.
 * 0, or -1 and *cause (caller frees).
 */
int print_guide(struct store *st, const char *path, print_progress progress, void *arg,
    char **cause);

/* The fair, as its documents head it. */
struct agenda_fair {
	const char	*code;		/* YQH-2026 */
	const char	*name;		/* 中国西部国际投资贸易洽谈会（渝洽会） */
	const char	*city;		/* 重庆市 */
	const char	*dates;		/* 2026-05-21 至 2026-05-24 */
	const char	*venue;		/* or NULL */
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

/* What print_agenda_doc makes. */
enum agenda_doc {
	AGENDA_DOC_PARTIES,	/* an agenda for each participant, buyers first */
	AGENDA_DOC_TABLES,	/* a sheet for each table */
	AGENDA_DOC_GRID,	/* slots × tables, landscape */
	AGENDA_DOC_SIGNIN,	/* sign-in sheets, one set per day */
};

/* "agendas", "tables", "grid", "signin" → the document; -1 if none. */
int print_agenda_doc_by_name(const char *name);

struct print_opts {
	const char	*base_url;	/* kiosk QR codes link to base_url/p/CODE; NULL = no QR */
	print_progress	 progress;
	void		*arg;
};

/*
 * Renders one of a schedule's documents.  Meetings that name a slot, table
 * or party out of range are refused.  0, or -1 and *cause (caller frees).
 * *pages, if not NULL, gets the number of pages written.
 */
int print_agenda_doc(const struct agenda *a, enum agenda_doc doc, const struct print_opts *opts,
    const char *path, int *pages, char **cause);

/*
 * A stored fair's schedule as a struct agenda, for print_agenda_doc.
 * 0 and *out (free with print_agenda_free), or -1 and *cause.
 */
int print_agenda_load(struct store *st, const char *fair_code, struct agenda **out,
    char **cause);
void print_agenda_free(struct agenda *a);

#endif
