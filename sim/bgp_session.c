/*
 * bgp_session.c - BGP sessions between speakers: the finite state machine
 * of RFC 4271 section 8 (Idle, Connect, OpenSent, OpenConfirm,
 * Established), its timers (connect-retry, hold, keepalive, MRAI), message
 * exchange over links with delay, and failure detection by interface
 * state, BFD (RFC 5880) or hold-timer expiry.
 *
 * Simplifications, stated in docs/model.md:
 *  - a session is one TCP connection (the collision of RFC 4271 6.8 always
 *    resolves to one); opening it takes one round trip, then both ends send
 *    OPEN; each connection has an epoch, and a message that arrives on a
 *    connection an end has left is dropped, as TCP would;
 *  - each end's messages are one reliable ordered stream: they wait while
 *    the link cannot carry them and go out in order when it can (TCP's
 *    retransmission timing is not modelled);
 *  - BFD packets are not simulated one by one: after a silent failure the
 *    session's BFD detection fires at last_rx + multiplier x interval, with
 *    last_rx drawn uniformly in the last interval before the failure, which
 *    gives RFC 5880's detection window [(m-1)i, mi];
 *  - an UPDATE enters Adj-RIB-In when it arrives; the decision process
 *    runs on its prefixes once the router has worked through it (a time
 *    per message plus one per prefix, and the optional FIB install time
 *    per changed prefix), and output waits until the router's queued
 *    input is done;
 *  - UPDATEs are packed as real ones are: one attribute set per message,
 *    withdrawals on their own, at most RFC 4271's 4,096 bytes from the
 *    encoded sizes of the attributes and prefixes.
 */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "ersim/bgp.h"
#include "ersim/expressroute.h"

static const char *const state_names[] = {
	"Idle", "Connect", "Active", "OpenSent", "OpenConfirm", "Established",
};

const char *ers_bgp_state_str(int state)
{
	return state >= 0 && state <= ERS_BGP_ESTABLISHED ? state_names[state] : "?";
}

enum msg_type { MSG_OPEN, MSG_UPDATE, MSG_NOTIFICATION, MSG_KEEPALIVE };

struct update_entry {
	uint32_t prefix;
	const struct ers_attrs *attrs;	/* NULL = withdrawn */
};

struct ers_msg {
	enum msg_type type;
	int size_class;			/* free list it returns to */
	struct ers_msg *next_free;
	struct ers_msg *next_tx;		/* next in the sender's stream */
	struct ers_peer *to;
	uint32_t conn;
	uint32_t gen;			/* the delivery event that counts */
	bool arrived;			/* reached the far end, waits for those ahead */
	ers_time_t hold;		/* OPEN: proposed hold time */
	size_t n;
	struct update_entry e[];
};

bool ers_peer_established(const struct ers_peer *p)
{
	return p->state == ERS_BGP_ESTABLISHED;
}

static struct ers_world *world_of(const struct ers_peer *p)
{
	return p->self->w;
}

static struct ers_net_link *link_of(struct ers_world *w, const struct ers_session *ss)
{
	return &w->links[ss->link];
}

/* RFC 4271 10: timers are jittered by a factor in (0.75, 1.0], on a
 * 2^-34 grid and in integers only, so no compiler's floating-point
 * contraction can change a run: t - t * r / 2^34 with r < 2^32. */
static ers_time_t jitter(struct ers_world *w, ers_time_t t)
{
	uint64_t r = ers_rng_next(ers_sim_rng(w->sim)) >> 32;

	return t - (ers_time_t)(((unsigned __int128)(uint64_t)t * r) >> 34);
}

static void trace_peer(struct ers_world *w, const struct ers_peer *p,
		       const char *kind, const char *detail)
{
	ers_trace(w, p->self->id, kind, "%s %s", p->remote->self->id, detail);
}

/* ---- sending ----------------------------------------------------- */

static void deliver(struct ers_sim *sim, void *arg, uint64_t data);
static void free_msg(struct ers_world *w, struct ers_msg *m);

