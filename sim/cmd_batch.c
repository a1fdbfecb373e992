/*
 * cmd_batch.c - `ersim batch EXPERIMENT.xml`: load the experiment
 * (batch_exp.c), open its database (batch_db.c), run what is missing
 * with forked workers (batch_pool.c) or MPI ranks (batch_mpi.c, make
 * MPI=1), then print the summary (batch_summary.c) and write the CSV.
 *
 * This file reads the wall clock for the progress bar's rate and ETA,
 * never for anything stored (batch_pool.c reads it for --run-timeout).
 * SIGINT, SIGTERM and SIGHUP stop the batch at once, whatever it is
 * doing (the pool kills its workers, a database write in progress is
 * rolled back); every run already committed stays, and the same command
 * continues from there.
 */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "ersim/batch.h"
#include "ersim/cli_util.h"
#include "ersim/cmd.h"
#include "ersim/units.h"
#include "ersim/util.h"

#define CMD "batch"
#define DEFAULT_RUN_TIMEOUT (3600 * ERS_S)	/* generous: a run is seconds to minutes */

struct batch_args {
	const char *experiment;
	const char *db;
	const char *csv;
	const char *report;		/* --report FILE.html */
	size_t report_worst;		/* --report-runs worst:N; 0 = none */
	unsigned jobs;
	unsigned shard, n_shards;	/* 0-based shard */
	ers_time_t run_timeout;		/* 0: none */
	bool retry_failed;
	bool quiet;
};

struct progress {
	bool tty, quiet;
	double start, last;
	size_t last_done;
};

static volatile int stop_flag;
/* Set once every run is stored: what is left (the summary, the CSV and
 * the report) is only read from the database, so a stop then ends the
 * process from the handler, at once, whatever the writing was waiting
 * for (a slow disk or terminal, a long page): the temporaries go, the
 * files keep what they held, the message below says how to continue. */
static volatile sig_atomic_t finishing;
static char finish_msg[4400];
static size_t finish_msg_len;

static void on_signal(int sig)
{
	(void)sig;
	stop_flag = 1;
	if (finishing) {
		ers_tmp_remove_live();
		(void)!write(2, finish_msg, finish_msg_len);
		_exit(3);
	}
}

static double wall_seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void fmt_eta(double s, char *buf, size_t n)
{
	long t = (long)(s + 0.5);

	if (t >= 3600)
		snprintf(buf, n, "%ld:%02ld:%02ld", t / 3600, t / 60 % 60, t % 60);
	else
		snprintf(buf, n, "%ld:%02ld", t / 60, t % 60);
}

/* A bar redrawn at most 10 times a second on a terminal; elsewhere (logs,
 * Slurm output files) one line every 10 s and one at the end. */
static void show_progress(const struct ers_batch_progress *p, void *ctx)
{
	struct progress *pr = ctx;
	double now = wall_seconds(), rate, pctg;
	char eta[32] = "-", bar[31];
	bool end = p->done == p->total;
	size_t fill;

	if (pr->quiet || (now - pr->last < (pr->tty ? 0.1 : 10.0) && !end) ||
	    (end && pr->last_done == p->done && pr->last > 0))
		return;
	pr->last = now;
	pr->last_done = p->done;
	rate = now > pr->start ? (double)p->done / (now - pr->start) : 0;
	pctg = p->total ? 100.0 * (double)p->done / (double)p->total : 100.0;
	if (rate > 0)
		fmt_eta((double)(p->total - p->done) / rate, eta, sizeof eta);
	if (!pr->tty) {
		fprintf(stderr, "batch: %zu/%zu runs (%.0f%%), %zu failed, %.1f runs/s, ETA %s\n",
			p->done, p->total, pctg, p->failed, rate, eta);
		return;
	}
	fill = p->total ? p->done * 30 / p->total : 30;
	memset(bar, '#', fill);
	memset(bar + fill, '.', 30 - fill);
	bar[30] = '\0';
	fprintf(stderr, "\r[%s] %zu/%zu %3.0f%% %zu failed %.1f runs/s ETA %s  ", bar, p->done,
		p->total, pctg, p->failed, rate, eta);
	if (end)
		fputc('\n', stderr);
}

static int parse_shard(struct batch_args *a, const char *v)
{
	unsigned k, n;
	char extra;

	if (sscanf(v, "%u/%u%c", &k, &n, &extra) != 2 || n < 1 || k < 1 || k > n)
		return ers_usage_error(CMD, "bad --shard '%s': expected K/N with 1 <= K <= N", v);
	a->shard = k - 1;
	a->n_shards = n;
	return 0;
}

