/*
 * check_compare.c - `ersim compare` on the scenario pairs in
 * tests/compare/: BFD off against on (B better on outage), one peering
 * location against two (better reachability and resiliency, a larger bill
 * of materials), connection weight against AS path (paths diverge at the
 * gateway, with the deciding step). In-process through compare.h, and the
 * command through the binary named by $ERSIM for exit codes and files.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ersim/analyze.h"
#include "ersim/compare.h"
#include "ersim/run.h"

#define DIR "tests/compare/"

struct column {
	struct ers_scenario *s;
	struct ers_catalog *cat;
	struct ers_result *r;
};

static void column_run(struct column *c, const char *path, uint64_t seed)
{
	struct ers_run_opts o = { .has_seed = true, .seed = seed };
	struct ers_diag d;

	ers_diag_init(&d);
	ck_assert_msg(ers_scenario_open(path, &c->s, &c->cat, &d) == ERS_OK, "open %s", path);
	ck_assert_msg(ers_run(c->s, c->cat, &o, &c->r, &d) == ERS_OK, "run %s", path);
	ers_diag_release(&d);
}

static void column_free(struct column *c)
{
	ers_result_free(c->r);
	ers_scenario_free(c->s);
	ers_catalog_free(c->cat);
}

/* Compare two scenarios, both run with seed 1. */
static struct ers_comparison *compare2(const char *a, const char *b, struct column *col)
{
	struct ers_cmp_input in[2];
	struct ers_comparison *c = NULL;
	struct ers_diag d;

	column_run(&col[0], a, 1);
	column_run(&col[1], b, 1);
	for (int j = 0; j < 2; j++)
		in[j] = (struct ers_cmp_input){ j ? b : a, col[j].r, col[j].s, col[j].cat };
	ers_diag_init(&d);
	ck_assert_int_eq(ers_compare_build(in, 2, &c, &d), ERS_OK);
	ers_diag_release(&d);
	return c;
}

static const struct ers_cmp_row *row(const struct ers_comparison *c, enum ers_cmp_section s,
				     const char *subject, const char *metric)
{
	for (size_t i = 0; i < c->n_rows; i++)
		if (c->rows[i].section == s && !strcmp(c->rows[i].subject, subject) &&
		    !strcmp(c->rows[i].metric, metric))
			return &c->rows[i];
	ck_abort_msg("no row %s / %s / %s", ers_cmp_section_str(s), subject, metric);
	return NULL;
}

/* The text output, as a string (free it). */
static char *text_of(const struct ers_comparison *c, unsigned flags)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(ers_compare_write_text(c, f, flags), ERS_OK);
	fclose(f);
	return buf;
}

/* The line of text that contains both needles, or NULL. */
static bool line_has(const char *text, const char *a, const char *b)
{
	for (const char *p = text; p && *p;) {
		const char *nl = strchr(p, '\n');
		size_t n = nl ? (size_t)(nl - p) : strlen(p);
		char *line = strndup(p, n);
		bool ok = strstr(line, a) && strstr(line, b);
		free(line);
		if (ok)
			return true;
		p = nl ? nl + 1 : NULL;
	}
	return false;
}

START_TEST(test_compare_bfd_better_on_outage)
{
	struct column col[2];
	struct ers_comparison *c = compare2(DIR "bfd-off.xml", DIR "bfd-on.xml", col);
	const struct ers_cmp_row *r = row(c, ERS_CMP_FLOWS, "app", "outage_s");
	const struct ers_cmp_row *det = row(c, ERS_CMP_EVENTS,
					    "5.000 s fail link:er-ams/primary", "detection_s");
	char *text = text_of(c, 0);

	/* hold 3 s against BFD 300 ms x 3 */
	ck_assert(r->differs);
	ck_assert(r->cells[0].num > 2.0 && r->cells[0].num <= 3.0);
	ck_assert(r->cells[1].num < 1.0);
	ck_assert(det->cells[1].num < det->cells[0].num);
	ck_assert_msg(line_has(text, "outage_s", "(better)"), "%s", text);
	ck_assert_msg(line_has(text, "detection_s", "(better)"), "%s", text);
	ck_assert_msg(strstr(text, "* app      outage_s"), "%s", text);
	/* same paths, so the flows' paths are all "the same" */
	ck_assert_msg(strstr(text, "the same in every column"), "%s", text);
	free(text);
	text = text_of(c, ERS_CMP_ONLY_DIFF);
	ck_assert_msg(!strstr(text, "reachable "), "equal rows hidden:\n%s", text);
	ck_assert_msg(strstr(text, "paths (before the first event and after each): no differences"),
		      "%s", text);
	free(text);
	ers_comparison_free(c);
	column_free(&col[0]);
	column_free(&col[1]);
}
END_TEST

