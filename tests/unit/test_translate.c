/* Translation: every access-rights rule, reserved bit and error-code bit of
 * Intel SDM Vol. 3A §4.5-§4.8, one vector each. */
#include "pt_helpers.h"

#define UVA 0x0000000000400000ULL       /* a user page */
#define KVA 0xffff888000200000ULL       /* a supervisor page */
#define UPA 0x0000000002000000ULL
#define KPA 0x0000000002100000ULL
#define R HW_READ
#define W HW_WRITE
#define X HW_FETCH
#define SUP HW_SUPERVISOR
#define USR HW_USER
#define P_ HW_PF_P
#define W_ HW_PF_W
#define U_ HW_PF_U
#define RSVD_ HW_PF_RSVD
#define I_ HW_PF_I
#define PK_ HW_PF_PK

/* A default machine with a user page (leaf flags uf) at UVA and a
 * supervisor page (kf) at KVA, tables permissive. */
static struct pt *setup(uint64_t uf, uint64_t kf)
{
	struct pt *t = pt_new("default", 4);
	pt_map(t, t->root, UVA, UPA, HW_LVL_PT, uf, PT_TABLE, 0);
	pt_map(t, t->root, KVA, KPA, HW_LVL_PT, kf, PT_TABLE, 0);
	return t;
}

static void set_cr0(struct pt *t, uint64_t set, uint64_t clear)
{
	cr_assert_eq(hw_mov_to_cr0(t->cpu, (t->cpu->cr0 | set) & ~clear), 0);
}

static void set_cr4(struct pt *t, uint64_t set)
{
	cr_assert_eq(hw_mov_to_cr4(t->cpu, t->cpu->cr4 | set), 0);
}

static void set_nxe(struct pt *t)
{
	cr_assert_eq(hw_wrmsr_efer(t->cpu, t->cpu->efer | HW_EFER_NXE), 0);
}

/* ---- canonical addresses ---------------------------------------------------- */

static void non_canonical_48_bit_address_is_gp0(void)
{
	struct pt *t = setup(PT_USER_RW, PT_KERN_RW);
	t->cpu->cr2 = 0x1234;
	struct hw_xlat x = hw_translate(t->cpu, 0x0000800000000000ULL, R, USR);
	cr_assert_eq(x.exc.vector, HW_EXC_GP);
	cr_assert_eq(x.exc.error_code, 0);
	cr_assert_eq(t->cpu->cr2, 0x1234, "#GP does not touch CR2");
	cr_assert_eq(t->cpu->ctr.gp, 1);
	x = hw_translate(t->cpu, 0xffff7fffffffffffULL, R, SUP);
	cr_assert_eq(x.exc.vector, HW_EXC_GP);
	pt_expect_pa(t, KVA + 8, R, SUP, KPA + 8);   /* upper half, canonical */
	pt_free(t);
}

static void la57_widens_canonical_addresses_to_57_bits(void)
{
	struct pt *t = pt_new("default", 5);
	uint64_t va = 0x00ff800000001000ULL;            /* needs bits 55:48 */
	cr_assert(t->cpu->cr4 & HW_CR4_LA57);
	pt_map(t, t->root, va, UPA, HW_LVL_PT, PT_USER_RW, PT_TABLE, 0);
	pt_expect_pa(t, va + 5, R, USR, UPA + 5);
	cr_assert_eq(hw_translate(t->cpu, 0x0100000000000000ULL, R, USR).exc.vector, HW_EXC_GP);
	/* with 57 bits the upper half starts at PML5 index 256: another page */
	pt_expect_pf(t, 0xffff800000001000ULL, R, SUP, 0);
	pt_free(t);
}

/* ---- not present ------------------------------------------------------------ */

