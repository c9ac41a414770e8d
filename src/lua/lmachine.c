/* lua/lmachine.c — the module table and machine objects. */
#include "lua/lmodule.h"
#include "common.h"

#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Registry keys (their addresses are unique). */
static const char defaults_key = 0;
static const char machines_key = 0;
static const char count_key = 0;       /* the machines built so far */

/* See lmmsim.h. */
void lmmsim_set_defaults(lua_State *L, const struct lmmsim_defaults *d)
{
	lua_pushlightuserdata(L, (void *)d);
	lua_rawsetp(L, LUA_REGISTRYINDEX, &defaults_key);
}

static const struct lmmsim_defaults *get_defaults(lua_State *L)
{
	lua_rawgetp(L, LUA_REGISTRYINDEX, &defaults_key);
	const struct lmmsim_defaults *d = lua_touserdata(L, -1);
	lua_pop(L, 1);
	return d;
}

/* See lmodule.h. */
struct lmachine *lmmsim_check_machine(lua_State *L, int idx)
{
	struct lmachine *lm = luaL_checkudata(L, idx, LMMSIM_MACHINE);
	if (!lm->m)
		luaL_error(L, "the machine was closed");
	if (lm->narrating)
		luaL_error(L, "the machine is busy: its explain function cannot call it");
	lm->L = L;
	return lm;
}

/* See lmmsim.h. */
mmsim_machine *lmmsim_tomachine(lua_State *L, int idx)
{
	struct lmachine *lm = luaL_testudata(L, idx, LMMSIM_MACHINE);
	return lm ? lm->m : NULL;
}

/* See lmodule.h. */
int lmmsim_fail(lua_State *L, mmsim_machine *m, int err)
{
	lua_pushnil(L);
	lua_pushstring(L, mmsim_strerror(err));
	lua_pushstring(L, m && *mmsim_last_error(m) ? mmsim_last_error(m) : mmsim_strerror(err));
	return 3;
}

/* See lmodule.h. */
void lmmsim_raise_explain_error(lua_State *L, struct lmachine *lm)
{
	if (lm->explain_error[0]) {
		char msg[sizeof lm->explain_error];
		memcpy(msg, lm->explain_error, sizeof msg);
		lm->explain_error[0] = 0;
		luaL_error(L, "explain callback: %s", msg);
	}
}

/* See lmodule.h. */
int lmmsim_done(lua_State *L, struct lmachine *lm, int err)
{
	lmmsim_raise_explain_error(L, lm);
	if (err)
		return lmmsim_fail(L, lm->m, err);
	lua_pushboolean(L, 1);
	return 1;
}

/* Does the string at idx hold a NUL byte before its end? */
static bool has_nul(lua_State *L, int idx)
{
	size_t len;
	const char *s = lua_tolstring(L, idx, &len);
	return s && strlen(s) != len;
}

/* See lmodule.h. */
const char *lmmsim_checkstring(lua_State *L, int idx)
{
	const char *s = luaL_checkstring(L, idx);
	if (has_nul(L, idx))
		luaL_argerror(L, idx, "a NUL byte in the text");
	return s;
}

/* See lmodule.h. */
const char *lmmsim_optstring(lua_State *L, int idx, const char *def)
{
	return lua_isnoneornil(L, idx) ? def : lmmsim_checkstring(L, idx);
}

/* See lmodule.h. */
void lmmsim_check_keys(lua_State *L, int t, const char *const *keys, const char *fname)
{
	t = lua_absindex(L, t);
	for (lua_pushnil(L); lua_next(L, t); lua_pop(L, 1)) {
		if (lua_type(L, -2) != LUA_TSTRING)
			luaL_error(L, "%s: keys are names, got a %s", fname, luaL_typename(L, -2));
		const char *key = lua_tostring(L, -2);
		size_t i = 0;
		while (keys[i] && (strcmp(keys[i], key) || has_nul(L, -2)))
			i++;
		if (keys[i])
			continue;
		luaL_Buffer b;
		luaL_buffinit(L, &b);
		for (i = 0; keys[i]; i++) {
			luaL_addstring(&b, i ? ", " : "");
			luaL_addstring(&b, keys[i]);
		}
		luaL_pushresult(&b);
		luaL_error(L, "%s: unknown key '%s' (keys: %s)", fname, key, lua_tostring(L, -1));
	}
}

/* See lmodule.h. */
int lmmsim_check_int(lua_State *L, lua_Integer v, const char *what, const char *fname)
{
	if (v < INT_MIN || v > INT_MAX)
		luaL_error(L, "%s: %s %I is out of range", fname, what, v);
	return (int)v;
}

/* See lmodule.h. */
uint64_t lmmsim_check_unsigned(lua_State *L, lua_Integer v, const char *what, const char *fname)
{
	if (v < 0)
		luaL_error(L, "%s: %s %I is negative", fname, what, v);
	return (uint64_t)v;
}

