/*
 * cli/shell.c — `mmsim shell`: an interactive Lua REPL with the module
 * `mmsim`, line editing and history (libedit), completion (complete.c) and
 * help(). Expressions print their values; a statement left open continues
 * on the next line, as the lua command does, and is one history entry.
 * Ctrl-C stops the statement running, through a hook (as lua -i does), or
 * abandons the line being typed: libedit's callback interface reads the
 * keyboard while the shell polls it and a pipe the SIGINT handler writes,
 * so that no Ctrl-C is lost between two reads. Fed from a pipe it reads
 * plain lines and prints no prompt.
 */
#include "cli_lua.h"
#include "common.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <readline.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define HISTORY_MAX 1000

static lua_State *shell_L;                /* for completion and the SIGINT handler */

static const char help_text[] =
	"mmsim shell: Lua 5.4 with the module `mmsim`.\n"
	"  m = mmsim.machine{preset=\"teaching\", ram=\"64M\"}   a machine (mmsim.presets())\n"
	"  p = m:spawn{name=\"demo\"}                         a process\n"
	"  a = p:mmap{len=4096, prot=\"rw\"}                  system calls, errno on failure\n"
	"  p:write(a, \"hello\")  p:read(a, 5)  p:touch(a, 4096, \"w\")\n"
	"  m:explain(true)                                 narrate every step from now on\n"
	"  print(p:maps())  p:stats()  m:stats()  m:proc(\"/proc/buddyinfo\")\n"
	"  help(\"process\"), help(\"machine\"), help(\"module\"): the methods of each.\n"
	"Tab completes names (p:<Tab>: p's methods); Ctrl-C stops a statement;\n"
	"Ctrl-D leaves. docs/lua-api.md has the reference.\n";

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
		while (i < ARRAY_SIZE(topics) && strcmp(topics[i].topic, topic))
			i++;
		if (i == ARRAY_SIZE(topics))
			return luaL_error(L, "help: topics are \"module\", \"machine\", \"process\", \"cache\"");
		lmmsim_push_names(L, topics[i].kind, false);
	}
	int names = lua_gettop(L);
	for (lua_Integer i = 1; lua_rawgeti(L, names, i) != LUA_TNIL; i++, lua_pop(L, 1))
		printf("  %s%s\n", strcmp(topic, "module") ? ":" : "mmsim.", lua_tostring(L, -1));
	return 0;
}

static int word_start;                    /* of the word being completed */

/* The generator of rl_completion_matches: the names cli_complete finds. */
static char *complete_name(const char *text, int state)
{
	static char **names;
	static size_t next;
	if (!state) {
		for (size_t i = 0; names && names[i]; i++)
			free(names[i]);
		free(names);
		names = cli_complete(shell_L, rl_line_buffer, word_start, text);
		next = 0;
	}
	return names && names[next] ? strdup(names[next++]) : NULL;
}

/* libedit hands over the word under the cursor, split at '.' and ':', and
 * where it starts; cli_complete looks at what precedes it. */
static char **complete(const char *text, int start, int end)
{
	(void)end;
	word_start = start;
	rl_completion_append_character = '\0';
	return rl_completion_matches(text, complete_name);
}

/* ---- Ctrl-C ------------------------------------------------------------------------- */

static volatile sig_atomic_t running;      /* a chunk runs: Ctrl-C stops it */
static int interrupt_pipe[2] = { -1, -1 }; /* Ctrl-C otherwise: a byte to read */
static bool interrupted;                   /* the line being typed was abandoned */

/* SIGINT: stop the chunk running (at its next instruction, as lua -i
 * does), or abandon the line being typed (the reader polls the pipe, so
 * that a Ctrl-C at any moment of reading is seen). */
static void on_sigint(int sig)
{
	int saved = errno;
	(void)sig;
	if (running) {
		cli_lua_interrupt(shell_L);
	} else if (write(interrupt_pipe[1], "", 1) < 0) {
		/* the pipe is full: a Ctrl-C is pending already */
	}
	errno = saved;
}

/* Was Ctrl-C pressed (a byte in the pipe, taken)? */
static bool take_interrupt(void)
{
	char c;
	struct pollfd p = { .fd = interrupt_pipe[0], .events = POLLIN };
	return poll(&p, 1, 0) == 1 && read(interrupt_pipe[0], &c, 1) == 1;
}

/* ---- reading ------------------------------------------------------------------------- */

static char *tty_line;                     /* the line libedit handed over */
static bool tty_done;

static void got_line(char *line)
{
	tty_line = line;
	tty_done = true;
	rl_callback_handler_remove();
}

/* A line typed at the terminal, edited with libedit's callback interface
 * while polling the keyboard and the interrupt pipe: NULL at the end of
 * input, or when Ctrl-C abandoned it (interrupted set). */
static char *read_tty_line(const char *prompt)
{
	tty_line = NULL;
	tty_done = false;
	rl_callback_handler_install(prompt, got_line);
	while (!tty_done) {
		struct pollfd p[2] = { { .fd = 0, .events = POLLIN }, { .fd = interrupt_pipe[0], .events = POLLIN } };
		if (poll(p, 2, -1) < 0 && errno != EINTR)
			break;
		if (take_interrupt()) {
			interrupted = true;
			break;
		}
		if (p[0].revents & POLLIN)
			rl_callback_read_char();
		else if (p[0].revents & (POLLHUP | POLLERR | POLLNVAL))
			break;
	}
	if (!tty_done) {
		rl_replace_line("", 0);
		rl_callback_handler_remove();
	}
	return tty_line;
}

