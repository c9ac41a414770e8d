/*
 * kernel/kvm.c — the hypervisor's memory manager: memslot, host pages on
 * demand, second-stage (EPT/NPT) tables built on VM exits, and the vCPU
 * loop around VM entry. See kvm.h.
 */
#include "kernel/kvm.h"

#include "hw/machine.h"
#include "hw/pte.h"
#include "hw/translate.h"
#include "kernel/gfp.h"
#include "kernel/kernel.h"
#include "kernel/mm.h"
#include "kernel/trace.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define KVM_MAX_RAM (1ULL << 30)
#define HPAGE_ORDER 9
#define HPAGE_BLOCK (1ULL << HPAGE_ORDER)          /* frames in a 2 MiB block */

/* ---- host pages --------------------------------------------------------------- */

/* A zeroed host page for the hypervisor (a second-stage table or guest
 * memory); its pfn, or 0. */
static uint64_t kvm_alloc_page(struct kvm *vm, gfp_t gfp)
{
	struct page *p = alloc_pages(vm->k, gfp | __GFP_ZERO, 0);
	return p ? page_to_pfn(vm->k, p) : 0;
}

/* See kvm.h. */
uint64_t kvm_gfn_to_pfn(const struct kvm *vm, uint64_t gfn)
{
	const struct kvm_memory_slot *s = &vm->slot;
	return gfn - s->base_gfn < s->npages ? s->hpfn[gfn - s->base_gfn] : 0;
}

/* The host page behind gfn, allocated on first use (Linux:
 * __gfn_to_pfn_memslot faulting in the VMM's memory). Returns the pfn,
 * 0 with *err -EFAULT (outside the memslot) or -ENOMEM. */
static uint64_t gfn_to_pfn_alloc(struct kvm *vm, uint64_t gfn, int *err)
{
	struct kvm_memory_slot *s = &vm->slot;
	uint64_t i = gfn - s->base_gfn;
	if (i >= s->npages) {
		*err = -EFAULT;
		return 0;
	}
	if (!s->hpfn[i] && vm->fixed_pfn) {           /* set aside at the host's boot */
		s->hpfn[i] = vm->fixed_pfn + i;
		s->nr_backed++;
	} else if (!s->hpfn[i] && vm->huge) {
		uint64_t first = i & ~(uint64_t)(HPAGE_BLOCK - 1);
		struct page *p = alloc_pages(vm->k, GFP_HIGHUSER_MOVABLE | __GFP_ZERO, HPAGE_ORDER);
		if (!p) {
			*err = -ENOMEM;
			return 0;
		}
		for (uint64_t j = 0; j < HPAGE_BLOCK; j++)
			s->hpfn[first + j] = page_to_pfn(vm->k, p) + j;
		s->nr_backed += HPAGE_BLOCK;
		trace_kernel(vm->k, vm->k->this_cpu, "guest frames %#llx.. get the 2 MiB host block at %#llx",
			     (unsigned long long)(s->base_gfn + first), (unsigned long long)s->hpfn[first]);
	} else if (!s->hpfn[i]) {
		s->hpfn[i] = kvm_alloc_page(vm, GFP_HIGHUSER_MOVABLE);
		if (!s->hpfn[i]) {
			*err = -ENOMEM;
			return 0;
		}
		s->nr_backed++;
		trace_kernel(vm->k, vm->k->this_cpu, "guest frame %#llx gets host page %#llx", (unsigned long long)gfn,
			     (unsigned long long)s->hpfn[i]);
	}
	return s->hpfn[i];
}

/* ---- guest memory, as the hypervisor reaches it ----------------------------------- */

/* Copy between buf and gpa (write: into the guest). */
static int guest_copy(struct kvm *vm, uint64_t gpa, void *buf, size_t len, bool write)
{
	while (len) {
		int err = 0;
		uint64_t pfn = gfn_to_pfn_alloc(vm, gpa >> PAGE_SHIFT, &err);
		if (!pfn)
			return err;
		size_t n = PAGE_SIZE - (gpa & (PAGE_SIZE - 1));
		n = n < len ? n : len;
		uint8_t *host = phys_to_virt(vm->k, (pfn << PAGE_SHIFT) | (gpa & (PAGE_SIZE - 1)));
		if (write)
			memcpy(host, buf, n);
		else
			memcpy(buf, host, n);
		gpa += n, len -= n, buf = (uint8_t *)buf + n;
	}
	return 0;
}

