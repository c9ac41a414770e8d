/*
 * draw/pagetable.c — a process's page-table tree: CR3, then one column per
 * level (PML4, PDPT, PD, PT), each table a box listing the entries in use
 * with their flags and the frame they point to, lines from an entry to the
 * table below it, and the path of one address highlighted with its index
 * fields (the 9+9+9+9+12 split). Large tables and many tables are
 * summarised: a table shows its first and last entries, the path's, and a
 * line for the ones between; a column shows at most MAX_TABLES tables.
 */
#include "draw/internal.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_ENTRIES 200000     /* read at most this many entries */
#define MAX_TABLES 12          /* drawn per level */
#define EDGE_ROWS 4            /* entries shown at each end of a long table */
#define COL_W 340
#define COL_GAP 50
#define ROW_H 18
#define HEAD_H 22

struct table {
	uint64_t pa;
	int level;
	int parent;                    /* the entry (index into entries) that points here, -1: CR3 */
	int first, n;                  /* its entries: idx[first .. first + n) */
	bool drawn;
	int x, y, h;
};

struct tree {
	struct mmsim_pt_entry *e;
	int ne;
	int *idx;                      /* entries grouped by table */
	struct table *t;
	int nt;
	int *table_of;                 /* entry -> its table */
	int *child;                    /* entry -> the table it points to, -1 */
	bool *shown;                   /* entry drawn as a row */
	int *row_y;                    /* of a shown entry */
	int levels;
	uint64_t root;
	bool has_addr;
	uint64_t addr;
};

/* Is entry i on the path of the highlighted address (does it map it)? */
static bool on_path(const struct tree *tr, int i)
{
	const struct mmsim_pt_entry *e = &tr->e[i];
	unsigned shift = 12 + 9 * (unsigned)(e->level - 1);
	return tr->has_addr && tr->addr >= e->va && tr->addr - e->va < (UINT64_C(1) << shift);
}

/* Group the entries (depth-first) into tables. 0 or -ENOMEM. */
static int build(struct tree *tr)
{
	int n = tr->ne;
	tr->idx = calloc((size_t)n + 1, sizeof *tr->idx);
	tr->t = calloc((size_t)n + 1, sizeof *tr->t);
	tr->table_of = calloc((size_t)n + 1, sizeof *tr->table_of);
	tr->child = calloc((size_t)n + 1, sizeof *tr->child);
	tr->shown = calloc((size_t)n + 1, sizeof *tr->shown);
	tr->row_y = calloc((size_t)n + 1, sizeof *tr->row_y);
	if (!tr->idx || !tr->t || !tr->table_of || !tr->child || !tr->shown || !tr->row_y)
		return -ENOMEM;
	int cur[6] = { -1, -1, -1, -1, -1, -1 };   /* the open table of each level */
	int last_entry[7] = { -1, -1, -1, -1, -1, -1, -1 };
	int *count = calloc((size_t)n + 1, sizeof *count);
	if (!count)
		return -ENOMEM;
	for (int i = 0; i < n; i++) {
		int L = tr->e[i].level;
		uint64_t pa = tr->e[i].entry_pa & ~UINT64_C(0xfff);
		tr->child[i] = -1;
		if (L < 1 || L > 5)
			continue;
		if (cur[L] < 0 || tr->t[cur[L]].pa != pa) {
			struct table *t = &tr->t[tr->nt];
			t->pa = pa;
			t->level = L;
			t->parent = L < tr->levels ? last_entry[L + 1] : -1;
			if (t->parent >= 0)
				tr->child[t->parent] = tr->nt;
			cur[L] = tr->nt++;
		}
		tr->table_of[i] = cur[L];
		count[cur[L]]++;
		last_entry[L] = i;
	}
	/* idx: each table's entries together, in address order */
	for (int k = 0, at = 0; k < tr->nt; k++) {
		tr->t[k].first = at;
		at += count[k];
	}
	for (int i = 0; i < n; i++) {
		struct table *t = &tr->t[tr->table_of[i]];
		tr->idx[t->first + t->n++] = i;
	}
	free(count);
	return 0;
}

/* Choose the rows of table t: all of a short table; else the first and
 * last EDGE_ROWS and the path's entry. */
static void choose_rows(struct tree *tr, struct table *t)
{
	for (int r = 0; r < t->n; r++) {
		int i = tr->idx[t->first + r];
		tr->shown[i] = t->n <= 2 * EDGE_ROWS + 1 || r < EDGE_ROWS || r >= t->n - EDGE_ROWS || on_path(tr, i);
	}
}