/* See lmodule.h. */
unsigned long lmmsim_check_flags(lua_State *L, int idx, const char *kind, const char *fname)
{
	static const char *const int_kinds[] = { "madv", "mcl", "mlock" };
	if (lua_isnoneornil(L, idx))
		return 0;
	if (lua_type(L, idx) == LUA_TNUMBER) {
		lua_Integer v = luaL_checkinteger(L, idx);
		for (size_t i = 0; i < ARRAY_SIZE(int_kinds); i++)
			if (!strcmp(kind, int_kinds[i]) && (v < INT32_MIN || v > (lua_Integer)UINT32_MAX))
				luaL_error(L, "%s: %s flags %I do not fit in an int", fname, kind, v);
		return (unsigned long)v;
	}
	if (lua_type(L, idx) != LUA_TSTRING)
		luaL_error(L, "%s: %s flags must be text or an integer, got a %s", fname, kind,
			   luaL_typename(L, idx));
	if (has_nul(L, idx))
		luaL_error(L, "%s: %s flags: a NUL byte in the text", fname, kind);
	const char *text = lua_tostring(L, idx);
	unsigned long v;
	char why[200];
	if (mmsim_parse_flags(kind, text, &v, why, sizeof why))
		luaL_error(L, "%s: %s", fname, why);
	return v;
}

/* See lmodule.h. */
lua_Integer lmmsim_field_integer(lua_State *L, int t, const char *key, const lua_Integer *def,
				 const char *fname)
{
	int type = lua_getfield(L, t, key), isint;
	lua_Integer v = lua_tointegerx(L, -1, &isint);
	lua_pop(L, 1);
	if (type == LUA_TNIL && def)
		return *def;
	if (type == LUA_TNIL)
		return luaL_error(L, "%s: %s is required", fname, key);
	if (type != LUA_TNUMBER || !isint)
		return luaL_error(L, "%s: %s must be an integer, got a %s", fname, key,
				  type == LUA_TNUMBER ? "float" : lua_typename(L, type));
	return v;
}

/* See lmodule.h. */
const char *lmmsim_field_string(lua_State *L, int t, const char *key, const char *def, bool required,
				const char *fname)
{
	int type = lua_getfield(L, t, key);
	const char *v = type == LUA_TSTRING ? lua_tostring(L, -1) : NULL;
	bool nul = v && has_nul(L, -1);
	lua_pop(L, 1);
	if (type == LUA_TNIL && required)
		luaL_error(L, "%s: %s is required", fname, key);
	if (type == LUA_TNIL)
		return def;
	if (!v)
		luaL_error(L, "%s: %s must be a string, got a %s", fname, key, lua_typename(L, type));
	if (nul)
		luaL_error(L, "%s: %s: a NUL byte in the text", fname, key);
	return v;
}

/* Set one branch of a nested table: t[a][b]...[last] = value. */
static void set_path(lua_State *L, int t, const char *name, lua_Integer value)
{
	char part[48];
	lua_pushvalue(L, t);
	for (;;) {
		const char *dot = strchr(name, '.');
		if (!dot) {
			lua_pushinteger(L, value);
			lua_setfield(L, -2, name);
			lua_pop(L, 1);
			return;
		}
		size_t n = (size_t)(dot - name) < sizeof part - 1 ? (size_t)(dot - name) : sizeof part - 1;
		memcpy(part, name, n);
		part[n] = 0;
		if (lua_getfield(L, -1, part) != LUA_TTABLE) {
			lua_pop(L, 1);
			lua_newtable(L);
			lua_pushvalue(L, -1);
			lua_setfield(L, -3, part);
		}
		lua_remove(L, -2);
		name = dot + 1;
	}
}

/* See lmodule.h. */
void lmmsim_push_stats(lua_State *L, const struct mmsim_stat *s, size_t n)
{
	lua_newtable(L);
	int t = lua_gettop(L);
	for (size_t i = 0; i < n; i++)
		set_path(L, t, s[i].name, (lua_Integer)s[i].value);
}

/* See lmodule.h. */
struct lmachine *lmmsim_new_machine(lua_State *L, const char *preset)
{
	lua_rawgetp(L, LUA_REGISTRYINDEX, &count_key);
	int number = (int)lua_tointeger(L, -1) + 1;
	lua_pushinteger(L, number);
	lua_rawsetp(L, LUA_REGISTRYINDEX, &count_key);
	lua_pop(L, 1);
	struct lmachine *lm = lua_newuserdatauv(L, sizeof *lm, 0);
	memset(lm, 0, sizeof *lm);
	lm->explain_ref = LUA_NOREF;
	lm->number = number;
	snprintf(lm->preset, sizeof lm->preset, "%s", preset);
	luaL_setmetatable(L, LMMSIM_MACHINE);
	return lm;
}

/* ---- explain ---------------------------------------------------------------- */

/* Narration to the script's function (errors are kept and raised once the
 * call returns: the simulator never unwinds mid-operation) or stdout, where
 * the lines of the state's second machine and later ones start with
 * "[machine N] ". */
static void narrate(void *ctx, const char *line)
{
	struct lmachine *lm = ctx;
	if (lm->explain_stdout) {
		if (lm->number > 1)
			printf("[machine %d] ", lm->number);
		fputs(line, stdout);
		fputc('\n', stdout);
		return;
	}
	if (lm->explain_ref == LUA_NOREF || lm->explain_error[0])
		return;
	lua_State *L = lm->L;
	lua_rawgeti(L, LUA_REGISTRYINDEX, lm->explain_ref);
	lua_pushstring(L, line);
	lm->narrating = true;
	int status = lua_pcall(L, 1, 0, 0);
	lm->narrating = false;
	if (status != LUA_OK) {
		const char *msg = lua_tostring(L, -1);
		snprintf(lm->explain_error, sizeof lm->explain_error, "%s", msg ? msg : "(not a string)");
		lua_pop(L, 1);
	}
}

