/*
 * bench/bench_virt.c — the MMU in a guest (hw/ept.h).
 *
 * guest_tlb_hit: the tlb_hit stream of 8-byte loads (translation and the
 * data reference through hw_mem_ref) inside a guest with EPT, against the
 * same loads on the host in the same run: every translation hits the L1
 * TLB and every data reference the guest-physical cache, so the guest
 * should be within 10% of native.
 * ept_walk: walk's random stream over 16 GiB of 4 KiB pages inside a
 * guest whose memory EPT maps with 4 KiB pages: every guest entry a walk
 * reads is itself translated (the guest-physical cache holds 64 frames
 * and the page tables span 8192), so each walk makes up to 24 references.
 * Beside it, the same stream on the host (walk_translations_per_s's rig).
 */
#include "bench.h"
#include "rig.h"

#include "hw/ept.h"
#include "hw/mmu.h"

#include <stdlib.h>

#define MAPPED (16ULL << 30)
#define BASE_VA 0x0000100000000000ULL

struct vrig {
	struct rig r;
	uint64_t root, eroot;
	struct hw_vmcs vmcs;
};

static uint64_t vnew_table(struct vrig *v)
{
	uint64_t pa = v->r.next;
	v->r.next += HW_PAGE_SIZE;
	return pa;
}

/* rig_init, with the root table's address kept. */
static int vrig_init(struct vrig *v, uint64_t ram_bytes)
{
	if (rig_init(&v->r, ram_bytes))
		return -1;
	v->root = hw_cr3_base(v->r.cpu);
	return 0;
}

/* The table below entry pa, made (with flags) when missing. */
static uint64_t vtable_below(struct vrig *r, uint64_t pa, uint64_t present, uint64_t flags)
{
	uint64_t e = ram_read64(&r->r.ram, pa);
	if (!(e & present)) {
		e = vnew_table(r) | flags;
		ram_write64(&r->r.ram, pa, e);
	}
	return e & HW_PTE_ADDR_MASK;
}

/* Map va to frame (4 KiB) in the x86 tables at root. */
static void vmap(struct vrig *r, uint64_t va, uint64_t frame)
{
	uint64_t table = r->root;
	for (int l = 4; l > HW_LVL_PT; l--)
		table = vtable_below(r, table + 8ULL * hw_va_index(va, l), HW_PTE_P, HW_PTE_P | HW_PTE_RW | HW_PTE_US);
	ram_write64(&r->r.ram, table + 8ULL * hw_va_index(va, HW_LVL_PT),
		    hw_mk_page(frame, HW_LVL_PT, HW_PTE_P | HW_PTE_RW | HW_PTE_US | HW_PTE_A | HW_PTE_D, 0));
}

/* EPT mapping all of RAM to itself with 4 KiB pages, then VM entry with
 * the tables at r->root as the guest's. */
static int enter_identity(struct vrig *r)
{
	r->eroot = vnew_table(r);
	uint64_t end = r->r.ram.size;
	for (uint64_t g = 0; g < end; g += HW_PAGE_SIZE) {
		uint64_t table = r->eroot;
		for (int l = 4; l > 1; l--)
			table = vtable_below(r, table + 8ULL * hw_va_index(g, l), HW_EPT_RWX, HW_EPT_RWX);
		ram_write64(&r->r.ram, table + 8ULL * hw_va_index(g, 1), g | HW_EPT_RWX | HW_EPT_MT_WB << HW_EPT_MT_SHIFT);
	}
	struct hw_cpu *c = r->r.cpu;
	r->vmcs = (struct hw_vmcs){ .mode = HW_VIRT_EPT, .eptp = hw_eptp(r->eroot, 4, false), .vpid = 1,
				    .cr0 = c->cr0, .cr3 = r->root, .cr4 = c->cr4, .efer = c->efer };
	return hw_vmentry(c, &r->vmcs);
}

/* n 8-byte loads over 8 pages; loads/s. */
static double load_stream(struct vrig *r, uint64_t n)
{
	uint64_t sum = 0, x;
	uint64_t t0 = bench_now_ns();
	for (uint64_t i = 0; i < n; i++) {
		hw_access(r->r.cpu, BASE_VA + ((i * 72) & 0x7ff8), &x, 8, HW_READ, HW_USER, NULL);
		sum += x;
	}
	uint64_t dt = bench_now_ns() - t0;
	bench_sink(sum);
	return n * 1e9 / (double)(dt ? dt : 1);
}

/* The tlb_hit stream of loads on the host, or in a guest. */
static double tlb_hit_loads(bool guest, uint64_t n)
{
	struct vrig r;
	if (vrig_init(&r, 64ULL << 20))
		return 0;
	for (uint64_t p = 0; p < 8; p++)
		vmap(&r, BASE_VA + p * HW_PAGE_SIZE, (p + 64) * HW_PAGE_SIZE);
	if (guest && enter_identity(&r))
		return 0;
	load_stream(&r, n / 10);
	double best = 0;
	for (int k = 0; k < 3; k++) {
		double v = load_stream(&r, n);
		best = v > best ? v : best;
	}
	rig_destroy(&r.r);
	return best;
}

BENCH(mmu_guest_tlb_hit)
{
	uint64_t n = ctx->quick ? 5000000 : 50000000;
	double native = tlb_hit_loads(false, n), guest = tlb_hit_loads(true, n);
	bench_figure("native_tlb_hit_loads_per_s", native, "/s");
	bench_figure("guest_tlb_hit_translations_per_s", guest, "/s");
	bench_ratio("guest_vs_native_tlb_hit", guest, native);
}

/* The random-walk stream on the host or in a guest: rate, and the
 * references per walk (both dimensions) in *refs. */
static double walk_stream(bool guest, uint64_t n, double *refs)
{
	struct vrig r;
	*refs = 0;
	if (vrig_init(&r, 128ULL << 20))
		return 0;
	for (uint64_t off = 0; off < MAPPED; off += HW_PAGE_SIZE)
		vmap(&r, BASE_VA + off, ((off / HW_PAGE_SIZE) % 64) << 12);
	if (guest && enter_identity(&r))
		return 0;
	bench_random_translations(r.r.cpu, n / 10);
	struct hw_counters b = r.r.cpu->ctr;
	uint64_t eb = r.r.cpu->vmx.ctr.ept_walk_refs;
	double rate = bench_random_translations(r.r.cpu, n);
	uint64_t walks = r.r.cpu->ctr.walks - b.walks;
	if (walks)
		*refs = (double)(r.r.cpu->ctr.walk_refs - b.walk_refs + r.r.cpu->vmx.ctr.ept_walk_refs - eb) / walks;
	rig_destroy(&r.r);
	return rate;
}

BENCH(mmu_ept_walk)
{
	uint64_t n = ctx->quick ? 1000000 : 10000000;
	double nrefs, grefs;
	double native = walk_stream(false, n, &nrefs), guest = walk_stream(true, n, &grefs);
	bench_figure("native_walk_translations_per_s", native, "/s");
	bench_figure("ept_walk_translations_per_s", guest, "/s");
	bench_figure("ept_walk_refs_per_walk", grefs, "refs");
	bench_ratio("ept_walk_vs_native_walk", guest, native);
}
