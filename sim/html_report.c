/*
 * html_report.c - the HTML reports (html_report.h): one page per run,
 * per comparison of designs, per batch. A page is written straight to a
 * FILE: a fixed style sheet, then sections of tables and pictures, then
 * a small inline script that checks every picture once the browser laid
 * the page out (non-empty, inside the page, nothing cut off) and writes
 * the verdict into the title and a status line, which the headless
 * browser test reads (tests/browser/run.sh).
 *
 * Pictures come from plot.c: the topology as DOT text written here and
 * drawn by Graphviz, charts as gnuplot scripts built from plain numbers.
 * The numbers are derived here from the result: a flow's delivered rate
 * is its rate times the sum of the shares of its delivered paths, a step
 * function that changes at each path group's from time. Tables repeat the
 * text report (report.c) with the same value formats.
 */
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "ersim/html_report.h"
#include "ersim/plot.h"
#include "ersim/report.h"
#include "ersim/topology.h"

#define MAX_ZOOM 4			/* zoom panels per timeline */
#define PAGE_WIDTH 1100			/* pixels of a full-width picture */

enum renderer { R_DOT, R_GNUPLOT };

struct page {
	FILE *out;
	unsigned flags;
	unsigned n_pics;		/* pictures placed, for unique id prefixes */
	unsigned hinted;		/* bit r: install hint for renderer r given */
	enum ers_err err;		/* first ENOMEM met */
};

/* ---- text ---- */

static void esc(FILE *f, const char *s)
{
	for (; s && *s; s++)
		switch (*s) {
		case '<': fputs("&lt;", f); break;
		case '>': fputs("&gt;", f); break;
		case '&': fputs("&amp;", f); break;
		case '"': fputs("&quot;", f); break;
		case '\'': fputs("&#39;", f); break;
		default: fputc(*s, f);
		}
}

/* An element with escaped text: <tag attrs>text</tag>. */
static void elem(FILE *f, const char *open, const char *text, const char *close)
{
	fputs(open, f);
	esc(f, text);
	fputs(close, f);
}

static const char *tstr(ers_time_t t, char *buf)
{
	return ers_report_time(t, buf, 32);
}

static double secs(ers_time_t t)
{
	return t == ERS_TIME_NEVER ? NAN : ers_time_to_s(t);
}

/* A rate unit that suits r: the divisor and its name. */
static double rate_unit(double bps, const char **name)
{
	if (bps >= 1e9) {
		*name = "Gbps";
		return 1e9;
	}
	if (bps >= 1e6) {
		*name = "Mbps";
		return 1e6;
	}
	*name = "kbps";
	return 1e3;
}

static void put_rate(FILE *f, ers_rate_t bps)
{
	const char *u;
	double d = rate_unit((double)bps, &u);

	fprintf(f, "%g %s", (double)bps / d, u);
}

/* "0.827 s", "12.5 ms", "300 µs" for the batch statistics. */
static void duration_text_html(double s, char *buf, size_t n)
{
	if (s >= 1.0 || s == 0)
		snprintf(buf, n, "%.3f s", s);
	else if (s >= 1e-3)
		snprintf(buf, n, "%.1f ms", s * 1e3);
	else
		snprintf(buf, n, "%.0f \xc2\xb5s", s * 1e6);
}

/* ---- page frame ---- */

static const char style[] =
	"body{font-family:sans-serif;margin:0 auto;max-width:1160px;padding:0 20px 40px;"
	"color:#222;background:#fff}\n"
	"h1{font-size:1.6em;margin:24px 0 4px}h2{font-size:1.25em;margin:32px 0 8px;"
	"border-bottom:2px solid #1f77b4;padding-bottom:4px}h3{font-size:1.05em;margin:18px 0 6px}\n"
	".sub{color:#555;margin:0 0 12px}\n"
	".cards{display:flex;flex-wrap:wrap;gap:10px;margin:12px 0}\n"
	".card{border:1px solid #ccd;border-radius:6px;padding:8px 12px;min-width:130px;background:#f7f9fc}\n"
	".card b{display:block;font-size:1.3em}.card span{color:#555;font-size:.85em}\n"
	".card.bad{background:#fdecea;border-color:#e4a5a0}.card.good{background:#eaf6ea;border-color:#9fd19f}\n"
	"table{border-collapse:collapse;margin:6px 0 12px;font-size:.9em}\n"
	"th,td{border:1px solid #ccd;padding:3px 8px;text-align:left;vertical-align:top}\n"
	"th{background:#eef2f8}td.n{text-align:right;font-variant-numeric:tabular-nums}\n"
	"td.yes{background:#eaf6ea}td.no{background:#f8c9c4;font-weight:bold}td.na{color:#999}\n"
	"td.best{font-weight:bold;background:#eaf6ea}td.path{font-family:monospace;font-size:.95em}\n"
	"span.hop{font-family:sans-serif;font-size:.85em;color:#555}span.hop.vpn{color:#b00;font-weight:bold}\n"
	"span.hop.global-reach{color:#7b3fa0;font-weight:bold}\n"
	"span.sw{display:inline-block;width:12px;height:12px;vertical-align:middle;border:1px solid #666}\n"
	"figure.pic{margin:8px 0 16px}figure.pic svg{display:block;max-width:100%;height:auto}\n"
	"figcaption{color:#555;font-size:.85em;margin-top:4px}\n"
	"p.note{border-left:4px solid #e0a000;background:#fff6dd;padding:8px 12px;margin:8px 0}\n"
	"td.p-none{background:#eaf6ea}td.p-short{background:#fff3b0}td.p-long{background:#ffc680}\n"
	"td.p-severe{background:#f08070}td.p-cut{background:#a01010;color:#fff;font-weight:bold}\n"
	"table.pairs td{font-size:.85em;white-space:nowrap}div.scroll{overflow-x:auto}\n"
	"footer{margin-top:30px;color:#777;font-size:.8em}\n";

/* Runs in the browser when the page is laid out: every figure.pic must
 * hold an svg with drawing elements, of a real size, inside the page,
 * whose content stays inside its own viewBox (not cut off); the path,
 * ranking and pair tables must not be empty nor run past the page's
 * edge (a wide pair matrix sits in a scrolling box instead). The verdict
 * goes into <html data-pictures="..."> for tests/browser/run.sh, out of
 * the reader's sight. */
static const char check_script[] =
	"<script>\n(function(){\n"
	"var bad=[],ok=0,W=document.documentElement.clientWidth;\n"
	"document.querySelectorAll('.pic-missing').forEach(function(e){"
	"bad.push(e.getAttribute('data-name')+': not drawn');});\n"
	"document.querySelectorAll('figure.pic').forEach(function(f){\n"
	" var name=f.getAttribute('data-name'),svg=f.querySelector('svg');\n"
	" if(!svg){bad.push(name+': missing');return;}\n"
	" var r=svg.getBoundingClientRect();\n"
	" if(r.width<40||r.height<40){bad.push(name+': empty '+r.width+'x'+r.height);return;}\n"
	" if(r.left<-1||r.right>W+1){bad.push(name+': wider than the page');return;}\n"
	" if(svg.querySelectorAll('path,polygon,polyline,line,rect,circle,ellipse,text').length<3)"
	"{bad.push(name+': nothing drawn');return;}\n"
	" var vb=svg.viewBox.baseVal,b=svg.getBBox();\n"
	" if(vb&&vb.width>0&&(b.x<vb.x-2||b.y<vb.y-2||b.x+b.width>vb.x+vb.width+2||"
	"b.y+b.height>vb.y+vb.height+2)){bad.push(name+': cut off');return;}\n"
	" ok++;});\n"
	"document.querySelectorAll('table.paths,table.ranked,table.pairs').forEach(function(t){\n"
	" var r=t.getBoundingClientRect();\n"
	" if(r.width<10||r.height<10){bad.push('table '+t.className+': empty');return;}\n"
	" if(!t.closest('.scroll')&&(r.left<-1||r.right>W+1))"
	"bad.push('table '+t.className+': wider than the page');});\n"
	"var msg=bad.length?'pictures FAILED: '+bad.join('; '):'pictures ok: '+ok;\n"
	"document.documentElement.setAttribute('data-pictures',msg);\n"	/* for the test, not shown */
	"})();\n</script>\n";

static void page_begin(struct page *p, const char *title)
{
	fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
	      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n",
	      p->out);
	elem(p->out, "<title>", title, "</title>\n");
	fprintf(p->out, "<style>\n%s</style>\n</head>\n<body>\n", style);
}

