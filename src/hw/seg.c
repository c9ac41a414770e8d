/*
 * hw/seg.c — segmentation (Intel SDM Vol. 3A ch. 3 and 5; Vol. 2 for
 * MOV Sreg, JMP FAR, LLDT, LGDT, SWAPGS, SYSCALL, SYSRET, IRET, the
 * FSGSBASE instructions). See seg.h for the model.
 */
#include "hw/seg.h"

#include "hw/internal.h"
#include "hw/translate.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#define FLAT_LIMIT 0xffffffffu

/* The hidden parts SYSCALL and SYSRET give CS and SS (SDM Vol. 2
 * SYSCALL, SYSRET): flat, accessed, with the ring's DPL. */
static uint32_t flat_code(unsigned dpl, bool to64)
{
	return HW_SEG_CODE | HW_SEG_READABLE | HW_SEG_ACCESSED | HW_SEG_S | dpl << HW_SEG_DPL_SHIFT | HW_SEG_P |
	       (to64 ? HW_SEG_L : HW_SEG_DB) | HW_SEG_G;
}

static uint32_t flat_data(unsigned dpl)
{
	return HW_SEG_WRITABLE | HW_SEG_ACCESSED | HW_SEG_S | dpl << HW_SEG_DPL_SHIFT | HW_SEG_P | HW_SEG_DB |
	       HW_SEG_G;
}

static unsigned attr_dpl(uint32_t attr)
{
	return (attr & HW_SEG_DPL) >> HW_SEG_DPL_SHIFT;
}

/* ---- descriptors ----------------------------------------------------------- */

/* See seg.h. */
uint64_t hw_desc_make(uint32_t base, uint32_t limit20, uint32_t attr)
{
	return (uint64_t)(limit20 & 0xffff) | (uint64_t)(base & 0xffffff) << 16 | (uint64_t)(attr & 0xff) << 40 |
	       (uint64_t)((limit20 >> 16) & 0xf) << 48 | (uint64_t)((attr >> 12) & 0xf) << 52 |
	       (uint64_t)(base >> 24) << 56;
}

/* See seg.h. */
void hw_desc_make_system(uint64_t base, uint32_t limit20, unsigned type, unsigned dpl, uint64_t out[2])
{
	out[0] = hw_desc_make((uint32_t)base, limit20, (type & 0xf) | (dpl & 3) << HW_SEG_DPL_SHIFT | HW_SEG_P);
	out[1] = base >> 32;
}

/* See seg.h. */
struct hw_desc hw_desc_decode(uint64_t lo, uint64_t hi, bool wide)
{
	struct hw_desc d;
	d.base = ((lo >> 16) & 0xffffff) | ((lo >> 56) & 0xff) << 24;
	d.limit20 = (uint32_t)((lo & 0xffff) | ((lo >> 48) & 0xf) << 16);
	d.attr = (uint32_t)(((lo >> 40) & 0xff) | ((lo >> 52) & 0xf) << 12);
	if (wide && !(d.attr & HW_SEG_S))
		d.base |= (hi & 0xffffffffULL) << 32;
	d.limit = (d.attr & HW_SEG_G) ? d.limit20 << 12 | 0xfff : d.limit20;
	return d;
}

/* See seg.h. */
int hw_desc_describe(uint32_t attr, char *buf, size_t len)
{
	static const char *const sys[16] = {
		[HW_SYS_LDT] = "LDT", [HW_SYS_TSS64] = "64-bit TSS (available)",
		[HW_SYS_TSS64_BUSY] = "64-bit TSS (busy)", [HW_SYS_CALL_GATE] = "call gate",
		[HW_SYS_INTR_GATE] = "interrupt gate", [HW_SYS_TRAP_GATE] = "trap gate",
	};
	unsigned type = attr & HW_SEG_TYPE, dpl = attr_dpl(attr);
	const char *p = (attr & HW_SEG_P) ? "present" : "not present";
	if (attr & HW_SEG_UNUSABLE)
		return snprintf(buf, len, "unusable (null selector)");
	if (!(attr & HW_SEG_S))
		return snprintf(buf, len, "%s, DPL %u, %s", sys[type] ? sys[type] : "reserved system type", dpl, p);
	if (type & HW_SEG_CODE)
		return snprintf(buf, len, "%s code%s%s, DPL %u, %s",
				(attr & HW_SEG_L) ? "64-bit" : (attr & HW_SEG_DB) ? "32-bit" : "16-bit",
				(type & HW_SEG_READABLE) ? ", readable" : ", execute-only",
				(type & HW_SEG_CONFORMING) ? ", conforming" : "", dpl, p);
	return snprintf(buf, len, "%s data, %s%s, DPL %u, %s", (attr & HW_SEG_DB) ? "32-bit" : "16-bit",
			(type & HW_SEG_WRITABLE) ? "read/write" : "read-only",
			(type & HW_SEG_EXPAND_DOWN) ? ", expand-down" : "", dpl, p);
}

