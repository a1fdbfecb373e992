/*
 * analyze_output.c - what `ersim analyze` prints: the readable report
 * (per pair its verdict, paths, minimum cut, class and capacity; the
 * single points of failure; the verification) and the JSON document
 * "ersim-analysis/1" (docs/analyze.md lists its fields).
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "analyze_int.h"
#include "ersim/util.h"

/* ---- the report ------------------------------------------------------- */

static const char *pair_sep(const struct ers_an_pair *p)
{
	return p->kind == ERS_AN_SITE_VNET ? "->" : "<->";
}

static void print_count(FILE *out, size_t n)
{
	if (n == SIZE_MAX)
		fprintf(out, "direct");
	else
		fprintf(out, "%zu", n);
}

static void print_set(FILE *out, const struct ers_analysis *a, const struct ers_an_pair *p,
		      size_t i)
{
	for (size_t j = 0; j < p->min_cut; j++)
		fprintf(out, "%s%s", j ? " + " : "", a->targets[p->cut_sets[i * p->min_cut + j]].name);
}

static void report_pair(FILE *out, const struct ers_analysis *a, const struct ers_an_pair *p)
{
	char b1[32], b2[32], b3[32], b4[32];

	fprintf(out, "%s %s %s\n  verdict: %s\n", p->a_id, pair_sep(p), p->b_id, p->verdict);
	if (!p->connected)
		return;
	fprintf(out, "  paths: ");
	print_count(out, p->edge_disjoint);
	fprintf(out, " edge-disjoint, ");
	print_count(out, p->vertex_disjoint);
	fprintf(out, " vertex-disjoint\n  min cut: ");
	if (p->min_cut == ERS_AN_CUT_MORE) {
		fprintf(out, "more than %d targets\n", ERS_AN_MAX_CUT);
	} else {
		fprintf(out, "%zu target%s, %zu set%s", p->min_cut, p->min_cut > 1 ? "s" : "",
			p->n_cut_sets, p->n_cut_sets > 1 ? "s" : "");
		for (size_t i = 0; i < p->n_cut_sets && i < 4; i++) {
			fprintf(out, "%s", i ? "; " : ": ");
			print_set(out, a, p, i);
		}
		fprintf(out, "%s\n", p->n_cut_sets > 4 ? "; ..." : "");
	}
	fprintf(out, "  class: %s (%s) via", ers_an_class_str(p->cls),
		p->cls == ERS_AN_CLASS_NONE ? "no ExpressRoute path" :
		p->meets_guidance ? "meets Microsoft's guidance" :
		"below Microsoft's guidance of high or maximum for production");
	for (size_t i = 0; i < p->n_locations; i++)
		fprintf(out, " %s", p->locations[i]);
	fprintf(out, "%s\n", p->n_locations ? "" : " no circuit");
	fprintf(out, "  capacity: %s intact, %s after %s; flows %s -> %s, %s <- %s\n",
		ers_an_fmt_rate(p->capacity, b1, sizeof b1), ers_an_fmt_rate(p->worst_capacity, b2, sizeof b2),
		p->worst_target >= 0 ? a->targets[p->worst_target].name : "any single failure",
		ers_an_fmt_rate(p->demand_ab, b3, sizeof b3), p->b_id,
		ers_an_fmt_rate(p->demand_ba, b4, sizeof b4), p->b_id);
}

static void report_spofs(FILE *out, const struct ers_analysis *a)
{
	bool any = false;

	fprintf(out, "single points of failure\n");
	for (size_t t = 0; t < a->n_targets; t++) {
		bool first = true;

		if (a->targets[t].inherent)
			continue;
		for (size_t p = 0; p < a->n_pairs; p++) {
			const struct ers_an_pair *pp = &a->pairs[p];

			if (!pp->connected || !a->cuts[t * a->n_pairs + p])
				continue;
			if (first)
				fprintf(out, "  %s cuts", a->targets[t].name);
			fprintf(out, "%s %s %s %s", first ? "" : ",", pp->a_id, pair_sep(pp), pp->b_id);
			first = false;
			any = true;
		}
		if (!first)
			fputc('\n', out);
	}
	if (!any)
		fprintf(out, "  none\n");
}

