/*
 * hw/cpu.h — one core: control registers, TLBs, paging-structure caches,
 * counters, and the instructions that change them.
 *
 * A core starts in 64-bit mode with paging on (CR0.PE=PG=1, CR4.PAE=1,
 * EFER.LME=LMA=1, CR4.LA57 as the machine's paging levels say), CR3 = 0 and
 * every optional feature off: WP, NXE, PGE, PCIDE, SMEP, SMAP, PKE clear,
 * PKRU 0, CPL 0 — the state a boot loader hands a 64-bit kernel. The kernel
 * then turns features on with the instructions below, which behave as the
 * SDM says, including their TLB effects (§4.10.4.1) and the #GP(0) an
 * illegal value raises. They return 0 or the exception vector
 * (HW_EXC_GP, HW_EXC_UD); a faulting instruction changes nothing.
 * Privileged instructions check CPL as the CPU does: CPL is CS.RPL, 0 when
 * the simulated kernel runs and 3 when user code does (hw/seg.h).
 *
 * The registers are plain fields: read them freely, change them only with
 * the instructions (the cached permission table and masks depend on them).
 */
#ifndef MMSIM_HW_CPU_H
#define MMSIM_HW_CPU_H

#include <stdbool.h>
#include <stdint.h>

#include "hw/config.h"
#include "hw/ept_types.h"
#include "hw/ram.h"
#include "hw/seg_types.h"
#include "hw/storebuf.h"
#include "hw/tlb.h"

/* ---- control registers -------------------------------------------------- */
#define HW_CR0_PE     (1ULL << 0)
#define HW_CR0_MP     (1ULL << 1)
#define HW_CR0_EM     (1ULL << 2)
#define HW_CR0_TS     (1ULL << 3)
#define HW_CR0_ET     (1ULL << 4)
#define HW_CR0_NE     (1ULL << 5)
#define HW_CR0_WP     (1ULL << 16)
#define HW_CR0_AM     (1ULL << 18)
#define HW_CR0_NW     (1ULL << 29)
#define HW_CR0_CD     (1ULL << 30)
#define HW_CR0_PG     (1ULL << 31)

#define HW_CR3_PWT          (1ULL << 3)
#define HW_CR3_PCD          (1ULL << 4)
#define HW_CR3_PCID_MASK    0xFFFULL
#define HW_CR3_NOFLUSH      (1ULL << 63)   /* MOV to CR3 with CR4.PCIDE=1 */

#define HW_CR4_PSE    (1ULL << 4)          /* ignored by 4/5-level paging */
#define HW_CR4_PAE    (1ULL << 5)
#define HW_CR4_PGE    (1ULL << 7)
#define HW_CR4_LA57   (1ULL << 12)
#define HW_CR4_PCIDE  (1ULL << 17)
#define HW_CR4_SMEP   (1ULL << 20)
#define HW_CR4_SMAP   (1ULL << 21)
#define HW_CR4_PKE    (1ULL << 22)

#define HW_EFER_SCE   (1ULL << 0)
#define HW_EFER_LME   (1ULL << 8)
#define HW_EFER_LMA   (1ULL << 10)
#define HW_EFER_NXE   (1ULL << 11)

/* Linux's names (arch/x86/include/uapi/asm/processor-flags.h, msr-index.h). */
#define X86_CR0_WP            HW_CR0_WP
#define X86_CR0_PG            HW_CR0_PG
#define X86_CR3_PCID_NOFLUSH  HW_CR3_NOFLUSH
#define X86_CR4_PGE           HW_CR4_PGE
#define X86_CR4_LA57          HW_CR4_LA57
#define X86_CR4_PCIDE         HW_CR4_PCIDE
#define X86_CR4_SMEP          HW_CR4_SMEP
#define X86_CR4_SMAP          HW_CR4_SMAP
#define X86_CR4_PKE           HW_CR4_PKE
#define EFER_NX               HW_EFER_NXE
#define EFER_LME              HW_EFER_LME

/* ---- exceptions (SDM §4.7, §6.15) ---------------------------------------- */
enum { HW_EXC_NONE = 0, HW_EXC_UD = 6, HW_EXC_NP = 11, HW_EXC_SS = 12, HW_EXC_GP = 13, HW_EXC_PF = 14 };

#define HW_PF_P     (1u << 0)   /* 0: not present; 1: protection (or RSVD) */
#define HW_PF_W     (1u << 1)   /* the access was a write */
#define HW_PF_U     (1u << 2)   /* the access was a user-mode access */
#define HW_PF_RSVD  (1u << 3)   /* a reserved bit was set in an entry */
#define HW_PF_I     (1u << 4)   /* instruction fetch (with NXE or SMEP) */
#define HW_PF_PK    (1u << 5)   /* protection-key violation */
#define X86_PF_PROT  HW_PF_P
#define X86_PF_WRITE HW_PF_W
#define X86_PF_USER  HW_PF_U
#define X86_PF_RSVD  HW_PF_RSVD
#define X86_PF_INSTR HW_PF_I
#define X86_PF_PK    HW_PF_PK

