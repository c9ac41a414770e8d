/*
 * procfs/task_mmu.c — the views of a process's address space (Linux:
 * fs/proc/task_mmu.c): /proc/PID/maps, smaps, smaps_rollup and pagemap,
 * and the memory numbers of status and statm.
 *
 * smaps and pagemap walk the page tables the MMU walks and account each
 * page as Linux 6.18 does: PSS in fixed point (PSS_SHIFT), a page with a
 * single reference or mapping counted private, the zero page and special
 * entries (no struct page) not counted at all. The simulated kernel is
 * built as with CONFIG_MEM_SOFT_DIRTY (as distributions build Linux): every
 * new VMA is VM_SOFTDIRTY, so smaps lists "sd" and pagemap sets bit 55.
 */
#include "procfs/internal.h"

#include "common.h"
#include "hw/cpu.h"
#include "hw/machine.h"
#include "kernel/fs.h"
#include "kernel/huge_mm.h"
#include "kernel/hugetlb.h"
#include "kernel/kernel.h"
#include "kernel/memory.h"
#include "kernel/mempolicy.h"
#include "kernel/migrate.h"
#include "kernel/mm.h"
#include "kernel/objsize.h"
#include "kernel/pgtable.h"
#include "kernel/sched.h"
#include "kernel/swapops.h"

#include <errno.h>
#include <string.h>

#define PSS_SHIFT      12
#define VSYSCALL_ADDR  0xffffffffff600000ULL

/* The vsyscall page: in no mm, yet listed last by maps and smaps (Linux:
 * gate_vma; vsyscall=xonly makes it execute-only). */
static const struct vm_area_struct gate_vma = {
	.vm_start = VSYSCALL_ADDR,
	.vm_end = VSYSCALL_ADDR + PAGE_SIZE,
	.vm_flags = VM_EXEC,
	.vm_name = "[vsyscall]",
};

/* ---- maps -------------------------------------------------------------------- */

/* The start of a maps line, up to the inode and its space, with the width
 * the name is padded to (Linux: show_vma_header_prefix). */
static void show_vma_header_prefix(struct seq_buf *m, uint64_t start, uint64_t end, uint64_t flags,
				   uint64_t pgoff, unsigned major, unsigned minor, uint64_t ino)
{
	seq_setwidth(m, 25 + KPTR_SIZE * 6 - 1);      /* the simulated kernel's pointers */
	seq_printf(m, "%08llx-%08llx %c%c%c%c %08llx %02x:%02x %llu ", (unsigned long long)start,
		   (unsigned long long)end, flags & VM_READ ? 'r' : '-', flags & VM_WRITE ? 'w' : '-',
		   flags & VM_EXEC ? 'x' : '-', flags & VM_MAYSHARE ? 's' : 'p',
		   (unsigned long long)pgoff, major, minor, (unsigned long long)ino);
}

/* A file's path, with a newline in it escaped as \012 (Linux: seq_path). */
static void seq_path(struct seq_buf *m, const char *path)
{
	for (const char *c = path; *c; c++)
		if (*c == '\n')
			seq_puts(m, "\\012");
		else
			seq_putc(m, *c);
}

/* Does vma overlap the heap [start_brk, brk) (Linux: vma_is_initial_heap)?
 * An empty heap names nothing, not even a mapping placed at start_brk. */
static bool vma_is_initial_heap(const struct vm_area_struct *vma)
{
	return vma->vm_start < vma->vm_mm->brk && vma->vm_end > vma->vm_mm->start_brk;
}

/* Does vma hold the initial stack pointer (Linux: vma_is_initial_stack)? */
static bool vma_is_initial_stack(const struct vm_area_struct *vma)
{
	return vma->vm_start <= vma->vm_mm->start_stack && vma->vm_end >= vma->vm_mm->start_stack;
}

/* Print the name maps gives vma, padded to column 73, if it has one
 * (Linux: get_vma_name): the file's path ("[anon_shmem:NAME]" for named
 * shared anonymous memory), a special mapping's name, [heap], [stack], or
 * "[anon:NAME]". */
static void show_vma_name(struct seq_buf *m, const struct vm_area_struct *vma)
{
	if (vma->vm_file) {
		seq_pad(m, ' ');
		if (vma->anon_name)
			seq_printf(m, "[anon_shmem:%s]", vma->anon_name);
		else
			seq_path(m, file_inode(vma->vm_file)->i_name);
		return;
	}
	const char *name = vma->vm_name;
	if (!name && vma_is_initial_heap(vma))
		name = "[heap]";
	else if (!name && vma_is_initial_stack(vma))
		name = "[stack]";
	if (name || vma->anon_name)
		seq_pad(m, ' ');
	if (name)
		seq_puts(m, name);
	else if (vma->anon_name)
		seq_printf(m, "[anon:%s]", vma->anon_name);
}

/* One line of maps (Linux: show_map_vma). File mappings show the file's
 * device, inode and offset; anonymous memory 00:00 0 and offset 0. */
static void show_map_vma(struct seq_buf *m, const struct vm_area_struct *vma)
{
	const struct inode *f = vma->vm_file ? file_inode(vma->vm_file) : NULL;
	show_vma_header_prefix(m, vma->vm_start, vma->vm_end, vma->vm_flags,
			       f ? vma->vm_pgoff << PAGE_SHIFT : 0, f ? f->i_sb->major : 0,
			       f ? f->i_sb->minor : 0, f ? f->i_ino : 0);
	show_vma_name(m, vma);
	seq_putc(m, '\n');
}