/*
 * Each end's sends are one TCP stream: messages leave in order, each
 * arriving after the link's delay when the link can carry it. While the
 * link is down they wait in the stream (the stream stalls when one is due
 * while the link is down); when the link comes back the whole stream goes
 * out again in order, with the link's delay. Nothing is lost unless the
 * connection itself is dropped: the receiver has left it, or a new one
 * replaces it (stream_clear).
 */
static void stream_post(struct ers_world *w, struct ers_msg *m, ers_time_t delay)
{
	int rc;

	m->gen++;
	m->arrived = false;
	rc = ers_sim_post(w->sim, ers_time_after(ers_sim_now(w->sim), delay), deliver, m, m->gen);
	if (rc)
		w->err = rc;	/* ERS_ENOMEM, or ERS_ELIMIT past the clock */
}

static void send_msg(struct ers_world *w, struct ers_peer *from, struct ers_msg *m)
{
	struct ers_net_link *l = link_of(w, from->session);

	m->to = from->remote;
	m->conn = from->conn;
	m->next_tx = NULL;
	m->arrived = false;
	w->messages++;
	if (from->tx_tail)
		from->tx_tail->next_tx = m;
	else
		from->tx_head = m;
	from->tx_tail = m;
	if (ers_link_usable(w, l) && !from->tx_stalled)
		stream_post(w, m, l->delay);
}

/* The link carries again: the stream goes out in order from its head. */
static void stream_resume(struct ers_world *w, struct ers_peer *from)
{
	ers_time_t delay = link_of(w, from->session)->delay;

	from->tx_stalled = false;
	for (struct ers_msg *m = from->tx_head; m; m = m->next_tx)
		stream_post(w, m, delay);
}

/* The connection is gone for good: what it still holds is dropped. */
static void stream_clear(struct ers_world *w, struct ers_peer *from)
{
	struct ers_msg *m = from->tx_head;

	while (m) {
		struct ers_msg *next = m->next_tx;
		free_msg(w, m);
		m = next;
	}
	from->tx_head = from->tx_tail = NULL;
	from->tx_stalled = false;
}

/* Messages are carved from chunks the world owns and recycled through
 * per-size-class free lists (room for 1, 2, 4, ... entries): the steady
 * state allocates nothing per message, and messages still in flight when
 * a run stops are freed with the chunks. */
#define N_MSG_CLASSES 32
#define CHUNK_SIZE (64 * 1024)

struct chunk {
	struct chunk *next;
	max_align_t data[];
};

static int size_class(size_t n)
{
	int c = 0;

	while (((size_t)1 << c) < n)
		c++;
	return c;
}

static void *carve(struct ers_world *w, size_t size)
{
	struct chunk *ch;
	void *p;

	size = (size + sizeof(max_align_t) - 1) / sizeof(max_align_t) * sizeof(max_align_t);
	if ((size_t)(w->chunk_end - w->chunk_pos) < size) {
		size_t cap = size > CHUNK_SIZE ? size : CHUNK_SIZE;
		if (!(ch = malloc(sizeof *ch + cap)))
			return NULL;
		ch->next = w->msg_chunks;
		w->msg_chunks = ch;
		w->chunk_pos = (char *)ch->data;
		w->chunk_end = w->chunk_pos + cap;
	}
	p = w->chunk_pos;
	w->chunk_pos += size;
	return p;
}

static struct ers_msg *new_msg(struct ers_world *w, enum msg_type type, size_t n)
{
	int c = size_class(n);
	struct ers_msg *m = c < N_MSG_CLASSES ? w->msg_pool[c] : NULL;

	if (c >= N_MSG_CLASSES) {
		w->err = ERS_ENOMEM;
		return NULL;
	}
	if (m) {
		w->msg_pool[c] = m->next_free;
	} else if (!(m = carve(w, sizeof *m + ((size_t)1 << c) * sizeof m->e[0]))) {
		w->err = ERS_ENOMEM;
		return NULL;
	} else {
		m->gen = 0;	/* only ever grows: see deliver */
	}
	m->size_class = c;
	m->type = type;
	m->n = n;
	m->hold = 0;
	return m;
}

