/* The host backend reports what the real kernel does: these run real
 * processes on this machine (Linux on x86-64, as any user; skipped
 * elsewhere). Where the answer depends on this host (privilege, resource
 * limits, CPUs, huge pages), a test checks the branch this host takes and
 * prints which ("NOTE test: ..."), or skips with the reason. */
#include <criterion/criterion.h>

#include "api_helpers.h"

#include <errno.h>
#include <glob.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define PG 4096ULL
#define RW (MMSIM_PROT_READ | MMSIM_PROT_WRITE)
#define ANON (MMSIM_MAP_PRIVATE | MMSIM_MAP_ANONYMOUS)

/* A host machine, or the test is skipped where the backend cannot run. */
static mmsim_machine *host(void)
{
	return host_or_skip();
}

/* Say which branch of a host-dependent test ran. */
#define note(...)                                                                       \
	do {                                                                            \
		char note_[256];                                                        \
		snprintf(note_, sizeof note_, __VA_ARGS__);                             \
		fprintf(stderr, "NOTE host::%s: %s\n", criterion_current_test->name, note_); \
	} while (0)

/* The value of the line starting with key in the text file path (a
 * /proc file), copied into buf; NULL when there is none. */
static const char *file_field(const char *path, const char *key, char *buf, size_t len)
{
	char line[256];
	const char *found = NULL;
	FILE *f = fopen(path, "r");
	cr_assert_not_null(f, "%s", path);
	while (!found && fgets(line, sizeof line, f))
		if (!strncmp(line, key, strlen(key))) {
			snprintf(buf, len, "%s", line + strlen(key) + strspn(line + strlen(key), " \t"));
			buf[strcspn(buf, "\n")] = 0;
			found = buf;
		}
	fclose(f);
	return found;
}

/* The soft RLIMIT_MEMLOCK of process pid in bytes (UINT64_MAX: unlimited). */
static uint64_t memlock_limit(int pid)
{
	char path[64], v[128];
	snprintf(path, sizeof path, "/proc/%d/limits", pid);
	cr_assert_not_null(file_field(path, "Max locked memory", v, sizeof v));
	return strncmp(v, "unlimited", 9) ? strtoull(v, NULL, 10) : UINT64_MAX;
}

/* The size of process pid's address space (VmSize) in bytes. */
static uint64_t vm_size(int pid)
{
	char path[64], v[64];
	snprintf(path, sizeof path, "/proc/%d/status", pid);
	cr_assert_not_null(file_field(path, "VmSize:", v, sizeof v));
	return strtoull(v, NULL, 10) << 10;
}

/* Whether anonymous faults may map a large folio of at most max_bytes
 * without MADV_HUGEPAGE: a hugepages-<size>kB/enabled that is "always", or
 * "inherit" under a top-level "always". Names the file in why. */
static int anon_mthp_always(uint64_t max_bytes, char *why, size_t len)
{
	char top[64] = "", mode[64], path[128];
	glob_t g;
	int found = 0;
	if (file_field("/sys/kernel/mm/transparent_hugepage/enabled", "", top, sizeof top) && !strstr(top, "[always]"))
		top[0] = 0;
	if (glob("/sys/kernel/mm/transparent_hugepage/hugepages-*kB/enabled", 0, NULL, &g))
		return 0;                            /* before Linux 6.8: PMD size only */
	for (size_t i = 0; i < g.gl_pathc && !found; i++) {
		unsigned long kb = strtoul(strrchr(g.gl_pathv[i], '-') + 1, NULL, 10);
		snprintf(path, sizeof path, "%s", g.gl_pathv[i]);
		if (kb * 1024 > max_bytes || !file_field(path, "", mode, sizeof mode))
			continue;
		if (strstr(mode, "[always]") || (strstr(mode, "[inherit]") && top[0])) {
			snprintf(why, len, "%s is %s", path, strstr(mode, "[always]") ? "always" : "inherit (always)");
			found = 1;
		}
	}
	globfree(&g);
	return found;
}

