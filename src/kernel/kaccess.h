/*
 * kernel/kaccess.h — the kernel's own references to RAM through the caches.
 *
 * The simulated kernel reads and writes simulated RAM through its direct
 * map (C pointers), as a DMA engine would: its stores reach RAM at once.
 * On a real machine they are a core's stores: clearing a page
 * (clear_page), setting a PTE (set_pte_at) and copying a page for COW
 * (copy_user_highpage) pass through the caches of the core the kernel runs
 * on, which leaves the lines there (in M) and costs that core the cycles.
 * kmem_ref says so at those places: with caches on (caches=1), the
 * reference goes through the current core's caches, line by line, as its
 * other stores and loads do (hw_mem_access: coherence, store buffer and
 * all), and is narrated as one step; without caches it costs one test of
 * a pointer and does nothing.
 */
#ifndef MMSIM_KERNEL_KACCESS_H
#define MMSIM_KERNEL_KACCESS_H

#include "hw/machine.h"
#include "kernel/kernel.h"

#include <stdbool.h>
#include <stdint.h>

/* The out-of-line part of kmem_ref (caches on): len bytes at physical pa. */
void kmem_through_caches(struct kernel *k, uint64_t pa, uint64_t len, bool write, const char *what);

/* The kernel, on its current core, stores (write) or loads len bytes at
 * direct-map pointer va, for what (Linux's name of the step: "clear_page",
 * "set_pte_at", "copy_page"). */
static inline void kmem_ref(struct kernel *k, const void *va, uint64_t len, bool write, const char *what)
{
	if (__builtin_expect(k->hw->cpus[k->this_cpu].mem != NULL, 0))
		kmem_through_caches(k, virt_to_phys(k, va), len, write, what);
}

/* A run of entries the kernel writes one after another in one page table
 * (a zap, an mprotect, a fork's copy of the parent's entries): each entry
 * written extends the run within its table, and the run goes through the
 * caches as one reference (one narrated step) when the next entry is in
 * another table and at the end (kmem_run_end). Zero-initialize it; with
 * caches off nothing is kept. */
struct kmem_run {
	const char *what;               /* Linux's name of the step */
	uintptr_t lo, hi;               /* the direct-map bytes [lo, hi) written so far */
};

void kmem_run_flush(struct kernel *k, struct kmem_run *r);

/* The kernel wrote len bytes at direct-map pointer va, for what. */
static inline void kmem_run_add(struct kernel *k, struct kmem_run *r, const void *va, uint64_t len, const char *what)
{
	uintptr_t a = (uintptr_t)va;
	if (__builtin_expect(k->hw->cpus[k->this_cpu].mem == NULL, 1))
		return;
	if (r->hi && (a / 4096 != r->lo / 4096 || (a + len - 1) / 4096 != r->lo / 4096 || a < r->lo))
		kmem_run_flush(k, r);
	if (!r->hi)
		r->lo = a;
	r->hi = a + len > r->hi ? a + len : r->hi;
	r->what = what;
}

/* The end of the writes: the run left goes through the caches. */
static inline void kmem_run_end(struct kernel *k, struct kmem_run *r)
{
	if (r->hi)
		kmem_run_flush(k, r);
}

#endif
