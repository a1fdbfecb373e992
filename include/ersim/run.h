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

#endif
