/* lua/lprocess.c — process objects: system calls, accesses, views. */
#include "lua/lmodule.h"

#include "common.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct lprocess {
	int pid;
};

/* See lmodule.h. The process keeps its machine alive (user value 1). */
void lmmsim_push_process(lua_State *L, int midx, int pid)
{
	midx = lua_absindex(L, midx);
	struct lprocess *p = lua_newuserdatauv(L, sizeof *p, 1);
	p->pid = pid;
	lua_pushvalue(L, midx);
	lua_setiuservalue(L, -2, 1);
	luaL_setmetatable(L, LMMSIM_PROCESS);
}

/* See lmmsim.h. */
int lmmsim_topid(lua_State *L, int idx, mmsim_machine **m)
{
	struct lprocess *p = luaL_testudata(L, idx, LMMSIM_PROCESS);
	if (!p)
		return 0;
	lua_getiuservalue(L, idx, 1);
	*m = lmmsim_tomachine(L, -1);
	lua_pop(L, 1);
	return p->pid;
}

/* The process at index 1 and its machine (pushed on the stack). */
static struct lprocess *check_process(lua_State *L, struct lmachine **lm)
{
	struct lprocess *p = luaL_checkudata(L, 1, LMMSIM_PROCESS);
	lua_getiuservalue(L, 1, 1);
	*lm = lmmsim_check_machine(L, -1);
	lua_pop(L, 1);
	return p;
}

/* Return a system call's result: the value, or nil, errno name, message. */
static int syscall_result(lua_State *L, struct lmachine *lm, int64_t r)
{
	lmmsim_raise_explain_error(L, lm);
	if (r < 0 && r >= -4095)
		return lmmsim_fail(L, lm->m, (int)r);
	lua_pushinteger(L, (lua_Integer)r);
	return 1;
}

static uint64_t check_addr(lua_State *L, int idx)
{
	return (uint64_t)luaL_checkinteger(L, idx);
}

/* ---- tasks ---------------------------------------------------------------------- */

/* A core argument of fname: a number, or {core=N}, or the default. */
static int opt_core(lua_State *L, int idx, int def, const char *fname)
{
	static const char *const keys[] = { "core", NULL };
	lua_Integer core = def;
	if (lua_istable(L, idx)) {
		lmmsim_check_keys(L, idx, keys, fname);
		core = lmmsim_field_integer(L, idx, "core", &core, fname);
	} else {
		core = luaL_optinteger(L, idx, def);
	}
	return lmmsim_check_int(L, core, "core", fname);
}

/* {tls=true} at idx: take the key out of the table (opt_core checks the
 * rest) and say whether it was set. */
static bool opt_tls(lua_State *L, int idx)
{
	if (!lua_istable(L, idx))
		return false;
	lua_getfield(L, idx, "tls");
	bool tls = lua_toboolean(L, -1);
	lua_pop(L, 1);
	lua_pushnil(L);
	lua_setfield(L, idx, "tls");
	return tls;
}

/* p:thread{core=, tls=} → thread */
static int p_thread(lua_State *L)
{
	struct lmachine *lm;
	struct lprocess *p = check_process(L, &lm);
	struct mmsim_task_info info;
	int err = mmsim_task_info(lm->m, p->pid, &info);
	if (err)
		return lmmsim_fail(L, lm->m, err);
	bool tls = opt_tls(L, 2);
	int tid = mmsim_thread(lm->m, p->pid, opt_core(L, 2, info.core, "thread"));
	lmmsim_raise_explain_error(L, lm);
	if (tid < 0)
		return lmmsim_fail(L, lm->m, tid);
	if (tls && (err = lmmsim_setup_tls(L, lm, tid)) < 0)
		return lmmsim_fail(L, lm->m, err);
	lua_getiuservalue(L, 1, 1);
	lmmsim_push_process(L, -1, tid);
	return 1;
}

/* p:fork{core=} → child */
static int p_fork(lua_State *L)
{
	struct lmachine *lm;
	struct lprocess *p = check_process(L, &lm);
	int child = mmsim_fork(lm->m, p->pid, opt_core(L, 2, -1, "fork"));
	lmmsim_raise_explain_error(L, lm);
	if (child < 0)
		return lmmsim_fail(L, lm->m, child);
	lua_getiuservalue(L, 1, 1);
	lmmsim_push_process(L, -1, child);
	return 1;
}

/* p:exit([code]) */
static int p_exit(lua_State *L)
{
	struct lmachine *lm;
	struct lprocess *p = check_process(L, &lm);
	int code = lmmsim_check_int(L, luaL_optinteger(L, 2, 0), "code", "exit");
	return lmmsim_done(L, lm, mmsim_exit(lm->m, p->pid, code));
}

/* p:run_on(core): a context switch */
static int p_run_on(lua_State *L)
{
	struct lmachine *lm;
	struct lprocess *p = check_process(L, &lm);
	int core = lmmsim_check_int(L, luaL_checkinteger(L, 2), "core", "run_on");
	return lmmsim_done(L, lm, mmsim_run_on(lm->m, p->pid, core));
}

/* p:info() → {pid=, tgid=, ppid=, core=, comm=, threads=} */
static int p_info(lua_State *L)
{
	struct lmachine *lm;
	struct lprocess *p = check_process(L, &lm);
	struct mmsim_task_info info;
	int err = mmsim_task_info(lm->m, p->pid, &info);
	if (err)
		return lmmsim_fail(L, lm->m, err);
	lua_createtable(L, 0, 6);
	lua_pushinteger(L, info.pid);
	lua_setfield(L, -2, "pid");
	lua_pushinteger(L, info.tgid);
	lua_setfield(L, -2, "tgid");
	lua_pushinteger(L, info.ppid);
	lua_setfield(L, -2, "ppid");
	lua_pushinteger(L, info.core);
	lua_setfield(L, -2, "core");
	lua_pushstring(L, info.comm);
	lua_setfield(L, -2, "comm");
	lua_pushinteger(L, info.nr_threads);
	lua_setfield(L, -2, "threads");
	return 1;
}

