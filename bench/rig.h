/* bench/rig.h — a bare MMU for the MMU benchmarks (bench_mmu.c, bench_virt.c):
 * one core of the default preset over its own RAM, no kernel. */
#ifndef MMSIM_BENCH_RIG_H
#define MMSIM_BENCH_RIG_H

#include "hw/mmu.h"

struct rig {
	struct ram ram;
	struct hw_machine m;
	struct hw_cpu *cpu;
	uint64_t next;          /* bump allocator for tables, from 1 MiB */
};

/* A one-core default machine over ram_bytes of RAM with an empty root
 * table in CR3 (the first frame of the bump allocator). 0 or -1. */
int rig_init(struct rig *r, uint64_t ram_bytes);
void rig_destroy(struct rig *r);

#endif
