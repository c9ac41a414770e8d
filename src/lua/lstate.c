/* lua/lstate.c — the state of page tables, TLBs and frames from scripts,
 * and pictures of it: p:page_tables, p:walk, m:tlb, m:frames, m:draw and
 * p:draw (src/draw). */
#include "lua/lmodule.h"

#include "common.h"
#include "draw/draw.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* The process at index 1: its pid, and its machine in *lm. */
static int check_pid(lua_State *L, struct lmachine **lm)
{
	luaL_checkudata(L, 1, LMMSIM_PROCESS);
	mmsim_machine *m;
	int pid = lmmsim_topid(L, 1, &m);
	lua_getiuservalue(L, 1, 1);
	*lm = lmmsim_check_machine(L, -1);
	lua_pop(L, 1);
	return pid;
}

static void set_int(lua_State *L, const char *k, lua_Integer v)
{
	lua_pushinteger(L, v);
	lua_setfield(L, -2, k);
}

static void set_str(lua_State *L, const char *k, const char *v)
{
	lua_pushstring(L, v);
	lua_setfield(L, -2, k);
}

static void set_bool(lua_State *L, const char *k, bool v)
{
	lua_pushboolean(L, v);
	lua_setfield(L, -2, k);
}

/* The flags of an entry as explain writes them ("P RW US A D NX"). */
static void push_entry_flags(lua_State *L, uint64_t e, int level)
{
	static const struct { int bit; const char *name; } bits[] = {
		{ 0, "P" }, { 1, "RW" }, { 2, "US" }, { 3, "PWT" }, { 4, "PCD" }, { 5, "A" }, { 6, "D" },
		{ 7, "PS" }, { 8, "G" }, { 63, "NX" },
	};
	bool leaf = level == 1 || ((level == 2 || level == 3) && (e & 0x80));
	luaL_Buffer b;
	luaL_buffinit(L, &b);
	bool any = false;
	for (size_t i = 0; i < ARRAY_SIZE(bits); i++) {
		if (!(e >> bits[i].bit & 1) || ((bits[i].bit == 6 || bits[i].bit == 8) && !leaf))
			continue;
		if (any)
			luaL_addchar(&b, ' ');
		luaL_addstring(&b, bits[i].bit == 7 && level == 1 ? "PAT" : bits[i].name);
		any = true;
	}
	luaL_pushresult(&b);
}

/* The fields every page-table entry has in a script. */
static void push_pt_fields(lua_State *L, int level, unsigned index, uint64_t entry_pa, uint64_t e)
{
	static const char *const names[] = { "?", "PT", "PD", "PDPT", "PML4", "PML5" };
	set_int(L, "level", level);
	set_str(L, "table", level >= 1 && level <= 5 ? names[level] : "?");
	set_int(L, "index", index);
	set_int(L, "entry_pa", (lua_Integer)entry_pa);
	set_int(L, "entry", (lua_Integer)e);
	push_entry_flags(L, e, level);
	lua_setfield(L, -2, "flags");
	set_bool(L, "present", e & 1);
	set_bool(L, "leaf", (e & 1) && (level == 1 || ((level == 2 || level == 3) && (e & 0x80))));
	set_int(L, "pfn", (lua_Integer)((e & 0x000ffffffffff000ULL) >> 12));
}

/* p:page_tables([start [, end]]) → {root=, [1]={level=, index=, va=, ...}, ...}
 * (default: the whole lower half) */
static int p_page_tables(lua_State *L)
{
	struct lmachine *lm;
	int pid = check_pid(L, &lm);
	char paging[8] = "4";
	mmsim_machine_config_get(lm->m, "paging", paging, sizeof paging);
	uint64_t start = (uint64_t)luaL_optinteger(L, 2, 0);
	uint64_t end = lua_isnoneornil(L, 3) ? 1ULL << (atoi(paging) * 9 + 11) : (uint64_t)luaL_checkinteger(L, 3);
	uint64_t root;
	int64_t n = mmsim_page_tables(lm->m, pid, start, end, &root, NULL, 0);
	if (n < 0)
		return lmmsim_fail(L, lm->m, (int)n);
	struct mmsim_pt_entry *e = lua_newuserdatauv(L, (size_t)(n ? n : 1) * sizeof *e, 0);
	n = mmsim_page_tables(lm->m, pid, start, end, &root, e, (size_t)n);
	if (n < 0)
		return lmmsim_fail(L, lm->m, (int)n);
	lua_createtable(L, (int)n, 2);
	set_int(L, "root", (lua_Integer)root);
	set_int(L, "levels", atoi(paging));
	for (int64_t i = 0; i < n; i++) {
		lua_createtable(L, 0, 11);
		push_pt_fields(L, e[i].level, e[i].index, e[i].entry_pa, e[i].entry);
		set_int(L, "va", (lua_Integer)e[i].va);
		lua_rawseti(L, -2, i + 1);
	}
	return 1;
}

