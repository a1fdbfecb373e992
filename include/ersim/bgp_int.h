/*
 * bgp_int.h - what the parts of the BGP core share, private to them: the
 * message (bgp_msg.c allocates and carries it), the calls between the
 * finite state machine (bgp_fsm.c), UPDATE sending and MRAI
 * (bgp_update.c) and BFD (bgp_bfd.c), and the hook call the RIBs
 * (bgp_rib.c) use too. Everything else uses bgp.h.
 */
#ifndef ERSIM_BGP_INT_H
#define ERSIM_BGP_INT_H

#include "ersim/bgp.h"

enum ers_msg_type { ERS_MSG_OPEN, ERS_MSG_UPDATE, ERS_MSG_NOTIFICATION, ERS_MSG_KEEPALIVE };

struct ers_update_entry {
	uint32_t prefix;
	const struct ers_attrs *attrs;	/* NULL = withdrawn */
};

struct ers_msg {
	enum ers_msg_type type;
	int size_class;			/* free list it returns to */
	struct ers_msg *next_free;
	struct ers_msg *next_tx;		/* next in the sender's stream */
	struct ers_peer *to;
	uint32_t conn;
	uint32_t gen;			/* the delivery event that counts */
	bool arrived;			/* reached the far end, waits for those ahead */
	ers_time_t hold;		/* OPEN: proposed hold time */
	size_t n;
	struct ers_update_entry e[];
};

/* Tell the watchers (bgp.h): each hook may be missing. */
#define ERS_BGP_HOOK(w, name, ...) \
	do { \
		if ((w)->hooks && (w)->hooks->name) \
			(w)->hooks->name((w)->hooks_ctx, __VA_ARGS__); \
	} while (0)

static inline struct ers_world *ers_bgp_world(const struct ers_peer *p)
{
	return p->self->w;
}

static inline struct ers_net_link *ers_bgp_link(struct ers_world *w,
						const struct ers_session *ss)
{
	return &w->links[ss->link];
}

/* bgp_msg.c */
/* A message with room for n UPDATE entries, or NULL (w->err set). */
struct ers_msg *ers_msg_new(struct ers_world *w, enum ers_msg_type type, size_t n);
/* Back to its free list; a delivery still posted for it no longer counts. */
void ers_msg_free(struct ers_world *w, struct ers_msg *m);
/* Append m to from's stream; it now belongs to the stream. */
void ers_msg_send(struct ers_world *w, struct ers_peer *from, struct ers_msg *m);
/* OPEN, KEEPALIVE or NOTIFICATION from from. */
void ers_msg_send_simple(struct ers_world *w, struct ers_peer *from, enum ers_msg_type type);
/* The link carries again: from's stream goes out in order from its head. */
void ers_stream_resume(struct ers_world *w, struct ers_peer *from);
/* The connection is gone for good: what from's stream holds is dropped. */
void ers_stream_clear(struct ers_world *w, struct ers_peer *from);

/* bgp_fsm.c */
/* RFC 4271 10: t jittered by a factor in (0.75, 1.0]. */
ers_time_t ers_bgp_jitter(struct ers_world *w, ers_time_t t);
/* m reached the far end of its stream, in order: m->to receives it. */
void ers_fsm_receive(struct ers_world *w, struct ers_msg *m);

/* bgp_update.c */
/* Timers of the sending side: p's MRAI (when on), s's flush. */
void ers_update_init_peer(struct ers_world *w, struct ers_peer *p);
void ers_update_init_speaker(struct ers_speaker *s);

/* bgp_bfd.c */
void ers_bfd_init(struct ers_session *ss);
/* The path failed silently: BFD detects it within its window unless the
 * session is reset or the link comes back first (ers_bfd_stop). */
void ers_bfd_start_detection(struct ers_world *w, struct ers_session *ss);
void ers_bfd_stop(struct ers_world *w, struct ers_session *ss);

#endif
