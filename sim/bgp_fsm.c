/*
 * bgp_fsm.c - BGP sessions between speakers: the finite state machine of
 * RFC 4271 section 8 (Idle, Connect, OpenSent, OpenConfirm, Established),
 * its timers (connect-retry, hold, keepalive), what each message does on
 * arrival, and sessions reacting to links and routers going down and
 * coming back (by interface state, BFD in bgp_bfd.c, or hold-timer
 * expiry), an administrative shutdown (RFC 8203: the MSEE's maintenance)
 * and a VNet gateway's delay in giving up or re-learning a connection
 * (gateway-to-MSEE convergence, drawn by expressroute.c). Messages
 * travel through bgp_msg.c; UPDATEs are sent by
 * bgp_update.c; routes go to bgp_rib.c. What happens is reported through
 * the world's hooks (bgp.h).
 *
 * Simplifications, stated in docs/model.md:
 *  - a session is one TCP connection (the collision of RFC 4271 6.8 always
 *    resolves to one); opening it takes one round trip, then both ends send
 *    OPEN; each connection has an epoch, and a message that arrives on a
 *    connection an end has left is dropped, as TCP would;
 *  - an UPDATE enters Adj-RIB-In when it arrives; the decision process
 *    runs on its prefixes once the router has worked through it (a time
 *    per message plus one per prefix, and the optional FIB install time
 *    per changed prefix), and output waits until the router's queued
 *    input is done.
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>

#include "ersim/bgp_int.h"
#include "ersim/expressroute.h"
#include "ersim/rng.h"

static const char *const state_names[] = {
	"Idle", "Connect", "Active", "OpenSent", "OpenConfirm", "Established",
};

const char *ers_bgp_state_str(int state)
{
	return state >= 0 && state <= ERS_BGP_ESTABLISHED ? state_names[state] : "?";
}

bool ers_peer_established(const struct ers_peer *p)
{
	return p->state == ERS_BGP_ESTABLISHED;
}

/* RFC 4271 10: timers are jittered by a factor in (0.75, 1.0], on a
 * 2^-34 grid and in integers only, so no compiler's floating-point
 * contraction can change a run: t - t * r / 2^34 with r < 2^32. */
ers_time_t ers_bgp_jitter(struct ers_world *w, ers_time_t t)
{
	uint64_t r = ers_rng_next(ers_sim_rng(w->sim)) >> 32;

	return t - (ers_time_t)(((unsigned __int128)(uint64_t)t * r) >> 34);
}

/* ---- state changes ----------------------------------------------- */

static void arm_keepalive(struct ers_world *w, struct ers_peer *p)
{
	if (p->keepalive > 0)
		ers_timer_set(w->sim, &p->keepalive_timer,
			      ers_sim_now(w->sim) + ers_bgp_jitter(w, p->keepalive));
}

static void arm_hold(struct ers_world *w, struct ers_peer *p)
{
	if (p->hold > 0)
		ers_timer_set(w->sim, &p->hold_timer, ers_sim_now(w->sim) + p->hold);
}

static void stop_timers(struct ers_world *w, struct ers_peer *p)
{
	ers_timer_cancel(w->sim, &p->hold_timer);
	ers_timer_cancel(w->sim, &p->keepalive_timer);
	if (p->mrai_timer)
		ers_timer_cancel(w->sim, p->mrai_timer);
}

static void schedule_connect(struct ers_world *w, struct ers_session *ss, ers_time_t delay)
{
	struct ers_timer *t = &ss->connect_timer;

	if (!ers_timer_armed(t) || t->at > ers_sim_now(w->sim) + delay)
		ers_timer_set(w->sim, t, ers_sim_now(w->sim) + delay);
}

/* One end leaves its connection: routes learned are withdrawn, the
 * connection is dead for both ends (the other notices by its own means). */
