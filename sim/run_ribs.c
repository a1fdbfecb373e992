/*
 * run_ribs.c - the final routing tables of a run as result data (--ribs):
 * every speaker's Loc-RIB, routers sorted by id and routes by prefix, with
 * next hops named by the neighbour's node id.
 */
#include <stdlib.h>
#include <string.h>

#include "ersim/bgp.h"
#include "ersim/units.h"

struct sorted_route {
	struct ers_prefix prefix;
	const struct ers_loc *loc;
};

static int cmp_route(const void *a, const void *b)
{
	return ers_prefix_cmp(((const struct sorted_route *)a)->prefix,
			      ((const struct sorted_route *)b)->prefix);
}

static int cmp_table(const void *a, const void *b)
{
	return strcmp(((const struct ers_rib_table *)a)->router,
		      ((const struct ers_rib_table *)b)->router);
}

static const char *hop_name(const struct ers_world *w, const struct ers_peer *p)
{
	return w->nodes[p->remote->self->node].id;
}

static int fill_route(struct ers_world *w, struct ers_rib_route *out,
		      const struct sorted_route *sr)
{
	const struct ers_attrs *a = sr->loc->attrs;
	char buf[24];

	out->prefix = strdup(ers_prefix_str(sr->prefix, buf, sizeof buf));
	out->as_path = malloc((a->path_len ? a->path_len : 1) * sizeof *out->as_path);
	out->communities = calloc(a->n_comms ? a->n_comms : 1, sizeof *out->communities);
	out->ecmp = calloc(sr->loc->n_ecmp ? sr->loc->n_ecmp : 1, sizeof *out->ecmp);
	if (!out->prefix || !out->as_path || !out->communities || !out->ecmp)
		return -1;
	memcpy(out->as_path, a->path, a->path_len * sizeof *a->path);
	out->as_path_len = a->path_len;
	out->local_pref = a->local_pref;
	out->med = a->med;
	out->has_med = a->has_med;
	out->weight = a->weight;
	out->origin = ers_origin_str(a->origin);
	for (size_t i = 0; i < a->n_comms; i++) {
		if (!(out->communities[i] = strdup(ers_community_str(a->comms[i], buf, sizeof buf))))
			return -1;
		out->n_communities++;
	}
	if (!sr->loc->best)
		return 0;
	if (!(out->next_hop = strdup(hop_name(w, sr->loc->best))))
		return -1;
	for (uint8_t i = 0; i < sr->loc->n_ecmp; i++) {
		if (!(out->ecmp[i] = strdup(hop_name(w, sr->loc->ecmp[i]))))
			return -1;
		out->n_ecmp++;
	}
	return 0;
}

static int fill_table(struct ers_world *w, struct ers_rib_table *t,
		      const struct ers_speaker *s)
{
	struct sorted_route *v = malloc((s->loc.n ? s->loc.n : 1) * sizeof *v);
	size_t n = 0;
	uint32_t key;
	void *val;
	int rc = -1;

	if (!v || !(t->router = strdup(s->id)))
		goto out;
	for (size_t i = 0; ers_map_next(&s->loc, &i, &key, &val);)
		v[n++] = (struct sorted_route){ w->prefixes.prefixes[key], val };
	qsort(v, n, sizeof *v, cmp_route);
	t->routes = calloc(n ? n : 1, sizeof *t->routes);
	if (!t->routes)
		goto out;
	for (size_t i = 0; i < n; i++) {
		t->n_routes++;
		if (fill_route(w, &t->routes[i], &v[i]))
			goto out;
	}
	rc = 0;
out:
	free(v);
	return rc;
}

int ers_run_fill_ribs(struct ers_world *w, struct ers_result *r)
{
	r->ribs = calloc(w->n_speakers ? w->n_speakers : 1, sizeof *r->ribs);
	if (!r->ribs)
		return -1;
	for (size_t i = 0; i < w->n_speakers; i++) {
		r->n_ribs++;
		if (fill_table(w, &r->ribs[i], w->speakers[i]))
			return -1;
	}
	qsort(r->ribs, r->n_ribs, sizeof *r->ribs, cmp_table);
	return 0;
}
