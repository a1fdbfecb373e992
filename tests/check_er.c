/*
 * check_er.c - ExpressRoute behaviour, end to end on the scenarios in
 * scenarios/expressroute/: each test fails if the behaviour it names were missing.
 */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ersim/analyze.h"
#include "ersim/catalog.h"
#include "test_util.h"

/* Run scenarios/expressroute/NAME.xml. */
static struct ers_result *run_er(const char *name, bool ribs)
{
	char path[256];
	struct ers_run_opts o = { .ribs = ribs };

	snprintf(path, sizeof path, "scenarios/expressroute/%s.xml", name);
	return tu_run(path, &o);
}

/* Paths in force at the end: the last entries sharing one from time. */
static size_t final_paths(const struct ers_flow_result *f, size_t *first)
{
	size_t i = f->n_paths;

	while (i > 0 && f->paths[i - 1].from == f->paths[f->n_paths - 1].from)
		i--;
	*first = i;
	return f->n_paths - i;
}

static bool has_comm(const struct ers_rib_route *rt, const char *c)
{
	for (size_t i = 0; i < rt->n_communities; i++)
		if (!strcmp(rt->communities[i], c))
			return true;
	return false;
}

START_TEST(test_er_prefix_limit_drops_and_restores_session)
{
	struct ers_result *r = run_er("prefix-limit", false);
	const struct ers_flow_result *f = tu_flow(r, "app");
	size_t first;

	ck_assert_int_eq(r->n_notices, 2);
	ck_assert_str_eq(r->notices[0].kind, "prefix-limit");
	ck_assert(strstr(r->notices[0].detail, "4010 prefixes, over the limit of 4000"));
	ck_assert(strstr(r->notices[0].detail, "Cease"));
	/* No route to Azure until ce2's prefixes are gone (fail at 60 s),
	 * then back within one connect-retry (5 s) plus the handshake. */
	ck_assert_int_eq(f->paths[0].status, ERS_PATH_BLACKHOLE);
	ck_assert(ers_time_to_s(f->down) > 59.0 && ers_time_to_s(f->down) < 66.0);
	ck_assert_int_eq(final_paths(f, &first), 2);
	ck_assert_int_eq(f->paths[first].status, ERS_PATH_DELIVERED);
	ck_assert(f->final_reachable);
	ers_result_free(r);
}
END_TEST

/* A customer at exactly the limit is not over it (facts 3.1): the session
 * torn down at 4,010 comes back once ce3's 10 are gone and stays up, on
 * both links, though each link's ce1 would also send the other link's
 * VNet route (which the MSEE refuses as an AS loop, so it does not count). */
START_TEST(test_er_prefix_limit_restores_at_exactly_the_limit)
{
	struct ers_result *r = run_er("prefix-limit-boundary", false);
	const struct ers_flow_result *f = tu_flow(r, "app");
	size_t first;

	ck_assert_int_eq(r->n_notices, 2);
	for (size_t i = 0; i < r->n_notices; i++) {
		ck_assert_str_eq(r->notices[i].kind, "prefix-limit");
		ck_assert(strstr(r->notices[i].detail, "4010 prefixes"));
	}
	ck_assert_int_eq(f->paths[0].status, ERS_PATH_BLACKHOLE);
	ck_assert(ers_time_to_s(f->down) > 59.0 && ers_time_to_s(f->down) < 66.0);
	/* Back on both links (two paths), not torn down again. */
	ck_assert_int_eq(final_paths(f, &first), 2);
	ck_assert_int_eq(f->paths[first].status, ERS_PATH_DELIVERED);
	ck_assert_int_eq(f->paths[first + 1].status, ERS_PATH_DELIVERED);
	ck_assert(f->final_reachable);
	ers_result_free(r);
}
END_TEST

/* A VNet with 1,001 prefixes, one over what a gateway advertises per
 * connection (facts 3.1): the connection goes down (both MSEEs tear the
 * session down with a notice), not the first 1,000 advertised; the other
 * VNet on the same circuit is untouched. */
START_TEST(test_er_gateway_over_1000_prefixes_takes_connection_down)
{
	struct ers_result *r = run_er("gw-prefix-limit", false);

	ck_assert_int_eq(r->n_notices, 2);
	for (size_t i = 0; i < r->n_notices; i++) {
		ck_assert_str_eq(r->notices[i].kind, "gateway-prefix-limit");
		ck_assert(strstr(r->notices[i].detail, "big/gw advertised 1001 prefixes, over the limit of 1000"));
	}
	ck_assert(!tu_flow(r, "to-big")->final_reachable);
	ck_assert(tu_flow(r, "to-hub")->final_reachable);
	ck_assert(ers_time_to_s(tu_flow(r, "to-hub")->down) < 0.001);
	ers_result_free(r);
}
END_TEST

