/*
 * hw/ept.c — the second translation stage (EPT, NPT), VM entry and exit,
 * VPID tags, INVEPT and INVVPID. See hw/ept.h for the rules.
 */
#include "hw/ept.h"

#include "hw/internal.h"
#include "hw/pte.h"
#include "hw/trace.h"
#include "hw/translate.h"

#include <errno.h>

/* What a second-stage walk found. */
struct ewalk {
	int fault;              /* 0, HW_EXIT_EPT_VIOLATION, HW_EXIT_EPT_MISCONFIG or HW_EXIT_NPF */
	bool rsvd, present;     /* NPT: a reserved bit; the failing entry was present */
	uint64_t allowed;       /* HW_EPT_R/W/X allowed by every entry walked */
	int level;              /* the last level read */
	uint64_t entry;         /* its entry */
	uint64_t page;          /* host-physical base of the page */
	unsigned shift, refs;
	uint64_t entry_pa[5];   /* by level - 1 */
	bool leaf_dirty;
};

/* The second-stage access a reference makes: HW_EPT_R, W or X. With EPT
 * A/D flags on, reads of guest paging-structure entries count as writes
 * (SDM §29.3.3.2); nested paging always counts them as writes (APM
 * §15.25.5), so a read-only nested page under guest page tables faults. */
static uint64_t ref_access(const struct hw_vmx *v, enum hw_ref why)
{
	switch (why) {
	case HW_REF_WALK:
		return v->ad ? HW_EPT_W : HW_EPT_R;
	case HW_REF_WALK_AD:
	case HW_REF_STORE:
		return HW_EPT_W;
	case HW_REF_FETCH:
		return HW_EPT_X;
	default:
		return HW_EPT_R;
	}
}

/* The address bits at or above MAXPHYADDR in an entry's address field. */
static uint64_t high_addr_bits(const struct hw_cpu *cpu)
{
	return HW_PTE_ADDR_MASK & ~((1ULL << cpu->maxphyaddr) - 1);
}

/* True when present EPT entry e of level is a misconfiguration (SDM
 * §29.3.3.1); leaf: it maps a page. */
static bool ept_misconfigured(const struct hw_cpu *cpu, uint64_t e, int level, bool leaf)
{
	if ((e & (HW_EPT_R | HW_EPT_W)) == HW_EPT_W || (e & high_addr_bits(cpu)))
		return true;
	if (level >= 4)
		return (e & 0xF8) != 0;                    /* bits 7:3 */
	if (!leaf)
		return (e & 0x78) != 0;                    /* bits 6:3 */
	unsigned mt = (unsigned)((e & HW_EPT_MT_MASK) >> HW_EPT_MT_SHIFT);
	if (mt == 2 || mt == 3 || mt == 7)
		return true;
	return level > 1 && (e & HW_PTE_ADDR_MASK & ((1ULL << (12 + 9 * (level - 1))) - 1)) != 0;
}

/* NPT entry e of level: its reserved bits (APM §5.3.3 for long-mode
 * entries: address bits beyond MAXPHYADDR, PS at levels 4 and 5, a large
 * page's address bits below its size but the PAT bit). */
static bool npt_reserved(const struct hw_cpu *cpu, uint64_t e, int level, bool leaf)
{
	if (e & high_addr_bits(cpu))
		return true;
	if (level >= 4)
		return (e & HW_PTE_PS) != 0;
	return leaf && level > 1 &&
	       (e & HW_PTE_ADDR_MASK & ((1ULL << (12 + 9 * (level - 1))) - 1) & ~HW_PTE_PAT_LARGE) != 0;
}

/* What NPT entry e allows (every nested reference is a user access: U/S=0
 * allows nothing). */
static uint64_t npt_allowed(uint64_t e)
{
	if (!(e & HW_PTE_US))
		return 0;
	return HW_EPT_R | ((e & HW_PTE_RW) ? HW_EPT_W : 0) | ((e & HW_PTE_XD) ? 0 : HW_EPT_X);
}

