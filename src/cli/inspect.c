/*
 * cli/inspect.c — `mmsim inspect PID`: the memory of a real process of
 * this machine, page by page. For each VMA of /proc/PID/maps: its pages
 * present, swapped, on the shared zero page, in transparent huge pages,
 * mapped exclusively or shared, from /proc/PID/pagemap, /proc/kpageflags
 * and /proc/kpagecount (a per-VMA summary like pmap -X). --pages lists each
 * present or swapped page with its frame and physical address, as a
 * virt_to_phys tool reading pagemap does.
 *
 * Linux shows frame numbers only to CAP_SYS_ADMIN (a physical address helps
 * side-channel and rowhammer attacks). Without it, or with --unprivileged,
 * pagemap's flags are still shown; Shared and THP then come from smaps and
 * Zero, which needs the frames, reads "-". Reads go through the host
 * backend's views, so --unprivileged is exactly what a user would see.
 */
#include "cli.h"

#include <errno.h>
#include <inttypes.h>
#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define INSPECT_PAGES 1                /* cli->flags: --pages */
#define INSPECT_UNPRIVILEGED 2         /* cli->flags: --unprivileged */

#define PAGE ((uint64_t)4096)
#define PM_PRESENT (1ULL << 63)
#define PM_SWAP (1ULL << 62)
#define PM_FILE (1ULL << 61)
#define PM_EXCLUSIVE (1ULL << 56)
#define PM_PFN ((1ULL << 55) - 1)      /* bits 0-54 (a mask of 54 bits would drop bit 54) */
#define PM_SWAP_TYPE 0x1f              /* of a swapped entry: bits 0-4 type, 5-54 offset */
#define KPF_THP 22
#define KPF_ZERO_PAGE 24
#define CHUNK 4096                     /* pagemap entries read at a time */

/* See cli.h. */
int cli_inspect_option(struct cli *cli, const char *arg)
{
	if (!strcmp(arg, "--pages"))
		cli->flags |= INSPECT_PAGES;
	else if (!strcmp(arg, "--unprivileged"))
		cli->flags |= INSPECT_UNPRIVILEGED;
	else
		return 0;
	return 1;
}

/* What is counted, per VMA and in total (zero and shared only with frames). */
struct counts {
	uint64_t pages, present, swapped, zero, thp, exclusive, shared, file;
};

struct inspect {
	mmsim_machine *m;              /* the host backend: its views are the real /proc */
	int pid;
	int proc_flags;                /* MMSIM_PROC_UNPRIVILEGED when frames are hidden */
	bool frames;                   /* frame numbers (and /proc/kpage*) readable */
	bool pages;                    /* --pages */
	char *smaps;                   /* /proc/PID/smaps */
	const char *smaps_at;          /* where the last VMA's block was found */
	uint64_t *pm;                  /* CHUNK pagemap entries */
	json_t *vmas;
	struct counts total;
};

/* The smaps block of the VMA that starts at start, or NULL. maps and smaps
 * list the VMAs in the same order, so the search goes on from the last
 * block found: one pass over smaps for the whole process. */
static const char *smaps_block(struct inspect *in, uint64_t start)
{
	char head[40];
	int n = snprintf(head, sizeof head, "%08" PRIx64 "-", start);
	if (!in->smaps)
		return NULL;
	for (const char *at = in->smaps_at ? in->smaps_at : in->smaps; at && *at;) {
		if (!strncmp(at, head, (size_t)n))
			return in->smaps_at = at;
		at = strstr(at, "\nVmFlags:");          /* the block's last line */
		at = at ? strchr(at + 1, '\n') : NULL;
		at = at ? at + 1 : NULL;
	}
	return NULL;                               /* gone since maps was read */
}

/* A field of a smaps block, in kB (0 when absent or no block). */
static uint64_t smaps_kb(const char *block, const char *field)
{
	if (!block)
		return 0;
	const char *end = strstr(block, "VmFlags:"), *f = strstr(block, field);
	if (!f || (end && f > end))
		return 0;
	return strtoull(f + strlen(field), NULL, 10);
}