START_TEST(test_er_region_community_steers_with_local_pref)
{
	struct ers_result *r = run_er("communities", true);
	const struct ers_flow_result *neu = tu_flow(r, "to-neu"), *weu = tu_flow(r, "to-weu");
	const struct ers_rib_route *rt = tu_route(r, "hq/ce1", "10.2.0.0/16");

	/* North Europe (12076:50003) matches the Dublin import rule. */
	ck_assert_ptr_nonnull(rt);
	ck_assert(has_comm(rt, "12076:50003"));
	ck_assert_uint_eq(rt->local_pref, 200);
	ck_assert_int_eq(neu->n_paths, 2);
	ck_assert_str_eq(neu->paths[0].nodes[1], "dublin-1/a");
	ck_assert_str_eq(neu->paths[1].nodes[1], "dublin-1/b");
	/* West Europe does not match: ECMP over both circuits' four links. */
	ck_assert_int_eq(weu->n_paths, 4);
	ck_assert(fabs(weu->paths[0].share - 0.25) < 1e-9);
	/* Region community plus the VNet's own, AS path "12076" only. */
	rt = tu_route(r, "hq/ce1", "10.1.0.0/16");
	ck_assert(has_comm(rt, "12076:50002"));
	ck_assert(has_comm(rt, "12076:20001"));
	ck_assert_int_eq(rt->as_path_len, 1);
	ck_assert_uint_eq(rt->as_path[0], 12076);
	ers_result_free(r);
}
END_TEST

START_TEST(test_er_microsoft_ignores_customer_communities)
{
	struct ers_result *r = run_er("communities", true);
	const struct ers_rib_route *rt = tu_route(r, "amsterdam-1/a@er-ams", "192.168.1.0/24");

	ck_assert_ptr_nonnull(rt);
	ck_assert_int_eq(rt->n_communities, 0);
	/* The gateway sees the site behind 12076, without 65515. */
	rt = tu_route(r, "weu/gw", "192.168.1.0/24");
	ck_assert_int_eq(rt->as_path_len, 2);
	ck_assert_uint_eq(rt->as_path[0], 12076);
	ck_assert_uint_eq(rt->as_path[1], 65010);
	ers_result_free(r);
}
END_TEST

START_TEST(test_er_gateway_prefers_expressroute_over_vpn)
{
	struct ers_result *r = run_er("vpn-backup", true);
	const struct ers_flow_result *f = tu_flow(r, "from-hub");
	size_t first;

	/* Before the failure: ExpressRoute, though the VPN path is shorter. */
	ck_assert_str_eq(f->paths[0].nodes[1], "amsterdam-1/a");
	/* After: the VPN, straight to the site router. */
	ck_assert_int_eq(final_paths(f, &first), 1);
	ck_assert_int_eq(f->paths[first].n_nodes, 2);
	ck_assert_str_eq(f->paths[first].nodes[1], "hq/ce1");
	ck_assert(f->final_reachable);
	ck_assert(ers_time_to_s(f->outage) < 0.1);
	ers_result_free(r);
}
END_TEST

START_TEST(test_er_connection_weight_beats_as_path)
{
	struct ers_result *r = run_er("weight", true);
	const struct ers_flow_result *w = tu_flow(r, "weighted-out"), *e = tu_flow(r, "even-out");

	ck_assert_str_eq(w->paths[0].nodes[1], "london-1/a");
	ck_assert_str_eq(w->paths[1].nodes[1], "london-1/b");
	ck_assert_int_eq(w->n_paths, 2);
	/* Without weight the shorter AS path (Amsterdam) wins. */
	ck_assert_str_eq(e->paths[0].nodes[1], "amsterdam-1/a");
	ers_result_free(r);
}
END_TEST

START_TEST(test_er_gateway_does_not_transit_between_circuits)
{
	struct ers_result *r = run_er("gr-transit", true);

	/* Circuits a and c both connect the hub VNet: its gateway learns c's
	 * prefix but never re-advertises it to circuit a. */
	ck_assert_ptr_nonnull(tu_route(r, "hub/gw", "192.168.3.0/24"));
	ck_assert_ptr_null(tu_route(r, "amsterdam-1/a@er-a", "192.168.3.0/24"));
	ck_assert_ptr_null(tu_route(r, "a/ce1", "192.168.3.0/24"));
	ck_assert(tu_reach(r, "a", "hub"));
	ck_assert(tu_reach(r, "c", "hub"));
	ers_result_free(r);
}
END_TEST

