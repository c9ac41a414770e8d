/*
 * hw/ram.h — simulated physical memory.
 *
 * RAM is one host mapping reserved with MAP_NORESERVE: a simulated byte costs
 * host memory only once something writes it, so a 1 TiB machine that touches
 * little stays small. Physical address pa lives at base + pa. Both the MMU
 * (page walks, data accesses) and the kernel (through its direct map) reach
 * memory through this module; hw/ never reaches into kernel/.
 */
#ifndef MMSIM_HW_RAM_H
#define MMSIM_HW_RAM_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#define RAM_MIN_BYTES  (16ULL << 20)   /* 16 MiB */
#define RAM_MAX_BYTES  (1ULL << 40)    /* 1 TiB */
/* The hardware's base page (the kernel's PAGE_SIZE is the same size, defined
 * in kernel/mm.h). */
#define HW_PAGE_SHIFT  12
#define HW_PAGE_SIZE   (1ULL << HW_PAGE_SHIFT)

struct ram {
	uint8_t *base;     /* host address of physical address 0 */
	uint64_t size;     /* bytes, a multiple of HW_PAGE_SIZE */
};

/* Map size bytes of zeroed simulated RAM. Returns 0, or -EINVAL when size is
 * outside [RAM_MIN_BYTES, RAM_MAX_BYTES] or not page-aligned, -ENOMEM when the
 * host refuses the reservation, -EFBIG when it is more than ram_host_max(). */
int ram_init(struct ram *r, uint64_t size);

/* The same mapping for other sparse storage (a swap device's medium):
 * size bytes, page-aligned, without RAM's limits. 0 or -ENOMEM. */
int ram_reserve(struct ram *r, uint64_t size);

/* The host may take the memory behind [pa, pa + len) back when it needs
 * it: its bytes are undefined until written again (the caller writes
 * before it reads). */
void ram_discard(struct ram *r, uint64_t pa, uint64_t len);

/* Unmap r; r may be zeroed or already destroyed. */
void ram_destroy(struct ram *r);

/* Host bytes of RAM actually resident (for the RSS benchmarks and tests). */
uint64_t ram_resident_bytes(const struct ram *r);

/* The most simulated RAM this host can hold: what its address space can
 * map (a WebAssembly build: 1 GiB). ram_init refuses more with -EFBIG. */
uint64_t ram_host_max(void);

/* True when [pa, pa+len) lies inside RAM. */
static inline bool ram_contains(const struct ram *r, uint64_t pa, uint64_t len)
{
	return pa < r->size && len <= r->size - pa;
}

/* Host pointer to physical address pa; the caller has checked the range. */
static inline void *ram_ptr(const struct ram *r, uint64_t pa)
{
	return r->base + pa;
}

/* 64-bit little-endian load/store at an 8-byte aligned physical address:
 * the width of a paging-structure entry. */
static inline uint64_t ram_read64(const struct ram *r, uint64_t pa)
{
	uint64_t v;
	memcpy(&v, r->base + pa, sizeof v);
	return v;
}

static inline void ram_write64(const struct ram *r, uint64_t pa, uint64_t v)
{
	memcpy(r->base + pa, &v, sizeof v);
}

#endif
