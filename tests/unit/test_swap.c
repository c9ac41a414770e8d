/*
 * Swap and reclaim, piece by piece: the swap PTE's encoding, slot
 * allocation in clusters, the readahead window, the LRU's decisions (with
 * the TLB keeping a page looking unused), swap-in as a major or minor
 * fault, fork of swapped pages, shmem through its object, the views, the
 * madvise advice, mlock, overcommit and swapoff.
 */
#include "proc_helpers.h"

#include "kernel/fs.h"
#include "kernel/memory.h"
#include "kernel/mm.h"
#include "kernel/oom.h"
#include "kernel/rmap.h"
#include "kernel/swap.h"
#include "kernel/swapops.h"
#include "kernel/vmstat.h"
#include "procfs/procfs.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PG 4096ULL

/* A machine of ram bytes with a swap device of swap bytes. */
static struct tk *boot_swap(uint64_t ram, uint64_t swap, int cpus)
{
	char why[128] = "";
	struct tk *t = tk_boot(ram, cpus);
	if (swap)
		cr_assert_eq(sys_swapon(&t->k, swap, -1, NULL, why, sizeof why), 0, "%s", why);
	return t;
}

static uint64_t ev(struct tk *t, enum vm_event_item e)
{
	return t->k.vm_events[e];
}

/* Swap out the pages of [va, va + len) of p now (MADV_PAGEOUT). */
static void pageout(struct tk *t, struct task_struct *p, uint64_t va, uint64_t len)
{
	cr_assert_eq(do_madvise(&t->k, p, va, len, MADV_PAGEOUT), 0);
}

/* A process of a new 64 MiB machine with 64 MiB of swap, with n pages at
 * *a (flags: MAP_PRIVATE or MAP_SHARED), each written with byte c and
 * paged out. */
static struct tk *swapped_pages(const char *name, uint64_t n, unsigned long flags, char c, struct task_struct **p,
				uint64_t *a)
{
	struct tk *t = boot_swap(64 << 20, 64 << 20, 1);
	*p = tp_spawn(t, name, 0);
	*a = tp_mmap(t, *p, n * PG, PROT_READ | PROT_WRITE, flags);
	for (uint64_t i = 0; i < n; i++)
		cr_assert_eq(tp_write(t, *p, *a + i * PG, &c, 1), 0);
	pageout(t, *p, *a, n * PG);
	return t;
}

/* ---- the swap PTE ---------------------------------------------------------- */

Test(swap, the_pte_encoding_round_trips_at_every_boundary)
{
	const uint64_t max_offset = (1ULL << SWP_PTE_OFFSET_BITS) - 1;
	const uint64_t offsets[] = { 0, 1, 2, 511, 512, (1ULL << 27) - 1, 1ULL << 27, (1ULL << 32) - 1, 1ULL << 32,
				     max_offset - 1, max_offset };
	for (unsigned type = 0; type < (1u << MAX_SWAPFILES_SHIFT); type++)
		for (size_t i = 0; i < sizeof offsets / sizeof offsets[0]; i++) {
			swp_entry_t e = swp_entry(type, offsets[i]);
			pte_t pte = swp_entry_to_pte(e);
			cr_assert_eq(swp_type(pte_to_swp_entry(pte)), type);
			cr_assert_eq(swp_offset(pte_to_swp_entry(pte)), offsets[i], "type %u offset %#llx", type,
				     (unsigned long long)offsets[i]);
			cr_assert(!(pte & (_PAGE_PRESENT | _PAGE_PROTNONE)), "not present, not PROT_NONE");
			cr_assert(is_swap_pte(pte) || (!type && offsets[i] == max_offset),
				  "not present (type 0 with the top offset is all zeros: Linux never uses it)");
			cr_assert_eq(pte >> 59, type, "the type in bits 59-63");
			cr_assert_eq((~pte >> 9) & max_offset, offsets[i], "the offset inverted in bits 9-58");
			pte_t flagged = pte_swp_mksoft_dirty(pte_swp_mkexclusive(pte));
			cr_assert(pte_swp_exclusive(flagged) && pte_swp_soft_dirty(flagged));
			cr_assert_eq(pte_to_swp_entry(flagged).val, e.val, "the flag bits do not change the entry");
		}
	/* offset 0 of type 0 inverts to all ones: the high physical bits set (L1TF) */
	cr_assert_eq(swp_entry_to_pte(swp_entry(0, 0)), 0x07fffffffffffe00ULL);
	cr_assert_eq(swp_entry_to_pte(swp_entry(31, max_offset)), 0xf800000000000000ULL);
}

