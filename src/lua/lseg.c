/* lua/lseg.c — segments and TLS: p:arch_prctl, p:set_thread_area,
 * p:get_thread_area, p:modify_ldt, p:ldt, p:load_segment, p:segments,
 * segment-relative p:read{seg=} and p:write{seg=}, m:gdt, and the TLS
 * block glibc gives each thread (spawn{tls=true}, thread{tls=true}). */
#include "lua/lmodule.h"

#include "common.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

static const char *const seg_names[] = { "es", "cs", "ss", "ds", "fs", "gs", NULL };

/* The process at index 1 (as lprocess.c's check_process). */
static int check_pid(lua_State *L, struct lmachine **lm)
{
	mmsim_machine *m;
	int pid = lmmsim_topid(L, 1, &m);
	if (!pid)
		luaL_checkudata(L, 1, LMMSIM_PROCESS);      /* raises the usual error */
	lua_getiuservalue(L, 1, 1);
	*lm = lmmsim_check_machine(L, -1);
	lua_pop(L, 1);
	return pid;
}

/* A system call's result: the value, or nil, errno name, message. */
static int result(lua_State *L, struct lmachine *lm, int64_t r)
{
	lmmsim_raise_explain_error(L, lm);
	if (r < 0 && r >= -4095)
		return lmmsim_fail(L, lm->m, (int)r);
	lua_pushinteger(L, (lua_Integer)r);
	return 1;
}

/* A segment register name at idx ("fs"), for fname. */
static enum mmsim_seg check_seg(lua_State *L, int idx)
{
	return (enum mmsim_seg)luaL_checkoption(L, idx, NULL, seg_names);
}

/* ---- arch_prctl ------------------------------------------------------------------ */

/* p:arch_prctl(code, addr) → 0; code "set_fs", "get_fs", "set_gs",
 * "get_gs" or a number. */
static int p_arch_prctl(lua_State *L)
{
	static const char *const codes[] = { "set_gs", "set_fs", "get_fs", "get_gs", NULL };
	struct lmachine *lm;
	int pid = check_pid(L, &lm);
	int code = lua_type(L, 2) == LUA_TNUMBER
			   ? lmmsim_check_int(L, luaL_checkinteger(L, 2), "code", "arch_prctl")
			   : MMSIM_ARCH_SET_GS + luaL_checkoption(L, 2, NULL, codes);
	uint64_t addr = (uint64_t)luaL_checkinteger(L, 3);
	return result(L, lm, mmsim_arch_prctl(lm->m, pid, code, addr));
}

/* ---- user_desc ------------------------------------------------------------------- */

/* The user_desc table at idx for fname: {entry=, base=, limit=, seg_32bit=,
 * contents=, read_exec_only=, limit_in_pages=, seg_not_present=, useable=,
 * lm=}; flags default to 0, entry to -1. */
static void check_desc(lua_State *L, int idx, struct mmsim_user_desc *d, const char *fname)
{
	static const char *const keys[] = { "entry", "base", "limit", "seg_32bit", "contents", "read_exec_only",
					    "limit_in_pages", "seg_not_present", "useable", "lm", NULL };
	const lua_Integer zero = 0, none = -1;
	luaL_checktype(L, idx, LUA_TTABLE);
	lmmsim_check_keys(L, idx, keys, fname);
	d->entry_number = (uint32_t)lmmsim_field_integer(L, idx, "entry", &none, fname);
	d->base_addr = (uint32_t)lmmsim_field_integer(L, idx, "base", &zero, fname);
	d->limit = (uint32_t)lmmsim_field_integer(L, idx, "limit", &zero, fname);
	unsigned *flags[] = { &d->seg_32bit, &d->contents, &d->read_exec_only, &d->limit_in_pages,
			      &d->seg_not_present, &d->useable, &d->lm };
	for (size_t i = 0; i < ARRAY_SIZE(flags); i++) {
		lua_Integer v = lmmsim_field_integer(L, idx, keys[3 + i], &zero, fname);
		if (v < 0 || v > (i == 1 ? 3 : 1))
			luaL_error(L, "%s: %s must be %s", fname, keys[3 + i], i == 1 ? "0 to 3" : "0 or 1");
		*flags[i] = (unsigned)v;
	}
}

