/* The kernel's own stores and loads through the caches (kernel/kaccess.h):
 * a fault's clear_page and set_pte_at, a COW fault's copy_page, made by
 * the core the kernel runs on, leave their lines in that core's caches. */
#include "proc_helpers.h"

#include "hw/coherence.h"
#include "hw/mem.h"
#include "kernel/fs.h"
#include "kernel/pgtable.h"
#include "kernel/task.h"

#include <string.h>

#define MB (1ULL << 20)
#define PG 4096ULL

/* The state core c holds each line of the frame at pa in: all st. */
static void frame_lines_are(struct tk *t, int c, uint64_t pa, enum hw_line_state st, const char *what)
{
	for (uint64_t off = 0; off < PG; off += 64)
		cr_assert_eq(hw_mem_line_state(&t->hw.mem, c, (pa + off) >> 6), st, "%s: line +%#llx of %#llx is %s",
			     what, (unsigned long long)off, (unsigned long long)pa,
			     hw_line_state_name(hw_mem_line_state(&t->hw.mem, c, (pa + off) >> 6)));
}

Test(kaccess, fault_and_cow_go_through_the_cores_caches)
{
	struct hw_config cfg = tk_hw_config(256 * MB, 2, 4, "zen5");
	cr_assert(cfg.mem.on, "zen5 has its caches on");
	struct tk *t = tk_boot_hw(&cfg);
	struct task_struct *p = tp_spawn(t, "p", 0);
	uint64_t a = tp_mmap(t, p, PG, PROT_READ | PROT_WRITE, MAP_PRIVATE);
	struct hw_counters *c0 = &t->hw.cpus[0].ctr;
	uint64_t reads = c0->mem_dram_reads;
	cr_assert_eq(tp_write(t, p, a + 0x10, "x", 1), 0);
	uint64_t pa = tp_pte(t, p, a) & 0x000ffffffffff000ULL;
	/* the user wrote one line; the kernel's clear_page wrote all 64 */
	frame_lines_are(t, 0, pa, HW_LS_M, "cleared by cpu0");
	cr_assert_geq(c0->mem_dram_reads - reads, 64, "the page's lines came from memory");
	frame_lines_are(t, 1, pa, HW_LS_I, "cpu1 did nothing");

	/* a child on cpu1 writes: its COW fault loads the old page and stores
	 * the copy through cpu1's caches; the old lines come from cpu0 */
	int err;
	struct task_struct *ch = copy_process(&t->k, p, 1, &err);
	cr_assert_not_null(ch, "fork: %d", err);
	uint64_t c2c = t->hw.cpus[1].ctr.mem_c2c;
	cr_assert_eq(tp_write(t, ch, a + 0x10, "y", 1), 0);
	uint64_t copy = tp_pte(t, ch, a) & 0x000ffffffffff000ULL;
	cr_assert_neq(copy, pa, "a copy");
	frame_lines_are(t, 1, copy, HW_LS_M, "the copy, stored by cpu1");
	frame_lines_are(t, 1, pa, HW_LS_S, "the original, loaded by cpu1");
	frame_lines_are(t, 0, pa, HW_LS_O, "cpu0 supplied its M lines (MOESI: it stays the owner)");
	cr_assert_geq(t->hw.cpus[1].ctr.mem_c2c - c2c, 64, "cache-to-cache transfers");
	char err2[200];
	cr_assert_eq(hw_mem_check(&t->hw.mem, err2, sizeof err2), 0, "%s", err2);
	tk_assert_consistent(t);
	tk_free(t);
}

/* The line of the entry mapping va in p's page tables (p's mm). */
static uint64_t pte_line(struct tk *t, struct task_struct *p, uint64_t va)
{
	int err = 0;
	pte_t *pte = pte_walk(&t->k, p->mm, va, false, &err);
	cr_assert_not_null(pte, "a PTE for %#llx", (unsigned long long)va);
	return virt_to_phys(&t->k, pte) >> 6;
}

/* cpu1 takes the line for itself (a store): cpu0's copy goes. */
static void steal(struct tk *t, uint64_t line)
{
	hw_mem_access(&t->hw.cpus[1], line << 6, 8, HW_REF_STORE);
	cr_assert_eq(hw_mem_line_state(&t->hw.mem, 0, line), HW_LS_I);
}