static void peer_down(struct ers_world *w, struct ers_peer *p, const char *why)
{
	bool was_up = p->state == ERS_BGP_ESTABLISHED;

	if (p->state == ERS_BGP_IDLE)
		return;
	stop_timers(w, p);
	p->state = ERS_BGP_IDLE;
	if (p->conn == p->session->epoch)
		p->session->epoch++;
	ERS_BGP_HOOK(w, session_down, p, why);
	if (was_up)
		ers_rib_peer_down(w, p);
	else {
		ers_map_clear(&p->adj_out);
		ers_map_clear(&p->pending);
	}
	if (p->remote->state == ERS_BGP_IDLE)
		schedule_connect(w, p->session,
				 ers_bgp_jitter(w, p->session->end[0].bgp->connect_retry));
}

static void notify_and_down(struct ers_world *w, struct ers_peer *p, const char *why)
{
	ers_msg_send_simple(w, p, ERS_MSG_NOTIFICATION);
	peer_down(w, p, why);
}

/* The NOTIFICATION of an administrative shutdown reaches the other end,
 * if it is still on the connection it was sent on (data). */
static void on_admin_notification(struct ers_sim *sim, void *arg, uint64_t data)
{
	struct ers_peer *p = arg;

	if (p->state != ERS_BGP_IDLE && p->conn == (uint32_t)data)
		peer_down(ers_bgp_world(p), p, "NOTIFICATION received: Cease, administrative shutdown");
}

void ers_session_admin_shutdown(struct ers_world *w, struct ers_peer *p, const char *why)
{
	struct ers_net_link *l = ers_bgp_link(w, p->session);
	struct ers_peer *r = p->remote;

	if (p->state == ERS_BGP_IDLE)
		return;
	/* Sent as the port shuts: it travels, it is not queued behind the
	 * stream (the port is gone a moment later). */
	if (ers_link_usable(w, l) && r->state != ERS_BGP_IDLE &&
	    ers_sim_post(w->sim, ers_time_after(ers_sim_now(w->sim), l->delay),
			 on_admin_notification, r, r->conn))
		w->err = ERS_ENOMEM;
	ers_stream_clear(w, p);
	peer_down(w, p, why);
}

void ers_session_reset(struct ers_world *w, struct ers_session *ss, const char *why)
{
	ers_bfd_stop(w, ss);
	peer_down(w, &ss->end[0], why);
	peer_down(w, &ss->end[1], why);
}

static void established(struct ers_world *w, struct ers_peer *p)
{
	p->state = ERS_BGP_ESTABLISHED;
	ERS_BGP_HOOK(w, session_up, p);
	ers_rib_peer_up(w, p);
}

/* ---- connection setup ---------------------------------------------- */

static bool endpoints_up(struct ers_world *w, const struct ers_session *ss)
{
	return ers_link_usable(w, ers_bgp_link(w, ss)) &&
	       !w->nodes[ss->end[0].self->node].down &&
	       !w->nodes[ss->end[1].self->node].down;
}

/* An MSEE keeps a session it tore down for the prefix limit down while
 * the customer would still advertise more than the limit (facts 3.1: the
 * session drops when the limit is exceeded, so a customer at exactly the
 * limit is within it; check_prefix_limit tears down at the same bound). */
static bool prefix_limit_holds(struct ers_world *w, struct ers_session *ss)
{
	for (int i = 0; i < 2; i++) {
		struct ers_peer *p = &ss->end[i];
		if (!p->prefix_limited)
			continue;
		if (ers_rib_count_exportable(w, p->remote) > p->max_prefix)
			return true;
		p->prefix_limited = false;
	}
	return false;
}

static void tcp_open(struct ers_sim *sim, void *arg, uint64_t data);

