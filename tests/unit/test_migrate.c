/*
 * Page migration (kernel/migrate.c): a movable page's bytes move to another
 * frame, every mapping follows (anonymous, fork-shared, shmem, the swap
 * cache), the TLBs forget the old frame, pagemap shows the new one, and an
 * access in the middle waits on the migration entry.
 */
#include "proc_helpers.h"

#include "kernel/debug_vm.h"
#include "kernel/fs.h"
#include "kernel/memory.h"
#include "kernel/migrate.h"
#include "kernel/mm.h"
#include "kernel/page_list.h"
#include "kernel/rmap.h"
#include "kernel/swap.h"
#include "kernel/swapops.h"
#include "kernel/vmstat.h"
#include "procfs/procfs.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PG 4096ULL

static uint64_t ev(struct tk *t, enum vm_event_item e)
{
	return t->k.vm_events[e];
}

static struct page *page_at(struct tk *t, struct task_struct *p, uint64_t va)
{
	pte_t pte = tp_pte(t, p, va);
	cr_assert(pte_present(pte), "va %#llx is mapped", (unsigned long long)va);
	return pfn_to_page(&t->k, pte_pfn(pte));
}

/* Migrate the one page mapped at va of p; returns migrate_pages' result. */
static int migrate_va(struct tk *t, struct task_struct *p, uint64_t va)
{
	struct page_list l;
	unsigned ok = 0;
	page_list_init(&l);
	cr_assert(isolate_folio_to_list(&t->k, page_at(t, p, va), &l), "the page is on an LRU");
	int rc = migrate_pages(&t->k, &l, alloc_migration_target, NULL, 0, MIGRATE_SYNC, MR_SYSCALL, &ok);
	cr_assert_eq(ok + (unsigned)(rc > 0 ? rc : 0), 1u);
	putback_movable_pages(&t->k, &l);
	return rc;
}

/* /proc/PID/pagemap's entry for va. */
static uint64_t pagemap(struct tk *t, struct task_struct *p, uint64_t va)
{
	char path[64];
	uint64_t e = 0;
	snprintf(path, sizeof path, "/proc/%d/pagemap", p->pid);
	cr_assert_eq(procfs_pread(&t->k, path, va / PG * 8, &e, 8, NULL), 8);
	return e;
}

/* A process on CPU 0 of a new two-CPU machine, with a thread on CPU 1. */
static struct task_struct *two_cpu_process(struct tk *t, struct task_struct **th)
{
	int err;
	struct task_struct *p = tp_spawn(t, "mig", 0);
	*th = task_create_thread(&t->k, p, 1, &err);
	cr_assert_not_null(*th);
	return p;
}

/* Isolate the page at va of p and unmap it for migration to a new frame
 * (the first half of migrating it); returns the page. */
static struct page *unmap_va(struct tk *t, struct task_struct *p, uint64_t va, struct migrate_pending *mp)
{
	struct page *src = page_at(t, p, va);
	struct page_list l;
	page_list_init(&l);
	cr_assert(isolate_folio_to_list(&t->k, src, &l));
	page_list_del(&t->k, &l, src);
	struct page *dst = alloc_migration_target(&t->k, src, 0);
	cr_assert_eq(migrate_folio_unmap(&t->k, src, dst, NULL, 0, MIGRATE_SYNC, MR_SYSCALL, mp), 0);
	return src;
}

static bool frame_is_free(struct tk *t, uint64_t pfn)
{
	struct page *pg = pfn_to_page(&t->k, pfn);
	return page_test(pg, PG_pcp) || page_test(pg, PG_buddy) || !page_ref_count(pg);
}

