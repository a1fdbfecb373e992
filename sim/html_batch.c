/*
 * html_batch.c - the page of a batch (ers_html_write_batch) from plain
 * inputs: per parameter combination the outage and convergence
 * statistics (median, 95th percentile, worst), traffic lost and
 * availability; the CDFs of outage and convergence; the failure sets
 * ranked by impact, linked to their runs' own reports; and each pair
 * matrix coloured by the outage the pair caused while it was down.
 */
#include <math.h>
#include <stdlib.h>

#include "ersim/report.h"
#include "ersim/units.h"
#include "html_page.h"

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* The samples that happened (not NAN, not negative), sorted; NULL with
 * *n == 0 when there are none, NULL with *oom when out of memory. */
static double *valid_sorted(const double *v, size_t n_in, size_t *n, bool *oom)
{
	double *s = n_in ? malloc(n_in * sizeof *s) : NULL;

	*n = 0;
	*oom = n_in && !s;
	for (size_t i = 0; s && i < n_in; i++)
		if (v[i] >= 0)
			s[(*n)++] = v[i];
	if (s)
		qsort(s, *n, sizeof *s, cmp_double);
	return s;
}

static double quantile(const double *s, size_t n, double q)
{
	size_t k;

	if (!n)
		return NAN;
	k = (size_t)ceil(q * (double)n);
	return s[k ? k - 1 : 0];
}

static void stat_cells(FILE *f, const double *v, size_t n_in, bool *oom)
{
	size_t n;
	double *s = valid_sorted(v, n_in, &n, oom);
	char b[40];

	snprintf(b, sizeof b, "%zu", n_in);
	ers_html_td(f, "n", b);
	snprintf(b, sizeof b, "%zu", n_in - n);
	ers_html_td(f, "n", b);
	for (int i = 0; i < 3; i++) {
		double x = quantile(s, n, i == 0 ? 0.5 : i == 1 ? 0.95 : 1.0);

		if (isnan(x))
			snprintf(b, sizeof b, "-");
		else
			ers_duration_str(x, b, sizeof b);
		ers_html_td(f, "n", b);
	}
	free(s);
}

static bool any_availability(const struct ers_html_combo *c, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!isnan(c[i].availability))
			return true;
	return false;
}

/* "99.953%": availability keeps its digits, 100% only when it is. */
static void availability_text(double a, char *buf, size_t n)
{
	if (isnan(a))
		snprintf(buf, n, "-");
	else if (a >= 1.0)
		snprintf(buf, n, "100%%");
	else
		snprintf(buf, n, "%.3f%%", fmin(a * 100, 99.999));
}

static void batch_summary(FILE *f, const struct ers_html_combo *c, size_t n, bool *oom)
{
	bool avail = any_availability(c, n);
	char b[40];

	fprintf(f, "<table class=\"batch\">\n<tr><th rowspan=\"2\">combination</th>"
		"<th colspan=\"5\">outage per run</th><th colspan=\"5\">convergence per event</th>"
		"<th rowspan=\"2\">traffic lost<br>(all runs)</th>%s</tr>\n"
		"<tr><th>runs</th><th>never</th><th>median</th><th>95th pct</th><th>worst</th>"
		"<th>events</th><th>never</th><th>median</th><th>95th pct</th><th>worst</th></tr>\n",
		avail ? "<th rowspan=\"2\">availability<br>(flow time without outage)</th>" : "");
	for (size_t i = 0; i < n; i++) {
		ers_html_elem(f, "<tr><th>", c[i].label, "</th>");
		stat_cells(f, c[i].outage_s, c[i].n_outage, oom);
		stat_cells(f, c[i].convergence_s, c[i].n_convergence, oom);
		ers_html_td(f, "n", ers_report_bytes((uint64_t)llround(c[i].lost_bytes), b, sizeof b));
		if (avail) {
			availability_text(c[i].availability, b, sizeof b);
			ers_html_td(f, "n", b);
		}
		fputs("</tr>\n", f);
	}
	fputs("</table>\n", f);
}

/* Each combination's failure sets, worst first: what a reviewer opens
 * first, with a link to the run's own report where one was written. */
