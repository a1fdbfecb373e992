/*
 * result_json.c - the result document (result_json.h) in both directions.
 *
 * Writing builds a jansson tree in the order of spec/cli-and-results.md
 * and dumps it with JSON_PRESERVE_ORDER, so that key order never depends
 * on a hash. Times leave the integer nanosecond clock only here, as
 * seconds printed with 15 significant digits: enough to round-trip every
 * nanosecond below 10^6 s, and short enough that 60.9 prints as 60.9 and
 * not as 60.899999999999999. Times that never happened are null.
 *
 * Reading checks every field it uses and reports the first bad one by its
 * place in the document ("flows[1].paths[0].share"); fields this version
 * does not know are ignored, so later versions may add fields.
 */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "ersim/result_json.h"

#define DUMP_FLAGS (JSON_PRESERVE_ORDER | JSON_INDENT(2) | JSON_REAL_PRECISION(15))

/* ---- writing ---- */

/* Building state: every failed allocation sets oom, checked once at the
 * end, so the builders stay straight-line code. */
struct jw {
	bool oom;
};

static void put(struct jw *w, json_t *obj, const char *key, json_t *val)
{
	/* json_object_set_new fails (and frees val) on NULL val or obj. */
	if (!obj || json_object_set_new(obj, key, val))
		w->oom = true;
}

static void push(struct jw *w, json_t *arr, json_t *val)
{
	if (!arr || json_array_append_new(arr, val))
		w->oom = true;
}

static json_t *j_time(ers_time_t t)
{
	if (t == ERS_TIME_NEVER)
		return json_null();
	return json_real(ers_time_to_s(t));
}

/* Shares and utilisation; JSON has no NaN or infinity. */
static json_t *j_real(double v)
{
	return isfinite(v) ? json_real(v) : json_null();
}

static json_t *j_u64(uint64_t v)
{
	char buf[24];

	if (v <= INT64_MAX)
		return json_integer((json_int_t)v);
	snprintf(buf, sizeof buf, "%" PRIu64, v);	/* beyond JSON integers */
	return json_string(buf);
}

static json_t *j_str(const char *s)
{
	return s ? json_string(s) : json_null();
}

static json_t *j_strv(struct jw *w, char *const *v, size_t n)
{
	json_t *a = json_array();

	for (size_t i = 0; i < n; i++)
		push(w, a, j_str(v[i]));
	return a;
}

static json_t *w_event(struct jw *w, const struct ers_event_result *e)
{
	json_t *o = json_object();
	ers_time_t conv = e->converged == ERS_TIME_NEVER ?
		ERS_TIME_NEVER : e->converged - e->at;

	put(w, o, "at_s", j_time(e->at));
	put(w, o, "action", j_str(e->action));
	put(w, o, "target", j_str(e->target));
	put(w, o, "detected_s", j_time(e->detected));
	put(w, o, "converged_s", j_time(e->converged));
	put(w, o, "convergence_s", j_time(conv));
	put(w, o, "updates", j_u64(e->updates));
	put(w, o, "withdrawals", j_u64(e->withdrawals));
	if (!strcmp(e->action, "maintenance")) {	/* the window */
		put(w, o, "down_s", j_time(e->down_at));
		put(w, o, "up_s", j_time(e->up_at));
	}
	return o;
}

static json_t *w_path(struct jw *w, const struct ers_path_entry *p)
{
	json_t *o = json_object();

	put(w, o, "from_s", j_time(p->from));
	put(w, o, "path", j_strv(w, p->nodes, p->n_nodes));
	if (p->hops) {
		json_t *hops = json_array();

		for (size_t i = 0; i + 1 < p->n_nodes; i++)
			push(w, hops, json_string(ers_hop_kind_str(p->hops[i])));
		put(w, o, "hops", hops);
	}
	put(w, o, "share", j_real(p->share));
	put(w, o, "status", json_string(ers_path_status_str(p->status)));
	return o;
}

static json_t *w_decision(struct jw *w, const struct ers_decision *d)
{
	json_t *o = json_object();

	put(w, o, "at_s", j_time(d->at));
	put(w, o, "router", j_str(d->router));
	put(w, o, "prefix", j_str(d->prefix));
	put(w, o, "step", j_str(d->step));
	put(w, o, "chose", j_str(d->chose));
	put(w, o, "over", j_str(d->over));
	put(w, o, "detail", j_str(d->detail));
	return o;
}

