/*
 * draw/vmas.c — a process's address space, high addresses on top as the
 * seeds draw it: each VMA a bar coloured by its permissions with its
 * resident part filled, its bounds, flags, name, size and RSS; the gaps
 * between them marked with their size. Heights follow the logarithm of
 * the sizes (a 4 KiB page and a 128 TiB gap on one page); the numbers say
 * the real sizes. Read from /proc/PID/smaps through the public API.
 */
#include "draw/internal.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct vma {
	uint64_t start, end, rss;      /* rss in bytes */
	char perms[8];
	char name[96];
};

/* log2 of x, rounded down (0 for 0 and 1). */
static int ilog2(uint64_t x)
{
	return x > 1 ? 63 - __builtin_clzll(x) : 0;
}

/* The VMAs of smaps text s into *out (malloc'd); returns how many, or -1. */
static int parse_smaps(const char *s, struct vma **out)
{
	int n = 0, cap = 0;
	struct vma *v = NULL;
	for (const char *line = s; line && *line; line = strchr(line, '\n') ? strchr(line, '\n') + 1 : NULL) {
		unsigned long long a, b, kb;
		char perms[8];
		int off = 0;
		if (sscanf(line, "%llx-%llx %7s %*s %*s %*s%n", &a, &b, perms, &off) == 3 && off > 0) {
			if (n == cap) {
				cap = cap ? 2 * cap : 32;
				struct vma *q = realloc(v, (size_t)cap * sizeof *v);
				if (!q) {
					free(v);
					return -1;
				}
				v = q;
			}
			struct vma *x = &v[n++];
			memset(x, 0, sizeof *x);
			x->start = a;
			x->end = b;
			snprintf(x->perms, sizeof x->perms, "%s", perms);
			const char *name = line + off;
			while (*name == ' ')
				name++;
			size_t len = strcspn(name, "\n");
			snprintf(x->name, sizeof x->name, "%.*s", (int)(len < sizeof x->name ? len : sizeof x->name - 1), name);
		} else if (n && sscanf(line, "Rss: %llu kB", &kb) == 1) {
			v[n - 1].rss = kb * 1024;
		}
	}
	*out = v;
	return n;
}

/* The class of a VMA's bar by its permissions. */
static const char *perm_class(const char *perms)
{
	if (perms[2] == 'x')
		return "rx";
	if (perms[1] == 'w')
		return "rw";
	return perms[0] == 'r' ? "r" : "none";
}

/* Heights on the log scale: a VMA's bar and a gap's band. */
static int vma_h(uint64_t size)
{
	int h = 8 + 2 * ilog2(size >> 12);
	return h < 20 ? 20 : h > 56 ? 56 : h;
}

static int gap_h(uint64_t size)
{
	return 12 + ilog2(size >> 12) / 2;
}

