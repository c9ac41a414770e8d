/*
 * kernel/hugetlb.c — hugetlbfs pools, reservations and hugetlb VMAs'
 * page tables (Linux: mm/hugetlb.c, fs/hugetlbfs/inode.c). See hugetlb.h.
 */
#include "kernel/hugetlb.h"

#include "common.h"
#include "kernel/fs.h"
#include "kernel/gfp.h"
#include "kernel/huge_mm.h"
#include "kernel/kaccess.h"
#include "kernel/kernel.h"
#include "kernel/mm.h"
#include "kernel/mmzone.h"
#include "kernel/pgtable.h"
#include "kernel/radix_tree.h"
#include "kernel/rmap.h"
#include "kernel/tlbflush.h"
#include "kernel/trace.h"
#include "kernel/vmstat.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define HPAGE_RESV_OWNER ((uintptr_t)1)           /* vm_private_data's low bit (Linux: the same) */

/* ---- reservation maps ---------------------------------------------------------- */

static struct resv_map *resv_map_alloc(void)
{
	struct resv_map *m = calloc(1, sizeof *m);
	if (m)
		m->refs = 1;
	return m;
}

static void resv_map_put(struct resv_map *m)
{
	if (m && --m->refs <= 0) {
		free(m->bits);
		free(m);
	}
}

static bool resv_test(const struct resv_map *m, uint64_t i)
{
	return m && i < m->nbits && (m->bits[i / 64] >> (i % 64) & 1);
}

/* Set bit i, growing the map; false without memory. */
static bool resv_set(struct resv_map *m, uint64_t i)
{
	if (i >= m->nbits) {
		uint64_t words = (i / 64 + 1) * 2, old = m->nbits / 64;
		uint64_t *b = realloc(m->bits, words * sizeof *b);
		if (!b)
			return false;
		memset(b + old, 0, (words - old) * sizeof *b);
		m->bits = b;
		m->nbits = words * 64;
	}
	m->bits[i / 64] |= 1ULL << (i % 64);
	return true;
}

static void resv_clear(struct resv_map *m, uint64_t i)
{
	if (m && i < m->nbits)
		m->bits[i / 64] &= ~(1ULL << (i % 64));
}

/* The private reservation map of vma and whether vma owns it. */
static struct resv_map *vma_resv_map(const struct vm_area_struct *vma)
{
	return (struct resv_map *)((uintptr_t)vma->vm_private_data & ~(uintptr_t)HPAGE_RESV_OWNER);
}

static bool vma_resv_owner(const struct vm_area_struct *vma)
{
	return (uintptr_t)vma->vm_private_data & HPAGE_RESV_OWNER;
}

/* ---- hstates -------------------------------------------------------------------- */

/* See hugetlb.h. */
struct hstate *size_to_hstate(struct kernel *k, unsigned shift)
{
	for (int i = 0; i < HUGE_MAX_HSTATE; i++)
		if (k->hstates[i].order + PAGE_SHIFT == shift)
			return &k->hstates[i];
	return NULL;
}

/* See hugetlb.h. */
struct hstate *hstate_vma(struct kernel *k, const struct vm_area_struct *vma)
{
	return size_to_hstate(k, file_inode(vma->vm_file)->huge_shift);
}

static unsigned huge_page_shift(const struct hstate *h)
{
	return h->order + PAGE_SHIFT;
}

static bool hstate_is_gigantic(const struct hstate *h)
{
	return h->order > MAX_PAGE_ORDER;
}

/* The huge page index of addr in vma's file (Linux: vma_hugecache_offset). */
static uint64_t vma_hugecache_offset(const struct hstate *h, const struct vm_area_struct *vma, uint64_t addr)
{
	return ((addr - vma->vm_start) >> huge_page_shift(h)) + (vma->vm_pgoff >> h->order);
}

/* See hugetlb.h. */
bool huge_pte_present(uint64_t pte)
{
	return pte & (_PAGE_PRESENT | _PAGE_PROTNONE);
}

/* ---- the pool ------------------------------------------------------------------- */

/* Make the block at head, fresh from the allocator, a free hugetlb folio
 * of h: compound, no reference (Linux: init_new_hugetlb_folio). */
static void prep_new_hugetlb_folio(struct kernel *k, struct hstate *h, struct page *head)
{
	uint64_t nr = pages_per_huge_page(h);
	head->flags = 1u << PG_head;
	set_page_order(head, h->order);
	head->_refcount = 0;
	head->mapcount = 0;
	head->private = 0;
	head->mapping = 0;
	for (uint64_t i = 1; i < nr; i++) {
		memset(head + i, 0, sizeof *head);
		head[i].flags = 1u << PG_tail;
		head[i].private = (uint32_t)i;
	}
	head[2].mapping = FOLIO_HUGETLB;
	mod_node_page_state(k->node_data[0], NR_HUGETLB, (long)nr);
}

/* A new huge page of h from the buddy allocator (order 9) or a contiguous
 * range (gigantic), counted in htlb_buddy_alloc_*; NULL when none (Linux:
 * alloc_fresh_hugetlb_folio). */
