/*
 * engine.c - the discrete-event engine: the simulated clock, the set of
 * pending events, embedded timers, and the run's RNG (rng.c).
 *
 * Pending events live in a radix heap (Ahuja, Mehlhorn, Orlin and Tarjan
 * 1990) of 16-byte entries {at, seq << 32 | slot}, in base 16. The clock
 * never goes back, so queued times are >= `last`, the time the queue was
 * last advanced to, and an entry is filed in a bucket named by the
 * highest base-16 digit in which its time differs from last and its
 * digit there (bucket_of()). Posting is an append. The earliest entries
 * sit in a short sorted "run"; when it runs dry, the lowest non-empty
 * bucket is taken: if small it is sorted into the run, else last moves
 * to its earliest entry (tracked on append) and its entries are spread
 * over lower buckets, the ones at that time into the run. An entry moves
 * at most once per hex digit of its delay, by sequential appends, however
 * many events are pending: O(1) amortised in the queue's size (at most 16
 * moves for a 64-bit clock), where a heap pays
 * O(log n) scattered accesses. docs/engine.md has the measurements.
 *
 * Order: slot indexes a record holding what to call (handler, arg, data
 * for a one-shot; the timer for a timer). With FIFO ties the run is an
 * array sorted by (time, key), key starting with the posting order; with
 * shuffled ties (--shuffle-ties) the key's seq is a random 32-bit number
 * from the run's RNG and the run is a binary heap on (time, key). Either
 * way equal times keep their relative key order wherever they are filed.
 *
 * Buckets are lists of 1 KiB chunks from one pool. The pool and the run's
 * array are grown when an event is posted, to hold every entry at once,
 * so that taking events out and re-filing them (which a void
 * ers_sim_run() cannot report failing) never allocates.
 *
 * Lazy timers. Re-arming a timer to a later time (a hold timer reset by
 * every KEEPALIVE) only rewrites the timer; its queue entry fires at the
 * old time, sees the timer moved, and re-files itself at the new (time,
 * seq) recorded by ers_timer_set(). Re-arming earlier or cancelling marks
 * the entry dead (the record forgets the timer, so the owner may free it);
 * dead entries are dropped when they surface and compacted away in O(n)
 * once they are half the queue, so memory stays bounded however often
 * timers move.
 *
 * seq is 32 bits; when the counter would wrap, the live keys are
 * renumbered by rank, which keeps their order (renumber()).
 */
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "ersim/engine.h"
#include "ersim/error.h"

/* One queue entry; key = seq << 32 | slot. */
struct qent {
	ers_time_t at;
	uint64_t key;
};

/* What an entry refers to. One-shot: fn set. Timer: fn NULL and arg the
 * timer, or NULL once the entry is dead. Free: data is the next free. */
struct rec {
	ers_event_fn *fn;
	void *arg;
	uint64_t data;
};

/* A bucket's entries, in filing order, in a list of chunks of 1 KiB. */
#define CHUNK_ENTRIES 63
struct chunk {
	struct chunk *next;
	uint32_t n;
	struct qent e[CHUNK_ENTRIES];
};

struct bucket {
	struct chunk *head, *tail;
	size_t n;
	struct qent min;		/* earliest entry, when n > 0 */
};

/* A bucket per (digit position, digit value) of the time in base 16. */
#define DIGIT_BITS 4
#define NBUCKETS 256		/* 16 positions x 16 values; 0 is never used */
#define NO_SLOT UINT32_MAX
#define COMPACT_MIN 1024	/* dead entries tolerated before compacting */
#define REC_MIN_CAP 64
#define RUN_MAX 48		/* a lowest bucket this small is sorted, not spread */

struct ers_sim {
	struct qent *now_q;		/* the run: entries before any bucket's */
	size_t now_head, now_n, now_cap;	/* live: now_q[now_head..now_n) */
	struct qent run_max;		/* shuffled ties: >= the run's latest */
	struct bucket b[NBUCKETS];	/* b[0] unused: "bucket 0" is the run */
	uint64_t nonempty[NBUCKETS / 64];	/* bit i: b[i] holds entries */
	ers_time_t last;		/* time of bucket 0; all entries >= it */
	size_t n;			/* entries held, live or dead */
	size_t room;			/* entries that fit without allocating */
	struct chunk *free_chunks;
	size_t n_chunks;		/* chunks allocated, free or in use */
	struct rec *recs;
	uint32_t n_recs, recs_cap, free_rec;
	size_t n_dead;			/* dead timer entries queued */
	size_t n_oneshot;		/* one-shots pending */
	size_t n_armed;			/* timers armed */
	uint32_t seq;			/* next FIFO tie-break key */
	bool shuffle;
	bool stopped;
	ers_time_t now;
	uint64_t processed;
	struct ers_rng rng;
};

