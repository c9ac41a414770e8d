/* The public C API (mmsim.h): configuration, machines, views, allocators,
 * and one error convention throughout. */
#include <criterion/criterion.h>

#include "mmsim.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static mmsim_machine *boot(const char *ram)
{
	int err;
	mmsim_config *c = mmsim_config_new(NULL, &err);
	mmsim_machine *m;
	cr_assert_not_null(c);
	cr_assert_eq(mmsim_config_set(c, "ram", ram, NULL, 0), 0);
	cr_assert_eq(mmsim_machine_new(c, &m, NULL, 0), 0);
	mmsim_config_free(c);
	return m;
}

Test(api, config_keys_parse_and_reject)
{
	int err;
	char eb[256], buf[64];
	mmsim_config *c = mmsim_config_new("default", &err);
	cr_assert_eq(err, 0);
	cr_assert_eq(mmsim_config_set(c, "ram", "8G", eb, sizeof eb), 0);
	cr_assert_eq(mmsim_config_get(c, "ram", buf, sizeof buf), 0);
	cr_assert_str_eq(buf, "8G");
	cr_assert_eq(mmsim_config_set(c, "ram", "64MiB", eb, sizeof eb), 0);
	cr_assert_eq(mmsim_config_get(c, "ram", buf, sizeof buf), 0);
	cr_assert_str_eq(buf, "64M");
	cr_assert_eq(mmsim_config_set(c, "ram", "1T", eb, sizeof eb), 0);
	cr_assert_eq(mmsim_config_set(c, "ram", "2T", eb, sizeof eb), -EINVAL);
	cr_assert_str_eq(eb, "ram: 2T is above the 1T maximum");
	cr_assert_eq(mmsim_config_set(c, "ram", "15M", eb, sizeof eb), -EINVAL);
	cr_assert_str_eq(eb, "ram: 15M is below the 16M minimum", "not a page-size complaint");
	cr_assert_eq(mmsim_config_set(c, "ram", "16777217", eb, sizeof eb), -EINVAL);
	cr_assert_str_eq(eb, "ram: 16777217 is not a multiple of the 4096-byte page");
	cr_assert_eq(mmsim_config_set(c, "ram", "-4G", eb, sizeof eb), -EINVAL);
	cr_assert_eq(mmsim_config_set(c, "ram", "4X", eb, sizeof eb), -EINVAL);
	cr_assert_eq(mmsim_config_set(c, "ram", "99999999999999999999G", eb, sizeof eb), -EINVAL);
	cr_assert_eq(mmsim_config_set(c, "cores", "4", eb, sizeof eb), 0);
	cr_assert_eq(mmsim_config_set(c, "cores", "257", eb, sizeof eb), -EINVAL);
	cr_assert_eq(mmsim_config_set(c, "cores", "two", eb, sizeof eb), -EINVAL);
	cr_assert_eq(mmsim_config_set(c, "paging", "5", eb, sizeof eb), 0);
	cr_assert_eq(mmsim_config_set(c, "paging", "3", eb, sizeof eb), -EINVAL);
	cr_assert_eq(mmsim_config_set(c, "seed", "12345", eb, sizeof eb), 0);
	cr_assert_eq(mmsim_config_set(c, "seed", "-1", eb, sizeof eb), -EINVAL);
	cr_assert_eq(mmsim_config_set(c, "min_free_kbytes", "4096", eb, sizeof eb), 0);
	cr_assert_eq(mmsim_config_get(c, "thp", buf, sizeof buf), 0);
	cr_assert_str_eq(buf, "madvise");
	cr_assert_eq(mmsim_config_set(c, "thp", "never", eb, sizeof eb), 0);
	cr_assert_eq(mmsim_config_get(c, "thp", buf, sizeof buf), 0);
	cr_assert_str_eq(buf, "never");
	cr_assert_eq(mmsim_config_set(c, "thp", "always", eb, sizeof eb), 0);
	cr_assert_eq(mmsim_config_get(c, "thp", buf, sizeof buf), 0);
	cr_assert_str_eq(buf, "always");
	cr_assert_eq(mmsim_config_set(c, "thp", "sometimes", eb, sizeof eb), -EINVAL);
	cr_assert_not_null(strstr(eb, "must be always, madvise or never"), "%s", eb);
	cr_assert_eq(mmsim_config_set(c, "nosuch", "1", eb, sizeof eb), -ENOENT);
	cr_assert_str_eq(eb, "unknown configuration key 'nosuch'");
	cr_assert_eq(mmsim_config_get(c, "nosuch", buf, sizeof buf), -ENOENT);
	cr_assert_str_eq(mmsim_config_key(0), "ram");
	mmsim_config_free(c);
	cr_assert_null(mmsim_config_new("no-such-preset", &err));
	cr_assert_eq(err, -ENOENT);
}

