/*
 * compare.c - the comparison model (compare.h): rows for each event
 * shared by every column (matched by target and time), each flow (by id)
 * with its paths at every moment, the reachability pairs that differ,
 * each VNet's resiliency class and the design's bill of materials (from
 * the scenario, so unknown for result documents), and the run's
 * counters; subjects only some columns have are listed apart. Which
 * cells count as equal, and whether a column is better or worse than A,
 * is decided here for every writer.
 *
 * Where a flow's paths differ from the baseline's, the first router whose
 * choice of next hops differs is named, with the decision step that made
 * its choice, read from the flow's decisions in the result (what the
 * decision process kept with each best route, observe_decision.c), so a
 * result document explains itself as a fresh run does. The --fail-on
 * language is compare_fail_on.c's; the text and JSON writers are
 * compare_text.c and compare_json.c, the HTML page html_compare.c.
 */
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "ersim/analyze.h"
#include "ersim/compare.h"
#include "ersim/report.h"
#include "ersim/units.h"
#include "ersim/util.h"

struct builder {
	struct ers_comparison *c;
	const struct ers_cmp_input *in;
	size_t n;
	size_t cap_rows, cap_unshared;
	enum ers_err err;
};

/* ---- small helpers --------------------------------------------------- */

/* Record out of memory when p is NULL; returns p. */
static void *check(struct builder *b, void *p)
{
	if (!p && b->err == ERS_OK)
		b->err = ERS_ENOMEM;
	return p;
}

static const char *const section_names[] = {
	[ERS_CMP_EVENTS] = "events",
	[ERS_CMP_FLOWS] = "flows",
	[ERS_CMP_PATHS] = "paths",
	[ERS_CMP_REACH] = "reachability",
	[ERS_CMP_RESILIENCY] = "resiliency",
	[ERS_CMP_BOM] = "bill_of_materials",
	[ERS_CMP_RUN] = "run",
};

const char *ers_cmp_section_str(enum ers_cmp_section s)
{
	return s < ERS_CMP_N_SECTIONS ? section_names[s] : "?";
}

/* ---- rows --------------------------------------------------------------- */

static struct ers_cmp_row *add_row(struct builder *b, enum ers_cmp_section sec,
				   const char *subject, const char *metric,
				   enum ers_cmp_kind kind, int better)
{
	struct ers_comparison *c = b->c;
	struct ers_cmp_row *r;

	if (b->err)
		return NULL;
	if (c->n_rows == b->cap_rows) {
		size_t cap = b->cap_rows ? 2 * b->cap_rows : 32;
		struct ers_cmp_row *v = check(b, realloc(c->rows, cap * sizeof *v));
		if (!v)
			return NULL;
		c->rows = v;
		b->cap_rows = cap;
	}
	r = &c->rows[c->n_rows];
	memset(r, 0, sizeof *r);
	r->section = sec;
	r->kind = kind;
	r->better = better;
	r->subject = check(b, strdup(subject));
	r->metric = check(b, strdup(metric));
	r->cells = check(b, calloc(b->n, sizeof *r->cells));
	c->n_rows++;		/* counted even when incomplete, so it is freed */
	return b->err ? NULL : r;
}

static void set_num(struct ers_cmp_cell *cell, double v)
{
	cell->present = true;
	cell->num = v;
}

static void set_time(struct ers_cmp_cell *cell, ers_time_t t, ers_time_t from)
{
	cell->present = true;
	cell->null = t == ERS_TIME_NEVER;
	cell->num = cell->null ? 0 : ers_time_to_s(t - from);
}

bool ers_cmp_cells_equal(enum ers_cmp_kind kind, const struct ers_cmp_cell *a,
			const struct ers_cmp_cell *b)
{
	if (a->present != b->present || a->null != b->null)
		return false;
	if (!a->present || a->null)
		return true;
	if (kind == ERS_CMP_TEXT || kind == ERS_CMP_PATHSET)
		return !strcmp(a->text ? a->text : "", b->text ? b->text : "");
	return fabs(a->num - b->num) <= ERS_CMP_EPS * fmax(1.0, fabs(a->num));
}

/* "better" or "worse" for column j against A, or NULL. */
const char *ers_cmp_verdict(const struct ers_cmp_row *r, size_t j)
{
	const struct ers_cmp_cell *a = &r->cells[0], *x = &r->cells[j];

	if (!r->better || !a->present || !x->present || a->null || x->null ||
	    ers_cmp_cells_equal(r->kind, a, x) || a->num == x->num)
		return NULL;
	return (x->num - a->num) * r->better > 0 ? "better" : "worse";
}

static void finish_row(struct builder *b, struct ers_cmp_row *r)
{
	if (!r)
		return;
	bool design = r->section == ERS_CMP_RESILIENCY || r->section == ERS_CMP_BOM;

	for (size_t j = 1; j < b->n; j++) {
		/* unknown (a result document) is no difference */
		if (design && (!b->in[0].scn || !b->in[j].scn))
			continue;
		if (!ers_cmp_cells_equal(r->kind, &r->cells[0], &r->cells[j]))
			r->differs = true;
	}
}

