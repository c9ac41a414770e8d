/* The slab allocator: constructed-object caching, geometry as SLUB computes
 * it, kmalloc classes, partial lists, merging, and refusal of bad frees. */
#include "helpers.h"

#include "common.h"
#include "kernel/slab.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

static unsigned long ctor_runs;

static void mark_ctor(void *obj, void *arg)
{
	(void)arg;
	ctor_runs++;
	memcpy(obj, "CONSTRUCTED", 12);
}

static struct slabinfo info_of(struct tk *t, struct kmem_cache *s)
{
	struct slabinfo si;
	get_slabinfo(&t->k, s, &si);
	return si;
}

static struct kmem_cache *find_cache(struct tk *t, const char *name)
{
	for (struct kmem_cache *s = kmem_cache_first(&t->k); s; s = kmem_cache_next(&t->k, s))
		if (!strcmp(info_of(t, s).name, name))
			return s;
	return NULL;
}

Test(slab, constructor_runs_once_per_object_not_per_allocation)
{
	struct tk *t = tk_boot(256 << 20, 2);
	int err;
	struct kmem_cache *s = kmem_cache_create(&t->k, "ctor_test", 200, 0, 0, mark_ctor, NULL, &err);
	void *obj[5];

	ctor_runs = 0;
	for (int i = 0; i < 5; i++)
		obj[i] = kmem_cache_alloc(&t->k, s, GFP_KERNEL);
	unsigned per_slab = info_of(t, s).objects_per_slab;
	cr_assert_gt(per_slab, 5);
	cr_assert_eq(ctor_runs, per_slab, "constructed when the slab was made: %lu runs", ctor_runs);
	for (int round = 0; round < 100; round++) {
		for (int i = 0; i < 5; i++)
			cr_assert_eq(kmem_cache_free(&t->k, s, obj[i]), 0);
		for (int i = 0; i < 5; i++) {
			obj[i] = kmem_cache_alloc(&t->k, s, GFP_KERNEL);
			cr_assert_str_eq(obj[i], "CONSTRUCTED", "state kept across free and alloc");
		}
	}
	cr_assert_eq(ctor_runs, per_slab, "no more constructor runs");
	cr_assert_eq(info_of(t, s).ctor_calls, per_slab);
	tk_assert_consistent(t);
	tk_free(t);
}

/* objsize, objperslab and pagesperslab of the kmalloc caches on a real
 * 2-CPU Linux 6.18 machine (/proc/slabinfo). */
Test(slab, kmalloc_geometry_matches_linux)
{
	static const struct { const char *name; unsigned objsize, per_slab, pages; } real[] = {
		{ "kmalloc-8", 8, 512, 1 },     { "kmalloc-16", 16, 256, 1 },
		{ "kmalloc-32", 32, 128, 1 },   { "kmalloc-64", 64, 64, 1 },
		{ "kmalloc-96", 96, 42, 1 },    { "kmalloc-128", 128, 32, 1 },
		{ "kmalloc-192", 192, 21, 1 },  { "kmalloc-256", 256, 16, 1 },
		{ "kmalloc-512", 512, 16, 2 },  { "kmalloc-1k", 1024, 16, 4 },
		{ "kmalloc-2k", 2048, 16, 8 },  { "kmalloc-4k", 4096, 8, 8 },
		{ "kmalloc-8k", 8192, 4, 8 },   { "kmalloc-rcl-96", 96, 42, 1 },
		{ "dma-kmalloc-512", 512, 16, 2 }, { "kmalloc-cg-8k", 8192, 4, 8 },
	};
	struct tk *t = tk_boot(256 << 20, 2);
	for (size_t i = 0; i < ARRAY_SIZE(real); i++) {
		struct kmem_cache *s = find_cache(t, real[i].name);
		cr_assert_not_null(s, "no cache %s", real[i].name);
		struct slabinfo si = info_of(t, s);
		cr_assert_eq(si.objsize, real[i].objsize, "%s objsize", real[i].name);
		cr_assert_eq(si.objects_per_slab, real[i].per_slab, "%s objperslab", real[i].name);
		cr_assert_eq(si.pages_per_slab, real[i].pages, "%s pagesperslab", real[i].name);
	}
	int err;
	/* mm_struct on Linux is 1600 bytes: 20 per order-3 slab */
	struct kmem_cache *mm = kmem_cache_create(&t->k, "mm_like", 1600, 0, SLAB_HWCACHE_ALIGN,
						  NULL, NULL, &err);
	cr_assert_eq(info_of(t, mm).objects_per_slab, 20);
	cr_assert_eq(info_of(t, mm).pages_per_slab, 8);
	tk_free(t);
}