static void try_connect(struct ers_sim *sim, void *arg, uint64_t data)
{
	struct ers_session *ss = arg;
	struct ers_world *w = ss->end[0].self->w;

	if (ss->end[0].state != ERS_BGP_IDLE || ss->end[1].state != ERS_BGP_IDLE)
		return;
	if (!endpoints_up(w, ss) || prefix_limit_holds(w, ss)) {
		schedule_connect(w, ss, ers_bgp_jitter(w, ss->end[0].bgp->connect_retry));
		return;
	}
	/* A gateway that lost this connection learns it again only after
	 * its convergence delay. */
	if (ss->gw_lost && ers_sim_now(sim) < ss->gw_not_before) {
		schedule_connect(w, ss, ss->gw_not_before - ers_sim_now(sim));
		return;
	}
	ss->gw_lost = false;
	ss->epoch++;
	for (int i = 0; i < 2; i++) {
		ss->end[i].state = ERS_BGP_CONNECT;
		ss->end[i].conn = ss->epoch;
		ers_stream_clear(w, &ss->end[i]);
	}
	/* The TCP handshake: one round trip before OPEN can be sent. */
	if (ers_sim_post(sim, ers_sim_now(sim) + 2 * ers_bgp_link(w, ss)->delay, tcp_open,
			 ss, ss->epoch))
		w->err = ERS_ENOMEM;
}

static void tcp_open(struct ers_sim *sim, void *arg, uint64_t data)
{
	struct ers_session *ss = arg;
	struct ers_world *w = ss->end[0].self->w;

	if (ss->epoch != data)
		return;
	if (!endpoints_up(w, ss)) {
		for (int i = 0; i < 2; i++)
			ss->end[i].state = ERS_BGP_IDLE;
		ss->epoch++;
		schedule_connect(w, ss, ers_bgp_jitter(w, ss->end[0].bgp->connect_retry));
		return;
	}
	for (int i = 0; i < 2; i++) {
		struct ers_peer *p = &ss->end[i];
		p->state = ERS_BGP_OPENSENT;
		/* RFC 4271 8.2.2: a large hold time (4 minutes) until OPEN. */
		ers_timer_set(sim, &p->hold_timer, ers_sim_now(sim) + 240 * ERS_S);
		ers_msg_send_simple(w, p, ERS_MSG_OPEN);
	}
}

/* ---- receiving ------------------------------------------------------ */

static void process_update(struct ers_sim *sim, void *arg, uint64_t data);

static void recv_open(struct ers_world *w, struct ers_peer *p, const struct ers_msg *m)
{
	ers_time_t hold;

	if (p->state != ERS_BGP_OPENSENT) {
		notify_and_down(w, p, "FSM error: OPEN");
		return;
	}
	/* RFC 4271 4.2: the hold time is the smaller of the two proposals;
	 * keepalives at a third of it unless configured lower. */
	hold = m->hold < p->bgp->hold ? m->hold : p->bgp->hold;
	p->hold = hold;
	p->keepalive = p->bgp->keepalive;
	if (hold == 0)
		p->keepalive = 0;
	else if (p->keepalive > hold / 3 || p->keepalive == 0)
		p->keepalive = hold / 3;
	p->state = ERS_BGP_OPENCONFIRM;
	ers_msg_send_simple(w, p, ERS_MSG_KEEPALIVE);
	arm_keepalive(w, p);
	if (hold)
		arm_hold(w, p);
	else
		ers_timer_cancel(w->sim, &p->hold_timer);
}

/* A router's time for one message varies with what else it is doing: drawn
 * uniformly in [d/2, 3d/2] around the configured d (mean d), in whole
 * nanoseconds from the run's RNG. Without it, symmetric designs stay in
 * lockstep forever where real routers break the tie (docs/model.md). */
static ers_time_t processing_time(struct ers_world *w, ers_time_t d)
{
	if (d <= 0)
		return 0;
	return d / 2 + (ers_time_t)ers_rng_below(ers_sim_rng(w->sim), (uint64_t)d + 1);
}

/* An UPDATE read off the connection enters Adj-RIB-In at once, as in
 * FRR (bgp_update, then the work queue) and SimBGP; the decision process
 * runs on what changed once the router has worked through the message:
 * its time per message (drawn around processing-delay), per prefix
 * carried, and per changed prefix to install in the FIB. Messages queue
 * behind each other. m keeps only the changed prefixes. Returns false if
 * the decision could not be queued. */
