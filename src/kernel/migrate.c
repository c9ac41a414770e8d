/*
 * kernel/migrate.c — page migration (Linux: mm/migrate.c). See migrate.h.
 */
#include "kernel/migrate.h"

#include "common.h"

#include "kernel/fs.h"
#include "kernel/kernel.h"
#include "kernel/memcontrol.h"
#include "kernel/memory.h"
#include "kernel/mm.h"
#include "kernel/page_list.h"
#include "kernel/radix_tree.h"
#include "kernel/rmap.h"
#include "kernel/swap.h"
#include "kernel/swapops.h"
#include "kernel/trace.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* ---- isolation ------------------------------------------------------------------ */

/* The isolated-pages counter a page counts in (Linux: NR_ISOLATED_ANON +
 * folio_is_file_lru). */
static enum node_stat_item isolated_item(const struct page *page)
{
	return folio_is_file_lru(page) ? NR_ISOLATED_FILE : NR_ISOLATED_ANON;
}

/* See migrate.h. */
bool isolate_folio_to_list(struct kernel *k, struct page *page, struct page_list *list)
{
	if (page->flags & ((1u << PG_head) | (1u << PG_tail)) || !folio_isolate_lru(k, page))
		return false;
	mod_node_page_state(page_pgdat(k, page), isolated_item(page), 1);
	page_list_add_tail(k, list, page);
	return true;
}

/* See migrate.h. */
void putback_movable_pages(struct kernel *k, struct page_list *l)
{
	while (!page_list_empty(l)) {
		struct page *page = page_list_first(k, l);
		page_list_del(k, l, page);
		mod_node_page_state(page_pgdat(k, page), isolated_item(page), -1);
		folio_putback_lru(k, page);
	}
}

/* See migrate.h. */
struct page *alloc_migration_target(struct kernel *k, struct page *src, unsigned long private)
{
	int nid = private ? (int)private - 1 : page_to_nid(k, src);
	return alloc_pages_node(k, nid, (GFP_HIGHUSER_MOVABLE & ~__GFP_RECLAIM) | __GFP_NOWARN, 0);
}

/* ---- the in-flight list --------------------------------------------------------- */

static void pending_add(struct kernel *k, struct migrate_pending *mp)
{
	mp->next = k->migrate_pending;
	k->migrate_pending = mp;
}

static void pending_del(struct kernel *k, struct migrate_pending *mp)
{
	for (struct migrate_pending **pp = &k->migrate_pending; *pp; pp = &(*pp)->next)
		if (*pp == mp) {
			*pp = mp->next;
			return;
		}
}

static struct migrate_pending *pending_find(struct kernel *k, const struct page *src)
{
	struct migrate_pending *mp = k->migrate_pending;
	while (mp && mp->src != src)
		mp = mp->next;
	return mp;
}

/* ---- restoring the PTEs --------------------------------------------------------- */

struct remove_arg {
	struct kernel *k;
	uint64_t old_pfn;
	struct page *page;              /* the page the PTEs map now */
};

/* The PTE replacing a migration entry: the page's frame with the VMA's
 * protection, writable if the entry was, old unless it was young, dirty if
 * it was dirty (Linux: the new PTE of remove_migration_pte). */
static pte_t migration_entry_to_pte(struct kernel *k, struct vm_area_struct *vma, pte_t old,
				    const struct page *page)
{
	swp_entry_t entry = pte_to_swp_entry(old);
	pte_t pte = pte_wrprotect(pfn_pte(page_to_pfn(k, page), vm_get_page_prot(vma->vm_flags)));
	if (pte_swp_soft_dirty(old))
		pte |= _PAGE_SOFT_DIRTY;
	if (!is_migration_entry_young(entry, k->paging_levels))
		pte = pte_mkold(pte);
	if (page_test(page, PG_dirty) && is_migration_entry_dirty(entry, k->paging_levels))
		pte = pte_mkdirty(pte);
	if (is_writable_migration_entry(entry))
		pte = pte_mkwrite(pte);
	return pte;
}

