/*
 * graph.c - the one walk from a checked scenario to the network it
 * describes: nodes (CE, PE, MSEE, region, gateway) and links (circuit,
 * access, internal, site link, connection, Global Reach, VPN), numbered
 * in a fixed order, with the maps from scenario indices to those numbers
 * (see graph.h for the shapes and orders, docs/topology.md for the
 * drawing). The simulator's world (world.c) and the analysis topology
 * (topology.c) are both built from it, so a node, a link, its kind, its
 * delay and its bandwidth are decided here only. It reads the model
 * (scenario.h), the merged catalog for landing locations, regions and
 * great-circle latencies, and target.c for the MSEE id.
 *
 *   CE --circuit link-- MSEE a/b --connection-- gateway   (layer 2, Direct)
 *   CE --access-- PE --circuit link-- MSEE                 (layer 3)
 *   MSEE --Global Reach-- MSEE;  CE --internal-- CE;  CE --site link-- CE;
 *   CE --vpn-- gateway;  region: where a gateway is (no link here)
 *
 * MSEE nodes are named <location>-<pair>/a|b and shared by every circuit
 * on that pair, so they share its fate.
 */
#include <stdlib.h>
#include <string.h>

#include "ersim/expressroute.h"
#include "ersim/graph.h"
#include "ersim/target.h"
#include "ersim/util.h"

struct ers_graph_id {
	const char *id;			/* the node's own string */
	int v;
};

static const char *const node_kind_names[] = {
	[ERS_NODE_CE] = "ce", [ERS_NODE_PE] = "pe", [ERS_NODE_MSEE] = "msee",
	[ERS_NODE_REGION] = "region", [ERS_NODE_GW] = "gateway",
};

const char *ers_node_kind_str(enum ers_node_kind k)
{
	if ((unsigned)k < sizeof node_kind_names / sizeof node_kind_names[0])
		return node_kind_names[k];
	return "?";
}

