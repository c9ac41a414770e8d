/*
 * kernel/swapfile.c — swap devices and their slots (Linux: mm/swapfile.c).
 * See swap.h.
 *
 * A device is an array of page-sized slots; slot 0 holds mkswap's header.
 * Slots come in clusters of 512, each on one of the device's lists: free,
 * nonfull, full (Linux 6.18's allocator). An allocation first tries the
 * slot after the one this CPU took last (the per-CPU cluster hint, for
 * solid-state devices; a rotational one shares a single hint), then the
 * first nonfull cluster, then a free one, so a CPU fills one cluster in
 * ascending order. Each slot has a count in the swap map: the PTEs and
 * shmem entries that name it, and SWAP_HAS_CACHE while the swap cache
 * holds its page; a slot whose count drops to 0 is free. The bytes live in
 * a sparse host mapping the size of the device (its medium, hw/ram.h's
 * ram_reserve, host huge pages where the host allows: one host fault per
 * cluster), touched when a page of a cluster is first written and offered
 * back (ram_discard) when the cluster is free again, so a large device
 * costs the host only what is swapped out.
 */
#include "kernel/swap.h"

#include "kernel/fork.h"
#include "kernel/fs.h"
#include "kernel/kernel.h"
#include "kernel/memcontrol.h"
#include "kernel/memory.h"
#include "kernel/mm.h"
#include "kernel/pgtable.h"
#include "kernel/rmap.h"
#include "kernel/sched.h"
#include "kernel/swapops.h"
#include "kernel/trace.h"
#include "common.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The device presets: NVMe-like (the default), a disk, compressed RAM. */
static const struct swap_device_cost device_presets[] = {
	{ "nvme", 80000, 30000, 3000 },
	{ "hdd", 8000000, 8000000, 150 },
	{ "zram", 2000, 6000, 8000 },
};

/* See swap.h. */
const struct swap_device_cost *swap_device_preset(const char *model)
{
	for (size_t i = 0; i < ARRAY_SIZE(device_presets); i++)
		if (model && !strcmp(model, device_presets[i].model))
			return &device_presets[i];
	return NULL;
}

/* See swap.h. */
int swap_init(struct kernel *k)
{
	struct swap_state *ss = &k->swap;
	ss->least_priority = -1;
	ss->vma_ra_enabled = true;
	ss->default_cost = device_presets[0];
	ss->percpu = calloc((size_t)k->nr_cpus, sizeof *ss->percpu);
	if (!ss->percpu)
		return -ENOMEM;
	for (int c = 0; c < k->nr_cpus; c++)
		ss->percpu[c].type = -1;
	k->sysctl.swappiness = 60;
	k->sysctl.page_cluster = 3;
	workingset_init(k);
	return 0;
}

/* See swap.h. */
uint64_t get_nr_swap_pages(const struct kernel *k)
{
	return k->swap.nr_swap_pages > 0 ? (uint64_t)k->swap.nr_swap_pages : 0;
}

/* See swap.h. */
uint64_t total_swap_pages(const struct kernel *k)
{
	return k->swap.total_swap_pages;
}

/* See swap.h. */
bool vm_swap_full(const struct kernel *k)
{
	return (uint64_t)k->swap.nr_swap_pages * 2 < k->swap.total_swap_pages;
}

/* See swap.h. */
uint64_t swap_usage_in_pages(const struct swap_info_struct *si)
{
	return si->inuse_pages;
}

/* See swap.h. */
struct swap_info_struct *swp_swap_info(struct kernel *k, swp_entry_t entry)
{
	unsigned type = swp_type(entry);
	struct swap_info_struct *si = type < MAX_SWAPFILES ? k->swap.swap_info[type] : NULL;
	if (!si || !(si->flags & SWP_USED) || swp_offset(entry) >= si->max)
		return NULL;
	return si;
}

/* ---- cluster lists ---------------------------------------------------------- */

static struct swap_cluster_info *cluster_at(struct swap_info_struct *si, uint64_t offset)
{
	return &si->cluster_info[offset / SWAPFILE_CLUSTER];
}

static uint32_t cluster_index(const struct swap_info_struct *si, const struct swap_cluster_info *ci)
{
	return (uint32_t)(ci - si->cluster_info);
}