/* See seg.h. */
const char *hw_sreg_name(enum hw_sreg r)
{
	static const char *const names[HW_NR_SREGS] = { "es", "cs", "ss", "ds", "fs", "gs" };
	return (unsigned)r < HW_NR_SREGS ? names[r] : "?";
}

/* ---- state ---------------------------------------------------------------- */

/* A flat segment of selector sel with access rights attr. */
static struct hw_segment flat(uint16_t sel, uint32_t attr)
{
	return (struct hw_segment){ .base = 0, .limit = FLAT_LIMIT, .attr = attr, .sel = sel };
}

/* A segment register loaded with null selector sel. */
static struct hw_segment null_seg(uint16_t sel)
{
	return (struct hw_segment){ .sel = sel, .attr = HW_SEG_UNUSABLE };
}

/* See seg.h. */
void hw_seg_reset(struct hw_seg_state *s)
{
	memset(s, 0, sizeof *s);
	s->sreg[HW_CS] = flat(0x10, flat_code(0, true));
	s->sreg[HW_SS] = flat(0x18, flat_data(0));
	s->sreg[HW_DS] = s->sreg[HW_ES] = s->sreg[HW_FS] = s->sreg[HW_GS] = null_seg(0);
	s->ldtr = null_seg(0);
}

/* Load CS (and the CPL with it: CS.RPL). */
static void set_cs(struct hw_cpu *cpu, struct hw_segment cs)
{
	cpu->seg.sreg[HW_CS] = cs;
	cpu->cpl = cs.sel & HW_SEL_RPL;
}

/* The kernel's flat CS and SS (SYSCALL, exceptions), and the user's
 * (SYSRET), from STAR; a kernel that has not written STAR gets Linux's
 * selectors. */
static void load_ring0(struct hw_cpu *cpu)
{
	uint16_t cs = (uint16_t)(cpu->seg.star >> 32) & 0xfffc;
	if (!cs)
		cs = 0x10;
	set_cs(cpu, flat(cs, flat_code(0, true)));
	cpu->seg.sreg[HW_SS] = flat((uint16_t)(cs + 8), flat_data(0));
}

static void load_ring3(struct hw_cpu *cpu, bool to64)
{
	uint16_t base = (uint16_t)(cpu->seg.star >> 48);
	if (!base)
		base = 0x23;                          /* Linux's __USER32_CS */
	set_cs(cpu, flat((uint16_t)((base + (to64 ? 16 : 0)) | 3), flat_code(3, to64)));
	cpu->seg.sreg[HW_SS] = flat((uint16_t)((base + 8) | 3), flat_data(3));
}

/* See cpu.h: the privilege change SYSCALL or SYSRET to 64-bit mode makes,
 * without their checks. */
void hw_set_cpl(struct hw_cpu *cpu, unsigned cpl)
{
	if (cpl)
		load_ring3(cpu, true);
	else
		load_ring0(cpu);
}

/* ---- faults -------------------------------------------------------------- */

/* Raise vector with error code for rule (an instruction's or an
 * address's fault): count, narrate, fill *exc. Returns vector. */
static int seg_raise(struct hw_cpu *cpu, int vector, uint32_t code, enum hw_rule rule,
		     struct hw_exception *exc)
{
	struct hw_exception e = { .vector = (uint8_t)vector, .error_code = code };
	if (vector == HW_EXC_GP)
		cpu->ctr.gp++;
	else if (vector == HW_EXC_SS)
		cpu->seg.ctr.ss++;
	else if (vector == HW_EXC_NP)
		cpu->seg.ctr.np++;
	else
		cpu->ctr.ud++;
	hw_emit(cpu, .type = HW_EV_FAULT, .exc = e, .rule = (uint8_t)rule);
	if (exc)
		*exc = e;
	return vector;
}

