/*
 * hw/translate.h — linear-address translation and data-moving accesses.
 *
 * hw_translate() is what the MMU does on every access: canonical check,
 * L1 TLB, STLB, then a page walk through the paging-structure caches and
 * simulated RAM, the access-rights checks of SDM §4.6, A/D updates (§4.8),
 * and a #PF (with error code and CR2) or #GP(0). The L1 hit path is inline
 * and small; everything else is in translate.c.
 */
#ifndef MMSIM_HW_TRANSLATE_H
#define MMSIM_HW_TRANSLATE_H

#include <stddef.h>
#include <stdint.h>

#include "hw/cpu.h"
#include "hw/memref.h"

#include <errno.h>

/* The result of a translation: a physical address, or an exception. */
struct hw_xlat {
	uint64_t pa;                /* physical address of the byte at va */
	uint8_t page_shift;         /* 12, 21 or 30: the page that maps va */
	uint8_t rights;             /* HW_R_W | HW_R_U | HW_R_XD, combined over levels */
	uint8_t pkey;               /* protection key of the page */
	struct hw_exception exc;    /* vector HW_EXC_NONE when translated */
};

/* Translate va for an access of kind by priv, as the core's MMU does:
 * uses and fills the TLBs and paging-structure caches, sets A/D bits in
 * RAM, counts, charges cycles, narrates. On #PF also sets CR2 and drops the
 * cached entries for va (SDM §4.10.4.1). */
static inline __attribute__((always_inline)) struct hw_xlat
hw_translate(struct hw_cpu *cpu, uint64_t va, enum hw_access kind, enum hw_priv priv);

/* Everything but the inline L1 hit. */
struct hw_xlat hw_translate_slow(struct hw_cpu *cpu, uint64_t va, enum hw_access kind, enum hw_priv priv);

/* The same after the inline path missed: narration off, kind and priv
 * valid, va canonical, and the smallest page size of cpu->l1_fast[kind]
 * probed without a match (so it is not probed again). */
struct hw_xlat hw_translate_l1_miss(struct hw_cpu *cpu, uint64_t va, enum hw_access kind, enum hw_priv priv);

/* The same walk and checks against the page tables now in RAM, with no
 * caches and no side effects: no TLB/PWC use or fill, no A/D writes, no
 * CR2, no counters, no narration. The reference for differential tests. */
struct hw_xlat hw_translate_nocache(struct hw_cpu *cpu, uint64_t va, enum hw_access kind, enum hw_priv priv);

/* What hw_translate_explore read: the entry of each level from the root
 * down to where the walk stopped, and the rule that decided (enum
 * hw_rule: HW_RULE_ALLOWED when translated) with the level of the entry
 * it found its bit in (0: none). */
struct hw_walk_path_step {
	int8_t level;
	uint16_t index;
	uint64_t entry_pa, value;
};
struct hw_walk_path {
	int nsteps;
	struct hw_walk_path_step step[5];
	uint8_t rule;
	int8_t rule_level;
};

/* hw_translate_nocache for the address space whose root table is at root
 * (another task's CR3), with cpu's control registers, recording in *path
 * each entry the walk reads. No side effects: cpu is not changed, and
 * the entries are read as HW_REF_PEEK references. */
struct hw_xlat hw_translate_explore(const struct hw_cpu *cpu, uint64_t root, uint64_t va, enum hw_access kind,
				    enum hw_priv priv, struct hw_walk_path *path);

/* The largest access hw_access moves at once: any 4 KiB span, so it touches
 * at most two pages, as one x86 instruction's operand does. */
#define HW_ACCESS_MAX 4096

/* Move len bytes between buf and linear address va (kind HW_WRITE stores
 * buf, HW_READ and HW_FETCH load into it) as priv. Every page the access
 * touches is translated before any byte moves, so a fault leaves memory
 * unchanged. Bytes beyond the end of RAM read as 0xff and are not written.
 * Returns 0, -EFAULT with *exc set, or -EINVAL when len > HW_ACCESS_MAX.
 * buf NULL is a touch: the translations happen with all their effects (TLB
 * fills, A and D flags, the references through hw_mem_ref) but no byte
 * moves, so memory keeps its contents. */
int hw_access(struct hw_cpu *cpu, uint64_t va, void *buf, size_t len, enum hw_access kind,
	      enum hw_priv priv, struct hw_exception *exc);

/* hw_access(cpu, va, NULL, len, kind, priv, exc) for an access within one
 * 4 KiB page (offset + len <= 4096, kind valid), inline: the translation,
 * then its reference through hw_mem_ref. The replay's fast path. */
static inline int hw_touch_in_page(struct hw_cpu *cpu, uint64_t va, unsigned len, enum hw_access kind,
				   enum hw_priv priv, struct hw_exception *exc)
{
	struct hw_xlat x = hw_translate(cpu, va, kind, priv);
	if (x.exc.vector) {
		*exc = x.exc;
		return -EFAULT;
	}
	hw_mem_ref(cpu, x.pa, len, kind == HW_WRITE ? HW_REF_STORE : kind == HW_FETCH ? HW_REF_FETCH : HW_REF_LOAD);
	return 0;
}

/* 8 bytes of physical memory at pa; all ones beyond RAM (RAM is at least
 * RAM_MIN_BYTES, so size - 8 does not wrap). */
static inline uint64_t hw_phys_read64(const struct ram *ram, uint64_t pa)
{
	return pa <= ram->size - 8 ? ram_read64(ram, pa) : ~0ULL;
}

/* ---- the inline hit path ---------------------------------------------------- */

/* True when va is canonical for the current paging mode: bits 63 down to
 * the top implemented bit (47 or 56) are all equal. */