/* See kvm.h. */
int kvm_write_guest(struct kvm *vm, uint64_t gpa, const void *buf, size_t len)
{
	return guest_copy(vm, gpa, (void *)buf, len, true);
}

/* See kvm.h. */
int kvm_read_guest(struct kvm *vm, uint64_t gpa, void *buf, size_t len)
{
	return guest_copy(vm, gpa, buf, len, false);
}

static int read_guest64(struct kvm *vm, uint64_t gpa, uint64_t *v)
{
	return kvm_read_guest(vm, gpa, v, 8);
}

static int write_guest64(struct kvm *vm, uint64_t gpa, uint64_t v)
{
	return kvm_write_guest(vm, gpa, &v, 8);
}

/* ---- the loader: the guest's page tables -------------------------------------------- */

static unsigned pt_index(uint64_t a, int level)
{
	return (unsigned)((a >> (12 + 9 * (level - 1))) & 511);
}

/* See kvm.h. Tables come from the top of the memslot down. */
int kvm_guest_map(struct kvm *vm, uint64_t gva, uint64_t gpa, uint64_t flags)
{
	struct hw_cpu *c = &vm->k->hw->cpus[0];
	unsigned s = 64u - (c->paging_levels == 5 ? 57u : 48u);
	if ((gva | gpa) & (PAGE_SIZE - 1) || (uint64_t)((int64_t)(gva << s) >> s) != gva ||
	    (gpa >> PAGE_SHIFT) - vm->slot.base_gfn >= vm->slot.npages)
		return -EINVAL;
	uint64_t table = vm->guest_cr3, e;
	for (int level = c->paging_levels; level > 1; level--) {
		uint64_t at = table + 8ULL * pt_index(gva, level);
		int err = read_guest64(vm, at, &e);
		if (err)
			return err;
		if (!(e & HW_PTE_P)) {
			if (vm->next_gfn <= vm->slot.base_gfn)
				return -ENOMEM;
			e = (--vm->next_gfn << PAGE_SHIFT) | HW_PTE_P | HW_PTE_RW | HW_PTE_US;
			if ((err = write_guest64(vm, at, e)))
				return err;
		}
		table = e & HW_PTE_ADDR_MASK;
	}
	return write_guest64(vm, table + 8ULL * pt_index(gva, 1), gpa | flags);
}

/* ---- the second stage ------------------------------------------------------------------ */

/* Keep table page pfn to free with the VM. */
static int keep_table(struct kvm *vm, uint64_t pfn)
{
	if (vm->nr_tables == vm->cap_tables) {
		size_t cap = vm->cap_tables ? 2 * vm->cap_tables : 16;
		struct page **t = realloc(vm->tables, cap * sizeof *t);
		if (!t)
			return -ENOMEM;
		vm->tables = t, vm->cap_tables = cap;
	}
	vm->tables[vm->nr_tables++] = pfn_to_page(vm->k, pfn);
	vm->stat.tdp_tables++;
	return 0;
}

/* The permissions of a non-leaf second-stage entry, and of a leaf for
 * ordinary guest memory (write-back). */
static uint64_t tdp_table_bits(const struct kvm *vm)
{
	return vm->mode == HW_VIRT_EPT ? HW_EPT_RWX : HW_PTE_P | HW_PTE_RW | HW_PTE_US;
}

static uint64_t tdp_leaf_bits(const struct kvm *vm)
{
	return vm->mode == HW_VIRT_EPT ? HW_EPT_RWX | (uint64_t)HW_EPT_MT_WB << HW_EPT_MT_SHIFT
				       : HW_PTE_P | HW_PTE_RW | HW_PTE_US;
}

/* Map gfn to pfn in the second stage (Linux: kvm_tdp_mmu_map), making
 * tables as needed. 0 or -ENOMEM. */
