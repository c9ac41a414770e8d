/* hw/machine.c — the cores of a machine. */
#include "hw/machine.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* Give the memory hierarchy the machine's nodes (hw/numa.h): a memory
 * controller per node, the distances of remote reads. 0 or -errno. */
static int mem_set_nodes(struct hw_machine *m)
{
	uint64_t end[HW_MAX_NODES];
	uint8_t node_of[HW_MAX_MEM_CPUS];
	for (int n = 0; n < m->numa.nr_nodes; n++)
		end[n] = m->numa.start_pfn[n + 1];
	for (int c = 0; c < m->nr_cpus && c < HW_MAX_MEM_CPUS; c++)
		node_of[c] = m->numa.cpu_node[c];
	return hw_mem_set_nodes(&m->mem, m->numa.nr_nodes, end, node_of, &m->numa.distance[0][0], HW_MAX_NODES);
}

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
	if (cfg->mem.on && m->numa.nr_nodes > 1 && mem_set_nodes(m)) {
		hw_machine_destroy(m);
		return -ENOMEM;
	}
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
