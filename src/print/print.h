/*
 * print.h — the printed documents of a fair (DESIGN.md, "Output"): the
 * supply–demand guide (供需信息指南) from the store, and from a fair's
 * schedule the agendas of each buyer and supplier, a sheet for each table,
 * the whole grid, the sign-in sheets (签到表) and the badges (胸牌).
 *
 * The schedule documents are rendered from plain structs (struct agenda),
 * so they need no store; agenda_load (domain layer) fills one from the store.
 * Every function writes one PDF to a path, which appears only when it is
 * complete, and may be run off the event loop: progress, if not NULL, is
 * called now and then with the fraction done (0 to 1).
 */
#ifndef FM_PRINT_H
#define FM_PRINT_H

#include <stddef.h>

#include "agenda.h"
#include "store.h"

typedef void (*print_progress)(void *arg, double done);

/*
 * The guide: every product grouped by city, then category, after a table
 * of contents with page numbers; then every demand grouped by province.
 * 0, or -1 and *cause (caller frees).
 */
int print_guide(struct store *st, const char *path, print_progress progress, void *arg,
    char **cause);

/* What print_agenda_doc makes. */
enum agenda_doc {
	AGENDA_DOC_PARTIES,	/* an agenda for each participant, buyers first */
	AGENDA_DOC_TABLES,	/* a sheet for each table */
	AGENDA_DOC_GRID,	/* slots × tables, landscape */
	AGENDA_DOC_SIGNIN,	/* sign-in sheets, one set per day */
	AGENDA_DOC_BADGES,	/* a badge for each participant, its QR code the badge number */
};

/* "agendas", "tables", "grid", "signin", "badges" → the document; -1 if none. */
int print_agenda_doc_by_name(const char *name);

struct print_opts {
	const char	*base_url;	/* an agenda's QR code opens base_url/p/LINK, the party's
					   personal link (agenda_load_links); NULL = no QR */
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


#endif
