/*
 * kernel/gdt.c — the per-CPU areas, each CPU's GDT and its mapping in the
 * cpu_entry_area, the cores' segment set-up at boot, and descriptors made
 * from a user_desc (Linux: arch/x86/kernel/setup_percpu.c, the gdt_page
 * and cpu_init of arch/x86/kernel/cpu/common.c, syscall_init,
 * arch/x86/mm/cpu_entry_area.c, fill_ldt in asm/desc.h, fill_user_desc in
 * arch/x86/kernel/tls.c).
 */
#include "kernel/segment.h"

#include "hw/machine.h"
#include "hw/seg.h"
#include "kernel/kernel.h"
#include "kernel/pgtable.h"
#include "kernel/trace.h"

#include <string.h>

/* Linux's GDT_ENTRY_INIT flags (asm/desc_defs.h): DESC_CODE32, DESC_CODE64,
 * DESC_DATA64, with DESC_USER for ring 3. */
#define DESC_CODE32 0xc09bu
#define DESC_CODE64 0xa09bu
#define DESC_DATA64 0xc093u
#define DESC_USER   0x0060u

/* The kernel's read-only mapping of a GDT (PAGE_KERNEL_RO, global). */
#define CEA_PTE_FLAGS (_PAGE_PRESENT | _PAGE_ACCESSED | _PAGE_NX | _PAGE_GLOBAL)
/* A kernel page-table entry (_KERNPG_TABLE). */
#define KERNPG_TABLE  (_PAGE_PRESENT | _PAGE_RW | _PAGE_ACCESSED | _PAGE_DIRTY)

/* ---- descriptors from user space ------------------------------------------------- */

/* See segment.h. */
uint64_t fill_ldt(const struct user_desc *info)
{
	uint32_t attr = (uint32_t)(info->read_exec_only ^ 1) << 1 | (uint32_t)info->contents << 2 |
			HW_SEG_ACCESSED | HW_SEG_S | 3u << HW_SEG_DPL_SHIFT |
			(info->seg_not_present ? 0 : HW_SEG_P) | (info->useable ? HW_SEG_AVL : 0) |
			(info->seg_32bit ? HW_SEG_DB : 0) | (info->limit_in_pages ? HW_SEG_G : 0);
	return hw_desc_make(info->base_addr, info->limit & 0xfffff, attr);     /* L stays 0 */
}

/* See segment.h. */
bool LDT_empty(const struct user_desc *info)
{
	return info->base_addr == 0 && info->limit == 0 && info->contents == 0 && info->read_exec_only == 1 &&
	       info->seg_32bit == 0 && info->limit_in_pages == 0 && info->seg_not_present == 1 &&
	       info->useable == 0;
}

/* See segment.h. */
bool LDT_zero(const struct user_desc *info)
{
	return info->base_addr == 0 && info->limit == 0 && info->contents == 0 && info->read_exec_only == 0 &&
	       info->seg_32bit == 0 && info->limit_in_pages == 0 && info->seg_not_present == 0 &&
	       info->useable == 0;
}

/* See segment.h. */
void fill_user_desc(struct user_desc *info, int idx, uint64_t d)
{
	struct hw_desc dd = hw_desc_decode(d, 0, false);
	memset(info, 0, sizeof *info);
	info->entry_number = (uint32_t)idx;
	info->base_addr = (uint32_t)dd.base;
	info->limit = dd.limit20;
	info->seg_32bit = !!(dd.attr & HW_SEG_DB);
	info->contents = (dd.attr & HW_SEG_TYPE) >> 2;
	info->read_exec_only = !(dd.attr & 2);
	info->limit_in_pages = !!(dd.attr & HW_SEG_G);
	info->seg_not_present = !(dd.attr & HW_SEG_P);
	info->useable = !!(dd.attr & HW_SEG_AVL);
	info->lm = !!(dd.attr & HW_SEG_L);
}

/* ---- the per-CPU areas ------------------------------------------------------------ */

/* The page tables the cpu_entry_area needs below the top table: a P4D
 * table with 5-level paging, a PUD and a PMD table, and the PTE tables of
 * the GDT pages of nr_cpus CPUs. */
static unsigned cea_tables(int nr_cpus, int paging_levels)
{
	uint64_t last = CPU_ENTRY_AREA_PER_CPU + (uint64_t)nr_cpus * CPU_ENTRY_AREA_SIZE - 1;
	unsigned pts = (unsigned)((last >> 21) - (CPU_ENTRY_AREA_BASE >> 21) + 1);
	return (paging_levels == 5 ? 1 : 0) + 2 + pts;
}

