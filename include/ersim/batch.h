/*
 * batch.h - `ersim batch`: an experiment file (docs/batch.md) expanded
 * into run descriptions, each run executed in isolation, results stored
 * in SQLite and summarised.
 *
 * Runs are values: a run is (parameter combination, failure set,
 * repetition), numbered in expansion order; its seed derives from the
 * experiment seed and its key, so a run's result does not depend on who
 * executes it (a forked worker, an MPI rank, another shard) nor when.
 *
 *   batch_exp.c    experiment file -> struct ers_experiment, expansion
 *   batch_exec.c   one run: scenario variant + failure set -> result JSON;
 *                  a combination's converged world, runs forked from it
 *   batch_pool.c   forked workers polled by one parent, per-run timeout;
 *                  each worker forks a child per run from the converged world
 *   batch_db.c     SQLite schema, store, resume, merge, CSV
 *   batch_summary.c the summary table
 *   batch_mpi.c    the same pool over MPI ranks (make MPI=1)
 */
#ifndef ERSIM_BATCH_H
#define ERSIM_BATCH_H

#include <stdio.h>

#include "ersim/catalog.h"
#include "ersim/error.h"
#include "ersim/types.h"

#define ERS_BATCH_DEFAULT_AT (10 * ERS_S)
#define ERS_BATCH_GROUP 1		/* runs per commit: each run commits */

/* One <vary>: an attribute of the base scenario and its values. */
struct ers_vary {
	char *name;			/* label in output: name= or the xpath */
	char *xpath;
	char **values;			/* as written into the attribute */
	size_t n_values;
	long line;
};

enum ers_fail_mode {
	ERS_FAIL_NONE,			/* keep the scenario's own events */
	ERS_FAIL_EACH,			/* one run per matching target (N-1) */
	ERS_FAIL_PAIRS,			/* every unordered pair (N-2) */
	ERS_FAIL_SRLG,			/* each SRLG of the scenario */
	ERS_FAIL_RANDOM,		/* exponential failures and repairs */
};

struct ers_failures {
	enum ers_fail_mode mode;
	ers_time_t at;			/* failure time (each, pairs, srlg); start (random) */
	ers_time_t restore;		/* restore after this long; 0 = never */
	ers_time_t mtbf, mttr, horizon;	/* random */
	char **targets;			/* matching targets, scenario order */
	size_t n_targets;
	long line;
};

enum ers_measure_scope { ERS_MEASURE_FLOW, ERS_MEASURE_EVENT, ERS_MEASURE_RUN };

/* One <measure>: a field of the result document. */
struct ers_measure {
	char *metric;			/* "flow.outage_s", "event.convergence_s", "run.end_s" */
	enum ers_measure_scope scope;
	const char *column;		/* column in the flows, events or runs table */
	char *flow;			/* only this flow id; NULL: each flow */
};

/* One run description. */
struct ers_batch_run {
	size_t id;			/* index in the expansion, 0-based */
	size_t combo;			/* parameter combination */
	size_t failure;			/* failure set index */
	unsigned repetition;
	uint64_t seed;
};

struct ers_experiment {
	char *file;			/* as given */
	char *name;
	char *scenario;			/* base scenario path, resolved */
	uint64_t seed;			/* default 1 */
	unsigned repetitions;		/* default 1 */
	struct ers_vary *vary;		size_t n_vary;
	struct ers_failures fail;
	struct ers_measure *measures;	size_t n_measures;
	char *measures_text;		/* the measures, one metric per line (stored) */
	uint64_t hash;			/* experiment and scenario bytes: guards resume */
	size_t n_combos, n_failsets, n_runs;
	struct ers_catalog *builtin;	/* the embedded catalog */
	void *doc;			/* private: the base scenario's xmlDoc */
};

/* Read, validate (embedded scenarios/experiment.rng) and resolve an
 * experiment: the base scenario is opened and checked, every <vary>
 * must select something in it, failure targets are matched. On success
 * *out is new (ers_experiment_free); on failure d says why with
 * file:line and *out is NULL. */
enum ers_err ers_experiment_load(const char *path, struct ers_experiment **out,
				 struct ers_diag *d);
void ers_experiment_free(struct ers_experiment *e);	/* NULL-safe */

/* Run id -> description (id < e->n_runs), seed included. */
void ers_experiment_run(const struct ers_experiment *e, size_t id,
			struct ers_batch_run *out);
/* The value index of vary v in combination combo. */
size_t ers_experiment_value(const struct ers_experiment *e, size_t combo, size_t v);
/* New strings (free): "bfd=true interval=100ms" ("" without <vary>);
 * the failure set's name ("link:a + link:b", "srlg:x", "random",
 * "scenario"); the run's key "params|failure|rep". NULL when out of memory. */
