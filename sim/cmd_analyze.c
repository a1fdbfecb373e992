/*
 * cmd_analyze.c - `ersim analyze FILE [--json FILE] [--verify]
 * [--max-runs N] [--no-validation-test]`: loads and checks the scenario,
 * runs the static analysis (analyze.c), computes each gateway's
 * resiliency index and simulates its Resiliency Validation test at each
 * location (analyze_index.c), optionally verifies its claims by simulation, and
 * prints the report on stdout (and the JSON document to FILE, written
 * all at once by cli_util.c, or "-" for stdout instead of the report).
 * Exit codes: 0 done, 1 --verify found a disagreement between analysis
 * and simulation, 2 bad usage or invalid scenario (missing, a directory,
 * invalid), 3 runtime failure.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ersim/analyze.h"
#include "ersim/cli_util.h"
#include "ersim/cmd.h"
#include "ersim/scenario.h"

#define CMD "analyze"
#define DEFAULT_MAX_RUNS 200

struct analyze_args {
	const char *file;
	const char *json;		/* NULL: none; "-": stdout */
	bool verify;
	bool no_test;			/* --no-validation-test */
	size_t max_runs;
};

enum { OPT_JSON = 256, OPT_VERIFY, OPT_MAX_RUNS, OPT_NO_TEST };

const struct option ers_analyze_options[] = {
	{ "json", required_argument, NULL, OPT_JSON },
	{ "verify", no_argument, NULL, OPT_VERIFY },
	{ "max-runs", required_argument, NULL, OPT_MAX_RUNS },
	{ "no-validation-test", no_argument, NULL, OPT_NO_TEST },
	{ NULL, 0, NULL, 0 }
};

static int parse_max_runs(struct analyze_args *a, const char *v)
{
	char *end;

	a->max_runs = (size_t)strtoull(v, &end, 10);
	if (!*v || *end || v[0] == '-')
		return ers_usage_error(CMD, "invalid --max-runs '%s' (expected a number, 0 for no limit)", v);
	return 0;
}

static int parse_args(int argc, char **argv, struct analyze_args *a)
{
	struct ers_opts p;
	int c, rc = 0;

	a->max_runs = DEFAULT_MAX_RUNS;
	ers_opts_init(&p, CMD, argc, argv, "", ers_analyze_options);
	while (!rc && (c = ers_opts_next(&p)) != ERS_OPT_END) {
		switch (c) {
		case ERS_OPT_OPERAND:
			if (a->file)
				return ers_usage_error(CMD, "more than one scenario file ('%s')",
						       p.arg);
			a->file = p.arg;
			break;
		case OPT_JSON:
			a->json = p.arg;
			break;
		case OPT_VERIFY:
			a->verify = true;
			break;
		case OPT_MAX_RUNS:
			rc = parse_max_runs(a, p.arg);
			break;
		case OPT_NO_TEST:
			a->no_test = true;
			break;
		default:
			return 2;	/* reported by ers_opts_next */
		}
	}
	if (rc)
		return rc;
	if (!a->file)
		return ers_usage_error(CMD, "no scenario file given");
	return 0;
}

struct json_ctx {
	const struct ers_analysis *an;
	const struct ers_an_verification *v;
};

static enum ers_err json_writer(const void *ctx, FILE *f, struct ers_diag *d)
{
	const struct json_ctx *j = ctx;

	return ers_analysis_write_json(f, j->an, j->v, d);
}

/* The JSON document to its file, or to stdout for "-". */
static int write_json(const struct analyze_args *args, const struct ers_analysis *an,
		      const struct ers_an_verification *v, struct ers_diag *d)
{
	struct json_ctx j = { an, v };
	enum ers_err rc;

	if (strcmp(args->json, "-"))
		return ers_write_atomic(CMD, args->json, json_writer, &j, d);
	rc = ers_analysis_write_json(stdout, an, v, d);
	if (rc != ERS_OK)
		ers_diag_print(d, stderr);
	return ers_err_exit_code(rc);
}

int ers_cmd_analyze(int argc, char **argv)
{
	struct analyze_args a = { 0 };
	struct ers_scenario *s = NULL;
	struct ers_catalog *cat = NULL;
	struct ers_analysis *an = NULL;
	struct ers_an_verification *v = NULL;
	struct ers_diag d;
	enum ers_err rc;
	int code;

	if ((code = parse_args(argc, argv, &a)) ||
	    (code = ers_input_check(a.file, "scenario file")))
		return code;
	ers_diag_init(&d);
	rc = ers_scenario_open(a.file, &s, &cat, &d);
	if (rc != ERS_OK) {
		ers_diag_print(&d, stderr);
		code = ers_input_exit_code(rc);
		goto out;
	}
	rc = ers_analyze(s, cat, &an, &d);
	if (rc == ERS_OK)
		rc = ers_analysis_index(an, s, cat, !a.no_test, &d);
	if (rc == ERS_OK && a.verify)
		rc = ers_analysis_verify(an, s, cat, a.max_runs, &v, &d);
	if (rc != ERS_OK) {
		if (!d.n_msgs)
			ers_diag_add(&d, rc, a.file, 0, NULL, "%s", ers_err_str(rc));
		ers_diag_print(&d, stderr);
		code = ers_err_exit_code(rc);
		goto out;
	}
	if (!(a.json && !strcmp(a.json, "-")))
		ers_analysis_report(stdout, an, v);
	if (a.json)
		code = write_json(&a, an, v, &d);
	if (!code && v && v->n_dis)
		code = 1;
out:
	ers_an_verification_free(v);
	ers_analysis_free(an);
	ers_catalog_free(cat);
	ers_scenario_free(s);
	ers_diag_release(&d);
	return code;
}
