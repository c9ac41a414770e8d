/* Hardware virtualization (hw/ept.h): the two-dimensional walk and its
 * reference counts, large EPT pages, EPT violations and misconfigurations
 * as VM exits with their qualification (Intel SDM Vol. 3C §28.2.1,
 * §29.3), EPT A/D flags, AMD's nested paging and #NPF (APM Vol. 2
 * §15.25), VPID-tagged TLB entries, INVEPT and INVVPID, and a randomized
 * differential test of the 2-D walk against a composition of two 1-D
 * walks written here. */
#include "pt_helpers.h"

#include "hw/ept.h"

#include <errno.h>
#include <stdlib.h>

#define GBASE    0x2000000ULL     /* guest-physical 0 is host-physical 32 MiB (vm.gbase) */
#define GSIZE    0x1000000ULL     /* 16 MiB of guest memory */
#define DATA_GPA 0x820000ULL     /* its guest-physical cache slot is not a table's */
#define DATA_VA  0x400000ULL

struct vm {
	struct pt *t;
	uint64_t gbase;           /* host-physical address of guest-physical 0 */
	uint64_t groot, gnext;    /* guest page tables (guest-physical) */
	uint64_t eroot;           /* EPT or nested root (host-physical) */
	int elevels;
	enum hw_virt mode;
	struct hw_vmcs vmcs;
};

static uint64_t g_get(struct vm *v, uint64_t gpa)
{
	return pt_get(v->t, v->gbase + gpa);
}

static void g_set(struct vm *v, uint64_t gpa, uint64_t e)
{
	pt_set(v->t, v->gbase + gpa, e);
}

/* A zeroed guest frame. */
static uint64_t g_alloc(struct vm *v)
{
	uint64_t gpa = v->gnext;
	v->gnext += HW_PAGE_SIZE;
	for (unsigned i = 0; i < 512; i++)
		g_set(v, gpa + 8 * i, 0);
	return gpa;
}

static unsigned idx(uint64_t a, int level)
{
	return (unsigned)((a >> (12 + 9 * (level - 1))) & 511);
}

/* Map guest-linear va to gpa (4 KiB) in the guest's tables. */
static uint64_t g_map(struct vm *v, uint64_t va, uint64_t gpa, uint64_t flags)
{
	uint64_t table = v->groot;
	for (int level = v->t->cpu->paging_levels; level > 1; level--) {
		uint64_t pa = table + 8 * idx(va, level), e = g_get(v, pa);
		if (!(e & HW_PTE_P)) {
			e = g_alloc(v) | PT_TABLE;
			g_set(v, pa, e);
		}
		table = e & HW_PTE_ADDR_MASK;
	}
	g_set(v, table + 8 * idx(va, 1), gpa | flags);
	return table + 8 * idx(va, 1);
}

/* Map gpa to hpa with a leaf at level carrying perms (EPT: R/W/X bits;
 * NPT: a long-mode entry's flags); non-leaf entries allow everything.
 * Returns the host-physical address of the leaf. */
static uint64_t e_map(struct vm *v, uint64_t gpa, uint64_t hpa, int level, uint64_t perms)
{
	bool ept = v->mode == HW_VIRT_EPT;
	uint64_t table = v->eroot, all = ept ? HW_EPT_RWX : PT_TABLE;
	for (int l = v->elevels; l > level; l--) {
		uint64_t pa = table + 8 * idx(gpa, l), e = pt_get(v->t, pa);
		if (!(e & all)) {
			e = pt_alloc(v->t) | all;
			pt_set(v->t, pa, e);
		}
		table = e & HW_PTE_ADDR_MASK;
	}
	uint64_t pa = table + 8 * idx(gpa, level);
	uint64_t leaf = hpa | perms | (level > 1 ? HW_EPT_PS : 0) | (ept ? HW_EPT_MT_WB << HW_EPT_MT_SHIFT : 0);
	pt_set(v->t, pa, leaf);
	return pa;
}

/* Every guest frame so far (tables) and the data frame, 4 KiB each,
 * guest-physical g at host-physical GBASE + g. */
static void e_map_guest(struct vm *v, uint64_t perms)
{
	for (uint64_t g = 0x100000; g < v->gnext; g += HW_PAGE_SIZE)
		e_map(v, g, GBASE + g, 1, perms);
	e_map(v, DATA_GPA, GBASE + DATA_GPA, 1, perms);
}

static struct vm *vm_new(enum hw_virt mode, int levels, int elevels, bool ad)
{
	struct vm *v = calloc(1, sizeof *v);
	v->t = pt_new("default", levels);
	v->mode = mode;
	v->elevels = elevels;
	v->gbase = GBASE;
	v->gnext = 0x100000;
	v->groot = g_alloc(v);
	v->eroot = pt_alloc(v->t);
	struct hw_cpu *c = v->t->cpu;
	cr_assert_eq(hw_wrmsr_efer(c, c->efer | HW_EFER_NXE), 0);
	v->vmcs = (struct hw_vmcs){ .mode = mode,
				    .eptp = mode == HW_VIRT_EPT ? hw_eptp(v->eroot, elevels, ad) : v->eroot,
				    .vpid = 1, .cr0 = c->cr0, .cr3 = v->groot, .cr4 = c->cr4, .efer = c->efer };
	return v;
}

static void vm_free(struct vm *v)
{
	pt_free(v->t);
	free(v);
}

static void enter(struct vm *v)
{
	cr_assert_eq(hw_vmentry(v->t->cpu, &v->vmcs), 0);
	cr_assert(v->t->cpu->in_guest);
}

/* References of the 2-D walk since the counters were at (walk, ept). */
static uint64_t refs_since(struct vm *v, uint64_t walk, uint64_t ept)
{
	struct hw_cpu *c = v->t->cpu;
	return (c->ctr.walk_refs - walk) + (c->vmx.ctr.ept_walk_refs - ept);
}

/* A 1-byte user access by the guest: 0 or the exception vector. */
static int guest_access(struct vm *v, uint64_t va, enum hw_access kind, char byte, struct hw_exception *e)
{
	char b = byte;
	struct hw_exception x = { 0 };
	int r = hw_access(v->t->cpu, va, &b, 1, kind, HW_USER, &x);
	if (e)
		*e = x;
	return r ? x.vector : 0;
}

/* A guest with DATA_VA mapped to DATA_GPA, EPT for all its frames. */
static struct vm *simple(enum hw_virt mode, int levels, int elevels, bool ad, uint64_t eperms)
{
	struct vm *v = vm_new(mode, levels, elevels, ad);
	g_map(v, DATA_VA, DATA_GPA, PT_USER_RW);
	e_map_guest(v, eperms);
	return v;
}

/* ---- the two-dimensional walk ---------------------------------------------- */

/* Each of the 4 guest entries needs a 4-entry EPT walk first, and so does
 * the data's guest-physical address: 4 x 4 + 4 + 4 = 24 references. */
