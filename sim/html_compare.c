/*
 * html_compare.c - the page of a comparison of designs
 * (ers_html_write_compare), everything the text of `ersim compare` has
 * and the pictures: the designs, labelled A, B, ... with their scenario
 * names; the --fail-on verdicts; the metrics side by side with the best
 * of each row marked; every row of the comparison (compare.c) with each
 * column's value and its difference from A, better in green and worse in
 * red; each flow's paths per design as a coloured bar, and per moment
 * the paths each design took with where and why they diverge from A's
 * (the decision step); each flow's delivered rate with one panel per
 * design on one time axis; each design's events and topology; what was
 * not compared. Values and differences are formatted by compare_text.c,
 * so the page and the text always agree.
 */
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "ersim/report.h"
#include "ersim/util.h"
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

/* "A one-location": a design's label and scenario name, never its path. */
static char *design_name(const struct ers_comparison *c, size_t j)
{
	return ers_asprintf("%s %s", c->cols[j].label,
			    *c->cols[j].scenario ? c->cols[j].scenario : c->cols[j].input);
}

static void designs_table(FILE *f, const struct ers_comparison *c)
{
	static const char *const cols[] = { "design", "scenario", "input", "kind", "seed" };
	char b[32];

	fputs("<table class=\"designs\">\n", f);
	ers_html_th_row(f, cols, 5);
	for (size_t j = 0; j < c->n_cols; j++) {
		fputs("<tr>", f);
		ers_html_elem(f, "<td><b>", c->cols[j].label, "</b></td>");
		ers_html_td(f, NULL, c->cols[j].scenario);
		ers_html_td(f, "path", c->cols[j].input);
		ers_html_td(f, NULL, c->cols[j].is_result_doc ? "result document" : "scenario, run");
		snprintf(b, sizeof b, "%" PRIu64, c->cols[j].seed);
		ers_html_td(f, "n", b);
		fputs("</tr>\n", f);
	}
	fputs("</table>\n", f);
}

/* Each --fail-on expression with its verdict: every crossing, or passed. */
static void verdicts_section(FILE *f, const struct ers_comparison *c)
{
	fputs("<h2>Verdicts (--fail-on)</h2>\n", f);
	if (!c->n_checked) {
		fputs("<p class=\"sub\">No --fail-on threshold given.</p>\n", f);
		return;
	}
	fprintf(f, "<div class=\"cards\">\n<div class=\"card %s\"><b>%s</b><span>%zu of %zu "
		"threshold%s crossed</span></div>\n</div>\n",
		c->n_violations ? "bad" : "good", c->n_violations ? "FAIL" : "pass",
		c->n_violations, c->n_checked, c->n_checked == 1 ? "" : "s");
	fputs("<table class=\"verdicts\">\n<tr><th>--fail-on</th><th>verdict</th></tr>\n", f);
	for (size_t k = 0; k < c->n_checked; k++) {
		bool crossed = false;

		for (size_t i = 0; i < c->n_violations; i++)
			if (!strcmp(c->violations[i].expr, c->checked[k])) {
				ers_html_elem(f, "<tr><td class=\"path\">", c->checked[k], "</td>");
				ers_html_elem(f, "<td class=\"no\">crossed: ", c->violations[i].msg,
					      "</td></tr>\n");
				crossed = true;
			}
		if (!crossed) {
			ers_html_elem(f, "<tr><td class=\"path\">", c->checked[k], "</td>");
			fputs("<td class=\"yes\">passed</td></tr>\n", f);
		}
	}
	fputs("</table>\n", f);
}

static const char *const section_heads[] = {
	[ERS_CMP_EVENTS] = "Events (matched by target and time; detection and convergence after the event)",
	[ERS_CMP_FLOWS] = "Flows",
	[ERS_CMP_REACH] = "Reachability at the end: pairs that differ",
	[ERS_CMP_RESILIENCY] = "Resiliency class per VNet (as ersim analyze)",
	[ERS_CMP_BOM] = "Bill of materials (counts; no prices: list prices are not confirmed)",
	[ERS_CMP_RUN] = "Run",
};

