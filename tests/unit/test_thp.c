/*
 * Transparent huge pages: the PMD fault (a THP, the huge zero page, the
 * fallback), splits and zaps of huge PMDs, fork and copy-on-write of a THP,
 * mremap, reclaim of a THP, the sysfs knobs and the views (smaps, meminfo,
 * vmstat, kpageflags, kpagecount, pagemap). Every test ends with the
 * consistency checker, which knows compound pages.
 */
#include "proc_helpers.h"

#include "kernel/huge_mm.h"
#include "kernel/memory.h"
#include "kernel/mm.h"
#include "kernel/mman.h"
#include "kernel/pgtable.h"
#include "kernel/swap.h"
#include "kernel/sysctl.h"
#include "kernel/task.h"
#include "kernel/vmstat.h"
#include "procfs/internal.h"
#include "procfs/procfs.h"
#include "hw/cpu.h"
#include "hw/machine.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MB (1ULL << 20)
#define PG 4096ULL
#define HP (2 * MB)

static struct tk *t;
static struct task_struct *p;

static void setup(void)
{
	t = tk_boot(256 * MB, 2);
	p = tp_spawn(t, "thp", 0);
}

static void teardown(void)
{
	tk_assert_consistent(t);
	tk_free(t);
}

TestSuite(thp, .init = setup, .fini = teardown);

static uint64_t ev(enum vm_event_item e)
{
	return t->k.vm_events[e];
}

/* len bytes of private anonymous memory starting on a 2 MiB boundary,
 * advised MADV_HUGEPAGE when advise is set. */
static uint64_t thp_area(struct task_struct *task, uint64_t len, bool advise)
{
	uint64_t a = tp_mmap(t, task, len + HP, PROT_READ | PROT_WRITE, MAP_PRIVATE);
	uint64_t h = (a + HP - 1) & ~(HP - 1);
	if (advise)
		cr_assert_eq(do_madvise(&t->k, task, h, len, MADV_HUGEPAGE), 0);
	return h;
}

/* The level of the leaf that maps va in task (2: a huge PMD), -1 for none. */
static int leaf_level(struct task_struct *task, uint64_t va, pte_t *e)
{
	pte_t x;
	return pgtable_lookup(&t->k, task->mm, va, e ? e : &x);
}

/* The value of field (e.g. "AnonHugePages:") in text, after the label. */
static uint64_t field_in(const char *text, const char *label)
{
	const char *s = strstr(text, label);
	cr_assert_not_null(s, "no %s in:\n%s", label, text);
	return strtoull(s + strlen(label), NULL, 10);
}

/* The smaps field label of the VMA holding va in task, in kB. */
static uint64_t smaps_kb(struct task_struct *task, uint64_t va, const char *label)
{
	char path[64], hex[32];
	snprintf(path, sizeof path, "/proc/%d/smaps", task->pid);
	char *s = tk_proc(t, path);
	struct vm_area_struct *vma = find_vma(task->mm, va);
	snprintf(hex, sizeof hex, "%llx-", (unsigned long long)vma->vm_start);
	const char *block = strstr(s, hex);
	cr_assert_not_null(block);
	uint64_t v = field_in(block, label);
	free(s);
	return v;
}

static uint64_t proc_field(const char *path, const char *label)
{
	char *s = tk_proc(t, path);
	uint64_t v = field_in(s, label);
	free(s);
	return v;
}

/* A write fault in advised memory maps one THP for the whole 2 MiB: one
 * fault, a PMD leaf, zeroed bytes, and the counters of every view. */
Test(thp, a_write_fault_maps_a_thp)
{
	uint64_t a = thp_area(p, 4 * MB, true), flt = p->min_flt, anon = get_mm_counter(p->mm, MM_ANONPAGES);
	uint8_t v = 0x5a, b[16];
	cr_assert_eq(tp_write(t, p, a + 12345, &v, 1), 0);
	cr_assert_eq(p->min_flt, flt + 1);
	cr_assert_eq(leaf_level(p, a + HP - 1, NULL), 2, "a PMD maps the 2 MiB");
	cr_assert_eq(ev(THP_FAULT_ALLOC), 1);
	cr_assert_eq(ev(THP_FAULT_FALLBACK), 0);
	tp_touch(t, p, a, HP, true);
	cr_assert_eq(p->min_flt, flt + 1, "no more faults in that 2 MiB");
	cr_assert_eq(tp_read(t, p, a + 12340, b, sizeof b), 0);
	for (int i = 0; i < 16; i++)
		cr_assert_eq(b[i], i == 5 ? 0x5a : 0, "byte %d", i);
	cr_assert_eq(smaps_kb(p, a, "AnonHugePages:"), 2048);
	cr_assert_eq(smaps_kb(p, a, "Rss:"), 2048);
	cr_assert_eq(smaps_kb(p, a, "THPeligible:"), 1);
	cr_assert_eq(proc_field("/proc/meminfo", "AnonHugePages:"), 2048);
	cr_assert_eq(proc_field("/proc/vmstat", "nr_anon_transparent_hugepages "), 1);
	cr_assert_eq(get_mm_counter(p->mm, MM_ANONPAGES), anon + HPAGE_PMD_NR);
}

/* kpageflags and kpagecount of a THP's head and tails, as Linux shows
 * them; pagemap's PFNs run on through the 2 MiB. */
