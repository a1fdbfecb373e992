/*
 * world.c - builds what runs from a checked scenario: one node per
 * physical router, one speaker per routing instance, links and the BGP
 * sessions over them (see world.h for the shapes, docs/model.md for the
 * choices).
 *
 *   CE --circuit link-- MSEE a/b (one VRF speaker per circuit) --backbone-- gateway
 *   CE --access-- PE --circuit link-- MSEE          (layer-3 provider)
 *   MSEE VRF --Global Reach (iBGP, AS 12076)-- other circuit's MSEE VRF
 *   CE --internal (iBGP mesh)-- CE;  CE --site-link-- CE;  CE --vpn-- gateway
 *
 * MSEE nodes are named <location>-<pair>/a|b and shared by every circuit
 * on that pair, so they share its fate; their VRFs never share routes.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ersim/bgp.h"
#include "ersim/expressroute.h"
#include "ersim/msft_peering.h"
#include "ersim/target.h"
#include "ersim/units.h"
#include "ersim/util.h"

/* Microsoft's side of a private peering: fixed timers (facts sheet 2). */
#define MSEE_KEEPALIVE (60 * ERS_S)
#define MSEE_HOLD (180 * ERS_S)
#define MSEE_BFD_INTERVAL (300 * ERS_MS)

/* Grow a dynamic array *v of *cap elements to hold n + 1. */
static int reserve(void **v, size_t *cap, size_t n, size_t elem)
{
	if (n < *cap)
		return 0;
	size_t c = *cap ? 2 * *cap : 16;
	void *p = realloc(*v, c * elem);
	if (!p)
		return -1;
	*v = p;
	*cap = c;
	return 0;
}

static int push_index(size_t **v, size_t *n, size_t x)
{
	size_t *p = realloc(*v, (*n + 1) * sizeof *p);

	if (!p)
		return -1;
	p[(*n)++] = x;
	*v = p;
	return 0;
}

bool ers_link_usable(const struct ers_world *w, const struct ers_net_link *l)
{
	return !l->down && !w->nodes[l->a].down && !w->nodes[l->b].down;
}

/* ---- nodes, speakers, links ------------------------------------- */

/* MSEE nodes are shared by the circuits on their pair; every other node
 * id is unique by construction (site/router, circuit/pe-role, vnet/gw). */
static long find_msee(const struct ers_world *w, const char *id)
{
	for (size_t i = 0; i < w->n_nodes; i++)
		if (w->nodes[i].kind == ERS_NODE_MSEE && !strcmp(w->nodes[i].id, id))
			return (long)i;
	return -1;
}

/* Add a node (taking id) or, for an MSEE, return the existing one. */
static long add_node(struct ers_world *w, char *id, enum ers_node_kind kind)
{
	long i;

	if (!id)
		return -1;
	if (kind == ERS_NODE_MSEE && (i = find_msee(w, id)) >= 0) {
		free(id);
		return i;
	}
	if (reserve((void **)&w->nodes, &w->cap_nodes, w->n_nodes, sizeof *w->nodes)) {
		free(id);
		return -1;
	}
	memset(&w->nodes[w->n_nodes], 0, sizeof w->nodes[0]);
	w->nodes[w->n_nodes].id = id;
	w->nodes[w->n_nodes].kind = kind;
	return (long)w->n_nodes++;
}

/* The decision settings of a speaker (docs/model.md, "Tie-breaks"). */
static void set_decision(struct ers_speaker *sp, struct ers_decision_cfg d)
{
	sp->tie_oldest = d.tie_break == ERS_TIE_OLDEST;
	sp->always_compare_med = d.always_compare_med > 0;
}


static struct ers_speaker *add_speaker(struct ers_world *w, long node, char *id,
				       enum ers_speaker_kind kind, uint32_t asn)
{
	struct ers_speaker *s;
	struct ers_node *n;

	if (node < 0 || !id || !(s = calloc(1, sizeof *s))) {
		free(id);
		return NULL;
	}
	n = &w->nodes[node];
	struct ers_speaker **ns = realloc(n->speakers, (n->n_speakers + 1) * sizeof *ns);
	if (ns)
		n->speakers = ns;
	if (!ns || reserve((void **)&w->speakers, &w->cap_speakers, w->n_speakers, sizeof s)) {
		free(id);
		free(s);
		return NULL;
	}
	s->w = w;
	s->id = id;
	s->kind = kind;
	s->node = (size_t)node;
	s->asn = asn;
	s->circuit = s->site = s->vnet = -1;
	s->index = w->n_speakers;
	s->prefix_delay = ERS_PREFIX_DELAY_DEFAULT;
	s->fib_delay = 0;
	ers_map_init(&s->local);
	ers_map_init(&s->loc);
	w->speakers[w->n_speakers++] = s;
	n->speakers[n->n_speakers++] = s;
	return s;
}

