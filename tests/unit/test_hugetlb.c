/*
 * hugetlbfs: the pools and their knobs, reservations at mmap, faults that
 * map PMD and PUD leaves, copy-on-write after fork, shared mappings and
 * memfd_create(MFD_HUGETLB), surplus pages, the views (meminfo, smaps,
 * pagemap, kpageflags, sysfs). Every test ends with the consistency
 * checker, which knows hugetlb folios.
 */
#include "proc_helpers.h"

#include "kernel/fs.h"
#include "kernel/huge_mm.h"
#include "kernel/hugetlb.h"
#include "kernel/mm.h"
#include "kernel/mman.h"
#include "kernel/pgtable.h"
#include "kernel/sysctl.h"
#include "kernel/task.h"
#include "kernel/vmstat.h"
#include "procfs/internal.h"
#include "procfs/procfs.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MB (1ULL << 20)
#define GB (1ULL << 30)
#define PG 4096ULL
#define HP (2 * MB)
#define RW (PROT_READ | PROT_WRITE)
#define HUGE_ANON (MAP_PRIVATE | MAP_ANONYMOUS | MAP_HUGETLB)

static struct tk *t;
static struct task_struct *p;

/* A machine of 2 GiB RAM with pools of n2 2 MiB and n1 1 GiB pages. */
static void boot(uint64_t n2, uint64_t n1, uint64_t ram)
{
	struct hw_config cfg = tk_hw_config(ram, 2, 4, "default");
	struct kernel_config kcfg = { .nr_hugepages = { n2, n1 } };
	t = tk_boot_kcfg(&cfg, &kcfg);
	p = tp_spawn(t, "huge", 0);
}

static void setup(void)
{
	boot(4, 0, 512 * MB);
}

static void teardown(void)
{
	tk_assert_consistent(t);
	tk_free(t);
}

TestSuite(hugetlb, .init = setup, .fini = teardown);

static uint64_t field_in(const char *text, const char *label)
{
	const char *s = strstr(text, label);
	cr_assert_not_null(s, "no %s in:\n%s", label, text);
	return strtoull(s + strlen(label), NULL, 10);
}

static uint64_t proc_field(const char *path, const char *label)
{
	char *s = tk_proc(t, path);
	uint64_t v = field_in(s, label);
	free(s);
	return v;
}

/* The smaps field label of the VMA holding va, in kB. */
static uint64_t smaps_kb(struct task_struct *task, uint64_t va, const char *label)
{
	char path[64], hex[32];
	snprintf(path, sizeof path, "/proc/%d/smaps", task->pid);
	char *s = tk_proc(t, path);
	snprintf(hex, sizeof hex, "%llx-", (unsigned long long)find_vma(task->mm, va)->vm_start);
	const char *block = strstr(s, hex);
	cr_assert_not_null(block);
	uint64_t v = field_in(block, label);
	free(s);
	return v;
}

static const struct hstate *h2(void)
{
	return &t->k.hstates[0];
}

static int64_t huge_mmap(uint64_t len, unsigned long flags)
{
	return sys_mmap(&t->k, p, 0, len, RW, flags, -1, 0);
}

/* The pool at boot, and its knobs: vm.nr_hugepages, the sysfs files,
 * meminfo; shrinking and growing it through the sysctl. */
