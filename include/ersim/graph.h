/*
 * graph.h - the network a scenario describes, built once (sim/graph.c):
 * every router-like node (customer router, layer-3 PE, MSEE, Azure region,
 * VNet gateway) and every link between them (circuit links, layer-3
 * access, a site's internal mesh, site links, VNet connections, Global
 * Reach, VPNs), with kinds, ids, delays, bandwidths, carriers and the
 * scenario objects each comes from.
 *
 * Both graphs of the program are views of this one description: the
 * simulator's world (world.c) takes its nodes and links from it one for
 * one and runs a BGP session over each link; the analysis topology
 * (topology.c) numbers its vertices as the nodes here and derives its
 * edges from these links, Microsoft's backbone drawn through region
 * vertices. Plain data, read-only for everyone but graph.c.
 */
#ifndef ERSIM_GRAPH_H
#define ERSIM_GRAPH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ersim/catalog.h"
#include "ersim/error.h"
#include "ersim/scenario.h"
#include "ersim/types.h"

/* Node order: CEs (sites in file order, routers in order), PEs (circuits
 * in file order, primary then secondary), MSEEs sorted by id, regions
 * sorted by id, gateways (VNets in file order). docs/topology.md. */
enum ers_node_kind {
	ERS_NODE_CE,
	ERS_NODE_PE,
	ERS_NODE_MSEE,
	ERS_NODE_REGION,		/* an Azure region holding a VNet; no router */
	ERS_NODE_GW,
};

/* Link order: per circuit and side (primary, secondary) the access link
 * (layer 3) then the circuit link; per VNet, connection and side the
 * connection; per Global Reach peering and side; per site the internal
 * mesh (router pairs a < b); site links; VPNs. Each in file order. */
enum ers_link_kind {
	ERS_LINK_CIRCUIT,		/* CE-MSEE or PE-MSEE: one circuit link */
	ERS_LINK_ACCESS,		/* CE-PE (layer-3 provider access) */
	ERS_LINK_INTERNAL,		/* between routers of one site */
	ERS_LINK_SITE,			/* <site-link> */
	ERS_LINK_BACKBONE,		/* MSEE-gateway (a VNet connection) */
	ERS_LINK_GLOBAL_REACH,		/* MSEE-MSEE between two circuits */
	ERS_LINK_VPN,			/* CE-gateway over the internet */
};

/* Role of a node or link that has none (site-internal, region, ...). */
#define ERS_ROLE_NONE (-1)

struct ers_graph_node {
	enum ers_node_kind kind;
	char *id;			/* "ams-dc/ce1", "amsterdam-1/a", "westeurope",
					 * "hub-weu/gw", "er-ams/pe-primary" */
	char *location;			/* CE: site id; PE, MSEE: peering location;
					 * region, gateway: region id */
	uint32_t asn;			/* CE: site; PE: provider; MSEE, region:
					 * 12076; gateway: 65515 */
	int role;			/* PE: its link's role; MSEE: side (a primary,
					 * b secondary); else ERS_ROLE_NONE */
	int site, router;		/* CE: its site and router, else -1 */
	int circuit;			/* PE: its circuit, else -1 */
	int vnet;			/* gateway: its VNet, else -1 */
};

struct ers_graph_link {
	enum ers_link_kind kind;
	int a, b;			/* node numbers: customer side first,
					 * Microsoft side last (MSEE before gateway) */
	ers_time_t delay;		/* the scenario's, or the great-circle
					 * latency for connections and Global Reach */
	ers_rate_t bandwidth;		/* circuit and access links: the circuit's;
					 * Global Reach: the smaller circuit's; else 0 */
	bool interface_carrier;		/* failures seen at once by both ends */
	int circuit;			/* circuit, access and connection links, else -1 */
	int role;			/* circuit, access, connection and Global
					 * Reach: side; else ERS_ROLE_NONE */
	int obj;			/* internal: site; site link, VPN, Global
					 * Reach: its index; connection: vnet; else -1 */
	int obj2;			/* connection: its index in the vnet, else -1 */
	char *name;			/* "link:er-ams/primary", "connection:hub+er",
					 * "global-reach:a+b", "site-link:x/r+y/r",
					 * "vpn:id"; NULL for access and internal */
};

/* Where circuit c's link of each role lands, and its links. */
struct ers_graph_circuit {
	int msee[2], pe[2];		/* pe: -1 unless layer 3 */
	int ce_link[2];			/* the link at the CE: circuit or access */
	int msee_link[2];		/* the link at the MSEE (= ce_link unless layer 3) */
	const struct ers_location *loc[2];	/* landing location */
};

struct ers_graph {
	const struct ers_scenario *s;
	const struct ers_catalog *cat;
	struct ers_graph_node *nodes;
	size_t n_nodes;
	struct ers_graph_link *links;
	size_t n_links;
	/* scenario index -> node or link number */
	size_t *site_first;		/* first CE node of each site */
	size_t *internal_first;		/* first internal link of each site */
	struct ers_graph_circuit *circ;	/* by circuit */
	int *gw;			/* gateway node by vnet */
	int *region;			/* region node by vnet */
	size_t *conn_first;		/* by vnet: link of connection k, side r
					 * is conn_first[vnet] + 2 k + r */
	int (*gr)[2];			/* Global Reach i, side r */
	int *site_link, *vpn;
	struct ers_graph_id *by_id;	/* ers_graph_index */
};

/* Build the network of s (checked) with locations from cat (the merged
 * catalog); s and cat must outlive it. On success *out is a new graph
 * (free with ers_graph_free). On failure *out is NULL and d says why:
 * ERS_ENOMEM, or ERS_ESCENARIO for a peering location or region missing
 * from cat (which ers_scenario_check would have reported). */
enum ers_err ers_graph_build(const struct ers_scenario *s, const struct ers_catalog *cat,
			     struct ers_graph **out, struct ers_diag *d);
void ers_graph_free(struct ers_graph *g);		/* NULL-safe */

/* Index the nodes by id for ers_graph_find. Two nodes of different kinds
 * may not share an id (site "hub" with router "gw" next to VNet "hub"):
 * ERS_ESCENARIO names it. ERS_ENOMEM, or ERS_OK (also when already done). */
enum ers_err ers_graph_index(struct ers_graph *g, struct ers_diag *d);
/* Node of an id, or -1; needs ers_graph_index. O(log n). */
int ers_graph_find(const struct ers_graph *g, const char *id);

/* CE node of a site's router, or -1 when out of range. */
int ers_graph_router_node(const struct ers_graph *g, int site, int router);

const char *ers_node_kind_str(enum ers_node_kind k);	/* "ce", ..., "gateway" */

#endif
