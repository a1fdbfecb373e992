/*
 * world.h - what runs: nodes (physical routers), links between them, BGP
 * speakers (one routing instance each: a CE, a PE, a gateway, or one
 * circuit's VRF on an MSEE), sessions between speakers over links, and the
 * observers' records. Built by world.c on the scenario's network graph
 * (graph.h: nodes and links are the graph's, numbered alike); driven by the
 * engine through bgp_fsm.c (FSM, timers), bgp_msg.c (messages),
 * bgp_update.c (sending, MRAI), bgp_bfd.c and bgp_rib.c
 * (RIBs, import/export, decision), which report to observe.c (forwarding,
 * flows, convergence) only through the hooks run.c installs (bgp.h).
 * Private to the simulation: commands see only result.h.
 */
#ifndef ERSIM_WORLD_H
#define ERSIM_WORLD_H

#include <stdio.h>

#include "ersim/bgp_attr.h"
#include "ersim/catalog.h"
#include "ersim/engine.h"
#include "ersim/graph.h"
#include "ersim/map.h"
#include "ersim/result.h"
#include "ersim/run.h"
#include "ersim/scenario.h"

/* A physical router: what fails and what paths name. Node i is the
 * graph's node i (graph.h); a region node has no links or speakers. */
struct ers_node {
	const char *id;			/* "ams-dc/ce1", "amsterdam-1/a", "hub-weu/gw" (the graph's) */
	enum ers_node_kind kind;
	int down;			/* failures holding it down (0 = up) */
	size_t *links;			/* indices of links attached */
	size_t n_links;
	struct ers_speaker **speakers;	/* routing instances on it */
	size_t n_speakers;
};

/* A link: the graph's link of the same number, with its state. */
struct ers_net_link {
	enum ers_link_kind kind;
	size_t a, b;			/* node indices */
	ers_time_t delay;		/* the graph's, at least 1 ns */
	bool interface_carrier;		/* failures seen at once by both ends */
	ers_rate_t bandwidth;		/* 0 = not modelled; observe.c uses a
					 * circuit link's and Global Reach's */
	int down;			/* failures holding it down */
	int circuit, role, obj, obj2;	/* the scenario object (graph.h) */
	const char *name;		/* "link:er-ams/primary", "site-link:a+b", ... (the graph's) */
	size_t *sessions;		/* sessions running over it */
	size_t n_sessions;
	double load[2];			/* bps a->b, b->a (observe.c) */
};

enum ers_speaker_kind { ERS_SPK_CE, ERS_SPK_PE, ERS_SPK_MSEE, ERS_SPK_GW,
			 ERS_SPK_MICROSOFT };	/* Microsoft's network (msft_peering.c) */

/* Which way routes flow through an MSEE VRF or gateway (export rules). */
enum ers_peer_role {
	ERS_PEER_PLAIN,			/* ordinary BGP neighbour */
	ERS_PEER_CUSTOMER,		/* MSEE: the customer side (CE or PE) */
	ERS_PEER_GATEWAY,		/* MSEE: a VNet gateway */
	ERS_PEER_GLOBAL_REACH,		/* MSEE: the other circuit's MSEE */
	ERS_PEER_MSEE,			/* gateway: an MSEE of a connected circuit */
	ERS_PEER_VPN,			/* gateway: a site-to-site VPN */
	ERS_PEER_MICROSOFT,		/* Microsoft-peering VRF: Microsoft's network */
};

struct ers_speaker;
struct ers_session;
struct ers_msg;				/* bgp_int.h */
struct ers_change;			/* observe.c */
struct ers_bgp_hooks;			/* bgp.h */
struct ers_export_cache;		/* bgp_rib.c */
struct ers_watch;			/* observe.c */
struct ers_msft_filter;			/* msft_peering.c */

