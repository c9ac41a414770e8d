/* kernel/rmap.c — anon_vmas and the reverse-map walk. See rmap.h. */
#include "kernel/rmap.h"

#include "kernel/huge_mm.h"

#include "kernel/fs.h"
#include "kernel/kernel.h"
#include "kernel/memcontrol.h"
#include "kernel/mm.h"
#include "kernel/objsize.h"
#include "kernel/memory.h"
#include "kernel/pgtable.h"
#include "kernel/slab.h"
#include "kernel/swapops.h"
#include "kernel/trace.h"

#include <errno.h>

KOBJ_FITS(struct anon_vma, ANON_VMA_SIZE);
KOBJ_FITS(struct anon_vma_chain, ANON_VMA_CHAIN_SIZE);

/* See rmap.h. */
int anon_vma_init(struct kernel *k)
{
	int err;
	k->mm_caches.anon_vma = kmem_cache_create(k, "anon_vma", ANON_VMA_SIZE, 0,
						  SLAB_TYPESAFE_BY_RCU | SLAB_ACCOUNT, NULL, NULL, &err);
	if (!err)
		k->mm_caches.anon_vma_chain = kmem_cache_create(k, "anon_vma_chain",
			ANON_VMA_CHAIN_SIZE, 0, SLAB_ACCOUNT | SLAB_NO_MERGE, NULL, NULL, &err);
	return err;
}

static struct anon_vma *anon_vma_alloc(struct kernel *k)
{
	struct anon_vma *av = kmem_cache_alloc(k, k->mm_caches.anon_vma, GFP_KERNEL | __GFP_ZERO);
	if (av)
		av->root = av;
	return av;
}

/* See rmap.h. */
void put_anon_vma(struct kernel *k, struct anon_vma *av)
{
	while (av && --av->refcount == 0) {
		struct anon_vma *parent = av->parent;
		kmem_cache_free(k, k->mm_caches.anon_vma, av);
		av = parent;
	}
}

/* ---- the interval tree of an anon_vma's chain entries ------------------------- */

static uint64_t avc_start(const struct anon_vma_chain *avc)
{
	return avc->vma->vm_pgoff;
}

static uint64_t avc_last(const struct anon_vma_chain *avc)
{
	return avc->vma->vm_pgoff + vma_pages(avc->vma) - 1;
}

static struct anon_vma_chain *rb_avc(struct rb_node *n)
{
	return n ? rb_entry(n, struct anon_vma_chain, rb) : NULL;
}

/* rb_subtree_last from the entry's own last offset and its children's. */
static void avc_compute_last(struct rb_node *n)
{
	struct anon_vma_chain *avc = rb_avc(n), *l = rb_avc(n->rb_left), *r = rb_avc(n->rb_right);
	uint64_t last = avc_last(avc);
	if (l && l->rb_subtree_last > last)
		last = l->rb_subtree_last;
	if (r && r->rb_subtree_last > last)
		last = r->rb_subtree_last;
	avc->rb_subtree_last = last;
}

static const struct rb_augment_callbacks avc_augment = { avc_compute_last };

/* Put avc in its anon_vma's tree, by start offset (Linux:
 * anon_vma_interval_tree_insert). */
static void anon_vma_interval_tree_insert(struct anon_vma_chain *avc)
{
	struct rb_root *root = &avc->anon_vma->rb_root;
	struct rb_node **link = &root->rb_node, *parent = NULL;
	uint64_t start = avc_start(avc);
	while (*link) {
		parent = *link;
		link = start < avc_start(rb_avc(parent)) ? &parent->rb_left : &parent->rb_right;
	}
	avc->rb_subtree_last = avc_last(avc);
	rb_link_node(&avc->rb, parent, link);
	rb_insert_augmented(&avc->rb, root, &avc_augment);
}

static void anon_vma_interval_tree_remove(struct anon_vma_chain *avc)
{
	rb_erase_augmented(&avc->rb, &avc->anon_vma->rb_root, &avc_augment);
}