/* See internal.h. A process without an address space shows nothing; the
 * vsyscall line comes last otherwise. */
int proc_pid_maps_show(struct kernel *k, struct task_struct *t, struct seq_buf *m)
{
	(void)k;
	if (!t->mm)
		return 0;
	for (const struct vm_area_struct *vma = t->mm->mmap; vma; vma = vma->vm_next)
		show_map_vma(m, vma);
	show_map_vma(m, &gate_vma);
	return 0;
}

/* ---- smaps ------------------------------------------------------------------- */

/* What smaps adds up over a VMA, in bytes; the pss fields carry PSS_SHIFT
 * fractional bits (Linux: struct mem_size_stats). */
struct mem_size_stats {
	uint64_t resident, shared_clean, shared_dirty, private_clean, private_dirty;
	uint64_t referenced, anonymous, lazyfree, anonymous_thp, shmem_thp, file_thp;
	uint64_t swap, shared_hugetlb, private_hugetlb, ksm;
	uint64_t pss, pss_anon, pss_file, pss_shmem, pss_dirty, pss_locked, swap_pss;
};

struct smaps_walk {
	struct kernel *k;
	const struct vm_area_struct *vma;
	struct mem_size_stats *mss;
};

/* Add size bytes of page, pss of them proportional, to the sharing and
 * dirtiness buckets (Linux: smaps_page_accumulate). */
static void smaps_page_accumulate(struct mem_size_stats *mss, const struct page *page, uint64_t size,
				  uint64_t pss, bool dirty, bool locked, bool private)
{
	mss->pss += pss;
	if (PageAnon(page))
		mss->pss_anon += pss;
	else if (page_test(page, PG_swapbacked))
		mss->pss_shmem += pss;
	else
		mss->pss_file += pss;
	if (locked)
		mss->pss_locked += pss;
	if (dirty || page_test(page, PG_dirty)) {
		mss->pss_dirty += pss;
		*(private ? &mss->private_dirty : &mss->shared_dirty) += size;
	} else {
		*(private ? &mss->private_clean : &mss->shared_clean) += size;
	}
}

/* Account nr mapped pages from page (one, or a PMD's 512) (Linux:
 * smaps_account): a folio with one reference is private outright;
 * otherwise each page's mapcount (its PTEs' plus its folio's PMDs')
 * decides, and PSS divides by it. The flags are the folio's. */
static void smaps_account(struct mem_size_stats *mss, const struct page *page, unsigned nr, bool young,
			  bool dirty, bool locked)
{
	const struct page *head = compound_head(page);
	uint64_t size = (uint64_t)nr * PAGE_SIZE;
	if (PageAnon(head)) {
		mss->anonymous += size;
		if (!page_test(head, PG_swapbacked) && !dirty && !page_test(head, PG_dirty))
			mss->lazyfree += size;
	}
	mss->resident += size;
	if (young || page_test(head, PG_referenced))
		mss->referenced += size;
	if (page_ref_count(head) == 1) {
		smaps_page_accumulate(mss, head, size, size << PSS_SHIFT, dirty, locked, true);
		return;
	}
	for (unsigned i = 0; i < nr; i++) {
		int mapcount = page_precise_mapcount(page + i);
		uint64_t pss = PAGE_SIZE << PSS_SHIFT;
		if (mapcount >= 2)
			pss /= (uint64_t)mapcount;
		smaps_page_accumulate(mss, head, PAGE_SIZE, pss, dirty, locked, mapcount < 2);
	}
}

/* A huge PMD (Linux: smaps_pmd_entry): 2 MiB of a THP, AnonHugePages; the
 * huge zero page counts nothing, as the small one does not. */
static int smaps_pmd_entry(pte_t *pmd, uint64_t addr, uint64_t next, void *arg)
{
	struct smaps_walk *w = arg;
	const struct page *page = vm_normal_page_pmd(w->k, *pmd);
	(void)addr, (void)next;
	if (!page)
		return 0;
	if (PageAnon(page))
		w->mss->anonymous_thp += HPAGE_PMD_SIZE;
	smaps_account(w->mss, page, HPAGE_PMD_NR, *pmd & _PAGE_ACCESSED, *pmd & _PAGE_DIRTY,
		      w->vma->vm_flags & VM_LOCKED);
	return 0;
}

/* One entry of the walk (Linux: smaps_pte_entry): a present page, or a
 * swap entry, whose slot's references share its SwapPss. */
static int smaps_pte_entry(pte_t *pte, uint64_t addr, void *arg)
{
	struct smaps_walk *w = arg;
	pte_t e = *pte;
	(void)addr;
	if (is_swap_pte(e) && is_swap_entry(pte_to_swp_entry(e))) {
		int mapcount = __swap_count(w->k, pte_to_swp_entry(e));
		w->mss->swap += PAGE_SIZE;
		w->mss->swap_pss += (PAGE_SIZE << PSS_SHIFT) / (uint64_t)(mapcount >= 2 ? mapcount : 1);
		return 0;
	}
	if (!pte_present(e))
		return 0;
	const struct page *page = vm_normal_page(w->k, e);
	if (page)
		smaps_account(w->mss, page, 1, e & _PAGE_ACCESSED, e & _PAGE_DIRTY,
			      w->vma->vm_flags & VM_LOCKED);
	return 0;
}

