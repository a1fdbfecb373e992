/*
 * plot.h - running an external renderer (Graphviz `dot`, `gnuplot`) on a
 * script and collecting the SVG it prints, for the HTML reports
 * (html_*.c). The renderer is looked up on PATH and started with
 * posix_spawn (no shell), its stdin fed and its stdout read through pipes.
 * A renderer that is not installed is not an error of the report: the
 * caller gets ERS_EIO with a reason such as "Graphviz 'dot' not found"
 * and prints that note instead of the picture.
 */
#ifndef ERSIM_PLOT_H
#define ERSIM_PLOT_H

#include <stdbool.h>
#include <stddef.h>

#include "ersim/error.h"

/* Full path of an executable named prog on PATH (prog with a '/' is
 * taken as is), or NULL when there is none. The caller frees it. */
char *ers_plot_find(const char *prog);

/* Run prog (looked up on PATH) with argv (argv[0] included, NULL
 * terminated), write len bytes of input to its stdin and collect its
 * stdout. On ERS_OK *out is a NUL-terminated malloc'd buffer of *out_len
 * bytes (the caller frees it). Otherwise *out is NULL and, when why is
 * not NULL, *why is a malloc'd one-line reason ("not found", "exited
 * with status 1: <first stderr line>"): ERS_EIO when the program is
 * missing or fails, ERS_ENOMEM when out of memory. */
enum ers_err ers_plot_run(const char *prog, char *const argv[], const char *input,
			  size_t len, char **out, size_t *out_len, char **why);

/* Make an SVG document fit for inline use in HTML: drop the XML prolog
 * and DOCTYPE (which names an external DTD) and everything before
 * <svg, and prefix every id (and the url(#..) and href="#.." that refer
 * to one) with prefix, so that several pictures in one page do not share
 * ids. Returns a new malloc'd string, or NULL when out of memory or when
 * svg holds no <svg element. */
char *ers_plot_svg_inline(const char *svg, const char *prefix);

/* ---- charts (gnuplot) ----
 *
 * Charts are described with plain numbers and drawn by gnuplot's svg
 * terminal; the data goes inline in the script as datablocks. */

/* Vertical lines marking a moment on a time axis. */
enum ers_plot_mark {
	ERS_PLOT_MARK_FAIL,		/* red, solid */
	ERS_PLOT_MARK_RESTORE,		/* blue, solid */
	ERS_PLOT_MARK_MAINTENANCE,	/* brown, dash-dotted */
	ERS_PLOT_MARK_DETECTED,		/* orange, dashed */
	ERS_PLOT_MARK_CONVERGED,	/* green, dotted */
};
#define ERS_PLOT_N_MARKS 5

struct ers_plot_marker {
	double x;
	enum ers_plot_mark kind;
};

struct ers_plot_series {
	const char *title;		/* legend entry; NULL: none */
	const double *x, *y;		/* n points, x increasing */
	size_t n;
	bool steps;			/* y holds until the next x */
	bool fill;			/* fill between the curve and y = 0 */
};

/* Shaded x intervals (outages) drawn behind the data. */
struct ers_plot_band {
	double from, to;
};

struct ers_plot_chart {
	const char *title, *xlabel, *ylabel;
	double xmin, xmax;		/* equal: gnuplot chooses */
	double ymin, ymax;		/* equal: gnuplot chooses */
	bool logx;
	bool key;			/* draw the legend */
	const struct ers_plot_series *series;
	size_t n_series;
	const struct ers_plot_marker *markers;
	size_t n_markers;
	const struct ers_plot_band *bands;
	size_t n_bands;
};

/* Layout of several charts in one picture. */
enum ers_plot_layout {
	ERS_PLOT_STACK,			/* one above the other, full width */
	ERS_PLOT_TOP_ROW,		/* the first on top, the others in a row below */
};

/* The gnuplot script that draws n charts (n >= 1) into one SVG of
 * width x height pixels; malloc'd, NULL when out of memory. */
char *ers_plot_script(const struct ers_plot_chart *charts, size_t n,
		      enum ers_plot_layout layout, int width, int height);

/* Horizontal grouped bars: for each label up to two bars (values[0][i]
 * and values[1][i], NAN for none), each with its value written at its
 * end. A logarithmic axis is chosen when the values span more than two
 * decades. Malloc'd script, NULL when out of memory. */
char *ers_plot_bars_script(const char *title, const char *xlabel,
			   const char *const *labels, size_t n,
			   const double *const values[2], const char *const names[2],
			   int width, int height);

/* Run gnuplot on script and return inline-ready SVG (see
 * ers_plot_svg_inline) in *svg; errors as ers_plot_run. */
enum ers_err ers_plot_gnuplot(const char *script, const char *id_prefix,
			      char **svg, char **why);
/* The same with Graphviz dot on DOT text. */
enum ers_err ers_plot_dot(const char *dot, const char *id_prefix,
			  char **svg, char **why);

#endif