static uint64_t faults(mmsim_machine *m, int pid, const char *which)
{
	struct mmsim_stat s[8];
	int n = mmsim_task_stats(m, pid, s, 8);
	cr_assert_gt(n, 0, "%s", mmsim_last_error(m));
	for (int i = 0; i < n; i++)
		if (!strcmp(s[i].name, which))
			return s[i].value;
	cr_assert_fail("no %s", which);
	return 0;
}

/* Fresh anonymous memory, NOHUGEPAGE: one minor fault per page touched. */
Test(host, touching_n_pages_takes_n_faults)
{
	mmsim_machine *m = host();
	int p = mmsim_spawn(m, "n-faults", 0);
	cr_assert_gt(p, 0, "%s", mmsim_last_error(m));
	cr_assert_eq(faults(m, p, "minflt"), 0, "the helper's own faults are not the script's");
	int64_t a = mmsim_mmap(m, p, 0, 64 * PG, RW, ANON, -1, 0);
	cr_assert_gt(a, 0);
	cr_assert_eq(mmsim_madvise(m, p, (uint64_t)a, 64 * PG, MMSIM_MADV_NOHUGEPAGE), 0);
	cr_assert_eq(mmsim_touch(m, p, (uint64_t)a, 64 * PG, MMSIM_WRITE, NULL), 0);
	cr_assert_eq(faults(m, p, "minflt"), 64);
	cr_assert_eq(mmsim_touch(m, p, (uint64_t)a, 64 * PG, MMSIM_WRITE, NULL), 0);
	cr_assert_eq(faults(m, p, "minflt"), 64, "written pages fault no more");
	cr_assert_eq(faults(m, p, "majflt"), 0);
	mmsim_machine_free(m);
}

/* A write after mprotect(PROT_READ): SIGSEGV, SEGV_ACCERR, error code 7,
 * and the process is dead. */
Test(host, write_after_mprotect_is_segv_accerr)
{
	mmsim_machine *m = host();
	struct mmsim_fault f;
	int p = mmsim_spawn(m, "accerr", 0);
	int64_t a = mmsim_mmap(m, p, 0, 2 * PG, RW, ANON, -1, 0);
	cr_assert_eq(mmsim_access(m, p, (uint64_t)a, "data", 4, MMSIM_WRITE, NULL), 0);
	cr_assert_eq(mmsim_mprotect(m, p, (uint64_t)a, 2 * PG, MMSIM_PROT_READ), 0);
	cr_assert_eq(mmsim_access(m, p, (uint64_t)a + 10, "x", 1, MMSIM_WRITE, &f), -EFAULT);
	cr_assert_eq(f.signo, 11);
	cr_assert_str_eq(mmsim_sigcode_name(f.signo, f.code), "SEGV_ACCERR");
	cr_assert_eq(f.addr, (uint64_t)a + 10);
	cr_assert_eq(f.trapno, 14);
	cr_assert_eq(f.error_code, 7, "present, write, user");
	cr_assert_not_null(strstr(mmsim_last_error(m), "SIGSEGV (SEGV_ACCERR)"));
	cr_assert_eq(mmsim_munmap(m, p, (uint64_t)a, PG), -ESRCH, "the process is dead");
	mmsim_machine_free(m);
}

/* An access at a non-canonical address is #GP (SIGSEGV, SI_KERNEL, trap 13)
 * in every form the helper makes it, as in the simulator: the helper's
 * code must not address user memory through RBP or RSP, which would make
 * it #SS (SIGBUS, trap 12); clang may pick RBP for an "r" operand. */
