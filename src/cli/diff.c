/*
 * cli/diff.c — `mmsim diff SCRIPT.lua`: run a script on the simulator and
 * on the real kernel of this machine (the host backend) and report, operation
 * by operation and state by state, where they disagree.
 *
 * Each run has a fresh Lua state whose mmsim.machine builds machines of that
 * side: simulated ones configured as the host is (zero page, paging levels,
 * cores, kernel build options, overcommit, max_map_count, and the THP mode
 * when it is madvise or never: the simulator has no huge pages for
 * always), or host ones. Exit 0 when they
 * agree, 1 when they differ (or the script fails), 2 on a usage error,
 * 3 when the script cannot be compared here (with the reason).
 */
#include "diff.h"

#include "cli_lua.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define EXIT_SKIPPED 3

/* See cli.h. */
int cli_diff_option(struct cli *cli, const char *arg)
{
	if (!strcmp(arg, "--all")) {
		cli->flags |= DIFF_ALL;
		return 1;
	}
	return 0;
}

/* A script read from standard input ("-"), kept for both runs. */
struct script {
	char *text;                    /* NULL: the file argv[0] */
	size_t len;
};

/* Read all of standard input into s. 0, or 1 after printing why. */
static int read_stdin(struct script *s)
{
	size_t cap = 0;
	for (;;) {
		if (s->len == cap) {
			char *t = realloc(s->text, cap = cap ? cap * 2 : 8192);
			if (!t) {
				fprintf(stderr, "mmsim diff: out of memory reading standard input\n");
				return 1;
			}
			s->text = t;
		}
		size_t n = fread(s->text + s->len, 1, cap - s->len, stdin);
		s->len += n;
		if (n == 0)
			break;
	}
	if (ferror(stdin)) {
		fprintf(stderr, "mmsim diff: cannot read standard input\n");
		return 1;
	}
	return 0;
}

/* Run the script on one side into run. 0, or 1 when the Lua state could
 * not be made. */
static int run_side(struct cli *cli, struct diff_run *run, const struct mmsim_host_settings *host,
		    const struct script *src, int argc, char **argv)
{
	struct lmmsim_defaults d;
	lua_State *L = cli_lua_new(cli, &d, false);
	if (!L)
		return 1;
	run->ops = json_array();
	run->states = json_array();
	struct diff_recorder *r = diff_recorder_install(L, run, host);
	cli_lua_args(L, argc, argv);
	int code = 0, status = src->text ? luaL_loadbuffer(L, src->text, src->len, "=stdin")
					 : luaL_loadfile(L, argv[0]);
	if (status == LUA_OK) {
		for (int i = 1; i < argc; i++)
			lua_pushstring(L, argv[i]);
		status = cli_lua_call(L, argc - 1, 0, true, &code);
	}
	if (status == CLI_LUA_EXIT && code) {
		char msg[48];
		snprintf(msg, sizeof msg, "the script called os.exit(%d)", code);
		run->error = strdup(msg);
	} else if (status != LUA_OK && status != CLI_LUA_EXIT) {
		const char *msg = lua_tostring(L, -1);
		run->error = strdup(msg ? msg : "(an error that is not a string)");
		lua_pop(L, 1);
	}
	if (r && !run->skip[0])
		diff_recorder_finish(L, r);
	lua_close(L);                            /* frees the machines: the helpers exit */
	diff_recorder_free(r);
	return 0;
}

static void run_free(struct diff_run *run)
{
	json_decref(run->ops);
	json_decref(run->states);
	free(run->error);
}

/* Probe the host, run both sides and report. The exit code. */
static int compare(struct cli *cli, const struct script *src, int argc, char **argv)
{
	struct mmsim_host_settings host;
	struct diff_run sim = { .side = DIFF_SIM }, hst = { .side = DIFF_HOST };
	char why[256];
	json_t *report = NULL;
	if (mmsim_host_probe(&host, why, sizeof why)) {
		printf("mmsim diff %s: SKIPPED: %s\n", argv[0], why);
		return EXIT_SKIPPED;
	}
	if (run_side(cli, &sim, &host, src, argc, argv))
		return 1;
	if (sim.skip[0]) {
		printf("mmsim diff %s: SKIPPED: %s\n", argv[0], sim.skip);
		run_free(&sim);
		return EXIT_SKIPPED;
	}
	if (run_side(cli, &hst, &host, src, argc, argv)) {
		run_free(&sim);
		return 1;
	}
	int differ = diff_compare(argv[0], &host, &sim, &hst, cli->flags, &report);
	int rc = differ || sim.error || hst.error ? 1 : 0;
	if (cli->json && cli_json_dump(cli, report))
		rc = 1;
	json_decref(report);
	run_free(&sim);
	run_free(&hst);
	fflush(stdout);
	return rc;
}

/* See cli.h. SCRIPT "-" is read from standard input, once, for both runs. */
int cli_diff(struct cli *cli, int argc, char **argv)
{
	if (argc < 1)
		return cli_missing(cli, "script", "SCRIPT.lua, or - for standard input");
	struct script src = { 0 };
	if (!strcmp(argv[0], "-")) {
		if (read_stdin(&src)) {
			free(src.text);
			return 1;
		}
	} else {
		FILE *f = fopen(argv[0], "r");
		if (!f) {
			fprintf(stderr, "mmsim diff: cannot read %s: %s\n", argv[0], strerror(errno));
			return 2;
		}
		fclose(f);
	}
	int rc = compare(cli, &src, argc, argv);
	free(src.text);
	return rc;
}
