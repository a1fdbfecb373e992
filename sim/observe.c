/*
 * observe.c - the observers: they read routing state and never change it.
 * Every change of a best route and of link state comes through here (from
 * the BGP core's hooks, which run_hooks.c connects); we
 * record convergence and detection per failure event, and re-trace every
 * flow through the forwarding tables (each speaker's Loc-RIB, longest
 * prefix match, ECMP split evenly) once per simulated instant in which
 * something changed, accounting outage, lost bytes and link load.
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ersim/bgp.h"
#include "ersim/expressroute.h"
#include "ersim/observe.h"
#include "ersim/rng.h"
#include "ersim/units.h"

#define MAX_HOPS 64

/* Non-convergence (see docs/model.md, "Convergence per event"). */
#define RECENT 4096		/* route changes remembered, newest last */
#define WATCH_AFTER 4		/* changes since the last event before a
				 * prefix's states are recorded */
#define WATCH_STATES 16		/* distinct states recorded per prefix */
#define RECUR 8			/* a state seen this often: oscillation... */
#define PERSIST (60 * ERS_S)	/* ...if changes go on this long after */
#define MAX_OSC_NOTICES 16	/* oscillation notices per run */
#define MAX_NAMES 8		/* names listed in a notice */
#define PATH_HISTORY_MAX 2000	/* path entries kept per flow */

struct ers_change {
	uint32_t speaker, prefix;
	ers_time_t at;
};

struct ers_seen {
	uint64_t state;
	uint32_t hits;
};

struct ers_watch {
	uint64_t state;		/* XOR of every speaker's ers_loc.state */
	uint32_t changes;	/* since the last event */
	uint8_t n_seen;
	bool recurred;		/* a state came back RECUR times */
	bool reported;
	ers_time_t recurred_at, last_change;
	struct ers_seen *seen;	/* WATCH_STATES, once changes >= WATCH_AFTER */
};

static void retrace(struct ers_sim *sim, void *arg, uint64_t data);

uint64_t ers_observe_loc_state(const struct ers_speaker *s, const struct ers_loc *l)
{
	uint64_t h = ers_rng_mix(s->index + 1);

	h = ers_rng_mix(h ^ l->attrs->hash);
	for (uint8_t i = 0; i < l->n_ecmp; i++)
		h = ers_rng_mix(h ^ (l->ecmp[i] ? l->ecmp[i]->remote->self->index + 1 : 0));
	return h ? h : 1;
}

static struct ers_watch *watch_of(struct ers_world *w, uint32_t prefix)
{
	if (prefix >= w->n_watch) {
		size_t n = w->prefixes.n > prefix ? w->prefixes.n : (size_t)prefix + 1;
		struct ers_watch *v = realloc(w->watch, n * sizeof *v);

		if (!v)
			return NULL;
		memset(v + w->n_watch, 0, (n - w->n_watch) * sizeof *v);
		w->watch = v;
		w->n_watch = n;
	}
	return &w->watch[prefix];
}

/* Distinct speakers (or prefixes) among the remembered changes that fit,
 * newest first, as "a, b, c (+N more)" into buf. *first: the first one. */
