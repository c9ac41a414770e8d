/*
 * kernel/vma.c — VMAs: the tree, split and merge, and the operations on
 * ranges of VMAs that mmap, munmap, brk, mremap and stack growth share
 * (Linux: mm/vma.c, and the lookups of mm/mmap.c and the allocation of
 * mm/vma_init.c, kept here beside the tree they serve).
 *
 * The tree is a red-black tree ordered by vm_start; the VMAs are also
 * threaded on an address-ordered list, so walking a range is O(log n + k).
 */
#include "kernel/mm.h"

#include "kernel/fs.h"
#include "kernel/huge_mm.h"
#include "kernel/hugetlb.h"
#include "kernel/kernel.h"
#include "kernel/memory.h"
#include "kernel/mman.h"
#include "kernel/rmap.h"
#include "kernel/sched.h"
#include "kernel/slab.h"
#include "kernel/trace.h"

#include <errno.h>
#include <string.h>

static inline struct vm_area_struct *rb_vma(struct rb_node *n)
{
	return n ? rb_entry(n, struct vm_area_struct, vm_rb) : NULL;
}

/* See mm.h. Descends to the lowest VMA ending above addr. */
struct vm_area_struct *find_vma(struct mm_struct *mm, uint64_t addr)
{
	struct rb_node *n = mm->mm_rb.rb_node;
	struct vm_area_struct *found = NULL;

	while (n) {
		struct vm_area_struct *v = rb_vma(n);
		if (v->vm_end > addr) {
			found = v;
			if (v->vm_start <= addr)
				break;
			n = n->rb_left;
		} else {
			n = n->rb_right;
		}
	}
	return found;
}

/* See mm.h. */
struct vm_area_struct *find_vma_prev(struct mm_struct *mm, uint64_t addr,
				     struct vm_area_struct **pprev)
{
	struct vm_area_struct *v = find_vma(mm, addr);
	if (v) {
		*pprev = v->vm_prev;
	} else {
		*pprev = rb_vma(rb_last(&mm->mm_rb));
	}
	return v;
}

/* See mm.h. */
struct vm_area_struct *find_vma_intersection(struct mm_struct *mm, uint64_t start, uint64_t end)
{
	struct vm_area_struct *v = find_vma(mm, start);
	return v && v->vm_start < end ? v : NULL;
}

/* See mm.h. */
struct vm_area_struct *vma_lookup(struct mm_struct *mm, uint64_t addr)
{
	struct vm_area_struct *v = find_vma(mm, addr);
	return v && v->vm_start <= addr ? v : NULL;
}

/* Add vma to its file's list of mappings (Linux: __vma_link_file). */
static void vma_link_file(struct vm_area_struct *vma)
{
	struct address_space *f = vma->vm_file ? vma->vm_file->f_mapping : NULL;
	if (!f)
		return;
	vma->shared_prev = NULL;
	vma->shared_next = f->i_mmap;
	if (f->i_mmap)
		f->i_mmap->shared_prev = vma;
	f->i_mmap = vma;
}

static void __remove_shared_vm_struct(struct vm_area_struct *vma)
{
	struct address_space *f = vma->vm_file ? vma->vm_file->f_mapping : NULL;
	if (!f)
		return;
	if (vma->shared_prev)
		vma->shared_prev->shared_next = vma->shared_next;
	else
		f->i_mmap = vma->shared_next;
	if (vma->shared_next)
		vma->shared_next->shared_prev = vma->shared_prev;
	vma->shared_next = vma->shared_prev = NULL;
}

/* See mm.h. */
uint64_t vma_compute_gap(const struct vm_area_struct *vma)
{
	return vma->vm_start - (vma->vm_prev ? vma->vm_prev->vm_end : 0);
}

/* A node's value: the largest gap below it or below a VMA of its subtree
 * (Linux: vma_compute_subtree_gap). */
static void vma_compute_subtree_gap(struct rb_node *n)
{
	struct vm_area_struct *vma = rb_vma(n);
	uint64_t gap = vma_compute_gap(vma);
	if (n->rb_left && rb_vma(n->rb_left)->rb_subtree_gap > gap)
		gap = rb_vma(n->rb_left)->rb_subtree_gap;
	if (n->rb_right && rb_vma(n->rb_right)->rb_subtree_gap > gap)
		gap = rb_vma(n->rb_right)->rb_subtree_gap;
	vma->rb_subtree_gap = gap;
}

static const struct rb_augment_callbacks vma_gap_callbacks = { vma_compute_subtree_gap };

