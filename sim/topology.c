/*
 * topology.c - the analysis view of the network graph (graph.c): the
 * same nodes, numbered alike, and edges derived from the graph's links,
 * with Microsoft's backbone drawn through region vertices (one MSEE-region
 * edge per circuit side and region it reaches, one region-gateway edge
 * per VNet) and the delays analysis assumes (a floor on backbone hops, a
 * cross-connect on layer-3 PE-MSEE). It owns the edge table (plain C
 * arrays, numbered in a fixed order), the maps from scenario indices to
 * edge numbers, the incidence lists used by the plain-C queries
 * (components, neighbours), and the igraph_t mirror of the same graph
 * with its attributes (for igraph's writers and max-flow). No igraph type
 * leaves this file. export.c, the analyser and the report's drawing read
 * it.
 *
 * Determinism: vertices and edges come in an order fixed by the file
 * (docs/topology.md), and no result depends on igraph's choice among
 * equals: the only igraph algorithm used is the max-flow value, which is
 * unique. igraph's RNG is still seeded from the scenario seed, so that
 * any later use is reproducible.
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <igraph.h>

#include "ersim/expressroute.h"
#include "ersim/graph.h"
#include "ersim/topology.h"
#include "ersim/util.h"

struct edge {
	int from, to;
	enum ers_topo_edge_kind kind;
	ers_time_t delay;
	ers_rate_t bandwidth;		/* 0 = not limited by the scenario */
	int role;
	int circuit;			/* -1 unless circuit link / MSEE-region */
	int ref;			/* see enum ers_topo_edge_kind */
};

struct ers_topology {
	const struct ers_scenario *s;
	struct ers_graph *g;		/* owned: its nodes are the vertices */
	size_t n_nodes;			/* g->n_nodes */
	struct edge *edges;
	size_t n_edges, cap_edges;
	size_t *adj_start;		/* CSR: incident edges of v are */
	int *adj;			/* adj[adj_start[v] .. adj_start[v+1]) */
	int (*ce_e)[2], (*msee_e)[2];	/* per circuit and role */
	int *site_link_e, *vpn_e;
	int (*gr_e)[2];
	igraph_t g_ig;
	bool has_g;
};

static const char *const edge_kind_names[] = {
	[ERS_TOPO_EDGE_SITE_INTERNAL] = "site-internal",
	[ERS_TOPO_EDGE_CIRCUIT_LINK] = "circuit-link",
	[ERS_TOPO_EDGE_BACKBONE] = "backbone",
	[ERS_TOPO_EDGE_GLOBAL_REACH] = "global-reach",
	[ERS_TOPO_EDGE_SITE_LINK] = "site-link",
	[ERS_TOPO_EDGE_VPN] = "vpn",
};

const char *ers_topo_edge_kind_str(enum ers_topo_edge_kind k)
{
	if ((unsigned)k < sizeof edge_kind_names / sizeof edge_kind_names[0])
		return edge_kind_names[k];
	return "?";
}

static int add_edge(struct ers_topology *t, const struct edge *e)
{
	if (t->n_edges == t->cap_edges) {
		size_t cap = t->cap_edges ? 2 * t->cap_edges : 64;
		struct edge *p = realloc(t->edges, cap * sizeof *p);

		if (!p)
			return -1;
		t->edges = p;
		t->cap_edges = cap;
	}
	t->edges[t->n_edges] = *e;
	return (int)t->n_edges++;
}

/* The edge of graph link li, as kind, with delay. */
static int add_link_edge(struct ers_topology *t, int li, enum ers_topo_edge_kind kind,
			 ers_time_t delay, int ref)
{
	const struct ers_graph_link *l = &t->g->links[li];
	struct edge e = { l->a, l->b, kind, delay, l->bandwidth, l->role, l->circuit, ref };

	return add_edge(t, &e);
}

/* A backbone or Global Reach hop is never shorter than the floor, because
 * even a region in the same city is some kilometres of fibre and a few
 * switches away (the simulation takes the great-circle latency as is). */
static ers_time_t backbone_delay(ers_time_t latency)
{
	return latency < ERS_TOPO_MIN_BACKBONE_DELAY ? ERS_TOPO_MIN_BACKBONE_DELAY : latency;
}

int ers_topology_find(const struct ers_topology *t, const char *id)
{
	return ers_graph_find(t->g, id);
}

