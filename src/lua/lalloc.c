/* lua/lalloc.c — the kernel's allocators from scripts: buddy pages,
 * kmalloc, and slab caches as objects. */
#include "lua/lmodule.h"

#include "common.h"

#include <errno.h>
#include <string.h>

/* m:alloc_pages(order [, gfp]) → pfn */
static int m_alloc_pages(lua_State *L)
{
	struct lmachine *lm = lmmsim_check_machine(L, 1);
	lua_Integer order = luaL_checkinteger(L, 2);
	luaL_argcheck(L, order >= 0 && order <= 10, 2, "order from 0 to 10");
	uint64_t pfn;
	int err = mmsim_alloc_pages(lm->m, lmmsim_optstring(L, 3, "GFP_KERNEL"), (unsigned)order, &pfn);
	if (err)
		return lmmsim_fail(L, lm->m, err);
	lua_pushinteger(L, (lua_Integer)pfn);
	return 1;
}

/* m:free_pages(pfn, order) → true */
static int m_free_pages(lua_State *L)
{
	struct lmachine *lm = lmmsim_check_machine(L, 1);
	lua_Integer order = luaL_checkinteger(L, 3);
	luaL_argcheck(L, order >= 0 && order <= 10, 3, "order from 0 to 10");
	uint64_t pfn = lmmsim_check_unsigned(L, luaL_checkinteger(L, 2), "pfn", "free_pages");
	int err = mmsim_free_pages(lm->m, pfn, (unsigned)order);
	if (err)
		return lmmsim_fail(L, lm->m, err);
	lua_pushboolean(L, 1);
	return 1;
}

/* m:free_blocks(zone [, migratetype]) → {[0]=n0, n1, ..., n10} by order */
static int m_free_blocks(lua_State *L)
{
	struct lmachine *lm = lmmsim_check_machine(L, 1);
	uint64_t counts[11];
	int err = mmsim_free_blocks(lm->m, lmmsim_checkstring(L, 2), lmmsim_optstring(L, 3, NULL), counts);
	if (err)
		return lmmsim_fail(L, lm->m, err);
	lua_createtable(L, 10, 1);
	for (int o = 0; o <= 10; o++) {
		lua_pushinteger(L, (lua_Integer)counts[o]);
		lua_rawseti(L, -2, o);
	}
	return 1;
}

/* m:drain_pages(): the per-CPU lists back to the buddy allocator */
static int m_drain_pages(lua_State *L)
{
	struct lmachine *lm = lmmsim_check_machine(L, 1);
	mmsim_drain_pages(lm->m);
	return 0;
}

/* m:kmalloc(size [, gfp]) → kernel address */
static int m_kmalloc(lua_State *L)
{
	struct lmachine *lm = lmmsim_check_machine(L, 1);
	uint64_t addr;
	uint64_t size = lmmsim_check_unsigned(L, luaL_checkinteger(L, 2), "size", "kmalloc");
	int err = mmsim_kmalloc(lm->m, (size_t)size, lmmsim_optstring(L, 3, "GFP_KERNEL"), &addr);
	if (err)
		return lmmsim_fail(L, lm->m, err);
	lua_pushinteger(L, (lua_Integer)addr);
	return 1;
}

/* m:kfree(addr) → true */
static int m_kfree(lua_State *L)
{
	struct lmachine *lm = lmmsim_check_machine(L, 1);
	int err = mmsim_kfree(lm->m, (uint64_t)luaL_checkinteger(L, 2));
	if (err)
		return lmmsim_fail(L, lm->m, err);
	lua_pushboolean(L, 1);
	return 1;
}

/* m:kread(addr, n) → bytes of kernel memory */
static int m_kread(lua_State *L)
{
	struct lmachine *lm = lmmsim_check_machine(L, 1);
	lua_Integer n = luaL_checkinteger(L, 3);
	luaL_argcheck(L, n >= 0 && n <= (1 << 20), 3, "length from 0 to 1 MiB");
	luaL_Buffer b;
	char *buf = luaL_buffinitsize(L, &b, (size_t)n);
	int err = mmsim_kread(lm->m, (uint64_t)luaL_checkinteger(L, 2), buf, (size_t)n);
	if (err)
		return lmmsim_fail(L, lm->m, err);
	luaL_pushresultsize(&b, (size_t)n);
	return 1;
}