static size_t list_recent(struct ers_world *w, bool prefixes, ers_time_t since,
			  int64_t only_prefix, size_t max_fit, char *buf, size_t n,
			  uint32_t *first)
{
	uint64_t total = w->n_changes < RECENT ? w->n_changes : RECENT;
	size_t fit = 0;
	uint32_t names[MAX_NAMES];
	size_t k = 0, more = 0, len = 0;

	buf[0] = 0;
	for (uint64_t i = 0; i < total; i++) {
		const struct ers_change *c = &w->recent[(w->n_changes - 1 - i) % RECENT];
		uint32_t v = prefixes ? c->prefix : c->speaker;
		bool dup = false;

		if (c->at < since || (only_prefix >= 0 && c->prefix != (uint32_t)only_prefix))
			continue;
		if (++fit > max_fit)
			break;
		for (size_t j = 0; j < k; j++)
			dup |= names[j] == v;
		/* Beyond MAX_NAMES, count the others once each. */
		for (uint64_t j = 0; !dup && k == MAX_NAMES && j < i; j++) {
			const struct ers_change *d = &w->recent[(w->n_changes - 1 - j) % RECENT];
			dup = (prefixes ? d->prefix : d->speaker) == v && d->at >= since &&
			      (only_prefix < 0 || d->prefix == (uint32_t)only_prefix);
		}
		if (dup)
			continue;
		if (k < MAX_NAMES)
			names[k++] = v;
		else
			more++;
	}
	for (size_t j = 0; j < k && len < n; j++) {
		char pbuf[24];
		const char *name = prefixes ? ers_prefix_str(w->prefixes.prefixes[names[j]],
							     pbuf, sizeof pbuf)
					    : w->speakers[names[j]]->id;
		len += (size_t)snprintf(buf + len, n - len, "%s%s", j ? ", " : "", name);
	}
	if (more && len < n)
		snprintf(buf + len, n - len, " (+%zu more)", more);
	if (first)
		*first = k ? names[0] : 0;
	return k + more;
}

/* A prefix whose state recurred and kept changing PERSIST after: a
 * transient that settles (a wedgie breaking its symmetry) is not one. */
static void report_oscillation(struct ers_world *w, uint32_t prefix)
{
	struct ers_watch *wt = &w->watch[prefix];
	char routers[256], pbuf[24];
	uint32_t first;

	if (!wt->recurred || wt->reported || wt->last_change - wt->recurred_at < PERSIST)
		return;
	wt->reported = true;
	if (w->n_oscillations++ >= MAX_OSC_NOTICES)
		return;
	/* The routers of the cycle: those behind its latest changes. */
	list_recent(w, false, w->watch_since, prefix, 4 * RECUR, routers, sizeof routers, &first);
	ers_observe_notice(w, "oscillation", w->speakers[first]->id,
			   "%s oscillates at %s: with no event since %.3f s, the same routing state came back %d times by %.3f s and it still changed at %.3f s (policies that prefer each other's routes, such as local-pref set by community, can leave BGP without a stable state); fix the preferences",
			   ers_prefix_str(w->prefixes.prefixes[prefix], pbuf, sizeof pbuf),
			   routers, ers_time_to_s(w->watch_since), RECUR,
			   ers_time_to_s(wt->recurred_at), ers_time_to_s(wt->last_change));
}

/* Has this prefix's network state come back often enough to call it an
 * oscillation? Only since the last event: a restore brings old states
 * back legitimately. */
static void watch_state(struct ers_world *w, struct ers_watch *wt, uint32_t prefix)
{
	struct ers_seen *e = NULL;

	wt->last_change = ers_sim_now(w->sim);
	if (wt->recurred) {
		report_oscillation(w, prefix);
		return;
	}
	if (++wt->changes < WATCH_AFTER)
		return;
	if (!wt->seen && !(wt->seen = calloc(WATCH_STATES, sizeof *wt->seen))) {
		w->err = ERS_ENOMEM;
		return;
	}
	for (uint8_t i = 0; i < wt->n_seen && !e; i++)
		if (wt->seen[i].state == wt->state)
			e = &wt->seen[i];
	if (!e && wt->n_seen < WATCH_STATES) {
		e = &wt->seen[wt->n_seen++];
		*e = (struct ers_seen){ wt->state, 0 };
	} else if (!e) {
		/* Full: a state seen once makes room (transient exploration). */
		e = &wt->seen[wt->changes % WATCH_STATES];
		if (e->hits > 1)
			return;
		*e = (struct ers_seen){ wt->state, 0 };
	}
	if (++e->hits >= RECUR) {
		wt->recurred = true;
		wt->recurred_at = ers_sim_now(w->sim);
		w->oscillation_at = wt->recurred_at;
	}
}

