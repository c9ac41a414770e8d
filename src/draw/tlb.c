/*
 * draw/tlb.c — a core's TLBs and paging-structure caches: each a grid of
 * sets (rows) by ways (columns), each valid entry with its virtual page,
 * physical page, PCID, global bit and size. A large structure shows the
 * sets that hold entries (at most MAX_SETS) and one line for each run of
 * empty sets between them.
 */
#include "draw/internal.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_SETS 24
#define ROW_H 30
#define LABEL_W 84

struct cache {
	struct mmsim_tlb_info info;
	struct mmsim_tlb_entry *e;
	int n;
	int *first;                    /* per set: index of its first entry in e, -1 none */
};

/* "4K 2M" for a sizes mask. */
static void sizes_text(unsigned sizes, char *buf, size_t len)
{
	snprintf(buf, len, "%s%s%s", sizes & 1 ? "4K " : "", sizes & 2 ? "2M " : "", sizes & 4 ? "1G " : "");
	if (!sizes)
		snprintf(buf, len, "tables ");
}

/* Read core's caches into *out (malloc'd, *nout of them, to free even on
 * failure). Returns 0, or a negative errno (recorded). */
static int read_caches(struct pic *p, struct cache **out, int *nout)
{
	struct cache *c = NULL;
	int n = 0;
	*out = NULL;
	*nout = 0;
	for (int i = 0;; i++) {
		struct mmsim_tlb_info info;
		int err = mmsim_tlb_info(p->m, p->o->core, i, &info);
		if (err == -ENOENT)
			break;
		if (err)
			return pic_api_fail(p, err);
		struct cache *q = realloc(c, (size_t)(n + 1) * sizeof *c);
		if (!q)
			goto oom;
		c = q;
		*out = c;
		struct cache *x = &c[n++];
		*nout = n;
		x->info = info;
		x->n = 0;
		x->e = NULL;
		x->first = calloc(info.sets ? info.sets : 1, sizeof *x->first);
		int64_t cnt = mmsim_tlb_entries(p->m, p->o->core, i, NULL, 0);
		x->e = calloc((size_t)(cnt > 0 ? cnt : 1), sizeof *x->e);
		if (!x->first || !x->e)
			goto oom;
		if (cnt < 0 || (cnt = mmsim_tlb_entries(p->m, p->o->core, i, x->e, (size_t)cnt)) < 0)
			return pic_api_fail(p, (int)cnt);
		x->n = (int)cnt;
		for (uint32_t s = 0; s < info.sets; s++)
			x->first[s] = -1;
		for (int k = x->n - 1; k >= 0; k--)
			x->first[x->e[k].set] = k;
	}
	return 0;
oom:
	return pic_fail(p, -ENOMEM, "tlb: out of memory");
}

static void free_caches(struct cache *c, int n)
{
	for (int i = 0; c && i < n; i++) {
		free(c[i].e);
		free(c[i].first);
	}
	free(c);
}

/* Should set s of c be a row? Small structures with entries show every
 * set; others the sets with entries, the first MAX_SETS of them. */
static bool set_shown(const struct cache *c, uint32_t s, int *shown_sets)
{
	if (c->info.sets <= 8 && c->info.valid)
		return true;
	if (c->first[s] < 0 || *shown_sets >= MAX_SETS)
		return false;
	(*shown_sets)++;
	return true;
}

/* The rows c takes: shown sets and one per run of hidden ones. */
static int cache_rows(const struct cache *c)
{
	int rows = 0, shown = 0;
	bool prev_hidden = false;
	for (uint32_t s = 0; s < c->info.sets; s++) {
		bool sh = set_shown(c, s, &shown);
		if (sh || !prev_hidden)
			rows++;
		prev_hidden = !sh;
	}
	return rows;
}

static int cell_w(const struct cache *c)
{
	int w = 1100 / (int)(c->info.ways ? c->info.ways : 1);
	return w < 76 ? 76 : w > 150 ? 150 : w;
}

