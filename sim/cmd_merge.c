/*
 * cmd_merge.c - `ersim merge OUT.db IN.db...`: combine the databases of
 * batch shards (or of batches interrupted on different machines) into
 * one. Every input must hold results of the same experiment; a run found
 * in several inputs is kept once (runs are deterministic, so the copies
 * are equal). The merged database is what one machine running the whole
 * batch would have written, and the summary printed is the same.
 *
 * All or nothing: every input is checked first (it exists, is an ersim
 * batch database, holds the same experiment as the others), and bad
 * input is exit 2 before anything is written. The merge then goes into a
 * temporary database beside OUT (cli_util.c), renamed over OUT only when
 * complete. An OUT that exists already is one more input, so merging
 * into it keeps its runs; if it is not a batch database of the same
 * experiment it is left alone (exit 2).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "ersim/batch.h"
#include "ersim/cli_util.h"
#include "ersim/cmd.h"
#include "ersim/util.h"

#define CMD "merge"

struct merge_args {
	const char *out;
	const char *csv;
	const char **ins;		/* OUT first when it exists */
	size_t n_ins;
};

const struct option ers_merge_options[] = {
	{ "csv", required_argument, NULL, 'c' },
	{ NULL, 0, NULL, 0 }
};

static int parse_args(int argc, char **argv, struct merge_args *a)
{
	struct ers_opts p;
	struct stat st;
	int c;

	/* room for every argument, and OUT as an input */
	if (!(a->ins = calloc((size_t)argc + 1, sizeof *a->ins))) {
		fprintf(stderr, "ersim merge: out of memory\n");
		return 3;
	}
	a->n_ins = 1;
	ers_opts_init(&p, CMD, argc, argv, "", ers_merge_options);
	while ((c = ers_opts_next(&p)) != ERS_OPT_END) {
		if (c == 'c')
			a->csv = p.arg;
		else if (c != ERS_OPT_OPERAND)
			return 2;	/* reported by ers_opts_next */
		else if (!a->out)
			a->out = p.arg;
		else
			a->ins[a->n_ins++] = p.arg;
	}
	if (!a->out || a->n_ins < 2)
		return ers_usage_error(CMD, "need an output and at least one input database");
	for (size_t i = 1; i < a->n_ins; i++)
		if (!strcmp(a->ins[i], a->out))
			return ers_usage_error(CMD, "'%s' is both output and input", a->out);
	/* An existing file is merged with the rest; a directory is not an
	 * input but an output that cannot be written (exit 3 at the rename). */
	if (!stat(a->out, &st) && !S_ISDIR(st.st_mode))
		a->ins[0] = a->out;
	return 0;
}

/* Every input exists, is a batch database and holds one experiment. */
static int check_inputs(const struct merge_args *a, struct ers_diag *d)
{
	char *first = NULL, *hash;
	const char *first_path = NULL;
	enum ers_err rc;
	int code = 0;

	for (size_t i = 0; i < a->n_ins && !code; i++) {
		if (!a->ins[i])
			continue;
		if ((code = ers_input_check(a->ins[i], "batch database")))
			break;
		if ((rc = ers_batch_db_identify(a->ins[i], &hash, d)) != ERS_OK) {
			code = ers_err_exit_code(rc);
			break;
		}
		if (!first) {
			first = hash;
			first_path = a->ins[i];
			continue;
		}
		if (strcmp(first, hash)) {
			ers_diag_add(d, ERS_EINVAL, a->ins[i], 0, "merge only shards of one experiment",
				     "'%s' holds results of a different experiment than '%s'",
				     a->ins[i], first_path);
			code = 2;
		}
		free(hash);
	}
	free(first);
	ers_diag_print(d, stderr);
	return code;
}

