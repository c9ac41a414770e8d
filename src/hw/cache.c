/* hw/cache.c — one set-associative cache: allocation, fills and the three
 * replacement policies (see cache.h). */
#include "hw/cache.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* See cache.h. */
int hw_cache_init(struct hw_cache *c, const struct hw_cache_geom *g, int id)
{
	memset(c, 0, sizeof *c);
	c->id = (uint8_t)id;
	c->repl = g->repl;
	if (!g->size)
		return 0;
	c->ways = g->ways;
	c->sets = g->size / HW_LINE_SIZE / g->ways;
	c->set_mask = c->sets - 1;
	c->set_bits = (uint8_t)__builtin_ctz(c->sets);
	c->stride = (c->ways + 7) & ~7u;
	c->depth = (uint8_t)__builtin_ctz(c->ways);
	uint64_t n = (uint64_t)c->sets * c->ways;
	c->line = malloc(n * sizeof *c->line);
	c->tag = malloc((uint64_t)c->sets * c->stride);
	c->state = calloc(n, 1);
	if (c->repl == HW_REPL_LRU)
		c->stamp = calloc(n, sizeof *c->stamp);
	else if (c->repl == HW_REPL_PLRU)
		c->plru = calloc(c->sets, sizeof *c->plru);
	else
		c->rrpv = malloc(n);
	if (id == HW_CACHE_L1D || id == HW_CACHE_L1I) {
		c->memo_mask = 1;
		while (c->memo_mask < 2 * n)
			c->memo_mask *= 2;
		c->memo = malloc(c->memo_mask * sizeof *c->memo);
		c->memo_mask--;
	}
	if (!c->line || !c->tag || !c->state || !(c->stamp || c->plru || c->rrpv) ||
	    ((id == HW_CACHE_L1D || id == HW_CACHE_L1I) && !c->memo)) {
		hw_cache_destroy(c);
		return -ENOMEM;
	}
	memset(c->line, 0xff, n * sizeof *c->line);     /* HW_NO_LINE */
	for (uint32_t set = 0; set < c->sets; set++) {
		memset(c->tag + (uint64_t)set * c->stride, 0, c->ways);
		memset(c->tag + (uint64_t)set * c->stride + c->ways, HW_TLB_TAG_PAD, c->stride - c->ways);
	}
	if (c->rrpv)
		memset(c->rrpv, HW_RRPV_MAX, n);
	for (uint64_t i = 0; c->memo && i <= c->memo_mask; i++)
		c->memo[i] = (struct hw_cache_memo){ HW_NO_LINE, 0 };
	return 0;
}

/* See cache.h. */
void hw_cache_destroy(struct hw_cache *c)
{
	free(c->line);
	free(c->tag);
	free(c->state);
	free(c->stamp);
	free(c->plru);
	free(c->rrpv);
	free(c->memo);
	memset(c, 0, sizeof *c);
}

/* ---- tree-PLRU ----------------------------------------------------------------
 * Node n's bit says where the victim lies: 0 the lower half (child 2n+1),
 * 1 the upper (2n+2). */

/* Way w of set s was used: point every node on its path the other way. */
static void plru_use(struct hw_cache *c, uint32_t s, uint32_t w)
{
	uint64_t bits = c->plru[s];
	unsigned n = 0;
	for (int d = c->depth - 1; d >= 0; d--) {
		unsigned upper = (w >> d) & 1;
		if (upper)
			bits &= ~(1ULL << n);
		else
			bits |= 1ULL << n;
		n = 2 * n + 1 + upper;
	}
	c->plru[s] = bits;
}

/* The way set s's tree points at. */
static uint32_t plru_victim(const struct hw_cache *c, uint32_t s)
{
	uint64_t bits = c->plru[s];
	uint32_t w = 0;
	unsigned n = 0;
	for (unsigned d = 0; d < c->depth; d++) {
		unsigned upper = (bits >> n) & 1;
		w = (w << 1) | upper;
		n = 2 * n + 1 + upper;
	}
	return w;
}

/* ---- LRU and RRIP ------------------------------------------------------------ */

/* The least recently used way of the set starting at base (the first
 * invalid one if any: its stamp is 0, and a used way's at least 1). */
static uint32_t lru_victim(const struct hw_cache *c, uint64_t base)
{
	uint32_t oldest = 0;
	for (uint32_t w = 1; w < c->ways; w++)
		if (c->stamp[base + w] < c->stamp[base + oldest])
			oldest = w;
	return oldest;
}

/* The first way of the set at base predicted distant, aging the set until
 * one is. */
static uint32_t rrip_victim(struct hw_cache *c, uint64_t base)
{
	uint8_t *r = &c->rrpv[base];
	uint8_t top = 0;
	for (uint32_t w = 0; w < c->ways; w++)
		if (r[w] > top)
			top = r[w];
	for (uint32_t w = 0; w < c->ways; w++)
		r[w] = (uint8_t)(r[w] + HW_RRPV_MAX - top);
	for (uint32_t w = 0;; w++)
		if (r[w] == HW_RRPV_MAX)
			return w;
}

/* ---- operations ----------------------------------------------------------------- */

/* See cache.h. */
void hw_cache_touch_slow(struct hw_cache *c, uint64_t i)
{
	if (c->plru)
		plru_use(c, (uint32_t)(i / c->ways), (uint32_t)(i % c->ways));
	else if (c->rrpv)
		c->rrpv[i] = 0;
}

/* See cache.h. Under LRU an invalid way's stamp is 0, below every used
 * way's, so the one pass of lru_victim finds the first invalid way. */
uint64_t hw_cache_victim(struct hw_cache *c, uint64_t line)
{
	uint64_t base = hw_cache_set_base(c, line);
	if (c->stamp)
		return base + lru_victim(c, base);
	for (uint32_t w = 0; w < c->ways; w++)
		if (c->line[base + w] == HW_NO_LINE)
			return base + w;
	if (c->plru)
		return base + plru_victim(c, (uint32_t)(line & c->set_mask));
	return base + rrip_victim(c, base);
}

/* See cache.h. */
void hw_cache_fill(struct hw_cache *c, uint64_t i, uint64_t line, uint8_t state)
{
	if (c->line[i] == HW_NO_LINE)
		c->valid++;
	c->line[i] = line;
	c->tag[hw_cache_set_of(c, i) * (uint64_t)c->stride + i % c->ways] = hw_cache_tag(c, line);
	c->state[i] = state;
	if (c->rrpv)
		c->rrpv[i] = HW_RRPV_FILL;
	else
		hw_cache_touch(c, i);
}

/* See cache.h. */
void hw_cache_drop(struct hw_cache *c, uint64_t i)
{
	if (c->line[i] == HW_NO_LINE)
		return;
	c->line[i] = HW_NO_LINE;
	c->tag[hw_cache_set_of(c, i) * (uint64_t)c->stride + i % c->ways] = 0;
	c->state[i] = HW_LS_I;
	c->valid--;
	if (c->rrpv)
		c->rrpv[i] = HW_RRPV_MAX;
	if (c->stamp)
		c->stamp[i] = 0;        /* invalid: the LRU victim first (hw_cache_victim) */
}
