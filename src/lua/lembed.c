/* lua/lembed.c — what a program embedding the module asks of its objects:
 * their kind, their names, and methods wrapped (mmsim diff records calls). */
#include "lua/lmodule.h"
#include "common.h"

#include <stdlib.h>
#include <string.h>

/* The metatable of each kind of object. */
static const char *const metatables[] = {
	[LMMSIM_KIND_MACHINE] = LMMSIM_MACHINE,
	[LMMSIM_KIND_PROCESS] = LMMSIM_PROCESS,
	[LMMSIM_KIND_CACHE] = LMMSIM_CACHE,
};

/* See lmmsim.h. */
enum lmmsim_kind lmmsim_kind(lua_State *L, int idx)
{
	for (int k = LMMSIM_KIND_MACHINE; k <= LMMSIM_KIND_CACHE; k++)
		if (luaL_testudata(L, idx, metatables[k]))
			return (enum lmmsim_kind)k;
	return LMMSIM_KIND_NONE;
}

/* See lmodule.h. A process's __index is a closure over its methods (it
 * also serves the fields); the others' is the methods table itself. Pushes
 * nil for LMMSIM_KIND_NONE. */
void lmmsim_push_methods(lua_State *L, enum lmmsim_kind kind)
{
	if (kind == LMMSIM_KIND_NONE) {
		lua_pushnil(L);
		return;
	}
	luaL_getmetatable(L, metatables[kind]);
	if (lua_getfield(L, -1, "__index") == LUA_TFUNCTION) {
		lua_getupvalue(L, -1, 1);
		lua_remove(L, -2);
	}
	lua_remove(L, -2);
}

static int compare_names(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* See lmmsim.h. */
void lmmsim_push_names(lua_State *L, enum lmmsim_kind kind, bool fields)
{
	static const char *const process_fields[] = { "pid", "machine" };
	const char *names[256];
	size_t n = 0;
	lmmsim_push_methods(L, kind);             /* keeps the names alive */
	if (lua_istable(L, -1))
		for (lua_pushnil(L); lua_next(L, -2); lua_pop(L, 1))
			if (lua_type(L, -2) == LUA_TSTRING && n < ARRAY_SIZE(names) - 2)
				names[n++] = lua_tostring(L, -2);
	for (size_t i = 0; fields && kind == LMMSIM_KIND_PROCESS && i < 2; i++)
		names[n++] = process_fields[i];
	qsort(names, n, sizeof *names, compare_names);
	lua_createtable(L, (int)n, 0);
	for (size_t i = 0; i < n; i++) {
		lua_pushstring(L, names[i]);
		lua_rawseti(L, -2, (lua_Integer)i + 1);
	}
	lua_remove(L, -2);
}

/* See lmmsim.h. */
bool lmmsim_wrap_method(lua_State *L, enum lmmsim_kind kind, const char *name, lua_CFunction fn, int n)
{
	lmmsim_push_methods(L, kind);             /* v1..vn methods */
	int methods = lua_gettop(L);
	if (!lua_istable(L, methods) || lua_getfield(L, methods, name) != LUA_TFUNCTION) {
		lua_settop(L, methods - 1 - n);
		return false;
	}
	lua_rotate(L, methods - n, 1);            /* original v1..vn methods */
	lua_insert(L, methods - n);               /* methods original v1..vn */
	lua_pushcclosure(L, fn, n + 1);
	lua_setfield(L, -2, name);
	lua_pop(L, 1);
	return true;
}
