/*
 * cli/run.c — `mmsim run SCRIPT.lua [ARGS]` and `mmsim explain SCRIPT.lua`:
 * a Lua 5.4 script with the module `mmsim` as a global. The command line's
 * --machine and -o apply to every machine the script builds (--machine when
 * the script names no preset, -o on top of what it asks for).
 */
#include "cli.h"

#include "cli_lua.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Run the script file with its arguments. 0, 1 after printing the error
 * (file:line: message, and a traceback), or the code the script gave
 * os.exit. */
static int run_script(struct cli *cli, bool explain, int argc, char **argv)
{
	struct lmmsim_defaults d;
	if (argc < 1)
		return cli_missing(cli, "script", "SCRIPT.lua, or - for standard input");
	lua_State *L = cli_lua_new(cli, &d, explain);
	if (!L)
		return 1;
	cli_lua_args(L, argc, argv);
	int rc = 0, status;
	if (luaL_loadfile(L, strcmp(argv[0], "-") ? argv[0] : NULL) != LUA_OK) {
		fprintf(stderr, "mmsim %s: %s\n", cli->name, lua_tostring(L, -1));
		rc = 1;
	} else {
		for (int i = 1; i < argc; i++)
			lua_pushstring(L, argv[i]);
		status = cli_lua_call(L, argc - 1, 0, true, &rc);
		if (status != LUA_OK && status != CLI_LUA_EXIT) {
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
