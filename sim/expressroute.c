/*
 * expressroute.c - Microsoft's ExpressRoute rules, in one place: the
 * table of published limits (one row each, citing the fact-sheet section
 * that states it; docs/sources.md uses the same numbers), the SKU reach
 * rule, what an MSEE VRF passes between its customer, its gateways and
 * Global Reach, how it tags and strips what it passes, and the order in
 * which a VNet gateway prefers routes. Callers: world.c, bgp_rib.c /
 * bgp_decision.c, bgp_fsm.c (the gateway's convergence delay), observe.c
 * and run.c (simulation), check.c, load_build.c and scenario.c
 * (validation), topology.c and analyze.c / analyze_domain.c /
 * analyze_index.c (analysis). Nothing here keeps state.
 */
#include "ersim/expressroute.h"
#include "ersim/msft_peering.h"
#include "ersim/observe.h"
#include "ersim/rng.h"
#include "ersim/units.h"

#include <string.h>

#define MBPS ((ers_rate_t)1000000)

static const struct ers_er_limit limits[ERS_ER_N_LIMITS] = {
	[ERS_ER_PREFIX_STANDARD] = { 4000, "3.1",
		"prefixes from on-premises on private peering, local and standard circuits" },
	[ERS_ER_PREFIX_PREMIUM] = { 10000, "3.1",
		"prefixes from on-premises on private peering, premium circuits" },
	[ERS_ER_GW_ADVERTISED] = { 1000, "3.1",
		"VNet prefixes a gateway advertises over one connection (above it the connection goes down)" },
	[ERS_ER_GW_ROUTES_STANDARD] = { 4000, "8.1",
		"routes a Standard or ERGw1Az gateway learns" },
	[ERS_ER_GW_ROUTES_HIGH] = { 9500, "8.1",
		"routes a HighPerformance, UltraPerformance, ErGw2Az or ErGw3Az gateway learns" },
	[ERS_ER_GW_CIRCUITS_STANDARD] = { 4, "3.2",
		"circuits a Standard or ERGw1Az gateway connects" },
	[ERS_ER_GW_CIRCUITS_HIGH] = { 8, "3.2",
		"circuits a HighPerformance or ErGw2Az gateway connects" },
	[ERS_ER_GW_CIRCUITS_ULTRA] = { 16, "3.2",
		"circuits an UltraPerformance or ErGw3Az gateway connects" },
	[ERS_ER_CIRCUITS_PER_LOCATION] = { 4, "3.2",
		"circuits from one peering location linked to one VNet" },
	[ERS_ER_ECMP_CIRCUITS] = { 4, "3.2",
		"circuits a VNet spreads traffic over (ECMP)" },
	[ERS_ER_GW_MBPS_STANDARD] = { 1000, "8.1",
		"throughput of a Standard or ERGw1Az gateway, Mbps" },
	[ERS_ER_GW_MBPS_HIGH] = { 2000, "8.1",
		"throughput of a HighPerformance or ErGw2Az gateway, Mbps" },
	[ERS_ER_GW_MBPS_ULTRA] = { 10000, "8.1",
		"throughput of an UltraPerformance or ErGw3Az gateway, Mbps" },
	[ERS_ER_GWSCALE_MBPS_PER_UNIT] = { 1000, "8.1",
		"throughput of an ErGwScale gateway per scale unit (1 to 40 units), Mbps" },
	[ERS_ER_GWSCALE_ROUTES] = { 9500, "8.1",
		"routes an ErGwScale gateway learns (the 2026 FAQ; a 2024 page said 60,000, facts 14)" },
	[ERS_ER_GWSCALE_UNITS_FOR_8] = { 2, "3.2",
		"scale units an ErGwScale gateway needs for 8 circuits (4 below)" },
	[ERS_ER_GWSCALE_UNITS_FOR_16] = { 10, "3.2",
		"scale units an ErGwScale gateway needs for 16 circuits" },
	[ERS_ER_MS_PREFIX] = { 200, "3.1",
		"prefixes from on-premises on Microsoft peering, per session (any SKU)" },
	[ERS_ER_LINKS_STANDARD] = { 10, "3.3",
		"VNet links (connections and Global Reach) of a local or standard circuit" },
	[ERS_ER_LINKS_P50M] = { 20, "3.3", "VNet links of a premium circuit from 50 Mbps" },
	[ERS_ER_LINKS_P100M] = { 25, "3.3", "VNet links of a premium circuit from 100 Mbps" },
	[ERS_ER_LINKS_P200M] = { 25, "3.3", "VNet links of a premium circuit from 200 Mbps" },
	[ERS_ER_LINKS_P500M] = { 40, "3.3", "VNet links of a premium circuit from 500 Mbps" },
	[ERS_ER_LINKS_P1G] = { 50, "3.3", "VNet links of a premium circuit from 1 Gbps" },
	[ERS_ER_LINKS_P2G] = { 60, "3.3", "VNet links of a premium circuit from 2 Gbps" },
	[ERS_ER_LINKS_P5G] = { 75, "3.3", "VNet links of a premium circuit from 5 Gbps" },
	[ERS_ER_LINKS_P10G] = { 100, "3.3", "VNet links of a premium circuit from 10 Gbps" },
};