static json_t *w_flow(struct jw *w, const struct ers_flow_result *f)
{
	json_t *o = json_object();
	json_t *paths = json_array(), *dec = json_array();

	put(w, o, "id", j_str(f->id));
	put(w, o, "from", j_str(f->from));
	put(w, o, "to", j_str(f->to));
	put(w, o, "rate_bps", j_u64(f->rate));
	for (size_t i = 0; i < f->n_paths; i++)
		push(w, paths, w_path(w, &f->paths[i]));
	put(w, o, "paths", paths);
	for (size_t i = 0; i < f->n_decisions; i++)
		push(w, dec, w_decision(w, &f->decisions[i]));
	put(w, o, "decisions", dec);
	put(w, o, "outage_s", j_time(f->outage));
	put(w, o, "down_s", j_time(f->down));
	put(w, o, "lost_bytes", j_u64(f->lost_bytes));
	put(w, o, "final_reachable", json_boolean(f->final_reachable));
	put(w, o, "max_utilization", j_real(f->max_utilization));
	put(w, o, "max_utilization_link", j_str(f->max_utilization_link));
	return o;
}

static json_t *w_reachability(struct jw *w, const struct ers_result *r)
{
	json_t *o = json_object();

	for (size_t i = 0; i < r->n_endpoints; i++) {
		json_t *row = json_object();

		for (size_t j = 0; j < r->n_endpoints; j++)
			if (i != j)
				put(w, row, r->endpoints[j],
				    json_boolean(ers_result_reaches(r, i, j)));
		put(w, o, r->endpoints[i], row);
	}
	return o;
}

static json_t *w_notice(struct jw *w, const struct ers_notice *n)
{
	json_t *o = json_object();

	put(w, o, "at_s", j_time(n->at));
	put(w, o, "kind", j_str(n->kind));
	put(w, o, "node", j_str(n->node));
	put(w, o, "detail", j_str(n->detail));
	return o;
}

static json_t *w_route(struct jw *w, const struct ers_rib_route *rt)
{
	json_t *o = json_object();
	json_t *asp = json_array();

	for (size_t i = 0; i < rt->as_path_len; i++)
		push(w, asp, json_integer(rt->as_path[i]));
	put(w, o, "as_path", asp);
	put(w, o, "next_hop", j_str(rt->next_hop));
	put(w, o, "ecmp", j_strv(w, rt->ecmp, rt->n_ecmp));
	put(w, o, "local_pref", json_integer(rt->local_pref));
	put(w, o, "origin", j_str(rt->origin ? rt->origin : "igp"));
	put(w, o, "communities", j_strv(w, rt->communities, rt->n_communities));
	if (rt->has_med)
		put(w, o, "med", json_integer(rt->med));
	put(w, o, "weight", json_integer(rt->weight));
	return o;
}

static json_t *w_ribs(struct jw *w, const struct ers_result *r)
{
	json_t *o = json_object();

	for (size_t i = 0; i < r->n_ribs; i++) {
		const struct ers_rib_table *t = &r->ribs[i];
		json_t *tab = json_object();

		for (size_t j = 0; j < t->n_routes; j++)
			put(w, tab, t->routes[j].prefix, w_route(w, &t->routes[j]));
		put(w, o, t->router, tab);
	}
	return o;
}

static json_t *w_stats(struct jw *w, const struct ers_result *r)
{
	json_t *o = json_object();
	char fp[17];

	snprintf(fp, sizeof fp, "%016" PRIx64, r->stats.fingerprint);
	put(w, o, "events_processed", j_u64(r->stats.events_processed));
	put(w, o, "messages", j_u64(r->stats.messages));
	put(w, o, "updates", j_u64(r->stats.updates));
	put(w, o, "routes", j_u64(r->stats.routes));
	put(w, o, "attr_sets", j_u64(r->stats.attr_sets));
	put(w, o, "fingerprint", json_string(fp));
	put(w, o, "wall_s", j_real(r->stats.wall_s));
	return o;
}

