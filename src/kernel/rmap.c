/* kernel/rmap.c — anon_vmas and the reverse-map walk. See rmap.h. */
#include "kernel/rmap.h"

#include "kernel/fs.h"
#include "kernel/kernel.h"
#include "kernel/mm.h"
#include "kernel/slab.h"

#include <errno.h>

/* See rmap.h. */
int anon_vma_init(struct kernel *k)
{
	int err;
	k->mm_caches.anon_vma = kmem_cache_create(k, "anon_vma", sizeof(struct anon_vma), 0,
						  SLAB_TYPESAFE_BY_RCU | SLAB_ACCOUNT, NULL, NULL, &err);
	if (!err)
		k->mm_caches.anon_vma_chain = kmem_cache_create(k, "anon_vma_chain",
			sizeof(struct anon_vma_chain), 0, SLAB_ACCOUNT | SLAB_NO_MERGE, NULL, NULL, &err);
	return err;
}

static struct anon_vma *anon_vma_alloc(struct kernel *k)
{
	struct anon_vma *av = kmem_cache_alloc(k, k->mm_caches.anon_vma, GFP_KERNEL | __GFP_ZERO);
	if (av)
		av->root = av;
	return av;
}

/* Drop a reference; the last frees av and drops its parent's. */
static void put_anon_vma(struct kernel *k, struct anon_vma *av)
{
	while (av && --av->refcount == 0) {
		struct anon_vma *parent = av->parent;
		kmem_cache_free(k, k->mm_caches.anon_vma, av);
		av = parent;
	}
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
	avc->prev = NULL;
	avc->next = av->head;
	if (av->head)
		av->head->prev = avc;
	av->head = avc;
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
	for (struct anon_vma_chain *a = src->anon_vma_chain; a; a = a->same_vma)
		if (anon_vma_chain_link(k, dst, a->anon_vma)) {
			unlink_anon_vmas(k, dst);
			return -ENOMEM;
		}
	reverse_chain(dst);
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
		if (avc->prev)
			avc->prev->next = avc->next;
		else
			av->head = avc->next;
		if (avc->next)
			avc->next->prev = avc->prev;
		kmem_cache_free(k, k->mm_caches.anon_vma_chain, avc);
		put_anon_vma(k, av);
		avc = next;
	}
	vma->anon_vma_chain = NULL;
	vma->anon_vma = NULL;
}

/* The page offset an address of vma corresponds to (Linux: linear_page_index). */
static uint64_t linear_page_index(const struct vm_area_struct *vma, uint64_t address)
{
	return ((address - vma->vm_start) >> PAGE_SHIFT) + vma->vm_pgoff;
}

/* See rmap.h. */
void folio_add_new_anon_rmap(struct kernel *k, struct page *page, struct vm_area_struct *vma,
			    uint64_t address)
{
	page_set_owner(page, virt_to_phys(k, vma->anon_vma), true, linear_page_index(vma, address));
	page->mapcount = 1;
	page_set(page, PG_anon_exclusive);
	page_set(page, PG_swapbacked);
	mod_node_page_state(k->node_data[0], NR_ANON_MAPPED, 1);
}

/* See rmap.h. */
void folio_add_file_rmap_pte(struct kernel *k, struct page *page)
{
	if (page->mapcount++ == 0)
		mod_node_page_state(k->node_data[0], NR_FILE_MAPPED, 1);
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
	if (--page->mapcount)
		return;
	mod_node_page_state(k->node_data[0], PageAnon(page) ? NR_ANON_MAPPED : NR_FILE_MAPPED, -1);
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
	uint64_t index = page_index(page);
	int rc = 0;

	if (PageAnon(page)) {
		for (struct anon_vma_chain *avc = folio_anon_vma(k, page)->head; avc && !rc; avc = avc->next) {
			uint64_t addr = vma_address(avc->vma, index);
			if (addr)
				rc = fn(avc->vma, addr, arg);
		}
		return rc;
	}
	struct file *f = page_file(k, page);
	for (struct vm_area_struct *vma = f ? f->i_mmap : NULL; vma && !rc; vma = vma->shared_next) {
		uint64_t addr = vma_address(vma, index);
		if (addr)
			rc = fn(vma, addr, arg);
	}
	return rc;
}
