/*
 * lua/ltrace.c — traces from Lua (mmsim_trace.h): mmsim.trace_open (a
 * reader of records as tables), mmsim.trace_create (a writer of the same
 * tables), mmsim.trace_import, and m:replay(path, opts), whose report is a
 * table. docs/lua-api.md, docs/traces.md.
 */
#include "lua/lmodule.h"

#include "common.h"
#include "mmsim_trace.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define LMMSIM_TRACE        "mmsim.trace"
#define LMMSIM_TRACE_WRITER "mmsim.trace_writer"

static const char *const type_names[] = { "access", "syscall", "map", "thread", "fork", "exit", "brk" };
static const char *const kind_names[] = { "load", "store", "fetch", "modify" };

/* The memory-management system calls by name (x86-64 numbers). */
static const struct { uint64_t nr; const char *name; } syscalls[] = {
	{ 9, "mmap" }, { 10, "mprotect" }, { 11, "munmap" }, { 12, "brk" }, { 25, "mremap" }, { 28, "madvise" },
	{ 30, "shmat" }, { 67, "shmdt" }, { 149, "mlock" }, { 150, "munlock" }, { 151, "mlockall" },
	{ 152, "munlockall" }, { 325, "mlock2" },
};

/* nil, the errno's name, msg: the module's failure convention. */
static int fail(lua_State *L, int err, const char *msg)
{
	lua_pushnil(L);
	lua_pushstring(L, mmsim_strerror(err));
	lua_pushstring(L, msg);
	return 3;
}

/* ---- the reader -------------------------------------------------------------------- */