Test(hugetlb, the_pool_and_its_knobs)
{
	char buf[64], eb[128];
	cr_assert_eq(h2()->nr_huge_pages, 4);
	cr_assert_eq(h2()->free_huge_pages, 4);
	cr_assert_eq(proc_field("/proc/meminfo", "HugePages_Total:"), 4);
	cr_assert_eq(proc_field("/proc/meminfo", "Hugetlb:"), 8192);
	cr_assert_eq(proc_field("/proc/vmstat", "nr_hugetlb "), 4 * 512);
	cr_assert_eq(proc_field("/sys/kernel/mm/hugepages/hugepages-2048kB/free_hugepages", ""), 4);
	cr_assert_eq(sysctl_write(&t->k, "vm.nr_hugepages", "2", eb, sizeof eb), 0);
	cr_assert_eq(sysctl_read(&t->k, "vm.nr_hugepages", buf, sizeof buf), 0);
	cr_assert_str_eq(buf, "2");
	cr_assert_eq(sysctl_write(&t->k, "kernel.mm.hugepages.hugepages-2048kB.nr_hugepages", "6", eb, sizeof eb), 0);
	cr_assert_eq(h2()->nr_huge_pages, 6);
	cr_assert_eq(sysctl_write(&t->k, "kernel.mm.hugepages.hugepages-2048kB.free_hugepages", "1", eb, sizeof eb),
		     -EACCES);
	cr_assert_eq(sysctl_write(&t->k, "vm.nr_hugepages", "-1", eb, sizeof eb), -EINVAL);
	cr_assert_eq(sysctl_write(&t->k, "kernel.mm.hugepages.hugepages-1048576kB.nr_overcommit_hugepages", "1", eb,
				  sizeof eb), -EINVAL, "gigantic pages are never overcommitted");
	cr_assert_eq(t->k.vm_events[HTLB_BUDDY_PGALLOC], 8, "4 at boot, 4 more to grow from 2 to 6");
}

/* mmap reserves the mapping's huge pages: ENOMEM past the pool, unless
 * MAP_NORESERVE; munmap gives the unused reservations back. */
Test(hugetlb, mmap_reserves_and_munmap_unreserves)
{
	int64_t a = huge_mmap(3 * HP, HUGE_ANON);
	cr_assert_gt(a, 0);
	cr_assert_eq(a & (HP - 1), 0, "aligned to its huge page");
	cr_assert_eq(h2()->resv_huge_pages, 3);
	cr_assert_eq(proc_field("/proc/meminfo", "HugePages_Rsvd:"), 3);
	cr_assert_eq(huge_mmap(2 * HP, HUGE_ANON), -ENOMEM);
	int64_t n = huge_mmap(8 * HP, HUGE_ANON | MAP_NORESERVE);
	cr_assert_gt(n, 0);
	cr_assert_eq(h2()->resv_huge_pages, 3);
	cr_assert_eq(do_munmap(&t->k, p, (uint64_t)a, PG), -EINVAL, "less than a huge page");
	cr_assert_eq(do_munmap(&t->k, p, (uint64_t)a + HP, HP), 0);
	cr_assert_eq(h2()->resv_huge_pages, 2);
	cr_assert_eq(do_munmap(&t->k, p, (uint64_t)a, 3 * HP), 0);
	cr_assert_eq(h2()->resv_huge_pages, 0);
}

/* A read fault maps a zeroed huge page read-only by a PMD leaf, using the
 * reservation; the write after it reuses the page in place; views. */