/* One mapping's part of remove_migration_ptes (Linux: remove_migration_pte):
 * a migration entry naming the old frame becomes a PTE to the page, which
 * gains the mapping and a reference. */
static int remove_migration_pte(struct vm_area_struct *vma, uint64_t address, void *arg)
{
	struct remove_arg *ra = arg;
	struct kernel *k = ra->k;
	struct page *page = ra->page;
	int err;
	pte_t *ptep = pte_walk(k, vma->vm_mm, address, false, &err);

	if (!ptep || !is_migration_pte(*ptep) || migration_pte_pfn(k, *ptep) != ra->old_pfn)
		return 0;
	pte_t old = *ptep;
	swp_entry_t entry = pte_to_swp_entry(old);
	get_page(page);
	if (PageAnon(page)) {
		folio_add_anon_rmap_pte(k, page, vma, is_writable_migration_entry(entry) ||
						      is_readable_exclusive_migration_entry(entry));
	} else {
		folio_add_file_rmap_pte(k, page);
		if ((vma->vm_flags & (VM_LOCKED | VM_SPECIAL)) == VM_LOCKED)
			mlock_folio(k, page);
	}
	*ptep = migration_entry_to_pte(k, vma, old, page);
	trace_kernel(k, k->this_cpu, "PTE at %#llx = %#llx: pfn %#llx again present",
		     (unsigned long long)address, (unsigned long long)*ptep,
		     (unsigned long long)page_to_pfn(k, page));
	return 0;
}

/* See migrate.h. */
void remove_migration_ptes(struct kernel *k, struct page *src, struct page *dst)
{
	struct remove_arg ra = { k, page_to_pfn(k, src), dst };
	if (page_owner_pa(dst))
		rmap_walk(k, dst, remove_migration_pte, &ra);
}

/* See migrate.h. */
uint64_t migration_pte_pfn(const struct kernel *k, pte_t pte)
{
	return swp_offset_pfn(pte_to_swp_entry(pte), k->paging_levels);
}

/* ---- moving the contents -------------------------------------------------------- */

/* References src may hold beyond the isolation's once unmapped: its
 * mapping's (page cache or swap cache) (Linux: folio_expected_ref_count). */
static int folio_expected_ref_count(const struct page *src)
{
	return page_test(src, PG_swapcache) || (page_owner_pa(src) && !PageAnon(src)) ? 1 : 0;
}

/* Move one page of node counter item from src's node to dst's. */
static void move_node_stat(struct kernel *k, const struct page *src, const struct page *dst, enum node_stat_item item)
{
	mod_node_page_state(page_pgdat(k, src), item, -1);
	mod_node_page_state(page_pgdat(k, dst), item, 1);
}

/* A mapping's counters follow a page that changes node: page cache, swap
 * cache, shmem, dirty file pages (Linux: __folio_migrate_mapping, when
 * the zone changes). */
static void migrate_mapping_stats(struct kernel *k, const struct page *dst, const struct page *src)
{
	if (page_to_nid(k, src) == page_to_nid(k, dst))
		return;
	move_node_stat(k, src, dst, NR_FILE_PAGES);
	if (page_test(src, PG_swapcache))
		move_node_stat(k, src, dst, NR_SWAPCACHE);
	else if (page_test(src, PG_swapbacked))
		move_node_stat(k, src, dst, NR_SHMEM);
	else if (page_test(src, PG_dirty) && page_inode(k, src) && page_inode(k, src)->kind == FILE_EXT4)
		move_node_stat(k, src, dst, NR_FILE_DIRTY);
}

/* Give dst src's place in its mapping: the page-cache or swap-cache slot,
 * the owner and index, and the mapping's reference (Linux:
 * __folio_migrate_mapping); the mapping's counters move to dst's node. */
static void folio_migrate_mapping(struct kernel *k, struct page *dst, struct page *src)
{
	dst->mapping = src->mapping;
	dst->private = src->private;
	if (!folio_expected_ref_count(src))
		return;
	migrate_mapping_stats(k, dst, src);
	if (page_test(src, PG_swapcache)) {
		__swap_cache_replace_folio(k, src, dst);
		page_set(dst, PG_swapcache);
	} else {
		struct inode *inode = page_inode(k, src);
		radix_tree_replace(&inode->i_data.i_pages, page_index(src), dst);
	}
	get_page(dst);
	put_page(k, src);
}

