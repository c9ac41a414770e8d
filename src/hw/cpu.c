/*
 * hw/cpu.c — a core's life: its start state, the state derived from the
 * control registers, and the instructions that write CR0, CR4, EFER, PKRU
 * and RFLAGS.AC (MOV to CR3, INVLPG and INVPCID are in invalidate.c).
 *
 * The model is a core in 64-bit mode, which it never leaves: clearing
 * CR0.PG, CR4.PAE or changing EFER.LME or CR4.LA57 raise #GP(0) as the SDM
 * says they do in IA-32e mode (Vol. 3A §4.1.1, §4.1.2; Vol. 2 MOV CR).
 */
#include "hw/internal.h"

#include "hw/seg.h"

#include <errno.h>
#include <string.h>

#define CR0_KNOWN (HW_CR0_PE | HW_CR0_MP | HW_CR0_EM | HW_CR0_TS | HW_CR0_ET | HW_CR0_NE | \
		   HW_CR0_WP | HW_CR0_AM | HW_CR0_NW | HW_CR0_CD | HW_CR0_PG)
#define EFER_KNOWN (HW_EFER_SCE | HW_EFER_LME | HW_EFER_LMA | HW_EFER_NXE)

/* ---- derived state ------------------------------------------------------- */

/* Reserved-bit masks by level and PS (SDM Tables 4-15..4-20): address
 * bits 51:MAXPHYADDR everywhere, XD when EFER.NXE=0, PS in a PML5E or
 * PML4E, and the address bits below a large page's base other than PAT. */
static void refresh_rsvd(struct hw_cpu *cpu)
{
	uint64_t common = HW_PTE_ADDR_MASK & ~((1ULL << cpu->maxphyaddr) - 1);
	if (!(cpu->efer & HW_EFER_NXE))
		common |= HW_PTE_XD;
	for (int l = HW_LVL_PT; l <= HW_LVL_PML5; l++)
		cpu->rsvd[l][0] = cpu->rsvd[l][1] = common;
	cpu->rsvd[HW_LVL_PML4][0] |= HW_PTE_PS;
	cpu->rsvd[HW_LVL_PML5][0] |= HW_PTE_PS;
	cpu->rsvd[HW_LVL_PD][1] |= 0x1FE000ULL;        /* bits 20:13 */
	cpu->rsvd[HW_LVL_PDPT][1] |= 0x3FFFE000ULL;    /* bits 29:13 */
}

/* The permission table: for every RFLAGS.AC, privilege, kind and cached
 * attribute byte, whether a TLB hit may complete without a walk (allowed,
 * and for a write, already dirty). */
static void refresh_perm(struct hw_cpu *cpu)
{
	enum hw_rule rule;
	for (int ac = 0; ac < 2; ac++)
		for (int p = 0; p < HW_NR_PRIV; p++)
			for (int k = 0; k < HW_NR_ACCESS; k++)
				for (unsigned a = 0; a < 256; a++)
					cpu->perm[ac][p][k][a] =
						!hw_perm_check(cpu, a, (enum hw_access)k, (enum hw_priv)p, ac, &rule) &&
						(k != HW_WRITE || (a & HW_R_D));
}

/* See cpu.h. */
void hw_cpu_refresh(struct hw_cpu *cpu)
{
	cpu->va_bits = (cpu->cr4 & HW_CR4_LA57) ? 57 : 48;
	cpu->va_mask = (1ULL << cpu->va_bits) - 1;
	cpu->pcid = (cpu->cr4 & HW_CR4_PCIDE) ? (uint16_t)(cpu->cr3 & HW_CR3_PCID_MASK) : 0;
	if (cpu->in_guest)
		cpu->pcid = cpu->vmx.tag;             /* the guest's VPID/PCID tag (hw/ept.c) */
	refresh_rsvd(cpu);
	refresh_perm(cpu);
}

/* ---- set-up --------------------------------------------------------------- */

/* Allocate TLB id with the page sizes its geometry lists. */
static int init_tlb(struct hw_cpu *cpu, const struct hw_config *cfg, int id)
{
	uint8_t shifts[HW_NR_PSIZES];
	int n = 0;
	for (int s = 0; s < HW_NR_PSIZES; s++)
		if (cfg->tlb[id].sizes & HW_SIZE_BIT(s))
			shifts[n++] = (uint8_t)hw_psize_shift((enum hw_psize)s);
	return hw_tlb_init(&cpu->tlb[id], &cfg->tlb[id], shifts, n, id);
}

/* The first L1 TLB of a list that has entries, or NULL. */
static struct hw_tlb *first_tlb(struct hw_cpu *cpu, int from, int to)
{
	for (int id = from; id <= to; id++)
		if (cpu->tlb[id].sets)
			return &cpu->tlb[id];
	return NULL;
}

