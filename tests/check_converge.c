/*
 * check_converge.c - suite "converge": runs that never settle are
 * reported, never silent. A symmetric wedgie settles for every seed
 * (processing times vary, output waits for queued input), BAD GADGET is
 * reported as an oscillation and as not converged, and its flow's path
 * history stays bounded however long it flaps. Timing follows what the
 * routers do: a withdrawal in a clique explores the longer paths, one MRAI
 * round at a time, and a bigger table takes longer to withdraw.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ersim/compare.h"
#include "ersim/html_report.h"
#include "ersim/report.h"
#include "ersim/result_json.h"
#include "test_util.h"

static const struct ers_notice *notice(const struct ers_result *r, const char *kind)
{
	for (size_t i = 0; i < r->n_notices; i++)
		if (!strcmp(r->notices[i].kind, kind))
			return &r->notices[i];
	return NULL;
}

/* What a writer produced, as one string (the caller frees it). */
static char *slurp(FILE *f)
{
	long n;
	char *buf;

	ck_assert_int_eq(fflush(f), 0);
	n = ftell(f);
	ck_assert_int_ge(n, 0);
	rewind(f);
	buf = malloc((size_t)n + 1);
	ck_assert_ptr_nonnull(buf);
	ck_assert_uint_eq(fread(buf, 1, (size_t)n, f), (size_t)n);
	buf[n] = 0;
	fclose(f);
	return buf;
}

static void assert_names_gadget(const char *text, const char *where)
{
	ck_assert_msg(strstr(text, "oscillation"), "%s: no oscillation", where);
	ck_assert_msg(strstr(text, "not-converged"), "%s: no not-converged", where);
	ck_assert_msg(strstr(text, "10.0.0.0/24"), "%s: prefix not named", where);
	ck_assert_msg(strstr(text, "r1/ce1") && strstr(text, "r2/ce1") && strstr(text, "r3/ce1"),
		      "%s: ring routers not named", where);
}

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

/* BAD GADGET has no stable state. Before, the run said "notices: none"
 * and the flow's path history grew with every flip. */
START_TEST(test_converge_bad_gadget_reported_everywhere)
{
	struct ers_result *r = tu_run("scenarios/bad-gadget.xml", &(struct ers_run_opts){ 0 });
	const struct ers_notice *osc = notice(r, "oscillation"), *nc = notice(r, "not-converged");
	FILE *f;

	ck_assert_ptr_nonnull(osc);
	ck_assert_ptr_nonnull(nc);
	ck_assert_ptr_nonnull(strstr(osc->detail, "10.0.0.0/24"));
	ck_assert(strstr(osc->detail, "r1/ce1") && strstr(osc->detail, "r2/ce1") &&
		  strstr(osc->detail, "r3/ce1"));
	ck_assert_ptr_nonnull(strstr(nc->detail, "10.0.0.0/24"));
	ck_assert_int_eq(nc->at, 600 * ERS_S);
	/* Text, JSON and HTML all carry them. */
	ck_assert_ptr_nonnull(f = tmpfile());
	ck_assert_int_eq(ers_report_write(r, f, 0), ERS_OK);
	char *text = slurp(f);
	assert_names_gadget(text, "text report");
	free(text);
	ck_assert_ptr_nonnull(f = tmpfile());
	ck_assert_int_eq(ers_result_write_json(r, f), ERS_OK);
	text = slurp(f);
	assert_names_gadget(text, "JSON");
	free(text);
	ck_assert_ptr_nonnull(f = tmpfile());
	ck_assert_int_eq(ers_html_write_run(f, r, NULL, NULL, 0), ERS_OK);
	text = slurp(f);
	assert_names_gadget(text, "HTML");
	free(text);
	ers_result_free(r);
}
END_TEST

/* However long it flaps, the flow's history stays bounded (coalesced past
 * 2,000 entries, said by a path-history notice) and so does memory. */
