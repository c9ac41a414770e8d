/*
 * mmsim.h — the public C API of mmsim, a simulator of x86-64 memory
 * management: the MMU hardware and the Linux-like kernel that drives it.
 *
 * Everything a program (the mmsim command, the Lua module, your code) may use
 * is declared here; the handles are opaque.
 *
 * Errors: a function that can fail returns an int: 0 (or a count) on success,
 * a negative errno on failure (-EINVAL, -ENOMEM, ...). mmsim_strerror names
 * it ("EINVAL"); mmsim_last_error gives the message of the machine's last
 * failure ("ram: 3G is not a multiple of 4096 bytes").
 *
 * Determinism: the same configuration and the same calls give the same
 * results, byte for byte.
 */
#ifndef MMSIM_H
#define MMSIM_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The library builds with hidden symbols; what this header declares is its
 * interface, exported by libmmsim.so. */
#pragma GCC visibility push(default)

typedef struct mmsim_config mmsim_config;
typedef struct mmsim_machine mmsim_machine;

/* "0.1.0". */
const char *mmsim_version(void);

/* The errno name of err or -err ("ENOMEM"), "OK" for 0, "E?" if unknown. */
const char *mmsim_strerror(int err);

/* ---- configuration -------------------------------------------------------- */

/* A configuration with the defaults of the named preset (NULL: "default",
 * a 4 GiB, 2-core machine with 4-level paging). NULL with *err = -ENOENT for
 * an unknown preset, -ENOMEM. */
mmsim_config *mmsim_config_new(const char *preset, int *err);
void mmsim_config_free(mmsim_config *c);

/*
 * Set one key from text, as `-o key=value` does: "ram" (bytes, or with a
 * K/M/G/T suffix, binary: "4G"), "cores", "paging" (4 or 5),
 * "min_free_kbytes" (0: computed), "seed" (of every random choice),
 * "aslr" (0: the setarch -R layout, the default; 1 or 2: as
 * kernel.randomize_va_space), "zero_page" (1: read faults map the shared
 * zero page, Linux's default; 0: they get a fresh page), "soft_dirty" and
 * "anon_vma_name" (1, the default: the kernel is built with
 * CONFIG_MEM_SOFT_DIRTY, resp. CONFIG_ANON_VMA_NAME; 0: without),
 * "lsm_mmap_min_addr" (CONFIG_LSM_MMAP_MIN_ADDR, 65536: hints and searches
 * stay above it and vm.mmap_min_addr), then the hardware's keys ("pcid", "maxphyaddr", "stlb.entries", "lat.walk_ref",
 * ...: mmsim_config_key lists them). Returns 0, -ENOENT for an unknown
 * key or -EINVAL for a bad value; errbuf (may be NULL) then says why.
 */
int mmsim_config_set(mmsim_config *c, const char *key, const char *value,
		     char *errbuf, size_t errlen);

/* The value of key as text into buf. 0 or -ENOENT. */
int mmsim_config_get(const mmsim_config *c, const char *key, char *buf, size_t len);

/* The i-th configuration key, NULL past the last (for help and completion). */
const char *mmsim_config_key(size_t i);

/* The i-th hardware preset's name ("default", "teaching", ...) and its
 * one-line description, NULL past the last. */
const char *mmsim_preset_name(size_t i);
const char *mmsim_preset_description(size_t i);

/* A preset's full description (its TLBs, caches, latencies and sources)
 * into buf; returns what snprintf returns, or -ENOENT. */
int mmsim_preset_describe(const char *name, char *buf, size_t len);

/* ---- machines ------------------------------------------------------------- */

/* Build and boot a machine. 0 and *out, or -EINVAL (impossible
 * configuration; errbuf says which key) or -ENOMEM. */
int mmsim_machine_new(const mmsim_config *c, mmsim_machine **out, char *errbuf, size_t errlen);
void mmsim_machine_free(mmsim_machine *m);

/* The message of the last failure on m ("" when none). */
const char *mmsim_last_error(const mmsim_machine *m);

/* The value of a configuration key the machine was built with. 0 or
 * -ENOENT. */
int mmsim_machine_config_get(const mmsim_machine *m, const char *key, char *buf, size_t len);

/* ---- views ----------------------------------------------------------------- */

/*
 * The text of a /proc or debugfs file of the simulated kernel
 * ("/proc/buddyinfo", "/proc/meminfo", "/proc/zoneinfo", "/proc/pagetypeinfo",
 * "/proc/vmstat", "/proc/slabinfo", "/sys/kernel/debug/extfrag/...").
 * Returns 0 and a malloc'd NUL-terminated *text (free it with free()), or
 * -ENOENT for a path that is not served.
 */
int mmsim_proc_read(mmsim_machine *m, const char *path, char **text, size_t *len);

/* The i-th path the simulated /proc serves, NULL past the last. Files of a
 * process read "/proc/<pid>/maps"; binary files (/proc/kpageflags,
 * /proc/kpagecount, /proc/<pid>/pagemap) are listed but have no text. */
const char *mmsim_proc_path(size_t i);

/*
 * pread(2) of a /proc file, for the binary ones: "/proc/<pid>/pagemap" (one
 * u64 per virtual page: bit 63 present, 62 swapped, 61 file page or shared
 * anonymous, 56 exclusively mapped, 55 soft-dirty, bits 0-54 the PFN),
 * "/proc/kpageflags" and "/proc/kpagecount" (one u64 per PFN); text files
 * too. Offsets and lengths of the binary files are multiples of 8. flags
 * MMSIM_PROC_UNPRIVILEGED reads as a process without CAP_SYS_ADMIN: pagemap's
 * PFNs read 0 (the flags stay), kpage* are refused (-EACCES). Returns the
 * bytes read (0 at the end), or -ENOENT, -EINVAL, -ESRCH, -EACCES.
 */
#define MMSIM_PROC_UNPRIVILEGED 1

/* A /proc/kpageflags entry as its bits' names, "UPTODATE|LRU|MMAP|ANON"
 * (KPF_ names without the prefix; "BIT45" for a bit with no name). Returns
 * what snprintf returns. */
int mmsim_kpageflags_format(uint64_t flags, char *buf, size_t len);
int64_t mmsim_proc_pread(mmsim_machine *m, const char *path, uint64_t offset, void *buf,
			 size_t len, int flags);

/*
 * /proc/<pid>/pagemap of [start, end) as runs: consecutive pages whose
 * entries have the same flags (bits 55 to 63: soft-dirty, exclusive,
 * uffd-wp, guard, file, swapped, present; the frame number is left out),
 * in address order, each page of the range in one run (pages never touched,
 * or outside every VMA, too: flags 0, or soft-dirty in a soft-dirty VMA).
 * It costs what is mapped, not the size of the range: a terabyte of holes
 * is one run (on the host, with the PAGEMAP_SCAN ioctl of Linux 6.7).
 * Fills runs[0..max-1]; *walk_end is where the runs stop: end when the
 * range is done, else the address to call again from. Returns the number
 * of runs, or -EINVAL (start or end not page-aligned, start > end, max 0),
 * -ESRCH, or on a host without PAGEMAP_SCAN -E2BIG for a range too large to
 * read page by page.
 */
struct mmsim_page_run {
	uint64_t start, end;           /* virtual addresses, page-aligned */
	uint64_t flags;                /* pagemap bits 55-63 */
};
int64_t mmsim_pagemap_scan(mmsim_machine *m, int pid, uint64_t start, uint64_t end,
			   struct mmsim_page_run *runs, size_t max, uint64_t *walk_end);

/* The kernel log into buf (NUL-terminated, the newest part if it does not
 * fit). Returns the length of the whole log. */
size_t mmsim_dmesg(const mmsim_machine *m, char *buf, size_t size);

/* Run the consistency checker (every frame accounted for once, free lists
 * and slab caches consistent). Returns the number of problems found; each is
 * a "BUG:" line in the kernel log. */
uint64_t mmsim_check(mmsim_machine *m);

/* ---- the kernel's allocators, for experiments ------------------------------ */

/*
 * Allocate 2^order frames from the buddy allocator with a GFP mask written as
 * in the kernel ("GFP_KERNEL", "GFP_USER|__GFP_ZERO", "GFP_HIGHUSER_MOVABLE",
 * "GFP_DMA32", ...). 0 and *pfn, -EINVAL for a bad mask or order > 10,
 * -ENOMEM when the allocator fails.
 */
int mmsim_alloc_pages(mmsim_machine *m, const char *gfp, unsigned order, uint64_t *pfn);

/* Free what mmsim_alloc_pages gave. 0, or -EINVAL for a block that is not
 * allocated with that order (reported in the log; nothing changes). */