static void ranked_table(FILE *f, const struct ers_html_combo *c)
{
	static const char *const cols[] = { "#", "failure set", "worst outage", "worst down",
		"traffic lost", "flows hit", "reachable at the end", "report" };
	char b[5][40];

	ers_html_elem(f, "<h3>", c->label, "</h3>\n");
	fprintf(f, "<p class=\"sub\">%zu failure set%s run; ", c->n_sets,
		c->n_sets == 1 ? "" : "s");
	if (c->n_ranked < c->n_sets)
		fprintf(f, "the %zu with the most impact (traffic lost, then outage):</p>\n",
			c->n_ranked);
	else
		fputs("ranked by impact (traffic lost, then outage):</p>\n", f);
	fputs("<table class=\"ranked\">\n", f);
	ers_html_th_row(f, cols, 8);
	for (size_t i = 0; i < c->n_ranked; i++) {
		const struct ers_html_ranked *r = &c->ranked[i];

		snprintf(b[0], sizeof b[0], "%zu", i + 1);
		ers_duration_str(r->outage_s, b[1], sizeof b[1]);
		ers_duration_str(r->down_s, b[2], sizeof b[2]);
		ers_report_bytes((uint64_t)llround(r->lost_bytes), b[3], sizeof b[3]);
		snprintf(b[4], sizeof b[4], "%u of %u", r->flows_hit, r->n_flows);
		fputs("<tr>", f);
		ers_html_td(f, "n", b[0]);
		ers_html_td(f, NULL, r->failure);
		ers_html_td(f, r->outage_s > 0 ? "n no" : "n yes", b[1]);
		ers_html_td(f, "n", b[2]);
		ers_html_td(f, "n", b[3]);
		ers_html_td(f, "n", b[4]);
		ers_html_td(f, r->cut ? "no" : "yes", r->cut ? "NO" : "yes");
		if (r->link) {
			fputs("<td><a href=\"", f);
			ers_html_esc(f, r->link);
			fputs("\">run report</a></td>", f);
		} else {
			ers_html_td(f, "na", "-");
		}
		fputs("</tr>\n", f);
	}
	fputs("</table>\n", f);
}

/* The CDF of each combination's samples (outage or convergence). */
static char *cdf_script(const struct ers_html_combo *c, size_t n, bool outage)
{
	struct ers_html_points *pts = calloc(n ? n : 1, sizeof *pts);
	struct ers_plot_series *ser = calloc(n ? n : 1, sizeof *ser);
	char *script = NULL;
	bool oom = !pts || !ser;

	for (size_t i = 0; !oom && i < n; i++) {
		size_t m;
		double *s = valid_sorted(outage ? c[i].outage_s : c[i].convergence_s,
					 outage ? c[i].n_outage : c[i].n_convergence, &m, &oom);

		if (m)
			ers_html_points_add(&pts[i], s[0], 0);
		for (size_t k = 0; k < m; k++)
			ers_html_points_add(&pts[i], s[k], (double)(k + 1) / (double)m);
		free(s);
		oom = oom || pts[i].oom;
		ser[i] = (struct ers_plot_series){ c[i].label, pts[i].x, pts[i].y, pts[i].n,
						   true, false };
	}
	if (!oom) {
		struct ers_plot_chart ch = {
			outage ? "CDF of the worst flow outage per run" :
				"CDF of convergence time per event",
			outage ? "outage (s)" : "convergence (s)", "fraction of runs",
			0, 0, 0, 1.05, false, true, ser, n, NULL, 0, NULL, 0 };

		if (!outage)
			ch.ylabel = "fraction of events";
		script = ers_plot_script(&ch, 1, ERS_PLOT_STACK, ERS_HTML_WIDTH, 380);
	}
	for (size_t i = 0; pts && i < n; i++)
		ers_html_points_release(&pts[i]);
	free(pts);
	free(ser);
	return script;
}

/* The colour class of a pair's cell: by the outage it caused. */
static const char *pair_class(double outage, signed char cut)
{
	if (cut == 1)
		return "p-cut";
	if (isnan(outage) || outage <= 0)
		return "p-none";
	if (outage < 1)
		return "p-short";
	if (outage < 60)
		return "p-long";
	return "p-severe";
}

static void pair_cell(FILE *f, const struct ers_html_pair_matrix *m, size_t k)
{
	double out = m->outage_s ? m->outage_s[k] : NAN;
	double lost = m->lost_bytes ? m->lost_bytes[k] : NAN;
	char t[40], l[40];

	if (m->cut[k] < 0) {
		ers_html_td(f, "na", "-");
		return;
	}
	if (isnan(out)) {	/* only the end state is known */
		ers_html_td(f, m->cut[k] ? "no" : "yes", m->cut[k] ? "cut" : "ok");
		return;
	}
	if (out <= 0 && !m->cut[k]) {
		ers_html_td(f, "n p-none", "no outage");
		return;
	}
	ers_duration_str(out, t, sizeof t);
	ers_report_bytes(isnan(lost) ? 0 : (uint64_t)llround(lost), l, sizeof l);
	fprintf(f, "<td class=\"n %s\" title=\"outage %s, %s lost%s\">%s%s<br>%s</td>",
		pair_class(out, m->cut[k]), t, l, m->cut[k] ? ", unreachable at the end" : "",
		t, m->cut[k] ? " (cut)" : "", l);
}