/* kpageflags and kpagecount of pfn; false when they cannot be read. */
static bool kpage(struct inspect *in, uint64_t pfn, uint64_t *flags, uint64_t *count)
{
	return mmsim_proc_pread(in->m, "/proc/kpageflags", pfn * 8, flags, 8, 0) == 8 &&
	       mmsim_proc_pread(in->m, "/proc/kpagecount", pfn * 8, count, 8, 0) == 8;
}

/* --pages: one page as a JSON object appended to list. */
static void list_page(uint64_t va, uint64_t e, bool known, uint64_t kflags, uint64_t count, json_t *list)
{
	char a[24], names[512];
	uint64_t frame = e & PM_PFN;
	snprintf(a, sizeof a, "%" PRIx64, va);
	json_t *p = json_pack("{s:s, s:b, s:b, s:b, s:b}", "addr", a, "present", !!(e & PM_PRESENT),
			      "swapped", !!(e & PM_SWAP), "exclusive", !!(e & PM_EXCLUSIVE), "file",
			      !!(e & PM_FILE));
	if ((e & PM_SWAP) && frame) {
		json_object_set_new(p, "swap_type", json_integer((json_int_t)(frame & PM_SWAP_TYPE)));
		json_object_set_new(p, "swap_offset", json_integer((json_int_t)(frame >> 5)));
	} else if (frame) {
		snprintf(a, sizeof a, "%#" PRIx64, frame);
		json_object_set_new(p, "pfn", json_string(a));
		snprintf(a, sizeof a, "%#" PRIx64, frame * PAGE);
		json_object_set_new(p, "phys", json_string(a));
	}
	if (known) {
		mmsim_kpageflags_format(kflags, names, sizeof names);
		json_object_set_new(p, "mapcount", json_integer((json_int_t)count));
		json_object_set_new(p, "kpageflags", json_string(names));
	}
	json_array_append_new(list, p);
}

/* --pages: print one page that list_page made. */
static void print_page(const json_t *p)
{
	const char *pfn = json_string_value(json_object_get(p, "pfn"));
	bool swapped = json_is_true(json_object_get(p, "swapped"));
	printf("    %16s %-7s %-4s %-4s", json_string_value(json_object_get(p, "addr")),
	       swapped ? "swapped" : "present", json_is_true(json_object_get(p, "exclusive")) ? "excl" : "",
	       json_is_true(json_object_get(p, "file")) ? "file" : "");
	if (swapped && json_object_get(p, "swap_type"))
		printf("  swap type %lld offset %#llx", (long long)json_integer_value(json_object_get(p, "swap_type")),
		       (unsigned long long)json_integer_value(json_object_get(p, "swap_offset")));
	else if (swapped)
		printf("  swap entry hidden");
	else if (pfn)
		printf("  pfn %-9s phys %-12s", pfn, json_string_value(json_object_get(p, "phys")));
	else
		printf("  pfn hidden");
	if (json_object_get(p, "mapcount"))
		printf("  mapcount %lld  %s", (long long)json_integer_value(json_object_get(p, "mapcount")),
		       json_string_value(json_object_get(p, "kpageflags")));
	putchar('\n');
}

/* Count (and with --pages list) one present or swapped page. */
static void count_page(struct inspect *in, uint64_t va, uint64_t e, struct counts *c, json_t *list)
{
	uint64_t kflags = 0, count = 0;
	bool known = in->frames && (e & PM_PRESENT) && (e & PM_PFN) && kpage(in, e & PM_PFN, &kflags, &count);
	bool zero = known && (kflags >> KPF_ZERO_PAGE & 1);
	c->present += !!(e & PM_PRESENT);
	c->swapped += !!(e & PM_SWAP);
	c->exclusive += !!(e & PM_EXCLUSIVE);
	c->file += !!(e & PM_FILE);
	c->zero += zero;
	c->thp += known && (kflags >> KPF_THP & 1);
	c->shared += known && !zero && count >= 2;
	if (in->pages)
		list_page(va, e, known, kflags, count, list);
}

