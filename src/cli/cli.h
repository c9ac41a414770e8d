/* cli/cli.h — what the mmsim command's files share. */
#ifndef MMSIM_CLI_CLI_H
#define MMSIM_CLI_CLI_H

#include "mmsim.h"

#define CLI_HELP (-100)     /* --help was printed: exit 0 */

/* The options of commands that build simulated machines. */
#define CLI_MACHINE_OPTIONS                                                        \
	"  --machine PRESET   start from a machine preset (default: default)\n"       \
	"  -o KEY=VALUE       override one setting (e.g. -o ram=8G -o cores=4)\n"    \
	"  --seed N           the random seed, math.random's too (same seed, same\n" \
	"                     output)\n"
#define CLI_JSON_OPTION                                                            \
	"  --json FILE        write a JSON report to FILE, - for standard output (the\n" \
	"                     final counters of every machine; diff and inspect:\n"   \
	"                     their own report)\n"
#define CLI_HELP_OPTION "  -h, --help         describe the command\n"

/* Which of the common options a command takes (struct cli.takes). */
#define CLI_TAKES_MACHINE 1  /* --machine, -o, --seed */
#define CLI_TAKES_JSON    2  /* --json */
#define CLI_OWN_ARGS      4  /* parses all its arguments itself (record: -o is its output) */
#define CLI_TAKES_OUTPUT  8  /* -o FILE (a value without '='), --output FILE */

#define CLI_MAX_OVERRIDES 64

struct cli {
	const char *name, *usage;
	unsigned takes;                /* CLI_TAKES_*: the others are refused */
	mmsim_config *config;          /* the preset with the overrides applied */
	const char *preset;            /* --machine, NULL when not given */
	const char *overrides[CLI_MAX_OVERRIDES + 1];   /* -o and --seed, in order */
	char seed_override[48];
	int noverrides;
	const char *json;              /* --json FILE, NULL when not given */
	const char *output;            /* -o FILE, --output FILE (CLI_TAKES_OUTPUT) */
	/* A subcommand's own flags: 1 when it took arg, 2 when it also took
	 * the argument after it, cli->next (NULL: none); 0 when arg is not
	 * one of them; -1 after printing why its value is bad. */
	int (*option)(struct cli *cli, const char *arg);
	const char *next;              /* the argument after the one given to option */
	int flags;                     /* what they set */
};

/* Parse the common options of a subcommand (argv[0] is its name). Returns
 * the index of the first remaining argument, CLI_HELP after printing help,
 * or -1 after printing a usage error. */
int cli_parse_options(struct cli *cli, int argc, char **argv);

/* Print the command's help: its usage and the options it takes. */
void cli_help(const struct cli *cli);

/* "mmsim NAME: no WHAT given (HINT)" and the usage, on stderr; returns 2. */
int cli_missing(const struct cli *cli, const char *what, const char *hint);

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

/* Write root to cli->json ("-": standard output, after what was printed).
 * 0, or 1 after printing why it failed. */
struct json_t;
int cli_json_dump(const struct cli *cli, struct json_t *root);

/* Refuse a --json FILE that cannot be written (no such directory, a
 * directory, no permission) before the command runs: 0, or -1 after
 * printing why. Nothing is created. */
int cli_json_check(const struct cli *cli);

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
int cli_replay(struct cli *cli, int argc, char **argv);
int cli_replay_option(struct cli *cli, const char *arg);
int cli_import(struct cli *cli, int argc, char **argv);
int cli_record(struct cli *cli, int argc, char **argv);

/* obj[a][b]...[last] = value for the dotted name "a.b.last". */
void cli_json_set_path(struct json_t *obj, const char *name, uint64_t value);
int cli_draw(struct cli *cli, int argc, char **argv);
int cli_draw_option(struct cli *cli, const char *arg);

#endif
