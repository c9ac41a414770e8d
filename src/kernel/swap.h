/*
 * kernel/swap.h — swap devices, the swap cache, the LRU lists and reclaim
 * (Linux: include/linux/swap.h, mm/swap.h, include/linux/mm_inline.h).
 *
 * The files behind it, with Linux's names:
 *   swap.c        the LRU lists: adding, activating, deactivating, releasing
 *   swapfile.c    swap devices: swapon/swapoff, slot allocation in clusters,
 *                 the swap map's counts, freeing slots
 *   swap_state.c  the swap cache (each cluster's swap table) and swap-in
 *                 readahead (cluster and VMA-based)
 *   page_io.c     reading and writing slots: the device's bytes and cost,
 *                 zero-filled pages kept as a bit instead of written
 *   workingset.c  shadow entries and refault detection
 *   vmscan.c      reclaim: shrink_node and its lists, kswapd, direct reclaim
 * See docs/kernel-mm.md, "Swap and reclaim".
 */
#ifndef MMSIM_KERNEL_SWAP_H
#define MMSIM_KERNEL_SWAP_H

#include <stdbool.h>
#include <stdint.h>

#include "hw/ram.h"
#include "kernel/gfp.h"
#include "kernel/mm_types.h"
#include "kernel/mmzone.h"

struct kernel;
struct mm_struct;
struct page;
struct task_struct;
struct vm_area_struct;
struct vm_fault;
struct file;
struct page_list;

/* Swap types (Linux: include/linux/swap.h). Linux takes the types above
 * MAX_SWAPFILES for migration (3), hwpoison (1), PTE markers (1) and
 * device-private memory (4, x86-64's configuration): 32 - 9 = 23 devices
 * (pgtable.h has the same MAX_SWAPFILES_SHIFT, and SWP_PTE_MARKER). */
#define MAX_SWAPFILES_SHIFT 5
#define SWP_MIGRATION_NUM  3
#define SWP_HWPOISON_NUM   1
#define SWP_PTE_MARKER_NUM 1
#define SWP_DEVICE_NUM     4
#define MAX_SWAPFILES \
	((1 << MAX_SWAPFILES_SHIFT) - SWP_DEVICE_NUM - SWP_MIGRATION_NUM - SWP_HWPOISON_NUM - \
	 SWP_PTE_MARKER_NUM)

#define SWAP_CLUSTER_MAX   32UL     /* pages reclaim isolates at a time */
#define DEF_PRIORITY       12       /* reclaim scans lru_size >> priority */
#define MAX_SWAPPINESS     200
#define SWAPFILE_CLUSTER   512      /* slots per cluster (CONFIG_THP_SWAP: HPAGE_PMD_NR) */
#define MAX_RECLAIM_RETRIES 16

/* The swap map: one count per slot. Linux keeps a byte (counts to 62, then
 * continuation pages); 16 bits hold the count outright here. */
#define SWAP_HAS_CACHE 0x8000       /* the swap cache holds (or is getting) the page */
#define SWAP_MAP_BAD   0x7fff       /* the header page: never allocated */
#define SWAP_MAP_MAX   0x7ffe       /* the most references a slot can count */
#define swap_count(v)  ((v) & ~SWAP_HAS_CACHE)

/* swap_info_struct flags (Linux's values). */
#define SWP_USED       (1UL << 0)   /* the type is taken */
#define SWP_WRITEOK    (1UL << 1)   /* slots may be allocated */
#define SWP_DISCARDABLE (1UL << 2)
#define SWP_SOLIDSTATE (1UL << 4)   /* per-CPU clusters (not rotational) */

/* A swap entry in the 32 bits of struct page's private: the type above 27
 * bits of offset (512 GiB of slots per device). */
#define SWP_PRIVATE_OFFSET_BITS 27
#define SWP_PRIVATE_MAX_PAGES   (1ULL << SWP_PRIVATE_OFFSET_BITS)