static int tdp_map(struct kvm *vm, uint64_t gfn, uint64_t pfn)
{
	uint64_t table = vm->tdp_root, gpa = gfn << PAGE_SHIFT;
	int leaf_level = vm->huge ? 2 : 1;
	for (int level = vm->tdp_levels; level > leaf_level; level--) {
		uint64_t *e = phys_to_virt(vm->k, table + 8ULL * pt_index(gpa, level));
		if (!(*e & (vm->mode == HW_VIRT_EPT ? HW_EPT_RWX : HW_PTE_P))) {
			uint64_t t = kvm_alloc_page(vm, GFP_KERNEL_ACCOUNT);
			if (!t || keep_table(vm, t)) {
				if (t)
					__free_pages(vm->k, pfn_to_page(vm->k, t), 0);
				return -ENOMEM;
			}
			*e = (t << PAGE_SHIFT) | tdp_table_bits(vm);
		}
		table = *e & HW_PTE_ADDR_MASK;
	}
	uint64_t *leaf = phys_to_virt(vm->k, table + 8ULL * pt_index(gpa, leaf_level));
	if (vm->huge)                                 /* the block's first frame, PS (bit 7 in both formats) */
		*leaf = ((pfn & ~(HPAGE_BLOCK - 1)) << PAGE_SHIFT) | tdp_leaf_bits(vm) | HW_EPT_PS;
	else
		*leaf = (pfn << PAGE_SHIFT) | tdp_leaf_bits(vm);
	vm->stat.tdp_entries++;
	return 0;
}

/* An EPT violation or #NPF at gpa (Linux: handle_ept_violation ->
 * kvm_tdp_page_fault): back the frame and map it, so the guest can retry.
 * 0, -EFAULT (not guest memory: KVM would exit to the VMM for MMIO),
 * -ENOMEM. */
static int tdp_page_fault(struct kvm *vm, const struct hw_vmexit *x)
{
	int err = 0;
	uint64_t gfn = x->gpa >> PAGE_SHIFT, pfn = gfn_to_pfn_alloc(vm, gfn, &err);
	if (!pfn)
		return err;
	if ((err = tdp_map(vm, gfn, pfn)))
		return err;
	vm->stat.tdp_faults_fixed++;
	trace_kernel(vm->k, vm->k->this_cpu, "%s at guest-physical %#llx (qualification %#llx): map host page %#llx",
		     vm->mode == HW_VIRT_EPT ? "EPT violation" : "#NPF", (unsigned long long)x->gpa,
		     (unsigned long long)x->qual, (unsigned long long)pfn);
	return 0;
}

/* See kvm.h. */
int kvm_tdp_lookup(struct kvm *vm, uint64_t gpa, uint64_t e[5], int lv[5], uint64_t *hpa)
{
	uint64_t table = vm->tdp_root;
	int n = 0;
	*hpa = ~0ULL;
	for (int level = vm->tdp_levels; level >= 1; level--) {
		uint64_t v = *(uint64_t *)phys_to_virt(vm->k, table + 8ULL * pt_index(gpa, level));
		e[n] = v, lv[n++] = level;
		if (!(v & (vm->mode == HW_VIRT_EPT ? HW_EPT_RWX : HW_PTE_P)))
			break;
		if (level == 1 || (v & HW_EPT_PS)) {
			uint64_t size = 1ULL << (12 + 9 * (level - 1));
			*hpa = (v & HW_PTE_ADDR_MASK & ~(size - 1)) | (gpa & (size - 1));
			break;
		}
		table = v & HW_PTE_ADDR_MASK;
	}
	return n;
}

/* ---- the VM -------------------------------------------------------------------------------- */

