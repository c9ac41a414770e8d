/* What `mmsim diff` found the simulator doing differently from the host's
 * Linux 6.18, each fixed: one test per disagreement (tests/oracle/ has the
 * script that found it). */
#include <criterion/criterion.h>

#include "mmsim.h"

#include "api_helpers.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PG 4096ULL
#define RW (MMSIM_PROT_READ | MMSIM_PROT_WRITE)
#define ANON (MMSIM_MAP_PRIVATE | MMSIM_MAP_ANONYMOUS)

/* The text of /proc/<pid>/<file> (caller frees). */
__attribute__((noinline)) static char *view(mmsim_machine *m, int pid, const char *file)
{
	char path[64], *text = NULL;
	snprintf(path, sizeof path, "/proc/%d/%s", pid, file);
	int err = mmsim_proc_read(m, path, &text, NULL);
	cr_assert_eq(err, 0, "%s: %s", path, mmsim_last_error(m));
	return text;
}

/* The value of field (e.g. "VmFlags:") in the smaps block of the VMA
 * starting at start, copied into buf. */
static const char *smaps_field(mmsim_machine *m, int pid, uint64_t start, const char *field, char *buf,
			       size_t len)
{
	char head[32], *s = view(m, pid, "smaps");
	snprintf(head, sizeof head, "%08llx-", (unsigned long long)start);
	char *b = strstr(s, head), *f = b ? strstr(b, field) : NULL;
	cr_assert_not_null(f, "no %s for %s", field, head);
	snprintf(buf, len, "%.*s", (int)strcspn(f + strlen(field), "\n"), f + strlen(field));
	free(s);
	return buf;
}

static uint64_t pagemap(mmsim_machine *m, int pid, uint64_t va)
{
	char path[64];
	uint64_t e = 0;
	snprintf(path, sizeof path, "/proc/%d/pagemap", pid);
	cr_assert_eq(mmsim_proc_pread(m, path, (va >> 12) * 8, &e, 8, 0), 8);
	return e;
}

static uint64_t minflt(mmsim_machine *m, int pid)
{
	struct mmsim_stat s[32];
	int n = mmsim_task_stats(m, pid, s, 32);
	for (int i = 0; i < n; i++)
		if (!strcmp(s[i].name, "minflt"))
			return s[i].value;
	cr_assert_fail("no minflt");
	return 0;
}

/* A kernel built without CONFIG_MEM_SOFT_DIRTY (the host's): no "sd" in
 * VmFlags, no bit 55 in pagemap. */
Test(oracle_fixes, soft_dirty_off)
{
	mmsim_machine *m = boot_with("soft_dirty", "0");
	char buf[128];
	int p = mmsim_spawn(m, "p", 0);
	int64_t a = mmsim_mmap(m, p, 0, 2 * PG, RW, ANON, -1, 0);
	cr_assert_eq(mmsim_access(m, p, (uint64_t)a, "x", 1, MMSIM_WRITE, NULL), 0);
	cr_assert_null(strstr(smaps_field(m, p, (uint64_t)a, "VmFlags:", buf, sizeof buf), " sd"));
	cr_assert_eq(pagemap(m, p, (uint64_t)a) >> 55 & 1, 0);
	cr_assert_eq(pagemap(m, p, (uint64_t)a + PG) >> 55 & 1, 0);
	mmsim_machine_free(m);
	m = boot_with(NULL, NULL);                   /* the default keeps it */
	p = mmsim_spawn(m, "p", 0);
	a = mmsim_mmap(m, p, 0, 2 * PG, RW, ANON, -1, 0);
	cr_assert_not_null(strstr(smaps_field(m, p, (uint64_t)a, "VmFlags:", buf, sizeof buf), " sd"));
	mmsim_machine_free(m);
}

/* Without CONFIG_ANON_VMA_NAME, PR_SET_VMA is EINVAL. */
Test(oracle_fixes, anon_vma_name_off)
{
	mmsim_machine *m = boot_with("anon_vma_name", "0");
	int p = mmsim_spawn(m, "p", 0);
	int64_t a = mmsim_mmap(m, p, 0, 2 * PG, RW, ANON, -1, 0);
	cr_assert_eq(mmsim_set_vma_anon_name(m, p, (uint64_t)a, PG, "x"), -EINVAL);
	mmsim_machine_free(m);
}

/* MADV_POPULATE_* on a VMA that does not allow the access: EINVAL (GUP's
 * check_vma_flags under FOLL_MADV_POPULATE), not EFAULT. */
