/*
 * kernel/segment.h — the kernel's side of segmentation, as Linux x86-64
 * has it (arch/x86/include/asm/segment.h, desc.h, ldt.h, processor.h;
 * arch/x86/kernel/cpu/common.c, setup_percpu.c, tls.c, ldt.c,
 * process_64.c; arch/x86/mm/cpu_entry_area.c).
 *
 * Each CPU has a per-CPU area in reserved memory (setup_per_cpu_areas):
 * its gdt_page, then the per-CPU variables the kernel reaches through GS
 * (%gs:offset), whose base is the area's address while the kernel runs.
 * The GDT is mapped read-only in the cpu_entry_area of every page table
 * and loaded there (load_fixmap_gdt), with Linux's entries in Linux's
 * order. A task's segment state is its thread_struct: FS and GS selectors
 * and bases, DS, ES, three TLS descriptors for the GDT, and the CS and SS
 * its user code runs with. An mm may have an LDT (modify_ldt), mapped at
 * LDT_BASE_ADDR in its page tables as Linux maps it under PTI.
 */
#ifndef MMSIM_KERNEL_SEGMENT_H
#define MMSIM_KERNEL_SEGMENT_H

#include <stdbool.h>
#include <stdint.h>

#include "hw/seg_types.h"

struct kernel;
struct mm_struct;
struct task_struct;

/* ---- the GDT (arch/x86/include/asm/segment.h, 64-bit) ---------------------- */
#define GDT_ENTRY_KERNEL32_CS       1
#define GDT_ENTRY_KERNEL_CS         2
#define GDT_ENTRY_KERNEL_DS         3
#define GDT_ENTRY_DEFAULT_USER32_CS 4
#define GDT_ENTRY_DEFAULT_USER_DS   5
#define GDT_ENTRY_DEFAULT_USER_CS   6
#define GDT_ENTRY_TSS               8       /* two entries */
#define GDT_ENTRY_LDT               10      /* two entries */
#define GDT_ENTRY_TLS_MIN           12
#define GDT_ENTRY_TLS_MAX           14
#define GDT_ENTRY_TLS_ENTRIES       3
#define GDT_ENTRY_CPUNODE           15
#define GDT_ENTRIES                 16
#define GDT_SIZE                    (GDT_ENTRIES * 8)

#define __KERNEL32_CS (GDT_ENTRY_KERNEL32_CS * 8)
#define __KERNEL_CS   (GDT_ENTRY_KERNEL_CS * 8)
#define __KERNEL_DS   (GDT_ENTRY_KERNEL_DS * 8)
#define __USER32_CS   (GDT_ENTRY_DEFAULT_USER32_CS * 8 + 3)
#define __USER_DS     (GDT_ENTRY_DEFAULT_USER_DS * 8 + 3)
#define __USER_CS     (GDT_ENTRY_DEFAULT_USER_CS * 8 + 3)
#define __CPUNODE_SEG (GDT_ENTRY_CPUNODE * 8 + 3)

/* ---- the LDT (arch/x86/include/uapi/asm/ldt.h, asm/pgtable_64_types.h) ----- */
#define LDT_ENTRIES     8192
#define LDT_ENTRY_SIZE  8
#define LDT_BASE_ADDR_L4 0xffff880000000000ULL     /* LDT_PGD_ENTRY -240 << PGDIR_SHIFT */
#define LDT_BASE_ADDR_L5 0xff10000000000000ULL
#define LDT_SLOT_STRIDE (LDT_ENTRIES * LDT_ENTRY_SIZE)

/* ---- the cpu_entry_area (arch/x86/include/asm/pgtable_64_types.h) ----------- */
#define CPU_ENTRY_AREA_BASE    0xfffffe0000000000ULL
#define CPU_ENTRY_AREA_PER_CPU (CPU_ENTRY_AREA_BASE + 4096)   /* after the read-only IDT page */
/* The simulator maps each CPU's GDT page and leaves its entry-stack page
 * unmapped; Linux's struct cpu_entry_area is larger (TSS, exception
 * stacks, debug store) and placed at a random offset under KASLR. */
#define CPU_ENTRY_AREA_SIZE    (2 * 4096)

/* Each CPU's per-CPU area: its gdt_page, then a page of variables. */
#define PERCPU_PAGES           2
#define PERCPU_GDT_PAGE        0x0              /* gdt_page */
#define PERCPU_THIS_CPU_OFF    0x1000           /* this_cpu_off: the area's own address */
#define PERCPU_CPU_NUMBER      0x1008           /* cpu_number */
#define PERCPU_CURRENT_TASK    0x1010           /* current_task */

/* What the kernel keeps for segmentation (in struct kernel). */
struct kernel_percpu {
	uint64_t pfn;                /* the first per-CPU area; CPU n's is n * PERCPU_PAGES on */
	uint64_t cea_table_pfn;      /* the cpu_entry_area's page tables, reserved at boot */
	unsigned cea_tables;
	int cea_pgd_index;           /* its entry in the top table, shared by every pgd */
	uint64_t cea_pgd_entry;
	bool fsgsbase;               /* X86_FEATURE_FSGSBASE: CR4.FSGSBASE is on */
};