static void not_present_faults_carry_w_u_bits_and_no_p(void)
{
	struct pt *t = setup(PT_USER_RW, PT_KERN_RW);
	pt_expect_pf(t, 0x0000123400000000ULL, R, SUP, 0);          /* no PML4E */
	pt_expect_pf(t, 0x0000123400000000ULL, R, USR, U_);
	pt_expect_pf(t, 0x0000123400000000ULL, W, USR, W_ | U_);
	pt_expect_pf(t, UVA + 0x1000, W, SUP, W_);                  /* PT exists, PTE empty */
	uint64_t pde = pt_entry_pa(t, t->root, UVA, HW_LVL_PD);
	pt_set(t, pde, pt_get(t, pde) & ~HW_PTE_P);
	pt_expect_pf(t, UVA, R, USR, U_);                           /* PDE not present */
	cr_assert_eq(t->cpu->ctr.pf[U_], 2);
	cr_assert_eq(t->cpu->ctr.pf[0], 1);
	pt_free(t);
}

static void reserved_bits_are_not_checked_in_a_non_present_entry(void)
{
	struct pt *t = setup(PT_USER_RW, PT_KERN_RW);
	uint64_t pte = pt_entry_pa(t, t->root, UVA, HW_LVL_PT);
	pt_set(t, pte, (1ULL << 50) | HW_PTE_RW);                   /* P=0 */
	pt_expect_pf(t, UVA, R, USR, U_);
	pt_set(t, pte, 0xfffffffffffff600ULL);                      /* Linux's guard marker */
	pt_expect_pf(t, UVA, W, USR, W_ | U_);
	pt_free(t);
}

/* ---- U/S ---------------------------------------------------------------------- */

static void us0_at_any_level_makes_a_supervisor_address(void)
{
	struct pt *t = setup(PT_USER_RW, PT_KERN_RW);
	uint64_t pdpte = pt_entry_pa(t, t->root, UVA, HW_LVL_PDPT);
	pt_set(t, pdpte, pt_get(t, pdpte) & ~HW_PTE_US);
	pt_expect_pf(t, UVA, R, USR, P_ | U_);
	pt_expect_pf(t, UVA, W, USR, P_ | W_ | U_);
	pt_expect_pa(t, UVA, R, SUP, UPA);
	pt_expect_pf(t, KVA, R, USR, P_ | U_);                      /* leaf U/S=0 */
	pt_free(t);
}

/* ---- R/W and CR0.WP ------------------------------------------------------------ */

static void user_write_to_read_only_page_faults(void)
{
	struct pt *t = setup(HW_PTE_P | HW_PTE_US, PT_KERN_RW);
	pt_expect_pa(t, UVA, R, USR, UPA);
	pt_expect_pf(t, UVA, W, USR, P_ | W_ | U_);
	pt_free(t);
}

static void rw0_in_a_non_leaf_entry_makes_the_page_read_only(void)
{
	struct pt *t = setup(PT_USER_RW, PT_KERN_RW);
	uint64_t pde = pt_entry_pa(t, t->root, UVA, HW_LVL_PD);
	pt_set(t, pde, pt_get(t, pde) & ~HW_PTE_RW);
	pt_expect_pf(t, UVA, W, USR, P_ | W_ | U_);
	pt_free(t);
}

static void cr0_wp_decides_supervisor_writes_to_read_only_pages(void)
{
	struct pt *t = setup(HW_PTE_P | HW_PTE_US, HW_PTE_P);
	pt_expect_pa(t, KVA, W, SUP, KPA);                          /* WP=0: allowed */
	pt_expect_pa(t, UVA, W, SUP, UPA);
	set_cr0(t, HW_CR0_WP, 0);
	pt_expect_pf(t, KVA, W, SUP, P_ | W_);
	pt_expect_pf(t, UVA, W, SUP, P_ | W_);
	pt_expect_pf(t, KVA, W, HW_IMPLICIT, P_ | W_);
	pt_free(t);
}

/* ---- XD and the I/D bit ---------------------------------------------------------- */