/* p:alive() → boolean */
static int p_alive(lua_State *L)
{
	struct lmachine *lm;
	struct lprocess *p = check_process(L, &lm);
	struct mmsim_task_info info;
	lua_pushboolean(L, mmsim_task_info(lm->m, p->pid, &info) == 0);
	return 1;
}

/* ---- system calls ----------------------------------------------------------------- */

/* p:mmap{addr=, len=, prot=, flags=, fd=, offset=} or p:mmap(addr, len, prot, flags [, fd, offset]) */
static int p_mmap(lua_State *L)
{
	struct lmachine *lm;
	struct lprocess *p = check_process(L, &lm);
	uint64_t addr = 0, len, off = 0;
	unsigned long prot, flags;
	int fd = -1;
	if (lua_istable(L, 2)) {
		static const char *const keys[] = { "addr", "len", "prot", "flags", "fd", "offset", NULL };
		const lua_Integer zero = 0, none = -1;
		lmmsim_check_keys(L, 2, keys, "mmap");
		addr = (uint64_t)lmmsim_field_integer(L, 2, "addr", &zero, "mmap");
		len = (uint64_t)lmmsim_field_integer(L, 2, "len", NULL, "mmap");
		fd = lmmsim_check_int(L, lmmsim_field_integer(L, 2, "fd", &none, "mmap"), "fd", "mmap");
		off = (uint64_t)lmmsim_field_integer(L, 2, "offset", &zero, "mmap");
		lua_getfield(L, 2, "prot");
		prot = lmmsim_check_flags(L, -1, "prot", "mmap");
		lua_getfield(L, 2, "flags");
		flags = !lua_isnil(L, -1) ? lmmsim_check_flags(L, -1, "map", "mmap")
		      : fd >= 0 ? MMSIM_MAP_PRIVATE : MMSIM_MAP_PRIVATE | MMSIM_MAP_ANONYMOUS;
	} else {
		addr = (uint64_t)luaL_optinteger(L, 2, 0);
		len = check_addr(L, 3);
		prot = lmmsim_check_flags(L, 4, "prot", "mmap");
		flags = lmmsim_check_flags(L, 5, "map", "mmap");
		fd = lmmsim_check_int(L, luaL_optinteger(L, 6, -1), "fd", "mmap");
		off = (uint64_t)luaL_optinteger(L, 7, 0);
	}
	return syscall_result(L, lm, mmsim_mmap(lm->m, p->pid, addr, len, prot, flags, fd, off));
}

static int p_munmap(lua_State *L)
{
	struct lmachine *lm;
	struct lprocess *p = check_process(L, &lm);
	return syscall_result(L, lm, mmsim_munmap(lm->m, p->pid, check_addr(L, 2), check_addr(L, 3)));
}

static int p_mprotect(lua_State *L)
{
	struct lmachine *lm;
	struct lprocess *p = check_process(L, &lm);
	unsigned long prot = lmmsim_check_flags(L, 4, "prot", "mprotect");
	return syscall_result(L, lm, mmsim_mprotect(lm->m, p->pid, check_addr(L, 2), check_addr(L, 3), prot));
}

/* p:mremap(old, oldlen, newlen [, flags [, newaddr]]) */
static int p_mremap(lua_State *L)
{
	struct lmachine *lm;
	struct lprocess *p = check_process(L, &lm);
	unsigned long flags = lmmsim_check_flags(L, 5, "mremap", "mremap");
	uint64_t newaddr = (uint64_t)luaL_optinteger(L, 6, 0);
	return syscall_result(L, lm, mmsim_mremap(lm->m, p->pid, check_addr(L, 2), check_addr(L, 3),
						  check_addr(L, 4), flags, newaddr));
}

/* p:brk([addr]) → the break (the raw system call: never fails) */
static int p_brk(lua_State *L)
{
	struct lmachine *lm;
	struct lprocess *p = check_process(L, &lm);
	return syscall_result(L, lm, mmsim_brk(lm->m, p->pid, (uint64_t)luaL_optinteger(L, 2, 0)));
}

static int p_madvise(lua_State *L)
{
	struct lmachine *lm;
	struct lprocess *p = check_process(L, &lm);
	if (lua_isnoneornil(L, 4))
		return luaL_argerror(L, 4, "advice expected (\"dontneed\", \"free\", ...)");
	int advice = (int)lmmsim_check_flags(L, 4, "madv", "madvise");
	return syscall_result(L, lm, mmsim_madvise(lm->m, p->pid, check_addr(L, 2), check_addr(L, 3), advice));
}

static int p_mlock(lua_State *L)
{
	struct lmachine *lm;
	struct lprocess *p = check_process(L, &lm);
	return syscall_result(L, lm, mmsim_mlock(lm->m, p->pid, check_addr(L, 2), check_addr(L, 3)));
}

static int p_mlock2(lua_State *L)
{
	struct lmachine *lm;
	struct lprocess *p = check_process(L, &lm);
	unsigned flags = (unsigned)lmmsim_check_flags(L, 4, "mlock", "mlock2");
	return syscall_result(L, lm, mmsim_mlock2(lm->m, p->pid, check_addr(L, 2), check_addr(L, 3), flags));
}