Test(hugetlb, faults_map_pmd_leaves)
{
	uint64_t a = (uint64_t)huge_mmap(2 * HP, HUGE_ANON), flt = p->min_flt;
	uint8_t b[8], v = 0x77;
	cr_assert_eq(tp_read(t, p, a + 100, b, sizeof b), 0);
	cr_assert_eq(p->min_flt, flt + 1);
	pte_t e;
	cr_assert_eq(pgtable_lookup(&t->k, p->mm, a + HP - 1, &e), 2, "a PMD leaf");
	cr_assert(!(e & _PAGE_RW));
	for (int i = 0; i < 8; i++)
		cr_assert_eq(b[i], 0);
	cr_assert_eq(h2()->resv_huge_pages, 1);
	cr_assert_eq(h2()->free_huge_pages, 3);
	cr_assert_eq(tp_write(t, p, a + 5, &v, 1), 0);
	cr_assert_eq(p->min_flt, flt + 2, "the write after the read faults once more");
	uint64_t pfn = pte_pfn(e);
	cr_assert_eq(pgtable_lookup(&t->k, p->mm, a, &e), 2);
	cr_assert_eq(pte_pfn(e), pfn, "reused in place");
	cr_assert(e & _PAGE_RW);
	tp_touch(t, p, a, HP, true);
	cr_assert_eq(p->min_flt, flt + 2, "one fault per huge page");
	cr_assert_eq(tp_write(t, p, a + HP + 9, &v, 1), 0);
	cr_assert_eq(p->min_flt, flt + 3, "a write fault maps it writable at once");
	cr_assert_eq(h2()->resv_huge_pages, 0);
	cr_assert_eq(smaps_kb(p, a, "Private_Hugetlb:"), 4096);
	cr_assert_eq(smaps_kb(p, a, "Rss:"), 0);
	cr_assert_eq(smaps_kb(p, a, "KernelPageSize:"), 2048);
	uint64_t pm[2];
	struct procfs_cred cred = { .cap_sys_admin = true };
	cr_assert_eq(pagemap_read(&t->k, p, ((a + 3 * PG) >> 12) * 8, pm, sizeof pm, &cred), 16);
	cr_assert_eq(pm[0] & PM_PFRAME_MASK, pfn + 3);
	cr_assert_eq(pm[1] & PM_PFRAME_MASK, pfn + 4);
	cr_assert(pm[0] & PM_PRESENT);
	cr_assert(pm[0] & PM_MMAP_EXCLUSIVE);
	cr_assert(!(pm[0] & PM_FILE));
	uint64_t head = stable_page_flags(&t->k, pfn), tail = stable_page_flags(&t->k, pfn + 1);
	cr_assert(head & (1ULL << KPF_HUGE));
	cr_assert(head & (1ULL << KPF_COMPOUND_HEAD));
	cr_assert(tail & (1ULL << KPF_COMPOUND_TAIL));
	cr_assert(tail & (1ULL << KPF_HUGE));
	cr_assert(!(head & (1ULL << KPF_THP)));
	do_munmap(&t->k, p, a, 2 * HP);
	cr_assert_eq(h2()->free_huge_pages, 4, "the pages go back to the pool");
}

/* fork shares the private huge pages read-only; the child's write copies
 * the whole huge page; the parent, then alone, writes in place. */
Test(hugetlb, fork_and_copy_on_write)
{
	uint64_t a = (uint64_t)huge_mmap(HP, HUGE_ANON);
	uint8_t v = 1, b = 0;
	cr_assert_eq(tp_write(t, p, a + 10, &v, 1), 0);
	int err;
	struct task_struct *c = copy_process(&t->k, p, 1, &err);
	cr_assert_not_null(c);
	pte_t pe, ce;
	cr_assert_eq(pgtable_lookup(&t->k, p->mm, a, &pe), 2);
	cr_assert_eq(pgtable_lookup(&t->k, c->mm, a, &ce), 2);
	cr_assert_eq(pte_pfn(pe), pte_pfn(ce));
	cr_assert(!(pe & _PAGE_RW) && !(ce & _PAGE_RW));
	cr_assert_eq(smaps_kb(c, a, "Shared_Hugetlb:"), 2048);
	v = 2;
	cr_assert_eq(tp_write(t, c, a + 10, &v, 1), 0);
	cr_assert_eq(pgtable_lookup(&t->k, c->mm, a, &ce), 2);
	cr_assert_neq(pte_pfn(pe), pte_pfn(ce), "the child copied the huge page");
	cr_assert_eq(tp_read(t, p, a + 10, &b, 1), 0);
	cr_assert_eq(b, 1);
	cr_assert_eq(tp_read(t, c, a + 10, &b, 1), 0);
	cr_assert_eq(b, 2);
	cr_assert_eq(h2()->free_huge_pages, 2);
	v = 3;
	cr_assert_eq(tp_write(t, p, a + 10, &v, 1), 0);
	cr_assert_eq(pgtable_lookup(&t->k, p->mm, a, &pe), 2);
	cr_assert(pe & _PAGE_RW);
	cr_assert_eq(h2()->free_huge_pages, 2, "the parent reused its page");
	do_group_exit(&t->k, c, 0);
	cr_assert_eq(h2()->free_huge_pages, 3);
}