int mmsim_free_pages(mmsim_machine *m, uint64_t pfn, unsigned order);

/*
 * Free blocks per order 0..10 of a zone of node 0 ("DMA", "DMA32", "Normal"),
 * of one migratetype ("Unmovable", "Movable", "Reclaimable", "HighAtomic",
 * "Isolate") or of all when migratetype is NULL: the numbers of
 * /proc/pagetypeinfo and /proc/buddyinfo. 0, or -ENOENT for an unknown or
 * empty zone or an unknown type.
 */
int mmsim_free_blocks(mmsim_machine *m, const char *zone, const char *migratetype,
		      uint64_t counts[11]);

/* Give every CPU's per-CPU free pages back to the buddy lists. */
void mmsim_drain_pages(mmsim_machine *m);

/*
 * Slab caches. A cache is named by its handle, a small positive integer.
 * ctor_pattern, when not NULL, makes the cache constructed: each object is
 * filled with the pattern (repeated) once, when its slab is created.
 * Returns the handle, or -EINVAL (bad name, size, align or flags), -ENOMEM.
 */
int mmsim_kmem_cache_create(mmsim_machine *m, const char *name, size_t size, size_t align,
			    const char *flags, const char *ctor_pattern);
int mmsim_kmem_cache_destroy(mmsim_machine *m, int cache);

/* An object's kernel virtual address (0xffff888...) into *addr. */
int mmsim_kmem_cache_alloc(mmsim_machine *m, int cache, const char *gfp, uint64_t *addr);
int mmsim_kmem_cache_free(mmsim_machine *m, int cache, uint64_t addr);
/* Give the cache's empty slabs back to the page allocator: returns how
 * many it freed, or -EINVAL for a handle that is not a live cache. */
int mmsim_kmem_cache_shrink(mmsim_machine *m, int cache);

/* kmalloc / kfree by kernel virtual address. */
int mmsim_kmalloc(mmsim_machine *m, size_t size, const char *gfp, uint64_t *addr);
int mmsim_kfree(mmsim_machine *m, uint64_t addr);

/* Read len bytes of kernel memory at a kernel virtual address. 0 or -EFAULT. */
int mmsim_kread(mmsim_machine *m, uint64_t addr, void *buf, size_t len);

/* Statistics of a cache (as slabinfo shows, plus constructor runs). */
struct mmsim_slabinfo {
	char name[48];
	uint64_t active_objs, num_objs, active_slabs, num_slabs;
	unsigned objsize, object_size, objects_per_slab, pages_per_slab;
	uint64_t ctor_calls;
};
int mmsim_kmem_cache_info(mmsim_machine *m, int cache, struct mmsim_slabinfo *info);

/* ---- processes ------------------------------------------------------------- */

/*
 * Processes and threads are named by their pid (a thread's pid is its tid,
 * as on Linux). A pid stays valid until the process exits or a fatal signal
 * kills it; afterwards every call with it returns -ESRCH. Each task runs on
 * one core; calls that act as the task (system calls, accesses) run it on
 * its core first, which is a context switch when another task was running
 * there.
 */

/* A new process running program name (its comm, at most 15 characters kept)
 * on core, with the address space of a freshly exec'd small PIE: image,
 * heap start, vDSO, stack. Returns its pid, or -EINVAL (bad core),
 * -ENOMEM. */
int mmsim_spawn(mmsim_machine *m, const char *name, int core);

/* A new thread of pid's process on core, sharing its address space.
 * Returns the thread's pid, -ESRCH, -EINVAL or -ENOMEM. */
int mmsim_thread(mmsim_machine *m, int pid, int core);

/* fork(): a child of pid's process on core (-1: the parent's core) with a
 * copy-on-write copy of its address space. Returns the child's pid, -ESRCH,
 * -EINVAL or -ENOMEM (the parent is unchanged). */
int mmsim_fork(mmsim_machine *m, int pid, int core);

/* exit_group(code): every thread of pid's process exits and its memory is
 * released. 0 or -ESRCH. */
int mmsim_exit(mmsim_machine *m, int pid, int code);

/* Set the oom_score_adj of pid's process (all its threads), as writing
 * /proc/PID/oom_score_adj does: value from -1000 (the OOM killer never takes
 * it) to 1000 (it goes first). flags 0 writes as root with CAP_SYS_RESOURCE,
 * which also makes value the least the process may later set itself;
 * MMSIM_PROC_UNPRIVILEGED writes as the process itself without it, which may
 * not go below that least value (0 unless root set one; fork inherits both).
 * Returns 0, -EINVAL (value out of range), -EACCES or -ESRCH. Read it back
 * in /proc/PID/oom_score_adj; /proc/PID/oom_score gives the score. */
int mmsim_set_oom_score_adj(mmsim_machine *m, int pid, int value, int flags);

/* Move the task pid to core and run it there (a context switch with the
 * machine's PCID policy). 0, -ESRCH or -EINVAL. */
int mmsim_run_on(mmsim_machine *m, int pid, int core);

/* What the kernel knows of a task. */
struct mmsim_task_info {
	int pid, tgid, ppid;           /* ppid: 0 for a spawned process, 1 for an orphan */
	int core;
	char comm[16];
	int nr_threads;
};
int mmsim_task_info(mmsim_machine *m, int pid, struct mmsim_task_info *info);

/* The pids of the live tasks in increasing order into pids[0..max-1];
 * returns how many there are (may exceed max). */
int mmsim_tasks(mmsim_machine *m, int *pids, int max);

/* ---- system calls ---------------------------------------------------------- */

/*
 * The memory system calls of Linux x86-64, made by task pid, with Linux's
 * arguments, results and errno (the constants below have Linux's values).
 * Each returns what the system call returns on success (an address, or 0)
 * and a negative errno on failure (-ESRCH for a dead pid). mmap without
 * MMSIM_MAP_ANONYMOUS maps the file open as fd (see the file calls below).
 */
int64_t mmsim_mmap(mmsim_machine *m, int pid, uint64_t addr, uint64_t len, unsigned long prot,
		   unsigned long flags, int fd, uint64_t offset);
int64_t mmsim_munmap(mmsim_machine *m, int pid, uint64_t addr, uint64_t len);
int64_t mmsim_mprotect(mmsim_machine *m, int pid, uint64_t addr, uint64_t len, unsigned long prot);
int64_t mmsim_mremap(mmsim_machine *m, int pid, uint64_t old_addr, uint64_t old_len,
		     uint64_t new_len, unsigned long flags, uint64_t new_addr);
/* brk(addr): the new break, or the old one when refused (never an errno;
 * brk(0) asks for the current break), as the raw Linux system call. */
int64_t mmsim_brk(mmsim_machine *m, int pid, uint64_t addr);
int64_t mmsim_madvise(mmsim_machine *m, int pid, uint64_t addr, uint64_t len, int advice);
int64_t mmsim_mlock(mmsim_machine *m, int pid, uint64_t addr, uint64_t len);
int64_t mmsim_mlock2(mmsim_machine *m, int pid, uint64_t addr, uint64_t len, unsigned flags);
int64_t mmsim_munlock(mmsim_machine *m, int pid, uint64_t addr, uint64_t len);
int64_t mmsim_mlockall(mmsim_machine *m, int pid, int flags);
int64_t mmsim_munlockall(mmsim_machine *m, int pid);
/* prctl(PR_SET_MM, opt, addr): set one field of pid's memory map, opt one
 * of Linux's PR_SET_MM_START_CODE (1) ... PR_SET_MM_ENV_END (11): 6
 * PR_SET_MM_START_BRK and 7 PR_SET_MM_BRK place the heap brk() grows (a
 * trace replay gives the program its captured break so). 0, -EINVAL (an
 * option not among those, an address outside [vm.mmap_min_addr,
 * TASK_SIZE), fields out of order: start_brk <= brk, start_data <=
 * end_data, ...), -EFAULT, -ESRCH. */
int64_t mmsim_prctl_set_mm(mmsim_machine *m, int pid, int opt, uint64_t addr);
/* prctl(PR_SET_VMA, PR_SET_VMA_ANON_NAME, addr, len, name): name the
 * anonymous VMAs of the range ("[anon:name]" in maps); NULL clears. */
int64_t mmsim_set_vma_anon_name(mmsim_machine *m, int pid, uint64_t addr, uint64_t len,
				const char *name);

