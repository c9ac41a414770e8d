/*
 * hw/memref.h — the one door between a core and physical memory.
 *
 * Every physical reference a core makes passes through hw_mem_ref(): each
 * paging-structure entry a walk reads, each A/D update it writes back, and
 * each piece (within one frame) of a data load, store or instruction fetch.
 * What sits between a core and RAM plugs in here and nowhere else, in this
 * order: a second translation stage (EPT/NPT: the address a core computes
 * is guest-physical, the one RAM sees host-physical), then the cache
 * hierarchy, which charges the reference's cost at the address that stage
 * gave. With neither, it is the identity and costs nothing (the compiler
 * drops it).
 *
 * Kernel accesses through the direct map are not core references and do
 * not come here (the kernel reads and writes RAM as a DMA engine would).
 */
#ifndef MMSIM_HW_MEMREF_H
#define MMSIM_HW_MEMREF_H

#include <stdbool.h>
#include <stdint.h>

#include "hw/cpu.h"

/* Why a core references memory. HW_REF_PEEK is a reference with no side
 * effect at all (the pure walk of hw_translate_nocache): it is translated
 * like the others but neither charged nor counted, and changes no state. */
enum hw_ref {
	HW_REF_WALK,        /* a page walk reads an entry (8 bytes) */
	HW_REF_WALK_AD,     /* a page walk sets A or D in an entry (8 bytes) */
	HW_REF_LOAD,        /* a data load */
	HW_REF_STORE,       /* a data store */
	HW_REF_FETCH,       /* an instruction fetch */
	HW_REF_PEEK,        /* a side-effect-free read (differential tests) */
};

/* What hw_mem_ref returns for a reference that raised a VM exit (an EPT
 * violation or misconfiguration, a nested page fault): beyond any RAM, so
 * a walk reading it sees all ones and stops, and a write goes nowhere. */
#define HW_MEMREF_EXIT (~0ULL)

/* hw/ept.c: the second stage (see hw/ept.h). */
uint64_t hw_ept_ref(struct hw_cpu *cpu, uint64_t gpa, unsigned len, enum hw_ref why);

/* The same, answered inline when the core's guest-physical cache holds
 * the frame in the array of reference why (struct hw_vmx). */
static inline uint64_t hw_ept_ref_cached(struct hw_cpu *cpu, uint64_t gpa, unsigned len, enum hw_ref why)
{
	const struct hw_vmx *v = &cpu->vmx;
	uint64_t gfn = gpa >> 12;
	const struct hw_gpa_entry *c = &v->gpa[why][gfn % HW_GPA_CACHE];
	if (__builtin_expect(c->key == (gfn | v->key_tag), 1))
		return c->data | (gpa & 0xfff);
	return hw_ept_ref(cpu, gpa, len, why);
}

/* The cache hierarchy's part of a reference (hw/mem.h): the whole of it,
 * past the inline fast path of hw_mem_cached. */
void hw_mem_access(struct hw_cpu *cpu, uint64_t pa, unsigned len, enum hw_ref why);

#include "hw/mem.h"

/* The caches' part of reference why: an L1d hit inline, the rest in hw_mem_access. */
static inline void hw_mem_cached(struct hw_cpu *cpu, uint64_t pa, unsigned len, enum hw_ref why)
{
	bool write = why == HW_REF_STORE || why == HW_REF_WALK_AD, walk = why == HW_REF_WALK || why == HW_REF_WALK_AD;
	if (why == HW_REF_FETCH || !hw_mem_fast(cpu, pa, len, write, walk))
		hw_mem_access(cpu, pa, len, why);
}

/* hw_mem_ref for a caller that passes what it knows as constants: guest
 * (cpu->in_guest) and caches (cpu->mem != NULL). The page walk, specialised
 * on both, tests them once per walk instead of once per entry. The second
 * stage first (pa is guest-physical in a guest), then the caches on the
 * host-physical address it gave (none for a reference that exited). */
static inline __attribute__((always_inline)) uint64_t hw_mem_ref_in(struct hw_cpu *cpu, uint64_t pa, unsigned len,
								  enum hw_ref why, bool guest, bool caches)
{
	if (guest)
		pa = hw_ept_ref_cached(cpu, pa, len, why);
	if (why != HW_REF_PEEK && caches && pa != HW_MEMREF_EXIT)
		hw_mem_cached(cpu, pa, len, why);       /* the caches (hw/mem.h) */
	return pa;
}

/* The RAM address that reference why of len bytes (not crossing a 4 KiB
 * frame) at the core's physical address pa lands on, after charging it,
 * or HW_MEMREF_EXIT. Outside a guest and without caches: pa, for two
 * predictable branches. */
static inline uint64_t hw_mem_ref(struct hw_cpu *cpu, uint64_t pa, unsigned len, enum hw_ref why)
{
	return hw_mem_ref_in(cpu, pa, len, why, __builtin_expect(cpu->in_guest, 0),
			     __builtin_expect(cpu->mem != NULL, 0));
}

#endif
