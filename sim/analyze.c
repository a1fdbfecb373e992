/*
 * analyze.c - static resiliency analysis (analyze.h, docs/analyze.md). It
 * owns the list of failure targets a scenario allows, the mapping of each
 * target to the graph elements it removes, the routing domain of each
 * endpoint pair, and the claims made on them: which targets cut a pair
 * alone (single points of failure), the smallest target sets that cut it,
 * disjoint path counts (igraph max-flow through topology.c), resiliency
 * class and capacity after the worst single failure. It also checks those
 * claims by simulation (ers_run, one run per failure) and writes the
 * report and the JSON document.
 *
 * Connectivity follows routing policy, not the bare graph (docs/model.md):
 * a site reaches a VNet only over circuits the VNet is connected to or a
 * VPN to it, and a gateway never transits; two sites reach each other
 * over site links and customer routers, or over exactly one Global Reach
 * hop (routes that crossed Microsoft never re-enter it: AS 12076 loop
 * detection). Each pair therefore gets a small graph of its own whose
 * vertices are site routers and the VNet's gateway and whose edges carry
 * the list of elements (topology vertices, topology edges, connections)
 * that must all be up for the edge to work.
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "ersim/analyze.h"
#include "ersim/expressroute.h"
#include "ersim/run.h"
#include "ersim/topology.h"
#include "ersim/util.h"

#define MAX_EL 10			/* elements of one pair-graph edge */
#define VERIFY_AT (10 * ERS_S)		/* failure time in verification runs */
#define PROBE_RATE 1000000ull		/* probe flows: 1 Mbps, carries no weight */

/* ---- small helpers ---------------------------------------------------- */

struct ivec {
	int *v;
	size_t n, cap;
};

static int ivec_push(struct ivec *x, int e)
{
	if (x->n == x->cap) {
		size_t cap = x->cap ? 2 * x->cap : 8;
		int *p = realloc(x->v, cap * sizeof *p);

		if (!p)
			return -1;
		x->v = p;
		x->cap = cap;
	}
	x->v[x->n++] = e;
	return 0;
}

/* "1 Gbps", "300 Mbps", "1.5 Gbps", "0 bps". */
static char *fmt_rate(ers_rate_t r, char *buf, size_t n)
{
	static const char *const unit[] = { "bps", "kbps", "Mbps", "Gbps", "Tbps" };
	double v = (double)r;
	int u = 0;

	while (v >= 1000 && u < 4) {
		v /= 1000;
		u++;
	}
	snprintf(buf, n, "%.4g %s", v, unit[u]);
	return buf;
}

const char *ers_an_class_str(enum ers_an_class c)
{
	switch (c) {
	case ERS_AN_CLASS_STANDARD:
		return "standard";
	case ERS_AN_CLASS_HIGH:
		return "high";
	case ERS_AN_CLASS_MAXIMUM:
		return "maximum";
	default:
		return "none";
	}
}

/* ---- the analysis context ---------------------------------------------- */

enum pedge_kind { PE_CUST, PE_ER, PE_VPN, PE_GR };

/* An edge of a pair's routing domain: up when every element is up. */
struct pedge {
	int u, v;			/* topology vertices (site routers, gateway) */
	enum pedge_kind kind;
	int circuit[2];			/* ER: [0]; GR: both sides; else -1 */
	ers_rate_t bw;			/* ER: circuit bandwidth; GR: the smaller one */
	int group;			/* capacity counted once per group: circuit, or
					 * n_circuits + Global Reach index; -1 none */
	int el[MAX_EL];
	int n_el;
};

struct pgraph {
	struct pedge *e;
	size_t n, cap;
	struct ivec src, dst;		/* terminal vertices */
};

struct ctx {
	const struct ers_scenario *s;
	const struct ers_catalog *cat;
	struct ers_topology *t;
	struct ers_analysis *a;
	struct ers_diag *d;
	size_t nv, ne, n_el;		/* elements: vertices, then edges, then connections */
	size_t *conn_base;		/* per vnet: first connection element */
	struct ivec *tel;		/* per target: its elements */
	int *down;			/* per element: how many applied targets take it */
	bool *in_r, *in_d;		/* scratch for reach */
	bool *seen;			/* scratch: capacity groups counted */
	int *queue;
	ers_rate_t gw_cap;		/* the pair's VNet gateway's throughput, or 0 */
};

static int el_edge(const struct ctx *c, int e) { return (int)c->nv + e; }
static int el_conn(const struct ctx *c, int vnet, int j)
{
	return (int)(c->nv + c->ne + c->conn_base[vnet]) + j;
}

/* ---- failure targets ------------------------------------------------- */

static int push_unique(struct ivec *x, int e)
{
	for (size_t i = 0; i < x->n; i++)
		if (x->v[i] == e)
			return 0;
	return ivec_push(x, e);
}

static int link_elements(const struct ctx *c, int circuit, int r, struct ivec *out)
{
	int pe = ers_topology_circuit_pe(c->t, circuit, r);

	if (push_unique(out, el_edge(c, ers_topology_circuit_ce_edge(c->t, circuit, r))) ||
	    push_unique(out, el_edge(c, ers_topology_circuit_msee_edge(c->t, circuit, r))))
		return -1;
	return pe >= 0 ? push_unique(out, pe) : 0;
}

/* MSEE vertices matching a msee / msee-pair / location target. */
static int msee_elements(const struct ctx *c, const struct ers_target *tg, struct ivec *out)
{
	char pfx[256];

	snprintf(pfx, sizeof pfx, "%s-%d/", tg->location, tg->pair);
	for (size_t v = 0; v < c->nv; v++) {
		const char *id = ers_topology_node_id(c->t, (int)v);

		if (ers_topology_node_kind(c->t, (int)v) != ERS_TOPO_NODE_MSEE ||
		    strcmp(ers_topology_node_location(c->t, (int)v), tg->location))
			continue;
		if (tg->kind != ERS_T_LOCATION && strncmp(id, pfx, strlen(pfx)))
			continue;
		if (tg->kind == ERS_T_MSEE && ers_topology_node_role(c->t, (int)v) != tg->side)
			continue;
		if (push_unique(out, (int)v))
			return -1;
	}
	return 0;
}

/* What the simulator takes down for tg (sim/run.c resolve()), as elements. */
static int target_elements(const struct ctx *c, const struct ers_target *tg, struct ivec *out)
{
	const struct ers_scenario *s = c->s;

	switch (tg->kind) {
	case ERS_T_LINK:
		return link_elements(c, tg->a, tg->b, out);
	case ERS_T_CIRCUIT:
		return link_elements(c, tg->a, 0, out) || link_elements(c, tg->a, 1, out);
	case ERS_T_MSEE:
	case ERS_T_MSEE_PAIR:
	case ERS_T_LOCATION:
		return msee_elements(c, tg, out);
	case ERS_T_ROUTER:
		return push_unique(out, ers_topology_router_vertex(c->t, tg->a, tg->b));
	case ERS_T_SITE:
		for (size_t r = 0; r < s->sites[tg->a].n_routers; r++)
			if (push_unique(out, ers_topology_router_vertex(c->t, tg->a, (int)r)))
				return -1;
		return 0;
	case ERS_T_GATEWAY:
		return push_unique(out, ers_topology_gateway_vertex(c->t, tg->a));
	case ERS_T_REGION:
		for (size_t v = 0; v < s->n_vnets; v++)
			if (!strcmp(s->vnets[v].region, tg->location) &&
			    push_unique(out, ers_topology_gateway_vertex(c->t, (int)v)))
				return -1;
		return 0;
	case ERS_T_CONNECTION:
		return push_unique(out, el_conn(c, tg->a, tg->b));
	case ERS_T_SITE_LINK:
		return push_unique(out, el_edge(c, ers_topology_site_link_edge(c->t, tg->a)));
	case ERS_T_VPN:
		return push_unique(out, el_edge(c, ers_topology_vpn_edge(c->t, tg->a)));
	case ERS_T_GLOBAL_REACH:
		return push_unique(out, el_edge(c, ers_topology_global_reach_edge(c->t, tg->a, 0))) ||
		       push_unique(out, el_edge(c, ers_topology_global_reach_edge(c->t, tg->a, 1)));
	case ERS_T_SRLG:
		for (size_t i = 0; i < s->srlgs[tg->a].n_members; i++)
			if (target_elements(c, &s->srlgs[tg->a].members[i], out))
				return -1;
		return 0;
	}
	return 0;
}

