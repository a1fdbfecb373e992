/*
 * cmd_run.c - `ersim run`: load one scenario (or the bundled default),
 * simulate it with ers_run() (run.c), print the readable report
 * (report.c) on stdout and optionally write the result document
 * (result_json.c), the event trace and the HTML report (html_report.c).
 *
 * Output files are written as FILE.tmp and renamed over FILE only when
 * everything succeeded; on any failure, and on SIGINT/SIGTERM/SIGHUP, the
 * temporary files are removed, so no half-written file is left. This is
 * also the one place that reads the wall clock (stats.wall_s): the
 * simulation itself never does, to stay deterministic.
 */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "embed.h"
#include "ersim/cli_util.h"
#include "ersim/cmd.h"
#include "ersim/html_report.h"
#include "ersim/report.h"
#include "ersim/result_json.h"
#include "ersim/run.h"
#include "ersim/units.h"

#define CMD "run"
#define DEFAULT_NAME "scenarios/default.xml"

/* A file written through FILE.tmp. */
struct out_file {
	const char *path;		/* NULL: not requested */
	char *tmp;
	FILE *f;
};

struct run_args {
	const char *scenario;		/* NULL: the bundled default */
	struct out_file json, trace, report;
	struct ers_run_opts opts;
};

/* Temporary files the signal handler removes; set while they exist. */
static char *volatile sig_tmp[3];

static void on_signal(int sig)
{
	for (size_t i = 0; i < 3; i++)
		if (sig_tmp[i])
			unlink(sig_tmp[i]);	/* async-signal-safe */
	signal(sig, SIG_DFL);
	raise(sig);
}

static int parse_value(struct run_args *a, const char *opt, const char *v)
{
	if (!v)
		return ers_usage_error(CMD, "option '%s' needs a value", opt);
	if (!strcmp(opt, "--json")) {
		a->json.path = v;
	} else if (!strcmp(opt, "--trace")) {
		a->trace.path = v;
	} else if (!strcmp(opt, "--report")) {
		a->report.path = v;
	} else if (!strcmp(opt, "--seed")) {
		return ers_opt_seed(CMD, v, &a->opts);
	} else {
		return ers_opt_until(CMD, v, &a->opts);
	}
	return 0;
}

/* Two options naming one file would write it twice. */
static int same_files(const struct run_args *a)
{
	const struct { const char *opt, *path; } f[] = {
		{ "--json", a->json.path }, { "--trace", a->trace.path },
		{ "--report", a->report.path },
	};

	for (size_t i = 0; i < 3; i++)
		for (size_t j = i + 1; j < 3; j++)
			if (f[i].path && f[j].path && !strcmp(f[i].path, f[j].path))
				return ers_usage_error(CMD, "%s and %s name the same file '%s'",
						       f[i].opt, f[j].opt, f[i].path);
	return 0;
}

static int parse_args(int argc, char **argv, struct run_args *a)
{
	static const char *const valued[] = { "--json", "--trace", "--seed", "--until",
					      "--report" };
	bool only_files = false;

	for (int i = 1; i < argc; i++) {
		const char *arg = argv[i];
		size_t k;
		int rc;

		if (only_files || arg[0] != '-' || !arg[1]) {
			if (a->scenario)
				return ers_usage_error(CMD, "more than one scenario ('%s' and '%s')",
						       a->scenario, arg);
			a->scenario = arg;
			continue;
		}
		if (!strcmp(arg, "--")) {
			only_files = true;
		} else if (!strcmp(arg, "--ribs")) {
			a->opts.ribs = true;
		} else if (!strcmp(arg, "--shuffle-ties")) {
			a->opts.shuffle_ties = true;
		} else if (!strcmp(arg, "--debug")) {
			a->opts.debug = stderr;
		} else {
			for (k = 0; k < 5 && !ers_opt_is(arg, valued[k]); k++)
				;
			if (k == 5)
				return ers_usage_error(CMD, "unknown option '%s'", arg);
			rc = parse_value(a, valued[k], ers_opt_value(argc, argv, &i, valued[k]));
			if (rc)
				return rc;
		}
	}
	return same_files(a);
}

/* The bundled scenario, through the same steps as ers_scenario_open(). */
static enum ers_err open_default(struct ers_scenario **out_s,
				 struct ers_catalog **out_cat, struct ers_diag *d)
{
	struct ers_catalog *base = NULL;
	enum ers_err rc;

	*out_cat = NULL;
	rc = ers_scenario_load_mem((const char *)ers_default_scenario,
				   ers_default_scenario_len, DEFAULT_NAME, out_s, d);
	if (rc == ERS_OK)
		rc = ers_catalog_builtin_load(&base, d);
	if (rc == ERS_OK && !(*out_cat = ers_catalog_merge(base, &(*out_s)->geography)))
		rc = ers_diag_add(d, ERS_ENOMEM, DEFAULT_NAME, 0, NULL,
				  "out of memory merging the catalog");
	if (rc == ERS_OK)
		rc = ers_catalog_check(*out_cat, d);
	if (rc == ERS_OK)
		rc = ers_scenario_check(*out_s, *out_cat, d);
	ers_catalog_free(base);
	if (rc != ERS_OK) {
		ers_catalog_free(*out_cat);
		ers_scenario_free(*out_s);
		*out_cat = NULL;
		*out_s = NULL;
	}
	return rc;
}

