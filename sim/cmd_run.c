/*
 * cmd_run.c - `ersim run`: load one scenario (or the bundled default),
 * simulate it with ers_run() (run.c), print the readable report
 * (report.c) on stdout and optionally write the result document
 * (result_json.c), the event trace and the HTML report (html_run.c).
 *
 * Output files go through cli_util.c's temporaries: created before the
 * simulation (an unwritable path fails at once, not after a long run),
 * renamed over their targets only when the run and every file succeeded;
 * on any failure, and on SIGINT/SIGTERM/SIGHUP, they are removed, so no
 * half-written file is left. This is also the one place that reads the
 * wall clock (stats.wall_s): the simulation itself never does, to stay
 * deterministic.
 */
#include <string.h>
#include <time.h>

#include "embed.h"
#include "ersim/cli_util.h"
#include "ersim/cmd.h"
#include "ersim/html_report.h"
#include "ersim/report.h"
#include "ersim/result_json.h"
#include "ersim/run.h"
#include "ersim/units.h"
#include "ersim/util.h"

#define CMD "run"
#define DEFAULT_NAME "scenarios/default.xml"

struct run_args {
	const char *scenario;		/* NULL: the bundled default */
	const char *json, *trace, *report;	/* NULL: not requested */
	struct ers_run_opts opts;
};

/* The output files, in the order they are opened and committed. */
enum { OUT_JSON, OUT_TRACE, OUT_REPORT, N_OUT };

enum { OPT_JSON = 256, OPT_TRACE, OPT_REPORT, OPT_RIBS, OPT_SEED, OPT_UNTIL,
       OPT_SHUFFLE, OPT_DEBUG, OPT_GW_CONV };

const struct option ers_run_options[] = {
	{ "json", required_argument, NULL, OPT_JSON },
	{ "trace", required_argument, NULL, OPT_TRACE },
	{ "report", required_argument, NULL, OPT_REPORT },
	{ "ribs", no_argument, NULL, OPT_RIBS },
	{ "seed", required_argument, NULL, OPT_SEED },
	{ "until", required_argument, NULL, OPT_UNTIL },
	{ "shuffle-ties", no_argument, NULL, OPT_SHUFFLE },
	{ "debug", no_argument, NULL, OPT_DEBUG },
	{ "gateway-convergence", required_argument, NULL, OPT_GW_CONV },
	{ NULL, 0, NULL, 0 }
};

