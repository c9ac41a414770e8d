/*
 * kernel/huge_mm.h — transparent huge pages: the sysfs settings, the PMD
 * fault, split and zap paths, and large folios' bookkeeping (Linux:
 * include/linux/huge_mm.h, mm/huge_memory.c).
 *
 * A THP is an order-9 compound page (a large folio): the head's struct page
 * carries the folio's flags, owner, index, LRU links and reference count;
 * tail i has PG_tail and private = i. Each page keeps its own count of PTE
 * mappings in mapcount (Linux: page->_mapcount + 1) and its own
 * PG_anon_exclusive. The folio's other counts live in the first tails,
 * as Linux keeps them in struct folio's second and third pages:
 *   tail 1: lru_next = entire_mapcount (PMD mappings), lru_prev =
 *           nr_pages_mapped (pages with a PTE mapping);
 *   tail 2: lru_next/lru_prev = the deferred split queue's pfn links,
 *           mapping = FOLIO_DEFERRED | FOLIO_PARTIALLY_MAPPED.
 * Every mapping, PMD or PTE, holds one reference on the folio (the head's
 * _refcount), as on Linux.
 */
#ifndef MMSIM_KERNEL_HUGE_MM_H
#define MMSIM_KERNEL_HUGE_MM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kernel/gfp.h"
#include "kernel/memory.h"
#include "kernel/mm_types.h"

struct kernel;
struct mm_struct;
struct vm_area_struct;
struct page_list;

#define HPAGE_PMD_ORDER 9
#define HPAGE_PMD_NR    (1u << HPAGE_PMD_ORDER)
#define HPAGE_PMD_MASK  (~(HPAGE_PMD_SIZE - 1))

/* Fill in Linux's defaults (enabled madvise unless never, defrag madvise,
 * use_zero_page 1, khugepaged's 4096/10000/60000/511/64/256). */
void thp_init(struct kernel *k, enum thp_enabled enabled);

/* ---- folios ------------------------------------------------------------------ */

#define FOLIO_DEFERRED          1ULL
#define FOLIO_PARTIALLY_MAPPED  2ULL

/* Is page part of a large folio (a compound page of order >= 1)? */
static inline bool page_is_large(const struct page *page)
{
	return page->flags & ((1u << PG_head) | (1u << PG_tail));
}

static inline uint32_t *folio_entire_mapcount_ptr(struct page *head)
{
	return &head[1].lru_next;
}

static inline uint32_t folio_entire_mapcount(const struct page *head)
{
	return head[1].lru_next;
}

static inline uint32_t folio_nr_pages_mapped(const struct page *head)
{
	return head[1].lru_prev;
}

/* The PTE mappings of page plus the PMD mappings of its folio (Linux:
 * folio_precise_page_mapcount). */
static inline int page_precise_mapcount(const struct page *page)
{
	const struct page *head = compound_head(page);
	int n = page->mapcount;
	if (page_test(head, PG_head) && page_order(head) >= 2)
		n += (int)folio_entire_mapcount(head);
	return n;
}

/* Every mapping of the folio headed by head, each PMD and each PTE once
 * (Linux: folio_mapcount). */
int folio_mapcount(const struct page *head);

/* ---- rmap of large folios (called by rmap.c for pages of large folios) ------- */

void folio_add_new_anon_rmap_pmd(struct kernel *k, struct page *head, struct vm_area_struct *vma,
				 uint64_t haddr);
void folio_remove_rmap_pmd(struct kernel *k, struct page *head);
void large_folio_add_rmap_pte(struct kernel *k, struct page *page, bool exclusive);
void large_folio_remove_rmap_pte(struct kernel *k, struct page *page);

/* Take the folio off the deferred split queue before it is freed (Linux:
 * folio_unqueue_deferred_split, from the free path). */
void folio_undo_large_rmappable(struct kernel *k, struct page *head);

/* ---- policy ------------------------------------------------------------------ */

/* May vma have a PMD-sized THP (Linux: thp_vma_allowable_order with
 * PMD_ORDER): the sysfs mode, MADV_HUGEPAGE / MADV_NOHUGEPAGE, anonymous
 * private memory only; smaps additionally asks that one aligned 2 MiB fit
 * (thp_vma_suitable_order at any address). */