Test(host, non_canonical_access_is_gp)
{
	static const struct { const char *what; int kind; uint64_t len; bool touch; } ways[] = {
		{ "touch r", MMSIM_READ, PG, true }, { "touch w", MMSIM_WRITE, PG, true },
		{ "touch x", MMSIM_FETCH, PG, true }, { "read 1", MMSIM_READ, 1, false },
		{ "read 8", MMSIM_READ, 8, false }, { "read 3", MMSIM_READ, 3, false },
		{ "write 1", MMSIM_WRITE, 1, false }, { "write 8", MMSIM_WRITE, 8, false },
		{ "write 3", MMSIM_WRITE, 3, false },
	};
	mmsim_machine *m = host();
	for (size_t i = 0; i < sizeof ways / sizeof ways[0]; i++) {
		struct mmsim_fault f;
		char buf[PG] = "abcdefgh";
		int p = mmsim_spawn(m, "gp", 0);
		const uint64_t a = 0x800000fc9000ULL;
		int r = ways[i].touch ? mmsim_touch(m, p, a, ways[i].len, ways[i].kind, &f)
				      : mmsim_access(m, p, a, buf, ways[i].len, ways[i].kind, &f);
		cr_assert_eq(r, -EFAULT, "%s", ways[i].what);
		cr_assert_eq(f.signo, 11, "%s: signal %d", ways[i].what, f.signo);
		cr_assert_eq(f.trapno, 13, "%s: trap %d", ways[i].what, f.trapno);
	}
	mmsim_machine_free(m);
}

/* The helper's store of 2, 4 or 8 bytes is one MOV, as the simulator's:
 * straddling into a read-only page it stores nothing. */
Test(host, straddling_store_is_one_instruction)
{
	mmsim_machine *m = host();
	check_straddling_stores(m);
	mmsim_machine_free(m);
}

/* Copy-on-write as REFERENCE.md measured it. */
Test(host, fork_copy_on_write_faults)
{
	mmsim_machine *m = host();
	int p = mmsim_spawn(m, "cow", 0);
	int64_t a = mmsim_mmap(m, p, 0, 32 * PG, RW, ANON, -1, 0);
	mmsim_madvise(m, p, (uint64_t)a, 32 * PG, MMSIM_MADV_NOHUGEPAGE);
	cr_assert_eq(mmsim_touch(m, p, (uint64_t)a, 32 * PG, MMSIM_WRITE, NULL), 0);
	uint64_t before = faults(m, p, "minflt");
	int c = mmsim_fork(m, p, -1);
	cr_assert_gt(c, 0, "%s", mmsim_last_error(m));
	cr_assert_eq(faults(m, p, "minflt"), before, "fork itself takes no fault in the parent");
	cr_assert_eq(faults(m, c, "minflt"), 0, "a child starts with no faults");
	cr_assert_eq(mmsim_touch(m, c, (uint64_t)a, 32 * PG, MMSIM_READ, NULL), 0);
	cr_assert_eq(faults(m, c, "minflt"), 0, "the page tables were copied");
	cr_assert_eq(mmsim_touch(m, c, (uint64_t)a, 16 * PG, MMSIM_WRITE, NULL), 0);
	cr_assert_eq(faults(m, c, "minflt"), 16);
	cr_assert_eq(mmsim_touch(m, p, (uint64_t)a, 32 * PG, MMSIM_WRITE, NULL), 0);
	cr_assert_eq(faults(m, p, "minflt"), before + 32);
	struct mmsim_task_info info;
	cr_assert_eq(mmsim_task_info(m, c, &info), 0);
	cr_assert_eq(info.ppid, p);
	mmsim_machine_free(m);
}

/* MAP_POPULATE counts its faults; mlockall by the script works where
 * RLIMIT_MEMLOCK allows it (the backend raises it to the simulator's 8 MiB
 * when it may) and fails as Linux's mlockall does under a lower hard limit:
 * EPERM for 0, ENOMEM when the address space is larger than the limit. */
