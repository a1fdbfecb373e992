/*
 * cmd_export.c - `ersim export FILE [--format dot|graphml|json] [-o OUT]`:
 * builds the scenario's topology and writes it with export.c. Without
 * --format the format follows OUT's extension (.dot/.gv, .graphml, .json)
 * and is otherwise DOT. Output goes to stdout, or to OUT all at once
 * (ers_write_atomic, cli_util.c), so an error never leaves OUT
 * half-written. On stdout the document is built in memory first for the
 * same reason.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ersim/cli_util.h"
#include "ersim/cmd.h"
#include "ersim/scenario.h"
#include "ersim/topology.h"

#define CMD "export"

struct export_args {
	const char *file;
	const char *out;		/* NULL: stdout */
	const char *format;		/* NULL: from out's extension, else dot */
};

static bool ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n >= m && !strcmp(s + n - m, suffix);
}

enum { OPT_FORMAT = 256 };

const struct option ers_export_options[] = {
	{ "format", required_argument, NULL, OPT_FORMAT },
	{ "output", required_argument, NULL, 'o' },
	{ NULL, 0, NULL, 0 }
};

static int parse_args(int argc, char **argv, struct export_args *a)
{
	struct ers_opts p;
	int c;

	ers_opts_init(&p, CMD, argc, argv, "o:", ers_export_options);
	while ((c = ers_opts_next(&p)) != ERS_OPT_END) {
		switch (c) {
		case ERS_OPT_OPERAND:
			if (a->file)
				return ers_usage_error(CMD, "more than one scenario file ('%s')",
						       p.arg);
			a->file = p.arg;
			break;
		case OPT_FORMAT:
			a->format = p.arg;
			break;
		case 'o':
			a->out = p.arg;
			break;
		default:
			return 2;	/* reported by ers_opts_next */
		}
	}
	if (!a->file)
		return ers_usage_error(CMD, "no scenario file given");
	return 0;
}

static int pick_format(const struct export_args *a, enum ers_export_format *f)
{
	if (a->format) {
		if (ers_export_format_parse(a->format, f))
			return ers_usage_error(CMD, "unknown format '%s' (expected dot, graphml or json)",
					       a->format);
		return 0;
	}
	*f = ERS_EXPORT_DOT;
	if (a->out && ends_with(a->out, ".graphml"))
		*f = ERS_EXPORT_GRAPHML;
	else if (a->out && ends_with(a->out, ".json"))
		*f = ERS_EXPORT_JSON;
	return 0;
}

/* Write to stdout via memory, so a failure prints nothing. */
static enum ers_err write_stdout(const struct ers_topology *t, enum ers_export_format f,
				 struct ers_diag *d)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *mem = open_memstream(&buf, &len);
	enum ers_err rc;

	if (!mem)
		return ers_diag_add(d, ERS_ENOMEM, NULL, 0, NULL, "out of memory");
	rc = ers_export_write(t, f, mem, d);
	if (fclose(mem) && rc == ERS_OK)
		rc = ers_diag_add(d, ERS_ENOMEM, NULL, 0, NULL, "out of memory");
	if (rc == ERS_OK && (fwrite(buf, 1, len, stdout) != len || fflush(stdout)))
		rc = ers_diag_add(d, ERS_EIO, NULL, 0, NULL, "cannot write to standard output");
	free(buf);
	return rc;
}

struct export_ctx {
	const struct ers_topology *topo;
	enum ers_export_format format;
};

static enum ers_err file_writer(const void *ctx, FILE *f, struct ers_diag *d)
{
	const struct export_ctx *x = ctx;

	return ers_export_write(x->topo, x->format, f, d);
}

int ers_cmd_export(int argc, char **argv)
{
	struct export_args a = { 0 };
	struct ers_scenario *s = NULL;
	struct ers_catalog *cat = NULL;
	struct export_ctx x = { NULL, ERS_EXPORT_DOT };
	struct ers_topology *topo = NULL;
	struct ers_diag d;
	enum ers_err rc;
	int code;

	if ((code = parse_args(argc, argv, &a)) || (code = pick_format(&a, &x.format)) ||
	    (code = ers_input_check(a.file, "scenario file")))
		return code;
	ers_diag_init(&d);
	rc = ers_scenario_open(a.file, &s, &cat, &d);
	if (rc == ERS_OK)
		rc = ers_topology_build(s, cat, &topo, &d);
	if (rc != ERS_OK) {
		if (!d.n_msgs)
			ers_diag_add(&d, rc, a.file, 0, NULL, "%s", ers_err_str(rc));
		ers_diag_print(&d, stderr);
		code = ers_input_exit_code(rc);
		goto out;
	}
	x.topo = topo;
	if (a.out) {
		code = ers_write_atomic(CMD, a.out, file_writer, &x, &d);
	} else if ((rc = write_stdout(topo, x.format, &d)) != ERS_OK) {
		ers_diag_print(&d, stderr);
		code = ers_err_exit_code(rc);
	}
out:
	ers_topology_free(topo);
	ers_catalog_free(cat);
	ers_scenario_free(s);
	ers_diag_release(&d);
	return code;
}
