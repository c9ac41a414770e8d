/*
 * hw/seg.h — segmentation as an x86-64 core has it (Intel SDM Vol. 3A
 * ch. 3 and 5, §3.4.4 for IA-32e mode): descriptors, the descriptor-table
 * registers, the segment registers with their hidden parts, the MSRs of
 * the FS and GS bases, and the instructions that load them.
 *
 * A logical address is a segment register and an offset. The segment
 * unit turns it into a linear address (hw_seg_linear), which paging then
 * translates. In 64-bit mode (EFER.LMA=1, CS.L=1) the bases of CS, DS, ES
 * and SS count as 0 and no limit or type is checked; FS and GS add their
 * bases, which come from a descriptor when a selector is loaded or from
 * the FS_BASE/GS_BASE MSRs, WRFSBASE/WRGSBASE (CR4.FSGSBASE) and SWAPGS
 * (which exchanges GS_BASE with KERNEL_GS_BASE). The linear address must
 * then be canonical: #GP(0), or #SS(0) for a stack reference. In
 * compatibility mode (CS.L=0) segments work as in 32-bit protected mode:
 * base and limit apply, expand-down data segments too, the offset and the
 * linear address are 32 bits wide, and a reference outside the limit or
 * against the segment's type is #GP(0) (#SS(0) through SS).
 *
 * Descriptors live in simulated memory: the GDT at the linear address in
 * GDTR, the LDT at the base of the descriptor LLDT loaded. The core reads
 * them as implicit supervisor accesses through paging (so a GDT must be
 * mapped, as Linux maps it read-only in the cpu_entry_area), and sets a
 * descriptor's accessed flag in memory when it loads one without it.
 *
 * The privilege level is CS's RPL (cpu->cpl is a copy). The core enters
 * the kernel by SYSCALL (hw_syscall) or an exception (hw_exception_entry)
 * and returns by SYSRET (hw_sysret) or IRET (hw_iret); see those for what
 * they load. The instructions return 0 or the vector they raised, with
 * the exception (and its error code: the selector for #GP(sel), #NP(sel),
 * #SS(sel)) in *exc when exc is not NULL; a faulting instruction changes
 * no register (a descriptor's accessed flag may already be set).
 */
#ifndef MMSIM_HW_SEG_H
#define MMSIM_HW_SEG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hw/cpu.h"
#include "hw/seg_types.h"

/* ---- descriptors ---------------------------------------------------------- */

/* An 8-byte code/data (or the low half of a system) descriptor with base
 * bits 31:0, a 20-bit limit and the access rights attr (HW_SEG_*, bits
 * 0..15; the unusable bit is ignored). */
uint64_t hw_desc_make(uint32_t base, uint32_t limit20, uint32_t attr);

/* The two halves of a 16-byte system descriptor (LDT, TSS) of IA-32e mode:
 * a 64-bit base, a 20-bit limit, the type and DPL (present, S=0). */
void hw_desc_make_system(uint64_t base, uint32_t limit20, unsigned type, unsigned dpl, uint64_t out[2]);

/* A descriptor taken apart. */
struct hw_desc {
	uint64_t base;          /* bits 31:0, or 63:0 for a 16-byte system descriptor */
	uint32_t limit20;       /* as written */
	uint32_t limit;         /* in bytes - 1: scaled by G */
	uint32_t attr;          /* HW_SEG_* bits 0..15 */
};

/* Decode the descriptor whose low 8 bytes are lo; hi (the next 8 bytes)
 * is used only for a system descriptor (S=0) when wide (IA-32e mode
 * system descriptors are 16 bytes). */
struct hw_desc hw_desc_decode(uint64_t lo, uint64_t hi, bool wide);

/* "64-bit code, DPL 3, present" and the like: the kind of descriptor with
 * attributes attr (S, type, L, D/B, DPL), for views and narration. */
int hw_desc_describe(uint32_t attr, char *buf, size_t len);