/* Walk [start, end) in pagemap. 0, or a negative errno after printing why. */
static int walk(struct inspect *in, uint64_t start, uint64_t end, struct counts *c, json_t *list)
{
	char path[48];
	snprintf(path, sizeof path, "/proc/%d/pagemap", in->pid);
	for (uint64_t a = start; a < end;) {
		uint64_t n = (end - a) / PAGE < CHUNK ? (end - a) / PAGE : CHUNK;
		int64_t got = mmsim_proc_pread(in->m, path, a / PAGE * 8, in->pm, n * 8, in->proc_flags);
		if (got < 0) {
			fprintf(stderr, "mmsim inspect: %s\n", mmsim_last_error(in->m));
			return (int)got;
		}
		if (got == 0)
			break;                       /* the process went away */
		for (uint64_t i = 0; i < (uint64_t)got / 8; i++)
			if (in->pm[i] & (PM_PRESENT | PM_SWAP))
				count_page(in, a + i * PAGE, in->pm[i], c, list);
		a += (uint64_t)got / 8 * PAGE;
	}
	return 0;
}

/* A count, or "-" when it needs the frames and they are hidden. */
static const char *num(const struct inspect *in, uint64_t v, bool needs_frames, char *buf, size_t len)
{
	if (needs_frames && !in->frames)
		return "-";
	snprintf(buf, len, "%" PRIu64, v);
	return buf;
}

static void print_header(void)
{
	printf("%16s %10s %-4s %7s %7s %7s %6s %6s %6s %6s %s\n", "Address", "Kbytes", "Perm", "Pages",
	       "Present", "Swapped", "Zero", "THP", "Excl", "Shared", "Mapping");
}

/* One summary row. */
static void print_row(const struct inspect *in, const char *addr, uint64_t kb, const char *perms,
		      const struct counts *c, const char *name)
{
	char z[24], s[24];
	printf("%16s %10" PRIu64 " %-4s %7" PRIu64 " %7" PRIu64 " %7" PRIu64 " %6s %6" PRIu64 " %6" PRIu64
	       " %6s %s\n", addr, kb, perms, c->pages, c->present, c->swapped, num(in, c->zero, true, z, sizeof z),
	       c->thp, c->exclusive, num(in, c->shared, false, s, sizeof s), name);
}

/* The counts as JSON; zero_page is null when the frames are hidden. */
static json_t *counts_json(const struct inspect *in, const struct counts *c)
{
	json_t *o = json_pack("{s:I, s:I, s:I, s:I, s:I, s:I, s:I}", "pages", (json_int_t)c->pages, "present",
			      (json_int_t)c->present, "swapped", (json_int_t)c->swapped, "thp",
			      (json_int_t)c->thp, "exclusive", (json_int_t)c->exclusive, "shared",
			      (json_int_t)c->shared, "file", (json_int_t)c->file);
	json_object_set_new(o, "zero_page", in->frames ? json_integer((json_int_t)c->zero) : json_null());
	return o;
}

static void add(struct counts *t, const struct counts *c)
{
	t->pages += c->pages;
	t->present += c->present;
	t->swapped += c->swapped;
	t->zero += c->zero;
	t->thp += c->thp;
	t->exclusive += c->exclusive;
	t->shared += c->shared;
	t->file += c->file;
}

/* One line of maps: count its pages, print its row (and pages), add it to
 * the JSON. 0, or a negative errno after printing why. */
