/*
 * msft_peering.h - ExpressRoute's Microsoft peering in the simulator:
 * its VRF on each MSEE with a session to the customer per circuit link,
 * Microsoft's network behind them originating the services' prefixes,
 * and the rules of facts 3.1, 6.1-6.4, 6.6 and 10 (msft_peering.c).
 */
#ifndef ERSIM_MSFT_PEERING_H
#define ERSIM_MSFT_PEERING_H

#include "ersim/world.h"

/* world.c: add Microsoft peering to a world whose circuits are built;
 * 0, or -1 when out of memory. */
int ers_msft_build(struct ers_world *w);

/* run.c: the notices a run starts with (route filter missing, per-link
 * NAT, the asymmetric-routing hazard, no VPN backup). */
void ers_msft_notes(struct ers_world *w);

/* run.c: a flow from or to a Microsoft service. Returns 0 when fl is not
 * one (the caller's rules apply); else sets f's source, destination
 * address and what counts as delivered and returns 1, or -1 when there
 * is nothing to send to (never delivered). */
int ers_msft_flow(struct ers_world *w, const struct ers_flow *fl, struct ers_flow_rec *f);

/* bgp_rib.c, export of prefix with attributes a to p: the customer's
 * end advertises only inside its registered public prefixes (per link
 * with per-link NAT); a Microsoft-peering VRF passes Microsoft's routes
 * to the customer only as the circuit's route filter selects them
 * (facts 3.1, 6.2), none while no filter is attached. True for any
 * other peer. */
bool ers_msft_may_advertise(const struct ers_world *w, const struct ers_peer *p,
			    uint32_t prefix, const struct ers_attrs *a);

/* A route filter a circuit's Microsoft peering has at the moment. */
struct ers_msft_filter {
	const ers_community_t *v;
	size_t n;
	bool attached;
};

/* run.c, a <route-filter> event: attach (or replace) the filter of the
 * event's circuit and re-advertise to its customer. */
void ers_msft_attach_filter(struct ers_world *w, const struct ers_event *e);

/* expressroute.c, import at a Microsoft-peering VRF from p: from the
 * customer, private ASNs stripped (facts 1) and communities ignored
 * (6.3). Always true (nothing is refused at import). */
bool ers_msft_import(struct ers_world *w, const struct ers_peer *p, struct ers_attrs_tmpl *t);

/* Is asn private (RFC 6996), which Microsoft strips on Microsoft peering? */
bool ers_msft_private_asn(uint32_t asn);

/* Maintenance of circuit link (circuit, role): the drain's prepending and
 * the port shut, for the Microsoft-peering VRF as for private peering. */
void ers_msft_drain(struct ers_world *w, int circuit, int role, unsigned prepend);
void ers_msft_shut(struct ers_world *w, int circuit, int role);

#endif