/* The name of a segment register ("fs"), or "?". */
const char *hw_sreg_name(enum hw_sreg r);

/* ---- state -------------------------------------------------------------- */

/* True in 64-bit mode: IA-32e mode with a 64-bit code segment. */
static inline bool hw_seg_long_mode(const struct hw_seg_state *s)
{
	return s->sreg[HW_CS].attr & HW_SEG_L;
}

/* Put s in the state a 64-bit kernel is handed: CS a flat 64-bit ring-0
 * code segment (selector 0x10), SS flat data (0x18), DS, ES, FS, GS null,
 * an empty GDT and no LDT. */
void hw_seg_reset(struct hw_seg_state *s);

/* ---- instructions ---------------------------------------------------------
 * Each returns 0 or the vector it raised (exc, when not NULL, gets the
 * exception). */

/* LGDT: GDTR = base, limit. #GP(0) at CPL > 0 or for a non-canonical base. */
int hw_lgdt(struct hw_cpu *cpu, uint64_t base, uint16_t limit, struct hw_exception *exc);

/* LLDT sel: a null selector leaves LDTR unusable; otherwise the 16-byte
 * LDT descriptor at sel in the GDT (TI=0) is loaded: #GP(sel) for TI=1, an
 * index beyond the GDT's limit, another type, a non-canonical base or a
 * non-zero type in its upper half, #NP(sel) when not present; #GP(0) at
 * CPL > 0; #PF reading the GDT. */
int hw_lldt(struct hw_cpu *cpu, uint16_t sel, struct hw_exception *exc);

/* MOV Sreg (or POP Sreg) into ES, SS, DS, FS or GS (CS: #UD), with the
 * checks of SDM Vol. 2 MOV for protected and IA-32e mode: a null selector
 * loads an unusable segment (FS and GS bases become 0, as Intel cores do),
 * except into SS (#GP(0) unless 64-bit mode at CPL < 3 with RPL = CPL);
 * #GP(sel) for an index beyond its table's limit, TI=1 without an LDT, a
 * system descriptor, an execute-only code segment, a privilege mismatch
 * (data and non-conforming code need max(CPL, RPL) <= DPL; SS needs a
 * writable data segment with RPL = DPL = CPL); #NP(sel) (#SS(sel) for SS)
 * when not present; #PF reading the table. */
int hw_load_sreg(struct hw_cpu *cpu, enum hw_sreg r, uint16_t sel, struct hw_exception *exc);

/* JMP FAR to selector sel (the offset is not modelled): loads CS from a
 * code-segment descriptor at the same privilege, so a 64-bit task can
 * enter compatibility mode (a 32-bit code segment) and come back.
 * #GP(0) for a null selector; #GP(sel) beyond the table, for a non-code
 * descriptor, a non-conforming segment with RPL > CPL or DPL != CPL, a
 * conforming one with DPL > CPL, or L=1 with D=1; #NP(sel) when not
 * present; #PF reading the table. CS.RPL becomes CPL. */
int hw_far_jmp(struct hw_cpu *cpu, uint16_t sel, struct hw_exception *exc);

/* WRMSR to STAR, FS_BASE, GS_BASE or KERNEL_GS_BASE: #GP(0) at CPL > 0,
 * for another MSR (EFER has hw_wrmsr_efer) or a non-canonical base. */
int hw_wrmsr(struct hw_cpu *cpu, uint32_t msr, uint64_t value, struct hw_exception *exc);

/* RDMSR of the same MSRs into *value. */
int hw_rdmsr(struct hw_cpu *cpu, uint32_t msr, uint64_t *value, struct hw_exception *exc);

/* WRFSBASE, WRGSBASE, RDFSBASE, RDGSBASE: any CPL, but #UD outside
 * 64-bit mode or with CR4.FSGSBASE=0; the writes #GP(0) for a
 * non-canonical value. */