static void report_verify(FILE *out, const struct ers_analysis *a,
			  const struct ers_an_verification *v)
{
	fprintf(out, "\nverification: %zu simulation%s, %zu claim%s checked", v->n_runs,
		v->n_runs == 1 ? "" : "s", v->n_checks, v->n_checks == 1 ? "" : "s");
	if (v->n_targets_skipped)
		fprintf(out, " (%zu safe target%s not sampled)", v->n_targets_skipped,
			v->n_targets_skipped == 1 ? "" : "s");
	fprintf(out, ", %zu disagreement%s\n", v->n_dis, v->n_dis == 1 ? "" : "s");
	for (size_t i = 0; i < v->n_dis; i++) {
		const struct ers_an_disagreement *x = &v->dis[i];
		const struct ers_an_pair *p = &a->pairs[x->pair];

		fprintf(out, "  DISAGREE %s: %s %s %s: analysis says %s, simulation says "
			"%s -> %s %s, %s -> %s %s\n", x->target, p->a_id, pair_sep(p), p->b_id,
			x->claimed_cut ? "cut" : "connected", p->a_id, p->b_id,
			x->sim_ab ? "reachable" : "unreachable", p->b_id, p->a_id,
			x->sim_ba ? "reachable" : "unreachable");
	}
}

/* ---- resiliency index ------------------------------------------------ */

static void report_test(FILE *out, const struct ers_an_validation *t)
{
	fprintf(out, "    %s (", t->location);
	for (size_t i = 0; i < t->n_connections; i++)
		fprintf(out, "%s%s", i ? ", " : "", t->connections[i]);
	fprintf(out, "): ");
	if (!t->recovered)
		fprintf(out, "NO FAILOVER: traffic is not delivered while the test runs\n");
	else if (t->slowest_flow)
		fprintf(out, "failover %.3f s (flow %s)", ers_time_to_s(t->failover), t->slowest_flow);
	else if (t->failover)
		fprintf(out, "failover %.3f s", ers_time_to_s(t->failover));
	else
		fprintf(out, "no flow interrupted");
	if (!t->recovered)
		return;
	if (t->probes)
		fprintf(out, "; capacity not judged (no flow to this VNet)\n");
	else
		fprintf(out, "; backup capacity %s: peak %.1f%% of %s\n",
			t->enough ? "enough" : "NOT ENOUGH", 100 * t->peak_utilization,
			t->busiest_link ? t->busiest_link : "no circuit link");
}

static void report_index(FILE *out, const struct ers_analysis *a)
{
	if (!a->n_index)
		return;
	fprintf(out, "\nresiliency index (Azure Resiliency Insights, computed for the design)\n");
	for (size_t i = 0; i < a->n_index; i++) {
		const struct ers_an_index *x = &a->index[i];

		fprintf(out, "  %s: %d of 100", x->gateway, x->score_tested);
		if (x->testable)
			fprintf(out, " once the validation test has run at each location within "
				"30 days (%d untested)", x->score_untested);
		fprintf(out, "\n    route resiliency: %d of 20 (%s:", x->route_points,
			x->route_class == ERS_AN_CLASS_NONE ? "no ExpressRoute route" :
			x->route_class == ERS_AN_CLASS_MAXIMUM ? "two distinct peering locations" :
			x->route_class == ERS_AN_CLASS_HIGH ? "Metro" : "one peering location");
		for (size_t k = 0; k < x->n_locations; k++)
			fprintf(out, "%s %s", k ? "," : "", x->locations[k]);
		fprintf(out, ") x%d %s\n", x->multiplier, x->testable ? "once tested" :
			x->route_class == ERS_AN_CLASS_HIGH ?
			"(Azure's validation test does not run on Metro yet)" :
			"(Azure's validation test needs circuits at two distinct locations)");
		fprintf(out, "    zone-redundant gateway: %d of 10 (%s%s)\n", x->zone_points,
			ers_gw_sku_str(x->sku), x->zone_points == 10 ? ", zone-redundant" :
			x->sku == ERS_GW_ERGWSCALE ? ", at most 2 scale units: as zonal" : "");
		fprintf(out, "    advisor recommendations: %d of 10 (assumed: none open)\n",
			x->advisor_points);
		if (!x->tests_run)
			continue;
		fprintf(out, "  resiliency validation test (simulated): %s's connections at one "
			"location disconnected\n", x->gateway);
		for (size_t k = 0; k < x->n_tests; k++)
			report_test(out, &x->tests[k]);
	}
}

void ers_analysis_report(FILE *out, const struct ers_analysis *a,
			 const struct ers_an_verification *v)
{
	fprintf(out, "scenario: %s\nfailure targets: %zu, endpoint pairs: %zu\n\n",
		a->scenario, a->n_targets, a->n_pairs);
	for (size_t i = 0; i < a->n_pairs; i++) {
		report_pair(out, a, &a->pairs[i]);
		fputc('\n', out);
	}
	for (size_t i = 0; i < a->n_notes; i++)
		fprintf(out, "note: %s\n", a->notes[i]);
	if (a->n_notes)
		fputc('\n', out);
	report_spofs(out, a);
	report_index(out, a);
	if (v)
		report_verify(out, a, v);
}