/* See mm.h. */
void vma_gap_update(struct vm_area_struct *vma)
{
	anon_vma_interval_tree_update_vma(vma);
	rb_augment_propagate(&vma->vm_rb, &vma_gap_callbacks);
	if (vma->vm_next)                         /* its gap ends where vma begins */
		rb_augment_propagate(&vma->vm_next->vm_rb, &vma_gap_callbacks);
}

/* See mm.h. The list links are set first: a VMA's gap is measured from the
 * one before it. */
void vma_link(struct mm_struct *mm, struct vm_area_struct *vma)
{
	struct rb_node **link = &mm->mm_rb.rb_node, *parent = NULL;

	while (*link) {
		parent = *link;
		link = vma->vm_start < rb_vma(parent)->vm_start ? &parent->rb_left : &parent->rb_right;
	}
	rb_link_node(&vma->vm_rb, parent, link);
	vma->vm_prev = rb_vma(rb_prev(&vma->vm_rb));
	vma->vm_next = rb_vma(rb_next(&vma->vm_rb));
	if (vma->vm_prev)
		vma->vm_prev->vm_next = vma;
	else
		mm->mmap = vma;
	if (vma->vm_next)
		vma->vm_next->vm_prev = vma;
	rb_insert_augmented(&vma->vm_rb, &mm->mm_rb, &vma_gap_callbacks);
	if (vma->vm_next)
		rb_augment_propagate(&vma->vm_next->vm_rb, &vma_gap_callbacks);
	vma->vm_mm = mm;
	mm->map_count++;
	vma_link_file(vma);
}

/* See mm.h. */
void vma_unlink(struct mm_struct *mm, struct vm_area_struct *vma)
{
	struct vm_area_struct *next = vma->vm_next;
	if (vma->vm_prev)
		vma->vm_prev->vm_next = next;
	else
		mm->mmap = next;
	if (next)
		next->vm_prev = vma->vm_prev;
	rb_erase_augmented(&vma->vm_rb, &mm->mm_rb, &vma_gap_callbacks);
	if (next)                                 /* its gap now reaches further down */
		rb_augment_propagate(&next->vm_rb, &vma_gap_callbacks);
	vma->vm_next = vma->vm_prev = NULL;
	mm->map_count--;
	__remove_shared_vm_struct(vma);
}

/* See mm.h. */
struct vm_area_struct *vm_area_alloc(struct kernel *k, struct mm_struct *mm)
{
	struct vm_area_struct *vma = kmem_cache_alloc(k, k->mm_caches.vm_area, GFP_KERNEL | __GFP_ZERO);
	if (vma)
		vma->vm_mm = mm;
	return vma;
}

/* See mm.h. */
struct vm_area_struct *vm_area_dup(struct kernel *k, struct vm_area_struct *orig)
{
	struct vm_area_struct *vma = kmem_cache_alloc(k, k->mm_caches.vm_area, GFP_KERNEL);
	if (!vma)
		return NULL;
	*vma = *orig;
	memset(&vma->vm_rb, 0, sizeof vma->vm_rb);
	vma->vm_next = vma->vm_prev = NULL;
	vma->shared_next = vma->shared_prev = NULL;
	vma->anon_vma_chain = NULL;
	if (orig->anon_name && !(vma->anon_name = kstrdup(k, orig->anon_name))) {
		kmem_cache_free(k, k->mm_caches.vm_area, vma);
		return NULL;
	}
	if (vma->vm_file)
		get_file(vma->vm_file);
	if (vma->vm_flags & VM_HUGETLB)
		hugetlb_vm_op_open(vma);
	return vma;
}

/* See mm.h. */
void vm_area_free(struct kernel *k, struct vm_area_struct *vma)
{
	if (vma->vm_flags & VM_HUGETLB)
		hugetlb_vm_op_close(k, vma);
	if (vma->vm_file)
		fput(k, vma->vm_file);
	kfree(k, vma->anon_name);
	kmem_cache_free(k, k->mm_caches.vm_area, vma);
}

/* ---- split and merge (Linux: mm/vma.c) ------------------------------------- */

/* See mm.h. */
int split_vma(struct kernel *k, struct vm_area_struct *vma, uint64_t addr, bool new_below)
{
	if (vma->vm_mm->map_count >= k->sysctl.max_map_count)
		return -ENOMEM;
	return __split_vma(k, vma, addr, new_below);
}

/* See mm.h. */
uint64_t vma_kernel_pagesize(const struct vm_area_struct *vma)
{
	return vma->vm_flags & VM_HUGETLB ? 1ULL << file_inode(vma->vm_file)->huge_shift : PAGE_SIZE;
}

