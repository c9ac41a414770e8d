/*
 * draw/plot.c — a line chart of series of numbers, such as counters read
 * while a script runs (TLB misses, walks, free pages...): axes with round
 * ticks, one line per series, a legend. A series longer than the chart is
 * wide keeps, per pixel column, its lowest and highest points, so the
 * picture stays small and shows every peak.
 */
#include "draw/internal.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define W 720
#define H 300
#define X0 80
#define Y0 56

struct range {
	double lo, hi;
};

/* A round step for about n ticks over r: 1, 2 or 5 times a power of 10. */
static double nice_step(double r, int n)
{
	double raw = r / n, mag = pow(10, floor(log10(raw))), f = raw / mag;
	return (f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10) * mag;
}

/* x of point i: o->x[i], or i. */
static double xval(const struct draw_opts *o, size_t i)
{
	return o->x ? o->x[i] : (double)i;
}

/* The pixel of v in r over len pixels (rounded; r is never empty). */
static int px(double v, struct range r, int len)
{
	return (int)lround((v - r.lo) / (r.hi - r.lo) * len);
}

/* Check the data and find the ranges. 0 or -EINVAL (recorded). */
static int ranges(struct pic *p, struct range *xr, struct range *yr, size_t *npoints)
{
	const struct draw_opts *o = p->o;
	size_t n = 0;
	if (!o->nseries)
		return pic_fail(p, -EINVAL, "plot: no series to draw");
	yr->lo = 0, yr->hi = 0;
	for (size_t s = 0; s < o->nseries; s++) {
		if (!o->series[s].n)
			return pic_fail(p, -EINVAL, "plot: series '%s' has no points", o->series[s].name);
		for (size_t i = 0; i < o->series[s].n; i++) {
			double y = o->series[s].y[i];
			if (!isfinite(y))
				return pic_fail(p, -EINVAL, "plot: series '%s', point %zu: not a finite number",
						o->series[s].name, i + 1);
			yr->lo = y < yr->lo ? y : yr->lo;
			yr->hi = y > yr->hi ? y : yr->hi;
		}
		n = o->series[s].n > n ? o->series[s].n : n;
	}
	xr->lo = xval(o, 0), xr->hi = xval(o, n - 1);
	for (size_t i = 0; i < n; i++) {
		if (!isfinite(xval(o, i)))
			return pic_fail(p, -EINVAL, "plot: x, point %zu: not a finite number", i + 1);
		if (i && xval(o, i) < xval(o, i - 1))
			return pic_fail(p, -EINVAL, "plot: x, point %zu: smaller than the one before", i + 1);
	}
	if (xr->hi <= xr->lo)
		xr->hi = xr->lo + 1;
	if (yr->hi <= yr->lo)
		yr->hi = yr->lo + 1;
	/* round the y range out to the ticks */
	double step = nice_step(yr->hi - yr->lo, 5);
	yr->lo = floor(yr->lo / step) * step;
	yr->hi = ceil(yr->hi / step) * step;
	*npoints = n;
	return 0;
}

static void svg_series(struct pic *p, size_t s, struct range xr, struct range yr)
{
	const struct draw_series *se = &p->o->series[s];
	char cls[32];
	snprintf(cls, sizeof cls, "series s%zu", s % 6);
	sb_printf(p->b, "<polyline class=\"%s\" data-name=\"", cls);
	sb_escaped(p->b, se->name);
	sb_printf(p->b, "\" data-points=\"%zu\" points=\"", se->n);
	int col = -1, lo = 0, hi = 0;
	for (size_t i = 0; i <= se->n; i++) {
		int x = i < se->n ? X0 + px(xval(p->o, i), xr, W) : -2;
		int y = i < se->n ? Y0 + H - px(se->y[i], yr, H) : 0;
		if (x == col) {
			lo = y > lo ? y : lo;
			hi = y < hi ? y : hi;
			continue;
		}
		if (col >= 0) {
			sb_printf(p->b, "%d,%d ", col, hi);
			if (lo != hi)
				sb_printf(p->b, "%d,%d ", col, lo);
		}
		col = x, lo = y, hi = y;
	}
	sb_printf(p->b, "\"/>\n");
}

