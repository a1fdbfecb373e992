/* cmd_export.c - placeholder until the command lands (being written now). */
#include "ersim/cmd.h"
int ers_cmd_export(int argc, char **argv)
{
	(void)argc; (void)argv;
	return ers_usage_error("export", "not built yet");
}