static struct page *alloc_fresh_hugetlb_folio(struct kernel *k, struct hstate *h)
{
	const gfp_t gfp = GFP_HIGHUSER_MOVABLE | __GFP_COMP | __GFP_RETRY_MAYFAIL | __GFP_NOWARN;
	struct page *head;
	if (hstate_is_gigantic(h)) {
		head = alloc_contig_pages(k, pages_per_huge_page(h), gfp & ~__GFP_COMP);
	} else {
		head = alloc_pages(k, gfp, h->order);
		k->vm_events[head ? HTLB_BUDDY_PGALLOC : HTLB_BUDDY_PGALLOC_FAIL]++;
	}
	if (head)
		prep_new_hugetlb_folio(k, h, head);
	return head;
}

/* Give a free huge page back to the allocator (Linux:
 * update_and_free_hugetlb_folio). */
static void update_and_free_hugetlb_folio(struct kernel *k, struct hstate *h, struct page *head)
{
	uint64_t nr = pages_per_huge_page(h), pfn = page_to_pfn(k, head);
	mod_node_page_state(k->node_data[0], NR_HUGETLB, -(long)nr);
	if (hstate_is_gigantic(h)) {
		for (uint64_t i = 0; i < nr; i++) {
			memset(head + i, 0, sizeof *head);
			head[i]._refcount = 1;
		}
		free_contig_range(k, pfn, nr);
		return;
	}
	head[1].lru_next = head[1].lru_prev = 0;
	head[2].mapping = 0;
	head->_refcount = 1;
	head->mapping = 0;
	head->flags &= ~(1u << PG_anon_exclusive);
	__free_pages(k, head, h->order);
}

static void enqueue_hugetlb_folio(struct kernel *k, struct hstate *h, struct page *head)
{
	page_list_add_tail(k, &h->hugepage_freelist, head);
	h->free_huge_pages++;
}

/* Take a free huge page off the list: one reference, no owner. */
static struct page *dequeue_hugetlb_folio(struct kernel *k, struct hstate *h)
{
	struct page *head = page_list_first(k, &h->hugepage_freelist);
	if (!head)
		return NULL;
	page_list_del(k, &h->hugepage_freelist, head);
	h->free_huge_pages--;
	head->_refcount = 1;
	head->lru_next = head->lru_prev = 0;
	return head;
}

/* See hugetlb.h. */
void free_huge_folio(struct kernel *k, struct page *head)
{
	struct hstate *h = size_to_hstate(k, page_order(head) + PAGE_SHIFT);
	head->mapping = 0;
	head->flags &= ~((1u << PG_anon_exclusive) | (1u << PG_swapbacked) | (1u << PG_dirty) |
			 (1u << PG_uptodate) | (1u << PG_referenced));
	head[1].lru_next = head[1].lru_prev = 0;
	head->_refcount = 0;
	if (head[2].mapping & FOLIO_RESTORE_RESERVE) {
		head[2].mapping &= ~FOLIO_RESTORE_RESERVE;
		h->resv_huge_pages++;
	}
	if (h->surplus_huge_pages) {              /* Linux: the node's surplus goes back first */
		h->surplus_huge_pages--;
		h->nr_huge_pages--;
		update_and_free_hugetlb_folio(k, h, head);
		return;
	}
	enqueue_hugetlb_folio(k, h, head);
}

/* A new persistent huge page into the free pool; false when none. */
static bool alloc_pool_huge_folio(struct kernel *k, struct hstate *h)
{
	struct page *head = alloc_fresh_hugetlb_folio(k, h);
	if (!head)
		return false;
	h->nr_huge_pages++;
	enqueue_hugetlb_folio(k, h, head);
	return true;
}

/* Move one page between persistent and surplus (Linux: adjust_pool_surplus):
 * delta -1 makes a surplus page persistent, +1 a persistent page surplus.
 * false when there is none to move. */
static bool adjust_pool_surplus(struct hstate *h, int delta)
{
	if (delta < 0) {
		if (!h->surplus_huge_pages)
			return false;
		h->surplus_huge_pages--;
		return true;
	}
	if (h->surplus_huge_pages >= h->nr_huge_pages)
		return false;
	h->surplus_huge_pages++;
	return true;
}

static uint64_t persistent_huge_pages(const struct hstate *h)
{
	return h->nr_huge_pages - h->surplus_huge_pages;
}

/* See hugetlb.h. */
int set_max_huge_pages(struct kernel *k, struct hstate *h, uint64_t count)
{
	if (count > k->totalram_pages)
		count = k->totalram_pages;                /* more cannot be had anyway */
	while (h->surplus_huge_pages && count > persistent_huge_pages(h))
		if (!adjust_pool_surplus(h, -1))
			break;
	while (count > persistent_huge_pages(h))
		if (!alloc_pool_huge_folio(k, h))
			break;
	uint64_t min_count = h->resv_huge_pages + h->nr_huge_pages - h->free_huge_pages;
	if (min_count < count)
		min_count = count;
	while (min_count < persistent_huge_pages(h)) {
		struct page *head = dequeue_hugetlb_folio(k, h);
		if (!head)
			break;
		h->nr_huge_pages--;
		head->_refcount = 0;
		update_and_free_hugetlb_folio(k, h, head);
	}
	while (count < persistent_huge_pages(h))
		if (!adjust_pool_surplus(h, 1))
			break;
	return 0;
}

