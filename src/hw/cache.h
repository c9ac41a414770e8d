/*
 * hw/cache.h — one set-associative cache of 64-byte lines.
 *
 * A cache holds line numbers (physical address >> 6) and one state byte per
 * way; it holds no data (the bytes stay in simulated RAM: a cache says where
 * a line is and what it costs, hw/mem.h). The set is the line number modulo
 * the number of sets. An invalid way holds HW_NO_LINE and state HW_LS_I.
 * Beside the lines, a tag byte per way (an odd hash of the line's bits
 * above the set index, 0 when invalid; rows padded to a multiple of 8 with
 * a byte no probe matches) lets a probe compare 8 ways at once, as the
 * TLBs do (hw/tlb.h), and read only the lines whose tag matches.
 *
 * Replacement, per cache: true LRU (a last-use stamp per way), tree-PLRU
 * (ways-1 node bits per set; a use turns the nodes on the way's path away
 * from it) or RRIP (2-bit re-reference prediction values, SRRIP with hit
 * promotion: Jaleel et al., "High Performance Cache Replacement Using
 * Re-Reference Interval Prediction", ISCA 2010): a fill predicts a long
 * re-reference (2), a hit a near one (0); the victim is the first way
 * predicted distant (3), every way aging by one until there is one. An
 * invalid way is always filled first.
 */
#ifndef MMSIM_HW_CACHE_H
#define MMSIM_HW_CACHE_H

#include <stdbool.h>
#include <stdint.h>

#include "hw/config.h"
#include "hw/tlb.h"

#define HW_NO_LINE UINT64_MAX

/* Line states. In a core's private caches, the core's coherence state
 * (MESI, plus O and F for MOESI and MESIF; hw/coherence.h); in an L3,
 * S for a clean copy and M for a dirty one. */
enum hw_line_state { HW_LS_I, HW_LS_S, HW_LS_E, HW_LS_M, HW_LS_O, HW_LS_F, HW_NR_LINE_STATES };

#define HW_RRPV_MAX   3
#define HW_RRPV_FILL  2

struct hw_cache {
	uint64_t *line;         /* sets * ways line numbers */
	uint8_t *tag;           /* sets * stride tag bytes */
	uint8_t *state;         /* sets * ways enum hw_line_state */
	uint64_t *stamp;        /* LRU: last use per way */
	uint64_t *plru;         /* PLRU: tree bits per set (node n's children: 2n+1, 2n+2) */
	uint8_t *rrpv;          /* RRIP: prediction per way */
	/* L1s: where a line was last found, by its low bits: a shortcut of the
	 * simulator's, checked against line[] at each use, so never stale. */
	struct hw_cache_memo { uint64_t line, at; } *memo;
	uint64_t memo_mask;
	uint64_t clock;         /* LRU stamps */
	uint32_t sets, ways, set_mask, stride;
	uint8_t set_bits;       /* log2(sets) */
	uint8_t repl;           /* enum hw_repl */
	uint8_t id;             /* enum hw_cache_id */
	uint8_t depth;          /* PLRU: log2(ways) */
	uint64_t valid;         /* lines held */
};

/* Allocate c with geometry g (validated; size 0 gives an empty cache that
 * holds nothing) for level id; an L1 gets a memo (hw_cache_find_fast).
 * Returns 0 or -ENOMEM. */
int hw_cache_init(struct hw_cache *c, const struct hw_cache_geom *g, int id);
void hw_cache_destroy(struct hw_cache *c);

/* The first way index (set * ways + way) of line's set. */
static inline uint64_t hw_cache_set_base(const struct hw_cache *c, uint64_t line)
{
	return (uint64_t)(line & c->set_mask) * c->ways;
}

/* The tag byte of line in c: odd, never 0 (invalid) or the padding. */
static inline uint8_t hw_cache_tag(const struct hw_cache *c, uint64_t line)
{
	return (uint8_t)((((line >> c->set_bits) * 0x9E3779B97F4A7C15ULL) >> 56) | 1);
}

/* hw_cache_find for a tag stride of stride bytes. */
HW_INLINE int64_t hw_cache_find_stride(const struct hw_cache *c, uint64_t line, uint32_t stride)
{
	uint32_t s = (uint32_t)(line & c->set_mask);
	const uint8_t *row = c->tag + (uint64_t)s * stride;
	uint64_t base = (uint64_t)s * c->ways, pat = hw_cache_tag(c, line) * HW_TLB_BYTES;
	for (uint32_t o = 0; o < stride; o += 8)
		for (uint64_t m = hw_tlb_zero_bytes(hw_tlb_tag_word(row, o) ^ pat); m; m &= m - 1) {
			uint64_t i = base + hw_tlb_mask_way(m, o);
			if (c->line[i] == line)
				return (int64_t)i;
		}
	return -1;
}

/* The index of line in c, or -1. Touches nothing. An absent cache has
 * stride 0 and finds nothing. */
HW_INLINE int64_t hw_cache_find(const struct hw_cache *c, uint64_t line)
{
	if (c->stride == 8)
		return hw_cache_find_stride(c, line, 8);
	if (c->stride == 16)
		return hw_cache_find_stride(c, line, 16);
	return c->stride ? hw_cache_find_stride(c, line, c->stride) : -1;
}

/* hw_cache_find through the memo (caches that have one). */
HW_INLINE int64_t hw_cache_find_fast(struct hw_cache *c, uint64_t line)
{
	struct hw_cache_memo *e = &c->memo[line & c->memo_mask];
	if (e->line == line && c->line[e->at] == line)
		return (int64_t)e->at;
	int64_t i = hw_cache_find(c, line);
	if (i >= 0)
		*e = (struct hw_cache_memo){ line, (uint64_t)i };
	return i;
}

/* Way index i was just used: its stamp, its tree path, or its prediction
 * (near). */
void hw_cache_touch_slow(struct hw_cache *c, uint64_t i);

static inline void hw_cache_touch(struct hw_cache *c, uint64_t i)
{
	if (c->stamp)
		c->stamp[i] = ++c->clock;
	else
		hw_cache_touch_slow(c, i);
}

/* The way index of line's set to fill: an invalid way, else the victim of
 * the replacement policy (RRIP ages the set while it looks). */
uint64_t hw_cache_victim(struct hw_cache *c, uint64_t line);

/* Put line in way index i (chosen by hw_cache_victim) with state; the
 * line there before, if any, is dropped (the caller has dealt with it).
 * The way counts as used (RRIP: predicted long, not near). */
void hw_cache_fill(struct hw_cache *c, uint64_t i, uint64_t line, uint8_t state);

/* Drop the line in way index i (nothing when it is invalid). */
void hw_cache_drop(struct hw_cache *c, uint64_t i);

/* The set of way index i, and the way within it (tests, narration). */
static inline uint32_t hw_cache_set_of(const struct hw_cache *c, uint64_t i)
{
	return (uint32_t)(i / c->ways);
}

#endif