const struct ers_er_limit *ers_er_limit(enum ers_er_limit_id id)
{
	return &limits[id];
}

/* ---- limits by SKU ---------------------------------------------------- */

uint32_t ers_er_prefix_limit(enum ers_sku sku)
{
	return (uint32_t)ers_er_limit_value(sku == ERS_SKU_PREMIUM ? ERS_ER_PREFIX_PREMIUM
								    : ERS_ER_PREFIX_STANDARD);
}

uint32_t ers_circuit_max_prefix(const struct ers_circuit *c)
{
	return c->max_prefix ? c->max_prefix : ers_er_prefix_limit(c->sku);
}

/* The three performance classes of gateway SKUs (facts 8.1). */
static int gw_class(enum ers_gw_sku sku)
{
	switch (sku) {
	case ERS_GW_HIGHPERF:
	case ERS_GW_ERGW2AZ:
		return 1;
	case ERS_GW_ULTRAPERF:
	case ERS_GW_ERGW3AZ:
		return 2;
	default:
		return 0;
	}
}

unsigned ers_er_gw_units(const struct ers_vnet *v)
{
	if (v->gw_sku != ERS_GW_ERGWSCALE)
		return 0;
	return v->gw_scale_units ? v->gw_scale_units : 1;
}

uint32_t ers_er_gw_route_limit(const struct ers_vnet *v)
{
	if (v->gw_sku == ERS_GW_ERGWSCALE)
		return (uint32_t)ers_er_limit_value(ERS_ER_GWSCALE_ROUTES);
	return (uint32_t)ers_er_limit_value(gw_class(v->gw_sku) ? ERS_ER_GW_ROUTES_HIGH
								 : ERS_ER_GW_ROUTES_STANDARD);
}

/* ErGwScale takes the circuits of the fixed SKU its units match. */
unsigned ers_er_gw_circuit_limit(const struct ers_vnet *v)
{
	static const enum ers_er_limit_id id[] = {
		ERS_ER_GW_CIRCUITS_STANDARD, ERS_ER_GW_CIRCUITS_HIGH, ERS_ER_GW_CIRCUITS_ULTRA
	};
	int cls = gw_class(v->gw_sku);

	if (v->gw_sku == ERS_GW_ERGWSCALE) {
		unsigned su = ers_er_gw_units(v);

		cls = su >= ers_er_limit_value(ERS_ER_GWSCALE_UNITS_FOR_16) ? 2 :
		      su >= ers_er_limit_value(ERS_ER_GWSCALE_UNITS_FOR_8) ? 1 : 0;
	}
	return (unsigned)ers_er_limit_value(id[cls]);
}

ers_rate_t ers_er_gw_throughput(const struct ers_vnet *v)
{
	static const enum ers_er_limit_id id[] = {
		ERS_ER_GW_MBPS_STANDARD, ERS_ER_GW_MBPS_HIGH, ERS_ER_GW_MBPS_ULTRA
	};

	if (v->gw_sku == ERS_GW_ERGWSCALE)
		return ers_er_limit_value(ERS_ER_GWSCALE_MBPS_PER_UNIT) * MBPS *
		       ers_er_gw_units(v);
	return ers_er_limit_value(id[gw_class(v->gw_sku)]) * MBPS;
}

