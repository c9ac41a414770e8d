/*
 * cli/cli_lua.c — the Lua state behind `mmsim run`, `explain`, `shell` and
 * `diff`: the standard libraries, the module `mmsim` as a global with the
 * command line's defaults, and os.exit made to end the script rather than
 * the command, which then writes its report and exits with the script's
 * code. A script ends, or a chunk of the shell is interrupted, through a
 * hook that raises an error at the next instruction, as lua.c stops a
 * chunk on Ctrl-C.
 */
#include "cli_lua.h"

#include <lualib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Where the state keeps its exit (registry key; its address is unique). */
static const char exit_key = 0;

struct script_exit {
	bool exiting;                  /* os.exit was called: unwind */
	int code;
};

static struct script_exit *script_exit(lua_State *L)
{
	lua_rawgetp(L, LUA_REGISTRYINDEX, &exit_key);
	struct script_exit *e = lua_touserdata(L, -1);
	lua_pop(L, 1);
	return e;
}

/* The hook of a script that called os.exit: every instruction raises
 * again, so that no pcall in the script can stop the unwinding. */
static void exit_hook(lua_State *L, lua_Debug *ar)
{
	(void)ar;
	lua_pushliteral(L, "os.exit");
	lua_error(L);
}

#define STOP_MASK (LUA_MASKCALL | LUA_MASKRET | LUA_MASKLINE | LUA_MASKCOUNT)

/* os.exit([code [, close]]): true or none is 0, false 1; the state is
 * always closed (by the command, after its report). */
static int l_exit(lua_State *L)
{
	struct script_exit *e = lua_touserdata(L, lua_upvalueindex(1));
	e->code = lua_isboolean(L, 1) ? !lua_toboolean(L, 1) : (int)luaL_optinteger(L, 1, 0);
	e->exiting = true;
	lua_sethook(L, exit_hook, STOP_MASK, 1);
	lua_rawgeti(L, LUA_REGISTRYINDEX, LUA_RIDX_MAINTHREAD);
	lua_sethook(lua_tothread(L, -1), exit_hook, STOP_MASK, 1);   /* from a coroutine too */
	lua_pop(L, 1);
	exit_hook(L, NULL);
	return 0;
}

/* math.randomseed(seed): a script's random numbers follow --seed (or
 * -o seed=N; 0 by default), so that a run is reproducible. */
static void seed_random(lua_State *L, const struct cli *cli)
{
	char seed[32] = "0";
	mmsim_config_get(cli->config, "seed", seed, sizeof seed);
	lua_getglobal(L, "math");
	lua_getfield(L, -1, "randomseed");
	lua_pushinteger(L, (lua_Integer)strtoull(seed, NULL, 10));
	lua_call(L, 1, 0);
	lua_pop(L, 1);
}

/* See cli_lua.h. */
lua_State *cli_lua_new(struct cli *cli, struct lmmsim_defaults *d, bool explain)
{
	lua_State *L = luaL_newstate();
	if (!L) {
		fprintf(stderr, "mmsim %s: cannot create a Lua state\n", cli->name);
		return NULL;
	}
	luaL_openlibs(L);
	seed_random(L, cli);
	d->preset = cli->preset;
	cli->overrides[cli->noverrides] = NULL;
	d->overrides = cli->overrides;
	d->explain = explain;
	d->report = cli->json != NULL;
	lmmsim_set_defaults(L, d);
	luaL_requiref(L, "mmsim", luaopen_mmsim, 1);
	lua_pop(L, 1);
	struct script_exit *e = lua_newuserdatauv(L, sizeof *e, 0);
	memset(e, 0, sizeof *e);
	lua_pushvalue(L, -1);
	lua_rawsetp(L, LUA_REGISTRYINDEX, &exit_key);
	lua_getglobal(L, "os");
	lua_insert(L, -2);
	lua_pushcclosure(L, l_exit, 1);
	lua_setfield(L, -2, "exit");
	lua_pop(L, 1);
	return L;
}

/* See cli_lua.h. */
void cli_lua_args(lua_State *L, int argc, char **argv)
{
	lua_createtable(L, argc - 1, 1);
	for (int i = 0; i < argc; i++) {
		lua_pushstring(L, argv[i]);
		lua_rawseti(L, -2, i);
	}
	lua_setglobal(L, "arg");
}

/* A Lua error's message with a traceback (the message handler). */
static int traceback(lua_State *L)
{
	const char *msg = lua_tostring(L, 1);
	if (!msg)
		msg = lua_pushfstring(L, "(error object is a %s value)", luaL_typename(L, 1));
	luaL_traceback(L, L, msg, 1);
	return 1;
}

/* See cli_lua.h. */
int cli_lua_call(lua_State *L, int nargs, int nresults, bool with_traceback, int *code)
{
	int base = lua_gettop(L) - nargs;
	if (with_traceback) {
		lua_pushcfunction(L, traceback);
		lua_insert(L, base);
	}
	int status = lua_pcall(L, nargs, nresults, with_traceback ? base : 0);
	if (with_traceback)
		lua_remove(L, base);
	struct script_exit *e = script_exit(L);
	if (status != LUA_OK && e->exiting) {
		lua_sethook(L, NULL, 0, 0);
		lua_pop(L, 1);
		*code = e->code;
		return CLI_LUA_EXIT;
	}
	return status;
}

/* The hook of an interrupted chunk: one error, then no hook. */
static void interrupt_hook(lua_State *L, lua_Debug *ar)
{
	(void)ar;
	lua_sethook(L, NULL, 0, 0);
	lua_pushliteral(L, "interrupted");
	lua_error(L);
}

/* See cli_lua.h. */
void cli_lua_interrupt(lua_State *L)
{
	lua_sethook(L, interrupt_hook, STOP_MASK, 1);
}

/* Add every machine the script built to the JSON report. */
static void add_machine(void *ctx, mmsim_machine *m, const char *preset)
{
	cli_json_add(ctx, m, preset);
}

/* See cli_lua.h. */
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