Test(swap, the_mmu_sees_a_swap_pte_as_not_present)
{
	struct task_struct *p;
	uint64_t a;
	struct tk *t = swapped_pages("sw", 1, MAP_PRIVATE, 'a', &p, &a);
	pte_t pte = tp_pte(t, p, a);
	cr_assert(is_swap_pte(pte));
	cr_assert_eq(swp_type(pte_to_swp_entry(pte)), 0);
	cr_assert(pte_swp_exclusive(pte), "a page mapped only here is swapped exclusive");
	uint64_t faults = t->hw.cpus[0].ctr.pf[4];      /* not-present user read */
	char buf[4];
	cr_assert_eq(tp_read(t, p, a, buf, 1), 0);
	cr_assert_eq(buf[0], 'a');
	cr_assert_eq(t->hw.cpus[0].ctr.pf[4], faults + 1, "the walker stopped at the swap PTE: a #PF, not present");
	tk_assert_consistent(t);
	tk_free(t);
}

/* ---- slots ----------------------------------------------------------------- */

Test(swap, slots_fill_one_cluster_in_ascending_order_per_cpu)
{
	struct tk *t = boot_swap(64 << 20, 8 << 20, 2);
	struct swap_info_struct *si = t->k.swap.swap_info[0];
	cr_assert_eq(si->pages, 2047, "the header page is not a slot");
	cr_assert_eq(total_swap_pages(&t->k), 2047);
	struct page *pg[600];
	uint64_t last = 0;
	for (int i = 0; i < 600; i++) {
		pg[i] = alloc_page(&t->k, GFP_HIGHUSER_MOVABLE);
		page_set(pg[i], PG_swapbacked);
		cr_assert_eq(folio_alloc_swap(&t->k, pg[i]), 0);
		uint64_t off = swp_offset(page_swap_entry(pg[i]));
		cr_assert_eq(off, i ? last + 1 : 1, "slot %d: ascending from 1 (0 holds the header)", i);
		last = off;
	}
	cr_assert_eq(last, 600, "the first cluster (511 slots after the header) and then the next one");
	t->k.this_cpu = 1;               /* another CPU, without a hint, takes the nonfull cluster */
	struct page *other = alloc_page(&t->k, GFP_HIGHUSER_MOVABLE);
	page_set(other, PG_swapbacked);
	cr_assert_eq(folio_alloc_swap(&t->k, other), 0);
	cr_assert_eq(swp_offset(page_swap_entry(other)), 601, "the next free slot of the nonfull cluster");
	t->k.this_cpu = 0;
	cr_assert_eq(t->k.swap.percpu[0].offset, 601, "CPU 0's hint still points there");
	cr_assert_eq(get_nr_swap_pages(&t->k), 2047 - 601);
	cr_assert_eq(si->inuse_pages, 601);
	for (int i = 0; i < 600; i++)
		swap_cache_del_folio(&t->k, pg[i]);
	swap_cache_del_folio(&t->k, other);
	cr_assert_eq(get_nr_swap_pages(&t->k), 2047, "every slot free again");
	cr_assert_null(si->cluster_info[0].data, "no bytes were written");
	for (int i = 0; i < 600; i++)
		put_page(&t->k, pg[i]);
	put_page(&t->k, other);
	tk_assert_consistent(t);
	tk_free(t);
}

Test(swap, priorities_order_the_devices_and_equal_ones_take_turns)
{
	char why[128];
	struct tk *t = boot_swap(64 << 20, 0, 1);
	cr_assert_eq(sys_swapon(&t->k, 1 << 20, -1, NULL, why, sizeof why), 0);
	cr_assert_eq(sys_swapon(&t->k, 1 << 20, 5, NULL, why, sizeof why), 1);
	cr_assert_eq(sys_swapon(&t->k, 1 << 20, 5, NULL, why, sizeof why), 2);
	cr_assert_eq(t->k.swap.swap_info[0]->prio, -2, "the first default priority is -2");
	unsigned types[6];
	for (int i = 0; i < 6; i++) {
		struct page *pg = alloc_page(&t->k, GFP_HIGHUSER_MOVABLE);
		page_set(pg, PG_swapbacked);
		t->k.swap.percpu[0].type = -1;       /* no hint: the priority list decides */
		cr_assert_eq(folio_alloc_swap(&t->k, pg), 0);
		types[i] = swp_type(page_swap_entry(pg));
	}
	for (int i = 0; i < 6; i++)
		cr_assert_eq(types[i], i % 2 ? 2u : 1u, "allocation %d: priority 5 first, the two alternating", i);
	cr_assert_eq(sys_swapon(&t->k, 100, -1, NULL, why, sizeof why), -EINVAL);
	cr_assert_eq(sys_swapon(&t->k, 1 << 20, 40000, NULL, why, sizeof why), -EINVAL);
	tk_free(t);
}