unsigned ers_er_vnet_link_limit(enum ers_sku sku, ers_rate_t bandwidth)
{
	static const struct { ers_rate_t bw; enum ers_er_limit_id id; } premium[] = {
		{ 50 * MBPS, ERS_ER_LINKS_P50M }, { 100 * MBPS, ERS_ER_LINKS_P100M },
		{ 200 * MBPS, ERS_ER_LINKS_P200M }, { 500 * MBPS, ERS_ER_LINKS_P500M },
		{ 1000 * MBPS, ERS_ER_LINKS_P1G }, { 2000 * MBPS, ERS_ER_LINKS_P2G },
		{ 5000 * MBPS, ERS_ER_LINKS_P5G }, { 10000 * MBPS, ERS_ER_LINKS_P10G },
	};
	enum ers_er_limit_id id = premium[0].id;

	if (sku != ERS_SKU_PREMIUM)
		return (unsigned)ers_er_limit_value(ERS_ER_LINKS_STANDARD);
	for (size_t i = 0; i < sizeof premium / sizeof premium[0]; i++)
		if (bandwidth >= premium[i].bw)
			id = premium[i].id;
	return (unsigned)ers_er_limit_value(id);
}

/* ---- SKU reach (facts 4.1) ------------------------------------------- */

/* National clouds are isolated whatever the SKU; then local reaches the
 * location's local regions, standard its geopolitical region, premium
 * every commercial region. A local circuit at a location without local
 * regions is refused on the circuit itself, not on each connection. */
enum ers_er_reach ers_er_reach(enum ers_sku sku, const struct ers_er_reach_in *in)
{
	if ((in->region_national || in->place_national) &&
	    !(in->region_national && in->place_national && in->same_geo))
		return ERS_ER_REACH_NATIONAL;
	switch (sku) {
	case ERS_SKU_LOCAL:
		return !in->local_offered || in->region_local ? ERS_ER_REACH_OK
							      : ERS_ER_REACH_LOCAL;
	case ERS_SKU_STANDARD:
		return in->same_geo ? ERS_ER_REACH_OK : ERS_ER_REACH_STANDARD;
	default:
		return ERS_ER_REACH_OK;
	}
}

/* ---- the gateway's convergence (sources §2, §7.3, §10) --------------- */

struct ers_gw_conv ers_gw_conv_merge(const struct ers_gw_conv *defaults,
				     const struct ers_gw_conv *over)
{
	/* "up to 1 minute" after detection (§2, §10); the Resiliency
	 * Validation test "typically completes within 15 seconds" (§7.3). */
	struct ers_gw_conv r = { 0, 15 * ERS_S, 60 * ERS_S, 0, 0 };

	if (defaults)
		r = *defaults;
	if (!over)
		return r;
	if (over->set & ERS_SET_CONV_MIN)
		r.min = over->min;
	if (over->set & ERS_SET_CONV_TYPICAL)
		r.typical = over->typical;
	if (over->set & ERS_SET_CONV_MAX)
		r.max = over->max;
	r.set |= over->set;
	if (over->set)
		r.line = over->line;
	return r;
}

/* Nine draws in ten are "typical": uniform in [min, typical]; the rest
 * uniform in [typical, max]. A checked scenario has min <= typical <= max. */
ers_time_t ers_er_gw_conv_draw(const struct ers_gw_conv *c, struct ers_rng *rng)
{
	ers_time_t lo = c->min, hi = c->typical;

	if (c->min == c->max)
		return c->min;		/* fixed: no draw */
	if (ers_rng_below(rng, 10) == 9) {
		lo = c->typical;
		hi = c->max;
	}
	if (hi <= lo)
		return lo;
	return lo + (ers_time_t)ers_rng_below(rng, (uint64_t)(hi - lo) + 1);
}

ers_time_t ers_er_gw_conv_delay(struct ers_world *w, const struct ers_session *ss)
{
	if (w->opts && w->opts->has_gw_convergence)
		return w->opts->gw_convergence;
	return ers_er_gw_conv_draw(ss->gw_conv, ers_sim_rng(w->sim));
}

