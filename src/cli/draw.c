/*
 * cli/draw.c — `mmsim draw WHAT [OPTIONS] [SCRIPT.lua [ARGS]]`: run the
 * script (if any) on the machines the command line describes, then draw
 * WHAT of the newest machine it built (or of a fresh one) as SVG or text,
 * through the module's m:draw (src/lua/lstate.c, src/draw). For "plot" the
 * script returns the series: a table as m:draw's opts.series, or a table
 * with series= (and x=, xlabel=, ylabel=, title=).
 */
#include "cli.h"

#include "cli_lua.h"
#include "common.h"

#include <errno.h>
#include <stddef.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* What the command line asked beyond the common options (one command per
 * process: cli_draw_option fills it as the options are parsed). */
static struct draw_args {
	const char *what;
	const char *pending;           /* an option waiting for its value */
	const char *addr, *access, *pid, *core, *start, *end, *title, *columns;
	int text;
	char bad[160];                 /* the first bad option, said by cli_draw */
} o;

/* The place of a value option's value in o, or NULL for another option. */
static const char **value_slot(const char *name)
{
	static const struct { const char *name; size_t off; } opts[] = {
		{ "--addr", offsetof(struct draw_args, addr) },       { "--access", offsetof(struct draw_args, access) },
		{ "--pid", offsetof(struct draw_args, pid) },         { "--core", offsetof(struct draw_args, core) },
		{ "--start", offsetof(struct draw_args, start) },     { "--end", offsetof(struct draw_args, end) },
		{ "--title", offsetof(struct draw_args, title) },     { "--columns", offsetof(struct draw_args, columns) },
	};
	for (size_t i = 0; i < ARRAY_SIZE(opts); i++)
		if (!strcmp(name, opts[i].name))
			return (const char **)((char *)&o + opts[i].off);
	return NULL;
}

/* See cli.h: --addr A, --access K, --pid N, --core N, --start A, --end A,
 * --title T, --columns N (or --NAME=V), --text, and WHAT, the first word. */
int cli_draw_option(struct cli *cli, const char *arg)
{
	(void)cli;
	if (o.pending) {
		*value_slot(o.pending) = arg;
		o.pending = NULL;
		return 1;
	}
	if (!strcmp(arg, "--text")) {
		o.text = 1;
		return 1;
	}
	const char *eq = strchr(arg, '=');
	char name[16];
	if (!strncmp(arg, "--", 2) && eq && (size_t)(eq - arg) < sizeof name) {
		snprintf(name, sizeof name, "%.*s", (int)(eq - arg), arg);
		const char **slot = value_slot(name);
		if (slot) {
			*slot = eq + 1;
			return 1;
		}
	}
	const char **slot = value_slot(arg);
	if (slot) {
		o.pending = arg;
		return 1;
	}
	if (!o.what && arg[0] != '-') {
		o.what = arg;
		return 1;
	}
	return 0;
}

/* The number s (decimal or 0x hexadecimal) in *v; false after recording
 * why it is not one. */
static bool parse_number(const char *opt, const char *s, unsigned long long *v)
{
	char *end;
	errno = 0;
	*v = strtoull(s, &end, 0);
	if (!*s || *end || errno || *s == '-') {
		snprintf(o.bad, sizeof o.bad, "%s: '%s' is not a number (decimal, or 0x... hexadecimal)", opt, s);
		return false;
	}
	return true;
}

/* Set opts[key] (the table at the top) to the number s; false after
 * recording why it is not one. */
static bool set_integer(lua_State *L, const char *key, const char *opt, const char *s)
{
	unsigned long long v;
	if (!parse_number(opt, s, &v))
		return false;
	lua_pushinteger(L, (lua_Integer)v);
	lua_setfield(L, -2, key);
	return true;
}

/* Push m:draw's options from the command line, and for a plot the fields
 * of the script's result (at index ret, 0 for none). false after recording
 * why one is bad. */
static bool push_opts(lua_State *L, int ret)
{
	lua_newtable(L);
	const struct { const char *key, *opt, *val; } ints[] = {
		{ "addr", "--addr", o.addr }, { "pid", "--pid", o.pid },       { "core", "--core", o.core },
		{ "start", "--start", o.start }, { "end", "--end", o.end }, { "columns", "--columns", o.columns },
	};
	for (size_t i = 0; i < ARRAY_SIZE(ints); i++)
		if (ints[i].val && !set_integer(L, ints[i].key, ints[i].opt, ints[i].val))
			return false;
	if (o.access) {
		lua_pushstring(L, o.access);
		lua_setfield(L, -2, "access");
	}
	if (o.title) {
		lua_pushstring(L, o.title);
		lua_setfield(L, -2, "title");
	}
	lua_pushstring(L, o.text ? "text" : "svg");
	lua_setfield(L, -2, "format");
	if (ret && lua_istable(L, ret)) {
		lua_getfield(L, ret, "series");
		bool whole = lua_istable(L, -1);
		lua_pop(L, 1);
		if (!whole) {
			lua_pushvalue(L, ret);
			lua_setfield(L, -2, "series");
		} else {
			static const char *const keys[] = { "series", "x", "xlabel", "ylabel", "title" };
			for (size_t i = 0; i < ARRAY_SIZE(keys); i++) {
				lua_getfield(L, ret, keys[i]);
				lua_setfield(L, -2, keys[i]);
			}
		}
	}
	return true;
}