/* The swapped pages of the shmem object vma maps, in its range (Linux:
 * shmem_swap_usage). */
static uint64_t shmem_swap_usage(const struct vm_area_struct *vma)
{
	const struct inode *f = file_inode(vma->vm_file);
	if (!f->swapped)
		return 0;
	if (!vma->vm_pgoff && vma->vm_end - vma->vm_start >= f->i_size)
		return f->swapped << PAGE_SHIFT;
	return shmem_partial_swap_usage(f, vma->vm_pgoff, vma->vm_pgoff + vma_pages(vma)) << PAGE_SHIFT;
}

/* Add up vma's pages into mss (Linux: smap_gather_stats). VM_PFNMAP
 * ranges and the gate page are not walked. A shared mapping of a shmem
 * object counts the object's swapped pages as its Swap, with no SwapPss. */
static void smap_gather_stats(struct kernel *k, const struct vm_area_struct *vma,
			      struct mem_size_stats *mss)
{
	struct smaps_walk w = { k, vma, mss };
	if (!vma->vm_mm || (vma->vm_flags & VM_PFNMAP))
		return;
	if (vma->vm_flags & VM_HUGETLB) {            /* smaps_hugetlb_range: no Rss */
		uint64_t sz = vma_kernel_pagesize(vma);
		for (uint64_t a = vma->vm_start; a < vma->vm_end; a += sz) {
			pte_t e = huge_ptep_get(k, vma, a);
			if (!(e & _PAGE_PRESENT) && !(e & _PAGE_PROTNONE))
				continue;
			const struct page *head = pfn_to_page(k, pte_pfn(e));
			*(folio_entire_mapcount(head) > 1 ? &mss->shared_hugetlb : &mss->private_hugetlb) += sz;
		}
		return;
	}
	if (vma->vm_file && file_inode(vma->vm_file)->kind == FILE_SHMEM)
		mss->swap += shmem_swap_usage(vma);
	walk_page_range_pmd(k, vma->vm_mm, vma->vm_start, vma->vm_end, smaps_pte_entry, smaps_pmd_entry, &w);
}

/* "Label:" padded to 16 columns, then the size in kB, 8 wide ("%8llu kB");
 * a label of 17 leaves 7 (Linux: seq_put_decimal_ull_width). */
static void show_kb(struct seq_buf *m, const char *label, uint64_t bytes)
{
	seq_printf(m, "%-16s%*llu kB\n", label, strlen(label) > 16 ? 7 : 8, (unsigned long long)(bytes >> 10));
}

/* The lines smaps and smaps_rollup share (Linux: __show_smap); the rollup
 * also splits Pss by kind of page. */
static void __show_smap(struct seq_buf *m, const struct mem_size_stats *mss, bool rollup)
{
	const struct { const char *label; uint64_t bytes; bool rollup_only; } line[] = {
		{ "Rss:", mss->resident, false }, { "Pss:", mss->pss >> PSS_SHIFT, false },
		{ "Pss_Dirty:", mss->pss_dirty >> PSS_SHIFT, false },
		{ "Pss_Anon:", mss->pss_anon >> PSS_SHIFT, true },
		{ "Pss_File:", mss->pss_file >> PSS_SHIFT, true },
		{ "Pss_Shmem:", mss->pss_shmem >> PSS_SHIFT, true },
		{ "Shared_Clean:", mss->shared_clean, false }, { "Shared_Dirty:", mss->shared_dirty, false },
		{ "Private_Clean:", mss->private_clean, false },
		{ "Private_Dirty:", mss->private_dirty, false }, { "Referenced:", mss->referenced, false },
		{ "Anonymous:", mss->anonymous, false }, { "KSM:", mss->ksm, false },
		{ "LazyFree:", mss->lazyfree, false }, { "AnonHugePages:", mss->anonymous_thp, false },
		{ "ShmemPmdMapped:", mss->shmem_thp, false }, { "FilePmdMapped:", mss->file_thp, false },
		{ "Shared_Hugetlb:", mss->shared_hugetlb, false },
		{ "Private_Hugetlb: ", mss->private_hugetlb, false }, { "Swap:", mss->swap, false },
		{ "SwapPss:", mss->swap_pss >> PSS_SHIFT, false },
		{ "Locked:", mss->pss_locked >> PSS_SHIFT, false },
	};
	for (size_t i = 0; i < ARRAY_SIZE(line); i++)
		if (rollup || !line[i].rollup_only)
			show_kb(m, line[i].label, line[i].bytes);
}

/* smaps' THPeligible: the rule the fault follows (thp_vma_allowable),
 * with room for one aligned 2 MiB page anywhere in the VMA (Linux:
 * thp_vma_allowable_orders with TVA_SMAPS and thp_vma_suitable_order). */
static bool thp_vma_eligible(const struct kernel *k, const struct vm_area_struct *vma)
{
	if (!thp_vma_allowable(k, vma) || vma->vm_end < HPAGE_PMD_SIZE)
		return false;
	return thp_vma_suitable(vma, vma->vm_end - HPAGE_PMD_SIZE);
}