/* --report-runs worst:N: the N worst runs of each combination get their
 * own run report, linked from the batch page. */
static int parse_report_runs(struct batch_args *a, const char *v)
{
	const char *why = NULL;
	uint64_t n;

	if (strncmp(v, "worst:", 6) || ers_parse_uint(v + 6, 1, 1000, &n, &why) != ERS_OK)
		return ers_usage_error(CMD, "bad --report-runs '%s': expected worst:N with "
				       "1 <= N <= 1000", v);
	a->report_worst = (size_t)n;
	return 0;
}

static int parse_jobs(struct batch_args *a, const char *v)
{
	const char *why = NULL;
	uint64_t n;

	if (ers_parse_uint(v, 1, 1024, &n, &why) != ERS_OK)
		return ers_usage_error(CMD, "bad -j '%s': %s (1 to 1024)", v, why);
	a->jobs = (unsigned)n;
	return 0;
}

/* --run-timeout T: a run longer than T is killed and recorded as failed;
 * 0 means no limit. */
static int parse_run_timeout(struct batch_args *a, const char *v)
{
	const char *why = NULL;

	if (!strcmp(v, "0")) {
		a->run_timeout = 0;
		return 0;
	}
	if (ers_parse_time(v, &a->run_timeout, &why) != ERS_OK)
		return ers_usage_error(CMD, "bad --run-timeout '%s': %s", v, why);
	return 0;
}

enum { OPT_DB = 256, OPT_CSV, OPT_REPORT, OPT_SHARD, OPT_RETRY, OPT_REPORT_RUNS,
       OPT_RUN_TIMEOUT };

const struct option ers_batch_options[] = {
	{ "db", required_argument, NULL, OPT_DB },
	{ "csv", required_argument, NULL, OPT_CSV },
	{ "report", required_argument, NULL, OPT_REPORT },
	{ "report-runs", required_argument, NULL, OPT_REPORT_RUNS },
	{ "run-timeout", required_argument, NULL, OPT_RUN_TIMEOUT },
	{ "shard", required_argument, NULL, OPT_SHARD },
	{ "jobs", required_argument, NULL, 'j' },
	{ "retry-failed", no_argument, NULL, OPT_RETRY },
	{ "quiet", no_argument, NULL, 'q' },
	{ NULL, 0, NULL, 0 }
};

static int parse_args(int argc, char **argv, struct batch_args *a)
{
	struct ers_opts p;
	int c, rc = 0;

	ers_opts_init(&p, CMD, argc, argv, "j:q", ers_batch_options);
	while (!rc && (c = ers_opts_next(&p)) != ERS_OPT_END) {
		switch (c) {
		case ERS_OPT_OPERAND:
			if (a->experiment)
				return ers_usage_error(CMD, "more than one experiment ('%s' and '%s')",
						       a->experiment, p.arg);
			a->experiment = p.arg;
			break;
		case OPT_DB:
			a->db = p.arg;
			break;
		case OPT_CSV:
			a->csv = p.arg;
			break;
		case OPT_REPORT:
			a->report = p.arg;
			break;
		case OPT_SHARD:
			rc = parse_shard(a, p.arg);
			break;
		case OPT_REPORT_RUNS:
			rc = parse_report_runs(a, p.arg);
			break;
		case OPT_RUN_TIMEOUT:
			rc = parse_run_timeout(a, p.arg);
			break;
		case 'j':
			rc = parse_jobs(a, p.arg);
			break;
		case OPT_RETRY:
			a->retry_failed = true;
			break;
		case 'q':
			a->quiet = true;
			break;
		default:
			return 2;	/* reported by ers_opts_next */
		}
	}
	if (rc)
		return rc;
	if (!a->experiment)
		return ers_usage_error(CMD, "no experiment file given");
	if (a->report_worst && !a->report)
		return ers_usage_error(CMD, "--report-runs needs --report FILE.html");
	return 0;
}

/* DIR/EXP.xml -> EXP.db (EXP-K-of-N.db for a shard) in the current
 * directory: where the user is, not next to the experiment, which may
 * be in a checkout or a read-only place. */