/* One entry of the walk: 1 when it ends the walk (a leaf or a fault in
 * w->fault), 0 to go on with *table. */
static int ewalk_step(const struct hw_cpu *cpu, enum hw_virt mode, uint64_t gpa, int level, uint64_t *table,
		      struct ewalk *w)
{
	uint64_t pa = *table + 8 * ((gpa >> (12 + 9 * (level - 1))) & 511);
	uint64_t e = hw_phys_read64(cpu->ram, pa);
	w->refs++;
	w->level = level;
	w->entry = e;
	w->entry_pa[level - 1] = pa;
	bool leaf = level == 1 || (level <= 3 && (e & HW_EPT_PS));   /* PS is bit 7 in both formats */
	if (mode == HW_VIRT_EPT) {
		w->present = (e & HW_EPT_RWX) != 0;
		if (!w->present) {
			w->allowed = 0;
			w->fault = HW_EXIT_EPT_VIOLATION;
			return 1;
		}
		if (ept_misconfigured(cpu, e, level, leaf)) {
			w->fault = HW_EXIT_EPT_MISCONFIG;
			return 1;
		}
		w->allowed &= e & HW_EPT_RWX;
	} else {
		w->present = (e & HW_PTE_P) != 0;
		w->rsvd = w->present && npt_reserved(cpu, e, level, leaf);
		if (!w->present || w->rsvd) {
			w->fault = HW_EXIT_NPF;
			return 1;
		}
		w->allowed &= npt_allowed(e);
	}
	if (leaf) {
		w->shift = 12 + 9 * (unsigned)(level - 1);
		w->page = e & HW_PTE_ADDR_MASK & ~((1ULL << w->shift) - 1);
		w->leaf_dirty = (e & (mode == HW_VIRT_EPT ? HW_EPT_D : HW_PTE_D)) != 0;
		return 1;
	}
	*table = e & HW_PTE_ADDR_MASK;
	return 0;
}

/* Walk the second stage (mode, root, levels) for gpa and an access acc:
 * 0 with w's page, or the exit reason. */
static int ewalk(const struct hw_cpu *cpu, enum hw_virt mode, uint64_t root, int levels, uint64_t gpa, uint64_t acc,
		 struct ewalk *w)
{
	uint64_t table = root;
	*w = (struct ewalk){ .allowed = HW_EPT_RWX };
	for (int level = levels; level >= 1; level--)
		if (ewalk_step(cpu, mode, gpa, level, &table, w))
			break;
	if (!w->fault && !(w->allowed & acc))
		w->fault = mode == HW_VIRT_EPT ? HW_EXIT_EPT_VIOLATION : HW_EXIT_NPF;
	return w->fault;
}

/* Set the accessed flags of the entries w used, and the leaf's dirty flag
 * for a write (EPT with A/D on; nested tables always have them). */
static void ewalk_set_ad(struct hw_cpu *cpu, const struct ewalk *w, uint64_t acc)
{
	const struct hw_vmx *v = &cpu->vmx;
	if (!v->ad)
		return;
	uint64_t a = v->mode == HW_VIRT_EPT ? HW_EPT_A : HW_PTE_A, d = v->mode == HW_VIRT_EPT ? HW_EPT_D : HW_PTE_D;
	for (int level = v->levels; level >= w->level; level--) {
		uint64_t pa = w->entry_pa[level - 1], e = hw_phys_read64(cpu->ram, pa);
		uint64_t n = e | a | (level == w->level && acc == HW_EPT_W ? d : 0);
		if (n != e && ram_contains(cpu->ram, pa, 8))
			ram_write64(cpu->ram, pa, n);
	}
}