#if defined(__GNUC__)
#define PREFETCH(p) __builtin_prefetch(p)
#define HOT_INLINE inline __attribute__((always_inline))
#else
#define PREFETCH(p) ((void)(p))
#define HOT_INLINE inline
#endif

static HOT_INLINE bool qless(struct qent a, struct qent b)
{
	return (a.at < b.at) | ((a.at == b.at) & (a.key < b.key));
}

static inline uint32_t qslot(struct qent e) { return (uint32_t)e.key; }
static inline uint32_t qseq(struct qent e) { return (uint32_t)(e.key >> 32); }

/* Bucket of time at (>= last): 0 if at == last, else p * 16 + v where p
 * is the highest base-16 digit in which at differs from last and v at's
 * digit there (v > last's digit, so v >= 1). Buckets in index order hold
 * ever later times: a lower position shares more leading digits with
 * last, and at one position a larger digit is a later time. */
static HOT_INLINE unsigned bucket_of(ers_time_t last, ers_time_t at)
{
	uint64_t x = (uint64_t)(at ^ last);
	unsigned hi, p;

	if (!x)
		return 0;
#if defined(__GNUC__)
	hi = 63 - (unsigned)__builtin_clzll(x);
#else
	for (hi = 0; x >> hi > 1; hi++)
		;
#endif
	p = hi / DIGIT_BITS;
	return p << DIGIT_BITS |
	       (unsigned)((uint64_t)at >> (p * DIGIT_BITS) & ((1u << DIGIT_BITS) - 1));
}

static HOT_INLINE unsigned lowest_bit(uint64_t x)
{
#if defined(__GNUC__)
	return (unsigned)__builtin_ctzll(x);
#else
	unsigned i = 0;

	while (!(x & 1)) {
		x >>= 1;
		i++;
	}
	return i;
#endif
}

/* The lowest non-empty bucket, or 0 if there is none. */
static HOT_INLINE unsigned lowest_bucket(const struct ers_sim *sim)
{
	for (unsigned w = 0; w < NBUCKETS / 64; w++)
		if (sim->nonempty[w])
			return w * 64 + lowest_bit(sim->nonempty[w]);
	return 0;
}

/* Arrays of 2 MiB and more are 2 MiB-aligned and offered to the kernel as
 * transparent huge pages: at a million events the records are
 * random-access over tens of MiB, and with 4 KiB pages nearly every
 * access also misses the TLB (measured: docs/engine.md). */
#define HUGE_PAGE ((size_t)2 << 20)

static void *big_alloc(size_t size)
{
	void *p;

	if (size < HUGE_PAGE)
		return aligned_alloc(64, (size + 63) & ~(size_t)63);
	size = (size + HUGE_PAGE - 1) & ~(HUGE_PAGE - 1);
	p = aligned_alloc(HUGE_PAGE, size);
#ifdef MADV_HUGEPAGE
	if (p)
		madvise(p, size, MADV_HUGEPAGE);	/* a hint: failure is fine */
#endif
	return p;
}

/* ---- room: grown when posting, so that filing never allocates ------- */

/* Chunks needed to hold n entries in any spread over the buckets: every
 * full chunk, a part-filled tail per bucket, and the chunk being emptied
 * while a bucket is spread. */
static inline size_t chunks_for(size_t n)
{
	return n / CHUNK_ENTRIES + NBUCKETS + 2;
}

/* Make room for one more entry; the only place the queue allocates.
 * The run's array holds twice the entries, so that sliding the run to
 * its front (now_make_room) frees at least as many slots as it moves:
 * amortised O(1) even when nearly everything is in the run. */