Test(api, configured_machine_boots_with_those_settings)
{
	int err;
	mmsim_config *c = mmsim_config_new(NULL, &err);
	mmsim_machine *m;
	char *text;
	mmsim_config_set(c, "ram", "64M", NULL, 0);
	mmsim_config_set(c, "cores", "3", NULL, 0);
	mmsim_config_set(c, "min_free_kbytes", "1024", NULL, 0);
	cr_assert_eq(mmsim_machine_new(c, &m, NULL, 0), 0);
	cr_assert_eq(mmsim_proc_read(m, "/proc/zoneinfo", &text, NULL), 0);
	cr_assert_not_null(strstr(text, "    cpu: 2\n"), "three CPUs");
	cr_assert_null(strstr(text, "    cpu: 3\n"));
	/* min 1024 kB = 256 pages, zone DMA's share of 3840 + DMA32's */
	cr_assert_not_null(strstr(text, "zone    DMA32\n"));
	free(text);
	mmsim_machine_free(m);
	mmsim_config_free(c);
}

Test(api, views_and_log)
{
	mmsim_machine *m = boot("64M");
	char *text;
	size_t len;
	cr_assert_eq(mmsim_proc_read(m, "/proc/meminfo", &text, &len), 0);
	cr_assert_eq(strlen(text), len);
	cr_assert_eq(strncmp(text, "MemTotal:", 9), 0);
	free(text);
	cr_assert_eq(mmsim_proc_read(m, "/proc/nosuch", &text, &len), -ENOENT);
	cr_assert_null(text);
	cr_assert_str_eq(mmsim_last_error(m), "/proc/nosuch: no such file in the simulated /proc");
	cr_assert_str_eq(mmsim_proc_path(0), "/proc/meminfo");
	char log[4096];
	cr_assert_gt(mmsim_dmesg(m, log, sizeof log), 0);
	cr_assert_not_null(strstr(log, "Memory: "));
	uint64_t v;
	cr_assert_eq(mmsim_vmstat(m, "pgfree", &v), 0);
	cr_assert_gt(v, 0, "boot frees count, as on Linux");
	cr_assert_eq(mmsim_vmstat(m, "pgfre", &v), -ENOENT);
	cr_assert_eq(mmsim_check(m), 0);
	mmsim_machine_free(m);
}

Test(api, page_allocator_errors)
{
	mmsim_machine *m = boot("64M");
	uint64_t pfn, counts[11];
	cr_assert_eq(mmsim_alloc_pages(m, "GFP_KERNEL|__GFP_ZERO", 3, &pfn), 0);
	cr_assert_eq(pfn % 8, 0);
	cr_assert_eq(mmsim_free_pages(m, pfn, 2), -EINVAL);
	cr_assert_eq(mmsim_free_pages(m, pfn, 3), 0);
	cr_assert_eq(mmsim_free_pages(m, pfn, 3), -EINVAL, "double free");
	cr_assert_eq(mmsim_free_pages(m, 1ULL << 40, 0), -EINVAL);
	cr_assert_eq(mmsim_alloc_pages(m, "GFP_NOPE", 0, &pfn), -EINVAL);
	cr_assert_not_null(strstr(mmsim_last_error(m), "'GFP_NOPE' is not a GFP mask"));
	cr_assert_eq(mmsim_alloc_pages(m, "GFP_KERNEL", 11, &pfn), -EINVAL);
	cr_assert_eq(mmsim_free_blocks(m, "DMA", "Movable", counts), 0);
	cr_assert_eq(counts[10], 3, "zone DMA: pfns 1024..4095 in three order-10 blocks");
	cr_assert_eq(counts[9], 1);
	cr_assert_eq(counts[8], 1);
	cr_assert_eq(mmsim_free_blocks(m, "Normal", NULL, counts), -ENOENT, "64M has no Normal");
	cr_assert_eq(mmsim_free_blocks(m, "DMA", "Sticky", counts), -ENOENT);
	char log[8192];
	mmsim_dmesg(m, log, sizeof log);
	cr_assert_not_null(strstr(log, "BUG: Bad page state"));
	cr_assert_eq(mmsim_check(m), 0, "refused frees changed nothing");
	mmsim_machine_free(m);
}

