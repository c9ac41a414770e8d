/* tests/unit/api_helpers.c — see api_helpers.h. */
#include "api_helpers.h"

#include <criterion/criterion.h>

#include <errno.h>
#include <string.h>

/* See api_helpers.h. */
mmsim_machine *boot_with(const char *key, const char *value)
{
	int err;
	char eb[200];
	mmsim_config *c = mmsim_config_new(NULL, &err);
	mmsim_machine *m;
	cr_assert_eq(mmsim_config_set(c, "ram", "256M", eb, sizeof eb), 0);
	if (key)
		cr_assert_eq(mmsim_config_set(c, key, value, eb, sizeof eb), 0, "%s", eb);
	cr_assert_eq(mmsim_machine_new(c, &m, eb, sizeof eb), 0, "%s", eb);
	mmsim_config_free(c);
	return m;
}

/* See api_helpers.h. */
mmsim_machine *host_or_skip(void)
{
	mmsim_machine *m;
	char eb[256];
#if !defined(__linux__) || !defined(__x86_64__)
	cr_skip_test("the host backend needs Linux on x86-64");
#endif
	int err = mmsim_host_new(NULL, &m, eb, sizeof eb);
	cr_assert_eq(err, 0, "%s", eb);
	return m;
}

/* See api_helpers.h. */
void check_straddling_stores(mmsim_machine *m)
{
	static const struct { uint64_t len, back; const char *after; } cases[] = {
		{ 2, 1, "\xaa\xaa\xaa\xaa" }, { 4, 2, "\xaa\xaa\xaa\xaa" }, { 8, 4, "\xaa\xaa\xaa\xaa" },
		{ 3, 1, "\xaa\xaa\xaa" "0" }, { 12, 4, "0123" }, { 16, 4, "0123" },
	};
	const uint64_t pg = 4096;
	int p = mmsim_spawn(m, "straddle", 0);
	int64_t s = mmsim_mmap(m, p, 0, 2 * pg, MMSIM_PROT_READ | MMSIM_PROT_WRITE,
			       MMSIM_MAP_SHARED | MMSIM_MAP_ANONYMOUS, -1, 0);
	char fill[2 * 4096], got[4];
	cr_assert_gt(s, 0);
	memset(fill, 0xaa, sizeof fill);
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		cr_assert_eq(mmsim_access(m, p, (uint64_t)s, fill, sizeof fill, MMSIM_WRITE, NULL), 0);
		int c = mmsim_fork(m, p, -1);
		struct mmsim_fault f;
		uint64_t at = (uint64_t)s + pg - cases[i].back;
		cr_assert_gt(c, 0);
		cr_assert_eq(mmsim_mprotect(m, c, (uint64_t)s + pg, pg, MMSIM_PROT_READ), 0);
		int rc = mmsim_access(m, c, at, "0123456789abcdef", cases[i].len, MMSIM_WRITE, &f);
		cr_assert_eq(rc, -EFAULT, "%llu bytes: %d", (unsigned long long)cases[i].len, rc);
		cr_assert_eq(f.code, 2, "SEGV_ACCERR");
		cr_assert_eq(f.addr, (uint64_t)s + pg, "the fault is at the second page");
		cr_assert_eq(mmsim_access(m, p, (uint64_t)s + pg - 4, got, 4, MMSIM_READ, NULL), 0);
		cr_assert(!memcmp(got, cases[i].after, 4), "%llu bytes: %02x %02x %02x %02x",
			  (unsigned long long)cases[i].len, (uint8_t)got[0], (uint8_t)got[1], (uint8_t)got[2],
			  (uint8_t)got[3]);
	}
	cr_assert_eq(mmsim_exit(m, p, 0), 0);
}
