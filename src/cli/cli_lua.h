/* cli/cli_lua.h — the Lua state behind `mmsim run`, `explain` and `shell`. */
#ifndef MMSIM_CLI_CLI_LUA_H
#define MMSIM_CLI_CLI_LUA_H

#include <stdbool.h>

#include "cli.h"
#include "lua/lmmsim.h"

/* A Lua state with the standard libraries and the global `mmsim`, whose
 * machines follow cli's --machine and -o (explain: narrated from the
 * start) and, with --json, are kept until the end for the report. d must
 * outlive the state. NULL after printing why. */
lua_State *cli_lua_new(struct cli *cli, struct lmmsim_defaults *d, bool explain);

/* Write --json for the script's machines, close L; returns rc, or 1 when
 * rc was 0 and the report failed. */
int cli_lua_finish(struct cli *cli, lua_State *L, int rc);

#endif