void ers_observe_route_change(struct ers_world *w, const struct ers_speaker *s,
			      uint32_t prefix, uint64_t delta)
{
	ers_time_t now = ers_sim_now(w->sim);
	struct ers_watch *wt;

	w->last_change = now;
	for (size_t i = 0; i < w->n_cur_group; i++)
		w->ev[w->cur_group[i]].converged = now;
	ers_observe_forwarding_changed(w);
	if (!w->recent && !(w->recent = malloc(RECENT * sizeof *w->recent))) {
		w->err = ERS_ENOMEM;
		return;
	}
	w->recent[w->n_changes++ % RECENT] = (struct ers_change){ (uint32_t)s->index, prefix, now };
	if (!delta)
		return;
	if (!(wt = watch_of(w, prefix))) {
		w->err = ERS_ENOMEM;
		return;
	}
	wt->state ^= delta;
	watch_state(w, wt, prefix);
}

void ers_observe_event(struct ers_world *w)
{
	w->watch_since = ers_sim_now(w->sim);
	for (size_t i = 0; i < w->n_watch; i++) {
		w->watch[i].changes = 0;
		w->watch[i].n_seen = 0;
		w->watch[i].recurred = w->watch[i].reported = false;
	}
}

void ers_observe_convergence_check(struct ers_world *w, ers_time_t quiet_time,
				   ers_time_t last_event)
{
	ers_time_t now = ers_sim_now(w->sim), since = now - quiet_time;
	char prefixes[256], routers[256];
	uint32_t first;
	size_t np;

	if (w->n_oscillations > MAX_OSC_NOTICES)
		ers_observe_notice(w, "oscillation", w->speakers[0]->id,
				   "%zu more prefixes oscillated (only the first %d are named)",
				   w->n_oscillations - MAX_OSC_NOTICES, MAX_OSC_NOTICES);
	if (!w->n_changes || w->last_change <= since || w->last_change - last_event < quiet_time)
		return;
	np = list_recent(w, true, since + 1, -1, RECENT, prefixes, sizeof prefixes, NULL);
	list_recent(w, false, since + 1, -1, RECENT, routers, sizeof routers, &first);
	ers_observe_notice(w, "not-converged", w->speakers[first]->id,
			   "routes still changing when the run stopped at %.3f s, %.0f s after the last event (last change %.3f s): %zu prefix%s (%s) at %s",
			   ers_time_to_s(now), ers_time_to_s(now - last_event),
			   ers_time_to_s(w->last_change), np, np == 1 ? "" : "es",
			   prefixes, routers);
}

void ers_observe_detect(struct ers_world *w)
{
	for (size_t i = 0; i < w->n_cur_group; i++)
		if (w->ev[w->cur_group[i]].detected == ERS_TIME_NEVER)
			w->ev[w->cur_group[i]].detected = ers_sim_now(w->sim);
}

void ers_observe_update_sent(struct ers_world *w, size_t n_withdrawn)
{
	for (size_t i = 0; i < w->n_cur_group; i++) {
		w->ev[w->cur_group[i]].updates++;
		w->ev[w->cur_group[i]].withdrawals += n_withdrawn;
	}
}

void ers_observe_forwarding_changed(struct ers_world *w)
{
	if (w->retrace_pending || !w->s->n_flows)
		return;
	w->retrace_pending = true;
	if (ers_sim_post(w->sim, ers_sim_now(w->sim), retrace, w, 0))
		w->err = ERS_ENOMEM;
}

void ers_observe_notice(struct ers_world *w, const char *kind, const char *node,
			const char *fmt, ...)
{
	struct ers_result *r = w->result;
	struct ers_notice *v = realloc(r->notices, (r->n_notices + 1) * sizeof *v);
	char buf[512];
	va_list ap;

	if (!v) {
		w->err = ERS_ENOMEM;
		return;
	}
	r->notices = v;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	v[r->n_notices].at = ers_sim_now(w->sim);
	v[r->n_notices].kind = strdup(kind);
	v[r->n_notices].node = strdup(node);
	v[r->n_notices].detail = strdup(buf);
	r->n_notices++;
	ers_trace(w, node, kind, "%s", buf);
}

/* ---- tracing one flow ---------------------------------------------- */

