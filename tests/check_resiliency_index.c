/*
 * check_resiliency_index.c - suite "resiliency_index": Azure's resiliency
 * index computed by `ersim analyze` for scenarios/expressroute/
 * resiliency-index.xml (a gateway on two locations, one on one location,
 * one on a Metro circuit): each score component, and the Resiliency
 * Validation test simulated at every location (failover or not, the
 * backup's capacity), checked against a plain run of the same
 * disconnection; the JSON fields and the text report through the
 * command; probes for a VNet without flows; --no-validation-test.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "ersim/analyze.h"
#include "ersim/cmd.h"
#include "ersim/run.h"
#include "ersim/scenario.h"
#include "test_util.h"

#define SCN "scenarios/expressroute/resiliency-index.xml"

struct fixture {
	struct ers_scenario *s;
	struct ers_catalog *cat;
	struct ers_analysis *a;
};

static void analyse(const char *path, bool tests, struct fixture *f)
{
	struct ers_diag d;
	enum ers_err rc;

	ers_diag_init(&d);
	rc = ers_scenario_open(path, &f->s, &f->cat, &d);
	if (rc == ERS_OK)
		rc = ers_analyze(f->s, f->cat, &f->a, &d);
	if (rc == ERS_OK)
		rc = ers_analysis_index(f->a, f->s, f->cat, tests, &d);
	if (rc != ERS_OK)
		ers_diag_print(&d, stderr);
	ers_diag_release(&d);
	ck_assert_msg(rc == ERS_OK, "%s: %s", path, ers_err_str(rc));
}

static void release(struct fixture *f)
{
	ers_analysis_free(f->a);
	ers_catalog_free(f->cat);
	ers_scenario_free(f->s);
}

static const struct ers_an_index *gateway(const struct fixture *f, const char *gw)
{
	for (size_t i = 0; i < f->a->n_index; i++)
		if (!strcmp(f->a->index[i].gateway, gw))
			return &f->a->index[i];
	ck_abort_msg("no index for %s", gw);
	return NULL;
}

static const struct ers_an_validation *test_at(const struct ers_an_index *x, const char *loc)
{
	for (size_t i = 0; i < x->n_tests; i++)
		if (!strcmp(x->tests[i].location, loc))
			return &x->tests[i];
	ck_abort_msg("%s: no test at %s", x->gateway, loc);
	return NULL;
}

/* Failover times are bounded loosely (the gateway's own convergence may
 * take up to a minute, sources 10); failover_matches_run checks the exact
 * value against a plain run. */

/* Two distinct locations: 20 x 4 + zone-redundant 10 + advisor 10. */
START_TEST(two_locations)
{
	struct fixture f;
	const struct ers_an_index *x;
	const struct ers_an_validation *ams, *lon;

	analyse(SCN, true, &f);
	ck_assert_int_eq(f.a->n_index, 3);
	x = gateway(&f, "dual/gw");
	ck_assert_int_eq(x->route_class, ERS_AN_CLASS_MAXIMUM);
	ck_assert_int_eq(x->route_points, 20);
	ck_assert_int_eq(x->zone_points, 10);
	ck_assert_int_eq(x->advisor_points, 10);
	ck_assert(x->testable);
	ck_assert_int_eq(x->multiplier, 4);
	ck_assert_int_eq(x->score_tested, 100);
	ck_assert_int_eq(x->score_untested, 40);
	ck_assert_int_eq(x->n_locations, 2);
	ck_assert_str_eq(x->locations[0], "amsterdam");
	ck_assert_str_eq(x->locations[1], "london");
	ck_assert_int_eq(x->n_tests, 2);

	/* Amsterdam: the flow moves to er-lon, 600 Mbps per 500 Mbps link. */
	ams = test_at(x, "amsterdam");
	ck_assert_int_eq(ams->n_connections, 1);
	ck_assert_str_eq(ams->connections[0], "dual+er-ams@amsterdam");
	ck_assert(!ams->probes);
	ck_assert_int_eq(ams->n_flows, 1);
	ck_assert(ams->recovered);
	ck_assert_msg(ams->failover > 0 && ams->failover <= 120 * ERS_S, "failover %lld ns",
		      (long long)ams->failover);
	ck_assert_str_eq(ams->slowest_flow, "to-dual");
	ck_assert_str_eq(ams->busiest_link, "link:er-lon/primary");
	ck_assert_msg(ams->peak_utilization > 1.19 && ams->peak_utilization < 1.21, "%f",
		      ams->peak_utilization);
	ck_assert(!ams->enough);

	/* London carries nothing of to-dual: not interrupted, er-ams at 60%. */
	lon = test_at(x, "london");
	ck_assert(lon->recovered);
	ck_assert_int_eq(lon->failover, 0);
	ck_assert_ptr_null(lon->slowest_flow);
	ck_assert_str_eq(lon->busiest_link, "link:er-ams/primary");
	ck_assert_msg(lon->peak_utilization > 0.59 && lon->peak_utilization < 0.61, "%f",
		      lon->peak_utilization);
	ck_assert(lon->enough);
	release(&f);
}
END_TEST