static long add_link(struct ers_world *w, enum ers_link_kind kind, long a, long b,
		     ers_time_t delay, bool interface_carrier)
{
	struct ers_net_link *l;

	if (a < 0 || b < 0 ||
	    reserve((void **)&w->links, &w->cap_links, w->n_links, sizeof *w->links))
		return -1;
	l = &w->links[w->n_links];
	memset(l, 0, sizeof *l);
	l->kind = kind;
	l->a = (size_t)a;
	l->b = (size_t)b;
	l->delay = delay > 0 ? delay : 1;
	l->interface_carrier = interface_carrier;
	l->circuit = l->role = l->obj = l->obj2 = -1;
	if (push_index(&w->nodes[a].links, &w->nodes[a].n_links, w->n_links) ||
	    push_index(&w->nodes[b].links, &w->nodes[b].n_links, w->n_links))
		return -1;
	return (long)w->n_links++;
}

static void init_peer(struct ers_peer *p, struct ers_speaker *self,
		      struct ers_peer *remote, struct ers_session *ss)
{
	p->self = self;
	p->remote = remote;
	p->session = ss;
	p->role = ERS_PEER_PLAIN;
	ers_map_init(&p->adj_in);
	ers_map_init(&p->adj_out);
	ers_map_init(&p->pending);
}

static int attach_peer(struct ers_speaker *s, struct ers_peer *p)
{
	struct ers_peer **v = realloc(s->peers, (s->n_peers + 1) * sizeof *v);

	if (!v)
		return -1;
	v[s->n_peers++] = p;
	s->peers = v;
	return 0;
}

/*
 * Effective BGP settings are shared between the session ends that have
 * the same ones (at Internet scale, nearly all): a peer points at one.
 */
static const struct ers_bgp_cfg *share_cfg(struct ers_world *w, const struct ers_bgp_cfg *c)
{
	struct ers_bgp_cfg k, **v;

	memset(&k, 0, sizeof k);	/* padding compares equal too */
	k.keepalive = c->keepalive;
	k.hold = c->hold;
	k.mrai = c->mrai;
	k.processing_delay = c->processing_delay;
	k.connect_retry = c->connect_retry;
	k.mrai_withdrawals = c->mrai_withdrawals;
	for (size_t i = 0; i < w->n_cfgs; i++)
		if (!memcmp(w->cfgs[i], &k, sizeof k))
			return w->cfgs[i];
	if (!(v = realloc(w->cfgs, (w->n_cfgs + 1) * sizeof *v)))
		return NULL;
	w->cfgs = v;
	if (!(v[w->n_cfgs] = malloc(sizeof k)))
		return NULL;
	*v[w->n_cfgs] = k;
	return v[w->n_cfgs++];
}

/* The MSEE side of private peering and of gateway sessions: keepalive
 * 60 s and hold 180 s, fixed (facts sheet 2). */
static const struct ers_bgp_cfg *msee_cfg(struct ers_world *w, const struct ers_bgp_cfg *c)
{
	struct ers_bgp_cfg m = *c;

	m.keepalive = MSEE_KEEPALIVE;
	m.hold = MSEE_HOLD;
	return share_cfg(w, &m);
}

/* A session between a and b over link; both ends get the scenario's
 * defaults, callers adjust. */
static struct ers_session *add_session(struct ers_world *w, struct ers_speaker *a,
				       struct ers_speaker *b, long link)
{
	struct ers_session *ss;