/* The list a cluster with flags sits on, or NULL for none. */
static struct cluster_list *flag_list(struct swap_info_struct *si, uint8_t flags)
{
	switch (flags) {
	case CLUSTER_FLAG_FREE: return &si->free_clusters;
	case CLUSTER_FLAG_NONFULL: return &si->nonfull_clusters;
	case CLUSTER_FLAG_FRAG: return &si->frag_clusters;
	case CLUSTER_FLAG_FULL: return &si->full_clusters;
	}
	return NULL;
}

static void cluster_list_del(struct swap_info_struct *si, struct cluster_list *l, struct swap_cluster_info *ci)
{
	if (ci->prev != CLUSTER_NIL)
		si->cluster_info[ci->prev].next = ci->next;
	else
		l->head = ci->next;
	if (ci->next != CLUSTER_NIL)
		si->cluster_info[ci->next].prev = ci->prev;
	else
		l->tail = ci->prev;
	ci->next = ci->prev = CLUSTER_NIL;
	l->nr--;
}

static void cluster_list_add_tail(struct swap_info_struct *si, struct cluster_list *l, struct swap_cluster_info *ci)
{
	uint32_t idx = cluster_index(si, ci);
	ci->next = CLUSTER_NIL;
	ci->prev = l->tail;
	if (l->tail != CLUSTER_NIL)
		si->cluster_info[l->tail].next = idx;
	else
		l->head = idx;
	l->tail = idx;
	l->nr++;
}

/* Move ci to the tail of the list of new_flags (Linux: move_cluster). */
static void move_cluster(struct swap_info_struct *si, struct swap_cluster_info *ci, uint8_t new_flags)
{
	struct cluster_list *from = flag_list(si, ci->flags), *to = flag_list(si, new_flags);
	if (from)
		cluster_list_del(si, from, ci);
	if (to)
		cluster_list_add_tail(si, to, ci);
	ci->flags = new_flags;
}

/* A cluster whose last slot was freed: back on the free list, its swap
 * table and bytes released (Linux: free_cluster, swap_cluster_free_table). */
static void free_cluster(struct swap_info_struct *si, struct swap_cluster_info *ci)
{
	move_cluster(si, ci, CLUSTER_FLAG_FREE);
	free(ci->table);
	ci->table = NULL;
	if (ci->data) {
		ram_discard(&si->medium, (uint64_t)(ci->data - si->medium.base), SWAPFILE_CLUSTER * PAGE_SIZE);
		ci->data = NULL;
		si->nr_chunks--;
	}
}

/* Put ci on the list its count calls for (Linux: relocate_cluster). */
static void relocate_cluster(struct swap_info_struct *si, struct swap_cluster_info *ci)
{
	if (!ci->count) {
		if (ci->flags != CLUSTER_FLAG_FREE)
			free_cluster(si, ci);
	} else if (ci->count != SWAPFILE_CLUSTER) {
		if (ci->flags != CLUSTER_FLAG_FRAG)
			move_cluster(si, ci, CLUSTER_FLAG_NONFULL);
	} else if (ci->flags != CLUSTER_FLAG_FULL) {
		move_cluster(si, ci, CLUSTER_FLAG_FULL);
	}
}

/* Take the first cluster of l off it, with a swap table (Linux:
 * isolate_lock_cluster, which allocates the table for a free cluster). NULL
 * when l is empty or the host has no memory for the table. */
static struct swap_cluster_info *isolate_cluster(struct swap_info_struct *si, struct cluster_list *l)
{
	if (l->head == CLUSTER_NIL)
		return NULL;
	struct swap_cluster_info *ci = &si->cluster_info[l->head];
	if (!ci->table && !(ci->table = calloc(SWAPFILE_CLUSTER, sizeof *ci->table)))
		return NULL;
	move_cluster(si, ci, CLUSTER_FLAG_NONE);
	return ci;
}

/* ---- the usable devices, by priority ------------------------------------------ */

/* Put type on the avail list after the devices of higher or equal
 * priority (Linux: add_to_avail_list's plist_add). */