Test(migrate, an_anonymous_page_moves_with_its_bytes_and_the_tlb_forgets_the_old_frame)
{
	struct tk *t = tk_boot(64 << 20, 1);
	struct task_struct *p = tp_spawn(t, "mig", 0);
	uint64_t a = tp_mmap(t, p, 2 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE);
	char data[PG], back[PG];
	for (unsigned i = 0; i < PG; i++)
		data[i] = (char)(i * 7 + 3);
	cr_assert_eq(tp_write(t, p, a, data, PG), 0);       /* the TLB now holds the translation */
	uint64_t old = pte_pfn(tp_pte(t, p, a));
	uint64_t rss = get_mm_rss(p->mm);
	int64_t anon = t->k.node_data[0]->vm_stat[NR_ANON_MAPPED];
	cr_assert_eq(migrate_va(t, p, a), 0);
	pte_t pte = tp_pte(t, p, a);
	uint64_t new = pte_pfn(pte);
	cr_assert_neq(new, old, "another frame");
	cr_assert(pte_present(pte) && pte_write(pte) && pte_dirty(pte), "writable and dirty as before");
	cr_assert(frame_is_free(t, old), "the old frame went back to the allocator");
	cr_assert_eq(memcmp(page_address(&t->k, pfn_to_page(&t->k, new)), data, PG), 0, "the bytes moved");
	cr_assert_eq(ev(t, PGMIGRATE_SUCCESS), 1);
	cr_assert_eq(ev(t, PGMIGRATE_FAIL), 0);
	cr_assert_eq(get_mm_rss(p->mm), rss, "the process never noticed");
	cr_assert_eq(t->k.node_data[0]->vm_stat[NR_ANON_MAPPED], anon);
	struct page *np = pfn_to_page(&t->k, new);
	cr_assert(PageAnon(np) && np->mapcount == 1 && page_test(np, PG_anon_exclusive) && page_test(np, PG_lru));
	uint64_t pm = pagemap(t, p, a);
	cr_assert_eq(pm & PM_PFRAME_MASK, new, "pagemap shows the new frame");
	cr_assert(pm & PM_PRESENT && pm & PM_MMAP_EXCLUSIVE && !(pm & PM_FILE));
	/* a stale TLB entry would send this write to the old frame */
	memset(page_address(&t->k, pfn_to_page(&t->k, old)), 0, PG);
	cr_assert_eq(tp_write(t, p, a + 5, "Z", 1), 0);
	cr_assert_eq(((char *)page_address(&t->k, np))[5], 'Z', "the write went to the new frame");
	cr_assert_eq(((char *)page_address(&t->k, pfn_to_page(&t->k, old)))[5], 0);
	cr_assert_eq(tp_read(t, p, a, back, PG), 0);
	data[5] = 'Z';
	cr_assert_eq(memcmp(back, data, PG), 0);
	tk_assert_consistent(t);
	tk_free(t);
}

Test(migrate, a_tlb_of_another_cpu_is_shot_down)
{
	struct tk *t = tk_boot(64 << 20, 2);
	struct task_struct *th, *p = two_cpu_process(t, &th);
	uint64_t a = tp_mmap(t, p, PG, PROT_READ | PROT_WRITE, MAP_PRIVATE);
	cr_assert_eq(tp_write(t, p, a, "a", 1), 0);
	cr_assert_eq(tp_write(t, th, a + 1, "b", 1), 0);     /* CPU 1's TLB holds it too */
	uint64_t old = pte_pfn(tp_pte(t, p, a));
	cr_assert_eq(migrate_va(t, p, a), 0);
	uint64_t new = pte_pfn(tp_pte(t, p, a));
	memset(page_address(&t->k, pfn_to_page(&t->k, old)), 0, PG);
	cr_assert_eq(tp_write(t, th, a + 2, "c", 1), 0);
	char *np = page_address(&t->k, pfn_to_page(&t->k, new));
	cr_assert(np[0] == 'a' && np[1] == 'b' && np[2] == 'c', "CPU 1 writes to the new frame");
	tk_assert_consistent(t);
	tk_free(t);
}