static void row_cells(FILE *f, const struct ers_comparison *c, const struct ers_cmp_row *r)
{
	char b[256];

	for (size_t j = 0; j < c->n_cols; j++) {
		ers_cmp_cell_text(c, r, j, b, sizeof b);
		ers_html_td(f, r->kind == ERS_CMP_TEXT ? NULL : "n", b);
	}
	for (size_t j = 1; j < c->n_cols; j++) {
		const char *v = ers_cmp_verdict(r, j);

		ers_cmp_delta_text(r, j, b, sizeof b);
		ers_html_td(f, v ? (*v == 'b' ? "n better" : "n worse") : "n", b);
	}
}

static bool any_result_doc(const struct ers_comparison *c)
{
	for (size_t j = 0; j < c->n_cols; j++)
		if (c->cols[j].is_result_doc)
			return true;
	return false;
}

/* One section of rows: subject, metric, a value per column, then each
 * column's difference from A; rows that differ marked with *. */
static void section_table(FILE *f, const struct ers_comparison *c, enum ers_cmp_section sec)
{
	const char *prev = NULL;
	size_t n = 0;

	for (size_t i = 0; i < c->n_rows; i++)
		n += c->rows[i].section == sec;
	ers_html_elem(f, "<h3>", section_heads[sec], "</h3>\n");
	if (sec == ERS_CMP_REACH)
		fprintf(f, "<p class=\"sub\">%zu pair%s of endpoints the same in every design.</p>\n",
			c->n_pairs_equal, c->n_pairs_equal == 1 ? "" : "s");
	if (!n && (sec == ERS_CMP_RESILIENCY || sec == ERS_CMP_BOM) && any_result_doc(c)) {
		fputs("<p>Unknown: a result document has no scenario to read the design "
		      "from.</p>\n", f);
		return;
	}
	if (!n) {
		fputs(sec == ERS_CMP_REACH ? "" : "<p>Nothing to compare.</p>\n", f);
		return;
	}
	fprintf(f, "<table class=\"cmp\" data-section=\"%s\">\n<tr><th></th><th>%s</th>"
		"<th>metric</th>", ers_cmp_section_str(sec), sec == ERS_CMP_RUN ? "" : "subject");
	for (size_t j = 0; j < c->n_cols; j++)
		ers_html_elem(f, "<th>", c->cols[j].label, "</th>");
	for (size_t j = 1; j < c->n_cols; j++) {
		ers_html_elem(f, "<th>", c->cols[j].label, " vs A</th>");
	}
	fputs("</tr>\n", f);
	for (size_t i = 0; i < c->n_rows; i++) {
		const struct ers_cmp_row *r = &c->rows[i];

		if (r->section != sec)
			continue;
		fprintf(f, "<tr%s><td>%s</td>", r->differs ? " class=\"differs\"" : "",
			r->differs ? "*" : "");
		ers_html_td(f, NULL, sec == ERS_CMP_RUN || (prev && !strcmp(prev, r->subject)) ?
			    "" : r->subject);
		ers_html_td(f, NULL, r->metric);
		row_cells(f, c, r);
		fputs("</tr>\n", f);
		prev = r->subject;
	}
	fputs("</table>\n", f);
}

static void differences_section(FILE *f, const struct ers_comparison *c)
{
	static const enum ers_cmp_section order[] = { ERS_CMP_EVENTS, ERS_CMP_FLOWS,
		ERS_CMP_REACH, ERS_CMP_RESILIENCY, ERS_CMP_BOM, ERS_CMP_RUN };

	fputs("<h2>B against A, row by row</h2>\n<p class=\"sub\">Each value per design, then "
	      "its difference from A: <span class=\"better\">better</span> or "
	      "<span class=\"worse\">worse</span> where a direction is clear. "
	      "Rows marked * differ from A.</p>\n", f);
	for (size_t k = 0; k < sizeof order / sizeof order[0]; k++)
		section_table(f, c, order[k]);
}

