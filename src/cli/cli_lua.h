/* cli/cli_lua.h — the Lua state behind `mmsim run`, `explain`, `shell` and
 * `diff` (cli_lua.c). */
#ifndef MMSIM_CLI_CLI_LUA_H
#define MMSIM_CLI_CLI_LUA_H

#include <stdbool.h>

#include "cli.h"
#include "lua/lmmsim.h"

/* A Lua state with the standard libraries and the global `mmsim`, whose
 * machines follow cli's --machine and -o (explain: narrated from the
 * start) and, with --json, are kept until the end for the report;
 * os.exit ends the script (cli_lua_call), not the command. d must outlive
 * the state. NULL after printing why. */
lua_State *cli_lua_new(struct cli *cli, struct lmmsim_defaults *d, bool explain);

/* The global `arg` of script argv[0] with its arguments argv[1..argc-1],
 * as the lua command makes it. */
void cli_lua_args(lua_State *L, int argc, char **argv);

#define CLI_LUA_EXIT (-1)   /* cli_lua_call: the script called os.exit */

/* lua_pcall of the function below the nargs arguments at the top of L,
 * with a traceback added to an error's message when asked. Returns
 * LUA_OK (nresults results in the function's place), a Lua error status
 * (the message in its place), or CLI_LUA_EXIT when the script called
 * os.exit: nothing left on the stack, the script's exit code in *code. */
int cli_lua_call(lua_State *L, int nargs, int nresults, bool with_traceback, int *code);

/* Stop the chunk running in L at its next instruction with the error
 * "interrupted" (for a SIGINT handler: it only sets a hook). */
void cli_lua_interrupt(lua_State *L);

/* The completions of text, the word that starts at offset start of line:
 * globals, or after "expr." or "expr:" the fields or methods of the value
 * expr (a name or dotted names) has in L, looked up without running code
 * (complete.c). A malloc'd NULL-terminated array of malloc'd strings, or
 * NULL for none. */
char **cli_complete(lua_State *L, const char *line, int start, const char *text);

/* Write --json for the script's machines, close L; returns rc, or 1 when
 * rc was 0 and the report failed. */
int cli_lua_finish(struct cli *cli, lua_State *L, int rc);

#endif
