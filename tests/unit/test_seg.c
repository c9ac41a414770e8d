/* Segmentation (hw/seg.h): descriptors, segment loads and their faults,
 * FS/GS bases, the canonical check after the base, compatibility mode
 * with limits and expand-down segments, SYSCALL/SYSRET, exception
 * entry and IRET. One rule per test, from Intel SDM Vol. 3A ch. 3 and 5
 * and Vol. 2 (MOV, JMP, LLDT, SWAPGS, WRFSBASE, SYSRET, IRET). */
#include "pt_helpers.h"

#include "hw/seg.h"

#include <errno.h>

#define GDT_VA 0xfffffe0000001000ULL    /* Linux's cpu_entry_area of CPU 0 */
#define LDT_VA 0xffff880000000000ULL    /* Linux's LDT_BASE_ADDR */
#define DATA_VA 0x0000000010000000ULL
#define GDT_PA 0x3000000ULL
#define LDT_PA 0x3001000ULL
#define DATA_PA 0x3100000ULL

/* Linux's GDT (arch/x86/kernel/cpu/common.c, gdt_page), as raw descriptors. */
#define KERNEL32_CS 0x00cf9b000000ffffULL
#define KERNEL_CS   0x00af9b000000ffffULL
#define KERNEL_DS   0x00cf93000000ffffULL
#define USER32_CS   0x00cffb000000ffffULL
#define USER_DS     0x00cff3000000ffffULL
#define USER_CS     0x00affb000000ffffULL

/* Flat data of DPL dpl, writable, accessed (DESC_DATA64 | DESC_USER). */
#define DATA(dpl) (HW_SEG_WRITABLE | HW_SEG_ACCESSED | HW_SEG_S | (dpl) << HW_SEG_DPL_SHIFT | HW_SEG_P | \
		   HW_SEG_DB)

/* A machine whose GDT (mapped read-only like Linux's fixmap GDT) holds
 * Linux's entries; entries 7 and 12..15 are free for tests. The core runs
 * at CPL 0 in 64-bit mode with STAR as Linux sets it. */
static struct pt *setup(void)
{
	struct pt *t = pt_new("default", 4);
	static const uint64_t gdt[] = { 0, KERNEL32_CS, KERNEL_CS, KERNEL_DS, USER32_CS, USER_DS, USER_CS };
	pt_map(t, t->root, GDT_VA, GDT_PA, HW_LVL_PT, HW_PTE_P | HW_PTE_A | HW_PTE_XD, PT_KERN_RW, 0);
	pt_map(t, t->root, DATA_VA, DATA_PA, HW_LVL_PT, PT_USER_RW, PT_TABLE, 0);
	for (unsigned i = 0; i < sizeof gdt / sizeof gdt[0]; i++)
		pt_set(t, GDT_PA + 8 * i, gdt[i]);
	cr_assert_eq(hw_lgdt(t->cpu, GDT_VA, 16 * 8 - 1, NULL), 0);
	cr_assert_eq(hw_wrmsr(t->cpu, HW_MSR_STAR, (0x23ULL << 48) | (0x10ULL << 32), NULL), 0);
	cr_assert_eq(hw_wrmsr_efer(t->cpu, t->cpu->efer | HW_EFER_SCE | HW_EFER_NXE), 0);
	cr_assert_eq(hw_mov_to_cr0(t->cpu, t->cpu->cr0 | HW_CR0_WP), 0);
	return t;
}

static void set_gdt(struct pt *t, unsigned index, uint64_t desc)
{
	pt_set(t, GDT_PA + 8 * index, desc);
}

/* Load sel into r and expect vector with error code. */
static void expect_load_fault(struct pt *t, enum hw_sreg r, uint16_t sel, int vector, uint32_t code)
{
	struct hw_exception e = { 0 };
	struct hw_segment before = t->cpu->seg.sreg[r];
	cr_assert_eq(hw_load_sreg(t->cpu, r, sel, &e), vector, "selector 0x%x into %s", sel, hw_sreg_name(r));
	cr_assert_eq(e.vector, vector);
	cr_assert_eq(e.error_code, code, "error code 0x%x, want 0x%x", e.error_code, code);
	cr_assert_eq(t->cpu->seg.sreg[r].sel, before.sel, "a faulting load changes nothing");
	cr_assert_eq(t->cpu->seg.sreg[r].base, before.base);
}

/* ---- descriptors ---------------------------------------------------------------- */

