/*
 * check_ibgp.c - suite "ibgp": one AS across several sites (RFC 4456
 * route reflection): a withdrawn prefix dies out instead of circling
 * between reflectors, steady-state forwarding has no loop with multipath
 * on, iBGP multipath needs equal IGP cost, and an explicit reflector
 * design reflects between its clients only.
 */
#include <check.h>
#include <string.h>

#include "test_util.h"

static bool any_loop(const struct ers_flow_result *f)
{
	for (size_t i = 0; i < f->n_paths; i++)
		if (f->paths[i].status == ERS_PATH_LOOP)
			return true;
	return false;
}

/* Without ORIGINATOR_ID and CLUSTER_LIST the withdrawn prefix circled
 * between the two sites' reflectors until the 24 h cap (hundreds of
 * thousands of UPDATEs per simulated minute), and multipath looped. */
START_TEST(test_ibgp_withdrawn_prefix_dies_out)
{
	struct ers_run_opts o = { .ribs = true };
	struct ers_result *r = tu_run("scenarios/ibgp-sites.xml", &o);
	const char *routers[] = { "dc-a/ce1", "dc-a/ce2", "dc-b/ce1", "dc-b/ce2" };

	ck_assert_msg(r->end < 200 * ERS_S, "run ran until %.0f s", ers_time_to_s(r->end));
	ck_assert_int_lt(r->initial_convergence, ERS_S);
	ck_assert_int_lt(r->events[0].converged - r->events[0].at, ERS_S);
	ck_assert_uint_lt(r->events[0].updates, 100);
	for (size_t i = 0; i < 4; i++) {
		ck_assert_msg(!tu_route(r, routers[i], "192.168.3.0/24"),
			      "%s still holds the withdrawn prefix", routers[i]);
		ck_assert_ptr_nonnull(tu_route(r, routers[i], "192.168.1.0/24"));
		ck_assert_ptr_nonnull(tu_route(r, routers[i], "192.168.2.0/24"));
	}
	for (size_t i = 0; i < r->n_flows; i++) {
		ck_assert_msg(!any_loop(&r->flows[i]), "flow %s loops", r->flows[i].id);
		ck_assert_int_eq(r->flows[i].outage, 0);
		ck_assert(r->flows[i].final_reachable);
	}
	/* dc-b/ce1 goes straight over its site-link: the route through
	 * dc-b/ce2 was reflected twice (longer CLUSTER_LIST), not shared. */
	ck_assert_str_eq(tu_route(r, "dc-b/ce1", "192.168.1.0/24")->next_hop, "dc-a/ce1");
	ck_assert_int_eq(tu_route(r, "dc-b/ce1", "192.168.1.0/24")->n_ecmp, 1);
	ck_assert(tu_reach(r, "dc-b", "dc-a"));
	ers_result_free(r);
}
END_TEST

/* Explicit design: the branches have no session with each other; they
 * hear each other through the reflectors, over both at once (equal cost,
 * one reflection each), and through rr2 alone once rr1 fails. */
START_TEST(test_ibgp_explicit_reflectors)
{
	struct ers_run_opts o = { .ribs = true };
	struct ers_result *r = tu_run("tests/run/ibgp-rr.xml", &o);
	const struct ers_flow_result *f = tu_flow(r, "b1-b2");
	const struct ers_rib_route *rt = tu_route(r, "br1/ce1", "192.168.2.0/24");

	ck_assert_int_ge(f->n_paths, 3);
	ck_assert_str_eq(f->paths[0].nodes[1], "core/rr1");
	ck_assert_str_eq(f->paths[1].nodes[1], "core/rr2");
	ck_assert_int_eq(f->outage, 0);
	ck_assert_ptr_nonnull(rt);
	ck_assert_str_eq(rt->next_hop, "core/rr2");
	ck_assert(tu_reach(r, "br1", "br2"));
	ck_assert(tu_reach(r, "br2", "br1"));
	ck_assert_int_lt(r->end, 200 * ERS_S);
	ers_result_free(r);
}
END_TEST

/* iBGP multipath only over equal IGP cost (FRR, Cisco): with cost 5 on
 * br1's link to rr2, br1 sends everything through rr1. */
START_TEST(test_ibgp_multipath_needs_equal_igp_cost)
{
	struct ers_result *r = tu_run("tests/run/ibgp-rr-cost.xml", &(struct ers_run_opts){ 0 });
	const struct ers_flow_result *f = tu_flow(r, "b1-b2");

	ck_assert_int_ge(f->n_paths, 1);
	ck_assert_str_eq(f->paths[0].nodes[1], "core/rr1");
	ck_assert_double_eq_tol(f->paths[0].share, 1.0, 1e-9);
	/* br2's links cost the same: it still spreads. */
	f = tu_flow(r, "b2-b1");
	ck_assert_double_eq_tol(f->paths[0].share, 0.5, 1e-9);
	ers_result_free(r);
}
END_TEST

Suite *make_ibgp_suite(void)
{
	Suite *s = suite_create("ibgp");
	TCase *tc = tcase_create("reflection");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_ibgp_withdrawn_prefix_dies_out);
	tcase_add_test(tc, test_ibgp_explicit_reflectors);
	tcase_add_test(tc, test_ibgp_multipath_needs_equal_igp_cost);
	suite_add_tcase(s, tc);
	return s;
}
