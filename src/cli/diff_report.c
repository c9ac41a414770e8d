/*
 * cli/diff_report.c — `mmsim diff`: the two records compared, operation by
 * operation and state by state, printed side by side where they differ.
 * A difference marked with mmsim.expect_difference is reported as expected
 * (with its reference); a marked operation that does not differ is a stale
 * mark, and counts as a difference.
 */
#include "diff.h"

#include <stdio.h>
#include <string.h>

/* The page runs of a VMA too large to read page by page (E2BIG). */
#define UNSCANNED "(unreadable: E2BIG)"

struct tally {
	int differ, expected, ops, states;
	int tolerance_pages;           /* of the state being compared (tolerate_pages) */
	json_t *list;                  /* the differences, for --json */
	int flags;
};

/* A value of a record as text ("-" when absent). */
static const char *text_of(json_t *o, const char *key, char *buf, size_t len)
{
	json_t *v = json_object_get(o, key);
	if (json_is_string(v))
		return json_string_value(v);
	if (json_is_integer(v)) {
		snprintf(buf, len, "%lld", (long long)json_integer_value(v));
		return buf;
	}
	return "-";
}

/* Count and list one difference; says how it is classed. */
static const char *note(struct tally *t, const char *kind, const char *where, const char *what,
			const char *sim, const char *host, const char *expect)
{
	json_t *d = json_object();
	json_object_set_new(d, "kind", json_string(kind));
	json_object_set_new(d, "where", json_string(where));
	json_object_set_new(d, "what", json_string(what));
	json_object_set_new(d, "simulator", json_string(sim));
	json_object_set_new(d, "host", json_string(host));
	if (expect)
		json_object_set_new(d, "expected", json_string(expect));
	json_array_append_new(t->list, d);
	if (expect) {
		t->expected++;
		return "expected";
	}
	t->differ++;
	return "DIFFERS";
}

/* Is a difference in fields (a field, or "a, b" for several) covered by the
 * mark expect ("ref: what", or "ref: what [field]" for that field only)?
 * The mark, or NULL. */
static const char *covers(const char *expect, const char *field)
{
	const char *f = expect ? strrchr(expect, '[') : NULL;
	if (!f)
		return expect;
	size_t n = strlen(field);
	return !strncmp(f + 1, field, n) && f[1 + n] == ']' ? expect : NULL;
}

/* The faults of an operation as text. */
static void faults_text(json_t *op, char *buf, size_t len)
{
	char a[24], b[24];
	snprintf(buf, len, "minflt %s majflt %s", text_of(op, "minflt", a, sizeof a),
		 text_of(op, "majflt", b, sizeof b));
}

/* Both operations returned an address at the same offset from one
 * landmark (or the same address): results written from different
 * landmarks still agree, as a landmark may sit elsewhere on the host (its
 * image is longer and starts lower than the simulator's). */
static bool same_place(json_t *s, json_t *h)
{
	json_t *a = s ? json_object_get(s, "near") : NULL, *b = h ? json_object_get(h, "near") : NULL;
	const char *name;
	json_t *off;
	json_object_foreach(a, name, off) {
		json_t *other = json_object_get(b, name);
		if (other && json_integer_value(other) == json_integer_value(off))
			return true;
	}
	return false;
}

/* Do the faults of s and h differ by no more than the operation's
 * tolerance (mmsim.tolerate_faults): the same sum, the major faults at most
 * that many apart? With the "in_flight" kind, the host's minor faults may
 * instead be up to that many more, the major ones the same (a page whose
 * readahead I/O is still in flight is skipped by fault-around and faults
 * on its own; the simulator's I/O completes at once). */
static bool faults_within_tolerance(json_t *s, json_t *h)
{
	json_t *any = s ? s : h;
	json_int_t n = json_integer_value(json_object_get(any, "tolerance"));
	if (!n || !s || !h || !json_is_integer(json_object_get(s, "majflt")) ||
	    !json_is_integer(json_object_get(h, "majflt")))
		return false;
	json_int_t smaj = json_integer_value(json_object_get(s, "majflt"));
	json_int_t hmaj = json_integer_value(json_object_get(h, "majflt"));
	json_int_t smin = json_integer_value(json_object_get(s, "minflt"));
	json_int_t hmin = json_integer_value(json_object_get(h, "minflt"));
	if (json_is_true(json_object_get(any, "in_flight")))
		return smaj == hmaj && hmin >= smin && hmin - smin <= n;
	return smaj + smin == hmaj + hmin && (smaj > hmaj ? smaj - hmaj : hmaj - smaj) <= n;
}

