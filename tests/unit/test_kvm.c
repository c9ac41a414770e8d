/* The hypervisor (kernel/kvm.h): host pages on demand, second-stage
 * entries created by EPT violations (and #NPF), the guest's accesses
 * retried after each exit, what it cannot resolve, and the VM's frames
 * given back. */
#include "helpers.h"

#include "kernel/debug_vm.h"
#include "kernel/kvm.h"

#include <errno.h>

static struct kvm *vm_new(struct tk *t, enum hw_virt mode, uint16_t vpid)
{
	struct kvm *vm = NULL;
	cr_assert_eq(kvm_create_vm(&t->k, mode, 4ULL << 20, vpid, 4, false, false, &vm), 0);
	return vm;
}

/* The first access maps the guest's tables and its data frame one exit
 * at a time: 4 table frames and the data frame, each an EPT violation;
 * the second access takes none. */
Test(kvm, ept_entries_are_made_on_violations)
{
	struct tk *t = tk_boot(256ULL << 20, 2);
	struct kvm *vm = vm_new(t, HW_VIRT_EPT, 1);
	cr_assert_eq(vm->slot.nr_backed, 0, "no guest memory yet");
	cr_assert_eq(kvm_guest_map(vm, 0x400000, 0x10000, HW_PTE_P | HW_PTE_RW | HW_PTE_US), 0);
	cr_assert_eq(vm->slot.nr_backed, 4, "the loader's writes backed the 4 table frames");
	cr_assert_eq(vm->stat.tdp_entries, 0, "but made no EPT entry");
	struct kvm_run run;
	uint32_t v = 42;
	cr_assert_eq(kvm_vcpu_access(vm, 0, 0x400010, &v, 4, HW_WRITE, &run), 0);
	cr_assert_eq(run.exits, 5, "one EPT violation per frame: 4 tables, then the data");
	cr_assert_eq(run.last_exit.gpa, 0x10010);
	cr_assert_eq(vm->stat.exits[HW_EXITC_EPT_VIOLATION], 5);
	cr_assert_eq(vm->stat.tdp_entries, 5);
	cr_assert_eq(vm->slot.nr_backed, 5);
	uint64_t pfn = kvm_gfn_to_pfn(vm, 0x10);
	cr_assert_neq(pfn, 0);
	cr_assert_eq(*(uint32_t *)phys_to_virt(&t->k, (pfn << 12) + 0x10), 42, "in the host page");
	uint32_t back = 0;
	cr_assert_eq(kvm_vcpu_access(vm, 0, 0x400010, &back, 4, HW_READ, &run), 0);
	cr_assert_eq(back, 42);
	cr_assert_eq(run.exits, 0, "everything mapped: no exit");
	cr_assert_eq(run.refs, 0, "and a TLB hit with VPID 1: no reference");
	uint64_t e[5], hpa;
	int lv[5];
	cr_assert_eq(kvm_tdp_lookup(vm, 0x10010, e, lv, &hpa), 4);
	cr_assert_eq(hpa, (pfn << 12) + 0x10);
	cr_assert_eq(lv[3], 1);
	cr_assert_eq(e[3] & HW_EPT_RWX, HW_EPT_RWX);
	kvm_destroy_vm(vm);
	tk_assert_consistent(t);
	tk_free(t);
}

/* A cold first access is the full 2-D walk: 24 references. */
Test(kvm, cold_access_counts_24_references)
{
	struct tk *t = tk_boot(256ULL << 20, 1);
	struct kvm *vm = vm_new(t, HW_VIRT_EPT, 1);
	struct kvm_run run;
	char b = 'a';
	cr_assert_eq(kvm_guest_map(vm, 0x400000, 0x10000, HW_PTE_P | HW_PTE_RW | HW_PTE_US), 0);
	cr_assert_eq(kvm_vcpu_access(vm, 0, 0x400000, &b, 1, HW_WRITE, &run), 0);   /* maps everything */
	for (int c = 0; c < t->k.nr_cpus; c++) {
		struct hw_cpu *cpu = &t->k.hw->cpus[c];
		cr_assert_eq(hw_invept(cpu, 2, 0), 0);
		cr_assert_eq(hw_invvpid(cpu, 2, 0, 0), 0);
	}
	cr_assert_eq(kvm_vcpu_access(vm, 0, 0x400000, &b, 1, HW_READ, &run), 0);
	cr_assert_eq(run.exits, 0);
	cr_assert_eq(run.refs, 24);
	kvm_destroy_vm(vm);
	tk_free(t);
}

/* Nested paging: the same, with #NPF exits. */
Test(kvm, npt_entries_are_made_on_npf)
{
	struct tk *t = tk_boot(256ULL << 20, 1);
	struct kvm *vm = vm_new(t, HW_VIRT_NPT, 1);
	struct kvm_run run;
	char b = 'n';
	cr_assert_eq(kvm_guest_map(vm, 0x400000, 0x20000, HW_PTE_P | HW_PTE_RW | HW_PTE_US), 0);
	cr_assert_eq(kvm_vcpu_access(vm, 0, 0x400000, &b, 1, HW_WRITE, &run), 0);
	cr_assert_eq(run.exits, 5);
	cr_assert_eq(vm->stat.exits[HW_EXITC_NPF], 5);
	cr_assert_eq(run.last_exit.qual, HW_NPF_RW | HW_NPF_US | HW_NPF_FINAL, "not present, a write, the data");
	kvm_destroy_vm(vm);
	tk_free(t);
}

/* What the hypervisor cannot fix: guest-physical memory outside the
 * memslot (KVM would hand it to the VMM as MMIO), and a guest #PF (this
 * guest has no kernel to take it). */
