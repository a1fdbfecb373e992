/*
 * compare_json.c - the comparison as a document (compare.h): format
 * "ersim-compare/1", the columns, one array of rows per section with
 * values (numbers, integers, booleans, paths or null), differences and
 * verdicts (or, for paths, where and why they diverge), what was not
 * compared and the --fail-on verdicts. Built with jansson, keys in a
 * fixed order, two-space indent, written all at once.
 */
#include <jansson.h>

#include "ersim/compare.h"

#define DUMP_FLAGS (JSON_PRESERVE_ORDER | JSON_INDENT(2) | JSON_REAL_PRECISION(15))

/* json_object_set_new that remembers a failure (a NULL value or key). */
static void put(json_t *o, const char *k, json_t *v, bool *ok)
{
	if (!o || !v || json_object_set_new(o, k, v))
		*ok = false;
}

static void push(json_t *a, json_t *v, bool *ok)
{
	if (!a || !v || json_array_append_new(a, v))
		*ok = false;
}

static json_t *str_or_null(const char *s)
{
	return s ? json_string(s) : json_null();
}

static json_t *paths_json(const struct ers_cmp_cell *x, bool *ok)
{
	json_t *a = json_array();

	for (size_t i = 0; i < x->n_paths; i++) {
		const struct ers_path_entry *p = &x->paths[i];
		json_t *e = json_object(), *nodes = json_array();
		for (size_t k = 0; k < p->n_nodes; k++)
			push(nodes, json_string(p->nodes[k]), ok);
		put(e, "path", nodes, ok);
		put(e, "share", json_real(p->share), ok);
		put(e, "status", json_string(ers_path_status_str(p->status)), ok);
		push(a, e, ok);
	}
	return a;
}

static json_t *value_json(const struct ers_cmp_row *r, const struct ers_cmp_cell *x, bool *ok)
{
	if (!x->present || x->null)
		return json_null();
	switch (r->kind) {
	case ERS_CMP_SECONDS:
	case ERS_CMP_RATIO:
		return json_real(x->num);
	case ERS_CMP_COUNT:
	case ERS_CMP_BYTES:
		return json_integer((json_int_t)x->num);
	case ERS_CMP_BOOL:
		return json_boolean(x->num != 0);
	case ERS_CMP_PATHSET:
		return paths_json(x, ok);
	default:
		return json_string(x->text ? x->text : "");
	}
}

static json_t *delta_json(const struct ers_cmp_row *r, size_t j)
{
	const struct ers_cmp_cell *a = &r->cells[0], *x = &r->cells[j];
	double d = x->num - a->num;

	if (!j || !a->present || !x->present || a->null || x->null ||
	    r->kind == ERS_CMP_TEXT || r->kind == ERS_CMP_PATHSET || r->kind == ERS_CMP_BOOL)
		return json_null();
	if (r->kind == ERS_CMP_COUNT || r->kind == ERS_CMP_BYTES)
		return json_integer((json_int_t)d);
	return json_real(d);
}

static json_t *row_json(const struct ers_comparison *c, const struct ers_cmp_row *r, bool *ok)
{
	json_t *o = json_object(), *vals = json_array(), *deltas = json_array();
	json_t *verdicts = json_array();

	put(o, "subject", json_string(r->subject), ok);
	put(o, "metric", json_string(r->metric), ok);
	for (size_t j = 0; j < c->n_cols; j++) {
		push(vals, value_json(r, &r->cells[j], ok), ok);
		push(deltas, delta_json(r, j), ok);
		push(verdicts, str_or_null(j ? ers_cmp_verdict(r, j) : NULL), ok);
	}
	put(o, "values", vals, ok);
	if (r->kind != ERS_CMP_PATHSET) {
		put(o, "delta", deltas, ok);
		put(o, "verdict", verdicts, ok);
	} else {
		json_t *dv = json_array(), *why = json_array(), *base = json_array();
		json_decref(deltas);
		json_decref(verdicts);
		for (size_t j = 0; j < c->n_cols; j++) {
			push(dv, str_or_null(r->cells[j].diverge), ok);
			push(why, str_or_null(r->cells[j].reason), ok);
			push(base, str_or_null(r->cells[j].base_reason), ok);
		}
		put(o, "diverges_at", dv, ok);
		put(o, "reason", why, ok);
		put(o, "baseline_reason", base, ok);
	}
	put(o, "differs", json_boolean(r->differs), ok);
	return o;
}

static json_t *columns_json(const struct ers_comparison *c, bool *ok)
{
	json_t *a = json_array();

	for (size_t j = 0; j < c->n_cols; j++) {
		json_t *o = json_object();
		put(o, "label", json_string(c->cols[j].label), ok);
		put(o, "input", json_string(c->cols[j].input), ok);
		put(o, "kind", json_string(c->cols[j].is_result_doc ? "result" : "scenario"), ok);
		put(o, "scenario", json_string(c->cols[j].scenario), ok);
		put(o, "seed", json_integer((json_int_t)c->cols[j].seed), ok);
		push(a, o, ok);
	}
	return a;
}

static json_t *unshared_json(const struct ers_comparison *c, bool *ok)
{
	json_t *a = json_array();

	for (size_t i = 0; i < c->n_unshared; i++) {
		json_t *o = json_object(), *in = json_array();
		put(o, "kind", json_string(c->unshared[i].kind), ok);
		put(o, "subject", json_string(c->unshared[i].subject), ok);
		for (size_t j = 0; j < c->n_cols; j++)
			if (c->unshared[i].in[j])
				push(in, json_string(c->cols[j].label), ok);
		put(o, "in", in, ok);
		push(a, o, ok);
	}
	return a;
}

static json_t *violations_json(const struct ers_comparison *c, bool *ok)
{
	json_t *a = json_array();

	for (size_t i = 0; i < c->n_violations; i++) {
		json_t *o = json_object();
		put(o, "expr", json_string(c->violations[i].expr), ok);
		put(o, "column", json_string(c->cols[c->violations[i].col].label), ok);
		put(o, "message", json_string(c->violations[i].msg), ok);
		push(a, o, ok);
	}
	return a;
}

static json_t *compare_json(const struct ers_comparison *c, bool *ok)
{
	json_t *root = json_object();

	put(root, "format", json_string("ersim-compare/1"), ok);
	put(root, "columns", columns_json(c, ok), ok);
	for (int s = 0; s < ERS_CMP_N_SECTIONS; s++) {
		json_t *rows = json_array();
		for (size_t i = 0; i < c->n_rows; i++)
			if (c->rows[i].section == (enum ers_cmp_section)s)
				push(rows, row_json(c, &c->rows[i], ok), ok);
		if (s == ERS_CMP_REACH) {
			json_t *o = json_object();
			put(o, "pairs_equal", json_integer((json_int_t)c->n_pairs_equal), ok);
			put(o, "differ", rows, ok);
			rows = o;
		}
		put(root, ers_cmp_section_str((enum ers_cmp_section)s), rows, ok);
	}
	put(root, "not_compared", unshared_json(c, ok), ok);
	put(root, "fail_on", violations_json(c, ok), ok);
	return root;
}

enum ers_err ers_compare_write_json(const struct ers_comparison *c, FILE *out)
{
	bool ok = true;
	json_t *root = compare_json(c, &ok);
	enum ers_err rc = ERS_OK;

	if (!ok || !root)
		rc = ERS_ENOMEM;
	else if (json_dumpf(root, out, DUMP_FLAGS) || fputc('\n', out) == EOF || ferror(out))
		rc = ERS_EIO;
	json_decref(root);
	return rc;
}
