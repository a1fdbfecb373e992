/*
 * check_run.c - end-to-end runs of the BGP model: failure detection by
 * hold timer, BFD and interface state within the windows of RFC 4271 and
 * RFC 5880, failover of flows with their outage and lost bytes, ECMP over
 * both links of a circuit, determinism, and the bundled default scenario.
 */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ersim/result_json.h"
#include "test_util.h"

static struct ers_result *run_seed(const char *path, uint64_t seed)
{
	struct ers_run_opts o = { .has_seed = true, .seed = seed };
	return tu_run(path, &o);
}

/* Seconds from the failure at 30 s to its detection. */
static double detection_after(const struct ers_result *r)
{
	ck_assert_int_ge(r->n_events, 1);
	ck_assert_int_ne(r->events[0].detected, ERS_TIME_NEVER);
	return ers_time_to_s(r->events[0].detected - r->events[0].at);
}

/* RFC 4271: with keepalives every 3 s (jittered to 2.25..3 s) and hold
 * 9 s, a silent failure is noticed between hold - keepalive and hold. */
START_TEST(test_run_hold_timer_detects_provider_failure)
{
	struct ers_result *r = run_seed("tests/run/timers.xml", (uint64_t)_i + 1);
	double t = detection_after(r);

	ck_assert_msg(t >= 6.0 && t <= 9.0, "seed %d: detection after %.3f s", _i + 1, t);
	ers_result_free(r);
}
END_TEST

/* RFC 5880: detection time = interval x multiplier after the last packet,
 * so within [(m-1) i, m i] = [0.6, 0.9] s of the failure. */
START_TEST(test_run_bfd_detects_within_window)
{
	struct ers_result *r = run_seed("tests/run/timers-bfd.xml", (uint64_t)_i + 1);
	double t = detection_after(r);

	ck_assert_msg(t >= 0.6 && t <= 0.9, "seed %d: detection after %.3f s", _i + 1, t);
	ers_result_free(r);
}
END_TEST

START_TEST(test_run_interface_failure_seen_at_once)
{
	struct ers_result *r = run_seed("tests/run/timers-direct.xml", 1);

	ck_assert_int_eq(r->events[0].detected, r->events[0].at);
	/* Routing converges within milliseconds, not seconds. */
	ck_assert_int_lt(r->events[0].converged - r->events[0].at, 100 * 1000 * 1000);
	ck_assert_int_lt(r->flows[0].outage, 100 * 1000 * 1000);
	ers_result_free(r);
}
END_TEST

START_TEST(test_run_ecmp_over_both_links)
{
	struct ers_result *r = run_seed("tests/run/timers.xml", 1);
	const struct ers_flow_result *f = &r->flows[0];

	/* Before the failure: two paths, half the flow on each link. */
	ck_assert_int_ge(f->n_paths, 2);
	ck_assert_str_eq(f->paths[0].nodes[1], "amsterdam-1/a");
	ck_assert_str_eq(f->paths[1].nodes[1], "amsterdam-1/b");
	ck_assert(fabs(f->paths[0].share - 0.5) < 1e-9);
	ck_assert(fabs(f->paths[1].share - 0.5) < 1e-9);
	ck_assert_str_eq(f->paths[0].nodes[2], "hub/gw");
	ers_result_free(r);
}
END_TEST

/* Half the flow is blackholed from the failure until the hold timer
 * moves it: outage is that time, nothing is fully down, and the lost
 * bytes are half the rate for the outage. */
START_TEST(test_run_failover_accounts_outage)
{
	struct ers_result *r = run_seed("tests/run/timers.xml", 3);
	const struct ers_flow_result *f = &r->flows[0];
	double outage = ers_time_to_s(f->outage);
	double expect_lost = 100e6 / 8 * 0.5 * outage;

	ck_assert(outage >= 6.0 && outage <= 10.0);
	ck_assert_int_eq(f->down, 0);
	ck_assert(fabs((double)f->lost_bytes - expect_lost) < 1.0);
	ck_assert(f->final_reachable);
	ck_assert(fabs(f->max_utilization - 0.1) < 1e-9);
	/* After the restore both links carry traffic again. */
	ck_assert(fabs(f->paths[f->n_paths - 1].share - 0.5) < 1e-9);
	ers_result_free(r);
}
END_TEST