Test(oracle_fixes, madv_populate_incompatible_vma_is_einval)
{
	mmsim_machine *m = boot_with(NULL, NULL);
	int p = mmsim_spawn(m, "p", 0);
	int64_t n = mmsim_mmap(m, p, 0, 2 * PG, MMSIM_PROT_NONE, ANON, -1, 0);
	int64_t r = mmsim_mmap(m, p, 0, 2 * PG, MMSIM_PROT_READ, ANON, -1, 0);
	cr_assert_eq(mmsim_madvise(m, p, (uint64_t)n, 2 * PG, MMSIM_MADV_POPULATE_READ), -EINVAL);
	cr_assert_eq(mmsim_madvise(m, p, (uint64_t)r, 2 * PG, MMSIM_MADV_POPULATE_WRITE), -EINVAL);
	cr_assert_eq(mmsim_madvise(m, p, (uint64_t)r, 2 * PG, MMSIM_MADV_POPULATE_READ), 0);
	mmsim_machine_free(m);
}

/* mremap with old_len 0 duplicates shared memory only. */
Test(oracle_fixes, mremap_old_len_zero_private_is_einval)
{
	mmsim_machine *m = boot_with(NULL, NULL);
	int p = mmsim_spawn(m, "p", 0);
	int64_t a = mmsim_mmap(m, p, 0, 4 * PG, RW, ANON, -1, 0);
	cr_assert_eq(mmsim_mremap(m, p, (uint64_t)a, 0, 4 * PG, MMSIM_MREMAP_MAYMOVE, 0), -EINVAL);
	mmsim_machine_free(m);
}

/* MREMAP_DONTUNMAP leaves the old range charged: VM_ACCOUNT ("ac") stays. */
Test(oracle_fixes, mremap_dontunmap_keeps_account)
{
	mmsim_machine *m = boot_with(NULL, NULL);
	char buf[128];
	int p = mmsim_spawn(m, "p", 0);
	int64_t a = mmsim_mmap(m, p, 0, 4 * PG, RW, ANON, -1, 0);
	cr_assert_eq(mmsim_touch(m, p, (uint64_t)a, 4 * PG, MMSIM_WRITE, NULL), 0);
	int64_t b = mmsim_mremap(m, p, (uint64_t)a, 4 * PG, 4 * PG,
				 MMSIM_MREMAP_MAYMOVE | MMSIM_MREMAP_DONTUNMAP, 0);
	cr_assert_gt(b, 0);
	cr_assert_not_null(strstr(smaps_field(m, p, (uint64_t)a, "VmFlags:", buf, sizeof buf), " ac"));
	cr_assert_not_null(strstr(smaps_field(m, p, (uint64_t)b, "VmFlags:", buf, sizeof buf), " ac"));
	mmsim_machine_free(m);
}

/* MAP_32BIT: bottom-up from 1 GiB. */
Test(oracle_fixes, map_32bit_places_low)
{
	mmsim_machine *m = boot_with(NULL, NULL);
	int p = mmsim_spawn(m, "p", 0);
	int64_t a = mmsim_mmap(m, p, 0, 4 * PG, RW, ANON | MMSIM_MAP_32BIT, -1, 0);
	int64_t b = mmsim_mmap(m, p, 0, 4 * PG, RW, ANON | MMSIM_MAP_32BIT, -1, 0);
	cr_assert_eq(a, 0x40000000);
	cr_assert_eq(b, 0x40000000 + 4 * PG);
	mmsim_machine_free(m);
}

/* vm.mmap_min_addr is a sysctl: 65536 by default, 4096 on the host. */
Test(oracle_fixes, mmap_min_addr_sysctl)
{
	mmsim_machine *m = boot_with(NULL, NULL);
	char v[32];
	int p = mmsim_spawn(m, "p", 0);
	cr_assert_eq(mmsim_sysctl_get(m, "vm.mmap_min_addr", v, sizeof v), 0);
	cr_assert_str_eq(v, "65536");
	cr_assert_eq(mmsim_mmap(m, p, 0x1000, PG, RW, ANON | MMSIM_MAP_FIXED, -1, 0), -EPERM);
	cr_assert_eq(mmsim_sysctl_set(m, "vm.mmap_min_addr", "4096"), 0);
	cr_assert_eq(mmsim_mmap(m, p, 0x1000, PG, RW, ANON | MMSIM_MAP_FIXED, -1, 0), 0x1000);
	mmsim_machine_free(m);
}

/* An orphan whose adopter (pid 1) is gone reports the outside init: 1. */
Test(oracle_fixes, orphan_reports_init)
{
	mmsim_machine *m = boot_with(NULL, NULL);
	struct mmsim_task_info info;
	int p = mmsim_spawn(m, "p", 0);
	int c = mmsim_fork(m, p, -1);
	cr_assert_eq(mmsim_exit(m, p, 0), 0);
	cr_assert_eq(mmsim_task_info(m, c, &info), 0);
	cr_assert_eq(info.ppid, 1);
	mmsim_machine_free(m);
}

/* GUP touches what it populates (FOLL_TOUCH): a fork's child, whose
 * entries are old, still counts the pages as referenced. */