Test(ept, four_on_four_walk_makes_24_references)
{
	struct vm *v = simple(HW_VIRT_EPT, 4, 4, false, HW_EPT_RWX);
	struct hw_cpu *c = v->t->cpu;
	enter(v);
	uint64_t w = c->ctr.walk_refs, e = c->vmx.ctr.ept_walk_refs;
	cr_assert_eq(guest_access(v, DATA_VA + 0x10, HW_WRITE, 'x', NULL), 0);
	cr_assert_eq(refs_since(v, w, e), 24);
	cr_assert_eq(c->ctr.walk_refs - w, 4, "the guest's own walk");
	cr_assert_eq(c->vmx.ctr.ept_walks, 5, "one EPT walk per guest entry and one for the data");
	cr_assert_eq(pt_get(v->t, GBASE + DATA_GPA + 0x10) & 0xff, 'x', "the byte is in the host frame");
	/* again: a TLB hit and a guest-physical cache hit, no reference */
	w = c->ctr.walk_refs, e = c->vmx.ctr.ept_walk_refs;
	cr_assert_eq(guest_access(v, DATA_VA + 0x11, HW_WRITE, 'y', NULL), 0);
	cr_assert_eq(refs_since(v, w, e), 0);
	vm_free(v);
}

/* 2 MiB and 1 GiB EPT pages take one and two levels off each EPT walk. */
Test(ept, large_ept_pages_shorten_the_walk)
{
	for (int level = 2; level <= 3; level++) {
		struct vm *v = vm_new(HW_VIRT_EPT, 4, 4, false);
		if (level == 3) {                  /* a 1 GiB page: guest-physical = host-physical */
			v->gbase = 0;
			v->gnext = 0x3000000;
			v->groot = g_alloc(v);
			v->vmcs.cr3 = v->groot;
		}
		g_map(v, DATA_VA, DATA_GPA, PT_USER_RW);
		for (uint64_t g = 0; g < GSIZE; g += 1ULL << (12 + 9 * (level - 1)))
			e_map(v, g, v->gbase + g, level, HW_EPT_RWX);
		struct hw_cpu *c = v->t->cpu;
		enter(v);
		uint64_t w = c->ctr.walk_refs, e = c->vmx.ctr.ept_walk_refs;
		cr_assert_eq(guest_access(v, DATA_VA, HW_READ, 0, NULL), 0);
		cr_assert_eq(refs_since(v, w, e), 4 + 5 * (uint64_t)(5 - level), "EPT leaf at level %d", level);
		vm_free(v);
	}
}

/* 5-level EPT under a 4-level guest: 4 + 5 x 5 = 29; 5 on 5: 5 + 6 x 5 = 35. */
Test(ept, five_level_walks)
{
	struct vm *v = simple(HW_VIRT_EPT, 4, 5, false, HW_EPT_RWX);
	enter(v);
	cr_assert_eq(guest_access(v, DATA_VA, HW_READ, 0, NULL), 0);
	cr_assert_eq(refs_since(v, 0, 0), 29);
	vm_free(v);
	v = simple(HW_VIRT_EPT, 5, 5, false, HW_EPT_RWX);
	enter(v);
	cr_assert_eq(guest_access(v, DATA_VA, HW_READ, 0, NULL), 0);
	cr_assert_eq(refs_since(v, 0, 0), 35);
	vm_free(v);
}

/* ---- EPT violations ---------------------------------------------------------- */

/* No EPT entry for the data frame: exit 48 on the data reference, with the
 * qualification of a write to the translation of a linear address, and
 * the core back in host state; nothing stored. */
Test(ept, violation_on_the_data_reference)
{
	struct vm *v = vm_new(HW_VIRT_EPT, 4, 4, false);
	g_map(v, DATA_VA, DATA_GPA, PT_USER_RW);
	for (uint64_t g = 0x100000; g < v->gnext; g += HW_PAGE_SIZE)
		e_map(v, g, GBASE + g, 1, HW_EPT_RWX);
	struct hw_cpu *c = v->t->cpu;
	uint64_t host_cr3 = c->cr3;
	enter(v);
	struct hw_exception x;
	cr_assert_eq(guest_access(v, DATA_VA + 0x20, HW_WRITE, 'z', &x), HW_EXC_VMEXIT);
	cr_assert_eq(x.error_code, HW_EXIT_EPT_VIOLATION);
	struct hw_vmexit *e = &v->vmcs.exit;
	cr_assert_eq(e->reason, HW_EXIT_EPT_VIOLATION);
	cr_assert_eq(e->gpa, DATA_GPA + 0x20);
	cr_assert_eq(e->gla, DATA_VA + 0x20);
	cr_assert_eq(e->qual, HW_EPTQ_WRITE | HW_EPTQ_GLA_VALID | HW_EPTQ_GLA_XLAT, "qual %#lx", e->qual);
	cr_assert_eq(c->in_guest, 0);
	cr_assert_eq(c->cr3, host_cr3, "host CR3 back");
	cr_assert_eq(c->cr2, 0, "no #PF, no CR2");
	cr_assert_eq(c->vmx.ctr.exits[HW_EXITC_EPT_VIOLATION], 1);
	cr_assert_eq(pt_get(v->t, GBASE + DATA_GPA + 0x20), 0, "nothing stored");
	/* the hypervisor maps it and re-enters: the access goes through */
	e_map(v, DATA_GPA, GBASE + DATA_GPA, 1, HW_EPT_RWX);
	enter(v);
	cr_assert_eq(guest_access(v, DATA_VA + 0x20, HW_WRITE, 'z', NULL), 0);
	cr_assert_eq(pt_get(v->t, GBASE + DATA_GPA + 0x20) & 0xff, 'z');
	vm_free(v);
}

/* A guest page-table frame without EPT entry: the exit names the entry's
 * guest-physical address and says it was not the final translation. */
Test(ept, violation_on_a_guest_paging_structure)
{
	struct vm *v = simple(HW_VIRT_EPT, 4, 4, false, HW_EPT_RWX);
	uint64_t pt_gpa = g_map(v, DATA_VA, DATA_GPA, PT_USER_RW) & ~0xfffULL;   /* the PT page */
	pt_set(v->t, pt_entry_pa(v->t, v->eroot, pt_gpa, HW_LVL_PT), 0);   /* its EPT leaf */
	enter(v);
	cr_assert_eq(guest_access(v, DATA_VA, HW_READ, 0, NULL), HW_EXC_VMEXIT);
	struct hw_vmexit *e = &v->vmcs.exit;
	cr_assert_eq(e->gpa, pt_gpa + 8 * idx(DATA_VA, 1));
	cr_assert_eq(e->qual, HW_EPTQ_READ | HW_EPTQ_GLA_VALID, "qual %#lx", e->qual);
	cr_assert_eq(e->level, 1, "the EPT PTE was not present");
	vm_free(v);
}

/* Rights: each reference needs R, W or X at every EPT level; the
 * qualification's bits 3-5 are the AND of what the entries allowed. */
