/*
 * fixed_cadical.h — the calls of CaDiCaL that fixed_sat.c makes, over its
 * C++ API (fixed_cadical.cc).  Debian's C API (ccadical.h) lacks phase(),
 * which the SAT search needs to start from the best schedule in hand; the
 * rest mirror ccadical.h.
 */
#ifndef FM_FIXED_CADICAL_H
#define FM_FIXED_CADICAL_H

#ifdef __cplusplus
extern "C" {
#endif

struct fixed_cadical;

struct fixed_cadical *fixed_cadical_new(void);
void fixed_cadical_free(struct fixed_cadical *s);
/* Adds a literal to the clause being built; 0 ends it. */
void fixed_cadical_add(struct fixed_cadical *s, int lit);
/* Assumes lit for the next solve only. */
void fixed_cadical_assume(struct fixed_cadical *s, int lit);
/* 10 satisfiable, 20 unsatisfiable, 0 stopped (terminate or limit). */
int fixed_cadical_solve(struct fixed_cadical *s);
/* lit's value in the model: > 0 true, < 0 false. */
int fixed_cadical_val(struct fixed_cadical *s, int lit);
/* Whether assumption lit was used in the refutation. */
int fixed_cadical_failed(struct fixed_cadical *s, int lit);
void fixed_cadical_set_option(struct fixed_cadical *s, const char *name, int val);
/* Limits the next solve ("conflicts", "decisions"). */
void fixed_cadical_limit(struct fixed_cadical *s, const char *name, int val);
/* Keeps lit's variable from being eliminated: it will be assumed later. */
void fixed_cadical_freeze(struct fixed_cadical *s, int lit);
/* Asks stop(state) now and then during solve; nonzero stops it. */
void fixed_cadical_set_terminate(struct fixed_cadical *s, void *state, int (*stop)(void *));
/* The value the solver tries first for lit's variable: lit true. */
void fixed_cadical_phase(struct fixed_cadical *s, int lit);

#ifdef __cplusplus
}
#endif

#endif
