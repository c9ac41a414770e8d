/* kernel/kaccess.c — the kernel's references through the caches (see kaccess.h). */
#include "kernel/kaccess.h"

#include "hw/memref.h"
#include "kernel/trace.h"

/* See kaccess.h. Each 4 KiB frame's part is one reference of the current
 * core (hw_mem_access cuts it into lines); the step is narrated once, with
 * where its lines were found. */
void kmem_through_caches(struct kernel *k, uint64_t pa, uint64_t len, bool write, const char *what)
{
	struct hw_cpu *cpu = &k->hw->cpus[k->this_cpu];
	struct hw_counters before = cpu->ctr;
	hw_trace_fn trace = cpu->trace;
	cpu->trace = NULL;                      /* one step, not a line per line */
	for (uint64_t done = 0; done < len;) {
		uint64_t a = pa + done, n = 4096 - (a & 4095);
		if (n > len - done)
			n = len - done;
		hw_mem_access(cpu, a, (unsigned)n, write ? HW_REF_STORE : HW_REF_LOAD);
		done += n;
	}
	cpu->trace = trace;
	const struct hw_counters *c = &cpu->ctr;
	uint64_t lines = c->mem_hit[HW_CACHE_L1D] + c->mem_miss[HW_CACHE_L1D] - before.mem_hit[HW_CACHE_L1D] -
			 before.mem_miss[HW_CACHE_L1D];
	trace_kernel(k, k->this_cpu,
		     "%s: cpu%d %s %llu bytes at pa %#llx through its caches: %llu line%s, %llu in its L1d, %llu from "
		     "memory, %llu from another core; the core waited %llu cycles",
		     what, k->this_cpu, write ? "stores" : "loads", (unsigned long long)len, (unsigned long long)pa,
		     (unsigned long long)lines, lines == 1 ? "" : "s",
		     (unsigned long long)(c->mem_hit[HW_CACHE_L1D] - before.mem_hit[HW_CACHE_L1D]),
		     (unsigned long long)(c->mem_dram_reads - before.mem_dram_reads),
		     (unsigned long long)(c->mem_c2c - before.mem_c2c),
		     (unsigned long long)(c->cycles - before.cycles));
}

/* See kaccess.h. */
void kmem_run_flush(struct kernel *k, struct kmem_run *r)
{
	kmem_ref(k, (const void *)r->lo, r->hi - r->lo, true, r->what);
	r->lo = r->hi = 0;
}
