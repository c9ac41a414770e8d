/*
 * hw/tlb.h — one set-associative translation cache.
 *
 * The same structure serves the TLBs (keyed by page number) and the
 * paging-structure caches (keyed by the linear-address bits above a level).
 * Entries are tagged with a PCID and a global bit (SDM §4.10.2.4 — global
 * entries match any PCID). Storage is struct-of-arrays: a set's keys are
 * contiguous so a probe compares a few words, and the data word of an entry
 * packs the physical address with the cached attributes.
 *
 * key:  vpn << 16 | code << 13 | G << 12 | pcid      (0 = invalid entry)
 *       vpn = linear address >> shift; code identifies the shift (1..5), so
 *       entries of different page sizes never match each other's probes.
 * data (TLB):  page base | W | U | XD | D | pkey << 4 | page size << 8
 *       The page size is that of the translation, which may be larger than
 *       the entry's when a structure holds a splinter of a bigger page.
 * data (PWC):  table address | W | U | XD | first levels with RW=0, U/S=0
 *       and XD=1 (for narration), 3 bits each.
 * Replacement: true LRU by a last-use stamp per entry, or tree-PLRU with
 * ways-1 node bits per set. An invalid way is always filled first.
 * Speed: page sizes with no valid entry are not probed.
 */
#ifndef MMSIM_HW_TLB_H
#define MMSIM_HW_TLB_H

#include <stdbool.h>
#include <stdint.h>

#include "hw/config.h"

#define HW_TLB_KEY_PCID    0xFFFULL
#define HW_TLB_KEY_G       (1ULL << 12)
#define HW_TLB_KEY_CODE    13
#define HW_TLB_KEY_VPN     16

/* Attribute bits in the low 12 bits of a data word. */
#define HW_R_W          0x1u     /* writable at every level */
#define HW_R_U          0x2u     /* user-mode address */
#define HW_R_XD         0x4u     /* execute-disable at some level */
#define HW_R_D          0x8u     /* dirty (TLB) */
#define HW_R_PKEY_SHIFT 4
#define HW_R_SIZE_SHIFT 8

struct hw_tlb {
	uint64_t *key;          /* sets * ways */
	uint64_t *data;
	uint64_t *stamp;        /* LRU: last use; NULL for PLRU */
	uint64_t *plru;         /* PLRU: tree bits per set; NULL for LRU */
	uint64_t clock;
	uint32_t sets, ways, set_mask;
	uint8_t repl;
	bool splinters;         /* holds pieces of larger pages (TLBs only) */
	uint8_t nshift;         /* shifts (page sizes) held, ascending */
	uint8_t shift[HW_NR_PSIZES];
	uint8_t code[HW_NR_PSIZES];     /* hw_tlb_code(shift[i]) */
	uint8_t id;             /* enum hw_tlb_id or hw_pwc_id, for narration */
	uint32_t nvalid[HW_NR_PSIZES];  /* valid entries per shift: empty sizes are not probed */
};

/* What hw_tlb_invalidate drops. */
struct hw_inv {
	bool by_va;             /* only entries covering va */
	uint64_t va;            /* masked to the linear-address width */
	int pcid;               /* -1: any PCID (non-global entries) */
	bool global;            /* drop global entries (matching va if by_va) */
	bool nonglobal;         /* drop non-global entries matching pcid */
};

/* Allocate t with geometry g for the page shifts in shifts[0..n) (ascending).
 * entries 0 gives an empty structure that never hits. Returns 0 or -ENOMEM. */
int hw_tlb_init(struct hw_tlb *t, const struct hw_geom *g, const uint8_t *shifts, int n, int id);
void hw_tlb_destroy(struct hw_tlb *t);

/* The code stored in keys for a shift of 12, 21, 30, 39 or 48. */
static inline uint64_t hw_tlb_code(unsigned shift)
{
	return (shift - 3) / 9;
}

/* The probe key of page vpn at t's shift index si for PCID pcid. */
static inline uint64_t hw_tlb_key(const struct hw_tlb *t, uint64_t vpn, int si, unsigned pcid)
{
	return vpn << HW_TLB_KEY_VPN | (uint64_t)t->code[si] << HW_TLB_KEY_CODE | pcid;
}

/* The page shift an entry with key k covers (12, 21, ... 48). */
static inline unsigned hw_tlb_key_shift(uint64_t k)
{
	return (unsigned)((k >> HW_TLB_KEY_CODE) & 7) * 9 + 3;
}

/* True when entry key k answers probe p: same page, and the same PCID
 * unless the entry is global. A probe never has G set, so a non-global
 * entry matches exactly. */
static inline bool hw_tlb_key_match(uint64_t k, uint64_t p)
{
	return k == p || ((k & HW_TLB_KEY_G) && !((k ^ p) & ~(HW_TLB_KEY_G | HW_TLB_KEY_PCID)));
}

/* Mark way w of set s as most recently used in the PLRU tree. */
void hw_tlb_plru_touch(struct hw_tlb *t, uint32_t s, uint32_t w);

/* Mark way w of set s as just used. */
static inline void hw_tlb_touch(struct hw_tlb *t, uint32_t s, uint32_t w)
{
	if (t->stamp)
		t->stamp[(uint64_t)s * t->ways + w] = ++t->clock;
	else
		hw_tlb_plru_touch(t, s, w);
}

/* Find the entry for vpn (at shift index si) under pcid: its index in the
 * arrays, or -1. Does not touch replacement state. */
static inline int64_t hw_tlb_find(const struct hw_tlb *t, uint64_t vpn, int si, unsigned pcid)
{
	uint64_t p = hw_tlb_key(t, vpn, si, pcid);
	uint64_t base = (vpn & t->set_mask) * t->ways;
	for (uint32_t w = 0; w < t->ways; w++)
		if (hw_tlb_key_match(t->key[base + w], p))
			return (int64_t)(base + w);
	return -1;
}

/* Look up linear address va (masked) in every page size t holds. Returns
 * the entry index or -1; on a hit, marks the entry used. */
int64_t hw_tlb_lookup(struct hw_tlb *t, uint64_t va, unsigned pcid);

/* Insert or replace the entry for va at shift index si, with data and
 * global bit; an existing entry for the same page and PCID is overwritten.
 * Returns true when a valid entry was evicted to make room. */
bool hw_tlb_insert(struct hw_tlb *t, uint64_t va, int si, unsigned pcid, bool global, uint64_t data);

/* Drop the entries f selects. With f->by_va, an entry is dropped when its
 * page, or (TLBs with splinters) the larger page it is a piece of, holds
 * f->va: SDM §4.10.2.3 — INVLPG and page faults drop every entry cached
 * for the translation, however it was split. Returns how many. */
uint32_t hw_tlb_invalidate(struct hw_tlb *t, const struct hw_inv *f);

/* Number of valid entries (tests, narration). */
uint32_t hw_tlb_count(const struct hw_tlb *t);

/* Index into shift[] of page shift sh, or -1 when t does not hold it. */
int hw_tlb_shift_index(const struct hw_tlb *t, unsigned sh);

#endif