/* One end of a session: everything one speaker keeps about one neighbour. */
struct ers_peer {
	struct ers_speaker *self;
	struct ers_peer *remote;
	struct ers_session *session;
	uint32_t slot;			/* its index in self->peers */
	int export_group;		/* bgp_rib.c: peers of self sent the same
					 * routes share one (-1: none alike) */
	enum ers_peer_role role;
	bool ibgp;
	bool rr_client;			/* iBGP neighbour we reflect to and from */
	enum ers_relationship rel;	/* what the neighbour is to us (Gao-Rexford) */
	uint32_t igp_cost;
	uint32_t conn_weight;		/* gateway: connection weight */
	bool vpn;			/* gateway side of a VPN */
	const struct ers_policy *import, *export;
	const struct ers_bgp_cfg *bgp;	/* effective settings of this end (shared) */

	int state;			/* enum ers_bgp_state */
	uint32_t conn;			/* connection (session epoch) it is attached to */
	ers_time_t hold, keepalive;	/* negotiated */
	struct ers_timer hold_timer, keepalive_timer;
	struct ers_timer *mrai_timer;	/* only when the end's MRAI is on */
	struct ers_msg *tx_head, *tx_tail;	/* stream: sent, not yet received */
	bool tx_stalled;		/* a message fell due while the link was down */
	struct ers_peer *flush_next;	/* in the speaker's list of peers to flush */
	bool flush_queued;

	struct ers_map adj_in;		/* prefix id -> const struct ers_attrs * */
	struct ers_map adj_out;		/* prefix id -> const struct ers_attrs * sent */
	struct ers_map pending;		/* prefix ids to (re)consider for sending */
	uint32_t n_accepted;		/* prefixes in adj_in */
	uint32_t max_prefix;		/* 0 = no limit */
	bool prefix_limited;		/* torn down by max-prefix; stays down */
	unsigned maintenance_prepend;	/* MSEE: extra 12076 while draining */
	/* The customer end of a Microsoft peering session: it advertises
	 * only routes inside these public prefixes (msft_peering.c). */
	const struct ers_prefix *ms_allow;
	size_t n_ms_allow;
};

struct ers_session {
	struct ers_peer end[2];
	size_t link;			/* link it runs over */
	uint32_t epoch;			/* bumped on every reset: stale messages drop */
	struct ers_timer connect_timer;	/* retry when both ends are idle */
	bool bfd;			/* BFD runs on this session */
	ers_time_t bfd_interval;	/* negotiated: the slower of the two */
	unsigned bfd_mult;
	struct ers_timer bfd_timer;	/* detection after a silent failure */
	/* MSEE-gateway sessions (end[0] the MSEE, end[1] the gateway): the
	 * gateway's convergence (expressroute.c), else NULL. gw_timer: when
	 * the gateway gives up the routes of a dead connection; not before
	 * gw_not_before does it learn them again after one it lost. */
	const struct ers_gw_conv *gw_conv;
	struct ers_timer gw_timer;
	ers_time_t gw_not_before;
	bool gw_lost;
	size_t index;
};

/* A Loc-RIB entry: the best route and the equal-cost set. */
#define ERS_MAX_ECMP 8
struct ers_loc {
	const struct ers_attrs *attrs;
	struct ers_peer *best;		/* NULL: originated here */
	struct ers_peer *ecmp[ERS_MAX_ECMP];	/* forwarding set incl. best */
	uint8_t n_ecmp;
	uint64_t state;			/* hash of the above (observe.c): the
					 * prefix's network state XORs them */
	/* Why (as FRR keeps its selection reason): the step that decided
	 * against the strongest route outside the forwarding set (over, with
	 * its attributes; beaten at that step by a route with attributes
	 * by_attrs, the best one's except for MED), or ERS_WHY_ONLY. */
	uint8_t why;			/* enum ers_bgp_reason */
	struct ers_peer *over;
	const struct ers_attrs *over_attrs, *by_attrs;
};

struct ers_world;

/* A router's time per prefix an UPDATE carries, on top of its time per
 * message (docs/model.md gives the sources). */
#define ERS_PREFIX_DELAY_DEFAULT ((ers_time_t)10000)	/* 10 us */