Test(host, populate_and_mlockall)
{
	mmsim_machine *m = host();
	char why[200];
	if (anon_mthp_always(16 * PG, why, sizeof why))
		cr_skip_test("%s: MAP_POPULATE would map 16 pages in large folios, with fewer faults", why);
	int p = mmsim_spawn(m, "populate", 0);
	int64_t a = mmsim_mmap(m, p, 0, 16 * PG, RW, ANON | MMSIM_MAP_POPULATE, -1, 0);
	cr_assert_gt(a, 0);
	cr_assert_eq(faults(m, p, "minflt"), 16);
	uint64_t limit = memlock_limit(p), size = vm_size(p);
	int lock = mmsim_mlockall(m, p, MMSIM_MCL_CURRENT | MMSIM_MCL_FUTURE);
	if (limit >= size + 8 * PG) {
		note("RLIMIT_MEMLOCK %llu kB: mlockall works", (unsigned long long)limit >> 10);
		cr_assert_eq(lock, 0, "%s", mmsim_last_error(m));
		uint64_t f = faults(m, p, "minflt");
		int64_t b = mmsim_mmap(m, p, 0, 8 * PG, RW, ANON, -1, 0);
		cr_assert_eq(faults(m, p, "minflt"), f + 8, "MCL_FUTURE populates new mappings");
		cr_assert_eq(mmsim_munlockall(m, p), 0);
		cr_assert_gt(b, 0);
	} else if (limit == 0) {
		note("RLIMIT_MEMLOCK 0 (the hard limit; the backend cannot raise it): mlockall is EPERM");
		cr_assert_eq(lock, -EPERM);
	} else if (size > limit) {
		note("RLIMIT_MEMLOCK %llu kB (the hard limit; the backend cannot raise it) < VmSize %llu kB: "
		     "mlockall is ENOMEM", (unsigned long long)limit >> 10, (unsigned long long)size >> 10);
		cr_assert_eq(lock, -ENOMEM);
	} else {
		cr_skip_test("RLIMIT_MEMLOCK is %llu kB: the process maps %llu kB, the test adds 32 kB",
			     (unsigned long long)limit >> 10, (unsigned long long)size >> 10);
	}
	mmsim_machine_free(m);
}

/* The layout of the setarch -R kind: the heap where the simulator's is,
 * the first mapping just below the vDSO's data. */
Test(host, layout_matches_the_simulator)
{
	mmsim_machine *m = host();
	char path[64], *maps;
	int p = mmsim_spawn(m, "layout", 0);
	cr_assert_eq(mmsim_brk(m, p, 0), 0x555555559000);
	int64_t a = mmsim_mmap(m, p, 0, PG, RW, ANON, -1, 0);
	snprintf(path, sizeof path, "/proc/%d/maps", p);
	cr_assert_eq(mmsim_proc_read(m, path, &maps, NULL), 0);
	char line[64];
	snprintf(line, sizeof line, "%llx-%llx r--p", (unsigned long long)a + PG, (unsigned long long)a + 5 * PG);
	cr_assert_not_null(strstr(maps, line), "no [vvar] right above %#llx in\n%s", (unsigned long long)a, maps);
	free(maps);
	mmsim_machine_free(m);
}

/* Views: pagemap bits, PFNs hidden for readers without CAP_SYS_ADMIN
 * (Linux's pagemap_open decides show_pfn), virt_to_phys. */
Test(host, pagemap_and_physical_addresses)
{
	mmsim_machine *m = host();
	struct mmsim_host_settings s;
	char path[64], eb[200];
	uint64_t e, hidden, pa;
	cr_assert_eq(mmsim_host_probe(&s, eb, sizeof eb), 0, "%s", eb);
	int p = mmsim_spawn(m, "pagemap", 0);
	int64_t a = mmsim_mmap(m, p, 0, 2 * PG, RW, ANON, -1, 0);
	cr_assert_eq(mmsim_access(m, p, (uint64_t)a + 5, "x", 1, MMSIM_WRITE, NULL), 0);
	snprintf(path, sizeof path, "/proc/%d/pagemap", p);
	cr_assert_eq(mmsim_proc_pread(m, path, ((uint64_t)a >> 12) * 8, &e, 8, 0), 8);
	cr_assert_eq(e >> 63 & 1, 1, "present");
	cr_assert_eq(e >> 56 & 1, 1, "exclusively mapped");
	cr_assert_eq(e >> 61 & 1, 0, "anonymous");
	cr_assert_eq(mmsim_proc_pread(m, path, ((uint64_t)a >> 12) * 8, &hidden, 8, MMSIM_PROC_UNPRIVILEGED), 8);
	cr_assert_eq(hidden, e & ~((1ULL << 55) - 1), "the flags stay, the frame is hidden");
	if (s.cap_sys_admin) {
		note("CAP_SYS_ADMIN: the frames are shown");
		cr_assert_neq(e & ((1ULL << 55) - 1), 0, "CAP_SYS_ADMIN sees the frame");
		cr_assert_eq(mmsim_virt_to_phys(m, p, (uint64_t)a + 5, &pa), 0);
		cr_assert_eq(pa, (e & ((1ULL << 55) - 1)) << 12 | 5);
	} else {
		note("no CAP_SYS_ADMIN: the frames are hidden (the other branch needs root)");
		cr_assert_eq(e, hidden, "without CAP_SYS_ADMIN the frame is hidden");
		cr_assert_eq(mmsim_virt_to_phys(m, p, (uint64_t)a + 5, &pa), -EACCES);
		cr_assert_not_null(strstr(mmsim_last_error(m), "need CAP_SYS_ADMIN"), "%s", mmsim_last_error(m));
	}
	cr_assert_eq(mmsim_virt_to_phys(m, p, (uint64_t)a + PG, &pa), -ENOENT, "never touched");
	mmsim_machine_free(m);
}