static void page_end(struct page *p)
{
	fputs("<footer>Written by ersim. Pictures drawn by Graphviz and gnuplot and "
	      "embedded as SVG: this page loads nothing from anywhere.</footer>\n", p->out);
	if (!(p->flags & ERS_HTML_NO_SCRIPT))
		fputs(check_script, p->out);
	fputs("</body>\n</html>\n", p->out);
}

static enum ers_err page_result(struct page *p)
{
	if (p->err != ERS_OK)
		return p->err;
	return ferror(p->out) ? ERS_EIO : ERS_OK;
}

/* ---- pictures ---- */

static const char *renderer_missing(enum renderer r)
{
	return r == R_DOT ? "Graphviz 'dot' not found" : "gnuplot not found";
}

/* Is the renderer usable for this page? */
static bool renderer_ok(const struct page *p, enum renderer r)
{
	char *exe;

	if (p->flags & (r == R_DOT ? ERS_HTML_NO_DOT : ERS_HTML_NO_GNUPLOT))
		return false;
	exe = ers_plot_find(r == R_DOT ? "dot" : "gnuplot");
	free(exe);
	return exe != NULL;
}

static void note_missing(struct page *p, const char *name, const char *why);

/* A picture the user expected is not in the page: say so on stderr too,
 * where it cannot go unnoticed (the page's note alone did), with once per
 * page the Debian package that provides the renderer. Not when the caller
 * asked for the renderer to be left out (ERS_HTML_NO_DOT, ...). */
static void warn_missing(struct page *p, const char *name, const char *why,
			 enum renderer r)
{
	fprintf(stderr, "ersim: warning: %s not drawn: %s\n", name, why);
	if (p->hinted & (1u << r))
		return;
	p->hinted |= 1u << r;
	fprintf(stderr, "ersim: note: install the Debian package %s "
		"(tools/deps.sh does) to draw the %s\n",
		r == R_DOT ? "graphviz" : "gnuplot-nox",
		r == R_DOT ? "topology" : "charts");
}

/* Not drawn because the renderer is absent: page note, and a warning
 * unless the caller turned the renderer off. */
static void renderer_absent(struct page *p, const char *name, enum renderer r)
{
	note_missing(p, name, renderer_missing(r));
	if (!(p->flags & (r == R_DOT ? ERS_HTML_NO_DOT : ERS_HTML_NO_GNUPLOT)))
		warn_missing(p, name, renderer_missing(r), r);
}

static void note_missing(struct page *p, const char *name, const char *why)
{
	fputs("<p class=\"note pic-missing\" data-name=\"", p->out);
	esc(p->out, name);
	fputs("\">", p->out);
	esc(p->out, name);
	fputs(" not drawn: ", p->out);
	esc(p->out, why);
	fputs("</p>\n", p->out);
}

/* Place a rendered picture, or the note saying why there is none. Takes
 * ownership of svg and why. */
static void put_picture(struct page *p, const char *name, enum ers_err rc, char *svg,
			char *why, const char *caption, enum renderer r)
{
	if (rc == ERS_ENOMEM && p->err == ERS_OK)
		p->err = ERS_ENOMEM;
	if (rc != ERS_OK || !svg) {
		note_missing(p, name, why ? why : "out of memory");
		warn_missing(p, name, why ? why : "out of memory", r);
	} else {
		fputs("<figure class=\"pic\" data-name=\"", p->out);
		esc(p->out, name);
		fprintf(p->out, "\">\n%s\n", svg);
		if (caption)
			elem(p->out, "<figcaption>", caption, "</figcaption>\n");
		fputs("</figure>\n", p->out);
	}
	free(svg);
	free(why);
}

static void next_prefix(struct page *p, char *buf, size_t n)
{
	snprintf(buf, n, "p%u-", ++p->n_pics);
}

/* Draw input (DOT text or a gnuplot script, NULL when building it ran
 * out of memory) and place it. */
static void picture(struct page *p, const char *name, enum renderer r, const char *input,
		    const char *caption)
{
	char prefix[32], *svg = NULL, *why = NULL;
	enum ers_err rc;

	if (!renderer_ok(p, r)) {
		renderer_absent(p, name, r);
		return;
	}
	if (!input) {
		put_picture(p, name, ERS_ENOMEM, NULL, NULL, NULL, r);
		return;
	}
	next_prefix(p, prefix, sizeof prefix);
	rc = r == R_DOT ? ers_plot_dot(input, prefix, &svg, &why) :
		ers_plot_gnuplot(input, prefix, &svg, &why);
	put_picture(p, name, rc, svg, why, caption, r);
}

/* ---- timelines ---- */

struct points {
	double *x, *y;
	size_t n, cap;
	bool oom;
};

static void points_add(struct points *s, double x, double y)
{
	if (s->oom)
		return;
	if (s->n == s->cap) {
		size_t cap = s->cap ? 2 * s->cap : 16;
		double *nx = realloc(s->x, cap * sizeof *nx), *ny;

		if (!nx) {
			s->oom = true;
			return;
		}
		s->x = nx;
		ny = realloc(s->y, cap * sizeof *ny);
		if (!ny) {
			s->oom = true;
			return;
		}
		s->y = ny;
		s->cap = cap;
	}
	s->x[s->n] = x;
	s->y[s->n++] = y;
}

static void points_release(struct points *s)
{
	free(s->x);
	free(s->y);
}

/* Outage intervals, as x pairs in a points buffer. */
static void band_edge(struct points *bands, bool *open, bool short_of, double t)
{
	if (short_of && !*open)
		points_add(bands, t, t);
	else if (!short_of && *open && !bands->oom)
		bands->y[bands->n - 1] = t;
	*open = short_of;
}

/* f's delivered rate (in units of unit bps) as steps over [0, t_end]:
 * before its first path group nothing is delivered yet (initial
 * convergence). Intervals where part of it is not delivered go to
 * bands as (from, to) in x, y. */
static void delivered_steps(const struct ers_flow_result *f, double t_end, double unit,
			    struct points *s, struct points *bands)
{
	double y = 0;
	bool open = false;

	if (!f->n_paths || f->paths[0].from > 0)
		points_add(s, 0, 0);
	for (size_t i = 0; i < f->n_paths; ) {
		ers_time_t from = f->paths[i].from;
		double share = 0;

		for (; i < f->n_paths && f->paths[i].from == from; i++)
			if (f->paths[i].status == ERS_PATH_DELIVERED)
				share += f->paths[i].share;
		y = (double)f->rate * share / unit;
		points_add(s, ers_time_to_s(from), y);
		band_edge(bands, &open, share < 1 - 1e-9, ers_time_to_s(from));
	}
	points_add(s, t_end, y);
	if (open && !bands->oom)
		bands->y[bands->n - 1] = t_end;
}

static enum ers_plot_mark action_mark(const char *action)
{
	if (!strcmp(action, "restore"))
		return ERS_PLOT_MARK_RESTORE;
	if (!strcmp(action, "maintenance"))
		return ERS_PLOT_MARK_MAINTENANCE;
	return ERS_PLOT_MARK_FAIL;
}

/* Event, detection and convergence lines of r; *n set; NULL if none or
 * out of memory (*oom tells). */
static struct ers_plot_marker *event_markers(const struct ers_result *r, size_t *n,
					     bool *oom)
{
	struct ers_plot_marker *m = r->n_events ? calloc(3 * r->n_events, sizeof *m) : NULL;

	*n = 0;
	*oom = r->n_events && !m;
	for (size_t i = 0; m && i < r->n_events; i++) {
		const struct ers_event_result *e = &r->events[i];

		m[(*n)++] = (struct ers_plot_marker){ secs(e->at), action_mark(e->action) };
		if (e->detected != ERS_TIME_NEVER)
			m[(*n)++] = (struct ers_plot_marker){ secs(e->detected),
							      ERS_PLOT_MARK_DETECTED };
		if (e->converged != ERS_TIME_NEVER)
			m[(*n)++] = (struct ers_plot_marker){ secs(e->converged),
							      ERS_PLOT_MARK_CONVERGED };
	}
	return m;
}

/* The window a zoom on event e shows: from a little before it to a
 * little after the last thing it caused. */
static void zoom_window(const struct ers_event_result *e, double t_end, double *lo,
			double *hi)
{
	double at = secs(e->at), last = at, pad;

	if (e->detected != ERS_TIME_NEVER && secs(e->detected) > last)
		last = secs(e->detected);
	if (e->converged != ERS_TIME_NEVER && secs(e->converged) > last)
		last = secs(e->converged);
	if (last == at)
		last = at + 1.0;
	pad = (last - at) * 0.2;
	if (pad < 0.05)
		pad = 0.05;
	*lo = at - pad > 0 ? at - pad : 0;
	*hi = last + pad < t_end ? last + pad : t_end;
	if (*hi <= *lo)
		*hi = *lo + 1.0;
}

