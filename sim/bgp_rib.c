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
 * The decision itself is in bgp_decision.c; sessions in bgp_session.c.
 */
#include <stdlib.h>
#include <string.h>

#include "ersim/bgp.h"
#include "ersim/expressroute.h"
#include "ersim/units.h"

#define LOCAL_WEIGHT 32768u	/* originated routes: Cisco/FRR's default */

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

/* First rule whose matches all fit, or NULL (the route passes unchanged). */
static const struct ers_rule *first_fit(const struct ers_policy *pol,
					struct ers_prefix p,
					const struct ers_attrs_tmpl *t)
{
	if (!pol)
		return NULL;
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
	struct ers_prefix pfx = w->prefixes.prefixes[prefix];
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
	if (s->kind == ERS_SPK_MSEE)
		ers_er_msee_import(w, p, &t);
	if (s->kind == ERS_SPK_GW && !p->vpn)
		t.weight = p->conn_weight;
	r = first_fit(p->import, pfx, &t);
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

/* An UPDATE entry enters Adj-RIB-In as it is read off the connection;
 * the decision process runs later (bgp_session.c). Returns whether
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

static size_t gather(struct ers_speaker *s, uint32_t prefix, struct ers_cand *c)
{
	size_t n = 0;
	const struct ers_attrs *a = ers_map_get(&s->local, prefix);

	if (a && !s->w->nodes[s->node].down)
		c[n++] = (struct ers_cand){ .attrs = a, .peer = NULL };
	for (size_t i = 0; i < s->n_peers; i++) {
		struct ers_peer *p = s->peers[i];
		if (p->state != ERS_BGP_ESTABLISHED)
			continue;
		a = ers_map_get(&p->adj_in, prefix);
		if (a)
			c[n++] = (struct ers_cand){ .attrs = a, .peer = p };
	}
	return n;
}

static void explain(struct ers_world *w, struct ers_speaker *s, uint32_t prefix,
		    const struct ers_cand *best, const struct ers_cand *c, size_t n)
{
	char pbuf[24], why[200];

	ers_prefix_str(w->prefixes.prefixes[prefix], pbuf, sizeof pbuf);
	for (size_t i = 0; i < n; i++) {
		if (&c[i] == best)
			continue;
		/* The route that removed this one: the best, or for MED the
		 * lowest of its own neighbour AS. */
		fprintf(w->opts->debug, "%.9f %s: %s %s\n", ers_time_to_s(ers_sim_now(w->sim)),
			s->id, pbuf, ers_bgp_explain(&c[c[i].lost_to], &c[i], c[i].lost,
						     why, sizeof why));
	}
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
		s->over_limit_reported = true;
		ers_observe_notice(w, "gateway-route-limit", s->id,
				   "gateway learned %u routes, its SKU's limit; further prefixes are not installed",
				   s->route_limit);
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
	uint64_t delta = l ? l->state : 0;

	if (!best) {
		ers_map_del(&s->loc, prefix);
		free(l);
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
		l->state = ers_observe_loc_state(s, l);
		delta ^= l->state;
		if (ers_map_put(&s->loc, prefix, l)) {
			w->err = ERS_ENOMEM;
			free(l);
			return;
		}
	}
	s->n_learned += (uint32_t)is_learned - (uint32_t)was_learned;
	if (was_learned && !is_learned)
		room_freed(w, s);
	ers_observe_route_change(w, s, prefix, delta);
	for (size_t i = 0; i < s->n_peers; i++)
		ers_peer_want_send(w, s->peers[i], prefix);
}