/* See rmap.h. */
void anon_vma_interval_tree_update_vma(struct vm_area_struct *vma)
{
	for (struct anon_vma_chain *avc = vma->anon_vma_chain; avc; avc = avc->same_vma) {
		anon_vma_interval_tree_remove(avc);
		anon_vma_interval_tree_insert(avc);
	}
}

/* Call fn for every entry of the subtree at n whose range holds index, in
 * order of start offset; stops at a non-zero return (Linux:
 * anon_vma_interval_tree_foreach). */
static int avc_foreach(struct rb_node *n, uint64_t index, uint64_t addr_index,
		       int (*fn)(struct vm_area_struct *vma, uint64_t address, void *arg), void *arg)
{
	struct anon_vma_chain *avc = rb_avc(n);
	int rc;
	if (!avc || avc->rb_subtree_last < index)
		return 0;
	if ((rc = avc_foreach(n->rb_left, index, addr_index, fn, arg)))
		return rc;
	if (avc_start(avc) > index)
		return 0;
	if (avc_last(avc) >= index) {
		struct vm_area_struct *vma = avc->vma;
		if ((rc = fn(vma, vma->vm_start + ((addr_index - vma->vm_pgoff) << PAGE_SHIFT), arg)))
			return rc;
	}
	return avc_foreach(n->rb_right, index, addr_index, fn, arg);
}

/* Link vma into av with a new chain entry. 0 or -ENOMEM. */
static int anon_vma_chain_link(struct kernel *k, struct vm_area_struct *vma, struct anon_vma *av)
{
	struct anon_vma_chain *avc = kmem_cache_alloc(k, k->mm_caches.anon_vma_chain, GFP_KERNEL);
	if (!avc)
		return -ENOMEM;
	avc->vma = vma;
	avc->anon_vma = av;
	avc->same_vma = vma->anon_vma_chain;
	vma->anon_vma_chain = avc;
	anon_vma_interval_tree_insert(avc);
	av->refcount++;
	return 0;
}

/* See rmap.h. */
bool vma_is_fork_child(const struct vm_area_struct *vma)
{
	return vma && vma->anon_vma && vma->anon_vma_chain && vma->anon_vma_chain->same_vma;
}

/* Could a and b, adjacent, share an anon_vma? (Linux: anon_vma_compatible) */
static bool anon_vma_compatible(const struct vm_area_struct *a, const struct vm_area_struct *b)
{
	return a->vm_end == b->vm_start && a->vm_file == b->vm_file &&
	       !((a->vm_flags ^ b->vm_flags) & ~(VM_ACCESS_FLAGS | VM_SOFTDIRTY)) &&
	       b->vm_pgoff == a->vm_pgoff + vma_pages(a);
}

/* The anon_vma of a neighbour vma could share (Linux: find_mergeable_anon_vma). */
static struct anon_vma *find_mergeable_anon_vma(struct vm_area_struct *vma)
{
	struct vm_area_struct *n = vma->vm_next, *p = vma->vm_prev;
	if (n && n->anon_vma && !vma_is_fork_child(n) && anon_vma_compatible(vma, n))
		return n->anon_vma;
	if (p && p->anon_vma && !vma_is_fork_child(p) && anon_vma_compatible(p, vma))
		return p->anon_vma;
	return NULL;
}

/* See rmap.h. */
int anon_vma_prepare(struct kernel *k, struct vm_area_struct *vma)
{
	if (vma->anon_vma)
		return 0;
	struct anon_vma *av = find_mergeable_anon_vma(vma);
	bool fresh = !av;
	if (fresh && !(av = anon_vma_alloc(k)))
		return -ENOMEM;
	if (anon_vma_chain_link(k, vma, av)) {
		if (fresh)
			kmem_cache_free(k, k->mm_caches.anon_vma, av);
		return -ENOMEM;
	}
	if (fresh)
		av->num_children++;                /* a root is its own parent */
	av->num_active_vmas++;
	vma->anon_vma = av;
	return 0;
}