/* Longest prefix match in s's Loc-RIB; *prefix is its id. */
static const struct ers_loc *lookup(const struct ers_world *w,
				    const struct ers_speaker *s, uint32_t addr,
				    uint32_t *prefix)
{
	for (int len = 32; len >= 0; len--) {
		struct ers_prefix p = { len ? addr & (~(uint32_t)0 << (32 - len)) : 0,
					(uint8_t)len };
		int64_t id = ers_prefix_find(&w->prefixes, p);
		const struct ers_loc *l;

		if (id >= 0 && (l = ers_map_get(&s->loc, (uint32_t)id))) {
			*prefix = (uint32_t)id;
			return l;
		}
	}
	return NULL;
}

struct walk {
	struct ers_world *w;
	const struct ers_flow_rec *f;
	ers_rate_t rate;
	struct ers_speaker *stack[MAX_HOPS];
	enum ers_hop_kind via[MAX_HOPS];	/* via[i]: link from stack[i] to stack[i + 1] */
	size_t depth;
	struct ers_path_entry *out;	/* paths found */
	size_t n_out, cap_out;
	size_t *hops;			/* link index * 2 + direction, each hop taken */
	size_t n_hops, cap_hops;
	struct ers_hop_decision *dec;	/* each router's route (observe_decision.c) */
	size_t n_dec, cap_dec;
	double delivered;
	bool oom;
};

static void emit(struct walk *k, double share, enum ers_path_status st)
{
	struct ers_path_entry *e;

	if (k->n_out == k->cap_out) {
		size_t cap = k->cap_out ? 2 * k->cap_out : 4;
		struct ers_path_entry *v = realloc(k->out, cap * sizeof *v);
		if (!v) {
			k->oom = true;
			return;
		}
		k->out = v;
		k->cap_out = cap;
	}
	e = &k->out[k->n_out];
	e->nodes = calloc(k->depth, sizeof *e->nodes);
	if (!e->nodes) {
		k->oom = true;
		return;
	}
	e->hops = k->depth > 1 ? calloc(k->depth - 1, sizeof *e->hops) : NULL;
	if (k->depth > 1 && !e->hops) {
		free(e->nodes);
		k->oom = true;
		return;
	}
	for (size_t i = 0; i < k->depth; i++) {
		e->nodes[i] = strdup(k->w->nodes[k->stack[i]->node].id);
		if (!e->nodes[i])
			k->oom = true;
		if (i + 1 < k->depth)
			e->hops[i] = k->via[i];
	}
	e->n_nodes = k->depth;
	e->share = share;
	e->status = st;
	e->from = ers_sim_now(k->w->sim);
	k->n_out++;
	if (st == ERS_PATH_DELIVERED)
		k->delivered += share;
}

static bool is_destination(const struct ers_flow_rec *f, const struct ers_speaker *s)
{
	return (f->dst_site >= 0 && s->site == f->dst_site) ||
	       (f->dst_vnet >= 0 && s->vnet == f->dst_vnet) ||
	       (f->dst_msft && s->kind == ERS_SPK_MICROSOFT);
}

static void add_load(struct walk *k, struct ers_speaker *from, struct ers_net_link *l,
		     double share)
{
	size_t dir = from->node == l->a ? 0 : 1;

	l->load[dir] += (double)k->rate * share;
	if (k->n_hops == k->cap_hops) {
		size_t cap = k->cap_hops ? 2 * k->cap_hops : 8;
		size_t *v = realloc(k->hops, cap * sizeof *v);
		if (!v) {
			k->oom = true;
			return;
		}
		k->hops = v;
		k->cap_hops = cap;
	}
	k->hops[k->n_hops++] = (size_t)(l - k->w->links) * 2 + dir;
}

static void add_decision(struct walk *k, const struct ers_speaker *s,
			 const struct ers_loc *l, uint32_t prefix)
{
	if (k->n_dec == k->cap_dec) {
		size_t cap = k->cap_dec ? 2 * k->cap_dec : 8;
		struct ers_hop_decision *v = realloc(k->dec, cap * sizeof *v);
		if (!v) {
			k->oom = true;
			return;
		}
		k->dec = v;
		k->cap_dec = cap;
	}
	k->dec[k->n_dec++] = (struct ers_hop_decision){ s, l, prefix };
}

