/*
 * cli_util.c - option parsing and all-or-nothing output files for the
 * commands (cli_util.h).
 */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ersim/cli_util.h"
#include "ersim/cmd.h"
#include "ersim/run.h"
#include "ersim/units.h"

bool ers_opt_is(const char *arg, const char *name)
{
	size_t n = strlen(name);

	return !strncmp(arg, name, n) && (arg[n] == '\0' || arg[n] == '=');
}

const char *ers_opt_value(int argc, char **argv, int *i, const char *name)
{
	size_t n = strlen(name);

	if (argv[*i][n] == '=')
		return argv[*i] + n + 1;
	if (*i + 1 < argc)
		return argv[++*i];
	return NULL;
}

void ers_catch_stop_signals(void (*handler)(int))
{
	static const int sigs[] = { SIGINT, SIGTERM, SIGHUP };
	struct sigaction sa;

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = handler;
	sigemptyset(&sa.sa_mask);
	for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++)
		sigaction(sigs[i], &sa, NULL);
}

int ers_opt_seed(const char *cmd, const char *v, struct ers_run_opts *o)
{
	const char *why = NULL;
	uint64_t seed;

	if (ers_parse_uint(v, 0, UINT64_MAX, &seed, &why) != ERS_OK)
		return ers_usage_error(cmd, "bad --seed '%s': %s", v, why);
	o->has_seed = true;
	o->seed = seed;
	return 0;
}

int ers_opt_until(const char *cmd, const char *v, struct ers_run_opts *o)
{
	const char *why = NULL;

	if (ers_parse_time(v, &o->until, &why) != ERS_OK)
		return ers_usage_error(cmd, "bad --until '%s': %s", v, why);
	o->has_until = true;
	return 0;
}

int ers_write_atomic(const char *cmd, const char *path, ers_write_fn *write,
		     const void *ctx, struct ers_diag *d)
{
	size_t n = strlen(path) + 5;
	char *tmp = malloc(n);
	enum ers_err rc = ERS_ENOMEM;
	int err = 0;
	FILE *f = NULL;

	if (tmp) {
		snprintf(tmp, n, "%s.tmp", path);
		f = fopen(tmp, "w");
		err = f ? 0 : errno;
		rc = f ? ERS_OK : ERS_EIO;
	}
	if (f) {
		rc = write(ctx, f, d);
		if (fclose(f) && rc == ERS_OK) {
			rc = ERS_EIO;
			err = errno;
		}
		if (rc == ERS_OK && rename(tmp, path)) {
			rc = ERS_EIO;
			err = errno;
		}
		if (rc != ERS_OK)
			unlink(tmp);
	}
	if (rc != ERS_OK) {
		fprintf(stderr, "ersim %s: cannot write '%s': %s\n", cmd, path,
			err ? strerror(err) : ers_err_str(rc));
		ers_diag_print(d, stderr);
	}
	free(tmp);
	return rc == ERS_OK ? 0 : ers_err_exit_code(rc) == 2 ? 2 : 3;
}
