/*
 * cli/diff_record.c — the recorder of `mmsim diff`: it wraps mmsim.machine,
 * the machine's spawn and the process methods of one Lua state, and writes
 * down every operation as text both backends can be compared on:
 *
 * - addresses relative to landmarks: the start of [vvar] of the first
 *   process ("vvar") and every address a call returned ("r7" for the
 *   result of operation 7), the nearest within 1 GiB, as "r7+0x2000";
 *   a result with none near is "new";
 * - pids as P1, P2, ... in the order they appeared;
 * - bytes as their length and FNV-1a hash; errors as their errno name,
 *   fatal faults as signal, code, address, trap number and error code;
 * - the minor and major faults of the operation (the task's counters
 *   before and after it).
 *
 * On the simulated side, each process's own pages (its image and stack,
 * not the script's) are made present after spawn and fork, as the host
 * helper makes its own: both sides then start from the same state.
 */
#include "diff.h"

#include "common.h"
#include "lua/lmmsim.h"

#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define MAX_ANCHORS 4096
#define MAX_PIDS 1024
#define MAX_BASE 32
#define NEAR (1ULL << 30)
/* The landmarks on each side of a result, in address order, that its "near"
 * offsets are taken from: a bound, so that a script of many mappings
 * close together records each result in constant space and time. */
#define NEAR_ANCHORS 16

struct anchor {
	uint64_t addr;
	char name[16];
};

/* A process's own VMAs (at spawn; inherited by fork): not the script's. */
struct base {
	int tgid, n;
	struct {
		uint64_t start, end;
		char perms[5];
		bool special;
	} r[MAX_BASE];
};

struct diff_recorder {
	struct diff_run *run;
	const struct mmsim_host_settings *host;
	struct anchor anchors[MAX_ANCHORS];   /* in address order, no two alike */
	int nanchors;
	uint64_t image;                /* the first process's lowest VMA (its program
					* image): a landmark for "near" only */
	int pids[MAX_PIDS], npids;     /* P<i+1> is pids[i] */
	struct base *bases;
	int nbases;
	char expect[320];              /* a pending expect_difference */
	int tolerance;                 /* a pending tolerate_faults: its n, or 0 */
	int tolerance_pages;           /* a pending tolerate_pages: its n, or 0 */
	bool in_flight;                /* ... of the "in_flight" kind */
	mmsim_machine *machine;        /* of the call being recorded */
	int seq;
	json_t *near;                  /* the address the call being recorded returned:
					* its offset from each landmark near it */
	int machines;                  /* registry ref: the machines built */
	bool tty;                      /* standard error is a terminal: show progress */
	double shown;                  /* when progress was last shown */
};

/* ---- canonical forms ---------------------------------------------------------- */

static uint32_t fnv1a(const void *p, size_t n)
{
	uint32_t h = 2166136261u;
	for (size_t i = 0; i < n; i++)
		h = (h ^ ((const uint8_t *)p)[i]) * 16777619u;
	return h;
}

/* The index of the first anchor above addr (nanchors if none): the
 * anchors are sorted, so this is a binary search. */
