/*
 * kernel/memcontrol.h — memory cgroups, the cgroup v2 memory controller
 * (Linux: include/linux/memcontrol.h, include/linux/page_counter.h,
 * mm/memcontrol.c, mm/page_counter.c, mm/swap_cgroup.c).
 *
 * A machine has a root cgroup and a tree of cgroups below it, named by
 * their path under /sys/fs/cgroup ("box", "box/inner"). Every process is in
 * one; a new process starts in its parent's. Each user page (anonymous,
 * page cache, shmem, swap cache) is charged, when it is allocated, to the
 * cgroup of the address space it is for (mem_cgroup_charge): memory.current
 * counts it in that cgroup and every ancestor, and the page sits on that
 * cgroup's own LRU lists (one lruvec per cgroup and node). A charge that
 * would take a cgroup over memory.max first reclaims from that cgroup's
 * subtree (try_to_free_mem_cgroup_pages), and when that cannot make room,
 * runs the OOM killer on the cgroup's processes only. Going over
 * memory.high reclaims the excess when the task returns to user mode.
 * memory.low and memory.min protect a cgroup from reclaim of its parent or
 * of the whole machine. Swap slots are charged to the cgroup of the page
 * written there (memory.swap.current, limited by memory.swap.max); the
 * page's memory charge goes when it leaves memory.
 *
 * A charge takes pages from the CPU's stock when it holds enough for the
 * cgroup, else charges MEMCG_CHARGE_BATCH (64) pages at once and keeps
 * the rest in the stock, so memory.current runs up to 64 pages per CPU
 * ahead of the pages in use, as Linux's; a charge that fails even after
 * reclaim drains every CPU's stock of the cgroup once before it goes on.
 * Page tables are kernel memory charged to the allocating task's cgroup
 * (memory.stat kernel, pagetables); their uncharge goes to the stock.
 *
 * Simplified: slab objects and kernel stacks are not charged; the stocks
 * of other CPUs are drained at once (Linux queues work on them);
 * protection (memory.min/low) is each cgroup's
 * own value capped by its parent's effective protection, without Linux's
 * proportional share of a parent's protection among its children; the
 * workingset (refault) state stays per node. docs/fidelity.md lists them.
 */
#ifndef MMSIM_KERNEL_MEMCONTROL_H
#define MMSIM_KERNEL_MEMCONTROL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kernel/gfp.h"
#include "kernel/mm_types.h"
#include "kernel/mmzone.h"
#include "kernel/vmstat.h"

struct kernel;
struct mm_struct;
struct page;
struct task_struct;

#define MEMCG_MAX_CGROUPS   1024            /* cgroups, the root included */
#define MEMCG_NAME_MAX      128             /* a cgroup's path, NUL included */
#define PAGE_COUNTER_MAX    (INT64_MAX / 4096)   /* "max": no limit (Linux's, in pages) */
#define MEMCG_CHARGE_BATCH  64              /* pages a CPU charges ahead (Linux's) */
#define NR_MEMCG_STOCK      7               /* cgroups a CPU's stock holds charges of */
#define MEMCG_STOCK_CPUS    256             /* the most CPUs a machine has (the cores key) */

/* A CPU's stock of pages charged ahead, for up to NR_MEMCG_STOCK cgroups
 * (Linux: struct memcg_stock_pcp). */
struct memcg_stock_pcp {
	uint16_t cached[NR_MEMCG_STOCK];        /* a cgroup's id + 1, 0: a free slot */
	uint16_t nr_pages[NR_MEMCG_STOCK];      /* pages charged to it, not yet used */
};

/* A hierarchical counter with limits, in pages (Linux: struct page_counter). */
struct page_counter {
	uint64_t usage;
	uint64_t max, high, low, min;           /* PAGE_COUNTER_MAX: none */
	uint64_t watermark;                     /* the highest usage (memory.peak) */
	uint64_t failcnt;                       /* charges refused at max */
	uint64_t emin, elow;                    /* effective protection, set by reclaim */
	struct page_counter *parent;
};

