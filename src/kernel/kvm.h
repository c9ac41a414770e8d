/*
 * kernel/kvm.h — a small KVM-like hypervisor in the host kernel: a VM's
 * guest-physical memory (one memslot), its EPT or nested page tables,
 * host pages allocated on demand, and the VM exits those cause (Linux:
 * virt/kvm/kvm_main.c, arch/x86/kvm/mmu/tdp_mmu.c, vmx/vmx.c, svm/svm.c).
 *
 * A guest here has no kernel of its own (a guest kernel's VM is
 * kvm_create_vm_fixed's, below): a loader (kvm_guest_map) puts page
 * tables into its memory as a boot loader would, and its vCPU makes
 * accesses with them (kvm_vcpu_access) on a host core in VMX non-root or
 * SVM guest mode (hw/ept.h). The second-stage tables start empty: the
 * first reference to each guest frame exits with an EPT violation (#NPF),
 * and the handler (tdp_page_fault) allocates the host page behind the
 * frame if it has none, installs the EPT entry and resumes the guest,
 * which retries the instruction. The loader's own writes allocate host
 * pages the same way (kvm_write_guest), but install no EPT entry.
 */
#ifndef MMSIM_KERNEL_KVM_H
#define MMSIM_KERNEL_KVM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hw/ept.h"

struct kernel;
struct page;

/* One memslot: guest frames [base_gfn, base_gfn + npages), each backed
 * by a host page once used (hpfn[i], 0 until then). */
struct kvm_memory_slot {
	uint64_t base_gfn, npages;
	uint64_t *hpfn;
	uint64_t nr_backed;
};

struct kvm_stat {
	uint64_t exits[4];              /* by HW_EXITC_* */
	uint64_t vm_entries;
	uint64_t tdp_faults_fixed;      /* EPT violations / #NPF resolved by mapping */
	uint64_t tdp_entries;           /* second-stage leaf entries installed */
	uint64_t tdp_tables;            /* second-stage table pages */
	uint64_t ept_walks, ept_walk_refs, guest_walk_refs;  /* of this VM's accesses */
};

struct kvm {
	struct kernel *k;
	enum hw_virt mode;
	uint16_t vpid;
	int tdp_levels;                 /* EPT walk length (NPT: the host's paging levels) */
	bool ad;
	bool huge;                      /* guest memory in 2 MiB host blocks, mapped by 2 MiB EPT pages */
	struct kvm_memory_slot slot;
	uint64_t tdp_root;              /* host-physical root of the EPT / nested tables */
	uint64_t guest_cr3;             /* the guest's root table (guest-physical) */
	uint64_t next_gfn;              /* the loader's page-table frames, from the top of the slot down */
	struct hw_vmcs vmcs;
	struct kvm_stat stat;
	struct page **tables;           /* second-stage table pages, to free */
	size_t nr_tables, cap_tables;
	/* A guest kernel's VM (kvm_create_vm_fixed): its memory is the host
	 * frames from fixed_pfn (0: allocated on demand), one vCPU per host
	 * core, each with a full VMCS. */
	uint64_t fixed_pfn;
	struct hw_vmcs *vcpu;
	int nr_vcpus;
};

/* Create a VM with ram_bytes (a multiple of 4 KiB, 1 MiB to 1 GiB) of
 * guest-physical memory at 0, second stage mode, VPID vpid (0: none),
 * EPT walk length tdp_levels (4 or 5; NPT takes the host's), EPT A/D
 * flags ad. With huge, a guest frame's first use backs its whole 2 MiB
 * block with one order-9 host block, mapped by one 2 MiB second-stage
 * page (as KVM maps THP-backed guest memory; ram_bytes a multiple of 2
 * MiB), so each EPT walk reads one entry less. Returns 0, -EINVAL,
 * -ENOMEM. */
int kvm_create_vm(struct kernel *k, enum hw_virt mode, uint64_t ram_bytes, uint16_t vpid, int tdp_levels, bool ad,
		  bool huge, struct kvm **out);

