/* TLB maintenance as arch/x86/mm/tlb.c does it: PCIDs per mm per core,
 * INVLPG up to 33 pages, full flushes above, shootdowns to other cores, and
 * the vmstat counters; and what goes wrong without them. */
#include "proc_helpers.h"

#include "hw/machine.h"
#include "hw/presets.h"
#include "kernel/mm.h"
#include "kernel/pgtable.h"
#include "kernel/tlbflush.h"

#include <errno.h>
#include <string.h>

#define MB (1ULL << 20)
#define PG 4096ULL

static struct hw_cpu *core(struct tk *t, int i)
{
	return &t->hw.cpus[i];
}

Test(tlbflush, boot_enables_linux_paging_features)
{
	struct tk *t = tk_boot(64 * MB, 2);
	for (int i = 0; i < 2; i++) {
		struct hw_cpu *c = core(t, i);
		cr_assert(c->cr0 & X86_CR0_WP);
		cr_assert(c->efer & EFER_NX);
		cr_assert(c->cr4 & X86_CR4_PGE);
		cr_assert(c->cr4 & X86_CR4_SMEP);
		cr_assert(c->cr4 & X86_CR4_SMAP);
		cr_assert_eq(!!(c->cr4 & X86_CR4_PCIDE), c->has_pcid);
		cr_assert_eq(hw_cr3_base(c), t->k.init_mm.pgd, "the kernel's own tables");
	}
	tk_free(t);
}

Test(tlbflush, context_switch_uses_pcids_and_keeps_entries)
{
	struct tk *t = tk_boot(64 * MB, 1);
	cr_assert(core(t, 0)->has_pcid, "the default preset has PCIDs");
	struct task_struct *a = tp_spawn(t, "a", 0), *b = tp_spawn(t, "b", 0);
	uint64_t va = tp_mmap(t, a, PG, PROT_READ | PROT_WRITE, MAP_PRIVATE);
	uint64_t vb = tp_mmap(t, b, PG, PROT_READ | PROT_WRITE, MAP_PRIVATE);
	tp_touch(t, a, va, PG, true);
	uint64_t pcid_a = core(t, 0)->cr3 & 0xfff;
	tp_touch(t, b, vb, PG, true);
	uint64_t pcid_b = core(t, 0)->cr3 & 0xfff;
	cr_assert_neq(pcid_a, pcid_b, "each mm its own PCID");
	cr_assert_geq(pcid_a, 1, "PCID 0 is left unused, as Linux does");
	uint64_t flush = core(t, 0)->ctr.cr3_flush, hit = core(t, 0)->ctr.tlb_hit[HW_L1D][0];
	uint8_t x;
	cr_assert_eq(tp_read(t, a, va, &x, 1), 0);
	cr_assert_eq(core(t, 0)->ctr.cr3_flush, flush, "switching back keeps the TLB (no flush)");
	cr_assert_eq(core(t, 0)->ctr.tlb_hit[HW_L1D][0], hit + 1, "a's entry survived b's run");
	cr_assert_eq(core(t, 0)->cr3 & 0xfff, pcid_a);
	tk_free(t);
}

Test(tlbflush, without_pcid_every_switch_flushes)
{
	struct hw_config cfg = hw_preset_find("default")->config;
	cfg.ram_bytes = 64 * MB;
	cfg.nr_cpus = 1;
	cfg.pcid = false;
	struct tk *t = tk_boot_hw(&cfg);
	cr_assert_not(core(t, 0)->cr4 & X86_CR4_PCIDE);
	struct task_struct *a = tp_spawn(t, "a", 0), *b = tp_spawn(t, "b", 0);
	uint64_t va = tp_mmap(t, a, PG, PROT_READ | PROT_WRITE, MAP_PRIVATE);
	tp_touch(t, a, va, PG, true);
	tp_touch(t, b, tp_mmap(t, b, PG, PROT_READ, MAP_PRIVATE), PG, false);
	uint64_t walks = core(t, 0)->ctr.walks;
	uint8_t x;
	cr_assert_eq(tp_read(t, a, va, &x, 1), 0);
	cr_assert_gt(core(t, 0)->ctr.walks, walks, "a's entries were flushed by the switch");
	tk_free(t);
}

/* The ASIDs of a core are six; a seventh mm takes a slot round-robin and
 * must flush it. */
Test(tlbflush, asids_are_recycled_after_six)
{
	struct tk *t = tk_boot(256 * MB, 1);
	struct task_struct *p[7];
	for (int i = 0; i < 7; i++) {
		p[i] = tp_spawn(t, "asid", 0);
		schedule_task(&t->k, p[i]);
	}
	struct tlb_state *ts = &t->k.tlbstate[0];
	int owners = 0;
	for (int a = 0; a < TLB_NR_DYN_ASIDS; a++)
		for (int i = 0; i < 7; i++)
			owners += ts->ctxs[a].ctx_id == p[i]->mm->context_id;
	cr_assert_eq(owners, TLB_NR_DYN_ASIDS, "six slots, each holding one of the seven mms");
	tk_free(t);
}

