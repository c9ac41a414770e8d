/* kernel/pgtable.c — page-table pages: allocation, walks, freeing. See pgtable.h. */
#include "kernel/pgtable.h"

#include "kernel/huge_mm.h"
#include "kernel/memcontrol.h"
#include "kernel/mm.h"
#include "kernel/trace.h"

#include <errno.h>

#define GFP_PGTABLE_USER (GFP_KERNEL_ACCOUNT | __GFP_ZERO)

/* x86's protection_map: VM_READ/WRITE/EXEC/SHARED to a PTE protection.
 * Private writable mappings start read-only: the first write copies. */
static const uint64_t protection_map[16] = {
	[VM_NONE] = PAGE_NONE,
	[VM_READ] = PAGE_READONLY,
	[VM_WRITE] = PAGE_COPY,
	[VM_WRITE | VM_READ] = PAGE_COPY,
	[VM_EXEC] = PAGE_READONLY_EXEC,
	[VM_EXEC | VM_READ] = PAGE_READONLY_EXEC,
	[VM_EXEC | VM_WRITE] = PAGE_COPY_EXEC,
	[VM_EXEC | VM_WRITE | VM_READ] = PAGE_COPY_EXEC,
	[VM_SHARED] = PAGE_NONE,
	[VM_SHARED | VM_READ] = PAGE_READONLY,
	[VM_SHARED | VM_WRITE] = PAGE_SHARED,
	[VM_SHARED | VM_WRITE | VM_READ] = PAGE_SHARED,
	[VM_SHARED | VM_EXEC] = PAGE_READONLY_EXEC,
	[VM_SHARED | VM_EXEC | VM_READ] = PAGE_READONLY_EXEC,
	[VM_SHARED | VM_EXEC | VM_WRITE] = PAGE_SHARED_EXEC,
	[VM_SHARED | VM_EXEC | VM_WRITE | VM_READ] = PAGE_SHARED_EXEC,
};

/* See pgtable.h. */
uint64_t vm_get_page_prot(uint64_t vm_flags)
{
	return protection_map[vm_flags & (VM_READ | VM_WRITE | VM_EXEC | VM_SHARED)];
}

/* See pgtable.h. */
int pte_table_alloc(struct kernel *k, struct mm_struct *mm, uint64_t *pa)
{
	struct page *page = alloc_page(k, GFP_PGTABLE_USER);
	if (!page)
		return -ENOMEM;
	if (memcg_kmem_charge_page(k, page, GFP_PGTABLE_USER)) {      /* __GFP_ACCOUNT */
		__free_pages(k, page, 0);
		return -ENOMEM;
	}
	page_set(page, PG_table);
	__lruvec_stat_mod_folio(k, page, NR_PAGETABLE, 1);
	if (mm)
		mm->pgtables_bytes += PAGE_SIZE;
	*pa = page_to_pfn(k, page) << PAGE_SHIFT;
	return 0;
}

/* See pgtable.h. */
void pte_table_free(struct kernel *k, struct mm_struct *mm, uint64_t pa)
{
	struct page *page = pfn_to_page(k, pa >> PAGE_SHIFT);
	page_clear(page, PG_table);
	__lruvec_stat_mod_folio(k, page, NR_PAGETABLE, -1);
	memcg_kmem_uncharge_page(k, page);
	if (mm)
		mm->pgtables_bytes -= PAGE_SIZE;
	__free_pages(k, page, 0);
}

/* See pgtable.h. The root is in NR_PAGETABLE but not in the mm's
 * pgtables_bytes (VmPTE), as on Linux; it gets the kernel half every
 * page table shares (pgd_ctor). */
int pgd_alloc(struct kernel *k, struct mm_struct *mm)
{
	int err = pte_table_alloc(k, NULL, &mm->pgd);
	if (!err)
		pgd_ctor(k, mm->pgd);
	return err;
}

/* See pgtable.h. */
void pgd_free(struct kernel *k, struct mm_struct *mm)
{
	pte_table_free(k, NULL, mm->pgd);
	mm->pgd = 0;
}

/* Allocate a table of level for the empty entry e on the way to addr, and
 * narrate it as a step of func, the caller. 0 or -ENOMEM. */