enum cluster_flags {
	CLUSTER_FLAG_NONE,          /* on no list: being allocated from */
	CLUSTER_FLAG_FREE,
	CLUSTER_FLAG_NONFULL,
	CLUSTER_FLAG_FRAG,
	CLUSTER_FLAG_FULL,
};

#define CLUSTER_NIL UINT32_MAX

/* A cluster of SWAPFILE_CLUSTER slots (Linux: struct swap_cluster_info),
 * kept on one of its device's lists by index. */
struct swap_cluster_info {
	uint16_t count;             /* slots in use */
	uint8_t flags;              /* enum cluster_flags */
	uint32_t next, prev;        /* list links, cluster indexes */
	uint64_t *table;            /* the swap table: the swap cache of these
				     * slots (swap_state.c); NULL while free */
	uint8_t *data;              /* the slots' bytes, in the device's medium:
				     * NULL until one is written (so an unused
				     * cluster costs the host nothing) */
};

struct cluster_list {
	uint32_t head, tail;
	uint64_t nr;
};

/* What a device's I/O costs: one request's latency, then its bytes at
 * the bandwidth. */
struct swap_device_cost {
	const char *model;          /* "nvme", "hdd", "zram" */
	uint32_t read_ns, write_ns;
	uint32_t mbps;              /* MB/s */
};

/* A swap device (Linux: struct swap_info_struct). */
struct swap_info_struct {
	unsigned long flags;        /* SWP_* */
	short prio;
	int type;
	uint64_t max;               /* slots, the header (slot 0) included */
	uint64_t pages;             /* usable slots */
	uint64_t inuse_pages;
	uint16_t *swap_map;         /* per slot: references | SWAP_HAS_CACHE */
	uint64_t *zeromap;          /* per slot: holds a zero-filled page, not written */
	struct swap_cluster_info *cluster_info;
	uint64_t nr_clusters;
	struct cluster_list free_clusters, nonfull_clusters, frag_clusters, full_clusters;
	uint64_t global_cluster_next;   /* rotational devices: one allocation point */
	char path[64];
	struct swap_device_cost cost;
	struct ram medium;          /* the slots' bytes: slot n at n * PAGE_SIZE of
				     * a sparse host mapping (hw/ram.h) */
	uint64_t nr_chunks;         /* clusters holding bytes (host memory in use) */
};

/* Per CPU, where the last swap slot was allocated (Linux 6.15+:
 * percpu_swap_cluster): the next allocation tries the slot after it. */
struct percpu_swap_cluster {
	int type;                   /* -1: none */
	uint64_t offset;
};

/* The kernel's swap state (Linux: swap_info[], nr_swap_pages,
 * total_swap_pages, swap_avail_heads, and the swap knobs). */
struct swap_state {
	struct swap_info_struct *swap_info[MAX_SWAPFILES];
	int nr_swapfiles;
	int avail[MAX_SWAPFILES];   /* usable types, by priority (plist order) */
	int nr_avail;
	int64_t nr_swap_pages;      /* free slots of usable devices */
	uint64_t total_swap_pages;
	int least_priority;         /* the next default priority is one below */
	struct percpu_swap_cluster *percpu;   /* per CPU */
	/* swap-in readahead (swap_state.c) */
	uint64_t ra_hits;           /* swapin_readahead_hits */
	uint64_t ra_prev_offset;
	unsigned ra_last_pages;     /* last_readahead_pages */
	bool vma_ra_enabled;        /* /sys/kernel/mm/swap/vma_ra_enabled */
	int nr_rotate_swap;         /* rotational devices on: no VMA readahead */
	unsigned bucket_order;      /* workingset's eviction timestamp granularity */
	struct swap_device_cost default_cost;   /* the machine's swap_device */
};

/* The swap-in readahead state kept per VMA (Linux: vma->swap_readahead_info):
 * the last fault's address, window and hits. */