/* See mm.h. */
int __split_vma(struct kernel *k, struct vm_area_struct *vma, uint64_t addr, bool new_below)
{
	struct mm_struct *mm = vma->vm_mm;
	if (addr & (vma_kernel_pagesize(vma) - 1))
		return -EINVAL;                 /* Linux: hugetlb_vm_op_split, the may_split hook */
	struct vm_area_struct *new = vm_area_dup(k, vma);
	if (!new)
		return -ENOMEM;
	vma_adjust_trans_huge(k, vma, addr, addr);    /* a huge PMD across addr is split */
	uint64_t delta = (addr - vma->vm_start) >> PAGE_SHIFT;
	if (new_below) {
		new->vm_end = addr;
	} else {
		new->vm_start = addr;
		new->vm_pgoff += delta;
	}
	if (anon_vma_clone(k, new, vma)) {
		vm_area_free(k, new);
		return -ENOMEM;
	}
	if (new_below) {
		vma->vm_start = addr;     /* still between its neighbours: the tree stays sorted */
		vma->vm_pgoff += delta;
	} else {
		vma->vm_end = addr;
	}
	vma_link(mm, new);
	vma_gap_update(vma);
	return 0;
}

/* The properties a merged VMA must share (Linux: struct vma_merge_struct). */
struct vma_merge_struct {
	uint64_t start, end, pgoff, flags;
	struct file *file;
	const char *anon_name;
	struct anon_vma *anon_vma;
	struct vm_area_struct *middle;           /* the VMA being changed, or NULL */
	struct vm_area_struct *copied_from;      /* mremap: the VMA the new range copies */
};

/* Could v take the range of g (flags, file, name)? (Linux: is_mergeable_vma) */
static bool is_mergeable_vma(const struct vm_area_struct *v, const struct vma_merge_struct *g)
{
	return !((v->vm_flags ^ g->flags) & ~VM_IGNORE_MERGE) && v->vm_file == g->file &&
	       anon_vma_name_eq(v->anon_name, g->anon_name) && !v->vm_name;
}

/* Can the anonymous memory of g's range and of target share an anon_vma?
 * (Linux: is_mergeable_anon_vma) */
static bool is_mergeable_anon_vma(const struct vm_area_struct *tgt, const struct vma_merge_struct *g)
{
	if (!tgt->anon_vma && g->anon_vma)
		return !vma_is_fork_child(g->middle) && !vma_is_fork_child(g->copied_from);
	if (tgt->anon_vma && !g->anon_vma)
		return !vma_is_fork_child(tgt);
	return tgt->anon_vma == g->anon_vma;
}

static bool can_vma_merge_after(const struct vm_area_struct *prev, const struct vma_merge_struct *g)
{
	return prev && prev->vm_end == g->start && is_mergeable_vma(prev, g) &&
	       is_mergeable_anon_vma(prev, g) && prev->vm_pgoff + vma_pages(prev) == g->pgoff;
}

static bool can_vma_merge_before(const struct vm_area_struct *next, const struct vma_merge_struct *g)
{
	return next && next->vm_start == g->end && is_mergeable_vma(next, g) &&
	       is_mergeable_anon_vma(next, g) &&
	       g->pgoff + ((g->end - g->start) >> PAGE_SHIFT) == next->vm_pgoff;
}

/* Remove a VMA swallowed by a merge: its pages are now the survivor's. */
static void remove_merged(struct kernel *k, struct vm_area_struct *vma)
{
	vma_unlink(vma->vm_mm, vma);
	unlink_anon_vmas(k, vma);
	vm_area_free(k, vma);
}

/* Give survivor the anon_vma of the range it absorbs, if it has none. */
static int dup_anon_vma(struct kernel *k, struct vm_area_struct *survivor, struct vm_area_struct *src)
{
	if (survivor->anon_vma || !src || !src->anon_vma)
		return 0;
	survivor->anon_vma = src->anon_vma;
	return anon_vma_clone(k, survivor, src) ? -ENOMEM : 0;
}

/* Merge g's range with prev and/or next; returns the VMA now covering it,
 * or NULL when no merge applies. This is the part Linux's
 * vma_merge_new_range and vma_merge_existing_range share; Linux 6.18 has no
 * function of its own for it (before 6.12 it was vma_merge). */
static struct vm_area_struct *merge_neighbours(struct kernel *k, struct vm_area_struct *prev,
				       struct vm_area_struct *next, struct vma_merge_struct *g)
{
	bool left = !(g->flags & VM_SPECIAL) && can_vma_merge_after(prev, g);
	bool right = !(g->flags & VM_SPECIAL) && can_vma_merge_before(next, g);
	struct vm_area_struct *mid = g->middle;

