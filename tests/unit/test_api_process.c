/* The public C API for processes: tasks, system calls, accesses and their
 * faults, flags as text, sysctls, counters, explain mode. */
#include <criterion/criterion.h>

#include "mmsim.h"

#include "api_helpers.h"
#include "common.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PG 4096ULL

static mmsim_machine *boot(void)
{
	return boot_with(NULL, NULL);
}

static uint64_t stat_of(const struct mmsim_stat *s, int n, const char *name)
{
	for (int i = 0; i < n; i++)
		if (!strcmp(s[i].name, name))
			return s[i].value;
	cr_assert_fail("no counter %s", name);
	return 0;
}

static uint64_t task_stat(mmsim_machine *m, int pid, const char *name)
{
	struct mmsim_stat s[32];
	int n = mmsim_task_stats(m, pid, s, 32);
	cr_assert_gt(n, 0);
	return stat_of(s, n, name);
}

Test(api_process, tasks_live_and_die)
{
	mmsim_machine *m = boot();
	int p = mmsim_spawn(m, "parent", 0);
	cr_assert_gt(p, 0);
	cr_assert_eq(mmsim_spawn(m, "x", 7), -EINVAL, "the machine has two cores");
	cr_assert_not_null(strstr(mmsim_last_error(m), "cores 0 to 1"));
	int th = mmsim_thread(m, p, 1);
	int c = mmsim_fork(m, p, -1);
	cr_assert_gt(th, p);
	cr_assert_gt(c, th);
	struct mmsim_task_info info;
	cr_assert_eq(mmsim_task_info(m, th, &info), 0);
	cr_assert_eq(info.tgid, p);
	cr_assert_eq(info.core, 1);
	cr_assert_eq(info.nr_threads, 2);
	cr_assert_str_eq(info.comm, "parent");
	cr_assert_eq(mmsim_task_info(m, c, &info), 0);
	cr_assert_eq(info.ppid, p);
	cr_assert_eq(info.core, 0, "fork with core -1 stays on the parent's core");
	int pids[8];
	cr_assert_eq(mmsim_tasks(m, pids, 8), 3);
	cr_assert_eq(mmsim_run_on(m, c, 1), 0);
	cr_assert_eq(mmsim_task_info(m, c, &info), 0);
	cr_assert_eq(info.core, 1);
	cr_assert_eq(mmsim_exit(m, p, 3), 0);
	cr_assert_eq(mmsim_tasks(m, pids, 8), 1, "the thread went with its process");
	cr_assert_eq(mmsim_mmap(m, p, 0, PG, 3, 0x22, -1, 0), -ESRCH);
	cr_assert_eq(mmsim_exit(m, th, 0), -ESRCH);
	cr_assert_eq(mmsim_exit(m, c, 0), 0);
	cr_assert_eq(mmsim_check(m), 0);
	mmsim_machine_free(m);
}

Test(api_process, a_fatal_fault_reports_the_signal_and_kills)
{
	mmsim_machine *m = boot();
	int p = mmsim_spawn(m, "victim", 0);
	int64_t a = mmsim_mmap(m, p, 0, 2 * PG, MMSIM_PROT_READ, MMSIM_MAP_PRIVATE | MMSIM_MAP_ANONYMOUS, -1, 0);
	cr_assert_gt(a, 0);
	char buf[8] = "abcdefg";
	struct mmsim_fault f;
	cr_assert_eq(mmsim_access(m, p, (uint64_t)a, buf, 8, MMSIM_READ, &f), 0);
	cr_assert_eq(buf[0], 0, "fresh anonymous memory reads as zeros");
	cr_assert_eq(mmsim_access(m, p, (uint64_t)a + 10, buf, 1, MMSIM_WRITE, &f), -EFAULT);
	cr_assert_eq(f.signo, 11);
	cr_assert_str_eq(mmsim_signal_name(f.signo), "SIGSEGV");
	cr_assert_str_eq(mmsim_sigcode_name(f.signo, f.code), "SEGV_ACCERR");
	cr_assert_eq(f.addr, (uint64_t)a + 10);
	cr_assert_eq(f.trapno, 14);
	cr_assert_eq(f.error_code, 7, "present, write, user");
	cr_assert_eq(mmsim_access(m, p, (uint64_t)a, buf, 1, MMSIM_READ, &f), -ESRCH, "dead, as on Linux");
	int q = mmsim_spawn(m, "wild", 1);
	cr_assert_eq(mmsim_access(m, q, 0x1000, buf, 1, MMSIM_READ, &f), -EFAULT);
	cr_assert_str_eq(mmsim_sigcode_name(f.signo, f.code), "SEGV_MAPERR");
	int r = mmsim_spawn(m, "noncanonical", 1);
	cr_assert_eq(mmsim_access(m, r, 0x800000000000ULL, buf, 1, MMSIM_READ, &f), -EFAULT);
	cr_assert_eq(f.trapno, 13);
	cr_assert_str_eq(mmsim_sigcode_name(f.signo, f.code), "SI_KERNEL");
	cr_assert_eq(mmsim_check(m), 0);
	mmsim_machine_free(m);
}

