/*
 * compare_fail_on.c - the --fail-on language of `ersim compare`
 * (compare.h): parsing METRIC OP VALUE (VALUE a number or relative to
 * column A: "A", "A+N", "A-N"), "reachability-lost" and
 * "resiliency-lower", and checking every column but A against each
 * threshold over the rows of a built comparison (compare.c), recording
 * each crossing with a message that names the row, the values and the
 * column's input.
 */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "ersim/compare.h"
#include "ersim/util.h"

static const char *const fail_metrics[] = {
	"detection_s", "convergence_s", "updates", "withdrawals", "outage_s", "down_s",
	"lost_bytes", "max_utilization", "initial_convergence_s", "messages",
	"bgp_updates", "events_processed", "notices", "oscillations", "not_converged",
};

static const char *const op_names[] = { ">", ">=", "<", "<=" };

static bool known_metric(const char *m)
{
	for (size_t i = 0; i < sizeof fail_metrics / sizeof fail_metrics[0]; i++)
		if (!strcmp(fail_metrics[i], m))
			return true;
	return false;
}

/* VALUE: a number, "A", "A+N" or "A-N". */
static enum ers_err parse_threshold(const char *p, struct ers_fail_on *out, const char **why)
{
	char *end;

	while (isspace((unsigned char)*p))
		p++;
	out->relative = *p == 'A';
	if (out->relative && !*++p) {
		out->value = 0;
		return ERS_OK;
	}
	if (out->relative && *p != '+' && *p != '-') {
		*why = "expected A, A+N or A-N after the operator";
		return ERS_EINVAL;
	}
	errno = 0;
	out->value = strtod(p, &end);
	while (isspace((unsigned char)*end))
		end++;
	if (end == p || *end || errno || !isfinite(out->value)) {
		*why = "expected a number, A, A+N or A-N after the operator";
		return ERS_EINVAL;
	}
	return ERS_OK;
}

enum ers_err ers_fail_on_parse(const char *expr, struct ers_fail_on *out, const char **why)
{
	const char *p = expr;
	size_t n = 0;

	memset(out, 0, sizeof *out);
	out->expr = expr;
	while (isspace((unsigned char)*p))
		p++;
	if (!strcmp(p, "reachability-lost") || !strcmp(p, "resiliency-lower")) {
		out->kind = *p == 'r' && p[2] == 'a' ? ERS_FAIL_REACH_LOST :
			ERS_FAIL_RESILIENCY_LOWER;
		return ERS_OK;
	}
	while (p[n] && (islower((unsigned char)p[n]) || p[n] == '_'))
		n++;
	if (!n || n >= sizeof out->metric) {
		*why = "expected METRIC>VALUE, reachability-lost or resiliency-lower";
		return ERS_EINVAL;
	}
	memcpy(out->metric, p, n);
	if (!known_metric(out->metric)) {
		*why = "unknown metric (outage_s, down_s, lost_bytes, max_utilization, "
		       "detection_s, convergence_s, updates, withdrawals, messages, ...)";
		return ERS_EINVAL;
	}
	p += n;
	while (isspace((unsigned char)*p))
		p++;
	if (p[0] != '<' && p[0] != '>') {
		*why = "expected >, >=, < or <= after the metric";
		return ERS_EINVAL;
	}
	out->op = (p[0] == '<' ? ERS_CMP_LT : ERS_CMP_GT) + (p[1] == '=');
	return parse_threshold(p + 1 + (p[1] == '='), out, why);
}

static bool crossed(enum ers_cmp_op op, double v, double t)
{
	switch (op) {
	case ERS_CMP_GT: return v > t + ERS_CMP_EPS * fmax(1.0, fabs(t));
	case ERS_CMP_GE: return v >= t - ERS_CMP_EPS * fmax(1.0, fabs(t));
	case ERS_CMP_LT: return v < t - ERS_CMP_EPS * fmax(1.0, fabs(t));
	default: return v <= t + ERS_CMP_EPS * fmax(1.0, fabs(t));
	}
}

/* "175.793", "6592232950": integers in full, others to 6 digits. */
static char *fmt_num(double v, char *buf, size_t n)
{
	if (v == floor(v) && fabs(v) < 1e15)
		snprintf(buf, n, "%.0f", v);
	else
		snprintf(buf, n, "%.6g", v);
	return buf;
}