static json_t *w_result(struct jw *w, const struct ers_result *r)
{
	json_t *o = json_object();
	json_t *topo = json_object();
	json_t *events = json_array(), *flows = json_array(), *notices = json_array();

	put(w, o, "format", json_string(ERS_RESULT_FORMAT));
	put(w, o, "scenario", j_str(r->scenario));
	put(w, o, "seed", j_u64(r->seed));
	put(w, topo, "routers", j_u64(r->n_routers));
	put(w, topo, "links", j_u64(r->n_links));
	put(w, topo, "sessions", j_u64(r->n_sessions));
	put(w, o, "topology", topo);
	put(w, o, "initial_convergence_s", j_time(r->initial_convergence));
	put(w, o, "end_s", j_time(r->end));
	for (size_t i = 0; i < r->n_events; i++)
		push(w, events, w_event(w, &r->events[i]));
	put(w, o, "events", events);
	for (size_t i = 0; i < r->n_flows; i++)
		push(w, flows, w_flow(w, &r->flows[i]));
	put(w, o, "flows", flows);
	put(w, o, "reachability", w_reachability(w, r));
	for (size_t i = 0; i < r->n_notices; i++)
		push(w, notices, w_notice(w, &r->notices[i]));
	put(w, o, "notices", notices);
	if (r->ribs)
		put(w, o, "ribs", w_ribs(w, r));
	put(w, o, "stats", w_stats(w, r));
	return o;
}

static enum ers_err write_json(const struct ers_result *r, FILE *out, size_t flags)
{
	struct jw w = { false };
	json_t *root = w_result(&w, r);
	enum ers_err rc = ERS_OK;

	if (!root || w.oom)
		rc = ERS_ENOMEM;
	else if (json_dumpf(root, out, flags) || fputc('\n', out) == EOF ||
		 fflush(out) || ferror(out))
		rc = ERS_EIO;
	json_decref(root);
	return rc;
}

enum ers_err ers_result_write_json(const struct ers_result *r, FILE *out)
{
	return write_json(r, out, DUMP_FLAGS);
}

/* Without indentation: half the bytes to write and to parse again. */
enum ers_err ers_result_write_json_compact(const struct ers_result *r, FILE *out)
{
	return write_json(r, out, JSON_PRESERVE_ORDER | JSON_COMPACT | JSON_REAL_PRECISION(15));
}

/* ---- reading ---- */

/* Reading state: the file for messages and the first error. Getters
 * return false after an error so loops stop at once. */
struct jr {
	const char *path;
	struct ers_diag *d;
	enum ers_err err;
};

static bool bad(struct jr *r, const char *where, const char *key,
		const char *what)
{
	if (r->err == ERS_OK)
		r->err = ers_diag_add(r->d, ERS_EINVAL, r->path, 0, NULL,
				      "field '%s%s%s' %s", where,
				      *where && key ? "." : "", key ? key : "", what);
	return false;
}

static bool oom(struct jr *r)
{
	if (r->err == ERS_OK)
		r->err = ers_diag_add(r->d, ERS_ENOMEM, r->path, 0, NULL,
				      "out of memory reading '%s'", r->path);
	return false;
}

/* The member key of obj; missing is an error unless optional. */
static json_t *member(struct jr *r, json_t *obj, const char *where,
		      const char *key, bool optional)
{
	json_t *v = json_object_get(obj, key);

	if (!v && !optional)
		bad(r, where, key, "is missing");
	return v;
}

static bool get_str(struct jr *r, json_t *obj, const char *where,
		    const char *key, bool nullable, char **out)
{
	json_t *v = member(r, obj, where, key, false);

	*out = NULL;
	if (!v)
		return false;
	if (nullable && json_is_null(v))
		return true;
	if (!json_is_string(v))
		return bad(r, where, key, "must be a string");
	*out = strdup(json_string_value(v));
	return *out ? true : oom(r);
}

/* A non-negative time in seconds; null is ERS_TIME_NEVER when allowed. */
static bool get_time(struct jr *r, json_t *obj, const char *where,
		     const char *key, bool nullable, ers_time_t *out)
{
	json_t *v = member(r, obj, where, key, false);
	double s;

	if (!v)
		return false;
	if (nullable && json_is_null(v)) {
		*out = ERS_TIME_NEVER;
		return true;
	}
	if (!json_is_number(v))
		return bad(r, where, key, nullable ? "must be a number or null" :
			   "must be a number");
	s = json_number_value(v);
	if (!(s >= 0 && s < 9.2e9))
		return bad(r, where, key, "must be a time in seconds, 0 or more");
	*out = (ers_time_t)llround(s * 1e9);
	return true;
}

