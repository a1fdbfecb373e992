/*
 * bgp_decision.c - the BGP decision process: which of two candidate routes
 * for one prefix a speaker prefers, and which step decided it.
 *
 * Customer, provider and Microsoft edge routers follow RFC 4271 9.1.2.2
 * with the common weight extension in front (FRR's bgp_path_info_cmp
 * order): weight, local preference, AS path length, origin, MED (only
 * between routes from the same neighbour AS, unless the router sets
 * always-compare-med), eBGP over iBGP, IGP cost to the next hop, the
 * route already selected when both are eBGP (the "oldest" step of Cisco,
 * Juniper and FRR; a router set to tie-break "router-id" skips it, as BIRD
 * and Cisco's "bgp bestpath compare-routerid" do), lowest router id,
 * lowest peer address.
 *
 * MED is not a pairwise order: compared route by route, the winner among
 * three routes could depend on the order they are looked at. So selection
 * (ers_bgp_select) eliminates by MED per neighbour AS, as RFC 4271
 * 9.1.2.2 (c) says and FRR does with "deterministic-med", and keeps for
 * every loser the step that removed it: the reason the best route won.
 *
 * An ExpressRoute gateway chooses differently (facts sheet 6.5, DERIVED
 * there from Microsoft's documents): longest prefix match (done by the
 * forwarding lookup), ExpressRoute over site-to-site VPN, highest
 * connection weight, shortest AS path, then ECMP over the rest. The tie
 * among the ECMP set is broken by router id only to name a "best" route.
 */
#include <stdint.h>
#include <stdio.h>

#include "ersim/bgp.h"
#include "ersim/expressroute.h"

static const char *const reason_names[] = {
	[ERS_WHY_NONE] = "equal",
	[ERS_WHY_ONLY] = "only route",
	[ERS_WHY_LOCAL] = "originated locally",
	[ERS_WHY_ER_OVER_VPN] = "ExpressRoute over VPN",
	[ERS_WHY_WEIGHT] = "weight",
	[ERS_WHY_LOCAL_PREF] = "local-pref",
	[ERS_WHY_AS_PATH] = "as-path",
	[ERS_WHY_ORIGIN] = "origin",
	[ERS_WHY_MED] = "med",
	[ERS_WHY_EBGP] = "eBGP over iBGP",
	[ERS_WHY_IGP_COST] = "igp cost",
	[ERS_WHY_OLDEST] = "oldest route",
	[ERS_WHY_ROUTER_ID] = "router id",
	[ERS_WHY_CLUSTER_LIST] = "cluster list",
	[ERS_WHY_PEER_ADDR] = "peer address",
};

const char *ers_bgp_reason_str(enum ers_bgp_reason r)
{
	return r <= ERS_WHY_PEER_ADDR ? reason_names[r] : "?";
}

bool ers_bgp_reason_is_tie(enum ers_bgp_reason r)
{
	return r == ERS_WHY_OLDEST || r == ERS_WHY_ROUTER_ID || r == ERS_WHY_PEER_ADDR;
}

#define PREFER(cond_a, cond_b, reason)			\
	do {						\
		if (cond_a) { *why = (reason); return -1; } \
		if (cond_b) { *why = (reason); return 1; }  \
	} while (0)

/* Neighbour AS for the MED rule: the first AS of the path, 0 if local. */
static uint32_t neighbor_as(const struct ers_attrs *a)
{
	return a->path_len ? a->path[0] : 0;
}

/* RFC 4456 9: a reflected route's ORIGINATOR_ID stands for the router id. */
static uint32_t peer_router_id(const struct ers_cand *c)
{
	if (c->peer && c->attrs->originator_id)
		return c->attrs->originator_id;
	return c->peer ? c->peer->remote->self->router_id : 0;
}

static size_t peer_index(const struct ers_cand *c)
{
	return c->peer ? c->peer->remote->self->index : 0;
}