Test(oracle_fixes, gup_marks_pages_referenced)
{
	mmsim_machine *m = boot_with(NULL, NULL);
	char buf[128];
	int p = mmsim_spawn(m, "p", 0);
	int64_t a = mmsim_mmap(m, p, 0, 8 * PG, RW, ANON, -1, 0);
	cr_assert_eq(mmsim_mlock(m, p, (uint64_t)a, 8 * PG), 0);
	int c = mmsim_fork(m, p, -1);
	cr_assert_eq(strtoul(smaps_field(m, c, (uint64_t)a, "Referenced:", buf, sizeof buf), NULL, 10), 32);
	mmsim_machine_free(m);
}

/* A read fault in shared memory maps the cached pages around it too
 * (fault-around): after fork the child faults once for four pages. */
Test(oracle_fixes, fault_around_maps_cached_pages)
{
	mmsim_machine *m = boot_with(NULL, NULL);
	int p = mmsim_spawn(m, "p", 0);
	int64_t s = mmsim_mmap(m, p, 0, 4 * PG, RW, MMSIM_MAP_SHARED | MMSIM_MAP_ANONYMOUS, -1, 0);
	cr_assert_eq(mmsim_touch(m, p, (uint64_t)s, 4 * PG, MMSIM_WRITE, NULL), 0);
	int c = mmsim_fork(m, p, -1);
	uint64_t f0 = minflt(m, c);
	cr_assert_eq(mmsim_touch(m, c, (uint64_t)s, PG, MMSIM_READ, NULL), 0);
	cr_assert_eq(minflt(m, c), f0 + 1);
	cr_assert_eq(mmsim_touch(m, c, (uint64_t)s, 4 * PG, MMSIM_WRITE, NULL), 0);
	cr_assert_eq(minflt(m, c), f0 + 1, "the other pages came with the first fault, writable");
	cr_assert_eq(pagemap(m, c, (uint64_t)s + 3 * PG) >> 63, 1);
	mmsim_machine_free(m);
}

/* MAP_FIXED in the upper half maps nothing: the top 4095 values are taken
 * for errnos (IS_ERR_VALUE), the rest is past TASK_SIZE (ENOMEM), in
 * __get_unmapped_area's order. */
Test(oracle_fixes, mmap_fixed_upper_half)
{
	mmsim_machine *m = boot_with(NULL, NULL);
	int p = mmsim_spawn(m, "p", 0);
	const uint64_t enomem[] = { 0xffff888000000000ULL, 1ULL << 63, -4096ULL, -8192ULL, -12ULL,
				    0x7ffffffff000ULL, 1ULL << 47 };
	for (size_t i = 0; i < sizeof enomem / sizeof enomem[0]; i++) {
		cr_assert_eq(mmsim_mmap(m, p, enomem[i], PG, RW, ANON | MMSIM_MAP_FIXED, -1, 0), -ENOMEM,
			     "%#llx", (unsigned long long)enomem[i]);
		cr_assert_eq(mmsim_mmap(m, p, enomem[i], PG, RW, ANON | MMSIM_MAP_FIXED_NOREPLACE, -1, 0),
			     -ENOMEM);
	}
	cr_assert_eq(mmsim_mmap(m, p, -1ULL, PG, RW, ANON | MMSIM_MAP_FIXED, -1, 0), -EPERM);
	cr_assert_eq(mmsim_mmap(m, p, -22ULL, PG, RW, ANON | MMSIM_MAP_FIXED, -1, 0), -EINVAL);
	cr_assert_eq(mmsim_mmap(m, p, -4095ULL, PG, RW, ANON | MMSIM_MAP_FIXED, -1, 0), -4095);
	cr_assert_eq(mmsim_mmap(m, p, 0x10001, PG, RW, ANON | MMSIM_MAP_FIXED, -1, 0), -EINVAL);
	char *maps = view(m, p, "maps");
	cr_assert_null(strstr(maps, "ffff888000000000"));
	cr_assert_null(strstr(maps, "8000000000000000"));
	free(maps);
	mmsim_machine_free(m);
}

/* MADV_COLD and MADV_PAGEOUT refuse locked memory (can_madv_lru_vma), also
 * after a hole in the range, whose ENOMEM the VMA's EINVAL overrides. */
