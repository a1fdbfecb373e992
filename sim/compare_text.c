/*
 * compare_text.c - the readable tables of `ersim compare` (compare.h):
 * the columns and their inputs, then one table per section (events,
 * flows, reachability, resiliency, bill of materials, run) with a value
 * per column and, per column but A, the difference with better or worse;
 * the paths of each flow per moment with where and why they diverge from
 * A's; what was not compared; the --fail-on verdicts. Columns are padded
 * to their widest cell and trailing blanks trimmed. The cell and
 * difference texts are shared with the HTML page (html_compare.c).
 */
#include <inttypes.h>
#include <math.h>
#include <string.h>

#include "ersim/compare.h"
#include "ersim/report.h"
#include "ersim/util.h"

static const char *const section_titles[] = {
	[ERS_CMP_EVENTS] = "events (matched by target and time; detection and convergence after the event)",
	[ERS_CMP_FLOWS] = "flows",
	[ERS_CMP_PATHS] = "paths (before the first event, and every path after each until the next)",
	[ERS_CMP_REACH] = "reachability at the end: pairs that differ",
	[ERS_CMP_RESILIENCY] = "resiliency class per VNet (as ersim analyze)",
	[ERS_CMP_BOM] = "bill of materials (counts; no prices: list prices are not confirmed)",
	[ERS_CMP_RUN] = "run",
};

void ers_cmp_cell_text(const struct ers_comparison *c, const struct ers_cmp_row *r, size_t j,
		     char *buf, size_t n)
{
	const struct ers_cmp_cell *x = &r->cells[j];

	if (!x->present) {
		bool unknown = c->cols[j].is_result_doc &&
			(r->section == ERS_CMP_RESILIENCY || r->section == ERS_CMP_BOM);
		snprintf(buf, n, "%s", unknown ? "unknown" : "-");
	} else if (x->null) {
		snprintf(buf, n, "-");
	} else if (r->kind == ERS_CMP_SECONDS) {
		snprintf(buf, n, "%.3f s", x->num);
	} else if (r->kind == ERS_CMP_COUNT) {
		snprintf(buf, n, "%.0f", x->num);
	} else if (r->kind == ERS_CMP_BYTES) {
		ers_report_bytes((uint64_t)x->num, buf, n);
	} else if (r->kind == ERS_CMP_RATIO) {
		snprintf(buf, n, "%.1f%%", x->num * 100);
	} else if (r->kind == ERS_CMP_BOOL) {
		snprintf(buf, n, "%s", x->num ? "yes" : "NO");
	} else {
		snprintf(buf, n, "%s", x->text ? x->text : "");
	}
}

void ers_cmp_delta_text(const struct ers_cmp_row *r, size_t j, char *buf, size_t n)
{
	const struct ers_cmp_cell *a = &r->cells[0], *x = &r->cells[j];
	const char *v = ers_cmp_verdict(r, j);
	double d = x->num - a->num;
	char num[40] = "";

	buf[0] = '\0';
	if (!a->present || !x->present || a->null || x->null || ers_cmp_cells_equal(r->kind, a, x))
		return;
	if (r->kind == ERS_CMP_SECONDS)
		snprintf(num, sizeof num, "%+.3f s", d);
	else if (r->kind == ERS_CMP_COUNT)
		snprintf(num, sizeof num, "%+.0f", d);
	else if (r->kind == ERS_CMP_RATIO)
		snprintf(num, sizeof num, "%+.1f pt", d * 100);
	else if (r->kind == ERS_CMP_BYTES) {
		num[0] = d < 0 ? '-' : '+';
		ers_report_bytes((uint64_t)fabs(d), num + 1, sizeof num - 1);
	}
	if (num[0] && v)
		snprintf(buf, n, "%s (%s)", num, v);
	else
		snprintf(buf, n, "%s", num[0] ? num : v ? v : "");
}

static bool shown(const struct ers_cmp_row *r, unsigned flags)
{
	return r->differs || !(flags & ERS_CMP_ONLY_DIFF);
}

#define CELL 256

struct widths {
	int subject, metric, val[26], delta[26];
};

static void measure(const struct ers_comparison *c, enum ers_cmp_section sec,
		    unsigned flags, struct widths *w)
{
	char buf[CELL];
	size_t nc = c->n_cols < 26 ? c->n_cols : 26;

	memset(w, 0, sizeof *w);
	w->subject = sec == ERS_CMP_RUN ? 0 : 7;
	w->metric = 6;
	for (size_t j = 0; j < nc; j++)
		w->val[j] = (int)strlen(c->cols[j].label), w->delta[j] = 6;
	for (size_t i = 0; i < c->n_rows; i++) {
		const struct ers_cmp_row *r = &c->rows[i];
		if (r->section != sec || !shown(r, flags))
			continue;
		if (sec != ERS_CMP_RUN && (int)strlen(r->subject) > w->subject)
			w->subject = (int)strlen(r->subject);
		if ((int)strlen(r->metric) > w->metric)
			w->metric = (int)strlen(r->metric);
		for (size_t j = 0; j < nc; j++) {
			ers_cmp_cell_text(c, r, j, buf, sizeof buf);
			if ((int)strlen(buf) > w->val[j])
				w->val[j] = (int)strlen(buf);
			ers_cmp_delta_text(r, j, buf, sizeof buf);
			if ((int)strlen(buf) > w->delta[j])
				w->delta[j] = (int)strlen(buf);
		}
	}
}