/* The exit w describes for reference why at gpa. */
static struct hw_vmexit exit_of(const struct hw_vmx *v, const struct ewalk *w, uint64_t gpa, enum hw_ref why)
{
	uint64_t acc = ref_access(v, why);
	bool walk = why == HW_REF_WALK || why == HW_REF_WALK_AD;
	struct hw_vmexit x = { .reason = (uint32_t)w->fault, .gpa = gpa, .gla = v->gla, .level = (int8_t)w->level,
			       .entry = w->entry };
	if (w->fault == HW_EXIT_EPT_VIOLATION)
		x.qual = (acc == HW_EPT_R ? HW_EPTQ_READ : 0) | (acc == HW_EPT_W ? HW_EPTQ_WRITE : 0) |
			 (acc == HW_EPT_X ? HW_EPTQ_FETCH : 0) | (w->allowed << 3) | HW_EPTQ_GLA_VALID |
			 (walk ? 0 : HW_EPTQ_GLA_XLAT);
	else if (w->fault == HW_EXIT_NPF)
		x.qual = (w->present ? HW_NPF_P : 0) | (acc == HW_EPT_W ? HW_NPF_RW : 0) | HW_NPF_US |
			 (w->rsvd ? HW_NPF_RSV : 0) | (acc == HW_EPT_X ? HW_NPF_ID : 0) |
			 (walk ? HW_NPF_TABLE : HW_NPF_FINAL);
	return x;
}

/* See ept.h. */
bool hw_ept_translate_nocache(const struct hw_cpu *cpu, uint64_t gpa, enum hw_ref why, uint64_t *hpa,
			      struct hw_vmexit *exit)
{
	const struct hw_vmx *v = &cpu->vmx;
	struct ewalk w;
	if (ewalk(cpu, v->mode, v->root, v->levels, gpa, ref_access(v, why), &w)) {
		if (exit)
			*exit = exit_of(v, &w, gpa, why);
		return false;
	}
	*hpa = w.page | (gpa & ((1ULL << w.shift) - 1));
	return true;
}

/* Fill the guest-physical cache for gfn -> host frame hpa with what a
 * walk allowed: the array of each reference it allows (those that write,
 * with A/D flags on: once the leaf is dirty). */
static void gpa_fill(struct hw_vmx *v, uint64_t gfn, uint64_t hpa, uint64_t allowed, bool dirty)
{
	struct hw_gpa_entry e = { .key = gfn | v->key_tag, .data = hpa & HW_PTE_ADDR_MASK };
	for (int why = 0; why < HW_REF_PEEK; why++) {
		uint64_t acc = ref_access(v, (enum hw_ref)why);
		if ((allowed & acc) && (acc != HW_EPT_W || !v->ad || dirty))
			v->gpa[why][gfn % HW_GPA_CACHE] = e;
	}
}

/* See ept.h. The guest-physical cache answers first: an entry of this EPT
 * for the frame in the array of the reference's kind. Otherwise a walk,
 * counted and charged, which fills the cache or raises the exit. */
uint64_t hw_ept_ref(struct hw_cpu *cpu, uint64_t gpa, unsigned len, enum hw_ref why)
{
	struct hw_vmx *v = &cpu->vmx;
	uint64_t hpa;
	(void)len;
	if (why == HW_REF_PEEK)
		return hw_ept_translate_nocache(cpu, gpa, why, &hpa, NULL) ? hpa : HW_MEMREF_EXIT;
	if (v->exit_pending)
		return HW_MEMREF_EXIT;
	uint64_t acc = ref_access(v, why), gfn = gpa >> HW_PAGE_SHIFT;
	const struct hw_gpa_entry *c = &v->gpa[why][gfn % HW_GPA_CACHE];
	if (c->key == (gfn | v->key_tag))
		return c->data | (gpa & (HW_PAGE_SIZE - 1));
	struct ewalk w;
	int fault = ewalk(cpu, v->mode, v->root, v->levels, gpa, acc, &w);
	v->ctr.ept_walks++;
	v->ctr.ept_walk_refs += w.refs;
	cpu->ctr.cycles += (uint64_t)w.refs * cpu->lat.walk_ref;
	hpa = fault ? 0 : w.page | (gpa & ((1ULL << w.shift) - 1));
	hw_emit(cpu, .type = HW_EV_EPT, .kind = (uint8_t)v->mode, .va = gpa, .value = hpa, .hit = !fault,
		.count = w.refs, .level = (int8_t)w.level, .old = w.entry, .page_shift = (uint8_t)w.shift,
		.op = (uint8_t)why);
	if (fault) {
		v->exit = exit_of(v, &w, gpa, why);
		v->exit_pending = true;
		v->key_tag = HW_GPA_NEVER;            /* every further reference comes here */
		return HW_MEMREF_EXIT;
	}
	ewalk_set_ad(cpu, &w, acc);
	gpa_fill(v, gfn, hpa, w.allowed, w.leaf_dirty || acc == HW_EPT_W);
	return hpa;
}

