/*
 * hw/invalidate.c — the operations that invalidate TLBs and paging-structure
 * caches (Intel SDM Vol. 3A §4.10.4.1): MOV to CR3, INVLPG, INVPCID, and the
 * invalidation a page fault performs. MOV to CR4 uses hw_flush too.
 */
#include "hw/internal.h"

#include "hw/translate.h"

/* See internal.h. */
void hw_flush(struct hw_cpu *cpu, enum hw_inv_op op, const struct hw_inv *tlb, const struct hw_inv *pwc)
{
	uint32_t ntlb = 0, npwc = 0;
	for (int i = 0; i < HW_NR_TLBS; i++)
		if (cpu->tlb[i].live)             /* an empty structure has nothing to drop */
			ntlb += hw_tlb_invalidate(&cpu->tlb[i], tlb);
	for (int i = 0; i < HW_NR_PWCS; i++)
		if (cpu->pwc[i].live)
			npwc += hw_tlb_invalidate(&cpu->pwc[i], pwc);
	hw_emit(cpu, .type = HW_EV_INVALIDATE, .op = (uint8_t)op, .va = tlb->va,
		.pcid = (uint16_t)(tlb->pcid < 0 ? 0 : tlb->pcid), .count = ntlb, .old = npwc);
}

/* See internal.h. A #PF drops the TLB entries for va's page that the
 * current PCID can use (global ones included, or the fault could recur)
 * and the paging-structure-cache entries that would translate va. */
void hw_flush_fault(struct hw_cpu *cpu, uint64_t va)
{
	struct hw_inv tlb = { .by_va = true, .va = va, .pcid = cpu->pcid, .global = true, .nonglobal = true };
	struct hw_inv pwc = { .by_va = true, .va = va, .pcid = cpu->pcid, .nonglobal = true };
	cpu->ctr.pf_flush++;
	hw_flush(cpu, HW_INV_PAGE_FAULT, &tlb, &pwc);
}

/* Drop the non-global TLB entries and all paging-structure-cache entries
 * of one PCID (MOV to CR3, INVPCID type 1). */
static void flush_pcid(struct hw_cpu *cpu, enum hw_inv_op op, unsigned pcid)
{
	struct hw_inv f = { .pcid = (int)pcid, .nonglobal = true };
	hw_flush(cpu, op, &f, &f);
}

/* See cpu.h. With CR4.PCIDE=1, bit 63 of the operand asks for no flush and
 * is not stored; with PCIDE=0 it is a reserved bit like 62:MAXPHYADDR.
 * Otherwise the instruction drops the new PCID's non-global translations
 * (PCID 0 when PCIDE=0) and its paging-structure-cache entries. */
int hw_mov_to_cr3(struct hw_cpu *cpu, uint64_t value)
{
	bool noflush = false;
	if (cpu->cpl)
		return hw_cpu_raise(cpu, HW_EXC_GP, HW_RULE_GP_CPL);
	if (cpu->cr4 & HW_CR4_PCIDE) {
		noflush = value & HW_CR3_NOFLUSH;
		value &= ~HW_CR3_NOFLUSH;
	}
	if (value >> cpu->maxphyaddr)
		return hw_cpu_raise(cpu, HW_EXC_GP, HW_RULE_GP_RESERVED);
	hw_sb_drain_n(cpu, cpu->sb.count);     /* a serializing instruction */
	hw_sb_wait(cpu);
	cpu->cr3 = value;
	cpu->pcid = (cpu->cr4 & HW_CR4_PCIDE) ? (uint16_t)(value & HW_CR3_PCID_MASK) : 0;
	if (cpu->in_guest)
		hw_vmx_retag(cpu);             /* a guest's PCID is part of a tag (hw/ept.h) */
	cpu->ctr.cycles += cpu->lat.mov_cr3;
	if (noflush) {
		cpu->ctr.cr3_noflush++;
		return 0;
	}
	cpu->ctr.cr3_flush++;
	flush_pcid(cpu, HW_INV_MOV_CR3, cpu->pcid);
	return 0;
}

/* See cpu.h. INVLPG drops the TLB entries for va's page that belong to the
 * current PCID or are global, and every paging-structure-cache entry of the
 * current PCID. A non-canonical operand makes it a no-op. */
int hw_invlpg(struct hw_cpu *cpu, uint64_t va)
{
	if (cpu->cpl)
		return hw_cpu_raise(cpu, HW_EXC_GP, HW_RULE_GP_CPL);
	cpu->ctr.invlpg++;
	cpu->ctr.cycles += cpu->lat.invlpg;
	if (!hw_canonical(cpu, va))
		return 0;
	struct hw_inv tlb = { .by_va = true, .va = va & cpu->va_mask, .pcid = cpu->pcid,
			      .global = true, .nonglobal = true };
	struct hw_inv pwc = { .pcid = cpu->pcid, .nonglobal = true };
	hw_flush(cpu, HW_INV_INVLPG, &tlb, &pwc);
	return 0;
}

/* The #GP conditions of INVPCID other than CPL. */
static bool invpcid_bad(const struct hw_cpu *cpu, unsigned type, uint64_t pcid, uint64_t va)
{
	if (type > 3 || pcid > HW_CR3_PCID_MASK)
		return true;
	if (!(cpu->cr4 & HW_CR4_PCIDE) && type <= 1 && pcid)
		return true;
	return type == 0 && !hw_canonical(cpu, va);
}

/* See cpu.h. Type 0: one address of one PCID (not global translations);
 * 1: one PCID (not global); 2: everything; 3: everything but global
 * translations. Paging-structure caches follow the same selection. */
int hw_invpcid(struct hw_cpu *cpu, unsigned type, uint64_t pcid, uint64_t va)
{
	static const enum hw_inv_op ops[4] = { HW_INV_INVPCID0, HW_INV_INVPCID1, HW_INV_INVPCID2, HW_INV_INVPCID3 };
	if (!cpu->has_pcid)
		return hw_cpu_raise(cpu, HW_EXC_UD, HW_RULE_UD_FEATURE);
	if (cpu->cpl)
		return hw_cpu_raise(cpu, HW_EXC_GP, HW_RULE_GP_CPL);
	if (invpcid_bad(cpu, type, pcid, va))
		return hw_cpu_raise(cpu, HW_EXC_GP, HW_RULE_GP_INVPCID);
	cpu->ctr.invpcid[type]++;
	cpu->ctr.cycles += cpu->lat.invpcid;
	struct hw_inv f = { .by_va = type == 0, .va = va & cpu->va_mask, .pcid = type <= 1 ? (int)pcid : -1,
			    .global = type == 2, .nonglobal = true };
	struct hw_inv pwc = f;
	pwc.global = false;
	if (cpu->in_guest)
		hw_vmx_flush(cpu, ops[type], &f, &pwc);     /* the guest's PCIDs of its VPID */
	else
		hw_flush(cpu, ops[type], &f, &pwc);
	return 0;
}