/* Protection keys are on when the kernel enabled them in CR4 (Linux:
 * arch_pkeys_enabled, X86_FEATURE_OSPKE). */
static bool arch_pkeys_enabled(const struct kernel *k)
{
	return k->hw && k->hw->nr_cpus && (k->hw->cpus[0].cr4 & X86_CR4_PKE);
}

/* The VmFlags line: one mnemonic per set flag, in bit order, "??" for a
 * flag without one; the protection-key bits are shown by ProtectionKey
 * instead (Linux: show_smap_vma_flags for x86-64). */
static void show_smap_vma_flags(struct seq_buf *m, const struct vm_area_struct *vma)
{
	static const char *const mnemonics[64] = {
		"rd", "wr", "ex", "sh", "mr", "mw", "me", "ms", "gd", "um", "pf", "gu", "uw", "lo",
		"io", "sr", "rr", "dc", "de", "lf", "ac", "nr", "ht", "sf", "ar", "wf", "dd", "sd",
		"mm", "hg", "nh", "mg", "", "", "", "", NULL, "ss", NULL, NULL, "dp", "ui", "sl",
	};
	seq_puts(m, "VmFlags: ");
	for (int i = 0; i < 64; i++) {
		const char *name = mnemonics[i] ? mnemonics[i] : "??";
		if (name[0] && (vma->vm_flags & (1ULL << i)))
			seq_printf(m, "%s ", name);
	}
	seq_putc(m, '\n');
}

/* One VMA's block of smaps (Linux: show_smap). */
static void show_smap(struct kernel *k, struct seq_buf *m, const struct vm_area_struct *vma)
{
	struct mem_size_stats mss = { 0 };
	smap_gather_stats(k, vma, &mss);
	show_map_vma(m, vma);
	show_kb(m, "Size:", vma->vm_end - vma->vm_start);
	show_kb(m, "KernelPageSize:", vma_kernel_pagesize(vma));
	show_kb(m, "MMUPageSize:", vma_kernel_pagesize(vma));
	__show_smap(m, &mss, false);
	seq_printf(m, "THPeligible:    %8u\n", thp_vma_eligible(k, vma) ? 1u : 0u);
	if (arch_pkeys_enabled(k))
		seq_printf(m, "ProtectionKey:  %8u\n", (unsigned)((vma->vm_flags >> 32) & 0xf));
	show_smap_vma_flags(m, vma);
}

/* See internal.h. */
int proc_pid_smaps_show(struct kernel *k, struct task_struct *t, struct seq_buf *m)
{
	if (!t->mm)
		return 0;
	for (const struct vm_area_struct *vma = t->mm->mmap; vma; vma = vma->vm_next)
		show_smap(k, m, vma);
	show_smap(k, m, &gate_vma);
	return 0;
}

/* See internal.h. The sums over every VMA, under a header spanning the
 * first VMA's start to the last one's end (Linux: show_smaps_rollup). */
int show_smaps_rollup(struct kernel *k, struct task_struct *t, struct seq_buf *m)
{
	struct mem_size_stats mss = { 0 };
	uint64_t start = 0, end = 0;

	if (!t->mm)
		return -ESRCH;
	for (const struct vm_area_struct *vma = t->mm->mmap; vma; vma = vma->vm_next) {
		if (vma == t->mm->mmap)
			start = vma->vm_start;
		smap_gather_stats(k, vma, &mss);
		end = vma->vm_end;
	}
	show_vma_header_prefix(m, start, end, 0, 0, 0, 0, 0);
	seq_pad(m, ' ');
	seq_puts(m, "[rollup]\n");
	__show_smap(m, &mss, true);
	return 0;
}

/* ---- pagemap ----------------------------------------------------------------- */

struct pagemapread {
	struct kernel *k;
	uint64_t *buffer;
	uint64_t pos, len;           /* entries written, room for */
	bool show_pfn;
};

/* Append n copies of entry, as many as fit. */
static void add_to_pagemap(struct pagemapread *pm, uint64_t entry, uint64_t n)
{
	while (n-- && pm->pos < pm->len)
		pm->buffer[pm->pos++] = entry;
}

/* The entry of a page-table entry in vma (Linux: pte_to_pagemap_entry):
 * present with the PFN (when the reader may see it), soft-dirty, a page
 * that is not anonymous is "file", one mapped once is exclusive; a swap
 * entry is "swapped" with its type in bits 0-4 and its offset above (when
 * the reader may see them) and, for a guard marker, the guard-region bit.
 * The [vdso]'s pages, special entries here, are kernel pages Linux maps
 * like a file's (mapped by every process: never exclusive): "file" too. */
