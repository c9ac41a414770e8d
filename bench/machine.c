/* bench/machine.c — see machine.h. */
#include "machine.h"

#include "hw/presets.h"

#include <stdio.h>
#include <stdlib.h>

/* See machine.h. */
struct machine *boot(uint64_t ram_bytes)
{
	struct machine *m = calloc(1, sizeof *m);
	struct kernel_config kcfg = { 0 };
	struct hw_config cfg = hw_preset_find("default")->config;
	cfg.ram_bytes = ram_bytes;
	cfg.nr_cpus = 2;
	cfg.paging_levels = 4;
	if (!m || ram_init(&m->ram, ram_bytes) || hw_machine_init(&m->hw, &cfg, &m->ram) ||
	    kernel_init(&m->k, &m->hw, &kcfg, NULL, 0)) {
		fprintf(stderr, "bench: cannot boot a machine\n");
		exit(1);
	}
	return m;
}

/* See machine.h. */
void shutdown_machine(struct machine *m)
{
	kernel_destroy(&m->k);
	hw_machine_destroy(&m->hw);
	ram_destroy(&m->ram);
	free(m);
}
