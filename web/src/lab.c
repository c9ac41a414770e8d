/*
 * web/src/lab.c — the browser lab's entry points, called from lab.js: a Lua
 * state with the module `mmsim` as `mmsim run` makes it (the same seed,
 * the same presets and -o settings, narration on standard output when
 * asked), a script run at once or stepped line by line, a REPL line, and
 * pictures (src/draw, through m:draw) of the newest machine the script
 * built, at the last address it read or wrote.
 *
 * Everything a script prints and narrates goes to standard output, which
 * the page shows. Results and errors are read with lab_result().
 */
#ifdef __EMSCRIPTEN__
#include <emscripten.h>
#else
#define EMSCRIPTEN_KEEPALIVE    /* the native 32-bit build (tests/host32) */
#endif

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lauxlib.h"
#include "lua.h"
#include "lualib.h"
#include "lua/lmmsim.h"
#include "lab.h"

static lua_State *L;               /* the lab's state; NULL before lab_reset */
static lua_State *co;              /* the script being stepped, or NULL */
static int co_ref = LUA_NOREF;     /* keeps co alive */
static int line;                   /* where the stepped script stopped */
static char *result;               /* of the last call (malloc'd) */
static struct lmmsim_defaults defaults;
static char preset[64];
static char *override_text;        /* the "key=value" lines, split in place */
static const char *overrides[65];

#define SCRIPT_NAME "=script"      /* the chunk name of the learner's script */

/* Keep s (or the string at the top of L when s is NULL) as the result. */
static void set_result(const char *s, size_t len)
{
	free(result);
	result = malloc(len + 1);
	if (result) {
		memcpy(result, s, len);
		result[len] = '\0';
	}
}

static void set_result_top(lua_State *T)
{
	size_t len = 0;
	const char *s = luaL_tolstring(T, -1, &len);
	set_result(s, len);
	lua_pop(T, 1);
}

/* os.exit in the lab: ends the script (as an error saying so), not the page. */
static int lab_os_exit(lua_State *T)
{
	return luaL_error(T, "os.exit(%d): the script ended", (int)luaL_optinteger(T, 1, 0));
}

/* lab.machine() → the newest machine the script built and still has, or nil */
static int lab_machine(lua_State *T)
{
	lmmsim_push_last_machine(T);
	return 1;
}

/* The wrapper of p:read, p:write, p:fetch, p:touch, p:walk: the address
 * (argument 2) and the process are kept as lab.addr and lab.pid for the
 * pictures, then the method runs. */
static int wrap_access(lua_State *T)
{
	if (lua_isinteger(T, 2)) {
		mmsim_machine *m = NULL;
		int pid = lmmsim_topid(T, 1, &m);
		lua_getglobal(T, "lab");
		if (lua_istable(T, -1)) {
			lua_pushvalue(T, 2);
			lua_setfield(T, -2, "addr");
			lua_pushinteger(T, pid);
			lua_setfield(T, -2, "pid");
		}
		lua_pop(T, 1);
	}
	lua_pushvalue(T, lua_upvalueindex(1));
	lua_insert(T, 1);
	lua_call(T, lua_gettop(T) - 1, LUA_MULTRET);
	return lua_gettop(T);
}

/* What the page's pictures call: lab.picture(what [, opts]) draws what of
 * the newest machine, of the process and at the address the script last
 * used unless opts says; nil and why when there is nothing to draw. */
static const char prelude[] =
	"lab = lab or {}\n"
	"function lab.picture(what, opts)\n"
	"  local m = lab.machine()\n"
	"  if not m then return nil, 'no machine yet: run a script that builds one' end\n"
	"  local o = {}\n"
	"  for k, v in pairs(opts or {}) do o[k] = v end\n"
	"  if (what == 'pagetable' or what == 'walk' or what == 'vmas') and o.pid == nil and lab.pid then\n"
	"    local alive = false\n"
	"    for _, t in ipairs(m:tasks()) do if t == lab.pid or (type(t) == 'table' and t.pid == lab.pid) then alive = true end end\n"
	"    if alive then o.pid = lab.pid end\n"
	"  end\n"
	"  if (what == 'pagetable' or what == 'walk') and o.addr == nil then o.addr = lab.addr end\n"
	"  if what == 'walk' and o.addr == nil then return nil, 'no address yet: the walk is of the last address the script read or wrote' end\n"
	"  local ok, svg, err, why = pcall(m.draw, m, what, o)\n"
	"  if not ok then return nil, svg end\n"
	"  if not svg then return nil, why or err end\n"
	"  return svg\n"
	"end\n";

/* Parse "key=value" lines (newline-separated) into overrides[]. */
static void set_overrides(const char *text)
{
	free(override_text);
	override_text = strdup(text ? text : "");
	int n = 0;
	for (char *s = override_text, *nl; s && *s && n < 64; s = nl ? nl + 1 : NULL) {
		nl = strchr(s, '\n');
		if (nl)
			*nl = '\0';
		if (*s)
			overrides[n++] = s;
	}
	overrides[n] = NULL;
}

/* The seed math.random starts from: -o seed=N, else 0, as `mmsim run`. */
static long long seed_of(void)
{
	long long seed = 0;
	for (int i = 0; overrides[i]; i++)
		if (!strncmp(overrides[i], "seed=", 5))
			seed = strtoll(overrides[i] + 5, NULL, 0);
	return seed;
}

/* Start afresh: a new Lua state whose machines use preset (NULL or ""
 * for the default) and the "key=value" lines of settings, narrated when
 * explain is 1. 0, or 1 with the error as the result. */
