/* tests/unit/helpers.c — see helpers.h. */
#include "helpers.h"

#include "hw/presets.h"
#include "kernel/debug_vm.h"
#include "procfs/procfs.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

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

/* The first number in the file at path; def when there is none ("max"). */
static uint64_t file_u64(const char *path, uint64_t def)
{
	unsigned long long v;
	FILE *f = fopen(path, "r");
	int n = f ? fscanf(f, "%llu", &v) : 0;
	if (f)
		fclose(f);
	return n == 1 ? v : def;
}

/* The memory limit of the cgroup directory dir (cgroup v2's memory.max,
 * else v1's memory.limit_in_bytes); UINT64_MAX without one. Usage is left
 * out: it counts page cache the kernel would reclaim. */
static uint64_t cgroup_dir_limit(const char *dir)
{
	char path[640];
	snprintf(path, sizeof path, "%s/memory.max", dir);
	if (access(path, R_OK))
		snprintf(path, sizeof path, "%s/memory.limit_in_bytes", dir);
	return file_u64(path, UINT64_MAX);
}

/* The least memory limit of the cgroup root/path and its ancestors. */
static uint64_t cgroup_limit(const char *root, const char *path)
{
	char dir[512];
	uint64_t room = UINT64_MAX;
	snprintf(dir, sizeof dir, "%s%s", root, strcmp(path, "/") ? path : "");
	for (;;) {
		uint64_t r = cgroup_dir_limit(dir);
		room = r < room ? r : room;
		char *slash = strrchr(dir, '/');
		if (!slash || (size_t)(slash - dir) < strlen(root))
			return room;
		*slash = 0;
	}
}

/* See helpers.h. */
void tk_skip_without_memory(uint64_t bytes)
{
	char line[512], why[160] = "";
	uint64_t room = UINT64_MAX;
	FILE *f = fopen("/proc/meminfo", "r");
	while (f && fgets(line, sizeof line, f))
		if (!strncmp(line, "MemAvailable:", 13)) {
			room = strtoull(line + 13, NULL, 10) << 10;
			snprintf(why, sizeof why, "MemAvailable is %llu MiB", (unsigned long long)(room >> 20));
		}
	if (f)
		fclose(f);
	f = fopen("/proc/self/cgroup", "r");             /* "0::/path" (v2), "4:memory:/path" (v1) */
	while (f && fgets(line, sizeof line, f)) {
		line[strcspn(line, "\n")] = 0;
		char *path = strchr(line, ':') ? strchr(strchr(line, ':') + 1, ':') : NULL;
		if (!path)
			continue;
		path++;
		bool v1 = strstr(line, ":memory:") != NULL, v2 = !strncmp(line, "0::", 3);
		const char *roots[] = { v1 ? "/sys/fs/cgroup/memory" : NULL, v2 ? "/sys/fs/cgroup" : NULL,
					v2 ? "/sys/fs/cgroup/unified" : NULL };
		for (size_t i = 0; i < 3; i++) {
			uint64_t r = roots[i] ? cgroup_limit(roots[i], path) : UINT64_MAX;
			if (r < room) {
				room = r;
				snprintf(why, sizeof why, "the memory cgroup %s allows %llu MiB", path,
					 (unsigned long long)(r >> 20));
			}
		}
	}
	if (f)
		fclose(f);
	if (room < bytes)
		cr_skip_test("it needs about %llu MiB of host memory and %s", (unsigned long long)(bytes >> 20), why);
}