Test(seg, linux_gdt_descriptors_decode_and_encode)
{
	struct hw_desc d = hw_desc_decode(KERNEL_CS, 0, false);
	cr_assert_eq(d.base, 0);
	cr_assert_eq(d.limit20, 0xfffff);
	cr_assert_eq(d.limit, 0xffffffff, "G=1 scales the limit to bytes");
	cr_assert_eq(d.attr, 0xa09b, "Linux's DESC_CODE64: P, DPL 0, S, type 0xb, L, G");
	cr_assert_eq(hw_desc_make(0, 0xfffff, 0xa09b), KERNEL_CS);
	cr_assert_eq(hw_desc_make(0, 0xfffff, 0xc0f3), USER_DS);
	d = hw_desc_decode(hw_desc_make(0x12345678, 0xabcde, HW_SEG_S | HW_SEG_P | HW_SEG_WRITABLE), 0, false);
	cr_assert_eq(d.base, 0x12345678);
	cr_assert_eq(d.limit, 0xabcde, "G=0: the limit is in bytes");
	char text[96];
	hw_desc_describe(0xa0fb, text, sizeof text);
	cr_assert_str_eq(text, "64-bit code, readable, DPL 3, present");
	hw_desc_describe(0xc0f5, text, sizeof text);
	cr_assert_str_eq(text, "32-bit data, read-only, expand-down, DPL 3, present");
}

Test(seg, system_descriptors_are_sixteen_bytes_with_a_64_bit_base)
{
	uint64_t raw[2];
	hw_desc_make_system(0xffff880000001000ULL, 0xfff, HW_SYS_LDT, 0, raw);
	struct hw_desc d = hw_desc_decode(raw[0], raw[1], true);
	cr_assert_eq(d.base, 0xffff880000001000ULL);
	cr_assert_eq(d.limit, 0xfff);
	cr_assert_eq(d.attr & HW_SEG_TYPE, HW_SYS_LDT);
	cr_assert_eq(d.attr & HW_SEG_S, 0);
	cr_assert_eq(hw_desc_decode(raw[0], raw[1], false).base, 0x00001000, "8 bytes carry base 31:0 only");
}

/* ---- GDTR, MOV Sreg ------------------------------------------------------------- */

Test(seg, lgdt_needs_cpl0_and_a_canonical_base)
{
	struct pt *t = setup();
	struct hw_exception e;
	cr_assert_eq(hw_lgdt(t->cpu, 0x0000800000000000ULL, 127, &e), HW_EXC_GP);
	cr_assert_eq(e.error_code, 0);
	hw_set_cpl(t->cpu, 3);
	cr_assert_eq(hw_lgdt(t->cpu, GDT_VA, 127, &e), HW_EXC_GP);
	cr_assert_eq(t->cpu->seg.gdtr.base, GDT_VA);
	pt_free(t);
}

Test(seg, cpl_is_the_rpl_of_cs)
{
	struct pt *t = setup();
	cr_assert_eq(t->cpu->cpl, 0);
	cr_assert_eq(hw_sysret(t->cpu, true, NULL), 0);
	cr_assert_eq(t->cpu->seg.sreg[HW_CS].sel, 0x33, "SYSRET to 64-bit mode: STAR[63:48] + 16, RPL 3");
	cr_assert_eq(t->cpu->seg.sreg[HW_SS].sel, 0x2b);
	cr_assert_eq(t->cpu->cpl, 3);
	cr_assert_eq(hw_mov_to_cr3(t->cpu, t->root), HW_EXC_GP, "CPL 3: privileged");
	cr_assert_eq(hw_syscall(t->cpu, NULL), 0);
	cr_assert_eq(t->cpu->seg.sreg[HW_CS].sel, 0x10);
	cr_assert_eq(t->cpu->seg.sreg[HW_SS].sel, 0x18);
	cr_assert_eq(t->cpu->cpl, 0);
	pt_free(t);
}

Test(seg, a_data_segment_loads_its_hidden_part_from_the_gdt)
{
	struct pt *t = setup();
	set_gdt(t, 12, hw_desc_make(0x12345000, 0x00fff, DATA(3)));
	cr_assert_eq(hw_load_sreg(t->cpu, HW_FS, 12 * 8 + 3, NULL), 0);
	struct hw_segment *fs = &t->cpu->seg.sreg[HW_FS];
	cr_assert_eq(fs->sel, 0x63);
	cr_assert_eq(fs->base, 0x12345000);
	cr_assert_eq(fs->limit, 0xfff);
	cr_assert_eq(t->cpu->seg.ctr.desc_reads, 1);
	cr_assert_eq(t->cpu->ctr.walks, 1, "the descriptor was read through paging");
	pt_free(t);
}