Test(ept, permissions_and_their_qualification)
{
	struct vm *v = simple(HW_VIRT_EPT, 4, 4, false, HW_EPT_RWX);
	uint64_t leaf = e_map(v, DATA_GPA, GBASE + DATA_GPA, 1, HW_EPT_R);   /* read-only data */
	g_map(v, DATA_VA, DATA_GPA, PT_USER_RW);
	enter(v);
	cr_assert_eq(guest_access(v, DATA_VA, HW_READ, 0, NULL), 0, "reads are allowed");
	cr_assert_eq(guest_access(v, DATA_VA, HW_WRITE, 1, NULL), HW_EXC_VMEXIT);
	cr_assert_eq(v->vmcs.exit.qual, HW_EPTQ_WRITE | HW_EPTQ_READABLE | HW_EPTQ_GLA_VALID | HW_EPTQ_GLA_XLAT);
	pt_set(v->t, leaf, (GBASE + DATA_GPA) | HW_EPT_R | HW_EPT_W | HW_EPT_MT_WB << HW_EPT_MT_SHIFT);
	cr_assert_eq(hw_invept(v->t->cpu, 1, v->vmcs.eptp), 0);
	enter(v);
	cr_assert_eq(guest_access(v, DATA_VA, HW_WRITE, 1, NULL), 0, "writable now");
	g_map(v, DATA_VA, DATA_GPA, PT_USER_RW);                 /* executable for the guest */
	cr_assert_eq(guest_access(v, DATA_VA, HW_FETCH, 0, NULL), HW_EXC_VMEXIT, "X=0 in EPT");
	cr_assert_eq(v->vmcs.exit.qual,
		     HW_EPTQ_FETCH | HW_EPTQ_READABLE | HW_EPTQ_WRITABLE | HW_EPTQ_GLA_VALID | HW_EPTQ_GLA_XLAT);
	vm_free(v);
}

/* ---- EPT misconfigurations ------------------------------------------------------- */

/* Each present entry with a reserved combination exits with reason 49. */
Test(ept, misconfigurations)
{
	static const struct { int level; uint64_t bits; const char *what; } cases[] = {
		{ 1, HW_EPT_W | HW_EPT_MT_WB << HW_EPT_MT_SHIFT, "writable, not readable" },
		{ 1, HW_EPT_W | HW_EPT_X | HW_EPT_MT_WB << HW_EPT_MT_SHIFT, "write/execute" },
		{ 1, HW_EPT_R | 2ULL << HW_EPT_MT_SHIFT, "memory type 2" },
		{ 1, HW_EPT_R | 7ULL << HW_EPT_MT_SHIFT, "memory type 7" },
		{ 1, HW_EPT_R | HW_EPT_MT_WB << HW_EPT_MT_SHIFT | (1ULL << 51), "address bit 51" },
		{ 4, HW_EPT_RWX | HW_EPT_PS, "PS in a PML4E" },
		{ 4, HW_EPT_RWX | (1ULL << 3), "bit 3 in a PML4E" },
		{ 2, HW_EPT_RWX | (1ULL << 4), "bit 4 in a non-leaf PDE" },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct vm *v = simple(HW_VIRT_EPT, 4, 4, false, HW_EPT_RWX);
		uint64_t table = v->eroot, pa = 0;
		for (int l = 4; l >= cases[i].level; l--) {
			pa = table + 8 * idx(DATA_GPA, l);
			table = pt_get(v->t, pa) & HW_PTE_ADDR_MASK;
		}
		pt_set(v->t, pa, (pt_get(v->t, pa) & HW_PTE_ADDR_MASK) | cases[i].bits);
		enter(v);
		cr_assert_eq(guest_access(v, DATA_VA, HW_READ, 0, NULL), HW_EXC_VMEXIT, "%s", cases[i].what);
		cr_assert_eq(v->vmcs.exit.reason, HW_EXIT_EPT_MISCONFIG, "%s", cases[i].what);
		cr_assert_eq(v->vmcs.exit.level, cases[i].level, "%s", cases[i].what);
		cr_assert_eq(v->t->cpu->vmx.ctr.exits[HW_EXITC_EPT_MISCONFIG], 1);
		vm_free(v);
	}
}

/* Execute-only (X alone) is allowed: fetches pass, reads exit. */
Test(ept, execute_only_is_not_a_misconfiguration)
{
	struct vm *v = simple(HW_VIRT_EPT, 4, 4, false, HW_EPT_RWX);
	e_map(v, DATA_GPA, GBASE + DATA_GPA, 1, HW_EPT_X);
	enter(v);
	cr_assert_eq(guest_access(v, DATA_VA, HW_FETCH, 0, NULL), 0);
	cr_assert_eq(guest_access(v, DATA_VA, HW_READ, 0, NULL), HW_EXC_VMEXIT);
	cr_assert_eq(v->vmcs.exit.reason, HW_EXIT_EPT_VIOLATION);
	vm_free(v);
}

/* ---- EPT accessed and dirty flags --------------------------------------------------- */

/* With EPTP bit 6, walks set A in every EPT entry used and a write sets D
 * in the leaf; the guest's paging-structure reads count as writes. */
Test(ept, accessed_and_dirty_flags)
{
	struct vm *v = simple(HW_VIRT_EPT, 4, 4, true, HW_EPT_RWX);
	uint64_t leaf = e_map(v, DATA_GPA, GBASE + DATA_GPA, 1, HW_EPT_RWX);
	enter(v);
	cr_assert_eq(guest_access(v, DATA_VA, HW_READ, 0, NULL), 0);
	cr_assert(pt_get(v->t, leaf) & HW_EPT_A);
	cr_assert_not(pt_get(v->t, leaf) & HW_EPT_D, "a read leaves D clear");
	cr_assert(pt_get(v->t, v->eroot + 8 * idx(DATA_GPA, 4)) & HW_EPT_A, "and A at the root");
	cr_assert_eq(guest_access(v, DATA_VA, HW_WRITE, 1, NULL), 0);
	cr_assert(pt_get(v->t, leaf) & HW_EPT_D, "a write sets D");
	vm_free(v);
	/* read-only guest page tables: with A/D on the walk's reads are writes */
	v = simple(HW_VIRT_EPT, 4, 4, true, HW_EPT_R | HW_EPT_X);
	e_map(v, DATA_GPA, GBASE + DATA_GPA, 1, HW_EPT_RWX);
	enter(v);
	cr_assert_eq(guest_access(v, DATA_VA, HW_READ, 0, NULL), HW_EXC_VMEXIT);
	cr_assert_eq(v->vmcs.exit.qual & (HW_EPTQ_WRITE | HW_EPTQ_GLA_XLAT), HW_EPTQ_WRITE);
	cr_assert_eq(v->vmcs.exit.gpa, v->groot + 8 * idx(DATA_VA, 4), "the guest's root entry");
	vm_free(v);
}

/* ---- nested paging (AMD) ---------------------------------------------------------------- */