/* ---- descriptors from user space (struct user_desc, uapi/asm/ldt.h) --------- */
struct user_desc {
	uint32_t entry_number;
	uint32_t base_addr;
	uint32_t limit;
	unsigned seg_32bit : 1;
	unsigned contents : 2;
	unsigned read_exec_only : 1;
	unsigned limit_in_pages : 1;
	unsigned seg_not_present : 1;
	unsigned useable : 1;
	unsigned lm : 1;
};

/* A task's segment state (Linux: the segment part of struct
 * thread_struct, and the CS and SS of its pt_regs). */
struct thread_struct {
	uint64_t tls_array[GDT_ENTRY_TLS_ENTRIES];
	uint16_t es, ds, fsindex, gsindex;
	uint64_t fsbase, gsbase;
	uint16_t cs, ss;                /* user mode's: __USER_CS and __USER_DS at exec */
};

/* An mm's LDT (Linux: struct ldt_struct, mm->context.ldt): its entries
 * live in physical frames; slot says which half of the LDT area of the
 * page tables maps them. */
struct ldt_struct {
	uint64_t entries_pa;
	unsigned nr_entries;
	unsigned order;                 /* of the frames holding the entries */
	int slot;                       /* 0 or 1 */
};

/* mm->context (Linux: mm_context_t), its LDT part. */
struct mm_context {
	struct ldt_struct *ldt;
};

/* ---- a descriptor made from a user_desc (Linux: fill_ldt, LDT_empty, ...) --- */

/* The 8-byte descriptor info describes, with the accessed bit set and
 * DPL 3 (Linux: fill_ldt). */
uint64_t fill_ldt(const struct user_desc *info);

/* The all-but-empty user_desc meaning "no segment" (LDT_empty), and the
 * all-zero one programs use for it (LDT_zero). */
bool LDT_empty(const struct user_desc *info);
bool LDT_zero(const struct user_desc *info);

/* user_desc of descriptor d at index idx (Linux: fill_user_desc). */
void fill_user_desc(struct user_desc *info, int idx, uint64_t d);

/* ---- boot (gdt.c) --------------------------------------------------------- */

/* Frames reserved at boot for the per-CPU areas and the cpu_entry_area's
 * tables of a machine with nr_cpus cores and paging_levels levels. */
uint64_t percpu_reserved_pages(int nr_cpus, int paging_levels);

/* Build every CPU's per-CPU area and GDT in the frames from pfn, map the
 * GDTs in the cpu_entry_area of init_mm, and load each core's segment
 * state: GDTR, LDTR, STAR, EFER.SCE, CR4.FSGSBASE when the core has it,
 * GS_BASE at the per-CPU area (Linux: setup_per_cpu_areas, cpu_init,
 * syscall_init, load_fixmap_gdt). */
void setup_segments(struct kernel *k, uint64_t pfn);

/* Give pgd (a new mm's top table) the kernel half every page table shares:
 * the cpu_entry_area (Linux: pgd_ctor's clone_pgd_range). */
void pgd_ctor(struct kernel *k, uint64_t pgd);

/* The top-table index where user space ends (Linux: USER_PTRS_PER_PGD):
 * entries from here on are the kernel's. */
#define KERNEL_PGD_BOUNDARY 256

/* The linear address of CPU cpu's GDT (get_cpu_gdt_ro) and the kernel
 * address of its writable copy in the per-CPU area (get_cpu_gdt_rw). */
uint64_t get_cpu_gdt_ro(int cpu);
uint64_t *get_cpu_gdt_rw(struct kernel *k, int cpu);

/* The address of CPU cpu's per-CPU area as the kernel prints it (its GS
 * base in kernel mode; Linux: per_cpu_offset). */
uint64_t per_cpu_offset(const struct kernel *k, int cpu);

/* this_cpu_write of the 8-byte per-CPU variable at offset off on CPU cpu:
 * the CPU's segment unit makes %gs:off linear (its GS base, the kernel's
 * while it runs, plus off), which the kernel reaches through its direct
 * map. narrate: say so, naming name. */
void this_cpu_write(struct kernel *k, int cpu, unsigned off, uint64_t v, const char *name, bool narrate);

/* ---- tasks (process_64.c) ---------------------------------------------------- */

/* A new 64-bit task's registers (Linux: start_thread): CS __USER_CS, SS
 * __USER_DS, no FS, GS, DS, ES, no TLS. */
void start_thread(struct task_struct *t);

/* The segment registers of a child of fork or clone: the parent's, saved
 * first if it runs (Linux: copy_thread, which also copies pt_regs). */
void copy_thread(struct kernel *k, struct task_struct *child, struct task_struct *parent);

/* The segment part of the switch from prev (NULL: the CPU was idle) to
 * next (NULL: the CPU goes idle) on their CPU (Linux: __switch_to:
 * save_fsgs, load_TLS, DS and ES, x86_fsgsbase_load, current_task). */