Test(oracle_fixes, madv_cold_pageout_locked_is_einval)
{
	mmsim_machine *m = boot_with(NULL, NULL);
	int p = mmsim_spawn(m, "p", 0);
	int64_t a = mmsim_mmap(m, p, 0, 8 * PG, RW, ANON, -1, 0);
	cr_assert_eq(mmsim_mlock(m, p, (uint64_t)a + 4 * PG, 4 * PG), 0);
	cr_assert_eq(mmsim_madvise(m, p, (uint64_t)a + 4 * PG, PG, MMSIM_MADV_COLD), -EINVAL);
	cr_assert_eq(mmsim_madvise(m, p, (uint64_t)a + 4 * PG, PG, MMSIM_MADV_PAGEOUT), -EINVAL);
	cr_assert_eq(mmsim_madvise(m, p, (uint64_t)a, 4 * PG, MMSIM_MADV_PAGEOUT), 0);
	cr_assert_eq(mmsim_munmap(m, p, (uint64_t)a + 3 * PG, PG), 0);
	cr_assert_eq(mmsim_madvise(m, p, (uint64_t)a + 2 * PG, 3 * PG, MMSIM_MADV_COLD), -EINVAL);
	cr_assert_eq(mmsim_madvise(m, p, (uint64_t)a + 2 * PG, 2 * PG, MMSIM_MADV_COLD), -ENOMEM);
	cr_assert_eq(mmsim_munlock(m, p, (uint64_t)a + 4 * PG, 4 * PG), 0);
	cr_assert_eq(mmsim_madvise(m, p, (uint64_t)a + 2 * PG, 3 * PG, MMSIM_MADV_COLD), -ENOMEM);
	int64_t b = mmsim_mmap(m, p, 0, 2 * PG, RW, ANON, -1, 0);
	cr_assert_eq(mmsim_mlock2(m, p, (uint64_t)b, 2 * PG, MMSIM_MLOCK_ONFAULT), 0);
	cr_assert_eq(mmsim_madvise(m, p, (uint64_t)b, PG, MMSIM_MADV_PAGEOUT), -EINVAL);
	mmsim_machine_free(m);
}

/* A #PF at or above TASK_SIZE_MAX is reported with X86_PF_PROT in the
 * signal's error code (sanitize_error_code); below it the MMU's code stays.
 * TASK_SIZE_MAX follows the paging mode: 2^47 - 4096, or 2^56 - 4096. */
Test(oracle_fixes, signal_error_code_sanitized_above_task_size_max)
{
	const struct { const char *paging; uint64_t addr; enum mmsim_access kind; uint32_t ec; } cases[] = {
		{ "4", 0x7ffffffff000ULL, MMSIM_READ, 0x5 }, { "4", 0xffff888000000000ULL, MMSIM_WRITE, 0x7 },
		{ "4", 0xffffffff81000000ULL, MMSIM_FETCH, 0x15 }, { "4", 0x10000, MMSIM_READ, 0x4 },
		{ "5", 0x7ffffffff000ULL, MMSIM_READ, 0x4 }, { "5", 0x800000000000ULL, MMSIM_WRITE, 0x6 },
		{ "5", 0xfffffffffffff000ULL, MMSIM_READ, 0x5 }, { "5", 0xfffffffffffff000ULL, MMSIM_FETCH, 0x15 },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		mmsim_machine *m = boot_with("paging", cases[i].paging);
		struct mmsim_fault f;
		int p = mmsim_spawn(m, "p", 0);
		cr_assert_eq(mmsim_touch(m, p, cases[i].addr, 1, cases[i].kind, &f), -EFAULT);
		cr_assert_eq(f.signo, 11);
		cr_assert_eq(f.code, 1, "SEGV_MAPERR");
		cr_assert_eq(f.error_code, cases[i].ec, "paging %s, %#llx: error code %#x", cases[i].paging,
			     (unsigned long long)cases[i].addr, f.error_code);
		mmsim_machine_free(m);
	}
}

/* The fault-around window starts at the VMA when the VMA starts inside the
 * fault's 16-page block, and still spans 16 pages: a child reading the 16
 * pages of such a VMA faults once (do_fault_around's from_pte/to_pte). */
Test(oracle_fixes, fault_around_window_starts_at_vma)
{
	mmsim_machine *m = boot_with(NULL, NULL);
	int p = mmsim_spawn(m, "p", 0);
	const uint64_t s = 0x300008000ULL;            /* 8 pages into a 16-page block */
	cr_assert_eq(mmsim_mmap(m, p, s, 16 * PG, RW, MMSIM_MAP_SHARED | MMSIM_MAP_ANONYMOUS | MMSIM_MAP_FIXED,
				-1, 0), (int64_t)s);
	cr_assert_eq(mmsim_touch(m, p, s, 16 * PG, MMSIM_WRITE, NULL), 0);
	int c = mmsim_fork(m, p, -1);
	uint64_t f0 = minflt(m, c);
	cr_assert_eq(mmsim_touch(m, c, s + 2 * PG, PG, MMSIM_READ, NULL), 0);
	cr_assert_eq(minflt(m, c), f0 + 1);
	cr_assert_eq(pagemap(m, c, s + 15 * PG) >> 63, 1, "the window reaches the VMA's 16th page");
	cr_assert_eq(mmsim_touch(m, c, s, 16 * PG, MMSIM_READ, NULL), 0);
	cr_assert_eq(minflt(m, c), f0 + 1);
	mmsim_machine_free(m);
}