Test(seg, a_null_selector_zeroes_the_fs_base_as_intel_does)
{
	struct pt *t = setup();
	cr_assert_eq(hw_wrmsr(t->cpu, HW_MSR_FS_BASE, 0x7f0000001000ULL, NULL), 0);
	cr_assert_eq(hw_load_sreg(t->cpu, HW_FS, 3, NULL), 0);
	cr_assert_eq(t->cpu->seg.sreg[HW_FS].base, 0);
	cr_assert(t->cpu->seg.sreg[HW_FS].attr & HW_SEG_UNUSABLE);
	cr_assert_eq(t->cpu->seg.ctr.desc_reads, 0, "a null selector reads no descriptor");
	pt_free(t);
}

Test(seg, selector_beyond_the_gdt_limit_is_gp_sel)
{
	struct pt *t = setup();
	expect_load_fault(t, HW_DS, 16 * 8 + 3, HW_EXC_GP, 16 * 8);
	pt_free(t);
}

Test(seg, ti_without_an_ldt_is_gp_sel)
{
	struct pt *t = setup();
	expect_load_fault(t, HW_DS, 0x7, HW_EXC_GP, 0x4);
	pt_free(t);
}

Test(seg, system_descriptor_into_a_data_register_is_gp_sel)
{
	struct pt *t = setup();
	uint64_t raw[2];
	hw_desc_make_system(LDT_VA, 0xfff, HW_SYS_LDT, 0, raw);
	set_gdt(t, 12, raw[0]);
	expect_load_fault(t, HW_ES, 12 * 8, HW_EXC_GP, 12 * 8);
	pt_free(t);
}

Test(seg, execute_only_code_is_gp_readable_code_loads)
{
	struct pt *t = setup();
	set_gdt(t, 12, hw_desc_make(0, 0xfffff, HW_SEG_CODE | HW_SEG_S | HW_SEG_P | HW_SEG_DB | HW_SEG_G));
	expect_load_fault(t, HW_DS, 12 * 8, HW_EXC_GP, 12 * 8);
	cr_assert_eq(hw_load_sreg(t->cpu, HW_DS, 1 * 8, NULL), 0, "KERNEL32_CS is readable code");
	pt_free(t);
}

Test(seg, a_user_may_not_load_a_ring0_data_segment)
{
	struct pt *t = setup();
	hw_set_cpl(t->cpu, 3);
	expect_load_fault(t, HW_DS, 3 * 8 + 3, HW_EXC_GP, 3 * 8);    /* CPL 3 > DPL 0 */
	hw_set_cpl(t->cpu, 0);
	expect_load_fault(t, HW_DS, 3 * 8 + 3, HW_EXC_GP, 3 * 8);    /* RPL 3 > DPL 0 */
	cr_assert_eq(hw_load_sreg(t->cpu, HW_DS, 3 * 8, NULL), 0);
	pt_free(t);
}

Test(seg, not_present_is_np_and_ss_for_the_stack)
{
	struct pt *t = setup();
	set_gdt(t, 12, hw_desc_make(0, 0xfffff, DATA(0) & ~HW_SEG_P));
	expect_load_fault(t, HW_GS, 12 * 8, HW_EXC_NP, 12 * 8);
	expect_load_fault(t, HW_SS, 12 * 8, HW_EXC_SS, 12 * 8);
	cr_assert_eq(t->cpu->seg.ctr.np, 1);
	cr_assert_eq(t->cpu->seg.ctr.ss, 1);
	pt_free(t);
}

Test(seg, ss_needs_writable_data_at_cpl)
{
	struct pt *t = setup();
	set_gdt(t, 12, hw_desc_make(0, 0xfffff, (DATA(0) & ~HW_SEG_WRITABLE)));
	expect_load_fault(t, HW_SS, 12 * 8, HW_EXC_GP, 12 * 8);
	expect_load_fault(t, HW_SS, 5 * 8 + 3, HW_EXC_GP, 5 * 8);     /* DPL 3 at CPL 0 */
	cr_assert_eq(hw_load_sreg(t->cpu, HW_SS, 3 * 8, NULL), 0);
	pt_free(t);
}

Test(seg, null_ss_only_in_64_bit_mode_below_cpl3)
{
	struct pt *t = setup();
	cr_assert_eq(hw_load_sreg(t->cpu, HW_SS, 0, NULL), 0, "64-bit mode, CPL 0, RPL 0");
	expect_load_fault(t, HW_SS, 3, HW_EXC_GP, 0);                    /* RPL != CPL */
	hw_set_cpl(t->cpu, 3);
	expect_load_fault(t, HW_SS, 3, HW_EXC_GP, 0);
	pt_free(t);
}

