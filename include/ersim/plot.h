/*
 * plot.h - running an external renderer (Graphviz `dot`, `gnuplot`) on a
 * script and collecting the SVG it prints, for the HTML reports
 * (html_report.c). The renderer is looked up on PATH and started with
 * posix_spawn (no shell), its stdin fed and its stdout read through pipes.
 * A renderer that is not installed is not an error of the report: the
 * caller gets ERS_EIO with a reason such as "Graphviz 'dot' not found"
 * and prints that note instead of the picture.
 */
#ifndef ERSIM_PLOT_H
#define ERSIM_PLOT_H

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

#endif
