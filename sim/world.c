/*
 * world.c - builds what runs from a checked scenario: the network graph
 * (graph.c) gives the nodes (physical routers) and links, one for one;
 * this file puts the routing instances on them (one speaker per CE, PE
 * and gateway, one VRF speaker per circuit on each MSEE) and one BGP
 * session over each link, configured from the scenario object the link
 * comes from (see world.h for the shapes, docs/model.md for the choices).
 *
 *   CE --circuit link-- MSEE a/b (one VRF speaker per circuit) --backbone-- gateway
 *   CE --access-- PE --circuit link-- MSEE          (layer-3 provider)
 *   MSEE VRF --Global Reach (iBGP, AS 12076)-- other circuit's MSEE VRF
 *   CE --internal (iBGP mesh)-- CE;  CE --site-link-- CE;  CE --vpn-- gateway
 *
 * MSEE nodes are shared by every circuit on their pair, so they share its
 * fate; their VRFs never share routes.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ersim/bgp.h"
#include "ersim/expressroute.h"
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

/* ---- nodes, links, speakers, sessions -------------------------- */

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

/* The graph's nodes and links, one for one, each link on its ends' lists
 * in link order. The world borrows their ids and names. */
static int copy_graph(struct ers_world *w)
{
	const struct ers_graph *g = w->g;

	w->nodes = calloc(g->n_nodes + 1, sizeof *w->nodes);
	w->links = calloc(g->n_links + 1, sizeof *w->links);
	if (!w->nodes || !w->links)
		return -1;
	w->cap_nodes = g->n_nodes + 1;
	w->cap_links = g->n_links + 1;
	for (; w->n_nodes < g->n_nodes; w->n_nodes++) {
		w->nodes[w->n_nodes].id = g->nodes[w->n_nodes].id;
		w->nodes[w->n_nodes].kind = g->nodes[w->n_nodes].kind;
		w->n_routers += g->nodes[w->n_nodes].kind != ERS_NODE_REGION;
	}
	for (; w->n_links < g->n_links; w->n_links++) {
		const struct ers_graph_link *gl = &g->links[w->n_links];
		struct ers_net_link *l = &w->links[w->n_links];

		l->kind = gl->kind;
		l->a = (size_t)gl->a;
		l->b = (size_t)gl->b;
		l->delay = gl->delay > 0 ? gl->delay : 1;	/* events move forward */
		l->interface_carrier = gl->interface_carrier;
		l->bandwidth = gl->bandwidth;
		l->circuit = gl->circuit;
		l->role = gl->role;
		l->obj = gl->obj;
		l->obj2 = gl->obj2;
		l->name = gl->name;
		if (push_index(&w->nodes[l->a].links, &w->nodes[l->a].n_links, w->n_links) ||
		    push_index(&w->nodes[l->b].links, &w->nodes[l->b].n_links, w->n_links))
			return -1;
	}
	return 0;
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

/* ---- speakers ------------------------------------------------------ */

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
			long n = ers_graph_router_node(w->g, (int)i, (int)r);
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

/* Circuit ci's VRF on the MSEE of its link side. */
static struct ers_speaker *msee_vrf(struct ers_world *w, size_t ci, int side)
{
	const struct ers_circuit *c = &w->s->circuits[ci];
	long n = w->g->circ[ci].msee[side];
	struct ers_speaker *sp = add_speaker(w, n, ers_asprintf("%s@%s", w->nodes[n].id, c->id),
					     ERS_SPK_MSEE, ERS_ASN_MICROSOFT);

	if (sp) {
		sp->circuit = (int)ci;
		sp->router_id = c->links[side].has_msee_router_id ?
			c->links[side].msee_router_id : ers_default_router_id(12, ci, side);
		set_decision(sp, ers_scenario_decision(w->s, -1, -1));
	}
	return sp;
}

/* The layer-3 provider's PE of a circuit's link side. */
static int add_pe(struct ers_world *w, size_t ci, int side)
{
	const struct ers_circuit *c = &w->s->circuits[ci];
	long n = w->g->circ[ci].pe[side];
	struct ers_speaker *pe = add_speaker(w, n, strdup(w->nodes[n].id), ERS_SPK_PE,
					     w->s->providers[c->provider].asn);

	if (!pe)
		return -1;
	pe->router_id = c->links[side].has_pe_router_id ? c->links[side].pe_router_id :
		ers_default_router_id(13, ci, side);
	set_decision(pe, ers_scenario_decision(w->s, -1, -1));
	return 0;
}

/* Per circuit and side: the MSEE VRF, then the PE (layer 3). */
static int build_circuits(struct ers_world *w)
{
	w->msee_vrfs = calloc(2 * (w->s->n_circuits ? w->s->n_circuits : 1), sizeof *w->msee_vrfs);
	if (!w->msee_vrfs)
		return -1;
	for (size_t ci = 0; ci < w->s->n_circuits; ci++)
		for (int side = 0; side < 2; side++) {
			if (!(w->msee_vrfs[2 * ci + side] = msee_vrf(w, ci, side)))
				return -1;
			if (w->g->circ[ci].pe[side] >= 0 && add_pe(w, ci, side))
				return -1;
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
		long n = w->g->gw[vi];
		struct ers_speaker *gw = add_speaker(w, n, strdup(w->nodes[n].id), ERS_SPK_GW,
						     ERS_ASN_GATEWAY);
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
	}
	return 0;
}

/* ---- sessions, one per link -------------------------------------- */

/* The routing instance at end node n of link l: an MSEE holds one VRF
 * per circuit, every other node one speaker. */
static struct ers_speaker *speaker_at(struct ers_world *w, const struct ers_net_link *l,
				      size_t n)
{
	const struct ers_graph_node *gn = &w->g->nodes[n];

	switch (gn->kind) {
	case ERS_NODE_CE:
		return w->site_speakers[gn->site][gn->router];
	case ERS_NODE_MSEE:
		return w->msee_vrfs[2 * l->circuit + l->role];
	case ERS_NODE_GW:
		return w->gw_speakers[gn->vnet];
	default:
		return w->nodes[n].n_speakers ? w->nodes[n].speakers[0] : NULL;
	}
}

/* CE-PE (layer 3): the customer's settings on the CE; the PE is plain. */
static int access_session(struct ers_world *w, size_t li)
{
	const struct ers_net_link *l = &w->links[li];
	const struct ers_link *cl = &w->s->circuits[l->circuit].links[l->role];
	struct ers_session *ss = add_session(w, speaker_at(w, l, l->a), speaker_at(w, l, l->b),
					     (long)li);

	return !ss || configure_end(w, &ss->end[0], &cl->cfg) ? -1 : 0;
}

/* CE-MSEE (layer 2, Direct) or PE-MSEE (layer 3): private peering. */
static int circuit_session(struct ers_world *w, size_t li)
{
	const struct ers_net_link *l = &w->links[li];
	const struct ers_circuit *c = &w->s->circuits[l->circuit];
	struct ers_session *ss = add_session(w, speaker_at(w, l, l->a), speaker_at(w, l, l->b),
					     (long)li);

	if (!ss || configure_end(w, &ss->end[0], &c->links[l->role].cfg) ||
	    make_msee_end(w, &ss->end[1], c))
		return -1;
	/* The customer's policies stay on the CE; the PE only carries. */
	if (ss->end[0].self->kind == ERS_SPK_PE)
		ss->end[0].import = ss->end[0].export = NULL;
	enable_bfd(w, ss, &c->links[l->role].cfg, MSEE_BFD_INTERVAL);
	return 0;
}

/* MSEE VRF - gateway: one VNet connection on one side. */
static int connection_session(struct ers_world *w, size_t li)
{
	const struct ers_net_link *l = &w->links[li];
	const struct ers_connection *conn = &w->s->vnets[l->obj].connections[l->obj2];
	struct ers_session *ss = add_session(w, speaker_at(w, l, l->a), speaker_at(w, l, l->b),
					     (long)li);

	if (!ss)
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
	ss->gw_conv = &w->gw_convs[l->obj];
	return 0;
}

/* Global Reach: the two circuits' VRFs on the same side. */
static int global_reach_session(struct ers_world *w, size_t li)
{
	const struct ers_net_link *l = &w->links[li];
	const struct ers_global_reach *g = &w->s->global_reach[l->obj];
	struct ers_session *ss = add_session(w, w->msee_vrfs[2 * g->a + l->role],
					     w->msee_vrfs[2 * g->b + l->role], (long)li);

	if (!ss)
		return -1;
	ss->end[0].role = ss->end[1].role = ERS_PEER_GLOBAL_REACH;
	return 0;
}

/* A site's iBGP mesh. */
static int internal_session(struct ers_world *w, size_t li)
{
	const struct ers_net_link *l = &w->links[li];
	struct ers_session *ss = add_session(w, speaker_at(w, l, l->a), speaker_at(w, l, l->b),
					     (long)li);

	if (!ss)
		return -1;
	ss->end[0].igp_cost = ss->end[1].igp_cost = 1;
	ss->end[0].rr_client = rr_client_of(&ss->end[0], false);
	ss->end[1].rr_client = rr_client_of(&ss->end[1], false);
	return 0;
}

static int site_link_session(struct ers_world *w, size_t li)
{
	const struct ers_net_link *l = &w->links[li];
	const struct ers_site_link *sl = &w->s->site_links[l->obj];
	struct ers_session *ss = add_session(w, speaker_at(w, l, l->a), speaker_at(w, l, l->b),
					     (long)li);

	if (!ss)
		return -1;
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
	return 0;
}

static int vpn_session(struct ers_world *w, size_t li)
{
	const struct ers_net_link *l = &w->links[li];
	const struct ers_vpn *v = &w->s->vpns[l->obj];
	struct ers_session *ss = add_session(w, speaker_at(w, l, l->a), speaker_at(w, l, l->b),
					     (long)li);

	if (!ss || configure_end(w, &ss->end[0], &v->cfg))
		return -1;
	ss->end[1].role = ERS_PEER_VPN;
	ss->end[1].vpn = true;
	/* No BFD, even when <defaults> enable it: the facts give BFD
	 * for ExpressRoute peerings only (check.c refuses it here). */
	return 0;
}

/* One session over every link, in link order (so sessions are numbered
 * as links are). */
static int build_sessions(struct ers_world *w)
{
	w->sessions = malloc((w->n_links + 1) * sizeof *w->sessions);
	if (!w->sessions)
		return -1;
	w->cap_sessions = w->n_links + 1;
	for (size_t li = 0; li < w->n_links; li++) {
		int rc = -1;

		switch (w->links[li].kind) {
		case ERS_LINK_ACCESS:		rc = access_session(w, li); break;
		case ERS_LINK_CIRCUIT:		rc = circuit_session(w, li); break;
		case ERS_LINK_BACKBONE:		rc = connection_session(w, li); break;
		case ERS_LINK_GLOBAL_REACH:	rc = global_reach_session(w, li); break;
		case ERS_LINK_INTERNAL:		rc = internal_session(w, li); break;
		case ERS_LINK_SITE:		rc = site_link_session(w, li); break;
		case ERS_LINK_VPN:		rc = vpn_session(w, li); break;
		}
		if (rc)
			return -1;
	}
	return 0;
}

enum ers_err ers_world_build(struct ers_world *w, const struct ers_scenario *s,
			     const struct ers_catalog *cat, struct ers_diag *d)
{
	enum ers_err rc;

	w->s = s;
	w->cat = cat;
	ers_attr_table_init(&w->attrs);
	ers_prefix_table_init(&w->prefixes);
	if ((rc = ers_graph_build(s, cat, &w->g, d)))
		return rc;		/* the graph says why */
	/* Speakers in a fixed order (sites, circuits, VNets) and prefixes
	 * numbered as originated (sites, then VNets). */
	if (copy_graph(w) || build_sites(w) || build_origins(w) || build_circuits(w) ||
	    build_vnets(w) || build_sessions(w))
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
		free(w->nodes[i].links);
		free(w->nodes[i].speakers);
	}
	for (size_t i = 0; i < w->n_links; i++)
		free(w->links[i].sessions);
	if (w->site_speakers)
		for (size_t i = 0; i < w->s->n_sites; i++)
			free(w->site_speakers[i]);
	free(w->site_speakers);
	free(w->gw_speakers);
	free(w->gw_convs);
	free(w->gw_load);
	free(w->msee_vrfs);
	for (size_t i = 0; i < w->n_cfgs; i++)
		free(w->cfgs[i]);
	free(w->cfgs);
	free(w->sessions);
	free(w->speakers);
	free(w->nodes);
	free(w->links);
	ers_graph_free(w->g);
	ers_attr_table_release(&w->attrs);
	ers_prefix_table_release(&w->prefixes);
}