static int pgtable_populate(struct kernel *k, struct mm_struct *mm, pte_t *e, uint64_t addr, int level,
			    const char *func)
{
	uint64_t pa;
	int err = pte_table_alloc(k, mm, &pa);
	if (err)
		return err;
	*e = pa | _PAGE_TABLE;
	if (k->trace_fn)
		kernel_trace(k, k->this_cpu, func, "new %s table for %#llx at pfn %#llx",
			     pgtable_level_name(k, level), (unsigned long long)addr,
			     (unsigned long long)(pa >> PAGE_SHIFT));
	return 0;
}

/* The page table the PMD entry pmd lacks for addr (Linux: __pte_alloc).
 * 0 or -ENOMEM, as its siblings below. */
static int __pte_alloc(struct kernel *k, struct mm_struct *mm, pte_t *pmd, uint64_t addr)
{
	return pgtable_populate(k, mm, pmd, addr, 1, __func__);
}

/* The PMD table the PUD entry pud lacks (Linux: __pmd_alloc). */
static int __pmd_alloc(struct kernel *k, struct mm_struct *mm, pte_t *pud, uint64_t addr)
{
	return pgtable_populate(k, mm, pud, addr, 2, __func__);
}

/* The PUD table the P4D entry lacks; with 4-level paging the P4D is folded
 * into the PGD, whose entry this is (Linux: __pud_alloc). */
static int __pud_alloc(struct kernel *k, struct mm_struct *mm, pte_t *p4d, uint64_t addr)
{
	return pgtable_populate(k, mm, p4d, addr, 3, __func__);
}

/* The P4D table the PGD entry pgd lacks, with 5-level paging (Linux:
 * __p4d_alloc). */
static int __p4d_alloc(struct kernel *k, struct mm_struct *mm, pte_t *pgd, uint64_t addr)
{
	return pgtable_populate(k, mm, pgd, addr, 4, __func__);
}

/* The allocator of a missing table of each level (1 = PT ... 4 = P4D). */
static int (*const pgtable_alloc[])(struct kernel *k, struct mm_struct *mm, pte_t *e, uint64_t addr) = {
	NULL, __pte_alloc, __pmd_alloc, __pud_alloc, __p4d_alloc,
};

/* See pgtable.h. */
pte_t *pmd_walk(struct kernel *k, struct mm_struct *mm, uint64_t addr, bool alloc, int *err)
{
	uint64_t table = mm->pgd;

	*err = 0;
	for (int level = k->paging_levels; level > 2; level--) {
		pte_t *e = table_entry(k, table, hw_va_index(addr, level));
		if (level == 3 && (*e & _PAGE_PSE) && (*e & (_PAGE_PRESENT | _PAGE_PROTNONE)))
			return NULL;                      /* a 1 GiB hugetlb leaf: no PMD below */
		if (!(*e & _PAGE_PRESENT)) {
			if (!alloc)
				return NULL;
			if ((*err = pgtable_alloc[level - 1](k, mm, e, addr)))
				return NULL;
		}
		table = *e & HW_PTE_ADDR_MASK;
	}
	return table_entry(k, table, hw_va_index(addr, 2));
}

/* See pgtable.h. */
pte_t *pud_walk(struct kernel *k, struct mm_struct *mm, uint64_t addr, bool alloc, int *err)
{
	uint64_t table = mm->pgd;

	*err = 0;
	for (int level = k->paging_levels; level > 3; level--) {
		pte_t *e = table_entry(k, table, hw_va_index(addr, level));
		if (!(*e & _PAGE_PRESENT)) {
			if (!alloc)
				return NULL;
			if ((*err = pgtable_alloc[level - 1](k, mm, e, addr)))
				return NULL;
		}
		table = *e & HW_PTE_ADDR_MASK;
	}
	return table_entry(k, table, hw_va_index(addr, 3));
}

/* See pgtable.h. */
pte_t *pte_walk(struct kernel *k, struct mm_struct *mm, uint64_t addr, bool alloc, int *err)
{
	pte_t *pmd = pmd_walk(k, mm, addr, alloc, err);
	if (!pmd)
		return NULL;
	if (pmd_trans_huge(*pmd)) {
		if (!alloc)
			return NULL;
		split_huge_pmd_address(k, mm, addr);
	}
	if (!(*pmd & _PAGE_PRESENT)) {
		if (!alloc)
			return NULL;
		if ((*err = __pte_alloc(k, mm, pmd, addr)))
			return NULL;
	}
	return table_entry(k, *pmd & HW_PTE_ADDR_MASK, hw_va_index(addr, 1));
}