Test(seg, mov_to_cs_is_ud)
{
	struct pt *t = setup();
	struct hw_exception e;
	cr_assert_eq(hw_load_sreg(t->cpu, HW_CS, 0x10, &e), HW_EXC_UD);
	pt_free(t);
}

Test(seg, the_accessed_flag_is_written_back_to_the_descriptor)
{
	struct pt *t = setup();
	/* a writable GDT mapping this time: the core sets A there */
	pt_map(t, t->root, GDT_VA, GDT_PA, HW_LVL_PT, HW_PTE_P | HW_PTE_RW | HW_PTE_XD, PT_KERN_RW, 0);
	set_gdt(t, 12, hw_desc_make(0, 0xfffff, DATA(0) & ~HW_SEG_ACCESSED));
	cr_assert_eq(hw_load_sreg(t->cpu, HW_DS, 12 * 8, NULL), 0);
	cr_assert(pt_get(t, GDT_PA + 12 * 8) & (1ULL << 40), "type bit 0 (accessed) set in memory");
	cr_assert_eq(t->cpu->seg.ctr.accessed_sets, 1);
	pt_free(t);
}

Test(seg, setting_accessed_in_a_read_only_gdt_faults)
{
	struct pt *t = setup();
	set_gdt(t, 12, hw_desc_make(0, 0xfffff, DATA(0) & ~HW_SEG_ACCESSED));
	struct hw_exception e;
	cr_assert_eq(hw_load_sreg(t->cpu, HW_DS, 12 * 8, &e), HW_EXC_PF, "why Linux keeps A set in its GDT");
	cr_assert_eq(e.error_code, HW_PF_P | HW_PF_W, "a supervisor write to a read-only page (CR0.WP=1)");
	cr_assert_eq(e.cr2, GDT_VA + 12 * 8 + 5);
	cr_assert_eq(t->cpu->seg.sreg[HW_DS].sel, 0);
	pt_free(t);
}

Test(seg, an_unmapped_gdt_faults_on_the_descriptor_read)
{
	struct pt *t = setup();
	cr_assert_eq(hw_lgdt(t->cpu, 0xfffffe0000100000ULL, 127, NULL), 0);
	struct hw_exception e;
	cr_assert_eq(hw_load_sreg(t->cpu, HW_DS, 5 * 8 + 3, &e), HW_EXC_PF);
	cr_assert_eq(e.cr2, 0xfffffe0000100000ULL + 5 * 8);
	cr_assert_eq(e.error_code, 0, "not present, read, supervisor (an implicit access)");
	pt_free(t);
}

/* ---- the LDT ----------------------------------------------------------------- */

/* Put an LDT at LDT_VA with one user data segment (base 0x1000, 4 KiB)
 * and its descriptor at GDT index 10 (Linux's GDT_ENTRY_LDT). */
static void setup_ldt(struct pt *t)
{
	uint64_t raw[2];
	pt_map(t, t->root, LDT_VA, LDT_PA, HW_LVL_PT, HW_PTE_P | HW_PTE_A | HW_PTE_XD, PT_KERN_RW, 0);
	pt_set(t, LDT_PA, hw_desc_make(0x1000, 0xfff, DATA(3)));
	hw_desc_make_system(LDT_VA, 8 * 8 - 1, HW_SYS_LDT, 0, raw);
	set_gdt(t, 10, raw[0]);
	set_gdt(t, 11, raw[1]);
}

Test(seg, lldt_loads_a_16_byte_descriptor_and_ti_selects_it)
{
	struct pt *t = setup();
	setup_ldt(t);
	cr_assert_eq(hw_lldt(t->cpu, 10 * 8, NULL), 0);
	cr_assert_eq(t->cpu->seg.ldtr.base, LDT_VA, "base 63:32 from the upper half");
	cr_assert_eq(t->cpu->seg.ldtr.limit, 63);
	cr_assert_eq(hw_load_sreg(t->cpu, HW_DS, 0x7, NULL), 0, "LDT entry 0, RPL 3");
	cr_assert_eq(t->cpu->seg.sreg[HW_DS].base, 0x1000);
	expect_load_fault(t, HW_DS, 8 * 8 + 7, HW_EXC_GP, 8 * 8 + 4);   /* beyond the LDT's 8 entries */
	pt_free(t);
}