	if (left && right && prev->anon_vma && next->anon_vma && prev->anon_vma != next->anon_vma)
		right = false;
	if (left && right) {
		if (dup_anon_vma(k, prev, mid) || dup_anon_vma(k, prev, next) ||
		    dup_anon_vma(k, prev, g->copied_from))
			return NULL;
		uint64_t end = next->vm_end;
		if (mid)
			remove_merged(k, mid);
		remove_merged(k, next);
		prev->vm_end = end;
		vma_gap_update(prev);
		return prev;
	}
	if (left) {
		if (dup_anon_vma(k, prev, mid) || dup_anon_vma(k, prev, g->copied_from))
			return NULL;
		if (mid && g->end == mid->vm_end)
			remove_merged(k, mid);
		else if (mid) {
			mid->vm_pgoff += (g->end - mid->vm_start) >> PAGE_SHIFT;
			mid->vm_start = g->end;
			vma_gap_update(mid);
		}
		prev->vm_end = g->end;
		vma_gap_update(prev);
		return prev;
	}
	if (right) {
		if (dup_anon_vma(k, next, mid) || dup_anon_vma(k, next, g->copied_from))
			return NULL;
		if (mid && g->start == mid->vm_start)
			remove_merged(k, mid);
		else if (mid) {
			mid->vm_end = g->start;
			vma_gap_update(mid);
		}
		next->vm_start = g->start;      /* keeps its place in the tree */
		next->vm_pgoff = g->pgoff;
		vma_gap_update(next);
		return next;
	}
	return NULL;
}

/* merge_neighbours, after which the survivor keeps the sticky flags of
 * every part it took in: g's, the middle VMA's, and the neighbour it
 * absorbed (Linux: the sticky flags vma_merge_existing_range and
 * vma_merge_new_range gather into vmg). */
static struct vm_area_struct *do_merge(struct kernel *k, struct vm_area_struct *prev,
				       struct vm_area_struct *next, struct vma_merge_struct *g)
{
	uint64_t sticky = g->flags | (g->middle ? g->middle->vm_flags : 0);
	uint64_t prev_flags = prev ? prev->vm_flags : 0, next_flags = next ? next->vm_flags : 0;
	uint64_t next_end = next ? next->vm_end : 0;
	struct vm_area_struct *v = merge_neighbours(k, prev, next, g);

	if (v && v == prev)
		sticky |= prev_flags | (next && v->vm_end == next_end ? next_flags : 0);
	else if (v)
		sticky |= next_flags;
	if (v)
		v->vm_flags |= sticky & VM_STICKY;
	return v;
}

/* See mm.h. */
struct vm_area_struct *vma_merge_new_range(struct kernel *k, struct mm_struct *mm, uint64_t start,
					   uint64_t end, uint64_t flags, struct file *file,
					   uint64_t pgoff, struct anon_vma *anon_vma)
{
	struct vm_area_struct *prev, *next = find_vma_prev(mm, start, &prev);
	struct vma_merge_struct g = { start, end, pgoff, flags, file, NULL, anon_vma, NULL, NULL };
	if (next && next->vm_start < end)
		return NULL;                    /* the caller unmapped first */
	return do_merge(k, prev, next, &g);
}

/* See mm.h. vma itself is the VMA before the new range. */
struct vm_area_struct *vma_merge_extend(struct kernel *k, struct vm_area_struct *vma, uint64_t delta)
{
	struct vm_area_struct *next = vma->vm_next;
	struct vma_merge_struct g = {
		vma->vm_end, vma->vm_end + delta, vma->vm_pgoff + vma_pages(vma), vma->vm_flags,
		vma->vm_file, vma->anon_name, vma->anon_vma, NULL, NULL,
	};
	if (next && next->vm_start < g.end)
		return NULL;
	return do_merge(k, vma, next, &g);
}

/* See mm.h. */
struct vm_area_struct *vma_modify(struct kernel *k, struct vm_area_struct *vma, uint64_t start,
				  uint64_t end, uint64_t new_flags, const char *new_name, int *err)
{
	struct vma_merge_struct g = {
		start, end, vma->vm_pgoff + ((start - vma->vm_start) >> PAGE_SHIFT), new_flags,
		vma->vm_file, new_name, vma->anon_vma, vma, NULL,
	};
	struct vm_area_struct *merged = NULL;

	*err = 0;
	if (start == vma->vm_start || end == vma->vm_end)
		merged = do_merge(k, start == vma->vm_start ? vma->vm_prev : NULL,
				  end == vma->vm_end ? vma->vm_next : NULL, &g);
	if (merged)
		return merged;
	if (vma->vm_start < start && (*err = split_vma(k, vma, start, true)))
		return NULL;
	if (vma->vm_end > end && (*err = split_vma(k, vma, end, false)))
		return NULL;
	return vma;
}