static void add_to_avail_list(struct kernel *k, int type)
{
	struct swap_state *ss = &k->swap;
	short prio = ss->swap_info[type]->prio;
	int i = ss->nr_avail;
	while (i > 0 && ss->swap_info[ss->avail[i - 1]]->prio < prio) {
		ss->avail[i] = ss->avail[i - 1];
		i--;
	}
	ss->avail[i] = type;
	ss->nr_avail++;
}

/* Take type off the avail list (Linux: del_from_avail_list). */
static void del_from_avail_list(struct kernel *k, int type)
{
	struct swap_state *ss = &k->swap;
	for (int i = 0; i < ss->nr_avail; i++)
		if (ss->avail[i] == type) {
			memmove(&ss->avail[i], &ss->avail[i + 1], (size_t)(ss->nr_avail - i - 1) * sizeof ss->avail[0]);
			ss->nr_avail--;
			return;
		}
}

/* After an allocation from type: move it behind the other devices of its
 * priority, so equal priorities take turns (Linux: plist_requeue). */
static void requeue_avail(struct kernel *k, int type)
{
	del_from_avail_list(k, type);
	add_to_avail_list(k, type);
}

/* ---- allocating and freeing slots --------------------------------------------- */

/* n slots of si were taken (Linux: swap_range_alloc): a full device stops
 * being offered. */
static void swap_range_alloc(struct kernel *k, struct swap_info_struct *si, uint64_t n)
{
	si->inuse_pages += n;
	k->swap.nr_swap_pages -= (int64_t)n;
	if (si->inuse_pages == si->pages)
		del_from_avail_list(k, si->type);
}

/* n slots of si are free again (Linux: swap_range_free). */
static void swap_range_free(struct kernel *k, struct swap_info_struct *si, uint64_t n)
{
	if (si->inuse_pages == si->pages && (si->flags & SWP_WRITEOK))
		add_to_avail_list(k, si->type);
	si->inuse_pages -= n;
	k->swap.nr_swap_pages += (int64_t)n;
}

/* Remember where the next allocation should look: this CPU's hint on a
 * solid-state device, the device's on a rotational one. */
static void set_cluster_next(struct kernel *k, struct swap_info_struct *si, uint64_t next)
{
	if (si->flags & SWP_SOLIDSTATE) {
		k->swap.percpu[k->this_cpu].type = si->type;
		k->swap.percpu[k->this_cpu].offset = next;
	} else {
		si->global_cluster_next = next;
	}
}

/* Allocate the first free slot of cluster ci at or after offset (Linux:
 * alloc_swap_scan_cluster): its map becomes SWAP_HAS_CACHE. Returns the
 * slot, or 0 when the cluster has none there. */
static uint64_t alloc_swap_scan_cluster(struct kernel *k, struct swap_info_struct *si,
					struct swap_cluster_info *ci, uint64_t offset)
{
	uint64_t start = (uint64_t)cluster_index(si, ci) * SWAPFILE_CLUSTER;
	uint64_t end = start + SWAPFILE_CLUSTER < si->max ? start + SWAPFILE_CLUSTER : si->max;
	uint64_t found = 0;

	if (ci->count < SWAPFILE_CLUSTER)
		for (; offset < end; offset++)
			if (!si->swap_map[offset]) {
				found = offset;
				break;
			}
	if (found) {
		si->swap_map[found] = SWAP_HAS_CACHE;
		ci->count++;
		swap_range_alloc(k, si, 1);
	}
	relocate_cluster(si, ci);
	set_cluster_next(k, si, found && found + 1 < end && ci->count < SWAPFILE_CLUSTER ? found + 1 : 0);
	return found;
}

/* Is the cluster at the hint usable for one more slot (Linux:
 * cluster_is_usable)? A free cluster needs a table first. */
static bool cluster_is_usable(struct swap_cluster_info *ci)
{
	return ci->table && ci->count < SWAPFILE_CLUSTER;
}

/* A slot of si by its lists, when the hint gave none: a nonfull cluster,
 * then a free one, then a fragmented one (Linux 6.18:
 * cluster_alloc_swap_entry for order 0 on a device without discard). */