/* Linux's values (asm-generic/mman-common.h, x86 mman.h). */
enum {
	MMSIM_PROT_NONE = 0x0, MMSIM_PROT_READ = 0x1, MMSIM_PROT_WRITE = 0x2, MMSIM_PROT_EXEC = 0x4,
	MMSIM_PROT_GROWSDOWN = 0x01000000, MMSIM_PROT_GROWSUP = 0x02000000,
};
enum {
	MMSIM_MAP_SHARED = 0x01, MMSIM_MAP_PRIVATE = 0x02, MMSIM_MAP_SHARED_VALIDATE = 0x03,
	MMSIM_MAP_FIXED = 0x10, MMSIM_MAP_ANONYMOUS = 0x20, MMSIM_MAP_32BIT = 0x40,
	MMSIM_MAP_GROWSDOWN = 0x100, MMSIM_MAP_DENYWRITE = 0x800, MMSIM_MAP_EXECUTABLE = 0x1000,
	MMSIM_MAP_LOCKED = 0x2000, MMSIM_MAP_NORESERVE = 0x4000, MMSIM_MAP_POPULATE = 0x8000,
	MMSIM_MAP_NONBLOCK = 0x10000, MMSIM_MAP_STACK = 0x20000, MMSIM_MAP_HUGETLB = 0x40000,
	MMSIM_MAP_SYNC = 0x80000, MMSIM_MAP_FIXED_NOREPLACE = 0x100000,
	MMSIM_MAP_UNINITIALIZED = 0x4000000,
};
enum {
	MMSIM_MADV_NORMAL = 0, MMSIM_MADV_RANDOM = 1, MMSIM_MADV_SEQUENTIAL = 2,
	MMSIM_MADV_WILLNEED = 3, MMSIM_MADV_DONTNEED = 4, MMSIM_MADV_FREE = 8,
	MMSIM_MADV_REMOVE = 9, MMSIM_MADV_DONTFORK = 10, MMSIM_MADV_DOFORK = 11,
	MMSIM_MADV_MERGEABLE = 12, MMSIM_MADV_UNMERGEABLE = 13, MMSIM_MADV_HUGEPAGE = 14,
	MMSIM_MADV_NOHUGEPAGE = 15, MMSIM_MADV_DONTDUMP = 16, MMSIM_MADV_DODUMP = 17,
	MMSIM_MADV_WIPEONFORK = 18, MMSIM_MADV_KEEPONFORK = 19, MMSIM_MADV_COLD = 20,
	MMSIM_MADV_PAGEOUT = 21, MMSIM_MADV_POPULATE_READ = 22, MMSIM_MADV_POPULATE_WRITE = 23,
	MMSIM_MADV_DONTNEED_LOCKED = 24, MMSIM_MADV_COLLAPSE = 25,
	MMSIM_MADV_GUARD_INSTALL = 102, MMSIM_MADV_GUARD_REMOVE = 103,
};
enum { MMSIM_MREMAP_MAYMOVE = 1, MMSIM_MREMAP_FIXED = 2, MMSIM_MREMAP_DONTUNMAP = 4 };
enum { MMSIM_MLOCK_ONFAULT = 1 };
enum { MMSIM_MCL_CURRENT = 1, MMSIM_MCL_FUTURE = 2, MMSIM_MCL_ONFAULT = 4 };

/*
 * ---- file system calls ----
 * Made by task pid with Linux's arguments, results and errnos, as the
 * memory calls above. The simulator has tmpfs mounted on /dev/shm and
 * /tmp (flat: no directories), /dev/null, and memfd_create's files;
 * every process starts with descriptors 0, 1 and 2 open on /dev/null,
 * fork copies the descriptors, exit closes them. pread and pwrite move
 * bytes between the file and buf, the caller's memory (not the
 * process's). The host backend runs them on the real kernel, with the
 * script's paths under /dev/shm and /tmp moved into a directory of its
 * own that it removes at the end (docs/user-guide.md, "Files").
 */
int mmsim_open(mmsim_machine *m, int pid, const char *path, unsigned flags, unsigned mode);
int mmsim_close(mmsim_machine *m, int pid, int fd);
int mmsim_dup(mmsim_machine *m, int pid, int fd);
int64_t mmsim_pread(mmsim_machine *m, int pid, int fd, void *buf, uint64_t len, int64_t offset);
int64_t mmsim_pwrite(mmsim_machine *m, int pid, int fd, const void *buf, uint64_t len, int64_t offset);
int mmsim_ftruncate(mmsim_machine *m, int pid, int fd, int64_t length);
int mmsim_unlink(mmsim_machine *m, int pid, const char *path);
int mmsim_memfd_create(mmsim_machine *m, int pid, const char *name, unsigned flags);

/* What fstat reports (struct stat's fields that matter here). */
struct mmsim_file_stat {
	unsigned dev_major, dev_minor;   /* st_dev */
	uint64_t ino;
	unsigned mode;                   /* S_IFREG | 0644 ... */
	unsigned nlink;
	uint64_t size;
	uint64_t blocks;                 /* 512-byte units */
	unsigned blksize;
	unsigned rdev_major, rdev_minor; /* of a device (/dev/null: 1:3) */
};
int mmsim_fstat(mmsim_machine *m, int pid, int fd, struct mmsim_file_stat *st);

/*
 * fsync and fdatasync: write the file's dirty pages to its device (the
 * disk filesystem mounted at "/"); nothing to do on tmpfs. 0, or -EBADF,
 * -EINVAL (/dev/null), -ENOSPC (the simulated device is full).
 * posix_fadvise(fd, offset, len, advice) with Linux's advice numbers
 * (MMSIM_POSIX_FADV_*): readahead mode, WILLNEED reads ahead, DONTNEED
 * writes the range's dirty pages and drops its clean unmapped ones from
 * the page cache (on the disk filesystem; tmpfs ignores advice). Returns
 * 0 (not an errno in errno's place, as the C library's wrapper returns
 * it) or -EBADF, -EINVAL (a bad advice, a negative len).
 */
int mmsim_fsync(mmsim_machine *m, int pid, int fd);
int mmsim_fdatasync(mmsim_machine *m, int pid, int fd);
int mmsim_fadvise(mmsim_machine *m, int pid, int fd, int64_t offset, int64_t len, int advice);
/*
 * msync(addr, len, flags): MMSIM_MS_SYNC writes the dirty pages of the
 * shared file mappings in the range to their device; MMSIM_MS_ASYNC does
 * nothing more (Linux tracks dirty pages); MMSIM_MS_INVALIDATE is refused
 * on locked mappings. 0, or -EINVAL (unknown flags, addr not page-aligned,
 * ASYNC with SYNC), -ENOMEM (a hole in the range; ASYNC alone stops
 * there), -EBUSY (INVALIDATE on a locked mapping).
 */
int64_t mmsim_msync(mmsim_machine *m, int pid, uint64_t addr, uint64_t len, int flags);
enum { MMSIM_MS_ASYNC = 1, MMSIM_MS_INVALIDATE = 2, MMSIM_MS_SYNC = 4 };

/*
 * mincore(addr, len, vec): vec[i] (one byte per page of the range, len
 * rounded up to pages) gets 1 when the page is resident: mapped, in its
 * file's page cache, or in the swap cache. 0, or -EINVAL (addr not
 * page-aligned), -ENOMEM (the range has unmapped pages or leaves the
 * address space), -EFAULT (vec NULL).
 */
int mmsim_mincore(mmsim_machine *m, int pid, uint64_t addr, uint64_t len, unsigned char *vec);
enum {
	MMSIM_POSIX_FADV_NORMAL = 0, MMSIM_POSIX_FADV_RANDOM = 1, MMSIM_POSIX_FADV_SEQUENTIAL = 2,
	MMSIM_POSIX_FADV_WILLNEED = 3, MMSIM_POSIX_FADV_DONTNEED = 4, MMSIM_POSIX_FADV_NOREUSE = 5,
};

/* Linux's values (x86-64 fcntl.h, memfd.h). */
enum {
	MMSIM_O_RDONLY = 0, MMSIM_O_WRONLY = 01, MMSIM_O_RDWR = 02, MMSIM_O_CREAT = 0100,
	MMSIM_O_EXCL = 0200, MMSIM_O_NOCTTY = 0400, MMSIM_O_TRUNC = 01000, MMSIM_O_APPEND = 02000,
	MMSIM_O_NONBLOCK = 04000, MMSIM_O_DIRECT = 040000, MMSIM_O_LARGEFILE = 0100000,
	MMSIM_O_DIRECTORY = 0200000, MMSIM_O_NOFOLLOW = 0400000, MMSIM_O_CLOEXEC = 02000000,
	MMSIM_O_TMPFILE = 020200000,
};
enum {
	MMSIM_MFD_CLOEXEC = 1, MMSIM_MFD_ALLOW_SEALING = 2, MMSIM_MFD_HUGETLB = 4,
	MMSIM_MFD_NOEXEC_SEAL = 8, MMSIM_MFD_EXEC = 0x10,
};