/* An access kind by name at idx (default read); raises for another. */
static enum mmsim_access check_access(lua_State *L, int idx, const char *fname)
{
	static const char *const kinds[] = { "read", "write", "fetch", NULL };
	const char *k = lmmsim_optstring(L, idx, "read");
	for (int i = 0; kinds[i]; i++)
		if (!strcmp(k, kinds[i]))
			return (enum mmsim_access)i;
	return (enum mmsim_access)luaL_error(L, "%s: access '%s' is not read, write or fetch", fname, k);
}

/* p:walk(addr [, access]) → {va=, root=, levels=, steps={...}, pa=, page_size=}
 * or with fault={vector=, error_code=, level=, why=} */
static int p_walk(lua_State *L)
{
	struct lmachine *lm;
	int pid = check_pid(L, &lm);
	uint64_t va = (uint64_t)luaL_checkinteger(L, 2);
	enum mmsim_access kind = check_access(L, 3, "walk");
	struct mmsim_walk w;
	int err = mmsim_walk(lm->m, pid, va, kind, &w);
	if (err)
		return lmmsim_fail(L, lm->m, err);
	lua_createtable(L, 0, 8);
	set_int(L, "va", (lua_Integer)w.va);
	set_int(L, "root", (lua_Integer)w.root);
	set_int(L, "levels", w.levels);
	set_str(L, "why", w.why);
	lua_createtable(L, w.nsteps, 0);
	for (int i = 0; i < w.nsteps; i++) {
		lua_createtable(L, 0, 10);
		push_pt_fields(L, w.step[i].level, w.step[i].index, w.step[i].entry_pa, w.step[i].entry);
		lua_rawseti(L, -2, i + 1);
	}
	lua_setfield(L, -2, "steps");
	if (w.vector) {
		lua_createtable(L, 0, 4);
		set_int(L, "vector", w.vector);
		set_str(L, "name", w.vector == 14 ? "#PF" : "#GP");
		set_int(L, "error_code", w.error_code);
		set_int(L, "level", w.fault_level);
		set_str(L, "why", w.why);
		lua_setfield(L, -2, "fault");
	} else {
		set_int(L, "pa", (lua_Integer)w.pa);
		set_int(L, "page_size", (lua_Integer)(1ULL << w.page_shift));
	}
	return 1;
}

/* m:tlb([core]) → { {name=, key=, level=, sets=, ways=, sizes=, valid=,
 * entries={ {set=, way=, va=, pa=, size=, page_size=, pcid=, global=, w=, u=, xd=, d=}, ...} }, ...} */