	if (!a || !b || link < 0 || !(ss = calloc(1, sizeof *ss)))
		return NULL;
	if (reserve((void **)&w->sessions, &w->cap_sessions, w->n_sessions, sizeof ss) ||
	    push_index(&w->links[link].sessions, &w->links[link].n_sessions, w->n_sessions)) {
		free(ss);
		return NULL;
	}
	init_peer(&ss->end[0], a, &ss->end[1], ss);
	init_peer(&ss->end[1], b, &ss->end[0], ss);
	ss->end[0].ibgp = ss->end[1].ibgp = a->asn == b->asn;
	ss->end[0].bgp = ss->end[1].bgp = share_cfg(w, &w->s->bgp);
	if (!ss->end[0].bgp) {
		free(ss);
		return NULL;
	}
	ss->link = (size_t)link;
	ss->index = w->n_sessions;
	w->sessions[w->n_sessions++] = ss;
	if (attach_peer(a, &ss->end[0]) || attach_peer(b, &ss->end[1]))
		return NULL;
	return ss;
}

/* Apply a link's session settings (policies, timers) to one end. */
static int configure_end(struct ers_world *w, struct ers_peer *p,
			 const struct ers_session_cfg *cfg)
{
	struct ers_bgp_cfg eff = ers_bgp_cfg_merge(&w->s->bgp, &cfg->bgp);

	p->import = &cfg->import;
	p->export = &cfg->export;
	p->bgp = share_cfg(w, &eff);
	return p->bgp ? 0 : -1;
}

/* BFD runs when the customer's end enables it (the MSEE side always has
 * it on for private peering): the slower interval of the two applies. */
static void enable_bfd(struct ers_world *w, struct ers_session *ss,
		       const struct ers_session_cfg *over, ers_time_t other_interval)
{
	struct ers_bfd_cfg b = ers_bfd_cfg_merge(&w->s->bfd, &over->bfd);
	const struct ers_bfd_cfg *cfg = &b;

	if (!cfg->enabled)
		return;
	ss->bfd = true;
	ss->bfd_interval = cfg->interval > other_interval ? cfg->interval : other_interval;
	ss->bfd_mult = cfg->multiplier;
}

static int make_msee_end(struct ers_world *w, struct ers_peer *p, const struct ers_circuit *c)
{
	p->role = ERS_PEER_CUSTOMER;
	p->max_prefix = ers_circuit_max_prefix(c);
	p->bgp = msee_cfg(w, p->bgp);
	return p->bgp ? 0 : -1;
}

/* ---- the pieces of a scenario ------------------------------------ */

/* Does any router of an AS's sites say route-reflector="true|false"? Then
 * the AS's iBGP design is explicit; else the default applies (both ends
 * of a same-AS site-link reflect to each other). any_asn: does any router
 * of the scenario say it (Internet-sized scenarios never do, so the per-AS
 * pass runs only when one does). */
static bool rr_explicit(const struct ers_scenario *s, uint32_t asn, bool any_asn)
{
	for (size_t i = 0; i < s->n_sites; i++) {
		if (!any_asn && s->sites[i].asn != asn)
			continue;
		for (size_t r = 0; r < s->sites[i].n_routers; r++)
			if (s->sites[i].routers[r].has_route_reflector)
				return true;
	}
	return false;
}

/* Is the neighbour at the far end of p a route-reflector client of p's
 * router? Explicit design: a reflector's iBGP neighbours that are not
 * reflectors themselves. Default: the two ends of a same-AS site-link
 * (site-link = true), never the site's own mesh. */
static bool rr_client_of(const struct ers_peer *p, bool site_link)
{
	if (!p->ibgp)
		return false;
	if (p->self->rr_explicit)
		return p->self->reflector && !p->remote->self->reflector;
	return site_link;
}

static int build_sites(struct ers_world *w)
{
	const struct ers_scenario *s = w->s;
	bool any = rr_explicit(s, 0, true);

	w->site_speakers = calloc(s->n_sites ? s->n_sites : 1, sizeof *w->site_speakers);
	if (!w->site_speakers)
		return -1;
	for (size_t i = 0; i < s->n_sites; i++) {
		const struct ers_site *site = &s->sites[i];
		bool explicit_rr = any && rr_explicit(s, site->asn, false);

		w->site_speakers[i] = calloc(site->n_routers, sizeof(struct ers_speaker *));
		if (!w->site_speakers[i])
			return -1;
		for (size_t r = 0; r < site->n_routers; r++) {
			const struct ers_router *rt = &site->routers[r];
			long n = add_node(w, strdup(rt->full_id), ERS_NODE_CE);
			struct ers_speaker *sp = add_speaker(w, n, strdup(rt->full_id),
							     ERS_SPK_CE, site->asn);
			if (!sp)
				return -1;
			sp->site = (int)i;
			sp->multipath = site->multipath;
			sp->proc_delay = rt->processing_delay;
			if (rt->has_prefix_delay)
				sp->prefix_delay = rt->prefix_delay;
			sp->fib_delay = rt->fib_delay;
			sp->router_id = rt->has_router_id ? rt->router_id
				: ers_default_router_id(10, i, r);
			sp->reflector = rt->route_reflector;
			sp->cluster_id = rt->has_cluster_id ? rt->cluster_id : sp->router_id;
			sp->rr_explicit = explicit_rr;
			set_decision(sp, ers_scenario_decision(s, (int)i, (int)r));
			w->site_speakers[i][r] = sp;
		}
	}
	return 0;
}

