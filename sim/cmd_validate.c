/*
 * cmd_validate.c - `ersim validate FILE...`: load each scenario, check its
 * meaning against the catalog (ers_scenario_open) and build its topology,
 * which is everything `run` does before simulating. Prints "FILE: ok" on
 * stdout for each valid file and every diagnostic of an invalid one on
 * stderr; the exit code is the worst over all files (2 invalid input,
 * 3 runtime failure such as an unreadable file or no memory).
 */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "ersim/cmd.h"
#include "ersim/scenario.h"
#include "ersim/topology.h"

/* Validate one file; returns its exit code (0 when valid). */
static int validate_one(const char *path)
{
	struct ers_scenario *s = NULL;
	struct ers_catalog *cat = NULL;
	struct ers_topology *topo = NULL;
	struct ers_diag d;
	enum ers_err rc;

	ers_diag_init(&d);
	rc = ers_scenario_open(path, &s, &cat, &d);
	if (rc == ERS_OK)
		rc = ers_topology_build(s, cat, &topo, &d);
	if (rc == ERS_OK) {
		printf("%s: ok\n", path);
	} else {
		if (!d.n_msgs)
			ers_diag_add(&d, rc, path, 0, NULL, "%s", ers_err_str(rc));
		ers_diag_print(&d, stderr);
	}
	ers_topology_free(topo);
	ers_catalog_free(cat);
	ers_scenario_free(s);
	ers_diag_release(&d);
	return rc == ERS_OK ? 0 : ers_err_exit_code(rc);
}

/* Options end at "--"; before it, anything else starting with '-' is an
 * unknown option (all arguments are checked before any file is read). */
int ers_cmd_validate(int argc, char **argv)
{
	int worst = 0, n_files = 0;
	bool opts = true;

	for (int i = 1; i < argc; i++) {
		if (opts && !strcmp(argv[i], "--"))
			opts = false;
		else if (opts && argv[i][0] == '-' && argv[i][1])
			return ers_usage_error("validate", "unknown option '%s'", argv[i]);
		else
			n_files++;
	}
	if (!n_files)
		return ers_usage_error("validate", "no scenario file given");
	opts = true;
	for (int i = 1; i < argc; i++) {
		int code;

		if (opts && !strcmp(argv[i], "--")) {
			opts = false;
			continue;
		}
		code = validate_one(argv[i]);
		if (code > worst)
			worst = code;
	}
	fflush(stdout);
	return worst;
}
