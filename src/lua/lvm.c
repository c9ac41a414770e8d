/* lua/lvm.c — virtual machines: m:vm{...}, m:hypervisor() and the VM object's methods
 * v:map, v:write, v:read, v:fetch, v:info, v:ept, v:close. */
#include "lua/lmodule.h"
#include "common.h"

#include <errno.h>
#include <string.h>

struct lvm {
	int handle;              /* 0: the machine's own VM (m:hypervisor) */
	bool closed;
};

/* The open VM at idx and its machine. */
static struct lvm *check_vm(lua_State *L, int idx, struct lmachine **lm)
{
	struct lvm *v = luaL_checkudata(L, idx, LMMSIM_VM);
	lua_getiuservalue(L, idx, 1);
	*lm = lmmsim_check_machine(L, -1);
	lua_pop(L, 1);
	if (v->closed)
		luaL_error(L, "the VM is closed");
	return v;
}

/* Push a VM object for handle h of the machine at index 1. */
static int push_vm(lua_State *L, int h)
{
	struct lvm *v = lua_newuserdatauv(L, sizeof *v, 1);
	v->handle = h;
	v->closed = false;
	lua_pushvalue(L, 1);
	lua_setiuservalue(L, -2, 1);
	luaL_setmetatable(L, LMMSIM_VM);
	return 1;
}

/* m:vm{virt=, ram=, vpid=, ept_levels=, ad=, core=, ept_pages=} → vm */
static int m_vm(lua_State *L)
{
	static const char *const keys[] = { "virt", "ram", "vpid", "ept_levels", "ad", "core", "ept_pages", NULL };
	struct lmachine *lm = lmmsim_check_machine(L, 1);
	struct mmsim_vm_config c = { .vpid = 1 };
	const lua_Integer zero = 0, one = 1;
	if (!lua_isnoneornil(L, 2)) {
		luaL_checktype(L, 2, LUA_TTABLE);
		lmmsim_check_keys(L, 2, keys, "vm");
		c.virt = lmmsim_field_string(L, 2, "virt", "ept", false, "vm");
		c.ram = lmmsim_check_unsigned(L, lmmsim_field_integer(L, 2, "ram", &zero, "vm"), "ram", "vm");
		c.vpid = (unsigned)lmmsim_check_unsigned(L, lmmsim_field_integer(L, 2, "vpid", &one, "vm"), "vpid", "vm");
		c.ept_levels = lmmsim_check_int(L, lmmsim_field_integer(L, 2, "ept_levels", &zero, "vm"), "ept_levels",
						"vm");
		c.core = lmmsim_check_int(L, lmmsim_field_integer(L, 2, "core", &zero, "vm"), "core", "vm");
		lua_getfield(L, 2, "ad");
		c.ad = lua_toboolean(L, -1);
		lua_pop(L, 1);
		const char *pages = lmmsim_field_string(L, 2, "ept_pages", "4k", false, "vm");
		if (strcmp(pages, "4k") && strcmp(pages, "2m"))
			return luaL_error(L, "vm: ept_pages '%s': use \"4k\" or \"2m\"", pages);
		c.huge = !strcmp(pages, "2m");
	}
	int h = mmsim_vm_create(lm->m, &c);
	lmmsim_raise_explain_error(L, lm);
	if (h < 0)
		return lmmsim_fail(L, lm->m, h);
	return push_vm(L, h);
}

/* m:hypervisor() → vm: the VM the machine itself is (virt=ept|npt), as
 * its host sees it (v:info, v:ept) */
static int m_hypervisor(lua_State *L)
{
	struct lmachine *lm = lmmsim_check_machine(L, 1);
	struct mmsim_vm_info i;
	int err = mmsim_vm_info(lm->m, 0, &i);
	if (err)
		return lmmsim_fail(L, lm->m, err);
	return push_vm(L, 0);
}


