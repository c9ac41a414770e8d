/*
 * hw/seg_types.h — the types and constants of segmentation (hw/seg.h),
 * apart so that hw/cpu.h can hold a core's segment state.
 */
#ifndef MMSIM_HW_SEG_TYPES_H
#define MMSIM_HW_SEG_TYPES_H

#include <stdbool.h>
#include <stdint.h>

/* The segment registers, in the SDM's encoding order. */
enum hw_sreg { HW_ES, HW_CS, HW_SS, HW_DS, HW_FS, HW_GS, HW_NR_SREGS };

/* Access rights of a loaded segment, in the layout of the VMCS guest
 * segment fields (SDM Vol. 3C §25.4.1): descriptor bits 40..55 with the
 * limit's high nibble cleared, and "unusable" for a null selector. */
#define HW_SEG_TYPE        0x000fu
#define HW_SEG_S           0x0010u      /* code or data (0: system) */
#define HW_SEG_DPL_SHIFT   5
#define HW_SEG_DPL         0x0060u
#define HW_SEG_P           0x0080u
#define HW_SEG_AVL         0x1000u
#define HW_SEG_L           0x2000u      /* 64-bit code */
#define HW_SEG_DB          0x4000u      /* default operation size 32 / big */
#define HW_SEG_G           0x8000u      /* limit in 4 KiB units */
#define HW_SEG_UNUSABLE    0x10000u     /* loaded with a null selector */

/* Type bits of code and data segments (S=1). */
#define HW_SEG_ACCESSED    0x1u
#define HW_SEG_WRITABLE    0x2u         /* data */
#define HW_SEG_READABLE    0x2u         /* code */
#define HW_SEG_EXPAND_DOWN 0x4u         /* data */
#define HW_SEG_CONFORMING  0x4u         /* code */
#define HW_SEG_CODE        0x8u

/* System descriptor types in IA-32e mode (S=0), SDM Table 3-2. */
enum {
	HW_SYS_LDT = 2, HW_SYS_TSS64 = 9, HW_SYS_TSS64_BUSY = 11, HW_SYS_CALL_GATE = 12,
	HW_SYS_INTR_GATE = 14, HW_SYS_TRAP_GATE = 15,
};

/* Selectors: index << 3 | TI << 2 | RPL. */
#define HW_SEL_RPL   3u
#define HW_SEL_TI    4u
#define HW_SEL_INDEX(sel) ((unsigned)(sel) >> 3)

/* The MSRs of this file (SDM Vol. 4). */
#define HW_MSR_STAR            0xC0000081u
#define HW_MSR_FS_BASE         0xC0000100u
#define HW_MSR_GS_BASE         0xC0000101u
#define HW_MSR_KERNEL_GS_BASE  0xC0000102u

#define HW_CR4_FSGSBASE (1ULL << 16)

/* A segment register: the visible selector and the hidden part loaded
 * from its descriptor (limit scaled to bytes by G). */
struct hw_segment {
	uint64_t base;
	uint32_t limit;
	uint32_t attr;          /* HW_SEG_* */
	uint16_t sel;
};

/* GDTR (and IDTR): a linear base and a limit in bytes, minus one. */
struct hw_dtr {
	uint64_t base;
	uint16_t limit;
};

/* What the segment unit counted. */
struct hw_seg_counters {
	uint64_t loads;         /* descriptors loaded into a register (MOV, far JMP, LLDT) */
	uint64_t desc_reads;    /* descriptor-table reads (8 or 16 bytes each) */
	uint64_t accessed_sets; /* accessed flags the core set in a descriptor */
	uint64_t gp, ss, np;    /* #GP, #SS, #NP raised by segmentation */
	uint64_t swapgs;        /* SWAPGS executed */
};

/* A core's segmentation state (in struct hw_cpu). */
struct hw_seg_state {
	struct hw_segment sreg[HW_NR_SREGS];
	struct hw_dtr gdtr;
	struct hw_segment ldtr;
	uint64_t kernel_gs_base;    /* IA32_KERNEL_GS_BASE */
	uint64_t star;              /* IA32_STAR: SYSCALL CS at 47:32, SYSRET CS at 63:48 */
	/* The CS and SS an exception entry pushed (the interrupt frame). */
	struct hw_segment frame_cs, frame_ss;
	bool in_exception;
	struct hw_seg_counters ctr;
};

#endif