void __switch_to(struct kernel *k, struct task_struct *prev, struct task_struct *next);

/* Load next's LDT on cpu if it differs from prev's (Linux: switch_ldt). */
void switch_ldt(struct kernel *k, int cpu, struct mm_struct *prev, struct mm_struct *next);

/* Return from the kernel to t's user code on its core: SWAPGS, then SYSRET
 * to t's CS (__USER_CS or __USER32_CS), or IRET to another (Linux: the
 * exit paths of entry_64.S). 0, or -EFAULT when IRET faulted (t->fatal
 * has the SIGSEGV). */
int swapgs_restore_regs_and_return_to_usermode(struct kernel *k, struct task_struct *t);

/* loadsegment(r, sel) in the kernel on cpu: MOV to r; on a fault the
 * exception fixup loads a null selector instead (Linux: loadsegment's
 * EX_TYPE_ZERO_REG). In a guest, a VM exit of the descriptor read is
 * resumed and the MOV executed again (vmexit_again). */
void loadsegment(struct kernel *k, int cpu, enum hw_sreg r, uint16_t sel);

/* t's user code enters the kernel (an interrupt): the core saves its CS
 * and SS, which become t's, then SWAPGS (Linux: the entry of entry_64.S). */
void enter_from_user_mode(struct kernel *k, struct task_struct *t);

/* The user's segment registers of t as they are now: on its CPU when it
 * runs there, else as saved. regs[] in enum hw_sreg order. */
void task_user_segments(struct kernel *k, struct task_struct *t, struct hw_segment regs[HW_NR_SREGS], uint64_t *fsbase,
			uint64_t *gsbase, bool *compat);

/* arch_prctl codes (uapi/asm/prctl.h). */
#define ARCH_SET_GS 0x1001
#define ARCH_SET_FS 0x1002
#define ARCH_GET_FS 0x1003
#define ARCH_GET_GS 0x1004

/* arch_prctl(option, arg2) by t, which runs on its core (Linux:
 * do_arch_prctl_64): ARCH_SET_FS/GS load a null selector and the base
 * arg2; ARCH_GET_FS/GS store the base at user address arg2. 0, -EPERM
 * (a base at or above TASK_SIZE_MAX), -EFAULT (arg2 not writable), or
 * -EINVAL (another option). */
int64_t do_arch_prctl_64(struct kernel *k, struct task_struct *t, int option, uint64_t arg2);

/* ---- TLS and the LDT (tls.c, ldt.c) --------------------------------------------- */

/* set_thread_area(u_info) by t (on its core), the descriptor already
 * copied from user space: entry_number -1 picks a free TLS entry and
 * stores its number back in *info. 0, -EINVAL (a 16-bit, code or
 * non-present segment, or an index outside 12..14), -ESRCH (no free
 * entry). */
int64_t sys_set_thread_area(struct kernel *k, struct task_struct *t, struct user_desc *info);

/* get_thread_area: the TLS entry info->entry_number of t into *info. 0 or
 * -EINVAL. */
int64_t sys_get_thread_area(struct kernel *k, struct task_struct *t, struct user_desc *info);

/* Put TLS descriptors of t into cpu's GDT (Linux: load_TLS). */
void load_TLS(struct kernel *k, const struct task_struct *t, int cpu);

/* modify_ldt(func, ptr, bytecount) by t: 0 reads the LDT into ptr (the
 * bytes read), 1 and 0x11 write the user_desc at ptr (bytecount must be
 * its size), 2 reads the default LDT (zeros, at most 128 bytes). Returns
 * as Linux's modify_ldt: bytes read, 0, -EINVAL, -ENOMEM, -ENOSYS (another
 * func). */
int64_t sys_modify_ldt(struct kernel *k, struct task_struct *t, int func, void *ptr, uint64_t bytecount);

/* Give mm, a copy of old made by fork, its own copy of old's LDT (Linux:
 * ldt_dup_context). 0 or -ENOMEM. */
int ldt_dup_context(struct kernel *k, struct mm_struct *old, struct mm_struct *mm);

/* Free mm's LDT and the page tables mapping it (Linux: ldt_arch_exit_mmap
 * and destroy_context_ldt). */
void destroy_context_ldt(struct kernel *k, struct mm_struct *mm);

/* The LDT's linear base for slot (LDT_BASE_ADDR + slot * LDT_SLOT_STRIDE). */
uint64_t ldt_slot_va(const struct kernel *k, int slot);

/* ---- user memory (uaccess.c) --------------------------------------------------- */

/* copy_to_user / copy_from_user: the kernel moves len bytes to or from
 * t's user address uaddr on t's core, in supervisor mode with RFLAGS.AC
 * set (STAC), faulting pages in as a kernel-mode page fault does. 0, or
 * -EFAULT when an address is not mapped for the access. */
int copy_to_user(struct kernel *k, struct task_struct *t, uint64_t uaddr, const void *buf, uint64_t len);
int copy_from_user(struct kernel *k, struct task_struct *t, void *buf, uint64_t uaddr, uint64_t len);

#endif