static uint64_t pte_to_pagemap_entry(struct pagemapread *pm, const struct vm_area_struct *vma, pte_t pte)
{
	uint64_t frame = 0, flags = 0;

	if (is_swap_pte(pte)) {
		swp_entry_t entry = pte_to_swp_entry(pte);
		/* a migration entry shows its frame, without the A/D bits above
		 * it, and whether its page is a file's (Linux: swp_offset_pfn) */
		bool migration = is_migration_entry(entry);
		uint64_t offset = migration ? migration_pte_pfn(pm->k, pte) : swp_offset(entry);
		if (pm->show_pfn)
			frame = swp_type(entry) | (offset << MAX_SWAPFILES_SHIFT);
		flags |= PM_SWAP;
		if (migration && !PageAnon(pfn_to_page(pm->k, offset)))
			flags |= PM_FILE;
		if (pte_swp_soft_dirty(pte) && pm->k->soft_dirty)
			flags |= PM_SOFT_DIRTY;
		if (is_guard_pte_marker(pte))
			flags |= PM_GUARD_REGION;
	} else if (pte_present(pte)) {
		if (pm->show_pfn)
			frame = pte_pfn(pte);
		flags |= PM_PRESENT;
		if ((pte & _PAGE_SOFT_DIRTY) && pm->k->soft_dirty)
			flags |= PM_SOFT_DIRTY;
		const struct page *page = vm_normal_page(pm->k, pte);
		if (page ? !PageAnon(page) : vma->vm_name && !(vma->vm_flags & VM_PFNMAP))
			flags |= PM_FILE;
		if (page && page_precise_mapcount(page) == 1)
			flags |= PM_MMAP_EXCLUSIVE;
	}
	if (vma->vm_flags & VM_SOFTDIRTY)
		flags |= PM_SOFT_DIRTY;
	return (frame & PM_PFRAME_MASK) | flags;
}

/* The entry of the page at addr of a huge PMD (Linux: the THP part of
 * pagemap_pmd_range): present with the PFN of that 4 KiB piece, "file"
 * unless the folio is anonymous (the huge zero page is not), exclusive
 * when the folio's first page is mapped once (the PMD, no PTE). */
static uint64_t pmd_to_pagemap_entry(struct pagemapread *pm, const struct vm_area_struct *vma, pte_t pmd,
				     uint64_t addr)
{
	uint64_t idx = (addr & ~HPAGE_PMD_MASK) >> PAGE_SHIFT, flags = PM_PRESENT, frame = 0;
	const struct page *page = pfn_to_page(pm->k, pte_pfn(pmd) + idx);
	if (pm->show_pfn)
		frame = pte_pfn(pmd) + idx;
	if (((pmd & _PAGE_SOFT_DIRTY) && pm->k->soft_dirty) || (vma->vm_flags & VM_SOFTDIRTY))
		flags |= PM_SOFT_DIRTY;
	if (!PageAnon(page))
		flags |= PM_FILE;
	else if (page_precise_mapcount(compound_head(page)) == 1)
		flags |= PM_MMAP_EXCLUSIVE;   /* Linux 6.18 asks the folio's first page for all 512 */
	return (frame & PM_PFRAME_MASK) | flags;
}

/* The entry of the page at addr of a hugetlb VMA (Linux:
 * pagemap_hugetlb_range): present with the PFN of that 4 KiB piece,
 * "file" unless anonymous, exclusive when its folio is mapped once. */
static uint64_t hugetlb_to_pagemap_entry(struct pagemapread *pm, const struct vm_area_struct *vma, uint64_t addr)
{
	pte_t e = huge_ptep_get(pm->k, vma, addr);
	uint64_t flags = vma->vm_flags & VM_SOFTDIRTY ? PM_SOFT_DIRTY : 0, frame = 0;
	if (!(e & (_PAGE_PRESENT | _PAGE_PROTNONE)))
		return flags;
	uint64_t sz = vma_kernel_pagesize(vma), pfn = pte_pfn(e) + ((addr & (sz - 1)) >> PAGE_SHIFT);
	const struct page *head = pfn_to_page(pm->k, pte_pfn(e));
	flags |= PM_PRESENT;
	if (!PageAnon(head))
		flags |= PM_FILE;
	if (folio_entire_mapcount(head) == 1)
		flags |= PM_MMAP_EXCLUSIVE;
	if ((e & _PAGE_SOFT_DIRTY) && pm->k->soft_dirty)
		flags |= PM_SOFT_DIRTY;
	if (pm->show_pfn)
		frame = pfn;
	return (frame & PM_PFRAME_MASK) | flags;
}

/* Entries for [addr, end) inside vma, one page table at a time; a range
 * with no page table, or a VM_PFNMAP one, reads as not present (Linux:
 * pagemap_pmd_range and pagemap_pte_hole). */
static void pagemap_vma_range(struct pagemapread *pm, const struct vm_area_struct *vma, uint64_t addr,
			      uint64_t end)
{
	uint64_t hole = vma->vm_flags & VM_SOFTDIRTY ? PM_SOFT_DIRTY : 0;
	while (addr < end && pm->pos < pm->len) {
		uint64_t next = (addr + HPAGE_PMD_SIZE) & ~(HPAGE_PMD_SIZE - 1);
		int err;
		if (next > end || next < addr)
			next = end;
		if (vma->vm_flags & VM_HUGETLB) {
			for (; addr < next && pm->pos < pm->len; addr += PAGE_SIZE)
				add_to_pagemap(pm, hugetlb_to_pagemap_entry(pm, vma, addr), 1);
			continue;
		}
		pte_t *pmd = vma->vm_flags & VM_PFNMAP ? NULL : pmd_walk(pm->k, vma->vm_mm, addr, false, &err);
		if (pmd && pmd_trans_huge(*pmd)) {
			for (; addr < next && pm->pos < pm->len; addr += PAGE_SIZE)
				add_to_pagemap(pm, pmd_to_pagemap_entry(pm, vma, *pmd, addr), 1);
			continue;
		}
		pte_t *pte = pmd && (*pmd & _PAGE_PRESENT) ? pte_walk(pm->k, vma->vm_mm, addr, false, &err) : NULL;
		for (; addr < next && pm->pos < pm->len; addr += PAGE_SIZE)
			add_to_pagemap(pm, pte ? pte_to_pagemap_entry(pm, vma, *pte++) : hole, 1);
	}
}

