/*
 * kernel/hugetlb.h — hugetlbfs: pools of huge pages per size (hstates),
 * reservations, and the faults, copies, zaps and protection changes of
 * hugetlb VMAs (Linux: include/linux/hugetlb.h, mm/hugetlb.c,
 * fs/hugetlbfs/inode.c).
 *
 * Two hstates: 2 MiB pages (order 9, mapped by PMD leaves) and 1 GiB
 * pages (order 18, PUD leaves, taken with alloc_contig_pages). A huge
 * page is a compound page whose head's third struct page carries
 * FOLIO_HUGETLB in its mapping word (beside THP's FOLIO_DEFERRED); its
 * PMD or PUD mappings are counted in the entire mapcount (tail 1, as
 * THP's) and each holds a reference. A free huge page has no reference
 * and sits on its hstate's free list; its last put returns it there (or
 * to the buddy allocator when it is surplus).
 *
 * Reservations as Linux keeps them: a shared mapping reserves the file's
 * huge pages it covers that are neither reserved nor cached (the inode's
 * resv_map records reserved indices); a private mapping reserves its
 * whole range, owned by the VMA that mmap made (vm_private_data: a
 * resv_map recording the indices whose reservation a fault consumed).
 * resv_huge_pages counts the reservations not yet consumed.
 */
#ifndef MMSIM_KERNEL_HUGETLB_H
#define MMSIM_KERNEL_HUGETLB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kernel/memory.h"
#include "kernel/mm_types.h"
#include "kernel/hstate.h"
#include "kernel/page_list.h"

struct kernel;
struct inode;
struct mm_struct;
struct mmu_gather;
struct vm_area_struct;

/* Set up the two hstates with nr[0] 2 MiB and nr[1] 1 GiB pages (the
 * boot parameters hugepages=); free their maps at the end. */
void hugetlb_init(struct kernel *k, const uint64_t nr[HUGE_MAX_HSTATE]);
void hugetlb_destroy(struct kernel *k);

/* The hstate of huge pages of 1 << shift bytes (21 or 30), NULL if none. */
struct hstate *size_to_hstate(struct kernel *k, unsigned shift);

/* The hstate of a hugetlb VMA. */
struct hstate *hstate_vma(struct kernel *k, const struct vm_area_struct *vma);

static inline uint64_t huge_page_size(const struct hstate *h)
{
	return 4096ULL << h->order;
}

static inline uint64_t pages_per_huge_page(const struct hstate *h)
{
	return 1ULL << h->order;
}

/* Is head a hugetlb folio (Linux: folio_test_hugetlb)? */
static inline bool folio_test_hugetlb(const struct page *head)
{
	return (head->flags & (1u << PG_head)) && page_order(head) >= 9 && (head[2].mapping & FOLIO_HUGETLB);
}

/* Is a page-table entry a huge leaf, present or PROT_NONE? */
bool huge_pte_present(uint64_t pte);

/* ---- the pool ---------------------------------------------------------------- */

/* Make the persistent pool count pages (Linux: set_max_huge_pages): grow
 * from the buddy allocator (surplus pages become persistent first),
 * shrink by freeing free pages not reserved; pages in use beyond count
 * become surplus. 0, or -EINVAL past what fits. */
int set_max_huge_pages(struct kernel *k, struct hstate *h, uint64_t count);

/* The last reference to a hugetlb folio went (Linux: free_huge_folio):
 * back on the free list, or to the buddy allocator when surplus. */
void free_huge_folio(struct kernel *k, struct page *head);

/* ---- reservations ------------------------------------------------------------ */

/* Reserve the huge pages [from, to) (in huge pages) of inode for a new
 * mapping vma with vm_flags (Linux: hugetlb_reserve_pages). 0, or
 * -ENOMEM when the pool (with overcommit) cannot cover them. */
int hugetlb_reserve_pages(struct kernel *k, struct inode *inode, uint64_t from, uint64_t to,
			  struct vm_area_struct *vma, uint64_t vm_flags);

