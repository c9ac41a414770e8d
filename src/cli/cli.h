/* cli/cli.h — what the mmsim command's files share. */
#ifndef MMSIM_CLI_CLI_H
#define MMSIM_CLI_CLI_H

#include "mmsim.h"

#define CLI_HELP (-100)     /* --help was printed: exit 0 */

#define CLI_COMMON_OPTIONS                                                         \
	"  --machine PRESET   start from a machine preset (default: default)\n"       \
	"  -o KEY=VALUE       override one setting (e.g. -o ram=8G -o cores=4)\n"    \
	"  --seed N           the random seed (same seed, same output)\n"            \
	"  --json FILE        write a JSON report to FILE (the final counters of\n"   \
	"                     every machine; diff and inspect: their own report)\n" \
	"  -h, --help         describe the command\n"

#define CLI_MAX_OVERRIDES 64

struct cli {
	const char *name, *usage;
	mmsim_config *config;          /* the preset with the overrides applied */
	const char *preset;            /* --machine, NULL when not given */
	const char *overrides[CLI_MAX_OVERRIDES + 1];   /* -o and --seed, in order */
	char seed_override[48];
	int noverrides;
	const char *json;              /* --json FILE, NULL when not given */
	/* A subcommand's own flags: 1 when it took arg (NULL: none). */
	int (*option)(struct cli *cli, const char *arg);
	int flags;                     /* what they set */
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

/* Write {"mmsim": version, "machines": [{"preset":, "config":, "stats":}]}
 * for the machines to cli->json (nothing when not asked). 0, or 1 after
 * printing why it failed. */
struct cli_json;
struct cli_json *cli_json_new(void);
void cli_json_add(struct cli_json *j, mmsim_machine *m, const char *preset);
int cli_json_write(struct cli *cli, struct cli_json *j);

/* --json for one machine (nothing without it); returns rc, or 1 when rc
 * was 0 and the report failed. */
int cli_report(struct cli *cli, mmsim_machine *m, int rc);

int cli_demo(struct cli *cli, int argc, char **argv);
int cli_proc(struct cli *cli, int argc, char **argv);
int cli_run(struct cli *cli, int argc, char **argv);
int cli_explain(struct cli *cli, int argc, char **argv);
int cli_shell(struct cli *cli, int argc, char **argv);
int cli_presets(struct cli *cli, int argc, char **argv);
int cli_diff(struct cli *cli, int argc, char **argv);
int cli_diff_option(struct cli *cli, const char *arg);
int cli_inspect(struct cli *cli, int argc, char **argv);
int cli_inspect_option(struct cli *cli, const char *arg);

#endif