/* A surplus page for a fault or a reservation when the pool has none
 * left (Linux: alloc_surplus_hugetlb_folio): within
 * nr_overcommit_hugepages, never gigantic. One reference; NULL if none. */
static struct page *alloc_surplus_hugetlb_folio(struct kernel *k, struct hstate *h)
{
	if (hstate_is_gigantic(h) || h->surplus_huge_pages >= h->nr_overcommit_huge_pages)
		return NULL;
	struct page *head = alloc_fresh_hugetlb_folio(k, h);
	if (!head)
		return NULL;
	h->nr_huge_pages++;
	h->surplus_huge_pages++;
	head->_refcount = 1;
	return head;
}

/* Grow the pool with surplus pages so that delta more reservations fit,
 * then count them (Linux: gather_surplus_pages). 0 or -ENOMEM. */
static int gather_surplus_pages(struct kernel *k, struct hstate *h, uint64_t delta)
{
	int64_t needed = (int64_t)(h->resv_huge_pages + delta) - (int64_t)h->free_huge_pages;
	if (needed > 0) {
		if (hstate_is_gigantic(h) || h->surplus_huge_pages + (uint64_t)needed > h->nr_overcommit_huge_pages)
			return -ENOMEM;
		for (int64_t i = 0; i < needed; i++) {
			struct page *head = alloc_surplus_hugetlb_folio(k, h);
			if (!head)
				return -ENOMEM;           /* the pages gathered stay: later frees return them */
			head->_refcount = 0;
			enqueue_hugetlb_folio(k, h, head);
		}
	}
	h->resv_huge_pages += delta;
	return 0;
}

/* Drop unused reservations and the surplus pages they held (Linux:
 * return_unused_surplus_pages). */
static void return_unused_surplus_pages(struct kernel *k, struct hstate *h, uint64_t unused)
{
	h->resv_huge_pages -= unused < h->resv_huge_pages ? unused : h->resv_huge_pages;
	uint64_t n = unused < h->surplus_huge_pages ? unused : h->surplus_huge_pages;
	while (n-- && h->free_huge_pages > h->resv_huge_pages) {
		struct page *head = dequeue_hugetlb_folio(k, h);
		if (!head)
			break;
		head->_refcount = 0;
		h->surplus_huge_pages--;
		h->nr_huge_pages--;
		update_and_free_hugetlb_folio(k, h, head);
	}
}

/* Reserve (delta > 0) or unreserve huge pages (Linux: hugetlb_acct_memory).
 * 0 or -ENOMEM. */
static int hugetlb_acct_memory(struct kernel *k, struct hstate *h, int64_t delta)
{
	if (delta > 0) {
		if (gather_surplus_pages(k, h, (uint64_t)delta))
			return -ENOMEM;
		if ((uint64_t)delta > h->free_huge_pages) {     /* allowed_mems_nr */
			return_unused_surplus_pages(k, h, (uint64_t)delta);
			return -ENOMEM;
		}
	} else if (delta < 0) {
		return_unused_surplus_pages(k, h, (uint64_t)-delta);
	}
	return 0;
}

/* See hugetlb.h. */
void hugetlb_init(struct kernel *k, const uint64_t nr[HUGE_MAX_HSTATE])
{
	static const unsigned orders[HUGE_MAX_HSTATE] = { 9, 18 };
	for (int i = 0; i < HUGE_MAX_HSTATE; i++) {
		struct hstate *h = &k->hstates[i];
		memset(h, 0, sizeof *h);
		h->order = orders[i];
		page_list_init(&h->hugepage_freelist);
		snprintf(h->name, sizeof h->name, "hugepages-%llukB", (unsigned long long)(huge_page_size(h) >> 10));
		if (nr && nr[i])
			set_max_huge_pages(k, h, nr[i]);
	}
}

/* See hugetlb.h. */
void hugetlb_destroy(struct kernel *k)
{
	(void)k;                   /* the pools live in simulated RAM; nothing on the host */
}

/* See hugetlb.h. */
uint64_t hugetlb_total_bytes(const struct kernel *k)
{
	uint64_t b = 0;
	for (int i = 0; i < HUGE_MAX_HSTATE; i++)
		b += k->hstates[i].nr_huge_pages * huge_page_size(&k->hstates[i]);
	return b;
}

/* ---- reservations --------------------------------------------------------------- */

/* Does the fault at idx of vma find a reservation to consume (Linux:
 * vma_needs_reservation == 0 together with vma_has_reserves)? */
static bool vma_has_reservation(const struct vm_area_struct *vma, uint64_t idx)
{
	if (vma->vm_flags & VM_MAYSHARE) {
		const struct inode *inode = file_inode(vma->vm_file);
		return resv_test(inode->i_resv_map, idx);
	}
	return !(vma->vm_flags & VM_NORESERVE) && vma_resv_owner(vma) && !resv_test(vma_resv_map(vma), idx);
}

