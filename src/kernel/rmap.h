/*
 * kernel/rmap.h — reverse mapping: from a frame to the page-table entries
 * that map it (Linux: include/linux/rmap.h, mm/rmap.c).
 *
 * Anonymous pages point to an anon_vma; an anon_vma knows, through its
 * anon_vma_chain entries, every VMA that may map its pages: the VMA that
 * created it and that VMA's copies in forked children. Each VMA also lists
 * its chain entries, one per anon_vma it belongs to (its own and its
 * ancestors'). The anon_vma keeps its entries in an interval tree by the
 * VMAs' page offsets, as Linux does (anon_vma_interval_tree): a walk for
 * one page visits only the VMAs whose range holds its index, however many
 * VMAs a fork tree has. Page-cache pages are found through their file's
 * list of mapping VMAs (Linux: i_mmap).
 *
 * Linux 6.18 names the map-count operations after folios. The simulator has
 * no large folios yet (every folio is one page), so its folio_* functions
 * take the struct page that is the whole folio.
 */
#ifndef MMSIM_KERNEL_RMAP_H
#define MMSIM_KERNEL_RMAP_H

#include <stdbool.h>
#include <stdint.h>

struct kernel;
struct page;
struct vm_area_struct;

#include "kernel/rbtree.h"

struct anon_vma_chain {
	struct vm_area_struct *vma;
	struct anon_vma *anon_vma;
	struct anon_vma_chain *same_vma;          /* next entry of the same VMA */
	struct rb_node rb;                        /* in anon_vma->rb_root, by vm_pgoff */
	uint64_t rb_subtree_last;                 /* the largest last page offset below */
};

struct anon_vma {
	struct anon_vma *root;                    /* of the fork tree */
	struct anon_vma *parent;
	int refcount;                             /* chain entries + child anon_vmas */
	unsigned num_children;                    /* anon_vmas whose parent it is (and itself, a root) */
	unsigned num_active_vmas;                 /* VMAs whose own anon_vma it is */
	struct rb_root rb_root;                   /* every VMA that may map its pages */
};

/* vma's range or offset changed: move its chain entries to their new
 * places in their anon_vmas' trees (Linux:
 * anon_vma_interval_tree_pre/post_update_vma, called by vma_gap_update). */
void anon_vma_interval_tree_update_vma(struct vm_area_struct *vma);

/* Give vma an anon_vma before its first anonymous page: a neighbour's when
 * they could merge, else a new one (Linux: __anon_vma_prepare). 0 or -ENOMEM. */
int anon_vma_prepare(struct kernel *k, struct vm_area_struct *vma);

/* Make dst belong to every anon_vma src belongs to (split, mremap, fork).
 * A dst without an anon_vma of its own (fork) takes the oldest of them that
 * no VMA uses as its own and that has at most one child, so that a fork
 * tree's chains stop growing when its processes come and go (Linux
 * 4.0+'s reuse). 0 or -ENOMEM (nothing attached then). */
int anon_vma_clone(struct kernel *k, struct vm_area_struct *dst, struct vm_area_struct *src);

/* For fork: clone the parent's chain into the child's VMA and give the
 * child an anon_vma of its own, a child of the parent's. 0 or -ENOMEM. */
int anon_vma_fork(struct kernel *k, struct vm_area_struct *vma, struct vm_area_struct *pvma);

/* Detach vma from all its anon_vmas, freeing those left unused. */
void unlink_anon_vmas(struct kernel *k, struct vm_area_struct *vma);

/* True when vma was copied from a parent's by fork and still shares its
 * ancestors' anon_vmas (such VMAs do not merge, as on Linux, which tests
 * list_is_singular(&vma->anon_vma_chain) in is_mergeable_anon_vma). */
bool vma_is_fork_child(const struct vm_area_struct *vma);

/* Add the first mapping of a new anonymous page at address of vma: owner,
 * index, mapcount 1, exclusive when said (RMAP_EXCLUSIVE) (Linux:
 * folio_add_new_anon_rmap). */
void folio_add_new_anon_rmap(struct kernel *k, struct page *page, struct vm_area_struct *vma,
			     uint64_t address, bool exclusive);

