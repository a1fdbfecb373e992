/*
 * bgp.h - the BGP model over a world (see world.h): the session finite
 * state machine with its timers (bgp_fsm.c), messages (bgp_msg.c), UPDATE
 * sending and MRAI (bgp_update.c) and BFD (bgp_bfd.c), the RIBs with
 * import and export policy (bgp_rib.c) and the decision process
 * (bgp_decision.c). It reports what happens through the hooks a caller
 * installs in the world (struct ers_bgp_hooks), never by calling the
 * observers: run.c installs observe.c and the trace (run_hooks.c), a test
 * may install its own or none.
 */
#ifndef ERSIM_BGP_H
#define ERSIM_BGP_H

#include "ersim/world.h"

/* RFC 4271 section 8.2.2 states. */
enum ers_bgp_state {
	ERS_BGP_IDLE,
	ERS_BGP_CONNECT,
	ERS_BGP_ACTIVE,
	ERS_BGP_OPENSENT,
	ERS_BGP_OPENCONFIRM,
	ERS_BGP_ESTABLISHED,
};
const char *ers_bgp_state_str(int state);

/* Why one route beat another: each step of the decision process. */
enum ers_bgp_reason {
	ERS_WHY_NONE,			/* equal in every step */
	ERS_WHY_ONLY,			/* the only candidate */
	ERS_WHY_LOCAL,			/* originated here */
	ERS_WHY_ER_OVER_VPN,		/* gateway: ExpressRoute over VPN */
	ERS_WHY_WEIGHT,
	ERS_WHY_LOCAL_PREF,
	ERS_WHY_AS_PATH,
	ERS_WHY_ORIGIN,
	ERS_WHY_MED,
	ERS_WHY_EBGP,
	ERS_WHY_IGP_COST,
	ERS_WHY_OLDEST,			/* both eBGP: the route already selected */
	ERS_WHY_ROUTER_ID,		/* or ORIGINATOR_ID (RFC 4456 9) */
	ERS_WHY_CLUSTER_LIST,		/* RFC 4456 9: shorter CLUSTER_LIST */
	ERS_WHY_PEER_ADDR,
};
const char *ers_bgp_reason_str(enum ers_bgp_reason r);
/* Steps that decide by luck (router id, neighbour address, route age):
 * what the tie-break notice reports. */
bool ers_bgp_reason_is_tie(enum ers_bgp_reason r);

/* A candidate route at a speaker: attributes and where they came from
 * (peer NULL = originated locally). */
struct ers_cand {
	const struct ers_attrs *attrs;
	struct ers_peer *peer;
	/* Filled by ers_bgp_select: the step at which this route lost to
	 * the best one (ERS_WHY_NONE for the best), and for MED the route of
	 * its own neighbour AS that eliminated it (else the best). */
	enum ers_bgp_reason lost;
	size_t lost_to;
};

/* <0 if a is preferred, >0 if b is; *why names the deciding step.
 * Gateways use ExpressRoute's order (ER over VPN, weight, AS path).
 * Pairwise, so MED is compared only when both come from the same
 * neighbour AS: selecting among several routes is ers_bgp_select's job. */
int ers_bgp_compare(const struct ers_speaker *s, const struct ers_cand *a,
		    const struct ers_cand *b, enum ers_bgp_reason *why);
/* The best of c[0..n) (n > 0) by RFC 4271 9.1.2.2 with MED eliminated
 * per neighbour AS (or across all with always-compare-med), so the
 * result never depends on the order of c; incumbent is the peer of the
 * route selected until now (NULL: none or local), for the "oldest" step.
 * Sets c[i].lost and c[i].lost_to for every candidate. */
size_t ers_bgp_select(const struct ers_speaker *s, struct ers_cand *c, size_t n,
		      const struct ers_peer *incumbent);
/* May b share forwarding with the best route a (ECMP)? */
bool ers_bgp_multipath_ok(const struct ers_speaker *s, const struct ers_cand *a,
			  const struct ers_cand *b);
/* "via W wins over via L: as-path 1 < 3" into buf. */
char *ers_bgp_explain(const struct ers_cand *win, const struct ers_cand *lose,
		      enum ers_bgp_reason why, char *buf, size_t n);
/* The step alone with its values, "as-path 1 < 3", into buf. */
char *ers_bgp_step_detail(const struct ers_cand *win, const struct ers_cand *lose,
			  enum ers_bgp_reason why, char *buf, size_t n);

/*
 * What the BGP core tells whoever watches it, as BIRD's protocols talk to
 * the core through hooks. The world's hooks (w->hooks, NULL: none) are
 * called with w->hooks_ctx at the moment the thing happens; any hook may
 * be NULL. Hooks observe: they must not change routing state (they may
 * post their own events on the engine).
 */
