/*
 * sim/virt.c — a machine that is a guest (virt=ept or virt=npt): the
 * kernel behind the API is the same src/kernel code as on bare metal,
 * booted a second time over guest-physical memory, and under it runs a
 * host: its own RAM, the cores, a host kernel and its KVM-like
 * hypervisor (kernel/kvm.h).
 *
 * Memory: the machine's RAM is host_ram + ram bytes; the host kernel
 * manages the first host_ram (as a host booted with mem=), and the rest
 * is the guest's memory, guest-physical 0 at host-physical host_ram (the
 * VMM hands that range to KVM as one memslot). The guest kernel's direct
 * map is that range, so its own loads and stores do not pass EPT (as
 * the kernel's direct-map accesses pass no MMU on bare metal: see
 * hw/memref.h); every reference a core makes for the guest does.
 *
 * Cores: each runs its vCPU (VMX non-root operation, or SVM guest mode)
 * from the guest's boot on, with a full VMCS, so the guest kernel's own
 * instructions (MOV to CR3, INVPCID, INVLPG, LGDT, ...) act on the guest
 * state. The second stage starts empty: the first reference to a guest
 * frame (a guest page-table entry a walk reads, or data) is an EPT
 * violation, a VM exit; the core is back in the host, the access returns
 * HW_EXC_VMEXIT, the guest kernel hands the exit to its hypervisor
 * (vmexit_resume, k->hypervisor), which is virt_exit here: the host's
 * handler maps the frame and enters the guest again, and the
 * instruction is retried. The hardware never calls the kernel.
 */
#include "sim/sim.h"

#include "kernel/kvm.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#define HOST_RAM_DEFAULT (64ULL << 20)

/* A host kernel step, as explain narrates it (sim/explain.c's format,
 * with "host" in front). */
static void host_step_line(void *ctx, int cpu, const char *func, const char *text)
{
	struct sim_machine *s = ctx;
	char line[400];
	snprintf(line, sizeof line, "  cpu%d: host kernel %s: %s", cpu, func, text);
	if (s->explain_fn)
		s->explain_fn(s->explain_ctx, line);
}

/* The guest kernel's hypervisor (struct kernel's hypervisor): core cpu
 * has left the guest with an exit; the host handles it and resumes. */
static int virt_exit(void *ctx, int cpu)
{
	struct sim_machine *s = ctx;
	struct kernel *hk = &s->host->kernel;
	hk->trace_fn = s->explain_fn ? host_step_line : NULL;
	hk->trace_ctx = s;
	return kvm_vcpu_resume(s->host->vm.kvm, cpu);
}

/* The host: RAM, cores, its kernel over its part of the RAM. */
static int boot_host(struct sim_machine *s, struct sim_host *h, uint64_t host_ram, char *eb, size_t el)
{
	const mmsim_config *c = &s->config;
	struct hw_config hc = c->hw;
	char why[256] = "";
	int err;
	hc.ram_bytes = host_ram + c->hw.ram_bytes;
	if ((err = hw_config_validate(&hc, why, sizeof why))) {
		backend_errbuf(eb, el, "virt: the host's RAM (host_ram + ram): %s", why);
		return err;
	}
	if ((err = ram_init(&h->ram, hc.ram_bytes))) {
		sim_ram_error(err, hc.ram_bytes, eb, el);
		return err;
	}
	if ((err = hw_machine_init(&h->hw, &hc, &h->ram))) {
		backend_errbuf(eb, el, "cannot build the cores: %s", mmsim_strerror(err));
		return err;
	}
	h->kram = (struct ram){ .base = h->ram.base, .size = host_ram };
	h->khw = h->hw;
	h->khw.ram = &h->kram;
	struct kernel_config kcfg = { .seed = c->seed ^ 0x686f7374ULL };   /* "host" */
	if ((err = kernel_init(&h->kernel, &h->khw, &kcfg, why, sizeof why))) {
		backend_errbuf(eb, el, "the host kernel cannot boot: %s", why);
		return err;
	}
	h->booted = true;
	return 0;
}

/* The VM and its vCPUs, entered on every core. */
static int start_vm(struct sim_machine *s, struct sim_host *h, uint64_t host_ram, char *eb, size_t el)
{
	const mmsim_config *c = &s->config;
	enum hw_virt mode = c->virt == HW_VIRT_NPT ? HW_VIRT_NPT : HW_VIRT_EPT;
	int err = kvm_create_vm_fixed(&h->kernel, mode, host_ram >> HW_PAGE_SHIFT, c->hw.ram_bytes >> HW_PAGE_SHIFT,
				      1, 4, h->hw.nr_cpus, &h->vm.kvm);
	if (err) {
		backend_errbuf(eb, el, "virt: the host cannot create the VM: %s (ram: 16M to 1G)", mmsim_strerror(err));
		return err;
	}
	for (int cpu = 0; cpu < h->hw.nr_cpus; cpu++)
		if ((err = kvm_vcpu_enter(h->vm.kvm, cpu))) {
			backend_errbuf(eb, el, "virt: VM entry failed on CPU %d", cpu);
			return err;
		}
	return 0;
}

/* See sim.h. */
int sim_virt_boot(struct sim_machine *s, char *eb, size_t el)
{
	const mmsim_config *c = &s->config;
	uint64_t host_ram = c->host_ram ? c->host_ram : HOST_RAM_DEFAULT;
	char why[256] = "";
	int err;
	struct sim_host *h = calloc(1, sizeof *h);
	if (!h)
		return -ENOMEM;
	s->host = h;
	if ((err = boot_host(s, h, host_ram, eb, el)) || (err = start_vm(s, h, host_ram, eb, el)))
		goto fail;
	s->ram = (struct ram){ .base = h->ram.base + host_ram, .size = c->hw.ram_bytes };
	s->hw = h->hw;
	s->hw.ram = &s->ram;
	s->hw.cfg.ram_bytes = c->hw.ram_bytes;
	struct kernel_config kcfg = c->kernel;
	kcfg.seed = c->seed;
	if ((err = kernel_init(&s->kernel, &s->hw, &kcfg, why, sizeof why))) {
		backend_errbuf(eb, el, "the guest kernel cannot boot: %s", why);
		goto fail;
	}
	s->kernel.hypervisor = virt_exit;
	s->kernel.hypervisor_ctx = s;
	return 0;
fail:
	sim_virt_free(s);
	return err;
}

/* See sim.h. */
void sim_virt_free(struct sim_machine *s)
{
	struct sim_host *h = s->host;
	if (!h)
		return;
	for (int cpu = 0; cpu < h->hw.nr_cpus; cpu++)
		hw_vmexit(&h->hw.cpus[cpu], HW_EXIT_VMCALL);
	if (h->vm.kvm)
		kvm_destroy_vm(h->vm.kvm);
	if (h->booted)
		kernel_destroy(&h->kernel);
	hw_machine_destroy(&h->hw);
	ram_destroy(&h->ram);
	free(h);
	s->host = NULL;
}