/* An unsigned integer; large values may be written as decimal strings. */
static bool get_u64(struct jr *r, json_t *obj, const char *where,
		    const char *key, bool optional, uint64_t *out)
{
	json_t *v = member(r, obj, where, key, optional);
	char *end;

	*out = 0;
	if (!v)
		return optional;
	if (json_is_integer(v) && json_integer_value(v) >= 0) {
		*out = (uint64_t)json_integer_value(v);
		return true;
	}
	if (json_is_string(v) && *json_string_value(v) >= '0' &&
	    *json_string_value(v) <= '9') {
		*out = strtoull(json_string_value(v), &end, 10);
		if (!*end)
			return true;
	}
	return bad(r, where, key, "must be an integer, 0 or more");
}

static bool get_u32(struct jr *r, json_t *obj, const char *where,
		    const char *key, bool optional, uint32_t *out)
{
	uint64_t v;

	if (!get_u64(r, obj, where, key, optional, &v))
		return false;
	if (v > UINT32_MAX)
		return bad(r, where, key, "must be at most 4294967295");
	*out = (uint32_t)v;
	return true;
}

static bool get_size(struct jr *r, json_t *obj, const char *where,
		     const char *key, size_t *out)
{
	uint64_t v;

	if (!get_u64(r, obj, where, key, false, &v))
		return false;
	*out = (size_t)v;
	return true;
}

static bool get_real(struct jr *r, json_t *obj, const char *where,
		     const char *key, double *out)
{
	json_t *v = member(r, obj, where, key, false);

	if (!v)
		return false;
	if (!json_is_number(v))
		return bad(r, where, key, "must be a number");
	*out = json_number_value(v);
	return true;
}

static bool get_bool(struct jr *r, json_t *obj, const char *where,
		     const char *key, bool *out)
{
	json_t *v = member(r, obj, where, key, false);

	if (!v)
		return false;
	if (!json_is_boolean(v))
		return bad(r, where, key, "must be true or false");
	*out = json_is_true(v);
	return true;
}

static json_t *get_array(struct jr *r, json_t *obj, const char *where,
			 const char *key, bool optional)
{
	json_t *v = member(r, obj, where, key, optional);

	if (v && !json_is_array(v)) {
		bad(r, where, key, "must be an array");
		return NULL;
	}
	return v;
}

static json_t *get_object(struct jr *r, json_t *obj, const char *where,
			  const char *key, bool optional)
{
	json_t *v = member(r, obj, where, key, optional);

	if (v && !json_is_object(v)) {
		bad(r, where, key, "must be an object");
		return NULL;
	}
	return v;
}

/* A new zeroed array for n elements (NULL and true when n is 0). */
static bool alloc_n(struct jr *r, size_t n, size_t size, void *out)
{
	void *p = NULL;

	if (n && !(p = calloc(n, size)))
		return oom(r);
	memcpy(out, &p, sizeof p);
	return true;
}

/* An array of strings at obj[key] into *v, *n. */
static bool get_strv(struct jr *r, json_t *obj, const char *where,
		     const char *key, char ***v, size_t *n)
{
	json_t *a = get_array(r, obj, where, key, false), *e;
	size_t i;

	*v = NULL;
	*n = 0;
	if (!a || !alloc_n(r, json_array_size(a), sizeof **v, v))
		return false;
	json_array_foreach(a, i, e) {
		if (!json_is_string(e))
			return bad(r, where, key, "must be an array of strings");
		if (!((*v)[i] = strdup(json_string_value(e))))
			return oom(r);
		*n = i + 1;
	}
	return true;
}

static bool read_event(struct jr *r, json_t *o, const char *w, void *elem)
{
	struct ers_event_result *e = elem;
	if (!json_is_object(o))
		return bad(r, w, NULL, "must be an object");
	return get_time(r, o, w, "at_s", false, &e->at) &&
	       get_str(r, o, w, "action", false, &e->action) &&
	       get_str(r, o, w, "target", false, &e->target) &&
	       get_time(r, o, w, "detected_s", true, &e->detected) &&
	       get_time(r, o, w, "converged_s", true, &e->converged) &&
	       get_u64(r, o, w, "updates", false, &e->updates) &&
	       get_u64(r, o, w, "withdrawals", false, &e->withdrawals) &&
	       (!json_object_get(o, "down_s") ||
		get_time(r, o, w, "down_s", false, &e->down_at)) &&
	       (!json_object_get(o, "up_s") ||
		get_time(r, o, w, "up_s", false, &e->up_at));
}

/* The optional "hops" of a path: one kind per hop, n_nodes - 1 of them;
 * older documents have none and leave p->hops NULL. */