static void free_msg(struct ers_world *w, struct ers_msg *m)
{
	m->gen++;		/* a delivery still posted for it no longer counts */
	m->next_free = w->msg_pool[m->size_class];
	w->msg_pool[m->size_class] = m;
}

void ers_bgp_release(struct ers_world *w)
{
	struct chunk *ch = w->msg_chunks;

	while (ch) {
		struct chunk *next = ch->next;
		free(ch);
		ch = next;
	}
	w->msg_chunks = NULL;
	w->chunk_pos = w->chunk_end = NULL;
	for (int c = 0; c < N_MSG_CLASSES; c++)
		w->msg_pool[c] = NULL;
}

static void send_simple(struct ers_world *w, struct ers_peer *from, enum msg_type type)
{
	struct ers_msg *m = new_msg(w, type, 0);

	if (!m)
		return;
	m->hold = from->bgp->hold;
	send_msg(w, from, m);
}

/* ---- state changes ----------------------------------------------- */

static void arm_keepalive(struct ers_world *w, struct ers_peer *p)
{
	if (p->keepalive > 0)
		ers_timer_set(w->sim, &p->keepalive_timer,
			      ers_sim_now(w->sim) + jitter(w, p->keepalive));
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
	trace_peer(w, p, "session-down", why);
	stop_timers(w, p);
	p->state = ERS_BGP_IDLE;
	if (p->conn == p->session->epoch)
		p->session->epoch++;
	ers_observe_detect(w);
	if (was_up)
		ers_rib_peer_down(w, p);
	else {
		ers_map_clear(&p->adj_out);
		ers_map_clear(&p->pending);
	}
	if (p->remote->state == ERS_BGP_IDLE)
		schedule_connect(w, p->session,
				 jitter(w, p->session->end[0].bgp->connect_retry));
}

static void notify_and_down(struct ers_world *w, struct ers_peer *p, const char *why)
{
	send_simple(w, p, MSG_NOTIFICATION);
	peer_down(w, p, why);
}

/* The NOTIFICATION of an administrative shutdown reaches the other end,
 * if it is still on the connection it was sent on (data). */
static void on_admin_notification(struct ers_sim *sim, void *arg, uint64_t data)
{
	struct ers_peer *p = arg;

	if (p->state != ERS_BGP_IDLE && p->conn == (uint32_t)data)
		peer_down(world_of(p), p, "NOTIFICATION received: Cease, administrative shutdown");
}

void ers_session_admin_shutdown(struct ers_world *w, struct ers_peer *p, const char *why)
{
	struct ers_net_link *l = link_of(w, p->session);
	struct ers_peer *r = p->remote;

	if (p->state == ERS_BGP_IDLE)
		return;
	/* Sent as the port shuts: it travels, it is not queued behind the
	 * stream (the port is gone a moment later). */
	if (ers_link_usable(w, l) && r->state != ERS_BGP_IDLE &&
	    ers_sim_post(w->sim, ers_time_after(ers_sim_now(w->sim), l->delay),
			 on_admin_notification, r, r->conn))
		w->err = ERS_ENOMEM;
	stream_clear(w, p);
	peer_down(w, p, why);
}

void ers_session_reset(struct ers_world *w, struct ers_session *ss, const char *why)
{
	ers_timer_cancel(w->sim, &ss->bfd_timer);
	peer_down(w, &ss->end[0], why);
	peer_down(w, &ss->end[1], why);
}

static void established(struct ers_world *w, struct ers_peer *p)
{
	p->state = ERS_BGP_ESTABLISHED;
	trace_peer(w, p, "session-up", "Established");
	ers_observe_detect(w);
	ers_rib_peer_up(w, p);
}