Test(kvm, unresolved_exits_and_guest_faults)
{
	struct tk *t = tk_boot(256ULL << 20, 1);
	struct kvm *vm = vm_new(t, HW_VIRT_EPT, 1);
	struct kvm_run run;
	char b = 0;
	cr_assert_eq(kvm_guest_map(vm, 0x400000, 0x10000, HW_PTE_P | HW_PTE_US), 0);
	cr_assert_eq(kvm_guest_map(vm, 0x800000, 0x10000000, HW_PTE_P | HW_PTE_US), -EINVAL, "outside the slot");
	cr_assert_eq(kvm_vcpu_access(vm, 0, 0x400000, &b, 1, HW_WRITE, &run), -EFAULT);
	cr_assert_eq(run.exc.vector, HW_EXC_PF, "a write to a read-only guest page: the guest's #PF");
	cr_assert_eq(run.exc.error_code, HW_PF_P | HW_PF_W | HW_PF_U);
	cr_assert_eq(t->k.hw->cpus[0].in_guest, 0, "back in the host");
	cr_assert_eq(kvm_vcpu_access(vm, 0, 0x500000, &b, 1, HW_READ, &run), -EFAULT);
	cr_assert_eq(run.exc.vector, HW_EXC_PF, "not mapped in the guest");
	cr_assert_eq(kvm_vcpu_access(vm, 0, 0x400000, &b, 0, HW_READ, &run), -EINVAL);
	cr_assert_eq(kvm_vcpu_access(vm, 5, 0x400000, &b, 1, HW_READ, &run), -EINVAL);
	kvm_destroy_vm(vm);
	struct kvm *bad = NULL;
	cr_assert_eq(kvm_create_vm(&t->k, HW_VIRT_EPT, 12345, 1, 4, false, false, &bad), -EINVAL);
	cr_assert_eq(kvm_create_vm(&t->k, HW_VIRT_EPT, 4ULL << 20, 1, 3, false, false, &bad), -EINVAL);
	cr_assert_eq(kvm_create_vm(&t->k, HW_VIRT_OFF, 4ULL << 20, 1, 4, false, false, &bad), -EINVAL);
	tk_free(t);
}

/* Destroying the VM gives back every host page it took. */
Test(kvm, destroy_frees_every_page)
{
	struct tk *t = tk_boot(256ULL << 20, 1);
	struct vm_check_report r0, r1;
	debug_vm_check(&t->k, &r0);
	struct kvm *vm = vm_new(t, HW_VIRT_EPT, 0);
	struct kvm_run run;
	for (uint64_t i = 0; i < 16; i++) {
		char b = (char)i;
		cr_assert_eq(kvm_guest_map(vm, 0x400000 + i * 0x1000, 0x10000 + i * 0x1000,
					   HW_PTE_P | HW_PTE_RW | HW_PTE_US), 0);
		cr_assert_eq(kvm_vcpu_access(vm, 0, 0x400000 + i * 0x1000, &b, 1, HW_WRITE, &run), 0);
	}
	cr_assert_eq(vm->slot.nr_backed, 20);
	kvm_destroy_vm(vm);
	debug_vm_check(&t->k, &r1);
	cr_assert_eq(r1.allocated_pages, r0.allocated_pages, "every page back");
	tk_free(t);
}

/* 2 MiB blocks: one exit backs and maps a whole block with one 2 MiB EPT
 * page, and each EPT walk reads 3 entries: a cold access makes 4 + 5 x 3
 * = 19 references. */
Test(kvm, two_mib_ept_pages)
{
	struct tk *t = tk_boot(256ULL << 20, 1);
	struct kvm *vm = NULL;
	cr_assert_eq(kvm_create_vm(&t->k, HW_VIRT_EPT, 3ULL << 20, 1, 4, false, true, &vm), -EINVAL, "not 2 MiB blocks");
	struct vm_check_report r0, r1;
	debug_vm_check(&t->k, &r0);
	cr_assert_eq(kvm_create_vm(&t->k, HW_VIRT_EPT, 8ULL << 20, 1, 4, false, true, &vm), 0);
	struct kvm_run run;
	char b = 'h';
	cr_assert_eq(kvm_guest_map(vm, 0x400000, 0x10000, HW_PTE_P | HW_PTE_RW | HW_PTE_US), 0);
	cr_assert_eq(vm->slot.nr_backed, 512, "the tables' block");
	cr_assert_eq(kvm_vcpu_access(vm, 0, 0x400000, &b, 1, HW_WRITE, &run), 0);
	cr_assert_eq(run.exits, 2, "one for the tables' block, one for the data's");
	cr_assert_eq(vm->slot.nr_backed, 1024);
	uint64_t e[5], hpa;
	int lv[5];
	cr_assert_eq(kvm_tdp_lookup(vm, 0x10000, e, lv, &hpa), 3, "down to a 2 MiB EPT page");
	cr_assert(e[2] & HW_EPT_PS);
	cr_assert_eq(hpa, kvm_gfn_to_pfn(vm, 0x10) << 12);
	cr_assert_eq(hw_invept(&t->k.hw->cpus[0], 2, 0), 0);
	cr_assert_eq(hw_invvpid(&t->k.hw->cpus[0], 2, 0, 0), 0);
	cr_assert_eq(kvm_vcpu_access(vm, 0, 0x400000, &b, 1, HW_READ, &run), 0);
	cr_assert_eq(run.refs, 19);
	cr_assert_eq(b, 'h');
	kvm_destroy_vm(vm);
	debug_vm_check(&t->k, &r1);
	cr_assert_eq(r1.allocated_pages, r0.allocated_pages, "the blocks went back");
	tk_free(t);
}