static void xd_at_any_level_forbids_fetch_when_nxe(void)
{
	struct pt *t = setup(PT_USER_RW, PT_KERN_RW);
	set_nxe(t);
	uint64_t pde = pt_entry_pa(t, t->root, UVA, HW_LVL_PD);
	pt_set(t, pde, pt_get(t, pde) | HW_PTE_XD);
	pt_expect_pa(t, UVA, R, USR, UPA);
	pt_expect_pf(t, UVA, X, USR, P_ | U_ | I_);
	pt_expect_pf(t, UVA, X, SUP, P_ | I_);
	uint64_t kpte = pt_entry_pa(t, t->root, KVA, HW_LVL_PT);
	pt_set(t, kpte, pt_get(t, kpte) | HW_PTE_XD);
	pt_expect_pf(t, KVA, X, SUP, P_ | I_);
	pt_free(t);
}

static void xd_is_a_reserved_bit_without_nxe(void)
{
	struct pt *t = setup(PT_USER_RW | HW_PTE_XD, PT_KERN_RW);
	pt_expect_pf(t, UVA, R, USR, P_ | RSVD_ | U_);
	pt_expect_pf(t, UVA, W, USR, P_ | RSVD_ | W_ | U_);
	uint64_t pml4e = pt_entry_pa(t, t->root, KVA, HW_LVL_PML4);
	pt_set(t, pml4e, pt_get(t, pml4e) | HW_PTE_XD);
	pt_expect_pf(t, KVA, R, SUP, P_ | RSVD_);
	pt_free(t);
}

static void id_bit_needs_nxe_or_smep(void)
{
	struct pt *t = setup(PT_USER_RW, PT_KERN_RW);
	pt_expect_pa(t, UVA, X, USR, UPA);                          /* no NXE: fetch anywhere */
	pt_expect_pf(t, UVA + 0x1000, X, USR, U_);                  /* not present, no I/D */
	set_cr4(t, HW_CR4_SMEP);
	pt_expect_pf(t, UVA + 0x1000, X, USR, U_ | I_);
	pt_free(t);
	t = setup(PT_USER_RW, PT_KERN_RW);
	set_nxe(t);
	pt_expect_pf(t, UVA + 0x1000, X, SUP, I_);
	pt_expect_pf(t, UVA + 0x1000, R, SUP, 0);                   /* data access: never I/D */
	pt_free(t);
}

/* ---- SMEP and SMAP ------------------------------------------------------------ */

static void smep_forbids_supervisor_fetch_from_user_pages(void)
{
	struct pt *t = setup(PT_USER_RW, PT_KERN_RW);
	pt_expect_pa(t, UVA, X, SUP, UPA);
	set_cr4(t, HW_CR4_SMEP);
	pt_expect_pf(t, UVA, X, SUP, P_ | I_);
	pt_expect_pa(t, UVA, X, USR, UPA);
	pt_expect_pa(t, KVA, X, SUP, KPA);
	pt_expect_pa(t, UVA, R, SUP, UPA);                          /* data is SMAP's business */
	pt_free(t);
}

static void smap_forbids_supervisor_data_access_to_user_pages_unless_ac(void)
{
	struct pt *t = setup(PT_USER_RW, PT_KERN_RW);
	set_cr4(t, HW_CR4_SMAP);
	pt_expect_pf(t, UVA, R, SUP, P_);
	pt_expect_pf(t, UVA, W, SUP, P_ | W_);
	cr_assert_eq(hw_stac(t->cpu), 0);
	pt_expect_pa(t, UVA, R, SUP, UPA);
	pt_expect_pa(t, UVA, W, SUP, UPA);
	pt_expect_pf(t, UVA, R, HW_IMPLICIT, P_);                   /* implicit: AC does not help */
	pt_expect_pa(t, KVA, R, HW_IMPLICIT, KPA);
	cr_assert_eq(hw_clac(t->cpu), 0);
	pt_expect_pf(t, UVA, R, SUP, P_);
	pt_expect_pa(t, UVA, R, USR, UPA);
	pt_expect_pa(t, UVA, X, SUP, UPA);                          /* fetches are SMEP's business */
	pt_free(t);
}