/* "3. fail link:er-ams/primary", cut to what fits a panel of 1/n of
 * the width (about 7 pixels a character). */
static void zoom_title(char *buf, const struct ers_event_result *e, size_t i, size_t n)
{
	size_t fit = (size_t)(PAGE_WIDTH / (int)n / 7) - 4, len;

	snprintf(buf, 320, "%zu. %s %s", i + 1, e->action, e->target);
	len = strlen(buf);
	if (len > fit && fit > 8)
		snprintf(buf + fit - 3, 320 - fit + 3, "...");
}

/* Titles of the zoom panels live here while the script is built. */
struct timeline {
	struct points steps, bands;
	struct ers_plot_marker *marks;
	size_t n_marks;
	struct ers_plot_band *band_v;
	size_t n_bands;
	struct ers_plot_series series;
	struct ers_plot_chart charts[1 + MAX_ZOOM];
	char titles[1 + MAX_ZOOM][320];
	char ylabel[64];
	size_t n_charts;
};

static void timeline_release(struct timeline *t)
{
	points_release(&t->steps);
	points_release(&t->bands);
	free(t->marks);
	free(t->band_v);
}

/* Fill t with the charts of flow f: the whole run, then the zooms. */
static bool timeline_build(struct timeline *t, const struct ers_result *r,
			   const struct ers_flow_result *f, double t_end, bool zoom)
{
	const char *uname;
	double unit = rate_unit(f->rate ? (double)f->rate : 1e6, &uname), top;
	bool oom;

	memset(t, 0, sizeof *t);
	delivered_steps(f, t_end, unit, &t->steps, &t->bands);
	t->marks = event_markers(r, &t->n_marks, &oom);
	t->n_bands = t->bands.n;
	t->band_v = t->n_bands ? calloc(t->n_bands, sizeof *t->band_v) : NULL;
	if (oom || t->steps.oom || t->bands.oom || (t->n_bands && !t->band_v))
		return false;
	for (size_t i = 0; i < t->n_bands; i++)
		t->band_v[i] = (struct ers_plot_band){ t->bands.x[i], t->bands.y[i] };
	t->series = (struct ers_plot_series){ "delivered", t->steps.x, t->steps.y,
					      t->steps.n, true, true };
	snprintf(t->ylabel, sizeof t->ylabel, "delivered (%s)", uname);
	snprintf(t->titles[0], sizeof t->titles[0], "flow %s: %s -> %s, %g %s", f->id,
		 f->from, f->to, (double)f->rate / unit, uname);
	top = (double)f->rate / unit * 1.15;
	t->charts[0] = (struct ers_plot_chart){ t->titles[0], "simulated time (s)",
		t->ylabel, 0, t_end, 0, top > 0 ? top : 1, false, true, &t->series, 1,
		t->marks, t->n_marks, t->band_v, t->n_bands };
	t->n_charts = 1;
	for (size_t i = 0; zoom && i < r->n_events && i < MAX_ZOOM; i++) {
		struct ers_plot_chart *c = &t->charts[t->n_charts];

		*c = t->charts[0];
		zoom_window(&r->events[i], t_end, &c->xmin, &c->xmax);
		zoom_title(t->titles[t->n_charts], &r->events[i], i,
			   r->n_events < MAX_ZOOM ? r->n_events : MAX_ZOOM);
		c->title = t->titles[t->n_charts];
		c->xlabel = "s";
		c->key = false;
		t->n_charts++;
	}
	return true;
}

static char *timeline_script(const struct ers_result *r, size_t fi, double t_end,
			     bool zoom)
{
	struct timeline t;
	char *script = NULL;

	if (timeline_build(&t, r, &r->flows[fi], t_end, zoom))
		script = ers_plot_script(t.charts, t.n_charts, ERS_PLOT_TOP_ROW, PAGE_WIDTH,
					 t.n_charts > 1 ? 580 : 340);
	timeline_release(&t);
	return script;
}

enum ers_err ers_html_timeline_svg(const struct ers_result *r, size_t f, double t_end,
				   bool zoom, const char *id_prefix, char **svg, char **why)
{
	char *script;
	enum ers_err rc;

	*svg = NULL;
	if (why)
		*why = NULL;
	if (f >= r->n_flows)
		return ERS_EINVAL;
	script = timeline_script(r, f, t_end > 0 ? t_end : secs(r->end), zoom);
	if (!script)
		return ERS_ENOMEM;
	rc = ers_plot_gnuplot(script, id_prefix, svg, why);
	free(script);
	return rc;
}

/* One bar pair per event: detection and convergence time after it. */
static char *event_bars_script(const struct ers_result *r)
{
	size_t n = r->n_events;
	char **labels = calloc(n, sizeof *labels), *script = NULL, at[32];
	double *det = calloc(n, sizeof *det), *conv = calloc(n, sizeof *conv);
	const double *values[2] = { det, conv };
	static const char *const names[2] = { "detection (detected - at)",
					      "convergence (converged - at)" };
	bool ok = labels && det && conv;

	for (size_t i = 0; ok && i < n; i++) {
		const struct ers_event_result *e = &r->events[i];
		size_t len = strlen(e->action) + strlen(e->target) + 64;

		if (!(labels[i] = malloc(len))) {
			ok = false;
			break;
		}
		snprintf(labels[i], len, "%zu. %s %s @ %s", i + 1, e->action, e->target,
			 tstr(e->at, at));
		det[i] = e->detected == ERS_TIME_NEVER ? NAN : secs(e->detected - e->at);
		conv[i] = e->converged == ERS_TIME_NEVER ? NAN : secs(e->converged - e->at);
	}
	if (ok)
		script = ers_plot_bars_script("detection and convergence time per event",
					      "seconds after the event", (const char *const *)labels,
					      n, values, names, PAGE_WIDTH, 110 + 60 * (int)n);
	for (size_t i = 0; labels && i < n; i++)
		free(labels[i]);
	free(labels);
	free(det);
	free(conv);
	return script;
}

/* ---- topology ---- */

/* When each part of the graph first fails in the timeline (NAN: never);
 * peering locations and regions by name, for their clusters. */
struct failures {
	double *vertex, *edge;
	const char *places[32];
	double place_at[32];
	size_t n_places;
};

static void fail_at(double *slot, double at)
{
	if (isnan(*slot) || at < *slot)
		*slot = at;
}

static void fail_msee(const struct ers_topology *t, struct failures *fl,
		      const struct ers_target *g, int side, double at)
{
	char id[256];
	int v;

	snprintf(id, sizeof id, "%s-%d/%c", g->location, g->pair, side ? 'b' : 'a');
	v = ers_topology_find(t, id);
	if (v >= 0)
		fail_at(&fl->vertex[v], at);
}

static void fail_link(const struct ers_topology *t, struct failures *fl, int c,
		      int role, double at)
{
	fail_at(&fl->edge[ers_topology_circuit_ce_edge(t, c, role)], at);
	fail_at(&fl->edge[ers_topology_circuit_msee_edge(t, c, role)], at);
}

static void fail_target(const struct ers_topology *t, struct failures *fl,
			const struct ers_target *g, double at)
{
	const struct ers_scenario *s = ers_topology_scenario(t);

	switch (g->kind) {
	case ERS_T_LINK: fail_link(t, fl, g->a, g->b, at); break;
	case ERS_T_CIRCUIT: fail_link(t, fl, g->a, 0, at); fail_link(t, fl, g->a, 1, at); break;
	case ERS_T_MSEE: fail_msee(t, fl, g, g->side, at); break;
	case ERS_T_MSEE_PAIR: fail_msee(t, fl, g, 0, at); fail_msee(t, fl, g, 1, at); break;
	case ERS_T_ROUTER: fail_at(&fl->vertex[ers_topology_router_vertex(t, g->a, g->b)], at); break;
	case ERS_T_SITE:
		for (size_t i = 0; i < s->sites[g->a].n_routers; i++)
			fail_at(&fl->vertex[ers_topology_router_vertex(t, g->a, (int)i)], at);
		break;
	case ERS_T_GATEWAY: fail_at(&fl->vertex[ers_topology_gateway_vertex(t, g->a)], at); break;
	case ERS_T_SITE_LINK: fail_at(&fl->edge[ers_topology_site_link_edge(t, g->a)], at); break;
	case ERS_T_VPN: fail_at(&fl->edge[ers_topology_vpn_edge(t, g->a)], at); break;
	case ERS_T_GLOBAL_REACH:
		for (int r = 0; r < 2; r++)
			fail_at(&fl->edge[ers_topology_global_reach_edge(t, g->a, r)], at);
		break;
	case ERS_T_LOCATION:
	case ERS_T_REGION:
		if (fl->n_places < 32) {
			fl->places[fl->n_places] = g->location;
			fl->place_at[fl->n_places++] = at;
		}
		break;
	case ERS_T_SRLG:
		for (size_t i = 0; i < s->srlgs[g->a].n_members; i++)
			if (s->srlgs[g->a].members[i].kind != ERS_T_SRLG)
				fail_target(t, fl, &s->srlgs[g->a].members[i], at);
		break;
	default:
		break;
	}
}

