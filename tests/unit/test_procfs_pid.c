/*
 * The per-process /proc views (maps, smaps, smaps_rollup, pagemap, status,
 * statm) and the page-frame views (kpageflags, kpagecount).
 *
 * The expected smaps blocks were captured on the reference machine (Linux
 * 6.18 x86-64, THP "madvise") by a C program doing the same thing at the
 * same address (tests/data/linux-6.18/proc_pid_scenarios.c, mapping with
 * MAP_FIXED_NOREPLACE at 0x7e0000000000), then given the one
 * difference of configuration: the simulated kernel is built with
 * CONFIG_MEM_SOFT_DIRTY, as distributions build Linux (the reference
 * machine is not), so every VmFlags line ends in "sd " and every pagemap
 * entry inside a VMA has bit 55. Cases the reference machine cannot show
 * (it runs with pvm_no_zero_page=1 and without CONFIG_ANON_VMA_NAME, and
 * it delays LRU moves in per-CPU batches) are reasoned from
 * fs/proc/task_mmu.c and say so.
 */
#include "proc_helpers.h"

#include "common.h"
#include "kernel/memory.h"
#include "kernel/mm.h"
#include "kernel/pgtable.h"
#include "kernel/slab.h"
#include "procfs/procfs.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MB   (1ULL << 20)
#define PG   4096ULL
#define AT   0x7e0000000000ULL       /* where the host program mapped too */

static struct tk *t;
static struct task_struct *p;

static void setup(void)
{
	t = tk_boot(256 * MB, 2);
	p = tp_spawn(t, "prog", 0);
}

static void teardown(void)
{
	tk_assert_consistent(t);
	tk_free(t);
}

TestSuite(procfs_pid, .init = setup, .fini = teardown);

/* ---- helpers ------------------------------------------------------------------ */

/* The text of /proc/<pid of task>/<name>. */
static char *pid_file(struct task_struct *task, const char *name)
{
	char path[64];
	snprintf(path, sizeof path, "/proc/%d/%s", task->pid, name);
	return tk_proc(t, path);
}

