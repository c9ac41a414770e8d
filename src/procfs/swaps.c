/*
 * procfs/swaps.c — /proc/swaps and /sys/kernel/mm/swap/vma_ra_enabled
 * (Linux: swap_show in mm/swapfile.c, vma_ra_enabled_show in
 * mm/swap_state.c).
 */
#include "procfs/internal.h"

#include "kernel/kernel.h"
#include "kernel/swap.h"

#include <string.h>

/* One device's line (Linux: swap_show): the path padded to 40 columns,
 * "file" and a tab (a partition would say "partition"), sizes in kB, an
 * extra tab after numbers below 10000000. */
static void swap_show(struct seq_buf *m, const struct swap_info_struct *si)
{
	unsigned long long bytes = si->pages * 4, inuse = swap_usage_in_pages(si) * 4;
	size_t len = strlen(si->path);
	seq_printf(m, "%s%*s%s\t%llu\t%s%llu\t%s%d\n", si->path, len < 40 ? (int)(40 - len) : 1, " ", "file\t", bytes,
		   bytes < 10000000 ? "\t" : "", inuse, inuse < 10000000 ? "\t" : "", si->prio);
}

/* See procfs.h. Devices in type order, as swap_start walks swap_info[]. */
void swaps_show(struct kernel *k, struct seq_buf *m)
{
	seq_puts(m, "Filename\t\t\t\tType\t\tSize\t\tUsed\t\tPriority\n");
	for (int t = 0; t < k->swap.nr_swapfiles; t++) {
		const struct swap_info_struct *si = k->swap.swap_info[t];
		if (si && (si->flags & SWP_WRITEOK))
			swap_show(m, si);
	}
}

/* See procfs.h. */
void vma_ra_enabled_show(struct kernel *k, struct seq_buf *m)
{
	seq_puts(m, k->swap.vma_ra_enabled ? "true\n" : "false\n");
}