Test(swap, a_full_device_has_no_slot_and_reclaim_keeps_the_page)
{
	struct tk *t = boot_swap(64 << 20, 8192, 1);       /* the header and one slot */
	struct page *a = alloc_page(&t->k, GFP_HIGHUSER_MOVABLE), *b = alloc_page(&t->k, GFP_HIGHUSER_MOVABLE);
	page_set(a, PG_swapbacked);
	page_set(b, PG_swapbacked);
	cr_assert_eq(folio_alloc_swap(&t->k, a), 0);
	cr_assert_eq(folio_alloc_swap(&t->k, b), -ENOMEM);
	cr_assert(!page_test(b, PG_swapcache));
	swap_cache_del_folio(&t->k, a);
	put_page(&t->k, a);
	put_page(&t->k, b);
	tk_free(t);
}

/* ---- readahead ------------------------------------------------------------- */

Test(swap, the_readahead_window_grows_with_hits_and_shrinks_on_random_faults)
{
	/* no hits: a fault next to the last one reads 2, a random one 1 */
	cr_assert_eq(__swapin_nr_pages(100, 101, 0, 8, 0), 2);
	cr_assert_eq(__swapin_nr_pages(100, 99, 0, 8, 0), 2);
	cr_assert_eq(__swapin_nr_pages(100, 500, 0, 8, 0), 1);
	/* hits + 2, rounded up to a power of two, at most the maximum */
	cr_assert_eq(__swapin_nr_pages(100, 500, 1, 8, 0), 4);
	cr_assert_eq(__swapin_nr_pages(100, 500, 3, 8, 0), 8);
	cr_assert_eq(__swapin_nr_pages(100, 500, 30, 8, 0), 8);
	/* never below half the last window: it shrinks by halves */
	cr_assert_eq(__swapin_nr_pages(100, 500, 0, 8, 8), 4);
	cr_assert_eq(__swapin_nr_pages(100, 500, 0, 8, 4), 2);
	cr_assert_eq(__swapin_nr_pages(100, 500, 0, 8, 2), 1);
}

/* Swap out n pages at a of p, written with their index, then read them in
 * order (sequential) or scattered; returns the major faults taken. */
static uint64_t swap_in_pass(struct tk *t, struct task_struct *p, uint64_t a, int n, bool sequential)
{
	for (int i = 0; i < n; i++)
		cr_assert_eq(tp_write(t, p, a + (uint64_t)i * PG, &i, sizeof i), 0);
	pageout(t, p, a, (uint64_t)n * PG);
	uint64_t before = p->maj_flt;
	for (int i = 0; i < n; i++) {
		int j = sequential ? i : (i * 37) % n, v;
		cr_assert_eq(tp_read(t, p, a + (uint64_t)j * PG, &v, sizeof v), 0);
		cr_assert_eq(v, j);
	}
	return p->maj_flt - before;
}

Test(swap, sequential_faults_read_ahead_and_random_ones_do_not)
{
	struct tk *t = boot_swap(64 << 20, 64 << 20, 1);
	struct task_struct *p = tp_spawn(t, "ra", 0);
	uint64_t a = tp_mmap(t, p, 256 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE);
	uint64_t seq = swap_in_pass(t, p, a, 256, true);
	cr_assert_lt(seq, 256 / 4, "a sequential pass faults on about one page in eight (%llu)", (unsigned long long)seq);
	cr_assert_gt(ev(t, SWAP_RA_HIT), 128, "the pages read ahead were used");
	uint64_t rnd = swap_in_pass(t, p, a, 256, false);
	cr_assert_gt(rnd, 256 / 2, "a scattered pass reads about one page per fault (%llu)", (unsigned long long)rnd);
	/* vm.page-cluster 0: no readahead at all */
	t->k.sysctl.page_cluster = 0;
	cr_assert_eq(swap_in_pass(t, p, a, 64, true), 64);
	/* cluster readahead: the slots next to the fault on the device */
	t->k.sysctl.page_cluster = 3;
	t->k.swap.vma_ra_enabled = false;
	uint64_t ra = ev(t, SWAP_RA);
	cr_assert_lt(swap_in_pass(t, p, a, 64, true), 64);
	cr_assert_gt(ev(t, SWAP_RA), ra);
	tk_assert_consistent(t);
	tk_free(t);
}

/* The pages read ahead by a fault on a one-page VMA whose slot (2) sits
 * between the slots of another VMA's pages, right after a fault on the
 * slot before it, on a device of model. */