/* Threads: each counts its own faults; the leader counts the process's.
 * The thread runs on core 1, or on core 0 of a one-CPU host. */
Test(host, threads_count_their_own_faults)
{
	mmsim_machine *m = host();
	/* The host machine's cores are the CPUs this process may run on (its
	 * affinity: taskset, a cpuset), not the CPUs online. */
	cpu_set_t mine;
	int core = !sched_getaffinity(0, sizeof mine, &mine) && CPU_COUNT(&mine) > 1 ? 1 : 0;
	note("%s", core ? "two CPUs or more: the thread runs on core 1" : "one CPU: the thread runs on core 0 too");
	int p = mmsim_spawn(m, "threads", 0);
	int t = mmsim_thread(m, p, core);
	cr_assert_gt(t, 0, "%s", mmsim_last_error(m));
	int64_t a = mmsim_mmap(m, t, 0, 8 * PG, RW, ANON, -1, 0);
	mmsim_madvise(m, t, (uint64_t)a, 8 * PG, MMSIM_MADV_NOHUGEPAGE);
	cr_assert_eq(mmsim_touch(m, t, (uint64_t)a, 3 * PG, MMSIM_WRITE, NULL), 0);
	cr_assert_eq(mmsim_touch(m, p, (uint64_t)a, 8 * PG, MMSIM_WRITE, NULL), 0);
	cr_assert_eq(faults(m, t, "minflt"), 3);
	cr_assert_eq(faults(m, p, "minflt"), 8);
	struct mmsim_task_info info;
	cr_assert_eq(mmsim_task_info(m, t, &info), 0);
	cr_assert_eq(info.tgid, p);
	cr_assert_eq(info.nr_threads, 2);
	cr_assert_eq(info.core, core);
	cr_assert_eq(mmsim_exit(m, t, 0), 0, "exit_group from a thread");
	cr_assert_eq(mmsim_tasks(m, NULL, 0), 0);
	mmsim_machine_free(m);
}

/* Fetches: from executable memory they read the bytes; elsewhere SIGSEGV
 * with PF_INSTR; outside any VMA SEGV_MAPERR. */
Test(host, fetch_and_maperr)
{
	mmsim_machine *m = host();
	struct mmsim_fault f;
	uint8_t b[4];
	int p = mmsim_spawn(m, "fetch", 0);
	int64_t x = mmsim_mmap(m, p, 0, PG, MMSIM_PROT_READ | MMSIM_PROT_EXEC, ANON, -1, 0);
	cr_assert_eq(mmsim_access(m, p, (uint64_t)x, b, 4, MMSIM_FETCH, NULL), 0);
	int64_t d = mmsim_mmap(m, p, 0, PG, RW, ANON, -1, 0);
	cr_assert_eq(mmsim_access(m, p, (uint64_t)d, b, 1, MMSIM_FETCH, &f), -EFAULT);
	cr_assert_eq(f.error_code, 0x15, "mapped by the first fault, then refused as a fetch");
	int q = mmsim_spawn(m, "maperr", 0);
	cr_assert_eq(mmsim_access(m, q, 0x10000, b, 1, MMSIM_READ, &f), -EFAULT);
	cr_assert_str_eq(mmsim_sigcode_name(f.signo, f.code), "SEGV_MAPERR");
	cr_assert_eq(f.addr, 0x10000);
	cr_assert_eq(f.error_code, 4);
	mmsim_machine_free(m);
}

