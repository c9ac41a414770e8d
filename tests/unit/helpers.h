/* tests/unit/helpers.h — machines for unit tests, built on the internal headers. */
#ifndef MMSIM_TEST_HELPERS_H
#define MMSIM_TEST_HELPERS_H

#include <criterion/criterion.h>

#include "hw/machine.h"
#include "hw/ram.h"
#include "kernel/kernel.h"

/* A booted kernel on its own machine. */
struct tk {
	struct ram ram;
	struct hw_machine hw;
	struct kernel k;
	bool expect_bugs;      /* the test provokes "BUG:" reports on purpose */
};

/* Boot a kernel on the default preset's hardware with ram_bytes of RAM and
 * cpus CPUs (4-level paging). */
struct tk *tk_boot(uint64_t ram_bytes, int cpus);

/* The same with paging levels (4 or 5) and a preset name. */
struct tk *tk_boot_ex(uint64_t ram_bytes, int cpus, int levels, const char *preset);

/* Boot on exactly this hardware (and kernel configuration). */
struct tk *tk_boot_hw(const struct hw_config *cfg);
struct tk *tk_boot_kcfg(const struct hw_config *cfg, const struct kernel_config *kcfg);

/* A preset's hardware with the RAM, cores and paging levels changed. */
struct hw_config tk_hw_config(uint64_t ram_bytes, int cpus, int levels, const char *preset);
void tk_free(struct tk *t);

/* Assert the consistency checker finds nothing and, unless expect_bugs,
 * that the kernel logged no BUG; prints the log if either fails. */
void tk_assert_consistent(struct tk *t);

/* True when the kernel log contains needle. */
int tk_log_contains(struct tk *t, const char *needle);

/* Render a view into a malloc'd string. */
char *tk_proc(struct tk *t, const char *path);

/* Skip the test, saying why, when this host gives the process less than
 * bytes of memory (MemAvailable, or the limit of its memory cgroup or of an
 * ancestor): a test that touches that much would be OOM-killed. */
void tk_skip_without_memory(uint64_t bytes);

#endif