START_TEST(test_converge_history_bounded)
{
	struct ers_run_opts o = { .has_until = true, .until = 1800 * ERS_S };
	struct ers_result *r = tu_run("scenarios/bad-gadget.xml", &o);
	const struct ers_flow_result *f = tu_flow(r, "r1-origin");

	ck_assert_int_le(f->n_paths, 2000 + 8);
	/* Its decision history too (it once grew to 200,061 records). */
	ck_assert_int_le(f->n_decisions, 8192);
	ck_assert_ptr_nonnull(notice(r, "path-history"));
	ck_assert_int_le(f->paths[0].from, r->initial_convergence);
	/* The latest paths are the paths at the end. */
	ck_assert_int_gt(f->paths[f->n_paths - 1].from, 1700 * ERS_S);
	ers_result_free(r);
}
END_TEST

/* Without a duration, an oscillation no longer runs to the 24 h cap: the
 * run stops a quiet time (60 s) after it is confirmed. */
START_TEST(test_converge_oscillation_stops_run_without_duration)
{
	struct ers_result *r = tu_run("tests/run/bad-gadget-open.xml", &(struct ers_run_opts){ 0 });

	ck_assert_int_lt(r->end, 200 * ERS_S);
	ck_assert_ptr_nonnull(notice(r, "oscillation"));
	ck_assert_ptr_nonnull(notice(r, "not-converged"));
	ers_result_free(r);
}
END_TEST

static struct ers_result *open_run(const char *path, struct ers_scenario **s,
				   struct ers_catalog **cat)
{
	struct ers_run_opts o = { 0 };
	struct ers_result *r = NULL;
	struct ers_diag d;

	ers_diag_init(&d);
	ck_assert_int_eq(ers_scenario_open(path, s, cat, &d), ERS_OK);
	ck_assert_int_eq(ers_run(*s, *cat, &o, &r, &d), ERS_OK);
	ers_diag_release(&d);
	return r;
}

/* compare --fail-on 'oscillations>0' / 'not_converged>0' gate a design
 * that never settles (B) against the same design with one preference
 * fixed (A). */
START_TEST(test_converge_compare_fail_on)
{
	static const char *const exprs[] = { "oscillations>0", "not_converged>0",
					     "oscillations>A", "not_converged>A" };
	struct ers_scenario *s[2];
	struct ers_catalog *cat[2];
	struct ers_result *r[2] = { open_run("tests/run/bad-gadget-fixed.xml", &s[0], &cat[0]),
				    open_run("scenarios/bad-gadget.xml", &s[1], &cat[1]) };
	struct ers_cmp_input in[2];
	struct ers_comparison *c = NULL;
	struct ers_fail_on fo;
	const char *why = NULL;
	struct ers_diag d;

	for (int j = 0; j < 2; j++)
		in[j] = (struct ers_cmp_input){ j ? "bad-gadget" : "bad-gadget-fixed", r[j], s[j],
						cat[j] };
	ers_diag_init(&d);
	ck_assert_int_eq(ers_compare_build(in, 2, &c, &d), ERS_OK);
	ers_diag_release(&d);
	for (size_t i = 0; i < 4; i++) {
		size_t before = c->n_violations;
		ck_assert_int_eq(ers_fail_on_parse(exprs[i], &fo, &why), ERS_OK);
		ck_assert_int_eq(ers_compare_check(c, &fo, 1), ERS_OK);
		ck_assert_msg(c->n_violations == before + 1, "%s: %zu violations", exprs[i],
			      c->n_violations - before);
	}
	ers_comparison_free(c);
	for (int j = 0; j < 2; j++) {
		ers_result_free(r[j]);
		ers_scenario_free(s[j]);
		ers_catalog_free(cat[j]);
	}
}
END_TEST

/* Withdrawal in a clique of n = 6 (10 ms links, MRAI 30 s): routers try
 * the longer paths through each other before giving up, so convergence
 * takes MRAI rounds, at most about (n - 3) x MRAI (Labovitz et al.,
 * "Delayed Internet routing convergence", 2000). It took 0.05 s, with no
 * path exploration, while every queued UPDATE was acted on and its
 * output sent before the next was read. */