/* Reverse vma's chain list (links prepend; clones keep the source's order). */
static void reverse_chain(struct vm_area_struct *vma)
{
	struct anon_vma_chain *prev = NULL, *a = vma->anon_vma_chain;
	while (a) {
		struct anon_vma_chain *next = a->same_vma;
		a->same_vma = prev;
		prev = a;
		a = next;
	}
	vma->anon_vma_chain = prev;
}

/* See rmap.h. dst's chain keeps src's order, so dst's own anon_vma (first
 * in src) stays first. */
int anon_vma_clone(struct kernel *k, struct vm_area_struct *dst, struct vm_area_struct *src)
{
	struct anon_vma *reuse = NULL;
	for (struct anon_vma_chain *a = src->anon_vma_chain; a; a = a->same_vma) {
		if (anon_vma_chain_link(k, dst, a->anon_vma)) {
			dst->anon_vma = NULL;
			unlink_anon_vmas(k, dst);
			return -ENOMEM;
		}
		if (a->anon_vma->num_children < 2 && !a->anon_vma->num_active_vmas)
			reuse = a->anon_vma;                 /* the last such is the oldest */
	}
	reverse_chain(dst);
	if (!dst->anon_vma && src->anon_vma)
		dst->anon_vma = reuse;
	if (dst->anon_vma)
		dst->anon_vma->num_active_vmas++;
	return 0;
}

/* See rmap.h. */
int anon_vma_fork(struct kernel *k, struct vm_area_struct *vma, struct vm_area_struct *pvma)
{
	vma->anon_vma = NULL;
	vma->anon_vma_chain = NULL;
	if (!pvma->anon_vma)
		return 0;
	if (anon_vma_clone(k, vma, pvma))
		return -ENOMEM;
	if (vma->anon_vma)
		return 0;                          /* an existing anon_vma was reused */
	struct anon_vma *av = anon_vma_alloc(k);
	if (!av || anon_vma_chain_link(k, vma, av)) {
		if (av)
			kmem_cache_free(k, k->mm_caches.anon_vma, av);
		unlink_anon_vmas(k, vma);
		return -ENOMEM;
	}
	av->root = pvma->anon_vma->root;
	av->parent = pvma->anon_vma;
	av->parent->refcount++;
	av->parent->num_children++;
	av->num_active_vmas++;
	vma->anon_vma = av;
	return 0;
}

/* See rmap.h. */
void unlink_anon_vmas(struct kernel *k, struct vm_area_struct *vma)
{
	struct anon_vma_chain *avc = vma->anon_vma_chain;
	while (avc) {
		struct anon_vma_chain *next = avc->same_vma;
		struct anon_vma *av = avc->anon_vma;
		anon_vma_interval_tree_remove(avc);
		if (!av->rb_root.rb_node)          /* it goes: one child fewer for its parent */
			(av->parent ? av->parent : av)->num_children--;
		kmem_cache_free(k, k->mm_caches.anon_vma_chain, avc);
		put_anon_vma(k, av);
		avc = next;
	}
	vma->anon_vma_chain = NULL;
	if (vma->anon_vma)
		vma->anon_vma->num_active_vmas--;
	vma->anon_vma = NULL;
}

/* The page offset an address of vma corresponds to (Linux: linear_page_index). */
static uint64_t linear_page_index(const struct vm_area_struct *vma, uint64_t address)
{
	return ((address - vma->vm_start) >> PAGE_SHIFT) + vma->vm_pgoff;
}

