/*
 * bgp_msg.c - BGP messages and the stream that carries them. Messages are
 * carved from chunks the world owns and recycled through per-size-class
 * free lists; each end of a session sends over one reliable ordered
 * stream, as over TCP: messages leave in order and arrive after the
 * link's delay, wait while the link cannot carry them, and go to the
 * receiving end (bgp_fsm.c) only after every message ahead of them.
 * UPDATEs are filled by bgp_update.c; what a message means is bgp_fsm.c's.
 *
 * Simplifications, stated in docs/model.md: each end's messages are one
 * reliable ordered stream (TCP's retransmission timing is not modelled);
 * a message that arrives on a connection its receiver has left is dropped.
 */
#include <stddef.h>
#include <stdlib.h>

#include "ersim/bgp_int.h"

/* ---- the stream ------------------------------------------------- */

static void deliver(struct ers_sim *sim, void *arg, uint64_t data);

/*
 * Each end's sends are one TCP stream: messages leave in order, each
 * arriving after the link's delay when the link can carry it. While the
 * link is down they wait in the stream (the stream stalls when one is due
 * while the link is down); when the link comes back the whole stream goes
 * out again in order, with the link's delay. Nothing is lost unless the
 * connection itself is dropped: the receiver has left it, or a new one
 * replaces it (ers_stream_clear).
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

void ers_msg_send(struct ers_world *w, struct ers_peer *from, struct ers_msg *m)
{
	struct ers_net_link *l = ers_bgp_link(w, from->session);

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

void ers_stream_resume(struct ers_world *w, struct ers_peer *from)
{
	ers_time_t delay = ers_bgp_link(w, from->session)->delay;

	from->tx_stalled = false;
	for (struct ers_msg *m = from->tx_head; m; m = m->next_tx)
		stream_post(w, m, delay);
}

void ers_stream_clear(struct ers_world *w, struct ers_peer *from)
{
	struct ers_msg *m = from->tx_head;

	while (m) {
		struct ers_msg *next = m->next_tx;
		ers_msg_free(w, m);
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

struct ers_msg *ers_msg_new(struct ers_world *w, enum ers_msg_type type, size_t n)
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

void ers_msg_free(struct ers_world *w, struct ers_msg *m)
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
	ers_rib_release(w);
}

void ers_msg_send_simple(struct ers_world *w, struct ers_peer *from, enum ers_msg_type type)
{
	struct ers_msg *m = ers_msg_new(w, type, 0);

	if (!m)
		return;
	m->hold = from->bgp->hold;
	ers_msg_send(w, from, m);
}

static void deliver(struct ers_sim *sim, void *arg, uint64_t data)
{
	struct ers_msg *m = arg;
	struct ers_peer *from;
	struct ers_world *w;

	/* Sent again since (ers_stream_resume), or dropped with its connection
	 * (then m may already carry another message: gen only grows). */
	if (data != m->gen)
		return;
	from = m->to->remote;
	w = ers_bgp_world(from);
	if (!ers_link_usable(w, ers_bgp_link(w, from->session))) {
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
		ers_fsm_receive(w, m);
	}
}
