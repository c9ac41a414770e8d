/*
 * draw/physmem.c — physical memory as a map of frames by owner: a grid of
 * at most MAX_CELLS cells, each standing for a power-of-two number of
 * frames (so cells line up with buddy blocks) and coloured by what most of
 * its frames hold: free (shaded by the order of the largest free block in
 * it, which shows fragmentation), free on a per-CPU list, anonymous, page
 * cache, shared memory, the zero page, slab, page tables, other kernel
 * allocations, reserved. Neighbouring cells of a row with the same class
 * are one element, so a terabyte is a few hundred elements. Zone starts
 * are marked, and the legend totals each kind.
 */
#include "draw/internal.h"

#include "common.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_CELLS 1024
#define COLS 64
#define CELL 14

/* The categories, in the order ties are broken and the legend lists them. */
enum cat { C_FREE, C_PCP, C_ANON, C_FILE, C_SHMEM, C_ZERO, C_SLAB, C_PAGETABLE, C_KERNEL, C_RESERVED, NR_CATS };
static const char *const cat_names[NR_CATS] = {
	"free", "free (per-CPU)", "anon", "file", "shmem", "zero", "slab", "pagetable", "kernel", "reserved",
};
static const char *const cat_kinds[NR_CATS] = {
	"free", "pcp", "anon", "file", "shmem", "zero", "slab", "pagetable", "kernel", "reserved",
};
static const char cat_chars[NR_CATS] = { '.', 'p', 'A', 'F', 'H', 'Z', 'S', 'T', 'K', 'R' };

struct cell {
	uint64_t n[NR_CATS];
	int max_order;                 /* of the free blocks in it, -1 none */
};

struct zone_mark {
	char name[16];
	uint64_t start, end;
};

struct map {
	uint64_t frames, per_cell;
	int ncells;
	struct cell *cells;
	uint64_t total[NR_CATS];
	uint64_t free_blocks[11];
	struct zone_mark zones[8];
	int nzones;
};

static enum cat run_cat(const struct mmsim_frame_run *r)
{
	if (!strcmp(r->kind, "free"))
		return r->pcp ? C_PCP : C_FREE;
	for (int c = C_ANON; c < NR_CATS; c++)
		if (!strcmp(r->kind, cat_kinds[c]))
			return (enum cat)c;
	return C_KERNEL;
}

/* Add run r to the map's cells, totals, free blocks and zones. */
static void add_run(struct map *mp, const struct mmsim_frame_run *r)
{
	enum cat c = run_cat(r);
	mp->total[c] += r->count;
	if (c == C_FREE && r->order <= 10)
		mp->free_blocks[r->order] += r->count >> r->order;
	if (r->zone[0]) {
		struct zone_mark *z = mp->nzones ? &mp->zones[mp->nzones - 1] : NULL;
		if (z && !strcmp(z->name, r->zone) && z->end == r->pfn)
			z->end = r->pfn + r->count;
		else if (mp->nzones < (int)ARRAY_SIZE(mp->zones))
			mp->zones[mp->nzones++] = (struct zone_mark){ .start = r->pfn, .end = r->pfn + r->count },
			snprintf(mp->zones[mp->nzones - 1].name, sizeof mp->zones[0].name, "%s", r->zone);
	}
	for (uint64_t pfn = r->pfn, end = r->pfn + r->count; pfn < end;) {
		uint64_t cell = pfn / mp->per_cell, stop = (cell + 1) * mp->per_cell;
		if (stop > end)
			stop = end;
		struct cell *ce = &mp->cells[cell];
		ce->n[c] += stop - pfn;
		if (c == C_FREE && (int)r->order > ce->max_order)
			ce->max_order = (int)r->order;
		pfn = stop;
	}
}

/* The category a cell shows: the use most of its frames in use have, when
 * any is (so a page table among a thousand free frames still shows), else
 * free or per-CPU, whichever has more (ties: the first). */