/* memory.events (Linux: enum memcg_memory_event). */
enum memcg_memory_event {
	MEMCG_LOW,
	MEMCG_HIGH,
	MEMCG_MAX,
	MEMCG_OOM,
	MEMCG_OOM_KILL,
	MEMCG_OOM_GROUP_KILL,
	MEMCG_SWAP_HIGH,
	MEMCG_SWAP_MAX,
	MEMCG_SWAP_FAIL,
	MEMCG_NR_MEMORY_EVENTS,
};

/* A memory cgroup (Linux: struct mem_cgroup). Statistics are kept local
 * (this cgroup's pages only); the views sum them over the subtree, as
 * Linux's hierarchical counters read. */
struct mem_cgroup {
	int id;                                 /* 0: the root */
	char name[MEMCG_NAME_MAX];              /* path below /sys/fs/cgroup; "" for the root */
	struct mem_cgroup *parent;
	struct page_counter memory, swap;
	struct lruvec *nodeinfo;                /* per node; the root's are the nodes' own */
	int64_t state[NR_VM_NODE_STAT_ITEMS];   /* local page counts (anon, file, lists...) */
	uint64_t events[NR_VM_EVENT_ITEMS];     /* local VM events (pgscan, pgfault...) */
	uint64_t memory_events[MEMCG_NR_MEMORY_EVENTS];   /* local memory.events */
	int nr_procs;                           /* processes in it (cgroup.procs) */
	int64_t kmem;                           /* kernel pages charged to it (MEMCG_KMEM) */
};

/* The kernel's memory cgroups. */
struct memcg_state {
	struct mem_cgroup *memcgs[MEMCG_MAX_CGROUPS];   /* by id; NULL: free id */
	int nr_ids;                             /* ids below are allocated or free */
	uint16_t *page_memcg;                   /* per pfn: 0 uncharged, else id + 1 (a sparse
						 * host mapping: Linux's folio->memcg_data) */
	size_t page_memcg_bytes;
	uint16_t *swap_cgroup[32];              /* per device type and slot: id + 1 of the
						 * cgroup charged for it (swap_cgroup.c) */
	size_t swap_cgroup_bytes[32];
	int over_high;                          /* id of a cgroup a charge took over
						 * memory.high, -1: none (handled at return
						 * to user mode) */
	bool oom_in_progress;                   /* no nested memcg OOM */
	bool oom_failed;                        /* the last charge failed after an OOM that
						 * found nothing to kill */
	int default_id;                         /* the cgroup processes made with no parent
						 * start in (the machine's memory_max key) */
	struct memcg_stock_pcp stock[MEMCG_STOCK_CPUS];   /* per CPU (memcg_stock) */
};

/* The writable limits of memory.* files (mem_cgroup_write). */
enum memcg_file {
	MEMCG_FILE_MAX,
	MEMCG_FILE_HIGH,
	MEMCG_FILE_LOW,
	MEMCG_FILE_MIN,
	MEMCG_FILE_SWAP_MAX,
};

/* ---- the tree ------------------------------------------------------------ */

/* Boot: the root cgroup, every process in it (Linux: mem_cgroup_init and
 * the root's css_alloc). 0 or -ENOMEM. */
int mem_cgroup_init(struct kernel *k);

/* Free the cgroups' host memory. */
void mem_cgroup_destroy(struct kernel *k);

/* The root cgroup. */
struct mem_cgroup *root_mem_cgroup(struct kernel *k);

/* The cgroup at path ("" or "/" for the root, "a/b" below), or NULL. */
struct mem_cgroup *mem_cgroup_lookup(struct kernel *k, const char *path);

/* mkdir /sys/fs/cgroup/PATH: a new cgroup below an existing parent, with
 * no limits (Linux: cgroup_mkdir, mem_cgroup_css_alloc). Returns it, or
 * NULL with *err -EINVAL (a bad name: empty parts, characters other than
 * letters, digits, '-', '_', '.', too long), -EEXIST, -ENOENT (no parent),
 * -ENOSPC (MEMCG_MAX_CGROUPS), -ENOMEM. */
struct mem_cgroup *mem_cgroup_create(struct kernel *k, const char *path, int *err);

/* Write a limit file of memcg (Linux: memory_max_write, memory_high_write,
 * memory_low_write, memory_min_write, swap_max_write), value in pages
 * (PAGE_COUNTER_MAX: "max"). Lowering memory.max below the usage reclaims,
 * then OOM-kills in the cgroup until it fits (or nothing is left to kill).
 * 0, or -EINVAL for the root (it has no limits). */
