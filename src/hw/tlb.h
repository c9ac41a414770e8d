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
 * data (PWC):  table address | what the entries above allowed: for each
 *       level L from 2 to 5, bits 3(L-2)..3(L-2)+2 say R/W=0, U/S=0 and
 *       XD=1 at L (struct hw_walk's acc, shifted down by 6).
 * Tags: one byte per entry beside the keys, an odd hash of the page (not
 *       of the PCID, G or size; see hw_tlb_tag), 0 for an invalid entry; a set's tags are padded
 *       to a multiple of 8 with 2, which neither a probe nor a search for
 *       an invalid way matches. A probe compares 8 tags at once as one
 *       word (SWAR) and reads the key only of the ways whose tag matches,
 *       so a 16-way miss reads two words, not sixteen keys. The host is
 *       little-endian (as ram.h assumes), so way order is byte order.
 * Replacement: true LRU by a last-use stamp per entry, or tree-PLRU with
 * ways-1 node bits per set, updated through a per-way mask pair. An
 * invalid way is always filled first.
 * Speed: page sizes with no valid entry are not probed.
 */
#ifndef MMSIM_HW_TLB_H
#define MMSIM_HW_TLB_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

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
	uint8_t *tag;           /* sets * tag_stride (see above) */
	uint64_t *stamp;        /* LRU: last use; NULL for PLRU */
	uint64_t *plru;         /* PLRU: tree bits per set; NULL for LRU */
	uint64_t *plru_path;    /* PLRU: [2w] node bits kept, [2w+1] set, when way w is used */
	uint8_t plru_top[128];  /* PLRU: the first (up to) 3 steps of the victim's path, by tree bits 0..6 */
	uint8_t plru_depth;     /* PLRU: log2(ways) */
	uint64_t clock;
	uint32_t sets, ways, set_mask, tag_stride;
	uint8_t tag_shift;      /* HW_TLB_KEY_VPN + log2(sets): a key's bits above its set index */
	uint8_t repl;
	bool splinters;         /* holds pieces of larger pages (TLBs only) */
	uint8_t nshift;         /* shifts (page sizes) held, ascending */
	uint8_t shift[HW_NR_PSIZES];
	uint8_t code[HW_NR_PSIZES];     /* hw_tlb_code(shift[i]) */
	int8_t code_si[8];      /* the shift index of a key code, -1 when not held */
	uint8_t id;             /* enum hw_tlb_id or hw_pwc_id, for narration */
	uint32_t nvalid[HW_NR_PSIZES];  /* valid entries per shift */
	uint8_t live;           /* bit si set when nvalid[si] > 0: empty sizes are not probed */
	/* A mask shared by a group of structures (a TLB level, the paging-
	 * structure caches): bit group_bit is set while this one holds any
	 * entry, so empty structures are not even looked at. */
	uint8_t *group;
	uint8_t group_bit;
	uint8_t group_self;     /* the group of a structure on its own */
	uint32_t nfree;         /* invalid entries: none, and a fill looks for none */
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

/* The hot operations below are always inlined, so that a caller's
 * constants (shift index, global flag) fold and the common tag strides
 * (8 and 16: up to 8 or 16 ways) get unrolled copies. */
#define HW_INLINE static inline __attribute__((always_inline))

#define HW_TLB_BYTES 0x0101010101010101ULL      /* a byte pattern times this fills a word */

#define HW_TLB_TAG_PAD 2

/* The tag byte of key k in t (any PCID, global or not, any size): odd, a
 * Fibonacci hash of the page number's bits above the set index, so the
 * pages that share a set, which differ only there, get well spread tags
 * (a hash of the whole key gave a 16-way set of 2 MiB pages 3.5 times
 * the false matches of random tags). */
static inline uint8_t hw_tlb_tag(const struct hw_tlb *t, uint64_t k)
{
	return (uint8_t)((((k >> t->tag_shift) * 0x9E3779B97F4A7C15ULL) >> 56) | 1);
}

/* 0x80 in every byte of x that is zero, 0 in the others (exact: no carry
 * crosses a byte). */
static inline uint64_t hw_tlb_zero_bytes(uint64_t x)
{
	const uint64_t low7 = 0x7F7F7F7F7F7F7F7FULL;
	return ~(((x & low7) + low7) | x | low7);
}

/* The 8 tags of ways o..o+7 of the set whose tags start at row. */
static inline uint64_t hw_tlb_tag_word(const uint8_t *row, uint32_t o)
{
	uint64_t v;
	memcpy(&v, row + o, sizeof v);
	return v;
}

/* The way a zero_bytes mask's lowest marked byte stands for, in the word
 * of ways from o. */
static inline uint32_t hw_tlb_mask_way(uint64_t m, uint32_t o)
{
	return o + ((unsigned)__builtin_ctzll(m) >> 3);
}

/* Size si of t has gained its first entry. */
static inline void hw_tlb_size_filled(struct hw_tlb *t, int si)
{
	if (!t->live)
		*t->group |= t->group_bit;
	t->live |= (uint8_t)(1u << si);
}

/* Size si of t has lost its last entry. */
static inline void hw_tlb_size_emptied(struct hw_tlb *t, int si)
{
	t->live &= (uint8_t)~(1u << si);
	if (!t->live) {
		*t->group &= (uint8_t)~t->group_bit;
		t->splinters = false;          /* nothing left: no piece of a larger page either */
	}
}

/* Slot's old key old (0: empty) is replaced by an entry of size si of
 * another size: keep the counts. */
static inline void hw_tlb_count_change(struct hw_tlb *t, uint64_t old, int si)
{
	if (!old)
		t->nfree--;
	else if (!--t->nvalid[t->code_si[(old >> HW_TLB_KEY_CODE) & 7]])
		hw_tlb_size_emptied(t, t->code_si[(old >> HW_TLB_KEY_CODE) & 7]);
	if (!t->nvalid[si]++)
		hw_tlb_size_filled(t, si);
}

/* Make t a member of the group mask *group with bit bit (see struct
 * hw_tlb); the structure must not move afterwards. */
void hw_tlb_set_group(struct hw_tlb *t, uint8_t *group, unsigned bit);

/* Mark way w of set s as just used: a new stamp (LRU), or the nodes on
 * its tree path turned away from it (PLRU). */
static inline void hw_tlb_touch(struct hw_tlb *t, uint32_t s, uint32_t w)
{
	if (t->stamp)
		t->stamp[(uint64_t)s * t->ways + w] = ++t->clock;
	else
		t->plru[s] = (t->plru[s] & t->plru_path[2 * w]) | t->plru_path[2 * w + 1];
}

/* probe_set for a tag stride of stride bytes. */
HW_INLINE int64_t hw_tlb_probe_stride(const struct hw_tlb *t, uint32_t s, uint64_t p, uint32_t stride)
{
	const uint8_t *row = t->tag + (uint64_t)s * stride;
	uint64_t base = (uint64_t)s * t->ways, pat = hw_tlb_tag(t, p) * HW_TLB_BYTES;
	for (uint32_t o = 0; o < stride; o += 8)
		for (uint64_t m = hw_tlb_zero_bytes(hw_tlb_tag_word(row, o) ^ pat); m; m &= m - 1) {
			uint64_t i = base + hw_tlb_mask_way(m, o);
			if (hw_tlb_key_match(t->key[i], p))
				return (int64_t)i;
		}
	return -1;
}

/* The index of the first way of set s whose key answers probe p, or -1.
 * Only ways whose tag equals the probe's are read. */
HW_INLINE int64_t hw_tlb_probe_set(const struct hw_tlb *t, uint32_t s, uint64_t p)
{
	if (t->tag_stride == 8)
		return hw_tlb_probe_stride(t, s, p, 8);
	if (t->tag_stride == 16)
		return hw_tlb_probe_stride(t, s, p, 16);
	return hw_tlb_probe_stride(t, s, p, t->tag_stride);
}

/* Find the entry for vpn (at shift index si) under pcid: its index in the
 * arrays, or -1. Does not touch replacement state. */
static inline int64_t hw_tlb_find(const struct hw_tlb *t, uint64_t vpn, int si, unsigned pcid)
{
	return hw_tlb_probe_set(t, (uint32_t)(vpn & t->set_mask), hw_tlb_key(t, vpn, si, pcid));
}

/* Look va (masked) up at shift index si under pcid; on a hit, mark the
 * entry used. Returns the entry index or -1. */
HW_INLINE int64_t hw_tlb_lookup_si(struct hw_tlb *t, uint64_t va, int si, unsigned pcid)
{
	uint64_t vpn = va >> t->shift[si];
	uint32_t s = (uint32_t)(vpn & t->set_mask);
	int64_t i = hw_tlb_probe_set(t, s, hw_tlb_key(t, vpn, si, pcid));
	if (i >= 0)
		hw_tlb_touch(t, s, (uint32_t)((uint64_t)i - (uint64_t)s * t->ways));
	return i;
}

/* Look up linear address va (masked) in every page size t holds. Returns
 * the entry index or -1; on a hit, marks the entry used. */
int64_t hw_tlb_lookup(struct hw_tlb *t, uint64_t va, unsigned pcid);

/* The way the PLRU tree of set s points at: the first three levels by
 * table, the rest (more than 8 ways) node by node. */
static inline uint32_t hw_tlb_plru_victim(const struct hw_tlb *t, uint32_t s)
{
	uint64_t bits = t->plru[s];
	unsigned top = t->plru_depth < 3 ? t->plru_depth : 3;
	uint32_t w = t->plru_top[bits & 0x7F];
	unsigned n = (1u << top) - 1 + w;       /* the node below the table's path */
	for (unsigned d = top; d < t->plru_depth; d++) {
		unsigned dir = (bits >> n) & 1;
		w = (w << 1) | dir;
		n = 2 * n + 1 + dir;
	}
	return w;
}

/* The least recently used way of set s (LRU). */
static inline uint32_t hw_tlb_lru_victim(const struct hw_tlb *t, uint32_t s)
{
	const uint64_t *st = &t->stamp[(uint64_t)s * t->ways];
	uint32_t oldest = 0;
	for (uint32_t w = 1; w < t->ways; w++)
		if (st[w] < st[oldest])
			oldest = w;
	return oldest;
}

/* The way of a full set s to replace: the least recently used (LRU) or
 * the one the tree points at (PLRU). */
static inline uint32_t hw_tlb_victim(const struct hw_tlb *t, uint32_t s)
{
	return t->plru ? hw_tlb_plru_victim(t, s) : hw_tlb_lru_victim(t, s);
}

/* True when an entry with key k holds the page of key p for p's PCID, or
 * globally: one of them global, or the same PCID. */
static inline bool hw_tlb_same_page(uint64_t k, uint64_t p)
{
	uint64_t ignore = ((k | p) & HW_TLB_KEY_G) ? HW_TLB_KEY_G | HW_TLB_KEY_PCID : 0;
	return !((k ^ p) & ~ignore);
}

/* The first way of set s (tag stride stride) holding the page of key p for
 * p's PCID or globally, or UINT32_MAX. */
HW_INLINE uint32_t hw_tlb_same_page_way(const struct hw_tlb *t, uint32_t s, uint64_t p, uint32_t stride)
{
	const uint8_t *row = t->tag + (uint64_t)s * stride;
	const uint64_t *k = &t->key[(uint64_t)s * t->ways];
	uint64_t pat = hw_tlb_tag(t, p) * HW_TLB_BYTES;
	for (uint32_t o = 0; o < stride; o += 8)
		for (uint64_t m = hw_tlb_zero_bytes(hw_tlb_tag_word(row, o) ^ pat); m; m &= m - 1)
			if (hw_tlb_same_page(k[hw_tlb_mask_way(m, o)], p))
				return hw_tlb_mask_way(m, o);
	return UINT32_MAX;
}

/* The first invalid way of set s (tag stride stride), or UINT32_MAX. */
HW_INLINE uint32_t hw_tlb_invalid_way(const struct hw_tlb *t, uint32_t s, uint32_t stride)
{
	const uint8_t *row = t->tag + (uint64_t)s * stride;
	for (uint32_t o = 0; o < stride; o += 8) {
		uint64_t z = hw_tlb_zero_bytes(hw_tlb_tag_word(row, o));
		if (z)
			return hw_tlb_mask_way(z, o);
	}
	return UINT32_MAX;
}

/* fill_way for a tag stride of stride bytes. */
HW_INLINE uint32_t hw_tlb_fill_way_stride(const struct hw_tlb *t, uint32_t s, uint64_t p, bool absent,
					  uint32_t stride)
{
	uint32_t w = absent ? UINT32_MAX : hw_tlb_same_page_way(t, s, p, stride);
	if (w == UINT32_MAX && t->nfree)
		w = hw_tlb_invalid_way(t, s, stride);
	return w != UINT32_MAX ? w : hw_tlb_victim(t, s);
}

/* The way of set s to fill with key p: the entry already holding that page
 * for the same PCID (or globally) unless the caller knows there is none
 * (absent), else the first invalid way, else the victim of the replacement
 * policy. */
HW_INLINE uint32_t hw_tlb_fill_way(const struct hw_tlb *t, uint32_t s, uint64_t p, bool absent)
{
	if (absent && !t->nfree)
		return hw_tlb_victim(t, s);
	if (t->tag_stride == 8)
		return hw_tlb_fill_way_stride(t, s, p, absent, 8);
	if (t->tag_stride == 16)
		return hw_tlb_fill_way_stride(t, s, p, absent, 16);
	return hw_tlb_fill_way_stride(t, s, p, absent, t->tag_stride);
}

/* Insert or replace the entry for va at shift index si, with data and
 * global bit; an existing entry for the same page and PCID (or, when either
 * is global, any PCID) is overwritten. absent: the caller has just probed
 * this size for this PCID and found no entry, and the new entry is not
 * global, so there is no such entry to look for. Returns true when a valid
 * entry was evicted to make room. */
HW_INLINE bool hw_tlb_insert(struct hw_tlb *t, uint64_t va, int si, unsigned pcid, bool global, uint64_t data,
			     bool absent)
{
	if (!t->sets)
		return false;
	uint64_t vpn = va >> t->shift[si];
	uint32_t s = (uint32_t)(vpn & t->set_mask);
	uint64_t key = hw_tlb_key(t, vpn, si, pcid) | (global ? HW_TLB_KEY_G : 0);
	uint32_t w = hw_tlb_fill_way(t, s, key, absent && !global);
	uint64_t at = (uint64_t)s * t->ways + w, old = t->key[at];
	if (((old ^ key) >> HW_TLB_KEY_CODE & 7) != 0)     /* empty, or another size */
		hw_tlb_count_change(t, old, si);
	t->key[at] = key;
	t->tag[(uint64_t)s * t->tag_stride + w] = hw_tlb_tag(t, key);
	t->data[at] = data;
	hw_tlb_touch(t, s, w);
	return old && old != key;
}

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
