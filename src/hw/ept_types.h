/*
 * hw/ept_types.h — the state of hardware virtualization a core keeps
 * (hw/ept.h has the rules and the instructions): the VMCS fields the
 * model uses, the exit record, and the core's cache of guest-physical
 * translations. Kept apart so that hw/cpu.h can embed it.
 */
#ifndef MMSIM_HW_EPT_TYPES_H
#define MMSIM_HW_EPT_TYPES_H

#include <stdbool.h>
#include <stdint.h>

#include "hw/seg_types.h"

/* Second-stage translation: Intel's EPT or AMD's nested paging (NPT). */
enum hw_virt { HW_VIRT_OFF, HW_VIRT_EPT, HW_VIRT_NPT };

/* A VM exit as the hypervisor reads it from the VMCS (Intel) or VMCB (AMD). */
struct hw_vmexit {
	uint32_t reason;        /* HW_EXIT_*: Intel's basic exit reason, AMD's exit code */
	uint64_t qual;          /* exit qualification (Intel), EXITINFO1 (AMD) */
	uint64_t gpa;           /* guest-physical address (AMD: EXITINFO2) */
	uint64_t gla;           /* guest linear address, when qual says it is valid */
	int8_t level;           /* EPT/NPT level whose entry decided, 0 if none */
	uint64_t entry;         /* that entry */
};

/* What a VM entry loads: the controls and the guest's paging state; the
 * exit is stored back into it. */
struct hw_vmcs {
	enum hw_virt mode;
	uint64_t eptp;          /* EPT: EPTP (root | walk length - 1 << 3 | AD << 6 | type);
				 * NPT: nCR3 (root of the nested tables) */
	uint16_t vpid;          /* VPID (Intel) or ASID (AMD); 0: untagged, flushed at entry and exit */
	uint64_t cr0, cr3, cr4, efer;   /* the guest's */
	struct hw_vmexit exit;  /* the last exit */
	/* With full: the rest of the guest-state area (SDM §25.4) a guest
	 * kernel needs: segment registers, GDTR, LDTR and the base MSRs
	 * (with CPL from CS), RFLAGS.AC and PKRU, loaded at entry and stored
	 * at exit (the host's kept meanwhile). Without: the guest runs with
	 * the host's (a guest with no kernel). */
	bool full;
	struct hw_seg_state seg;
	uint8_t ac;
	uint32_t pkru;
};

/* One cached guest-physical translation (Intel SDM §29.4.1's
 * "guest-physical mappings"): key = gfn with the tag of the EPT root it
 * came from (never 0) at HW_GPA_TAG_SHIFT (0: empty), data = the host
 * frame. The cache keeps one array per kind of reference (enum hw_ref):
 * an entry in a reference's array allows it (a write, or with A/D flags
 * on a walk's read, only once the leaf is dirty), so a hit is one
 * compare; the array of HW_REF_PEEK stays empty. */
struct hw_gpa_entry {
	uint64_t key, data;
};

#define HW_GPA_CACHE  64        /* entries per kind, direct-mapped by gfn */
#define HW_GPA_ROOTS  8         /* EPT roots tagged at once: tags 1 to 8 */
#define HW_GPA_TAG_SHIFT 56
#define HW_GPA_NEVER  (1ULL << 63)   /* a tag no entry has */
#define HW_GPA_KINDS  6         /* one array per enum hw_ref */
#define HW_VPID_TAGS  64        /* guest address spaces a core tags at once */
#define HW_VPID_TAG0  0xF80     /* their TLB tags: 0xf80 .. 0xfbf */

/* Counters of the virtualization hardware, per core. */
struct hw_vmx_counters {
	uint64_t entries;               /* VM entries */
	uint64_t exits[4];              /* by HW_EXITC_*: EPT violation, misconfig, NPF, other */
	uint64_t ept_walks, ept_walk_refs;      /* second-stage walks and the entries they read */
	uint64_t invept, invvpid;
	uint64_t tag_recycles;          /* a VPID/PCID tag taken back (its entries dropped) */
};

/* The virtualization state of a core (VMX non-root operation or SVM
 * guest mode while in_guest is set in struct hw_cpu). */
struct hw_vmx {
	struct hw_vmcs *vmcs;           /* the VMCS of the running guest */
	enum hw_virt mode;
	uint64_t root;                  /* EPT PML4/PML5 or nested root table */
	uint8_t levels;                 /* 4 or 5 */
	bool ad;                        /* EPT A/D flags (EPTP bit 6; NPT always) */
	bool exit_pending;              /* a reference raised an exit not yet taken */
	struct hw_vmexit exit;          /* what it raised */
	uint64_t gla;                   /* the linear address the core is translating */
	bool gla_walk;                  /* and whether it reads a guest paging-structure entry */
	uint16_t tag;                   /* TLB tag of the guest address space */
	bool guest_pge;                 /* the guest set CR4.PGE (kept out of the core's CR4:
					 * guest translations are cached non-global) */
	/* The guest-physical cache: the tag of the running EPT's root
	 * (HW_GPA_NEVER while an exit is pending: no hit then), the roots
	 * the tags stand for (root + 1, 0: free). */
	uint64_t key_tag;
	uint64_t roots[HW_GPA_ROOTS];
	uint8_t next_root;
	struct { uint64_t cr0, cr3, cr4, efer; uint8_t cpl; } host;
	struct { struct hw_seg_state seg; uint8_t ac; uint32_t pkru; } host_full;   /* full: the host's */
	struct { uint16_t vpid, pcid; bool used; } tags[HW_VPID_TAGS];
	uint8_t next_tag;
	struct hw_gpa_entry gpa[HW_GPA_KINDS][HW_GPA_CACHE];
	struct hw_vmx_counters ctr;
};

#endif
