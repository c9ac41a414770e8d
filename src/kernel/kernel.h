/*
 * kernel/kernel.h — the simulated kernel's global state.
 *
 * Linux keeps this state in globals (node_data[], vm_event_states,
 * slab_caches, the vm.* sysctls); we keep it in one struct kernel so a host
 * process can run several machines. Every kernel function takes it first.
 * The kernel touches hardware only as a real kernel does: RAM through its
 * direct map, and (later) control registers and TLB instructions of cores.
 */
#ifndef MMSIM_KERNEL_KERNEL_H
#define MMSIM_KERNEL_KERNEL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>

#include "hw/numa.h"
#include "hw/ram.h"
#include "kernel/fs.h"
#include "kernel/gfp.h"
#include "kernel/hstate.h"
#include "kernel/mm.h"
#include "kernel/mm_types.h"
#include "kernel/mmzone.h"
#include "kernel/segment.h"
#include "kernel/swap.h"
#include "kernel/tlbflush.h"
#include "kernel/vmstat.h"

/* Linux x86-64's direct map starts here (without KASLR); addresses the
 * kernel prints are PAGE_OFFSET + physical address. */
#define PAGE_OFFSET 0xffff888000000000ULL
#define MAX_CPUS    256
#define MAX_IMAGES  16

/* A physical range the kernel does not manage (Linux: memblock.reserved or a
 * hole in the e820 map). */
struct mem_range {
	uint64_t start_pfn, end_pfn;
	bool hole;          /* no RAM at all (not present) */
	const char *what;
};
#define MAX_MEM_RANGES 16

/* Boot parameters and sysctls fixed before boot; the hardware (RAM, cores,
 * paging levels) comes from the machine. */
struct kernel_config {
	int min_free_kbytes;       /* 0: computed as Linux does at boot */
	bool no_zero_page;         /* read faults get a fresh page (pvm_no_zero_page) */
	bool thp_never;            /* transparent_hugepage/enabled "never" (else "madvise") */
	bool thp_always;           /* transparent_hugepage/enabled "always" */
	bool no_soft_dirty;        /* built without CONFIG_MEM_SOFT_DIRTY */
	bool no_anon_vma_name;     /* built without CONFIG_ANON_VMA_NAME */
	bool lsm_mmap_min_addr_set;   /* lsm_mmap_min_addr is given (else Linux's default, 65536) */
	int lsm_mmap_min_addr;     /* CONFIG_LSM_MMAP_MIN_ADDR */
	int aslr;                  /* kernel.randomize_va_space: 0 off, 1 mmap/stack/PIE,
				    * 2 also brk */
	uint64_t seed;             /* of every random choice */
	uint64_t swap_bytes;       /* a swap device swapped on at boot (0: none) */
	struct swap_device_cost swap_cost;   /* the default device's cost (model
				    * NULL: the nvme preset) */
	uint64_t disk_bytes;       /* the block device of "/" (0: 512 MiB) */
	struct swap_device_cost disk_cost;   /* its cost (model NULL: the nvme preset) */
	unsigned read_ahead_kb;    /* its queue's read_ahead_kb (0: Linux's 128) */
	bool no_readahead;         /* read_ahead_kb set to 0 */
	uint64_t memory_max;       /* new processes start in cgroup /mmsim with this
				    * memory.max (bytes; 0: in the root) */
	uint64_t nr_hugepages[2];  /* hugetlb pools at boot: 2 MiB, 1 GiB pages */
};

/* transparent_hugepage/enabled and defrag (Linux: transparent_hugepage_flags). */
enum thp_enabled { THP_ALWAYS, THP_MADVISE, THP_NEVER };
enum thp_defrag { THP_DEFRAG_ALWAYS, THP_DEFRAG_DEFER, THP_DEFRAG_DEFER_MADVISE, THP_DEFRAG_MADVISE,
		  THP_DEFRAG_NEVER };

/* The settings under /sys/kernel/mm/transparent_hugepage, and the huge
 * zero page. */
struct mm_struct;
struct thp_state {         /* kernel/huge_memory.c */
	enum thp_enabled enabled;
	enum thp_defrag defrag;
	bool use_zero_page;
	struct {
		unsigned pages_to_scan, scan_sleep_millisecs, alloc_sleep_millisecs;
		unsigned max_ptes_none, max_ptes_swap, max_ptes_shared;
		uint64_t pages_collapsed, full_scans;
		bool defrag;
	} khugepaged;
	uint64_t huge_zero_pfn;        /* 0: not allocated (yet, or freed) */
	uint32_t deferred_head, deferred_tail;   /* the deferred split queue (pfns, PFN_NIL) */
	uint64_t deferred_len;
	struct mm_struct **kh_mms;     /* the mms khugepaged scans (khugepaged_scan.mm_head) */
	size_t kh_nr, kh_cap, kh_slot; /* how many; the one being scanned */
	uint64_t kh_scan_address;      /* where in it */
	bool kh_at_head;               /* at the list's head (khugepaged_scan.mm_slot NULL) */
	uint64_t kh_clock_ms, kh_next_wake_ms;   /* simulated time; the next wakeup */
};