/* The kernel's writes of page-table entries beyond a fault's set_pte_at
 * are cpu0's stores too: mprotect's rewrite (change_pte_range), fork's
 * copy of the parent's entries into the child's table (copy_pte_range)
 * and munmap's clearing (zap_pte_range) each take the entries' line into
 * cpu0's caches in M, invalidating another core's copy. */
Test(kaccess, page_table_writes_go_through_the_cores_caches)
{
	struct hw_config cfg = tk_hw_config(256 * MB, 2, 4, "zen5");
	struct tk *t = tk_boot_hw(&cfg);
	struct task_struct *p = tp_spawn(t, "p", 0);
	uint64_t a = tp_mmap(t, p, 4 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE);
	tp_touch(t, p, a, 4 * PG, true);
	uint64_t line = pte_line(t, p, a);
	steal(t, line);
	cr_assert_eq(do_mprotect_pkey(&t->k, p, a, 4 * PG, PROT_READ), 0);
	cr_assert_eq(hw_mem_line_state(&t->hw.mem, 0, line), HW_LS_M, "mprotect: cpu0 rewrote the entries");
	cr_assert_eq(hw_mem_line_state(&t->hw.mem, 1, line), HW_LS_I);

	int err;
	struct task_struct *ch = copy_process(&t->k, p, 1, &err);
	cr_assert_not_null(ch, "fork: %d", err);
	uint64_t child = pte_line(t, ch, a);
	cr_assert_neq(child, line);
	cr_assert_eq(hw_mem_line_state(&t->hw.mem, t->k.this_cpu, child), HW_LS_M,
		     "fork: the forking core wrote the child's entries");

	steal(t, line);
	cr_assert_eq(do_munmap(&t->k, p, a, 4 * PG), 0);
	cr_assert_eq(hw_mem_line_state(&t->hw.mem, 0, line), HW_LS_M, "munmap: cpu0 cleared the entries");
	char err2[200];
	cr_assert_eq(hw_mem_check(&t->hw.mem, err2, sizeof err2), 0, "%s", err2);
	tk_assert_consistent(t);
	tk_free(t);
}

/* cpu0's references to its L1d so far (hits and misses). */
static uint64_t l1d_refs(struct tk *t)
{
	const struct hw_counters *c = &t->hw.cpus[0].ctr;
	return c->mem_hit[HW_CACHE_L1D] + c->mem_miss[HW_CACHE_L1D];
}

/* pwrite and pread copy between the caller and the page cache's page:
 * the kernel's stores into the page (generic_perform_write) and loads
 * from it (filemap_read) are its core's, line by line: 64 for a page. */
Test(kaccess, file_reads_and_writes_go_through_the_cores_caches)
{
	struct hw_config cfg = tk_hw_config(256 * MB, 2, 4, "zen5");
	struct tk *t = tk_boot_hw(&cfg);
	struct task_struct *p = tp_spawn(t, "p", 0);
	int fd = sys_memfd_create(&t->k, p, "f", 0);
	cr_assert_geq(fd, 0);
	static char buf[PG];
	memset(buf, 7, sizeof buf);
	uint64_t before = l1d_refs(t);
	cr_assert_eq(ksys_pwrite64(&t->k, p, fd, buf, PG, 0), (int64_t)PG);
	cr_assert_eq(l1d_refs(t) - before, 64, "the copy's stores: %llu", (unsigned long long)(l1d_refs(t) - before));
	before = l1d_refs(t);
	uint64_t hits = t->hw.cpus[0].ctr.mem_hit[HW_CACHE_L1D];
	cr_assert_eq(ksys_pread64(&t->k, p, fd, buf, PG, 0), (int64_t)PG);
	cr_assert_eq(l1d_refs(t) - before, 64, "the copy's loads");
	cr_assert_eq(t->hw.cpus[0].ctr.mem_hit[HW_CACHE_L1D] - hits, 64, "all in cpu0's L1d, where pwrite left them");
	char err2[200];
	cr_assert_eq(hw_mem_check(&t->hw.mem, err2, sizeof err2), 0, "%s", err2);
	tk_free(t);
}
