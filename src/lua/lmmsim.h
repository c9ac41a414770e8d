/*
 * lua/lmmsim.h — the Lua 5.4 module `mmsim`, built on the public C API only
 * (mmsim.h). The mmsim command embeds it as a global; `require "mmsim"`
 * loads it from a plain lua5.4 when installed.
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

/* ---- shared by the module's files ---------------------------------------- */

#define LMMSIM_MACHINE "mmsim.machine"
#define LMMSIM_PROCESS "mmsim.process"
#define LMMSIM_CACHE   "mmsim.cache"

struct lmachine {
	mmsim_machine *m;              /* NULL once closed */
	lua_State *L;                  /* the state of the call in progress */
	int explain_ref;               /* a Lua function narrating, or LUA_NOREF */
	bool explain_stdout;
	char preset[32];
	char explain_error[256];       /* the narrator failed: raised after the call */
	bool narrating;                /* inside the narrator: the machine is mid-operation */
};

/* The open machine at index idx. Raises a Lua error when it is closed, or
 * when called from its own explain function (the machine is in the middle
 * of an operation and cannot take another). */
struct lmachine *lmmsim_check_machine(lua_State *L, int idx);

/* Push a process object for pid of the machine at index midx. */
void lmmsim_push_process(lua_State *L, int midx, int pid);

/* Push nil, the errno name of err, and the machine's last error message:
 * the failure convention of every call that can fail. Returns 3. */
int lmmsim_fail(lua_State *L, mmsim_machine *m, int err);

/* Push a table built from named counters: "a.b.c" becomes t.a.b.c. */
void lmmsim_push_stats(lua_State *L, const struct mmsim_stat *s, size_t n);

/* Raise a narrator's error recorded during the last call, if any. */
void lmmsim_raise_explain_error(lua_State *L, struct lmachine *lm);

/* The end of a call that returns true on success: raise a narrator's
 * error, then lmmsim_fail for a negative err, else push true. Returns the
 * number of results. */
int lmmsim_done(lua_State *L, struct lmachine *lm, int err);

/* Flags at index idx: a string ("private|anonymous", "rw") of kind, an
 * integer, or nil (0). Raises a Lua error naming fname for bad text. */
unsigned long lmmsim_check_flags(lua_State *L, int idx, const char *kind, const char *fname);

/* Field key of the table at index t as an integer: *def when the field is
 * absent (def NULL: it is required). Raises a Lua error naming fname and
 * key when it is missing or not an integer. */
lua_Integer lmmsim_field_integer(lua_State *L, int t, const char *key, const lua_Integer *def,
				 const char *fname);

/* Field key of the table at index t as a string (the table keeps it
 * alive): def when absent, unless required. Raises a Lua error naming
 * fname and key when it is missing but required, or not a string. */
const char *lmmsim_field_string(lua_State *L, int t, const char *key, const char *def, bool required,
				const char *fname);

/* Register the process methods in the module (lprocess.c). */
void lmmsim_open_process(lua_State *L);

/* Add mmsim.host and the diff markers to the module table at the top
 * (lhost.c). */
void lmmsim_open_host(lua_State *L);

/* Register the allocator methods of machines (lalloc.c). */
void lmmsim_open_alloc(lua_State *L);
extern const luaL_Reg lmmsim_alloc_methods[];

#endif