START_TEST(test_er_global_reach_not_transitive)
{
	struct ers_result *r = run_er("gr-transit", false);
	const struct ers_flow_result *ab = tu_flow(r, "a-to-b"), *ac = tu_flow(r, "a-to-c");

	ck_assert(tu_reach(r, "a", "b"));
	ck_assert(tu_reach(r, "b", "c"));
	ck_assert(!tu_reach(r, "a", "c"));
	ck_assert(!tu_reach(r, "c", "a"));
	/* a to b: both MSEEs, no gateway. */
	ck_assert_int_eq(ab->paths[0].n_nodes, 4);
	ck_assert_str_eq(ab->paths[0].nodes[1], "amsterdam-1/a");
	ck_assert_str_eq(ab->paths[0].nodes[2], "london-1/a");
	ck_assert(!ac->final_reachable);
	ers_result_free(r);
}
END_TEST

START_TEST(test_er_msee_pair_failure_shares_fate)
{
	struct ers_result *r = run_er("shared-pair", false);

	ck_assert(!tu_flow(r, "a")->final_reachable);
	ck_assert(!tu_flow(r, "b")->final_reachable);
	ck_assert(tu_flow(r, "c")->final_reachable);
	ck_assert_int_eq(tu_flow(r, "c")->outage, 0);
	ck_assert_str_eq(tu_flow(r, "c")->paths[0].nodes[1], "amsterdam-2/a");
	/* Circuits on one pair never see each other's routes. */
	ck_assert(!tu_reach(r, "a", "vb"));
	ers_result_free(r);
}
END_TEST

START_TEST(test_er_metro_survives_location_failure)
{
	struct ers_result *r = run_er("metro", false);
	const struct ers_flow_result *f = tu_flow(r, "app");
	size_t first;

	ck_assert_str_eq(f->paths[0].nodes[1], "amsterdam-1/a");
	ck_assert_str_eq(f->paths[1].nodes[1], "amsterdam2-1/b");
	ck_assert_int_eq(final_paths(f, &first), 1);
	ck_assert_str_eq(f->paths[first].nodes[1], "amsterdam2-1/b");
	ck_assert(f->final_reachable);
	ers_result_free(r);
}
END_TEST

START_TEST(test_er_maintenance_drains_before_link_goes_down)
{
	struct ers_result *r = run_er("maintenance", false);
	const struct ers_flow_result *good = tu_flow(r, "good"), *stub = tu_flow(r, "stubborn");

	/* Following the prepend loses nothing; pinning the link with local
	 * preference loses traffic until the MSEE's NOTIFICATION arrives
	 * (one link delay, 1 ms; BFD would take up to 0.9 s). */
	ck_assert_int_eq(good->outage, 0);
	ck_assert_int_eq(good->lost_bytes, 0);
	ck_assert_str_eq(good->paths[2].nodes[1], "amsterdam-1/b");
	ck_assert(good->paths[2].from > 30 * 1000000000LL && good->paths[2].from < 31 * 1000000000LL);
	ck_assert(stub->outage > 0 && stub->outage <= 2 * ERS_MS);
	ck_assert(stub->lost_bytes > 0);
	ers_result_free(r);
}
END_TEST

START_TEST(test_er_layer3_paths_cross_provider_edges)
{
	struct ers_result *r = run_er("layer3", true);
	const struct ers_flow_result *f = tu_flow(r, "app");
	const struct ers_rib_route *rt = tu_route(r, "hq/ce1", "10.1.0.0/16");

	ck_assert_int_eq(f->paths[0].n_nodes, 4);
	ck_assert_str_eq(f->paths[0].nodes[1], "er/pe-primary");
	ck_assert_str_eq(f->paths[0].nodes[2], "amsterdam-1/a");
	ck_assert_int_eq(rt->as_path_len, 2);
	ck_assert_uint_eq(rt->as_path[0], 64900);
	ck_assert_uint_eq(rt->as_path[1], 12076);
	ers_result_free(r);
}
END_TEST