/* A huge page for the fault at idx of vma (Linux: alloc_hugetlb_folio):
 * the reservation's if it has one (unless avoid_reserve), else a free
 * page nobody reserved, else a surplus page. One reference; NULL when
 * there is none (the fault's SIGBUS). */
static struct page *alloc_hugetlb_folio(struct kernel *k, struct hstate *h, struct vm_area_struct *vma,
					uint64_t idx, bool avoid_reserve)
{
	bool reserved = !avoid_reserve && vma_has_reservation(vma, idx);
	struct page *head = NULL;
	if (reserved || h->free_huge_pages > h->resv_huge_pages)
		head = dequeue_hugetlb_folio(k, h);
	if (!head && !reserved)
		head = alloc_surplus_hugetlb_folio(k, h);
	if (!head)
		return NULL;
	if (reserved) {
		h->resv_huge_pages--;
		if (!(vma->vm_flags & VM_MAYSHARE))
			resv_set(vma_resv_map(vma), idx);    /* vma_commit_reservation */
	}
	return head;
}

/* See hugetlb.h. */
int hugetlb_reserve_pages(struct kernel *k, struct inode *inode, uint64_t from, uint64_t to,
			  struct vm_area_struct *vma, uint64_t vm_flags)
{
	struct hstate *h = size_to_hstate(k, inode->huge_shift);
	if (vm_flags & VM_NORESERVE)
		return 0;
	uint64_t chg = 0;
	struct resv_map *m = NULL;
	if (vm_flags & VM_MAYSHARE) {
		if (!inode->i_resv_map && !(inode->i_resv_map = resv_map_alloc()))
			return -ENOMEM;
		for (uint64_t i = from; i < to; i++)
			chg += !resv_test(inode->i_resv_map, i) && !radix_tree_lookup(&inode->i_data.i_pages, i);
	} else {
		if (!(m = resv_map_alloc()))
			return -ENOMEM;
		chg = to - from;
	}
	if (hugetlb_acct_memory(k, h, (int64_t)chg)) {
		resv_map_put(m);
		return -ENOMEM;
	}
	if (vm_flags & VM_MAYSHARE) {
		for (uint64_t i = from; i < to; i++)
			if (!resv_test(inode->i_resv_map, i) && !radix_tree_lookup(&inode->i_data.i_pages, i) &&
			    !resv_set(inode->i_resv_map, i))
				h->resv_huge_pages--;     /* no memory to record it: not reserved */
	} else {
		vma->vm_private_data = (void *)((uintptr_t)m | HPAGE_RESV_OWNER);
	}
	return 0;
}

/* See hugetlb.h. */
void hugetlb_vm_op_open(struct vm_area_struct *vma)
{
	struct resv_map *m = vma_resv_map(vma);
	if (m && !(vma->vm_flags & VM_MAYSHARE))
		m->refs++;
}

/* See hugetlb.h. */
void hugetlb_dup_vma_private(struct vm_area_struct *vma)
{
	if (!(vma->vm_flags & VM_MAYSHARE))
		resv_map_put(vma_resv_map(vma));      /* the reference vm_area_dup took */
	vma->vm_private_data = NULL;
}

/* See hugetlb.h. */
void hugetlb_vm_op_close(struct kernel *k, struct vm_area_struct *vma)
{
	struct resv_map *m = vma_resv_map(vma);
	if (!m || (vma->vm_flags & VM_MAYSHARE))
		return;
	if (vma_resv_owner(vma)) {
		struct hstate *h = hstate_vma(k, vma);
		uint64_t start = vma_hugecache_offset(h, vma, vma->vm_start);
		uint64_t end = vma_hugecache_offset(h, vma, vma->vm_end), reserve = 0;
		for (uint64_t i = start; i < end; i++)
			reserve += !resv_test(m, i);
		if (reserve)
			hugetlb_acct_memory(k, h, -(int64_t)reserve);
	}
	resv_map_put(m);
	vma->vm_private_data = NULL;
}

/* See hugetlb.h. */
void clear_vma_resv_huge_pages(struct kernel *k, struct vm_area_struct *vma)
{
	(void)k;
	if (!(vma->vm_flags & VM_MAYSHARE) && vma->vm_private_data) {
		resv_map_put(vma_resv_map(vma));
		vma->vm_private_data = NULL;
	}
}

/* Remove the cached pages from index first on of inode (they are
 * unmapped), giving back the reservations of indices never faulted
 * (Linux: remove_inode_hugepages and hugetlb_unreserve_pages). */
