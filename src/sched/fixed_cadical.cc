/*
 * fixed_cadical.cc — fixed_cadical.h over CaDiCaL's C++ API (Debian's
 * libcadical-dev, the same library as its C API).  CaDiCaL reports misuse
 * by aborting, not by exceptions; the only exception that can come out is
 * std::bad_alloc, which ends the program with fatal() as xmalloc does.
 */
#include "fixed_cadical.h"

#include <cadical.hpp>

#include <new>

extern "C" {
#include "util.h"
}

/* CaDiCaL's terminate hook calling back into C. */
struct stopper : CaDiCaL::Terminator {
	void	*state = nullptr;
	int	(*stop)(void *) = nullptr;

	bool
	terminate() override
	{
		return stop != nullptr && stop(state) != 0;
	}
};

struct fixed_cadical {
	stopper		 hook;		/* before solver: destroyed after it */
	CaDiCaL::Solver	 solver;
};

/* Runs f, turning an allocation failure or any other exception into fatal(). */
template <typename F>
static auto
guarded(const char *what, F f) -> decltype(f())
{
	try {
		return f();
	} catch (const std::bad_alloc &) {
		fatal("%s: out of memory", what);
	} catch (...) {		/* nothing may unwind through C frames */
		fatal("%s: CaDiCaL failed", what);
	}
}

struct fixed_cadical *
fixed_cadical_new(void)
{
	return guarded(__func__, [] { return new fixed_cadical; });
}

void
fixed_cadical_free(struct fixed_cadical *s)
{
	delete s;
}

void
fixed_cadical_add(struct fixed_cadical *s, int lit)
{
	guarded(__func__, [&] { s->solver.add(lit); });
}

void
fixed_cadical_assume(struct fixed_cadical *s, int lit)
{
	guarded(__func__, [&] { s->solver.assume(lit); });
}

int
fixed_cadical_solve(struct fixed_cadical *s)
{
	return guarded(__func__, [&] { return s->solver.solve(); });
}

int
fixed_cadical_val(struct fixed_cadical *s, int lit)
{
	return guarded(__func__, [&] { return s->solver.val(lit); });
}

int
fixed_cadical_failed(struct fixed_cadical *s, int lit)
{
	return guarded(__func__, [&] { return s->solver.failed(lit) ? 1 : 0; });
}

void
fixed_cadical_set_option(struct fixed_cadical *s, const char *name, int val)
{
	if (!guarded(__func__, [&] { return s->solver.set(name, val); }))
		fatal("%s: CaDiCaL has no option %s", __func__, name);
}

void
fixed_cadical_limit(struct fixed_cadical *s, const char *name, int val)
{
	if (!guarded(__func__, [&] { return s->solver.limit(name, val); }))
		fatal("%s: CaDiCaL has no limit %s", __func__, name);
}

void
fixed_cadical_freeze(struct fixed_cadical *s, int lit)
{
	guarded(__func__, [&] { s->solver.freeze(lit); });
}

void
fixed_cadical_set_terminate(struct fixed_cadical *s, void *state, int (*stop)(void *))
{
	s->hook.state = state;
	s->hook.stop = stop;
	guarded(__func__, [&] { s->solver.connect_terminator(&s->hook); });
}

void
fixed_cadical_phase(struct fixed_cadical *s, int lit)
{
	guarded(__func__, [&] { s->solver.phase(lit); });
}
