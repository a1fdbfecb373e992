/*
 * topology.c - the scenario as a graph. It owns the vertex and edge tables
 * (plain C arrays, numbered in a fixed order), the maps from scenario ids
 * and indices to those numbers, the incidence lists used by the plain-C
 * queries (components, neighbours), and the igraph_t mirror of the same
 * graph with its attributes (for igraph's writers and max-flow). No igraph
 * type leaves this file. It reads the model (scenario.h) and the merged
 * catalog (catalog.h) for coordinates; export.c and the analyser read it.
 *
 * Determinism: vertices and edges are added in an order fixed by the file
 * (docs/topology.md), MSEE and region vertices are sorted by id, and no
 * result depends on igraph's choice among equals: the only igraph
 * algorithm used is the max-flow value, which is unique. igraph's RNG is
 * still seeded from the scenario seed, so that any later use is
 * reproducible.
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <igraph.h>

#include "ersim/expressroute.h"
#include "ersim/target.h"
#include "ersim/topology.h"
#include "ersim/util.h"

struct node {
	enum ers_topo_node_kind kind;
	char *id;			/* owned */
	char *location;			/* owned */
	uint32_t asn;
	int role;			/* ERS_ROLE_* or ERS_ROLE_NONE */
};

struct edge {
	int from, to;
	enum ers_topo_edge_kind kind;
	ers_time_t delay;
	ers_rate_t bandwidth;		/* 0 = not limited by the scenario */
	int role;
	int circuit;			/* -1 unless circuit link / MSEE-region */
	int ref;			/* see enum ers_topo_edge_kind */
};

struct id_entry {
	const char *id;			/* the node's own string */
	int v;
};

/* Per circuit and role: where the link goes. */
struct circuit_map {
	int msee[2], pe[2];
	int ce_edge[2], msee_edge[2];
	const struct ers_location *loc[2];	/* landing location */
};

struct ers_topology {
	const struct ers_scenario *s;
	const struct ers_catalog *cat;
	struct node *nodes;
	size_t n_nodes, cap_nodes;
	struct edge *edges;
	size_t n_edges, cap_edges;
	struct id_entry *by_id;		/* vertices sorted by id */
	size_t *adj_start;		/* CSR: incident edges of v are */
	int *adj;			/* adj[adj_start[v] .. adj_start[v+1]) */
	size_t *site_first;		/* first CE vertex of each site */
	struct circuit_map *circ;
	int *gw;			/* per vnet */
	int *site_link_e, *vpn_e;
	int (*gr_e)[2];
	igraph_t g;
	bool has_g;
};

static const char *const node_kind_names[] = {
	[ERS_TOPO_NODE_CE] = "ce", [ERS_TOPO_NODE_PE] = "pe", [ERS_TOPO_NODE_MSEE] = "msee",
	[ERS_TOPO_NODE_REGION] = "region", [ERS_TOPO_NODE_GATEWAY] = "gateway",
};

static const char *const edge_kind_names[] = {
	[ERS_TOPO_EDGE_SITE_INTERNAL] = "site-internal",
	[ERS_TOPO_EDGE_CIRCUIT_LINK] = "circuit-link",
	[ERS_TOPO_EDGE_BACKBONE] = "backbone",
	[ERS_TOPO_EDGE_GLOBAL_REACH] = "global-reach",
	[ERS_TOPO_EDGE_SITE_LINK] = "site-link",
	[ERS_TOPO_EDGE_VPN] = "vpn",
};

const char *ers_topo_node_kind_str(enum ers_topo_node_kind k)
{
	if ((unsigned)k < sizeof node_kind_names / sizeof node_kind_names[0])
		return node_kind_names[k];
	return "?";
}

const char *ers_topo_edge_kind_str(enum ers_topo_edge_kind k)
{
	if ((unsigned)k < sizeof edge_kind_names / sizeof edge_kind_names[0])
		return edge_kind_names[k];
	return "?";
}