/* Merge every input into a new database at tmp; 0 or the exit code. */
static int merge_into(const struct merge_args *a, const char *tmp, struct ers_diag *d)
{
	struct ers_batch_db *db = NULL;
	enum ers_err rc;
	size_t n_new;
	int err = 0;

	rc = ers_batch_db_open(tmp, NULL, &db, d);
	for (size_t i = 0; i < a->n_ins && rc == ERS_OK; i++) {
		if (!a->ins[i])
			continue;
		rc = ers_batch_db_merge(db, a->ins[i], &n_new, d);
		if (rc == ERS_OK)
			fprintf(stderr, "merged '%s': %zu new run%s\n", a->ins[i], n_new, ers_s(n_new));
		else
			err = ers_batch_db_os_errno(db);
	}
	ers_batch_db_close(db);
	if (rc == ERS_OK)
		return 0;
	/* The inputs were checked: what failed is writing the output. */
	if (err)
		fprintf(stderr, "ersim merge: cannot write '%s': %s\n", a->out, strerror(err));
	else
		fprintf(stderr, "ersim merge: cannot write '%s'\n", a->out);
	ers_diag_print(d, stderr);
	return ers_err_exit_code(rc) == 2 ? 2 : 3;
}

static enum ers_err csv_writer(const void *ctx, FILE *f, struct ers_diag *d)
{
	return ers_batch_db_csv((struct ers_batch_db *)ctx, f, d);
}

/* The summary of the merged database, and its CSV. */
static int summarize(const struct merge_args *a, struct ers_diag *d)
{
	struct ers_batch_db *db = NULL;
	size_t done, failed, total;
	enum ers_err rc;
	int code = 0;

	rc = ers_batch_db_open(a->out, NULL, &db, d);
	if (rc == ERS_OK) {
		ers_batch_db_counts(db, &done, &failed, &total);
		if (done < total)
			fprintf(stderr, "ersim merge: '%s' holds %zu of the experiment's %zu run%s"
				" (shards missing?)\n", a->out, done, total, ers_s(total));
		rc = ers_batch_summary(db, stdout, d);
	}
	if (rc != ERS_OK) {
		ers_diag_print(d, stderr);
		code = ers_err_exit_code(rc);
	} else if (a->csv) {
		code = ers_write_atomic(CMD, a->csv, csv_writer, db, d);
	}
	ers_batch_db_close(db);
	return code;
}

/* An existing OUT.db is replaced at the end: hold its writer's lock from
 * before it is read until after the rename, so a batch still writing it
 * is refused up front (instead of losing the runs it stores meanwhile
 * into the file the rename replaces), and no batch starts on it. */
static int lock_out(const struct merge_args *a, struct ers_batch_db **guard,
		    struct ers_diag *d)
{
	struct stat st;
	enum ers_err rc;

	if (stat(a->out, &st) || !S_ISREG(st.st_mode))
		return 0;	/* nothing to guard; a directory fails at the rename */
	rc = ers_batch_db_open(a->out, NULL, guard, d);
	if (rc == ERS_OK)
		return 0;
	ers_diag_print(d, stderr);
	return ers_err_exit_code(rc);
}

int ers_cmd_merge(int argc, char **argv)
{
	struct merge_args a = { 0 };
	struct ers_batch_db *guard = NULL;
	struct ers_diag d;
	char *tmp = NULL;
	int code;

	ers_diag_init(&d);
	code = parse_args(argc, argv, &a);
	if (!code)
		code = check_inputs(&a, &d);
	if (!code)
		code = lock_out(&a, &guard, &d);
	if (!code && ers_tmp_create(CMD, a.out, &tmp) != ERS_OK)
		code = 3;
	if (!code)
		code = merge_into(&a, tmp, &d);
	if (!code) {
		code = ers_tmp_commit(CMD, tmp, a.out) == ERS_OK ? 0 : 3;
		tmp = NULL;	/* renamed, or removed by the commit */
	}
	ers_tmp_discard(tmp);
	ers_batch_db_close(guard);
	if (!code)
		code = summarize(&a, &d);
	free(a.ins);
	ers_diag_release(&d);
	return code;
}
