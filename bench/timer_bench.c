/*
 * timer_bench.c - the engine's timer path under a BGP-like load, for
 * `make bench` (section "timers"). The hold model (shared/bench/hold.c)
 * only posts one-shots; a BGP speaker mostly moves timers, and this is
 * the path the engine's lazy timers were built for.
 *
 * S sessions, each with a hold timer, a keepalive timer and an MRAI timer
 * (RFC 4271's 90, 30 and 30 s scaled down tenfold, so that every timer
 * fires within a run of a few million events; MRAI jitter 0.75-1), and
 * S / 100 UPDATEs in flight, each a one-shot with a link delay of 1, 2,
 * 5 or 10 ms. Every arrival pushes the receiver's hold timer on (later:
 * the lazy path). An UPDATE is forwarded to a random session at once if
 * the receiver's MRAI timer runs, else it arms that timer and goes out
 * when it expires. A keepalive expiry sends a KEEPALIVE (consumed on
 * arrival) and re-arms itself. One arrival in 500 resets its session:
 * all three timers cancelled, hold and keepalive armed again earlier than
 * before (the dead-entry path), a held UPDATE sent at once.
 *
 * Prints one line: events run, timer operations per event, ns per event
 * (wall time of ers_sim_run in slices of 100 ms simulated, all in one
 * process), and the most queue entries seen per session (memory stays
 * bounded if moved and dead entries are reclaimed).
 *
 *   timer_bench [SESSIONS [EVENTS]]      default 100000 sessions, 4e6 events
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "ersim/engine.h"

struct session {
	struct ers_timer hold, keepalive, mrai;
};

static struct session *sess;
static size_t n_sess;
static uint64_t timer_ops;
static const ers_time_t link_delay[4] = { 1 * ERS_MS, 2 * ERS_MS, 5 * ERS_MS, 10 * ERS_MS };

static void arrive(struct ers_sim *sim, void *arg, uint64_t data);

static void send(struct ers_sim *sim, uint64_t kind)
{
	struct ers_rng *g = ers_sim_rng(sim);
	uint64_t to = ers_rng_below(g, n_sess);
	ers_time_t at = ers_sim_now(sim) + link_delay[ers_rng_below(g, 4)];

	if (ers_sim_post(sim, at, arrive, NULL, to << 1 | kind)) {
		fprintf(stderr, "timer_bench: ers_sim_post failed\n");
		exit(2);
	}
}

static void set(struct ers_sim *sim, struct ers_timer *t, ers_time_t at)
{
	timer_ops++;
	if (ers_timer_set(sim, t, at)) {
		fprintf(stderr, "timer_bench: ers_timer_set failed\n");
		exit(2);
	}
}

#define HOLD (9 * ERS_S)
#define KEEPALIVE (3 * ERS_S)
#define MRAI (3 * ERS_S)

static ers_time_t mrai_delay(struct ers_sim *sim)
{
	return MRAI * 3 / 4 + (ers_time_t)ers_rng_below(ers_sim_rng(sim), MRAI / 4);
}

static void on_hold(struct ers_sim *sim, void *arg, uint64_t data)
{
	(void)sim;
	(void)arg;
	(void)data;	/* never expires: traffic keeps every session up */
}

static void on_keepalive(struct ers_sim *sim, void *arg, uint64_t data)
{
	struct session *s = arg;

	(void)data;
	send(sim, 0);
	set(sim, &s->keepalive, ers_sim_now(sim) + KEEPALIVE);
}

static void on_mrai(struct ers_sim *sim, void *arg, uint64_t data)
{
	(void)arg;
	(void)data;
	send(sim, 1);
}

/* data: session << 1 | (1 for an UPDATE, 0 for a KEEPALIVE) */
static void arrive(struct ers_sim *sim, void *arg, uint64_t data)
{
	struct session *s = &sess[data >> 1];
	ers_time_t now = ers_sim_now(sim);

	(void)arg;
	if (ers_rng_below(ers_sim_rng(sim), 500) == 0) {
		if (ers_timer_armed(&s->mrai))
			send(sim, 1);
		ers_timer_cancel(sim, &s->hold);
		ers_timer_cancel(sim, &s->keepalive);
		ers_timer_cancel(sim, &s->mrai);
		timer_ops += 3;
		set(sim, &s->hold, now + HOLD / 3);
		set(sim, &s->keepalive, now + KEEPALIVE / 3);
	} else {
		set(sim, &s->hold, now + HOLD);
	}
	if (!(data & 1))
		return;
	if (ers_timer_armed(&s->mrai))
		send(sim, 1);
	else
		set(sim, &s->mrai, now + mrai_delay(sim));
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	size_t events = argc > 2 ? (size_t)strtod(argv[2], NULL) : 4000000;
	struct ers_sim *sim;
	size_t max_entries = 0;
	uint64_t ev0;
	double t0, t1;

	n_sess = argc > 1 ? (size_t)strtod(argv[1], NULL) : 100000;
	sess = calloc(n_sess ? n_sess : 1, sizeof *sess);
	sim = ers_sim_new(1);
	if (!sess || !sim || !n_sess) {
		fprintf(stderr, "usage: timer_bench [SESSIONS [EVENTS]] (out of memory?)\n");
		return 2;
	}
	for (size_t i = 0; i < n_sess; i++) {
		struct session *s = &sess[i];

		ers_timer_init(&s->hold, on_hold, s, 0);
		ers_timer_init(&s->keepalive, on_keepalive, s, 0);
		ers_timer_init(&s->mrai, on_mrai, s, 0);
		set(sim, &s->hold, HOLD);
		set(sim, &s->keepalive, (ers_time_t)ers_rng_below(ers_sim_rng(sim), KEEPALIVE));
		if (i % 100 == 0)
			send(sim, 1);
	}
	/* warm up: a hold time, so every timer has moved */
	ers_sim_run(sim, HOLD);
	ev0 = ers_sim_events_processed(sim);
	timer_ops = 0;
	t0 = now_s();
	while (ers_sim_events_processed(sim) - ev0 < events) {
		size_t q;

		ers_sim_run(sim, ers_sim_now(sim) + 100 * ERS_MS);
		q = ers_sim_queue_entries(sim);
		if (q > max_entries)
			max_entries = q;
	}
	t1 = now_s();
	events = ers_sim_events_processed(sim) - ev0;
	printf("timers sessions=%zu events=%zu timer_ops_per_event=%.2f ns_per_event=%.1f "
	       "max_entries_per_session=%.2f sim_s=%.1f\n",
	       n_sess, events, (double)timer_ops / (double)events,
	       (t1 - t0) * 1e9 / (double)events,
	       (double)max_entries / (double)n_sess, (double)ers_sim_now(sim) / ERS_S);
	ers_sim_free(sim);
	free(sess);
	return 0;
}