int hw_wrfsbase(struct hw_cpu *cpu, uint64_t value, struct hw_exception *exc);
int hw_wrgsbase(struct hw_cpu *cpu, uint64_t value, struct hw_exception *exc);
int hw_rdfsbase(struct hw_cpu *cpu, uint64_t *value, struct hw_exception *exc);
int hw_rdgsbase(struct hw_cpu *cpu, uint64_t *value, struct hw_exception *exc);

/* SWAPGS: exchange GS.base with KERNEL_GS_BASE. #UD outside 64-bit mode,
 * #GP(0) at CPL > 0. */
int hw_swapgs(struct hw_cpu *cpu, struct hw_exception *exc);

/* SYSCALL from user mode: CS = STAR[47:32] and SS = that + 8, with the
 * fixed flat ring-0 hidden parts SYSCALL gives them (no descriptor is
 * read); CPL 0. #UD when EFER.SCE=0. */
int hw_syscall(struct hw_cpu *cpu, struct hw_exception *exc);

/* SYSRET to 64-bit (to64) or compatibility mode: CS = STAR[63:48] + 16
 * (64-bit) or STAR[63:48] (32-bit), SS = STAR[63:48] + 8, both with RPL 3
 * and fixed flat ring-3 hidden parts; CPL 3. #UD when EFER.SCE=0, #GP(0)
 * at CPL > 0. */
int hw_sysret(struct hw_cpu *cpu, bool to64, struct hw_exception *exc);

/* Deliver an exception (or interrupt) to the kernel: the core pushes the
 * interrupted CS and SS (kept here as the frame), and loads the kernel's
 * CS and SS as a 64-bit interrupt gate with Linux's __KERNEL_CS does: the
 * selectors of STAR[47:32], flat, ring 0. The IDT and the kernel stack
 * are not modelled. */
void hw_exception_entry(struct hw_cpu *cpu);

/* IRET back to the frame exception entry saved: CS and SS as they were
 * (the simulator restores their hidden parts rather than reading their
 * descriptors again). Nothing to return to: #GP(0). */
int hw_iret(struct hw_cpu *cpu, struct hw_exception *exc);

/* IRET to an outer privilege level with the CS and SS selectors of the
 * frame the kernel built (as Linux's return to user mode with a CS other
 * than __USER_CS or __USER32_CS): both descriptors are read and checked
 * (code segment with RPL >= CPL, DPL = RPL, or <= RPL when conforming,
 * not L and D together; SS a writable data segment with RPL = DPL =
 * CS.RPL): #GP(0) for a null one, #GP(sel), #NP(cs), #SS(ss), #PF. The
 * nulling of DS, ES, FS, GS with a DPL below the new CPL is not
 * modelled. */
int hw_iret_to(struct hw_cpu *cpu, uint16_t cs, uint16_t ss, struct hw_exception *exc);

/* ---- addresses ----------------------------------------------------------- */

/* The linear address of offset off in segment r for an access of len
 * (>= 1) bytes of kind, with the checks above: *la, or the vector with
 * *exc (#GP(0), or #SS(0) through SS). Narrated when tracing. */
int hw_seg_linear(struct hw_cpu *cpu, enum hw_sreg r, uint64_t off, uint64_t len, enum hw_access kind, uint64_t *la,
		  struct hw_exception *exc);

/* Move len bytes (1 .. HW_ACCESS_MAX) between buf and logical address
 * r:off as priv, as hw_access does for a linear address (buf NULL
 * touches): the segment step, then the translation of every page before
 * a byte moves. In compatibility mode a range whose linear address wraps
 * past 4 GiB continues at linear 0, in a second hw_access (a fault there
 * leaves the first part moved). Returns 0, -EFAULT with *exc (the
 * segment's #GP/#SS, or the #PF), or -EINVAL for a bad length, register
 * or kind. */
int hw_access_seg(struct hw_cpu *cpu, enum hw_sreg r, uint64_t off, void *buf, size_t len, enum hw_access kind,
		  enum hw_priv priv, struct hw_exception *exc);

#endif
