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
#include "ersim/compare.h"
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

/* A comparison of designs (compare.h): c built from the columns in
 * (in[j] is c's column j; results, scenarios and catalogs borrowed),
 * designs labelled by c's labels and scenario names ("A one-location"),
 * never by file path. The page: the designs; the --fail-on verdicts
 * (c->checked, c->violations); the metrics side by side; every row of c
 * with each column's value and its difference from A, better or worse;
 * per flow each design's path bar and, per moment, the paths each design
 * took with where and why they diverge from A's; the delivered-rate
 * timelines (one panel per design on one time axis); each design's
 * events; each design's topology when its scenario is given; what was
 * not compared. */
enum ers_err ers_html_write_compare(FILE *out, const struct ers_comparison *c,
				    const struct ers_cmp_input *in, unsigned flags);

/* One failure set of a batch (one run of it: the worst repetition, or
 * for random failures each repetition), for the table ranked by impact. */
struct ers_html_ranked {
	const char *failure;		/* "link:a + link:b", "srlg:x", "random #3" */
	double outage_s;		/* the worst flow's outage (any share lost) */
	double down_s;			/* the worst flow's time with nothing delivered */
	double lost_bytes;		/* traffic lost by all flows */
	unsigned flows_hit, n_flows;	/* flows with some outage, of all */
	bool cut;			/* some flow unreachable at the end */
	const char *link;		/* the run's own report (relative URL), or NULL */
};

/* One parameter combination of a batch and its samples (seconds, any
 * order; NAN or negative values are "never happened" and left out of the
 * CDF but counted). */
struct ers_html_combo {
	const char *label;		/* "bfd=on hold=90s" */
	const double *outage_s;		/* per run: the worst flow outage */
	size_t n_outage;
	const double *convergence_s;	/* per event: converged - at */
	size_t n_convergence;
	double lost_bytes;		/* traffic lost over all runs */
	double availability;		/* random failures: share of flow time
					 * without outage, 0..1; NAN otherwise */
	const struct ers_html_ranked *ranked;	/* failure sets, worst first */
	size_t n_ranked;		/* rows in ranked */
	size_t n_sets;			/* failure sets run in all (>= n_ranked) */
};

/* Pair failures: what failing each pair of targets did while they were
 * down. For targets i and j, at [i * n + j]: cut 1 when some flow was
 * unreachable at the end, 0 not, -1 not run; outage_s the worst flow's
 * outage and lost_bytes the traffic lost (NAN when not run). A batch
 * that restores its failures ends reachable, so only the outage and the
 * loss show what the pair did. outage_s and lost_bytes may be NULL. */
struct ers_html_pair_matrix {
	const char *label;		/* the combination it belongs to */
	const char *const *targets;	/* "link:er-ams/primary", ... */
	size_t n_targets;
	const signed char *cut;
	const double *outage_s;
	const double *lost_bytes;
};

/* The report of a batch: per combination a summary row (runs, median,
 * 95th percentile and worst outage and convergence, traffic lost, and
 * availability for random failures), the CDF of outage and of
 * convergence time (one curve per combination), the failure sets ranked
 * by impact (traffic lost, then outage) linking to the runs' own reports
 * when given, and for each pair matrix a table coloured by the outage
 * each pair caused. */
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
