/*
 * html_compare.c - the page of a comparison of designs
 * (ers_html_write_compare): their metrics side by side with the best of
 * each row marked, each flow's delivered rate with one panel per design
 * on one time axis, each design's events and topology.
 */
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "ersim/report.h"
#include "html_page.h"

enum fmt { F_TIME, F_BYTES, F_COUNT };

static void fmt_value(double v, enum fmt k, char *buf, size_t n)
{
	if (isnan(v))
		snprintf(buf, n, "-");
	else if (k == F_TIME)
		ers_report_time((ers_time_t)llround(v), buf, n);
	else if (k == F_BYTES)
		ers_report_bytes((uint64_t)v, buf, n);
	else
		snprintf(buf, n, "%.0f", v);
}

/* One metric across the designs; the lowest is marked when they differ. */
static void metric_row(FILE *f, const char *name, const double *v, size_t n, enum fmt k,
		       bool best)
{
	double lo = INFINITY, hi = -INFINITY;
	char b[32];

	for (size_t i = 0; i < n; i++)
		if (!isnan(v[i])) {
			lo = v[i] < lo ? v[i] : lo;
			hi = v[i] > hi ? v[i] : hi;
		}
	ers_html_elem(f, "<tr><th>", name, "</th>");
	for (size_t i = 0; i < n; i++) {
		fmt_value(v[i], k, b, sizeof b);
		ers_html_td(f, best && lo < hi && v[i] == lo ? "n best" : "n", b);
	}
	fputs("</tr>\n", f);
}

static long flow_index(const struct ers_result *r, const char *id)
{
	for (size_t i = 0; i < r->n_flows; i++)
		if (!strcmp(r->flows[i].id, id))
			return (long)i;
	return -1;
}

/* Is flow id first seen in design d, flow i (so it is listed once)? */
static bool first_seen(const struct ers_result *const *rs, size_t d, size_t i)
{
	for (size_t e = 0; e < d; e++)
		if (flow_index(rs[e], rs[d]->flows[i].id) >= 0)
			return false;
	for (size_t k = 0; k < i; k++)
		if (!strcmp(rs[d]->flows[k].id, rs[d]->flows[i].id))
			return false;
	return true;
}

static void flow_metric_rows(FILE *f, const struct ers_result *const *rs, size_t n, double *v)
{
	char name[300];

	for (size_t d = 0; d < n; d++)
		for (size_t i = 0; i < rs[d]->n_flows; i++) {
			const char *id = rs[d]->flows[i].id;

			if (!first_seen(rs, d, i))
				continue;
			for (size_t k = 0; k < n; k++) {
				long j = flow_index(rs[k], id);

				v[k] = j < 0 ? NAN : (double)rs[k]->flows[j].outage;
			}
			snprintf(name, sizeof name, "outage of %s", id);
			metric_row(f, name, v, n, F_TIME, true);
			for (size_t k = 0; k < n; k++) {
				long j = flow_index(rs[k], id);

				v[k] = j < 0 ? NAN : (double)rs[k]->flows[j].lost_bytes;
			}
			snprintf(name, sizeof name, "traffic lost by %s", id);
			metric_row(f, name, v, n, F_BYTES, true);
		}
}

static double never_nan(ers_time_t t)
{
	return t == ERS_TIME_NEVER ? NAN : (double)t;
}

static enum ers_err metrics_table(FILE *f, const struct ers_result *const *rs,
				  const char *const *names, size_t n)
{
	double *v = calloc(n, sizeof *v);

	if (!v)
		return ERS_ENOMEM;
	fputs("<table class=\"metrics\">\n<tr><th>metric</th>", f);
	for (size_t i = 0; i < n; i++)
		ers_html_elem(f, "<th>", names[i], "</th>");
	fputs("</tr>\n", f);
#define ROW(name, expr, k, best) do { \
		for (size_t i = 0; i < n; i++) \
			v[i] = (expr); \
		metric_row(f, name, v, n, k, best); \
	} while (0)
	ROW("initial convergence", never_nan(rs[i]->initial_convergence), F_TIME, true);
	ROW("worst convergence after an event", never_nan(ers_html_worst_convergence(rs[i])), F_TIME, true);
	ROW("worst flow outage", (double)ers_html_worst_outage(rs[i]), F_TIME, true);
	ROW("traffic lost", (double)ers_html_total_lost(rs[i]), F_BYTES, true);
	ROW("endpoint pairs unreachable at the end", (double)ers_html_unreachable_pairs(rs[i]), F_COUNT, true);
	ROW("events", (double)rs[i]->n_events, F_COUNT, false);
	ROW("notices", (double)rs[i]->n_notices, F_COUNT, true);
	ROW("routers", (double)rs[i]->n_routers, F_COUNT, false);
	ROW("BGP sessions", (double)rs[i]->n_sessions, F_COUNT, false);
	ROW("UPDATE messages", (double)rs[i]->stats.updates, F_COUNT, true);