Test(migrate, a_fork_shared_page_is_remapped_in_both_processes)
{
	struct tk *t = tk_boot(64 << 20, 1);
	struct task_struct *p = tp_spawn(t, "parent", 0);
	uint64_t a = tp_mmap(t, p, PG, PROT_READ | PROT_WRITE, MAP_PRIVATE);
	cr_assert_eq(tp_write(t, p, a, "shared", 7), 0);
	int err;
	struct task_struct *c = copy_process(&t->k, p, 0, &err);
	cr_assert_not_null(c);
	char buf[8];
	cr_assert_eq(tp_read(t, c, a, buf, 7), 0);
	uint64_t old = pte_pfn(tp_pte(t, p, a));
	cr_assert_eq(pte_pfn(tp_pte(t, c, a)), old);
	cr_assert_eq(migrate_va(t, c, a), 0);
	uint64_t new = pte_pfn(tp_pte(t, p, a));
	cr_assert_neq(new, old);
	cr_assert_eq(pte_pfn(tp_pte(t, c, a)), new, "the child's PTE follows");
	cr_assert(!pte_write(tp_pte(t, p, a)) && !pte_write(tp_pte(t, c, a)), "still copy-on-write");
	struct page *np = pfn_to_page(&t->k, new);
	cr_assert_eq(np->mapcount, 2);
	cr_assert(!page_test(np, PG_anon_exclusive));
	cr_assert_eq(tp_write(t, c, a, "child", 6), 0);
	cr_assert_eq(tp_read(t, p, a, buf, 7), 0);
	cr_assert_str_eq(buf, "shared", "copy-on-write kept the parent's bytes");
	cr_assert_eq(tp_read(t, c, a, buf, 6), 0);
	cr_assert_str_eq(buf, "child");
	tk_assert_consistent(t);
	do_group_exit(&t->k, c, 0);
	tk_assert_consistent(t);
	tk_free(t);
}

Test(migrate, a_shmem_page_moves_in_its_file_and_every_mapping)
{
	struct tk *t = tk_boot(64 << 20, 1);
	struct task_struct *p = tp_spawn(t, "shm", 0);
	uint64_t a = tp_mmap(t, p, 2 * PG, PROT_READ | PROT_WRITE, MAP_SHARED);
	cr_assert_eq(tp_write(t, p, a, "tmpfs", 6), 0);
	int err;
	struct task_struct *c = copy_process(&t->k, p, 0, &err);
	cr_assert_not_null(c);
	char buf[8];
	cr_assert_eq(tp_read(t, c, a, buf, 6), 0);
	uint64_t old = pte_pfn(tp_pte(t, p, a));
	cr_assert_eq(migrate_va(t, p, a), 0);
	uint64_t new = pte_pfn(tp_pte(t, p, a));
	cr_assert_neq(new, old);
	cr_assert_eq(pte_pfn(tp_pte(t, c, a)), new);
	struct vm_area_struct *vma = vma_lookup(p->mm, a);
	struct inode *inode = file_inode(vma->vm_file);
	cr_assert_eq(radix_tree_lookup(&inode->i_data.i_pages, 0), pfn_to_page(&t->k, new), "the file holds the new page");
	cr_assert(pagemap(t, p, a) & PM_FILE);
	cr_assert_eq(pagemap(t, c, a) & PM_PFRAME_MASK, new);
	/* unmapped everywhere, the page stays in the file and keeps its bytes */
	cr_assert_eq(do_munmap(&t->k, c, a, 2 * PG), 0);
	cr_assert_eq(tp_write(t, p, a + 1, "X", 1), 0);
	cr_assert_eq(do_munmap(&t->k, p, a, 2 * PG), 0);
	cr_assert_eq(pfn_to_page(&t->k, new)->mapcount, 0);
	cr_assert_eq(memcmp(page_address(&t->k, pfn_to_page(&t->k, new)), "tXpfs", 6), 0);
	tk_assert_consistent(t);
	tk_free(t);
}

