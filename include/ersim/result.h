/*
 * result.h - what one run produces: per failure event detection and
 * convergence, per flow path history and outage, the final reachability
 * matrix, optional final RIBs, and run statistics. Plain data owned by the
 * result (strings copied), so a result outlives the world that made it and
 * can be written as text (report.c), JSON (result_json.c), compared or
 * stored. Times are nanoseconds of simulated time; ERS_TIME_NEVER marks
 * "did not happen".
 */
#ifndef ERSIM_RESULT_H
#define ERSIM_RESULT_H

#include "ersim/error.h"
#include "ersim/types.h"

enum ers_path_status {
	ERS_PATH_DELIVERED,		/* reaches the destination */
	ERS_PATH_BLACKHOLE,		/* a router on the way had no route */
	ERS_PATH_LOOP,			/* the path revisits a router */
};

/* What carries one hop of a path: which kind of link joins two routers,
 * so a report can show that traffic crossed a VPN or Global Reach. */
enum ers_hop_kind {
	ERS_HOP_UNKNOWN,		/* a document written before hop kinds */
	ERS_HOP_EXPRESSROUTE,		/* a circuit link, CE or PE to MSEE */
	ERS_HOP_ACCESS,			/* CE to PE of a layer-3 provider */
	ERS_HOP_INTERNAL,		/* between routers of one site */
	ERS_HOP_SITE_LINK,		/* <site-link> between two sites */
	ERS_HOP_CONNECTION,		/* MSEE to VNet gateway */
	ERS_HOP_GLOBAL_REACH,		/* MSEE to MSEE of two circuits */
	ERS_HOP_VPN,			/* CE to gateway over the internet */
	ERS_HOP_MICROSOFT,		/* MSEE to Microsoft's network (Microsoft peering) */
};

/* One forwarding path of a flow from a moment on; with ECMP several
 * entries share from and split share. */
struct ers_path_entry {
	ers_time_t from;
	char **nodes;			/* node ids, source router first */
	size_t n_nodes;
	enum ers_hop_kind *hops;	/* hops[i] joins nodes[i] and nodes[i + 1]:
					 * n_nodes - 1 entries, or NULL if unknown */
	double share;			/* fraction of the flow on this path */
	enum ers_path_status status;
};

/* Why a router on a flow's path chose its route, from a moment on (the
 * deciding step the decision process kept with the best route): one
 * record each time it changes for a router on the flow's paths. */
struct ers_decision {
	ers_time_t at;
	char *router;			/* speaker: "ams-dc/ce1", "amsterdam-1/a@er-ams" */
	char *prefix;			/* the route the flow follows there */
	char *step;			/* "only route", "as-path", "router id", ... */
	char *chose;			/* node of the best route's next hop; NULL: local */
	char *over;			/* node of the strongest route not used; NULL: none */
	char *detail;			/* "as-path 1 < 3"; NULL with no competitor */
};

struct ers_flow_result {
	char *id, *from, *to;
	ers_rate_t rate;
	struct ers_path_entry *paths;	/* in time order */
	size_t n_paths;
	struct ers_decision *decisions;	/* in time order */
	size_t n_decisions;
	ers_time_t outage;		/* any share undelivered */
	ers_time_t down;		/* no share delivered */
	uint64_t lost_bytes;
	bool final_reachable;
	double max_utilization;		/* peak load / bandwidth on the busiest circuit link */
	char *max_utilization_link;	/* "link:er-ams/primary", or NULL */
};

struct ers_event_result {
	ers_time_t at;
	char *action;			/* "fail", "restore", "maintenance" */
	char *target;			/* as written in the scenario */
	ers_time_t detected;		/* first router to notice; NEVER if none */
	ers_time_t converged;		/* last routing change it caused; NEVER if none */
	uint64_t updates;		/* UPDATE messages sent after it, until the next event */
	uint64_t withdrawals;		/* withdrawn prefixes sent likewise */
	/* "maintenance": the window, drain from at, the link down from
	 * down_at, back at up_at; detected and converged are the drain's.
	 * Other actions: 0. */
	ers_time_t down_at, up_at;
};

/* Something the network did that a user should know about: a session
 * torn down by a prefix limit, a gateway over its route limit, ... */
