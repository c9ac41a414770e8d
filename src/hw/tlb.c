/* hw/tlb.c — set-associative translation caches: lookup, fill, replacement
 * (true LRU and tree-PLRU) and invalidation by filter. */
#include "hw/tlb.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* See tlb.h. */
int hw_tlb_init(struct hw_tlb *t, const struct hw_geom *g, const uint8_t *shifts, int n, int id)
{
	memset(t, 0, sizeof *t);
	t->id = (uint8_t)id;
	t->repl = g->repl;
	if (!g->entries || !n)
		return 0;
	t->ways = g->ways;
	t->sets = g->entries / g->ways;
	t->set_mask = t->sets - 1;
	t->nshift = (uint8_t)n;
	memcpy(t->shift, shifts, (size_t)n);
	for (int i = 0; i < n; i++)
		t->code[i] = (uint8_t)hw_tlb_code(shifts[i]);
	t->key = calloc(g->entries, sizeof *t->key);
	t->data = calloc(g->entries, sizeof *t->data);

	if (g->repl == HW_REPL_PLRU)
		t->plru = calloc(t->sets, sizeof *t->plru);
	else
		t->stamp = calloc(g->entries, sizeof *t->stamp);
	if (!t->key || !t->data || (!t->plru && !t->stamp)) {
		hw_tlb_destroy(t);
		return -ENOMEM;
	}
	return 0;
}

/* See tlb.h. */
void hw_tlb_destroy(struct hw_tlb *t)
{
	free(t->key);
	free(t->data);
	free(t->stamp);
	free(t->plru);
	memset(t, 0, sizeof *t);
}

/* ---- tree-PLRU --------------------------------------------------------------
 * Node n of a set's tree has children 2n+1 (left, lower ways) and 2n+2; its
 * bit says where the victim is: 0 left, 1 right. Using a way turns every
 * node on its path to point away from it. */

static unsigned log2u(uint32_t v)
{
	return (unsigned)__builtin_ctz(v);
}

/* See tlb.h. */
void hw_tlb_plru_touch(struct hw_tlb *t, uint32_t s, uint32_t w)
{
	unsigned depth = log2u(t->ways), n = 0;
	uint64_t bits = t->plru[s];
	for (unsigned d = 0; d < depth; d++) {
		unsigned dir = (w >> (depth - 1 - d)) & 1;
		bits = dir ? bits & ~(1ULL << n) : bits | (1ULL << n);
		n = 2 * n + 1 + dir;
	}
	t->plru[s] = bits;
}

/* The way the PLRU tree of set s points at. */
static uint32_t plru_victim(const struct hw_tlb *t, uint32_t s)
{
	unsigned depth = log2u(t->ways), n = 0;
	uint32_t w = 0;
	for (unsigned d = 0; d < depth; d++) {
		unsigned dir = (t->plru[s] >> n) & 1;
		w = (w << 1) | dir;
		n = 2 * n + 1 + dir;
	}
	return w;
}

/* The least recently used way of set s (LRU). */
static uint32_t lru_victim(const struct hw_tlb *t, uint32_t s)
{
	const uint64_t *st = &t->stamp[(uint64_t)s * t->ways];
	uint32_t oldest = 0;
	for (uint32_t w = 1; w < t->ways; w++)
		if (st[w] < st[oldest])
			oldest = w;
	return oldest;
}

/* The way of set s to fill with key p: the entry already holding that page
 * for the same PCID (or globally), else the first invalid way, else the
 * least recently used (LRU) or the one the tree points at (PLRU). */
static uint32_t fill_way(const struct hw_tlb *t, uint32_t s, uint64_t p)
{
	const uint64_t *k = &t->key[(uint64_t)s * t->ways];
	uint32_t invalid = t->ways;
	for (uint32_t w = 0; w < t->ways; w++) {
		uint64_t ignore = ((k[w] | p) & HW_TLB_KEY_G) ? HW_TLB_KEY_G | HW_TLB_KEY_PCID : 0;
		if (k[w] && !((k[w] ^ p) & ~ignore))
			return w;
		if (!k[w] && invalid == t->ways)
			invalid = w;
	}
	if (invalid < t->ways)
		return invalid;
	return t->plru ? plru_victim(t, s) : lru_victim(t, s);
}

/* The index into shift[] of the shift an entry key holds. */
static int key_shift_index(const struct hw_tlb *t, uint64_t k)
{
	unsigned code = (unsigned)(k >> HW_TLB_KEY_CODE) & 7;
	for (int i = 0; i < t->nshift; i++)
		if (t->code[i] == code)
			return i;
	return 0;
}

/* Empty slot i, keeping the per-size counts. */
static void drop(struct hw_tlb *t, uint64_t i)
{
	t->nvalid[key_shift_index(t, t->key[i])]--;
	t->key[i] = 0;
}


/* ---- lookup and fill --------------------------------------------------- */