static enum ers_err site_internal_edges(struct ers_topology *t)
{
	for (size_t i = 0; i < t->g->n_links; i++) {
		const struct ers_graph_link *l = &t->g->links[i];

		if (l->kind == ERS_LINK_INTERNAL &&
		    add_link_edge(t, (int)i, ERS_TOPO_EDGE_SITE_INTERNAL, l->delay, l->obj) < 0)
			return ERS_ENOMEM;
	}
	return ERS_OK;
}

/* CE-MSEE for layer2 and direct; CE-PE then PE-MSEE for layer3, the
 * link's delay on the CE-PE hop and a cross-connect delay on PE-MSEE
 * (the simulation gives both hops the link's delay). */
static enum ers_err circuit_edges(struct ers_topology *t)
{
	for (size_t i = 0; i < t->s->n_circuits; i++) {
		const struct ers_graph_circuit *m = &t->g->circ[i];

		for (int r = 0; r < 2; r++) {
			int ce = m->ce_link[r], ms = m->msee_link[r];

			t->ce_e[i][r] = add_link_edge(t, ce, ERS_TOPO_EDGE_CIRCUIT_LINK,
						      t->g->links[ce].delay, (int)i);
			t->msee_e[i][r] = ms == ce ? t->ce_e[i][r]
				: add_link_edge(t, ms, ERS_TOPO_EDGE_CIRCUIT_LINK,
						ERS_TOPO_XCONNECT_DELAY, (int)i);
			if (t->ce_e[i][r] < 0 || t->msee_e[i][r] < 0)
				return ERS_ENOMEM;
		}
	}
	return ERS_OK;
}

/* MSEE-region edges: for each circuit, each side, each region (in vertex
 * order) holding a VNet the circuit connects (a connection link of the
 * graph); one edge per circuit even when circuits share an MSEE, because
 * each circuit is a routing instance of its own. Then region-gateway
 * edges, VNets in file order. */
static enum ers_err backbone_edges(struct ers_topology *t)
{
	const struct ers_graph *g = t->g;
	size_t first = g->n_nodes, n = 0;
	ers_time_t *reach;

	for (size_t i = 0; i < t->s->n_vnets; i++)
		first = (size_t)g->region[i] < first ? (size_t)g->region[i] : first;
	for (size_t v = first; v < g->n_nodes && g->nodes[v].kind == ERS_NODE_REGION; v++)
		n++;
	if (!(reach = malloc((n ? n : 1) * sizeof *reach)))
		return ERS_ENOMEM;
	for (size_t i = 0; i < t->s->n_circuits; i++)
		for (int r = 0; r < 2; r++) {
			for (size_t k = 0; k < n; k++)
				reach[k] = -1;
			for (size_t li = 0; li < g->n_links; li++) {
				const struct ers_graph_link *l = &g->links[li];

				if (l->kind == ERS_LINK_BACKBONE && l->circuit == (int)i && l->role == r)
					reach[g->region[l->obj] - first] = l->delay;
			}
			for (size_t k = 0; k < n; k++) {
				struct edge e = { g->circ[i].msee[r], (int)(first + k),
						  ERS_TOPO_EDGE_BACKBONE, backbone_delay(reach[k]),
						  0, r, (int)i, (int)i };

				if (reach[k] >= 0 && add_edge(t, &e) < 0) {
					free(reach);
					return ERS_ENOMEM;
				}
			}
		}
	free(reach);
	for (size_t i = 0; i < t->s->n_vnets; i++) {
		struct edge e = { g->region[i], g->gw[i], ERS_TOPO_EDGE_BACKBONE,
				  ERS_TOPO_REGION_GW_DELAY, ers_er_gw_throughput(&t->s->vnets[i]),
				  ERS_ROLE_NONE, -1, (int)i };

		if (add_edge(t, &e) < 0)
			return ERS_ENOMEM;
	}
	return ERS_OK;
}

/* Global Reach: a to a, b to b, over the backbone between the two
 * landing locations; throughput is capped by the smaller circuit. */
static enum ers_err global_reach_edges(struct ers_topology *t)
{
	for (size_t i = 0; i < t->s->n_global_reach; i++)
		for (int r = 0; r < 2; r++) {
			int li = t->g->gr[i][r];

			t->gr_e[i][r] = add_link_edge(t, li, ERS_TOPO_EDGE_GLOBAL_REACH,
						      backbone_delay(t->g->links[li].delay), (int)i);
			if (t->gr_e[i][r] < 0)
				return ERS_ENOMEM;
		}
	return ERS_OK;
}