/* ---- placing, mapping and unmapping ranges (Linux: mm/vma.c) ----------------- */

#define VM_DATA_DEFAULT_FLAGS (VM_READ | VM_WRITE | VM_MAYREAD | VM_MAYWRITE | VM_MAYEXEC)

/* The free range below v, from the end of the VMA before it (or 0) to v's
 * start, clipped to [low, high): its ends in *start and *end; true when len
 * bytes fit in it. */
static bool gap_fits(const struct vm_area_struct *v, uint64_t len, uint64_t low, uint64_t high,
		     uint64_t *start, uint64_t *end)
{
	uint64_t s = v->vm_prev ? v->vm_prev->vm_end : 0, e = v->vm_start;
	*start = s > low ? s : low;
	*end = e < high ? e : high;
	return *end > *start && *end - *start >= len;
}

/* The VMA whose free range below it is the highest where len bytes fit in
 * [low, high), in the subtree at n, or NULL. A subtree whose largest free
 * range is too small is skipped, so the search costs O(log n) where the
 * gaps allow (as the maple tree's mas_empty_area_rev walks its gaps). */
static struct vm_area_struct *highest_gap(struct rb_node *n, uint64_t len, uint64_t low, uint64_t high)
{
	uint64_t start, end;
	struct vm_area_struct *found;
	if (!n || rb_vma(n)->rb_subtree_gap < len)
		return NULL;
	struct vm_area_struct *v = rb_vma(n);
	uint64_t below = v->vm_prev ? v->vm_prev->vm_end : 0;   /* where its free range begins */
	if (below < high && high - below >= len) {   /* else every range here and to the right is too high */
		if ((found = highest_gap(n->rb_right, len, low, high)))
			return found;
		if (gap_fits(v, len, low, high, &start, &end))
			return v;
	}
	if (below < low || below - low < len)      /* the ranges to the left end below it */
		return NULL;
	return highest_gap(n->rb_left, len, low, high);
}

/* The lowest such VMA (as mas_empty_area walks). */
static struct vm_area_struct *lowest_gap(struct rb_node *n, uint64_t len, uint64_t low, uint64_t high)
{
	uint64_t start, end;
	struct vm_area_struct *found;
	if (!n || rb_vma(n)->rb_subtree_gap < len)
		return NULL;
	struct vm_area_struct *v = rb_vma(n);
	uint64_t below = v->vm_prev ? v->vm_prev->vm_end : 0;
	if (below > low && below - low >= len && (found = lowest_gap(n->rb_left, len, low, high)))
		return found;                      /* the ranges to the left end at or below it */
	if (gap_fits(v, len, low, high, &start, &end))
		return v;
	if (v->vm_end < high && high - v->vm_end >= len)    /* the ranges to the right start above it */
		return lowest_gap(n->rb_right, len, low, high);
	return NULL;
}

/* The free range above every VMA, clipped to [low, high): true when len
 * bytes fit, with its start in *start. */
static bool top_gap_fits(struct mm_struct *mm, uint64_t len, uint64_t low, uint64_t high, uint64_t *start)
{
	struct rb_node *last = rb_last(&mm->mm_rb);
	uint64_t top = last ? rb_vma(last)->vm_end : 0;
	*start = top > low ? top : low;
	return *start < high && high - *start >= len;
}

/* See mm.h. The highest free range is found first; the stack guard gap is
 * honoured afterwards, as Linux 6.18 does: when the VMA above the range
 * grows down and its guard gap reaches into the range, the search starts
 * again below the guard gap, whatever lies in between. */
uint64_t unmapped_area_topdown(struct kernel *k, struct mm_struct *mm, uint64_t len, uint64_t low,
			       uint64_t high)
{
	if (low < mmap_min_addr(k))
		low = mmap_min_addr(k);
	for (;;) {
		uint64_t start, end;
		struct vm_area_struct *next = NULL, *prev;
		if (top_gap_fits(mm, len, low, high, &start)) {
			end = high;
			prev = rb_vma(rb_last(&mm->mm_rb));
		} else if ((next = highest_gap(mm->mm_rb.rb_node, len, low, high))) {
			gap_fits(next, len, low, high, &start, &end);
			prev = next->vm_prev;
		} else {
			return 0;
		}
		uint64_t gap = end - len;
		if (next && (next->vm_flags & VM_GROWSDOWN)) {
			if (vm_start_gap(next) < end) {
				high = vm_start_gap(next);      /* again, below its guard gap */
				continue;
			}
		} else if (prev && prev->vm_end > gap) {    /* vm_end_gap: x86 has no VM_GROWSUP */
			high = prev->vm_start;
			continue;
		}
		return gap;
	}
}