START_TEST(test_run_same_seed_same_result)
{
	struct ers_result *a = run_seed("scenarios/default.xml", 42);
	struct ers_result *b = run_seed("scenarios/default.xml", 42);
	struct ers_result *c = run_seed("scenarios/default.xml", 43);

	ck_assert_uint_eq(a->stats.fingerprint, b->stats.fingerprint);
	ck_assert_uint_eq(a->stats.events_processed, b->stats.events_processed);
	ck_assert_int_eq(a->events[0].detected, b->events[0].detected);
	ck_assert_int_eq(a->flows[0].outage, b->flows[0].outage);
	/* Another seed draws other timer jitter. */
	ck_assert_uint_ne(a->stats.fingerprint, c->stats.fingerprint);
	ck_assert_int_ne(a->events[0].detected, c->events[0].detected);
	ers_result_free(a);
	ers_result_free(b);
	ers_result_free(c);
}
END_TEST

/* max_events (the fuzz targets' bound): an oscillation that would run
 * 400,000 events in 300 s stops in the second its budget is spent; the
 * same run without the bound goes on to --until. */
START_TEST(test_run_event_bound_stops_an_oscillation)
{
	struct ers_run_opts o = { .has_until = true, .until = 300 * ERS_S, .max_events = 20000 };
	struct ers_result *r = tu_run("scenarios/bad-gadget.xml", &o);
	struct ers_result *full;

	ck_assert_uint_ge(r->stats.events_processed, 20000);
	ck_assert_uint_lt(r->stats.events_processed, 22000);
	ck_assert_int_lt(r->end, 30 * ERS_S);
	ck_assert_int_eq(r->end % ERS_S, 0);
	o.max_events = 0;
	o.until = 30 * ERS_S;
	full = tu_run("scenarios/bad-gadget.xml", &o);
	ck_assert_int_eq(full->end, 30 * ERS_S);
	ck_assert_uint_gt(full->stats.events_processed, r->stats.events_processed);
	ers_result_free(r);
	ers_result_free(full);
}
END_TEST

/* The JSON document of a run with --ribs, wall time zeroed. */
static char *json_of(const char *path, uint64_t seed, size_t *len)
{
	struct ers_run_opts o = { .has_seed = true, .seed = seed, .ribs = true };
	struct ers_result *r = tu_run(path, &o);
	char *buf = NULL;
	FILE *f = open_memstream(&buf, len);

	ck_assert_ptr_nonnull(f);
	r->stats.wall_s = 0;
	ck_assert_int_eq(ers_result_write_json(r, f), ERS_OK);
	fclose(f);
	ers_result_free(r);
	return buf;
}

START_TEST(test_run_json_byte_identical)
{
	size_t la, lb;
	char *a = json_of("scenarios/expressroute/maintenance.xml", 5, &la);
	char *b = json_of("scenarios/expressroute/maintenance.xml", 5, &lb);

	ck_assert_uint_eq(la, lb);
	ck_assert(!memcmp(a, b, la));
	ck_assert(strstr(a, "\"fingerprint\""));
	free(a);
	free(b);
}
END_TEST

/* --shuffle-ties: equal-time events in a seeded random order. The run is
 * still reproducible, the event order differs from FIFO, and on this
 * scenario the routing outcome does not depend on it. */