/*
 * Flags as text, the way scripts write them: the C names in lower case
 * without their prefix, joined with '|'. kind is "prot" (also "r", "rw",
 * "rwx", "none"), "map", "madv", "mremap", "mlock", "mcl", "open" (the
 * O_ flags: "rdwr|creat"), "mfd", "mpol" (a memory policy's mode and
 * flags: "bind|static_nodes") or "mpol_get" (get_mempolicy's: "addr|node").
 * "" is 0.
 * Returns 0 and *out, or -EINVAL naming the bad word in errbuf.
 */
int mmsim_parse_flags(const char *kind, const char *text, unsigned long *out, char *errbuf,
		      size_t errlen);

/* The reverse: value as text of kind ("read|write", "private|anonymous";
 * unknown bits as hex). Returns what snprintf returns. */
int mmsim_format_flags(const char *kind, unsigned long value, char *buf, size_t len);

/* ---- accesses through the MMU ---------------------------------------------- */

enum mmsim_access { MMSIM_READ, MMSIM_WRITE, MMSIM_FETCH };

/* The fatal signal an access raised (Linux's siginfo numbers). */
struct mmsim_fault {
	int signo;                     /* 11 SIGSEGV, 7 SIGBUS, 9 SIGKILL (OOM) */
	int code;                      /* si_code: 1 SEGV_MAPERR, 2 SEGV_ACCERR, ... */
	uint64_t addr;                 /* si_addr */
	int trapno;                    /* 14 #PF, 13 #GP */
	uint32_t error_code;           /* the #PF error code */
};

/*
 * Task pid reads, writes or fetches len bytes at addr from its core in user
 * mode, through the TLBs and page walks, crossing pages; page faults are
 * handled by the kernel and the access resumes, as the instruction would.
 * An access of 1, 2, 4 or 8 bytes is one instruction (a MOV of that width):
 * every page it touches is translated before a byte moves, so when it
 * straddles two pages and the second faults fatally, nothing is stored.
 * Any other length is a copy loop, a page at a time, as a memcpy: a fatal
 * fault leaves the bytes before the faulting page moved.
 * Returns 0; -EFAULT when a fault was fatal (*fault, if not NULL, says which
 * signal, at the first byte of the page that faulted: the process is dead,
 * as on Linux); -ESRCH for a dead pid.
 */
int mmsim_access(mmsim_machine *m, int pid, uint64_t addr, void *buf, size_t len,
		 enum mmsim_access kind, struct mmsim_fault *fault);

/* One access of one byte per page of [addr, addr + len), as a program
 * touching its memory does, except that a write stores the byte already
 * there (memory keeps its contents; faults, TLB fills and the A and D flags
 * are those of a write). Same results as mmsim_access. buf NULL in
 * mmsim_access touches the same way. */
int mmsim_touch(mmsim_machine *m, int pid, uint64_t addr, uint64_t len, enum mmsim_access kind,
		struct mmsim_fault *fault);

/* One access of a batch (mmsim_access_batch): size bytes at addr (1 ..
 * 4096), of kind MMSIM_READ, MMSIM_WRITE, MMSIM_FETCH or MMSIM_MODIFY (a
 * read-modify-write instruction, translated once for writing as x86 does);
 * flags 0; tid is the caller's (a trace's thread id) and is not read. The
 * 16 bytes of an access record of the trace format (docs/trace-format.md). */
struct mmsim_ref {
	uint64_t addr;
	uint16_t size;
	uint8_t kind;
	uint8_t flags;
	uint32_t tid;
};
#define MMSIM_MODIFY 3

/* What one access of a batch needed: the deepest structure that
 * translated it, plus MMSIM_REF_FAULTED when it took page faults, plus
 * MMSIM_REF_HUGE when a page larger than 4 KiB (a 2 MiB THP or a 1 GiB
 * page) translated it (after its faults, if any). */
enum { MMSIM_REF_L1_HIT = 0, MMSIM_REF_L2_HIT = 1, MMSIM_REF_WALK = 2, MMSIM_REF_FAULTED = 4 };
enum { MMSIM_REF_HUGE = 8 };

/*
 * The accesses refs[0..n-1] by task pid, in order, each one instruction
 * touching its bytes (faults, TLB fills, A and D flags as mmsim_touch; no
 * byte moves), with one switch to the task's core for the whole batch: the
 * fast path of a trace replay. outcome, when not NULL, gets an
 * MMSIM_REF_* code per access. *done (not NULL) is the number of accesses
 * completed. Returns 0; -EINVAL for a bad ref (the message names its index;
 * nothing ran); -EFAULT when refs[*done] was fatal (*fault as mmsim_access;
 * the process is dead); -ESRCH; -EOPNOTSUPP on the host backend.
 */
int mmsim_access_batch(mmsim_machine *m, int pid, const struct mmsim_ref *refs, size_t n,
		       uint8_t *outcome, size_t *done, struct mmsim_fault *fault);
/* One step of mmsim_interleave. */
enum mmsim_step_op { MMSIM_STEP_STORE, MMSIM_STEP_LOAD, MMSIM_STEP_MFENCE, MMSIM_STEP_DRAIN };
struct mmsim_step {
	int pid;                       /* the task; it runs on its core */
	enum mmsim_step_op op;
	uint64_t addr;                 /* STORE, LOAD: a virtual address */
	unsigned len;                  /* STORE, LOAD: 1, 2, 4 or 8 bytes */
	uint64_t value;                /* STORE: what it stores (little-endian);
					* LOAD: filled with what it read */
};

/*
 * Run steps in order, each task's accesses one instruction each from its
 * core, with every core's store buffer holding its stores (x86-TSO; the
 * machine's sb.entries, docs/caches.md): a STORE enters its core's store
 * buffer, invisible to the other cores; a LOAD reads memory with the
 * core's own buffered stores over it; MFENCE drains the core's buffer;
 * DRAIN drains its oldest store (when a buffer drains is up to the
 * caller: real buffers drain "eventually"). A full buffer, a page fault
 * and a context switch drain the core's buffer too; at the end every
 * buffer drains. With sb.entries = 0 every store is visible at once.
 * Returns 0, -EINVAL (a bad step: nothing ran), -ESRCH, or -EFAULT (a
 * fatal fault in a step: *fault says which; the steps before it ran).
 */
int mmsim_interleave(mmsim_machine *m, struct mmsim_step *steps, size_t n, struct mmsim_fault *fault);

/* Names for a fault's numbers: "SIGSEGV", "SEGV_ACCERR" ("SI_KERNEL", ...). */
const char *mmsim_signal_name(int signo);
const char *mmsim_sigcode_name(int signo, int code);

/* The physical address va maps to in pid's page tables (no TLB, no fault,
 * nothing changes): 0 and *pa, -ENOENT when nothing is mapped, -ESRCH. */
int mmsim_virt_to_phys(mmsim_machine *m, int pid, uint64_t va, uint64_t *pa);

/*
 * Move the page va maps in pid to another frame, as the kernel's page
 * migration does: its mappings become migration entries, the bytes are
 * copied, every mapping (forked children, other mappers of a shmem file)
 * then maps the new frame and the TLBs are shot down. A debugging aid:
 * Linux moves pages by compaction, NUMA balancing and move_pages(2) to
 * another node. 0 and *pfn the new frame; -EFAULT when va maps no ordinary
 * page (nothing, the zero page), -EBUSY when the page cannot move now (a
 * huge page, an extra reference), -ENOMEM, -ESRCH.
 */
int mmsim_migrate_page(mmsim_machine *m, int pid, uint64_t va, uint64_t *pfn);

/* ---- knobs ----------------------------------------------------------------- */

/* sysctl-like settings of the running kernel, by their /proc/sys name with
 * dots: "vm.overcommit_memory", "vm.overcommit_ratio", "vm.max_map_count",
 * "vm.mmap_min_addr",
 * "vm.min_free_kbytes", "vm.watermark_scale_factor", "vm.watermark_boost_factor",
 * "vm.percpu_pagelist_high_fraction", "vm.swappiness", "vm.page-cluster",
 * "kernel.randomize_va_space", "kernel.mm.swap.vma_ra_enabled",
 * "vm.dirty_background_ratio", "vm.dirty_ratio", "vm.dirty_expire_centisecs",
 * "vm.dirty_writeback_centisecs". Values
 * as text. 0, -ENOENT (unknown name) or -EINVAL (bad value; see
 * mmsim_last_error). */
