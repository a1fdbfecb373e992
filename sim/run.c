/*
 * run.c - one simulation run (run.h): builds the world, connects the
 * observers to the BGP core (run_hooks.c), schedules the scenario's
 * timeline on the engine, runs it, and turns what the observers recorded
 * into a result. Also the event trace: every simulation event
 * feeds the run's fingerprint and, with --trace, a JSON Lines file.
 *
 * When the scenario gives no duration the run ends once the network is
 * quiet after the last event: no routing change for 60 s, no session
 * waiting to detect a dead path and none waiting to reconnect.
 *
 * For batches a run can go in two parts (run.h): converge up to a fork
 * time with one seed and none of the events, then, if the network has
 * settled, reseed, schedule the events and go on. batch_pool.c forks the
 * process between the parts so that many runs share the first.
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "ersim/bgp_int.h"
#include "ersim/expressroute.h"
#include "ersim/msft_peering.h"
#include "ersim/observe.h"
#include "ersim/rng.h"
#include "ersim/run.h"
#include "ersim/run_hooks.h"
#include "ersim/target.h"
#include "ersim/units.h"
#include "ersim/util.h"

#define QUIET_TIME (60 * ERS_S)
#define RUN_CAP (24 * 3600 * ERS_S)	/* a run without duration stops here */

/* ---- trace and fingerprint --------------------------------------- */

/* Printable ASCII other than '"' and '\\': what jansson writes as is. */
static bool json_plain(const char *s)
{
	for (; *s; s++)
		if (*s < 0x20 || *s > 0x7e || *s == '"' || *s == '\\')
			return false;
	return true;
}

/* The decimal digits of v at p (no NUL); returns how many. */
static size_t put_u64(char *p, uint64_t v)
{
	char tmp[20];
	size_t n = 0;

	do
		tmp[n++] = (char)('0' + v % 10);
	while ((v /= 10) != 0);
	for (size_t i = 0; i < n; i++)
		p[i] = tmp[n - 1 - i];
	return n;
}

/* One JSON line per event. Most lines hold only plain text (ids, numbers)
 * and are put together here, byte for byte as jansson writes them: an
 * oscillating run traces 300,000 events in 5 simulated minutes, and
 * building and freeing a jansson object for each, then printf, were most
 * of its time. Anything to escape still goes through jansson. */
static void trace_write(struct ers_world *w, ers_time_t now, const char *router,
			const char *kind, const char *detail)
{
	FILE *f = w->opts->trace;
	char t[24];
	size_t n = 0;
	json_t *o;

	if (json_plain(router) && json_plain(kind) && json_plain(detail)) {
		if (now < 0)
			t[n++] = '-';
		n += put_u64(t + n, now < 0 ? -(uint64_t)now : (uint64_t)now);
		fputs("{\"t_ns\":", f);
		fwrite(t, 1, n, f);
		fputs(",\"router\":\"", f);
		fputs(router, f);
		fputs("\",\"kind\":\"", f);
		fputs(kind, f);
		fputs("\",\"detail\":\"", f);
		fputs(detail, f);
		fputs("\"}\n", f);
		return;
	}
	o = json_pack("{s:I,s:s,s:s,s:s}", "t_ns", (json_int_t)now, "router", router,
		      "kind", kind, "detail", detail);
	if (o) {
		json_dumpf(o, f, JSON_COMPACT | JSON_PRESERVE_ORDER);
		fputc('\n', f);
		json_decref(o);
	}
}

