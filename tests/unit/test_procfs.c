/*
 * The /proc views against the real files of a Linux 6.18 machine
 * (tests/data/linux-6.18): the same labels in the same order, each number in
 * the same columns (right-aligned fields end where Linux's end, left-aligned
 * ones start where Linux's start). Values are checked where the simulated
 * machine must agree with a real one.
 */
#include "helpers.h"

#include "kernel/page_alloc_internal.h"
#include "procfs/procfs.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DATA "tests/data/linux-6.18/"

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	cr_assert_not_null(f, "cannot open %s (run the tests from the source tree)", path);
	char *buf = malloc(1 << 20);
	size_t n = fread(buf, 1, (1 << 20) - 1, f);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

/* Split text into lines (in place); returns the count. */
static int lines(char *text, char **out, int max)
{
	int n = 0;
	for (char *s = strtok(text, "\n"); s && n < max; s = strtok(NULL, "\n"))
		out[n++] = s;
	return n;
}

struct token {
	int start, end;
	char text[64];
	int numeric;
};

static int tokenize(const char *line, struct token *t, int max)
{
	int n = 0;
	for (int i = 0; line[i] && n < max;) {
		if (line[i] == ' ') {
			i++;
			continue;
		}
		int s = i;
		while (line[i] && line[i] != ' ')
			i++;
		t[n].start = s;
		t[n].end = i;
		snprintf(t[n].text, sizeof t[n].text, "%.*s", i - s, line + s);
		t[n].numeric = 1;
		for (int j = s; j < i; j++)
			if (!isdigit((unsigned char)line[j]) && line[j] != '-' && line[j] != '.' &&
			    line[j] != ',' && line[j] != ')' && line[j] != '(' && line[j] != '>')
				t[n].numeric = 0;
		n++;
	}
	return n;
}

/* Same words at the same places; each number starting or ending where the
 * real one does; the same trailing spaces. */
static void assert_same_shape(const char *ours, const char *real, const char *what)
{
	struct token a[64], b[64];
	int na = tokenize(ours, a, 64), nb = tokenize(real, b, 64);
	cr_assert_eq(na, nb, "%s: %d fields, Linux has %d\n ours: '%s'\nLinux: '%s'", what, na, nb, ours, real);
	for (int i = 0; i < na; i++) {
		if (a[i].numeric && b[i].numeric) {
			cr_assert(a[i].start == b[i].start || a[i].end == b[i].end,
				  "%s: number %d misplaced\n ours: '%s'\nLinux: '%s'", what, i, ours, real);
		} else {
			cr_assert_str_eq(a[i].text, b[i].text, "%s\n ours: '%s'\nLinux: '%s'", what, ours, real);
			cr_assert_eq(a[i].start, b[i].start, "%s: '%s' misplaced\n ours: '%s'\nLinux: '%s'",
				     what, a[i].text, ours, real);
		}
	}
	size_t la = strlen(ours), lb = strlen(real);
	cr_assert_eq(la && ours[la - 1] == ' ', lb && real[lb - 1] == ' ', "%s: trailing space differs", what);
}

/* A machine shaped like the one the files came from: 2 CPUs, and RAM above
 * 4 GiB so that zone Normal is populated. */
static struct tk *like_real(void)
{
	return tk_boot(6ULL << 30, 2);
}

Test(procfs, buddyinfo_has_linux_format_and_real_dma_line)
{
	struct tk *t = like_real();
	char *ours = tk_proc(t, "/proc/buddyinfo"), *real = slurp(DATA "buddyinfo");
	char *a[8], *b[8];
	int na = lines(ours, a, 8), nb = lines(real, b, 8);
	cr_assert_eq(na, nb, "one line per populated zone: DMA, DMA32, Normal");
	for (int i = 0; i < na; i++)
		assert_same_shape(a[i], b[i], "buddyinfo");
	/* Zone DMA is the same on every PC with enough RAM: byte for byte. */
	cr_assert_str_eq(a[0], b[0]);
	free(ours);
	free(real);
	tk_free(t);
}

Test(procfs, pagetypeinfo_has_linux_format)
{
	struct tk *t = like_real();
	char *ours = tk_proc(t, "/proc/pagetypeinfo"), *real = slurp(DATA "pagetypeinfo");
	char *a[64], *b[64];
	int na = lines(ours, a, 64), nb = lines(real, b, 64);
	cr_assert_eq(na, nb);
	for (int i = 0; i < na; i++)
		assert_same_shape(a[i], b[i], "pagetypeinfo");
	cr_assert_str_eq(a[0], "Page block order: 9");
	cr_assert_str_eq(a[1], "Pages per block:  512");
	free(ours);
	free(real);
	tk_free(t);
}

Test(procfs, zoneinfo_has_linux_format_and_real_dma_numbers)
{
	struct tk *t = like_real();
	char *ours = tk_proc(t, "/proc/zoneinfo"), *real = slurp(DATA "zoneinfo");
	char *a[512], *b[512];
	int na = lines(ours, a, 512), nb = lines(real, b, 512);
	cr_assert_eq(na, nb, "%d lines, Linux has %d", na, nb);
	for (int i = 0; i < na; i++)
		assert_same_shape(a[i], b[i], "zoneinfo");
	/* spanned/present/managed of zone DMA are those of real PCs */
	for (int i = 0; i < na && strncmp(a[i], "Node 0, zone    DMA32", 21); i++)
		if (strstr(a[i], "spanned") || strstr(a[i], "present") || strstr(a[i], "managed") ||
		    strstr(a[i], "start_pfn"))
			cr_assert_str_eq(a[i], b[i]);
	free(ours);
	free(real);
	tk_free(t);
}