START_TEST(test_run_shuffle_ties_reproducible)
{
	struct ers_run_opts o = { .has_seed = true, .seed = 42, .shuffle_ties = true };
	struct ers_result *a = tu_run("scenarios/default.xml", &o);
	struct ers_result *b = tu_run("scenarios/default.xml", &o);
	struct ers_result *fifo = run_seed("scenarios/default.xml", 42);

	ck_assert_uint_eq(a->stats.fingerprint, b->stats.fingerprint);
	ck_assert_uint_ne(a->stats.fingerprint, fifo->stats.fingerprint);
	ck_assert_int_eq(a->n_endpoints, fifo->n_endpoints);
	ck_assert(!memcmp(a->reach, fifo->reach, a->n_endpoints * a->n_endpoints));
	for (size_t i = 0; i < a->n_flows; i++)
		ck_assert_int_eq(a->flows[i].final_reachable, fifo->flows[i].final_reachable);
	ers_result_free(a);
	ers_result_free(b);
	ers_result_free(fifo);
}
END_TEST

START_TEST(test_run_default_scenario)
{
	struct ers_result *r = run_seed("scenarios/default.xml", 42);
	const struct ers_flow_result *repl = &r->flows[1];
	double det = ers_time_to_s(r->events[0].detected - r->events[0].at);

	/* Layer 2 and no BFD: the hold timer (180 s, keepalive 60 s). */
	ck_assert(det >= 120.0 && det <= 180.0);
	/* Replication crosses Global Reach: both MSEEs, no gateway. */
	ck_assert_str_eq(repl->id, "replication");
	ck_assert_int_eq(repl->paths[0].n_nodes, 4);
	ck_assert_str_eq(repl->paths[0].nodes[1], "amsterdam-1/a");
	ck_assert_str_eq(repl->paths[0].nodes[2], "dallas-1/a");
	ck_assert_str_eq(repl->paths[0].nodes[3], "dal-dc/ce1");
	ck_assert(tu_reach(r, "ams-dc", "dal-dc"));
	ck_assert(tu_reach(r, "ams-dc", "hub-weu"));
	/* Global Reach carries on-premises routes only. */
	ck_assert(!tu_reach(r, "dal-dc", "hub-weu"));
	ck_assert(!tu_reach(r, "hub-weu", "dal-dc"));
	ers_result_free(r);
}
END_TEST

START_TEST(test_run_ribs_show_azure_as_12076)
{
	struct ers_run_opts o = { .ribs = true };
	struct ers_result *r = tu_run("scenarios/default.xml", &o);
	const struct ers_rib_table *t = NULL;

	for (size_t i = 0; i < r->n_ribs; i++)
		if (!strcmp(r->ribs[i].router, "ams-dc/ce1"))
			t = &r->ribs[i];
	ck_assert_ptr_nonnull(t);
	ck_assert_str_eq(t->routes[0].prefix, "10.1.0.0/16");
	/* The gateway's 65515 is not exposed; the region's community is. */
	ck_assert_int_eq(t->routes[0].as_path_len, 1);
	ck_assert_uint_eq(t->routes[0].as_path[0], 12076);
	ck_assert_int_eq(t->routes[0].n_communities, 1);
	ck_assert_str_eq(t->routes[0].communities[0], "12076:50002");
	ck_assert_str_eq(t->routes[0].next_hop, "amsterdam-1/a");
	ers_result_free(r);
}
END_TEST

/* RFC 4271 9.2.1.1: after an announcement, the next one to the same
 * peer waits for the MRAI timer (20 s, jittered to 15..20 s); the
 * withdrawal does not wait. */
START_TEST(test_run_mrai_delays_reannouncement)
{
	struct ers_result *r = run_seed("tests/run/mrai.xml", (uint64_t)_i + 1);
	double fail_conv = ers_time_to_s(r->events[0].converged);
	double restore_conv = ers_time_to_s(r->events[1].converged);

	ck_assert_msg(fail_conv < 5.1, "withdrawal waited: %.3f", fail_conv);
	ck_assert_msg(restore_conv >= 15.0 && restore_conv <= 20.1,
		      "re-announcement at %.3f s", restore_conv);
	ers_result_free(r);
}
END_TEST

START_TEST(test_run_without_mrai_reannounces_at_once)
{
	struct ers_result *r = run_seed("tests/run/timers-direct.xml", 1);

	/* Same failure and restore without MRAI: converged within 0.1 s. */
	ck_assert_int_lt(r->events[1].converged - r->events[1].at, 100 * 1000 * 1000);
	ers_result_free(r);
}
END_TEST