/* Do the faults of s and h each differ by no more than the operation's
 * page tolerance (mmsim.tolerate_pages)? */
static bool faults_within_pages(json_t *s, json_t *h)
{
	json_t *any = s ? s : h;
	json_int_t n = json_integer_value(json_object_get(any, "tolerance_pages"));
	if (!n || !s || !h)
		return false;
	const char *f[] = { "minflt", "majflt" };
	for (int i = 0; i < 2; i++) {
		json_t *a = json_object_get(s, f[i]), *b = json_object_get(h, f[i]);
		if (!json_is_integer(a) || !json_is_integer(b))
			return false;
		json_int_t d = json_integer_value(a) - json_integer_value(b);
		if (d > n || d < -n)
			return false;
	}
	return true;
}

/* Compare operation i of both runs. */
static void compare_op(struct tally *t, json_t *s, json_t *h)
{
	char where[160], sf[64], hf[64], buf[4][24];
	const char *fields[] = { "call", "result", "minflt", "majflt" };
	char differing[64] = "";
	json_t *any = s ? s : h;
	const char *expect = json_string_value(json_object_get(any, "expect"));
	snprintf(where, sizeof where, "#%s %s", text_of(any, "n", buf[0], sizeof buf[0]),
		 text_of(any, "where", buf[1], sizeof buf[1]));
	for (int f = 0; f < 4; f++) {
		const char *a = s ? text_of(s, fields[f], buf[2], sizeof buf[2]) : "(no such operation)";
		const char *b = h ? text_of(h, fields[f], buf[3], sizeof buf[3]) : "(no such operation)";
		if (strcmp(a, b) && !(f == 1 && same_place(s, h)) &&
		    !(f >= 2 && (faults_within_tolerance(s, h) || faults_within_pages(s, h))))
			snprintf(differing + strlen(differing), sizeof differing - strlen(differing), "%s%s",
				 *differing ? ", " : "", fields[f]);
	}
	t->ops++;
	const char *verdict = NULL;
	if (*differing)
		verdict = note(t, "operation", where, differing, s ? text_of(s, "result", buf[2], sizeof buf[2]) : "-",
			       h ? text_of(h, "result", buf[3], sizeof buf[3]) : "-",
			       covers(expect, differing));
	else if (expect)
		verdict = note(t, "stale expectation", where, "no difference", "-", "-", NULL);
	if (!verdict && !(t->flags & DIFF_ALL))
		return;
	faults_text(s, sf, sizeof sf);
	faults_text(h, hf, sizeof hf);
	const char *cs = s ? text_of(s, "call", buf[0], sizeof buf[0]) : "(no such operation)";
	const char *ch = h ? text_of(h, "call", buf[1], sizeof buf[1]) : "(no such operation)";
	const char *rs = s ? text_of(s, "result", buf[2], sizeof buf[2]) : "-";
	const char *rh = h ? text_of(h, "result", buf[3], sizeof buf[3]) : "-";
	if (!verdict) {
		printf("  %-24s %s\n      both:      %-40s %s\n", where, cs, rs, sf);
		return;
	}
	if (!strcmp(cs, ch)) {
		printf("  %-24s %s\n", where, cs);
		printf("      simulator: %-40s %s\n      host:      %-40s %s\n", rs, sf, rh, hf);
	} else {                                 /* each side's own call */
		printf("  %s\n", where);
		printf("      simulator: %s -> %s   %s\n      host:      %s -> %s   %s\n", cs, rs, sf, ch, rh, hf);
	}
	printf("      %s: %s%s%s\n", verdict, differing[0] ? differing : "the mark expects a difference",
	       expect ? " -- " : "", expect ? expect : "");
}

/* The index of the first page whose flags differ in two page-run texts
 * ("PE*3 -*2"), or -1 when they describe the same pages. */
static long long first_page_difference(const char *a, const char *b)
{
	char fa[8] = "", fb[8] = "";
	unsigned long long na = 0, nb = 0, page = 0;
	for (;;) {
		int k;
		if (!na && sscanf(a, " %7[^*]*%llu%n", fa, &na, &k) == 2)
			a += k;
		if (!nb && sscanf(b, " %7[^*]*%llu%n", fb, &nb, &k) == 2)
			b += k;
		if (!na || !nb)
			return na || nb ? (long long)page : -1;
		if (strcmp(fa, fb))
			return (long long)page;
		unsigned long long step = na < nb ? na : nb;
		page += step, na -= step, nb -= step;
	}
}