Test(thp, kpageflags_show_head_and_tail)
{
	uint64_t a = thp_area(p, 2 * MB, true);
	tp_touch(t, p, a, PG, true);
	pte_t e;
	cr_assert_eq(leaf_level(p, a, &e), 2);
	uint64_t pfn = pte_pfn(e);
	cr_assert_eq(pfn % HPAGE_PMD_NR, 0, "the THP is 512-aligned");
	uint64_t head = stable_page_flags(&t->k, pfn), tail = stable_page_flags(&t->k, pfn + 7);
	uint64_t want = 1ULL << KPF_THP | 1ULL << KPF_ANON | 1ULL << KPF_MMAP;
	cr_assert_eq(head & want, want, "%#llx", (unsigned long long)head);
	cr_assert(head & 1ULL << KPF_COMPOUND_HEAD);
	cr_assert_not(head & 1ULL << KPF_COMPOUND_TAIL);
	cr_assert_eq(tail & want, want, "%#llx", (unsigned long long)tail);
	cr_assert(tail & 1ULL << KPF_COMPOUND_TAIL);
	cr_assert_not(tail & 1ULL << KPF_COMPOUND_HEAD);
	uint64_t count;
	cr_assert_eq(kpagecount_read(&t->k, NULL, (pfn + 7) * 8, &count, 8, NULL), 8);
	cr_assert_eq(count, 1, "a tail counts its folio's PMD");
	uint64_t pm[3];
	char path[48];
	snprintf(path, sizeof path, "/proc/%d/pagemap", p->pid);
	cr_assert_eq(procfs_pread(&t->k, path, (a >> 12) * 8, pm, sizeof pm, NULL), (int64_t)sizeof pm);
	for (int i = 0; i < 3; i++) {
		cr_assert_eq(pm[i] & PM_PFRAME_MASK, pfn + (uint64_t)i);
		cr_assert(pm[i] & PM_PRESENT);
		cr_assert(pm[i] & PM_MMAP_EXCLUSIVE);
		cr_assert_not(pm[i] & PM_FILE);
	}
}

/* A read maps the huge zero page, allocated once for every process; a
 * write after it gets a whole THP, without a split. */
Test(thp, a_read_maps_the_huge_zero_page_and_a_write_replaces_it)
{
	uint64_t a = thp_area(p, 2 * MB, true);
	uint8_t b = 1;
	cr_assert_eq(tp_read(t, p, a + 100, &b, 1), 0);
	cr_assert_eq(b, 0);
	pte_t e;
	cr_assert_eq(leaf_level(p, a, &e), 2);
	cr_assert(is_huge_zero_pmd(&t->k, e));
	cr_assert_eq(ev(THP_ZERO_PAGE_ALLOC), 1);
	cr_assert_eq(smaps_kb(p, a, "Rss:"), 0, "the huge zero page is not counted");
	uint64_t zf = stable_page_flags(&t->k, pte_pfn(e) + 3);
	cr_assert(zf & 1ULL << KPF_ZERO_PAGE && zf & 1ULL << KPF_THP, "%#llx", (unsigned long long)zf);

	struct task_struct *q = tp_spawn(t, "other", 1);
	uint64_t c = thp_area(q, 2 * MB, true);
	cr_assert_eq(tp_read(t, q, c, &b, 1), 0);
	cr_assert_eq(ev(THP_ZERO_PAGE_ALLOC), 1, "one huge zero page for all");

	b = 7;
	cr_assert_eq(tp_write(t, p, a + PG, &b, 1), 0);
	cr_assert_eq(leaf_level(p, a, &e), 2);
	cr_assert_not(is_huge_zero_pmd(&t->k, e));
	cr_assert_eq(ev(THP_FAULT_ALLOC), 1);
	cr_assert_eq(ev(THP_SPLIT_PMD), 0, "not split");
	cr_assert_eq(smaps_kb(p, a, "AnonHugePages:"), 2048);
}

/* Without a free 2 MiB block the fault falls back to a small page
 * (thp_fault_fallback); with use_zero_page 0 a read needs a THP too. */
Test(thp, no_free_block_falls_back_to_small_pages)
{
	struct page *held[256];
	int n = 0;
	while (n < 256 && (held[n] = alloc_pages(&t->k, GFP_KERNEL | __GFP_NOWARN | __GFP_NORETRY, HPAGE_PMD_ORDER)))
		n++;
	cr_assert(n > 0 && n < 256);
	uint64_t a = thp_area(p, 2 * MB, true);
	tp_touch(t, p, a, PG, true);
	cr_assert_eq(leaf_level(p, a, NULL), 1, "a PTE");
	cr_assert_eq(ev(THP_FAULT_FALLBACK), 1);
	cr_assert_eq(ev(THP_FAULT_ALLOC), 0);
	for (int i = 0; i < n; i++)
		__free_pages(&t->k, held[i], HPAGE_PMD_ORDER);
}

/* munmap of one page splits the PMD (thp_split_pmd) and leaves the folio
 * mapped in part, queued for a deferred split; unmapping the rest frees
 * it whole, off the queue. */
