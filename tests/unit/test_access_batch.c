/* mmsim_access_batch: a batch of accesses does exactly what the same
 * accesses made one by one do, reports each access's outcome, and refuses
 * bad refs before running any. */
#include <criterion/criterion.h>

#include "mmsim.h"

#include "api_helpers.h"
#include "common.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#define PG 4096ULL

/* A process of m with 512 pages mapped read-write at *base. */
static int setup(mmsim_machine *m, uint64_t *base)
{
	int pid = mmsim_spawn(m, "batch", 0);
	cr_assert_gt(pid, 0);
	int64_t a = mmsim_mmap(m, pid, 0, 512 * PG, 3 /* rw */, 0x22 /* private|anonymous */, -1, 0);
	cr_assert_gt(a, 0);
	*base = (uint64_t)a;
	return pid;
}

/* The same pseudo-random refs every time (kinds load, store, modify). */
static void make_refs(struct mmsim_ref *r, size_t n, uint64_t base)
{
	uint64_t x = 12345;
	for (size_t i = 0; i < n; i++) {
		x = x * 6364136223846793005ULL + 1442695040888963407ULL;
		uint64_t page = (x >> 33) % 512, off = (x >> 20) % 4096;
		static const uint16_t sizes[] = { 1, 2, 4, 8 };
		r[i] = (struct mmsim_ref){ .addr = base + page * PG + off, .size = sizes[(x >> 10) % 4],
					   .kind = (uint8_t)((x >> 8) % 3 == 2 ? MMSIM_MODIFY : (x >> 8) % 3) };
	}
}

static void stats_equal(mmsim_machine *a, mmsim_machine *b)
{
	static struct mmsim_stat sa[4096], sb[4096];
	size_t na = mmsim_machine_stats(a, sa, 4096), nb = mmsim_machine_stats(b, sb, 4096);
	cr_assert_eq(na, nb);
	for (size_t i = 0; i < na; i++) {
		cr_assert_str_eq(sa[i].name, sb[i].name);
		cr_assert_eq(sa[i].value, sb[i].value, "%s: %llu one by one, %llu batched", sa[i].name,
			     (unsigned long long)sa[i].value, (unsigned long long)sb[i].value);
	}
}

Test(access_batch, equals_one_by_one)
{
	enum { N = 20000 };
	static struct mmsim_ref refs[N];
	static uint8_t outcome[N];
	mmsim_machine *one = boot_with(NULL, NULL), *many = boot_with(NULL, NULL);
	uint64_t b1, b2;
	int p1 = setup(one, &b1), p2 = setup(many, &b2);
	cr_assert_eq(b1, b2);
	make_refs(refs, N, b1);
	for (size_t i = 0; i < N; i++) {
		/* accesses of 1, 2, 4, 8 bytes are one instruction in both (a
		 * straddling one translates both pages first); bytes move in
		 * the one-by-one run only, which no counter sees; a modify is
		 * one write */
		uint8_t buf[8] = { 0 };
		enum mmsim_access k = refs[i].kind == MMSIM_MODIFY ? MMSIM_WRITE : (enum mmsim_access)refs[i].kind;
		cr_assert_eq(mmsim_access(one, p1, refs[i].addr, buf, refs[i].size, k, NULL), 0);
	}
	size_t done = 99;
	cr_assert_eq(mmsim_access_batch(many, p2, refs, N, outcome, &done, NULL), 0, "%s", mmsim_last_error(many));
	cr_assert_eq(done, N);
	stats_equal(one, many);
	mmsim_machine_free(one);
	mmsim_machine_free(many);
}

/* The outcome of each access: a first touch faults and walks, a second hits
 * the L1 TLB, a page evicted from the L1 but not the L2 hits there. */
Test(access_batch, outcomes)
{
	mmsim_machine *m = boot_with(NULL, NULL);
	uint64_t base;
	int pid = setup(m, &base);
	struct mmsim_ref r[3] = {
		{ .addr = base, .size = 8, .kind = MMSIM_WRITE },
		{ .addr = base + 8, .size = 8, .kind = MMSIM_READ },
		{ .addr = base + 16, .size = 4, .kind = MMSIM_MODIFY },
	};
	uint8_t o[3];
	size_t done;
	cr_assert_eq(mmsim_access_batch(m, pid, r, 3, o, &done, NULL), 0);
	cr_assert_eq(o[0], MMSIM_REF_WALK | MMSIM_REF_FAULTED);
	cr_assert_eq(o[1], MMSIM_REF_L1_HIT);
	cr_assert_eq(o[2], MMSIM_REF_L1_HIT);
	/* 200 other pages push base out of the 64-entry L1 DTLB, not out of the
	 * STLB (1536 entries in the default preset) */
	static struct mmsim_ref many[201];
	static uint8_t out[201];
	for (int i = 0; i < 200; i++)
		many[i] = (struct mmsim_ref){ .addr = base + (uint64_t)(i + 1) * PG, .size = 1, .kind = MMSIM_WRITE };
	many[200] = (struct mmsim_ref){ .addr = base, .size = 1, .kind = MMSIM_READ };
	cr_assert_eq(mmsim_access_batch(m, pid, many, 201, out, &done, NULL), 0);
	cr_assert_eq(out[0], MMSIM_REF_WALK | MMSIM_REF_FAULTED);
	cr_assert_eq(out[200], MMSIM_REF_L2_HIT);
	mmsim_machine_free(m);
}

