/*
 * lua/lmmsim.h — the Lua 5.4 module `mmsim`, built on the public C API only
 * (mmsim.h). The mmsim command embeds it as a global; `require "mmsim"`
 * loads it from a plain lua5.4 when installed.
 *
 * This is what a program embedding the module may use (as lua.h is Lua's);
 * the module's own files share lua/lmodule.h (as lstate.h is Lua's), which
 * nothing outside src/lua includes.
 */
#ifndef MMSIM_LUA_LMMSIM_H
#define MMSIM_LUA_LMMSIM_H

#include <lauxlib.h>
#include <lua.h>
#include <stdbool.h>

#include "mmsim.h"

/* Open the module: returns its table on the stack. */
__attribute__((visibility("default"))) int luaopen_mmsim(lua_State *L);

/* What the command line says about every machine a script builds: a
 * preset when the script names none, key=value overrides applied last,
 * explain mode from the start. Kept by pointer: it must outlive L. */
struct lmmsim_defaults {
	const char *preset;            /* NULL: "default" */
	const char *const *overrides;  /* "key=value" strings, NULL-terminated */
	bool explain;                  /* narrate to stdout */
	bool report;                   /* keep every machine for the final report
					* (--json); otherwise a machine the script
					* drops is collected */
};
void lmmsim_set_defaults(lua_State *L, const struct lmmsim_defaults *d);

/* Call fn(ctx, machine, preset) for every machine the script built (in
 * order), for the final report. */
void lmmsim_each_machine(lua_State *L, void (*fn)(void *ctx, mmsim_machine *m, const char *preset),
			 void *ctx);

/* Push the newest machine the script built that is still open, or nil
 * (the machines are kept when the defaults ask for a report). */
void lmmsim_push_last_machine(lua_State *L);

/* The objects the module makes. */
enum lmmsim_kind {
	LMMSIM_KIND_NONE,              /* any other value */
	LMMSIM_KIND_MACHINE,           /* mmsim.machine{} and mmsim.host{} */
	LMMSIM_KIND_PROCESS,           /* m:spawn(), p:fork(), p:thread(), m:tasks() */
	LMMSIM_KIND_CACHE,             /* m:kmem_cache_create{} */
};

/* What the value at idx is. */
enum lmmsim_kind lmmsim_kind(lua_State *L, int idx);

/* The machine behind the machine value at idx: NULL when the value is not
 * a machine or the machine was closed. */
mmsim_machine *lmmsim_tomachine(lua_State *L, int idx);

/* The pid behind the process value at idx, with its machine in *m (NULL
 * once the machine was closed); 0 when the value is not a process. */
int lmmsim_topid(lua_State *L, int idx, mmsim_machine **m);

/* Push a new array of the names a value of kind answers, sorted: its
 * methods, and with fields its fields too (a process's pid and machine). */
void lmmsim_push_names(lua_State *L, enum lmmsim_kind kind, bool fields);

/* Replace method name of every value of kind in L by a C closure of fn
 * whose upvalues are the method it replaces, then the n values on the top
 * of the stack (popped, as lua_pushcclosure does). Returns false (the n
 * values popped all the same) when kind has no method of that name. */
bool lmmsim_wrap_method(lua_State *L, enum lmmsim_kind kind, const char *name, lua_CFunction fn, int n);

#endif