static int p_munlock(lua_State *L)
{
	struct lmachine *lm;
	struct lprocess *p = check_process(L, &lm);
	return syscall_result(L, lm, mmsim_munlock(lm->m, p->pid, check_addr(L, 2), check_addr(L, 3)));
}

static int p_mlockall(lua_State *L)
{
	struct lmachine *lm;
	struct lprocess *p = check_process(L, &lm);
	int flags = (int)lmmsim_check_flags(L, 2, "mcl", "mlockall");
	return syscall_result(L, lm, mmsim_mlockall(lm->m, p->pid, flags));
}

static int p_munlockall(lua_State *L)
{
	struct lmachine *lm;
	struct lprocess *p = check_process(L, &lm);
	return syscall_result(L, lm, mmsim_munlockall(lm->m, p->pid));
}

/* p:set_vma_name(addr, len, name | nil): prctl(PR_SET_VMA_ANON_NAME) */
static int p_set_vma_name(lua_State *L)
{
	struct lmachine *lm;
	struct lprocess *p = check_process(L, &lm);
	const char *name = lmmsim_optstring(L, 4, NULL);
	return syscall_result(L, lm, mmsim_set_vma_anon_name(lm->m, p->pid, check_addr(L, 2),
							     check_addr(L, 3), name));
}

/* ---- accesses ------------------------------------------------------------------------ */

/* See lmodule.h. */
int lmmsim_access_failure(lua_State *L, struct lmachine *lm, int err, const struct mmsim_fault *f)
{
	lmmsim_raise_explain_error(L, lm);
	if (err != -EFAULT)
		return lmmsim_fail(L, lm->m, err);
	lua_pushnil(L);
	lua_createtable(L, 0, 5);
	lua_pushstring(L, mmsim_signal_name(f->signo));
	lua_setfield(L, -2, "signal");
	lua_pushstring(L, mmsim_sigcode_name(f->signo, f->code));
	lua_setfield(L, -2, "code");
	lua_pushinteger(L, (lua_Integer)f->addr);
	lua_setfield(L, -2, "addr");
	lua_pushinteger(L, f->trapno);
	lua_setfield(L, -2, "trapno");
	lua_pushinteger(L, f->error_code);
	lua_setfield(L, -2, "error_code");
	return 2;
}

/* The largest single read or write: keeps a script from asking for more
 * host memory than it can have by mistake. */
#define MAX_IO (64u << 20)

/* p:write(addr, string | integer [, size]) → true */
static int p_write(lua_State *L)
{
	if (lua_istable(L, 2))
		return lmmsim_seg_access(L, MMSIM_WRITE);        /* p:write{seg=, off=, data=} */
	struct lmachine *lm;
	struct lprocess *p = check_process(L, &lm);
	uint64_t addr = check_addr(L, 2);
	uint8_t bytes[8];
	const void *buf = bytes;
	size_t len;
	if (lua_type(L, 3) == LUA_TNUMBER) {
		lua_Integer v = luaL_checkinteger(L, 3);
		len = (size_t)luaL_optinteger(L, 4, 8);
		luaL_argcheck(L, len == 1 || len == 2 || len == 4 || len == 8, 4, "size must be 1, 2, 4 or 8");
		if (len < 8 && (v < -((lua_Integer)1 << (8 * len - 1)) || v >= (lua_Integer)1 << (8 * len)))
			return luaL_error(L, "write: %I does not fit in %d byte%s", v, (int)len, len > 1 ? "s" : "");
		for (size_t i = 0; i < len; i++)
			bytes[i] = (uint8_t)((uint64_t)v >> (8 * i));   /* little-endian, as x86 stores */
	} else {
		buf = luaL_checklstring(L, 3, &len);
	}
	struct mmsim_fault f;
	int err = mmsim_access(lm->m, p->pid, addr, (void *)buf, len, MMSIM_WRITE, &f);
	if (err)
		return lmmsim_access_failure(L, lm, err, &f);
	lmmsim_raise_explain_error(L, lm);
	lua_pushboolean(L, 1);
	return 1;
}

/* Read or fetch n bytes at addr into a Lua string. */
static int read_bytes(lua_State *L, enum mmsim_access kind)
{
	if (lua_istable(L, 2))
		return lmmsim_seg_access(L, kind);               /* p:read{seg=, off=, n=} */
	struct lmachine *lm;
	struct lprocess *p = check_process(L, &lm);
	uint64_t addr = check_addr(L, 2);
	lua_Integer n = luaL_optinteger(L, 3, 1);
	luaL_argcheck(L, n >= 0 && n <= MAX_IO, 3, "length out of range (0 to 64 MiB)");
	luaL_Buffer b;
	char *buf = luaL_buffinitsize(L, &b, (size_t)n);
	struct mmsim_fault f;
	int err = mmsim_access(lm->m, p->pid, addr, buf, (size_t)n, kind, &f);
	if (err)
		return lmmsim_access_failure(L, lm, err, &f);
	lmmsim_raise_explain_error(L, lm);
	luaL_pushresultsize(&b, (size_t)n);
	return 1;
}

/* p:read(addr, n) → string */
static int p_read(lua_State *L)
{
	return read_bytes(L, MMSIM_READ);
}

/* p:fetch(addr [, n]) → the instruction bytes */
static int p_fetch(lua_State *L)
{
	return read_bytes(L, MMSIM_FETCH);
}

/* p:read_u64(addr) → integer (little-endian) */
static int p_read_u64(lua_State *L)
{
	struct lmachine *lm;
	struct lprocess *p = check_process(L, &lm);
	uint8_t b[8];
	struct mmsim_fault f;
	int err = mmsim_access(lm->m, p->pid, check_addr(L, 2), b, 8, MMSIM_READ, &f);
	if (err)
		return lmmsim_access_failure(L, lm, err, &f);
	lmmsim_raise_explain_error(L, lm);
	uint64_t v = 0;
	for (int i = 7; i >= 0; i--)
		v = v << 8 | b[i];
	lua_pushinteger(L, (lua_Integer)v);
	return 1;
}