struct ers_notice {
	ers_time_t at;
	char *kind;			/* "prefix-limit", "gateway-route-limit", ... */
	char *node;			/* router id */
	char *detail;
};

struct ers_rib_route {
	char *prefix;			/* "10.1.0.0/16" */
	uint32_t *as_path;
	size_t as_path_len;
	char *next_hop;			/* BGP neighbour's node id; NULL if local */
	char **ecmp;			/* all next hops used (incl. next_hop) */
	size_t n_ecmp;
	uint32_t local_pref;
	uint32_t med;
	bool has_med;
	const char *origin;		/* "igp", "egp", "incomplete" (static) */
	char **communities;		/* "12076:50002" */
	size_t n_communities;
	uint32_t weight;
};

struct ers_rib_table {
	char *router;			/* "ams-dc/ce1", "hub-weu/gw", "amsterdam-1/a@er-ams" */
	struct ers_rib_route *routes;	/* sorted by prefix */
	size_t n_routes;
};

struct ers_result {
	char *scenario;
	uint64_t seed;
	size_t n_routers, n_links, n_sessions;
	ers_time_t initial_convergence;	/* last routing change before the first event */
	ers_time_t end;			/* simulated time the run stopped */

	struct ers_event_result *events;	size_t n_events;
	struct ers_flow_result *flows;		size_t n_flows;
	struct ers_notice *notices;		size_t n_notices;

	/* reachability: endpoints (sites then vnets, scenario order) and an
	 * n x n matrix, reach[i * n + j] for i -> j (i != j) at the end. */
	char **endpoints;
	size_t n_endpoints;
	bool *reach;

	struct ers_rib_table *ribs;	/* only with opts.ribs */
	size_t n_ribs;

	struct {
		uint64_t events_processed;
		uint64_t messages;		/* BGP messages of every type */
		uint64_t updates;		/* UPDATE messages */
		uint64_t routes;		/* Adj-RIB-In + Loc-RIB entries at the end */
		uint64_t attr_sets;		/* distinct interned attribute sets */
		uint64_t fingerprint;		/* hash of the ordered event trace */
		double wall_s;			/* filled by the caller; not deterministic */
	} stats;
};

void ers_result_free(struct ers_result *r);	/* NULL-safe */
void ers_decision_free(struct ers_decision *d);	/* the strings only */
/* The decision in force at router (a node id: the node or one of its
 * VRFs) for flow f just before t, or NULL. */
const struct ers_decision *ers_flow_decision_at(const struct ers_flow_result *f,
						const char *router, ers_time_t t);

/* Helpers for code that builds results (run.c, result_json.c, tests). */

/* A result with every field zero; NULL when out of memory. Free with
 * ers_result_free. */
struct ers_result *ers_result_new(void);

/* Copy n strings into a new array (*out, NULL when n == 0). On failure
 * nothing is allocated, *out is NULL and ERS_ENOMEM is returned. */
enum ers_err ers_strv_dup(char *const *src, size_t n, char ***out);
/* Free an array of n strings and the strings; NULL-safe. */
void ers_strv_free(char **v, size_t n);

/* reach[i * n + j] for endpoints i -> j; false when out of range. */
bool ers_result_reaches(const struct ers_result *r, size_t from, size_t to);
/* Index of an endpoint by name, or -1. */
long ers_result_endpoint(const struct ers_result *r, const char *name);

/* Name of a path status for output: "delivered", "blackhole", "loop";
 * and back (false if s names none). */
const char *ers_path_status_str(enum ers_path_status st);
bool ers_path_status_parse(const char *s, enum ers_path_status *out);

/* Hop kinds: the name in result documents ("expressroute", "vpn", ...),
 * its label for people ("ExpressRoute", "VPN", ...), and back from the
 * name (false if s names none). */
const char *ers_hop_kind_str(enum ers_hop_kind k);
const char *ers_hop_kind_label(enum ers_hop_kind k);
bool ers_hop_kind_parse(const char *s, enum ers_hop_kind *out);

/* Free what one path entry owns (its nodes and hops), not the entry. */
void ers_path_entry_release(struct ers_path_entry *p);

#endif
