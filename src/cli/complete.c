/*
 * cli/complete.c — Tab completion for `mmsim shell`: the word under the
 * cursor completes to a global, or, after `expr.` or `expr:`, to a field or
 * method of the value expr names in the shell's Lua state (`p:ma` offers
 * p's methods, `m:sp` a machine's, `t.al` the keys of table t). The value
 * is looked up without running any of the script's code.
 */
#include "cli_lua.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#define MAX_DEPTH 8             /* __index tables followed */

struct names {
	char **v;
	size_t n, cap;
	const char *prefix;
	size_t len;
};

/* Add k when it starts with the prefix (and is not a metamethod). */
static void add(struct names *s, const char *k)
{
	if (strncmp(k, s->prefix, s->len) || k[0] == '_')
		return;
	for (size_t i = 0; i < s->n; i++)
		if (!strcmp(s->v[i], k))
			return;
	if (s->n + 2 > s->cap) {
		size_t cap = s->cap ? 2 * s->cap : 64;
		char **v = realloc(s->v, cap * sizeof *v);
		if (!v)
			return;
		s->v = v;
		s->cap = cap;
	}
	char *copy = strdup(k);
	if (copy)
		s->v[s->n++] = copy;
}

/* Add the string keys of the table at the top (popped). */
static void add_keys(lua_State *L, struct names *s)
{
	for (lua_pushnil(L); lua_next(L, -2); lua_pop(L, 1))
		if (lua_type(L, -2) == LUA_TSTRING)
			add(s, lua_tostring(L, -2));
	lua_pop(L, 1);
}

/* Replace the value at the top by its metatable's __index when that is a
 * table, by nil otherwise. */
static void index_table(lua_State *L)
{
	if (lua_getmetatable(L, -1)) {
		lua_pushliteral(L, "__index");
		lua_rawget(L, -2);
		lua_remove(L, -2);
	} else {
		lua_pushnil(L);
	}
	lua_remove(L, -2);
	if (!lua_istable(L, -1)) {
		lua_pop(L, 1);
		lua_pushnil(L);
	}
}

/* Replace the value at the top by its field name (n bytes): a raw read of
 * a table and of its __index tables, the module's own __index for its
 * objects, nil for anything else. */
static void get_field(lua_State *L, const char *name, size_t n)
{
	if (lmmsim_kind(L, -1) != LMMSIM_KIND_NONE) {
		lua_pushlstring(L, name, n);
		lua_gettable(L, -2);
		lua_remove(L, -2);
		return;
	}
	for (int depth = 0; depth < MAX_DEPTH && lua_istable(L, -1); depth++) {
		lua_pushlstring(L, name, n);
		if (lua_rawget(L, -2) != LUA_TNIL) {
			lua_remove(L, -2);
			return;
		}
		lua_pop(L, 1);
		index_table(L);
	}
	lua_pop(L, 1);
	lua_pushnil(L);
}

/* Add the names that may follow the value at the top (popped) and sep:
 * a module object's methods (and a process's fields after '.'), a
 * table's keys with those of its __index tables, a string's methods. */
static void add_members(lua_State *L, struct names *s, char sep)
{
	enum lmmsim_kind kind = lmmsim_kind(L, -1);
	if (kind != LMMSIM_KIND_NONE) {
		lmmsim_push_names(L, kind, sep == '.');
		for (lua_Integer i = 1; lua_rawgeti(L, -1, i) == LUA_TSTRING; i++, lua_pop(L, 1))
			add(s, lua_tostring(L, -1));
		lua_pop(L, 3);
		return;
	}
	for (int depth = 0; depth < MAX_DEPTH && !lua_isnil(L, -1); depth++) {
		if (lua_istable(L, -1)) {
			lua_pushvalue(L, -1);
			add_keys(L, s);
		}
		index_table(L);
	}
	lua_pop(L, 1);
}

/* See cli_lua.h. */
char **cli_complete(lua_State *L, const char *line, int start, const char *text)
{
	struct names s = { .prefix = text, .len = strlen(text) };
	int top = lua_gettop(L), e = start - 1;
	char sep = start > 0 && (line[e] == ':' || line[e] == '.') ? line[e] : 0;
	lua_pushglobaltable(L);
	if (sep) {
		while (e > 0 && (isalnum((unsigned char)line[e - 1]) || line[e - 1] == '_' || line[e - 1] == '.'))
			e--;
		if (e == start - 1 || isdigit((unsigned char)line[e]) || line[e] == '.') {
			lua_settop(L, top);
			return NULL;          /* after "f()." or "3.": nothing to look up */
		}
		for (int i = e; i < start - 1;) {         /* "a.b.c": globals.a, then .b, .c */
			int n = 0;
			while (i + n < start - 1 && line[i + n] != '.')
				n++;
			get_field(L, line + i, (size_t)n);
			i += n + 1;
		}
	}
	add_members(L, &s, sep ? sep : '.');
	lua_settop(L, top);
	if (s.v)
		s.v[s.n] = NULL;
	return s.v;
}
