/* hw/trace.c — events as lines of text, for the explain mode. */
#include "hw/trace.h"

#include "common.h"
#include "hw/coherence.h"
#include "hw/mem.h"
#include "hw/pte.h"
#include "hw/ept.h"
#include "hw/seg.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>

static const char *const kind_names[HW_NR_ACCESS] = { "read", "write", "fetch" };
static const char *const priv_names[HW_NR_PRIV] = { "supervisor", "user", "implicit supervisor" };
static const char *const tlb_titles[HW_NR_TLBS] = {
	"L1 iTLB-4K", "L1 iTLB-2M", "L1 dTLB-4K", "L1 dTLB-2M", "L1 dTLB-1G", "STLB", "STLB-1G",
};
static const char *const pwc_titles[HW_NR_PWCS] = {
	"PDE cache", "PDPTE cache", "PML4E cache", "PML5E cache",
};
static const char *const inv_names[] = {
	"INVLPG", "INVPCID type 0 (address)", "INVPCID type 1 (PCID)",
	"INVPCID type 2 (all, with globals)", "INVPCID type 3 (all but globals)",
	"MOV to CR3", "MOV to CR4", "#PF",
};

/* "PDPT" or "PDPT/pud": the SDM's name with Linux's beside it. */
static void level_names(const struct hw_event *ev, int level, char *buf, size_t len)
{
	snprintf(buf, len, "%s/%s", hw_level_name(level), hw_level_linux_name(level, ev->paging_levels));
}

/* Where a rule found its bit: "at PDPT", or "in the cached entry". */
static void where(int level, char *buf, size_t len)
{
	if (level > 0)
		snprintf(buf, len, "at %s", hw_level_name(level));
	else
		snprintf(buf, len, "in the cached entry");
}

/* See trace.h. */
int hw_rule_format(enum hw_rule rule, int level, unsigned pkey, char *buf, size_t len)
{
	static const char *const text[HW_NR_RULES] = {
		[HW_RULE_ALLOWED] = "allowed",
		[HW_RULE_NONCANONICAL] = "non-canonical address",
		[HW_RULE_NOT_PRESENT] = "P=0 %s: no translation",
		[HW_RULE_RSVD] = "reserved bit set %s",
		[HW_RULE_US] = "U/S=0 %s forbids user access",
		[HW_RULE_RW] = "R/W=0 %s forbids a user write",
		[HW_RULE_WP] = "CR0.WP=1 forbids supervisor write to read-only page (R/W=0 %s)",
		[HW_RULE_XD] = "XD set %s forbids instruction fetch",
		[HW_RULE_SMEP] = "SMEP: supervisor instruction fetch from a user page",
		[HW_RULE_SMAP] = "SMAP: supervisor data access to user page with RFLAGS.AC=0",
		[HW_RULE_SMAP_IMPLICIT] = "SMAP: implicit supervisor access to a user page",
		[HW_RULE_PK_AD] = "PKRU.AD for key %u forbids data access",
		[HW_RULE_PK_WD] = "PKRU.WD for key %u forbids the write",
		[HW_RULE_CLEAN] = "D=0 %s: the write walks to set the dirty flag",
		[HW_RULE_STALE] = "the cached entry forbids it: the core walks again before faulting",
		[HW_RULE_GP_CPL] = "privileged instruction at CPL 3",
		[HW_RULE_GP_RESERVED] = "reserved bit set in the new register value",
		[HW_RULE_GP_PG] = "paging cannot be turned off in 64-bit mode",
		[HW_RULE_GP_CACHE] = "CR0.NW=1 with CR0.CD=0 is invalid",
		[HW_RULE_GP_PAE] = "CR4.PAE cannot be cleared in IA-32e mode",
		[HW_RULE_GP_LA57] = "CR4.LA57 cannot change in IA-32e mode",
		[HW_RULE_GP_PCIDE] = "CR4.PCIDE=1 needs CR3[11:0]=0",
		[HW_RULE_GP_LME] = "EFER.LME cannot change while paging is on",
		[HW_RULE_GP_INVPCID] = "bad INVPCID type, PCID or address",
		[HW_RULE_UD_PKE] = "WRPKRU needs CR4.PKE=1",
		[HW_RULE_UD_FEATURE] = "the machine does not implement this instruction",
		[HW_RULE_BAD_ARG] = "access kind or privilege out of range",
		[HW_RULE_SEG_LIMIT] = "the offset is outside the segment's limit",
		[HW_RULE_SEG_UNUSABLE] = "the segment register holds a null selector",
		[HW_RULE_SEG_READ_ONLY] = "the segment is not writable",
		[HW_RULE_SEG_EXEC_ONLY] = "the code segment is execute-only",
		[HW_RULE_SEG_NOT_CODE] = "instruction fetch from a data segment",
		[HW_RULE_SEG_NONCANONICAL] = "base + offset is not canonical",
		[HW_RULE_SEG_SEL_LIMIT] = "the selector's index is beyond the table's limit",
		[HW_RULE_SEG_NO_LDT] = "TI=1 but no LDT is loaded",
		[HW_RULE_SEG_NULL] = "null selector",
		[HW_RULE_SEG_DESC_TYPE] = "the descriptor's type does not fit",
		[HW_RULE_SEG_PRIV] = "DPL, RPL and CPL do not allow it",
		[HW_RULE_SEG_NOT_PRESENT] = "P=0 in the descriptor",
		[HW_RULE_SEG_BAD_BASE] = "non-canonical base",
		[HW_RULE_GP_MSR] = "no such MSR",
		[HW_RULE_GP_IRET] = "IRET with no exception frame",
		[HW_RULE_UD_FSGSBASE] = "the instruction needs CR4.FSGSBASE=1",
		[HW_RULE_UD_MODE] = "the instruction exists only in 64-bit mode",
		[HW_RULE_UD_SCE] = "SYSCALL/SYSRET need EFER.SCE=1",
	};
	char at[32];
	if ((unsigned)rule >= HW_NR_RULES)
		return snprintf(buf, len, "rule %d", (int)rule);
	if (rule == HW_RULE_PK_AD || rule == HW_RULE_PK_WD)
		return snprintf(buf, len, text[rule], pkey);
	where(level, at, sizeof at);
	return snprintf(buf, len, text[rule], at);
}