Test(api_process, touch_keeps_bytes_and_counts_one_fault_per_page)
{
	mmsim_machine *m = boot();
	int p = mmsim_spawn(m, "toucher", 0);
	int64_t a = mmsim_mmap(m, p, 0, 16 * PG, 3, 0x22, -1, 0);
	cr_assert_eq(mmsim_access(m, p, (uint64_t)a + 5, "keep", 4, MMSIM_WRITE, NULL), 0);
	uint64_t before = task_stat(m, p, "minflt");
	cr_assert_eq(mmsim_touch(m, p, (uint64_t)a, 16 * PG, MMSIM_WRITE, NULL), 0);
	cr_assert_eq(task_stat(m, p, "minflt") - before, 15, "the written page took no fault");
	char buf[5] = { 0 };
	cr_assert_eq(mmsim_access(m, p, (uint64_t)a + 5, buf, 4, MMSIM_READ, NULL), 0);
	cr_assert_str_eq(buf, "keep");
	uint64_t walks = task_stat(m, p, "walks"), acc = task_stat(m, p, "accesses");
	cr_assert_eq(mmsim_touch(m, p, (uint64_t)a, 16 * PG, MMSIM_READ, NULL), 0);
	cr_assert_eq(task_stat(m, p, "accesses") - acc, 16);
	cr_assert_eq(task_stat(m, p, "walks"), walks, "16 pages stay in the TLB");
	cr_assert_eq(task_stat(m, p, "tlb.hit") + task_stat(m, p, "tlb.miss"), task_stat(m, p, "accesses"));
	uint64_t pa;
	cr_assert_eq(mmsim_virt_to_phys(m, p, (uint64_t)a + 5, &pa), 0);
	cr_assert_eq(pa & 0xfff, 5);
	cr_assert_eq(mmsim_virt_to_phys(m, p, 0x1000, &pa), -ENOENT);
	mmsim_machine_free(m);
}