START_TEST(test_converge_clique_explores_paths)
{
	struct ers_run_opts o = { .has_seed = true, .seed = (uint64_t)_i + 1 };
	struct ers_result *r = tu_run("tests/run/clique6.xml", &o);
	const struct ers_event_result *e;
	ers_time_t took;

	ck_assert_uint_eq(r->n_events, 1);
	e = &r->events[0];
	took = e->converged - e->at;
	/* At least one MRAI round (jittered to no less than 0.75 x 30 s);
	 * at most (n - 3) x MRAI = 90 s. */
	ck_assert_msg(took >= 22500 * ERS_MS && took <= 90 * ERS_S,
		      "seed %d: withdrawal converged in %.3f s", _i + 1, ers_time_to_s(took));
	/* Exploring means announcing the longer paths, not only withdrawing. */
	ck_assert_uint_gt(e->updates, e->withdrawals);
	ers_result_free(r);
}
END_TEST

/* The same failover with 10 and 4,000 prefixes: the gateway hears the
 * primary MSEE withdraw the whole table. It took 1 ms both ways (one
 * UPDATE of any size, one processing delay); now 4,000 prefixes pack
 * into 4 UPDATEs of at most 4,096 bytes and each prefix costs 10 us. */
static ers_time_t failover_time(const char *path)
{
	struct ers_run_opts o = { 0 };
	struct ers_result *r = tu_run(path, &o);
	ers_time_t took;

	ck_assert_uint_eq(r->n_events, 1);
	ck_assert(tu_reach(r, "hub", "hq"));
	took = r->events[0].converged - r->events[0].at;
	ers_result_free(r);
	return took;
}

START_TEST(test_converge_table_size_costs_time)
{
	ers_time_t small = failover_time("tests/run/table-10.xml");
	ers_time_t large = failover_time("tests/run/table-4000.xml");

	ck_assert_msg(small < 5 * ERS_MS, "10 prefixes: %.3f s", ers_time_to_s(small));
	/* 4,000 x 10 us of per-prefix work alone is 40 ms. */
	ck_assert_msg(large >= 40 * ERS_MS && large >= small + 30 * ERS_MS,
		      "4,000 prefixes: %.3f s, 10 prefixes: %.3f s",
		      ers_time_to_s(large), ers_time_to_s(small));
}
END_TEST

/* A router's own per-prefix times: with fib-delay 50 us and no time per
 * prefix carried, learning 4,000 prefixes takes at least 200 ms (0.049 s
 * with the defaults). */
START_TEST(test_converge_fib_delay_per_prefix)
{
	struct ers_run_opts o = { 0 };
	struct ers_result *r = tu_run("tests/run/table-fib.xml", &o);

	ck_assert_msg(r->initial_convergence >= 200 * ERS_MS &&
		      r->initial_convergence < 400 * ERS_MS,
		      "initial convergence %.3f s", ers_time_to_s(r->initial_convergence));
	ers_result_free(r);
}
END_TEST

Suite *make_converge_suite(void)
{
	Suite *s = suite_create("converge");
	TCase *tc = tcase_create("converge");

	tcase_set_timeout(tc, 120);
	tcase_add_loop_test(tc, test_converge_wedgie_settles_for_every_seed, 0, 10);
	tcase_add_test(tc, test_converge_bad_gadget_reported_everywhere);
	tcase_add_test(tc, test_converge_history_bounded);
	tcase_add_test(tc, test_converge_oscillation_stops_run_without_duration);
	tcase_add_test(tc, test_converge_compare_fail_on);
	tcase_add_loop_test(tc, test_converge_clique_explores_paths, 0, 4);
	tcase_add_test(tc, test_converge_table_size_costs_time);
	tcase_add_test(tc, test_converge_fib_delay_per_prefix);
	suite_add_tcase(s, tc);
	return s;
}
