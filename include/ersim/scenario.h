/*
 * scenario.h - the scenario model: plain C structs holding what a scenario
 * file says, each object with the line it came from, and nothing else
 * (no libxml2, no igraph types). See docs/scenario-format.md.
 *
 * load.c fills it (schema first, then references resolved to indices);
 * check.c validates meaning against the catalog and never changes it.
 * Every string and array is owned by the scenario and freed by
 * ers_scenario_free().
 */
#ifndef ERSIM_SCENARIO_H
#define ERSIM_SCENARIO_H

#include "ersim/catalog.h"
#include "ersim/error.h"
#include "ersim/types.h"

/* A bit per optional field, so overrides merge with defaults. */
enum {
	ERS_SET_KEEPALIVE = 1u << 0,
	ERS_SET_HOLD = 1u << 1,
	ERS_SET_MRAI = 1u << 2,
	ERS_SET_PROC_DELAY = 1u << 3,
	ERS_SET_CONNECT_RETRY = 1u << 4,
	ERS_SET_BFD_ENABLED = 1u << 5,
	ERS_SET_BFD_INTERVAL = 1u << 6,
	ERS_SET_BFD_MULT = 1u << 7,
	ERS_SET_MRAI_WITHDRAWALS = 1u << 8,
	ERS_SET_CONV_MIN = 1u << 9,
	ERS_SET_CONV_TYPICAL = 1u << 10,
	ERS_SET_CONV_MAX = 1u << 11,
};

struct ers_bgp_cfg {
	ers_time_t keepalive;		/* default 60s */
	ers_time_t hold;		/* default 180s */
	ers_time_t mrai;		/* 0 = off (default) */
	ers_time_t processing_delay;	/* default 1ms */
	ers_time_t connect_retry;	/* default 5s */
	bool mrai_withdrawals;		/* withdrawals wait for MRAI too (default false) */
	unsigned set;			/* ERS_SET_* bits given in the file */
	long line;
};

struct ers_bfd_cfg {
	bool enabled;			/* default false */
	ers_time_t interval;		/* default 300ms */
	unsigned multiplier;		/* default 3 */
	unsigned set;
	long line;
};

/* How long a VNet gateway takes to converge after a change on one of its
 * ExpressRoute connections (an MSEE, its location or the connection itself
 * failing or coming back), drawn per session from the one seeded RNG: 9
 * draws in 10 uniform in [min, typical], the others in [typical, max]
 * (docs/model.md). Defaults 0 s, 15 s, 60 s (sources §2, §7.3, §10). */
struct ers_gw_conv {
	ers_time_t min, typical, max;
	unsigned set;			/* ERS_SET_CONV_* given in the file */
	long line;
};

/* One import or export rule. A rule with no match fits every route. */
struct ers_rule {
	long line;
	bool has_match_prefix;
	struct ers_prefix match_prefix;
	uint8_t match_le;		/* longest length matched; == match_prefix.len for exact */
	bool has_match_community;
	ers_community_t match_community;
	bool deny;
	bool has_local_pref;
	uint32_t local_pref;
	bool has_weight;
	uint32_t weight;
	bool has_med;
	uint32_t med;
	unsigned prepend;		/* extra copies of own ASN (export) */
	ers_community_t *communities;	/* set on export; sorted, unique */
	size_t n_communities;
};

struct ers_policy {
	struct ers_rule *rules;		/* document order; first fit applies */
	size_t n_rules;
};

/* Per-session settings a link may carry. */
struct ers_session_cfg {
	struct ers_policy import;
	struct ers_policy export;
	struct ers_bgp_cfg bgp;		/* .set == 0 when not overridden */
	struct ers_bfd_cfg bfd;
};

/* The decision process's own choices (see docs/model.md): which step
 * breaks a tie after the IGP cost, and whether MED counts across
 * neighbour ASes. Unset fields inherit: router, site, <defaults>, built-in
 * (oldest, false). */
