/*
 * bench/native.h — the same workloads on the real kernel of this machine,
 * the baselines of bench_mm.c (kept apart: the simulator's uapi headers and
 * the host's cannot share a file).
 */
#ifndef MMSIM_BENCH_NATIVE_H
#define MMSIM_BENCH_NATIVE_H

#include <stddef.h>
#include <stdint.h>

/* Nanoseconds per page of the first write to each page of len bytes of
 * fresh anonymous memory (MADV_NOHUGEPAGE). */
double native_fault_ns(uint64_t len);

/* Milliseconds for fork() of this process once it has len bytes written
 * (until fork returns in the parent). */
double native_fork_ms(uint64_t len);

/* mprotect calls per second toggling one page between read-only and
 * read-write in the middle of a 1 GiB mapping (each call splits the VMA in
 * three or merges it back). */
double native_mprotect_per_s(uint64_t iters);

/* n one-page anonymous mmaps that cannot merge (the protections
 * alternate), then an mprotect of each to its neighbours' protection and
 * back (merging three VMAs and splitting them again), then munmap of each:
 * the seconds of each phase. */
void native_many_vmas_s(int n, double *mmap_s, double *mprotect_s, double *munmap_s);

/* Nanoseconds per major fault of a process limited to ram bytes by a
 * memory cgroup, with swap in a file: it writes len bytes, pages them out
 * and reads n pages at random (bench/native_swap.c says how the machine is
 * changed and restored). -1 with the reason in why when this machine
 * cannot (not root, no memory cgroup, swapon refused). */
double native_majfault_ns(uint64_t ram, uint64_t len, uint64_t n, char *why, size_t whylen);

#endif