static void add_unshared(struct builder *b, const char *kind, const char *subject,
			 const bool *in)
{
	struct ers_comparison *c = b->c;
	struct ers_cmp_unshared *u;

	if (b->err)
		return;
	if (c->n_unshared == b->cap_unshared) {
		size_t cap = b->cap_unshared ? 2 * b->cap_unshared : 8;
		struct ers_cmp_unshared *v = check(b, realloc(c->unshared, cap * sizeof *v));
		if (!v)
			return;
		c->unshared = v;
		b->cap_unshared = cap;
	}
	u = &c->unshared[c->n_unshared++];
	u->kind = kind;
	u->subject = check(b, strdup(subject));
	u->in = check(b, malloc(b->n * sizeof *u->in));
	if (u->in)
		memcpy(u->in, in, b->n * sizeof *u->in);
}

/* ---- events -------------------------------------------------------------- */

/* Index of the k-th event of r at time at on target, or -1. */
static long find_event(const struct ers_result *r, ers_time_t at, const char *target,
		       size_t k)
{
	for (size_t i = 0; i < r->n_events; i++)
		if (r->events[i].at == at && !strcmp(r->events[i].target, target) && !k--)
			return (long)i;
	return -1;
}

/* Which occurrence of its (time, target) event i of r is. */
static size_t event_occurrence(const struct ers_result *r, size_t i)
{
	size_t k = 0;

	for (size_t e = 0; e < i; e++)
		k += r->events[e].at == r->events[i].at &&
		     !strcmp(r->events[e].target, r->events[i].target);
	return k;
}

static char *event_subject(const struct ers_event_result *e)
{
	char t[32];

	return ers_asprintf("%s %s %s", ers_report_time(e->at, t, sizeof t), e->action, e->target);
}

/* Shared events as index vectors: ev[k * n + j] is the k-th shared
 * event's index in column j. */
struct shared {
	long *idx;
	size_t n;
};

/* Has column j's event i been seen in an earlier column (so is listed)? */
static bool event_seen_before(struct builder *b, size_t j, size_t i)
{
	const struct ers_result *r = b->in[j].res;
	size_t k = event_occurrence(r, i);

	for (size_t p = 0; p < j; p++)
		if (find_event(b->in[p].res, r->events[i].at, r->events[i].target, k) >= 0)
			return true;
	return false;
}

static void match_events(struct builder *b, struct shared *sh)
{
	bool *in = check(b, calloc(b->n, sizeof *in));
	long *row = check(b, calloc(b->n, sizeof *row));

	for (size_t j = 0; in && row && j < b->n && !b->err; j++) {
		const struct ers_result *r = b->in[j].res;
		for (size_t i = 0; i < r->n_events && !b->err; i++) {
			size_t k = event_occurrence(r, i), n_in = 0;
			if (event_seen_before(b, j, i))
				continue;
			for (size_t p = 0; p < b->n; p++) {
				row[p] = find_event(b->in[p].res, r->events[i].at,
						    r->events[i].target, k);
				in[p] = row[p] >= 0;
				n_in += in[p];
			}
			if (n_in == b->n) {
				long *v = check(b, realloc(sh->idx, (sh->n + 1) * b->n * sizeof *v));
				if (!v)
					break;
				sh->idx = v;
				memcpy(sh->idx + sh->n++ * b->n, row, b->n * sizeof *row);
			} else {
				char *s = check(b, event_subject(&r->events[i]));
				if (s)
					add_unshared(b, "event", s, in);
				free(s);
			}
		}
	}
	free(in);
	free(row);
}

static void event_rows(struct builder *b, const struct shared *sh)
{
	static const char *const metrics[] = { "detection_s", "convergence_s",
					       "updates", "withdrawals" };

	for (size_t k = 0; k < sh->n && !b->err; k++) {
		const long *ix = sh->idx + k * b->n;
		char *subj = check(b, event_subject(&b->in[0].res->events[ix[0]]));
		for (size_t m = 0; subj && m < 4; m++) {
			struct ers_cmp_row *r = add_row(b, ERS_CMP_EVENTS, subj, metrics[m],
							m < 2 ? ERS_CMP_SECONDS : ERS_CMP_COUNT, -1);
			for (size_t j = 0; r && j < b->n; j++) {
				const struct ers_event_result *e = &b->in[j].res->events[ix[j]];
				if (m == 0)
					set_time(&r->cells[j], e->detected, e->at);
				else if (m == 1)
					set_time(&r->cells[j], e->converged, e->at);
				else
					set_num(&r->cells[j], (double)(m == 2 ? e->updates : e->withdrawals));
			}
			finish_row(b, r);
		}
		free(subj);
	}
}

/* ---- flows ---------------------------------------------------------------- */

static long find_flow(const struct ers_result *r, const char *id)
{
	for (size_t i = 0; i < r->n_flows; i++)
		if (!strcmp(r->flows[i].id, id))
			return (long)i;
	return -1;
}