/* See mm.h. The lowest free range, with the same care for guard gaps
 * (Linux: unmapped_area). */
uint64_t unmapped_area(struct kernel *k, struct mm_struct *mm, uint64_t len, uint64_t low,
		       uint64_t high)
{
	if (low < mmap_min_addr(k))
		low = mmap_min_addr(k);
	for (;;) {
		uint64_t start, end;
		struct vm_area_struct *next = lowest_gap(mm->mm_rb.rb_node, len, low, high), *prev;
		if (next)
			gap_fits(next, len, low, high, &start, &end);
		else if (!top_gap_fits(mm, len, low, high, &start))
			return 0;
		prev = next ? next->vm_prev : rb_vma(rb_last(&mm->mm_rb));
		if (next && (next->vm_flags & VM_GROWSDOWN)) {
			if (vm_start_gap(next) < start + len - 1) {
				low = next->vm_end;             /* past it: nothing fits below its guard */
				continue;
			}
		} else if (prev && prev->vm_end > start) {
			low = prev->vm_end;
			continue;
		}
		return start;
	}
}

/* See mm.h. */
uint64_t vm_commit_limit(const struct kernel *k)
{
	return k->totalram_pages * (uint64_t)k->sysctl.overcommit_ratio / 100 + total_swap_pages(k);
}

/* See mm.h. */
int __vm_enough_memory(struct kernel *k, uint64_t pages)
{
	if (k->sysctl.overcommit_memory == 0 && pages > k->totalram_pages + total_swap_pages(k))
		return -ENOMEM;
	if (k->sysctl.overcommit_memory == 2 && k->vm_committed_as + pages > vm_commit_limit(k))
		return -ENOMEM;
	k->vm_committed_as += pages;
	return 0;
}

/* See mm.h. */
int64_t mmap_region(struct kernel *k, struct task_struct *t, uint64_t addr, uint64_t len, uint64_t vm_flags,
		 uint64_t pgoff, bool shared_anon, struct file *file)
{
	struct mm_struct *mm = t->mm;
	uint64_t pages = len >> PAGE_SHIFT, charged = 0;

	bool hugetlb = file && file_inode(file)->kind == FILE_HUGETLB;
	struct vm_area_struct resv = { 0 };      /* the new VMA's reservation, until it exists */
	if (hugetlb) {                             /* Linux: hugetlbfs_file_mmap */
		unsigned order = file_inode(file)->huge_shift - PAGE_SHIFT;
		if (pgoff & ((1ULL << order) - 1))
			return -EINVAL;
		resv.vm_file = file;
		resv.vm_start = addr;
		resv.vm_end = addr + len;
		resv.vm_pgoff = pgoff;
		resv.vm_flags = vm_flags | VM_HUGETLB;
		if (hugetlb_reserve_pages(k, file_inode(file), pgoff >> order, (pgoff + pages) >> order, &resv,
					  vm_flags))
			return -ENOMEM;            /* the pool cannot cover the mapping */
		vm_flags |= VM_HUGETLB | VM_DONTEXPAND;
	}
	if (vm_flags & (VM_SPECIAL | VM_HUGETLB))
		vm_flags &= ~VM_LOCKED_MASK;       /* Linux: __mmap_complete does not lock them */
	if (do_vmi_align_munmap(k, mm, addr, addr + len)) {
		if (hugetlb)
			hugetlb_vm_op_close(k, &resv);
		return -ENOMEM;
	}
	if (((vm_flags & (VM_NORESERVE | VM_SHARED | VM_WRITE)) == VM_WRITE && !hugetlb) ||
	    (shared_anon && !(vm_flags & VM_NORESERVE))) {
		if (__vm_enough_memory(k, pages))
			return -ENOMEM;
		charged = pages;
		if (!shared_anon)
			vm_flags |= VM_ACCOUNT;
	}
	vm_flags |= vm_softdirty(k);
	struct vm_area_struct *vma = shared_anon || hugetlb ? NULL
				   : vma_merge_new_range(k, mm, addr, addr + len, vm_flags, file, pgoff, NULL);
	if (!vma) {
		vma = vm_area_alloc(k, mm);
		if (!vma || mm->map_count >= k->sysctl.max_map_count ||
		    (shared_anon && !(vma->vm_file = shmem_zero_setup(k, len)))) {
			if (vma)
				vm_area_free(k, vma);
			k->vm_committed_as -= charged;
			if (hugetlb)
				hugetlb_vm_op_close(k, &resv);
			return -ENOMEM;
		}
		vma->vm_start = addr;
		vma->vm_end = addr + len;
		vma->vm_flags = vm_flags;
		vma->vm_pgoff = pgoff;
		vma->vm_private_data = resv.vm_private_data;
		if (file) {
			get_file(file);
			vma->vm_file = file;
		}
		vma_link(mm, vma);
	}
	if (shared_anon)
		file_inode(vma->vm_file)->committed = charged;
	vm_stat_account(mm, vm_flags, (int64_t)pages);
	if (vm_flags & VM_LOCKED)
		mm->locked_vm += pages;
	trace_kernel(k, t->cpu, "VMA [%#llx, %#llx) %c%c%c%c: no page is mapped yet",
		     (unsigned long long)vma->vm_start, (unsigned long long)vma->vm_end,
		     vm_flags & VM_READ ? 'r' : '-', vm_flags & VM_WRITE ? 'w' : '-',
		     vm_flags & VM_EXEC ? 'x' : '-', vm_flags & VM_MAYSHARE ? 's' : 'p');
	return (int64_t)addr;
}

