/*
 * tests/unit/test_backend.c — the backend interface (src/api/backend.h)
 * with a third backend made here, as docs/architecture.md says to make one:
 * the public API serves it without an edit, answers its empty slots with
 * -EOPNOTSUPP naming the operation and the backend, names its undescribed
 * failures, and reports a fatal access in the same words for every backend.
 */
#include "api/backend.h"
#include "api_helpers.h"

#include <criterion/criterion.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A backend of one process, pid 7, whose memory is one page at 0x1000;
 * mmap always fails with ENOMEM, undescribed; a write at 0x2000 is fatal. */
struct toy_machine {
	struct mmsim_machine base;
	uint8_t page[4096];
};

static struct toy_machine *toy(mmsim_machine *m)
{
	return (struct toy_machine *)m;
}

static int toy_freed;

static void toy_free(mmsim_machine *m)
{
	toy_freed++;
	free(toy(m));
}

static int toy_spawn(mmsim_machine *m, const char *name, int core)
{
	(void)m, (void)name, (void)core;
	return 7;
}

static int64_t toy_mmap(mmsim_machine *m, int pid, uint64_t addr, uint64_t len, unsigned long prot,
			unsigned long flags, int fd, uint64_t offset)
{
	(void)m, (void)pid, (void)addr, (void)len, (void)prot, (void)flags, (void)fd, (void)offset;
	return -ENOMEM;
}

static int64_t toy_munmap(mmsim_machine *m, int pid, uint64_t addr, uint64_t len)
{
	(void)addr, (void)len;
	return pid == 7 ? 0 : backend_fail(m, -ESRCH, "toy: no pid %d", pid);
}

static int toy_access(mmsim_machine *m, int pid, uint64_t addr, void *buf, size_t len, enum mmsim_access kind,
		      struct mmsim_fault *fault)
{
	(void)pid;
	if (addr >= 0x1000 && addr + len <= 0x2000) {
		if (kind == MMSIM_WRITE)
			memcpy(toy(m)->page + (addr - 0x1000), buf, len);
		else
			memcpy(buf, toy(m)->page + (addr - 0x1000), len);
		return 0;
	}
	*fault = (struct mmsim_fault){ .signo = 11, .code = 1, .addr = addr, .trapno = 14, .error_code = 6 };
	return -EFAULT;
}

static const char *toy_why(const char *op)
{
	return !strcmp(op, "kmalloc") ? "toys have no kernel" : NULL;
}

static const struct mmsim_backend toy_backend = {
	.name = "toy",
	.why_unsupported = toy_why,
	.free = toy_free,
	.spawn = toy_spawn,
	.mmap = toy_mmap,
	.munmap = toy_munmap,
	.access = toy_access,
};

static mmsim_machine *toy_new(void)
{
	struct toy_machine *t = calloc(1, sizeof *t);
	cr_assert_not_null(t);
	t->base.ops = &toy_backend;
	return &t->base;
}

Test(backend, a_third_backend_is_served_through_the_table)
{
	mmsim_machine *m = toy_new();
	uint8_t b[4] = { 1, 2, 3, 4 }, r[4] = { 0 };
	cr_assert_str_eq(mmsim_machine_backend(m), "toy");
	cr_assert_eq(mmsim_machine_is_host(m), 0);
	cr_assert_eq(mmsim_spawn(m, "a", 0), 7);
	cr_assert_eq(mmsim_access(m, 7, 0x1000, b, 4, MMSIM_WRITE, NULL), 0);
	cr_assert_eq(mmsim_access(m, 7, 0x1000, r, 4, MMSIM_READ, NULL), 0);
	cr_assert_eq(memcmp(b, r, 4), 0);
	toy_freed = 0;
	mmsim_machine_free(m);
	cr_assert_eq(toy_freed, 1);
}

