/*
 * hw/internal.h — what the files of hw/ share with each other and nobody
 * else: the access-rights decision, the page walk, invalidation.
 */
#ifndef MMSIM_HW_INTERNAL_H
#define MMSIM_HW_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

#include "hw/cpu.h"
#include "hw/trace.h"

/* HW_INLINE (tlb.h) marks the small helpers of the translation path: a
 * function that takes `bool tr` (narrate or not) is always inlined, so each
 * caller's copy is specialised and the quiet copy carries no narration
 * code at all. */

/* ---- access rights (perm.c) ---------------------------------------------- */

/* Decide an access of kind by priv to a page whose combined attributes are
 * attrs (HW_R_W | HW_R_U | HW_R_XD | pkey << HW_R_PKEY_SHIFT), with RFLAGS.AC
 * = ac and the core's control registers (SDM §4.6). Returns 0 when allowed,
 * else the #PF error code (P set); *rule says which rule decided. */
uint32_t hw_perm_check(const struct hw_cpu *cpu, unsigned attrs, enum hw_access kind,
		       enum hw_priv priv, bool ac, enum hw_rule *rule);

/* The error-code bits that describe the access itself: W/R, U/S and I/D
 * (SDM §4.7: I/D only with EFER.NXE=1 or CR4.SMEP=1). */
uint32_t hw_pf_access_bits(const struct hw_cpu *cpu, enum hw_access kind, enum hw_priv priv);

/* ---- the page walk (walk.c) ----------------------------------------------- */

/* What the entries of a walk forbade, level by level: bit 3*level + HW_ACC_*
 * is set when the entry of that level had R/W=0, U/S=0 or XD=1. */
#define HW_ACC_NO_W      0
#define HW_ACC_NO_U      1
#define HW_ACC_XD        2
#define HW_ACC_ALL(bit)  (0x49249ULL << (bit))   /* that bit at levels 0..6 */

struct hw_walk {
	uint64_t va;            /* in: linear address, masked to va_bits */
	bool pure;              /* in: no counters, A/D writes, PWC, narration */
	bool caches;            /* in: the core has caches (cpu->mem); a constant
				 * false in the walk specialised for none */
	/* out, when a leaf was found */
	int leaf;               /* its level */
	uint64_t leaf_pa, leaf_e;
	uint64_t page;          /* physical base of the page */
	unsigned attrs;         /* HW_R_W | HW_R_U | HW_R_XD | pkey << 4 */
	bool global;            /* G in the leaf and CR4.PGE */
	uint64_t acc;           /* what each level forbade (HW_ACC_*) */
	unsigned refs;          /* entries read */
	/* out, when there is no translation */
	uint32_t error;         /* 0 (not present) or HW_PF_P | HW_PF_RSVD */
	enum hw_rule rule;
	int level;              /* where the walk stopped */
	uint64_t rsvd_bits;
};

/* Walk the paging structures for w->va from CR3, starting at the deepest
 * paging-structure-cache hit (unless pure), setting A in every non-leaf
 * entry used and caching it, counting the walk, its references and their
 * cycles. Returns 0 with the leaf described in w, or -1 when an entry is
 * not present or has a reserved bit set. (The walk itself is inline in
 * walk.h, for the translation path.) */
int hw_walk(struct hw_cpu *cpu, struct hw_walk *w);

/* Write back entry e at pa with bits set (a locked update on real
 * hardware), count and narrate it. Writes beyond RAM are dropped. */
void hw_walk_set_bits(struct hw_cpu *cpu, uint64_t pa, uint64_t e, uint64_t bits, int level);

/* The translation w found is used: set A, and D for a write, in the leaf
 * (unless pure, or they are set). Returns whether it wrote the leaf. */
static inline bool hw_walk_finish(struct hw_cpu *cpu, struct hw_walk *w, bool write)
{
	uint64_t bits = HW_PTE_A | (write ? HW_PTE_D : 0);
	bool wrote = !w->pure && (w->leaf_e & bits) != bits;
	if (wrote)
		hw_walk_set_bits(cpu, w->leaf_pa, w->leaf_e, bits, w->leaf);
	w->leaf_e |= bits;
	return wrote;
}

/* The level whose bit made rule fail: the first (highest) level whose
 * entry forbade it, the leaf for other rules. */
int hw_walk_rule_level(const struct hw_walk *w, enum hw_rule rule);

/* ---- translation (translate.c) ------------------------------------------ */

/* Work out what each TLB level probes (cpu->slots) and where it caches
 * each page size (fill), once the core's TLBs exist. */
void hw_translate_setup(struct hw_cpu *cpu);

/* ---- invalidation (invalidate.c) --------------------------------------- */

/* Drop what tlb selects from every TLB and what pwc selects from every
 * paging-structure cache, and narrate it as op. */
void hw_flush(struct hw_cpu *cpu, enum hw_inv_op op, const struct hw_inv *tlb, const struct hw_inv *pwc);

/* The invalidation a #PF on va performs (SDM §4.10.4.1). */
void hw_flush_fault(struct hw_cpu *cpu, uint64_t va);

/* ---- a guest's PCIDs (ept.c) ------------------------------------------------ */

/* A guest changed CR3 or CR4: its TLB tag becomes that of (VPID, the
 * PCID now in CR3), taken if need be (VPID 0: the PCID itself), and
 * cpu->pcid with it. */
void hw_vmx_retag(struct hw_cpu *cpu);

/* hw_flush for an instruction a guest executes with a VPID (SDM Vol. 3C
 * §29.4.3: it affects only that VPID's mappings): tlb->pcid and pwc->pcid
 * are guest PCIDs, -1 for all of them, and become the tags of (VPID,
 * PCID); no global entry is dropped (the core caches none for a guest).
 * Without a VPID, hw_flush itself (guest PCIDs are the tags then). */
void hw_vmx_flush(struct hw_cpu *cpu, enum hw_inv_op op, const struct hw_inv *tlb, const struct hw_inv *pwc);

#endif
