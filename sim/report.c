/*
 * report.c - the readable report of a run (report.h). Each section is a
 * small table: cells are formatted into strings first, then printed with
 * every column as wide as its widest cell, two spaces apart, numbers
 * right-aligned, no trailing blanks. A row may instead be a "line": free
 * text under the row before it that does not widen any column (the paths
 * under each flow, one per interval it held, with the kind of each hop). Everything printed comes from the result in its own
 * order, which run.c makes stable (events by time, flows and endpoints in
 * scenario order), so equal results give equal reports.
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "ersim/report.h"
#include "ersim/util.h"

#define MAX_COLS 10

struct table {
	size_t n_cols;
	unsigned right;			/* bit i: column i right-aligned */
	char **cells;			/* n_rows * n_cols; NULL = empty */
	bool *line;			/* row i is free text in its cell 0 */
	size_t n_rows, cap;
	bool oom;
};

static void table_init(struct table *t, size_t n_cols, unsigned right)
{
	memset(t, 0, sizeof *t);
	t->n_cols = n_cols;
	t->right = right;
}

static void table_release(struct table *t)
{
	for (size_t i = 0; i < t->n_rows * t->n_cols; i++)
		free(t->cells[i]);
	free(t->cells);
	free(t->line);
}

static bool table_grow(struct table *t)
{
	size_t cap = t->cap ? 2 * t->cap : 16;
	char **cells;
	bool *line;

	cells = realloc(t->cells, cap * t->n_cols * sizeof *cells);
	if (!cells)
		return false;
	t->cells = cells;
	line = realloc(t->line, cap * sizeof *line);
	if (!line)
		return false;
	t->line = line;
	t->cap = cap;
	return true;
}

/* Append a row of n_cols cells (copied; NULL allowed), or with is_line a
 * free text line in v[0]. */
static void table_addv(struct table *t, bool is_line, const char *const *v)
{
	char **row;

	if (t->oom || (t->n_rows == t->cap && !table_grow(t))) {
		t->oom = true;
		return;
	}
	row = &t->cells[t->n_rows * t->n_cols];
	memset(row, 0, t->n_cols * sizeof *row);
	t->line[t->n_rows++] = is_line;
	for (size_t i = 0; i < (is_line ? 1 : t->n_cols); i++)
		if (v[i] && !(row[i] = strdup(v[i])))
			t->oom = true;
}

static void table_row(struct table *t, ...)
{
	const char *v[MAX_COLS];
	va_list ap;

	va_start(ap, t);
	for (size_t i = 0; i < t->n_cols; i++)
		v[i] = va_arg(ap, const char *);
	va_end(ap);
	table_addv(t, false, v);
}