/* Steps after the ones that decide ECMP eligibility: RFC 4271 9.1.2.2 (d)
 * eBGP over iBGP, (e) IGP cost, the oldest route (both eBGP; the one
 * selected until now, as FRR's "older" step), (f) router id
 * (ORIGINATOR_ID when reflected, RFC 4456 9 (a)), the shorter
 * CLUSTER_LIST (RFC 4456 9 (b)), (g) peer address. */
static int tie_break(const struct ers_speaker *s, const struct ers_cand *a,
		     const struct ers_cand *b, const struct ers_peer *incumbent,
		     enum ers_bgp_reason *why)
{
	bool a_ebgp = a->peer && !a->peer->ibgp, b_ebgp = b->peer && !b->peer->ibgp;
	uint32_t a_cost = a->peer ? a->peer->igp_cost : 0;
	uint32_t b_cost = b->peer ? b->peer->igp_cost : 0;

	PREFER(a_ebgp && !b_ebgp, b_ebgp && !a_ebgp, ERS_WHY_EBGP);
	PREFER(a_cost < b_cost, b_cost < a_cost, ERS_WHY_IGP_COST);
	if (s->tie_oldest && incumbent && a_ebgp && b_ebgp)
		PREFER(a->peer == incumbent, b->peer == incumbent, ERS_WHY_OLDEST);
	PREFER(peer_router_id(a) < peer_router_id(b),
	       peer_router_id(b) < peer_router_id(a), ERS_WHY_ROUTER_ID);
	/* RFC 4456 9 (b), between 9.1.2.2 (f) and (g), as BIRD and FRR. */
	PREFER(a->attrs->cluster_len < b->attrs->cluster_len,
	       b->attrs->cluster_len < a->attrs->cluster_len, ERS_WHY_CLUSTER_LIST);
	PREFER(peer_index(a) < peer_index(b), peer_index(b) < peer_index(a),
	       ERS_WHY_PEER_ADDR);
	*why = ERS_WHY_NONE;
	return 0;
}

/* Is MED compared between these two routes? */
static bool med_comparable(const struct ers_speaker *s, const struct ers_attrs *x,
			   const struct ers_attrs *y)
{
	return s->always_compare_med || neighbor_as(x) == neighbor_as(y);
}

/* The steps before MED. */
static int compare_pre_med(const struct ers_cand *a, const struct ers_cand *b,
			   enum ers_bgp_reason *why)
{
	const struct ers_attrs *x = a->attrs, *y = b->attrs;

	PREFER(!a->peer && b->peer, a->peer && !b->peer, ERS_WHY_LOCAL);
	/* Weight: local to this router, higher wins (FRR, Cisco). */
	PREFER(x->weight > y->weight, y->weight > x->weight, ERS_WHY_WEIGHT);
	/* 9.1.1: degree of preference from LOCAL_PREF, higher wins. */
	PREFER(x->local_pref > y->local_pref, y->local_pref > x->local_pref,
	       ERS_WHY_LOCAL_PREF);
	/* 9.1.2.2 (a): fewest AS numbers in AS_PATH. */
	PREFER(x->path_len < y->path_len, y->path_len < x->path_len, ERS_WHY_AS_PATH);
	/* 9.1.2.2 (b): lowest ORIGIN. */
	PREFER(x->origin < y->origin, y->origin < x->origin, ERS_WHY_ORIGIN);
	*why = ERS_WHY_NONE;
	return 0;
}

/* The steps up to and including MED: routes equal here may share
 * forwarding (multipath). */
static int compare_attrs(const struct ers_speaker *s, const struct ers_cand *a,
			 const struct ers_cand *b, enum ers_bgp_reason *why)
{
	const struct ers_attrs *x = a->attrs, *y = b->attrs;
	int c = compare_pre_med(a, b, why);

	if (c)
		return c;
	/* 9.1.2.2 (c): lowest MED among routes from the same neighbour AS;
	 * a missing MED counts as 0. */
	if (med_comparable(s, x, y))
		PREFER(x->med < y->med, y->med < x->med, ERS_WHY_MED);
	*why = ERS_WHY_NONE;
	return 0;
}