static void remove_inode_hugepages(struct kernel *k, struct inode *inode, uint64_t first)
{
	struct hstate *h = size_to_hstate(k, inode->huge_shift);
	struct resv_map *m = inode->i_resv_map;
	uint64_t unreserve = 0, from = first;
	void *items[32];
	uint64_t idx[32];
	unsigned got;
	while ((got = radix_tree_gang_lookup(&inode->i_data.i_pages, items, idx, first, 32))) {
		for (unsigned i = 0; i < got; i++) {
			struct page *head = items[i];
			radix_tree_delete(k, &inode->i_data.i_pages, idx[i]);
			inode->i_data.nrpages--;
			resv_clear(m, idx[i]);
			head->mapping = 0;
			put_page(k, head);
		}
		first = idx[got - 1] + 1;
	}
	for (uint64_t i = from; m && i < m->nbits; i++)
		if (resv_test(m, i)) {
			resv_clear(m, i);
			unreserve++;
		}
	if (unreserve)
		hugetlb_acct_memory(k, h, -(int64_t)unreserve);
}

/* See hugetlb.h. */
void hugetlbfs_evict_inode(struct kernel *k, struct inode *inode)
{
	inode->i_size = 0;
	remove_inode_hugepages(k, inode, 0);
	resv_map_put(inode->i_resv_map);
	inode->i_resv_map = NULL;
}

/* ---- page tables ---------------------------------------------------------------- */

/* See hugetlb.h. */
uint64_t *huge_pte_offset(struct kernel *k, struct mm_struct *mm, uint64_t addr, unsigned shift, bool alloc)
{
	int err;
	pte_t *e = shift == PUD_SHIFT ? pud_walk(k, mm, addr, alloc, &err) : pmd_walk(k, mm, addr, alloc, &err);
	if (!e)
		return NULL;
	if ((*e & _PAGE_PRESENT) && !(*e & _PAGE_PSE)) {      /* a table some small mapping left */
		if (!alloc || shift != PMD_SHIFT)
			return NULL;
		uint64_t table = *e & HW_PTE_ADDR_MASK;
		for (unsigned i = 0; i < PTRS_PER_TABLE; i++)
			if (!pte_none(*table_entry(k, table, i)))
				return NULL;
		*e = 0;
		pte_table_free(k, mm, table);
		flush_tlb_mm_range(k, mm, addr & ~(PMD_SIZE - 1), (addr & ~(PMD_SIZE - 1)) + PMD_SIZE, PAGE_SHIFT, true);
	}
	return e;
}

/* See hugetlb.h. */
uint64_t huge_ptep_get(struct kernel *k, const struct vm_area_struct *vma, uint64_t addr)
{
	struct hstate *h = hstate_vma(k, vma);
	uint64_t *e = huge_pte_offset(k, vma->vm_mm, addr & ~(huge_page_size(h) - 1), huge_page_shift(h), false);
	return e && huge_pte_present(*e) && (*e & _PAGE_PSE) ? *e : 0;
}

/* The leaf mapping head in vma (Linux: make_huge_pte): writable and dirty
 * when asked, young, PS. */
static pte_t make_huge_pte(struct kernel *k, const struct vm_area_struct *vma, struct page *head, bool writable)
{
	pte_t e = pfn_pte(page_to_pfn(k, head), vm_get_page_prot(vma->vm_flags)) | _PAGE_PSE | _PAGE_ACCESSED;
	return writable ? pte_mkdirty(pte_mkwrite(e)) : pte_wrprotect(e);
}

static void flush_huge(struct kernel *k, struct vm_area_struct *vma, const struct hstate *h, uint64_t haddr)
{
	flush_tlb_mm_range(k, vma->vm_mm, haddr, haddr + huge_page_size(h), huge_page_shift(h), false);
}

/* Clear a new huge page (Linux: folio_zero_user), skipping the host pages
 * still untouched (zero already), so a 1 GiB page costs no host memory. */
static void clear_huge_page(struct kernel *k, const struct hstate *h, struct page *head)
{
	static const uint8_t zero[PAGE_SIZE];
	uint8_t *p = page_address(k, head);
	for (uint64_t i = 0; i < pages_per_huge_page(h); i++, p += PAGE_SIZE)
		if (memcmp(p, zero, PAGE_SIZE))
			memset(p, 0, PAGE_SIZE);
	kmem_ref(k, page_address(k, head), huge_page_size(h), true, "folio_zero_user");
}

/* A write to a write-protected huge leaf of a private mapping (Linux:
 * hugetlb_wp): an anonymous page mapped once is reused; anything else
 * (shared after fork, a file's page) is copied into a new huge page. */
