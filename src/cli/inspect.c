/* cli/inspect.c — placeholder, replaced below. */
#include "cli.h"

int cli_inspect_option(struct cli *cli, const char *arg)
{
	(void)cli;
	(void)arg;
	return 0;
}

int cli_inspect(struct cli *cli, int argc, char **argv)
{
	(void)cli;
	(void)argc;
	(void)argv;
	return 2;
}
