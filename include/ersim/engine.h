/*
 * engine.h - the discrete-event engine: simulated clock, pending-event set,
 * cancellable timers and the run's one random number generator.
 *
 * The engine knows nothing about BGP. An event is (time, sequence, handler,
 * argument); events with equal times run in the order they were posted
 * (FIFO), unless tie shuffling is on, in which case each event gets a
 * random tie-break key drawn from the run's RNG (--shuffle-ties).
 *
 * A timer is an event embedded in its owner (a session's hold timer, a BFD
 * detection timer, an MRAI timer): arming it again moves it and cancelling
 * it is O(1) or O(log n). Nothing here reads the wall clock.
 */
#ifndef ERSIM_ENGINE_H
#define ERSIM_ENGINE_H

#include "ersim/rng.h"
#include "ersim/types.h"

struct ers_sim;

/* An event handler. arg and data are what was given when posting. */
typedef void ers_event_fn(struct ers_sim *sim, void *arg, uint64_t data);

/* A timer: embed in the owning object, ers_timer_init() it once. Its
 * fields are private to engine.c. */
struct ers_timer {
	ers_event_fn *fn;
	void *arg;
	uint64_t data;
	ers_time_t at;			/* when armed: due time */
	uint32_t gen;			/* private: bumped on every set/cancel */
	bool armed;
	uint32_t seq;			/* private: tie-break key of the last set */
	uint32_t slot;			/* private: engine record of its queue entry */
	ers_time_t queued;		/* private: time of that entry, or NEVER */
};

/* A new engine at time 0 with the RNG seeded from seed. NULL on ENOMEM. */
struct ers_sim *ers_sim_new(uint64_t seed);
void ers_sim_free(struct ers_sim *sim);		/* NULL-safe */

/* Break ties between equal-time events by a seeded random key. */
void ers_sim_set_shuffle_ties(struct ers_sim *sim, bool on);

ers_time_t ers_sim_now(const struct ers_sim *sim);
struct ers_rng *ers_sim_rng(struct ers_sim *sim);

/*
 * The latest time an event may be posted for: half the 64-bit clock
 * (about 146 years), so that a posted time plus any delay the scenario
 * format allows still fits. Posting later returns ERS_ELIMIT, posting
 * before now ERS_EINVAL; neither is "out of memory".
 */
#define ERS_SIM_TIME_MAX (INT64_MAX / 2)

/* t + d, or INT64_MAX where that would overflow (then refused by the
 * engine with ERS_ELIMIT instead of wrapping into the past). */
static inline ers_time_t ers_time_after(ers_time_t t, ers_time_t d)
{
	return d > 0 && t > INT64_MAX - d ? INT64_MAX : t + d;
}

/* Post a one-shot event at absolute time at (now..ERS_SIM_TIME_MAX).
 * Cannot be cancelled. Returns ERS_EINVAL (in the past), ERS_ELIMIT
 * (past ERS_SIM_TIME_MAX) or ERS_ENOMEM (the queue cannot grow). */
int ers_sim_post(struct ers_sim *sim, ers_time_t at, ers_event_fn *fn,
		 void *arg, uint64_t data);

void ers_timer_init(struct ers_timer *t, ers_event_fn *fn, void *arg,
		    uint64_t data);
/* Arm or re-arm t to fire at absolute time at (now..ERS_SIM_TIME_MAX);
 * errors as ers_sim_post(). */
int ers_timer_set(struct ers_sim *sim, struct ers_timer *t, ers_time_t at);
/* Disarm t. Afterwards the engine never touches t again, so its owner may
 * free it; an armed timer must be cancelled before its memory goes. */
void ers_timer_cancel(struct ers_sim *sim, struct ers_timer *t);
static inline bool ers_timer_armed(const struct ers_timer *t) { return t->armed; }

/* Run events until the queue is empty, an event would be later than
 * until, or ers_sim_stop() was called. The clock ends at the time of the
 * last event run (or until, if the queue still holds later events). */
void ers_sim_run(struct ers_sim *sim, ers_time_t until);
void ers_sim_stop(struct ers_sim *sim);
/* Run exactly one event (the earliest). False if nothing is pending. */
bool ers_sim_step(struct ers_sim *sim);

uint64_t ers_sim_events_processed(const struct ers_sim *sim);
size_t ers_sim_pending(const struct ers_sim *sim);
/* Time of the earliest pending event, or ERS_TIME_NEVER. */
ers_time_t ers_sim_next_time(const struct ers_sim *sim);
/* Queue entries held, live or stale (memory use; for tests and stats). */
size_t ers_sim_queue_entries(const struct ers_sim *sim);
/* For tests only: make the next tie-break sequence number next, to
 * exercise the renumbering done when the 32-bit counter wraps. */
void ers_sim_debug_set_seq(struct ers_sim *sim, uint32_t next);

#endif