static uint64_t cluster_alloc_swap_entry(struct kernel *k, struct swap_info_struct *si)
{
	struct cluster_list *lists[] = { &si->nonfull_clusters, &si->free_clusters, &si->frag_clusters };
	uint64_t offset = si->flags & SWP_SOLIDSTATE ? 0 : si->global_cluster_next;

	if (offset && cluster_is_usable(cluster_at(si, offset))) {
		uint64_t found = alloc_swap_scan_cluster(k, si, cluster_at(si, offset), offset);
		if (found)
			return found;
	}
	for (size_t i = 0; i < ARRAY_SIZE(lists); i++) {
		struct swap_cluster_info *ci;
		while ((ci = isolate_cluster(si, lists[i]))) {
			uint64_t found = alloc_swap_scan_cluster(k, si, ci,
								  (uint64_t)cluster_index(si, ci) * SWAPFILE_CLUSTER);
			if (found)
				return found;
		}
	}
	return 0;
}

/* The slot after the one this CPU allocated last, if its device still
 * takes allocations (Linux: swap_alloc_fast). */
static swp_entry_t swap_alloc_fast(struct kernel *k)
{
	struct percpu_swap_cluster *pcp = &k->swap.percpu[k->this_cpu];
	struct swap_info_struct *si = pcp->type >= 0 ? k->swap.swap_info[pcp->type] : NULL;

	if (!si || !pcp->offset || !(si->flags & SWP_WRITEOK) || pcp->offset >= si->max)
		return (swp_entry_t){ 0 };
	struct swap_cluster_info *ci = cluster_at(si, pcp->offset);
	if (!cluster_is_usable(ci))
		return (swp_entry_t){ 0 };
	uint64_t found = alloc_swap_scan_cluster(k, si, ci, pcp->offset);
	return found ? swp_entry((unsigned)si->type, found) : (swp_entry_t){ 0 };
}

/* A slot from the usable devices in priority order (Linux: swap_alloc_slow). */
static swp_entry_t swap_alloc_slow(struct kernel *k)
{
	for (int i = 0; i < k->swap.nr_avail; i++) {
		int type = k->swap.avail[i];
		uint64_t found = cluster_alloc_swap_entry(k, k->swap.swap_info[type]);
		if (found) {
			requeue_avail(k, type);
			return swp_entry((unsigned)type, found);
		}
	}
	return (swp_entry_t){ 0 };
}

/* See swap.h. */
int folio_alloc_swap(struct kernel *k, struct page *page)
{
	if (!get_nr_swap_pages(k))
		return -ENOMEM;
	swp_entry_t entry = swap_alloc_fast(k);
	if (!entry.val)
		entry = swap_alloc_slow(k);
	if (!entry.val)
		return -ENOMEM;
	if (mem_cgroup_try_charge_swap(k, page, entry)) {   /* over memory.swap.max */
		put_swap_folio(k, entry);
		return -ENOMEM;
	}
	swap_cache_add_folio(k, page, entry, NULL);
	return 0;
}

/* Slot offset of si is free: count it, tell its cluster (Linux:
 * swap_entries_free). */
static void swap_entry_free(struct kernel *k, struct swap_info_struct *si, uint64_t offset)
{
	struct swap_cluster_info *ci = cluster_at(si, offset);
	mem_cgroup_uncharge_swap(k, swp_entry(si->type, offset));
	si->swap_map[offset] = 0;
	swap_slot_discard(si, offset);
	ci->count--;
	swap_range_free(k, si, 1);
	if (!ci->count)
		free_cluster(si, ci);
	else if (ci->flags != CLUSTER_FLAG_NONFULL && ci->flags != CLUSTER_FLAG_NONE)
		move_cluster(si, ci, CLUSTER_FLAG_NONFULL);    /* partial_free_cluster */
}

/* Take usage (1 reference, or SWAP_HAS_CACHE) off the slot of entry;
 * free the slot when nothing is left. Returns the count left. */