#define SWAP_RA_WIN_SHIFT (PAGE_SHIFT / 2)
#define SWAP_RA_HITS_MASK ((1UL << SWAP_RA_WIN_SHIFT) - 1)
#define SWAP_RA_HITS_MAX  SWAP_RA_HITS_MASK
#define SWAP_RA_WIN_MASK  (~PAGE_MASK & ~SWAP_RA_HITS_MASK)
#define SWAP_RA_HITS(v)   ((v) & SWAP_RA_HITS_MASK)
#define SWAP_RA_WIN(v)    (((v) & SWAP_RA_WIN_MASK) >> SWAP_RA_WIN_SHIFT)
#define SWAP_RA_ADDR(v)   ((v) & PAGE_MASK)
#define SWAP_RA_VAL(addr, win, hits) \
	(((addr) & PAGE_MASK) | (((uint64_t)(win) << SWAP_RA_WIN_SHIFT) & SWAP_RA_WIN_MASK) | \
	 ((hits) & SWAP_RA_HITS_MASK))

/* ---- swap entries in struct page ------------------------------------------ */

/* The swap entry of a page in the swap cache (Linux: folio->swap). */
swp_entry_t page_swap_entry(const struct page *page);

/* The index an rmap walk looks for page at: its own for most pages, kept in
 * the swap cache's slot for a swap-cache page (Linux: folio_pgoff). */
uint64_t folio_pgoff(struct kernel *k, const struct page *page);

/* Set the owner and index of page, also while it is in the swap cache
 * (Linux: __folio_set_anon). */
void folio_set_owner(struct kernel *k, struct page *page, uint64_t owner_pa, bool anon, uint64_t index);

/* ---- the LRU lists (swap.c) ------------------------------------------------ */

/* The node's lruvec (Linux: mem_cgroup_lruvec(NULL, pgdat), folio_lruvec). */
struct lruvec *node_lruvec(struct kernel *k);

/* A file-LRU page: not swap-backed (page cache, and MADV_FREE'd anonymous
 * pages) (Linux: folio_is_file_lru). */
bool folio_is_file_lru(const struct page *page);

/* May reclaim evict page (Linux: folio_evictable): not mlocked. */
bool folio_evictable(const struct page *page);

/* The list page belongs on (Linux: folio_lru_list). */
enum lru_list folio_lru_list(const struct page *page);

/* Put page on (take it off) its list in lruvec, keeping the node's and
 * zone's NR_*_ANON/FILE counts (Linux: lruvec_add_folio,
 * lruvec_add_folio_tail, lruvec_del_folio). */
void lruvec_add_folio(struct kernel *k, struct lruvec *lruvec, struct page *page);
void lruvec_add_folio_tail(struct kernel *k, struct lruvec *lruvec, struct page *page);
void lruvec_del_folio(struct kernel *k, struct lruvec *lruvec, struct page *page);

/* Move an LRU page to the list its flags call for once set are set and
 * clear cleared (the del / flags / add of Linux's lru_activate,
 * lru_deactivate, lru_lazyfree and the mlock moves). */
void folio_lru_move(struct kernel *k, struct page *page, uint32_t set, uint32_t clear);

/* Add a new page to the LRU: inactive (or active when flagged), or
 * unevictable when mlocked (Linux: folio_add_lru and lru_add; Linux
 * batches the additions per CPU, the simulator adds at once). */
void folio_add_lru(struct kernel *k, struct page *page);

/* Add a new page of vma: mlocked on the unevictable list when the VMA is
 * locked, else folio_add_lru (Linux: folio_add_lru_vma). */
void folio_add_lru_vma(struct kernel *k, struct page *page, struct vm_area_struct *vma);

/* Take page off its LRU list with a reference, for the caller to work on
 * and put back (Linux: folio_isolate_lru). False when it was not on one. */
bool folio_isolate_lru(struct kernel *k, struct page *page);

/* Put an isolated page back and drop the isolation's reference (Linux:
 * folio_putback_lru). */
void folio_putback_lru(struct kernel *k, struct page *page);

/* A page's last reference is going: take it off its LRU list (Linux:
 * __page_cache_release), called by the page allocator's free. */
void __page_cache_release(struct kernel *k, struct page *page);