/* ---- connection setup ---------------------------------------------- */

static bool endpoints_up(struct ers_world *w, const struct ers_session *ss)
{
	return ers_link_usable(w, link_of(w, ss)) &&
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
		schedule_connect(w, ss, jitter(w, ss->end[0].bgp->connect_retry));
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
		stream_clear(w, &ss->end[i]);
	}
	/* The TCP handshake: one round trip before OPEN can be sent. */
	if (ers_sim_post(sim, ers_sim_now(sim) + 2 * link_of(w, ss)->delay, tcp_open,
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
		schedule_connect(w, ss, jitter(w, ss->end[0].bgp->connect_retry));
		return;
	}
	for (int i = 0; i < 2; i++) {
		struct ers_peer *p = &ss->end[i];
		p->state = ERS_BGP_OPENSENT;
		/* RFC 4271 8.2.2: a large hold time (4 minutes) until OPEN. */
		ers_timer_set(sim, &p->hold_timer, ers_sim_now(sim) + 240 * ERS_S);
		send_simple(w, p, MSG_OPEN);
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
	send_simple(w, p, MSG_KEEPALIVE);
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

	ers_trace_update(w, s->id, "update-in", p->remote->self->id, m->n, 0);
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
	case MSG_OPEN:
		recv_open(w, p, m);
		break;
	case MSG_KEEPALIVE:
		if (p->state == ERS_BGP_OPENCONFIRM)
			established(w, p);
		arm_hold(w, p);
		break;
	case MSG_NOTIFICATION:
		peer_down(w, p, "NOTIFICATION received");
		break;
	case MSG_UPDATE:
		if (p->state != ERS_BGP_ESTABLISHED)
			break;
		arm_hold(w, p);
		if (queue_update(w, p, m))
			return;		/* m now belongs to process_update */
		break;
	}
	free_msg(w, m);
}

/* A message at the far end of its stream: dropped if that end has left
 * the connection it was sent on, else received. */
static void receive(struct ers_world *w, struct ers_msg *m)
{
	struct ers_peer *p = m->to;

	if (w->nodes[p->self->node].down || p->conn != m->conn || p->state == ERS_BGP_IDLE) {
		free_msg(w, m);
		return;
	}
	recv_msg(w, p, m);
}

static void deliver(struct ers_sim *sim, void *arg, uint64_t data)
{
	struct ers_msg *m = arg;
	struct ers_peer *from;
	struct ers_world *w;

	/* Sent again since (stream_resume), or dropped with its connection
	 * (then m may already carry another message: gen only grows). */
	if (data != m->gen)
		return;
	from = m->to->remote;
	w = world_of(from);
	if (!ers_link_usable(w, link_of(w, from->session))) {
		from->tx_stalled = true;	/* waits for the link */
		return;
	}
	/* In order: a message goes in only after every one ahead of it (with
	 * --shuffle-ties, arrivals at one instant may come in any order). */
	m->arrived = true;
	while ((m = from->tx_head) && m->arrived) {
		from->tx_head = m->next_tx;
		if (!from->tx_head)
			from->tx_tail = NULL;
		receive(w, m);
	}
}

static void check_prefix_limit(struct ers_world *w, struct ers_peer *p)
{
	if (!p->max_prefix || p->n_accepted <= p->max_prefix)
		return;
	ers_observe_notice(w, p->role == ERS_PEER_GATEWAY ? "gateway-prefix-limit" : "prefix-limit",
			   p->self->id,
			   "%s advertised %u prefixes, over the limit of %u: session torn down (NOTIFICATION Cease, maximum number of prefixes reached)",
			   p->remote->self->id, p->n_accepted, p->max_prefix);
	p->prefix_limited = true;
	notify_and_down(w, p, "Cease: maximum number of prefixes reached");
}