int ers_world_originate(struct ers_world *w, struct ers_speaker *sp, struct ers_prefix p)
{
	struct ers_attrs_tmpl t = { .origin = ERS_ORIGIN_IGP,
				    .local_pref = ERS_LOCAL_PREF_DEFAULT };
	const struct ers_attrs *a = ers_attrs_intern(&w->attrs, &t);
	int64_t id = ers_prefix_id(&w->prefixes, p);

	if (!a || id < 0)
		return -1;
	return ers_map_put(&sp->local, (uint32_t)id, (void *)a);
}

static int build_origins(struct ers_world *w)
{
	for (size_t i = 0; i < w->s->n_sites; i++) {
		const struct ers_site *site = &w->s->sites[i];
		for (size_t o = 0; o < site->n_origins; o++) {
			const struct ers_origin *org = &site->origins[o];
			for (uint32_t k = 0; k < org->count; k++) {
				struct ers_prefix p;
				if (!ers_prefix_nth(org->first, k, &p))
					break;
				for (size_t r = 0; r < site->n_routers; r++)
					if ((org->router < 0 || (size_t)org->router == r) &&
					    ers_world_originate(w, w->site_speakers[i][r], p))
						return -1;
			}
		}
	}
	return 0;
}

static struct ers_speaker *msee_vrf(struct ers_world *w, size_t ci, int side)
{
	const struct ers_circuit *c = &w->s->circuits[ci];
	char *node_id = ers_msee_id(ers_circuit_side_location(w->cat, c, side), c->msee_pair,
				    side);
	long n = add_node(w, node_id, ERS_NODE_MSEE);
	struct ers_speaker *sp;

	if (n < 0)
		return NULL;
	sp = add_speaker(w, n, ers_asprintf("%s@%s", w->nodes[n].id, c->id), ERS_SPK_MSEE,
			 ERS_ASN_MICROSOFT);
	if (sp) {
		sp->circuit = (int)ci;
		sp->router_id = c->links[side].has_msee_router_id ?
			c->links[side].msee_router_id : ers_default_router_id(12, ci, side);
		set_decision(sp, ers_scenario_decision(w->s, -1, -1));
	}
	return sp;
}

static long circuit_link(struct ers_world *w, size_t ci, int side, long a, long b)
{
	const struct ers_circuit *c = &w->s->circuits[ci];
	const struct ers_link *l = &c->links[side];
	bool iface = ers_link_carrier(w->s, c, l) == ERS_CARRIER_INTERFACE;
	long li = add_link(w, ERS_LINK_CIRCUIT, a, b, l->delay, iface);

	if (li < 0)
		return -1;
	w->links[li].circuit = (int)ci;
	w->links[li].role = side;
	w->links[li].bandwidth = c->bandwidth;
	w->links[li].name = ers_asprintf("link:%s/%s", c->id, ers_role_str(side));
	return w->links[li].name ? li : -1;
}

/* Layer 2 and Direct: the CE peers with the MSEE over the circuit link. */
static int build_direct_side(struct ers_world *w, size_t ci, int side,
			     struct ers_speaker *ce, struct ers_speaker *msee)
{
	const struct ers_circuit *c = &w->s->circuits[ci];
	long li = circuit_link(w, ci, side, (long)ce->node, (long)msee->node);
	struct ers_session *ss = add_session(w, ce, msee, li);

	if (!ss || configure_end(w, &ss->end[0], &c->links[side].cfg) ||
	    make_msee_end(w, &ss->end[1], c))
		return -1;
	enable_bfd(w, ss, &c->links[side].cfg, MSEE_BFD_INTERVAL);
	return 0;
}

