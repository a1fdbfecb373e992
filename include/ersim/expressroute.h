/*
 * expressroute.h - ExpressRoute's own rules in one place: the table of
 * Microsoft's limits (each row citing the fact-sheet section it comes
 * from, the same numbering as docs/sources.md), SKU reach, what an MSEE
 * passes where, how it tags and strips routes, and how a VNet gateway
 * prefers routes. The simulator (world.c, bgp_rib.c, bgp_decision.c,
 * bgp_fsm.c, observe.c, run.c), validation (check.c, load_build.c,
 * scenario.c) and analysis (topology.c, analyze*.c) all ask here, so a
 * number changes in one row.
 */
#ifndef ERSIM_EXPRESSROUTE_H
#define ERSIM_EXPRESSROUTE_H

#include "ersim/bgp.h"

enum ers_er_limit_id {
	ERS_ER_PREFIX_STANDARD,		/* private peering, local/standard: 4000 */
	ERS_ER_PREFIX_PREMIUM,		/* private peering, premium: 10000 */
	ERS_ER_GW_ADVERTISED,		/* VNet prefixes per connection: 1000 */
	ERS_ER_GW_ROUTES_STANDARD,	/* routes learned, Standard/ERGw1Az: 4000 */
	ERS_ER_GW_ROUTES_HIGH,		/* HighPerf/UltraPerf/ErGw2-3Az: 9500 */
	ERS_ER_GW_CIRCUITS_STANDARD,	/* circuits per gateway: 4 */
	ERS_ER_GW_CIRCUITS_HIGH,	/* 8 */
	ERS_ER_GW_CIRCUITS_ULTRA,	/* 16 */
	ERS_ER_CIRCUITS_PER_LOCATION,	/* from one location on one VNet: 4 */
	ERS_ER_ECMP_CIRCUITS,		/* ECMP out of a VNet: 4 circuits */
	ERS_ER_GW_MBPS_STANDARD,	/* gateway throughput, Mbps: 1000 */
	ERS_ER_GW_MBPS_HIGH,		/* 2000 */
	ERS_ER_GW_MBPS_ULTRA,		/* 10000 */
	ERS_ER_GWSCALE_MBPS_PER_UNIT,	/* ErGwScale: 1000 Mbps per scale unit */
	ERS_ER_GWSCALE_ROUTES,		/* ErGwScale routes learned: 9500 */
	ERS_ER_GWSCALE_UNITS_FOR_8,	/* ErGwScale: 8 circuits from 2 units */
	ERS_ER_GWSCALE_UNITS_FOR_16,	/* 16 circuits from 10 units */
	ERS_ER_MS_PREFIX,		/* Microsoft peering, per session: 200 */
	ERS_ER_LINKS_STANDARD,		/* VNet links, local/standard: 10 */
	ERS_ER_LINKS_P50M,		/* premium, by bandwidth (3.3) */
	ERS_ER_LINKS_P100M,
	ERS_ER_LINKS_P200M,
	ERS_ER_LINKS_P500M,
	ERS_ER_LINKS_P1G,
	ERS_ER_LINKS_P2G,
	ERS_ER_LINKS_P5G,
	ERS_ER_LINKS_P10G,
	ERS_ER_N_LIMITS
};

/* One published limit: its value, the section of the fact sheet (and of
 * docs/sources.md) that states it, and what it bounds. */
struct ers_er_limit {
	uint64_t value;
	const char *section;		/* "3.1" */
	const char *what;
};

/* The row of id; every id has one. */
const struct ers_er_limit *ers_er_limit(enum ers_er_limit_id id);
static inline uint64_t ers_er_limit_value(enum ers_er_limit_id id)
{
	return ers_er_limit(id)->value;
}

/* Prefixes the MSEE accepts from the customer on private peering. */
uint32_t ers_er_prefix_limit(enum ers_sku sku);
/* Routes a VNet's gateway learns; circuits it connects; its throughput
 * (by SKU, and for ErGwScale by scale units). */
