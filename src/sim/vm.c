/* sim/vm.c — the simulator's virtual machines: the kernel's hypervisor
 * (kernel/kvm.h) behind the API's handles. */
#include "sim/sim.h"

#include "hw/pte.h"
#include "kernel/kvm.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* VM handle vm of s, or NULL with -EINVAL recorded. */
static struct sim_vm *sim_vm(struct sim_machine *s, int vm)
{
	if (vm == 0 && s->host)
		return &s->host->vm;                  /* the machine's own (virt.c) */
	if (vm == 0) {
		sim_fail(s, -EINVAL, "no VM 0: this machine is not a guest (virt=off)");
		return NULL;
	}
	if (vm < 1 || vm > (int)(sizeof s->vms / sizeof s->vms[0]) || !s->vms[vm - 1]) {
		sim_fail(s, -EINVAL, "no VM %d on this machine", vm);
		return NULL;
	}
	return s->vms[vm - 1];
}

/* See sim.h. */
int sim_vm_create(mmsim_machine *m, const struct mmsim_vm_config *c)
{
	struct sim_machine *s = sim_machine(m);
	enum hw_virt mode = c->virt && !strcmp(c->virt, "npt") ? HW_VIRT_NPT : HW_VIRT_EPT;
	if (s->host)
		return sim_fail(s, -EOPNOTSUPP, "vm: this machine is itself a guest (virt=%s), and nested "
				"virtualization is not modelled", s->host->vm.kvm->mode == HW_VIRT_NPT ? "npt" : "ept");
	uint64_t ram = c->ram ? c->ram : 16ULL << 20;
	int levels = c->ept_levels ? c->ept_levels : 4, slot = -1;
	if (c->core < 0 || c->core >= s->kernel.nr_cpus)
		return sim_fail(s, -EINVAL, "vm: core %d: the machine has cores 0 to %d", c->core, s->kernel.nr_cpus - 1);
	if (ram < (1ULL << 20) || ram > (1ULL << 30) || (ram & 4095))
		return sim_fail(s, -EINVAL, "vm: ram %llu: give 1 MiB to 1 GiB, a multiple of 4 KiB",
				(unsigned long long)ram);
	if (c->huge && (ram & ((2ULL << 20) - 1)))
		return sim_fail(s, -EINVAL, "vm: ram %llu: with 2 MiB EPT pages, give a multiple of 2 MiB",
				(unsigned long long)ram);
	if (mode == HW_VIRT_EPT && levels != 4 && levels != 5)
		return sim_fail(s, -EINVAL, "vm: ept_levels %d: EPT walks 4 or 5 levels", levels);
	for (int i = 0; i < (int)(sizeof s->vms / sizeof s->vms[0]) && slot < 0; i++)
		if (!s->vms[i])
			slot = i;
	if (slot < 0)
		return sim_fail(s, -ENOSPC, "vm: a machine runs at most 8 VMs");
	struct sim_vm *v = calloc(1, sizeof *v);
	if (!v)
		return -ENOMEM;
	int err = kvm_create_vm(&s->kernel, mode, ram, (uint16_t)c->vpid, levels, c->ad != 0, c->huge != 0, &v->kvm);
	if (err) {
		free(v);
		return err;
	}
	v->core = c->core;
	s->vms[slot] = v;
	return slot + 1;
}

/* Destroy the VM in slot i. */
static void free_vm(struct sim_machine *s, int i)
{
	kvm_destroy_vm(s->vms[i]->kvm);
	free(s->vms[i]);
	s->vms[i] = NULL;
}

/* See sim.h. */
/* VM handle vm of s for the loader's operations (op): not VM 0, whose
 * guest has a kernel; NULL with the error recorded. */
static struct sim_vm *loader_vm(struct sim_machine *s, int vm, const char *op)
{
	if (vm == 0 && s->host) {
		sim_fail(s, -EINVAL, "%s: VM 0 is this machine's own guest, which has a kernel: drive its processes "
			 "(spawn, mmap, read, write) instead", op);
		return NULL;
	}
	return sim_vm(s, vm);
}

/* See sim.h. */
int sim_vm_destroy(mmsim_machine *m, int vm)
{
	struct sim_machine *s = sim_machine(m);
	if (!loader_vm(s, vm, "vm_destroy"))
		return -EINVAL;
	free_vm(s, vm - 1);
	return 0;
}

/* See sim.h. */
void sim_free_vms(struct sim_machine *s)
{
	for (int i = 0; i < (int)(sizeof s->vms / sizeof s->vms[0]); i++)
		if (s->vms[i])
			free_vm(s, i);
}

/* See sim.h. */
int sim_vm_map(mmsim_machine *m, int vm, uint64_t gva, uint64_t gpa, int prot)
{
	struct sim_machine *s = sim_machine(m);
	struct sim_vm *v = loader_vm(s, vm, "vm_map");
	if (!v)
		return -EINVAL;
	uint64_t flags = (prot ? HW_PTE_P | HW_PTE_US : 0) | (prot & MMSIM_PROT_WRITE ? HW_PTE_RW : 0) |
			 (prot & MMSIM_PROT_EXEC ? 0 : HW_PTE_XD);
	int err = kvm_guest_map(v->kvm, gva, gpa, flags);
	if (err == -EINVAL)
		return sim_fail(s, err, "vm_map: guest-linear %#llx, guest-physical %#llx: both 4 KiB aligned, the "
				"first canonical, the second below the guest's %llu bytes", (unsigned long long)gva,
				(unsigned long long)gpa, (unsigned long long)(v->kvm->slot.npages << 12));
	return err;
}