static vm_fault_t hugetlb_wp(struct vm_fault *vmf, uint64_t *ptep, struct hstate *h, uint64_t haddr)
{
	struct kernel *k = vmf->k;
	struct vm_area_struct *vma = vmf->vma;
	pte_t e = *ptep;
	struct page *old = pfn_to_page(k, pte_pfn(e));

	if (vma->vm_flags & VM_MAYSHARE) {
		*ptep = pte_mkdirty(pte_mkwrite(e)) | _PAGE_ACCESSED;
		return 0;
	}
	if (PageAnon(old) && folio_entire_mapcount(old) == 1) {
		page_set(old, PG_anon_exclusive);
		*ptep = pte_mkdirty(pte_mkwrite(e)) | _PAGE_ACCESSED;
		trace_kernel(k, vmf->cpu, "huge page %#llx mapped once: reuse it writable", (unsigned long long)haddr);
		flush_huge(k, vma, h, haddr);
		return 0;
	}
	uint64_t idx = vma_hugecache_offset(h, vma, haddr);
	bool outside_reserve = vma_resv_owner(vma) && PageAnon(old);
	if (anon_vma_prepare(k, vma))
		return VM_FAULT_OOM;
	struct page *new = alloc_hugetlb_folio(k, h, vma, idx, outside_reserve);
	if (!new) {
		trace_kernel(k, vmf->cpu, "copy-on-write of huge page %#llx: no huge page free: SIGBUS",
			     (unsigned long long)haddr);
		return VM_FAULT_SIGBUS;
	}
	memcpy(page_address(k, new), page_address(k, old), huge_page_size(h));
	kmem_ref(k, page_address(k, new), huge_page_size(h), true, "copy_user_large_folio");
	page_set_owner(new, virt_to_phys(k, vma->anon_vma), true, haddr >> PAGE_SHIFT);
	page_set(new, PG_anon_exclusive);
	page_set(new, PG_swapbacked);
	*folio_entire_mapcount_ptr(new) = 1;
	*ptep = make_huge_pte(k, vma, new, true);
	flush_huge(k, vma, h, haddr);
	(*folio_entire_mapcount_ptr(old))--;
	put_page(k, old);
	trace_kernel(k, vmf->cpu, "copy-on-write: huge page %#llx copied to pfn %#llx", (unsigned long long)haddr,
		     (unsigned long long)page_to_pfn(k, new));
	return 0;
}

/* A fault where no huge page is mapped (Linux: hugetlb_no_page): the
 * file's cached page, or a new one (reserved, free, or surplus), zeroed;
 * a private mapping's is anonymous and stays out of the file. Mapped
 * writable only in a shared mapping; a private write then goes through
 * hugetlb_wp, which reuses it. */
static vm_fault_t hugetlb_no_page(struct vm_fault *vmf, uint64_t *ptep, struct hstate *h, uint64_t haddr)
{
	struct kernel *k = vmf->k;
	struct vm_area_struct *vma = vmf->vma;
	struct inode *inode = file_inode(vma->vm_file);
	uint64_t idx = vma_hugecache_offset(h, vma, haddr);
	bool shared = vma->vm_flags & VM_MAYSHARE;

	if (idx >= inode->i_size >> huge_page_shift(h))
		return VM_FAULT_SIGBUS;
	struct page *head = radix_tree_lookup(&inode->i_data.i_pages, idx);
	if (head) {
		get_page(head);
		trace_kernel(k, vmf->cpu, "huge page %llu of %s is cached at pfn %#llx", (unsigned long long)idx,
			     inode->i_name, (unsigned long long)page_to_pfn(k, head));
	} else {
		if (!shared && anon_vma_prepare(k, vma))
			return VM_FAULT_OOM;
		bool reserved = vma_has_reservation(vma, idx);
		head = alloc_hugetlb_folio(k, h, vma, idx, false);
		if (!head) {
			trace_kernel(k, vmf->cpu, "page %#llx: no free %s page and no reservation: SIGBUS",
				     (unsigned long long)vmf->address, h->name);
			return VM_FAULT_SIGBUS;
		}
		clear_huge_page(k, h, head);
		page_set(head, PG_uptodate);
		if (shared) {
			if (radix_tree_insert(k, &inode->i_data.i_pages, idx, head)) {
				put_page(k, head);
				return VM_FAULT_OOM;
			}
			inode->i_data.nrpages++;
			page_set_owner(head, virt_to_phys(k, &inode->i_data), false, idx);
			get_page(head);                       /* the cache's and the mapping's */
		} else {
			page_set_owner(head, virt_to_phys(k, vma->anon_vma), true, haddr >> PAGE_SHIFT);
			page_set(head, PG_anon_exclusive);
			page_set(head, PG_swapbacked);
		}
		trace_kernel(k, vmf->cpu, "page %#llx: a %s huge page from the pool (%s), pfn %#llx",
			     (unsigned long long)vmf->address, shared ? "shared" : "private",
			     reserved ? "reserved at mmap" : "not reserved", (unsigned long long)page_to_pfn(k, head));
	}
	(*folio_entire_mapcount_ptr(head))++;
	*ptep = make_huge_pte(k, vma, head, shared && (vma->vm_flags & VM_WRITE));
	if ((vmf->flags & FAULT_FLAG_WRITE) && !shared)
		return hugetlb_wp(vmf, ptep, h, haddr);
	return 0;
}

