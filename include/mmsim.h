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
 * "min_free_kbytes" (0: computed), "seed". Returns 0, -ENOENT for an unknown
 * key or -EINVAL for a bad value; errbuf (may be NULL) then says why.
 */
int mmsim_config_set(mmsim_config *c, const char *key, const char *value,
		     char *errbuf, size_t errlen);

/* The value of key as text into buf. 0 or -ENOENT. */
int mmsim_config_get(const mmsim_config *c, const char *key, char *buf, size_t len);

/* The i-th configuration key, NULL past the last (for help and completion). */
const char *mmsim_config_key(size_t i);

/* ---- machines ------------------------------------------------------------- */

/* Build and boot a machine. 0 and *out, or -EINVAL (impossible
 * configuration; errbuf says which key) or -ENOMEM. */
int mmsim_machine_new(const mmsim_config *c, mmsim_machine **out, char *errbuf, size_t errlen);
void mmsim_machine_free(mmsim_machine *m);

/* The message of the last failure on m ("" when none). */
const char *mmsim_last_error(const mmsim_machine *m);

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

/* ---- counters -------------------------------------------------------------- */

/* A /proc/vmstat counter by name ("pgfree", "nr_free_pages", ...). 0 and
 * *value, or -ENOENT. */
int mmsim_vmstat(mmsim_machine *m, const char *name, uint64_t *value);

#ifdef __cplusplus
}
#endif

#endif