static void match_flows(struct builder *b, struct shared *sh)
{
	bool *in = check(b, calloc(b->n, sizeof *in));
	long *row = check(b, calloc(b->n, sizeof *row));

	for (size_t j = 0; in && row && j < b->n && !b->err; j++) {
		const struct ers_result *r = b->in[j].res;
		for (size_t i = 0; i < r->n_flows && !b->err; i++) {
			size_t n_in = 0;
			bool seen = false;
			for (size_t p = 0; p < j; p++)
				seen = seen || find_flow(b->in[p].res, r->flows[i].id) >= 0;
			if (seen)
				continue;
			for (size_t p = 0; p < b->n; p++) {
				row[p] = find_flow(b->in[p].res, r->flows[i].id);
				in[p] = row[p] >= 0;
				n_in += in[p];
			}
			if (n_in < b->n) {
				add_unshared(b, "flow", r->flows[i].id, in);
				continue;
			}
			long *v = check(b, realloc(sh->idx, (sh->n + 1) * b->n * sizeof *v));
			if (!v)
				break;
			sh->idx = v;
			memcpy(sh->idx + sh->n++ * b->n, row, b->n * sizeof *row);
		}
	}
	free(in);
	free(row);
}

static void flow_rows(struct builder *b, const struct shared *sh)
{
	static const char *const metrics[] = { "outage_s", "down_s", "lost_bytes",
					       "reachable", "max_utilization" };
	static const enum ers_cmp_kind kinds[] = { ERS_CMP_SECONDS, ERS_CMP_SECONDS,
		ERS_CMP_BYTES, ERS_CMP_BOOL, ERS_CMP_RATIO };

	for (size_t k = 0; k < sh->n && !b->err; k++) {
		const long *ix = sh->idx + k * b->n;
		const char *id = b->in[0].res->flows[ix[0]].id;
		struct ers_cmp_row *r = add_row(b, ERS_CMP_FLOWS, id, "from -> to", ERS_CMP_TEXT, 0);
		for (size_t j = 0; r && j < b->n; j++) {
			const struct ers_flow_result *f = &b->in[j].res->flows[ix[j]];
			r->cells[j].present = true;
			r->cells[j].text = check(b, ers_asprintf("%s -> %s", f->from, f->to));
		}
		finish_row(b, r);
		if (r && !r->differs) {		/* shown only when it differs */
			b->c->n_rows--;
			for (size_t j = 0; j < b->n; j++)
				free(r->cells[j].text);
			free(r->cells);
			free(r->subject);
			free(r->metric);
		}
		for (size_t m = 0; m < 5; m++) {
			r = add_row(b, ERS_CMP_FLOWS, id, metrics[m], kinds[m], m == 3 ? 1 : -1);
			for (size_t j = 0; r && j < b->n; j++) {
				const struct ers_flow_result *f = &b->in[j].res->flows[ix[j]];
				double v[] = { ers_time_to_s(f->outage), ers_time_to_s(f->down),
					       (double)f->lost_bytes, f->final_reachable,
					       f->max_utilization };
				set_num(&r->cells[j], v[m]);
			}
			finish_row(b, r);
		}
	}
}

/* ---- paths ------------------------------------------------------------------ */

/* The group of paths in effect just before t: the last entries sharing a
 * from < t. */
static void path_group(const struct ers_flow_result *f, ers_time_t t,
		       size_t *first, size_t *n)
{
	size_t start = 0, len = 0;

	for (size_t i = 0; i < f->n_paths && f->paths[i].from < t; i++) {
		if (!len || f->paths[i].from != f->paths[start].from) {
			start = i;
			len = 0;
		}
		len++;
	}
	*first = start;
	*n = len;
}

static char *render_paths(const struct ers_path_entry *p, size_t n)
{
	char *s = NULL;
	size_t len = 0;
	FILE *f;

	if (!n)
		return strdup("(no path)");
	if (!(f = open_memstream(&s, &len)))
		return NULL;
	for (size_t i = 0; i < n; i++) {
		fprintf(f, "%s%3.0f%% ", i ? "\n" : "", p[i].share * 100);
		for (size_t k = 0; k < p[i].n_nodes; k++)
			fprintf(f, "%s%s", k ? " > " : " ", p[i].nodes[k]);
		if (p[i].status == ERS_PATH_BLACKHOLE)
			fputs(" (no route)", f);
		else if (p[i].status == ERS_PATH_LOOP)
			fputs(" (loop)", f);
	}
	if (fclose(f)) {
		free(s);
		return NULL;
	}
	return s;
}

/* Render a path set canonically (order-independent) for equality. */
static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static char *canonical_paths(const struct ers_path_entry *p, size_t n)
{
	char **lines = calloc(n ? n : 1, sizeof *lines);
	char *s = NULL;
	size_t len = 0;
	FILE *f = NULL;
	bool ok = lines != NULL;

	for (size_t i = 0; ok && i < n; i++)
		ok = (lines[i] = render_paths(&p[i], 1)) != NULL;
	if (ok)
		qsort(lines, n, sizeof *lines, cmp_str);
	if (ok && (f = open_memstream(&s, &len))) {
		for (size_t i = 0; i < n; i++)
			fprintf(f, "%s\n", lines[i]);
		ok = !fclose(f);
	}
	for (size_t i = 0; lines && i < n; i++)
		free(lines[i]);
	free(lines);
	if (!ok || !f) {
		free(s);
		return NULL;
	}
	return s;
}