/* A store of 1, 2, 4 or 8 bytes is one instruction: straddling into a page
 * that faults, it stores nothing (check_straddling_stores; the host backend
 * runs the same in test_host.c). */
Test(oracle_fixes, straddling_store_is_one_instruction)
{
	mmsim_machine *m = boot_with(NULL, NULL);
	check_straddling_stores(m);
	mmsim_machine_free(m);
}

/* VmPTE of process pid, in kB. */
static uint64_t vm_pte_kb(mmsim_machine *m, int pid)
{
	char *s = view(m, pid, "status"), *f = strstr(s, "VmPTE:");
	cr_assert_not_null(f);
	uint64_t kb = strtoull(f + 6, NULL, 10);
	free(s);
	return kb;
}

/* MADV_DONTNEED frees the page table of each whole 2 MiB block it empties
 * (CONFIG_PT_RECLAIM); part of a block, MADV_FREE and munmap's neighbours
 * keep theirs; the next fault allocates one again. */
Test(oracle_fixes, madv_dontneed_frees_page_tables)
{
	const uint64_t mb = 1ULL << 20;
	mmsim_machine *m = boot_with(NULL, NULL);
	int p = mmsim_spawn(m, "p", 0);
	int64_t r = mmsim_mmap(m, p, 0, 20 * mb, RW, ANON, -1, 0);
	uint64_t a = ((uint64_t)r + 2 * mb - 1) & ~(2 * mb - 1);
	cr_assert_eq(mmsim_touch(m, p, a, 16 * mb, MMSIM_WRITE, NULL), 0);
	uint64_t full = vm_pte_kb(m, p);
	cr_assert_eq(mmsim_madvise(m, p, a, 2 * mb, MMSIM_MADV_DONTNEED), 0);
	cr_assert_eq(vm_pte_kb(m, p), full - 4);
	cr_assert_eq(mmsim_madvise(m, p, a + 2 * mb + PG, 2 * mb, MMSIM_MADV_DONTNEED), 0);
	cr_assert_eq(mmsim_madvise(m, p, a + 6 * mb, mb, MMSIM_MADV_DONTNEED), 0);
	cr_assert_eq(mmsim_madvise(m, p, a + 8 * mb, 2 * mb, MMSIM_MADV_FREE), 0);
	cr_assert_eq(vm_pte_kb(m, p), full - 4, "partial zaps and MADV_FREE keep the tables");
	cr_assert_eq(mmsim_touch(m, p, a, 1, MMSIM_READ, NULL), 0);
	cr_assert_eq(vm_pte_kb(m, p), full, "a fault there allocates one again");
	cr_assert_eq(mmsim_madvise(m, p, a, 16 * mb, MMSIM_MADV_DONTNEED), 0);
	cr_assert_eq(vm_pte_kb(m, p), full - 8 * 4);
	cr_assert_eq(mmsim_touch(m, p, a, 16 * mb, MMSIM_WRITE, NULL), 0);
	cr_assert_eq(vm_pte_kb(m, p), full, "and the memory works as before");
	mmsim_machine_free(m);
}

/* fork gives the child a page table wherever the parent has one under a
 * VMA that needs copying, before looking at the entries (copy_pte_range):
 * [vvar] (VM_PFNMAP) shares its 2 MiB with a read-faulted VMA, so the child
 * has that table too, though nothing in it is copied. */
Test(oracle_fixes, fork_allocates_the_page_tables_it_copies)
{
	mmsim_machine *m = boot_with(NULL, NULL);
	int p = mmsim_spawn(m, "p", 0);
	int64_t a = mmsim_mmap(m, p, 0, 2 * PG, MMSIM_PROT_READ, ANON, -1, 0);
	cr_assert_eq(mmsim_touch(m, p, (uint64_t)a, PG, MMSIM_READ, NULL), 0);
	int c = mmsim_fork(m, p, -1);
	cr_assert_eq(vm_pte_kb(m, c), vm_pte_kb(m, p));
	cr_assert_eq(pagemap(m, c, (uint64_t)a) >> 63, 0, "the zero page is not copied");
	cr_assert_eq(mmsim_check(m), 0);
	mmsim_machine_free(m);
}

/* mlockall(MCL_CURRENT) faults in the VMAs past one it cannot (PROT_NONE),
 * as mm_populate ignores the error; mlock stops there with ENOMEM. */