START_TEST(test_compare_two_locations_better_and_worse)
{
	struct column col[2];
	struct ers_comparison *c = compare2(DIR "one-location.xml", DIR "two-locations.xml", col);
	const struct ers_cmp_row *reach = row(c, ERS_CMP_REACH, "contoso-dc -> hub-weu", "reachable");
	const struct ers_cmp_row *circ = row(c, ERS_CMP_BOM, "circuits", "count");
	const struct ers_cmp_row *cls = row(c, ERS_CMP_RESILIENCY, "hub-weu", "class");
	char *text = text_of(c, 0);

	ck_assert(reach->differs);
	ck_assert(reach->cells[0].num == 0 && reach->cells[1].num == 1);
	ck_assert(circ->cells[0].num == 1 && circ->cells[1].num == 2);
	ck_assert_str_eq(cls->cells[0].text, "standard");
	ck_assert_str_eq(cls->cells[1].text, "maximum");
	/* better on one metric, worse on another: both shown */
	ck_assert_msg(line_has(text, "contoso-dc -> hub-weu", "better"), "%s", text);
	ck_assert_msg(line_has(text, "circuits ", "+1 (worse)"), "%s", text);
	ck_assert_msg(line_has(text, "hub-weu", "maximum  better"), "%s", text);
	ck_assert_msg(line_has(text, "lost_bytes", "(better)"), "%s", text);
	/* A has no route after the failure */
	ck_assert_msg(strstr(text, "contoso-dc/ce1 had no route"), "%s", text);
	free(text);
	ers_comparison_free(c);
	column_free(&col[0]);
	column_free(&col[1]);
}
END_TEST

START_TEST(test_compare_path_reason_at_gateway)
{
	struct column col[2];
	struct ers_comparison *c = compare2(DIR "weight.xml", DIR "prepend.xml", col);
	const struct ers_cmp_row *r = row(c, ERS_CMP_PATHS, "to-dc",
					  "before 5.000 s fail circuit:er-fra");
	const struct ers_cmp_row *after = row(c, ERS_CMP_PATHS, "to-dc",
					      "after 5.000 s fail circuit:er-fra");
	char *text = text_of(c, 0);

	ck_assert(r->differs);
	ck_assert_str_eq(r->cells[1].diverge, "hub-weu/gw");
	ck_assert_str_eq(r->cells[1].base_reason,
			 "hub-weu/gw chose frankfurt-1/a over amsterdam-1/a: weight 100 > 0");
	ck_assert_msg(strstr(r->cells[1].reason, "hub-weu/gw chose amsterdam-1/a"), "%s",
		      r->cells[1].reason);
	ck_assert(!after->differs);	/* both on Amsterdam after er-fra fails */
	ck_assert_msg(strstr(text, "diverges from A at hub-weu/gw"), "%s", text);
	ck_assert_msg(strstr(text, "50%  hub-weu/gw > frankfurt-1/a > contoso-dc/ce1"), "%s", text);
	free(text);
	ers_comparison_free(c);
	column_free(&col[0]);
	column_free(&col[1]);
}
END_TEST

/* Each --fail-on form, crossed and not, B against A. */
static const struct fail_case {
	const char *a, *b, *expr;
	size_t n;			/* violations expected */
	const char *msg;		/* part of the first message */
} fail_cases[] = {
	{ "bfd-off", "bfd-on", "outage_s>1", 0, NULL },
	{ "bfd-on", "bfd-off", "outage_s>1", 1, "flow 'app' outage_s 2." },
	{ "bfd-off", "bfd-on", "lost_bytes>0", 1, "flow 'app' lost_bytes " },
	{ "one-location", "two-locations", "lost_bytes>0", 0, NULL },
	{ "bfd-on", "bfd-off", "convergence_s>30", 0, NULL },
	{ "bfd-on", "bfd-off", "convergence_s>2", 1, "event '5.000 s fail link:er-ams/primary' convergence_s 2." },
	{ "bfd-off", "bfd-on", "convergence_s>A", 0, NULL },
	{ "bfd-on", "bfd-off", "convergence_s>A+1", 1, "(A + 1)" },
	{ "bfd-on", "bfd-off", "convergence_s>A+5", 0, NULL },
	{ "one-location", "two-locations", "reachability-lost", 0, NULL },
	{ "two-locations", "one-location", "reachability-lost", 3, "flow 'app' reachable at the end in A, not in B" },
	{ "one-location", "two-locations", "resiliency-lower", 0, NULL },
	{ "two-locations", "one-location", "resiliency-lower", 1, "VNet 'hub-weu' resiliency maximum in A, standard in B" },
	{ "two-locations", "one-location", "messages<=A", 1, "run messages" },
};