struct hw_machine;

struct slab_state;             /* kernel/slub.c */
struct tlb_state;              /* kernel/tlbflush.h */
struct task_struct;            /* kernel/sched.h */
struct migrate_pending;        /* kernel/migrate.h */
struct memcg_state;            /* kernel/memcontrol.h */
struct mempolicy;              /* kernel/mempolicy.h */

struct kernel {
	struct hw_machine *hw;     /* the machine the kernel runs on */
	struct ram *ram;
	uint8_t *ram_base;         /* == ram->base: the direct map's host address */
	uint64_t ram_size;         /* == ram->size; both copied for the hot paths */
	int nr_cpus;
	int this_cpu;              /* the CPU the kernel is executing on */
	int paging_levels;         /* 4 or 5 */

	struct page *mem_map;      /* struct page of every pfn, in simulated RAM */
	uint64_t max_pfn;          /* pfns [0, max_pfn) exist */
	struct mem_range ranges[MAX_MEM_RANGES];   /* holes and reservations */
	int nr_ranges;

	struct pglist_data *node_data[MAX_NUMNODES];
	int nr_online_nodes;
	uint64_t totalram_pages;        /* managed pages of all zones */
	uint64_t totalreserve_pages;    /* kept back from MemAvailable */

	struct {
		int min_free_kbytes;
		int watermark_scale_factor;
		int lowmem_reserve_ratio[MAX_NR_ZONES];
		int percpu_pagelist_high_fraction;
		int overcommit_memory;
		int overcommit_ratio;
		int max_map_count;
		int randomize_va_space;
		int mmap_min_addr;
		int panic_on_oom;               /* vm.panic_on_oom: 0, 1, 2 */
		int oom_kill_allocating_task;   /* vm.oom_kill_allocating_task */
		int oom_dump_tasks;             /* vm.oom_dump_tasks (1 at boot) */
		int swappiness;                 /* vm.swappiness: anon vs file reclaim, 0..200 */
		int watermark_boost_factor;     /* vm.watermark_boost_factor (15000) */
		int page_cluster;               /* vm.page-cluster: swap readahead of 2^n pages */
		int compaction_proactiveness;   /* vm.compaction_proactiveness (20) */
		int extfrag_threshold;          /* vm.extfrag_threshold (500) */
		int compact_unevictable_allowed;   /* vm.compact_unevictable_allowed (1) */
		int dirty_background_ratio;     /* vm.dirty_background_ratio (10): the flusher starts */
		int dirty_ratio;                /* vm.dirty_ratio (20): writers are throttled */
		int dirty_expire_centisecs;     /* vm.dirty_expire_centisecs (3000): old enough to write */
		int dirty_writeback_centisecs;  /* vm.dirty_writeback_centisecs (500): the flusher's period */
	} sysctl;
	uint64_t vm_committed_as;       /* pages committed by mappings (Committed_AS) */
	uint64_t vmalloc_total_kb;      /* VmallocTotal: depends on the paging levels */