/* ---- files ---------------------------------------------------------------------- */

/* A descriptor argument of fname at idx. */
static int check_fd(lua_State *L, int idx, const char *fname)
{
	return lmmsim_check_int(L, luaL_checkinteger(L, idx), "fd", fname);
}

/* A file mode at idx: an integer, or a string of octal digits ("0600",
 * "644": Lua has no octal literals); def when absent. Raises an error
 * naming fname otherwise. */
static unsigned check_mode(lua_State *L, int idx, unsigned def, const char *fname)
{
	if (lua_isnoneornil(L, idx))
		return def;
	if (lua_type(L, idx) == LUA_TSTRING) {
		const char *s = lua_tostring(L, idx);
		char *end;
		unsigned long v = strtoul(s, &end, 8);
		if (!*s || *end || v > 07777)
			return (unsigned)luaL_error(L, "%s: mode '%s' is not octal digits up to 7777", fname, s);
		return (unsigned)v;
	}
	lua_Integer v = luaL_checkinteger(L, idx);
	if (v < 0 || v > 07777)
		return (unsigned)luaL_error(L, "%s: mode %d is outside 0 to 0o7777", fname, (int)v);
	return (unsigned)v;
}

/* p:open(path [, flags [, mode]]) → fd (flags "rdwr|creat", default "rdonly";
 * mode default "644") */
static int p_open(lua_State *L)
{
	struct lmachine *lm;
	struct lprocess *p = check_process(L, &lm);
	const char *path = lmmsim_checkstring(L, 2);
	unsigned flags = (unsigned)lmmsim_check_flags(L, 3, "open", "open");
	unsigned mode = check_mode(L, 4, 0644, "open");
	return syscall_result(L, lm, mmsim_open(lm->m, p->pid, path, flags, mode));
}

/* p:close(fd) → 0 */
static int p_close(lua_State *L)
{
	struct lmachine *lm;
	struct lprocess *p = check_process(L, &lm);
	return syscall_result(L, lm, mmsim_close(lm->m, p->pid, check_fd(L, 2, "close")));
}

/* p:dup(fd) → the new fd */
static int p_dup(lua_State *L)
{
	struct lmachine *lm;
	struct lprocess *p = check_process(L, &lm);
	return syscall_result(L, lm, mmsim_dup(lm->m, p->pid, check_fd(L, 2, "dup")));
}

/* p:pread(fd, len [, offset]) → the bytes read (a string, short at the end of the file) */
static int p_pread(lua_State *L)
{
	struct lmachine *lm;
	struct lprocess *p = check_process(L, &lm);
	int fd = check_fd(L, 2, "pread");
	lua_Integer n = luaL_checkinteger(L, 3);
	luaL_argcheck(L, n >= 0 && n <= MAX_IO, 3, "length out of range (0 to 64 MiB)");
	int64_t off = (int64_t)luaL_optinteger(L, 4, 0);
	luaL_Buffer b;
	char *buf = luaL_buffinitsize(L, &b, (size_t)n);
	int64_t r = mmsim_pread(lm->m, p->pid, fd, buf, (uint64_t)n, off);
	lmmsim_raise_explain_error(L, lm);
	if (r < 0)
		return lmmsim_fail(L, lm->m, (int)r);
	luaL_pushresultsize(&b, (size_t)r);
	return 1;
}

/* p:pwrite(fd, data [, offset]) → bytes written */
static int p_pwrite(lua_State *L)
{
	struct lmachine *lm;
	struct lprocess *p = check_process(L, &lm);
	int fd = check_fd(L, 2, "pwrite");
	size_t n;
	const char *data = luaL_checklstring(L, 3, &n);
	int64_t off = (int64_t)luaL_optinteger(L, 4, 0);
	return syscall_result(L, lm, mmsim_pwrite(lm->m, p->pid, fd, data, n, off));
}

/* p:ftruncate(fd, length) → 0 */
static int p_ftruncate(lua_State *L)
{
	struct lmachine *lm;
	struct lprocess *p = check_process(L, &lm);
	int fd = check_fd(L, 2, "ftruncate");
	return syscall_result(L, lm, mmsim_ftruncate(lm->m, p->pid, fd, (int64_t)luaL_checkinteger(L, 3)));
}

/* p:msync(addr, len, flags) → 0; flags "sync", "async", "invalidate",
 * joined with '|' */
static int p_msync(lua_State *L)
{
	struct lmachine *lm;
	struct lprocess *p = check_process(L, &lm);
	uint64_t addr = check_addr(L, 2), len = check_addr(L, 3);
	int flags = (int)lmmsim_check_flags(L, 4, "ms", "msync");
	return syscall_result(L, lm, mmsim_msync(lm->m, p->pid, addr, len, flags));
}

/* p:mincore(addr, len) → a string of '1' (resident) and '0', one a page */
static int p_mincore(lua_State *L)
{
	struct lmachine *lm;
	struct lprocess *p = check_process(L, &lm);
	uint64_t addr = check_addr(L, 2), len = check_addr(L, 3);
	uint64_t pages = len / 4096 + (len % 4096 != 0);
	if (pages > (1u << 24))
		return luaL_error(L, "mincore: %I pages: at most 16M pages at a time", (lua_Integer)pages);
	unsigned char *vec = lua_newuserdatauv(L, pages ? pages : 1, 0);
	int r = mmsim_mincore(lm->m, p->pid, addr, len, vec);
	lmmsim_raise_explain_error(L, lm);
	if (r < 0)
		return lmmsim_fail(L, lm->m, r);
	for (uint64_t i = 0; i < pages; i++)
		vec[i] = (vec[i] & 1) ? '1' : '0';
	lua_pushlstring(L, (const char *)vec, pages);
	return 1;
}