Test(migrate, an_unmapped_shmem_page_moves_in_its_file)
{
	struct tk *t = tk_boot(64 << 20, 1);
	struct task_struct *p = tp_spawn(t, "shm", 0);
	uint64_t a = tp_mmap(t, p, PG, PROT_READ | PROT_WRITE, MAP_SHARED);
	cr_assert_eq(tp_write(t, p, a, "kept", 5), 0);
	struct page *old = page_at(t, p, a);
	struct inode *inode = file_inode(vma_lookup(p->mm, a)->vm_file);
	get_file(vma_lookup(p->mm, a)->vm_file);
	struct file *f = vma_lookup(p->mm, a)->vm_file;
	cr_assert_eq(do_munmap(&t->k, p, a, PG), 0);
	struct page_list l;
	page_list_init(&l);
	cr_assert(isolate_folio_to_list(&t->k, old, &l));
	unsigned ok;
	cr_assert_eq(migrate_pages(&t->k, &l, alloc_migration_target, NULL, 0, MIGRATE_SYNC, MR_COMPACTION, &ok), 0);
	struct page *new = radix_tree_lookup(&inode->i_data.i_pages, 0);
	cr_assert_neq(new, old);
	cr_assert_eq(memcmp(page_address(&t->k, new), "kept", 5), 0);
	cr_assert_eq(page_ref_count(new), 1, "only the file's reference");
	fput(&t->k, f);
	tk_assert_consistent(t);
	tk_free(t);
}

Test(migrate, a_swap_cache_page_moves_and_the_cache_follows)
{
	char why[128] = "";
	struct tk *t = tk_boot(64 << 20, 1);
	cr_assert_eq(sys_swapon(&t->k, 64 << 20, -1, NULL, why, sizeof why), 0, "%s", why);
	struct task_struct *p = tp_spawn(t, "parent", 0);
	uint64_t a = tp_mmap(t, p, PG, PROT_READ | PROT_WRITE, MAP_PRIVATE);
	cr_assert_eq(tp_write(t, p, a, "swapped", 8), 0);
	cr_assert_eq(do_madvise(&t->k, p, a, PG, MADV_PAGEOUT), 0);
	int err;
	struct task_struct *c = copy_process(&t->k, p, 0, &err);
	cr_assert_not_null(c);
	swp_entry_t e = pte_to_swp_entry(tp_pte(t, p, a));
	char buf[8];
	cr_assert_eq(tp_read(t, c, a, buf, 8), 0);       /* the child's PTE maps the swap-cache page */
	struct page *old = page_at(t, c, a);
	cr_assert(page_test(old, PG_swapcache));
	cr_assert_eq(migrate_va(t, c, a), 0);
	struct page *new = page_at(t, c, a);
	cr_assert_neq(new, old);
	cr_assert(page_test(new, PG_swapcache) && page_swap_entry(new).val == e.val, "the new page has the slot");
	struct page *cached = swap_cache_get_folio(&t->k, e);
	cr_assert_eq(cached, new, "the swap cache finds the new page");
	put_page(&t->k, cached);
	uint64_t maj = p->maj_flt;
	cr_assert_eq(tp_read(t, p, a, buf, 8), 0);
	cr_assert_str_eq(buf, "swapped");
	cr_assert_eq(p->maj_flt, maj, "the parent finds it in the swap cache");
	cr_assert_eq(page_at(t, p, a), new);
	tk_assert_consistent(t);
	tk_free(t);
}