	uint64_t vm_events[NR_VM_EVENT_ITEMS];
	reclaim_fn reclaim;             /* direct reclaim (try_to_free_pages; tests may
					 * put their own here, NULL: none) */
	struct swap_state swap;         /* swap devices and the swap knobs (swapfile.c) */
	struct tlbflush_unmap_batch tlb_ubc;    /* reclaim's pending TLB flush (rmap.c;
					 * Linux: current->tlb_ubc) */
	uint64_t tlb_batch_flushes;     /* arch_tlbbatch_flush calls */
	uint64_t swap_read_cycles, swap_write_cycles;   /* the devices' cost, charged */
	bool kswapd_pending;            /* a kswapd was woken: run it at the next return
					 * to user mode (vmscan.c); also set when a cgroup
					 * went over memory.high (memcontrol.c) */
	bool kcompactd_pending;         /* a kcompactd was woken or triggered: run it
					 * after kswapd (compaction.c) */
	bool in_reclaim;                /* direct reclaim is running: no recursion */
	struct memcg_state *memcg;      /* memory cgroups (memcontrol.c) */
	struct slab_state *slab;
	struct {
		struct kmem_cache *vm_area, *mm_struct, *anon_vma, *anon_vma_chain;
		struct kmem_cache *task_struct, *filp, *radix_node, *inode, *files;
	} mm_caches;
	struct super_block super_blocks[MAX_SUPER_BLOCKS];   /* file.c: the mounts */
	int nr_super_blocks;
	uint64_t last_ino;              /* inode numbers of the internal mounts (get_next_ino) */
	struct super_block *shm_mnt;    /* the internal tmpfs (shmem_zero_setup, memfd) */
	struct super_block *hugetlbfs_mnt[2];   /* 2 MiB and 1 GiB */
	struct file *dev_null;          /* /dev/null, open as every new process's 0, 1 and 2 */
	struct block_device disk;       /* the device of the disk filesystem (ext4.c) */
	struct super_block *root_sb;    /* that filesystem, mounted at "/" */
	struct bdi_writeback wb;        /* its flusher (page_writeback.c) */
	uint64_t sleep_ns;              /* time the machine slept (m:sleep): ktime_get_ns adds it */
	uint64_t zero_pfn;              /* empty_zero_page */
	uint64_t vdso_pfn;              /* 2 vDSO pages, then 6 of vvar data */
	bool zero_page_enabled;
	struct thp_state thp;           /* transparent huge pages (huge_memory.c) */
	struct hstate hstates[HUGE_MAX_HSTATE];   /* hugetlbfs pools: 2 MiB, 1 GiB (hugetlb.c) */
	bool soft_dirty;                /* CONFIG_MEM_SOFT_DIRTY: VM_SOFTDIRTY, pagemap bit 55 */
	bool anon_vma_name;             /* CONFIG_ANON_VMA_NAME: PR_SET_VMA_ANON_NAME works */
	uint64_t lsm_mmap_min_addr;     /* CONFIG_LSM_MMAP_MIN_ADDR: see mmap_min_addr() */
	uint64_t rng_state;             /* from the machine's seed */
	uint8_t *slab_shadow;           /* the slab allocation map (slub.c) */
	struct kmem_cache *kmalloc_caches[4][14];   /* [kmalloc type][size index] */

	/* Processes, cores and address spaces. */
	struct mm_struct init_mm;       /* the kernel's own (swapper_pg_dir) */
	struct tlb_state *tlbstate;     /* per core */
	struct task_struct **curr;      /* per core: the task running, or NULL */
	struct task_struct *tasks;      /* every task, in pid order */
	struct task_struct *current;    /* the task the kernel runs for (Linux: current):
					 * set while it faults, makes a system call or
					 * is created; NULL: the kernel's own context, as
					 * for an allocation the API makes (swapper) */
	int last_pid;
	uint64_t last_ctx_id;
	struct file *images[16];        /* program images, shared by name */
	int nr_images;

	/* Narration (kernel/trace.h): NULL when off. */
	void (*trace_fn)(void *ctx, int cpu, const char *func, const char *text);
	void *trace_ctx;

	/* The kernel log (dmesg): a ring of text, and a count of BUG reports. */
	char *log;
	uint64_t log_size, log_head, log_len;
	uint64_t nr_bug_reports;
	const char *panic_reason;       /* set by panic(): the machine has stopped */
	char panic_buf[128];

	/* Per-CPU areas, GDTs and the cpu_entry_area (kernel/segment.h). */
	struct kernel_percpu percpu;

	/* Migrations between their unmap and their move (kernel/migrate.h). */
	struct migrate_pending *migrate_pending;
	/* A guest kernel's hypervisor (sim/virt.c; NULL on bare metal): a VM
	 * exit a core took in the middle of one of this kernel's or its
	 * tasks' instructions goes to it; it handles the exit and enters the
	 * guest again, and the instruction is retried (vmexit_resume). */
	int (*hypervisor)(void *ctx, int cpu);
	void *hypervisor_ctx;
	/* NUMA: the machine's nodes of addresses and cores (hw/numa.h), or
	 * numa_one when the kernel's RAM is not the machine's (a VM's host
	 * kernel or its guest: one node). */
	const struct hw_numa *numa;
	struct hw_numa numa_one;
	struct mempolicy *mpol;         /* tasks' memory policies (mempolicy.c), nr_mpol slots */
	uint32_t nr_mpol;
};

/*
 * Boot a kernel on machine hw: lay out nodes and zones over its RAM, reserve
 * the low megabyte and mem_map, hand the rest to the buddy allocator,
 * compute watermarks, and create the slab caches. Returns 0 or a negative
 * errno: -EINVAL for an impossible configuration, -ENOMEM when the host is
 * out of memory or the simulated memory left above the watermarks cannot
 * hold the kernel's own structures. why (may be NULL) then gets the reason,
 * as a real kernel's panic message gives it.
 */
int kernel_init(struct kernel *k, struct hw_machine *hw, const struct kernel_config *cfg, char *why,
		size_t whylen);

/* The next number of the kernel's random stream (seeded from the config):
 * every randomised choice draws here, so a seed reproduces a run. */