static char *xstrdup(const char *s)
{
	return s ? ers_asprintf("%s", s) : NULL;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* ---- nodes ---------------------------------------------------------- */

/* Append a node, taking id (freed here on failure); the node array is
 * sized up front (count_nodes), so this never reallocates. */
static int add_node(struct ers_graph *g, enum ers_node_kind kind, char *id,
		    const char *location, uint32_t asn, int role)
{
	char *loc = id ? xstrdup(location) : NULL;

	if (!id || !loc) {
		free(id);
		free(loc);
		return -1;
	}
	g->nodes[g->n_nodes] = (struct ers_graph_node){
		.kind = kind, .id = id, .location = loc, .asn = asn, .role = role,
		.site = -1, .router = -1, .circuit = -1, .vnet = -1,
	};
	return (int)g->n_nodes++;
}

/* At most: every router, two PEs and two MSEEs per circuit, a region
 * and a gateway per VNet. */
static size_t max_nodes(const struct ers_scenario *s)
{
	size_t n = 4 * s->n_circuits + 2 * s->n_vnets + 1;

	for (size_t i = 0; i < s->n_sites; i++)
		n += s->sites[i].n_routers;
	return n;
}

static int add_ces(struct ers_graph *g)
{
	const struct ers_scenario *s = g->s;

	for (size_t i = 0; i < s->n_sites; i++) {
		const struct ers_site *site = &s->sites[i];

		g->site_first[i] = g->n_nodes;
		for (size_t r = 0; r < site->n_routers; r++) {
			int v = add_node(g, ERS_NODE_CE, xstrdup(site->routers[r].full_id),
					 site->id, site->asn, ERS_ROLE_NONE);
			if (v < 0)
				return -1;
			g->nodes[v].site = (int)i;
			g->nodes[v].router = (int)r;
		}
	}
	return 0;
}

/* Resolve landing locations (reporting any missing from the catalog) and
 * add the layer-3 PE nodes. */
static enum ers_err add_pes(struct ers_graph *g, struct ers_diag *d)
{
	const struct ers_scenario *s = g->s;

	for (size_t i = 0; i < s->n_circuits; i++) {
		const struct ers_circuit *c = &s->circuits[i];
		struct ers_graph_circuit *m = &g->circ[i];
		const struct ers_provider *pv = &s->providers[c->provider];

		for (int r = 0; r < 2; r++) {
			m->msee[r] = m->pe[r] = m->ce_link[r] = m->msee_link[r] = -1;
			m->loc[r] = ers_catalog_location(g->cat, ers_circuit_side_location(g->cat, c, r));
			if (!m->loc[r])
				return ers_diag_add(d, ERS_ESCENARIO, s->file, c->line, NULL,
						    "unknown peering location '%s' in circuit '%s'",
						    c->location, c->id);
		}
		for (int r = 0; pv->model == ERS_PROVIDER_LAYER3 && r < 2; r++) {
			m->pe[r] = add_node(g, ERS_NODE_PE,
					    ers_asprintf("%s/pe-%s", c->id, ers_role_str(r)),
					    m->loc[r]->id, pv->asn, r);
			if (m->pe[r] < 0)
				return ERS_ENOMEM;
			g->nodes[m->pe[r]].circuit = (int)i;
		}
	}
	return ERS_OK;
}

/* Node numbers first..n_nodes-1 hold one kind sorted by id: find id. */
static int find_sorted(const struct ers_graph *g, size_t first, const char *id)
{
	size_t lo = first, hi = g->n_nodes;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(g->nodes[mid].id, id);

		if (!c)
			return (int)mid;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return -1;
}

/* One MSEE node per distinct <location>-<pair>/<side>, sorted by id:
 * circuits on the same pair share it, hence its fate. */
static enum ers_err add_msees(struct ers_graph *g)
{
	const struct ers_scenario *s = g->s;
	size_t n = 2 * s->n_circuits, k = 0, first = g->n_nodes;
	char **ids = calloc(n ? n : 1, sizeof *ids);
	const char *prev = NULL;
	enum ers_err rc = ERS_ENOMEM;

	if (!ids)
		return ERS_ENOMEM;
	for (size_t i = 0; i < s->n_circuits; i++)
		for (int r = 0; r < 2; r++)
			if (!(ids[k++] = ers_msee_id(g->circ[i].loc[r]->id,
						     s->circuits[i].msee_pair, r)))
				goto out;
	qsort(ids, n, sizeof *ids, cmp_str);
	for (size_t i = 0; i < n; i++) {
		char *loc;
		int pair, side, v;

		if (prev && !strcmp(ids[i], prev))
			continue;
		prev = ids[i];		/* stays valid: the node owns it */
		if ((rc = ers_msee_id_parse(ids[i], true, &loc, &pair, &side)))
			goto out;
		v = add_node(g, ERS_NODE_MSEE, ids[i], loc, ERS_ASN_MICROSOFT, side);
		ids[i] = NULL;
		free(loc);
		if (v < 0) {
			rc = ERS_ENOMEM;
			goto out;
		}
	}
	for (size_t i = 0; i < s->n_circuits; i++)
		for (int r = 0; r < 2; r++) {
			char *id = ers_msee_id(g->circ[i].loc[r]->id, s->circuits[i].msee_pair, r);

			g->circ[i].msee[r] = id ? find_sorted(g, first, id) : -1;
			free(id);
			if (g->circ[i].msee[r] < 0) {
				rc = ERS_ENOMEM;
				goto out;
			}
		}
	rc = ERS_OK;
out:
	for (size_t i = 0; i < n; i++)
		free(ids[i]);
	free(ids);
	return rc;
}

/* One node per region that holds a VNet, sorted by id. */
static enum ers_err add_regions(struct ers_graph *g, struct ers_diag *d)
{
	const struct ers_scenario *s = g->s;
	size_t n = s->n_vnets, first = g->n_nodes;
	const char **ids = calloc(n ? n : 1, sizeof *ids);
	enum ers_err rc = ERS_ENOMEM;

	if (!ids)
		return ERS_ENOMEM;
	for (size_t i = 0; i < n; i++) {
		ids[i] = s->vnets[i].region;
		if (!ers_catalog_region(g->cat, ids[i])) {
			rc = ers_diag_add(d, ERS_ESCENARIO, s->file, s->vnets[i].line, NULL,
					  "unknown region '%s' in vnet '%s'",
					  s->vnets[i].region, s->vnets[i].id);
			goto out;
		}
	}
	qsort(ids, n, sizeof *ids, cmp_str);
	for (size_t i = 0; i < n; i++) {
		if (i && !strcmp(ids[i], ids[i - 1]))
			continue;
		if (add_node(g, ERS_NODE_REGION, xstrdup(ids[i]), ids[i], ERS_ASN_MICROSOFT,
			     ERS_ROLE_NONE) < 0)
			goto out;
	}
	for (size_t i = 0; i < n; i++)
		g->region[i] = find_sorted(g, first, s->vnets[i].region);
	rc = ERS_OK;
out:
	free(ids);
	return rc;
}

static int add_gateways(struct ers_graph *g)
{
	const struct ers_scenario *s = g->s;

	for (size_t i = 0; i < s->n_vnets; i++) {
		g->gw[i] = add_node(g, ERS_NODE_GW, ers_asprintf("%s/gw", s->vnets[i].id),
				    s->vnets[i].region, ERS_ASN_GATEWAY, ERS_ROLE_NONE);
		if (g->gw[i] < 0)
			return -1;
		g->nodes[g->gw[i]].vnet = (int)i;
	}
	return 0;
}

/* ---- links ---------------------------------------------------------- */

/* Append a link; name is taken over (freed here on failure). The array
 * is sized exactly up front (count_links): at Internet scale doubling
 * would leave up to half of it unused. */
static int add_link(struct ers_graph *g, enum ers_link_kind kind, int a, int b,
		    ers_time_t delay, bool interface_carrier, char *name)
{
	g->links[g->n_links] = (struct ers_graph_link){
		.kind = kind, .a = a, .b = b, .delay = delay,
		.interface_carrier = interface_carrier, .circuit = -1,
		.role = ERS_ROLE_NONE, .obj = -1, .obj2 = -1, .name = name,
	};
	return (int)g->n_links++;
}

static size_t count_links(const struct ers_scenario *s)
{
	size_t n = s->n_site_links + s->n_vpns + 4 * s->n_circuits + 2 * s->n_global_reach;

	for (size_t i = 0; i < s->n_vnets; i++)
		n += 2 * s->vnets[i].n_connections;
	for (size_t i = 0; i < s->n_sites; i++)
		n += s->sites[i].n_routers * (s->sites[i].n_routers - 1) / 2;
	return n + 1;
}

/* Great-circle latency between two points (ers_geo_latency: fibre with
 * a path factor); analysis adds a floor of its own (topology.h). */
static ers_time_t latency(double lat1, double lon1, double lat2, double lon2)
{
	return ers_geo_latency(ers_geo_distance_km(lat1, lon1, lat2, lon2));
}

/* Per side: layer 3, the access link CE-PE then the circuit link PE-MSEE
 * (both with the link's delay); else the circuit link CE-MSEE. */
static int circuit_links(struct ers_graph *g)
{
	const struct ers_scenario *s = g->s;

	for (size_t ci = 0; ci < s->n_circuits; ci++) {
		const struct ers_circuit *c = &s->circuits[ci];
		struct ers_graph_circuit *m = &g->circ[ci];

		for (int r = 0; r < 2; r++) {
			const struct ers_link *l = &c->links[r];
			int ce = ers_graph_router_node(g, l->ce.site, l->ce.router), li;
			char *name = ers_asprintf("link:%s/%s", c->id, ers_role_str(r));

			if (!name)
				return -1;
			if (m->pe[r] >= 0) {
				m->ce_link[r] = add_link(g, ERS_LINK_ACCESS, ce, m->pe[r], l->delay,
							 true, NULL);
				g->links[m->ce_link[r]].circuit = (int)ci;
				g->links[m->ce_link[r]].role = r;
				g->links[m->ce_link[r]].bandwidth = c->bandwidth;
			}
			li = add_link(g, ERS_LINK_CIRCUIT, m->pe[r] >= 0 ? m->pe[r] : ce, m->msee[r],
				      l->delay, ers_link_carrier(s, c, l) == ERS_CARRIER_INTERFACE,
				      name);
			g->links[li].circuit = (int)ci;
			g->links[li].role = r;
			g->links[li].bandwidth = c->bandwidth;
			m->msee_link[r] = li;
			if (m->pe[r] < 0)
				m->ce_link[r] = li;
		}
	}
	return 0;
}

/* Per VNet, connection and side: the circuit's MSEE to the gateway, with
 * the latency from the landing location to the VNet's region. */
static int connection_links(struct ers_graph *g)
{
	const struct ers_scenario *s = g->s;

	for (size_t vi = 0; vi < s->n_vnets; vi++) {
		const struct ers_vnet *v = &s->vnets[vi];
		const struct ers_region *reg = ers_catalog_region(g->cat, v->region);

		g->conn_first[vi] = g->n_links;
		for (size_t k = 0; k < v->n_connections; k++) {
			int ci = v->connections[k].circuit;

			for (int r = 0; r < 2; r++) {
				const struct ers_location *loc = g->circ[ci].loc[r];
				char *name = ers_asprintf("connection:%s+%s", v->id,
							  s->circuits[ci].id);
				int li;

				if (!name)
					return -1;
				li = add_link(g, ERS_LINK_BACKBONE, g->circ[ci].msee[r], g->gw[vi],
					      latency(loc->lat, loc->lon, reg->lat, reg->lon), true,
					      name);
				g->links[li].obj = (int)vi;
				g->links[li].obj2 = (int)k;
				g->links[li].circuit = ci;
				g->links[li].role = r;
			}
		}
	}
	return 0;
}

/* Side a to side a and b to b, over the backbone between the landing
 * locations; throughput is capped by the smaller circuit. */
static int global_reach_links(struct ers_graph *g)
{
	const struct ers_scenario *s = g->s;

	for (size_t i = 0; i < s->n_global_reach; i++) {
		const struct ers_global_reach *gr = &s->global_reach[i];
		const struct ers_circuit *ca = &s->circuits[gr->a], *cb = &s->circuits[gr->b];
		const struct ers_graph_circuit *a = &g->circ[gr->a], *b = &g->circ[gr->b];

		for (int r = 0; r < 2; r++) {
			char *name = ers_asprintf("global-reach:%s+%s", ca->id, cb->id);
			int li;

			if (!name)
				return -1;
			li = add_link(g, ERS_LINK_GLOBAL_REACH, a->msee[r], b->msee[r],
				      latency(a->loc[r]->lat, a->loc[r]->lon, b->loc[r]->lat,
					      b->loc[r]->lon), true, name);
			g->links[li].obj = (int)i;
			g->links[li].role = r;
			g->links[li].bandwidth = ca->bandwidth < cb->bandwidth ? ca->bandwidth
									    : cb->bandwidth;
			g->gr[i][r] = li;
		}
	}
	return 0;
}

/* A site's routers pairwise (the iBGP full mesh), then site links and
 * VPNs. */
static int customer_links(struct ers_graph *g)
{
	const struct ers_scenario *s = g->s;

	for (size_t i = 0; i < s->n_sites; i++) {
		const struct ers_site *site = &s->sites[i];
		int first = (int)g->site_first[i];

		g->internal_first[i] = g->n_links;
		for (size_t a = 0; a < site->n_routers; a++)
			for (size_t b = a + 1; b < site->n_routers; b++)
				g->links[add_link(g, ERS_LINK_INTERNAL, first + (int)a,
						  first + (int)b, site->internal_delay, true,
						  NULL)].obj = (int)i;
	}
	for (size_t i = 0; i < s->n_site_links; i++) {
		const struct ers_site_link *sl = &s->site_links[i];
		char *name = ers_asprintf("site-link:%s+%s",
					  s->sites[sl->a.site].routers[sl->a.router].full_id,
					  s->sites[sl->b.site].routers[sl->b.router].full_id);

		if (!name)
			return -1;
		g->site_link[i] = add_link(g, ERS_LINK_SITE,
					   ers_graph_router_node(g, sl->a.site, sl->a.router),
					   ers_graph_router_node(g, sl->b.site, sl->b.router),
					   sl->delay,
					   ers_site_link_carrier(s, sl) == ERS_CARRIER_INTERFACE, name);
		g->links[g->site_link[i]].obj = (int)i;
	}
	for (size_t i = 0; i < s->n_vpns; i++) {
		const struct ers_vpn *v = &s->vpns[i];
		char *name = ers_asprintf("vpn:%s", v->id);

		if (!name)
			return -1;
		/* Over the internet: a failure is seen only by BGP. */
		g->vpn[i] = add_link(g, ERS_LINK_VPN, ers_graph_router_node(g, v->ce.site, v->ce.router),
				     g->gw[v->vnet], v->delay, false, name);
		g->links[g->vpn[i]].obj = (int)i;
	}
	return 0;
}

/* ---- the whole ------------------------------------------------------ */

static int alloc_tables(struct ers_graph *g)
{
	const struct ers_scenario *s = g->s;

	g->nodes = calloc(max_nodes(s), sizeof *g->nodes);
	g->links = calloc(count_links(s), sizeof *g->links);
	g->site_first = calloc(s->n_sites + 1, sizeof *g->site_first);
	g->internal_first = calloc(s->n_sites + 1, sizeof *g->internal_first);
	g->circ = calloc(s->n_circuits + 1, sizeof *g->circ);
	g->gw = calloc(s->n_vnets + 1, sizeof *g->gw);
	g->region = calloc(s->n_vnets + 1, sizeof *g->region);
	g->conn_first = calloc(s->n_vnets + 1, sizeof *g->conn_first);
	g->gr = calloc(s->n_global_reach + 1, sizeof *g->gr);
	g->site_link = calloc(s->n_site_links + 1, sizeof *g->site_link);
	g->vpn = calloc(s->n_vpns + 1, sizeof *g->vpn);
	return g->nodes && g->links && g->site_first && g->internal_first && g->circ &&
		g->gw && g->region && g->conn_first && g->gr && g->site_link && g->vpn ? 0 : -1;
}

enum ers_err ers_graph_build(const struct ers_scenario *s, const struct ers_catalog *cat,
			     struct ers_graph **out, struct ers_diag *d)
{
	struct ers_graph *g = calloc(1, sizeof *g);
	enum ers_err rc = ERS_ENOMEM;

	*out = NULL;
	if (!g)
		goto out;
	g->s = s;
	g->cat = cat;
	if (alloc_tables(g) || add_ces(g))
		goto out;
	if ((rc = add_pes(g, d)) || (rc = add_msees(g)) || (rc = add_regions(g, d)))
		goto out;
	rc = ERS_ENOMEM;
	if (add_gateways(g) || circuit_links(g) || connection_links(g) ||
	    global_reach_links(g) || customer_links(g))
		goto out;
	*out = g;
	return ERS_OK;
out:
	if (rc == ERS_ENOMEM)
		ers_diag_add(d, ERS_ENOMEM, s->file, 0, NULL,
			     "out of memory while building the network");
	ers_graph_free(g);
	return rc;
}

void ers_graph_free(struct ers_graph *g)
{
	if (!g)
		return;
	for (size_t i = 0; i < g->n_nodes; i++) {
		free(g->nodes[i].id);
		free(g->nodes[i].location);
	}
	for (size_t i = 0; i < g->n_links; i++)
		free(g->links[i].name);
	free(g->nodes);
	free(g->links);
	free(g->site_first);
	free(g->internal_first);
	free(g->circ);
	free(g->gw);
	free(g->region);
	free(g->conn_first);
	free(g->gr);
	free(g->site_link);
	free(g->vpn);
	free(g->by_id);
	free(g);
}

int ers_graph_router_node(const struct ers_graph *g, int site, int router)
{
	if (site < 0 || (size_t)site >= g->s->n_sites || router < 0 ||
	    (size_t)router >= g->s->sites[site].n_routers)
		return -1;
	return (int)g->site_first[site] + router;
}

/* ---- ids ------------------------------------------------------------ */

static int cmp_id(const void *a, const void *b)
{
	const struct ers_graph_id *x = a, *y = b;
	int c = strcmp(x->id, y->id);

	return c ? c : (x->v > y->v) - (x->v < y->v);
}

enum ers_err ers_graph_index(struct ers_graph *g, struct ers_diag *d)
{
	if (g->by_id)
		return ERS_OK;
	g->by_id = malloc((g->n_nodes ? g->n_nodes : 1) * sizeof *g->by_id);
	if (!g->by_id)
		return ERS_ENOMEM;
	for (size_t i = 0; i < g->n_nodes; i++)
		g->by_id[i] = (struct ers_graph_id){ g->nodes[i].id, (int)i };
	qsort(g->by_id, g->n_nodes, sizeof *g->by_id, cmp_id);
	for (size_t i = 1; i < g->n_nodes; i++) {
		const struct ers_graph_node *a = &g->nodes[g->by_id[i - 1].v];
		const struct ers_graph_node *b = &g->nodes[g->by_id[i].v];

		if (!strcmp(a->id, b->id))
			return ers_diag_add(d, ERS_ESCENARIO, g->s->file, 0,
					    "rename the site, router or vnet",
					    "node id '%s' names both a %s and a %s", a->id,
					    ers_node_kind_str(a->kind), ers_node_kind_str(b->kind));
	}
	return ERS_OK;
}

int ers_graph_find(const struct ers_graph *g, const char *id)
{
	size_t lo = 0, hi = g->by_id ? g->n_nodes : 0;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(g->by_id[mid].id, id);

		if (!c)
			return g->by_id[mid].v;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return -1;
}