START_TEST(test_compare_fail_on_forms)
{
	const struct fail_case *k = &fail_cases[_i];
	char a[128], b[128];
	struct column col[2];
	struct ers_fail_on f;
	const char *why = NULL;
	struct ers_comparison *c;

	snprintf(a, sizeof a, DIR "%s.xml", k->a);
	snprintf(b, sizeof b, DIR "%s.xml", k->b);
	c = compare2(a, b, col);
	ck_assert_int_eq(ers_fail_on_parse(k->expr, &f, &why), ERS_OK);
	ck_assert_int_eq(ers_compare_check(c, &f, 1), ERS_OK);
	ck_assert_msg(c->n_violations == k->n, "%s: %zu violations (%s)", k->expr,
		      c->n_violations, c->n_violations ? c->violations[0].msg : "");
	if (k->msg)
		ck_assert_msg(strstr(c->violations[0].msg, k->msg), "%s: '%s'", k->expr,
			      c->violations[0].msg);
	for (size_t i = 0; i < c->n_violations; i++) {
		ck_assert_int_eq(c->violations[i].col, 1);
		ck_assert_str_eq(c->violations[i].expr, k->expr);
	}
	ers_comparison_free(c);
	column_free(&col[0]);
	column_free(&col[1]);
}
END_TEST

START_TEST(test_compare_fail_on_parse)
{
	struct ers_fail_on f;
	const char *why = NULL;

	ck_assert_int_eq(ers_fail_on_parse("outage_s >= A+2.5", &f, &why), ERS_OK);
	ck_assert_str_eq(f.metric, "outage_s");
	ck_assert_int_eq(f.op, ERS_CMP_GE);
	ck_assert(f.relative && f.value == 2.5);
	ck_assert_int_eq(ers_fail_on_parse("max_utilization<0.5", &f, &why), ERS_OK);
	ck_assert(f.op == ERS_CMP_LT && !f.relative && f.value == 0.5);
	ck_assert_int_eq(ers_fail_on_parse("reachability-lost", &f, &why), ERS_OK);
	ck_assert_int_eq(f.kind, ERS_FAIL_REACH_LOST);
	ck_assert_int_eq(ers_fail_on_parse("outage>1", &f, &why), ERS_EINVAL);
	ck_assert_msg(strstr(why, "unknown metric"), "%s", why);
	ck_assert_int_eq(ers_fail_on_parse("outage_s=1", &f, &why), ERS_EINVAL);
	ck_assert_int_eq(ers_fail_on_parse("outage_s>", &f, &why), ERS_EINVAL);
	ck_assert_int_eq(ers_fail_on_parse("outage_s>B", &f, &why), ERS_EINVAL);
	ck_assert_int_eq(ers_fail_on_parse("outage_s>1x", &f, &why), ERS_EINVAL);
}
END_TEST

/* ---- the command, through the binary ------------------------------------ */

static const char *ersim(void)
{
	const char *p = getenv("ERSIM");

	ck_assert_msg(p && access(p, X_OK) == 0, "set ERSIM to the built ersim binary");
	return p;
}

/* Run "ersim compare ARGS" with stdout and stderr into files; exit code. */
static int sh(const char *args, char *out, size_t n_out, char *err, size_t n_err)
{
	char cmd[2048];
	int st;
	FILE *f;

	snprintf(cmd, sizeof cmd, "%s compare %s > /tmp/ers-cmp-%d.out 2> /tmp/ers-cmp-%d.err",
		 ersim(), args, (int)getpid(), (int)getpid());
	st = system(cmd);
	ck_assert(st != -1 && WIFEXITED(st));
	snprintf(cmd, sizeof cmd, "/tmp/ers-cmp-%d.out", (int)getpid());
	f = fopen(cmd, "r");
	out[fread(out, 1, n_out - 1, f)] = '\0';
	fclose(f);
	unlink(cmd);
	snprintf(cmd, sizeof cmd, "/tmp/ers-cmp-%d.err", (int)getpid());
	f = fopen(cmd, "r");
	err[fread(err, 1, n_err - 1, f)] = '\0';
	fclose(f);
	unlink(cmd);
	return WEXITSTATUS(st);
}

