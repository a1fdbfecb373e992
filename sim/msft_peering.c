/*
 * msft_peering.c - ExpressRoute's Microsoft peering (facts 3.1, 6.1-6.4,
 * 6.6, 10). It owns what the simulator adds for a circuit's
 * <microsoft-peering>: a second VRF on each of the circuit's MSEEs (beside
 * the private peering's, sharing the MSEE's fate, never its routes) with
 * its own eBGP session to the customer's router (the CE, or a layer-3
 * provider's PE) over the same circuit link, and Microsoft's network
 * behind those VRFs: one router ("microsoft", AS 12076) that originates
 * the prefixes of every <microsoft-service> with the service's community
 * and its region's 12076:51xxx, and that chooses among the circuits'
 * links for traffic to the customer's public prefixes. The rules: the
 * customer advertises only routes inside its registered public prefixes
 * (per link with per-link NAT), at most 200 a session (above, the
 * session drops as on private peering); Microsoft strips private ASNs
 * from what it receives, so private-ASN prepending does nothing; it
 * passes the services' routes to a circuit only as its route filter
 * selects them, none until one is attached (in the file or by a
 * <route-filter> event). Flows to and from services, notices, and
 * maintenance on these sessions are here too. docs/model.md says
 * what is simplified.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ersim/bgp.h"
#include "ersim/expressroute.h"
#include "ersim/msft_peering.h"
#include "ersim/observe.h"
#include "ersim/units.h"
#include "ersim/util.h"

/* ---- building ------------------------------------------------------ */

/* The region's Microsoft-peering community: its private-peering value
 * 12076:50xxx with category digit 1 (facts 6.1), or 0 when unknown. */
static ers_community_t region_community(const struct ers_world *w, const char *region)
{
	const struct ers_region *r = ers_catalog_region(w->cat, region);

	if (!r || r->community < 50000 || r->community > 50999)
		return 0;
	return ERS_ASN_MICROSOFT << 16 | (r->community + 1000);
}

static int originate_service(struct ers_world *w, const struct ers_ms_service *m)
{
	ers_community_t rc = region_community(w, m->region);

	for (size_t k = 0; k < m->n_prefixes; k++) {
		struct ers_attrs_tmpl t = { .origin = ERS_ORIGIN_IGP,
					    .local_pref = ERS_LOCAL_PREF_DEFAULT };
		int64_t id = ers_prefix_id(&w->prefixes, m->prefixes[k]);
		const struct ers_attrs *old, *a;

		if (id < 0)
			return -1;
		/* Two services may share a prefix: it carries both tags. */
		if ((old = ers_map_get(&w->msft_core->local, (uint32_t)id)))
			ers_attrs_to_tmpl(old, &t);
		ers_tmpl_add_comm(&t, m->community);
		if (rc)
			ers_tmpl_add_comm(&t, rc);
		if (!(a = ers_attrs_intern(&w->attrs, &t)) ||
		    ers_map_put(&w->msft_core->local, (uint32_t)id, (void *)a))
			return -1;
	}
	return 0;
}

static int build_core(struct ers_world *w)
{
	struct ers_speaker *core = ers_world_add_speaker(w, w->g->microsoft, strdup("microsoft"),
							 ERS_SPK_MICROSOFT, ERS_ASN_MICROSOFT);

	if (!core)
		return -1;
	/* Active-active: Microsoft spreads flows over every equal route
	 * (facts 1). */
	core->multipath = true;
	core->router_id = ers_default_router_id(16, 0, 0);
	w->msft_core = core;
	for (size_t i = 0; i < w->s->n_ms_services; i++)
		if (originate_service(w, &w->s->ms_services[i]))
			return -1;
	return 0;
}

/* The session to the customer over the circuit link, beside private
 * peering's: the customer's end keeps the link's policies and timers
 * (on a PE they stay on the CE, as for private peering). */