static bool failures_find(const struct ers_topology *t, struct failures *fl)
{
	const struct ers_scenario *s = ers_topology_scenario(t);
	size_t nv = ers_topology_n_nodes(t), ne = ers_topology_n_edges(t);

	memset(fl, 0, sizeof *fl);
	fl->vertex = malloc((nv + 1) * sizeof *fl->vertex);
	fl->edge = malloc((ne + 1) * sizeof *fl->edge);
	if (!fl->vertex || !fl->edge)
		return false;
	for (size_t i = 0; i < nv; i++)
		fl->vertex[i] = NAN;
	for (size_t i = 0; i < ne; i++)
		fl->edge[i] = NAN;
	for (size_t i = 0; i < s->n_events; i++)
		/* a maintenance is a window (events table), not a failure */
		if (s->events[i].action == ERS_ACT_FAIL)
			fail_target(t, fl, &s->events[i].target, secs(s->events[i].at));
	return true;
}

static double place_failure(const struct failures *fl, const char *place)
{
	double at = NAN;

	for (size_t i = 0; i < fl->n_places; i++)
		if (!strcmp(fl->places[i], place))
			fail_at(&at, fl->place_at[i]);
	return at;
}

/* A DOT double-quoted string's content; \n becomes a label line break. */
static void dot_esc(FILE *f, const char *s)
{
	for (; s && *s; s++) {
		if (*s == '\n') {
			fputs("\\n", f);	/* a line break in the label */
			continue;
		}
		if (*s == '"' || *s == '\\')
			fputc('\\', f);
		fputc(*s, f);
	}
}

static void dot_fails(FILE *f, double at)
{
	if (!isnan(at))
		fprintf(f, "\\n(fails at %g s)", at);
}

static void dot_cluster_begin(FILE *f, const char *kind, const char *id, const char *title,
			      const char *sub, const char *fill, double fails)
{
	fprintf(f, "  subgraph \"cluster_%s_", kind);
	dot_esc(f, id);
	fprintf(f, "\" {\n    label=\"");
	dot_esc(f, title);
	fprintf(f, "\\n");
	dot_esc(f, sub);
	dot_fails(f, fails);
	fprintf(f, "\"; style=\"rounded,filled\"; fillcolor=\"%s\"; color=\"%s\"; penwidth=%s;\n",
		fill, isnan(fails) ? "#8899aa" : "#d62728", isnan(fails) ? "1" : "3");
}

static void dot_node(FILE *f, const struct ers_topology *t, int v, const char *extra,
		     const char *shape, const char *fill, double fails)
{
	fprintf(f, "    n%d [label=\"", v);
	dot_esc(f, ers_topology_node_id(t, v));
	if (extra) {
		fprintf(f, "\\n");
		dot_esc(f, extra);
	}
	dot_fails(f, fails);
	fprintf(f, "\", shape=%s, fillcolor=\"%s\", color=\"%s\", penwidth=%s];\n", shape, fill,
		isnan(fails) ? "#333333" : "#d62728", isnan(fails) ? "1" : "3");
}

static void dot_sites(FILE *f, const struct ers_topology *t, const struct failures *fl)
{
	const struct ers_scenario *s = ers_topology_scenario(t);
	char sub[64];

	for (size_t i = 0; i < s->n_sites; i++) {
		snprintf(sub, sizeof sub, "on-premises, AS %" PRIu32, s->sites[i].asn);
		dot_cluster_begin(f, "site", s->sites[i].id, s->sites[i].id, sub, "#eaf1fb", NAN);
		for (size_t k = 0; k < s->sites[i].n_routers; k++) {
			int v = ers_topology_router_vertex(t, (int)i, (int)k);

			dot_node(f, t, v, "CE router", "box", "#ffffff", fl->vertex[v]);
		}
		fprintf(f, "  }\n");
	}
}

/* A peering location's MSEEs and PEs in one cluster. */
static void dot_location(FILE *f, const struct ers_topology *t, const struct ers_catalog *cat,
			 const char *loc, const struct failures *fl)
{
	const struct ers_location *l = ers_catalog_location(cat, loc);
	char extra[96];

	dot_cluster_begin(f, "loc", loc, l && l->name ? l->name : loc,
			  "ExpressRoute peering location", "#f2f2f2", place_failure(fl, loc));
	for (size_t v = 0; v < ers_topology_n_nodes(t); v++) {
		enum ers_topo_node_kind k = ers_topology_node_kind(t, (int)v);

		if ((k != ERS_TOPO_NODE_MSEE && k != ERS_TOPO_NODE_PE) ||
		    strcmp(ers_topology_node_location(t, (int)v), loc))
			continue;
		if (k == ERS_TOPO_NODE_MSEE)
			snprintf(extra, sizeof extra, "MSEE (%s), AS 12076",
				 ers_topology_node_role(t, (int)v) ? "secondary" : "primary");
		else
			snprintf(extra, sizeof extra, "provider PE, AS %" PRIu32,
				 ers_topology_node_asn(t, (int)v));
		dot_node(f, t, (int)v, extra, k == ERS_TOPO_NODE_MSEE ? "box3d" : "box",
			 k == ERS_TOPO_NODE_MSEE ? "#fff4e0" : "#ffffff", fl->vertex[v]);
	}
	fprintf(f, "  }\n");
}

static void dot_locations(FILE *f, const struct ers_topology *t,
			  const struct ers_catalog *cat, const struct failures *fl)
{
	/* MSEEs are sorted by id, which starts with the location: a new
	 * location begins where the location changes, but PEs come first in
	 * vertex order, so look at every vertex and skip seen locations. */
	for (size_t v = 0; v < ers_topology_n_nodes(t); v++) {
		enum ers_topo_node_kind k = ers_topology_node_kind(t, (int)v);
		const char *loc = ers_topology_node_location(t, (int)v);
		bool seen = false;

		if (k != ERS_TOPO_NODE_MSEE && k != ERS_TOPO_NODE_PE)
			continue;
		for (size_t u = 0; u < v && !seen; u++) {
			enum ers_topo_node_kind ku = ers_topology_node_kind(t, (int)u);

			seen = (ku == ERS_TOPO_NODE_MSEE || ku == ERS_TOPO_NODE_PE) &&
				!strcmp(ers_topology_node_location(t, (int)u), loc);
		}
		if (!seen)
			dot_location(f, t, cat, loc, fl);
	}
}

static void dot_regions(FILE *f, const struct ers_topology *t, const struct ers_catalog *cat,
			const struct failures *fl)
{
	const struct ers_scenario *s = ers_topology_scenario(t);
	char extra[160];

	for (size_t v = 0; v < ers_topology_n_nodes(t); v++) {
		const char *reg = ers_topology_node_id(t, (int)v);
		const struct ers_region *rg = ers_catalog_region(cat, reg);

		if (ers_topology_node_kind(t, (int)v) != ERS_TOPO_NODE_REGION)
			continue;
		dot_cluster_begin(f, "reg", reg, rg && rg->name ? rg->name : reg, "Azure region",
				  "#e9f6ec", place_failure(fl, reg));
		for (size_t i = 0; i < s->n_vnets; i++) {
			const struct ers_vnet *vn = &s->vnets[i];
			int g = ers_topology_gateway_vertex(t, (int)i);
			char pfx[40] = "";

			if (strcmp(vn->region, reg))
				continue;
			if (vn->n_prefixes) {
				uint32_t a = vn->prefixes[0].addr;

				snprintf(pfx, sizeof pfx, "%u.%u.%u.%u/%u%s", a >> 24, (a >> 16) & 255,
					 (a >> 8) & 255, a & 255, vn->prefixes[0].len,
					 vn->n_prefixes > 1 ? " ..." : "");
			}
			snprintf(extra, sizeof extra, "VNet gateway %s\\n%s",
				 ers_gw_sku_str(vn->gw_sku), pfx);
			fprintf(f, "    n%d [label=\"", g);
			dot_esc(f, ers_topology_node_id(t, g));
			fprintf(f, "\\n%s", extra);
			dot_fails(f, fl->vertex[g]);
			fprintf(f, "\", shape=box, style=\"rounded,filled\", fillcolor=\"#ffffff\", "
				"color=\"%s\", penwidth=%s];\n",
				isnan(fl->vertex[g]) ? "#2ca02c" : "#d62728",
				isnan(fl->vertex[g]) ? "1.5" : "3");
		}
		fprintf(f, "  }\n");
	}
}