static enum cat dominant(const struct cell *ce)
{
	int best = -1;
	for (int c = C_ANON; c < NR_CATS; c++)
		if (ce->n[c] && (best < 0 || ce->n[c] > ce->n[best]))
			best = c;
	if (best >= 0)
		return (enum cat)best;
	return ce->n[C_PCP] > ce->n[C_FREE] ? C_PCP : C_FREE;
}

/* Are most of the cell's frames free, though it shows a use? */
static bool mostly_free(const struct cell *ce, uint64_t per_cell)
{
	return dominant(ce) >= C_ANON && (ce->n[C_FREE] + ce->n[C_PCP]) * 2 > per_cell;
}

/* A cell's class: the category's, free ones shaded by their largest
 * order, faint ("part") when most of a used cell is free. */
static const char *cell_class(const struct cell *ce, uint64_t per_cell)
{
	static const char *const cls[NR_CATS][2] = {
		{ "k-free", "k-free" }, { "k-pcp", "k-pcp" }, { "k-anon", "k-anon part" }, { "k-file", "k-file part" },
		{ "k-shmem", "k-shmem part" }, { "k-zero", "k-zero part" }, { "k-slab", "k-slab part" },
		{ "k-pagetable", "k-pagetable part" }, { "k-kernel", "k-kernel part" }, { "k-reserved", "k-reserved part" },
	};
	enum cat c = dominant(ce);
	if (c == C_FREE)
		return ce->max_order >= 9 ? "k-free-high" : ce->max_order >= 4 ? "k-free" : "k-free-low";
	return cls[c][mostly_free(ce, per_cell)];
}

/* The character a cell is in text: free cells by their largest order. */
static char cell_char(const struct cell *ce)
{
	enum cat c = dominant(ce);
	if (c == C_FREE)
		return "0123456789a"[ce->max_order < 0 ? 0 : ce->max_order > 10 ? 10 : ce->max_order];
	return cat_chars[c];
}

/* Read the frames into mp. 0 or a negative errno (recorded). */
static int read_map(struct pic *p, struct map *mp)
{
	struct mmsim_frame_run runs[256];
	uint64_t pfn = 0, next;
	/* The number of frames: the machine's RAM ("4G", "64M", bytes). */
	char ram[32] = "";
	mmsim_machine_config_get(p->m, "ram", ram, sizeof ram);
	char *unit;
	uint64_t bytes = strtoull(ram, &unit, 10);
	for (const char *u = "KMGT"; *u && *unit; u++) {
		bytes <<= 10;
		if (*unit == *u)
			break;
	}
	mp->frames = bytes / 4096;
	/* Check the backend serves the frames before anything is drawn. */
	int64_t first = mmsim_frame_runs(p->m, 0, 1, runs, 1, &next);
	if (first < 0)
		return pic_api_fail(p, (int)first);
	if (!mp->frames)
		return pic_fail(p, -EINVAL, "physmem: the machine's ram setting '%s' is not a size", ram);
	mp->per_cell = 1;
	while (mp->frames / mp->per_cell + (mp->frames % mp->per_cell != 0) > MAX_CELLS)
		mp->per_cell *= 2;
	mp->ncells = (int)(mp->frames / mp->per_cell + (mp->frames % mp->per_cell != 0));
	mp->cells = calloc((size_t)mp->ncells, sizeof *mp->cells);
	if (!mp->cells)
		return pic_fail(p, -ENOMEM, "physmem: out of memory");
	for (int i = 0; i < mp->ncells; i++)
		mp->cells[i].max_order = -1;
	for (pfn = 0; pfn < mp->frames; pfn = next) {
		int64_t n = mmsim_frame_runs(p->m, pfn, mp->frames, runs, ARRAY_SIZE(runs), &next);
		if (n < 0)
			return pic_api_fail(p, (int)n);
		for (int64_t i = 0; i < n; i++)
			add_run(mp, &runs[i]);
	}
	return 0;
}