static void ignore(void *ctx, const char *line)
{
	(void)ctx;
	(void)line;
}

/* What the host cannot do fails clearly. */
Test(host, unsupported_calls_say_so)
{
	mmsim_machine *m = host();
	uint64_t pfn;
	struct mmsim_page_info pi;
	cr_assert_eq(mmsim_explain(m, ignore, NULL), -EOPNOTSUPP);
	cr_assert_str_eq(mmsim_last_error(m), "explain: not available on the host backend (real kernels do not narrate)");
	cr_assert_eq(mmsim_alloc_pages(m, "GFP_KERNEL", 0, &pfn), -EOPNOTSUPP);
	cr_assert_eq(mmsim_page_info(m, 1, &pi), -EOPNOTSUPP);
	cr_assert_eq(mmsim_sysctl_set(m, "vm.max_map_count", "10"), -EOPNOTSUPP);
	cr_assert_eq(mmsim_kmalloc(m, 64, "GFP_KERNEL", &pfn), -EOPNOTSUPP);
	cr_assert_eq(mmsim_machine_is_host(m), 1);
	mmsim_machine_free(m);
	char eb[200];
	const char *bad[] = { "ram=4G", NULL };
	cr_assert_eq(mmsim_host_new(bad, &m, eb, sizeof eb), -EINVAL);
	cr_assert_not_null(strstr(eb, "ram: not an option of the host backend"));
}

/* The settings probe answers and is sane. */
Test(host, probe)
{
	struct mmsim_host_settings s;
	char eb[200];
	mmsim_machine_free(host());
	cr_assert_eq(mmsim_host_probe(&s, eb, sizeof eb), 0, "%s", eb);
	cr_assert(s.paging == 4 || s.paging == 5);
	cr_assert_gt(s.cpus, 0);
	cr_assert_gt(s.max_map_count, 0);
	cr_assert(!strcmp(s.thp, "always") || !strcmp(s.thp, "madvise") || !strcmp(s.thp, "never") ||
		  !strcmp(s.thp, "unknown"));
	cr_assert_geq(s.lsm_mmap_min_addr, s.mmap_min_addr < 4096 ? 4096 : s.mmap_min_addr,
		      "a hint is raised to vm.mmap_min_addr at least");
	cr_assert_eq(s.lsm_mmap_min_addr % 4096, 0);
}

/* The Shared_Dirty of pid's smaps_rollup, in kB. */
static uint64_t shared_dirty_kb(mmsim_machine *m, int pid)
{
	char path[64], *text, *at;
	uint64_t kb = ~0ULL;
	snprintf(path, sizeof path, "/proc/%d/smaps_rollup", pid);
	cr_assert_eq(mmsim_proc_read(m, path, &text, NULL), 0, "%s", mmsim_last_error(m));
	if ((at = strstr(text, "Shared_Dirty:")))
		kb = strtoull(at + 13, NULL, 10);
	free(text);
	return kb;
}

/* exit and a fatal fault return once the process's memory is gone, so the
 * next view of its parent no longer sees pages shared with it (a forked
 * child is the helper's, not ours to wait for: we wait for its channel to
 * close, which Linux does after it has released its memory). */