struct ers_bgp_hooks {
	/* p's end reached Established / left its connection (why). */
	void (*session_up)(void *ctx, const struct ers_peer *p);
	void (*session_down)(void *ctx, const struct ers_peer *p, const char *why);
	/* An UPDATE from p with n prefixes was read off the connection. */
	void (*update_in)(void *ctx, const struct ers_peer *p, size_t n);
	/* An UPDATE went out to p. */
	void (*update_out)(void *ctx, const struct ers_peer *p, size_t n_announced,
			   size_t n_withdrawn);
	/* s's Loc-RIB entry for prefix changed: was is the tag this hook
	 * returned for the entry before (0: there was none), now the new
	 * entry (NULL: no route). Returns the tag to keep with now (struct
	 * ers_loc's state; observe.c hashes the entry for oscillation
	 * detection). */
	uint64_t (*best_changed)(void *ctx, const struct ers_speaker *s, uint32_t prefix,
				 uint64_t was, const struct ers_loc *now);
	/* The same routes stay, but why the best one won changed. */
	void (*reason_changed)(void *ctx, const struct ers_speaker *s, uint32_t prefix);
	/* A decision among n > 1 candidates chose c[best] (c[i].lost says
	 * why each other lost); called for every such decision, changed or
	 * not. */
	void (*decided)(void *ctx, const struct ers_speaker *s, uint32_t prefix,
			const struct ers_cand *c, size_t n, size_t best);
	/* A link's state changed (after ers_link_went_down/came_up). */
	void (*link_changed)(void *ctx, const struct ers_net_link *l);
	/* A route s does not send to p because a limit of the model would be
	 * passed (kind "as-path-limit", "community-limit"). */
	void (*limit)(void *ctx, const struct ers_peer *p, uint32_t prefix,
		      const char *kind, const char *what);
	/* Something a user should know (kind "prefix-limit", ...) at node. */
	void (*notice)(void *ctx, const char *kind, const char *node, const char *detail);
};

/* bgp_fsm.c */
void ers_bgp_start(struct ers_world *w);
/* p's router shuts the session on purpose (RFC 8203): it leaves at once
 * and sends NOTIFICATION (Cease, Administrative Shutdown), which the
 * other end receives after the link's delay if the link carries it now;
 * else the other end finds out by its own means. */
void ers_session_admin_shutdown(struct ers_world *w, struct ers_peer *p, const char *why);
void ers_session_reset(struct ers_world *w, struct ers_session *ss,
		       const char *why);
/* Link state changes (after link->down or a node's down changed). */
void ers_link_went_down(struct ers_world *w, struct ers_net_link *l);
void ers_link_came_up(struct ers_world *w, struct ers_net_link *l);
void ers_node_went_down(struct ers_world *w, struct ers_node *n);
void ers_node_came_up(struct ers_world *w, struct ers_node *n);
bool ers_peer_established(const struct ers_peer *p);

/* bgp_msg.c: free what the core keeps beside the world (message pools,
 * the RIBs' route lists). */
void ers_bgp_release(struct ers_world *w);

/* bgp_update.c */
/* Ask for prefix to be (re)considered for sending to peer. */
void ers_peer_want_send(struct ers_world *w, struct ers_peer *p, uint32_t prefix);
/* Re-announce everything to p (policy or maintenance change). */
void ers_peer_refresh(struct ers_world *w, struct ers_peer *p);

/* bgp_rib.c */
/* Store an UPDATE entry from p in Adj-RIB-In (attrs NULL = withdraw);
 * true if it changed, and prefix then needs ers_rib_decide. */
bool ers_rib_store(struct ers_world *w, struct ers_peer *p, uint32_t prefix,
		   const struct ers_attrs *attrs);
/* Run the decision process for prefix at s; notify on change. */
void ers_rib_decide(struct ers_world *w, struct ers_speaker *s, uint32_t prefix);
/* What s would send to p for prefix now (NULL = nothing / withdraw). */
const struct ers_attrs *ers_rib_export(struct ers_world *w, struct ers_peer *p,
				       uint32_t prefix);
/* Session up: queue the whole Loc-RIB. Session down: drop what was learned. */
void ers_rib_peer_up(struct ers_world *w, struct ers_peer *p);
void ers_rib_peer_down(struct ers_world *w, struct ers_peer *p);
/* Speaker restarted or died: clear or re-originate its own routes. */
void ers_rib_speaker_down(struct ers_world *w, struct ers_speaker *s);
void ers_rib_speaker_up(struct ers_world *w, struct ers_speaker *s);
/* Group the peers that are sent alike (update groups); ers_bgp_start
 * calls it. */
void ers_rib_start(struct ers_world *w);
/* Free what the RIBs keep beside the world's maps (the per-prefix route
 * lists, the exports cached per group); ers_bgp_release calls it. */
void ers_rib_release(struct ers_world *w);
/* Prefixes s would advertise to p right now (for the prefix limit). */
uint32_t ers_rib_count_exportable(struct ers_world *w, struct ers_peer *p);

#endif
