/*
 * html_charts.c - the gnuplot charts drawn from a result (html_page.h),
 * for the run and compare pages. A flow's delivered rate is its rate
 * times the sum of the shares of its delivered paths: a step function
 * that changes at each path group's from time, shaded where part of the
 * flow is not delivered, with the events, their detection and
 * convergence marked, and one panel zoomed on each of the first events.
 * The event bars give, per event, the detection and convergence time.
 * The numbers are derived here; plot.c writes the scripts.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "html_page.h"

/* Outage intervals, as x pairs in a points buffer. */
static void band_edge(struct ers_html_points *bands, bool *open, bool short_of, double t)
{
	if (short_of && !*open)
		ers_html_points_add(bands, t, t);
	else if (!short_of && *open && !bands->oom)
		bands->y[bands->n - 1] = t;
	*open = short_of;
}

/* f's delivered rate (in units of unit bps) as steps over [0, t_end]:
 * before its first path group nothing is delivered yet (initial
 * convergence). Intervals where part of it is not delivered go to
 * bands as (from, to) in x, y. */
static void delivered_steps(const struct ers_flow_result *f, double t_end, double unit,
			    struct ers_html_points *s, struct ers_html_points *bands)
{
	double y = 0;
	bool open = false;

	if (!f->n_paths || f->paths[0].from > 0)
		ers_html_points_add(s, 0, 0);
	for (size_t i = 0; i < f->n_paths; ) {
		ers_time_t from = f->paths[i].from;
		double share = 0;

		for (; i < f->n_paths && f->paths[i].from == from; i++)
			if (f->paths[i].status == ERS_PATH_DELIVERED)
				share += f->paths[i].share;
		y = (double)f->rate * share / unit;
		ers_html_points_add(s, ers_time_to_s(from), y);
		band_edge(bands, &open, share < 1 - 1e-9, ers_time_to_s(from));
	}
	ers_html_points_add(s, t_end, y);
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

		m[(*n)++] = (struct ers_plot_marker){ ers_html_secs(e->at), action_mark(e->action) };
		if (e->detected != ERS_TIME_NEVER)
			m[(*n)++] = (struct ers_plot_marker){ ers_html_secs(e->detected),
							      ERS_PLOT_MARK_DETECTED };
		if (e->converged != ERS_TIME_NEVER)
			m[(*n)++] = (struct ers_plot_marker){ ers_html_secs(e->converged),
							      ERS_PLOT_MARK_CONVERGED };
	}
	return m;
}

/* The window a zoom on event e shows: from a little before it to a
 * little after the last thing it caused. */
static void zoom_window(const struct ers_event_result *e, double t_end, double *lo,
			double *hi)
{
	double at = ers_html_secs(e->at), last = at, pad;

	if (e->detected != ERS_TIME_NEVER && ers_html_secs(e->detected) > last)
		last = ers_html_secs(e->detected);
	if (e->converged != ERS_TIME_NEVER && ers_html_secs(e->converged) > last)
		last = ers_html_secs(e->converged);
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
 * the width (about 8 pixels a character of the 13-pixel font). */
static void zoom_title(char *buf, const struct ers_event_result *e, size_t i, size_t n)
{
	size_t fit = (size_t)(ERS_HTML_WIDTH / (int)n / 8) - 4, len;

	snprintf(buf, 320, "%zu. %s %s", i + 1, e->action, e->target);
	len = strlen(buf);
	if (len > fit && fit > 8)
		snprintf(buf + fit - 3, 320 - fit + 3, "...");
}

void ers_html_timeline_release(struct ers_html_timeline *t)
{
	ers_html_points_release(&t->steps);
	ers_html_points_release(&t->bands);
	free(t->marks);
	free(t->band_v);
}

/* Fill t with the charts of flow f: the whole run, then the zooms. */
bool ers_html_timeline_build(struct ers_html_timeline *t, const struct ers_result *r,
			   const struct ers_flow_result *f, double t_end, bool zoom)
{
	const char *uname;
	double unit = ers_html_rate_unit(f->rate ? (double)f->rate : 1e6, &uname), top;
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
	for (size_t i = 0; zoom && i < r->n_events && i < ERS_HTML_MAX_ZOOM; i++) {
		struct ers_plot_chart *c = &t->charts[t->n_charts];

		*c = t->charts[0];
		zoom_window(&r->events[i], t_end, &c->xmin, &c->xmax);
		zoom_title(t->titles[t->n_charts], &r->events[i], i,
			   r->n_events < ERS_HTML_MAX_ZOOM ? r->n_events : ERS_HTML_MAX_ZOOM);
		c->title = t->titles[t->n_charts];
		c->xlabel = "s";
		c->key = false;
		t->n_charts++;
	}
	return true;
}

char *ers_html_timeline_script(const struct ers_result *r, size_t fi, double t_end,
			     bool zoom)
{
	struct ers_html_timeline t;
	char *script = NULL;

	if (ers_html_timeline_build(&t, r, &r->flows[fi], t_end, zoom))
		script = ers_plot_script(t.charts, t.n_charts, ERS_PLOT_TOP_ROW, ERS_HTML_WIDTH,
					 t.n_charts > 1 ? 580 : 340);
	ers_html_timeline_release(&t);
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
	script = ers_html_timeline_script(r, f, t_end > 0 ? t_end : ers_html_secs(r->end), zoom);
	if (!script)
		return ERS_ENOMEM;
	rc = ers_plot_gnuplot(script, id_prefix, svg, why);
	free(script);
	return rc;
}

/* One bar pair per event: detection and convergence time after it. */
char *ers_html_event_bars_script(const struct ers_result *r)
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
			 ers_html_time(e->at, at));
		det[i] = e->detected == ERS_TIME_NEVER ? NAN : ers_html_secs(e->detected - e->at);
		conv[i] = e->converged == ERS_TIME_NEVER ? NAN : ers_html_secs(e->converged - e->at);
	}
	if (ok)
		script = ers_plot_bars_script("detection and convergence time per event",
					      "seconds after the event", (const char *const *)labels,
					      n, values, names, ERS_HTML_WIDTH, 110 + 60 * (int)n);
	for (size_t i = 0; labels && i < n; i++)
		free(labels[i]);
	free(labels);
	free(det);
	free(conv);
	return script;
}