static uint64_t readahead_next_to_a_one_page_vma(const char *model)
{
	char why[128] = "", c;
	struct tk *t = tk_boot(64 << 20, 1);
	cr_assert_eq(sys_swapon(&t->k, 64 << 20, -1, swap_device_preset(model), why, sizeof why), 0, "%s", why);
	struct task_struct *p = tp_spawn(t, "ra", 0);
	uint64_t x = tp_mmap(t, p, PG, PROT_READ | PROT_WRITE, MAP_PRIVATE);
	tp_mmap(t, p, PG, PROT_NONE, MAP_PRIVATE);  /* keeps the two from merging */
	uint64_t y = tp_mmap(t, p, 7 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE);
	for (uint64_t i = 0; i < 7; i++)
		cr_assert_eq(tp_write(t, p, y + i * PG, "y", 1), 0);
	cr_assert_eq(tp_write(t, p, x, "x", 1), 0);
	pageout(t, p, y, PG);                       /* slot 1 */
	pageout(t, p, x, PG);                       /* slot 2 */
	pageout(t, p, y + PG, 6 * PG);              /* slots 3-8 */
	cr_assert_eq(tp_read(t, p, y, &c, 1), 0);   /* the cluster readahead's last offset: 1 */
	uint64_t ra = ev(t, SWAP_RA);
	cr_assert_eq(tp_read(t, p, x, &c, 1), 0);
	cr_assert_eq(c, 'x');
	ra = ev(t, SWAP_RA) - ra;
	tk_assert_consistent(t);
	tk_free(t);
	return ra;
}

Test(swap, a_rotational_device_reads_ahead_by_slot_not_by_vma)
{
	cr_assert_eq(readahead_next_to_a_one_page_vma("nvme"), 0, "VMA readahead stays inside the VMA");
	cr_assert_eq(readahead_next_to_a_one_page_vma("hdd"), 1,
		     "with a rotational device on, a fault on the slot after the last one reads its aligned "
		     "block of two slots: the other VMA's page in slot 3");
}

/* ---- the LRU's decisions ---------------------------------------------------- */

/* One page written by p, on the inactive list. */
static struct page *lru_page(struct tk *t, struct task_struct *p, uint64_t *va)
{
	*va = tp_mmap(t, p, PG, PROT_READ | PROT_WRITE, MAP_PRIVATE);
	cr_assert_eq(tp_write(t, p, *va, "x", 1), 0);
	struct page *page = vm_normal_page(&t->k, tp_pte(t, p, *va));
	cr_assert(page && page_test(page, PG_lru) && folio_lru_list(page) == LRU_INACTIVE_ANON,
		  "a new anonymous page starts on the inactive list");
	return page;
}

/* After folio_referenced cleared va's young bit: an access through the TLB
 * leaves it clear (x86 flushes nothing when clearing it), an access after
 * the entry left the TLB walks and sets it again. */
static void access_sets_young_only_after_a_walk(struct tk *t, struct task_struct *p, uint64_t va)
{
	char c;
	cr_assert_eq(tp_read(t, p, va, &c, 1), 0);
	cr_assert(!(tp_pte(t, p, va) & _PAGE_ACCESSED), "the TLB still held the translation: no walk, no bit");
	hw_mov_to_cr3(&t->hw.cpus[0], t->hw.cpus[0].cr3 & ~(1ULL << 63));     /* the entry leaves the TLB */
	cr_assert_eq(tp_read(t, p, va, &c, 1), 0);
	cr_assert(tp_pte(t, p, va) & _PAGE_ACCESSED, "a new walk sets it again");
}

Test(swap, referenced_once_is_kept_twice_is_activated)
{
	struct tk *t = boot_swap(64 << 20, 64 << 20, 1);
	struct task_struct *p = tp_spawn(t, "lru", 0);
	uint64_t va, flags;
	struct page *page = lru_page(t, p, &va);
	cr_assert_eq(folio_referenced(&t->k, page, &flags), 1, "the fault's walk set the Accessed bit");
	cr_assert(!(tp_pte(t, p, va) & _PAGE_ACCESSED), "folio_referenced clears it");
	cr_assert_eq(folio_referenced(&t->k, page, &flags), 0, "and it stays clear...");
	access_sets_young_only_after_a_walk(t, p, va);
	tk_free(t);
}

/* The LRU decisions narrated about one page (trace_references's lines). */
static char decisions[4096];
static char watched[32];

static void collect_decisions(void *ctx, int cpu, const char *func, const char *text)
{
	(void)ctx;
	(void)cpu;
	if (!strcmp(func, "trace_references") && strstr(text, watched))
		snprintf(decisions + strlen(decisions), sizeof decisions - strlen(decisions), "%s\n", text);
}