Test(thp, a_partial_munmap_splits_the_pmd)
{
	uint64_t a = thp_area(p, 2 * MB, true);
	uint8_t v = 9, b = 0;
	cr_assert_eq(tp_write(t, p, a + 5 * PG, &v, 1), 0);
	uint64_t free_before = global_zone_page_state(&t->k, NR_FREE_PAGES);
	cr_assert_eq(do_munmap(&t->k, p, a + PG, PG), 0);
	cr_assert_eq(ev(THP_SPLIT_PMD), 1);
	cr_assert_eq(ev(THP_DEFERRED_SPLIT_PAGE), 1);
	cr_assert_eq(t->k.thp.deferred_len, 1);
	cr_assert_eq(leaf_level(p, a, NULL), 1);
	cr_assert_eq(leaf_level(p, a + PG, NULL), -1);
	cr_assert_eq(smaps_kb(p, a + 2 * PG, "AnonHugePages:"), 0);
	cr_assert_eq(smaps_kb(p, a + 2 * PG, "Rss:"), 2040, "the VMA above the hole");
	cr_assert_eq(smaps_kb(p, a, "Rss:"), 4);
	cr_assert_eq(tp_read(t, p, a + 5 * PG, &b, 1), 0);
	cr_assert_eq(b, 9);
	cr_assert_eq(global_zone_page_state(&t->k, NR_FREE_PAGES), free_before, "nothing freed yet");
	tk_assert_consistent(t);
	cr_assert_eq(do_munmap(&t->k, p, a, HP), 0);
	cr_assert_eq(t->k.thp.deferred_len, 0);
	cr_assert(global_zone_page_state(&t->k, NR_FREE_PAGES) >= free_before + HPAGE_PMD_NR);
}

/* MADV_DONTNEED of a whole aligned 2 MiB zaps the PMD without a split;
 * of part of it, it splits first. */
Test(thp, dontneed_zaps_a_whole_pmd_and_splits_a_part)
{
	uint64_t a = thp_area(p, 4 * MB, true);
	tp_touch(t, p, a, 4 * MB, true);
	cr_assert_eq(ev(THP_FAULT_ALLOC), 2);
	uint64_t ptes = p->mm->pgtables_bytes;
	cr_assert_eq(do_madvise(&t->k, p, a, HP, MADV_DONTNEED), 0);
	cr_assert_eq(ev(THP_SPLIT_PMD), 0);
	cr_assert_eq(leaf_level(p, a, NULL), -1);
	cr_assert_eq((uint64_t)p->mm->pgtables_bytes, ptes - PG, "its deposited table is freed");
	cr_assert_eq(do_madvise(&t->k, p, a + HP + 8 * PG, 4 * PG, MADV_DONTNEED), 0);
	cr_assert_eq(ev(THP_SPLIT_PMD), 1);
	cr_assert_eq(smaps_kb(p, a, "Rss:"), 2048 - 16);
}

/* mprotect of part of a THP splits at the new VMA boundaries; of a whole
 * one, it changes the PMD in place. */
Test(thp, mprotect_of_a_part_splits_of_the_whole_does_not)
{
	uint64_t a = thp_area(p, 4 * MB, true);
	tp_touch(t, p, a, 4 * MB, true);
	cr_assert_eq(do_mprotect_pkey(&t->k, p, a + HP, HP, PROT_READ), 0);
	cr_assert_eq(ev(THP_SPLIT_PMD), 0);
	pte_t e;
	cr_assert_eq(leaf_level(p, a + HP, &e), 2);
	cr_assert_not(pte_write(e));
	cr_assert_eq(do_mprotect_pkey(&t->k, p, a + 16 * PG, 16 * PG, PROT_READ), 0);
	cr_assert_eq(ev(THP_SPLIT_PMD), 1);
	cr_assert_eq(leaf_level(p, a + 16 * PG, &e), 1);
	cr_assert_not(pte_write(e));
	cr_assert_eq(leaf_level(p, a, &e), 1);
	cr_assert(pte_write(e), "the rest keeps its write access");
}

/* fork shares the THP read-only; a write in the child splits the child's
 * PMD and copies 4 KiB; once the child is gone, the parent's write reuses
 * the THP in place. Every byte stays what each side wrote. */
Test(thp, fork_shares_the_thp_and_a_write_copies_one_page)
{
	uint64_t a = thp_area(p, 2 * MB, true);
	uint8_t v = 1, b;
	for (uint64_t i = 0; i < HPAGE_PMD_NR; i++) {
		v = (uint8_t)i;
		cr_assert_eq(tp_write(t, p, a + i * PG, &v, 1), 0);
	}
	int err;
	struct task_struct *c = copy_process(&t->k, p, 1, &err);
	cr_assert_not_null(c);
	pte_t e;
	cr_assert_eq(leaf_level(c, a, &e), 2);
	cr_assert_not(pte_write(e));
	struct page *head = pfn_to_page(&t->k, pte_pfn(e));
	cr_assert_eq(folio_entire_mapcount(head), 2);
	v = 0xee;
	cr_assert_eq(tp_write(t, c, a + 3 * PG, &v, 1), 0);
	cr_assert_eq(ev(THP_SPLIT_PMD), 1);
	cr_assert_eq(leaf_level(c, a, NULL), 1);
	cr_assert_eq(leaf_level(p, a, NULL), 2, "the parent's PMD stays");
	cr_assert_eq(tp_read(t, p, a + 3 * PG, &b, 1), 0);
	cr_assert_eq(b, 3);
	cr_assert_eq(tp_read(t, c, a + 3 * PG, &b, 1), 0);
	cr_assert_eq(b, 0xee);
	cr_assert_eq(tp_read(t, c, a + 4 * PG, &b, 1), 0);
	cr_assert_eq(b, 4);
	tk_assert_consistent(t);
	do_group_exit(&t->k, c, 0);
	uint64_t reuse = ev(PGREUSE);
	v = 0x77;
	cr_assert_eq(tp_write(t, p, a + 9 * PG, &v, 1), 0);
	cr_assert_eq(ev(PGREUSE), reuse + 1);
	cr_assert_eq(leaf_level(p, a, &e), 2);
	cr_assert(pte_write(e));
	cr_assert_eq(ev(THP_SPLIT_PMD), 1);
}

