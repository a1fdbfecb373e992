/*
 * check_analyze.c - suite "analyze": the static resiliency analysis of the
 * designs in tests/analyze/ (single points of failure named in scenario
 * terms, minimum cut sets, disjoint paths, resiliency class, capacity
 * after the worst single failure, Global Reach non-transitivity), its
 * confirmation by simulation (--verify agrees on every design; a design
 * whose policy the analysis cannot see yields a disagreement and exit 1),
 * the JSON document, the report's determinism and the command's usage
 * errors.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <unistd.h>

#include <jansson.h>

#include "ersim/analyze.h"
#include "ersim/cmd.h"
#include "ersim/scenario.h"
#include "test_util.h"

#define DIR "tests/analyze/"

struct fixture {
	struct ers_scenario *s;
	struct ers_catalog *cat;
	struct ers_analysis *a;
};

static void open_analysis(const char *name, struct fixture *f)
{
	char path[256];
	struct ers_diag d;
	enum ers_err rc;

	snprintf(path, sizeof path, DIR "%s", name);
	ers_diag_init(&d);
	rc = ers_scenario_open(path, &f->s, &f->cat, &d);
	if (rc == ERS_OK)
		rc = ers_analyze(f->s, f->cat, &f->a, &d);
	if (rc != ERS_OK)
		ers_diag_print(&d, stderr);
	ers_diag_release(&d);
	ck_assert_msg(rc == ERS_OK, "%s: %s", path, ers_err_str(rc));
}

static void close_analysis(struct fixture *f)
{
	ers_analysis_free(f->a);
	ers_catalog_free(f->cat);
	ers_scenario_free(f->s);
}

static const struct ers_an_pair *pair(const struct fixture *f, const char *a, const char *b)
{
	for (size_t i = 0; i < f->a->n_pairs; i++)
		if (!strcmp(f->a->pairs[i].a_id, a) && !strcmp(f->a->pairs[i].b_id, b))
			return &f->a->pairs[i];
	ck_abort_msg("no pair %s / %s", a, b);
	return NULL;
}

/* The pair's single points of failure as "a b c" in target order. */
static void spof_names(const struct fixture *f, const struct ers_an_pair *p, char *buf,
		       size_t n)
{
	size_t len = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < p->n_spofs && len < n; i++)
		len += (size_t)snprintf(buf + len, n - len, "%s%s", i ? " " : "",
					f->a->targets[p->spofs[i]].name);
}

static const char *set_name(const struct fixture *f, const struct ers_an_pair *p,
			    size_t set, size_t j)
{
	return f->a->targets[p->cut_sets[set * p->min_cut + j]].name;
}

/* Run the command with stdout sent to /dev/null. */
static int run_quiet(int argc, char **argv)
{
	int saved, null, code;

	fflush(stdout);
	saved = dup(1);
	null = open("/dev/null", O_WRONLY);
	ck_assert_int_ge(saved, 0);
	ck_assert_int_ge(null, 0);
	dup2(null, 1);
	close(null);
	code = ers_cmd_analyze(argc, argv);
	fflush(stdout);
	dup2(saved, 1);
	close(saved);
	return code;
}

