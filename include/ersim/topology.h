/*
 * topology.h - the analysis view of a scenario's network (graph.h): every
 * node (CE, layer-3 PE, MSEE, Azure region, VNet gateway) as a vertex
 * numbered as in the graph, and edges derived from the graph's links
 * (circuit links, Microsoft backbone through region vertices, Global
 * Reach, site-internal iBGP mesh, site links, VPN), with the maps between
 * scenario ids and vertex / edge numbers.
 *
 * The view lives in igraph inside sim/topology.c; this header is plain C.
 * Vertices and edges are numbered 0..n-1 in a fixed order (see
 * docs/topology.md), so the same scenario always gives the same numbers.
 * The graph is undirected; an edge's endpoints are returned as (from, to)
 * in the order the edge was built (CE side first, Azure side last).
 */
#ifndef ERSIM_TOPOLOGY_H
#define ERSIM_TOPOLOGY_H

#include <stdio.h>

#include "ersim/catalog.h"
#include "ersim/error.h"
#include "ersim/graph.h"
#include "ersim/scenario.h"
#include "ersim/types.h"

/* Vertices are the graph's nodes, of its kinds (enum ers_node_kind,
 * graph.h), in its order: CE (sites in file order, routers in order), PE
 * (circuits in file order, primary then secondary), MSEE (sorted by id),
 * region (sorted by id), gateway (VNets in file order). */

/* Edge order is the order of this enum, then file order within a kind. */
enum ers_topo_edge_kind {
	ERS_TOPO_EDGE_SITE_INTERNAL,	/* iBGP mesh of a site; ref = site */
	ERS_TOPO_EDGE_CIRCUIT_LINK,	/* CE-MSEE, or CE-PE and PE-MSEE; ref = circuit */
	ERS_TOPO_EDGE_BACKBONE,		/* MSEE-region (ref = circuit) or region-gateway (ref = vnet) */
	ERS_TOPO_EDGE_GLOBAL_REACH,	/* MSEE-MSEE; ref = global-reach index */
	ERS_TOPO_EDGE_SITE_LINK,	/* ref = site-link index */
	ERS_TOPO_EDGE_VPN,		/* CE-gateway; ref = vpn index */
};

/* Delays the scenario does not give (documented in docs/topology.md). */
#define ERS_TOPO_XCONNECT_DELAY (50 * ERS_US)	/* layer-3 PE to MSEE, same building */
#define ERS_TOPO_MIN_BACKBONE_DELAY (250 * ERS_US) /* floor of any backbone hop */
#define ERS_TOPO_REGION_GW_DELAY (250 * ERS_US)	/* region edge to a VNet gateway */

struct ers_topology;

/* Build the graph of s with coordinates from cat (the merged catalog).
 * s and cat must outlive the topology (it keeps pointers into s). Seeds
 * igraph's RNG from s->seed. On success *out is a new topology (free with
 * ers_topology_free). On failure *out is NULL and d says why: ERS_ENOMEM,
 * ERS_EIGRAPH, or ERS_ESCENARIO for a location / region missing from cat
 * (which ers_scenario_check would have reported). */
enum ers_err ers_topology_build(const struct ers_scenario *s,
				const struct ers_catalog *cat,
				struct ers_topology **out, struct ers_diag *d);
void ers_topology_free(struct ers_topology *t);		/* NULL-safe */

const struct ers_scenario *ers_topology_scenario(const struct ers_topology *t);
size_t ers_topology_n_nodes(const struct ers_topology *t);
size_t ers_topology_n_edges(const struct ers_topology *t);
/* Count of vertices / edges of one kind. */
size_t ers_topology_count_nodes(const struct ers_topology *t, enum ers_node_kind k);
size_t ers_topology_count_edges(const struct ers_topology *t, enum ers_topo_edge_kind k);

/* Vertex accessors; v must be < n_nodes. Strings are owned by t. */
enum ers_node_kind ers_topology_node_kind(const struct ers_topology *t, int v);
const char *ers_topology_node_id(const struct ers_topology *t, int v);
/* CE: site id; PE and MSEE: peering location id; region, gateway: region id. */
const char *ers_topology_node_location(const struct ers_topology *t, int v);
/* CE: site ASN; PE: provider ASN; MSEE and region: 12076; gateway: 65515. */
uint32_t ers_topology_node_asn(const struct ers_topology *t, int v);
/* PE: its link's role; MSEE: primary for side a, secondary for b; else NONE. */
int ers_topology_node_role(const struct ers_topology *t, int v);

/* Vertex of a node id ("ams-dc/ce1", "amsterdam-1/a", "westeurope",
 * "hub-weu/gw", "er-ams/pe-primary"), or -1. O(log n). */
int ers_topology_find(const struct ers_topology *t, const char *id);
int ers_topology_router_vertex(const struct ers_topology *t, int site, int router);
int ers_topology_gateway_vertex(const struct ers_topology *t, int vnet);
/* The MSEE / PE the circuit's link of this role lands on; PE is -1
 * unless the provider is layer3. */
int ers_topology_circuit_msee(const struct ers_topology *t, int circuit, enum ers_role r);
int ers_topology_circuit_pe(const struct ers_topology *t, int circuit, enum ers_role r);
/* The circuit link's edge at the customer end (CE-MSEE or CE-PE) and at
 * the Microsoft end (CE-MSEE or PE-MSEE): equal unless layer3. */