/* mmap at a fixed address that must be free (MAP_FIXED_NOREPLACE). */
static void map_at(struct task_struct *task, uint64_t addr, uint64_t len, unsigned long prot,
		   unsigned long flags)
{
	long a = sys_mmap(&t->k, task, addr, len, prot, flags | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
	cr_assert_eq(a, (long)addr, "mmap at %#lx: %ld", (unsigned long)addr, a);
}

/* The smaps block of the VMA containing addr (malloc'd), or NULL. */
static char *smaps_block(struct task_struct *task, uint64_t addr)
{
	char *all = pid_file(task, "smaps"), *s = all, *found = NULL;
	while (*s && !found) {
		unsigned long long start, end;
		char *next = strstr(s, "VmFlags:");
		cr_assert_not_null(next, "smaps block without VmFlags");
		next = strchr(next, '\n') + 1;
		if (sscanf(s, "%llx-%llx", &start, &end) == 2 && start <= addr && addr < end)
			found = strndup(s, (size_t)(next - s));
		s = next;
	}
	free(all);
	return found;
}

/* Assert that the smaps block at addr is exactly want. */
static void assert_smaps(struct task_struct *task, uint64_t addr, const char *want)
{
	char *got = smaps_block(task, addr);
	cr_assert_not_null(got, "no VMA at %#lx", (unsigned long)addr);
	cr_assert_str_eq(got, want, "smaps block at %#lx:\n%s\nwanted:\n%s", (unsigned long)addr, got, want);
	free(got);
}

/* The number after "label" in text (a "Label: N kB" line). */
static uint64_t field(const char *text, const char *label)
{
	const char *s = strstr(text, label);
	cr_assert_not_null(s, "no %s in:\n%s", label, text);
	return strtoull(s + strlen(label), NULL, 10);
}

/* The pagemap entry of addr in task, read by a reader with or without
 * CAP_SYS_ADMIN. */
static uint64_t pagemap_as(struct task_struct *task, uint64_t addr, bool admin)
{
	char path[64];
	uint64_t e = ~0ULL;
	struct procfs_cred cred = { admin };
	snprintf(path, sizeof path, "/proc/%d/pagemap", task->pid);
	cr_assert_eq(procfs_pread(&t->k, path, addr / PG * 8, &e, 8, &cred), 8);
	return e;
}

static uint64_t pagemap(struct task_struct *task, uint64_t addr)
{
	return pagemap_as(task, addr, true);
}

/* The frame mapping addr in task. */
static uint64_t pfn_at(struct task_struct *task, uint64_t addr)
{
	return pte_pfn(tp_pte(t, task, addr));
}

static uint64_t kpage(const char *file, uint64_t pfn)
{
	uint64_t v = ~0ULL;
	cr_assert_eq(procfs_pread(&t->k, file, pfn * 8, &v, 8, NULL), 8);
	return v;
}

static struct task_struct *fork_of(struct task_struct *parent, int cpu)
{
	int err;
	struct task_struct *c = copy_process(&t->k, parent, cpu, &err);
	cr_assert_not_null(c, "fork: %d", err);
	return c;
}

#define KPF(b) (1ULL << (b))

/* ---- maps --------------------------------------------------------------------- */

/* A process's image, heap, anonymous, shared and named memory, the special
 * mappings and the stack, then the vsyscall page that is no VMA. Each line
 * has the layout the reference machine prints for its kind of mapping. */
Test(procfs_pid, maps_of_a_process)
{
	cr_assert_eq(sys_brk(&t->k, p, p->mm->brk + 3 * PG), (long)(p->mm->start_brk + 3 * PG));
	map_at(p, AT, 3 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE);
	map_at(p, AT + MB, 2 * PG, PROT_READ | PROT_WRITE, MAP_SHARED);
	map_at(p, AT + 2 * MB, 4 * PG, PROT_READ, MAP_PRIVATE);
	cr_assert_eq(prctl_set_vma(&t->k, p, AT + 2 * MB + PG, 2 * PG, "my buf"), 0);
	static const char want[] =
		"555555554000-555555555000 r--p 00000000 08:01 1048576                    /usr/bin/prog\n"
		"555555555000-555555556000 r-xp 00001000 08:01 1048576                    /usr/bin/prog\n"
		"555555556000-555555557000 r--p 00002000 08:01 1048576                    /usr/bin/prog\n"
		"555555557000-555555558000 r--p 00002000 08:01 1048576                    /usr/bin/prog\n"
		"555555558000-555555559000 rw-p 00003000 08:01 1048576                    /usr/bin/prog\n"
		"555555559000-55555555c000 rw-p 00000000 00:00 0                          [heap]\n"
		"7e0000000000-7e0000003000 rw-p 00000000 00:00 0 \n"
		"7e0000100000-7e0000102000 rw-s 00000000 00:01 1                          /dev/zero (deleted)\n"
		"7e0000200000-7e0000201000 r--p 00000000 00:00 0 \n"
		"7e0000201000-7e0000203000 r--p 00000000 00:00 0                          [anon:my buf]\n"
		"7e0000203000-7e0000204000 r--p 00000000 00:00 0 \n"
		"7ffff7ff7000-7ffff7ffb000 r--p 00000000 00:00 0                          [vvar]\n"
		"7ffff7ffb000-7ffff7ffd000 r--p 00000000 00:00 0                          [vvar_vclock]\n"
		"7ffff7ffd000-7ffff7fff000 r-xp 00000000 00:00 0                          [vdso]\n"
		"7ffffffde000-7ffffffff000 rw-p 00000000 00:00 0                          [stack]\n"
		"ffffffffff600000-ffffffffff601000 --xp 00000000 00:00 0                  [vsyscall]\n";
	char *maps = pid_file(p, "maps");
	cr_assert_str_eq(maps, want, "%s", maps);
	free(maps);
}

/* Lines the blocks here share: 4 KiB pages; no KSM, lazily freed, huge or
 * swapped memory; for an untouched VMA, nothing resident. */
#define PAGE_SIZES "KernelPageSize:        4 kB\n" "MMUPageSize:           4 kB\n"
#define NOTHING_RESIDENT                  \
	"Rss:                   0 kB\n"   \
	"Pss:                   0 kB\n"   \
	"Pss_Dirty:             0 kB\n"   \
	"Shared_Clean:          0 kB\n"   \
	"Shared_Dirty:          0 kB\n"   \
	"Private_Clean:         0 kB\n"   \
	"Private_Dirty:         0 kB\n"   \
	"Referenced:            0 kB\n"   \
	"Anonymous:             0 kB\n"
#define NOTHING_ELSE                      \
	"KSM:                   0 kB\n"   \
	"LazyFree:              0 kB\n"   \
	"AnonHugePages:         0 kB\n"   \
	"ShmemPmdMapped:        0 kB\n"   \
	"FilePmdMapped:         0 kB\n"   \
	"Shared_Hugetlb:        0 kB\n"   \
	"Private_Hugetlb:       0 kB\n"   \
	"Swap:                  0 kB\n"   \
	"SwapPss:               0 kB\n"

/* ---- smaps: blocks captured on the reference machine ------------------------- */

static const char host_anon3[] =
	"7e0000000000-7e0000003000 rw-p 00000000 00:00 0 \n"
	"Size:                 12 kB\n"
	PAGE_SIZES
	"Rss:                   4 kB\n"
	"Pss:                   4 kB\n"
	"Pss_Dirty:             4 kB\n"
	"Shared_Clean:          0 kB\n"
	"Shared_Dirty:          0 kB\n"
	"Private_Clean:         0 kB\n"
	"Private_Dirty:         4 kB\n"
	"Referenced:            4 kB\n"
	"Anonymous:             4 kB\n"
	NOTHING_ELSE
	"Locked:                0 kB\n"
	"THPeligible:           0\n"
	"VmFlags: rd wr mr mw me ac sd \n";

static const char host_child[] =
	"7e0000000000-7e0000004000 rw-p 00000000 00:00 0 \n"
	"Size:                 16 kB\n"
	PAGE_SIZES
	"Rss:                  12 kB\n"
	"Pss:                   6 kB\n"
	"Pss_Dirty:             6 kB\n"
	"Shared_Clean:          0 kB\n"
	"Shared_Dirty:         12 kB\n"
	"Private_Clean:         0 kB\n"
	"Private_Dirty:         0 kB\n"
	"Referenced:            0 kB\n"
	"Anonymous:            12 kB\n"
	NOTHING_ELSE
	"Locked:                0 kB\n"
	"THPeligible:           0\n"
	"VmFlags: rd wr mr mw me ac sd \n";

static const char host_child_after_write[] =
	"7e0000000000-7e0000004000 rw-p 00000000 00:00 0 \n"
	"Size:                 16 kB\n"
	PAGE_SIZES
	"Rss:                  12 kB\n"
	"Pss:                   8 kB\n"
	"Pss_Dirty:             8 kB\n"
	"Shared_Clean:          0 kB\n"
	"Shared_Dirty:          8 kB\n"
	"Private_Clean:         0 kB\n"
	"Private_Dirty:         4 kB\n"
	"Referenced:            4 kB\n"
	"Anonymous:            12 kB\n"
	NOTHING_ELSE
	"Locked:                0 kB\n"
	"THPeligible:           0\n"
	"VmFlags: rd wr mr mw me ac sd \n";

static const char host_parent_after[] =
	"7e0000000000-7e0000004000 rw-p 00000000 00:00 0 \n"
	"Size:                 16 kB\n"
	PAGE_SIZES
	"Rss:                  12 kB\n"
	"Pss:                  12 kB\n"
	"Pss_Dirty:            12 kB\n"
	"Shared_Clean:          0 kB\n"
	"Shared_Dirty:          0 kB\n"
	"Private_Clean:         0 kB\n"
	"Private_Dirty:        12 kB\n"
	"Referenced:           12 kB\n"
	"Anonymous:            12 kB\n"
	NOTHING_ELSE
	"Locked:                0 kB\n"
	"THPeligible:           0\n"
	"VmFlags: rd wr mr mw me ac sd \n";

static const char host_mlock[] =
	"7e0000000000-7e0000002000 rw-p 00000000 00:00 0 \n"
	"Size:                  8 kB\n"
	PAGE_SIZES
	"Rss:                   8 kB\n"
	"Pss:                   8 kB\n"
	"Pss_Dirty:             8 kB\n"
	"Shared_Clean:          0 kB\n"
	"Shared_Dirty:          0 kB\n"
	"Private_Clean:         0 kB\n"
	"Private_Dirty:         8 kB\n"
	"Referenced:            8 kB\n"
	"Anonymous:             8 kB\n"
	NOTHING_ELSE
	"Locked:                8 kB\n"
	"THPeligible:           0\n"
	"VmFlags: rd wr mr mw me lo ac sd \n";

static const char host_rest[] =
	"7e0000002000-7e0000004000 rw-p 00000000 00:00 0 \n"
	"Size:                  8 kB\n"
	PAGE_SIZES
	NOTHING_RESIDENT
	NOTHING_ELSE
	"Locked:                0 kB\n"
	"THPeligible:           0\n"
	"VmFlags: rd wr mr mw me ac sd \n";

static const char host_shared_child[] =
	"7e0000000000-7e0000003000 rw-s 00000000 00:01 1                          /dev/zero (deleted)\n"
	"Size:                 12 kB\n"
	PAGE_SIZES
	"Rss:                   8 kB\n"
	"Pss:                   6 kB\n"
	"Pss_Dirty:             2 kB\n"
	"Shared_Clean:          0 kB\n"
	"Shared_Dirty:          4 kB\n"
	"Private_Clean:         4 kB\n"
	"Private_Dirty:         0 kB\n"
	"Referenced:            8 kB\n"
	"Anonymous:             0 kB\n"
	NOTHING_ELSE
	"Locked:                0 kB\n"
	"THPeligible:           0\n"
	"VmFlags: rd wr sh mr mw me ms sd \n";

static const char host_ro[] =
	"7e0000000000-7e0000002000 r--p 00000000 00:00 0 \n"
	"Size:                  8 kB\n"
	PAGE_SIZES
	"Rss:                   4 kB\n"
	"Pss:                   4 kB\n"
	"Pss_Dirty:             0 kB\n"
	"Shared_Clean:          0 kB\n"
	"Shared_Dirty:          0 kB\n"
	"Private_Clean:         4 kB\n"
	"Private_Dirty:         0 kB\n"
	"Referenced:            4 kB\n"
	"Anonymous:             4 kB\n"
	NOTHING_ELSE
	"Locked:                0 kB\n"
	"THPeligible:           0\n"
	"VmFlags: rd mr mw me sd \n";

static const char host_thp[] =
	"7e0000000000-7e0000400000 rw-p 00000000 00:00 0 \n"
	"Size:               4096 kB\n"
	PAGE_SIZES
	NOTHING_RESIDENT
	NOTHING_ELSE
	"Locked:                0 kB\n"
	"THPeligible:           1\n"
	"VmFlags: rd wr mr mw me ac sd hg \n";

/* Three private pages, one written: one resident, private and dirty page. */
Test(procfs_pid, smaps_private_anonymous)
{
	uint8_t b = 1;
	map_at(p, AT, 3 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE);
	tp_write(t, p, AT, &b, 1);
	assert_smaps(p, AT, host_anon3);
}

/* After fork the three written pages are shared: Pss halves, and the
 * child's copied entries start old, so nothing is Referenced. The child's
 * write copies one page; once the child is gone the parent's pages are
 * private again. */
Test(procfs_pid, smaps_after_fork_and_copy_on_write)
{
	map_at(p, AT, 4 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE);
	tp_touch(t, p, AT, 3 * PG, true);
	struct task_struct *c = fork_of(p, 1);
	assert_smaps(c, AT, host_child);
	uint8_t b = 2;
	tp_write(t, c, AT, &b, 1);
	assert_smaps(c, AT, host_child_after_write);
	do_group_exit(&t->k, c, 0);
	assert_smaps(p, AT, host_parent_after);
}

/* mlock splits the VMA, faults the second page in and counts Locked. */
Test(procfs_pid, smaps_locked)
{
	uint8_t b = 1;
	map_at(p, AT, 4 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE);
	tp_write(t, p, AT, &b, 1);
	cr_assert_eq(do_mlock(&t->k, p, AT, 2 * PG, 0), 0);
	assert_smaps(p, AT, host_mlock);
	assert_smaps(p, AT + 2 * PG, host_rest);
}

/* Shared anonymous memory written by the parent, then read by a child: the
 * written page is shared and dirty (the page itself is, though the child's
 * entry is clean), the page the child faulted in first is its own. */
Test(procfs_pid, smaps_shared_anonymous_after_fork)
{
	uint8_t b = 1;
	map_at(p, AT, 3 * PG, PROT_READ | PROT_WRITE, MAP_SHARED);
	tp_write(t, p, AT, &b, 1);
	struct task_struct *c = fork_of(p, 1);
	tp_touch(t, c, AT, 2 * PG, false);
	assert_smaps(c, AT, host_shared_child);
}

/* MADV_HUGEPAGE on 4 MiB (2 MiB aligned): eligible for THP. */
Test(procfs_pid, smaps_thp_eligible)
{
	map_at(p, AT, 4 * MB, PROT_READ | PROT_WRITE, MAP_PRIVATE);
	cr_assert_eq(do_madvise(&t->k, p, AT, 4 * MB, MADV_HUGEPAGE), 0);
	assert_smaps(p, AT, host_thp);
	map_at(p, AT + 8 * MB, 3 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE);
	cr_assert_eq(do_madvise(&t->k, p, AT + 8 * MB, 3 * PG, MADV_HUGEPAGE), 0);
	char *s = smaps_block(p, AT + 8 * MB);
	cr_assert_eq(field(s, "THPeligible:"), 0, "no room for an aligned 2 MiB page");
	free(s);
}

/* With transparent_hugepage/enabled "never" nothing is eligible. */
Test(procfs_pid, smaps_thp_never)
{
	struct tk *saved = t;
	struct hw_config cfg = tk_hw_config(256 * MB, 2, 4, "default");
	struct kernel_config kcfg = { .thp_never = true };
	t = tk_boot_kcfg(&cfg, &kcfg);
	struct task_struct *q = tp_spawn(t, "prog", 0);
	map_at(q, AT, 4 * MB, PROT_READ | PROT_WRITE, MAP_PRIVATE);
	cr_assert_eq(do_madvise(&t->k, q, AT, 4 * MB, MADV_HUGEPAGE), 0);
	char *s = smaps_block(q, AT);
	cr_assert_eq(field(s, "THPeligible:"), 0, "%s", s);
	free(s);
	tk_free(t);
	t = saved;
}

/* A page only read maps the shared zero page, which smaps does not count
 * (Linux: vm_normal_page is NULL for it). With the zero page off, as on the
 * reference machine (pvm_no_zero_page=1), the read gets a private clean
 * page and the block is the reference machine's. */
Test(procfs_pid, smaps_read_faults)
{
	uint8_t b;
	map_at(p, AT, 2 * PG, PROT_READ, MAP_PRIVATE);
	tp_read(t, p, AT, &b, 1);
	char *s = smaps_block(p, AT);
	cr_assert_eq(field(s, "Rss:"), 0, "%s", s);
	cr_assert_eq(field(s, "Anonymous:"), 0);
	cr_assert_eq(field(s, "Referenced:"), 0);
	free(s);

	struct tk *saved = t;
	struct hw_config cfg = tk_hw_config(256 * MB, 2, 4, "default");
	struct kernel_config kcfg = { .no_zero_page = true };
	t = tk_boot_kcfg(&cfg, &kcfg);
	struct task_struct *q = tp_spawn(t, "prog", 0);
	map_at(q, AT, 2 * PG, PROT_READ, MAP_PRIVATE);
	tp_read(t, q, AT, &b, 1);
	assert_smaps(q, AT, host_ro);
	tk_assert_consistent(t);
	tk_free(t);
	t = saved;
}

/* MADV_FREE (reasoned from madvise_free_pte_range and smaps_account: the
 * reference machine shows it only after its per-CPU LRU batch drains): the
 * freed pages' entries become clean and old and the pages lose
 * PG_swapbacked, so they are LazyFree; writing one again dirties its entry
 * and it is no longer lazily freeable. */
Test(procfs_pid, smaps_lazyfree)
{
	uint8_t b = 1;
	map_at(p, AT, 4 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE);
	tp_touch(t, p, AT, 4 * PG, true);
	cr_assert_eq(do_madvise(&t->k, p, AT, 2 * PG, MADV_FREE), 0);
	char *s = smaps_block(p, AT);
	cr_assert_eq(field(s, "LazyFree:"), 8, "%s", s);
	cr_assert_eq(field(s, "Private_Clean:"), 8);
	cr_assert_eq(field(s, "Private_Dirty:"), 8);
	cr_assert_eq(field(s, "Pss_Dirty:"), 8);
	cr_assert_eq(field(s, "Referenced:"), 8, "the freed entries are old");
	cr_assert_eq(field(s, "Anonymous:"), 16);
	free(s);
	tp_write(t, p, AT, &b, 1);
	s = smaps_block(p, AT);
	cr_assert_eq(field(s, "LazyFree:"), 4, "%s", s);
	cr_assert_eq(field(s, "Private_Dirty:"), 12);
	free(s);
}

/* The vsyscall block is the reference machine's (no soft-dirty flag: it is
 * no VMA of the process); the stack's flags are a stack's. */
Test(procfs_pid, smaps_stack_and_vsyscall)
{
	static const char vsyscall[] =
		"ffffffffff600000-ffffffffff601000 --xp 00000000 00:00 0                  [vsyscall]\n"
		"Size:                  4 kB\n"
		PAGE_SIZES
		NOTHING_RESIDENT
		NOTHING_ELSE
		"Locked:                0 kB\n"
		"THPeligible:           0\n"
		"VmFlags: ex \n";
	char *all = pid_file(p, "smaps");
	cr_assert_not_null(strstr(all, vsyscall));
	cr_assert_str_eq(strstr(all, vsyscall), vsyscall, "the vsyscall block comes last");
	free(all);
	char *s = smaps_block(p, p->mm->start_stack);
	cr_assert_not_null(strstr(s, " [stack]\n"));
	cr_assert_eq(field(s, "Rss:"), 4, "the argument page");
	cr_assert_not_null(strstr(s, "VmFlags: rd wr mr mw me gd ac sd \n"), "%s", s);
	free(s);
}

/* smaps_rollup: the header spans the first VMA to the last, the sums are
 * the sums of smaps, and Pss splits into anonymous, file and shmem. The
 * child of a process that wrote 3 private pages (plus its stack page) and
 * one shared page shares those 4 anonymous pages (16 kB, Pss 8, dirty, its
 * copied entries old) and the shared page (dirty, Pss 2); the second shared
 * page it faulted itself is private and clean (Pss 4); the two shared pages
 * it touched are its only Referenced ones. */
Test(procfs_pid, smaps_rollup_sums)
{
	uint8_t b = 1;
	map_at(p, AT, 4 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE);
	map_at(p, AT + MB, 2 * PG, PROT_READ | PROT_WRITE, MAP_SHARED);
	tp_touch(t, p, AT, 3 * PG, true);
	tp_write(t, p, AT + MB, &b, 1);
	struct task_struct *c = fork_of(p, 1);
	tp_touch(t, c, AT + MB, 2 * PG, false);
	char *r = pid_file(c, "smaps_rollup");
	static const char want[] =
		"555555554000-7ffffffff000 ---p 00000000 00:00 0                          [rollup]\n"
		"Rss:                  24 kB\n"
		"Pss:                  14 kB\n"
		"Pss_Dirty:            10 kB\n"
		"Pss_Anon:              8 kB\n"
		"Pss_File:              0 kB\n"
		"Pss_Shmem:             6 kB\n"
		"Shared_Clean:          0 kB\n"
		"Shared_Dirty:         20 kB\n"
		"Private_Clean:         4 kB\n"
		"Private_Dirty:         0 kB\n"
		"Referenced:            8 kB\n"
		"Anonymous:            16 kB\n"
		NOTHING_ELSE
		"Locked:                0 kB\n";
	cr_assert_str_eq(r, want, "%s", r);
	char *s = pid_file(c, "smaps");
	const char *labels[] = { "\nRss:", "\nShared_Dirty:", "\nPrivate_Clean:", "\nAnonymous:" };
	for (size_t i = 0; i < ARRAY_SIZE(labels); i++) {
		uint64_t sum = 0;
		for (const char *l = strstr(s, labels[i]); l; l = strstr(l + 1, labels[i]))
			sum += strtoull(l + strlen(labels[i]), NULL, 10);
		cr_assert_eq(sum, field(r, labels[i]), "%s", labels[i]);
	}
	free(s);
	free(r);
}

/* ---- maps: names -------------------------------------------------------------- */

/* The line of maps for the VMA containing addr (malloc'd). */
static char *maps_line(struct task_struct *task, uint64_t addr)
{
	char *all = pid_file(task, "maps"), *found = NULL;
	for (char *s = all; *s && !found;) {
		unsigned long long start, end;
		char *nl = strchr(s, '\n');
		if (sscanf(s, "%llx-%llx", &start, &end) == 2 && start <= addr && addr < end)
			found = strndup(s, (size_t)(nl + 1 - s));
		s = nl + 1;
	}
	free(all);
	cr_assert_not_null(found, "no VMA at %#lx", (unsigned long)addr);
	return found;
}

/* prctl(PR_SET_VMA_ANON_NAME) (reasoned from mm/madvise.c and
 * get_vma_name: the reference machine lacks CONFIG_ANON_VMA_NAME): a named
 * range is its own VMA, shown "[anon:NAME]"; the same name merges, no name
 * merges back; shared anonymous memory shows "[anon_shmem:NAME]". */
Test(procfs_pid, anon_vma_names)
{
	map_at(p, AT, 4 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE);
	int vmas = tp_vma_count(p);
	cr_assert_eq(prctl_set_vma(&t->k, p, AT + PG, 2 * PG, "buf 1"), 0);
	cr_assert_eq(tp_vma_count(p), vmas + 2);
	char *l = maps_line(p, AT + PG);
	cr_assert_str_eq(l, "7e0000001000-7e0000003000 rw-p 00000000 00:00 0                          [anon:buf 1]\n");
	free(l);
	cr_assert_eq(prctl_set_vma(&t->k, p, AT, PG, "buf 1"), 0);
	cr_assert_eq(tp_vma_count(p), vmas + 1, "merged with the same name");
	cr_assert_eq(prctl_set_vma(&t->k, p, AT, 4 * PG, NULL), 0);
	cr_assert_eq(tp_vma_count(p), vmas, "merged back");
	l = maps_line(p, AT);
	cr_assert_str_eq(l, "7e0000000000-7e0000004000 rw-p 00000000 00:00 0 \n");
	free(l);

	map_at(p, AT + MB, 2 * PG, PROT_READ | PROT_WRITE, MAP_SHARED);
	cr_assert_eq(prctl_set_vma(&t->k, p, AT + MB, 2 * PG, "ring"), 0);
	l = maps_line(p, AT + MB);
	cr_assert_str_eq(l, "7e0000100000-7e0000102000 rw-s 00000000 00:01 1                          [anon_shmem:ring]\n");
	free(l);
}

/* prctl's errors, as Linux returns them. */
Test(procfs_pid, anon_vma_name_errors)
{
	char name[81];
	map_at(p, AT, 4 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE);
	cr_assert_eq(prctl_set_vma(&t->k, p, AT, PG, "a[1]"), -EINVAL);
	cr_assert_eq(prctl_set_vma(&t->k, p, AT, PG, "tab\there"), -EINVAL);
	memset(name, 'x', 80);
	name[80] = '\0';
	cr_assert_eq(prctl_set_vma(&t->k, p, AT, PG, name), -EINVAL, "80 bytes is too long");
	name[79] = '\0';
	cr_assert_eq(prctl_set_vma(&t->k, p, AT, PG, name), 0, "79 is the most");
	cr_assert_eq(prctl_set_vma(&t->k, p, AT + 1, PG, "x"), -EINVAL);
	cr_assert_eq(prctl_set_vma(&t->k, p, p->mm->start_code, PG, "x"), -EBADF,
		     "the program's image is a file");
	cr_assert_eq(prctl_set_vma(&t->k, p, AT + 2 * PG, 4 * PG, "tail"), -ENOMEM,
		     "the range runs past the mapping");
	char *l = maps_line(p, AT + 3 * PG);
	cr_assert_not_null(strstr(l, "[anon:tail]\n"), "the mapped part is named anyway: %s", l);
	free(l);
}

/* The heap is the VMA holding the break; named lines put the name at
 * column 73 (0-based), unnamed ones end in "0 "; the vsyscall line is last
 * and not a VMA of the process. */
Test(procfs_pid, maps_heap_stack_and_columns)
{
	uint8_t b = 1;
	uint64_t brk0 = p->mm->brk;
	cr_assert_eq(sys_brk(&t->k, p, brk0 + 3 * PG + 100), (long)(brk0 + 3 * PG + 100));
	tp_write(t, p, brk0, &b, 1);
	char *l = maps_line(p, brk0);
	cr_assert_str_eq(l, "555555559000-55555555d000 rw-p 00000000 00:00 0                          [heap]\n");
	free(l);
	l = maps_line(p, p->mm->start_stack);
	cr_assert_str_eq(l, "7ffffffde000-7ffffffff000 rw-p 00000000 00:00 0                          [stack]\n");
	free(l);
	map_at(p, AT, 3 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE);
	char *maps = pid_file(p, "maps");
	int n = 0;
	for (char *s = maps, *nl; *s; s = nl + 1, n++) {
		nl = strchr(s, '\n');
		size_t len = (size_t)(nl - s);
		bool unnamed = len > 2 && !strncmp(nl - 2, "0 ", 2);
		cr_assert(unnamed || (len > 73 && s[72] == ' ' && s[73] != ' '), "line %d: %.*s", n, (int)len, s);
	}
	cr_assert_eq(n, p->mm->map_count + 1, "every VMA and the vsyscall page");
	cr_assert_not_null(strstr(maps, "ffffffffff600000-ffffffffff601000 --xp 00000000 00:00 0                  [vsyscall]\n"));
	cr_assert_str_eq(strstr(maps, "ffffffffff600000"),
			 "ffffffffff600000-ffffffffff601000 --xp 00000000 00:00 0                  [vsyscall]\n");
	free(maps);
}

/* ---- pagemap ------------------------------------------------------------------ */

/* The bits of one page through its life: untouched, read (the zero page),
 * written, shared by fork, copied on write; and what a reader without
 * CAP_SYS_ADMIN sees. Every entry inside a VMA is soft-dirty (new VMAs
 * are VM_SOFTDIRTY). */
Test(procfs_pid, pagemap_private_anonymous)
{
	uint8_t b = 1;
	map_at(p, AT, 4 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE);
	cr_assert_eq(pagemap(p, AT), PM_SOFT_DIRTY, "never touched");
	cr_assert_eq(pagemap(p, AT + 4 * PG), 0, "outside every VMA");
	tp_read(t, p, AT + PG, &b, 1);
	cr_assert_eq(pagemap(p, AT + PG), PM_PRESENT | PM_SOFT_DIRTY | t->k.zero_pfn,
		     "read: the zero page, neither exclusive nor file");
	tp_write(t, p, AT, &b, 1);
	uint64_t pfn = pfn_at(p, AT);
	cr_assert_eq(pagemap(p, AT), PM_PRESENT | PM_MMAP_EXCLUSIVE | PM_SOFT_DIRTY | pfn);
	cr_assert_eq(pagemap(p, AT) >> 56, 0x81, "REFERENCE.md: a written private page reads 0x81...");

	struct task_struct *c = fork_of(p, 1);
	cr_assert_eq(pagemap(p, AT), PM_PRESENT | PM_SOFT_DIRTY | pfn, "shared by fork: not exclusive");
	cr_assert_eq(pagemap(c, AT), PM_PRESENT | PM_SOFT_DIRTY | pfn);
	tp_write(t, c, AT, &b, 1);
	uint64_t copy = pfn_at(c, AT);
	cr_assert_neq(copy, pfn);
	cr_assert_eq(pagemap(c, AT), PM_PRESENT | PM_MMAP_EXCLUSIVE | PM_SOFT_DIRTY | copy, "the writer's copy");
	cr_assert_eq(pagemap(p, AT), PM_PRESENT | PM_MMAP_EXCLUSIVE | PM_SOFT_DIRTY | pfn,
		     "the parent maps its page alone again");

	cr_assert_eq(pagemap_as(p, AT, false), PM_PRESENT | PM_MMAP_EXCLUSIVE | PM_SOFT_DIRTY,
		     "no frame number without CAP_SYS_ADMIN");
	cr_assert_eq(pagemap_as(p, AT + PG, false), PM_PRESENT | PM_SOFT_DIRTY);
	cr_assert_eq(pagemap_as(p, AT + 2 * PG, false), PM_SOFT_DIRTY);
}

/* Shared anonymous memory is a shmem file's: bit 61; exclusive while only
 * one process maps the page (REFERENCE.md: 0xa1...). */
Test(procfs_pid, pagemap_shared_anonymous)
{
	uint8_t b = 1;
	map_at(p, AT, 2 * PG, PROT_READ | PROT_WRITE, MAP_SHARED);
	tp_write(t, p, AT, &b, 1);
	uint64_t pfn = pfn_at(p, AT);
	cr_assert_eq(pagemap(p, AT), PM_PRESENT | PM_FILE | PM_MMAP_EXCLUSIVE | PM_SOFT_DIRTY | pfn);
	cr_assert_eq(pagemap(p, AT) >> 56, 0xa1);
	struct task_struct *c = fork_of(p, 1);
	cr_assert_eq(pagemap(c, AT), PM_SOFT_DIRTY, "shared page tables are not copied at fork");
	tp_read(t, c, AT, &b, 1);
	cr_assert_eq(pagemap(c, AT), PM_PRESENT | PM_FILE | PM_SOFT_DIRTY | pfn);
	cr_assert_eq(pagemap(p, AT), PM_PRESENT | PM_FILE | PM_SOFT_DIRTY | pfn);
}

/* The vDSO's data pages are VM_PFNMAP: pagemap does not walk them and
 * shows them not present even once mapped (Linux: walk_page_test). */
Test(procfs_pid, pagemap_pfnmap_reads_as_hole)
{
	uint8_t b;
	uint64_t vvar = p->mm->mmap_base - 8 * PG;
	char *l = maps_line(p, vvar);
	cr_assert_not_null(strstr(l, "[vvar]"));
	free(l);
	cr_assert_eq(tp_read(t, p, vvar, &b, 1), 0);
	cr_assert_neq(tp_pte(t, p, vvar), 0, "mapped");
	cr_assert_eq(pagemap(p, vvar), PM_SOFT_DIRTY);
}

/* Linux's rules for reading pagemap: 8-byte granules, several entries per
 * read, a short read at the end of the user address space. */
Test(procfs_pid, pagemap_read_rules)
{
	char path[64];
	uint64_t e[4], end = p->mm->task_size / PG * 8;
	uint8_t b = 1;
	snprintf(path, sizeof path, "/proc/%d/pagemap", p->pid);
	map_at(p, AT, 4 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE);
	tp_write(t, p, AT + 2 * PG, &b, 1);
	cr_assert_eq(procfs_pread(&t->k, path, AT / PG * 8 + 4, e, 8, NULL), -EINVAL, "offset");
	cr_assert_eq(procfs_pread(&t->k, path, AT / PG * 8, e, 12, NULL), -EINVAL, "length");
	cr_assert_eq(procfs_pread(&t->k, path, AT / PG * 8, e, 0, NULL), 0);
	cr_assert_eq(procfs_pread(&t->k, path, AT / PG * 8, e, 32, NULL), 32);
	for (int i = 0; i < 4; i++)
		cr_assert_eq(e[i], pagemap(p, AT + (uint64_t)i * PG), "entry %d", i);
	cr_assert_eq(procfs_pread(&t->k, path, end - 8, e, 32, NULL), 8, "the last page, then the end");
	cr_assert_eq(procfs_pread(&t->k, path, end, e, 32, NULL), 0);
	cr_assert_eq(procfs_pread(&t->k, path, UINT64_MAX - 7, e, 8, NULL), 0);
	struct seq_buf m = { 0 };
	cr_assert_eq(procfs_read(&t->k, path, &m), -EINVAL, "a binary file has no text");
}

/* ---- status and statm ---------------------------------------------------------- */

/* A new process's status: every line of Linux 6.18's, in order. The memory
 * lines are its image (5 pages), vDSO data and code (8) and stack (33) with
 * the argument page resident; its page tables are the three tables under
 * the stack (the root is not counted). SigQ's limit is half of max_threads,
 * RAM / (8 * THREAD_SIZE). */
Test(procfs_pid, status_of_a_new_process)
{
	static const char fmt[] =
		"Name:\tprog\n"
		"Umask:\t0022\n"
		"State:\tR (running)\n"
		"Tgid:\t1\n"
		"Ngid:\t0\n"
		"Pid:\t1\n"
		"PPid:\t0\n"
		"TracerPid:\t0\n"
		"Uid:\t0\t0\t0\t0\n"
		"Gid:\t0\t0\t0\t0\n"
		"FDSize:\t64\n"
		"Groups:\t \n"
		"NStgid:\t1\n"
		"NSpid:\t1\n"
		"NSpgid:\t1\n"
		"NSsid:\t1\n"
		"Kthread:\t0\n"
		"VmPeak:\t     184 kB\n"
		"VmSize:\t     184 kB\n"
		"VmLck:\t       0 kB\n"
		"VmPin:\t       0 kB\n"
		"VmHWM:\t       4 kB\n"
		"VmRSS:\t       4 kB\n"
		"RssAnon:\t       4 kB\n"
		"RssFile:\t       0 kB\n"
		"RssShmem:\t       0 kB\n"
		"VmData:\t       4 kB\n"
		"VmStk:\t     132 kB\n"
		"VmExe:\t       4 kB\n"
		"VmLib:\t       8 kB\n"
		"VmPTE:\t      12 kB\n"
		"VmSwap:\t       0 kB\n"
		"HugetlbPages:\t       0 kB\n"
		"CoreDumping:\t0\n"
		"THP_enabled:\t1\n"
		"untag_mask:\t0xffffffffffffffff\n"
		"Threads:\t1\n"
		"SigQ:\t0/%llu\n"
		"SigPnd:\t0000000000000000\n"
		"ShdPnd:\t0000000000000000\n"
		"SigBlk:\t0000000000000000\n"
		"SigIgn:\t0000000000000000\n"
		"SigCgt:\t0000000000000000\n"
		"CapInh:\t0000000000000000\n"
		"CapPrm:\t000001fffffdbfff\n"
		"CapEff:\t000001fffffdbfff\n"
		"CapBnd:\t000001ffffffffff\n"
		"CapAmb:\t0000000000000000\n"
		"NoNewPrivs:\t0\n"
		"Seccomp:\t0\n"
		"Seccomp_filters:\t0\n"
		"Speculation_Store_Bypass:\tvulnerable\n"
		"SpeculationIndirectBranch:\talways enabled\n"
		"Cpus_allowed:\t3\n"
		"Cpus_allowed_list:\t0-1\n"
		"Mems_allowed:\t00000000,00000000,00000000,00000000,00000000,00000000,00000000,00000000,"
		"00000000,00000000,00000000,00000000,00000000,00000000,00000000,00000000,00000000,00000000,"
		"00000000,00000000,00000000,00000000,00000000,00000000,00000000,00000000,00000000,00000000,"
		"00000000,00000000,00000000,00000001\n"
		"Mems_allowed_list:\t0\n"
		"voluntary_ctxt_switches:\t0\n"
		"nonvoluntary_ctxt_switches:\t0\n";
	char want[4096];
	snprintf(want, sizeof want, fmt, (unsigned long long)(t->k.totalram_pages * PG / (16384 * 8) / 2));
	char *s = pid_file(p, "status");
	cr_assert_str_eq(s, want, "%s", s);
	free(s);
	s = pid_file(p, "statm");
	cr_assert_str_eq(s, "46 1 0 1 0 34 0\n", "size resident shared text lib data dt");
	free(s);
}

/* The memory lines follow the RSS counters of the mm. */
Test(procfs_pid, status_and_statm_follow_the_counters)
{
	uint8_t b = 1;
	map_at(p, AT, 8 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE);
	map_at(p, AT + MB, 4 * PG, PROT_READ | PROT_WRITE, MAP_SHARED);
	tp_touch(t, p, AT, 5 * PG, true);
	tp_touch(t, p, AT + MB, 3 * PG, false);
	tp_read(t, p, p->mm->start_code, &b, 1);
	struct mm_struct *mm = p->mm;
	char *s = pid_file(p, "status");
	cr_assert_eq(field(s, "RssAnon:"), get_mm_counter(mm, MM_ANONPAGES) * 4);
	cr_assert_eq(field(s, "RssAnon:"), 6 * 4, "five pages and the stack's");
	cr_assert_eq(field(s, "RssFile:"), 4, "one page of the image");
	cr_assert_eq(field(s, "RssShmem:"), 12);
	cr_assert_eq(field(s, "VmRSS:"), get_mm_rss(mm) * 4);
	cr_assert_eq(field(s, "VmSize:"), mm->total_vm * 4);
	cr_assert_eq(field(s, "VmPTE:"), (uint64_t)mm->pgtables_bytes / 1024);
	char *sm = pid_file(p, "statm");
	unsigned long long size, resident, shared, text, data;
	cr_assert_eq(sscanf(sm, "%llu %llu %llu %llu 0 %llu 0\n", &size, &resident, &shared, &text, &data), 5);
	cr_assert_eq(size * 4, field(s, "VmSize:"));
	cr_assert_eq(resident * 4, field(s, "VmRSS:"));
	cr_assert_eq(shared * 4, field(s, "RssFile:") + field(s, "RssShmem:"));
	cr_assert_eq(data * 4, field(s, "VmData:") + field(s, "VmStk:"));
	free(sm);
	free(s);
}

/* VmHWM and VmPeak keep the highest RSS and size after munmap and
 * MADV_DONTNEED lower them; a forked child's marks start at its own. */
Test(procfs_pid, status_high_water_marks)
{
	char *s = pid_file(p, "status");
	uint64_t rss0 = field(s, "VmRSS:"), size0 = field(s, "VmSize:");
	free(s);
	uint64_t a = tp_mmap(t, p, 64 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE);
	tp_touch(t, p, a, 64 * PG, true);
	s = pid_file(p, "status");
	cr_assert_eq(field(s, "VmRSS:"), rss0 + 256);
	cr_assert_eq(field(s, "VmHWM:"), rss0 + 256, "the current RSS when it is the highest");
	cr_assert_eq(field(s, "VmPeak:"), size0 + 256);
	free(s);
	cr_assert_eq(do_munmap(&t->k, p, a, 64 * PG), 0);
	s = pid_file(p, "status");
	cr_assert_eq(field(s, "VmRSS:"), rss0);
	cr_assert_eq(field(s, "VmHWM:"), rss0 + 256, "munmap raised the mark first");
	cr_assert_eq(field(s, "VmSize:"), size0);
	cr_assert_eq(field(s, "VmPeak:"), size0 + 256);
	free(s);

	a = tp_mmap(t, p, 128 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE);
	tp_touch(t, p, a, 128 * PG, true);
	cr_assert_eq(do_madvise(&t->k, p, a, 128 * PG, MADV_DONTNEED), 0);
	s = pid_file(p, "status");
	cr_assert_eq(field(s, "VmRSS:"), rss0);
	cr_assert_eq(field(s, "VmHWM:"), rss0 + 512, "MADV_DONTNEED raised the mark first");
	cr_assert_eq(field(s, "VmPeak:"), size0 + 512, "the current size when it is the highest");
	free(s);

	cr_assert_eq(do_munmap(&t->k, p, a, 128 * PG), 0);
	struct task_struct *c = fork_of(p, 1);
	s = pid_file(c, "status");
	cr_assert_eq(field(s, "VmHWM:"), field(s, "VmRSS:"));
	cr_assert_eq(field(s, "VmPeak:"), field(s, "VmSize:"));
	cr_assert_eq(field(s, "PPid:"), (uint64_t)p->pid);
	free(s);
}

/* A process whose parent exits is given to pid 1 (Linux:
 * forget_original_parent), or to nobody when pid 1 is the one exiting. */
Test(procfs_pid, status_orphans_are_reparented)
{
	struct task_struct *q = tp_spawn(t, "shell", 0);
	struct task_struct *c = fork_of(q, 1), *g = fork_of(c, 1);
	char *s = pid_file(g, "status");
	cr_assert_eq(field(s, "PPid:"), (uint64_t)c->pid);
	cr_assert_eq(field(s, "NSsid:"), (uint64_t)q->pid, "the oldest ancestor");
	free(s);
	do_group_exit(&t->k, c, 0);
	s = pid_file(g, "status");
	cr_assert_eq(field(s, "PPid:"), 1);
	cr_assert_eq(field(s, "NSsid:"), 1);
	free(s);
	do_group_exit(&t->k, p, 0);
	s = pid_file(g, "status");
	cr_assert_eq(field(s, "PPid:"), 1, "adopted by the init outside the machine, as on Linux");
	cr_assert_eq(field(s, "NSsid:"), (uint64_t)g->pid);
	free(s);
	p = tp_spawn(t, "prog", 0);
}

/* mremap moving a mapping does not count both copies in VmPeak (Linux:
 * move_vma restores hiwater_vm). */
Test(procfs_pid, status_peak_ignores_mremap_moves)
{
	map_at(p, AT, 16 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE);
	map_at(p, AT + 16 * PG, PG, PROT_READ, MAP_PRIVATE);        /* blocks growth in place */
	char *s = pid_file(p, "status");
	uint64_t size0 = field(s, "VmSize:");
	free(s);
	long r = do_mremap(&t->k, p, AT, 16 * PG, 32 * PG, MREMAP_MAYMOVE, 0);
	cr_assert_gt(r, 0);
	s = pid_file(p, "status");
	cr_assert_eq(field(s, "VmSize:"), size0 + 64);
	cr_assert_eq(field(s, "VmPeak:"), size0 + 64, "not size0 + 64 + the old 64");
	free(s);
}

/* The kernel frees a task when it exits, so no zombie lingers; one is made
 * by hand to check what the views show for it (measured on the reference
 * machine): empty maps, zeros in statm, a status without Umask and memory
 * lines, and ESRCH from smaps_rollup and pagemap. */
Test(procfs_pid, zombie_views)
{
	struct mm_struct *mm = p->mm;
	char path[64], *s;
	uint64_t e;
	p->mm = NULL;
	p->state = TASK_DEAD;
	s = pid_file(p, "maps");
	cr_assert_str_eq(s, "");
	free(s);
	s = pid_file(p, "smaps");
	cr_assert_str_eq(s, "");
	free(s);
	s = pid_file(p, "statm");
	cr_assert_str_eq(s, "0 0 0 0 0 0 0\n");
	free(s);
	s = pid_file(p, "status");
	cr_assert(!strncmp(s, "Name:\tprog\nState:\tZ (zombie)\n", 29), "%s", s);
	cr_assert_null(strstr(s, "Umask"));
	cr_assert_null(strstr(s, "Vm"));
	cr_assert_not_null(strstr(s, "FDSize:\t0\n"));
	cr_assert_not_null(strstr(s, "\nThreads:\t1\n"));
	free(s);
	snprintf(path, sizeof path, "/proc/%d/smaps_rollup", p->pid);
	struct seq_buf m = { 0 };
	cr_assert_eq(procfs_read(&t->k, path, &m), -ESRCH);
	seq_release(&m);
	snprintf(path, sizeof path, "/proc/%d/pagemap", p->pid);
	cr_assert_eq(procfs_pread(&t->k, path, 0, &e, 8, NULL), -ESRCH);
	p->mm = mm;
	p->state = TASK_RUNNING;
}

/* ---- paths ---------------------------------------------------------------------- */

/* Per-process paths: any thread's id, /proc/PID/task/TID of the same
 * process only, every listed file readable; Linux's refusals otherwise. */
Test(procfs_pid, paths)
{
	int err;
	char path[96];
	uint64_t word;
	struct task_struct *th = task_create_thread(&t->k, p, 1, &err);
	cr_assert_not_null(th);
	struct task_struct *other = tp_spawn(t, "other", 1);
	snprintf(path, sizeof path, "/proc/%d/task/%d/status", p->pid, th->pid);
	char *s = tk_proc(t, path);
	cr_assert_eq(field(s, "\nPid:"), (uint64_t)th->pid);
	cr_assert_eq(field(s, "\nTgid:"), (uint64_t)p->pid);
	cr_assert_eq(field(s, "\nThreads:"), 2);
	free(s);
	const char *bad[] = { "/proc/99/maps", "/proc/01/maps", "/proc/1/nosuch", "/proc/1/maps/",
			      "/proc/-1/maps", "/proc/1", "/proc/99999999999/maps" };
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++)
		cr_assert_eq(procfs_pread(&t->k, bad[i], 0, &word, 8, NULL), -ENOENT, "%s", bad[i]);
	snprintf(path, sizeof path, "/proc/%d/task/%d/maps", p->pid, other->pid);
	cr_assert_eq(procfs_pread(&t->k, path, 0, &word, 8, NULL), -ENOENT, "another process's task");
	for (size_t i = 0; procfs_path_at(i); i++) {
		const char *tmpl = procfs_path_at(i), *at = strstr(tmpl, "<pid>");
		if (!at)
			continue;
		snprintf(path, sizeof path, "%.*s%d%s", (int)(at - tmpl), tmpl, p->pid, at + 5);
		int64_t got = procfs_pread(&t->k, path, 0, &word, 8, NULL);   /* oom_adj: "0\n" */
		cr_assert(got > 0 && got <= 8, "%s: %ld", path, (long)got);
	}
}