static void table_line(struct table *t, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void table_line(struct table *t, const char *fmt, ...)
{
	char buf[4096];
	const char *v[1] = { buf };
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	table_addv(t, true, v);
}

static void print_row(const struct table *t, char **row, const size_t *w,
		      FILE *out)
{
	size_t last = t->n_cols;

	while (last > 0 && !row[last - 1])
		last--;
	fputs("  ", out);
	for (size_t c = 0; c < last; c++) {
		const char *s = row[c] ? row[c] : "";
		int pad = (int)(w[c] - strlen(s));

		if (t->right & (1u << c))
			fprintf(out, "%*s%s", pad, "", s);
		else if (c + 1 < last)
			fprintf(out, "%s%*s", s, pad, "");
		else
			fputs(s, out);
		if (c + 1 < last)
			fputs("  ", out);
	}
	fputc('\n', out);
}

static enum ers_err table_print(const struct table *t, FILE *out)
{
	size_t w[MAX_COLS] = { 0 };

	if (t->oom)
		return ERS_ENOMEM;
	for (size_t r = 0; r < t->n_rows; r++)
		for (size_t c = 0; c < t->n_cols && !t->line[r]; c++) {
			const char *s = t->cells[r * t->n_cols + c];

			if (s && strlen(s) > w[c])
				w[c] = strlen(s);
		}
	for (size_t r = 0; r < t->n_rows; r++) {
		if (t->line[r])
			fprintf(out, "  %s\n", t->cells[r * t->n_cols]);
		else
			print_row(t, &t->cells[r * t->n_cols], w, out);
	}
	return ERS_OK;
}

/* ---- value formats ---- */

char *ers_report_time(ers_time_t t, char *buf, size_t n)
{
	int64_t ms;

	if (t == ERS_TIME_NEVER) {
		snprintf(buf, n, "-");
		return buf;
	}
	ms = (t + ERS_MS / 2) / ERS_MS;	/* integer rounding: no float drift */
	snprintf(buf, n, "%" PRId64 ".%03d s", ms / 1000, (int)(ms % 1000));
	return buf;
}

char *ers_report_bytes(uint64_t b, char *buf, size_t n)
{
	static const char *const units[] = { "kB", "MB", "GB", "TB", "PB", "EB" };
	double v = (double)b;
	size_t u = 0;

	if (b < 1000) {
		snprintf(buf, n, "%" PRIu64 " B", b);
		return buf;
	}
	v /= 1000;
	while (v >= 999.95 && u + 1 < sizeof units / sizeof units[0]) {
		v /= 1000;
		u++;
	}
	snprintf(buf, n, "%.1f %s", v, units[u]);
	return buf;
}

/* A share as a percentage, whole when it is within 0.05 of one. A share
 * read from a result document can be any number: one too large for a
 * long long is printed as it is (the cast would be undefined). */
static const char *percent(double share, char *buf, size_t n)
{
	double p = share * 100;

	if (p > -1e15 && p < 1e15 && p - (double)(long long)(p + 0.5) < 0.05 &&
	    (double)(long long)(p + 0.5) - p < 0.05)
		snprintf(buf, n, "%lld%%", (long long)(p + 0.5));
	else
		snprintf(buf, n, "%.1f%%", p);
	return buf;
}

/* ---- sections ---- */

static void print_header(const struct ers_result *r, FILE *out)
{
	char t1[32], t2[32];

	fprintf(out, "scenario: %s, seed %" PRIu64 "\n",
		r->scenario ? r->scenario : "-", r->seed);
	fprintf(out, "topology: %zu router%s, %zu link%s, %zu session%s\n",
		r->n_routers, ers_s(r->n_routers), r->n_links, ers_s(r->n_links), r->n_sessions,
		ers_s(r->n_sessions));
	fprintf(out, "initial convergence: %s\n",
		ers_report_time(r->initial_convergence, t1, sizeof t1));
	fprintf(out, "simulated until: %s\n", ers_report_time(r->end, t2, sizeof t2));
}

/* A maintenance is a window, not a failure: its row above shows the
 * drain (from `at`) and what the drain moved; here when the link went
 * down and came back. */
static void print_windows(const struct ers_result *r, FILE *out)
{
	bool first = true;

	for (size_t i = 0; i < r->n_events; i++) {
		const struct ers_event_result *e = &r->events[i];
		char at[32], down[32], up[32];

		if (strcmp(e->action, "maintenance"))
			continue;
		if (first)
			fprintf(out, "\nmaintenance windows (convergence above is the drain's)\n");
		first = false;
		fprintf(out, "  %s: drain at %s, down at %s, up at %s\n", e->target,
			ers_report_time(e->at, at, sizeof at),
			ers_report_time(e->down_at, down, sizeof down),
			ers_report_time(e->up_at, up, sizeof up));
	}
}

static enum ers_err print_events(const struct ers_result *r, FILE *out)
{
	struct table t;
	enum ers_err rc;

	if (!r->n_events) {
		fprintf(out, "\nevents: none\n");
		return ERS_OK;
	}
	fprintf(out, "\nevents\n");
	table_init(&t, 8, 1u << 0 | 1u << 3 | 1u << 4 | 1u << 5 | 1u << 6 | 1u << 7);
	table_row(&t, "at", "action", "target", "detected", "converged",
		  "convergence", "updates", "withdrawals");
	for (size_t i = 0; i < r->n_events; i++) {
		const struct ers_event_result *e = &r->events[i];
		char at[32], det[32], conv[32], dur[32], upd[24], wd[24];

		ers_report_time(e->at, at, sizeof at);
		ers_report_time(e->detected, det, sizeof det);
		ers_report_time(e->converged, conv, sizeof conv);
		ers_report_time(e->converged == ERS_TIME_NEVER ? ERS_TIME_NEVER :
				e->converged - e->at, dur, sizeof dur);
		snprintf(upd, sizeof upd, "%" PRIu64, e->updates);
		snprintf(wd, sizeof wd, "%" PRIu64, e->withdrawals);
		table_row(&t, at, e->action, e->target, det, conv, dur, upd, wd);
	}
	rc = table_print(&t, out);
	table_release(&t);
	if (rc == ERS_OK)
		print_windows(r, out);
	return rc;
}

/* "a > b > c", or with hop kinds "a > ExpressRoute > b > VPN > c"; with
 * " (no route)" or " (loop)" when not delivered. */
static void path_text(const struct ers_path_entry *p, char *buf, size_t n)
{
	size_t len = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < p->n_nodes && len < n; i++) {
		if (i && p->hops)
			len += (size_t)snprintf(buf + len, n - len, " > %s",
						ers_hop_kind_label(p->hops[i - 1]));
		if (len < n)
			len += (size_t)snprintf(buf + len, n - len, "%s%s",
						i ? " > " : "", p->nodes[i]);
	}
	if (len < n && p->status == ERS_PATH_BLACKHOLE)
		snprintf(buf + len, n - len, " (no route)");
	else if (len < n && p->status == ERS_PATH_LOOP)
		snprintf(buf + len, n - len, " (loop)");
}