static void svg_physmem(struct pic *p, const struct map *mp, const char *heading)
{
	int rows = (mp->ncells + COLS - 1) / COLS;
	int grid_y = 60, legend_y = grid_y + rows * CELL + 30;
	int width = 40 + 110 + COLS * CELL + 20, height = legend_y + (NR_CATS + 1) / 2 * SVG_LINE_H + 70 +
						       mp->nzones * SVG_LINE_H;
	char size[16], attrs[200];
	svg_begin(p, "physmem", width, height, heading);
	svg_text(p, 20, 22, "start", "title", "%s", heading);
	fmt_size(mp->per_cell * 4096, size, sizeof size);
	svg_text(p, 20, 42, "start", "small note",
		 "one cell: %" PRIu64 " frame%s (%s), coloured by the use most of its frames in use have (faint: most "
		 "of the cell is free), or as free",
		 mp->per_cell, mp->per_cell == 1 ? "" : "s", size);
	int x0 = 40 + 110;
	for (int r = 0; r < rows; r++) {
		svg_text(p, x0 - 6, grid_y + r * CELL + 11, "end", "small", "pfn 0x%" PRIx64, (uint64_t)r * COLS * mp->per_cell);
		for (int c = 0; c < COLS;) {
			int i = r * COLS + c;
			if (i >= mp->ncells)
				break;
			const char *cls = cell_class(&mp->cells[i], mp->per_cell);
			int len = 1;
			while (c + len < COLS && i + len < mp->ncells && !strcmp(cell_class(&mp->cells[i + len], mp->per_cell), cls))
				len++;
			uint64_t first = (uint64_t)i * mp->per_cell, last = (uint64_t)(i + len) * mp->per_cell;
			if (last > mp->frames)
				last = mp->frames;
			snprintf(attrs, sizeof attrs, "data-pfn=\"0x%" PRIx64 "\" data-frames=\"%" PRIu64 "\" data-kind=\"%s\"",
				 first, last - first, cat_kinds[dominant(&mp->cells[i])]);
			svg_group(p, "frames", attrs);
			svg_tooltip(p, "pfn 0x%" PRIx64 "-0x%" PRIx64 ": mostly %s", first, last - 1,
				    cat_names[dominant(&mp->cells[i])]);
			svg_rect(p, x0 + c * CELL, grid_y + r * CELL, len * CELL, CELL, cls, "stroke=\"#fff\" stroke-width=\"0.5\"");
			svg_group_end(p);
			c += len;
		}
	}
	/* zone starts */
	for (int z = 0; z < mp->nzones; z++) {
		uint64_t cell = mp->zones[z].start / mp->per_cell;
		int x = x0 + (int)(cell % COLS) * CELL, y = grid_y + (int)(cell / COLS) * CELL;
		snprintf(attrs, sizeof attrs, "data-zone=\"%s\" data-start=\"0x%" PRIx64 "\" data-end=\"0x%" PRIx64 "\"",
			 mp->zones[z].name, mp->zones[z].start, mp->zones[z].end);
		svg_group(p, "zone", attrs);
		sb_printf(p->b, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" class=\"axis\" stroke-width=\"3\"/>\n", x,
			  y - 3, x, y + CELL + 3);
		svg_group_end(p);
	}
	/* legend */
	for (int c = 0; c < NR_CATS; c++) {
		int x = 40 + (c % 2) * 420, y = legend_y + (c / 2) * SVG_LINE_H;
		static const char *const swatch[NR_CATS] = {
			"k-free", "k-pcp", "k-anon", "k-file", "k-shmem", "k-zero", "k-slab", "k-pagetable", "k-kernel", "k-reserved",
		};
		fmt_size(mp->total[c] * 4096, size, sizeof size);
		snprintf(attrs, sizeof attrs, "data-kind=\"%s\" data-frames=\"%" PRIu64 "\"", cat_kinds[c], mp->total[c]);
		svg_group(p, "legend", attrs);
		svg_rect(p, x, y - 10, 12, 12, swatch[c], NULL);
		svg_text(p, x + 18, y, "start", "", "%-15s %9" PRIu64 " frames  %7s", cat_names[c], mp->total[c], size);
		svg_group_end(p);
	}
	int y = legend_y + (NR_CATS + 1) / 2 * SVG_LINE_H + 6;
	svg_rect(p, 40, y - 10, 12, 12, "k-free-low", NULL);
	svg_rect(p, 54, y - 10, 12, 12, "k-free", NULL);
	svg_rect(p, 68, y - 10, 12, 12, "k-free-high", NULL);
	char line[160];
	size_t n = (size_t)snprintf(line, sizeof line, "free blocks by order:");
	for (int o = 0; o <= 10; o++)
		n += (size_t)snprintf(line + n, n < sizeof line ? sizeof line - n : 0, " %d:%" PRIu64, o, mp->free_blocks[o]);
	svg_text(p, 86, y, "start", "", "%s", line);
	svg_text(p, 86, y + SVG_LINE_H, "start", "small note", "free cells: light, largest block of order 0-3; mid, 4-8; dark, 9-10");
	y += 2 * SVG_LINE_H + 4;
	for (int z = 0; z < mp->nzones; z++, y += SVG_LINE_H) {
		fmt_size((mp->zones[z].end - mp->zones[z].start) * 4096, size, sizeof size);
		svg_text(p, 40, y, "start", "", "zone %-7s pfn 0x%" PRIx64 "-0x%" PRIx64 " (%s), marked | in the map",
			 mp->zones[z].name, mp->zones[z].start, mp->zones[z].end, size);
	}
	svg_end(p);
}

