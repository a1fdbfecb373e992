/*
 * bgp_rib.c - the routing information bases of every speaker: Adj-RIB-In
 * (per peer, after import policy), Loc-RIB (best route and ECMP set per
 * prefix) and Adj-RIB-Out (per peer, what was last sent), with the import
 * and export rules of each kind of router.
 *
 * ExpressRoute's rules are applied here, in import and export (the rules
 * themselves are expressroute.c's):
 *  - an MSEE ignores the communities a customer sends, and counts the
 *    customer's prefixes against the circuit's limit;
 *  - an MSEE takes a gateway's routes with the gateway's private ASN 65515
 *    removed and tags them with the region's community (12076:50xxx) and
 *    the VNet's own, so on-premises sees AS path "12076";
 *  - an MSEE passes customer routes to the gateways and, over Global Reach,
 *    to the other circuit's MSEE (iBGP inside AS 12076, so never on to a
 *    third circuit: Global Reach is not transitive); routes from gateways
 *    and Global Reach go to the customer; each circuit is its own VRF;
 *  - a gateway applies the connection weight on import, advertises only
 *    its own VNet prefixes, and learns at most its SKU's route limit
 *    (routes refused at the limit are decided again when room frees).
 * The decision itself is in bgp_decision.c; sessions in bgp_fsm.c, and
 * what is sent when in bgp_update.c.
 */
#include <stdlib.h>
#include <string.h>

#include "ersim/bgp_int.h"
#include "ersim/expressroute.h"
#include "ersim/msft_peering.h"
#include "ersim/rng.h"
#include "ersim/units.h"

#define LOCAL_WEIGHT 32768u	/* originated routes: Cisco/FRR's default */

/* The observer's tag for a Loc-RIB entry (0 when nobody watches). */
static uint64_t best_changed(struct ers_world *w, const struct ers_speaker *s,
			     uint32_t prefix, uint64_t was, const struct ers_loc *now)
{
	if (!w->hooks || !w->hooks->best_changed)
		return 0;
	return w->hooks->best_changed(w->hooks_ctx, s, prefix, was, now);
}

static bool rule_fits(const struct ers_rule *r, struct ers_prefix p,
		      const struct ers_attrs_tmpl *t)
{
	if (r->has_match_prefix &&
	    !(ers_prefix_contains(r->match_prefix, p) && p.len <= r->match_le))
		return false;
	if (r->has_match_community) {
		bool found = false;
		for (size_t i = 0; i < t->n_comms; i++)
			found |= t->comms[i] == r->match_community;
		if (!found)
			return false;
	}
	return true;
}

/* First rule whose matches all fit, or NULL (the route passes unchanged).
 * Most links have no rules: then not even the prefix is looked at. */
static const struct ers_rule *first_fit(const struct ers_world *w,
					const struct ers_policy *pol, uint32_t prefix,
					const struct ers_attrs_tmpl *t)
{
	struct ers_prefix p;

	if (!pol || !pol->n_rules)
		return NULL;
	p = w->prefixes.prefixes[prefix];
	for (size_t i = 0; i < pol->n_rules; i++)
		if (rule_fits(&pol->rules[i], p, t))
			return &pol->rules[i];
	return NULL;
}

/* Gao-Rexford: prefer routes from customers over peers over providers
 * (they pay us, cost nothing, cost us). Import rules may still override. */
static uint32_t relationship_pref(enum ers_relationship rel)
{
	switch (rel) {
	case ERS_REL_CUSTOMER: return 200;
	case ERS_REL_PEER: return 150;
	case ERS_REL_PROVIDER: return 50;
	default: return ERS_LOCAL_PREF_DEFAULT;
	}
}

/* Import: loop detection, the router kind's rules, then the link's
 * import policy. Returns the interned attributes, or NULL to drop. */