Test(ept, npt_walk_and_npf)
{
	struct vm *v = simple(HW_VIRT_NPT, 4, 4, true, PT_USER_RW);
	struct hw_cpu *c = v->t->cpu;
	enter(v);
	cr_assert_eq(guest_access(v, DATA_VA, HW_WRITE, 'n', NULL), 0);
	cr_assert_eq(refs_since(v, 0, 0), 24, "the same 2-D walk: %lu + %lu", c->ctr.walk_refs,
		     c->vmx.ctr.ept_walk_refs);
	cr_assert_eq(pt_get(v->t, GBASE + DATA_GPA) & 0xff, 'n');
	hw_vmexit(c, HW_EXIT_VMCALL);
	uint64_t leaf = e_map(v, DATA_GPA, GBASE + DATA_GPA, 1, HW_PTE_P | HW_PTE_US);   /* read-only */
	cr_assert_eq(hw_invept(c, 2, 0), 0, "(AMD: a VMRUN with TLB_CONTROL flushing the ASID)");
	enter(v);
	cr_assert_eq(guest_access(v, DATA_VA, HW_WRITE, 'm', NULL), HW_EXC_VMEXIT);
	struct hw_vmexit *e = &v->vmcs.exit;
	cr_assert_eq(e->reason, HW_EXIT_NPF);
	cr_assert_eq(e->qual, HW_NPF_P | HW_NPF_RW | HW_NPF_US | HW_NPF_FINAL, "EXITINFO1 %#lx", e->qual);
	cr_assert_eq(e->gpa, DATA_GPA);
	/* a nested entry without U/S allows nothing: every nested access is a user access */
	pt_set(v->t, leaf, (GBASE + DATA_GPA) | HW_PTE_P | HW_PTE_RW);
	enter(v);
	cr_assert_eq(guest_access(v, DATA_VA + 1, HW_READ, 0, NULL), HW_EXC_VMEXIT);
	cr_assert_eq(e->qual, HW_NPF_P | HW_NPF_US | HW_NPF_FINAL);
	/* a reserved bit: RSV */
	pt_set(v->t, leaf, (GBASE + DATA_GPA) | PT_USER_RW | (1ULL << 51));
	enter(v);
	cr_assert_eq(guest_access(v, DATA_VA + 2, HW_READ, 0, NULL), HW_EXC_VMEXIT);
	cr_assert_eq(e->qual, HW_NPF_P | HW_NPF_US | HW_NPF_RSV | HW_NPF_FINAL);
	cr_assert_eq(c->vmx.ctr.exits[HW_EXITC_NPF], 3);
	vm_free(v);
}

/* ---- VM entry checks ------------------------------------------------------------------ */

Test(ept, vm_entry_checks_the_eptp)
{
	struct vm *v = simple(HW_VIRT_EPT, 4, 4, false, HW_EPT_RWX);
	struct hw_vmcs bad = v->vmcs;
	bad.eptp = (v->vmcs.eptp & ~7ULL) | 1;                        /* memory type 1 */
	cr_assert_eq(hw_vmentry(v->t->cpu, &bad), -EINVAL);
	bad.eptp = (v->vmcs.eptp & ~(7ULL << 3)) | (2ULL << 3);       /* 3-level walk */
	cr_assert_eq(hw_vmentry(v->t->cpu, &bad), -EINVAL);
	bad.eptp = v->vmcs.eptp | (1ULL << 8);                        /* reserved bit */
	cr_assert_eq(hw_vmentry(v->t->cpu, &bad), -EINVAL);
	bad.mode = HW_VIRT_OFF;
	cr_assert_eq(hw_vmentry(v->t->cpu, &bad), -EINVAL);
	cr_assert_eq(v->t->cpu->in_guest, 0);
	enter(v);
	cr_assert_eq(hw_vmentry(v->t->cpu, &v->vmcs), -EINVAL, "already in the guest");
	cr_assert_eq(hw_invept(v->t->cpu, 2, 0), -EINVAL, "INVEPT in the guest");
	hw_vmexit(v->t->cpu, HW_EXIT_VMCALL);
	cr_assert_eq(v->vmcs.exit.reason, HW_EXIT_VMCALL);
	cr_assert_eq(v->t->cpu->vmx.ctr.exits[HW_EXITC_OTHER], 1);
	cr_assert_eq(hw_invept(v->t->cpu, 3, 0), -EINVAL);
	cr_assert_eq(hw_invvpid(v->t->cpu, 1, 0, 0), -EINVAL, "VPID 0 for a single context");
	cr_assert_eq(hw_invvpid(v->t->cpu, 4, 1, 0), -EINVAL);
	vm_free(v);
}

/* ---- VPIDs ---------------------------------------------------------------------------------- */

/* With a VPID, the guest's TLB entries survive an exit, host work and a
 * new entry; with VPID 0 the entry flushes and the guest walks again. */
Test(ept, vpid_tagged_entries_survive_exits)
{
	struct vm *v = simple(HW_VIRT_EPT, 4, 4, false, HW_EPT_RWX);
	struct hw_cpu *c = v->t->cpu;
	enter(v);
	cr_assert_eq(guest_access(v, DATA_VA, HW_READ, 0, NULL), 0);
	hw_vmexit(c, HW_EXIT_VMCALL);
	cr_assert_eq(c->pcid, 0, "the host's tag");
	struct hw_xlat hx = hw_translate(c, DATA_VA, HW_READ, HW_SUPERVISOR);
	cr_assert_eq(hx.exc.vector, HW_EXC_PF, "the host has no mapping there: the guest's entry is not used");
	enter(v);
	cr_assert_geq(c->pcid, HW_VPID_TAG0);
	uint64_t walks = c->ctr.walks;
	cr_assert_eq(guest_access(v, DATA_VA, HW_READ, 0, NULL), 0);
	cr_assert_eq(c->ctr.walks, walks, "a TLB hit after the round trip");
	hw_vmexit(c, HW_EXIT_VMCALL);
	v->vmcs.vpid = 0;
	enter(v);
	walks = c->ctr.walks;
	cr_assert_eq(guest_access(v, DATA_VA, HW_READ, 0, NULL), 0);
	cr_assert_eq(c->ctr.walks, walks + 1, "VPID 0: the entry flushed");
	vm_free(v);
}

/* Two guests with the same linear address mapped to different frames:
 * their tags keep them apart. */