char *ers_experiment_params(const struct ers_experiment *e, size_t combo);
char *ers_experiment_failure(const struct ers_experiment *e, size_t failure);
char *ers_experiment_key(const struct ers_experiment *e, const struct ers_batch_run *r);
/* The seed of a run: ers_rng_mix of the experiment seed and a 64-bit
 * FNV-1a hash of its key. */
uint64_t ers_batch_seed(uint64_t exp_seed, const char *key);

/* Fill m from "metric" or "metric FLOW" (as stored in the database);
 * false if the metric is unknown or memory ran out. */
bool ers_batch_measure_parse(const char *text, struct ers_measure *m);
/* The two targets of pair index k among n: (0,1), (0,2), ..., (1,2), ... */
void ers_batch_pair(size_t n, size_t k, size_t *i, size_t *j);

/* The scenario document of run r, serialised (free *xml); errors in d. */
enum ers_err ers_batch_scenario(const struct ers_experiment *e,
				const struct ers_batch_run *r, char **xml,
				size_t *len, struct ers_diag *d);
/* Execute run r: on ERS_OK *json is the result document (free); on
 * failure d holds the reason. */
enum ers_err ers_batch_exec(const struct ers_experiment *e,
			    const struct ers_batch_run *r, char **json,
			    size_t *len, struct ers_diag *d);

/* Runs that start from the converged network (docs/batch.md, "Runs
 * start from the converged network"): the seed of a combination's
 * convergence, and the options ers_run takes for run r of scenario s
 * (the variant of r) so that it simulates what the forked worker does. */
struct ers_run_opts;
struct ers_scenario;
uint64_t ers_batch_converge_seed(const struct ers_experiment *e, size_t combo);
void ers_batch_run_opts(const struct ers_experiment *e, const struct ers_batch_run *r,
			const struct ers_scenario *s, struct ers_run_opts *opts);

/* A combination's world, converged (batch_exec.c): built once per worker
 * and combination; each run forks the process and goes on from it with
 * ers_batch_base_exec, which uses the converged state up (so call it in
 * the child, or once). Where the runs cannot start from it (the variant
 * does not load, an event comes before the failures, the network has not
 * settled by then), ers_batch_base_forks is false and they run from
 * scratch with ers_batch_exec. NULL when out of memory. */
struct ers_batch_base;
struct ers_batch_base *ers_batch_base_new(const struct ers_experiment *e, size_t combo);
bool ers_batch_base_forks(const struct ers_batch_base *b);
size_t ers_batch_base_combo(const struct ers_batch_base *b);
enum ers_err ers_batch_base_exec(struct ers_batch_base *b, const struct ers_experiment *e,
				 const struct ers_batch_run *r, char **json, size_t *len,
				 struct ers_diag *d);
void ers_batch_base_free(struct ers_batch_base *b);	/* NULL-safe */

/* ---- results database (batch_db.c) ---- */

struct ers_batch_db;

/* Open or create the database at path for experiment e (NULL: merge
 * output, takes the experiment of the first input). A database of a
 * different experiment is refused (ERS_EINVAL), and so is one that
 * another process has open through this function (ERS_EIO): one writer
 * per database, held until ers_batch_db_close or the process ends. */
enum ers_err ers_batch_db_open(const char *path, const struct ers_experiment *e,
			       struct ers_batch_db **out, struct ers_diag *d);
/* Once *stop is set, give up waiting for another connection's lock and
 * interrupt every statement (a run being stored is rolled back; reads
 * fail). NULL: no stop; waits last up to 10 s. */
void ers_batch_db_set_stop(struct ers_batch_db *db, volatile int *stop);
void ers_batch_db_close(struct ers_batch_db *db);	/* NULL-safe */
/* True if run id is recorded (of any status). */
bool ers_batch_db_has(struct ers_batch_db *db, size_t id);
/* Forget runs whose status is not "ok" (--retry-failed); count in *n. */
enum ers_err ers_batch_db_forget_failed(struct ers_batch_db *db, size_t *n,
					struct ers_diag *d);
/* Store one finished run, whole or not at all: json is its result
 * document (status "ok"), or NULL and error says why (status "error").
 * Commits every ERS_BATCH_GROUP runs; ers_batch_db_flush commits the
 * rest (the pool calls it when results pause and at the end). */
enum ers_err ers_batch_db_store(struct ers_batch_db *db, const struct ers_experiment *e,
				const struct ers_batch_run *r, const char *json,
				size_t len, const char *error, struct ers_diag *d);
enum ers_err ers_batch_db_flush(struct ers_batch_db *db, struct ers_diag *d);
/* Merge the runs of the database at path into db. *n_new: runs added. */
enum ers_err ers_batch_db_merge(struct ers_batch_db *db, const char *path,
				size_t *n_new, struct ers_diag *d);
/* Check that path holds an ersim batch database, without changing it:
 * ERS_OK and its experiment's hash in *hash (free), or ERS_EINVAL with
 * the reason in d. */
