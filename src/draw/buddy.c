/*
 * draw/buddy.c — the buddy allocator's free lists: for each populated zone,
 * a bar per order 0..10 whose height is the logarithm of the number of
 * free blocks of that order (the count written on it), split by
 * migratetype, as /proc/pagetypeinfo counts them.
 */
#include "draw/internal.h"

#include "common.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>

static const char *const zone_names[] = { "DMA", "DMA32", "Normal", "Movable" };
static const char *const types[] = { "Unmovable", "Movable", "Reclaimable", "HighAtomic", "Isolate" };
#define NTYPES ARRAY_SIZE(types)

struct zone_free {
	const char *name;
	uint64_t total[11];
	uint64_t by_type[NTYPES][11];
};

#define PANEL_W 560
#define PANEL_H 190
#define BAR_W 34

/* Bar height for a count: 7 px per doubling. */
static int bar_h(uint64_t n)
{
	return n ? 4 + 7 * (64 - __builtin_clzll(n)) : 0;
}

static void svg_zone(struct pic *p, const struct zone_free *z, int x, int y)
{
	char attrs[128], size[16];
	uint64_t pages = 0;
	for (int o = 0; o <= 10; o++)
		pages += z->total[o] << o;
	fmt_size(pages * 4096, size, sizeof size);
	snprintf(attrs, sizeof attrs, "data-zone=\"%s\" data-free-pages=\"%" PRIu64 "\"", z->name, pages);
	svg_group(p, "zone", attrs);
	svg_rect(p, x, y, PANEL_W, PANEL_H, "box", NULL);
	svg_text(p, x + 8, y + 18, "start", "title", "zone %s: %" PRIu64 " free pages (%s)", z->name, pages, size);
	int base = y + PANEL_H - 34;
	svg_line(p, x + 10, base, x + PANEL_W - 10, base, "axis");
	for (int o = 0; o <= 10; o++) {
		int bx = x + 20 + o * (BAR_W + 14);
		int h = bar_h(z->total[o]), top = base - h;
		snprintf(attrs, sizeof attrs, "data-order=\"%d\" data-blocks=\"%" PRIu64 "\"", o, z->total[o]);
		svg_group(p, "order", attrs);
		fmt_size(UINT64_C(4096) << o, size, sizeof size);
		svg_tooltip(p, "order %d (%s blocks): %" PRIu64 " free", o, size, z->total[o]);
		/* the bar split by migratetype, in proportion */
		int at = base;
		for (size_t t = 0; t < NTYPES && z->total[o]; t++) {
			int part = (int)((uint64_t)h * z->by_type[t][o] / z->total[o]);
			if (!part)
				continue;
			char cls[32];
			snprintf(cls, sizeof cls, "bar mt-%s", types[t]);
			svg_rect(p, bx, at - part, BAR_W, part, cls, NULL);
			at -= part;
		}
		svg_text(p, bx + BAR_W / 2, top - 4, "middle", "small", "%" PRIu64, z->total[o]);
		svg_text(p, bx + BAR_W / 2, base + 14, "middle", "", "%d", o);
		svg_text(p, bx + BAR_W / 2, base + 27, "middle", "small note", "%s", size);
		svg_group_end(p);
	}
	svg_group_end(p);
}

/* See internal.h. */
int draw_buddy(struct pic *p)
{
	struct zone_free zones[ARRAY_SIZE(zone_names)];
	int nz = 0;
	for (size_t i = 0; i < ARRAY_SIZE(zone_names); i++) {
		struct zone_free *z = &zones[nz];
		z->name = zone_names[i];
		int err = mmsim_free_blocks(p->m, z->name, NULL, z->total);
		if (err == -ENOENT)
			continue;       /* the machine has no such zone */
		if (err)
			return pic_api_fail(p, err);
		for (size_t t = 0; t < NTYPES; t++)
			if (mmsim_free_blocks(p->m, z->name, types[t], z->by_type[t]))
				for (int o = 0; o <= 10; o++)
					z->by_type[t][o] = 0;
		nz++;
	}
	const char *heading = "buddy allocator: free blocks per order and zone";
	if (p->o->format == DRAW_TEXT) {
		sb_printf(p->b, "%s\n%-22s", heading, "order");
		for (int o = 0; o <= 10; o++)
			sb_printf(p->b, "%7d", o);
		sb_printf(p->b, "\n");
		for (int i = 0; i < nz; i++) {
			sb_printf(p->b, "zone %-17s", zones[i].name);
			for (int o = 0; o <= 10; o++)
				sb_printf(p->b, "%7" PRIu64, zones[i].total[o]);
			sb_printf(p->b, "\n");
			for (size_t t = 0; t < NTYPES; t++) {
				sb_printf(p->b, "  %-20s", types[t]);
				for (int o = 0; o <= 10; o++)
					sb_printf(p->b, "%7" PRIu64, zones[i].by_type[t][o]);
				sb_printf(p->b, "\n");
			}
		}
		return 0;
	}
	int width = 40 + PANEL_W + 20, height = 70 + nz * (PANEL_H + 16) + 30;
	svg_begin(p, "buddy", width, height, heading);
	svg_text(p, 20, 22, "start", "title", "%s", heading);
	svg_text(p, 40 + PANEL_W - 10, 22, "end", "small note", "bar height: log of the count");
	for (size_t t = 0; t < NTYPES; t++) {
		char cls[32];
		snprintf(cls, sizeof cls, "mt-%s", types[t]);
		svg_rect(p, 20 + (int)t * 112, 36, 12, 12, cls, NULL);
		svg_text(p, 36 + (int)t * 112, 46, "start", "small", "%s", types[t]);
	}
	for (int i = 0; i < nz; i++)
		svg_zone(p, &zones[i], 20, 62 + i * (PANEL_H + 16));
	svg_end(p);
	return 0;
}
