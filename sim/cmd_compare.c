/*
 * cmd_compare.c - `ersim compare A B [C ...]`: each input is a scenario
 * (run here, every one with the same seed: --seed, else the first
 * scenario's) or a result document of `ersim run --json`, told apart by
 * content, not by name. The comparison itself is compare.c's; this file
 * loads the inputs, runs the scenarios with their decision log captured
 * in a temporary file (for the "why a path differs" reasons), prints the
 * tables, writes --json FILE all at once (cli_util.c), and checks the
 * --fail-on thresholds: exit 1 when one is crossed, each named on stderr.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ersim/cli_util.h"
#include "ersim/cmd.h"
#include "ersim/compare.h"
#include "ersim/html_report.h"
#include "ersim/result_json.h"
#include "ersim/run.h"
#include "ersim/units.h"

#define CMD "compare"

struct input {
	const char *path;
	struct ers_scenario *scn;
	struct ers_catalog *cat;
	struct ers_result *res;
};

struct compare_args {
	const char **paths;
	size_t n_paths;
	const char *json;
	const char *report;		/* --report FILE.html */
	char **fail_exprs;		/* split at commas, owned */
	size_t n_fail;
	unsigned flags;
	struct ers_run_opts opts;
};

/* --fail-on A,B adds each expression. */
static int add_fail_on(struct compare_args *a, const char *v)
{
	char *copy = strdup(v), *save = NULL, *tok;

	if (!copy) {
		fprintf(stderr, "ersim compare: out of memory\n");
		return 3;
	}
	for (tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		char **nv = realloc(a->fail_exprs, (a->n_fail + 1) * sizeof *nv);
		if (!nv || !(nv[a->n_fail] = strdup(tok))) {
			if (nv)
				a->fail_exprs = nv;
			free(copy);
			fprintf(stderr, "ersim compare: out of memory\n");
			return 3;
		}
		a->fail_exprs = nv;
		a->n_fail++;
	}
	free(copy);
	return 0;
}

enum { OPT_JSON = 256, OPT_REPORT, OPT_FAIL_ON, OPT_ONLY_DIFF, OPT_SEED, OPT_UNTIL };

const struct option ers_compare_options[] = {
	{ "json", required_argument, NULL, OPT_JSON },
	{ "report", required_argument, NULL, OPT_REPORT },
	{ "fail-on", required_argument, NULL, OPT_FAIL_ON },
	{ "only-diff", no_argument, NULL, OPT_ONLY_DIFF },
	{ "seed", required_argument, NULL, OPT_SEED },
	{ "until", required_argument, NULL, OPT_UNTIL },
	{ NULL, 0, NULL, 0 }
};

static int parse_args(int argc, char **argv, struct compare_args *a)
{
	struct ers_opts p;
	int c, rc = 0;

	if (!(a->paths = calloc((size_t)argc, sizeof *a->paths))) {
		fprintf(stderr, "ersim compare: out of memory\n");
		return 3;
	}
	ers_opts_init(&p, CMD, argc, argv, "", ers_compare_options);
	while (!rc && (c = ers_opts_next(&p)) != ERS_OPT_END) {
		switch (c) {
		case ERS_OPT_OPERAND:
			a->paths[a->n_paths++] = p.arg;
			break;
		case OPT_JSON:
			a->json = p.arg;
			break;
		case OPT_REPORT:
			a->report = p.arg;
			break;
		case OPT_FAIL_ON:
			rc = add_fail_on(a, p.arg);
			break;
		case OPT_ONLY_DIFF:
			a->flags |= ERS_CMP_ONLY_DIFF;
			break;
		case OPT_SEED:
			rc = ers_opt_seed(CMD, p.arg, &a->opts);
			break;
		case OPT_UNTIL:
			rc = ers_opt_until(CMD, p.arg, &a->opts);
			break;
		default:
			return 2;	/* reported by ers_opts_next */
		}
	}
	if (rc)
		return rc;
	if (a->n_paths < 2)
		return ers_usage_error(CMD, "needs at least two inputs to compare, got %zu",
				       a->n_paths);
	return 0;
}

/* What a file holds, by its first character: '<' a scenario, '{' a
 * result document. 0 when it cannot be read (reported). */
static int sniff(const char *path)
{
	FILE *f;
	int c;

	if (ers_input_check(path, "scenario or result document"))
		return 0;
	f = fopen(path, "rb");
	if (!f) {
		fprintf(stderr, "ersim compare: cannot read '%s': %s\n", path, strerror(errno));
		return 0;
	}
	do
		c = getc(f);
	while (c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == 0xEF || c == 0xBB ||
	       c == 0xBF);
	fclose(f);
	if (c != '<' && c != '{') {
		fprintf(stderr, "ersim compare: '%s' is neither a scenario (<scenario>) nor a result document (ersim run --json)\n",
			path);
		return 0;
	}
	return c;
}

static int err_exit(enum ers_err rc)
{
	return ers_err_exit_code(rc) == 2 ? 2 : 3;
}