/* The page flags that travel (Linux: folio_migrate_flags); an mlocked page
 * stays mlocked without being counted again; src keeps none of them. */
static void folio_migrate_flags(struct kernel *k, struct page *dst, struct page *src)
{
	static const enum pageflags moved[] = {
		PG_referenced, PG_uptodate, PG_dirty, PG_active, PG_unevictable, PG_workingset,
		PG_swapbacked, PG_readahead,
	};
	for (unsigned i = 0; i < ARRAY_SIZE(moved); i++)
		if (page_test(src, moved[i]))
			page_set(dst, moved[i]);
	if (page_test(src, PG_mlocked)) {
		page_set(dst, PG_mlocked);
		mod_zone_page_state(page_zone(k, src), NR_MLOCK, -1);
		mod_zone_page_state(page_zone(k, dst), NR_MLOCK, 1);
	}
	src->flags &= PAGE_ORDER_MASK | (1u << PG_locked);
	src->mapping = 0;
	src->private = 0;
}

/* Copy, move the mapping and the flags (Linux: migrate_folio, the
 * address_space operation of anonymous, shmem and page-cache folios
 * alike). -EAGAIN when someone holds a reference migration cannot move. */
static int migrate_folio(struct kernel *k, struct page *dst, struct page *src)
{
	if (page_ref_count(src) != 1 + folio_expected_ref_count(src))
		return -EAGAIN;
	memcpy(page_address(k, dst), page_address(k, src), PAGE_SIZE);    /* folio_mc_copy */
	mem_cgroup_migrate(k, src, dst);    /* first: the mapping's stats follow the cgroup */
	folio_migrate_mapping(k, dst, src);
	folio_migrate_flags(k, dst, src);
	return MIGRATEPAGE_SUCCESS;
}

/* ---- one folio ------------------------------------------------------------------ */

static void folio_unlock(struct page *page)
{
	page_clear(page, PG_locked);
}

/* See migrate.h. */
int migrate_folio_unmap(struct kernel *k, struct page *src, struct page *dst, free_folio_t *put_new_folio,
			unsigned long private, enum migrate_mode mode, enum migrate_reason reason,
			struct migrate_pending *mp)
{
	if (src->flags & ((1u << PG_head) | (1u << PG_tail) | (1u << PG_writeback)))
		return -EBUSY;
	if (page_test(src, PG_locked))
		return -EAGAIN;
	*mp = (struct migrate_pending){ .src = src, .dst = dst, .reason = reason,
					.put_new_folio = put_new_folio, .private = private };
	page_set(src, PG_locked);
	page_set(dst, PG_locked);
	if (PageAnon(src))
		mp->anon_vma = folio_get_anon_vma(k, src);
	if (page_owner_pa(src) && src->mapcount) {
		trace_kernel(k, k->this_cpu, "pfn %#llx: locked, its %d mapping(s) replaced by migration entries",
			     (unsigned long long)page_to_pfn(k, src), src->mapcount);
		try_to_migrate(k, src, mode == MIGRATE_ASYNC);
		mp->was_mapped = true;
	}
	if (src->mapcount) {
		if (mp->was_mapped)
			remove_migration_ptes(k, src, src);
		folio_unlock(dst);
		folio_unlock(src);
		put_anon_vma(k, mp->anon_vma);
		return -EAGAIN;
	}
	pending_add(k, mp);
	return 0;
}

