/*
 * lua/lhost.c — mmsim.host{...}: a machine object whose processes are real
 * processes of this machine (the host backend, mmsim_host_new), with the
 * machine metatable: p:mmap and every other method work unchanged. Also
 * mmsim.checkpoint, mmsim.expect_difference and mmsim.tolerate_faults,
 * which mark a script for
 * `mmsim diff` and do nothing elsewhere.
 */
#include "lua/lmodule.h"

#include <stdio.h>
#include <string.h>

#define MAX_OPTIONS 16

/* mmsim.host{aslr=} → machine */
static int l_host(lua_State *L)
{
	char text[MAX_OPTIONS][96], why[256];
	const char *opts[MAX_OPTIONS + 1];
	int n = 0;
	if (!lua_isnoneornil(L, 1))
		luaL_checktype(L, 1, LUA_TTABLE);
	for (lua_pushnil(L); lua_istable(L, 1) && lua_next(L, 1); lua_pop(L, 1)) {
		if (lua_type(L, -2) != LUA_TSTRING)
			return luaL_error(L, "mmsim.host: keys are names, got a %s", luaL_typename(L, -2));
		if (n == MAX_OPTIONS)
			return luaL_error(L, "mmsim.host: more than %d options", MAX_OPTIONS);
		const char *key = lua_tostring(L, -2);
		size_t len;
		if (lua_type(L, -1) == LUA_TSTRING && strlen(lua_tolstring(L, -1, &len)) != len)
			return luaL_error(L, "mmsim.host: %s: a NUL byte in the text", key);
		if (lua_type(L, -1) == LUA_TBOOLEAN)
			snprintf(text[n], sizeof text[n], "%s=%d", key, lua_toboolean(L, -1));
		else if (lua_type(L, -1) == LUA_TNUMBER || lua_type(L, -1) == LUA_TSTRING)
			snprintf(text[n], sizeof text[n], "%s=%s", key, lua_tostring(L, -1));
		else
			return luaL_error(L, "mmsim.host: %s: a %s is not a value", key, luaL_typename(L, -1));
		opts[n] = text[n];
		n++;
	}
	opts[n] = NULL;
	struct lmachine *lm = lmmsim_new_machine(L, "host");
	if (mmsim_host_new(opts, &lm->m, why, sizeof why))
		return luaL_error(L, "mmsim.host: %s", why);
	lm->L = L;
	return 1;
}

/* mmsim.checkpoint(name [, {field, ...}]): a marker for mmsim diff, which
 * replaces it; nothing to do in a plain run but check the arguments. */
static int l_checkpoint(lua_State *L)
{
	lmmsim_checkstring(L, 1);
	if (!lua_isnoneornil(L, 2))
		luaL_checktype(L, 2, LUA_TTABLE);
	return 0;
}

/* mmsim.expect_difference(ref, what [, field]): as l_checkpoint. */
static int l_expect_difference(lua_State *L)
{
	lmmsim_checkstring(L, 1);
	lmmsim_checkstring(L, 2);
	lmmsim_optstring(L, 3, NULL);
	return 0;
}

/* mmsim.tolerate_faults(n, why): as l_checkpoint. */
static int l_tolerate_faults(lua_State *L)
{
	lua_Integer n = luaL_checkinteger(L, 1);
	luaL_argcheck(L, n >= 1, 1, "at least 1 fault");
	lmmsim_checkstring(L, 2);
	return 0;
}

/* mmsim.tolerate_pages(n, why): as l_checkpoint. */
static int l_tolerate_pages(lua_State *L)
{
	lua_Integer n = luaL_checkinteger(L, 1);
	luaL_argcheck(L, n >= 1, 1, "at least 1 page");
	lmmsim_checkstring(L, 2);
	return 0;
}

/* See lmodule.h. */
void lmmsim_open_host(lua_State *L)
{
	static const luaL_Reg fns[] = {
		{ "host", l_host }, { "checkpoint", l_checkpoint }, { "expect_difference", l_expect_difference },
		{ "tolerate_faults", l_tolerate_faults }, { "tolerate_pages", l_tolerate_pages }, { NULL, NULL },
	};
	luaL_setfuncs(L, fns, 0);
}
