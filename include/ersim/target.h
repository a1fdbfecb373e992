/*
 * target.h - what a failure target takes down (sim/target.c).
 *
 * A target as the scenario writes it ("location:amsterdam", "srlg:duct-7")
 * is parsed by the loader into struct ers_target (scenario.h). This module
 * resolves it, once for the simulator, the analysis and the reports, into
 * the parts of the network it takes down: circuit links, MSEEs, customer
 * routers, gateways, connections, site links, VPNs and Global Reach
 * peerings, each named by scenario indices, so that every graph (the
 * simulator's world, the analysis topology) maps a part to its own nodes
 * and links without knowing the target kinds.
 *
 * It also owns the MSEE id, "<location>-<pair>/<side>" (e.g.
 * "amsterdam-1/a"): ers_msee_id formats it and ers_msee_id_parse reads it.
 */
#ifndef ERSIM_TARGET_H
#define ERSIM_TARGET_H

#include <stdbool.h>
#include <stddef.h>

#include "ersim/catalog.h"
#include "ersim/error.h"
#include "ersim/scenario.h"

enum ers_part_kind {
	ERS_PART_LINK,			/* a = circuit, b = role: the customer link */
	ERS_PART_MSEE,			/* a = first circuit landing on it, b = its side */
	ERS_PART_ROUTER,		/* a = site, b = router */
	ERS_PART_GATEWAY,		/* a = vnet */
	ERS_PART_CONNECTION,		/* a = vnet, b = connection, side: -1 both */
	ERS_PART_SITE_LINK,		/* a = site link */
	ERS_PART_VPN,			/* a = vpn */
	ERS_PART_GLOBAL_REACH,		/* a = global reach peering (both sides) */
};

struct ers_part {
	enum ers_part_kind kind;
	int a, b;
	int side;			/* CONNECTION: the circuit side, -1 both; else -1 */
};

/* The parts of one or more targets, each once, in a fixed order: the
 * order of the target (an srlg's members in turn), and within a target
 * the scenario's order (circuits, then sides; sites' routers; vnets). */
struct ers_parts {
	struct ers_part *v;
	size_t n, cap;
};

/* A connection target with a location (set by `analyze`'s Resiliency
 * Validation test, never by the loader) takes only the sides of the
 * connection whose circuit link lands there: the gateway's connection at
 * one peering location (facts 7.3).
 *
 * Append the parts tg takes down to out (those already there are not
 * added again). s and cat are the scenario and catalog it was checked
 * against; a target naming nothing (an MSEE no circuit lands on) adds
 * nothing. ERS_ENOMEM or ERS_OK. */
enum ers_err ers_target_resolve(const struct ers_scenario *s, const struct ers_catalog *cat,
				const struct ers_target *tg, struct ers_parts *out);

/* Append the parts every circuit of provider p takes with it (both links). */
enum ers_err ers_target_resolve_provider(const struct ers_scenario *s, int p,
					 struct ers_parts *out);

void ers_parts_free(struct ers_parts *p);	/* frees the array, keeps p */

/* The peering location where side (0 primary, 1 secondary) of circuit c
 * lands: the circuit's location, or for an ExpressRoute Metro its first
 * or second location. */
const char *ers_circuit_side_location(const struct ers_catalog *cat,
				      const struct ers_circuit *c, int side);

/* "amsterdam-1/a" (side >= 0) or the pair "amsterdam-1" (side < 0);
 * malloc'ed, NULL when out of memory. */
char *ers_msee_id(const char *location, int pair, int side);

/* Read an MSEE id ("<location>-<pair>/<a|b>" when with_side, else
 * "<location>-<pair>"): location is malloc'ed into *location, pair is
 * 1-9999, *side is 0 for a and 1 for b (left alone without with_side).
 * Returns ERS_OK, ERS_EINVAL when text is not of that form (nothing is
 * allocated), or ERS_ENOMEM. */
enum ers_err ers_msee_id_parse(const char *text, bool with_side, char **location,
			       int *pair, int *side);

#endif