Test(slab, kmalloc_picks_the_size_class_and_type)
{
	struct tk *t = tk_boot(256 << 20, 1);
	t->expect_bugs = true;
	static const struct { size_t size; const char *cache; size_t ksize; } cls[] = {
		{ 1, "kmalloc-8", 8 },      { 8, "kmalloc-8", 8 },       { 9, "kmalloc-16", 16 },
		{ 64, "kmalloc-64", 64 },   { 65, "kmalloc-96", 96 },    { 96, "kmalloc-96", 96 },
		{ 97, "kmalloc-128", 128 }, { 129, "kmalloc-192", 192 }, { 193, "kmalloc-256", 256 },
		{ 1000, "kmalloc-1k", 1024 }, { 8192, "kmalloc-8k", 8192 },
	};
	for (size_t i = 0; i < ARRAY_SIZE(cls); i++) {
		void *p = kmalloc(&t->k, cls[i].size, GFP_KERNEL);
		cr_assert_str_eq(info_of(t, virt_to_cache(&t->k, p)).name, cls[i].cache, "size %zu", cls[i].size);
		cr_assert_eq(ksize(&t->k, p), cls[i].ksize);
		cr_assert_eq(kfree(&t->k, p), 0);
	}
	void *r = kmalloc(&t->k, 100, GFP_KERNEL | __GFP_RECLAIMABLE);
	void *a = kmalloc(&t->k, 100, GFP_KERNEL_ACCOUNT);
	void *d = kmalloc(&t->k, 100, GFP_KERNEL | __GFP_DMA);
	cr_assert_str_eq(info_of(t, virt_to_cache(&t->k, r)).name, "kmalloc-rcl-128");
	cr_assert_str_eq(info_of(t, virt_to_cache(&t->k, a)).name, "kmalloc-cg-128");
	cr_assert_str_eq(info_of(t, virt_to_cache(&t->k, d)).name, "dma-kmalloc-128");
	cr_assert_lt(virt_to_phys(&t->k, d), 16 << 20, "dma-kmalloc lives in zone DMA");
	cr_assert_eq(kmalloc(&t->k, 0, GFP_KERNEL), ZERO_SIZE_PTR);
	cr_assert_eq(kfree(&t->k, ZERO_SIZE_PTR), 0);
	cr_assert_eq(kfree(&t->k, NULL), 0);
	cr_assert_null(kmalloc(&t->k, KMALLOC_MAX_SIZE + 1, GFP_KERNEL));
	cr_assert(tk_log_contains(t, "above KMALLOC_MAX_SIZE"));
	kfree(&t->k, r);
	kfree(&t->k, a);
	kfree(&t->k, d);
	tk_assert_consistent(t);
	tk_free(t);
}

Test(slab, large_kmalloc_uses_pages_and_counts_as_slab)
{
	struct tk *t = tk_boot(256 << 20, 1);
	t->expect_bugs = true;
	uint64_t before = global_node_page_state_pages(&t->k, NR_SLAB_UNRECLAIMABLE_B);
	void *p = kmalloc(&t->k, 20000, GFP_KERNEL);
	cr_assert_eq(virt_to_phys(&t->k, p) % PAGE_SIZE, 0);
	cr_assert_eq(ksize(&t->k, p), 32768);
	cr_assert_eq(global_node_page_state_pages(&t->k, NR_SLAB_UNRECLAIMABLE_B), before + 8);
	cr_assert_null(virt_to_cache(&t->k, p));
	tk_assert_consistent(t);
	cr_assert_eq(kfree(&t->k, p), 0);
	cr_assert_eq(global_node_page_state_pages(&t->k, NR_SLAB_UNRECLAIMABLE_B), before);
	cr_assert_eq(kfree(&t->k, p), -EINVAL, "double kfree of a large object");
	tk_assert_consistent(t);
	tk_free(t);
}

