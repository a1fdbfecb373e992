/* cmd_compare.c - placeholder until the command lands (being written now). */
#include "ersim/cmd.h"
int ers_cmd_compare(int argc, char **argv)
{
	(void)argc; (void)argv;
	return ers_usage_error("compare", "not built yet");
}
