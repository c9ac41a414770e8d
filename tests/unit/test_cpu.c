/* Control registers: the start state and the #GP/#UD the SDM names for
 * illegal values (MOV CR, WRMSR EFER, WRPKRU, STAC/CLAC). */
#include "pt_helpers.h"

static void a_core_starts_in_64_bit_mode_with_optional_features_off(void)
{
	struct pt *t = pt_new("default", 4);
	struct hw_cpu *c = t->cpu;
	cr_assert_eq(c->cr0 & (HW_CR0_PE | HW_CR0_PG | HW_CR0_WP), HW_CR0_PE | HW_CR0_PG);
	cr_assert_eq(c->cr4, HW_CR4_PAE);
	cr_assert_eq(c->efer, HW_EFER_LME | HW_EFER_LMA);
	cr_assert_eq(c->pkru, 0);
	cr_assert_eq(c->cpl, 0);
	cr_assert_eq(c->va_bits, 48);
	pt_free(t);
	t = pt_new("default", 5);
	cr_assert_eq(t->cpu->cr4, HW_CR4_PAE | HW_CR4_LA57);
	cr_assert_eq(t->cpu->va_bits, 57);
	pt_free(t);
}

static void paging_cannot_be_turned_off_in_64_bit_mode(void)
{
	struct pt *t = pt_new("default", 4);
	uint64_t cr0 = t->cpu->cr0;
	cr_assert_eq(hw_mov_to_cr0(t->cpu, cr0 & ~HW_CR0_PG), HW_EXC_GP);
	cr_assert_eq(hw_mov_to_cr0(t->cpu, cr0 & ~HW_CR0_PE), HW_EXC_GP);
	cr_assert_eq(hw_mov_to_cr0(t->cpu, cr0 | HW_CR0_NW), HW_EXC_GP);       /* NW without CD */
	cr_assert_eq(hw_mov_to_cr0(t->cpu, cr0 | (1ULL << 40)), HW_EXC_GP);
	cr_assert_eq(t->cpu->cr0, cr0, "a faulting MOV changes nothing");
	cr_assert_eq(t->cpu->ctr.gp, 4);
	cr_assert_eq(hw_mov_to_cr0(t->cpu, cr0 | HW_CR0_WP | HW_CR0_NW | HW_CR0_CD), 0);
	cr_assert(t->cpu->cr0 & HW_CR0_WP);
	pt_free(t);
}

static void cr4_rejects_reserved_bits_pae_clear_and_la57_change(void)
{
	struct pt *t = pt_new("default", 4);
	uint64_t cr4 = t->cpu->cr4;
	cr_assert_eq(hw_mov_to_cr4(t->cpu, cr4 | (1ULL << 9)), HW_EXC_GP);     /* not implemented */
	cr_assert_eq(hw_mov_to_cr4(t->cpu, cr4 & ~HW_CR4_PAE), HW_EXC_GP);
	cr_assert_eq(hw_mov_to_cr4(t->cpu, cr4 | HW_CR4_LA57), HW_EXC_GP);    /* 4-level machine */
	cr_assert_eq(t->cpu->cr4, cr4);
	pt_free(t);
	t = pt_new("default", 5);
	cr_assert_eq(hw_mov_to_cr4(t->cpu, t->cpu->cr4 & ~HW_CR4_LA57), HW_EXC_GP);
	cr_assert(t->cpu->cr4 & HW_CR4_LA57);
	pt_free(t);
}

static void pcide_needs_cr3_low_bits_clear_and_pcid_support(void)
{
	struct pt *t = pt_new("default", 4);
	cr_assert_eq(hw_mov_to_cr3(t->cpu, t->root | 0x18), 0);     /* PWT|PCD: fine with PCIDE=0 */
	cr_assert_eq(hw_mov_to_cr4(t->cpu, t->cpu->cr4 | HW_CR4_PCIDE), HW_EXC_GP);
	cr_assert_not(t->cpu->cr4 & HW_CR4_PCIDE);
	cr_assert_eq(hw_mov_to_cr3(t->cpu, t->root), 0);
	cr_assert_eq(hw_mov_to_cr4(t->cpu, t->cpu->cr4 | HW_CR4_PCIDE), 0);
	pt_free(t);
	const struct hw_preset *p = hw_preset_find("default");
	struct hw_config cfg = p->config;
	cfg.ram_bytes = 64ULL << 20;
	cfg.pcid = false;
	t = pt_new_cfg(&cfg);
	cr_assert_eq(hw_mov_to_cr4(t->cpu, t->cpu->cr4 | HW_CR4_PCIDE), HW_EXC_GP);
	cr_assert_eq(hw_invpcid(t->cpu, 2, 0, 0), HW_EXC_UD);
	pt_free(t);
}