static bool queue_update(struct ers_world *w, struct ers_peer *p, struct ers_msg *m)
{
	struct ers_speaker *s = p->self;
	ers_time_t now = ers_sim_now(w->sim);
	size_t n_in = m->n, n = 0;
	ers_time_t cost;
	int rc;

	ERS_BGP_HOOK(w, update_in, p, m->n);
	for (size_t i = 0; i < n_in; i++)
		if (ers_rib_store(w, p, m->e[i].prefix, m->e[i].attrs))
			m->e[n++] = m->e[i];
	m->n = n;
	cost = processing_time(w, s->proc_delay ? s->proc_delay : p->bgp->processing_delay) +
	       (ers_time_t)n_in * s->prefix_delay + (ers_time_t)n * s->fib_delay;
	s->busy_until = ers_time_after(s->busy_until > now ? s->busy_until : now, cost);
	if ((rc = ers_sim_post(w->sim, s->busy_until, process_update, m, 0)) != 0) {
		w->err = rc;	/* ERS_ENOMEM, or ERS_ELIMIT past the clock */
		return false;
	}
	return true;
}

static void recv_msg(struct ers_world *w, struct ers_peer *p, struct ers_msg *m)
{
	switch (m->type) {
	case ERS_MSG_OPEN:
		recv_open(w, p, m);
		break;
	case ERS_MSG_KEEPALIVE:
		if (p->state == ERS_BGP_OPENCONFIRM)
			established(w, p);
		arm_hold(w, p);
		break;
	case ERS_MSG_NOTIFICATION:
		peer_down(w, p, "NOTIFICATION received");
		break;
	case ERS_MSG_UPDATE:
		if (p->state != ERS_BGP_ESTABLISHED)
			break;
		arm_hold(w, p);
		if (queue_update(w, p, m))
			return;		/* m now belongs to process_update */
		break;
	}
	ers_msg_free(w, m);
}

/* A message at the far end of its stream: dropped if that end has left
 * the connection it was sent on, else received. */
void ers_fsm_receive(struct ers_world *w, struct ers_msg *m)
{
	struct ers_peer *p = m->to;

	if (w->nodes[p->self->node].down || p->conn != m->conn || p->state == ERS_BGP_IDLE) {
		ers_msg_free(w, m);
		return;
	}
	recv_msg(w, p, m);
}

static void check_prefix_limit(struct ers_world *w, struct ers_peer *p)
{
	char detail[512];

	if (!p->max_prefix || p->n_accepted <= p->max_prefix)
		return;
	snprintf(detail, sizeof detail,
		 "%s advertised %u prefixes, over the limit of %u: session torn down (NOTIFICATION Cease, maximum number of prefixes reached)",
		 p->remote->self->id, p->n_accepted, p->max_prefix);
	ERS_BGP_HOOK(w, notice, p->role == ERS_PEER_GATEWAY ? "gateway-prefix-limit" : "prefix-limit",
	     p->self->id, detail);
	p->prefix_limited = true;
	notify_and_down(w, p, "Cease: maximum number of prefixes reached");
}

static void process_update(struct ers_sim *sim, void *arg, uint64_t data)
{
	struct ers_msg *m = arg;
	struct ers_peer *p = m->to;
	struct ers_world *w = ers_bgp_world(p);

	/* On a connection since left, the routes went with it (peer_down
	 * already decided without them). */
	if (p->conn == m->conn && p->state == ERS_BGP_ESTABLISHED &&
	    !w->nodes[p->self->node].down) {
		for (size_t i = 0; i < m->n; i++)
			ers_rib_decide(w, p->self, m->e[i].prefix);
		check_prefix_limit(w, p);
	}
	ers_msg_free(w, m);
}

/* ---- timers --------------------------------------------------------- */

