/* bench/machine.c — see machine.h. */
#include "machine.h"

#include "hw/presets.h"
#include "kernel/fault.h"
#include "kernel/mman.h"
#include "kernel/task.h"

#include <errno.h>

#include <stdio.h>
#include <stdlib.h>

/* See machine.h. */
struct machine *boot(uint64_t ram_bytes)
{
	return boot_swap(ram_bytes, 0);
}

/* See machine.h. */
struct machine *boot_swap(uint64_t ram_bytes, uint64_t swap_bytes)
{
	return boot_nodes(ram_bytes, swap_bytes, 1);
}

/* See machine.h. */
struct machine *boot_nodes(uint64_t ram_bytes, uint64_t swap_bytes, int nodes)
{
	struct machine *m = calloc(1, sizeof *m);
	struct kernel_config kcfg = { .swap_bytes = swap_bytes };
	struct hw_config cfg = hw_preset_find("default")->config;
	cfg.ram_bytes = ram_bytes;
	cfg.nr_cpus = nodes > 1 ? nodes : 2;
	cfg.paging_levels = 4;
	cfg.numa.nodes = nodes > 1 ? (uint32_t)nodes : 0;
	if (!m || ram_init(&m->ram, ram_bytes) || hw_machine_init(&m->hw, &cfg, &m->ram) ||
	    kernel_init(&m->k, &m->hw, &kcfg, NULL, 0)) {
		fprintf(stderr, "bench: cannot boot a machine\n");
		exit(1);
	}
	return m;
}

/* See machine.h. */
void bench_touch(struct machine *m, struct task_struct *t, uint64_t a, uint64_t len, uint64_t stride)
{
	uint8_t one = 1;
	for (uint64_t off = 0; off < len; off += stride)
		if (task_access(&m->k, t, a + off, &one, 1, HW_WRITE)) {
			fprintf(stderr, "bench: simulated write at %#llx failed\n", (unsigned long long)(a + off));
			exit(1);
		}
}

/* See machine.h. */
void shutdown_machine(struct machine *m)
{
	kernel_destroy(&m->k);
	hw_machine_destroy(&m->hw);
	ram_destroy(&m->ram);
	free(m);
}

/* See machine.h. */
struct task_struct *sim_process(struct machine *m, uint64_t len, uint64_t *addr)
{
	int err;
	struct task_struct *t = task_create_process(&m->k, "bench", 0, &err);
	long a = t ? sys_mmap(&m->k, t, 0, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0)
		   : -ENOMEM;
	if (a < 0 || do_madvise(&m->k, t, (uint64_t)a, len, MADV_NOHUGEPAGE)) {
		fprintf(stderr, "bench: cannot map %llu bytes in a simulated process\n", (unsigned long long)len);
		exit(1);
	}
	*addr = (uint64_t)a;
	return t;
}