/* ---- kpageflags and kpagecount ------------------------------------------------ */

#define KPAGEFLAGS "/proc/kpageflags"
#define KPAGECOUNT "/proc/kpagecount"

/* Frames of the kernel's own: the values measured on the reference machine
 * for the zero page (0x101000000, count 0), reserved low memory
 * (0x100000000), a user page table (0x4000000) and free buddy memory
 * (0x400, head and inside); a page on a per-CPU list and a slab page. */
Test(procfs_pid, kpageflags_of_kernel_frames)
{
	struct kernel *k = &t->k;
	cr_assert_eq(kpage(KPAGEFLAGS, k->zero_pfn), KPF(KPF_ZERO_PAGE) | KPF(KPF_RESERVED));
	cr_assert_eq(kpage(KPAGECOUNT, k->zero_pfn), 0);
	cr_assert_eq(kpage(KPAGEFLAGS, 0x50), KPF(KPF_RESERVED));
	cr_assert_eq(kpage(KPAGEFLAGS, 0xa0), KPF(KPF_RESERVED), "the legacy hole");

	int err;
	pte_t *pte = pte_walk(k, p->mm, p->mm->start_stack, false, &err);
	uint64_t pt = virt_to_phys(k, pte) >> PAGE_SHIFT;
	cr_assert_eq(kpage(KPAGEFLAGS, pt), KPF(KPF_PGTABLE));
	cr_assert_eq(kpage(KPAGECOUNT, pt), 0);

	struct page *blk = alloc_pages(k, GFP_KERNEL, 5);
	uint64_t pfn = page_to_pfn(k, blk);
	cr_assert_eq(__free_pages(k, blk, 5), 0);
	cr_assert_eq(kpage(KPAGEFLAGS, pfn), KPF(KPF_BUDDY));
	cr_assert_eq(kpage(KPAGEFLAGS, pfn + 17), KPF(KPF_BUDDY), "inside a free block");
	cr_assert_eq(kpage(KPAGECOUNT, pfn + 17), 0);

	struct page *one = alloc_page(k, GFP_KERNEL);
	pfn = page_to_pfn(k, one);
	cr_assert_eq(__free_pages(k, one, 0), 0);
	cr_assert(page_test(one, PG_pcp), "an order-0 page goes to the per-CPU list");
	cr_assert_eq(kpage(KPAGEFLAGS, pfn), 0, "free, but on no buddy list: no flag, as on Linux");

	void *obj = kmalloc(k, 64, GFP_KERNEL);
	uint64_t slab = virt_to_phys(k, obj) >> PAGE_SHIFT;
	cr_assert_eq(kpage(KPAGEFLAGS, slab), KPF(KPF_SLAB));
	cr_assert_eq(kpage(KPAGECOUNT, slab), 0);
	kfree(k, obj);
}