/* The test's failover time is what a run of the same disconnection
 * shows: the flow's outage after connection:dual+er-ams fails. */
START_TEST(failover_matches_run)
{
	struct fixture f;
	struct ers_scenario copy;
	struct ers_event ev = { .action = ERS_ACT_FAIL, .at = 10 * ERS_S,
				.target = { .kind = ERS_T_CONNECTION, .text = "connection:dual+er-ams",
					    .a = 0, .b = 0 } };
	struct ers_run_opts o = { 0 };
	struct ers_result *r = NULL;
	struct ers_diag d;

	analyse(SCN, true, &f);
	copy = *f.s;
	ck_assert_str_eq(copy.vnets[0].id, "dual");
	ck_assert_str_eq(copy.circuits[copy.vnets[0].connections[0].circuit].id, "er-ams");
	copy.flows = &f.s->flows[0];
	copy.n_flows = 1;
	ck_assert_str_eq(copy.flows[0].id, "to-dual");
	copy.events = &ev;
	copy.n_events = 1;
	ers_diag_init(&d);
	ck_assert_int_eq(ers_run(&copy, f.cat, &o, &r, &d), ERS_OK);
	ers_diag_release(&d);
	ck_assert_int_eq(r->flows[0].outage, test_at(gateway(&f, "dual/gw"), "amsterdam")->failover);
	ck_assert(r->flows[0].final_reachable);
	ers_result_free(r);
	release(&f);
}
END_TEST

/* ErGwScale (facts 7.2): up to 2 scale units (4 instances) scores 8 like
 * a zonal gateway, more scores 10 like a zone-redundant one. */
static int scale_zone_points(unsigned units)
{
	struct fixture f = { 0 };
	struct ers_diag d;
	int points;

	ers_diag_init(&d);
	ck_assert_int_eq(ers_scenario_open(SCN, &f.s, &f.cat, &d), ERS_OK);
	ck_assert_str_eq(f.s->vnets[0].id, "dual");
	f.s->vnets[0].gw_sku = ERS_GW_ERGWSCALE;
	f.s->vnets[0].gw_scale_units = units;
	ck_assert_int_eq(ers_analyze(f.s, f.cat, &f.a, &d), ERS_OK);
	ck_assert_int_eq(ers_analysis_index(f.a, f.s, f.cat, false, &d), ERS_OK);
	ers_diag_release(&d);
	ck_assert_int_eq(gateway(&f, "dual/gw")->sku, ERS_GW_ERGWSCALE);
	points = gateway(&f, "dual/gw")->zone_points;
	release(&f);
	return points;
}