/* See segment.h. */
uint64_t percpu_reserved_pages(int nr_cpus, int paging_levels)
{
	return (uint64_t)nr_cpus * PERCPU_PAGES + cea_tables(nr_cpus, paging_levels);
}

/* The physical address of CPU cpu's per-CPU area. */
static uint64_t percpu_pa(const struct kernel *k, int cpu)
{
	return (k->percpu.pfn + (uint64_t)cpu * PERCPU_PAGES) << PAGE_SHIFT;
}

/* See segment.h. */
uint64_t per_cpu_offset(const struct kernel *k, int cpu)
{
	return PAGE_OFFSET + percpu_pa(k, cpu);
}

/* See segment.h. */
uint64_t get_cpu_gdt_ro(int cpu)
{
	return CPU_ENTRY_AREA_PER_CPU + (uint64_t)cpu * CPU_ENTRY_AREA_SIZE;
}

/* See segment.h. */
uint64_t *get_cpu_gdt_rw(struct kernel *k, int cpu)
{
	return phys_to_virt(k, percpu_pa(k, cpu) + PERCPU_GDT_PAGE);
}

/* The 8 bytes of CPU cpu's per-CPU variable at off, through the direct map. */
static uint64_t *percpu_var(struct kernel *k, int cpu, unsigned off)
{
	return phys_to_virt(k, percpu_pa(k, cpu) + off);
}

/* The linear address %gs:off on cpu: its GS base plus off, as the segment
 * unit computes it in 64-bit mode. */
static uint64_t gs_linear(struct kernel *k, int cpu, unsigned off)
{
	return k->hw->cpus[cpu].seg.sreg[HW_GS].base + off;
}

/* See segment.h. The kernel runs with its own GS base, so %gs:off lands
 * in this CPU's area, which the direct map reaches at the same address. */
void this_cpu_write(struct kernel *k, int cpu, unsigned off, uint64_t v, const char *name, bool narrate)
{
	uint64_t la = gs_linear(k, cpu, off);
	*percpu_var(k, cpu, off) = v;
	if (narrate)
		trace_kernel(k, cpu, "this_cpu_write(%s, %#llx): %%gs:%#x = linear %#llx", name,
			     (unsigned long long)v, off, (unsigned long long)la);
}

/* ---- the GDT ----------------------------------------------------------------------- */

/* Fill CPU cpu's gdt_page with Linux's entries, in Linux's order: the
 * kernel's and the user's code and data segments, the TSS (16 bytes; the
 * simulator has no TSS to load), no LDT, empty TLS slots, and the CPUNODE
 * segment whose limit encodes the CPU and node for vgetcpu (setup_getcpu). */
static void fill_gdt_page(struct kernel *k, int cpu)
{
	uint64_t *gdt = get_cpu_gdt_rw(k, cpu), tss[2];
	memset(gdt, 0, GDT_SIZE);
	gdt[GDT_ENTRY_KERNEL32_CS] = hw_desc_make(0, 0xfffff, DESC_CODE32);
	gdt[GDT_ENTRY_KERNEL_CS] = hw_desc_make(0, 0xfffff, DESC_CODE64);
	gdt[GDT_ENTRY_KERNEL_DS] = hw_desc_make(0, 0xfffff, DESC_DATA64);
	gdt[GDT_ENTRY_DEFAULT_USER32_CS] = hw_desc_make(0, 0xfffff, DESC_CODE32 | DESC_USER);
	gdt[GDT_ENTRY_DEFAULT_USER_DS] = hw_desc_make(0, 0xfffff, DESC_DATA64 | DESC_USER);
	gdt[GDT_ENTRY_DEFAULT_USER_CS] = hw_desc_make(0, 0xfffff, DESC_CODE64 | DESC_USER);
	hw_desc_make_system(get_cpu_gdt_ro(cpu) + 2 * PAGE_SIZE, 0x206f, HW_SYS_TSS64, 0, tss);
	gdt[GDT_ENTRY_TSS] = tss[0];
	gdt[GDT_ENTRY_TSS + 1] = tss[1];
	gdt[GDT_ENTRY_CPUNODE] = hw_desc_make(0, (uint32_t)cpu & 0xfff,
					      5 | HW_SEG_S | 3u << HW_SEG_DPL_SHIFT | HW_SEG_P | HW_SEG_DB);
}