Test(seg, lldt_refuses_other_types_ti_and_a_bad_upper_half)
{
	struct pt *t = setup();
	setup_ldt(t);
	struct hw_exception e;
	cr_assert_eq(hw_lldt(t->cpu, 5 * 8, &e), HW_EXC_GP, "a data segment");
	cr_assert_eq(e.error_code, 5 * 8);
	cr_assert_eq(hw_lldt(t->cpu, 10 * 8 + 4, &e), HW_EXC_GP, "TI=1");
	set_gdt(t, 11, (LDT_VA >> 32) | (1ULL << 40));
	cr_assert_eq(hw_lldt(t->cpu, 10 * 8, &e), HW_EXC_GP, "type bits in the upper half");
	hw_set_cpl(t->cpu, 3);
	cr_assert_eq(hw_lldt(t->cpu, 10 * 8, &e), HW_EXC_GP);
	cr_assert_eq(e.error_code, 0, "#GP(0) at CPL 3");
	pt_free(t);
}

Test(seg, lldt_null_leaves_no_ldt)
{
	struct pt *t = setup();
	setup_ldt(t);
	cr_assert_eq(hw_lldt(t->cpu, 10 * 8, NULL), 0);
	cr_assert_eq(hw_lldt(t->cpu, 0, NULL), 0);
	expect_load_fault(t, HW_DS, 0x7, HW_EXC_GP, 0x4);
	pt_free(t);
}

/* ---- FS and GS bases ------------------------------------------------------------- */

Test(seg, wrfsbase_needs_cr4_fsgsbase)
{
	struct pt *t = setup();
	struct hw_exception e;
	cr_assert_eq(hw_wrfsbase(t->cpu, 0x1000, &e), HW_EXC_UD);
	cr_assert_eq(hw_mov_to_cr4(t->cpu, t->cpu->cr4 | HW_CR4_FSGSBASE), 0);
	hw_set_cpl(t->cpu, 3);
	cr_assert_eq(hw_wrfsbase(t->cpu, 0x7ffff7d86740ULL, &e), 0, "any CPL");
	cr_assert_eq(hw_wrgsbase(t->cpu, 0x0000800000000000ULL, &e), HW_EXC_GP, "non-canonical");
	uint64_t v;
	cr_assert_eq(hw_rdfsbase(t->cpu, &v, NULL), 0);
	cr_assert_eq(v, 0x7ffff7d86740ULL);
	hw_set_cpl(t->cpu, 0);
	cr_assert_eq(hw_rdmsr(t->cpu, HW_MSR_FS_BASE, &v, NULL), 0);
	cr_assert_eq(v, 0x7ffff7d86740ULL, "the MSR is the hidden base");
	pt_free(t);
}

Test(seg, base_msrs_need_cpl0_a_known_msr_and_canonical_values)
{
	struct pt *t = setup();
	struct hw_exception e;
	cr_assert_eq(hw_wrmsr(t->cpu, 0xC0000103, 0, &e), HW_EXC_GP, "no such MSR");
	cr_assert_eq(hw_wrmsr(t->cpu, HW_MSR_GS_BASE, 0xffff7fffffffffffULL, &e), HW_EXC_GP);
	hw_set_cpl(t->cpu, 3);
	cr_assert_eq(hw_wrmsr(t->cpu, HW_MSR_GS_BASE, 0, &e), HW_EXC_GP);
	cr_assert_eq(hw_rdmsr(t->cpu, HW_MSR_GS_BASE, &(uint64_t){ 0 }, &e), HW_EXC_GP);
	pt_free(t);
}

Test(seg, swapgs_exchanges_gs_base_with_kernel_gs_base)
{
	struct pt *t = setup();
	cr_assert_eq(hw_wrmsr(t->cpu, HW_MSR_GS_BASE, 0xffff888100000000ULL, NULL), 0);
	cr_assert_eq(hw_wrmsr(t->cpu, HW_MSR_KERNEL_GS_BASE, 0x7f0000000000ULL, NULL), 0);
	cr_assert_eq(hw_swapgs(t->cpu, NULL), 0);
	cr_assert_eq(t->cpu->seg.sreg[HW_GS].base, 0x7f0000000000ULL);
	cr_assert_eq(t->cpu->seg.kernel_gs_base, 0xffff888100000000ULL);
	hw_set_cpl(t->cpu, 3);
	struct hw_exception e;
	cr_assert_eq(hw_swapgs(t->cpu, &e), HW_EXC_GP);
	pt_free(t);
}

/* ---- 64-bit mode addresses --------------------------------------------------------- */