Test(swap, reclaim_keeps_a_page_used_once_and_activates_it_when_used_again)
{
	struct tk *t = boot_swap(64 << 20, 64 << 20, 1);
	struct task_struct *p = tp_spawn(t, "lru", 0);
	uint64_t va, flags, cold[40];
	struct page *hot = lru_page(t, p, &va);          /* the oldest: at the tail */
	for (int i = 0; i < 40; i++) {
		struct page *c = lru_page(t, p, &cold[i]);
		folio_referenced(&t->k, c, &flags);      /* unused since their fault */
	}
	snprintf(watched, sizeof watched, "pfn %#llx ", (unsigned long long)page_to_pfn(&t->k, hot));
	t->k.trace_fn = collect_decisions;
	try_to_free_pages(&t->k, GFP_KERNEL, 0);
	cr_assert_not_null(strstr(decisions, "used once: keep it on the inactive list"), "%s", decisions);
	cr_assert(page_test(hot, PG_referenced) && pte_present(tp_pte(t, p, va)), "kept and marked");
	cr_assert(is_swap_pte(tp_pte(t, p, cold[0])), "an unused page went to swap");
	t->k.trace_fn = NULL;
	access_sets_young_only_after_a_walk(t, p, va);
	decisions[0] = 0;
	t->k.trace_fn = collect_decisions;
	for (int i = 0; i < 20 && !strstr(decisions, "used again"); i++)
		try_to_free_pages(&t->k, GFP_KERNEL, 0);     /* until reclaim reaches it again */
	t->k.trace_fn = NULL;
	cr_assert_not_null(strstr(decisions, "used again: move it to the active list"), "%s", decisions);
	tk_assert_consistent(t);
	tk_free(t);
}

/* ---- swap-in, fork, exit ---------------------------------------------------- */

Test(swap, a_swap_cache_hit_is_minor_a_device_read_is_major)
{
	struct task_struct *p;
	uint64_t a;
	struct tk *t = swapped_pages("maj", 1, MAP_PRIVATE, 'd', &p, &a);
	cr_assert_eq(ev(t, PSWPOUT), 1);
	cr_assert_eq(get_mm_counter(p->mm, MM_SWAPENTS), 1);
	uint64_t maj = p->maj_flt, pgmaj = ev(t, PGMAJFAULT);
	char buf;
	cr_assert_eq(tp_read(t, p, a, &buf, 1), 0);
	cr_assert_eq(buf, 'd');
	cr_assert_eq(p->maj_flt, maj + 1, "read from the device: a major fault");
	cr_assert_eq(ev(t, PGMAJFAULT), pgmaj + 1);
	cr_assert_eq(ev(t, PSWPIN), 1);
	struct page *page = vm_normal_page(&t->k, tp_pte(t, p, a));
	cr_assert(page_test(page, PG_swapcache), "swap is not half full: the page keeps its slot");
	cr_assert(pte_write(tp_pte(t, p, a)), "exclusive: mapped writable at once");
	cr_assert(!(tp_pte(t, p, a) & _PAGE_DIRTY), "but clean");
	/* evicting it again needs no write: its slot still has the bytes */
	pageout(t, p, a, PG);
	cr_assert_eq(ev(t, PSWPOUT), 1, "a clean page in the swap cache is not written again");
	tk_assert_consistent(t);
	tk_free(t);
}

Test(swap, zero_pages_are_not_written_and_read_back_as_zeros)
{
	struct tk *t = boot_swap(64 << 20, 64 << 20, 1);
	struct task_struct *p = tp_spawn(t, "zero", 0);
	uint64_t a = tp_mmap(t, p, 2 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE);
	cr_assert_eq(tp_write(t, p, a, "\0", 1), 0);        /* a page of zeros */
	cr_assert_eq(tp_write(t, p, a + PG, "y", 1), 0);
	pageout(t, p, a, 2 * PG);
	cr_assert_eq(ev(t, SWPOUT_ZERO), 1);
	cr_assert_eq(ev(t, PSWPOUT), 1);
	uint8_t buf[PG];
	cr_assert_eq(tp_read(t, p, a, buf, PG), 0);
	for (size_t i = 0; i < PG; i++)
		cr_assert_eq(buf[i], 0);
	cr_assert_eq(ev(t, SWPIN_ZERO), 1);
	cr_assert_eq(ev(t, PSWPIN), t->k.swap.vma_ra_enabled ? 1u : 1u, "the other page, read ahead");
	tk_assert_consistent(t);
	tk_free(t);
}

