/*
 * kernel/hstate.h — a size of huge page and its pool (struct hstate), and
 * the reservation map; kept apart from hugetlb.h so that struct kernel can
 * hold the pools (kernel/hugetlb.h has the functions).
 */
#ifndef MMSIM_KERNEL_HSTATE_H
#define MMSIM_KERNEL_HSTATE_H

#include <stdint.h>

#include "kernel/mmzone.h"

#define HUGE_MAX_HSTATE 2            /* 2 MiB, 1 GiB */
#define FOLIO_HUGETLB   4ULL         /* in head[2].mapping (huge_mm.h has 1 and 2) */
#define FOLIO_RESTORE_RESERVE 8ULL   /* its free gives a reservation back (Linux: the same) */

/* One size of huge page and its pool (Linux: struct hstate; one node). */
struct hstate {
	unsigned order;                        /* 9 or 18 */
	uint64_t nr_huge_pages;                /* in the pool, surplus included */
	uint64_t free_huge_pages;
	uint64_t resv_huge_pages;              /* reserved, not yet faulted */
	uint64_t surplus_huge_pages;           /* beyond nr_hugepages, from overcommit */
	uint64_t nr_overcommit_huge_pages;
	struct page_list hugepage_freelist;    /* heads, linked by lru */
	char name[32];                         /* "hugepages-2048kB" */
};

/* A set of huge page indices (Linux: struct resv_map, a bitmap here),
 * host memory, shared by reference. */
struct resv_map {
	int refs;
	uint64_t nbits;
	uint64_t *bits;
};

#endif