/* m:explain(true | false | function(line)) */
static int m_explain(lua_State *L)
{
	struct lmachine *lm = lmmsim_check_machine(L, 1);
	if (lm->explain_ref != LUA_NOREF)
		luaL_unref(L, LUA_REGISTRYINDEX, lm->explain_ref);
	lm->explain_ref = LUA_NOREF;
	lm->explain_stdout = false;
	if (lua_isfunction(L, 2)) {
		lua_pushvalue(L, 2);
		lm->explain_ref = luaL_ref(L, LUA_REGISTRYINDEX);
	} else {
		luaL_checktype(L, 2, LUA_TBOOLEAN);
		lm->explain_stdout = lua_toboolean(L, 2);
	}
	bool on = lm->explain_stdout || lm->explain_ref != LUA_NOREF;
	int err = mmsim_explain(lm->m, on ? narrate : NULL, on ? lm : NULL);
	return err ? lmmsim_fail(L, lm->m, err) : 0;
}

/* ---- building a machine ------------------------------------------------------ */

/* Apply key=value to c, raising a Lua error that names it when bad. */
static void config_apply(lua_State *L, mmsim_config *c, const char *key, const char *value,
			 const char *where)
{
	char why[256];
	if (mmsim_config_set(c, key, value, why, sizeof why)) {
		mmsim_config_free(c);
		luaL_error(L, "%s: %s", where, why);
	}
}

/* The text of a configuration value from Lua: numbers, strings, booleans. */
static const char *config_value(lua_State *L, int idx, char *buf, size_t len)
{
	switch (lua_type(L, idx)) {
	case LUA_TBOOLEAN:
		snprintf(buf, len, "%d", lua_toboolean(L, idx));
		return buf;
	case LUA_TNUMBER:
		if (lua_isinteger(L, idx))
			snprintf(buf, len, "%lld", (long long)lua_tointeger(L, idx));
		else
			snprintf(buf, len, "%.17g", lua_tonumber(L, idx));
		return buf;
	case LUA_TSTRING:
		return lua_tostring(L, idx);
	}
	return NULL;
}

/* The value at the top for key of mmsim.machine, as config_value; for one
 * that is not a number, string or boolean, or holds a NUL byte, frees c
 * and raises an error naming key. */
static const char *machine_value(lua_State *L, mmsim_config *c, const char *key, char *buf, size_t len)
{
	const char *v = config_value(L, -1, buf, len);
	bool nul = has_nul(L, -1);
	if (v && !nul)
		return v;
	mmsim_config_free(c);
	if (nul)
		luaL_error(L, "mmsim.machine: %s: a NUL byte in the text", key);
	luaL_error(L, "mmsim.machine: %s: a %s is not a value", key, luaL_typename(L, -1));
	return NULL;
}

/* mmsim.machine{preset=, ram=, cores=, paging=, pcid=, aslr=, seed=, ...} */
static int l_machine(lua_State *L)
{
	const struct lmmsim_defaults *d = get_defaults(L);
	const char *preset = d && d->preset ? d->preset : NULL;
	char buf[64], why[256];
	int err;

	if (!lua_isnoneornil(L, 1))
		luaL_checktype(L, 1, LUA_TTABLE);
	if (lua_istable(L, 1) && lua_getfield(L, 1, "preset") != LUA_TNIL) {
		if (lua_type(L, -1) != LUA_TSTRING)
			return luaL_error(L, "mmsim.machine: preset: a %s is not a preset name",
					  luaL_typename(L, -1));
		if (has_nul(L, -1))
			return luaL_error(L, "mmsim.machine: preset: a NUL byte in the text");
		preset = lua_tostring(L, -1);
	}
	mmsim_config *c = mmsim_config_new(preset, &err);
	if (!c && err == -ENOENT)
		return luaL_error(L, "mmsim.machine: unknown preset '%s' (mmsim presets lists them)", preset);
	if (!c)
		return luaL_error(L, "mmsim.machine: out of memory");
	if (lua_istable(L, 1)) {
		lua_pushnil(L);
		while (lua_next(L, 1)) {
			if (lua_type(L, -2) != LUA_TSTRING) {
				mmsim_config_free(c);
				return luaL_error(L, "mmsim.machine: keys are names, got a %s", luaL_typename(L, -2));
			}
			const char *key = lua_tostring(L, -2);
			if (strcmp(key, "preset")) {
				const char *v = machine_value(L, c, key, buf, sizeof buf);
				config_apply(L, c, key, v, "mmsim.machine");
			}
			lua_pop(L, 1);
		}
	}
	for (const char *const *o = d ? d->overrides : NULL; o && *o; o++) {
		const char *eq = strchr(*o, '=');
		char key[64];
		snprintf(key, sizeof key, "%.*s", eq ? (int)(eq - *o) : 0, *o);
		config_apply(L, c, key, eq ? eq + 1 : "", "-o");
	}
	struct lmachine *lm = lmmsim_new_machine(L, preset ? preset : "default");
	err = mmsim_machine_new(c, &lm->m, why, sizeof why);
	mmsim_config_free(c);
	if (err)
		return luaL_error(L, "mmsim.machine: %s", why);
	lm->L = L;
	if (d && d->explain) {
		lm->explain_stdout = true;
		mmsim_explain(lm->m, narrate, lm);
	}
	if (d && d->report) {
		lua_rawgetp(L, LUA_REGISTRYINDEX, &machines_key);   /* for the final report */
		lua_pushvalue(L, -2);
		lua_rawseti(L, -2, (lua_Integer)lua_rawlen(L, -2) + 1);
		lua_pop(L, 1);
	}
	return 1;
}

