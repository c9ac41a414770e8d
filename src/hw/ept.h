/*
 * hw/ept.h — hardware virtualization: a core in VMX non-root operation
 * (Intel) or SVM guest mode (AMD), whose physical addresses are
 * guest-physical and pass a second translation, EPT (Intel SDM Vol. 3C
 * ch. 29) or nested paging (AMD APM Vol. 2 §15.25), on their way to RAM.
 *
 * Where it sits: every physical reference a core makes goes through
 * hw_mem_ref (hw/memref.h); in a guest that calls hw_ept_ref first, which
 * gives the host-physical address. So each entry of the guest's page walk
 * is itself translated (the two-dimensional walk: up to 4 + 4 x 4 + 4 = 24
 * references for a 4-level guest on 4-level EPT, 35 for 5 on 5 minus the
 * ones its caches save), and so is each data reference.
 *
 * What the core caches: the TLBs and paging-structure caches hold the
 * guest's linear -> guest-physical mappings, tagged by VPID (each
 * VPID/PCID pair a tag of its own, HW_VPID_TAG0..), so VM entries and exits
 * need not flush; a guest-physical cache (struct hw_vmx's gpa[]) holds
 * guest-physical -> host-physical mappings, tagged by the EPT root. Guest
 * global pages are cached as non-global (the TLB's global bit carries no
 * VPID), and a VM entry drops the host's global entries for the same
 * reason. INVVPID drops linear mappings; INVEPT drops guest-physical ones.
 *
 * EPT entries (SDM §29.3.2): R (bit 0), W (1), X (2), memory type 5:3 and
 * IPAT (6) in a leaf, PS (7) for a 1 GiB or 2 MiB leaf, A (8) and D (9)
 * when EPTP bit 6 enables them, the address in 51:12. An entry with R, W
 * and X clear is not present. A present entry is a misconfiguration
 * (§29.3.3.1) when it is writable but not readable, has an address bit at
 * or above MAXPHYADDR, has PS or bits 7:3 set at the root levels (5, 4),
 * bits 6:3 set in a non-leaf, or memory type 2, 3 or 7 in a leaf; a large
 * leaf's address bits below its size are ignored. A reference is allowed
 * when every entry of its walk allows it (R for reads, W for writes, X for
 * fetches); with A/D on, reads of guest paging-structure entries count as
 * writes. An EPT violation exits with reason 48 and the qualification of
 * §28.2.1 (Table 28-7): bits 0-2 what the access was, 3-5 the AND of R, W,
 * X over the entries walked, 7 the linear-address field valid, 8 set when
 * the reference was the translated linear address's (clear for a guest
 * paging-structure entry); a misconfiguration exits with reason 49.
 *
 * Nested paging (APM §15.25.5): the nested tables use the long-mode
 * format (P, R/W, U/S, A, D, PS, NX); every nested reference is a user
 * access, so each level needs U/S=1, writes R/W=1, fetches NX=0; reads
 * of guest page-table entries count as writes, as with EPT A/D. A fault
 * exits with #NPF (exit code 0x400): EXITINFO1 has the #PF-style bits (P:
 * present, RW, US = 1, RSV, ID) with bit 32 set for the final reference
 * and bit 33 for a guest page-table reference; EXITINFO2 the address.
 *
 * VM exits do not call anyone: the reference raises, the translation
 * returns the exception HW_EXC_VMEXIT, and the core is back in host state
 * with the exit in the VMCS, for the hypervisor to look at.
 */
#ifndef MMSIM_HW_EPT_H
#define MMSIM_HW_EPT_H

#include <stdbool.h>
#include <stdint.h>

#include "hw/cpu.h"
#include "hw/ept_types.h"
#include "hw/memref.h"

/* The exception vector of a VM exit (not an x86 vector: the guest never
 * sees it, the hypervisor does). */
#define HW_EXC_VMEXIT 0x80

/* EPT entry bits (SDM Table 29-1..29-6). */
#define HW_EPT_R        (1ULL << 0)
#define HW_EPT_W        (1ULL << 1)
#define HW_EPT_X        (1ULL << 2)
#define HW_EPT_RWX      (HW_EPT_R | HW_EPT_W | HW_EPT_X)
#define HW_EPT_MT_SHIFT 3
#define HW_EPT_MT_MASK  (7ULL << HW_EPT_MT_SHIFT)
#define HW_EPT_IPAT     (1ULL << 6)
#define HW_EPT_PS       (1ULL << 7)
#define HW_EPT_A        (1ULL << 8)
#define HW_EPT_D        (1ULL << 9)
#define HW_EPT_MT_UC    0
#define HW_EPT_MT_WB    6