/* A use of page: referenced, then active (Linux: folio_mark_accessed). */
void folio_mark_accessed(struct kernel *k, struct page *page);

/* Move page to its active list (Linux: folio_activate). */
void folio_activate(struct kernel *k, struct page *page);

/* Move an active page to the inactive list, its references forgotten
 * (Linux: folio_deactivate, MADV_COLD). */
void folio_deactivate(struct kernel *k, struct page *page);

/* An anonymous page MADV_FREE made lazily freeable: clean, not
 * swap-backed, on the inactive file list (Linux: folio_mark_lazyfree). */
void folio_mark_lazyfree(struct kernel *k, struct page *page);

/* Record reclaim's cost of a list: I/O and rotations (Linux: lru_note_cost). */
void lru_note_cost(struct kernel *k, struct lruvec *lruvec, bool file, uint64_t nr_io,
		   uint64_t nr_rotated);

/* Pages on a list of lruvec in zones up to zone_idx (Linux: lruvec_lru_size). */
uint64_t lruvec_lru_size(struct kernel *k, struct lruvec *lruvec, enum lru_list lru, int zone_idx);

/* Boot: every node's lruvec empty (Linux: lruvec_init). */
void lruvec_init(struct kernel *k, struct pglist_data *pgdat);

/* ---- mlock on the LRU (mlock.c) --------------------------------------------- */

/* A new page mapped in a locked VMA: mlocked before it reaches the LRU
 * (Linux: mlock_new_folio). */
void mlock_new_folio(struct kernel *k, struct page *page);

/* ---- swap devices and slots (swapfile.c) ----------------------------------- */

/* Boot: no swap; knobs at Linux's defaults. 0 or -ENOMEM. */
int swap_init(struct kernel *k);

/* Free the swap state's host memory (the devices must be off). */
void swap_destroy(struct kernel *k);

/*
 * swapon: a new swap device of size bytes (Linux: sys_swapon with a swap
 * file of that size, mkswap'd): slot 0 holds the header, the rest are
 * usable. prio -1 takes the next default priority (-2, -3, ...), else
 * 0..32767 (SWAP_FLAG_PREFER). cost (NULL: the machine's default device)
 * prices its I/O. Returns the new type, or -EINVAL (a size below two pages
 * or above 512 GiB, not page-aligned, a priority out of range), -EPERM
 * (MAX_SWAPFILES devices already), -ENOMEM. why (may be NULL) gets the reason.
 */
int sys_swapon(struct kernel *k, uint64_t size, int prio, const struct swap_device_cost *cost,
	       char *why, size_t whylen);

/*
 * swapoff: bring every page of device type back into memory and remove it
 * (Linux: sys_swapoff, try_to_unuse). Returns 0, or -EINVAL (no such
 * device), -ENOMEM (not enough memory for its pages, or over the commit
 * limit without it: the device stays on, its pages swapped in so far stay
 * in memory).
 */
int sys_swapoff(struct kernel *k, int type, char *why, size_t whylen);

/* The device of entry, or NULL for none (Linux: swp_swap_info). */
struct swap_info_struct *swp_swap_info(struct kernel *k, swp_entry_t entry);

/* Give page a slot and put it in the swap cache (Linux: folio_alloc_swap,
 * with add_to_swap's dirtying). 0, or -ENOMEM when no slot is free. */
int folio_alloc_swap(struct kernel *k, struct page *page);

/* One more reference to a slot, from a copied PTE or a shmem object
 * (Linux: swap_duplicate). 0, or -ENOMEM when the count is at its maximum. */
int swap_duplicate(struct kernel *k, swp_entry_t entry);

/* Take the cache's claim on a free slot's page (Linux: swapcache_prepare):
 * 0, -EEXIST when a page is (being) cached, -ENOENT when the slot is free. */
int swapcache_prepare(struct kernel *k, swp_entry_t entry);

/* Drop one reference to a slot from a PTE or shmem (Linux:
 * swap_free_nr / __swap_entry_free); a slot left with no count and no
 * cache is free. */