/* See rmap.h. */
void folio_add_new_anon_rmap(struct kernel *k, struct page *page, struct vm_area_struct *vma,
			     uint64_t address, bool exclusive)
{
	/* A page not exclusive to vma (read from swap, its slot shared after a
	 * fork) takes the root anon_vma, which every VMA of the fork tree is
	 * linked to, so rmap finds each of its mappings (Linux: __folio_set_anon). */
	struct anon_vma *av = exclusive ? vma->anon_vma : vma->anon_vma->root;
	folio_set_owner(k, page, virt_to_phys(k, av), true, linear_page_index(vma, address));
	page->mapcount = 1;
	if (exclusive)
		page_set(page, PG_anon_exclusive);
	page_set(page, PG_swapbacked);
	__lruvec_stat_mod_folio(k, page, NR_ANON_MAPPED, 1);
}

/* A page mapped into a locked VMA is locked too (Linux: mlock_vma_folio). */
static void mlock_vma_folio(struct kernel *k, struct page *page, struct vm_area_struct *vma)
{
	if ((vma->vm_flags & (VM_LOCKED | VM_SPECIAL)) == VM_LOCKED)
		mlock_folio(k, page);
}

/* See rmap.h. */
void folio_add_anon_rmap_pte(struct kernel *k, struct page *page, struct vm_area_struct *vma, bool exclusive)
{
	if (page_is_large(page)) {
		large_folio_add_rmap_pte(k, page, exclusive);
		return;
	}
	if (page->mapcount++ == 0)
		__lruvec_stat_mod_folio(k, page, NR_ANON_MAPPED, 1);
	if (exclusive)
		page_set(page, PG_anon_exclusive);
	mlock_vma_folio(k, page, vma);
}

/* See rmap.h. */
void folio_add_file_rmap_pte(struct kernel *k, struct page *page)
{
	if (page->mapcount++ == 0)
		__lruvec_stat_mod_folio(k, page, NR_FILE_MAPPED, 1);
}

/* See rmap.h. */
void folio_try_dup_anon_rmap_pte(struct page *page)
{
	page->mapcount++;
	page_clear(page, PG_anon_exclusive);
}

/* See rmap.h. */
void folio_dup_file_rmap_pte(struct page *page)
{
	page->mapcount++;
}

/* See rmap.h. */
void folio_remove_rmap_pte(struct kernel *k, struct page *page)
{
	if (page_is_large(page)) {
		large_folio_remove_rmap_pte(k, page);
		return;
	}
	if (--page->mapcount)
		return;
	__lruvec_stat_mod_folio(k, page, PageAnon(page) ? NR_ANON_MAPPED : NR_FILE_MAPPED, -1);
	page_clear(page, PG_anon_exclusive);
}

/* See rmap.h. */
struct anon_vma *folio_anon_vma(struct kernel *k, const struct page *page)
{
	return PageAnon(page) ? phys_to_virt(k, page_owner_pa(page)) : NULL;
}

/* The address of page's index in vma, or 0 when vma does not cover it. */
static uint64_t vma_address(const struct vm_area_struct *vma, uint64_t index)
{
	if (index < vma->vm_pgoff || index - vma->vm_pgoff >= vma_pages(vma))
		return 0;
	return vma->vm_start + ((index - vma->vm_pgoff) << PAGE_SHIFT);
}

/* See rmap.h. */
int rmap_walk(struct kernel *k, struct page *page,
	      int (*fn)(struct vm_area_struct *vma, uint64_t address, void *arg), void *arg)
{
	uint64_t index = folio_pgoff(k, page);
	int rc = 0;

	if (PageAnon(page))
		return avc_foreach(folio_anon_vma(k, page)->rb_root.rb_node, index, index, fn, arg);
	struct inode *f = page_inode(k, page);
	for (struct vm_area_struct *vma = f ? f->i_data.i_mmap : NULL; vma && !rc; vma = vma->shared_next) {
		uint64_t addr = vma_address(vma, index);
		if (addr)
			rc = fn(vma, addr, arg);
	}
	return rc;
}

/* See rmap.h. */
int rmap_walk_anon_index(struct kernel *k, const struct page *head, uint64_t index,
			 int (*fn)(struct vm_area_struct *vma, uint64_t address, void *arg), void *arg)
{
	return avc_foreach(folio_anon_vma(k, head)->rb_root.rb_node, index, index, fn, arg);
}