START_TEST(test_er_gateway_ecmp_at_most_four_circuits)
{
	struct ers_result *r = run_er("ecmp-limit", false);
	const struct ers_flow_result *f = tu_flow(r, "out");

	ck_assert_int_eq(f->n_paths, 8);
	for (size_t i = 0; i < f->n_paths; i++) {
		ck_assert(fabs(f->paths[i].share - 0.125) < 1e-9);
		ck_assert(strncmp(f->paths[i].nodes[1], "paris", 5));
	}
	ers_result_free(r);
}
END_TEST

START_TEST(test_er_gateway_route_limit_reported)
{
	struct ers_result *r = run_er("route-limit", true);
	size_t n = 0;

	ck_assert_int_eq(r->n_notices, 1);
	ck_assert_str_eq(r->notices[0].kind, "gateway-route-limit");
	ck_assert_str_eq(r->notices[0].node, "hub/gw");
	for (size_t i = 0; i < r->n_ribs; i++)
		if (!strcmp(r->ribs[i].router, "hub/gw"))
			n = r->ribs[i].n_routes;
	ck_assert_int_eq(n, 4000 + 1);	/* learned routes plus its own prefix */
	ers_result_free(r);
}
END_TEST

/* Routes refused at the gateway's limit are reconsidered when room frees:
 * site b's 100 prefixes arrive at a gateway full of site a's 4,000 and
 * are refused; when er-a fails at 15 s they are installed at once. */
START_TEST(test_er_gateway_route_limit_reconsidered_when_room_frees)
{
	struct ers_result *r = run_er("route-limit-recovery", true);
	const struct ers_flow_result *f = tu_flow(r, "to-b");
	size_t n = 0, first;

	ck_assert_int_eq(r->n_notices, 1);
	ck_assert_str_eq(r->notices[0].kind, "gateway-route-limit");
	ck_assert_int_eq(f->paths[0].status, ERS_PATH_BLACKHOLE);
	ck_assert(f->final_reachable);
	ck_assert_int_eq(final_paths(f, &first), 2);
	ck_assert(ers_time_to_s(f->paths[first].from) > 15.0 &&
		  ers_time_to_s(f->paths[first].from) < 15.1);
	for (size_t i = 0; i < r->n_ribs; i++)
		if (!strcmp(r->ribs[i].router, "hub/gw"))
			n = r->ribs[i].n_routes;
	ck_assert_int_eq(n, 100 + 1);	/* all of b's, plus its own prefix */
	ers_result_free(r);
}
END_TEST

/* <defaults> BFD reaches the circuit's sessions but not the VPN: the VPN's
 * failure at 10 s is seen by its hold timer (9 s, keepalive 3 s: between
 * 16 and 19 s), the primary link's at 25 s by BFD (under 1 s). */
START_TEST(test_er_vpn_runs_without_bfd)
{
	struct ers_result *r = run_er("vpn-no-bfd", false);

	ck_assert_int_eq(r->n_events, 2);
	ck_assert_str_eq(r->events[0].target, "vpn:backup");
	ck_assert(ers_time_to_s(r->events[0].detected) >= 16.0 &&
		  ers_time_to_s(r->events[0].detected) <= 19.0);
	ck_assert(ers_time_to_s(r->events[1].detected) > 25.0 &&
		  ers_time_to_s(r->events[1].detected) < 26.0);
	ers_result_free(r);
}
END_TEST

/* A site-link carried by a layer-2 provider is a WAN circuit: its break
 * inside the provider is seen by the hold timer (9 s after the last
 * keepalive, 16 to 19 s), not at once as an interface down. */
START_TEST(test_er_site_link_carrier_follows_provider)
{
	struct ers_result *r = run_er("site-link-wan", false);

	ck_assert_int_eq(r->n_events, 1);
	ck_assert(ers_time_to_s(r->events[0].detected) >= 16.0 &&
		  ers_time_to_s(r->events[0].detected) <= 19.0);
	ck_assert(!tu_flow(r, "dc-to-dc")->final_reachable);
	ers_result_free(r);
}
END_TEST

/* Every kind of failure target takes something down and its restore
 * brings it back: detection at once over interface carriers (the VPN,
 * over the internet, waits for the hold timer), routing converges within
 * a second, and the end state equals the start. */