/* See pgtable.h. */
int pgtable_lookup(struct kernel *k, struct mm_struct *mm, uint64_t addr, pte_t *entry)
{
	uint64_t table = mm->pgd;

	for (int level = k->paging_levels; level >= 1; level--) {
		pte_t e = *table_entry(k, table, hw_va_index(addr, level));
		if (!(e & _PAGE_PRESENT))
			return -1;
		if (level == 1 || (level <= 3 && (e & _PAGE_PSE))) {
			*entry = e;
			return level;
		}
		table = e & HW_PTE_ADDR_MASK;
	}
	return -1;
}

/* The end of the block of size (a power of two) holding addr, or end if
 * that comes first (Linux: pmd_addr_end and its siblings). */
static uint64_t block_end(uint64_t addr, uint64_t end, uint64_t size)
{
	uint64_t boundary = (addr + size) & ~(size - 1);
	return boundary - 1 < end - 1 ? boundary : end;
}

/*
 * Free the tables below *parent, a table of level that maps [addr, end) of
 * an unmapped range, then that table itself when the whole range its parent
 * entry covers lies inside [floor, ceiling) (Linux: free_pmd_range and its
 * siblings; a ceiling of 0 means the top of the address space).
 */
static void free_tables(struct kernel *k, struct mm_struct *mm, pte_t *parent, int level,
			uint64_t addr, uint64_t end, uint64_t floor, uint64_t ceiling)
{
	uint64_t table = *parent & HW_PTE_ADDR_MASK, start = addr;

	if (level > 1) {
		uint64_t size = 1ULL << hw_level_shift(level);
		do {
			uint64_t next = block_end(addr, end, size);
			pte_t *e = table_entry(k, table, hw_va_index(addr, level));
			if ((level == 2 && pmd_trans_huge(*e)) || (level == 3 && (*e & _PAGE_PSE) && *e))
				kernel_bug(k, "free_pgd_range: a huge leaf is still mapped at %#llx",
					   (unsigned long long)addr);
			else if (*e & _PAGE_PRESENT)
				free_tables(k, mm, e, level - 1, addr, next, floor, ceiling);
			addr = next;
		} while (addr != end);
		uint64_t mask = ~((1ULL << hw_level_shift(level + 1)) - 1);
		start &= mask;
		if (start < floor)
			return;
		if (ceiling && !(ceiling &= mask))
			return;
		if (end - 1 > ceiling - 1)
			return;
	}
	*parent = 0;
	pte_table_free(k, mm, table);
}

/* See pgtable.h. The alignment dance is Linux's free_pgd_range: a page
 * table (2 MiB of address space) is freed only when no VMA can need it. */
void free_pgd_range(struct kernel *k, struct mm_struct *mm, uint64_t addr, uint64_t end,
		    uint64_t floor, uint64_t ceiling)
{
	const uint64_t pmd_size = 1ULL << PMD_SHIFT, pmd_mask = ~(pmd_size - 1);
	int top = k->paging_levels;

	addr &= pmd_mask;
	if (addr < floor) {
		addr += pmd_size;
		if (!addr)
			return;
	}
	if (ceiling && !(ceiling &= pmd_mask))
		return;
	if (end - 1 > ceiling - 1)
		end -= pmd_size;
	if (addr > end - 1)
		return;
	uint64_t size = 1ULL << hw_level_shift(top);
	do {
		uint64_t next = block_end(addr, end, size);
		pte_t *e = table_entry(k, mm->pgd, hw_va_index(addr, top));
		if (*e & _PAGE_PRESENT)
			free_tables(k, mm, e, top - 1, addr, next, floor, ceiling);
		addr = next;
	} while (addr != end);
}

/* See pgtable.h. */
int pte_alloc_range(struct kernel *k, struct mm_struct *mm, uint64_t start, uint64_t end,
		    struct mm_struct *like)
{
	int err = 0;
	for (uint64_t a = start; a < end && a >= start; a = (a + PMD_SIZE) & ~(PMD_SIZE - 1))
		if ((!like || pte_walk(k, like, a, false, &err)) && !pte_walk(k, mm, a, true, &err))
			return err;
	return 0;
}