static inline bool hw_canonical(const struct hw_cpu *cpu, uint64_t va)
{
	unsigned s = 64u - cpu->va_bits;
	return (uint64_t)((int64_t)(va << s) >> s) == va;
}

/* The way w of set s of L1 TLB t (some cpu->l1_fast[kind]) whose entry
 * answers va in t's smallest page size under the current PCID, as the
 * inline path looks it up: true with *s and *w set, or false. */
static inline __attribute__((always_inline)) bool hw_l1_fast_probe(const struct hw_cpu *cpu, const struct hw_tlb *t,
								  uint64_t va, uint32_t *s, uint32_t *w)
{
	uint64_t vpn = (va & cpu->va_mask) >> t->shift[0];
	uint64_t p = hw_tlb_key(t, vpn, 0, cpu->pcid);
	uint32_t set = (uint32_t)(vpn & t->set_mask);
	const uint64_t *k = &t->key[(uint64_t)set * t->ways];
	for (uint32_t way = 0; way < t->ways; way++)
		if (hw_tlb_key_match(k[way], p)) {
			*s = set;
			*w = way;
			return true;
		}
	return false;
}

/* See above. Hits in the first L1 TLB for the kind, in its smallest page
 * size, with rights that need no walk, return here; a miss there goes on
 * with hw_translate_l1_miss, the rest with hw_translate_slow. Always
 * inlined, so the result stays in registers. */
static inline __attribute__((always_inline)) struct hw_xlat
hw_translate(struct hw_cpu *cpu, uint64_t va, enum hw_access kind, enum hw_priv priv)
{
	struct hw_tlb *t = (unsigned)kind < HW_NR_ACCESS ? cpu->l1_fast[kind] : NULL;
	if (__builtin_expect(t && !cpu->trace && (unsigned)priv < HW_NR_PRIV && hw_canonical(cpu, va), 1)) {
		uint64_t vpn = (va & cpu->va_mask) >> t->shift[0];
		uint64_t p = hw_tlb_key(t, vpn, 0, cpu->pcid);
		uint32_t s = (uint32_t)(vpn & t->set_mask);
		const uint64_t *k = &t->key[(uint64_t)s * t->ways];
		for (uint32_t w = 0; w < t->ways; w++) {
			if (!hw_tlb_key_match(k[w], p))
				continue;
			uint64_t d = t->data[(uint64_t)s * t->ways + w];
			if (!cpu->perm[cpu->ac][priv][kind][d & 0xff])
				return hw_translate_slow(cpu, va, kind, priv);
			unsigned size = (unsigned)(d >> HW_R_SIZE_SHIFT) & 3;
			hw_tlb_touch(t, s, w);
			cpu->ctr.access[kind]++;
			cpu->ctr.tlb_hit[kind == HW_FETCH ? HW_L1I : HW_L1D][size]++;
			cpu->ctr.cycles += cpu->lat.l1_hit;
			return (struct hw_xlat){
				.pa = (d & HW_PTE_ADDR_MASK) | (va & ((1ULL << t->shift[0]) - 1)),
				.page_shift = (uint8_t)hw_psize_shift((enum hw_psize)size),
				.rights = (uint8_t)(d & 7),
				.pkey = (uint8_t)((d >> HW_R_PKEY_SHIFT) & 0xF),
			};
		}
		return hw_translate_l1_miss(cpu, va, kind, priv);
	}
	return hw_translate_slow(cpu, va, kind, priv);
}

/* ---- runs: consecutive hits on one page, taken at once ---------------------- */

/* A run: loads and stores by one privilege within one 4 KiB page, each of
 * which the inline path of hw_translate would translate from the same L1
 * data TLB entry, with no other effect (the replay's batches,
 * kernel/fault.c). Nothing is kept between runs, so no TLB change can
 * leave one stale: a run is looked up, extended and counted in one go. */
struct hw_run {
	struct hw_tlb *t;
	uint32_t s, w;          /* the entry's set and way */
	uint8_t ok;             /* bit k: an access of kind k hits without a walk */
	uint8_t size;           /* the entry's page size (enum hw_psize) */
};

/* Begin a run at va for accesses by priv: true when the core has no
 * narration, no caches and is not in a guest (hw_mem_ref is then the
 * identity, and an access of hw_touch_in_page that hits the L1 TLB is the
 * hit alone), its loads and stores share their first L1 TLB, and that TLB
 * holds the entry the inline path would hit for va. run->ok says which of
 * HW_READ and HW_WRITE the entry allows without a walk (a store to a clean
 * page needs one to set D; rights and protection keys as the inline path
 * checks them). Changes nothing. */
bool hw_run_begin(struct hw_cpu *cpu, uint64_t va, enum hw_priv priv, struct hw_run *run);

/* Count loads HW_READ and stores HW_WRITE touches of run's page (kinds
 * run->ok allows), in any order, as that many hw_touch_in_page calls do:
 * the accesses by kind, the L1 D-TLB hits of the entry's size, their
 * cycles, and the entry's use (its LRU stamp as after the last of them). */
void hw_run_commit(struct hw_cpu *cpu, const struct hw_run *run, uint64_t loads, uint64_t stores);

/* A hint to the host, with no effect on the machine: follow the page
 * tables now in RAM for va from CR3 down with plain host loads (not the
 * core's references: nothing is counted, charged, cached or set) and
 * prefetch into the host's caches the last entry a walk of va would read,
 * so that such a walk made soon after (by hw_translate) waits less for the
 * host's memory: the look-ahead of a batch (kernel/fault.c). Nothing in a
 * guest, whose tables are guest-physical. */
void hw_prefetch_walk(const struct hw_cpu *cpu, uint64_t va);

#endif