void ers_trace(struct ers_world *w, const char *router, const char *kind,
	       const char *fmt, ...)
{
	ers_time_t now = ers_sim_now(w->sim);
	char detail[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(detail, sizeof detail, fmt, ap);
	va_end(ap);
	w->fingerprint = ers_fnv1a64(w->fingerprint, &now, sizeof now);
	w->fingerprint = ers_fnv1a64(w->fingerprint, router, strlen(router) + 1);
	w->fingerprint = ers_fnv1a64(w->fingerprint, kind, strlen(kind) + 1);
	w->fingerprint = ers_fnv1a64(w->fingerprint, detail, strlen(detail) + 1);
	if (w->opts->trace)
		trace_write(w, now, router, kind, detail);
}

/* An UPDATE sent or received: the most frequent event, so its detail
 * "PEER A B" is put together without printf when it fits. */
void ers_trace_update(struct ers_world *w, const char *router, const char *kind,
		      const char *peer, uint64_t a, uint64_t b)
{
	ers_time_t now = ers_sim_now(w->sim);
	uint64_t v[3] = { (uint64_t)now, a, b };
	size_t len = strlen(peer);
	char detail[320];

	w->fingerprint = ers_fnv1a64(w->fingerprint, v, sizeof v);
	w->fingerprint = ers_fnv1a64(w->fingerprint, router, strlen(router) + 1);
	w->fingerprint = ers_fnv1a64(w->fingerprint, kind, strlen(kind) + 1);
	w->fingerprint = ers_fnv1a64(w->fingerprint, peer, len + 1);
	if (!w->opts->trace)
		return;
	if (len + 2 * 21 < sizeof detail) {
		memcpy(detail, peer, len);
		detail[len++] = ' ';
		len += put_u64(detail + len, a);
		detail[len++] = ' ';
		len += put_u64(detail + len, b);
		detail[len] = '\0';
	} else {
		/* longer than the line's room: truncated as before */
		snprintf(detail, sizeof detail, "%s %llu %llu", peer, (unsigned long long)a,
			 (unsigned long long)b);
	}
	trace_write(w, now, router, kind, detail);
}

/* ---- failure targets ------------------------------------------------ */

struct target_set {
	size_t *links, n_links;
	size_t *nodes, n_nodes;
};

static int add_to(size_t **v, size_t *n, size_t x)
{
	for (size_t i = 0; i < *n; i++)
		if ((*v)[i] == x)
			return 0;
	size_t *p = realloc(*v, (*n + 1) * sizeof *p);
	if (!p)
		return -1;
	p[(*n)++] = x;
	*v = p;
	return 0;
}

static int links_of(struct ers_world *w, struct target_set *t, enum ers_link_kind kind,
		    int circuit, int role, int obj, int obj2)
{
	for (size_t i = 0; i < w->n_links; i++) {
		const struct ers_net_link *l = &w->links[i];
		if (l->kind == kind && (circuit < 0 || l->circuit == circuit) &&
		    (role < 0 || l->role == role) && (obj < 0 || l->obj == obj) &&
		    (obj2 < 0 || l->obj2 == obj2) && add_to(&t->links, &t->n_links, i))
			return -1;
	}
	return 0;
}

/* The world's nodes and links of one part of a target (target.h). */
static int part_of(struct ers_world *w, const struct ers_part *p, struct target_set *t)
{
	switch (p->kind) {
	case ERS_PART_LINK:
		return links_of(w, t, ERS_LINK_CIRCUIT, p->a, p->b, -1, -1);
	case ERS_PART_MSEE:
		return add_to(&t->nodes, &t->n_nodes, w->msee_vrfs[2 * p->a + p->b]->node);
	case ERS_PART_ROUTER:
		return add_to(&t->nodes, &t->n_nodes, w->site_speakers[p->a][p->b]->node);
	case ERS_PART_GATEWAY:
		return add_to(&t->nodes, &t->n_nodes, w->gw_speakers[p->a]->node);
	case ERS_PART_CONNECTION:
		return links_of(w, t, ERS_LINK_BACKBONE, -1, p->side, p->a, p->b);
	case ERS_PART_SITE_LINK:
		return links_of(w, t, ERS_LINK_SITE, -1, -1, p->a, -1);
	case ERS_PART_VPN:
		return links_of(w, t, ERS_LINK_VPN, -1, -1, p->a, -1);
	case ERS_PART_GLOBAL_REACH:
		return links_of(w, t, ERS_LINK_GLOBAL_REACH, -1, -1, p->a, -1);
	}
	return 0;
}

static int resolve(struct ers_world *w, const struct ers_target *tg, struct target_set *t)
{
	struct ers_parts parts = { 0 };
	int rc = ers_target_resolve(w->s, w->cat, tg, &parts) ? -1 : 0;

	for (size_t i = 0; i < parts.n && !rc; i++)
		rc = part_of(w, &parts.v[i], t);
	ers_parts_free(&parts);
	return rc;
}

/* Take the target's links and nodes down (delta +1) or up (-1). Failures
 * count, so a link down for two reasons comes back with the second
 * restore; a restore of something not down does nothing. */
static void apply(struct ers_world *w, const struct ers_target *tg, int delta)
{
	struct target_set t = { 0 };

	if (resolve(w, tg, &t)) {
		w->err = ERS_ENOMEM;
		goto out;
	}
	for (size_t i = 0; i < t.n_nodes; i++) {
		struct ers_node *n = &w->nodes[t.nodes[i]];
		if (delta < 0 && !n->down)
			continue;
		n->down += delta;
		if (delta > 0 && n->down == 1)
			ers_node_went_down(w, n);
		else if (delta < 0 && n->down == 0)
			ers_node_came_up(w, n);
	}
	for (size_t i = 0; i < t.n_links; i++) {
		struct ers_net_link *l = &w->links[t.links[i]];
		bool was = ers_link_usable(w, l);
		if (delta < 0 && !l->down)
			continue;
		l->down += delta;
		if (was && !ers_link_usable(w, l))
			ers_link_went_down(w, l);
		else if (!was && ers_link_usable(w, l))
			ers_link_came_up(w, l);
	}
out:
	free(t.links);
	free(t.nodes);
}

/* ---- the timeline ---------------------------------------------------- */

enum step {
	STEP_FAIL, STEP_RESTORE, STEP_DRAIN, STEP_DRAIN_FAIL, STEP_DRAIN_END,
	STEP_ANNOUNCE, STEP_WITHDRAW, STEP_ROUTE_FILTER,
};

/* <announce>/<withdraw>: the router starts or stops originating. */
static void originate_step(struct ers_world *w, const struct ers_event *e, bool on)
{
	struct ers_speaker *sp = w->site_speakers[e->router.site][e->router.router];
	int64_t id;

	ers_observe_detect(w);
	if (on && ers_world_originate(w, sp, e->prefix)) {
		w->err = ERS_ENOMEM;
		return;
	}
	id = ers_prefix_find(&w->prefixes, e->prefix);
	if (id < 0)
		return;
	if (!on)
		ers_map_del(&sp->local, (uint32_t)id);
	ers_rib_decide(w, sp, (uint32_t)id);
}

/* From now on routing changes are charged to event i, and to the other
 * events that took a step at the same moment (their effects mix). */
static void begin_event(struct ers_world *w, size_t i)
{
	ers_time_t now = ers_sim_now(w->sim);
	bool known = false;

	if (w->cur_event < 0) {
		w->initial_convergence = w->last_change;
		ers_observe_start_accounting(w);
	}
	if (w->cur_event < 0 || now != w->cur_group_time)
		w->n_cur_group = 0;
	ers_observe_event(w);
	for (size_t k = 0; k < w->n_cur_group; k++)
		known |= w->cur_group[k] == i;
	if (!known)
		w->cur_group[w->n_cur_group++] = i;
	w->cur_group_time = now;
	w->cur_event = (int)i;
}

/* Maintenance: the MSEE of that link prepends on what it sends, so the
 * customer and the gateways move to the other link. */
static void set_drain(struct ers_world *w, const struct ers_target *tg, unsigned prepend)
{
	if (tg->kind != ERS_T_LINK)
		return;
	struct ers_speaker *m = w->msee_vrfs[2 * tg->a + tg->b];
	for (size_t i = 0; i < m->n_peers; i++) {
		struct ers_peer *p = m->peers[i];
		if (p->role != ERS_PEER_CUSTOMER && p->role != ERS_PEER_GATEWAY)
			continue;
		p->maintenance_prepend = prepend;
		ers_peer_refresh(w, p);
	}
	ers_msft_drain(w, tg->a, tg->b, prepend);
}

/* The window's down step: each MSEE whose customer link the target takes
 * shuts its port and says so (expressroute.c). */
static void maintenance_shut(struct ers_world *w, const struct ers_target *tg)
{
	struct ers_parts parts = { 0 };

	if (ers_target_resolve(w->s, w->cat, tg, &parts)) {
		w->err = ERS_ENOMEM;
		return;
	}
	for (size_t k = 0; k < parts.n; k++)
		if (parts.v[k].kind == ERS_PART_LINK)
			ers_er_maintenance_shut(w, parts.v[k].a, parts.v[k].b);
	ers_parts_free(&parts);
}

static void on_step(struct ers_sim *sim, void *arg, uint64_t data)
{
	struct ers_world *w = arg;
	size_t i = (size_t)(data >> 8);
	enum step st = (enum step)(data & 0xff);
	const struct ers_event *e = &w->s->events[i];

	begin_event(w, i);
	ers_trace(w, "-", "event", "%s %s step %d", ers_action_str(e->action),
		  e->target.text, (int)st);
	switch (st) {
	case STEP_FAIL:
		apply(w, &e->target, +1);
		break;
	case STEP_DRAIN_FAIL:
		/* The drain is over: what it changed is the event's
		 * convergence; the window's own steps are reported apart. */
		w->ev[i].drained = true;
		w->ev[i].drain_detected = w->ev[i].detected;
		w->ev[i].drain_converged = w->ev[i].converged;
		w->ev[i].drain_updates = w->ev[i].updates;
		w->ev[i].drain_withdrawals = w->ev[i].withdrawals;
		maintenance_shut(w, &e->target);
		apply(w, &e->target, +1);
		break;
	case STEP_RESTORE:
		apply(w, &e->target, -1);
		break;
	case STEP_DRAIN:
		ers_observe_detect(w);	/* the MSEE itself starts draining */
		set_drain(w, &e->target, e->prepend);
		break;
	case STEP_DRAIN_END:
		apply(w, &e->target, -1);
		set_drain(w, &e->target, 0);
		break;
	case STEP_ANNOUNCE:
	case STEP_WITHDRAW:
		originate_step(w, e, st == STEP_ANNOUNCE);
		break;
	case STEP_ROUTE_FILTER:
		ers_observe_detect(w);
		ers_msft_attach_filter(w, e);
		break;
	}
}

static int post_step(struct ers_world *w, ers_time_t at, size_t i, enum step st)
{
	return ers_sim_post(w->sim, at, on_step, w, (uint64_t)i << 8 | st);
}

/* Post the timeline in time order (document order among equal times). */
/* Events by time, document order among equal times (stable). */
struct ev_order {
	ers_time_t at;
	size_t i;
};

static int cmp_ev_order(const void *a, const void *b)
{
	const struct ev_order *x = a, *y = b;

	if (x->at != y->at)
		return x->at < y->at ? -1 : 1;
	return x->i < y->i ? -1 : x->i > y->i;
}

/* Post the timeline; 0, or the engine's reason (ERS_ENOMEM, ERS_ELIMIT). */
static int schedule_events(struct ers_world *w)
{
	const struct ers_scenario *s = w->s;
	struct ev_order *order = malloc((s->n_events ? s->n_events : 1) * sizeof *order);
	int rc = 0;

	if (!order)
		return ERS_ENOMEM;
	for (size_t i = 0; i < s->n_events; i++)
		order[i] = (struct ev_order){ s->events[i].at, i };
	/* qsort, not insertion: a random failure model posts 100000 events */
	qsort(order, s->n_events, sizeof *order, cmp_ev_order);
	for (size_t k = 0; k < s->n_events && !rc; k++) {
		size_t i = order[k].i;
		const struct ers_event *e = &s->events[i];

		switch (e->action) {
		case ERS_ACT_FAIL:
			rc = post_step(w, e->at, i, STEP_FAIL);
			break;
		case ERS_ACT_RESTORE:
			rc = post_step(w, e->at, i, STEP_RESTORE);
			break;
		case ERS_ACT_ANNOUNCE:
			rc = post_step(w, e->at, i, STEP_ANNOUNCE);
			break;
		case ERS_ACT_WITHDRAW:
			rc = post_step(w, e->at, i, STEP_WITHDRAW);
			break;
		case ERS_ACT_ROUTE_FILTER:
			rc = post_step(w, e->at, i, STEP_ROUTE_FILTER);
			break;
		case ERS_ACT_MAINTENANCE:
			rc = post_step(w, e->at, i, STEP_DRAIN);
			if (!rc)
				rc = post_step(w, ers_time_after(e->at, e->drain), i, STEP_DRAIN_FAIL);
			if (!rc)
				rc = post_step(w, ers_time_after(ers_time_after(e->at, e->drain),
								 e->duration), i, STEP_DRAIN_END);
			break;
		}
	}
	free(order);
	return rc;
}

/* Is the network settled: nothing waiting to be detected or to reconnect? */
static bool quiet(const struct ers_world *w)
{
	for (size_t i = 0; i < w->n_sessions; i++) {
		const struct ers_session *ss = w->sessions[i];
		bool usable = ers_link_usable(w, &w->links[ss->link]);
		bool up0 = ss->end[0].state == ERS_BGP_ESTABLISHED;
		bool up1 = ss->end[1].state == ERS_BGP_ESTABLISHED;
		bool limited = ss->end[0].prefix_limited || ss->end[1].prefix_limited;

		if (!usable && (up0 || up1))
			return false;	/* a dead path not yet detected */
		if (usable && !limited && (!up0 || !up1))
			return false;	/* coming (back) up */
		if (ss->end[0].pending.n || ss->end[1].pending.n)
			return false;
	}
	return true;
}

static ers_time_t last_event_time(const struct ers_scenario *s)
{
	ers_time_t t = 0;

	for (size_t i = 0; i < s->n_events; i++) {
		const struct ers_event *e = &s->events[i];
		ers_time_t end = e->action == ERS_ACT_MAINTENANCE ? e->at + e->drain + e->duration
								 : e->at;
		if (end > t)
			t = end;
	}
	return t;
}

static bool events_spent(const struct ers_world *w)
{
	return w->opts->max_events && ers_sim_events_processed(w->sim) >= w->opts->max_events;
}

/* Simulate up to end; with an event bound, a second at a time, as the
 * open-ended loop below does, so the bound is seen within a second. */
static void run_to(struct ers_world *w, ers_time_t end)
{
	if (!w->opts->max_events) {
		ers_sim_run(w->sim, end);
		return;
	}
	for (ers_time_t t = 0; t < end && !events_spent(w) && !w->err;) {
		t = end - t > ERS_S ? t + ERS_S : end;
		ers_sim_run(w->sim, t);
	}
}

static void run_loop(struct ers_world *w)
{
	const struct ers_run_opts *o = w->opts;
	ers_time_t last = last_event_time(w->s);

	if (o->has_until) {
		run_to(w, o->until);
		return;
	}
	if (w->s->has_duration) {
		run_to(w, w->s->duration);
		return;
	}
	for (ers_time_t t = ERS_S; t <= RUN_CAP && !w->err && !events_spent(w); t += ERS_S) {
		ers_sim_run(w->sim, t);
		if (t >= last && t >= w->last_change + QUIET_TIME && quiet(w))
			break;
		/* An oscillation after the last event never ends: stop a quiet
		 * time after finding it instead of at the cap (docs/model.md). */
		if (t >= last && w->oscillation_at != ERS_TIME_NEVER &&
		    w->oscillation_at >= last && t >= w->oscillation_at + QUIET_TIME &&
		    w->last_change + QUIET_TIME > t)
			break;
	}
}

/* ---- results ---------------------------------------------------------- */

static uint32_t host_addr(struct ers_prefix p)
{
	return p.len < 31 ? p.addr + 1 : p.addr;
}

/* The address a flow is sent to: the first prefix of its destination. */
static int endpoint_dest(const struct ers_scenario *s, const struct ers_endpoint *ep,
			 uint32_t *addr, int *site, int *vnet)
{
	*site = *vnet = -1;
	if (ep->kind == ERS_EP_VNET) {
		*vnet = ep->index;
		if (!s->vnets[ep->index].n_prefixes)
			return -1;
		*addr = host_addr(s->vnets[ep->index].prefixes[0]);
		return 0;
	}
	*site = ep->index;
	for (size_t i = 0; i < s->sites[ep->index].n_origins; i++) {
		const struct ers_origin *o = &s->sites[ep->index].origins[i];
		if (ep->kind == ERS_EP_SITE || o->router < 0 || o->router == ep->router) {
			*addr = host_addr(o->first);
			return 0;
		}
	}
	return -1;
}

static struct ers_speaker *endpoint_src(const struct ers_world *w, const struct ers_endpoint *ep)
{
	if (ep->kind == ERS_EP_VNET)
		return w->gw_speakers[ep->index];
	return w->site_speakers[ep->index][ep->kind == ERS_EP_ROUTER ? ep->router : 0];
}

static int init_flows(struct ers_world *w, struct ers_result *r)
{
	const struct ers_scenario *s = w->s;

	w->flows = calloc(s->n_flows ? s->n_flows : 1, sizeof *w->flows);
	r->flows = calloc(s->n_flows ? s->n_flows : 1, sizeof *r->flows);
	if (!w->flows || !r->flows)
		return -1;
	r->n_flows = s->n_flows;
	for (size_t i = 0; i < s->n_flows; i++) {
		const struct ers_flow *fl = &s->flows[i];
		struct ers_flow_rec *f = &w->flows[i];

		int ms = ers_msft_flow(w, fl, f);

		if (!ms)
			f->src = endpoint_src(w, &fl->from);
		if (ms ? ms < 0 : endpoint_dest(s, &fl->to, &f->dst_addr, &f->dst_site,
						&f->dst_vnet))
			f->dst_addr = 0;	/* nothing to send to: never delivered */
		f->max_util_link = f->cur_util_link = -1;
		r->flows[i].id = strdup(fl->id);
		r->flows[i].from = strdup(fl->from.text);
		r->flows[i].to = strdup(fl->to.text);
		r->flows[i].rate = fl->rate;
		if (!r->flows[i].id || !r->flows[i].from || !r->flows[i].to)
			return -1;
	}
	return 0;
}

static void finish_flows(struct ers_world *w, struct ers_result *r)
{
	for (size_t i = 0; i < w->s->n_flows; i++) {
		struct ers_flow_rec *f = &w->flows[i];
		struct ers_flow_result *fr = &r->flows[i];

		fr->outage = f->outage;
		fr->down = f->down;
		/* a double at or past 2^64 does not convert (UB); the loader's
		 * ranges keep it below, this keeps a model built in memory safe */
		fr->lost_bytes = f->lost_bytes + 0.5 >= 18446744073709551615.0
					 ? UINT64_MAX : (uint64_t)(f->lost_bytes + 0.5);
		fr->final_reachable = f->delivered > 1.0 - 1e-9;
		fr->max_utilization = f->max_util;
		if (f->max_util_link >= 0 && w->links[f->max_util_link].kind == ERS_LINK_BACKBONE)
			fr->max_utilization_link = ers_asprintf("gateway:%s",
				w->s->vnets[w->links[f->max_util_link].obj].id);
		else if (f->max_util_link >= 0)
			fr->max_utilization_link = strdup(w->links[f->max_util_link].name);
	}
}

/* A maintenance is a window: drain at `at`, down, up. Its detection and
 * convergence are its drain's (what the prepending moved); what the
 * window's down and up steps did shows in the flows. */
static void fill_window(const struct ers_event *ev, const struct ers_event_rec *rec,
			struct ers_event_result *e)
{
	e->down_at = ers_time_after(ev->at, ev->drain);
	e->up_at = ers_time_after(e->down_at, ev->duration);
	if (!rec->drained)
		return;		/* the run stopped during the drain */
	e->detected = rec->drain_detected;
	e->converged = rec->drain_converged;
	e->updates = rec->drain_updates;
	e->withdrawals = rec->drain_withdrawals;
}

static int fill_events(struct ers_world *w, struct ers_result *r)
{
	const struct ers_scenario *s = w->s;

	r->events = calloc(s->n_events ? s->n_events : 1, sizeof *r->events);
	if (!r->events)
		return -1;
	r->n_events = s->n_events;
	for (size_t i = 0; i < s->n_events; i++) {
		struct ers_event_result *e = &r->events[i];
		e->at = s->events[i].at;
		e->action = strdup(ers_action_str(s->events[i].action));
		e->target = strdup(s->events[i].target.text);
		e->detected = w->ev[i].detected;
		e->converged = w->ev[i].converged;
		e->updates = w->ev[i].updates;
		e->withdrawals = w->ev[i].withdrawals;
		if (s->events[i].action == ERS_ACT_MAINTENANCE)
			fill_window(&s->events[i], &w->ev[i], e);
		if (!e->action || !e->target)
			return -1;
	}
	return 0;
}

/* The matrix covers every site and VNet, up to this many; beyond, only
 * those that some flow starts or ends at (an Internet-sized topology has
 * tens of thousands of sites, and n^2 walks say little). */
#define REACH_ALL_MAX 256

/* Endpoint k of the sites-then-vnets numbering. */
static struct ers_endpoint endpoint_k(const struct ers_scenario *s, size_t k)
{
	struct ers_endpoint ep = { k < s->n_sites ? ERS_EP_SITE : ERS_EP_VNET,
				   (int)(k < s->n_sites ? k : k - s->n_sites), 0, NULL };
	return ep;
}

static bool in_flows(const struct ers_scenario *s, struct ers_endpoint ep)
{
	for (size_t i = 0; i < s->n_flows; i++) {
		const struct ers_endpoint *f = &s->flows[i].from, *t = &s->flows[i].to;
		if (((f->kind == ERS_EP_VNET) == (ep.kind == ERS_EP_VNET) && f->index == ep.index) ||
		    ((t->kind == ERS_EP_VNET) == (ep.kind == ERS_EP_VNET) && t->index == ep.index))
			return true;
	}
	return false;
}

static int fill_reachability(struct ers_world *w, struct ers_result *r)
{
	const struct ers_scenario *s = w->s;
	size_t all = s->n_sites + s->n_vnets, n = 0;
	struct ers_endpoint *eps = calloc(all ? all : 1, sizeof *eps);

	if (!eps)
		return -1;
	for (size_t k = 0; k < all; k++)
		if (all <= REACH_ALL_MAX || in_flows(s, endpoint_k(s, k)))
			eps[n++] = endpoint_k(s, k);
	r->n_endpoints = n;
	r->endpoints = calloc(n ? n : 1, sizeof *r->endpoints);
	r->reach = calloc(n ? n * n : 1, sizeof *r->reach);
	if (!r->endpoints || !r->reach) {
		free(eps);
		return -1;
	}
	for (size_t i = 0; i < n; i++) {
		r->endpoints[i] = strdup(eps[i].kind == ERS_EP_SITE ? s->sites[eps[i].index].id
								    : s->vnets[eps[i].index].id);
		if (!r->endpoints[i]) {
			free(eps);
			return -1;
		}
		for (size_t j = 0; j < n; j++) {
			uint32_t addr;
			int site, vnet;
			if (i == j || endpoint_dest(s, &eps[j], &addr, &site, &vnet))
				continue;
			r->reach[i * n + j] = ers_observe_reachable(w, endpoint_src(w, &eps[i]),
								    addr, site, vnet);
		}
	}
	free(eps);
	return 0;
}

static uint64_t count_routes(const struct ers_world *w)
{
	uint64_t n = 0;

	for (size_t i = 0; i < w->n_speakers; i++) {
		n += w->speakers[i]->loc.n;
		for (size_t j = 0; j < w->speakers[i]->n_peers; j++)
			n += w->speakers[i]->peers[j]->adj_in.n;
	}
	return n;
}

/* An event the engine would not take, in the user's words. */
static enum ers_err post_error(int rc, const struct ers_scenario *s, struct ers_diag *d)
{
	if (rc == ERS_ELIMIT)
		return ers_diag_add(d, ERS_ELIMIT, s->file, 0,
				    "keep times within the ranges of docs/scenario-format.md",
				    "an event falls past the end of the simulated clock "
				    "(about 146 years)");
	if (rc == ERS_EINVAL)
		return ers_diag_add(d, ERS_EINTERNAL, s->file, 0, NULL,
				    "internal error: an event was posted in the past");
	return ers_diag_add(d, ERS_ENOMEM, s->file, 0, NULL, "out of memory");
}

static enum ers_err finish(struct ers_world *w, struct ers_result *r, struct ers_diag *d)
{
	ers_observe_convergence_check(w, QUIET_TIME, last_event_time(w->s));
	ers_observe_finish(w);
	finish_flows(w, r);
	r->scenario = strdup(w->s->name ? w->s->name : "");
	r->n_routers = w->n_routers;
	r->n_links = w->n_links;
	r->n_sessions = w->n_sessions;
	r->initial_convergence = w->cur_event < 0 ? w->last_change : w->initial_convergence;
	r->end = ers_sim_now(w->sim);
	r->stats.events_processed = ers_sim_events_processed(w->sim);
	r->stats.messages = w->messages;
	r->stats.updates = w->updates;
	r->stats.routes = count_routes(w);
	r->stats.attr_sets = w->attrs.n;
	r->stats.fingerprint = w->fingerprint;
	if (w->err && w->err != ERS_ENOMEM)
		return post_error(w->err, w->s, d);
	if (!r->scenario || fill_events(w, r) || (!w->opts->no_reach && fill_reachability(w, r)) ||
	    (w->opts->ribs && ers_run_fill_ribs(w, r)) || w->err)
		return ers_diag_add(d, ERS_ENOMEM, w->s->file, 0, NULL,
				    "out of memory while collecting results");
	return ERS_OK;
}

/* The per-event records of w->s's events. */
static int init_events(struct ers_world *w)
{
	size_t n = w->s->n_events ? w->s->n_events : 1;

	w->ev = calloc(n, sizeof *w->ev);
	w->cur_group = calloc(n, sizeof *w->cur_group);
	if (!w->ev || !w->cur_group)
		return -1;
	for (size_t i = 0; i < w->s->n_events; i++)
		w->ev[i].detected = w->ev[i].converged = ERS_TIME_NEVER;
	w->n_cur_group = 0;
	return 0;
}

static int init_world(struct ers_world *w, const struct ers_run_opts *o, uint64_t seed)
{
	w->opts = o;
	w->cur_event = -1;
	w->fingerprint = ERS_FNV64_INIT;
	w->oscillation_at = ERS_TIME_NEVER;
	w->sim = ers_sim_new(seed);
	if (!w->sim || init_events(w))
		return -1;
	ers_sim_set_shuffle_ties(w->sim, o->shuffle_ties);
	ers_run_hooks_install(w);
	return 0;
}

/* A run in progress: its world and the result it fills. */
struct ers_run_state {
	struct ers_world w;
	struct ers_result *r;
};

/* Build s's world and everything that observes it; nothing runs yet. */
static enum ers_err setup(struct ers_run_state *st, const struct ers_scenario *s,
			  const struct ers_catalog *cat, const struct ers_run_opts *opts,
			  uint64_t seed, struct ers_diag *d)
{
	enum ers_err rc;

	st->r = calloc(1, sizeof *st->r);
	if (!st->r)
		return ers_diag_add(d, ERS_ENOMEM, s->file, 0, NULL, "out of memory");
	st->r->seed = seed;
	st->w.result = st->r;
	rc = ers_world_build(&st->w, s, cat, d);
	if (rc)
		return rc;
	if (init_world(&st->w, opts, seed) || init_flows(&st->w, st->r))
		return ers_diag_add(d, ERS_ENOMEM, s->file, 0, NULL, "out of memory");
	return ERS_OK;
}

static enum ers_err schedule(struct ers_run_state *st, struct ers_diag *d)
{
	int rc = schedule_events(&st->w);

	return rc == ERS_OK ? ERS_OK : post_error(rc, st->w.s, d);
}

static void start(struct ers_world *w)
{
	ers_bgp_start(w);
	ers_msft_notes(w);
}

/* Run to the end and collect the result (st keeps its world). */
static enum ers_err conclude(struct ers_run_state *st, struct ers_result **out,
			     struct ers_diag *d)
{
	struct ers_world *w = &st->w;
	enum ers_err rc;

	run_loop(w);
	if (w->cur_event < 0) {
		w->initial_convergence = w->last_change;
		ers_observe_start_accounting(w);
	}
	rc = finish(w, st->r, d);
	if (rc == ERS_OK) {
		*out = st->r;
		st->r = NULL;
	}
	return rc;
}

void ers_run_state_free(struct ers_run_state *st)
{
	if (!st)
		return;
	ers_observe_release(&st->w);
	free(st->w.ev);
	free(st->w.cur_group);
	ers_sim_free(st->w.sim);
	ers_bgp_release(&st->w);
	ers_world_release(&st->w);
	ers_result_free(st->r);
	free(st);
}

/* ---- two phases: converge, then the failures (batches) ---------------- */

enum ers_err ers_run_converge(const struct ers_scenario *s, const struct ers_catalog *cat,
			      const struct ers_run_opts *opts, struct ers_run_state **out,
			      struct ers_diag *d)
{
	struct ers_run_state *st = calloc(1, sizeof *st);
	enum ers_err rc;

	*out = NULL;
	if (!st)
		return ers_diag_add(d, ERS_ENOMEM, s->file, 0, NULL, "out of memory");
	rc = setup(st, s, cat, opts, opts->converge_seed, d);
	if (rc == ERS_OK) {
		start(&st->w);
		if (opts->fork_at > 0)
			ers_sim_run(st->w.sim, opts->fork_at - 1);
		if (st->w.err)
			rc = post_error(st->w.err, s, d);
	}
	if (rc != ERS_OK) {
		ers_run_state_free(st);
		return rc;
	}
	*out = st;
	return ERS_OK;
}

/* No UPDATE, OPEN or NOTIFICATION on the way from p. */
static bool stream_idle(const struct ers_peer *p)
{
	for (const struct ers_msg *m = p->tx_head; m; m = m->next_tx)
		if (m->type != ERS_MSG_KEEPALIVE)
			return false;
	return true;
}

bool ers_run_settled(const struct ers_run_state *st)
{
	const struct ers_world *w = &st->w;
	ers_time_t now = ers_sim_now(w->sim);

	if (w->err || !quiet(w))
		return false;
	for (size_t i = 0; i < w->n_speakers; i++) {
		const struct ers_speaker *sp = w->speakers[i];
		if (sp->busy_until > now || sp->flush_head || sp->reconsider_posted)
			return false;
	}
	for (size_t i = 0; i < w->n_sessions; i++) {
		const struct ers_session *ss = w->sessions[i];
		if (ers_timer_armed(&ss->gw_timer) || ers_timer_armed(&ss->bfd_timer) ||
		    !stream_idle(&ss->end[0]) || !stream_idle(&ss->end[1]))
			return false;
	}
	return true;
}

enum ers_err ers_run_continue(struct ers_run_state *st, const struct ers_scenario *s,
			      uint64_t seed, struct ers_result **out, struct ers_diag *d)
{
	struct ers_world *w = &st->w;
	enum ers_err rc;

	*out = NULL;
	w->s = s;
	free(w->ev);
	free(w->cur_group);
	if (init_events(w))
		return ers_diag_add(d, ERS_ENOMEM, s->file, 0, NULL, "out of memory");
	ers_rng_seed(ers_sim_rng(w->sim), seed);
	st->r->seed = seed;
	rc = schedule(st, d);
	return rc == ERS_OK ? conclude(st, out, d) : rc;
}

bool ers_run_can_fork(const struct ers_scenario *s, const struct ers_run_opts *opts)
{
	if (opts->fork_at <= 0 || (opts->has_until && opts->until < opts->fork_at))
		return false;
	for (size_t i = 0; i < s->n_events; i++)
		if (s->events[i].at < opts->fork_at)
			return false;
	return true;
}

/* Phase 1 and 2 in one process, where the network settled by fork_at. */
static enum ers_err run_forked(const struct ers_scenario *s, const struct ers_catalog *cat,
			       const struct ers_run_opts *opts, struct ers_result **out,
			       bool *settled, struct ers_diag *d)
{
	struct ers_run_state *st = NULL;
	enum ers_err rc = ers_run_converge(s, cat, opts, &st, d);

	*settled = rc == ERS_OK && ers_run_settled(st);
	if (*settled)
		rc = ers_run_continue(st, s, opts->has_seed ? opts->seed : s->seed, out, d);
	ers_run_state_free(st);
	return rc;
}

enum ers_err ers_run(const struct ers_scenario *s, const struct ers_catalog *cat,
		     const struct ers_run_opts *opts, struct ers_result **out,
		     struct ers_diag *d)
{
	struct ers_run_state st = { 0 };
	enum ers_err rc;
	bool settled = false;

	*out = NULL;
	if (ers_run_can_fork(s, opts)) {
		rc = run_forked(s, cat, opts, out, &settled, d);
		if (rc != ERS_OK || settled)
			return rc;
	}
	rc = setup(&st, s, cat, opts, opts->has_seed ? opts->seed : s->seed, d);
	if (rc == ERS_OK)
		rc = schedule(&st, d);
	if (rc == ERS_OK) {
		start(&st.w);
		rc = conclude(&st, out, d);
	}
	ers_observe_release(&st.w);
	free(st.w.ev);
	free(st.w.cur_group);
	ers_sim_free(st.w.sim);
	ers_bgp_release(&st.w);
	ers_world_release(&st.w);
	ers_result_free(st.r);
	return rc;
}