/* See kvm.h. */
int kvm_create_vm(struct kernel *k, enum hw_virt mode, uint64_t ram_bytes, uint16_t vpid, int tdp_levels, bool ad,
		  bool huge, struct kvm **out)
{
	if ((mode != HW_VIRT_EPT && mode != HW_VIRT_NPT) || ram_bytes < (1ULL << 20) || ram_bytes > KVM_MAX_RAM ||
	    (ram_bytes & ((huge ? HPAGE_BLOCK : 1) * PAGE_SIZE - 1)) ||
	    (mode == HW_VIRT_EPT && tdp_levels != 4 && tdp_levels != 5))
		return -EINVAL;
	struct kvm *vm = calloc(1, sizeof *vm);
	if (!vm)
		return -ENOMEM;
	vm->k = k;
	vm->mode = mode;
	vm->vpid = vpid;
	vm->tdp_levels = mode == HW_VIRT_EPT ? tdp_levels : k->hw->cpus[0].paging_levels;
	vm->ad = mode == HW_VIRT_NPT || ad;
	vm->huge = huge;
	vm->slot.npages = ram_bytes >> PAGE_SHIFT;
	vm->slot.hpfn = calloc(vm->slot.npages, sizeof *vm->slot.hpfn);
	vm->next_gfn = vm->slot.npages;
	uint64_t root = kvm_alloc_page(vm, GFP_KERNEL_ACCOUNT);
	if (!vm->slot.hpfn || !root || keep_table(vm, root)) {
		if (root && !vm->nr_tables)
			__free_pages(k, pfn_to_page(k, root), 0);
		kvm_destroy_vm(vm);
		return -ENOMEM;
	}
	vm->tdp_root = root << PAGE_SHIFT;
	vm->guest_cr3 = --vm->next_gfn << PAGE_SHIFT;         /* the guest's root table, at the top */
	const struct hw_cpu *c = &k->hw->cpus[0];
	vm->vmcs = (struct hw_vmcs){ .mode = mode, .vpid = vpid, .cr0 = c->cr0, .cr3 = vm->guest_cr3,
				     .cr4 = c->cr4 & ~HW_CR4_PCIDE, .efer = c->efer,
				     .eptp = mode == HW_VIRT_EPT ? hw_eptp(vm->tdp_root, tdp_levels, ad) : vm->tdp_root };
	*out = vm;
	return 0;
}

/* See kvm.h. */
void kvm_destroy_vm(struct kvm *vm)
{
	if (!vm)
		return;
	for (int c = 0; c < vm->k->nr_cpus; c++)
		hw_invept(&vm->k->hw->cpus[c], 1, vm->vmcs.eptp);
	uint64_t step = vm->huge ? HPAGE_BLOCK : 1;
	for (uint64_t i = 0; vm->slot.hpfn && !vm->fixed_pfn && i < vm->slot.npages; i += step)
		if (vm->slot.hpfn[i])
			__free_pages(vm->k, pfn_to_page(vm->k, vm->slot.hpfn[i]), vm->huge ? HPAGE_ORDER : 0);
	for (size_t i = 0; i < vm->nr_tables; i++)
		__free_pages(vm->k, vm->tables[i], 0);
	free(vm->tables);
	free(vm->slot.hpfn);
	free(vm->vcpu);
	free(vm);
}

/* Handle exit x of the vCPU: 0 when the guest may retry. */
static int handle_exit(struct kvm *vm, const struct hw_vmexit *x)
{
	vm->stat.exits[x->reason == HW_EXIT_EPT_VIOLATION ? HW_EXITC_EPT_VIOLATION
		       : x->reason == HW_EXIT_EPT_MISCONFIG ? HW_EXITC_EPT_MISCONFIG
		       : x->reason == HW_EXIT_NPF           ? HW_EXITC_NPF
							    : HW_EXITC_OTHER]++;
	if (x->reason == HW_EXIT_EPT_VIOLATION || x->reason == HW_EXIT_NPF) {
		if (x->reason == HW_EXIT_NPF && (x->qual & (HW_NPF_P | HW_NPF_RSV)))
			return -EFAULT;               /* a present entry forbade it: not ours to fix */
		if (x->reason == HW_EXIT_EPT_VIOLATION && (x->qual & (HW_EPTQ_READABLE | HW_EPTQ_WRITABLE |
								      HW_EPTQ_EXECUTABLE)))
			return -EFAULT;
		return tdp_page_fault(vm, x);
	}
	return -EFAULT;                               /* a misconfiguration: KVM reports it to the VMM */
}

