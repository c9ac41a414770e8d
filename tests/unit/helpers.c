/* tests/unit/helpers.c — see helpers.h. */
#include "helpers.h"

#include "hw/presets.h"
#include "kernel/debug_vm.h"
#include "procfs/procfs.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

struct tk *tk_boot_kcfg(const struct hw_config *cfg, const struct kernel_config *kcfg)
{
	struct tk *t = calloc(1, sizeof *t);
	cr_assert_not_null(t);
	cr_assert_eq(ram_init(&t->ram, cfg->ram_bytes), 0);
	cr_assert_eq(hw_machine_init(&t->hw, cfg, &t->ram), 0);
	cr_assert_eq(kernel_init(&t->k, &t->hw, kcfg, NULL, 0), 0);
	return t;
}

struct tk *tk_boot_hw(const struct hw_config *cfg)
{
	struct kernel_config kcfg = { 0 };
	return tk_boot_kcfg(cfg, &kcfg);
}

struct hw_config tk_hw_config(uint64_t ram_bytes, int cpus, int levels, const char *preset)
{
	const struct hw_preset *p = hw_preset_find(preset);
	cr_assert_not_null(p, "no preset %s", preset);
	struct hw_config cfg = p->config;
	cfg.ram_bytes = ram_bytes;
	cfg.nr_cpus = cpus;
	cfg.paging_levels = levels;
	return cfg;
}

struct tk *tk_boot_ex(uint64_t ram_bytes, int cpus, int levels, const char *preset)
{
	struct hw_config cfg = tk_hw_config(ram_bytes, cpus, levels, preset);
	return tk_boot_hw(&cfg);
}

struct tk *tk_boot(uint64_t ram_bytes, int cpus)
{
	return tk_boot_ex(ram_bytes, cpus, 4, "default");
}

void tk_free(struct tk *t)
{
	kernel_destroy(&t->k);
	hw_machine_destroy(&t->hw);
	ram_destroy(&t->ram);
	free(t);
}

int tk_log_contains(struct tk *t, const char *needle)
{
	uint64_t n = kernel_log_read(&t->k, NULL, 0);
	char *buf = malloc(n + 1);
	kernel_log_read(&t->k, buf, n + 1);
	int found = strstr(buf, needle) != NULL;
	free(buf);
	return found;
}

void tk_assert_consistent(struct tk *t)
{
	uint64_t problems = debug_vm_check(&t->k, NULL);
	if (problems) {
		uint64_t n = kernel_log_read(&t->k, NULL, 0);
		char *buf = malloc(n + 1);
		kernel_log_read(&t->k, buf, n + 1);
		cr_log_error("kernel log:\n%s", buf);
		free(buf);
	}
	cr_assert_eq(problems, 0, "consistency checker found %lu problems", (unsigned long)problems);
	if (!t->expect_bugs && t->k.nr_bug_reports) {
		uint64_t n = kernel_log_read(&t->k, NULL, 0);
		char *buf = malloc(n + 1);
		kernel_log_read(&t->k, buf, n + 1);
		cr_log_error("kernel log:\n%s", buf);
		free(buf);
	}
	cr_assert(t->expect_bugs || !t->k.nr_bug_reports, "the kernel reported %lu BUGs",
		  (unsigned long)t->k.nr_bug_reports);
}

char *tk_proc(struct tk *t, const char *path)
{
	struct seq_buf m = { 0 };
	cr_assert_eq(procfs_read(&t->k, path, &m), 0, "no view %s", path);
	return m.buf ? m.buf : strdup("");
}