static enum ers_err customer_edges(struct ers_topology *t)
{
	for (size_t i = 0; i < t->s->n_site_links; i++) {
		int li = t->g->site_link[i];

		t->site_link_e[i] = add_link_edge(t, li, ERS_TOPO_EDGE_SITE_LINK,
						  t->g->links[li].delay, (int)i);
		if (t->site_link_e[i] < 0)
			return ERS_ENOMEM;
	}
	for (size_t i = 0; i < t->s->n_vpns; i++) {
		int li = t->g->vpn[i];

		t->vpn_e[i] = add_link_edge(t, li, ERS_TOPO_EDGE_VPN, t->g->links[li].delay, (int)i);
		if (t->vpn_e[i] < 0)
			return ERS_ENOMEM;
	}
	return ERS_OK;
}

/* Incidence lists in CSR form; each list is in edge order. */
static enum ers_err build_adjacency(struct ers_topology *t)
{
	size_t *fill;

	t->adj_start = calloc(t->n_nodes + 1, sizeof *t->adj_start);
	t->adj = malloc((2 * t->n_edges + 1) * sizeof *t->adj);
	fill = calloc(t->n_nodes + 1, sizeof *fill);
	if (!t->adj_start || !t->adj || !fill) {
		free(fill);
		return ERS_ENOMEM;
	}
	for (size_t e = 0; e < t->n_edges; e++) {
		t->adj_start[t->edges[e].from + 1]++;
		if (t->edges[e].to != t->edges[e].from)
			t->adj_start[t->edges[e].to + 1]++;
	}
	for (size_t v = 0; v < t->n_nodes; v++)
		t->adj_start[v + 1] += t->adj_start[v];
	for (size_t e = 0; e < t->n_edges; e++) {
		int a = t->edges[e].from, b = t->edges[e].to;

		t->adj[t->adj_start[a] + fill[a]++] = (int)e;
		if (b != a)
			t->adj[t->adj_start[b] + fill[b]++] = (int)e;
	}
	free(fill);
	return ERS_OK;
}

static enum ers_err igraph_fail(struct ers_diag *d, igraph_error_t e, const char *what)
{
	if (e == IGRAPH_ENOMEM)
		return ERS_ENOMEM;
	return ers_diag_add(d, ERS_EIGRAPH, NULL, 0, NULL, "igraph: %s: %s",
			    what, igraph_strerror(e));
}

/* An attribute value of vertex or edge i; may format into buf. */
typedef const char *str_getter(const struct ers_topology *t, size_t i, char buf[32]);

/* Set one string attribute on every vertex (edges false) or edge. */
static igraph_error_t set_str_attr(igraph_t *g, const char *name, bool edges, size_t n,
				   str_getter *get, const struct ers_topology *t)
{
	igraph_strvector_t sv;
	igraph_error_t e;
	char buf[32];

	IGRAPH_CHECK(igraph_strvector_init(&sv, (igraph_integer_t)n));
	for (size_t i = 0; i < n; i++) {
		e = igraph_strvector_set(&sv, (igraph_integer_t)i, get(t, i, buf));
		if (e)
			goto out;
	}
	e = edges ? igraph_cattribute_EAS_setv(g, name, &sv)
		  : igraph_cattribute_VAS_setv(g, name, &sv);
out:
	igraph_strvector_destroy(&sv);
	return e;
}

static igraph_error_t set_num_attr(igraph_t *g, const char *name, bool edges, size_t n,
				   double (*get)(const struct ers_topology *, size_t),
				   const struct ers_topology *t)
{
	igraph_vector_t v;
	igraph_error_t e;

	IGRAPH_CHECK(igraph_vector_init(&v, (igraph_integer_t)n));
	for (size_t i = 0; i < n; i++)
		VECTOR(v)[i] = get(t, i);
	e = edges ? igraph_cattribute_EAN_setv(g, name, &v)
		  : igraph_cattribute_VAN_setv(g, name, &v);
	igraph_vector_destroy(&v);
	return e;
}

static const char *role_or_empty(int r)
{
	return r == ERS_ROLE_NONE ? "" : ers_role_str(r);
}

static const char *v_id(const struct ers_topology *t, size_t v, char buf[32])
{
	(void)buf;
	return t->g->nodes[v].id;
}

static const char *v_kind(const struct ers_topology *t, size_t v, char buf[32])
{
	(void)buf;
	return ers_node_kind_str(t->g->nodes[v].kind);
}

static const char *v_loc(const struct ers_topology *t, size_t v, char buf[32])
{
	(void)buf;
	return t->g->nodes[v].location;
}

static const char *v_role(const struct ers_topology *t, size_t v, char buf[32])
{
	(void)buf;
	return role_or_empty(t->g->nodes[v].role);
}