/* ---- gateway throughput (facts 8.1) ----------------------------------- */

/* A gateway's throughput is what all its ExpressRoute connections carry
 * together, each direction on its own (as a circuit's bandwidth is). */
void ers_er_gateway_loads(struct ers_world *w)
{
	memset(w->gw_load, 0, (w->s->n_vnets ? w->s->n_vnets : 1) * sizeof *w->gw_load);
	for (size_t i = 0; i < w->n_links; i++) {
		const struct ers_net_link *l = &w->links[i];

		if (l->kind != ERS_LINK_BACKBONE)
			continue;
		w->gw_load[l->obj][0] += l->load[0];
		w->gw_load[l->obj][1] += l->load[1];
	}
}

double ers_er_gateway_util(const struct ers_world *w, const struct ers_net_link *l, int dir)
{
	ers_rate_t cap;

	if (l->kind != ERS_LINK_BACKBONE)
		return -1;
	cap = ers_er_gw_throughput(&w->s->vnets[l->obj]);
	return cap ? w->gw_load[l->obj][dir] / (double)cap : -1;
}

/* ---- Microsoft peering (facts 3.1, 6.1, 6.2) -------------------------- */

bool ers_er_ms_prefix_ok(struct ers_prefix p, const char **why)
{
	static const struct { uint32_t addr; uint8_t len; const char *what; } bad[] = {
		{ 0x0A000000u, 8, "private (RFC 1918)" },
		{ 0xAC100000u, 12, "private (RFC 1918)" },
		{ 0xC0A80000u, 16, "private (RFC 1918)" },
		{ 0x64400000u, 10, "shared address space (RFC 6598)" },
		{ 0x7F000000u, 8, "loopback" },
		{ 0xA9FE0000u, 16, "link-local" },
		{ 0x00000000u, 8, "'this network' (RFC 1122)" },
		{ 0xE0000000u, 4, "multicast" },
		{ 0xF0000000u, 4, "reserved (RFC 1112)" },
	};

	if (p.len == 0) {
		*why = "the default route, which Microsoft peering refuses";
		return false;
	}
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		struct ers_prefix r = { bad[i].addr, bad[i].len };

		if (ers_prefix_contains(r, p) || ers_prefix_contains(p, r)) {
			*why = bad[i].what;
			return false;
		}
	}
	return true;
}

const char *ers_er_ms_community(ers_community_t c, bool *o365)
{
	static const struct { uint16_t v; bool o365; const char *name; } svc[] = {
		{ 5010, true, "Exchange Online" }, { 5020, true, "SharePoint Online" },
		{ 5030, true, "Skype for Business / Teams" }, { 5040, false, "CRM Online" },
		{ 5050, false, "Azure Global Services" }, { 5060, false, "Microsoft Entra ID" },
		{ 5070, false, "Azure Resource Manager" }, { 5100, true, "Other Office 365 services" },
		{ 5110, true, "Exchange Online (US Gov)" }, { 5120, true, "SharePoint Online (US Gov)" },
		{ 5130, true, "Skype for Business (US Gov)" }, { 5160, false, "Azure AD (US Gov)" },
		{ 5200, true, "Other Office 365 services (US Gov)" },
		{ 5220, false, "Defender for Identity" }, { 5250, false, "Microsoft PSTN" },
	};
	uint16_t v = (uint16_t)(c & 0xffff);

	*o365 = false;
	if (c >> 16 != ERS_ASN_MICROSOFT)
		return NULL;
	for (size_t i = 0; i < sizeof svc / sizeof svc[0]; i++)
		if (svc[i].v == v) {
			*o365 = svc[i].o365;
			return svc[i].name;
		}
	/* 12076:51xxx: a region's routes on Microsoft peering (facts 6.1;
	 * 512xx/513xx are national clouds' regions) */
	if (v >= 51000 && v <= 51999)
		return "region";
	return NULL;
}

/* ---- maintenance (facts 10) ------------------------------------------ */