/* Append a target; name is taken over (freed on failure). */
static int add_target(struct ctx *c, char *name, struct ers_target tg, int provider)
{
	struct ers_analysis *a = c->a;
	struct ers_an_target *x;
	struct ivec *el;

	if (!name)
		return -1;
	x = realloc(a->targets, (a->n_targets + 1) * sizeof *x);
	el = x ? realloc(c->tel, (a->n_targets + 1) * sizeof *el) : NULL;
	if (x)
		a->targets = x;
	if (!x || !el) {
		free(name);
		return -1;
	}
	c->tel = el;
	memset(&el[a->n_targets], 0, sizeof *el);
	tg.text = name;
	x = &a->targets[a->n_targets++];
	*x = (struct ers_an_target){ name, tg.kind == ERS_T_SITE || tg.kind == ERS_T_GATEWAY ||
					   tg.kind == ERS_T_REGION, tg, provider };
	if (tg.location && !(x->target.location = strdup(tg.location)))
		return -1;
	if (provider < 0)
		return target_elements(c, &x->target, &el[a->n_targets - 1]);
	for (size_t i = 0; i < c->s->n_circuits; i++)
		if (c->s->circuits[i].provider == provider &&
		    (link_elements(c, (int)i, 0, &el[a->n_targets - 1]) ||
		     link_elements(c, (int)i, 1, &el[a->n_targets - 1])))
			return -1;
	return 0;
}

static int circuit_targets(struct ctx *c)
{
	const struct ers_scenario *s = c->s;

	for (size_t i = 0; i < s->n_circuits; i++)
		for (int r = 0; r < 2; r++)
			if (add_target(c, ers_asprintf("link:%s/%s", s->circuits[i].id, ers_role_str(r)),
				       (struct ers_target){ .kind = ERS_T_LINK, .a = (int)i, .b = r }, -1))
				return -1;
	for (size_t i = 0; i < s->n_circuits; i++)
		if (add_target(c, ers_asprintf("circuit:%s", s->circuits[i].id),
			       (struct ers_target){ .kind = ERS_T_CIRCUIT, .a = (int)i }, -1))
			return -1;
	for (size_t p = 0; p < s->n_providers; p++) {
		bool used = false;

		for (size_t i = 0; i < s->n_circuits; i++)
			used |= s->circuits[i].provider == (int)p;
		if (used && add_target(c, ers_asprintf("provider:%s", s->providers[p].id),
				       (struct ers_target){ .kind = ERS_T_CIRCUIT, .a = -1 }, (int)p))
			return -1;
	}
	return 0;
}

/* msee:, msee-pair: and location: for every MSEE vertex (sorted by id, so
 * the two MSEEs of a pair are neighbours and locations come in order). */
static int msee_targets(struct ctx *c)
{
	const char *prev_pair = NULL;
	size_t prev_len = 0;

	for (size_t v = 0; v < c->nv; v++) {
		const char *id = ers_topology_node_id(c->t, (int)v);
		const char *loc = ers_topology_node_location(c->t, (int)v);
		struct ers_target tg = { .kind = ERS_T_MSEE, .location = (char *)loc };
		size_t len;

		if (ers_topology_node_kind(c->t, (int)v) != ERS_TOPO_NODE_MSEE)
			continue;
		len = (size_t)(strchr(id, '/') - id);	/* "<location>-<pair>/<side>" */
		tg.pair = atoi(id + strlen(loc) + 1);
		tg.side = ers_topology_node_role(c->t, (int)v);
		if (add_target(c, ers_asprintf("msee:%s", id), tg, -1))
			return -1;
		if (prev_pair && prev_len == len && !strncmp(prev_pair, id, len))
			continue;
		prev_pair = id;
		prev_len = len;
		tg.kind = ERS_T_MSEE_PAIR;
		if (add_target(c, ers_asprintf("msee-pair:%.*s", (int)len, id), tg, -1))
			return -1;
	}
	return 0;
}

static int cmp_str(const void *x, const void *y)
{
	return strcmp(*(char *const *)x, *(char *const *)y);
}

/* location: per peering location holding an MSEE, sorted by id. */
static int location_targets(struct ctx *c)
{
	const char **ids = calloc(c->nv + 1, sizeof *ids);
	size_t n = 0;
	int rc = 0;

	if (!ids)
		return -1;
	for (size_t v = 0; v < c->nv; v++)
		if (ers_topology_node_kind(c->t, (int)v) == ERS_TOPO_NODE_MSEE)
			ids[n++] = ers_topology_node_location(c->t, (int)v);
	qsort(ids, n, sizeof *ids, cmp_str);
	for (size_t i = 0; i < n && !rc; i++)
		if (!i || strcmp(ids[i], ids[i - 1]))
			rc = add_target(c, ers_asprintf("location:%s", ids[i]),
					(struct ers_target){ .kind = ERS_T_LOCATION,
							     .location = (char *)ids[i] }, -1);
	free(ids);
	return rc;
}

static int customer_targets(struct ctx *c)
{
	const struct ers_scenario *s = c->s;

	for (size_t i = 0; i < s->n_sites; i++)
		for (size_t r = 0; r < s->sites[i].n_routers; r++)
			if (add_target(c, ers_asprintf("router:%s", s->sites[i].routers[r].full_id),
				       (struct ers_target){ .kind = ERS_T_ROUTER, .a = (int)i,
							    .b = (int)r }, -1))
				return -1;
	for (size_t i = 0; i < s->n_site_links; i++) {
		const struct ers_site_link *l = &s->site_links[i];

		if (add_target(c, ers_asprintf("site-link:%s+%s",
					    s->sites[l->a.site].routers[l->a.router].full_id,
					    s->sites[l->b.site].routers[l->b.router].full_id),
			       (struct ers_target){ .kind = ERS_T_SITE_LINK, .a = (int)i }, -1))
			return -1;
	}
	for (size_t i = 0; i < s->n_vpns; i++)
		if (add_target(c, ers_asprintf("vpn:%s", s->vpns[i].id),
			       (struct ers_target){ .kind = ERS_T_VPN, .a = (int)i }, -1))
			return -1;
	for (size_t i = 0; i < s->n_global_reach; i++)
		if (add_target(c, ers_asprintf("global-reach:%s+%s",
					    s->circuits[s->global_reach[i].a].id,
					    s->circuits[s->global_reach[i].b].id),
			       (struct ers_target){ .kind = ERS_T_GLOBAL_REACH, .a = (int)i }, -1))
			return -1;
	return 0;
}

static int azure_targets(struct ctx *c)
{
	const struct ers_scenario *s = c->s;

	for (size_t v = 0; v < s->n_vnets; v++)
		for (size_t j = 0; j < s->vnets[v].n_connections; j++)
			if (add_target(c, ers_asprintf("connection:%s+%s", s->vnets[v].id,
						    s->circuits[s->vnets[v].connections[j].circuit].id),
				       (struct ers_target){ .kind = ERS_T_CONNECTION, .a = (int)v,
							    .b = (int)j }, -1))
				return -1;
	for (size_t i = 0; i < s->n_srlgs; i++)
		if (add_target(c, ers_asprintf("srlg:%s", s->srlgs[i].id),
			       (struct ers_target){ .kind = ERS_T_SRLG, .a = (int)i }, -1))
			return -1;
	for (size_t v = 0; v < s->n_vnets; v++)
		if (add_target(c, ers_asprintf("gateway:%s", s->vnets[v].id),
			       (struct ers_target){ .kind = ERS_T_GATEWAY, .a = (int)v }, -1))
			return -1;
	for (size_t v = 0; v < c->nv; v++)
		if (ers_topology_node_kind(c->t, (int)v) == ERS_TOPO_NODE_REGION &&
		    add_target(c, ers_asprintf("region:%s", ers_topology_node_id(c->t, (int)v)),
			       (struct ers_target){ .kind = ERS_T_REGION,
						    .location = (char *)ers_topology_node_id(c->t, (int)v) },
			       -1))
			return -1;
	for (size_t i = 0; i < s->n_sites; i++)
		if (add_target(c, ers_asprintf("site:%s", s->sites[i].id),
			       (struct ers_target){ .kind = ERS_T_SITE, .a = (int)i }, -1))
			return -1;
	return 0;
}

/* Every target of every kind the scenario has, in a fixed order: circuit
 * side, Microsoft side, customer side, Azure side, endpoints last. */
static int enumerate_targets(struct ctx *c)
{
	return circuit_targets(c) || msee_targets(c) || location_targets(c) ||
	       customer_targets(c) || azure_targets(c);
}

/* ---- the routing domain of a pair ------------------------------------ */

static int pg_add(struct pgraph *g, const struct pedge *e)
{
	if (g->n == g->cap) {
		size_t cap = g->cap ? 2 * g->cap : 16;
		struct pedge *p = realloc(g->e, cap * sizeof *p);

		if (!p)
			return -1;
		g->e = p;
		g->cap = cap;
	}
	g->e[g->n++] = *e;
	return 0;
}

static void pg_release(struct pgraph *g)
{
	free(g->e);
	free(g->src.v);
	free(g->dst.v);
	memset(g, 0, sizeof *g);
}