/* One line of input (malloc'd), NULL at the end or when Ctrl-C abandoned it
 * (interrupted is set then). Fed from a pipe, a plain line. */
static char *read_line(bool tty, const char *prompt)
{
	interrupted = false;
	if (tty)
		return read_tty_line(prompt);
	size_t cap = 0;
	char *line = NULL;
	ssize_t n = getline(&line, &cap, stdin);
	if (n < 0) {
		free(line);
		interrupted = errno == EINTR && take_interrupt();
		clearerr(stdin);
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

/* Read a statement: a line, and more lines while it is unfinished. Leaves
 * its compiled chunk or its error on the stack and returns the status of
 * compiling it; *code is the statement (malloc'd), NULL at the end of input
 * or when Ctrl-C abandoned it (then nothing is left on the stack). */
static int read_statement(lua_State *L, bool tty, char **code)
{
	int status;
	*code = read_line(tty, "mmsim> ");
	if (!*code)
		return LUA_OK;
	while (incomplete(L, status = compile(L, *code))) {
		char *more = read_line(tty, "   >> ");
		if (!more && interrupted) {
			lua_pop(L, 1);
			free(*code);
			*code = NULL;
			return LUA_OK;
		}
		if (!more)
			break;        /* the end of input: report the open statement */
		lua_pop(L, 1);
		char *joined = malloc(strlen(*code) + strlen(more) + 2);
		if (!joined) {
			free(more);
			break;
		}
		sprintf(joined, "%s\n%s", *code, more);
		free(*code);
		free(more);
		*code = joined;
	}
	return status;
}

/* ---- running ------------------------------------------------------------------------- */

/* Run the chunk compiled at the top of the stack and print its values
 * with print(), or the error ("interrupted" after Ctrl-C). False when it
 * called os.exit (its code in *code). */
static bool run_chunk(lua_State *L, int *code)
{
	int base = lua_gettop(L) - 1;
	running = 1;
	int status = cli_lua_call(L, 0, LUA_MULTRET, false, code);
	if (status == LUA_OK && lua_gettop(L) > base) {
		lua_getglobal(L, "print");
		lua_insert(L, base + 1);
		status = cli_lua_call(L, lua_gettop(L) - base - 1, 0, false, code);
	}
	running = 0;
	lua_sethook(L, NULL, 0, 0);       /* a Ctrl-C that came as the chunk ended */
	if (status == CLI_LUA_EXIT)
		return false;
	if (status != LUA_OK) {
		fprintf(stderr, "%s\n", lua_tostring(L, -1));
		lua_pop(L, 1);
	}
	return true;
}

/* The history file: $MMSIM_HISTORY (none when empty), else
 * ~/.mmsim_history; NULL for none. */
static char *history_path(void)
{
	const char *env = getenv("MMSIM_HISTORY"), *home = getenv("HOME");
	if (env)
		return *env ? strdup(env) : NULL;
	if (!home)
		return NULL;
	char *p = malloc(strlen(home) + 32);
	if (p)
		sprintf(p, "%s/.mmsim_history", home);
	return p;
}

/* Read, compile (continuing open statements), run, print: until EOF
 * (returns 0) or os.exit (returns its code). Each statement, all its lines
 * as one entry, goes to the history, and the history file is rewritten
 * (hist, when not NULL), so that it survives however the shell ends. */
static int repl(lua_State *L, bool tty, const char *hist)
{
	for (;;) {
		char *code;
		int status = read_statement(L, tty, &code);
		if (!code && interrupted) {
			fputs(tty ? "\n" : "", stdout);
			continue;
		}
		if (!code)
			break;
		if (tty && *code) {
			add_history(code);
			if (hist)
				write_history(hist);
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
	shell_L = L;
	struct sigaction sa = { .sa_handler = on_sigint }, old;
	sigemptyset(&sa.sa_mask);
	if (pipe2(interrupt_pipe, O_CLOEXEC | O_NONBLOCK) == 0)
		sigaction(SIGINT, &sa, &old);     /* no SA_RESTART: a read stops */
	bool tty = isatty(0);
	char *hist = tty ? history_path() : NULL;
	if (tty) {
		rl_readline_name = "mmsim";
		rl_catch_signals = 0;
		rl_attempted_completion_function = complete;
		rl_basic_word_break_characters = " \t\n\"\\'`@$><=;|&{(,.:[+-*/%^~#";
		stifle_history(HISTORY_MAX);
		if (hist)
			read_history(hist);
		printf("mmsim %s shell (Lua 5.4); help() for help, Ctrl-C stops a statement, Ctrl-D leaves\n",
		       mmsim_version());
	}
	int rc = repl(L, tty, hist);
	free(hist);
	if (interrupt_pipe[0] >= 0) {
		sigaction(SIGINT, &old, NULL);
		close(interrupt_pipe[0]);
		close(interrupt_pipe[1]);
	}
	return cli_lua_finish(cli, L, rc);
}