static char *default_db(const struct batch_args *a)
{
	const char *base = strrchr(a->experiment, '/');
	size_t n;
	char *p;

	base = base ? base + 1 : a->experiment;
	n = strlen(base);
	p = malloc(n + 48);
	if (!p)
		return NULL;
	memcpy(p, base, n + 1);
	if (n > 4 && !strcmp(p + n - 4, ".xml"))
		p[n - 4] = '\0';
	if (a->n_shards > 1)
		sprintf(p + strlen(p), "-%u-of-%u", a->shard + 1, a->n_shards);
	strcat(p, ".db");
	return p;
}

static enum ers_err csv_writer(const void *ctx, FILE *f, struct ers_diag *d)
{
	return ers_batch_db_csv((struct ers_batch_db *)ctx, f, d);
}

struct report_ctx {
	struct ers_batch_db *db;
	struct ers_batch_report_opts opts;
};

static enum ers_err report_writer(const void *ctx, FILE *f, struct ers_diag *d)
{
	const struct report_ctx *c = ctx;

	return ers_batch_report_with(c->db, &c->opts, f, d);
}

/* --report, after (with --report-runs) the worst runs' own reports in
 * FILE-runs/, so that the page's links lead somewhere. */
static int write_report(const struct batch_args *a, const struct ers_experiment *e,
			struct ers_batch_db *db, struct ers_diag *d)
{
	struct report_ctx c = { db, { NULL, a->report_worst } };
	char *dir = NULL, *link = NULL;
	int code = 0;

	if (a->report_worst) {
		dir = ers_batch_report_runs_dir(a->report);
		link = ers_batch_report_runs_link(a->report);
		if (!dir || !link)
			code = ers_err_exit_code(ers_diag_add(d, ERS_ENOMEM, NULL, 0, NULL,
							      "out of memory"));
		else if (ers_batch_report_runs(db, e, dir, a->report_worst, d) != ERS_OK)
			code = 3;
		if (code)
			ers_diag_print(d, stderr);
		c.opts.runs_link = link;
	}
	if (!code)
		code = ers_write_atomic(CMD, a->report, report_writer, &c, d);
	free(dir);
	free(link);
	return code;
}

/* Run what is missing: MPI ranks when started under mpirun with several
 * ranks, forked workers otherwise. */
static enum ers_err execute(struct ers_experiment *e, struct ers_batch_db *db,
			    struct ers_batch_opts *o, size_t *n_run, struct ers_diag *d)
{
#ifdef ERS_MPI
	if (ers_batch_mpi_size() > 1)
		return ers_batch_mpi_run(e, db, o, n_run, d);
#endif
	/* MPI stores the results its ranks send after a stop; the pool drops them */
	ers_batch_db_set_stop(db, &stop_flag);
	return ers_batch_pool_run(e, db, o, n_run, d);
}

/* The summary's last line: where the results are, as an absolute path
 * (the default database lands in the current directory). */
static void print_where(const char *db_path)
{
	char *abs = realpath(db_path, NULL);

	printf("\nresults: %s\n", abs ? abs : db_path);
	free(abs);
}

/* After a stop: what is in the database and how to continue. */
static int interrupted(struct ers_batch_db *db, const char *db_path, size_t n_run)
{
	size_t done, failed, total;

	ers_batch_db_set_stop(db, NULL);	/* these counts are quick */
	ers_batch_db_counts(db, &done, &failed, &total);
	ers_batch_db_set_stop(db, &stop_flag);	/* closing must not wait either */
	fprintf(stderr, "ersim batch: interrupted after %zu runs; %zu of %zu are in "
		"'%s', run the same command again to continue\n", n_run, done, total,
		db_path);
	return 3;
}

static enum ers_err summary(struct ers_batch_db *db, struct ers_diag *d)
{
#ifdef ERS_TEST_HOOKS
	FILE *slow = ers_test_slow_stream(stdout);

	if (slow) {
		enum ers_err rc = ers_batch_summary(db, slow, d);

		fclose(slow);
		return rc;
	}
#endif
	return ers_batch_summary(db, stdout, d);
}

/* A stop while the summary, CSV or report is read interrupts their
 * queries (ers_batch_db_set_stop): nothing waits for them to end. */
static int finish(struct batch_args *a, const struct ers_experiment *e,
		  struct ers_batch_db *db, const char *db_path, size_t n_run, struct ers_diag *d)
{
	size_t done, failed, total;
	int code = 0;