static bool read_hops(struct jr *r, json_t *o, const char *w,
		      struct ers_path_entry *p)
{
	json_t *a = get_array(r, o, w, "hops", true), *e;
	size_t i;

	if (!a)
		return r->err == ERS_OK;
	if (json_array_size(a) + 1 != p->n_nodes)
		return bad(r, w, "hops", "must have one entry per hop of \"path\"");
	if (!alloc_n(r, json_array_size(a), sizeof *p->hops, &p->hops))
		return false;
	json_array_foreach(a, i, e)
		if (!json_is_string(e) ||
		    !ers_hop_kind_parse(json_string_value(e), &p->hops[i]))
			return bad(r, w, "hops", "must name hop kinds (\"expressroute\", \"vpn\", ...)");
	return true;
}

static bool read_path(struct jr *r, json_t *o, const char *w,
		      struct ers_path_entry *p)
{
	json_t *st;

	if (!json_is_object(o))
		return bad(r, w, NULL, "must be an object");
	if (!get_time(r, o, w, "from_s", false, &p->from) ||
	    !get_strv(r, o, w, "path", &p->nodes, &p->n_nodes) ||
	    !get_real(r, o, w, "share", &p->share) ||
	    !read_hops(r, o, w, p))
		return false;
	p->status = ERS_PATH_DELIVERED;
	st = json_object_get(o, "status");
	if (st && (!json_is_string(st) ||
		   !ers_path_status_parse(json_string_value(st), &p->status)))
		return bad(r, w, "status", "must be \"delivered\", \"blackhole\" or \"loop\"");
	return true;
}

static bool read_decision(struct jr *r, json_t *o, const char *w,
			  struct ers_decision *d)
{
	if (!json_is_object(o))
		return bad(r, w, NULL, "must be an object");
	return get_time(r, o, w, "at_s", false, &d->at) &&
	       get_str(r, o, w, "router", false, &d->router) &&
	       get_str(r, o, w, "prefix", false, &d->prefix) &&
	       get_str(r, o, w, "step", false, &d->step) &&
	       get_str(r, o, w, "chose", true, &d->chose) &&
	       get_str(r, o, w, "over", true, &d->over) &&
	       get_str(r, o, w, "detail", true, &d->detail);
}

/* Documents written before decisions were recorded have none. */
static bool read_decisions(struct jr *r, json_t *o, const char *w,
			   struct ers_flow_result *f)
{
	json_t *a = get_array(r, o, w, "decisions", true), *e;
	char dw[96];
	size_t i;

	if (!a)
		return r->err == ERS_OK;
	if (!alloc_n(r, json_array_size(a), sizeof *f->decisions, &f->decisions))
		return false;
	json_array_foreach(a, i, e) {
		snprintf(dw, sizeof dw, "%s.decisions[%zu]", w, i);
		f->n_decisions = i + 1;
		if (!read_decision(r, e, dw, &f->decisions[i]))
			return false;
	}
	return true;
}

static bool read_flow(struct jr *r, json_t *o, const char *w, void *elem)
{
	struct ers_flow_result *f = elem;
	json_t *paths, *e, *link;
	char pw[96];
	size_t i;

	if (!json_is_object(o))
		return bad(r, w, NULL, "must be an object");
	if (!get_str(r, o, w, "id", false, &f->id) ||
	    !get_str(r, o, w, "from", false, &f->from) ||
	    !get_str(r, o, w, "to", false, &f->to) ||
	    !get_u64(r, o, w, "rate_bps", true, &f->rate) ||
	    !(paths = get_array(r, o, w, "paths", false)) ||
	    !alloc_n(r, json_array_size(paths), sizeof *f->paths, &f->paths))
		return false;
	json_array_foreach(paths, i, e) {
		snprintf(pw, sizeof pw, "%s.paths[%zu]", w, i);
		f->n_paths = i + 1;
		if (!read_path(r, e, pw, &f->paths[i]))
			return false;
	}
	if (!read_decisions(r, o, w, f))
		return false;
	link = json_object_get(o, "max_utilization_link");
	if (link && json_is_string(link) &&
	    !(f->max_utilization_link = strdup(json_string_value(link))))
		return oom(r);
	return get_time(r, o, w, "outage_s", false, &f->outage) &&
	       get_time(r, o, w, "down_s", false, &f->down) &&
	       get_u64(r, o, w, "lost_bytes", false, &f->lost_bytes) &&
	       get_bool(r, o, w, "final_reachable", &f->final_reachable) &&
	       get_real(r, o, w, "max_utilization", &f->max_utilization);
}