/* m:page(pfn) → {pfn=, kind=, refcount=, mapcount=, order=, flags=} */
static int m_page(lua_State *L)
{
	struct lmachine *lm = lmmsim_check_machine(L, 1);
	struct mmsim_page_info pi;
	uint64_t pfn = lmmsim_check_unsigned(L, luaL_checkinteger(L, 2), "pfn", "page");
	int err = mmsim_page_info(lm->m, pfn, &pi);
	if (err)
		return lmmsim_fail(L, lm->m, err);
	lua_createtable(L, 0, 6);
	lua_pushinteger(L, (lua_Integer)pi.pfn);
	lua_setfield(L, -2, "pfn");
	lua_pushstring(L, pi.kind);
	lua_setfield(L, -2, "kind");
	lua_pushinteger(L, pi.refcount);
	lua_setfield(L, -2, "refcount");
	lua_pushinteger(L, pi.mapcount);
	lua_setfield(L, -2, "mapcount");
	lua_pushinteger(L, pi.order);
	lua_setfield(L, -2, "order");
	lua_pushstring(L, pi.flags);
	lua_setfield(L, -2, "flags");
	return 1;
}

/* Read one u64 of a /proc/kpage* file for pfn. */
static int kpage_read(lua_State *L, struct lmachine *lm, const char *path, uint64_t *v)
{
	lua_Integer pfn = luaL_checkinteger(L, 2);
	luaL_argcheck(L, pfn >= 0, 2, "a frame number");
	int64_t n = mmsim_proc_pread(lm->m, path, (uint64_t)pfn * 8, v, 8, 0);
	if (n == 0)
		return lmmsim_fail(L, lm->m, -EINVAL);
	return n < 0 ? lmmsim_fail(L, lm->m, (int)n) : 0;
}

/* m:kpageflags(pfn) → raw flags, "UPTODATE|LRU|..." */
static int m_kpageflags(lua_State *L)
{
	struct lmachine *lm = lmmsim_check_machine(L, 1);
	uint64_t v;
	char names[512];
	int r = kpage_read(L, lm, "/proc/kpageflags", &v);
	if (r)
		return r;
	mmsim_kpageflags_format(v, names, sizeof names);
	lua_pushinteger(L, (lua_Integer)v);
	lua_pushstring(L, names);
	return 2;
}

/* m:kpagecount(pfn) → how many page-table entries map it */
static int m_kpagecount(lua_State *L)
{
	struct lmachine *lm = lmmsim_check_machine(L, 1);
	uint64_t v;
	int r = kpage_read(L, lm, "/proc/kpagecount", &v);
	if (r)
		return r;
	lua_pushinteger(L, (lua_Integer)v);
	return 1;
}

/* ---- slab caches ---------------------------------------------------------------- */

struct lcache {
	int handle;
};

/* The cache at index 1 and its machine. */
static struct lcache *check_cache(lua_State *L, struct lmachine **lm)
{
	struct lcache *c = luaL_checkudata(L, 1, LMMSIM_CACHE);
	lua_getiuservalue(L, 1, 1);
	*lm = lmmsim_check_machine(L, -1);
	lua_pop(L, 1);
	return c;
}

/* m:kmem_cache_create{name=, size=, align=, flags=, ctor=} → cache */
static int m_kmem_cache_create(lua_State *L)
{
	static const char fn[] = "kmem_cache_create";
	struct lmachine *lm = lmmsim_check_machine(L, 1);
	static const char *const keys[] = { "name", "size", "align", "flags", "ctor", NULL };
	const lua_Integer zero = 0;
	luaL_checktype(L, 2, LUA_TTABLE);
	lmmsim_check_keys(L, 2, keys, fn);
	const char *name = lmmsim_field_string(L, 2, "name", NULL, true, fn);
	lua_Integer size = lmmsim_field_integer(L, 2, "size", NULL, fn);
	lua_Integer align = lmmsim_field_integer(L, 2, "align", &zero, fn);
	const char *flags = lmmsim_field_string(L, 2, "flags", "", false, fn);
	const char *ctor = lmmsim_field_string(L, 2, "ctor", NULL, false, fn);
	luaL_argcheck(L, size > 0, 2, "size must be positive");
	luaL_argcheck(L, align >= 0, 2, "align must not be negative");
	int h = mmsim_kmem_cache_create(lm->m, name, (size_t)size, (size_t)align, flags, ctor);
	if (h < 0)
		return lmmsim_fail(L, lm->m, h);
	struct lcache *c = lua_newuserdatauv(L, sizeof *c, 1);
	c->handle = h;
	lua_pushvalue(L, 1);
	lua_setiuservalue(L, -2, 1);
	luaL_setmetatable(L, LMMSIM_CACHE);
	return 1;
}