Test(oracle_fixes, mlockall_goes_past_prot_none)
{
	mmsim_machine *m = boot_with(NULL, NULL);
	int p = mmsim_spawn(m, "p", 0);
	int64_t a = mmsim_mmap(m, p, 0, 4 * PG, RW, ANON, -1, 0);
	int64_t n = mmsim_mmap(m, p, 0, 2 * PG, MMSIM_PROT_NONE, ANON, -1, 0);
	int64_t b = mmsim_mmap(m, p, 0, 4 * PG, RW, ANON, -1, 0);
	cr_assert(b < n && n < a, "top-down: b, then n, then a");
	cr_assert_eq(mmsim_mlockall(m, p, MMSIM_MCL_CURRENT), 0);
	cr_assert_eq(pagemap(m, p, (uint64_t)b) >> 63, 1);
	cr_assert_eq(pagemap(m, p, (uint64_t)a + 3 * PG) >> 63, 1, "faulted in past the PROT_NONE VMA");
	cr_assert_eq(mmsim_munlockall(m, p), 0);
	int64_t c = mmsim_mmap(m, p, 0, 2 * PG, RW, ANON, -1, 0);
	int64_t z = mmsim_mmap(m, p, 0, 2 * PG, MMSIM_PROT_NONE, ANON, -1, 0);
	int64_t d = mmsim_mmap(m, p, 0, 2 * PG, RW, ANON, -1, 0);
	cr_assert(d < z && z < c);
	cr_assert_eq(mmsim_mlock(m, p, (uint64_t)d, 6 * PG), -ENOMEM);
	cr_assert_eq(pagemap(m, p, (uint64_t)d) >> 63, 1);
	cr_assert_eq(pagemap(m, p, (uint64_t)c) >> 63, 0, "mlock stops at the PROT_NONE VMA");
	mmsim_machine_free(m);
}

/* MAP_SYNC gives VM_SYNC ("sf") to any mapping, which then does not merge
 * with a neighbour without it. */
Test(oracle_fixes, map_sync_sets_vm_sync)
{
	mmsim_machine *m = boot_with(NULL, NULL);
	char buf[128];
	int p = mmsim_spawn(m, "p", 0);
	int64_t a = mmsim_mmap(m, p, 0, 2 * PG, RW, ANON, -1, 0);
	int64_t b = mmsim_mmap(m, p, (uint64_t)a - 2 * PG, 2 * PG, RW, ANON | MMSIM_MAP_FIXED | MMSIM_MAP_SYNC, -1, 0);
	cr_assert_eq(b, a - 2 * (int64_t)PG);
	cr_assert_not_null(strstr(smaps_field(m, p, (uint64_t)b, "VmFlags:", buf, sizeof buf), " sf"));
	cr_assert_null(strstr(smaps_field(m, p, (uint64_t)a, "VmFlags:", buf, sizeof buf), " sf"),
		       "a separate VMA without sf");
	mmsim_machine_free(m);
}

/* The maps line of the VMA starting at start, copied into buf. */
static const char *maps_line(mmsim_machine *m, int pid, uint64_t start, char *buf, size_t len)
{
	char head[32], *s = view(m, pid, "maps");
	snprintf(head, sizeof head, "%08llx-", (unsigned long long)start);
	char *l = strstr(s, head);
	cr_assert_not_null(l, "no VMA at %s", head);
	snprintf(buf, len, "%.*s", (int)strcspn(l, "\n"), l);
	free(s);
	return buf;
}

/* [heap] is a VMA overlapping [start_brk, brk): not a mapping at the start
 * of an empty heap, nor one starting at the break. */
Test(oracle_fixes, heap_name_strict_bounds)
{
	mmsim_machine *m = boot_with(NULL, NULL);
	char buf[160];
	int p = mmsim_spawn(m, "p", 0);
	int64_t b = mmsim_brk(m, p, 0);
	int64_t a = mmsim_mmap(m, p, (uint64_t)b, 2 * PG, MMSIM_PROT_READ, ANON | MMSIM_MAP_FIXED_NOREPLACE, -1, 0);
	cr_assert_eq(a, b);
	cr_assert_null(strstr(maps_line(m, p, (uint64_t)a, buf, sizeof buf), "[heap]"), "%s", buf);
	cr_assert_eq(mmsim_munmap(m, p, (uint64_t)a, 2 * PG), 0);
	cr_assert_eq(mmsim_brk(m, p, (uint64_t)b + 2 * PG), b + 2 * (int64_t)PG);
	cr_assert_not_null(strstr(maps_line(m, p, (uint64_t)b, buf, sizeof buf), "[heap]"), "%s", buf);
	a = mmsim_mmap(m, p, (uint64_t)b + 2 * PG, PG, MMSIM_PROT_READ, ANON | MMSIM_MAP_FIXED_NOREPLACE, -1, 0);
	cr_assert_null(strstr(maps_line(m, p, (uint64_t)a, buf, sizeof buf), "[heap]"), "%s", buf);
	mmsim_machine_free(m);
}

/* mprotect(PROT_GROWSUP): 0 for len 0, ENOMEM where nothing is mapped,
 * EINVAL only for a mapped start (no VMA grows up on x86). */