/* Next hops of node x over a path group; "" marks a path ending at x.
 * Returns the count (at most cap). */
static size_t next_hops(const struct ers_path_entry *p, size_t n, const char *x,
			const char **out, size_t cap)
{
	size_t k = 0;

	for (size_t i = 0; i < n; i++)
		for (size_t d = 0; d < p[i].n_nodes; d++) {
			const char *nh;
			bool dup = false;
			if (strcmp(p[i].nodes[d], x))
				continue;
			nh = d + 1 < p[i].n_nodes ? p[i].nodes[d + 1] : "";
			for (size_t q = 0; q < k; q++)
				dup = dup || !strcmp(out[q], nh);
			if (!dup && k < cap)
				out[k++] = nh;
		}
	return k;
}

static bool same_set(const char **a, size_t na, const char **b, size_t nb)
{
	if (na != nb)
		return false;
	for (size_t i = 0; i < na; i++) {
		bool found = false;
		for (size_t k = 0; k < nb && !found; k++)
			found = !strcmp(a[i], b[k]);
		if (!found)
			return false;
	}
	return true;
}

#define MAX_NH 64

/* The first router, nearest the source, whose next hops differ between
 * the two path groups; NULL when every router chose alike. */
static const char *diverge_at(const struct ers_path_entry *a, size_t na,
			      const struct ers_path_entry *b, size_t nb)
{
	const char *ha[MAX_NH], *hb[MAX_NH];
	size_t depth = 0;

	for (size_t i = 0; i < na; i++)
		depth = a[i].n_nodes > depth ? a[i].n_nodes : depth;
	for (size_t i = 0; i < nb; i++)
		depth = b[i].n_nodes > depth ? b[i].n_nodes : depth;
	for (size_t d = 0; d < depth; d++)
		for (size_t side = 0; side < 2; side++) {
			const struct ers_path_entry *p = side ? b : a;
			size_t n = side ? nb : na;
			for (size_t i = 0; i < n; i++) {
				const char *x;
				if (d >= p[i].n_nodes)
					continue;
				x = p[i].nodes[d];
				if (!same_set(ha, next_hops(a, na, x, ha, MAX_NH),
					      hb, next_hops(b, nb, x, hb, MAX_NH)))
					return x;
			}
		}
	return NULL;
}

/* ---- decision reasons from the result ------------------------------------ */

static bool in_nodes(const char *x, const char **set, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(x, set[i]))
			return true;
	return false;
}

/* Why router chose its next hops nh before time t: the decision the run
 * recorded for it on this flow's paths (struct ers_decision). */
static char *reason_from_result(const struct ers_flow_result *f, const char *router,
				ers_time_t t, const char **nh, size_t n_nh)
{
	const struct ers_decision *d = ers_flow_decision_at(f, router, t);

	if (!d || !d->chose || !in_nodes(d->chose, nh, n_nh))
		return strdup("reason not recorded");
	if (!d->over)
		return n_nh == 1 ?
			ers_asprintf("%s took the route via %s when it had no other", router, nh[0]) :
			ers_asprintf("%s took these routes when it had no others", router);
	return ers_asprintf("%s chose %s over %s: %s", router, d->chose, d->over,
		       d->detail ? d->detail : d->step);
}

/* The reason of column j's choice at router for a path group. */
static char *column_reason(const struct ers_flow_result *f, const char *router,
			   ers_time_t t, const struct ers_path_entry *p, size_t n)
{
	const char *nh[MAX_NH];
	size_t n_nh = 0, k;

	k = next_hops(p, n, router, nh, MAX_NH);
	for (size_t i = 0; i < k; i++)
		if (*nh[i])
			nh[n_nh++] = nh[i];
	if (!n_nh) {
		for (size_t i = 0; i < n; i++)
			if (p[i].n_nodes && !strcmp(p[i].nodes[p[i].n_nodes - 1], router) &&
			    p[i].status == ERS_PATH_BLACKHOLE)
				return ers_asprintf("%s had no route", router);
		return k ? ers_asprintf("%s is the destination", router) :
			ers_asprintf("%s is not on the path", router);
	}
	return reason_from_result(f, router, t, nh, n_nh);
}

/* The moments at which paths are compared: before the first shared event,
 * then after each (until the next event of that column, or its end). */
static ers_time_t moment_time(const struct ers_cmp_input *in, const struct shared *ev,
			      size_t n_cols, size_t j, size_t m)
{
	const struct ers_result *r = in[j].res;
	long i;

	if (!ev->n)
		return r->end + 1;
	if (m == 0)
		return r->events[ev->idx[j]].at;
	i = ev->idx[(m - 1) * n_cols + j];
	return (size_t)i + 1 < r->n_events ? r->events[i + 1].at : r->end + 1;
}