/* BGP runs over TCP: the withdrawal sent at 70 s while the primary link
 * was silently down (60-90 s, shorter than the hold time) arrives once the
 * link heals, in order, whatever order same-instant events run in. Before
 * the stream model, amsterdam-1/a and the gateway kept 192.168.2.0/24 for
 * the whole run. */
START_TEST(test_run_stream_delivers_after_silent_gap)
{
	struct ers_run_opts o = { .ribs = true, .has_seed = true, .seed = (uint64_t)_i + 1,
				  .shuffle_ties = _i > 0 };
	struct ers_result *r = tu_run("scenarios/expressroute/silent-gap.xml", &o);
	const char *holders[] = { "amsterdam-1/a@er", "amsterdam-1/b@er", "hub/gw" };

	for (size_t i = 0; i < 3; i++) {
		ck_assert_msg(!tu_route(r, holders[i], "192.168.2.0/24"),
			      "seed %d: %s still holds the withdrawn prefix", _i + 1, holders[i]);
		ck_assert_ptr_nonnull(tu_route(r, holders[i], "192.168.1.0/24"));
	}
	/* No session dropped: the restore changes routes, no session. */
	ck_assert_int_eq(r->events[2].detected, ERS_TIME_NEVER);
	ck_assert_int_ge(r->events[2].converged, 90 * ERS_S);
	ck_assert_int_lt(r->events[2].converged, 90 * ERS_S + ERS_S / 10);
	ers_result_free(r);
}
END_TEST

/* A rebooted router resets the old connection as soon as the link carries
 * it: the MSEEs drop the session at 40 s, not at their hold timer's
 * expiry (about 180 s), and the flow is back after a connect retry. */
START_TEST(test_run_reset_reaches_peer)
{
	struct ers_result *r = run_seed("tests/run/reset-reaches-peer.xml", (uint64_t)_i + 1);
	const struct ers_event_result *e = &r->events[1];

	ck_assert_int_lt(e->detected - e->at, ERS_S / 10);
	ck_assert_msg(e->converged - e->at < 10 * ERS_S, "converged %.3f s after the restore",
		      ers_time_to_s(e->converged - e->at));
	ck_assert_int_lt(r->flows[0].outage, 20 * ERS_S);
	ck_assert(r->flows[0].final_reachable);
	ers_result_free(r);
}
END_TEST

Suite *make_run_suite(void)
{
	Suite *s = suite_create("run");
	TCase *tc = tcase_create("timers");

	tcase_set_timeout(tc, 60);
	tcase_add_loop_test(tc, test_run_hold_timer_detects_provider_failure, 0, 10);
	tcase_add_loop_test(tc, test_run_bfd_detects_within_window, 0, 10);
	tcase_add_test(tc, test_run_interface_failure_seen_at_once);
	tcase_add_loop_test(tc, test_run_mrai_delays_reannouncement, 0, 5);
	tcase_add_test(tc, test_run_without_mrai_reannounces_at_once);
	suite_add_tcase(s, tc);
	tc = tcase_create("flows");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_run_ecmp_over_both_links);
	tcase_add_test(tc, test_run_failover_accounts_outage);
	tcase_add_test(tc, test_run_same_seed_same_result);
	tcase_add_test(tc, test_run_event_bound_stops_an_oscillation);
	tcase_add_test(tc, test_run_json_byte_identical);
	tcase_add_test(tc, test_run_shuffle_ties_reproducible);
	tcase_add_test(tc, test_run_default_scenario);
	tcase_add_test(tc, test_run_ribs_show_azure_as_12076);
	suite_add_tcase(s, tc);
	tc = tcase_create("transport");
	tcase_set_timeout(tc, 60);
	tcase_add_loop_test(tc, test_run_stream_delivers_after_silent_gap, 0, 5);
	tcase_add_loop_test(tc, test_run_reset_reaches_peer, 0, 5);
	suite_add_tcase(s, tc);
	return s;
}