/* #GP(sel), #NP(sel) or #SS(sel): the error code is the selector without
 * its RPL (EXT = 0). */
static int sel_fault(struct hw_cpu *cpu, int vector, uint16_t sel, enum hw_rule rule, struct hw_exception *exc)
{
	return seg_raise(cpu, vector, sel & 0xfffcu, rule, exc);
}

/* ---- descriptor tables ------------------------------------------------------ */

/* A null selector: index 0 of the GDT, any RPL. */
static bool sel_null(uint16_t sel)
{
	return (sel & ~HW_SEL_RPL) == 0;
}

/* Read the descriptor sel names (8 bytes, or 16 when wide) from the GDT
 * or, TI=1, the LDT, as implicit supervisor reads: d and its linear
 * address *at. 0, #GP(sel) when the table cannot hold it, or the #PF of
 * the read. */
static int read_desc(struct hw_cpu *cpu, uint16_t sel, bool wide, uint64_t d[2], uint64_t *at,
		     struct hw_exception *exc)
{
	bool ldt = sel & HW_SEL_TI;
	uint64_t base = ldt ? cpu->seg.ldtr.base : cpu->seg.gdtr.base;
	uint64_t limit = ldt ? cpu->seg.ldtr.limit : cpu->seg.gdtr.limit;
	uint64_t off = sel & ~7u;
	if (ldt && (cpu->seg.ldtr.attr & HW_SEG_UNUSABLE))
		return sel_fault(cpu, HW_EXC_GP, sel, HW_RULE_SEG_NO_LDT, exc);
	if (off + (wide ? 15 : 7) > limit)
		return sel_fault(cpu, HW_EXC_GP, sel, HW_RULE_SEG_SEL_LIMIT, exc);
	struct hw_exception pf;
	d[1] = 0;
	*at = base + off;
	if (hw_access(cpu, *at, d, wide ? 16 : 8, HW_READ, HW_IMPLICIT, &pf)) {
		if (exc)
			*exc = pf;
		return pf.vector;
	}
	cpu->seg.ctr.desc_reads++;
	return 0;
}

/* Set the accessed flag of the code or data descriptor at linear address
 * at (in memory) unless d has it: a locked write of its type byte.
 * Returns 0 or the #PF of the write. */
static int set_accessed(struct hw_cpu *cpu, uint64_t at, const struct hw_desc *d, struct hw_exception *exc)
{
	if (d->attr & HW_SEG_ACCESSED)
		return 0;
	uint8_t type = (uint8_t)(d->attr & 0xff) | HW_SEG_ACCESSED;
	struct hw_exception pf;
	if (hw_access(cpu, at + 5, &type, 1, HW_WRITE, HW_IMPLICIT, &pf)) {
		if (exc)
			*exc = pf;
		return pf.vector;
	}
	cpu->seg.ctr.accessed_sets++;
	return 0;
}

/* Put descriptor d of sel (read at at) into register *reg (index r for
 * narration; HW_NR_SREGS for LDTR), accessed. */
static void load_desc(struct hw_cpu *cpu, struct hw_segment *reg, int r, uint16_t sel, const struct hw_desc *d,
		      uint64_t at)
{
	*reg = (struct hw_segment){ .base = d->base, .limit = d->limit, .attr = d->attr | HW_SEG_ACCESSED,
				    .sel = sel };
	if (!(d->attr & HW_SEG_S))
		reg->attr = d->attr;
	cpu->seg.ctr.loads++;
	hw_emit(cpu, .type = HW_EV_SEG_LOAD, .tlb = (uint8_t)r, .index = sel, .entry_pa = at, .value = reg->base,
		.old = reg->limit, .count = reg->attr);
}

/* ---- instructions --------------------------------------------------------- */