/* Exit code for a scenario that could not be opened: the input is at
 * fault (2), including a file that does not exist, unless we ran out of
 * memory or hit a bug (3). */
static int open_exit_code(enum ers_err rc)
{
	return rc == ERS_ENOMEM || rc == ERS_EINTERNAL || rc == ERS_EIGRAPH ? 3 : 2;
}

static int out_open(struct out_file *o, int slot)
{
	size_t n;

	if (!o->path)
		return 0;
	n = strlen(o->path) + 5;
	o->tmp = malloc(n);
	if (!o->tmp) {
		fprintf(stderr, "ersim run: out of memory\n");
		return 3;
	}
	snprintf(o->tmp, n, "%s.tmp", o->path);
	o->f = fopen(o->tmp, "w");
	if (!o->f) {
		fprintf(stderr, "ersim run: cannot write '%s': %s\n", o->tmp, strerror(errno));
		return 3;
	}
	sig_tmp[slot] = o->tmp;
	return 0;
}

/* Close and rename into place; 0 or 3 with the reason on stderr. */
static int out_commit(struct out_file *o, int slot)
{
	int err = 0;

	if (!o->f)
		return 0;
	errno = 0;
	if (fflush(o->f) || ferror(o->f))
		err = errno ? errno : EIO;
	if (fclose(o->f) && !err)
		err = errno ? errno : EIO;
	o->f = NULL;
	if (!err && rename(o->tmp, o->path))
		err = errno;
	if (err) {
		fprintf(stderr, "ersim run: cannot write '%s': %s\n", o->path, strerror(err));
		return 3;
	}
	sig_tmp[slot] = NULL;
	free(o->tmp);
	o->tmp = NULL;
	return 0;
}

/* Remove what is left of a file that was not committed. */
static void out_abort(struct out_file *o, int slot)
{
	sig_tmp[slot] = NULL;
	if (o->f)
		fclose(o->f);
	o->f = NULL;
	if (o->tmp)
		unlink(o->tmp);
	free(o->tmp);
	o->tmp = NULL;
}

static double wall_seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Simulate and write the report and files; returns the exit code. */
static int simulate(struct run_args *a, const struct ers_scenario *s,
		    const struct ers_catalog *cat, struct ers_diag *d)
{
	struct ers_result *res = NULL;
	enum ers_err rc;
	double t0;
	int code;

	a->opts.trace = a->trace.f;
	t0 = wall_seconds();
	rc = ers_run(s, cat, &a->opts, &res, d);
	if (rc != ERS_OK) {
		ers_diag_print(d, stderr);
		return ers_err_exit_code(rc) == 2 ? 2 : 3;
	}
	res->stats.wall_s = wall_seconds() - t0;
	rc = ers_report_write(res, stdout, ERS_REPORT_WALL);
	if (rc != ERS_OK)
		fprintf(stderr, "ersim run: cannot write the report: %s\n", ers_err_str(rc));
	if (rc == ERS_OK && a->json.f) {
		rc = ers_result_write_json(res, a->json.f);
		if (rc != ERS_OK)
			fprintf(stderr, "ersim run: cannot write '%s': %s\n",
				a->json.path, ers_err_str(rc));
	}
	if (rc == ERS_OK && a->report.f) {
		rc = ers_html_write_run(a->report.f, res, s, cat, 0);
		if (rc != ERS_OK)
			fprintf(stderr, "ersim run: cannot write '%s': %s\n",
				a->report.path, ers_err_str(rc));
	}
	ers_result_free(res);
	if (rc != ERS_OK)
		return 3;
	code = out_commit(&a->json, 0);
	if (!code)
		code = out_commit(&a->trace, 1);
	if (!code)
		code = out_commit(&a->report, 2);
	return code;
}

int ers_cmd_run(int argc, char **argv)
{
	struct run_args a;
	struct ers_scenario *s = NULL;
	struct ers_catalog *cat = NULL;
	struct ers_diag d;
	enum ers_err rc;
	int code;

	memset(&a, 0, sizeof a);
	code = parse_args(argc, argv, &a);
	if (code)
		return code;
	ers_diag_init(&d);
	rc = a.scenario ? ers_scenario_open(a.scenario, &s, &cat, &d) :
		open_default(&s, &cat, &d);
	if (rc != ERS_OK) {
		ers_diag_print(&d, stderr);
		code = open_exit_code(rc);
		goto out;
	}
	ers_catch_stop_signals(on_signal);
	code = out_open(&a.json, 0);
	if (!code)
		code = out_open(&a.trace, 1);
	if (!code)
		code = out_open(&a.report, 2);
	if (!code)
		code = simulate(&a, s, cat, &d);
out:
	out_abort(&a.json, 0);
	out_abort(&a.trace, 1);
	out_abort(&a.report, 2);
	ers_scenario_free(s);
	ers_catalog_free(cat);
	ers_diag_release(&d);
	return code;
}