Test(oracle_fixes, mprotect_growsup_after_lookup)
{
	mmsim_machine *m = boot_with(NULL, NULL);
	int p = mmsim_spawn(m, "p", 0);
	unsigned long up = MMSIM_PROT_READ | MMSIM_PROT_GROWSUP;
	int64_t a = mmsim_mmap(m, p, 0, 4 * PG, RW, ANON, -1, 0);
	cr_assert_eq(mmsim_munmap(m, p, (uint64_t)a, PG), 0);
	cr_assert_eq(mmsim_mprotect(m, p, (uint64_t)a, 0, up), 0);
	cr_assert_eq(mmsim_mprotect(m, p, (uint64_t)a, PG, up), -ENOMEM);
	cr_assert_eq(mmsim_mprotect(m, p, (uint64_t)a, 2 * PG, up), -ENOMEM);
	cr_assert_eq(mmsim_mprotect(m, p, (uint64_t)a + PG, PG, up), -EINVAL);
	cr_assert_eq(mmsim_mprotect(m, p, (uint64_t)a + PG, 0, up | MMSIM_PROT_GROWSDOWN), -EINVAL);
	mmsim_machine_free(m);
}

/* brk shrinks only over something mapped: with the heap unmapped it
 * returns the old break. */
Test(oracle_fixes, brk_shrink_over_unmapped_heap)
{
	mmsim_machine *m = boot_with(NULL, NULL);
	int p = mmsim_spawn(m, "p", 0);
	int64_t b = mmsim_brk(m, p, 0);
	cr_assert_eq(mmsim_brk(m, p, (uint64_t)b + 8 * PG), b + 8 * (int64_t)PG);
	cr_assert_eq(mmsim_munmap(m, p, (uint64_t)b + 4 * PG, 4 * PG), 0);
	cr_assert_eq(mmsim_brk(m, p, (uint64_t)b + 6 * PG), b + 8 * (int64_t)PG);
	cr_assert_eq(mmsim_brk(m, p, (uint64_t)b + 2 * PG), b + 2 * (int64_t)PG);
	mmsim_machine_free(m);
}

/* The [vdso]'s pages read as "file" in pagemap (bit 61), not exclusive. */
Test(oracle_fixes, vdso_pagemap_file_bit)
{
	mmsim_machine *m = boot_with(NULL, NULL);
	char *maps, b;
	int p = mmsim_spawn(m, "p", 0);
	maps = view(m, p, "maps");
	char *l = strstr(maps, "[vdso]");
	cr_assert_not_null(l);
	while (l > maps && l[-1] != '\n')
		l--;
	uint64_t a = strtoull(l, NULL, 16);
	free(maps);
	cr_assert_eq(mmsim_access(m, p, a, &b, 1, MMSIM_READ, NULL), 0);
	uint64_t e = pagemap(m, p, a);
	cr_assert_eq(e >> 63, 1);
	cr_assert_eq(e >> 61 & 1, 1, "file");
	cr_assert_eq(e >> 56 & 1, 0, "not exclusive");
	mmsim_machine_free(m);
}

/* A hint below CONFIG_LSM_MMAP_MIN_ADDR (65536 by default) is raised to it
 * even where vm.mmap_min_addr lets MAP_FIXED go lower; with the option 0
 * vm.mmap_min_addr alone decides. */
Test(oracle_fixes, lsm_mmap_min_addr_raises_hints)
{
	mmsim_machine *m = boot_with(NULL, NULL);
	char v[32];
	int p = mmsim_spawn(m, "p", 0);
	cr_assert_eq(mmsim_sysctl_set(m, "vm.mmap_min_addr", "4096"), 0);
	cr_assert_eq(mmsim_mmap(m, p, 0x3000, PG, RW, ANON, -1, 0), 0x10000);
	cr_assert_eq(mmsim_mmap(m, p, 0x1000, PG, RW, ANON | MMSIM_MAP_FIXED, -1, 0), 0x1000);
	mmsim_machine_free(m);
	m = boot_with("lsm_mmap_min_addr", "0");
	p = mmsim_spawn(m, "p", 0);
	cr_assert_eq(mmsim_sysctl_set(m, "vm.mmap_min_addr", "4096"), 0);
	cr_assert_eq(mmsim_mmap(m, p, 0x3000, PG, RW, ANON, -1, 0), 0x3000);
	mmsim_machine_free(m);
	mmsim_config *c = mmsim_config_new(NULL, NULL);
	cr_assert_eq(mmsim_config_get(c, "lsm_mmap_min_addr", v, sizeof v), 0);
	cr_assert_str_eq(v, "65536");
	cr_assert_eq(mmsim_config_set(c, "lsm_mmap_min_addr", "100", NULL, 0), -EINVAL, "not a page multiple");
	mmsim_config_free(c);
}