/* "#PF error 0x6 (W U) CR2=0x..." or "#GP(0)". */
static int format_fault(const struct hw_event *ev, char *buf, size_t len)
{
	char why[96];
	const struct hw_exception *e = &ev->exc;
	hw_rule_format((enum hw_rule)ev->rule, ev->rule_level, ev->pkey, why, sizeof why);
	if (e->vector == HW_EXC_UD)
		return snprintf(buf, len, "  #UD: %s", why);
	if (e->vector != HW_EXC_PF)
		return snprintf(buf, len, "  #%s(%s%" PRIx32 "): %s", e->vector == HW_EXC_GP ? "GP" : e->vector == HW_EXC_SS ? "SS"
				: e->vector == HW_EXC_NP ? "NP" : "?", e->error_code ? "0x" : "", e->error_code, why);
	char bits[32] = "";
	if (ev->value)
		snprintf(bits, sizeof bits, ", bits 0x%" PRIx64, ev->value);
	return snprintf(buf, len, "  #PF error 0x%" PRIx32 " (%s%s%s%s%s%s) CR2=0x%" PRIx64 ": %s%s",
			e->error_code, e->error_code & HW_PF_P ? "P" : "not-present",
			e->error_code & HW_PF_W ? " W" : " R", e->error_code & HW_PF_U ? " U" : " S",
			e->error_code & HW_PF_RSVD ? " RSVD" : "", e->error_code & HW_PF_I ? " I" : "",
			e->error_code & HW_PF_PK ? " PK" : "", e->cr2, why, bits);
}

/* One walk step: level names, index, entry address, value, decoded. */
static int format_step(const struct hw_event *ev, char *buf, size_t len)
{
	char names[24], text[96];
	level_names(ev, ev->level, names, sizeof names);
	hw_pte_describe(ev->value, ev->level, text, sizeof text);
	return snprintf(buf, len, "  walk %s[%u] @0x%" PRIx64 " = 0x%016" PRIx64 "  %s",
			names, ev->index, ev->entry_pa, ev->value, text);
}