/* See tlb.h. */
int64_t hw_tlb_lookup(struct hw_tlb *t, uint64_t va, unsigned pcid)
{
	for (int si = 0; si < t->nshift; si++) {
		if (!t->nvalid[si])
			continue;
		uint64_t vpn = va >> t->shift[si];
		int64_t i = hw_tlb_find(t, vpn, si, pcid);
		if (i >= 0) {
			hw_tlb_touch(t, (uint32_t)(i / t->ways), (uint32_t)(i % t->ways));
			return i;
		}
	}
	return -1;
}

/* See tlb.h. */
bool hw_tlb_insert(struct hw_tlb *t, uint64_t va, int si, unsigned pcid, bool global, uint64_t data)
{
	if (!t->sets)
		return false;
	uint64_t vpn = va >> t->shift[si];
	uint32_t s = (uint32_t)(vpn & t->set_mask);
	uint64_t key = hw_tlb_key(t, vpn, si, pcid) | (global ? HW_TLB_KEY_G : 0);
	uint32_t w = fill_way(t, s, key);
	uint64_t at = (uint64_t)s * t->ways + w;
	bool evicted = t->key[at] && t->key[at] != key;
	if (t->key[at])
		drop(t, at);
	t->key[at] = key;
	t->nvalid[si]++;
	t->data[at] = data;
	hw_tlb_touch(t, s, w);
	return evicted;
}

/* ---- invalidation ------------------------------------------------------ */

/* True when the entry with key k is one f drops (ignoring the address). */
static bool inv_selects(uint64_t k, const struct hw_inv *f)
{
	if (!k)
		return false;
	if (k & HW_TLB_KEY_G)
		return f->global;
	return f->nonglobal && (f->pcid < 0 || (k & HW_TLB_KEY_PCID) == (uint64_t)f->pcid);
}

/* Drop the selected entries of set s whose page (at shift index si) holds
 * va; all selected entries of the set when si < 0. */
static uint32_t inv_set(struct hw_tlb *t, uint32_t s, int si, uint64_t va, const struct hw_inv *f)
{
	uint64_t base = (uint64_t)s * t->ways, page = 0;
	uint64_t code = si >= 0 ? t->code[si] : 0;
	uint32_t n = 0;
	if (si >= 0)
		page = va >> t->shift[si];
	for (uint32_t w = 0; w < t->ways; w++) {
		uint64_t k = t->key[base + w];
		if (!inv_selects(k, f))
			continue;
		if (si >= 0 && ((k >> HW_TLB_KEY_VPN) != page ||
				((k >> HW_TLB_KEY_CODE) & 7) != code))
			continue;
		drop(t, base + w);
		n++;
	}
	return n;
}

/* True when TLB entry i (a piece of a page of its data word's size) lies in
 * the same page as va. */
static bool covers_splintered(const struct hw_tlb *t, uint64_t i, uint64_t va)
{
	uint64_t k = t->key[i];
	unsigned es = hw_tlb_key_shift(k);
	unsigned rs = hw_psize_shift((enum hw_psize)((t->data[i] >> HW_R_SIZE_SHIFT) & 3));
	unsigned s = rs > es ? rs : es;
	return (((k >> HW_TLB_KEY_VPN) << es) >> s) == (va >> s);
}

/* Drop the selected entries anywhere in t that cover f->va, splinters of
 * larger pages included. */
static uint32_t inv_splintered(struct hw_tlb *t, const struct hw_inv *f)
{
	uint32_t n = 0;
	for (uint64_t i = 0; i < (uint64_t)t->sets * t->ways; i++)
		if (inv_selects(t->key[i], f) && covers_splintered(t, i, f->va)) {
			drop(t, i);
			n++;
		}
	return n;
}

/* See tlb.h. */
uint32_t hw_tlb_invalidate(struct hw_tlb *t, const struct hw_inv *f)
{
	uint32_t n = 0;
	if (f->by_va && t->splinters)
		return inv_splintered(t, f);
	if (!f->by_va) {
		for (uint32_t s = 0; s < t->sets; s++)
			n += inv_set(t, s, -1, 0, f);
		return n;
	}
	for (int si = 0; si < t->nshift; si++)
		n += inv_set(t, (uint32_t)((f->va >> t->shift[si]) & t->set_mask), si, f->va, f);
	return n;
}

/* See tlb.h. */
uint32_t hw_tlb_count(const struct hw_tlb *t)
{
	uint32_t n = 0;
	for (uint64_t i = 0; i < (uint64_t)t->sets * t->ways; i++)
		n += t->key[i] != 0;
	return n;
}

/* See tlb.h. */
int hw_tlb_shift_index(const struct hw_tlb *t, unsigned sh)
{
	for (int i = 0; i < t->nshift; i++)
		if (t->shift[i] == sh)
			return i;
	return -1;
}
