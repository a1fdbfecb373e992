/* cmd_run.c - placeholder until the command lands (being written now). */
#include "ersim/cmd.h"
int ers_cmd_run(int argc, char **argv)
{
	(void)argc; (void)argv;
	return ers_usage_error("run", "not built yet");
}