void swap_free(struct kernel *k, swp_entry_t entry);

/* The swap cache lets go of its claim on the slot (Linux: put_swap_folio). */
void put_swap_folio(struct kernel *k, swp_entry_t entry);

/* A PTE or shmem entry is going away: drop its reference, and free the
 * cached page's slot too when nothing else uses it (Linux:
 * free_swap_and_cache_nr). */
void free_swap_and_cache(struct kernel *k, swp_entry_t entry);

/* The references to a slot, its cache's claim left out (Linux: __swap_count). */
int __swap_count(struct kernel *k, swp_entry_t entry);

/* Free page's slot when no PTE or shmem entry uses it any more: the page
 * leaves the swap cache and must be written again to be evicted (Linux:
 * folio_free_swap). True when it did. */
bool folio_free_swap(struct kernel *k, struct page *page);

/* Is swap more than half used (Linux: vm_swap_full)? Then a page read
 * back gives up its slot. */
bool vm_swap_full(const struct kernel *k);

/* Free slots and all slots of the usable devices, in pages (Linux:
 * get_nr_swap_pages, total_swap_pages). */
uint64_t get_nr_swap_pages(const struct kernel *k);
uint64_t total_swap_pages(const struct kernel *k);

/* Slots in use on device type (Linux: swap_usage_in_pages). */
uint64_t swap_usage_in_pages(const struct swap_info_struct *si);

/* The device presets: "nvme" (the default), "hdd", "zram". NULL for
 * another name. */
const struct swap_device_cost *swap_device_preset(const char *model);

/* ---- the swap cache (swap_state.c) ---------------------------------------- */

/* The page cached for entry, with a reference, or NULL (Linux:
 * swap_cache_get_folio). */
struct page *swap_cache_get_folio(struct kernel *k, swp_entry_t entry);

/* The shadow entry (workingset.c) at entry's slot, or 0 (Linux:
 * swap_cache_get_shadow). */
uint32_t swap_cache_get_shadow(struct kernel *k, swp_entry_t entry);

/* Put page in the swap cache at entry, whose SWAP_HAS_CACHE the caller set:
 * PG_swapcache, a reference, NR_SWAPCACHE (Linux: swap_cache_add_folio).
 * *shadowp (may be NULL) gets the shadow entry it replaced. */
void swap_cache_add_folio(struct kernel *k, struct page *page, swp_entry_t entry, uint32_t *shadowp);

/* Take page out of the swap cache, leaving shadow (0: none) in its slot;
 * the caller drops the cache's reference and claim (Linux:
 * __swap_cache_del_folio). */
void __swap_cache_del_folio(struct kernel *k, struct page *page, uint32_t shadow);

/* Take page out of the swap cache, drop the cache's claim on its slot and
 * the cache's reference (Linux: swap_cache_del_folio). */
void swap_cache_del_folio(struct kernel *k, struct page *page);

/* Migration: the swap cache's slot of old (in the cache) now holds new,
 * which has taken old's swap entry and index (Linux 6.18:
 * __swap_cache_replace_folio). */
void __swap_cache_replace_folio(struct kernel *k, struct page *old, struct page *new);

/* The low 32 bits of the rmap index kept for a cached page (see
 * folio_pgoff), and setting them. */
uint32_t swap_cache_index_low(struct kernel *k, swp_entry_t entry);
void swap_cache_set_index_low(struct kernel *k, swp_entry_t entry, uint32_t low);

/* Drop the swap cache's copy of an unmapped page (Linux: free_swap_cache). */
void free_swap_cache(struct kernel *k, struct page *page);

/* Read the page of entry into the swap cache unless it is there (Linux:
 * __read_swap_cache_async then swap_read_folio). Returns it with a
 * reference, or NULL (no memory, or the slot was freed). *new_page says
 * whether it had to be read. */
struct page *read_swap_cache_async(struct kernel *k, swp_entry_t entry, gfp_t gfp, bool readahead,
				   bool *new_page);

