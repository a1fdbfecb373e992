/*
 * bgp_update.c - sending UPDATEs: which prefixes each peer should hear
 * about again (the pending set), flushing them once the router's current
 * batch of input is done, MRAI (RFC 4271 9.2.1.1), Adj-RIB-Out, and packing
 * what changed into UPDATEs as real ones are: one attribute set per
 * message, withdrawals on their own, at most RFC 4271's 4,096 bytes from
 * the encoded sizes of the attributes and prefixes. What a peer is sent
 * for a prefix is bgp_rib.c's export; the messages go out through
 * bgp_msg.c.
 */
#include <stdlib.h>

#include "ersim/bgp_int.h"

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
	struct ers_update_entry e;
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
	struct ers_msg *m = ers_msg_new(w, ERS_MSG_UPDATE, n);

	if (!m)
		return;
	for (size_t i = 0; i < n; i++)
		m->e[i] = k[from + i].e;
	w->updates++;
	ERS_BGP_HOOK(w, update_out, p, n - n_withdrawn, n_withdrawn);
	ers_msg_send(w, p, m);
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
	struct ers_world *w = ers_bgp_world(p);
	bool mrai_running = p->mrai_timer && ers_timer_armed(p->mrai_timer);
	size_t n_withdrawn = 0, n;
	struct ers_msg *m;
	struct pack_key *k;

	if (p->state != ERS_BGP_ESTABLISHED || !p->pending.n)
		return;
	m = ers_msg_new(w, ERS_MSG_UPDATE, p->pending.n);
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
		ers_msg_free(w, m);
		return;
	}
	for (size_t i = 0; i < n; i++)
		k[i] = (struct pack_key){ m->e[i], pack_group(m->e[i].attrs), i };
	ers_msg_free(w, m);
	qsort(k, n, sizeof *k, pack_cmp);
	if ((n > n_withdrawn || p->bgp->mrai_withdrawals) && p->mrai_timer)
		ers_timer_set(sim, p->mrai_timer, ers_sim_now(sim) + ers_bgp_jitter(w, p->bgp->mrai));
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

void ers_update_init_peer(struct ers_world *w, struct ers_peer *p)
{
	if (p->bgp->mrai > 0 && (p->mrai_timer = malloc(sizeof *p->mrai_timer)))
		ers_timer_init(p->mrai_timer, on_mrai, p, 0);
	else if (p->bgp->mrai > 0)
		w->err = ERS_ENOMEM;
}

void ers_update_init_speaker(struct ers_speaker *s)
{
	ers_timer_init(&s->flush_timer, flush_speaker, s, 0);
}