static void smap_with_ac_still_honours_wp(void)
{
	struct pt *t = setup(HW_PTE_P | HW_PTE_US, PT_KERN_RW);
	set_cr4(t, HW_CR4_SMAP);
	hw_stac(t->cpu);
	pt_expect_pa(t, UVA, W, SUP, UPA);
	set_cr0(t, HW_CR0_WP, 0);
	pt_expect_pf(t, UVA, W, SUP, P_ | W_);
	pt_free(t);
}

/* ---- protection keys ---------------------------------------------------------- */

/* A machine with CR4.PKE, a user page with key 3 and a supervisor page
 * with key 3. */
static struct pt *pk_setup(uint32_t pkru, uint64_t uflags)
{
	struct pt *t = pt_new("default", 4);
	pt_map(t, t->root, UVA, UPA, HW_LVL_PT, uflags, PT_TABLE, 3);
	pt_map(t, t->root, KVA, KPA, HW_LVL_PT, PT_KERN_RW, PT_TABLE, 3);
	set_cr4(t, HW_CR4_PKE);
	cr_assert_eq(hw_wrpkru(t->cpu, pkru), 0);
	return t;
}

#define AD(k) (1u << (2 * (k)))
#define WD(k) (2u << (2 * (k)))

static void pkru_ad_forbids_every_data_access_to_user_pages(void)
{
	struct pt *t = pk_setup(AD(3), PT_USER_RW);
	pt_expect_pf(t, UVA, R, USR, P_ | U_ | PK_);
	pt_expect_pf(t, UVA, W, USR, P_ | W_ | U_ | PK_);
	pt_expect_pf(t, UVA, R, SUP, P_ | PK_);                     /* supervisor too */
	pt_expect_pa(t, UVA, X, USR, UPA);                          /* not fetches */
	pt_expect_pa(t, KVA, R, SUP, KPA);                          /* not supervisor pages */
	cr_assert_eq(hw_wrpkru(t->cpu, AD(2)), 0);                  /* another key */
	pt_expect_pa(t, UVA, R, USR, UPA);
	pt_free(t);
}

static void pkru_wd_forbids_user_writes_and_supervisor_writes_under_wp(void)
{
	struct pt *t = pk_setup(WD(3), PT_USER_RW);
	pt_expect_pa(t, UVA, R, USR, UPA);
	pt_expect_pf(t, UVA, W, USR, P_ | W_ | U_ | PK_);
	pt_expect_pa(t, UVA, W, SUP, UPA);                          /* WP=0 */
	set_cr0(t, HW_CR0_WP, 0);
	pt_expect_pf(t, UVA, W, SUP, P_ | W_ | PK_);
	pt_free(t);
}

static void pk_bit_is_set_even_when_a_paging_rule_also_fails(void)
{
	struct pt *t = pk_setup(WD(3), HW_PTE_P | HW_PTE_US);     /* read-only too */
	pt_expect_pf(t, UVA, W, USR, P_ | W_ | U_ | PK_);
	pt_free(t);
}

static void protection_keys_need_cr4_pke(void)
{
	struct pt *t = setup(PT_USER_RW, PT_KERN_RW);
	cr_assert_eq(hw_wrpkru(t->cpu, AD(0)), HW_EXC_UD);
	cr_assert_eq(t->cpu->ctr.ud, 1);
	pt_free(t);
	t = pk_setup(AD(3), PT_USER_RW);
	cr_assert_eq(hw_mov_to_cr4(t->cpu, t->cpu->cr4 & ~HW_CR4_PKE), 0);
	pt_expect_pa(t, UVA, R, USR, UPA);                          /* keys ignored */
	pt_free(t);
}