/* mremap moves a huge PMD whole between aligned addresses. */
Test(thp, mremap_moves_an_aligned_pmd_whole)
{
	uint64_t a = thp_area(p, 2 * MB, true), dst = thp_area(p, 2 * MB, false);
	uint8_t v = 0x42, b = 0;
	cr_assert_eq(tp_write(t, p, a + 7, &v, 1), 0);
	cr_assert_eq(do_mremap(&t->k, p, a, HP, HP, MREMAP_MAYMOVE | MREMAP_FIXED, dst), (int64_t)dst);
	cr_assert_eq(ev(THP_SPLIT_PMD), 0);
	cr_assert_eq(leaf_level(p, dst, NULL), 2);
	cr_assert_eq(tp_read(t, p, dst + 7, &b, 1), 0);
	cr_assert_eq(b, 0x42);
}

/* MADV_PAGEOUT of a THP: reclaim splits it (thp_split_page,
 * thp_swpout_fallback) and swaps its pages; they come back intact. */
Test(thp, reclaim_splits_a_thp_before_swap)
{
	char why[128] = "";
	cr_assert_eq(sys_swapon(&t->k, 64 * MB, -1, NULL, why, sizeof why), 0, "%s", why);
	uint64_t a = thp_area(p, 2 * MB, true);
	for (uint64_t i = 0; i < HPAGE_PMD_NR; i += 37) {
		uint8_t v = (uint8_t)(i + 1);
		cr_assert_eq(tp_write(t, p, a + i * PG, &v, 1), 0);
	}
	cr_assert_eq(do_madvise(&t->k, p, a, HP, MADV_PAGEOUT), 0);
	cr_assert_eq(ev(THP_SPLIT_PAGE), 1);
	cr_assert_eq(ev(THP_SWPOUT_FALLBACK), 1);
	cr_assert_eq(ev(THP_SPLIT_PMD), 1);
	cr_assert(ev(PSWPOUT) > 0);
	tk_assert_consistent(t);
	for (uint64_t i = 0; i < HPAGE_PMD_NR; i += 37) {
		uint8_t b = 0;
		cr_assert_eq(tp_read(t, p, a + i * PG, &b, 1), 0);
		cr_assert_eq(b, (uint8_t)(i + 1));
	}
}

/* The sysfs files and their knobs, with Linux's formats and ranges; with
 * enabled=always unadvised memory gets THPs, with never advised memory
 * does not. */
Test(thp, the_sysfs_knobs)
{
	char *s = tk_proc(t, "/sys/kernel/mm/transparent_hugepage/enabled");
	cr_assert_str_eq(s, "always [madvise] never\n");
	free(s);
	s = tk_proc(t, "/sys/kernel/mm/transparent_hugepage/defrag");
	cr_assert_str_eq(s, "always defer defer+madvise [madvise] never\n");
	free(s);
	s = tk_proc(t, "/sys/kernel/mm/transparent_hugepage/khugepaged/max_ptes_none");
	cr_assert_str_eq(s, "511\n");
	free(s);
	s = tk_proc(t, "/sys/kernel/mm/transparent_hugepage/hpage_pmd_size");
	cr_assert_str_eq(s, "2097152\n");
	free(s);
	char why[160], buf[64];
	cr_assert_eq(sysctl_write(&t->k, "kernel/mm/transparent_hugepage/enabled", "sometimes", why, sizeof why),
		     -EINVAL);
	cr_assert_not_null(strstr(why, "always, madvise, never"), "%s", why);
	cr_assert_eq(sysctl_write(&t->k, "kernel/mm/transparent_hugepage/khugepaged/max_ptes_none", "512", why,
				  sizeof why), -EINVAL);
	cr_assert_eq(sysctl_write(&t->k, "kernel/mm/transparent_hugepage/khugepaged/pages_to_scan", "0", why,
				  sizeof why), -EINVAL);
	cr_assert_eq(sysctl_write(&t->k, "kernel/mm/transparent_hugepage/hpage_pmd_size", "4096", why, sizeof why),
		     -EINVAL);
	cr_assert_eq(sysctl_write(&t->k, "kernel/mm/transparent_hugepage/khugepaged/max_ptes_none", "0\n", why,
				  sizeof why), 0);
	cr_assert_eq(sysctl_read(&t->k, "kernel.mm.transparent_hugepage.khugepaged.max_ptes_none", buf, sizeof buf), 0);
	cr_assert_str_eq(buf, "0");
	cr_assert_eq(sysctl_write(&t->k, "kernel/mm/transparent_hugepage/defrag", "defer+madvise", why, sizeof why), 0);
	cr_assert_eq(sysctl_read(&t->k, "kernel/mm/transparent_hugepage/defrag", buf, sizeof buf), 0);
	cr_assert_str_eq(buf, "always defer [defer+madvise] madvise never");

	uint64_t a = thp_area(p, 2 * MB, false);
	tp_touch(t, p, a, PG, true);
	cr_assert_eq(leaf_level(p, a, NULL), 1, "madvise: unadvised memory has small pages");
	cr_assert_eq(sysctl_write(&t->k, "kernel/mm/transparent_hugepage/enabled", "always", why, sizeof why), 0);
	uint64_t b = thp_area(p, 2 * MB, false);
	tp_touch(t, p, b, PG, true);
	cr_assert_eq(leaf_level(p, b, NULL), 2, "always: a THP");
	cr_assert_eq(sysctl_write(&t->k, "kernel/mm/transparent_hugepage/enabled", "never", why, sizeof why), 0);
	uint64_t c = thp_area(p, 2 * MB, true);
	tp_touch(t, p, c, PG, true);
	cr_assert_eq(leaf_level(p, c, NULL), 1, "never: small pages even when advised");
	cr_assert_eq(smaps_kb(p, c, "THPeligible:"), 0);
}

