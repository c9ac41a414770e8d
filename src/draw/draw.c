/* draw/draw.c — the pictures' entry point, and what they share: the
 * buffer, SVG elements and the style sheet, formatting. */
#include "draw/internal.h"

#include "common.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- the buffer ---------------------------------------------------------------- */

/* Make room for n more bytes and the NUL; false once out of memory. */
static bool sb_reserve(struct sbuf *b, size_t n)
{
	if (b->oom)
		return false;
	if (b->len + n + 1 <= b->cap)
		return true;
	size_t cap = b->cap ? b->cap : 4096;
	while (cap < b->len + n + 1)
		cap *= 2;
	char *q = realloc(b->p, cap);
	if (!q) {
		b->oom = true;
		return false;
	}
	b->p = q;
	b->cap = cap;
	return true;
}

/* See internal.h. */
void sb_vprintf(struct sbuf *b, const char *fmt, va_list ap)
{
	va_list again;
	va_copy(again, ap);
	int n = vsnprintf(NULL, 0, fmt, ap);
	if (n >= 0 && sb_reserve(b, (size_t)n)) {
		vsnprintf(b->p + b->len, (size_t)n + 1, fmt, again);
		b->len += (size_t)n;
	}
	va_end(again);
}

/* See internal.h. */
void sb_printf(struct sbuf *b, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	sb_vprintf(b, fmt, ap);
	va_end(ap);
}

/* See internal.h. */
void sb_escaped(struct sbuf *b, const char *s)
{
	for (; *s; s++) {
		switch (*s) {
		case '&': sb_printf(b, "&amp;"); break;
		case '<': sb_printf(b, "&lt;"); break;
		case '>': sb_printf(b, "&gt;"); break;
		case '"': sb_printf(b, "&quot;"); break;
		case '\'': sb_printf(b, "&apos;"); break;
		default:
			/* Control characters are not allowed in XML 1.0. */
			sb_printf(b, "%c", (unsigned char)*s < 0x20 && *s != '\n' && *s != '\t' ? '?' : *s);
		}
	}
}

/* ---- failures ---------------------------------------------------------------------- */

/* See internal.h. */
int pic_fail(struct pic *p, int err, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	if (p->err && p->errlen)
		vsnprintf(p->err, p->errlen, fmt, ap);
	va_end(ap);
	return err;
}

/* See internal.h. */
int pic_api_fail(struct pic *p, int err)
{
	return pic_fail(p, err, "%s", mmsim_last_error(p->m));
}

/* See internal.h. */
int pic_pid(struct pic *p)
{
	if (p->o->pid > 0) {
		struct mmsim_task_info ti;
		int err = mmsim_task_info(p->m, p->o->pid, &ti);
		if (err) {
			pic_fail(p, err, "pid %d: %s", p->o->pid, mmsim_last_error(p->m));
			return 0;
		}
		return p->o->pid;
	}
	int pids[1024];
	int n = mmsim_tasks(p->m, pids, (int)ARRAY_SIZE(pids));
	if (n < 0) {
		pic_api_fail(p, n);
		return 0;
	}
	if (n == 0) {
		pic_fail(p, -ESRCH, "the machine has no process to draw");
		return 0;
	}
	return pids[(n < (int)ARRAY_SIZE(pids) ? n : (int)ARRAY_SIZE(pids)) - 1];
}

/* ---- SVG ----------------------------------------------------------------------------- */

/* One style sheet for every picture: the classes the elements carry.
 * Colours keep a contrast of at least 4.5:1 for text. */