START_TEST(test_analyze_one_circuit_spofs)
{
	struct fixture f = { 0 };
	const struct ers_an_pair *p;
	char buf[512];

	open_analysis("one-circuit.xml", &f);
	ck_assert_uint_eq(f.a->n_pairs, 1);
	p = pair(&f, "dc", "hub");
	ck_assert(p->connected);
	spof_names(&f, p, buf, sizeof buf);
	ck_assert_str_eq(buf, "circuit:er-ams provider:equinix msee-pair:amsterdam-1 "
			 "location:amsterdam connection:hub+er-ams");
	ck_assert_uint_eq(p->min_cut, 1);
	ck_assert_uint_eq(p->n_cut_sets, 5);
	ck_assert_uint_eq(p->edge_disjoint, 2);
	ck_assert_uint_eq(p->vertex_disjoint, 2);
	ck_assert_int_eq(p->cls, ERS_AN_CLASS_STANDARD);
	ck_assert(!p->meets_guidance);
	ck_assert_uint_eq(p->capacity, 1000000000ull);
	ck_assert_uint_eq(p->worst_capacity, 0);
	ck_assert_str_eq(f.a->targets[p->worst_target].name, "circuit:er-ams");
	ck_assert_uint_eq(p->demand_ab, 300000000ull);
	ck_assert(!p->enough);
	ck_assert_ptr_nonnull(strstr(p->verdict, "AT RISK: 5 single points of failure"));
	ck_assert_ptr_nonnull(strstr(p->verdict, "NOT ENOUGH"));
	close_analysis(&f);
}
END_TEST

START_TEST(test_analyze_two_locations_no_spof)
{
	struct fixture f = { 0 };
	const struct ers_an_pair *p;

	open_analysis("two-locations.xml", &f);
	p = pair(&f, "dc", "hub");
	ck_assert_uint_eq(p->n_spofs, 0);
	ck_assert_uint_eq(p->min_cut, 2);
	ck_assert_str_eq(set_name(&f, p, 0, 0), "circuit:er-ams");
	ck_assert_str_eq(set_name(&f, p, 0, 1), "circuit:er-lon");
	ck_assert_uint_eq(p->edge_disjoint, 4);
	ck_assert_uint_eq(p->vertex_disjoint, 4);
	ck_assert_int_eq(p->cls, ERS_AN_CLASS_MAXIMUM);
	ck_assert(p->meets_guidance);
	ck_assert_uint_eq(p->n_locations, 2);
	ck_assert_str_eq(p->locations[0], "amsterdam");
	ck_assert_str_eq(p->locations[1], "london");
	/* two 1 Gbps circuits, but a Standard gateway carries 1 Gbps
	 * (facts 8.1): no single failure goes below that */
	ck_assert_uint_eq(p->capacity, 1000000000ull);
	ck_assert_uint_eq(p->worst_capacity, 1000000000ull);
	ck_assert_uint_eq(p->demand_ab, 500000000ull);
	ck_assert_uint_eq(p->demand_ba, 200000000ull);
	ck_assert(p->enough);
	ck_assert_str_eq(p->verdict, "OK: no single point of failure (min cut 2); maximum "
			 "resiliency; no single failure reduces its 1 Gbps (its gateway's "
			 "throughput), enough for its flows");
	close_analysis(&f);
}
END_TEST

START_TEST(test_analyze_shared_msee_pair)
{
	struct fixture f = { 0 };
	const struct ers_an_pair *p;
	char buf[512];

	open_analysis("shared-pair.xml", &f);
	p = pair(&f, "dc", "hub");
	spof_names(&f, p, buf, sizeof buf);
	ck_assert_str_eq(buf, "msee-pair:amsterdam-1 location:amsterdam");
	ck_assert_uint_eq(p->min_cut, 1);
	ck_assert_uint_eq(p->edge_disjoint, 4);
	ck_assert_uint_eq(p->vertex_disjoint, 2);	/* the two shared MSEEs */
	ck_assert_int_eq(p->cls, ERS_AN_CLASS_STANDARD);
	ck_assert(!p->meets_guidance);
	close_analysis(&f);
}
END_TEST

START_TEST(test_analyze_srlg_is_spof)
{
	struct fixture f = { 0 };
	const struct ers_an_pair *p;
	char buf[512];

	open_analysis("srlg.xml", &f);
	p = pair(&f, "dc", "hub");
	spof_names(&f, p, buf, sizeof buf);
	ck_assert_str_eq(buf, "srlg:duct");
	ck_assert_uint_eq(p->min_cut, 1);
	ck_assert_uint_eq(p->n_cut_sets, 1);
	ck_assert_str_eq(set_name(&f, p, 0, 0), "srlg:duct");
	ck_assert_int_eq(p->cls, ERS_AN_CLASS_MAXIMUM);
	ck_assert_uint_eq(p->edge_disjoint, 4);	/* the graph alone hides the shared duct */
	close_analysis(&f);
}
END_TEST