START_TEST(test_er_every_target_kind)
{
	struct ers_result *r = run_er("targets", false);

	ck_assert_int_eq(r->n_events, 28);
	for (size_t i = 0; i < r->n_events; i++) {
		const struct ers_event_result *e = &r->events[i];
		bool vpn = !strncmp(e->target, "vpn:", 4);

		ck_assert_msg(e->detected != ERS_TIME_NEVER, "%s %s not detected", e->action, e->target);
		ck_assert_msg(e->detected - e->at <= (vpn ? 9 : 1) * 1000000000LL,
			      "%s %s detected late", e->action, e->target);
		if (!vpn)
			ck_assert_msg(e->converged != ERS_TIME_NEVER &&
				      e->converged - e->at < 1000000000LL,
				      "%s %s did not converge", e->action, e->target);
	}
	ck_assert(tu_flow(r, "app")->final_reachable);
	ck_assert(tu_reach(r, "hq", "hub"));
	ck_assert(tu_reach(r, "hq", "spoke"));
	ck_assert(tu_reach(r, "br", "spoke"));
	ck_assert(tu_reach(r, "hq", "br"));
	ers_result_free(r);
}
END_TEST

/* Gateway-to-MSEE convergence (sources §2, §7.3, §10): after each cut
 * the MSEE withdraws at once (on-premises moves in milliseconds) but the
 * gateway keeps its Amsterdam routes for a drawn delay, so Azure to
 * on-premises is blackholed for seconds; after each restore the gateway
 * re-learns Amsterdam only after a drawn delay. Before the model, "to-dc"
 * lost nothing and moved in about 3 ms. */
START_TEST(test_er_gateway_convergence_delays_azure_side)
{
	struct ers_result *r = run_er("gw-convergence", false);
	const struct ers_flow_result *to_dc = tu_flow(r, "to-dc");
	const struct ers_flow_result *to_az = tu_flow(r, "to-azure");
	size_t n_notice = 0;

	/* Two cuts, each at most 60 s and together more than a second. */
	ck_assert(ers_time_to_s(to_dc->down) > 1.0);
	ck_assert(ers_time_to_s(to_dc->down) <= 120.0);
	ck_assert(to_dc->lost_bytes > 0);
	/* The on-premises side is not slowed down: the MSEE sees the cut
	 * of the connection at once, the location's failure by BFD. */
	ck_assert(ers_time_to_s(to_az->down) < 2.0);
	/* Re-learning is delayed too: after the restore at 200 s "to-dc"
	 * still runs through Dublin for a while. */
	for (size_t i = 0; i < to_dc->n_paths; i++) {
		const struct ers_path_entry *pe = &to_dc->paths[i];
		if (ers_time_to_s(pe->from) >= 200.0 && ers_time_to_s(pe->from) < 300.0 &&
		    pe->n_nodes > 1 && !strcmp(pe->nodes[1], "amsterdam-1/a")) {
			ck_assert(ers_time_to_s(pe->from) > 200.5);
			ck_assert(ers_time_to_s(pe->from) <= 260.0);
			break;
		}
	}
	for (size_t i = 0; i < r->n_notices; i++)
		if (!strcmp(r->notices[i].kind, "gateway-convergence")) {
			ck_assert_str_eq(r->notices[i].node, "hub-weu/gw");
			n_notice++;
		}
	/* Each event: both sessions of the connection, drawn separately. */
	ck_assert_int_eq(n_notice, 8);
	ck_assert(to_dc->final_reachable && to_az->final_reachable);
	ers_result_free(r);
}
END_TEST

/* --gateway-convergence fixes the delay: 20 s exactly gives a 20 s
 * blackhole per cut of "to-dc" (two cuts) and re-learning 20 s after each
 * restore; 0 s gives back plain BGP, where the gateway moves at once. */
START_TEST(test_er_gateway_convergence_fixed_by_option)
{
	struct ers_run_opts o = { .has_gw_convergence = true, .gw_convergence = 20 * ERS_S };
	struct ers_result *r = tu_run("scenarios/expressroute/gw-convergence.xml", &o);
	const struct ers_flow_result *f = tu_flow(r, "to-dc");
	bool back = false;

	ck_assert(fabs(ers_time_to_s(f->down) - 40.0) < 0.1);
	for (size_t i = 0; i < f->n_paths; i++)
		if (ers_time_to_s(f->paths[i].from) >= 200.0 && f->paths[i].n_nodes > 1 &&
		    !strcmp(f->paths[i].nodes[1], "amsterdam-1/a")) {
			ck_assert(fabs(ers_time_to_s(f->paths[i].from) - 220.0) < 0.1);
			back = true;
			break;
		}
	ck_assert(back);
	ers_result_free(r);

	o.gw_convergence = 0;
	r = tu_run("scenarios/expressroute/gw-convergence.xml", &o);
	f = tu_flow(r, "to-dc");
	ck_assert_int_eq(f->down, 0);
	ck_assert(r->events[0].converged - r->events[0].at < 10 * ERS_MS);
	ers_result_free(r);
}
END_TEST