/* The pages of each kind in a page-run text ("PE*3 -*2 S*4"), summed into
 * kinds[] / counts[] (at most max kinds). Returns the kinds. */
static int page_kinds(const char *a, char kinds[][8], unsigned long long *counts, int max)
{
	char f[8];
	unsigned long long n;
	int k, nk = 0;
	while (sscanf(a, " %7[^*]*%llu%n", f, &n, &k) == 2) {
		a += k;
		int i = 0;
		while (i < nk && strcmp(kinds[i], f))
			i++;
		if (i == nk) {
			if (nk == max)
				return -1;
			snprintf(kinds[nk], sizeof kinds[nk], "%s", f);
			counts[nk++] = 0;
		}
		counts[i] += n;
	}
	return nk;
}

/* Are a and b the same within n pages: sizes "X kB" at most 4n kB apart,
 * page-run texts with at most n pages of each kind more or fewer? */
static bool within_pages(const char *field, const char *a, const char *b, int n)
{
	unsigned long long x, y;
	char ka[3], kb[3];
	if (sscanf(a, "%llu %2s", &x, ka) == 2 && sscanf(b, "%llu %2s", &y, kb) == 2 && !strcmp(ka, "kB") &&
	    !strcmp(kb, "kB"))
		return (x > y ? x - y : y - x) <= 4ULL * (unsigned)n;
	if (strcmp(field, "pages"))
		return false;
	char ka2[16][8], kb2[16][8];
	unsigned long long ca[16], cb[16];
	int na = page_kinds(a, ka2, ca, 16), nb = page_kinds(b, kb2, cb, 16);
	if (na < 0 || nb < 0)
		return false;
	for (int i = 0; i < na; i++) {            /* each kind of a against b's count (0 when absent) */
		unsigned long long other = 0;
		for (int j = 0; j < nb; j++)
			if (!strcmp(ka2[i], kb2[j]))
				other = cb[j];
		if ((ca[i] > other ? ca[i] - other : other - ca[i]) > (unsigned)n)
			return false;
	}
	for (int j = 0; j < nb; j++) {            /* and b's kinds that a lacks */
		bool found = false;
		for (int i = 0; i < na; i++)
			found |= !strcmp(ka2[i], kb2[j]);
		if (!found && cb[j] > (unsigned)n)
			return false;
	}
	return true;
}

/* A long value on lines of at most 100 columns, broken at spaces, after
 * "      side: ". */
static void print_wrapped(const char *side, const char *v)
{
	int col = printf("      %-10s ", side), indent = col;
	while (*v) {
		size_t word = strcspn(v, " ");
		if (col > indent && col + 1 + (int)word > 100)
			col = printf("\n%*s", indent, "") - 1;
		else if (col > indent)
			col += printf(" ");
		col += printf("%.*s", (int)word, v);
		v += word + strspn(v + word, " ");
	}
	printf("\n");
}

/* One field of a VMA in both states; the VMA's heading first, once. */
static int compare_field(struct tally *t, const char *where, bool *headed, const char *field, const char *a,
			 const char *b, const char *expect)
{
	if (!strcmp(a, b) || (t->tolerance_pages && within_pages(field, a, b, t->tolerance_pages)))
		return 0;
	if (!*headed)
		printf("  %s\n", where);
	*headed = true;
	const char *v = note(t, "state", where, field, a, b, covers(expect, field));
	if (strlen(a) <= 26 && strlen(b) <= 26) {
		printf("    %-16s simulator: %-26s host: %-26s %s\n", field, a, b, v);
		return 1;
	}
	long long page = strcmp(field, "pages") ? -1 : first_page_difference(a, b);
	if (page >= 0)
		printf("    %-16s %s from page %lld\n", field, v, page);
	else
		printf("    %-16s %s\n", field, v);
	print_wrapped("simulator:", a);
	print_wrapped("host:", b);
	return 1;
}

/* A list of VMAs indexed by range (a new object; a VMA's range is unique
 * in its process), so that matching two lists is linear. */
static json_t *by_range(json_t *list)
{
	json_t *index = json_object(), *v;
	size_t i;
	json_array_foreach(list, i, v)
		json_object_set(index, json_string_value(json_object_get(v, "range")), v);
	return index;
}

/* The VMA of an index whose range is that of v, or NULL. */
static json_t *find_vma(json_t *index, json_t *v)
{
	return json_object_get(index, json_string_value(json_object_get(v, "range")));
}