static void text_physmem(struct pic *p, const struct map *mp, const char *heading)
{
	char size[16];
	fmt_size(mp->per_cell * 4096, size, sizeof size);
	sb_printf(p->b, "%s\none character: %" PRIu64 " frame%s (%s): the use most of its frames in use have, or free\n",
		  heading, mp->per_cell, mp->per_cell == 1 ? "" : "s", size);
	for (int i = 0; i < mp->ncells; i++) {
		if (i % COLS == 0)
			sb_printf(p->b, "%s%10" PRIx64 " ", i ? "\n" : "", (uint64_t)i * mp->per_cell);
		sb_printf(p->b, "%c", cell_char(&mp->cells[i]));
	}
	sb_printf(p->b, "\nfree: the largest order in it, 0-9 and a (10)");
	for (int c = 1; c < NR_CATS; c++)
		sb_printf(p->b, "%s%c %s", c % 5 == 0 ? "\n" : ", ", cat_chars[c], cat_names[c]);
	sb_printf(p->b, "\n");
	for (int c = 0; c < NR_CATS; c++) {
		fmt_size(mp->total[c] * 4096, size, sizeof size);
		sb_printf(p->b, "  %-15s %9" PRIu64 " frames %7s\n", cat_names[c], mp->total[c], size);
	}
	sb_printf(p->b, "free blocks by order:");
	for (int o = 0; o <= 10; o++)
		sb_printf(p->b, " %d:%" PRIu64, o, mp->free_blocks[o]);
	sb_printf(p->b, "\n");
	for (int z = 0; z < mp->nzones; z++)
		sb_printf(p->b, "zone %-7s pfn 0x%" PRIx64 "-0x%" PRIx64 "\n", mp->zones[z].name, mp->zones[z].start,
			  mp->zones[z].end);
}

/* See internal.h. */
int draw_physmem(struct pic *p)
{
	struct map mp = { 0 };
	int err = read_map(p, &mp);
	if (!err) {
		char heading[160], size[16];
		fmt_size(mp.frames * 4096, size, sizeof size);
		snprintf(heading, sizeof heading, "physical memory: %" PRIu64 " frames (%s), %" PRIu64 " free", mp.frames,
			 size, mp.total[C_FREE] + mp.total[C_PCP]);
		if (p->o->format == DRAW_TEXT)
			text_physmem(p, &mp, heading);
		else
			svg_physmem(p, &mp, heading);
	}
	free(mp.cells);
	return err;
}
