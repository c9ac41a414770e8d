/*
 * hw/machine.h — a machine: RAM, its hardware configuration and its cores.
 *
 * The owner creates the RAM (hw/ram.h) and passes it in; the machine keeps
 * a copy of the configuration, one struct hw_cpu per core and, with
 * caches=1, the memory hierarchy behind them.
 */
#ifndef MMSIM_HW_MACHINE_H
#define MMSIM_HW_MACHINE_H

#include "hw/config.h"
#include "hw/cpu.h"
#include "hw/mem.h"
#include "hw/numa.h"
#include "hw/ram.h"

struct hw_machine {
	struct ram *ram;
	struct hw_config cfg;
	int nr_cpus;
	struct hw_cpu *cpus;        /* nr_cpus cores, ids 0 .. nr_cpus-1 */
	struct hw_mem mem;          /* the caches, with cfg.mem.on (hw/mem.h) */
	struct hw_numa numa;        /* nodes of addresses and cores (hw/numa.h) */
};

/* Build the cores of cfg over ram. Returns 0, -EINVAL when cfg does not
 * validate (hw_config_validate says why) or ram is NULL, -ENOMEM. */
int hw_machine_init(struct hw_machine *m, const struct hw_config *cfg, struct ram *ram);

/* Free the cores (not the RAM); m may be zeroed or already destroyed. */
void hw_machine_destroy(struct hw_machine *m);

/* Core i, or NULL when there is no such core. */
struct hw_cpu *hw_machine_cpu(struct hw_machine *m, int i);

#endif