/* The rows table t takes: shown entries and one per run of hidden ones. */
static int count_rows(const struct tree *tr, const struct table *t)
{
	int rows = 0;
	for (int r = 0; r < t->n; r++) {
		bool s = tr->shown[tr->idx[t->first + r]];
		if (s || r == 0 || tr->shown[tr->idx[t->first + r - 1]])
			rows++;
	}
	return rows;
}

/* "-> PDPT 0x1009000" or "-> page 0xfdffc000 4K" or "swap/none". */
static void target(const struct mmsim_pt_entry *e, char *buf, size_t len)
{
	uint64_t a = e->entry & UINT64_C(0x000ffffffffff000);
	if (!(e->entry & 1)) {
		snprintf(buf, len, "not present (0x%" PRIx64 ")", e->entry);
	} else if (pt_is_leaf(e->entry, e->level)) {
		char sz[16];
		fmt_size(UINT64_C(1) << (12 + 9 * (e->level - 1)), sz, sizeof sz);
		snprintf(buf, len, "-> page 0x%" PRIx64 " %s", (uint64_t)(a & ~((UINT64_C(1) << (12 + 9 * (e->level - 1))) - 1)), sz);
	} else {
		snprintf(buf, len, "-> %s 0x%" PRIx64, pt_level_name(e->level - 1), a);
	}
}

/* ---- SVG -------------------------------------------------------------------------------- */

/* Column x of level L. */
static int col_x(const struct tree *tr, int level)
{
	return 20 + 150 + COL_GAP + (tr->levels - level) * (COL_W + COL_GAP);
}

/* Place the tables: a table is drawn when its parent entry is, and its
 * column has room; it sits at the first free place of its column not
 * above its parent's row. Returns the picture's height below top. */
static int layout(struct tree *tr, int top, int omitted[6])
{
	int next_y[6];
	int drawn[6] = { 0 };
	for (int L = 0; L < 6; L++)
		next_y[L] = top;
	int bottom = top;
	for (int k = 0; k < tr->nt; k++) {
		struct table *t = &tr->t[k];
		bool parent_ok = t->parent < 0 || (tr->shown[t->parent] && tr->t[tr->table_of[t->parent]].drawn);
		if (!parent_ok || drawn[t->level] >= MAX_TABLES) {
			omitted[t->level] += parent_ok;
			continue;
		}
		choose_rows(tr, t);
		t->drawn = true;
		drawn[t->level]++;
		t->x = col_x(tr, t->level);
		int want = t->parent < 0 ? top : tr->row_y[t->parent] - HEAD_H / 2;
		t->y = want > next_y[t->level] ? want : next_y[t->level];
		t->h = HEAD_H + count_rows(tr, t) * ROW_H + 6;
		next_y[t->level] = t->y + t->h + 14;
		/* rows' positions, for the tables below */
		int y = t->y + HEAD_H;
		for (int r = 0; r < t->n; r++) {
			int i = tr->idx[t->first + r];
			if (tr->shown[i]) {
				tr->row_y[i] = y + ROW_H / 2;
				y += ROW_H;
			} else if (r == 0 || tr->shown[tr->idx[t->first + r - 1]]) {
				y += ROW_H;
			}
		}
		if (next_y[t->level] > bottom)
			bottom = next_y[t->level];
	}
	return bottom;
}

/* One table: its box, heading and rows. */
static void svg_table(struct pic *p, struct tree *tr, const struct table *t)
{
	char attrs[160];
	snprintf(attrs, sizeof attrs, "data-level=\"%d\" data-pa=\"0x%" PRIx64 "\"", t->level, t->pa);
	svg_group(p, "table", attrs);
	svg_rect(p, t->x, t->y, COL_W, t->h, "box", NULL);
	svg_text(p, t->x + 6, t->y + 15, "start", "title", "%s 0x%" PRIx64, pt_level_name(t->level), t->pa);
	svg_text(p, t->x + COL_W - 6, t->y + 15, "end", "small note", "%d entr%s", t->n, t->n == 1 ? "y" : "ies");
	int y = t->y + HEAD_H;
	for (int r = 0; r < t->n; r++) {
		int i = tr->idx[t->first + r];
		const struct mmsim_pt_entry *e = &tr->e[i];
		if (!tr->shown[i]) {
			if (r > 0 && !tr->shown[tr->idx[t->first + r - 1]])
				continue;
			int hidden = 0, below = 0;
			for (int q = r; q < t->n && !tr->shown[tr->idx[t->first + q]]; q++, hidden++)
				below += tr->child[tr->idx[t->first + q]] >= 0;
			svg_text(p, t->x + 10, y + 13, "start", "small note", "... %d more entr%s%s", hidden,
				 hidden == 1 ? "y" : "ies", below ? " (with tables below, not drawn)" : "");
			y += ROW_H;
			continue;
		}
		char flags[48], to[64];
		pt_flags(e->entry, e->level, flags, sizeof flags);
		target(e, to, sizeof to);
		bool path = on_path(tr, i);
		snprintf(attrs, sizeof attrs,
			 "data-level=\"%d\" data-index=\"%u\" data-va=\"0x%" PRIx64 "\" data-entry=\"0x%016" PRIx64 "\"",
			 e->level, e->index, e->va, e->entry);
		svg_group(p, path ? "entry on-path" : "entry", attrs);
		svg_tooltip(p, "%s[%u] @0x%" PRIx64 " = 0x%016" PRIx64 " %s, maps 0x%" PRIx64 "..", pt_level_name(e->level),
			    e->index, e->entry_pa, e->entry, flags, e->va);
		svg_rect(p, t->x + 4, y + 1, COL_W - 8, ROW_H - 2,
			 path ? "path" : !(e->entry & 1) ? "fault" : pt_is_leaf(e->entry, e->level) ? "leaf" : "entry", NULL);
		svg_text(p, t->x + 8, y + 13, "start", "", "[%3u] %-14s %s", e->index, flags, to);
		svg_group_end(p);
		y += ROW_H;
	}
	svg_group_end(p);
}

