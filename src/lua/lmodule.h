/*
 * lua/lmodule.h — what the files of the Lua module `mmsim` share: the
 * objects' layouts and metatable names, and the helpers every method uses.
 * Only the files of src/lua include it; embedders use lua/lmmsim.h.
 */
#ifndef MMSIM_LUA_LMODULE_H
#define MMSIM_LUA_LMODULE_H

#include "lua/lmmsim.h"

#define LMMSIM_MACHINE "mmsim.machine"
#define LMMSIM_PROCESS "mmsim.process"
#define LMMSIM_CACHE   "mmsim.cache"
#define LMMSIM_VM      "mmsim.vm"

struct lmachine {
	mmsim_machine *m;              /* NULL once closed */
	lua_State *L;                  /* the state of the call in progress */
	int explain_ref;               /* a Lua function narrating, or LUA_NOREF */
	bool explain_stdout;
	char preset[32];
	char explain_error[256];       /* the narrator failed: raised after the call */
	bool narrating;                /* inside the narrator: the machine is mid-operation */
	int number;                    /* 1 for the first machine of the state, 2, ... */
};

/* Push a new machine object of the state, not booted yet (m NULL), with
 * its preset's name and its number. */
struct lmachine *lmmsim_new_machine(lua_State *L, const char *preset);

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
 * integer, or nil (0). Raises a Lua error naming fname for bad text (an
 * unknown word, a NUL byte), and for an integer that does not fit 32 bits
 * where the system call takes an int (madv, mcl, mlock). */
unsigned long lmmsim_check_flags(lua_State *L, int idx, const char *kind, const char *fname);

/* The string argument at idx, as luaL_checkstring, refusing one with a NUL
 * byte inside (the C API would see it cut there): an argument error. */
const char *lmmsim_checkstring(lua_State *L, int idx);

/* lmmsim_checkstring, or def when the argument is absent or nil. */
const char *lmmsim_optstring(lua_State *L, int idx, const char *def);

/* Raise a Lua error naming fname and the key unless every key of the
 * table at t is a name among keys (NULL-terminated): a misspelled key is
 * an error, never ignored. */
void lmmsim_check_keys(lua_State *L, int t, const char *const *keys, const char *fname);

/* v as an int; raises "fname: what V is out of range" when it does not fit. */
int lmmsim_check_int(lua_State *L, lua_Integer v, const char *what, const char *fname);

/* v as a length, size or frame number; raises "fname: what V is negative". */
uint64_t lmmsim_check_unsigned(lua_State *L, lua_Integer v, const char *what, const char *fname);

/* Field key of the table at index t as an integer: *def when the field is
 * absent (def NULL: it is required). Raises a Lua error naming fname and
 * key when it is missing or not an integer. */
lua_Integer lmmsim_field_integer(lua_State *L, int t, const char *key, const lua_Integer *def,
				 const char *fname);

/* Field key of the table at index t as a string (the table keeps it
 * alive): def when absent, unless required. Raises a Lua error naming
 * fname and key when it is missing but required, not a string, or holds a
 * NUL byte. */
const char *lmmsim_field_string(lua_State *L, int t, const char *key, const char *def, bool required,
				const char *fname);

/* The methods of kind: the table behind its metatable's __index (pushed). */
void lmmsim_push_methods(lua_State *L, enum lmmsim_kind kind);

/* Register the process methods in the module (lprocess.c). */
void lmmsim_open_process(lua_State *L);

/* Add mmsim.host and the diff markers to the module table at the top
 * (lhost.c). */
void lmmsim_open_host(lua_State *L);

/* The trace functions (mmsim.trace_open, trace_create, trace_import) into
 * the module table at the top, and their objects' metatables; m:replay is
 * in lmmsim_trace_methods (ltrace.c). */
void lmmsim_open_trace(lua_State *L);
extern const luaL_Reg lmmsim_trace_methods[];
/* Register the methods that read page tables, TLBs and frames, and draw
 * them (lstate.c). */
void lmmsim_open_state(lua_State *L);
/* Segments and TLS (lseg.c): the process and machine methods; the table
 * forms p:read{seg=, off=, n=}, p:fetch{...}, p:write{seg=, off=, data=,
 * size=} (the table at index 2); and the TLS block glibc sets up for a
 * thread, made for pid (0 or a negative errno). */
extern const luaL_Reg lmmsim_seg_process_methods[];
/* A failed access (err): nil and a fault table {signal=, code=, addr=,
 * trapno=, error_code=} for -EFAULT, else nil, errno, message (lprocess.c). */
int lmmsim_access_failure(lua_State *L, struct lmachine *lm, int err, const struct mmsim_fault *f);
extern const luaL_Reg lmmsim_seg_machine_methods[];
int lmmsim_seg_access(lua_State *L, enum mmsim_access kind);
int lmmsim_setup_tls(lua_State *L, struct lmachine *lm, int pid);

/* Virtual machines (lvm.c): m:vm and the VM object's metatable. */
extern const luaL_Reg lmmsim_vm_machine_methods[];
void lmmsim_open_vm(lua_State *L);

/* Register the allocator methods of machines (lalloc.c). */
void lmmsim_open_alloc(lua_State *L);
extern const luaL_Reg lmmsim_alloc_methods[];

#endif
