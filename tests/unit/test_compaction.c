/*
 * Compaction (kernel/compaction.c): a machine whose memory a process
 * filled and then freed every other page of has plenty of free memory but
 * no free pageblock; compaction (by /proc/sys/vm/compact_memory, direct in
 * the allocation slow path, kcompactd, proactive) moves the pages and
 * makes order-9 blocks, the bytes intact; suitability by watermark and
 * fragmentation index, deferral, and the sysctls.
 */
#include "proc_helpers.h"

#include "kernel/compaction.h"
#include "kernel/mm.h"
#include "kernel/page_alloc_internal.h"
#include "kernel/swap.h"
#include "kernel/sysctl.h"
#include "kernel/vmstat.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PG 4096ULL

static uint64_t ev(struct tk *t, enum vm_event_item e)
{
	return t->k.vm_events[e];
}

/* The highest order of a free block in any zone, -1 for none. */
static int max_free_order(struct tk *t)
{
	for (int o = MAX_PAGE_ORDER; o >= 0; o--)
		for (int zi = 0; zi < MAX_NR_ZONES; zi++)
			if (t->k.node_data[0]->node_zones[zi].free_area[o].nr_free)
				return o;
	return -1;
}

struct frag {
	struct tk *t;
	struct task_struct *p;
	uint64_t a[2], n;           /* two 32 MiB mappings and the pages touched */
};

#define HALF (32ULL << 20)

/* The address of the i-th page of f's mappings. */
static uint64_t frag_addr(const struct frag *f, uint64_t i)
{
	return i * PG < HALF ? f->a[0] + i * PG : f->a[1] + i * PG - HALF;
}

/* A 64 MiB machine whose process touched pages (each holding its index)
 * until no free block of pageblock size was left, then freed every other
 * one: half the memory free, in single pages. */
static struct frag fragmented(void)
{
	struct frag f = { .t = tk_boot(64 << 20, 1) };
	f.p = tp_spawn(f.t, "frag", 0);
	for (int i = 0; i < 2; i++)               /* the overcommit heuristic refuses 64 MiB at once */
		f.a[i] = tp_mmap(f.t, f.p, HALF, PROT_READ | PROT_WRITE, MAP_PRIVATE);
	drain_all_pages(&f.t->k, NULL);
	while (max_free_order(f.t) >= pageblock_order) {
		cr_assert_lt(f.n, 2 * HALF / PG);
		cr_assert_eq(tp_write(f.t, f.p, frag_addr(&f, f.n), &f.n, sizeof f.n), 0);
		f.n++;
		if (f.n % 64 == 0)
			drain_all_pages(&f.t->k, NULL);
	}
	for (uint64_t i = 0; i < f.n; i += 2)
		cr_assert_eq(do_madvise(&f.t->k, f.p, frag_addr(&f, i), PG, MADV_DONTNEED), 0);
	drain_all_pages(&f.t->k, NULL);
	cr_assert_lt(max_free_order(f.t), pageblock_order, "no free pageblock");
	return f;
}

/* Every page left holds its index. */
static void assert_bytes(struct frag *f)
{
	for (uint64_t i = 1; i < f->n; i += 2) {
		uint64_t v = ~0ULL;
		cr_assert_eq(tp_read(f->t, f->p, frag_addr(f, i), &v, sizeof v), 0);
		cr_assert_eq(v, i, "page %llu", (unsigned long long)i);
	}
}

static int write_sysctl(struct tk *t, const char *name, const char *value)
{
	char why[160];
	return sysctl_write(&t->k, name, value, why, sizeof why);
}

Test(compaction, compact_memory_makes_pageblocks_and_keeps_every_byte)
{
	struct frag f = fragmented();
	struct tk *t = f.t;
	uint64_t frag_index_before = (uint64_t)fragmentation_index(&t->k.node_data[0]->node_zones[ZONE_DMA32], 9);
	cr_assert_gt(frag_index_before, 500, "a failure would be fragmentation's");
	cr_assert_eq(write_sysctl(t, "vm.compact_memory", "1"), 0);
	cr_assert_geq(max_free_order(t), pageblock_order, "free pageblocks again");
	cr_assert_gt(ev(t, PGMIGRATE_SUCCESS), 0);
	cr_assert_gt(ev(t, COMPACTMIGRATE_SCANNED), 0);
	cr_assert_gt(ev(t, COMPACTFREE_SCANNED), 0);
	cr_assert_gt(ev(t, COMPACTISOLATED), ev(t, PGMIGRATE_SUCCESS), "sources and targets both count");
	cr_assert_eq(ev(t, COMPACTSTALL), 0, "no allocation stalled");
	tk_assert_consistent(t);
	assert_bytes(&f);
	tk_assert_consistent(t);
	tk_free(t);
}