Test(api_process, flags_as_text)
{
	unsigned long v;
	char eb[200], buf[200];
	cr_assert_eq(mmsim_parse_flags("prot", "rw", &v, eb, sizeof eb), 0);
	cr_assert_eq(v, 3);
	cr_assert_eq(mmsim_parse_flags("prot", "r|w|x", &v, eb, sizeof eb), 0);
	cr_assert_eq(v, 7);
	cr_assert_eq(mmsim_parse_flags("prot", "none", &v, eb, sizeof eb), 0);
	cr_assert_eq(v, 0);
	cr_assert_eq(mmsim_parse_flags("prot", "READ|exec", &v, eb, sizeof eb), 0);
	cr_assert_eq(v, 5);
	cr_assert_eq(mmsim_parse_flags("prot", "rr", &v, eb, sizeof eb), -EINVAL);
	cr_assert_eq(mmsim_parse_flags("map", "private|anonymous|fixed_noreplace", &v, eb, sizeof eb), 0);
	cr_assert_eq(v, 0x100022);
	cr_assert_eq(mmsim_parse_flags("map", "private|anonymus", &v, eb, sizeof eb), -EINVAL);
	cr_assert_str_eq(eb, "'private|anonymus': unknown map flag 'anonymus'");
	cr_assert_eq(mmsim_parse_flags("madv", "dontneed", &v, eb, sizeof eb), 0);
	cr_assert_eq(v, 4);
	cr_assert_eq(mmsim_parse_flags("madv", "dontneed|free", &v, eb, sizeof eb), -EINVAL);
	cr_assert_eq(mmsim_parse_flags("mremap", "maymove|fixed", &v, eb, sizeof eb), 0);
	cr_assert_eq(v, 3);
	cr_assert_eq(mmsim_parse_flags("mcl", "current|future", &v, eb, sizeof eb), 0);
	cr_assert_eq(v, 3);
	cr_assert_eq(mmsim_parse_flags("map", "", &v, eb, sizeof eb), 0);
	cr_assert_eq(v, 0);
	cr_assert_eq(mmsim_parse_flags("colour", "red", &v, eb, sizeof eb), -EINVAL);
	mmsim_format_flags("map", 0x100022, buf, sizeof buf);
	cr_assert_str_eq(buf, "private|fixed_noreplace|anonymous");
	mmsim_format_flags("prot", 0, buf, sizeof buf);
	cr_assert_str_eq(buf, "none");
	mmsim_format_flags("prot", 3 | 0x100, buf, sizeof buf);
	cr_assert_str_eq(buf, "read|write|0x100");
	mmsim_format_flags("madv", 23, buf, sizeof buf);
	cr_assert_str_eq(buf, "populate_write");
}

Test(api_process, sysctls_apply_with_linux_ranges)
{
	mmsim_machine *m = boot();
	char buf[64];
	cr_assert_eq(mmsim_sysctl_get(m, "vm.max_map_count", buf, sizeof buf), 0);
	cr_assert_str_eq(buf, "65530");
	cr_assert_eq(mmsim_sysctl_set(m, "vm.max_map_count", "10"), 0);
	int p = mmsim_spawn(m, "maps", 0);
	int64_t err = 0;
	for (int i = 0; i < 20 && err >= 0; i++)
		err = mmsim_mmap(m, p, 0, PG, i % 2 ? 1 : 3, 0x22, -1, 0);
	cr_assert_eq(err, -ENOMEM, "the limit applies to the next mmap");
	cr_assert_eq(mmsim_sysctl_set(m, "vm.overcommit_memory", "3"), -EINVAL);
	cr_assert_not_null(strstr(mmsim_last_error(m), "from 0 to 2"));
	cr_assert_eq(mmsim_sysctl_set(m, "vm/overcommit_memory", "2"), 0, "slashes work");
	cr_assert_eq(mmsim_sysctl_set(m, "vm.nosuch", "1"), -ENOENT);
	cr_assert_eq(mmsim_sysctl_set(m, "vm.percpu_pagelist_high_fraction", "4"), -EINVAL);
	cr_assert_eq(mmsim_sysctl_set(m, "vm.lowmem_reserve_ratio", "256 256 64"), 0);
	cr_assert_eq(mmsim_sysctl_get(m, "vm.lowmem_reserve_ratio", buf, sizeof buf), 0);
	cr_assert_eq(strncmp(buf, "256\t256\t64\t", 11), 0, "%s", buf);
	uint64_t low0;
	char *zi;
	cr_assert_eq(mmsim_proc_read(m, "/proc/zoneinfo", &zi, NULL), 0);
	free(zi);
	cr_assert_eq(mmsim_vmstat(m, "nr_free_pages", &low0), 0);
	cr_assert_eq(mmsim_sysctl_set(m, "vm.min_free_kbytes", "16384"), 0);
	cr_assert_eq(mmsim_sysctl_get(m, "vm.min_free_kbytes", buf, sizeof buf), 0);
	cr_assert_str_eq(buf, "16384");
	for (size_t i = 0; mmsim_sysctl_name(i); i++)
		cr_assert_eq(mmsim_sysctl_get(m, mmsim_sysctl_name(i), buf, sizeof buf), 0);
	mmsim_machine_free(m);
}

