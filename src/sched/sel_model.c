/*
 * sel_model.c — building and freeing a selection-mode model.
 */
#include <stdlib.h>

#include "sel.h"
#include "util.h"

struct sel_model *
sel_model_new(int nbuyers, int nsuppliers, int nslots, int ntables)
{
	struct sel_model *m = xcalloc(1, sizeof *m);

	m->nbuyers = nbuyers;
	m->nsuppliers = nsuppliers;
	m->nslots = nslots;
	m->ntables = ntables;
	m->slot_day = xcalloc((size_t)nslots + 1, sizeof *m->slot_day);
	m->breps = xcalloc((size_t)nbuyers + 1, sizeof *m->breps);
	m->sreps = xcalloc((size_t)nsuppliers + 1, sizeof *m->sreps);
	m->booth = xcalloc((size_t)nsuppliers + 1, sizeof *m->booth);
	for (int b = 0; b < nbuyers; b++)
		m->breps[b] = 1;
	for (int s = 0; s < nsuppliers; s++) {
		m->sreps[s] = 1;
		m->booth[s] = -1;
	}
	m->bunavail = xcalloc((size_t)nbuyers * (size_t)nslots + 1, 1);
	m->sunavail = xcalloc((size_t)nsuppliers * (size_t)nslots + 1, 1);
	return m;
}

/* Appends a free candidate; the array grows by doubling. */
int
sel_model_add(struct sel_model *m, int buyer, int supplier, double value)
{
	struct sel_cand *c;

	if (m->ncands == m->candcap) {
		m->candcap = m->candcap == 0 ? 16 : 2 * m->candcap;
		m->cands = xreallocarray(m->cands, (size_t)m->candcap, sizeof *m->cands);
	}
	c = &m->cands[m->ncands];
	c->buyer = buyer;
	c->supplier = supplier;
	c->value = value;
	c->lock_slot = c->lock_table = -1;
	c->prev_slot = c->prev_table = -1;
	return m->ncands++;
}

void
sel_model_free(struct sel_model *m)
{
	if (m == NULL)
		return;
	free(m->slot_day);
	free(m->breps);
	free(m->sreps);
	free(m->bunavail);
	free(m->sunavail);
	free(m->booth);
	free(m->cands);
	free(m);
}