static uint16_t __swap_entry_put(struct kernel *k, swp_entry_t entry, uint16_t usage)
{
	struct swap_info_struct *si = swp_swap_info(k, entry);
	uint64_t offset = swp_offset(entry);
	if (!si) {
		kernel_bug(k, "swap_free: bad swap entry %#llx", (unsigned long long)entry.val);
		return 0;
	}
	uint16_t *map = &si->swap_map[offset];
	if (usage == SWAP_HAS_CACHE ? !(*map & SWAP_HAS_CACHE) : !swap_count(*map)) {
		kernel_bug(k, "swap_free: slot %llu of device %d is not in use (%#x)",
			   (unsigned long long)offset, si->type, *map);
		return *map;
	}
	*map -= usage;
	if (!*map)
		swap_entry_free(k, si, offset);
	return si->swap_map[offset];
}

/* See swap.h. */
void swap_free(struct kernel *k, swp_entry_t entry)
{
	__swap_entry_put(k, entry, 1);
}

/* See swap.h. */
void put_swap_folio(struct kernel *k, swp_entry_t entry)
{
	__swap_entry_put(k, entry, SWAP_HAS_CACHE);
}

/* See swap.h. */
int swap_duplicate(struct kernel *k, swp_entry_t entry)
{
	struct swap_info_struct *si = swp_swap_info(k, entry);
	if (!si)
		return -EINVAL;
	uint16_t *map = &si->swap_map[swp_offset(entry)];
	if (!*map)
		return -ENOENT;
	if (swap_count(*map) >= SWAP_MAP_MAX)
		return -ENOMEM;
	(*map)++;
	return 0;
}

/* See swap.h. */
int swapcache_prepare(struct kernel *k, swp_entry_t entry)
{
	struct swap_info_struct *si = swp_swap_info(k, entry);
	if (!si)
		return -ENOENT;
	uint16_t *map = &si->swap_map[swp_offset(entry)];
	if (*map & SWAP_HAS_CACHE)
		return -EEXIST;
	if (!swap_count(*map))
		return -ENOENT;
	*map |= SWAP_HAS_CACHE;
	return 0;
}

/* See swap.h. */
int __swap_count(struct kernel *k, swp_entry_t entry)
{
	struct swap_info_struct *si = swp_swap_info(k, entry);
	return si ? swap_count(si->swap_map[swp_offset(entry)]) : 0;
}

/* See swap.h. */
bool folio_free_swap(struct kernel *k, struct page *page)
{
	if (!page_test(page, PG_swapcache) || page_test(page, PG_writeback) ||
	    __swap_count(k, page_swap_entry(page)))
		return false;
	swap_cache_del_folio(k, page);
	page_set(page, PG_dirty);           /* the only copy is in memory now */
	return true;
}

/* See swap.h. The cached page goes too when nothing maps it (Linux:
 * __try_to_reclaim_swap with TTRS_UNMAPPED | TTRS_FULL). */
void free_swap_and_cache(struct kernel *k, swp_entry_t entry)
{
	if (__swap_entry_put(k, entry, 1) != SWAP_HAS_CACHE)
		return;
	struct page *page = swap_cache_get_folio(k, entry);
	if (!page)
		return;
	if (!page->mapcount || vm_swap_full(k))
		folio_free_swap(k, page);
	put_page(k, page);
}

/* ---- swapon ------------------------------------------------------------------ */

/* The device's name in /proc/swaps. */
static void swap_path(char *buf, size_t len, int type)
{
	if (type)
		snprintf(buf, len, "/swapfile%d", type);
	else
		snprintf(buf, len, "/swapfile");
}

/* Lay out si's clusters: the header slot and the slots past the end count
 * as used, the rest are free (Linux: setup_clusters). */
static void setup_clusters(struct swap_info_struct *si)
{
	si->free_clusters = si->nonfull_clusters = si->frag_clusters = si->full_clusters =
		(struct cluster_list){ CLUSTER_NIL, CLUSTER_NIL, 0 };
	for (uint64_t i = 0; i < si->nr_clusters; i++) {
		struct swap_cluster_info *ci = &si->cluster_info[i];
		uint64_t start = i * SWAPFILE_CLUSTER, end = start + SWAPFILE_CLUSTER;
		ci->next = ci->prev = CLUSTER_NIL;
		ci->flags = CLUSTER_FLAG_NONE;
		ci->count = (uint16_t)((start == 0) + (end > si->max ? end - si->max : 0));
		if (ci->count && !(ci->table = calloc(SWAPFILE_CLUSTER, sizeof *ci->table)))
			continue;                  /* stays off every list: never used */
		relocate_cluster(si, ci);
	}
}