/* An invalidation: what did it and what it dropped. */
static int format_inv(const struct hw_event *ev, char *buf, size_t len)
{
	const char *name = ev->op < ARRAY_SIZE(inv_names) ? inv_names[ev->op] : "?";
	return snprintf(buf, len, "cpu%d: %s va=0x%" PRIx64 " pcid=%u: %u TLB and %" PRIu64
			" paging-structure-cache entries dropped",
			ev->cpu, name, ev->va, ev->pcid, ev->count, ev->old);
}

/* A permission decision: the rule that denied, or what the page allows. */
static int format_perm(const struct hw_event *ev, char *buf, size_t len)
{
	char why[96];
	unsigned a = (unsigned)ev->value;
	if (ev->rule == HW_RULE_ALLOWED)
		return snprintf(buf, len, "  allowed: %s %s of a %s page (%s%s)",
				ev->priv < HW_NR_PRIV ? priv_names[ev->priv] : "?",
				ev->kind < HW_NR_ACCESS ? kind_names[ev->kind] : "?",
				a & HW_R_U ? "user" : "supervisor",
				a & HW_R_W ? "writable at every level" : "read-only",
				a & HW_R_XD ? ", execute-disabled" : "");
	hw_rule_format((enum hw_rule)ev->rule, ev->rule_level, ev->pkey, why, sizeof why);
	if (ev->rule == HW_RULE_CLEAN || ev->rule == HW_RULE_STALE)
		return snprintf(buf, len, "  %s", why);
	return snprintf(buf, len, "  denied: %s", why);
}

/* "fs:0x28 -> linear 0x7ffff7d86768" with the base and what the mode
 * checks (hw/seg.h). */
static int format_seg(const struct hw_event *ev, char *buf, size_t len)
{
	const char *r = hw_sreg_name((enum hw_sreg)ev->tlb);
	if (ev->hit)
		return snprintf(buf, len, "cpu%d: segment %s:0x%" PRIx64 " -> linear 0x%" PRIx64 " (64-bit mode: %s; "
				"no limit)", ev->cpu, r, ev->va, ev->value, ev->tlb == HW_FS || ev->tlb == HW_GS
				? "base added" : "base taken as 0");
	char kind[96];
	hw_desc_describe((uint32_t)ev->count, kind, sizeof kind);
	return snprintf(buf, len, "cpu%d: segment %s:0x%" PRIx64 " -> linear 0x%" PRIx64 " (compatibility mode: "
			"selector 0x%x, base 0x%" PRIx64 ", limit 0x%" PRIx64 ", %s)", ev->cpu, r, ev->va, ev->value,
			ev->index, ev->entry_pa, ev->old, kind);
}

/* A segment register loaded from a descriptor. */
static int format_seg_load(const struct hw_event *ev, char *buf, size_t len)
{
	char kind[96];
	hw_desc_describe((uint32_t)ev->count, kind, sizeof kind);
	return snprintf(buf, len, "  %s = 0x%x: descriptor at 0x%" PRIx64 ": base 0x%" PRIx64 ", limit 0x%" PRIx64
			", %s", ev->tlb < HW_NR_SREGS ? hw_sreg_name((enum hw_sreg)ev->tlb) : "ldtr", ev->index,
			ev->entry_pa, ev->value, ev->old, kind);
}

/* A second-stage walk (hw/ept.h). */
static int format_ept(const struct hw_event *ev, char *buf, size_t len)
{
	static const char *const refs[] = { "page-walk entry", "A/D update", "load", "store", "fetch", "peek" };
	const char *st = ev->kind == HW_VIRT_NPT ? "NPT" : "EPT", *why = ev->op < ARRAY_SIZE(refs) ? refs[ev->op] : "?";
	if (ev->hit)
		return snprintf(buf, len, "    %s walk (%s): guest-physical 0x%" PRIx64 " -> host-physical 0x%" PRIx64
				" (%u KiB page, %u reference%s)", st, why, ev->va, ev->value, (1u << ev->page_shift) >> 10,
				ev->count, ev->count == 1 ? "" : "s");
	return snprintf(buf, len, "    %s walk (%s): guest-physical 0x%" PRIx64 " stops at level %d, entry 0x%016"
			PRIx64 " (%u reference%s)", st, why, ev->va, ev->level, ev->old, ev->count,
			ev->count == 1 ? "" : "s");
}