/* The defrag setting decides whether a THP allocation may reclaim and
 * compact directly (Linux: vma_thp_gfp_mask). */
Test(thp, defrag_decides_direct_reclaim)
{
	struct vm_area_struct vma = { .vm_flags = VM_READ | VM_WRITE | VM_HUGEPAGE };
	struct vm_area_struct plain = { .vm_flags = VM_READ | VM_WRITE };
	t->k.thp.defrag = THP_DEFRAG_MADVISE;
	cr_assert(vma_thp_gfp_mask(&t->k, &vma) & __GFP_DIRECT_RECLAIM);
	cr_assert_not(vma_thp_gfp_mask(&t->k, &plain) & __GFP_RECLAIM);
	t->k.thp.defrag = THP_DEFRAG_NEVER;
	cr_assert_not(vma_thp_gfp_mask(&t->k, &vma) & __GFP_RECLAIM);
	t->k.thp.defrag = THP_DEFRAG_DEFER;
	cr_assert_eq(vma_thp_gfp_mask(&t->k, &vma) & __GFP_RECLAIM, __GFP_KSWAPD_RECLAIM);
	t->k.thp.defrag = THP_DEFRAG_ALWAYS;
	cr_assert(vma_thp_gfp_mask(&t->k, &plain) & __GFP_DIRECT_RECLAIM);
	cr_assert(vma_thp_gfp_mask(&t->k, &plain) & __GFP_NORETRY);
	cr_assert_not(vma_thp_gfp_mask(&t->k, &vma) & __GFP_NORETRY);
	t->k.thp.defrag = THP_DEFRAG_MADVISE;
}

/* The MMU walks the PMD leaf and fills its 2 MiB TLB: one walk serves every
 * page of the THP. */
Test(thp, the_mmu_fills_a_2m_tlb_entry)
{
	uint64_t a = thp_area(p, 2 * MB, true);
	tp_touch(t, p, a, PG, true);
	struct hw_cpu *cpu = &t->k.hw->cpus[0];
	uint64_t walks = cpu->ctr.walks;
	tp_touch(t, p, a, HP, false);
	cr_assert(cpu->ctr.walks <= walks + 1, "%llu walks for 512 pages",
		  (unsigned long long)(cpu->ctr.walks - walks));
}

/* ---- khugepaged, MADV_COLLAPSE, the deferred split queue ---------------------------- */

/* Write one byte per page to n pages from a, each byte its page's number. */
static void fill_pages(struct task_struct *task, uint64_t a, unsigned n)
{
	for (unsigned i = 0; i < n; i++) {
		uint8_t v = (uint8_t)(i + 1);
		cr_assert_eq(tp_write(t, task, a + i * PG, &v, 1), 0);
	}
}

static void check_pages(struct task_struct *task, uint64_t a, unsigned n, unsigned written)
{
	for (unsigned i = 0; i < n; i++) {
		uint8_t b = 0xff;
		cr_assert_eq(tp_read(t, task, a + i * PG, &b, 1), 0);
		cr_assert_eq(b, i < written ? (uint8_t)(i + 1) : 0, "page %u", i);
	}
}

static int set(const char *name, const char *value)
{
	char why[160];
	return sysctl_write(&t->k, name, value, why, sizeof why);
}

/* khugepaged, woken by the clock, collapses a 2 MiB of small pages whose
 * empty PTEs are within max_ptes_none: one THP, 512-aligned, the same
 * bytes; pages_collapsed and full_scans count. */
Test(thp, khugepaged_collapses_on_the_clock)
{
	uint64_t a = thp_area(p, 2 * MB, false);
	fill_pages(p, a, 100);
	cr_assert_eq(do_madvise(&t->k, p, a, HP, MADV_HUGEPAGE), 0);
	cr_assert_eq(set("kernel/mm/transparent_hugepage/khugepaged/scan_sleep_millisecs", "100"), 0);
	cr_assert_eq(khugepaged_tick(&t->k, 99), 0, "not yet");
	cr_assert_eq(leaf_level(p, a, NULL), 1);
	cr_assert_eq(khugepaged_tick(&t->k, 1), 1);
	pte_t e;
	cr_assert_eq(leaf_level(p, a, &e), 2);
	cr_assert_eq(pte_pfn(e) % HPAGE_PMD_NR, 0);
	cr_assert_eq(ev(THP_COLLAPSE_ALLOC), 1);
	cr_assert_eq(t->k.thp.khugepaged.pages_collapsed, 1);
	check_pages(p, a, HPAGE_PMD_NR, 100);
	cr_assert_eq(smaps_kb(p, a, "AnonHugePages:"), 2048);
	khugepaged_tick(&t->k, 1000);
	cr_assert(t->k.thp.khugepaged.full_scans >= 1);
	cr_assert_eq(ev(THP_COLLAPSE_ALLOC), 1, "nothing more to collapse");
}