int mmsim_sysctl_set(mmsim_machine *m, const char *name, const char *value);
int mmsim_sysctl_get(mmsim_machine *m, const char *name, char *buf, size_t len);
const char *mmsim_sysctl_name(size_t i);

/* ---- swap devices ------------------------------------------------------------ */

/* A swap device to add (what mkswap + swapon(2) do on Linux). */
struct mmsim_swap_device {
	uint64_t size;         /* bytes, a multiple of 4096, 8K to 512G; the first
				* page holds the header, as mkswap's does */
	int priority;          /* -1: the next default (-2, -3, ...), else 0..32767 */
	const char *model;     /* what its I/O costs: "nvme", "hdd", "zram", or NULL
				* for the machine's swap_device */
	int64_t read_ns, write_ns, mbps;   /* override the model's latencies (ns per
				* request) and bandwidth (MB/s); -1 keeps them */
};

/*
 * swapon: add a swap device; it holds the real bytes of the pages swapped
 * to it, in host memory only as they are written. Returns its type (0, 1,
 * ...: the number /proc/swaps lists it by, and swap entries name), or
 * -EINVAL (a bad size, priority, model or cost), -EPERM (23 devices
 * already), -ENOMEM (no host memory for its map); mmsim_last_error says
 * why. The host backend refuses it: it would change this machine.
 */
int mmsim_swapon(mmsim_machine *m, const struct mmsim_swap_device *dev);

/*
 * swapoff: bring every page on device type back into memory and remove it.
 * 0, or -EINVAL (no such device), -ENOMEM (not enough memory, or the
 * commit limit without it would be passed: the device stays on).
 */
int mmsim_swapoff(mmsim_machine *m, int type);

/* Let ms milliseconds pass with every process idle: the simulated clock
 * (the cost model's cycles at 3 GHz, plus the time slept) moves on and the
 * kernel's periodic threads that fall due run: the flusher's writeback
 * (vm.dirty_writeback_centisecs, vm.dirty_expire_centisecs), khugepaged
 * (every transparent_hugepage/khugepaged/scan_sleep_millisecs it scans
 * pages_to_scan pages). The host backend sleeps for real (the host's
 * threads run on its own clock). 0, or -EINVAL (more than an hour). */
int mmsim_sleep(mmsim_machine *m, uint64_t ms);

/* ---- frames ----------------------------------------------------------------- */

/* What the kernel's struct page of one frame says. */
struct mmsim_page_info {
	uint64_t pfn;
	const char *kind;      /* "free" (in the buddy or a per-CPU list), "anon",
				* "file", "shmem", "swapcache" (read from swap,
				* not yet mapped), "zero" (the zero page), "slab",
				* "pagetable", "kernel" (other allocations),
				* "reserved" (never given to the allocator) */
	int refcount;          /* page_ref_count */
	int mapcount;          /* PTEs mapping it (anon, file, shmem pages) */
	unsigned order;        /* of the free block or allocation it heads */
	char flags[192];       /* the PG_ flags set, by Linux name: "uptodate|lru|..." */
};

/* The frame pfn. 0, or -EINVAL for a pfn the machine does not have. */
int mmsim_page_info(mmsim_machine *m, uint64_t pfn, struct mmsim_page_info *info);

/* ---- counters -------------------------------------------------------------- */

/* A /proc/vmstat counter by name ("pgfree", "nr_free_pages", ...). 0 and
 * *value, or -ENOENT. */
int mmsim_vmstat(mmsim_machine *m, const char *name, uint64_t *value);

/* One named counter. Names are dotted paths ("tlb.l1d.hit.4k",
 * "faults.minor"), stable across releases; scripts turn them into nested
 * tables and --json into objects. */
struct mmsim_stat {
	char name[48];
	uint64_t value;
};

/*
 * The machine's counters: the hardware's summed over cores (accesses by
 * kind; TLB hits and misses per level and page size; walks, walk
 * references, paging-structure-cache hits; page faults by error code; TLB
 * invalidations by kind; cycles of the cost model), then each core's as
 * "cpuN.<name>", then the kernel's (faults, shootdowns: vmstat's names).
 * Fills out[0..max-1] and returns how many there are.
 */
size_t mmsim_machine_stats(mmsim_machine *m, struct mmsim_stat *out, size_t max);

/*
 * A task's counters: "minflt" and "majflt" with getrusage's meaning (its
 * process's threads summed for a leader, as RUSAGE_SELF), then what the
 * MMU did for its accesses: "accesses", "tlb.hit", "tlb.miss", "walks",
 * "walk_refs", "pwc.hit", "page_faults", "cycles". Returns the count
 * (filling at most max), or -ESRCH.
 */
int mmsim_task_stats(mmsim_machine *m, int pid, struct mmsim_stat *out, size_t max);

/* ---- explain mode ----------------------------------------------------------- */

/*
 * Narration: from now on fn(ctx, line) receives, line by line, everything
 * the machine does for the API calls made: each system call with its
 * arguments and result; for each access the TLB probes, the virtual address
 * split into its table indexes, each walk step (Intel and Linux level
 * names, the entry decoded), the permission decision, the page-fault
 * handler's steps named after the Linux functions, the PTEs written, the
 * TLB flushes and shootdowns. fn NULL turns it off. Lines have no newline.
 */
typedef void (*mmsim_explain_fn)(void *ctx, const char *line);
/* Returns 0, or -EOPNOTSUPP on a host machine (real kernels do not narrate). */
int mmsim_explain(mmsim_machine *m, mmsim_explain_fn fn, void *ctx);

/* ---- the host backend ------------------------------------------------------- */

/*
 * A machine whose processes are real processes of this Linux machine: each
 * task is a thread of a small helper program that performs the calls on
 * request (real mmap, munmap, ..., fork, exit; real loads and stores), and
 * reports the page faults of each operation exactly (getrusage deltas
 * around it; the helper takes none of its own). The same process, system
 * call, access, view (the real /proc) and counter functions work on it;
 * what the host cannot do (explain, the kernel's allocators, struct page,
 * sysctl writes, presets) fails with -EOPNOTSUPP and says so in
 * mmsim_last_error. options: NULL or "key=value" strings, NULL-terminated:
 * "aslr" (0, the default: processes run with personality ADDR_NO_RANDOMIZE,
 * the setarch -R layout; 1 or 2: the host's randomisation). 0 and *out,
 * -EINVAL (a bad option; errbuf says which), -ENOSYS (not Linux x86-64),
 * -ENOMEM. docs/oracle.md describes it.
 */
int mmsim_host_new(const char *const *options, mmsim_machine **out, char *errbuf, size_t errlen);

/* 1 for a machine made by mmsim_host_new, 0 for a simulated one. */
int mmsim_machine_is_host(const mmsim_machine *m);

/* The name of the backend behind m: "simulator" (mmsim_machine_new) or
 * "host" (mmsim_host_new); the name its -EOPNOTSUPP messages give. */
const char *mmsim_machine_backend(const mmsim_machine *m);

/* What the host's kernel is set to, for a simulated machine that should
 * behave the same (mmsim diff applies it). */
struct mmsim_host_settings {
	char thp[16];                  /* transparent_hugepage/enabled: "always", "madvise", "never" */
	int overcommit_memory, overcommit_ratio, max_map_count;
	int mmap_min_addr;
	int randomize_va_space;
	int paging;                    /* levels of page tables in use: 4 or 5 */
	int zero_page;                 /* 1: read faults map the shared zero page (measured) */
	int soft_dirty;                /* 1: CONFIG_MEM_SOFT_DIRTY (new VMAs show "sd") */
	int anon_vma_name;             /* 1: prctl(PR_SET_VMA_ANON_NAME) works */
	int cpus;                      /* CPUs this process may use (its affinity) */
	uint64_t ram_bytes;            /* MemTotal */
	int cap_sys_admin;             /* PFNs and /proc/kpage* are readable */
	int lsm_mmap_min_addr;         /* where a hint below it goes: the larger of
					* CONFIG_LSM_MMAP_MIN_ADDR and mmap_min_addr
					* (measured; 65536 when it cannot be) */
	int stale_rewalk;              /* 1: a write through a TLB entry a permission
					* upgrade left stale does not fault: the CPU
					* walks again (AMD, Hygon); 0: it may fault once
					* (others); from /proc/cpuinfo's vendor */
	uint64_t swap_bytes;           /* SwapTotal: 0 when the host has no swap */
	int swap_rotational;           /* 1: a swap device on a rotational disk
					* (Linux then reads ahead by slot, not by VMA) */
	int read_ahead_kb;             /* of the disk holding /var/tmp, where the host
					* backend keeps the script's files of "/" (the
					* simulated disk); -1 when not on a block device */
	int memcg;                     /* the memory cgroup controller mmsim.host{memory_max=}
					* uses: 2 (v2), 1 (v1), 0 none (not root, or none
					* mounted) */
	int nr_hugepages[2];           /* hugetlb pools: 2 MiB and 1 GiB pages (-1: no
					* 1 GiB pool on this host) */
	int free_hugepages[2];         /* of them, free now */
	int nr_overcommit_hugepages;   /* vm.nr_overcommit_hugepages */
	int page_cluster, swappiness;  /* vm.page-cluster, vm.swappiness */
};
/* Measure them. 0, or a negative errno with errbuf saying what failed. */
int mmsim_host_probe(struct mmsim_host_settings *s, char *errbuf, size_t errlen);