/* Free a device's host memory. */
static void free_swap_info(struct swap_info_struct *si)
{
	if (!si)
		return;
	for (uint64_t i = 0; si->cluster_info && i < si->nr_clusters; i++)
		free(si->cluster_info[i].table);
	ram_destroy(&si->medium);
	free(si->cluster_info);
	free(si->swap_map);
	free(si->zeromap);
	free(si);
}

/* A device of pages slots (Linux: alloc_swap_info and the maps
 * setup_swap_map_and_extents builds). NULL without host memory. */
static struct swap_info_struct *alloc_swap_info(int type, uint64_t pages, const struct swap_device_cost *cost)
{
	struct swap_info_struct *si = calloc(1, sizeof *si);
	if (!si)
		return NULL;
	si->type = type;
	si->max = pages;
	si->pages = pages - 1;
	si->nr_clusters = (pages + SWAPFILE_CLUSTER - 1) / SWAPFILE_CLUSTER;
	si->swap_map = calloc(pages, sizeof *si->swap_map);
	si->zeromap = calloc((pages + 63) / 64, sizeof *si->zeromap);
	si->cluster_info = calloc(si->nr_clusters, sizeof *si->cluster_info);
	if (!si->swap_map || !si->zeromap || !si->cluster_info ||
	    ram_reserve(&si->medium, si->nr_clusters * SWAPFILE_CLUSTER * PAGE_SIZE)) {
		free_swap_info(si);
		return NULL;
	}
	si->swap_map[0] = SWAP_MAP_BAD;
	si->cost = *cost;
	si->flags = SWP_USED | SWP_WRITEOK | (strcmp(cost->model, "hdd") ? SWP_SOLIDSTATE : 0);
	swap_path(si->path, sizeof si->path, type);
	setup_clusters(si);
	return si;
}

/* See swap.h. */
int sys_swapon(struct kernel *k, uint64_t size, int prio, const struct swap_device_cost *cost, char *why,
	       size_t whylen)
{
	struct swap_state *ss = &k->swap;
	uint64_t pages = size >> PAGE_SHIFT;
	int type = 0;

	if (size % PAGE_SIZE || pages < 2 || pages > SWP_PRIVATE_MAX_PAGES) {
		snprintf(why, whylen, "swap size %llu: a multiple of 4096 bytes, from 8K to 512G",
			 (unsigned long long)size);
		return -EINVAL;
	}
	if (prio < -1 || prio > 32767) {
		snprintf(why, whylen, "swap priority %d: -1 (the next default) or 0 to 32767", prio);
		return -EINVAL;
	}
	while (type < MAX_SWAPFILES && ss->swap_info[type])
		type++;
	if (type == MAX_SWAPFILES) {
		snprintf(why, whylen, "already %d swap devices, the most the swap entry's 5 bits leave",
			 MAX_SWAPFILES);
		return -EPERM;
	}
	struct swap_info_struct *si = alloc_swap_info(type, pages, cost ? cost : &ss->default_cost);
	if (!si || swap_cgroup_swapon(k, type, si->max)) {
		free_swap_info(si);
		snprintf(why, whylen, "no host memory for the swap map of %llu pages", (unsigned long long)pages);
		return -ENOMEM;
	}
	si->prio = (short)(prio >= 0 ? prio : --ss->least_priority);
	ss->swap_info[type] = si;
	if (type >= ss->nr_swapfiles)
		ss->nr_swapfiles = type + 1;
	ss->nr_swap_pages += (int64_t)si->pages;
	ss->total_swap_pages += si->pages;
	if (!(si->flags & SWP_SOLIDSTATE))
		ss->nr_rotate_swap++;            /* Linux: inced_nr_rotate_swap */
	add_to_avail_list(k, type);
	printk(k, "Adding %lluk swap on %s.  Priority:%d extents:1 across:%lluk %s",
	       (unsigned long long)si->pages * 4, si->path, si->prio, (unsigned long long)si->pages * 4,
	       si->flags & SWP_SOLIDSTATE ? "SS" : "");
	trace_kernel(k, k->this_cpu, "swap device %d: %s, %llu slots, priority %d, %s", type, si->path,
		     (unsigned long long)si->pages, si->prio, si->cost.model);
	return type;
}

