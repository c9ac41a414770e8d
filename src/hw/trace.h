/*
 * hw/trace.h — narration: structured events a core emits while it works.
 *
 * With a callback set (hw_set_trace) a translation reports the TLB probes,
 * paging-structure-cache hits, every walk step (level under both names,
 * index, entry address and value), A/D updates, the permission decision
 * with the rule that made it, the exception or the physical address; the
 * instructions report invalidations and #GP/#UD. Events are built only
 * when a callback is set. hw_event_format() turns one into a line of text.
 */
#ifndef MMSIM_HW_TRACE_H
#define MMSIM_HW_TRACE_H

#include <stddef.h>
#include <stdint.h>

#include "hw/cpu.h"

enum hw_event_type {
	HW_EV_ACCESS,        /* a translation starts: va, kind, priv */
	HW_EV_TLB_PROBE,     /* tlb, hit (page_shift of the hit) */
	HW_EV_TLB_FILL,      /* tlb, page_shift, count = 1 if it evicted */
	HW_EV_PWC_HIT,       /* tlb = pwc id, level of the cached entry, value = next table */
	HW_EV_WALK_STEP,     /* level, index, entry_pa, value */
	HW_EV_AD_SET,        /* level, entry_pa, old, value */
	HW_EV_PERM,          /* hit = allowed, rule, rule_level, pkey */
	HW_EV_FAULT,         /* exc, rule, rule_level, value (reserved bits) */
	HW_EV_DONE,          /* value = physical address, page_shift */
	HW_EV_INVALIDATE,    /* op, va, pcid, count (TLB), old (PWC entries) */
	/* segmentation (hw/seg.h): tlb = enum hw_sreg, index = selector */
	HW_EV_SEG,           /* a logical address: va = offset, entry_pa = base, value = linear,
			      * old = limit, count = access rights, kind */
	HW_EV_SEG_LOAD,      /* a segment register (tlb, or HW_NR_SREGS for LDTR) loaded from the
			      * descriptor at linear entry_pa: value = base, old = limit, count = rights */
	/* virtualization (hw/ept.h): kind = enum hw_virt */
	HW_EV_EPT,           /* a second-stage walk: va = guest-physical, hit = translated, value =
			      * host-physical, count = references, level and old = the last entry,
			      * page_shift, op = enum hw_ref */
	HW_EV_VMX,           /* op 0 VM entry (count = VPID, pcid = tag, value = guest CR3, old = EPTP),
			      * 1 VM exit (count = reason, value = qualification, va = gpa, old = gla,
			      * level, entry_pa = entry), 2 INVEPT (count = type, value = EPTP, old =
			      * entries dropped), 3 INVVPID (count = type, pcid = VPID, va) */
};

