/*
 * kernel/migrate.h — page migration (Linux: include/linux/migrate.h,
 * mm/migrate.c): moving the contents of an in-use page to another frame
 * while its users keep running.
 *
 * Callers isolate the pages to move from the LRU onto a list
 * (isolate_folio_to_list), then migrate_pages moves them: for each, a new
 * frame from the caller's allocator, the page locked, every PTE that maps
 * it replaced through the rmap by a migration entry naming the old frame
 * (try_to_migrate, kernel/rmap.h), the TLBs flushed, the bytes copied, the
 * page's place in its mapping (page cache, shmem, swap cache) and its flags
 * moved over, and each migration entry replaced by a PTE to the new frame
 * with the access it had (remove_migration_ptes). The old frame is freed.
 * An access in the meantime faults on the migration entry and waits for
 * the page to be unlocked (migration_entry_wait); the process never sees
 * anything but its bytes, now in another frame. Compaction (kernel/
 * compaction.c) uses it to empty pageblocks; NUMA placement will use it to
 * move pages between nodes.
 *
 * Only order-0 folios move: a compound page is refused (-EBUSY) and left
 * where it is.
 */
#ifndef MMSIM_KERNEL_MIGRATE_H
#define MMSIM_KERNEL_MIGRATE_H

#include <stdbool.h>
#include <stdint.h>

#include "kernel/pgtable.h"

struct kernel;
struct page;
struct page_list;
struct mm_struct;

/* How hard to try (Linux: enum migrate_mode). ASYNC neither waits for a
 * locked page nor flushes TLBs one by one (it batches the flush). */
enum migrate_mode { MIGRATE_ASYNC, MIGRATE_SYNC_LIGHT, MIGRATE_SYNC };

/* Why pages move (Linux: enum migrate_reason). */
enum migrate_reason {
	MR_COMPACTION, MR_MEMORY_FAILURE, MR_MEMORY_HOTPLUG, MR_SYSCALL, MR_MEMPOLICY_MBIND,
	MR_NUMA_MISPLACED, MR_CONTIG_RANGE, MR_LONGTERM_PIN, MR_DEMOTION, MR_DAMON, MR_TYPES
};

#define MIGRATEPAGE_SUCCESS        0
#define NR_MAX_MIGRATE_PAGES_RETRY 10
#define NR_MAX_BATCHED_MIGRATION   512    /* HPAGE_PMD_NR */

/* The caller's allocator of target frames, and how to give back one that
 * was not used (Linux: new_folio_t, free_folio_t). private is the caller's. */
typedef struct page *new_folio_t(struct kernel *k, struct page *src, unsigned long private);
typedef void free_folio_t(struct kernel *k, struct page *dst, unsigned long private);

/*
 * One folio between its unmap and its move: locked, its PTEs migration
 * entries (Linux keeps this in dst->private: __migrate_folio_record). While
 * unmapped it is on the kernel's list of migrations in flight, where a
 * fault that meets one of its migration entries finds it.
 */
struct migrate_pending {
	struct page *src, *dst;
	struct anon_vma *anon_vma;        /* held so the rmap outlives the unmap */
	bool was_mapped;                  /* PAGE_WAS_MAPPED: restore its PTEs */
	bool done;                        /* moved (by a waiter) already */
	int rc;                           /* the move's result, once done */
	enum migrate_reason reason;
	free_folio_t *put_new_folio;      /* returns dst if the move fails */
	unsigned long private;
	struct migrate_pending *next;     /* in k->migrate_pending */
};

/*
 * Migrate the isolated pages on from (linked through lru_next/lru_prev,
 * each holding the reference its isolation took), getting each target from
 * get_new_folio (put_new_folio, or put_page when NULL, returns an unused
 * one). Pages are unmapped in batches of up to NR_MAX_BATCHED_MIGRATION,
 * with one TLB flush per batch, then moved; a page that is busy (-EAGAIN:
 * an unexpected reference) is tried again up to NR_MAX_MIGRATE_PAGES_RETRY
 * times. Pages that could not be moved stay on from, still isolated: the
 * caller puts them back (putback_movable_pages). Counts pgmigrate_success
 * and pgmigrate_fail per page. Returns the number of pages not migrated,
 * or -ENOMEM when no target could be allocated (the rest stay on from);
 * *nr_succeeded (may be NULL) gets the number moved. Linux: migrate_pages.
 */