enum ers_err ers_batch_db_identify(const char *path, char **hash, struct ers_diag *d);
/* The operating system's errno of the last failed SQLite call (0: none). */
int ers_batch_db_os_errno(struct ers_batch_db *db);
/* Runs recorded, runs that failed, runs the experiment has. */
void ers_batch_db_counts(struct ers_batch_db *db, size_t *n_done, size_t *n_failed,
			 size_t *n_total);
/* Flat CSV: one row per run and flow. */
enum ers_err ers_batch_db_csv(struct ers_batch_db *db, FILE *out, struct ers_diag *d);
/* The summary table per parameter combination (batch_summary.c). */
enum ers_err ers_batch_summary(struct ers_batch_db *db, FILE *out, struct ers_diag *d);
/* The HTML report (batch_report.c): per combination the summary, CDFs
 * of outage and convergence, the failure sets ranked by impact (traffic
 * lost, then the worst flow outage) and, for pair failures, a matrix
 * coloured by the outage each pair caused while it was down. With
 * runs_link (a relative URL prefix such as "out-runs/") the n_worst top
 * rows of each combination link to runs_link + "run-ID.html", which
 * ers_batch_report_runs writes. */
struct ers_batch_report_opts {
	const char *runs_link;		/* NULL: no links */
	size_t n_worst;
};
enum ers_err ers_batch_report(struct ers_batch_db *db, FILE *out, struct ers_diag *d);
enum ers_err ers_batch_report_with(struct ers_batch_db *db,
				   const struct ers_batch_report_opts *o, FILE *out,
				   struct ers_diag *d);
/* Write the run report (ers_html_write_run) of the n_worst runs of each
 * combination, as ranked on the batch page, to DIR/run-ID.html (DIR is
 * created): each run is simulated again from its scenario variant and
 * seed, so it reproduces the stored run exactly. Each file appears whole
 * or not at all. */
enum ers_err ers_batch_report_runs(struct ers_batch_db *db, const struct ers_experiment *e,
				   const char *dir, size_t n_worst, struct ers_diag *d);
/* The directory of the run reports of batch page path ("out.html" ->
 * "out-runs"), and the link prefix from the page to it ("out-runs/").
 * New strings (free); NULL when out of memory. */
char *ers_batch_report_runs_dir(const char *page_path);
char *ers_batch_report_runs_link(const char *page_path);
/* The sqlite3 handle, for batch_summary.c and tests. */
struct sqlite3 *ers_batch_db_handle(struct ers_batch_db *db);

/* ---- execution (batch_pool.c, batch_mpi.c) ---- */

struct ers_batch_progress {
	size_t done, failed, total;	/* this session's runs */
};
typedef void ers_batch_progress_fn(const struct ers_batch_progress *p, void *ctx);

struct ers_batch_opts {
	unsigned jobs;			/* worker processes, >= 1 */
	unsigned shard, n_shards;	/* run ids with id % n_shards == shard */
	ers_batch_progress_fn *progress;	/* called after each run and on ticks */
	void *progress_ctx;
	volatile int *stop;		/* set by a signal handler: stop at once */
	ers_time_t run_timeout;		/* kill a run still going after this; 0: never
					 * (forked workers only, not MPI ranks) */
};

/* Execute every run of the shard not yet in db, with opts->jobs forked
 * workers; store each as it finishes. A run that fails, crashes its
 * worker, times out or gets a malformed answer is stored with its
 * error. When *opts->stop is set the workers are killed and it returns
 * ERS_OK at once, runs in flight not stored. Returns ERS_OK, or the
 * error that stopped it (database writes, fork). *n_run: runs stored now. */
enum ers_err ers_batch_pool_run(const struct ers_experiment *e, struct ers_batch_db *db,
				const struct ers_batch_opts *opts, size_t *n_run,
				struct ers_diag *d);

/* ---- MPI (batch_mpi.c; only in builds with make MPI=1) ---- */

/* MPI_Init once (a no-op when already initialised). */
void ers_batch_mpi_init(void);
int ers_batch_mpi_rank(void);
int ers_batch_mpi_size(void);
/* A rank > 0: load the experiment, execute the runs rank 0 hands out,
 * send back each result; returns the exit code. */
int ers_batch_mpi_worker(const char *experiment);
/* Rank 0: hand out every run of the shard not yet in db, one at a time
 * to whichever rank asks, store each result as it comes back. */
enum ers_err ers_batch_mpi_run(const struct ers_experiment *e, struct ers_batch_db *db,
			       const struct ers_batch_opts *opts, size_t *n_run,
			       struct ers_diag *d);
/* MPI_Finalize, or MPI_Abort when code is not 0 on rank 0 and workers may wait. */
void ers_batch_mpi_finalize(int code);

#endif
