/*
 * cmd_merge.c - `ersim merge OUT.db IN.db...`: combine the databases of
 * batch shards (or of batches interrupted on different machines) into
 * one. Every input must hold results of the same experiment; a run found
 * in several inputs is kept once (runs are deterministic, so the copies
 * are equal). The merged database is what one machine running the whole
 * batch would have written, and the summary printed is the same.
 */
#include <stdio.h>
#include <string.h>

#include "ersim/batch.h"
#include "ersim/cmd.h"

#define CMD "merge"

int ers_cmd_merge(int argc, char **argv)
{
	const char *out = NULL, *csv = NULL, *ins[argc > 0 ? argc : 1];
	struct ers_batch_db *db = NULL;
	size_t n_ins = 0, n_new, done, failed, total;
	struct ers_diag d;
	enum ers_err rc = ERS_OK;
	int code = 0;
	FILE *f;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--csv") && i + 1 < argc)
			csv = argv[++i];
		else if (!strncmp(argv[i], "--csv=", 6))
			csv = argv[i] + 6;
		else if (argv[i][0] == '-' && argv[i][1])
			return ers_usage_error(CMD, "unknown option '%s'", argv[i]);
		else if (!out)
			out = argv[i];
		else
			ins[n_ins++] = argv[i];
	}
	if (!out || !n_ins)
		return ers_usage_error(CMD, "need an output and at least one input database");
	for (size_t i = 0; i < n_ins; i++)
		if (!strcmp(ins[i], out))
			return ers_usage_error(CMD, "'%s' is both output and input", out);
	ers_diag_init(&d);
	rc = ers_batch_db_open(out, NULL, &db, &d);
	for (size_t i = 0; i < n_ins && rc == ERS_OK; i++) {
		rc = ers_batch_db_merge(db, ins[i], &n_new, &d);
		if (rc == ERS_OK)
			fprintf(stderr, "merged '%s': %zu new runs\n", ins[i], n_new);
	}
	if (rc == ERS_OK) {
		ers_batch_db_counts(db, &done, &failed, &total);
		if (done < total)
			fprintf(stderr, "ersim merge: '%s' holds %zu of the experiment's %zu runs"
				" (shards missing?)\n", out, done, total);
		rc = ers_batch_summary(db, stdout, &d);
	}
	if (rc == ERS_OK && csv) {
		f = fopen(csv, "w");
		rc = f ? ers_batch_db_csv(db, f, &d) :
			ers_diag_add(&d, ERS_EIO, csv, 0, NULL, "cannot write '%s'", csv);
		if (f && fclose(f) && rc == ERS_OK)
			rc = ers_diag_add(&d, ERS_EIO, csv, 0, NULL, "cannot write '%s'", csv);
	}
	if (rc != ERS_OK) {
		ers_diag_print(&d, stderr);
		code = ers_err_exit_code(rc);
	}
	ers_batch_db_close(db);
	ers_diag_release(&d);
	return code;
}
