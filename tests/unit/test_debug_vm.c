/* The consistency checker finds what breaks the allocators' invariants, and
 * the accounting of every frame adds up. */
#include "helpers.h"

#include "kernel/debug_vm.h"
#include "kernel/page_alloc_internal.h"
#include "kernel/page_list.h"
#include "kernel/slab.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>

Test(debug_vm, every_frame_is_accounted_for)
{
	struct tk *t = tk_boot(6ULL << 30, 2);
	struct vm_check_report r;
	struct page *p = alloc_pages(&t->k, GFP_KERNEL, 5);
	cr_assert_eq(debug_vm_check(&t->k, &r), 0);
	cr_assert_eq(r.free_pages + r.deferred_pages + r.pcp_pages + r.reserved_pages + r.allocated_pages,
		     t->k.max_pfn);
	cr_assert_geq(r.allocated_pages, 32);
	cr_assert_gt(r.slab_pages, 0, "the boot caches' slabs");
	cr_assert_gt(r.deferred_pages, 0, "most of a fresh machine is still deferred");
	/* the first MiB, the zero page, mem_map, 2 per-CPU areas of 2 pages and
	 * the cpu_entry_area's PUD, PMD and PTE tables */
	cr_assert_eq(r.reserved_pages, 256 + 1 + (t->k.max_pfn * 32) / 4096 + 2 * 2 + 3);
	__free_pages(&t->k, p, 5);
	tk_free(t);
}

Test(debug_vm, a_lost_frame_is_found)
{
	struct tk *t = tk_boot(256 << 20, 1);
	struct page *p = alloc_page(&t->k, GFP_KERNEL);
	p->_refcount = 0;           /* the frame now belongs to nobody */
	/* reported twice: the frame itself, and the frame total coming up short */
	cr_assert_eq(debug_vm_check(&t->k, NULL), 2);
	cr_assert(tk_log_contains(t, "is lost: neither free, reserved nor allocated"));
	cr_assert(tk_log_contains(t, "accounted for"));
	tk_free(t);
}

Test(debug_vm, a_frame_on_two_lists_is_found)
{
	struct tk *t = tk_boot(256 << 20, 1);
	struct zone *z = &t->k.node_data[0]->node_zones[ZONE_DMA32];
	struct page *p = alloc_pages(&t->k, GFP_HIGHUSER_MOVABLE, 3);
	struct page *q = alloc_pages(&t->k, GFP_HIGHUSER_MOVABLE, 3);
	__free_pages(&t->k, q, 3);
	/* corrupt: put p on a free list while it stays allocated inside q's
	 * range is impossible; instead claim p's first frame is a free head */
	p->flags = (1u << PG_buddy) | (0u << PAGE_ORDER_SHIFT);
	page_list_add(&t->k, &z->free_area[0].free_list[MIGRATE_MOVABLE], p);
	cr_assert_gt(debug_vm_check(&t->k, NULL), 0);
	cr_assert(tk_log_contains(t, "blocks, counter says"));
	tk_free(t);
}

Test(debug_vm, wrong_free_page_count_is_found)
{
	struct tk *t = tk_boot(256 << 20, 1);
	mod_zone_page_state(&t->k.node_data[0]->node_zones[ZONE_DMA32], NR_FREE_PAGES, 1);
	cr_assert_eq(debug_vm_check(&t->k, NULL), 1);
	cr_assert(tk_log_contains(t, "NR_FREE_PAGES"));
	tk_free(t);
}

Test(debug_vm, a_broken_slab_freelist_is_found)
{
	struct tk *t = tk_boot(256 << 20, 1);
	void *a = kmalloc(&t->k, 64, GFP_KERNEL);
	void *b = kmalloc(&t->k, 64, GFP_KERNEL);
	kfree(&t->k, b);
	tk_assert_consistent(t);
	/* Mark the freed object allocated behind the allocator's back. */
	uint64_t pa = virt_to_phys(&t->k, b);
	t->k.slab_shadow[pa >> 6] ^= (uint8_t)(1u << ((pa >> 3) & 7));
	cr_assert_gt(debug_vm_check(&t->k, NULL), 0);
	cr_assert(tk_log_contains(t, "is on a freelist but allocated"));
	(void)a;
	tk_free(t);
}

