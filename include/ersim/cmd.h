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
int ers_cmd_analyze(int argc, char **argv);
int ers_cmd_compare(int argc, char **argv);
int ers_cmd_batch(int argc, char **argv);
int ers_cmd_merge(int argc, char **argv);
int ers_cmd_import(int argc, char **argv);

struct ers_command {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *usage;
	const char *summary;
};

extern const struct ers_command ers_commands[];
extern const size_t ers_n_commands;
const struct ers_command *ers_command_find(const char *name);
void ers_commands_overview(FILE *out);
/* Print a command's usage to stdout; 2 if there is no such command. */
int ers_command_help(const char *name);

/* Print a one-line usage error "ersim CMD: reason" and return 2. */
int ers_usage_error(const char *cmd, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#endif