START_TEST(ergwscale_zone)
{
	ck_assert_int_eq(scale_zone_points(1), 8);
	ck_assert_int_eq(scale_zone_points(2), 8);
	ck_assert_int_eq(scale_zone_points(3), 10);
	ck_assert_int_eq(scale_zone_points(40), 10);
}
END_TEST

/* One location: 5 x 1 + UltraPerf 2 + 10; the test cuts the VNet off. */
START_TEST(one_location)
{
	struct fixture f;
	const struct ers_an_index *x;
	const struct ers_an_validation *t;

	analyse(SCN, true, &f);
	x = gateway(&f, "single/gw");
	ck_assert_int_eq(x->route_class, ERS_AN_CLASS_STANDARD);
	ck_assert_int_eq(x->route_points, 5);
	ck_assert_int_eq(x->zone_points, 2);
	ck_assert(!x->testable);
	ck_assert_int_eq(x->multiplier, 1);
	ck_assert_int_eq(x->score_tested, 17);
	ck_assert_int_eq(x->score_untested, 17);
	ck_assert_int_eq(x->n_tests, 1);
	t = test_at(x, "frankfurt");
	ck_assert(!t->recovered);
	ck_assert(!t->enough);
	release(&f);
}
END_TEST

/* Metro: 10 x 1 + Standard 0 + 10; each location leaves the other link. */
START_TEST(metro)
{
	struct fixture f;
	const struct ers_an_index *x;

	analyse(SCN, true, &f);
	x = gateway(&f, "metro/gw");
	ck_assert_int_eq(x->route_class, ERS_AN_CLASS_HIGH);
	ck_assert_int_eq(x->route_points, 10);
	ck_assert_int_eq(x->zone_points, 0);
	ck_assert(!x->testable);
	ck_assert_int_eq(x->score_tested, 20);
	ck_assert_int_eq(x->n_tests, 2);
	for (int i = 0; i < 2; i++) {
		const struct ers_an_validation *t = test_at(x, i ? "amsterdam2" : "amsterdam");
		char want[64];

		snprintf(want, sizeof want, "metro+er-metro@%s", t->location);
		ck_assert_str_eq(t->connections[0], want);
		ck_assert(t->recovered);
		ck_assert_msg(t->failover > 0 && t->failover <= 120 * ERS_S, "%s: failover %lld ns",
			      t->location, (long long)t->failover);
		ck_assert_str_eq(t->busiest_link, i ? "link:er-metro/primary" :
						      "link:er-metro/secondary");
		ck_assert(t->enough);
	}
	release(&f);
}
END_TEST

/* A VNet no flow reaches is tested with probes: failover is measured,
 * capacity not judged. In targets.xml spoke's london test finds what the
 * static analysis misses (analyze --verify reports it too): br/ce1 learns
 * hq's prefix over Global Reach and never hands it to spoke over er-fra,
 * so spoke -> hq has no route once london is disconnected. */
START_TEST(probes)
{
	struct fixture f;
	const struct ers_an_index *x;
	const struct ers_an_validation *fra, *lon;

	analyse("scenarios/expressroute/targets.xml", true, &f);
	x = gateway(&f, "spoke/gw");
	ck_assert_int_eq(x->n_tests, 2);
	fra = test_at(x, "frankfurt");
	lon = test_at(x, "london");
	ck_assert(fra->probes && lon->probes);
	ck_assert_int_eq(fra->n_flows, 4);	/* hq and br, each way */
	ck_assert(fra->recovered);
	ck_assert(fra->failover > 0);
	ck_assert(!fra->enough);		/* not judged */
	ck_assert_ptr_null(fra->slowest_flow);
	ck_assert(!lon->recovered);
	release(&f);
}
END_TEST

