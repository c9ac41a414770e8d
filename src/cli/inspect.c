/*
 * cli/inspect.c — `mmsim inspect PID`: the seeds' memory forensics on a
 * real process of this machine. For each VMA of /proc/PID/maps, its pages
 * present, swapped, on the zero page, in transparent huge pages, mapped
 * exclusively or shared, from /proc/PID/pagemap, /proc/kpageflags and
 * /proc/kpagecount (a per-VMA summary like pmap -X); --pages lists every
 * present or swapped page with its frame and physical address, as the
 * seed's virt_to_phys does. Without CAP_SYS_ADMIN the kernel hides the
 * frame numbers: the flags of pagemap are still shown, the counts that need
 * frames come from smaps where they can (THP) and are "-" where not.
 * Reads go through the host backend's views (mmsim_proc_read/pread).
 */
#include "cli.h"

#include <errno.h>
#include <inttypes.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define INSPECT_PAGES 1                /* cli->flags: --pages */

#define PM_PRESENT (1ULL << 63)
#define PM_SWAP (1ULL << 62)
#define PM_FILE (1ULL << 61)
#define PM_EXCLUSIVE (1ULL << 56)
#define PM_PFN ((1ULL << 55) - 1)
#define KPF_THP 22
#define KPF_ZERO_PAGE 24

/* See cli.h. */
int cli_inspect_option(struct cli *cli, const char *arg)
{
	if (!strcmp(arg, "--pages")) {
		cli->flags |= INSPECT_PAGES;
		return 1;
	}
	return 0;
}

/* What is counted per VMA (and in total). */
struct counts {
	uint64_t pages, present, swapped, zero, thp, exclusive, shared, file;
};

struct inspect {
	mmsim_machine *m;
	int pid;
	bool privileged;               /* frame numbers visible */
	char *smaps;
	json_t *vmas;
	struct counts total;
	bool pages;                    /* --pages */
};

/* One u64 of a binary /proc file; false when it cannot be read. */
static bool read_u64(struct inspect *in, const char *path, uint64_t index, uint64_t *v)
{
	return mmsim_proc_pread(in->m, path, index * 8, v, 8, 0) == 8;
}

/* A smaps field (in pages) of the VMA starting at start, or 0. */
static uint64_t smaps_pages(const struct inspect *in, uint64_t start, const char *field)
{
	char head[32];
	snprintf(head, sizeof head, "%08" PRIx64 "-", start);
	const char *b = in->smaps ? strstr(in->smaps, head) : NULL, *next, *f;
	if (!b)
		return 0;
	next = strstr(b + 1, "VmFlags:");
	f = strstr(b, field);
	return f && (!next || f < next) ? strtoull(f + strlen(field), NULL, 10) / 4 : 0;
}

/* One present or swapped page: counted, and listed with --pages. */
static void page(struct inspect *in, uint64_t va, uint64_t e, struct counts *c, json_t *list)
{
	uint64_t pfn = e & PM_PFN, kflags = 0, mapcount = 0;
	bool known = in->privileged && (e & PM_PRESENT) && pfn;
	char names[256] = "";
	if (known) {
		known = read_u64(in, "/proc/kpageflags", pfn, &kflags) &&
			read_u64(in, "/proc/kpagecount", pfn, &mapcount);
		mmsim_kpageflags_format(kflags, names, sizeof names);
	}
	c->present += !!(e & PM_PRESENT);
	c->swapped += !!(e & PM_SWAP);
	c->exclusive += !!(e & PM_EXCLUSIVE);
	c->file += !!(e & PM_FILE);
	if (known) {
		c->zero += kflags >> KPF_ZERO_PAGE & 1;
		c->thp += kflags >> KPF_THP & 1;
		c->shared += mapcount >= 2 && !(kflags >> KPF_ZERO_PAGE & 1);
	}
	if (!in->pages)
		return;
	json_t *p = json_pack("{s:s+, s:b, s:b, s:b, s:b}", "addr", "0x", "", "present", !!(e & PM_PRESENT),
			      "swapped", !!(e & PM_SWAP), "exclusive", !!(e & PM_EXCLUSIVE), "file", !!(e & PM_FILE));
	char a[32];
	snprintf(a, sizeof a, "%#" PRIx64, va);
	json_object_set_new(p, "addr", json_string(a));
	if (known) {
		snprintf(a, sizeof a, "%#" PRIx64, pfn);
		json_object_set_new(p, "pfn", json_string(a));
		snprintf(a, sizeof a, "%#" PRIx64, pfn << 12);
		json_object_set_new(p, "phys", json_string(a));
		json_object_set_new(p, "mapcount", json_integer((json_int_t)mapcount));
		json_object_set_new(p, "kpageflags", json_string(names));
	}
	json_array_append_new(list, p);
}