static int q_grow(struct ers_sim *sim)
{
	size_t need = sim->n + 1;

	if (need > sim->now_cap / 2) {
		size_t cap = sim->now_cap + sim->now_cap / 2;
		struct qent *q;

		if (cap < 2 * need)
			cap = 2 * need;
		if (cap > SIZE_MAX / sizeof *q)
			return ERS_ENOMEM;
		q = big_alloc(cap * sizeof *q);
		if (!q)
			return ERS_ENOMEM;
		if (sim->now_q)
			memcpy(q, sim->now_q + sim->now_head,
			       (sim->now_n - sim->now_head) * sizeof *q);
		free(sim->now_q);
		sim->now_q = q;
		sim->now_n -= sim->now_head;
		sim->now_head = 0;
		sim->now_cap = cap;
	}
	while (sim->n_chunks < chunks_for(need)) {
		struct chunk *c = malloc(sizeof *c);

		if (!c)
			return ERS_ENOMEM;
		c->next = sim->free_chunks;
		sim->free_chunks = c;
		sim->n_chunks++;
	}
	/* the most entries n with 2 n <= now_cap and chunks_for(n) <= n_chunks */
	sim->room = sim->now_cap / 2;
	if ((sim->n_chunks - NBUCKETS - 2) * CHUNK_ENTRIES + CHUNK_ENTRIES - 1 < sim->room)
		sim->room = (sim->n_chunks - NBUCKETS - 2) * CHUNK_ENTRIES + CHUNK_ENTRIES - 1;
	return ERS_OK;
}

static HOT_INLINE int q_reserve(struct ers_sim *sim)
{
	return sim->n < sim->room ? ERS_OK : q_grow(sim);
}

/* ---- buckets ------------------------------------------------------- */

static HOT_INLINE void bucket_append(struct ers_sim *sim, unsigned i,
				     struct qent e)
{
	struct bucket *b = &sim->b[i];
	struct chunk *c = b->tail;

	if (!c || c->n == CHUNK_ENTRIES) {
		struct chunk *nc = sim->free_chunks;	/* q_reserve: never NULL */

		sim->free_chunks = nc->next;
		nc->next = NULL;
		nc->n = 0;
		if (c)
			c->next = nc;
		else
			b->head = nc;
		b->tail = nc;
		c = nc;
	}
	c->e[c->n++] = e;
	if (!b->n++ || qless(e, b->min))
		b->min = e;
	sim->nonempty[i / 64] |= (uint64_t)1 << (i % 64);
}

/* Take bucket i's chunk list out; its chunks go back to the pool one by
 * one as they are read (chunk_release). */
static inline struct chunk *bucket_detach(struct ers_sim *sim, unsigned i)
{
	struct chunk *c = sim->b[i].head;

	sim->b[i].head = sim->b[i].tail = NULL;
	sim->b[i].n = 0;
	sim->nonempty[i / 64] &= ~((uint64_t)1 << (i % 64));
	return c;
}

static inline struct chunk *chunk_release(struct ers_sim *sim, struct chunk *c)
{
	struct chunk *next = c->next;

	c->next = sim->free_chunks;
	sim->free_chunks = c;
	return next;
}

/* Recompute a bucket's earliest entry (after keys were renumbered). */
static void bucket_rescan_min(struct bucket *b)
{
	if (!b->n)
		return;
	b->min = b->head->e[0];
	for (const struct chunk *c = b->head; c; c = c->next)
		for (uint32_t k = 0; k < c->n; k++)
			if (qless(c->e[k], b->min))
				b->min = c->e[k];
}

/* ---- the run: entries due before anything in the buckets ---------- */

/*
 * The run holds the earliest entries in order: every entry in a bucket
 * comes after every entry of the run. It is filled when it is empty, from
 * the lowest bucket: entirely if that bucket is small (RUN_MAX, sorted
 * here), else with the entries at that bucket's earliest time (spread()).
 * With FIFO ties it is an array sorted by (time, key): posts go to its end
 * in the usual case; one that sorts before the run's last entry (a
 * timer re-filed after newer posts, an event posted between two of the
 * run's times) is inserted in place. With shuffled ties it is a binary
 * heap on (time, key), whose keys are random.
 */
static inline size_t now_len(const struct ers_sim *sim)
{
	return sim->now_n - sim->now_head;
}

static HOT_INLINE struct qent run_front(const struct ers_sim *sim)
{
	return sim->now_q[sim->now_head];	/* the heap's root when shuffled */
}

/* An entry no earlier than the run's latest (run not empty). */
static HOT_INLINE struct qent run_back(const struct ers_sim *sim)
{
	return sim->shuffle ? sim->run_max : sim->now_q[sim->now_n - 1];
}