/* The max_ptes_* limits: too many empty, swapped or shared PTEs keep the
 * small pages (thp_scan_exceed_*). */
Test(thp, khugepaged_respects_max_ptes)
{
	cr_assert_eq(set("kernel/mm/transparent_hugepage/khugepaged/scan_sleep_millisecs", "10"), 0);
	cr_assert_eq(set("kernel/mm/transparent_hugepage/khugepaged/max_ptes_none", "400"), 0);
	uint64_t a = thp_area(p, 2 * MB, false);
	fill_pages(p, a, 100);                   /* 412 empty > 400 */
	cr_assert_eq(do_madvise(&t->k, p, a, HP, MADV_HUGEPAGE), 0);
	khugepaged_tick(&t->k, 10);
	cr_assert(ev(THP_SCAN_EXCEED_NONE_PTE) >= 1);
	cr_assert_eq(leaf_level(p, a, NULL), 1);
	cr_assert_eq(set("kernel/mm/transparent_hugepage/khugepaged/max_ptes_none", "511"), 0);
	cr_assert_eq(set("kernel/mm/transparent_hugepage/khugepaged/max_ptes_shared", "10"), 0);
	int err;
	struct task_struct *c = copy_process(&t->k, p, 1, &err);
	cr_assert_not_null(c);
	khugepaged_tick(&t->k, 10);
	cr_assert(ev(THP_SCAN_EXCEED_SHARED_PTE) >= 1);
	cr_assert_eq(leaf_level(p, a, NULL), 1, "100 shared pages > 10");
	do_group_exit(&t->k, c, 0);
	khugepaged_tick(&t->k, 100);
	cr_assert_eq(leaf_level(p, a, NULL), 2, "no longer shared: collapsed");
	check_pages(p, a, HPAGE_PMD_NR, 100);
}

/* MADV_COLLAPSE works without MADV_HUGEPAGE, under "never" too, and past
 * max_ptes_none; a VMA never faulted is EINVAL; with no free 2 MiB block
 * it is ENOMEM (thp_collapse_alloc_failed). */
Test(thp, madv_collapse)
{
	cr_assert_eq(set("kernel/mm/transparent_hugepage/enabled", "never"), 0);
	cr_assert_eq(set("kernel/mm/transparent_hugepage/khugepaged/max_ptes_none", "0"), 0);
	uint64_t a = thp_area(p, 4 * MB, false);
	fill_pages(p, a, 3);
	cr_assert_eq(do_madvise(&t->k, p, a, HP, MADV_COLLAPSE), 0);
	cr_assert_eq(leaf_level(p, a, NULL), 2);
	check_pages(p, a, HPAGE_PMD_NR, 3);
	cr_assert_eq(do_madvise(&t->k, p, a, HP, MADV_COLLAPSE), 0, "already a THP");
	uint64_t b = thp_area(p, 2 * MB, false);
	cr_assert_eq(do_madvise(&t->k, p, b, HP, MADV_COLLAPSE), -EINVAL, "never faulted");
	cr_assert_eq(do_madvise(&t->k, p, a + HP, HP, MADV_COLLAPSE), -EINVAL, "nothing mapped in the block");
	fill_pages(p, a + HP, 2);
	struct page *held[256];
	int n = 0;
	while (n < 256 && (held[n] = alloc_pages(&t->k, GFP_KERNEL | __GFP_NOWARN | __GFP_NORETRY, HPAGE_PMD_ORDER)))
		n++;
	cr_assert_eq(do_madvise(&t->k, p, a + HP, HP, MADV_COLLAPSE), -ENOMEM);
	cr_assert_eq(ev(THP_COLLAPSE_ALLOC_FAILED), 1);
	for (int i = 0; i < n; i++)
		__free_pages(&t->k, held[i], HPAGE_PMD_ORDER);
	cr_assert_eq(do_madvise(&t->k, p, a + HP, HP, MADV_COLLAPSE), 0);
	check_pages(p, a + HP, HPAGE_PMD_NR, 2);
}

/* A THP mapped in part waits on the deferred split queue; memory pressure
 * splits it (thp_split_page) and frees its unmapped pages. */
Test(thp, reclaim_splits_the_deferred_queue)
{
	uint64_t a = thp_area(p, 2 * MB, true);
	fill_pages(p, a, 4);
	pte_t e;
	cr_assert_eq(leaf_level(p, a, &e), 2);
	struct page *head = pfn_to_page(&t->k, pte_pfn(e));
	cr_assert_eq(do_madvise(&t->k, p, a + 8 * PG, HP - 8 * PG, MADV_DONTNEED), 0);
	cr_assert_eq(t->k.thp.deferred_len, 1);
	cr_assert_eq(page_ref_count(head), 8, "one reference per PTE left");
	try_to_free_pages(&t->k, GFP_KERNEL, 0);
	cr_assert_eq(ev(THP_SPLIT_PAGE), 1);
	cr_assert_eq(t->k.thp.deferred_len, 0);
	for (unsigned i = 8; i < HPAGE_PMD_NR; i++)
		cr_assert_eq(page_ref_count(head + i), 0, "page %u is free", i);
	cr_assert_eq(page_ref_count(head), 1);
	check_pages(p, a, 8, 4);
}

/* mremap of a THP to an address off a 2 MiB boundary splits its PMD and
 * moves the PTEs; the bytes follow. */