/* Maintenance as Microsoft does it (sources §10): the MSEE shuts its own
 * port, so it knows at once and stops passing Global Reach traffic into
 * it, and tells the customer with NOTIFICATION (Cease, Administrative
 * Shutdown, RFC 8203). Before: the MSEE noticed only by its hold timer,
 * "replication" was half blackholed for 142 s, the customer learned by
 * its own hold timer at 238 s, and the event's convergence was the whole
 * window (361 s). */
START_TEST(test_er_maintenance_msee_shuts_its_port)
{
	char path[] = "/tmp/ersim-maint-XXXXXX";
	int fd = mkstemp(path);
	FILE *tr = fd >= 0 ? fdopen(fd, "w+") : NULL;
	struct ers_run_opts o = { .trace = tr };
	struct ers_result *r;
	const struct ers_flow_result *f;
	char line[512];
	bool ce_notified = false, msee_down = false;

	ck_assert_ptr_nonnull(tr);
	r = tu_run("scenarios/expressroute/maintenance-gr.xml", &o);
	f = tu_flow(r, "replication");
	/* only while the MSEE's withdrawal crosses Global Reach */
	ck_assert(f->outage < 50 * ERS_MS);
	ck_assert(f->lost_bytes < 1000000);
	ck_assert_int_eq(f->down, 0);
	/* convergence is the drain's routing change, not the window */
	ck_assert_int_eq(r->n_events, 1);
	ck_assert(r->events[0].converged - r->events[0].at < ERS_S);
	ck_assert_int_eq(r->events[0].detected, r->events[0].at);
	ck_assert_int_eq(r->events[0].down_at, 90 * ERS_S);
	ck_assert_int_eq(r->events[0].up_at, 390 * ERS_S);
	rewind(tr);
	while (fgets(line, sizeof line, tr)) {
		if (!strstr(line, "\"session-down\""))
			continue;
		if (strstr(line, "\"router\":\"lon-dc/ce1\"") &&
		    strstr(line, "NOTIFICATION received: Cease, administrative shutdown") &&
		    strstr(line, "\"t_ns\":9000"))
			ce_notified = true;
		if (strstr(line, "\"router\":\"london-1/a@er-lon\"") &&
		    strstr(line, "\"t_ns\":90000000000,"))
			msee_down = true;
	}
	ck_assert(ce_notified);
	ck_assert(msee_down);
	ck_assert(tu_reach(r, "ams-dc", "lon-dc"));
	ers_result_free(r);
	fclose(tr);
	unlink(path);
}
END_TEST

/* The gateway's throughput (sources §8.1) counts as circuit bandwidth
 * does: 1.5 Gbps through a Standard gateway (1 Gbps) is 150% however big
 * the circuits; through ErGwScale with 2 units (2 Gbps) 75%. Before, only
 * circuit links counted (7.5% on link:er-ams/primary for both). */
START_TEST(test_er_gateway_throughput_counts)
{
	struct ers_result *r = run_er("gw-throughput", false);
	const struct ers_flow_result *hub = tu_flow(r, "to-dc"), *sc = tu_flow(r, "scale-to-dc");

	ck_assert(fabs(hub->max_utilization - 1.5) < 1e-6);
	ck_assert_str_eq(hub->max_utilization_link, "gateway:hub");
	ck_assert(fabs(sc->max_utilization - 0.75) < 1e-6);
	ck_assert_str_eq(sc->max_utilization_link, "gateway:scale");
	ers_result_free(r);
}
END_TEST

/* analyze's capacity verdict: the circuits give 20 Gbps intact, 10 Gbps
 * after the worst failure, but hub's gateway carries 1 Gbps: NOT ENOUGH
 * for 1.5 Gbps; scale's (ErGwScale x2) 2 Gbps: enough. */