static int customer_session(struct ers_world *w, size_t ci, int side, long li,
			    struct ers_speaker *vrf)
{
	const struct ers_circuit *c = &w->s->circuits[ci];
	const struct ers_node *cn = &w->nodes[w->links[li].a];
	struct ers_speaker *cust = cn->n_speakers ? cn->speakers[0] : NULL;
	struct ers_session *ss = ers_world_add_session(w, cust, vrf, li);
	struct ers_peer *ce;

	if (!ss)
		return -1;
	ce = &ss->end[0];
	if (ers_world_customer_end(w, ce, &c->links[side].cfg) ||
	    ers_world_msee_end(w, &ss->end[1],
			       (uint32_t)ers_er_limit_value(ERS_ER_MS_PREFIX)))
		return -1;
	if (cust->kind == ERS_SPK_PE)
		ce->import = ce->export = NULL;
	/* Per-link NAT: each link advertises its own pool (facts 10). */
	ce->ms_allow = c->ms.prefixes;
	ce->n_ms_allow = c->ms.n_prefixes;
	if (c->ms.nat == ERS_MS_NAT_PER_LINK && c->ms.n_prefixes >= 2) {
		ce->ms_allow = &c->ms.prefixes[side];
		ce->n_ms_allow = 1;
	}
	ers_world_msee_bfd(w, ss, &c->links[side].cfg);
	return 0;
}

static int build_side(struct ers_world *w, size_t ci, int side)
{
	const struct ers_circuit *c = &w->s->circuits[ci];
	/* the graph's circuit link at the MSEE and MSEE-Microsoft link */
	long li = w->g->circ[ci].msee_link[side], core_link = w->g->circ[ci].ms_link[side];
	struct ers_speaker *vrf;
	struct ers_session *ss;

	vrf = ers_world_add_speaker(w, (long)w->links[li].b,
				    ers_asprintf("%s@%s/microsoft", w->nodes[w->links[li].b].id,
						 c->id),
				    ERS_SPK_MSEE, ERS_ASN_MICROSOFT);
	if (!vrf)
		return -1;
	vrf->circuit = (int)ci;
	vrf->msft = true;
	vrf->router_id = ers_default_router_id(15, ci, (size_t)side);
	w->msft_vrfs[2 * ci + (size_t)side] = vrf;
	if (customer_session(w, ci, side, li, vrf))
		return -1;
	ss = ers_world_add_session(w, vrf, w->msft_core, core_link);
	if (!ss)
		return -1;
	ss->end[0].role = ERS_PEER_MICROSOFT;
	ss->end[0].igp_cost = ss->end[1].igp_cost = 1;
	return 0;
}

int ers_msft_build(struct ers_world *w)
{
	const struct ers_scenario *s = w->s;

	if (w->g->microsoft < 0)
		return 0;		/* no Microsoft peering, no service (graph.c) */
	w->msft_vrfs = calloc(2 * (s->n_circuits ? s->n_circuits : 1), sizeof *w->msft_vrfs);
	w->msft_filters = calloc(s->n_circuits ? s->n_circuits : 1, sizeof *w->msft_filters);
	if (!w->msft_vrfs || !w->msft_filters || build_core(w))
		return -1;
	for (size_t ci = 0; ci < s->n_circuits; ci++)
		w->msft_filters[ci] = (struct ers_msft_filter){
			s->circuits[ci].ms.route_filter, s->circuits[ci].ms.n_route_filter,
			s->circuits[ci].ms.has_route_filter && s->circuits[ci].ms.n_route_filter };
	for (size_t ci = 0; ci < s->n_circuits; ci++)
		for (int side = 0; s->circuits[ci].ms.present && side < 2; side++)
			if (build_side(w, ci, side))
				return -1;
	return 0;
}

/* ---- the rules ----------------------------------------------------- */

bool ers_msft_private_asn(uint32_t asn)
{
	return (asn >= 64512 && asn <= 65534) || (asn >= 4200000000u && asn <= 4294967294u);
}

