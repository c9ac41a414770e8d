/* Demand paging and the page-fault handler: the seeds' scenarios and the
 * fault counts measured on a real kernel (REFERENCE.md). */
#include "proc_helpers.h"

#include "common.h"
#include "kernel/mm.h"
#include "kernel/pgtable.h"
#include "kernel/slab.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#define MB (1ULL << 20)

/* Seed 000: malloc(1 MiB), then buffer[500000] = 'A': exactly one fault. */
Test(fault, one_write_one_fault)
{
	struct tk *t = tk_boot(256 * MB, 2);
	struct task_struct *p = tp_spawn(t, "seed", 0);
	uint64_t buf = tp_mmap(t, p, MB, PROT_READ | PROT_WRITE, MAP_PRIVATE);
	uint64_t before = p->min_flt, pgfault = t->k.vm_events[PGFAULT];
	cr_assert_eq(tp_pte(t, p, buf + 500000), 0, "lazy: nothing mapped yet");
	cr_assert_eq(tp_write(t, p, buf + 500000, "A", 1), 0);
	cr_assert_eq(p->min_flt - before, 1);
	cr_assert_eq(t->k.vm_events[PGFAULT] - pgfault, 1);
	char c;
	cr_assert_eq(tp_read(t, p, buf + 500000, &c, 1), 0);
	cr_assert_eq(c, 'A');
	cr_assert_eq(p->min_flt - before, 1, "the read hits the TLB: no fault");
	cr_assert_neq(tp_pte(t, p, buf + 500000) & _PAGE_PRESENT, 0);
	tk_assert_consistent(t);
	tk_free(t);
}

/* Read every page (zero page), write every page (new pages), write again
 * (nothing): one fault per page per step, as on Linux. */
Test(fault, read_then_write_counts)
{
	struct tk *t = tk_boot(256 * MB, 2);
	struct task_struct *p = tp_spawn(t, "counts", 0);
	uint64_t len = 4 * MB, n = len / 4096;
	uint64_t a = tp_mmap(t, p, len, PROT_READ | PROT_WRITE, MAP_PRIVATE);
	uint64_t f0 = p->min_flt;
	int64_t rss0 = p->mm->rss_stat[MM_ANONPAGES];
	tp_touch(t, p, a, len, false);
	cr_assert_eq(p->min_flt - f0, n);
	cr_assert_eq(pte_pfn(tp_pte(t, p, a)), t->k.zero_pfn, "reads map the zero page");
	tp_touch(t, p, a, len, true);
	cr_assert_eq(p->min_flt - f0, 2 * n);
	cr_assert_neq(pte_pfn(tp_pte(t, p, a)), t->k.zero_pfn);
	tp_touch(t, p, a, len, true);
	cr_assert_eq(p->min_flt - f0, 2 * n, "no fault once written");
	cr_assert_eq(p->mm->rss_stat[MM_ANONPAGES] - rss0, (int64_t)n);
	tk_assert_consistent(t);
	tk_free(t);
}

Test(fault, written_bytes_read_back_across_pages)
{
	struct tk *t = tk_boot(256 * MB, 1);
	struct task_struct *p = tp_spawn(t, "bytes", 0);
	uint64_t a = tp_mmap(t, p, 5 * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE);
	char msg[9000], back[9000];
	for (size_t i = 0; i < sizeof msg; i++)
		msg[i] = (char)(i * 7);
	cr_assert_eq(tp_write(t, p, a + 4000, msg, sizeof msg), 0);
	cr_assert_eq(tp_read(t, p, a + 4000, back, sizeof back), 0);
	cr_assert_eq(memcmp(msg, back, sizeof msg), 0);
	char z[4000];
	cr_assert_eq(tp_read(t, p, a, z, sizeof z), 0);
	for (size_t i = 0; i < sizeof z; i++)
		cr_assert_eq(z[i], 0, "fresh anonymous memory reads as zeros");
	tk_free(t);
}

Test(fault, write_to_unmapped_is_segv_maperr)
{
	struct tk *t = tk_boot(256 * MB, 1);
	struct task_struct *p = tp_spawn(t, "segv", 0);
	cr_assert_eq(tp_write(t, p, 0x10000000, "x", 1), -EFAULT);
	cr_assert_eq(p->fatal.si_signo, SIGSEGV);
	cr_assert_eq(p->fatal.si_code, SEGV_MAPERR);
	cr_assert_eq(p->fatal.si_addr, 0x10000000);
	cr_assert_eq(p->fatal.error_code, X86_PF_USER | X86_PF_WRITE, "not present, write, user");
	tk_free(t);
}