static void dot_edge(FILE *f, int a, int b, const char *label, const char *attrs, double fails)
{
	fprintf(f, "  n%d -> n%d [", a, b);
	if (label || !isnan(fails)) {
		fprintf(f, "label=\"");
		dot_esc(f, label ? label : "");
		dot_fails(f, fails);
		fprintf(f, "\", ");
	}
	if (!isnan(fails))
		fprintf(f, "color=\"#d62728\", fontcolor=\"#d62728\", penwidth=3, ");
	fprintf(f, "%s];\n", attrs);
}

static void circuit_label(const struct ers_scenario *s, int c, int role, char *buf, size_t n)
{
	const struct ers_circuit *ci = &s->circuits[c];
	const struct ers_provider *p = &s->providers[ci->provider];
	const char *u;
	double d = rate_unit((double)ci->bandwidth, &u);

	if (role)
		snprintf(buf, n, "%s secondary", ci->id);
	else
		snprintf(buf, n, "%s primary\n%s (%s), %g %s %s", ci->id, p->id,
			 ers_provider_model_str(p->model), (double)ci->bandwidth / d, u,
			 ers_sku_str(ci->sku));
}

static void dot_edges(FILE *f, const struct ers_topology *t, const struct failures *fl)
{
	const struct ers_scenario *s = ers_topology_scenario(t);
	char label[512];

	for (size_t e = 0; e < ers_topology_n_edges(t); e++) {
		int a, b, c = ers_topology_edge_circuit(t, (int)e), role = ers_topology_edge_role(t, (int)e);
		int ref = ers_topology_edge_ref(t, (int)e);
		double fails = fl->edge[e];

		ers_topology_edge_ends(t, (int)e, &a, &b);
		switch (ers_topology_edge_kind(t, (int)e)) {
		case ERS_TOPO_EDGE_SITE_INTERNAL:
			dot_edge(f, a, b, NULL, "color=\"#aaaaaa\", constraint=false", fails);
			break;
		case ERS_TOPO_EDGE_CIRCUIT_LINK:
			if (ers_topology_node_kind(t, a) == ERS_TOPO_NODE_PE) {
				dot_edge(f, a, b, NULL, "color=\"#1f77b4\", penwidth=2", fails);
				break;
			}
			circuit_label(s, c, role, label, sizeof label);
			dot_edge(f, a, b, label, role ? "color=\"#17becf\", penwidth=2" :
				 "color=\"#1f77b4\", penwidth=2", fails);
			break;
		case ERS_TOPO_EDGE_GLOBAL_REACH:
			dot_edge(f, a, b, role ? NULL : "Global Reach", "color=\"#9467bd\", "
				 "fontcolor=\"#9467bd\", penwidth=2.5, constraint=false", fails);
			break;
		case ERS_TOPO_EDGE_SITE_LINK:
			snprintf(label, sizeof label, "site link, cost %" PRIu32, s->site_links[ref].cost);
			dot_edge(f, a, b, label, "color=\"#8c564b\", fontcolor=\"#8c564b\", "
				 "penwidth=2, constraint=false", fails);
			break;
		case ERS_TOPO_EDGE_VPN:
			snprintf(label, sizeof label, "VPN %s", s->vpns[ref].id);
			dot_edge(f, a, b, label, "style=dashed, color=\"#555555\", constraint=false",
				 fails);
			break;
		default:
			break;		/* backbone: drawn per connection below */
		}
	}
}

/* Microsoft's backbone as the customer sees it: each MSEE of a circuit
 * to each VNet gateway connected to that circuit. */
static void dot_connections(FILE *f, const struct ers_topology *t)
{
	const struct ers_scenario *s = ers_topology_scenario(t);
	char label[64];

	for (size_t i = 0; i < s->n_vnets; i++)
		for (size_t k = 0; k < s->vnets[i].n_connections; k++) {
			const struct ers_connection *c = &s->vnets[i].connections[k];

			snprintf(label, sizeof label, "weight %" PRIu32, c->weight);
			for (int r = 0; r < 2; r++)
				dot_edge(f, ers_topology_circuit_msee(t, c->circuit, r),
					 ers_topology_gateway_vertex(t, (int)i),
					 c->weight && !r ? label : NULL,
					 "color=\"#7f7f7f\", style=\"bold\"", NAN);
		}
}

static char *dot_text(const struct ers_topology *t, const struct ers_catalog *cat,
		      const struct failures *fl)
{
	char *buf = NULL;
	size_t len;
	FILE *f = open_memstream(&buf, &len);
	bool bad;

	if (!f)
		return NULL;
	fprintf(f, "digraph topology {\n"
		"  graph [rankdir=LR, fontname=\"Helvetica\", fontsize=12, nodesep=0.35, "
		"ranksep=1.3, bgcolor=\"white\", pad=0.3];\n"
		"  node [fontname=\"Helvetica\", fontsize=10, style=filled];\n"
		"  edge [fontname=\"Helvetica\", fontsize=9, dir=none];\n");
	dot_sites(f, t, fl);
	dot_locations(f, t, cat, fl);
	dot_regions(f, t, cat, fl);
	dot_edges(f, t, fl);
	dot_connections(f, t);
	fprintf(f, "}\n");
	bad = ferror(f);
	if (fclose(f) || bad) {
		free(buf);
		return NULL;
	}
	return buf;
}

char *ers_html_topology_dot(const struct ers_scenario *s, const struct ers_catalog *cat)
{
	struct ers_topology *t = NULL;
	struct failures fl;
	struct ers_diag d;
	char *dot = NULL;

	ers_diag_init(&d);
	memset(&fl, 0, sizeof fl);
	if (ers_topology_build(s, cat, &t, &d) == ERS_OK && failures_find(t, &fl))
		dot = dot_text(t, cat, &fl);
	free(fl.vertex);
	free(fl.edge);
	ers_topology_free(t);
	ers_diag_release(&d);
	return dot;
}

/* ---- tables of the text report ---- */

static void th_row(FILE *f, const char *const *cols, size_t n)
{
	fputs("<tr>", f);
	for (size_t i = 0; i < n; i++)
		elem(f, "<th>", cols[i], "</th>");
	fputs("</tr>\n", f);
}

static void td(FILE *f, const char *cls, const char *text)
{
	if (cls)
		fprintf(f, "<td class=\"%s\">", cls);
	else
		fputs("<td>", f);
	esc(f, text);
	fputs("</td>", f);
}

static void events_table(FILE *f, const struct ers_result *r)
{
	static const char *const cols[] = { "#", "at", "action", "target", "detected",
		"converged", "detection", "convergence", "updates", "withdrawals" };
	char b[6][32];

	if (!r->n_events) {
		fputs("<p>No failure or restore events in the timeline.</p>\n", f);
		return;
	}
	fputs("<table class=\"events\">\n", f);
	th_row(f, cols, 10);
	for (size_t i = 0; i < r->n_events; i++) {
		const struct ers_event_result *e = &r->events[i];

		snprintf(b[0], 32, "%zu", i + 1);
		fputs("<tr>", f);
		td(f, "n", b[0]);
		td(f, "n", tstr(e->at, b[1]));
		if (!strcmp(e->action, "maintenance")) {	/* a window */
			char win[160], a[32], d[32], u[32];

			snprintf(win, sizeof win, "maintenance: drain from %s, down %s, up %s",
				 tstr(e->at, a), tstr(e->down_at, d), tstr(e->up_at, u));
			td(f, NULL, win);
		} else {
			td(f, NULL, e->action);
		}
		td(f, NULL, e->target);
		td(f, "n", tstr(e->detected, b[2]));
		td(f, "n", tstr(e->converged, b[3]));
		td(f, "n", tstr(e->detected == ERS_TIME_NEVER ? ERS_TIME_NEVER :
				e->detected - e->at, b[4]));
		td(f, "n", tstr(e->converged == ERS_TIME_NEVER ? ERS_TIME_NEVER :
				e->converged - e->at, b[5]));
		fprintf(f, "<td class=\"n\">%" PRIu64 "</td><td class=\"n\">%" PRIu64 "</td></tr>\n",
			e->updates, e->withdrawals);
	}
	fputs("</table>\n", f);
}