Test(compaction, compact_memory_takes_only_1_and_cannot_be_read)
{
	struct tk *t = tk_boot(64 << 20, 1);
	char buf[16];
	cr_assert_eq(write_sysctl(t, "vm.compact_memory", "2"), -EINVAL);
	cr_assert_eq(write_sysctl(t, "vm.compact_memory", "x"), -EINVAL);
	cr_assert_eq(sysctl_read(&t->k, "vm.compact_memory", buf, sizeof buf), -EACCES);
	cr_assert_eq(sysctl_read(&t->k, "vm.compaction_proactiveness", buf, sizeof buf), 0);
	cr_assert_str_eq(buf, "20");
	cr_assert_eq(sysctl_read(&t->k, "vm.extfrag_threshold", buf, sizeof buf), 0);
	cr_assert_str_eq(buf, "500");
	cr_assert_eq(sysctl_read(&t->k, "vm.compact_unevictable_allowed", buf, sizeof buf), 0);
	cr_assert_str_eq(buf, "1");
	cr_assert_eq(write_sysctl(t, "vm.compaction_proactiveness", "101"), -EINVAL);
	cr_assert_eq(write_sysctl(t, "vm.extfrag_threshold", "1001"), -EINVAL);
	tk_free(t);
}

Test(compaction, a_movable_costly_allocation_compacts_directly)
{
	struct frag f = fragmented();
	struct tk *t = f.t;
	struct page *page = alloc_pages(&t->k, GFP_HIGHUSER_MOVABLE | __GFP_NORETRY | __GFP_NOWARN, 9);
	cr_assert_not_null(page, "direct compaction made the block");
	cr_assert_eq(ev(t, COMPACTSTALL), 1);
	cr_assert_eq(ev(t, COMPACTSUCCESS), 1);
	cr_assert_eq(ev(t, COMPACTFAIL), 0);
	cr_assert_eq(page_to_pfn(&t->k, page) % 512, 0);
	__free_pages(&t->k, page, 9);
	tk_assert_consistent(t);
	assert_bytes(&f);
	tk_free(t);
}

Test(compaction, an_unmovable_costly_allocation_compacts_harder)
{
	struct frag f = fragmented();
	struct tk *t = f.t;
	struct page *page = alloc_pages(&t->k, GFP_KERNEL | __GFP_NOWARN, 9);
	cr_assert_not_null(page);
	cr_assert_geq(ev(t, COMPACTSTALL), 1);
	cr_assert_eq(ev(t, COMPACTSUCCESS), 1);
	cr_assert_eq(ev(t, COMPACTSTALL), ev(t, COMPACTSUCCESS) + ev(t, COMPACTFAIL));
	__free_pages(&t->k, page, 9);
	tk_assert_consistent(t);
	assert_bytes(&f);
	tk_free(t);
}

Test(compaction, extfrag_threshold_decides_for_costly_orders)
{
	struct frag f = fragmented();
	struct tk *t = f.t;
	cr_assert_eq(write_sysctl(t, "vm.extfrag_threshold", "1000"), 0);
	struct zone *z = &t->k.node_data[0]->node_zones[ZONE_DMA32];
	cr_assert(!compaction_suitable(&t->k, z, 9, ZONE_DMA32), "every index is at or below 1000");
	cr_assert(compaction_suitable(&t->k, z, 3, ZONE_DMA32), "non-costly orders ignore the index");
	cr_assert_null(alloc_pages(&t->k, GFP_HIGHUSER_MOVABLE | __GFP_NORETRY | __GFP_NOWARN, 9));
	cr_assert_eq(ev(t, COMPACTSTALL), 0, "compaction skipped: no stall");
	cr_assert_eq(write_sysctl(t, "vm.extfrag_threshold", "500"), 0);
	cr_assert(compaction_suitable(&t->k, z, 9, ZONE_DMA32));
	tk_assert_consistent(t);
	tk_free(t);
}