/* Detach the VMAs of [start, end) (split at both ends) into a list linked
 * by vm_next (Linux: vms_gather_munmap_vmas, which gathers them in a maple
 * tree). Returns its head, NULL with *err set on failure. */
static struct vm_area_struct *vms_gather_munmap_vmas(struct kernel *k, struct mm_struct *mm,
						     uint64_t start, uint64_t end, int *err)
{
	struct vm_area_struct *vma = find_vma_intersection(mm, start, end), *head = NULL, **tail = &head;

	*err = 0;
	if (!vma)
		return NULL;
	if (start > vma->vm_start) {
		if (end < vma->vm_end && mm->map_count >= k->sysctl.max_map_count) {
			*err = -ENOMEM;     /* punching a hole would pass vm.max_map_count */
			return NULL;
		}
		if ((*err = __split_vma(k, vma, start, true)))
			return NULL;
	}
	struct vm_area_struct *last = find_vma_intersection(mm, end - 1, end);
	if (last && end < last->vm_end && (*err = __split_vma(k, last, end, true)))
		return NULL;
	vma = find_vma_intersection(mm, start, end);
	while (vma && vma->vm_start < end) {
		struct vm_area_struct *next = vma->vm_next;
		vma_unlink(mm, vma);
		*tail = vma;
		tail = &vma->vm_next;
		vma->vm_next = NULL;
		vma = next;
	}
	return head;
}

/* Undo a VMA's accounting and free it, with its file reference (Linux:
 * vms_complete_munmap_vmas's accounting, then remove_vma). */
static void remove_vma(struct kernel *k, struct mm_struct *mm, struct vm_area_struct *vma)
{
	uint64_t pages = vma_pages(vma);
	vm_stat_account(mm, vma->vm_flags, -(int64_t)pages);
	if (vma->vm_flags & VM_LOCKED)
		mm->locked_vm -= pages;
	if (vma->vm_flags & VM_ACCOUNT)
		k->vm_committed_as -= pages;
	vm_area_free(k, vma);
}

/* See mm.h. */
int do_vmi_align_munmap(struct kernel *k, struct mm_struct *mm, uint64_t start, uint64_t end)
{
	static const struct zap_details unmap_details = { .drop_markers = true };      /* unmap_vmas */
	int err;
	struct vm_area_struct *list = vms_gather_munmap_vmas(k, mm, start, end, &err), *prev, *next;
	struct mmu_gather tlb;

	if (!list)
		return err;
	next = find_vma_prev(mm, start, &prev);
	tlb_gather_mmu(&tlb, k, mm, false);
	update_hiwater_rss(mm);                 /* Linux: vms_clear_ptes */
	for (struct vm_area_struct *v = list; v; v = v->vm_next)
		unmap_page_range(&tlb, v, v->vm_start, v->vm_end, &unmap_details);
	free_pgtables(&tlb, list, NULL, prev ? prev->vm_end : 0, next ? next->vm_start : 0);
	tlb_finish_mmu(&tlb);
	update_hiwater_vm(mm);                  /* Linux: vms_complete_munmap_vmas */
	while (list) {
		struct vm_area_struct *v = list;
		list = list->vm_next;
		remove_vma(k, mm, v);
	}
	return 0;
}