START_TEST(test_analyze_metro_location_not_spof)
{
	struct fixture f = { 0 };
	const struct ers_an_pair *p;
	char buf[512];

	open_analysis("metro.xml", &f);
	p = pair(&f, "dc", "hub");
	spof_names(&f, p, buf, sizeof buf);
	ck_assert_str_eq(buf, "circuit:er-metro provider:equinix connection:hub+er-metro");
	ck_assert_int_eq(p->cls, ERS_AN_CLASS_HIGH);
	ck_assert(p->meets_guidance);
	ck_assert_str_eq(p->locations[0], "amsterdam-metro");
	close_analysis(&f);
}
END_TEST

START_TEST(test_analyze_global_reach_not_transitive)
{
	struct fixture f = { 0 };
	const struct ers_an_pair *p;

	open_analysis("global-reach.xml", &f);
	ck_assert_uint_eq(f.a->n_pairs, 3);
	p = pair(&f, "ams-dc", "lon-dc");
	ck_assert(p->connected);
	ck_assert_int_eq(p->kind, ERS_AN_SITE_SITE);
	ck_assert_uint_eq(p->capacity, 1000000000ull);	/* the smaller circuit */
	ck_assert_uint_eq(p->min_cut, 1);
	p = pair(&f, "ams-dc", "fra-dc");
	ck_assert(!p->connected);
	ck_assert(p->has_flow);
	ck_assert_str_eq(p->verdict, "UNREACHABLE: no path even with nothing failed");
	p = pair(&f, "lon-dc", "fra-dc");
	ck_assert(p->connected);
	close_analysis(&f);
}
END_TEST

/* Every design: the simulation confirms every claim. */
static const char *const designs[] = {
	"one-circuit.xml", "two-locations.xml", "shared-pair.xml", "srlg.xml",
	"metro.xml", "global-reach.xml",
};

START_TEST(test_analyze_verify_agrees)
{
	struct fixture f = { 0 };
	struct ers_an_verification *v = NULL;
	struct ers_diag d;
	size_t n_spof_targets = 0;

	open_analysis(designs[_i], &f);
	ers_diag_init(&d);
	ck_assert_int_eq(ers_analysis_verify(f.a, f.s, f.cat, 0, &v, &d), ERS_OK);
	for (size_t t = 0; t < f.a->n_targets; t++)
		for (size_t p = 0; p < f.a->n_pairs; p++)
			if (!f.a->targets[t].inherent && f.a->pairs[p].connected &&
			    f.a->cuts[t * f.a->n_pairs + p]) {
				n_spof_targets++;
				break;
			}
	for (size_t i = 0; i < v->n_dis; i++)
		fprintf(stderr, "%s: disagreement on %s\n", designs[_i], v->dis[i].target);
	ck_assert_uint_eq(v->n_dis, 0);
	ck_assert_uint_gt(v->n_runs, n_spof_targets);	/* SPOFs, the intact run, safe ones */
	ck_assert_uint_eq(v->n_targets_skipped, 0);
	ck_assert_uint_eq(v->n_checks, v->n_runs * f.a->n_pairs);
	ers_an_verification_free(v);
	ers_diag_release(&d);
	close_analysis(&f);
}
END_TEST

START_TEST(test_analyze_verify_samples_safe_targets)
{
	struct fixture f = { 0 };
	struct ers_an_verification *v = NULL;
	struct ers_diag d;

	open_analysis("one-circuit.xml", &f);
	ers_diag_init(&d);
	/* 1 intact + 5 SPOF targets fit; 1 of the 6 safe targets is sampled */
	ck_assert_int_eq(ers_analysis_verify(f.a, f.s, f.cat, 7, &v, &d), ERS_OK);
	ck_assert_uint_eq(v->n_runs, 7);
	ck_assert_uint_eq(v->n_targets_skipped, 5);
	ck_assert_uint_eq(v->n_dis, 0);
	ers_an_verification_free(v);
	ers_diag_release(&d);
	close_analysis(&f);
}
END_TEST