Test(backend, an_empty_slot_is_eopnotsupp_naming_the_operation_and_the_backend)
{
	mmsim_machine *m = toy_new();
	uint64_t a;
	cr_assert_eq(mmsim_fork(m, 7, -1), -EOPNOTSUPP);
	cr_assert_str_eq(mmsim_last_error(m), "fork: not available on the toy backend");
	cr_assert_eq(mmsim_kmalloc(m, 64, NULL, &a), -EOPNOTSUPP);
	cr_assert_str_eq(mmsim_last_error(m), "kmalloc: not available on the toy backend (toys have no kernel)");
	cr_assert_eq(mmsim_mremap(m, 7, 0x1000, 4096, 8192, 0, 0), -EOPNOTSUPP);
	cr_assert_str_eq(mmsim_last_error(m), "mremap: not available on the toy backend");
	/* What has no error to return has a neutral answer. */
	char log[8] = "x";
	cr_assert_eq(mmsim_dmesg(m, log, sizeof log), 0);
	cr_assert_str_eq(log, "");
	cr_assert_eq(mmsim_check(m), 0);
	cr_assert_eq(mmsim_explain(m, NULL, NULL), 0, "turning narration off always works");
	mmsim_drain_pages(m);
	mmsim_machine_free(m);
}

Test(backend, failures_get_a_message_once)
{
	mmsim_machine *m = toy_new();
	cr_assert_eq(mmsim_mmap(m, 7, 0, 4096, 3, 0x22, -1, 0), -ENOMEM);
	cr_assert_str_eq(mmsim_last_error(m), "mmap: ENOMEM", "an undescribed failure is named");
	cr_assert_eq(mmsim_munmap(m, 9, 0x1000, 4096), -ESRCH);
	cr_assert_str_eq(mmsim_last_error(m), "toy: no pid 9", "the backend's own words are kept");
	cr_assert_eq(mmsim_munmap(m, 7, 0x1000, 4096), 0);
	cr_assert_str_eq(mmsim_last_error(m), "toy: no pid 9", "a success keeps the last failure");
	cr_assert_eq(mmsim_mmap(m, 7, 0, 4096, 3, 0x22, -1, 0), -ENOMEM);
	cr_assert_str_eq(mmsim_last_error(m), "mmap: ENOMEM", "a failure described before is not this one's");
	mmsim_machine_free(m);
}

Test(backend, a_fatal_access_is_reported_by_the_api)
{
	mmsim_machine *m = toy_new();
	struct mmsim_fault f;
	uint8_t b = 1;
	cr_assert_eq(mmsim_access(m, 7, 0x2000, &b, 1, MMSIM_WRITE, &f), -EFAULT);
	cr_assert_eq(f.signo, 11);
	cr_assert_eq(f.addr, 0x2000);
	cr_assert_str_eq(mmsim_last_error(m), "pid 7: SIGSEGV (SEGV_MAPERR) at 0x2000");
	cr_assert_eq(mmsim_access(m, 7, 0x2000, &b, 1, MMSIM_WRITE, NULL), -EFAULT, "no fault record asked");
	cr_assert_eq(mmsim_access(m, 7, 0x1000, &b, 1, (enum mmsim_access)3, NULL), -EINVAL);
	cr_assert_str_eq(mmsim_last_error(m), "access kind 3: use read, write or fetch");
	mmsim_machine_free(m);
}

/* The simulator and the host say the same about the same fatal fault. */
Test(backend, the_simulator_reports_a_fatal_access_in_the_same_words)
{
	mmsim_machine *m = boot_with(NULL, NULL);
	int pid = mmsim_spawn(m, "segv", 0);
	uint8_t b = 0;
	cr_assert_eq(mmsim_access(m, pid, 0x10000, &b, 1, MMSIM_READ, NULL), -EFAULT);
	char want[80];
	snprintf(want, sizeof want, "pid %d: SIGSEGV (SEGV_MAPERR) at 0x10000", pid);
	cr_assert_str_eq(mmsim_last_error(m), want);
	cr_assert_str_eq(mmsim_machine_backend(m), "simulator");
	mmsim_machine_free(m);
}
