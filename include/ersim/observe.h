/*
 * observe.h - the observers (observe.c, observe_decision.c): they read
 * routing state and never change it. run.c connects them to the BGP core
 * through its hooks (run_hooks.c).
 */
#ifndef ERSIM_OBSERVE_H
#define ERSIM_OBSERVE_H

#include "ersim/bgp.h"

/* observe.c */
/* s's Loc-RIB entry for prefix changed; delta = old state ^ new state
 * (struct ers_loc's state, 0 for no route), for oscillation detection. */
void ers_observe_route_change(struct ers_world *w, const struct ers_speaker *s,
			      uint32_t prefix, uint64_t delta);
/* A timeline step: routing state may legitimately come back after it. */
void ers_observe_event(struct ers_world *w);
/* At the end: report routes still changing within the last quiet_time,
 * if they kept changing quiet_time after the last event. */
void ers_observe_convergence_check(struct ers_world *w, ers_time_t quiet_time,
				   ers_time_t last_event);
/* Hash of one Loc-RIB entry (0 = no route), see ers_loc.state. */
uint64_t ers_observe_loc_state(const struct ers_speaker *s, const struct ers_loc *l);
void ers_observe_detect(struct ers_world *w);
void ers_observe_update_sent(struct ers_world *w, size_t n_withdrawn);
void ers_observe_forwarding_changed(struct ers_world *w);
void ers_observe_start_accounting(struct ers_world *w);
void ers_observe_finish(struct ers_world *w);
bool ers_observe_reachable(struct ers_world *w, struct ers_speaker *src,
			   uint32_t dst_addr, int dst_site, int dst_vnet);
void ers_observe_release(struct ers_world *w);
/* observe_decision.c: a router a flow passes and the Loc-RIB entry it
 * follows there. */
struct ers_hop_decision {
	const struct ers_speaker *s;
	const struct ers_loc *l;
	uint32_t prefix;
};
/* Record in fr what changed in why the routers on its paths chose their
 * routes, and a tie-break notice for a choice made by luck. */
struct ers_flow_rec;
void ers_observe_decisions(struct ers_world *w, struct ers_flow_rec *f,
			   struct ers_flow_result *fr, const struct ers_hop_decision *d, size_t n);
/* Free what ers_observe_decisions keeps per flow. */
void ers_observe_decisions_release(struct ers_flow_rec *f);
/* A route s does not send to p because a limit of the model would be
 * passed (kind "as-path-limit", "community-limit"): one notice per
 * router, neighbour and kind. */
void ers_observe_limit(struct ers_world *w, const struct ers_peer *p, uint32_t prefix,
		       const char *kind, const char *what);
void ers_observe_notice(struct ers_world *w, const char *kind,
			const char *node, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* --debug: why s chose c[best] among n candidates for prefix. */
void ers_observe_explain(struct ers_world *w, const struct ers_speaker *s, uint32_t prefix,
			 const struct ers_cand *c, size_t n, size_t best);

#endif