static const char *v_asn_str(const struct ers_topology *t, size_t v, char buf[32])
{
	snprintf(buf, 32, "%" PRIu32, t->g->nodes[v].asn);
	return buf;
}

static const char *e_kind(const struct ers_topology *t, size_t e, char buf[32])
{
	(void)buf;
	return ers_topo_edge_kind_str(t->edges[e].kind);
}

static const char *e_role(const struct ers_topology *t, size_t e, char buf[32])
{
	(void)buf;
	return role_or_empty(t->edges[e].role);
}

static const char *e_circuit(const struct ers_topology *t, size_t e, char buf[32])
{
	int c = t->edges[e].circuit;

	(void)buf;
	return c < 0 ? "" : t->s->circuits[c].id;
}

static const char *e_delay_str(const struct ers_topology *t, size_t e, char buf[32])
{
	snprintf(buf, 32, "%" PRId64, (int64_t)t->edges[e].delay);
	return buf;
}

static const char *e_bw_str(const struct ers_topology *t, size_t e, char buf[32])
{
	snprintf(buf, 32, "%" PRIu64, (uint64_t)t->edges[e].bandwidth);
	return buf;
}

static double v_asn(const struct ers_topology *t, size_t v) { return (double)t->g->nodes[v].asn; }
static double e_delay(const struct ers_topology *t, size_t e) { return (double)t->edges[e].delay; }
static double e_bw(const struct ers_topology *t, size_t e) { return (double)t->edges[e].bandwidth; }

/* Mirror the tables into an attributed igraph_t. Numbers are exact as
 * doubles: delays below 2^53 ns (104 days), rates and ASNs far below. */
static igraph_error_t make_igraph(struct ers_topology *t)
{
	igraph_vector_int_t ev;
	igraph_error_t e;

	IGRAPH_CHECK(igraph_vector_int_init(&ev, 2 * (igraph_integer_t)t->n_edges));
	for (size_t i = 0; i < t->n_edges; i++) {
		VECTOR(ev)[2 * i] = t->edges[i].from;
		VECTOR(ev)[2 * i + 1] = t->edges[i].to;
	}
	e = igraph_create(&t->g_ig, &ev, (igraph_integer_t)t->n_nodes, IGRAPH_UNDIRECTED);
	igraph_vector_int_destroy(&ev);
	if (e)
		return e;
	t->has_g = true;
	IGRAPH_CHECK(set_str_attr(&t->g_ig, "id", false, t->n_nodes, v_id, t));
	IGRAPH_CHECK(set_str_attr(&t->g_ig, "kind", false, t->n_nodes, v_kind, t));
	IGRAPH_CHECK(set_str_attr(&t->g_ig, "location", false, t->n_nodes, v_loc, t));
	IGRAPH_CHECK(set_num_attr(&t->g_ig, "asn", false, t->n_nodes, v_asn, t));
	IGRAPH_CHECK(set_str_attr(&t->g_ig, "role", false, t->n_nodes, v_role, t));
	IGRAPH_CHECK(set_str_attr(&t->g_ig, "kind", true, t->n_edges, e_kind, t));
	IGRAPH_CHECK(set_num_attr(&t->g_ig, "delay_ns", true, t->n_edges, e_delay, t));
	IGRAPH_CHECK(set_num_attr(&t->g_ig, "bandwidth_bps", true, t->n_edges, e_bw, t));
	IGRAPH_CHECK(set_str_attr(&t->g_ig, "role", true, t->n_edges, e_role, t));
	IGRAPH_CHECK(set_str_attr(&t->g_ig, "circuit", true, t->n_edges, e_circuit, t));
	return IGRAPH_SUCCESS;
}

static enum ers_err alloc_maps(struct ers_topology *t)
{
	const struct ers_scenario *s = t->s;

	t->ce_e = calloc(s->n_circuits + 1, sizeof *t->ce_e);
	t->msee_e = calloc(s->n_circuits + 1, sizeof *t->msee_e);
	t->site_link_e = calloc(s->n_site_links + 1, sizeof *t->site_link_e);
	t->vpn_e = calloc(s->n_vpns + 1, sizeof *t->vpn_e);
	t->gr_e = calloc(s->n_global_reach + 1, sizeof *t->gr_e);
	if (!t->ce_e || !t->msee_e || !t->site_link_e || !t->vpn_e || !t->gr_e)
		return ERS_ENOMEM;
	return ERS_OK;
}

enum ers_err ers_topology_build(const struct ers_scenario *s,
				const struct ers_catalog *cat,
				struct ers_topology **out, struct ers_diag *d)
{
	struct ers_topology *t = calloc(1, sizeof *t);
	enum ers_err rc = ERS_ENOMEM;
	igraph_error_t ie;