/* ---- swapoff ----------------------------------------------------------------- */

struct unuse_walk {
	struct kernel *k;
	struct vm_area_struct *vma;
	unsigned type;
	int err;
};

/* Bring the page of one swap PTE of the device in and map it back
 * (Linux: unuse_pte_range and unuse_pte). */
static int unuse_pte(pte_t *pte, uint64_t addr, void *arg)
{
	struct unuse_walk *w = arg;
	if (!is_swap_pte(*pte) || swp_type(pte_to_swp_entry(*pte)) != w->type)
		return 0;
	w->err = swapin_pte(w->k, w->vma, addr, pte);
	return w->err;
}

/* Bring in every page of type mapped by mm (Linux: unuse_mm). */
static int unuse_mm(struct kernel *k, struct mm_struct *mm, unsigned type)
{
	struct unuse_walk w = { k, NULL, type, 0 };
	for (struct vm_area_struct *vma = mm->mmap; vma && !w.err; vma = vma->vm_next)
		if (vma->anon_vma) {
			w.vma = vma;
			walk_page_range_pmd(k, mm, vma->vm_start, vma->vm_end, unuse_pte, walk_pmd_skip, &w);
		}
	return w.err;
}

/* Has inode (may be NULL) shmem pages on device type? */
static bool shmem_swapped_on(const struct inode *inode, unsigned type)
{
	return inode && inode->kind == FILE_SHMEM && inode->swapped && shmem_has_swap_of(inode, type);
}

/* The first shmem inode with pages on device type, or NULL: a named tmpfs
 * file, or one a live process maps or holds open (Linux walks
 * shmem_swaplist instead). */
static struct inode *next_shmem_to_unuse(struct kernel *k, unsigned type)
{
	for (int i = 0; i < k->nr_super_blocks; i++)
		for (struct inode *inode = k->super_blocks[i].s_files; inode; inode = inode->i_sb_next)
			if (shmem_swapped_on(inode, type))
				return inode;
	for (struct task_struct *t = k->tasks; t; t = t->next_task) {
		if (t->state != TASK_RUNNING || !t->mm)
			continue;
		for (struct vm_area_struct *v = t->mm->mmap; v; v = v->vm_next)
			if (v->vm_file && shmem_swapped_on(file_inode(v->vm_file), type))
				return file_inode(v->vm_file);
		for (unsigned fd = 0; t->files && fd < t->files->max_fds; fd++)
			if (t->files->fd[fd] && shmem_swapped_on(file_inode(t->files->fd[fd]), type))
				return file_inode(t->files->fd[fd]);
	}
	return NULL;
}

/* Bring every shmem page of type back into its object's page cache
 * (Linux: shmem_unuse). The object is pinned while it is worked on: an
 * allocation may make the OOM killer end the processes mapping it. */
static int shmem_unuse(struct kernel *k, unsigned type)
{
	struct inode *f;
	while ((f = next_shmem_to_unuse(k, type))) {
		f->i_count++;                      /* ihold */
		int err = shmem_unuse_file(k, f, type);
		iput(k, f);
		if (err)
			return err;
	}
	return 0;
}

/* Every slot of si in use only by the swap cache: drop the cached pages
 * (Linux: the end of try_to_unuse). */
static void unuse_swap_cache(struct kernel *k, struct swap_info_struct *si)
{
	for (uint64_t off = 1; off < si->max; off++) {
		if (si->swap_map[off] != SWAP_HAS_CACHE)
			continue;
		struct page *page = swap_cache_get_folio(k, swp_entry((unsigned)si->type, off));
		if (page) {
			folio_free_swap(k, page);
			put_page(k, page);
		}
	}
}

/* Swap every page of type back in (Linux: try_to_unuse). Each mm is
 * pinned while it is walked (mmget): an allocation may make the OOM killer
 * end a process, whose mm then goes when the walk lets it go; the list of
 * tasks is walked again after a kill. 0 or -ENOMEM. */
