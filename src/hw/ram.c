/* hw/ram.c — the sparse host mapping behind simulated physical memory. */
#include "hw/ram.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

/* See ram.h. In a browser (WebAssembly) the mapping is memory taken at
 * once, not address space: the lab holds machines of at most 1 GiB. */
uint64_t ram_host_max(void)
{
#ifdef __EMSCRIPTEN__
	return 1ULL << 30;
#else
	return (uint64_t)SIZE_MAX;
#endif
}

/* See ram.h. MAP_NORESERVE keeps the kernel's overcommit accounting out of the
 * way: the reservation is address space, not memory. */
int ram_init(struct ram *r, uint64_t size)
{
	r->base = NULL;
	r->size = 0;
	if (size < RAM_MIN_BYTES || size > RAM_MAX_BYTES || size % HW_PAGE_SIZE)
		return -EINVAL;
	return ram_reserve(r, size);
}

/* See ram.h. */
int ram_reserve(struct ram *r, uint64_t size)
{
	r->base = NULL;
	r->size = 0;
	if (size > ram_host_max())
		return -EFBIG;
	void *p = mmap(NULL, size, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (p == MAP_FAILED)
		return -ENOMEM;
	/* Host huge pages behind simulated RAM: a 2 MiB host fault instead of 512
	 * small ones, and fewer host TLB misses on page walks. Idle RSS grows by
	 * at most the few 2 MiB regions boot touches. Advisory: ignored where
	 * THP is off. */
#ifdef MADV_HUGEPAGE
	madvise(p, size, MADV_HUGEPAGE);
#endif
	r->base = p;
	r->size = size;
	return 0;
}

/* See ram.h. MADV_FREE, not MADV_DONTNEED: a range used again soon (a swap
 * cluster freed and allocated again while thrashing) costs no new host fault
 * and no zeroing unless the host took the memory back meanwhile. */
void ram_discard(struct ram *r, uint64_t pa, uint64_t len)
{
	madvise(r->base + pa, len, MADV_FREE);
}

/* See ram.h. */
void ram_destroy(struct ram *r)
{
	if (r->base)
		munmap(r->base, r->size);
	r->base = NULL;
	r->size = 0;
}

/* See ram.h. mincore() reports residency one host page at a time; we ask in
 * chunks so a 1 TiB machine needs no 256 MiB vector. */
uint64_t ram_resident_bytes(const struct ram *r)
{
#ifdef __EMSCRIPTEN__
	return r->size;         /* the browser's mmap commits the whole mapping */
#else
	const uint64_t chunk = 1ULL << 30;
	long hp = sysconf(_SC_PAGESIZE);
	unsigned char *vec = malloc(chunk / (uint64_t)hp);
	uint64_t resident = 0;

	if (!vec)
		return 0;
	for (uint64_t off = 0; off < r->size; off += chunk) {
		uint64_t len = r->size - off < chunk ? r->size - off : chunk;
		if (mincore(r->base + off, len, vec))
			break;
		for (uint64_t i = 0; i < (len + hp - 1) / hp; i++)
			resident += (vec[i] & 1) ? (uint64_t)hp : 0;
	}
	free(vec);
	return resident;
#endif
}
