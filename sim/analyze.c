/*
 * analyze.c - static resiliency analysis (analyze.h, docs/analyze.md): the
 * driver. It finds the endpoint pairs (every site with every VNet, every
 * two sites, kept when connected or when a flow runs between them), and
 * for each pair gathers the claims the other files compute: single points
 * of failure and minimum cuts (analyze_cut.c), the resiliency class from
 * the peering locations of the circuits the pair crosses Microsoft on, the
 * demand of its flows and the capacity left after its worst single
 * failure, into one verdict line. The files of the analysis and what each
 * owns are listed in analyze_int.h.
 *
 * Connectivity follows routing policy, not the bare graph (docs/model.md):
 * a site reaches a VNet only over circuits the VNet is connected to or a
 * VPN to it, and a gateway never transits; two sites reach each other
 * over site links and customer routers, or over exactly one Global Reach
 * hop (routes that crossed Microsoft never re-enter it: AS 12076 loop
 * detection). Each pair therefore gets a small graph of its own
 * (analyze_domain.c).
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyze_int.h"
#include "ersim/expressroute.h"
#include "ersim/result.h"
#include "ersim/util.h"

/* ---- small helpers ---------------------------------------------------- */

int ers_an_ivec_push(struct ers_an_ivec *x, int e)
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
char *ers_an_fmt_rate(ers_rate_t r, char *buf, size_t n)
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
static enum ers_an_class side_class(const struct ers_an_ctx *c, const bool *used)
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
static int classify(struct ers_an_ctx *c, const struct ers_an_graph *g, struct ers_an_pair *p)
{
	size_t nc = c->s->n_circuits;
	bool *used = calloc(2 * nc + 1, sizeof *used);
	enum ers_an_class k0, k1;
	int rc = 0;

	if (!used)
		return -1;
	ers_an_evaluate(c, g);
	for (size_t i = 0; i < g->n; i++) {
		const struct ers_an_edge *e = &g->e[i];
		bool fwd = c->in_r[e->u] && c->in_d[e->v];

		if ((e->kind != PE_ER && e->kind != PE_GR) || !ers_an_crosses(c, e))
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
	/* Microsoft peering's services are no pair of analyze's */
	return ep->kind != ERS_EP_VNET && ep->kind != ERS_EP_SERVICE && ep->index == idx;
}

static void demand(const struct ers_an_ctx *c, struct ers_an_pair *p)
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

static int verdict(const struct ers_an_ctx *c, struct ers_an_pair *p)
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
	ers_an_fmt_rate(p->worst_capacity, cap, sizeof cap);
	if (c->gw_cap && p->worst_capacity == c->gw_cap)
		snprintf(cap + strlen(cap), sizeof cap - strlen(cap), " (its gateway's throughput)");
	if (!p->worst_capacity && p->worst_other_paths)
		snprintf(cap, sizeof cap, "only VPN or site-link paths");
	ers_an_fmt_rate(need, dem, sizeof dem);
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

static enum ers_err analyse_pair(struct ers_an_ctx *c, size_t pi, const struct ers_an_graph *g)
{
	struct ers_an_pair *p = &c->a->pairs[pi];
	struct ers_an_state st;
	enum ers_err rc;

	c->gw_cap = p->kind == ERS_AN_SITE_VNET ? ers_er_gw_throughput(&c->s->vnets[p->b]) : 0;
	st = ers_an_evaluate(c, g);
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
	if (ers_an_single_failures(c, g, pi) || ers_an_min_cut(c, g, p) || classify(c, g, p))
		return ERS_ENOMEM;
	rc = ers_an_disjoint_paths(c, g, p);
	if (rc)
		return rc;
	return verdict(c, p) ? ERS_ENOMEM : ERS_OK;
}

/* Candidate pairs: every site with every VNet, every two sites; kept when
 * connected in the intact design or when a flow runs between them. */
static int add_pair(struct ers_an_ctx *c, enum ers_an_pair_kind k, int a, int b)
{
	struct ers_analysis *an = c->a;
	struct ers_an_pair p = { .kind = k, .a = a, .b = b, .worst_target = -1 };
	struct ers_an_graph g = { 0 };
	struct ers_an_pair *v;
	int rc = -1;

	if (ers_an_build_pair(c, &p, &g))
		goto out;
	demand(c, &p);
	if (!ers_an_evaluate(c, &g).connected && !p.has_flow) {
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
	ers_an_graph_release(&g);
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

static int find_pairs(struct ers_an_ctx *c)
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

static enum ers_err ctx_init(struct ers_an_ctx *c)
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

static void ctx_release(struct ers_an_ctx *c)
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

static enum ers_err analyse_all(struct ers_an_ctx *c)
{
	struct ers_analysis *a = c->a;
	enum ers_err rc = ERS_OK;

	if (ers_an_enumerate_targets(c) || find_pairs(c))
		return ERS_ENOMEM;
	a->cuts = calloc(a->n_targets * a->n_pairs + 1, sizeof *a->cuts);
	if (!a->cuts)
		return ERS_ENOMEM;
	for (size_t i = 0; i < a->n_pairs && !rc; i++) {
		struct ers_an_graph g = { 0 };

		rc = ers_an_build_pair(c, &a->pairs[i], &g) ? ERS_ENOMEM : analyse_pair(c, i, &g);
		ers_an_graph_release(&g);
	}
	return rc;
}

enum ers_err ers_analyze(const struct ers_scenario *s, const struct ers_catalog *cat,
			 struct ers_analysis **out, struct ers_diag *d)
{
	struct ers_an_ctx c = { .s = s, .cat = cat, .d = d };
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
	struct ers_an_ctx c = { .s = s, .cat = cat, .a = &an, .d = d };
	enum ers_err rc;
	bool any = false;

	*out = ERS_AN_CLASS_NONE;
	rc = ers_topology_build(s, cat, &c.t, d);
	if (rc == ERS_OK)
		rc = ctx_init(&c);
	for (size_t i = 0; rc == ERS_OK && i < s->n_sites; i++) {
		struct ers_an_pair p = { .kind = ERS_AN_SITE_VNET, .a = (int)i, .b = (int)vnet };
		struct ers_an_graph g = { 0 };

		if (!s->sites[i].n_origins)	/* as analyze: no prefix, no pair */
			continue;
		if (ers_an_build_site_vnet(&c, (int)i, (int)vnet, &g) || classify(&c, &g, &p))
			rc = ERS_ENOMEM;
		else if (ers_an_evaluate(&c, &g).connected && p.cls != ERS_AN_CLASS_NONE &&
			 (!any || p.cls < *out)) {
			*out = p.cls;
			any = true;
		}
		for (size_t k = 0; k < p.n_locations; k++)
			free(p.locations[k]);
		free(p.locations);
		ers_an_graph_release(&g);
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
	ers_an_index_release(a);
	free(a->targets);
	free(a->pairs);
	free(a->cuts);
	free(a->scenario);
	free(a);
}
