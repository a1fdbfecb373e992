/*
 * html_paths.c - a flow's paths over a run, on a page (html_page.h): the
 * history is cut into groups (the ECMP set in force from one moment to
 * the next), each drawn as an interval of a bar in its path's colour
 * (the same colour when the flow returns to a path, red while not
 * delivered), and listed in a table with the kind of each hop. The bar
 * is inline SVG written here, not by a renderer: it is only rectangles.
 */
#include <stdlib.h>
#include <string.h>

#include "ersim/report.h"
#include "html_page.h"

void ers_html_path_cell(FILE *f, const struct ers_path_entry *p)
{
	char pc[16];

	snprintf(pc, sizeof pc, "%.0f%%", p->share * 100);
	fputs("<td class=\"n\">", f);
	ers_html_esc(f, pc);
	fputs("</td><td class=\"path\">", f);
	for (size_t i = 0; i < p->n_nodes; i++) {
		if (i && p->hops)
			fprintf(f, " &gt; <span class=\"hop %s\">%s</span>",
				ers_hop_kind_str(p->hops[i - 1]),
				ers_hop_kind_label(p->hops[i - 1]));
		fputs(i ? " &gt; " : "", f);
		ers_html_esc(f, p->nodes[i]);
	}
	if (p->status != ERS_PATH_DELIVERED)
		fprintf(f, " <b>(%s)</b>", p->status == ERS_PATH_LOOP ? "loop" : "no route");
	fputs("</td>", f);
}

/* ---- path timelines ---- */

/* A flow's path history cut into groups (the ECMP set in force from one
 * moment until the next), each with a colour: groups holding the same
 * paths share one, so a path taken again after a restore is recognised.
 * Undelivered groups are red whatever they are. */
struct path_hist {
	size_t *lo;			/* first entry of group g; lo[n] = n_paths */
	size_t *colour;			/* palette index of group g */
	size_t n;
};

static const char *const path_palette[] = {
	"#1f77b4", "#2ca02c", "#9467bd", "#ff7f0e", "#17becf", "#8c564b", "#bcbd22", "#e377c2",
};
#define PATH_RED "#d62728"

static bool entry_equal(const struct ers_path_entry *a, const struct ers_path_entry *b)
{
	if (a->n_nodes != b->n_nodes || a->share != b->share || a->status != b->status ||
	    !a->hops != !b->hops)
		return false;
	for (size_t i = 0; i < a->n_nodes; i++)
		if (strcmp(a->nodes[i], b->nodes[i]) ||
		    (a->hops && i + 1 < a->n_nodes && a->hops[i] != b->hops[i]))
			return false;
	return true;
}

static bool hist_equal(const struct ers_flow_result *f, const struct path_hist *h,
		       size_t g1, size_t g2)
{
	size_t n1 = h->lo[g1 + 1] - h->lo[g1], n2 = h->lo[g2 + 1] - h->lo[g2];

	if (n1 != n2)
		return false;
	for (size_t i = 0; i < n1; i++)
		if (!entry_equal(&f->paths[h->lo[g1] + i], &f->paths[h->lo[g2] + i]))
			return false;
	return true;
}

static bool group_delivered(const struct ers_flow_result *f, const struct path_hist *h,
			    size_t g)
{
	for (size_t i = h->lo[g]; i < h->lo[g + 1]; i++)
		if (f->paths[i].status != ERS_PATH_DELIVERED)
			return false;
	return true;
}

static const char *group_colour(const struct ers_flow_result *f, const struct path_hist *h,
				size_t g)
{
	if (!group_delivered(f, h, g))
		return PATH_RED;
	return path_palette[h->colour[g] % (sizeof path_palette / sizeof path_palette[0])];
}