Test(api_process, anon_vma_names)
{
	mmsim_machine *m = boot();
	int p = mmsim_spawn(m, "names", 0);
	int64_t a = mmsim_mmap(m, p, 0, 8 * PG, 3, 0x22, -1, 0);
	cr_assert_eq(mmsim_set_vma_anon_name(m, p, (uint64_t)a + PG, 2 * PG, "heap two"), 0);
	cr_assert_eq(mmsim_set_vma_anon_name(m, p, (uint64_t)a, PG, "a[b"), -EINVAL);
	cr_assert_eq(mmsim_set_vma_anon_name(m, p, (uint64_t)a, PG, "tab\there"), -EINVAL);
	char long80[81];
	memset(long80, 'n', 80);
	long80[80] = 0;
	cr_assert_eq(mmsim_set_vma_anon_name(m, p, (uint64_t)a, PG, long80), -EINVAL);
	long80[79] = 0;
	cr_assert_eq(mmsim_set_vma_anon_name(m, p, (uint64_t)a, PG, long80), 0, "79 characters fit");
	cr_assert_eq(mmsim_set_vma_anon_name(m, p, (uint64_t)a + 1, PG, "x"), -EINVAL);
	cr_assert_eq(mmsim_set_vma_anon_name(m, p, 0x555555554000ULL, PG, "x"), -EBADF, "a file mapping");
	cr_assert_eq(mmsim_munmap(m, p, (uint64_t)a + 6 * PG, PG), 0);
	cr_assert_eq(mmsim_set_vma_anon_name(m, p, (uint64_t)a + 5 * PG, 3 * PG, "hole"), -ENOMEM,
		     "named around the hole, ENOMEM after");
	cr_assert_eq(mmsim_set_vma_anon_name(m, p, (uint64_t)a, 8 * PG, NULL), -ENOMEM);
	/* cleared everywhere: the pieces merge back into two VMAs */
	char *maps;
	if (mmsim_proc_read(m, "/proc/1/maps", &maps, NULL) == 0) {
		cr_assert_null(strstr(maps, "[anon:"));
		free(maps);
	}
	mmsim_machine_free(m);
}

Test(api_process, machine_counters_add_up)
{
	mmsim_machine *m = boot();
	int p = mmsim_spawn(m, "count", 1);
	int64_t a = mmsim_mmap(m, p, 0, 4 * PG, 3, 0x22, -1, 0);
	cr_assert_eq(mmsim_touch(m, p, (uint64_t)a, 4 * PG, MMSIM_WRITE, NULL), 0);
	struct mmsim_stat *s = calloc(2048, sizeof *s);
	size_t n = mmsim_machine_stats(m, s, 2048);
	cr_assert_lt(n, 2048);
	cr_assert_eq(stat_of(s, (int)n, "walks"), stat_of(s, (int)n, "cpu0.walks") + stat_of(s, (int)n, "cpu1.walks"));
	cr_assert_geq(stat_of(s, (int)n, "cpu1.pf.not_present"), 4);
	cr_assert_eq(stat_of(s, (int)n, "pf.total"), stat_of(s, (int)n, "pf.not_present") + stat_of(s, (int)n, "pf.protection"));
	cr_assert_geq(stat_of(s, (int)n, "vm.pgfault"), 4);
	cr_assert_eq(mmsim_machine_stats(m, s, 0), n, "the count without room");
	free(s);
	mmsim_machine_free(m);
}

struct lines {
	char *text;
	size_t len;
};

static void collect(void *ctx, const char *line)
{
	struct lines *l = ctx;
	size_t n = strlen(line);
	l->text = realloc(l->text, l->len + n + 2);
	memcpy(l->text + l->len, line, n);
	l->text[l->len + n] = '\n';
	l->len += n + 1;
	l->text[l->len] = 0;
}