void ers_rib_decide(struct ers_world *w, struct ers_speaker *s, uint32_t prefix)
{
	struct ers_cand stack[32], *c = stack, *best = NULL;
	struct ers_peer *set[ERS_MAX_ECMP];
	struct ers_loc *old = ers_map_get(&s->loc, prefix);
	uint8_t n_set = 0;
	size_t n;

	/* One candidate per peer plus a local route. */
	if (s->n_peers + 1 > sizeof stack / sizeof stack[0] &&
	    !(c = malloc((s->n_peers + 1) * sizeof *c))) {
		w->err = ERS_ENOMEM;
		return;
	}
	n = gather(s, prefix, c);

	if (n)
		best = &c[ers_bgp_select(s, c, n, old ? old->best : NULL)];
	if (best && over_route_limit(w, s, old, best))
		best = NULL;
	if (best) {
		/* Explain every decision among several routes, also when the
		 * best one stays: compare reads why a newcomer lost. */
		if (w->opts->debug && n > 1)
			explain(w, s, prefix, best, c, n);
		n_set = ecmp_set(s, best, c, n, set);
		if (old && loc_equal(old, best, set, n_set)) {
			/* Same routes, maybe another reason: flows that pass
			 * here record why (observe.c), no UPDATE goes out. */
			struct ers_loc was = *old;
			loc_reason(old, c, n, best);
			if (was.why != old->why || was.over != old->over ||
			    was.over_attrs != old->over_attrs)
				ers_observe_forwarding_changed(w);
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

const struct ers_attrs *ers_rib_export(struct ers_world *w, struct ers_peer *p,
				       uint32_t prefix)
{
	struct ers_speaker *s = p->self;
	const struct ers_loc *l = ers_map_get(&s->loc, prefix);
	struct ers_attrs_tmpl t;
	const struct ers_rule *r;

	if (!l || !ers_peer_established(p) || !may_export(s, l, p))
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
	r = first_fit(p->export, w->prefixes.prefixes[prefix], &t);
	if (r) {
		if (r->deny)
			return NULL;
		if (r->has_med) {
			t.has_med = true;
			t.med = r->med;
		}
		for (size_t i = 0; i < r->n_communities; i++)
			if (!ers_tmpl_add_comm(&t, r->communities[i])) {
				ers_observe_limit(w, p, prefix, "community-limit",
						  "more than " ERS_STR(ERS_MAX_COMMS) " communities");
				return NULL;
			}
	}
	/* A path longer than one AS_SEQUENCE segment is not sent (the
	 * routers' "maxas-limit"): during path exploration this is what keeps
	 * a withdrawn prefix from circling. */
	if (!p->ibgp &&
	    !ers_tmpl_prepend(&t, s->asn, 1 + (r ? r->prepend : 0) + export_prepends(p))) {
		ers_observe_limit(w, p, prefix, "as-path-limit",
				  "the AS path would pass " ERS_STR(ERS_MAX_PATH) " ASes");
		return NULL;
	}
	return ers_attrs_intern(&w->attrs, &t);
}

uint32_t ers_rib_count_exportable(struct ers_world *w, struct ers_peer *p)
{
	struct ers_speaker *s = p->self;
	int saved = p->state;
	uint32_t n = 0, key;
	void *val;

	/* Count as if the session were up, and only what the remote would
	 * accept: a route whose path holds the remote's AS it drops as a loop
	 * (import), so it never counts against its prefix limit. */
	p->state = ERS_BGP_ESTABLISHED;
	for (size_t i = 0; ers_map_next(&s->loc, &i, &key, &val);) {
		const struct ers_attrs *a = ers_rib_export(w, p, key);
		n += a && (p->ibgp || !ers_attrs_has_asn(a, p->remote->self->asn));
	}
	p->state = saved;
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
		ers_rib_decide(w, p->self, key);
	ers_map_release(&in);
}

void ers_rib_speaker_down(struct ers_world *w, struct ers_speaker *s)
{
	uint32_t key;
	void *val;

	for (size_t i = 0; ers_map_next(&s->loc, &i, &key, &val);) {
		uint64_t state = ((struct ers_loc *)val)->state;
		free(val);
		ers_observe_route_change(w, s, key, state);
	}
	ers_map_clear(&s->loc);
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