START_TEST(test_er_gateway_throughput_caps_analyze)
{
	struct ers_scenario *s = NULL;
	struct ers_catalog *cat = NULL;
	struct ers_analysis *a = NULL;
	struct ers_diag d;
	bool seen_hub = false, seen_scale = false;

	ers_diag_init(&d);
	ck_assert_int_eq(ers_scenario_open("scenarios/expressroute/gw-throughput.xml", &s, &cat, &d),
			 ERS_OK);
	ck_assert_int_eq(ers_analyze(s, cat, &a, &d), ERS_OK);
	for (size_t i = 0; i < a->n_pairs; i++) {
		const struct ers_an_pair *p = &a->pairs[i];

		if (!strcmp(p->b_id, "hub")) {
			seen_hub = true;
			ck_assert_uint_eq(p->capacity, 1000000000ull);
			ck_assert_uint_eq(p->worst_capacity, 1000000000ull);
			ck_assert(!p->enough);
			ck_assert_msg(strstr(p->verdict, "NOT ENOUGH") &&
				      strstr(p->verdict, "gateway"), "%s", p->verdict);
		}
		if (!strcmp(p->b_id, "scale")) {
			seen_scale = true;
			ck_assert_uint_eq(p->worst_capacity, 2000000000ull);
			ck_assert(p->enough);
		}
	}
	ck_assert(seen_hub && seen_scale);
	ers_analysis_free(a);
	ers_catalog_free(cat);
	ers_scenario_free(s);
	ers_diag_release(&d);
}
END_TEST

/* Microsoft peering (issue 15.6): parsed and validated
 * (tests/bad/ms-peering-*.xml for each refusal) and simulated
 * (tests/check_msft.c): the bundled scenario validates with no message
 * (before, a "checked but not simulated" warning) and its run has no
 * "not simulated" notice. Without a route filter Microsoft advertises
 * nothing: a warning at the element's line. */
START_TEST(test_er_microsoft_peering_validated)
{
	static const char no_filter[] =
		"<scenario name=\"x\" duration=\"1min\">\n"
		"<site id=\"dc\" asn=\"65010\"><router id=\"ce1\"/><prefix>192.168.10.0/24</prefix></site>\n"
		"<provider id=\"p\" model=\"layer2\"/>\n"
		"<circuit id=\"c\" location=\"amsterdam\" provider=\"p\" bandwidth=\"1Gbps\" sku=\"standard\">\n"
		"<link role=\"primary\" router=\"dc/ce1\"/><link role=\"secondary\" router=\"dc/ce1\"/>\n"
		"<microsoft-peering prefixes=\"198.51.100.0/24\"/>\n"
		"</circuit></scenario>\n";
	struct ers_scenario *s = NULL;
	struct ers_catalog *cat = NULL;
	struct ers_diag d;
	struct ers_result *r;
	bool noted = false;

	ers_diag_init(&d);
	ck_assert_int_eq(ers_scenario_open("scenarios/expressroute/microsoft-peering.xml",
					   &s, &cat, &d), ERS_OK);
	ck_assert_uint_eq(d.n_msgs, 0);
	ers_diag_release(&d);
	ers_diag_init(&d);
	ck_assert(s->circuits[0].ms.present);
	ck_assert_uint_eq(s->circuits[0].ms.n_prefixes, 1);
	ck_assert_uint_eq(s->circuits[0].ms.n_route_filter, 3);
	ers_catalog_free(cat);
	ers_scenario_free(s);
	r = run_er("microsoft-peering", false);
	for (size_t i = 0; i < r->n_notices; i++)
		noted |= strstr(r->notices[i].detail, "not simulated") != NULL;
	ck_assert(!noted);
	ck_assert(tu_flow(r, "app")->final_reachable);
	ers_result_free(r);

	ck_assert_int_eq(ers_scenario_load_mem(no_filter, sizeof no_filter - 1, "mem.xml", &s, &d),
			 ERS_OK);
	ck_assert_int_eq(ers_catalog_builtin_load(&cat, &d), ERS_OK);
	ck_assert_int_eq(ers_scenario_check(s, cat, &d), ERS_OK);
	ck_assert_uint_eq(d.n_msgs, 1);
	ck_assert(d.msgs[0].warning);
	ck_assert_int_eq(d.msgs[0].line, 6);
	ck_assert(strstr(d.msgs[0].text, "without a route filter: Microsoft advertises no prefixes"));
	ers_catalog_free(cat);
	ers_scenario_free(s);
	ers_diag_release(&d);
}
END_TEST

/* Issue 15.2's untested case: a maintenance whose link already failed.
 * The down step takes nothing down twice (one session-down per end and
 * story, in the trace), and the link comes back only when both the
 * failure and the maintenance are over: the primary at the window's end
 * (90 s), not at the failure's restore (70 s); the secondary at the
 * failure's restore (170 s), not at the window's end (140 s). */