/* Compare one VMA (present in a, perhaps in b). Returns differences. */
static int compare_vma(struct tally *t, const char *proc, json_t *a, json_t *b, bool a_is_sim,
		       const char *expect)
{
	char where[200], buf[2][48];
	const char *range = json_string_value(json_object_get(a, "range"));
	snprintf(where, sizeof where, "%s %s %s", proc, range, text_of(a, "perms", buf[0], sizeof buf[0]));
	if (!b) {
		printf("  %s: only %s has %s %s\n", proc, a_is_sim ? "the simulator" : "the host", range,
		       text_of(a, "name", buf[0], sizeof buf[0]));
		note(t, "state", where, "VMA", a_is_sim ? "present" : "absent", a_is_sim ? "absent" : "present",
		     covers(expect, "VMA"));
		return 1;
	}
	if (!a_is_sim)
		return 0;                        /* both present: compared from the simulator's side */
	int n = 0;
	bool headed = false;
	const char *keys[] = { "perms", "offset", "name", "pages" };
	snprintf(where + strlen(where), sizeof where - strlen(where), " %s", text_of(a, "name", buf[0], sizeof buf[0]));
	for (int i = 0; i < 4; i++) {
		const char *va = text_of(a, keys[i], buf[0], sizeof buf[0]);
		const char *vb = text_of(b, keys[i], buf[1], sizeof buf[1]);
		if (i == 3 && (!strcmp(va, UNSCANNED) || !strcmp(vb, UNSCANNED))) {
			printf("  %s\n    pages            not compared: %s read them page by page\n", where,
			       !strcmp(va, UNSCANNED) ? "the simulator would have to" : "the host would have to");
			continue;                /* a kernel without PAGEMAP_SCAN: not a difference */
		}
		n += compare_field(t, where, &headed, keys[i], va, vb, expect);
	}
	json_t *sa = json_object_get(a, "smaps"), *sb = json_object_get(b, "smaps");
	const char *k;
	json_t *v;
	json_object_foreach(sa, k, v)
		n += compare_field(t, where, &headed, k, json_string_value(v),
				   json_is_string(json_object_get(sb, k)) ? json_string_value(json_object_get(sb, k))
									  : "(absent)", expect);
	json_object_foreach(sb, k, v)
		if (!json_object_get(sa, k))
			n += compare_field(t, where, &headed, k, "(absent)", json_string_value(v), expect);
	return n;
}

/* Compare the status fields of process pid in both states (VmPTE). */
static void compare_status(struct tally *t, const char *pid, json_t *a, json_t *b, const char *expect)
{
	char where[64];
	bool headed = false;
	const char *k;
	json_t *v;
	snprintf(where, sizeof where, "%s status", pid);
	json_object_foreach(a, k, v)
		compare_field(t, where, &headed, k, json_string_value(v),
			      json_is_string(json_object_get(b, k)) ? json_string_value(json_object_get(b, k))
								    : "(absent)", expect);
}

/* Compare state i of both runs: every process, every VMA of the script. */
static void compare_state(struct tally *t, json_t *s, json_t *h)
{
	char buf[24];
	json_t *any = s ? s : h;
	const char *expect = json_string_value(json_object_get(any, "expect"));
	const char *name = json_string_value(json_object_get(any, "name"));
	int before = t->differ + t->expected;
	t->states++;
	t->tolerance_pages = (int)json_integer_value(json_object_get(any, "tolerance_pages"));
	printf("state \"%s\" (after operation #%s)%s\n", name, text_of(any, "after", buf, sizeof buf),
	       s && h ? "" : ": recorded on one side only");
	json_t *ps = json_object_get(s, "processes"), *ph = json_object_get(h, "processes");
	const char *pid;
	json_t *list;
	json_object_foreach(ps, pid, list) {
		json_t *other = json_object_get(ph, pid), *v;
		size_t i;
		if (!other) {
			printf("  %s: alive on the simulator only\n", pid);
			note(t, "state", pid, "process", "alive", "gone", covers(expect, "process"));
			continue;
		}
		compare_status(t, pid, json_object_get(json_object_get(s, "status"), pid),
			       json_object_get(json_object_get(h, "status"), pid), expect);
		json_t *mine = by_range(list), *theirs = by_range(other);
		json_array_foreach(list, i, v)
			compare_vma(t, pid, v, find_vma(theirs, v), true, expect);
		json_array_foreach(other, i, v)
			if (!find_vma(mine, v))
				compare_vma(t, pid, v, NULL, false, expect);
		json_decref(mine);
		json_decref(theirs);
	}
	json_object_foreach(ph, pid, list)
		if (!json_object_get(ps, pid)) {
			printf("  %s: alive on the host only\n", pid);
			note(t, "state", pid, "process", "gone", "alive", covers(expect, "process"));
		}
	if (t->differ + t->expected == before && expect)
		note(t, "stale expectation", name, "no difference", "-", "-", NULL);
	if (t->differ + t->expected == before && !expect)
		printf("  the same%s\n", (t->flags & DIFF_ALL) ? "" : "");
}