/* The words of a node mask of maxnode - 1 bits (Lua: a list of node
 * numbers, or an integer of bits; nil: no mask). */
#define LMPOL_WORDS MMSIM_MPOL_MASK_WORDS
static uint64_t *check_node_mask(lua_State *L, int idx, uint64_t maxnode, uint64_t *words, const char *fname)
{
	if (lua_isnoneornil(L, idx))
		return NULL;
	memset(words, 0, LMPOL_WORDS * sizeof *words);
	if (lua_type(L, idx) == LUA_TNUMBER) {
		words[0] = (uint64_t)luaL_checkinteger(L, idx);
		return words;
	}
	luaL_checktype(L, idx, LUA_TTABLE);
	for (lua_Integer i = 1; lua_rawgeti(L, idx, i) != LUA_TNIL; i++) {
		lua_Integer n = lua_tointeger(L, -1);
		if (!lua_isinteger(L, -1) || n < 0 || n >= (lua_Integer)LMPOL_WORDS * 64 - 64)
			luaL_error(L, "%s: node %d of the list must be a node number from 0 to %d", fname, (int)i,
				   (LMPOL_WORDS - 1) * 64 - 1);
		words[n / 64] |= 1ULL << (n % 64);
		lua_pop(L, 1);
	}
	lua_pop(L, 1);
	(void)maxnode;
	return words;
}

/* p:set_mempolicy(mode [, nodes [, maxnode]]) → 0; maxnode defaults to
 * 1025 (a mask of Linux's 1024 nodes, as libnuma passes) */
static int p_set_mempolicy(lua_State *L)
{
	struct lmachine *lm;
	struct lprocess *p = check_process(L, &lm);
	int mode = (int)lmmsim_check_flags(L, 2, "mpol", "set_mempolicy");
	uint64_t words[LMPOL_WORDS], maxnode = (uint64_t)luaL_optinteger(L, 4, 1025);
	uint64_t *mask = check_node_mask(L, 3, maxnode, words, "set_mempolicy");
	return syscall_result(L, lm, mmsim_set_mempolicy(lm->m, p->pid, mode, mask, maxnode));
}

/* p:get_mempolicy{flags=, addr=, maxnode=} → policy (the mode and flags, or
 * a node with "node"), the mask's first word (nodes 0-63) as an integer;
 * maxnode 0: no mask asked (nil) */
static int p_get_mempolicy(lua_State *L)
{
	struct lmachine *lm;
	struct lprocess *p = check_process(L, &lm);
	unsigned flags = 0;
	uint64_t addr = 0, maxnode = 1025, words[LMPOL_WORDS] = { 0 };
	if (!lua_isnoneornil(L, 2)) {
		luaL_checktype(L, 2, LUA_TTABLE);
		lua_getfield(L, 2, "flags");
		flags = (unsigned)lmmsim_check_flags(L, -1, "mpol_get", "get_mempolicy");
		lua_getfield(L, 2, "addr");
		addr = lua_isnil(L, -1) ? 0 : (uint64_t)luaL_checkinteger(L, -1);
		lua_getfield(L, 2, "maxnode");
		maxnode = lua_isnil(L, -1) ? maxnode : (uint64_t)luaL_checkinteger(L, -1);
		lua_pop(L, 3);
	}
	int policy = 0;
	int r = mmsim_get_mempolicy(lm->m, p->pid, &policy, maxnode ? words : NULL, maxnode, addr, flags);
	lmmsim_raise_explain_error(L, lm);
	if (r < 0)
		return lmmsim_fail(L, lm->m, r);
	lua_pushinteger(L, policy);
	if (maxnode)
		lua_pushinteger(L, (lua_Integer)words[0]);
	else
		lua_pushnil(L);
	return 2;
}

/* p:fsync(fd) → 0 */
static int p_fsync(lua_State *L)
{
	struct lmachine *lm;
	struct lprocess *p = check_process(L, &lm);
	return syscall_result(L, lm, mmsim_fsync(lm->m, p->pid, check_fd(L, 2, "fsync")));
}

/* p:fdatasync(fd) → 0 */
static int p_fdatasync(lua_State *L)
{
	struct lmachine *lm;
	struct lprocess *p = check_process(L, &lm);
	return syscall_result(L, lm, mmsim_fdatasync(lm->m, p->pid, check_fd(L, 2, "fdatasync")));
}

/* p:fadvise(fd, offset, len, advice) → 0; advice is "normal", "random",
 * "sequential", "willneed", "dontneed", "noreuse" or a number. */
static int p_fadvise(lua_State *L)
{
	static const char *const names[] = { "normal", "random", "sequential", "willneed", "dontneed", "noreuse" };
	struct lmachine *lm;
	struct lprocess *p = check_process(L, &lm);
	int fd = check_fd(L, 2, "fadvise");
	int advice = -1;
	if (lua_type(L, 5) == LUA_TSTRING) {
		const char *a = lua_tostring(L, 5);
		for (size_t i = 0; i < ARRAY_SIZE(names); i++)
			if (!strcmp(a, names[i]))
				advice = (int)i;
		if (advice < 0)
			return luaL_error(L, "fadvise: unknown advice '%s' (normal, random, sequential, willneed, "
					  "dontneed or noreuse)", a);
	} else {
		advice = lmmsim_check_int(L, luaL_checkinteger(L, 5), "advice", "fadvise");
	}
	return syscall_result(L, lm, mmsim_fadvise(lm->m, p->pid, fd, (int64_t)luaL_checkinteger(L, 3),
						   (int64_t)luaL_checkinteger(L, 4), advice));
}

