/*
 * kernel/page_io.c — reading and writing swap slots (Linux: mm/page_io.c).
 * See swap.h.
 *
 * A slot's bytes live in the device's medium, a sparse host mapping
 * (swapfile.c).
 * A page of zeros is not written: its slot's bit in the device's zero map
 * says so, and reading it back clears the page (Linux 6.12+: the zeromap,
 * counted in swpout_zero and swpin_zero instead of pswpout and pswpin).
 *
 * Every request completes at once: Linux's writes finish later, in an
 * interrupt, which is why its reclaim frees a written page only on a later
 * pass and sometimes scans past its target meanwhile. The simulator frees
 * the page in the pass that wrote it, as Linux does after a synchronous
 * write (zram); docs/fidelity.md lists the counters this changes. The
 * device's time is charged in the cost model: one request's latency and
 * its bytes at the device's bandwidth, in cycles at 3 GHz, to the CPU that
 * waits (a fault's read) or that issued it (reclaim's write).
 */
#include "kernel/swap.h"

#include "hw/machine.h"
#include "kernel/kernel.h"
#include "kernel/memcontrol.h"
#include "kernel/mm.h"
#include "kernel/swapops.h"
#include "kernel/trace.h"

#include <string.h>

#define CYCLES_PER_NS 3              /* the cost model's clock for device times */

/* See swap.h. */
uint64_t swap_io_cycles(const struct swap_info_struct *si, bool write, uint64_t nr)
{
	uint64_t ns = write ? si->cost.write_ns : si->cost.read_ns;
	if (si->cost.mbps)
		ns += nr * PAGE_SIZE * 1000 / si->cost.mbps;
	return ns * CYCLES_PER_NS;
}

/* Charge cycles of device time to the CPU the kernel runs on. */
static void charge_io(struct kernel *k, uint64_t cycles, bool write)
{
	k->hw->cpus[k->this_cpu].ctr.cycles += cycles;
	*(write ? &k->swap_write_cycles : &k->swap_read_cycles) += cycles;
}

static bool zeromap_test(const struct swap_info_struct *si, uint64_t offset)
{
	return si->zeromap[offset / 64] & (1ULL << (offset % 64));
}

static void zeromap_set(struct swap_info_struct *si, uint64_t offset, bool on)
{
	if (on)
		si->zeromap[offset / 64] |= 1ULL << (offset % 64);
	else
		si->zeromap[offset / 64] &= ~(1ULL << (offset % 64));
}

/* See swap.h. */
void swap_slot_discard(struct swap_info_struct *si, uint64_t offset)
{
	zeromap_set(si, offset, false);
}

/* Is the page all zeros (Linux: is_folio_zero_filled)? */
static bool is_folio_zero_filled(struct kernel *k, struct page *page)
{
	const uint64_t *w = page_address(k, page);
	for (size_t i = 0; i < PAGE_SIZE / sizeof *w; i++)
		if (w[i])
			return false;
	return true;
}

/* Where the bytes of slot offset live: its cluster's part of the medium,
 * counted as in use from its first write (create). NULL when nothing of the
 * cluster was written. */
static uint8_t *slot_bytes(struct swap_info_struct *si, uint64_t offset, bool create)
{
	struct swap_cluster_info *ci = &si->cluster_info[offset / SWAPFILE_CLUSTER];
	if (!ci->data && create) {
		ci->data = si->medium.base + (offset - offset % SWAPFILE_CLUSTER) * PAGE_SIZE;
		si->nr_chunks++;
	}
	return ci->data ? ci->data + (offset % SWAPFILE_CLUSTER) * PAGE_SIZE : NULL;
}

/* See swap.h. A page whose slot nothing refers to any more is dropped from
 * the swap cache instead (it stays dirty). */
void swap_writeout(struct kernel *k, struct page *page)
{
	swp_entry_t entry = page_swap_entry(page);
	struct swap_info_struct *si = swp_swap_info(k, entry);
	uint64_t offset = swp_offset(entry);

	if (folio_free_swap(k, page))
		return;
	if (is_folio_zero_filled(k, page)) {
		zeromap_set(si, offset, true);
		k->vm_events[SWPOUT_ZERO]++;
		count_memcg_folio_events(k, page, SWPOUT_ZERO, 1);
		trace_kernel(k, k->this_cpu, "pfn %#llx is all zeros: slot %llu of %s just notes it, nothing is written",
			     (unsigned long long)page_to_pfn(k, page), (unsigned long long)offset, si->path);
		return;
	}
	zeromap_set(si, offset, false);
	uint8_t *dst = slot_bytes(si, offset, true);
	page_set(page, PG_writeback);
	memcpy(dst, page_address(k, page), PAGE_SIZE);
	k->vm_events[PSWPOUT]++;
	k->vm_events[PGPGOUT] += PAGE_SIZE >> 10;
	charge_io(k, swap_io_cycles(si, true, 1), true);
	trace_kernel(k, k->this_cpu, "write pfn %#llx to slot %llu of %s (%s: %llu cycles)",
		     (unsigned long long)page_to_pfn(k, page), (unsigned long long)offset, si->path, si->cost.model,
		     (unsigned long long)swap_io_cycles(si, true, 1));
	page_clear(page, PG_writeback);          /* folio_end_writeback: done at once */
	page_clear(page, PG_reclaim);
}

/* See swap.h. */
void swap_read_folio(struct kernel *k, struct page *page, bool synchronous)
{
	swp_entry_t entry = page_swap_entry(page);
	struct swap_info_struct *si = swp_swap_info(k, entry);
	uint64_t offset = swp_offset(entry);
	uint8_t *src = slot_bytes(si, offset, false);

	if (!zeromap_test(si, offset) && !src)
		kernel_bug(k, "swap_read_folio: slot %llu of %s was never written", (unsigned long long)offset, si->path);
	if (zeromap_test(si, offset) || !src) {
		memset(page_address(k, page), 0, PAGE_SIZE);
		k->vm_events[SWPIN_ZERO]++;
		count_memcg_folio_events(k, page, SWPIN_ZERO, 1);
		page_set(page, PG_uptodate);
		trace_kernel(k, k->this_cpu, "slot %llu of %s holds a page of zeros: clear pfn %#llx, no read",
			     (unsigned long long)offset, si->path, (unsigned long long)page_to_pfn(k, page));
		return;
	}
	memcpy(page_address(k, page), src, PAGE_SIZE);
	page_set(page, PG_uptodate);
	k->vm_events[PSWPIN]++;
	k->vm_events[PGPGIN] += PAGE_SIZE >> 10;
	uint64_t cycles = synchronous ? swap_io_cycles(si, false, 1) : swap_io_cycles(si, false, 1) -
									 (uint64_t)si->cost.read_ns * CYCLES_PER_NS;
	charge_io(k, cycles, false);
	trace_kernel(k, k->this_cpu, "read slot %llu of %s into pfn %#llx (%s%s: %llu cycles)",
		     (unsigned long long)offset, si->path, (unsigned long long)page_to_pfn(k, page), si->cost.model,
		     synchronous ? ", waited for" : ", ahead, in the same request", (unsigned long long)cycles);
}