static void path_cell(FILE *f, const struct ers_path_entry *p)
{
	char pc[16];

	snprintf(pc, sizeof pc, "%.0f%%", p->share * 100);
	fputs("<td class=\"n\">", f);
	esc(f, pc);
	fputs("</td><td class=\"path\">", f);
	for (size_t i = 0; i < p->n_nodes; i++) {
		if (i && p->hops)
			fprintf(f, " &gt; <span class=\"hop %s\">%s</span>",
				ers_hop_kind_str(p->hops[i - 1]),
				ers_hop_kind_label(p->hops[i - 1]));
		fputs(i ? " &gt; " : "", f);
		esc(f, p->nodes[i]);
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
#define PT_WIDTH (PAGE_WIDTH - 20.0)

static double pt_x(const struct ers_result *r, ers_time_t t)
{
	double end = secs(r->end) > 0 ? secs(r->end) : 1;

	return PT_LEFT + PT_WIDTH * (secs(t) / end);
}

/* The bar: one rectangle per interval in its path's colour (at least two
 * pixels wide, so a 1 ms blackhole stays visible), the events as grey
 * lines, a seconds axis below. Drawn here, not by gnuplot: it is only
 * rectangles, and needs no renderer. */
static void path_svg(FILE *f, const struct ers_result *r, const struct ers_flow_result *fl,
		     const struct path_hist *h)
{
	double end = secs(r->end) > 0 ? secs(r->end) : 1, step = tick_step(end);
	char a[32], b[32];

	fprintf(f, "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %d 64\" "
		"width=\"%d\" height=\"64\" font-family=\"sans-serif\" font-size=\"12\">\n",
		PAGE_WIDTH, PAGE_WIDTH);
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
				td(f, "n", ers_report_time(to - from, d, sizeof d));
			} else {
				fputs("<td></td><td></td><td></td><td></td>", f);
			}
			path_cell(f, &fl->paths[i]);
			fputs("</tr>\n", f);
		}
	}
}

/* Per flow: its paths as a coloured bar over the run, then every interval
 * with the path it held and the kind of each hop. */
static void paths_section(struct page *p, const struct ers_result *r)
{
	static const char *const cols[] = { "path", "from", "until", "held", "share",
		"route (kind of each hop)" };
	char name[300];

	for (size_t i = 0; i < r->n_flows; i++) {
		const struct ers_flow_result *fl = &r->flows[i];
		struct path_hist h;

		elem(p->out, "<h3>", fl->id, "</h3>\n");
		if (!path_hist_build(&h, fl)) {
			path_hist_release(&h);
			p->err = ERS_ENOMEM;
			return;
		}
		if (h.n) {
			snprintf(name, sizeof name, "paths of flow %s", fl->id);
			fputs("<figure class=\"pic paths\" data-name=\"", p->out);
			esc(p->out, name);
			fputs("\">\n", p->out);
			path_svg(p->out, r, fl, &h);
			fputs("<figcaption>Which path the flow took when: each colour is one path "
			      "(numbered as in the table), red: not delivered (no route or a loop); "
			      "dashed lines: the events.</figcaption>\n</figure>\n", p->out);
		}
		fputs("<table class=\"paths\">\n", p->out);
		th_row(p->out, cols, 6);
		path_interval_rows(p->out, r, fl, &h);
		fputs("</table>\n", p->out);
		path_hist_release(&h);
	}
}

static void flows_table(FILE *f, const struct ers_result *r)
{
	static const char *const cols[] = { "flow", "from -> to", "rate", "outage", "down",
		"lost", "reachable", "max util", "busiest link" };
	char b[4][32];

	if (!r->n_flows) {
		fputs("<p>No flows.</p>\n", f);
		return;
	}
	fputs("<table class=\"flows\">\n", f);
	th_row(f, cols, 9);
	for (size_t i = 0; i < r->n_flows; i++) {
		const struct ers_flow_result *fl = &r->flows[i];

		fputs("<tr>", f);
		elem(f, "<td><b>", fl->id, "</b></td><td>");
		esc(f, fl->from);
		fputs(" -&gt; ", f);
		esc(f, fl->to);
		fputs("</td><td class=\"n\">", f);
		put_rate(f, fl->rate);
		fputs("</td>", f);
		td(f, fl->outage > 0 ? "n no" : "n", tstr(fl->outage, b[0]));
		td(f, "n", tstr(fl->down, b[1]));
		td(f, "n", ers_report_bytes(fl->lost_bytes, b[2], 32));
		td(f, fl->final_reachable ? "yes" : "no", fl->final_reachable ? "yes" : "NO");
		snprintf(b[3], 32, "%.1f%%", fl->max_utilization * 100);
		td(f, "n", b[3]);
		td(f, NULL, fl->max_utilization_link ? fl->max_utilization_link : "-");
		fputs("</tr>\n", f);
	}
	fputs("</table>\n", f);
}

static void notices_table(FILE *f, const struct ers_result *r)
{
	static const char *const cols[] = { "at", "kind", "router", "detail" };
	char b[32];

	if (!r->n_notices) {
		fputs("<p>Notices: none.</p>\n", f);
		return;
	}
	fputs("<table class=\"notices\">\n", f);
	th_row(f, cols, 4);
	for (size_t i = 0; i < r->n_notices; i++) {
		fputs("<tr>", f);
		td(f, "n", tstr(r->notices[i].at, b));
		td(f, NULL, r->notices[i].kind);
		td(f, NULL, r->notices[i].node);
		td(f, NULL, r->notices[i].detail);
		fputs("</tr>\n", f);
	}
	fputs("</table>\n", f);
}

static void reach_table(FILE *f, const struct ers_result *r)
{
	size_t n = r->n_endpoints;

	fputs("<table class=\"reach\">\n<tr><th>from \\ to</th>", f);
	for (size_t j = 0; j < n; j++)
		elem(f, "<th>", r->endpoints[j], "</th>");
	fputs("</tr>\n", f);
	for (size_t i = 0; i < n; i++) {
		elem(f, "<tr><th>", r->endpoints[i], "</th>");
		for (size_t j = 0; j < n; j++) {
			bool y = ers_result_reaches(r, i, j);

			if (i == j)
				td(f, "na", "-");
			else
				td(f, y ? "yes" : "no", y ? "yes" : "NO");
		}
		fputs("</tr>\n", f);
	}
	fputs("</table>\n", f);
}

/* ---- summary and inventory ---- */

static void card(FILE *f, const char *cls, const char *value, const char *what)
{
	fprintf(f, "<div class=\"card%s%s\"><b>", cls ? " " : "", cls ? cls : "");
	esc(f, value);
	fputs("</b><span>", f);
	esc(f, what);
	fputs("</span></div>\n", f);
}

static size_t unreachable_pairs(const struct ers_result *r)
{
	size_t n = 0;

	for (size_t i = 0; i < r->n_endpoints; i++)
		for (size_t j = 0; j < r->n_endpoints; j++)
			n += i != j && !ers_result_reaches(r, i, j);
	return n;
}

static ers_time_t worst_convergence(const struct ers_result *r)
{
	ers_time_t w = ERS_TIME_NEVER;

	for (size_t i = 0; i < r->n_events; i++)
		if (r->events[i].converged != ERS_TIME_NEVER &&
		    r->events[i].converged - r->events[i].at > w)
			w = r->events[i].converged - r->events[i].at;
	return w;
}

static ers_time_t worst_outage(const struct ers_result *r)
{
	ers_time_t w = 0;

	for (size_t i = 0; i < r->n_flows; i++)
		if (r->flows[i].outage > w)
			w = r->flows[i].outage;
	return w;
}

static uint64_t total_lost(const struct ers_result *r)
{
	uint64_t b = 0;

	for (size_t i = 0; i < r->n_flows; i++)
		b += r->flows[i].lost_bytes;
	return b;
}

static void summary_cards(FILE *f, const struct ers_result *r)
{
	char b[64], w[32];
	size_t bad = unreachable_pairs(r);

	fputs("<div class=\"cards\">\n", f);
	card(f, NULL, tstr(r->initial_convergence, w), "initial convergence");
	card(f, NULL, tstr(worst_convergence(r), w), "worst convergence after an event");
	card(f, worst_outage(r) ? "bad" : "good", tstr(worst_outage(r), w), "worst flow outage");
	card(f, total_lost(r) ? "bad" : "good", ers_report_bytes(total_lost(r), w, sizeof w),
	     "traffic lost");
	snprintf(b, sizeof b, "%zu", bad);
	card(f, bad ? "bad" : "good", b, "endpoint pairs unreachable at the end");
	snprintf(b, sizeof b, "%zu / %zu / %zu", r->n_routers, r->n_links, r->n_sessions);
	card(f, NULL, b, "routers / links / sessions");
	fputs("</div>\n", f);
}