/* See cpu.h. */
int hw_cpu_init(struct hw_cpu *cpu, const struct hw_config *cfg, const struct ram *ram, int id)
{
	memset(cpu, 0, sizeof *cpu);
	cpu->ram = ram;
	cpu->id = id;
	cpu->paging_levels = cfg->paging_levels;
	cpu->maxphyaddr = cfg->maxphyaddr;
	cpu->has_pcid = cfg->pcid;
	cpu->rewalk_stale = cfg->rewalk_stale;
	cpu->lat = cfg->lat;
	int err = hw_sb_init(cpu, cfg->sb_entries);
	for (int i = 0; i < HW_NR_TLBS && !err; i++)
		err = init_tlb(cpu, cfg, i);
	for (int i = 0; i < HW_NR_PWCS && !err; i++) {
		uint8_t shift = (uint8_t)hw_level_shift(hw_pwc_level((enum hw_pwc_id)i));
		err = hw_tlb_init(&cpu->pwc[i], &cfg->pwc[i], &shift, 1, i);
	}
	if (err) {
		hw_cpu_destroy(cpu);
		return -ENOMEM;
	}
	cpu->l1_fast[HW_READ] = cpu->l1_fast[HW_WRITE] = first_tlb(cpu, HW_TLB_DTLB4K, HW_TLB_DTLB1G);
	cpu->l1_fast[HW_FETCH] = first_tlb(cpu, HW_TLB_ITLB, HW_TLB_ITLB2M);
	hw_translate_setup(cpu);
	cpu->cr0 = HW_CR0_PE | HW_CR0_ET | HW_CR0_PG;
	cpu->cr4 = HW_CR4_PAE | (cfg->paging_levels == 5 ? HW_CR4_LA57 : 0);
	cpu->efer = HW_EFER_LME | HW_EFER_LMA;
	hw_seg_reset(&cpu->seg);
	hw_cpu_refresh(cpu);
	return 0;
}

/* See cpu.h. */
void hw_cpu_destroy(struct hw_cpu *cpu)
{
	hw_sb_destroy(cpu);
	for (int i = 0; i < HW_NR_TLBS; i++)
		hw_tlb_destroy(&cpu->tlb[i]);
	for (int i = 0; i < HW_NR_PWCS; i++)
		hw_tlb_destroy(&cpu->pwc[i]);
}

/* See cpu.h. */
void hw_set_trace(struct hw_cpu *cpu, hw_trace_fn fn, void *ctx)
{
	cpu->trace = fn;
	cpu->trace_ctx = ctx;
}

/* See cpu.h. */
int hw_cpu_raise(struct hw_cpu *cpu, int vector, int rule)
{
	if (vector == HW_EXC_GP)
		cpu->ctr.gp++;
	else
		cpu->ctr.ud++;
	hw_emit(cpu, .type = HW_EV_FAULT, .exc = { .vector = (uint8_t)vector }, .rule = (uint8_t)rule);
	return vector;
}

/* ---- instructions ----------------------------------------------------------- */

/* See cpu.h. Bits 63:32 are reserved; paging cannot be turned off in 64-bit
 * mode; NW=1 with CD=0 is invalid. Other unknown bits read back as 0. A
 * change of WP needs no invalidation: rights are checked at each access. */
int hw_mov_to_cr0(struct hw_cpu *cpu, uint64_t value)
{
	if (cpu->cpl)
		return hw_cpu_raise(cpu, HW_EXC_GP, HW_RULE_GP_CPL);
	if (value >> 32)
		return hw_cpu_raise(cpu, HW_EXC_GP, HW_RULE_GP_RESERVED);
	if (!(value & HW_CR0_PG) || !(value & HW_CR0_PE))
		return hw_cpu_raise(cpu, HW_EXC_GP, HW_RULE_GP_PG);
	if ((value & HW_CR0_NW) && !(value & HW_CR0_CD))
		return hw_cpu_raise(cpu, HW_EXC_GP, HW_RULE_GP_CACHE);
	cpu->cr0 = (value & CR0_KNOWN) | HW_CR0_ET;
	hw_cpu_refresh(cpu);
	return 0;
}

/* The CR4 bits this core implements. */
static uint64_t cr4_supported(const struct hw_cpu *cpu)
{
	return HW_CR4_PSE | HW_CR4_PAE | HW_CR4_PGE | HW_CR4_FSGSBASE | HW_CR4_SMEP | HW_CR4_SMAP | HW_CR4_PKE |
	       (cpu->paging_levels == 5 ? HW_CR4_LA57 : 0) | (cpu->has_pcid ? HW_CR4_PCIDE : 0);
}