Test(seg, in_64_bit_mode_ds_base_counts_as_zero_and_fs_base_is_added)
{
	struct pt *t = setup();
	uint64_t la;
	set_gdt(t, 12, hw_desc_make(0x5000, 0xfff, DATA(0)));
	cr_assert_eq(hw_load_sreg(t->cpu, HW_DS, 12 * 8, NULL), 0);
	cr_assert_eq(hw_seg_linear(t->cpu, HW_DS, 0x123456789ULL, 8, HW_READ, &la, NULL), 0);
	cr_assert_eq(la, 0x123456789ULL, "no base, no limit");
	cr_assert_eq(hw_wrmsr(t->cpu, HW_MSR_FS_BASE, DATA_VA, NULL), 0);
	cr_assert_eq(hw_seg_linear(t->cpu, HW_FS, 0x28, 8, HW_READ, &la, NULL), 0);
	cr_assert_eq(la, DATA_VA + 0x28);
	pt_free(t);
}

Test(seg, the_canonical_check_comes_after_the_base_gp_or_ss)
{
	struct pt *t = setup();
	struct hw_exception e;
	uint64_t la;
	cr_assert_eq(hw_wrmsr(t->cpu, HW_MSR_GS_BASE, 0x00007ffffffff000ULL, NULL), 0);
	cr_assert_eq(hw_seg_linear(t->cpu, HW_GS, 0xff8, 8, HW_READ, &la, &e), 0, "ends at the top of the lower half");
	cr_assert_eq(hw_seg_linear(t->cpu, HW_GS, 0xffc, 8, HW_READ, &la, &e), HW_EXC_GP, "crosses into the hole");
	cr_assert_eq(e.error_code, 0);
	cr_assert_eq(hw_seg_linear(t->cpu, HW_SS, 0x0000800000000000ULL, 1, HW_WRITE, &la, &e), HW_EXC_SS);
	cr_assert_eq(t->cpu->seg.ctr.ss, 1);
	pt_free(t);
}

Test(seg, an_fs_relative_access_moves_bytes_through_paging)
{
	struct pt *t = setup();
	struct hw_exception e;
	uint64_t v = 0x1122334455667788ULL, back = 0;
	cr_assert_eq(hw_wrmsr(t->cpu, HW_MSR_FS_BASE, DATA_VA + 0x100, NULL), 0);
	hw_set_cpl(t->cpu, 3);
	cr_assert_eq(hw_access_seg(t->cpu, HW_FS, 0x28, &v, 8, HW_WRITE, HW_USER, &e), 0);
	cr_assert_eq(pt_get(t, DATA_PA + 0x128), v);
	cr_assert_eq(hw_access_seg(t->cpu, HW_FS, 0x28, &back, 8, HW_READ, HW_USER, &e), 0);
	cr_assert_eq(back, v);
	cr_assert_eq(hw_access_seg(t->cpu, HW_FS, 0x1000, &back, 8, HW_READ, HW_USER, &e), -EFAULT);
	cr_assert_eq(e.vector, HW_EXC_PF, "past the mapped page");
	cr_assert_eq(e.cr2, DATA_VA + 0x1100);
	pt_free(t);
}

/* ---- compatibility mode --------------------------------------------------------------- */

/* Enter compatibility mode at CPL 3 (SYSRET with a 32-bit operand), with
 * DS loaded from a user descriptor of base, limit20 and attrs at GDT 12. */
static void compat_ds(struct pt *t, uint32_t base, uint32_t limit20, uint32_t attr)
{
	set_gdt(t, 12, hw_desc_make(base, limit20, attr));
	cr_assert_eq(hw_sysret(t->cpu, false, NULL), 0);
	cr_assert_eq(t->cpu->seg.sreg[HW_CS].sel, 0x23, "__USER32_CS");
	cr_assert(!hw_seg_long_mode(&t->cpu->seg));
	cr_assert_eq(hw_load_sreg(t->cpu, HW_DS, 12 * 8 + 3, NULL), 0);
}

/* Expect the reference ds:off of len bytes of kind to fault (#GP(0)). */
static void expect_gp0(struct pt *t, uint64_t off, uint64_t len, enum hw_access kind)
{
	struct hw_exception e = { 0 };
	uint64_t la;
	cr_assert_eq(hw_seg_linear(t->cpu, HW_DS, off, len, kind, &la, &e), HW_EXC_GP, "ds:0x%lx len %lu",
		     (unsigned long)off, (unsigned long)len);
	cr_assert_eq(e.error_code, 0);
}