/* v:map(gva, gpa [, prot]) → true; prot as mmap's (default "rw") */
static int v_map(lua_State *L)
{
	struct lmachine *lm;
	struct lvm *v = check_vm(L, 1, &lm);
	uint64_t gva = (uint64_t)luaL_checkinteger(L, 2), gpa = (uint64_t)luaL_checkinteger(L, 3);
	int prot = lua_isnoneornil(L, 4) ? MMSIM_PROT_READ | MMSIM_PROT_WRITE
					 : (int)lmmsim_check_flags(L, 4, "prot", "map");
	return lmmsim_done(L, lm, mmsim_vm_map(lm->m, v->handle, gva, gpa, prot));
}

/* Push what a guest access did: {exits=, refs=, exit_reason=, exit_qual=,
 * exit_gpa=, exit_gla=, vector=, error_code=, cr2=}. */
static void push_run(lua_State *L, const struct mmsim_vm_run *r)
{
	const struct { const char *name; lua_Integer v; } f[] = {
		{ "exits", r->exits }, { "refs", (lua_Integer)r->refs }, { "exit_reason", r->exit_reason },
		{ "exit_qual", (lua_Integer)r->exit_qual }, { "exit_gpa", (lua_Integer)r->exit_gpa },
		{ "exit_gla", (lua_Integer)r->exit_gla }, { "vector", r->vector }, { "error_code", r->error_code },
		{ "cr2", (lua_Integer)r->cr2 },
	};
	lua_createtable(L, 0, (int)ARRAY_SIZE(f));
	for (size_t i = 0; i < ARRAY_SIZE(f); i++) {
		lua_pushinteger(L, f[i].v);
		lua_setfield(L, -2, f[i].name);
	}
}

/* An access by the guest: the result (true, or the bytes) and the run
 * table, or nil and the run table when it faulted or could not be
 * resolved, or nil, errno, message. */
static int guest_access(lua_State *L, enum mmsim_access kind)
{
	struct lmachine *lm;
	struct lvm *v = check_vm(L, 1, &lm);
	uint64_t gva = (uint64_t)luaL_checkinteger(L, 2);
	unsigned char buf[4096];
	size_t len;
	if (kind == MMSIM_WRITE) {
		if (lua_type(L, 3) == LUA_TNUMBER) {
			uint64_t x = (uint64_t)lua_tointeger(L, 3);
			len = 8;
			memcpy(buf, &x, 8);
		} else {
			const char *s = luaL_checklstring(L, 3, &len);
			luaL_argcheck(L, len >= 1 && len <= 4096, 3, "1 to 4096 bytes");
			memcpy(buf, s, len);
		}
	} else {
		lua_Integer n = luaL_optinteger(L, 3, 1);
		luaL_argcheck(L, n >= 1 && n <= 4096, 3, "n must be 1 to 4096");
		len = (size_t)n;
	}
	struct mmsim_vm_run run;
	int err = mmsim_vm_access(lm->m, v->handle, gva, buf, len, kind, &run);
	lmmsim_raise_explain_error(L, lm);
	if (err && err != -EFAULT)
		return lmmsim_fail(L, lm->m, err);
	if (err)
		lua_pushnil(L);
	else if (kind == MMSIM_WRITE)
		lua_pushboolean(L, 1);
	else
		lua_pushlstring(L, (const char *)buf, len);
	push_run(L, &run);
	return 2;
}

/* v:write(gva, string | integer) → true, run */
static int v_write(lua_State *L)
{
	return guest_access(L, MMSIM_WRITE);
}

/* v:read(gva [, n]) → bytes, run */
static int v_read(lua_State *L)
{
	return guest_access(L, MMSIM_READ);
}

/* v:fetch(gva [, n]) → bytes, run */
static int v_fetch(lua_State *L)
{
	return guest_access(L, MMSIM_FETCH);
}

