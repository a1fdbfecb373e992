/*
 * observe_decision.c - why the routers on a flow's paths chose their
 * routes, kept as data. The decision process leaves with every best route
 * the step that decided it (struct ers_loc: why, over); each time a flow
 * is traced (observe.c), the routers it passes are handed here, and what
 * changed is appended to the flow's decision history in the result, which
 * `compare` reads to say why two designs' paths differ.
 *
 * A choice made by router id, neighbour address or route age (the
 * "oldest" step) is luck: the design does not say which way traffic goes.
 * Each such choice on a flow's path gives one tie-break notice naming the
 * router, the prefix, both routes and the fix (what Microsoft's guidance
 * asks of customers: set local preference, weight or AS-path prepending).
 */
#include <stdlib.h>
#include <string.h>

#include "ersim/bgp.h"
#include "ersim/units.h"

static const char *node_of(const struct ers_world *w, const struct ers_peer *p)
{
	return p ? w->nodes[p->remote->self->node].id : NULL;
}

static bool same_str(const char *a, const char *b)
{
	return a == b || (a && b && !strcmp(a, b));
}

/* The last record of router in fr, or NULL. */
static const struct ers_decision *last_of(const struct ers_flow_result *fr,
					  const char *router)
{
	for (size_t i = fr->n_decisions; i-- > 0;)
		if (!strcmp(fr->decisions[i].router, router))
			return &fr->decisions[i];
	return NULL;
}

static char *dup_or_null(const char *s, bool *oom)
{
	char *d = s ? strdup(s) : NULL;

	*oom |= s && !d;
	return d;
}

static void tie_notice(struct ers_world *w, const struct ers_decision *d)
{
	char buf[512];

	snprintf(buf, sizeof buf,
		 "%s: chose the route via %s over the one via %s by %s alone; "
		 "say which to prefer (local-pref or weight on import, or AS-path "
		 "prepend on the other path)", d->prefix, d->chose, d->over, d->step);
	for (size_t i = 0; i < w->result->n_notices; i++) {
		const struct ers_notice *n = &w->result->notices[i];
		if (!strcmp(n->kind, "tie-break") && !strcmp(n->node, d->router) &&
		    !strcmp(n->detail, buf))
			return;
	}
	ers_observe_notice(w, "tie-break", d->router, "%s", buf);
}

static void record(struct ers_world *w, struct ers_flow_result *fr,
		   const struct ers_hop_decision *h)
{
	const struct ers_loc *l = h->l;
	const struct ers_decision *last = last_of(fr, h->s->id);
	char pbuf[24], detail[128];
	const char *step = ers_bgp_reason_str(l->why);
	struct ers_decision d = { 0 }, *v;
	bool oom = false;

	ers_prefix_str(w->prefixes.prefixes[h->prefix], pbuf, sizeof pbuf);
	if (last && !strcmp(last->prefix, pbuf) && !strcmp(last->step, step) &&
	    same_str(last->chose, node_of(w, l->best)) &&
	    same_str(last->over, node_of(w, l->over)))
		return;
	if (l->over) {
		struct ers_cand win = { .attrs = l->by_attrs, .peer = l->best };
		struct ers_cand lose = { .attrs = l->over_attrs, .peer = l->over };
		ers_bgp_step_detail(&win, &lose, l->why, detail, sizeof detail);
	}
	d.at = ers_sim_now(w->sim);
	d.router = dup_or_null(h->s->id, &oom);
	d.prefix = dup_or_null(pbuf, &oom);
	d.step = dup_or_null(step, &oom);
	d.chose = dup_or_null(node_of(w, l->best), &oom);
	d.over = dup_or_null(node_of(w, l->over), &oom);
	d.detail = dup_or_null(l->over ? detail : NULL, &oom);
	v = oom ? NULL : realloc(fr->decisions, (fr->n_decisions + 1) * sizeof *v);
	if (!v) {
		ers_decision_free(&d);
		w->err = ERS_ENOMEM;
		return;
	}
	fr->decisions = v;
	v[fr->n_decisions++] = d;
	if (ers_bgp_reason_is_tie(l->why))
		tie_notice(w, &d);
}

void ers_observe_decisions(struct ers_world *w, struct ers_flow_result *fr,
			   const struct ers_hop_decision *d, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		bool seen = false;
		/* ECMP branches pass some routers more than once. */
		for (size_t j = 0; j < i && !seen; j++)
			seen = d[j].s == d[i].s;
		if (!seen)
			record(w, fr, &d[i]);
	}
}

void ers_observe_limit(struct ers_world *w, const struct ers_peer *p, uint32_t prefix,
		       const char *kind, const char *what)
{
	const char *to = p->remote->self->id;
	char pbuf[24];
	size_t n = strlen(to);

	for (size_t i = 0; i < w->result->n_notices; i++) {
		const struct ers_notice *e = &w->result->notices[i];
		if (!strcmp(e->kind, kind) && !strcmp(e->node, p->self->id) &&
		    !strncmp(e->detail, "not sending to ", 15) &&
		    !strncmp(e->detail + 15, to, n) && e->detail[15 + n] == ' ')
			return;
	}
	ers_prefix_str(w->prefixes.prefixes[prefix], pbuf, sizeof pbuf);
	ers_observe_notice(w, kind, p->self->id,
			   "not sending to %s routes such as %s: %s", to, pbuf, what);
}