/* ---- JSON ------------------------------------------------------------- */

static json_t *count_json(size_t n)
{
	return n == SIZE_MAX ? json_null() : json_integer((json_int_t)n);
}

static json_t *names_json(const struct ers_analysis *a, const size_t *idx, size_t n)
{
	json_t *arr = json_array();

	for (size_t i = 0; arr && i < n; i++)
		if (json_array_append_new(arr, json_string(a->targets[idx[i]].name))) {
			json_decref(arr);
			return NULL;
		}
	return arr;
}

static json_t *cut_json(const struct ers_analysis *a, const struct ers_an_pair *p)
{
	json_t *sets = json_array(), *o;
	size_t kept = p->n_cut_sets < ERS_AN_MAX_SETS ? p->n_cut_sets : ERS_AN_MAX_SETS;

	for (size_t i = 0; sets && p->min_cut != ERS_AN_CUT_MORE && i < kept; i++)
		if (json_array_append_new(sets, names_json(a, p->cut_sets + i * p->min_cut,
							   p->min_cut))) {
			json_decref(sets);
			return NULL;
		}
	o = json_pack("{s:o,s:I,s:o}", "size",
		      p->min_cut == ERS_AN_CUT_MORE ? json_null() : json_integer((json_int_t)p->min_cut),
		      "n_sets", (json_int_t)p->n_cut_sets, "sets", sets);
	return o;
}

static json_t *pair_json(const struct ers_analysis *a, const struct ers_an_pair *p)
{
	json_t *locs = json_array();

	for (size_t i = 0; locs && i < p->n_locations; i++)
		json_array_append_new(locs, json_string(p->locations[i]));
	return json_pack("{s:s,s:s,s:s,s:b,s:b,s:o,s:o,s:o,s:o,s:s,s:b,s:o,"
			 "s:{s:I,s:I,s:o,s:b,s:I,s:I,s:b},s:s}",
			 "kind", p->kind == ERS_AN_SITE_VNET ? "site-vnet" : "site-site",
			 "a", p->a_id, "b", p->b_id, "connected", p->connected,
			 "has_flow", p->has_flow,
			 "edge_disjoint", count_json(p->edge_disjoint),
			 "vertex_disjoint", count_json(p->vertex_disjoint),
			 "min_cut", cut_json(a, p),
			 "spofs", names_json(a, p->spofs, p->n_spofs),
			 "class", ers_an_class_str(p->cls), "meets_guidance", p->meets_guidance,
			 "locations", locs,
			 "capacity", "intact_bps", (json_int_t)p->capacity,
			 "worst_bps", (json_int_t)p->worst_capacity,
			 "worst_target", p->worst_target >= 0 ?
				json_string(a->targets[p->worst_target].name) : json_null(),
			 "other_paths_after_worst", p->worst_other_paths,
			 "demand_ab_bps", (json_int_t)p->demand_ab,
			 "demand_ba_bps", (json_int_t)p->demand_ba, "enough", p->enough,
			 "verdict", p->verdict);
}

static json_t *spofs_json(const struct ers_analysis *a)
{
	json_t *arr = json_array();

	for (size_t t = 0; arr && t < a->n_targets; t++) {
		json_t *pairs = json_array();

		if (a->targets[t].inherent) {
			json_decref(pairs);
			continue;
		}
		for (size_t p = 0; pairs && p < a->n_pairs; p++)
			if (a->pairs[p].connected && a->cuts[t * a->n_pairs + p])
				json_array_append_new(pairs, json_pack("[s,s]", a->pairs[p].a_id,
								       a->pairs[p].b_id));
		if (pairs && !json_array_size(pairs))
			json_decref(pairs);
		else
			json_array_append_new(arr, json_pack("{s:s,s:o}", "target",
							     a->targets[t].name, "cuts", pairs));
	}
	return arr;
}

static json_t *verify_json(const struct ers_analysis *a, const struct ers_an_verification *v)
{
	json_t *dis = json_array();

	if (!v) {
		json_decref(dis);
		return json_null();
	}
	for (size_t i = 0; dis && i < v->n_dis; i++) {
		const struct ers_an_disagreement *x = &v->dis[i];

		json_array_append_new(dis, json_pack("{s:s,s:s,s:s,s:s,s:b,s:b}", "target",
						     x->target, "a", a->pairs[x->pair].a_id,
						     "b", a->pairs[x->pair].b_id, "claimed",
						     x->claimed_cut ? "cut" : "connected",
						     "sim_ab", x->sim_ab, "sim_ba", x->sim_ba));
	}
	return json_pack("{s:I,s:I,s:I,s:o}", "runs", (json_int_t)v->n_runs,
			 "checks", (json_int_t)v->n_checks,
			 "safe_targets_not_sampled", (json_int_t)v->n_targets_skipped,
			 "disagreements", dis);
}