uint32_t ers_er_gw_route_limit(const struct ers_vnet *v);
unsigned ers_er_gw_circuit_limit(const struct ers_vnet *v);
ers_rate_t ers_er_gw_throughput(const struct ers_vnet *v);
/* ErGwScale's scale units (1 when not given); 0 for other SKUs. */
unsigned ers_er_gw_units(const struct ers_vnet *v);
/* VNet links (connections and Global Reach) a circuit allows: 10 unless
 * premium, where it grows with bandwidth (a bandwidth between two rows
 * takes the lower row; below the table, the first). */
unsigned ers_er_vnet_link_limit(enum ers_sku sku, ers_rate_t bandwidth);

/* SKU reach (facts 4.1) of a circuit to a VNet's region. The caller
 * resolves the geography (a circuit may land in a metro's two
 * locations); the rule is here. */
enum ers_er_reach {
	ERS_ER_REACH_OK,
	ERS_ER_REACH_NATIONAL,		/* crosses a national cloud boundary */
	ERS_ER_REACH_LOCAL,		/* outside the local SKU's regions */
	ERS_ER_REACH_STANDARD,		/* outside the geopolitical region */
};
struct ers_er_reach_in {
	bool region_national, place_national;
	bool same_geo;			/* region and location in one geo region */
	bool local_offered;		/* the location lists local regions */
	bool region_local;		/* the region is one of them */
};
enum ers_er_reach ers_er_reach(enum ers_sku sku, const struct ers_er_reach_in *in);

/* The gateway's convergence delay for one session (struct ers_gw_conv
 * in scenario.h says the distribution), drawn from rng. */
struct ers_rng;
ers_time_t ers_er_gw_conv_draw(const struct ers_gw_conv *c, struct ers_rng *rng);
/* The same for session ss of world w, which --gateway-convergence may fix. */
ers_time_t ers_er_gw_conv_delay(struct ers_world *w, const struct ers_session *ss);

/* Maintenance takes a circuit link down the way Microsoft does (facts
 * 10): the MSEE shuts its own port, so its session to the customer (CE,
 * or a layer-3 provider's PE) goes down at once, with NOTIFICATION
 * (Cease, Administrative Shutdown) to the customer. Call before the link
 * itself goes down. */
void ers_er_maintenance_shut(struct ers_world *w, int circuit, int role);

/* Gateway throughput in flow utilisation (facts 8.1): sum each gateway's
 * load over its connections (after the links' loads are set), then the
 * utilisation a hop over connection link l in direction dir (0: a->b)
 * sees at its gateway; -1 when l is not a connection. */
void ers_er_gateway_loads(struct ers_world *w);
double ers_er_gateway_util(const struct ers_world *w, const struct ers_net_link *l, int dir);

/* Microsoft peering (facts 3.1, 6.1, 6.2). A prefix the customer may
 * advertise: public, not the default route; else false and *why says
 * which range it falls in. */
bool ers_er_ms_prefix_ok(struct ers_prefix p, const char **why);
/* What a route-filter community selects: a Microsoft service (its name),
 * a region's Microsoft-peering routes (12076:51xxx, "region"), or NULL
 * (not a community Microsoft tags routes with). *o365: the service is
 * Microsoft 365, which needs a premium circuit (facts 4.1, 9). */
const char *ers_er_ms_community(ers_community_t c, bool *o365);

/* Route handling on Microsoft's side. */
/* Which routes an MSEE VRF passes from one side to another. */
bool ers_er_msee_passes(enum ers_peer_role from, enum ers_peer_role to);
/* Import at an MSEE from peer p: customer communities are ignored
 * (facts 6.3); a gateway's routes lose AS 65515 and get the region's and
 * the VNet's communities (facts 6.1, 6.3); a Microsoft-peering VRF's
 * rules are msft_peering.c's. False: the route is refused. */
bool ers_er_msee_import(struct ers_world *w, const struct ers_peer *p,
			struct ers_attrs_tmpl *t);
/* The gateway's preference before its ECMP set (facts 6.5): originated,
 * ExpressRoute over VPN, connection weight, AS path length. <0 a first,
 * >0 b first, 0 equal; *why says which step decided. */
int ers_er_gateway_compare(const struct ers_cand *a, const struct ers_cand *b,
			   enum ers_bgp_reason *why);

#endif