/* See lmmsim.h. */
void lmmsim_each_machine(lua_State *L, void (*fn)(void *ctx, mmsim_machine *m, const char *preset),
			 void *ctx)
{
	lua_rawgetp(L, LUA_REGISTRYINDEX, &machines_key);
	for (lua_Integer i = 1; lua_rawgeti(L, -1, i) != LUA_TNIL; i++) {
		struct lmachine *lm = luaL_testudata(L, -1, LMMSIM_MACHINE);
		if (lm && lm->m)
			fn(ctx, lm->m, lm->preset);
		lua_pop(L, 1);
	}
	lua_pop(L, 2);
}

/* See lmmsim.h. */
void lmmsim_push_last_machine(lua_State *L)
{
	lua_rawgetp(L, LUA_REGISTRYINDEX, &machines_key);
	for (lua_Integer i = (lua_Integer)lua_rawlen(L, -1); i > 0; i--) {
		lua_rawgeti(L, -1, i);
		struct lmachine *lm = luaL_testudata(L, -1, LMMSIM_MACHINE);
		if (lm && lm->m) {
			lua_remove(L, -2);
			return;
		}
		lua_pop(L, 1);
	}
	lua_pop(L, 1);
	lua_pushnil(L);
}

/* ---- machine methods ---------------------------------------------------------- */

/* m:spawn{name=, core=} → process */
static int m_spawn(lua_State *L)
{
	struct lmachine *lm = lmmsim_check_machine(L, 1);
	const char *name = "a.out";
	lua_Integer core = 0;
	bool tls = false;
	if (lua_istable(L, 2)) {
		static const char *const keys[] = { "name", "core", "tls", NULL };
		lmmsim_check_keys(L, 2, keys, "spawn");
		name = lmmsim_field_string(L, 2, "name", name, false, "spawn");
		core = lmmsim_field_integer(L, 2, "core", &core, "spawn");
		lua_getfield(L, 2, "tls");
		tls = lua_toboolean(L, -1);
		lua_pop(L, 1);
	} else if (!lua_isnoneornil(L, 2)) {
		name = lmmsim_checkstring(L, 2);
	}
	int pid = mmsim_spawn(lm->m, name, lmmsim_check_int(L, core, "core", "spawn"));
	lmmsim_raise_explain_error(L, lm);
	if (pid < 0)
		return lmmsim_fail(L, lm->m, pid);
	int err = tls ? lmmsim_setup_tls(L, lm, pid) : 0;
	if (err < 0)
		return lmmsim_fail(L, lm->m, err);
	lmmsim_push_process(L, 1, pid);
	return 1;
}

/* m:proc(path) → text */
static int m_proc(lua_State *L)
{
	struct lmachine *lm = lmmsim_check_machine(L, 1);
	char *text;
	size_t len;
	int err = mmsim_proc_read(lm->m, lmmsim_checkstring(L, 2), &text, &len);
	if (err)
		return lmmsim_fail(L, lm->m, err);
	lua_pushlstring(L, text, len);
	free(text);
	return 1;
}

/* m:numa_hardware() → text, as `numactl --hardware` prints it */
static int m_numa_hardware(lua_State *L)
{
	struct lmachine *lm = lmmsim_check_machine(L, 1);
	char *text;
	int err = mmsim_numa_hardware(lm->m, &text);
	if (err)
		return lmmsim_fail(L, lm->m, err);
	lua_pushstring(L, text);
	free(text);
	return 1;
}

/* m:stats() → nested table */
static int m_stats(lua_State *L)
{
	struct lmachine *lm = lmmsim_check_machine(L, 1);
	size_t n = mmsim_machine_stats(lm->m, NULL, 0);
	struct mmsim_stat *s = lua_newuserdatauv(L, n * sizeof *s + 1, 0);
	mmsim_machine_stats(lm->m, s, n);
	lmmsim_push_stats(L, s, n);
	return 1;
}

/* m:set(name, value): a sysctl (vm.overcommit_memory, ...). */
static int m_set(lua_State *L)
{
	struct lmachine *lm = lmmsim_check_machine(L, 1);
	const char *name = lmmsim_checkstring(L, 2);
	char buf[64];
	const char *v = config_value(L, 3, buf, sizeof buf);
	if (!v)
		return luaL_argerror(L, 3, "a number, string or boolean");
	if (has_nul(L, 3))
		return luaL_argerror(L, 3, "a NUL byte in the text");
	return lmmsim_done(L, lm, mmsim_sysctl_set(lm->m, name, v));
}

/* m:get(name): a sysctl's value (a number when it is one), or a machine
 * configuration key's ("ram", "cores", "stlb.entries", ...). */
