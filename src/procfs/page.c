/*
 * procfs/page.c — /proc/kpageflags and /proc/kpagecount, one u64 per frame
 * (Linux: fs/proc/page.c), derived from struct page.
 *
 * Linux's memory map covers whole 128 MiB sections, so both files run to
 * max_pfn rounded up to a section; the frames past the end of RAM there,
 * like the holes and reservations inside RAM, are reserved pages with no
 * mappings. A frame without any struct page (KPF_NOPAGE) cannot occur: the
 * simulated RAM has no hole as large as a section.
 */
#include "procfs/internal.h"

#include "common.h"
#include "kernel/fs.h"
#include "kernel/huge_mm.h"
#include "kernel/hugetlb.h"
#include "kernel/kernel.h"

#include <errno.h>

#define PAGES_PER_SECTION (1ULL << (27 - PAGE_SHIFT))    /* SECTION_SIZE_BITS 27 */
#define KPF(bit)          (1ULL << (bit))

/* Is page one of the kernel's typed pages (Linux keeps the type in the
 * mapcount word, and such pages have no mapcount)? */
static bool page_has_type(const struct page *page)
{
	return page->flags & ((1u << PG_slab) | (1u << PG_table) | (1u << PG_buddy) | (1u << PG_pcp) |
			      (1u << PG_large_kmalloc));
}

/* The page-table entries mapping page (Linux: folio_precise_page_mapcount):
 * 0 for typed pages and the zero page, which is never counted. */
static uint64_t page_mapcount(const struct page *page)
{
	if (page_has_type(compound_head(page)) || page->mapcount < 0)
		return 0;
	return (uint64_t)page_precise_mapcount(page);
}

/* Is any page of the large folio headed by head mapped (Linux:
 * folio_mapped)? */
static bool folio_mapped(const struct page *head)
{
	return folio_entire_mapcount(head) || folio_nr_pages_mapped(head);
}

/* Does pfn lie in a free block of the buddy allocator, at its head or
 * inside (Linux: PageBuddy, is_free_buddy_page)? */
static bool is_free_buddy_page(const struct kernel *k, uint64_t pfn)
{
	for (unsigned order = 0; order < NR_PAGE_ORDERS; order++) {
		const struct page *head = pfn_to_page(k, pfn & ~((1ULL << order) - 1));
		if (page_test(head, PG_buddy) && page_order(head) >= order)
			return true;
	}
	return false;
}

/* The bits copied from the page's own flags, which are its head's for a
 * compound page (Linux: the kpf_copy_bit lines of stable_page_flags). */
static uint64_t kpf_copy_bits(const struct page *head)
{
	static const struct { unsigned char kpf, pg; } bits[] = {
		{ KPF_LOCKED, PG_locked }, { KPF_DIRTY, PG_dirty }, { KPF_UPTODATE, PG_uptodate },
		{ KPF_LRU, PG_lru }, { KPF_WRITEBACK, PG_writeback }, { KPF_RECLAIM, PG_reclaim },
		{ KPF_REFERENCED, PG_referenced }, { KPF_ACTIVE, PG_active },
		{ KPF_SWAPBACKED, PG_swapbacked }, { KPF_UNEVICTABLE, PG_unevictable },
		{ KPF_MLOCKED, PG_mlocked }, { KPF_RESERVED, PG_reserved },
		{ KPF_OWNER_2, PG_anon_exclusive },       /* PG_anon_exclusive is PG_owner_2 */
	};
	uint64_t u = 0;
	for (size_t i = 0; i < ARRAY_SIZE(bits); i++)
		if (page_test(head, (enum pageflags)bits[i].pg))
			u |= KPF(bits[i].kpf);
	return u;
}