Test(host, a_dead_childs_memory_is_gone_when_exit_returns)
{
	mmsim_machine *m = host();
	int p = mmsim_spawn(m, "parent", 0);
	int64_t a = mmsim_mmap(m, p, 0, 4096 * PG, RW, ANON, -1, 0);
	cr_assert_gt(a, 0);
	cr_assert_eq(mmsim_madvise(m, p, (uint64_t)a, 4096 * PG, MMSIM_MADV_NOHUGEPAGE), 0);
	cr_assert_eq(mmsim_touch(m, p, (uint64_t)a, 4096 * PG, MMSIM_WRITE, NULL), 0);
	for (int i = 0; i < 20; i++) {
		int c = mmsim_fork(m, p, -1);
		cr_assert_gt(c, 0, "%s", mmsim_last_error(m));
		cr_assert_gt(shared_dirty_kb(m, p), 0, "the pages are shared after fork");
		if (i % 2)
			cr_assert_eq(mmsim_exit(m, c, 0), 0);
		else
			cr_assert_eq(mmsim_access(m, c, 0x1000, NULL, 1, MMSIM_WRITE, NULL), -EFAULT);
		cr_assert_eq(shared_dirty_kb(m, p), 0, "round %d: the child (%s) is gone", i,
			     i % 2 ? "exit" : "killed by SIGSEGV");
	}
	mmsim_machine_free(m);
}

/* The host backend's views are /proc and /sys, after every link and ".."
 * is resolved: nothing else of this machine can be read through them. */
Test(host, views_stay_inside_proc_and_sys)
{
	mmsim_machine *m = host();
	char *text;
	uint64_t e;
	cr_assert_eq(mmsim_proc_read(m, "/proc/../etc/passwd", &text, NULL), -ENOENT);
	cr_assert_str_eq(mmsim_last_error(m), "/proc/../etc/passwd: that is /etc/passwd, and the host backend "
			 "serves /proc and /sys only");
	cr_assert_eq(mmsim_proc_read(m, "/proc/self/root/etc/passwd", &text, NULL), -ENOENT);
	cr_assert_eq(mmsim_proc_read(m, "/sys/../etc/passwd", &text, NULL), -ENOENT);
	cr_assert_eq(mmsim_proc_pread(m, "/proc/self/root/etc/passwd", 0, &e, 8, 0), -ENOENT);
	cr_assert_eq(mmsim_proc_read(m, "/etc/passwd", &text, NULL), -ENOENT);
	cr_assert_eq(mmsim_proc_read(m, "/proc/self/status", &text, NULL), 0, "%s", mmsim_last_error(m));
	free(text);
	cr_assert_eq(mmsim_proc_read(m, "/proc/self/pagemap", &text, NULL), -EINVAL, "binary, found through self");
	mmsim_machine_free(m);
}

/* A task runs where it is asked to: its CPU affinity is that core alone.
 * The machine's cores are the CPUs this process may use (its affinity, a
 * cpuset), in order: core i is the i-th of them. In a container limited to
 * CPU 0 the machine has one core, which runs on CPU 0. */
Test(host, a_task_is_pinned_to_its_core)
{
	mmsim_machine *m = host();
	char path[64], allowed[64], v[16];
	cpu_set_t mine;
	cr_assert_eq(sched_getaffinity(0, sizeof mine, &mine), 0);
	cr_assert_eq(mmsim_machine_config_get(m, "cores", v, sizeof v), 0);
	int cores = atoi(v), cpu = -1;
	cr_assert_eq(cores, CPU_COUNT(&mine), "the cores are the CPUs this process may use");
	for (int core = 0; core < cores && core < 4; core++) {
		while (!CPU_ISSET(++cpu, &mine))
			;
		int p = mmsim_spawn(m, "pinned", core);
		cr_assert_gt(p, 0, "%s", mmsim_last_error(m));
		snprintf(path, sizeof path, "/proc/%d/status", p);
		cr_assert_not_null(file_field(path, "Cpus_allowed_list:", allowed, sizeof allowed));
		cr_assert_eq(atoi(allowed), cpu, "task on core %d may run on CPUs %s", core, allowed);
		cr_assert_eq(strspn(allowed, "0123456789"), strlen(allowed), "only CPU %d: %s", cpu, allowed);
	}
	mmsim_machine_free(m);
}