/* See hugetlb.h. */
vm_fault_t hugetlb_fault(struct vm_fault *vmf)
{
	struct kernel *k = vmf->k;
	struct vm_area_struct *vma = vmf->vma;
	struct hstate *h = hstate_vma(k, vma);
	uint64_t haddr = vmf->address & ~(huge_page_size(h) - 1);
	uint64_t *ptep = huge_pte_offset(k, vma->vm_mm, haddr, huge_page_shift(h), true);
	if (!ptep)
		return VM_FAULT_OOM;
	pte_t e = *ptep;
	if (!huge_pte_present(e))
		return hugetlb_no_page(vmf, ptep, h, haddr);
	if ((vmf->flags & FAULT_FLAG_WRITE) && !pte_write(e))
		return hugetlb_wp(vmf, ptep, h, haddr);
	e |= _PAGE_ACCESSED | ((vmf->flags & FAULT_FLAG_WRITE) ? _PAGE_DIRTY : 0);
	if (e != *ptep)
		*ptep = e;                    /* a spurious fault: the leaf already allows it */
	return 0;
}

/* See hugetlb.h. */
void unmap_hugepage_range(struct mmu_gather *tlb, struct vm_area_struct *vma, uint64_t start, uint64_t end)
{
	struct kernel *k = tlb->k;
	struct hstate *h = hstate_vma(k, vma);
	uint64_t sz = huge_page_size(h);
	trace_kernel(k, k->this_cpu, "clear the %s leaves of [%#llx, %#llx)", h->name, (unsigned long long)start,
		     (unsigned long long)end);
	for (uint64_t a = start & ~(sz - 1); a < end; a += sz) {
		uint64_t *ptep = huge_pte_offset(k, vma->vm_mm, a, huge_page_shift(h), false);
		if (!ptep || !huge_pte_present(*ptep) || !(*ptep & _PAGE_PSE))
			continue;
		struct page *head = pfn_to_page(k, pte_pfn(*ptep));
		*ptep = 0;
		if (!h->surplus_huge_pages && !(vma->vm_flags & VM_MAYSHARE) && vma_resv_owner(vma) && PageAnon(head)) {
			head[2].mapping |= FOLIO_RESTORE_RESERVE;     /* the owner may fault it again */
			resv_clear(vma_resv_map(vma), vma_hugecache_offset(h, vma, a));
		}
		if (a < tlb->start)
			tlb->start = a;
		if (a + sz > tlb->end)
			tlb->end = a + sz;
		(*folio_entire_mapcount_ptr(head))--;
		tlb_remove_page(tlb, head);
	}
}

/* See hugetlb.h. */
int copy_hugetlb_page_range(struct kernel *k, struct vm_area_struct *dst, struct vm_area_struct *src)
{
	struct hstate *h = hstate_vma(k, src);
	uint64_t sz = huge_page_size(h);
	bool cow = !(src->vm_flags & VM_MAYSHARE), flushed = false;
	for (uint64_t a = src->vm_start; a < src->vm_end; a += sz) {
		uint64_t *s = huge_pte_offset(k, src->vm_mm, a, huge_page_shift(h), false);
		if (!s || !huge_pte_present(*s) || !(*s & _PAGE_PSE))
			continue;
		uint64_t *d = huge_pte_offset(k, dst->vm_mm, a, huge_page_shift(h), true);
		if (!d)
			return -ENOMEM;
		struct page *head = pfn_to_page(k, pte_pfn(*s));
		get_page(head);
		(*folio_entire_mapcount_ptr(head))++;
		if (cow) {
			page_clear(head, PG_anon_exclusive);
			if (pte_write(*s)) {
				*s = pte_wrprotect(*s);
				flushed = true;
			}
		}
		*d = *s;
	}
	if (flushed)
		flush_tlb_mm_range(k, src->vm_mm, src->vm_start, src->vm_end, huge_page_shift(h), false);
	return 0;
}

/* See hugetlb.h. */
uint64_t hugetlb_change_protection(struct kernel *k, struct vm_area_struct *vma, uint64_t start,
				   uint64_t end, uint64_t newprot)
{
	struct hstate *h = hstate_vma(k, vma);
	uint64_t sz = huge_page_size(h), n = 0;
	for (uint64_t a = start & ~(sz - 1); a < end; a += sz) {
		uint64_t *ptep = huge_pte_offset(k, vma->vm_mm, a, huge_page_shift(h), false);
		if (!ptep || !huge_pte_present(*ptep) || !(*ptep & _PAGE_PSE))
			continue;
		pte_t e = pte_modify(*ptep, newprot) | _PAGE_PSE;
		if (e != *ptep) {
			*ptep = e;
			n++;
		}
	}
	if (n)
		flush_tlb_mm_range(k, vma->vm_mm, start, end, huge_page_shift(h), false);
	return n;
}

/* See hugetlb.h. */
int move_hugetlb_page_tables(struct kernel *k, struct vm_area_struct *vma, struct vm_area_struct *new_vma,
			     uint64_t old_addr, uint64_t new_addr, uint64_t len)
{
	struct hstate *h = hstate_vma(k, vma);
	uint64_t sz = huge_page_size(h);
	bool moved = false;
	for (uint64_t off = 0; off < len; off += sz) {
		uint64_t *s = huge_pte_offset(k, vma->vm_mm, old_addr + off, huge_page_shift(h), false);
		if (!s || !huge_pte_present(*s) || !(*s & _PAGE_PSE))
			continue;
		uint64_t *d = huge_pte_offset(k, new_vma->vm_mm, new_addr + off, huge_page_shift(h), true);
		if (!d)
			return -ENOMEM;
		*d = *s;
		*s = 0;
		moved = true;
	}
	if (moved)
		flush_tlb_mm_range(k, vma->vm_mm, old_addr, old_addr + len, huge_page_shift(h), false);
	return 0;
}

