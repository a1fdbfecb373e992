/*
 * cmd_validate.c - `ersim validate FILE...`: load each scenario, check its
 * meaning against the catalog (ers_scenario_open) and build its topology,
 * which is everything `run` does before simulating. Prints "FILE: ok" on
 * stdout for each valid file (after its warnings, on stderr) and every
 * diagnostic of an invalid one on stderr; the exit code is the worst over all files (2 invalid input,
 * including a file that is missing, unreadable or a directory; 3 runtime
 * failure such as no memory).
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>

#include "ersim/cli_util.h"
#include "ersim/cmd.h"
#include "ersim/scenario.h"
#include "ersim/topology.h"
#include "ersim/util.h"

/* Validate one file; returns its exit code (0 when valid). The last
 * file's objects, and the loader's tree of it, are left to the exit
 * (ERS_FREE_AT_EXIT). */
static int validate_one(const char *path, bool last)
{
	struct ers_scenario *s = NULL;
	struct ers_catalog *cat = NULL;
	struct ers_topology *topo = NULL;
	struct ers_diag d;
	enum ers_err rc;

	if (ers_input_check(path, "scenario file"))
		return 2;
	ers_diag_init(&d);
	ers_scenario_load_exit_after(last);
	rc = ers_scenario_open(path, &s, &cat, &d);
	if (rc == ERS_OK)
		rc = ers_topology_build(s, cat, &topo, &d);
	if (rc == ERS_OK) {
		ers_diag_print(&d, stderr);	/* warnings, if any */
		printf("%s: ok\n", path);
	} else {
		if (!d.n_msgs)
			ers_diag_add(&d, rc, path, 0, NULL, "%s", ers_err_str(rc));
		ers_diag_print(&d, stderr);
	}
	if (ERS_FREE_AT_EXIT || !last) {
		ers_topology_free(topo);
		ers_catalog_free(cat);
		ers_scenario_free(s);
	}
	ers_diag_release(&d);
	return ers_input_exit_code(rc);
}

const struct option ers_validate_options[] = { { NULL, 0, NULL, 0 } };

/* Every argument is checked before any file is read. */
int ers_cmd_validate(int argc, char **argv)
{
	const char **files = calloc((size_t)argc, sizeof *files);
	struct ers_opts p;
	size_t n_files = 0;
	int worst = 0, c;

	if (!files) {
		fprintf(stderr, "ersim validate: out of memory\n");
		return 3;
	}
	ers_opts_init(&p, "validate", argc, argv, "", ers_validate_options);
	while ((c = ers_opts_next(&p)) == ERS_OPT_OPERAND)
		files[n_files++] = p.arg;
	if (c != ERS_OPT_END) {
		worst = 2;	/* reported by ers_opts_next */
		goto out;
	}
	if (!n_files) {
		worst = ers_usage_error("validate", "no scenario file given");
		goto out;
	}
	for (size_t i = 0; i < n_files; i++) {
		int code = validate_one(files[i], i + 1 == n_files);

		if (code > worst)
			worst = code;
	}
out:
	free(files);
	fflush(stdout);
	return worst;
}
