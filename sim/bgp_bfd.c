/*
 * bgp_bfd.c - BFD (RFC 5880, asynchronous mode) on a session: when the
 * path under a session fails without its interface going down (a
 * provider in between), BFD is what notices, within multiplier x
 * interval; the session is then reset (bgp_fsm.c). The link coming back
 * first stops the detection.
 *
 * Simplification, stated in docs/model.md: BFD packets are not simulated
 * one by one: after a silent failure the session's BFD detection fires at
 * last_rx + multiplier x interval, with last_rx drawn uniformly in the
 * last interval before the failure, which gives RFC 5880's detection
 * window [(m-1)i, mi].
 */
#include <stdint.h>

#include "ersim/bgp_int.h"
#include "ersim/rng.h"

static void on_bfd_detect(struct ers_sim *sim, void *arg, uint64_t data)
{
	struct ers_session *ss = arg;
	struct ers_world *w = ss->end[0].self->w;

	if (ers_link_usable(w, ers_bgp_link(w, ss)))
		return;
	ers_session_reset(w, ss, "BFD detected the path down");
}

void ers_bfd_init(struct ers_session *ss)
{
	ers_timer_init(&ss->bfd_timer, on_bfd_detect, ss, 0);
}

void ers_bfd_stop(struct ers_world *w, struct ers_session *ss)
{
	ers_timer_cancel(w->sim, &ss->bfd_timer);
}

/* BFD (RFC 5880 asynchronous mode): the last packet arrived somewhere in
 * the interval before the failure; detection follows multiplier x interval
 * after it. */
void ers_bfd_start_detection(struct ers_world *w, struct ers_session *ss)
{
	ers_time_t i = ss->bfd_interval;
	ers_time_t last_rx = ers_sim_now(w->sim) - (ers_time_t)ers_rng_below(
		ers_sim_rng(w->sim), (uint64_t)i);
	/* saturating: multiplier x interval once overflowed into the past,
	 * and BFD "detected" at once (the loader now bounds the interval) */
	ers_time_t detect = i > 0 && (ers_time_t)ss->bfd_mult > INT64_MAX / i
				    ? INT64_MAX : (ers_time_t)ss->bfd_mult * i;
	ers_time_t at = ers_time_after(last_rx, detect);

	if (at < ers_sim_now(w->sim))
		at = ers_sim_now(w->sim);
	if (!ers_timer_armed(&ss->bfd_timer))
		ers_timer_set(w->sim, &ss->bfd_timer, at);
}