/* The settings line of the report. */
static json_t *settings_json(const struct mmsim_host_settings *h)
{
	return json_pack("{s:s, s:i, s:i, s:i, s:i, s:i, s:i, s:i, s:i, s:i, s:i, s:I, s:b, s:i, s:b, s:I, s:b}",
			 "thp", h->thp,
			 "overcommit_memory", h->overcommit_memory, "overcommit_ratio", h->overcommit_ratio,
			 "max_map_count", h->max_map_count, "mmap_min_addr", h->mmap_min_addr,
			 "randomize_va_space", h->randomize_va_space,
			 "paging", h->paging, "zero_page", h->zero_page, "soft_dirty", h->soft_dirty,
			 "anon_vma_name", h->anon_vma_name, "cpus", h->cpus, "ram_bytes",
			 (json_int_t)h->ram_bytes, "cap_sys_admin", h->cap_sys_admin, "lsm_mmap_min_addr",
			 h->lsm_mmap_min_addr, "stale_rewalk", h->stale_rewalk, "swap_bytes", (json_int_t)h->swap_bytes,
			 "swap_rotational", h->swap_rotational);
}

/* A run as JSON. */
static json_t *run_json(struct diff_run *r)
{
	return json_pack("{s:O, s:O, s:s?}", "operations", r->ops, "states", r->states, "error", r->error);
}

/* See diff.h. */
int diff_compare(const char *script, const struct mmsim_host_settings *host, struct diff_run *sim,
		 struct diff_run *hst, int flags, json_t **json)
{
	struct tally t = { .list = json_array(), .flags = flags };
	size_t nops = json_array_size(sim->ops) > json_array_size(hst->ops) ? json_array_size(sim->ops)
										: json_array_size(hst->ops);
	printf("mmsim diff %s\n", script);
	printf("host: THP %s, overcommit %d (ratio %d), max_map_count %d, mmap_min_addr %d (hints %d), "
	       "%d-level paging, zero page %s, soft-dirty %s, anonymous VMA names %s, stale TLB entry %s\n", host->thp,
	       host->overcommit_memory, host->overcommit_ratio, host->max_map_count, host->mmap_min_addr,
	       host->lsm_mmap_min_addr, host->paging,
	       host->zero_page ? "on" : "off",
	       host->soft_dirty ? "on" : "off", host->anon_vma_name ? "on" : "off",
	       host->stale_rewalk ? "walked again" : "faults");
	if (host->swap_bytes)
		printf("host swap: %llu MiB, vm.page-cluster %d, vm.swappiness %d\n",
		       (unsigned long long)(host->swap_bytes >> 20), host->page_cluster, host->swappiness);
	for (size_t i = 0; i < nops; i++)
		compare_op(&t, json_array_get(sim->ops, i), json_array_get(hst->ops, i));
	size_t nst = json_array_size(sim->states) > json_array_size(hst->states) ? json_array_size(sim->states)
										   : json_array_size(hst->states);
	for (size_t i = 0; i < nst; i++)
		compare_state(&t, json_array_get(sim->states, i), json_array_get(hst->states, i));
	if (sim->error || hst->error) {
		printf("the script failed:\n      simulator: %s\n      host:      %s\n",
		       sim->error ? sim->error : "(ran to the end)", hst->error ? hst->error : "(ran to the end)");
		note(&t, "error", script, "the script failed", sim->error ? sim->error : "-",
		     hst->error ? hst->error : "-", NULL);
	}
	printf("%d operations, %d states: %d difference%s, %d expected -> %s\n", t.ops, t.states, t.differ,
	       t.differ == 1 ? "" : "s", t.expected, t.differ ? "DIFFER" : "AGREE");
	*json = json_pack("{s:s, s:s, s:i, s:i, s:o, s:o, s:o, s:o}", "script", script, "result",
			  t.differ ? "differ" : "agree", "differences", t.differ, "expected", t.expected,
			  "host_settings", settings_json(host), "simulator", run_json(sim), "host", run_json(hst),
			  "report", t.list);
	return t.differ;
}