/* See seg.h. */
int hw_lgdt(struct hw_cpu *cpu, uint64_t base, uint16_t limit, struct hw_exception *exc)
{
	if (cpu->cpl)
		return seg_raise(cpu, HW_EXC_GP, 0, HW_RULE_GP_CPL, exc);
	if (!hw_canonical(cpu, base))
		return seg_raise(cpu, HW_EXC_GP, 0, HW_RULE_SEG_BAD_BASE, exc);
	cpu->seg.gdtr = (struct hw_dtr){ base, limit };
	return 0;
}

/* See seg.h. Bits 12:8 of the upper half's second dword (its type field)
 * must be zero (SDM §7.2.3). */
int hw_lldt(struct hw_cpu *cpu, uint16_t sel, struct hw_exception *exc)
{
	uint64_t raw[2], at;
	if (cpu->cpl)
		return seg_raise(cpu, HW_EXC_GP, 0, HW_RULE_GP_CPL, exc);
	if (sel_null(sel)) {
		cpu->seg.ldtr = null_seg(sel);
		return 0;
	}
	if (sel & HW_SEL_TI)
		return sel_fault(cpu, HW_EXC_GP, sel, HW_RULE_SEG_DESC_TYPE, exc);
	int v = read_desc(cpu, sel, true, raw, &at, exc);
	if (v)
		return v;
	struct hw_desc d = hw_desc_decode(raw[0], raw[1], true);
	if ((d.attr & HW_SEG_S) || (d.attr & HW_SEG_TYPE) != HW_SYS_LDT || (raw[1] >> 40 & 0x1f))
		return sel_fault(cpu, HW_EXC_GP, sel, HW_RULE_SEG_DESC_TYPE, exc);
	if (!(d.attr & HW_SEG_P))
		return sel_fault(cpu, HW_EXC_NP, sel, HW_RULE_SEG_NOT_PRESENT, exc);
	if (!hw_canonical(cpu, d.base))
		return sel_fault(cpu, HW_EXC_GP, sel, HW_RULE_SEG_BAD_BASE, exc);
	load_desc(cpu, &cpu->seg.ldtr, HW_NR_SREGS, sel, &d, at);
	return 0;
}

/* MOV to SS with a null selector: allowed only in 64-bit mode below CPL
 * 3 with RPL = CPL. */
static int load_null_ss(struct hw_cpu *cpu, uint16_t sel, struct hw_exception *exc)
{
	if (!hw_seg_long_mode(&cpu->seg) || cpu->cpl == 3 || (sel & HW_SEL_RPL) != cpu->cpl)
		return seg_raise(cpu, HW_EXC_GP, 0, HW_RULE_SEG_NULL, exc);
	cpu->seg.sreg[HW_SS] = null_seg(sel);
	cpu->seg.sreg[HW_SS].attr |= cpu->cpl << HW_SEG_DPL_SHIFT;
	return 0;
}

/* The checks of MOV Sreg on descriptor d for register r: 0, or the rule
 * broken with *vector (#GP, or #NP/#SS for a missing segment). */
static enum hw_rule sreg_check(const struct hw_cpu *cpu, enum hw_sreg r, uint16_t sel, const struct hw_desc *d,
			       int *vector)
{
	unsigned rpl = sel & HW_SEL_RPL, dpl = attr_dpl(d->attr), type = d->attr & HW_SEG_TYPE;
	bool code = type & HW_SEG_CODE;
	*vector = HW_EXC_GP;
	if (!(d->attr & HW_SEG_S))
		return HW_RULE_SEG_DESC_TYPE;
	if (r == HW_SS) {
		if (code || !(type & HW_SEG_WRITABLE))
			return HW_RULE_SEG_DESC_TYPE;
		if (rpl != cpu->cpl || dpl != cpu->cpl)
			return HW_RULE_SEG_PRIV;
	} else {
		if (code && !(type & HW_SEG_READABLE))
			return HW_RULE_SEG_DESC_TYPE;
		if ((!code || !(type & HW_SEG_CONFORMING)) && (rpl > dpl || cpu->cpl > dpl))
			return HW_RULE_SEG_PRIV;
	}
	*vector = r == HW_SS ? HW_EXC_SS : HW_EXC_NP;
	return (d->attr & HW_SEG_P) ? HW_RULE_ALLOWED : HW_RULE_SEG_NOT_PRESENT;
}