START_TEST(test_analyze_verify_reports_disagreement)
{
	struct fixture f = { 0 };
	struct ers_an_verification *v = NULL;
	struct ers_diag d;
	char *argv[] = { "analyze", DIR "policy-deny.xml", "--verify", NULL };

	open_analysis("policy-deny.xml", &f);
	ers_diag_init(&d);
	ck_assert_int_eq(ers_analysis_verify(f.a, f.s, f.cat, 0, &v, &d), ERS_OK);
	ck_assert_uint_gt(v->n_dis, 0);
	ck_assert_str_eq(v->dis[0].target, "(none)");
	ck_assert(!v->dis[0].claimed_cut);
	ck_assert(v->dis[0].sim_ab);		/* the VNet's routes still arrive */
	ck_assert(!v->dis[0].sim_ba);		/* the site's never leave */
	ers_an_verification_free(v);
	ers_diag_release(&d);
	close_analysis(&f);
	ck_assert_int_eq(run_quiet(3, argv), 1);
}
END_TEST

START_TEST(test_analyze_json_document)
{
	char path[] = "/tmp/ersim-analyze-XXXXXX";
	int fd = mkstemp(path);
	char *argv[] = { "analyze", DIR "shared-pair.xml", "--json", path, NULL };
	json_t *doc, *p, *spofs;
	json_error_t err;

	ck_assert_int_ge(fd, 0);
	close(fd);
	ck_assert_int_eq(run_quiet(4, argv), 0);
	doc = json_load_file(path, 0, &err);
	unlink(path);
	ck_assert_ptr_nonnull(doc);
	ck_assert_str_eq(json_string_value(json_object_get(doc, "format")), "ersim-analysis/1");
	ck_assert_str_eq(json_string_value(json_object_get(doc, "scenario")), "shared-pair");
	p = json_array_get(json_object_get(doc, "pairs"), 0);
	ck_assert_str_eq(json_string_value(json_object_get(p, "a")), "dc");
	ck_assert_str_eq(json_string_value(json_object_get(p, "b")), "hub");
	ck_assert_str_eq(json_string_value(json_object_get(p, "class")), "standard");
	ck_assert(json_is_false(json_object_get(p, "meets_guidance")));
	ck_assert_int_eq(json_integer_value(json_object_get(json_object_get(p, "min_cut"), "size")), 1);
	spofs = json_object_get(p, "spofs");
	ck_assert_uint_eq(json_array_size(spofs), 2);
	ck_assert_str_eq(json_string_value(json_array_get(spofs, 0)), "msee-pair:amsterdam-1");
	spofs = json_object_get(doc, "single_points_of_failure");
	ck_assert_str_eq(json_string_value(json_object_get(json_array_get(spofs, 1), "target")),
			 "location:amsterdam");
	ck_assert(json_is_null(json_object_get(doc, "verification")));
	json_decref(doc);
}
END_TEST

START_TEST(test_analyze_report_deterministic)
{
	struct fixture f = { 0 };
	char *b1 = NULL, *b2 = NULL;
	size_t n1 = 0, n2 = 0;
	FILE *m;

	open_analysis("two-locations.xml", &f);
	m = open_memstream(&b1, &n1);
	ers_analysis_report(m, f.a, NULL);
	fclose(m);
	close_analysis(&f);
	open_analysis("two-locations.xml", &f);
	m = open_memstream(&b2, &n2);
	ers_analysis_report(m, f.a, NULL);
	fclose(m);
	close_analysis(&f);
	ck_assert_str_eq(b1, b2);
	ck_assert_ptr_nonnull(strstr(b1, "dc -> hub\n  verdict: OK"));
	ck_assert_ptr_nonnull(strstr(b1, "  min cut: 2 targets, 26 sets: circuit:er-ams + circuit:er-lon;"));
	ck_assert_ptr_nonnull(strstr(b1, "  class: maximum (meets Microsoft's guidance) via amsterdam london\n"));
	ck_assert_ptr_nonnull(strstr(b1, "single points of failure\n  none\n"));
	free(b1);
	free(b2);
}
END_TEST