Test(ept, two_vpids_do_not_share_entries)
{
	struct vm *v = simple(HW_VIRT_EPT, 4, 4, false, HW_EPT_RWX);
	struct hw_cpu *c = v->t->cpu;
	pt_set(v->t, GBASE + DATA_GPA, 0x1111);
	pt_set(v->t, GBASE + DATA_GPA + 0x1000, 0x2222);
	e_map(v, DATA_GPA + 0x1000, GBASE + DATA_GPA + 0x1000, 1, HW_EPT_RWX);
	struct hw_vmcs other = v->vmcs;
	other.vpid = 2;
	other.cr3 = g_alloc(v);                  /* a second guest address space */
	uint64_t saved = v->groot;
	v->groot = other.cr3;
	g_map(v, DATA_VA, DATA_GPA + 0x1000, PT_USER_RW);
	v->groot = saved;
	e_map_guest(v, HW_EPT_RWX);
	uint64_t a = 0, b = 0;
	enter(v);
	cr_assert_eq(hw_access(c, DATA_VA, &a, 8, HW_READ, HW_USER, NULL), 0);
	hw_vmexit(c, HW_EXIT_VMCALL);
	cr_assert_eq(hw_vmentry(c, &other), 0);
	cr_assert_eq(hw_access(c, DATA_VA, &b, 8, HW_READ, HW_USER, NULL), 0);
	hw_vmexit(c, HW_EXIT_VMCALL);
	cr_assert_eq(a, 0x1111);
	cr_assert_eq(b, 0x2222);
	vm_free(v);
}

/* ---- PCIDs inside a guest ------------------------------------------------------------------- */

/* One 8-byte guest read at va: 0 and *x, or the vector. */
static int read8(struct vm *v, uint64_t va, uint64_t *x)
{
	struct hw_exception e = { 0 };
	return hw_access(v->t->cpu, va, x, 8, HW_READ, HW_USER, &e) ? e.vector : 0;
}

/* A guest with PCIDs on and two address spaces: A (PCID 1) maps DATA_VA
 * to DATA_GPA (0x1111), B (PCID 2) to DATA_GPA + 0x1000 (0x2222). The
 * guest starts in A. Its second root is returned in *b. */
/* Two guest address spaces: the guest's root (A) maps DATA_VA to
 * DATA_GPA (0x1111) with leaf flags fa; a second root (B, returned)
 * maps it to DATA_GPA + 0x1000 (0x2222). EPT maps every frame. */
static uint64_t two_spaces(struct vm *v, uint64_t fa)
{
	g_map(v, DATA_VA, DATA_GPA, fa);
	uint64_t a = v->groot, b;
	v->groot = b = g_alloc(v);
	g_map(v, DATA_VA, DATA_GPA + 0x1000, PT_USER_RW);
	v->groot = a;
	e_map_guest(v, HW_EPT_RWX);
	e_map(v, DATA_GPA + 0x1000, GBASE + DATA_GPA + 0x1000, 1, HW_EPT_RWX);
	pt_set(v->t, GBASE + DATA_GPA, 0x1111);
	pt_set(v->t, GBASE + DATA_GPA + 0x1000, 0x2222);
	return b;
}

static struct vm *pcid_guest(uint64_t *b)
{
	struct vm *v = vm_new(HW_VIRT_EPT, 4, 4, false);
	cr_assert(v->t->cpu->has_pcid);
	*b = two_spaces(v, PT_USER_RW);
	v->vmcs.cr4 |= HW_CR4_PCIDE;
	v->vmcs.cr3 = v->groot | 1;
	return v;
}

/* An 8-byte guest read at DATA_VA: its value, and whether it walked. */
static uint64_t read_walked(struct vm *v, bool *walked)
{
	uint64_t x = 0, walks = v->t->cpu->ctr.walks;
	cr_assert_eq(read8(v, DATA_VA, &x), 0);
	*walked = v->t->cpu->ctr.walks != walks;
	return x;
}

/* Guest context switches with MOV to CR3 and bit 63 (no flush) keep each
 * PCID's entries, tagged with the VPID, across the switches and across a
 * VM exit, host work and a new entry: no walk after the first of each. */
Test(ept, guest_pcids_keep_their_entries)
{
	uint64_t b;
	struct vm *v = pcid_guest(&b);
	struct hw_cpu *c = v->t->cpu;
	uint64_t a = v->groot;
	bool walked;
	enter(v);
	cr_assert_eq(read_walked(v, &walked), 0x1111);
	cr_assert(walked);
	cr_assert_eq(hw_mov_to_cr3(c, b | 2 | HW_CR3_NOFLUSH), 0);
	cr_assert_eq(read_walked(v, &walked), 0x2222, "B's own translation, not A's");
	cr_assert(walked);
	uint16_t tag_b = c->pcid;
	cr_assert_eq(hw_mov_to_cr3(c, a | 1 | HW_CR3_NOFLUSH), 0);
	cr_assert_neq(c->pcid, tag_b, "each guest PCID has its own tag");
	cr_assert_geq(c->pcid, HW_VPID_TAG0);
	cr_assert_eq(read_walked(v, &walked), 0x1111);
	cr_assert_not(walked, "A's entry survived the switch to B and back");
	hw_vmexit(c, HW_EXIT_VMCALL);
	cr_assert_eq(v->vmcs.cr3, a | 1, "the VMCS has the guest's CR3 and PCID");
	cr_assert(v->vmcs.cr4 & HW_CR4_PCIDE);
	struct hw_xlat hx = hw_translate(c, DATA_VA, HW_READ, HW_SUPERVISOR);
	cr_assert_eq(hx.exc.vector, HW_EXC_PF, "the host does not see the guest's entries");
	enter(v);
	cr_assert_eq(read_walked(v, &walked), 0x1111);
	cr_assert_not(walked, "A's entry survived the exit");
	cr_assert_eq(hw_mov_to_cr3(c, b | 2 | HW_CR3_NOFLUSH), 0);
	cr_assert_eq(read_walked(v, &walked), 0x2222);
	cr_assert_not(walked, "and so did B's");
	cr_assert_eq(hw_mov_to_cr3(c, b | 2), 0);          /* a flushing switch drops B's only */
	cr_assert_eq(read_walked(v, &walked), 0x2222);
	cr_assert(walked);
	cr_assert_eq(hw_mov_to_cr3(c, a | 1 | HW_CR3_NOFLUSH), 0);
	cr_assert_eq(read_walked(v, &walked), 0x1111);
	cr_assert_not(walked);
	vm_free(v);
}

/* A guest's PCID 1 is not the host's PCID 1: the host's entry for the
 * same linear address under its PCID 1 is neither used nor dropped by
 * the guest. */
Test(ept, guest_pcid_is_not_the_host_pcid)
{
	uint64_t b;
	struct vm *v = pcid_guest(&b);
	struct hw_cpu *c = v->t->cpu;
	uint64_t host_frame = pt_alloc(v->t), x = 0;
	pt_map(v->t, v->t->root, DATA_VA, host_frame, HW_LVL_PT, PT_USER_RW, PT_TABLE, 0);
	pt_set(v->t, host_frame, 0x9999);
	cr_assert_eq(hw_mov_to_cr4(c, c->cr4 | HW_CR4_PCIDE), 0);
	cr_assert_eq(hw_mov_to_cr3(c, v->t->root | 1), 0);
	cr_assert_eq(hw_access(c, DATA_VA, &x, 8, HW_READ, HW_USER, NULL), 0);
	cr_assert_eq(x, 0x9999);
	enter(v);
	cr_assert_eq(hw_mov_to_cr3(c, b | 1 | HW_CR3_NOFLUSH), 0);
	cr_assert_eq(hw_mov_to_cr3(c, v->groot | 1), 0);   /* flushes the guest's PCID 1 */
	bool walked;
	cr_assert_eq(read_walked(v, &walked), 0x1111, "the guest's PCID 1 is its own");
	cr_assert_eq(hw_invpcid(c, 1, 1, 0), 0);
	cr_assert_eq(hw_invpcid(c, 2, 0, 0), 0);
	hw_vmexit(c, HW_EXIT_VMCALL);
	uint64_t walks = c->ctr.walks;
	cr_assert_eq(hw_access(c, DATA_VA, &x, 8, HW_READ, HW_USER, NULL), 0);
	cr_assert_eq(x, 0x9999);
	cr_assert_eq(c->ctr.walks, walks, "the guest's flushes left the host's PCID 1 alone");
	vm_free(v);
}