static enum ers_hop_kind hop_kind(enum ers_link_kind kind)
{
	switch (kind) {
	case ERS_LINK_CIRCUIT:		return ERS_HOP_EXPRESSROUTE;
	case ERS_LINK_ACCESS:		return ERS_HOP_ACCESS;
	case ERS_LINK_INTERNAL:		return ERS_HOP_INTERNAL;
	case ERS_LINK_SITE:		return ERS_HOP_SITE_LINK;
	case ERS_LINK_BACKBONE:		return ERS_HOP_CONNECTION;
	case ERS_LINK_GLOBAL_REACH:	return ERS_HOP_GLOBAL_REACH;
	case ERS_LINK_VPN:		return ERS_HOP_VPN;
	case ERS_LINK_MICROSOFT:	return ERS_HOP_MICROSOFT;
	}
	return ERS_HOP_UNKNOWN;
}

static void walk_from(struct walk *k, struct ers_speaker *s, double share)
{
	struct ers_world *w = k->w;
	const struct ers_loc *l;
	uint32_t prefix = 0;

	for (size_t i = 0; i < k->depth; i++)
		if (k->stack[i] == s) {
			emit(k, share, ERS_PATH_LOOP);
			return;
		}
	if (k->depth == MAX_HOPS) {
		emit(k, share, ERS_PATH_LOOP);
		return;
	}
	k->stack[k->depth++] = s;
	l = w->nodes[s->node].down ? NULL : lookup(w, s, k->f->dst_addr, &prefix);
	if (l && l->best)
		add_decision(k, s, l, prefix);
	if (!l || (!l->best && !is_destination(k->f, s))) {
		emit(k, share, ERS_PATH_BLACKHOLE);
	} else if (!l->best) {
		emit(k, share, ERS_PATH_DELIVERED);
	} else {
		double part = share / l->n_ecmp;
		for (uint8_t i = 0; i < l->n_ecmp; i++) {
			struct ers_peer *p = l->ecmp[i];
			struct ers_net_link *ln = &w->links[p->session->link];
			if (!ers_link_usable(w, ln)) {
				emit(k, part, ERS_PATH_BLACKHOLE);
				continue;
			}
			add_load(k, s, ln, part);
			k->via[k->depth - 1] = hop_kind(ln->kind);
			walk_from(k, p->remote->self, part);
		}
	}
	k->depth--;
}

/* Trace f now; fills k with its paths and delivered share. */
static void trace_flow(struct ers_world *w, const struct ers_flow_rec *f,
		       ers_rate_t rate, struct walk *k)
{
	memset(k, 0, sizeof *k);
	k->w = w;
	k->f = f;
	k->rate = rate;
	walk_from(k, f->src, 1.0);
}

static void free_paths(struct ers_path_entry *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		ers_path_entry_release(&v[i]);
	free(v);
}

static bool same_paths(const struct ers_path_entry *a, size_t na,
		       const struct ers_path_entry *b, size_t nb)
{
	if (na != nb)
		return false;
	for (size_t i = 0; i < na; i++) {
		if (a[i].n_nodes != b[i].n_nodes || a[i].status != b[i].status ||
		    fabs(a[i].share - b[i].share) > 1e-12)
			return false;
		for (size_t j = 0; j < a[i].n_nodes; j++)
			if (strcmp(a[i].nodes[j], b[i].nodes[j]) ||
			    (j + 1 < a[i].n_nodes && a[i].hops[j] != b[i].hops[j]))
				return false;
	}
	return true;
}

/* Past PATH_HISTORY_MAX entries a flapping flow's history stops growing:
 * the latest paths replace the previous latest (the first ones stay), so
 * memory is bounded however long a run flaps. Reported once per flow. */