static char out[1 << 16], err[1 << 12];

START_TEST(test_compare_cli_fail_on_exit_codes)
{
	ck_assert_int_eq(sh(DIR "bfd-on.xml " DIR "bfd-off.xml --fail-on 'outage_s>1'",
			    out, sizeof out, err, sizeof err), 1);
	ck_assert_msg(strstr(err, "fail-on: flow 'app' outage_s 2."), "%s", err);
	ck_assert_msg(strstr(err, "(B: " DIR "bfd-off.xml)"), "%s", err);
	ck_assert_msg(strstr(out, "comparing B against A"), "%s", out);
	ck_assert_int_eq(sh(DIR "bfd-off.xml " DIR "bfd-on.xml --fail-on 'outage_s>1' "
			    "'--fail-on=reachability-lost,convergence_s>A'", out, sizeof out,
			    err, sizeof err), 0);
	ck_assert_str_eq(err, "");
}
END_TEST

START_TEST(test_compare_cli_json_and_result_document)
{
	char cmd[1024], path[64], json[64];
	FILE *f;
	size_t n;

	snprintf(path, sizeof path, "/tmp/ers-cmp-%d-w.json", (int)getpid());
	snprintf(json, sizeof json, "/tmp/ers-cmp-%d-c.json", (int)getpid());
	snprintf(cmd, sizeof cmd, "%s run " DIR "weight.xml --seed 1 --json %s > /dev/null",
		 ersim(), path);
	ck_assert_int_eq(system(cmd), 0);
	snprintf(cmd, sizeof cmd, "%s " DIR "prepend.xml --json %s", path, json);
	ck_assert_int_eq(sh(cmd, out, sizeof out, err, sizeof err), 0);
	/* a result document carries the decision reasons (issue 19.2) */
	ck_assert_msg(strstr(out, "A: hub-weu/gw chose frankfurt-1/a over amsterdam-1/a: "
			     "weight 100 > 0"), "%s", out);
	ck_assert_msg(strstr(out, "B: hub-weu/gw chose amsterdam-1/a"), "%s", out);
	ck_assert_msg(line_has(out, "circuits ", "unknown"), "%s", out);
	f = fopen(json, "r");
	ck_assert_ptr_nonnull(f);
	n = fread(out, 1, sizeof out - 1, f);
	out[n] = '\0';
	fclose(f);
	ck_assert_msg(!strncmp(out, "{\n  \"format\": \"ersim-compare/1\",\n  \"columns\": [", 46),
		      "%.200s", out);
	ck_assert(strstr(out, "\"kind\": \"result\""));
	ck_assert(strstr(out, "\"diverges_at\": [\n        null,\n        \"hub-weu/gw\"\n      ]"));
	snprintf(cmd, sizeof cmd, "%s.tmp", json);
	ck_assert_int_ne(access(cmd, F_OK), 0);
	unlink(path);
	unlink(json);
}
END_TEST

START_TEST(test_compare_cli_bad_input)
{
	char path[64], cmd[256];
	FILE *f;

	ck_assert_int_eq(sh(DIR "bfd-on.xml", out, sizeof out, err, sizeof err), 2);
	ck_assert_msg(strstr(err, "needs at least two inputs"), "%s", err);
	ck_assert_int_eq(sh(DIR "bfd-on.xml " DIR "bfd-off.xml --fail-on 'outage>1'",
			    out, sizeof out, err, sizeof err), 2);
	ck_assert_msg(strstr(err, "bad --fail-on 'outage>1': unknown metric"), "%s", err);
	ck_assert_int_eq(sh(DIR "bfd-off.xml " DIR "unrelated.xml", out, sizeof out, err,
			    sizeof err), 2);
	ck_assert_msg(strstr(err, "share no events, flows or endpoints"), "%s", err);
	ck_assert_int_eq(sh(DIR "bfd-off.xml /nonexistent.xml", out, sizeof out, err,
			    sizeof err), 2);
	ck_assert_msg(strstr(err, "cannot open '/nonexistent.xml': No such file or directory"), "%s", err);
	snprintf(path, sizeof path, "/tmp/ers-cmp-%d-x.json", (int)getpid());
	f = fopen(path, "w");
	fputs("{\"format\": \"something-else\"}\n", f);
	fclose(f);
	snprintf(cmd, sizeof cmd, DIR "bfd-off.xml %s", path);
	ck_assert_int_eq(sh(cmd, out, sizeof out, err, sizeof err), 2);
	ck_assert_msg(strstr(err, "not an ersim result document"), "%s", err);
	unlink(path);
}
END_TEST