enum ers_tie_break { ERS_TIE_UNSET, ERS_TIE_OLDEST, ERS_TIE_ROUTER_ID };
struct ers_decision_cfg {
	enum ers_tie_break tie_break;
	int always_compare_med;		/* -1 unset, 0, 1 */
};

struct ers_router {
	char *id;			/* "ce1" */
	char *full_id;			/* "ams-dc/ce1" */
	bool has_router_id;
	uint32_t router_id;		/* dotted quad in file, host order */
	ers_time_t processing_delay;	/* overrides the sessions' when > 0 */
	bool has_prefix_delay;
	ers_time_t prefix_delay;	/* per prefix of an UPDATE (default ERS_PREFIX_DELAY_DEFAULT) */
	ers_time_t fib_delay;		/* per changed prefix installed (default 0) */
	/* RFC 4456: route-reflector="true|false" given (the AS's iBGP design
	 * is then explicit, docs/model.md), and the cluster id (default: the
	 * router id). */
	bool has_route_reflector, route_reflector;
	bool has_cluster_id;
	uint32_t cluster_id;
	struct ers_decision_cfg decision;
	long line;
};

/* Originated prefixes: <prefix> has count 1; <prefix-block> count N. */
struct ers_origin {
	struct ers_prefix first;
	uint32_t count;
	int router;			/* index in site's routers, -1 = every router */
	long line;
};

struct ers_site {
	char *id;
	uint32_t asn;
	bool multipath;			/* default true */
	ers_time_t internal_delay;	/* default 0.5ms */
	struct ers_decision_cfg decision;
	struct ers_router *routers;
	size_t n_routers;
	struct ers_origin *origins;
	size_t n_origins;
	long line;
};

/* A reference to one site router by indices. */
struct ers_router_ref {
	int site;
	int router;
};

/* Business relationship over a site-link (Gao-Rexford): what b is to a. */
enum ers_relationship {
	ERS_REL_NONE,			/* no policy: every route both ways */
	ERS_REL_CUSTOMER,		/* b is a's customer (a provides transit) */
	ERS_REL_PROVIDER,		/* b is a's provider */
	ERS_REL_PEER,			/* settlement-free peers */
};

enum ers_carrier {
	ERS_CARRIER_DEFAULT,		/* from the provider model */
	ERS_CARRIER_PROVIDER,		/* only BFD or hold timer notice */
	ERS_CARRIER_INTERFACE,		/* interface down, seen at once */
};

struct ers_site_link {
	struct ers_router_ref a, b;
	enum ers_relationship rel;
	ers_time_t delay;		/* required */
	uint32_t cost;			/* IGP cost, default 1 */
	int provider;			/* index, or -1: the routers' own cable */
	enum ers_carrier carrier;	/* as written; see ers_site_link_carrier */
	struct ers_session_cfg cfg;
	long line;
};

enum ers_provider_model { ERS_PROVIDER_LAYER2, ERS_PROVIDER_LAYER3, ERS_PROVIDER_DIRECT };

struct ers_provider {
	char *id;
	enum ers_provider_model model;
	uint32_t asn;			/* layer3 only, else 0 */
	long line;
};

enum ers_sku { ERS_SKU_LOCAL, ERS_SKU_STANDARD, ERS_SKU_PREMIUM };
enum ers_role { ERS_ROLE_PRIMARY = 0, ERS_ROLE_SECONDARY = 1 };
/* Failure visibility: what the two ends of a link see when it breaks. */
struct ers_link {
	enum ers_role role;
	struct ers_router_ref ce;
	ers_time_t delay;		/* default 1ms */
	enum ers_carrier carrier;
	struct ers_session_cfg cfg;
	bool has_msee_router_id, has_pe_router_id;
	uint32_t msee_router_id;	/* the MSEE VRF at this link's end */
	uint32_t pe_router_id;		/* layer 3: the provider's PE */
	long line;
};

