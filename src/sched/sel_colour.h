/*
 * sel_colour.h — bipartite edge colouring for selection-mode placement.
 */
#ifndef FM_SEL_COLOUR_H
#define FM_SEL_COLOUR_H

/*
 * Colours nedges edges (edge e joins buyer eb[e] and supplier es[e]) with
 * nslots colours so that no two edges at a node share one, with no colour
 * on more than ntables edges.  Fills colour[e] and returns 0, or -1 if a
 * node has more than nslots edges or the classes cannot be evened out
 * below ntables.
 */
int sel_colour(int nbuyers, int nsuppliers, int nslots, int ntables, int nedges,
    const int *eb, const int *es, int *colour);

#endif