static void process_update(struct ers_sim *sim, void *arg, uint64_t data)
{
	struct ers_msg *m = arg;
	struct ers_peer *p = m->to;
	struct ers_world *w = world_of(p);

	/* On a connection since left, the routes went with it (peer_down
	 * already decided without them). */
	if (p->conn == m->conn && p->state == ERS_BGP_ESTABLISHED &&
	    !w->nodes[p->self->node].down) {
		for (size_t i = 0; i < m->n; i++)
			ers_rib_decide(w, p->self, m->e[i].prefix);
		check_prefix_limit(w, p);
	}
	free_msg(w, m);
}

/* ---- timers --------------------------------------------------------- */

static void on_hold_expired(struct ers_sim *sim, void *arg, uint64_t data)
{
	struct ers_peer *p = arg;

	notify_and_down(world_of(p), p, "hold timer expired");
}

static void on_keepalive(struct ers_sim *sim, void *arg, uint64_t data)
{
	struct ers_peer *p = arg;
	struct ers_world *w = world_of(p);

	if (p->state != ERS_BGP_ESTABLISHED && p->state != ERS_BGP_OPENCONFIRM)
		return;
	send_simple(w, p, MSG_KEEPALIVE);
	arm_keepalive(w, p);
}

static void on_connect_retry(struct ers_sim *sim, void *arg, uint64_t data)
{
	try_connect(sim, arg, data);
}

static void on_bfd_detect(struct ers_sim *sim, void *arg, uint64_t data)
{
	struct ers_session *ss = arg;
	struct ers_world *w = ss->end[0].self->w;

	if (ers_link_usable(w, link_of(w, ss)))
		return;
	ers_session_reset(w, ss, "BFD detected the path down");
}

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
	ers_observe_notice(w, "gateway-convergence", gw->self->id,
			   "connection to %s lost: the gateway withdraws its routes through it after %.3f s (gateway-to-MSEE convergence)",
			   w->nodes[ss->end[0].self->node].id, ers_time_to_s(d));
	ers_timer_set(w->sim, &ss->gw_timer, ers_sim_now(w->sim) + d);
}

/* The connection works again: the gateway learns its routes after a
 * delay drawn the same way. */
static void gateway_regains(struct ers_world *w, struct ers_session *ss)
{
	ers_time_t d;

	if (!ss->gw_lost)
		return;
	d = ers_er_gw_conv_delay(w, ss);
	ss->gw_not_before = ers_sim_now(w->sim) + d;
	if (d > 0)
		ers_observe_notice(w, "gateway-convergence", ss->end[1].self->id,
			   "connection to %s back: the gateway learns its routes through it again after %.3f s (gateway-to-MSEE convergence)",
			   w->nodes[ss->end[0].self->node].id, ers_time_to_s(d));
}

/* ---- sending updates (MRAI) ------------------------------------------ */

static void flush(struct ers_sim *sim, void *arg, uint64_t data);

/* When s may send: now, or once its queued input is processed. */
static ers_time_t output_time(struct ers_world *w, const struct ers_speaker *s)
{
	ers_time_t now = ers_sim_now(w->sim);

	return s->busy_until > now ? s->busy_until : now;
}

void ers_peer_want_send(struct ers_world *w, struct ers_peer *p, uint32_t prefix)
{
	if (p->state != ERS_BGP_ESTABLISHED)
		return;
	if (ers_map_put(&p->pending, prefix, p)) {
		w->err = ERS_ENOMEM;
		return;
	}
	/* Send once the current batch is done (same time, later in order). */
	if (!p->flush_queued) {
		struct ers_speaker *s = p->self;
		p->flush_queued = true;
		p->flush_next = NULL;
		if (s->flush_tail)
			s->flush_tail->flush_next = p;
		else
			s->flush_head = p;
		s->flush_tail = p;
	}
	if (!ers_timer_armed(&p->self->flush_timer))
		ers_timer_set(w->sim, &p->self->flush_timer, output_time(w, p->self));
}