static void on_hold_expired(struct ers_sim *sim, void *arg, uint64_t data)
{
	struct ers_peer *p = arg;

	notify_and_down(ers_bgp_world(p), p, "hold timer expired");
}

static void on_keepalive(struct ers_sim *sim, void *arg, uint64_t data)
{
	struct ers_peer *p = arg;
	struct ers_world *w = ers_bgp_world(p);

	if (p->state != ERS_BGP_ESTABLISHED && p->state != ERS_BGP_OPENCONFIRM)
		return;
	ers_msg_send_simple(w, p, ERS_MSG_KEEPALIVE);
	arm_keepalive(w, p);
}

static void on_connect_retry(struct ers_sim *sim, void *arg, uint64_t data)
{
	try_connect(sim, arg, data);
}

/* ---- gateway-to-MSEE convergence (expressroute.c) ------------------- */

/* The gateway's convergence delay is over: it gives up the session (and
 * the routes) of the connection it lost. */
static void on_gw_converged(struct ers_sim *sim, void *arg, uint64_t data)
{
	struct ers_session *ss = arg;
	struct ers_world *w = ss->end[0].self->w;

	if (ss->end[1].state != ERS_BGP_IDLE)
		ers_session_reset(w, ss, "gateway converged: connection lost");
}

/* An MSEE-gateway connection stops: the MSEE's end sees it at once, the
 * gateway keeps its routes through it for its convergence delay
 * (expressroute.c, docs/model.md). */
static void gateway_loses(struct ers_world *w, struct ers_session *ss)
{
	struct ers_peer *gw = &ss->end[1];
	char detail[512];
	ers_time_t d;

	peer_down(w, &ss->end[0], "interface down");
	if (gw->state == ERS_BGP_IDLE || ers_timer_armed(&ss->gw_timer))
		return;
	d = ers_er_gw_conv_delay(w, ss);
	if (d == 0) {		/* at once, as plain BGP over an interface */
		ers_session_reset(w, ss, "interface down");
		return;
	}
	ss->gw_lost = true;
	snprintf(detail, sizeof detail,
		 "connection to %s lost: the gateway withdraws its routes through it after %.3f s (gateway-to-MSEE convergence)",
		 w->nodes[ss->end[0].self->node].id, ers_time_to_s(d));
	ERS_BGP_HOOK(w, notice, "gateway-convergence", gw->self->id, detail);
	ers_timer_set(w->sim, &ss->gw_timer, ers_sim_now(w->sim) + d);
}

/* The connection works again: the gateway learns its routes after a
 * delay drawn the same way. */
static void gateway_regains(struct ers_world *w, struct ers_session *ss)
{
	char detail[512];
	ers_time_t d;

	if (!ss->gw_lost)
		return;
	d = ers_er_gw_conv_delay(w, ss);
	ss->gw_not_before = ers_sim_now(w->sim) + d;
	if (d > 0) {
		snprintf(detail, sizeof detail,
			 "connection to %s back: the gateway learns its routes through it again after %.3f s (gateway-to-MSEE convergence)",
			 w->nodes[ss->end[0].self->node].id, ers_time_to_s(d));
		ERS_BGP_HOOK(w, notice, "gateway-convergence", ss->end[1].self->id, detail);
	}
}

/* ---- links and nodes ------------------------------------------------- */

void ers_bgp_start(struct ers_world *w)
{
	for (size_t i = 0; i < w->n_speakers; i++)
		for (size_t j = 0; j < w->speakers[i]->n_peers; j++)
			w->speakers[i]->peers[j]->slot = (uint32_t)j;
	ers_rib_start(w);
	for (size_t i = 0; i < w->n_sessions; i++) {
		struct ers_session *ss = w->sessions[i];
		for (int e = 0; e < 2; e++) {
			struct ers_peer *p = &ss->end[e];
			ers_timer_init(&p->hold_timer, on_hold_expired, p, 0);
			ers_timer_init(&p->keepalive_timer, on_keepalive, p, 0);
			ers_update_init_peer(w, p);
		}
		ers_bfd_init(ss);
		ers_timer_init(&ss->gw_timer, on_gw_converged, ss, 0);
		ers_timer_init(&ss->connect_timer, on_connect_retry, ss, 0);
		schedule_connect(w, ss, 0);
	}
	for (size_t i = 0; i < w->n_speakers; i++)
		ers_update_init_speaker(w->speakers[i]);
	for (size_t i = 0; i < w->n_speakers; i++)
		ers_rib_speaker_up(w, w->speakers[i]);
}