/* The page for a swap fault at vmf's entry: from the swap cache, else read
 * with readahead (VMA-based, or the cluster's under vm.page-cluster when
 * VMA readahead is off or a rotational device, an "hdd", is on)
 * (Linux: swapin_readahead). NULL without memory. */
struct page *swapin_readahead(struct kernel *k, swp_entry_t entry, gfp_t gfp, struct vm_fault *vmf);

/* A cache hit at entry: a readahead page's first use counts as a hit and
 * feeds the window (Linux: swap_update_readahead). */
void swap_update_readahead(struct kernel *k, struct page *page, struct vm_area_struct *vma, uint64_t addr);

/* The readahead window for a fault at offset (Linux: __swapin_nr_pages),
 * exposed for unit tests. */
unsigned __swapin_nr_pages(uint64_t prev_offset, uint64_t offset, unsigned hits, unsigned max_pages,
			   unsigned prev_win);

/* ---- device I/O (page_io.c) ------------------------------------------------ */

/* Write page (in the swap cache) to its slot; a zero-filled page only sets
 * the slot's zero bit (Linux: swap_writeout). Counts pswpout or swpout_zero. */
void swap_writeout(struct kernel *k, struct page *page);

/* Read the slot of page (in the swap cache) into it (Linux:
 * swap_read_folio): counts pswpin or swpin_zero; synchronous says a fault
 * waits for it (its cost is charged to this CPU). */
void swap_read_folio(struct kernel *k, struct page *page, bool synchronous);

/* The cost of a batch of nr pages' I/O on si, in cycles. */
uint64_t swap_io_cycles(const struct swap_info_struct *si, bool write, uint64_t nr);

/* Forget the bytes of slot offset of si (it is free now). */
void swap_slot_discard(struct swap_info_struct *si, uint64_t offset);

/* ---- workingset (workingset.c) --------------------------------------------- */

/* The shadow entry to leave when page is evicted (Linux: workingset_eviction). */
uint32_t workingset_eviction(struct kernel *k, struct page *page);

/* A page read back at a slot that had shadow: count the refault, activate
 * it when it was evicted recently enough (Linux: workingset_refault). */
void workingset_refault(struct kernel *k, struct page *page, uint32_t shadow);

/* Age the nonresident clock (Linux: workingset_age_nonresident). */
void workingset_age_nonresident(struct lruvec *lruvec, uint64_t nr);

/* Boot: the bucket order for the RAM size (Linux: workingset_init). */
void workingset_init(struct kernel *k);

/* ---- reclaim (vmscan.c) ----------------------------------------------------- */

/* Direct reclaim for an allocation (Linux: try_to_free_pages): pages freed. */
uint64_t try_to_free_pages(struct kernel *k, gfp_t gfp, unsigned order);

/* A zone is below its low watermark: wake kswapd (Linux: wakeup_kswapd). */
void wakeup_kswapd(struct kernel *k, struct zone *zone, gfp_t gfp, int order, enum zone_type highest_zoneidx);

/* Run the kswapd threads that were woken, each until its node is balanced
 * or it gives up (Linux: kswapd's loop; see vmscan.c for when the
 * simulator runs it). */
void kswapd_run_woken(struct kernel *k);

/* A task on cpu returns to user mode (after a fault or a system call):
 * the woken kernel threads run first, as the scheduler would run them
 * there (Linux: exit_to_user_mode_loop's schedule()). */
void exit_to_user_mode(struct kernel *k, int cpu);

/* Reclaim the isolated pages on list (MADV_PAGEOUT), ignoring their
 * references; what is not freed goes back to the LRU (Linux:
 * reclaim_pages). Pages freed. */
uint64_t reclaim_pages(struct kernel *k, struct page_list *list);

/* Boot: kswapd0, asleep. 0 or -ENOMEM. */
int kswapd_init(struct kernel *k);

/* Is the kernel running kswapd (Linux: current_is_kswapd)? */
bool current_is_kswapd(const struct kernel *k);

#endif