/* Entries for [start, end) of mm: zero outside VMAs (Linux: the
 * walk_page_range of pagemap_read). */
static void pagemap_walk(struct pagemapread *pm, struct mm_struct *mm, uint64_t start, uint64_t end)
{
	while (start < end && pm->pos < pm->len) {
		struct vm_area_struct *vma = find_vma(mm, start);
		uint64_t hole_end = vma && vma->vm_start < end ? vma->vm_start : end;
		if (start < hole_end) {
			add_to_pagemap(pm, 0, (hole_end - start) >> PAGE_SHIFT);
			start = hole_end;
			continue;
		}
		uint64_t stop = vma->vm_end < end ? vma->vm_end : end;
		pagemap_vma_range(pm, vma, start, stop);
		start = stop;
	}
}

/* See internal.h. Linux's rules (pagemap_read): offset and length must be
 * multiples of 8; a read stops at the end of the user address space. */
int64_t pagemap_read(struct kernel *k, struct task_struct *t, uint64_t offset, void *buf, size_t len,
		     const struct procfs_cred *cred)
{
	struct mm_struct *mm = t->mm;
	if (!mm)
		return -ESRCH;                  /* Linux: the open fails */
	if (offset % PM_ENTRY_BYTES || len % PM_ENTRY_BYTES)
		return -EINVAL;
	uint64_t svpfn = offset / PM_ENTRY_BYTES, end_vaddr = mm->task_size, start_vaddr = end_vaddr;
	if (svpfn <= (UINT64_MAX >> PAGE_SHIFT)) {
		start_vaddr = svpfn << PAGE_SHIFT;
		uint64_t end = start_vaddr + ((len / PM_ENTRY_BYTES) << PAGE_SHIFT);
		if (end >= start_vaddr && end < mm->task_size)
			end_vaddr = end;
	}
	if (start_vaddr > mm->task_size)
		start_vaddr = end_vaddr;
	struct pagemapread pm = { k, buf, 0, len / PM_ENTRY_BYTES, !cred || cred->cap_sys_admin };
	pagemap_walk(&pm, mm, start_vaddr, end_vaddr);
	return (int64_t)(pm.pos * PM_ENTRY_BYTES);
}

/* What pagemap_scan collects while it walks. */
struct pagemap_scan_private {
	struct pagemapread pm;           /* for pte_to_pagemap_entry */
	const struct vm_area_struct *vma;
	uint64_t hole;                   /* the flags of an empty page of vma */
	uint64_t done;                   /* the runs cover [start, done) */
	struct pm_run *runs;
	size_t n, max;
	bool full;
};

/* The pages [p->done, end) have flags: extend the last run or start one.
 * false when there is no room (p->done stays). */
static bool scan_emit(struct pagemap_scan_private *p, uint64_t end, uint64_t flags)
{
	struct pm_run *last = p->n ? &p->runs[p->n - 1] : NULL;
	if (end <= p->done)
		return true;
	if (last && last->flags == flags)
		last->end = end;
	else if (p->n < p->max)
		p->runs[p->n++] = (struct pm_run){ p->done, end, flags };
	else
		return !(p->full = true);
	p->done = end;
	return true;
}

/* One entry of an existing page table: the hole before it, then the page
 * (Linux: pagemap_scan_pmd_entry and pagemap_scan_pte_hole). */
static int pagemap_scan_pte(pte_t *pte, uint64_t addr, void *arg)
{
	struct pagemap_scan_private *p = arg;
	uint64_t flags = pte_none(*pte) ? p->hole : pte_to_pagemap_entry(&p->pm, p->vma, *pte) & ~PM_PFRAME_MASK;
	return !scan_emit(p, addr, p->hole) || !scan_emit(p, addr + PAGE_SIZE, flags);
}

/* A huge PMD: each of its pages' flags, which differ only in exclusivity
 * (Linux: pagemap_scan_thp_entry). */
static int pagemap_scan_pmd(pte_t *pmd, uint64_t addr, uint64_t next, void *arg)
{
	struct pagemap_scan_private *p = arg;
	if (!scan_emit(p, addr, p->hole))
		return 1;
	for (; addr < next; addr += PAGE_SIZE)
		if (!scan_emit(p, addr + PAGE_SIZE, pmd_to_pagemap_entry(&p->pm, p->vma, *pmd, addr) & ~PM_PFRAME_MASK))
			return 1;
	return 0;
}

/* See procfs.h. */
int64_t pagemap_scan(struct kernel *k, struct task_struct *t, uint64_t start, uint64_t end,
		     struct pm_run *runs, size_t max, uint64_t *walk_end)
{
	struct mm_struct *mm = t->mm;
	struct pagemap_scan_private p = { .pm = { k, NULL, 0, 0, false }, .done = start, .runs = runs, .max = max };