bool thp_vma_allowable(const struct kernel *k, const struct vm_area_struct *vma);
bool thp_vma_suitable(const struct vm_area_struct *vma, uint64_t addr);

/* The gfp mask of a THP allocation for vma under the defrag setting
 * (Linux: vma_thp_gfp_mask). */
gfp_t vma_thp_gfp_mask(const struct kernel *k, const struct vm_area_struct *vma);

/* ---- the PMD level ----------------------------------------------------------- */

/* Is the PMD entry a huge leaf, PROT_NONE ones included (present to the
 * kernel, not to the MMU) (Linux: pmd_trans_huge with pmd_present)? */
static inline bool pmd_trans_huge(pte_t pmd)
{
	return (pmd & (_PAGE_PRESENT | _PAGE_PROTNONE)) && (pmd & _PAGE_PSE);
}

/* Is pmd a mapping of the huge zero page? */
bool is_huge_zero_pmd(const struct kernel *k, pte_t pmd);

/* A fault on an empty PMD of a THP-eligible VMA (Linux:
 * do_huge_pmd_anonymous_page): a read maps the huge zero page, a write a
 * new THP; VM_FAULT_FALLBACK when it could not (the PTE path follows). */
#define VM_FAULT_FALLBACK 0x0800
vm_fault_t do_huge_pmd_anonymous_page(struct vm_fault *vmf, pte_t *pmd);

/* A write to a present, write-protected huge PMD (Linux:
 * do_huge_pmd_wp_page): the huge zero page gets a THP of its own; a THP
 * this mapping owns alone is made writable; anything else is split and
 * VM_FAULT_FALLBACK returned, so the PTE path copies only 4 KiB. */
vm_fault_t do_huge_pmd_wp_page(struct vm_fault *vmf, pte_t *pmd);

/* May a write fault reuse page, a PTE-mapped page of a large anonymous
 * folio, in place: every reference to the folio is a mapping and all its
 * mappings are in vma's mm (Linux 6.18: __wp_can_reuse_large_anon_folio)? */
bool wp_can_reuse_large_anon_folio(struct kernel *k, struct page *page, struct vm_area_struct *vma);

/* Mark a present huge PMD accessed (and dirty for a write) (Linux:
 * huge_pmd_set_accessed). */
void huge_pmd_set_accessed(struct vm_fault *vmf, pte_t *pmd);

/* Replace the huge PMD at pmd (mapping the 2 MiB at haddr of vma) with a
 * page table of 512 PTEs mapping the same pages (Linux: __split_huge_pmd);
 * counts thp_split_pmd and flushes the TLBs. */
void __split_huge_pmd(struct kernel *k, struct vm_area_struct *vma, pte_t *pmd, uint64_t haddr);

/* Split the huge PMD mapping address in mm, if there is one (Linux:
 * split_huge_pmd_address). */
void split_huge_pmd_address(struct kernel *k, struct mm_struct *mm, uint64_t address);

/* Before a VMA is cut at start or end (or its neighbour at adjust): split
 * the huge PMDs the cut goes through (Linux: vma_adjust_trans_huge). */
void vma_adjust_trans_huge(struct kernel *k, struct vm_area_struct *vma, uint64_t start, uint64_t end);

/* Zap the whole huge PMD at addr (Linux: zap_huge_pmd). */
void zap_huge_pmd(struct mmu_gather *tlb, struct vm_area_struct *vma, pte_t *pmd, uint64_t addr);

/* Copy a huge PMD into the child at fork (Linux: copy_huge_pmd). 0 or
 * -ENOMEM. */
int copy_huge_pmd(struct kernel *k, struct vm_area_struct *dst_vma, struct vm_area_struct *src_vma,
		  pte_t *src_pmd, uint64_t addr);

/* mremap of the huge PMD at old_pmd (old_addr of vma) to new_addr of
 * new_vma, with len bytes left to move: moved whole when both addresses
 * are 2 MiB-aligned, len covers it and nothing is mapped at new_addr
 * (returns 1), else split (0) so the PTEs move one by one; -ENOMEM when
 * the destination's tables cannot be allocated (Linux: move_huge_pmd and
 * the split in move_page_tables). */