/* A VMA was duplicated (split, mremap's copy): share its reservation map
 * (Linux: hugetlb_vm_op_open). A fork's copy owns none: call
 * hugetlb_dup_vma_private after. */
void hugetlb_vm_op_open(struct vm_area_struct *vma);
void hugetlb_dup_vma_private(struct vm_area_struct *vma);

/* A VMA goes: give back the reservations of its range no fault consumed
 * (Linux: hugetlb_vm_op_close). */
void hugetlb_vm_op_close(struct kernel *k, struct vm_area_struct *vma);

/* mremap moved vma's pages away: it owns no reservation any more (Linux:
 * clear_vma_resv_huge_pages). */
void clear_vma_resv_huge_pages(struct kernel *k, struct vm_area_struct *vma);

/* The last reference to a hugetlbfs inode went: free its pages and the
 * reservations of pages never faulted (Linux: hugetlbfs_evict_inode). */
void hugetlbfs_evict_inode(struct kernel *k, struct inode *inode);

/* Shrink a hugetlbfs file to size bytes (a multiple of its huge page
 * size): unmap and drop the pages past it (Linux: hugetlb_vmtruncate). */
void hugetlb_vmtruncate(struct kernel *k, struct inode *inode, uint64_t size);

/* ---- page tables ------------------------------------------------------------- */

/* The slot of the huge leaf mapping addr (a PMD entry for 2 MiB, a PUD
 * entry for 1 GiB), allocating the tables above it if alloc (Linux:
 * huge_pte_alloc, huge_pte_offset). NULL when absent (or no memory). */
uint64_t *huge_pte_offset(struct kernel *k, struct mm_struct *mm, uint64_t addr, unsigned shift, bool alloc);

/* A fault at vmf->address of a hugetlb VMA (Linux: hugetlb_fault). */
vm_fault_t hugetlb_fault(struct vm_fault *vmf);

/* Zap [start, end) of a hugetlb VMA (Linux: __unmap_hugepage_range). */
void unmap_hugepage_range(struct mmu_gather *tlb, struct vm_area_struct *vma, uint64_t start, uint64_t end);

/* Copy a hugetlb VMA's mappings into the child at fork (Linux:
 * copy_hugetlb_page_range). 0 or -ENOMEM. */
int copy_hugetlb_page_range(struct kernel *k, struct vm_area_struct *dst, struct vm_area_struct *src);

/* mprotect of [start, end) of a hugetlb VMA to newprot (Linux:
 * hugetlb_change_protection). Returns the huge pages changed. */
uint64_t hugetlb_change_protection(struct kernel *k, struct vm_area_struct *vma, uint64_t start,
				   uint64_t end, uint64_t newprot);

/* mremap: move the huge leaves of [old_addr, old_addr + len) of vma to
 * new_addr of new_vma (Linux: move_hugetlb_page_tables). 0 or -ENOMEM. */
int move_hugetlb_page_tables(struct kernel *k, struct vm_area_struct *vma, struct vm_area_struct *new_vma,
			     uint64_t old_addr, uint64_t new_addr, uint64_t len);

/* The huge leaf mapping addr in vma, 0 when none (for pagemap, smaps,
 * GUP): *shift gets its size. */
uint64_t huge_ptep_get(struct kernel *k, const struct vm_area_struct *vma, uint64_t addr);

/* ---- views -------------------------------------------------------------------- */

/* Write or read vm.nr_hugepages, vm.nr_overcommit_hugepages and the files
 * of /sys/kernel/mm/hugepages/hugepages-<size>kB/ (name is the part after
 * hugepages/: "hugepages-2048kB/nr_hugepages"). 0, -ENOENT, -EINVAL
 * (errbuf says why), -EACCES for the read-only ones. */
int hugetlb_sysfs_write(struct kernel *k, const char *name, const char *value, char *errbuf, size_t errlen);
int hugetlb_sysfs_read(struct kernel *k, const char *name, char *buf, size_t len);
const char *hugetlb_sysfs_name_at(size_t i);

/* Bytes of every pool (meminfo's Hugetlb). */
uint64_t hugetlb_total_bytes(const struct kernel *k);

#endif