static bool path_hist_build(struct path_hist *h, const struct ers_flow_result *f)
{
	size_t n_colours = 0;

	memset(h, 0, sizeof *h);
	h->lo = malloc((f->n_paths + 1) * sizeof *h->lo);
	h->colour = malloc((f->n_paths + 1) * sizeof *h->colour);
	if (!h->lo || !h->colour)
		return false;
	for (size_t i = 0; i < f->n_paths; i++)
		if (!i || f->paths[i].from != f->paths[i - 1].from)
			h->lo[h->n++] = i;
	h->lo[h->n] = f->n_paths;
	for (size_t g = 0; g < h->n; g++) {
		size_t e = 0;

		while (e < g && !hist_equal(f, h, e, g))
			e++;
		h->colour[g] = e < g ? h->colour[e] : n_colours++;
	}
	return true;
}

static void path_hist_release(struct path_hist *h)
{
	free(h->lo);
	free(h->colour);
}

static ers_time_t group_until(const struct ers_result *r, const struct ers_flow_result *f,
			      const struct path_hist *h, size_t g)
{
	return g + 1 < h->n ? f->paths[h->lo[g + 1]].from : r->end;
}

/* A round tick step giving at most about ten ticks over span seconds. */
static double tick_step(double span)
{
	double step = 1e-3;

	while (span / step > 10) {
		if (span / (step * 2) <= 10)
			return step * 2;
		if (span / (step * 5) <= 10)
			return step * 5;
		step *= 10;
	}
	return step;
}

#define PT_LEFT 10.0
#define PT_WIDTH (ERS_HTML_WIDTH - 20.0)

static double pt_x(const struct ers_result *r, ers_time_t t)
{
	double end = ers_html_secs(r->end) > 0 ? ers_html_secs(r->end) : 1;

	return PT_LEFT + PT_WIDTH * (ers_html_secs(t) / end);
}

/* The bar: one rectangle per interval in its path's colour (at least two
 * pixels wide, so a 1 ms blackhole stays visible), the events as grey
 * lines, a seconds axis below. Drawn here, not by gnuplot: it is only
 * rectangles, and needs no renderer. */
static void path_svg(FILE *f, const struct ers_result *r, const struct ers_flow_result *fl,
		     const struct path_hist *h)
{
	double end = ers_html_secs(r->end) > 0 ? ers_html_secs(r->end) : 1, step = tick_step(end);
	char a[32], b[32];

	fprintf(f, "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %d 64\" "
		"width=\"%d\" height=\"64\" font-family=\"sans-serif\" font-size=\"13\">\n",
		ERS_HTML_WIDTH, ERS_HTML_WIDTH);
	fprintf(f, "<rect x=\"%.1f\" y=\"8\" width=\"%.1f\" height=\"26\" fill=\"#f0f0f0\" "
		"stroke=\"#999\"/>\n", PT_LEFT, PT_WIDTH);
	for (size_t g = 0; g < h->n; g++) {
		ers_time_t from = fl->paths[h->lo[g]].from, to = group_until(r, fl, h, g);
		double x0 = pt_x(r, from), w = pt_x(r, to) - x0;

		if (w < 2)
			w = 2;
		if (x0 + w > PT_LEFT + PT_WIDTH)
			x0 = PT_LEFT + PT_WIDTH - w;
		fprintf(f, "<rect class=\"iv\" x=\"%.2f\" y=\"8\" width=\"%.2f\" height=\"26\" "
			"fill=\"%s\"><title>", x0, w, group_colour(fl, h, g));
		ers_report_time(from, a, sizeof a);
		ers_report_time(to, b, sizeof b);
		fprintf(f, "%s to %s: path %zu%s</title></rect>\n", a, b, h->colour[g] + 1,
			group_delivered(fl, h, g) ? "" : " (not delivered)");
	}
	for (size_t i = 0; i < r->n_events; i++)
		fprintf(f, "<line x1=\"%.2f\" y1=\"4\" x2=\"%.2f\" y2=\"38\" stroke=\"#333\" "
			"stroke-dasharray=\"3,2\"/>\n", pt_x(r, r->events[i].at),
			pt_x(r, r->events[i].at));
	for (double t = 0; t <= end + 1e-9; t += step) {
		double x = PT_LEFT + PT_WIDTH * t / end;
		const char *anchor = t == 0 ? "start" : x > PT_LEFT + PT_WIDTH - 30 ? "end" : "middle";

		fprintf(f, "<line x1=\"%.2f\" y1=\"34\" x2=\"%.2f\" y2=\"40\" stroke=\"#555\"/>"
			"<text x=\"%.2f\" y=\"54\" text-anchor=\"%s\" fill=\"#333\">%g s</text>\n",
			x, x, x, anchor, t);
	}
	fputs("</svg>\n", f);
}

