/*
 * analyze_cut.c - the claims on one pair that need failing targets: every
 * single failure (the row of the cut matrix, single points of failure,
 * the worst remaining capacity), the smallest target sets that cut the
 * pair (brute force up to ERS_AN_MAX_CUT over the targets that touch its
 * domain), and its edge- and vertex-disjoint path counts by igraph's
 * max-flow over the topology with what the pair's routing cannot use
 * masked out (topology.c).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "analyze_int.h"
#include "ersim/util.h"

/* ---- claims per pair --------------------------------------------------- */

/* Does target t touch anything in g? Targets that do not are left out of
 * the cut search. */
static bool touches(struct ers_an_ctx *c, const struct ers_an_graph *g, size_t t)
{
	bool hit = false;

	ers_an_apply(c, t, +1);
	for (size_t i = 0; i < g->n && !hit; i++)
		hit = !ers_an_edge_up(c, &g->e[i]);
	for (size_t i = 0; i < g->src.n && !hit; i++)
		hit = c->down[g->src.v[i]];
	for (size_t i = 0; i < g->dst.n && !hit; i++)
		hit = c->down[g->dst.v[i]];
	ers_an_apply(c, t, -1);
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
static int search_k(struct ers_an_ctx *c, const struct ers_an_graph *g, struct ers_an_pair *p,
		    const size_t *cand, size_t n, size_t k)
{
	size_t idx[ERS_AN_MAX_CUT], set[ERS_AN_MAX_CUT];

	if (n < k)
		return 0;
	for (size_t i = 0; i < k; i++)
		idx[i] = i;
	for (;;) {
		for (size_t i = 0; i < k; i++)
			ers_an_apply(c, cand[idx[i]], +1);
		if (!ers_an_evaluate(c, g).connected) {
			for (size_t i = 0; i < k; i++)
				set[i] = cand[idx[i]];
			if (record_set(p, set, k))
				return -1;
		}
		for (size_t i = 0; i < k; i++)
			ers_an_apply(c, cand[idx[i]], -1);
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
int ers_an_min_cut(struct ers_an_ctx *c, const struct ers_an_graph *g, struct ers_an_pair *p)
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
int ers_an_single_failures(struct ers_an_ctx *c, const struct ers_an_graph *g, size_t pi)
{
	struct ers_analysis *a = c->a;
	struct ers_an_pair *p = &a->pairs[pi];

	p->worst_capacity = p->capacity;
	for (size_t t = 0; t < a->n_targets; t++) {
		struct ers_an_state st;

		ers_an_apply(c, t, +1);
		st = ers_an_evaluate(c, g);
		ers_an_apply(c, t, -1);
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
static void domain_masks(const struct ers_an_ctx *c, const struct ers_an_pair *p,
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
		enum ers_node_kind k = ers_topology_node_kind(c->t, (int)v);

		rv[v] = (k == ERS_NODE_GW &&
			 (!region || (int)v != ers_topology_gateway_vertex(c->t, p->b))) ||
			(k == ERS_NODE_REGION &&
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

static bool in_ivec(const struct ers_an_ivec *x, int v)
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
enum ers_err ers_an_disjoint_paths(struct ers_an_ctx *c, const struct ers_an_graph *g,
				   struct ers_an_pair *p)
{
	bool *rv = calloc(c->nv + 1, sizeof *rv), *re = calloc(c->ne + 1, sizeof *re);
	struct ers_an_ivec dst = { 0 };
	size_t direct = 0, n = 0;
	enum ers_err rc = ERS_ENOMEM;

	if (!rv || !re)
		goto out;
	domain_masks(c, p, rv, re);
	for (size_t i = 0; i < g->dst.n; i++)
		if (ers_an_ivec_push(&dst, g->dst.v[i]))
			goto out;
	if (p->kind == ERS_AN_SITE_VNET &&
	    ers_an_ivec_push(&dst, ers_topology_find(c->t, c->s->vnets[p->b].region)))
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