/* Push a user_desc as such a table. */
static void push_desc(lua_State *L, const struct mmsim_user_desc *d)
{
	lua_createtable(L, 0, 10);
	lua_pushinteger(L, (int32_t)d->entry_number);
	lua_setfield(L, -2, "entry");
	lua_pushinteger(L, d->base_addr);
	lua_setfield(L, -2, "base");
	lua_pushinteger(L, d->limit);
	lua_setfield(L, -2, "limit");
	const struct { const char *name; unsigned v; } f[] = {
		{ "seg_32bit", d->seg_32bit }, { "contents", d->contents }, { "read_exec_only", d->read_exec_only },
		{ "limit_in_pages", d->limit_in_pages }, { "seg_not_present", d->seg_not_present },
		{ "useable", d->useable }, { "lm", d->lm },
	};
	for (size_t i = 0; i < ARRAY_SIZE(f); i++) {
		lua_pushinteger(L, f[i].v);
		lua_setfield(L, -2, f[i].name);
	}
}

/* p:set_thread_area{...} → the entry number (12..14) */
static int p_set_thread_area(lua_State *L)
{
	struct lmachine *lm;
	int pid = check_pid(L, &lm);
	struct mmsim_user_desc d;
	check_desc(L, 2, &d, "set_thread_area");
	int64_t r = mmsim_set_thread_area(lm->m, pid, &d);
	return result(L, lm, r < 0 ? r : (int64_t)d.entry_number);
}

/* p:get_thread_area(entry) → the user_desc table */
static int p_get_thread_area(lua_State *L)
{
	struct lmachine *lm;
	int pid = check_pid(L, &lm);
	struct mmsim_user_desc d = { .entry_number = (uint32_t)luaL_checkinteger(L, 2) };
	int64_t r = mmsim_get_thread_area(lm->m, pid, &d);
	if (r)
		return result(L, lm, r);
	lmmsim_raise_explain_error(L, lm);
	push_desc(L, &d);
	return 1;
}

/* ---- the LDT --------------------------------------------------------------------- */

#define LDT_MAX_BYTES (8192 * 8)

/* p:modify_ldt(func, bytecount) → count, bytes (funcs 0 and 2);
 * p:modify_ldt(func, desc) → 0 (funcs 1 and 0x11, desc a user_desc table
 * or its 16 bytes as a string, any length) */
static int p_modify_ldt(lua_State *L)
{
	struct lmachine *lm;
	int pid = check_pid(L, &lm);
	int func = lmmsim_check_int(L, luaL_checkinteger(L, 2), "func", "modify_ldt");
	unsigned char packed[16];
	if (lua_istable(L, 3)) {
		struct mmsim_user_desc d;
		check_desc(L, 3, &d, "modify_ldt");
		mmsim_user_desc_pack(&d, packed);
		return result(L, lm, mmsim_modify_ldt(lm->m, pid, func, packed, sizeof packed));
	}
	if (lua_type(L, 3) == LUA_TSTRING) {
		size_t len;
		const char *s = lua_tolstring(L, 3, &len);
		return result(L, lm, mmsim_modify_ldt(lm->m, pid, func, (void *)s, len));
	}
	lua_Integer n = luaL_checkinteger(L, 3);
	luaL_argcheck(L, n >= 0 && n <= LDT_MAX_BYTES * 2, 3, "bytecount out of range (0 to 128 KiB)");
	luaL_Buffer b;
	char *buf = luaL_buffinitsize(L, &b, (size_t)n);
	memset(buf, 0, (size_t)n);
	int64_t r = mmsim_modify_ldt(lm->m, pid, func, buf, (uint64_t)n);
	lmmsim_raise_explain_error(L, lm);
	if (r < 0)
		return lmmsim_fail(L, lm->m, (int)r);
	luaL_pushresultsize(&b, (size_t)(r > n ? n : r));
	lua_pushinteger(L, (lua_Integer)r);
	lua_insert(L, -2);
	return 2;
}