/* See seg.h. */
int hw_load_sreg(struct hw_cpu *cpu, enum hw_sreg r, uint16_t sel, struct hw_exception *exc)
{
	uint64_t raw[2], at;
	int vector;
	if ((unsigned)r >= HW_NR_SREGS || r == HW_CS)
		return seg_raise(cpu, HW_EXC_UD, 0, HW_RULE_BAD_ARG, exc);
	if (sel_null(sel)) {
		if (r == HW_SS)
			return load_null_ss(cpu, sel, exc);
		cpu->seg.sreg[r] = null_seg(sel);
		return 0;
	}
	int v = read_desc(cpu, sel, false, raw, &at, exc);
	if (v)
		return v;
	struct hw_desc d = hw_desc_decode(raw[0], 0, false);
	enum hw_rule bad = sreg_check(cpu, r, sel, &d, &vector);
	if (bad != HW_RULE_ALLOWED)
		return sel_fault(cpu, vector, sel, bad, exc);
	if ((v = set_accessed(cpu, at, &d, exc)))
		return v;
	load_desc(cpu, &cpu->seg.sreg[r], r, sel, &d, at);
	return 0;
}

/* The rule JMP FAR breaks with code descriptor d of sel, or
 * HW_RULE_ALLOWED (*vector #NP for a missing segment). */
static enum hw_rule far_check(const struct hw_cpu *cpu, uint16_t sel, const struct hw_desc *d, int *vector)
{
	unsigned rpl = sel & HW_SEL_RPL, dpl = attr_dpl(d->attr);
	*vector = HW_EXC_GP;
	if (!(d->attr & HW_SEG_S) || !(d->attr & HW_SEG_CODE))
		return HW_RULE_SEG_DESC_TYPE;
	if ((d->attr & HW_SEG_CONFORMING) ? dpl > cpu->cpl : (rpl > cpu->cpl || dpl != cpu->cpl))
		return HW_RULE_SEG_PRIV;
	if ((d->attr & HW_SEG_L) && (d->attr & HW_SEG_DB))
		return HW_RULE_SEG_DESC_TYPE;
	*vector = HW_EXC_NP;
	return (d->attr & HW_SEG_P) ? HW_RULE_ALLOWED : HW_RULE_SEG_NOT_PRESENT;
}

/* See seg.h. Call gates (16-byte system descriptors) are not modelled:
 * they fail the code-segment check. */
int hw_far_jmp(struct hw_cpu *cpu, uint16_t sel, struct hw_exception *exc)
{
	uint64_t raw[2], at;
	int vector;
	if (sel_null(sel))
		return seg_raise(cpu, HW_EXC_GP, 0, HW_RULE_SEG_NULL, exc);
	int v = read_desc(cpu, sel, false, raw, &at, exc);
	if (v)
		return v;
	struct hw_desc d = hw_desc_decode(raw[0], 0, false);
	enum hw_rule bad = far_check(cpu, sel, &d, &vector);
	if (bad != HW_RULE_ALLOWED)
		return sel_fault(cpu, vector, sel, bad, exc);
	if ((v = set_accessed(cpu, at, &d, exc)))
		return v;
	uint16_t cs = (uint16_t)((sel & ~HW_SEL_RPL) | cpu->cpl);
	load_desc(cpu, &cpu->seg.sreg[HW_CS], HW_CS, cs, &d, at);
	return 0;
}

/* The register behind a base MSR, or NULL. */
static uint64_t *msr_slot(struct hw_cpu *cpu, uint32_t msr)
{
	switch (msr) {
	case HW_MSR_STAR:
		return &cpu->seg.star;
	case HW_MSR_FS_BASE:
		return &cpu->seg.sreg[HW_FS].base;
	case HW_MSR_GS_BASE:
		return &cpu->seg.sreg[HW_GS].base;
	case HW_MSR_KERNEL_GS_BASE:
		return &cpu->seg.kernel_gs_base;
	}
	return NULL;
}