	if (!mm)
		return -ESRCH;
	for (struct vm_area_struct *vma = find_vma(mm, start); vma && vma->vm_start < end && !p.full;
	     vma = vma->vm_next) {
		uint64_t stop = end < vma->vm_end ? end : vma->vm_end;
		p.vma = vma;
		p.hole = vma->vm_flags & VM_SOFTDIRTY ? PM_SOFT_DIRTY : 0;
		if (!scan_emit(&p, vma->vm_start, 0))         /* outside VMAs */
			break;
		if (vma->vm_flags & VM_HUGETLB) {               /* pagemap_scan_hugetlb_entry */
			uint64_t sz = vma_kernel_pagesize(vma);
			for (uint64_t a = p.done; a < stop && !p.full; a = (a & ~(sz - 1)) + sz) {
				uint64_t e = (a & ~(sz - 1)) + sz;
				scan_emit(&p, e < stop ? e : stop, hugetlb_to_pagemap_entry(&p.pm, vma, a) & ~PM_PFRAME_MASK);
			}
		} else if (!(vma->vm_flags & VM_PFNMAP)) {
			walk_page_range_pmd(k, mm, p.done, stop, pagemap_scan_pte, pagemap_scan_pmd, &p);
		}
		if (!p.full)
			scan_emit(&p, stop, p.hole);
	}
	if (!p.full)
		scan_emit(&p, end, 0);
	*walk_end = p.done;
	return (int64_t)p.n;
}

/* ---- status and statm -------------------------------------------------------- */

/* Bytes of huge pages mm's hugetlb leaves map (Linux: mm->hugetlb_usage,
 * which the faults, zaps and fork keep; counted here from the leaves). */
static uint64_t hugetlb_usage(struct kernel *k, const struct mm_struct *mm)
{
	uint64_t bytes = 0;
	for (const struct vm_area_struct *v = mm->mmap; v; v = v->vm_next) {
		if (!(v->vm_flags & VM_HUGETLB))
			continue;
		uint64_t sz = vma_kernel_pagesize(v);
		for (uint64_t a = v->vm_start; a < v->vm_end; a += sz)
			bytes += huge_ptep_get(k, v, a) & (_PAGE_PRESENT | _PAGE_PROTNONE) ? sz : 0;
	}
	return bytes;
}

/* See internal.h. VmPeak and VmHWM are the high-water marks, which the
 * kernel raises only before the counters drop, or the current values when
 * higher. */
void task_mem(struct kernel *k, struct seq_buf *m, const struct mm_struct *mm)
{
	uint64_t anon = get_mm_counter(mm, MM_ANONPAGES), file = get_mm_counter(mm, MM_FILEPAGES);
	uint64_t shmem = get_mm_counter(mm, MM_SHMEMPAGES), rss = anon + file + shmem;
	uint64_t hiwater_vm = mm->total_vm > mm->hiwater_vm ? mm->total_vm : mm->hiwater_vm;
	uint64_t hiwater_rss = rss > mm->hiwater_rss ? rss : mm->hiwater_rss;
	uint64_t text = PAGE_ALIGN(mm->end_code) - (mm->start_code & PAGE_MASK);
	if (text > mm->exec_vm << PAGE_SHIFT)
		text = mm->exec_vm << PAGE_SHIFT;
	uint64_t lib = (mm->exec_vm << PAGE_SHIFT) - text;
	const struct { const char *label; uint64_t kb; } line[] = {
		{ "VmPeak", hiwater_vm << 2 }, { "VmSize", mm->total_vm << 2 },
		{ "VmLck", mm->locked_vm << 2 }, { "VmPin", mm->pinned_vm << 2 },
		{ "VmHWM", hiwater_rss << 2 }, { "VmRSS", rss << 2 }, { "RssAnon", anon << 2 },
		{ "RssFile", file << 2 }, { "RssShmem", shmem << 2 }, { "VmData", mm->data_vm << 2 },
		{ "VmStk", mm->stack_vm << 2 }, { "VmExe", text >> 10 }, { "VmLib", lib >> 10 },
		{ "VmPTE", (uint64_t)mm->pgtables_bytes >> 10 },
		{ "VmSwap", get_mm_counter(mm, MM_SWAPENTS) << 2 }, { "HugetlbPages", hugetlb_usage(k, mm) >> 10 },
	};
	for (size_t i = 0; i < ARRAY_SIZE(line); i++)
		seq_printf(m, "%s:\t%8llu kB\n", line[i].label, (unsigned long long)line[i].kb);
}

/* See internal.h. */
uint64_t task_statm(const struct mm_struct *mm, uint64_t *shared, uint64_t *text, uint64_t *data,
		    uint64_t *resident)
{
	*shared = get_mm_counter(mm, MM_FILEPAGES) + get_mm_counter(mm, MM_SHMEMPAGES);
	*text = (PAGE_ALIGN(mm->end_code) - (mm->start_code & PAGE_MASK)) >>
		PAGE_SHIFT;
	*data = mm->data_vm + mm->stack_vm;
	*resident = *shared + get_mm_counter(mm, MM_ANONPAGES);
	return mm->total_vm;
}

/* ---- numa_maps ------------------------------------------------------------------ */

/* What numa_maps adds up over a VMA, in pages (Linux: struct numa_maps). */
struct numa_maps {
	struct kernel *k;
	const struct vm_area_struct *vma;
	uint64_t pages, anon, active, writeback, mapcount_max, dirty, swapcache;
	uint64_t node[MAX_NUMNODES];
};

