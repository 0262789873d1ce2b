/*
 * sel_flow.c — the maximum-weight b-matching of a selection model by
 * min-cost flow: source → buyer (its capacity) → supplier (one unit per
 * candidate, cost −weight) → sink (its capacity), at most nslots × ntables
 * units in all.  Successive shortest paths with Dijkstra on reduced costs,
 * each search stopped once the sink is settled; it stops when no path of
 * negative cost is left.  Slots and tables are relaxed to counts, so the
 * result bounds every schedule from above.
 *
 * Most fairs never fill anyone's capacity with their best candidates: then
 * the heaviest candidates up to the total are the b-matching, found by one
 * sort (a fair-day re-solve of 300 × 300 spent 0.5 s of its 0.6 s in the
 * flow).  The flow runs only when someone would fill up.
 */
#include <stdlib.h>
#include <string.h>

#include "sel.h"
#include "util.h"

struct flow {
	int	 nnodes;
	int	 nedges;
	int	*head;		/* first edge out of each node, or -1 */
	int	*next;		/* next edge out of the same node */
	int	*to;
	int	*cap;		/* residual capacity */
	double	*cost;
};

/* Adds u → v and its reverse; returns the forward edge (its reverse is e ^ 1). */
static int
flow_edge(struct flow *f, int u, int v, int cap, double cost)
{
	int e = f->nedges;

	f->to[e] = v; f->cap[e] = cap; f->cost[e] = cost;
	f->next[e] = f->head[u]; f->head[u] = e;
	f->to[e + 1] = u; f->cap[e + 1] = 0; f->cost[e + 1] = -cost;
	f->next[e + 1] = f->head[v]; f->head[v] = e + 1;
	f->nedges += 2;
	return e;
}

struct heap_item {
	double	 d;
	int	 v;
};

/* Pushes onto a binary min-heap of (distance, node). */
static void
heap_push(struct heap_item *h, int *n, double d, int v)
{
	int i = (*n)++;

	while (i > 0 && h[(i - 1) / 2].d > d) {
		h[i] = h[(i - 1) / 2];
		i = (i - 1) / 2;
	}
	h[i].d = d;
	h[i].v = v;
}

/* Pops the smallest. */
static struct heap_item
heap_pop(struct heap_item *h, int *n)
{
	struct heap_item top = h[0], last = h[--(*n)];
	int i = 0;

	for (;;) {
		int c = 2 * i + 1;

		if (c >= *n)
			break;
		if (c + 1 < *n && h[c + 1].d < h[c].d)
			c++;
		if (h[c].d >= last.d)
			break;
		h[i] = h[c];
		i = c;
	}
	if (*n > 0)
		h[i] = last;
	return top;
}

/* Capacity of a participant: representatives times available slots. */
static int
capacity(const unsigned char *unavail, int reps, int nslots)
{
	int n = 0;

	for (int t = 0; t < nslots; t++)
		n += !unavail[t];
	return n * reps;
}

/* A candidate and its weight, for sorting. */
struct weighed {
	double	 w;
	int	 i;
};

/* Heaviest first, then by index. */
static int
by_weight(const void *a, const void *b)
{
	const struct weighed *x = a, *y = b;

	if (x->w != y->w)
		return x->w > y->w ? -1 : 1;
	return (x->i > y->i) - (x->i < y->i);
}

/*
 * The heaviest free candidates of positive weight, up to total, if they
 * leave every participant within its capacity (bcap, scap: what the locked
 * meetings left): dropping the capacities can only raise the optimum, and
 * these are the optimum without them, so they are the b-matching.  Then
 * adds their weights to *sum, marks them in chosen (if not NULL) and
 * returns 1; returns 0, changing nothing, if one would overfill its side.
 */
static int
heaviest(const struct sel_model *m, const double *w, long total, const int *bcap,
    const int *scap, double *sum, unsigned char *chosen)
{
	struct weighed *c = xcalloc((size_t)m->ncands + 1, sizeof *c);
	int *bleft = xcalloc((size_t)m->nbuyers + 1, sizeof *bleft);
	int *sleft = xcalloc((size_t)m->nsuppliers + 1, sizeof *sleft);
	int n = 0, ok = 1, k;
	double add = 0;

	memcpy(bleft, bcap, (size_t)m->nbuyers * sizeof *bleft);
	memcpy(sleft, scap, (size_t)m->nsuppliers * sizeof *sleft);
	for (int i = 0; i < m->ncands; i++) {
		double wi = w != NULL ? w[i] : m->cands[i].value;

		if (m->cands[i].lock_slot < 0 && wi > 0) {
			c[n].w = wi;
			c[n++].i = i;
		}
	}
	qsort(c, (size_t)n, sizeof *c, by_weight);
	for (k = 0; k < n && k < total && ok; k++) {
		const struct sel_cand *cd = &m->cands[c[k].i];

		ok = bleft[cd->buyer]-- > 0 && sleft[cd->supplier]-- > 0;
		add += c[k].w;
	}
	if (ok) {
		*sum += add;
		for (int j = 0; j < k && chosen != NULL; j++)
			chosen[c[j].i] = 1;
	}
	free(c);
	free(bleft);
	free(sleft);
	return ok;
}