static uint64_t get64(const unsigned char *p)
{
	uint64_t v = 0;
	for (int i = 7; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

/* Push a descriptor decoded, with its index and raw words. */
static void push_descriptor(lua_State *L, unsigned index, uint64_t lo, uint64_t hi)
{
	struct mmsim_descriptor d;
	mmsim_descriptor_decode(lo, hi, &d);
	lua_createtable(L, 0, 16);
	const struct { const char *name; lua_Integer v; } f[] = {
		{ "index", index }, { "raw", (lua_Integer)lo }, { "base", (lua_Integer)d.base }, { "limit", d.limit },
		{ "type", d.type }, { "s", d.s }, { "dpl", d.dpl }, { "present", d.present }, { "avl", d.avl },
		{ "l", d.l }, { "db", d.db }, { "g", d.g },
	};
	for (size_t i = 0; i < ARRAY_SIZE(f); i++) {
		lua_pushinteger(L, f[i].v);
		lua_setfield(L, -2, f[i].name);
	}
	if (d.wide) {
		lua_pushinteger(L, (lua_Integer)hi);
		lua_setfield(L, -2, "raw_hi");
	}
	lua_pushboolean(L, d.wide);
	lua_setfield(L, -2, "wide");
	lua_pushstring(L, d.kind);
	lua_setfield(L, -2, "kind");
}

/* Push an array of descriptors from 8-byte words (a 16-byte system
 * descriptor takes two, and is listed once). */
static void push_table(lua_State *L, const uint64_t *w, size_t n)
{
	lua_createtable(L, (int)n, 0);
	int k = 1;
	for (size_t i = 0; i < n; i++) {
		struct mmsim_descriptor d;
		uint64_t hi = i + 1 < n ? w[i + 1] : 0;
		mmsim_descriptor_decode(w[i], hi, &d);
		push_descriptor(L, (unsigned)i, w[i], hi);
		lua_rawseti(L, -2, k++);
		i += (size_t)d.wide;
	}
}

/* p:ldt() → the process's LDT, decoded (modify_ldt(0)) */
static int p_ldt(lua_State *L)
{
	struct lmachine *lm;
	int pid = check_pid(L, &lm);
	unsigned char *buf = lua_newuserdatauv(L, LDT_MAX_BYTES, 0);
	int64_t r = mmsim_modify_ldt(lm->m, pid, 0, buf, LDT_MAX_BYTES);
	lmmsim_raise_explain_error(L, lm);
	if (r < 0)
		return lmmsim_fail(L, lm->m, (int)r);
	size_t n = (size_t)r / 8;
	while (n && !get64(buf + 8 * (n - 1)))
		n--;                                  /* the zero fill past the LDT's end */
	lua_createtable(L, (int)n, 0);
	for (size_t i = 0; i < n; i++) {
		push_descriptor(L, (unsigned)i, get64(buf + 8 * i), 0);
		lua_rawseti(L, -2, (lua_Integer)i + 1);
	}
	return 1;
}

/* m:gdt([cpu]) → the GDT of a core, decoded */
static int m_gdt(lua_State *L)
{
	struct lmachine *lm = lmmsim_check_machine(L, 1);
	int cpu = lmmsim_check_int(L, luaL_optinteger(L, 2, 0), "cpu", "gdt");
	uint64_t w[64];
	int n = mmsim_gdt(lm->m, cpu, w, ARRAY_SIZE(w));
	if (n < 0)
		return lmmsim_fail(L, lm->m, n);
	push_table(L, w, (size_t)n < ARRAY_SIZE(w) ? (size_t)n : ARRAY_SIZE(w));
	return 1;
}

/* ---- segment registers --------------------------------------------------------------- */

/* p:load_segment(seg, selector) → true, or nil and the fault */
static int p_load_segment(lua_State *L)
{
	struct lmachine *lm;
	int pid = check_pid(L, &lm);
	enum mmsim_seg seg = check_seg(L, 2);
	lua_Integer sel = luaL_checkinteger(L, 3);
	luaL_argcheck(L, sel >= 0 && sel <= 0xffff, 3, "a selector is 0 to 0xffff");
	struct mmsim_fault f;
	int err = mmsim_load_segment(lm->m, pid, seg, (unsigned)sel, &f);
	if (err)
		return lmmsim_access_failure(L, lm, err, &f);
	lmmsim_raise_explain_error(L, lm);
	lua_pushboolean(L, 1);
	return 1;
}

/* p:segments() → {cs = {sel=, base=, limit=, attr=, kind=, dpl=, ...}, ...,
 * fs_base=, gs_base=, compat=, ldt_entries=} */
static int p_segments(lua_State *L)
{
	struct lmachine *lm;
	int pid = check_pid(L, &lm);
	struct mmsim_segments s;
	int err = mmsim_segments(lm->m, pid, &s);
	if (err)
		return lmmsim_fail(L, lm->m, err);
	lua_createtable(L, 0, 10);
	for (int r = 0; r < 6; r++) {
		char kind[64];
		const struct mmsim_segment *g = &s.seg[r];
		mmsim_segment_kind(g->attr, kind, sizeof kind);
		lua_createtable(L, 0, 8);
		const struct { const char *name; lua_Integer v; } f[] = {
			{ "sel", g->sel }, { "base", (lua_Integer)g->base }, { "limit", g->limit }, { "attr", g->attr },
			{ "dpl", (g->attr >> 5) & 3 }, { "index", g->sel >> 3 }, { "ti", (g->sel >> 2) & 1 },
			{ "rpl", g->sel & 3 },
		};
		for (size_t i = 0; i < ARRAY_SIZE(f); i++) {
			lua_pushinteger(L, f[i].v);
			lua_setfield(L, -2, f[i].name);
		}
		lua_pushstring(L, kind);
		lua_setfield(L, -2, "kind");
		lua_setfield(L, -2, seg_names[r]);
	}
	lua_pushinteger(L, (lua_Integer)s.fs_base);
	lua_setfield(L, -2, "fs_base");
	lua_pushinteger(L, (lua_Integer)s.gs_base);
	lua_setfield(L, -2, "gs_base");
	lua_pushboolean(L, s.compat);
	lua_setfield(L, -2, "compat");
	lua_pushinteger(L, s.ldt_entries);
	lua_setfield(L, -2, "ldt_entries");
	return 1;
}

/* See lmodule.h: p:read{seg=, off=, n=}, p:fetch{seg="cs", off=, n=},
 * p:write{seg=, off=, data=, size=}, the table at index 2. */
int lmmsim_seg_access(lua_State *L, enum mmsim_access kind)
{
	static const char *const rkeys[] = { "seg", "off", "n", NULL }, *const wkeys[] = { "seg", "off", "data", "size", NULL };
	const char *fname = kind == MMSIM_WRITE ? "write" : kind == MMSIM_READ ? "read" : "fetch";
	struct lmachine *lm;
	int pid = check_pid(L, &lm);
	lmmsim_check_keys(L, 2, kind == MMSIM_WRITE ? wkeys : rkeys, fname);
	lua_getfield(L, 2, "seg");
	enum mmsim_seg seg = check_seg(L, -1);
	uint64_t off = (uint64_t)lmmsim_field_integer(L, 2, "off", NULL, fname);
	unsigned char bytes[4096];
	size_t len;
	if (kind != MMSIM_WRITE) {
		const lua_Integer one = 1;
		lua_Integer n = lmmsim_field_integer(L, 2, "n", &one, fname);
		luaL_argcheck(L, n >= 1 && n <= 4096, 2, "n must be 1 to 4096");
		len = (size_t)n;
	} else {
		lua_getfield(L, 2, "data");
		if (lua_type(L, -1) == LUA_TNUMBER) {
			const lua_Integer eight = 8;
			lua_Integer v = lua_tointeger(L, -1);
			len = (size_t)lmmsim_field_integer(L, 2, "size", &eight, fname);
			luaL_argcheck(L, len == 1 || len == 2 || len == 4 || len == 8, 2, "size must be 1, 2, 4 or 8");
			for (size_t i = 0; i < len; i++)
				bytes[i] = (unsigned char)((uint64_t)v >> (8 * i));
		} else {
			const char *s = luaL_checklstring(L, -1, &len);
			luaL_argcheck(L, len >= 1 && len <= 4096, 2, "data must be 1 to 4096 bytes");
			memcpy(bytes, s, len);
		}
	}
	struct mmsim_fault f;
	int err = mmsim_access_seg(lm->m, pid, seg, off, bytes, len, kind, &f);
	if (err)
		return lmmsim_access_failure(L, lm, err, &f);
	lmmsim_raise_explain_error(L, lm);
	if (kind == MMSIM_WRITE)
		lua_pushboolean(L, 1);
	else
		lua_pushlstring(L, (const char *)bytes, len);
	return 1;
}

/* ---- TLS blocks ------------------------------------------------------------------------- */

#define TLS_BLOCK     0x2000            /* static TLS below the TCB, then the TCB */
#define TCB_OFFSET    0x1000
#define STACK_GUARD   0x8badf00ddeadbe00ULL    /* glibc's canary has a zero low byte */
#define POINTER_GUARD 0x2545f4914f6cdd1dULL

/* See lmodule.h. What glibc does for a thread: a block for its static TLS
 * and thread control block, whose header holds the TCB's own address at
 * %fs:0 (tcb) and %fs:0x10 (self), the stack guard at %fs:0x28 and the
 * pointer guard at %fs:0x30; then FS points at the TCB (arch_prctl
 * ARCH_SET_FS). The process's block is mapped anonymous, read-write. */
int lmmsim_setup_tls(lua_State *L, struct lmachine *lm, int pid)
{
	int64_t block = mmsim_mmap(lm->m, pid, 0, TLS_BLOCK, MMSIM_PROT_READ | MMSIM_PROT_WRITE,
				   MMSIM_MAP_PRIVATE | MMSIM_MAP_ANONYMOUS, -1, 0);
	if (block < 0)
		return (int)block;
	uint64_t tcb = (uint64_t)block + TCB_OFFSET, head[7] = { tcb, 0, tcb, 0, 0, STACK_GUARD, POINTER_GUARD };
	struct mmsim_fault f;
	int err = mmsim_access(lm->m, pid, tcb, head, sizeof head, MMSIM_WRITE, &f);
	if (!err)
		err = (int)mmsim_arch_prctl(lm->m, pid, MMSIM_ARCH_SET_FS, tcb);
	lmmsim_raise_explain_error(L, lm);
	return err;
}

/* See lmodule.h. */
const luaL_Reg lmmsim_seg_process_methods[] = {
	{ "arch_prctl", p_arch_prctl }, { "set_thread_area", p_set_thread_area },
	{ "get_thread_area", p_get_thread_area }, { "modify_ldt", p_modify_ldt }, { "ldt", p_ldt },
	{ "load_segment", p_load_segment }, { "segments", p_segments }, { NULL, NULL },
};

/* See lmodule.h. */
const luaL_Reg lmmsim_seg_machine_methods[] = {
	{ "gdt", m_gdt }, { NULL, NULL },
};