static int inspect_vma(struct inspect *in, const char *line)
{
	uint64_t start, end;
	char perms[5], addr[24], name[512];
	int at = 0;
	if (sscanf(line, "%" SCNx64 "-%" SCNx64 " %4s %*x %*s %*u%n", &start, &end, perms, &at) < 3 || !at)
		return 0;
	const char *n = line + at;
	n += strspn(n, " ");
	snprintf(name, sizeof name, "%.*s", (int)strcspn(n, "\n"), n);
	struct counts c = { .pages = (end - start) / PAGE };
	json_t *list = json_array();
	snprintf(addr, sizeof addr, "%" PRIx64, start);
	/* [vsyscall] has no pagemap entries; an unreadable VMA with nothing
	 * resident (a PROT_NONE reservation, maybe terabytes) is not walked */
	const char *blk = smaps_block(in, start);
	bool skip = start >> 63 || (perms[0] == '-' && !smaps_kb(blk, "Rss:") && !smaps_kb(blk, "Swap:"));
	int err = skip ? 0 : walk(in, start, end, &c, list);
	if (err) {
		json_decref(list);
		return err;
	}
	if (!in->frames) {
		c.thp = smaps_kb(blk, "AnonHugePages:") * 1024 / PAGE;
		c.shared = (smaps_kb(blk, "Shared_Clean:") + smaps_kb(blk, "Shared_Dirty:")) * 1024 / PAGE;
	}
	print_row(in, addr, (end - start) / 1024, perms, &c, name);
	size_t i;
	json_t *p;
	json_array_foreach(list, i, p)
		print_page(p);
	json_t *v = counts_json(in, &c);
	json_object_set_new(v, "start", json_string(addr));
	snprintf(addr, sizeof addr, "%" PRIx64, end);
	json_object_set_new(v, "end", json_string(addr));
	json_object_set_new(v, "kbytes", json_integer((json_int_t)((end - start) / 1024)));
	json_object_set_new(v, "perms", json_string(perms));
	json_object_set_new(v, "name", json_string(name));
	if (in->pages)
		json_object_set_new(v, "page_list", list);
	else
		json_decref(list);
	json_array_append_new(in->vmas, v);
	add(&in->total, &c);
	return 0;
}

/* Does this process hold CAP_SYS_ADMIN (bit 21 of CapEff)? */
static bool cap_sys_admin(struct inspect *in)
{
	char *text, *l;
	bool yes = false;
	if (mmsim_proc_read(in->m, "/proc/self/status", &text, NULL))
		return false;
	if ((l = strstr(text, "CapEff:")))
		yes = strtoull(l + 7, NULL, 16) >> 21 & 1;
	free(text);
	return yes;
}

/* PID as a positive number, or 0. */
static int parse_pid(const char *s)
{
	char *end;
	errno = 0;
	long v = strtol(s, &end, 10);
	return !errno && end != s && !*end && v > 0 && v <= 0x3fffffff ? (int)v : 0;
}

/* What the header says about frames. */
static const char *frames_note(const struct inspect *in, int flags)
{
	if (in->frames)
		return "frame numbers shown (CAP_SYS_ADMIN)";
	if (flags & INSPECT_UNPRIVILEGED)
		return "frame numbers hidden (--unprivileged: as a user without CAP_SYS_ADMIN sees it)";
	return "frame numbers hidden: only CAP_SYS_ADMIN may read them, since physical addresses help "
	       "side-channel and rowhammer attacks; Zero needs them (-), Shared and THP come from smaps";
}

/* A process with no user memory to inspect: a zombie (it has exited and
 * released its memory; its parent has not reaped it yet) or a kernel
 * thread (it has no address space: PF_KTHREAD in /proc/PID/stat's flags).
 * Says so and returns 1; 0 for any other process. */
static int no_memory(struct inspect *in)
{
	char path[48], *stat, *open, *end, state = 0;
	unsigned long flags = 0;
	snprintf(path, sizeof path, "/proc/%d/stat", in->pid);
	if (mmsim_proc_read(in->m, path, &stat, NULL))
		return 0;
	if (!(open = strchr(stat, '(')) || !(end = strrchr(stat, ')')) ||
	    sscanf(end + 1, " %c %*d %*d %*d %*d %*d %lu", &state, &flags) != 2) {
		free(stat);
		return 0;
	}
	int len = (int)(end - open + 1);          /* "(comm)" */
	if (state == 'Z')
		fprintf(stderr, "mmsim inspect: pid %d %.*s is a zombie: it has exited and released its memory; "
			"its parent has not reaped it yet\n", in->pid, len, open);
	else if (flags & 0x00200000)               /* PF_KTHREAD */
		fprintf(stderr, "mmsim inspect: pid %d %.*s is a kernel thread: it has no user address space\n",
			in->pid, len, open);
	free(stat);
	return state == 'Z' || (flags & 0x00200000);
}