/* ---- reclaim's rmap walks ------------------------------------------------------ */

/* The PTE of vma at address if it maps page (Linux: page_vma_mapped_walk
 * for a small folio), else NULL. */
static pte_t *page_vma_mapped(struct kernel *k, struct vm_area_struct *vma, uint64_t address,
			      const struct page *page)
{
	int err;
	pte_t *pte = pte_walk(k, vma->vm_mm, address, false, &err);
	if (!pte || !pte_present(*pte) || pte_pfn(*pte) != page_to_pfn(k, page))
		return NULL;
	return pte;
}

struct folio_referenced_arg {
	struct kernel *k;
	struct page *page;
	int mapcount;                /* mappings still to find */
	int referenced;
	uint64_t vm_flags;
};

/* One mapping's part of folio_referenced (Linux: folio_referenced_one): a
 * locked VMA locks the page and ends the walk; else the PTE's Accessed bit
 * is read and cleared. On x86 that needs no TLB flush (Linux:
 * ptep_clear_flush_young): a translation still in a TLB keeps being used
 * without the walker setting the bit again, so the page looks unused until
 * the entry leaves the TLB. */
static int folio_referenced_one(struct vm_area_struct *vma, uint64_t address, void *arg)
{
	struct folio_referenced_arg *pra = arg;
	pte_t *pte = page_vma_mapped(pra->k, vma, address, pra->page);
	if (!pte)
		return 0;
	if ((vma->vm_flags & (VM_LOCKED | VM_SPECIAL)) == VM_LOCKED) {
		pra->mapcount--;
		mlock_vma_folio(pra->k, pra->page, vma);
		pra->vm_flags |= VM_LOCKED;
		return 1;
	}
	if (*pte & _PAGE_ACCESSED) {             /* ptep_test_and_clear_young */
		*pte &= ~_PAGE_ACCESSED;
		pra->referenced++;
		pra->vm_flags |= vma->vm_flags & ~VM_LOCKED;
	}
	return --pra->mapcount == 0;
}

/* See rmap.h. */
int folio_referenced(struct kernel *k, struct page *page, uint64_t *vm_flags)
{
	struct folio_referenced_arg pra = { k, page, page->mapcount, 0, 0 };
	*vm_flags = 0;
	if (!pra.mapcount || !page_owner_pa(page))
		return 0;
	rmap_walk(k, page, folio_referenced_one, &pra);
	*vm_flags = pra.vm_flags;
	return pra.referenced;
}

/* Defer this unmap's TLB flush to the batch? Only when another CPU may
 * cache the translation (x86's arch_tlbbatch_should_defer); a translation
 * only this CPU may hold is flushed at once. */
static bool should_defer_flush(struct kernel *k, struct mm_struct *mm)
{
	for (int c = 0; c < k->nr_cpus; c++)
		if (c != k->this_cpu && cpumask_test(mm->cpu_bitmap, c))
			return true;
	return false;
}

struct unmap_arg {
	struct kernel *k;
	struct page *page;
	bool batch;                  /* TTU_BATCH_FLUSH */
	bool failed;
};

/* Clear the PTE of page at address of vma and note or do its TLB flush
 * (Linux: get_and_clear_full_ptes with set_tlb_ubc_flush_pending, or
 * ptep_clear_flush). Returns the old entry. */
static pte_t unmap_clear_pte(struct kernel *k, struct vm_area_struct *vma, uint64_t address, pte_t *pte,
			     bool batch)
{
	pte_t pteval = *pte;
	*pte = 0;
	if (!(pteval & _PAGE_PRESENT))
		return pteval;                   /* PROT_NONE: no TLB holds it */
	if (batch && should_defer_flush(k, vma->vm_mm))
		arch_tlbbatch_add_pending(k, &k->tlb_ubc, vma->vm_mm, pte_dirty(pteval));
	else
		flush_tlb_page(k, vma, address);
	return pteval;
}