/* How the customer's NAT pools sit on the two links of a Microsoft
 * peering (facts 10): one pool behind both links, or one pool per link. */
enum ers_ms_nat { ERS_MS_NAT_SHARED, ERS_MS_NAT_PER_LINK };

/* <microsoft-peering prefixes route-filter? nat? internet?>: the
 * customer's public prefixes and the route filter's communities (facts
 * 3.1, 6.1, 6.2); simulated by msft_peering.c (docs/model.md). With
 * per-link NAT, prefixes[0] is the primary link's pool, prefixes[1] the
 * secondary's. internet: the same prefixes are also advertised to the
 * internet (the asymmetric-routing hazard, facts 10). */
struct ers_ms_peering {
	bool present;
	struct ers_prefix *prefixes;
	size_t n_prefixes;
	bool has_route_filter;
	ers_community_t *route_filter;	/* service or regional communities */
	size_t n_route_filter;
	enum ers_ms_nat nat;
	bool internet;
	long line;
};

/* <microsoft-service id community region prefix>: prefixes Microsoft
 * advertises on Microsoft peering for one service in one region, tagged
 * with the service's community and the region's 12076:51xxx (facts 6.1,
 * 6.2, 6.3). No stored page lists Microsoft's prefixes, so the scenario
 * declares them. */
struct ers_ms_service {
	char *id;
	ers_community_t community;
	char *region;
	struct ers_prefix *prefixes;
	size_t n_prefixes;
	long line;
};

struct ers_circuit {
	char *id;
	char *location;			/* catalog id: location or metro */
	int provider;			/* index */
	ers_rate_t bandwidth;
	enum ers_sku sku;
	int msee_pair;			/* default 1 */
	struct ers_link links[2];	/* [ERS_ROLE_PRIMARY], [ERS_ROLE_SECONDARY] */
	uint32_t max_prefix;		/* 0 = SKU default (expressroute.h) */
	long max_prefix_line;
	struct ers_ms_peering ms;
	long line;
};

enum ers_gw_sku {
	ERS_GW_STANDARD,		/* also ERGw1Az; default */
	ERS_GW_HIGHPERF,		/* also ERGw2Az */
	ERS_GW_ULTRAPERF,		/* also ErGw3Az */
	ERS_GW_ERGW1AZ,
	ERS_GW_ERGW2AZ,
	ERS_GW_ERGW3AZ,
	ERS_GW_ERGWSCALE,		/* scale units: vnet.gw_scale_units */
};

struct ers_connection {
	int circuit;			/* index */
	uint32_t weight;		/* default 0 */
	long line;
};

struct ers_vnet {
	char *id;
	char *region;			/* catalog id */
	struct ers_prefix *prefixes;
	size_t n_prefixes;
	ers_community_t community;	/* 0 = none */
	enum ers_gw_sku gw_sku;
	unsigned gw_scale_units;	/* ErGwScale: 1..40 (default 1); else 0 */
	long gw_scale_line;		/* line of scale-units, 0 if not given */
	bool has_gw_router_id;
	uint32_t gw_router_id;
	struct ers_gw_conv gw_conv;	/* .set == 0 when not overridden */
	struct ers_connection *connections;
	size_t n_connections;
	long line;
};

struct ers_global_reach {
	int a, b;			/* circuit indices */
	long line;
};

struct ers_vpn {
	char *id;
	struct ers_router_ref ce;	/* router defaults to the site's first */
	int vnet;
	ers_time_t delay;		/* default 20ms */
	struct ers_session_cfg cfg;
	long line;
};