static int m_tlb(lua_State *L)
{
	struct lmachine *lm = lmmsim_check_machine(L, 1);
	int core = lmmsim_check_int(L, luaL_optinteger(L, 2, 0), "core", "tlb");
	lua_newtable(L);
	for (int i = 0;; i++) {
		struct mmsim_tlb_info info;
		int err = mmsim_tlb_info(lm->m, core, i, &info);
		if (err == -ENOENT)
			break;
		if (err)
			return lmmsim_fail(L, lm->m, err);
		int64_t n = mmsim_tlb_entries(lm->m, core, i, NULL, 0);
		struct mmsim_tlb_entry *e = lua_newuserdatauv(L, (size_t)(n > 0 ? n : 1) * sizeof *e, 0);
		if (n < 0 || (n = mmsim_tlb_entries(lm->m, core, i, e, (size_t)n)) < 0)
			return lmmsim_fail(L, lm->m, (int)n);
		lua_createtable(L, 0, 8);
		set_str(L, "name", info.name);
		set_str(L, "key", info.key);
		set_int(L, "level", info.level);
		set_int(L, "sets", info.sets);
		set_int(L, "ways", info.ways);
		set_int(L, "valid", info.valid);
		lua_newtable(L);
		static const char *const sizes[] = { "4K", "2M", "1G" };
		for (int s = 0, k = 0; s < 3; s++)
			if (info.sizes >> s & 1) {
				lua_pushstring(L, sizes[s]);
				lua_rawseti(L, -2, ++k);
			}
		lua_setfield(L, -2, "sizes");
		lua_createtable(L, (int)n, 0);
		for (int64_t k = 0; k < n; k++) {
			lua_createtable(L, 0, 12);
			set_int(L, "set", e[k].set);
			set_int(L, "way", e[k].way);
			set_int(L, "va", (lua_Integer)e[k].va);
			set_int(L, "pa", (lua_Integer)e[k].pa);
			set_int(L, "size", (lua_Integer)(1ULL << e[k].shift));
			set_int(L, "page_size", (lua_Integer)(1ULL << e[k].page_shift));
			set_int(L, "pcid", e[k].pcid);
			set_bool(L, "global", e[k].global);
			set_bool(L, "w", e[k].rights & MMSIM_TLB_W);
			set_bool(L, "u", e[k].rights & MMSIM_TLB_U);
			set_bool(L, "xd", e[k].rights & MMSIM_TLB_XD);
			set_bool(L, "d", e[k].rights & MMSIM_TLB_D);
			lua_rawseti(L, -2, k + 1);
		}
		lua_setfield(L, -2, "entries");
		lua_remove(L, -2);      /* the entries' buffer */
		lua_rawseti(L, -2, i + 1);
	}
	return 1;
}

/* m:frames([pfn [, end_pfn]]) → { {pfn=, count=, kind=, order=, pcp=, zone=}, ... } */
static int m_frames(lua_State *L)
{
	struct lmachine *lm = lmmsim_check_machine(L, 1);
	uint64_t pfn = lmmsim_check_unsigned(L, luaL_optinteger(L, 2, 0), "pfn", "frames");
	uint64_t end = lua_isnoneornil(L, 3) ? UINT64_MAX
					     : lmmsim_check_unsigned(L, luaL_checkinteger(L, 3), "end_pfn", "frames");
	struct mmsim_frame_run runs[128];
	lua_newtable(L);
	lua_Integer k = 0;
	while (pfn < end) {
		uint64_t next;
		int64_t n = mmsim_frame_runs(lm->m, pfn, end, runs, ARRAY_SIZE(runs), &next);
		if (n < 0)
			return lmmsim_fail(L, lm->m, (int)n);
		for (int64_t i = 0; i < n; i++) {
			lua_createtable(L, 0, 6);
			set_int(L, "pfn", (lua_Integer)runs[i].pfn);
			set_int(L, "count", (lua_Integer)runs[i].count);
			set_str(L, "kind", runs[i].kind);
			set_int(L, "order", runs[i].order);
			set_bool(L, "pcp", runs[i].pcp);
			set_str(L, "zone", runs[i].zone);
			lua_rawseti(L, -2, ++k);
		}
		if (next == pfn || n < (int64_t)ARRAY_SIZE(runs))
			break;
		pfn = next;
	}
	return 1;
}

/* ---- pictures --------------------------------------------------------------------- */

/* The series of a plot from the table at idx: { {name=, values={...}}, ... }
 * or { name = {...}, ... } (by name, sorted). What they point to stays on
 * the stack: a list of {name, values} pairs, then a block of the series
 * and their numbers. */