/* See hugetlb.h. */
void hugetlb_vmtruncate(struct kernel *k, struct inode *inode, uint64_t size)
{
	for (struct vm_area_struct *v = inode->i_data.i_mmap; v; v = v->shared_next) {
		uint64_t first = size >> PAGE_SHIFT;                 /* pages of the file */
		uint64_t vstart = v->vm_pgoff, vend = v->vm_pgoff + vma_pages(v);
		if (vend <= first)
			continue;
		uint64_t from = v->vm_start + ((first > vstart ? first - vstart : 0) << PAGE_SHIFT);
		zap_page_range_single(k, v, from, v->vm_end, NULL);
	}
	inode->i_size = size;
	remove_inode_hugepages(k, inode, size >> inode->huge_shift);
}

/* ---- sysctl and sysfs ----------------------------------------------------------- */

/* The files of each hugepages-<size>kB directory, in Linux's order. */
static const char *const hstate_files[] = {
	"free_hugepages", "nr_hugepages", "nr_overcommit_hugepages", "resv_hugepages", "surplus_hugepages",
};
#define NR_HSTATE_FILES ARRAY_SIZE(hstate_files)

/* See hugetlb.h. */
const char *hugetlb_sysfs_name_at(size_t i)
{
	static char names[HUGE_MAX_HSTATE * NR_HSTATE_FILES][64];
	static const char *const dirs[HUGE_MAX_HSTATE] = { "hugepages-1048576kB", "hugepages-2048kB" };
	if (i >= ARRAY_SIZE(names))
		return NULL;
	if (!names[i][0])
		snprintf(names[i], sizeof names[i], "%s/%s", dirs[i / NR_HSTATE_FILES], hstate_files[i % NR_HSTATE_FILES]);
	return names[i];
}

/* The hstate of "hugepages-<kB>kB/file", and the file; NULL if no such. */
static struct hstate *hstate_file(struct kernel *k, const char *name, const char **file)
{
	for (int i = 0; i < HUGE_MAX_HSTATE; i++) {
		size_t n = strlen(k->hstates[i].name);
		if (!strncmp(name, k->hstates[i].name, n) && name[n] == '/') {
			*file = name + n + 1;
			for (size_t j = 0; j < NR_HSTATE_FILES; j++)
				if (!strcmp(*file, hstate_files[j]))
					return &k->hstates[i];
			return NULL;
		}
	}
	return NULL;
}

/* See hugetlb.h. */
int hugetlb_sysfs_read(struct kernel *k, const char *name, char *buf, size_t len)
{
	const char *file = NULL;
	struct hstate *h = &k->hstates[0];
	if (!strcmp(name, "vm.nr_hugepages"))
		file = "nr_hugepages";
	else if (!strcmp(name, "vm.nr_overcommit_hugepages"))
		file = "nr_overcommit_hugepages";
	else if (!(h = hstate_file(k, name, &file)))
		return -ENOENT;
	uint64_t v = !strcmp(file, "nr_hugepages") ? persistent_huge_pages(h)
		     : !strcmp(file, "free_hugepages") ? h->free_huge_pages
		     : !strcmp(file, "resv_hugepages") ? h->resv_huge_pages
		     : !strcmp(file, "surplus_hugepages") ? h->surplus_huge_pages : h->nr_overcommit_huge_pages;
	snprintf(buf, len, "%" PRIu64, v);
	return 0;
}

/* See hugetlb.h. */
int hugetlb_sysfs_write(struct kernel *k, const char *name, const char *value, char *eb, size_t el)
{
	const char *file = NULL;
	struct hstate *h = &k->hstates[0];
	if (!strcmp(name, "vm.nr_hugepages"))
		file = "nr_hugepages";
	else if (!strcmp(name, "vm.nr_overcommit_hugepages"))
		file = "nr_overcommit_hugepages";
	else if (!(h = hstate_file(k, name, &file)))
		return -ENOENT;
	if (strcmp(file, "nr_hugepages") && strcmp(file, "nr_overcommit_hugepages")) {
		snprintf(eb, el, "%s: read-only", name);
		return -EACCES;
	}
	char *end;
	errno = 0;
	unsigned long long v = strtoull(value, &end, 10);
	while (*end == ' ' || *end == '\n')
		end++;
	if (errno || end == value || *end || value[0] == '-') {
		snprintf(eb, el, "%s: '%s' is not a number of huge pages", name, value);
		return -EINVAL;
	}
	if (!strcmp(file, "nr_overcommit_hugepages")) {
		if (hstate_is_gigantic(h)) {
			snprintf(eb, el, "%s: gigantic pages cannot be overcommitted", name);
			return -EINVAL;
		}
		h->nr_overcommit_huge_pages = v;
		return 0;
	}
	return set_max_huge_pages(k, h, v);
}
