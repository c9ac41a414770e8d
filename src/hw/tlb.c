/* hw/tlb.c — set-associative translation caches: lookup, fill, replacement
 * (true LRU and tree-PLRU) and invalidation by filter. */
#include "hw/tlb.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* log2 of a power of two. */
static unsigned log2u(uint32_t v)
{
	return (unsigned)__builtin_ctz(v);
}

/* Every tag invalid (0), the padding of each set's tag row HW_TLB_TAG_PAD. */
static void init_tags(struct hw_tlb *t)
{
	for (uint32_t s = 0; s < t->sets; s++) {
		uint8_t *row = t->tag + (uint64_t)s * t->tag_stride;
		memset(row, 0, t->ways);
		memset(row + t->ways, HW_TLB_TAG_PAD, t->tag_stride - t->ways);
	}
}

/* ---- tree-PLRU --------------------------------------------------------------
 * Node n of a set's tree has children 2n+1 (left, lower ways) and 2n+2; its
 * bit says where the victim is: 0 left, 1 right. Using a way turns every
 * node on its path to point away from it. */

/* The masks that mark each way used, for hw_tlb_touch: the nodes on way
 * w's path are cleared by plru_path[2w] and those that must point right
 * (away from a left-hand w) set by plru_path[2w+1]. */
static void init_plru_paths(struct hw_tlb *t)
{
	unsigned depth = log2u(t->ways);
	for (uint32_t w = 0; w < t->ways; w++) {
		uint64_t keep = ~0ULL, set = 0;
		for (unsigned d = 0, n = 0; d < depth; d++) {
			unsigned dir = (w >> (depth - 1 - d)) & 1;
			keep &= ~(1ULL << n);
			set |= dir ? 0 : 1ULL << n;
			n = 2 * n + 1 + dir;
		}
		t->plru_path[2 * w] = keep;
		t->plru_path[2 * w + 1] = set;
	}
}

/* The table behind hw_tlb_plru_victim: for every value of tree nodes 0..6,
 * the path (as a way number of the top levels) the first min(3, depth)
 * nodes point along. */
static void init_plru_top(struct hw_tlb *t)
{
	unsigned top = t->plru_depth < 3 ? t->plru_depth : 3;
	for (unsigned bits = 0; bits < 128; bits++) {
		unsigned n = 0, w = 0;
		for (unsigned d = 0; d < top; d++) {
			unsigned dir = (bits >> n) & 1;
			w = (w << 1) | dir;
			n = 2 * n + 1 + dir;
		}
		t->plru_top[bits] = (uint8_t)w;
	}
}

/* ---- set-up -------------------------------------------------------------- */

/* Allocate the arrays of t (geometry already set). Returns 0 or -ENOMEM. */
static int alloc_arrays(struct hw_tlb *t)
{
	uint64_t entries = (uint64_t)t->sets * t->ways;
	t->key = calloc(entries, sizeof *t->key);
	t->data = calloc(entries, sizeof *t->data);
	t->tag = malloc((size_t)t->sets * t->tag_stride);
	if (t->repl == HW_REPL_PLRU) {
		t->plru = calloc(t->sets, sizeof *t->plru);
		t->plru_path = calloc(2 * (size_t)t->ways, sizeof *t->plru_path);
	} else {
		t->stamp = calloc(entries, sizeof *t->stamp);
	}
	if (!t->key || !t->data || !t->tag || (!(t->plru && t->plru_path) && !t->stamp))
		return -ENOMEM;
	init_tags(t);
	if (t->plru) {
		t->plru_depth = (uint8_t)log2u(t->ways);
		init_plru_paths(t);
		init_plru_top(t);
	}
	return 0;
}

