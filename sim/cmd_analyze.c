/*
 * cmd_analyze.c - `ersim analyze FILE [--json FILE] [--verify]
 * [--max-runs N]`: loads and checks the scenario, runs the static
 * analysis (analyze.c), optionally verifies its claims by simulation, and
 * prints the report on stdout (and the JSON document to FILE, "-" for
 * stdout instead of the report). Exit codes: 0 done, 1 --verify found a
 * disagreement between analysis and simulation, 2 bad usage or invalid
 * scenario, 3 runtime failure.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ersim/analyze.h"
#include "ersim/cmd.h"
#include "ersim/scenario.h"

#define DEFAULT_MAX_RUNS 200

struct analyze_args {
	const char *file;
	const char *json;		/* NULL: none; "-": stdout */
	bool verify;
	size_t max_runs;
};

static int parse_value(int argc, char **argv, int *i, const char *name, const char **val)
{
	size_t n = strlen(name);

	if (strncmp(argv[*i], name, n) || (argv[*i][n] && argv[*i][n] != '='))
		return 0;
	if (argv[*i][n] == '=') {
		*val = argv[*i] + n + 1;
		return 1;
	}
	if (*i + 1 >= argc)
		return -1;
	*val = argv[++*i];
	return 1;
}

static int parse_option(int argc, char **argv, int *i, struct analyze_args *a)
{
	const char *v = NULL;
	char *end;
	int r;

	if (!strcmp(argv[*i], "--verify")) {
		a->verify = true;
		return 0;
	}
	if ((r = parse_value(argc, argv, i, "--json", &a->json)))
		return r < 0 ? ers_usage_error("analyze", "option '--json' needs a value") : 0;
	if ((r = parse_value(argc, argv, i, "--max-runs", &v))) {
		if (r < 0)
			return ers_usage_error("analyze", "option '--max-runs' needs a value");
		a->max_runs = (size_t)strtoull(v, &end, 10);
		if (!*v || *end || v[0] == '-')
			return ers_usage_error("analyze", "invalid --max-runs '%s' (expected a number, 0 for no limit)", v);
		return 0;
	}
	return ers_usage_error("analyze", "unknown option '%s'", argv[*i]);
}

static int parse_args(int argc, char **argv, struct analyze_args *a)
{
	bool opts = true;
	int code;

	a->max_runs = DEFAULT_MAX_RUNS;
	for (int i = 1; i < argc; i++) {
		if (opts && !strcmp(argv[i], "--")) {
			opts = false;
			continue;
		}
		if (opts && argv[i][0] == '-' && argv[i][1]) {
			if ((code = parse_option(argc, argv, &i, a)))
				return code;
			continue;
		}
		if (a->file)
			return ers_usage_error("analyze", "more than one scenario file ('%s')", argv[i]);
		a->file = argv[i];
	}
	if (!a->file)
		return ers_usage_error("analyze", "no scenario file given");
	return 0;
}

static enum ers_err write_json(const struct analyze_args *args, const struct ers_analysis *an,
			       const struct ers_an_verification *v, struct ers_diag *d)
{
	FILE *fp = strcmp(args->json, "-") ? fopen(args->json, "w") : stdout;
	enum ers_err rc;

	if (!fp)
		return ers_diag_add(d, ERS_EIO, args->json, 0, NULL, "cannot write '%s'", args->json);
	rc = ers_analysis_write_json(fp, an, v, d);
	if (fp != stdout && fclose(fp) && rc == ERS_OK)
		rc = ers_diag_add(d, ERS_EIO, args->json, 0, NULL, "cannot write '%s'", args->json);
	return rc;
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

	if ((code = parse_args(argc, argv, &a)))
		return code;
	ers_diag_init(&d);
	rc = ers_scenario_open(a.file, &s, &cat, &d);
	if (rc == ERS_OK)
		rc = ers_analyze(s, cat, &an, &d);
	if (rc == ERS_OK && a.verify)
		rc = ers_analysis_verify(an, s, cat, a.max_runs, &v, &d);
	if (rc == ERS_OK && !(a.json && !strcmp(a.json, "-")))
		ers_analysis_report(stdout, an, v);
	if (rc == ERS_OK && a.json)
		rc = write_json(&a, an, v, &d);
	if (rc != ERS_OK) {
		if (!d.n_msgs)
			ers_diag_add(&d, rc, a.file, 0, NULL, "%s", ers_err_str(rc));
		ers_diag_print(&d, stderr);
	}
	code = rc != ERS_OK ? ers_err_exit_code(rc) : v && v->n_dis ? 1 : 0;
	ers_an_verification_free(v);
	ers_analysis_free(an);
	ers_catalog_free(cat);
	ers_scenario_free(s);
	ers_diag_release(&d);
	return code;
}
