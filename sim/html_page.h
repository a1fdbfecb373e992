/*
 * html_page.h - internal to the HTML reports (html_*.c): the page frame
 * and the pieces several pages share. A page is written straight to a
 * FILE through a struct ers_html_page, which remembers the pictures
 * placed (for unique SVG id prefixes), the renderer hints given and the
 * first out-of-memory met. The public entry points are in
 * include/ersim/html_report.h.
 *
 *   html_page.c     frame, style sheet, picture check, text and table helpers
 *   html_charts.c   gnuplot charts of a result: delivered rate, event bars
 *   html_paths.c    a flow's paths over time: the coloured bar and its table
 *   html_dot.c      the topology as Graphviz DOT, and the topology section
 *   html_run.c      the run page (and the result tables compare reuses)
 *   html_compare.c  the compare page
 *   html_batch.c    the batch page
 */
#ifndef ERSIM_HTML_PAGE_H
#define ERSIM_HTML_PAGE_H

#include <stdbool.h>
#include <stdio.h>

#include "ersim/compare.h"
#include "ersim/html_report.h"
#include "ersim/plot.h"

#define ERS_HTML_MAX_ZOOM 4		/* zoom panels per timeline */
#define ERS_HTML_WIDTH 1100		/* pixels of a full-width picture */
#define ERS_HTML_MIN_TEXT_PX 12		/* smallest text on screen (the page's check) */
#define ERS_HTML_DOT_MIN_FONT_PT 11	/* smallest font of the topology (edge labels) */

enum ers_html_renderer { ERS_HTML_DOT, ERS_HTML_GNUPLOT };

struct ers_html_page {
	FILE *out;
	unsigned flags;
	unsigned n_pics;		/* pictures placed, for unique id prefixes */
	unsigned hinted;		/* bit r: install hint for renderer r given */
	enum ers_err err;		/* first ENOMEM met */
};

/* ---- text (html_page.c) ---- */

void ers_html_esc(FILE *f, const char *s);	/* HTML-escaped text */
/* An element with escaped text: <tag attrs>text</tag>. */
void ers_html_elem(FILE *f, const char *open, const char *text, const char *close);
const char *ers_html_time(ers_time_t t, char *buf);	/* report.c's format; buf of 32 */
double ers_html_secs(ers_time_t t);		/* NAN for ERS_TIME_NEVER */
/* A rate unit that suits bps: the divisor, and its name in *name. */
double ers_html_rate_unit(double bps, const char **name);
void ers_html_put_rate(FILE *f, ers_rate_t bps);
void ers_html_th_row(FILE *f, const char *const *cols, size_t n);
void ers_html_td(FILE *f, const char *cls, const char *text);	/* cls may be NULL */

/* ---- frame and pictures (html_page.c) ---- */

void ers_html_page_begin(struct ers_html_page *p, const char *title);
void ers_html_page_end(struct ers_html_page *p);
/* ERS_OK, the first ENOMEM met, or ERS_EIO when out reported an error. */
enum ers_err ers_html_page_result(struct ers_html_page *p);
bool ers_html_renderer_ok(const struct ers_html_page *p, enum ers_html_renderer r);
/* Not drawn because the renderer is absent: page note, and a warning on
 * stderr unless the caller turned the renderer off. */
void ers_html_renderer_absent(struct ers_html_page *p, const char *name,
			      enum ers_html_renderer r);
void ers_html_note_missing(struct ers_html_page *p, const char *name, const char *why);
/* Draw input (DOT text or a gnuplot script; NULL when building it ran
 * out of memory) and place it as figure.pic, or a note saying why not. */
void ers_html_picture(struct ers_html_page *p, const char *name, enum ers_html_renderer r,
		      const char *input, const char *caption);

/* A growing list of (x, y) points; oom set when an append failed. */
struct ers_html_points {
	double *x, *y;
	size_t n, cap;
	bool oom;
};
void ers_html_points_add(struct ers_html_points *s, double x, double y);
void ers_html_points_release(struct ers_html_points *s);

/* ---- charts (html_charts.c) ---- */

/* A flow's delivered-rate charts (the whole run, then the zooms) and
 * the storage they point into. */
struct ers_html_timeline {
	struct ers_html_points steps, bands;
	struct ers_plot_marker *marks;
	size_t n_marks;
	struct ers_plot_band *band_v;
	size_t n_bands;
	struct ers_plot_series series;
	struct ers_plot_chart charts[1 + ERS_HTML_MAX_ZOOM];
	char titles[1 + ERS_HTML_MAX_ZOOM][320];
	char ylabel[64];
	size_t n_charts;
};
/* Fill t with flow f's charts over [0, t_end]; false when out of memory
 * (release t either way). */
bool ers_html_timeline_build(struct ers_html_timeline *t, const struct ers_result *r,
			     const struct ers_flow_result *f, double t_end, bool zoom);
void ers_html_timeline_release(struct ers_html_timeline *t);
/* The gnuplot script of flow fi's timeline; malloc'd, NULL when out of memory. */
char *ers_html_timeline_script(const struct ers_result *r, size_t fi, double t_end,
			       bool zoom);
/* The detection and convergence bars of r's events; malloc'd or NULL. */
char *ers_html_event_bars_script(const struct ers_result *r);

/* ---- paths (html_paths.c) ---- */

/* Two cells: the share, and the route with the kind of each hop. */
void ers_html_path_cell(FILE *f, const struct ers_path_entry *p);
/* Flow fl of r as a coloured bar over r's run, one colour per path
 * (nothing when fl has no path). */
void ers_html_path_figure(struct ers_html_page *p, const char *name,
			  const struct ers_result *r, const struct ers_flow_result *fl,
			  const char *caption);
/* Per flow of r: its paths as a coloured bar over the run, and the
 * table of every interval. */
void ers_html_paths_section(struct ers_html_page *p, const struct ers_result *r);

/* ---- topology (html_dot.c) ---- */

/* The topology picture of s (a note when s or cat is NULL). */
void ers_html_topology_section(struct ers_html_page *p, const char *name,
			       const struct ers_scenario *s, const struct ers_catalog *cat);

/* ---- result tables and summaries (html_run.c) ---- */

void ers_html_events_table(FILE *f, const struct ers_result *r);
size_t ers_html_unreachable_pairs(const struct ers_result *r);
ers_time_t ers_html_worst_convergence(const struct ers_result *r);	/* NEVER if none */
ers_time_t ers_html_worst_outage(const struct ers_result *r);
uint64_t ers_html_total_lost(const struct ers_result *r);

#endif