Test(swap, fork_shares_the_slot_and_the_second_toucher_hits_the_swap_cache)
{
	struct task_struct *p;
	uint64_t a;
	struct tk *t = swapped_pages("parent", 1, MAP_PRIVATE, 'P', &p, &a);
	int err;
	struct task_struct *c = copy_process(&t->k, p, 0, &err);
	cr_assert_not_null(c);
	swp_entry_t e = pte_to_swp_entry(tp_pte(t, c, a));
	cr_assert_eq(__swap_count(&t->k, e), 2, "both PTEs name the slot");
	cr_assert(!pte_swp_exclusive(tp_pte(t, p, a)) && !pte_swp_exclusive(tp_pte(t, c, a)), "neither has it alone");
	cr_assert_eq(get_mm_counter(c->mm, MM_SWAPENTS), 1);
	char ch;
	cr_assert_eq(tp_read(t, c, a, &ch, 1), 0);
	cr_assert_eq(ch, 'P');
	cr_assert_eq(c->maj_flt, 1, "the child reads it from the device");
	cr_assert_eq(tp_read(t, p, a, &ch, 1), 0);
	cr_assert_eq(p->maj_flt, 0, "the parent finds it in the swap cache: a minor fault");
	cr_assert_eq(p->min_flt >= 1, true);
	cr_assert(!pte_write(tp_pte(t, p, a)), "shared: read-only until a write copies it");
	cr_assert_eq(tp_write(t, p, a, "Q", 1), 0);
	cr_assert_eq(tp_read(t, c, a, &ch, 1), 0);
	cr_assert_eq(ch, 'P', "copy-on-write kept the child's byte");
	do_group_exit(&t->k, c, 0);
	do_group_exit(&t->k, p, 0);
	cr_assert_eq(get_nr_swap_pages(&t->k), total_swap_pages(&t->k), "exit freed the slot");
	tk_assert_consistent(t);
	tk_free(t);
}

/* ---- shmem and the views ------------------------------------------------------ */

Test(swap, shmem_swaps_through_its_object)
{
	struct task_struct *p;
	uint64_t a;
	struct tk *t = swapped_pages("shm", 4, MAP_SHARED, 's', &p, &a);
	cr_assert_eq(ev(t, PSWPOUT), 4);
	cr_assert_eq(tp_pte(t, p, a), 0, "no swap PTE: the object holds the entries");
	cr_assert_eq(get_mm_counter(p->mm, MM_SWAPENTS), 0, "VmSwap leaves shmem out");
	struct vm_area_struct *vma = vma_lookup(p->mm, a);
	cr_assert_eq(file_inode(vma->vm_file)->swapped, 4);
	char path[64];
	snprintf(path, sizeof path, "/proc/%d/smaps", p->pid);
	char *smaps = tk_proc(t, path);
	cr_assert_not_null(strstr(smaps, "Swap:                 16 kB\nSwapPss:               0 kB"), "%s", smaps);
	free(smaps);
	char c;
	uint64_t maj = p->maj_flt;
	cr_assert_eq(tp_read(t, p, a + PG, &c, 1), 0);
	cr_assert_eq(c, 's');
	cr_assert_eq(p->maj_flt, maj + 1, "a major fault");
	cr_assert_lt(file_inode(vma->vm_file)->swapped, 4, "the slot is freed at once");
	tk_assert_consistent(t);
	tk_free(t);
}

Test(swap, the_views_show_swap)
{
	struct tk *t = boot_swap(64 << 20, 64 << 20, 1);
	struct task_struct *p = tp_spawn(t, "views", 0);
	uint64_t a = tp_mmap(t, p, 2 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE);
	cr_assert_eq(tp_write(t, p, a, "v", 1), 0);
	pageout(t, p, a, PG);
	char *swaps = tk_proc(t, "/proc/swaps");
	cr_assert_str_eq(swaps, "Filename\t\t\t\tType\t\tSize\t\tUsed\t\tPriority\n"
				"/swapfile                               file\t\t65532\t\t4\t\t-2\n");
	free(swaps);
	char *meminfo = tk_proc(t, "/proc/meminfo");
	cr_assert_not_null(strstr(meminfo, "SwapTotal:         65532 kB\nSwapFree:          65528 kB\n"), "%s", meminfo);
	free(meminfo);
	char path[64];
	snprintf(path, sizeof path, "/proc/%d/status", p->pid);
	char *status = tk_proc(t, path);
	cr_assert_not_null(strstr(status, "VmSwap:\t       4 kB\n"), "%s", status);
	free(status);
	uint64_t pm[2];
	snprintf(path, sizeof path, "/proc/%d/pagemap", p->pid);
	struct procfs_cred root = { true };
	cr_assert_eq(procfs_pread(&t->k, path, a / PG * 8, pm, 16, &root), 16);
	swp_entry_t e = pte_to_swp_entry(tp_pte(t, p, a));
	cr_assert_eq(pm[0], (1ULL << 62) | (swp_offset(e) << 5) | swp_type(e) | (1ULL << 55 & pm[0]),
		     "bit 62, the type in bits 0-4, the offset above: %#llx", (unsigned long long)pm[0]);
	cr_assert_eq(pm[1] & ~(1ULL << 55), 0, "the untouched page: nothing but soft-dirty");
	tk_free(t);
}