static int m_get(lua_State *L)
{
	struct lmachine *lm = lmmsim_check_machine(L, 1);
	const char *name = lmmsim_checkstring(L, 2);
	char buf[256];
	int err = mmsim_sysctl_get(lm->m, name, buf, sizeof buf);
	if (err == -ENOENT)
		err = mmsim_machine_config_get(lm->m, name, buf, sizeof buf);
	if (err == -ENOENT) {
		lua_pushnil(L);
		lua_pushstring(L, "ENOENT");
		lua_pushfstring(L, "%s: no sysctl or configuration key of that name", name);
		return 3;
	}
	if (err)
		return lmmsim_fail(L, lm->m, err);
	char *end;
	long long v = strtoll(buf, &end, 10);
	if (*buf && !*end)
		lua_pushinteger(L, v);
	else
		lua_pushstring(L, buf);
	return 1;
}

/* m:check() → number of problems the consistency checker found */
static int m_check(lua_State *L)
{
	struct lmachine *lm = lmmsim_check_machine(L, 1);
	lua_pushinteger(L, (lua_Integer)mmsim_check(lm->m));
	return 1;
}

/* m:dmesg() → the kernel log */
static int m_dmesg(lua_State *L)
{
	struct lmachine *lm = lmmsim_check_machine(L, 1);
	size_t n = mmsim_dmesg(lm->m, NULL, 0);
	char *buf = lua_newuserdatauv(L, n + 1, 0);
	mmsim_dmesg(lm->m, buf, n + 1);
	lua_pushlstring(L, buf, n);
	return 1;
}

/* m:sleep(ms) → true: let time pass (the flusher's timer) */
static int m_sleep(lua_State *L)
{
	struct lmachine *lm = lmmsim_check_machine(L, 1);
	lua_Integer ms = luaL_checkinteger(L, 2);
	if (ms < 0)
		return luaL_error(L, "sleep: %d ms is negative", (int)ms);
	int err = mmsim_sleep(lm->m, (uint64_t)ms);
	if (err)
		return lmmsim_fail(L, lm->m, err);
	lua_pushboolean(L, 1);
	return 1;
}

/* m:vmstat(name) → integer */
static int m_vmstat(lua_State *L)
{
	struct lmachine *lm = lmmsim_check_machine(L, 1);
	uint64_t v;
	int err = mmsim_vmstat(lm->m, lmmsim_checkstring(L, 2), &v);
	if (err)
		return lmmsim_fail(L, lm->m, err);
	lua_pushinteger(L, (lua_Integer)v);
	return 1;
}

/* m:tasks() → the live processes and threads, by pid */
static int m_tasks(lua_State *L)
{
	struct lmachine *lm = lmmsim_check_machine(L, 1);
	int n = mmsim_tasks(lm->m, NULL, 0);
	int *pids = lua_newuserdatauv(L, (size_t)n * sizeof *pids + 1, 0);
	mmsim_tasks(lm->m, pids, n);
	lua_createtable(L, n, 0);
	for (int i = 0; i < n; i++) {
		lmmsim_push_process(L, 1, pids[i]);
		lua_rawseti(L, -2, i + 1);
	}
	return 1;
}

/* The step at the top of the stack ({p, op, addr, value, len}) of
 * m:interleave, as step i (for messages). */
static void check_step(lua_State *L, struct lmachine *lm, int i, struct mmsim_step *st)
{
	static const char *const ops[] = { "store", "load", "mfence", "drain", NULL };
	mmsim_machine *pm = NULL;
	if (!lua_istable(L, -1))
		luaL_error(L, "interleave: step %d: expected a table {process, op, ...}", i);
	lua_rawgeti(L, -1, 1);
	st->pid = lmmsim_topid(L, -1, &pm);
	if (!st->pid || pm != lm->m)
		luaL_error(L, "interleave: step %d: the first item must be a process of this machine", i);
	lua_rawgeti(L, -2, 2);
	const char *op = lua_tostring(L, -1);
	int k = 0;
	while (ops[k] && (!op || strcmp(op, ops[k])))
		k++;
	if (!ops[k])
		luaL_error(L, "interleave: step %d: '%s' is not store, load, mfence or drain", i, op ? op : "?");
	st->op = (enum mmsim_step_op)k;
	lua_rawgeti(L, -3, 3);
	lua_rawgeti(L, -4, st->op == MMSIM_STEP_STORE ? 5 : 4);
	lua_rawgeti(L, -5, 4);
	if (st->op <= MMSIM_STEP_LOAD) {
		if (!lua_isinteger(L, -3))
			luaL_error(L, "interleave: step %d: a %s needs an address", i, op);
		st->addr = (uint64_t)lua_tointeger(L, -3);
		st->len = lua_isnil(L, -2) ? 8 : (unsigned)lua_tointeger(L, -2);
		if (st->op == MMSIM_STEP_STORE && !lua_isinteger(L, -1))
			luaL_error(L, "interleave: step %d: a store needs an integer value", i);
		st->value = st->op == MMSIM_STEP_STORE ? (uint64_t)lua_tointeger(L, -1) : 0;
	}
	lua_pop(L, 5);
}

/* m:interleave{{p, "store", addr, value [, len]}, {t, "load", addr [, len]},
 * {p, "mfence"}, {t, "drain"}, ...} -> the loads' values in order. */