Test(api_process, explain_narrates_the_seed_scenario)
{
	mmsim_machine *m = boot();
	int p = mmsim_spawn(m, "explain", 0);
	int64_t a = mmsim_mmap(m, p, 0, 1 << 20, 3, 0x22, -1, 0);
	struct lines l = { 0 };
	mmsim_explain(m, collect, &l);
	cr_assert_eq(mmsim_access(m, p, (uint64_t)a + 500000, "A", 1, MMSIM_WRITE, NULL), 0);
	mmsim_explain(m, NULL, NULL);
	const char *want[] = {
		"write 1 byte at", "= PML4 255 | PDPT", "STLB miss", "walk PML4/pgd[255]", "not present",
		"#PF error 0x6", "kernel exc_page_fault", "kernel do_anonymous_page", "kernel set_pte_at",
		"allowed: user write", "-> physical",
	};
	const char *at = l.text;
	for (size_t i = 0; i < ARRAY_SIZE(want); i++) {
		const char *hit = strstr(at, want[i]);
		cr_assert_not_null(hit, "'%s' in order in:\n%s", want[i], l.text);
		at = hit;
	}
	size_t len = l.len;
	cr_assert_eq(mmsim_access(m, p, (uint64_t)a, "B", 1, MMSIM_WRITE, NULL), 0);
	cr_assert_eq(l.len, len, "off means off");
	free(l.text);
	mmsim_machine_free(m);
}

Test(api_process, config_seed_and_aslr_reach_the_kernel)
{
	uint64_t base[3];
	for (int i = 0; i < 3; i++) {
		int err;
		mmsim_config *c = mmsim_config_new(NULL, &err);
		mmsim_machine *m;
		cr_assert_eq(mmsim_config_set(c, "ram", "64M", NULL, 0), 0);
		cr_assert_eq(mmsim_config_set(c, "aslr", "2", NULL, 0), 0);
		cr_assert_eq(mmsim_config_set(c, "seed", i == 2 ? "8" : "7", NULL, 0), 0);
		cr_assert_eq(mmsim_machine_new(c, &m, NULL, 0), 0);
		int p = mmsim_spawn(m, "seeded", 0);
		base[i] = (uint64_t)mmsim_mmap(m, p, 0, PG, 3, 0x22, -1, 0);
		mmsim_machine_free(m);
		mmsim_config_free(c);
	}
	cr_assert_eq(base[0], base[1], "same seed, same layout");
	cr_assert_neq(base[0], base[2], "another seed, another layout");
	mmsim_machine *m = boot_with("zero_page", "0");
	int p = mmsim_spawn(m, "nozero", 0);
	int64_t a = mmsim_mmap(m, p, 0, 2 * PG, 3, 0x22, -1, 0);
	cr_assert_eq(mmsim_touch(m, p, (uint64_t)a, 2 * PG, MMSIM_READ, NULL), 0);
	uint64_t pa, pa2, zero_pa;
	cr_assert_eq(mmsim_virt_to_phys(m, p, (uint64_t)a, &pa), 0);
	cr_assert_eq(mmsim_virt_to_phys(m, p, (uint64_t)a + PG, &pa2), 0);
	cr_assert_neq(pa, pa2, "without the zero page each read gets its own frame");
	mmsim_machine *m2 = boot();
	int p2 = mmsim_spawn(m2, "zero", 0);
	int64_t a2 = mmsim_mmap(m2, p2, 0, 2 * PG, 3, 0x22, -1, 0);
	cr_assert_eq(mmsim_touch(m2, p2, (uint64_t)a2, 2 * PG, MMSIM_READ, NULL), 0);
	cr_assert_eq(mmsim_virt_to_phys(m2, p2, (uint64_t)a2, &zero_pa), 0);
	uint64_t zero_pa2;
	cr_assert_eq(mmsim_virt_to_phys(m2, p2, (uint64_t)a2 + PG, &zero_pa2), 0);
	cr_assert_eq(zero_pa, zero_pa2, "both read pages map the zero page");
	mmsim_machine_free(m);
	mmsim_machine_free(m2);
}
