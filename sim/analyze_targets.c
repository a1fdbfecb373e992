/*
 * analyze_targets.c - every failure target a scenario allows, in a fixed
 * order (circuit links and circuits, providers, MSEEs, MSEE pairs,
 * locations, routers, site links, VPNs, Global Reach, connections, SRLGs,
 * gateways, regions, sites), each with the analysis elements it takes
 * down. What a target takes down comes from the one resolver the
 * simulator also uses (target.c), so the analysis fails exactly what a
 * simulated failure would.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ersim/target.h"

#include "analyze_int.h"
#include "ersim/util.h"

/* ---- failure targets ------------------------------------------------- */

static int push_unique(struct ers_an_ivec *x, int e)
{
	for (size_t i = 0; i < x->n; i++)
		if (x->v[i] == e)
			return 0;
	return ers_an_ivec_push(x, e);
}

static int link_elements(const struct ers_an_ctx *c, int circuit, int r, struct ers_an_ivec *out)
{
	int pe = ers_topology_circuit_pe(c->t, circuit, r);

	if (push_unique(out, el_edge(c, ers_topology_circuit_ce_edge(c->t, circuit, r))) ||
	    push_unique(out, el_edge(c, ers_topology_circuit_msee_edge(c->t, circuit, r))))
		return -1;
	return pe >= 0 ? push_unique(out, pe) : 0;
}

/* The elements one part of a target (target.h) removes. */
static int part_elements(const struct ers_an_ctx *c, const struct ers_part *p, struct ers_an_ivec *out)
{
	switch (p->kind) {
	case ERS_PART_LINK:
		return link_elements(c, p->a, p->b, out);
	case ERS_PART_MSEE:
		return push_unique(out, ers_topology_circuit_msee(c->t, p->a, p->b));
	case ERS_PART_ROUTER:
		return push_unique(out, ers_topology_router_vertex(c->t, p->a, p->b));
	case ERS_PART_GATEWAY:
		return push_unique(out, ers_topology_gateway_vertex(c->t, p->a));
	case ERS_PART_CONNECTION:	/* one element for both sides: the analysis
					 * never restricts a connection to a location */
		return push_unique(out, el_conn(c, p->a, p->b));
	case ERS_PART_SITE_LINK:
		return push_unique(out, el_edge(c, ers_topology_site_link_edge(c->t, p->a)));
	case ERS_PART_VPN:
		return push_unique(out, el_edge(c, ers_topology_vpn_edge(c->t, p->a)));
	case ERS_PART_GLOBAL_REACH:
		return push_unique(out, el_edge(c, ers_topology_global_reach_edge(c->t, p->a, 0))) ||
		       push_unique(out, el_edge(c, ers_topology_global_reach_edge(c->t, p->a, 1)));
	}
	return 0;
}

/* What the simulator takes down for a target (or, provider >= 0, for
 * every circuit of that provider), as elements. */
static int target_elements(const struct ers_an_ctx *c, const struct ers_target *tg, int provider,
			   struct ers_an_ivec *out)
{
	struct ers_parts parts = { 0 };
	int rc = provider >= 0 ? (int)ers_target_resolve_provider(c->s, provider, &parts) :
				 (int)ers_target_resolve(c->s, c->cat, tg, &parts);

	for (size_t i = 0; i < parts.n && !rc; i++)
		rc = part_elements(c, &parts.v[i], out);
	ers_parts_free(&parts);
	return rc ? -1 : 0;
}

/* Append a target; name is taken over (freed on failure). */
static int add_target(struct ers_an_ctx *c, char *name, struct ers_target tg, int provider)
{
	struct ers_analysis *a = c->a;
	struct ers_an_target *x;
	struct ers_an_ivec *el;

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
	return target_elements(c, &x->target, provider, &el[a->n_targets - 1]);
}

static int circuit_targets(struct ers_an_ctx *c)
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
static int msee_targets(struct ers_an_ctx *c)
{
	const char *prev_pair = NULL;
	size_t prev_len = 0;

	for (size_t v = 0; v < c->nv; v++) {
		const char *id = ers_topology_node_id(c->t, (int)v);
		struct ers_target tg = { .kind = ERS_T_MSEE };
		char *loc;
		size_t len;
		int rc;

		if (ers_topology_node_kind(c->t, (int)v) != ERS_NODE_MSEE)
			continue;
		if (ers_msee_id_parse(id, true, &loc, &tg.pair, &tg.side))
			return -1;
		len = (size_t)(strchr(id, '/') - id);	/* the pair's id */
		tg.location = loc;
		rc = add_target(c, ers_asprintf("msee:%s", id), tg, -1);
		free(loc);
		if (rc)
			return -1;
		if (prev_pair && prev_len == len && !strncmp(prev_pair, id, len))
			continue;
		prev_pair = id;
		prev_len = len;
		tg.kind = ERS_T_MSEE_PAIR;
		tg.location = (char *)ers_topology_node_location(c->t, (int)v);
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
static int location_targets(struct ers_an_ctx *c)
{
	const char **ids = calloc(c->nv + 1, sizeof *ids);
	size_t n = 0;
	int rc = 0;

	if (!ids)
		return -1;
	for (size_t v = 0; v < c->nv; v++)
		if (ers_topology_node_kind(c->t, (int)v) == ERS_NODE_MSEE)
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

static int customer_targets(struct ers_an_ctx *c)
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

static int azure_targets(struct ers_an_ctx *c)
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
		if (ers_topology_node_kind(c->t, (int)v) == ERS_NODE_REGION &&
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
int ers_an_enumerate_targets(struct ers_an_ctx *c)
{
	return circuit_targets(c) || msee_targets(c) || location_targets(c) ||
	       customer_targets(c) || azure_targets(c);
}