struct ers_speaker {
	struct ers_world *w;
	char *id;			/* router id for output: node id, or "msee@circuit" */
	enum ers_speaker_kind kind;
	size_t node;
	uint32_t asn;
	uint32_t router_id;
	uint32_t cluster_id;		/* RFC 4456: the router id unless set */
	bool reflector;			/* reflects routes between iBGP neighbours */
	bool rr_explicit;		/* its AS says who reflects (docs/model.md) */
	int circuit;			/* MSEE VRF: its circuit; else -1 */
	bool msft;			/* MSEE VRF of Microsoft peering */
	int site, vnet;			/* owning site / vnet or -1 */
	bool multipath;
	bool tie_oldest;		/* prefer the selected eBGP route over router id */
	bool always_compare_med;	/* MED across neighbour ASes */
	uint32_t route_limit;		/* gateway: routes it can learn (0 = none) */
	ers_time_t proc_delay;		/* the router's own, else each session's */
	ers_time_t prefix_delay;	/* per prefix an UPDATE carries */
	ers_time_t fib_delay;		/* per changed prefix installed */
	ers_time_t busy_until;		/* decision process is busy until */
	struct ers_peer **peers;
	size_t n_peers;
	/* Peers with prefixes to send, flushed once the current instant's
	 * batch is done: one timer per router, not per session. */
	struct ers_timer flush_timer;
	struct ers_peer *flush_head, *flush_tail;
	struct ers_map local;		/* prefix id -> attrs originated here */
	struct ers_map loc;		/* prefix id -> struct ers_loc * */
	/* bgp_rib.c: prefix id -> the routes its peers' Adj-RIBs-In hold for
	 * it, in peer order, so a decision looks at those routes only */
	struct ers_map rib_in;
	uint32_t n_learned;		/* gateway: routes in loc learned */
	bool over_limit_reported;
	bool limit_refused;		/* gateway: a route was refused at the limit */
	bool reconsider_posted;		/* gateway: reconsideration is scheduled */
	size_t index;
};

/* Why a failure event's first effect was seen, for detection times. */
struct ers_event_rec {
	ers_time_t at;
	ers_time_t detected, converged;
	uint64_t updates, withdrawals;
	/* Maintenance: the above as they stood when the link went down,
	 * i.e. the drain's (run.c reports these as the event's). */
	bool drained;
	ers_time_t drain_detected, drain_converged;
	uint64_t drain_updates, drain_withdrawals;
};

struct ers_flow_rec {
	struct ers_speaker *src;
	uint32_t dst_addr;
	int dst_site, dst_vnet;		/* what counts as delivered */
	bool dst_msft;			/* a Microsoft service (msft_peering.c) */
	double delivered;		/* share delivered now */
	ers_time_t since;		/* time of the last accounting */
	double lost_bytes;
	ers_time_t outage, down;
	double max_util, cur_util;	/* peak since accounting began; now */
	int max_util_link, cur_util_link;
	/* current paths, for change detection */
	struct ers_path_entry *cur;
	size_t n_cur;
	size_t cap_paths;		/* entries allocated in the result's history */
	bool history_coalesced;		/* path-history notice given */
	bool decisions_coalesced;	/* the same for its decision history */
	/* speaker index -> its last recorded choice (observe_decision.c) */
	struct ers_map last_choice;
};

struct ers_world {
	const struct ers_scenario *s;
	const struct ers_catalog *cat;
	const struct ers_run_opts *opts;
	struct ers_sim *sim;
	struct ers_attr_table attrs;
	struct ers_prefix_table prefixes;

	struct ers_graph *g;		/* the network it runs (owned) */
	struct ers_node *nodes;		size_t n_nodes, cap_nodes;
	size_t n_routers;		/* nodes that are routers (not regions) */
	struct ers_net_link *links;		size_t n_links, cap_links;
	struct ers_speaker **speakers;	size_t n_speakers, cap_speakers;
	struct ers_session **sessions;	size_t n_sessions, cap_sessions;
	/* site router speakers: site_speakers[site][router] */
	struct ers_speaker ***site_speakers;
	struct ers_speaker **gw_speakers;	/* by vnet */
	struct ers_gw_conv *gw_convs;	/* by vnet: effective convergence */
	double (*gw_load)[2];		/* by vnet: bps through the gateway over its
					 * connections, MSEE->gw and gw->MSEE */
	struct ers_speaker **msee_vrfs;	/* [2 * circuit + side] */
	/* Microsoft peering (msft_peering.c): its VRFs [2 * circuit + side]
	 * (NULL where a circuit has none) and Microsoft's network, which
	 * originates the services' prefixes (NULL when nothing uses it) */
	struct ers_speaker **msft_vrfs;
	struct ers_speaker *msft_core;
	struct ers_msft_filter *msft_filters;	/* by circuit: attached now */