uint64_t get_random_u64(struct kernel *k);

/* Release the host memory of k (not the RAM, which belongs to the machine). */
void kernel_destroy(struct kernel *k);

/* Append a line to the kernel log (Linux: printk). */
void printk(struct kernel *k, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Log a "BUG: ..." report and count it: a broken invariant or a bad request
 * that the kernel refused; the simulation carries on unharmed. */
void kernel_bug(struct kernel *k, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Log "Kernel panic - not syncing: ..." and stop the machine (Linux:
 * panic): panic_reason is set, and the simulator refuses to run the kernel
 * again; the state stays readable (views, the log, the checker). */
void panic(struct kernel *k, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Copy the log into buf (NUL-terminated, newest lines kept when it does not
 * fit). Returns the length the whole log needs. */
uint64_t kernel_log_read(const struct kernel *k, char *buf, uint64_t size);

/* --- direct map and frame numbers -------------------------------------- */

static inline struct page *pfn_to_page(const struct kernel *k, uint64_t pfn)
{
	return k->mem_map + pfn;
}

static inline uint64_t page_to_pfn(const struct kernel *k, const struct page *p)
{
	return (uint64_t)(p - k->mem_map);
}

static inline bool pfn_valid(const struct kernel *k, uint64_t pfn)
{
	return pfn < k->max_pfn;
}

/* Host pointer through which the kernel reaches physical address pa. */
static inline void *phys_to_virt(const struct kernel *k, uint64_t pa)
{
	return k->ram_base + pa;
}

static inline uint64_t virt_to_phys(const struct kernel *k, const void *va)
{
	return (uint64_t)((const uint8_t *)va - k->ram_base);
}

/* The kernel virtual address of a direct-map pointer, as Linux would print it. */
static inline uint64_t kaddr(const struct kernel *k, const void *va)
{
	return PAGE_OFFSET + virt_to_phys(k, va);
}

static inline void *page_address(const struct kernel *k, const struct page *p)
{
	return phys_to_virt(k, page_to_pfn(k, p) << PAGE_SHIFT);
}

/* True when va points into simulated RAM (the direct map). */
static inline bool virt_addr_valid(const struct kernel *k, const void *va)
{
	return (uint64_t)((const uint8_t *)va - k->ram_base) < k->ram_size;
}

static inline struct page *virt_to_page(const struct kernel *k, const void *va)
{
	return pfn_to_page(k, virt_to_phys(k, va) >> PAGE_SHIFT);
}

/* The zone a pfn belongs to, or NULL for a pfn outside every zone. */
struct zone *pfn_zone(const struct kernel *k, uint64_t pfn);

static inline struct zone *page_zone(const struct kernel *k, const struct page *p)
{
	return pfn_zone(k, page_to_pfn(k, p));
}

/* The hole or reservation covering pfn, or NULL when the kernel manages it. */
const struct mem_range *pfn_reserved(const struct kernel *k, uint64_t pfn);

#define for_each_online_node(k, nid) for (int nid = 0; nid < (k)->nr_online_nodes; nid++)

/* --- NUMA nodes ------------------------------------------------------- */

/* The node frame pfn belongs to (Linux: pfn_to_nid; nodes are contiguous
 * ranges of frames, so nothing per frame is stored). */
static inline int pfn_to_nid(const struct kernel *k, uint64_t pfn)
{
	return k->nr_online_nodes == 1 ? 0 : hw_pa_to_node(k->numa, pfn << PAGE_SHIFT);
}

static inline int page_to_nid(const struct kernel *k, const struct page *p)
{
	return pfn_to_nid(k, page_to_pfn(k, p));
}

/* The node a page's frame is on (Linux: page_pgdat, folio_pgdat). */
static inline struct pglist_data *page_pgdat(const struct kernel *k, const struct page *p)
{
	return k->node_data[page_to_nid(k, p)];
}

static inline struct pglist_data *NODE_DATA(const struct kernel *k, int nid)
{
	return k->node_data[nid];
}

/* The node of core cpu, and of the core the kernel runs on (Linux:
 * cpu_to_node, numa_node_id). */
static inline int cpu_to_node(const struct kernel *k, int cpu)
{
	return k->nr_online_nodes == 1 ? 0 : hw_cpu_to_node(k->numa, cpu);
}

static inline int numa_node_id(const struct kernel *k)
{
	return cpu_to_node(k, k->this_cpu);
}

/* The SLIT distance between two nodes (Linux: node_distance). */
static inline int node_distance(const struct kernel *k, int a, int b)
{
	return (int)hw_node_distance(k->numa, a, b);
}

static inline int zone_to_nid(const struct zone *z)
{
	return z->zone_pgdat->node_id;
}

#endif