/* p:unlink(path) → 0 */
static int p_unlink(lua_State *L)
{
	struct lmachine *lm;
	struct lprocess *p = check_process(L, &lm);
	return syscall_result(L, lm, mmsim_unlink(lm->m, p->pid, lmmsim_checkstring(L, 2)));
}

/* p:fstat(fd) → {dev=, ino=, mode=, nlink=, size=, blocks=, blksize=, rdev=} */
static int p_fstat(lua_State *L)
{
	struct lmachine *lm;
	struct lprocess *p = check_process(L, &lm);
	struct mmsim_file_stat st;
	int err = mmsim_fstat(lm->m, p->pid, check_fd(L, 2, "fstat"), &st);
	lmmsim_raise_explain_error(L, lm);
	if (err)
		return lmmsim_fail(L, lm->m, err);
	char dev[24], rdev[24];
	snprintf(dev, sizeof dev, "%02x:%02x", st.dev_major, st.dev_minor);
	snprintf(rdev, sizeof rdev, "%u:%u", st.rdev_major, st.rdev_minor);
	lua_createtable(L, 0, 8);
	lua_pushstring(L, dev);
	lua_setfield(L, -2, "dev");
	lua_pushinteger(L, (lua_Integer)st.ino);
	lua_setfield(L, -2, "ino");
	lua_pushinteger(L, st.mode);
	lua_setfield(L, -2, "mode");
	lua_pushinteger(L, st.nlink);
	lua_setfield(L, -2, "nlink");
	lua_pushinteger(L, (lua_Integer)st.size);
	lua_setfield(L, -2, "size");
	lua_pushinteger(L, (lua_Integer)st.blocks);
	lua_setfield(L, -2, "blocks");
	lua_pushinteger(L, st.blksize);
	lua_setfield(L, -2, "blksize");
	lua_pushstring(L, rdev);
	lua_setfield(L, -2, "rdev");
	return 1;
}

/* p:memfd_create(name [, flags]) → fd (flags "cloexec|allow_sealing") */
static int p_memfd_create(lua_State *L)
{
	struct lmachine *lm;
	struct lprocess *p = check_process(L, &lm);
	const char *name = lmmsim_checkstring(L, 2);
	unsigned flags = (unsigned)lmmsim_check_flags(L, 3, "mfd", "memfd_create");
	return syscall_result(L, lm, mmsim_memfd_create(lm->m, p->pid, name, flags));
}

/* p:touch(addr, len [, "r" | "w" | "x"]) → true: one access per page */
static int p_touch(lua_State *L)
{
	struct lmachine *lm;
	struct lprocess *p = check_process(L, &lm);
	const char *how = lmmsim_optstring(L, 4, "r");
	enum mmsim_access kind;
	if (!strcmp(how, "r") || !strcmp(how, "read"))
		kind = MMSIM_READ;
	else if (!strcmp(how, "w") || !strcmp(how, "write"))
		kind = MMSIM_WRITE;
	else if (!strcmp(how, "x") || !strcmp(how, "fetch"))
		kind = MMSIM_FETCH;
	else
		return luaL_argerror(L, 4, "\"r\", \"w\" or \"x\" expected");
	struct mmsim_fault f;
	uint64_t len = lmmsim_check_unsigned(L, luaL_checkinteger(L, 3), "length", "touch");
	int err = mmsim_touch(lm->m, p->pid, check_addr(L, 2), len, kind, &f);
	if (err)
		return lmmsim_access_failure(L, lm, err, &f);
	lmmsim_raise_explain_error(L, lm);
	lua_pushboolean(L, 1);
	return 1;
}

/* ---- views --------------------------------------------------------------------------- */

/* 0 when p is a live task, else the errno (ESRCH for a dead process, with
 * the message every other method gives), recorded in lm's machine: the
 * views read /proc/<pid>/, which a dead process no longer has. */
static int live_task(struct lmachine *lm, const struct lprocess *p)
{
	struct mmsim_task_info info;
	return mmsim_task_info(lm->m, p->pid, &info);
}

/* The text of /proc/<pid>/<file>; nil, "ESRCH" for a dead process, as
 * every other method. */
static int proc_view(lua_State *L, const char *file)
{
	struct lmachine *lm;
	struct lprocess *p = check_process(L, &lm);
	char path[64], *text;
	size_t len;
	int err = live_task(lm, p);
	if (err)
		return lmmsim_fail(L, lm->m, err);
	snprintf(path, sizeof path, "/proc/%d/%s", p->pid, file);
	err = mmsim_proc_read(lm->m, path, &text, &len);
	if (err)
		return lmmsim_fail(L, lm->m, err);
	lua_pushlstring(L, text, len);
	free(text);
	return 1;
}
static int p_maps(lua_State *L) { return proc_view(L, "maps"); }
static int p_smaps(lua_State *L) { return proc_view(L, "smaps"); }
static int p_smaps_rollup(lua_State *L) { return proc_view(L, "smaps_rollup"); }
static int p_status(lua_State *L) { return proc_view(L, "status"); }
static int p_statm(lua_State *L) { return proc_view(L, "statm"); }
static int p_fd(lua_State *L) { return proc_view(L, "fd"); }
static int p_numa_maps(lua_State *L) { return proc_view(L, "numa_maps"); }