/* The gateway names one route of its ECMP set "best": by router id. */
static int gateway_tie(const struct ers_cand *a, const struct ers_cand *b,
		       enum ers_bgp_reason *why)
{
	PREFER(peer_router_id(a) < peer_router_id(b),
	       peer_router_id(b) < peer_router_id(a), ERS_WHY_ROUTER_ID);
	PREFER(peer_index(a) < peer_index(b), peer_index(b) < peer_index(a),
	       ERS_WHY_PEER_ADDR);
	*why = ERS_WHY_NONE;
	return 0;
}

int ers_bgp_compare(const struct ers_speaker *s, const struct ers_cand *a,
		    const struct ers_cand *b, enum ers_bgp_reason *why)
{
	int c;

	if (s->kind != ERS_SPK_GW) {
		c = compare_attrs(s, a, b, why);
		return c ? c : tie_break(s, a, b, NULL, why);
	}
	c = ers_er_gateway_compare(a, b, why);
	return c ? c : gateway_tie(a, b, why);
}

/* Stage one: every route loses that is worse than the best before MED. */
static size_t select_pre_med(const struct ers_speaker *s, struct ers_cand *c,
			     size_t n)
{
	enum ers_bgp_reason why;
	size_t top = 0;
	bool gw = s->kind == ERS_SPK_GW;

	for (size_t i = 1; i < n; i++)
		if ((gw ? ers_er_gateway_compare(&c[i], &c[top], &why) :
			  compare_pre_med(&c[i], &c[top], &why)) < 0)
			top = i;
	for (size_t i = 0; i < n; i++) {
		if (gw)
			ers_er_gateway_compare(&c[top], &c[i], &c[i].lost);
		else
			compare_pre_med(&c[top], &c[i], &c[i].lost);
		c[i].lost_to = top;
	}
	return top;
}

/* Stage two: among the routes left, each neighbour AS keeps only its
 * routes with the lowest MED (every route is one group with
 * always-compare-med). */
static void select_med(const struct ers_speaker *s, struct ers_cand *c, size_t n)
{
	/* First find each route's group minimum, then eliminate: a route
	 * marked early must still count as the minimum of its group. */
	for (size_t i = 0; i < n; i++) {
		if (c[i].lost != ERS_WHY_NONE)
			continue;
		c[i].lost_to = i;
		for (size_t j = 0; j < n; j++)
			if (c[j].lost == ERS_WHY_NONE &&
			    med_comparable(s, c[j].attrs, c[i].attrs) &&
			    c[j].attrs->med < c[c[i].lost_to].attrs->med)
				c[i].lost_to = j;
	}
	for (size_t i = 0; i < n; i++)
		if (c[i].lost == ERS_WHY_NONE && c[i].lost_to != i)
			c[i].lost = ERS_WHY_MED;
}

/* Stage three: the rest by the tie-break steps; returns the best. */
static size_t select_tie(const struct ers_speaker *s, struct ers_cand *c, size_t n,
			 const struct ers_peer *incumbent)
{
	enum ers_bgp_reason why;
	size_t best = SIZE_MAX;
	bool gw = s->kind == ERS_SPK_GW;

	for (size_t i = 0; i < n; i++)
		if (c[i].lost == ERS_WHY_NONE &&
		    (best == SIZE_MAX ||
		     (gw ? gateway_tie(&c[i], &c[best], &why) :
			   tie_break(s, &c[i], &c[best], incumbent, &why)) < 0))
			best = i;
	for (size_t i = 0; i < n; i++) {
		if (c[i].lost != ERS_WHY_NONE || i == best)
			continue;
		if (gw)
			gateway_tie(&c[best], &c[i], &c[i].lost);
		else
			tie_break(s, &c[best], &c[i], incumbent, &c[i].lost);
		c[i].lost_to = best;
	}
	return best;
}

