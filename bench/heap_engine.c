/*
 * heap_engine.c - the yardstick for `make bench`'s timer section: ersim's
 * engine as it was up to issue 17 (commit 451db26's sim/engine.c,
 * unchanged below this paragraph), a 4-ary heap with fused pop and push,
 * a zero-delay ring and lazy timers. bench/timer_bench.c is linked once
 * against it (build/timer_bench_heap) and once against sim/engine.c, and
 * the two are run alternately, so the ratio holds on a busy machine. Not
 * part of the simulator.
 *
 * Pending events live in an implicit 4-ary min-heap of 16-byte entries
 * {at, seq << 32 | slot}: the four children of a node share one 64-byte
 * cache line, and ordering is a pair of integer compares on (time, seq),
 * so equal times run in posting order. slot indexes a record holding what
 * to call (handler, arg, data for a one-shot; the timer for a timer).
 * Three measured refinements over a textbook heap (docs/engine.md):
 *
 *  - Fused pop and push. Running an event leaves a hole at the root; the
 *    handler's first post fills it with one sift-down instead of a
 *    sift-down plus a sift-up (the "4heapR" trick of shared/bench).
 *  - A FIFO ring for one-shots posted at the current time (zero-delay
 *    work): O(1) in and out, no heap traffic. Their seq is larger than
 *    anything already queued for now, so they still run after those.
 *  - Lazy timers. Re-arming a timer to a later time (a hold timer reset by
 *    every KEEPALIVE) only rewrites the timer; its queue entry fires at
 *    the old time, sees the timer moved, and re-queues itself at the new
 *    (time, seq) recorded by ers_timer_set(). Re-arming earlier or
 *    cancelling marks the entry dead (the record forgets the timer, so the
 *    owner may free it); dead entries are dropped when they surface and
 *    compacted away in O(n) once they are half the heap, so memory stays
 *    bounded however often timers move.
 *
 * seq is 32 bits; when the counter would wrap, the live keys are
 * renumbered by rank, which keeps their order (renumber()).
 * With shuffled ties the seq is a random 32-bit key from the run's RNG.
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

#define NO_SLOT UINT32_MAX
#define COMPACT_MIN 1024	/* dead entries tolerated before compacting */
#define HEAP_MIN_CAP 64

