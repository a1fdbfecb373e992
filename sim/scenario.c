/*
 * scenario.c - helpers on the scenario model (scenario.h) that the rest
 * of the simulator shares: an empty scenario with the built-in protocol
 * defaults, freeing one, the effective BGP, BFD and decision settings of
 * a session or router (defaults, then overrides), which break a carrier
 * reports, and the names of the model's enums as they appear in files and
 * results. The loader (load.c) fills a scenario; nothing here reads XML.
 */
#include <stdlib.h>
#include <string.h>

#include "ersim/catalog.h"
#include "ersim/expressroute.h"
#include "ersim/scenario.h"

/* RFC 4271's suggested timers; BFD off, 300 ms x 3 when enabled. */
static const struct ers_bgp_cfg bgp_builtin = {
	.keepalive = 60 * ERS_S, .hold = 180 * ERS_S, .mrai = 0,
	.processing_delay = ERS_MS, .connect_retry = 5 * ERS_S,
};
static const struct ers_bfd_cfg bfd_builtin = {
	.enabled = false, .interval = 300 * ERS_MS, .multiplier = 3,
};

struct ers_scenario *ers_scenario_new(const char *file)
{
	struct ers_scenario *s = calloc(1, sizeof *s);

	if (!s)
		return NULL;
	s->file = strdup(file);
	if (!s->file) {
		free(s);
		return NULL;
	}
	s->seed = 1;
	s->bgp = bgp_builtin;
	s->bfd = bfd_builtin;
	s->gw_conv = ers_gw_conv_merge(NULL, NULL);
	return s;
}

/* ---- freeing ---- */

static void free_policy(struct ers_policy *p)
{
	for (size_t i = 0; i < p->n_rules; i++)
		free(p->rules[i].communities);
	free(p->rules);
}

static void free_session(struct ers_session_cfg *c)
{
	free_policy(&c->import);
	free_policy(&c->export);
}

static void free_target(struct ers_target *t)
{
	free(t->text);
	free(t->location);
}

static void free_site(struct ers_site *site)
{
	for (size_t i = 0; i < site->n_routers; i++) {
		free(site->routers[i].id);
		free(site->routers[i].full_id);
	}
	free(site->routers);
	free(site->origins);
	free(site->id);
}

void ers_scenario_free(struct ers_scenario *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < s->n_sites; i++)
		free_site(&s->sites[i]);
	for (size_t i = 0; i < s->n_site_links; i++)
		free_session(&s->site_links[i].cfg);
	for (size_t i = 0; i < s->n_providers; i++)
		free(s->providers[i].id);
	for (size_t i = 0; i < s->n_circuits; i++) {
		free(s->circuits[i].id);
		free(s->circuits[i].location);
		free(s->circuits[i].ms.prefixes);
		free(s->circuits[i].ms.route_filter);
		free_session(&s->circuits[i].links[0].cfg);
		free_session(&s->circuits[i].links[1].cfg);
	}
	for (size_t i = 0; i < s->n_vnets; i++) {
		free(s->vnets[i].id);
		free(s->vnets[i].region);
		free(s->vnets[i].prefixes);
		free(s->vnets[i].connections);
	}
	for (size_t i = 0; i < s->n_vpns; i++) {
		free(s->vpns[i].id);
		free_session(&s->vpns[i].cfg);
	}
	for (size_t i = 0; i < s->n_srlgs; i++) {
		for (size_t j = 0; j < s->srlgs[i].n_members; j++)
			free_target(&s->srlgs[i].members[j]);
		free(s->srlgs[i].members);
		free(s->srlgs[i].id);
	}
	for (size_t i = 0; i < s->n_ms_services; i++) {
		free(s->ms_services[i].id);
		free(s->ms_services[i].region);
		free(s->ms_services[i].prefixes);
	}
	for (size_t i = 0; i < s->n_flows; i++) {
		free(s->flows[i].id);
		free(s->flows[i].from.text);
		free(s->flows[i].to.text);
	}
	for (size_t i = 0; i < s->n_events; i++) {
		free_target(&s->events[i].target);
		free(s->events[i].communities);
	}
	ers_catalog_release(&s->geography);
	free(s->sites);
	free(s->site_links);
	free(s->providers);
	free(s->circuits);
	free(s->vnets);
	free(s->global_reach);
	free(s->vpns);
	free(s->srlgs);
	free(s->ms_services);
	free(s->flows);
	free(s->events);
	free(s->file);
	free(s->name);
	free(s->description);
	free(s);
}

/* ---- effective settings and names ---- */

struct ers_bgp_cfg ers_bgp_cfg_merge(const struct ers_bgp_cfg *defaults,
				     const struct ers_bgp_cfg *over)
{
	struct ers_bgp_cfg r = defaults ? *defaults : bgp_builtin;

	if (!over)
		return r;
	if (over->set & ERS_SET_KEEPALIVE)
		r.keepalive = over->keepalive;
	if (over->set & ERS_SET_HOLD)
		r.hold = over->hold;
	if (over->set & ERS_SET_MRAI)
		r.mrai = over->mrai;
	if (over->set & ERS_SET_PROC_DELAY)
		r.processing_delay = over->processing_delay;
	if (over->set & ERS_SET_CONNECT_RETRY)
		r.connect_retry = over->connect_retry;
	if (over->set & ERS_SET_MRAI_WITHDRAWALS)
		r.mrai_withdrawals = over->mrai_withdrawals;
	r.set |= over->set;
	if (over->set)
		r.line = over->line;
	return r;
}

