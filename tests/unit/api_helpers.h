/* tests/unit/api_helpers.h — machines for tests of the public API. */
#ifndef MMSIM_TEST_API_HELPERS_H
#define MMSIM_TEST_API_HELPERS_H

#include "mmsim.h"

/* A machine of the default preset with 256 MiB of RAM and, when key is not
 * NULL, key set to value; the test fails when either is refused. */
mmsim_machine *boot_with(const char *key, const char *value);

/* A host machine (mmsim_host_new), or the test is skipped where the host
 * backend cannot run: not Linux on x86-64. It runs as any user. */
mmsim_machine *host_or_skip(void);

/* On machine m (either backend): a store of 2, 4 or 8 bytes straddling into
 * a page that faults stores nothing, being one instruction; a longer write
 * is a copy loop whose first page lands. The writer is a forked child; the
 * parent reads the bytes through shared memory. Fails the test otherwise. */
void check_straddling_stores(mmsim_machine *m);

#endif
