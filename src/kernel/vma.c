/*
 * kernel/vma.c — the VMA tree: lookup, linking, allocation (Linux: the
 * maple-tree side of mm/vma.c and mm/mmap.c). The tree is a red-black tree
 * ordered by vm_start; the VMAs are also threaded on an address-ordered
 * list, so walking a range is O(log n + k).
 */
#include "kernel/mm.h"

#include "kernel/fs.h"
#include "kernel/kernel.h"
#include "kernel/rmap.h"
#include "kernel/slab.h"

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
	struct file *f = vma->vm_file;
	if (!f)
		return;
	vma->shared_prev = NULL;
	vma->shared_next = f->i_mmap;
	if (f->i_mmap)
		f->i_mmap->shared_prev = vma;
	f->i_mmap = vma;
}

static void vma_unlink_file(struct vm_area_struct *vma)
{
	struct file *f = vma->vm_file;
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
void vma_link(struct mm_struct *mm, struct vm_area_struct *vma)
{
	struct rb_node **link = &mm->mm_rb.rb_node, *parent = NULL;

	while (*link) {
		parent = *link;
		link = vma->vm_start < rb_vma(parent)->vm_start ? &parent->rb_left : &parent->rb_right;
	}
	rb_link_node(&vma->vm_rb, parent, link);
	rb_insert_color(&vma->vm_rb, &mm->mm_rb);
	vma->vm_prev = rb_vma(rb_prev(&vma->vm_rb));
	vma->vm_next = rb_vma(rb_next(&vma->vm_rb));
	if (vma->vm_prev)
		vma->vm_prev->vm_next = vma;
	else
		mm->mmap = vma;
	if (vma->vm_next)
		vma->vm_next->vm_prev = vma;
	vma->vm_mm = mm;
	mm->map_count++;
	vma_link_file(vma);
}

/* See mm.h. */
void vma_unlink(struct mm_struct *mm, struct vm_area_struct *vma)
{
	rb_erase(&vma->vm_rb, &mm->mm_rb);
	if (vma->vm_prev)
		vma->vm_prev->vm_next = vma->vm_next;
	else
		mm->mmap = vma->vm_next;
	if (vma->vm_next)
		vma->vm_next->vm_prev = vma->vm_prev;
	vma->vm_next = vma->vm_prev = NULL;
	mm->map_count--;
	vma_unlink_file(vma);
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
	return vma;
}

/* See mm.h. */
void vm_area_free(struct kernel *k, struct vm_area_struct *vma)
{
	if (vma->vm_file)
		fput(k, vma->vm_file);
	kfree(k, vma->anon_name);
	kmem_cache_free(k, k->mm_caches.vm_area, vma);
}