Test(seg, compatibility_mode_applies_base_and_limit)
{
	struct pt *t = setup();
	uint64_t la;
	compat_ds(t, 0x10000000, 0xfff, DATA(3));
	cr_assert_eq(hw_seg_linear(t->cpu, HW_DS, 0xffc, 4, HW_WRITE, &la, NULL), 0);
	cr_assert_eq(la, 0x10000ffc);
	expect_gp0(t, 0xffd, 4, HW_WRITE);                 /* the last byte is past the limit */
	expect_gp0(t, 0x1000, 1, HW_READ);
	pt_free(t);
}

Test(seg, the_g_bit_scales_the_limit_to_pages)
{
	struct pt *t = setup();
	uint64_t la;
	compat_ds(t, 0, 0xf, DATA(3) | HW_SEG_G);
	cr_assert_eq(hw_seg_linear(t->cpu, HW_DS, 0xffff, 1, HW_READ, &la, NULL), 0);
	expect_gp0(t, 0x10000, 1, HW_READ);
	pt_free(t);
}

Test(seg, expand_down_segments_allow_what_is_above_the_limit)
{
	struct pt *t = setup();
	uint64_t la;
	compat_ds(t, 0, 0xfff, DATA(3) | HW_SEG_EXPAND_DOWN);
	cr_assert_eq(hw_seg_linear(t->cpu, HW_DS, 0x1000, 4, HW_WRITE, &la, NULL), 0);
	cr_assert_eq(hw_seg_linear(t->cpu, HW_DS, 0xfffffffc, 4, HW_READ, &la, NULL), 0, "up to 4 GiB with B=1");
	expect_gp0(t, 0xfff, 1, HW_READ);
	expect_gp0(t, 0xffe, 4, HW_READ);
	pt_free(t);
}

Test(seg, a_16_bit_expand_down_segment_ends_at_64k)
{
	struct pt *t = setup();
	uint64_t la;
	compat_ds(t, 0, 0xfff, (DATA(3) & ~HW_SEG_DB) | HW_SEG_EXPAND_DOWN);
	cr_assert_eq(hw_seg_linear(t->cpu, HW_DS, 0xfffe, 2, HW_READ, &la, NULL), 0);
	expect_gp0(t, 0xffff, 2, HW_READ);
	pt_free(t);
}

Test(seg, read_only_data_refuses_writes)
{
	struct pt *t = setup();
	uint64_t la;
	compat_ds(t, 0, 0xfffff, (DATA(3) & ~HW_SEG_WRITABLE) | HW_SEG_G);
	cr_assert_eq(hw_seg_linear(t->cpu, HW_DS, 0x100, 4, HW_READ, &la, NULL), 0);
	expect_gp0(t, 0x100, 4, HW_WRITE);
	pt_free(t);
}

Test(seg, a_null_ds_faults_in_compatibility_mode_not_in_64_bit_mode)
{
	struct pt *t = setup();
	uint64_t la;
	cr_assert_eq(hw_load_sreg(t->cpu, HW_DS, 0, NULL), 0);
	cr_assert_eq(hw_seg_linear(t->cpu, HW_DS, 0x1000, 4, HW_READ, &la, NULL), 0);
	compat_ds(t, 0, 0xfffff, DATA(3) | HW_SEG_G);
	cr_assert_eq(hw_load_sreg(t->cpu, HW_DS, 0, NULL), 0);
	expect_gp0(t, 0x1000, 4, HW_READ);
	pt_free(t);
}

Test(seg, compatibility_mode_wraps_at_4g_and_faults_ss_as_ss)
{
	struct pt *t = setup();
	struct hw_exception e;
	uint64_t la;
	compat_ds(t, 0xfffff000, 0xfffff, DATA(3) | HW_SEG_G);
	cr_assert_eq(hw_seg_linear(t->cpu, HW_DS, 0x2000, 4, HW_READ, &la, NULL), 0);
	cr_assert_eq(la, 0x1000, "base + offset mod 2^32");
	set_gdt(t, 13, hw_desc_make(0, 0xff, DATA(3)));
	cr_assert_eq(hw_load_sreg(t->cpu, HW_SS, 13 * 8 + 3, NULL), 0);
	cr_assert_eq(hw_seg_linear(t->cpu, HW_SS, 0x100, 8, HW_WRITE, &la, &e), HW_EXC_SS);
	cr_assert_eq(e.error_code, 0);
	pt_free(t);
}

/* ---- far jumps, SYSRET, IRET -------------------------------------------------------- */

