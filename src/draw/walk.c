/*
 * draw/walk.c — one translation step by step, as the seeds draw it: the
 * virtual address split into its index fields, CR3, then for each level
 * the table, the entry the field selects and what it says, and at the end
 * the physical address, or the #PF (its error code and the rule) at the
 * level where the walk stopped. The walk is the MMU's, made without TLBs
 * and without changing anything (mmsim_walk).
 */
#include "draw/internal.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#define BOX_W 250
#define BOX_H 92
#define GAP 36

static const char *const access_names[] = { "read", "write", "fetch" };

/* Linux's name of a level in a kernel with levels levels. */
static const char *linux_name(int level, int levels)
{
	static const char *const names[] = { "?", "pte", "pmd", "pud", "p4d", "pgd" };
	if (level == levels)
		return "pgd";
	return level >= 1 && level <= 5 ? names[level] : "?";
}

/* "not-present W U" as explain writes a #PF error code. */
static void error_bits(uint32_t e, char *buf, size_t len)
{
	snprintf(buf, len, "%s%s%s%s%s%s", e & 1 ? "P" : "not-present", e & 2 ? " W" : " R", e & 4 ? " U" : " S",
		 e & 8 ? " RSVD" : "", e & 16 ? " I" : "", e & 32 ? " PK" : "");
}

/* What entry e of level leads to: "-> PDPT 0x1009000", "-> page ...". */
static void leads_to(const struct mmsim_walk *w, int i, char *buf, size_t len)
{
	uint64_t e = w->step[i].entry, a = e & UINT64_C(0x000ffffffffff000);
	int level = w->step[i].level;
	if (!(e & 1))
		snprintf(buf, len, "not present");
	else if (w->vector && w->fault_level == level && i == w->nsteps - 1 && !pt_is_leaf(e, level))
		snprintf(buf, len, "stops here");
	else if (pt_is_leaf(e, level))
		snprintf(buf, len, "-> page 0x%" PRIx64, a & ~((UINT64_C(1) << (12 + 9 * (level - 1))) - 1));
	else
		snprintf(buf, len, "-> %s 0x%" PRIx64, pt_level_name(level - 1), a);
}

/* The last line: the physical address, or the exception. */
static void outcome(const struct mmsim_walk *w, char *buf, size_t len)
{
	char bits[48], sz[16];
	if (w->vector == 14) {
		error_bits(w->error_code, bits, sizeof bits);
		snprintf(buf, len, "#PF error 0x%x (%s) CR2=0x%" PRIx64 ": %s", w->error_code, bits, w->va, w->why);
	} else if (w->vector) {
		snprintf(buf, len, "#GP(0): %s", w->why);
	} else {
		fmt_size(UINT64_C(1) << w->page_shift, sz, sizeof sz);
		snprintf(buf, len, "-> physical 0x%" PRIx64 " (%s page)", w->pa, sz);
	}
}

