/*
 * commands.c - the table of ersim's subcommands (git.c style) with their
 * usage lines, and the usage error every command reports through. In the
 * library so that tests can call a command's function directly.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "ersim/cmd.h"

const struct ers_command ers_commands[] = {
	{ "run", ers_cmd_run,
	  "ersim run [SCENARIO.xml] [--json FILE] [--trace FILE] [--report FILE.html] [--ribs] [--seed N] [--until T] [--shuffle-ties] [--debug]",
	  "simulate one scenario (no file: the bundled default scenario)" },
	{ "validate", ers_cmd_validate, "ersim validate SCENARIO.xml...",
	  "schema and meaning checks only, every error with file:line" },
	{ "analyze", ers_cmd_analyze,
	  "ersim analyze SCENARIO.xml [--json FILE] [--verify] [--max-runs N]",
	  "static resiliency: single points of failure, min cuts, resiliency class" },
	{ "compare", ers_cmd_compare,
	  "ersim compare A B [C ...] [--json FILE] [--report FILE.html] [--fail-on EXPR] [--only-diff] [--seed N] [--until T]",
	  "failover results of scenarios or result documents side by side" },
	{ "batch", ers_cmd_batch,
	  "ersim batch EXPERIMENT.xml [-j N] [--db FILE] [--csv FILE] [--report FILE.html] [--shard K/N] [--run-timeout T] [--retry-failed] [-q]",
	  "parameter sweeps and failure studies, in parallel, into SQLite" },
	{ "merge", ers_cmd_merge, "ersim merge OUT.db IN.db... [--csv FILE]",
	  "combine the databases of batch shards" },
	{ "export", ers_cmd_export,
	  "ersim export SCENARIO.xml [--format dot|graphml|json] [-o FILE]",
	  "write the built topology graph" },
};

const size_t ers_n_commands = sizeof ers_commands / sizeof ers_commands[0];

const struct ers_command *ers_command_find(const char *name)
{
	for (size_t i = 0; i < ers_n_commands; i++)
		if (!strcmp(ers_commands[i].name, name))
			return &ers_commands[i];
	return NULL;
}

void ers_commands_overview(FILE *out)
{
	fprintf(out, "usage: ersim COMMAND [ARGS]\n\ncommands:\n");
	for (size_t i = 0; i < ers_n_commands; i++)
		fprintf(out, "  %-10s %s\n", ers_commands[i].name, ers_commands[i].summary);
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
	const struct ers_command *c = ers_command_find(cmd);
	if (c)
		fprintf(stderr, "usage: %s\n", c->usage);
	return 2;
}

int ers_command_help(const char *name)
{
	const struct ers_command *c = ers_command_find(name);

	if (!c) {
		fprintf(stderr, "ersim: unknown command '%s'\n", name);
		return 2;
	}
	printf("usage: %s\n\n%s\n", c->usage, c->summary);
	return 0;
}