static void now_sift_down(struct qent *h, size_t n, size_t i)
{
	struct qent x = h[i];

	for (;;) {
		size_t c = 2 * i + 1;

		if (c >= n)
			break;
		if (c + 1 < n && qless(h[c + 1], h[c]))
			c++;
		if (!qless(h[c], x))
			break;
		h[i] = h[c];
		i = c;
	}
	h[i] = x;
}

static int cmp_qent(const void *a, const void *b)
{
	struct qent x = *(const struct qent *)a, y = *(const struct qent *)b;

	return qless(y, x) - qless(x, y);
}

/* Restore the run's order after entries were added unchecked (sorted:
 * they came in order). */
static void now_reorder(struct ers_sim *sim, bool sorted)
{
	if (sim->shuffle) {
		sim->run_max = sim->now_q[0];
		for (size_t i = 1; i < sim->now_n; i++)
			if (qless(sim->run_max, sim->now_q[i]))
				sim->run_max = sim->now_q[i];
		for (size_t i = sim->now_n / 2; i-- > 0;)
			now_sift_down(sim->now_q, sim->now_n, i);
	} else if (!sorted) {
		qsort(sim->now_q + sim->now_head, now_len(sim), sizeof *sim->now_q,
		      cmp_qent);
	}
}

/* Room at the end of now_q: q_reserve keeps now_cap >= 2 x entries, so
 * sliding the live part to the front makes room for as many again. */
static HOT_INLINE void now_make_room(struct ers_sim *sim)
{
	if (sim->now_n < sim->now_cap)
		return;
	memmove(sim->now_q, sim->now_q + sim->now_head,
		now_len(sim) * sizeof *sim->now_q);
	sim->now_n -= sim->now_head;
	sim->now_head = 0;
}

static void now_push(struct ers_sim *sim, struct qent e)
{
	struct qent *q;
	size_t lo, hi;

	now_make_room(sim);
	q = sim->now_q;
	if (sim->shuffle) {
		size_t i = sim->now_n++;

		if (i == 0 || qless(sim->run_max, e))
			sim->run_max = e;
		while (i > 0 && qless(e, q[(i - 1) / 2])) {
			q[i] = q[(i - 1) / 2];
			i = (i - 1) / 2;
		}
		q[i] = e;
		return;
	}
	if (sim->now_n == sim->now_head || qless(q[sim->now_n - 1], e)) {
		q[sim->now_n++] = e;
		return;
	}
	lo = sim->now_head;
	hi = sim->now_n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (qless(q[mid], e))
			lo = mid + 1;
		else
			hi = mid;
	}
	memmove(q + lo + 1, q + lo, (sim->now_n - lo) * sizeof *q);
	q[lo] = e;
	sim->now_n++;
}

static HOT_INLINE struct qent now_take(struct ers_sim *sim)
{
	struct qent e;

	if (sim->shuffle) {
		e = sim->now_q[0];
		sim->now_q[0] = sim->now_q[--sim->now_n];
		now_sift_down(sim->now_q, sim->now_n, 0);
		return e;
	}
	e = sim->now_q[sim->now_head++];
	if (sim->now_head == sim->now_n)
		sim->now_head = sim->now_n = 0;
	return e;
}

/* ---- the queue ---------------------------------------------------- */

/* File an entry; room was made when it was posted. It joins the run if
 * it sorts before the run's end or is due at last itself (bucket 0), else
 * its bucket. An entry before last precedes everything queued, so it
 * joins the run too: last can be ahead of the clock, when dead entries
 * (cancelled timers) were taken out without running anything. */
static HOT_INLINE void q_insert(struct ers_sim *sim, struct qent e)
{
	unsigned i;

	sim->n++;
	if (e.at < sim->last || (now_len(sim) && qless(e, run_back(sim))) ||
	    !(i = bucket_of(sim->last, e.at)))
		now_push(sim, e);
	else
		bucket_append(sim, i, e);
}

/* The run is empty: move last to m, the earliest entry of bucket i (the
 * lowest non-empty), and spread that bucket over the lower ones. Every
 * entry there shares last's digits down to the bucket's position (its
 * digit there included), and so does m: each lands at a lower position,
 * the entries at m.at in the run, in filing order. The buckets above stay
 * valid for the new last for the same reason. */