/* Layer 3: CE - PE (access) and PE - MSEE (the circuit link). */
static int build_layer3_side(struct ers_world *w, size_t ci, int side,
			     struct ers_speaker *ce, struct ers_speaker *msee)
{
	const struct ers_circuit *c = &w->s->circuits[ci];
	const struct ers_provider *pv = &w->s->providers[c->provider];
	long pn = add_node(w, ers_asprintf("%s/pe-%s", c->id, ers_role_str(side)), ERS_NODE_PE);
	struct ers_speaker *pe = add_speaker(w, pn, pn >= 0 ? strdup(w->nodes[pn].id) : NULL,
					     ERS_SPK_PE, pv->asn);
	long access, li;
	struct ers_session *ss;

	if (!pe)
		return -1;
	pe->router_id = c->links[side].has_pe_router_id ? c->links[side].pe_router_id :
		ers_default_router_id(13, ci, side);
	set_decision(pe, ers_scenario_decision(w->s, -1, -1));
	access = add_link(w, ERS_LINK_ACCESS, (long)ce->node, pn, c->links[side].delay, true);
	ss = add_session(w, ce, pe, access);
	if (!ss || configure_end(w, &ss->end[0], &c->links[side].cfg))
		return -1;
	li = circuit_link(w, ci, side, pn, (long)msee->node);
	ss = add_session(w, pe, msee, li);
	if (!ss || configure_end(w, &ss->end[0], &c->links[side].cfg) ||
	    make_msee_end(w, &ss->end[1], c))
		return -1;
	/* The customer's policies stay on the CE; the PE only carries. */
	ss->end[0].import = ss->end[0].export = NULL;
	enable_bfd(w, ss, &c->links[side].cfg, MSEE_BFD_INTERVAL);
	return 0;
}

static int build_circuits(struct ers_world *w)
{
	w->msee_vrfs = calloc(2 * (w->s->n_circuits ? w->s->n_circuits : 1), sizeof *w->msee_vrfs);
	if (!w->msee_vrfs)
		return -1;
	for (size_t ci = 0; ci < w->s->n_circuits; ci++) {
		const struct ers_circuit *c = &w->s->circuits[ci];
		bool layer3 = w->s->providers[c->provider].model == ERS_PROVIDER_LAYER3;

		for (int side = 0; side < 2; side++) {
			const struct ers_router_ref *r = &c->links[side].ce;
			struct ers_speaker *ce = w->site_speakers[r->site][r->router];
			struct ers_speaker *msee = msee_vrf(w, ci, side);

			if (!msee)
				return -1;
			w->msee_vrfs[2 * ci + side] = msee;
			if ((layer3 ? build_layer3_side : build_direct_side)(w, ci, side, ce, msee))
				return -1;
		}
	}
	return 0;
}

static ers_time_t location_region_delay(const struct ers_world *w, const char *loc,
					const char *region)
{
	const struct ers_location *l = ers_catalog_location(w->cat, loc);
	const struct ers_region *r = ers_catalog_region(w->cat, region);

	if (!l || !r)
		return ERS_MS;
	return ers_geo_latency(ers_geo_distance_km(l->lat, l->lon, r->lat, r->lon));
}

static int connect_vnet(struct ers_world *w, size_t vi, size_t k, struct ers_speaker *gw)
{
	const struct ers_vnet *v = &w->s->vnets[vi];
	const struct ers_connection *conn = &v->connections[k];

	for (int side = 0; side < 2; side++) {
		struct ers_speaker *msee = w->msee_vrfs[2 * conn->circuit + side];
		const char *loc = ers_circuit_side_location(w->cat, &w->s->circuits[conn->circuit], side);
		long li = add_link(w, ERS_LINK_BACKBONE, (long)msee->node, (long)gw->node,
				   location_region_delay(w, loc, v->region), true);
		struct ers_session *ss;

		if (li < 0)
			return -1;
		w->links[li].obj = (int)vi;
		w->links[li].obj2 = (int)k;
		w->links[li].circuit = conn->circuit;
		w->links[li].role = side;
		w->links[li].name = ers_asprintf("connection:%s+%s", v->id,
					      w->s->circuits[conn->circuit].id);
		ss = add_session(w, msee, gw, li);
		if (!ss || !w->links[li].name)
			return -1;
		ss->end[0].role = ERS_PEER_GATEWAY;
		/* More VNet prefixes than a connection carries take it down
		 * (facts 3.1): the MSEE's prefix limit does that. */
		ss->end[0].max_prefix = (uint32_t)ers_er_limit_value(ERS_ER_GW_ADVERTISED);
		ss->end[0].bgp = ss->end[1].bgp = msee_cfg(w, ss->end[0].bgp);
		if (!ss->end[0].bgp)
			return -1;
		ss->end[1].role = ERS_PEER_MSEE;
		ss->end[1].conn_weight = conn->weight;
		ss->gw_conv = &w->gw_convs[vi];
	}
	return 0;
}