/* One more mapping, in vma, of an anonymous page (a swap-cache page mapped
 * back); exclusive when the swap PTE said so; locked in a locked VMA
 * (Linux: folio_add_anon_rmap_pte). */
void folio_add_anon_rmap_pte(struct kernel *k, struct page *page, struct vm_area_struct *vma, bool exclusive);

/* How many mappings of page were used since the last look: the Accessed
 * bits of its PTEs, read and cleared through the rmap; *vm_flags gets the
 * flags of the VMAs that used it, VM_LOCKED when one is locked (the page is
 * then mlocked and the walk stops) (Linux: folio_referenced). */
int folio_referenced(struct kernel *k, struct page *page, uint64_t *vm_flags);

/* Unmap page from every PTE: an anonymous page's become swap PTEs naming
 * its slot (it must be in the swap cache), a clean MADV_FREE page's become
 * empty, a file page's empty; a dirty PTE dirties the page. With batch the
 * TLB flushes of mms other CPUs may have loaded are left to
 * try_to_unmap_flush (Linux: try_to_unmap with TTU_BATCH_FLUSH). True when
 * no mapping is left; a locked VMA (or a page redirtied since MADV_FREE)
 * keeps its mapping. */
bool try_to_unmap(struct kernel *k, struct page *page, bool batch);

/* Flush the TLBs the unmaps since the last flush left stale (Linux:
 * try_to_unmap_flush); the _dirty version only when a dirty PTE was among
 * them, before the page is written (Linux: try_to_unmap_flush_dirty). */
void try_to_unmap_flush(struct kernel *k);
void try_to_unmap_flush_dirty(struct kernel *k);

/* A mapping of a page-cache page (Linux: folio_add_file_rmap_pte). */
void folio_add_file_rmap_pte(struct kernel *k, struct page *page);

/* One more mapping of an anonymous page, for fork: it is no longer
 * exclusive (Linux: folio_try_dup_anon_rmap_pte, which fails only for a
 * pinned page; nothing pins pages here, so this cannot fail). */
void folio_try_dup_anon_rmap_pte(struct page *page);

/* One more mapping of a page-cache page, for fork (Linux:
 * folio_dup_file_rmap_pte). */
void folio_dup_file_rmap_pte(struct page *page);

/* One mapping fewer (Linux: folio_remove_rmap_pte). */
void folio_remove_rmap_pte(struct kernel *k, struct page *page);

/* Call fn(vma, address, arg) for every place page may be mapped; stops
 * when fn returns non-zero and returns that (Linux: rmap_walk). */
int rmap_walk(struct kernel *k, struct page *page,
	      int (*fn)(struct vm_area_struct *vma, uint64_t address, void *arg), void *arg);

/* Call fn(vma, address, arg) for every VMA of the anonymous folio head's
 * anon_vma that covers page offset index, address being index's there (a
 * page of a large folio other than the head: head's index + n); stops at
 * a non-zero return (Linux: the interval-tree walk of rmap_walk_anon). */
int rmap_walk_anon_index(struct kernel *k, const struct page *head, uint64_t index,
			 int (*fn)(struct vm_area_struct *vma, uint64_t address, void *arg), void *arg);

/* The anon_vma of an anonymous page (Linux: folio_anon_vma). */
struct anon_vma *folio_anon_vma(struct kernel *k, const struct page *page);

/* Slab caches "anon_vma" and "anon_vma_chain". */
int anon_vma_init(struct kernel *k);

/* Replace every PTE mapping page by a migration entry naming its frame,
 * flushing the TLBs (with batch, only the flushes this CPU alone needs;
 * the rest wait for try_to_unmap_flush). True when no mapping is left
 * (Linux: try_to_migrate). */
bool try_to_migrate(struct kernel *k, struct page *page, bool batch);

/* Hold and drop an anon_vma (an anonymous page's, so that its rmap
 * survives while the page is unmapped) (Linux: folio_get_anon_vma,
 * put_anon_vma). folio_get_anon_vma returns NULL for a page without one. */
struct anon_vma *folio_get_anon_vma(struct kernel *k, const struct page *page);
void put_anon_vma(struct kernel *k, struct anon_vma *av);

#endif