/* VM entry, exit, INVEPT, INVVPID (hw/ept.h). */
static int format_vmx(const struct hw_event *ev, char *buf, size_t len)
{
	const char *st = ev->kind == HW_VIRT_NPT ? "nCR3" : "EPTP";
	switch (ev->op) {
	case 0:
		return snprintf(buf, len, "cpu%d: VM entry: %s 0x%" PRIx64 ", VPID %u (TLB tag 0x%x), guest CR3 0x%"
				PRIx64, ev->cpu, st, ev->old, ev->count, ev->pcid, ev->value);
	case 1:
		if (ev->count == HW_EXIT_EPT_VIOLATION || ev->count == HW_EXIT_NPF)
			return snprintf(buf, len, "cpu%d: VM exit: %s, %s 0x%" PRIx64 ", guest-physical 0x%" PRIx64
					", guest linear 0x%" PRIx64 ", level %d entry 0x%" PRIx64, ev->cpu,
					ev->count == HW_EXIT_NPF ? "#NPF" : "EPT violation",
					ev->count == HW_EXIT_NPF ? "EXITINFO1" : "qualification", ev->value, ev->va,
					ev->old, ev->level, ev->entry_pa);
		if (ev->count == HW_EXIT_EPT_MISCONFIG)
			return snprintf(buf, len, "cpu%d: VM exit: EPT misconfiguration, guest-physical 0x%" PRIx64
					", level %d entry 0x%" PRIx64, ev->cpu, ev->va, ev->level, ev->entry_pa);
		if (ev->count == HW_EXIT_VMCALL)
			return snprintf(buf, len, "cpu%d: VM exit: VMCALL (the guest hands the core back)", ev->cpu);
		return snprintf(buf, len, "cpu%d: VM exit: reason %u", ev->cpu, ev->count);
	case 2:
		return snprintf(buf, len, "cpu%d: INVEPT type %u (EPTP 0x%" PRIx64 "): %" PRIu64
				" guest-physical mappings dropped", ev->cpu, ev->count, ev->value, ev->old);
	default:
		return snprintf(buf, len, "cpu%d: INVVPID type %u, VPID %u, address 0x%" PRIx64, ev->cpu, ev->count,
				ev->pcid, ev->va);
	}
}

/* An access starting. */
static int format_access(const struct hw_event *ev, char *buf, size_t len)
{
	return snprintf(buf, len, "cpu%d: %s %s 0x%016" PRIx64, ev->cpu,
			ev->priv < HW_NR_PRIV ? priv_names[ev->priv] : "?",
			ev->kind < HW_NR_ACCESS ? kind_names[ev->kind] : "?", ev->va);
}

/* ---- the memory hierarchy ---------------------------------------------------- */

static const char *const ref_names[] = { "walk read", "A/D write", "load", "store", "fetch", "peek" };
static const char *const cache_titles[HW_NR_CACHES] = { "L1d", "L1i", "L2", "L3" };

