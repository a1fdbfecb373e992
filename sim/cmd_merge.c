/* cmd_merge.c - placeholder until the command lands (being written now). */
#include "ersim/cmd.h"
int ers_cmd_merge(int argc, char **argv)
{
	(void)argc; (void)argv;
	return ers_usage_error("merge", "not built yet");
}
