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

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ALL (CLI_TAKES_MACHINE | CLI_TAKES_JSON)

static const struct subcommand {
	const char *name;
	int (*run)(struct cli *cli, int argc, char **argv);
	unsigned takes;                /* the common options it uses */
	const char *summary;
	const char *usage;
} subcommands[] = {
	{ "run", cli_run, ALL, "run a Lua script that drives simulated machines",
	  "mmsim run [OPTIONS] SCRIPT.lua [ARGS...]\n\n"
	  "Run SCRIPT (\"-\" reads standard input) with the module `mmsim` as a global;\n"
	  "ARGS are in the table `arg` and are the chunk's arguments. --machine applies\n"
	  "to every machine the script builds without naming a preset; -o settings\n"
	  "apply on top of what the script asks. Exit 1 when the script fails.\n" },
	{ "explain", cli_explain, ALL, "run a Lua script and narrate every step",
	  "mmsim explain [OPTIONS] SCRIPT.lua [ARGS...]\n\n"
	  "As mmsim run, with explain mode on for every machine from its start: each\n"
	  "system call, TLB probe, page walk step, permission decision, fault-handler\n"
	  "step, PTE written and TLB flush is printed as it happens.\n" },
	{ "shell", cli_shell, ALL, "an interactive Lua shell with the module mmsim",
	  "mmsim shell [OPTIONS]\n\n"
	  "A Lua 5.4 REPL with line editing, history (~/.mmsim_history, or the file\n"
	  "$MMSIM_HISTORY names), completion (Tab; after p: the methods of the value\n"
	  "p holds) and help(). Expressions print their values. Ctrl-C stops the\n"
	  "statement running, or abandons the line typed. Reads plain lines without\n"
	  "prompts when standard input is a pipe.\n" },
	{ "presets", cli_presets, 0, "list the machine presets, or describe some",
	  "mmsim presets [NAME...]\n\n"
	  "Without NAME, one line per preset; with NAMEs, each in full: its cores,\n"
	  "TLBs, paging-structure caches, latencies and where the numbers come from.\n" },
	{ "demo", cli_demo, ALL, "walk through the buddy and slab allocators on a fresh machine",
	  "mmsim demo [OPTIONS]\n\n"
	  "Boot a machine and show, with the kernel's own /proc views, a buddy split\n"
	  "and coalesce, and slab object caching.\n" },
	{ "proc", cli_proc, ALL, "print /proc files of a freshly booted machine",
	  "mmsim proc [OPTIONS] PATH...\n\n"
	  "Boot a machine and print each PATH (e.g. /proc/buddyinfo, /proc/zoneinfo).\n"
	  "`mmsim proc list` lists the paths it prints, then, with a note, the binary\n"
	  "and per-process files (scripts read them with methods).\n" },
	{ "diff", cli_diff, ALL, "run a script on the simulator and on this machine's kernel; compare",
	  "mmsim diff [--all] [--json FILE] SCRIPT.lua [ARGS...]\n\n"
	  "Run SCRIPT twice: on simulated machines set up as this host is, and on the\n"
	  "host backend (real processes of this machine). Report, operation by\n"
	  "operation, where results, errno, signals or page-fault counts differ, and\n"
	  "at mmsim.checkpoint(NAME) and the end, where the script's VMAs (relative\n"
	  "bounds, permissions, flags, names), pagemap bits or smaps fields differ.\n"
	  "SCRIPT \"-\" is read from standard input. --all prints every operation.\n"
	  "Exit 0 when they agree, 1 when they differ\n"
	  "or the script fails, 2 on usage errors, 3 when it cannot run here.\n" },
	{ "inspect", cli_inspect, CLI_TAKES_JSON, "memory forensics of a real process: VMAs, pages, frames",
	  "mmsim inspect [--pages] [--unprivileged] [--json FILE] PID\n\n"
	  "For each VMA of the real process PID (from /proc/PID/maps): its pages\n"
	  "present, swapped, on the zero page, in huge pages, mapped exclusively or\n"
	  "shared (pagemap, /proc/kpageflags, /proc/kpagecount), like pmap -X.\n"
	  "--pages lists every present or swapped page, with its frame, physical\n"
	  "address, mapcount and page flags when privileged (Linux hides frame\n"
	  "numbers from processes without CAP_SYS_ADMIN). --unprivileged shows what\n"
	  "such a process sees. --json FILE writes the same as JSON. Exit 0, 1 when\n"
	  "the process cannot be read, 2 on usage errors.\n" },
	{ "replay", cli_replay, ALL, "replay a program's memory trace on a simulated machine; report",
	  "mmsim replay [OPTIONS] TRACE\n\n"
	  "Replay TRACE (mmsim record or mmsim import made it) on a simulated machine:\n"
	  "its processes and threads run on the machine's cores, the address space at\n"
	  "the start is recreated, its memory system calls are made through the\n"
	  "simulated kernel and checked against the captured results, and every access\n"
	  "goes through the MMU. A trace without system calls replays flat (every 2 MiB\n"
	  "region touched is mapped on first touch). Then report TLB hits and misses by\n"
	  "level and page size, walks, page faults, shootdowns, THP, accesses on 4 KiB\n"
	  "pages against huge ones (-o thp=never vs -o thp=always), cycles, per\n"
	  "mapping and the pages with the most misses (docs/traces.md). A progress bar\n"
	  "goes to standard error when it is a terminal. Own options:\n"
	  "  --interval N       a CSV time series, a line per N accesses, on standard\n"
	  "                     output instead of the text report (or to --csv FILE)\n"
	  "  --csv FILE         where --interval's series goes\n"
	  "  --plot FILE        --interval's series as an SVG line chart: L1 TLB\n"
	  "                     misses, walks and faults per 1000 accesses\n"
	  "  --top N            list N pages (default 10)\n"
	  "  --placement P      threads on cores: rr (round-robin, the default) or one\n"
	  "                     (every thread on core 0)\n"
	  "  --no-check         do not compare system call results with the capture\n"
	  "  --no-progress      no progress bar\n"
	  "Exit 0; 1 when the trace is bad, the replayed program dies or a system call's\n"
	  "result differs from the capture; 2 on usage errors.\n" },
	{ "import", cli_import, 0, "convert another tool's trace into mmsim's format",
	  "mmsim import FORMAT INPUT TRACE\n\n"
	  "Read INPUT (- for standard input), a trace of another tool, and write it as\n"
	  "the mmsim trace TRACE. FORMAT: lackey (the output of valgrind --tool=lackey\n"
	  "--trace-mem=yes [--trace-syscalls=yes] --log-file=FILE PROGRAM), or champsim\n"
	  "(ChampSim's 64-byte instruction records, xz-compressed or not). Exit 0, 1\n"
	  "when INPUT is not of FORMAT (the message names the line or byte), 2 on usage\n"
	  "errors.\n" },
	{ "record", cli_record, CLI_OWN_ARGS, "capture a real program's memory trace (under Valgrind)",
	  "mmsim record -o TRACE [--fetches] [--] PROGRAM [ARGS...]\n\n"
	  "Run PROGRAM under mmsim's Valgrind tool and write its memory trace to TRACE:\n"
	  "every load and store (address, size, kind, thread), its memory system calls\n"
	  "with their results, its threads, forks and exits, and its address space at\n"
	  "the start with file names (docs/traces.md). --fetches also records one\n"
	  "instruction fetch per code page entered. The addresses are those of the\n"
	  "run under Valgrind, which places the loader, stack and heap its own way.\n"
	  "Needs valgrind and the tool (make builds it when valgrind's static\n"
	  "libraries are installed; MMSIM_VALGRIND_LIB names its directory,\n"
	  "MMSIM_VALGRIND the valgrind to run). Exit: the program's exit status\n"
	  "(128+N when signal N killed it); 1 when no trace could be written, 2 on\n"
	  "usage errors.\n" },
	{ "draw", cli_draw, ALL | CLI_TAKES_OUTPUT, "draw page tables, a walk, VMAs, memory, TLBs as SVG",
	  "mmsim draw WHAT [OPTIONS] [SCRIPT.lua [ARGS...]]\n\n"
	  "Run SCRIPT (if any) as mmsim run does, then draw WHAT of the newest machine\n"
	  "it built (without a script: of a freshly booted machine) as SVG, or text\n"
	  "with --text. WHAT is one of:\n"
	  "  pagetable  a process's page-table tree, CR3 to the pages (--addr: its path)\n"
	  "  walk       one translation step by step, the frame or the #PF (--addr)\n"
	  "  vmas       the address space: each VMA, its permissions, size and RSS\n"
	  "  physmem    physical memory as a map of frames by owner, free by order\n"
	  "  buddy      free blocks per order, zone and migratetype\n"
	  "  tlb        a core's TLBs and paging-structure caches, set by set\n"
	  "  plot       a line chart of the series the script returns\n"
	  "             ({name = {values...}} or {series=, x=, xlabel=, ylabel=})\n"
	  "Pictures of a process are of the newest one, or of --pid N.\n\n"
	  "draw options:\n"
	  "  -o FILE, --output FILE  write the picture to FILE (-o KEY=VALUE still sets\n"
	  "                     a machine setting)\n"
	  "  --addr A           the address (walk; pagetable: the path highlighted)\n"
	  "  --access KIND      walk: read (default), write or fetch\n"
	  "  --pid N            the process; --core N: the core (tlb)\n"
	  "  --start A --end A  pagetable: the range of addresses\n"
	  "  --title T          a heading of your own; --text: text for a terminal\n"
	  "  --columns N        the text's width\n"
	  "Exit 1 when the script fails or there is nothing to draw (ESRCH: no\n"
	  "process), 2 on usage errors (unknown picture or option). docs/draw.md.\n" },
};
#define NR_SUBCOMMANDS ARRAY_SIZE(subcommands)

