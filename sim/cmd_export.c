/*
 * cmd_export.c - `ersim export FILE [--format dot|graphml|json] [-o OUT]`:
 * builds the scenario's topology and writes it with export.c. Without
 * --format the format follows OUT's extension (.dot/.gv, .graphml, .json)
 * and is otherwise DOT. Output goes to stdout, or to OUT through a
 * temporary file in the same directory that is renamed over OUT only when
 * everything was written, so an error never leaves OUT half-written. On
 * stdout the document is built in memory first for the same reason.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ersim/cmd.h"
#include "ersim/scenario.h"
#include "ersim/topology.h"

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

/* Take the value of an option given as "--opt V", "--opt=V" or "-oV". */
static int opt_value(int argc, char **argv, int *i, const char *name, const char **val)
{
	size_t n = strlen(name);

	if (strncmp(argv[*i], name, n))
		return 0;
	if (argv[*i][n] == '=' || (name[1] != '-' && argv[*i][n])) {
		*val = argv[*i] + n + (argv[*i][n] == '=');
		return 1;
	}
	if (argv[*i][n])
		return 0;
	if (*i + 1 >= argc)
		return -1;
	*val = argv[++*i];
	return 1;
}

static int parse_args(int argc, char **argv, struct export_args *a)
{
	bool opts = true;

	for (int i = 1; i < argc; i++) {
		int r = 0;

		if (opts && !strcmp(argv[i], "--")) {
			opts = false;
			continue;
		}
		if (opts && argv[i][0] == '-' && argv[i][1]) {
			if (!(r = opt_value(argc, argv, &i, "--format", &a->format)) &&
			    !(r = opt_value(argc, argv, &i, "--output", &a->out)))
				r = opt_value(argc, argv, &i, "-o", &a->out);
			if (r < 0)
				return ers_usage_error("export", "option '%s' needs a value", argv[i]);
			if (!r)
				return ers_usage_error("export", "unknown option '%s'", argv[i]);
			continue;
		}
		if (a->file)
			return ers_usage_error("export", "more than one scenario file ('%s')", argv[i]);
		a->file = argv[i];
	}
	if (!a->file)
		return ers_usage_error("export", "no scenario file given");
	return 0;
}

static int pick_format(const struct export_args *a, enum ers_export_format *f)
{
	if (a->format) {
		if (ers_export_format_parse(a->format, f))
			return ers_usage_error("export", "unknown format '%s' (expected dot, graphml or json)",
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

/* Write to a temporary file beside path, then rename it over path. */
static enum ers_err write_file(const struct ers_topology *t, enum ers_export_format f,
			       const char *path, struct ers_diag *d)
{
	size_t n = strlen(path) + sizeof ".tmpXXXXXX";
	char *tmp = malloc(n);
	enum ers_err rc = ERS_OK;
	mode_t mask;
	FILE *fp;
	int fd;

	if (!tmp)
		return ers_diag_add(d, ERS_ENOMEM, NULL, 0, NULL, "out of memory");
	snprintf(tmp, n, "%s.tmpXXXXXX", path);
	fd = mkstemp(tmp);
	if (fd < 0 || !(fp = fdopen(fd, "w"))) {
		if (fd >= 0) {
			close(fd);
			unlink(tmp);
		}
		rc = ers_diag_add(d, ERS_EIO, path, 0, NULL, "cannot create '%s'", tmp);
		goto out;
	}
	mask = umask(0);	/* mkstemp makes 0600; give the usual 0666 & ~umask */
	umask(mask);
	fchmod(fd, 0666 & ~mask);
	rc = ers_export_write(t, f, fp, d);
	if (rc == ERS_OK && (fflush(fp) || ferror(fp)))
		rc = ers_diag_add(d, ERS_EIO, path, 0, NULL, "cannot write '%s'", tmp);
	if (fclose(fp) && rc == ERS_OK)
		rc = ers_diag_add(d, ERS_EIO, path, 0, NULL, "cannot write '%s'", tmp);
	if (rc == ERS_OK && rename(tmp, path))
		rc = ers_diag_add(d, ERS_EIO, path, 0, NULL, "cannot write '%s'", path);
	if (rc != ERS_OK)
		unlink(tmp);
out:
	free(tmp);
	return rc;
}

int ers_cmd_export(int argc, char **argv)
{
	struct export_args a = { 0 };
	struct ers_scenario *s = NULL;
	struct ers_catalog *cat = NULL;
	struct ers_topology *topo = NULL;
	enum ers_export_format f;
	struct ers_diag d;
	enum ers_err rc;
	int code;

	if ((code = parse_args(argc, argv, &a)) || (code = pick_format(&a, &f)))
		return code;
	ers_diag_init(&d);
	rc = ers_scenario_open(a.file, &s, &cat, &d);
	if (rc == ERS_OK)
		rc = ers_topology_build(s, cat, &topo, &d);
	if (rc == ERS_OK)
		rc = a.out ? write_file(topo, f, a.out, &d) : write_stdout(topo, f, &d);
	if (rc != ERS_OK) {
		if (!d.n_msgs)
			ers_diag_add(&d, rc, a.file, 0, NULL, "%s", ers_err_str(rc));
		ers_diag_print(&d, stderr);
	}
	ers_topology_free(topo);
	ers_catalog_free(cat);
	ers_scenario_free(s);
	ers_diag_release(&d);
	return rc == ERS_OK ? 0 : ers_err_exit_code(rc);
}
