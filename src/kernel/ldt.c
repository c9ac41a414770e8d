/*
 * kernel/ldt.c — a process's Local Descriptor Table: modify_ldt, the copy
 * fork makes, and loading it on the CPUs that run the process (Linux:
 * arch/x86/kernel/ldt.c).
 *
 * An LDT is a block of frames holding up to LDT_ENTRIES descriptors. It is
 * replaced, never changed in place: a write builds a new LDT with the new
 * entry, maps it in the other of two slots at LDT_BASE_ADDR in the mm's
 * page tables (read-only, supervisor, not global), loads it on every CPU
 * running the mm, then unmaps and frees the old one (Linux does this under
 * page-table isolation; without it the LDT is reached through the direct
 * map, which the simulator's page tables do not have). The page tables of
 * the slots count as the mm's (VmPTE).
 */
#include "kernel/segment.h"

#include "hw/machine.h"
#include "hw/seg.h"
#include "kernel/fault.h"
#include "kernel/gfp.h"
#include "kernel/kernel.h"
#include "kernel/mm.h"
#include "kernel/objsize.h"
#include "kernel/pgtable.h"
#include "kernel/sched.h"
#include "kernel/slab.h"
#include "kernel/tlbflush.h"
#include "kernel/trace.h"

#include <errno.h>
#include <string.h>

KOBJ_FITS(struct ldt_struct, LDT_STRUCT_SIZE);

/* The LDT's PTE flags (Linux: map_ldt_struct, __PAGE_KERNEL_RO without
 * _PAGE_GLOBAL). */
#define LDT_PTE_FLAGS (_PAGE_PRESENT | _PAGE_ACCESSED | _PAGE_NX)

/* See segment.h. */
uint64_t ldt_slot_va(const struct kernel *k, int slot)
{
	return (k->paging_levels == 5 ? LDT_BASE_ADDR_L5 : LDT_BASE_ADDR_L4) + (uint64_t)slot * LDT_SLOT_STRIDE;
}

/* The order of the frames holding nr descriptors. */
static unsigned entries_order(unsigned nr)
{
	unsigned order = 0;
	while ((PAGE_SIZE << order) < (uint64_t)nr * LDT_ENTRY_SIZE)
		order++;
	return order;
}

static uint64_t *ldt_entries(struct kernel *k, const struct ldt_struct *ldt)
{
	return phys_to_virt(k, ldt->entries_pa);
}

/* A new LDT of nr_entries zeroed descriptors, or NULL (Linux:
 * alloc_ldt_struct). */
static struct ldt_struct *alloc_ldt_struct(struct kernel *k, unsigned nr_entries)
{
	struct ldt_struct *ldt = kmalloc(k, LDT_STRUCT_SIZE, GFP_KERNEL_ACCOUNT);
	unsigned order = entries_order(nr_entries);
	struct page *p = ldt ? alloc_pages(k, GFP_KERNEL_ACCOUNT | __GFP_ZERO, order) : NULL;
	if (!p) {
		kfree(k, ldt);
		return NULL;
	}
	*ldt = (struct ldt_struct){ .entries_pa = page_to_pfn(k, p) << PAGE_SHIFT, .nr_entries = nr_entries,
				    .order = order, .slot = -1 };
	return ldt;
}

static void free_ldt_struct(struct kernel *k, struct ldt_struct *ldt)
{
	if (!ldt)
		return;
	__free_pages(k, pfn_to_page(k, ldt->entries_pa >> PAGE_SHIFT), ldt->order);
	kfree(k, ldt);
}

/* The pages of ldt's entries (those the CPU can reach). */
static unsigned ldt_pages(const struct ldt_struct *ldt)
{
	return (unsigned)((ldt->nr_entries * LDT_ENTRY_SIZE + PAGE_SIZE - 1) / PAGE_SIZE);
}

/* Map ldt read-only in slot of mm's page tables (Linux: map_ldt_struct).
 * 0 or -ENOMEM. */
static int map_ldt_struct(struct kernel *k, struct mm_struct *mm, struct ldt_struct *ldt, int slot)
{
	uint64_t va = ldt_slot_va(k, slot);
	int err;
	for (unsigned i = 0; i < ldt_pages(ldt); i++) {
		pte_t *pte = pte_walk(k, mm, va + (uint64_t)i * PAGE_SIZE, true, &err);
		if (!pte)
			return err;
		*pte = (ldt->entries_pa + (uint64_t)i * PAGE_SIZE) | LDT_PTE_FLAGS;
	}
	ldt->slot = slot;
	trace_kernel(k, k->this_cpu, "%u descriptors mapped read-only at %#llx (slot %d)", ldt->nr_entries,
		     (unsigned long long)va, slot);
	return 0;
}

/* Unmap ldt from its slot and flush those addresses (Linux:
 * unmap_ldt_struct). */