/* Write the picture (at the top of L) to --output or standard output.
 * 0, or 1 after printing why. */
static int write_out(struct cli *cli, lua_State *L)
{
	size_t len;
	const char *s = lua_tolstring(L, -1, &len);
	FILE *f = cli->output ? fopen(cli->output, "w") : stdout;
	if (!f) {
		fprintf(stderr, "mmsim draw: -o %s: %s\n", cli->output, strerror(errno));
		return 1;
	}
	bool ok = fwrite(s, 1, len, f) == len;
	ok = (f == stdout ? fflush(f) == 0 : fclose(f) == 0) && ok;
	if (!ok) {
		fprintf(stderr, "mmsim draw: cannot write %s\n", cli->output ? cli->output : "the picture");
		return 1;
	}
	return 0;
}

/* Run the script argv[0] with its arguments; its first result stays at
 * the top (nil without a script). 0, or the command's exit code. */
static int run(lua_State *L, int argc, char **argv)
{
	if (argc < 1) {
		lua_pushnil(L);
		return 0;
	}
	cli_lua_args(L, argc, argv);
	if (luaL_loadfile(L, strcmp(argv[0], "-") ? argv[0] : NULL) != LUA_OK) {
		fprintf(stderr, "mmsim draw: %s\n", lua_tostring(L, -1));
		return 1;
	}
	for (int i = 1; i < argc; i++)
		lua_pushstring(L, argv[i]);
	int rc = 0, status = cli_lua_call(L, argc - 1, 1, true, &rc);
	if (status == CLI_LUA_EXIT) {
		if (rc)
			return rc;
		lua_pushnil(L);
	} else if (status != LUA_OK) {
		fflush(stdout);
		fprintf(stderr, "mmsim draw: %s\n", lua_tostring(L, -1));
		return 1;
	}
	return 0;
}

/* Draw o.what of the newest machine (a fresh one when the script built
 * none) with the options; the script's result at index ret. */
static int draw_it(struct cli *cli, lua_State *L, int ret)
{
	lmmsim_push_last_machine(L);
	if (lua_isnil(L, -1)) {
		lua_pop(L, 1);
		lua_getglobal(L, "mmsim");
		lua_getfield(L, -1, "machine");
		lua_remove(L, -2);
		lua_newtable(L);
		int rc = 0;
		if (cli_lua_call(L, 1, 1, false, &rc) != LUA_OK) {
			fprintf(stderr, "mmsim draw: %s\n", lua_tostring(L, -1));
			return 1;
		}
	}
	int machine = lua_gettop(L);
	lua_getfield(L, machine, "draw");
	lua_pushvalue(L, machine);
	lua_pushstring(L, o.what);
	if (!push_opts(L, ret)) {
		fprintf(stderr, "mmsim draw: %s\n", o.bad);
		return 2;
	}
	int rc = 0, status = cli_lua_call(L, 3, 3, false, &rc);
	if (status != LUA_OK) {
		const char *msg = lua_tostring(L, -1);
		msg = msg ? msg : "failed";
		fprintf(stderr, "mmsim draw: %s\n", strncmp(msg, "draw: ", 6) ? msg : msg + 6);
		return 2;       /* m:draw raises for an unknown picture or a bad option */
	}
	if (lua_isnil(L, -3)) {
		fprintf(stderr, "mmsim draw: %s (%s)\n", lua_tostring(L, -1), lua_tostring(L, -2));
		return 1;
	}
	lua_pop(L, 2);
	return write_out(cli, L);
}

/* See cli.h. */
int cli_draw(struct cli *cli, int argc, char **argv)
{
	if (o.pending)
		return fprintf(stderr, "mmsim draw: %s wants a value\nusage: %s", o.pending, cli->usage), 2;
	if (!o.what)
		return cli_missing(cli, "picture", "pagetable, walk, vmas, physmem, buddy, tlb or plot");
	const char *const numbers[][2] = { { "--addr", o.addr }, { "--pid", o.pid },     { "--core", o.core },
					   { "--start", o.start }, { "--end", o.end }, { "--columns", o.columns } };
	for (size_t i = 0; i < ARRAY_SIZE(numbers); i++) {
		unsigned long long v;
		if (numbers[i][1] && !parse_number(numbers[i][0], numbers[i][1], &v))
			return fprintf(stderr, "mmsim draw: %s\n", o.bad), 2;
	}
	struct lmmsim_defaults d;
	lua_State *L = cli_lua_new(cli, &d, false);
	if (!L)
		return 1;
	d.report = true;        /* keep the script's machines: the newest is drawn */
	int rc = run(L, argc, argv);
	if (!rc)
		rc = draw_it(cli, L, lua_gettop(L));
	return cli_lua_finish(cli, L, rc);
}
