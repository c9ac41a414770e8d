/*
 * kernel/fault.h — page faults and user accesses (Linux:
 * arch/x86/mm/fault.c). See fault.c.
 */
#ifndef MMSIM_KERNEL_FAULT_H
#define MMSIM_KERNEL_FAULT_H

#include <stddef.h>
#include <stdint.h>

#include "hw/cpu.h"
#include "hw/seg_types.h"

struct kernel;
struct task_struct;

/*
 * Access len bytes at va as task t's code would: on t's core (switching to
 * t if another task runs there), in user mode, through the MMU; faults are
 * handled and the access retried, as on return from the exception. Returns
 * 0, -EFAULT when a fatal signal was raised (t->fatal says which; the caller
 * kills the process), or -ESRCH for a dead task. An access of 1, 2, 4 or 8
 * bytes is one instruction (a MOV): every page it touches is translated
 * before a byte moves, so a fatal fault on its second page leaves the first
 * unchanged. Any other length is a copy loop a page at a time: like a user
 * memcpy that faults midway, the bytes before the faulting page have been
 * moved. buf NULL touches: every effect of the access but moving bytes
 * (hw_access).
 */
int task_access(struct kernel *k, struct task_struct *t, uint64_t va, void *buf, uint64_t len,
		enum hw_access kind);

/* One access of a batch (task_access_batch): len bytes at addr, of kind
 * USER_REF_LOAD, _STORE, _FETCH or _MODIFY (a read-modify-write
 * instruction: translated once, for writing, as x86 does). tid is the
 * caller's and is not read. 16 bytes, the layout of struct mmsim_ref. */
struct user_ref {
	uint64_t addr;
	uint16_t len;
	uint8_t kind;
	uint8_t flags;
	uint32_t tid;
};
enum { USER_REF_LOAD, USER_REF_STORE, USER_REF_FETCH, USER_REF_MODIFY };

/* What one access of a batch needed (outcome[i]): the deepest structure
 * that translated it, plus USER_REF_FAULTED when it took page faults, plus
 * USER_REF_HUGE when a page larger than 4 KiB translated it (the
 * translation that completed it, after its faults). */
enum { USER_REF_L1_HIT = 0, USER_REF_L2_HIT = 1, USER_REF_WALK = 2, USER_REF_FAULTED = 4, USER_REF_HUGE = 8 };

/*
 * The touches refs[0..n-1] (no byte moves) by task t, one instruction
 * each, in order, as task_access would do them one by one but with one
 * switch to t's core and one update of its statistics; outcome (may be
 * NULL) gets each access's USER_REF_* code. Every len is 1 ..
 * HW_ACCESS_MAX and every kind valid (the caller checked). *done is the
 * number of accesses completed. Returns 0, -EFAULT (refs[*done] raised a
 * fatal signal: t->fatal), -ESRCH (t is dead), or -EIO (the kernel
 * panicked handling a fault).
 */
int task_access_batch(struct kernel *k, struct task_struct *t, const struct user_ref *refs, size_t n,
		      uint8_t *outcome, size_t *done);
/* The same through segment register sreg at offset off: the segment unit
 * adds the base (FS and GS in 64-bit mode, every segment in compatibility
 * mode) and checks what the mode checks; a #GP is a SIGSEGV, a #SS a
 * SIGBUS. A fetch goes through CS, data through any other register. (In
 * compatibility mode task_access itself uses DS, or CS for a fetch.)
 * Returns as task_access, or -EINVAL for a bad register. */
int task_access_seg(struct kernel *k, struct task_struct *t, enum hw_sreg sreg, uint64_t off, void *buf,
		    uint64_t len, enum hw_access kind);

/* t's user code loads selector sel into segment register sreg: MOV for
 * DS, ES, FS, GS, SS, a far JMP for CS (to a code segment of the same
 * privilege: __USER32_CS enters compatibility mode, __USER_CS leaves it).
 * A fault kills the process as Linux's signal does (#GP: SIGSEGV, #NP and
 * #SS: SIGBUS, with the selector as the error code). 0, -EFAULT (t->fatal
 * says which signal), -ESRCH, -EINVAL (bad register). */
int task_load_segment(struct kernel *k, struct task_struct *t, enum hw_sreg sreg, uint16_t sel);

/* A core of a guest kernel took a VM exit (HW_EXC_VMEXIT) in the middle
 * of an instruction: not an exception of the guest's, which never sees
 * it, but its hypervisor's (k->hypervisor), which handles it and enters
 * the guest again. 0: retry the instruction; -EIO: the hypervisor could
 * not resolve it (or there is none), and the guest has panicked. */
int vmexit_resume(struct kernel *k, int cpu);

/* v is what an instruction of the kernel on cpu returned (0 or a
 * vector): true when it is a guest's VM exit (HW_EXC_VMEXIT) its
 * hypervisor resolved (vmexit_resume), so the instruction is to be
 * executed again; false for anything else. */
bool vmexit_again(struct kernel *k, int cpu, int v);

#endif
