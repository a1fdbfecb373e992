/*
 * main.c - the ersim command table and dispatch, in the style of git.c:
 * "ersim CMD args" runs the command, "ersim help CMD" and "ersim CMD --help"
 * print its usage. The commands live in sim/cmd_*.c over libersim.a.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <igraph.h>
#include <libxml/parser.h>

#include "ersim/cmd.h"

struct command {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *usage;
	const char *summary;
};

static const struct command commands[] = {
	{ "run", ers_cmd_run,
	  "ersim run [SCENARIO.xml] [--json FILE] [--trace FILE] [--ribs] [--seed N] [--until T] [--shuffle-ties] [--debug]",
	  "simulate one scenario (no file: the bundled default scenario)" },
	{ "validate", ers_cmd_validate, "ersim validate SCENARIO.xml...",
	  "schema and meaning checks only, every error with file:line" },
	{ "export", ers_cmd_export,
	  "ersim export SCENARIO.xml [--format dot|graphml|json] [-o FILE]",
	  "write the built topology graph" },
};

#define N_COMMANDS (sizeof commands / sizeof commands[0])

static const struct command *find_command(const char *name)
{
	for (size_t i = 0; i < N_COMMANDS; i++)
		if (!strcmp(commands[i].name, name))
			return &commands[i];
	return NULL;
}

static void print_overview(FILE *out)
{
	fprintf(out, "usage: ersim COMMAND [ARGS]\n\ncommands:\n");
	for (size_t i = 0; i < N_COMMANDS; i++)
		fprintf(out, "  %-10s %s\n", commands[i].name, commands[i].summary);
	fprintf(out, "\n'ersim help COMMAND' prints a command's usage.\n");
}

int ers_usage_error(const char *cmd, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "ersim %s: ", cmd);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	const struct command *c = find_command(cmd);
	if (c)
		fprintf(stderr, "usage: %s\n", c->usage);
	return 2;
}

static int print_help(const char *name)
{
	const struct command *c = find_command(name);

	if (!c) {
		fprintf(stderr, "ersim: unknown command '%s'\n", name);
		return 2;
	}
	printf("usage: %s\n\n%s\n", c->usage, c->summary);
	return 0;
}

int main(int argc, char **argv)
{
	const struct command *c;
	int rc;

	if (argc < 2) {
		print_overview(stderr);
		return 2;
	}
	if (!strcmp(argv[1], "help") || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		if (argc > 2)
			return print_help(argv[2]);
		print_overview(stdout);
		return 0;
	}
	if (!strcmp(argv[1], "--version") || !strcmp(argv[1], "version")) {
		printf("ersim 0.1\n");
		return 0;
	}
	c = find_command(argv[1]);
	if (!c) {
		fprintf(stderr, "ersim: unknown command '%s' (see 'ersim help')\n", argv[1]);
		return 2;
	}
	for (int i = 2; i < argc; i++)
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h"))
			return print_help(c->name);

	/* igraph reports through return codes; its default handler aborts. */
	igraph_set_error_handler(igraph_error_handler_ignore);
	igraph_set_warning_handler(igraph_warning_handler_ignore);
	xmlInitParser();
	rc = c->fn(argc - 1, argv + 1);
	xmlCleanupParser();
	return rc;
}