static char *moment_name(const struct builder *b, const struct shared *ev, size_t m)
{
	char *subj, *s;

	if (!ev->n)
		return strdup("final");
	subj = event_subject(&b->in[0].res->events[ev->idx[(m ? m - 1 : 0) * b->n]]);
	s = subj ? ers_asprintf("%s %s", m ? "after" : "before", subj) : NULL;
	free(subj);
	return s;
}

/* The paths f held in the window [from, to), one group after the other,
 * each as its canonical lines under the part of the window it held
 * ("5.000-7.997 s" then "100%  a > b (no route)"): a drain or a blackhole
 * inside the window shows, not only the state at its end. With whole set,
 * the one group shown keeps its own start (the moment before an event). */
static char *render_window(const struct ers_result *r, const struct ers_flow_result *f,
			   ers_time_t from, ers_time_t to, bool whole)
{
	char *s = NULL, a[32], z[32];
	size_t len = 0, lo, hi;
	FILE *out = open_memstream(&s, &len);
	bool ok = out != NULL;

	for (lo = 0; ok && lo < f->n_paths; lo = hi) {
		ers_time_t start = f->paths[lo].from, end;
		char *lines;

		for (hi = lo + 1; hi < f->n_paths && f->paths[hi].from == start; hi++)
			;
		end = hi < f->n_paths ? f->paths[hi].from : r->end;
		if (start >= to || (end <= from && hi < f->n_paths))
			continue;
		ers_report_time(whole || start > from ? start : from, a, sizeof a);
		ers_report_time(end < to ? end : to > r->end ? r->end : to, z, sizeof z);
		if (strlen(a) > 2)
			a[strlen(a) - 2] = '\0';	/* one unit for both ends */
		lines = canonical_paths(&f->paths[lo], hi - lo);
		ok = lines != NULL;
		if (ok)
			fprintf(out, "%s-%s\n%s", a, z, lines);
		free(lines);
	}
	if (out && (fclose(out) || !ok)) {
		free(s);
		return NULL;
	}
	if (s && len && s[len - 1] == '\n')
		s[len - 1] = '\0';
	return s && *s ? s : (free(s), strdup("(no path)"));
}

/* The cell of moment m: the paths in force at its end (t) for comparing
 * routers' choices, and as text every path of its window (from the event
 * that opens it; the moment before the first event is one instant). */
static void path_cell(struct builder *b, struct ers_cmp_cell *cell,
		      const struct ers_result *res, const struct ers_flow_result *f,
		      ers_time_t from, ers_time_t t)
{
	size_t first, n;

	path_group(f, t, &first, &n);
	cell->present = true;
	cell->paths = n ? f->paths + first : NULL;	/* a flow may have none */
	cell->n_paths = n;
	cell->text = check(b, render_window(res, f, from > 0 ? from : t - 1, t, from <= 0));
}

static void explain_cell(struct builder *b, struct ers_cmp_row *r, size_t j,
			 const struct ers_flow_result *fa, const struct ers_flow_result *fj,
			 const ers_time_t *t)
{
	struct ers_cmp_cell *a = &r->cells[0], *c = &r->cells[j];
	const char *x = diverge_at(a->paths, a->n_paths, c->paths, c->n_paths);

	if (!x)
		return;
	c->diverge = check(b, strdup(x));
	c->reason = check(b, column_reason(fj, x, t[j], c->paths, c->n_paths));
	c->base_reason = check(b, column_reason(fa, x, t[0], a->paths, a->n_paths));
}

static void path_rows(struct builder *b, const struct shared *ev, const struct shared *fl)
{
	size_t n_moments = ev->n ? ev->n + 1 : 1;
	ers_time_t *t = check(b, calloc(b->n, sizeof *t));

	for (size_t k = 0; t && k < fl->n && !b->err; k++) {
		const long *ix = fl->idx + k * b->n;
		const char *id = b->in[0].res->flows[ix[0]].id;
		for (size_t m = 0; m < n_moments && !b->err; m++) {
			char *name = check(b, moment_name(b, ev, m));
			struct ers_cmp_row *r = name ? add_row(b, ERS_CMP_PATHS, id, name,
							       ERS_CMP_PATHSET, 0) : NULL;
			free(name);
			for (size_t j = 0; r && j < b->n; j++) {
				/* the window opens at this column's event */
				ers_time_t from = m ? b->in[j].res->events[ev->idx[(m - 1) * b->n + j]].at : 0;

				t[j] = moment_time(b->in, ev, b->n, j, m);
				path_cell(b, &r->cells[j], b->in[j].res,
					  &b->in[j].res->flows[ix[j]], from, t[j]);
			}
			for (size_t j = 1; r && j < b->n && !b->err; j++) {
				char *ca = canonical_paths(r->cells[0].paths, r->cells[0].n_paths);
				char *cj = canonical_paths(r->cells[j].paths, r->cells[j].n_paths);
				if (!check(b, ca) || !check(b, cj)) {
					free(ca);
					free(cj);
					break;
				}
				if (strcmp(ca, cj)) {
					r->differs = true;
					explain_cell(b, r, j, &b->in[0].res->flows[ix[0]],
						     &b->in[j].res->flows[ix[j]], t);
				} else if (!ers_cmp_cells_equal(ERS_CMP_PATHSET, &r->cells[0], &r->cells[j])) {
					r->differs = true;	/* same end, not the same way */
				}
				free(ca);
				free(cj);
			}
		}
	}
	free(t);
}