static int build_vnets(struct ers_world *w)
{
	w->gw_speakers = calloc(w->s->n_vnets ? w->s->n_vnets : 1, sizeof *w->gw_speakers);
	w->gw_convs = calloc(w->s->n_vnets ? w->s->n_vnets : 1, sizeof *w->gw_convs);
	w->gw_load = calloc(w->s->n_vnets ? w->s->n_vnets : 1, sizeof *w->gw_load);
	if (!w->gw_speakers || !w->gw_convs || !w->gw_load)
		return -1;
	for (size_t vi = 0; vi < w->s->n_vnets; vi++) {
		const struct ers_vnet *v = &w->s->vnets[vi];
		long n = add_node(w, ers_asprintf("%s/gw", v->id), ERS_NODE_GW);
		struct ers_speaker *gw = add_speaker(w, n, n >= 0 ? strdup(w->nodes[n].id) : NULL,
						     ERS_SPK_GW, ERS_ASN_GATEWAY);
		if (!gw)
			return -1;
		gw->vnet = (int)vi;
		gw->router_id = v->has_gw_router_id ? v->gw_router_id :
			ers_default_router_id(14, vi, 0);
		gw->route_limit = ers_er_gw_route_limit(v);
		w->gw_convs[vi] = ers_gw_conv_merge(&w->s->gw_conv, &v->gw_conv);
		w->gw_speakers[vi] = gw;
		for (size_t k = 0; k < v->n_prefixes; k++)
			if (ers_world_originate(w, gw, v->prefixes[k]))
				return -1;
		for (size_t k = 0; k < v->n_connections; k++)
			if (connect_vnet(w, vi, k, gw))
				return -1;
	}
	return 0;
}

static int build_global_reach(struct ers_world *w)
{
	for (size_t i = 0; i < w->s->n_global_reach; i++) {
		const struct ers_global_reach *g = &w->s->global_reach[i];
		const struct ers_circuit *ca = &w->s->circuits[g->a], *cb = &w->s->circuits[g->b];

		for (int side = 0; side < 2; side++) {
			struct ers_speaker *a = w->msee_vrfs[2 * g->a + side];
			struct ers_speaker *b = w->msee_vrfs[2 * g->b + side];
			const struct ers_location *la =
				ers_catalog_location(w->cat, ers_circuit_side_location(w->cat, ca, side));
			const struct ers_location *lb =
				ers_catalog_location(w->cat, ers_circuit_side_location(w->cat, cb, side));
			ers_time_t d = la && lb ? ers_geo_latency(ers_geo_distance_km(
				la->lat, la->lon, lb->lat, lb->lon)) : ERS_MS;
			long li = add_link(w, ERS_LINK_GLOBAL_REACH, (long)a->node,
					   (long)b->node, d, true);
			struct ers_session *ss;

			if (li < 0)
				return -1;
			w->links[li].obj = (int)i;
			w->links[li].role = side;
			w->links[li].bandwidth = ca->bandwidth < cb->bandwidth ? ca->bandwidth
									    : cb->bandwidth;
			w->links[li].name = ers_asprintf("global-reach:%s+%s", ca->id, cb->id);
			ss = add_session(w, a, b, li);
			if (!ss || !w->links[li].name)
				return -1;
			ss->end[0].role = ss->end[1].role = ERS_PEER_GLOBAL_REACH;
		}
	}
	return 0;
}

static int build_site_mesh(struct ers_world *w)
{
	for (size_t i = 0; i < w->s->n_sites; i++) {
		const struct ers_site *site = &w->s->sites[i];
		for (size_t a = 0; a < site->n_routers; a++)
			for (size_t b = a + 1; b < site->n_routers; b++) {
				struct ers_speaker *x = w->site_speakers[i][a];
				struct ers_speaker *y = w->site_speakers[i][b];
				long li = add_link(w, ERS_LINK_INTERNAL, (long)x->node,
						   (long)y->node, site->internal_delay, true);
				struct ers_session *ss = add_session(w, x, y, li);
				if (!ss)
					return -1;
				ss->end[0].igp_cost = ss->end[1].igp_cost = 1;
				ss->end[0].rr_client = rr_client_of(&ss->end[0], false);
				ss->end[1].rr_client = rr_client_of(&ss->end[1], false);
			}
	}
	return 0;
}