static char *row_name(const struct ers_cmp_row *r)
{
	switch (r->section) {
	case ERS_CMP_EVENTS: return ers_asprintf("event '%s'", r->subject);
	case ERS_CMP_FLOWS: return ers_asprintf("flow '%s'", r->subject);
	case ERS_CMP_RESILIENCY: return ers_asprintf("VNet '%s'", r->subject);
	default: return strdup(r->subject);
	}
}

static enum ers_err add_violation(struct ers_comparison *c, const struct ers_fail_on *f,
				  size_t col, char *msg)
{
	struct ers_cmp_violation *v;

	if (!msg)
		return ERS_ENOMEM;
	v = realloc(c->violations, (c->n_violations + 1) * sizeof *v);
	if (!v) {
		free(msg);
		return ERS_ENOMEM;
	}
	c->violations = v;
	v += c->n_violations;
	v->col = col;
	v->msg = msg;
	if (!(v->expr = strdup(f->expr))) {
		free(msg);
		return ERS_ENOMEM;
	}
	c->n_violations++;
	return ERS_OK;
}

/* The message for row r, column j crossing f, or NULL (ENOMEM in *err). */
static char *metric_msg(const struct ers_comparison *c, const struct ers_fail_on *f,
			const struct ers_cmp_row *r, size_t j)
{
	const struct ers_cmp_cell *a = &r->cells[0], *x = &r->cells[j];
	char v[40], t[40], base[64] = "", *name, *msg;
	double thr = f->value;

	if (!x->present || x->null || (f->relative && (!a->present || a->null)))
		return NULL;
	if (f->relative) {
		thr += a->num;
		snprintf(base, sizeof base, " (A %s%s)", f->value < 0 ? "" : "+ ",
			 fmt_num(f->value, t, sizeof t));
	}
	if (!crossed(f->op, x->num, thr))
		return NULL;
	name = row_name(r);
	msg = name ? ers_asprintf("%s %s %s %s %s%s (%s: %s)", name, r->metric,
			     fmt_num(x->num, v, sizeof v), op_names[f->op],
			     fmt_num(thr, t, sizeof t), base, c->cols[j].label,
			     c->cols[j].input) : NULL;
	free(name);
	return msg;
}

/* reachability-lost and resiliency-lower for row r, column j. */
static char *loss_msg(const struct ers_comparison *c, const struct ers_fail_on *f,
		      const struct ers_cmp_row *r, size_t j)
{
	const struct ers_cmp_cell *a = &r->cells[0], *x = &r->cells[j];
	const char *lb = c->cols[j].label, *in = c->cols[j].input;

	if (!a->present || !x->present || x->num >= a->num)
		return NULL;
	if (f->kind == ERS_FAIL_RESILIENCY_LOWER)
		return r->section != ERS_CMP_RESILIENCY ? NULL :
			ers_asprintf("VNet '%s' resiliency %s in A, %s in %s (%s: %s)", r->subject,
				a->text, x->text, lb, lb, in);
	if (r->section == ERS_CMP_REACH)
		return ers_asprintf("%s reachable in A, not in %s (%s: %s)", r->subject, lb, lb, in);
	if (r->section == ERS_CMP_FLOWS && !strcmp(r->metric, "reachable"))
		return ers_asprintf("flow '%s' reachable at the end in A, not in %s (%s: %s)",
			       r->subject, lb, lb, in);
	return NULL;
}

enum ers_err ers_compare_check(struct ers_comparison *c, const struct ers_fail_on *f,
			       size_t n)
{
	for (size_t k = 0; k < n; k++) {
		char **v = realloc(c->checked, (c->n_checked + 1) * sizeof *v);

		if (!v)
			return ERS_ENOMEM;
		c->checked = v;
		if (!(v[c->n_checked] = strdup(f[k].expr)))
			return ERS_ENOMEM;
		c->n_checked++;
	}
	for (size_t k = 0; k < n; k++)
		for (size_t i = 0; i < c->n_rows; i++) {
			const struct ers_cmp_row *r = &c->rows[i];
			bool numeric = r->kind != ERS_CMP_TEXT && r->kind != ERS_CMP_PATHSET;
			if (f[k].kind == ERS_FAIL_METRIC &&
			    (!numeric || strcmp(r->metric, f[k].metric)))
				continue;
			for (size_t j = 1; j < c->n_cols; j++) {
				char *msg = f[k].kind == ERS_FAIL_METRIC ? metric_msg(c, &f[k], r, j) :
					loss_msg(c, &f[k], r, j);
				if (msg && add_violation(c, &f[k], j, msg))
					return ERS_ENOMEM;
			}
		}
	return ERS_OK;
}
