/* sim/swap.c — the simulator's swap devices: swapon and swapoff. */
#include "sim/sim.h"

#include "kernel/swap.h"

#include <errno.h>
#include <stdio.h>

/* The cost of dev: its model's (the machine's default without one), then
 * its overrides. -EINVAL recorded on s for an unknown model or a bad
 * value. */
static int swap_device_cost(struct sim_machine *s, const struct mmsim_swap_device *dev,
			    struct swap_device_cost *cost)
{
	const struct swap_device_cost *preset = dev->model ? swap_device_preset(dev->model)
							  : &s->kernel.swap.default_cost;
	if (!preset)
		return sim_fail(s, -EINVAL, "swapon: device model '%s' is not nvme, hdd or zram", dev->model);
	*cost = *preset;
	if (dev->read_ns > UINT32_MAX || dev->write_ns > UINT32_MAX || dev->mbps == 0 || dev->mbps > 1000000)
		return sim_fail(s, -EINVAL, "swapon: read_ns and write_ns from 0 to %u, mbps from 1 to 1000000",
				UINT32_MAX);
	if (dev->read_ns >= 0)
		cost->read_ns = (uint32_t)dev->read_ns;
	if (dev->write_ns >= 0)
		cost->write_ns = (uint32_t)dev->write_ns;
	if (dev->mbps >= 0)
		cost->mbps = (uint32_t)dev->mbps;
	return 0;
}

/* See sim.h. */
int sim_swapon(mmsim_machine *m, const struct mmsim_swap_device *dev)
{
	struct sim_machine *s = sim_machine(m);
	struct swap_device_cost cost;
	char why[160] = "";
	int err = swap_device_cost(s, dev, &cost);
	if (err)
		return err;
	sim_narrate_call(s, "swapon: a %s swap device of %llu bytes", cost.model, (unsigned long long)dev->size);
	int type = sys_swapon(&s->kernel, dev->size, dev->priority, &cost, why, sizeof why);
	return type < 0 ? sim_fail(s, type, "swapon: %s", why) : type;
}

/* See sim.h. */
int sim_swapoff(mmsim_machine *m, int type)
{
	struct sim_machine *s = sim_machine(m);
	char why[160] = "";
	sim_narrate_call(s, "swapoff: device %d", type);
	int err = sys_swapoff(&s->kernel, type, why, sizeof why);
	return err ? sim_fail(s, err, "swapoff: %s", why) : 0;
}

/* See sim.h. */
int sim_sleep(mmsim_machine *m, uint64_t ms)
{
	struct sim_machine *s = sim_machine(m);
	if (ms > 3600 * 1000)
		return sim_fail(s, -EINVAL, "sleep: %llu ms is more than an hour", (unsigned long long)ms);
	sim_narrate_call(s, "sleep %llu ms", (unsigned long long)ms);
	sim_time_passes(s, ms);
	return 0;
}