/* Subcommands with flags of their own, beyond the common options. */
static const struct {
	const char *name;
	int (*option)(struct cli *cli, const char *arg);
} own_options[] = { { "diff", cli_diff_option }, { "inspect", cli_inspect_option }, { "replay", cli_replay_option },
		    { "draw", cli_draw_option } };

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
	fprintf(f, "\ncommon options (`mmsim help COMMAND` or `mmsim COMMAND --help` lists\n"
		   "the ones a command takes):\n%s%s%s\n"
		   "Exit codes: 0 success, 1 the script or operation failed, 2 usage error,\n"
		   "3 (diff) the script cannot be compared on this machine.\n",
		CLI_MACHINE_OPTIONS, CLI_JSON_OPTION, CLI_HELP_OPTION);
}

/* The subcommand called name, or NULL after printing that there is none. */
static const struct subcommand *find_subcommand(const char *name)
{
	for (size_t i = 0; i < NR_SUBCOMMANDS; i++)
		if (!strcmp(name, subcommands[i].name))
			return &subcommands[i];
	fprintf(stderr, "mmsim: '%s' is not a command; see mmsim --help\n", name);
	return NULL;
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
	bool help = !strcmp(argv[1], "help");
	if ((help && argc == 2) || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		usage(stdout);
		return 0;
	}
	const struct subcommand *sc = find_subcommand(argv[help ? 2 : 1]);
	if (!sc)
		return 2;
	struct cli cli = { .name = sc->name, .usage = sc->usage, .takes = sc->takes, .option = own_option(sc->name) };
	if (help) {
		cli_help(&cli);
		return 0;
	}
	if (sc->takes & CLI_OWN_ARGS)
		return sc->run(&cli, argc - 1, argv + 1);
	int first = cli_parse_options(&cli, argc - 1, argv + 1);
	if (first < 0)
		return first == CLI_HELP ? 0 : 2;
	int rc = sc->run(&cli, argc - 1 - first, argv + 1 + first);
	cli_cleanup(&cli);
	return rc;
}
