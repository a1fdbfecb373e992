/*
 * cli_util.h - what the commands share: reading "--opt V" / "--opt=V"
 * options, and writing an output file all at once (FILE.tmp, renamed over
 * FILE on success, removed on failure: nothing half-written is left).
 */
#ifndef ERSIM_CLI_UTIL_H
#define ERSIM_CLI_UTIL_H

#include <stdbool.h>
#include <stdio.h>

#include "ersim/error.h"

/* Is arg the option name, alone or as "name=value"? */
bool ers_opt_is(const char *arg, const char *name);
/* The value of option argv[*i] ("--opt=V", or the next argument, which
 * *i then moves past); NULL when there is none. */
const char *ers_opt_value(int argc, char **argv, int *i, const char *name);

struct ers_run_opts;

/* --seed N and --until T, shared by the commands that run scenarios:
 * sets o from v and returns 0, or reports a usage error (exit code 2). */
int ers_opt_seed(const char *cmd, const char *v, struct ers_run_opts *o);
int ers_opt_until(const char *cmd, const char *v, struct ers_run_opts *o);

/* Send SIGINT, SIGTERM and SIGHUP to handler (a user stopping a long
 * command: commands clean up or stop between runs). */
void ers_catch_stop_signals(void (*handler)(int));

/* Writes the content to f; errors beyond I/O go to d. */
typedef enum ers_err ers_write_fn(const void *ctx, FILE *f, struct ers_diag *d);

/* Write path through path.tmp with write(ctx, f, d). Returns 0, or the
 * exit code (3, or 2 for invalid input) after printing why on stderr as
 * "ersim CMD: cannot write 'path': reason". */
int ers_write_atomic(const char *cmd, const char *path, ers_write_fn *write,
		     const void *ctx, struct ers_diag *d);

#endif