/* Load every input; scenarios are opened, not yet run. */
static int load_inputs(struct compare_args *a, struct input *in, struct ers_diag *d)
{
	for (size_t i = 0; i < a->n_paths; i++) {
		int kind = sniff(a->paths[i]);
		enum ers_err rc;

		in[i].path = a->paths[i];
		if (!kind)
			return 2;
		rc = kind == '{' ? ers_result_read_json(a->paths[i], &in[i].res, d) :
			ers_scenario_open(a->paths[i], &in[i].scn, &in[i].cat, d);
		if (rc != ERS_OK) {
			ers_diag_print(d, stderr);
			return ers_input_exit_code(rc);
		}
	}
	return 0;
}

/* Run every scenario with one seed, capturing the decision log. */
static int run_inputs(struct compare_args *a, struct input *in, struct ers_diag *d)
{
	struct ers_run_opts opts = a->opts;

	for (size_t i = 0; i < a->n_paths && !opts.has_seed; i++)
		if (in[i].scn) {
			opts.has_seed = true;
			opts.seed = in[i].scn->seed;
		}
	for (size_t i = 0; i < a->n_paths; i++) {
		enum ers_err rc;
		if (!in[i].scn)
			continue;
		rc = ers_run(in[i].scn, in[i].cat, &opts, &in[i].res, d);
		if (rc != ERS_OK) {
			fprintf(stderr, "ersim compare: running '%s' failed\n", in[i].path);
			ers_diag_print(d, stderr);
			return err_exit(rc);
		}
	}
	return 0;
}

static int parse_fail_on(const struct compare_args *a, struct ers_fail_on *f)
{
	for (size_t i = 0; i < a->n_fail; i++) {
		const char *why = NULL;
		if (ers_fail_on_parse(a->fail_exprs[i], &f[i], &why) != ERS_OK)
			return ers_usage_error(CMD, "bad --fail-on '%s': %s", a->fail_exprs[i], why);
	}
	return 0;
}

static enum ers_err json_writer(const void *ctx, FILE *f, struct ers_diag *d)
{
	(void)d;
	return ers_compare_write_json(ctx, f);
}

struct html_ctx {
	const struct ers_comparison *c;
	const struct ers_cmp_input *in;
};

/* The comparison's page: verdicts, differences, paths and timelines. */
static enum ers_err html_writer(const void *ctx, FILE *f, struct ers_diag *d)
{
	const struct html_ctx *h = ctx;

	(void)d;
	return ers_html_write_compare(f, h->c, h->in, 0);
}

/* Compare, print, write and check; the exit code. */
static int report(struct compare_args *a, struct input *in, const struct ers_fail_on *f,
		  struct ers_diag *d)
{
	struct ers_cmp_input *ci = calloc(a->n_paths, sizeof *ci);
	struct ers_comparison *c = NULL;
	enum ers_err rc = ERS_ENOMEM;
	int code;

	for (size_t i = 0; ci && i < a->n_paths; i++)
		ci[i] = (struct ers_cmp_input){ in[i].path, in[i].res, in[i].scn, in[i].cat };
	if (ci)
		rc = ers_compare_build(ci, a->n_paths, &c, d);
	if (rc == ERS_OK)
		rc = ers_compare_check(c, f, a->n_fail);
	if (rc != ERS_OK) {
		free(ci);
		ers_comparison_free(c);
		if (!d->n_msgs)
			fprintf(stderr, "ersim compare: %s\n", ers_err_str(rc));
		ers_diag_print(d, stderr);
		return err_exit(rc);
	}
	code = ers_compare_write_text(c, stdout, a->flags) == ERS_OK ? 0 : 3;
	if (!code && a->json)
		code = ers_write_atomic(CMD, a->json, json_writer, c, d);
	if (!code && a->report) {
		struct html_ctx h = { c, ci };
		code = ers_write_atomic(CMD, a->report, html_writer, &h, d);
	}
	free(ci);
	for (size_t i = 0; i < c->n_violations; i++)
		fprintf(stderr, "fail-on: %s\n", c->violations[i].msg);
	if (!code && c->n_violations)
		code = 1;
	ers_comparison_free(c);
	return code;
}

int ers_cmd_compare(int argc, char **argv)
{
	struct compare_args a;
	struct input *in = NULL;
	struct ers_fail_on *f = NULL;
	struct ers_diag d;
	int code;

	memset(&a, 0, sizeof a);
	ers_diag_init(&d);
	code = parse_args(argc, argv, &a);
	if (!code && !(f = calloc(a.n_fail + 1, sizeof *f)))
		code = 3;
	if (!code)
		code = parse_fail_on(&a, f);
	if (!code && !(in = calloc(a.n_paths, sizeof *in)))
		code = 3;
	if (!code)
		code = load_inputs(&a, in, &d);
	if (!code)
		code = run_inputs(&a, in, &d);
	if (!code)
		code = report(&a, in, f, &d);
	for (size_t i = 0; in && i < a.n_paths; i++) {
		ers_result_free(in[i].res);
		ers_scenario_free(in[i].scn);
		ers_catalog_free(in[i].cat);
	}
	free(in);
	free(f);
	ers_strv_free(a.fail_exprs, a.n_fail);
	free(a.paths);
	ers_diag_release(&d);
	fflush(stdout);
	return code;
}
