/*
 * ext_ersim.h - plugs ersim's engine into shared/bench/hold.c as the
 * structure "ext" (built by `make bench` into $(BUILD)/hold_ext).
 *
 * A push is ers_sim_post() of a one-shot whose handler records what it was
 * given; a pop is ers_sim_step(), which runs the earliest event through
 * the engine's real dispatch (record lookup, indirect call). So the
 * measured path is the one the simulator runs, including the fused
 * pop + push that a handler's first post gets.
 *
 * Time: the harness checks its pop order against the references, which
 * order exact doubles. Rounding to nanoseconds would merge times less than
 * 1 ns apart, which the exp distribution produces (thousands of pairs per
 * run at N = 1e6), and reorder them by insertion: the pop-order hash would
 * then differ although the engine is right. So the adapter's tick is the
 * IEEE-754 bit pattern of t read as an integer: monotone and one-to-one
 * for t >= 0, exact ties stay ties, and the heap compares the same
 * int64s as with nanoseconds. -DERS_EXT_NS uses t * 1e9 rounded instead
 * (ordering then is checked, the hash may differ for exp and uni).
 *
 * The engine refuses times past ERS_SIM_TIME_MAX (2^62), and every double
 * from 2.0 up has a bit pattern above that. So the tick is the pattern
 * minus that of 2^-60: still monotone and one-to-one from 2^-60 up (the
 * harness's times reach about 1e4, ticks about 2^58). Smaller times, in
 * practice only an Exp(1) draw of exactly 0, all become tick 0.
 */
#include <string.h>

#include "ersim/engine.h"

typedef struct { struct ers_sim *sim; } ext_t;

#define EXT_TICK0 ((uint64_t)(1023 - 60) << 52)	/* bit pattern of 2^-60 */

/* What the last run event was given: one pop at a time, one thread. */
static double ext_last_t;
static void *ext_last_p;

static void ext_on_event(struct ers_sim *sim, void *arg, uint64_t data)
{
	(void)sim;
	memcpy(&ext_last_t, &data, sizeof ext_last_t);
	ext_last_p = arg;
}

static ext_t *ext_new(size_t cap)
{
	ext_t *q = xmalloc(sizeof *q);

	(void)cap;
	q->sim = ers_sim_new(1);
	if (!q->sim) { fprintf(stderr, "ers_sim_new: out of memory\n"); exit(2); }
	return q;
}

static void ext_free(ext_t *q) { ers_sim_free(q->sim); free(q); }
static void ext_setbase(ext_t *q, const void *base) { (void)q; (void)base; }

static inline void ext_push(ext_t *q, double t, void *p)
{
	uint64_t bits;

	memcpy(&bits, &t, sizeof bits);
#ifdef ERS_EXT_NS
	ers_time_t at = (ers_time_t)(t * 1e9 + 0.5);
#else
	ers_time_t at = bits >= EXT_TICK0 ? (ers_time_t)(bits - EXT_TICK0) : 0;
#endif
	if (ers_sim_post(q->sim, at, ext_on_event, p, bits)) {
		fprintf(stderr, "ers_sim_post failed at t=%.17g\n", t);
		exit(2);
	}
}

static inline int ext_pop(ext_t *q, double *t, void **p)
{
	if (!ers_sim_step(q->sim))
		return 0;
	*t = ext_last_t;
	*p = ext_last_p;
	return 1;
}