int mem_cgroup_write(struct kernel *k, struct mem_cgroup *memcg, enum memcg_file file, uint64_t value);

/* Move t's process into memcg (Linux: writing its pid to cgroup.procs):
 * its threads and address space; pages already charged stay charged where
 * they are (cgroup v2 moves no charges). */
void mem_cgroup_attach(struct kernel *k, struct task_struct *t, struct mem_cgroup *memcg);

/* A new process (fork or a new task) joins its parent's cgroup (NULL
 * parent: the root) (Linux: cgroup_post_fork). */
void mem_cgroup_fork(struct kernel *k, struct task_struct *child, struct task_struct *parent);

/* The machine's memory_max key: cgroup /mmsim with that memory.max (bytes),
 * where processes made with no parent (spawned) start, as a session's
 * processes start in its cgroup (Linux: systemd's scope). 0 or -errno. */
int mem_cgroup_set_session(struct kernel *k, uint64_t memory_max);

/* A process exits: it leaves its cgroup (Linux: cgroup_exit). */
void mem_cgroup_exit(struct kernel *k, struct task_struct *t);

/* The cgroup of a task and of an address space (Linux: mem_cgroup_from_task,
 * get_mem_cgroup_from_mm through mm->owner). Never NULL. */
struct mem_cgroup *mem_cgroup_from_task(struct kernel *k, const struct task_struct *t);
struct mem_cgroup *get_mem_cgroup_from_mm(struct kernel *k, const struct mm_struct *mm);

/* Is memcg the root, and is memcg in root's subtree (Linux:
 * mem_cgroup_is_root, mem_cgroup_is_descendant)? */
bool mem_cgroup_is_root(const struct mem_cgroup *memcg);
bool mem_cgroup_is_descendant(const struct mem_cgroup *memcg, const struct mem_cgroup *root);

/* Walk root's subtree in pre-order: the first with prev NULL, NULL after
 * the last (Linux: mem_cgroup_iter, without its reclaim cookie). */
struct mem_cgroup *mem_cgroup_iter(struct kernel *k, struct mem_cgroup *root, struct mem_cgroup *prev);

/* Are there cgroups besides the root? */
bool mem_cgroup_has_children(const struct kernel *k);

/* ---- pages ---------------------------------------------------------------- */

/* The cgroup page is charged to, or NULL when it is not charged (Linux:
 * folio_memcg). */
struct mem_cgroup *folio_memcg(struct kernel *k, const struct page *page);

/* The lruvec of memcg on pgdat (Linux: mem_cgroup_lruvec); NULL memcg: the
 * root's. */
struct lruvec *mem_cgroup_lruvec(struct kernel *k, struct mem_cgroup *memcg, struct pglist_data *pgdat);

/* The lruvec page belongs on: its cgroup's on its node (Linux: folio_lruvec). */
struct lruvec *folio_lruvec(struct kernel *k, const struct page *page);

/* The cgroup an lruvec belongs to (Linux: lruvec_memcg). */
struct mem_cgroup *lruvec_memcg(const struct lruvec *lruvec);

/*
 * Charge a new folio (one page or a THP's folio_nr_pages) to mm's cgroup
 * (NULL mm: the current task's, else the root) (Linux: mem_cgroup_charge,
 * try_charge_memcg): over a memory.max on the way up, reclaim from the
 * cgroup over it (when gfp allows direct reclaim), up to
 * MAX_RECLAIM_RETRIES times, then its OOM killer (not for a charge above
 * PAGE_ALLOC_COSTLY_ORDER: a THP's fault falls back to small pages); a
 * task the OOM killer chose, or reclaim itself (PF_MEMALLOC), goes over
 * the limit rather than fail. 0, or -ENOMEM when nothing could make room
 * (the caller frees the folio and fails with VM_FAULT_OOM / ENOMEM, or
 * falls back).
 */
int mem_cgroup_charge(struct kernel *k, struct page *page, struct mm_struct *mm, gfp_t gfp);

/* Charge a page read from swap at entry to the cgroup that swapped it out
 * (else mm's) (Linux: mem_cgroup_swapin_charge_folio). 0 or -ENOMEM. */