static void bfd_text(const struct ers_scenario *s, const struct ers_link *l, char *buf,
		     size_t n)
{
	struct ers_bfd_cfg b = ers_bfd_cfg_merge(&s->bfd, &l->cfg.bfd);
	struct ers_bgp_cfg g = ers_bgp_cfg_merge(&s->bgp, &l->cfg.bgp);
	if (b.enabled)
		snprintf(buf, n, "BFD %g ms x %u, hold %g s", ers_time_to_s(b.interval) * 1e3,
			 b.multiplier, ers_time_to_s(g.hold));
	else
		snprintf(buf, n, "no BFD, hold %g s", ers_time_to_s(g.hold));
}

static void circuits_table(FILE *f, const struct ers_scenario *s, const struct ers_catalog *cat)
{
	static const char *const cols[] = { "circuit", "peering location", "provider",
		"bandwidth", "SKU", "MSEE pair", "primary link", "secondary link" };
	char b[2][128];

	fputs("<table class=\"circuits\">\n", f);
	th_row(f, cols, 8);
	for (size_t i = 0; i < s->n_circuits; i++) {
		const struct ers_circuit *c = &s->circuits[i];
		const struct ers_location *l = ers_catalog_location(cat, c->location);
		const struct ers_provider *p = &s->providers[c->provider];

		fputs("<tr>", f);
		td(f, NULL, c->id);
		td(f, NULL, l && l->name ? l->name : c->location);
		elem(f, "<td>", p->id, " (");
		esc(f, ers_provider_model_str(p->model));
		fputs(")</td><td class=\"n\">", f);
		put_rate(f, c->bandwidth);
		fputs("</td>", f);
		td(f, NULL, ers_sku_str(c->sku));
		fprintf(f, "<td class=\"n\">%d</td>", c->msee_pair);
		for (int r = 0; r < 2; r++) {
			bfd_text(s, &c->links[r], b[r], sizeof b[r]);
			td(f, NULL, b[r]);
		}
		fputs("</tr>\n", f);
	}
	fputs("</table>\n", f);
}

static void vnets_table(FILE *f, const struct ers_scenario *s, const struct ers_catalog *cat)
{
	static const char *const cols[] = { "VNet", "region", "gateway", "prefixes",
		"connections (circuit, weight)" };

	fputs("<table class=\"vnets\">\n", f);
	th_row(f, cols, 5);
	for (size_t i = 0; i < s->n_vnets; i++) {
		const struct ers_vnet *v = &s->vnets[i];
		const struct ers_region *rg = ers_catalog_region(cat, v->region);

		fputs("<tr>", f);
		td(f, NULL, v->id);
		td(f, NULL, rg && rg->name ? rg->name : v->region);
		td(f, NULL, ers_gw_sku_str(v->gw_sku));
		fputs("<td>", f);
		for (size_t k = 0; k < v->n_prefixes; k++) {
			uint32_t a = v->prefixes[k].addr;

			fprintf(f, "%s%u.%u.%u.%u/%u", k ? ", " : "", a >> 24, (a >> 16) & 255,
				(a >> 8) & 255, a & 255, v->prefixes[k].len);
		}
		fputs("</td><td>", f);
		for (size_t k = 0; k < v->n_connections; k++) {
			fputs(k ? ", " : "", f);
			esc(f, s->circuits[v->connections[k].circuit].id);
			fprintf(f, " (%" PRIu32 ")", v->connections[k].weight);
		}
		fputs("</td></tr>\n", f);
	}
	fputs("</table>\n", f);
}

static void inventory(FILE *f, const struct ers_scenario *s, const struct ers_catalog *cat)
{
	fputs("<h3>Circuits</h3>\n", f);
	circuits_table(f, s, cat);
	fputs("<h3>VNets</h3>\n", f);
	vnets_table(f, s, cat);
	if (s->n_global_reach) {
		fputs("<h3>Global Reach</h3>\n<ul>\n", f);
		for (size_t i = 0; i < s->n_global_reach; i++) {
			elem(f, "<li>", s->circuits[s->global_reach[i].a].id, " &harr; ");
			elem(f, "", s->circuits[s->global_reach[i].b].id, "</li>\n");
		}
		fputs("</ul>\n", f);
	}
}

/* ---- the run page ---- */

static const char topo_caption[] =
	"Sites (blue) reach MSEE pairs at peering locations (grey) over circuit links "
	"(blue: primary, cyan: secondary); MSEEs reach the VNet gateways of Azure regions "
	"(green) over Microsoft's backbone (grey). Purple: Global Reach; brown: site links; "
	"dashed: VPN. Red: what the timeline fails, and when.";

static void topology_section(struct page *p, const char *name, const struct ers_scenario *s,
			     const struct ers_catalog *cat)
{
	char *dot;

	if (!s || !cat) {
		note_missing(p, name, "no scenario given (a result document alone has no topology)");
		return;
	}
	if (!renderer_ok(p, R_DOT)) {
		renderer_absent(p, name, R_DOT);
		return;
	}
	dot = ers_html_topology_dot(s, cat);
	picture(p, name, R_DOT, dot, topo_caption);
	free(dot);
}

static void timelines_section(struct page *p, const struct ers_result *r)
{
	char name[300];

	if (!r->n_flows)
		fputs("<p>No flows to draw.</p>\n", p->out);
	for (size_t i = 0; i < r->n_flows; i++) {
		char *script = NULL;

		snprintf(name, sizeof name, "timeline of flow %s", r->flows[i].id);
		if (renderer_ok(p, R_GNUPLOT))
			script = timeline_script(r, i, secs(r->end), true);
		picture(p, name, R_GNUPLOT, script,
			"Delivered rate against simulated time; below, a zoom on each event. "
			"Red line: failure, blue: restore, orange dashed: first detection, "
			"green dotted: convergence; shaded: part of the flow not delivered.");
		free(script);
	}
}

static void bars_section(struct page *p, const struct ers_result *r)
{
	char *script = NULL;

	if (!r->n_events)
		return;
	if (renderer_ok(p, R_GNUPLOT))
		script = event_bars_script(r);
	picture(p, "event bars", R_GNUPLOT, script,
		"Per event, how long until the first router noticed it (detection) and until "
		"the last routing change it caused (convergence).");
	free(script);
}

enum ers_err ers_html_write_run(FILE *out, const struct ers_result *r,
				const struct ers_scenario *s,
				const struct ers_catalog *cat, unsigned flags)
{
	struct page p = { .out = out, .flags = flags, .err = ERS_OK };
	char title[300], b[32];

	snprintf(title, sizeof title, "ersim report: %s", r->scenario ? r->scenario : "");
	page_begin(&p, title);
	elem(out, "<h1>", title, "</h1>\n");
	fprintf(out, "<p class=\"sub\">seed %" PRIu64 ", simulated until %s", r->seed,
		tstr(r->end, b));
	if (s && s->description)
		elem(out, ". ", s->description, "");
	fputs("</p>\n", out);
	summary_cards(out, r);
	fputs("<h2>Topology</h2>\n", out);
	topology_section(&p, "topology picture", s, cat);
	if (s && cat)
		inventory(out, s, cat);
	fputs("<h2>Flows over time</h2>\n", out);
	timelines_section(&p, r);
	fputs("<h2>Failover times</h2>\n", out);
	bars_section(&p, r);
	events_table(out, r);
	fputs("<h2>Flows and paths</h2>\n", out);
	flows_table(out, r);
	paths_section(&p, r);
	fputs("<h2>Notices</h2>\n", out);
	notices_table(out, r);
	fputs("<h2>Reachability at the end</h2>\n<p class=\"sub\">Rows from, columns to.</p>\n",
	      out);
	reach_table(out, r);
	page_end(&p);
	return page_result(&p);
}