int migrate_pages(struct kernel *k, struct page_list *from, new_folio_t *get_new_folio,
		  free_folio_t *put_new_folio, unsigned long private, enum migrate_mode mode,
		  enum migrate_reason reason, unsigned *nr_succeeded);

/* Take page off its LRU onto list, with a reference (Linux:
 * isolate_folio_to_list). False when it is not on an LRU (free, a kernel
 * page, already isolated) or is a compound page. */
bool isolate_folio_to_list(struct kernel *k, struct page *page, struct page_list *list);

/* Put every page of l back on its LRU and drop the isolation's reference
 * (Linux: putback_movable_pages). */
void putback_movable_pages(struct kernel *k, struct page_list *l);

/* The default target: a page of the same kind (movable, from any zone the
 * source's allows), no reclaim, on node private - 1 first, or with
 * private 0 on the source's node, falling back by distance (Linux:
 * alloc_migration_target and its migration_target_control's nid). */
struct page *alloc_migration_target(struct kernel *k, struct page *src, unsigned long private);

/*
 * The two halves of migrating one folio, for migrate_pages and for tests
 * that act between them (a "concurrent" access).
 * migrate_folio_unmap: lock src, replace its PTEs by migration entries and
 * record the folio in mp (on the in-flight list), with how to give dst
 * back. 0, or -EAGAIN (locked, still mapped after the walk), -EBUSY (under
 * writeback, compound); on an error nothing is changed and dst is not used.
 * migrate_folio_move: copy src into dst, move the mapping and flags, remap
 * every migration entry to dst, free src; on failure (-EAGAIN: an
 * unexpected reference) the PTEs go back to src, which stays isolated, and
 * dst is given back (put_new_folio, or put_page). Returns mp->rc (a move done
 * already by a waiter returns its result).
 */
int migrate_folio_unmap(struct kernel *k, struct page *src, struct page *dst, free_folio_t *put_new_folio,
			unsigned long private, enum migrate_mode mode, enum migrate_reason reason,
			struct migrate_pending *mp);
int migrate_folio_move(struct kernel *k, struct migrate_pending *mp);

/*
 * A fault met a migration entry in the PTE at address of mm: wait until the
 * page is unlocked, then return so that the access is retried (Linux:
 * migration_entry_wait). The simulated kernel runs one CPU at a time: the
 * CPU migrating the page finishes its move meanwhile (migrate_folio_move),
 * which is what the waiter would see. False when the entry names a page
 * no migration holds (a broken entry: reported).
 */
bool migration_entry_wait(struct kernel *k, struct mm_struct *mm, uint64_t address, pte_t *pte);

/* Restore the migration entries of src to PTEs mapping dst (src itself
 * when a migration is undone) (Linux: remove_migration_ptes). */
void remove_migration_ptes(struct kernel *k, struct page *src, struct page *dst);

/* The page frame a migration-entry PTE names, for the views and the
 * checker. */
uint64_t migration_pte_pfn(const struct kernel *k, pte_t pte);

/*
 * Migrate the page mapped at addr of mm to a new frame (a debugging aid,
 * behind mmsim_migrate_page: Linux moves a process's pages by compaction,
 * NUMA balancing or move_pages(2) to another node, which a one-node
 * machine cannot ask for). 0 and *new_pfn; -EFAULT when addr maps no
 * ordinary page (nothing, the zero page, a special mapping), -EBUSY when
 * the page cannot move now (not on an LRU: compound or isolated; an extra
 * reference), -ENOMEM when no frame is free.
 */
int migrate_page_at(struct kernel *k, struct mm_struct *mm, uint64_t addr, uint64_t *new_pfn);

#endif