static int m_interleave(lua_State *L)
{
	struct lmachine *lm = lmmsim_check_machine(L, 1);
	luaL_checktype(L, 2, LUA_TTABLE);
	int n = (int)luaL_len(L, 2);
	struct mmsim_step *steps = lua_newuserdatauv(L, (size_t)n * sizeof *steps + 1, 0);
	for (int i = 0; i < n; i++) {
		lua_rawgeti(L, 2, i + 1);
		check_step(L, lm, i + 1, &steps[i]);
		lua_pop(L, 1);
	}
	struct mmsim_fault f;
	int err = mmsim_interleave(lm->m, steps, (size_t)n, &f);
	lmmsim_raise_explain_error(L, lm);
	if (err)
		return lmmsim_fail(L, lm->m, err);
	lua_newtable(L);
	for (int i = 0, k = 0; i < n; i++)
		if (steps[i].op == MMSIM_STEP_LOAD) {
			lua_pushinteger(L, (lua_Integer)steps[i].value);
			lua_rawseti(L, -2, ++k);
		}
	return 1;
}

/* Field key of the table at t as a size: an integer of bytes or a string
 * with a K, M, G or T suffix ("256M"). Raises a Lua error naming fname. */
static uint64_t field_size(lua_State *L, int t, const char *key, const char *fname)
{
	if (lua_getfield(L, t, key) == LUA_TNUMBER && lua_isinteger(L, -1)) {
		lua_Integer v = lua_tointeger(L, -1);
		lua_pop(L, 1);
		return lmmsim_check_unsigned(L, v, key, fname);
	}
	const char *text = lua_type(L, -1) == LUA_TSTRING ? lua_tostring(L, -1) : NULL;
	char *end = NULL;
	unsigned long long v = text ? strtoull(text, &end, 10) : 0;
	unsigned shift = 0;
	if (end && *end && strchr("KkMmGgTt", *end) && end[1] == 0)
		shift = (unsigned)(strchr("KkMmGgTt", *end) - "KkMmGgTt") / 2 * 10 + 10;
	if (!text || end == text || *text == '-' || (*end && !shift) || (v << shift) >> shift != v)
		return (uint64_t)luaL_error(L, "%s: %s must be a size (bytes, or a number with K, M, G or T)", fname,
					    key);
	lua_pop(L, 1);
	return v << shift;
}

/* m:swapon{size=, priority=, device=, read_ns=, write_ns=, mbps=} → type */
static int m_swapon(lua_State *L)
{
	static const char *const keys[] = { "size", "priority", "device", "read_ns", "write_ns", "mbps", NULL };
	struct lmachine *lm = lmmsim_check_machine(L, 1);
	const lua_Integer none = -1;
	luaL_checktype(L, 2, LUA_TTABLE);
	lmmsim_check_keys(L, 2, keys, "swapon");
	struct mmsim_swap_device dev = {
		.size = field_size(L, 2, "size", "swapon"),
		.priority = lmmsim_check_int(L, lmmsim_field_integer(L, 2, "priority", &none, "swapon"), "priority",
					     "swapon"),
		.model = lmmsim_field_string(L, 2, "device", NULL, false, "swapon"),
		.read_ns = lmmsim_field_integer(L, 2, "read_ns", &none, "swapon"),
		.write_ns = lmmsim_field_integer(L, 2, "write_ns", &none, "swapon"),
		.mbps = lmmsim_field_integer(L, 2, "mbps", &none, "swapon"),
	};
	int type = mmsim_swapon(lm->m, &dev);
	lmmsim_raise_explain_error(L, lm);
	if (type < 0)
		return lmmsim_fail(L, lm->m, type);
	lua_pushinteger(L, type);
	return 1;
}

/* A cgroup limit field: nil keeps it, "max" lifts it, else a size. */
static int64_t field_limit(lua_State *L, int t, const char *key)
{
	int type = lua_getfield(L, t, key);
	bool max = type == LUA_TSTRING && !strcmp(lua_tostring(L, -1), "max");
	lua_pop(L, 1);
	if (type == LUA_TNIL)
		return MMSIM_CGROUP_KEEP;
	if (max)
		return MMSIM_CGROUP_NO_LIMIT;
	uint64_t v = field_size(L, t, key, "cgroup");
	return v > INT64_MAX ? MMSIM_CGROUP_NO_LIMIT : (int64_t)v;
}

/* m:cgroup{name=, max=, high=, low=, min=, swap_max=} → true: make the
 * cgroup if needed, then write the limits given (sizes or "max"). */
static int m_cgroup(lua_State *L)
{
	static const char *const keys[] = { "name", "max", "high", "low", "min", "swap_max", NULL };
	struct lmachine *lm = lmmsim_check_machine(L, 1);
	luaL_checktype(L, 2, LUA_TTABLE);
	lmmsim_check_keys(L, 2, keys, "cgroup");
	struct mmsim_cgroup cg = {
		.name = lmmsim_field_string(L, 2, "name", NULL, true, "cgroup"),
		.max = field_limit(L, 2, "max"),
		.high = field_limit(L, 2, "high"),
		.low = field_limit(L, 2, "low"),
		.min = field_limit(L, 2, "min"),
		.swap_max = field_limit(L, 2, "swap_max"),
	};
	int err = mmsim_cgroup(lm->m, &cg);
	lmmsim_raise_explain_error(L, lm);
	return lmmsim_done(L, lm, err);
}

/* m:swapoff(type) → true */
static int m_swapoff(lua_State *L)
{
	struct lmachine *lm = lmmsim_check_machine(L, 1);
	int type = lmmsim_check_int(L, luaL_checkinteger(L, 2), "type", "swapoff");
	return lmmsim_done(L, lm, mmsim_swapoff(lm->m, type));
}