/* ---- compare ---- */

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
	elem(f, "<tr><th>", name, "</th>");
	for (size_t i = 0; i < n; i++) {
		fmt_value(v[i], k, b, sizeof b);
		td(f, best && lo < hi && v[i] == lo ? "n best" : "n", b);
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
		elem(f, "<th>", names[i], "</th>");
	fputs("</tr>\n", f);
#define ROW(name, expr, k, best) do { \
		for (size_t i = 0; i < n; i++) \
			v[i] = (expr); \
		metric_row(f, name, v, n, k, best); \
	} while (0)
	ROW("initial convergence", never_nan(rs[i]->initial_convergence), F_TIME, true);
	ROW("worst convergence after an event", never_nan(worst_convergence(rs[i])), F_TIME, true);
	ROW("worst flow outage", (double)worst_outage(rs[i]), F_TIME, true);
	ROW("traffic lost", (double)total_lost(rs[i]), F_BYTES, true);
	ROW("endpoint pairs unreachable at the end", (double)unreachable_pairs(rs[i]), F_COUNT, true);
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
	struct timeline *t = calloc(n, sizeof *t);
	struct ers_plot_chart *charts = calloc(n, sizeof *charts);
	char *script = NULL;
	bool ok = t && charts;
	size_t k;

	for (k = 0; ok && k < n; k++) {
		long j = flow_index(rs[k], id);
		struct ers_flow_result none = { .id = (char *)id, .from = "", .to = "(no such flow)" };

		ok = timeline_build(&t[k], rs[k], j >= 0 ? &rs[k]->flows[j] : &none, t_end, false);
		charts[k] = t[k].charts[0];
		snprintf(t[k].titles[0], sizeof t[k].titles[0], "%s: flow %s%s", names[k], id,
			 j >= 0 ? "" : " (not in this design)");
		charts[k].title = t[k].titles[0];
		charts[k].key = k == 0;
		charts[k].xlabel = k + 1 == n ? "simulated time (s)" : "";
	}
	if (ok)
		script = ers_plot_script(charts, n, ERS_PLOT_STACK, PAGE_WIDTH,
					 60 + 240 * (int)n);
	for (size_t i = 0; t && i < n; i++)
		timeline_release(&t[i]);
	free(t);
	free(charts);
	return script;
}

static void compare_timelines(struct page *p, const struct ers_result *const *rs,
			      const char *const *names, size_t n)
{
	double t_end = 0;
	char name[300];

	for (size_t k = 0; k < n; k++)
		t_end = secs(rs[k]->end) > t_end ? secs(rs[k]->end) : t_end;
	for (size_t d = 0; d < n; d++)
		for (size_t i = 0; i < rs[d]->n_flows; i++) {
			char *script = NULL;

			if (!first_seen(rs, d, i))
				continue;
			snprintf(name, sizeof name, "timelines of flow %s", rs[d]->flows[i].id);
			if (renderer_ok(p, R_GNUPLOT))
				script = compare_script(rs, names, n, rs[d]->flows[i].id, t_end);
			picture(p, name, R_GNUPLOT, script,
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
	struct page p = { .out = out, .flags = flags, .err = ERS_OK };
	char name[300];

	page_begin(&p, "ersim comparison");
	fputs("<h1>ersim comparison</h1>\n<p class=\"sub\">", out);
	for (size_t i = 0; i < n; i++) {
		elem(out, i ? ", <b>" : "<b>", names[i], "</b> (");
		esc(out, results[i]->scenario);
		fprintf(out, ", seed %" PRIu64 ")", results[i]->seed);
	}
	fputs("</p>\n<h2>Metrics side by side</h2>\n", out);
	p.err = metrics_table(out, results, names, n);
	fputs("<h2>Flows over time</h2>\n", out);
	compare_timelines(&p, results, names, n);
	fputs("<h2>Events</h2>\n", out);
	for (size_t i = 0; i < n; i++) {
		elem(out, "<h3>", names[i], "</h3>\n");
		events_table(out, results[i]);
	}
	for (size_t i = 0; scenarios && cats && i < n; i++)
		if (scenarios[i] && cats[i]) {
			if (i == 0)
				fputs("<h2>Topologies</h2>\n", out);
			elem(out, "<h3>", names[i], "</h3>\n");
			snprintf(name, sizeof name, "topology of %s", names[i]);
			topology_section(&p, name, scenarios[i], cats[i]);
		}
	page_end(&p);
	return page_result(&p);
}

/* ---- batch ---- */

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
	td(f, "n", b);
	snprintf(b, sizeof b, "%zu", n_in - n);
	td(f, "n", b);
	for (int i = 0; i < 3; i++) {
		double x = quantile(s, n, i == 0 ? 0.5 : i == 1 ? 0.95 : 1.0);

		if (isnan(x))
			snprintf(b, sizeof b, "-");
		else
			duration_text_html(x, b, sizeof b);
		td(f, "n", b);
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
		elem(f, "<tr><th>", c[i].label, "</th>");
		stat_cells(f, c[i].outage_s, c[i].n_outage, oom);
		stat_cells(f, c[i].convergence_s, c[i].n_convergence, oom);
		td(f, "n", ers_report_bytes((uint64_t)llround(c[i].lost_bytes), b, sizeof b));
		if (avail) {
			availability_text(c[i].availability, b, sizeof b);
			td(f, "n", b);
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

	elem(f, "<h3>", c->label, "</h3>\n");
	fprintf(f, "<p class=\"sub\">%zu failure set%s run; ", c->n_sets,
		c->n_sets == 1 ? "" : "s");
	if (c->n_ranked < c->n_sets)
		fprintf(f, "the %zu with the most impact (traffic lost, then outage):</p>\n",
			c->n_ranked);
	else
		fputs("ranked by impact (traffic lost, then outage):</p>\n", f);
	fputs("<table class=\"ranked\">\n", f);
	th_row(f, cols, 8);
	for (size_t i = 0; i < c->n_ranked; i++) {
		const struct ers_html_ranked *r = &c->ranked[i];

		snprintf(b[0], sizeof b[0], "%zu", i + 1);
		duration_text_html(r->outage_s, b[1], sizeof b[1]);
		duration_text_html(r->down_s, b[2], sizeof b[2]);
		ers_report_bytes((uint64_t)llround(r->lost_bytes), b[3], sizeof b[3]);
		snprintf(b[4], sizeof b[4], "%u of %u", r->flows_hit, r->n_flows);
		fputs("<tr>", f);
		td(f, "n", b[0]);
		td(f, NULL, r->failure);
		td(f, r->outage_s > 0 ? "n no" : "n yes", b[1]);
		td(f, "n", b[2]);
		td(f, "n", b[3]);
		td(f, "n", b[4]);
		td(f, r->cut ? "no" : "yes", r->cut ? "NO" : "yes");
		if (r->link) {
			fputs("<td><a href=\"", f);
			esc(f, r->link);
			fputs("\">run report</a></td>", f);
		} else {
			td(f, "na", "-");
		}
		fputs("</tr>\n", f);
	}
	fputs("</table>\n", f);
}

/* The CDF of each combination's samples (outage or convergence). */
static char *cdf_script(const struct ers_html_combo *c, size_t n, bool outage)
{
	struct points *pts = calloc(n ? n : 1, sizeof *pts);
	struct ers_plot_series *ser = calloc(n ? n : 1, sizeof *ser);
	char *script = NULL;
	bool oom = !pts || !ser;

	for (size_t i = 0; !oom && i < n; i++) {
		size_t m;
		double *s = valid_sorted(outage ? c[i].outage_s : c[i].convergence_s,
					 outage ? c[i].n_outage : c[i].n_convergence, &m, &oom);

		if (m)
			points_add(&pts[i], s[0], 0);
		for (size_t k = 0; k < m; k++)
			points_add(&pts[i], s[k], (double)(k + 1) / (double)m);
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
		script = ers_plot_script(&ch, 1, ERS_PLOT_STACK, PAGE_WIDTH, 380);
	}
	for (size_t i = 0; pts && i < n; i++)
		points_release(&pts[i]);
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
		td(f, "na", "-");
		return;
	}
	if (isnan(out)) {	/* only the end state is known */
		td(f, m->cut[k] ? "no" : "yes", m->cut[k] ? "cut" : "ok");
		return;
	}
	if (out <= 0 && !m->cut[k]) {
		td(f, "n p-none", "no outage");
		return;
	}
	duration_text_html(out, t, sizeof t);
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
	elem(f, "<h3>", m->label, "</h3>\n");
	if (m->outage_s) {
		duration_text_html(worst, t, sizeof t);
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
		elem(f, "<th>", m->targets[j], "</th>");
	fputs("</tr>\n", f);
	for (size_t i = 0; i < n; i++) {
		elem(f, "<tr><th>", m->targets[i], "</th>");
		for (size_t j = 0; j < n; j++) {
			if (i == j)
				td(f, "na", "-");
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
	struct page p = { .out = out, .flags = flags, .err = ERS_OK };
	char heading[300];
	bool oom = false;

	snprintf(heading, sizeof heading, "ersim batch: %s", title ? title : "");
	page_begin(&p, heading);
	elem(out, "<h1>", heading, "</h1>\n");
	fputs("<h2>Per parameter combination</h2>\n", out);
	batch_summary(out, combos, n_combos, &oom);
	for (int k = 0; k < 2 && n_combos; k++) {
		char *script = renderer_ok(&p, R_GNUPLOT) ? cdf_script(combos, n_combos, !k) : NULL;

		picture(&p, k ? "convergence CDF" : "outage CDF", R_GNUPLOT, script,
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
	page_end(&p);
	return page_result(&p);
}
