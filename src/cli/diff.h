/*
 * cli/diff.h — what `mmsim diff`'s files share. A script runs twice, once
 * on simulated machines and once on host machines; a recorder in each Lua
 * state writes down every operation (its call and result in a form that
 * does not depend on absolute addresses or pids, and the page faults it
 * took) and, at checkpoints and at the end, the state of the script's
 * memory. The two records are then compared.
 */
#ifndef MMSIM_CLI_DIFF_H
#define MMSIM_CLI_DIFF_H

#include "cli.h"

#include <jansson.h>
#include <lua.h>
#include <stdbool.h>

enum diff_side { DIFF_SIM, DIFF_HOST };

#define DIFF_ALL 1                     /* cli->flags: print every operation */

/* One run's record. */
struct diff_run {
	enum diff_side side;
	json_t *ops;                   /* [{n, where, call, result, minflt, majflt, expect}] */
	json_t *states;                /* [{name, after, expect, processes: {P1: [vma...]}}] */
	char *error;                   /* the script's error, or NULL */
	char skip[256];                /* why the script cannot run on both sides */
};

/* diff_record.c: install the recorder in L (after the module is loaded):
 * mmsim.machine builds machines of run->side with the host's settings
 * applied, and every operation is written to run. */
struct diff_recorder;
struct diff_recorder *diff_recorder_install(lua_State *L, struct diff_run *run,
					    const struct mmsim_host_settings *host);
/* The state at the end of the script (after it returned or failed). */
void diff_recorder_finish(lua_State *L, struct diff_recorder *r);
void diff_recorder_free(struct diff_recorder *r);

/* diff_report.c: compare the runs, print the report, fill *json (a new
 * object). Returns the number of unexpected differences. */
int diff_compare(const char *script, const struct mmsim_host_settings *host, struct diff_run *sim,
		 struct diff_run *hst, int flags, json_t **json);

#endif