/* The split of addr into its index fields and offset, at (x, y): boxes
 * 9 bits wide per level and 12 for the offset. Returns the height. */
int draw_addr_split(struct pic *p, int x, int y, uint64_t addr, int levels)
{
	char attrs[96];
	svg_text(p, x, y + 14, "start", "title", "0x%" PRIx64, addr);
	x += 20 * SVG_CHAR_W;
	for (int L = levels; L >= 0; L--) {
		int w = L ? 96 : 120, hi = L ? 12 + 9 * L - 1 : 11, lo = L ? 12 + 9 * (L - 1) : 0;
		unsigned v = L ? (unsigned)(addr >> lo) & 511 : (unsigned)(addr & 0xfff);
		snprintf(attrs, sizeof attrs, "data-level=\"%d\" data-index=\"%u\"", L, v);
		svg_group(p, L ? "field" : "field offset", attrs);
		svg_rect(p, x, y, w, 40, L ? "field" : "offset", NULL);
		svg_text(p, x + w / 2, y + 15, "middle", "small note", "%s bits %d-%d", L ? pt_level_name(L) : "offset",
			 hi, lo);
		if (L)
			svg_text(p, x + w / 2, y + 33, "middle", "title", "%u", v);
		else
			svg_text(p, x + w / 2, y + 33, "middle", "title", "0x%x", v);
		svg_group_end(p);
		x += w;
	}
	return 48;
}

static int svg_pagetable(struct pic *p, struct tree *tr, const char *heading)
{
	int omitted[6] = { 0 };
	int top = 36 + (tr->has_addr ? 56 : 0);
	int bottom = layout(tr, top, omitted);
	int width = col_x(tr, 1) + COL_W + 20, height = bottom + 30;
	svg_begin(p, "pagetable", width, height, heading);
	svg_text(p, 20, 22, "start", "title", "%s", heading);
	if (tr->has_addr)
		draw_addr_split(p, 20, 36, tr->addr, tr->levels);
	/* CR3 */
	bool cr3_path = tr->has_addr;
	svg_group(p, "cr3", NULL);
	svg_rect(p, 20, top, 150, 40, cr3_path ? "path" : "box", NULL);
	svg_text(p, 28, top + 16, "start", "title", "CR3");
	svg_text(p, 28, top + 32, "start", "", "0x%" PRIx64, tr->root);
	svg_group_end(p);
	/* edges first, under the boxes */
	for (int k = 0; k < tr->nt; k++) {
		const struct table *t = &tr->t[k];
		if (!t->drawn)
			continue;
		int x1 = t->parent < 0 ? 170 : t->x - COL_GAP, y1 = t->parent < 0 ? top + 20 : tr->row_y[t->parent];
		bool path = t->parent < 0 ? tr->has_addr : on_path(tr, t->parent);
		sb_printf(p->b, "<path d=\"M%d %d C%d %d %d %d %d %d\" class=\"%s\"/>\n", x1, y1, x1 + COL_GAP / 2, y1,
			  t->x - COL_GAP / 2, t->y + 11, t->x, t->y + 11, path ? "path-edge" : "edge");
	}
	for (int k = 0; k < tr->nt; k++)
		if (tr->t[k].drawn)
			svg_table(p, tr, &tr->t[k]);
	for (int L = tr->levels; L >= 1; L--)
		if (omitted[L])
			svg_text(p, col_x(tr, L), height - 10, "start", "note", "... %d more %s table%s not drawn", omitted[L],
				 pt_level_name(L), omitted[L] == 1 ? "" : "s");
	svg_end(p);
	return 0;
}

