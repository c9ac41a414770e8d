/* hw/machine.c — the cores of a machine. */
#include "hw/machine.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* See machine.h. */
int hw_machine_init(struct hw_machine *m, const struct hw_config *cfg, struct ram *ram)
{
	memset(m, 0, sizeof *m);
	if (!ram || !ram->base || hw_config_validate(cfg, NULL, 0))
		return -EINVAL;
	m->cpus = calloc((size_t)cfg->nr_cpus, sizeof *m->cpus);
	if (!m->cpus)
		return -ENOMEM;
	m->ram = ram;
	m->cfg = *cfg;
	hw_numa_resolve(&m->numa, cfg, NULL, 0);
	for (; m->nr_cpus < cfg->nr_cpus; m->nr_cpus++)
		if (hw_cpu_init(&m->cpus[m->nr_cpus], cfg, ram, m->nr_cpus)) {
			hw_machine_destroy(m);
			return -ENOMEM;
		}
	if (cfg->mem.on && hw_mem_init(&m->mem, cfg, m->cpus)) {
		hw_machine_destroy(m);
		return -ENOMEM;
	}
	m->mem.numa = &m->numa;
	return 0;
}

/* See machine.h. */
void hw_machine_destroy(struct hw_machine *m)
{
	hw_mem_destroy(&m->mem, m->cpus);
	for (int i = 0; i < m->nr_cpus; i++)
		hw_cpu_destroy(&m->cpus[i]);
	free(m->cpus);
	memset(m, 0, sizeof *m);
}

/* See machine.h. */
struct hw_cpu *hw_machine_cpu(struct hw_machine *m, int i)
{
	return i >= 0 && i < m->nr_cpus ? &m->cpus[i] : NULL;
}
