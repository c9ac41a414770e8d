/*
 * procfs/meminfo.c — /proc/meminfo (Linux: fs/proc/meminfo.c,
 * si_mem_available in mm/show_mem.c). Every line of Linux 6.18's file is
 * printed; what the simulator does not model yet (swap, page cache, huge
 * pages, vmalloc use, per-CPU areas) reads 0 until a later part adds it.
 */
#include "procfs/procfs.h"

#include "kernel/hugetlb.h"
#include "kernel/kernel.h"
#include "kernel/mm.h"

/* Linux's MemAvailable estimate: free pages above the reserves, plus the
 * reclaimable halves of page cache and reclaimable slab, each kept above the
 * sum of the low watermarks (Linux: si_mem_available). */
static uint64_t si_mem_available(struct kernel *k)
{
	int64_t wmark_low = 0;
	for_each_online_node(k, nid)
		for (int z = 0; z < MAX_NR_ZONES; z++)
			wmark_low += (int64_t)k->node_data[nid]->node_zones[z]._watermark[WMARK_LOW];

	int64_t available = (int64_t)global_zone_page_state(k, NR_FREE_PAGES) -
			    (int64_t)k->totalreserve_pages;
	int64_t pagecache = (int64_t)(global_node_page_state_pages(k, NR_ACTIVE_FILE) +
				      global_node_page_state_pages(k, NR_INACTIVE_FILE));
	pagecache -= pagecache / 2 < wmark_low ? pagecache / 2 : wmark_low;
	available += pagecache;
	int64_t reclaimable = (int64_t)(global_node_page_state_pages(k, NR_SLAB_RECLAIMABLE_B) +
					global_node_page_state_pages(k, NR_KERNEL_MISC_RECLAIMABLE));
	available += reclaimable - (reclaimable / 2 < wmark_low ? reclaimable / 2 : wmark_low);
	return available < 0 ? 0 : (uint64_t)available;
}

static void show_val_kb(struct seq_buf *m, const char *label, uint64_t pages)
{
	seq_printf(m, "%-16s%8llu kB\n", label, (unsigned long long)pages << (PAGE_SHIFT - 10));
}

#define NODE(item) global_node_page_state_pages(k, item)