/* ---- the machine's state, for pictures --------------------------------------
 * What the page tables, the TLBs and physical memory hold now, read without
 * changing anything (no TLB fill, no A/D flag, no counter). The simulator
 * serves them; the host backend does not (a process cannot see its page
 * tables, its CPU's TLBs or the kernel's frames). */

/* One entry of a page table. Levels are numbered as the SDM does, from the
 * leaf up: 1 PT, 2 PD, 3 PDPT, 4 PML4, 5 PML5. */
struct mmsim_pt_entry {
	uint64_t va;                   /* the first virtual address it maps (canonical) */
	uint64_t entry_pa;             /* where it is: its table + 8 * index */
	uint64_t entry;                /* its value (x86-64 format: bit 0 P, 1 RW, 2 US,
					* 5 A, 6 D, 7 PS, 8 G, 63 NX; bits 12-51 the frame) */
	int level;                     /* of the table it is in */
	unsigned index;                /* in that table, 0..511 */
};

/*
 * The page tables of pid's address space over [start, end) (end > start;
 * the kernel half too, by its canonical addresses): every entry that is
 * not zero in every table the walk from CR3 reaches, whose range meets
 * [start, end), depth first (an entry, then the table it points to), in
 * address order. An entry maps a page when it is at level 1, or at level 2
 * or 3 with PS; a non-zero entry without P (a swap entry, PROT_NONE) is
 * listed but leads nowhere. *root (may be NULL) gets the root table's
 * physical address. Fills out[0..max-1] and returns how many entries there
 * are (may be more than max), or -EINVAL (end <= start), -ESRCH.
 */
int64_t mmsim_page_tables(mmsim_machine *m, int pid, uint64_t start, uint64_t end, uint64_t *root,
			  struct mmsim_pt_entry *out, size_t max);

/* A translation step by step: the walk the MMU of pid's core would make
 * now for a user-mode access of kind at va in pid's address space, from
 * CR3, without TLBs or paging-structure caches, and its outcome. */
struct mmsim_walk {
	uint64_t va;
	uint64_t root;                 /* the root table (CR3's address) */
	int levels;                    /* of paging: 4 or 5 */
	int nsteps;                    /* entries read, from the root down */
	struct {
		int level;
		unsigned index;        /* the 9 bits of va that chose the entry */
		uint64_t entry_pa, entry;
	} step[5];
	int vector;                    /* 0 translated, 14 #PF, 13 #GP (non-canonical va) */
	uint32_t error_code;           /* of the #PF */
	int fault_level;               /* the level whose entry decided the fault, 0 none */
	char why[96];                  /* the rule that decided, as explain says it:
					* "P=0 at PD: no translation", "allowed" */
	uint64_t pa;                   /* translated: the physical address */
	unsigned page_shift;           /* translated: 12, 21 or 30 */
};
/* 0, or -EINVAL (bad kind), -ESRCH. */
int mmsim_walk(mmsim_machine *m, int pid, uint64_t va, enum mmsim_access kind, struct mmsim_walk *w);

/* One translation cache of a core: a TLB or a paging-structure cache. */
struct mmsim_tlb_info {
	char name[24];                 /* as explain names it: "L1 dTLB-4K", "STLB", "PDE cache" */
	char key[16];                  /* its configuration keys' prefix: "dtlb4k", "pwc.pde" */
	int level;                     /* TLBs: 1 or 2; paging-structure caches: 0 */
	uint32_t sets, ways;
	unsigned sizes;                /* TLBs: the page sizes it holds, bit 0 4 KiB, 1 2 MiB,
					* 2 1 GiB; caches: 0 */
	uint32_t valid;                /* entries in use */
};
/* The i-th translation cache of core (those the machine has, TLBs first).
 * 0, -ENOENT past the last, -EINVAL for a bad core. */
int mmsim_tlb_info(mmsim_machine *m, int core, int i, struct mmsim_tlb_info *info);

/* One valid entry of a translation cache. */
#define MMSIM_TLB_W  1                 /* writable (every level allowed writes) */
#define MMSIM_TLB_U  2                 /* user */
#define MMSIM_TLB_XD 4                 /* execute-disable (some level set NX) */
#define MMSIM_TLB_D  8                 /* dirty (TLBs) */
struct mmsim_tlb_entry {
	uint32_t set, way;
	uint64_t va;                   /* TLB: the virtual page (canonical); cache: the first
					* address of the region whose table it holds */
	uint64_t pa;                   /* TLB: the physical page; cache: the table */
	unsigned shift;                /* TLB: the entry's size (12, 21, 30); cache: the
					* region's (21 PDE, 30 PDPTE, 39 PML4E, 48 PML5E) */
	unsigned page_shift;           /* TLB: the size of the page it translates (larger
					* than shift for a piece of a larger page) */
	unsigned pcid;
	int global;
	unsigned rights;               /* MMSIM_TLB_* */
};
/* The valid entries of core's i-th translation cache, by set and way.
 * Fills out[0..max-1] and returns how many there are (may exceed max), or
 * -ENOENT (no such cache), -EINVAL (bad core). */
int64_t mmsim_tlb_entries(mmsim_machine *m, int core, int i, struct mmsim_tlb_entry *out, size_t max);

/* A run of frames [pfn, pfn + count) of one kind, in one zone, made of
 * blocks of one order (mmsim_page_info's kind; "free" blocks are the buddy
 * allocator's, or single frames on a per-CPU list when pcp is 1). */
struct mmsim_frame_run {
	uint64_t pfn, count;
	const char *kind;              /* "free", "anon", "file", "shmem", "zero", "slab",
					* "pagetable", "kernel", "reserved" */
	unsigned order;                /* of each block: free blocks, and allocations */
	int pcp;                       /* 1: free on a per-CPU list */
	const char *zone;              /* "DMA", "DMA32", "Normal", "" outside every zone */
};
/* Physical memory from frame pfn to end_pfn (clipped to the machine's
 * frames) as runs, in order. Fills runs[0..max-1], sets *next (may be
 * NULL) to the frame where they stop (end_pfn, clipped, when done: call
 * again from there otherwise), returns how many it filled, or -EINVAL
 * (pfn past the last frame, max 0). It costs the number of blocks, not
 * of frames: a terabyte of free memory is a few runs. */
int64_t mmsim_frame_runs(mmsim_machine *m, uint64_t pfn, uint64_t end_pfn, struct mmsim_frame_run *runs,
			 size_t max, uint64_t *next);

/* ---- segments and TLS ---------------------------------------------------------- */

/*
 * x86-64 segmentation as Linux uses it: FS and GS bases for thread-local
 * storage (arch_prctl), TLS descriptors in the GDT (set_thread_area), a
 * process's LDT (modify_ldt), and code that loads segment registers and
 * addresses memory through them. docs/mmu.md (Segmentation) and the user
 * guide's "Segments and TLS" describe the model.
 */

/* The segment registers, in the CPU's encoding order. */
enum mmsim_seg { MMSIM_SEG_ES, MMSIM_SEG_CS, MMSIM_SEG_SS, MMSIM_SEG_DS, MMSIM_SEG_FS, MMSIM_SEG_GS };

/* arch_prctl codes (Linux's asm/prctl.h). */
enum {
	MMSIM_ARCH_SET_GS = 0x1001, MMSIM_ARCH_SET_FS = 0x1002, MMSIM_ARCH_GET_FS = 0x1003,
	MMSIM_ARCH_GET_GS = 0x1004,
};

/* Linux's selectors: the GDT entries of a 64-bit kernel (asm/segment.h). */
enum {
	MMSIM_USER32_CS = 0x23, MMSIM_USER_DS = 0x2b, MMSIM_USER_CS = 0x33,
	MMSIM_GDT_TLS_MIN = 12, MMSIM_GDT_TLS_MAX = 14,
};