/* ---- VM entry and exit ---------------------------------------------------------- */

/* Drop what flush selects from every TLB (tlb) and paging-structure
 * cache (pwc) of the core, narrated as op. */
static void drop(struct hw_cpu *cpu, const struct hw_inv *tlb, const struct hw_inv *pwc)
{
	for (int i = 0; i < HW_NR_TLBS; i++)
		hw_tlb_invalidate(&cpu->tlb[i], tlb);
	for (int i = 0; i < HW_NR_PWCS; i++)
		hw_tlb_invalidate(&cpu->pwc[i], pwc);
}

/* Drop every entry of TLB tag (not global: the core caches none in a guest). */
static void drop_tag(struct hw_cpu *cpu, unsigned tag)
{
	struct hw_inv f = { .pcid = (int)tag, .nonglobal = true };
	drop(cpu, &f, &f);
}

/* The TLB tag of guest address space (vpid, pcid): one of HW_VPID_TAGS,
 * taken back round-robin when all are in use (its entries dropped). */
static uint16_t vpid_tag(struct hw_cpu *cpu, uint16_t vpid, uint16_t pcid)
{
	struct hw_vmx *v = &cpu->vmx;
	for (unsigned i = 0; i < HW_VPID_TAGS; i++)
		if (v->tags[i].used && v->tags[i].vpid == vpid && v->tags[i].pcid == pcid)
			return (uint16_t)(HW_VPID_TAG0 + i);
	unsigned i = v->next_tag++ % HW_VPID_TAGS;
	if (v->tags[i].used) {
		v->ctr.tag_recycles++;
		drop_tag(cpu, HW_VPID_TAG0 + i);
	}
	v->tags[i].used = true;
	v->tags[i].vpid = vpid;
	v->tags[i].pcid = pcid;
	return (uint16_t)(HW_VPID_TAG0 + i);
}

/* See internal.h. */
void hw_vmx_retag(struct hw_cpu *cpu)
{
	struct hw_vmx *x = &cpu->vmx;
	uint16_t pcid = (cpu->cr4 & HW_CR4_PCIDE) ? (uint16_t)(cpu->cr3 & HW_CR3_PCID_MASK) : 0;
	x->tag = x->vmcs->vpid ? vpid_tag(cpu, x->vmcs->vpid, pcid) : pcid;
	cpu->pcid = x->tag;
}

/* f for tag slot i of the running VPID: the tag instead of the guest
 * PCID, no global entries; false when f's PCID is another one. */
static bool tag_filter(const struct hw_vmx *x, unsigned i, const struct hw_inv *f, struct hw_inv *out)
{
	if (f->pcid >= 0 && f->pcid != x->tags[i].pcid)
		return false;
	*out = *f;
	out->pcid = (int)(HW_VPID_TAG0 + i);
	out->global = false;
	return true;
}

