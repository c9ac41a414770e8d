/*
 * kernel/memory.h — the generic fault handler and the operations on ranges
 * of page tables (Linux: include/linux/mm.h, mm/memory.c, mm/mmu_gather.c).
 */
#ifndef MMSIM_KERNEL_MEMORY_H
#define MMSIM_KERNEL_MEMORY_H

#include <stdbool.h>
#include <stdint.h>

#include "kernel/pgtable.h"

struct kernel;
struct mm_struct;
struct page;
struct task_struct;
struct vm_area_struct;

/* FAULT_FLAG_* (Linux values). */
#define FAULT_FLAG_WRITE       0x001
#define FAULT_FLAG_USER        0x040
#define FAULT_FLAG_REMOTE      0x080
#define FAULT_FLAG_INSTRUCTION 0x100

/* vm_fault_t bits (Linux values). */
typedef unsigned vm_fault_t;
#define VM_FAULT_OOM     0x0001
#define VM_FAULT_SIGBUS  0x0002
#define VM_FAULT_MAJOR   0x0004
#define VM_FAULT_SIGSEGV 0x0040
#define VM_FAULT_ERROR   (VM_FAULT_OOM | VM_FAULT_SIGBUS | VM_FAULT_SIGSEGV)

/* The state of one fault, passed down the handlers (Linux: struct vm_fault). */
struct vm_fault {
	struct kernel *k;
	struct vm_area_struct *vma;
	uint64_t address;            /* page aligned */
	unsigned flags;
	uint64_t pgoff;              /* the page's offset in the VMA's object */
	pte_t *pte;                  /* where the entry lives */
	pte_t orig_pte;              /* its value when the fault started */
	int cpu;                     /* for narration */
	bool major;                  /* a device was read: a major fault */
	bool retry;                  /* the fault read ahead from a disk: Linux drops
				      * its lock for the I/O and retries the fault
				      * (VM_FAULT_RETRY), whose fault-around then maps
				      * what was read */
};

/*
 * Resolve a fault at address of vma (Linux: handle_mm_fault): allocate
 * missing page tables, then map the zero page, a new anonymous page, a page
 * of the VMA's file, or a copy for a write to a shared page. Counts the fault
 * in pgfault and in task's min_flt/maj_flt (task may be NULL). Returns 0 or
 * VM_FAULT_* bits.
 */
vm_fault_t handle_mm_fault(struct kernel *k, struct vm_area_struct *vma, uint64_t address,
			   unsigned flags, struct task_struct *task);

/* The VMA covering addr in t's mm, after growing a stack VMA down to addr
 * when addr lies just below one (expand_downwards); NULL when no VMA covers
 * it (Linux: lock_mm_and_find_vma, which also takes the mmap lock: the
 * simulator runs one call at a time and has no locks). */
struct vm_area_struct *lock_mm_and_find_vma(struct kernel *k, struct task_struct *t, uint64_t addr);

/* Map frame pfn, which has no struct page, at the fault's address as a
 * special entry with the VMA's protection (Linux: vmf_insert_pfn, which
 * returns VM_FAULT_NOPAGE where this returns 0). */
vm_fault_t vmf_insert_pfn(struct vm_fault *vmf, uint64_t pfn);

/* A fault in the vDSO or its data pages ([vdso], [vvar], [vvar_vclock]):
 * map the kernel's page there with vmf_insert_pfn; a write is SIGBUS
 * (Linux: special_mapping_fault, with x86's vdso_fault and the vvar
 * fault handlers, in kernel/mmap.c as Linux's is in mm/mmap.c). */
vm_fault_t special_mapping_fault(struct vm_fault *vmf);

/* Bring in the page of the swap PTE at addr of vma and map it back,
 * read-only (exclusive when the swap PTE says so), freeing its slot when
 * nothing else needs it (Linux: unuse_pte, for swapoff). 0 or -ENOMEM. */
int swapin_pte(struct kernel *k, struct vm_area_struct *vma, uint64_t addr, pte_t *pte);