/* ---- reserved bits ---------------------------------------------------------------- */

/* Set bits in the entry of level for UVA and expect a RSVD fault (or not). */
static void rsvd_case(int levels, int level, uint64_t bits, bool faults)
{
	struct pt *t = pt_new("default", levels);
	pt_map(t, t->root, UVA, UPA, HW_LVL_PT, PT_USER_RW, PT_TABLE, 0);
	uint64_t pa = pt_entry_pa(t, t->root, UVA, level);
	pt_set(t, pa, pt_get(t, pa) | bits);
	if (faults)
		pt_expect_pf(t, UVA, R, USR, P_ | RSVD_ | U_);
	else
		pt_expect_pa(t, UVA, R, USR, UPA);
	pt_free(t);
}

static void address_bits_above_maxphyaddr_are_reserved_at_every_level(void)
{
	for (int l = HW_LVL_PT; l <= HW_LVL_PML4; l++) {
		rsvd_case(4, l, 1ULL << 46, true);                  /* maxphyaddr = 46 */
		rsvd_case(4, l, 1ULL << 51, true);
		rsvd_case(4, l, 1ULL << 52, false);                 /* 58:52 ignored */
	}
	rsvd_case(5, HW_LVL_PML5, 1ULL << 48, true);
}

static void ps_is_reserved_in_pml4e_and_pml5e(void)
{
	rsvd_case(4, HW_LVL_PML4, HW_PTE_PS, true);
	rsvd_case(5, HW_LVL_PML5, HW_PTE_PS, true);
	rsvd_case(5, HW_LVL_PML4, HW_PTE_PS, true);
}

static void maxphyaddr_is_configurable(void)
{
	const struct hw_preset *p = hw_preset_find("default");
	struct hw_config cfg = p->config;
	cfg.ram_bytes = 64ULL << 20;
	cfg.maxphyaddr = 39;
	struct pt *t = pt_new_cfg(&cfg);
	pt_map(t, t->root, UVA, UPA | (1ULL << 39), HW_LVL_PT, PT_USER_RW, PT_TABLE, 0);
	pt_expect_pf(t, UVA, R, USR, P_ | RSVD_ | U_);
	pt_free(t);
}

/* Map a large page at level with extra bits in its address field. */
static void large_case(int level, uint64_t bits, bool faults)
{
	struct pt *t = pt_new("default", 4);
	uint64_t va = 0x0000004000000000ULL, pa = 0x40000000ULL;
	uint64_t leaf = pt_map(t, t->root, va, pa, level, PT_USER_RW, PT_TABLE, 0);
	pt_set(t, leaf, pt_get(t, leaf) | bits);
	if (faults)
		pt_expect_pf(t, va + 0x1234, R, USR, P_ | RSVD_ | U_);
	else
		pt_expect_pa(t, va + 0x1234, R, USR, pa + 0x1234);
	pt_free(t);
}

static void low_address_bits_of_large_pages_are_reserved_except_pat(void)
{
	large_case(HW_LVL_PD, 1ULL << 13, true);
	large_case(HW_LVL_PD, 1ULL << 20, true);
	large_case(HW_LVL_PD, HW_PTE_PAT_LARGE, false);
	large_case(HW_LVL_PDPT, 1ULL << 13, true);
	large_case(HW_LVL_PDPT, 1ULL << 29, true);
	large_case(HW_LVL_PDPT, HW_PTE_PAT_LARGE, false);
}

/* ---- page sizes ------------------------------------------------------------------ */

