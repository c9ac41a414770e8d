/*
 * draw/draw.h — pictures of a machine's state: page tables, one walk, the
 * address space, physical memory, the buddy allocator's free lists, the
 * TLBs, and line charts of counters. SVG (deterministic: the same state
 * gives the same bytes; valid XML; every frame summarised, so a terabyte
 * of memory is a few hundred elements) or text for a terminal.
 *
 * Built on the public API only (mmsim.h), for the Lua module's m:draw and
 * p:draw and the command's `mmsim draw`. docs/draw.md describes each
 * picture and what its elements carry (classes and data- attributes, which
 * the browser lab and the tests look for).
 */
#ifndef MMSIM_DRAW_DRAW_H
#define MMSIM_DRAW_DRAW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mmsim.h"

enum draw_format { DRAW_SVG, DRAW_TEXT };

/* One line of a chart: n points, y[i] at x[i] (the chart's x, or i). */
struct draw_series {
	const char *name;
	const double *y;
	size_t n;
};

/* What a picture is of, and how; zero is the default of every field. */
struct draw_opts {
	enum draw_format format;
	int pid;                       /* pagetable, walk, vmas: 0 = the newest task */
	bool has_addr;
	uint64_t addr;                 /* walk: the address (required); pagetable: its
					* path is highlighted */
	bool has_range;
	uint64_t start, end;           /* pagetable: [start, end) (default: the lower
					* half, or the 2 MiB around addr) */
	enum mmsim_access access;      /* walk: the kind of access (read) */
	int core;                      /* tlb */
	const char *title;             /* a heading instead of the picture's own */
	/* plot */
	const struct draw_series *series;
	size_t nseries;
	const double *x;               /* NULL: 0, 1, 2, ... */
	const char *xlabel, *ylabel;
	unsigned columns;              /* text: the width (default 80) */
};

/*
 * Picture what ("pagetable", "walk", "vmas", "physmem", "buddy", "tlb",
 * "plot") of machine m (may be NULL for "plot") into *out, a malloc'd
 * NUL-terminated string (free it), its length in *len (may be NULL).
 * Returns 0, or a negative errno with errbuf saying why: -EINVAL (unknown
 * picture, missing or bad option), -ESRCH (no such process), -EOPNOTSUPP
 * (the machine's backend cannot show it), -ENOMEM.
 */
int draw(mmsim_machine *m, const char *what, const struct draw_opts *o, char **out, size_t *len, char *errbuf,
	 size_t errlen);

/* The i-th picture's name and one-line description, NULL past the last. */
const char *draw_name(size_t i);
const char *draw_description(size_t i);

/* Does picture what need a process (pagetable, walk, vmas)? Needs a
 * machine at all (all but plot)? */
bool draw_needs_process(const char *what);
bool draw_needs_machine(const char *what);

#endif
