/*
 * check_post_limits.c - the simulator never wraps its clock or its
 * counters: the engine refuses an event past ERS_SIM_TIME_MAX with
 * ERS_ELIMIT (not "out of memory"), and the two sums that once overflowed
 * on absurd values give sane results for a model built in memory, past
 * the loader's ranges: BFD's multiplier x interval (BFD "detected" a
 * failure at once) and the bytes a flow of 2^64 bps loses (reported 0 B).
 */
#include <check.h>
#include <stdint.h>

#include "ersim/engine.h"
#include "ersim/scenario.h"
#include "ersim/units.h"
#include "test_util.h"

static void nop(struct ers_sim *sim, void *arg, uint64_t data)
{
	(void)sim, (void)arg, (void)data;
}

START_TEST(test_post_refuses_time_past_the_clock)
{
	struct ers_sim *sim = ers_sim_new(1);
	struct ers_timer t;

	ck_assert_ptr_nonnull(sim);
	ck_assert_int_eq(ers_sim_post(sim, ERS_SIM_TIME_MAX, nop, NULL, 0), ERS_OK);
	ck_assert_int_eq(ers_sim_post(sim, ERS_SIM_TIME_MAX + 1, nop, NULL, 0), ERS_ELIMIT);
	ck_assert_int_eq(ers_sim_post(sim, ers_time_after(ERS_SIM_TIME_MAX, INT64_MAX), nop,
				      NULL, 0), ERS_ELIMIT);
	ers_timer_init(&t, nop, NULL, 0);
	ck_assert_int_eq(ers_timer_set(sim, &t, INT64_MAX), ERS_ELIMIT);
	ck_assert(!ers_timer_armed(&t));
	ers_sim_run(sim, 10 * ERS_S);
	ck_assert_int_eq(ers_sim_post(sim, 5 * ERS_S, nop, NULL, 0), ERS_EINVAL);
	ck_assert_int_eq(ers_timer_set(sim, &t, 5 * ERS_S), ERS_EINVAL);
	ck_assert_uint_eq(ers_sim_pending(sim), 1);
	ers_sim_free(sim);
}
END_TEST

START_TEST(test_time_after_saturates)
{
	ck_assert_int_eq(ers_time_after(5, 7), 12);
	ck_assert_int_eq(ers_time_after(INT64_MAX - 1, 2), INT64_MAX);
	ck_assert_int_eq(ers_time_after(INT64_MAX / 2 + 1, INT64_MAX / 2 + 1), INT64_MAX);
	ck_assert_int_eq(ers_time_after(-5, INT64_MAX), INT64_MAX - 5);
}
END_TEST

/* Open a bundled scenario to change it in memory. */
static void open_scn(const char *path, struct ers_scenario **s, struct ers_catalog **cat)
{
	struct ers_diag d;

	ers_diag_init(&d);
	if (ers_scenario_open(path, s, cat, &d) != ERS_OK)
		ers_diag_print(&d, stderr);
	ck_assert_ptr_nonnull(*s);
	ers_diag_release(&d);
}

static struct ers_result *run_scn(const struct ers_scenario *s, const struct ers_catalog *cat)
{
	struct ers_run_opts o = { 0 };
	struct ers_result *r = NULL;
	struct ers_diag d;

	ers_diag_init(&d);
	if (ers_run(s, cat, &o, &r, &d) != ERS_OK)
		ers_diag_print(&d, stderr);
	ck_assert_ptr_nonnull(r);
	ers_diag_release(&d);
	return r;
}

/* 255 x 100000h is past 2^63 ns: the detection time once wrapped into the
 * past and BFD noticed the failure at the instant it happened. Saturated,
 * BFD never fires and only the hold timer (180 s, past the 3 min run)
 * could notice. */
START_TEST(test_bfd_detection_time_does_not_wrap)
{
	struct ers_scenario *s = NULL;
	struct ers_catalog *cat = NULL;
	struct ers_result *r;

	open_scn("scenarios/bfd.xml", &s, &cat);
	s->bfd.interval = (ers_time_t)100000 * 3600 * ERS_S;
	s->bfd.multiplier = 255;
	r = run_scn(s, cat);
	ck_assert_str_eq(r->events[0].action, "fail");
	ck_assert_int_eq(r->events[0].at, 60 * ERS_S);
	ck_assert_msg(r->events[0].detected == ERS_TIME_NEVER,
		      "BFD detected at %lld ns", (long long)r->events[0].detected);
	ers_result_free(r);
	ers_scenario_free(s);
	ers_catalog_free(cat);
}
END_TEST

/* A flow at 2^64-1 bps through a 2 min outage loses more than 2^64 bytes: the
 * count saturates instead of converting an out-of-range double (which
 * gave 0 and is undefined behaviour, caught by -fsanitize=float-cast-overflow). */
START_TEST(test_lost_bytes_do_not_wrap)
{
	struct ers_scenario *s = NULL;
	struct ers_catalog *cat = NULL;
	struct ers_result *r;
	const struct ers_flow_result *f;

	open_scn("scenarios/bfd.xml", &s, &cat);
	s->bfd.enabled = false;		/* an outage until the run ends */
	s->flows[0].rate = UINT64_MAX;
	r = run_scn(s, cat);
	f = tu_flow(r, "to-azure");
	ck_assert_int_gt(f->outage, 0);
	ck_assert_uint_eq(f->lost_bytes, UINT64_MAX);
	ers_result_free(r);
	ers_scenario_free(s);
	ers_catalog_free(cat);
}
END_TEST

Suite *make_post_limits_suite(void)
{
	Suite *s = suite_create("post_limits");
	TCase *tc = tcase_create("post_limits");

	tcase_add_test(tc, test_post_refuses_time_past_the_clock);
	tcase_add_test(tc, test_time_after_saturates);
	tcase_add_test(tc, test_bfd_detection_time_does_not_wrap);
	tcase_add_test(tc, test_lost_bytes_do_not_wrap);
	suite_add_tcase(s, tc);
	return s;
}
