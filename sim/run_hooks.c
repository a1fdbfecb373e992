/*
 * run_hooks.c - how a run watches the BGP core. The core (bgp_fsm.c,
 * bgp_update.c, bgp_rib.c, ...) reports what happens through struct ers_bgp_hooks (bgp.h)
 * and knows nothing of its watchers; here each hook is handed on to the
 * observers (observe.c, observe_decision.c) and to the event trace and
 * fingerprint (run.c's ers_trace). run.c installs them with
 * ers_run_hooks_install before the first event.
 */
#include "ersim/observe.h"
#include "ersim/run_hooks.h"

static void session_up(void *ctx, const struct ers_peer *p)
{
	struct ers_world *w = ctx;

	ers_trace(w, p->self->id, "session-up", "%s %s", p->remote->self->id, "Established");
	ers_observe_detect(w);
}

static void session_down(void *ctx, const struct ers_peer *p, const char *why)
{
	struct ers_world *w = ctx;

	ers_trace(w, p->self->id, "session-down", "%s %s", p->remote->self->id, why);
	ers_observe_detect(w);
}

static void update_in(void *ctx, const struct ers_peer *p, size_t n)
{
	struct ers_world *w = ctx;

	ers_trace_update(w, p->self->id, "update-in", p->remote->self->id, n, 0);
}

static void update_out(void *ctx, const struct ers_peer *p, size_t n_announced,
		       size_t n_withdrawn)
{
	struct ers_world *w = ctx;

	ers_observe_update_sent(w, n_withdrawn);
	ers_trace_update(w, p->self->id, "update-out", p->remote->self->id,
			 n_announced, n_withdrawn);
}

/* The entry's tag is its hash: the prefix's network state XORs them, and
 * the delta is what changed (observe.c, oscillation detection). */
static uint64_t best_changed(void *ctx, const struct ers_speaker *s, uint32_t prefix,
			     uint64_t was, const struct ers_loc *now)
{
	struct ers_world *w = ctx;
	uint64_t tag = now ? ers_observe_loc_state(s, now) : 0;

	ers_observe_route_change(w, s, prefix, was ^ tag);
	return tag;
}

static void reason_changed(void *ctx, const struct ers_speaker *s, uint32_t prefix)
{
	ers_observe_forwarding_changed(ctx);
}

static void decided(void *ctx, const struct ers_speaker *s, uint32_t prefix,
		    const struct ers_cand *c, size_t n, size_t best)
{
	ers_observe_explain(ctx, s, prefix, c, n, best);
}

static void link_changed(void *ctx, const struct ers_net_link *l)
{
	ers_observe_forwarding_changed(ctx);
}

static void limit(void *ctx, const struct ers_peer *p, uint32_t prefix,
		  const char *kind, const char *what)
{
	ers_observe_limit(ctx, p, prefix, kind, what);
}

static void notice(void *ctx, const char *kind, const char *node, const char *detail)
{
	ers_observe_notice(ctx, kind, node, "%s", detail);
}

static const struct ers_bgp_hooks run_hooks = {
	.session_up = session_up,
	.session_down = session_down,
	.update_in = update_in,
	.update_out = update_out,
	.best_changed = best_changed,
	.reason_changed = reason_changed,
	.link_changed = link_changed,
	.limit = limit,
	.notice = notice,
};

/* The same with decisions explained on the debug stream (--debug). */
static const struct ers_bgp_hooks debug_hooks = {
	.session_up = session_up,
	.session_down = session_down,
	.update_in = update_in,
	.update_out = update_out,
	.best_changed = best_changed,
	.reason_changed = reason_changed,
	.decided = decided,
	.link_changed = link_changed,
	.limit = limit,
	.notice = notice,
};

void ers_run_hooks_install(struct ers_world *w)
{
	w->hooks = w->opts->debug ? &debug_hooks : &run_hooks;
	w->hooks_ctx = w;
}