/* See internal.h. */
void hw_vmx_flush(struct hw_cpu *cpu, enum hw_inv_op op, const struct hw_inv *tlb, const struct hw_inv *pwc)
{
	struct hw_vmx *x = &cpu->vmx;
	uint16_t vpid = x->vmcs->vpid;
	uint32_t ntlb = 0, npwc = 0;
	if (!vpid) {
		hw_flush(cpu, op, tlb, pwc);
		return;
	}
	for (unsigned i = 0; i < HW_VPID_TAGS; i++) {
		struct hw_inv f;
		if (!x->tags[i].used || x->tags[i].vpid != vpid)
			continue;
		if (tag_filter(x, i, tlb, &f))
			for (int t = 0; t < HW_NR_TLBS; t++)
				ntlb += hw_tlb_invalidate(&cpu->tlb[t], &f);
		if (tag_filter(x, i, pwc, &f))
			for (int t = 0; t < HW_NR_PWCS; t++)
				npwc += hw_tlb_invalidate(&cpu->pwc[t], &f);
	}
	hw_emit(cpu, .type = HW_EV_INVALIDATE, .op = (uint8_t)op, .va = tlb->va,
		.pcid = (uint16_t)(tlb->pcid < 0 ? 0 : tlb->pcid), .count = ntlb, .old = npwc);
}

/* Drop the guest-physical cache entries of root tag tag (all when tag
 * is 0); returns how many. */
static uint32_t gpa_drop(struct hw_vmx *x, uint64_t tag)
{
	uint32_t n = 0;
	for (int k = 0; k < HW_GPA_KINDS; k++)
		for (unsigned j = 0; j < HW_GPA_CACHE; j++) {
			struct hw_gpa_entry *c = &x->gpa[k][j];
			if (c->key && (!tag || (c->key >> HW_GPA_TAG_SHIFT) == tag)) {
				c->key = 0;
				n++;
			}
		}
	return n;
}

/* The tag (1 to HW_GPA_ROOTS) of EPT root root: the one it has, or one
 * taken back round-robin (its entries dropped). */
static uint64_t root_tag(struct hw_vmx *x, uint64_t root)
{
	for (unsigned i = 0; i < HW_GPA_ROOTS; i++)
		if (x->roots[i] == root + 1)
			return i + 1;
	unsigned i = x->next_root++ % HW_GPA_ROOTS;
	if (x->roots[i])
		gpa_drop(x, i + 1);
	x->roots[i] = root + 1;
	return i + 1;
}

/* The checks of VM entry on v's second stage; sets the core's. */
static int load_second_stage(struct hw_cpu *cpu, const struct hw_vmcs *v)
{
	struct hw_vmx *x = &cpu->vmx;
	uint64_t root = v->eptp & HW_PTE_ADDR_MASK;
	if (root >> cpu->maxphyaddr)
		return -EINVAL;
	if (v->mode == HW_VIRT_EPT) {
		unsigned mt = (unsigned)(v->eptp & 7), levels = (unsigned)((v->eptp >> HW_EPTP_WALK_SHIFT) & 7) + 1;
		if ((mt != HW_EPT_MT_UC && mt != HW_EPT_MT_WB) || (levels != 4 && levels != 5) ||
		    ((v->eptp >> 7) & 0x1F) || (v->eptp >> 52))
			return -EINVAL;
		x->levels = (uint8_t)levels;
		x->ad = (v->eptp & HW_EPTP_AD) != 0;
	} else if (v->mode == HW_VIRT_NPT) {
		if ((v->eptp & 0xFFF) || (v->eptp >> 52))
			return -EINVAL;
		x->levels = (uint8_t)cpu->paging_levels;   /* the host's paging mode */
		x->ad = true;
	} else {
		return -EINVAL;
	}
	x->mode = v->mode;
	x->root = root;
	x->key_tag = root_tag(x, root) << HW_GPA_TAG_SHIFT;
	return 0;
}

/* The guest-state fields of a full VMCS v: at entry (in) the host's are
 * kept and v's loaded, at exit the guest's stored in v and the host's
 * loaded back. CPL follows CS. */