void ers_peer_refresh(struct ers_world *w, struct ers_peer *p)
{
	uint32_t key;
	void *val;

	for (size_t i = 0; ers_map_next(&p->self->loc, &i, &key, &val);)
		ers_peer_want_send(w, p, key);
	for (size_t i = 0; ers_map_next(&p->adj_out, &i, &key, &val);)
		ers_peer_want_send(w, p, key);
}

/* Collect what differs from Adj-RIB-Out. Announcements wait while the
 * MRAI timer runs (RFC 4271 9.2.1.1); withdrawals go out at once unless
 * mrai-withdrawals is set (as some implementations do). */
static size_t collect(struct ers_world *w, struct ers_peer *p, struct ers_msg *m,
		      bool mrai_running, size_t *n_withdrawn)
{
	uint32_t key;
	void *val;
	size_t n = 0;

	for (size_t i = 0; ers_map_next(&p->pending, &i, &key, &val);) {
		const struct ers_attrs *a = ers_rib_export(w, p, key);
		const struct ers_attrs *old = ers_map_get(&p->adj_out, key);

		if (a == old || (mrai_running && (a || p->bgp->mrai_withdrawals)))
			continue;
		m->e[n].prefix = key;
		m->e[n].attrs = a;
		n++;
		*n_withdrawn += !a;
	}
	return n;
}

static void apply_sent(struct ers_world *w, struct ers_peer *p, const struct ers_msg *m)
{
	for (size_t i = 0; i < m->n; i++) {
		if (m->e[i].attrs) {
			if (ers_map_put(&p->adj_out, m->e[i].prefix, (void *)m->e[i].attrs))
				w->err = ERS_ENOMEM;
		} else {
			ers_map_del(&p->adj_out, m->e[i].prefix);
		}
		ers_map_del(&p->pending, m->e[i].prefix);
	}
}

/* ---- packing UPDATEs (RFC 4271 4.3) --------------------------------- */

#define MSG_MAX 4096		/* RFC 4271 4.1: the largest message */
#define UPDATE_FIXED 23		/* header 19, two length fields of 2 */

/* One path attribute: flags, type, length (2 octets once over 255). */
static size_t attr_len(size_t value)
{
	return (value > 255 ? 4 : 3) + value;
}

/* The encoded path attributes of a, as sent to p: ORIGIN, AS_PATH
 * (4-octet ASNs, segments of at most 255), NEXT_HOP, then MED,
 * LOCAL_PREF (iBGP), COMMUNITIES, ORIGINATOR_ID and CLUSTER_LIST when
 * present. */
static size_t attrs_size(const struct ers_peer *p, const struct ers_attrs *a)
{
	size_t segs = (a->path_len + 254) / 255;
	size_t n = attr_len(1) + attr_len(2 * segs + 4 * (size_t)a->path_len) + attr_len(4);

	if (a->has_med)
		n += attr_len(4);
	if (p->ibgp)
		n += attr_len(4);
	if (a->n_comms)
		n += attr_len(4 * (size_t)a->n_comms);
	if (a->originator_id)
		n += attr_len(4);
	if (a->cluster_len)
		n += attr_len(4 * (size_t)a->cluster_len);
	return n;
}

/* A prefix in NLRI or withdrawn routes: length octet, then the octets
 * the length covers. */
static size_t prefix_size(struct ers_world *w, uint32_t prefix)
{
	return 1 + (w->prefixes.prefixes[prefix].len + 7u) / 8;
}

/* Withdrawals first, then announcements grouped by attribute set; the
 * hash orders the groups and the collection order breaks ties, so the
 * messages come out the same in every run. */
struct pack_key {
	struct update_entry e;
	uint32_t group;
	size_t order;
};

static int pack_cmp(const void *x, const void *y)
{
	const struct pack_key *a = x, *b = y;

	if (a->group != b->group)
		return a->group < b->group ? -1 : 1;
	return a->order < b->order ? -1 : a->order > b->order;
}

static uint32_t pack_group(const struct ers_attrs *a)
{
	return a ? (a->hash >> 1) + 1 : 0;	/* 0: withdrawals */
}