/* See seg.h. */
int hw_wrmsr(struct hw_cpu *cpu, uint32_t msr, uint64_t value, struct hw_exception *exc)
{
	uint64_t *slot = msr_slot(cpu, msr);
	if (cpu->cpl)
		return seg_raise(cpu, HW_EXC_GP, 0, HW_RULE_GP_CPL, exc);
	if (!slot)
		return seg_raise(cpu, HW_EXC_GP, 0, HW_RULE_GP_MSR, exc);
	if (msr != HW_MSR_STAR && !hw_canonical(cpu, value))
		return seg_raise(cpu, HW_EXC_GP, 0, HW_RULE_SEG_BAD_BASE, exc);
	*slot = value;
	return 0;
}

/* See seg.h. */
int hw_rdmsr(struct hw_cpu *cpu, uint32_t msr, uint64_t *value, struct hw_exception *exc)
{
	uint64_t *slot = msr_slot(cpu, msr);
	if (cpu->cpl)
		return seg_raise(cpu, HW_EXC_GP, 0, HW_RULE_GP_CPL, exc);
	if (!slot)
		return seg_raise(cpu, HW_EXC_GP, 0, HW_RULE_GP_MSR, exc);
	*value = *slot;
	return 0;
}

/* The #UD conditions of the FSGSBASE instructions. */
static int fsgsbase_ud(struct hw_cpu *cpu, struct hw_exception *exc)
{
	if (!hw_seg_long_mode(&cpu->seg))
		return seg_raise(cpu, HW_EXC_UD, 0, HW_RULE_UD_MODE, exc);
	if (!(cpu->cr4 & HW_CR4_FSGSBASE))
		return seg_raise(cpu, HW_EXC_UD, 0, HW_RULE_UD_FSGSBASE, exc);
	return 0;
}

/* WRFSBASE or WRGSBASE into register r. */
static int wrbase(struct hw_cpu *cpu, enum hw_sreg r, uint64_t value, struct hw_exception *exc)
{
	int v = fsgsbase_ud(cpu, exc);
	if (v)
		return v;
	if (!hw_canonical(cpu, value))
		return seg_raise(cpu, HW_EXC_GP, 0, HW_RULE_SEG_BAD_BASE, exc);
	cpu->seg.sreg[r].base = value;
	return 0;
}

/* RDFSBASE or RDGSBASE of register r. */
static int rdbase(struct hw_cpu *cpu, enum hw_sreg r, uint64_t *value, struct hw_exception *exc)
{
	int v = fsgsbase_ud(cpu, exc);
	if (!v)
		*value = cpu->seg.sreg[r].base;
	return v;
}

/* See seg.h. */
int hw_wrfsbase(struct hw_cpu *cpu, uint64_t value, struct hw_exception *exc)
{
	return wrbase(cpu, HW_FS, value, exc);
}

int hw_wrgsbase(struct hw_cpu *cpu, uint64_t value, struct hw_exception *exc)
{
	return wrbase(cpu, HW_GS, value, exc);
}

int hw_rdfsbase(struct hw_cpu *cpu, uint64_t *value, struct hw_exception *exc)
{
	return rdbase(cpu, HW_FS, value, exc);
}

int hw_rdgsbase(struct hw_cpu *cpu, uint64_t *value, struct hw_exception *exc)
{
	return rdbase(cpu, HW_GS, value, exc);
}

/* See seg.h. */
int hw_swapgs(struct hw_cpu *cpu, struct hw_exception *exc)
{
	if (!hw_seg_long_mode(&cpu->seg))
		return seg_raise(cpu, HW_EXC_UD, 0, HW_RULE_UD_MODE, exc);
	if (cpu->cpl)
		return seg_raise(cpu, HW_EXC_GP, 0, HW_RULE_GP_CPL, exc);
	uint64_t user = cpu->seg.kernel_gs_base;
	cpu->seg.kernel_gs_base = cpu->seg.sreg[HW_GS].base;
	cpu->seg.sreg[HW_GS].base = user;
	cpu->seg.ctr.swapgs++;
	return 0;
}

/* See seg.h. */
int hw_syscall(struct hw_cpu *cpu, struct hw_exception *exc)
{
	if (!(cpu->efer & HW_EFER_SCE))
		return seg_raise(cpu, HW_EXC_UD, 0, HW_RULE_UD_SCE, exc);
	load_ring0(cpu);
	return 0;
}