/* MAP_NORESERVE: faults take free pages until none is left: SIGBUS. */
Test(hugetlb, noreserve_faults_until_the_pool_is_empty)
{
	uint64_t a = (uint64_t)huge_mmap(5 * HP, HUGE_ANON | MAP_NORESERVE);
	uint8_t v = 1;
	for (int i = 0; i < 4; i++)
		cr_assert_eq(tp_write(t, p, a + i * HP, &v, 1), 0);
	cr_assert_eq(tp_write(t, p, a + 4 * HP, &v, 1), -EFAULT);
	cr_assert_eq(p->fatal.si_signo, SIGBUS);
}

/* nr_overcommit_hugepages: surplus pages cover what the pool cannot, and
 * go back to the buddy allocator when unmapped. */
Test(hugetlb, surplus_pages)
{
	char eb[128];
	cr_assert_eq(sysctl_write(&t->k, "vm.nr_overcommit_hugepages", "2", eb, sizeof eb), 0);
	int64_t a = huge_mmap(6 * HP, HUGE_ANON);
	cr_assert_gt(a, 0);
	cr_assert_eq(h2()->surplus_huge_pages, 2);
	cr_assert_eq(proc_field("/proc/meminfo", "HugePages_Surp:"), 2);
	cr_assert_eq(huge_mmap(HP, HUGE_ANON), -ENOMEM);
	tp_touch(t, p, (uint64_t)a, 6 * HP, true);
	cr_assert_eq(sysctl_write(&t->k, "vm.nr_hugepages", "1", eb, sizeof eb), 0);
	cr_assert_eq(h2()->nr_huge_pages, 6, "pages in use stay, as surplus");
	cr_assert_eq(h2()->surplus_huge_pages, 5);
	do_munmap(&t->k, p, (uint64_t)a, 6 * HP);
	cr_assert_eq(h2()->nr_huge_pages, 1);
	cr_assert_eq(h2()->surplus_huge_pages, 0);
}

/* Shared hugetlb memory: memfd_create(MFD_HUGETLB), whole huge page
 * sizes, two mappings sharing the pages, the page cache keeping them. */
Test(hugetlb, memfd_hugetlb_is_shared)
{
	int fd = sys_memfd_create(&t->k, p, "h", MFD_HUGETLB);
	cr_assert_geq(fd, 0);
	cr_assert_eq(sys_memfd_create(&t->k, p, "h", MFD_HUGETLB | (20u << MFD_HUGE_SHIFT)), -ENODEV);
	cr_assert_eq(sys_memfd_create(&t->k, p, "h", 21u << MFD_HUGE_SHIFT), -EINVAL);
	cr_assert_eq(do_sys_ftruncate(&t->k, p, fd, PG), -EINVAL);
	cr_assert_eq(do_sys_ftruncate(&t->k, p, fd, 2 * HP), 0);
	int64_t x = sys_mmap(&t->k, p, 0, 2 * HP, RW, MAP_SHARED, fd, 0);
	int64_t y = sys_mmap(&t->k, p, 0, HP, RW, MAP_SHARED, fd, HP);
	cr_assert_gt(x, 0);
	cr_assert_gt(y, 0);
	cr_assert_eq(h2()->resv_huge_pages, 2, "the second mapping reserves nothing more");
	uint8_t v = 9, b = 0;
	cr_assert_eq(tp_write(t, p, (uint64_t)x + HP + 1, &v, 1), 0);
	cr_assert_eq(tp_read(t, p, (uint64_t)y + 1, &b, 1), 0);
	cr_assert_eq(b, 9);
	cr_assert_eq(h2()->resv_huge_pages, 1);
	cr_assert_eq(smaps_kb(p, (uint64_t)x, "Shared_Hugetlb:"), 2048, "mapped twice");
	cr_assert_eq(smaps_kb(p, (uint64_t)y, "Shared_Hugetlb:"), 2048);
	char buf[8];
	cr_assert_eq(ksys_pread64(&t->k, p, fd, buf, 1, HP + 1), 1);
	cr_assert_eq(buf[0], 9);
	cr_assert_eq(ksys_pwrite64(&t->k, p, fd, "x", 1, 0), -EINVAL);
	do_munmap(&t->k, p, (uint64_t)x, 2 * HP);
	do_munmap(&t->k, p, (uint64_t)y, HP);
	cr_assert_eq(h2()->free_huge_pages, 3, "the page cache keeps the file's page");
	cr_assert_eq(do_sys_ftruncate(&t->k, p, fd, 0), 0);
	cr_assert_eq(h2()->free_huge_pages, 4);
	cr_assert_eq(h2()->resv_huge_pages, 0);
}

