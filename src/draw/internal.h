/*
 * draw/internal.h — what the pictures share: a growing text buffer, SVG
 * elements written with integer coordinates (so the bytes never depend on
 * floating-point printing), entry and size formatting, and one function
 * per picture.
 */
#ifndef MMSIM_DRAW_INTERNAL_H
#define MMSIM_DRAW_INTERNAL_H

#include "draw/draw.h"

#include <stdarg.h>

/* A growing string; oom is set (and nothing more appended) once an
 * allocation failed. */
struct sbuf {
	char *p;
	size_t len, cap;
	bool oom;
};

void sb_printf(struct sbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void sb_vprintf(struct sbuf *b, const char *fmt, va_list ap);
/* s with &, <, >, " and ' escaped for XML text and attributes. */
void sb_escaped(struct sbuf *b, const char *s);

/* What a picture function gets: the machine, the options, the output and
 * where to say what went wrong. */
struct pic {
	mmsim_machine *m;
	const struct draw_opts *o;
	struct sbuf *b;
	char *err;
	size_t errlen;
};

/* Record why the picture cannot be made; returns err. */
int pic_fail(struct pic *p, int err, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* The failure of an API call on the machine: its last error. */
int pic_api_fail(struct pic *p, int err);

/* ---- SVG ------------------------------------------------------------------------
 * The document starts with the picture's kind (class "mmsim-WHAT"), its
 * size, a <title> and the shared style sheet; elements are written with
 * integer coordinates. */
void svg_begin(struct pic *p, const char *what, int width, int height, const char *title);
void svg_end(struct pic *p);
/* <rect> with class cls and extra attributes (NULL or text such as
 * "data-pfn=\"0x10\""). */
void svg_rect(struct pic *p, int x, int y, int w, int h, const char *cls, const char *attrs);
/* <text> at x, y (anchor "start", "middle", "end") with class cls. */
void svg_text(struct pic *p, int x, int y, const char *anchor, const char *cls, const char *fmt, ...)
	__attribute__((format(printf, 6, 7)));
void svg_line(struct pic *p, int x1, int y1, int x2, int y2, const char *cls);
/* A group: <g class="cls" attrs> ... </g>; a tooltip inside one: <title>. */
void svg_group(struct pic *p, const char *cls, const char *attrs);
void svg_group_end(struct pic *p);
void svg_tooltip(struct pic *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* The approximate width in pixels of n characters of the style's 12 px
 * monospace font. */
#define SVG_CHAR_W 7
#define SVG_LINE_H 16

/* ---- formatting ---------------------------------------------------------------- */

/* "PML4", "PDPT", "PD", "PT", "PML5" for levels 4, 3, 2, 1, 5. */
const char *pt_level_name(int level);
/* The flags of entry e at level ("P RW US A D PS G NX"; "-" when none),
 * as explain writes them. */
void pt_flags(uint64_t e, int level, char *buf, size_t len);
/* Does entry e at level map a page? */
bool pt_is_leaf(uint64_t e, int level);
/* A size in bytes as "4K", "2M", "1.5G", "128T". */
void fmt_size(uint64_t bytes, char *buf, size_t len);

/* The pid the picture is of: o->pid (which must exist), or the newest task; 0 with the
 * failure recorded when there is none. */
int pic_pid(struct pic *p);

/* The split of addr into its index fields (9 bits a level) and offset,
 * as boxes at (x, y) (pagetable.c). Returns the height. */
int draw_addr_split(struct pic *p, int x, int y, uint64_t addr, int levels);

/* ---- the pictures ---------------------------------------------------------------- */
int draw_pagetable(struct pic *p);
int draw_walk(struct pic *p);
int draw_vmas(struct pic *p);
int draw_physmem(struct pic *p);
int draw_buddy(struct pic *p);
int draw_tlb(struct pic *p);
int draw_plot(struct pic *p);

#endif
