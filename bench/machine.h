/* bench/machine.h — a simulated machine (RAM, hardware, kernel) for the
 * benchmarks that drive the kernel directly. */
#ifndef MMSIM_BENCH_MACHINE_H
#define MMSIM_BENCH_MACHINE_H

#include "hw/machine.h"
#include "hw/ram.h"
#include "kernel/kernel.h"

#include <stdint.h>

struct machine {
	struct ram ram;
	struct hw_machine hw;
	struct kernel k;
};

/* Boot the default preset with ram_bytes of RAM, 2 CPUs and 4-level
 * paging; exits the benchmark run when it cannot. */
struct machine *boot(uint64_t ram_bytes);

/* Tear down and free a machine from boot(). */
void shutdown_machine(struct machine *m);

#endif