Test(slab, free_pointer_placement)
{
	struct tk *t = tk_boot(256 << 20, 1);
	int err;
	struct kmem_cache *plain = kmem_cache_create(&t->k, "plain", 64, 0, SLAB_NO_MERGE, NULL, NULL, &err);
	struct kmem_cache *ctor = kmem_cache_create(&t->k, "ctor", 64, 0, 0, mark_ctor, NULL, &err);
	cr_assert_eq(info_of(t, plain).objsize, 64, "free pointer inside a free object");
	cr_assert_eq(info_of(t, ctor).objsize, 72, "free pointer after a constructed object");
	/* a freed plain object has its free pointer in the middle, at offset 32 */
	uint8_t *o1 = kmem_cache_alloc(&t->k, plain, GFP_KERNEL);
	uint8_t *o2 = kmem_cache_alloc(&t->k, plain, GFP_KERNEL);
	memset(o1, 0x11, 64);
	memset(o2, 0x22, 64);
	kmem_cache_free(&t->k, plain, o1);
	kmem_cache_free(&t->k, plain, o2);
	uint64_t fp;
	memcpy(&fp, o2 + 32, 8);
	cr_assert_eq(fp, kaddr(&t->k, o1), "o2's free pointer is o1's kernel address");
	cr_assert_eq(o2[0], 0x22, "the rest of the object is untouched");
	tk_free(t);
}

Test(slab, empty_slabs_kept_up_to_min_partial_then_freed_on_shrink)
{
	struct tk *t = tk_boot(256 << 20, 1);
	int err;
	struct kmem_cache *s = kmem_cache_create(&t->k, "partial_test", 1024, 0, SLAB_NO_MERGE, NULL,
						 NULL, &err);
	unsigned per = info_of(t, s).objects_per_slab;
	enum { N = 40 };
	void **v = calloc(N * per, sizeof *v);
	for (unsigned i = 0; i < N * per; i++)
		v[i] = kmem_cache_alloc(&t->k, s, GFP_KERNEL);
	cr_assert_eq(info_of(t, s).num_slabs, N);
	for (unsigned i = 0; i < N * per; i++)
		cr_assert_eq(kmem_cache_free(&t->k, s, v[i]), 0);
	/* min_partial = ilog2(1024)/2 = 5: a slab that empties while the node
	 * has 5 partial slabs, itself included, goes back (Linux's __slab_free);
	 * so 4 empty slabs wait on the partial list and the CPU keeps its own */
	struct slabinfo si = info_of(t, s);
	cr_assert_eq(si.num_slabs, 4 + 1, "kept %lu slabs", si.num_slabs);
	cr_assert_eq(si.active_objs, per, "the CPU slab's objects count as active, as SLUB shows");
	cr_assert_eq(kmem_cache_shrink(&t->k, s), 5);
	cr_assert_eq(info_of(t, s).num_slabs, 0);
	cr_assert_eq(kmem_cache_destroy(&t->k, s), 0);
	cr_assert_null(find_cache(t, "partial_test"));
	tk_assert_consistent(t);
	free(v);
	tk_free(t);
}

Test(slab, objects_freed_on_another_cpu_come_back)
{
	struct tk *t = tk_boot(256 << 20, 2);
	int err;
	struct kmem_cache *s = kmem_cache_create(&t->k, "remote", 512, 0, SLAB_NO_MERGE, NULL, NULL, &err);
	void *a = kmem_cache_alloc(&t->k, s, GFP_KERNEL);
	void *b = kmem_cache_alloc(&t->k, s, GFP_KERNEL);
	t->k.this_cpu = 1;
	cr_assert_eq(kmem_cache_free(&t->k, s, a), 0, "a remote free to CPU 0's active slab");
	tk_assert_consistent(t);
	t->k.this_cpu = 0;
	unsigned per = info_of(t, s).objects_per_slab;
	void *got = NULL;
	for (unsigned i = 0; i < per && got != a; i++)
		got = kmem_cache_alloc(&t->k, s, GFP_KERNEL);
	cr_assert_eq(got, a, "CPU 0 took the remotely freed object back");
	tk_assert_consistent(t);
	(void)b;
	tk_free(t);
}