/* ---- madvise, mlock, overcommit, swapoff --------------------------------------- */

Test(swap, madv_cold_deactivates_without_io)
{
	struct tk *t = boot_swap(64 << 20, 64 << 20, 1);
	struct task_struct *p = tp_spawn(t, "cold", 0);
	uint64_t va;
	struct page *page = lru_page(t, p, &va);
	folio_activate(&t->k, page);
	cr_assert_eq(folio_lru_list(page), LRU_ACTIVE_ANON);
	cr_assert_eq(do_madvise(&t->k, p, va, PG, MADV_COLD), 0);
	cr_assert_eq(folio_lru_list(page), LRU_INACTIVE_ANON);
	cr_assert(!(tp_pte(t, p, va) & _PAGE_ACCESSED), "the young bit is cleared");
	cr_assert_eq(ev(t, PSWPOUT), 0);
	cr_assert_eq(ev(t, PGDEACTIVATE), 1);
	tk_free(t);
}

Test(swap, madv_pageout_skips_pages_another_process_maps)
{
	struct tk *t = boot_swap(64 << 20, 64 << 20, 1);
	struct task_struct *p = tp_spawn(t, "po", 0);
	uint64_t a = tp_mmap(t, p, PG, PROT_READ | PROT_WRITE, MAP_PRIVATE);
	cr_assert_eq(tp_write(t, p, a, "z", 1), 0);
	int err;
	struct task_struct *c = copy_process(&t->k, p, 0, &err);
	pageout(t, p, a, PG);
	cr_assert(pte_present(tp_pte(t, p, a)), "mapped twice: left alone");
	cr_assert_eq(ev(t, PSWPOUT), 0);
	do_group_exit(&t->k, c, 0);
	pageout(t, p, a, PG);
	cr_assert(is_swap_pte(tp_pte(t, p, a)));
	tk_free(t);
}

Test(swap, madv_free_pages_are_dropped_without_io_unless_written_again)
{
	struct tk *t = boot_swap(64 << 20, 64 << 20, 1);
	struct task_struct *p = tp_spawn(t, "free", 0);
	uint64_t a = tp_mmap(t, p, 2 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE);
	cr_assert_eq(tp_write(t, p, a, "f", 1), 0);
	cr_assert_eq(tp_write(t, p, a + PG, "g", 1), 0);
	cr_assert_eq(do_madvise(&t->k, p, a, 2 * PG, MADV_FREE), 0);
	cr_assert_eq(ev(t, PGLAZYFREE), 2);
	hw_mov_to_cr3(&t->hw.cpus[0], t->hw.cpus[0].cr3 & ~(1ULL << 63));
	cr_assert_eq(tp_write(t, p, a + PG, "h", 1), 0);    /* written again: dirty in its PTE */
	pageout(t, p, a, 2 * PG);
	cr_assert_eq(ev(t, PGLAZYFREED), 1, "the clean one is dropped without I/O");
	cr_assert_eq(ev(t, PSWPOUT), 0);
	struct page *again = vm_normal_page(&t->k, tp_pte(t, p, a + PG));
	cr_assert(again && page_test(again, PG_swapbacked), "the written one is anonymous again, still mapped");
	pageout(t, p, a + PG, PG);
	cr_assert_eq(ev(t, PSWPOUT), 1, "and goes to swap like any other");
	char c;
	cr_assert_eq(tp_read(t, p, a, &c, 1), 0);
	cr_assert_eq(c, 0, "the dropped page reads as zeros");
	cr_assert_eq(tp_read(t, p, a + PG, &c, 1), 0);
	cr_assert_eq(c, 'h');
	tk_assert_consistent(t);
	tk_free(t);
}

Test(swap, madv_willneed_reads_swapped_pages_into_the_swap_cache)
{
	struct task_struct *p;
	uint64_t a;
	struct tk *t = swapped_pages("wn", 4, MAP_PRIVATE, 'w', &p, &a);
	cr_assert_eq(do_madvise(&t->k, p, a, 4 * PG, MADV_WILLNEED), 0);
	cr_assert_eq(ev(t, PSWPIN), 4);
	cr_assert_eq(global_node_page_state_pages(&t->k, NR_SWAPCACHE), 4);
	char c;
	for (int i = 0; i < 4; i++)
		cr_assert_eq(tp_read(t, p, a + (uint64_t)i * PG, &c, 1), 0);
	cr_assert_eq(p->maj_flt, 0, "every fault found its page in the swap cache");
	tk_assert_consistent(t);
	tk_free(t);
}