/* INVPCID in a guest drops what its type says among the guest's own
 * PCIDs: type 0 one page of one PCID, 1 one PCID, 2 and 3 all of them;
 * another VPID with the same PCID keeps its entries. */
Test(ept, guest_invpcid_types)
{
	uint64_t b;
	struct vm *v = pcid_guest(&b);
	struct hw_cpu *c = v->t->cpu;
	uint64_t a = v->groot;
	struct hw_vmcs other = v->vmcs;
	other.vpid = 2;
	bool walked;
	cr_assert_eq(hw_vmentry(c, &other), 0);
	cr_assert_eq(read_walked(v, &walked), 0x1111);
	hw_vmexit(c, HW_EXIT_VMCALL);
	for (unsigned type = 0; type < 4; type++) {
		enter(v);
		cr_assert_eq(hw_mov_to_cr3(c, b | 2 | HW_CR3_NOFLUSH), 0);
		cr_assert_eq(read_walked(v, &walked), 0x2222);
		cr_assert_eq(hw_mov_to_cr3(c, a | 1 | HW_CR3_NOFLUSH), 0);
		cr_assert_eq(read_walked(v, &walked), 0x1111);
		cr_assert_eq(hw_invpcid(c, type, type <= 1 ? 1 : 0, DATA_VA), 0);
		cr_assert_eq(read_walked(v, &walked), 0x1111);
		cr_assert(walked, "type %u dropped PCID 1's entry", type);
		cr_assert_eq(hw_mov_to_cr3(c, b | 2 | HW_CR3_NOFLUSH), 0);
		cr_assert_eq(read_walked(v, &walked), 0x2222);
		cr_assert_eq(walked, type >= 2, "type %u and PCID 2", type);
		hw_vmexit(c, HW_EXIT_VMCALL);
		v->vmcs.cr3 = a | 1;
		cr_assert_eq(hw_vmentry(c, &other), 0);
		cr_assert_eq(read_walked(v, &walked), 0x1111);
		cr_assert_not(walked, "type %u: VPID 2's PCID 1 is another address space", type);
		hw_vmexit(c, HW_EXIT_VMCALL);
	}
	vm_free(v);
}

/* A guest's CR4.PGE is kept in its VMCS, not in the core: its global
 * pages are cached as non-global, so another VPID does not see them. */
Test(ept, guest_global_pages_stay_in_their_vpid)
{
	struct vm *v = vm_new(HW_VIRT_EPT, 4, 4, false);
	struct hw_cpu *c = v->t->cpu;
	struct hw_vmcs other = v->vmcs;
	other.vpid = 2;
	other.cr3 = two_spaces(v, PT_USER_RW | HW_PTE_G);
	uint64_t x = 0;
	enter(v);
	cr_assert_eq(hw_mov_to_cr4(c, c->cr4 | HW_CR4_PGE), 0);
	cr_assert_not(c->cr4 & HW_CR4_PGE);
	cr_assert_eq(read8(v, DATA_VA, &x), 0);
	cr_assert_eq(x, 0x1111);
	hw_vmexit(c, HW_EXIT_VMCALL);
	cr_assert(v->vmcs.cr4 & HW_CR4_PGE, "the guest's view of CR4");
	cr_assert_eq(hw_vmentry(c, &other), 0);
	cr_assert_eq(read8(v, DATA_VA, &x), 0);
	cr_assert_eq(x, 0x2222, "VPID 2 does not use VPID 1's global page");
	vm_free(v);
}

/* ---- INVVPID and INVEPT: stale translations until invalidated --------------------------------- */

Test(ept, invvpid_drops_stale_linear_mappings)
{
	struct vm *v = simple(HW_VIRT_EPT, 4, 4, false, HW_EPT_RWX);
	struct hw_cpu *c = v->t->cpu;
	pt_set(v->t, GBASE + DATA_GPA, 0xaaaa);
	pt_set(v->t, GBASE + DATA_GPA + 0x1000, 0xbbbb);
	e_map(v, DATA_GPA + 0x1000, GBASE + DATA_GPA + 0x1000, 1, HW_EPT_RWX);
	uint64_t x = 0;
	enter(v);
	cr_assert_eq(hw_access(c, DATA_VA, &x, 8, HW_READ, HW_USER, NULL), 0);
	cr_assert_eq(x, 0xaaaa);
	hw_vmexit(c, HW_EXIT_VMCALL);
	g_map(v, DATA_VA, DATA_GPA + 0x1000, PT_USER_RW);       /* the guest remaps, no INVLPG */
	enter(v);
	cr_assert_eq(hw_access(c, DATA_VA, &x, 8, HW_READ, HW_USER, NULL), 0);
	cr_assert_eq(x, 0xaaaa, "stale: the TLB still has the old mapping");
	hw_vmexit(c, HW_EXIT_VMCALL);
	cr_assert_eq(hw_invvpid(c, 0, 2, DATA_VA), 0);
	enter(v);
	cr_assert_eq(hw_access(c, DATA_VA, &x, 8, HW_READ, HW_USER, NULL), 0);
	cr_assert_eq(x, 0xaaaa, "INVVPID of another VPID leaves it");
	hw_vmexit(c, HW_EXIT_VMCALL);
	cr_assert_eq(hw_invvpid(c, 0, 1, DATA_VA), 0);
	enter(v);
	cr_assert_eq(hw_access(c, DATA_VA, &x, 8, HW_READ, HW_USER, NULL), 0);
	cr_assert_eq(x, 0xbbbb, "INVVPID type 0 dropped it");
	vm_free(v);
}