/* See seg.h. */
int hw_sysret(struct hw_cpu *cpu, bool to64, struct hw_exception *exc)
{
	if (!(cpu->efer & HW_EFER_SCE))
		return seg_raise(cpu, HW_EXC_UD, 0, HW_RULE_UD_SCE, exc);
	if (cpu->cpl)
		return seg_raise(cpu, HW_EXC_GP, 0, HW_RULE_GP_CPL, exc);
	load_ring3(cpu, to64);
	return 0;
}

/* See seg.h. */
void hw_exception_entry(struct hw_cpu *cpu)
{
	cpu->seg.frame_cs = cpu->seg.sreg[HW_CS];
	cpu->seg.frame_ss = cpu->seg.sreg[HW_SS];
	cpu->seg.in_exception = true;
	load_ring0(cpu);
}

/* See seg.h. */
int hw_iret(struct hw_cpu *cpu, struct hw_exception *exc)
{
	if (!cpu->seg.in_exception)
		return seg_raise(cpu, HW_EXC_GP, 0, HW_RULE_GP_IRET, exc);
	cpu->seg.in_exception = false;
	set_cs(cpu, cpu->seg.frame_cs);
	cpu->seg.sreg[HW_SS] = cpu->seg.frame_ss;
	return 0;
}

/* The rule IRET to an outer privilege level breaks with code descriptor
 * cs of selector csel and data descriptor ss of ssel (SDM Vol. 2 IRET,
 * RETURN-TO-OUTER-PRIVILEGE-LEVEL), or HW_RULE_ALLOWED; *bad_sel and
 * *vector say which selector and exception. */
static enum hw_rule iret_check(const struct hw_cpu *cpu, uint16_t csel, const struct hw_desc *cs, uint16_t ssel,
			       const struct hw_desc *ss, uint16_t *bad_sel, int *vector)
{
	unsigned rpl = csel & HW_SEL_RPL, dpl = attr_dpl(cs->attr);
	*bad_sel = csel;
	*vector = HW_EXC_GP;
	if (!(cs->attr & HW_SEG_S) || !(cs->attr & HW_SEG_CODE) || ((cs->attr & HW_SEG_L) && (cs->attr & HW_SEG_DB)))
		return HW_RULE_SEG_DESC_TYPE;
	if (rpl < cpu->cpl || ((cs->attr & HW_SEG_CONFORMING) ? dpl > rpl : dpl != rpl))
		return HW_RULE_SEG_PRIV;
	if (!(cs->attr & HW_SEG_P)) {
		*vector = HW_EXC_NP;
		return HW_RULE_SEG_NOT_PRESENT;
	}
	*bad_sel = ssel;
	if (!(ss->attr & HW_SEG_S) || (ss->attr & HW_SEG_CODE) || !(ss->attr & HW_SEG_WRITABLE))
		return HW_RULE_SEG_DESC_TYPE;
	if ((ssel & HW_SEL_RPL) != rpl || attr_dpl(ss->attr) != rpl)
		return HW_RULE_SEG_PRIV;
	*vector = HW_EXC_SS;
	return (ss->attr & HW_SEG_P) ? HW_RULE_ALLOWED : HW_RULE_SEG_NOT_PRESENT;
}

/* See seg.h. */
int hw_iret_to(struct hw_cpu *cpu, uint16_t csel, uint16_t ssel, struct hw_exception *exc)
{
	uint64_t craw[2], sraw[2], cat, sat;
	uint16_t bad_sel;
	int vector, v;
	if (sel_null(csel) || sel_null(ssel))
		return seg_raise(cpu, HW_EXC_GP, 0, HW_RULE_SEG_NULL, exc);
	if ((v = read_desc(cpu, csel, false, craw, &cat, exc)) || (v = read_desc(cpu, ssel, false, sraw, &sat, exc)))
		return v;
	struct hw_desc cs = hw_desc_decode(craw[0], 0, false), ss = hw_desc_decode(sraw[0], 0, false);
	enum hw_rule bad = iret_check(cpu, csel, &cs, ssel, &ss, &bad_sel, &vector);
	if (bad != HW_RULE_ALLOWED)
		return sel_fault(cpu, vector, bad_sel, bad, exc);
	if ((v = set_accessed(cpu, cat, &cs, exc)) || (v = set_accessed(cpu, sat, &ss, exc)))
		return v;
	cpu->seg.in_exception = false;
	load_desc(cpu, &cpu->seg.sreg[HW_SS], HW_SS, ssel, &ss, sat);
	load_desc(cpu, &cpu->seg.sreg[HW_CS], HW_CS, csel, &cs, cat);
	cpu->cpl = csel & HW_SEL_RPL;
	return 0;
}