static size_t read_series(lua_State *L, int idx, struct draw_series **out)
{
	idx = lua_absindex(L, idx);
	luaL_checktype(L, idx, LUA_TTABLE);
	lua_newtable(L);
	int list = lua_gettop(L);
	size_t n = lua_rawlen(L, idx);
	if (n) {
		for (size_t i = 1; i <= n; i++) {
			if (lua_rawgeti(L, idx, (lua_Integer)i) != LUA_TTABLE)
				luaL_error(L, "draw: series %d is a %s, not {name=, values=}", (int)i, luaL_typename(L, -1));
			lua_createtable(L, 2, 0);
			if (lua_getfield(L, -2, "name") != LUA_TSTRING) {
				lua_pop(L, 1);
				lua_pushfstring(L, "series %d", (int)i);
			}
			lua_rawseti(L, -2, 1);
			if (lua_getfield(L, -2, "values") != LUA_TTABLE)
				luaL_error(L, "draw: series %d has no values table", (int)i);
			lua_rawseti(L, -2, 2);
			lua_rawseti(L, list, (lua_Integer)i);
			lua_pop(L, 1);
		}
	} else {
		for (lua_pushnil(L); lua_next(L, idx); lua_pop(L, 1)) {
			if (lua_type(L, -2) != LUA_TSTRING || !lua_istable(L, -1))
				luaL_error(L, "draw: series are an array of {name=, values=}, or name = {values}");
			lua_createtable(L, 2, 0);
			lua_pushvalue(L, -3);
			lua_rawseti(L, -2, 1);
			lua_pushvalue(L, -2);
			lua_rawseti(L, -2, 2);
			lua_rawseti(L, list, (lua_Integer)++n);
		}
		/* by name, so the picture does not depend on the table's order */
		for (size_t i = 2; i <= n; i++)
			for (size_t j = i; j > 1; j--) {
				lua_rawgeti(L, list, (lua_Integer)j - 1);
				lua_rawgeti(L, -1, 1);
				lua_rawgeti(L, list, (lua_Integer)j);
				lua_rawgeti(L, -1, 1);
				bool swap = strcmp(lua_tostring(L, -3), lua_tostring(L, -1)) > 0;
				lua_pop(L, 1);
				lua_remove(L, -2);
				if (!swap) {
					lua_pop(L, 2);
					break;
				}
				lua_rawseti(L, list, (lua_Integer)j - 1);
				lua_rawseti(L, list, (lua_Integer)j);
			}
	}
	size_t points = 0;
	for (size_t i = 1; i <= n; i++) {
		lua_rawgeti(L, list, (lua_Integer)i);
		lua_rawgeti(L, -1, 2);
		points += lua_rawlen(L, -1);
		lua_pop(L, 2);
	}
	struct draw_series *s = lua_newuserdatauv(L, n * sizeof *s + points * sizeof(double) + 1, 0);
	double *y = (double *)(s + n);
	for (size_t i = 0; i < n; i++) {
		lua_rawgeti(L, list, (lua_Integer)i + 1);
		lua_rawgeti(L, -1, 1);
		s[i].name = lua_tostring(L, -1);
		lua_pop(L, 1);
		lua_rawgeti(L, -1, 2);
		s[i].n = lua_rawlen(L, -1);
		s[i].y = y;
		for (size_t k = 0; k < s[i].n; k++, y++) {
			lua_rawgeti(L, -1, (lua_Integer)k + 1);
			if (!lua_isnumber(L, -1))
				luaL_error(L, "draw: series '%s', value %d is not a number", s[i].name, (int)k + 1);
			*y = lua_tonumber(L, -1);
			lua_pop(L, 1);
		}
		lua_pop(L, 2);
	}
	*out = s;
	return n;
}

/* Read the draw options at idx into *o (strings and numbers stay on the
 * stack or in the table). */