/* Seed 000's mprotect: read-only, then a write is SEGV_ACCERR. */
Test(fault, write_after_mprotect_readonly_is_segv_accerr)
{
	struct tk *t = tk_boot(256 * MB, 1);
	struct task_struct *p = tp_spawn(t, "mprotect", 0);
	uint64_t a = tp_mmap(t, p, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE);
	cr_assert_eq(tp_write(t, p, a, "x", 1), 0);
	cr_assert_eq(do_mprotect_pkey(&t->k, p, a, 4096, PROT_READ), 0);
	cr_assert_eq(pte_write(tp_pte(t, p, a)), 0, "the PTE lost write access");
	char c;
	cr_assert_eq(tp_read(t, p, a, &c, 1), 0);
	cr_assert_eq(c, 'x');
	cr_assert_eq(tp_write(t, p, a, "y", 1), -EFAULT);
	cr_assert_eq(p->fatal.si_signo, SIGSEGV);
	cr_assert_eq(p->fatal.si_code, SEGV_ACCERR);
	cr_assert_eq(p->fatal.error_code, X86_PF_USER | X86_PF_WRITE | X86_PF_PROT);
	tk_free(t);
}

static void shrink_all(struct tk *t)
{
	for (struct kmem_cache *s = kmem_cache_first(&t->k); s; s = kmem_cache_next(&t->k, s))
		kmem_cache_shrink(&t->k, s);
	drain_all_pages(&t->k, NULL);
}

Test(fault, exit_returns_every_frame)
{
	struct tk *t = tk_boot(256 * MB, 2);
	/* a first run caches the program's image file, as Linux keeps its inode */
	do_group_exit(&t->k, tp_spawn(t, "exit", 1), 0);
	shrink_all(t);
	uint64_t free0 = global_zone_page_state(&t->k, NR_FREE_PAGES);
	struct task_struct *p = tp_spawn(t, "exit", 1);
	uint64_t a = tp_mmap(t, p, 8 * MB, PROT_READ | PROT_WRITE, MAP_PRIVATE);
	tp_touch(t, p, a, 8 * MB, true);
	tk_assert_consistent(t);
	do_group_exit(&t->k, p, 0);
	shrink_all(t);
	tk_assert_consistent(t);
	cr_assert_eq(global_zone_page_state(&t->k, NR_FREE_PAGES), free0,
		     "every page, page table and kernel object came back");
	tk_free(t);
}

/* A shared anonymous mapping grown by mremap keeps its object's size: the
 * pages past it give SIGBUS (BUS_ADRERR), as measured on Linux 6.18. */
Test(fault, past_the_end_of_a_shared_object_is_sigbus)
{
	struct tk *t = tk_boot(64 * MB, 1);
	struct task_struct *p = tp_spawn(t, "sigbus", 0);
	uint64_t a = tp_mmap(t, p, 4096, PROT_READ | PROT_WRITE, MAP_SHARED);
	long b = do_mremap(&t->k, p, a, 4096, 8192, MREMAP_MAYMOVE, 0);
	cr_assert_gt(b, 0);
	cr_assert_eq(tp_write(t, p, (uint64_t)b, "x", 1), 0, "the object's page works");
	char c;
	cr_assert_eq(tp_read(t, p, (uint64_t)b + 4096, &c, 1), -EFAULT);
	cr_assert_eq(p->fatal.si_signo, SIGBUS);
	cr_assert_eq(p->fatal.si_code, BUS_ADRERR);
	cr_assert_eq(p->fatal.si_addr, (uint64_t)b + 4096);
	do_group_exit(&t->k, p, 128 + SIGBUS);
	tk_assert_consistent(t);
	tk_free(t);
}

/* A MAP_GROWSDOWN mapping grows to any address below it the guard gap
 * allows, as a stack does (measured: p[-100 pages] grows it 100 pages). */
Test(fault, growsdown_mappings_grow_to_the_access)
{
	struct tk *t = tk_boot(64 * MB, 1);
	struct task_struct *p = tp_spawn(t, "growsdown", 0);
	uint64_t base = 0x200000000ULL;
	cr_assert_eq(sys_mmap(&t->k, p, base, 4 * 4096, PROT_READ | PROT_WRITE,
			     MAP_PRIVATE | MAP_ANONYMOUS | MAP_GROWSDOWN | MAP_FIXED, -1, 0), (long)base);
	cr_assert_eq(tp_write(t, p, base - 1, "a", 1), 0);
	cr_assert_eq(vma_lookup(p->mm, base - 1)->vm_start, base - 4096);
	cr_assert_eq(tp_write(t, p, base - 100 * 4096, "b", 1), 0);
	struct vm_area_struct *v = vma_lookup(p->mm, base);
	cr_assert_eq(v->vm_start, base - 100 * 4096);
	cr_assert_eq(v->vm_end, base + 4 * 4096);
	/* a mapping within the guard gap below blocks the growth */
	cr_assert_eq(sys_mmap(&t->k, p, base - 400 * 4096, 4096, PROT_READ,
			     MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0), (long)(base - 400 * 4096));
	cr_assert_eq(tp_write(t, p, base - 200 * 4096, "c", 1), -EFAULT);
	cr_assert_eq(p->fatal.si_code, SEGV_MAPERR);
	tk_free(t);
}

struct steps {
	char names[64][32];
	int n;
};

static void record_step(void *ctx, int cpu, const char *func, const char *text)
{
	struct steps *s = ctx;
	(void)cpu;
	(void)text;
	if (s->n < 64)
		snprintf(s->names[s->n++], sizeof s->names[0], "%s", func);
}