Test(ept, invept_drops_stale_guest_physical_mappings)
{
	struct vm *v = simple(HW_VIRT_EPT, 4, 4, false, HW_EPT_RWX);
	struct hw_cpu *c = v->t->cpu;
	uint64_t leaf = pt_entry_pa(v->t, v->eroot, DATA_GPA, HW_LVL_PT);
	pt_set(v->t, GBASE + DATA_GPA, 0x5555);
	pt_set(v->t, GBASE + 0x0, 0x6666);
	uint64_t x = 0;
	enter(v);
	cr_assert_eq(hw_access(c, DATA_VA, &x, 8, HW_READ, HW_USER, NULL), 0);
	hw_vmexit(c, HW_EXIT_VMCALL);
	pt_set(v->t, leaf, GBASE | HW_EPT_RWX | HW_EPT_MT_WB << HW_EPT_MT_SHIFT);   /* the hypervisor moves it */
	enter(v);
	cr_assert_eq(hw_access(c, DATA_VA, &x, 8, HW_READ, HW_USER, NULL), 0);
	cr_assert_eq(x, 0x5555, "stale guest-physical mapping");
	hw_vmexit(c, HW_EXIT_VMCALL);
	cr_assert_eq(hw_invvpid(c, 1, 1, 0), 0);
	enter(v);
	cr_assert_eq(hw_access(c, DATA_VA, &x, 8, HW_READ, HW_USER, NULL), 0);
	cr_assert_eq(x, 0x5555, "INVVPID does not drop guest-physical mappings");
	hw_vmexit(c, HW_EXIT_VMCALL);
	cr_assert_eq(hw_invept(c, 1, v->vmcs.eptp), 0);
	enter(v);
	cr_assert_eq(hw_access(c, DATA_VA, &x, 8, HW_READ, HW_USER, NULL), 0);
	cr_assert_eq(x, 0x6666, "INVEPT single-context dropped it");
	vm_free(v);
}

/* ---- outside a guest nothing changes ---------------------------------------------------------- */

Test(ept, no_guest_no_second_stage)
{
	struct pt *t = pt_new("default", 4);
	pt_map(t, t->root, DATA_VA, 0x3000000, HW_LVL_PT, PT_USER_RW, PT_TABLE, 0);
	cr_assert_eq(hw_mem_ref(t->cpu, 0x1234, 8, HW_REF_LOAD), 0x1234);
	uint64_t x = 7;
	cr_assert_eq(hw_access(t->cpu, DATA_VA, &x, 8, HW_WRITE, HW_USER, NULL), 0);
	cr_assert_eq(pt_get(t, 0x3000000), 7);
	cr_assert_eq(t->cpu->ctr.walk_refs, 4);
	cr_assert_eq(t->cpu->vmx.ctr.ept_walks, 0);
	pt_free(t);
}

/* ---- randomized differential: 2-D walk vs two 1-D walks ------------------------------------- */

/* The reference: EPT's 1-D walk of gpa for access acc (R/W/X), written
 * plainly from SDM §29.3.2 for 4 KiB, 2 MiB and 1 GiB leaves. */
static bool ref_ept(struct vm *v, uint64_t gpa, uint64_t acc, uint64_t *hpa)
{
	uint64_t table = v->eroot, allowed = HW_EPT_RWX;
	for (int l = v->elevels; l >= 1; l--) {
		uint64_t e = pt_get(v->t, table + 8 * idx(gpa, l));
		if (!(e & HW_EPT_RWX))
			return false;
		allowed &= e;
		if (l == 1 || (e & HW_EPT_PS)) {
			uint64_t size = 1ULL << (12 + 9 * (l - 1));
			*hpa = (e & HW_PTE_ADDR_MASK & ~(size - 1)) | (gpa & (size - 1));
			return (allowed & acc) != 0;
		}
		table = e & HW_PTE_ADDR_MASK;
	}
	return false;
}

/* The guest's 1-D walk of va, each entry read through ref_ept. Returns 0
 * with *hpa, 1 for a #PF, 2 for an exit. */
static int ref_2d(struct vm *v, uint64_t va, enum hw_access kind, uint64_t *hpa)
{
	uint64_t table = v->groot, ok = HW_PTE_RW | HW_PTE_US, nx = 0, epa;
	for (int l = v->t->cpu->paging_levels; l >= 1; l--) {
		if (!ref_ept(v, table + 8 * idx(va, l), HW_EPT_R, &epa))
			return 2;
		uint64_t e = pt_get(v->t, epa);
		if (!(e & HW_PTE_P))
			return 1;
		ok &= e;
		nx |= e & HW_PTE_XD;
		if (l == 1 || (l <= 3 && (e & HW_PTE_PS))) {
			uint64_t size = 1ULL << (12 + 9 * (l - 1));
			if (!(ok & HW_PTE_US) || (kind == HW_WRITE && !(ok & HW_PTE_RW)) || (kind == HW_FETCH && nx))
				return 1;
			uint64_t gpa = (e & HW_PTE_ADDR_MASK & ~(size - 1)) | (va & (size - 1));
			uint64_t acc = kind == HW_WRITE ? HW_EPT_W : kind == HW_FETCH ? HW_EPT_X : HW_EPT_R;
			return ref_ept(v, gpa, acc, hpa) ? 0 : 2;
		}
		table = e & HW_PTE_ADDR_MASK;
	}
	return 1;
}

/* The guest-physical address guest-linear va maps to in the guest's
 * tables, or ~0. */
static uint64_t g_lookup(struct vm *v, uint64_t va)
{
	uint64_t table = v->groot;
	for (int l = v->t->cpu->paging_levels; l >= 1; l--) {
		uint64_t e = g_get(v, table + 8 * idx(va, l));
		if (!(e & HW_PTE_P))
			return ~0ULL;
		table = e & HW_PTE_ADDR_MASK;
	}
	return table | (va & 0xfff);
}

/* Stale checks, as the MMU's differential test makes them: read va, have
 * the hypervisor move its guest frame to a new host frame (or the guest
 * remap it to another guest frame) without invalidating, and the cached
 * path must still read the old bytes, whatever the tables now say; after
 * INVEPT (or INVVPID) it reads the new ones. Returns 1 when a check ran. */
static int stale_check(struct vm *v, uint64_t va, bool ept_edit, uint64_t *seen)
{
	struct hw_cpu *c = v->t->cpu;
	uint64_t before = 0, after = 0, now = 0, gpa = g_lookup(v, va), hpa;
	if (gpa == ~0ULL || ref_2d(v, va, HW_READ, &hpa) || read8(v, va, &before))
		return 0;
	uint64_t fresh = GBASE + 0xa00000 + (uint64_t)(rand() % 64) * 0x1000;    /* not used elsewhere */
	pt_set(v->t, fresh + (va & 0xff8), ~before);
	hw_vmexit(c, HW_EXIT_VMCALL);
	if (ept_edit) {
		e_map(v, gpa & ~0xfffULL, fresh, 1, HW_EPT_RWX);
	} else {
		uint64_t g2 = 0xc00000 + (uint64_t)(rand() % 64) * 0x1000;
		e_map(v, g2, fresh, 1, HW_EPT_RWX);
		cr_assert_eq(hw_invept(c, 1, v->vmcs.eptp), 0);     /* the hypervisor's part, done right */
		g_map(v, va & ~0xfffULL, g2, HW_PTE_P | HW_PTE_US | HW_PTE_RW);
	}
	enter(v);
	cr_assert_eq(read8(v, va, &after), 0, "%s edit: the cached translation still works", ept_edit ? "EPT" : "PTE");
	cr_assert_eq(after, before, "%s edit: the cached path reads the old bytes without invalidation",
		     ept_edit ? "EPT" : "PTE");
	uint64_t ref;
	cr_assert_eq(ref_2d(v, va, HW_READ, &ref), 0);
	*seen += pt_get(v->t, ref) != after;
	hw_vmexit(c, HW_EXIT_VMCALL);
	if (ept_edit)
		cr_assert_eq(hw_invept(c, 1, v->vmcs.eptp), 0);
	else
		cr_assert_eq(hw_invvpid(c, 0, v->vmcs.vpid, va), 0);
	enter(v);
	cr_assert_eq(read8(v, va, &now), 0);
	cr_assert_eq(now, ~before, "after %s the new bytes", ept_edit ? "INVEPT" : "INVVPID");
	return 1;
}