/* The flags of a frame that has a struct page (Linux: stable_page_flags). */
static uint64_t page_state_flags(const struct kernel *k, uint64_t pfn)
{
	const struct page *page = pfn_to_page(k, pfn), *head = compound_head(page);
	uint64_t u = kpf_copy_bits(head);

	if (page_test(head, PG_head) && page_order(head) >= 2 && !page_has_type(head) ? folio_mapped(head)
											: page_mapcount(page) > 0)
		u |= KPF(KPF_MMAP);            /* page_mapped: any page of the folio */
	if (!page_has_type(head) && PageAnon(head))
		u |= KPF(KPF_ANON);
	if (page_test(page, PG_head))
		u |= KPF(KPF_COMPOUND_HEAD);
	if (page_test(page, PG_tail))
		u |= KPF(KPF_COMPOUND_TAIL);
	if (folio_test_hugetlb(head))
		u |= KPF(KPF_HUGE);
	else if (k->thp.huge_zero_pfn && pfn - k->thp.huge_zero_pfn < HPAGE_PMD_NR)
		u |= KPF(KPF_ZERO_PAGE) | KPF(KPF_THP);
	else if (page_test(head, PG_head) && !page_has_type(head) && (PageAnon(head) || page_test(head, PG_lru)))
		u |= KPF(KPF_THP);             /* a large rmappable folio */
	if (pfn == k->zero_pfn)
		u |= KPF(KPF_ZERO_PAGE);
	if (page_ref_count(page) == 0 && is_free_buddy_page(k, pfn))
		u |= KPF(KPF_BUDDY);
	if (page_test(page, PG_table))
		u |= KPF(KPF_PGTABLE);
	if (page_test(head, PG_slab))
		u |= KPF(KPF_SLAB);
	if (page_test(head, PG_swapcache) && page_test(head, PG_swapbacked))
		u |= KPF(KPF_SWAPCACHE);
	return u;
}

/* See internal.h. Memory holes and reservations are PG_reserved on Linux. */
uint64_t stable_page_flags(const struct kernel *k, uint64_t pfn)
{
	if (pfn >= k->max_pfn)
		return KPF(KPF_RESERVED);
	return page_state_flags(k, pfn) | (pfn_reserved(k, pfn) ? KPF(KPF_RESERVED) : 0);
}

/* The kpagecount entry of frame pfn. */
static uint64_t kpagecount_of(const struct kernel *k, uint64_t pfn)
{
	return pfn < k->max_pfn ? page_mapcount(pfn_to_page(k, pfn)) : 0;
}

/* Fill buf with entry(pfn) for the frames [offset / 8, ...), as Linux's
 * kpageflags_read and kpagecount_read do: root-only files, 8-byte aligned
 * reads, up to max_pfn rounded up to a section. */
static int64_t kpage_read(const struct kernel *k, uint64_t offset, void *buf, size_t len,
			  const struct procfs_cred *cred, uint64_t (*entry)(const struct kernel *, uint64_t))
{
	uint64_t max_dump_pfn = (k->max_pfn + PAGES_PER_SECTION - 1) & ~(PAGES_PER_SECTION - 1);
	uint64_t *out = buf;

	if (cred && !cred->cap_sys_admin)
		return -EACCES;
	if (offset % 8 || len % 8)
		return -EINVAL;
	if (offset >= max_dump_pfn * 8)
		return 0;
	uint64_t n = (max_dump_pfn * 8 - offset) / 8 < len / 8 ? (max_dump_pfn * 8 - offset) / 8 : len / 8;
	for (uint64_t i = 0; i < n; i++)
		out[i] = entry(k, offset / 8 + i);
	return (int64_t)(n * 8);
}

/* See internal.h. */
int64_t kpageflags_read(struct kernel *k, struct task_struct *t, uint64_t offset, void *buf,
			size_t len, const struct procfs_cred *cred)
{
	(void)t;
	return kpage_read(k, offset, buf, len, cred, stable_page_flags);
}

/* See internal.h. */
int64_t kpagecount_read(struct kernel *k, struct task_struct *t, uint64_t offset, void *buf,
			size_t len, const struct procfs_cred *cred)
{
	(void)t;
	return kpage_read(k, offset, buf, len, cred, kpagecount_of);
}