Test(seg, a_far_jump_to_user32_cs_enters_compatibility_mode)
{
	struct pt *t = setup();
	cr_assert_eq(hw_sysret(t->cpu, true, NULL), 0);
	cr_assert_eq(hw_far_jmp(t->cpu, 0x23, NULL), 0);
	cr_assert(!hw_seg_long_mode(&t->cpu->seg));
	cr_assert_eq(t->cpu->cpl, 3);
	cr_assert_eq(hw_far_jmp(t->cpu, 0x33, NULL), 0);
	cr_assert(hw_seg_long_mode(&t->cpu->seg), "and back to 64-bit mode");
	pt_free(t);
}

Test(seg, far_jump_checks_type_privilege_and_l_with_d)
{
	struct pt *t = setup();
	struct hw_exception e;
	cr_assert_eq(hw_sysret(t->cpu, true, NULL), 0);
	cr_assert_eq(hw_far_jmp(t->cpu, 0x2b, &e), HW_EXC_GP, "a data segment");
	cr_assert_eq(e.error_code, 0x28);
	cr_assert_eq(hw_far_jmp(t->cpu, 0x10, &e), HW_EXC_GP, "DPL 0 from CPL 3");
	cr_assert_eq(hw_far_jmp(t->cpu, 0, &e), HW_EXC_GP);
	cr_assert_eq(e.error_code, 0);
	set_gdt(t, 12, USER_CS | (1ULL << 54));          /* L=1 and D=1 */
	cr_assert_eq(hw_far_jmp(t->cpu, 12 * 8 + 3, &e), HW_EXC_GP);
	set_gdt(t, 12, USER32_CS & ~(1ULL << 47));       /* not present */
	cr_assert_eq(hw_far_jmp(t->cpu, 12 * 8 + 3, &e), HW_EXC_NP);
	cr_assert_eq(t->cpu->seg.sreg[HW_CS].sel, 0x33);
	pt_free(t);
}

Test(seg, syscall_and_sysret_need_efer_sce)
{
	struct pt *t = setup();
	struct hw_exception e;
	cr_assert_eq(hw_wrmsr_efer(t->cpu, t->cpu->efer & ~HW_EFER_SCE), 0);
	cr_assert_eq(hw_sysret(t->cpu, true, &e), HW_EXC_UD);
	cr_assert_eq(hw_syscall(t->cpu, &e), HW_EXC_UD);
	cr_assert_eq(hw_wrmsr_efer(t->cpu, t->cpu->efer | HW_EFER_SCE), 0);
	cr_assert_eq(hw_sysret(t->cpu, true, &e), 0);
	cr_assert_eq(hw_sysret(t->cpu, true, &e), HW_EXC_GP, "SYSRET at CPL 3");
	pt_free(t);
}

Test(seg, an_exception_saves_cs_and_ss_and_iret_restores_them)
{
	struct pt *t = setup();
	struct hw_exception e;
	cr_assert_eq(hw_iret(t->cpu, &e), HW_EXC_GP, "no frame");
	cr_assert_eq(hw_sysret(t->cpu, false, NULL), 0);
	hw_exception_entry(t->cpu);
	cr_assert_eq(t->cpu->cpl, 0);
	cr_assert(hw_seg_long_mode(&t->cpu->seg), "the kernel runs 64-bit code");
	cr_assert_eq(hw_iret(t->cpu, NULL), 0);
	cr_assert_eq(t->cpu->seg.sreg[HW_CS].sel, 0x23);
	cr_assert_eq(t->cpu->cpl, 3);
	cr_assert(!hw_seg_long_mode(&t->cpu->seg), "back in compatibility mode");
	pt_free(t);
}

Test(seg, iret_to_reads_and_checks_both_descriptors)
{
	struct pt *t = setup();
	struct hw_exception e;
	cr_assert_eq(hw_iret_to(t->cpu, 0x23, 0x2b, NULL), 0);
	cr_assert_eq(t->cpu->cpl, 3);
	cr_assert(!hw_seg_long_mode(&t->cpu->seg));
	cr_assert_eq(t->cpu->seg.ctr.desc_reads, 2);
	hw_set_cpl(t->cpu, 0);
	cr_assert_eq(hw_iret_to(t->cpu, 0x23, 0x18, &e), HW_EXC_GP, "SS RPL != CS RPL");
	cr_assert_eq(e.error_code, 0x18);
	cr_assert_eq(hw_iret_to(t->cpu, 0x2b, 0x2b, &e), HW_EXC_GP, "CS must be code");
	cr_assert_eq(e.error_code, 0x28);
	pt_free(t);
}