START_TEST(test_er_maintenance_on_failed_link)
{
	struct ers_run_opts o = { 0 };
	struct ers_result *r;
	const struct ers_flow_result *f;
	char line[512];
	int downs = 0, ups = 0;
	bool back_a = false, back_b = false;

	ck_assert_ptr_nonnull(o.trace = tmpfile());
	r = tu_run("scenarios/expressroute/maintenance-failed-link.xml", &o);
	rewind(o.trace);
	while (fgets(line, sizeof line, o.trace)) {
		bool ce = strstr(line, "\"router\":\"dc/ce1\"") != NULL;

		downs += ce && strstr(line, "\"session-down\"") != NULL;
		ups += ce && strstr(line, "\"session-up\"") != NULL;
	}
	fclose(o.trace);
	ck_assert_int_eq(downs, 2);	/* one per link: BFD at 20.8 s and 105.8 s */
	ck_assert_int_eq(ups, 4);	/* both at start, primary after 90 s, secondary after 170 s */
	f = tu_flow(r, "app");
	ck_assert_int_eq(f->down, 0);
	for (size_t i = 0; i < f->n_paths; i++) {
		const struct ers_path_entry *p = &f->paths[i];
		bool via_a = p->n_nodes > 1 && !strcmp(p->nodes[1], "amsterdam-1/a");
		bool via_b = p->n_nodes > 1 && !strcmp(p->nodes[1], "amsterdam-1/b");

		if (p->from > 21 * ERS_S && via_a && p->status == ERS_PATH_DELIVERED && !back_a) {
			back_a = true;
			ck_assert_msg(p->from > 90 * ERS_S && p->from < 96 * ERS_S, "primary back at %.3f",
				      ers_time_to_s(p->from));
		}
		if (p->from > 106 * ERS_S && via_b && p->status == ERS_PATH_DELIVERED && !back_b) {
			back_b = true;
			ck_assert_msg(p->from > 170 * ERS_S && p->from < 176 * ERS_S,
				      "secondary back at %.3f", ers_time_to_s(p->from));
		}
	}
	ck_assert(back_a && back_b);
	ers_result_free(r);
}
END_TEST

Suite *make_er_suite(void)
{
	Suite *s = suite_create("er");
	TCase *tc = tcase_create("expressroute");

	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_er_prefix_limit_drops_and_restores_session);
	tcase_add_test(tc, test_er_prefix_limit_restores_at_exactly_the_limit);
	tcase_add_test(tc, test_er_gateway_over_1000_prefixes_takes_connection_down);
	tcase_add_test(tc, test_er_region_community_steers_with_local_pref);
	tcase_add_test(tc, test_er_microsoft_ignores_customer_communities);
	tcase_add_test(tc, test_er_gateway_prefers_expressroute_over_vpn);
	tcase_add_test(tc, test_er_connection_weight_beats_as_path);
	tcase_add_test(tc, test_er_gateway_does_not_transit_between_circuits);
	tcase_add_test(tc, test_er_global_reach_not_transitive);
	tcase_add_test(tc, test_er_msee_pair_failure_shares_fate);
	tcase_add_test(tc, test_er_metro_survives_location_failure);
	tcase_add_test(tc, test_er_maintenance_drains_before_link_goes_down);
	tcase_add_test(tc, test_er_layer3_paths_cross_provider_edges);
	tcase_add_test(tc, test_er_gateway_ecmp_at_most_four_circuits);
	tcase_add_test(tc, test_er_gateway_route_limit_reported);
	tcase_add_test(tc, test_er_gateway_route_limit_reconsidered_when_room_frees);
	tcase_add_test(tc, test_er_vpn_runs_without_bfd);
	tcase_add_test(tc, test_er_site_link_carrier_follows_provider);
	tcase_add_test(tc, test_er_every_target_kind);
	tcase_add_test(tc, test_er_gateway_convergence_delays_azure_side);
	tcase_add_test(tc, test_er_gateway_convergence_fixed_by_option);
	tcase_add_test(tc, test_er_maintenance_msee_shuts_its_port);
	tcase_add_test(tc, test_er_gateway_throughput_counts);
	tcase_add_test(tc, test_er_gateway_throughput_caps_analyze);
	tcase_add_test(tc, test_er_microsoft_peering_validated);
	tcase_add_test(tc, test_er_maintenance_on_failed_link);
	suite_add_tcase(s, tc);
	return s;
}