static void pair_table(FILE *f, const struct ers_html_pair_matrix *m)
{
	size_t n = m->n_targets, cuts = 0, hit = 0, run = 0;
	double worst = 0, lost = 0;
	char t[40], l[40];

	for (size_t i = 0; i < n; i++)
		for (size_t j = i + 1; j < n; j++) {
			size_t k = i * n + j;

			if (m->cut[k] < 0)
				continue;
			run++;
			cuts += m->cut[k] == 1;
			if (m->outage_s && m->outage_s[k] > 0) {
				hit++;
				worst = fmax(worst, m->outage_s[k]);
			}
			if (m->lost_bytes && !isnan(m->lost_bytes[k]))
				lost += m->lost_bytes[k];
		}
	ers_html_elem(f, "<h3>", m->label, "</h3>\n");
	if (m->outage_s) {
		ers_duration_str(worst, t, sizeof t);
		ers_report_bytes((uint64_t)llround(lost), l, sizeof l);
		fprintf(f, "<p class=\"sub\">%zu of %zu pairs interrupted traffic while they were "
			"down (worst outage %s, %s lost in all); %zu cut reachability for good "
			"(unreachable at the end of the run).</p>\n", hit, run, t, l, cuts);
	} else {
		fprintf(f, "<p class=\"sub\">%zu of %zu pairs cut reachability at the end.</p>\n",
			cuts, run);
	}
	fputs("<div class=\"scroll\"><table class=\"pairs\">\n<tr><th></th>", f);
	for (size_t j = 0; j < n; j++)
		ers_html_elem(f, "<th>", m->targets[j], "</th>");
	fputs("</tr>\n", f);
	for (size_t i = 0; i < n; i++) {
		ers_html_elem(f, "<tr><th>", m->targets[i], "</th>");
		for (size_t j = 0; j < n; j++) {
			if (i == j)
				ers_html_td(f, "na", "-");
			else
				pair_cell(f, m, i * n + j);
		}
		fputs("</tr>\n", f);
	}
	fputs("</table></div>\n", f);
}

enum ers_err ers_html_write_batch(FILE *out, const char *title,
				  const struct ers_html_combo *combos, size_t n_combos,
				  const struct ers_html_pair_matrix *pairs, size_t n_pairs,
				  unsigned flags)
{
	struct ers_html_page p = { .out = out, .flags = flags, .err = ERS_OK };
	char heading[300];
	bool oom = false;

	snprintf(heading, sizeof heading, "ersim batch: %s", title ? title : "");
	ers_html_page_begin(&p, heading);
	ers_html_elem(out, "<h1>", heading, "</h1>\n");
	fputs("<h2>Per parameter combination</h2>\n", out);
	batch_summary(out, combos, n_combos, &oom);
	for (int k = 0; k < 2 && n_combos; k++) {
		char *script = ers_html_renderer_ok(&p, ERS_HTML_GNUPLOT) ? cdf_script(combos, n_combos, !k) : NULL;

		ers_html_picture(&p, k ? "convergence CDF" : "outage CDF", ERS_HTML_GNUPLOT, script,
			"Cumulative distribution, one curve per parameter combination: "
			"further left is better.");
		free(script);
	}
	fputs("<h2>Failure sets ranked by impact</h2>\n", out);
	for (size_t i = 0; i < n_combos; i++)
		ranked_table(out, &combos[i]);
	if (n_pairs)
		fputs("<h2>Pair failures</h2>\n<p class=\"sub\">Each cell: the worst flow outage "
		      "while both targets were down, and the traffic lost. Green: no outage; "
		      "yellow: under a second; orange: under a minute; red: a minute or more; "
		      "dark red: some flow still unreachable at the end (cut).</p>\n", out);
	for (size_t i = 0; i < n_pairs; i++)
		pair_table(out, &pairs[i]);
	if (oom && p.err == ERS_OK)
		p.err = ERS_ENOMEM;
	ers_html_page_end(&p);
	return ers_html_page_result(&p);
}