static const char style[] =
	"text{font-family:monospace;font-size:12px;fill:#1a1a1a;stroke:none;white-space:pre}.part{opacity:.5}"
	".title{font-size:15px;font-weight:bold}.small{font-size:10px}.note{fill:#555}"
	".box{fill:#f6f6f6;stroke:#555}.entry{fill:#fff;stroke:#aaa}.leaf{fill:#e8f4e8;stroke:#6a6}"
	".path{fill:#ffe08a;stroke:#9a6700;stroke-width:2}.fault{fill:#fbd5d5;stroke:#b22;stroke-width:2}"
	".edge{stroke:#777;fill:none}.path-edge{stroke:#9a6700;stroke-width:2;fill:none}"
	".field{fill:#eef;stroke:#557}.offset{fill:#eee;stroke:#777}"
	".vma{stroke:#333}.gap{fill:#fff;stroke:#bbb;stroke-dasharray:4 3}.rss{fill:#3a7bd5;opacity:.55}"
	".r{fill:#dbe9f7}.rw{fill:#f7e3c8}.rx{fill:#d8f0d2}.none{fill:#e4e4e4}"
	".k-free{fill:#cfe3ff}.k-free-low{fill:#e6f0ff}.k-free-high{fill:#7fb0f0}.k-pcp{fill:#b9d7f7}"
	".k-anon{fill:#f2a65a}.k-file{fill:#8fd18b}.k-shmem{fill:#c6a0e0}.k-zero{fill:#ffffff;stroke:#999}"
	".k-slab{fill:#e5cf55}.k-pagetable{fill:#e5707a}.k-kernel{fill:#a0a0a0}.k-reserved{fill:#555}"
	".bar{stroke:#333}.mt-Unmovable{fill:#e5707a}.mt-Movable{fill:#7fb0f0}.mt-Reclaimable{fill:#e5cf55}"
	".mt-HighAtomic{fill:#c6a0e0}.mt-Isolate{fill:#a0a0a0}"
	".way{fill:#fafafa;stroke:#ccc}.valid{fill:#e8f4e8;stroke:#6a6}.global{fill:#e0e8ff;stroke:#557}"
	".axis{stroke:#333}.grid{stroke:#ddd}.series{fill:none;stroke-width:2}"
	".s0{stroke:#1f77b4}.s1{stroke:#d62728}.s2{stroke:#2ca02c}.s3{stroke:#9467bd}.s4{stroke:#8c564b}"
	".s5{stroke:#e377c2}.sw0{fill:#1f77b4}.sw1{fill:#d62728}.sw2{fill:#2ca02c}.sw3{fill:#9467bd}"
	".sw4{fill:#8c564b}.sw5{fill:#e377c2}";

/* See internal.h. */
void svg_begin(struct pic *p, const char *what, int width, int height, const char *title)
{
	sb_printf(p->b,
		  "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		  "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"mmsim-%s\" width=\"%d\" height=\"%d\" "
		  "viewBox=\"0 0 %d %d\" role=\"img\" aria-labelledby=\"title\">\n<title id=\"title\">",
		  what, width, height, width, height);
	sb_escaped(p->b, p->o->title ? p->o->title : title);
	sb_printf(p->b, "</title>\n<style>%s</style>\n<rect width=\"%d\" height=\"%d\" fill=\"#fff\"/>\n", style,
		  width, height);
}

/* See internal.h. */
void svg_end(struct pic *p)
{
	sb_printf(p->b, "</svg>\n");
}

/* See internal.h. */
void svg_rect(struct pic *p, int x, int y, int w, int h, const char *cls, const char *attrs)
{
	sb_printf(p->b, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" class=\"%s\"%s%s/>\n", x, y, w, h, cls,
		  attrs ? " " : "", attrs ? attrs : "");
}