int mem_cgroup_swapin_charge_folio(struct kernel *k, struct page *page, struct mm_struct *mm, gfp_t gfp,
				   swp_entry_t entry);

/* Charge a page of kernel memory (a page table) to the current task's
 * cgroup (Linux: __memcg_kmem_charge_page for __GFP_ACCOUNT): 0 (also for
 * the root, which is not charged), or -ENOMEM. memory.stat "kernel"
 * counts it. */
int memcg_kmem_charge_page(struct kernel *k, struct page *page, gfp_t gfp);

/* A charged kernel page is freed: its charge goes back to this CPU's
 * stock (Linux: __memcg_kmem_uncharge_page, refill_stock). */
void memcg_kmem_uncharge_page(struct kernel *k, struct page *page);

/* Pages charged ahead to memcg in every CPU's stock (not its subtree's). */
uint64_t memcg_stock_pages(const struct kernel *k, const struct mem_cgroup *memcg);

/* Return every CPU's stocked charges of root's subtree to the counters
 * (Linux: drain_all_stock; done at once on every CPU). */
void drain_all_stock(struct kernel *k, struct mem_cgroup *root);

/* The page's last reference went: uncharge it, all folio_nr_pages of a
 * large folio (Linux: mem_cgroup_uncharge). */
void mem_cgroup_uncharge(struct kernel *k, struct page *page);

/* A large folio of nr pages headed by head is being split: each page
 * becomes its own folio charged to the head's cgroup, the charge's total
 * unchanged (Linux: split_page_memcg). */
void split_page_memcg(struct kernel *k, struct page *head, unsigned nr);

/* Move src's charge to dst, its replacement by migration: dst takes src's
 * cgroup and src none, so freeing src uncharges nothing and dst goes back
 * to the cgroup's own LRU (Linux: mem_cgroup_migrate). */
void mem_cgroup_migrate(struct kernel *k, struct page *src, struct page *dst);

/* Reclaim evicted page (it left the swap cache for entry): its memory
 * charge goes; the slot's swap charge stays (Linux: mem_cgroup_swapout). */
void mem_cgroup_swapout(struct kernel *k, struct page *page, swp_entry_t entry);

/* Charge the slot of entry, just given to page, to page's cgroup (Linux:
 * __mem_cgroup_try_charge_swap): 0, or -ENOMEM when a memory.swap.max on
 * the way up is reached (swap_max and swap_fail events). */
int mem_cgroup_try_charge_swap(struct kernel *k, struct page *page, swp_entry_t entry);

/* The slot of entry is free: uncharge it (Linux: __mem_cgroup_uncharge_swap). */
void mem_cgroup_uncharge_swap(struct kernel *k, swp_entry_t entry);

/* The cgroup charged for a swap slot, or NULL (Linux: lookup_swap_cgroup_id). */
struct mem_cgroup *lookup_swap_cgroup(struct kernel *k, swp_entry_t entry);

/* swapon / swapoff of device type: the slots' charge records. */
int swap_cgroup_swapon(struct kernel *k, int type, uint64_t max_pages);
void swap_cgroup_swapoff(struct kernel *k, int type);

/* Free swap slots memcg may still use: the least room under a
 * memory.swap.max on the way up, at most the free slots (Linux:
 * mem_cgroup_get_nr_swap_pages). */
uint64_t mem_cgroup_get_nr_swap_pages(struct kernel *k, struct mem_cgroup *memcg);

/* Pages memcg may still charge before its (or an ancestor's) memory.max
 * (Linux: mem_cgroup_margin). */
uint64_t mem_cgroup_margin(const struct mem_cgroup *memcg);

/* memory.max plus the swap it may use: what the memcg OOM killer scales
 * badness by (Linux: mem_cgroup_get_max). */
uint64_t mem_cgroup_get_max(struct kernel *k, struct mem_cgroup *memcg);

/* ---- statistics ----------------------------------------------------------- */

/* Add delta to a node counter for page, and to its cgroup's (Linux:
 * __lruvec_stat_mod_folio / __mod_lruvec_page_state). */
void __lruvec_stat_mod_folio(struct kernel *k, const struct page *page, enum node_stat_item item, long delta);