/* arch_prctl(code, addr) made by task pid (on its core): ARCH_SET_FS and
 * ARCH_SET_GS set the base to addr (and load a null selector); ARCH_GET_FS
 * and ARCH_GET_GS store the base as 8 bytes at the task's address addr.
 * Returns 0, -EPERM (a base at or above the top of user space), -EFAULT
 * (addr not writable), -EINVAL (another code), -ESRCH. */
int64_t mmsim_arch_prctl(mmsim_machine *m, int pid, int code, uint64_t addr);

/* Linux's struct user_desc (asm/ldt.h), field by field; each flag is 0 or
 * 1 except contents (0 data, 1 expand-down data, 2 code, 3 conforming). */
struct mmsim_user_desc {
	uint32_t entry_number;         /* 0xffffffff: set_thread_area picks one */
	uint32_t base_addr, limit;
	unsigned seg_32bit, contents, read_exec_only, limit_in_pages, seg_not_present, useable, lm;
};
/* The 16 bytes of that struct as the kernel reads them, and back. */
void mmsim_user_desc_pack(const struct mmsim_user_desc *d, unsigned char out[16]);
void mmsim_user_desc_unpack(const unsigned char in[16], struct mmsim_user_desc *d);

/* set_thread_area(desc) and get_thread_area(desc) by task pid, with the
 * descriptor as the system call copies it from user memory; the entry
 * chosen for entry_number 0xffffffff is stored back into *desc, and
 * get_thread_area fills *desc. Returns 0, -EINVAL (a 16-bit, code or
 * non-present segment, an index outside 12..14), -ESRCH (no free entry,
 * or no such pid). */
int64_t mmsim_set_thread_area(mmsim_machine *m, int pid, struct mmsim_user_desc *desc);
int64_t mmsim_get_thread_area(mmsim_machine *m, int pid, struct mmsim_user_desc *desc);

/* modify_ldt(func, ptr, bytecount) by task pid, with ptr a buffer of the
 * caller's: func 0 reads the LDT into it (the bytes read: bytecount,
 * zero-filled past the LDT, or 0 without an LDT), 2 the default LDT (up to
 * 128 zero bytes), 1 and 0x11 write the 16-byte user_desc at ptr
 * (mmsim_user_desc_pack; 1 is the old mode). Returns what the C library's
 * modify_ldt returns: a count, 0, or -EINVAL, -ENOMEM, -ENOSYS. */
int64_t mmsim_modify_ldt(mmsim_machine *m, int pid, int func, void *ptr, uint64_t bytecount);

/* Task pid's code loads selector sel into register seg: MOV for DS, ES,
 * FS, GS and SS, a far JMP for CS (MMSIM_USER32_CS: compatibility mode,
 * where segment bases and limits apply; MMSIM_USER_CS: back to 64-bit
 * mode). A bad selector kills the process as on Linux (#GP: SIGSEGV
 * SI_KERNEL; #NP, #SS: SIGBUS), with the selector as the error code.
 * Returns 0, -EFAULT (*fault says how it died), -EINVAL, -ESRCH. */
int mmsim_load_segment(mmsim_machine *m, int pid, enum mmsim_seg seg, unsigned sel, struct mmsim_fault *fault);

/* mmsim_access through segment register seg at offset off (an FS or GS
 * prefix; in compatibility mode any segment, with its base and limit): a
 * fetch goes through CS, a read or write through any other register.
 * Returns as mmsim_access (a fault past a segment's limit is SIGSEGV,
 * through SS SIGBUS), or -EINVAL. */
int mmsim_access_seg(mmsim_machine *m, int pid, enum mmsim_seg seg, uint64_t off, void *buf, size_t len,
		     enum mmsim_access kind, struct mmsim_fault *fault);

/* A segment register: the selector and the hidden part loaded from its
 * descriptor. attr is the descriptor's access rights as the CPU caches
 * them (the VMCS layout): type bits 3:0, S 4, DPL 6:5, P 7, AVL 12, L 13,
 * D/B 14, G 15, and bit 16 for a register loaded with a null selector. */
struct mmsim_segment {
	unsigned sel;
	uint64_t base;
	uint32_t limit;                /* in bytes, less one */
	uint32_t attr;
};

/* What task pid's segment registers hold (the user's, in enum mmsim_seg
 * order), its FS and GS bases, whether it runs in compatibility mode, and
 * the size of its process's LDT. */
struct mmsim_segments {
	struct mmsim_segment seg[6];
	uint64_t fs_base, gs_base;
	int compat;
	unsigned ldt_entries;
};
int mmsim_segments(mmsim_machine *m, int pid, struct mmsim_segments *out);

/* The GDT of core cpu as 8-byte words (a 16-byte system descriptor takes
 * two) into words[0..max-1]; returns how many there are (16 with Linux's
 * layout), or -EINVAL. */
int mmsim_gdt(mmsim_machine *m, int cpu, uint64_t *words, size_t max);

/* A descriptor taken apart: lo is its first 8 bytes, hi the next 8 (read
 * only for a system descriptor, S=0, which is 16 bytes in 64-bit mode). */
struct mmsim_descriptor {
	uint64_t base;
	uint32_t limit;                /* in bytes, less one (scaled by G) */
	unsigned type, s, dpl, present, avl, l, db, g;
	int wide;                      /* a 16-byte system descriptor */
	char kind[64];                 /* "64-bit code, readable, DPL 3, present" */
};
void mmsim_descriptor_decode(uint64_t lo, uint64_t hi, struct mmsim_descriptor *d);

/* The kind of segment access rights attr (struct mmsim_segment) describe,
 * as mmsim_descriptor's kind, or "unusable (null selector)". Returns what
 * snprintf returns. */
int mmsim_segment_kind(uint32_t attr, char *buf, size_t len);

/* ---- virtual machines ----------------------------------------------------------- */

/*
 * Hardware virtualization: a VM whose guest-physical memory the machine's
 * kernel backs with host pages on demand and translates with EPT (Intel)
 * or nested page tables (AMD), built on the VM exits the guest's
 * references raise. The guest has no kernel: mmsim_vm_map puts mappings
 * into its page tables as a loader would, and mmsim_vm_access runs an
 * access of its code on a host core in guest mode. docs/mmu.md
 * (Virtualization) and the user guide's "Virtual machines" describe it.
 */
struct mmsim_vm_config {
	const char *virt;              /* "ept" (default) or "npt" */
	uint64_t ram;                  /* guest-physical bytes: 1 MiB .. 1 GiB (default 16 MiB) */
	unsigned vpid;                 /* VPID or ASID, 0 .. 65535 (0: untagged; default 1) */
	int ept_levels;                /* EPT walk length, 4 or 5 (default 4; NPT: the host's) */
	int ad;                        /* EPT accessed/dirty flags (EPTP bit 6) */
	int core;                      /* the host core its vCPU runs on (default 0) */
	int huge;                      /* back and map guest memory in 2 MiB blocks (ram a multiple of 2 MiB) */
};

/* Create a VM on m; returns its handle (1 or more), or -EINVAL (a bad
 * field, recorded), -ENOMEM, -ENOSPC (8 VMs already). */
int mmsim_vm_create(mmsim_machine *m, const struct mmsim_vm_config *c);

/* Destroy VM vm, giving its host pages back. 0 or -EINVAL. */
int mmsim_vm_destroy(mmsim_machine *m, int vm);

/* Map guest-linear gva to guest-physical gpa (both 4 KiB aligned) in the
 * guest's page tables with prot (MMSIM_PROT_READ, _WRITE, _EXEC; user
 * pages). Returns 0, -EINVAL (unaligned, non-canonical, gpa outside the
 * guest's memory), -ENOMEM. */
int mmsim_vm_map(mmsim_machine *m, int vm, uint64_t gva, uint64_t gpa, int prot);

/* How a guest access went: the VM exits taken on the way (each EPT
 * violation or #NPF the hypervisor resolved, then VM entry again), the
 * last exit, the guest's own fault (vector 14 with error code and CR2),
 * and the references of the two-dimensional walk it made. */
struct mmsim_vm_run {
	int exits;
	uint32_t exit_reason;          /* 48 EPT violation, 49 misconfiguration, 0x400 #NPF; 0 none */
	uint64_t exit_qual;            /* qualification (EXITINFO1) */
	uint64_t exit_gpa, exit_gla;
	int vector;                    /* the guest's exception, 0 if none */
	uint32_t error_code;
	uint64_t cr2;
	uint64_t refs;
};