/* The #GP rule a new CR4 value breaks, or HW_RULE_ALLOWED. */
static enum hw_rule cr4_check(const struct hw_cpu *cpu, uint64_t value)
{
	if (value & ~cr4_supported(cpu))
		return HW_RULE_GP_RESERVED;
	if (!(value & HW_CR4_PAE))
		return HW_RULE_GP_PAE;
	if ((value ^ cpu->cr4) & HW_CR4_LA57)
		return HW_RULE_GP_LA57;
	if ((value & HW_CR4_PCIDE) && !(cpu->cr4 & HW_CR4_PCIDE) && (cpu->cr3 & HW_CR3_PCID_MASK))
		return HW_RULE_GP_PCIDE;
	return HW_RULE_ALLOWED;
}

/* See cpu.h. SDM §4.10.4.1: changing PGE, or clearing PCIDE, drops every
 * TLB entry (global ones too) and every paging-structure-cache entry;
 * setting SMEP drops those of the current PCID. In a guest (hw/ept.h)
 * what it drops is its VPID's, PGE is recorded and kept out of the core's
 * CR4 (guest translations are cached non-global), and a change of PCIDE
 * changes the tag. */
int hw_mov_to_cr4(struct hw_cpu *cpu, uint64_t value)
{
	if (cpu->cpl)
		return hw_cpu_raise(cpu, HW_EXC_GP, HW_RULE_GP_CPL);
	enum hw_rule bad = cr4_check(cpu, value);
	if (bad != HW_RULE_ALLOWED)
		return hw_cpu_raise(cpu, HW_EXC_GP, (int)bad);
	bool guest = cpu->in_guest;
	uint64_t old = cpu->cr4 | (guest && cpu->vmx.guest_pge ? HW_CR4_PGE : 0);
	cpu->cr4 = value;
	if (guest) {                    /* PGE kept out of the core, the tag follows PCIDE */
		cpu->vmx.guest_pge = (value & HW_CR4_PGE) != 0;
		cpu->cr4 &= ~HW_CR4_PGE;
	}
	hw_cpu_refresh(cpu);
	if (guest)
		hw_vmx_retag(cpu);
	struct hw_inv all = { .pcid = -1, .global = !guest, .nonglobal = true };
	struct hw_inv mine = { .pcid = cpu->pcid, .nonglobal = true };
	if (((old ^ value) & HW_CR4_PGE) || ((old & HW_CR4_PCIDE) && !(value & HW_CR4_PCIDE)))
		(guest ? hw_vmx_flush : hw_flush)(cpu, HW_INV_MOV_CR4, &all, &all);
	else if (!(old & HW_CR4_SMEP) && (value & HW_CR4_SMEP))
		hw_flush(cpu, HW_INV_MOV_CR4, &mine, &mine);
	else
		return 0;
	cpu->ctr.cr4_flush++;
	return 0;
}

/* See cpu.h. WRMSR to IA32_EFER: unknown bits are reserved, LME cannot
 * change while paging is on, LMA is read-only. NXE takes effect at the next
 * access (reserved-bit and XD checks read it then). */
int hw_wrmsr_efer(struct hw_cpu *cpu, uint64_t value)
{
	if (cpu->cpl)
		return hw_cpu_raise(cpu, HW_EXC_GP, HW_RULE_GP_CPL);
	if (value & ~EFER_KNOWN)
		return hw_cpu_raise(cpu, HW_EXC_GP, HW_RULE_GP_RESERVED);
	if ((value ^ cpu->efer) & HW_EFER_LME)
		return hw_cpu_raise(cpu, HW_EXC_GP, HW_RULE_GP_LME);
	cpu->efer = (value & ~HW_EFER_LMA) | (cpu->efer & HW_EFER_LMA);
	hw_cpu_refresh(cpu);
	return 0;
}

/* See cpu.h. WRPKRU runs at any CPL but needs CR4.PKE=1 (else #UD). */
int hw_wrpkru(struct hw_cpu *cpu, uint32_t value)
{
	if (!(cpu->cr4 & HW_CR4_PKE))
		return hw_cpu_raise(cpu, HW_EXC_UD, HW_RULE_UD_PKE);
	cpu->pkru = value;
	hw_cpu_refresh(cpu);
	return 0;
}

/* See cpu.h. STAC and CLAC are #UD outside CPL 0. */
int hw_stac(struct hw_cpu *cpu)
{
	if (cpu->cpl)
		return hw_cpu_raise(cpu, HW_EXC_UD, HW_RULE_GP_CPL);
	cpu->ac = 1;
	return 0;
}

/* See cpu.h. */
int hw_clac(struct hw_cpu *cpu)
{
	if (cpu->cpl)
		return hw_cpu_raise(cpu, HW_EXC_UD, HW_RULE_GP_CPL);
	cpu->ac = 0;
	return 0;
}