static void read_opts(lua_State *L, int idx, struct draw_opts *o, mmsim_machine *m)
{
	static const char *const keys[] = { "pid", "addr", "start", "end", "access", "core", "title", "format",
					     "series", "x", "xlabel", "ylabel", "columns", NULL };
	memset(o, 0, sizeof *o);
	if (lua_isnoneornil(L, idx))
		return;
	idx = lua_absindex(L, idx);
	luaL_checktype(L, idx, LUA_TTABLE);
	lmmsim_check_keys(L, idx, keys, "draw");
	if (lua_getfield(L, idx, "pid") != LUA_TNIL) {
		mmsim_machine *pm = NULL;
		int pid = lmmsim_topid(L, -1, &pm);
		if (pid && pm != m)
			luaL_error(L, "draw: pid: a process of another machine");
		o->pid = pid ? pid : lmmsim_check_int(L, luaL_checkinteger(L, -1), "pid", "draw");
	}
	lua_pop(L, 1);
	if (lua_getfield(L, idx, "addr") != LUA_TNIL) {
		o->has_addr = true;
		o->addr = (uint64_t)luaL_checkinteger(L, -1);
	}
	lua_pop(L, 1);
	bool s = lua_getfield(L, idx, "start") != LUA_TNIL, e = lua_getfield(L, idx, "end") != LUA_TNIL;
	if (s != e)
		luaL_error(L, "draw: start and end go together");
	if (s) {
		o->has_range = true;
		o->start = (uint64_t)luaL_checkinteger(L, -2);
		o->end = (uint64_t)luaL_checkinteger(L, -1);
	}
	lua_pop(L, 2);
	lua_getfield(L, idx, "access");
	o->access = check_access(L, -1, "draw");
	lua_pop(L, 1);
	o->core = (int)lmmsim_field_integer(L, idx, "core", &(lua_Integer){ 0 }, "draw");
	o->title = lmmsim_field_string(L, idx, "title", NULL, false, "draw");
	o->xlabel = lmmsim_field_string(L, idx, "xlabel", NULL, false, "draw");
	o->ylabel = lmmsim_field_string(L, idx, "ylabel", NULL, false, "draw");
	o->columns = (unsigned)lmmsim_check_unsigned(L, lmmsim_field_integer(L, idx, "columns", &(lua_Integer){ 0 }, "draw"),
						    "columns", "draw");
	const char *format = lmmsim_field_string(L, idx, "format", "svg", false, "draw");
	if (strcmp(format, "svg") && strcmp(format, "text"))
		luaL_error(L, "draw: format '%s' is not svg or text", format);
	o->format = strcmp(format, "text") ? DRAW_SVG : DRAW_TEXT;
	if (lua_getfield(L, idx, "series") != LUA_TNIL) {
		struct draw_series *series;
		o->nseries = read_series(L, -1, &series);
		o->series = series;
		/* the block (and the names) stay on the stack until the call ends */
	} else {
		lua_pop(L, 1);
	}
	if (lua_getfield(L, idx, "x") != LUA_TNIL) {
		luaL_checktype(L, -1, LUA_TTABLE);
		size_t n = lua_rawlen(L, -1), need = 0;
		for (size_t i = 0; i < o->nseries; i++)
			need = o->series[i].n > need ? o->series[i].n : need;
		if (n < need)
			luaL_error(L, "draw: x has %d values, the longest series %d", (int)n, (int)need);
		double *x = lua_newuserdatauv(L, (n ? n : 1) * sizeof *x, 0);
		for (size_t i = 0; i < n; i++) {
			lua_rawgeti(L, -2, (lua_Integer)i + 1);
			if (!lua_isnumber(L, -1))
				luaL_error(L, "draw: x, value %d is not a number", (int)i + 1);
			x[i] = lua_tonumber(L, -1);
			lua_pop(L, 1);
		}
		o->x = x;
	}
}

/* Draw what of machine lm with the options at idx (pid: forced when > 0). */
static int do_draw(lua_State *L, struct lmachine *lm, int what_idx, int opts_idx, int pid)
{
	const char *what = lmmsim_checkstring(L, what_idx);
	struct draw_opts o;
	read_opts(L, opts_idx, &o, lm->m);
	if (pid > 0)
		o.pid = pid;
	char *out, err[256];
	size_t len;
	int rc = draw(lm->m, what, &o, &out, &len, err, sizeof err);
	if (rc == -EINVAL)
		return luaL_error(L, "draw: %s", err);
	if (rc) {
		lua_pushnil(L);
		lua_pushstring(L, mmsim_strerror(rc));
		lua_pushstring(L, err);
		return 3;
	}
	lua_pushlstring(L, out, len);
	free(out);
	return 1;
}

/* m:draw(what [, opts]) → SVG (or text) */
static int m_draw(lua_State *L)
{
	struct lmachine *lm = lmmsim_check_machine(L, 1);
	return do_draw(L, lm, 2, 3, 0);
}

/* p:draw(what [, opts]) → the picture of this process */
static int p_draw(lua_State *L)
{
	struct lmachine *lm;
	int pid = check_pid(L, &lm);
	return do_draw(L, lm, 2, 3, pid);
}

static const luaL_Reg machine_methods[] = {
	{ "tlb", m_tlb }, { "frames", m_frames }, { "draw", m_draw }, { NULL, NULL },
};
static const luaL_Reg process_methods[] = {
	{ "page_tables", p_page_tables }, { "walk", p_walk }, { "draw", p_draw }, { NULL, NULL },
};

/* See lmodule.h. */
void lmmsim_open_state(lua_State *L)
{
	lmmsim_push_methods(L, LMMSIM_KIND_MACHINE);
	luaL_setfuncs(L, machine_methods, 0);
	lua_pop(L, 1);
	lmmsim_push_methods(L, LMMSIM_KIND_PROCESS);
	luaL_setfuncs(L, process_methods, 0);
	lua_pop(L, 1);
}