/* See kvm.h. */
int kvm_vcpu_access(struct kvm *vm, int cpu, uint64_t gva, void *buf, size_t len, enum hw_access kind,
		    struct kvm_run *run)
{
	struct kernel *k = vm->k;
	if (cpu < 0 || cpu >= k->nr_cpus || len == 0 || len > HW_ACCESS_MAX || (unsigned)kind >= HW_NR_ACCESS)
		return -EINVAL;
	struct hw_cpu *c = &k->hw->cpus[cpu];
	*run = (struct kvm_run){ 0 };
	uint64_t w0 = c->ctr.walk_refs, e0 = c->vmx.ctr.ept_walk_refs, walks0 = c->vmx.ctr.ept_walks;
	int saved = k->this_cpu, rc;
	k->this_cpu = cpu;
	for (;;) {
		if (hw_vmentry(c, &vm->vmcs)) {
			rc = -EINVAL;
			break;
		}
		vm->stat.vm_entries++;
		struct hw_exception exc = { 0 };
		rc = hw_access(c, gva, buf, len, kind, HW_USER, &exc);
		if (!rc || exc.vector != HW_EXC_VMEXIT) {
			hw_vmexit(c, HW_EXIT_VMCALL);     /* the guest hands the core back */
			vm->stat.exits[HW_EXITC_OTHER]++;
		}
		if (!rc)
			break;
		if (exc.vector != HW_EXC_VMEXIT) {        /* the guest's own fault: no guest kernel */
			run->exc = exc;
			rc = -EFAULT;
			break;
		}
		run->exits++;
		run->last_exit = vm->vmcs.exit;
		if ((rc = handle_exit(vm, &vm->vmcs.exit)))
			break;
	}
	run->refs = (c->ctr.walk_refs - w0) + (c->vmx.ctr.ept_walk_refs - e0);
	vm->stat.guest_walk_refs += c->ctr.walk_refs - w0;
	vm->stat.ept_walk_refs += c->vmx.ctr.ept_walk_refs - e0;
	vm->stat.ept_walks += c->vmx.ctr.ept_walks - walks0;
	k->this_cpu = saved;
	return rc;
}

/* ---- a guest kernel's VM --------------------------------------------------------------------- */

/* See kvm.h. */
int kvm_create_vm_fixed(struct kernel *k, enum hw_virt mode, uint64_t base_pfn, uint64_t npages, uint16_t vpid,
			int tdp_levels, int nr_vcpus, struct kvm **out)
{
	struct kvm *vm;
	if (!base_pfn || nr_vcpus < 1 || nr_vcpus > k->nr_cpus)
		return -EINVAL;
	int err = kvm_create_vm(k, mode, npages << PAGE_SHIFT, vpid, tdp_levels, false, false, &vm);
	if (err)
		return err;
	vm->fixed_pfn = base_pfn;
	vm->next_gfn = 0;                             /* no loader: the guest's kernel makes its tables */
	vm->guest_cr3 = 0;
	vm->nr_vcpus = nr_vcpus;
	if (!(vm->vcpu = calloc((size_t)nr_vcpus, sizeof *vm->vcpu))) {
		kvm_destroy_vm(vm);
		return -ENOMEM;
	}
	for (int i = 0; i < nr_vcpus; i++) {
		const struct hw_cpu *c = &k->hw->cpus[i];
		vm->vcpu[i] = vm->vmcs;
		vm->vcpu[i].cr0 = HW_CR0_PE | HW_CR0_PG | HW_CR0_ET;
		vm->vcpu[i].cr3 = 0;
		vm->vcpu[i].cr4 = HW_CR4_PAE;
		vm->vcpu[i].efer = HW_EFER_LME | HW_EFER_LMA;
		vm->vcpu[i].full = true;
		vm->vcpu[i].seg = c->seg;
	}
	*out = vm;
	return 0;
}

/* See kvm.h. */
int kvm_vcpu_enter(struct kvm *vm, int cpu)
{
	if (hw_vmentry(&vm->k->hw->cpus[cpu], &vm->vcpu[cpu]))
		return -EINVAL;
	vm->stat.vm_entries++;
	return 0;
}

/* See kvm.h. */
int kvm_vcpu_resume(struct kvm *vm, int cpu)
{
	struct kernel *k = vm->k;
	int saved = k->this_cpu;
	k->this_cpu = cpu;
	int rc = handle_exit(vm, &vm->vcpu[cpu].exit);
	k->this_cpu = saved;
	int entry = kvm_vcpu_enter(vm, cpu);
	return rc ? rc : entry;
}