	*out = NULL;
	if (!t)
		goto out;
	t->s = s;
	igraph_set_attribute_table(&igraph_cattribute_table);
	ie = igraph_rng_seed(igraph_rng_default(), (igraph_uint_t)s->seed);
	if (ie) {
		rc = igraph_fail(d, ie, "seeding the random number generator");
		goto out;
	}
	/* The graph says why it failed itself. */
	if ((rc = ers_graph_build(s, cat, &t->g, d))) {
		ers_topology_free(t);
		return rc;
	}
	t->n_nodes = t->g->n_nodes;
	if ((rc = alloc_maps(t)) || (rc = ers_graph_index(t->g, d)) ||
	    (rc = site_internal_edges(t)) || (rc = circuit_edges(t)) ||
	    (rc = backbone_edges(t)) || (rc = global_reach_edges(t)) ||
	    (rc = customer_edges(t)) || (rc = build_adjacency(t)))
		goto out;
	ie = make_igraph(t);
	if (ie) {
		rc = igraph_fail(d, ie, "building the graph");
		goto out;
	}
	*out = t;
	return ERS_OK;
out:
	if (rc == ERS_ENOMEM)
		ers_diag_add(d, ERS_ENOMEM, s->file, 0, NULL, "out of memory building the topology");
	ers_topology_free(t);
	return rc;
}

void ers_topology_free(struct ers_topology *t)
{
	if (!t)
		return;
	if (t->has_g)
		igraph_destroy(&t->g_ig);
	ers_graph_free(t->g);
	free(t->edges);
	free(t->adj_start);
	free(t->adj);
	free(t->ce_e);
	free(t->msee_e);
	free(t->site_link_e);
	free(t->vpn_e);
	free(t->gr_e);
	free(t);
}

const struct ers_scenario *ers_topology_scenario(const struct ers_topology *t) { return t->s; }
size_t ers_topology_n_nodes(const struct ers_topology *t) { return t->n_nodes; }
size_t ers_topology_n_edges(const struct ers_topology *t) { return t->n_edges; }

size_t ers_topology_count_nodes(const struct ers_topology *t, enum ers_node_kind k)
{
	size_t n = 0;

	for (size_t i = 0; i < t->n_nodes; i++)
		n += t->g->nodes[i].kind == k;
	return n;
}

size_t ers_topology_count_edges(const struct ers_topology *t, enum ers_topo_edge_kind k)
{
	size_t n = 0;

	for (size_t i = 0; i < t->n_edges; i++)
		n += t->edges[i].kind == k;
	return n;
}

enum ers_node_kind ers_topology_node_kind(const struct ers_topology *t, int v) { return t->g->nodes[v].kind; }
const char *ers_topology_node_id(const struct ers_topology *t, int v) { return t->g->nodes[v].id; }
const char *ers_topology_node_location(const struct ers_topology *t, int v) { return t->g->nodes[v].location; }
uint32_t ers_topology_node_asn(const struct ers_topology *t, int v) { return t->g->nodes[v].asn; }
int ers_topology_node_role(const struct ers_topology *t, int v) { return t->g->nodes[v].role; }

int ers_topology_router_vertex(const struct ers_topology *t, int site, int router)
{
	return ers_graph_router_node(t->g, site, router);
}

int ers_topology_gateway_vertex(const struct ers_topology *t, int vnet)
{
	return vnet < 0 || (size_t)vnet >= t->s->n_vnets ? -1 : t->g->gw[vnet];
}

static bool circuit_ok(const struct ers_topology *t, int c, enum ers_role r)
{
	return c >= 0 && (size_t)c < t->s->n_circuits && (r == ERS_ROLE_PRIMARY || r == ERS_ROLE_SECONDARY);
}

int ers_topology_circuit_msee(const struct ers_topology *t, int c, enum ers_role r)
{
	return circuit_ok(t, c, r) ? t->g->circ[c].msee[r] : -1;
}

int ers_topology_circuit_pe(const struct ers_topology *t, int c, enum ers_role r)
{
	return circuit_ok(t, c, r) ? t->g->circ[c].pe[r] : -1;
}

int ers_topology_circuit_ce_edge(const struct ers_topology *t, int c, enum ers_role r)
{
	return circuit_ok(t, c, r) ? t->ce_e[c][r] : -1;
}

int ers_topology_circuit_msee_edge(const struct ers_topology *t, int c, enum ers_role r)
{
	return circuit_ok(t, c, r) ? t->msee_e[c][r] : -1;
}