/* An anonymous page's PTE becomes a swap PTE naming its slot (or, for a
 * clean MADV_FREE page, nothing at all). False when it must stay mapped. */
static bool try_to_unmap_anon(struct kernel *k, struct vm_area_struct *vma, uint64_t address, pte_t *pte,
			      pte_t pteval, struct page *page)
{
	struct mm_struct *mm = vma->vm_mm;
	if (!page_test(page, PG_swapbacked)) {   /* MADV_FREE */
		if (page_test(page, PG_dirty) || page_ref_count(page) != 1 + page->mapcount) {
			*pte = pteval;
			if (page_test(page, PG_dirty))
				page_set(page, PG_swapbacked);    /* written again: anonymous again */
			return false;
		}
		mm->rss_stat[MM_ANONPAGES]--;
		return true;
	}
	swp_entry_t entry = page_swap_entry(page);
	if (swap_duplicate(k, entry) < 0) {
		*pte = pteval;
		return false;
	}
	pte_t swp_pte = swp_entry_to_pte(entry);
	if (page_test(page, PG_anon_exclusive))
		swp_pte = pte_swp_mkexclusive(swp_pte);
	if (pteval & _PAGE_SOFT_DIRTY)
		swp_pte = pte_swp_mksoft_dirty(swp_pte);
	page_clear(page, PG_anon_exclusive);     /* folio_try_share_anon_rmap_pte */
	mm->rss_stat[MM_ANONPAGES]--;
	mm->rss_stat[MM_SWAPENTS]++;
	*pte = swp_pte;
	trace_kernel(k, k->this_cpu, "PTE at %#llx = %#llx: swap entry of slot %llu of device %u, not present",
		     (unsigned long long)address, (unsigned long long)swp_pte,
		     (unsigned long long)swp_offset(entry), swp_type(entry));
	return true;
}

/* One mapping's part of try_to_unmap (Linux: try_to_unmap_one). */
static int try_to_unmap_one(struct vm_area_struct *vma, uint64_t address, void *arg)
{
	struct unmap_arg *ua = arg;
	struct kernel *k = ua->k;
	struct page *page = ua->page;
	pte_t *pte = page_vma_mapped(k, vma, address, page);

	if (!pte)
		return 0;
	if ((vma->vm_flags & (VM_LOCKED | VM_SPECIAL)) == VM_LOCKED) {
		mlock_vma_folio(k, page, vma);        /* restore the mlock that got missed */
		ua->failed = true;
		return 1;
	}
	pte_t pteval = unmap_clear_pte(k, vma, address, pte, ua->batch);
	if (pte_dirty(pteval))
		folio_mark_dirty(k, page);           /* the PTE was dirty */
	update_hiwater_rss(vma->vm_mm);
	if (PageAnon(page)) {
		if (!try_to_unmap_anon(k, vma, address, pte, pteval, page)) {
			ua->failed = true;
			return 1;
		}
	} else {
		vma->vm_mm->rss_stat[page_test(page, PG_swapbacked) ? MM_SHMEMPAGES : MM_FILEPAGES]--;
	}
	folio_remove_rmap_pte(k, page);
	put_page(k, page);
	return 0;
}

/* Walk every mapping of page with fn (try_to_unmap_one or
 * try_to_migrate_one). True when no mapping is left. */
static bool unmap_walk(struct kernel *k, struct page *page, bool batch,
		       int (*fn)(struct vm_area_struct *vma, uint64_t address, void *arg))
{
	struct unmap_arg ua = { k, page, batch, false };
	if (page->mapcount && page_owner_pa(page))
		rmap_walk(k, page, fn, &ua);
	return !page->mapcount;
}

/* See rmap.h. */
bool try_to_unmap(struct kernel *k, struct page *page, bool batch)
{
	return unmap_walk(k, page, batch, try_to_unmap_one);
}

