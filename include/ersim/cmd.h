/*
 * cmd.h - the subcommands of the ersim binary (git-style command table in
 * sim/main.c). Each takes argv with argv[0] = the command name and returns
 * the process exit code: 0 ok, 1 a check the user asked for failed, 2 bad
 * usage or invalid input, 3 runtime failure.
 */
#ifndef ERSIM_CMD_H
#define ERSIM_CMD_H

#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>

int ers_cmd_run(int argc, char **argv);
int ers_cmd_validate(int argc, char **argv);
int ers_cmd_export(int argc, char **argv);
int ers_cmd_analyze(int argc, char **argv);
int ers_cmd_compare(int argc, char **argv);
int ers_cmd_batch(int argc, char **argv);
int ers_cmd_merge(int argc, char **argv);
int ers_cmd_import(int argc, char **argv);

/* One option of a command, as help and the usage line show it. */
struct ers_opt_help {
	const char *name;		/* the long name in the getopt table */
	char short_name;		/* 'j' for -j, or 0 */
	const char *arg;		/* the value's name ("FILE"), NULL: no value */
	const char *help;		/* what it does, with units */
	const char *example;		/* the option in use, after the operands */
	bool repeat;			/* may be given more than once */
};

struct ers_command {
	const char *name;
	int (*fn)(int argc, char **argv);
	const struct option *longopts;	/* what the command's parser accepts */
	const struct ers_opt_help *opts; /* ends with a zero entry */
	const char *operands;		/* "[SCENARIO.xml]", "A B [C ...]" */
	const char *sample;		/* operands for the option examples */
	const char *summary;		/* one line, for 'ersim help' */
	const char *about;		/* a paragraph, for 'ersim help CMD' */
	const char *note;		/* more help (units, a grammar), or NULL */
	const char *examples;		/* whole command lines, one per line */
	const char *docs;		/* the docs/ pages about it */
};

/* The getopt_long tables of the commands (sim/cmd_*.c). */
extern const struct option ers_run_options[], ers_validate_options[],
	ers_analyze_options[], ers_compare_options[], ers_batch_options[],
	ers_merge_options[], ers_export_options[], ers_import_options[];

extern const struct ers_command ers_commands[];
extern const size_t ers_n_commands;
const struct ers_command *ers_command_find(const char *name);
void ers_commands_overview(FILE *out);
/* Print a command's help to stdout; 2 if there is no such command. */
int ers_command_help(const char *name);
/* The usage line "ersim run [SCENARIO.xml] [--json FILE] ..." into buf
 * (n bytes, NUL-terminated, truncated if short); the length it needs. */
size_t ers_command_usage(const struct ers_command *c, char *buf, size_t n);

/* Print a one-line usage error "ersim CMD: reason" and return 2. */
int ers_usage_error(const char *cmd, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#endif