enum ers_target_kind {
	ERS_T_LINK,			/* a = circuit, b = role */
	ERS_T_CIRCUIT,			/* a = circuit */
	ERS_T_MSEE,			/* location, pair, side (0 = a, 1 = b) */
	ERS_T_MSEE_PAIR,		/* location, pair */
	ERS_T_LOCATION,			/* location */
	ERS_T_ROUTER,			/* a = site, b = router */
	ERS_T_SITE,			/* a = site */
	ERS_T_GATEWAY,			/* a = vnet */
	ERS_T_REGION,			/* region (in location field) */
	ERS_T_CONNECTION,		/* a = vnet, b = index in its connections */
	ERS_T_SITE_LINK,		/* a = site-link index */
	ERS_T_VPN,			/* a = vpn index */
	ERS_T_GLOBAL_REACH,		/* a = global-reach index */
	ERS_T_SRLG,			/* a = srlg index */
};

struct ers_target {
	enum ers_target_kind kind;
	char *text;			/* as written: "link:er-ams/primary" */
	int a, b;
	char *location;			/* MSEE, MSEE_PAIR, LOCATION, REGION; CONNECTION
					 * at one location (target.h), else NULL */
	int pair;
	int side;
};

struct ers_srlg {
	char *id;
	struct ers_target *members;
	size_t n_members;
	long line;
};

enum ers_endpoint_kind { ERS_EP_SITE, ERS_EP_ROUTER, ERS_EP_VNET,
			  ERS_EP_SERVICE };	/* service:ID, a <microsoft-service> */

struct ers_endpoint {
	enum ers_endpoint_kind kind;
	int index;			/* site, vnet or Microsoft service */
	int router;			/* router index for SITE (0) and ROUTER */
	char *text;			/* as written */
};

struct ers_flow {
	char *id;
	struct ers_endpoint from, to;
	ers_rate_t rate;
	long line;
};

enum ers_action {
	ERS_ACT_FAIL,
	ERS_ACT_RESTORE,
	ERS_ACT_MAINTENANCE,
	ERS_ACT_ANNOUNCE,		/* a router starts originating a prefix */
	ERS_ACT_WITHDRAW,		/* ... or stops */
	ERS_ACT_ROUTE_FILTER,		/* a Microsoft peering route filter attached */
};

struct ers_event {
	enum ers_action action;
	ers_time_t at;
	struct ers_target target;
	ers_time_t drain;		/* maintenance: default 60s */
	ers_time_t duration;		/* maintenance: required */
	unsigned prepend;		/* maintenance: default 3 */
	struct ers_router_ref router;	/* announce, withdraw */
	struct ers_prefix prefix;	/* announce, withdraw */
	ers_community_t *communities;	/* route-filter: the filter's communities */
	size_t n_communities;		/* (target: circuit:ID) */
	long line;
};

struct ers_scenario {
	char *file;			/* path as given, used in diagnostics */
	char *name;
	char *description;		/* may be NULL */
	uint64_t seed;			/* default 1 */
	bool has_duration;
	ers_time_t duration;
	long line;

	struct ers_bgp_cfg bgp;		/* defaults, complete */
	struct ers_bfd_cfg bfd;
	struct ers_decision_cfg decision; /* <defaults><decision>, may be unset */
	struct ers_gw_conv gw_conv;	/* <defaults><gateway>, complete */

	struct ers_catalog geography;	/* <geography> additions and overrides */

	struct ers_site *sites;		size_t n_sites;
	struct ers_site_link *site_links; size_t n_site_links;
	struct ers_provider *providers;	size_t n_providers;
	struct ers_circuit *circuits;	size_t n_circuits;
	struct ers_vnet *vnets;		size_t n_vnets;
	struct ers_global_reach *global_reach; size_t n_global_reach;
	struct ers_vpn *vpns;		size_t n_vpns;
	struct ers_srlg *srlgs;		size_t n_srlgs;
	struct ers_ms_service *ms_services; size_t n_ms_services;
	struct ers_flow *flows;		size_t n_flows;
	struct ers_event *events;	size_t n_events;
};

