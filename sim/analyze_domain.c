/*
 * analyze_domain.c - the routing domain of an endpoint pair: a small graph
 * whose vertices are site routers and the VNet's gateway and whose edges
 * (customer meshes and site links, each circuit link with its connection,
 * VPNs, Global Reach hops) carry the elements that must all be up for the
 * edge to work; and its evaluation under the failures applied so far:
 * still connected, the ExpressRoute capacity left, and whether a VPN or
 * customer-only path remains. Routing policy shapes the graph: a gateway
 * never transits, and two sites meet over at most one Global Reach hop.
 */
#include <stdlib.h>
#include <string.h>

#include "analyze_int.h"
#include "ersim/util.h"

/* ---- the routing domain of a pair ------------------------------------ */

static int pg_add(struct ers_an_graph *g, const struct ers_an_edge *e)
{
	if (g->n == g->cap) {
		size_t cap = g->cap ? 2 * g->cap : 16;
		struct ers_an_edge *p = realloc(g->e, cap * sizeof *p);

		if (!p)
			return -1;
		g->e = p;
		g->cap = cap;
	}
	g->e[g->n++] = *e;
	return 0;
}

void ers_an_graph_release(struct ers_an_graph *g)
{
	free(g->e);
	free(g->src.v);
	free(g->dst.v);
	memset(g, 0, sizeof *g);
}

static void pe_el(struct ers_an_edge *e, int x)
{
	for (int i = 0; i < e->n_el; i++)
		if (e->el[i] == x)
			return;
	if (e->n_el < MAX_EL)
		e->el[e->n_el++] = x;
}

/* The elements of circuit link (c, r) up to and including its MSEE. */
static void pe_link(const struct ers_an_ctx *c, struct ers_an_edge *e, int circuit, int r)
{
	int pe = ers_topology_circuit_pe(c->t, circuit, r);

	pe_el(e, el_edge(c, ers_topology_circuit_ce_edge(c->t, circuit, r)));
	pe_el(e, el_edge(c, ers_topology_circuit_msee_edge(c->t, circuit, r)));
	if (pe >= 0)
		pe_el(e, pe);
	pe_el(e, ers_topology_circuit_msee(c->t, circuit, r));
}

static int link_ce(const struct ers_an_ctx *c, int circuit, int r)
{
	const struct ers_link *l = &c->s->circuits[circuit].links[r];

	return ers_topology_router_vertex(c->t, l->ce.site, l->ce.router);
}

/* Site-internal meshes and site links: customer routers carry anything. */
static int customer_edges(const struct ers_an_ctx *c, struct ers_an_graph *g)
{
	const struct ers_scenario *s = c->s;

	for (size_t i = 0; i < s->n_sites; i++)
		for (size_t x = 0; x < s->sites[i].n_routers; x++)
			for (size_t y = x + 1; y < s->sites[i].n_routers; y++) {
				struct ers_an_edge e = { ers_topology_router_vertex(c->t, (int)i, (int)x),
						   ers_topology_router_vertex(c->t, (int)i, (int)y),
						   PE_CUST, { -1, -1 }, 0, -1, { 0 }, 0 };
				if (pg_add(g, &e))
					return -1;
			}
	for (size_t i = 0; i < s->n_site_links; i++) {
		int te = ers_topology_site_link_edge(c->t, (int)i), u, v;
		struct ers_an_edge e = { 0, 0, PE_CUST, { -1, -1 }, 0, -1, { el_edge(c, te) }, 1 };

		ers_topology_edge_ends(c->t, te, &u, &v);
		e.u = u;
		e.v = v;
		if (pg_add(g, &e))
			return -1;
	}
	return 0;
}

/* The routers that originate a site's first prefix: where traffic to the
 * site is delivered (the simulator's flow destination). */
static int site_origins(const struct ers_an_ctx *c, int site, struct ers_an_ivec *out)
{
	const struct ers_site *st = &c->s->sites[site];

	if (!st->n_origins)
		return 0;
	for (size_t r = 0; r < st->n_routers; r++)
		if ((st->origins[0].router < 0 || st->origins[0].router == (int)r) &&
		    ers_an_ivec_push(out, ers_topology_router_vertex(c->t, site, (int)r)))
			return -1;
	return 0;
}

/* Site -> VNet: circuits connected to the VNet (each link up to its MSEE,
 * then the connection to the gateway) and VPNs to it. */
int ers_an_build_site_vnet(const struct ers_an_ctx *c, int site, int vnet, struct ers_an_graph *g)
{
	const struct ers_scenario *s = c->s;
	const struct ers_vnet *vn = &s->vnets[vnet];
	int gw = ers_topology_gateway_vertex(c->t, vnet);

	if (customer_edges(c, g) || site_origins(c, site, &g->src) || ers_an_ivec_push(&g->dst, gw))
		return -1;
	for (size_t j = 0; j < vn->n_connections; j++) {
		int ci = vn->connections[j].circuit;

		for (int r = 0; r < 2; r++) {
			struct ers_an_edge e = { link_ce(c, ci, r), gw, PE_ER, { ci, -1 },
					   s->circuits[ci].bandwidth, ci, { 0 }, 0 };

			pe_link(c, &e, ci, r);
			pe_el(&e, el_conn(c, vnet, (int)j));
			if (pg_add(g, &e))
				return -1;
		}
	}
	for (size_t i = 0; i < s->n_vpns; i++) {
		struct ers_an_edge e = { ers_topology_router_vertex(c->t, s->vpns[i].ce.site,
							       s->vpns[i].ce.router),
				   gw, PE_VPN, { -1, -1 }, 0, -1,
				   { el_edge(c, ers_topology_vpn_edge(c->t, (int)i)) }, 1 };

		if (s->vpns[i].vnet == vnet && pg_add(g, &e))
			return -1;
	}
	return 0;
}