static int try_to_unuse(struct kernel *k, struct swap_info_struct *si)
{
	int err = 0;
restart:
	for (struct task_struct *t = k->tasks; t && !err; t = t->next_task) {
		bool seen = false;                       /* threads share the mm */
		for (struct task_struct *u = k->tasks; u != t && !seen; u = u->next_task)
			seen = u->state == TASK_RUNNING && u->mm == t->mm;
		if (t->state != TASK_RUNNING || !t->mm || seen)
			continue;
		struct mm_struct *mm = t->mm;
		uint64_t kills = k->vm_events[OOM_KILL];
		mm->mm_users++;
		err = unuse_mm(k, mm, (unsigned)si->type);
		mmput(k, mm);
		if (!err && k->vm_events[OOM_KILL] != kills)
			goto restart;
	}
	if (!err)
		err = shmem_unuse(k, (unsigned)si->type);
	if (!err)
		unuse_swap_cache(k, si);
	if (!err && si->inuse_pages)
		err = -ENOMEM;
	return err;
}

/* Adjust the default priorities below a removed default one (Linux: the
 * least_priority bookkeeping of del_from_avail_list's caller). */
static void renumber_default_prios(struct kernel *k, short prio)
{
	struct swap_state *ss = &k->swap;
	if (prio >= 0)
		return;
	for (int t = 0; t < ss->nr_swapfiles; t++)
		if (ss->swap_info[t] && ss->swap_info[t]->prio < prio)
			ss->swap_info[t]->prio++;
	ss->least_priority++;
}

/* See swap.h. */
int sys_swapoff(struct kernel *k, int type, char *why, size_t whylen)
{
	struct swap_state *ss = &k->swap;
	struct swap_info_struct *si = type >= 0 && type < MAX_SWAPFILES ? ss->swap_info[type] : NULL;

	if (!si || !(si->flags & SWP_WRITEOK)) {
		snprintf(why, whylen, "no swap device %d", type);
		return -EINVAL;
	}
	if (__vm_enough_memory(k, si->pages)) {     /* security_vm_enough_memory_mm */
		snprintf(why, whylen, "committed memory would pass the commit limit without device %d", type);
		return -ENOMEM;
	}
	k->vm_committed_as -= si->pages;            /* vm_unacct_memory */
	del_from_avail_list(k, type);
	si->flags &= ~SWP_WRITEOK;
	ss->nr_swap_pages -= (int64_t)si->pages;     /* slots freed from here add back */
	ss->total_swap_pages -= si->pages;
	trace_kernel(k, k->this_cpu, "swapoff %s: bring its %llu pages back into memory", si->path,
		     (unsigned long long)si->inuse_pages);
	int err = try_to_unuse(k, si);
	if (err) {
		si->flags |= SWP_WRITEOK;            /* reinsert_swap_info */
		ss->nr_swap_pages += (int64_t)si->pages;
		ss->total_swap_pages += si->pages;
		if (si->inuse_pages < si->pages)
			add_to_avail_list(k, type);
		snprintf(why, whylen, "not enough memory to bring device %d's pages back (%llu still swapped)",
			 type, (unsigned long long)si->inuse_pages);
		return err;
	}
	for (int c = 0; c < k->nr_cpus; c++)
		if (ss->percpu[c].type == type)
			ss->percpu[c].type = -1;
	renumber_default_prios(k, si->prio);
	if (!(si->flags & SWP_SOLIDSTATE))
		ss->nr_rotate_swap--;
	ss->swap_info[type] = NULL;
	while (ss->nr_swapfiles && !ss->swap_info[ss->nr_swapfiles - 1])
		ss->nr_swapfiles--;
	free_swap_info(si);
	swap_cgroup_swapoff(k, type);
	return 0;
}

/* See swap.h. */
void swap_destroy(struct kernel *k)
{
	for (int t = 0; t < MAX_SWAPFILES; t++) {
		free_swap_info(k->swap.swap_info[t]);
		k->swap.swap_info[t] = NULL;
	}
	free(k->swap.percpu);
	k->swap.percpu = NULL;
}