/* A path cell's text: one line per path, each window's interval first. */
static void paths_text(FILE *f, const struct ers_cmp_cell *x)
{
	fputs("<td class=\"window\">", f);
	ers_html_esc(f, x->present ? (x->text ? x->text : "") : "-");
	fputs("</td>", f);
}

/* Where column j diverges from A, and why, under the moment's paths. */
static void divergence(FILE *f, const struct ers_comparison *c, const struct ers_cmp_row *r,
		       size_t j)
{
	const struct ers_cmp_cell *x = &r->cells[j];

	if (x->diverge) {
		ers_html_elem(f, "<li class=\"diverge\">", c->cols[j].label, " diverges from A at ");
		ers_html_elem(f, "<b>", x->diverge, "</b><br>A: ");
		ers_html_esc(f, x->base_reason ? x->base_reason : "?");
		ers_html_elem(f, "<br>", c->cols[j].label, ": ");
		ers_html_elem(f, "<span class=\"why\">", x->reason ? x->reason : "?",
			      "</span></li>\n");
	} else if (!ers_cmp_cells_equal(ERS_CMP_PATHSET, &r->cells[0], x)) {
		ers_html_elem(f, "<li class=\"diverge\">", c->cols[j].label,
			      ": same paths as A at the end; the paths on the way or how long "
			      "they held differ</li>\n");
	}
}

static void moment_rows(FILE *f, const struct ers_comparison *c, const char *flow)
{
	for (size_t i = 0; i < c->n_rows; i++) {
		const struct ers_cmp_row *r = &c->rows[i];

		if (r->section != ERS_CMP_PATHS || strcmp(r->subject, flow))
			continue;
		fprintf(f, "<tr%s><td>%s</td>", r->differs ? " class=\"differs\"" : "",
			r->differs ? "*" : "");
		ers_html_td(f, NULL, r->metric);
		for (size_t j = 0; j < c->n_cols; j++)
			paths_text(f, &r->cells[j]);
		fputs("</tr>\n", f);
		if (!r->differs)
			continue;
		fprintf(f, "<tr class=\"why\"><td></td><td></td><td colspan=\"%zu\"><ul>\n",
			c->n_cols);
		for (size_t j = 1; j < c->n_cols; j++)
			divergence(f, c, r, j);
		fputs("</ul></td></tr>\n", f);
	}
}

/* Per flow: each design's path bar, then per moment the paths each took
 * and where and why they diverge from A's. */
static void paths_section(struct ers_html_page *p, const struct ers_comparison *c,
			  const struct ers_cmp_input *in)
{
	const char *prev = NULL;
	char name[400], caption[400];

	fputs("<h2>Paths, and where and why they diverge</h2>\n<p class=\"sub\">Before the "
	      "first event, and after each until the next: every path a flow took, under the "
	      "interval it held. Where a design's paths differ from A's, the first router "
	      "(from the source on) whose choice differs, and the decision step that made each "
	      "design's choice there.</p>\n", p->out);
	for (size_t i = 0; i < c->n_rows; i++) {
		const struct ers_cmp_row *r = &c->rows[i];

		if (r->section != ERS_CMP_PATHS || (prev && !strcmp(prev, r->subject)))
			continue;
		prev = r->subject;
		ers_html_elem(p->out, "<h3>", r->subject, "</h3>\n");
		for (size_t j = 0; j < c->n_cols; j++) {
			const struct ers_result *res = in[j].res;
			long k = flow_index(res, r->subject);
			char *d = design_name(c, j);

			if (!d) {
				p->err = ERS_ENOMEM;
				return;
			}
			snprintf(name, sizeof name, "paths of flow %s in %s", r->subject, d);
			snprintf(caption, sizeof caption, "%s: which path the flow took when (each "
				 "colour one path, red: not delivered; dashed: the events).", d);
			free(d);
			if (k >= 0)
				ers_html_path_figure(p, name, res, &res->flows[k], caption);
		}
		fputs("<table class=\"cmp-paths\">\n<tr><th></th><th>moment</th>", p->out);
		for (size_t j = 0; j < c->n_cols; j++)
			ers_html_elem(p->out, "<th>", c->cols[j].label, "</th>");
		fputs("</tr>\n", p->out);
		moment_rows(p->out, c, r->subject);
		fputs("</table>\n", p->out);
	}
}