void ers_link_went_down(struct ers_world *w, struct ers_net_link *l)
{
	for (size_t i = 0; i < l->n_sessions; i++) {
		struct ers_session *ss = w->sessions[l->sessions[i]];

		if (l->interface_carrier && ss->gw_conv)
			gateway_loses(w, ss);
		else if (l->interface_carrier)
			ers_session_reset(w, ss, "interface down");
		else if (ss->bfd && (ss->end[0].state == ERS_BGP_ESTABLISHED ||
				     ss->end[1].state == ERS_BGP_ESTABLISHED))
			ers_bfd_start_detection(w, ss);
		/* else: only the hold timer will notice */
	}
	ERS_BGP_HOOK(w, link_changed, l);
}

void ers_link_came_up(struct ers_world *w, struct ers_net_link *l)
{
	for (size_t i = 0; i < l->n_sessions; i++) {
		struct ers_session *ss = w->sessions[l->sessions[i]];

		ers_bfd_stop(w, ss);
		if (l->interface_carrier && ss->gw_conv)
			gateway_regains(w, ss);
		ers_stream_resume(w, &ss->end[0]);
		ers_stream_resume(w, &ss->end[1]);
		/* An interface coming up starts BGP at once; over a provider
		 * the idle ends find out at their next connect retry. */
		if (l->interface_carrier && ss->end[0].state == ERS_BGP_IDLE &&
		    ss->end[1].state == ERS_BGP_IDLE)
			schedule_connect(w, ss, 0);
	}
	ERS_BGP_HOOK(w, link_changed, l);
}

/* A dead router's end: what it had not sent is lost with it. It leaves
 * the connection at once; the neighbour learns that when the link can
 * carry the reset (RST) of the router that comes back, if its carrier,
 * BFD or hold timer has not told it first. */
static void router_down(struct ers_world *w, struct ers_peer *p)
{
	bool on_conn = p->state != ERS_BGP_IDLE;

	ers_stream_clear(w, p);
	peer_down(w, p, "router down");
	if (on_conn)
		ers_msg_send_simple(w, p, ERS_MSG_NOTIFICATION);
}

/* A router dies: its own ends drop silently, its routes vanish; its
 * neighbours notice through the carrier of each link. */
void ers_node_went_down(struct ers_world *w, struct ers_node *n)
{
	for (size_t i = 0; i < n->n_speakers; i++) {
		struct ers_speaker *s = n->speakers[i];
		for (size_t j = 0; j < s->n_peers; j++)
			router_down(w, s->peers[j]);
		ers_rib_speaker_down(w, s);
	}
	for (size_t i = 0; i < n->n_links; i++)
		ers_link_went_down(w, &w->links[n->links[i]]);
}

void ers_node_came_up(struct ers_world *w, struct ers_node *n)
{
	for (size_t i = 0; i < n->n_speakers; i++)
		ers_rib_speaker_up(w, n->speakers[i]);
	for (size_t i = 0; i < n->n_links; i++) {
		struct ers_net_link *l = &w->links[n->links[i]];
		if (ers_link_usable(w, l))
			ers_link_came_up(w, l);
	}
	/* Its own sessions start at once: the router boots and connects. */
	for (size_t i = 0; i < n->n_speakers; i++) {
		struct ers_speaker *s = n->speakers[i];
		for (size_t j = 0; j < s->n_peers; j++)
			schedule_connect(w, s->peers[j]->session, 0);
	}
}