Test(procfs, meminfo_has_linux_labels_and_columns)
{
	struct tk *t = like_real();
	char *ours = tk_proc(t, "/proc/meminfo"), *real = slurp(DATA "meminfo");
	char *a[64], *b[64];
	int na = lines(ours, a, 64), nb = lines(real, b, 64);
	cr_assert_eq(na, nb);
	for (int i = 0; i < na; i++)
		assert_same_shape(a[i], b[i], "meminfo");
	free(ours);
	free(real);
	tk_free(t);
}

Test(procfs, vmstat_has_linux_counters_in_order)
{
	struct tk *t = like_real();
	char *ours = tk_proc(t, "/proc/vmstat"), *real = slurp(DATA "vmstat");
	char *a[256], *b[256];
	int na = lines(ours, a, 256), nb = lines(real, b, 256), j = 0;
	/* Ours has the four nr_tlb_* counters of CONFIG_DEBUG_TLBFLUSH, which
	 * this real kernel was built without; everything else matches. */
	cr_assert_eq(na, nb + 4);
	for (int i = 0; i < na; i++) {
		char name[64];
		sscanf(a[i], "%63s", name);
		if (!strncmp(name, "nr_tlb_", 7)) {
			cr_assert(!strncmp(a[i - 1], "balloon_migrate", 15) || !strncmp(a[i - 1], "nr_tlb_", 7));
			continue;
		}
		char rname[64];
		sscanf(b[j++], "%63s", rname);
		cr_assert_str_eq(name, rname);
		cr_assert_not_null(strchr(a[i], ' '));
	}
	free(ours);
	free(real);
	tk_free(t);
}

Test(procfs, slabinfo_has_linux_header_and_columns)
{
	struct tk *t = like_real();
	char *ours = tk_proc(t, "/proc/slabinfo"), *real = slurp(DATA "slabinfo");
	char *a[128], *b[512];
	int na = lines(ours, a, 128), nb = lines(real, b, 512);
	cr_assert_gt(nb, 3);
	cr_assert_str_eq(a[0], b[0]);
	cr_assert_str_eq(a[1], b[1]);
	/* real lines with names shorter than the 17-character column set the shape */
	const char *tmpl = NULL;
	for (int i = 2; i < nb && !tmpl; i++)
		if (!strncmp(b[i], "kmalloc-64 ", 11))
			tmpl = b[i];
	cr_assert_not_null(tmpl);
	for (int i = 2; i < na; i++) {
		char name[64];
		sscanf(a[i], "%63s", name);
		if (strlen(name) >= 17)
			continue;
		/* the name is "%-17s": put the template's in its place, then compare */
		char line[256];
		snprintf(line, sizeof line, "%.17s%s", tmpl, a[i] + 17);
		cr_assert_eq(a[i][16], ' ', "name column is 17 wide: '%s'", a[i]);
		assert_same_shape(line, tmpl, "slabinfo");
	}
	free(ours);
	free(real);
	tk_free(t);
}

Test(procfs, views_follow_the_allocator)
{
	struct tk *t = like_real();
	char before[256], after[256];
	char *s = tk_proc(t, "/proc/buddyinfo");
	snprintf(before, sizeof before, "%s", strstr(s, "Node 0, zone   Normal"));
	free(s);
	struct page *p = alloc_pages(&t->k, GFP_KERNEL, 9);
	s = tk_proc(t, "/proc/buddyinfo");
	snprintf(after, sizeof after, "%s", strstr(s, "Node 0, zone   Normal"));
	free(s);
	cr_assert_str_neq(before, after);
	__free_pages(&t->k, p, 9);
	s = tk_proc(t, "/proc/buddyinfo");
	cr_assert_str_eq(strstr(s, "Node 0, zone   Normal"), before);
	free(s);
	char *mi = tk_proc(t, "/proc/meminfo");
	unsigned long total, free_kb, avail;
	cr_assert_eq(sscanf(mi, "MemTotal: %lu kB\nMemFree: %lu kB\nMemAvailable: %lu kB", &total,
			    &free_kb, &avail), 3);
	cr_assert_eq(total, t->k.totalram_pages * 4);
	cr_assert_eq(free_kb, global_zone_page_state(&t->k, NR_FREE_PAGES) * 4);
	cr_assert_eq(avail, (global_zone_page_state(&t->k, NR_FREE_PAGES) - t->k.totalreserve_pages) * 4,
		     "no page cache or reclaimable slab yet: free minus reserves");
	free(mi);
	tk_free(t);
}

Test(procfs, unknown_path_is_enoent)
{
	struct tk *t = like_real();
	struct seq_buf m = { 0 };
	cr_assert_eq(procfs_read(&t->k, "/proc/nosuch", &m), -ENOENT);
	cr_assert_eq(m.len, 0);
	for (size_t i = 0; procfs_path_at(i); i++) {
		const char *path = procfs_path_at(i);
		uint64_t word;
		if (strstr(path, "<pid>"))
			continue;                    /* test_procfs_pid.c reads those */
		int err = procfs_read(&t->k, path, &m);
		cr_assert(!err || (err == -EINVAL && procfs_pread(&t->k, path, 0, &word, 8, NULL) == 8),
			  "%s: %d", path, err);
		seq_release(&m);
	}
	tk_free(t);
}