/* One row per ECMP member of each interval, like the text report. */
static void path_interval_rows(FILE *f, const struct ers_result *r,
			       const struct ers_flow_result *fl, const struct path_hist *h)
{
	char a[32], b[32], d[32];

	for (size_t g = 0; g < h->n; g++) {
		ers_time_t from = fl->paths[h->lo[g]].from, to = group_until(r, fl, h, g);

		for (size_t i = h->lo[g]; i < h->lo[g + 1]; i++) {
			fputs("<tr>", f);
			if (i == h->lo[g]) {
				fprintf(f, "<td><span class=\"sw\" style=\"background:%s\"></span> "
					"%zu</td>", group_colour(fl, h, g), h->colour[g] + 1);
				ers_report_time(from, a, sizeof a);
				ers_report_time(to, b, sizeof b);
				fprintf(f, "<td class=\"n\">%s</td><td class=\"n\">%s</td>", a, b);
				ers_html_td(f, "n", ers_report_time(to - from, d, sizeof d));
			} else {
				fputs("<td></td><td></td><td></td><td></td>", f);
			}
			ers_html_path_cell(f, &fl->paths[i]);
			fputs("</tr>\n", f);
		}
	}
}

/* Per flow: its paths as a coloured bar over the run, then every interval
 * with the path it held and the kind of each hop. */
void ers_html_paths_section(struct ers_html_page *p, const struct ers_result *r)
{
	static const char *const cols[] = { "path", "from", "until", "held", "share",
		"route (kind of each hop)" };
	char name[300];

	for (size_t i = 0; i < r->n_flows; i++) {
		const struct ers_flow_result *fl = &r->flows[i];
		struct path_hist h;

		ers_html_elem(p->out, "<h3>", fl->id, "</h3>\n");
		if (!path_hist_build(&h, fl)) {
			path_hist_release(&h);
			p->err = ERS_ENOMEM;
			return;
		}
		if (h.n) {
			snprintf(name, sizeof name, "paths of flow %s", fl->id);
			fputs("<figure class=\"pic paths\" data-name=\"", p->out);
			ers_html_esc(p->out, name);
			fputs("\">\n", p->out);
			path_svg(p->out, r, fl, &h);
			fputs("<figcaption>Which path the flow took when: each colour is one path "
			      "(numbered as in the table), red: not delivered (no route or a loop); "
			      "dashed lines: the events.</figcaption>\n</figure>\n", p->out);
		}
		fputs("<table class=\"paths\">\n", p->out);
		ers_html_th_row(p->out, cols, 6);
		path_interval_rows(p->out, r, fl, &h);
		fputs("</table>\n", p->out);
		path_hist_release(&h);
	}
}

void ers_html_path_figure(struct ers_html_page *p, const char *name,
			  const struct ers_result *r, const struct ers_flow_result *fl,
			  const char *caption)
{
	struct path_hist h;

	if (!path_hist_build(&h, fl)) {
		p->err = ERS_ENOMEM;
	} else if (h.n) {
		fputs("<figure class=\"pic paths\" data-name=\"", p->out);
		ers_html_esc(p->out, name);
		fputs("\">\n", p->out);
		path_svg(p->out, r, fl, &h);
		ers_html_elem(p->out, "<figcaption>", caption, "</figcaption>\n");
		fputs("</figure>\n", p->out);
	}
	path_hist_release(&h);
}