/* See tlb.h. */
int hw_tlb_init(struct hw_tlb *t, const struct hw_geom *g, const uint8_t *shifts, int n, int id)
{
	memset(t, 0, sizeof *t);
	hw_tlb_set_group(t, &t->group_self, 0);
	t->id = (uint8_t)id;
	t->repl = g->repl;
	memset(t->code_si, -1, sizeof t->code_si);
	if (!g->entries || !n)
		return 0;
	t->ways = g->ways;
	t->sets = g->entries / g->ways;
	t->set_mask = t->sets - 1;
	t->tag_shift = (uint8_t)(HW_TLB_KEY_VPN + log2u(t->sets));
	t->nfree = g->entries;
	t->tag_stride = (t->ways + 7) & ~7u;
	t->nshift = (uint8_t)n;
	memcpy(t->shift, shifts, (size_t)n);
	for (int i = 0; i < n; i++) {
		t->code[i] = (uint8_t)hw_tlb_code(shifts[i]);
		t->code_si[t->code[i]] = (int8_t)i;
	}
	if (alloc_arrays(t)) {
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
	free(t->tag);
	free(t->stamp);
	free(t->plru);
	free(t->plru_path);
	memset(t, 0, sizeof *t);
	memset(t->code_si, -1, sizeof t->code_si);
	hw_tlb_set_group(t, &t->group_self, 0);
}

/* See tlb.h. */
void hw_tlb_set_group(struct hw_tlb *t, uint8_t *group, unsigned bit)
{
	t->group = group;
	t->group_bit = (uint8_t)(1u << bit);
	if (t->live)
		*group |= t->group_bit;
}

/* ---- lookup and replacement ------------------------------------------ */

/* Empty slot i, keeping the per-size counts. */
static void drop(struct hw_tlb *t, uint64_t i)
{
	int si = t->code_si[(t->key[i] >> HW_TLB_KEY_CODE) & 7];
	if (!--t->nvalid[si])
		hw_tlb_size_emptied(t, si);
	t->nfree++;
	t->key[i] = 0;
	t->tag[i / t->ways * t->tag_stride + i % t->ways] = 0;
}

/* See tlb.h. */
int64_t hw_tlb_lookup(struct hw_tlb *t, uint64_t va, unsigned pcid)
{
	for (unsigned m = t->live; m; m &= m - 1) {
		int64_t i = hw_tlb_lookup_si(t, va, __builtin_ctz(m), pcid);
		if (i >= 0)
			return i;
	}
	return -1;
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
 * va; all selected entries of the set when si < 0. Only the ways whose tag
 * byte is the page's are read (as a lookup's probe), and their page and
 * size compared in one test of the key's bits above the PCID and G bit. */
static uint32_t inv_set(struct hw_tlb *t, uint32_t s, int si, uint64_t va, const struct hw_inv *f)
{
	uint64_t base = (uint64_t)s * t->ways;
	uint32_t n = 0;
	if (si < 0) {
		for (uint32_t w = 0; w < t->ways; w++)
			if (inv_selects(t->key[base + w], f)) {
				drop(t, base + w);
				n++;
			}
		return n;
	}
	uint64_t want = (va >> t->shift[si]) << (HW_TLB_KEY_VPN - HW_TLB_KEY_CODE) | t->code[si];
	const uint8_t *row = t->tag + (uint64_t)s * t->tag_stride;
	uint64_t pat = hw_tlb_tag(t, want << HW_TLB_KEY_CODE) * HW_TLB_BYTES;
	for (uint32_t o = 0; o < t->tag_stride; o += 8)         /* only the ways whose tag is the page's */
		for (uint64_t m = hw_tlb_zero_bytes(hw_tlb_tag_word(row, o) ^ pat); m; m &= m - 1) {
			uint64_t i = base + hw_tlb_mask_way(m, o);
			uint64_t k = t->key[i];
			if ((k >> HW_TLB_KEY_CODE) != want || !inv_selects(k, f))
				continue;
			drop(t, i);
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

/* Does t still hold a piece of a larger page? After a flush that left
 * none, INVLPG goes back to probing only the sets of its address. */
static bool holds_splinters(const struct hw_tlb *t)
{
	for (uint64_t i = 0; i < (uint64_t)t->sets * t->ways; i++)
		if (t->key[i] && hw_psize_shift((enum hw_psize)((t->data[i] >> HW_R_SIZE_SHIFT) & 3)) >
					 hw_tlb_key_shift(t->key[i]))
			return true;
	return false;
}

/* See tlb.h. */
uint32_t hw_tlb_invalidate(struct hw_tlb *t, const struct hw_inv *f)
{
	uint32_t n = 0;
	if (!t->live)
		return 0;                           /* empty: nothing to drop, nothing to visit */
	if (f->by_va && t->splinters)
		return inv_splintered(t, f);
	if (!f->by_va) {
		for (uint32_t s = 0; s < t->sets; s++)
			n += inv_set(t, s, -1, 0, f);
		if (t->splinters)                   /* the whole TLB was visited anyway */
			t->splinters = holds_splinters(t);
		return n;
	}
	for (int si = 0; si < t->nshift; si++)
		if (t->live & (1u << si))           /* a size with no entry has none to drop */
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