Test(slab, compatible_caches_merge_as_on_linux)
{
	struct tk *t = tk_boot(256 << 20, 1);
	int err;
	struct kmem_cache *a = kmem_cache_create(&t->k, "merge_a", 100, 0, 0, NULL, NULL, &err);
	struct kmem_cache *b = kmem_cache_create(&t->k, "merge_b", 104, 0, 0, NULL, NULL, &err);
	struct kmem_cache *c = kmem_cache_create(&t->k, "merge_c", 100, 0, 0, mark_ctor, NULL, &err);
	struct kmem_cache *d = kmem_cache_create(&t->k, "merge_d", 100, 0, SLAB_RECLAIM_ACCOUNT, NULL,
						 NULL, &err);
	cr_assert_eq(a, b, "same size class, no constructor: aliased");
	cr_assert_eq(info_of(t, a).refcount, 2);
	cr_assert_null(find_cache(t, "merge_b"), "an alias is not listed");
	cr_assert_neq(a, c, "constructed caches never merge");
	cr_assert_neq(a, d, "different accounting flags");
	cr_assert_neq(virt_to_cache(&t->k, kmalloc(&t->k, 100, GFP_KERNEL)), a,
		      "kmalloc caches are not merge targets");
	slab_set_nomerge(&t->k, 1);
	struct kmem_cache *e = kmem_cache_create(&t->k, "merge_e", 100, 0, 0, NULL, NULL, &err);
	cr_assert_neq(a, e, "slab_nomerge");
	cr_assert_eq(kmem_cache_destroy(&t->k, b), 0);
	cr_assert_not_null(find_cache(t, "merge_a"), "one user left");
	cr_assert_eq(kmem_cache_destroy(&t->k, a), 0);
	cr_assert_null(find_cache(t, "merge_a"));
	tk_free(t);
}

Test(slab, creation_arguments_are_checked)
{
	struct tk *t = tk_boot(256 << 20, 1);
	t->expect_bugs = true;
	int err;
	cr_assert_null(kmem_cache_create(&t->k, "", 8, 0, 0, NULL, NULL, &err));
	cr_assert_eq(err, -EINVAL);
	cr_assert_null(kmem_cache_create(&t->k, "zero", 0, 0, 0, NULL, NULL, &err));
	cr_assert_null(kmem_cache_create(&t->k, "huge", KMALLOC_MAX_SIZE + 1, 0, 0, NULL, NULL, &err));
	cr_assert_null(kmem_cache_create(&t->k, "align", 64, 24, 0, NULL, NULL, &err));
	cr_assert_null(kmem_cache_create(&t->k, "flags", 64, 0, 0x1, NULL, NULL, &err));
	cr_assert_eq(err, -EINVAL);
	struct kmem_cache *big = kmem_cache_create(&t->k, "big", 1 << 20, 0, 0, NULL, NULL, &err);
	cr_assert_not_null(big, "a 1 MiB object gets a slab of its own order");
	void *p = kmem_cache_alloc(&t->k, big, GFP_KERNEL);
	cr_assert_not_null(p);
	cr_assert_eq(kmem_cache_free(&t->k, big, p), 0);
	cr_assert_eq(kmem_cache_destroy(&t->k, find_cache(t, "kmalloc-64")), -EINVAL,
		     "kmalloc caches cannot be destroyed");
	tk_assert_consistent(t);
	tk_free(t);
}

Test(slab, destroying_a_cache_in_use_is_refused)
{
	struct tk *t = tk_boot(256 << 20, 1);
	t->expect_bugs = true;
	int err;
	struct kmem_cache *s = kmem_cache_create(&t->k, "busy", 128, 0, SLAB_NO_MERGE, NULL, NULL, &err);
	void *p = kmem_cache_alloc(&t->k, s, GFP_KERNEL);
	cr_assert_eq(kmem_cache_destroy(&t->k, s), -EBUSY);
	cr_assert(tk_log_contains(t, "kmem_cache_destroy busy: Slab cache still has objects"));
	cr_assert_eq(kmem_cache_free(&t->k, s, p), 0, "the cache still works");
	cr_assert_eq(kmem_cache_destroy(&t->k, s), 0);
	tk_assert_consistent(t);
	tk_free(t);
}

/* Each bad free is refused with a report naming the object, and changes
 * nothing the checker can see. */
