/*
 * html_report.h - the HTML reports of `ersim run --report`, and the
 * entry points compare and batch use for theirs. Each writes one
 * self-contained page: styles, pictures (inline SVG from Graphviz and
 * gnuplot, see plot.h) and a small inline script that checks the
 * pictures; no external script, font, image or request of any kind.
 *
 * Pictures need the renderers on PATH. When one is missing (or fails,
 * or the caller asks with ERS_HTML_NO_DOT / ERS_HTML_NO_GNUPLOT) the
 * page keeps every table and shows a visible note in the picture's place,
 * such as "topology picture not drawn: Graphviz 'dot' not found".
 *
 * A picture that cannot be drawn is also reported on stderr, as
 * "ersim: warning: NAME not drawn: WHY" with once per page a note naming
 * the Debian package to install; pictures left out on request
 * (ERS_HTML_NO_*) are not. Nothing else is written to stderr.
 *
 * All functions write to out and return ERS_OK, ERS_ENOMEM, or ERS_EIO
 * when out reports a write error. Output depends only on the inputs (and
 * on the renderers' versions).
 */
#ifndef ERSIM_HTML_REPORT_H
#define ERSIM_HTML_REPORT_H

#include <stdio.h>

#include "ersim/catalog.h"
#include "ersim/error.h"
#include "ersim/result.h"
#include "ersim/scenario.h"

enum {
	ERS_HTML_NO_DOT = 1u << 0,	/* act as if Graphviz were not installed */
	ERS_HTML_NO_GNUPLOT = 1u << 1,	/* act as if gnuplot were not installed */
	ERS_HTML_NO_SCRIPT = 1u << 2,	/* leave out the picture-checking script */
};

/* The report of one run: summary, topology (needs s and cat; either NULL
 * leaves the picture out with a note), one delivered-rate timeline per
 * flow with failures, detections and convergence marked (and a zoom on
 * each event), a bar per event for detection and convergence time, the
 * inventory of the design, and the tables of the text report (events,
 * flows with their paths, notices, reachability). */
enum ers_err ers_html_write_run(FILE *out, const struct ers_result *r,
				const struct ers_scenario *s,
				const struct ers_catalog *cat, unsigned flags);

/* Several designs: their timelines one above the other on one time axis
 * (one picture per flow id, one panel per design), their metrics side by
 * side, and their event times. names[i] labels results[i]; n >= 1.
 * scenarios and cats may be NULL (or hold NULLs): when given, each
 * design's topology is drawn too. */
enum ers_err ers_html_write_compare(FILE *out, const struct ers_result *const *results,
				    const char *const *names, size_t n,
				    const struct ers_scenario *const *scenarios,
				    const struct ers_catalog *const *cats,
				    unsigned flags);

/* One parameter combination of a batch and its samples (seconds, any
 * order; NAN or negative values are "never happened" and left out of the
 * CDF but counted). */
struct ers_html_combo {
	const char *label;		/* "bfd=on hold=90s" */
	const double *outage_s;		/* per run: the worst flow outage */
	size_t n_outage;
	const double *convergence_s;	/* per event: converged - at */
	size_t n_convergence;
};

/* Pair failures: which pairs of failed targets cut reachability.
 * cut[i * n + j] for targets i and j: 1 cut, 0 did not, -1 not run. */
struct ers_html_pair_matrix {
	const char *label;		/* the combination it belongs to */
	const char *const *targets;	/* "link:er-ams/primary", ... */
	size_t n_targets;
	const signed char *cut;
};

/* The report of a batch: per combination a summary row (runs, median,
 * 95th percentile and worst outage and convergence), the CDF of outage
 * and of convergence time (one curve per combination), and for each pair
 * matrix a table of which pairs cut reachability. */
enum ers_err ers_html_write_batch(FILE *out, const char *title,
				  const struct ers_html_combo *combos, size_t n_combos,
				  const struct ers_html_pair_matrix *pairs, size_t n_pairs,
				  unsigned flags);

/* Building blocks, for callers that lay out their own pages. Each sets
 * *svg to inline-ready SVG (caller frees) or, when the picture cannot be
 * drawn, returns ERS_EIO with *why a malloc'd reason (caller frees). */

/* The Graphviz DOT text of s's topology: clusters per site, peering
 * location and region, MSEE pairs, providers, Global Reach and VPN
 * links; failure targets of s's events in red. Malloc'd; NULL on error. */
char *ers_html_topology_dot(const struct ers_scenario *s, const struct ers_catalog *cat);

/* Flow f of r: delivered rate against time over [0, t_end] (t_end <= 0:
 * r->end), with r's events marked and, when zoom is set, one panel per
 * event zoomed on it. */
enum ers_err ers_html_timeline_svg(const struct ers_result *r, size_t f, double t_end,
				   bool zoom, const char *id_prefix, char **svg, char **why);

#endif