static void unshared_section(FILE *f, const struct ers_comparison *c)
{
	if (!c->n_unshared)
		return;
	fputs("<h2>Not compared (not in every design)</h2>\n<ul>\n", f);
	for (size_t i = 0; i < c->n_unshared; i++) {
		bool first = true;

		ers_html_elem(f, "<li>", c->unshared[i].kind, " ");
		ers_html_elem(f, "<b>", c->unshared[i].subject, "</b>: only in ");
		for (size_t j = 0; j < c->n_cols; j++)
			if (c->unshared[i].in[j]) {
				ers_html_elem(f, first ? "" : ", ", c->cols[j].label, "");
				first = false;
			}
		fputs("</li>\n", f);
	}
	fputs("</ul>\n", f);
}

enum ers_err ers_html_write_compare(FILE *out, const struct ers_comparison *c,
				    const struct ers_cmp_input *in, unsigned flags)
{
	struct ers_html_page p = { .out = out, .flags = flags, .err = ERS_OK };
	size_t n = c->n_cols;
	const struct ers_result **rs = calloc(n, sizeof *rs);
	char **names = calloc(n, sizeof *names), title[400], name[400];
	size_t len = 0;

	for (size_t j = 0; rs && names && j < n; j++) {
		rs[j] = in[j].res;
		if (!(names[j] = design_name(c, j)))
			p.err = ERS_ENOMEM;
	}
	if (!rs || !names || p.err) {
		p.err = ERS_ENOMEM;
		goto out;
	}
	len = (size_t)snprintf(title, sizeof title, "ersim comparison:");
	for (size_t j = 0; j < n && len < sizeof title; j++)
		len += (size_t)snprintf(title + len, sizeof title - len, "%s %s", j ? "," : "",
					names[j]);
	ers_html_page_begin(&p, title);
	ers_html_elem(out, "<h1>", title, "</h1>\n");
	fputs("<p class=\"sub\">Design A is the baseline: every difference is a design "
	      "against A.</p>\n", out);
	designs_table(out, c);
	verdicts_section(out, c);
	fputs("<h2>Metrics side by side</h2>\n", out);
	if (metrics_table(out, rs, (const char *const *)names, n) != ERS_OK)
		p.err = ERS_ENOMEM;
	differences_section(out, c);
	paths_section(&p, c, in);
	fputs("<h2>Flows over time</h2>\n", out);
	compare_timelines(&p, rs, (const char *const *)names, n);
	fputs("<h2>Events</h2>\n", out);
	for (size_t j = 0; j < n; j++) {
		ers_html_elem(out, "<h3>", names[j], "</h3>\n");
		ers_html_events_table(out, rs[j]);
	}
	for (size_t j = 0, shown = 0; j < n; j++)
		if (in[j].scn && in[j].cat) {
			if (!shown++)
				fputs("<h2>Topologies</h2>\n", out);
			ers_html_elem(out, "<h3>", names[j], "</h3>\n");
			snprintf(name, sizeof name, "topology of %s", names[j]);
			ers_html_topology_section(&p, name, in[j].scn, in[j].cat);
		}
	unshared_section(out, c);
	ers_html_page_end(&p);
out:
	for (size_t j = 0; names && j < n; j++)
		free(names[j]);
	free(names);
	free(rs);
	return ers_html_page_result(&p);
}