/* ---- text -------------------------------------------------------------------------------- */

static void text_table(struct pic *p, struct tree *tr, int k, int depth)
{
	struct table *t = &tr->t[k];
	choose_rows(tr, t);
	sb_printf(p->b, "%*s%s @0x%" PRIx64 " (%d entr%s)\n", 2 * depth, "", pt_level_name(t->level), t->pa, t->n,
		  t->n == 1 ? "y" : "ies");
	for (int r = 0; r < t->n; r++) {
		int i = tr->idx[t->first + r];
		const struct mmsim_pt_entry *e = &tr->e[i];
		if (!tr->shown[i]) {
			if (r == 0 || tr->shown[tr->idx[t->first + r - 1]]) {
				int hidden = 0;
				for (int q = r; q < t->n && !tr->shown[tr->idx[t->first + q]]; q++)
					hidden++;
				sb_printf(p->b, "%*s  ... %d more\n", 2 * depth, "", hidden);
			}
			continue;
		}
		char flags[48], to[64];
		pt_flags(e->entry, e->level, flags, sizeof flags);
		target(e, to, sizeof to);
		sb_printf(p->b, "%*s%s [%3u] 0x%016" PRIx64 " %-14s %s  (0x%" PRIx64 ")\n", 2 * depth, "",
			  on_path(tr, i) ? "*" : " ", e->index, e->entry, flags, to, e->va);
		if (tr->child[i] >= 0)
			text_table(p, tr, tr->child[i], depth + 1);
	}
}

/* ---- the picture ------------------------------------------------------------------------- */

/* See internal.h. */
int draw_pagetable(struct pic *p)
{
	const struct draw_opts *o = p->o;
	struct tree tr = { .has_addr = o->has_addr, .addr = o->addr };
	char buf[16] = "4";
	int pid = pic_pid(p), err = 0;
	if (!pid)
		return -ESRCH;
	mmsim_machine_config_get(p->m, "paging", buf, sizeof buf);
	tr.levels = atoi(buf) == 5 ? 5 : 4;
	uint64_t start = 0, end = UINT64_C(1) << (tr.levels * 9 + 11);     /* the lower half */
	if (o->has_range) {
		start = o->start;
		end = o->end;
	} else if (o->has_addr) {
		start = o->addr & ~((UINT64_C(2) << 20) - 1);
		end = start + (UINT64_C(2) << 20);
	}
	int64_t n = mmsim_page_tables(p->m, pid, start, end, &tr.root, NULL, 0);
	if (n < 0)
		return pic_api_fail(p, (int)n);
	tr.ne = n > MAX_ENTRIES ? MAX_ENTRIES : (int)n;
	tr.e = calloc((size_t)tr.ne + 1, sizeof *tr.e);
	if (!tr.e)
		return pic_fail(p, -ENOMEM, "pagetable: out of memory");
	n = mmsim_page_tables(p->m, pid, start, end, &tr.root, tr.e, (size_t)tr.ne);
	if (n < 0) {
		err = pic_api_fail(p, (int)n);
		goto out;
	}
	if ((err = build(&tr))) {
		pic_fail(p, err, "pagetable: out of memory");
		goto out;
	}
	struct mmsim_task_info ti = { 0 };
	mmsim_task_info(p->m, pid, &ti);
	char heading[160];
	snprintf(heading, sizeof heading, "page tables of pid %d (%s), [0x%" PRIx64 ", 0x%" PRIx64 "): %d entries in %d tables",
		 pid, ti.comm, start, end, tr.ne, tr.nt);
	if (o->format == DRAW_TEXT) {
		sb_printf(p->b, "%s\n", heading);
		if (tr.has_addr) {
			sb_printf(p->b, "0x%" PRIx64 " =", tr.addr);
			for (int L = tr.levels; L >= 1; L--)
				sb_printf(p->b, " %s %u |", pt_level_name(L), (unsigned)(tr.addr >> (12 + 9 * (L - 1))) & 511);
			sb_printf(p->b, " offset 0x%x   (* marks its path)\n", (unsigned)(tr.addr & 0xfff));
		}
		sb_printf(p->b, "CR3 = 0x%" PRIx64 "\n", tr.root);
		if (tr.nt)
			text_table(p, &tr, 0, 0);
	} else {
		svg_pagetable(p, &tr, heading);
	}
out:
	free(tr.e);
	free(tr.idx);
	free(tr.t);
	free(tr.table_of);
	free(tr.child);
	free(tr.shown);
	free(tr.row_y);
	return err;
}