static bool read_notice(struct jr *r, json_t *o, const char *w, void *elem)
{
	struct ers_notice *n = elem;
	if (!json_is_object(o))
		return bad(r, w, NULL, "must be an object");
	return get_time(r, o, w, "at_s", false, &n->at) &&
	       get_str(r, o, w, "kind", false, &n->kind) &&
	       get_str(r, o, w, "node", false, &n->node) &&
	       get_str(r, o, w, "detail", false, &n->detail);
}

/* The array root[key] of records: allocate *vec, then read each element
 * with fn, counting read elements in *count so that a failure part-way
 * frees exactly what was read. */
static bool read_records(struct jr *r, json_t *root, const char *key,
			 bool optional, size_t size, void *vec, size_t *count,
			 bool (*fn)(struct jr *, json_t *, const char *, void *))
{
	json_t *a = get_array(r, root, "", key, optional), *e;
	char *base;
	char w[64];
	size_t i;

	if (!a)
		return optional && r->err == ERS_OK;
	if (!alloc_n(r, json_array_size(a), size, vec))
		return false;
	memcpy(&base, vec, sizeof base);
	json_array_foreach(a, i, e) {
		snprintf(w, sizeof w, "%s[%zu]", key, i);
		*count = i + 1;
		if (!fn(r, e, w, base + i * size))
			return false;
	}
	return true;
}

static bool read_topology(struct jr *r, json_t *root, struct ers_result *res)
{
	json_t *t = get_object(r, root, "", "topology", false);

	return t && get_size(r, t, "topology", "routers", &res->n_routers) &&
	       get_size(r, t, "topology", "links", &res->n_links) &&
	       get_size(r, t, "topology", "sessions", &res->n_sessions);
}

/* Index of name in the endpoint list, adding it when new; idx maps names
 * to index + 1 (a jansson object is a hash table: matrices of hundreds of
 * endpoints are read in O(n^2), not O(n^3)). -1 when out of memory. */
static long endpoint_index(struct ers_result *res, json_t *idx, const char *name)
{
	json_t *v = json_object_get(idx, name);

	if (v)
		return (long)json_integer_value(v) - 1;
	if (!(res->endpoints[res->n_endpoints] = strdup(name)) ||
	    json_object_set_new(idx, name, json_integer((json_int_t)res->n_endpoints + 1)))
		return -1;
	return (long)res->n_endpoints++;
}

/* Endpoint names: the rows of the matrix, then any column not a row. */
static bool reach_names(struct jr *r, json_t *m, struct ers_result *res, json_t *idx)
{
	const char *from, *to;
	json_t *row, *v;
	size_t cap = json_object_size(m);

	json_object_foreach(m, from, row) {
		if (!json_is_object(row))
			return bad(r, "reachability", from, "must be an object");
		cap += json_object_size(row);
	}
	if (!alloc_n(r, cap, sizeof *res->endpoints, &res->endpoints))
		return false;
	json_object_foreach(m, from, row)
		if (endpoint_index(res, idx, from) < 0)
			return oom(r);
	json_object_foreach(m, from, row)
		json_object_foreach(row, to, v)
			if (endpoint_index(res, idx, to) < 0)
				return oom(r);
	return true;
}

static bool read_reachability(struct jr *r, json_t *root, struct ers_result *res)
{
	json_t *m = get_object(r, root, "", "reachability", false), *row, *v;
	json_t *idx = json_object();
	const char *from, *to;
	char w[160];
	size_t n;
	bool ok = false;

	if (!idx)
		return oom(r);
	if (!m || !reach_names(r, m, res, idx))
		goto out;
	n = res->n_endpoints;
	if (!alloc_n(r, n * n, sizeof *res->reach, &res->reach))
		goto out;
	json_object_foreach(m, from, row)
		json_object_foreach(row, to, v) {
			snprintf(w, sizeof w, "reachability.%s", from);
			if (!json_is_boolean(v)) {
				bad(r, w, to, "must be true or false");
				goto out;
			}
			res->reach[endpoint_index(res, idx, from) * n +
				   endpoint_index(res, idx, to)] = json_is_true(v);
		}
	ok = true;
out:
	json_decref(idx);
	return ok;
}

