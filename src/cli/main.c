/*
 * cli/main.c — the mmsim command: option parsing and subcommand dispatch.
 * Uses only the public API (mmsim.h).
 *
 * Exit codes: 0 success; 1 the script or the simulated operation failed
 * (a Lua error, a syntax error, a file that cannot be read); 2 usage error
 * (bad option, unknown subcommand or preset, bad -o key or value).
 */
#include "cli.h"

#include "common.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const struct subcommand {
	const char *name;
	int (*run)(struct cli *cli, int argc, char **argv);
	const char *summary;
	const char *usage;
} subcommands[] = {
	{ "run", cli_run, "run a Lua script that drives simulated machines",
	  "mmsim run [OPTIONS] SCRIPT.lua [ARGS...]\n\n"
	  "Run SCRIPT (\"-\" reads standard input) with the module `mmsim` as a global;\n"
	  "ARGS are in the table `arg` and are the chunk's arguments. --machine applies\n"
	  "to every machine the script builds without naming a preset; -o settings\n"
	  "apply on top of what the script asks. Exit 1 when the script fails.\n" },
	{ "explain", cli_explain, "run a Lua script and narrate every step",
	  "mmsim explain [OPTIONS] SCRIPT.lua [ARGS...]\n\n"
	  "As mmsim run, with explain mode on for every machine from its start: each\n"
	  "system call, TLB probe, page walk step, permission decision, fault-handler\n"
	  "step, PTE written and TLB flush is printed as it happens.\n" },
	{ "shell", cli_shell, "an interactive Lua shell with the module mmsim",
	  "mmsim shell [OPTIONS]\n\n"
	  "A Lua 5.4 REPL with line editing, history (~/.mmsim_history), completion\n"
	  "of mmsim's functions and methods (Tab) and help(). Expressions print their\n"
	  "values. Reads plain lines without prompts when standard input is a pipe.\n" },
	{ "presets", cli_presets, "list the machine presets, or describe some",
	  "mmsim presets [NAME...]\n\n"
	  "Without NAME, one line per preset; with NAMEs, each in full: its cores,\n"
	  "TLBs, paging-structure caches, latencies and where the numbers come from.\n" },
	{ "demo", cli_demo, "walk through the buddy and slab allocators on a fresh machine",
	  "mmsim demo [OPTIONS]\n\n"
	  "Boot a machine and show, with the kernel's own /proc views, a buddy split\n"
	  "and coalesce (seed 003 section 4.1) and slab object caching (section 5).\n" },
	{ "proc", cli_proc, "print /proc files of a freshly booted machine",
	  "mmsim proc [OPTIONS] PATH...\n\n"
	  "Boot a machine and print each PATH (e.g. /proc/buddyinfo, /proc/zoneinfo).\n"
	  "`mmsim proc list` lists the paths served.\n" },
	{ "diff", cli_diff, "run a script on the simulator and on this machine's kernel; compare",
	  "mmsim diff [--all] [--json FILE] SCRIPT.lua [ARGS...]\n\n"
	  "Run SCRIPT twice: on simulated machines set up as this host is, and on the\n"
	  "host backend (real processes of this machine). Report, operation by\n"
	  "operation, where results, errno, signals or page-fault counts differ, and\n"
	  "at mmsim.checkpoint(NAME) and the end, where the script's VMAs (relative\n"
	  "bounds, permissions, flags, names), pagemap bits or smaps fields differ.\n"
	  "SCRIPT \"-\" is read from standard input. --all prints every operation.\n"
	  "Exit 0 when they agree, 1 when they differ\n"
	  "or the script fails, 2 on usage errors, 3 when it cannot run here.\n" },
	{ "inspect", cli_inspect, "memory forensics of a real process: VMAs, pages, frames",
	  "mmsim inspect [--pages] [--unprivileged] [--json FILE] PID\n\n"
	  "For each VMA of the real process PID (from /proc/PID/maps): its pages\n"
	  "present, swapped, on the zero page, in huge pages, mapped exclusively or\n"
	  "shared (pagemap, /proc/kpageflags, /proc/kpagecount), like pmap -X.\n"
	  "--pages lists every present or swapped page, with its frame, physical\n"
	  "address, mapcount and page flags when privileged (Linux hides frame\n"
	  "numbers from processes without CAP_SYS_ADMIN). --unprivileged shows what\n"
	  "such a process sees. --json FILE writes the same as JSON. Exit 0, 1 when\n"
	  "the process cannot be read, 2 on usage errors.\n" },
};
#define NR_SUBCOMMANDS ARRAY_SIZE(subcommands)

/* Subcommands with flags of their own, beyond the common options. */
static const struct {
	const char *name;
	int (*option)(struct cli *cli, const char *arg);
} own_options[] = { { "diff", cli_diff_option }, { "inspect", cli_inspect_option } };

/* The flag parser of subcommand name, or NULL. */
static int (*own_option(const char *name))(struct cli *, const char *)
{
	for (size_t i = 0; i < ARRAY_SIZE(own_options); i++)
		if (!strcmp(own_options[i].name, name))
			return own_options[i].option;
	return NULL;
}

static void usage(FILE *f)
{
	fprintf(f, "usage: mmsim [--version] [--help] COMMAND [OPTIONS] [ARGS]\n\n"
		   "mmsim simulates x86-64 memory management: the MMU hardware and the\n"
		   "Linux-like kernel that drives it.\n\ncommands:\n");
	for (size_t i = 0; i < NR_SUBCOMMANDS; i++)
		fprintf(f, "  %-10s %s\n", subcommands[i].name, subcommands[i].summary);
	fprintf(f, "\ncommon options:\n%s\n`mmsim COMMAND --help` describes one command.\n"
		   "Exit codes: 0 success, 1 the script or operation failed, 2 usage error,\n"
		   "3 (diff) the script cannot be compared on this machine.\n",
		CLI_COMMON_OPTIONS);
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return 2;
	}
	if (!strcmp(argv[1], "--version") || !strcmp(argv[1], "-V")) {
		printf("mmsim %s\n", mmsim_version());
		return 0;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
		usage(stdout);
		return 0;
	}
	for (size_t i = 0; i < NR_SUBCOMMANDS; i++) {
		const struct subcommand *sc = &subcommands[i];
		if (strcmp(argv[1], sc->name))
			continue;
		struct cli cli = { .name = sc->name, .usage = sc->usage, .option = own_option(sc->name) };
		int first = cli_parse_options(&cli, argc - 1, argv + 1);
		if (first < 0)
			return first == CLI_HELP ? 0 : 2;
		int rc = sc->run(&cli, argc - 1 - first, argv + 1 + first);
		cli_cleanup(&cli);
		return rc;
	}
	fprintf(stderr, "mmsim: '%s' is not a command; see mmsim --help\n", argv[1]);
	return 2;
}