int ers_topology_site_link_edge(const struct ers_topology *t, int i)
{
	return i < 0 || (size_t)i >= t->s->n_site_links ? -1 : t->site_link_e[i];
}

int ers_topology_vpn_edge(const struct ers_topology *t, int i)
{
	return i < 0 || (size_t)i >= t->s->n_vpns ? -1 : t->vpn_e[i];
}

int ers_topology_global_reach_edge(const struct ers_topology *t, int i, enum ers_role r)
{
	if (i < 0 || (size_t)i >= t->s->n_global_reach || (r != ERS_ROLE_PRIMARY && r != ERS_ROLE_SECONDARY))
		return -1;
	return t->gr_e[i][r];
}

size_t ers_topology_msee_landings(const struct ers_topology *t, int v,
				  struct ers_landing *out, size_t cap)
{
	size_t n = 0;

	for (size_t c = 0; c < t->s->n_circuits; c++)
		for (int r = 0; r < 2; r++) {
			if (t->g->circ[c].msee[r] != v)
				continue;
			if (n < cap)
				out[n] = (struct ers_landing){ (int)c, r, t->msee_e[c][r] };
			n++;
		}
	return n;
}

void ers_topology_edge_ends(const struct ers_topology *t, int e, int *from, int *to)
{
	*from = t->edges[e].from;
	*to = t->edges[e].to;
}

enum ers_topo_edge_kind ers_topology_edge_kind(const struct ers_topology *t, int e) { return t->edges[e].kind; }
ers_time_t ers_topology_edge_delay(const struct ers_topology *t, int e) { return t->edges[e].delay; }
ers_rate_t ers_topology_edge_bandwidth(const struct ers_topology *t, int e) { return t->edges[e].bandwidth; }
int ers_topology_edge_role(const struct ers_topology *t, int e) { return t->edges[e].role; }
int ers_topology_edge_circuit(const struct ers_topology *t, int e) { return t->edges[e].circuit; }
int ers_topology_edge_ref(const struct ers_topology *t, int e) { return t->edges[e].ref; }

int ers_topology_edge_other(const struct ers_topology *t, int e, int v)
{
	return t->edges[e].from == v ? t->edges[e].to : t->edges[e].from;
}

size_t ers_topology_degree(const struct ers_topology *t, int v)
{
	return t->adj_start[v + 1] - t->adj_start[v];
}

int ers_topology_incident(const struct ers_topology *t, int v, size_t i)
{
	return t->adj[t->adj_start[v] + i];
}

static int cmp_int(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;

	return (x > y) - (x < y);
}

/* O(d log d) with d the degree; neighbours are few (a CE has a handful). */
size_t ers_topology_neighbors(const struct ers_topology *t, int v, int *out, size_t cap)
{
	size_t deg = ers_topology_degree(t, v), n = 0;
	int *tmp = malloc((deg ? deg : 1) * sizeof *tmp);

	if (!tmp)
		return 0;
	for (size_t i = 0; i < deg; i++)
		tmp[i] = ers_topology_edge_other(t, ers_topology_incident(t, v, i), v);
	qsort(tmp, deg, sizeof *tmp, cmp_int);
	for (size_t i = 0; i < deg; i++) {
		if (i && tmp[i] == tmp[i - 1])
			continue;
		if (n < cap)
			out[n] = tmp[i];
		n++;
	}
	free(tmp);
	return n;
}

size_t ers_topology_components_without(const struct ers_topology *t,
				       const bool *removed_vertex,
				       const bool *removed_edge, int *comp)
{
	int *queue = malloc((t->n_nodes ? t->n_nodes : 1) * sizeof *queue);
	size_t n_comp = 0;

	if (!queue)
		return (size_t)-1;
	for (size_t v = 0; v < t->n_nodes; v++)
		comp[v] = -2;		/* unvisited */
	for (size_t root = 0; root < t->n_nodes; root++) {
		size_t head = 0, tail = 0;

		if (removed_vertex && removed_vertex[root]) {
			comp[root] = -1;
			continue;
		}
		if (comp[root] != -2)
			continue;
		comp[root] = (int)n_comp;
		queue[tail++] = (int)root;
		while (head < tail) {
			int v = queue[head++];

			for (size_t i = t->adj_start[v]; i < t->adj_start[v + 1]; i++) {
				int e = t->adj[i], w = ers_topology_edge_other(t, e, v);

				if ((removed_edge && removed_edge[e]) ||
				    (removed_vertex && removed_vertex[w]) || comp[w] != -2)
					continue;
				comp[w] = (int)n_comp;
				queue[tail++] = w;
			}
		}
		n_comp++;
	}
	free(queue);
	return n_comp;
}

