/*
 * cli/shell.c — `mmsim shell`: an interactive Lua REPL with the module
 * `mmsim`, line editing and history (libedit), completion of mmsim's
 * functions and methods, and help(). Expressions print their values; a
 * statement left open continues on the next line, as the lua command does.
 * Fed from a pipe it reads plain lines and prints no prompt.
 */
#include "cli_lua.h"

#include <readline.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define HISTORY_MAX 1000

static lua_State *shell_L;                /* for the completion callback */

static const char help_text[] =
	"mmsim shell: Lua 5.4 with the module `mmsim`.\n"
	"  m = mmsim.machine{preset=\"teaching\", ram=\"64M\"}   a machine (mmsim.presets())\n"
	"  p = m:spawn{name=\"demo\"}                         a process\n"
	"  a = p:mmap{len=4096, prot=\"rw\"}                  system calls, errno on failure\n"
	"  p:write(a, \"hello\")  p:read(a, 5)  p:touch(a, 4096, \"w\")\n"
	"  m:explain(true)                                 narrate every step from now on\n"
	"  print(p:maps())  p:stats()  m:stats()  m:proc(\"/proc/buddyinfo\")\n"
	"  help(\"process\"), help(\"machine\"), help(\"module\"): the methods of each.\n"
	"Tab completes names; Ctrl-D leaves. docs/lua-api.md has the reference.\n";

/* help([topic]) */
static int l_help(lua_State *L)
{
	static const struct { const char *topic; enum lmmsim_kind kind; } topics[] = {
		{ "machine", LMMSIM_KIND_MACHINE }, { "process", LMMSIM_KIND_PROCESS }, { "cache", LMMSIM_KIND_CACHE },
	};
	const char *topic = luaL_optstring(L, 1, NULL);
	if (!topic) {
		fputs(help_text, stdout);
		return 0;
	}
	if (!strcmp(topic, "module")) {
		lua_newtable(L);
		int names = lua_gettop(L);
		lua_getglobal(L, "mmsim");
		for (lua_pushnil(L); lua_next(L, -2); lua_pop(L, 1))
			if (lua_type(L, -2) == LUA_TSTRING && lua_tostring(L, -2)[0] != '_') {
				lua_pushvalue(L, -2);
				lua_rawseti(L, names, (lua_Integer)lua_rawlen(L, names) + 1);
			}
		lua_pop(L, 1);
		lua_getglobal(L, "table");
		lua_getfield(L, -1, "sort");
		lua_pushvalue(L, names);
		lua_call(L, 1, 0);
		lua_pop(L, 1);
	} else {
		size_t i = 0;
		while (i < sizeof topics / sizeof topics[0] && strcmp(topics[i].topic, topic))
			i++;
		if (i == sizeof topics / sizeof topics[0])
			return luaL_error(L, "help: topics are \"module\", \"machine\", \"process\", \"cache\"");
		lmmsim_push_names(L, topics[i].kind, false);
	}
	int names = lua_gettop(L);
	for (lua_Integer i = 1; lua_rawgeti(L, names, i) != LUA_TNIL; i++, lua_pop(L, 1))
		printf("  %s%s\n", strcmp(topic, "module") ? ":" : "mmsim.", lua_tostring(L, -1));
	return 0;
}

/* Add k to the candidates when it starts with prefix (n bytes). */
static void add_name(const char *k, const char *prefix, size_t n, char ***out, size_t *count, size_t *cap)
{
	if (strncmp(k, prefix, n) || k[0] == '_')
		return;
	if (*count + 1 >= *cap) {
		*cap = *cap ? 2 * *cap : 64;
		*out = realloc(*out, *cap * sizeof **out);
	}
	(*out)[(*count)++] = strdup(k);
}

/* Add the string keys of the table at the top starting with prefix. */
static void collect(lua_State *L, const char *prefix, size_t n, char ***out, size_t *count, size_t *cap)
{
	if (!lua_istable(L, -1))
		return;
	for (lua_pushnil(L); lua_next(L, -2); lua_pop(L, 1))
		if (lua_type(L, -2) == LUA_TSTRING)
			add_name(lua_tostring(L, -2), prefix, n, out, count, cap);
}

/* Add the strings of the array at the top starting with prefix. */
static void collect_values(lua_State *L, const char *prefix, size_t n, char ***out, size_t *count, size_t *cap)
{
	for (lua_Integer i = 1; lua_rawgeti(L, -1, i) == LUA_TSTRING; i++, lua_pop(L, 1))
		add_name(lua_tostring(L, -1), prefix, n, out, count, cap);
	lua_pop(L, 1);
}

/* Candidate completions of text: globals, the module's functions and
 * every object method, whatever precedes the '.' or ':'. */
static char *complete_name(const char *text, int state)
{
	static char **names;
	static size_t count, next;
	if (!state) {
		size_t cap = 0, n = strlen(text);
		for (size_t i = 0; i < count; i++)
			free(names[i]);
		free(names);
		names = NULL;
		count = next = 0;
		lua_State *L = shell_L;
		lua_pushglobaltable(L);
		collect(L, text, n, &names, &count, &cap);
		lua_getfield(L, -1, "mmsim");
		collect(L, text, n, &names, &count, &cap);
		lua_pop(L, 2);
		for (int k = LMMSIM_KIND_MACHINE; k <= LMMSIM_KIND_CACHE; k++) {
			lmmsim_push_names(L, (enum lmmsim_kind)k, false);
			collect_values(L, text, n, &names, &count, &cap);
			lua_settop(L, 0);
		}
	}
	return next < count ? strdup(names[next++]) : NULL;
}