/* A process's pages, with the values measured on the reference machine
 * once its LRU batch drained: a written anonymous page is exclusive
 * (0x400005828); shared with a child it is not and counts 2 (0x5828); it
 * stays non-exclusive when the child is gone, until its owner writes it
 * again. Written shared memory is a dirty, swap-backed file page
 * (0x4838). A locked page is mlocked and unevictable. */
Test(procfs_pid, kpageflags_of_process_pages)
{
	uint8_t b = 1;
	const uint64_t anon = KPF(KPF_UPTODATE) | KPF(KPF_LRU) | KPF(KPF_MMAP) | KPF(KPF_ANON) |
			      KPF(KPF_SWAPBACKED);
	map_at(p, AT, 4 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE);
	tp_write(t, p, AT, &b, 1);
	uint64_t pfn = pfn_at(p, AT);
	cr_assert_eq(kpage(KPAGEFLAGS, pfn), anon | KPF(KPF_OWNER_2));
	cr_assert_eq(anon | KPF(KPF_OWNER_2), 0x400005828ULL);
	cr_assert_eq(kpage(KPAGECOUNT, pfn), 1);
	struct task_struct *c = fork_of(p, 1);
	cr_assert_eq(kpage(KPAGEFLAGS, pfn), anon);
	cr_assert_eq(anon, 0x5828ULL);
	cr_assert_eq(kpage(KPAGECOUNT, pfn), 2);
	do_group_exit(&t->k, c, 0);
	cr_assert_eq(kpage(KPAGECOUNT, pfn), 1);
	cr_assert_eq(kpage(KPAGEFLAGS, pfn), anon);
	tp_write(t, p, AT, &b, 1);
	cr_assert_eq(kpage(KPAGEFLAGS, pfn), anon | KPF(KPF_OWNER_2), "reused in place: exclusive");

	map_at(p, AT + MB, PG, PROT_READ | PROT_WRITE, MAP_SHARED);
	tp_write(t, p, AT + MB, &b, 1);
	cr_assert_eq(kpage(KPAGEFLAGS, pfn_at(p, AT + MB)), 0x4838ULL);
	cr_assert_eq(do_mlock(&t->k, p, AT, PG, 0), 0);
	cr_assert_eq(kpage(KPAGEFLAGS, pfn) & (KPF(KPF_MLOCKED) | KPF(KPF_UNEVICTABLE)),
		     KPF(KPF_MLOCKED) | KPF(KPF_UNEVICTABLE));
}