static void coalesce_history(struct ers_world *w, size_t flow, struct ers_flow_result *fr)
{
	size_t start = fr->n_paths;

	if (fr->n_paths < PATH_HISTORY_MAX)
		return;
	while (start > 0 && fr->paths[start - 1].from == fr->paths[fr->n_paths - 1].from)
		start--;
	if (start == 0 || fr->paths[start - 1].from == fr->paths[0].from)
		return;		/* keep the first paths */
	for (size_t i = start; i < fr->n_paths; i++)
		ers_path_entry_release(&fr->paths[i]);
	fr->n_paths = start;
	if (!w->flows[flow].history_coalesced && w->cur_event >= 0) {
		w->flows[flow].history_coalesced = true;
		ers_observe_notice(w, "path-history", w->flows[flow].src->id,
				   "flow '%s' changed paths more than %d times: from now on its history keeps only the latest paths",
				   fr->id, PATH_HISTORY_MAX);
	}
}

/* Append copies of the current paths to the flow's history. The array
 * grows by doubling: a flapping flow appends after every coalescing, and
 * a realloc to the exact size each time copied the whole history (2,000
 * entries) per path change, which is most of a long oscillating run under
 * AddressSanitizer, whose realloc always moves. */
static int record_paths(struct ers_flow_rec *f, struct ers_flow_result *fr,
			const struct ers_path_entry *v, size_t n)
{
	if (fr->n_paths + n > f->cap_paths) {
		size_t cap = f->cap_paths ? 2 * f->cap_paths : 8;
		struct ers_path_entry *h;

		if (cap < fr->n_paths + n)
			cap = fr->n_paths + n;
		if (!(h = realloc(fr->paths, cap * sizeof *h)))
			return -1;
		fr->paths = h;
		f->cap_paths = cap;
	}
	for (size_t i = 0; i < n; i++) {
		struct ers_path_entry *e = &fr->paths[fr->n_paths];
		*e = v[i];
		e->hops = NULL;
		e->nodes = calloc(v[i].n_nodes ? v[i].n_nodes : 1, sizeof *e->nodes);
		if (!e->nodes)
			return -1;
		fr->n_paths++;
		if (v[i].n_nodes > 1) {
			e->hops = malloc((v[i].n_nodes - 1) * sizeof *e->hops);
			if (!e->hops)
				return -1;
			memcpy(e->hops, v[i].hops, (v[i].n_nodes - 1) * sizeof *e->hops);
		}
		for (size_t j = 0; j < v[i].n_nodes; j++)
			if (!(e->nodes[j] = strdup(v[i].nodes[j])))
				return -1;
	}
	return 0;
}

/* Time since the last accounting at the share delivered then. */
static void account(struct ers_world *w, struct ers_flow_rec *f, ers_rate_t rate)
{
	ers_time_t now = ers_sim_now(w->sim), dt = now - f->since;

	if (dt <= 0)
		return;
	if (f->delivered < 1.0 - 1e-9)
		f->outage += dt;
	if (f->delivered < 1e-9)
		f->down += dt;
	f->lost_bytes += (double)rate / 8.0 * (1.0 - f->delivered) * ers_time_to_s(dt);
	f->since = now;
}

static void update_utilization(struct ers_world *w, struct ers_flow_rec *f,
			       const struct walk *k)
{
	f->cur_util = 0;
	f->cur_util_link = -1;
	for (size_t i = 0; i < k->n_hops; i++) {
		const struct ers_net_link *l = &w->links[k->hops[i] / 2];
		double u;

		/* Circuit links carry the circuit's bandwidth; Global Reach
		 * the smaller of its two circuits' (facts 5); a connection
		 * its gateway's throughput, shared by all (facts 8.1). */
		u = ers_er_gateway_util(w, l, (int)(k->hops[i] % 2));
		if (u < 0 && (!l->bandwidth || (l->kind != ERS_LINK_CIRCUIT &&
						l->kind != ERS_LINK_GLOBAL_REACH)))
			continue;
		if (u < 0)
			u = l->load[k->hops[i] % 2] / (double)l->bandwidth;
		if (u > f->cur_util) {
			f->cur_util = u;
			f->cur_util_link = (int)(k->hops[i] / 2);
		}
	}
	if (f->cur_util > f->max_util) {
		f->max_util = f->cur_util;
		f->max_util_link = f->cur_util_link;
	}
}

