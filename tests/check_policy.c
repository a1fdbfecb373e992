/*
 * check_policy.c - routing policy end to end: the scenario's import and
 * export rules (first fit wins, prefix ranges, deny, MED) and Gao-Rexford
 * business relationships on site-links.
 */
#include <check.h>
#include <string.h>

#include "test_util.h"

static struct ers_result *run_ribs(const char *path)
{
	struct ers_run_opts o = { .ribs = true };

	return tu_run(path, &o);
}

START_TEST(test_policy_export_deny_with_prefix_range)
{
	struct ers_result *r = run_ribs("tests/gr/policy.xml");

	/* 10.10.0.0/16le24 covers the /16 and the /24, not the /25. */
	ck_assert_ptr_null(tu_route(r, "amsterdam-1/a@er", "10.10.0.0/16"));
	ck_assert_ptr_null(tu_route(r, "amsterdam-1/a@er", "10.10.5.0/24"));
	ck_assert_ptr_nonnull(tu_route(r, "amsterdam-1/a@er", "10.10.7.128/25"));
	ck_assert_ptr_nonnull(tu_route(r, "amsterdam-1/a@er", "10.20.0.0/16"));
	ck_assert_ptr_nonnull(tu_route(r, "amsterdam-1/b@er", "10.10.5.0/24"));
	ers_result_free(r);
}
END_TEST

START_TEST(test_policy_export_med_on_matching_prefix_only)
{
	struct ers_result *r = run_ribs("tests/gr/policy.xml");
	const struct ers_rib_route *med = tu_route(r, "amsterdam-1/b@er", "10.20.0.0/16");
	const struct ers_rib_route *none = tu_route(r, "amsterdam-1/b@er", "10.10.0.0/16");

	ck_assert(med->has_med);
	ck_assert_uint_eq(med->med, 50);
	ck_assert(!none->has_med);
	ck_assert(!tu_route(r, "amsterdam-1/a@er", "10.20.0.0/16")->has_med);
	ers_result_free(r);
}
END_TEST

START_TEST(test_policy_import_deny)
{
	struct ers_result *r = run_ribs("tests/gr/policy.xml");
	const struct ers_rib_route *rt = tu_route(r, "hq/ce1", "10.1.0.0/16");

	ck_assert_str_eq(rt->next_hop, "amsterdam-1/b");
	ck_assert_int_eq(rt->n_ecmp, 1);
	ck_assert_str_eq(r->flows[0].paths[0].nodes[1], "amsterdam-1/b");
	ers_result_free(r);
}
END_TEST

START_TEST(test_policy_gao_rexford_preference)
{
	struct ers_result *r = run_ribs("tests/gr/valley.xml");
	const struct ers_rib_route *rt;

	/* c1 prefers its peer c2 (150) over its provider t1 (50). */
	rt = tu_route(r, "c1/r", "10.0.32.0/24");
	ck_assert_str_eq(rt->next_hop, "c2/r");
	ck_assert_uint_eq(rt->local_pref, 150);
	/* t1 prefers its customer x (200) over its peer t2 (150). */
	rt = tu_route(r, "t1/r", "10.0.40.0/24");
	ck_assert_str_eq(rt->next_hop, "x/r");
	ck_assert_uint_eq(rt->local_pref, 200);
	ers_result_free(r);
}
END_TEST

START_TEST(test_policy_gao_rexford_no_valleys)
{
	struct ers_result *r = run_ribs("tests/gr/valley.xml");
	const struct ers_rib_route *rt;

	/* x never carries traffic between its providers: t1 reaches t2
	 * over the peering, not through its customer x. */
	rt = tu_route(r, "t1/r", "10.0.2.0/24");
	ck_assert_str_eq(rt->next_hop, "t2/r");
	ck_assert_int_eq(rt->as_path_len, 1);
	/* c2 does not give its provider t2 the route it has from its peer
	 * c1: t2 reaches c1 through t1. */
	rt = tu_route(r, "t2/r", "10.0.31.0/24");
	ck_assert_str_eq(rt->next_hop, "t1/r");
	/* c2 does not pass its provider's routes to its peer c1. */
	rt = tu_route(r, "c1/r", "10.0.2.0/24");
	ck_assert_str_eq(rt->next_hop, "t1/r");
	ers_result_free(r);
}
END_TEST

Suite *make_policy_suite(void)
{
	Suite *s = suite_create("policy");
	TCase *tc = tcase_create("rules");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_policy_export_deny_with_prefix_range);
	tcase_add_test(tc, test_policy_export_med_on_matching_prefix_only);
	tcase_add_test(tc, test_policy_import_deny);
	tcase_add_test(tc, test_policy_gao_rexford_preference);
	tcase_add_test(tc, test_policy_gao_rexford_no_valleys);
	suite_add_tcase(s, tc);
	return s;
}