static mmsim_trace **check_reader(lua_State *L)
{
	mmsim_trace **t = luaL_checkudata(L, 1, LMMSIM_TRACE);
	if (!*t)
		luaL_error(L, "the trace is closed");
	return t;
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

/* Push record r as a table. */
static void push_record(lua_State *L, const struct mmsim_trace_record *r)
{
	lua_createtable(L, 0, 8);
	set_str(L, "type", type_names[r->type]);
	set_int(L, "tid", r->tid);
	switch (r->type) {
	case MMSIM_TRACE_ACCESS:
		set_int(L, "addr", (lua_Integer)r->access.addr);
		set_int(L, "size", r->access.size);
		set_str(L, "kind", kind_names[r->access.kind & 3]);
		break;
	case MMSIM_TRACE_SYSCALL:
		set_int(L, "nr", (lua_Integer)r->syscall.nr);
		for (size_t i = 0; i < ARRAY_SIZE(syscalls); i++)
			if (syscalls[i].nr == r->syscall.nr)
				set_str(L, "name", syscalls[i].name);
		lua_createtable(L, 6, 0);
		for (int i = 0; i < 6; i++) {
			lua_pushinteger(L, (lua_Integer)r->syscall.args[i]);
			lua_rawseti(L, -2, i + 1);
		}
		lua_setfield(L, -2, "args");
		set_int(L, "result", r->syscall.result);
		break;
	case MMSIM_TRACE_MAP:
		set_int(L, "start", (lua_Integer)r->map.start);
		set_int(L, "end", (lua_Integer)r->map.end);
		set_int(L, "offset", (lua_Integer)r->map.offset);
		set_int(L, "prot", r->map.prot);
		set_int(L, "flags", r->map.flags);
		set_int(L, "inode", (lua_Integer)r->map.inode);
		set_str(L, "name", r->map.name);
		break;
	case MMSIM_TRACE_THREAD:
	case MMSIM_TRACE_FORK:
		set_int(L, "child", r->clone.child);
		set_int(L, "clone_flags", (lua_Integer)r->clone.clone_flags);
		break;
	case MMSIM_TRACE_EXIT:
		set_int(L, "code", r->exit.code);
		lua_pushboolean(L, r->exit.group);
		lua_setfield(L, -2, "group");
		break;
	case MMSIM_TRACE_BRK:
		set_int(L, "start_brk", (lua_Integer)r->brk.start_brk);
		set_int(L, "brk", (lua_Integer)r->brk.brk);
		break;
	}
}

/* t:next() → a record table, nil at the end; raises on a bad trace. */
static int t_next(lua_State *L)
{
	mmsim_trace **t = check_reader(L);
	struct mmsim_trace_record r;
	int rc = mmsim_trace_next(*t, &r);
	if (rc < 0)
		return luaL_error(L, "%s", mmsim_trace_error(*t));
	if (!rc)
		return lua_pushnil(L), 1;
	push_record(L, &r);
	return 1;
}

/* t:records() → an iterator for a generic for. */
static int t_records(lua_State *L)
{
	check_reader(L);
	lua_pushcfunction(L, t_next);
	lua_pushvalue(L, 1);
	return 2;
}

/* t:info() → the header as a table. */
static int t_info(lua_State *L)
{
	mmsim_trace **t = check_reader(L);
	const struct mmsim_trace_info *i = mmsim_trace_info(*t);
	lua_createtable(L, 0, 10);
	lua_pushfstring(L, "%d.%d", (int)i->version_major, (int)i->version_minor);
	lua_setfield(L, -2, "version");
	set_int(L, "page_size", i->page_size);
	set_int(L, "flags", i->flags);
	lua_pushboolean(L, !!(i->flags & MMSIM_TRACE_SYSCALLS));
	lua_setfield(L, -2, "syscalls");
	set_str(L, "program", i->program);
	lua_createtable(L, i->argc, 0);
	for (int k = 0; k < i->argc; k++) {
		lua_pushstring(L, i->argv[k]);
		lua_rawseti(L, -2, k + 1);
	}
	lua_setfield(L, -2, "argv");
	set_str(L, "tool", i->tool);
	set_str(L, "date", i->date);
	set_str(L, "host", i->host);
	set_str(L, "note", i->note);
	return 1;
}

/* t:offset() → bytes read, the file's size. */
static int t_offset(lua_State *L)
{
	mmsim_trace **t = check_reader(L);
	lua_pushinteger(L, (lua_Integer)mmsim_trace_offset(*t));
	lua_pushinteger(L, (lua_Integer)mmsim_trace_size(*t));
	return 2;
}

static int t_close(lua_State *L)
{
	mmsim_trace **t = luaL_checkudata(L, 1, LMMSIM_TRACE);
	mmsim_trace_close(*t);
	*t = NULL;
	return 0;
}

/* mmsim.trace_open(path) → a reader, or nil, errno, message. */
static int l_trace_open(lua_State *L)
{
	const char *path = lmmsim_checkstring(L, 1);
	char err[700];
	mmsim_trace **t = lua_newuserdatauv(L, sizeof *t, 0);
	*t = NULL;
	luaL_setmetatable(L, LMMSIM_TRACE);
	int rc = mmsim_trace_open(path, t, err, sizeof err);
	return rc ? fail(L, rc, err) : 1;
}

/* ---- the writer -------------------------------------------------------------------- */

static mmsim_trace_writer **check_writer(lua_State *L)
{
	mmsim_trace_writer **w = luaL_checkudata(L, 1, LMMSIM_TRACE_WRITER);
	if (!*w)
		luaL_error(L, "the trace writer is closed");
	return w;
}

/* Field k of the table at t as an integer (def when absent). */
static uint64_t field_u(lua_State *L, int t, const char *k, lua_Integer def)
{
	return (uint64_t)lmmsim_field_integer(L, t, k, &def, "w:write");
}

/* Field k of the table at t, which must be there, as an integer. */
static uint64_t field_req(lua_State *L, int t, const char *k)
{
	return (uint64_t)lmmsim_field_integer(L, t, k, NULL, "w:write");
}

/* One of names (n of them) at field k of table t: its index. */
static int field_name(lua_State *L, int t, const char *k, const char *const *names, int n, const char *def)
{
	const char *v = lmmsim_field_string(L, t, k, def, def == NULL, "w:write");
	for (int i = 0; i < n; i++)
		if (!strcmp(v, names[i]))
			return i;
	return luaL_error(L, "w:write: %s \"%s\" is not one of the format's", k, v);
}

/* The record the table at index 2 describes (as t:next gives them). */
static void check_record(lua_State *L, struct mmsim_trace_record *r)
{
	luaL_checktype(L, 2, LUA_TTABLE);
	memset(r, 0, sizeof *r);
	r->type = (enum mmsim_trace_type)field_name(L, 2, "type", type_names, (int)ARRAY_SIZE(type_names), "access");
	r->tid = (uint32_t)field_u(L, 2, "tid", 1);
	switch (r->type) {
	case MMSIM_TRACE_ACCESS:
		r->access = (struct mmsim_ref){ .addr = field_req(L, 2, "addr"), .size = (uint16_t)field_u(L, 2, "size", 8),
						.kind = (uint8_t)field_name(L, 2, "kind", kind_names, 4, "load"),
						.tid = r->tid };
		if (field_u(L, 2, "size", 8) > 4096)
			luaL_error(L, "w:write: size %d (1 to 4096)", (int)field_u(L, 2, "size", 8));
		break;
	case MMSIM_TRACE_SYSCALL: {
		const char *name = lmmsim_field_string(L, 2, "name", NULL, false, "w:write");
		r->syscall.nr = name ? (uint64_t)-1 : field_req(L, 2, "nr");
		for (size_t i = 0; name && i < ARRAY_SIZE(syscalls); i++)
			if (!strcmp(name, syscalls[i].name))
				r->syscall.nr = syscalls[i].nr;
		if (r->syscall.nr == (uint64_t)-1)
			luaL_error(L, "w:write: system call \"%s\" is not one of the memory-management calls "
				   "the format names (give nr)", name);
		r->syscall.result = (int64_t)field_u(L, 2, "result", 0);
		lua_getfield(L, 2, "args");
		for (int i = 0; i < 6 && lua_istable(L, -1); i++) {
			lua_rawgeti(L, -1, i + 1);
			r->syscall.args[i] = (uint64_t)luaL_optinteger(L, -1, 0);
			lua_pop(L, 1);
		}
		lua_pop(L, 1);
		break;
	}
	case MMSIM_TRACE_MAP: {
		r->map.start = field_req(L, 2, "start");
		r->map.end = field_req(L, 2, "end");
		r->map.offset = field_u(L, 2, "offset", 0);
		r->map.prot = (uint32_t)field_u(L, 2, "prot", 3);
		r->map.flags = (uint32_t)field_u(L, 2, "flags", 0);
		r->map.inode = field_u(L, 2, "inode", 0);
		const char *name = lmmsim_field_string(L, 2, "name", "", false, "w:write");
		if (strlen(name) > 255)
			luaL_error(L, "w:write: a map name of more than 255 bytes");
		strcpy(r->map.name, name);
		break;
	}
	case MMSIM_TRACE_THREAD:
	case MMSIM_TRACE_FORK:
		r->clone.child = (uint32_t)field_req(L, 2, "child");
		r->clone.clone_flags = field_u(L, 2, "clone_flags", 0);
		break;
	case MMSIM_TRACE_EXIT:
		r->exit.code = (int64_t)field_u(L, 2, "code", 0);
		lua_getfield(L, 2, "group");
		r->exit.group = lua_toboolean(L, -1) || lua_isnil(L, -1);
		lua_pop(L, 1);
		break;
	case MMSIM_TRACE_BRK:
		r->brk.start_brk = field_req(L, 2, "start_brk");
		r->brk.brk = field_u(L, 2, "brk", (lua_Integer)r->brk.start_brk);
		break;
	}
}

/* w:write(record) → true, or nil, errno, message. */
static int w_write(lua_State *L)
{
	mmsim_trace_writer **w = check_writer(L);
	struct mmsim_trace_record r;
	check_record(L, &r);
	int rc = mmsim_trace_write(*w, &r);
	if (rc)
		return fail(L, rc, mmsim_trace_writer_error(*w));
	lua_pushboolean(L, 1);
	return 1;
}

/* w:close() → true, or nil, errno, message (the trailer is written here). */
static int w_close(lua_State *L)
{
	mmsim_trace_writer **w = luaL_checkudata(L, 1, LMMSIM_TRACE_WRITER);
	char err[700];
	if (!*w) {
		lua_pushboolean(L, 1);
		return 1;
	}
	int rc = mmsim_trace_finish(*w, err, sizeof err);
	*w = NULL;
	if (rc)
		return fail(L, rc, err);
	lua_pushboolean(L, 1);
	return 1;
}

/* mmsim.trace_create(path [, {program=, argv=, tool=, date=, host=, note=,
 * syscalls=, fetches=}]) → a writer, or nil, errno, message. */
static int l_trace_create(lua_State *L)
{
	static const char *const keys[] = { "program", "argv", "tool", "date", "host", "note", "syscalls",
					    "fetches", NULL };
	const char *path = lmmsim_checkstring(L, 1);
	struct mmsim_trace_meta meta = { .tool = "mmsim.trace_create (Lua)" };
	const char *argv[64] = { NULL };
	if (!lua_isnoneornil(L, 2)) {
		luaL_checktype(L, 2, LUA_TTABLE);
		lmmsim_check_keys(L, 2, keys, "mmsim.trace_create");
		meta.program = lmmsim_field_string(L, 2, "program", NULL, false, "mmsim.trace_create");
		meta.tool = lmmsim_field_string(L, 2, "tool", meta.tool, false, "mmsim.trace_create");
		meta.date = lmmsim_field_string(L, 2, "date", NULL, false, "mmsim.trace_create");
		meta.host = lmmsim_field_string(L, 2, "host", NULL, false, "mmsim.trace_create");
		meta.note = lmmsim_field_string(L, 2, "note", NULL, false, "mmsim.trace_create");
		lua_getfield(L, 2, "syscalls");
		meta.flags |= lua_toboolean(L, -1) ? MMSIM_TRACE_SYSCALLS : 0;
		lua_getfield(L, 2, "fetches");
		meta.flags |= lua_toboolean(L, -1) ? MMSIM_TRACE_FETCHES : 0;
		lua_getfield(L, 2, "argv");
		for (int i = 0; i < 63 && lua_istable(L, -1); i++) {
			lua_rawgeti(L, -1, i + 1);
			argv[i] = lua_tostring(L, -1);          /* kept alive by the table */
			lua_pop(L, 1);
			if (!argv[i])
				break;
		}
		lua_pop(L, 3);
		meta.argv = argv;
	}
	char err[700];
	mmsim_trace_writer **w = lua_newuserdatauv(L, sizeof *w, 0);
	*w = NULL;
	luaL_setmetatable(L, LMMSIM_TRACE_WRITER);
	int rc = mmsim_trace_create(path, &meta, w, err, sizeof err);
	return rc ? fail(L, rc, err) : 1;
}

/* mmsim.trace_import(format, input, output) → records written, or nil,
 * errno, message. */
static int l_trace_import(lua_State *L)
{
	const char *format = lmmsim_checkstring(L, 1), *in = lmmsim_checkstring(L, 2),
		   *out = lmmsim_checkstring(L, 3);
	char err[700];
	uint64_t n;
	int rc = mmsim_trace_import(format, in, out, &n, err, sizeof err);
	if (rc)
		return fail(L, rc, err);
	lua_pushinteger(L, (lua_Integer)n);
	return 1;
}

/* ---- m:replay ------------------------------------------------------------------------- */

/* The samples of the time series, appended to the table at the top of the
 * state's stack when the replay calls back. */
struct series {
	lua_State *L;
	int table;
};

static void on_sample(void *ctx, const struct mmsim_replay_sample *s)
{
	struct series *x = ctx;
	lua_State *L = x->L;
	lua_createtable(L, 0, 6);
	set_int(L, "accesses", (lua_Integer)s->accesses);
	set_int(L, "l1_misses", (lua_Integer)s->l1_misses);
	set_int(L, "walks", (lua_Integer)s->walks);
	set_int(L, "walk_refs", (lua_Integer)s->walk_refs);
	set_int(L, "faults", (lua_Integer)s->faults);
	set_int(L, "cycles", (lua_Integer)s->cycles);
	lua_rawseti(L, x->table, (lua_Integer)lua_rawlen(L, x->table) + 1);
}

/* Push the report as a table (the series at index series, or 0). */
static void push_report(lua_State *L, const struct mmsim_replay_report *r, int series)
{
	lua_createtable(L, 0, 16);
	set_int(L, "records", (lua_Integer)r->records);
	set_int(L, "accesses", (lua_Integer)r->accesses);
	set_int(L, "syscalls", (lua_Integer)r->syscalls);
	set_int(L, "events", (lua_Integer)r->events);
	set_int(L, "mismatches", (lua_Integer)r->mismatches);
	set_str(L, "first_mismatch", r->first_mismatch);
	lua_pushboolean(L, r->flat);
	lua_setfield(L, -2, "flat");
	set_int(L, "processes", r->processes);
	set_int(L, "threads", r->threads);
	lmmsim_push_stats(L, r->stats, r->nstats);
	lua_setfield(L, -2, "stats");
	lua_createtable(L, (int)r->nvmas, 0);
	for (size_t i = 0; i < r->nvmas; i++) {
		const struct mmsim_replay_vma *v = &r->vmas[i];
		lua_createtable(L, 0, 9);
		set_int(L, "pid", v->pid);
		set_str(L, "name", v->name);
		set_int(L, "start", (lua_Integer)v->start);
		set_int(L, "end", (lua_Integer)v->end);
		set_int(L, "accesses", (lua_Integer)v->accesses);
		set_int(L, "l1_misses", (lua_Integer)v->l1_misses);
		set_int(L, "walks", (lua_Integer)v->walks);
		set_int(L, "faults", (lua_Integer)v->faults);
		set_int(L, "huge_accesses", (lua_Integer)v->huge_accesses);
		lua_rawseti(L, -2, (lua_Integer)i + 1);
	}
	lua_setfield(L, -2, "mappings");
	lua_createtable(L, (int)r->npages, 0);
	for (size_t i = 0; i < r->npages; i++) {
		const struct mmsim_replay_page *g = &r->pages[i];
		lua_createtable(L, 0, 6);
		set_int(L, "pid", g->pid);
		set_int(L, "addr", (lua_Integer)g->addr);
		set_str(L, "mapping", g->vma);
		set_int(L, "l1_misses", (lua_Integer)g->l1_misses);
		set_int(L, "walks", (lua_Integer)g->walks);
		set_int(L, "faults", (lua_Integer)g->faults);
		lua_rawseti(L, -2, (lua_Integer)i + 1);
	}
	lua_setfield(L, -2, "pages");
	if (series) {
		lua_pushvalue(L, series);
		lua_setfield(L, -2, "series");
	}
	char *text = mmsim_replay_report_text(r);
	lua_pushstring(L, text ? text : "");
	free(text);
	lua_setfield(L, -2, "text");
}

/* m:replay(path [, {interval=, top=, placement=, check=}]) → the report, or
 * nil, errno, message. */
static int m_replay(lua_State *L)
{
	static const char *const keys[] = { "interval", "top", "placement", "check", NULL };
	struct lmachine *lm = lmmsim_check_machine(L, 1);
	const char *path = lmmsim_checkstring(L, 2);
	struct mmsim_replay_options o = { 0 };
	struct series series = { L, 0 };
	lua_settop(L, 3);
	if (!lua_isnil(L, 3)) {
		static const lua_Integer zero = 0, ten = 10;
		luaL_checktype(L, 3, LUA_TTABLE);
		lmmsim_check_keys(L, 3, keys, "m:replay");
		o.interval = lmmsim_check_unsigned(L, lmmsim_field_integer(L, 3, "interval", &zero, "m:replay"),
						   "interval", "m:replay");
		o.top_pages = lmmsim_check_int(L, lmmsim_field_integer(L, 3, "top", &ten, "m:replay"), "top", "m:replay");
		const char *pl = lmmsim_field_string(L, 3, "placement", "rr", false, "m:replay");
		if (strcmp(pl, "rr") && strcmp(pl, "one"))
			return luaL_error(L, "m:replay: placement \"%s\": rr or one", pl);
		o.placement = !strcmp(pl, "one");
		lua_getfield(L, 3, "check");
		o.no_check = lua_isboolean(L, -1) && !lua_toboolean(L, -1);
		lua_pop(L, 1);
	}
	if (o.interval) {
		lua_newtable(L);
		series.table = lua_gettop(L);
		o.sample = on_sample;
		o.ctx = &series;
	}
	struct mmsim_replay_report *r;
	char err[700];
	int rc = mmsim_replay(lm->m, path, &o, &r, err, sizeof err);
	if (rc)
		return fail(L, rc, err);
	push_report(L, r, series.table);
	mmsim_replay_report_free(r);
	return 1;
}

/* See lmodule.h. */
const luaL_Reg lmmsim_trace_methods[] = { { "replay", m_replay }, { NULL, NULL } };

/* The metatable name of objects with methods, closed by close when
 * collected or at the end of a to-be-closed variable's scope. */
static void new_class(lua_State *L, const char *name, const luaL_Reg *methods, lua_CFunction close)
{
	if (luaL_newmetatable(L, name)) {
		lua_newtable(L);
		luaL_setfuncs(L, methods, 0);
		lua_setfield(L, -2, "__index");
		lua_pushcfunction(L, close);
		lua_setfield(L, -2, "__gc");
		lua_pushcfunction(L, close);
		lua_setfield(L, -2, "__close");
	}
	lua_pop(L, 1);
}

/* See lmodule.h. */
void lmmsim_open_trace(lua_State *L)
{
	static const luaL_Reg reader[] = { { "next", t_next }, { "records", t_records }, { "info", t_info },
					   { "offset", t_offset }, { "close", t_close }, { NULL, NULL } };
	static const luaL_Reg writer[] = { { "write", w_write }, { "close", w_close }, { NULL, NULL } };
	static const luaL_Reg functions[] = { { "trace_open", l_trace_open }, { "trace_create", l_trace_create },
					      { "trace_import", l_trace_import }, { NULL, NULL } };
	new_class(L, LMMSIM_TRACE, reader, t_close);
	new_class(L, LMMSIM_TRACE_WRITER, writer, w_close);
	luaL_setfuncs(L, functions, 0);
}