/* Send the entries e[from..to), all withdrawals or all with one
 * attribute set, as one UPDATE. */
static void send_update(struct ers_world *w, struct ers_peer *p,
			const struct pack_key *k, size_t from, size_t to)
{
	size_t n = to - from, n_withdrawn = k[from].e.attrs ? 0 : n;
	struct ers_msg *m = new_msg(w, MSG_UPDATE, n);

	if (!m)
		return;
	for (size_t i = 0; i < n; i++)
		m->e[i] = k[from + i].e;
	w->updates++;
	ers_observe_update_sent(w, n_withdrawn);
	ers_trace_update(w, p->self->id, "update-out", p->remote->self->id,
			 n - n_withdrawn, n_withdrawn);
	send_msg(w, p, m);
}

/* Split the sorted entries into UPDATEs: a message ends when the
 * attribute set changes or the next prefix would pass 4,096 bytes. */
static void send_packed(struct ers_world *w, struct ers_peer *p, struct pack_key *k, size_t n)
{
	size_t from = 0, used = 0;

	for (size_t i = 0; i < n; i++) {
		const struct ers_attrs *a = k[i].e.attrs;
		size_t sz = prefix_size(w, k[i].e.prefix);

		if (i > from && (a != k[from].e.attrs || used + sz > MSG_MAX)) {
			send_update(w, p, k, from, i);
			from = i;
		}
		if (i == from)
			used = UPDATE_FIXED + (a ? attrs_size(p, a) : 0);
		used += sz;
	}
	if (n)
		send_update(w, p, k, from, n);
}

static void flush(struct ers_sim *sim, void *arg, uint64_t data)
{
	struct ers_peer *p = arg;
	struct ers_world *w = world_of(p);
	bool mrai_running = p->mrai_timer && ers_timer_armed(p->mrai_timer);
	size_t n_withdrawn = 0, n;
	struct ers_msg *m;
	struct pack_key *k;

	if (p->state != ERS_BGP_ESTABLISHED || !p->pending.n)
		return;
	m = new_msg(w, MSG_UPDATE, p->pending.n);
	if (!m)
		return;
	n = collect(w, p, m, mrai_running, &n_withdrawn);
	m->n = n;
	apply_sent(w, p, m);
	if (!mrai_running)
		ers_map_clear(&p->pending);
	if (!n || !(k = malloc(n * sizeof *k))) {
		if (n)
			w->err = ERS_ENOMEM;
		free_msg(w, m);
		return;
	}
	for (size_t i = 0; i < n; i++)
		k[i] = (struct pack_key){ m->e[i], pack_group(m->e[i].attrs), i };
	free_msg(w, m);
	qsort(k, n, sizeof *k, pack_cmp);
	if ((n > n_withdrawn || p->bgp->mrai_withdrawals) && p->mrai_timer)
		ers_timer_set(sim, p->mrai_timer, ers_sim_now(sim) + jitter(w, p->bgp->mrai));
	send_packed(w, p, k, n);
	free(k);
}

static void on_mrai(struct ers_sim *sim, void *arg, uint64_t data)
{
	flush(sim, arg, data);
}

/* The router's batch is done: send to every peer it queued, in order.
 * Not while UPDATEs still wait for its decision process: output goes once
 * the input queue has drained, so a change undone by a queued message is
 * never sent (FRR's work queue, BIRD's export after the read). */
static void flush_speaker(struct ers_sim *sim, void *arg, uint64_t data)
{
	struct ers_speaker *s = arg;

	if (s->busy_until > ers_sim_now(sim)) {
		ers_timer_set(sim, &s->flush_timer, s->busy_until);
		return;
	}

	while (s->flush_head) {
		struct ers_peer *p = s->flush_head;
		s->flush_head = p->flush_next;
		if (!s->flush_head)
			s->flush_tail = NULL;
		p->flush_queued = false;
		flush(sim, p, data);
	}
}