static bool filter_selects(const struct ers_msft_filter *f, const struct ers_attrs *a)
{
	for (size_t i = 0; f->attached && i < f->n; i++)
		if (ers_attrs_has_comm(a, f->v[i]))
			return true;
	return false;
}

bool ers_msft_may_advertise(const struct ers_world *w, const struct ers_peer *p,
			    uint32_t prefix, const struct ers_attrs *a)
{
	struct ers_prefix x;

	if (p->self->msft && p->role == ERS_PEER_CUSTOMER)
		return filter_selects(&w->msft_filters[p->self->circuit], a);
	if (!p->ms_allow)
		return true;	/* every other peer: nothing to do here */
	x = w->prefixes.prefixes[prefix];
	for (size_t i = 0; i < p->n_ms_allow; i++)
		if (ers_prefix_contains(p->ms_allow[i], x))
			return true;
	return false;
}

bool ers_msft_import(struct ers_world *w, const struct ers_peer *p, struct ers_attrs_tmpl *t)
{
	size_t n = 0;

	if (p->role != ERS_PEER_CUSTOMER)
		return true;
	t->n_comms = 0;		/* Microsoft ignores customer communities */
	for (size_t i = 0; i < t->path_len; i++)
		if (!ers_msft_private_asn(t->path[i]))
			t->path[n++] = t->path[i];
	t->path_len = (uint16_t)n;
	return true;
}

void ers_msft_attach_filter(struct ers_world *w, const struct ers_event *e)
{
	int ci = e->target.a;

	if (!w->msft_filters || ci < 0 || !w->s->circuits[ci].ms.present)
		return;		/* check.c refuses it */
	w->msft_filters[ci] = (struct ers_msft_filter){ e->communities, e->n_communities,
							e->n_communities > 0 };
	for (int side = 0; side < 2; side++) {
		struct ers_speaker *m = w->msft_vrfs[2 * ci + side];

		for (size_t i = 0; i < m->n_peers; i++)
			if (m->peers[i]->role == ERS_PEER_CUSTOMER)
				ers_peer_refresh(w, m->peers[i]);
	}
}

/* ---- flows ----------------------------------------------------------- */

static uint32_t host_addr(struct ers_prefix p)
{
	return p.len < 31 ? p.addr + 1 : p.addr;
}

static bool in_ms_prefixes(const struct ers_scenario *s, struct ers_prefix p)
{
	for (size_t i = 0; i < s->n_circuits; i++)
		for (size_t k = 0; s->circuits[i].ms.present && k < s->circuits[i].ms.n_prefixes; k++)
			if (ers_prefix_contains(s->circuits[i].ms.prefixes[k], p))
				return true;
	return false;
}

/* Traffic from a service goes to the site's first prefix that is one of
 * its public ones on Microsoft peering (a NAT pool or public servers). */
static int public_dest(const struct ers_scenario *s, const struct ers_endpoint *ep,
		       uint32_t *addr)
{
	const struct ers_site *site = &s->sites[ep->index];

	for (size_t i = 0; i < site->n_origins; i++) {
		const struct ers_origin *o = &site->origins[i];

		if ((ep->kind == ERS_EP_SITE || o->router < 0 || o->router == ep->router) &&
		    in_ms_prefixes(s, o->first)) {
			*addr = host_addr(o->first);
			return 0;
		}
	}
	return -1;
}

int ers_msft_flow(struct ers_world *w, const struct ers_flow *fl, struct ers_flow_rec *f)
{
	const struct ers_endpoint *from = &fl->from, *to = &fl->to;

	if (from->kind != ERS_EP_SERVICE && to->kind != ERS_EP_SERVICE)
		return 0;
	f->dst_site = f->dst_vnet = -1;
	if (from->kind == ERS_EP_SERVICE)
		f->src = w->msft_core;
	else if (from->kind == ERS_EP_VNET)
		f->src = w->gw_speakers[from->index];
	else
		f->src = w->site_speakers[from->index][from->kind == ERS_EP_ROUTER ? from->router : 0];
	if (to->kind == ERS_EP_SERVICE) {
		const struct ers_ms_service *m = &w->s->ms_services[to->index];

		f->dst_msft = true;
		f->dst_addr = host_addr(m->prefixes[0]);
		return 1;
	}
	if (to->kind == ERS_EP_VNET)
		return -1;	/* check.c refuses it: not over Microsoft peering */
	f->dst_site = to->index;
	return public_dest(w->s, to, &f->dst_addr) ? -1 : 1;
}