static void spread(struct ers_sim *sim, unsigned i, struct qent m)
{
	struct chunk *c = bucket_detach(sim, i);
	struct qent *q = sim->now_q;
	size_t k0 = 0;
	bool sorted = true;

	sim->last = m.at;
	PREFETCH(&sim->recs[qslot(m)]);
	while (c) {
		for (uint32_t k = 0; k < c->n; k++) {
			struct qent e = c->e[k];
			unsigned j = bucket_of(m.at, e.at);

			if (j) {
				bucket_append(sim, j, e);
			} else {
				sorted &= !k0 || q[k0 - 1].key < e.key;
				q[k0++] = e;
			}
		}
		c = chunk_release(sim, c);
	}
	sim->now_head = 0;
	sim->now_n = k0;
	now_reorder(sim, sorted);
}

/* The run is empty and bucket i, the lowest, is small: it becomes the
 * run, sorted by insertion (few entries, often nearly in order). */
static void fill_run(struct ers_sim *sim, unsigned i, struct qent m)
{
	struct chunk *c = bucket_detach(sim, i);
	struct qent *q = sim->now_q;
	size_t n = 0;

	sim->last = m.at;
	PREFETCH(&sim->recs[qslot(m)]);
	while (c) {
		for (uint32_t k = 0; k < c->n; k++)
			q[n++] = c->e[k];
		c = chunk_release(sim, c);
	}
	sim->now_head = 0;
	sim->now_n = n;
	if (sim->shuffle) {
		now_reorder(sim, false);
		return;
	}
	for (size_t k = 1; k < n; k++) {
		struct qent x = q[k];
		size_t j = k;

		while (j > 0 && qless(x, q[j - 1])) {
			q[j] = q[j - 1];
			j--;
		}
		q[j] = x;
	}
}

/* Make the run hold the earliest entries unless they are later than
 * until. False if the queue is empty or its earliest entry is later. */
static HOT_INLINE bool q_ready(struct ers_sim *sim, ers_time_t until)
{
	unsigned i;
	struct qent m;

	if (now_len(sim))
		return run_front(sim).at <= until;
	i = lowest_bucket(sim);
	if (!i)
		return false;
	m = sim->b[i].min;
	if (m.at > until)
		return false;
	if (sim->b[i].n <= RUN_MAX)
		fill_run(sim, i, m);
	else
		spread(sim, i, m);
	return true;
}

/* Take the earliest entry (q_ready() said there is one). The record of
 * the one after it is likely a cache miss at large sizes: start loading
 * it now, so the miss overlaps this event's handler. */
static HOT_INLINE struct qent q_take(struct ers_sim *sim)
{
	struct qent e = now_take(sim);

	sim->n--;
	if (now_len(sim))
		PREFETCH(&sim->recs[qslot(run_front(sim))]);
	return e;
}

/* Call fn on every entry (renumbering, compaction, scans). */
static void q_each(struct ers_sim *sim, void (*fn)(struct ers_sim *, struct qent *, void *),
		   void *ctx)
{
	for (size_t k = sim->now_head; k < sim->now_n; k++)
		fn(sim, &sim->now_q[k], ctx);
	for (unsigned i = 1; i < NBUCKETS; i++)
		for (struct chunk *c = sim->b[i].head; c; c = c->next)
			for (uint32_t k = 0; k < c->n; k++)
				fn(sim, &c->e[k], ctx);
}

/* ---- records and keys ----------------------------------------------- */

static int rec_grow(struct ers_sim *sim)
{
	uint32_t cap = sim->recs_cap < NO_SLOT / 2 ? sim->recs_cap + sim->recs_cap / 2 : NO_SLOT;
	struct rec *r;

	if (cap == sim->recs_cap)
		return ERS_ENOMEM;
	r = big_alloc((size_t)cap * sizeof *r);
	if (!r)
		return ERS_ENOMEM;
	memcpy(r, sim->recs, (size_t)sim->n_recs * sizeof *r);
	free(sim->recs);
	sim->recs = r;
	sim->recs_cap = cap;
	return ERS_OK;
}

/* A free record: the most recently freed first, whose line is hot (the
 * event that just ran). */
static HOT_INLINE int rec_alloc(struct ers_sim *sim, uint32_t *slot)
{
	if (sim->free_rec != NO_SLOT) {
		*slot = sim->free_rec;
		sim->free_rec = (uint32_t)sim->recs[*slot].data;
		return ERS_OK;
	}
	if (sim->n_recs == sim->recs_cap && rec_grow(sim))
		return ERS_ENOMEM;
	*slot = sim->n_recs++;
	return ERS_OK;
}