Test(slab, bad_frees_are_refused_and_reported)
{
	struct tk *t = tk_boot(256 << 20, 1);
	t->expect_bugs = true;
	struct kernel *k = &t->k;
	int err;
	struct kmem_cache *a = kmem_cache_create(k, "cache_a", 96, 0, SLAB_NO_MERGE, NULL, NULL, &err);
	struct kmem_cache *b = kmem_cache_create(k, "cache_b", 96, 0, SLAB_NO_MERGE, NULL, NULL, &err);
	uint8_t *x = kmem_cache_alloc(k, a, GFP_KERNEL);
	uint8_t *y = kmem_cache_alloc(k, a, GFP_KERNEL);
	char want[128];

	cr_assert_eq(kmem_cache_free(k, b, x), -EINVAL);
	snprintf(want, sizeof want, "kmem_cache_free(cache_b, %#lx): Wrong slab cache: object is from cache_a",
		 (unsigned long)kaddr(k, x));
	cr_assert(tk_log_contains(t, want), "missing: %s", want);
	cr_assert_eq(kmem_cache_free(k, a, x + 8), -EINVAL);
	cr_assert(tk_log_contains(t, "pointer is not the start of an object"));
	cr_assert_eq(kmem_cache_free(k, a, x + 3), -EINVAL, "misaligned pointer");
	cr_assert_eq(kmem_cache_free(k, a, x), 0);
	cr_assert_eq(kmem_cache_free(k, a, x), -EINVAL);
	cr_assert(tk_log_contains(t, "double free or free of an object never allocated"));
	cr_assert_eq(kmem_cache_free(k, a, y + 96 * 2), -EINVAL, "a free object never handed out");
	cr_assert_eq(kfree(k, y + 1), -EINVAL);
	struct page *pg = alloc_page(k, GFP_KERNEL);
	cr_assert_eq(kfree(k, page_address(k, pg)), -EINVAL, "a buddy page is no kmalloc object");
	cr_assert_eq(kfree(k, &err), -EINVAL, "a host pointer outside RAM");
	cr_assert(tk_log_contains(t, "not an allocated kmalloc object"));
	cr_assert_eq(kmem_cache_free(k, a, NULL), -EINVAL);
	cr_assert_eq(k->nr_bug_reports, 9);
	tk_assert_consistent(t);
	cr_assert_eq(kmem_cache_free(k, a, y), 0);
	__free_pages(k, pg, 0);
	tk_assert_consistent(t);
	tk_free(t);
}

Test(slab, slab_memory_shows_in_the_node_counters)
{
	struct tk *t = tk_boot(256 << 20, 1);
	int err;
	struct kmem_cache *r = kmem_cache_create(&t->k, "reclaimable", 2048, 0, SLAB_RECLAIM_ACCOUNT,
						 NULL, NULL, &err);
	uint64_t rec = global_node_page_state_pages(&t->k, NR_SLAB_RECLAIMABLE_B);
	void *p = kmem_cache_alloc(&t->k, r, GFP_KERNEL);
	/* one CPU: at least 4 * (fls(1) + 1) = 8 objects per slab: order 2 */
	cr_assert_eq(info_of(t, r).pages_per_slab, 4);
	cr_assert_eq(global_node_page_state_pages(&t->k, NR_SLAB_RECLAIMABLE_B), rec + 4,
		     "one order-2 slab of 2 KiB objects");
	kmem_cache_free(&t->k, r, p);
	kmem_cache_shrink(&t->k, r);
	cr_assert_eq(global_node_page_state_pages(&t->k, NR_SLAB_RECLAIMABLE_B), rec);
	tk_free(t);
}

Test(slab, boot_caches_hold_every_cache)
{
	struct tk *t = tk_boot(256 << 20, 1);
	unsigned n = 0;
	for (struct kmem_cache *s = kmem_cache_first(&t->k); s; s = kmem_cache_next(&t->k, s))
		n++;
	struct slabinfo kc = info_of(t, find_cache(t, "kmem_cache"));
	struct slabinfo kcn = info_of(t, find_cache(t, "kmem_cache_node"));
	/* kmem_cache, kmem_cache_node, four kinds of 13 kmalloc caches, and the
	 * mm's: mm_struct, vm_area_struct, task_struct, filp, anon_vma,
	 * anon_vma_chain, shmem_inode_cache, files_cache, radix_tree_node */
	cr_assert_eq(n, 2 + 4 * 13 + 9);
	cr_assert_geq(kc.num_objs, n);
	cr_assert_geq(kcn.num_objs, n);
	cr_assert_str_eq(info_of(t, kmem_cache_first(&t->k)).name, "radix_tree_node", "newest first");
	tk_free(t);
}