/* Add to memcg's local count of a list (the lruvec's memcg part of
 * update_lru_size). */
void mem_cgroup_update_lru_size(struct lruvec *lruvec, enum lru_list lru, long nr);

/* Count VM events in memcg (NULL: none) (Linux: count_memcg_events). */
void count_memcg_events(struct mem_cgroup *memcg, enum vm_event_item item, uint64_t nr);

/* Count an event in the cgroup of page / of mm (Linux: count_memcg_folio_events,
 * count_memcg_event_mm). */
void count_memcg_folio_events(struct kernel *k, const struct page *page, enum vm_event_item item, uint64_t nr);
void count_memcg_event_mm(struct kernel *k, const struct mm_struct *mm, enum vm_event_item item);

/* Count a memory.events event (Linux: memcg_memory_event). */
void memcg_memory_event(struct mem_cgroup *memcg, enum memcg_memory_event event);

/* memcg's subtree totals (Linux: memcg_page_state, memcg_events, the
 * hierarchical memory_events). */
int64_t memcg_page_state(struct kernel *k, struct mem_cgroup *memcg, enum node_stat_item item);
uint64_t memcg_events(struct kernel *k, struct mem_cgroup *memcg, enum vm_event_item item);
uint64_t memcg_memory_events(struct kernel *k, struct mem_cgroup *memcg, enum memcg_memory_event event);

/* Pages of list lru in lruvec's subtree, up to zone zone_idx: the node's
 * counts for the root lruvec (Linux: lruvec_page_state, lruvec_lru_size). */
uint64_t lruvec_lru_pages(struct kernel *k, struct lruvec *lruvec, enum lru_list lru);

/* ---- reclaim and limits ----------------------------------------------------- */

/* Is memcg protected from reclaim of target's subtree: at or below its
 * effective memory.min / memory.low (Linux: mem_cgroup_below_min,
 * mem_cgroup_below_low after mem_cgroup_calculate_protection)? */
void mem_cgroup_calculate_protection(struct mem_cgroup *target, struct mem_cgroup *memcg);
bool mem_cgroup_below_min(struct mem_cgroup *target, struct mem_cgroup *memcg);
bool mem_cgroup_below_low(struct mem_cgroup *target, struct mem_cgroup *memcg);

/* A task returns to user mode: reclaim what a charge put over memory.high
 * (Linux: mem_cgroup_handle_over_high, reclaim_high). */
void mem_cgroup_handle_over_high(struct kernel *k);

/* The memcg OOM killer: kill the worst process of memcg's subtree (Linux:
 * mem_cgroup_out_of_memory). True when the charge should be retried. */
bool mem_cgroup_out_of_memory(struct kernel *k, struct mem_cgroup *memcg, gfp_t gfp, int order);

/* Did the charge of the fault that just failed with VM_FAULT_OOM find
 * nothing to kill in its cgroup (only unkillable processes: init,
 * oom_score_adj -1000)? Linux retries such a fault forever (the "Huh
 * VM_FAULT_OOM leaked out to the #PF handler" livelock); the simulator
 * fails the access with ENOMEM instead. Reading clears it. */
bool mem_cgroup_oom_failed(struct kernel *k);

/* Is t's process in memcg's subtree (Linux: task_in_mem_cgroup)? */
bool task_in_mem_cgroup(struct kernel *k, const struct task_struct *t, const struct mem_cgroup *memcg);

/* Print memcg's limits and memory.stat for an OOM report (Linux:
 * mem_cgroup_print_oom_meminfo). */
void mem_cgroup_print_oom_meminfo(struct kernel *k, struct mem_cgroup *memcg);

/* memory.stat's lines into buf (Linux: memory_stat_format). emit is called
 * once per line "name value". */
void memory_stat_format(struct kernel *k, struct mem_cgroup *memcg,
			void (*emit)(void *arg, const char *name, uint64_t value), void *arg);

/* Reclaim nr_pages from memcg's subtree (vmscan.c; Linux:
 * try_to_free_mem_cgroup_pages). Pages freed. */
uint64_t try_to_free_mem_cgroup_pages(struct kernel *k, struct mem_cgroup *memcg, uint64_t nr_pages,
				      gfp_t gfp, bool may_swap);

#endif