Test(swap, mlocked_pages_are_unevictable_and_munlock_rescues_them)
{
	struct tk *t = boot_swap(64 << 20, 64 << 20, 1);
	struct task_struct *p = tp_spawn(t, "lock", 0);
	uint64_t a = tp_mmap(t, p, 2 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE);
	cr_assert_eq(do_mlock(&t->k, p, a, 2 * PG, 0), 0);
	struct page *page = vm_normal_page(&t->k, tp_pte(t, p, a));
	cr_assert_eq(folio_lru_list(page), LRU_UNEVICTABLE);
	cr_assert_eq(ev(t, UNEVICTABLE_PGMLOCKED), 2);
	cr_assert_eq(ev(t, UNEVICTABLE_PGCULLED), 2);
	cr_assert_eq(global_node_page_state_pages(&t->k, NR_UNEVICTABLE), 2);
	cr_assert_eq(do_madvise(&t->k, p, a, 2 * PG, MADV_PAGEOUT), -EINVAL, "PAGEOUT refuses locked memory");
	cr_assert_eq(do_madvise(&t->k, p, a, 2 * PG, MADV_COLD), -EINVAL, "and so does COLD");
	try_to_free_pages(&t->k, GFP_KERNEL, 0);
	cr_assert(pte_present(tp_pte(t, p, a)), "reclaim never scans the unevictable list");
	cr_assert_eq(sys_munlock(&t->k, p, a, 2 * PG), 0);
	cr_assert_eq(folio_lru_list(page), LRU_INACTIVE_ANON);
	cr_assert_eq(ev(t, UNEVICTABLE_PGMUNLOCKED), 2);
	cr_assert_eq(ev(t, UNEVICTABLE_PGRESCUED), 2);
	pageout(t, p, a, 2 * PG);
	cr_assert(is_swap_pte(tp_pte(t, p, a)));
	tk_assert_consistent(t);
	tk_free(t);
}

Test(swap, overcommit_counts_swap)
{
	struct tk *t = boot_swap(64 << 20, 0, 1);
	uint64_t ram = t->k.totalram_pages;
	cr_assert_eq(vm_commit_limit(&t->k), ram / 2);
	char why[128];
	cr_assert_eq(sys_swapon(&t->k, 32 << 20, -1, NULL, why, sizeof why), 0);
	cr_assert_eq(vm_commit_limit(&t->k), ram / 2 + 8191, "CommitLimit = RAM x ratio + swap");
	cr_assert_eq(__vm_enough_memory(&t->k, ram + 8191 + 1), -ENOMEM, "heuristic: above RAM + swap");
	cr_assert_eq(__vm_enough_memory(&t->k, ram + 8191), 0);
	cr_assert_eq(oom_totalpages(&t->k), ram + 8191);
	tk_free(t);
}

Test(swap, swapoff_brings_everything_back_or_fails_with_enomem)
{
	char why[128];
	struct tk *t = boot_swap(16 << 20, 64 << 20, 1);
	t->k.sysctl.overcommit_memory = 1;
	struct task_struct *init = tp_spawn(t, "init", 0);
	(void)init;
	struct task_struct *p = tp_spawn(t, "big", 0);
	uint64_t n = 24 << 20, a = tp_mmap(t, p, n, PROT_READ | PROT_WRITE, MAP_PRIVATE);
	for (uint64_t off = 0; off < n; off += PG)
		cr_assert_eq(tp_write(t, p, a + off, &off, sizeof off), 0);
	cr_assert_gt(t->k.swap.swap_info[0]->inuse_pages, 1000);
	p->signal->oom_score_adj = OOM_SCORE_ADJ_MIN;      /* nobody to kill */
	cr_assert_eq(sys_swapoff(&t->k, 0, why, sizeof why), -ENOMEM, "24 MiB do not fit in 16");
	cr_assert_not_null(t->k.swap.swap_info[0], "the device stays on");
	cr_assert_eq(do_munmap(&t->k, p, a + (4 << 20), n - (4 << 20)), 0);
	cr_assert_eq(sys_swapoff(&t->k, 0, why, sizeof why), 0, "%s", why);
	cr_assert_null(t->k.swap.swap_info[0]);
	cr_assert_eq(total_swap_pages(&t->k), 0);
	for (uint64_t off = 0; off < (4 << 20); off += PG) {
		uint64_t v;
		cr_assert_eq(tp_read(t, p, a + off, &v, sizeof v), 0);
		cr_assert_eq(v, off);
	}
	cr_assert_eq(get_mm_counter(p->mm, MM_SWAPENTS), 0);
	cr_assert_eq(sys_swapoff(&t->k, 0, why, sizeof why), -EINVAL, "no device 0 any more");
	tk_assert_consistent(t);
	tk_free(t);
}