Test(thp, mremap_unaligned_splits)
{
	uint64_t a = thp_area(p, 2 * MB, true), dst = thp_area(p, 4 * MB, false) + 64 * PG;
	fill_pages(p, a, 10);
	cr_assert_eq(do_mremap(&t->k, p, a, HP, HP, MREMAP_MAYMOVE | MREMAP_FIXED, dst), (int64_t)dst);
	cr_assert_eq(ev(THP_SPLIT_PMD), 1);
	cr_assert_eq(leaf_level(p, dst, NULL), 1);
	check_pages(p, dst, 16, 10);
}

/* ---- a randomized test against a model ------------------------------------------------ */

#define RW_PAGES 1024                  /* 4 MiB: two 2 MiB blocks */
#define RW_PROCS 3
#ifndef RW_OPS
#define RW_OPS 4000
#endif

/* What each page of each process's window should hold: mapped or not,
 * writable or not, and its one non-zero byte (0: all zeros), stored at
 * offset (page * 97) % 4096. */
struct rw_proc {
	struct task_struct *task;
	bool mapped[RW_PAGES], writable[RW_PAGES];
	uint8_t byte[RW_PAGES];
};

static struct rw_proc rw[RW_PROCS];
static int rw_n;
static uint64_t rw_seed, rw_base;

static uint64_t rw_rnd(void)
{
	rw_seed ^= rw_seed << 13;
	rw_seed ^= rw_seed >> 7;
	rw_seed ^= rw_seed << 17;
	return rw_seed;
}

static uint64_t rw_off(unsigned pg)
{
	return (pg * 97ULL) % PG;
}

/* Every byte of page pg of process i against the model. */
static void rw_check_page(int i, unsigned pg)
{
	static uint8_t buf[PG];
	struct rw_proc *r = &rw[i];
	if (!r->mapped[pg])
		return;
	static uint8_t want[PG];
	cr_assert_eq(tp_read(t, r->task, rw_base + pg * PG, buf, PG), 0, "read page %u of proc %d", pg, i);
	want[rw_off(pg)] = r->byte[pg];
	bool same = !memcmp(buf, want, PG);
	want[rw_off(pg)] = 0;
	cr_assert(same, "proc %d page %u: byte %u is %u, want %u", i, pg, (unsigned)rw_off(pg),
		  buf[rw_off(pg)], r->byte[pg]);
}

/* A random range of pages: a whole 2 MiB block, part of one, or pages
 * across a boundary. */
static void rw_range(unsigned *first, unsigned *n)
{
	switch (rw_rnd() % 3) {
	case 0:
		*first = (unsigned)(rw_rnd() % (RW_PAGES / HPAGE_PMD_NR)) * HPAGE_PMD_NR;
		*n = HPAGE_PMD_NR;
		break;
	case 1:
		*first = (unsigned)(rw_rnd() % RW_PAGES);
		*n = 1 + (unsigned)(rw_rnd() % 16);
		break;
	default:
		*first = (unsigned)(rw_rnd() % (RW_PAGES / HPAGE_PMD_NR)) * HPAGE_PMD_NR + HPAGE_PMD_NR - 8;
		*n = 16;
	}
	if (*first + *n > RW_PAGES)
		*n = RW_PAGES - *first;
}

static void rw_op(void)
{
	int i = (int)(rw_rnd() % (uint64_t)rw_n);
	struct rw_proc *r = &rw[i];
	unsigned first, n;
	rw_range(&first, &n);
	uint64_t va = rw_base + first * PG, len = n * PG, op = rw_rnd() % 100;
	if (getenv("RW_TRACE"))                               /* to follow a failing seed */
		fprintf(stderr, "proc %d (of %d) op %llu pages %u+%u\n", i, rw_n, (unsigned long long)op, first, n);
	if (op < 40) {                                        /* write one page */
		unsigned pg = first + (unsigned)(rw_rnd() % n);
		uint8_t v = (uint8_t)(1 + rw_rnd() % 255);
		if (!r->mapped[pg] || !r->writable[pg])
			return;                               /* it would kill the process */
		cr_assert_eq(tp_write(t, r->task, rw_base + pg * PG + rw_off(pg), &v, 1), 0);
		r->byte[pg] = v;
	} else if (op < 55) {                                 /* read and check */
		for (unsigned q = first; q < first + n; q++)
			rw_check_page(i, q);
	} else if (op < 62) {
		cr_assert_eq(do_munmap(&t->k, r->task, va, len), 0);
		for (unsigned q = first; q < first + n; q++)
			r->mapped[q] = false, r->byte[q] = 0;
	} else if (op < 67) {
		cr_assert_eq(sys_mmap(&t->k, r->task, va, len, PROT_READ | PROT_WRITE,
				      MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0), (long)va);
		cr_assert_eq(do_madvise(&t->k, r->task, va, len, MADV_HUGEPAGE), 0);
		for (unsigned q = first; q < first + n; q++)
			r->mapped[q] = r->writable[q] = true, r->byte[q] = 0;
	} else if (op < 73) {
		bool w = rw_rnd() % 2;
		long e = do_mprotect_pkey(&t->k, r->task, va, len, PROT_READ | (w ? PROT_WRITE : 0));
		bool all = true;
		for (unsigned q = first; q < first + n; q++)
			all &= r->mapped[q];
		cr_assert_eq(e, all ? 0 : -ENOMEM);
		for (unsigned q = first; q < first + n && r->mapped[q]; q++)
			r->writable[q] = w;             /* up to the first hole, as Linux */
	} else if (op < 78) {
		long e = do_madvise(&t->k, r->task, va, len, MADV_DONTNEED);   /* ENOMEM over a hole, done around it */
		cr_assert(e == 0 || e == -ENOMEM);
		for (unsigned q = first; q < first + n; q++)
			r->byte[q] = 0;
	} else if (op < 83) {
		do_madvise(&t->k, r->task, va, len, MADV_COLLAPSE);
	} else if (op < 86) {
		khugepaged_tick(&t->k, 10);
	} else if (op < 88) {
		try_to_free_pages(&t->k, GFP_KERNEL, 0);
	} else if (op < 93 && rw_n < RW_PROCS) {
		int err;
		struct rw_proc *c = &rw[rw_n];
		*c = *r;
		c->task = copy_process(&t->k, r->task, (int)(rw_rnd() % 2), &err);
		cr_assert_not_null(c->task);
		rw_n++;
	} else if (op < 96 && rw_n > 1) {
		do_group_exit(&t->k, r->task, 0);
		rw[i] = rw[--rw_n];
	}
}

