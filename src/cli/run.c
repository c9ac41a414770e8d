/*
 * cli/run.c — `mmsim run SCRIPT.lua [ARGS]` and `mmsim explain SCRIPT.lua`:
 * a Lua 5.4 script with the module `mmsim` as a global. The command line's
 * --machine and -o apply to every machine the script builds (--machine when
 * the script names no preset, -o on top of what it asks for).
 */
#include "cli.h"

#include "cli_lua.h"

#include <lualib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A Lua error's message with a traceback (the message handler). */
static int traceback(lua_State *L)
{
	const char *msg = lua_tostring(L, 1);
	if (!msg)
		msg = lua_pushfstring(L, "(error object is a %s value)", luaL_typename(L, 1));
	luaL_traceback(L, L, msg, 1);
	return 1;
}

/* See cli.h. */
lua_State *cli_lua_new(struct cli *cli, struct lmmsim_defaults *d, bool explain)
{
	lua_State *L = luaL_newstate();
	if (!L) {
		fprintf(stderr, "mmsim %s: cannot create a Lua state\n", cli->name);
		return NULL;
	}
	luaL_openlibs(L);
	d->preset = cli->preset;
	cli->overrides[cli->noverrides] = NULL;
	d->overrides = cli->overrides;
	d->explain = explain;
	d->report = cli->json != NULL;
	lmmsim_set_defaults(L, d);
	luaL_requiref(L, "mmsim", luaopen_mmsim, 1);
	lua_pop(L, 1);
	return L;
}

/* Add every machine the script built to the JSON report. */
static void add_machine(void *ctx, mmsim_machine *m, const char *preset)
{
	cli_json_add(ctx, m, preset);
}

/* See cli.h. */
int cli_lua_finish(struct cli *cli, lua_State *L, int rc)
{
	struct cli_json *j = cli->json ? cli_json_new() : NULL;
	if (cli->json && !j) {
		fprintf(stderr, "mmsim %s: --json: out of memory\n", cli->name);
		rc = rc ? rc : 1;
	}
	lmmsim_each_machine(L, add_machine, j);
	if (cli_json_write(cli, j) && !rc)
		rc = 1;
	fflush(stdout);
	lua_close(L);
	return rc;
}

/* Run the script file with its arguments. 0, or 1 after printing the
 * error (file:line: message, and a traceback). */
static int run_script(struct cli *cli, bool explain, int argc, char **argv)
{
	struct lmmsim_defaults d;
	if (argc < 1) {
		fprintf(stderr, "usage: %s", cli->usage);
		return 2;
	}
	lua_State *L = cli_lua_new(cli, &d, explain);
	if (!L)
		return 1;
	lua_createtable(L, argc - 1, 1);         /* arg, as the lua command makes it */
	for (int i = 0; i < argc; i++) {
		lua_pushstring(L, argv[i]);
		lua_rawseti(L, -2, i);
	}
	lua_setglobal(L, "arg");
	int rc = 0;
	lua_pushcfunction(L, traceback);
	if (luaL_loadfile(L, strcmp(argv[0], "-") ? argv[0] : NULL) != LUA_OK) {
		fprintf(stderr, "mmsim %s: %s\n", cli->name, lua_tostring(L, -1));
		rc = 1;
	} else {
		for (int i = 1; i < argc; i++)
			lua_pushstring(L, argv[i]);
		if (lua_pcall(L, argc - 1, 0, -(argc + 1)) != LUA_OK) {
			fflush(stdout);
			fprintf(stderr, "mmsim %s: %s\n", cli->name, lua_tostring(L, -1));
			rc = 1;
		}
	}
	return cli_lua_finish(cli, L, rc);
}

/* See cli.h. */
int cli_run(struct cli *cli, int argc, char **argv)
{
	return run_script(cli, false, argc, argv);
}

/* See cli.h. */
int cli_explain(struct cli *cli, int argc, char **argv)
{
	return run_script(cli, true, argc, argv);
}