/* Count nr pages of page's folio (Linux: gather_stats): a hugetlb page
 * counts one whatever its size. */
static void gather_stats(struct numa_maps *md, const struct page *page, bool pte_dirty, uint64_t nr)
{
	const struct page *head = compound_head(page);
	uint64_t count = (uint64_t)page_precise_mapcount(page);
	md->pages += nr;
	if (pte_dirty || page_test(head, PG_dirty))
		md->dirty += nr;
	if (page_test(head, PG_swapcache))
		md->swapcache += nr;
	if (page_test(head, PG_active) || page_test(head, PG_unevictable))
		md->active += nr;
	if (page_test(head, PG_writeback))
		md->writeback += nr;
	if (PageAnon(head))
		md->anon += nr;
	if (count > md->mapcount_max)
		md->mapcount_max = count;
	md->node[page_to_nid(md->k, head)] += nr;
}

/* A present PTE with a normal page (Linux: can_gather_numa_stats; the
 * zero page and reserved pages count nothing). */
static int gather_pte_stats(pte_t *pte, uint64_t addr, void *arg)
{
	struct numa_maps *md = arg;
	pte_t e = *pte;
	(void)addr;
	if (!pte_present(e))
		return 0;
	const struct page *page = vm_normal_page(md->k, e);
	if (page && !page_test(page, PG_reserved))
		gather_stats(md, page, e & _PAGE_DIRTY, 1);
	return 0;
}

/* A huge PMD: 512 pages of a THP, or one hugetlb page. */
static int gather_pmd_stats(pte_t *pmd, uint64_t addr, uint64_t next, void *arg)
{
	struct numa_maps *md = arg;
	const struct page *page = vm_normal_page_pmd(md->k, *pmd);
	(void)addr, (void)next;
	if (page)
		gather_stats(md, page, *pmd & _PAGE_DIRTY,
			     md->vma->vm_flags & VM_HUGETLB ? 1 : HPAGE_PMD_NR);
	return 0;
}

/* A path as numa_maps prints it: newline, tab, space and '=' escaped as
 * octal (Linux: seq_path with "\n\t= "). */
static void numa_maps_path(struct seq_buf *m, const char *path)
{
	for (const char *c = path; *c; c++)
		if (strchr("\n\t =", *c))
			seq_printf(m, "\\%03o", (unsigned char)*c);
		else
			seq_putc(m, *c);
}

/* One VMA's line (Linux: show_numa_map): its start, its policy, what it
 * maps, then its pages' counts and their nodes. */
static void show_numa_map(struct kernel *k, struct seq_buf *m, const struct vm_area_struct *vma,
			  const struct task_struct *t)
{
	struct numa_maps md = { .k = k, .vma = vma };
	char policy[96];
	mpol_to_str(policy, sizeof policy, task_policy(k, t));     /* no VMA policies yet: the task's */
	seq_printf(m, "%08llx %s", (unsigned long long)vma->vm_start, policy);
	if (vma->vm_file) {
		seq_puts(m, " file=");
		numa_maps_path(m, file_inode(vma->vm_file)->i_name);
	} else if (vma_is_initial_heap(vma)) {
		seq_puts(m, " heap");
	} else if (vma_is_initial_stack(vma)) {
		seq_puts(m, " stack");
	}
	if (vma->vm_flags & VM_HUGETLB)
		seq_puts(m, " huge");
	if (!(vma->vm_flags & VM_PFNMAP))
		walk_page_range_pmd(k, vma->vm_mm, vma->vm_start, vma->vm_end, gather_pte_stats, gather_pmd_stats, &md);
	if (md.pages) {
		if (md.anon)
			seq_printf(m, " anon=%llu", (unsigned long long)md.anon);
		if (md.dirty)
			seq_printf(m, " dirty=%llu", (unsigned long long)md.dirty);
		if (md.pages != md.anon && md.pages != md.dirty)
			seq_printf(m, " mapped=%llu", (unsigned long long)md.pages);
		if (md.mapcount_max > 1)
			seq_printf(m, " mapmax=%llu", (unsigned long long)md.mapcount_max);
		if (md.swapcache)
			seq_printf(m, " swapcache=%llu", (unsigned long long)md.swapcache);
		if (md.active < md.pages && !(vma->vm_flags & VM_HUGETLB))
			seq_printf(m, " active=%llu", (unsigned long long)md.active);
		if (md.writeback)
			seq_printf(m, " writeback=%llu", (unsigned long long)md.writeback);
		for_each_online_node(k, nid)
			if (md.node[nid])
				seq_printf(m, " N%d=%llu", nid, (unsigned long long)md.node[nid]);
		seq_printf(m, " kernelpagesize_kB=%llu", (unsigned long long)(vma_kernel_pagesize(vma) >> 10));
	}
	seq_putc(m, '\n');
}

/* See internal.h. */
int proc_pid_numa_maps_show(struct kernel *k, struct task_struct *t, struct seq_buf *m)
{
	if (!t->mm)
		return 0;
	for (const struct vm_area_struct *vma = t->mm->mmap; vma; vma = vma->vm_next)
		show_numa_map(k, m, vma, t);
	return 0;
}