/* Why a decision went the way it did. */
enum hw_rule {
	HW_RULE_ALLOWED,
	HW_RULE_NONCANONICAL,      /* #GP(0) */
	HW_RULE_NOT_PRESENT,       /* P=0 at rule_level */
	HW_RULE_RSVD,              /* reserved bits (value) at rule_level */
	HW_RULE_US,                /* U/S=0 forbids a user access */
	HW_RULE_RW,                /* R/W=0 forbids a user write */
	HW_RULE_WP,                /* CR0.WP=1 and R/W=0 forbid a supervisor write */
	HW_RULE_XD,                /* XD=1 forbids a fetch */
	HW_RULE_SMEP,              /* supervisor fetch from a user page */
	HW_RULE_SMAP,              /* explicit supervisor data access, AC=0 */
	HW_RULE_SMAP_IMPLICIT,     /* implicit supervisor data access */
	HW_RULE_PK_AD,             /* PKRU.AD of the page's key */
	HW_RULE_PK_WD,             /* PKRU.WD of the page's key */
	HW_RULE_CLEAN,             /* a write found D=0 in a TLB entry: walk to set D */
	HW_RULE_STALE,             /* a TLB entry forbids the access: walk again (AMD) */
	/* why an instruction raised #GP or #UD */
	HW_RULE_GP_CPL,            /* privileged instruction at CPL 3 */
	HW_RULE_GP_RESERVED,       /* reserved bit in the new register value */
	HW_RULE_GP_PG,             /* clearing CR0.PG (or PE) in 64-bit mode */
	HW_RULE_GP_CACHE,          /* CR0.NW=1 with CR0.CD=0 */
	HW_RULE_GP_PAE,            /* clearing CR4.PAE in IA-32e mode */
	HW_RULE_GP_LA57,           /* changing CR4.LA57 in IA-32e mode */
	HW_RULE_GP_PCIDE,          /* CR4.PCIDE=1 with CR3[11:0] != 0 */
	HW_RULE_GP_LME,            /* changing EFER.LME with paging on */
	HW_RULE_GP_INVPCID,        /* bad INVPCID type, PCID or address */
	HW_RULE_UD_PKE,            /* WRPKRU with CR4.PKE=0 */
	HW_RULE_UD_FEATURE,        /* instruction the machine does not have */
	HW_RULE_BAD_ARG,           /* an access kind or privilege out of range */
	/* segmentation (hw/seg.h) */
	HW_RULE_SEG_LIMIT,         /* offset outside the segment's limit */
	HW_RULE_SEG_UNUSABLE,      /* reference through a null segment (compatibility mode) */
	HW_RULE_SEG_READ_ONLY,     /* write to a read-only data or a code segment */
	HW_RULE_SEG_EXEC_ONLY,     /* read of an execute-only code segment */
	HW_RULE_SEG_NOT_CODE,      /* fetch from a data segment */
	HW_RULE_SEG_NONCANONICAL,  /* the linear address (base + offset) is not canonical */
	HW_RULE_SEG_SEL_LIMIT,     /* selector index beyond its table's limit */
	HW_RULE_SEG_NO_LDT,        /* TI=1 with no LDT loaded */
	HW_RULE_SEG_NULL,          /* null selector where a segment is needed */
	HW_RULE_SEG_DESC_TYPE,     /* descriptor of the wrong type */
	HW_RULE_SEG_PRIV,          /* DPL, RPL and CPL do not allow the load */
	HW_RULE_SEG_NOT_PRESENT,   /* P=0 in the descriptor */
	HW_RULE_SEG_BAD_BASE,      /* non-canonical base in a system descriptor or WRMSR */
	HW_RULE_GP_MSR,            /* RDMSR/WRMSR of an MSR the machine does not have */
	HW_RULE_GP_IRET,           /* IRET with no exception frame */
	HW_RULE_UD_FSGSBASE,       /* RD/WR FS/GS BASE with CR4.FSGSBASE=0 */
	HW_RULE_UD_MODE,           /* an instruction of 64-bit mode outside it */
	HW_RULE_UD_SCE,            /* SYSCALL/SYSRET with EFER.SCE=0 */
	HW_NR_RULES
};

enum hw_inv_op {
	HW_INV_INVLPG, HW_INV_INVPCID0, HW_INV_INVPCID1, HW_INV_INVPCID2, HW_INV_INVPCID3,
	HW_INV_MOV_CR3, HW_INV_MOV_CR4, HW_INV_PAGE_FAULT,
};

struct hw_event {
	enum hw_event_type type;
	int cpu;
	int paging_levels;      /* for Linux level names */
	uint64_t va;
	uint8_t kind, priv;     /* enum hw_access, enum hw_priv */
	int8_t level;           /* enum hw_level, 0 if none */
	int8_t rule_level;      /* level a rule found its bit at; 0: cached */
	uint16_t index;
	uint8_t tlb;            /* enum hw_tlb_id, or hw_pwc_id for PWC hits */
	uint8_t hit;
	uint8_t page_shift;
	uint8_t rule;           /* enum hw_rule */
	uint8_t op;             /* enum hw_inv_op */
	uint8_t pkey;
	uint16_t pcid;
	uint32_t count;
	uint64_t entry_pa;
	uint64_t value;
	uint64_t old;
	struct hw_exception exc;
};

/* Emit an event built from designated initializers, only when tracing. */
#define hw_emit(cpu_, ...) hw_emit_if(true, cpu_, __VA_ARGS__)

/* The same in code specialised by a constant on: with on false nothing is
 * emitted and nothing is tested. */
#define hw_emit_if(on_, cpu_, ...)                                                \
	do {                                                                      \
		if ((on_) && __builtin_expect((cpu_)->trace != NULL, 0)) {         \
			struct hw_event ev_ = { .cpu = (cpu_)->id,                   \
				.paging_levels = (cpu_)->paging_levels, __VA_ARGS__ }; \
			(cpu_)->trace((cpu_)->trace_ctx, &ev_);                    \
		}                                                                 \
	} while (0)

/* Render ev as one line of text (no newline) into buf; returns what
 * snprintf returns. */
int hw_event_format(const struct hw_event *ev, char *buf, size_t len);

/* The sentence for a rule found at level (0: in a cached entry), e.g.
 * "U/S=0 at PDPT forbids user access". */
int hw_rule_format(enum hw_rule rule, int level, unsigned pkey, char *buf, size_t len);

/* The titles narration gives the structures: "L1 dTLB-4K", "STLB",
 * "PDE cache" ("?" for a bad id). */
const char *hw_tlb_title(int id);
const char *hw_pwc_title(int id);

#endif