/* The guest's code moves len (1 .. 4096) bytes at guest-linear gva, as
 * user code (kind as mmsim_access). Returns 0, -EFAULT (the guest
 * faulted, or an exit the hypervisor cannot resolve: run says which),
 * -EINVAL. */
int mmsim_vm_access(mmsim_machine *m, int vm, uint64_t gva, void *buf, size_t len, enum mmsim_access kind,
		    struct mmsim_vm_run *run);

/* What VM vm is and has done. VM 0 is the machine's own when it is a
 * guest (the configuration key virt=ept or npt): its host's view, with
 * the counters of every core, which all run it; mmsim_vm_ept works on it
 * too, mmsim_vm_map, mmsim_vm_access and mmsim_vm_destroy refuse it
 * (-EINVAL), and mmsim_vm_create in a guest fails with -EOPNOTSUPP. */
struct mmsim_vm_info {
	char virt[4];                  /* "ept" or "npt" */
	uint64_t ram, eptp, guest_cr3;
	unsigned vpid;
	int ept_levels, core;
	uint64_t memslot_base_gfn, memslot_pages, backed_pages;   /* the memslot; host pages behind it */
	uint64_t tdp_tables, tdp_entries;                         /* second-stage table pages and leaves */
	uint64_t vm_entries;
	uint64_t exits_ept_violation, exits_ept_misconfig, exits_npf, exits_other;
	uint64_t ept_walks, ept_walk_refs, guest_walk_refs;
};
int mmsim_vm_info(mmsim_machine *m, int vm, struct mmsim_vm_info *out);

/* The second-stage walk of guest-physical gpa: n entries (root first)
 * with their levels, and the host-physical address and frame behind gpa
 * (all ones and 0 when not mapped). 0 or -EINVAL. */
struct mmsim_vm_ept {
	int n;
	uint64_t entry[5];
	int level[5];
	uint64_t hpa, host_pfn;
};
int mmsim_vm_ept(mmsim_machine *m, int vm, uint64_t gpa, struct mmsim_vm_ept *out);

/* ---- memory cgroups (cgroup v2's memory controller) ------------------------ */

#define MMSIM_CGROUP_KEEP     (-1)   /* a limit left as it is */
#define MMSIM_CGROUP_NO_LIMIT (-2)   /* "max": no limit */

/* A cgroup below /sys/fs/cgroup and the limits to write (bytes, rounded
 * down to pages as Linux does; MMSIM_CGROUP_KEEP or MMSIM_CGROUP_NO_LIMIT). */
struct mmsim_cgroup {
	const char *name;              /* its path: "box", "box/inner" */
	int64_t max, high, low, min;   /* memory.max, memory.high, memory.low, memory.min */
	int64_t swap_max;              /* memory.swap.max */
};

/*
 * Make the cgroup cg->name if it does not exist (its parent must), then
 * write the limits cg gives, as writing its memory.* files does: a lower
 * memory.max reclaims, then OOM-kills in the cgroup, until it fits; a
 * lower memory.high reclaims the excess. Its files read through
 * mmsim_proc_read ("/sys/fs/cgroup/NAME/memory.current", memory.stat,
 * memory.events...). 0, or -EINVAL (a bad name or value), -ENOENT (no
 * parent), -ENOSPC (1023 cgroups already), -ENOMEM; mmsim_last_error says
 * why. The host backend refuses it (it would change this machine).
 */
int mmsim_cgroup(mmsim_machine *m, const struct mmsim_cgroup *cg);

/* Move process pid (all its threads) into cgroup name ("" or "/": the
 * root), as writing its pid to cgroup.procs does; its pages stay charged
 * where they are. 0, or -ESRCH (no such process), -ENOENT (no such
 * cgroup). */
int mmsim_cgroup_attach(mmsim_machine *m, int pid, const char *name);

/*
 * The machine's NUMA topology as `numactl --hardware` prints it: "available:
 * N nodes (0-1)", each node's cpus, size and free memory in MB, and the
 * distance table. Built from the files under /sys/devices/system/node, so
 * the host backend shows this machine's. *text is malloc'd (the caller
 * frees it). 0, or the error reading those files (-ENOENT), -ENOMEM.
 */
int mmsim_numa_hardware(mmsim_machine *m, char **text);

/* ---- the machine's files (issue 14) ------------------------------------------- */

/* One named file of the machine's mounts (mmsim_files). */
struct mmsim_file_info {
	char path[256];            /* "/data", "/tmp/x", "/usr/bin/prog", "/dev/null" */
	char fs[16];               /* its filesystem: "ext4", "tmpfs", "devtmpfs" */
	unsigned dev_major, dev_minor;
	uint64_t ino;
	uint32_t mode;             /* st_mode: type and permissions */
	uint64_t size;             /* bytes */
	uint64_t cached;           /* its pages in the page cache */
	uint64_t dirty;            /* of them, dirty pages of a disk file (not written back) */
};

/*
 * Make the regular file path (mode 0644) as the machine itself, not a
 * process: with data, its len bytes (on the disk filesystem "/" they are
 * on the device and clean in the page cache, as after a write and fsync;
 * on tmpfs in its page cache); with data NULL, len bytes of holes (as
 * truncate -s makes). 0, or -ENOENT (outside the mounts), -EEXIST,
 * -EISDIR (a mount point), -EPERM (/dev), -ENOSPC (the disk is full),
 * -ENAMETOOLONG, -ENOMEM; mmsim_last_error says why. The host backend
 * refuses it: the script's processes make its files there.
 */
int mmsim_file(mmsim_machine *m, const char *path, const void *data, uint64_t len);

/* The named files of the machine's mounts, sorted by path, into out (at
 * most max): the number of files (more than max when out was too small). */
int64_t mmsim_files(mmsim_machine *m, struct mmsim_file_info *out, size_t max);

/*
 * Mount a new, empty filesystem fs at the absolute path at (mount -t FS
 * none AT): only "tmpfs" (the disk filesystem is "/", one device), with the
 * next anonymous device number (00:1b, ...). 0, or -ENODEV (another fs),
 * -EINVAL (a path that is not absolute, "/", or ends in "/"), -EBUSY (a
 * mount point already), -ENOTDIR (a file has that name), -ENOSPC (the mount
 * table is full), -ENAMETOOLONG. The host backend refuses it (it would
 * change this machine).
 */
int mmsim_mount(mmsim_machine *m, const char *fs, const char *at);
/*
 * NUMA memory policies (set_mempolicy(2), get_mempolicy(2); docs/numa.md).
 * mode is one of MMSIM_MPOL_* or'ed with mode flags; nmask holds the node
 * mask's maxnode - 1 bits in 64-bit words (NULL: none), as Linux reads it
 * from user memory: ceil((maxnode - 1) / 64) words, at most
 * MMSIM_MPOL_MASK_WORDS (a longer mask, more than a page of bits, is
 * refused without being read). set: 0, or -EINVAL (an unknown mode, conflicting
 * flags, a mask for DEFAULT or LOCAL, no online node in the mask, a bit
 * set at or past 1024, maxnode past a page of bits), -ENOMEM.
 * get: *policy (may be NULL) the mode and flags, or a node with
 * MPOL_F_NODE; nmask (may be NULL) gets ceil((maxnode - 1) / 64) words.
 * 0, or -EINVAL (bad flags, addr without MPOL_F_ADDR, maxnode below the
 * number of nodes...), -EFAULT (MPOL_F_ADDR at an unmapped address).
 */
int mmsim_set_mempolicy(mmsim_machine *m, int pid, int mode, const uint64_t *nmask, uint64_t maxnode);
int mmsim_get_mempolicy(mmsim_machine *m, int pid, int *policy, uint64_t *nmask, uint64_t maxnode,
			uint64_t addr, unsigned flags);
enum {
	MMSIM_MPOL_DEFAULT, MMSIM_MPOL_PREFERRED, MMSIM_MPOL_BIND, MMSIM_MPOL_INTERLEAVE, MMSIM_MPOL_LOCAL,
	MMSIM_MPOL_PREFERRED_MANY, MMSIM_MPOL_WEIGHTED_INTERLEAVE,
	MMSIM_MPOL_F_STATIC_NODES = 1 << 15, MMSIM_MPOL_F_RELATIVE_NODES = 1 << 14,
	MMSIM_MPOL_F_NUMA_BALANCING = 1 << 13,
};
enum { MMSIM_MPOL_F_NODE = 1, MMSIM_MPOL_F_ADDR = 2, MMSIM_MPOL_F_MEMS_ALLOWED = 4 };
#define MMSIM_MPOL_MASK_WORDS 513      /* a page of bits, and the word a maxnode past it starts */

#pragma GCC visibility pop

#ifdef __cplusplus
}
#endif

#endif