/* Read the text views of the process: maps (required), smaps, comm. 0, or
 * 1 after printing why. */
static int read_views(struct inspect *in, char **maps, char *comm, size_t len)
{
	char path[48], *text;
	snprintf(path, sizeof path, "/proc/%d/maps", in->pid);
	int err = mmsim_proc_read(in->m, path, maps, NULL);
	if (err == -ENOENT) {
		fprintf(stderr, "mmsim inspect: no process %d on this machine\n", in->pid);
		return 1;
	}
	if (err) {
		fprintf(stderr, "mmsim inspect: %s\n", mmsim_last_error(in->m));
		return 1;
	}
	if (!**maps && no_memory(in)) {
		free(*maps);
		return 1;
	}
	snprintf(path, sizeof path, "/proc/%d/smaps", in->pid);
	if (mmsim_proc_read(in->m, path, &in->smaps, NULL))
		in->smaps = NULL;
	snprintf(path, sizeof path, "/proc/%d/comm", in->pid);
	snprintf(comm, len, "?");
	if (!mmsim_proc_read(in->m, path, &text, NULL)) {
		snprintf(comm, len, "%.*s", (int)strcspn(text, "\n"), text);
		free(text);
	}
	return 0;
}

/* Summarise every VMA of in->pid; 0, or 1 after printing why. */
static int inspect_process(struct cli *cli, struct inspect *in)
{
	char *maps, comm[64], *line, *next;
	uint64_t probe;
	in->frames = !(cli->flags & INSPECT_UNPRIVILEGED) && cap_sys_admin(in) &&
		     mmsim_proc_pread(in->m, "/proc/kpageflags", 0, &probe, 8, 0) == 8;
	in->proc_flags = in->frames ? 0 : MMSIM_PROC_UNPRIVILEGED;
	if (read_views(in, &maps, comm, sizeof comm))
		return 1;
	printf("pid %d (%s): %s\n", in->pid, comm, frames_note(in, cli->flags));
	print_header();
	int err = 0;
	for (line = maps; !err && line && *line; line = next) {
		next = strchr(line, '\n');
		next = next ? next + 1 : NULL;
		err = inspect_vma(in, line);
	}
	free(maps);
	if (err)
		return 1;
	print_row(in, "total", in->total.pages * PAGE / 1024, "", &in->total, "");
	if (!cli->json)
		return 0;
	json_t *report = json_pack("{s:s, s:i, s:s, s:b, s:o, s:o}", "mmsim", mmsim_version(), "pid", in->pid, "comm",
				   comm, "frames_visible", in->frames, "vmas", json_incref(in->vmas), "total",
				   counts_json(in, &in->total));
	int rc = cli_json_dump(cli, report);
	json_decref(report);
	return rc;
}

/* See cli.h. */
int cli_inspect(struct cli *cli, int argc, char **argv)
{
	char why[256];
	struct inspect in = { .pages = cli->flags & INSPECT_PAGES };
	if (argc < 1)
		return cli_missing(cli, "process id", "the PID of a process of this computer");
	if (argc > 1) {
		fprintf(stderr, "usage: %s", cli->usage);
		return 2;
	}
	if (!(in.pid = parse_pid(argv[0]))) {
		fprintf(stderr, "mmsim inspect: '%s' is not a process id\n", argv[0]);
		return 2;
	}
	if (mmsim_host_new(NULL, &in.m, why, sizeof why)) {
		fprintf(stderr, "mmsim inspect: %s\n", why);
		return 1;
	}
	in.vmas = json_array();
	in.pm = malloc(CHUNK * sizeof *in.pm);
	int rc = in.pm ? inspect_process(cli, &in) : 1;
	free(in.pm);
	free(in.smaps);
	json_decref(in.vmas);
	mmsim_machine_free(in.m);
	fflush(stdout);
	return rc;
}