static int step_index(const struct steps *s, const char *func)
{
	for (int i = 0; i < s->n; i++)
		if (!strcmp(s->names[i], func))
			return i;
	return -1;
}

/* Seed 000's steps of a first write, each named after the Linux function
 * doing it, in order. */
Test(fault, the_steps_of_a_fault_are_narrated_in_order)
{
	struct tk *t = tk_boot(64 * MB, 1);
	struct task_struct *p = tp_spawn(t, "steps", 0);
	uint64_t a = tp_mmap(t, p, 1 << 20, PROT_READ | PROT_WRITE, MAP_PRIVATE);
	struct steps s = { .n = 0 };
	t->k.trace_fn = record_step;
	t->k.trace_ctx = &s;
	cr_assert_eq(tp_write(t, p, a + 500000, "A", 1), 0);
	t->k.trace_fn = NULL;
	const char *order[] = { "exc_page_fault", "lock_mm_and_find_vma", "access_error",
				"__pte_alloc", "handle_mm_fault", "do_anonymous_page" };
	int last = -1;
	for (unsigned i = 0; i < ARRAY_SIZE(order); i++) {
		int at = step_index(&s, order[i]);
		cr_assert_gt(at, last, "%s comes after the step before it (at %d, previous %d)", order[i], at, last);
		last = at;
	}
	tk_free(t);
}

struct texts {
	char lines[16][160];
	int n;
};

static void record_text(void *ctx, int cpu, const char *func, const char *text)
{
	struct texts *s = ctx;
	(void)cpu;
	if (s->n < 16)
		snprintf(s->lines[s->n++], sizeof s->lines[0], "%s: %s", func, text);
}

/* A read fault in shared memory whose pages are cached maps the cached pages
 * around it too, and names each by its page number in the object, also the
 * pages before the faulting one (once printed as 2^52 and more). */
Test(fault, fault_around_names_each_page_it_maps_by_its_number)
{
	struct tk *t = tk_boot(64 * MB, 1);
	struct task_struct *p = tp_spawn(t, "around", 0);
	const uint64_t a = 0x10000000;   /* the first entry of a 16-entry window */
	char c;
	cr_assert_eq(sys_mmap(&t->k, p, a, 4 * 4096, PROT_READ | PROT_WRITE,
			     MAP_SHARED | MAP_ANONYMOUS | MAP_FIXED, -1, 0), (long)a);
	for (int i = 0; i < 4; i++)
		cr_assert_eq(tp_write(t, p, a + (uint64_t)i * 4096, "x", 1), 0);
	cr_assert_eq(do_madvise(&t->k, p, a, 4 * 4096, MADV_DONTNEED), 0);
	struct texts s = { .n = 0 };
	t->k.trace_fn = record_text;
	t->k.trace_ctx = &s;
	cr_assert_eq(tp_read(t, p, a + 3 * 4096, &c, 1), 0);
	t->k.trace_fn = NULL;
	int seen = 0;
	for (int i = 0; i < s.n; i++) {
		char want[96];
		snprintf(want, sizeof want, "filemap_map_pages: page %d of /dev/zero (deleted) at %#llx:",
			 seen, (unsigned long long)(a + (uint64_t)seen * 4096));
		if (!strncmp(s.lines[i], "filemap_map_pages:", 18)) {
			cr_assert(!strncmp(s.lines[i], want, strlen(want)), "got \"%s\", want \"%s\"",
				  s.lines[i], want);
			seen++;
		}
	}
	cr_assert_eq(seen, 4, "the four cached pages are mapped around the fault");
	tk_free(t);
}

/* No frame for a fault: the OOM killer's message and SIGKILL, not a BUG.
 * The process is not init (pid 1), whom the OOM killer never takes. */
Test(fault, out_of_memory_in_a_fault_kills_the_process)
{
	struct tk *t = tk_boot(16 * MB, 1);
	tp_spawn(t, "init", 0);
	struct task_struct *p = tp_spawn(t, "hog", 0);
	uint64_t len = 64 * MB;
	long a = sys_mmap(&t->k, p, 0, len, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	cr_assert_gt(a, 0);
	uint64_t oom0 = t->k.vm_events[OOM_KILL];
	int rc = 0;
	for (uint64_t off = 0; off < len && !rc; off += 4096)
		rc = tp_write(t, p, (uint64_t)a + off, "x", 1);
	cr_assert_eq(rc, -EFAULT, "16 MiB of RAM cannot hold 64 MiB");
	cr_assert_eq(p->fatal.si_signo, SIGKILL);
	cr_assert_eq(t->k.vm_events[OOM_KILL] - oom0, 1);
	cr_assert(tk_log_contains(t, "Out of memory: Killed process 2 (hog)"));
	cr_assert_eq(t->k.nr_bug_reports, 0);
	do_group_exit(&t->k, p, 128 + SIGKILL);
	tk_assert_consistent(t);
	tk_free(t);
}