/* Append like snprintf at *at of buf (len), keeping the count in bounds. */
static void add(char *buf, size_t len, size_t *at, const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static void add(char *buf, size_t len, size_t *at, const char *fmt, ...)
{
	va_list ap;
	if (*at >= len)
		return;
	va_start(ap, fmt);
	int n = vsnprintf(buf + *at, len - *at, fmt, ap);
	va_end(ap);
	if (n > 0)
		*at += (size_t)n;
}

/* "cpu1, cpu3" for the cores of mask. */
static void add_cores(char *buf, size_t len, size_t *at, uint64_t mask)
{
	for (bool first = true; mask; mask &= mask - 1, first = false)
		add(buf, len, at, "%scpu%d", first ? "" : ", ", __builtin_ctzll(mask));
}

/* The levels of mask, deepest first ("L3, L2, L1d"). */
static void add_levels(char *buf, size_t len, size_t *at, unsigned mask)
{
	bool first = true;
	for (int i = HW_NR_CACHES - 1; i >= 0; i--)
		if (mask & (1u << i)) {
			add(buf, len, at, "%s%s", first ? "" : ", ", cache_titles[i]);
			first = false;
		}
}

static const char *const dram_outcomes[] = { "row hit, tCAS", "row miss, tRCD+tCAS",
					     "row conflict, tRP+tRCD+tCAS" };

/* Where a reference found its line, after the misses. */
static void add_source(char *buf, size_t len, size_t *at, const struct hw_mem_trace *t)
{
	static const char *const hits[] = { [HW_AT_L1D] = "L1d", [HW_AT_L1I] = "L1i", [HW_AT_L2] = "L2",
					    [HW_AT_L3] = "L3" };
	switch (t->where) {
	case HW_AT_L1D: case HW_AT_L1I: case HW_AT_L2: case HW_AT_L3:
		add(buf, len, at, "%s hit (%s)", hits[t->where], hw_line_state_name(t->before));
		break;
	case HW_AT_C2C: case HW_AT_REMOTE:
		add(buf, len, at, "cpu%d's caches supply it (%s cache-to-cache transfer; cpu%d %s -> %s)", t->from,
		    t->where == HW_AT_C2C ? "same-L3" : "cross-L3", t->from, hw_line_state_name(t->from_before),
		    hw_line_state_name(t->from_after));
		break;
	default:
		add(buf, len, at, "from memory");
		if (t->node >= 0)
			add(buf, len, at, " of node %d", t->node);
		if (t->dram_outcome < HW_ROW_NONE)
			add(buf, len, at, " (DRAM channel %" PRIu32 " rank %" PRIu32 " bank %" PRIu32 " row %#" PRIx64
			    ": %s)", t->dram.channel, t->dram.rank, t->dram.bank, t->dram.row,
			    dram_outcomes[t->dram_outcome]);
	}
}

/* One reference through the caches, e.g. "store line 0xfdfc000: L1d miss,
 * L2 miss, L3 miss; read from memory, 120 cycles; filled in L3, L2, L1d
 * in state M". */
static int format_mem(const struct hw_event *ev, char *buf, size_t len)
{
	static const char *const to[] = { "dropped", "written back to L3", "written back to memory", "moved to L3" };
	const struct hw_mem_trace *t = ev->mem;
	size_t at = 0;
	if (!t)
		return snprintf(buf, len, "  memory reference");
	add(buf, len, &at, "  %s line 0x%" PRIx64 ": ", t->why < ARRAY_SIZE(ref_names) ? ref_names[t->why] : "?",
	    t->line);
	for (unsigned m = t->missed; m; m &= m - 1)
		add(buf, len, &at, "%s miss%s", cache_titles[__builtin_ctz(m)], m & (m - 1) ? ", " : "; ");
	add_source(buf, len, &at, t);
	add(buf, len, &at, ": %" PRIu32 " cycles", t->cycles);
	if (t->filled) {
		add(buf, len, &at, "; filled in ");
		add_levels(buf, len, &at, t->filled);
		add(buf, len, &at, " in state %s", hw_line_state_name(t->upgrade ? HW_LS_M : t->state));
	}
	if (t->upgrade)
		add(buf, len, &at, "; upgrade %s -> M", hw_line_state_name(t->before));
	else if (!t->filled && t->state != t->before)
		add(buf, len, &at, "; %s -> %s", hw_line_state_name(t->before), hw_line_state_name(t->state));
	if (t->invalidated) {
		add(buf, len, &at, "; invalidates the copy of ");
		add_cores(buf, len, &at, t->invalidated);
	}
	if (t->downgraded & ~(t->from >= 0 ? 1ULL << t->from : 0)) {
		add(buf, len, &at, "; shared by ");
		add_cores(buf, len, &at, t->downgraded & ~(t->from >= 0 ? 1ULL << t->from : 0));
	}
	for (unsigned i = 0; i < t->nvict; i++)
		add(buf, len, &at, "; evicts line 0x%" PRIx64 " (%s) from %s: %s", t->vict[i].line,
		    hw_line_state_name(t->vict[i].state), cache_titles[t->vict[i].cache], to[t->vict[i].to & 3]);
	return (int)at;
}

/* The store buffer: "store of 4 bytes (0x2a) at 0xfdfc010 placed in the
 * store buffer (1 of 104 entries)", "... drained to the L1d", "load of ...
 * forwarded from the store buffer", "MFENCE: drains 2 stores". */
static int format_sb(const struct hw_event *ev, char *buf, size_t len)
{
	switch (ev->op) {
	case HW_SB_BUFFERED:
		return snprintf(buf, len, "  store of %" PRIu32 " byte%s (%#" PRIx64 ") at %#" PRIx64
				" placed in the store buffer (%u of %" PRIu64 " entries); not yet visible to other cores",
				ev->count, ev->count == 1 ? "" : "s", ev->value, ev->entry_pa, ev->index, ev->old);
	case HW_SB_FORWARDED:
		return snprintf(buf, len, "  load: %" PRIu32 " byte%s at %#" PRIx64 " (%#" PRIx64
				") forwarded from this core's store buffer", ev->count, ev->count == 1 ? "" : "s",
				ev->entry_pa, ev->value);
	case HW_SB_DRAINED:
		return snprintf(buf, len, "  store buffer drains its oldest store: %" PRIu32 " byte%s (%#" PRIx64
				") at %#" PRIx64 " merged into the L1d line (%u left)", ev->count,
				ev->count == 1 ? "" : "s", ev->value, ev->entry_pa, ev->index);
	case HW_SB_THROUGH:
		return snprintf(buf, len, "  store of %" PRIu32 " byte%s at %#" PRIx64 " placed in the store buffer "
				"(%" PRIu64 " entries) and drained at once into the L1d line:", ev->count,
				ev->count == 1 ? "" : "s", ev->entry_pa, ev->old);
	case HW_SB_FENCE:
		return snprintf(buf, len, "  MFENCE: the store buffer drains (%u store%s)", ev->index,
				ev->index == 1 ? "" : "s");
	}
	return snprintf(buf, len, "  store buffer");
}

/* See trace.h. */
int hw_event_format(const struct hw_event *ev, char *buf, size_t len)
{
	char names[24];
	switch (ev->type) {
	case HW_EV_ACCESS:
		return format_access(ev, buf, len);
	case HW_EV_TLB_PROBE:
		return snprintf(buf, len, "  %s %s", ev->tlb < HW_NR_TLBS ? tlb_titles[ev->tlb] : "?",
				ev->hit ? "hit" : "miss");
	case HW_EV_TLB_FILL:
		return snprintf(buf, len, "  fill %s: page 0x%" PRIx64 " (%u KiB)%s",
				ev->tlb < HW_NR_TLBS ? tlb_titles[ev->tlb] : "?", ev->value,
				(1u << ev->page_shift) >> 10, ev->count ? ", evicting an entry" : "");
	case HW_EV_PWC_HIT:
		level_names(ev, ev->level - 1, names, sizeof names);
		return snprintf(buf, len, "  %s hit: walk starts at the %s at 0x%" PRIx64,
				ev->tlb < HW_NR_PWCS ? pwc_titles[ev->tlb] : "?", names, ev->value);
	case HW_EV_WALK_STEP:
		return format_step(ev, buf, len);
	case HW_EV_AD_SET:
		return snprintf(buf, len, "  set %s in %s @0x%" PRIx64 ": 0x%" PRIx64 " -> 0x%" PRIx64,
				(ev->value & ~ev->old & HW_PTE_D) ? "A D" : "A", hw_level_entry_name(ev->level),
				ev->entry_pa, ev->old, ev->value);
	case HW_EV_PERM:
		return format_perm(ev, buf, len);
	case HW_EV_FAULT:
		return format_fault(ev, buf, len);
	case HW_EV_DONE:
		return snprintf(buf, len, "  -> physical 0x%" PRIx64 " (%u KiB page)", ev->value,
				(1u << ev->page_shift) >> 10);
	case HW_EV_INVALIDATE:
		return format_inv(ev, buf, len);
	case HW_EV_SEG:
		return format_seg(ev, buf, len);
	case HW_EV_SEG_LOAD:
		return format_seg_load(ev, buf, len);
	case HW_EV_EPT:
		return format_ept(ev, buf, len);
	case HW_EV_VMX:
		return format_vmx(ev, buf, len);
	case HW_EV_MEM:
		return format_mem(ev, buf, len);
	case HW_EV_SB:
		return format_sb(ev, buf, len);
	}
	return snprintf(buf, len, "event %d", (int)ev->type);
}

/* See trace.h. */
const char *hw_tlb_title(int id)
{
	return (unsigned)id < HW_NR_TLBS ? tlb_titles[id] : "?";
}

/* See trace.h. */
const char *hw_pwc_title(int id)
{
	return (unsigned)id < HW_NR_PWCS ? pwc_titles[id] : "?";
}