/* Map page-cache page at pte, an empty entry of the fault's page table, with
 * the VMA's protection: the reverse map, RSS and mlock accounting, then the
 * entry, not narrated (Linux: set_pte_range; filemap_map_pages narrates). */
void set_pte_range(struct vm_fault *vmf, struct page *page, pte_t *pte);

/* The struct page an entry maps, or NULL for none or the zero page
 * (Linux: vm_normal_page). */
struct page *vm_normal_page(struct kernel *k, pte_t pte);

/* The zero page's frame number. */
uint64_t zero_pfn(const struct kernel *k);

/* Mark a page locked in memory (PG_mlocked, Mlocked, Unevictable), or not
 * (kernel/mlock.c). */
void mlock_folio(struct kernel *k, struct page *page);
void munlock_folio(struct kernel *k, struct page *page);

/* ---- batching frees after a flush (kernel/mmu_gather.c) --------------------- */

/* Pages unmapped but not yet freed: they may be freed only after the TLBs
 * have forgotten them (Linux: struct mmu_gather). */
struct mmu_gather {
	struct kernel *k;
	struct mm_struct *mm;
	uint64_t start, end;         /* range to flush */
	bool freed_tables;
	bool fullmm;                 /* the whole mm is going away */
	struct page **pages;
	uint64_t nr, cap;
};

/* Start gathering for mm; fullmm when the whole mm is going away (Linux:
 * tlb_gather_mmu, tlb_gather_mmu_fullmm). */
void tlb_gather_mmu(struct mmu_gather *tlb, struct kernel *k, struct mm_struct *mm, bool fullmm);

/* Queue page, whose entry was cleared, to be freed after the flush (Linux:
 * tlb_remove_page). */
void tlb_remove_page(struct mmu_gather *tlb, struct page *page);

/* Flush the TLBs for what was unmapped, then free the gathered pages. */
void tlb_finish_mmu(struct mmu_gather *tlb);

/* ---- unmapping and copying ranges (kernel/memory.c) -------------------------- */

/* What a zap does besides clearing the entries (Linux: struct
 * zap_details). NULL: nothing more. */
struct zap_details {
	/* Free each page table whose whole 2 MiB the zap empties (Linux 6.18,
	 * CONFIG_PT_RECLAIM: MADV_DONTNEED's zap sets it). */
	bool reclaim_pt;
	/* Clear guard markers too (Linux: ZAP_FLAG_DROP_MARKER, which munmap
	 * and exit set); otherwise a zap leaves them. */
	bool drop_markers;
	/* Leave anonymous pages (a private mapping's copies) mapped (Linux:
	 * unmap_mapping_range without even_cows: zap_skip_check_mapping). */
	bool skip_anon;
};

/* Clear the entries of [start, end) of vma, dropping the pages' mappings,
 * as details says (Linux: unmap_page_range / zap_page_range_single). */
void unmap_page_range(struct mmu_gather *tlb, struct vm_area_struct *vma, uint64_t start,
		      uint64_t end, const struct zap_details *details);

/* Free the page tables under the VMAs from vma to (excluding) end_vma, which
 * have been unmapped, between floor and ceiling (Linux: free_pgtables). */
void free_pgtables(struct mmu_gather *tlb, struct vm_area_struct *vma, struct vm_area_struct *end_vma,
		   uint64_t floor, uint64_t ceiling);

/* Zap [start, end) of one VMA with its own gather and flush, as details
 * says (NULL: clear the entries only). */
void zap_page_range_single(struct kernel *k, struct vm_area_struct *vma, uint64_t start,
			   uint64_t end, const struct zap_details *details);

/* Copy the page tables of src (the parent's VMA) into dst (the child's) for
 * fork, where the child could not fault the pages in: VMAs with anonymous
 * memory (Linux: copy_page_range). 0 or -ENOMEM. */
int copy_page_range(struct kernel *k, struct vm_area_struct *dst, struct vm_area_struct *src);

#endif