/* The files run to the end of the last memory section (128 MiB); frames
 * past the RAM there are reserved; reads are root-only and 8-byte
 * granular. */
Test(procfs_pid, kpage_read_rules)
{
	uint64_t v[4];
	struct procfs_cred user = { false };
	cr_assert_eq(procfs_pread(&t->k, KPAGEFLAGS, 0, v, 8, &user), -EACCES);
	cr_assert_eq(procfs_pread(&t->k, KPAGECOUNT, 0, v, 8, &user), -EACCES);
	cr_assert_eq(procfs_pread(&t->k, KPAGEFLAGS, 4, v, 8, NULL), -EINVAL);
	cr_assert_eq(procfs_pread(&t->k, KPAGECOUNT, 0, v, 6, NULL), -EINVAL);
	uint64_t end = t->k.max_pfn * 8;
	cr_assert_eq(t->k.max_pfn % 32768, 0, "256 MiB: two whole sections");
	cr_assert_eq(procfs_pread(&t->k, KPAGEFLAGS, end - 8, v, 32, NULL), 8);
	cr_assert_eq(procfs_pread(&t->k, KPAGEFLAGS, end, v, 32, NULL), 0);

	struct tk *saved = t;
	t = tk_boot(160 * MB, 1);
	uint64_t max_pfn = t->k.max_pfn;
	cr_assert_eq(procfs_pread(&t->k, KPAGEFLAGS, max_pfn * 8, v, 32, NULL), 32);
	for (int i = 0; i < 4; i++)
		cr_assert_eq(v[i], KPF(KPF_RESERVED), "frame %d past the RAM", i);
	cr_assert_eq(procfs_pread(&t->k, KPAGECOUNT, 65536 * 8 - 8, v, 32, NULL), 8);
	cr_assert_eq(procfs_pread(&t->k, KPAGECOUNT, 65536 * 8, v, 32, NULL), 0);
	tk_free(t);
	t = saved;
}