Test(compaction, too_little_free_memory_is_not_worth_compacting)
{
	struct tk *t = tk_boot(64 << 20, 1);
	struct zone *z = &t->k.node_data[0]->node_zones[ZONE_DMA32];
	cr_assert(compaction_suitable(&t->k, z, 9, ZONE_DMA32) ||
		  fragmentation_index(z, 9) == -1000, "a fresh machine has room");
	/* the watermark plus twice the request must be free */
	uint64_t free = zone_page_state(z, NR_FREE_PAGES);
	int64_t saved = z->vm_stat[NR_FREE_PAGES];
	z->vm_stat[NR_FREE_PAGES] = (int64_t)(wmark_pages(z, WMARK_LOW) + (2 << 9));
	cr_assert(!compaction_suitable(&t->k, z, 9, ZONE_DMA32), "%llu free is not enough",
		  (unsigned long long)free);
	z->vm_stat[NR_FREE_PAGES] = saved;
	tk_free(t);
}

Test(compaction, failures_defer_the_next_attempts)
{
	struct tk *t = tk_boot(64 << 20, 1);
	struct zone *z = &t->k.node_data[0]->node_zones[ZONE_DMA32];
	cr_assert(!compaction_deferred(z, 9), "never failed");
	defer_compaction(z, 9);
	cr_assert(compaction_deferred(z, 9), "1 << 1: the next attempt is skipped");
	cr_assert(!compaction_deferred(z, 9), "the second runs");
	defer_compaction(z, 9);
	defer_compaction(z, 9);                   /* shift 3: skip 7, run the 8th */
	int skipped = 0;
	while (compaction_deferred(z, 9))
		skipped++;
	cr_assert_eq(skipped, 7);
	cr_assert(!compaction_deferred(z, 8), "smaller orders than the failed one are not deferred");
	compaction_defer_reset(z, 9, true);
	cr_assert(!compaction_deferred(z, 9));
	for (int i = 0; i < 10; i++)
		defer_compaction(z, 9);
	cr_assert_eq(z->compact_defer_shift, COMPACT_MAX_DEFER_SHIFT);
	tk_free(t);
}

Test(compaction, kswapd_wakes_kcompactd_for_a_high_order)
{
	struct frag f = fragmented();
	struct tk *t = f.t;
	struct pglist_data *pgdat = t->k.node_data[0];
	wakeup_kcompactd(&t->k, pgdat, 9, ZONE_DMA32);
	cr_assert(t->k.kcompactd_pending && pgdat->kcompactd_woken);
	exit_to_user_mode(&t->k, 0);              /* the next scheduling point */
	cr_assert(!t->k.kcompactd_pending);
	cr_assert_eq(ev(t, KCOMPACTD_WAKE), 1);
	cr_assert_gt(ev(t, KCOMPACTD_MIGRATE_SCANNED), 0);
	cr_assert_gt(ev(t, KCOMPACTD_FREE_SCANNED), 0);
	cr_assert_eq(ev(t, KCOMPACTD_MIGRATE_SCANNED), ev(t, COMPACTMIGRATE_SCANNED));
	cr_assert_geq(max_free_order(t), 9);
	wakeup_kcompactd(&t->k, pgdat, 0, ZONE_DMA32);
	cr_assert(!t->k.kcompactd_pending, "order 0 needs no compaction");
	tk_assert_consistent(t);
	assert_bytes(&f);
	tk_free(t);
}

Test(compaction, proactiveness_decides_background_compaction)
{
	struct frag f = fragmented();
	struct tk *t = f.t;
	unsigned score = fragmentation_score_node(t->k.node_data[0]);
	cr_assert_gt(score, 90, "above the default's high mark (100 - 20 + 10): %u", score);
	cr_assert_eq(write_sysctl(t, "vm.compaction_proactiveness", "0"), 0);
	cr_assert(!t->k.kcompactd_pending, "0 turns it off");
	kcompactd_run_woken(&t->k);
	cr_assert_eq(ev(t, KCOMPACTD_MIGRATE_SCANNED), 0);
	cr_assert_eq(write_sysctl(t, "vm.compaction_proactiveness", "20"), 0);
	cr_assert(t->k.kcompactd_pending, "the write wakes kcompactd");
	kcompactd_run_woken(&t->k);
	cr_assert_gt(ev(t, KCOMPACTD_MIGRATE_SCANNED), 0);
	cr_assert_eq(ev(t, KCOMPACTD_WAKE), 0, "proactive runs are no wakeups for an order");
	unsigned after = fragmentation_score_node(t->k.node_data[0]);
	cr_assert_lt(after, score);
	cr_assert_leq(extfrag_for_order(&t->k.node_data[0]->node_zones[ZONE_DMA32], 9), 80,
		      "the zone's score is at the low mark (100 - 20) or below");
	tk_assert_consistent(t);
	assert_bytes(&f);
	tk_free(t);
}