static void unmap_ldt_struct(struct kernel *k, struct mm_struct *mm, struct ldt_struct *ldt)
{
	int err;
	if (!ldt || ldt->slot < 0)
		return;
	uint64_t va = ldt_slot_va(k, ldt->slot);
	for (unsigned i = 0; i < ldt_pages(ldt); i++) {
		pte_t *pte = pte_walk(k, mm, va + (uint64_t)i * PAGE_SIZE, false, &err);
		if (pte)
			*pte = 0;
	}
	flush_tlb_mm_range(k, mm, va, va + (uint64_t)ldt_pages(ldt) * PAGE_SIZE, PAGE_SHIFT, false);
}

/* Free the tables of a level-level table at pa (and below). */
static void free_table_tree(struct kernel *k, struct mm_struct *mm, uint64_t pa, int level)
{
	for (unsigned i = 0; level > 1 && i < PTRS_PER_TABLE; i++) {
		pte_t e = *table_entry(k, pa, i);
		if (e & _PAGE_PRESENT)
			free_table_tree(k, mm, e & HW_PTE_ADDR_MASK, level - 1);
	}
	pte_table_free(k, mm, pa);
}

/* Free the page tables of the LDT area of mm (Linux: free_ldt_pgtables). */
static void free_ldt_pgtables(struct kernel *k, struct mm_struct *mm)
{
	pte_t *e = table_entry(k, mm->pgd, hw_va_index(ldt_slot_va(k, 0), k->paging_levels));
	if (!(*e & _PAGE_PRESENT))
		return;
	free_table_tree(k, mm, *e & HW_PTE_ADDR_MASK, k->paging_levels - 1);
	*e = 0;
}

/* Load mm's LDT (or none) on cpu: its descriptor into the CPU's GDT, then
 * LLDT (Linux: load_mm_ldt, set_ldt, clear_LDT). */
static void load_mm_ldt(struct kernel *k, int cpu, struct mm_struct *mm)
{
	struct hw_cpu *c = &k->hw->cpus[cpu];
	const struct ldt_struct *ldt = mm ? mm->context.ldt : NULL;
	uint64_t *gdt = get_cpu_gdt_rw(k, cpu), d[2];
	if (!ldt || ldt->slot < 0) {
		hw_lldt(c, 0, NULL);
		return;
	}
	hw_desc_make_system(ldt_slot_va(k, ldt->slot), ldt->nr_entries * LDT_ENTRY_SIZE - 1, HW_SYS_LDT, 0, d);
	gdt[GDT_ENTRY_LDT] = d[0];
	gdt[GDT_ENTRY_LDT + 1] = d[1];
	while (vmexit_again(k, cpu, hw_lldt(c, GDT_ENTRY_LDT * 8, NULL)))
		;                                     /* a guest's exit of the GDT read: LLDT again */
}

/* See segment.h. */
void switch_ldt(struct kernel *k, int cpu, struct mm_struct *prev, struct mm_struct *next)
{
	if (!prev || (prev->context.ldt != NULL) || (next && next->context.ldt))
		load_mm_ldt(k, cpu, next);
}

/* Make ldt mm's LDT and load it on every CPU running the mm (Linux:
 * install_ldt, with flush_ldt by IPI on the others). */
static void install_ldt(struct kernel *k, struct mm_struct *mm, struct ldt_struct *ldt)
{
	mm->context.ldt = ldt;
	for (int cpu = 0; cpu < k->nr_cpus; cpu++) {
		struct task_struct *t = k->curr[cpu];
		if (!t || t->mm != mm)
			continue;
		if (cpu != k->this_cpu)
			trace_kernel(k, k->this_cpu, "IPI to CPU %d: flush_ldt", cpu);
		load_mm_ldt(k, cpu, mm);
	}
}

/* modify_ldt's read (func 0): up to bytecount bytes of the LDT, the rest
 * zero, into ptr (Linux: read_ldt). */
static int64_t read_ldt(struct kernel *k, struct mm_struct *mm, void *ptr, uint64_t bytecount)
{
	const struct ldt_struct *ldt = mm->context.ldt;
	if (!ldt)
		return 0;
	if (bytecount > (uint64_t)LDT_ENTRY_SIZE * LDT_ENTRIES)
		bytecount = (uint64_t)LDT_ENTRY_SIZE * LDT_ENTRIES;
	uint64_t size = (uint64_t)ldt->nr_entries * LDT_ENTRY_SIZE;
	if (size > bytecount)
		size = bytecount;
	memcpy(ptr, ldt_entries(k, ldt), size);
	memset((uint8_t *)ptr + size, 0, bytecount - size);
	return (int64_t)bytecount;
}

/* modify_ldt's func 2: the default LDT, which is empty (Linux:
 * read_default_ldt: 128 bytes of zeros at most on 64-bit). */