static int anchor_above(const struct diff_recorder *r, uint64_t addr)
{
	int lo = 0, hi = r->nanchors;
	while (lo < hi) {
		int mid = lo + (hi - lo) / 2;
		if (r->anchors[mid].addr <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* addr as "name+0xoff" from the nearest anchor at or below it within NEAR
 * (else the nearest above), or false when there is none. */
static bool relative(const struct diff_recorder *r, uint64_t addr, char *buf, size_t len)
{
	int i = anchor_above(r, addr);
	const struct anchor *best = NULL;
	if (i > 0 && addr - r->anchors[i - 1].addr <= NEAR)
		best = &r->anchors[i - 1];
	else if (i < r->nanchors && r->anchors[i].addr - addr <= NEAR)
		best = &r->anchors[i];
	if (!best)
		return false;
	if (addr == best->addr)
		snprintf(buf, len, "%s", best->name);
	else
		snprintf(buf, len, "%s%c%#" PRIx64, best->name, addr > best->addr ? '+' : '-',
			 addr > best->addr ? addr - best->addr : best->addr - addr);
	return true;
}

/* An address argument: relative, or absolute when nothing is near. */
static void canon_addr(const struct diff_recorder *r, uint64_t addr, char *buf, size_t len)
{
	if (addr == 0 || !relative(r, addr, buf, len))
		snprintf(buf, len, "%#" PRIx64, addr);
}

/* A new landmark at addr (the first name an address gets stays). */
static void add_anchor(struct diff_recorder *r, uint64_t addr, const char *name)
{
	int i = anchor_above(r, addr);
	if ((i > 0 && r->anchors[i - 1].addr == addr) || r->nanchors == MAX_ANCHORS)
		return;
	memmove(&r->anchors[i + 1], &r->anchors[i], (size_t)(r->nanchors - i) * sizeof r->anchors[0]);
	r->anchors[i].addr = addr;
	snprintf(r->anchors[i].name, sizeof r->anchors[0].name, "%s", name);
	r->nanchors++;
}

/* An address a call returned: relative to what came before, then a
 * landmark itself. */
static void canon_result_addr(struct diff_recorder *r, uint64_t addr, char *buf, size_t len)
{
	char name[16];
	json_decref(r->near);
	r->near = json_pack("{s:I}", "0", (json_int_t)addr);    /* 0: the address itself */
	int above = anchor_above(r, addr);
	int lo = above > NEAR_ANCHORS ? above - NEAR_ANCHORS : 0;
	int hi = above + NEAR_ANCHORS < r->nanchors ? above + NEAR_ANCHORS : r->nanchors;
	for (int i = lo; i < hi; i++)
		if ((addr > r->anchors[i].addr ? addr - r->anchors[i].addr : r->anchors[i].addr - addr) <= NEAR)
			json_object_set_new(r->near, r->anchors[i].name,
					    json_integer((json_int_t)(addr - r->anchors[i].addr)));
	if (r->image)             /* the host helper's image is longer and starts lower */
		json_object_set_new(r->near, "image", json_integer((json_int_t)(addr - r->image)));
	if (!relative(r, addr, buf, len))
		snprintf(buf, len, "new");
	snprintf(name, sizeof name, "r%d", r->seq);
	add_anchor(r, addr, name);
}

/* The P-number of a pid, registering it when new. */
static int pid_number(struct diff_recorder *r, int pid)
{
	for (int i = 0; i < r->npids; i++)
		if (r->pids[i] == pid)
			return i + 1;
	if (r->npids == MAX_PIDS)
		return 0;
	r->pids[r->npids++] = pid;
	return r->npids;
}

/* pid as text: P<n> for a task of the script, the number otherwise (0 for
 * no parent, 1 for init). */
static void canon_pid(struct diff_recorder *r, int pid, char *buf, size_t len, bool add)
{
	for (int i = 0; i < r->npids; i++)
		if (r->pids[i] == pid) {
			snprintf(buf, len, "P%d", i + 1);
			return;
		}
	if (add && pid > 0)
		snprintf(buf, len, "P%d", pid_number(r, pid));
	else
		snprintf(buf, len, "%d", pid);
}

/* Text that grows as it is written: nothing is ever cut. */
struct text {
	char *s;                       /* NUL-terminated once anything is written */
	size_t len, cap;
};

/* Append to the text. */
static void cat(struct text *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void cat(struct text *t, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if (t->len + (size_t)n + 1 > t->cap) {
		size_t cap = (t->len + (size_t)n + 1) * 2;
		char *b = realloc(t->s, cap);
		if (!b)
			abort();                 /* out of host memory: nothing sensible to record */
		t->s = b, t->cap = cap;
	}
	va_start(ap, fmt);
	vsnprintf(t->s + t->len, t->cap - t->len, fmt, ap);
	va_end(ap);
	t->len += (size_t)n;
}

/* The text so far ("" when nothing was written). */
static const char *text_str(const struct text *t)
{
	return t->s ? t->s : "";
}

/* ---- the objects ----------------------------------------------------------------- */

/* The pid and machine of the process object at idx (false if it is not
 * one, or its machine is closed). */
static bool process_of(lua_State *L, int idx, int *pid, mmsim_machine **m)
{
	*pid = lmmsim_topid(L, idx, m);
	return *pid && *m;
}

/* The task's minflt and majflt, or false when it is gone. */
static bool faults(mmsim_machine *m, int pid, int64_t *minflt, int64_t *majflt)
{
	struct mmsim_stat s[64];
	int n = mmsim_task_stats(m, pid, s, 64);
	*minflt = *majflt = -1;
	for (int i = 0; i < n && i < 64; i++) {
		if (!strcmp(s[i].name, "minflt"))
			*minflt = (int64_t)s[i].value;
		if (!strcmp(s[i].name, "majflt"))
			*majflt = (int64_t)s[i].value;
	}
	return n > 0;
}

/* ---- describing calls and results ---------------------------------------------------- */

static void describe(struct diff_recorder *r, lua_State *L, int idx, bool addr, struct text *out);

/* A table: its string keys in order, "addr" as an address. */
static void describe_table(struct diff_recorder *r, lua_State *L, int idx, struct text *out)
{
	const char *keys[32];
	int n = 0;
	idx = lua_absindex(L, idx);
	for (lua_pushnil(L); lua_next(L, idx); lua_pop(L, 1))
		if (lua_type(L, -2) == LUA_TSTRING && n < 32)
			keys[n++] = lua_tostring(L, -2);   /* the table keeps the key alive */
	for (int i = 1; i < n; i++)                   /* insertion sort: a handful of keys */
		for (int j = i; j > 0 && strcmp(keys[j - 1], keys[j]) > 0; j--) {
			const char *t = keys[j];
			keys[j] = keys[j - 1];
			keys[j - 1] = t;
		}
	cat(out, "{");
	for (int i = 0; i < n; i++) {
		lua_getfield(L, idx, keys[i]);
		cat(out, "%s%s=", i ? ", " : "", keys[i]);
		describe(r, L, -1, !strcmp(keys[i], "addr"), out);
		lua_pop(L, 1);
	}
	cat(out, "}");
}

/* One value, appended to buf. */
static void describe(struct diff_recorder *r, lua_State *L, int idx, bool addr, struct text *out)
{
	char v[128];
	int pid;
	mmsim_machine *m;
	switch (lua_type(L, idx)) {
	case LUA_TNUMBER:
		if (!lua_isinteger(L, idx))
			cat(out, "%.17g", lua_tonumber(L, idx));
		else if (addr)
			canon_addr(r, (uint64_t)lua_tointeger(L, idx), v, sizeof v), cat(out, "%s", v);
		else if (lua_tointeger(L, idx) >= 0 && lua_tointeger(L, idx) < 10)
			cat(out, "%lld", (long long)lua_tointeger(L, idx));
		else
			cat(out, "%#llx", (unsigned long long)lua_tointeger(L, idx));
		return;
	case LUA_TSTRING: {
		size_t n;
		const char *s = lua_tolstring(L, idx, &n);
		bool text = n <= 40;
		for (size_t i = 0; i < n && text; i++)
			text = s[i] >= 32 && s[i] < 127 && s[i] != '"';
		if (text)
			cat(out, "\"%s\"", s);
		else
			cat(out, "<%zu bytes %08x>", n, fnv1a(s, n));
		return;
	}
	case LUA_TTABLE:
		describe_table(r, L, idx, out);
		return;
	case LUA_TBOOLEAN:
		cat(out, "%s", lua_toboolean(L, idx) ? "true" : "false");
		return;
	case LUA_TNIL:
	case LUA_TNONE:
		cat(out, "nil");
		return;
	}
	if (process_of(L, idx, &pid, &m)) {
		canon_pid(r, pid, v, sizeof v, true);
		cat(out, "%s", v);
	} else {
		cat(out, "<%s>", luaL_typename(L, idx));
	}
}

/* What a process method does with its arguments, for the record. */
struct method {
	const char *name;
	unsigned addr_args;            /* bit i: argument i (after self) is an address */
	bool addr_result;
};
static const struct method process_methods[] = {
	{ "thread", 0, false }, { "fork", 0, false }, { "exit", 0, false }, { "run_on", 0, false },
	{ "info", 0, false }, { "alive", 0, false }, { "mmap", 1, true }, { "munmap", 1, false },
	{ "mprotect", 1, false }, { "mremap", 1 | 1 << 4, true }, { "brk", 1, true },
	{ "madvise", 1, false }, { "mlock", 1, false }, { "mlock2", 1, false }, { "munlock", 1, false },
	{ "mlockall", 0, false }, { "munlockall", 0, false }, { "set_vma_name", 1, false },
	{ "write", 1, false }, { "read", 1, false }, { "fetch", 1, false }, { "read_u64", 1, false },
	{ "touch", 1, false }, { "pagemap", 1, false }, { "open", 0, false }, { "close", 0, false },
	{ "dup", 0, false }, { "pread", 0, false }, { "pwrite", 0, false }, { "ftruncate", 0, false },
	{ "unlink", 0, false }, { "memfd_create", 0, false },
	{ "fsync", 0, false }, { "fdatasync", 0, false }, { "fadvise", 0, false }, { "msync", 1, false }, { "mincore", 1, false },
	{ "set_mempolicy", 0, false }, { "get_mempolicy", 0, false },
};
#define NR_METHODS ARRAY_SIZE(process_methods)

/* The call at stack slots 1..nargs (self first) as "P1:mmap(...)". */
static void describe_call(struct diff_recorder *r, lua_State *L, const struct method *me, int nargs,
			  struct text *out)
{
	char self[32];
	int pid;
	mmsim_machine *m;
	if (process_of(L, 1, &pid, &m))
		canon_pid(r, pid, self, sizeof self, false);
	else
		snprintf(self, sizeof self, "m");
	cat(out, "%s:%s(", self, me->name);
	for (int i = 2; i <= nargs; i++) {
		if (i > 2)
			cat(out, ", ");
		describe(r, L, i, me->addr_args >> (i - 2) & 1, out);
	}
	cat(out, ")");
}

/* A pagemap result as runs of flags: "PE*3 -*2". */
static void describe_pagemap(lua_State *L, int idx, struct text *out)
{
	static const struct { const char *field; char c; } bits[] = {
		{ "present", 'P' }, { "swapped", 'S' }, { "file", 'F' }, { "guard", 'G' },
		{ "exclusive", 'E' }, { "soft_dirty", 'D' }, { "uffd_wp", 'W' },
	};
	char prev[8] = "", cur[8];
	int run = 0;
	lua_Integer n = (lua_Integer)lua_rawlen(L, idx);
	for (lua_Integer i = 1; i <= n + 1; i++) {
		cur[0] = 0;
		if (i <= n) {
			size_t k = 0;
			lua_rawgeti(L, idx, i);
			for (size_t b = 0; b < ARRAY_SIZE(bits); b++) {
				lua_getfield(L, -1, bits[b].field);
				if (lua_toboolean(L, -1))
					cur[k++] = bits[b].c;
				lua_pop(L, 1);
			}
			cur[k] = 0;
			if (!k)
				strcpy(cur, "-");
			lua_pop(L, 1);
		}
		if (run && (i > n || strcmp(cur, prev))) {
			cat(out, "%s%s*%d", out->len ? " " : "", prev, run);
			run = 0;
		}
		strcpy(prev, cur);
		run++;
	}
}

/* info(): the fields that mean the same on both backends. A parent that
 * is not a live task of the machine is the init outside it (ppid 1), as the
 * simulator's pid 1 is a process of the script. */
static void describe_info(struct diff_recorder *r, lua_State *L, int idx, struct text *out)
{
	static const char *const pids[] = { "pid", "tgid", "ppid" };
	struct mmsim_task_info parent;
	char v[32];
	for (int i = 0; i < 3; i++) {
		lua_getfield(L, idx, pids[i]);
		int pid = (int)lua_tointeger(L, -1);
		if (i == 2 && pid > 0 && r->machine && mmsim_task_info(r->machine, pid, &parent))
			snprintf(v, sizeof v, "1");
		else
			canon_pid(r, pid, v, sizeof v, false);
		cat(out, "%s=%s ", pids[i], v);
		lua_pop(L, 1);
	}
	lua_getfield(L, idx, "core");
	lua_getfield(L, idx, "comm");
	lua_getfield(L, idx, "threads");
	cat(out, "core=%lld comm=%s threads=%lld", (long long)lua_tointeger(L, -3), lua_tostring(L, -2),
	    (long long)lua_tointeger(L, -1));
	lua_pop(L, 3);
}

/* The results at stack slots first..top. */
static void describe_results(struct diff_recorder *r, lua_State *L, const struct method *me, int first,
			     struct text *out)
{
	int top = lua_gettop(L);
	if (first > top) {
		cat(out, "(nothing)");
		return;
	}
	if (lua_isnil(L, first) && first + 1 <= top && lua_type(L, first + 1) == LUA_TSTRING) {
		cat(out, "%s", lua_tostring(L, first + 1));   /* the errno name */
		return;
	}
	if (lua_isnil(L, first) && first + 1 <= top && lua_istable(L, first + 1)) {
		char a[64];
		lua_getfield(L, first + 1, "signal");
		lua_getfield(L, first + 1, "code");
		lua_getfield(L, first + 1, "addr");
		lua_getfield(L, first + 1, "trapno");
		lua_getfield(L, first + 1, "error_code");
		canon_addr(r, (uint64_t)lua_tointeger(L, -3), a, sizeof a);
		cat(out, "%s %s at %s (trap %lld, error code %#llx)", lua_tostring(L, -5),
			 lua_tostring(L, -4), a, (long long)lua_tointeger(L, -2),
			 (unsigned long long)lua_tointeger(L, -1));
		lua_pop(L, 5);
		return;
	}
	if (me->addr_result && lua_isinteger(L, first)) {
		char a[64];
		canon_result_addr(r, (uint64_t)lua_tointeger(L, first), a, sizeof a);
		cat(out, "%s", a);
		return;
	}
	if (!strcmp(me->name, "pagemap") && lua_istable(L, first)) {
		describe_pagemap(L, first, out);
		return;
	}
	if (!strcmp(me->name, "info") && lua_istable(L, first)) {
		describe_info(r, L, first, out);
		return;
	}
	for (int i = first; i <= top; i++) {
		if (i > first)
			cat(out, ", ");
		describe(r, L, i, false, out);
	}
}

/* ---- the processes' own memory -------------------------------------------------------- */

static struct base *base_of(struct diff_recorder *r, int tgid, bool create)
{
	for (int i = 0; i < r->nbases; i++)
		if (r->bases[i].tgid == tgid)
			return &r->bases[i];
	if (!create)
		return NULL;
	struct base *b = realloc(r->bases, (size_t)(r->nbases + 1) * sizeof *b);
	if (!b)
		return NULL;
	r->bases = b;
	b = &r->bases[r->nbases++];
	memset(b, 0, sizeof *b);
	b->tgid = tgid;
	return b;
}

/* One maps line: bounds, perms, offset and the name (points into line). */
struct maps_line {
	uint64_t start, end, offset;
	char perms[5];
	const char *name;
	int name_len;
};

static bool parse_maps_line(const char *line, struct maps_line *v)
{
	char head[160];                          /* sscanf would measure the whole text */
	int at = 0;
	snprintf(head, sizeof head, "%.*s", (int)strcspn(line, "\n"), line);
	if (sscanf(head, "%" SCNx64 "-%" SCNx64 " %4s %" SCNx64 " %*s %*u%n", &v->start, &v->end, v->perms,
		   &v->offset, &at) < 4 || !at)
		return false;
	while (line[at] == ' ')                  /* not past the end of the line */
		at++;
	v->name = line + at;
	v->name_len = (int)strcspn(v->name, "\n");
	return true;
}

/* A VMA's name as the script knows it: the host backend keeps the
 * script's /dev/shm/NAME and /tmp/NAME in its run's directory,
 * /dev/shm/mmsim-XXXXXX/shm/NAME and .../tmp/NAME (host/file.c). */
static json_t *script_name(const char *name, int len)
{
	static const char run[] = "/dev/shm/mmsim-", disk[] = "/var/tmp/mmsim-";
	const size_t n = sizeof run - 1 + 6;
	const size_t d = sizeof disk - 1 + 6;           /* the disk's: /var/tmp/mmsim-XXXXXX/NAME is /NAME */
	if ((size_t)len > d + 1 && !strncmp(name, disk, sizeof disk - 1) && name[d] == '/')
		return json_stringn(name + d, (size_t)len - d);
	if ((size_t)len > n + 4 && !strncmp(name, run, sizeof run - 1) &&
	    (!strncmp(name + n, "/shm/", 5) || !strncmp(name + n, "/tmp/", 5))) {
		char buf[4200];
		snprintf(buf, sizeof buf, "%s%.*s", name[n + 1] == 's' ? "/dev/shm" : "/tmp", len - (int)n - 4,
			 name + n + 4);
		return json_string(buf);
	}
	return json_stringn(name, (size_t)len);
}

/* The text of /proc/<pid>/<file> (malloc'd), or NULL. */
static char *proc_text(mmsim_machine *m, int pid, const char *file)
{
	char path[64], *text;
	snprintf(path, sizeof path, "/proc/%d/%s", pid, file);
	return mmsim_proc_read(m, path, &text, NULL) ? NULL : text;
}

#define each_line(l, text) for (char *l = (text); l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL)

/* A new process: its VMAs now are its own; [vvar] of the first is the
 * landmark "vvar", its lowest VMA (the program image) "image", from which
 * results' offsets are compared however far (a mapping placed right below
 * the image is at the same offset from it on both sides). */
static void record_base(struct diff_recorder *r, mmsim_machine *m, int pid)
{
	char *text = proc_text(m, pid, "maps");
	struct base *b = base_of(r, pid, true);
	if (!text || !b) {
		free(text);
		return;
	}
	each_line(line, text) {
		struct maps_line v;
		if (!parse_maps_line(line, &v) || b->n == MAX_BASE)
			continue;
		b->r[b->n].start = v.start;
		b->r[b->n].end = v.end;
		memcpy(b->r[b->n].perms, v.perms, 5);
		b->r[b->n].special = v.name_len && v.name[0] == '[' && v.name[1] == 'v';
		if (!strncmp(v.name, "[vvar]", 6))
			add_anchor(r, v.start, "vvar");
		if (!r->image)
			r->image = v.start;
		b->n++;
	}
	free(text);
}

/* The child of a fork has its parent's own VMAs. */
static void inherit_base(struct diff_recorder *r, int parent, int child)
{
	struct base *c = base_of(r, child, true);
	struct base *p = base_of(r, parent, false);    /* after: base_of may move them */
	if (p && c) {
		int tgid = c->tgid;
		*c = *p;
		c->tgid = tgid;
	}
}

/* Simulated side: make the process's own pages present as the host helper
 * makes its own (written where writable, read elsewhere). */
static void normalize(struct diff_recorder *r, mmsim_machine *m, int pid)
{
	struct mmsim_task_info info;
	if (r->run->side != DIFF_SIM || mmsim_task_info(m, pid, &info))
		return;
	struct base *b = base_of(r, info.tgid, false);
	for (int i = 0; b && i < b->n; i++)
		if (!b->r[i].special && b->r[i].perms[0] == 'r')
			mmsim_touch(m, pid, b->r[i].start, b->r[i].end - b->r[i].start,
				    b->r[i].perms[1] == 'w' ? MMSIM_WRITE : MMSIM_READ, NULL);
}

/* Is [start, end) one of the process's own VMAs? */
static bool own_vma(const struct base *b, uint64_t start, uint64_t end)
{
	for (int i = 0; b && i < b->n; i++)
		if (start < b->r[i].end && end > b->r[i].start)
			return true;
	return false;
}

/* ---- states ---------------------------------------------------------------------------- */

/* The smaps fields of the VMA starting at start, as an object. *cursor is
 * where the search starts (smaps lists the VMAs in the order of maps, so
 * each block is found once: a snapshot is linear in the VMAs); it moves to
 * the block found. */
static json_t *smaps_fields(const char **cursor, uint64_t start)
{
	char head[32];
	json_t *o = json_object();
	size_t n = (size_t)snprintf(head, sizeof head, "%08" PRIx64 "-", start);
	const char *at = *cursor;
	while (at && strncmp(at, head, n))
		at = strchr(at, '\n') ? strchr(at, '\n') + 1 : NULL;
	if (!at)
		return o;
	*cursor = at;
	for (at = strchr(at, '\n'); at && at[1]; at = strchr(at + 1, '\n')) {
		const char *line = at + 1, *colon = strchr(line, ':'), *eol = strchr(line, '\n');
		if (!colon || (eol && colon > eol) || (line[0] >= '0' && line[0] <= '9') ||
		    (line[0] >= 'a' && line[0] <= 'f'))
			break;                       /* the next VMA's maps line (fields are capitalised) */
		const char *v = colon + 1;
		while (*v == ' ' || *v == '\t')
			v++;
		json_object_setn_new(o, line, (size_t)(colon - line),
				     json_stringn(v, eol ? (size_t)(eol - v) : strlen(v)));
	}
	return o;
}

/* A pagemap entry's flags as letters: "PE" (present, exclusive), "-". */
static void flag_letters(uint64_t e, char cur[8])
{
	static const struct { int bit; char c; } bits[] = {
		{ 63, 'P' }, { 62, 'S' }, { 61, 'F' }, { 58, 'G' }, { 57, 'W' }, { 56, 'E' }, { 55, 'D' },
	};
	size_t k = 0;
	for (size_t b = 0; b < ARRAY_SIZE(bits); b++)
		if (e >> bits[b].bit & 1)
			cur[k++] = bits[b].c;
	cur[k] = 0;
	if (!k)
		strcpy(cur, "-");
}

/* Runs of flags being written: the pending run grows while the flags stay. */
struct run_text {
	struct text *out;
	char flags[8];
	uint64_t pages;
};

static void run_emit(struct run_text *t, const char *flags, uint64_t pages)
{
	if (t->pages && strcmp(t->flags, flags)) {
		cat(t->out, "%s%s*%" PRIu64, t->out->len ? " " : "", t->flags, t->pages);
		t->pages = 0;
	}
	snprintf(t->flags, sizeof t->flags, "%s", flags);
	t->pages += pages;
}

/* A process's pagemap as runs, read ahead with mmsim_pagemap_scan and
 * consumed in address order, VMA after VMA: one scan serves many VMAs. */
struct scan_cursor {
	mmsim_machine *m;
	int pid;
	uint64_t limit;                /* scan no further */
	struct mmsim_page_run runs[1024];
	int n, i;                      /* runs[i..n-1] are not consumed yet */
	uint64_t done;                 /* the runs read cover up to here */
};

/* The pagemap flags of [start, end) as runs, "PE*3 -*2", or
 * "(unreadable: ERRNO)", into out (emptied first). */
static void page_runs(struct scan_cursor *c, uint64_t start, uint64_t end, struct text *out)
{
	struct run_text t = { .out = out };
	char cur[8];
	int64_t err = 0;
	out->len = 0;
	for (uint64_t at = start; at < end;) {
		while (c->i < c->n && c->runs[c->i].end <= at)
			c->i++;
		if (c->i == c->n) {                       /* read ahead from at */
			uint64_t from = at > c->done ? at : c->done;
			err = mmsim_pagemap_scan(c->m, c->pid, from, c->limit > end ? c->limit : end, c->runs,
						 ARRAY_SIZE(c->runs), &c->done);
			if (err <= 0 || c->done <= from)
				break;
			c->n = (int)err, c->i = 0, err = 0;
			continue;
		}
		uint64_t stop = c->runs[c->i].end < end ? c->runs[c->i].end : end;
		flag_letters(c->runs[c->i].flags, cur);
		run_emit(&t, cur, (stop - at) / 4096);
		at = stop;
	}
	run_emit(&t, "", 0);                             /* the last run */
	if (err < 0 || (!out->len && start < end)) {
		out->len = 0;
		cat(out, "(unreadable: %s)", err < 0 ? mmsim_strerror((int)err) : "no runs");
	}
}

/* The numa_maps line of the VMA starting at start, without its address,
 * as a JSON string ("(absent)" when there is none). */
static json_t *numa_maps_line(const char *numa_maps, uint64_t start)
{
	char key[24];
	int n = snprintf(key, sizeof key, "%08llx ", (unsigned long long)start);
	each_line(line, (char *)numa_maps)
		if (!strncmp(line, key, (size_t)n))
			return json_stringn(line + n, strcspn(line + n, "\n"));
	return json_string("(absent)");
}

/* The script's VMAs of process pid: bounds, permissions, name, smaps
 * fields (and its numa_maps line, when numa is set), pagemap flags. */
static json_t *snapshot_process(struct diff_recorder *r, mmsim_machine *m, int pid, bool numa)
{
	char *maps = proc_text(m, pid, "maps"), *smaps = proc_text(m, pid, "smaps");
	char *numa_maps = numa ? proc_text(m, pid, "numa_maps") : NULL;
	const char *cursor = smaps;
	const struct base *b = base_of(r, pid, false);
	json_t *vmas = json_array();
	struct scan_cursor *scan = calloc(1, sizeof *scan);
	struct text pages = { 0 };
	if (!scan)
		return vmas;
	*scan = (struct scan_cursor){ .m = m, .pid = pid };
	each_line(line, maps) {                   /* the scan may read ahead to the last VMA */
		struct maps_line v;
		if (parse_maps_line(line, &v) && v.start < (1ULL << 63) && v.end > scan->limit)
			scan->limit = v.end;
	}
	each_line(line, maps) {
		struct maps_line v;
		char a[48], z[48], range[100];
		if (!parse_maps_line(line, &v) || v.start >= (1ULL << 63))
			continue;
		if (own_vma(b, v.start, v.end) && strncmp(v.name, "[heap]", 6))
			continue;
		canon_addr(r, v.start, a, sizeof a);
		canon_addr(r, v.end, z, sizeof z);
		snprintf(range, sizeof range, "%s..%s", a, z);
		page_runs(scan, v.start, v.end, &pages);
		json_t *o = json_object();
		json_object_set_new(o, "range", json_string(range));
		json_object_set_new(o, "size", json_integer((json_int_t)(v.end - v.start)));
		json_object_set_new(o, "perms", json_string(v.perms));
		json_object_set_new(o, "offset", json_integer((json_int_t)v.offset));
		json_object_set_new(o, "name", script_name(v.name, v.name_len));
		json_object_set_new(o, "pages", json_stringn(text_str(&pages), pages.len));
		json_t *sm = smaps ? smaps_fields(&cursor, v.start) : json_object();
		if (numa)
			json_object_set_new(sm, "numa_maps", numa_maps ? numa_maps_line(numa_maps, v.start)
								       : json_string("(unreadable)"));
		json_object_set_new(o, "smaps", sm);
		json_array_append_new(vmas, o);
	}
	free(maps);
	free(smaps);
	free(numa_maps);
	free(scan);
	free(pages.s);
	return vmas;
}

/* The status fields a checkpoint asked for, as an object (field: value;
 * a field the file lacks is "(absent)"), or NULL when it asked for none. */
static json_t *snapshot_status(mmsim_machine *m, int pid, const char *const *fields, size_t nfields)
{
	if (!nfields)
		return NULL;
	char *status = proc_text(m, pid, "status");
	json_t *o = json_object();
	for (size_t i = 0; i < nfields; i++)
		json_object_set_new(o, fields[i], json_string("(absent)"));
	each_line(line, status) {
		for (size_t i = 0; i < nfields; i++) {
			size_t n = strlen(fields[i]);
			if (strncmp(line, fields[i], n) || line[n] != ':')
				continue;
			const char *v = line + n + 1, *eol = strchr(v, '\n');
			while (*v == ' ' || *v == '\t')
				v++;
			json_object_set_new(o, fields[i], json_stringn(v, eol ? (size_t)(eol - v) : strlen(v)));
		}
	}
	free(status);
	return o;
}

/* Seconds on the monotonic clock, or of this process's CPU time. */
static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double cpu_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* On a terminal, one line on standard error says how far the run is: at
 * most four times a second, and at every state; cleared when the side ends. */
static void progress(struct diff_recorder *r, const char *state)
{
	double t = now_s();
	if (!r->tty || (!state && t - r->shown < 0.25))
		return;
	r->shown = t;
	fprintf(stderr, "\r\033[Kmmsim diff: the %s: operation %d%s%s%s", r->run->side == DIFF_SIM ? "simulator" : "host",
		r->seq, state ? ", recording state \"" : "", state ? state : "", state ? "\"" : "");
}

/* Record the state named name: every live process of every machine, and
 * the nfields fields of their /proc/PID/status the checkpoint asked for.
 * With MMSIM_DIFF_TIMING set, how long it took goes to standard error (make
 * bench measures checkpoints so; the report itself never has times). */
static void record_state(lua_State *L, struct diff_recorder *r, const char *name, const char *const *fields,
			 size_t nfields)
{
	double t0 = now_s(), c0 = cpu_s();
	const char *status_fields[16];
	size_t nstatus = 0;
	bool numa = false;
	for (size_t i = 0; i < nfields && i < ARRAY_SIZE(status_fields); i++)   /* "numa_maps" is no status field */
		if (!strcmp(fields[i], "numa_maps"))
			numa = true;
		else
			status_fields[nstatus++] = fields[i];
	fields = status_fields;
	nfields = nstatus;
	progress(r, name);
	json_t *st = json_object(), *procs = json_object(), *status = json_object();
	json_object_set_new(st, "name", json_string(name));
	json_object_set_new(st, "after", json_integer(r->seq));
	if (r->expect[0])
		json_object_set_new(st, "expect", json_string(r->expect));
	r->expect[0] = 0;
	if (r->tolerance_pages)
		json_object_set_new(st, "tolerance_pages", json_integer(r->tolerance_pages));
	r->tolerance_pages = 0;
	lua_rawgeti(L, LUA_REGISTRYINDEX, r->machines);
	for (lua_Integer i = 1; lua_rawgeti(L, -1, i) != LUA_TNIL; i++, lua_pop(L, 1)) {
		mmsim_machine *m = lmmsim_tomachine(L, -1);
		int pids[256], n = m ? mmsim_tasks(m, pids, 256) : 0;
		for (int k = 0; k < n && k < 256; k++) {
			struct mmsim_task_info info;
			char p[16];
			if (mmsim_task_info(m, pids[k], &info) || info.pid != info.tgid)
				continue;
			canon_pid(r, pids[k], p, sizeof p, true);
			json_object_set_new(procs, p, snapshot_process(r, m, pids[k], numa));
			if (nfields)
				json_object_set_new(status, p, snapshot_status(m, pids[k], fields, nfields));
		}
	}
	lua_pop(L, 2);
	json_object_set_new(st, "processes", procs);
	json_object_set_new(st, "status", status);
	json_array_append_new(r->run->states, st);
	if (getenv("MMSIM_DIFF_TIMING"))
		fprintf(stderr, "mmsim diff: state \"%s\" on the %s: %.3f s (%.3f s of CPU)\n", name,
			r->run->side == DIFF_SIM ? "simulator" : "host", now_s() - t0, cpu_s() - c0);
}

/* ---- the wrappers ------------------------------------------------------------------------ */

static struct diff_recorder *recorder(lua_State *L, int upvalue)
{
	return lua_touserdata(L, lua_upvalueindex(upvalue));
}

/* The text as a Lua string on the stack; the text is freed. */
static void push_text(lua_State *L, struct text *t)
{
	lua_pushlstring(L, text_str(t), t->len);
	free(t->s);
}

/* The description of the call in stack slots 1..nargs, pushed below them
 * (at 1): a Lua string, so that an error raised by the call leaks nothing. */
static void push_call(lua_State *L, struct diff_recorder *r, const struct method *me, int nargs)
{
	struct text t = { 0 };
	describe_call(r, L, me, nargs, &t);
	push_text(L, &t);
	lua_insert(L, 1);
}

/* Call the wrapped method (upvalue 1) with the arguments at 2..nargs+1;
 * its results follow the call's description. Returns how many. */
static int call_method(lua_State *L, int nargs)
{
	lua_pushvalue(L, lua_upvalueindex(1));
	lua_insert(L, 2);
	lua_call(L, nargs, LUA_MULTRET);
	return lua_gettop(L) - 1;
}

/* Append one operation to the record: its call (stack slot 1, pushed by
 * push_call), its results (the slots above) and its faults. */
static void record_op(lua_State *L, struct diff_recorder *r, int n, const struct method *me, int64_t minflt,
		      int64_t majflt)
{
	json_t *o = json_object();
	lua_Debug ar;
	char w[128] = "?";
	struct text result = { 0 };
	if (lua_getstack(L, 1, &ar) && lua_getinfo(L, "Sl", &ar)) {
		const char *slash = strrchr(ar.short_src, '/');
		snprintf(w, sizeof w, "%s:%d", slash ? slash + 1 : ar.short_src, ar.currentline);
	}
	describe_results(r, L, me, 2, &result);
	json_object_set_new(o, "n", json_integer(n));
	if (r->near)                      /* where an address is: compared too */
		json_object_set_new(o, "near", r->near);
	r->near = NULL;
	json_object_set_new(o, "where", json_string(w));
	json_object_set_new(o, "call", json_string(lua_tostring(L, 1)));
	json_object_set_new(o, "result", json_string(text_str(&result)));
	free(result.s);
	json_object_set_new(o, "minflt", minflt >= 0 ? json_integer(minflt) : json_null());
	json_object_set_new(o, "majflt", majflt >= 0 ? json_integer(majflt) : json_null());
	if (r->expect[0])
		json_object_set_new(o, "expect", json_string(r->expect));
	r->expect[0] = 0;
	if (r->tolerance)
		json_object_set_new(o, "tolerance", json_integer(r->tolerance));
	if (r->tolerance && r->in_flight)
		json_object_set_new(o, "in_flight", json_true());
	r->tolerance = 0;
	r->in_flight = false;
	if (r->tolerance_pages)
		json_object_set_new(o, "tolerance_pages", json_integer(r->tolerance_pages));
	r->tolerance_pages = 0;
	json_array_append_new(r->run->ops, o);
	progress(r, NULL);
}

/* After fork: the child's own VMAs are its parent's; on the simulated
 * side both touch theirs (the host helper does, after fork). */
static void after_fork(lua_State *L, struct diff_recorder *r, mmsim_machine *m, int parent)
{
	int child;
	mmsim_machine *cm;
	struct mmsim_task_info info;
	if (!process_of(L, 2, &child, &cm) || mmsim_task_info(m, parent, &info))
		return;
	inherit_base(r, info.tgid, child);
	normalize(r, m, parent);
	normalize(r, m, child);
}

/* A process method, recorded. Upvalues: the method, its index in
 * process_methods, the recorder. */
static int wrap_process(lua_State *L)
{
	struct diff_recorder *r = recorder(L, 3);
	const struct method *me = &process_methods[lua_tointeger(L, lua_upvalueindex(2))];
	int nargs = lua_gettop(L), pid = 0, n = ++r->seq;
	int64_t min0 = -1, maj0 = -1, min1 = -1, maj1 = -1;
	mmsim_machine *m = NULL;
	bool live = process_of(L, 1, &pid, &m) && faults(m, pid, &min0, &maj0);
	r->machine = m;
	push_call(L, r, me, nargs);
	int nres = call_method(L, nargs);
	if (live && !faults(m, pid, &min1, &maj1))
		min0 = maj0 = min1 = maj1 = -1;      /* it died */
	record_op(L, r, n, me, min0 >= 0 && min1 >= 0 ? min1 - min0 : -1,
		  maj0 >= 0 && maj1 >= 0 ? maj1 - maj0 : -1);
	if (!strcmp(me->name, "fork") && m)
		after_fork(L, r, m, pid);
	return nres;
}

/* m:spawn, recorded; the new process's own VMAs are noted (and on the
 * simulated side made present). Upvalues: the method, the recorder. */
static int wrap_spawn(lua_State *L)
{
	struct diff_recorder *r = recorder(L, 2);
	static const struct method spawn = { "spawn", 0, false };
	int nargs = lua_gettop(L), n = ++r->seq, pid;
	mmsim_machine *m;
	push_call(L, r, &spawn, nargs);
	int nres = call_method(L, nargs);
	if (nres >= 1 && process_of(L, 2, &pid, &m)) {
		record_base(r, m, pid);
		normalize(r, m, pid);
	}
	record_op(L, r, n, &spawn, -1, -1);
	return nres;
}

/* Another machine method worth recording (set, tasks). Upvalues: the
 * method, its name, the recorder. */
static int wrap_machine_method(lua_State *L)
{
	struct diff_recorder *r = recorder(L, 3);
	struct method me = { lua_tostring(L, lua_upvalueindex(2)), 0, false };
	int nargs = lua_gettop(L), n = ++r->seq;
	push_call(L, r, &me, nargs);
	int nres = call_method(L, nargs);
	record_op(L, r, n, &me, -1, -1);
	return nres;
}

/* Replace the process methods worth recording, and the machine's spawn,
 * set and tasks, with recording ones. */
static void wrap_methods(lua_State *L, struct diff_recorder *r)
{
	static const char *const others[] = { "set", "tasks" };
	for (size_t i = 0; i < NR_METHODS; i++) {
		lua_pushinteger(L, (lua_Integer)i);
		lua_pushlightuserdata(L, r);
		lmmsim_wrap_method(L, LMMSIM_KIND_PROCESS, process_methods[i].name, wrap_process, 2);
	}
	lua_pushlightuserdata(L, r);
	lmmsim_wrap_method(L, LMMSIM_KIND_MACHINE, "spawn", wrap_spawn, 1);
	for (int i = 0; i < 2; i++) {
		lua_pushstring(L, others[i]);
		lua_pushlightuserdata(L, r);
		lmmsim_wrap_method(L, LMMSIM_KIND_MACHINE, others[i], wrap_machine_method, 2);
	}
}

/* ---- machines ------------------------------------------------------------------------------- */

/* Why the machine the script asks for (table at idx) cannot be had on
 * this host, or NULL. */
static const char *conflict(struct diff_recorder *r, lua_State *L, int idx, char *buf, size_t len)
{
	const struct mmsim_host_settings *h = r->host;
	const struct { const char *key; int host; } same[] = {
		{ "paging", h->paging }, { "zero_page", h->zero_page }, { "soft_dirty", h->soft_dirty },
		{ "anon_vma_name", h->anon_vma_name }, { "lsm_mmap_min_addr", h->lsm_mmap_min_addr },
		{ "tlb.rewalk_stale", h->stale_rewalk },
	};
	if (!lua_istable(L, idx))
		return NULL;
	for (size_t i = 0; i < ARRAY_SIZE(same); i++) {
		if (lua_getfield(L, idx, same[i].key) != LUA_TNIL) {
			int want = lua_isboolean(L, -1) ? lua_toboolean(L, -1) : (int)lua_tointeger(L, -1);
			if (want != same[i].host) {
				snprintf(buf, len, "the script asks for %s=%d; the host has %d", same[i].key, want,
					 same[i].host);
				lua_pop(L, 1);
				return buf;
			}
		}
		lua_pop(L, 1);
	}
	if (lua_getfield(L, idx, "swap") != LUA_TNIL) {    /* "0": no swap; a size: some */
		bool none = lua_isstring(L, -1) && !strcmp(lua_tostring(L, -1), "0");
		lua_pop(L, 1);
		if (!none && !h->swap_bytes)
			return snprintf(buf, len, "the script asks for swap; the host has none (SwapTotal 0: "
				 "docs/oracle.md says how to add a swap file)"), buf;
		if (none && h->swap_bytes)
			return snprintf(buf, len, "the script asks for no swap; the host has %" PRIu64 " kB",
					h->swap_bytes >> 10), buf;
	} else {
		lua_pop(L, 1);
	}
	if (lua_getfield(L, idx, "memory_max") != LUA_TNIL && !h->memcg) {
		lua_pop(L, 1);
		return snprintf(buf, len, "the script asks for memory_max; this process may use no memory cgroup "
				 "controller (it needs root and a mounted memory controller)"), buf;
	}
	lua_pop(L, 1);
	const char *const pools[2] = { "nr_hugepages", "nr_hugepages_1g" };
	for (int i = 0; i < 2; i++) {              /* tests/oracle/run.sh sets the host's pools */
		lua_Integer want = lua_getfield(L, idx, pools[i]) != LUA_TNIL ? lua_tointeger(L, -1) : 0;
		lua_pop(L, 1);
		if (want && h->nr_hugepages[i] < 0)
			return snprintf(buf, len, "the script asks for %s=%lld; the host has no pool of that size",
					pools[i], (long long)want), buf;
		if (want != (h->nr_hugepages[i] < 0 ? 0 : h->nr_hugepages[i]))
			return snprintf(buf, len, "the script asks for %s=%lld; the host has %d (tests/oracle/run.sh "
					"sets it, as root, under flock /tmp/mmsim-host.lock; fewer then: the host could not "
					"allocate them)", pools[i], (long long)want, h->nr_hugepages[i]), buf;
		if (h->free_hugepages[i] != (h->nr_hugepages[i] < 0 ? 0 : h->nr_hugepages[i]))
			return snprintf(buf, len, "%d of the host's %d %s are in use", h->nr_hugepages[i] -
					h->free_hugepages[i], h->nr_hugepages[i], pools[i]), buf;
	}
	if (lua_getfield(L, idx, "cores") != LUA_TNIL && lua_tointeger(L, -1) > h->cpus) {
		snprintf(buf, len, "the script asks for %lld cores; the host has %d",
			 (long long)lua_tointeger(L, -1), h->cpus);
		lua_pop(L, 1);
		return buf;
	}
	lua_pop(L, 1);
	return NULL;
}

/* Keep the machine at the top for the final state (and alive until then). */
static void keep_machine(lua_State *L, struct diff_recorder *r)
{
	lua_rawgeti(L, LUA_REGISTRYINDEX, r->machines);
	lua_pushvalue(L, -2);
	lua_rawseti(L, -2, (lua_Integer)lua_rawlen(L, -2) + 1);
	lua_pop(L, 1);
}

/* Set key in the table at idx unless the script did. */
static void default_key(lua_State *L, int idx, const char *key, lua_Integer v)
{
	if (lua_getfield(L, idx, key) == LUA_TNIL) {
		lua_pushinteger(L, v);
		lua_setfield(L, idx, key);
	}
	lua_pop(L, 1);
}

/* mmsim.machine{...} on the simulated side: the script's machine with the
 * host's settings. Upvalues: the original mmsim.machine, the recorder. */
static int machine_sim(lua_State *L)
{
	struct diff_recorder *r = recorder(L, 2);
	const struct mmsim_host_settings *h = r->host;
	char why[200];
	if (conflict(r, L, 1, why, sizeof why)) {
		snprintf(r->run->skip, sizeof r->run->skip, "%s", why);
		return luaL_error(L, "mmsim diff: %s", why);
	}
	lua_newtable(L);                            /* the script's keys, then ours */
	int t = lua_gettop(L);
	if (lua_istable(L, 1))
		for (lua_pushnil(L); lua_next(L, 1);) {
			lua_pushvalue(L, -2);
			lua_insert(L, -2);
			lua_settable(L, t);
		}
	default_key(L, t, "zero_page", h->zero_page);
	default_key(L, t, "paging", h->paging);
	default_key(L, t, "cores", h->cpus);
	default_key(L, t, "soft_dirty", h->soft_dirty);
	default_key(L, t, "anon_vma_name", h->anon_vma_name);
	default_key(L, t, "lsm_mmap_min_addr", h->lsm_mmap_min_addr);
	if (h->read_ahead_kb >= 0)                /* the disk the host keeps "/NAME" on */
		default_key(L, t, "read_ahead_kb", h->read_ahead_kb);
	if (lua_getfield(L, t, "tlb.rewalk_stale") == LUA_TNIL) {
		lua_pushboolean(L, h->stale_rewalk);
		lua_setfield(L, t, "tlb.rewalk_stale");
	}
	lua_pop(L, 1);
	if (h->swap_bytes)                        /* swap as on the host, up to the key's 512G */
		default_key(L, t, "swap", (lua_Integer)(h->swap_bytes < (512ULL << 30) ? h->swap_bytes & ~4095ULL
											   : 512ULL << 30));
	if (h->swap_rotational) {                 /* Linux then reads ahead by slot, not by VMA */
		if (lua_getfield(L, t, "swap_device") == LUA_TNIL) {
			lua_pushstring(L, "hdd");
			lua_setfield(L, t, "swap_device");
		}
		lua_pop(L, 1);
	}
	if (!strcmp(h->thp, "never") || !strcmp(h->thp, "always")) {   /* madvise is the default */
		if (lua_getfield(L, t, "thp") == LUA_TNIL) {
			lua_pushstring(L, h->thp);
			lua_setfield(L, t, "thp");
		}
		lua_pop(L, 1);
	}
	lua_pushvalue(L, lua_upvalueindex(1));
	lua_pushvalue(L, t);
	lua_call(L, 1, 1);
	mmsim_machine *m = lmmsim_tomachine(L, -1);
	const struct { const char *name; int value; } sysctls[] = {
		{ "vm.overcommit_memory", h->overcommit_memory }, { "vm.overcommit_ratio", h->overcommit_ratio },
		{ "vm.max_map_count", h->max_map_count }, { "vm.mmap_min_addr", h->mmap_min_addr },
		{ "vm.nr_overcommit_hugepages", h->nr_overcommit_hugepages },
		{ "vm.page-cluster", h->page_cluster }, { "vm.swappiness", h->swappiness },
	};
	for (size_t i = 0; i < ARRAY_SIZE(sysctls); i++) {
		char v[24];
		snprintf(v, sizeof v, "%d", sysctls[i].value);
		mmsim_sysctl_set(m, sysctls[i].name, v);
	}
	keep_machine(L, r);
	return 1;
}

/* mmsim.machine{...} on the host side: a host machine (only aslr and
 * memory_max carry over). Upvalues: mmsim.host, the recorder. */
static int machine_host(lua_State *L)
{
	struct diff_recorder *r = recorder(L, 2);
	char why[200];
	if (conflict(r, L, 1, why, sizeof why)) {
		snprintf(r->run->skip, sizeof r->run->skip, "%s", why);
		return luaL_error(L, "mmsim diff: %s", why);
	}
	lua_pushvalue(L, lua_upvalueindex(1));
	lua_newtable(L);
	if (lua_istable(L, 1)) {
		lua_getfield(L, 1, "aslr");
		lua_setfield(L, -2, "aslr");
		lua_getfield(L, 1, "memory_max");         /* the same limit on a cgroup of its own */
		lua_setfield(L, -2, "memory_max");
	}
	lua_call(L, 1, 1);
	keep_machine(L, r);
	return 1;
}

/* mmsim.checkpoint(name [, {field, ...}]): fields of /proc/PID/status
 * compared too (at most 16, each a word); "numa_maps" among them compares
 * each VMA's /proc/PID/numa_maps line as well. */
static int l_checkpoint(lua_State *L)
{
	const char *fields[16];
	size_t n = 0;
	const char *name = luaL_checkstring(L, 1);
	if (!lua_isnoneornil(L, 2)) {
		luaL_checktype(L, 2, LUA_TTABLE);
		for (lua_Integer i = 1; lua_rawgeti(L, 2, i) != LUA_TNIL; i++) {
			static const char word[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz_";
			const char *f = lua_tostring(L, -1);
			if (lua_type(L, -1) != LUA_TSTRING || !*f || strspn(f, word) != strlen(f))
				return luaL_error(L, "mmsim.checkpoint: status field %d must be a word such as \"VmPTE\"",
						  (int)i);
			if (n == ARRAY_SIZE(fields))
				return luaL_error(L, "mmsim.checkpoint: at most %d status fields", (int)ARRAY_SIZE(fields));
			fields[n++] = f;
			lua_pop(L, 1);                   /* the table keeps the string */
		}
		lua_pop(L, 1);
	}
	record_state(L, recorder(L, 1), name, fields, n);
	return 0;
}

/* mmsim.expect_difference(ref, what [, field]): the next operation or
 * state is expected to differ (in field only, when given: "minflt",
 * "result", an smaps field, "pages", ...), for the reason documented at ref. */
static int l_expect(lua_State *L)
{
	struct diff_recorder *r = recorder(L, 1);
	const char *field = luaL_optstring(L, 3, NULL);
	snprintf(r->expect, sizeof r->expect, "%s: %s%s%s%s", luaL_checkstring(L, 1), luaL_optstring(L, 2, ""),
		 field ? " [" : "", field ? field : "", field ? "]" : "");
	return 0;
}

/* mmsim.tolerate_faults(n, why[, "in_flight"]): the next operation's major
 * and minor faults may differ by up to n each way when their sum agrees,
 * for the reason why (a comment in the script says more): the host's count
 * depends on timing, as when a fault meets a page whose read is still in
 * flight and counts as major on its retry. With "in_flight", the host may
 * instead take up to n more minor faults and the same major ones: pages
 * its asynchronous readahead is still reading are not mapped by
 * fault-around and fault on their own. */
static int l_tolerate_faults(lua_State *L)
{
	struct diff_recorder *r = recorder(L, 1);
	lua_Integer n = luaL_checkinteger(L, 1);
	luaL_argcheck(L, n >= 1 && n <= INT_MAX, 1, "at least 1 fault");
	luaL_checkstring(L, 2);
	const char *kind = luaL_optstring(L, 3, NULL);
	luaL_argcheck(L, !kind || !strcmp(kind, "in_flight"), 3, "the only kind is \"in_flight\"");
	r->tolerance = (int)n;
	r->in_flight = kind != NULL;
	return 0;
}

/* mmsim.tolerate_pages(n, why): under memory pressure, the next operation's
 * minor and major faults may each differ by up to n, or the next
 * checkpoint's page counts (sizes in kB of smaps and status, and the pages
 * of each kind in pagemap) by up to n pages, for the reason why: the
 * host's reclaim depends on its asynchronous writeback (a page still being
 * written cannot be freed, so another goes). */
static int l_tolerate_pages(lua_State *L)
{
	struct diff_recorder *r = recorder(L, 1);
	lua_Integer n = luaL_checkinteger(L, 1);
	luaL_argcheck(L, n >= 1 && n <= INT_MAX, 1, "at least 1 page");
	luaL_checkstring(L, 2);
	r->tolerance_pages = (int)n;
	return 0;
}

/* See diff.h. */
struct diff_recorder *diff_recorder_install(lua_State *L, struct diff_run *run,
					    const struct mmsim_host_settings *host)
{
	struct diff_recorder *r = calloc(1, sizeof *r);
	if (!r)
		return NULL;
	r->run = run;
	r->host = host;
	r->tty = isatty(STDERR_FILENO);
	lua_newtable(L);
	r->machines = luaL_ref(L, LUA_REGISTRYINDEX);
	wrap_methods(L, r);
	lua_getglobal(L, "mmsim");
	lua_getfield(L, -1, run->side == DIFF_SIM ? "machine" : "host");
	lua_pushlightuserdata(L, r);
	lua_pushcclosure(L, run->side == DIFF_SIM ? machine_sim : machine_host, 2);
	lua_setfield(L, -2, "machine");
	lua_pushlightuserdata(L, r);
	lua_pushcclosure(L, l_checkpoint, 1);
	lua_setfield(L, -2, "checkpoint");
	lua_pushlightuserdata(L, r);
	lua_pushcclosure(L, l_expect, 1);
	lua_setfield(L, -2, "expect_difference");
	lua_pushlightuserdata(L, r);
	lua_pushcclosure(L, l_tolerate_faults, 1);
	lua_setfield(L, -2, "tolerate_faults");
	lua_pushlightuserdata(L, r);
	lua_pushcclosure(L, l_tolerate_pages, 1);
	lua_setfield(L, -2, "tolerate_pages");
	lua_pop(L, 1);
	return r;
}

/* See diff.h. */
void diff_recorder_finish(lua_State *L, struct diff_recorder *r)
{
	record_state(L, r, "end", NULL, 0);
	if (r->tty)
		fprintf(stderr, "\r\033[K");
}

/* See diff.h. */
void diff_recorder_free(struct diff_recorder *r)
{
	if (r) {
		json_decref(r->near);
		free(r->bases);
		free(r);
	}
}
