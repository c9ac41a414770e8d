/*
 * kernel/fork.c — address spaces are born, copied and dropped (Linux:
 * kernel/fork.c: mm_alloc, dup_mm, mmput). The VMAs are copied by dup_mmap
 * and torn down by exit_mmap (kernel/mmap.c, as in Linux's mm/mmap.c), the
 * page tables copied by copy_page_range (kernel/memory.c).
 *
 * fork copies the VMAs (but MADV_DONTFORK ones) and, for private VMAs that
 * have anonymous memory, the page tables: each private page becomes shared
 * by parent and child, write-protected on both sides, so the first write of
 * either copies it (copy-on-write). Shared mappings and VMAs with no
 * anonymous memory get no page tables: the child faults their pages in.
 */
#include "kernel/fork.h"

#include "kernel/fs.h"
#include "kernel/huge_mm.h"
#include "kernel/kernel.h"
#include "kernel/mm.h"
#include "kernel/objsize.h"
#include "kernel/pgtable.h"
#include "kernel/sched.h"
#include "kernel/slab.h"
#include "kernel/tlbflush.h"

#include <errno.h>
#include <string.h>

KOBJ_FITS(struct mm_struct, MM_STRUCT_SIZE);
KOBJ_FITS(struct vm_area_struct, VM_AREA_STRUCT_SIZE);
KOBJ_FITS(struct task_struct, TASK_STRUCT_SIZE);
KOBJ_FITS(struct file, FILE_SIZE);
KOBJ_FITS(struct inode, INODE_SIZE);
KOBJ_FITS(struct files_struct, FILES_STRUCT_SIZE);

/* See fork.h. */
int proc_caches_init(struct kernel *k)
{
	int err;
	k->mm_caches.mm_struct = kmem_cache_create(k, "mm_struct", MM_STRUCT_SIZE, 0,
						   SLAB_HWCACHE_ALIGN | SLAB_ACCOUNT, NULL, NULL, &err);
	if (!err)
		k->mm_caches.vm_area = kmem_cache_create(k, "vm_area_struct", VM_AREA_STRUCT_SIZE,
							 0, SLAB_ACCOUNT | SLAB_NO_MERGE, NULL, NULL, &err);
	if (!err)
		k->mm_caches.task_struct = kmem_cache_create(k, "task_struct", TASK_STRUCT_SIZE,
							     64, SLAB_ACCOUNT, NULL, NULL, &err);
	if (!err)
		k->mm_caches.filp = kmem_cache_create(k, "filp", FILE_SIZE, 0,
						      SLAB_HWCACHE_ALIGN | SLAB_ACCOUNT, NULL, NULL, &err);
	if (!err)
		k->mm_caches.inode = kmem_cache_create(k, "shmem_inode_cache", INODE_SIZE, 0,
						       SLAB_ACCOUNT, NULL, NULL, &err);
	if (!err)
		k->mm_caches.files = kmem_cache_create(k, "files_cache", FILES_STRUCT_SIZE, 0,
						       SLAB_HWCACHE_ALIGN | SLAB_ACCOUNT, NULL, NULL, &err);
	return err;
}

/* See fork.h. */
struct mm_struct *mm_alloc(struct kernel *k)
{
	struct mm_struct *mm = kmem_cache_alloc(k, k->mm_caches.mm_struct, GFP_KERNEL | __GFP_ZERO);
	if (!mm)
		return NULL;
	mm->mm_rb = RB_ROOT;
	mm->mm_users = 1;
	mm->context_id = new_context_id(k);
	if (pgd_alloc(k, mm)) {
		kmem_cache_free(k, k->mm_caches.mm_struct, mm);
		return NULL;
	}
	return mm;
}

/* See fork.h. */
struct mm_struct *dup_mm(struct kernel *k, struct mm_struct *oldmm)
{
	struct mm_struct *mm = mm_alloc(k);
	if (!mm)
		return NULL;
	uint64_t pgd = mm->pgd, ctx = mm->context_id;
	memcpy(mm, oldmm, sizeof *mm);
	mm->mm_rb = RB_ROOT;
	mm->mmap = NULL;
	mm->map_count = 0;
	mm->pgd = pgd;
	mm->context_id = ctx;
	mm->mm_users = 1;
	mm->tlb_gen = 0;
	mm->pgtables_bytes = 0;              /* the root table is not counted (VmPTE) */
	mm->locked_vm = 0;
	mm->def_flags &= ~VM_LOCKED_MASK;    /* memory locks are not inherited */
	memset(mm->cpu_bitmap, 0, sizeof mm->cpu_bitmap);
	memset(mm->rss_stat, 0, sizeof mm->rss_stat);
	mm->context.ldt = NULL;
	if (dup_mmap(k, mm, oldmm) || ldt_dup_context(k, oldmm, mm)) {
		mmput(k, mm);
		flush_tlb_mm(k, oldmm);        /* the PTEs copied so far lost write access */
		return NULL;
	}
	mm->hiwater_rss = get_mm_rss(mm);  /* the child's marks start here (Linux: dup_mm) */
	mm->hiwater_vm = mm->total_vm;
	return mm;
}

/* See fork.h. Every core drops mm, exit_mmap tears the mappings down, then
 * the root table and the mm go (Linux: mmput, __mmput, mmdrop). */
void mmput(struct kernel *k, struct mm_struct *mm)
{
	if (--mm->mm_users > 0)
		return;
	for (int cpu = 0; cpu < k->nr_cpus; cpu++)
		if (k->tlbstate[cpu].loaded_mm == mm)
			leave_mm(k, cpu);
	khugepaged_exit(k, mm);
	exit_mmap(k, mm);
	destroy_context_ldt(k, mm);
	pgd_free(k, mm);
	if (mm->pgtables_bytes)
		kernel_bug(k, "mmput: %lld bytes of page tables left over", (long long)mm->pgtables_bytes);
	kmem_cache_free(k, k->mm_caches.mm_struct, mm);
}