/* ---- addresses ---------------------------------------------------------------- */

/* The rule a compatibility-mode reference of kind to [off, last] in
 * segment s breaks, or HW_RULE_ALLOWED (SDM §5.3, §5.4.1). */
static enum hw_rule compat_check(const struct hw_segment *s, uint64_t off, uint64_t last, enum hw_access kind)
{
	unsigned type = s->attr & HW_SEG_TYPE;
	bool code = type & HW_SEG_CODE;
	if (s->attr & HW_SEG_UNUSABLE)
		return HW_RULE_SEG_UNUSABLE;
	if (kind == HW_WRITE && (code || !(type & HW_SEG_WRITABLE)))
		return HW_RULE_SEG_READ_ONLY;
	if (kind == HW_READ && code && !(type & HW_SEG_READABLE))
		return HW_RULE_SEG_EXEC_ONLY;
	if (kind == HW_FETCH && !code)
		return HW_RULE_SEG_NOT_CODE;
	if (!code && (type & HW_SEG_EXPAND_DOWN)) {
		uint64_t upper = (s->attr & HW_SEG_DB) ? 0xffffffffu : 0xffffu;
		return off > s->limit && last <= upper ? HW_RULE_ALLOWED : HW_RULE_SEG_LIMIT;
	}
	return last <= s->limit ? HW_RULE_ALLOWED : HW_RULE_SEG_LIMIT;
}

/* See seg.h. */
int hw_seg_linear(struct hw_cpu *cpu, enum hw_sreg r, uint64_t off, uint64_t len, enum hw_access kind, uint64_t *la,
		  struct hw_exception *exc)
{
	const struct hw_segment *s = &cpu->seg.sreg[r];
	int vector = r == HW_SS ? HW_EXC_SS : HW_EXC_GP;
	uint64_t base = s->base;
	enum hw_rule bad = HW_RULE_ALLOWED;
	if (hw_seg_long_mode(&cpu->seg)) {
		if (r != HW_FS && r != HW_GS)
			base = 0;
		*la = base + off;
		if (!hw_canonical(cpu, *la) || !hw_canonical(cpu, *la + len - 1))
			bad = HW_RULE_SEG_NONCANONICAL;
	} else {
		off &= 0xffffffffu;                   /* 32-bit address size */
		bad = compat_check(s, off, off + len - 1, kind);
		*la = (base + off) & 0xffffffffu;
	}
	hw_emit(cpu, .type = HW_EV_SEG, .tlb = (uint8_t)r, .index = s->sel, .va = off, .entry_pa = base,
		.value = *la, .old = s->limit, .count = s->attr, .kind = (uint8_t)kind,
		.hit = hw_seg_long_mode(&cpu->seg));
	if (bad != HW_RULE_ALLOWED)
		return seg_raise(cpu, vector, 0, bad, exc);
	return 0;
}

/* See seg.h. */
int hw_access_seg(struct hw_cpu *cpu, enum hw_sreg r, uint64_t off, void *buf, size_t len, enum hw_access kind,
		  enum hw_priv priv, struct hw_exception *exc)
{
	uint64_t la;
	if (!len || len > HW_ACCESS_MAX || (unsigned)r >= HW_NR_SREGS || (unsigned)kind >= HW_NR_ACCESS)
		return -EINVAL;
	if (hw_seg_linear(cpu, r, off, len, kind, &la, exc))
		return -EFAULT;
	uint64_t first = len;
	if (!hw_seg_long_mode(&cpu->seg) && la + len > (1ULL << 32))
		first = (1ULL << 32) - la;            /* wraps to linear 0 */
	int rc = hw_access(cpu, la, buf, first, kind, priv, exc);
	if (rc || first == len)
		return rc;
	return hw_access(cpu, 0, buf ? (uint8_t *)buf + first : NULL, len - first, kind, priv, exc);
}