#undef ROW
	flow_metric_rows(f, rs, n, v);
	fputs("</table>\n", f);
	free(v);
	return ERS_OK;
}

/* Flow id across the designs: one panel per design on one time axis. */
static char *compare_script(const struct ers_result *const *rs, const char *const *names,
			    size_t n, const char *id, double t_end)
{
	struct ers_html_timeline *t = calloc(n, sizeof *t);
	struct ers_plot_chart *charts = calloc(n, sizeof *charts);
	char *script = NULL;
	bool ok = t && charts;
	size_t k;

	for (k = 0; ok && k < n; k++) {
		long j = flow_index(rs[k], id);
		struct ers_flow_result none = { .id = (char *)id, .from = "", .to = "(no such flow)" };

		ok = ers_html_timeline_build(&t[k], rs[k], j >= 0 ? &rs[k]->flows[j] : &none, t_end, false);
		charts[k] = t[k].charts[0];
		snprintf(t[k].titles[0], sizeof t[k].titles[0], "%s: flow %s%s", names[k], id,
			 j >= 0 ? "" : " (not in this design)");
		charts[k].title = t[k].titles[0];
		charts[k].key = k == 0;
		charts[k].xlabel = k + 1 == n ? "simulated time (s)" : "";
	}
	if (ok)
		script = ers_plot_script(charts, n, ERS_PLOT_STACK, ERS_HTML_WIDTH,
					 60 + 240 * (int)n);
	for (size_t i = 0; t && i < n; i++)
		ers_html_timeline_release(&t[i]);
	free(t);
	free(charts);
	return script;
}

static void compare_timelines(struct ers_html_page *p, const struct ers_result *const *rs,
			      const char *const *names, size_t n)
{
	double t_end = 0;
	char name[300];

	for (size_t k = 0; k < n; k++)
		t_end = ers_html_secs(rs[k]->end) > t_end ? ers_html_secs(rs[k]->end) : t_end;
	for (size_t d = 0; d < n; d++)
		for (size_t i = 0; i < rs[d]->n_flows; i++) {
			char *script = NULL;

			if (!first_seen(rs, d, i))
				continue;
			snprintf(name, sizeof name, "timelines of flow %s", rs[d]->flows[i].id);
			if (ers_html_renderer_ok(p, ERS_HTML_GNUPLOT))
				script = compare_script(rs, names, n, rs[d]->flows[i].id, t_end);
			ers_html_picture(p, name, ERS_HTML_GNUPLOT, script,
				"Delivered rate of the flow in each design, on one time axis.");
			free(script);
		}
}

enum ers_err ers_html_write_compare(FILE *out, const struct ers_result *const *results,
				    const char *const *names, size_t n,
				    const struct ers_scenario *const *scenarios,
				    const struct ers_catalog *const *cats,
				    unsigned flags)
{
	struct ers_html_page p = { .out = out, .flags = flags, .err = ERS_OK };
	char name[300];

	ers_html_page_begin(&p, "ersim comparison");
	fputs("<h1>ersim comparison</h1>\n<p class=\"sub\">", out);
	for (size_t i = 0; i < n; i++) {
		ers_html_elem(out, i ? ", <b>" : "<b>", names[i], "</b> (");
		ers_html_esc(out, results[i]->scenario);
		fprintf(out, ", seed %" PRIu64 ")", results[i]->seed);
	}
	fputs("</p>\n<h2>Metrics side by side</h2>\n", out);
	p.err = metrics_table(out, results, names, n);
	fputs("<h2>Flows over time</h2>\n", out);
	compare_timelines(&p, results, names, n);
	fputs("<h2>Events</h2>\n", out);
	for (size_t i = 0; i < n; i++) {
		ers_html_elem(out, "<h3>", names[i], "</h3>\n");
		ers_html_events_table(out, results[i]);
	}
	for (size_t i = 0; scenarios && cats && i < n; i++)
		if (scenarios[i] && cats[i]) {
			if (i == 0)
				fputs("<h2>Topologies</h2>\n", out);
			ers_html_elem(out, "<h3>", names[i], "</h3>\n");
			snprintf(name, sizeof name, "topology of %s", names[i]);
			ers_html_topology_section(&p, name, scenarios[i], cats[i]);
		}
	ers_html_page_end(&p);
	return ers_html_page_result(&p);
}