Test(migrate, an_access_meanwhile_waits_on_the_migration_entry)
{
	struct tk *t = tk_boot(64 << 20, 2);
	struct task_struct *th, *p = two_cpu_process(t, &th);
	uint64_t a = tp_mmap(t, p, PG, PROT_READ | PROT_WRITE, MAP_PRIVATE);
	cr_assert_eq(tp_write(t, p, a, "waits", 6), 0);
	uint64_t rss = get_mm_rss(p->mm);
	struct migrate_pending mp;
	struct page *src = unmap_va(t, p, a, &mp), *dst = mp.dst;
	uint64_t old = page_to_pfn(&t->k, src);
	/* the PTE is a migration entry: writable, young, dirty, naming the old frame */
	pte_t pte = tp_pte(t, p, a);
	swp_entry_t e = pte_to_swp_entry(pte);
	cr_assert(!pte_present(pte) && is_migration_entry(e));
	cr_assert_eq(swp_type(e), SWP_MIGRATION_WRITE);
	cr_assert_eq(swp_type(e), 26, "Linux's type: MAX_SWAPFILES (23) + 1 hwpoison + 2");
	cr_assert_eq(migration_pte_pfn(&t->k, pte), old);
	cr_assert(is_migration_entry_young(e, 4) && is_migration_entry_dirty(e, 4));
	cr_assert_eq(swp_offset(e), old | 1ULL << 34 | 1ULL << 35, "the A/D bits above SWP_PFN_BITS (34)");
	cr_assert(page_test(src, PG_locked) && src->mapcount == 0);
	uint64_t pm = pagemap(t, p, a);
	cr_assert(pm & PM_SWAP && !(pm & PM_PRESENT));
	cr_assert_eq(pm & PM_PFRAME_MASK, (uint64_t)SWP_MIGRATION_WRITE | old << 5, "type, then the frame");
	cr_assert_eq(get_mm_rss(p->mm), rss, "the migrating page still counts");
	tk_assert_consistent(t);
	/* the thread on CPU 1 reads: it faults, waits for the move, and retries */
	uint64_t faults = ev(t, PGFAULT);
	char buf[8];
	cr_assert_eq(tp_read(t, th, a, buf, 6), 0);
	cr_assert_str_eq(buf, "waits");
	cr_assert_eq(ev(t, PGFAULT), faults + 1, "one fault, on the migration entry");
	cr_assert_null(t->k.migrate_pending, "the migration finished while it waited");
	cr_assert_eq(pte_pfn(tp_pte(t, p, a)), page_to_pfn(&t->k, dst));
	cr_assert(pte_write(tp_pte(t, p, a)));
	cr_assert_eq(migrate_folio_move(&t->k, &mp), 0, "the migrating CPU finds it done");
	cr_assert(!page_test(dst, PG_locked));
	tk_assert_consistent(t);
	tk_free(t);
}

Test(migrate, a_read_only_entry_keeps_its_access_and_exclusivity)
{
	struct tk *t = tk_boot(64 << 20, 1);
	struct task_struct *p = tp_spawn(t, "mig", 0);
	uint64_t a = tp_mmap(t, p, PG, PROT_READ | PROT_WRITE, MAP_PRIVATE);
	cr_assert_eq(tp_write(t, p, a, "ro", 3), 0);
	cr_assert_eq(do_mprotect_pkey(&t->k, p, a, PG, PROT_READ), 0);
	struct migrate_pending mp;
	unmap_va(t, p, a, &mp);
	struct page *dst = mp.dst;
	cr_assert_eq(swp_type(pte_to_swp_entry(tp_pte(t, p, a))), SWP_MIGRATION_READ_EXCLUSIVE);
	cr_assert_eq(migrate_folio_move(&t->k, &mp), 0);
	cr_assert(!pte_write(tp_pte(t, p, a)));
	cr_assert(page_test(dst, PG_anon_exclusive), "still exclusive: a later write reuses it");
	cr_assert_eq(do_mprotect_pkey(&t->k, p, a, PG, PROT_READ | PROT_WRITE), 0);
	cr_assert_eq(tp_write(t, p, a, "rw", 3), 0);
	cr_assert_eq(page_at(t, p, a), dst, "reused, not copied");
	tk_assert_consistent(t);
	tk_free(t);
}

Test(migrate, a_page_with_an_extra_reference_does_not_move)
{
	struct tk *t = tk_boot(64 << 20, 1);
	struct task_struct *p = tp_spawn(t, "pin", 0);
	uint64_t a = tp_mmap(t, p, PG, PROT_READ | PROT_WRITE, MAP_PRIVATE);
	cr_assert_eq(tp_write(t, p, a, "pinned", 7), 0);
	struct page *page = page_at(t, p, a);
	get_page(page);                           /* as get_user_pages would */
	cr_assert_eq(migrate_va(t, p, a), 1, "one page not migrated");
	cr_assert_eq(page_at(t, p, a), page, "mapped where it was");
	cr_assert(pte_write(tp_pte(t, p, a)));
	cr_assert_eq(ev(t, PGMIGRATE_FAIL), 1);
	cr_assert_eq(ev(t, PGMIGRATE_SUCCESS), 0);
	cr_assert(page_test(page, PG_lru) && !page_test(page, PG_locked), "put back");
	put_page(&t->k, page);
	char buf[8];
	cr_assert_eq(tp_read(t, p, a, buf, 7), 0);
	cr_assert_str_eq(buf, "pinned");
	tk_assert_consistent(t);
	tk_free(t);
}