bool ers_topology_connected_without(const struct ers_topology *t, int a, int b,
				    const bool *removed_vertex,
				    const bool *removed_edge)
{
	int *comp = malloc((t->n_nodes ? t->n_nodes : 1) * sizeof *comp);
	bool yes = false;

	if (!comp)
		return false;
	if (ers_topology_components_without(t, removed_vertex, removed_edge, comp) != (size_t)-1)
		yes = comp[a] >= 0 && comp[a] == comp[b];
	free(comp);
	return yes;
}

/* Arcs and capacities of the flow network for ers_topology_min_cut.
 * Edge cut: vertex v is node v, each edge two arcs of capacity 1.
 * Vertex cut: v splits into v_in = 2v and v_out = 2v+1 joined by an arc
 * of capacity 1 (infinite for terminals); each edge gives two infinite
 * arcs. The super source and sink are the last two nodes. */
static igraph_error_t flow_network(const struct ers_topology *t, bool vcut,
				   const bool *terminal, double inf,
				   const bool *rv, const bool *re,
				   igraph_vector_int_t *arcs, igraph_vector_t *cap)
{
	for (size_t v = 0; vcut && v < t->n_nodes; v++) {
		double c = terminal[v] ? inf : 1;

		if (rv && rv[v] && !terminal[v])
			c = 0;		/* removed: nothing passes through it */
		IGRAPH_CHECK(igraph_vector_int_push_back(arcs, 2 * (igraph_integer_t)v));
		IGRAPH_CHECK(igraph_vector_int_push_back(arcs, 2 * (igraph_integer_t)v + 1));
		IGRAPH_CHECK(igraph_vector_push_back(cap, c));
	}
	for (size_t e = 0; e < t->n_edges; e++) {
		igraph_integer_t a = t->edges[e].from, b = t->edges[e].to;

		if ((re && re[e]) || (rv && (rv[a] || rv[b])))
			continue;
		IGRAPH_CHECK(igraph_vector_int_push_back(arcs, vcut ? 2 * a + 1 : a));
		IGRAPH_CHECK(igraph_vector_int_push_back(arcs, vcut ? 2 * b : b));
		IGRAPH_CHECK(igraph_vector_push_back(cap, vcut ? inf : 1));
		IGRAPH_CHECK(igraph_vector_int_push_back(arcs, vcut ? 2 * b + 1 : b));
		IGRAPH_CHECK(igraph_vector_int_push_back(arcs, vcut ? 2 * a : a));
		IGRAPH_CHECK(igraph_vector_push_back(cap, vcut ? inf : 1));
	}
	return IGRAPH_SUCCESS;
}

static igraph_error_t terminal_arcs(const int *v, size_t n, bool to_sink, bool vcut,
				    igraph_integer_t super, double inf,
				    igraph_vector_int_t *arcs, igraph_vector_t *cap)
{
	for (size_t i = 0; i < n; i++) {
		igraph_integer_t x = vcut ? 2 * (igraph_integer_t)v[i] + to_sink : v[i];

		IGRAPH_CHECK(igraph_vector_int_push_back(arcs, to_sink ? x : super));
		IGRAPH_CHECK(igraph_vector_int_push_back(arcs, to_sink ? super : x));
		IGRAPH_CHECK(igraph_vector_push_back(cap, inf));
	}
	return IGRAPH_SUCCESS;
}

static igraph_error_t max_flow(const struct ers_topology *t, const int *src, size_t n_src,
			       const int *dst, size_t n_dst, bool vcut,
			       const bool *terminal, double inf, const bool *rv,
			       const bool *re, double *value)
{
	igraph_integer_t n = (igraph_integer_t)(vcut ? 2 * t->n_nodes : t->n_nodes);
	igraph_vector_int_t arcs;
	igraph_vector_t cap;
	igraph_t g;

	IGRAPH_CHECK(igraph_vector_int_init(&arcs, 0));
	IGRAPH_FINALLY(igraph_vector_int_destroy, &arcs);
	IGRAPH_CHECK(igraph_vector_init(&cap, 0));
	IGRAPH_FINALLY(igraph_vector_destroy, &cap);
	IGRAPH_CHECK(flow_network(t, vcut, terminal, inf, rv, re, &arcs, &cap));
	IGRAPH_CHECK(terminal_arcs(src, n_src, false, vcut, n, inf, &arcs, &cap));
	IGRAPH_CHECK(terminal_arcs(dst, n_dst, true, vcut, n + 1, inf, &arcs, &cap));
	IGRAPH_CHECK(igraph_create(&g, &arcs, n + 2, IGRAPH_DIRECTED));
	IGRAPH_FINALLY(igraph_destroy, &g);
	IGRAPH_CHECK(igraph_maxflow_value(&g, value, n, n + 1, &cap, NULL));
	igraph_destroy(&g);
	igraph_vector_destroy(&cap);
	igraph_vector_int_destroy(&arcs);
	IGRAPH_FINALLY_CLEAN(3);
	return IGRAPH_SUCCESS;
}