Test(api, slab_caches_by_handle)
{
	mmsim_machine *m = boot("64M");
	struct mmsim_slabinfo si;
	uint64_t a, b;
	char buf[8];
	int c = mmsim_kmem_cache_create(m, "api_cache", 40, 8, "hwcache_align", "AB");
	cr_assert_gt(c, 0);
	cr_assert_eq(mmsim_kmem_cache_alloc(m, c, "GFP_KERNEL", &a), 0);
	cr_assert_geq(a, 0xffff888000000000ULL);
	cr_assert_eq(mmsim_kread(m, a, buf, 8), 0);
	cr_assert_eq(memcmp(buf, "ABABABAB", 8), 0, "constructed with the pattern");
	cr_assert_eq(mmsim_kmem_cache_info(m, c, &si), 0);
	cr_assert_str_eq(si.name, "api_cache");
	cr_assert_eq(si.object_size, 40);
	cr_assert_eq(si.ctor_calls, si.objects_per_slab);
	cr_assert_eq(mmsim_kmem_cache_destroy(m, c), -EBUSY);
	cr_assert_eq(mmsim_kmem_cache_free(m, c, a + 8), -EINVAL);
	cr_assert_eq(mmsim_kmem_cache_free(m, c, a), 0);
	cr_assert_eq(mmsim_kmem_cache_free(m, c, a), -EINVAL);
	cr_assert_eq(mmsim_kmem_cache_destroy(m, c), 0);
	cr_assert_eq(mmsim_kmem_cache_alloc(m, c, "GFP_KERNEL", &a), -EINVAL, "destroyed handle");
	cr_assert_eq(mmsim_kmem_cache_alloc(m, 99, "GFP_KERNEL", &a), -EINVAL);
	cr_assert_eq(mmsim_kmem_cache_create(m, "x", 40, 0, "bogus_flag", NULL), -EINVAL);
	cr_assert_eq(mmsim_kmem_cache_create(m, "x", 40, 0, NULL, ""), -EINVAL);
	cr_assert_eq(mmsim_kmem_cache_create(m, "", 40, 0, NULL, NULL), -EINVAL);
	cr_assert_eq(mmsim_kmalloc(m, 100, "GFP_KERNEL", &b), 0);
	cr_assert_eq(mmsim_kfree(m, b), 0);
	cr_assert_eq(mmsim_kfree(m, b), -EINVAL);
	cr_assert_eq(mmsim_kfree(m, 42), -EINVAL);
	cr_assert_eq(mmsim_kmalloc(m, 0, "GFP_KERNEL", &b), -EINVAL);
	cr_assert_eq(mmsim_kread(m, 0x1000, buf, 8), -EFAULT);
	cr_assert_eq(mmsim_kread(m, 0xffff888000000000ULL + (64ULL << 20) - 4, buf, 8), -EFAULT);
	cr_assert_eq(mmsim_check(m), 0);
	mmsim_machine_free(m);
}

Test(api, strerror_names)
{
	cr_assert_str_eq(mmsim_strerror(-ENOMEM), "ENOMEM");
	cr_assert_str_eq(mmsim_strerror(EINVAL), "EINVAL");
	cr_assert_str_eq(mmsim_strerror(0), "OK");
	cr_assert_str_eq(mmsim_strerror(-9999), "E?");
	cr_assert_str_eq(mmsim_version(), MMSIM_VERSION);
}

Test(api, same_calls_same_output)
{
	char *t1, *t2;
	for (int round = 0; round < 2; round++) {
		mmsim_machine *m = boot("128M");
		uint64_t pfn;
		for (int i = 0; i < 50; i++)
			mmsim_alloc_pages(m, i % 2 ? "GFP_KERNEL" : "GFP_HIGHUSER_MOVABLE", (unsigned)(i % 4), &pfn);
		mmsim_proc_read(m, "/proc/zoneinfo", round ? &t2 : &t1, NULL);
		mmsim_machine_free(m);
	}
	cr_assert_str_eq(t1, t2, "deterministic");
	free(t1);
	free(t2);
}

/* A machine that cannot boot says which setting and why. */
Test(api, a_machine_that_cannot_boot_says_why)
{
	int err;
	char eb[256];
	mmsim_config *c = mmsim_config_new("default", &err);
	mmsim_machine *m;
	cr_assert_eq(mmsim_config_set(c, "ram", "16M", eb, sizeof eb), 0);
	cr_assert_eq(mmsim_config_set(c, "min_free_kbytes", "16000", eb, sizeof eb), 0);
	cr_assert_eq(mmsim_machine_new(c, &m, eb, sizeof eb), -ENOMEM);
	cr_assert_not_null(strstr(eb, "the kernel cannot boot: out of memory in kmem_cache_init: "), "%s", eb);
	cr_assert_not_null(strstr(eb, "(min_free_kbytes=16000)"), "%s", eb);
	cr_assert_not_null(strstr(eb, "lower min_free_kbytes or give more ram"), "%s", eb);
	cr_assert_eq(mmsim_config_set(c, "min_free_kbytes", "0", eb, sizeof eb), 0);
	cr_assert_eq(mmsim_machine_new(c, &m, eb, sizeof eb), 0, "computed watermarks boot: %s", eb);
	mmsim_machine_free(m);
	mmsim_config_free(c);
}