/* The command: the JSON fields and the report's lines. */
START_TEST(command)
{
	char path[] = "/tmp/ersim-index-XXXXXX", out[16384];
	char *argv[] = { "analyze", SCN, "--json", path, NULL };
	char *no_test[] = { "analyze", SCN, "--json", path, "--no-validation-test", NULL };
	int fd = mkstemp(path);
	json_t *doc, *dual, *t;
	json_error_t err;

	ck_assert_int_ge(fd, 0);
	close(fd);
	ck_assert_int_eq(tu_cmd(ers_cmd_analyze, 4, argv, out, sizeof out), 0);
	ck_assert_msg(strstr(out, "  dual/gw: 100 of 100 once the validation test has run at each "
			     "location within 30 days (40 untested)\n"), "%s", out);
	ck_assert_msg(strstr(out, "    zone-redundant gateway: 10 of 10 (ergw2az, zone-redundant)\n"),
		      "%s", out);
	ck_assert_msg(strstr(out, "  single/gw: 17 of 100\n"), "%s", out);
	ck_assert_msg(strstr(out, "    frankfurt (single+er-fra@frankfurt): NO FAILOVER"), "%s", out);
	ck_assert_msg(strstr(out, "backup capacity NOT ENOUGH: peak 120.0% of link:er-lon/primary"),
		      "%s", out);
	ck_assert_msg(strstr(out, "x1 (Azure's validation test does not run on Metro yet)"), "%s", out);

	doc = json_load_file(path, 0, &err);
	ck_assert_msg(doc != NULL, "%s", err.text);
	dual = json_array_get(json_object_get(doc, "resiliency_index"), 0);
	ck_assert_str_eq(json_string_value(json_object_get(dual, "gateway")), "dual/gw");
	ck_assert_int_eq(json_integer_value(json_object_get(dual, "score_tested")), 100);
	ck_assert_int_eq(json_integer_value(json_object_get(dual, "score_untested")), 40);
	ck_assert_str_eq(json_string_value(json_object_get(json_object_get(dual, "route"), "class")),
			 "maximum");
	ck_assert_int_eq(json_integer_value(json_object_get(
		json_object_get(dual, "validation_multiplier"), "value")), 4);
	t = json_array_get(json_object_get(dual, "validation_tests"), 0);
	ck_assert_str_eq(json_string_value(json_object_get(t, "location")), "amsterdam");
	ck_assert(json_is_true(json_object_get(t, "recovered")));
	ck_assert(json_real_value(json_object_get(t, "failover_s")) > 0);
	ck_assert(json_is_false(json_object_get(t, "capacity_enough")));
	t = json_array_get(json_object_get(json_array_get(json_object_get(doc, "resiliency_index"),
							   1), "validation_tests"), 0);
	ck_assert(json_is_false(json_object_get(t, "recovered")));
	ck_assert(json_is_null(json_object_get(t, "failover_s")));
	json_decref(doc);

	ck_assert_int_eq(tu_cmd(ers_cmd_analyze, 5, no_test, out, sizeof out), 0);
	ck_assert_msg(!strstr(out, "resiliency validation test"), "%s", out);
	doc = json_load_file(path, 0, &err);
	ck_assert_msg(doc != NULL, "%s", err.text);
	dual = json_array_get(json_object_get(doc, "resiliency_index"), 0);
	ck_assert_int_eq(json_integer_value(json_object_get(dual, "score_tested")), 100);
	ck_assert(json_is_null(json_object_get(dual, "validation_tests")));
	json_decref(doc);
	unlink(path);
}
END_TEST

Suite *make_resiliency_index_suite(void)
{
	Suite *s = suite_create("resiliency_index");
	TCase *tc = tcase_create("index");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, two_locations);
	tcase_add_test(tc, failover_matches_run);
	tcase_add_test(tc, ergwscale_zone);
	tcase_add_test(tc, one_location);
	tcase_add_test(tc, metro);
	tcase_add_test(tc, probes);
	tcase_add_test(tc, command);
	suite_add_tcase(s, tc);
	return s;
}