static void swap_full_state(struct hw_cpu *cpu, struct hw_vmcs *v, bool in)
{
	struct hw_vmx *x = &cpu->vmx;
	if (in) {
		x->host_full.seg = cpu->seg, x->host_full.ac = cpu->ac, x->host_full.pkru = cpu->pkru;
		cpu->seg = v->seg, cpu->ac = v->ac, cpu->pkru = v->pkru;
	} else {
		v->seg = cpu->seg, v->ac = cpu->ac, v->pkru = cpu->pkru;
		cpu->seg = x->host_full.seg, cpu->ac = x->host_full.ac, cpu->pkru = x->host_full.pkru;
	}
	cpu->cpl = (uint8_t)(cpu->seg.sreg[HW_CS].sel & HW_SEL_RPL);
}

/* See ept.h. */
int hw_vmentry(struct hw_cpu *cpu, struct hw_vmcs *v)
{
	struct hw_vmx *x = &cpu->vmx;
	if (cpu->in_guest || load_second_stage(cpu, v))
		return -EINVAL;
	x->host.cr0 = cpu->cr0, x->host.cr3 = cpu->cr3, x->host.cr4 = cpu->cr4, x->host.efer = cpu->efer;
	x->host.cpl = cpu->cpl;
	if (v->full)
		swap_full_state(cpu, v, true);
	x->vmcs = v;
	x->exit_pending = false;
	cpu->cr0 = v->cr0 | HW_CR0_PG | HW_CR0_PE;
	cpu->cr3 = v->cr3;
	cpu->cr4 = ((v->cr4 & ~(HW_CR4_PGE | HW_CR4_LA57)) | (x->host.cr4 & HW_CR4_LA57)) | HW_CR4_PAE;
	x->guest_pge = (v->cr4 & HW_CR4_PGE) != 0;
	cpu->efer = v->efer | HW_EFER_LME | HW_EFER_LMA;
	uint16_t pcid = (cpu->cr4 & HW_CR4_PCIDE) ? (uint16_t)(cpu->cr3 & HW_CR3_PCID_MASK) : 0;
	x->tag = v->vpid ? vpid_tag(cpu, v->vpid, pcid) : pcid;
	cpu->in_guest = 1;
	hw_cpu_refresh(cpu);
	struct hw_inv all = { .pcid = -1, .global = true, .nonglobal = true };
	struct hw_inv globals = { .pcid = -1, .global = true }, none = { .pcid = -1 };
	if (!v->vpid)
		drop(cpu, &all, &all);                /* VPID 0: the worlds share tags */
	else
		drop(cpu, &globals, &none);           /* the host's global entries carry no VPID */
	x->ctr.entries++;
	cpu->ctr.cycles += cpu->lat.vmentry;
	hw_emit(cpu, .type = HW_EV_VMX, .op = 0, .kind = (uint8_t)v->mode, .count = v->vpid, .pcid = x->tag,
		.value = v->cr3, .old = v->eptp);
	return 0;
}