/* The end of the ECMP group starting at paths[lo]: entries sharing its
 * from. */
static size_t group_end(const struct ers_flow_result *f, size_t lo)
{
	size_t hi = lo + 1;

	while (hi < f->n_paths && f->paths[hi].from == f->paths[lo].from)
		hi++;
	return hi;
}

/* "60.900-239.088 s": from the group's start to the next group's, or to
 * the end of the run. */
static void interval_text(const struct ers_result *r,
			  const struct ers_flow_result *f, size_t lo,
			  char *buf, size_t n)
{
	size_t hi = group_end(f, lo);
	ers_time_t to = hi < f->n_paths ? f->paths[hi].from : r->end;
	char a[32], b[32];

	ers_report_time(f->paths[lo].from, a, sizeof a);
	ers_report_time(to, b, sizeof b);
	if (strlen(a) > 2)
		a[strlen(a) - 2] = '\0';	/* one unit for both ends */
	snprintf(buf, n, "%s-%s", a, b);
}

/* Every path the flow took, in time order, one line per ECMP member
 * under the interval it held; a path taken again after a restore gets a
 * line per interval, so the lines read as the flow's timeline. */
static void flow_paths(struct table *t, const struct ers_result *r,
		       const struct ers_flow_result *f)
{
	char text[2048], pc[16], iv[80];
	int w = 0;

	if (!f->n_paths) {
		table_line(t, "    (no path)");
		return;
	}
	for (size_t lo = 0; lo < f->n_paths; lo = group_end(f, lo)) {
		interval_text(r, f, lo, iv, sizeof iv);
		if ((int)strlen(iv) > w)
			w = (int)strlen(iv);
	}
	for (size_t lo = 0, hi; lo < f->n_paths; lo = hi) {
		hi = group_end(f, lo);
		interval_text(r, f, lo, iv, sizeof iv);
		for (size_t i = lo; i < hi; i++) {
			path_text(&f->paths[i], text, sizeof text);
			table_line(t, "    %-*s %5s  %s", w, i == lo ? iv : "",
				   percent(f->paths[i].share, pc, sizeof pc), text);
		}
	}
}