/* See internal.h. */
void svg_text(struct pic *p, int x, int y, const char *anchor, const char *cls, const char *fmt, ...)
{
	char text[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(text, sizeof text, fmt, ap);
	va_end(ap);
	sb_printf(p->b, "<text x=\"%d\" y=\"%d\"", x, y);
	if (strcmp(anchor, "start"))
		sb_printf(p->b, " text-anchor=\"%s\"", anchor);
	if (cls && *cls)
		sb_printf(p->b, " class=\"%s\"", cls);
	sb_printf(p->b, ">");
	sb_escaped(p->b, text);
	sb_printf(p->b, "</text>\n");
}

/* See internal.h. */
void svg_line(struct pic *p, int x1, int y1, int x2, int y2, const char *cls)
{
	sb_printf(p->b, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" class=\"%s\"/>\n", x1, y1, x2, y2, cls);
}

/* See internal.h. */
void svg_group(struct pic *p, const char *cls, const char *attrs)
{
	sb_printf(p->b, "<g class=\"%s\"%s%s>\n", cls, attrs ? " " : "", attrs ? attrs : "");
}

/* See internal.h. */
void svg_group_end(struct pic *p)
{
	sb_printf(p->b, "</g>\n");
}

/* See internal.h. */
void svg_tooltip(struct pic *p, const char *fmt, ...)
{
	char text[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(text, sizeof text, fmt, ap);
	va_end(ap);
	sb_printf(p->b, "<title>");
	sb_escaped(p->b, text);
	sb_printf(p->b, "</title>\n");
}

/* ---- formatting ------------------------------------------------------------------------- */

/* See internal.h. */
const char *pt_level_name(int level)
{
	static const char *const names[] = { "?", "PT", "PD", "PDPT", "PML4", "PML5" };
	return level >= 1 && level <= 5 ? names[level] : "?";
}

/* See internal.h. */
bool pt_is_leaf(uint64_t e, int level)
{
	return level == 1 || ((level == 2 || level == 3) && (e & 0x80));
}

/* See internal.h. */
void pt_flags(uint64_t e, int level, char *buf, size_t len)
{
	static const struct { int bit; const char *name; } bits[] = {
		{ 0, "P" }, { 1, "RW" }, { 2, "US" }, { 3, "PWT" }, { 4, "PCD" }, { 5, "A" }, { 6, "D" },
		{ 7, "PS" }, { 8, "G" }, { 63, "NX" },
	};
	size_t n = 0;
	buf[0] = '\0';
	for (size_t i = 0; i < ARRAY_SIZE(bits); i++) {
		if (!(e >> bits[i].bit & 1))
			continue;
		const char *name = bits[i].name;
		if (bits[i].bit == 7 && level == 1)
			name = "PAT";
		if ((bits[i].bit == 6 || bits[i].bit == 8) && !pt_is_leaf(e, level))
			continue;       /* ignored in an entry that references a table */
		n += (size_t)snprintf(buf + n, n < len ? len - n : 0, "%s%s", n ? " " : "", name);
	}
	if (!n)
		snprintf(buf, len, "-");
}

/* See internal.h. */
void fmt_size(uint64_t bytes, char *buf, size_t len)
{
	static const char units[] = "KMGTPE";
	uint64_t unit = 1024;
	int u = 0;
	while (u < 5 && bytes >= unit * 1024) {
		unit *= 1024;
		u++;
	}
	if (bytes % unit == 0 || bytes >= unit * 100)
		snprintf(buf, len, "%llu%c", (unsigned long long)(bytes / unit), units[u]);
	else
		snprintf(buf, len, "%llu.%llu%c", (unsigned long long)(bytes / unit),
			 (unsigned long long)(bytes % unit * 10 / unit), units[u]);
}

/* ---- the pictures ----------------------------------------------------------------------- */

static const struct {
	const char *name;
	int (*fn)(struct pic *p);
	int needs;             /* 2 a process, 1 a machine, 0 nothing */
	const char *description;
} pictures[] = {
	{ "pagetable", draw_pagetable, 2, "a process's page-table tree, CR3 to the pages, with one address's path" },
	{ "walk", draw_walk, 2, "one translation step by step: the address split, each entry read, the frame or the #PF" },
	{ "vmas", draw_vmas, 2, "the address space: each VMA with its permissions, name, size and RSS" },
	{ "physmem", draw_physmem, 1, "physical memory as a map of frames by owner, free blocks by order, zones" },
	{ "buddy", draw_buddy, 1, "the buddy allocator: free blocks per order, zone and migratetype" },
	{ "tlb", draw_tlb, 1, "a core's TLBs and paging-structure caches, set by set, way by way" },
	{ "plot", draw_plot, 0, "a line chart of series of numbers (counters over time)" },
};

/* The picture called what, or -1. */
static int find(const char *what)
{
	for (size_t i = 0; i < ARRAY_SIZE(pictures); i++)
		if (!strcmp(what, pictures[i].name))
			return (int)i;
	return -1;
}

/* See draw.h. */
const char *draw_name(size_t i)
{
	return i < ARRAY_SIZE(pictures) ? pictures[i].name : NULL;
}

/* See draw.h. */
const char *draw_description(size_t i)
{
	return i < ARRAY_SIZE(pictures) ? pictures[i].description : NULL;
}

/* See draw.h. */
bool draw_needs_process(const char *what)
{
	int i = find(what);
	return i >= 0 && pictures[i].needs == 2;
}

/* See draw.h. */
bool draw_needs_machine(const char *what)
{
	int i = find(what);
	return i >= 0 && pictures[i].needs >= 1;
}

/* See draw.h. */
int draw(mmsim_machine *m, const char *what, const struct draw_opts *o, char **out, size_t *len, char *errbuf,
	 size_t errlen)
{
	static const struct draw_opts none;
	struct sbuf b = { 0 };
	struct pic p = { m, o ? o : &none, &b, errbuf, errlen };
	int i = find(what), err;

	*out = NULL;
	if (errbuf && errlen)
		errbuf[0] = '\0';
	if (i < 0) {
		char names[128] = "";
		for (size_t k = 0, n = 0; k < ARRAY_SIZE(pictures); k++)
			n += (size_t)snprintf(names + n, sizeof names - n, "%s%s", k ? ", " : "", pictures[k].name);
		return pic_fail(&p, -EINVAL, "no picture called '%s' (there are: %s)", what, names);
	}
	if (pictures[i].needs && !m)
		return pic_fail(&p, -EINVAL, "%s: a picture of a machine, and there is none", what);
	if (p.o->format != DRAW_SVG && p.o->format != DRAW_TEXT)
		return pic_fail(&p, -EINVAL, "%s: format %d is neither SVG nor text", what, (int)p.o->format);
	err = pictures[i].fn(&p);
	if (!err && b.oom)
		err = pic_fail(&p, -ENOMEM, "%s: out of memory", what);
	if (!err && !b.p)
		err = pic_fail(&p, -ENOMEM, "%s: drew nothing", what);
	if (err) {
		free(b.p);
		return err;
	}
	*out = b.p;
	if (len)
		*len = b.len;
	return 0;
}
