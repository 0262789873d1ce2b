/*
 * sel_colour.c — exact placement of a chosen set of meetings when no
 * availability, representative, booth or lock rule binds: a bipartite graph
 * of maximum degree at most nslots has a proper edge colouring with nslots
 * colours (König), found by swapping alternating two-colour paths, and the
 * colour classes can then be evened out (de Werra) by swapping paths that
 * hold one more edge of a large class than of a small one, so that no slot
 * needs more than ceil(meetings / nslots) tables.
 */
#include <stdlib.h>
#include <string.h>

#include "sel_colour.h"
#include "util.h"

struct colouring {
	int	 nslots;
	int	*bcol;		/* [b * nslots + c]: the edge of colour c at buyer b, or -1 */
	int	*scol;		/* [s * nslots + c]: likewise at supplier s */
	int	*colour;	/* per edge */
	const int *eb;		/* buyer of each edge */
	const int *es;		/* supplier of each edge */
};

/* Gives edge e colour c (it must be free at both ends). */
static void
paint(struct colouring *k, int e, int c)
{
	k->colour[e] = c;
	k->bcol[k->eb[e] * k->nslots + c] = e;
	k->scol[k->es[e] * k->nslots + c] = e;
}

/* Takes edge e's colour away. */
static void
unpaint(struct colouring *k, int e)
{
	int c = k->colour[e];

	k->bcol[k->eb[e] * k->nslots + c] = -1;
	k->scol[k->es[e] * k->nslots + c] = -1;
	k->colour[e] = -1;
}

/*
 * Swaps colours x and y along the alternating path that starts with the
 * x edge at a node (buyer side if at_buyer).  Collects the path into path
 * (room for every edge) and returns its length.
 */
static int
swap_path(struct colouring *k, int node, int at_buyer, int x, int y, int *path)
{
	int n = 0, want = x;

	for (;;) {
		int e = at_buyer ? k->bcol[node * k->nslots + want] :
		    k->scol[node * k->nslots + want];

		if (e == -1)
			break;
		path[n++] = e;
		node = at_buyer ? k->es[e] : k->eb[e];
		at_buyer = !at_buyer;
		want = want == x ? y : x;
	}
	for (int i = 0; i < n; i++)
		unpaint(k, path[i]);
	for (int i = 0; i < n; i++)
		paint(k, path[i], i % 2 == 0 ? y : x);
	return n;
}

/* The first colour free at a node, or -1. */
static int
free_colour(const int *col, int nslots)
{
	for (int c = 0; c < nslots; c++)
		if (col[c] == -1)
			return c;
	return -1;
}

int
sel_colour(int nbuyers, int nsuppliers, int nslots, int ntables, int nedges,
    const int *eb, const int *es, int *colour)
{
	struct colouring k = { nslots, NULL, NULL, colour, eb, es };
	int *path = xcalloc((size_t)nedges + 1, sizeof *path);
	int *size = xcalloc((size_t)nslots, sizeof *size), rc = 0;

	k.bcol = xcalloc((size_t)nbuyers * nslots + 1, sizeof *k.bcol);
	k.scol = xcalloc((size_t)nsuppliers * nslots + 1, sizeof *k.scol);
	memset(k.bcol, 0xff, ((size_t)nbuyers * nslots + 1) * sizeof *k.bcol);
	memset(k.scol, 0xff, ((size_t)nsuppliers * nslots + 1) * sizeof *k.scol);
	for (int e = 0; e < nedges; e++)
		colour[e] = -1;
	for (int e = 0; e < nedges && rc == 0; e++) {
		int a = free_colour(k.bcol + (size_t)eb[e] * nslots, nslots);
		int b = free_colour(k.scol + (size_t)es[e] * nslots, nslots);

		if (a == -1 || b == -1) {
			rc = -1;	/* a degree above nslots */
			break;
		}
		/* a is free at the buyer; make it free at the supplier too. */
		if (k.scol[es[e] * nslots + a] != -1)
			swap_path(&k, es[e], 0, a, b, path);
		paint(&k, e, a);
	}
	if (rc == 0) {
		/* Even out: move edges from the largest class to the smallest. */
		for (int e = 0; e < nedges; e++)
			size[colour[e]]++;
		for (;;) {
			int big = 0, small = 0, moved = 0;

			for (int c = 1; c < nslots; c++) {
				if (size[c] > size[big])
					big = c;
				if (size[c] < size[small])
					small = c;
			}
			if (size[big] <= ntables || size[big] - size[small] <= 1)
				break;
			/* A path starting at an end with big but not small holds one more big. */
			for (int e = 0; e < nedges && !moved; e++) {
				int n;

				if (colour[e] != big)
					continue;
				if (k.bcol[eb[e] * nslots + small] == -1)
					n = swap_path(&k, eb[e], 1, big, small, path);
				else if (k.scol[es[e] * nslots + small] == -1)
					n = swap_path(&k, es[e], 0, big, small, path);
				else
					continue;
				/* An even path keeps the sizes; the colouring stays proper either way. */
				if (n % 2 == 1) {
					size[big]--;
					size[small]++;
					moved = 1;
				}
			}
			if (!moved)
				break;
		}
		for (int c = 0; c < nslots; c++)
			if (size[c] > ntables)
				rc = -1;
	}
	free(path);
	free(size);
	free(k.bcol);
	free(k.scol);
	return rc;
}