/* One cache's panel at y; returns its height. */
static int svg_cache(struct pic *p, const struct cache *c, int y)
{
	char attrs[200], sizes[16];
	int cw = cell_w(c), rows = cache_rows(c);
	int h = 30 + rows * ROW_H + 8;
	sizes_text(c->info.sizes, sizes, sizeof sizes);
	snprintf(attrs, sizeof attrs, "data-name=\"%s\" data-key=\"%s\" data-sets=\"%u\" data-ways=\"%u\" data-valid=\"%u\"",
		 c->info.name, c->info.key, c->info.sets, c->info.ways, c->info.valid);
	svg_group(p, "cache", attrs);
	svg_rect(p, 20, y, LABEL_W + (int)c->info.ways * cw + 16, h, "box", NULL);
	svg_text(p, 28, y + 18, "start", "title", "%s", c->info.name);
	svg_text(p, 28 + (int)strlen(c->info.name) * 10 + 12, y + 18, "start", "note",
		 "%u sets x %u ways, %s| %u valid (-o %s.*)", c->info.sets, c->info.ways, sizes, c->info.valid, c->info.key);
	int ry = y + 30, shown = 0;
	bool prev_hidden = false;
	for (uint32_t s = 0; s < c->info.sets; s++) {
		if (!set_shown(c, s, &shown)) {
			if (!prev_hidden) {
				uint32_t t = s;
				int count = 0, tmp = shown;
				while (t < c->info.sets && !set_shown(c, t, &tmp)) {
					count += c->first[t] >= 0;
					t++;
				}
				if (count)
					svg_text(p, 28, ry + 19, "start", "small note",
						 "sets %u-%u: %d more sets with entries, not drawn", s, t - 1, count);
				else if (s == 0 && t == c->info.sets)
					svg_text(p, 28, ry + 19, "start", "small note", "empty");
				else
					svg_text(p, 28, ry + 19, "start", "small note", "sets %u-%u: empty", s, t - 1);
				ry += ROW_H;
			}
			prev_hidden = true;
			continue;
		}
		prev_hidden = false;
		svg_text(p, 28, ry + 19, "start", "small", "set %u", s);
		for (uint32_t w = 0; w < c->info.ways; w++) {
			int x = 20 + LABEL_W + (int)w * cw;
			const struct mmsim_tlb_entry *e = NULL;
			for (int k = c->first[s]; k >= 0 && k < c->n && c->e[k].set == s; k++)
				if (c->e[k].way == w)
					e = &c->e[k];
			if (!e) {
				svg_rect(p, x, ry + 2, cw - 4, ROW_H - 4, "way", NULL);
				continue;
			}
			char sz[16];
			fmt_size(UINT64_C(1) << e->shift, sz, sizeof sz);
			snprintf(attrs, sizeof attrs,
				 "data-set=\"%u\" data-way=\"%u\" data-va=\"0x%" PRIx64 "\" data-pa=\"0x%" PRIx64
				 "\" data-pcid=\"%u\" data-global=\"%d\" data-shift=\"%u\"",
				 e->set, e->way, e->va, e->pa, e->pcid, e->global, e->shift);
			svg_group(p, "entry", attrs);
			svg_tooltip(p, "%s set %u way %u: va 0x%" PRIx64 " -> pa 0x%" PRIx64 ", %s, PCID %u%s%s%s%s%s",
				    c->info.name, e->set, e->way, e->va, e->pa, sz, e->pcid, e->global ? ", global" : "",
				    e->rights & MMSIM_TLB_W ? ", W" : "", e->rights & MMSIM_TLB_U ? ", U" : "",
				    e->rights & MMSIM_TLB_XD ? ", XD" : "", e->rights & MMSIM_TLB_D ? ", D" : "");
			svg_rect(p, x, ry + 2, cw - 4, ROW_H - 4, e->global ? "global" : "valid", NULL);
			svg_text(p, x + 4, ry + 13, "start", "small", "%" PRIx64, (e->va >> e->shift) & UINT64_C(0xfffffffff));
			svg_text(p, x + 4, ry + 24, "start", "small note", "%" PRIx64 " p%u %s%s", e->pa >> 12, e->pcid, sz,
				 e->global ? " G" : "");
			svg_group_end(p);
		}
		ry += ROW_H;
	}
	svg_group_end(p);
	return h;
}

static void text_cache(struct pic *p, const struct cache *c)
{
	char sizes[16], sz[16];
	sizes_text(c->info.sizes, sizes, sizeof sizes);
	sb_printf(p->b, "%s (%s.*): %u sets x %u ways, %s| %u valid\n", c->info.name, c->info.key, c->info.sets,
		  c->info.ways, sizes, c->info.valid);
	for (int k = 0; k < c->n; k++) {
		const struct mmsim_tlb_entry *e = &c->e[k];
		fmt_size(UINT64_C(1) << e->shift, sz, sizeof sz);
		sb_printf(p->b, "  set %3u way %2u: va 0x%" PRIx64 " -> pa 0x%" PRIx64 " %s pcid %u%s%s%s%s%s\n", e->set,
			  e->way, e->va, e->pa, sz, e->pcid, e->global ? " G" : "", e->rights & MMSIM_TLB_W ? " W" : "",
			  e->rights & MMSIM_TLB_U ? " U" : "", e->rights & MMSIM_TLB_XD ? " XD" : "",
			  e->rights & MMSIM_TLB_D ? " D" : "");
	}
}

/* See internal.h. */
int draw_tlb(struct pic *p)
{
	struct cache *c;
	int n, err = read_caches(p, &c, &n);
	if (err) {
		free_caches(c, n);
		return err;
	}
	char heading[96];
	snprintf(heading, sizeof heading, "TLBs and paging-structure caches of core %d", p->o->core);
	if (p->o->format == DRAW_TEXT) {
		sb_printf(p->b, "%s\n", heading);
		for (int i = 0; i < n; i++)
			text_cache(p, &c[i]);
	} else {
		int width = 300, height = 44;
		for (int i = 0; i < n; i++) {
			int w = 20 + LABEL_W + (int)c[i].info.ways * cell_w(&c[i]) + 16 + 20;
			if (w > width)
				width = w;
			if (width < 760)
				width = 760;
			height += 30 + cache_rows(&c[i]) * ROW_H + 8 + 12;
		}
		svg_begin(p, "tlb", width, height, heading);
		svg_text(p, 20, 22, "start", "title", "%s", heading);
		int y = 36;
		for (int i = 0; i < n; i++)
			y += svg_cache(p, &c[i], y) + 12;
		svg_end(p);
	}
	free_caches(c, n);
	return 0;
}