static void flow_rows(struct table *t, const struct ers_result *r,
		      const struct ers_flow_result *f)
{
	char ends[512], outage[32], down[32], lost[32], util[16];

	snprintf(ends, sizeof ends, "%s -> %s", f->from, f->to);
	snprintf(util, sizeof util, "%.1f%%", f->max_utilization * 100);
	table_row(t, f->id, ends, ers_report_time(f->outage, outage, sizeof outage),
		  ers_report_time(f->down, down, sizeof down),
		  ers_report_bytes(f->lost_bytes, lost, sizeof lost),
		  f->final_reachable ? "yes" : "NO", util,
		  f->max_utilization_link ? f->max_utilization_link : "-");
	flow_paths(t, r, f);
}

static enum ers_err print_flows(const struct ers_result *r, FILE *out)
{
	struct table t;
	enum ers_err rc;

	if (!r->n_flows) {
		fprintf(out, "\nflows: none\n");
		return ERS_OK;
	}
	fprintf(out, "\nflows\n");
	table_init(&t, 8, 1u << 2 | 1u << 3 | 1u << 4 | 1u << 6);
	table_row(&t, "id", "from -> to", "outage", "down", "lost", "reachable",
		  "max util", "busiest link");
	for (size_t i = 0; i < r->n_flows; i++)
		flow_rows(&t, r, &r->flows[i]);
	rc = table_print(&t, out);
	table_release(&t);
	return rc;
}

static enum ers_err print_notices(const struct ers_result *r, FILE *out)
{
	struct table t;
	enum ers_err rc;

	if (!r->n_notices) {
		fprintf(out, "\nnotices: none\n");
		return ERS_OK;
	}
	fprintf(out, "\nnotices\n");
	table_init(&t, 4, 1u << 0);
	table_row(&t, "at", "kind", "node", "detail");
	for (size_t i = 0; i < r->n_notices; i++) {
		const struct ers_notice *n = &r->notices[i];
		char at[32];

		table_row(&t, ers_report_time(n->at, at, sizeof at), n->kind,
			  n->node, n->detail);
	}
	rc = table_print(&t, out);
	table_release(&t);
	return rc;
}

/* Rows from, columns to. A table of at most MAX_COLS columns is printed
 * per block of endpoints, so wide matrices wrap instead of overflowing. */
static enum ers_err print_reach(const struct ers_result *r, FILE *out)
{
	size_t n = r->n_endpoints, per = MAX_COLS - 1;
	enum ers_err rc = ERS_OK;

	if (!n) {
		fprintf(out, "\nreachability: no endpoints\n");
		return ERS_OK;
	}
	fprintf(out, "\nreachability at the end (rows from, columns to)\n");
	for (size_t c0 = 0; c0 < n && rc == ERS_OK; c0 += per) {
		size_t nc = n - c0 < per ? n - c0 : per;
		const char *v[MAX_COLS];
		struct table t;

		if (c0)
			fputc('\n', out);
		table_init(&t, nc + 1, 0);
		v[0] = "";
		for (size_t j = 0; j < nc; j++)
			v[j + 1] = r->endpoints[c0 + j];
		table_addv(&t, false, v);
		for (size_t i = 0; i < n; i++) {
			v[0] = r->endpoints[i];
			for (size_t j = 0; j < nc; j++)
				v[j + 1] = i == c0 + j ? "-" :
					ers_result_reaches(r, i, c0 + j) ? "yes" : "NO";
			table_addv(&t, false, v);
		}
		rc = table_print(&t, out);
		table_release(&t);
	}
	return rc;
}

enum ers_err ers_report_write(const struct ers_result *r, FILE *out,
			      unsigned flags)
{
	enum ers_err rc;

	print_header(r, out);
	rc = print_events(r, out);
	if (rc == ERS_OK)
		rc = print_flows(r, out);
	if (rc == ERS_OK)
		rc = print_notices(r, out);
	if (rc == ERS_OK)
		rc = print_reach(r, out);
	if (rc == ERS_OK && (flags & ERS_REPORT_WALL))
		fprintf(out, "\nwall time: %.3f s\n", r->stats.wall_s);
	if (rc == ERS_OK && (fflush(out) || ferror(out)))
		rc = ERS_EIO;
	return rc;
}