static int64_t read_default_ldt(void *ptr, uint64_t bytecount)
{
	if (bytecount > 128)
		bytecount = 128;
	memset(ptr, 0, bytecount);
	return (int64_t)bytecount;
}

/* The descriptor a write of info makes, or -EINVAL (Linux: the checks of
 * write_ldt). oldmode: func 1, where base 0 and limit 0 clear the entry
 * and AVL is dropped. 16-bit segments are allowed, as CONFIG_X86_16BIT. */
static int ldt_desc(const struct user_desc *info, bool oldmode, uint64_t *d)
{
	if (info->entry_number >= LDT_ENTRIES)
		return -EINVAL;
	if (info->contents == 3 && (oldmode || !info->seg_not_present))
		return -EINVAL;
	if ((oldmode && !info->base_addr && !info->limit) || LDT_empty(info)) {
		*d = 0;
		return 0;
	}
	*d = fill_ldt(info);
	if (oldmode)
		*d &= ~((uint64_t)HW_SEG_AVL << 40);
	return 0;
}

/* modify_ldt's write (func 1, or 0x11 with !oldmode): a new LDT with the
 * entry of info (Linux: write_ldt). */
static int64_t write_ldt(struct kernel *k, struct mm_struct *mm, const void *ptr, uint64_t bytecount, bool oldmode)
{
	struct user_desc info;
	uint64_t d;
	if (bytecount != sizeof info)
		return -EINVAL;
	memcpy(&info, ptr, sizeof info);
	int err = ldt_desc(&info, oldmode, &d);
	if (err)
		return err;
	struct ldt_struct *old = mm->context.ldt;
	unsigned old_nr = old ? old->nr_entries : 0, nr = info.entry_number + 1 > old_nr ? info.entry_number + 1 : old_nr;
	struct ldt_struct *ldt = alloc_ldt_struct(k, nr);
	if (!ldt)
		return -ENOMEM;
	if (old)
		memcpy(ldt_entries(k, ldt), ldt_entries(k, old), (size_t)old_nr * LDT_ENTRY_SIZE);
	ldt_entries(k, ldt)[info.entry_number] = d;
	if ((err = map_ldt_struct(k, mm, ldt, old ? !old->slot : 0))) {
		if (!old)
			free_ldt_pgtables(k, mm);
		free_ldt_struct(k, ldt);
		return err;
	}
	trace_kernel(k, k->this_cpu, "LDT entry %u = %#018llx (selector %#x)", info.entry_number,
		     (unsigned long long)d, info.entry_number << 3 | 7);
	install_ldt(k, mm, ldt);
	unmap_ldt_struct(k, mm, old);
	free_ldt_struct(k, old);
	return 0;
}

/* See segment.h. The result is an int, as Linux's modify_ldt returns it
 * ((unsigned int)ret in RAX, which the C library reads as an int). */
int64_t sys_modify_ldt(struct kernel *k, struct task_struct *t, int func, void *ptr, uint64_t bytecount)
{
	int saved = k->this_cpu;
	int64_t r = -ENOSYS;
	k->this_cpu = t->cpu;                 /* the call runs on t's core */
	switch (func) {
	case 0:
		r = read_ldt(k, t->mm, ptr, bytecount);
		break;
	case 1:
	case 0x11:
		r = write_ldt(k, t->mm, ptr, bytecount, func == 1);
		break;
	case 2:
		r = read_default_ldt(ptr, bytecount);
		break;
	}
	k->this_cpu = saved;
	return r;
}

/* See segment.h. */
int ldt_dup_context(struct kernel *k, struct mm_struct *old, struct mm_struct *mm)
{
	const struct ldt_struct *src = old->context.ldt;
	mm->context.ldt = NULL;
	if (!src)
		return 0;
	struct ldt_struct *ldt = alloc_ldt_struct(k, src->nr_entries);
	if (!ldt)
		return -ENOMEM;
	memcpy(ldt_entries(k, ldt), ldt_entries(k, src), (size_t)src->nr_entries * LDT_ENTRY_SIZE);
	if (map_ldt_struct(k, mm, ldt, 0)) {
		free_ldt_pgtables(k, mm);
		free_ldt_struct(k, ldt);
		return -ENOMEM;
	}
	mm->context.ldt = ldt;
	return 0;
}

/* See segment.h. CPUs left holding this LDT (the mm's last task ran
 * there) drop it. */
void destroy_context_ldt(struct kernel *k, struct mm_struct *mm)
{
	if (!mm->context.ldt)
		return;
	for (int cpu = 0; cpu < k->nr_cpus; cpu++)
		if (!k->curr[cpu] || k->curr[cpu]->mm == mm)
			hw_lldt(&k->hw->cpus[cpu], 0, NULL);
	free_ldt_pgtables(k, mm);
	free_ldt_struct(k, mm->context.ldt);
	mm->context.ldt = NULL;
}