void ers_er_maintenance_shut(struct ers_world *w, int circuit, int role)
{
	struct ers_speaker *m = w->msee_vrfs[2 * circuit + role];

	for (size_t i = 0; i < m->n_peers; i++)
		if (m->peers[i]->role == ERS_PEER_CUSTOMER)
			ers_session_admin_shutdown(w, m->peers[i],
						   "Cease: administrative shutdown (maintenance)");
	ers_msft_shut(w, circuit, role);	/* the same port carries it */
}

/* ---- routes through an MSEE ------------------------------------------ */

/* Customer routes go to the gateways and over Global Reach (iBGP inside
 * AS 12076, so never on to a third circuit: Global Reach is not
 * transitive, facts 5); routes from gateways and Global Reach go to the
 * customer; gateways of one circuit hear each other (one routing domain,
 * facts 1). On Microsoft peering, the customer's routes go to
 * Microsoft's network and the services' routes to the customer. */
bool ers_er_msee_passes(enum ers_peer_role from, enum ers_peer_role to)
{
	switch (to) {
	case ERS_PEER_GATEWAY:
		return from == ERS_PEER_CUSTOMER || from == ERS_PEER_GATEWAY;
	case ERS_PEER_GLOBAL_REACH:
		return from == ERS_PEER_CUSTOMER;
	case ERS_PEER_CUSTOMER:
		return from == ERS_PEER_GATEWAY || from == ERS_PEER_GLOBAL_REACH ||
		       from == ERS_PEER_MICROSOFT;
	case ERS_PEER_MICROSOFT:
		return from == ERS_PEER_CUSTOMER;
	default:
		return false;
	}
}

/* Remove every occurrence of asn (the gateway's private ASN). */
static void strip_asn(struct ers_attrs_tmpl *t, uint32_t asn)
{
	size_t n = 0;

	for (size_t i = 0; i < t->path_len; i++)
		if (t->path[i] != asn)
			t->path[n++] = t->path[i];
	t->path_len = (uint16_t)n;
}

bool ers_er_msee_import(struct ers_world *w, const struct ers_peer *p,
			struct ers_attrs_tmpl *t)
{
	const struct ers_speaker *gw;
	const struct ers_vnet *v;
	const struct ers_region *r;

	if (p->self->msft)
		return ers_msft_import(w, p, t);
	if (p->role == ERS_PEER_CUSTOMER) {
		t->n_comms = 0;		/* Microsoft ignores customer communities */
		return true;
	}
	if (p->role != ERS_PEER_GATEWAY)
		return true;
	/* On-premises sees AS path "12076" and the region's and the VNet's
	 * communities on VNet routes. */
	gw = p->remote->self;
	v = &w->s->vnets[gw->vnet];
	r = ers_catalog_region(w->cat, v->region);
	strip_asn(t, ERS_ASN_GATEWAY);
	t->n_comms = 0;
	if (r && r->community)
		ers_tmpl_add_comm(t, ERS_ASN_MICROSOFT << 16 | r->community);
	if (v->community)
		ers_tmpl_add_comm(t, v->community);
	return true;
}

/* ---- the gateway's preference (facts 6.5) ---------------------------- */

#define PREFER(cond_a, cond_b, reason)			\
	do {						\
		if (cond_a) { *why = (reason); return -1; } \
		if (cond_b) { *why = (reason); return 1; }  \
	} while (0)

static bool is_vpn(const struct ers_cand *c)
{
	return c->peer && c->peer->vpn;
}

/* The order ersim derives from facts 6.5 (ER over VPN before weight is
 * UNCONFIRMED there; docs/model.md says so). */
int ers_er_gateway_compare(const struct ers_cand *a, const struct ers_cand *b,
			   enum ers_bgp_reason *why)
{
	const struct ers_attrs *x = a->attrs, *y = b->attrs;

	PREFER(!a->peer && b->peer, a->peer && !b->peer, ERS_WHY_LOCAL);
	PREFER(!is_vpn(a) && is_vpn(b), is_vpn(a) && !is_vpn(b), ERS_WHY_ER_OVER_VPN);
	PREFER(x->weight > y->weight, y->weight > x->weight, ERS_WHY_WEIGHT);
	PREFER(x->path_len < y->path_len, y->path_len < x->path_len, ERS_WHY_AS_PATH);
	*why = ERS_WHY_NONE;
	return 0;
}