static const struct ers_attrs *import(struct ers_world *w, struct ers_peer *p,
				      uint32_t prefix, const struct ers_attrs *raw)
{
	struct ers_speaker *s = p->self;
	struct ers_attrs_tmpl t;
	const struct ers_rule *r;

	/* RFC 4271 9.1.2: a route whose AS_PATH holds our AS is a loop. */
	if (!p->ibgp && ers_attrs_has_asn(raw, s->asn))
		return NULL;
	/* RFC 4456 8: a route naming us as its originator, or that passed
	 * through our cluster, went round a reflection loop. */
	if (p->ibgp && ((raw->originator_id && raw->originator_id == s->router_id) ||
			ers_attrs_has_cluster(raw, s->cluster_id)))
		return NULL;
	ers_attrs_to_tmpl(raw, &t);
	t.weight = 0;
	if (!p->ibgp)
		t.local_pref = relationship_pref(p->rel);
	if (s->kind == ERS_SPK_MSEE && !ers_er_msee_import(w, p, &t))
		return NULL;
	if (s->kind == ERS_SPK_GW && !p->vpn)
		t.weight = p->conn_weight;
	r = first_fit(w, p->import, prefix, &t);
	if (r) {
		if (r->deny)
			return NULL;
		if (r->has_local_pref)
			t.local_pref = r->local_pref;
		if (r->has_weight)
			t.weight = r->weight;
	}
	return ers_attrs_intern(&w->attrs, &t);
}

/* Why export_route sent nothing, when a limit of the model was the cause. */
enum export_limit { LIMIT_NONE, LIMIT_COMMS, LIMIT_PATH };

/*
 * Update groups (FRR's update groups, BIRD's export tables): most peers
 * of a router are sent the same thing, so the export of a prefix is
 * computed once per group of peers alike in everything export_route reads
 * (relationship, role, iBGP and reflection, export rules if any) and
 * reused for the others until the router's Loc-RIB changes. What differs
 * per peer stays per peer: the session state, split horizon (not back to
 * the neighbour it came from), maintenance prepending, and the limit
 * notices, which each peer hears as if computed for it.
 */
struct export_slot {
	uint64_t stamp;			/* current only if the cache's */
	uint64_t key;			/* group << 32 | prefix */
	const struct ers_attrs *attrs;
	enum export_limit limited;
};

/* A hash table of the exports computed since the last change, for one
 * router at a time: a new stamp empties it at once, so it is as large as
 * the largest batch it served, not the number of prefixes. */
struct ers_export_cache {
	uint64_t stamp;			/* slots with another stamp are empty */
	const struct ers_speaker *owner;	/* whose exports the slots hold */
	size_t cap, n;			/* slots (a power of two), current ones */
	struct export_slot *slot;
};

/* Loc-RIB changed somewhere: every cached export is stale. */
static void exports_stale(struct ers_world *w)
{
	if (w->export_cache) {
		w->export_cache->stamp++;
		w->export_cache->n = 0;
	}
}

/* ---- the routes of a prefix -------------------------------------- */

/*
 * Every speaker keeps, per prefix, which of its peers' Adj-RIBs-In hold a
 * route for it (s->rib_in), ordered by the peer's place in s->peers: a
 * decision then costs the number of routes for that prefix, not the
 * number of peers (a Tier-1 AS has thousands), and sees them in the order
 * it would by asking each peer in turn, so ties (ECMP set, reasons) come
 * out the same. Most prefixes have one route at most routers: then the
 * map holds that peer itself, tagged in the low bit, and nothing is
 * allocated; else a struct rib_in.
 */
struct rib_in {
	uint32_t n, cap;
	struct ers_peer *peer[];
};

static bool is_single(const void *v)
{
	return (uintptr_t)v & 1;
}

static struct ers_peer *single_peer(const void *v)
{
	return (struct ers_peer *)((uintptr_t)v & ~(uintptr_t)1);
}

static void *tag_single(struct ers_peer *p)
{
	return (void *)((uintptr_t)p | 1);
}

