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

/* The same with a swap device of swap_bytes (NVMe-like) at boot. */
struct machine *boot_swap(uint64_t ram_bytes, uint64_t swap_bytes);

/* The same with nodes NUMA nodes (RAM split evenly) of one core each
 * (2 cores for one node). */
struct machine *boot_nodes(uint64_t ram_bytes, uint64_t swap_bytes, int nodes);

/* A simulated process of m with len bytes of anonymous memory (no THP
 * hint) at *addr; exits the benchmark run when it cannot. */
struct task_struct *sim_process(struct machine *m, uint64_t len, uint64_t *addr);

/* Write one byte every stride bytes of [a, a + len) as t (one fault per
 * page, or per 2 MiB with stride 2 MiB over THP memory); exits the
 * benchmark run when an access fails. */
void bench_touch(struct machine *m, struct task_struct *t, uint64_t a, uint64_t len, uint64_t stride);

/* Tear down and free a machine from boot(). */
void shutdown_machine(struct machine *m);

#endif
