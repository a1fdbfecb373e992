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
 *
 * With --debug, every decision among several routes is explained on the
 * debug stream as it is made (ers_observe_explain).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ersim/observe.h"
#include "ersim/units.h"

static const char *node_of(const struct ers_world *w, const struct ers_peer *p)
{
	return p ? w->nodes[p->remote->self->node].id : NULL;
}

/* What a router last chose on a flow's path: a record is written only
 * when this changes. Kept per flow in a map by speaker index, so the check
 * costs O(1) however long the history. */
struct last_choice {
	uint32_t prefix;
	uint8_t why;
	long chose, over;		/* nodes as in the record; -1: none */
};

static long node_index(const struct ers_peer *p)
{
	return p ? (long)p->remote->self->node : -1;
}

/* Is h what its router last recorded for f? If not, remember h; false
 * with w->err set when out of memory. */
static bool same_as_last(struct ers_world *w, struct ers_flow_rec *f,
			 const struct ers_hop_decision *h)
{
	struct last_choice *c = ers_map_get(&f->last_choice, (uint32_t)h->s->index);

	long chose = node_index(h->l->best), over = node_index(h->l->over);

	if (c && c->prefix == h->prefix && c->why == h->l->why && c->chose == chose &&
	    c->over == over)
		return true;
	if (!c && (!(c = malloc(sizeof *c)) ||
		   ers_map_put(&f->last_choice, (uint32_t)h->s->index, c))) {
		free(c);
		w->err = ERS_ENOMEM;
		return true;
	}
	*c = (struct last_choice){ h->prefix, h->l->why, chose, over };
	return false;
}

void ers_observe_decisions_release(struct ers_flow_rec *f)
{
	uint32_t key;
	void *v;

	for (size_t i = 0; ers_map_next(&f->last_choice, &i, &key, &v);)
		free(v);
	ers_map_release(&f->last_choice);
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

/* Past DECISION_HISTORY_MAX records a flapping flow's decision history
 * stops growing: the first half stays, and a quarter of the records after
 * it is dropped at a time (amortised O(1) per record), so memory and time
 * are bounded however long a run flaps (as its path history, observe.c).
 * Reported once per flow. */
#define DECISION_HISTORY_MAX 8192

static void coalesce_decisions(struct ers_world *w, struct ers_flow_rec *f,
			       struct ers_flow_result *fr)
{
	size_t keep = DECISION_HISTORY_MAX / 2, drop = DECISION_HISTORY_MAX / 4;

	if (fr->n_decisions < DECISION_HISTORY_MAX)
		return;
	for (size_t i = keep; i < keep + drop; i++)
		ers_decision_free(&fr->decisions[i]);
	memmove(&fr->decisions[keep], &fr->decisions[keep + drop],
		(fr->n_decisions - keep - drop) * sizeof fr->decisions[0]);
	fr->n_decisions -= drop;
	if (!f->decisions_coalesced) {
		f->decisions_coalesced = true;
		ers_observe_notice(w, "path-history", f->src->id,
				   "flow '%s' saw its routers' decisions change more than %d times: from now on its decision history keeps the first ones and the latest",
				   fr->id, DECISION_HISTORY_MAX);
	}
}

/* Room for one more record. The array grows geometrically: its size is
 * the smallest power of two (at least 16) above every count it has held,
 * so it is full exactly when the count reaches a power of two. */
static bool reserve_decision(struct ers_flow_result *fr)
{
	size_t n = fr->n_decisions;
	struct ers_decision *v;

	if (n && (n < 16 || (n & (n - 1))))
		return true;
	if (!(v = realloc(fr->decisions, (n ? 2 * n : 16) * sizeof *v)))
		return false;
	fr->decisions = v;
	return true;
}

static void record(struct ers_world *w, struct ers_flow_rec *f, struct ers_flow_result *fr,
		   const struct ers_hop_decision *h)
{
	const struct ers_loc *l = h->l;
	char pbuf[24], detail[128];
	const char *step = ers_bgp_reason_str(l->why);
	struct ers_decision d = { 0 };
	bool oom = false;

	if (same_as_last(w, f, h))
		return;
	ers_prefix_str(w->prefixes.prefixes[h->prefix], pbuf, sizeof pbuf);
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
	coalesce_decisions(w, f, fr);
	if (oom || !reserve_decision(fr)) {
		ers_decision_free(&d);
		w->err = ERS_ENOMEM;
		return;
	}
	fr->decisions[fr->n_decisions++] = d;
	if (ers_bgp_reason_is_tie(l->why))
		tie_notice(w, &d);
}

void ers_observe_decisions(struct ers_world *w, struct ers_flow_rec *f,
			   struct ers_flow_result *fr, const struct ers_hop_decision *d, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		bool seen = false;
		/* ECMP branches pass some routers more than once. */
		for (size_t j = 0; j < i && !seen; j++)
			seen = d[j].s == d[i].s;
		if (!seen)
			record(w, f, fr, &d[i]);
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

void ers_observe_explain(struct ers_world *w, const struct ers_speaker *s, uint32_t prefix,
			 const struct ers_cand *c, size_t n, size_t best)
{
	char pbuf[24], why[200];

	ers_prefix_str(w->prefixes.prefixes[prefix], pbuf, sizeof pbuf);
	for (size_t i = 0; i < n; i++) {
		if (i == best)
			continue;
		/* The route that removed this one: the best, or for MED the
		 * lowest of its own neighbour AS. */
		fprintf(w->opts->debug, "%.9f %s: %s %s\n", ers_time_to_s(ers_sim_now(w->sim)),
			s->id, pbuf, ers_bgp_explain(&c[c[i].lost_to], &c[i], c[i].lost,
						     why, sizeof why));
	}
}