/* Where peer p is or would go in ri. */
static uint32_t rib_in_pos(const struct rib_in *ri, const struct ers_peer *p)
{
	uint32_t lo = 0, hi = ri->n;

	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;
		if (ri->peer[mid]->slot < p->slot)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* Add p to the peers with a route for prefix. 0, or -1 out of memory. */
static int rib_in_add(struct ers_speaker *s, uint32_t prefix, struct ers_peer *p)
{
	void *v = ers_map_get(&s->rib_in, prefix);
	struct rib_in *ri;
	uint32_t i;

	if (!v)
		return ers_map_put(&s->rib_in, prefix, tag_single(p));
	if (is_single(v)) {
		struct ers_peer *q = single_peer(v);
		if (q == p)
			return 0;
		if (!(ri = malloc(sizeof *ri + 2 * sizeof ri->peer[0])))
			return -1;
		ri->n = 2;
		ri->cap = 2;
		ri->peer[0] = q->slot < p->slot ? q : p;
		ri->peer[1] = q->slot < p->slot ? p : q;
		if (ers_map_put(&s->rib_in, prefix, ri)) {
			free(ri);
			return -1;
		}
		return 0;
	}
	ri = v;
	i = rib_in_pos(ri, p);
	if (i < ri->n && ri->peer[i] == p)
		return 0;
	if (ri->n == ri->cap) {
		/* Not realloc: the map must keep a valid list if put fails. */
		struct rib_in *g = malloc(sizeof *g + 2 * ri->cap * sizeof g->peer[0]);
		if (!g)
			return -1;
		memcpy(g, ri, sizeof *g + ri->n * sizeof g->peer[0]);
		g->cap *= 2;
		if (ers_map_put(&s->rib_in, prefix, g)) {
			free(g);
			return -1;
		}
		free(ri);
		ri = g;
	}
	memmove(&ri->peer[i + 1], &ri->peer[i], (ri->n - i) * sizeof ri->peer[0]);
	ri->peer[i] = p;
	ri->n++;
	return 0;
}

/* p no longer has a route for prefix. Cannot fail: out of memory, a
 * list of one stays a list. */
static void rib_in_remove(struct ers_speaker *s, uint32_t prefix, struct ers_peer *p)
{
	void *v = ers_map_get(&s->rib_in, prefix);
	struct rib_in *ri = v;
	uint32_t i;

	if (!v)
		return;
	if (is_single(v)) {
		if (single_peer(v) == p)
			ers_map_del(&s->rib_in, prefix);
		return;
	}
	i = rib_in_pos(ri, p);
	if (i == ri->n || ri->peer[i] != p)
		return;
	memmove(&ri->peer[i], &ri->peer[i + 1], (ri->n - i - 1) * sizeof ri->peer[0]);
	if (--ri->n == 0) {
		ers_map_del(&s->rib_in, prefix);
		free(ri);
	} else if (ri->n == 1 && !ers_map_put(&s->rib_in, prefix, tag_single(ri->peer[0]))) {
		free(ri);	/* else it stays a list of one */
	}
}

void ers_rib_release(struct ers_world *w)
{
	uint32_t key;
	void *val;

	for (size_t i = 0; i < w->n_speakers; i++) {
		struct ers_speaker *s = w->speakers[i];
		for (size_t j = 0; ers_map_next(&s->rib_in, &j, &key, &val);)
			if (!is_single(val))
				free(val);
		ers_map_release(&s->rib_in);
	}
	if (w->export_cache)
		free(w->export_cache->slot);
	free(w->export_cache);
	w->export_cache = NULL;
}

/* An UPDATE entry enters Adj-RIB-In as it is read off the connection;
 * the decision process runs later (bgp_fsm.c). Returns whether
 * Adj-RIB-In changed, i.e. whether prefix needs a decision. */
bool ers_rib_store(struct ers_world *w, struct ers_peer *p, uint32_t prefix,
		   const struct ers_attrs *raw)
{
	const struct ers_attrs *a = raw ? import(w, p, prefix, raw) : NULL;
	const struct ers_attrs *old;

	old = a ? ers_map_get(&p->adj_in, prefix) : ers_map_del(&p->adj_in, prefix);
	if (a) {
		if (old == a)
			return false;
		if (ers_map_put(&p->adj_in, prefix, (void *)a)) {
			w->err = ERS_ENOMEM;
			return false;
		}
		if (!old)
			p->n_accepted++;
	} else {
		if (!old)
			return false;
		p->n_accepted--;
	}
	if (!a)
		rib_in_remove(p->self, prefix, p);
	else if (!old && rib_in_add(p->self, prefix, p)) {
		w->err = ERS_ENOMEM;
		return false;
	}
	return true;
}

/* ---- decision ---------------------------------------------------- */

static int n_circuits_in(struct ers_peer *const *set, size_t n, int circuit)
{
	int found = 0;

	for (size_t i = 0; i < n; i++)
		found |= set[i]->remote->self->circuit == circuit;
	return found;
}

static size_t count_circuits(struct ers_peer *const *set, size_t n)
{
	size_t c = 0;

	for (size_t i = 0; i < n; i++) {
		bool seen = false;
		for (size_t j = 0; j < i; j++)
			seen |= set[j]->remote->self->circuit == set[i]->remote->self->circuit;
		c += !seen;
	}
	return c;
}

/* The ECMP set: every candidate tied with the best for forwarding; the
 * gateway spreads over at most 4 circuits (both links of each). Ordered by
 * the neighbour's speaker index so output is stable. */
static uint8_t ecmp_set(struct ers_speaker *s, const struct ers_cand *best,
			const struct ers_cand *c, size_t n, struct ers_peer **out)
{
	uint8_t k = 0;

	out[k++] = best->peer;
	if (!best->peer)
		return k;
	for (size_t i = 0; i < n && k < ERS_MAX_ECMP; i++) {
		if (c[i].peer == best->peer || !ers_bgp_multipath_ok(s, best, &c[i]))
			continue;
		if (s->kind == ERS_SPK_GW && count_circuits(out, k) >= ers_er_limit_value(ERS_ER_ECMP_CIRCUITS) &&
		    !n_circuits_in(out, k, c[i].peer->remote->self->circuit))
			continue;
		out[k++] = c[i].peer;
	}
	for (uint8_t i = 1; i < k; i++)
		for (uint8_t j = i; j > 0 && out[j]->remote->self->index <
					     out[j - 1]->remote->self->index; j--) {
			struct ers_peer *tmp = out[j];
			out[j] = out[j - 1];
			out[j - 1] = tmp;
		}
	return k;
}

static void add_cand(struct ers_cand *c, size_t *n, struct ers_peer *p, uint32_t prefix)
{
	if (p->state == ERS_BGP_ESTABLISHED)
		c[(*n)++] = (struct ers_cand){ .attrs = ers_map_get(&p->adj_in, prefix), .peer = p };
}

/* The candidates: a route originated here, then the peers' in peer order. */
static size_t gather(struct ers_speaker *s, uint32_t prefix, const void *in,
		     struct ers_cand *c)
{
	size_t n = 0;
	const struct ers_attrs *a = ers_map_get(&s->local, prefix);

	if (a && !s->w->nodes[s->node].down)
		c[n++] = (struct ers_cand){ .attrs = a, .peer = NULL };
	if (in && is_single(in)) {
		add_cand(c, &n, single_peer(in), prefix);
	} else if (in) {
		const struct rib_in *ri = in;
		for (uint32_t i = 0; i < ri->n; i++)
			add_cand(c, &n, ri->peer[i], prefix);
	}
	return n;
}

/* Why best won (see struct ers_loc): the deepest step that removed a
 * route the router does not forward over. */
static void loc_reason(struct ers_loc *l, const struct ers_cand *c, size_t n,
		       const struct ers_cand *best)
{
	const struct ers_cand *over = NULL;

	for (size_t i = 0; i < n; i++) {
		bool in_set = false;
		if (&c[i] == best)
			continue;
		for (uint8_t k = 0; k < l->n_ecmp; k++)
			in_set |= l->ecmp[k] == c[i].peer;
		if (!in_set && (!over || c[i].lost > over->lost))
			over = &c[i];
	}
	l->why = over ? (uint8_t)over->lost : ERS_WHY_ONLY;
	l->over = over ? over->peer : NULL;
	l->over_attrs = over ? over->attrs : NULL;
	l->by_attrs = over ? c[over->lost_to].attrs : NULL;
}

static bool loc_equal(const struct ers_loc *l, const struct ers_cand *best,
		      struct ers_peer *const *set, uint8_t n)
{
	return l->attrs == best->attrs && l->best == best->peer && l->n_ecmp == n &&
	       !memcmp(l->ecmp, set, n * sizeof set[0]);
}

/* The gateway learns at most its SKU's route limit: a new prefix beyond it
 * is not installed (and reported once). */
static bool over_route_limit(struct ers_world *w, struct ers_speaker *s,
			     const struct ers_loc *old, const struct ers_cand *best)
{
	if (s->kind != ERS_SPK_GW || !best->peer || (old && old->best))
		return false;
	if (s->n_learned < s->route_limit)
		return false;
	s->limit_refused = true;
	if (!s->over_limit_reported) {
		char detail[512];
		s->over_limit_reported = true;
		snprintf(detail, sizeof detail,
			 "gateway learned %u routes, its SKU's limit; further prefixes are not installed",
			 s->route_limit);
		ERS_BGP_HOOK(w, notice, "gateway-route-limit", s->id, detail);
	}
	return true;
}

/* Routes refused at the limit stay in the Adj-RIBs-In: once the gateway
 * has room again, decide them anew. Deferred to an event at the same
 * instant so a session going down frees all its routes first and one pass
 * fills the room, in prefix order. */
static void reconsider_refused(struct ers_sim *sim, void *arg, uint64_t data)
{
	struct ers_speaker *s = arg;
	struct ers_world *w = s->w;
	uint32_t key;
	void *val;

	s->reconsider_posted = false;
	if (!s->limit_refused || w->nodes[s->node].down)
		return;
	s->limit_refused = false;
	for (size_t i = 0; i < s->n_peers; i++)
		for (size_t j = 0; ers_map_next(&s->peers[i]->adj_in, &j, &key, &val);)
			if (!ers_map_get(&s->loc, key))
				ers_rib_decide(w, s, key);
}

static void room_freed(struct ers_world *w, struct ers_speaker *s)
{
	if (!s->limit_refused || s->reconsider_posted)
		return;
	s->reconsider_posted = true;
	if (ers_sim_post(w->sim, ers_sim_now(w->sim), reconsider_refused, s, 0))
		w->err = ERS_ENOMEM;
}

static void set_loc(struct ers_world *w, struct ers_speaker *s, uint32_t prefix,
		    struct ers_loc *l, const struct ers_cand *best,
		    struct ers_peer *const *set, uint8_t n,
		    const struct ers_cand *c, size_t n_c)
{
	bool was_learned = l && l->best, is_learned = best && best->peer;
	uint64_t was = l ? l->state : 0;

	exports_stale(w);
	if (!best) {
		ers_map_del(&s->loc, prefix);
		free(l);
		l = NULL;
	} else {
		if (!l && !(l = malloc(sizeof *l))) {
			w->err = ERS_ENOMEM;
			return;
		}
		l->attrs = best->attrs;
		l->best = best->peer;
		l->n_ecmp = n;
		memcpy(l->ecmp, set, n * sizeof set[0]);
		loc_reason(l, c, n_c, best);
		if (ers_map_put(&s->loc, prefix, l)) {
			w->err = ERS_ENOMEM;
			free(l);
			return;
		}
	}
	s->n_learned += (uint32_t)is_learned - (uint32_t)was_learned;
	if (was_learned && !is_learned)
		room_freed(w, s);
	if (l)
		l->state = best_changed(w, s, prefix, was, l);
	else
		best_changed(w, s, prefix, was, NULL);
	for (size_t i = 0; i < s->n_peers; i++)
		ers_peer_want_send(w, s->peers[i], prefix);
}

void ers_rib_decide(struct ers_world *w, struct ers_speaker *s, uint32_t prefix)
{
	struct ers_cand stack[32], *c = stack, *best = NULL;
	struct ers_peer *set[ERS_MAX_ECMP];
	struct ers_loc *old = ers_map_get(&s->loc, prefix);
	const void *in = ers_map_get(&s->rib_in, prefix);
	/* the peers' routes and a local one */
	size_t max = (!in ? 0 : is_single(in) ? 1 : ((const struct rib_in *)in)->n) + 1;
	uint8_t n_set = 0;
	size_t n;

	if (max > sizeof stack / sizeof stack[0] && !(c = malloc(max * sizeof *c))) {
		w->err = ERS_ENOMEM;
		return;
	}
	n = gather(s, prefix, in, c);

	if (n)
		best = &c[ers_bgp_select(s, c, n, old ? old->best : NULL)];
	if (best && over_route_limit(w, s, old, best))
		best = NULL;
	if (best) {
		/* Explain every decision among several routes, also when the
		 * best one stays: compare reads why a newcomer lost. */
		if (n > 1)
			ERS_BGP_HOOK(w, decided, s, prefix, c, n, (size_t)(best - c));
		n_set = ecmp_set(s, best, c, n, set);
		if (old && loc_equal(old, best, set, n_set)) {
			/* Same routes, maybe another reason: flows that pass
			 * here record why (observe.c), no UPDATE goes out. */
			struct ers_loc was = *old;
			loc_reason(old, c, n, best);
			if (was.why != old->why || was.over != old->over ||
			    was.over_attrs != old->over_attrs)
				ERS_BGP_HOOK(w, reason_changed, s, prefix);
			goto out;
		}
	} else if (!old) {
		goto out;
	}
	set_loc(w, s, prefix, old, best, set, n_set, c, n);
out:
	if (c != stack)
		free(c);
}

/* ---- export ------------------------------------------------------- */

static bool may_export(const struct ers_speaker *s, const struct ers_loc *l,
		       const struct ers_peer *p)
{
	const struct ers_peer *src = l->best;

	if (!src)
		return true;
	if (s->kind == ERS_SPK_GW)
		return false;	/* a gateway never re-advertises what it learned */
	/* Not back to the neighbour it came from (split horizon). */
	if (src == p || src->remote->self == p->remote->self)
		return false;
	/* RFC 4271 9.2: iBGP routes go to iBGP peers only via reflection
	 * (RFC 4456, used for site-links between routers of one AS). */
	if (src->ibgp && p->ibgp && !src->rr_client && !p->rr_client)
		return false;
	/* Gao-Rexford: routes from peers and providers go to customers only
	 * (and to neighbours without a relationship), never to other peers or
	 * providers: no valleys. */
	if ((src->rel == ERS_REL_PEER || src->rel == ERS_REL_PROVIDER) &&
	    (p->rel == ERS_REL_PEER || p->rel == ERS_REL_PROVIDER))
		return false;
	if (s->kind == ERS_SPK_MSEE)
		return ers_er_msee_passes(src->role, p->role);
	return true;
}

static unsigned export_prepends(const struct ers_peer *p)
{
	/* Maintenance drains a link both ways: towards the customer and
	 * towards the gateways, which then prefer the other link. */
	return p->self->kind == ERS_SPK_MSEE ? p->maintenance_prepend : 0;
}

static void limit_hook(struct ers_world *w, const struct ers_peer *p, uint32_t prefix,
		       enum export_limit lim)
{
	if (lim == LIMIT_COMMS)
		ERS_BGP_HOOK(w, limit, p, prefix, "community-limit",
			     "more than " ERS_STR(ERS_MAX_COMMS) " communities");
	else if (lim == LIMIT_PATH)
		ERS_BGP_HOOK(w, limit, p, prefix, "as-path-limit",
			     "the AS path would pass " ERS_STR(ERS_MAX_PATH) " ASes");
}

/* What s would send to p for prefix, whose Loc-RIB entry is l, were the
 * session up: the route kind's rules, then the link's export policy. When
 * a limit of the model stops it, *limited says which (and the hook hears
 * it). */
static const struct ers_attrs *export_route(struct ers_world *w, struct ers_peer *p,
					    uint32_t prefix, const struct ers_loc *l,
					    enum export_limit *limited)
{
	struct ers_speaker *s = p->self;
	struct ers_attrs_tmpl t;
	const struct ers_rule *r;

	if (!may_export(s, l, p) || !ers_msft_may_advertise(w, p, prefix, l->attrs))
		return NULL;
	ers_attrs_to_tmpl(l->attrs, &t);
	t.weight = 0;
	if (!p->ibgp) {
		t.local_pref = ERS_LOCAL_PREF_DEFAULT;
		t.has_med = false;	/* MED is not passed on between ASes */
		t.originator_id = 0;	/* RFC 4456: optional, non-transitive */
		t.cluster_len = 0;
	} else if (l->best && l->best->ibgp) {
		/* Reflecting (may_export allowed it): RFC 4456 8. */
		if (!t.originator_id)
			t.originator_id = l->best->remote->self->router_id;
		if (!ers_tmpl_add_cluster(&t, s->cluster_id))
			return NULL;
	}
	r = first_fit(w, p->export, prefix, &t);
	if (r) {
		if (r->deny)
			return NULL;
		if (r->has_med) {
			t.has_med = true;
			t.med = r->med;
		}
		for (size_t i = 0; i < r->n_communities; i++)
			if (!ers_tmpl_add_comm(&t, r->communities[i])) {
				*limited = LIMIT_COMMS;
				limit_hook(w, p, prefix, LIMIT_COMMS);
				return NULL;
			}
	}
	/* A path longer than one AS_SEQUENCE segment is not sent (the
	 * routers' "maxas-limit"): during path exploration this is what keeps
	 * a withdrawn prefix from circling. */
	if (!p->ibgp &&
	    !ers_tmpl_prepend(&t, s->asn, 1 + (r ? r->prepend : 0) + export_prepends(p))) {
		*limited = LIMIT_PATH;
		limit_hook(w, p, prefix, LIMIT_PATH);
		return NULL;
	}
	/* A drain towards an iBGP neighbour (a Microsoft peering VRF towards
	 * Microsoft's network, msft_peering.c): the prepends alone. */
	if (p->ibgp && export_prepends(p) && !ers_tmpl_prepend(&t, s->asn, export_prepends(p))) {
		*limited = LIMIT_PATH;
		limit_hook(w, p, prefix, LIMIT_PATH);
		return NULL;
	}
	return ers_attrs_intern(&w->attrs, &t);
}

/* ---- update groups ----------------------------------------------- */

static bool same_export(const struct ers_peer *a, const struct ers_peer *b)
{
	const struct ers_policy *pa = a->export && a->export->n_rules ? a->export : NULL;
	const struct ers_policy *pb = b->export && b->export->n_rules ? b->export : NULL;

	return pa == pb && a->ibgp == b->ibgp && a->rr_client == b->rr_client &&
	       a->rel == b->rel && a->role == b->role && a->ms_allow == b->ms_allow;
}

/* Number the groups of alike peers of s with two or more members. */
static int group_peers(struct ers_speaker *s)
{
	int n = 0;

	for (size_t i = 0; i < s->n_peers; i++)
		s->peers[i]->export_group = -1;
	for (size_t i = 0; i < s->n_peers; i++) {
		struct ers_peer *p = s->peers[i];
		bool alone = true;
		if (p->export_group >= 0)
			continue;
		for (size_t j = i + 1; j < s->n_peers; j++) {
			struct ers_peer *q = s->peers[j];
			if (q->export_group < 0 && same_export(p, q)) {
				q->export_group = n;
				alone = false;
			}
		}
		if (!alone)
			p->export_group = n++;
	}
	return n;
}

void ers_rib_start(struct ers_world *w)
{
	w->n_export_groups = 0;
	for (size_t i = 0; i < w->n_speakers; i++) {
		int n = group_peers(w->speakers[i]);
		if (n > w->n_export_groups)
			w->n_export_groups = n;
	}
}

static struct export_slot *probe(struct ers_export_cache *c, uint64_t key)
{
	size_t i = ers_rng_mix(key) & (c->cap - 1);

	while (c->slot[i].stamp == c->stamp && c->slot[i].key != key)
		i = (i + 1) & (c->cap - 1);
	return &c->slot[i];
}

/* Room for one more current slot: double, keeping the current ones. */
static int export_grow(struct ers_export_cache *c)
{
	struct ers_export_cache old = *c;

	c->cap = old.cap ? 2 * old.cap : 1024;
	if (!(c->slot = calloc(c->cap, sizeof *c->slot))) {
		*c = old;
		return -1;
	}
	for (size_t i = 0; i < old.cap; i++)
		if (old.slot[i].stamp == old.stamp)
			*probe(c, old.slot[i].key) = old.slot[i];
	free(old.slot);
	return 0;
}

/* The slot of p's group for prefix, for p's router (a current one if it
 * was computed since the last change); NULL when out of memory (then
 * compute directly). */
static struct export_slot *export_slot(struct ers_world *w, const struct ers_peer *p,
				       uint32_t prefix)
{
	struct ers_export_cache *c = w->export_cache;
	uint64_t key = (uint64_t)p->export_group << 32 | prefix;

	if (!c) {
		if (!(c = calloc(1, sizeof *c)))
			return NULL;
		c->stamp = 1;
		w->export_cache = c;
	}
	if (c->owner != p->self) {
		c->owner = p->self;
		c->stamp++;
		c->n = 0;
	}
	if (2 * (c->n + 1) > c->cap && export_grow(c))
		return NULL;
	return probe(c, key);
}

const struct ers_attrs *ers_rib_export(struct ers_world *w, struct ers_peer *p,
				       uint32_t prefix)
{
	const struct ers_loc *l = ers_map_get(&p->self->loc, prefix);
	const struct ers_peer *src;
	enum export_limit lim = LIMIT_NONE;
	struct export_slot *e;

	if (!l || !ers_peer_established(p))
		return NULL;
	src = l->best;
	if (p->export_group < 0 || p->maintenance_prepend ||
	    !(e = export_slot(w, p, prefix)))
		return export_route(w, p, prefix, l, &lim);
	/* Split horizon is the one rule of may_export that names the peer. */
	if (src && (src == p || src->remote->self == p->remote->self))
		return NULL;
	if (e->stamp == w->export_cache->stamp) {
		limit_hook(w, p, prefix, e->limited);
		return e->attrs;
	}
	e->attrs = export_route(w, p, prefix, l, &lim);
	e->limited = lim;
	e->key = (uint64_t)p->export_group << 32 | prefix;
	e->stamp = w->export_cache->stamp;
	w->export_cache->n++;
	return e->attrs;
}

uint32_t ers_rib_count_exportable(struct ers_world *w, struct ers_peer *p)
{
	uint32_t n = 0, key;
	void *val;

	/* Count what would go out were the session up, and only what the
	 * remote would accept: a route whose path holds the remote's AS it
	 * drops as a loop (import), so it never counts against its limit. */
	for (size_t i = 0; ers_map_next(&p->self->loc, &i, &key, &val);) {
		enum export_limit lim = LIMIT_NONE;
		const struct ers_attrs *a = export_route(w, p, key, val, &lim);
		n += a && (p->ibgp || !ers_attrs_has_asn(a, p->remote->self->asn));
	}
	return n;
}

/* ---- session and speaker transitions ----------------------------- */

void ers_rib_peer_up(struct ers_world *w, struct ers_peer *p)
{
	uint32_t key;
	void *val;

	for (size_t i = 0; ers_map_next(&p->self->loc, &i, &key, &val);)
		ers_peer_want_send(w, p, key);
}

void ers_rib_peer_down(struct ers_world *w, struct ers_peer *p)
{
	struct ers_map in = p->adj_in;
	uint32_t key;
	void *val;

	/* Detach first so the decision process no longer sees these routes. */
	ers_map_init(&p->adj_in);
	p->n_accepted = 0;
	ers_map_clear(&p->adj_out);
	ers_map_clear(&p->pending);
	for (size_t i = 0; ers_map_next(&in, &i, &key, &val);)
		rib_in_remove(p->self, key, p);
	for (size_t i = 0; ers_map_next(&in, &i, &key, &val);)
		ers_rib_decide(w, p->self, key);
	ers_map_release(&in);
}

void ers_rib_speaker_down(struct ers_world *w, struct ers_speaker *s)
{
	uint32_t key;
	void *val;

	for (size_t i = 0; ers_map_next(&s->loc, &i, &key, &val);) {
		uint64_t was = ((struct ers_loc *)val)->state;
		free(val);
		best_changed(w, s, key, was, NULL);
	}
	ers_map_clear(&s->loc);
	exports_stale(w);
	s->n_learned = 0;
	s->over_limit_reported = false;
	s->limit_refused = false;
}

void ers_rib_speaker_up(struct ers_world *w, struct ers_speaker *s)
{
	uint32_t key;
	void *val;

	for (size_t i = 0; ers_map_next(&s->local, &i, &key, &val);)
		ers_rib_decide(w, s, key);
}