/* A 1 GiB page: from a contiguous range, mapped by a PUD leaf, zeroed,
 * PFNs running on through the GiB. */
Test(hugetlb, a_gigantic_page_is_a_pud_leaf)
{
	tk_free(t);                      /* the suite's 512 MiB machine: this one needs 3 GiB */
	boot(0, 1, 3 * GB);
	const struct hstate *g = &t->k.hstates[1];
	cr_assert_eq(g->nr_huge_pages, 1);
	int64_t a = huge_mmap(GB, HUGE_ANON | (30UL << MAP_HUGE_SHIFT));
	cr_assert_gt(a, 0);
	cr_assert_eq(a & (GB - 1), 0);
	cr_assert_eq(huge_mmap(GB, HUGE_ANON | (30UL << MAP_HUGE_SHIFT)), -ENOMEM);
	uint8_t v = 4, b = 1;
	cr_assert_eq(tp_write(t, p, (uint64_t)a + GB - 1, &v, 1), 0);
	cr_assert_eq(tp_read(t, p, (uint64_t)a + 12345, &b, 1), 0);
	cr_assert_eq(b, 0);
	pte_t e;
	cr_assert_eq(pgtable_lookup(&t->k, p->mm, (uint64_t)a + 7 * HP, &e), 3, "a PUD leaf");
	cr_assert_eq(pte_pfn(e) & ((GB >> 12) - 1), 0);
	cr_assert_eq(smaps_kb(p, (uint64_t)a, "KernelPageSize:"), 1048576);
	cr_assert_eq(do_munmap(&t->k, p, (uint64_t)a, HP), -EINVAL);
	cr_assert_eq(do_munmap(&t->k, p, (uint64_t)a, GB), 0);
	cr_assert_eq(g->free_huge_pages, 1);
	char eb[128];
	cr_assert_eq(sysctl_write(&t->k, "kernel.mm.hugepages.hugepages-1048576kB.nr_hugepages", "0", eb, sizeof eb),
		     0);
	cr_assert_eq(g->nr_huge_pages, 0);
	cr_assert_eq(proc_field("/proc/meminfo", "Hugetlb:"), 0);
}

/* mincore: every 4 KiB piece of a mapped huge page is resident, of an
 * unmapped one not; a THP's too. */
Test(hugetlb, mincore_sees_huge_pages)
{
	uint64_t a = (uint64_t)huge_mmap(2 * HP, HUGE_ANON);
	uint8_t v = 1;
	cr_assert_eq(tp_write(t, p, a + HP + 7, &v, 1), 0);
	unsigned char *vec = calloc(1024, 1);
	cr_assert_eq(sys_mincore(&t->k, p, a, 2 * HP, vec), 0);
	for (int i = 0; i < 1024; i++)
		cr_assert_eq(vec[i], i >= 512, "page %d", i);
	uint64_t b = tp_mmap(t, p, 2 * HP, RW, MAP_PRIVATE | MAP_ANONYMOUS);
	uint64_t hb = (b + HP - 1) & ~(HP - 1);
	cr_assert_eq(do_madvise(&t->k, p, hb, HP, MADV_HUGEPAGE), 0);
	cr_assert_eq(tp_write(t, p, hb, &v, 1), 0);
	pte_t e;
	cr_assert_eq(pgtable_lookup(&t->k, p->mm, hb, &e), 2, "a THP");
	cr_assert_eq(sys_mincore(&t->k, p, hb, HP, vec), 0);
	for (int i = 0; i < 512; i++)
		cr_assert_eq(vec[i], 1, "THP page %d", i);
	free(vec);
}