/* A write through a TLB entry a permission upgrade left read-only (a page
 * write-protected by fork, read, then made writable by
 * MADV_POPULATE_WRITE, which flushes nothing): with tlb.rewalk_stale (AMD)
 * the core walks again and the write does not fault; without (Intel may)
 * it faults once, and the kernel finds a spurious fault. Fuzz N20. */
static uint64_t stale_write_faults(const char *rewalk)
{
	mmsim_machine *m = boot_with("tlb.rewalk_stale", rewalk);
	int p = mmsim_spawn(m, "p", 0);
	int64_t a = mmsim_mmap(m, p, 0, 2 * PG, RW, ANON, -1, 0);
	cr_assert_eq(mmsim_touch(m, p, (uint64_t)a, 2 * PG, MMSIM_WRITE, NULL), 0);
	int c = mmsim_fork(m, p, -1);
	cr_assert_eq(mmsim_exit(m, c, 0), 0);
	cr_assert_eq(mmsim_touch(m, p, (uint64_t)a, 2 * PG, MMSIM_READ, NULL), 0);
	cr_assert_eq(mmsim_madvise(m, p, (uint64_t)a, 2 * PG, MMSIM_MADV_POPULATE_WRITE), 0);
	uint64_t f0 = minflt(m, p);
	cr_assert_eq(mmsim_touch(m, p, (uint64_t)a + PG - 1, 2, MMSIM_WRITE, NULL), 0);
	uint64_t n = minflt(m, p) - f0;
	cr_assert_eq(mmsim_check(m), 0);
	mmsim_machine_free(m);
	return n;
}

Test(oracle_fixes, stale_tlb_entry_rewalked_or_faulted)
{
	cr_assert_eq(stale_write_faults("1"), 0, "AMD: walks again");
	cr_assert_eq(stale_write_faults("0"), 2, "Intel: one spurious fault per page");
	mmsim_config *c = mmsim_config_new("zen4", NULL);
	char v[8];
	cr_assert_eq(mmsim_config_get(c, "tlb.rewalk_stale", v, sizeof v), 0);
	cr_assert_str_eq(v, "1");
	mmsim_config_free(c);
}

/* A read fault past the end of a shmem object runs fault-around before it
 * answers SIGBUS: a locked shared mapping moved and grown by mremap maps
 * again the zapped page that lies inside the first populate fault's window,
 * without a counted fault (fuzz case 006; mremap_shared_grow_sigbus_around). */
Test(oracle_fixes, fault_around_before_sigbus_past_eof)
{
	mmsim_machine *m = boot_with(NULL, NULL);
	int p = mmsim_spawn(m, "p", 0);
	int64_t a = mmsim_mmap(m, p, 0, 4 * PG, RW, MMSIM_MAP_SHARED | MMSIM_MAP_ANONYMOUS | MMSIM_MAP_LOCKED,
			       -1, 0);
	cr_assert_gt(a, 0);
	cr_assert_eq(mmsim_madvise(m, p, (uint64_t)a, 3 * PG, MMSIM_MADV_DONTNEED_LOCKED), 0);
	uint64_t f0 = minflt(m, p);
	int64_t b = mmsim_mremap(m, p, (uint64_t)a + 2 * PG, 2 * PG, 11 * PG, MMSIM_MREMAP_MAYMOVE, 0);
	cr_assert_gt(b, 0);
	cr_assert_eq(pagemap(m, p, (uint64_t)b) >> 63, 1, "fault-around mapped the cached page");
	cr_assert_eq(pagemap(m, p, (uint64_t)b + 2 * PG) >> 63, 0, "past the end: nothing");
	cr_assert_eq(minflt(m, p), f0, "the SIGBUS fault is not counted");
	mmsim_machine_free(m);
}

/* MADV_WILLNEED on shmem reads back only pages out on swap: it creates no
 * page, so a later read's fault-around has nothing more to map (fuzz
 * campaign 4, cases 002/004/005; madvise_willneed_shmem.lua). */
Test(oracle_fixes, willneed_creates_no_shmem_page)
{
	mmsim_machine *m = boot_with(NULL, NULL);
	int p = mmsim_spawn(m, "p", 0);
	int64_t a = mmsim_mmap(m, p, 0, 7 * PG, RW, MMSIM_MAP_SHARED | MMSIM_MAP_ANONYMOUS, -1, 0);
	cr_assert_gt(a, 0);
	cr_assert_eq(mmsim_madvise(m, p, (uint64_t)a + 5 * PG, PG, MMSIM_MADV_WILLNEED), 0);
	cr_assert_eq(mmsim_touch(m, p, (uint64_t)a + 2 * PG, PG, MMSIM_READ, NULL), 0);
	cr_assert_eq(pagemap(m, p, (uint64_t)a + 2 * PG) >> 63, 1);
	cr_assert_eq(pagemap(m, p, (uint64_t)a + 5 * PG) >> 63, 0, "WILLNEED made no page to map around");
	mmsim_machine_free(m);
}