/* c:alloc([gfp]) → kernel address */
static int c_alloc(lua_State *L)
{
	struct lmachine *lm;
	struct lcache *c = check_cache(L, &lm);
	uint64_t addr;
	int err = mmsim_kmem_cache_alloc(lm->m, c->handle, lmmsim_optstring(L, 2, "GFP_KERNEL"), &addr);
	if (err)
		return lmmsim_fail(L, lm->m, err);
	lua_pushinteger(L, (lua_Integer)addr);
	return 1;
}

/* Run op(m, handle [, addr]) and return true or the failure. */
static int cache_op(lua_State *L, int (*op)(mmsim_machine *, int), int (*op_addr)(mmsim_machine *, int, uint64_t))
{
	struct lmachine *lm;
	struct lcache *c = check_cache(L, &lm);
	int err = op ? op(lm->m, c->handle) : op_addr(lm->m, c->handle, (uint64_t)luaL_checkinteger(L, 2));
	if (err)
		return lmmsim_fail(L, lm->m, err);
	lua_pushboolean(L, 1);
	return 1;
}
static int c_free(lua_State *L) { return cache_op(L, NULL, mmsim_kmem_cache_free); }
static int c_destroy(lua_State *L) { return cache_op(L, mmsim_kmem_cache_destroy, NULL); }

/* c:shrink() → the number of empty slabs given back to the page allocator */
static int c_shrink(lua_State *L)
{
	struct lmachine *lm;
	struct lcache *c = check_cache(L, &lm);
	int freed = mmsim_kmem_cache_shrink(lm->m, c->handle);
	if (freed < 0)
		return lmmsim_fail(L, lm->m, freed);
	lua_pushinteger(L, freed);
	return 1;
}

/* c:info() → {name=, active_objs=, num_objs=, objsize=, ...} */
static int c_info(lua_State *L)
{
	struct lmachine *lm;
	struct lcache *c = check_cache(L, &lm);
	struct mmsim_slabinfo si;
	int err = mmsim_kmem_cache_info(lm->m, c->handle, &si);
	if (err)
		return lmmsim_fail(L, lm->m, err);
	lua_createtable(L, 0, 10);
	lua_pushstring(L, si.name);
	lua_setfield(L, -2, "name");
	const struct { const char *k; uint64_t v; } f[] = {
		{ "active_objs", si.active_objs }, { "num_objs", si.num_objs },
		{ "active_slabs", si.active_slabs }, { "num_slabs", si.num_slabs },
		{ "objsize", si.objsize }, { "object_size", si.object_size },
		{ "objects_per_slab", si.objects_per_slab }, { "pages_per_slab", si.pages_per_slab },
		{ "ctor_calls", si.ctor_calls },
	};
	for (size_t i = 0; i < ARRAY_SIZE(f); i++) {
		lua_pushinteger(L, (lua_Integer)f[i].v);
		lua_setfield(L, -2, f[i].k);
	}
	return 1;
}

static const luaL_Reg cache_methods[] = {
	{ "alloc", c_alloc }, { "free", c_free }, { "shrink", c_shrink }, { "destroy", c_destroy },
	{ "info", c_info }, { NULL, NULL },
};

/* See lmodule.h. */
const luaL_Reg lmmsim_alloc_methods[] = {
	{ "alloc_pages", m_alloc_pages }, { "free_pages", m_free_pages }, { "free_blocks", m_free_blocks },
	{ "drain_pages", m_drain_pages }, { "kmalloc", m_kmalloc }, { "kfree", m_kfree },
	{ "kread", m_kread }, { "kmem_cache_create", m_kmem_cache_create }, { "page", m_page },
	{ "kpageflags", m_kpageflags }, { "kpagecount", m_kpagecount }, { NULL, NULL },
};

/* See lmodule.h. */
void lmmsim_open_alloc(lua_State *L)
{
	if (luaL_newmetatable(L, LMMSIM_CACHE)) {
		luaL_newlib(L, cache_methods);
		lua_setfield(L, -2, "__index");
	}
	lua_pop(L, 1);
}
