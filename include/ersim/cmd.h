/*
 * cmd.h - the subcommands of the ersim binary (git-style command table in
 * sim/main.c). Each takes argv with argv[0] = the command name and returns
 * the process exit code: 0 ok, 1 a check the user asked for failed, 2 bad
 * usage or invalid input, 3 runtime failure.
 */
#ifndef ERSIM_CMD_H
#define ERSIM_CMD_H

#include <stdio.h>

int ers_cmd_run(int argc, char **argv);
int ers_cmd_validate(int argc, char **argv);
int ers_cmd_export(int argc, char **argv);

/* Print a one-line usage error "ersim CMD: reason" and return 2. */
int ers_usage_error(const char *cmd, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#endif