static json_t *strs_json(char *const *v, size_t n)
{
	json_t *x = json_array();

	for (size_t i = 0; x && i < n; i++)
		json_array_append_new(x, json_string(v[i]));
	return x;
}

static json_t *opt_str(const char *s)
{
	return s ? json_string(s) : json_null();
}

static json_t *test_json(const struct ers_an_validation *t)
{
	return json_pack("{s:s,s:o,s:I,s:b,s:b,s:o,s:o,s:f,s:o,s:o}", "location", t->location,
			 "connections", strs_json(t->connections, t->n_connections),
			 "flows", (json_int_t)t->n_flows, "probes", t->probes,
			 "recovered", t->recovered,
			 "failover_s", t->recovered ? json_real(ers_time_to_s(t->failover)) :
						       json_null(),
			 "slowest_flow", opt_str(t->slowest_flow),
			 "peak_utilization", t->peak_utilization,
			 "busiest_link", opt_str(t->busiest_link),
			 "capacity_enough", t->recovered && !t->probes ? json_boolean(t->enough) :
								       json_null());
}

static json_t *index_json(const struct ers_analysis *a)
{
	json_t *v = json_array();

	for (size_t i = 0; v && i < a->n_index; i++) {
		const struct ers_an_index *x = &a->index[i];
		json_t *tests = x->tests_run ? json_array() : json_null();

		for (size_t k = 0; tests && k < x->n_tests; k++)
			json_array_append_new(tests, test_json(&x->tests[k]));
		json_array_append_new(v, json_pack(
			"{s:s,s:I,s:I,s:{s:I,s:I,s:s,s:o},s:{s:I,s:I,s:s},s:{s:I,s:I,s:b},"
			"s:{s:b,s:I},s:o}",
			"gateway", x->gateway, "score_tested", (json_int_t)x->score_tested,
			"score_untested", (json_int_t)x->score_untested,
			"route", "points", (json_int_t)x->route_points, "max", (json_int_t)20,
			"class", ers_an_class_str(x->route_class),
			"locations", strs_json(x->locations, x->n_locations),
			"zone_redundant_gateway", "points", (json_int_t)x->zone_points,
			"max", (json_int_t)10, "sku", ers_gw_sku_str(x->sku),
			"advisor", "points", (json_int_t)x->advisor_points, "max", (json_int_t)10,
			"assumed", true,
			"validation_multiplier", "azure_test_possible", x->testable,
			"value", (json_int_t)x->multiplier,
			"validation_tests", tests));
	}
	return v;
}

enum ers_err ers_analysis_write_json(FILE *out, const struct ers_analysis *a,
				     const struct ers_an_verification *v,
				     struct ers_diag *d)
{
	json_t *pairs = json_array(), *notes = json_array(), *targets = json_array(), *doc;
	int bad = 0;

	for (size_t i = 0; pairs && i < a->n_pairs; i++)
		bad |= json_array_append_new(pairs, pair_json(a, &a->pairs[i]));
	for (size_t i = 0; notes && i < a->n_notes; i++)
		bad |= json_array_append_new(notes, json_string(a->notes[i]));
	for (size_t i = 0; targets && i < a->n_targets; i++)
		bad |= json_array_append_new(targets, json_pack("{s:s,s:b}", "name",
								a->targets[i].name, "endpoint",
								a->targets[i].inherent));
	doc = json_pack("{s:s,s:s,s:o,s:o,s:o,s:o,s:o,s:o}", "format", "ersim-analysis/1",
			"scenario", a->scenario, "targets", targets, "pairs", pairs,
			"single_points_of_failure", spofs_json(a), "notes", notes,
			"resiliency_index", index_json(a), "verification", verify_json(a, v));
	if (!doc || bad) {
		json_decref(doc);
		return ers_diag_add(d, ERS_ENOMEM, NULL, 0, NULL, "out of memory building JSON");
	}
	bad = json_dumpf(doc, out, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	json_decref(doc);
	if (bad || fputc('\n', out) == EOF)
		return ers_diag_add(d, ERS_EIO, NULL, 0, NULL, "cannot write the JSON document");
	return ERS_OK;
}