/* m:close(): free the machine now (also done by the garbage collector). */
static int m_close(lua_State *L)
{
	struct lmachine *lm = luaL_checkudata(L, 1, LMMSIM_MACHINE);
	if (lm->narrating)
		return luaL_error(L, "the machine is busy: its explain function cannot close it");
	if (lm->m) {
		mmsim_machine_free(lm->m);
		lm->m = NULL;
	}
	if (lm->explain_ref != LUA_NOREF) {
		luaL_unref(L, LUA_REGISTRYINDEX, lm->explain_ref);
		lm->explain_ref = LUA_NOREF;
	}
	return 0;
}

static int m_tostring(lua_State *L)
{
	struct lmachine *lm = luaL_checkudata(L, 1, LMMSIM_MACHINE);
	char ram[32] = "?", cores[16] = "?", paging[8] = "?";
	if (!lm->m) {
		lua_pushstring(L, "mmsim.machine (closed)");
		return 1;
	}
	mmsim_machine_config_get(lm->m, "ram", ram, sizeof ram);
	mmsim_machine_config_get(lm->m, "cores", cores, sizeof cores);
	mmsim_machine_config_get(lm->m, "paging", paging, sizeof paging);
	if (mmsim_machine_is_host(lm->m))            /* MemTotal, in bytes */
		snprintf(ram, sizeof ram, "%.1fG", strtod(ram, NULL) / (1 << 30));
	lua_pushfstring(L, "mmsim.machine (%s: %s RAM, %s cores, %s-level paging)", lm->preset, ram, cores,
			paging);
	return 1;
}

/* m:file(path, data_or_size) → true: a file made by the machine (its bytes,
 * or that many bytes of holes) */
static int m_file(lua_State *L)
{
	struct lmachine *lm = lmmsim_check_machine(L, 1);
	const char *path = lmmsim_checkstring(L, 2);
	size_t len = 0;
	const char *data = NULL;
	uint64_t size;
	if (lua_type(L, 3) == LUA_TSTRING) {
		data = lua_tolstring(L, 3, &len);
		size = len;
	} else {
		size = lmmsim_check_unsigned(L, luaL_checkinteger(L, 3), "size", "file");
	}
	return lmmsim_done(L, lm, mmsim_file(lm->m, path, data, size));
}

/* m:files() → { {path=, fs=, dev=, ino=, mode=, size=, cached=, dirty=}, ... } by path */
static int m_files(lua_State *L)
{
	struct lmachine *lm = lmmsim_check_machine(L, 1);
	int64_t n = mmsim_files(lm->m, NULL, 0);
	if (n < 0)
		return lmmsim_fail(L, lm->m, (int)n);
	struct mmsim_file_info *f = lua_newuserdatauv(L, (size_t)n * sizeof *f + 1, 0);
	n = mmsim_files(lm->m, f, (size_t)n);
	if (n < 0)
		return lmmsim_fail(L, lm->m, (int)n);
	lua_createtable(L, (int)n, 0);
	for (int64_t i = 0; i < n; i++) {
		lua_createtable(L, 0, 8);
		lua_pushstring(L, f[i].path);
		lua_setfield(L, -2, "path");
		lua_pushstring(L, f[i].fs);
		lua_setfield(L, -2, "fs");
		char dev[16];
		snprintf(dev, sizeof dev, "%02x:%02x", f[i].dev_major, f[i].dev_minor);
		lua_pushstring(L, dev);
		lua_setfield(L, -2, "dev");
		lua_pushinteger(L, (lua_Integer)f[i].ino);
		lua_setfield(L, -2, "ino");
		lua_pushinteger(L, (lua_Integer)f[i].mode);
		lua_setfield(L, -2, "mode");
		lua_pushinteger(L, (lua_Integer)f[i].size);
		lua_setfield(L, -2, "size");
		lua_pushinteger(L, (lua_Integer)f[i].cached);
		lua_setfield(L, -2, "cached");
		lua_pushinteger(L, (lua_Integer)f[i].dirty);
		lua_setfield(L, -2, "dirty");
		lua_rawseti(L, -2, i + 1);
	}
	return 1;
}

/* m:mount{fs=, at=} → true */
static int m_mount(lua_State *L)
{
	static const char *const keys[] = { "fs", "at", NULL };
	struct lmachine *lm = lmmsim_check_machine(L, 1);
	luaL_checktype(L, 2, LUA_TTABLE);
	lmmsim_check_keys(L, 2, keys, "mount");
	const char *fs = lmmsim_field_string(L, 2, "fs", "tmpfs", false, "mount");
	const char *at = lmmsim_field_string(L, 2, "at", NULL, true, "mount");
	return lmmsim_done(L, lm, mmsim_mount(lm->m, fs, at));
}

static const luaL_Reg machine_methods[] = {
	{ "spawn", m_spawn }, { "proc", m_proc }, { "stats", m_stats }, { "explain", m_explain },
	{ "set", m_set }, { "get", m_get }, { "check", m_check }, { "dmesg", m_dmesg },
	{ "vmstat", m_vmstat }, { "tasks", m_tasks }, { "swapon", m_swapon }, { "swapoff", m_swapoff },
	{ "close", m_close }, { "interleave", m_interleave }, { "cgroup", m_cgroup },
	{ "sleep", m_sleep }, { "numa_hardware", m_numa_hardware }, { "file", m_file }, { "files", m_files },
	{ "mount", m_mount }, { NULL, NULL },
};