int ers_topology_circuit_ce_edge(const struct ers_topology *t, int circuit, enum ers_role r);
int ers_topology_circuit_msee_edge(const struct ers_topology *t, int circuit, enum ers_role r);
int ers_topology_site_link_edge(const struct ers_topology *t, int site_link);
int ers_topology_vpn_edge(const struct ers_topology *t, int vpn);
/* Global Reach i joins side a to side a (r = primary) and b to b. */
int ers_topology_global_reach_edge(const struct ers_topology *t, int gr, enum ers_role r);

/* The circuit links landing on MSEE v, as (circuit, role) pairs in
 * circuit order. Writes at most cap entries; returns how many there are. */
struct ers_landing {
	int circuit;
	enum ers_role role;
	int edge;			/* the MSEE-side edge of that link */
};
size_t ers_topology_msee_landings(const struct ers_topology *t, int v,
				  struct ers_landing *out, size_t cap);

/* Edge accessors; e must be < n_edges. */
void ers_topology_edge_ends(const struct ers_topology *t, int e, int *from, int *to);
enum ers_topo_edge_kind ers_topology_edge_kind(const struct ers_topology *t, int e);
ers_time_t ers_topology_edge_delay(const struct ers_topology *t, int e);
/* 0 when the scenario gives no limit (site-internal, site link, VPN, backbone). */
ers_rate_t ers_topology_edge_bandwidth(const struct ers_topology *t, int e);
int ers_topology_edge_role(const struct ers_topology *t, int e);	/* or ERS_ROLE_NONE */
/* Circuit index for circuit links and MSEE-region backbone, else -1. */
int ers_topology_edge_circuit(const struct ers_topology *t, int e);
/* Index of the scenario object the edge comes from (see ers_topo_edge_kind). */
int ers_topology_edge_ref(const struct ers_topology *t, int e);
/* The end of e that is not v (v must be an end). */
int ers_topology_edge_other(const struct ers_topology *t, int e, int v);

/* Incident edges of v, in edge order: degree, then the i-th. */
size_t ers_topology_degree(const struct ers_topology *t, int v);
int ers_topology_incident(const struct ers_topology *t, int v, size_t i);
/* Distinct neighbours of v in increasing vertex order; writes at most cap,
 * returns how many there are (0 also when out of memory). */
size_t ers_topology_neighbors(const struct ers_topology *t, int v, int *out, size_t cap);

/* Connected components with the masked vertices and edges removed (either
 * mask may be NULL; arrays of n_nodes / n_edges). comp[v] gets the
 * component number, numbered from 0 in order of each component's lowest
 * vertex, or -1 for a removed vertex. Returns the number of components.
 * Plain BFS: O(V + E), no allocation beyond a queue; ERS_ENOMEM gives
 * (size_t)-1. */
size_t ers_topology_components_without(const struct ers_topology *t,
				       const bool *removed_vertex,
				       const bool *removed_edge, int *comp);
/* Are a and b connected with the masked parts removed? false if either is
 * removed; also false when out of memory. */
bool ers_topology_connected_without(const struct ers_topology *t, int a, int b,
				    const bool *removed_vertex,
				    const bool *removed_edge);

/* Minimum number of edges (vertex_cut false) or of vertices other than
 * the sources and targets (vertex_cut true) whose removal separates every
 * source from every target, by max-flow (igraph). A source adjacent to a
 * target has no finite vertex cut: *out is then SIZE_MAX. */
enum ers_err ers_topology_min_cut(const struct ers_topology *t,
				  const int *sources, size_t n_sources,
				  const int *targets, size_t n_targets,
				  bool vertex_cut, size_t *out, struct ers_diag *d);

/* The same on the graph with the masked vertices and edges removed
 * (either mask may be NULL; arrays of n_nodes / n_edges): used by the
 * analyser to count disjoint paths inside one pair's routing domain. A
 * removed source or target still counts as a terminal. */
enum ers_err ers_topology_min_cut_without(const struct ers_topology *t,
					  const int *sources, size_t n_sources,
					  const int *targets, size_t n_targets,
					  const bool *removed_vertex,
					  const bool *removed_edge,
					  bool vertex_cut, size_t *out, struct ers_diag *d);

const char *ers_topo_edge_kind_str(enum ers_topo_edge_kind k);

/* Export (sim/export.c). */
enum ers_export_format { ERS_EXPORT_DOT, ERS_EXPORT_GRAPHML, ERS_EXPORT_JSON };

/* "dot", "graphml" or "json"; ERS_EINVAL otherwise. */
enum ers_err ers_export_format_parse(const char *s, enum ers_export_format *out);
/* Write the graph to out with every vertex attribute (id, kind, location,
 * asn, role) and edge attribute (kind, delay_ns, bandwidth_bps, role,
 * circuit). Output is byte-identical for the same scenario. */
enum ers_err ers_export_write(const struct ers_topology *t, enum ers_export_format f,
			      FILE *out, struct ers_diag *d);

/* igraph's own writers on the attributed graph (used by export.c): DOT
 * carries numbers as exact integer strings and a label per vertex. */
enum ers_err ers_topology_write_igraph(const struct ers_topology *t,
				       enum ers_export_format f, FILE *out,
				       struct ers_diag *d);

#endif