static void retrace(struct ers_sim *sim, void *arg, uint64_t data)
{
	struct ers_world *w = arg;
	struct walk *k = calloc(w->s->n_flows, sizeof *k);

	w->retrace_pending = false;
	if (!k) {
		w->err = ERS_ENOMEM;
		return;
	}
	for (size_t i = 0; i < w->n_links; i++)
		w->links[i].load[0] = w->links[i].load[1] = 0;
	/* First all loads, then utilisation: flows share links. */
	for (size_t i = 0; i < w->s->n_flows; i++)
		trace_flow(w, &w->flows[i], w->s->flows[i].rate, &k[i]);
	ers_er_gateway_loads(w);
	for (size_t i = 0; i < w->s->n_flows; i++) {
		struct ers_flow_rec *f = &w->flows[i];
		struct ers_flow_result *fr = &w->result->flows[i];

		account(w, f, w->s->flows[i].rate);
		f->delivered = k[i].delivered;
		update_utilization(w, f, &k[i]);
		free(k[i].hops);
		ers_observe_decisions(w, f, fr, k[i].dec, k[i].n_dec);
		free(k[i].dec);
		if (k[i].oom)
			w->err = ERS_ENOMEM;
		if (!same_paths(f->cur, f->n_cur, k[i].out, k[i].n_out)) {
			coalesce_history(w, i, fr);
			if (record_paths(f, fr, k[i].out, k[i].n_out))
				w->err = ERS_ENOMEM;
			free_paths(f->cur, f->n_cur);
			f->cur = k[i].out;
			f->n_cur = k[i].n_out;
		} else {
			free_paths(k[i].out, k[i].n_out);
		}
	}
	free(k);
}

/* ---- run boundaries -------------------------------------------------- */

/* Outage and utilisation count from initial convergence: forget what
 * happened while the network was still coming up, keep the current paths. */
void ers_observe_start_accounting(struct ers_world *w)
{
	for (size_t i = 0; i < w->s->n_flows; i++) {
		struct ers_flow_rec *f = &w->flows[i];
		struct ers_flow_result *fr = &w->result->flows[i];

		f->outage = f->down = 0;
		f->lost_bytes = 0;
		account(w, f, w->s->flows[i].rate);
		f->max_util = f->cur_util;
		f->max_util_link = f->cur_util_link;
		free_paths(fr->paths, fr->n_paths);
		fr->paths = NULL;
		fr->n_paths = 0;
		f->cap_paths = 0;
		f->history_coalesced = false;
		if (record_paths(f, fr, f->cur, f->n_cur))
			w->err = ERS_ENOMEM;
	}
}

void ers_observe_finish(struct ers_world *w)
{
	for (size_t i = 0; i < w->s->n_flows; i++)
		account(w, &w->flows[i], w->s->flows[i].rate);
}

/* Is s -> dst delivered in full right now? */
bool ers_observe_reachable(struct ers_world *w, struct ers_speaker *src,
			   uint32_t dst_addr, int dst_site, int dst_vnet)
{
	struct ers_flow_rec f = { .src = src, .dst_addr = dst_addr,
				  .dst_site = dst_site, .dst_vnet = dst_vnet };
	struct walk k;
	bool ok;

	trace_flow(w, &f, 0, &k);
	ok = !k.oom && k.delivered > 1.0 - 1e-9;
	free_paths(k.out, k.n_out);
	free(k.hops);
	free(k.dec);
	return ok;
}

void ers_observe_release(struct ers_world *w)
{
	for (size_t i = 0; i < w->n_watch; i++)
		free(w->watch[i].seen);
	free(w->watch);
	free(w->recent);
	w->watch = NULL;
	w->recent = NULL;
	w->n_watch = 0;
	for (size_t i = 0; w->flows && i < w->s->n_flows; i++) {
		free_paths(w->flows[i].cur, w->flows[i].n_cur);
		ers_observe_decisions_release(&w->flows[i]);
	}
	free(w->flows);
	w->flows = NULL;
}