/* See procfs.h. */
void meminfo_proc_show(struct kernel *k, struct seq_buf *m)
{
	uint64_t sreclaimable = NODE(NR_SLAB_RECLAIMABLE_B);
	uint64_t sunreclaim = NODE(NR_SLAB_UNRECLAIMABLE_B);
	uint64_t cached = NODE(NR_FILE_PAGES) - NODE(NR_SWAPCACHE);

	show_val_kb(m, "MemTotal:", k->totalram_pages);
	show_val_kb(m, "MemFree:", global_zone_page_state(k, NR_FREE_PAGES));
	show_val_kb(m, "MemAvailable:", si_mem_available(k));
	show_val_kb(m, "Buffers:", 0);
	show_val_kb(m, "Cached:", cached);
	show_val_kb(m, "SwapCached:", NODE(NR_SWAPCACHE));
	show_val_kb(m, "Active:", NODE(NR_ACTIVE_ANON) + NODE(NR_ACTIVE_FILE));
	show_val_kb(m, "Inactive:", NODE(NR_INACTIVE_ANON) + NODE(NR_INACTIVE_FILE));
	show_val_kb(m, "Active(anon):", NODE(NR_ACTIVE_ANON));
	show_val_kb(m, "Inactive(anon):", NODE(NR_INACTIVE_ANON));
	show_val_kb(m, "Active(file):", NODE(NR_ACTIVE_FILE));
	show_val_kb(m, "Inactive(file):", NODE(NR_INACTIVE_FILE));
	show_val_kb(m, "Unevictable:", NODE(NR_UNEVICTABLE));
	show_val_kb(m, "Mlocked:", global_zone_page_state(k, NR_MLOCK));
	show_val_kb(m, "SwapTotal:", total_swap_pages(k));
	show_val_kb(m, "SwapFree:", get_nr_swap_pages(k));
	show_val_kb(m, "Zswap:", 0);
	show_val_kb(m, "Zswapped:", 0);
	show_val_kb(m, "Dirty:", NODE(NR_FILE_DIRTY));
	show_val_kb(m, "Writeback:", NODE(NR_WRITEBACK));
	show_val_kb(m, "AnonPages:", NODE(NR_ANON_MAPPED));
	show_val_kb(m, "Mapped:", NODE(NR_FILE_MAPPED));
	show_val_kb(m, "Shmem:", NODE(NR_SHMEM));
	show_val_kb(m, "KReclaimable:", sreclaimable + NODE(NR_KERNEL_MISC_RECLAIMABLE));
	show_val_kb(m, "Slab:", sreclaimable + sunreclaim);
	show_val_kb(m, "SReclaimable:", sreclaimable);
	show_val_kb(m, "SUnreclaim:", sunreclaim);
	seq_printf(m, "%-16s%8llu kB\n", "KernelStack:", (unsigned long long)NODE(NR_KERNEL_STACK_KB));
	show_val_kb(m, "PageTables:", NODE(NR_PAGETABLE));
	show_val_kb(m, "SecPageTables:", NODE(NR_SECONDARY_PAGETABLE));
	show_val_kb(m, "NFS_Unstable:", 0);
	show_val_kb(m, "Bounce:", 0);
	show_val_kb(m, "WritebackTmp:", 0);
	show_val_kb(m, "CommitLimit:", vm_commit_limit(k));
	show_val_kb(m, "Committed_AS:", k->vm_committed_as);
	seq_printf(m, "%-16s%8llu kB\n", "VmallocTotal:", (unsigned long long)k->vmalloc_total_kb);
	show_val_kb(m, "VmallocUsed:", 0);
	show_val_kb(m, "VmallocChunk:", 0);
	show_val_kb(m, "Percpu:", 0);
	show_val_kb(m, "AnonHugePages:", NODE(NR_ANON_THPS));
	show_val_kb(m, "ShmemHugePages:", NODE(NR_SHMEM_THPS));
	show_val_kb(m, "ShmemPmdMapped:", NODE(NR_SHMEM_PMDMAPPED));
	show_val_kb(m, "FileHugePages:", NODE(NR_FILE_THPS));
	show_val_kb(m, "FilePmdMapped:", NODE(NR_FILE_PMDMAPPED));
	show_val_kb(m, "Balloon:", NODE(NR_BALLOON_PAGES));
	const struct hstate *h = &k->hstates[0];          /* hugetlb_report_meminfo: the default size */
	seq_printf(m, "HugePages_Total:   %5llu\nHugePages_Free:    %5llu\n", (unsigned long long)h->nr_huge_pages,
		   (unsigned long long)h->free_huge_pages);
	seq_printf(m, "HugePages_Rsvd:    %5llu\nHugePages_Surp:    %5llu\n", (unsigned long long)h->resv_huge_pages,
		   (unsigned long long)h->surplus_huge_pages);
	seq_printf(m, "%-16s%8llu kB\n", "Hugepagesize:", (unsigned long long)(huge_page_size(h) >> 10));
	seq_printf(m, "%-16s%8llu kB\n", "Hugetlb:", (unsigned long long)(hugetlb_total_bytes(k) >> 10));
	/* The kernel maps RAM with 4 KiB pages below 2 MiB (the first MiB's
	 * MTRR ranges) and 2 MiB pages above, as x86-64 Linux does without
	 * 1 GiB direct-map pages. */
	uint64_t kb = k->max_pfn << (PAGE_SHIFT - 10);
	seq_printf(m, "%-16s%8llu kB\n", "DirectMap4k:", (unsigned long long)(kb < 2048 ? kb : 2048));
	seq_printf(m, "%-16s%8llu kB\n", "DirectMap2M:", (unsigned long long)(kb < 2048 ? 0 : kb - 2048));
}