Test(migrate, an_mlocked_page_moves_and_stays_locked)
{
	struct tk *t = tk_boot(64 << 20, 1);
	struct task_struct *p = tp_spawn(t, "locked", 0);
	uint64_t a = tp_mmap(t, p, PG, PROT_READ | PROT_WRITE, MAP_PRIVATE);
	cr_assert_eq(do_mlock(&t->k, p, a, PG, 0), 0);
	cr_assert_eq(tp_write(t, p, a, "L", 1), 0);
	struct page *old = page_at(t, p, a);
	cr_assert(page_test(old, PG_mlocked) && page_test(old, PG_unevictable));
	uint64_t mlocked = ev(t, UNEVICTABLE_PGMLOCKED), cleared = ev(t, UNEVICTABLE_PGCLEARED);
	int64_t nr_mlock = 0;
	for (int z = 0; z < MAX_NR_ZONES; z++)
		nr_mlock += t->k.node_data[0]->node_zones[z].vm_stat[NR_MLOCK];
	cr_assert_eq(migrate_va(t, p, a), 0);
	struct page *new = page_at(t, p, a);
	cr_assert_neq(new, old);
	cr_assert(page_test(new, PG_mlocked) && page_test(new, PG_unevictable) && page_test(new, PG_lru));
	int64_t after = 0;
	for (int z = 0; z < MAX_NR_ZONES; z++)
		after += t->k.node_data[0]->node_zones[z].vm_stat[NR_MLOCK];
	cr_assert_eq(after, nr_mlock, "Mlocked unchanged");
	cr_assert_eq(ev(t, UNEVICTABLE_PGMLOCKED), mlocked);
	cr_assert_eq(ev(t, UNEVICTABLE_PGCLEARED), cleared);
	tk_assert_consistent(t);
	tk_free(t);
}

Test(migrate, many_pages_move_in_one_call)
{
	struct tk *t = tk_boot(64 << 20, 1);
	struct task_struct *p = tp_spawn(t, "many", 0);
	const unsigned n = 600;                   /* more than one batch */
	uint64_t a = tp_mmap(t, p, n * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE);
	for (unsigned i = 0; i < n; i++)
		cr_assert_eq(tp_write(t, p, a + i * PG, &i, sizeof i), 0);
	struct page_list l;
	page_list_init(&l);
	uint64_t old[600];
	for (unsigned i = 0; i < n; i++) {
		old[i] = pte_pfn(tp_pte(t, p, a + i * PG));
		cr_assert(isolate_folio_to_list(&t->k, page_at(t, p, a + i * PG), &l));
	}
	unsigned ok;
	cr_assert_eq(migrate_pages(&t->k, &l, alloc_migration_target, NULL, 0, MIGRATE_ASYNC, MR_COMPACTION, &ok), 0);
	cr_assert_eq(ok, n);
	cr_assert(page_list_empty(&l));
	cr_assert_eq(ev(t, PGMIGRATE_SUCCESS), n);
	for (unsigned i = 0; i < n; i++) {
		unsigned v;
		cr_assert_neq(pte_pfn(tp_pte(t, p, a + i * PG)), old[i]);
		cr_assert_eq(tp_read(t, p, a + i * PG, &v, sizeof v), 0);
		cr_assert_eq(v, i);
	}
	tk_assert_consistent(t);
	tk_free(t);
}