/* ---- reachability ------------------------------------------------------------ */

static void match_endpoints(struct builder *b, size_t *n_shared)
{
	bool *in = check(b, calloc(b->n, sizeof *in));

	*n_shared = 0;
	for (size_t j = 0; in && j < b->n && !b->err; j++) {
		const struct ers_result *r = b->in[j].res;
		for (size_t i = 0; i < r->n_endpoints; i++) {
			size_t n_in = 0;
			bool seen = false;
			for (size_t p = 0; p < j; p++)
				seen = seen || ers_result_endpoint(b->in[p].res, r->endpoints[i]) >= 0;
			if (seen)
				continue;
			for (size_t p = 0; p < b->n; p++)
				n_in += in[p] = ers_result_endpoint(b->in[p].res, r->endpoints[i]) >= 0;
			if (n_in < b->n)
				add_unshared(b, "endpoint", r->endpoints[i], in);
			else
				++*n_shared;
		}
	}
	free(in);
}

static void reach_rows(struct builder *b)
{
	const struct ers_result *a = b->in[0].res;

	for (size_t x = 0; x < a->n_endpoints && !b->err; x++)
		for (size_t y = 0; y < a->n_endpoints && !b->err; y++) {
			struct ers_cmp_cell cells[b->n];
			bool shared = x != y, differs = false;
			for (size_t j = 0; shared && j < b->n; j++) {
				const struct ers_result *r = b->in[j].res;
				long fx = ers_result_endpoint(r, a->endpoints[x]);
				long fy = ers_result_endpoint(r, a->endpoints[y]);
				shared = fx >= 0 && fy >= 0;
				memset(&cells[j], 0, sizeof cells[j]);
				if (shared)
					set_num(&cells[j], ers_result_reaches(r, (size_t)fx, (size_t)fy));
				differs = differs || (shared && cells[j].num != cells[0].num);
			}
			if (!shared)
				continue;
			if (!differs) {
				b->c->n_pairs_equal++;
				continue;
			}
			char *subj = check(b, ers_asprintf("%s -> %s", a->endpoints[x], a->endpoints[y]));
			struct ers_cmp_row *r = subj ? add_row(b, ERS_CMP_REACH, subj, "reachable",
							       ERS_CMP_BOOL, 1) : NULL;
			free(subj);
			if (r)
				memcpy(r->cells, cells, b->n * sizeof *cells);
			finish_row(b, r);
		}
}

/* ---- resiliency and bill of materials ------------------------------------------ */

/* Peering locations a circuit's links land at (a Metro's two). */
static size_t circuit_locations(const struct ers_catalog *cat, const struct ers_circuit *c,
				const char **out)
{
	const struct ers_metro *m = cat ? ers_catalog_metro(cat, c->location) : NULL;

	if (!m) {
		out[0] = c->location;
		return 1;
	}
	out[0] = m->locations[0];
	out[1] = m->locations[1];
	return 2;
}

static long find_vnet(const struct ers_scenario *s, const char *id)
{
	for (size_t i = 0; i < s->n_vnets; i++)
		if (!strcmp(s->vnets[i].id, id))
			return (long)i;
	return -1;
}

static bool row_exists(struct builder *b, enum ers_cmp_section sec, const char *subj)
{
	for (size_t i = 0; i < b->c->n_rows; i++)
		if (b->c->rows[i].section == sec && !strcmp(b->c->rows[i].subject, subj))
			return true;
	return false;
}

static void resiliency_rows(struct builder *b)
{
	for (size_t j = 0; j < b->n && !b->err; j++) {
		const struct ers_scenario *s = b->in[j].scn;
		for (size_t v = 0; s && v < s->n_vnets && !b->err; v++) {
			struct ers_cmp_row *r;
			if (row_exists(b, ERS_CMP_RESILIENCY, s->vnets[v].id))
				continue;
			r = add_row(b, ERS_CMP_RESILIENCY, s->vnets[v].id, "class", ERS_CMP_TEXT, 1);
			for (size_t p = 0; r && p < b->n; p++) {
				const struct ers_scenario *sp = b->in[p].scn;
				long k = sp ? find_vnet(sp, s->vnets[v].id) : -1;
				enum ers_an_class cls;
				if (k < 0)
					continue;
				struct ers_diag d;
				ers_diag_init(&d);	/* only out of memory: b->err says it */
				if (ers_an_vnet_class(sp, b->in[p].cat, (size_t)k, &cls, &d))
					b->err = ERS_ENOMEM;
				ers_diag_release(&d);
				if (b->err)
					continue;
				set_num(&r->cells[p], (double)cls);	/* none < ... < maximum */
				r->cells[p].text = check(b, strdup(ers_an_class_str(cls)));
			}
			finish_row(b, r);
		}
	}
}