static void two_megabyte_and_one_gigabyte_pages(void)
{
	struct pt *t = pt_new("default", 4);
	pt_map(t, t->root, 0x0000000040000000ULL, 0x200000, HW_LVL_PD, PT_USER_RW, PT_TABLE, 0);
	pt_map(t, t->root, 0x0000008000000000ULL, 0x80000000ULL, HW_LVL_PDPT, PT_USER_RW, PT_TABLE, 0);
	struct hw_xlat x = hw_translate(t->cpu, 0x00000000401ffff8ULL, R, USR);
	cr_assert_eq(x.pa, 0x3ffff8);
	cr_assert_eq(x.page_shift, 21);
	x = hw_translate(t->cpu, 0x000000803abcdef0ULL, W, USR);
	cr_assert_eq(x.pa, 0x80000000ULL + 0x3abcdef0ULL);
	cr_assert_eq(x.page_shift, 30);
	cr_assert_eq(x.rights, HW_R_W | HW_R_U);
	pt_free(t);
}

/* ---- accessed and dirty flags ------------------------------------------------------ */

static void a_is_set_on_every_level_and_d_only_on_the_leaf_of_a_write(void)
{
	struct pt *t = setup(PT_USER_RW, PT_KERN_RW);
	uint64_t e[5];
	pt_expect_pa(t, UVA, R, USR, UPA);
	for (int l = HW_LVL_PT; l <= HW_LVL_PML4; l++) {
		e[l] = pt_get(t, pt_entry_pa(t, t->root, UVA, l));
		cr_assert(e[l] & HW_PTE_A, "A at level %d", l);
		cr_assert_not(e[l] & HW_PTE_D, "D at level %d after a read", l);
	}
	hw_invlpg(t->cpu, UVA);
	pt_expect_pa(t, UVA, W, USR, UPA);
	cr_assert(pt_get(t, pt_entry_pa(t, t->root, UVA, HW_LVL_PT)) & HW_PTE_D);
	for (int l = HW_LVL_PD; l <= HW_LVL_PML4; l++)
		cr_assert_not(pt_get(t, pt_entry_pa(t, t->root, UVA, l)) & HW_PTE_D);
	pt_free(t);
}

static void a_protection_fault_sets_a_above_the_leaf_but_not_in_it(void)
{
	struct pt *t = setup(HW_PTE_P | HW_PTE_US, PT_KERN_RW);
	pt_expect_pf(t, UVA, W, USR, P_ | W_ | U_);
	cr_assert(pt_get(t, pt_entry_pa(t, t->root, UVA, HW_LVL_PD)) & HW_PTE_A);
	uint64_t leaf = pt_get(t, pt_entry_pa(t, t->root, UVA, HW_LVL_PT));
	cr_assert_not(leaf & (HW_PTE_A | HW_PTE_D));
	pt_free(t);
}

static void a_write_to_a_large_page_sets_d_in_its_pde(void)
{
	struct pt *t = pt_new("default", 4);
	uint64_t leaf = pt_map(t, t->root, 0x40000000, 0x200000, HW_LVL_PD, PT_USER_RW, PT_TABLE, 0);
	pt_expect_pa(t, 0x40000010, W, USR, 0x200010);
	cr_assert_eq(pt_get(t, leaf) & (HW_PTE_A | HW_PTE_D), HW_PTE_A | HW_PTE_D);
	pt_free(t);
}

static void nocache_walk_agrees_and_has_no_side_effects(void)
{
	struct pt *t = setup(HW_PTE_P | HW_PTE_US, PT_KERN_RW);
	struct hw_counters before = t->cpu->ctr;
	struct hw_xlat x = hw_translate_nocache(t->cpu, UVA + 4, R, USR);
	cr_assert_eq(x.pa, UPA + 4);
	cr_assert_eq(x.page_shift, 12);
	x = hw_translate_nocache(t->cpu, UVA, W, USR);
	cr_assert_eq(x.exc.vector, HW_EXC_PF);
	cr_assert_eq(x.exc.error_code, P_ | W_ | U_);
	cr_assert_eq(t->cpu->cr2, 0);
	cr_assert_eq(memcmp(&before, &t->cpu->ctr, sizeof before), 0);
	cr_assert_not(pt_get(t, pt_entry_pa(t, t->root, UVA, HW_LVL_PT)) & HW_PTE_A);
	cr_assert_eq(hw_tlb_count(&t->cpu->tlb[HW_TLB_DTLB4K]), 0);
	cr_assert_eq(hw_translate_nocache(t->cpu, 1ULL << 47, R, USR).exc.vector, HW_EXC_GP);
	pt_free(t);
}