	if (stop_flag)
		return interrupted(db, db_path, n_run);
	ers_batch_db_counts(db, &done, &failed, &total);
	fflush(NULL);
	snprintf(finish_msg, sizeof finish_msg, "ersim batch: interrupted after %zu runs; %zu of "
		 "%zu are in '%s', run the same command again to continue\n", n_run, done, total,
		 db_path);
	finish_msg_len = strlen(finish_msg);
	finishing = 1;
	if (summary(db, d) != ERS_OK) {
		if (stop_flag)
			return interrupted(db, db_path, n_run);
		ers_diag_print(d, stderr);
		code = 3;
	}
	if (!code)
		print_where(db_path);
	if (!code && a->csv)
		code = ers_write_atomic(CMD, a->csv, csv_writer, db, d);
	if (!code && a->report)
		code = write_report(a, e, db, d);
	if (stop_flag)
		return interrupted(db, db_path, n_run);
	if (failed)
		fprintf(stderr, "ersim batch: %zu run%s failed; their errors are in the runs "
			"table of '%s' (--retry-failed runs them again)\n", failed, ers_s(failed),
			db_path);
	return code;
}

static int batch(struct batch_args *a, struct ers_experiment *e, const char *db_path,
		 struct ers_diag *d)
{
	struct progress pr = { isatty(2), a->quiet, wall_seconds(), 0, 0 };
	struct ers_batch_opts o = { .jobs = a->jobs, .shard = a->shard,
				    .n_shards = a->n_shards, .progress = show_progress,
				    .progress_ctx = &pr, .stop = &stop_flag,
				    .run_timeout = a->run_timeout };
	struct ers_batch_db *db = NULL;
	size_t n_run = 0, n_forgot;
	enum ers_err rc;
	int code;

	rc = ers_batch_db_open(db_path, e, &db, d);
	if (rc == ERS_OK && a->retry_failed)
		rc = ers_batch_db_forget_failed(db, &n_forgot, d);
	if (rc != ERS_OK) {
		ers_diag_print(d, stderr);
		return ers_err_exit_code(rc);
	}
	ers_catch_stop_signals(on_signal);
	rc = execute(e, db, &o, &n_run, d);
	if (rc != ERS_OK) {
		ers_diag_print(d, stderr);
		code = 3;
	} else {
		code = finish(a, e, db, db_path, n_run, d);
		finishing = 0;
	}
	ers_batch_db_close(db);
	return code;
}

int ers_cmd_batch(int argc, char **argv)
{
	struct batch_args a = { .n_shards = 1, .run_timeout = DEFAULT_RUN_TIMEOUT };
	struct ers_experiment *e = NULL;
	struct ers_diag d;
	char *db_path = NULL;
	long cores;
	int code;

	code = parse_args(argc, argv, &a);
	if (code)
		return code;
	if (!a.jobs) {
		cores = sysconf(_SC_NPROCESSORS_ONLN);
		a.jobs = cores > 0 ? (unsigned)(cores > 1024 ? 1024 : cores) : 1;
	}
	ers_diag_init(&d);
#ifdef ERS_MPI
	ers_batch_mpi_init();
	if (ers_batch_mpi_rank() > 0) {
		code = ers_batch_mpi_worker(a.experiment);
		goto out;
	}
#endif
	if ((code = ers_input_check(a.experiment, "experiment file")))
		goto out;
	if (ers_experiment_load(a.experiment, &e, &d) != ERS_OK) {
		ers_diag_print(&d, stderr);
		code = ers_input_exit_code(d.first);
		goto out;
	}
	db_path = a.db ? strdup(a.db) : default_db(&a);
	if (!db_path) {
		fprintf(stderr, "ersim batch: out of memory\n");
		code = 3;
		goto out;
	}
	if (!a.quiet)
		fprintf(stderr, "experiment %s: %zu run%s (%zu combination%s x %zu failure set%s x "
			"%u repetition%s)%s, database '%s'\n", e->name, e->n_runs, ers_s(e->n_runs),
			e->n_combos, ers_s(e->n_combos), e->n_failsets, ers_s(e->n_failsets),
			e->repetitions, ers_s(e->repetitions), a.n_shards > 1 ? ", this shard" : "",
			db_path);
	code = batch(&a, e, db_path, &d);
out:
#ifdef ERS_MPI
	ers_batch_mpi_finalize(code);
#endif
	free(db_path);
	ers_experiment_free(e);
	ers_diag_release(&d);
	return code;
}