/* Random guest mappings (some read-only, some missing) over random EPT
 * mappings (some read-only, execute-only or missing); random accesses
 * compared with ref_2d. The changes between entries are followed by
 * INVEPT and INVVPID, as a correct hypervisor and guest do; stale_check
 * makes a few edits without them first. */
Test(ept, random_2d_walk_agrees_with_two_1d_walks)
{
	srand(19);
	struct vm *v = vm_new(HW_VIRT_EPT, 4, 4, false);
	struct hw_cpu *c = v->t->cpu;
	enum { NVA = 24, NGPA = 32 };
	/* guest tables first (they need EPT entries that stay) */
	for (int i = 0; i < NVA; i++)
		g_map(v, DATA_VA + (uint64_t)i * 0x1000, 0, 0);
	for (uint64_t g = 0x100000; g < v->gnext; g += HW_PAGE_SIZE)
		e_map(v, g, GBASE + g, 1, HW_EPT_RWX);
	uint64_t checked = 0, exits = 0, faults = 0, stale_checks = 0, stale_seen = 0;
	for (int round = 0; round < 60; round++) {
		/* the guest changes a few PTEs; the hypervisor a few EPT entries */
		for (int k = 0; k < 4; k++) {
			int i = rand() % NVA;
			uint64_t gpa = DATA_GPA + (uint64_t)(rand() % NGPA) * 0x1000;
			uint64_t fl = rand() % 5 == 0 ? 0 : (HW_PTE_P | HW_PTE_US | (rand() % 3 ? HW_PTE_RW : 0));
			g_map(v, DATA_VA + (uint64_t)i * 0x1000, gpa, fl);
		}
		for (int k = 0; k < 4; k++) {
			uint64_t g = DATA_GPA + (uint64_t)(rand() % NGPA) * 0x1000;
			int r = rand() % 6;
			uint64_t perms = r == 0 ? 0 : r == 1 ? HW_EPT_R : r == 2 ? HW_EPT_R | HW_EPT_X : HW_EPT_RWX;
			uint64_t host = GBASE + 0x900000 + (uint64_t)(rand() % 64) * 0x1000;
			if (perms)
				e_map(v, g, host, 1, perms);
			else
				pt_set(v->t, pt_entry_pa(v->t, v->eroot, g, HW_LVL_PT), 0);
		}
		cr_assert_eq(hw_invept(c, 2, 0), 0);
		cr_assert_eq(hw_invvpid(c, 1, 1, 0), 0);
		enter(v);
		for (int k = 0; k < 3; k++)
			stale_checks += stale_check(v, DATA_VA + (uint64_t)(rand() % NVA) * 0x1000 + (uint64_t)(rand() % 512) * 8,
						    rand() % 2, &stale_seen);
		for (int n = 0; n < 40; n++) {
			uint64_t va = DATA_VA + (uint64_t)(rand() % NVA) * 0x1000 + (uint64_t)(rand() % 4096 & ~7);
			enum hw_access kind = (enum hw_access)(rand() % 3);
			uint64_t want = 0, got = 0x77, host;
			int ref = ref_2d(v, va, kind, &want);
			struct hw_exception x = { 0 };
			int r = hw_access(c, va, &got, 8, kind == HW_WRITE ? HW_WRITE : kind, HW_USER, &x);
			if (ref == 0) {
				cr_assert_eq(r, 0, "round %d: %#lx kind %d: want a translation, got vector %d", round, va,
					     kind, x.vector);
				host = want;
				if (kind == HW_WRITE)
					cr_assert_eq(pt_get(v->t, host), 0x77, "the store reached host %#lx", host);
				else
					cr_assert_eq(got, pt_get(v->t, host), "the load came from host %#lx", host);
				checked++;
			} else {
				cr_assert_eq(r, -EFAULT);
				cr_assert_eq(x.vector, ref == 1 ? HW_EXC_PF : HW_EXC_VMEXIT, "round %d: %#lx kind %d", round,
					     va, kind);
				if (ref == 2) {
					exits++;
					enter(v);
				} else {
					faults++;
				}
			}
		}
		hw_vmexit(c, HW_EXIT_VMCALL);
	}
	cr_assert_gt(checked, 300);
	cr_assert_gt(exits, 50);
	cr_assert_gt(faults, 50);
	cr_assert_gt(stale_checks, 40, "%lu stale checks", stale_checks);
	cr_assert_eq(stale_seen, stale_checks, "each edit made the tables and the caches disagree");
	vm_free(v);
}

/* ---- cost model -------------------------------------------------------------------------------- */

/* VM entry and exit charge lat.vmentry and lat.vmexit; each EPT entry a
 * walk reads charges lat.walk_ref, as a guest entry does. */
Test(ept, cost_model)
{
	struct vm *v = simple(HW_VIRT_EPT, 4, 4, false, HW_EPT_RWX);
	struct hw_cpu *c = v->t->cpu;
	cr_assert_eq(c->lat.vmentry, 500, "the default preset's");
	uint64_t cy = c->ctr.cycles;
	enter(v);
	cr_assert_eq(c->ctr.cycles - cy, c->lat.vmentry);
	cy = c->ctr.cycles;
	hw_vmexit(c, HW_EXIT_VMCALL);
	cr_assert_eq(c->ctr.cycles - cy, c->lat.vmexit);
	enter(v);
	cy = c->ctr.cycles;
	cr_assert_eq(guest_access(v, DATA_VA, HW_READ, 0, NULL), 0);
	uint64_t want = c->lat.l1_hit + c->lat.stlb_hit + 24ULL * c->lat.walk_ref;
	cr_assert_eq(c->ctr.cycles - cy, want, "L1 and STLB probes, then 24 references: %lu", c->ctr.cycles - cy);
	vm_free(v);
	struct hw_config cfg = hw_preset_find("teaching")->config;
	cr_assert_eq(hw_config_set(&cfg, "lat.vmexit", "1234", NULL, 0), 0);
	cr_assert_eq(cfg.lat.vmexit, 1234);
	cr_assert_eq(hw_preset_find("teaching")->config.lat.vmentry, 100);
}