static void invalid_kind_or_privilege_is_refused(void)
{
	struct pt *t = setup(PT_USER_RW, PT_KERN_RW);
	cr_assert_eq(hw_translate(t->cpu, UVA, (enum hw_access)7, USR).exc.vector, HW_EXC_UD);
	cr_assert_eq(hw_translate(t->cpu, UVA, R, (enum hw_priv)9).exc.vector, HW_EXC_UD);
	cr_assert_eq(t->cpu->ctr.access[R], 0);
	pt_free(t);
}

/* Canonical addresses (SDM 3.3.7.1): #GP(0) outside 48 or 57 bits. */
Test(translate, canonical_addresses)
{
	non_canonical_48_bit_address_is_gp0();
	la57_widens_canonical_addresses_to_57_bits();
}

/* P=0 at any level (SDM 4.7). */
Test(translate, not_present)
{
	not_present_faults_carry_w_u_bits_and_no_p();
	reserved_bits_are_not_checked_in_a_non_present_entry();
}

/* U/S, R/W and CR0.WP (SDM 4.6.1). */
Test(translate, user_supervisor_and_read_write)
{
	us0_at_any_level_makes_a_supervisor_address();
	user_write_to_read_only_page_faults();
	rw0_in_a_non_leaf_entry_makes_the_page_read_only();
	cr0_wp_decides_supervisor_writes_to_read_only_pages();
}

/* XD with EFER.NXE, and the I/D error-code bit (SDM 4.6.1, 4.7). */
Test(translate, execute_disable)
{
	xd_at_any_level_forbids_fetch_when_nxe();
	xd_is_a_reserved_bit_without_nxe();
	id_bit_needs_nxe_or_smep();
}

/* SMEP, SMAP and RFLAGS.AC (SDM 4.6.1). */
Test(translate, smep_and_smap)
{
	smep_forbids_supervisor_fetch_from_user_pages();
	smap_forbids_supervisor_data_access_to_user_pages_unless_ac();
	smap_with_ac_still_honours_wp();
}

/* Protection keys (SDM 4.6.2) and the PK error-code bit. */
Test(translate, protection_keys)
{
	pkru_ad_forbids_every_data_access_to_user_pages();
	pkru_wd_forbids_user_writes_and_supervisor_writes_under_wp();
	pk_bit_is_set_even_when_a_paging_rule_also_fails();
	protection_keys_need_cr4_pke();
}

/* Reserved bits (SDM 4.5 tables) and the RSVD error-code bit. */
Test(translate, reserved_bits)
{
	address_bits_above_maxphyaddr_are_reserved_at_every_level();
	ps_is_reserved_in_pml4e_and_pml5e();
	maxphyaddr_is_configurable();
	low_address_bits_of_large_pages_are_reserved_except_pat();
}

/* 2M and 1G pages; accessed and dirty flags (SDM 4.8). */
Test(translate, page_sizes_and_accessed_dirty)
{
	two_megabyte_and_one_gigabyte_pages();
	a_is_set_on_every_level_and_d_only_on_the_leaf_of_a_write();
	a_protection_fault_sets_a_above_the_leaf_but_not_in_it();
	a_write_to_a_large_page_sets_d_in_its_pde();
}

/* The uncached reference walk; arguments out of range. */
Test(translate, reference_walk_and_bad_arguments)
{
	nocache_walk_agrees_and_has_no_side_effects();
	invalid_kind_or_privilege_is_refused();
}
