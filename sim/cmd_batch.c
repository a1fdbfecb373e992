/* cmd_batch.c - placeholder until the command lands (being written now). */
#include "ersim/cmd.h"
int ers_cmd_batch(int argc, char **argv)
{
	(void)argc; (void)argv;
	return ers_usage_error("batch", "not built yet");
}