/* Walk the pages of [start, end) in pagemap. 0 or a negative errno. */
static int walk(struct inspect *in, uint64_t start, uint64_t end, struct counts *c, json_t *list)
{
	char path[64];
	uint64_t e[512];
	snprintf(path, sizeof path, "/proc/%d/pagemap", in->pid);
	for (uint64_t a = start; a < end; a += 512 * 4096ULL) {
		uint64_t n = (end - a) / 4096 < 512 ? (end - a) / 4096 : 512;
		int64_t got = mmsim_proc_pread(in->m, path, (a >> 12) * 8, e, n * 8, 0);
		if (got < 0)
			return (int)got;
		for (uint64_t i = 0; i < (uint64_t)got / 8; i++)
			if (e[i] & (PM_PRESENT | PM_SWAP))
				page(in, a + i * 4096, e[i], c, list);
	}
	return 0;
}

static void add(struct counts *t, const struct counts *c)
{
	uint64_t *a = (uint64_t *)t;
	const uint64_t *b = (const uint64_t *)c;
	for (size_t i = 0; i < sizeof *t / sizeof(uint64_t); i++)
		a[i] += b[i];
}

/* A count, or "-" when it needs the frames and they are hidden. */
static const char *num(const struct inspect *in, uint64_t v, bool needs_frames, char *buf, size_t len)
{
	if (needs_frames && !in->privileged)
		return "-";
	snprintf(buf, len, "%" PRIu64, v);
	return buf;
}

/* One summary row. */
static void row(const struct inspect *in, const char *addr, uint64_t kb, const char *perms, const struct counts *c,
		const char *name)
{
	char b[4][24];
	printf("%16s %9" PRIu64 " %-4s %7" PRIu64 " %7" PRIu64 " %7" PRIu64 " %6s %6" PRIu64 " %6" PRIu64
	       " %6s %s\n", addr, kb, perms, c->pages, c->present, c->swapped, num(in, c->zero, true, b[0], 24),
	       c->thp, c->exclusive, num(in, c->shared, true, b[1], 24), name);
	(void)b[2];
	(void)b[3];
}

/* One VMA: count its pages, print its row (and pages), add it to JSON. */
static int inspect_vma(struct inspect *in, const char *line)
{
	uint64_t start, end;
	char perms[5], a[24];
	int at = 0;
	if (sscanf(line, "%" SCNx64 "-%" SCNx64 " %4s %*x %*s %*u%n", &start, &end, perms, &at) < 3 || !at)
		return 0;
	const char *name = line + at;
	while (*name == ' ')
		name++;
	int nlen = (int)strcspn(name, "\n");
	struct counts c = { .pages = (end - start) / 4096 };
	json_t *list = json_array();
	int err = start >> 63 ? 0 : walk(in, start, end, &c, list);   /* [vsyscall] has no entries */
	if (err) {
		json_decref(list);
		return err;
	}
	if (!in->privileged)
		c.thp = smaps_pages(in, start, "AnonHugePages:");
	snprintf(a, sizeof a, "%" PRIx64, start);
	char nm[256];
	snprintf(nm, sizeof nm, "%.*s", nlen, name);
	row(in, a, (end - start) / 1024, perms, &c, nm);
	size_t i;
	json_t *p;
	json_array_foreach(list, i, p) {
		const char *pfn = json_string_value(json_object_get(p, "pfn"));
		printf("%20s %s%s%s%s  %s%s%s%s%s\n", json_string_value(json_object_get(p, "addr")),
		       json_is_true(json_object_get(p, "present")) ? "present" : "swapped",
		       json_is_true(json_object_get(p, "exclusive")) ? " exclusive" : "",
		       json_is_true(json_object_get(p, "file")) ? " file/shared" : "", "",
		       pfn ? "pfn " : "pfn hidden", pfn ? pfn : "", pfn ? " phys " : "",
		       pfn ? json_string_value(json_object_get(p, "phys")) : "",
		       pfn ? "" : "");
		if (pfn)
			printf("%20s mapcount %lld, %s\n", "", (long long)json_integer_value(json_object_get(p, "mapcount")),
			       json_string_value(json_object_get(p, "kpageflags")));
	}
	json_t *v = json_pack("{s:s, s:I, s:s, s:s#, s:I, s:I, s:I, s:I, s:I, s:I}", "start", a,
			      (json_int_t)(end - start), "perms", perms, "name", name, nlen, "pages", (json_int_t)c.pages,
			      "present", (json_int_t)c.present, "swapped", (json_int_t)c.swapped, "thp",
			      (json_int_t)c.thp, "exclusive", (json_int_t)c.exclusive, "file", (json_int_t)c.file);
	json_object_set_new(v, "size", json_integer((json_int_t)(end - start)));
	json_object_del(v, "start");
	json_object_set_new(v, "start", json_string(a));
	snprintf(a, sizeof a, "%" PRIx64, end);
	json_object_set_new(v, "end", json_string(a));
	json_object_set_new(v, "zero_page", in->privileged ? json_integer((json_int_t)c.zero) : json_null());
	json_object_set_new(v, "shared", in->privileged ? json_integer((json_int_t)c.shared) : json_null());
	if (in->pages)
		json_object_set_new(v, "page_list", list);
	else
		json_decref(list);
	json_array_append_new(in->vmas, v);
	add(&in->total, &c);
	return 0;
}