static char *xstrdup(const char *s)
{
	size_t n = strlen(s) + 1;
	char *p = malloc(n);

	if (p)
		memcpy(p, s, n);
	return p;
}

/* Append a vertex; takes ownership of id (freed here on failure). */
static enum ers_err add_node(struct ers_topology *t, enum ers_topo_node_kind kind,
			     char *id, const char *location, uint32_t asn, int role)
{
	struct node *n;
	char *loc = id ? xstrdup(location) : NULL;

	if (!id || !loc)
		goto nomem;
	if (t->n_nodes == t->cap_nodes) {
		size_t cap = t->cap_nodes ? 2 * t->cap_nodes : 32;
		struct node *p = realloc(t->nodes, cap * sizeof *p);

		if (!p)
			goto nomem;
		t->nodes = p;
		t->cap_nodes = cap;
	}
	n = &t->nodes[t->n_nodes++];
	*n = (struct node){ kind, id, loc, asn, role };
	return ERS_OK;
nomem:
	free(id);
	free(loc);
	return ERS_ENOMEM;
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

/* Where the link of role r of circuit c lands: the circuit's location, or
 * for an ExpressRoute Metro its first (primary) or second location. */
static const struct ers_location *landing(const struct ers_catalog *cat,
					  const struct ers_circuit *c, int r)
{
	return ers_catalog_location(cat, ers_circuit_side_location(cat, c, r));
}

static char *msee_id(const struct ers_location *loc, int pair, int side)
{
	return ers_msee_id(loc->id, pair, side);
}

/* Backbone delay over a great-circle distance: fibre at 204,190 km/s with
 * a path factor of 1.5 (ers_geo_latency), never below the floor, because
 * even a region in the same city is some kilometres of fibre and a few
 * switches away. */
static ers_time_t backbone_delay(double lat1, double lon1, double lat2, double lon2)
{
	ers_time_t d = ers_geo_latency(ers_geo_distance_km(lat1, lon1, lat2, lon2));

	return d < ERS_TOPO_MIN_BACKBONE_DELAY ? ERS_TOPO_MIN_BACKBONE_DELAY : d;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static enum ers_err add_ces(struct ers_topology *t)
{
	const struct ers_scenario *s = t->s;

	for (size_t i = 0; i < s->n_sites; i++) {
		const struct ers_site *site = &s->sites[i];

		t->site_first[i] = t->n_nodes;
		for (size_t j = 0; j < site->n_routers; j++)
			if (add_node(t, ERS_TOPO_NODE_CE, xstrdup(site->routers[j].full_id),
				     site->id, site->asn, ERS_ROLE_NONE))
				return ERS_ENOMEM;
	}
	return ERS_OK;
}

/* Resolve landing locations (reporting any missing from the catalog) and
 * add the layer-3 PE vertices. */
static enum ers_err add_pes(struct ers_topology *t, struct ers_diag *d)
{
	const struct ers_scenario *s = t->s;

	for (size_t i = 0; i < s->n_circuits; i++) {
		const struct ers_circuit *c = &s->circuits[i];
		struct circuit_map *m = &t->circ[i];
		bool l3 = s->providers[c->provider].model == ERS_PROVIDER_LAYER3;

		for (int r = 0; r < 2; r++) {
			m->msee[r] = m->pe[r] = m->ce_edge[r] = m->msee_edge[r] = -1;
			m->loc[r] = landing(t->cat, c, r);
			if (!m->loc[r])
				return ers_diag_add(d, ERS_ESCENARIO, s->file, c->line, NULL,
						    "unknown peering location '%s' in circuit '%s'",
						    c->location, c->id);
		}
		for (int r = 0; l3 && r < 2; r++) {
			m->pe[r] = (int)t->n_nodes;
			if (add_node(t, ERS_TOPO_NODE_PE, ers_asprintf("%s/pe-%s", c->id, ers_role_str(r)),
				     m->loc[r]->id, s->providers[c->provider].asn, r))
				return ERS_ENOMEM;
		}
	}
	return ERS_OK;
}

/* One MSEE vertex per distinct <location>-<pair>/<side>, sorted by id:
 * circuits on the same pair share the vertex, hence its fate. */
static enum ers_err add_msees(struct ers_topology *t)
{
	const struct ers_scenario *s = t->s;
	size_t n = 2 * s->n_circuits, k = 0;
	char **ids = calloc(n ? n : 1, sizeof *ids);
	const char *prev = NULL;
	enum ers_err rc = ERS_ENOMEM;

	if (!ids)
		return ERS_ENOMEM;
	for (size_t i = 0; i < s->n_circuits; i++)
		for (int r = 0; r < 2; r++)
			if (!(ids[k++] = msee_id(t->circ[i].loc[r], s->circuits[i].msee_pair, r)))
				goto out;
	qsort(ids, n, sizeof *ids, cmp_str);
	for (size_t i = 0; i < n; i++) {
		char *loc;
		int pair, side;

		if (prev && !strcmp(ids[i], prev))
			continue;
		prev = ids[i];		/* stays valid: the node owns it */
		if ((rc = ers_msee_id_parse(ids[i], true, &loc, &pair, &side)))
			goto out;
		rc = add_node(t, ERS_TOPO_NODE_MSEE, ids[i], loc, ERS_ASN_MICROSOFT, side);
		ids[i] = NULL;
		free(loc);
		if (rc)
			goto out;
	}
	rc = ERS_OK;
out:
	for (size_t i = 0; i < n; i++)
		free(ids[i]);
	free(ids);
	return rc;
}

/* One vertex per region that holds a VNet, sorted by id. */
static enum ers_err add_regions(struct ers_topology *t, struct ers_diag *d)
{
	const struct ers_scenario *s = t->s;
	size_t n = s->n_vnets;
	const char **ids = calloc(n ? n : 1, sizeof *ids);

	if (!ids)
		return ERS_ENOMEM;
	for (size_t i = 0; i < n; i++) {
		ids[i] = s->vnets[i].region;
		if (!ers_catalog_region(t->cat, ids[i])) {
			free(ids);
			return ers_diag_add(d, ERS_ESCENARIO, s->file, s->vnets[i].line, NULL,
					    "unknown region '%s' in vnet '%s'",
					    s->vnets[i].region, s->vnets[i].id);
		}
	}
	qsort(ids, n, sizeof *ids, cmp_str);
	for (size_t i = 0; i < n; i++) {
		if (i && !strcmp(ids[i], ids[i - 1]))
			continue;
		if (add_node(t, ERS_TOPO_NODE_REGION, xstrdup(ids[i]), ids[i],
			     ERS_ASN_MICROSOFT, ERS_ROLE_NONE)) {
			free(ids);
			return ERS_ENOMEM;
		}
	}
	free(ids);
	return ERS_OK;
}

static enum ers_err add_gateways(struct ers_topology *t)
{
	const struct ers_scenario *s = t->s;

	for (size_t i = 0; i < s->n_vnets; i++) {
		t->gw[i] = (int)t->n_nodes;
		if (add_node(t, ERS_TOPO_NODE_GATEWAY, ers_asprintf("%s/gw", s->vnets[i].id),
			     s->vnets[i].region, ERS_ASN_GATEWAY, ERS_ROLE_NONE))
			return ERS_ENOMEM;
	}
	return ERS_OK;
}

static int cmp_id_entry(const void *a, const void *b)
{
	const struct id_entry *x = a, *y = b;
	int c = strcmp(x->id, y->id);

	return c ? c : (x->v > y->v) - (x->v < y->v);
}

/* Index vertices by id; two nodes of different kinds may not share one
 * (a site "hub" with router "gw" against a vnet "hub"). */
static enum ers_err index_ids(struct ers_topology *t, struct ers_diag *d)
{
	t->by_id = malloc((t->n_nodes ? t->n_nodes : 1) * sizeof *t->by_id);
	if (!t->by_id)
		return ERS_ENOMEM;
	for (size_t i = 0; i < t->n_nodes; i++)
		t->by_id[i] = (struct id_entry){ t->nodes[i].id, (int)i };
	qsort(t->by_id, t->n_nodes, sizeof *t->by_id, cmp_id_entry);
	for (size_t i = 1; i < t->n_nodes; i++) {
		const struct node *a = &t->nodes[t->by_id[i - 1].v], *b = &t->nodes[t->by_id[i].v];

		if (!strcmp(a->id, b->id))
			return ers_diag_add(d, ERS_ESCENARIO, t->s->file, 0,
					    "rename the site, router or vnet",
					    "node id '%s' names both a %s and a %s", a->id,
					    ers_topo_node_kind_str(a->kind), ers_topo_node_kind_str(b->kind));
	}
	return ERS_OK;
}

int ers_topology_find(const struct ers_topology *t, const char *id)
{
	size_t lo = 0, hi = t->n_nodes;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(t->by_id[mid].id, id);

		if (!c)
			return t->by_id[mid].v;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return -1;
}

static enum ers_err site_internal_edges(struct ers_topology *t)
{
	const struct ers_scenario *s = t->s;

	for (size_t i = 0; i < s->n_sites; i++) {
		const struct ers_site *site = &s->sites[i];
		int first = (int)t->site_first[i];

		for (size_t a = 0; a < site->n_routers; a++)
			for (size_t b = a + 1; b < site->n_routers; b++) {
				struct edge e = { first + (int)a, first + (int)b,
						  ERS_TOPO_EDGE_SITE_INTERNAL, site->internal_delay,
						  0, ERS_ROLE_NONE, -1, (int)i };

				if (add_edge(t, &e) < 0)
					return ERS_ENOMEM;
			}
	}
	return ERS_OK;
}

/* CE-MSEE for layer2 and direct; CE-PE then PE-MSEE for layer3, the
 * link's delay on the CE-PE hop and a cross-connect delay on PE-MSEE. */
static enum ers_err circuit_edges(struct ers_topology *t, struct ers_diag *d)
{
	const struct ers_scenario *s = t->s;

	for (size_t i = 0; i < s->n_circuits; i++) {
		const struct ers_circuit *c = &s->circuits[i];
		struct circuit_map *m = &t->circ[i];

		for (int r = 0; r < 2; r++) {
			const struct ers_link *l = &c->links[r];
			char *id = msee_id(m->loc[r], c->msee_pair, r);
			int ce = ers_topology_router_vertex(t, l->ce.site, l->ce.router);
			struct edge e = { ce, -1, ERS_TOPO_EDGE_CIRCUIT_LINK, l->delay,
					  c->bandwidth, r, (int)i, (int)i };

			if (!id)
				return ERS_ENOMEM;
			m->msee[r] = ers_topology_find(t, id);
			free(id);
			if (ce < 0 || m->msee[r] < 0)
				return ers_diag_add(d, ERS_EINTERNAL, s->file, l->line, NULL,
						    "circuit '%s' link has no end vertex", c->id);
			e.to = m->pe[r] >= 0 ? m->pe[r] : m->msee[r];
			if ((m->ce_edge[r] = add_edge(t, &e)) < 0)
				return ERS_ENOMEM;
			m->msee_edge[r] = m->ce_edge[r];
			if (m->pe[r] < 0)
				continue;
			e.from = m->pe[r];
			e.to = m->msee[r];
			e.delay = ERS_TOPO_XCONNECT_DELAY;
			if ((m->msee_edge[r] = add_edge(t, &e)) < 0)
				return ERS_ENOMEM;
		}
	}
	return ERS_OK;
}

/* Does circuit c have a connection from a VNet in region vertex rv? */
static bool circuit_reaches(const struct ers_topology *t, size_t c, int rv)
{
	const struct ers_scenario *s = t->s;

	for (size_t i = 0; i < s->n_vnets; i++) {
		if (strcmp(s->vnets[i].region, t->nodes[rv].id))
			continue;
		for (size_t j = 0; j < s->vnets[i].n_connections; j++)
			if (s->vnets[i].connections[j].circuit == (int)c)
				return true;
	}
	return false;
}

/* MSEE-region edges: for each circuit, each side, each region (in vertex
 * order) holding a VNet connected to the circuit; one edge per circuit
 * even when circuits share an MSEE, because each circuit is a routing
 * instance of its own. Then region-gateway edges, VNets in file order. */
static enum ers_err backbone_edges(struct ers_topology *t)
{
	const struct ers_scenario *s = t->s;

	for (size_t i = 0; i < s->n_circuits; i++) {
		for (int r = 0; r < 2; r++) {
			const struct ers_location *loc = t->circ[i].loc[r];

			for (size_t v = 0; v < t->n_nodes; v++) {
				const struct ers_region *reg;
				struct edge e = { t->circ[i].msee[r], (int)v, ERS_TOPO_EDGE_BACKBONE,
						  0, 0, r, (int)i, (int)i };

				if (t->nodes[v].kind != ERS_TOPO_NODE_REGION ||
				    !circuit_reaches(t, i, (int)v))
					continue;
				reg = ers_catalog_region(t->cat, t->nodes[v].id);
				e.delay = backbone_delay(loc->lat, loc->lon, reg->lat, reg->lon);
				if (add_edge(t, &e) < 0)
					return ERS_ENOMEM;
			}
		}
	}
	for (size_t i = 0; i < s->n_vnets; i++) {
		struct edge e = { ers_topology_find(t, s->vnets[i].region), t->gw[i],
				  ERS_TOPO_EDGE_BACKBONE, ERS_TOPO_REGION_GW_DELAY,
				  ers_er_gw_throughput(&s->vnets[i]), ERS_ROLE_NONE, -1, (int)i };

		if (add_edge(t, &e) < 0)
			return ERS_ENOMEM;
	}
	return ERS_OK;
}

/* Global Reach: a to a, b to b, over the backbone between the two
 * landing locations; throughput is capped by the smaller circuit. */
static enum ers_err global_reach_edges(struct ers_topology *t)
{
	const struct ers_scenario *s = t->s;

	for (size_t i = 0; i < s->n_global_reach; i++) {
		const struct ers_global_reach *gr = &s->global_reach[i];
		const struct circuit_map *a = &t->circ[gr->a], *b = &t->circ[gr->b];
		ers_rate_t bw_a = s->circuits[gr->a].bandwidth, bw_b = s->circuits[gr->b].bandwidth;

		for (int r = 0; r < 2; r++) {
			struct edge e = { a->msee[r], b->msee[r], ERS_TOPO_EDGE_GLOBAL_REACH,
					  backbone_delay(a->loc[r]->lat, a->loc[r]->lon,
							 b->loc[r]->lat, b->loc[r]->lon),
					  bw_a < bw_b ? bw_a : bw_b, r, -1, (int)i };

			if ((t->gr_e[i][r] = add_edge(t, &e)) < 0)
				return ERS_ENOMEM;
		}
	}
	return ERS_OK;
}

static enum ers_err customer_edges(struct ers_topology *t)
{
	const struct ers_scenario *s = t->s;

	for (size_t i = 0; i < s->n_site_links; i++) {
		const struct ers_site_link *l = &s->site_links[i];
		struct edge e = { ers_topology_router_vertex(t, l->a.site, l->a.router),
				  ers_topology_router_vertex(t, l->b.site, l->b.router),
				  ERS_TOPO_EDGE_SITE_LINK, l->delay, 0, ERS_ROLE_NONE, -1, (int)i };

		if ((t->site_link_e[i] = add_edge(t, &e)) < 0)
			return ERS_ENOMEM;
	}
	for (size_t i = 0; i < s->n_vpns; i++) {
		const struct ers_vpn *v = &s->vpns[i];
		struct edge e = { ers_topology_router_vertex(t, v->ce.site, v->ce.router),
				  t->gw[v->vnet], ERS_TOPO_EDGE_VPN, v->delay, 0,
				  ERS_ROLE_NONE, -1, (int)i };

		if ((t->vpn_e[i] = add_edge(t, &e)) < 0)
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
	return t->nodes[v].id;
}

static const char *v_kind(const struct ers_topology *t, size_t v, char buf[32])
{
	(void)buf;
	return ers_topo_node_kind_str(t->nodes[v].kind);
}

static const char *v_loc(const struct ers_topology *t, size_t v, char buf[32])
{
	(void)buf;
	return t->nodes[v].location;
}

static const char *v_role(const struct ers_topology *t, size_t v, char buf[32])
{
	(void)buf;
	return role_or_empty(t->nodes[v].role);
}

static const char *v_asn_str(const struct ers_topology *t, size_t v, char buf[32])
{
	snprintf(buf, 32, "%" PRIu32, t->nodes[v].asn);
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

static double v_asn(const struct ers_topology *t, size_t v) { return (double)t->nodes[v].asn; }
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
	e = igraph_create(&t->g, &ev, (igraph_integer_t)t->n_nodes, IGRAPH_UNDIRECTED);
	igraph_vector_int_destroy(&ev);
	if (e)
		return e;
	t->has_g = true;
	IGRAPH_CHECK(set_str_attr(&t->g, "id", false, t->n_nodes, v_id, t));
	IGRAPH_CHECK(set_str_attr(&t->g, "kind", false, t->n_nodes, v_kind, t));
	IGRAPH_CHECK(set_str_attr(&t->g, "location", false, t->n_nodes, v_loc, t));
	IGRAPH_CHECK(set_num_attr(&t->g, "asn", false, t->n_nodes, v_asn, t));
	IGRAPH_CHECK(set_str_attr(&t->g, "role", false, t->n_nodes, v_role, t));
	IGRAPH_CHECK(set_str_attr(&t->g, "kind", true, t->n_edges, e_kind, t));
	IGRAPH_CHECK(set_num_attr(&t->g, "delay_ns", true, t->n_edges, e_delay, t));
	IGRAPH_CHECK(set_num_attr(&t->g, "bandwidth_bps", true, t->n_edges, e_bw, t));
	IGRAPH_CHECK(set_str_attr(&t->g, "role", true, t->n_edges, e_role, t));
	IGRAPH_CHECK(set_str_attr(&t->g, "circuit", true, t->n_edges, e_circuit, t));
	return IGRAPH_SUCCESS;
}

static enum ers_err alloc_maps(struct ers_topology *t)
{
	const struct ers_scenario *s = t->s;

	t->site_first = calloc(s->n_sites + 1, sizeof *t->site_first);
	t->circ = calloc(s->n_circuits + 1, sizeof *t->circ);
	t->gw = calloc(s->n_vnets + 1, sizeof *t->gw);
	t->site_link_e = calloc(s->n_site_links + 1, sizeof *t->site_link_e);
	t->vpn_e = calloc(s->n_vpns + 1, sizeof *t->vpn_e);
	t->gr_e = calloc(s->n_global_reach + 1, sizeof *t->gr_e);
	if (!t->site_first || !t->circ || !t->gw || !t->site_link_e || !t->vpn_e || !t->gr_e)
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
	t->cat = cat;
	igraph_set_attribute_table(&igraph_cattribute_table);
	ie = igraph_rng_seed(igraph_rng_default(), (igraph_uint_t)s->seed);
	if (ie) {
		rc = igraph_fail(d, ie, "seeding the random number generator");
		goto out;
	}
	if ((rc = alloc_maps(t)) || (rc = add_ces(t)) || (rc = add_pes(t, d)) ||
	    (rc = add_msees(t)) || (rc = add_regions(t, d)) || (rc = add_gateways(t)) ||
	    (rc = index_ids(t, d)) || (rc = site_internal_edges(t)) ||
	    (rc = circuit_edges(t, d)) || (rc = backbone_edges(t)) ||
	    (rc = global_reach_edges(t)) || (rc = customer_edges(t)) ||
	    (rc = build_adjacency(t)))
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
		igraph_destroy(&t->g);
	for (size_t i = 0; i < t->n_nodes; i++) {
		free(t->nodes[i].id);
		free(t->nodes[i].location);
	}
	free(t->nodes);
	free(t->edges);
	free(t->by_id);
	free(t->adj_start);
	free(t->adj);
	free(t->site_first);
	free(t->circ);
	free(t->gw);
	free(t->site_link_e);
	free(t->vpn_e);
	free(t->gr_e);
	free(t);
}

const struct ers_scenario *ers_topology_scenario(const struct ers_topology *t) { return t->s; }
size_t ers_topology_n_nodes(const struct ers_topology *t) { return t->n_nodes; }
size_t ers_topology_n_edges(const struct ers_topology *t) { return t->n_edges; }

size_t ers_topology_count_nodes(const struct ers_topology *t, enum ers_topo_node_kind k)
{
	size_t n = 0;

	for (size_t i = 0; i < t->n_nodes; i++)
		n += t->nodes[i].kind == k;
	return n;
}

size_t ers_topology_count_edges(const struct ers_topology *t, enum ers_topo_edge_kind k)
{
	size_t n = 0;

	for (size_t i = 0; i < t->n_edges; i++)
		n += t->edges[i].kind == k;
	return n;
}

enum ers_topo_node_kind ers_topology_node_kind(const struct ers_topology *t, int v) { return t->nodes[v].kind; }
const char *ers_topology_node_id(const struct ers_topology *t, int v) { return t->nodes[v].id; }
const char *ers_topology_node_location(const struct ers_topology *t, int v) { return t->nodes[v].location; }
uint32_t ers_topology_node_asn(const struct ers_topology *t, int v) { return t->nodes[v].asn; }
int ers_topology_node_role(const struct ers_topology *t, int v) { return t->nodes[v].role; }

int ers_topology_router_vertex(const struct ers_topology *t, int site, int router)
{
	if (site < 0 || (size_t)site >= t->s->n_sites || router < 0 ||
	    (size_t)router >= t->s->sites[site].n_routers)
		return -1;
	return (int)t->site_first[site] + router;
}

int ers_topology_gateway_vertex(const struct ers_topology *t, int vnet)
{
	return vnet < 0 || (size_t)vnet >= t->s->n_vnets ? -1 : t->gw[vnet];
}

static bool circuit_ok(const struct ers_topology *t, int c, enum ers_role r)
{
	return c >= 0 && (size_t)c < t->s->n_circuits && (r == ERS_ROLE_PRIMARY || r == ERS_ROLE_SECONDARY);
}

int ers_topology_circuit_msee(const struct ers_topology *t, int c, enum ers_role r)
{
	return circuit_ok(t, c, r) ? t->circ[c].msee[r] : -1;
}

int ers_topology_circuit_pe(const struct ers_topology *t, int c, enum ers_role r)
{
	return circuit_ok(t, c, r) ? t->circ[c].pe[r] : -1;
}

int ers_topology_circuit_ce_edge(const struct ers_topology *t, int c, enum ers_role r)
{
	return circuit_ok(t, c, r) ? t->circ[c].ce_edge[r] : -1;
}

int ers_topology_circuit_msee_edge(const struct ers_topology *t, int c, enum ers_role r)
{
	return circuit_ok(t, c, r) ? t->circ[c].msee_edge[r] : -1;
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
			if (t->circ[c].msee[r] != v)
				continue;
			if (n < cap)
				out[n] = (struct ers_landing){ (int)c, r, t->circ[c].msee_edge[r] };
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

	IGRAPH_CHECK(igraph_copy(&g, &t->g));
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
		e = igraph_write_graph_graphml(&t->g, out, /* prefixattr */ true);
	else
		return ers_diag_add(d, ERS_EINVAL, NULL, 0, NULL, "igraph has no writer for this format");
	return e ? igraph_fail(d, e, "writing the graph") : ERS_OK;
}