/* See migrate.h. */
int migrate_folio_move(struct kernel *k, struct migrate_pending *mp)
{
	struct page *src = mp->src, *dst = mp->dst;

	if (mp->done)
		return mp->rc;
	pending_del(k, mp);
	mp->done = true;
	try_to_unmap_flush(k);                /* the batch's flush, if not done yet */
	mp->rc = migrate_folio(k, dst, src);
	if (mp->rc) {
		if (mp->was_mapped)
			remove_migration_ptes(k, src, src);
		folio_unlock(src);
		folio_unlock(dst);
		if (mp->put_new_folio)
			mp->put_new_folio(k, dst, mp->private);
		else
			put_page(k, dst);
	} else {
		trace_kernel(k, k->this_cpu, "pfn %#llx copied to pfn %#llx", (unsigned long long)page_to_pfn(k, src),
			     (unsigned long long)page_to_pfn(k, dst));
		folio_add_lru(k, dst);
		if (mp->was_mapped)
			remove_migration_ptes(k, src, dst);
		folio_unlock(dst);
		put_page(k, dst);                 /* the allocation's: the mappings hold it now */
		mod_node_page_state(page_pgdat(k, src), folio_is_file_lru(dst) ? NR_ISOLATED_FILE : NR_ISOLATED_ANON, -1);
		folio_unlock(src);
		put_page(k, src);                 /* the isolation's, the last: src is free */
	}
	put_anon_vma(k, mp->anon_vma);
	return mp->rc;
}

/* ---- waiting --------------------------------------------------------------------- */

/* See migrate.h. */
bool migration_entry_wait(struct kernel *k, struct mm_struct *mm, uint64_t address, pte_t *pte)
{
	(void)mm;
	if (!is_migration_pte(*pte))
		return true;                      /* done meanwhile: retry */
	uint64_t pfn = migration_pte_pfn(k, *pte);
	struct migrate_pending *mp = pfn_valid(k, pfn) ? pending_find(k, pfn_to_page(k, pfn)) : NULL;
	if (!mp) {
		kernel_bug(k, "migration_entry_wait: PTE %#llx at %#llx names pfn %#llx, which no migration holds",
			   (unsigned long long)*pte, (unsigned long long)address, (unsigned long long)pfn);
		return false;
	}
	trace_kernel(k, k->this_cpu, "page %#llx is being migrated from pfn %#llx: wait until it is unlocked",
		     (unsigned long long)address, (unsigned long long)pfn);
	migrate_folio_move(k, mp);
	return true;
}

/* ---- many folios ---------------------------------------------------------------- */

struct migrate_batch {
	struct migrate_pending mp[NR_MAX_BATCHED_MIGRATION];
	int nr;
};

/* Unmap up to NR_MAX_BATCHED_MIGRATION pages of from into b; a page that
 * cannot move now (-EAGAIN) goes to retry, one that cannot move at all to
 * failed (Linux: the first loop of migrate_pages_batch). -ENOMEM when no
 * target could be had (the page stays on from). */
static int migrate_unmap_batch(struct kernel *k, struct page_list *from, struct page_list *retry,
			       struct page_list *failed, new_folio_t *get_new_folio, free_folio_t *put_new_folio,
			       unsigned long private, enum migrate_mode mode, enum migrate_reason reason,
			       struct migrate_batch *b, unsigned *nr_succeeded)
{
	while (b->nr < NR_MAX_BATCHED_MIGRATION && !page_list_empty(from)) {
		struct page *src = page_list_first(k, from);
		if (page_ref_count(src) == 1 && !page_test(src, PG_locked)) {
			/* freed under us: only the isolation holds it (Linux counts it done) */
			page_list_del(k, from, src);
			mod_node_page_state(page_pgdat(k, src), isolated_item(src), -1);
			page_clear(src, PG_active);
			page_clear(src, PG_unevictable);
			put_page(k, src);
			(*nr_succeeded)++;
			continue;
		}
		struct page *dst = get_new_folio(k, src, private);
		if (!dst) {
			/* no target: this one failed, the rest are not tried */
			page_list_del(k, from, src);
			page_list_add_tail(k, failed, src);
			return -ENOMEM;
		}
		page_list_del(k, from, src);
		int rc = migrate_folio_unmap(k, src, dst, put_new_folio, private, mode, reason, &b->mp[b->nr]);
		if (!rc) {
			b->nr++;
			continue;
		}
		if (put_new_folio)
			put_new_folio(k, dst, private);
		else
			put_page(k, dst);
		page_list_add_tail(k, rc == -EAGAIN ? retry : failed, src);
	}
	return 0;
}