static int build_site_links(struct ers_world *w)
{
	for (size_t i = 0; i < w->s->n_site_links; i++) {
		const struct ers_site_link *sl = &w->s->site_links[i];
		struct ers_speaker *a = w->site_speakers[sl->a.site][sl->a.router];
		struct ers_speaker *b = w->site_speakers[sl->b.site][sl->b.router];
		long li = add_link(w, ERS_LINK_SITE, (long)a->node, (long)b->node, sl->delay,
				   ers_site_link_carrier(w->s, sl) == ERS_CARRIER_INTERFACE);
		struct ers_session *ss = add_session(w, a, b, li);

		if (!ss)
			return -1;
		w->links[li].obj = (int)i;
		w->links[li].name = ers_asprintf("site-link:%s+%s", a->id, b->id);
		/* b is sl->rel to a; a is the inverse to b. */
		ss->end[0].rel = sl->rel;
		ss->end[1].rel = sl->rel == ERS_REL_CUSTOMER ? ERS_REL_PROVIDER
			: sl->rel == ERS_REL_PROVIDER ? ERS_REL_CUSTOMER : sl->rel;
		for (int e = 0; e < 2; e++) {
			if (configure_end(w, &ss->end[e], &sl->cfg))
				return -1;
			ss->end[e].igp_cost = sl->cost;
			/* Between routers of one AS: reflect, or the sites' own
			 * meshes would never hear of each other's routes. */
			ss->end[e].rr_client = rr_client_of(&ss->end[e], true);
		}
		enable_bfd(w, ss, &sl->cfg, 0);
	}
	return 0;
}

static int build_vpns(struct ers_world *w)
{
	for (size_t i = 0; i < w->s->n_vpns; i++) {
		const struct ers_vpn *v = &w->s->vpns[i];
		struct ers_speaker *ce = w->site_speakers[v->ce.site][v->ce.router];
		struct ers_speaker *gw = w->gw_speakers[v->vnet];
		/* Over the internet: a failure is seen only by BGP. */
		long li = add_link(w, ERS_LINK_VPN, (long)ce->node, (long)gw->node, v->delay, false);
		struct ers_session *ss = add_session(w, ce, gw, li);

		if (!ss)
			return -1;
		w->links[li].obj = (int)i;
		w->links[li].name = ers_asprintf("vpn:%s", v->id);
		if (configure_end(w, &ss->end[0], &v->cfg))
			return -1;
		ss->end[1].role = ERS_PEER_VPN;
		ss->end[1].vpn = true;
		/* No BFD, even when <defaults> enable it: the facts give BFD
		 * for ExpressRoute peerings only (check.c refuses it here). */
	}
	return 0;
}

/* Size the link and session arrays once: at Internet scale, doubling
 * leaves up to half of them unused. Every link carries one session. */
static int presize(struct ers_world *w)
{
	const struct ers_scenario *s = w->s;
	size_t n = s->n_site_links + s->n_vpns + 4 * s->n_circuits + 2 * s->n_global_reach;

	for (size_t i = 0; i < s->n_vnets; i++)
		n += 2 * s->vnets[i].n_connections;
	for (size_t i = 0; i < s->n_sites; i++)
		n += s->sites[i].n_routers * (s->sites[i].n_routers - 1) / 2;
	n++;
	w->links = malloc(n * sizeof *w->links);
	w->sessions = malloc(n * sizeof *w->sessions);
	if (!w->links || !w->sessions)
		return -1;
	w->cap_links = w->cap_sessions = n;
	return 0;
}