struct hw_exception {
	uint8_t vector;         /* HW_EXC_NONE, _GP, _PF, _UD, _NP, _SS */
	uint32_t error_code;    /* #PF: HW_PF_* bits; #GP, #NP, #SS: 0 or a selector (hw/seg.h) */
	uint64_t cr2;           /* #PF: the faulting linear address */
};

/* ---- accesses ------------------------------------------------------------ */
enum hw_access { HW_READ, HW_WRITE, HW_FETCH, HW_NR_ACCESS };

/* Who makes an access (SDM §4.6.1): CPL 3, explicit CPL < 3, or an implicit
 * supervisor access (GDT, IDT, TSS, ...), which SMAP blocks whatever AC. */
enum hw_priv { HW_SUPERVISOR, HW_USER, HW_IMPLICIT, HW_NR_PRIV };

/* Where a memory reference was served (caches=1, hw/mem.h). */
enum hw_mem_where {
	HW_AT_L1D, HW_AT_L1I, HW_AT_L2, HW_AT_L3, HW_AT_C2C, HW_AT_REMOTE, HW_AT_DRAM, HW_NR_AT
};

/* ---- counters: plain numbers, per core ------------------------------------ */
struct hw_counters {
	uint64_t access[HW_NR_ACCESS];          /* translations asked for, by kind */
	uint64_t tlb_hit[HW_NR_TLB_LEVELS][HW_NR_PSIZES];
	/* misses by the page size that resolved them; [HW_NR_PSIZES]: none
	 * (the access faulted). A write through a clean entry counts as a miss. */
	uint64_t tlb_miss[HW_NR_TLB_LEVELS][HW_NR_PSIZES + 1];
	uint64_t dirty_miss;                    /* writes that found D=0 in a TLB */
	uint64_t stale_rewalk;                  /* hits whose rights forbade the access,
						 * walked again (rewalk_stale) */
	uint64_t fills[HW_NR_TLBS], evictions[HW_NR_TLBS];
	uint64_t walks, walk_refs, ad_writes;
	uint64_t pwc_hit[HW_NR_PWCS];
	uint64_t pf[64];                        /* #PF by error code bits 5:0 */
	uint64_t gp, ud;
	uint64_t cycles;                        /* cost model estimate */
	uint64_t invlpg, invpcid[4];            /* instructions executed */
	uint64_t cr3_flush, cr3_noflush;        /* MOV to CR3 with / without flush */
	uint64_t cr4_flush;                     /* MOV to CR4 that flushed */
	uint64_t pf_flush;                      /* invalidations done by #PF */
	uint64_t ipis;                          /* IPIs sent (charged lat.ipi by the kernel) */
	/* The memory hierarchy (caches=1, hw/mem.h): hits and misses per
	 * level (enum hw_cache_id), lines another core supplied, memory
	 * reads and writes, shared copies this core made M (invalidating the
	 * others), copies it lost to another core's write or to an inclusive
	 * L3's eviction, dirty lines written back from each level; the cycles
	 * charged for walk references and for data references, and by where
	 * the line was found. */
	uint64_t mem_hit[HW_NR_CACHES], mem_miss[HW_NR_CACHES];
	uint64_t mem_c2c, mem_dram_reads, mem_dram_writes;
	uint64_t mem_upgrades, mem_invalidated;
	uint64_t mem_writebacks[HW_NR_CACHES];
	uint64_t cost_walk_mem, cost_data;
	uint64_t cost_at[HW_NR_AT];
	/* DRAM (dram.channels > 0): this core's memory accesses (reads and the
	 * write-backs it caused) that found their bank's open row, a closed
	 * bank, or another row open. */
	uint64_t mem_row_hit, mem_row_miss, mem_row_conflict;
	/* The store buffer: stores that waited in it (held), loads that took
	 * bytes from it (forwarding), drains (MFENCE and the like). */
	uint64_t sb_stores, sb_forwards, sb_fences;
	/* Cycles the core waited for its store buffer (caches=1): a store
	 * that found it full of stores still draining, a fence (MFENCE, a
	 * serializing event) waiting for the stores in it to drain. */
	uint64_t cost_sb;
	/* NUMA (hw/numa.h): this core's memory reads from its own node and
	 * from another (caches=1, more than one node). */
	uint64_t mem_dram_local, mem_dram_remote;
};

/* Where a TLB level caches a page of one size (fixed by the geometry). */
struct hw_fill_plan {
	struct hw_tlb *tlb;     /* NULL: the level holds nothing that fits */
	uint64_t piece;         /* linear-address bits of the page within the entry's piece */
	int8_t si;              /* the entry's shift index in tlb */
	bool splinter;          /* the entry holds a piece of the page */
};

struct hw_event;
struct hw_mem_core;
typedef void (*hw_trace_fn)(void *ctx, const struct hw_event *ev);