static void table_header(const struct ers_comparison *c, enum ers_cmp_section sec,
			 const struct widths *w, FILE *out)
{
	static const char *const subj[] = { [ERS_CMP_EVENTS] = "event", [ERS_CMP_FLOWS] = "flow",
		[ERS_CMP_REACH] = "pair", [ERS_CMP_RESILIENCY] = "vnet", [ERS_CMP_BOM] = "item",
		[ERS_CMP_RUN] = "" };
	size_t nc = c->n_cols < 26 ? c->n_cols : 26;
	char h[16];

	fprintf(out, "  %-*s  %-*s", w->subject, subj[sec], w->metric, "metric");
	for (size_t j = 0; j < nc; j++)
		fprintf(out, "  %*s", w->val[j], c->cols[j].label);
	for (size_t j = 1; j < nc; j++) {
		snprintf(h, sizeof h, "%s vs A", c->cols[j].label);
		if (j + 1 < nc)
			fprintf(out, "  %-*s", w->delta[j], h);
		else
			fprintf(out, "  %s", h);	/* no trailing blanks */
	}
	fputc('\n', out);
}

/* One row: "* subject  metric  A  B  B vs A"; trailing blanks trimmed. */
static void table_row(const struct ers_comparison *c, const struct ers_cmp_row *r,
		      const struct widths *w, bool first_of_subject, FILE *out)
{
	size_t nc = c->n_cols < 26 ? c->n_cols : 26;
	char line[4096], buf[CELL];
	int len;

	len = snprintf(line, sizeof line, "%c %-*s  %-*s", r->differs ? '*' : ' ', w->subject,
		       first_of_subject && r->section != ERS_CMP_RUN ? r->subject : "",
		       w->metric, r->metric);
	for (size_t j = 0; j < nc && len >= 0 && (size_t)len < sizeof line; j++) {
		ers_cmp_cell_text(c, r, j, buf, sizeof buf);
		len += snprintf(line + len, sizeof line - (size_t)len, "  %*s", w->val[j], buf);
	}
	for (size_t j = 1; j < nc && len >= 0 && (size_t)len < sizeof line; j++) {
		ers_cmp_delta_text(r, j, buf, sizeof buf);
		len += snprintf(line + len, sizeof line - (size_t)len, "  %-*s", w->delta[j], buf);
	}
	if (len < 0 || (size_t)len >= sizeof line)
		len = (int)strlen(line);
	while (len > 0 && line[len - 1] == ' ')
		line[--len] = '\0';
	fprintf(out, "%s\n", line);
}

static void write_table(const struct ers_comparison *c, enum ers_cmp_section sec,
			unsigned flags, FILE *out)
{
	const char *prev = NULL;
	struct widths w;
	size_t n = 0, total = 0;

	for (size_t i = 0; i < c->n_rows; i++)
		if (c->rows[i].section == sec) {
			total++;
			n += shown(&c->rows[i], flags);
		}
	if (!total && sec != ERS_CMP_REACH)
		return;
	if (sec == ERS_CMP_REACH && !total && !c->n_pairs_equal) {
		fprintf(out, "\nreachability at the end: no pairs of endpoints in common\n");
		return;
	}
	if (sec == ERS_CMP_REACH && !total) {
		fprintf(out, "\nreachability at the end: the same in every column (%zu pair%s)\n",
			c->n_pairs_equal, ers_s(c->n_pairs_equal));
		return;
	}
	if (!n) {
		fprintf(out, "\n%s: no differences\n", section_titles[sec]);
		return;
	}
	fprintf(out, "\n%s\n", section_titles[sec]);
	measure(c, sec, flags, &w);
	table_header(c, sec, &w, out);
	for (size_t i = 0; i < c->n_rows; i++) {
		const struct ers_cmp_row *r = &c->rows[i];
		if (r->section != sec || !shown(r, flags))
			continue;
		table_row(c, r, &w, !prev || strcmp(prev, r->subject), out);
		prev = r->subject;
	}
	if (sec == ERS_CMP_REACH)
		fprintf(out, "  (%zu other pairs the same in every column)\n", c->n_pairs_equal);
}