Test(access_batch, bad_refs_run_nothing)
{
	mmsim_machine *m = boot_with(NULL, NULL);
	uint64_t base;
	int pid = setup(m, &base);
	struct mmsim_ref r[3] = {
		{ .addr = base, .size = 8, .kind = MMSIM_WRITE },
		{ .addr = base, .size = 8, .kind = MMSIM_WRITE },
		{ .addr = base, .size = 0, .kind = MMSIM_READ },
	};
	size_t done = 7;
	cr_assert_eq(mmsim_access_batch(m, pid, r, 3, NULL, &done, NULL), -EINVAL);
	cr_assert_eq(done, 0);
	cr_assert_str_eq(mmsim_last_error(m), "access_batch: ref 2: size 0");
	r[2].size = 4097;
	cr_assert_eq(mmsim_access_batch(m, pid, r, 3, NULL, &done, NULL), -EINVAL);
	cr_assert_str_eq(mmsim_last_error(m), "access_batch: ref 2: size 4097");
	r[2] = (struct mmsim_ref){ .addr = base, .size = 1, .kind = 4 };
	cr_assert_eq(mmsim_access_batch(m, pid, r, 3, NULL, &done, NULL), -EINVAL);
	cr_assert_str_eq(mmsim_last_error(m), "access_batch: ref 2: kind 4");
	r[2] = (struct mmsim_ref){ .addr = base, .size = 1, .kind = 0, .flags = 1 };
	cr_assert_eq(mmsim_access_batch(m, pid, r, 3, NULL, &done, NULL), -EINVAL);
	cr_assert_str_eq(mmsim_last_error(m), "access_batch: ref 2: flags 1");
	struct mmsim_stat s[16];
	int n = mmsim_task_stats(m, pid, s, 16);
	for (int i = 0; i < n; i++)
		if (!strcmp(s[i].name, "accesses"))
			cr_assert_eq(s[i].value, 0, "nothing ran");
	cr_assert_eq(mmsim_access_batch(m, 999, r, 2, NULL, &done, NULL), -ESRCH);
	mmsim_machine_free(m);
}

Test(access_batch, fatal_fault_stops_there)
{
	mmsim_machine *m = boot_with(NULL, NULL);
	uint64_t base;
	int pid = setup(m, &base);
	struct mmsim_ref r[4] = {
		{ .addr = base, .size = 8, .kind = MMSIM_WRITE },
		{ .addr = base + PG, .size = 8, .kind = MMSIM_READ },
		{ .addr = base + 600 * PG, .size = 8, .kind = MMSIM_READ },   /* past the mapping */
		{ .addr = base, .size = 8, .kind = MMSIM_READ },
	};
	size_t done = 0;
	struct mmsim_fault f;
	cr_assert_eq(mmsim_access_batch(m, pid, r, 4, NULL, &done, &f), -EFAULT);
	cr_assert_eq(done, 2);
	cr_assert_eq(f.signo, 11);
	cr_assert_eq(f.addr, base + 600 * PG);
	cr_assert_not_null(strstr(mmsim_last_error(m), "SIGSEGV"));
	struct mmsim_task_info info;
	cr_assert_eq(mmsim_task_info(m, pid, &info), -ESRCH, "the process died");
	mmsim_machine_free(m);
}

Test(access_batch, host_backend_says_why)
{
	mmsim_machine *h = host_or_skip();
	struct mmsim_ref r = { .addr = 4096, .size = 1 };
	size_t done;
	cr_assert_eq(mmsim_access_batch(h, 1, &r, 1, NULL, &done, NULL), -EOPNOTSUPP);
	cr_assert_not_null(strstr(mmsim_last_error(h), "trace replays run on the simulator"));
	mmsim_machine_free(h);
}

/* A bad ref anywhere in a longer batch (the check takes four refs at a
 * time, then the rest one by one): named, and nothing runs. */
Test(access_batch, a_bad_ref_anywhere_is_found)
{
	mmsim_machine *m = boot_with(NULL, NULL);
	uint64_t base;
	int pid = setup(m, &base);
	struct mmsim_ref r[11];
	const struct mmsim_ref bad[] = {
		{ .size = 0, .kind = MMSIM_READ },  { .size = 0, .kind = MMSIM_WRITE },
		{ .size = 4097, .kind = MMSIM_READ }, { .size = 65535, .kind = MMSIM_MODIFY },
		{ .size = 8, .kind = 4 },           { .size = 8, .kind = 0x80 },
		{ .size = 8, .flags = 1 },          { .size = 0, .kind = MMSIM_READ, .flags = 1 },
	};
	const char *what[] = { "size 0", "size 0", "size 4097", "size 65535", "kind 4", "kind 128", "flags 1", "flags 1" };
	char want[64];
	for (size_t b = 0; b < ARRAY_SIZE(bad); b++)
		for (size_t at = 0; at < ARRAY_SIZE(r); at++) {
			for (size_t i = 0; i < ARRAY_SIZE(r); i++)
				r[i] = (struct mmsim_ref){ .addr = base + i * 8, .size = 8, .kind = (uint8_t)(i % 4 == 2 ? 1 : i % 4) };
			r[at] = bad[b];
			r[at].addr = base;
			size_t done = 7;
			cr_assert_eq(mmsim_access_batch(m, pid, r, ARRAY_SIZE(r), NULL, &done, NULL), -EINVAL, "%s at %zu",
				     what[b], at);
			cr_assert_eq(done, 0);
			snprintf(want, sizeof want, "access_batch: ref %zu: %s", at, what[b]);
			cr_assert_str_eq(mmsim_last_error(m), want);
		}
	struct mmsim_stat s[16];
	int n = mmsim_task_stats(m, pid, s, 16);
	for (int i = 0; i < n; i++)
		if (!strcmp(s[i].name, "accesses"))
			cr_assert_eq(s[i].value, 0, "nothing ran");
	mmsim_machine_free(m);
}