/* Move every folio of b (Linux: the second loop of migrate_pages_batch). */
static void migrate_move_batch(struct kernel *k, struct migrate_batch *b, struct page_list *retry,
			       unsigned *nr_succeeded)
{
	try_to_unmap_flush(k);
	for (int i = 0; i < b->nr; i++) {
		int rc = migrate_folio_move(k, &b->mp[i]);
		if (!rc)
			(*nr_succeeded)++;
		else
			page_list_add_tail(k, retry, b->mp[i].src);
	}
	b->nr = 0;
}

/* Append every page of l to the tail of to. */
static void page_list_splice_tail(struct kernel *k, struct page_list *l, struct page_list *to)
{
	while (!page_list_empty(l)) {
		struct page *page = page_list_first(k, l);
		page_list_del(k, l, page);
		page_list_add_tail(k, to, page);
	}
}

/* See migrate.h. */
int migrate_pages(struct kernel *k, struct page_list *from, new_folio_t *get_new_folio,
		  free_folio_t *put_new_folio, unsigned long private, enum migrate_mode mode,
		  enum migrate_reason reason, unsigned *nr_succeeded)
{
	struct migrate_batch *b = calloc(1, sizeof *b);
	struct page_list retry, failed;
	unsigned succeeded = 0;
	int err = 0;

	if (!b)
		return -ENOMEM;
	page_list_init(&failed);
	for (int pass = 0; pass < NR_MAX_MIGRATE_PAGES_RETRY && !err && !page_list_empty(from); pass++) {
		page_list_init(&retry);
		while (!page_list_empty(from) && !err) {
			err = migrate_unmap_batch(k, from, &retry, &failed, get_new_folio, put_new_folio, private,
						  mode, reason, b, &succeeded);
			migrate_move_batch(k, b, &retry, &succeeded);
		}
		page_list_splice_tail(k, &retry, from);
	}
	unsigned nr_failed = 0;
	for_each_list_pfn(k, failed, pfn)
		nr_failed++;
	if (!err)
		for_each_list_pfn(k, *from, pfn)
			nr_failed++;             /* still busy after the last pass */
	page_list_splice_tail(k, &failed, from);
	free(b);
	k->vm_events[PGMIGRATE_SUCCESS] += succeeded;
	k->vm_events[PGMIGRATE_FAIL] += nr_failed;
	if (nr_succeeded)
		*nr_succeeded = succeeded;
	return err ? err : (int)nr_failed;
}

/* ---- one page of a process, on request ------------------------------------------ */

/* See migrate.h. */
int migrate_page_at(struct kernel *k, struct mm_struct *mm, uint64_t addr, uint64_t *new_pfn)
{
	int err;
	struct vm_area_struct *vma = vma_lookup(mm, addr);
	pte_t *pte = vma ? pte_walk(k, mm, addr & PAGE_MASK, false, &err) : NULL;
	struct page *page = pte && pte_present(*pte) ? vm_normal_page(k, *pte) : NULL;
	struct page_list l;

	if (!page)
		return -EFAULT;
	page_list_init(&l);
	if (!isolate_folio_to_list(k, page, &l))
		return -EBUSY;
	trace_kernel(k, k->this_cpu, "page %#llx: pfn %#llx isolated from its LRU, to be moved",
		     (unsigned long long)(addr & PAGE_MASK), (unsigned long long)page_to_pfn(k, page));
	int rc = migrate_pages(k, &l, alloc_migration_target, NULL, 0, MIGRATE_SYNC, MR_SYSCALL, NULL);
	putback_movable_pages(k, &l);
	if (rc)
		return rc < 0 ? rc : -EBUSY;
	pte = pte_walk(k, mm, addr & PAGE_MASK, false, &err);
	*new_pfn = pte && pte_present(*pte) ? pte_pfn(*pte) : 0;
	return 0;
}