enum ers_err ers_topology_min_cut(const struct ers_topology *t,
				  const int *sources, size_t n_sources,
				  const int *targets, size_t n_targets,
				  bool vertex_cut, size_t *out, struct ers_diag *d)
{
	return ers_topology_min_cut_without(t, sources, n_sources, targets, n_targets,
					    NULL, NULL, vertex_cut, out, d);
}

enum ers_err ers_topology_min_cut_without(const struct ers_topology *t,
					  const int *sources, size_t n_sources,
					  const int *targets, size_t n_targets,
					  const bool *removed_vertex,
					  const bool *removed_edge,
					  bool vertex_cut, size_t *out, struct ers_diag *d)
{
	bool *terminal = calloc(t->n_nodes + 1, sizeof *terminal);
	double inf = (double)(t->n_nodes + t->n_edges + 1), value = 0;
	igraph_error_t e;

	*out = 0;
	if (!terminal)
		return ers_diag_add(d, ERS_ENOMEM, NULL, 0, NULL, "out of memory in min cut");
	for (size_t i = 0; i < n_sources; i++)
		terminal[sources[i]] = true;
	for (size_t i = 0; i < n_targets; i++) {
		if (terminal[targets[i]]) {	/* a vertex on both sides: never cut */
			free(terminal);
			*out = SIZE_MAX;
			return ERS_OK;
		}
	}
	for (size_t i = 0; i < n_targets; i++)
		terminal[targets[i]] = true;
	e = max_flow(t, sources, n_sources, targets, n_targets, vertex_cut, terminal, inf,
		     removed_vertex, removed_edge, &value);
	free(terminal);
	if (e)
		return igraph_fail(d, e, "max flow");
	*out = value >= inf ? SIZE_MAX : (size_t)value;
	return ERS_OK;
}

/* DOT through igraph's writer on a copy whose numbers are strings: the
 * writer prints numbers with %g, which would turn 1234567 ns into
 * 1.23457e+06. The copy also gets a label (the node id) for Graphviz. */
static igraph_error_t write_dot(const struct ers_topology *t, FILE *out)
{
	static const char *const v_num[] = { "asn" }, *const e_num[] = { "delay_ns", "bandwidth_bps" };
	igraph_t g;

	IGRAPH_CHECK(igraph_copy(&g, &t->g_ig));
	IGRAPH_FINALLY(igraph_destroy, &g);
	for (size_t i = 0; i < sizeof v_num / sizeof v_num[0]; i++)
		DELVA(&g, v_num[i]);
	for (size_t i = 0; i < sizeof e_num / sizeof e_num[0]; i++)
		DELEA(&g, e_num[i]);
	IGRAPH_CHECK(set_str_attr(&g, "label", false, t->n_nodes, v_id, t));
	IGRAPH_CHECK(set_str_attr(&g, "asn", false, t->n_nodes, v_asn_str, t));
	IGRAPH_CHECK(set_str_attr(&g, "delay_ns", true, t->n_edges, e_delay_str, t));
	IGRAPH_CHECK(set_str_attr(&g, "bandwidth_bps", true, t->n_edges, e_bw_str, t));
	IGRAPH_CHECK(igraph_write_graph_dot(&g, out));
	igraph_destroy(&g);
	IGRAPH_FINALLY_CLEAN(1);
	return IGRAPH_SUCCESS;
}

enum ers_err ers_topology_write_igraph(const struct ers_topology *t,
				       enum ers_export_format f, FILE *out,
				       struct ers_diag *d)
{
	igraph_error_t e;

	if (f == ERS_EXPORT_DOT)
		e = write_dot(t, out);
	else if (f == ERS_EXPORT_GRAPHML)
		e = igraph_write_graph_graphml(&t->g_ig, out, /* prefixattr */ true);
	else
		return ers_diag_add(d, ERS_EINVAL, NULL, 0, NULL, "igraph has no writer for this format");
	return e ? igraph_fail(d, e, "writing the graph") : ERS_OK;
}