/* Only the link is written: a free record is never read as an event
 * (a timer's dead entry clears arg itself, in detach()). */
static inline void rec_free(struct ers_sim *sim, uint32_t slot)
{
	sim->recs[slot].data = sim->free_rec;
	sim->free_rec = slot;
}

static struct ers_timer *live_timer(const struct ers_sim *sim, struct qent e)
{
	const struct rec *r = &sim->recs[qslot(e)];

	return r->fn ? NULL : r->arg;
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return (x > y) - (x < y);
}

static uint32_t rank_of(const uint32_t *v, size_t n, uint32_t x)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (v[mid] < x)
			lo = mid + 1;
		else
			hi = mid;
	}
	return (uint32_t)lo;
}

struct seqs {
	uint32_t *v;
	size_t n;
};

static void collect_seq(struct ers_sim *sim, struct qent *e, void *ctx)
{
	struct seqs *s = ctx;
	struct ers_timer *t = live_timer(sim, *e);

	s->v[s->n++] = qseq(*e);
	if (t)
		s->v[s->n++] = t->seq;
}

static void rank_seq(struct ers_sim *sim, struct qent *e, void *ctx)
{
	struct seqs *s = ctx;
	struct ers_timer *t = live_timer(sim, *e);

	e->key = (uint64_t)rank_of(s->v, s->n, qseq(*e)) << 32 | qslot(*e);
	if (t)
		t->seq = rank_of(s->v, s->n, t->seq);
}

/* The FIFO counter is about to wrap: replace every live seq (queued and
 * moved timers') by its rank among them. The map is monotone, so every
 * comparison, and thus bucket 0's order, is unchanged. O(n log n), once
 * per 2^32 posts. */
static int renumber(struct ers_sim *sim)
{
	struct seqs s = { malloc((2 * sim->n + 1) * sizeof *s.v), 0 };
	size_t cnt = 0;

	if (!s.v)
		return ERS_ENOMEM;
	q_each(sim, collect_seq, &s);
	qsort(s.v, s.n, sizeof *s.v, cmp_u32);
	for (size_t i = 0; i < s.n; i++)
		if (!cnt || s.v[cnt - 1] != s.v[i])
			s.v[cnt++] = s.v[i];
	s.n = cnt;
	q_each(sim, rank_seq, &s);
	for (unsigned i = 1; i < NBUCKETS; i++)
		bucket_rescan_min(&sim->b[i]);
	sim->seq = (uint32_t)cnt;
	free(s.v);
	return ERS_OK;
}

/* The tie-break key of a new event: posting order, or a seeded random
 * key when ties are shuffled. */
static HOT_INLINE int next_seq(struct ers_sim *sim, uint32_t *seq)
{
	if (sim->shuffle) {
		*seq = (uint32_t)(ers_rng_next(&sim->rng) >> 32);
		return ERS_OK;
	}
	if (sim->seq == UINT32_MAX && renumber(sim))
		return ERS_ENOMEM;
	*seq = sim->seq++;
	return ERS_OK;
}

static inline bool dead(const struct ers_sim *sim, struct qent e)
{
	const struct rec *r = &sim->recs[qslot(e)];

	return !r->fn && !r->arg;
}

/* Drop dead timer entries: O(n). Bucket 0 keeps its order (or is
 * re-heaped); the other buckets are re-filed in order, which needs no
 * more chunks than they held. */
static void compact(struct ers_sim *sim)
{
	size_t k = sim->now_head;

	for (size_t i = sim->now_head; i < sim->now_n; i++) {
		struct qent e = sim->now_q[i];

		if (dead(sim, e)) {
			rec_free(sim, qslot(e));
			sim->n--;
		} else {
			sim->now_q[k++] = e;
		}
	}
	sim->now_n = k;
	if (sim->shuffle && k)
		now_reorder(sim, false);
	for (unsigned i = 1; i < NBUCKETS; i++) {
		struct chunk *c = bucket_detach(sim, i);

		while (c) {
			for (uint32_t k2 = 0; k2 < c->n; k2++) {
				if (!dead(sim, c->e[k2]))
					bucket_append(sim, i, c->e[k2]);
				else {
					rec_free(sim, qslot(c->e[k2]));
					sim->n--;
				}
			}
			c = chunk_release(sim, c);
		}
	}
	sim->n_dead = 0;
}