struct ers_sim {
	struct qent *heap;		/* root heap[0]; children of i: 4i+1..4i+4 */
	struct qent *heap_mem;		/* 64-aligned; heap = heap_mem + 3 */
	size_t n, cap;			/* heap entries, the hole included */
	bool hole;			/* heap[0] was run and not yet refilled */
	struct qent *ring;		/* one-shots posted at now, FIFO */
	size_t ring_head, ring_n, ring_cap;	/* ring_cap: power of 2 */
	struct rec *recs;
	uint32_t n_recs, recs_cap, free_rec;
	size_t n_dead;			/* dead timer entries in the heap */
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

/* ---- 4-ary heap ---------------------------------------------------- */

/* Index of the smaller of h[a], h[b]. Near the root the lines are cached
 * and a branch-free select wins; deep down they miss, and a branch lets
 * the CPU run ahead along the predicted path (shared/bench measured ~20%
 * at 1e6 entries). */
#define BRANCHLESS_LIMIT 32768u	/* 32768 x 16 B: about one L2 */

static HOT_INLINE size_t min2(const struct qent *h, size_t a, size_t b)
{
	size_t lt = (size_t)0 - (size_t)qless(h[b], h[a]);

	return a ^ ((a ^ b) & lt);
}

static HOT_INLINE size_t min2_br(const struct qent *h, size_t a, size_t b)
{
	if (h[b].at < h[a].at || (h[b].at == h[a].at && h[b].key < h[a].key))
		return b;
	return a;
}

/* Smallest child of i, or SIZE_MAX for a leaf. */
static HOT_INLINE size_t min_child(const struct qent *h, size_t n, size_t i)
{
	size_t c = 4 * i + 1, m;

	if (c + 3 < n) {
		if (c < BRANCHLESS_LIMIT) {
			size_t a = c + (size_t)qless(h[c + 1], h[c]);
			size_t b = c + 2 + (size_t)qless(h[c + 3], h[c + 2]);

			return min2(h, a, b);
		}
		return min2_br(h, min2_br(h, c, c + 1),
			       min2_br(h, c + 2, c + 3));
	}
	if (c >= n)
		return SIZE_MAX;
	m = c;
	for (size_t k = c + 1; k < n; k++)
		m = min2(h, m, k);
	return m;
}

static void sift_up(struct qent *h, size_t i, struct qent x)
{
	while (i > 0) {
		size_t p = (i - 1) >> 2;

		if (!qless(x, h[p]))
			break;
		h[i] = h[p];
		i = p;
	}
	h[i] = x;
}

/* Place x in the hole at i going down; for a new x that may stop early. */
static void sift_down(struct qent *h, size_t n, size_t i, struct qent x)
{
	for (;;) {
		size_t m = min_child(h, n, i);

		if (m == SIZE_MAX || !qless(h[m], x))
			break;
		h[i] = h[m];
		i = m;
	}
	h[i] = x;
}

/* Floyd's bottom-up variant for x taken from the last leaf: it almost
 * always belongs near the bottom, so walk the hole down the min-child path
 * without comparing against x, then sift x up the short way back. */
static void sift_floyd(struct qent *h, size_t n, struct qent x)
{
	size_t i = 0;

	for (;;) {
		size_t m = min_child(h, n, i);

		if (m == SIZE_MAX)
			break;
		h[i] = h[m];
		i = m;
	}
	sift_up(h, i, x);
}

static void heapify(struct qent *h, size_t n)
{
	for (size_t i = n / 4 + 1; i-- > 0;)
		if (i < n)
			sift_down(h, n, i, h[i]);
}

/* Arrays of 2 MiB and more are 2 MiB-aligned and offered to the kernel as
 * transparent huge pages: at a million events the heap and the records
 * are random-access over tens of MiB, and with 4 KiB pages nearly every
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

/* Arrays grow by half: at hundreds of thousands of pending events,
 * doubling leaves megabytes unused for little speed. */
static int heap_grow(struct ers_sim *sim)
{
	size_t cap = sim->cap + sim->cap / 2;
	struct qent *mem;

	if (cap > SIZE_MAX / sizeof *mem - 4)
		return ERS_ENOMEM;
	mem = big_alloc((cap + 4) * sizeof *mem);
	if (!mem)
		return ERS_ENOMEM;
	memcpy(mem + 3, sim->heap, sim->n * sizeof *mem);
	free(sim->heap_mem);
	sim->heap_mem = mem;
	sim->heap = mem + 3;
	sim->cap = cap;
	return ERS_OK;
}

/* The record of the next event to run is a likely cache miss at large
 * sizes. Before sifting into the root, the next root is almost surely its
 * smallest child: start loading that record now, so the miss overlaps
 * the sift instead of following it. Always inlined: as a function of its
 * own GCC deems it pure (a prefetch has no effect it models) and drops
 * the call. */
static HOT_INLINE void prefetch_next(const struct ers_sim *sim, size_t n)
{
	size_t m = min_child(sim->heap, n, 0);

	if (m != SIZE_MAX)
		PREFETCH(&sim->recs[qslot(sim->heap[m])]);
}

/* Remove the root that was run, if the handler did not refill it. */
static inline void fix_hole(struct ers_sim *sim)
{
	if (!sim->hole)
		return;
	sim->hole = false;
	if (--sim->n) {
		prefetch_next(sim, sim->n);
		sift_floyd(sim->heap, sim->n, sim->heap[sim->n]);
	}
}

static inline int heap_push(struct ers_sim *sim, struct qent e)
{
	if (sim->hole) {
		sim->hole = false;
		prefetch_next(sim, sim->n);
		sift_down(sim->heap, sim->n, 0, e);
		return ERS_OK;
	}
	if (sim->n == sim->cap && heap_grow(sim))
		return ERS_ENOMEM;
	sift_up(sim->heap, sim->n++, e);
	return ERS_OK;
}

/* ---- records, ring, keys ------------------------------------------- */

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

static int ring_push(struct ers_sim *sim, struct qent e)
{
	if (sim->ring_n == sim->ring_cap) {
		size_t cap = sim->ring_cap ? sim->ring_cap * 2 : 64;
		struct qent *r = malloc(cap * sizeof *r);

		if (!r)
			return ERS_ENOMEM;
		for (size_t i = 0; i < sim->ring_n; i++)
			r[i] = sim->ring[(sim->ring_head + i) &
					 (sim->ring_cap - 1)];
		free(sim->ring);
		sim->ring = r;
		sim->ring_cap = cap;
		sim->ring_head = 0;
	}
	sim->ring[(sim->ring_head + sim->ring_n) & (sim->ring_cap - 1)] = e;
	sim->ring_n++;
	return ERS_OK;
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

static inline uint64_t rekey(const uint32_t *v, size_t n, uint64_t key)
{
	return (uint64_t)rank_of(v, n, (uint32_t)(key >> 32)) << 32 |
	       (uint32_t)key;
}

/* The FIFO counter is about to wrap: replace every live seq (heap, ring
 * and moved timers) by its rank among them. The map is monotone, so every
 * comparison, and thus the heap shape, is unchanged. O(n log n), once per
 * 2^32 posts. */
static int renumber(struct ers_sim *sim)
{
	size_t m = 0, cnt = 0;
	uint32_t *v;

	fix_hole(sim);
	v = malloc((2 * sim->n + sim->ring_n + 1) * sizeof *v);
	if (!v)
		return ERS_ENOMEM;
	for (size_t i = 0; i < sim->n; i++) {
		struct ers_timer *t = live_timer(sim, sim->heap[i]);

		v[m++] = qseq(sim->heap[i]);
		if (t)
			v[m++] = t->seq;
	}
	for (size_t i = 0; i < sim->ring_n; i++)
		v[m++] = qseq(sim->ring[(sim->ring_head + i) &
					(sim->ring_cap - 1)]);
	qsort(v, m, sizeof *v, cmp_u32);
	for (size_t i = 0; i < m; i++)
		if (!cnt || v[cnt - 1] != v[i])
			v[cnt++] = v[i];
	for (size_t i = 0; i < sim->n; i++) {
		struct ers_timer *t = live_timer(sim, sim->heap[i]);

		sim->heap[i].key = rekey(v, cnt, sim->heap[i].key);
		if (t)
			t->seq = rank_of(v, cnt, t->seq);
	}
	for (size_t i = 0; i < sim->ring_n; i++) {
		struct qent *e = &sim->ring[(sim->ring_head + i) &
					    (sim->ring_cap - 1)];

		e->key = rekey(v, cnt, e->key);
	}
	sim->seq = (uint32_t)cnt;
	free(v);
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

/* Drop dead timer entries and rebuild the heap: O(n). */
static void compact(struct ers_sim *sim)
{
	size_t k = 0;

	fix_hole(sim);
	for (size_t i = 0; i < sim->n; i++) {
		uint32_t slot = qslot(sim->heap[i]);
		const struct rec *r = &sim->recs[slot];

		if (!r->fn && !r->arg) {
			rec_free(sim, slot);
			continue;
		}
		sim->heap[k++] = sim->heap[i];
	}
	sim->n = k;
	sim->n_dead = 0;
	heapify(sim->heap, k);
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
	sim->cap = HEAP_MIN_CAP;
	sim->heap_mem = big_alloc((sim->cap + 4) * sizeof(struct qent));
	sim->recs_cap = HEAP_MIN_CAP;
	sim->recs = big_alloc(sim->recs_cap * sizeof *sim->recs);
	if (!sim->heap_mem || !sim->recs) {
		ers_sim_free(sim);
		return NULL;
	}
	sim->heap = sim->heap_mem + 3;
	sim->free_rec = NO_SLOT;
	ers_rng_seed(&sim->rng, seed);
	return sim;
}

void ers_sim_free(struct ers_sim *sim)
{
	if (!sim)
		return;
	free(sim->heap_mem);
	free(sim->ring);
	free(sim->recs);
	free(sim);
}

void ers_sim_set_shuffle_ties(struct ers_sim *sim, bool on)
{
	sim->shuffle = on;
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
	return sim->n - sim->hole + sim->ring_n;
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
	struct qent e;
	int rc;

	if (at < sim->now || !fn)
		return ERS_EINVAL;
	if (at > ERS_SIM_TIME_MAX)
		return ERS_ELIMIT;
	if (next_seq(sim, &seq) || rec_alloc(sim, &slot))
		return ERS_ENOMEM;
	sim->recs[slot] = (struct rec){ fn, arg, data };
	e.at = at;
	e.key = (uint64_t)seq << 32 | slot;
	if (at == sim->now && !sim->shuffle)
		rc = ring_push(sim, e);
	else
		rc = heap_push(sim, e);
	if (rc) {
		rec_free(sim, slot);
		return rc;
	}
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
	struct qent e;

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
	e.at = at;
	if (rec_alloc(sim, &slot))
		goto nomem;
	e.key = (uint64_t)seq << 32 | slot;
	if (heap_push(sim, e)) {
		rec_free(sim, slot);
		goto nomem;
	}
	sim->recs[slot] = (struct rec){ NULL, t, 0 };
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

/* The earliest entry, or NULL; a hole left by the last event is closed
 * first. Ring and heap entries never compare equal (distinct slots). */
static inline const struct qent *peek(struct ers_sim *sim)
{
	fix_hole(sim);
	if (sim->ring_n && (!sim->n ||
			    qless(sim->ring[sim->ring_head], sim->heap[0])))
		return &sim->ring[sim->ring_head];
	return sim->n ? &sim->heap[0] : NULL;
}

static inline void take(struct ers_sim *sim, const struct qent *e)
{
	if (sim->n && e == &sim->heap[0]) {
		sim->hole = true;
		return;
	}
	sim->ring_head = (sim->ring_head + 1) & (sim->ring_cap - 1);
	sim->ring_n--;
}

/* Handle one taken entry: run it, drop it if dead, or re-queue a timer
 * that was moved later. The record is released before the handler runs,
 * so the handler may re-arm its timer or free its owner. Returns whether
 * a handler ran. */
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
		/* moved later: fills the hole, so it cannot fail */
		e.at = t->at;
		e.key = (uint64_t)t->seq << 32 | slot;
		t->queued = t->at;
		heap_push(sim, e);
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
		const struct qent *e = peek(sim);
		struct qent x;

		if (!e)
			break;
		if (e->at > until) {
			if (until > sim->now && ers_sim_pending(sim))
				sim->now = until;
			break;
		}
		x = *e;
		take(sim, e);
		fire(sim, x);
	}
	fix_hole(sim);
}

bool ers_sim_step(struct ers_sim *sim)
{
	for (;;) {
		const struct qent *e = peek(sim);
		struct qent x;

		if (!e)
			return false;
		x = *e;
		take(sim, e);
		if (fire(sim, x))
			return true;
	}
}

void ers_sim_stop(struct ers_sim *sim)
{
	sim->stopped = true;
}

/* Ring entries are live one-shots at now, the earliest possible time.
 * Otherwise the root answers unless it is the hole, dead or a moved
 * timer; then scan (O(n), only right after ers_sim_step()). */
ers_time_t ers_sim_next_time(const struct ers_sim *sim)
{
	ers_time_t best = ERS_TIME_NEVER;

	if (sim->ring_n)
		return sim->now;
	if (sim->n && !sim->hole) {
		const struct rec *r = &sim->recs[qslot(sim->heap[0])];
		const struct ers_timer *t = r->fn ? NULL : r->arg;

		if (r->fn || (t && t->at == sim->heap[0].at))
			return sim->heap[0].at;
	}
	for (size_t i = sim->hole; i < sim->n; i++) {
		const struct rec *r = &sim->recs[qslot(sim->heap[i])];
		const struct ers_timer *t = r->fn ? NULL : r->arg;
		ers_time_t at = r->fn ? sim->heap[i].at : t ? t->at : -1;

		if (at >= 0 && (best < 0 || at < best))
			best = at;
	}
	return best;
}