/* Parse and schema-validate path, resolving id references to indices.
 * On success *out is a new scenario (free with ers_scenario_free) and
 * ERS_OK is returned. On failure *out is NULL and d holds every problem
 * found, each with file:line. Never follows external entities or the
 * network. Does not run check.c's semantic checks. */
enum ers_err ers_scenario_load(const char *path, struct ers_scenario **out,
			       struct ers_diag *d);
/* The same, from a buffer; name is used in diagnostics. */
enum ers_err ers_scenario_load_mem(const char *buf, size_t len,
				   const char *name,
				   struct ers_scenario **out,
				   struct ers_diag *d);
/* Whether the process exits as soon as the loads that follow return
 * (validate's last file): the loader then leaves the parsed tree, and a
 * scenario that failed to load, to the exit instead of freeing them
 * object by object, which for an Internet-sized file costs a tenth of
 * the load (docs/bench.md, loader). Off by default; builds that free at
 * exit (ERS_FREE_AT_EXIT, the sanitizer builds) ignore it. */
void ers_scenario_load_exit_after(bool on);
/* An empty scenario named after file, with seed 1 and the built-in BGP
 * and BFD defaults, for the loader to fill; NULL when out of memory. */
struct ers_scenario *ers_scenario_new(const char *file);
void ers_scenario_free(struct ers_scenario *s);
/* Default router ids (docs/model.md): first.<index + 1 in two octets>.
 * <sub + 1>: site routers 10 (site, router), MSEE VRFs 12 and layer-3 PEs
 * 13 (circuit, side), gateways 14 (vnet, 0). */
uint32_t ers_default_router_id(unsigned first_octet, size_t index, size_t sub);
/* The effective decision settings of site router r (r < 0: of a router
 * outside any site: MSEE, PE). */
struct ers_decision_cfg ers_scenario_decision(const struct ers_scenario *s, int site,
					      int router);

/* Semantic checks against the catalog (with s->geography merged in). */
enum ers_err ers_scenario_check(const struct ers_scenario *s,
				const struct ers_catalog *cat,
				struct ers_diag *d);

/* Load, build the merged catalog and check: what every command runs.
 * On success *out_s and *out_cat are set (free both). */
enum ers_err ers_scenario_open(const char *path, struct ers_scenario **out_s,
			       struct ers_catalog **out_cat,
			       struct ers_diag *d);

/* Effective session settings: defaults overridden by cfg (may be NULL). */
struct ers_bgp_cfg ers_bgp_cfg_merge(const struct ers_bgp_cfg *defaults,
				     const struct ers_bgp_cfg *over);
struct ers_bfd_cfg ers_bfd_cfg_merge(const struct ers_bfd_cfg *defaults,
				     const struct ers_bfd_cfg *over);
struct ers_gw_conv ers_gw_conv_merge(const struct ers_gw_conv *defaults,
				     const struct ers_gw_conv *over);

/* Effective carrier of a site-link: a WAN circuit of a layer2 or layer3
 * provider breaks inside the provider's network (BFD or the hold timer
 * notice), a direct provider's or the routers' own cable drops the
 * interface. */
enum ers_carrier ers_site_link_carrier(const struct ers_scenario *s,
				       const struct ers_site_link *sl);

/* Effective carrier of a circuit link. */
enum ers_carrier ers_link_carrier(const struct ers_scenario *s,
				  const struct ers_circuit *c,
				  const struct ers_link *l);

/* Prefix limit the MSEE applies to routes from the customer: the
 * scenario's, else the SKU's (expressroute.c). */
uint32_t ers_circuit_max_prefix(const struct ers_circuit *c);

const char *ers_sku_str(enum ers_sku s);
const char *ers_gw_sku_str(enum ers_gw_sku s);
const char *ers_role_str(enum ers_role r);
const char *ers_provider_model_str(enum ers_provider_model m);
const char *ers_action_str(enum ers_action a);
const char *ers_relationship_str(enum ers_relationship r);

#endif