/* Paths, indented under a label; lines of text split at '\n'. */
static void write_lines(const char *label, const char *text, FILE *out)
{
	const char *p = text;

	do {
		const char *nl = strchr(p, '\n');
		int len = nl ? (int)(nl - p) : (int)strlen(p);
		fprintf(out, "      %-3s %.*s\n", label, len, p);
		label = "";
		p = nl ? nl + 1 : NULL;
	} while (p);
}

static void write_path_row(const struct ers_comparison *c, const struct ers_cmp_row *r,
			   FILE *out)
{
	if (!r->differs) {
		fprintf(out, "  %s  %s: the same in every column\n", r->subject, r->metric);
		write_lines("", r->cells[0].text ? r->cells[0].text : "", out);
		return;
	}
	fprintf(out, "* %s  %s\n", r->subject, r->metric);
	write_lines(c->cols[0].label, r->cells[0].text ? r->cells[0].text : "", out);
	for (size_t j = 1; j < c->n_cols; j++) {
		const struct ers_cmp_cell *x = &r->cells[j];
		if (!x->diverge && !ers_cmp_cells_equal(ERS_CMP_PATHSET, &r->cells[0], x)) {
			write_lines(c->cols[j].label, x->text ? x->text : "", out);
			fprintf(out, "          same paths as A at the end; the paths on the way "
				"or how long they held differ\n");
			continue;
		}
		if (!x->diverge) {
			fprintf(out, "      %-3s (same as A)\n", c->cols[j].label);
			continue;
		}
		write_lines(c->cols[j].label, x->text ? x->text : "", out);
		fprintf(out, "          diverges from A at %s\n", x->diverge);
		fprintf(out, "            A: %s\n", x->base_reason ? x->base_reason : "?");
		fprintf(out, "            %s: %s\n", c->cols[j].label, x->reason ? x->reason : "?");
	}
}

static void write_paths(const struct ers_comparison *c, unsigned flags, FILE *out)
{
	size_t n = 0, total = 0;

	for (size_t i = 0; i < c->n_rows; i++)
		if (c->rows[i].section == ERS_CMP_PATHS) {
			total++;
			n += shown(&c->rows[i], flags);
		}
	if (!total)
		return;
	if (!n) {
		fprintf(out, "\n%s: no differences\n", section_titles[ERS_CMP_PATHS]);
		return;
	}
	fprintf(out, "\n%s\n", section_titles[ERS_CMP_PATHS]);
	for (size_t i = 0; i < c->n_rows; i++)
		if (c->rows[i].section == ERS_CMP_PATHS && shown(&c->rows[i], flags))
			write_path_row(c, &c->rows[i], out);
}

static void write_columns(const struct ers_comparison *c, FILE *out)
{
	int w = 0;

	for (size_t j = 0; j < c->n_cols; j++)
		if ((int)strlen(c->cols[j].input) > w)
			w = (int)strlen(c->cols[j].input);
	fprintf(out, "comparing %s against A (rows marked * differ from A)\n",
		c->n_cols == 2 ? "B" : "each column");
	for (size_t j = 0; j < c->n_cols; j++)
		fprintf(out, "  %-3s %-*s  %s %s, seed %" PRIu64 "\n", c->cols[j].label, w,
			c->cols[j].input, c->cols[j].is_result_doc ? "result of" : "scenario",
			c->cols[j].scenario, c->cols[j].seed);
}

static void write_unshared(const struct ers_comparison *c, FILE *out)
{
	if (!c->n_unshared)
		return;
	fprintf(out, "\nnot compared (not in every column)\n");
	for (size_t i = 0; i < c->n_unshared; i++) {
		const struct ers_cmp_unshared *u = &c->unshared[i];
		bool first = true;
		fprintf(out, "  %-8s  %s: only in ", u->kind, u->subject);
		for (size_t j = 0; j < c->n_cols; j++)
			if (u->in[j]) {
				fprintf(out, "%s%s", first ? "" : ", ", c->cols[j].label);
				first = false;
			}
		fputc('\n', out);
	}
}

enum ers_err ers_compare_write_text(const struct ers_comparison *c, FILE *out,
				    unsigned flags)
{
	write_columns(c, out);
	write_table(c, ERS_CMP_EVENTS, flags, out);
	write_table(c, ERS_CMP_FLOWS, flags, out);
	write_paths(c, flags, out);
	write_table(c, ERS_CMP_REACH, flags, out);
	write_table(c, ERS_CMP_RESILIENCY, flags, out);
	write_table(c, ERS_CMP_BOM, flags, out);
	write_table(c, ERS_CMP_RUN, flags, out);
	write_unshared(c, out);
	if (c->n_violations) {
		fprintf(out, "\nfail-on\n");
		for (size_t i = 0; i < c->n_violations; i++)
			fprintf(out, "  %s: %s\n", c->violations[i].expr, c->violations[i].msg);
	}
	return ferror(out) ? ERS_EIO : ERS_OK;
}