/* ---- links and nodes ------------------------------------------------- */

void ers_bgp_start(struct ers_world *w)
{
	for (size_t i = 0; i < w->n_sessions; i++) {
		struct ers_session *ss = w->sessions[i];
		for (int e = 0; e < 2; e++) {
			struct ers_peer *p = &ss->end[e];
			ers_timer_init(&p->hold_timer, on_hold_expired, p, 0);
			ers_timer_init(&p->keepalive_timer, on_keepalive, p, 0);
			if (p->bgp->mrai > 0 && (p->mrai_timer = malloc(sizeof *p->mrai_timer)))
				ers_timer_init(p->mrai_timer, on_mrai, p, 0);
			else if (p->bgp->mrai > 0)
				w->err = ERS_ENOMEM;
		}
		ers_timer_init(&ss->bfd_timer, on_bfd_detect, ss, 0);
		ers_timer_init(&ss->gw_timer, on_gw_converged, ss, 0);
		ers_timer_init(&ss->connect_timer, on_connect_retry, ss, 0);
		schedule_connect(w, ss, 0);
	}
	for (size_t i = 0; i < w->n_speakers; i++)
		ers_timer_init(&w->speakers[i]->flush_timer, flush_speaker, w->speakers[i], 0);
	for (size_t i = 0; i < w->n_speakers; i++)
		ers_rib_speaker_up(w, w->speakers[i]);
}

/* BFD (RFC 5880 asynchronous mode): the last packet arrived somewhere in
 * the interval before the failure; detection follows multiplier x interval
 * after it. */
static void start_bfd_detection(struct ers_world *w, struct ers_session *ss)
{
	ers_time_t i = ss->bfd_interval;
	ers_time_t last_rx = ers_sim_now(w->sim) - (ers_time_t)ers_rng_below(
		ers_sim_rng(w->sim), (uint64_t)i);
	/* saturating: multiplier x interval once overflowed into the past,
	 * and BFD "detected" at once (the loader now bounds the interval) */
	ers_time_t detect = i > 0 && (ers_time_t)ss->bfd_mult > INT64_MAX / i
				    ? INT64_MAX : (ers_time_t)ss->bfd_mult * i;
	ers_time_t at = ers_time_after(last_rx, detect);

	if (at < ers_sim_now(w->sim))
		at = ers_sim_now(w->sim);
	if (!ers_timer_armed(&ss->bfd_timer))
		ers_timer_set(w->sim, &ss->bfd_timer, at);
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
			start_bfd_detection(w, ss);
		/* else: only the hold timer will notice */
	}
	ers_observe_forwarding_changed(w);
}

void ers_link_came_up(struct ers_world *w, struct ers_net_link *l)
{
	for (size_t i = 0; i < l->n_sessions; i++) {
		struct ers_session *ss = w->sessions[l->sessions[i]];

		ers_timer_cancel(w->sim, &ss->bfd_timer);
		if (l->interface_carrier && ss->gw_conv)
			gateway_regains(w, ss);
		stream_resume(w, &ss->end[0]);
		stream_resume(w, &ss->end[1]);
		/* An interface coming up starts BGP at once; over a provider
		 * the idle ends find out at their next connect retry. */
		if (l->interface_carrier && ss->end[0].state == ERS_BGP_IDLE &&
		    ss->end[1].state == ERS_BGP_IDLE)
			schedule_connect(w, ss, 0);
	}
	ers_observe_forwarding_changed(w);
}

/* A dead router's end: what it had not sent is lost with it. It leaves
 * the connection at once; the neighbour learns that when the link can
 * carry the reset (RST) of the router that comes back, if its carrier,
 * BFD or hold timer has not told it first. */
static void router_down(struct ers_world *w, struct ers_peer *p)
{
	bool on_conn = p->state != ERS_BGP_IDLE;

	stream_clear(w, p);
	peer_down(w, p, "router down");
	if (on_conn)
		send_simple(w, p, MSG_NOTIFICATION);
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