/* Leave the guest with exit e: into the VMCS, host paging state back. */
static void leave_guest(struct hw_cpu *cpu, const struct hw_vmexit *e)
{
	struct hw_vmx *x = &cpu->vmx;
	uint32_t r = e->reason;
	x->ctr.exits[r == HW_EXIT_EPT_VIOLATION ? HW_EXITC_EPT_VIOLATION
		     : r == HW_EXIT_EPT_MISCONFIG ? HW_EXITC_EPT_MISCONFIG
		     : r == HW_EXIT_NPF           ? HW_EXITC_NPF
						  : HW_EXITC_OTHER]++;
	hw_emit(cpu, .type = HW_EV_VMX, .op = 1, .kind = (uint8_t)x->mode, .count = r, .value = e->qual, .va = e->gpa,
		.old = e->gla, .level = e->level, .entry_pa = e->entry);
	x->vmcs->exit = *e;
	x->vmcs->cr0 = cpu->cr0, x->vmcs->cr3 = cpu->cr3, x->vmcs->efer = cpu->efer;
	x->vmcs->cr4 = cpu->cr4 | (x->guest_pge ? HW_CR4_PGE : 0);
	cpu->cr0 = x->host.cr0, cpu->cr3 = x->host.cr3, cpu->cr4 = x->host.cr4, cpu->efer = x->host.efer;
	if (x->vmcs->full)
		swap_full_state(cpu, x->vmcs, false);
	cpu->cpl = x->host.cpl;
	cpu->in_guest = 0;
	x->exit_pending = false;
	hw_cpu_refresh(cpu);
	if (!x->vmcs->vpid) {
		struct hw_inv all = { .pcid = -1, .global = true, .nonglobal = true };
		drop(cpu, &all, &all);
	}
	cpu->ctr.cycles += cpu->lat.vmexit;
}

/* See ept.h. */
struct hw_exception hw_vmx_take_exit(struct hw_cpu *cpu)
{
	struct hw_vmexit e = cpu->vmx.exit;
	leave_guest(cpu, &e);
	return (struct hw_exception){ .vector = HW_EXC_VMEXIT, .error_code = e.reason, .cr2 = e.gpa };
}

/* See ept.h. */
void hw_vmexit(struct hw_cpu *cpu, uint32_t reason)
{
	if (!cpu->in_guest)
		return;
	struct hw_vmexit e = { .reason = reason };
	leave_guest(cpu, &e);
}

/* ---- invalidation ------------------------------------------------------------------ */

/* See ept.h. */
int hw_invept(struct hw_cpu *cpu, unsigned type, uint64_t eptp)
{
	struct hw_vmx *x = &cpu->vmx;
	uint32_t n = 0;
	if (cpu->in_guest || (type != 1 && type != 2))
		return -EINVAL;
	if (type == 2)
		n = gpa_drop(x, 0);
	for (unsigned i = 0; type == 1 && i < HW_GPA_ROOTS; i++)
		if (x->roots[i] == (eptp & HW_PTE_ADDR_MASK) + 1)
			n = gpa_drop(x, i + 1);
	x->ctr.invept++;
	cpu->ctr.cycles += cpu->lat.invpcid;
	hw_emit(cpu, .type = HW_EV_VMX, .op = 2, .count = type, .value = eptp, .old = n);
	return 0;
}

/* See ept.h. */
int hw_invvpid(struct hw_cpu *cpu, unsigned type, uint16_t vpid, uint64_t la)
{
	struct hw_vmx *x = &cpu->vmx;
	if (cpu->in_guest || type > 3 || (type != 2 && !vpid) || (type == 0 && !hw_canonical(cpu, la)))
		return -EINVAL;
	for (unsigned i = 0; i < HW_VPID_TAGS; i++) {
		if (!x->tags[i].used || (type != 2 && x->tags[i].vpid != vpid))
			continue;
		int tag = (int)(HW_VPID_TAG0 + i);
		struct hw_inv page = { .by_va = true, .va = la & cpu->va_mask, .pcid = tag, .nonglobal = true };
		struct hw_inv ctx = { .pcid = tag, .nonglobal = true };
		drop(cpu, type == 0 ? &page : &ctx, &ctx);
	}
	x->ctr.invvpid++;
	cpu->ctr.cycles += cpu->lat.invpcid;
	hw_emit(cpu, .type = HW_EV_VMX, .op = 3, .count = type, .pcid = vpid, .va = la);
	return 0;
}

/* See ept.h. */
uint64_t hw_eptp(uint64_t root, int levels, bool ad)
{
	return (root & HW_PTE_ADDR_MASK) | (uint64_t)(levels - 1) << HW_EPTP_WALK_SHIFT | (ad ? HW_EPTP_AD : 0) |
	       HW_EPT_MT_WB;
}