enum ers_err ers_world_build(struct ers_world *w, const struct ers_scenario *s,
			     const struct ers_catalog *cat, struct ers_diag *d)
{
	w->s = s;
	w->cat = cat;
	ers_attr_table_init(&w->attrs);
	ers_prefix_table_init(&w->prefixes);
	if (presize(w) || build_sites(w) || build_origins(w) || build_circuits(w) || build_vnets(w) ||
	    build_global_reach(w) || build_site_mesh(w) || build_site_links(w) ||
	    build_vpns(w) || ers_msft_build(w))
		return ers_diag_add(d, ERS_ENOMEM, s->file, 0, NULL,
				    "out of memory while building the network");
	/* RFC 4456: a cluster id defaults to the router id (site routers
	 * may set theirs; the others have one only now). */
	for (size_t i = 0; i < w->n_speakers; i++)
		if (!w->speakers[i]->cluster_id)
			w->speakers[i]->cluster_id = w->speakers[i]->router_id;
	for (size_t i = 0; i < s->n_vnets; i++)
		for (size_t k = 0; k < s->vnets[i].n_prefixes; k++)
			if (ers_prefix_id(&w->prefixes, s->vnets[i].prefixes[k]) < 0)
				return ers_diag_add(d, ERS_ENOMEM, s->file, 0, NULL, "out of memory");
	return ERS_OK;
}

static void release_peer(struct ers_peer *p)
{
	free(p->mrai_timer);
	ers_map_release(&p->adj_in);
	ers_map_release(&p->adj_out);
	ers_map_release(&p->pending);
}

static void release_speaker(struct ers_speaker *s)
{
	uint32_t key;
	void *val;

	for (size_t i = 0; ers_map_next(&s->loc, &i, &key, &val);)
		free(val);
	ers_map_release(&s->loc);
	ers_map_release(&s->local);
	free(s->peers);
	free(s->id);
	free(s);
}

void ers_world_release(struct ers_world *w)
{
	for (size_t i = 0; i < w->n_sessions; i++) {
		release_peer(&w->sessions[i]->end[0]);
		release_peer(&w->sessions[i]->end[1]);
		free(w->sessions[i]);
	}
	for (size_t i = 0; i < w->n_speakers; i++)
		release_speaker(w->speakers[i]);
	for (size_t i = 0; i < w->n_nodes; i++) {
		free(w->nodes[i].id);
		free(w->nodes[i].links);
		free(w->nodes[i].speakers);
	}
	for (size_t i = 0; i < w->n_links; i++) {
		free(w->links[i].name);
		free(w->links[i].sessions);
	}
	if (w->site_speakers)
		for (size_t i = 0; i < w->s->n_sites; i++)
			free(w->site_speakers[i]);
	free(w->site_speakers);
	free(w->gw_speakers);
	free(w->gw_convs);
	free(w->gw_load);
	free(w->msee_vrfs);
	free(w->msft_vrfs);
	free(w->msft_filters);
	for (size_t i = 0; i < w->n_cfgs; i++)
		free(w->cfgs[i]);
	free(w->cfgs);
	free(w->sessions);
	free(w->speakers);
	free(w->nodes);
	free(w->links);
	ers_attr_table_release(&w->attrs);
	ers_prefix_table_release(&w->prefixes);
}

/* ---- for the modules that add to the world (world.h) -------------- */

long ers_world_add_node(struct ers_world *w, char *id, enum ers_node_kind kind)
{
	return add_node(w, id, kind);
}

struct ers_speaker *ers_world_add_speaker(struct ers_world *w, long node, char *id,
					  enum ers_speaker_kind kind, uint32_t asn)
{
	struct ers_speaker *sp = add_speaker(w, node, id, kind, asn);

	if (sp)
		set_decision(sp, ers_scenario_decision(w->s, -1, -1));
	return sp;
}

long ers_world_add_link(struct ers_world *w, enum ers_link_kind kind, long a, long b,
			ers_time_t delay, bool interface_carrier)
{
	return add_link(w, kind, a, b, delay, interface_carrier);
}

struct ers_session *ers_world_add_session(struct ers_world *w, struct ers_speaker *a,
					  struct ers_speaker *b, long link)
{
	return add_session(w, a, b, link);
}

int ers_world_customer_end(struct ers_world *w, struct ers_peer *p,
			   const struct ers_session_cfg *cfg)
{
	return configure_end(w, p, cfg);
}

int ers_world_msee_end(struct ers_world *w, struct ers_peer *p, uint32_t max_prefix)
{
	p->role = ERS_PEER_CUSTOMER;
	p->max_prefix = max_prefix;
	p->bgp = msee_cfg(w, p->bgp);
	return p->bgp ? 0 : -1;
}

void ers_world_msee_bfd(struct ers_world *w, struct ers_session *ss,
			const struct ers_session_cfg *cfg)
{
	enable_bfd(w, ss, cfg, MSEE_BFD_INTERVAL);
}