static const char *origin_name(const char *s)
{
	static const char *const names[] = { "igp", "egp", "incomplete" };

	for (size_t i = 0; i < 3; i++)
		if (!strcmp(s, names[i]))
			return names[i];
	return NULL;
}

static bool read_as_path(struct jr *r, json_t *o, const char *w,
			 struct ers_rib_route *rt)
{
	json_t *a = get_array(r, o, w, "as_path", false), *e;
	size_t i;

	if (!a || !alloc_n(r, json_array_size(a), sizeof *rt->as_path, &rt->as_path))
		return false;
	json_array_foreach(a, i, e) {
		if (!json_is_integer(e) || json_integer_value(e) < 0 ||
		    json_integer_value(e) > UINT32_MAX)
			return bad(r, w, "as_path", "must be an array of AS numbers");
		rt->as_path[i] = (uint32_t)json_integer_value(e);
		rt->as_path_len = i + 1;
	}
	return true;
}

static bool read_route(struct jr *r, json_t *o, const char *w,
		       struct ers_rib_route *rt)
{
	json_t *org;

	if (!json_is_object(o))
		return bad(r, w, NULL, "must be an object");
	if (!read_as_path(r, o, w, rt) ||
	    !get_str(r, o, w, "next_hop", true, &rt->next_hop) ||
	    !get_strv(r, o, w, "ecmp", &rt->ecmp, &rt->n_ecmp) ||
	    !get_u32(r, o, w, "local_pref", false, &rt->local_pref) ||
	    !get_strv(r, o, w, "communities", &rt->communities, &rt->n_communities) ||
	    !get_u32(r, o, w, "weight", true, &rt->weight))
		return false;
	rt->has_med = json_object_get(o, "med") != NULL;
	if (rt->has_med && !get_u32(r, o, w, "med", false, &rt->med))
		return false;
	org = member(r, o, w, "origin", false);
	if (!org)
		return false;
	if (!json_is_string(org) || !(rt->origin = origin_name(json_string_value(org))))
		return bad(r, w, "origin", "must be \"igp\", \"egp\" or \"incomplete\"");
	return true;
}

static bool read_rib(struct jr *r, const char *router, json_t *tab,
		     struct ers_rib_table *t)
{
	const char *prefix;
	json_t *o;
	char w[160];

	if (!(t->router = strdup(router)))
		return oom(r);
	if (!json_is_object(tab))
		return bad(r, "ribs", router, "must be an object");
	if (!alloc_n(r, json_object_size(tab), sizeof *t->routes, &t->routes))
		return false;
	json_object_foreach(tab, prefix, o) {
		struct ers_rib_route *rt = &t->routes[t->n_routes++];

		snprintf(w, sizeof w, "ribs.%s.%s", router, prefix);
		if (!(rt->prefix = strdup(prefix)))
			return oom(r);
		if (!read_route(r, o, w, rt))
			return false;
	}
	return true;
}

static bool read_ribs(struct jr *r, json_t *root, struct ers_result *res)
{
	json_t *m = get_object(r, root, "", "ribs", true), *tab;
	const char *router;

	if (!m)
		return r->err == ERS_OK;
	if (!alloc_n(r, json_object_size(m) ? json_object_size(m) : 1,
		     sizeof *res->ribs, &res->ribs))
		return false;
	json_object_foreach(m, router, tab)
		if (!read_rib(r, router, tab, &res->ribs[res->n_ribs++]))
			return false;
	return true;
}

static bool read_fingerprint(struct jr *r, json_t *st, uint64_t *out)
{
	json_t *v = json_object_get(st, "fingerprint");
	const char *s;
	char *end;

	*out = 0;
	if (!v)
		return true;
	s = json_is_string(v) ? json_string_value(v) : "";
	*out = strtoull(s, &end, 16);
	if (!isxdigit((unsigned char)*s) || *end || strlen(s) > 16)
		return bad(r, "stats", "fingerprint", "must be a string of 16 hex digits");
	return true;
}

static bool read_stats(struct jr *r, json_t *root, struct ers_result *res)
{
	json_t *st = get_object(r, root, "", "stats", false), *wall;

	if (!st)
		return false;
	wall = json_object_get(st, "wall_s");
	res->stats.wall_s = json_is_number(wall) ? json_number_value(wall) : 0;
	return get_u64(r, st, "stats", "events_processed", true, &res->stats.events_processed) &&
	       get_u64(r, st, "stats", "messages", true, &res->stats.messages) &&
	       get_u64(r, st, "stats", "updates", true, &res->stats.updates) &&
	       get_u64(r, st, "stats", "routes", true, &res->stats.routes) &&
	       get_u64(r, st, "stats", "attr_sets", true, &res->stats.attr_sets) &&
	       read_fingerprint(r, st, &res->stats.fingerprint);
}