static void svg_walk(struct pic *p, const struct mmsim_walk *w, const char *heading)
{
	int n = w->nsteps;
	int width = 20 + 150 + GAP + (n + 1) * (BOX_W + GAP) + 20;
	if (width < 900)
		width = 900;
	int top = 36 + 48 + 40, height = top + BOX_H + 60;
	char attrs[160], flags[48], to[64], last[200];

	svg_begin(p, "walk", width, height, heading);
	svg_text(p, 20, 22, "start", "title", "%s", heading);
	draw_addr_split(p, 20, 36, w->va, w->levels);
	/* CR3 */
	svg_group(p, "cr3", NULL);
	svg_rect(p, 20, top, 150, 44, "path", NULL);
	svg_text(p, 28, top + 18, "start", "title", "CR3");
	svg_text(p, 28, top + 36, "start", "", "0x%" PRIx64, w->root);
	svg_group_end(p);
	int x = 20 + 150 + GAP;
	svg_line(p, 170, top + 22, x, top + 22, "path-edge");
	for (int i = 0; i < n; i++, x += BOX_W + GAP) {
		int level = w->step[i].level;
		uint64_t e = w->step[i].entry;
		bool faulted = w->vector && w->fault_level == level;
		/* the index field of the address selects this entry */
		int fx = 20 + 20 * SVG_CHAR_W + (w->levels - level) * 96 + 48;
		svg_line(p, fx, 36 + 40, x + BOX_W / 2, top, "edge");
		snprintf(attrs, sizeof attrs,
			 "data-level=\"%d\" data-index=\"%u\" data-entry=\"0x%016" PRIx64 "\" data-entry-pa=\"0x%" PRIx64 "\"",
			 level, w->step[i].index, e, w->step[i].entry_pa);
		svg_group(p, faulted ? "step fault" : "step", attrs);
		svg_tooltip(p, "%s/%s[%u] @0x%" PRIx64 " = 0x%016" PRIx64, pt_level_name(level), linux_name(level, w->levels),
			    w->step[i].index, w->step[i].entry_pa, e);
		svg_rect(p, x, top, BOX_W, BOX_H, faulted ? "fault" : pt_is_leaf(e, level) && (e & 1) ? "leaf" : "path",
			 NULL);
		svg_text(p, x + 8, top + 16, "start", "title", "%s/%s [%u]", pt_level_name(level), linux_name(level, w->levels),
			 w->step[i].index);
		svg_text(p, x + 8, top + 33, "start", "small note", "table 0x%" PRIx64 ", entry @0x%" PRIx64,
			 w->step[i].entry_pa & ~UINT64_C(0xfff), w->step[i].entry_pa);
		svg_text(p, x + 8, top + 50, "start", "", "0x%016" PRIx64, e);
		pt_flags(e, level, flags, sizeof flags);
		svg_text(p, x + 8, top + 67, "start", "", "%s", e & 1 ? flags : "P=0");
		leads_to(w, i, to, sizeof to);
		svg_text(p, x + 8, top + 84, "start", "", "%s", to);
		svg_group_end(p);
		svg_line(p, x + BOX_W, top + 22, x + BOX_W + GAP, top + 22, w->vector && i == n - 1 ? "edge" : "path-edge");
	}
	outcome(w, last, sizeof last);
	snprintf(attrs, sizeof attrs, "data-vector=\"%d\" data-error-code=\"0x%x\" data-pa=\"0x%" PRIx64 "\"", w->vector,
		 w->error_code, w->pa);
	svg_group(p, w->vector ? "outcome fault" : "outcome", attrs);
	if (w->vector) {
		svg_rect(p, x, top, BOX_W + 20 > width - x - 10 ? width - x - 10 : BOX_W + 20, BOX_H, "fault", NULL);
		svg_text(p, x + 8, top + 18, "start", "title", "%s", w->vector == 14 ? "#PF" : "#GP(0)");
		svg_text(p, 20, height - 24, "start", "title", "%s", last);
	} else {
		char sz[16];
		fmt_size(UINT64_C(1) << w->page_shift, sz, sizeof sz);
		svg_rect(p, x, top, BOX_W, BOX_H, "leaf", NULL);
		svg_text(p, x + 8, top + 18, "start", "title", "physical 0x%" PRIx64, w->pa);
		svg_text(p, x + 8, top + 38, "start", "", "page 0x%" PRIx64 " (%s)", w->pa & ~((UINT64_C(1) << w->page_shift) - 1), sz);
		svg_text(p, x + 8, top + 56, "start", "", "+ offset 0x%" PRIx64, w->va & ((UINT64_C(1) << w->page_shift) - 1));
		svg_text(p, 20, height - 24, "start", "title", "%s", last);
	}
	svg_group_end(p);
	svg_end(p);
}

static void text_walk(struct pic *p, const struct mmsim_walk *w, const char *heading)
{
	char flags[48], to[64], last[200];
	sb_printf(p->b, "%s\n0x%" PRIx64 " =", heading, w->va);
	for (int L = w->levels; L >= 1; L--)
		sb_printf(p->b, " %s %u |", pt_level_name(L), (unsigned)(w->va >> (12 + 9 * (L - 1))) & 511);
	sb_printf(p->b, " offset 0x%x\nCR3 = 0x%" PRIx64 "\n", (unsigned)(w->va & 0xfff), w->root);
	for (int i = 0; i < w->nsteps; i++) {
		int level = w->step[i].level;
		pt_flags(w->step[i].entry, level, flags, sizeof flags);
		leads_to(w, i, to, sizeof to);
		sb_printf(p->b, "  %s/%s[%u] @0x%" PRIx64 " = 0x%016" PRIx64 "  %s %s\n", pt_level_name(level),
			  linux_name(level, w->levels), w->step[i].index, w->step[i].entry_pa, w->step[i].entry,
			  w->step[i].entry & 1 ? flags : "", to);
	}
	outcome(w, last, sizeof last);
	sb_printf(p->b, "%s\n", last);
}

/* See internal.h. */
int draw_walk(struct pic *p)
{
	const struct draw_opts *o = p->o;
	if (!o->has_addr)
		return pic_fail(p, -EINVAL, "walk: which address? (the addr option)");
	if ((unsigned)o->access > MMSIM_FETCH)
		return pic_fail(p, -EINVAL, "walk: access kind %d is not read, write or fetch", (int)o->access);
	int pid = pic_pid(p);
	if (!pid)
		return -ESRCH;
	struct mmsim_walk w;
	int err = mmsim_walk(p->m, pid, o->addr, o->access, &w);
	if (err)
		return pic_api_fail(p, err);
	struct mmsim_task_info ti = { 0 };
	mmsim_task_info(p->m, pid, &ti);
	char heading[160];
	snprintf(heading, sizeof heading, "page walk of 0x%" PRIx64 " for a user %s by pid %d (%s)", o->addr,
		 access_names[o->access], pid, ti.comm);
	if (o->format == DRAW_TEXT)
		text_walk(p, &w, heading);
	else
		svg_walk(p, &w, heading);
	return 0;
}