struct ers_bfd_cfg ers_bfd_cfg_merge(const struct ers_bfd_cfg *defaults,
				     const struct ers_bfd_cfg *over)
{
	struct ers_bfd_cfg r = defaults ? *defaults : bfd_builtin;

	if (!over)
		return r;
	if (over->set & ERS_SET_BFD_ENABLED)
		r.enabled = over->enabled;
	if (over->set & ERS_SET_BFD_INTERVAL)
		r.interval = over->interval;
	if (over->set & ERS_SET_BFD_MULT)
		r.multiplier = over->multiplier;
	r.set |= over->set;
	if (over->set)
		r.line = over->line;
	return r;
}

enum ers_carrier ers_link_carrier(const struct ers_scenario *s,
				  const struct ers_circuit *c,
				  const struct ers_link *l)
{
	if (l->carrier != ERS_CARRIER_DEFAULT)
		return l->carrier;
	if (c->provider >= 0 && (size_t)c->provider < s->n_providers &&
	    s->providers[c->provider].model == ERS_PROVIDER_DIRECT)
		return ERS_CARRIER_INTERFACE;
	/* layer2 and layer3: the break is inside the provider's network */
	return ERS_CARRIER_PROVIDER;
}

enum ers_carrier ers_site_link_carrier(const struct ers_scenario *s,
				       const struct ers_site_link *sl)
{
	if (sl->carrier != ERS_CARRIER_DEFAULT)
		return sl->carrier;
	if (sl->provider >= 0 && (size_t)sl->provider < s->n_providers &&
	    s->providers[sl->provider].model != ERS_PROVIDER_DIRECT)
		return ERS_CARRIER_PROVIDER;
	return ERS_CARRIER_INTERFACE;
}

uint32_t ers_default_router_id(unsigned first_octet, size_t index, size_t sub)
{
	return (uint32_t)first_octet << 24 | (uint32_t)(index + 1) << 8 | (uint32_t)(sub + 1);
}

static void decision_inherit(struct ers_decision_cfg *d, const struct ers_decision_cfg *from)
{
	if (d->tie_break == ERS_TIE_UNSET)
		d->tie_break = from->tie_break;
	if (d->always_compare_med < 0)
		d->always_compare_med = from->always_compare_med;
}

struct ers_decision_cfg ers_scenario_decision(const struct ers_scenario *s, int site,
					      int router)
{
	struct ers_decision_cfg d = { ERS_TIE_UNSET, -1 };
	static const struct ers_decision_cfg builtin = { ERS_TIE_OLDEST, 0 };

	if (site >= 0 && router >= 0)
		decision_inherit(&d, &s->sites[site].routers[router].decision);
	if (site >= 0)
		decision_inherit(&d, &s->sites[site].decision);
	decision_inherit(&d, &s->decision);
	decision_inherit(&d, &builtin);
	return d;
}

const char *ers_sku_str(enum ers_sku s)
{
	switch (s) {
	case ERS_SKU_LOCAL: return "local";
	case ERS_SKU_STANDARD: return "standard";
	case ERS_SKU_PREMIUM: return "premium";
	}
	return "?";
}

const char *ers_gw_sku_str(enum ers_gw_sku s)
{
	switch (s) {
	case ERS_GW_STANDARD: return "standard";
	case ERS_GW_HIGHPERF: return "highperformance";
	case ERS_GW_ULTRAPERF: return "ultraperformance";
	case ERS_GW_ERGW1AZ: return "ergw1az";
	case ERS_GW_ERGW2AZ: return "ergw2az";
	case ERS_GW_ERGW3AZ: return "ergw3az";
	case ERS_GW_ERGWSCALE: return "ergwscale";
	}
	return "?";
}

const char *ers_role_str(enum ers_role r)
{
	return r == ERS_ROLE_PRIMARY ? "primary" : r == ERS_ROLE_SECONDARY ? "secondary" : "?";
}

const char *ers_provider_model_str(enum ers_provider_model m)
{
	switch (m) {
	case ERS_PROVIDER_LAYER2: return "layer2";
	case ERS_PROVIDER_LAYER3: return "layer3";
	case ERS_PROVIDER_DIRECT: return "direct";
	}
	return "?";
}

const char *ers_action_str(enum ers_action a)
{
	switch (a) {
	case ERS_ACT_FAIL: return "fail";
	case ERS_ACT_RESTORE: return "restore";
	case ERS_ACT_MAINTENANCE: return "maintenance";
	case ERS_ACT_ANNOUNCE: return "announce";
	case ERS_ACT_WITHDRAW: return "withdraw";
	case ERS_ACT_ROUTE_FILTER: return "route-filter";
	}
	return "?";
}

const char *ers_relationship_str(enum ers_relationship r)
{
	switch (r) {
	case ERS_REL_CUSTOMER: return "customer";
	case ERS_REL_PROVIDER: return "provider";
	case ERS_REL_PEER: return "peer";
	default: return "none";
	}
}