/* ---- notices ---------------------------------------------------------- */

static const struct ers_vpn *vpn_at(const struct ers_scenario *s, const struct ers_circuit *c)
{
	for (size_t i = 0; i < s->n_vpns; i++)
		for (int side = 0; side < 2; side++)
			if (s->vpns[i].ce.site == c->links[side].ce.site)
				return &s->vpns[i];
	return NULL;
}

static void note_circuit(struct ers_world *w, const struct ers_circuit *c)
{
	const struct ers_ms_peering *m = &c->ms;
	const struct ers_vpn *v = vpn_at(w->s, c);
	char a[48], b[48];

	if (!m->has_route_filter || !m->n_route_filter)
		ers_observe_notice(w, "route-filter", c->id,
				   "circuit '%s': Microsoft peering without a route filter: Microsoft advertises no prefixes to it (sources 3.1); add route-filter=\"12076:...\"",
				   c->id);
	if (m->nat == ERS_MS_NAT_PER_LINK && m->n_prefixes >= 2)
		ers_observe_notice(w, "nat", c->id,
				   "circuit '%s': Microsoft peering NAT pool per link (primary %s, secondary %s): when a link fails, traffic back to its pool has no other way in and its connections must be re-established through the other link; one pool advertised on both links lets the network reroute (sources 10)",
				   c->id, ers_prefix_str(m->prefixes[0], a, sizeof a),
				   ers_prefix_str(m->prefixes[1], b, sizeof b));
	if (m->internet)
		ers_observe_notice(w, "asymmetric-routing", c->id,
				   "circuit '%s': its Microsoft peering prefixes are also advertised to the internet: traffic can leave over one path and return over the other, which stateful firewalls drop; advertise them over one path only, or NAT so that return traffic comes back the way it left (sources 10)",
				   c->id);
	if (v)
		ers_observe_notice(w, "vpn-backup", c->id,
				   "circuit '%s': VPN '%s' backs up private peering only; Microsoft peering has no VPN failover (sources 6.6): with both links down, traffic to Microsoft services is lost",
				   c->id, v->id);
}

void ers_msft_notes(struct ers_world *w)
{
	for (size_t i = 0; i < w->s->n_circuits; i++)
		if (w->s->circuits[i].ms.present)
			note_circuit(w, &w->s->circuits[i]);
}

/* ---- maintenance (facts 10) -------------------------------------------- */

void ers_msft_drain(struct ers_world *w, int circuit, int role, unsigned prepend)
{
	struct ers_speaker *m = w->msft_vrfs ? w->msft_vrfs[2 * circuit + role] : NULL;

	for (size_t i = 0; m && i < m->n_peers; i++) {
		struct ers_peer *p = m->peers[i];

		/* both ways: the customer and Microsoft's network move to
		 * the other link (facts 10) */
		if (p->role != ERS_PEER_CUSTOMER && p->role != ERS_PEER_MICROSOFT)
			continue;
		p->maintenance_prepend = prepend;
		ers_peer_refresh(w, p);
	}
}

void ers_msft_shut(struct ers_world *w, int circuit, int role)
{
	struct ers_speaker *m = w->msft_vrfs ? w->msft_vrfs[2 * circuit + role] : NULL;

	for (size_t i = 0; m && i < m->n_peers; i++)
		if (m->peers[i]->role == ERS_PEER_CUSTOMER)
			ers_session_admin_shutdown(w, m->peers[i],
						   "Cease: administrative shutdown (maintenance)");
}
