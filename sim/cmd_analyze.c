/* cmd_analyze.c - placeholder until the command lands (being written now). */
#include "ersim/cmd.h"
int ers_cmd_analyze(int argc, char **argv)
{
	(void)argc; (void)argv;
	return ers_usage_error("analyze", "not built yet");
}