/* Two options naming one file would write it twice. */
static int same_files(const struct run_args *a)
{
	const struct { const char *opt, *path; } f[] = {
		{ "--json", a->json }, { "--trace", a->trace }, { "--report", a->report },
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
	struct ers_opts p;
	int c, rc = 0;

	ers_opts_init(&p, CMD, argc, argv, "", ers_run_options);
	while (!rc && (c = ers_opts_next(&p)) != ERS_OPT_END) {
		switch (c) {
		case ERS_OPT_OPERAND:
			if (a->scenario)
				return ers_usage_error(CMD, "more than one scenario ('%s' and '%s')",
						       a->scenario, p.arg);
			a->scenario = p.arg;
			break;
		case OPT_JSON:
			a->json = p.arg;
			break;
		case OPT_TRACE:
			a->trace = p.arg;
			break;
		case OPT_REPORT:
			a->report = p.arg;
			break;
		case OPT_RIBS:
			a->opts.ribs = true;
			break;
		case OPT_SEED:
			rc = ers_opt_seed(CMD, p.arg, &a->opts);
			break;
		case OPT_UNTIL:
			rc = ers_opt_until(CMD, p.arg, &a->opts);
			break;
		case OPT_SHUFFLE:
			a->opts.shuffle_ties = true;
			break;
		case OPT_DEBUG:
			a->opts.debug = stderr;
			break;
		case OPT_GW_CONV: {
			const char *why = NULL;

			if (ers_parse_time(p.arg, &a->opts.gw_convergence, &why) != ERS_OK)
				return ers_usage_error(CMD, "bad --gateway-convergence '%s': %s",
						       p.arg, why);
			a->opts.has_gw_convergence = true;
			break;
		}
		default:
			return 2;	/* reported by ers_opts_next */
		}
	}
	return rc ? rc : same_files(a);
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

static double wall_seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static enum ers_err json_writer(const void *ctx, FILE *f, struct ers_diag *d)
{
	return ers_result_write_json(ctx, f);
}

struct html_ctx {
	const struct ers_result *res;
	const struct ers_scenario *s;
	const struct ers_catalog *cat;
};

static enum ers_err html_writer(const void *ctx, FILE *f, struct ers_diag *d)
{
	const struct html_ctx *h = ctx;

	return ers_html_write_run(f, h->res, h->s, h->cat, 0);
}

/* Simulate and write the report and files; returns the exit code. */
static int simulate(struct run_args *a, struct ers_out *out, const struct ers_scenario *s,
		    const struct ers_catalog *cat, struct ers_diag *d)
{
	struct ers_result *res = NULL;
	struct html_ctx h = { NULL, s, cat };
	enum ers_err rc;
	double t0;

	a->opts.trace = out[OUT_TRACE].f;
	t0 = wall_seconds();
	rc = ers_run(s, cat, &a->opts, &res, d);
	if (rc != ERS_OK) {
		ers_diag_print(d, stderr);
		return ers_err_exit_code(rc) == 2 ? 2 : 3;
	}
	res->stats.wall_s = wall_seconds() - t0;
	h.res = res;
	rc = ers_report_write(res, stdout, ERS_REPORT_WALL);
	if (rc != ERS_OK)
		fprintf(stderr, "ersim run: cannot write the report: %s\n", ers_err_str(rc));
	if (rc == ERS_OK && out[OUT_JSON].f)
		rc = ers_out_write(&out[OUT_JSON], json_writer, res, d);
	if (rc == ERS_OK && out[OUT_REPORT].f)
		rc = ers_out_write(&out[OUT_REPORT], html_writer, &h, d);
	/* Every file is complete before the first rename: a run or write
	 * that fails leaves all targets as they were. */
	for (int i = 0; rc == ERS_OK && i < N_OUT; i++)
		rc = ers_out_commit(&out[i]);
	if (ERS_FREE_AT_EXIT)
		ers_result_free(res);	/* else the exit takes it back */
	return rc == ERS_OK ? 0 : 3;
}

int ers_cmd_run(int argc, char **argv)
{
	struct run_args a;
	struct ers_out out[N_OUT];
	struct ers_scenario *s = NULL;
	struct ers_catalog *cat = NULL;
	struct ers_diag d;
	enum ers_err rc;
	int code;

	memset(&a, 0, sizeof a);
	memset(out, 0, sizeof out);
	code = parse_args(argc, argv, &a);
	if (code)
		return code;
	if (a.scenario && (code = ers_input_check(a.scenario, "scenario file")))
		return code;
	ers_diag_init(&d);
	rc = a.scenario ? ers_scenario_open(a.scenario, &s, &cat, &d) :
		open_default(&s, &cat, &d);
	if (rc != ERS_OK) {
		ers_diag_print(&d, stderr);
		code = ers_input_exit_code(rc);
		goto out;
	}
	/* Created before the simulation, so that an output that cannot be
	 * written is reported before a long run, not after it. */
	{
		const char *paths[N_OUT] = { a.json, a.trace, a.report };

		for (int i = 0; !code && i < N_OUT; i++)
			if (paths[i] && ers_out_open(&out[i], CMD, paths[i]) != ERS_OK)
				code = 3;
	}
	if (!code)
		code = simulate(&a, out, s, cat, &d);
out:
	for (int i = 0; i < N_OUT; i++)
		ers_out_abort(&out[i]);
	if (ERS_FREE_AT_EXIT) {
		ers_scenario_free(s);
		ers_catalog_free(cat);
	}
	ers_diag_release(&d);
	return code;
}