/* The flags of an options table {unprivileged=} at idx (absent: 0). */
static int opt_unprivileged(lua_State *L, int idx, const char *what)
{
	int flags = 0;
	if (lua_istable(L, idx)) {
		static const char *const keys[] = { "unprivileged", NULL };
		lmmsim_check_keys(L, idx, keys, what);
		lua_getfield(L, idx, "unprivileged");
		flags = lua_toboolean(L, -1) ? MMSIM_PROC_UNPRIVILEGED : 0;
		lua_pop(L, 1);
	}
	return flags;
}

/* The integer in /proc/<pid>/FILE, or nil, errno name, message. */
static int proc_int(lua_State *L, const char *file)
{
	if (proc_view(L, file) != 1)
		return 3;
	lua_pushinteger(L, strtol(lua_tostring(L, -1), NULL, 10));
	return 1;
}

/* p:oom_score() → /proc/<pid>/oom_score: 0..2000, the OOM killer's score */
static int p_oom_score(lua_State *L) { return proc_int(L, "oom_score"); }

/* p:oom_adj() → /proc/<pid>/oom_adj: oom_score_adj on the old -17..15 scale */
static int p_oom_adj(lua_State *L) { return proc_int(L, "oom_adj"); }

/* p:oom_score_adj() → the value of /proc/<pid>/oom_score_adj;
 * p:oom_score_adj(n [, {unprivileged=true}]) writes it (as root, or as the
 * process itself without CAP_SYS_RESOURCE) → true. */
static int p_oom_score_adj(lua_State *L)
{
	if (lua_isnoneornil(L, 2))
		return proc_int(L, "oom_score_adj");
	struct lmachine *lm;
	struct lprocess *p = check_process(L, &lm);
	int value = lmmsim_check_int(L, luaL_checkinteger(L, 2), "value", "oom_score_adj");
	int flags = opt_unprivileged(L, 3, "oom_score_adj");
	return lmmsim_done(L, lm, mmsim_set_oom_score_adj(lm->m, p->pid, value, flags));
}

/* p:cgroup() → the path of its cgroup ("" for the root), from
 * /proc/<pid>/cgroup; p:cgroup(name) moves the process there (as writing
 * its pid to cgroup.procs) → true. */
static int p_cgroup(lua_State *L)
{
	if (lua_isnoneornil(L, 2)) {
		if (proc_view(L, "cgroup") != 1)
			return 3;
		const char *line = lua_tostring(L, -1);
		size_t len = strlen(line);
		if (strncmp(line, "0::/", 4) || len < 5)
			return luaL_error(L, "cgroup: /proc/<pid>/cgroup reads '%s'", line);
		lua_pushlstring(L, line + 4, len - 5);
		return 1;
	}
	struct lmachine *lm;
	struct lprocess *p = check_process(L, &lm);
	return lmmsim_done(L, lm, mmsim_cgroup_attach(lm->m, p->pid, luaL_checkstring(L, 2)));
}

/* Push one pagemap entry, raw and decoded. */
static void push_pagemap_entry(lua_State *L, uint64_t e, uint64_t va)
{
	lua_createtable(L, 0, 10);
	lua_pushinteger(L, (lua_Integer)va);
	lua_setfield(L, -2, "addr");
	lua_pushinteger(L, (lua_Integer)e);
	lua_setfield(L, -2, "raw");
	const struct { const char *name; int bit; } bits[] = {
		{ "present", 63 }, { "swapped", 62 }, { "file", 61 }, { "guard", 58 },
		{ "exclusive", 56 }, { "uffd_wp", 57 }, { "soft_dirty", 55 },
	};
	for (size_t i = 0; i < ARRAY_SIZE(bits); i++) {
		lua_pushboolean(L, e >> bits[i].bit & 1);
		lua_setfield(L, -2, bits[i].name);
	}
	if ((e >> 63 & 1) && !(e >> 62 & 1)) {
		lua_pushinteger(L, (lua_Integer)(e & ((1ULL << 55) - 1)));
		lua_setfield(L, -2, "pfn");
	}
	if ((e >> 62 & 1) && !(e >> 63 & 1)) {             /* bits 0-4 the type, 5-54 the offset */
		lua_pushinteger(L, (lua_Integer)(e & 0x1f));
		lua_setfield(L, -2, "swap_type");
		lua_pushinteger(L, (lua_Integer)((e & ((1ULL << 55) - 1)) >> 5));
		lua_setfield(L, -2, "swap_offset");
	}
}

/* p:pagemap(addr [, npages [, {unprivileged=true}]]) → { entry, ... }:
 * each {addr=, raw=, present=, swapped=, file=, guard=, exclusive=,
 * soft_dirty=, uffd_wp=, pfn=, swap_type=, swap_offset=} from
 * /proc/<pid>/pagemap. */
static int p_pagemap(lua_State *L)
{
	struct lmachine *lm;
	struct lprocess *p = check_process(L, &lm);
	uint64_t addr = check_addr(L, 2) & ~0xfffULL;
	lua_Integer n = luaL_optinteger(L, 3, 1);
	luaL_argcheck(L, n >= 1 && n <= (1 << 20), 3, "from 1 to 1048576 pages");
	int flags = opt_unprivileged(L, 4, "pagemap");
	char path[64];
	snprintf(path, sizeof path, "/proc/%d/pagemap", p->pid);
	int err = live_task(lm, p);
	if (err)
		return lmmsim_fail(L, lm->m, err);
	uint64_t *e = lua_newuserdatauv(L, (size_t)n * 8, 0);
	int64_t got = mmsim_proc_pread(lm->m, path, (addr >> 12) * 8, e, (size_t)n * 8, flags);
	if (got < 0)
		return lmmsim_fail(L, lm->m, (int)got);
	lua_createtable(L, (int)(got / 8), 0);
	for (int64_t i = 0; i < got / 8; i++) {
		push_pagemap_entry(L, e[i], addr + (uint64_t)i * 4096);
		lua_rawseti(L, -2, i + 1);
	}
	return 1;
}