static void cr3_reserved_bits_depend_on_pcide(void)
{
	struct pt *t = pt_new("default", 4);
	cr_assert_eq(hw_mov_to_cr3(t->cpu, t->root | HW_CR3_NOFLUSH), HW_EXC_GP);
	cr_assert_eq(hw_mov_to_cr3(t->cpu, t->root | (1ULL << 46)), HW_EXC_GP);
	cr_assert_eq(hw_mov_to_cr4(t->cpu, t->cpu->cr4 | HW_CR4_PCIDE), 0);
	cr_assert_eq(hw_mov_to_cr3(t->cpu, t->root | HW_CR3_NOFLUSH | 7), 0);
	cr_assert_eq(t->cpu->cr3, t->root | 7, "bit 63 is not stored");
	cr_assert_eq(t->cpu->pcid, 7);
	pt_free(t);
}

static void efer_lme_is_fixed_while_paging_and_lma_is_read_only(void)
{
	struct pt *t = pt_new("default", 4);
	uint64_t efer = t->cpu->efer;
	cr_assert_eq(hw_wrmsr_efer(t->cpu, efer & ~HW_EFER_LME), HW_EXC_GP);
	cr_assert_eq(hw_wrmsr_efer(t->cpu, efer | (1ULL << 20)), HW_EXC_GP);
	cr_assert_eq(hw_wrmsr_efer(t->cpu, (efer | HW_EFER_NXE) & ~HW_EFER_LMA), 0);
	cr_assert_eq(t->cpu->efer, efer | HW_EFER_NXE);
	pt_free(t);
}

static void privileged_instructions_fault_at_cpl3(void)
{
	struct pt *t = pt_new("default", 4);
	struct hw_cpu *c = t->cpu;
	cr_assert_eq(hw_mov_to_cr4(c, c->cr4 | HW_CR4_PKE), 0);
	hw_set_cpl(c, 3);
	cr_assert_eq(hw_mov_to_cr0(c, c->cr0), HW_EXC_GP);
	cr_assert_eq(hw_mov_to_cr3(c, t->root), HW_EXC_GP);
	cr_assert_eq(hw_mov_to_cr4(c, c->cr4), HW_EXC_GP);
	cr_assert_eq(hw_wrmsr_efer(c, c->efer), HW_EXC_GP);
	cr_assert_eq(hw_invlpg(c, 0), HW_EXC_GP);
	cr_assert_eq(hw_invpcid(c, 2, 0, 0), HW_EXC_GP);
	cr_assert_eq(hw_stac(c), HW_EXC_UD);
	cr_assert_eq(hw_clac(c), HW_EXC_UD);
	cr_assert_eq(hw_wrpkru(c, 4), 0, "WRPKRU is allowed in user mode");
	cr_assert_eq(c->pkru, 4);
	cr_assert_eq(c->ctr.gp, 6);
	cr_assert_eq(c->ctr.ud, 2);
	hw_set_cpl(c, 0);
	cr_assert_eq(hw_invlpg(c, 0), 0);
	pt_free(t);
}

static void invpcid_operand_checks(void)
{
	struct pt *t = pt_new("default", 4);
	struct hw_cpu *c = t->cpu;
	cr_assert_eq(hw_invpcid(c, 1, 1, 0), HW_EXC_GP, "PCID != 0 with PCIDE=0");
	cr_assert_eq(hw_invpcid(c, 1, 0, 0), 0);
	cr_assert_eq(hw_invpcid(c, 2, 1, 0), 0, "types 2 and 3 ignore the PCID");
	cr_assert_eq(hw_invpcid(c, 4, 0, 0), HW_EXC_GP);
	cr_assert_eq(hw_mov_to_cr4(c, c->cr4 | HW_CR4_PCIDE), 0);
	cr_assert_eq(hw_invpcid(c, 0, 4096, 0), HW_EXC_GP);
	cr_assert_eq(hw_invpcid(c, 0, 5, 1ULL << 47), HW_EXC_GP, "non-canonical address");
	cr_assert_eq(hw_invpcid(c, 0, 5, 0x1000), 0);
	cr_assert_eq(c->ctr.invpcid[0], 1);
	cr_assert_eq(c->ctr.invpcid[1], 1);
	cr_assert_eq(c->ctr.invpcid[2], 1);
	pt_free(t);
}

static void invlpg_of_a_non_canonical_address_is_a_no_op(void)
{
	struct pt *t = pt_new("default", 4);
	cr_assert_eq(hw_invlpg(t->cpu, 1ULL << 47), 0);
	cr_assert_eq(t->cpu->ctr.invlpg, 1);
	pt_free(t);
}

/* The start state; MOV to CR0. */
Test(cpu, start_state_and_cr0)
{
	a_core_starts_in_64_bit_mode_with_optional_features_off();
	paging_cannot_be_turned_off_in_64_bit_mode();
}

/* MOV to CR4 and MOV to CR3. */
Test(cpu, cr3_and_cr4)
{
	cr4_rejects_reserved_bits_pae_clear_and_la57_change();
	pcide_needs_cr3_low_bits_clear_and_pcid_support();
	cr3_reserved_bits_depend_on_pcide();
}

/* WRMSR EFER; CPL checks. */
Test(cpu, efer_and_privilege)
{
	efer_lme_is_fixed_while_paging_and_lma_is_read_only();
	privileged_instructions_fault_at_cpl3();
}

/* INVPCID and INVLPG operands. */
Test(cpu, invalidation_operands)
{
	invpcid_operand_checks();
	invlpg_of_a_non_canonical_address_is_a_no_op();
}