/* See mm.h. */
int do_brk_flags(struct kernel *k, struct task_struct *t, uint64_t addr, uint64_t len)
{
	struct mm_struct *mm = t->mm;
	uint64_t flags = VM_DATA_DEFAULT_FLAGS | VM_ACCOUNT | mm->def_flags, pages = len >> PAGE_SHIFT;

	if (mm->map_count > k->sysctl.max_map_count || __vm_enough_memory(k, pages))
		return -ENOMEM;
	struct vm_area_struct *vma = vma_merge_new_range(k, mm, addr, addr + len, flags | vm_softdirty(k),
							 NULL, addr >> PAGE_SHIFT, NULL);
	if (!vma) {
		if (!(vma = vm_area_alloc(k, mm))) {
			k->vm_committed_as -= pages;
			return -ENOMEM;
		}
		vma->vm_start = addr;
		vma->vm_end = addr + len;
		vma->vm_flags = flags | vm_softdirty(k);
		vma->vm_pgoff = addr >> PAGE_SHIFT;
		vma_link(mm, vma);
	}
	vm_stat_account(mm, flags, (int64_t)pages);
	if (flags & VM_LOCKED)
		mm->locked_vm += pages;
	return 0;
}

/* See mm.h. The merge is Linux's vma_merge_copied_range: the new range has
 * the source's properties, and a neighbour that absorbs it gets the
 * source's anon_vma. */
struct vm_area_struct *copy_vma(struct kernel *k, struct vm_area_struct **vmap, uint64_t addr,
				uint64_t len, uint64_t pgoff)
{
	struct vm_area_struct *vma = *vmap, *prev, *next;
	struct mm_struct *mm = vma->vm_mm;
	uint64_t vma_start = vma->vm_start;

	if (vma_is_anonymous(vma) && !vma->anon_vma)
		pgoff = addr >> PAGE_SHIFT;
	next = find_vma_prev(mm, addr, &prev);
	if (next && next->vm_start < addr + len)
		return NULL;                    /* the caller unmapped the range first */
	struct vma_merge_struct g = {
		addr, addr + len, pgoff, vma->vm_flags, vma->vm_file, vma->anon_name, vma->anon_vma,
		NULL, vma,
	};
	struct vm_area_struct *m = do_merge(k, prev, next, &g);
	if (m) {
		/* the source may be the neighbour that took the range (or was
		 * absorbed by it): it is m now */
		if (vma_start >= m->vm_start && vma_start < m->vm_end)
			*vmap = m;
		return m;
	}
	struct vm_area_struct *new = vm_area_dup(k, vma);
	if (!new)
		return NULL;
	new->vm_start = addr;
	new->vm_end = addr + len;
	new->vm_pgoff = pgoff;
	if (anon_vma_clone(k, new, vma)) {
		vm_area_free(k, new);
		return NULL;
	}
	new->anon_vma = vma->anon_vma;
	vma_link(mm, new);
	return new;
}

/* See mm.h. The limits are Linux's acct_stack_growth. */
int expand_downwards(struct kernel *k, struct task_struct *t, struct vm_area_struct *vma, uint64_t addr)
{
	struct mm_struct *mm = vma->vm_mm;
	struct vm_area_struct *prev = vma->vm_prev;

	addr &= PAGE_MASK;
	if (addr < mmap_min_addr(k))
		return -EPERM;
	if (prev && !(prev->vm_flags & VM_GROWSDOWN) && (prev->vm_flags & VM_ACCESS_FLAGS) &&
	    addr - prev->vm_end < STACK_GUARD_GAP)
		return -ENOMEM;
	uint64_t grow = (vma->vm_start - addr) >> PAGE_SHIFT;
	if (grow > vma->vm_pgoff || vma->vm_end - addr > t->rlimit_stack)
		return -ENOMEM;
	if ((vma->vm_flags & VM_LOCKED) && !t->cap_ipc_lock &&
	    (mm->locked_vm + grow) << PAGE_SHIFT > t->rlimit_memlock)
		return -ENOMEM;
	if (anon_vma_prepare(k, vma))
		return -ENOMEM;
	if ((vma->vm_flags & VM_ACCOUNT) && k->sysctl.overcommit_memory == 2 &&
	    k->vm_committed_as + grow > vm_commit_limit(k))
		return -ENOMEM;
	if (vma->vm_flags & VM_ACCOUNT)
		k->vm_committed_as += grow;
	vma->vm_start = addr;          /* stays between its neighbours in the tree */
	vma->vm_pgoff -= grow;
	vma_gap_update(vma);
	vm_stat_account(mm, vma->vm_flags, (int64_t)grow);
	if (vma->vm_flags & VM_LOCKED)
		mm->locked_vm += grow;
	trace_kernel(k, t->cpu, "stack VMA grows down to %#llx", (unsigned long long)addr);
	return 0;
}