START_TEST(test_analyze_usage_errors)
{
	char *none[] = { "analyze", NULL };
	char *bad_opt[] = { "analyze", DIR "metro.xml", "--frobnicate", NULL };
	char *no_val[] = { "analyze", DIR "metro.xml", "--json", NULL };
	char *bad_runs[] = { "analyze", DIR "metro.xml", "--max-runs", "x", NULL };
	char *two[] = { "analyze", DIR "metro.xml", DIR "srlg.xml", NULL };
	char *missing[] = { "analyze", DIR "no-such-file.xml", NULL };

	char out[4096];

	ck_assert_int_eq(tu_cmd(ers_cmd_analyze, 1, none, out, sizeof out), 2);
	ck_assert_msg(strstr(out, "ersim analyze: no scenario file given\nusage: ersim analyze "),
		      "%s", out);
	ck_assert_int_eq(tu_cmd(ers_cmd_analyze, 3, bad_opt, out, sizeof out), 2);
	ck_assert_msg(strstr(out, "unknown option '--frobnicate'"), "%s", out);
	ck_assert_int_eq(tu_cmd(ers_cmd_analyze, 3, no_val, out, sizeof out), 2);
	ck_assert_msg(strstr(out, "option '--json' needs a value"), "%s", out);
	ck_assert_int_eq(tu_cmd(ers_cmd_analyze, 4, bad_runs, out, sizeof out), 2);
	ck_assert_msg(strstr(out, "invalid --max-runs 'x'"), "%s", out);
	ck_assert_int_eq(tu_cmd(ers_cmd_analyze, 3, two, out, sizeof out), 2);
	ck_assert_msg(strstr(out, "more than one scenario file"), "%s", out);
	ck_assert_int_eq(tu_cmd(ers_cmd_analyze, 2, missing, out, sizeof out), 2);
	ck_assert_msg(strstr(out, "no-such-file.xml': No such file or directory"), "%s", out);
}
END_TEST

Suite *make_analyze_suite(void)
{
	Suite *s = suite_create("analyze");
	TCase *tc = tcase_create("claims");
	TCase *tv = tcase_create("verify");
	TCase *tcmd = tcase_create("command");

	tcase_add_test(tc, test_analyze_one_circuit_spofs);
	tcase_add_test(tc, test_analyze_two_locations_no_spof);
	tcase_add_test(tc, test_analyze_shared_msee_pair);
	tcase_add_test(tc, test_analyze_srlg_is_spof);
	tcase_add_test(tc, test_analyze_metro_location_not_spof);
	tcase_add_test(tc, test_analyze_global_reach_not_transitive);
	suite_add_tcase(s, tc);
	tcase_add_loop_test(tv, test_analyze_verify_agrees, 0,
			    (int)(sizeof designs / sizeof designs[0]));
	tcase_add_test(tv, test_analyze_verify_samples_safe_targets);
	tcase_add_test(tv, test_analyze_verify_reports_disagreement);
	tcase_set_timeout(tv, 60);
	suite_add_tcase(s, tv);
	tcase_add_test(tcmd, test_analyze_json_document);
	tcase_add_test(tcmd, test_analyze_report_deterministic);
	tcase_add_test(tcmd, test_analyze_usage_errors);
	tcase_set_timeout(tcmd, 30);
	suite_add_tcase(s, tcmd);
	return s;
}