/* See pgtable.h. */
bool pte_table_reclaim(struct kernel *k, struct mm_struct *mm, uint64_t addr)
{
	uint64_t table = mm->pgd;
	pte_t *pmd = NULL;

	for (int level = k->paging_levels; level > 1; level--) {
		pmd = table_entry(k, table, hw_va_index(addr, level));
		if (!(*pmd & _PAGE_PRESENT) || (level <= 3 && (*pmd & _PAGE_PSE)))
			return false;
		table = *pmd & HW_PTE_ADDR_MASK;
	}
	for (unsigned i = 0; i < PTRS_PER_TABLE; i++)
		if (!pte_none(*table_entry(k, table, i)))
			return false;
	*pmd = 0;
	pte_table_free(k, mm, table);
	return true;
}

/* A walk's callbacks (walk_page_range_pmd). */
struct walk_fns {
	struct mm_struct *mm;
	int (*fn)(pte_t *pte, uint64_t addr, void *arg);
	int (*pmd_fn)(pte_t *pmd, uint64_t addr, uint64_t next, void *arg);
	void *arg;
};

/* Walk the entries of the table at level that map [addr, end). */
static int walk_level(struct kernel *k, uint64_t table, int level, uint64_t addr, uint64_t end,
		      const struct walk_fns *w)
{
	uint64_t size = 1ULL << hw_level_shift(level);
	int rc = 0;

	do {
		uint64_t next = block_end(addr, end, size);
		pte_t *e = table_entry(k, table, hw_va_index(addr, level));
		if (level == 1) {
			rc = w->fn(e, addr, w->arg);
		} else if (level == 2 && pmd_trans_huge(*e)) {
			rc = w->pmd_fn ? w->pmd_fn(e, addr, next, w->arg) : WALK_SPLIT_PMD;
			if (rc == WALK_SPLIT_PMD) {
				split_huge_pmd_address(k, w->mm, addr);
				rc = pmd_trans_huge(*e) ? 0 : walk_level(k, *e & HW_PTE_ADDR_MASK, 1, addr, next, w);
			}
		} else if (level == 3 && (*e & _PAGE_PSE)) {
			;                                  /* a 1 GiB hugetlb leaf (hugetlb.c walks those) */
		} else if (*e & _PAGE_PRESENT) {
			rc = walk_level(k, *e & HW_PTE_ADDR_MASK, level - 1, addr, next, w);
		}
		addr = next;
	} while (!rc && addr != end);
	return rc;
}

/* See pgtable.h. */
int walk_page_range_pmd(struct kernel *k, struct mm_struct *mm, uint64_t start, uint64_t end,
			int (*fn)(pte_t *pte, uint64_t addr, void *arg),
			int (*pmd_fn)(pte_t *pmd, uint64_t addr, uint64_t next, void *arg), void *arg)
{
	struct walk_fns w = { mm, fn, pmd_fn, arg };
	if (start >= end)
		return 0;
	return walk_level(k, mm->pgd, k->paging_levels, start, end, &w);
}

/* See pgtable.h. */
int walk_pmd_skip(pte_t *pmd, uint64_t addr, uint64_t next, void *arg)
{
	(void)pmd, (void)addr, (void)next, (void)arg;
	return 0;
}

/* See pgtable.h. */
int walk_pmd_split_partial(pte_t *pmd, uint64_t addr, uint64_t next, void *arg)
{
	(void)pmd, (void)arg;
	return next - addr == PMD_SIZE ? 0 : WALK_SPLIT_PMD;
}

/* See pgtable.h. */
int walk_pte_range(struct kernel *k, struct mm_struct *mm, uint64_t start, uint64_t end,
		   int (*fn)(pte_t *pte, uint64_t addr, void *arg), void *arg)
{
	return walk_page_range_pmd(k, mm, start, end, fn, NULL, arg);
}

/* See pgtable.h. */
const char *pgtable_level_name(const struct kernel *k, int level)
{
	return hw_level_linux_name(level, k->paging_levels);
}
