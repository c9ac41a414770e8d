/*
 * kernel/workingset.c — refault detection (Linux: mm/workingset.c, without
 * MGLRU). See swap.h.
 *
 * Each lruvec has a clock, nonresident_age, that ticks on every eviction
 * and activation. An evicted page leaves a shadow entry in its slot: the
 * clock's reading, and whether it was part of the working set (active once).
 * When it is read back, the clock has moved on by the refault distance:
 * the pages evicted or activated since. Had the page had that much more
 * room it would have stayed, so when the distance fits in the memory the
 * page competes for, it comes back straight onto the active list
 * (workingset_activate), and when it was in the working set before, that
 * is a working-set restore. The shadow here is 31 bits: one for the
 * working-set flag, 30 of clock in buckets of 2^bucket_order evictions.
 */
#include "kernel/swap.h"

#include "kernel/kernel.h"
#include "kernel/memcontrol.h"

#define WORKINGSET_SHIFT 1
#define EVICTION_BITS    30
#define EVICTION_MASK    ((1ULL << EVICTION_BITS) - 1)
#define SHADOW_TAG       (1U << 31)     /* a shadow is never 0 */

/* See swap.h. */
void workingset_init(struct kernel *k)
{
	unsigned max_order = 0;
	while (max_order < 64 && (1ULL << max_order) < k->totalram_pages)
		max_order++;
	k->swap.bucket_order = max_order > EVICTION_BITS ? max_order - EVICTION_BITS : 0;
}

/* See swap.h. */
void workingset_age_nonresident(struct lruvec *lruvec, uint64_t nr)
{
	lruvec->nonresident_age += nr;
}

/* See swap.h. */
uint32_t workingset_eviction(struct kernel *k, struct page *page)
{
	struct lruvec *lruvec = node_lruvec(k);
	uint64_t eviction = (lruvec->nonresident_age >> k->swap.bucket_order) & EVICTION_MASK;
	workingset_age_nonresident(lruvec, 1);
	return SHADOW_TAG | (uint32_t)(eviction << WORKINGSET_SHIFT) | page_test(page, PG_workingset);
}

/* Was the page of shadow evicted recently enough to come back active
 * (Linux: workingset_test_recent)? *workingset gets its flag. The memory
 * it competes for: the active file list (and the inactive one, for an
 * anonymous page), and with swap, the active anon list (and the inactive
 * one, for a file page). */
static bool workingset_test_recent(struct kernel *k, uint32_t shadow, bool file, bool *workingset)
{
	struct lruvec *lruvec = node_lruvec(k);
	struct pglist_data *pgdat = lruvec->pgdat;
	uint64_t eviction = ((shadow & ~SHADOW_TAG) >> WORKINGSET_SHIFT) << k->swap.bucket_order;
	uint64_t refault_distance = (lruvec->nonresident_age - eviction) & EVICTION_MASK;
	uint64_t size = node_page_state_pages(pgdat, NR_ACTIVE_FILE);

	*workingset = shadow & 1;
	if (!file)
		size += node_page_state_pages(pgdat, NR_INACTIVE_FILE);
	if (get_nr_swap_pages(k) > 0) {
		size += node_page_state_pages(pgdat, NR_ACTIVE_ANON);
		if (file)
			size += node_page_state_pages(pgdat, NR_INACTIVE_ANON);
	}
	return refault_distance <= size;
}

/* See swap.h. */
void workingset_refault(struct kernel *k, struct page *page, uint32_t shadow)
{
	bool file = folio_is_file_lru(page), workingset;

	__lruvec_stat_mod_folio(k, page, file ? WORKINGSET_REFAULT_FILE : WORKINGSET_REFAULT_ANON, 1);
	if (!workingset_test_recent(k, shadow, file, &workingset))
		return;
	page_set(page, PG_active);
	workingset_age_nonresident(node_lruvec(k), 1);
	__lruvec_stat_mod_folio(k, page, file ? WORKINGSET_ACTIVATE_FILE : WORKINGSET_ACTIVATE_ANON, 1);
	if (workingset) {
		page_set(page, PG_workingset);
		lru_note_cost(k, node_lruvec(k), file, 1, 0);    /* lru_note_cost_refault */
		__lruvec_stat_mod_folio(k, page, file ? WORKINGSET_RESTORE_FILE : WORKINGSET_RESTORE_ANON, 1);
	}
}