EMSCRIPTEN_KEEPALIVE int lab_reset(int explain, const char *preset_name, const char *settings)
{
	if (L)
		lua_close(L);
	co = NULL;
	co_ref = LUA_NOREF;
	L = luaL_newstate();
	if (!L) {
		set_result("cannot create a Lua state", 25);
		return 1;
	}
	luaL_openlibs(L);
	snprintf(preset, sizeof preset, "%s", preset_name ? preset_name : "");
	set_overrides(settings);
	defaults.preset = preset[0] ? preset : NULL;
	defaults.overrides = overrides;
	defaults.explain = explain != 0;
	defaults.report = true;         /* keep every machine: the newest is drawn */
	lmmsim_set_defaults(L, &defaults);
	luaL_requiref(L, "mmsim", luaopen_mmsim, 1);
	lua_pop(L, 1);
	lua_getglobal(L, "math");
	lua_getfield(L, -1, "randomseed");
	lua_pushinteger(L, (lua_Integer)seed_of());
	lua_call(L, 1, 0);
	lua_getglobal(L, "os");
	lua_pushcfunction(L, lab_os_exit);
	lua_setfield(L, -2, "exit");
	lua_pop(L, 2);
	lua_newtable(L);
	lua_pushcfunction(L, lab_machine);
	lua_setfield(L, -2, "machine");
	lua_setglobal(L, "lab");
	static const char *const accesses[] = { "read", "write", "fetch", "touch", "walk", "read_u64" };
	for (size_t i = 0; i < sizeof accesses / sizeof accesses[0]; i++)
		lmmsim_wrap_method(L, LMMSIM_KIND_PROCESS, accesses[i], wrap_access, 0);
	if (luaL_dostring(L, prelude) != LUA_OK) {
		set_result_top(L);
		return 1;
	}
	set_result("", 0);
	return 0;
}

/* A Lua error's message with a traceback (the message handler). */
static int traceback(lua_State *T)
{
	const char *msg = lua_tostring(T, 1);
	if (!msg)
		msg = lua_pushfstring(T, "(error object is a %s value)", luaL_typename(T, 1));
	luaL_traceback(T, T, msg, 1);
	return 1;
}

/* Run code (named name: "=script" for the learner's script) to its end.
 * 0 with the first value it returns as the result (as tostring gives it;
 * "" for none), or 1 with the error and a traceback. */
EMSCRIPTEN_KEEPALIVE int lab_exec(const char *code, const char *name)
{
	if (!L && lab_reset(0, NULL, NULL))
		return 1;
	int base = lua_gettop(L);
	lua_pushcfunction(L, traceback);
	if (luaL_loadbuffer(L, code, strlen(code), name && *name ? name : "=line") != LUA_OK ||
	    lua_pcall(L, 0, 1, base + 1) != LUA_OK) {
		set_result_top(L);
		lua_settop(L, base);
		fflush(stdout);
		return 1;
	}
	if (lua_isnil(L, -1))
		set_result("", 0);
	else
		set_result_top(L);
	lua_settop(L, base);
	fflush(stdout);
	return 0;
}

/* The line hook of a stepped script: pause before each new line of the
 * script itself (not in functions it calls from C, where Lua cannot
 * yield). */
static void step_hook(lua_State *T, lua_Debug *ar)
{
	if (ar->event != LUA_HOOKLINE || !lua_isyieldable(T))
		return;
	if (!lua_getinfo(T, "S", ar) || strcmp(ar->source, SCRIPT_NAME))
		return;
	line = ar->currentline;
	lua_yield(T, 0);
}

/* Load code to be stepped: 0 (call lab_step to run to its first line), or
 * 1 with the syntax error. */
EMSCRIPTEN_KEEPALIVE int lab_start(const char *code)
{
	if (!L && lab_reset(0, NULL, NULL))
		return 1;
	if (co_ref != LUA_NOREF)
		luaL_unref(L, LUA_REGISTRYINDEX, co_ref);
	co = lua_newthread(L);
	co_ref = luaL_ref(L, LUA_REGISTRYINDEX);
	line = 0;
	if (luaL_loadbuffer(co, code, strlen(code), SCRIPT_NAME) != LUA_OK) {
		set_result_top(co);
		luaL_unref(L, LUA_REGISTRYINDEX, co_ref);
		co = NULL;
		co_ref = LUA_NOREF;
		return 1;
	}
	lua_sethook(co, step_hook, LUA_MASKLINE, 0);
	set_result("", 0);
	return 0;
}

/* Run the stepped script to its next line: 0 paused (lab_line() says
 * where), 1 finished, 2 failed (the error as the result), 3 nothing is
 * being stepped. */
EMSCRIPTEN_KEEPALIVE int lab_step(void)
{
	if (!co)
		return 3;
	int nres = 0, status = lua_resume(co, L, 0, &nres);
	fflush(stdout);
	if (status == LUA_YIELD) {
		lua_pop(co, nres);
		return 0;
	}
	if (status == LUA_OK) {
		set_result("", 0);
	} else {
		const char *msg = lua_tostring(co, -1);
		luaL_traceback(L, co, msg ? msg : "error", 0);
		set_result_top(L);
	}
	luaL_unref(L, LUA_REGISTRYINDEX, co_ref);
	co = NULL;
	co_ref = LUA_NOREF;
	line = 0;
	return status == LUA_OK ? 1 : 2;
}

/* The line the stepped script will run next (0: none). */
EMSCRIPTEN_KEEPALIVE int lab_line(void)
{
	return line;
}

/* The result of the last call. */
EMSCRIPTEN_KEEPALIVE const char *lab_result(void)
{
	return result ? result : "";
}
