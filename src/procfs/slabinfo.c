/* procfs/slabinfo.c — /proc/slabinfo, version 2.1 as SLUB prints it (Linux:
 * mm/slab_common.c slab_show): the tunables read 0. */
#include "procfs/procfs.h"

#include "kernel/kernel.h"
#include "kernel/slab.h"

/* See procfs.h. */
void slab_show(struct kernel *k, struct seq_buf *m)
{
	seq_puts(m, "slabinfo - version: 2.1\n"
		    "# name            <active_objs> <num_objs> <objsize> <objperslab> "
		    "<pagesperslab> : tunables <limit> <batchcount> <sharedfactor> : slabdata "
		    "<active_slabs> <num_slabs> <sharedavail>\n");
	for (struct kmem_cache *s = kmem_cache_first(k); s; s = kmem_cache_next(k, s)) {
		struct slabinfo si;
		get_slabinfo(k, s, &si);
		seq_printf(m, "%-17s %6llu %6llu %6u %4u %4d", si.name,
			   (unsigned long long)si.active_objs, (unsigned long long)si.num_objs,
			   si.objsize, si.objects_per_slab, (int)si.pages_per_slab);
		seq_printf(m, " : tunables %4u %4u %4u", 0u, 0u, 0u);
		seq_printf(m, " : slabdata %6llu %6llu %6llu\n", (unsigned long long)si.active_slabs,
			   (unsigned long long)si.num_slabs, 0ULL);
	}
}