/* ---- module functions ---------------------------------------------------------- */

/* mmsim.presets() → { {name=, description=}, ... } */
static int l_presets(lua_State *L)
{
	lua_newtable(L);
	for (size_t i = 0; mmsim_preset_name(i); i++) {
		lua_createtable(L, 0, 2);
		lua_pushstring(L, mmsim_preset_name(i));
		lua_setfield(L, -2, "name");
		lua_pushstring(L, mmsim_preset_description(i));
		lua_setfield(L, -2, "description");
		lua_rawseti(L, -2, (lua_Integer)i + 1);
	}
	return 1;
}

/* Push an array of the strings at(0), at(1), ... */
static int push_names(lua_State *L, const char *(*at)(size_t))
{
	lua_newtable(L);
	for (size_t i = 0; at(i); i++) {
		lua_pushstring(L, at(i));
		lua_rawseti(L, -2, (lua_Integer)i + 1);
	}
	return 1;
}
static int l_config_keys(lua_State *L) { return push_names(L, mmsim_config_key); }
static int l_sysctls(lua_State *L) { return push_names(L, mmsim_sysctl_name); }

/* The files the module reads as binary, with mmsim_proc_pread (lalloc.c,
 * lprocess.c): m:proc refuses them. */
static bool binary_file(const char *path)
{
	static const char *const binary[] = { "/proc/kpagecount", "/proc/kpageflags", "/proc/<pid>/pagemap" };
	for (size_t i = 0; i < ARRAY_SIZE(binary); i++)
		if (!strcmp(path, binary[i]))
			return true;
	return false;
}

/* mmsim.proc_paths() → the paths m:proc serves, and
 * { {path=, kind="binary" | "process", method="m:kpagecount"}, ... } for
 * the other files of the simulated /proc. */
static int l_proc_paths(lua_State *L)
{
	lua_newtable(L);
	lua_newtable(L);
	for (size_t i = 0; mmsim_proc_path(i); i++) {
		const char *path = mmsim_proc_path(i), *base = strrchr(path, '/') + 1;
		bool process = strstr(path, "/<pid>/") != NULL;
		if (!process && !binary_file(path)) {
			lua_pushstring(L, path);
			lua_rawseti(L, -3, (lua_Integer)lua_rawlen(L, -3) + 1);
			continue;
		}
		lua_createtable(L, 0, 3);
		lua_pushstring(L, path);
		lua_setfield(L, -2, "path");
		lua_pushstring(L, process ? "process" : "binary");
		lua_setfield(L, -2, "kind");
		lua_pushfstring(L, "%c:%s", process ? 'p' : 'm', base);
		lua_setfield(L, -2, "method");
		lua_rawseti(L, -2, (lua_Integer)lua_rawlen(L, -2) + 1);
	}
	return 2;
}

/* mmsim.flags(kind, text) → integer; mmsim.flags(kind, integer) → text */
static int l_flags(lua_State *L)
{
	const char *kind = lmmsim_checkstring(L, 1);
	unsigned long none;
	char why[200];
	if (mmsim_parse_flags(kind, "", &none, why, sizeof why))
		return luaL_error(L, "mmsim.flags: %s", why);
	if (lua_type(L, 2) == LUA_TNUMBER) {
		char buf[256];
		mmsim_format_flags(kind, (unsigned long)luaL_checkinteger(L, 2), buf, sizeof buf);
		lua_pushstring(L, buf);
		return 1;
	}
	lua_pushinteger(L, (lua_Integer)lmmsim_check_flags(L, 2, kind, "mmsim.flags"));
	return 1;
}

static const luaL_Reg module_functions[] = {
	{ "machine", l_machine }, { "presets", l_presets }, { "config_keys", l_config_keys },
	{ "sysctls", l_sysctls }, { "proc_paths", l_proc_paths }, { "flags", l_flags }, { NULL, NULL },
};

/* See lmmsim.h. */
int luaopen_mmsim(lua_State *L)
{
	lua_newtable(L);
	lua_rawsetp(L, LUA_REGISTRYINDEX, &machines_key);
	if (luaL_newmetatable(L, LMMSIM_MACHINE)) {
		luaL_newlibtable(L, machine_methods);
		luaL_setfuncs(L, machine_methods, 0);
		luaL_setfuncs(L, lmmsim_alloc_methods, 0);
		luaL_setfuncs(L, lmmsim_trace_methods, 0);
		luaL_setfuncs(L, lmmsim_seg_machine_methods, 0);
		luaL_setfuncs(L, lmmsim_vm_machine_methods, 0);
		lua_setfield(L, -2, "__index");
		lua_pushcfunction(L, m_close);
		lua_setfield(L, -2, "__gc");
		lua_pushcfunction(L, m_close);
		lua_setfield(L, -2, "__close");
		lua_pushcfunction(L, m_tostring);
		lua_setfield(L, -2, "__tostring");
	}
	lua_pop(L, 1);
	lmmsim_open_process(L);
	lmmsim_open_alloc(L);
	lmmsim_open_state(L);
	lmmsim_open_vm(L);
	luaL_newlib(L, module_functions);
	lmmsim_open_host(L);
	lmmsim_open_trace(L);
	lua_pushstring(L, mmsim_version());
	lua_setfield(L, -2, "version");
	return 1;
}