size_t ers_bgp_select(const struct ers_speaker *s, struct ers_cand *c, size_t n,
		      const struct ers_peer *incumbent)
{
	select_pre_med(s, c, n);
	if (s->kind != ERS_SPK_GW)
		select_med(s, c, n);
	return select_tie(s, c, n, incumbent);
}

/*
 * Multipath: the gateway spreads over every route tied before its router
 * id step (ECMP across circuits, both links of each). A site router with
 * multipath on uses routes tied with the best through the MED step, learned
 * the same way (all eBGP or all iBGP) from the same neighbour AS, as
 * "maximum-paths" does on common routers. Others never split.
 */
bool ers_bgp_multipath_ok(const struct ers_speaker *s, const struct ers_cand *a,
			  const struct ers_cand *b)
{
	enum ers_bgp_reason why;

	if (!a->peer || !b->peer)
		return false;
	if (s->kind == ERS_SPK_GW)
		return ers_er_gateway_compare(a, b, &why) == 0;
	if (!s->multipath)
		return false;
	if (compare_attrs(s, a, b, &why) != 0)
		return false;
	if (a->peer->ibgp != b->peer->ibgp ||
	    neighbor_as(a->attrs) != neighbor_as(b->attrs))
		return false;
	/* iBGP: only over equal IGP cost (FRR, Cisco). The model's IGP cost
	 * is the one hop to the neighbour (next-hop-self everywhere), so the
	 * rest of the path must be equal too: the same CLUSTER_LIST length.
	 * Each next hop's own route is then one reflection shorter, and
	 * forwarding cannot come back (docs/model.md). */
	return !a->peer->ibgp || (a->peer->igp_cost == b->peer->igp_cost &&
				  a->attrs->cluster_len == b->attrs->cluster_len);
}

static const char *cand_name(const struct ers_cand *c)
{
	return c->peer ? c->peer->remote->self->id : "local";
}

char *ers_bgp_step_detail(const struct ers_cand *win, const struct ers_cand *lose,
			  enum ers_bgp_reason why, char *buf, size_t n)
{
	const struct ers_attrs *x = win->attrs, *y = lose->attrs;
	char detail[96] = "";

	switch (why) {
	case ERS_WHY_WEIGHT:
		snprintf(detail, sizeof detail, " %u > %u", x->weight, y->weight);
		break;
	case ERS_WHY_LOCAL_PREF:
		snprintf(detail, sizeof detail, " %u > %u", x->local_pref, y->local_pref);
		break;
	case ERS_WHY_AS_PATH:
		snprintf(detail, sizeof detail, " %u < %u", x->path_len, y->path_len);
		break;
	case ERS_WHY_ORIGIN:
		snprintf(detail, sizeof detail, " %s < %s", ers_origin_str(x->origin),
			 ers_origin_str(y->origin));
		break;
	case ERS_WHY_MED:
		snprintf(detail, sizeof detail, " %u < %u", x->med, y->med);
		break;
	case ERS_WHY_CLUSTER_LIST:
		snprintf(detail, sizeof detail, " %u < %u", x->cluster_len, y->cluster_len);
		break;
	case ERS_WHY_IGP_COST:
		snprintf(detail, sizeof detail, " %u < %u", win->peer ? win->peer->igp_cost : 0,
			 lose->peer ? lose->peer->igp_cost : 0);
		break;
	default:
		break;
	}
	snprintf(buf, n, "%s%s", ers_bgp_reason_str(why), detail);
	return buf;
}

char *ers_bgp_explain(const struct ers_cand *win, const struct ers_cand *lose,
		      enum ers_bgp_reason why, char *buf, size_t n)
{
	char step[128];

	snprintf(buf, n, "via %s wins over via %s: %s", cand_name(win), cand_name(lose),
		 ers_bgp_step_detail(win, lose, why, step, sizeof step));
	return buf;
}