/* Items of the bill of materials of a scenario, as (name, count). */
struct bom {
	char **names;
	double *counts;
	size_t n;
};

static int bom_add(struct bom *m, char *name, double count)
{
	if (!name)
		return -1;
	for (size_t i = 0; i < m->n; i++)
		if (!strcmp(m->names[i], name)) {
			m->counts[i] += count;
			free(name);
			return 0;
		}
	char **nv = realloc(m->names, (m->n + 1) * sizeof *nv);
	if (nv)
		m->names = nv;
	double *cv = nv ? realloc(m->counts, (m->n + 1) * sizeof *cv) : NULL;
	if (!cv) {
		free(name);
		return -1;
	}
	m->counts = cv;
	m->names[m->n] = name;
	m->counts[m->n++] = count;
	return 0;
}

static void bom_release(struct bom *m)
{
	ers_strv_free(m->names, m->n);
	free(m->counts);
}

static int circuit_zone(const struct ers_catalog *cat, const struct ers_circuit *c)
{
	const char *loc[2];
	const struct ers_location *l;

	circuit_locations(cat, c, loc);
	l = cat ? ers_catalog_location(cat, loc[0]) : NULL;
	return l ? l->zone : 0;
}

static int bom_build(const struct ers_scenario *s, const struct ers_catalog *cat,
		     struct bom *m)
{
	char rate[32];
	int rc = bom_add(m, strdup("circuits"), (double)s->n_circuits);
	size_t n_gr = 0;

	for (size_t i = 0; !rc && i < s->n_circuits; i++) {
		const struct ers_circuit *c = &s->circuits[i];
		bool metro = cat && ers_catalog_metro(cat, c->location);
		bool direct = s->providers[c->provider].model == ERS_PROVIDER_DIRECT;
		bool gr = false;
		rc = bom_add(m, ers_asprintf("circuit %s %s%s, zone %d%s", ers_sku_str(c->sku),
					ers_rate_str(c->bandwidth, rate, sizeof rate),
					metro ? " metro" : "", circuit_zone(cat, c),
					direct ? ", Direct" : ""), 1);
		for (size_t g = 0; g < s->n_global_reach; g++)
			gr = gr || s->global_reach[g].a == (int)i || s->global_reach[g].b == (int)i;
		n_gr += gr;
	}
	if (!rc)
		rc = bom_add(m, strdup("Global Reach connections"), (double)s->n_global_reach);
	if (!rc)
		rc = bom_add(m, strdup("circuits with the Global Reach add-on"), (double)n_gr);
	for (size_t v = 0; !rc && v < s->n_vnets; v++)
		rc = bom_add(m, ers_asprintf("gateway %s", ers_gw_sku_str(s->vnets[v].gw_sku)), 1);
	if (!rc)
		rc = bom_add(m, strdup("VPN connections"), (double)s->n_vpns);
	return rc;
}

static void bom_rows(struct builder *b)
{
	struct bom *m = check(b, calloc(b->n, sizeof *m));

	for (size_t j = 0; m && j < b->n && !b->err; j++)
		if (b->in[j].scn && bom_build(b->in[j].scn, b->in[j].cat, &m[j]))
			check(b, NULL);
	for (size_t j = 0; m && j < b->n && !b->err; j++)
		for (size_t i = 0; i < m[j].n && !b->err; i++) {
			struct ers_cmp_row *r;
			if (row_exists(b, ERS_CMP_BOM, m[j].names[i]))
				continue;
			/* more items, a larger bill: lower is better */
			r = add_row(b, ERS_CMP_BOM, m[j].names[i], "count", ERS_CMP_COUNT, -1);
			for (size_t p = 0; r && p < b->n; p++) {
				if (!b->in[p].scn)
					continue;
				set_num(&r->cells[p], 0);
				for (size_t k = 0; k < m[p].n; k++)
					if (!strcmp(m[p].names[k], m[j].names[i]))
						r->cells[p].num = m[p].counts[k];
			}
			finish_row(b, r);
		}
	for (size_t j = 0; m && j < b->n; j++)
		bom_release(&m[j]);
	free(m);
}

/* ---- run counters ----------------------------------------------------------------- */

/* Notices of one kind (oscillation, not-converged) in a result. */
static size_t count_notices(const struct ers_result *x, const char *kind)
{
	size_t n = 0;

	for (size_t i = 0; i < x->n_notices; i++)
		n += !strcmp(x->notices[i].kind, kind);
	return n;
}