/* Make t's queue entry dead: from now on the engine never touches t. */
static void detach(struct ers_sim *sim, struct ers_timer *t)
{
	sim->recs[t->slot].arg = NULL;
	t->queued = ERS_TIME_NEVER;
	t->slot = NO_SLOT;
	if (++sim->n_dead > COMPACT_MIN && sim->n_dead * 2 > sim->n)
		compact(sim);
}

/* ---- lifecycle ------------------------------------------------------ */

struct ers_sim *ers_sim_new(uint64_t seed)
{
	struct ers_sim *sim = calloc(1, sizeof *sim);

	if (!sim)
		return NULL;
	sim->recs_cap = REC_MIN_CAP;
	sim->recs = big_alloc(sim->recs_cap * sizeof *sim->recs);
	if (!sim->recs || q_reserve(sim)) {
		ers_sim_free(sim);
		return NULL;
	}
	sim->free_rec = NO_SLOT;
	ers_rng_seed(&sim->rng, seed);
	return sim;
}

void ers_sim_free(struct ers_sim *sim)
{
	if (!sim)
		return;
	for (unsigned i = 1; i < NBUCKETS; i++)
		for (struct chunk *c = bucket_detach(sim, i); c;)
			c = chunk_release(sim, c);
	while (sim->free_chunks) {
		struct chunk *c = sim->free_chunks;

		sim->free_chunks = c->next;
		free(c);
	}
	free(sim->now_q);
	free(sim->recs);
	free(sim);
}

/* Bucket 0 is ordered per mode: sorted by key, or a heap on it. */
void ers_sim_set_shuffle_ties(struct ers_sim *sim, bool on)
{
	if (sim->shuffle == on)
		return;
	now_make_room(sim);
	memmove(sim->now_q, sim->now_q + sim->now_head,
		now_len(sim) * sizeof *sim->now_q);
	sim->now_n -= sim->now_head;
	sim->now_head = 0;
	sim->shuffle = on;
	if (sim->now_n)
		now_reorder(sim, false);
}

ers_time_t ers_sim_now(const struct ers_sim *sim) { return sim->now; }
struct ers_rng *ers_sim_rng(struct ers_sim *sim) { return &sim->rng; }

uint64_t ers_sim_events_processed(const struct ers_sim *sim)
{
	return sim->processed;
}

size_t ers_sim_pending(const struct ers_sim *sim)
{
	return sim->n_oneshot + sim->n_armed;
}

size_t ers_sim_queue_entries(const struct ers_sim *sim)
{
	return sim->n;
}

void ers_sim_debug_set_seq(struct ers_sim *sim, uint32_t next)
{
	sim->seq = next;
}

/* ---- posting and timers --------------------------------------------- */

int ers_sim_post(struct ers_sim *sim, ers_time_t at, ers_event_fn *fn,
		 void *arg, uint64_t data)
{
	uint32_t slot, seq;

	if (at < sim->now || !fn)
		return ERS_EINVAL;
	if (at > ERS_SIM_TIME_MAX)
		return ERS_ELIMIT;
	if (q_reserve(sim) || next_seq(sim, &seq) || rec_alloc(sim, &slot))
		return ERS_ENOMEM;
	sim->recs[slot] = (struct rec){ fn, arg, data };
	q_insert(sim, (struct qent){ at, (uint64_t)seq << 32 | slot });
	sim->n_oneshot++;
	return ERS_OK;
}

void ers_timer_init(struct ers_timer *t, ers_event_fn *fn, void *arg,
		    uint64_t data)
{
	memset(t, 0, sizeof *t);
	t->fn = fn;
	t->arg = arg;
	t->data = data;
	t->at = ERS_TIME_NEVER;
	t->slot = NO_SLOT;
	t->queued = ERS_TIME_NEVER;
}

/* Re-arming later than the queued entry reuses it (see the file head);
 * with shuffled keys only a strictly later time may, since the new random
 * key could sort before the old one. */