	/* who watches the BGP core (bgp.h; NULL: nobody), and their context */
	const struct ers_bgp_hooks *hooks;
	void *hooks_ctx;
	struct ers_export_cache *export_cache;	/* bgp_rib.c: update groups */
	int n_export_groups;		/* the most any speaker has */

	/* observers */
	struct ers_event_rec *ev;	/* per scenario event */
	int cur_event;			/* last event started, -1 before */
	size_t *cur_group;		/* events started at the same time as it: */
	size_t n_cur_group;		/* what happens now is charged to them all */
	ers_time_t cur_group_time;
	ers_time_t last_change;		/* last Loc-RIB change */
	ers_time_t first_event_at;
	ers_time_t initial_convergence;
	struct ers_flow_rec *flows;
	struct ers_result *result;	/* paths and notices accumulate here */
	bool retrace_pending;
	/* observe.c, non-convergence: a ring of the latest route changes,
	 * per prefix the network's state hash and the states seen since the
	 * last event (struct ers_watch), oscillations reported. */
	struct ers_change *recent;
	uint64_t n_changes;
	struct ers_watch *watch;
	size_t n_watch;
	ers_time_t watch_since;		/* last event (or 0) */
	ers_time_t oscillation_at;	/* latest detection, NEVER if none */
	size_t n_oscillations;		/* prefixes found oscillating */
	uint64_t messages, updates;
	void *msg_pool[32];		/* bgp_msg.c: free messages by size class */
	struct ers_bgp_cfg **cfgs;	/* distinct effective BGP settings */
	size_t n_cfgs;
	void *msg_chunks;		/* the memory they are carved from */
	char *chunk_pos, *chunk_end;
	uint64_t fingerprint;
	enum ers_err err;		/* first fatal error (ENOMEM) */
};

/* world.c */
enum ers_err ers_world_build(struct ers_world *w, const struct ers_scenario *s,
			     const struct ers_catalog *cat, struct ers_diag *d);
void ers_world_release(struct ers_world *w);
bool ers_link_usable(const struct ers_world *w, const struct ers_net_link *l);
/* Make sp originate p (IGP origin, empty AS path); 0 or -1 (ENOMEM). */
int ers_world_originate(struct ers_world *w, struct ers_speaker *sp, struct ers_prefix p);

/* world.c, for modules that add speakers and sessions on the graph's
 * nodes and links while the world is built (msft_peering.c). */
struct ers_speaker *ers_world_add_speaker(struct ers_world *w, long node, char *id,
					  enum ers_speaker_kind kind, uint32_t asn);
struct ers_session *ers_world_add_session(struct ers_world *w, struct ers_speaker *a,
					  struct ers_speaker *b, long link);
/* The customer's end: the link's policies and timers; the MSEE's end:
 * Microsoft's fixed timers, its prefix limit; BFD as on private peering. */
int ers_world_customer_end(struct ers_world *w, struct ers_peer *p,
			   const struct ers_session_cfg *cfg);
int ers_world_msee_end(struct ers_world *w, struct ers_peer *p, uint32_t max_prefix);
void ers_world_msee_bfd(struct ers_world *w, struct ers_session *ss,
			const struct ers_session_cfg *cfg);

/* run_ribs.c: copy every speaker's Loc-RIB into the result (--ribs). */
int ers_run_fill_ribs(struct ers_world *w, struct ers_result *r);

/* trace: every simulation event goes to the fingerprint and --trace */
void ers_trace(struct ers_world *w, const char *router, const char *kind,
	       const char *fmt, ...) __attribute__((format(printf, 4, 5)));
/* The same for the hot path (UPDATEs): detail is "<peer> <a> <b>", and is
 * formatted only when a trace file is open; the fingerprint hashes the
 * values themselves. */
void ers_trace_update(struct ers_world *w, const char *router, const char *kind,
		      const char *peer, uint64_t a, uint64_t b);

#endif