/* The entry at index in the table at pa: a new table from the reserved
 * frames when it is empty (*next counts them). Returns the next table. */
static uint64_t cea_table_below(struct kernel *k, uint64_t pa, unsigned index, uint64_t *next)
{
	pte_t *e = table_entry(k, pa, index);
	if (!(*e & _PAGE_PRESENT)) {
		uint64_t table = (*next)++ << PAGE_SHIFT;
		memset(phys_to_virt(k, table), 0, PAGE_SIZE);
		*e = table | KERNPG_TABLE;
	}
	return *e & HW_PTE_ADDR_MASK;
}

/* Map CPU cpu's GDT read-only at its cpu_entry_area address in init_mm's
 * page tables, whose top-level entry every pgd then shares (Linux:
 * setup_cpu_entry_area's cea_set_pte of the gdt page). */
static void cea_map_gdt(struct kernel *k, int cpu, uint64_t *next)
{
	uint64_t va = get_cpu_gdt_ro(cpu), table = k->init_mm.pgd;
	for (int level = k->paging_levels; level > 1; level--)
		table = cea_table_below(k, table, hw_va_index(va, level), next);
	*table_entry(k, table, hw_va_index(va, 1)) = (percpu_pa(k, cpu) + PERCPU_GDT_PAGE) | CEA_PTE_FLAGS;
}

/* One core's segment state, as cpu_init and syscall_init leave it:
 * CR4.FSGSBASE, the GDT in the cpu_entry_area (load_fixmap_gdt), no LDT,
 * STAR and EFER.SCE for SYSCALL, GS based at the per-CPU area while the
 * kernel runs and the user's GS base (0) in KERNEL_GS_BASE. */
static void cpu_init_segments(struct kernel *k, int cpu)
{
	struct hw_cpu *c = &k->hw->cpus[cpu];
	if (k->percpu.fsgsbase)
		hw_mov_to_cr4(c, c->cr4 | HW_CR4_FSGSBASE);
	hw_lgdt(c, get_cpu_gdt_ro(cpu), GDT_SIZE - 1, NULL);
	hw_lldt(c, 0, NULL);
	hw_wrmsr(c, HW_MSR_STAR, (uint64_t)__USER32_CS << 48 | (uint64_t)__KERNEL_CS << 32, NULL);
	hw_wrmsr_efer(c, c->efer | HW_EFER_SCE);
	hw_wrmsr(c, HW_MSR_GS_BASE, per_cpu_offset(k, cpu), NULL);
	hw_wrmsr(c, HW_MSR_KERNEL_GS_BASE, 0, NULL);
}

/* See segment.h. */
void setup_segments(struct kernel *k, uint64_t pfn)
{
	uint64_t next = pfn + (uint64_t)k->nr_cpus * PERCPU_PAGES;
	k->percpu.pfn = pfn;
	k->percpu.cea_table_pfn = next;
	k->percpu.cea_tables = cea_tables(k->nr_cpus, k->paging_levels);
	k->percpu.fsgsbase = true;
	memset(phys_to_virt(k, pfn << PAGE_SHIFT), 0, (size_t)k->nr_cpus * PERCPU_PAGES * PAGE_SIZE);
	for (int cpu = 0; cpu < k->nr_cpus; cpu++) {
		fill_gdt_page(k, cpu);
		cea_map_gdt(k, cpu, &next);
		*percpu_var(k, cpu, PERCPU_THIS_CPU_OFF) = per_cpu_offset(k, cpu);
		*percpu_var(k, cpu, PERCPU_CPU_NUMBER) = (uint64_t)cpu;
	}
	k->percpu.cea_pgd_index = (int)hw_va_index(CPU_ENTRY_AREA_BASE, k->paging_levels);
	k->percpu.cea_pgd_entry = *table_entry(k, k->init_mm.pgd, (unsigned)k->percpu.cea_pgd_index);
	for (int cpu = 0; cpu < k->nr_cpus; cpu++)
		cpu_init_segments(k, cpu);
}

/* See segment.h. */
void pgd_ctor(struct kernel *k, uint64_t pgd)
{
	if (k->percpu.cea_pgd_entry)
		*table_entry(k, pgd, (unsigned)k->percpu.cea_pgd_index) = k->percpu.cea_pgd_entry;
}
