/* cmd_validate.c - placeholder until the command lands (being written now). */
#include "ersim/cmd.h"
int ers_cmd_validate(int argc, char **argv)
{
	(void)argc; (void)argv;
	return ers_usage_error("validate", "not built yet");
}