/* Free the VM's host pages and tables (after INVEPT on every core). */
void kvm_destroy_vm(struct kvm *vm);

/* The loader: map guest-linear gva (4 KiB) to guest-physical gpa in the
 * guest's page tables with x86 flags (P, R/W, U/S, XD), writing the
 * tables into guest memory. Returns 0, -EINVAL (outside the memslot, not
 * canonical or not aligned), -ENOMEM. */
int kvm_guest_map(struct kvm *vm, uint64_t gva, uint64_t gpa, uint64_t flags);

/* Copy len bytes into / out of guest-physical gpa as the hypervisor does
 * (through the host pages; a frame without one gets one). Returns 0,
 * -EFAULT (outside the memslot), -ENOMEM. */
int kvm_write_guest(struct kvm *vm, uint64_t gpa, const void *buf, size_t len);
int kvm_read_guest(struct kvm *vm, uint64_t gpa, void *buf, size_t len);

/* What a vCPU access ended with. */
struct kvm_run {
	int exits;                      /* VM exits taken (handled) on the way */
	struct hw_exception exc;        /* the guest's own exception (#PF, #GP), vector 0 if none */
	struct hw_vmexit last_exit;     /* the last exit */
	uint64_t refs;                  /* references of both dimensions */
};

/* The vCPU on host core cpu moves len (1 .. 4096) bytes at guest-linear
 * gva as user code: VM entry, the access, and for each exit its handler
 * then VM entry again (the instruction restarts), until it completes or
 * faults in the guest; then a VM exit back to the host (a VMCALL).
 * Returns 0, -EFAULT (a guest exception in run->exc, or an exit the
 * hypervisor cannot resolve: an access outside the memslot, an EPT
 * misconfiguration, in run->last_exit), -EINVAL, -ENOMEM. */
int kvm_vcpu_access(struct kvm *vm, int cpu, uint64_t gva, void *buf, size_t len, enum hw_access kind,
		    struct kvm_run *run);

/* The second-stage walk of gpa as entries (up to 5, root first) into
 * e[], their levels into lv[]; returns how many were read. *hpa gets the
 * host-physical address when the walk maps it (else ~0). */
int kvm_tdp_lookup(struct kvm *vm, uint64_t gpa, uint64_t e[5], int lv[5], uint64_t *hpa);

/* The host frame behind guest frame gfn, or 0. */
uint64_t kvm_gfn_to_pfn(const struct kvm *vm, uint64_t gfn);

/* A VM for a guest kernel (sim/virt.c): npages of guest-physical memory
 * at 0 backed by the host frames [base_pfn, base_pfn + npages), which the
 * host set aside at boot (Linux: mem= or memmap=, and a VMM that hands
 * that memory to KVM); the second stage maps each frame at its first EPT
 * violation (#NPF). nr_vcpus vCPUs, vCPU i on host core i, each with a
 * full VMCS (hw/ept_types.h) in the state a core starts in (CR3 = 0, the
 * segments it has now). Other arguments as kvm_create_vm. Returns 0,
 * -EINVAL, -ENOMEM. */
int kvm_create_vm_fixed(struct kernel *k, enum hw_virt mode, uint64_t base_pfn, uint64_t npages, uint16_t vpid,
			int tdp_levels, int nr_vcpus, struct kvm **out);

/* VM entry of vCPU cpu on host core cpu (Linux: vcpu_enter_guest). 0 or
 * -EINVAL (the entry failed). */
int kvm_vcpu_enter(struct kvm *vm, int cpu);

/* Host core cpu has just left vCPU cpu with a VM exit (in its VMCS):
 * handle it (Linux: vmx_handle_exit -> handle_ept_violation) and enter
 * the guest again, so that it retries. 0, or -EFAULT (an exit the
 * hypervisor cannot resolve: outside the memslot, a misconfiguration),
 * -ENOMEM; the vCPU is entered again in every case. */
int kvm_vcpu_resume(struct kvm *vm, int cpu);

#endif