/* See sim.h. */
int sim_vm_access(mmsim_machine *m, int vm, uint64_t gva, void *buf, size_t len, enum mmsim_access kind,
		  struct mmsim_vm_run *run)
{
	static const char *const kinds[] = { "read", "write", "fetch" };
	struct sim_machine *s = sim_machine(m);
	struct sim_vm *v = loader_vm(s, vm, "vm_access");
	if (!v)
		return -EINVAL;
	sim_narrate_call(s, "VM %d (VPID %u) on CPU %d: the guest's %s of %zu byte%s at guest-linear %#llx", vm,
			 v->kvm->vpid, v->core, kinds[kind], len, len == 1 ? "" : "s", (unsigned long long)gva);
	struct kvm_run r;
	enum hw_access hk = kind == MMSIM_READ ? HW_READ : kind == MMSIM_WRITE ? HW_WRITE : HW_FETCH;
	int rc = kvm_vcpu_access(v->kvm, v->core, gva, buf, len, hk, &r);
	*run = (struct mmsim_vm_run){ .exits = r.exits, .exit_reason = r.last_exit.reason, .exit_qual = r.last_exit.qual,
				      .exit_gpa = r.last_exit.gpa, .exit_gla = r.last_exit.gla, .vector = r.exc.vector,
				      .error_code = r.exc.error_code, .cr2 = r.exc.cr2, .refs = r.refs };
	if (rc == -EFAULT && r.exc.vector)
		return sim_fail(s, rc, "the guest faulted: vector %d, error code %#x at %#llx (it has no kernel to "
				"take it)", r.exc.vector, r.exc.error_code, (unsigned long long)r.exc.cr2);
	if (rc == -EFAULT)
		return sim_fail(s, rc, "VM exit %u at guest-physical %#llx the hypervisor cannot resolve",
				r.last_exit.reason, (unsigned long long)r.last_exit.gpa);
	return rc;
}

/* VM 0's figures that its cores count (every reference they make is the
 * guest's), and its first vCPU's CR3. */
static void own_vm_counters(struct sim_machine *s, struct mmsim_vm_info *out)
{
	struct sim_host *h = s->host;
	out->ept_walks = out->ept_walk_refs = out->guest_walk_refs = 0;
	for (int c = 0; c < h->hw.nr_cpus; c++) {
		const struct hw_cpu *cpu = &h->hw.cpus[c];
		out->ept_walks += cpu->vmx.ctr.ept_walks;
		out->ept_walk_refs += cpu->vmx.ctr.ept_walk_refs;
		out->guest_walk_refs += cpu->ctr.walk_refs;
	}
	out->guest_cr3 = h->hw.cpus[0].in_guest ? h->hw.cpus[0].cr3 : h->vm.kvm->vcpu[0].cr3;
}

/* See sim.h. */
int sim_vm_info(mmsim_machine *m, int vm, struct mmsim_vm_info *out)
{
	struct sim_machine *s = sim_machine(m);
	struct sim_vm *v = sim_vm(s, vm);
	if (!v)
		return -EINVAL;
	const struct kvm *k = v->kvm;
	*out = (struct mmsim_vm_info){
		.ram = k->slot.npages << 12, .eptp = k->vmcs.eptp, .guest_cr3 = k->guest_cr3, .vpid = k->vpid,
		.ept_levels = k->tdp_levels, .core = v->core, .memslot_base_gfn = k->slot.base_gfn,
		.memslot_pages = k->slot.npages, .backed_pages = k->slot.nr_backed, .tdp_tables = k->stat.tdp_tables,
		.tdp_entries = k->stat.tdp_entries, .vm_entries = k->stat.vm_entries,
		.exits_ept_violation = k->stat.exits[HW_EXITC_EPT_VIOLATION],
		.exits_ept_misconfig = k->stat.exits[HW_EXITC_EPT_MISCONFIG], .exits_npf = k->stat.exits[HW_EXITC_NPF],
		.exits_other = k->stat.exits[HW_EXITC_OTHER], .ept_walks = k->stat.ept_walks,
		.ept_walk_refs = k->stat.ept_walk_refs, .guest_walk_refs = k->stat.guest_walk_refs,
	};
	strcpy(out->virt, k->mode == HW_VIRT_NPT ? "npt" : "ept");
	if (vm == 0)                                  /* every core runs it: their counters */
		own_vm_counters(s, out);
	return 0;
}

/* See sim.h. */
int sim_vm_ept(mmsim_machine *m, int vm, uint64_t gpa, struct mmsim_vm_ept *out)
{
	struct sim_machine *s = sim_machine(m);
	struct sim_vm *v = sim_vm(s, vm);
	if (!v)
		return -EINVAL;
	memset(out, 0, sizeof *out);
	out->n = kvm_tdp_lookup(v->kvm, gpa, out->entry, out->level, &out->hpa);
	out->host_pfn = out->hpa == ~0ULL ? 0 : out->hpa >> 12;
	return 0;
}
