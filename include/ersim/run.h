/*
 * run.h - one simulation run: (scenario, catalog, options) -> result.
 * A run shares nothing with other runs; compare and batch build on this.
 */
#ifndef ERSIM_RUN_H
#define ERSIM_RUN_H

#include <stdio.h>

#include "ersim/catalog.h"
#include "ersim/error.h"
#include "ersim/result.h"
#include "ersim/scenario.h"

struct ers_run_opts {
	bool has_seed;
	uint64_t seed;			/* overrides the scenario's seed */
	bool has_until;
	ers_time_t until;		/* stop at this time */
	bool ribs;			/* fill result->ribs */
	bool shuffle_ties;		/* seeded random order of equal-time events */
	bool has_gw_convergence;
	ers_time_t gw_convergence;	/* every gateway converges in exactly this */
	FILE *trace;			/* JSON Lines of every simulation event, or NULL */
	FILE *debug;			/* decision-process explanations, or NULL */
	/* Batches (docs/batch.md): simulate up to fork_at (exclusive) with
	 * converge_seed and none of the scenario's events; then, if the
	 * network has settled, reseed with the run's seed and go on with the
	 * events. Otherwise, or when an event is before fork_at, the run is
	 * simulated as without these. 0: no fork. */
	ers_time_t fork_at;
	uint64_t converge_seed;
	bool no_reach;			/* leave the reachability matrix out */
	/* Stop at the end of the first simulated second in which this many
	 * events have run; 0: no bound. The fuzz targets' bound on a run
	 * that oscillates (docs/fuzzing.md); the CLI does not set it. */
	uint64_t max_events;
};

/* Simulate s. On success *out is a new result (ers_result_free). Errors
 * (ERS_ENOMEM, ERS_EINTERNAL) go to d. */
enum ers_err ers_run(const struct ers_scenario *s, const struct ers_catalog *cat,
		     const struct ers_run_opts *opts, struct ers_result **out,
		     struct ers_diag *d);

/* The same in two phases, so that one converged world serves many runs
 * (batch_pool.c forks the process after ers_run_converge). */
struct ers_run_state;

/* Would ers_run take the two-phase path (before knowing if it settles)? */
bool ers_run_can_fork(const struct ers_scenario *s, const struct ers_run_opts *opts);
/* Build s's world and simulate it up to opts->fork_at (exclusive) with
 * opts->converge_seed; s's events are not scheduled. opts must outlive
 * *out. */
enum ers_err ers_run_converge(const struct ers_scenario *s, const struct ers_catalog *cat,
			      const struct ers_run_opts *opts, struct ers_run_state **out,
			      struct ers_diag *d);
/* Has the network settled: every usable session up, nothing to send or
 * on its way but keepalives, no router busy, no timer about to change a
 * route? Only then does a run go on from here. */
bool ers_run_settled(const struct ers_run_state *st);
/* Go on from st with s's events: s is the scenario st converged (or one
 * equal to it but for its events and duration), kept alive by the caller
 * until st is freed. The RNG is reseeded with seed. Once. */
enum ers_err ers_run_continue(struct ers_run_state *st, const struct ers_scenario *s,
			      uint64_t seed, struct ers_result **out, struct ers_diag *d);
void ers_run_state_free(struct ers_run_state *st);	/* NULL-safe */

#endif