/* p:virt_to_phys(addr) → physical address */
static int p_virt_to_phys(lua_State *L)
{
	struct lmachine *lm;
	struct lprocess *p = check_process(L, &lm);
	uint64_t pa;
	int err = mmsim_virt_to_phys(lm->m, p->pid, check_addr(L, 2), &pa);
	if (err)
		return lmmsim_fail(L, lm->m, err);
	lua_pushinteger(L, (lua_Integer)pa);
	return 1;
}

/* p:migrate_page(addr) → the new frame number */
static int p_migrate_page(lua_State *L)
{
	struct lmachine *lm;
	struct lprocess *p = check_process(L, &lm);
	uint64_t pfn;
	int err = mmsim_migrate_page(lm->m, p->pid, check_addr(L, 2), &pfn);
	if (err)
		return lmmsim_fail(L, lm->m, err);
	lua_pushinteger(L, (lua_Integer)pfn);
	return 1;
}

/* p:stats() → {minflt=, majflt=, accesses=, tlb={hit=, miss=, ...}, ...} */
static int p_stats(lua_State *L)
{
	struct lmachine *lm;
	struct lprocess *p = check_process(L, &lm);
	struct mmsim_stat s[64];
	int n = mmsim_task_stats(lm->m, p->pid, s, 64);
	if (n < 0)
		return lmmsim_fail(L, lm->m, n);
	lmmsim_push_stats(L, s, (size_t)(n < 64 ? n : 64));
	return 1;
}

static int p_eq(lua_State *L)
{
	struct lprocess *a = luaL_checkudata(L, 1, LMMSIM_PROCESS), *b = luaL_checkudata(L, 2, LMMSIM_PROCESS);
	lua_getiuservalue(L, 1, 1);
	lua_getiuservalue(L, 2, 1);
	lua_pushboolean(L, a->pid == b->pid && lua_rawequal(L, -1, -2));
	return 1;
}

static int p_tostring(lua_State *L)
{
	struct lprocess *p = luaL_checkudata(L, 1, LMMSIM_PROCESS);
	lua_pushfstring(L, "mmsim.process (pid %d)", p->pid);
	return 1;
}

static const luaL_Reg process_methods[] = {
	{ "thread", p_thread }, { "fork", p_fork }, { "exit", p_exit }, { "run_on", p_run_on },
	{ "info", p_info }, { "alive", p_alive }, { "mmap", p_mmap }, { "munmap", p_munmap },
	{ "mprotect", p_mprotect }, { "mremap", p_mremap }, { "brk", p_brk }, { "madvise", p_madvise },
	{ "mlock", p_mlock }, { "mlock2", p_mlock2 }, { "munlock", p_munlock }, { "mlockall", p_mlockall },
	{ "munlockall", p_munlockall }, { "set_vma_name", p_set_vma_name }, { "write", p_write },
	{ "read", p_read }, { "fetch", p_fetch }, { "read_u64", p_read_u64 }, { "touch", p_touch },
	{ "maps", p_maps }, { "smaps", p_smaps }, { "smaps_rollup", p_smaps_rollup }, { "status", p_status },
	{ "statm", p_statm }, { "virt_to_phys", p_virt_to_phys }, { "migrate_page", p_migrate_page }, { "stats", p_stats },
	{ "pagemap", p_pagemap }, { "oom_score_adj", p_oom_score_adj }, { "oom_score", p_oom_score },
	{ "oom_adj", p_oom_adj }, { "open", p_open }, { "close", p_close }, { "dup", p_dup },
	{ "pread", p_pread }, { "pwrite", p_pwrite }, { "ftruncate", p_ftruncate }, { "unlink", p_unlink },
	{ "fstat", p_fstat }, { "memfd_create", p_memfd_create },
	{ "fsync", p_fsync }, { "fdatasync", p_fdatasync }, { "fadvise", p_fadvise }, { "msync", p_msync },
	{ "cgroup", p_cgroup }, { "mincore", p_mincore }, { "fd", p_fd },
	{ "numa_maps", p_numa_maps }, { "set_mempolicy", p_set_mempolicy }, { "get_mempolicy", p_get_mempolicy },
	{ NULL, NULL },
};

/* __index: the methods, and the fields pid and machine. */
static int p_index(lua_State *L)
{
	struct lprocess *p = luaL_checkudata(L, 1, LMMSIM_PROCESS);
	const char *key = luaL_checkstring(L, 2);
	if (!strcmp(key, "pid")) {
		lua_pushinteger(L, p->pid);
		return 1;
	}
	if (!strcmp(key, "machine")) {
		lua_getiuservalue(L, 1, 1);
		return 1;
	}
	lua_pushvalue(L, lua_upvalueindex(1));
	lua_getfield(L, -1, key);
	return 1;
}

/* See lmodule.h. */
void lmmsim_open_process(lua_State *L)
{
	if (!luaL_newmetatable(L, LMMSIM_PROCESS)) {
		lua_pop(L, 1);
		return;
	}
	luaL_newlib(L, process_methods);
	luaL_setfuncs(L, lmmsim_seg_process_methods, 0);
	lua_pushcclosure(L, p_index, 1);
	lua_setfield(L, -2, "__index");
	lua_pushcfunction(L, p_eq);
	lua_setfield(L, -2, "__eq");
	lua_pushcfunction(L, p_tostring);
	lua_setfield(L, -2, "__tostring");
	lua_pop(L, 1);
}