int ers_timer_set(struct ers_sim *sim, struct ers_timer *t, ers_time_t at)
{
	uint32_t slot, seq;

	if (at < sim->now)
		return ERS_EINVAL;
	if (at > ERS_SIM_TIME_MAX)
		return ERS_ELIMIT;
	if (next_seq(sim, &seq))
		return ERS_ENOMEM;
	t->gen++;
	if (t->queued != ERS_TIME_NEVER &&
	    (t->queued < at || (t->queued == at && !sim->shuffle)))
		goto armed;
	if (t->queued != ERS_TIME_NEVER)
		detach(sim, t);
	if (q_reserve(sim) || rec_alloc(sim, &slot))
		goto nomem;
	sim->recs[slot] = (struct rec){ NULL, t, 0 };
	q_insert(sim, (struct qent){ at, (uint64_t)seq << 32 | slot });
	t->slot = slot;
	t->queued = at;
armed:
	if (!t->armed)
		sim->n_armed++;
	t->armed = true;
	t->at = at;
	t->seq = seq;
	return ERS_OK;
nomem:
	if (t->armed)
		sim->n_armed--;
	t->armed = false;
	return ERS_ENOMEM;
}

void ers_timer_cancel(struct ers_sim *sim, struct ers_timer *t)
{
	t->gen++;
	if (!t->armed)
		return;
	t->armed = false;
	sim->n_armed--;
	if (t->queued != ERS_TIME_NEVER)
		detach(sim, t);
}

/* ---- running -------------------------------------------------------- */

/* Handle one taken entry: run it, drop it if dead, or re-file a timer
 * that was moved later (the entry just taken left room for it). The
 * record is released before the handler runs, so the handler may re-arm
 * its timer or free its owner. Returns whether a handler ran. */
static HOT_INLINE bool fire(struct ers_sim *sim, struct qent e)
{
	uint32_t slot = qslot(e);
	struct rec *r = &sim->recs[slot];
	struct ers_timer *t;

	if (r->fn) {
		ers_event_fn *fn = r->fn;
		void *arg = r->arg;
		uint64_t data = r->data;

		rec_free(sim, slot);
		sim->n_oneshot--;
		sim->now = e.at;
		sim->processed++;
		fn(sim, arg, data);
		return true;
	}
	t = r->arg;
	if (!t) {
		rec_free(sim, slot);
		sim->n_dead--;
		return false;
	}
	if (t->at != e.at || t->seq != qseq(e)) {
		e.at = t->at;
		e.key = (uint64_t)t->seq << 32 | slot;
		t->queued = t->at;
		q_insert(sim, e);
		return false;
	}
	rec_free(sim, slot);
	t->slot = NO_SLOT;
	t->queued = ERS_TIME_NEVER;
	t->armed = false;
	sim->n_armed--;
	sim->now = e.at;
	sim->processed++;
	t->fn(sim, t->arg, t->data);
	return true;
}

void ers_sim_run(struct ers_sim *sim, ers_time_t until)
{
	sim->stopped = false;
	while (!sim->stopped) {
		if (!q_ready(sim, until)) {
			if (sim->n && until > sim->now && ers_sim_pending(sim))
				sim->now = until;
			break;
		}
		fire(sim, q_take(sim));
	}
}

bool ers_sim_step(struct ers_sim *sim)
{
	while (q_ready(sim, INT64_MAX))
		if (fire(sim, q_take(sim)))
			return true;
	return false;
}

void ers_sim_stop(struct ers_sim *sim)
{
	sim->stopped = true;
}

/* When each queued entry is really due: a one-shot at its time, a live
 * timer at its own (maybe moved) time, a dead entry never. */
static void min_due(struct ers_sim *sim, struct qent *e, void *ctx)
{
	const struct rec *r = &sim->recs[qslot(*e)];
	const struct ers_timer *t = r->fn ? NULL : r->arg;
	ers_time_t at = r->fn ? e->at : t ? t->at : ERS_TIME_NEVER, *best = ctx;

	if (at != ERS_TIME_NEVER && (*best == ERS_TIME_NEVER || at < *best))
		*best = at;
}

/* Bucket 0's first entry answers if it is live and not moved: nothing
 * is due earlier. Otherwise scan everything (O(n), for tests and rare
 * callers). */
ers_time_t ers_sim_next_time(const struct ers_sim *sim)
{
	struct ers_sim *s = (struct ers_sim *)sim;	/* q_each is read-only here */
	ers_time_t best = ERS_TIME_NEVER;

	if (now_len(sim)) {
		struct qent e = run_front(sim);
		const struct rec *r = &sim->recs[qslot(e)];
		const struct ers_timer *t = r->fn ? NULL : r->arg;

		if (r->fn || (t && t->at == e.at))
			return e.at;
	}
	q_each(s, min_due, &best);
	return best;
}