/* Random faults, partial unmaps, protections, zaps, collapses (MADV_COLLAPSE
 * and khugepaged), deferred splits under reclaim, forks and exits over four
 * 2 MiB blocks of THP-advised memory, every byte checked against a model and
 * the checker (compound pages, mapcounts, the deferred split queue) run
 * throughout; at the end every page is back. */
static void rw_run(uint64_t seed)
{
	cr_assert_eq(set("kernel/mm/transparent_hugepage/khugepaged/scan_sleep_millisecs", "10"), 0);
	uint64_t anon = global_node_page_state_pages(&t->k, NR_ANON_MAPPED);
	rw_base = thp_area(p, RW_PAGES * PG, true);
	memset(&rw[0], 0, sizeof rw[0]);
	rw[0].task = p;
	for (unsigned pg = 0; pg < RW_PAGES; pg++)
		rw[0].mapped[pg] = rw[0].writable[pg] = true;
	rw_n = 1;
	rw_seed = seed;
	for (int op = 1; op <= RW_OPS; op++) {
		rw_op();
		if (op % 250 == 0)
			tk_assert_consistent(t);
	}
	for (int i = 0; i < rw_n; i++)
		for (unsigned pg = 0; pg < RW_PAGES; pg++)
			rw_check_page(i, pg);
	cr_assert(ev(THP_FAULT_ALLOC) > 0 && ev(THP_SPLIT_PMD) > 0 && ev(THP_COLLAPSE_ALLOC) > 0,
		  "faults %llu, splits %llu, collapses %llu", (unsigned long long)ev(THP_FAULT_ALLOC),
		  (unsigned long long)ev(THP_SPLIT_PMD), (unsigned long long)ev(THP_COLLAPSE_ALLOC));
	while (rw_n > 1)
		do_group_exit(&t->k, rw[--rw_n].task, 0);
	cr_assert_eq(do_munmap(&t->k, rw[0].task, rw_base, RW_PAGES * PG), 0);
	cr_assert_eq(global_node_page_state_pages(&t->k, NR_ANON_MAPPED), anon, "every page is unmapped");
	cr_assert_eq(global_node_page_state_pages(&t->k, NR_ANON_THPS), 0);
}

Test(thp, random_operations_against_a_model_seed_1, .timeout = 120)
{
	rw_run(0x2545f4914f6cdd1dULL);
}

Test(thp, random_operations_against_a_model_seed_2, .timeout = 120)
{
	rw_run(12345);
}

Test(thp, random_operations_against_a_model_seed_3, .timeout = 120)
{
	rw_run(0xdeadbeefULL);
}

/* A whole THP made PROT_NONE keeps its huge PMD (not present to the MMU,
 * still a mapping: smaps counts it, fork copies it, munmap frees it); made
 * writable again it holds the same bytes. */
Test(thp, prot_none_keeps_the_thp)
{
	uint64_t a = thp_area(p, 2 * MB, true);
	uint8_t v = 0x33, b = 0;
	cr_assert_eq(tp_write(t, p, a + 4 * PG, &v, 1), 0);
	cr_assert_eq(do_mprotect_pkey(&t->k, p, a, HP, PROT_NONE), 0);
	cr_assert_eq(smaps_kb(p, a, "AnonHugePages:"), 2048);
	tk_assert_consistent(t);
	int err;
	struct task_struct *c = copy_process(&t->k, p, 1, &err);
	cr_assert_not_null(c);
	cr_assert_eq(smaps_kb(c, a, "AnonHugePages:"), 2048);
	do_group_exit(&t->k, c, 0);
	cr_assert_eq(do_mprotect_pkey(&t->k, p, a, HP, PROT_READ | PROT_WRITE), 0);
	cr_assert_eq(tp_read(t, p, a + 4 * PG, &b, 1), 0);
	cr_assert_eq(b, 0x33);
	cr_assert_eq(ev(THP_FAULT_ALLOC), 1, "the same THP, no new one");
	cr_assert_eq(do_mprotect_pkey(&t->k, p, a, HP, PROT_NONE), 0);
	cr_assert_eq(do_munmap(&t->k, p, a, HP), 0);
	cr_assert_eq(global_node_page_state_pages(&t->k, NR_ANON_THPS), 0, "freed");
}