Test(debug_vm, slab_counters_are_checked)
{
	struct tk *t = tk_boot(256 << 20, 1);
	int err;
	struct kmem_cache *s = kmem_cache_create(&t->k, "counted", 300, 0, SLAB_NO_MERGE, NULL, NULL, &err);
	void *o = kmem_cache_alloc(&t->k, s, GFP_KERNEL);
	struct page *slab = virt_to_page(&t->k, o);
	slab->mapcount += 1;        /* inuse off by one */
	cr_assert_gt(debug_vm_check(&t->k, NULL), 0);
	cr_assert(tk_log_contains(t, "slab counted"));
	tk_free(t);
}

/* A zone with free blocks of known orders: 4 of order 0 and 1 of order 3,
 * 12 free pages in 5 blocks. Linux's formulas give, for order 2: unusable
 * (12 - 1*4 ... ) and the extfrag index. */
Test(debug_vm, fragmentation_indexes_follow_linux)
{
	struct zone z;
	memset(&z, 0, sizeof z);
	z.free_area[0].nr_free = 4;
	z.free_area[3].nr_free = 1;
	/* order 0: every free page usable */
	cr_assert_eq(unusable_free_index(&z, 0), 0);
	/* order 2: suitable blocks = 1 << (3-2) = 2, i.e. 8 pages; 4 of 12 unusable */
	cr_assert_eq(unusable_free_index(&z, 2), 4 * 1000 / 12);
	/* order 4: nothing suitable: all 12 unusable */
	cr_assert_eq(unusable_free_index(&z, 4), 1000);
	cr_assert_eq(fragmentation_index(&z, 2), -1000, "a suitable block exists");
	/* order 4: 1000 - (1000 + 12*1000/16) / 5 = 1000 - 1750/5 = 650 */
	cr_assert_eq(fragmentation_index(&z, 4), 650);
	memset(&z, 0, sizeof z);
	cr_assert_eq(unusable_free_index(&z, 3), 1000, "no free memory");
	cr_assert_eq(fragmentation_index(&z, 3), 0);
}

Test(debug_vm, extfrag_views_print_linux_numbers)
{
	struct tk *t = tk_boot(256 << 20, 1);
	char *u = tk_proc(t, "/sys/kernel/debug/extfrag/unusable_index");
	char *e = tk_proc(t, "/sys/kernel/debug/extfrag/extfrag_index");
	cr_assert(!strncmp(u, "Node 0, zone      DMA 0.000 ", 28), "%s", u);
	cr_assert(!strncmp(e, "Node 0, zone      DMA -1.000 ", 29), "%s", e);
	free(u);
	free(e);
	tk_free(t);
}

static uint64_t rss_bytes(void)
{
	unsigned long size = 0, resident = 0;
	FILE *f = fopen("/proc/self/statm", "r");
	cr_assert_not_null(f);
	cr_assert_eq(fscanf(f, "%lu %lu", &size, &resident), 2);
	fclose(f);
	return (uint64_t)resident * 4096;
}

/* Whether this host lets a process reserve size bytes as simulated RAM is
 * reserved (MAP_NORESERVE): vm.overcommit_memory=2 charges it anyway, and
 * RLIMIT_AS may be lower. */
static bool host_can_reserve(uint64_t size)
{
	void *p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (p == MAP_FAILED)
		return false;
	munmap(p, size);
	return true;
}

/* A 1 TiB machine: deferred initialisation keeps it small until used. */
Test(debug_vm, one_tib_machine_stays_small_until_used)
{
	if (!host_can_reserve(1ULL << 40))
		cr_skip_test("this host refuses to reserve 1 TiB of address space (vm.overcommit_memory=2 "
			     "or RLIMIT_AS): a 1 TiB machine cannot boot here");
	uint64_t before = rss_bytes();
	struct tk *t = tk_boot(1ULL << 40, 4);
	cr_assert_lt(rss_bytes() - before, 64ULL << 20, "host RSS grew by %lu", rss_bytes() - before);
	cr_assert_lt(ram_resident_bytes(&t->ram), 64ULL << 20, "resident simulated RAM after boot");
	char *b = tk_proc(t, "/proc/buddyinfo");
	cr_assert_not_null(strstr(b, "Normal"));
	free(b);
	struct page *p = alloc_pages(&t->k, GFP_HIGHUSER_MOVABLE, MAX_PAGE_ORDER);
	cr_assert_not_null(p);
	cr_assert_geq(page_to_pfn(&t->k, p), 1ULL << 20, "from zone Normal");
	__free_pages(&t->k, p, MAX_PAGE_ORDER);
	tk_assert_consistent(t);
	cr_assert_lt(ram_resident_bytes(&t->ram), 64ULL << 20);
	tk_free(t);
}