/* EPTP (SDM §25.6.11): memory type 2:0, walk length - 1 in 5:3, A/D in 6. */
#define HW_EPTP_WALK_SHIFT 3
#define HW_EPTP_AD         (1ULL << 6)

/* Exit reasons and counter classes. */
enum { HW_EXIT_VMCALL = 18, HW_EXIT_EPT_VIOLATION = 48, HW_EXIT_EPT_MISCONFIG = 49, HW_EXIT_NPF = 0x400 };
enum { HW_EXITC_EPT_VIOLATION, HW_EXITC_EPT_MISCONFIG, HW_EXITC_NPF, HW_EXITC_OTHER };

/* EPT-violation qualification bits (SDM Table 28-7). */
#define HW_EPTQ_READ       (1ULL << 0)
#define HW_EPTQ_WRITE      (1ULL << 1)
#define HW_EPTQ_FETCH      (1ULL << 2)
#define HW_EPTQ_READABLE   (1ULL << 3)
#define HW_EPTQ_WRITABLE   (1ULL << 4)
#define HW_EPTQ_EXECUTABLE (1ULL << 5)
#define HW_EPTQ_GLA_VALID  (1ULL << 7)
#define HW_EPTQ_GLA_XLAT   (1ULL << 8)

/* #NPF EXITINFO1 bits (APM §15.25.6). */
#define HW_NPF_P      (1ULL << 0)
#define HW_NPF_RW     (1ULL << 1)
#define HW_NPF_US     (1ULL << 2)
#define HW_NPF_RSV    (1ULL << 3)
#define HW_NPF_ID     (1ULL << 4)
#define HW_NPF_FINAL  (1ULL << 32)
#define HW_NPF_TABLE  (1ULL << 33)

/* The EPTP of an EPT whose root table is at root: walk length levels,
 * write-back, A/D flags when ad. */
uint64_t hw_eptp(uint64_t root, int levels, bool ad);

/* VM entry (VMLAUNCH/VMRESUME, VMRUN) with v: the core saves its host
 * paging state and loads the guest's (CR0, CR3, CR4 without PGE, EFER),
 * and every physical reference passes v's second stage. Returns 0, or
 * -EINVAL (the entry fails: already in a guest, no second stage, a bad
 * EPTP: walk length other than 4 or 5, memory type other than UC or WB,
 * reserved bits, a root beyond MAXPHYADDR). Without a VPID, the entry
 * flushes the TLBs and paging-structure caches (both worlds share tag 0). */
int hw_vmentry(struct hw_cpu *cpu, struct hw_vmcs *v);

/* A VM exit of reason (a VMCALL, or anything the guest asked for): the
 * core stores the exit in the VMCS and loads the host state back. */
void hw_vmexit(struct hw_cpu *cpu, uint32_t reason);

/* INVEPT (host only): type 1 drops the guest-physical mappings of the
 * EPT of eptp, type 2 all of them. Returns 0, or -EINVAL (another type,
 * or in a guest: #UD there). */
int hw_invept(struct hw_cpu *cpu, unsigned type, uint64_t eptp);

/* INVVPID (host only): type 0 drops the linear mappings of vpid for la's
 * page, 1 all of vpid's, 2 every VPID's (not the host's), 3 vpid's but
 * global ones (the model caches none). Returns 0, or -EINVAL (another
 * type, VPID 0 for types 0, 1, 3, a non-canonical la, in a guest). */
int hw_invvpid(struct hw_cpu *cpu, unsigned type, uint16_t vpid, uint64_t la);

/* See hw/memref.h: the second stage of reference why of len bytes at
 * guest-physical gpa. Returns the host-physical address, or
 * HW_MEMREF_EXIT when the reference raised an exit (recorded in the core:
 * the access it belongs to ends with HW_EXC_VMEXIT). HW_REF_PEEK is pure. */
uint64_t hw_ept_ref(struct hw_cpu *cpu, uint64_t gpa, unsigned len, enum hw_ref why);

/* Take the exit a reference raised: into the VMCS, host state back.
 * Returns the exception the access ends with. */
struct hw_exception hw_vmx_take_exit(struct hw_cpu *cpu);

/* The second-stage walk of gpa without caches or side effects, as
 * hw_ept_ref would do it for why (the reference for differential tests):
 * true with *hpa, or false with *exit what the exit would say. */
bool hw_ept_translate_nocache(const struct hw_cpu *cpu, uint64_t gpa, enum hw_ref why, uint64_t *hpa,
			      struct hw_vmexit *exit);

#endif