struct hw_cpu {
	/* Hot: read by every translation. */
	struct hw_tlb *l1_fast[HW_NR_ACCESS];   /* first L1 TLB per kind, or NULL */
	hw_trace_fn trace;                      /* NULL: narration off */
	void *trace_ctx;
	struct hw_mem_core *mem;                /* its caches (hw/mem.h), NULL without */
	uint64_t va_mask;                       /* (1 << va_bits) - 1 */
	uint8_t va_bits;                        /* 48, or 57 under CR4.LA57 */
	uint8_t ac;                             /* RFLAGS.AC */
	uint16_t pcid;                          /* current PCID (in a guest: its VPID/PCID tag) */
	/* [AC][priv][kind][data & 0xff]: 1 when a TLB entry with these
	 * attributes allows the access without a walk. */
	uint8_t perm[2][HW_NR_PRIV][HW_NR_ACCESS][256];
	struct hw_counters ctr;
	struct hw_latency lat;
	struct hw_tlb tlb[HW_NR_TLBS];
	struct hw_tlb pwc[HW_NR_PWCS];
	/* Fixed by the geometry: the TLBs of each level that have entries, in
	 * probe order, and where each level caches a page of each size. */
	struct hw_tlb *level_tlb[HW_NR_TLB_LEVELS][3];
	uint8_t level_ntlb[HW_NR_TLB_LEVELS];
	/* Bit j of level_live[lv]: level_tlb[lv][j] holds entries; bit c of
	 * pwc_live: pwc[c] does (kept by the TLBs, hw_tlb_set_group). */
	uint8_t level_live[HW_NR_TLB_LEVELS];
	uint8_t pwc_live;
	uint8_t in_guest;                       /* VMX non-root / SVM guest mode (hw/ept.h) */
	struct hw_fill_plan fill[HW_NR_TLB_LEVELS][HW_NR_PSIZES];

	/* Architectural state. */
	uint64_t cr0, cr2, cr3, cr4, efer;
	uint32_t pkru;
	uint8_t cpl;                            /* 0 or 3 */

	/* The machine around the core. */
	const struct ram *ram;
	int id;
	int paging_levels;                      /* what the machine implements */
	unsigned maxphyaddr;
	bool has_pcid;
	bool rewalk_stale;      /* from the config: see struct hw_config */
	uint64_t rsvd[HW_LVL_PML5 + 1][2];      /* reserved bits by level, PS */

	/* Segmentation: segment registers, GDTR, LDTR, the base MSRs (hw/seg.h). */
	struct hw_seg_state seg;

	/* Virtualization: the guest's second stage and tags (hw/ept.h). */
	struct hw_vmx vmx;
	struct hw_sb sb;                        /* its store buffer (hw/storebuf.h; cap 0: none) */
};

/* Set up core id of a machine with configuration cfg (validated) and RAM
 * ram, in the start state above. Returns 0 or -ENOMEM. */
int hw_cpu_init(struct hw_cpu *cpu, const struct hw_config *cfg, const struct ram *ram, int id);
void hw_cpu_destroy(struct hw_cpu *cpu);

/* Narration: call fn(ctx, event) for everything the core does; NULL turns
 * it off. Off costs one predictable branch per translation. */
void hw_set_trace(struct hw_cpu *cpu, hw_trace_fn fn, void *ctx);

/* ---- instructions ----------------------------------------------------------
 * Each returns 0 or the exception vector it raised (nothing changed then). */
int hw_mov_to_cr0(struct hw_cpu *cpu, uint64_t value);
int hw_mov_to_cr3(struct hw_cpu *cpu, uint64_t value);
int hw_mov_to_cr4(struct hw_cpu *cpu, uint64_t value);
int hw_wrmsr_efer(struct hw_cpu *cpu, uint64_t value);
int hw_wrpkru(struct hw_cpu *cpu, uint32_t value);
int hw_stac(struct hw_cpu *cpu);                       /* RFLAGS.AC = 1 */
int hw_clac(struct hw_cpu *cpu);                       /* RFLAGS.AC = 0 */
int hw_invlpg(struct hw_cpu *cpu, uint64_t va);
int hw_invpcid(struct hw_cpu *cpu, unsigned type, uint64_t pcid, uint64_t va);
/* The privilege level code runs at (0 kernel, anything else 3), set as
 * SYSCALL (0) or SYSRET to 64-bit mode (3) set it, without their checks:
 * CS and SS become the flat segments of that ring (hw/seg.h), and CPL is
 * CS.RPL. The kernel enters and leaves user mode with the instructions of
 * hw/seg.h; this is the shortcut tests use. */
void hw_set_cpl(struct hw_cpu *cpu, unsigned cpl);

/* The physical address of the root table in CR3. */
static inline uint64_t hw_cr3_base(const struct hw_cpu *cpu)
{
	return cpu->cr3 & HW_PTE_ADDR_MASK;
}

/* ---- internal to hw/ -------------------------------------------------------- */

/* Recompute what depends on control registers: the permission table,
 * reserved-bit masks, PCID and address width. */
void hw_cpu_refresh(struct hw_cpu *cpu);

/* Count and narrate exception vector (a #GP or #UD raised by an
 * instruction, with rule saying why); returns vector. */
int hw_cpu_raise(struct hw_cpu *cpu, int vector, int rule);

#endif
