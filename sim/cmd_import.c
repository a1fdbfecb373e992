/*
 * cmd_import.c - `ersim import azure FILE.json... [-o SCENARIO.xml]` and
 * `ersim import terraform STATE.json [-o SCENARIO.xml]`: read the inputs
 * (import_azure.c, import_terraform.c), map them (import_model.c) and
 * write the scenario.
 *
 * The scenario is built in memory and loaded and checked like any other
 * (ers_scenario_load_mem, ers_scenario_check) before anything is
 * written: a deployment that breaks one of ersim's rules is reported
 * with the rule's message, and the output always validates. It then
 * goes to stdout, or to -o FILE through ers_write_atomic (all or
 * nothing). Every problem exits 2 with nothing written.
 */
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ersim/catalog.h"
#include "ersim/cli_util.h"
#include "ersim/cmd.h"
#include "ersim/import.h"
#include "ersim/scenario.h"

struct import_args {
	const char *kind;		/* "azure" or "terraform" */
	const char *out;		/* NULL: stdout */
	char **files;
	int n_files;
};

struct doc {
	const char *buf;
	size_t len;
};

static void operand(struct import_args *a, char *arg)
{
	if (!a->kind)
		a->kind = arg;
	else
		a->files[a->n_files++] = arg;
}

const struct option ers_import_options[] = {
	{ "output", required_argument, NULL, 'o' },
	{ NULL, 0, NULL, 0 }
};

/* Options and operands mix freely; the first operand is the source kind. */
static int parse_args(int argc, char **argv, struct import_args *a)
{
	struct ers_opts p;
	int c;

	if (!(a->files = calloc((size_t)argc + 1, sizeof *a->files)))
		return 3;
	ers_opts_init(&p, "import", argc, argv, "o:", ers_import_options);
	while ((c = ers_opts_next(&p)) != ERS_OPT_END) {
		switch (c) {
		case ERS_OPT_OPERAND:
			operand(a, (char *)p.arg);
			break;
		case 'o':
			a->out = p.arg;
			break;
		default:
			return 2;	/* reported by ers_opts_next */
		}
	}
	if (!a->kind)
		return ers_usage_error("import", "say what to import: 'azure' or 'terraform'");
	if (strcmp(a->kind, "azure") && strcmp(a->kind, "terraform"))
		return ers_usage_error("import", "unknown source '%s' (expected 'azure' or 'terraform')",
				       a->kind);
	if (!a->n_files)
		return ers_usage_error("import", "no input file given");
	if (!strcmp(a->kind, "terraform") && a->n_files > 1)
		return ers_usage_error("import", "one Terraform state at a time ('%s' is a second)",
				       a->files[1]);
	return 0;
}

static enum ers_err read_inputs(const struct import_args *a, struct ers_imp *m, struct ers_diag *d)
{
	enum ers_err rc = ERS_OK, r;

	for (int i = 0; i < a->n_files; i++) {
		r = !strcmp(a->kind, "azure") ? ers_import_azure_file(m, a->files[i], d)
					      : ers_import_terraform_file(m, a->files[i], d);
		if (r != ERS_OK && rc == ERS_OK)
			rc = r;
	}
	return rc;
}

/* Load and check the scenario we made, as `ersim validate` would. */
static enum ers_err self_check(const char *buf, size_t len, const char *name, struct ers_diag *d)
{
	struct ers_scenario *s = NULL;
	struct ers_catalog *base = NULL, *cat = NULL;
	enum ers_err rc;

	rc = ers_scenario_load_mem(buf, len, name, &s, d);
	if (rc == ERS_OK)
		rc = ers_catalog_builtin_load(&base, d);
	if (rc == ERS_OK && !(cat = ers_catalog_merge(base, &s->geography)))
		rc = ers_diag_add(d, ERS_ENOMEM, NULL, 0, NULL, "out of memory");
	if (rc == ERS_OK)
		rc = ers_scenario_check(s, cat, d);
	ers_catalog_free(cat);
	ers_catalog_free(base);
	ers_scenario_free(s);
	return rc;
}

static enum ers_err write_doc(const void *ctx, FILE *f, struct ers_diag *d)
{
	const struct doc *doc = ctx;

	if (fwrite(doc->buf, 1, doc->len, f) != doc->len)
		return ers_diag_add(d, ERS_EIO, NULL, 0, NULL, "short write");
	return ERS_OK;
}

int ers_cmd_import(int argc, char **argv)
{
	struct import_args a = { 0 };
	struct ers_imp m;
	struct ers_diag d;
	char *buf = NULL;
	size_t len = 0;
	FILE *mem = NULL;
	enum ers_err rc;
	int code;

	if ((code = parse_args(argc, argv, &a))) {
		free(a.files);
		return code;
	}
	ers_imp_init(&m, a.kind);
	ers_diag_init(&d);
	rc = read_inputs(&a, &m, &d);
	if (rc == ERS_OK && !(mem = open_memstream(&buf, &len)))
		rc = ers_diag_add(&d, ERS_ENOMEM, NULL, 0, NULL, "out of memory");
	if (rc == ERS_OK)
		rc = ers_import_write(&m, mem, &d);
	if (mem && fclose(mem) && rc == ERS_OK)
		rc = ers_diag_add(&d, ERS_ENOMEM, NULL, 0, NULL, "out of memory");
	/* named for what it is: with -o, the file is not written yet */
	if (rc == ERS_OK && (rc = self_check(buf, len, "<imported scenario>", &d)))
		ers_diag_add(&d, rc, NULL, 0, "the deployment breaks a rule ersim checks (above); "
			     "nothing was written", "the imported scenario is not valid");
	if (rc != ERS_OK) {
		ers_diag_print(&d, stderr);
		code = ers_err_exit_code(rc);
	} else if (a.out) {
		struct doc doc = { buf, len };

		code = ers_write_atomic("import", a.out, write_doc, &doc, &d);
	} else {
		code = fwrite(buf, 1, len, stdout) == len && !fflush(stdout) ? 0 : 3;
		if (code)
			fprintf(stderr, "ersim import: cannot write to standard output\n");
	}
	free(buf);
	free(a.files);
	ers_diag_release(&d);
	ers_imp_release(&m);
	return code;
}