/* ---- contiguous ranges ------------------------------------------------------------ */

Test(compaction, alloc_contig_range_moves_the_pages_out_of_the_range)
{
	struct frag f = fragmented();
	struct tk *t = f.t;
	drain_all_pages(&t->k, NULL);
	uint64_t free_before = global_zone_page_state(&t->k, NR_FREE_PAGES);
	struct page *page = alloc_contig_pages(&t->k, 1024, GFP_HIGHUSER_MOVABLE);
	cr_assert_not_null(page, "a 4 MiB range, its used pages migrated away");
	uint64_t pfn = page_to_pfn(&t->k, page);
	cr_assert_eq(pfn % 1024, 0, "aligned to its size");
	cr_assert_gt(ev(t, PGMIGRATE_SUCCESS), 0);
	for (uint64_t i = 0; i < 1024; i++) {
		struct page *p = pfn_to_page(&t->k, pfn + i);
		cr_assert(page_ref_count(p) == 1 && !p->mapcount && !page_test(p, PG_lru) && !page_test(p, PG_buddy));
	}
	for (uint64_t z = pfn; z < pfn + 1024; z += pageblock_nr_pages)
		cr_assert_eq(get_pfnblock_migratetype(pfn_zone(&t->k, z), z), MIGRATE_MOVABLE, "isolation undone");
	drain_all_pages(&t->k, NULL);
	cr_assert_eq(global_zone_page_state(&t->k, NR_FREE_PAGES), free_before - 1024,
		     "1024 frames fewer free: each page moved took one frame and gave one back");
	tk_assert_consistent(t);
	assert_bytes(&f);
	free_contig_range(&t->k, pfn, 1024);
	tk_assert_consistent(t);
	tk_free(t);
}

Test(compaction, alloc_contig_range_refuses_a_range_with_a_kernel_page)
{
	struct tk *t = tk_boot(64 << 20, 1);
	struct page *kp = alloc_page(&t->k, GFP_KERNEL);
	uint64_t kpfn = page_to_pfn(&t->k, kp), start = kpfn & ~1023ULL;
	struct zone *z = pfn_zone(&t->k, kpfn);
	enum migratetype mt = get_pfnblock_migratetype(z, kpfn);
	uint64_t free = global_zone_page_state(&t->k, NR_FREE_PAGES);
	cr_assert_eq(alloc_contig_range(&t->k, start, start + 1024, MIGRATE_MOVABLE, GFP_KERNEL), -EBUSY);
	cr_assert_eq(get_pfnblock_migratetype(z, kpfn), mt, "its pageblock keeps its type");
	cr_assert_eq(global_zone_page_state(&t->k, NR_FREE_PAGES), free, "nothing taken");
	cr_assert_eq(alloc_contig_range(&t->k, 0, 0, MIGRATE_MOVABLE, GFP_KERNEL), -EINVAL);
	__free_pages(&t->k, kp, 0);
	tk_assert_consistent(t);
	tk_free(t);
}

Test(compaction, a_gigantic_range_comes_from_untouched_memory)
{
	tk_skip_without_memory(3ULL << 30);
	struct tk *t = tk_boot(3ULL << 30, 1);
	struct page *page = alloc_contig_pages(&t->k, 1ULL << 18, GFP_HIGHUSER_MOVABLE | __GFP_ZERO);
	cr_assert_not_null(page, "1 GiB");
	uint64_t pfn = page_to_pfn(&t->k, page);
	cr_assert_eq(pfn % (1ULL << 18), 0, "1 GiB-aligned");
	cr_assert_eq(((uint8_t *)page_address(&t->k, page))[12345], 0);
	tk_assert_consistent(t);
	free_contig_range(&t->k, pfn, 1ULL << 18);
	tk_assert_consistent(t);
	tk_free(t);
}