static void svg_vmas(struct pic *p, const struct vma *v, int n, const char *heading)
{
	const int bar_x = 210, bar_w = 220, text_x = bar_x + bar_w + 14;
	int height = 50, width = 980;
	for (int i = n - 1; i >= 0; i--) {
		height += vma_h(v[i].end - v[i].start);
		if (i > 0 && v[i - 1].end < v[i].start)
			height += gap_h(v[i].start - v[i - 1].end);
	}
	height += 40;
	svg_begin(p, "vmas", width, height, heading);
	svg_text(p, 20, 22, "start", "title", "%s", heading);
	svg_text(p, bar_x, 40, "start", "small note", "heights: log of the size; filled: resident (RSS)");
	int y = 50;
	char attrs[200], size[16], rss[16];
	for (int i = n - 1; i >= 0; i--) {
		const struct vma *x = &v[i];
		int h = vma_h(x->end - x->start);
		fmt_size(x->end - x->start, size, sizeof size);
		fmt_size(x->rss, rss, sizeof rss);
		snprintf(attrs, sizeof attrs, "data-start=\"0x%" PRIx64 "\" data-end=\"0x%" PRIx64 "\" data-perms=\"%s\" data-rss=\"%" PRIu64 "\"",
			 x->start, x->end, x->perms, x->rss);
		svg_group(p, "vma", attrs);
		svg_tooltip(p, "%" PRIx64 "-%" PRIx64 " %s %s: %s, RSS %s", x->start, x->end, x->perms, x->name, size, rss);
		svg_rect(p, bar_x, y, bar_w, h, perm_class(x->perms), NULL);
		uint64_t len = x->end - x->start;
		int fill = (int)(x->rss >= len ? (uint64_t)bar_w : x->rss * (uint64_t)bar_w / len);
		if (x->rss && fill < 2)
			fill = 2;
		if (fill)
			svg_rect(p, bar_x, y, fill, h, "rss", NULL);
		svg_rect(p, bar_x, y, bar_w, h, "vma", "fill=\"none\"");
		svg_text(p, bar_x - 8, y + 11, "end", "small", "0x%" PRIx64, x->end);
		if (h >= 28)
			svg_text(p, bar_x - 8, y + h - 3, "end", "small", "0x%" PRIx64, x->start);
		svg_text(p, text_x, y + h / 2 + 4, "start", "", "%s %6s  RSS %6s  %s", x->perms, size, rss, x->name);
		svg_group_end(p);
		y += h;
		if (i > 0 && v[i - 1].end < x->start) {
			int g = gap_h(x->start - v[i - 1].end);
			fmt_size(x->start - v[i - 1].end, size, sizeof size);
			snprintf(attrs, sizeof attrs, "data-start=\"0x%" PRIx64 "\" data-end=\"0x%" PRIx64 "\"", v[i - 1].end,
				 x->start);
			svg_group(p, "hole", attrs);
			svg_rect(p, bar_x + 20, y, bar_w - 40, g, "gap", NULL);
			svg_text(p, text_x, y + g / 2 + 4, "start", "small note", "unmapped: %s", size);
			svg_group_end(p);
			y += g;
		}
	}
	svg_end(p);
}

static void text_vmas(struct pic *p, const struct vma *v, int n, const char *heading)
{
	char size[16], rss[16];
	sb_printf(p->b, "%s\n", heading);
	for (int i = n - 1; i >= 0; i--) {
		const struct vma *x = &v[i];
		uint64_t len = x->end - x->start;
		fmt_size(len, size, sizeof size);
		fmt_size(x->rss, rss, sizeof rss);
		char bar[21];
		int fill = (int)(x->rss >= len ? 20 : x->rss * 20 / len);
		if (x->rss && !fill)
			fill = 1;
		for (int k = 0; k < 20; k++)
			bar[k] = k < fill ? '#' : '.';
		bar[20] = '\0';
		sb_printf(p->b, "  %016" PRIx64 "-%016" PRIx64 " %s %6s  rss %6s  |%s| %s\n", x->start, x->end, x->perms,
			  size, rss, bar, x->name);
		if (i > 0 && v[i - 1].end < x->start) {
			fmt_size(x->start - v[i - 1].end, size, sizeof size);
			sb_printf(p->b, "  %*s(unmapped: %s)\n", 16, "", size);
		}
	}
}

/* See internal.h. */
int draw_vmas(struct pic *p)
{
	int pid = pic_pid(p);
	if (!pid)
		return -ESRCH;
	char path[48], *text;
	snprintf(path, sizeof path, "/proc/%d/smaps", pid);
	int err = mmsim_proc_read(p->m, path, &text, NULL);
	if (err)
		return pic_api_fail(p, err);
	struct vma *v;
	int n = parse_smaps(text, &v);
	free(text);
	if (n < 0)
		return pic_fail(p, -ENOMEM, "vmas: out of memory");
	uint64_t mapped = 0, rss = 0;
	for (int i = 0; i < n; i++) {
		mapped += v[i].end - v[i].start;
		rss += v[i].rss;
	}
	struct mmsim_task_info ti = { 0 };
	mmsim_task_info(p->m, pid, &ti);
	char heading[160], a[16], b[16];
	fmt_size(mapped, a, sizeof a);
	fmt_size(rss, b, sizeof b);
	snprintf(heading, sizeof heading, "address space of pid %d (%s): %d VMAs, %s mapped, RSS %s", pid, ti.comm, n, a, b);
	if (p->o->format == DRAW_TEXT)
		text_vmas(p, v, n, heading);
	else
		svg_vmas(p, v, n, heading);
	free(v);
	return 0;
}
