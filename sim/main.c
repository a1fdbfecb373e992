/*
 * main.c - dispatch of ersim subcommands, in the style of git.c:
 * "ersim CMD args" runs the command, "ersim help CMD" and "ersim CMD --help"
 * print its usage. The table is sim/commands.c, the commands sim/cmd_*.c,
 * what they share sim/cli_util.c.
 */
#include <stdio.h>
#include <string.h>

#include <igraph.h>
#include <libxml/parser.h>

#include "ersim/cli_util.h"
#include "ersim/cmd.h"

int main(int argc, char **argv)
{
	const struct ers_command *c;
	int rc;

	if (argc < 2) {
		ers_commands_overview(stderr);
		return 2;
	}
	if (!strcmp(argv[1], "help") || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		if (argc > 2)
			return ers_command_help(argv[2]);
		ers_commands_overview(stdout);
		return 0;
	}
	if (!strcmp(argv[1], "--version") || !strcmp(argv[1], "version")) {
		printf("ersim 0.1\n");
		return 0;
	}
	c = ers_command_find(argv[1]);
	if (!c) {
		fprintf(stderr, "ersim: unknown command '%s' (see 'ersim help')\n", argv[1]);
		return 2;
	}
	for (int i = 2; i < argc && strcmp(argv[i], "--"); i++)
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h"))
			return ers_command_help(c->name);

	/* Ctrl-C and friends remove the temporaries of output files being
	 * written; batch replaces this with its own stop between runs. */
	ers_catch_stop_signals(ers_tmp_on_signal);

	/* igraph reports through return codes; its default handler aborts. */
	igraph_set_error_handler(igraph_error_handler_ignore);
	igraph_set_warning_handler(igraph_warning_handler_ignore);
	xmlInitParser();
	rc = c->fn(argc - 1, argv + 1);
	xmlCleanupParser();
	return rc;
}