/* v:info() → table */
static int v_info(lua_State *L)
{
	struct lmachine *lm;
	struct lvm *v = check_vm(L, 1, &lm);
	struct mmsim_vm_info i;
	int err = mmsim_vm_info(lm->m, v->handle, &i);
	if (err)
		return lmmsim_fail(L, lm->m, err);
	const struct { const char *name; lua_Integer v; } f[] = {
		{ "ram", (lua_Integer)i.ram }, { "eptp", (lua_Integer)i.eptp }, { "guest_cr3", (lua_Integer)i.guest_cr3 },
		{ "vpid", i.vpid }, { "ept_levels", i.ept_levels }, { "core", i.core },
		{ "memslot_base_gfn", (lua_Integer)i.memslot_base_gfn }, { "memslot_pages", (lua_Integer)i.memslot_pages },
		{ "backed_pages", (lua_Integer)i.backed_pages }, { "tdp_tables", (lua_Integer)i.tdp_tables },
		{ "tdp_entries", (lua_Integer)i.tdp_entries }, { "vm_entries", (lua_Integer)i.vm_entries },
		{ "exits_ept_violation", (lua_Integer)i.exits_ept_violation },
		{ "exits_ept_misconfig", (lua_Integer)i.exits_ept_misconfig }, { "exits_npf", (lua_Integer)i.exits_npf },
		{ "exits_other", (lua_Integer)i.exits_other }, { "ept_walks", (lua_Integer)i.ept_walks },
		{ "ept_walk_refs", (lua_Integer)i.ept_walk_refs }, { "guest_walk_refs", (lua_Integer)i.guest_walk_refs },
	};
	lua_createtable(L, 0, (int)ARRAY_SIZE(f) + 1);
	for (size_t k = 0; k < ARRAY_SIZE(f); k++) {
		lua_pushinteger(L, f[k].v);
		lua_setfield(L, -2, f[k].name);
	}
	lua_pushstring(L, i.virt);
	lua_setfield(L, -2, "virt");
	return 1;
}

/* v:ept(gpa) → {entries = {{level=, entry=}...}, hpa=, host_pfn=} (hpa nil when unmapped) */
static int v_ept(lua_State *L)
{
	struct lmachine *lm;
	struct lvm *v = check_vm(L, 1, &lm);
	struct mmsim_vm_ept e;
	int err = mmsim_vm_ept(lm->m, v->handle, (uint64_t)luaL_checkinteger(L, 2), &e);
	if (err)
		return lmmsim_fail(L, lm->m, err);
	lua_createtable(L, 0, 3);
	lua_createtable(L, e.n, 0);
	for (int k = 0; k < e.n; k++) {
		lua_createtable(L, 0, 2);
		lua_pushinteger(L, e.level[k]);
		lua_setfield(L, -2, "level");
		lua_pushinteger(L, (lua_Integer)e.entry[k]);
		lua_setfield(L, -2, "entry");
		lua_rawseti(L, -2, k + 1);
	}
	lua_setfield(L, -2, "entries");
	if (e.hpa != ~0ULL) {
		lua_pushinteger(L, (lua_Integer)e.hpa);
		lua_setfield(L, -2, "hpa");
		lua_pushinteger(L, (lua_Integer)e.host_pfn);
		lua_setfield(L, -2, "host_pfn");
	}
	return 1;
}

/* v:close() → true: the VM's host pages go back */
static int v_close(lua_State *L)
{
	struct lmachine *lm;
	struct lvm *v = check_vm(L, 1, &lm);
	if (!v->handle) {                     /* the machine's own: nothing to give back */
		v->closed = true;
		return lmmsim_done(L, lm, 0);
	}
	int err = mmsim_vm_destroy(lm->m, v->handle);
	v->closed = true;
	return lmmsim_done(L, lm, err);
}

/* See lmodule.h. */
const luaL_Reg lmmsim_vm_machine_methods[] = {
	{ "vm", m_vm }, { "hypervisor", m_hypervisor }, { NULL, NULL },
};

/* See lmodule.h. */
void lmmsim_open_vm(lua_State *L)
{
	static const luaL_Reg methods[] = {
		{ "map", v_map }, { "write", v_write }, { "read", v_read }, { "fetch", v_fetch },
		{ "info", v_info }, { "ept", v_ept }, { "close", v_close }, { NULL, NULL },
	};
	if (luaL_newmetatable(L, LMMSIM_VM)) {
		luaL_newlib(L, methods);
		lua_setfield(L, -2, "__index");
	}
	lua_pop(L, 1);
}