int move_huge_pmd(struct kernel *k, struct vm_area_struct *vma, pte_t *old_pmd, uint64_t old_addr,
		  struct vm_area_struct *new_vma, uint64_t new_addr, uint64_t len);

/* Change the protection of a whole huge PMD (Linux: change_huge_pmd).
 * Returns true when the entry changed. */
bool change_huge_pmd(struct kernel *k, struct vm_area_struct *vma, pte_t *pmd, uint64_t newprot);

/* The struct page of the huge PMD's first page, NULL for the huge zero
 * page (Linux: vm_normal_page_pmd). */
struct page *vm_normal_page_pmd(struct kernel *k, pte_t pmd);

/* Split the large folio headed by head into order-0 pages, splitting its
 * PMD mappings first (Linux: split_huge_page_to_list_to_order). The
 * caller holds extra_refs references besides the mappings'. The pages
 * still mapped, but for the head, go on list (if not NULL: the caller's
 * isolated pages) or back to the LRU; unmapped ones are freed. 0, or
 * -EBUSY when someone else holds a reference. Counts thp_split_page. */
int split_huge_page_to_list(struct kernel *k, struct page *head, int extra_refs, struct page_list *list);

/* The deferred split queue's shrinker: split up to nr_to_scan folios
 * mapped in part, freeing their unmapped pages (Linux:
 * deferred_split_scan). Returns the folios split. */
uint64_t deferred_split_scan(struct kernel *k, uint64_t nr_to_scan);

/* ---- khugepaged and MADV_COLLAPSE (kernel/khugepaged.c) ---------------------- */

/* Register vma's mm with khugepaged when vma may have THPs (Linux:
 * khugepaged_enter_vma); forget an mm that goes (khugepaged_exit). */
void khugepaged_enter_vma(struct kernel *k, struct vm_area_struct *vma);
void khugepaged_exit(struct kernel *k, struct mm_struct *mm);

/* Advance khugepaged's clock by ms milliseconds of simulated time: it
 * wakes every scan_sleep_millisecs (alloc_sleep_millisecs after a failed
 * allocation) and scans pages_to_scan pages each time. Returns the
 * wakeups. */
unsigned khugepaged_tick(struct kernel *k, uint64_t ms);

/* MADV_COLLAPSE of [start, end) of vma, already checked against the
 * VMA's bounds (Linux: madvise_collapse): every aligned 2 MiB inside
 * becomes a THP, whatever the sysfs mode and max_ptes_* say. 0, or
 * -EINVAL (the VMA cannot have THPs, was never faulted, or a block cannot
 * be collapsed), -ENOMEM (no free 2 MiB block), -EAGAIN (a page with
 * extra references, off the LRU), -EBUSY. */
int madvise_collapse(struct kernel *k, struct vm_area_struct *vma, uint64_t start, uint64_t end);

/* Free khugepaged's list of mms (kernel_destroy). */
void thp_destroy(struct kernel *k);

/* ---- the deposited page tables ----------------------------------------------- */

/* Keep a page table for the split of the huge PMD at pmd (Linux:
 * pgtable_trans_huge_deposit) and take one back (withdraw). */
void pgtable_trans_huge_deposit(struct kernel *k, pte_t *pmd, uint64_t table_pa);
uint64_t pgtable_trans_huge_withdraw(struct kernel *k, pte_t *pmd);

/* ---- sysfs ------------------------------------------------------------------- */

/* Write or read one of /sys/kernel/mm/transparent_hugepage/{enabled,
 * defrag, use_zero_page, hpage_pmd_size, khugepaged/...}, name being
 * the part after transparent_hugepage/. 0, -ENOENT or -EINVAL (errbuf
 * says why). */
int thp_sysfs_write(struct kernel *k, const char *name, const char *value, char *errbuf, size_t errlen);
int thp_sysfs_read(struct kernel *k, const char *name, char *buf, size_t len);
const char *thp_sysfs_name_at(size_t i);

#endif