START_TEST(test_compare_resiliency_classes)
{
	struct column c;

	static const char *const want[][2] = {
		{ DIR "two-locations.xml", "maximum" },
		{ DIR "one-location.xml", "standard" },
		{ "scenarios/expressroute/metro.xml", "high" },
	};
	enum ers_an_class k;
	struct ers_diag d;

	ers_diag_init(&d);
	for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
		column_run(&c, want[i][0], 1);
		ck_assert_int_eq(ers_an_vnet_class(c.s, c.cat, 0, &k, &d), ERS_OK);
		ck_assert_str_eq(ers_an_class_str(k), want[i][1]);
		column_free(&c);
	}
	ers_diag_release(&d);
}
END_TEST

/* The weakest class analyze gives the VNet's site pairs that cross
 * ExpressRoute ("none" without one): the one definition compare shows. */
static const char *analyze_vnet_class(const struct column *c, const char *vnet)
{
	struct ers_analysis *an = NULL;
	struct ers_diag d;
	enum ers_an_class k = ERS_AN_CLASS_NONE;
	bool any = false;

	ers_diag_init(&d);
	ck_assert_int_eq(ers_analyze(c->s, c->cat, &an, &d), ERS_OK);
	for (size_t i = 0; i < an->n_pairs; i++) {
		const struct ers_an_pair *p = &an->pairs[i];
		if (p->kind != ERS_AN_SITE_VNET || strcmp(p->b_id, vnet) || !p->connected ||
		    p->cls == ERS_AN_CLASS_NONE)
			continue;
		if (!any || p->cls < k)
			k = p->cls;
		any = true;
	}
	ers_analysis_free(an);
	ers_diag_release(&d);
	return ers_an_class_str(k);
}

/* route-limit.xml: one VNet on two circuits at two locations, but each
 * site reaches it over its own circuit only, so an outage of either
 * location cuts a site off: standard for both (analyze), not maximum
 * (what compare said from the VNet's connections alone). */
static const char *const class_cases[][3] = {
	{ "scenarios/expressroute/route-limit.xml", "hub", "standard" },
	{ "scenarios/expressroute/gr-transit.xml", "hub", "standard" },
	{ "scenarios/expressroute/targets.xml", "hub", NULL },
	{ "scenarios/expressroute/targets.xml", "spoke", NULL },
	{ "scenarios/expressroute/metro.xml", "hub", "high" },
	{ "scenarios/max-resiliency.xml", "hub-weu", "maximum" },
	{ "scenarios/site-link-backup.xml", "hub-weu", NULL },
	{ DIR "one-location.xml", "hub-weu", "standard" },
};

START_TEST(test_compare_resiliency_same_as_analyze)
{
	const char *path = class_cases[_i][0], *vnet = class_cases[_i][1];
	struct column col[2];
	struct ers_comparison *c = compare2(path, path, col);
	const struct ers_cmp_row *r = row(c, ERS_CMP_RESILIENCY, vnet, "class");
	const char *want = analyze_vnet_class(&col[0], vnet);

	ck_assert_msg(!strcmp(r->cells[0].text, want), "%s %s: compare says %s, analyze %s",
		      path, vnet, r->cells[0].text, want);
	if (class_cases[_i][2])
		ck_assert_str_eq(r->cells[0].text, class_cases[_i][2]);
	ers_comparison_free(c);
	column_free(&col[0]);
	column_free(&col[1]);
}
END_TEST

Suite *make_compare_suite(void)
{
	Suite *s = suite_create("compare");
	TCase *tc = tcase_create("compare");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_compare_bfd_better_on_outage);
	tcase_add_test(tc, test_compare_two_locations_better_and_worse);
	tcase_add_test(tc, test_compare_path_reason_at_gateway);
	tcase_add_loop_test(tc, test_compare_fail_on_forms, 0,
			    (int)(sizeof fail_cases / sizeof fail_cases[0]));
	tcase_add_test(tc, test_compare_fail_on_parse);
	tcase_add_test(tc, test_compare_cli_fail_on_exit_codes);
	tcase_add_test(tc, test_compare_cli_json_and_result_document);
	tcase_add_test(tc, test_compare_cli_bad_input);
	tcase_add_test(tc, test_compare_resiliency_classes);
	tcase_add_loop_test(tc, test_compare_resiliency_same_as_analyze, 0,
			    (int)(sizeof class_cases / sizeof class_cases[0]));
	suite_add_tcase(s, tc);
	return s;
}
