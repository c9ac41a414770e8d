/* cli/cli.h — what the mmsim command's files share. */
#ifndef MMSIM_CLI_CLI_H
#define MMSIM_CLI_CLI_H

#include "mmsim.h"

#define CLI_HELP (-100)     /* --help was printed: exit 0 */

#define CLI_COMMON_OPTIONS                                                         \
	"  --machine PRESET   start from a machine preset (default: default)\n"       \
	"  -o KEY=VALUE       override one setting (e.g. -o ram=8G -o cores=4)\n"    \
	"  --seed N           the random seed (same seed, same output)\n"            \
	"  -h, --help         describe the command\n"

struct cli {
	const char *name, *usage;
	mmsim_config *config;
};

/* Parse the common options of a subcommand (argv[0] is its name). Returns
 * the index of the first remaining argument, CLI_HELP after printing help,
 * or -1 after printing a usage error. */
int cli_parse_options(struct cli *cli, int argc, char **argv);

/* Boot a machine from cli->config; NULL after printing why. */
mmsim_machine *cli_boot(struct cli *cli);

void cli_cleanup(struct cli *cli);

/* Print a /proc file of m with a heading; 0 or 1. */
int cli_show(mmsim_machine *m, const char *path);

int cli_demo(struct cli *cli, int argc, char **argv);
int cli_proc(struct cli *cli, int argc, char **argv);

#endif