static void svg_plot(struct pic *p, struct range xr, struct range yr)
{
	const struct draw_opts *o = p->o;
	int width = X0 + W + 180, height = Y0 + H + 70;
	svg_begin(p, "plot", width, height, o->title ? o->title : "plot");
	svg_text(p, 20, 24, "start", "title", "%s", o->title ? o->title : "plot");
	double ys = nice_step(yr.hi - yr.lo, 5), xs = nice_step(xr.hi - xr.lo, 6);
	for (double v = yr.lo; v <= yr.hi + ys / 2; v += ys) {
		int y = Y0 + H - px(v, yr, H);
		svg_line(p, X0, y, X0 + W, y, "grid");
		svg_text(p, X0 - 6, y + 4, "end", "small", "%g", fabs(v) < ys / 1e6 ? 0.0 : v);
	}
	for (double v = ceil(xr.lo / xs) * xs; v <= xr.hi + xs / 1e6; v += xs) {
		int x = X0 + px(v, xr, W);
		svg_line(p, x, Y0 + H, x, Y0 + H + 5, "axis");
		svg_text(p, x, Y0 + H + 18, "middle", "small", "%g", fabs(v) < xs / 1e6 ? 0.0 : v);
	}
	svg_line(p, X0, Y0, X0, Y0 + H, "axis");
	svg_line(p, X0, Y0 + H, X0 + W, Y0 + H, "axis");
	if (o->xlabel)
		svg_text(p, X0 + W / 2, Y0 + H + 40, "middle", "", "%s", o->xlabel);
	if (o->ylabel)
		svg_text(p, X0, Y0 - 12, "start", "", "%s", o->ylabel);
	for (size_t s = 0; s < o->nseries; s++) {
		char cls[16];
		svg_series(p, s, xr, yr);
		snprintf(cls, sizeof cls, "sw%zu", s % 6);
		svg_rect(p, X0 + W + 16, Y0 + (int)s * SVG_LINE_H, 12, 12, cls, NULL);
		svg_text(p, X0 + W + 34, Y0 + (int)s * SVG_LINE_H + 11, "start", "", "%s", o->series[s].name);
	}
	svg_end(p);
}

static void text_plot(struct pic *p, struct range xr, struct range yr)
{
	const struct draw_opts *o = p->o;
	static const char marks[] = "*+ox#@";
	int cols = o->columns >= 30 ? (int)o->columns - 14 : 66, rows = 15;
	char *grid = malloc((size_t)(cols * rows));
	if (!grid) {
		p->b->oom = true;
		return;
	}
	memset(grid, ' ', (size_t)(cols * rows));
	for (size_t s = 0; s < o->nseries; s++)
		for (size_t i = 0; i < o->series[s].n; i++) {
			int x = px(xval(o, i), xr, cols - 1), y = rows - 1 - px(o->series[s].y[i], yr, rows - 1);
			grid[y * cols + x] = marks[s % 6];
		}
	sb_printf(p->b, "%s\n", o->title ? o->title : "plot");
	for (int r = 0; r < rows; r++) {
		if (r == 0 || r == rows - 1)
			sb_printf(p->b, "%12g |", r == 0 ? yr.hi : yr.lo);
		else
			sb_printf(p->b, "%12s |", "");
		sb_printf(p->b, "%.*s\n", cols, grid + r * cols);
	}
	sb_printf(p->b, "%12s +%.*s\n%14s%-*g%g%s%s\n", "", cols,
		  "----------------------------------------------------------------------------------------------------"
		  "----------------------------------------------------------------------------------------------------",
		  "", cols - 8, xr.lo, xr.hi, o->xlabel ? "  " : "", o->xlabel ? o->xlabel : "");
	for (size_t s = 0; s < o->nseries; s++) {
		const struct draw_series *se = &o->series[s];
		double lo = se->y[0], hi = se->y[0];
		for (size_t i = 1; i < se->n; i++)
			lo = se->y[i] < lo ? se->y[i] : lo, hi = se->y[i] > hi ? se->y[i] : hi;
		sb_printf(p->b, "  %c %s: %zu points, min %g, max %g, last %g\n", marks[s % 6], se->name, se->n, lo, hi,
			  se->y[se->n - 1]);
	}
	free(grid);
}

/* See internal.h. */
int draw_plot(struct pic *p)
{
	struct range xr = { 0, 1 }, yr = { 0, 1 };
	size_t n;
	int err = ranges(p, &xr, &yr, &n);
	if (err)
		return err;
	if (p->o->format == DRAW_TEXT)
		text_plot(p, xr, yr);
	else
		svg_plot(p, xr, yr);
	return 0;
}