static void run_rows(struct builder *b)
{
	static const char *const metrics[] = { "initial_convergence_s", "messages",
		"bgp_updates", "events_processed", "notices", "routers", "links", "sessions",
		"oscillations", "not_converged" };
	struct ers_cmp_row *r;

	for (size_t m = 0; m < 10 && !b->err; m++) {
		r = add_row(b, ERS_CMP_RUN, "run", metrics[m],
			    m ? ERS_CMP_COUNT : ERS_CMP_SECONDS,
			    m <= 2 || m == 4 || m >= 8 ? -1 : 0);
		for (size_t j = 0; r && j < b->n; j++) {
			const struct ers_result *x = b->in[j].res;
			double v[] = { ers_time_to_s(x->initial_convergence),
				       (double)x->stats.messages, (double)x->stats.updates,
				       (double)x->stats.events_processed, (double)x->n_notices,
				       (double)x->n_routers, (double)x->n_links,
				       (double)x->n_sessions,
				       (double)count_notices(x, "oscillation"),
				       (double)count_notices(x, "not-converged") };
			set_num(&r->cells[j], v[m]);
		}
		finish_row(b, r);
	}
	r = add_row(b, ERS_CMP_RUN, "run", "fingerprint", ERS_CMP_TEXT, 0);
	for (size_t j = 0; r && j < b->n; j++) {
		r->cells[j].present = true;
		r->cells[j].text = check(b, ers_asprintf("%016" PRIx64,
						    b->in[j].res->stats.fingerprint));
	}
	finish_row(b, r);
}

/* ---- build ------------------------------------------------------------------------- */

static void init_columns(struct builder *b)
{
	struct ers_comparison *c = b->c;

	c->cols = check(b, calloc(b->n, sizeof *c->cols));
	if (!c->cols)
		return;
	c->n_cols = b->n;
	for (size_t j = 0; j < b->n; j++) {
		struct ers_cmp_column *col = &c->cols[j];
		col->label = check(b, j < 26 ? ers_asprintf("%c", (int)('A' + j)) :
				   ers_asprintf("C%zu", j + 1));
		col->input = check(b, strdup(b->in[j].input ? b->in[j].input : "?"));
		col->scenario = check(b, strdup(b->in[j].res->scenario ?
						b->in[j].res->scenario : ""));
		col->seed = b->in[j].res->seed;
		col->is_result_doc = !b->in[j].scn;
	}
}

/* A column that shares no event, flow or endpoint with A is not a
 * variant of the same study: refuse it. */
static enum ers_err check_overlap(struct builder *b, const struct shared *ev,
				  const struct shared *fl, size_t n_ep, struct ers_diag *d)
{
	if (ev->n || fl->n || n_ep)
		return ERS_OK;
	return ers_diag_add(d, ERS_EINVAL, NULL, 0,
			    "compare variants of one study: the same flows, events or endpoints",
			    "'%s' and '%s' share no events, flows or endpoints",
			    b->c->cols[0].input, b->c->cols[1].input);
}

enum ers_err ers_compare_build(const struct ers_cmp_input *in, size_t n,
			       struct ers_comparison **out, struct ers_diag *d)
{
	struct builder b = { .in = in, .n = n };
	struct shared ev = { 0 }, fl = { 0 };
	size_t n_ep = 0;
	enum ers_err rc;

	*out = NULL;
	if (n < 2)
		return ers_diag_add(d, ERS_EINVAL, NULL, 0, NULL,
				    "compare needs at least two inputs, got %zu", n);
	if (!(b.c = calloc(1, sizeof *b.c)))
		return ers_diag_add(d, ERS_ENOMEM, NULL, 0, NULL, "out of memory");
	init_columns(&b);
	match_events(&b, &ev);
	match_flows(&b, &fl);
	match_endpoints(&b, &n_ep);
	rc = b.err ? b.err : check_overlap(&b, &ev, &fl, n_ep, d);
	if (rc == ERS_OK) {
		event_rows(&b, &ev);
		flow_rows(&b, &fl);
		path_rows(&b, &ev, &fl);
		reach_rows(&b);
		resiliency_rows(&b);
		bom_rows(&b);
		run_rows(&b);
		rc = b.err;
		if (rc == ERS_ENOMEM)
			ers_diag_add(d, rc, NULL, 0, NULL, "out of memory comparing results");
	}
	free(ev.idx);
	free(fl.idx);
	if (rc != ERS_OK) {
		ers_comparison_free(b.c);
		return rc;
	}
	*out = b.c;
	return ERS_OK;
}

void ers_comparison_free(struct ers_comparison *c)
{
	if (!c)
		return;
	for (size_t j = 0; c->cols && j < c->n_cols; j++) {
		free(c->cols[j].label);
		free(c->cols[j].input);
		free(c->cols[j].scenario);
	}
	for (size_t i = 0; i < c->n_rows; i++) {
		struct ers_cmp_row *r = &c->rows[i];
		for (size_t j = 0; r->cells && j < c->n_cols; j++) {
			free(r->cells[j].text);
			free(r->cells[j].diverge);
			free(r->cells[j].reason);
			free(r->cells[j].base_reason);
		}
		free(r->cells);
		free(r->subject);
		free(r->metric);
	}
	for (size_t i = 0; i < c->n_unshared; i++) {
		free(c->unshared[i].subject);
		free(c->unshared[i].in);
	}
	for (size_t i = 0; i < c->n_violations; i++) {
		free(c->violations[i].expr);
		free(c->violations[i].msg);
	}
	free(c->violations);
	ers_strv_free(c->checked, c->n_checked);
	free(c->unshared);
	free(c->rows);
	free(c->cols);
	free(c);
}