/* Site <-> site: customer routers, plus one Global Reach hop per side of
 * each Global Reach pair, from one circuit's customer router to the
 * other's. Skipped when both ends are in the same AS: the route would
 * come back with the receiver's own AS in its path (loop detection). */
static int build_site_site(const struct ers_an_ctx *c, int s1, int s2, struct ers_an_graph *g)
{
	const struct ers_scenario *s = c->s;

	if (customer_edges(c, g) || site_origins(c, s1, &g->src) || site_origins(c, s2, &g->dst))
		return -1;
	for (size_t i = 0; i < s->n_global_reach; i++) {
		int ca = s->global_reach[i].a, cb = s->global_reach[i].b;

		for (int r = 0; r < 2; r++) {
			int te = ers_topology_global_reach_edge(c->t, (int)i, r);
			struct ers_an_edge e = { link_ce(c, ca, r), link_ce(c, cb, r), PE_GR, { ca, cb },
					   ers_topology_edge_bandwidth(c->t, te),
					   (int)(s->n_circuits + i), { 0 }, 0 };

			if (s->sites[s->circuits[ca].links[r].ce.site].asn ==
			    s->sites[s->circuits[cb].links[r].ce.site].asn)
				continue;
			pe_link(c, &e, ca, r);
			pe_el(&e, el_edge(c, te));
			pe_link(c, &e, cb, r);
			if (pg_add(g, &e))
				return -1;
		}
	}
	return 0;
}

/* The domain of pair p (a site and a VNet, or two sites). */
int ers_an_build_pair(const struct ers_an_ctx *c, const struct ers_an_pair *p,
		      struct ers_an_graph *g)
{
	return p->kind == ERS_AN_SITE_VNET ? ers_an_build_site_vnet(c, p->a, p->b, g)
					   : build_site_site(c, p->a, p->b, g);
}

bool ers_an_edge_up(const struct ers_an_ctx *c, const struct ers_an_edge *e)
{
	if (c->down[e->u] || c->down[e->v])
		return false;
	for (int i = 0; i < e->n_el; i++)
		if (c->down[e->el[i]])
			return false;
	return true;
}

/* Customer-only reach from the terminals (never through a gateway). */
static void cust_reach(const struct ers_an_ctx *c, const struct ers_an_graph *g, const struct ers_an_ivec *from,
		       bool *in)
{
	size_t head = 0, tail = 0;

	memset(in, 0, c->nv * sizeof *in);
	for (size_t i = 0; i < from->n; i++)
		if (!c->down[from->v[i]] && !in[from->v[i]]) {
			in[from->v[i]] = true;
			c->queue[tail++] = from->v[i];
		}
	while (head < tail) {
		int x = c->queue[head++];

		for (size_t i = 0; i < g->n; i++) {
			const struct ers_an_edge *e = &g->e[i];
			int y = e->u == x ? e->v : e->v == x ? e->u : -1;

			if (e->kind != PE_CUST || y < 0 || in[y] || !ers_an_edge_up(c, e))
				continue;
			in[y] = true;
			c->queue[tail++] = y;
		}
	}
}

/* An edge that joins the two customer-reach sets: the one Microsoft or
 * VPN crossing a working path may take. */
bool ers_an_crosses(const struct ers_an_ctx *c, const struct ers_an_edge *e)
{
	return e->kind != PE_CUST && ers_an_edge_up(c, e) &&
	       ((c->in_r[e->u] && c->in_d[e->v]) || (c->in_r[e->v] && c->in_d[e->u]));
}

/* Evaluate g under the current c->down. Capacity counts a circuit's
 * bandwidth once while either of its links works: the second link is for
 * redundancy, its extra capacity is not guaranteed (facts 8); likewise a
 * Global Reach connection once. */
struct ers_an_state ers_an_evaluate(const struct ers_an_ctx *c, const struct ers_an_graph *g)
{
	struct ers_an_state st = { false, 0, false };

	cust_reach(c, g, &g->src, c->in_r);
	cust_reach(c, g, &g->dst, c->in_d);
	for (size_t v = 0; v < c->nv; v++)
		st.other |= c->in_r[v] && c->in_d[v];
	memset(c->seen, 0, (c->s->n_circuits + c->s->n_global_reach) * sizeof *c->seen);
	for (size_t i = 0; i < g->n; i++) {
		const struct ers_an_edge *e = &g->e[i];

		if (!ers_an_crosses(c, e))
			continue;
		if (e->kind == PE_VPN) {
			st.other = true;
		} else if (!c->seen[e->group]) {
			c->seen[e->group] = true;
			st.capacity += e->bw;
		}
	}
	/* whatever the circuits, the gateway carries at most its SKU's
	 * throughput (facts 8.1) */
	if (c->gw_cap && st.capacity > c->gw_cap)
		st.capacity = c->gw_cap;
	st.connected = st.other || st.capacity > 0;
	for (size_t i = 0; i < g->n && !st.connected; i++)
		st.connected = ers_an_crosses(c, &g->e[i]);	/* a zero-bandwidth crossing */
	return st;
}

void ers_an_apply(struct ers_an_ctx *c, size_t target, int delta)
{
	const struct ers_an_ivec *el = &c->tel[target];

	for (size_t i = 0; i < el->n; i++)
		c->down[el->v[i]] += delta;
}