double
sel_flow_bound(const struct sel_model *m, const double *w, unsigned char *chosen)
{
	int nb = m->nbuyers, ns = m->nsuppliers, src = 0, sink = nb + ns + 1;
	int *bcap = xcalloc((size_t)nb + 1, sizeof *bcap);
	int *scap = xcalloc((size_t)ns + 1, sizeof *scap), *cedge, *pred, nheap;
	long total = (long)m->nslots * m->ntables;
	struct flow f = { 0 };
	struct heap_item *heap;
	unsigned char *done;
	double *pi, *dist, sum = 0;

	for (int b = 0; b < nb; b++)
		bcap[b] = capacity(m->bunavail + (size_t)b * m->nslots, m->breps[b], m->nslots);
	for (int s = 0; s < ns; s++)
		scap[s] = capacity(m->sunavail + (size_t)s * m->nslots, m->sreps[s], m->nslots);
	if (chosen != NULL)
		memset(chosen, 0, (size_t)m->ncands);
	/* Locked meetings are held whatever the rest: take them out first. */
	for (int i = 0; i < m->ncands; i++) {
		const struct sel_cand *c = &m->cands[i];

		if (c->lock_slot < 0)
			continue;
		sum += w != NULL ? w[i] : c->value;
		bcap[c->buyer]--;
		scap[c->supplier]--;
		total--;
		if (chosen != NULL)
			chosen[i] = 1;
	}

	if (heaviest(m, w, total, bcap, scap, &sum, chosen)) {
		free(bcap);
		free(scap);
		return sum;
	}
	f.nnodes = sink + 1;
	f.head = xcalloc((size_t)f.nnodes, sizeof *f.head);
	memset(f.head, 0xff, (size_t)f.nnodes * sizeof *f.head);
	{
		size_t ne = 2 * ((size_t)nb + (size_t)ns + (size_t)m->ncands) + 2;

		f.next = xcalloc(ne, sizeof *f.next);
		f.to = xcalloc(ne, sizeof *f.to);
		f.cap = xcalloc(ne, sizeof *f.cap);
		f.cost = xcalloc(ne, sizeof *f.cost);
	}
	cedge = xcalloc((size_t)m->ncands + 1, sizeof *cedge);
	for (int b = 0; b < nb; b++)
		flow_edge(&f, src, 1 + b, bcap[b] > 0 ? bcap[b] : 0, 0);
	for (int s = 0; s < ns; s++)
		flow_edge(&f, 1 + nb + s, sink, scap[s] > 0 ? scap[s] : 0, 0);
	for (int i = 0; i < m->ncands; i++) {
		const struct sel_cand *c = &m->cands[i];
		double wi = w != NULL ? w[i] : c->value;

		cedge[i] = -1;
		if (c->lock_slot >= 0 || wi <= 0)
			continue;
		cedge[i] = flow_edge(&f, 1 + c->buyer, 1 + nb + c->supplier, 1, -wi);
	}

	/* Potentials that make every residual edge's reduced cost non-negative. */
	pi = xcalloc((size_t)f.nnodes, sizeof *pi);
	for (int e = 0; e < f.nedges; e += 2)
		if (f.cost[e] < 0 && f.cost[e] < pi[f.to[e]])
			pi[f.to[e]] = f.cost[e];
	for (int s = 0; s < ns; s++)
		if (pi[1 + nb + s] < pi[sink])
			pi[sink] = pi[1 + nb + s];

	dist = xcalloc((size_t)f.nnodes, sizeof *dist);
	pred = xcalloc((size_t)f.nnodes, sizeof *pred);
	done = xcalloc((size_t)f.nnodes, 1);
	heap = xcalloc((size_t)f.nedges + 1, sizeof *heap);
	while (total > 0) {
		double D;

		for (int v = 0; v < f.nnodes; v++) {
			dist[v] = 1e300;
			done[v] = 0;
		}
		dist[src] = 0;
		pred[src] = -1;
		nheap = 0;
		heap_push(heap, &nheap, 0, src);
		while (nheap > 0) {
			struct heap_item it = heap_pop(heap, &nheap);

			if (done[it.v])
				continue;
			done[it.v] = 1;
			if (it.v == sink)
				break;
			for (int e = f.head[it.v]; e != -1; e = f.next[e]) {
				int v = f.to[e];
				double rc, nd;

				if (f.cap[e] <= 0 || done[v])
					continue;
				rc = f.cost[e] + pi[it.v] - pi[v];
				if (rc < 0)
					rc = 0;		/* rounding only */
				nd = it.d + rc;
				if (nd < dist[v]) {
					dist[v] = nd;
					pred[v] = e;
					heap_push(heap, &nheap, nd, v);
				}
			}
		}
		if (!done[sink])
			break;
		D = dist[sink];
		/* The path's true cost; none negative left means optimal. */
		if (D + pi[sink] - pi[src] >= -1e-12)
			break;
		for (int v = 0; v < f.nnodes; v++)
			pi[v] += done[v] ? dist[v] : D;
		for (int v = sink; v != src; v = f.to[pred[v] ^ 1]) {
			f.cap[pred[v]]--;
			f.cap[pred[v] ^ 1]++;
		}
		total--;
	}
	for (int i = 0; i < m->ncands; i++) {
		if (cedge[i] < 0 || f.cap[cedge[i]] != 0)
			continue;
		sum += w != NULL ? w[i] : m->cands[i].value;
		if (chosen != NULL)
			chosen[i] = 1;
	}
	free(heap); free(done); free(pred); free(dist); free(pi); free(cedge);
	free(f.head); free(f.next); free(f.to); free(f.cap); free(f.cost);
	free(bcap); free(scap);
	return sum;
}