Test(tlbflush, invlpg_up_to_33_pages_then_a_full_flush)
{
	struct tk *t = tk_boot(256 * MB, 1);
	struct task_struct *p = tp_spawn(t, "flush", 0);
	uint64_t a = tp_mmap(t, p, 64 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE);
	tp_touch(t, p, a, 64 * PG, true);
	uint64_t one = t->k.vm_events[NR_TLB_LOCAL_FLUSH_ONE], all = t->k.vm_events[NR_TLB_LOCAL_FLUSH_ALL];
	uint64_t invlpg = core(t, 0)->ctr.invlpg;
	cr_assert_eq(do_mprotect_pkey(&t->k, p, a, 33 * PG, PROT_READ), 0);
	cr_assert_eq(t->k.vm_events[NR_TLB_LOCAL_FLUSH_ONE] - one, 33);
	cr_assert_eq(core(t, 0)->ctr.invlpg - invlpg, 33);
	cr_assert_eq(t->k.vm_events[NR_TLB_LOCAL_FLUSH_ALL], all);
	cr_assert_eq(do_mprotect_pkey(&t->k, p, a + 33 * PG, 31 * PG, PROT_READ), 0);
	cr_assert_eq(do_mprotect_pkey(&t->k, p, a, 34 * PG, PROT_READ | PROT_WRITE), 0);
	cr_assert_eq(t->k.vm_events[NR_TLB_LOCAL_FLUSH_ALL] - all, 1, "34 pages: one full flush");
	tk_free(t);
}

/* Seed 003 Q2: two threads of one process on two cores; one unmaps, the
 * other core gets an IPI and flushes; its stale entry is gone. */
Test(tlbflush, shootdown_between_threads_on_two_cores)
{
	struct tk *t = tk_boot(256 * MB, 2);
	int err;
	struct task_struct *a = tp_spawn(t, "threads", 0);
	struct task_struct *b = task_create_thread(&t->k, a, 1, &err);
	cr_assert_not_null(b);
	uint64_t va = tp_mmap(t, a, PG, PROT_READ | PROT_WRITE, MAP_PRIVATE);
	cr_assert_eq(tp_write(t, a, va, "x", 1), 0);
	uint8_t x;
	cr_assert_eq(tp_read(t, b, va, &x, 1), 0, "core 1 caches the translation");
	uint64_t remote = t->k.vm_events[NR_TLB_REMOTE_FLUSH];
	uint64_t recv = t->k.vm_events[NR_TLB_REMOTE_FLUSH_RECEIVED];
	uint64_t ipi_cycles = core(t, 0)->ctr.cycles;
	t->k.this_cpu = 0;
	cr_assert_eq(do_munmap(&t->k, a, va, PG), 0);
	cr_assert_eq(t->k.vm_events[NR_TLB_REMOTE_FLUSH] - remote, 1);
	cr_assert_eq(t->k.vm_events[NR_TLB_REMOTE_FLUSH_RECEIVED] - recv, 1);
	cr_assert_geq(core(t, 0)->ctr.cycles - ipi_cycles, core(t, 0)->lat.ipi, "the IPI is charged");
	cr_assert_eq(tp_read(t, b, va, &x, 1), -EFAULT, "no stale translation on core 1");
	cr_assert_eq(b->fatal.si_code, SEGV_MAPERR);
	tk_free(t);
}

/* Without the kernel's flush, the MMU keeps using the old translation. */
Test(tlbflush, a_pte_change_without_flush_leaves_a_stale_entry)
{
	struct tk *t = tk_boot(256 * MB, 1);
	struct task_struct *p = tp_spawn(t, "stale", 0);
	uint64_t va = tp_mmap(t, p, PG, PROT_READ | PROT_WRITE, MAP_PRIVATE);
	cr_assert_eq(tp_write(t, p, va, "old", 4), 0);
	int err;
	pte_t *pte = pte_walk(&t->k, p->mm, va, false, &err);
	pte_t saved = *pte;
	*pte = 0;                                  /* behind the kernel's back: no flush */
	char buf[4];
	cr_assert_eq(tp_read(t, p, va, buf, 4), 0, "the TLB still translates it");
	cr_assert_str_eq(buf, "old");
	*pte = saved;
	tk_free(t);
}

/* A core that ran an mm and went idle is lazy: flushes skip it, and it
 * catches up (by tlb_gen) when the mm runs there again. */
Test(tlbflush, lazy_core_catches_up_by_generation)
{
	struct tk *t = tk_boot(256 * MB, 2);
	struct task_struct *a = tp_spawn(t, "lazy", 1);
	uint64_t va = tp_mmap(t, a, 2 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE);
	tp_touch(t, a, va, 2 * PG, true);
	cr_assert_eq(task_set_cpu(&t->k, a, 0), 0, "core 1 goes idle, its mm stays loaded");
	cr_assert(t->k.tlbstate[1].is_lazy);
	uint64_t recv = t->k.vm_events[NR_TLB_REMOTE_FLUSH_RECEIVED];
	t->k.this_cpu = 0;
	cr_assert_eq(do_mprotect_pkey(&t->k, a, va, PG, PROT_READ), 0);
	cr_assert_eq(t->k.vm_events[NR_TLB_REMOTE_FLUSH_RECEIVED], recv, "no IPI to a lazy core");
	cr_assert_eq(task_set_cpu(&t->k, a, 1), 0);
	cr_assert_eq(tp_write(t, a, va, "w", 1), -EFAULT, "core 1 flushed on the switch back");
	cr_assert_eq(a->fatal.si_code, SEGV_ACCERR);
	tk_free(t);
}