/* See rmap.h. */
void try_to_unmap_flush(struct kernel *k)
{
	if (k->tlb_ubc.flush_required)
		arch_tlbbatch_flush(k, &k->tlb_ubc);
}

/* See rmap.h. */
void try_to_unmap_flush_dirty(struct kernel *k)
{
	if (k->tlb_ubc.writable)
		try_to_unmap_flush(k);
}

/* See rmap.h. */
struct anon_vma *folio_get_anon_vma(struct kernel *k, const struct page *page)
{
	struct anon_vma *av = folio_anon_vma(k, page);
	if (av)
		av->refcount++;
	return av;
}

/* ---- migration's rmap walk ------------------------------------------------------ */

/* The migration entry replacing pteval, a PTE of page: its type says how
 * the page was mapped, its offset holds the frame and the PTE's Accessed
 * and Dirty bits; soft-dirty rides along as for a swap entry (Linux: the
 * entry try_to_migrate_one builds). */
static pte_t make_migration_pte(struct kernel *k, pte_t pteval, uint64_t pfn, bool anon_exclusive)
{
	unsigned type = pte_write(pteval) ? SWP_MIGRATION_WRITE
		      : anon_exclusive   ? SWP_MIGRATION_READ_EXCLUSIVE : SWP_MIGRATION_READ;
	swp_entry_t entry = make_migration_entry(type, pfn);
	if (pte_young(pteval))
		entry = make_migration_entry_young(entry, k->paging_levels);
	if (pte_dirty(pteval))
		entry = make_migration_entry_dirty(entry, k->paging_levels);
	pte_t swp_pte = swp_entry_to_pte(entry);
	if (pteval & _PAGE_SOFT_DIRTY)
		swp_pte = pte_swp_mksoft_dirty(swp_pte);
	return swp_pte;
}

/* Replace the PTE of page at address of vma by its migration entry (the
 * body of Linux's try_to_migrate_one): the PTE is cleared and flushed (or
 * the flush batched), a dirty PTE dirties the page, and the page loses
 * that mapping and its reference. The process's RSS is unchanged: the
 * entry still counts as its page. Returns the old PTE. */
static pte_t set_migration_pte(struct kernel *k, struct vm_area_struct *vma, uint64_t address, pte_t *pte,
			       struct page *page, bool batch)
{
	pte_t pteval = unmap_clear_pte(k, vma, address, pte, batch);
	if (pte_dirty(pteval))
		page_set(page, PG_dirty);            /* folio_mark_dirty */
	*pte = make_migration_pte(k, pteval, page_to_pfn(k, page),
				  PageAnon(page) && page_test(page, PG_anon_exclusive));
	folio_remove_rmap_pte(k, page);
	put_page(k, page);
	return pteval;
}

/* One mapping's part of try_to_migrate (Linux: try_to_migrate_one). */
static int try_to_migrate_one(struct vm_area_struct *vma, uint64_t address, void *arg)
{
	struct unmap_arg *ua = arg;
	pte_t *pte = page_vma_mapped(ua->k, vma, address, ua->page);
	if (!pte)
		return 0;
	uint64_t pfn = page_to_pfn(ua->k, ua->page);
	pte_t old = set_migration_pte(ua->k, vma, address, pte, ua->page, ua->batch);
	trace_kernel(ua->k, ua->k->this_cpu, "PTE at %#llx = %#llx: migration entry for pfn %#llx (%s), not present",
		     (unsigned long long)address, (unsigned long long)*pte, (unsigned long long)pfn,
		     pte_write(old) ? "writable" : swp_type(pte_to_swp_entry(*pte)) == SWP_MIGRATION_READ_EXCLUSIVE
		     ? "read-only, exclusive" : "read-only");
	return 0;
}

/* See rmap.h. */
bool try_to_migrate(struct kernel *k, struct page *page, bool batch)
{
	return unmap_walk(k, page, batch, try_to_migrate_one);
}