/* libedit hands over the word under the cursor, split at '.' and ':'. */
static char **complete(const char *text, int start, int end)
{
	(void)start;
	(void)end;
	rl_completion_append_character = '\0';
	return rl_completion_matches(text, complete_name);
}

/* One line of input (malloc'd), NULL at the end. */
static char *read_line(bool tty, const char *prompt)
{
	if (tty)
		return readline(prompt);
	size_t cap = 0;
	char *line = NULL;
	ssize_t n = getline(&line, &cap, stdin);
	if (n < 0) {
		free(line);
		return NULL;
	}
	if (n && line[n - 1] == '\n')
		line[n - 1] = 0;
	return line;
}

/* Is the chunk's syntax error only that it is not finished yet? */
static bool incomplete(lua_State *L, int status)
{
	if (status != LUA_ERRSYNTAX)
		return false;
	size_t len;
	const char *msg = lua_tolstring(L, -1, &len);
	return len >= 5 && !strcmp(msg + len - 5, "<eof>");
}

/* Compile code, as an expression whose values are printed when it is one. */
static int compile(lua_State *L, const char *code)
{
	const char *ret = lua_pushfstring(L, "return %s;", code);
	int status = luaL_loadbuffer(L, ret, strlen(ret), "=stdin");
	lua_remove(L, -2);
	if (status == LUA_OK)
		return status;
	lua_pop(L, 1);
	return luaL_loadbuffer(L, code, strlen(code), "=stdin");
}

/* Run the chunk compiled at the top of the stack and print its values
 * with print(), or the error. False when it called os.exit (its code in
 * *code). */
static bool run_chunk(lua_State *L, int *code)
{
	int base = lua_gettop(L) - 1;
	int status = cli_lua_call(L, 0, LUA_MULTRET, false, code);
	if (status == LUA_OK && lua_gettop(L) > base) {
		lua_getglobal(L, "print");
		lua_insert(L, base + 1);
		status = cli_lua_call(L, lua_gettop(L) - base - 1, 0, false, code);
	}
	if (status == CLI_LUA_EXIT)
		return false;
	if (status != LUA_OK) {
		fprintf(stderr, "%s\n", lua_tostring(L, -1));
		lua_pop(L, 1);
	}
	return true;
}

/* Read, compile (continuing open statements), run, print: until EOF
 * (returns 0) or os.exit (returns its code). */
static int repl(lua_State *L, bool tty)
{
	char *line;
	while ((line = read_line(tty, "mmsim> "))) {
		char *code = strdup(line);
		int status;
		if (tty && *line)
			add_history(line);
		free(line);
		while (incomplete(L, status = compile(L, code))) {
			char *more = read_line(tty, "   >> ");
			if (!more)
				break;        /* the end of input: report the open statement */
			lua_pop(L, 1);
			if (tty && *more)
				add_history(more);
			char *joined = malloc(strlen(code) + strlen(more) + 2);
			sprintf(joined, "%s\n%s", code, more);
			free(code);
			free(more);
			code = joined;
		}
		free(code);
		int exit_code;
		if (status == LUA_OK && !run_chunk(L, &exit_code))
			return exit_code;
		if (status != LUA_OK) {
			fprintf(stderr, "%s\n", lua_tostring(L, -1));
			lua_pop(L, 1);
		}
		fflush(stdout);
	}
	if (tty)
		putchar('\n');
	return 0;
}

/* ~/.mmsim_history, or NULL without a home. */
static char *history_path(void)
{
	const char *home = getenv("HOME");
	if (!home)
		return NULL;
	char *p = malloc(strlen(home) + 32);
	sprintf(p, "%s/.mmsim_history", home);
	return p;
}

/* See cli.h. */
int cli_shell(struct cli *cli, int argc, char **argv)
{
	struct lmmsim_defaults d;
	(void)argv;
	if (argc > 0) {
		fprintf(stderr, "mmsim shell: no arguments expected (scripts go to mmsim run)\n");
		return 2;
	}
	lua_State *L = cli_lua_new(cli, &d, false);
	if (!L)
		return 1;
	lua_register(L, "help", l_help);
	bool tty = isatty(0);
	char *hist = tty ? history_path() : NULL;
	if (tty) {
		shell_L = L;
		rl_readline_name = "mmsim";
		rl_attempted_completion_function = complete;
		rl_basic_word_break_characters = " \t\n\"\\'`@$><=;|&{(,.:[+-*/%^~#";
		stifle_history(HISTORY_MAX);
		if (hist)
			read_history(hist);
		printf("mmsim %s shell (Lua 5.4); help() for help, Ctrl-D to leave\n", mmsim_version());
	}
	int rc = repl(L, tty);
	if (hist) {
		write_history(hist);
		free(hist);
	}
	return cli_lua_finish(cli, L, rc);
}