static void pe_el(struct pedge *e, int x)
{
	for (int i = 0; i < e->n_el; i++)
		if (e->el[i] == x)
			return;
	if (e->n_el < MAX_EL)
		e->el[e->n_el++] = x;
}

/* The elements of circuit link (c, r) up to and including its MSEE. */
static void pe_link(const struct ctx *c, struct pedge *e, int circuit, int r)
{
	int pe = ers_topology_circuit_pe(c->t, circuit, r);

	pe_el(e, el_edge(c, ers_topology_circuit_ce_edge(c->t, circuit, r)));
	pe_el(e, el_edge(c, ers_topology_circuit_msee_edge(c->t, circuit, r)));
	if (pe >= 0)
		pe_el(e, pe);
	pe_el(e, ers_topology_circuit_msee(c->t, circuit, r));
}

static int link_ce(const struct ctx *c, int circuit, int r)
{
	const struct ers_link *l = &c->s->circuits[circuit].links[r];

	return ers_topology_router_vertex(c->t, l->ce.site, l->ce.router);
}

/* Site-internal meshes and site links: customer routers carry anything. */
static int customer_edges(const struct ctx *c, struct pgraph *g)
{
	const struct ers_scenario *s = c->s;

	for (size_t i = 0; i < s->n_sites; i++)
		for (size_t x = 0; x < s->sites[i].n_routers; x++)
			for (size_t y = x + 1; y < s->sites[i].n_routers; y++) {
				struct pedge e = { ers_topology_router_vertex(c->t, (int)i, (int)x),
						   ers_topology_router_vertex(c->t, (int)i, (int)y),
						   PE_CUST, { -1, -1 }, 0, -1, { 0 }, 0 };
				if (pg_add(g, &e))
					return -1;
			}
	for (size_t i = 0; i < s->n_site_links; i++) {
		int te = ers_topology_site_link_edge(c->t, (int)i), u, v;
		struct pedge e = { 0, 0, PE_CUST, { -1, -1 }, 0, -1, { el_edge(c, te) }, 1 };

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
static int site_origins(const struct ctx *c, int site, struct ivec *out)
{
	const struct ers_site *st = &c->s->sites[site];

	if (!st->n_origins)
		return 0;
	for (size_t r = 0; r < st->n_routers; r++)
		if ((st->origins[0].router < 0 || st->origins[0].router == (int)r) &&
		    ivec_push(out, ers_topology_router_vertex(c->t, site, (int)r)))
			return -1;
	return 0;
}

/* Site -> VNet: circuits connected to the VNet (each link up to its MSEE,
 * then the connection to the gateway) and VPNs to it. */
static int build_site_vnet(const struct ctx *c, int site, int vnet, struct pgraph *g)
{
	const struct ers_scenario *s = c->s;
	const struct ers_vnet *vn = &s->vnets[vnet];
	int gw = ers_topology_gateway_vertex(c->t, vnet);

	if (customer_edges(c, g) || site_origins(c, site, &g->src) || ivec_push(&g->dst, gw))
		return -1;
	for (size_t j = 0; j < vn->n_connections; j++) {
		int ci = vn->connections[j].circuit;

		for (int r = 0; r < 2; r++) {
			struct pedge e = { link_ce(c, ci, r), gw, PE_ER, { ci, -1 },
					   s->circuits[ci].bandwidth, ci, { 0 }, 0 };

			pe_link(c, &e, ci, r);
			pe_el(&e, el_conn(c, vnet, (int)j));
			if (pg_add(g, &e))
				return -1;
		}
	}
	for (size_t i = 0; i < s->n_vpns; i++) {
		struct pedge e = { ers_topology_router_vertex(c->t, s->vpns[i].ce.site,
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
static int build_site_site(const struct ctx *c, int s1, int s2, struct pgraph *g)
{
	const struct ers_scenario *s = c->s;

	if (customer_edges(c, g) || site_origins(c, s1, &g->src) || site_origins(c, s2, &g->dst))
		return -1;
	for (size_t i = 0; i < s->n_global_reach; i++) {
		int ca = s->global_reach[i].a, cb = s->global_reach[i].b;

		for (int r = 0; r < 2; r++) {
			int te = ers_topology_global_reach_edge(c->t, (int)i, r);
			struct pedge e = { link_ce(c, ca, r), link_ce(c, cb, r), PE_GR, { ca, cb },
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

static bool pe_up(const struct ctx *c, const struct pedge *e)
{
	if (c->down[e->u] || c->down[e->v])
		return false;
	for (int i = 0; i < e->n_el; i++)
		if (c->down[e->el[i]])
			return false;
	return true;
}

/* Customer-only reach from the terminals (never through a gateway). */
static void cust_reach(const struct ctx *c, const struct pgraph *g, const struct ivec *from,
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
			const struct pedge *e = &g->e[i];
			int y = e->u == x ? e->v : e->v == x ? e->u : -1;

			if (e->kind != PE_CUST || y < 0 || in[y] || !pe_up(c, e))
				continue;
			in[y] = true;
			c->queue[tail++] = y;
		}
	}
}

/* An edge that joins the two customer-reach sets: the one Microsoft or
 * VPN crossing a working path may take. */
static bool crosses(const struct ctx *c, const struct pedge *e)
{
	return e->kind != PE_CUST && pe_up(c, e) &&
	       ((c->in_r[e->u] && c->in_d[e->v]) || (c->in_r[e->v] && c->in_d[e->u]));
}

struct state {
	bool connected;
	ers_rate_t capacity;		/* over ExpressRoute / Global Reach crossings */
	bool other;			/* a VPN or customer-only path is up */
};

/* Evaluate g under the current c->down. Capacity counts a circuit's
 * bandwidth once while either of its links works: the second link is for
 * redundancy, its extra capacity is not guaranteed (facts 8); likewise a
 * Global Reach connection once. */
static struct state evaluate(const struct ctx *c, const struct pgraph *g)
{
	struct state st = { false, 0, false };

	cust_reach(c, g, &g->src, c->in_r);
	cust_reach(c, g, &g->dst, c->in_d);
	for (size_t v = 0; v < c->nv; v++)
		st.other |= c->in_r[v] && c->in_d[v];
	memset(c->seen, 0, (c->s->n_circuits + c->s->n_global_reach) * sizeof *c->seen);
	for (size_t i = 0; i < g->n; i++) {
		const struct pedge *e = &g->e[i];

		if (!crosses(c, e))
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
		st.connected = crosses(c, &g->e[i]);	/* a zero-bandwidth crossing */
	return st;
}

static void apply(struct ctx *c, size_t target, int delta)
{
	const struct ivec *el = &c->tel[target];

	for (size_t i = 0; i < el->n; i++)
		c->down[el->v[i]] += delta;
}

/* ---- claims per pair --------------------------------------------------- */

/* Does target t touch anything in g? Targets that do not are left out of
 * the cut search. */
static bool touches(struct ctx *c, const struct pgraph *g, size_t t)
{
	bool hit = false;

	apply(c, t, +1);
	for (size_t i = 0; i < g->n && !hit; i++)
		hit = !pe_up(c, &g->e[i]);
	for (size_t i = 0; i < g->src.n && !hit; i++)
		hit = c->down[g->src.v[i]];
	for (size_t i = 0; i < g->dst.n && !hit; i++)
		hit = c->down[g->dst.v[i]];
	apply(c, t, -1);
	return hit;
}

static int record_set(struct ers_an_pair *p, const size_t *set, size_t k)
{
	if (p->n_cut_sets < ERS_AN_MAX_SETS) {
		size_t *v = realloc(p->cut_sets, (p->n_cut_sets + 1) * k * sizeof *v);

		if (!v)
			return -1;
		p->cut_sets = v;
		memcpy(v + p->n_cut_sets * k, set, k * sizeof *set);
	}
	p->n_cut_sets++;
	return 0;
}

/* Every k-set of the candidate targets (lexicographic, so the first set
 * listed is built from the earliest targets: circuits before MSEEs before
 * locations). */
static int search_k(struct ctx *c, const struct pgraph *g, struct ers_an_pair *p,
		    const size_t *cand, size_t n, size_t k)
{
	size_t idx[ERS_AN_MAX_CUT], set[ERS_AN_MAX_CUT];

	if (n < k)
		return 0;
	for (size_t i = 0; i < k; i++)
		idx[i] = i;
	for (;;) {
		for (size_t i = 0; i < k; i++)
			apply(c, cand[idx[i]], +1);
		if (!evaluate(c, g).connected) {
			for (size_t i = 0; i < k; i++)
				set[i] = cand[idx[i]];
			if (record_set(p, set, k))
				return -1;
		}
		for (size_t i = 0; i < k; i++)
			apply(c, cand[idx[i]], -1);
		size_t i = k;
		while (i > 0 && idx[i - 1] == n - k + i - 1)
			i--;
		if (i == 0)
			return 0;
		idx[i - 1]++;
		for (size_t j = i; j < k; j++)
			idx[j] = idx[j - 1] + 1;
	}
}

/* Smallest sets of (non-endpoint) targets that cut the pair, size 1 to
 * ERS_AN_MAX_CUT by brute force over the targets that touch its domain. */
static int min_cut(struct ctx *c, const struct pgraph *g, struct ers_an_pair *p)
{
	size_t *cand = malloc((c->a->n_targets + 1) * sizeof *cand), n = 0;
	int rc = 0;

	if (!cand)
		return -1;
	for (size_t t = 0; t < c->a->n_targets; t++)
		if (!c->a->targets[t].inherent && touches(c, g, t))
			cand[n++] = t;
	p->min_cut = ERS_AN_CUT_MORE;
	for (size_t k = 1; k <= ERS_AN_MAX_CUT && !rc; k++) {
		rc = search_k(c, g, p, cand, n, k);
		if (p->n_cut_sets) {
			p->min_cut = k;
			break;
		}
	}
	free(cand);
	return rc;
}

/* Single failures: the cut matrix row of every target, single points of
 * failure and the worst remaining capacity. */
static int single_failures(struct ctx *c, const struct pgraph *g, size_t pi)
{
	struct ers_analysis *a = c->a;
	struct ers_an_pair *p = &a->pairs[pi];

	p->worst_capacity = p->capacity;
	for (size_t t = 0; t < a->n_targets; t++) {
		struct state st;

		apply(c, t, +1);
		st = evaluate(c, g);
		apply(c, t, -1);
		a->cuts[t * a->n_pairs + pi] = !st.connected;
		if (a->targets[t].inherent)
			continue;
		if (!st.connected) {
			size_t *v = realloc(p->spofs, (p->n_spofs + 1) * sizeof *v);

			if (!v)
				return -1;
			p->spofs = v;
			v[p->n_spofs++] = t;
			st.capacity = 0;
		}
		if (st.capacity < p->worst_capacity ||
		    (st.capacity == p->worst_capacity && p->worst_other_paths && !st.other)) {
			p->worst_capacity = st.capacity;
			p->worst_other_paths = st.other;
			p->worst_target = (long)t;
		}
	}
	return 0;
}

/* ---- disjoint paths (igraph) ----------------------------------------- */

/* Remove from the topology what the pair's routing cannot use. */
static void domain_masks(const struct ctx *c, const struct ers_an_pair *p,
			 bool *rv, bool *re)
{
	const struct ers_scenario *s = c->s;
	bool *used = calloc(s->n_circuits + 1, sizeof *used);
	const char *region = p->kind == ERS_AN_SITE_VNET ? s->vnets[p->b].region : NULL;

	if (!used)
		return;		/* masks stay as they are: counts are an upper bound */
	if (region)
		for (size_t j = 0; j < s->vnets[p->b].n_connections; j++)
			used[s->vnets[p->b].connections[j].circuit] = true;
	for (size_t i = 0; !region && i < s->n_global_reach; i++)
		used[s->global_reach[i].a] = used[s->global_reach[i].b] = true;
	for (size_t v = 0; v < c->nv; v++) {
		enum ers_topo_node_kind k = ers_topology_node_kind(c->t, (int)v);

		rv[v] = (k == ERS_TOPO_NODE_GATEWAY &&
			 (!region || (int)v != ers_topology_gateway_vertex(c->t, p->b))) ||
			(k == ERS_TOPO_NODE_REGION &&
			 (!region || strcmp(ers_topology_node_id(c->t, (int)v), region)));
	}
	for (size_t e = 0; e < c->ne; e++) {
		enum ers_topo_edge_kind k = ers_topology_edge_kind(c->t, (int)e);
		int ci = ers_topology_edge_circuit(c->t, (int)e);

		re[e] = (k == ERS_TOPO_EDGE_CIRCUIT_LINK && !used[ci]) ||
			(k == ERS_TOPO_EDGE_BACKBONE && ci >= 0 && (!region || !used[ci])) ||
			(k == ERS_TOPO_EDGE_GLOBAL_REACH && region) ||
			(k == ERS_TOPO_EDGE_VPN &&
			 (!region || c->s->vpns[ers_topology_edge_ref(c->t, (int)e)].vnet != p->b));
	}
	free(used);
}

static bool in_ivec(const struct ivec *x, int v)
{
	for (size_t i = 0; i < x->n; i++)
		if (x->v[i] == v)
			return true;
	return false;
}

/* Edge- and vertex-disjoint path counts in the pair's domain. A VNet's
 * region vertex joins the gateway as a target: it is Microsoft's backbone,
 * not a router that can fail on its own. An edge straight from a source
 * to a target (a VPN, a site link) is a vertex-disjoint path by itself;
 * those are counted apart, since a flow network cannot cut them. */
static enum ers_err disjoint_paths(struct ctx *c, const struct pgraph *g,
				   struct ers_an_pair *p)
{
	bool *rv = calloc(c->nv + 1, sizeof *rv), *re = calloc(c->ne + 1, sizeof *re);
	struct ivec dst = { 0 };
	size_t direct = 0, n = 0;
	enum ers_err rc = ERS_ENOMEM;

	if (!rv || !re)
		goto out;
	domain_masks(c, p, rv, re);
	for (size_t i = 0; i < g->dst.n; i++)
		if (ivec_push(&dst, g->dst.v[i]))
			goto out;
	if (p->kind == ERS_AN_SITE_VNET &&
	    ivec_push(&dst, ers_topology_find(c->t, c->s->vnets[p->b].region)))
		goto out;
	rc = ers_topology_min_cut_without(c->t, g->src.v, g->src.n, dst.v, dst.n, rv, re,
					  false, &p->edge_disjoint, c->d);
	for (size_t e = 0; e < c->ne && !rc; e++) {
		int u, v;

		ers_topology_edge_ends(c->t, (int)e, &u, &v);
		if (!re[e] && ((in_ivec(&g->src, u) && in_ivec(&dst, v)) ||
			       (in_ivec(&g->src, v) && in_ivec(&dst, u)))) {
			re[e] = true;
			direct++;
		}
	}
	if (!rc)
		rc = ers_topology_min_cut_without(c->t, g->src.v, g->src.n, dst.v, dst.n, rv, re,
						  true, &n, c->d);
	p->vertex_disjoint = n == SIZE_MAX ? SIZE_MAX : n + direct;
out:
	free(rv);
	free(re);
	free(dst.v);
	return rc;
}

/* ---- class, demand, verdict ------------------------------------------ */

static int add_location(struct ers_an_pair *p, const char *loc)
{
	char **v;

	for (size_t i = 0; i < p->n_locations; i++)
		if (!strcmp(p->locations[i], loc))
			return 0;
	v = realloc(p->locations, (p->n_locations + 1) * sizeof *v);
	if (!v)
		return -1;
	p->locations = v;
	if (!(v[p->n_locations] = strdup(loc)))
		return -1;
	p->n_locations++;
	return 0;
}

/* Peering locations a circuit's links land at (a Metro's two). */
static size_t circuit_locations(const struct ers_catalog *cat, const struct ers_circuit *c,
				const char **out)
{
	const struct ers_metro *m = cat ? ers_catalog_metro(cat, c->location) : NULL;

	if (!m) {
		out[0] = c->location;
		return 1;
	}
	out[0] = m->locations[0];
	out[1] = m->locations[1];
	return 2;
}

static bool share_location(const struct ers_catalog *cat, const struct ers_circuit *a,
			   const struct ers_circuit *b)
{
	const char *la[2], *lb[2];
	size_t na = circuit_locations(cat, a, la), nb = circuit_locations(cat, b, lb);

	for (size_t i = 0; i < na; i++)
		for (size_t k = 0; k < nb; k++)
			if (!strcmp(la[i], lb[k]))
				return true;
	return false;
}

/* Class of one set of circuits, the ExpressRoute tiers of
 * docs/analyze.md: two circuits with no peering location in common
 * (a Metro circuit lands at two) is maximum, a Metro circuit high,
 * anything else standard. A Metro circuit beside a circuit at one of its
 * two locations is high, not maximum: one location takes a link of each. */
static enum ers_an_class side_class(const struct ctx *c, const bool *used)
{
	const struct ers_circuit *ci = c->s->circuits;
	bool metro = false, any = false;

	for (size_t i = 0; i < c->s->n_circuits; i++) {
		if (!used[i])
			continue;
		for (size_t k = 0; k < i; k++)
			if (used[k] && !share_location(c->cat, &ci[k], &ci[i]))
				return ERS_AN_CLASS_MAXIMUM;
		any = true;
		metro |= ers_catalog_metro(c->cat, ci[i].location) != NULL;
	}
	return metro ? ERS_AN_CLASS_HIGH : any ? ERS_AN_CLASS_STANDARD : ERS_AN_CLASS_NONE;
}

/* The circuits the intact pair crosses Microsoft on; for two sites each
 * side's circuits separately, the pair taking the weaker class. */
static int classify(struct ctx *c, const struct pgraph *g, struct ers_an_pair *p)
{
	size_t nc = c->s->n_circuits;
	bool *used = calloc(2 * nc + 1, sizeof *used);
	enum ers_an_class k0, k1;
	int rc = 0;

	if (!used)
		return -1;
	evaluate(c, g);
	for (size_t i = 0; i < g->n; i++) {
		const struct pedge *e = &g->e[i];
		bool fwd = c->in_r[e->u] && c->in_d[e->v];

		if ((e->kind != PE_ER && e->kind != PE_GR) || !crosses(c, e))
			continue;
		used[e->circuit[0] + (fwd ? 0 : nc)] = true;
		if (e->kind == PE_GR)
			used[e->circuit[1] + (fwd ? nc : 0)] = true;
	}
	for (size_t i = 0; i < nc && !rc; i++)
		if (used[i] || used[nc + i])
			rc = add_location(p, c->s->circuits[i].location);
	for (size_t i = 0; p->kind == ERS_AN_SITE_VNET && i < nc; i++)
		used[i] |= used[nc + i];
	k0 = side_class(c, used);
	k1 = p->kind == ERS_AN_SITE_SITE ? side_class(c, used + nc) : k0;
	p->cls = k0 < k1 ? k0 : k1;
	p->meets_guidance = p->cls >= ERS_AN_CLASS_HIGH;
	free(used);
	return rc;
}

static bool ep_is(const struct ers_endpoint *ep, enum ers_an_pair_kind pk, bool site_end, int idx)
{
	if (!site_end && pk == ERS_AN_SITE_VNET)
		return ep->kind == ERS_EP_VNET && ep->index == idx;
	return ep->kind != ERS_EP_VNET && ep->index == idx;
}

static void demand(const struct ctx *c, struct ers_an_pair *p)
{
	for (size_t i = 0; i < c->s->n_flows; i++) {
		const struct ers_flow *f = &c->s->flows[i];

		if (ep_is(&f->from, p->kind, true, p->a) && ep_is(&f->to, p->kind, false, p->b)) {
			p->demand_ab += f->rate;
			p->has_flow = true;
		} else if (ep_is(&f->from, p->kind, false, p->b) && ep_is(&f->to, p->kind, true, p->a)) {
			p->demand_ba += f->rate;
			p->has_flow = true;
		}
	}
}

static int verdict(const struct ctx *c, struct ers_an_pair *p)
{
	ers_rate_t need = p->demand_ab > p->demand_ba ? p->demand_ab : p->demand_ba;
	char spofs[512] = "", cap[64], dem[32], head[64], mid[160], tail[256];
	const char *worst = p->worst_target >= 0 ? c->a->targets[p->worst_target].name : "none";

	if (!p->connected) {
		p->verdict = strdup("UNREACHABLE: no path even with nothing failed");
		return p->verdict ? 0 : -1;
	}
	for (size_t i = 0, len = 0; i < p->n_spofs && len < sizeof spofs - 1; i++)
		len += (size_t)snprintf(spofs + len, sizeof spofs - len, "%s%s", i ? ", " : "",
					c->a->targets[p->spofs[i]].name);
	p->enough = p->worst_capacity >= need;
	snprintf(head, sizeof head, "%s", p->n_spofs || !p->enough ||
		 (!p->meets_guidance && p->cls != ERS_AN_CLASS_NONE) ? "AT RISK" : "OK");
	if (p->n_spofs)
		snprintf(mid, sizeof mid, "%zu single point%s of failure (", p->n_spofs,
			 p->n_spofs > 1 ? "s" : "");
	else if (p->min_cut == ERS_AN_CUT_MORE)
		snprintf(mid, sizeof mid, "no single point of failure (min cut > %d)", ERS_AN_MAX_CUT);
	else
		snprintf(mid, sizeof mid, "no single point of failure (min cut %zu)", p->min_cut);
	fmt_rate(p->worst_capacity, cap, sizeof cap);
	if (c->gw_cap && p->worst_capacity == c->gw_cap)
		snprintf(cap + strlen(cap), sizeof cap - strlen(cap), " (its gateway's throughput)");
	if (!p->worst_capacity && p->worst_other_paths)
		snprintf(cap, sizeof cap, "only VPN or site-link paths");
	fmt_rate(need, dem, sizeof dem);
	if (p->worst_target < 0)
		snprintf(tail, sizeof tail, "no single failure reduces its %s%s", cap,
			 need ? (p->enough ? ", enough for its flows" : ", NOT ENOUGH for its flows") : "");
	else if (!need)
		snprintf(tail, sizeof tail, "worst single failure %s leaves %s (no flows)", worst, cap);
	else
		snprintf(tail, sizeof tail, "worst single failure %s leaves %s for %s of flows: %s",
			 worst, cap, dem, p->enough ? "enough" :
			 p->worst_other_paths && p->worst_capacity == 0 ? "VPN or site link only" :
			 "NOT ENOUGH");
	p->verdict = ers_asprintf("%s: %s%s%s; %s%s%s; %s", head, mid, spofs,
			       p->n_spofs ? ")" : "",
			       p->cls == ERS_AN_CLASS_NONE ? "no ExpressRoute path" :
			       ers_an_class_str(p->cls),
			       p->cls == ERS_AN_CLASS_NONE ? "" : " resiliency",
			       p->meets_guidance || p->cls == ERS_AN_CLASS_NONE ? "" :
			       " (below guidance: high or maximum)", tail);
	return p->verdict ? 0 : -1;
}

/* ---- pairs ------------------------------------------------------------- */

static enum ers_err analyse_pair(struct ctx *c, size_t pi, const struct pgraph *g)
{
	struct ers_an_pair *p = &c->a->pairs[pi];
	struct state st;
	enum ers_err rc;

	c->gw_cap = p->kind == ERS_AN_SITE_VNET ? ers_er_gw_throughput(&c->s->vnets[p->b]) : 0;
	st = evaluate(c, g);
	p->connected = st.connected;
	p->capacity = st.capacity;
	p->worst_other_paths = st.other;
	p->worst_target = -1;
	demand(c, p);
	if (!p->connected) {
		p->min_cut = 0;
		for (size_t t = 0; t < c->a->n_targets; t++)
			c->a->cuts[t * c->a->n_pairs + pi] = true;
		return verdict(c, p) ? ERS_ENOMEM : ERS_OK;
	}
	if (single_failures(c, g, pi) || min_cut(c, g, p) || classify(c, g, p))
		return ERS_ENOMEM;
	rc = disjoint_paths(c, g, p);
	if (rc)
		return rc;
	return verdict(c, p) ? ERS_ENOMEM : ERS_OK;
}

static int build_pair(const struct ctx *c, const struct ers_an_pair *p, struct pgraph *g)
{
	return p->kind == ERS_AN_SITE_VNET ? build_site_vnet(c, p->a, p->b, g)
					   : build_site_site(c, p->a, p->b, g);
}

/* Candidate pairs: every site with every VNet, every two sites; kept when
 * connected in the intact design or when a flow runs between them. */
static int add_pair(struct ctx *c, enum ers_an_pair_kind k, int a, int b)
{
	struct ers_analysis *an = c->a;
	struct ers_an_pair p = { .kind = k, .a = a, .b = b, .worst_target = -1 };
	struct pgraph g = { 0 };
	struct ers_an_pair *v;
	int rc = -1;

	if (build_pair(c, &p, &g))
		goto out;
	demand(c, &p);
	if (!evaluate(c, &g).connected && !p.has_flow) {
		rc = 0;
		goto out;
	}
	v = realloc(an->pairs, (an->n_pairs + 1) * sizeof *v);
	if (!v)
		goto out;
	an->pairs = v;
	p.has_flow = false;
	p.demand_ab = p.demand_ba = 0;
	p.a_id = strdup(c->s->sites[a].id);
	p.b_id = strdup(k == ERS_AN_SITE_VNET ? c->s->vnets[b].id : c->s->sites[b].id);
	an->pairs[an->n_pairs++] = p;
	rc = p.a_id && p.b_id ? 0 : -1;
out:
	pg_release(&g);
	return rc;
}

static int add_note(struct ers_analysis *a, char *text)
{
	char **v;

	if (!text)
		return -1;
	v = realloc(a->notes, (a->n_notes + 1) * sizeof *v);
	if (!v) {
		free(text);
		return -1;
	}
	a->notes = v;
	v[a->n_notes++] = text;
	return 0;
}

static int find_pairs(struct ctx *c)
{
	const struct ers_scenario *s = c->s;

	for (size_t i = 0; i < s->n_sites; i++) {
		if (!s->sites[i].n_origins) {
			if (add_note(c->a, ers_asprintf("site '%s' originates no prefix: its pairs are "
						     "not analysed", s->sites[i].id)))
				return -1;
			continue;
		}
		for (size_t v = 0; v < s->n_vnets; v++)
			if (add_pair(c, ERS_AN_SITE_VNET, (int)i, (int)v))
				return -1;
	}
	for (size_t i = 0; i < s->n_sites; i++)
		for (size_t j = i + 1; j < s->n_sites; j++)
			if (s->sites[i].n_origins && s->sites[j].n_origins &&
			    add_pair(c, ERS_AN_SITE_SITE, (int)i, (int)j))
				return -1;
	return 0;
}

static enum ers_err ctx_init(struct ctx *c)
{
	const struct ers_scenario *s = c->s;
	size_t n_conn = 0;

	c->nv = ers_topology_n_nodes(c->t);
	c->ne = ers_topology_n_edges(c->t);
	c->conn_base = calloc(s->n_vnets + 1, sizeof *c->conn_base);
	if (!c->conn_base)
		return ERS_ENOMEM;
	for (size_t v = 0; v < s->n_vnets; v++) {
		c->conn_base[v] = n_conn;
		n_conn += s->vnets[v].n_connections;
	}
	c->n_el = c->nv + c->ne + n_conn;
	c->down = calloc(c->n_el + 1, sizeof *c->down);
	c->in_r = calloc(c->nv + 1, sizeof *c->in_r);
	c->in_d = calloc(c->nv + 1, sizeof *c->in_d);
	c->queue = calloc(c->nv + 1, sizeof *c->queue);
	c->seen = calloc(s->n_circuits + s->n_global_reach + 1, sizeof *c->seen);
	return c->down && c->in_r && c->in_d && c->queue && c->seen ? ERS_OK : ERS_ENOMEM;
}

static void ctx_release(struct ctx *c)
{
	for (size_t i = 0; c->tel && i < c->a->n_targets; i++)
		free(c->tel[i].v);
	free(c->tel);
	free(c->conn_base);
	free(c->down);
	free(c->in_r);
	free(c->in_d);
	free(c->queue);
	free(c->seen);
	ers_topology_free(c->t);
}

static enum ers_err analyse_all(struct ctx *c)
{
	struct ers_analysis *a = c->a;
	enum ers_err rc = ERS_OK;

	if (enumerate_targets(c) || find_pairs(c))
		return ERS_ENOMEM;
	a->cuts = calloc(a->n_targets * a->n_pairs + 1, sizeof *a->cuts);
	if (!a->cuts)
		return ERS_ENOMEM;
	for (size_t i = 0; i < a->n_pairs && !rc; i++) {
		struct pgraph g = { 0 };

		rc = build_pair(c, &a->pairs[i], &g) ? ERS_ENOMEM : analyse_pair(c, i, &g);
		pg_release(&g);
	}
	return rc;
}

enum ers_err ers_analyze(const struct ers_scenario *s, const struct ers_catalog *cat,
			 struct ers_analysis **out, struct ers_diag *d)
{
	struct ctx c = { .s = s, .cat = cat, .d = d };
	enum ers_err rc;

	*out = NULL;
	c.a = calloc(1, sizeof *c.a);
	if (!c.a)
		return ers_diag_add(d, ERS_ENOMEM, s->file, 0, NULL, "out of memory");
	rc = ers_topology_build(s, cat, &c.t, d);
	if (rc == ERS_OK && !(c.a->scenario = strdup(s->name ? s->name : "")))
		rc = ERS_ENOMEM;
	if (rc == ERS_OK)
		rc = ctx_init(&c);
	if (rc == ERS_OK)
		rc = analyse_all(&c);
	ctx_release(&c);
	if (rc != ERS_OK) {
		if (rc == ERS_ENOMEM)
			ers_diag_add(d, rc, s->file, 0, NULL, "out of memory during analysis");
		ers_analysis_free(c.a);
		return rc;
	}
	*out = c.a;
	return ERS_OK;
}

/* The class of a VNet is the weakest class among the sites that reach
 * it over ExpressRoute: a VNet on two circuits at two locations, each
 * reached by one site only, is standard for each site (one location
 * outage cuts it off), so it is standard, not maximum. The classes come
 * from classify(), the same as analyze's pairs. */
enum ers_err ers_an_vnet_class(const struct ers_scenario *s, const struct ers_catalog *cat,
			       size_t vnet, enum ers_an_class *out, struct ers_diag *d)
{
	struct ers_analysis an = { 0 };
	struct ctx c = { .s = s, .cat = cat, .a = &an, .d = d };
	enum ers_err rc;
	bool any = false;

	*out = ERS_AN_CLASS_NONE;
	rc = ers_topology_build(s, cat, &c.t, d);
	if (rc == ERS_OK)
		rc = ctx_init(&c);
	for (size_t i = 0; rc == ERS_OK && i < s->n_sites; i++) {
		struct ers_an_pair p = { .kind = ERS_AN_SITE_VNET, .a = (int)i, .b = (int)vnet };
		struct pgraph g = { 0 };

		if (!s->sites[i].n_origins)	/* as analyze: no prefix, no pair */
			continue;
		if (build_site_vnet(&c, (int)i, (int)vnet, &g) || classify(&c, &g, &p))
			rc = ERS_ENOMEM;
		else if (evaluate(&c, &g).connected && p.cls != ERS_AN_CLASS_NONE &&
			 (!any || p.cls < *out)) {
			*out = p.cls;
			any = true;
		}
		for (size_t k = 0; k < p.n_locations; k++)
			free(p.locations[k]);
		free(p.locations);
		pg_release(&g);
	}
	ctx_release(&c);
	if (rc == ERS_ENOMEM)
		ers_diag_add(d, rc, s->file, 0, NULL, "out of memory classifying VNet '%s'",
			     s->vnets[vnet].id);
	return rc;
}

void ers_analysis_free(struct ers_analysis *a)
{
	if (!a)
		return;
	for (size_t i = 0; i < a->n_targets; i++) {
		free(a->targets[i].name);
		free(a->targets[i].target.location);
	}
	for (size_t i = 0; i < a->n_pairs; i++) {
		struct ers_an_pair *p = &a->pairs[i];

		free(p->a_id);
		free(p->b_id);
		free(p->cut_sets);
		free(p->spofs);
		ers_strv_free(p->locations, p->n_locations);
		free(p->verdict);
	}
	ers_strv_free(a->notes, a->n_notes);
	free(a->targets);
	free(a->pairs);
	free(a->cuts);
	free(a->scenario);
	free(a);
}

/* ---- verification by simulation -------------------------------------- */

/* Is router r of site taken down by tg? */
static bool router_down(const struct ers_scenario *s, const struct ers_target *tg,
			int site, int r)
{
	switch (tg->kind) {
	case ERS_T_ROUTER:
		return tg->a == site && tg->b == r;
	case ERS_T_SITE:
		return tg->a == site;
	case ERS_T_SRLG:
		for (size_t i = 0; i < s->srlgs[tg->a].n_members; i++)
			if (router_down(s, &s->srlgs[tg->a].members[i], site, r))
				return true;
		return false;
	default:
		return false;
	}
}

/* First router of site that target t (NULL: none) leaves up, or -1. */
static int live_router(const struct ers_scenario *s, const struct ers_an_target *t, int site)
{
	for (size_t r = 0; r < s->sites[site].n_routers; r++)
		if (!t || t->provider >= 0 || !router_down(s, &t->target, site, (int)r))
			return (int)r;
	return -1;
}

/* One probe each way per pair: slot 2p is a -> b, 2p + 1 is b -> a; a
 * probe whose source site has no live router gets has[] false. */
static void make_probes(const struct ers_analysis *a, const struct ers_scenario *s,
			const struct ers_an_target *t, struct ers_flow *fl, bool *has,
			size_t *n)
{
	*n = 0;
	for (size_t i = 0; i < a->n_pairs; i++) {
		const struct ers_an_pair *p = &a->pairs[i];
		bool vnet = p->kind == ERS_AN_SITE_VNET;
		struct ers_endpoint site_a = { ERS_EP_SITE, p->a, 0, "probe" };
		struct ers_endpoint other = { vnet ? ERS_EP_VNET : ERS_EP_SITE, p->b, 0, "probe" };
		int ra = live_router(s, t, p->a), rb = vnet ? 0 : live_router(s, t, p->b);

		has[2 * i] = ra >= 0;
		has[2 * i + 1] = rb >= 0;
		if (ra >= 0) {
			struct ers_endpoint from = { ERS_EP_ROUTER, p->a, ra, "probe" };
			fl[(*n)++] = (struct ers_flow){ "probe", from, other, PROBE_RATE, 0 };
		}
		if (rb >= 0) {
			struct ers_endpoint from = other;
			if (!vnet) {
				from.kind = ERS_EP_ROUTER;
				from.router = rb;
			}
			fl[(*n)++] = (struct ers_flow){ "probe", from, site_a, PROBE_RATE, 0 };
		}
	}
}

/* The events that fail target t at VERIFY_AT: one, or one per circuit of
 * a provider. */
static size_t make_events(const struct ers_scenario *s, const struct ers_an_target *t,
			  struct ers_event *ev)
{
	size_t n = 0;

	if (!t)
		return 0;
	if (t->provider < 0) {
		ev[n++] = (struct ers_event){ .action = ERS_ACT_FAIL, .at = VERIFY_AT,
					      .target = t->target };
		return n;
	}
	for (size_t i = 0; i < s->n_circuits; i++)
		if (s->circuits[i].provider == t->provider)
			ev[n++] = (struct ers_event){ .action = ERS_ACT_FAIL, .at = VERIFY_AT,
						      .target = { .kind = ERS_T_CIRCUIT,
								  .text = t->name, .a = (int)i } };
	return n;
}

static int add_dis(struct ers_an_verification *v, const char *target, size_t pair,
		   bool claimed_cut, bool ab, bool ba)
{
	struct ers_an_disagreement *x = realloc(v->dis, (v->n_dis + 1) * sizeof *x);

	if (!x)
		return -1;
	v->dis = x;
	x[v->n_dis] = (struct ers_an_disagreement){ strdup(target), pair, claimed_cut, ab, ba };
	return x[v->n_dis++].target ? 0 : -1;
}

/* Simulate with target ti (-1: nothing) failed; compare every claim. */
static enum ers_err verify_one(const struct ers_analysis *a, const struct ers_scenario *s,
			       const struct ers_catalog *cat, long ti,
			       struct ers_an_verification *v, struct ers_diag *d)
{
	const struct ers_an_target *t = ti >= 0 ? &a->targets[ti] : NULL;
	struct ers_flow *fl = calloc(2 * a->n_pairs + 1, sizeof *fl);
	struct ers_event *ev = calloc(s->n_circuits + 1, sizeof *ev);
	bool *has = calloc(2 * a->n_pairs + 1, sizeof *has);
	struct ers_scenario copy = *s;
	struct ers_run_opts opts = { 0 };
	struct ers_result *r = NULL;
	enum ers_err rc = ERS_ENOMEM;
	size_t k = 0;

	if (!fl || !ev || !has)
		goto out;
	make_probes(a, s, t, fl, has, &copy.n_flows);
	copy.flows = fl;
	copy.n_events = make_events(s, t, ev);
	copy.events = ev;
	copy.has_duration = false;
	rc = ers_run(&copy, cat, &opts, &r, d);
	if (rc)
		goto out;
	v->n_runs++;
	for (size_t i = 0; i < a->n_pairs && !rc; i++) {
		bool ab = has[2 * i] && r->flows[k++].final_reachable;
		bool ba = has[2 * i + 1] && r->flows[k++].final_reachable;
		bool cut = t ? a->cuts[(size_t)ti * a->n_pairs + i] : !a->pairs[i].connected;

		v->n_checks++;
		if (cut == (ab && ba) && add_dis(v, t ? t->name : "(none)", i, cut, ab, ba))
			rc = ERS_ENOMEM;
	}
out:
	ers_result_free(r);
	free(fl);
	free(ev);
	free(has);
	return rc;
}

static bool cuts_any(const struct ers_analysis *a, size_t t)
{
	for (size_t p = 0; p < a->n_pairs; p++)
		if (a->pairs[p].connected && a->cuts[t * a->n_pairs + p])
			return true;
	return false;
}

/* Which targets to simulate: every one that cuts a pair, then the safe
 * ones, evenly spaced when they do not all fit in max_runs. */
static size_t pick_targets(const struct ers_analysis *a, size_t max_runs, long *out,
			   size_t *skipped)
{
	size_t n = 0, n_safe = 0, budget, k = 0;

	out[n++] = -1;
	for (size_t t = 0; t < a->n_targets; t++) {
		if (a->targets[t].inherent)
			continue;
		if (cuts_any(a, t))
			out[n++] = (long)t;
		else
			n_safe++;
	}
	budget = !max_runs ? n_safe : max_runs > n ? max_runs - n : 0;
	if (budget > n_safe)
		budget = n_safe;
	*skipped = n_safe - budget;
	for (size_t t = 0, i = 0; t < a->n_targets && budget; t++) {
		if (a->targets[t].inherent || cuts_any(a, t))
			continue;
		if (i++ == k * n_safe / budget) {	/* evenly spaced picks */
			out[n++] = (long)t;
			if (++k == budget)
				break;
		}
	}
	return n;
}

enum ers_err ers_analysis_verify(const struct ers_analysis *a,
				 const struct ers_scenario *s,
				 const struct ers_catalog *cat, size_t max_runs,
				 struct ers_an_verification **out, struct ers_diag *d)
{
	struct ers_an_verification *v = calloc(1, sizeof *v);
	long *order = calloc(a->n_targets + 2, sizeof *order);
	enum ers_err rc = ERS_OK;
	size_t n;

	*out = NULL;
	if (!v || !order) {
		rc = ers_diag_add(d, ERS_ENOMEM, s->file, 0, NULL, "out of memory");
		goto out;
	}
	n = pick_targets(a, max_runs, order, &v->n_targets_skipped);
	for (size_t i = 0; i < n && !rc; i++)
		rc = verify_one(a, s, cat, order[i], v, d);
out:
	free(order);
	if (rc) {
		ers_an_verification_free(v);
		return rc;
	}
	*out = v;
	return ERS_OK;
}

void ers_an_verification_free(struct ers_an_verification *v)
{
	if (!v)
		return;
	for (size_t i = 0; i < v->n_dis; i++)
		free(v->dis[i].target);
	free(v->dis);
	free(v);
}

/* ---- the report ------------------------------------------------------- */

static const char *pair_sep(const struct ers_an_pair *p)
{
	return p->kind == ERS_AN_SITE_VNET ? "->" : "<->";
}

static void print_count(FILE *out, size_t n)
{
	if (n == SIZE_MAX)
		fprintf(out, "direct");
	else
		fprintf(out, "%zu", n);
}

static void print_set(FILE *out, const struct ers_analysis *a, const struct ers_an_pair *p,
		      size_t i)
{
	for (size_t j = 0; j < p->min_cut; j++)
		fprintf(out, "%s%s", j ? " + " : "", a->targets[p->cut_sets[i * p->min_cut + j]].name);
}

static void report_pair(FILE *out, const struct ers_analysis *a, const struct ers_an_pair *p)
{
	char b1[32], b2[32], b3[32], b4[32];

	fprintf(out, "%s %s %s\n  verdict: %s\n", p->a_id, pair_sep(p), p->b_id, p->verdict);
	if (!p->connected)
		return;
	fprintf(out, "  paths: ");
	print_count(out, p->edge_disjoint);
	fprintf(out, " edge-disjoint, ");
	print_count(out, p->vertex_disjoint);
	fprintf(out, " vertex-disjoint\n  min cut: ");
	if (p->min_cut == ERS_AN_CUT_MORE) {
		fprintf(out, "more than %d targets\n", ERS_AN_MAX_CUT);
	} else {
		fprintf(out, "%zu target%s, %zu set%s", p->min_cut, p->min_cut > 1 ? "s" : "",
			p->n_cut_sets, p->n_cut_sets > 1 ? "s" : "");
		for (size_t i = 0; i < p->n_cut_sets && i < 4; i++) {
			fprintf(out, "%s", i ? "; " : ": ");
			print_set(out, a, p, i);
		}
		fprintf(out, "%s\n", p->n_cut_sets > 4 ? "; ..." : "");
	}
	fprintf(out, "  class: %s (%s) via", ers_an_class_str(p->cls),
		p->cls == ERS_AN_CLASS_NONE ? "no ExpressRoute path" :
		p->meets_guidance ? "meets Microsoft's guidance" :
		"below Microsoft's guidance of high or maximum for production");
	for (size_t i = 0; i < p->n_locations; i++)
		fprintf(out, " %s", p->locations[i]);
	fprintf(out, "%s\n", p->n_locations ? "" : " no circuit");
	fprintf(out, "  capacity: %s intact, %s after %s; flows %s -> %s, %s <- %s\n",
		fmt_rate(p->capacity, b1, sizeof b1), fmt_rate(p->worst_capacity, b2, sizeof b2),
		p->worst_target >= 0 ? a->targets[p->worst_target].name : "any single failure",
		fmt_rate(p->demand_ab, b3, sizeof b3), p->b_id,
		fmt_rate(p->demand_ba, b4, sizeof b4), p->b_id);
}

static void report_spofs(FILE *out, const struct ers_analysis *a)
{
	bool any = false;

	fprintf(out, "single points of failure\n");
	for (size_t t = 0; t < a->n_targets; t++) {
		bool first = true;

		if (a->targets[t].inherent)
			continue;
		for (size_t p = 0; p < a->n_pairs; p++) {
			const struct ers_an_pair *pp = &a->pairs[p];

			if (!pp->connected || !a->cuts[t * a->n_pairs + p])
				continue;
			if (first)
				fprintf(out, "  %s cuts", a->targets[t].name);
			fprintf(out, "%s %s %s %s", first ? "" : ",", pp->a_id, pair_sep(pp), pp->b_id);
			first = false;
			any = true;
		}
		if (!first)
			fputc('\n', out);
	}
	if (!any)
		fprintf(out, "  none\n");
}

static void report_verify(FILE *out, const struct ers_analysis *a,
			  const struct ers_an_verification *v)
{
	fprintf(out, "\nverification: %zu simulation%s, %zu claim%s checked", v->n_runs,
		v->n_runs == 1 ? "" : "s", v->n_checks, v->n_checks == 1 ? "" : "s");
	if (v->n_targets_skipped)
		fprintf(out, " (%zu safe target%s not sampled)", v->n_targets_skipped,
			v->n_targets_skipped == 1 ? "" : "s");
	fprintf(out, ", %zu disagreement%s\n", v->n_dis, v->n_dis == 1 ? "" : "s");
	for (size_t i = 0; i < v->n_dis; i++) {
		const struct ers_an_disagreement *x = &v->dis[i];
		const struct ers_an_pair *p = &a->pairs[x->pair];

		fprintf(out, "  DISAGREE %s: %s %s %s: analysis says %s, simulation says "
			"%s -> %s %s, %s -> %s %s\n", x->target, p->a_id, pair_sep(p), p->b_id,
			x->claimed_cut ? "cut" : "connected", p->a_id, p->b_id,
			x->sim_ab ? "reachable" : "unreachable", p->b_id, p->a_id,
			x->sim_ba ? "reachable" : "unreachable");
	}
}

void ers_analysis_report(FILE *out, const struct ers_analysis *a,
			 const struct ers_an_verification *v)
{
	fprintf(out, "scenario: %s\nfailure targets: %zu, endpoint pairs: %zu\n\n",
		a->scenario, a->n_targets, a->n_pairs);
	for (size_t i = 0; i < a->n_pairs; i++) {
		report_pair(out, a, &a->pairs[i]);
		fputc('\n', out);
	}
	for (size_t i = 0; i < a->n_notes; i++)
		fprintf(out, "note: %s\n", a->notes[i]);
	if (a->n_notes)
		fputc('\n', out);
	report_spofs(out, a);
	if (v)
		report_verify(out, a, v);
}

/* ---- JSON ------------------------------------------------------------- */

static json_t *count_json(size_t n)
{
	return n == SIZE_MAX ? json_null() : json_integer((json_int_t)n);
}

static json_t *names_json(const struct ers_analysis *a, const size_t *idx, size_t n)
{
	json_t *arr = json_array();

	for (size_t i = 0; arr && i < n; i++)
		if (json_array_append_new(arr, json_string(a->targets[idx[i]].name))) {
			json_decref(arr);
			return NULL;
		}
	return arr;
}

static json_t *cut_json(const struct ers_analysis *a, const struct ers_an_pair *p)
{
	json_t *sets = json_array(), *o;
	size_t kept = p->n_cut_sets < ERS_AN_MAX_SETS ? p->n_cut_sets : ERS_AN_MAX_SETS;

	for (size_t i = 0; sets && p->min_cut != ERS_AN_CUT_MORE && i < kept; i++)
		if (json_array_append_new(sets, names_json(a, p->cut_sets + i * p->min_cut,
							   p->min_cut))) {
			json_decref(sets);
			return NULL;
		}
	o = json_pack("{s:o,s:I,s:o}", "size",
		      p->min_cut == ERS_AN_CUT_MORE ? json_null() : json_integer((json_int_t)p->min_cut),
		      "n_sets", (json_int_t)p->n_cut_sets, "sets", sets);
	return o;
}

static json_t *pair_json(const struct ers_analysis *a, const struct ers_an_pair *p)
{
	json_t *locs = json_array();

	for (size_t i = 0; locs && i < p->n_locations; i++)
		json_array_append_new(locs, json_string(p->locations[i]));
	return json_pack("{s:s,s:s,s:s,s:b,s:b,s:o,s:o,s:o,s:o,s:s,s:b,s:o,"
			 "s:{s:I,s:I,s:o,s:b,s:I,s:I,s:b},s:s}",
			 "kind", p->kind == ERS_AN_SITE_VNET ? "site-vnet" : "site-site",
			 "a", p->a_id, "b", p->b_id, "connected", p->connected,
			 "has_flow", p->has_flow,
			 "edge_disjoint", count_json(p->edge_disjoint),
			 "vertex_disjoint", count_json(p->vertex_disjoint),
			 "min_cut", cut_json(a, p),
			 "spofs", names_json(a, p->spofs, p->n_spofs),
			 "class", ers_an_class_str(p->cls), "meets_guidance", p->meets_guidance,
			 "locations", locs,
			 "capacity", "intact_bps", (json_int_t)p->capacity,
			 "worst_bps", (json_int_t)p->worst_capacity,
			 "worst_target", p->worst_target >= 0 ?
				json_string(a->targets[p->worst_target].name) : json_null(),
			 "other_paths_after_worst", p->worst_other_paths,
			 "demand_ab_bps", (json_int_t)p->demand_ab,
			 "demand_ba_bps", (json_int_t)p->demand_ba, "enough", p->enough,
			 "verdict", p->verdict);
}

static json_t *spofs_json(const struct ers_analysis *a)
{
	json_t *arr = json_array();

	for (size_t t = 0; arr && t < a->n_targets; t++) {
		json_t *pairs = json_array();

		if (a->targets[t].inherent) {
			json_decref(pairs);
			continue;
		}
		for (size_t p = 0; pairs && p < a->n_pairs; p++)
			if (a->pairs[p].connected && a->cuts[t * a->n_pairs + p])
				json_array_append_new(pairs, json_pack("[s,s]", a->pairs[p].a_id,
								       a->pairs[p].b_id));
		if (pairs && !json_array_size(pairs))
			json_decref(pairs);
		else
			json_array_append_new(arr, json_pack("{s:s,s:o}", "target",
							     a->targets[t].name, "cuts", pairs));
	}
	return arr;
}

static json_t *verify_json(const struct ers_analysis *a, const struct ers_an_verification *v)
{
	json_t *dis = json_array();

	if (!v) {
		json_decref(dis);
		return json_null();
	}
	for (size_t i = 0; dis && i < v->n_dis; i++) {
		const struct ers_an_disagreement *x = &v->dis[i];

		json_array_append_new(dis, json_pack("{s:s,s:s,s:s,s:s,s:b,s:b}", "target",
						     x->target, "a", a->pairs[x->pair].a_id,
						     "b", a->pairs[x->pair].b_id, "claimed",
						     x->claimed_cut ? "cut" : "connected",
						     "sim_ab", x->sim_ab, "sim_ba", x->sim_ba));
	}
	return json_pack("{s:I,s:I,s:I,s:o}", "runs", (json_int_t)v->n_runs,
			 "checks", (json_int_t)v->n_checks,
			 "safe_targets_not_sampled", (json_int_t)v->n_targets_skipped,
			 "disagreements", dis);
}

enum ers_err ers_analysis_write_json(FILE *out, const struct ers_analysis *a,
				     const struct ers_an_verification *v,
				     struct ers_diag *d)
{
	json_t *pairs = json_array(), *notes = json_array(), *targets = json_array(), *doc;
	int bad = 0;

	for (size_t i = 0; pairs && i < a->n_pairs; i++)
		bad |= json_array_append_new(pairs, pair_json(a, &a->pairs[i]));
	for (size_t i = 0; notes && i < a->n_notes; i++)
		bad |= json_array_append_new(notes, json_string(a->notes[i]));
	for (size_t i = 0; targets && i < a->n_targets; i++)
		bad |= json_array_append_new(targets, json_pack("{s:s,s:b}", "name",
								a->targets[i].name, "endpoint",
								a->targets[i].inherent));
	doc = json_pack("{s:s,s:s,s:o,s:o,s:o,s:o,s:o}", "format", "ersim-analysis/1",
			"scenario", a->scenario, "targets", targets, "pairs", pairs,
			"single_points_of_failure", spofs_json(a), "notes", notes,
			"verification", verify_json(a, v));
	if (!doc || bad) {
		json_decref(doc);
		return ers_diag_add(d, ERS_ENOMEM, NULL, 0, NULL, "out of memory building JSON");
	}
	bad = json_dumpf(doc, out, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	json_decref(doc);
	if (bad || fputc('\n', out) == EOF)
		return ers_diag_add(d, ERS_EIO, NULL, 0, NULL, "cannot write the JSON document");
	return ERS_OK;
}