/* Is root a result document at all? Checked before any field, so that
 * feeding compare some other JSON gives one clear message. */
static bool check_format(struct jr *r, json_t *root)
{
	json_t *f = json_is_object(root) ? json_object_get(root, "format") : NULL;

	if (json_is_string(f) && !strcmp(json_string_value(f), ERS_RESULT_FORMAT))
		return true;
	if (json_is_string(f) && !strncmp(json_string_value(f), "ersim-result/", 13))
		r->err = ers_diag_add(r->d, ERS_EINVAL, r->path, 0,
				      "this ersim reads \"" ERS_RESULT_FORMAT "\"",
				      "unsupported result format '%s'",
				      json_string_value(f));
	else
		r->err = ers_diag_add(r->d, ERS_EINVAL, r->path, 0,
				      "write one with 'ersim run --json FILE'",
				      "not an ersim result document (no \"format\": \""
				      ERS_RESULT_FORMAT "\")");
	return false;
}

static bool read_result(struct jr *r, json_t *root, struct ers_result *res)
{
	ers_time_t end = 0;

	if (!check_format(r, root) ||
	    !get_str(r, root, "", "scenario", false, &res->scenario) ||
	    !get_u64(r, root, "", "seed", false, &res->seed) ||
	    !read_topology(r, root, res) ||
	    !get_time(r, root, "", "initial_convergence_s", true, &res->initial_convergence))
		return false;
	if (json_object_get(root, "end_s") && !get_time(r, root, "", "end_s", true, &end))
		return false;
	res->end = end;
	return read_records(r, root, "events", false, sizeof *res->events,
			    &res->events, &res->n_events, read_event) &&
	       read_records(r, root, "flows", false, sizeof *res->flows,
			    &res->flows, &res->n_flows, read_flow) &&
	       read_reachability(r, root, res) &&
	       read_records(r, root, "notices", true, sizeof *res->notices,
			    &res->notices, &res->n_notices, read_notice) &&
	       read_ribs(r, root, res) &&
	       read_stats(r, root, res);
}

enum ers_err ers_result_read_json(const char *path, struct ers_result **out,
				  struct ers_diag *d)
{
	struct jr r = { path, d, ERS_OK };
	struct ers_result *res = NULL;
	json_error_t jerr;
	json_t *root;
	FILE *f;

	*out = NULL;
	f = fopen(path, "rb");
	if (!f)
		return ers_diag_add(d, ERS_EIO, path, 0, NULL, "cannot read '%s': %s",
				    path, strerror(errno));
	root = json_loadf(f, JSON_REJECT_DUPLICATES, &jerr);
	fclose(f);
	if (!root)
		return ers_diag_add(d, ERS_EINVAL, path, jerr.line > 0 ? jerr.line : 0,
				    NULL, "not a JSON document: %s", jerr.text);
	res = ers_result_new();
	if (!res)
		oom(&r);
	else if (read_result(&r, root, res))
		*out = res;
	json_decref(root);
	if (*out)
		return ERS_OK;
	ers_result_free(res);
	return r.err != ERS_OK ? r.err : ERS_EINTERNAL;
}

/* The same from a buffer (batch workers send documents over a pipe);
 * name stands for the file in diagnostics. */
enum ers_err ers_result_read_json_mem(const char *buf, size_t len,
				      const char *name, struct ers_result **out,
				      struct ers_diag *d)
{
	struct jr r = { name, d, ERS_OK };
	struct ers_result *res = NULL;
	json_error_t jerr;
	json_t *root;

	*out = NULL;
	root = json_loadb(buf, len, JSON_REJECT_DUPLICATES, &jerr);
	if (!root)
		return ers_diag_add(d, ERS_EINVAL, name, jerr.line > 0 ? jerr.line : 0,
				    NULL, "not a JSON document: %s", jerr.text);
	res = ers_result_new();
	if (!res)
		oom(&r);
	else if (read_result(&r, root, res))
		*out = res;
	json_decref(root);
	if (*out)
		return ERS_OK;
	ers_result_free(res);
	return r.err != ERS_OK ? r.err : ERS_EINTERNAL;
}