Test(migrate, the_checker_catches_a_migration_entry_no_migration_holds)
{
	struct tk *t = tk_boot(64 << 20, 1);
	struct task_struct *p = tp_spawn(t, "forged", 0);
	uint64_t a = tp_mmap(t, p, PG, PROT_READ | PROT_WRITE, MAP_PRIVATE);
	cr_assert_eq(tp_write(t, p, a, "x", 1), 0);
	struct page *page = page_at(t, p, a);
	int err;
	pte_t *pte = pte_walk(&t->k, p->mm, a, false, &err);
	pte_t saved = *pte;
	*pte = swp_entry_to_pte(make_migration_entry(SWP_MIGRATION_WRITE, page_to_pfn(&t->k, page)));
	t->expect_bugs = true;
	cr_assert_geq(debug_vm_check(&t->k, NULL), 1, "an entry naming an unlocked page");
	cr_assert(tk_log_contains(t, "which no migration holds locked"));
	*pte = saved;
	cr_assert_eq(debug_vm_check(&t->k, NULL), 0);
	tk_free(t);
}

Test(migrate, mprotect_meanwhile_makes_the_entry_read_only)
{
	struct tk *t = tk_boot(64 << 20, 1);
	struct task_struct *p = tp_spawn(t, "mig", 0);
	uint64_t a = tp_mmap(t, p, PG, PROT_READ | PROT_WRITE, MAP_PRIVATE);
	cr_assert_eq(tp_write(t, p, a, "mprot", 6), 0);
	struct migrate_pending mp;
	unmap_va(t, p, a, &mp);
	cr_assert_eq(swp_type(pte_to_swp_entry(tp_pte(t, p, a))), SWP_MIGRATION_WRITE);
	cr_assert_eq(do_mprotect_pkey(&t->k, p, a, PG, PROT_READ), 0);
	cr_assert_eq(swp_type(pte_to_swp_entry(tp_pte(t, p, a))), SWP_MIGRATION_READ_EXCLUSIVE,
		     "no longer writable, still the process's own");
	cr_assert_eq(migrate_folio_move(&t->k, &mp), 0);
	cr_assert(!pte_write(tp_pte(t, p, a)), "comes back read-only");
	cr_assert_eq(tp_write(t, p, a, "x", 1), -EFAULT, "the write is refused: SIGSEGV");
	tk_assert_consistent(t);
	tk_free(t);
}

Test(migrate, a_page_read_ahead_into_the_swap_cache_moves_and_the_cache_follows)
{
	char why[128] = "";
	struct tk *t = tk_boot(64 << 20, 1);
	cr_assert_eq(sys_swapon(&t->k, 64 << 20, -1, NULL, why, sizeof why), 0, "%s", why);
	struct task_struct *p = tp_spawn(t, "ra", 0);
	uint64_t a = tp_mmap(t, p, PG, PROT_READ | PROT_WRITE, MAP_PRIVATE);
	cr_assert_eq(tp_write(t, p, a, "ahead", 6), 0);
	cr_assert_eq(do_madvise(&t->k, p, a, PG, MADV_PAGEOUT), 0);
	swp_entry_t e = pte_to_swp_entry(tp_pte(t, p, a));
	bool new_page;
	struct page *old = read_swap_cache_async(&t->k, e, GFP_HIGHUSER_MOVABLE, true, &new_page);
	cr_assert_not_null(old, "read ahead: in the swap cache, mapped nowhere");
	put_page(&t->k, old);
	cr_assert(page_test(old, PG_swapcache) && !old->mapcount && page_test(old, PG_lru));
	struct page_list l;
	unsigned ok;
	page_list_init(&l);
	cr_assert(isolate_folio_to_list(&t->k, old, &l));
	cr_assert_eq(migrate_pages(&t->k, &l, alloc_migration_target, NULL, 0, MIGRATE_SYNC, MR_COMPACTION, &ok), 0);
	struct page *cached = swap_cache_get_folio(&t->k, e);
	cr_assert(cached && cached != old, "the cache holds the new page");
	put_page(&t->k, cached);
	char buf[8];
	uint64_t maj = p->maj_flt;
	cr_assert_eq(tp_read(t, p, a, buf, 6), 0);
	cr_assert_str_eq(buf, "ahead");
	cr_assert_eq(p->maj_flt, maj, "a minor fault: found in the swap cache");
	cr_assert_eq(page_at(t, p, a), cached);
	tk_assert_consistent(t);
	tk_free(t);
}
