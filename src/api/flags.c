/* api/flags.c — system-call flags as the text scripts write:
 * "private|anonymous", "rw", "dontneed". */
#include "api/api.h"
#include "common.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

struct flag_name {
	const char *name;
	unsigned long value;
};

static const struct flag_name prot_names[] = {
	{ "none", MMSIM_PROT_NONE }, { "read", MMSIM_PROT_READ }, { "write", MMSIM_PROT_WRITE },
	{ "exec", MMSIM_PROT_EXEC }, { "growsdown", MMSIM_PROT_GROWSDOWN },
	{ "growsup", MMSIM_PROT_GROWSUP }, { NULL, 0 },
};
static const struct flag_name map_names[] = {
	{ "shared_validate", MMSIM_MAP_SHARED_VALIDATE }, { "shared", MMSIM_MAP_SHARED },
	{ "private", MMSIM_MAP_PRIVATE }, { "fixed_noreplace", MMSIM_MAP_FIXED_NOREPLACE },
	{ "fixed", MMSIM_MAP_FIXED }, { "anonymous", MMSIM_MAP_ANONYMOUS }, { "anon", MMSIM_MAP_ANONYMOUS },
	{ "32bit", MMSIM_MAP_32BIT }, { "growsdown", MMSIM_MAP_GROWSDOWN },
	{ "denywrite", MMSIM_MAP_DENYWRITE }, { "executable", MMSIM_MAP_EXECUTABLE },
	{ "locked", MMSIM_MAP_LOCKED }, { "noreserve", MMSIM_MAP_NORESERVE },
	{ "populate", MMSIM_MAP_POPULATE }, { "nonblock", MMSIM_MAP_NONBLOCK },
	{ "stack", MMSIM_MAP_STACK }, { "hugetlb", MMSIM_MAP_HUGETLB }, { "sync", MMSIM_MAP_SYNC },
	{ "uninitialized", MMSIM_MAP_UNINITIALIZED }, { NULL, 0 },
};
static const struct flag_name madv_names[] = {
	{ "normal", MMSIM_MADV_NORMAL }, { "random", MMSIM_MADV_RANDOM },
	{ "sequential", MMSIM_MADV_SEQUENTIAL }, { "willneed", MMSIM_MADV_WILLNEED },
	{ "dontneed", MMSIM_MADV_DONTNEED }, { "free", MMSIM_MADV_FREE }, { "remove", MMSIM_MADV_REMOVE },
	{ "dontfork", MMSIM_MADV_DONTFORK }, { "dofork", MMSIM_MADV_DOFORK },
	{ "mergeable", MMSIM_MADV_MERGEABLE }, { "unmergeable", MMSIM_MADV_UNMERGEABLE },
	{ "hugepage", MMSIM_MADV_HUGEPAGE }, { "nohugepage", MMSIM_MADV_NOHUGEPAGE },
	{ "dontdump", MMSIM_MADV_DONTDUMP }, { "dodump", MMSIM_MADV_DODUMP },
	{ "wipeonfork", MMSIM_MADV_WIPEONFORK }, { "keeponfork", MMSIM_MADV_KEEPONFORK },
	{ "cold", MMSIM_MADV_COLD }, { "pageout", MMSIM_MADV_PAGEOUT },
	{ "populate_read", MMSIM_MADV_POPULATE_READ }, { "populate_write", MMSIM_MADV_POPULATE_WRITE },
	{ "dontneed_locked", MMSIM_MADV_DONTNEED_LOCKED }, { "collapse", MMSIM_MADV_COLLAPSE },
	{ "guard_install", MMSIM_MADV_GUARD_INSTALL }, { "guard_remove", MMSIM_MADV_GUARD_REMOVE },
	{ NULL, 0 },
};
static const struct flag_name mremap_names[] = {
	{ "maymove", MMSIM_MREMAP_MAYMOVE }, { "fixed", MMSIM_MREMAP_FIXED },
	{ "dontunmap", MMSIM_MREMAP_DONTUNMAP }, { NULL, 0 },
};
static const struct flag_name mlock_names[] = { { "onfault", MMSIM_MLOCK_ONFAULT }, { NULL, 0 } };
static const struct flag_name mcl_names[] = {
	{ "current", MMSIM_MCL_CURRENT }, { "future", MMSIM_MCL_FUTURE }, { "onfault", MMSIM_MCL_ONFAULT },
	{ NULL, 0 },
};

static const struct flag_name open_names[] = {
	{ "rdonly", MMSIM_O_RDONLY }, { "wronly", MMSIM_O_WRONLY }, { "rdwr", MMSIM_O_RDWR },
	{ "creat", MMSIM_O_CREAT }, { "excl", MMSIM_O_EXCL }, { "noctty", MMSIM_O_NOCTTY },
	{ "trunc", MMSIM_O_TRUNC }, { "append", MMSIM_O_APPEND }, { "nonblock", MMSIM_O_NONBLOCK },
	{ "direct", MMSIM_O_DIRECT }, { "largefile", MMSIM_O_LARGEFILE }, { "directory", MMSIM_O_DIRECTORY },
	{ "nofollow", MMSIM_O_NOFOLLOW }, { "cloexec", MMSIM_O_CLOEXEC }, { "tmpfile", MMSIM_O_TMPFILE },
	{ NULL, 0 },
};
static const struct flag_name mfd_names[] = {
	{ "cloexec", MMSIM_MFD_CLOEXEC }, { "allow_sealing", MMSIM_MFD_ALLOW_SEALING },
	{ "hugetlb", MMSIM_MFD_HUGETLB }, { "noexec_seal", MMSIM_MFD_NOEXEC_SEAL }, { "exec", MMSIM_MFD_EXEC },
	{ NULL, 0 },
};

static const struct flag_name ms_names[] = {
	{ "async", MMSIM_MS_ASYNC }, { "invalidate", MMSIM_MS_INVALIDATE }, { "sync", MMSIM_MS_SYNC },
	{ NULL, 0 },
};

static const struct flag_name mpol_names[] = {
	{ "default", MMSIM_MPOL_DEFAULT }, { "preferred", MMSIM_MPOL_PREFERRED }, { "bind", MMSIM_MPOL_BIND },
	{ "interleave", MMSIM_MPOL_INTERLEAVE }, { "local", MMSIM_MPOL_LOCAL },
	{ "preferred_many", MMSIM_MPOL_PREFERRED_MANY }, { "weighted_interleave", MMSIM_MPOL_WEIGHTED_INTERLEAVE },
	{ "static_nodes", MMSIM_MPOL_F_STATIC_NODES }, { "relative_nodes", MMSIM_MPOL_F_RELATIVE_NODES },
	{ "numa_balancing", MMSIM_MPOL_F_NUMA_BALANCING }, { NULL, 0 },
};
static const struct flag_name mpol_get_names[] = {
	{ "node", MMSIM_MPOL_F_NODE }, { "addr", MMSIM_MPOL_F_ADDR }, { "mems_allowed", MMSIM_MPOL_F_MEMS_ALLOWED },
	{ NULL, 0 },
};

static const struct flag_kind {
	const char *kind;
	const struct flag_name *names;
	bool single;            /* one value, not bits (madvise advice) */
} kinds[] = {
	{ "prot", prot_names, false }, { "map", map_names, false }, { "madv", madv_names, true },
	{ "mremap", mremap_names, false }, { "mlock", mlock_names, false }, { "mcl", mcl_names, false },
	{ "open", open_names, false }, { "mfd", mfd_names, false },
	{ "ms", ms_names, false }, { "mpol", mpol_names, false }, { "mpol_get", mpol_get_names, false },
};

static const struct flag_kind *find_kind(const char *kind)
{
	for (size_t i = 0; i < ARRAY_SIZE(kinds); i++)
		if (!strcmp(kinds[i].kind, kind))
			return &kinds[i];
	return NULL;
}

/* Protection letters, in either case: "r", "rw", "RWX", "-w-"... 0 and
 * *out, or -EINVAL. */
static int parse_prot_letters(const char *w, size_t n, unsigned long *out)
{
	unsigned long v = 0;
	for (size_t i = 0; i < n; i++) {
		int c = tolower((unsigned char)w[i]);
		unsigned long bit = c == 'r' ? MMSIM_PROT_READ : c == 'w' ? MMSIM_PROT_WRITE :
				    c == 'x' ? MMSIM_PROT_EXEC : c == '-' ? 0 : ~0UL;
		if (bit == ~0UL || (v & bit))
			return -EINVAL;
		v |= bit;
	}
	*out = v;
	return 0;
}

/* One word of kind (n bytes at w): its value, or -EINVAL. */
static int parse_word(const struct flag_kind *fk, const char *w, size_t n, unsigned long *out)
{
	for (const struct flag_name *f = fk->names; f->name; f++)
		if (strlen(f->name) == n && !strncasecmp(f->name, w, n)) {
			*out = f->value;
			return 0;
		}
	if (fk->names == prot_names)
		return parse_prot_letters(w, n, out);
	return -EINVAL;
}

/* See mmsim.h. */
int mmsim_parse_flags(const char *kind, const char *text, unsigned long *out, char *eb, size_t el)
{
	const struct flag_kind *fk = find_kind(kind);
	unsigned long v = 0;
	int words = 0;

	if (!fk) {
		backend_errbuf(eb, el, "no kind of flags called '%s'", kind);
		return -EINVAL;
	}
	for (const char *p = text ? text : ""; *p;) {
		while (*p == ' ' || *p == '|')
			p++;
		size_t n = strcspn(p, "| ");
		if (!n)
			break;
		unsigned long w;
		if (fk->single && words) {
			backend_errbuf(eb, el, "'%s': %s takes one value, not several", text, kind);
			return -EINVAL;
		}
		if (parse_word(fk, p, n, &w)) {
			backend_errbuf(eb, el, "'%s': unknown %s flag '%.*s'", text, kind, (int)n, p);
			return -EINVAL;
		}
		v |= w;
		words++;
		p += n;
	}
	*out = v;
	return 0;
}

/* See mmsim.h. */
int mmsim_format_flags(const char *kind, unsigned long value, char *buf, size_t len)
{
	const struct flag_kind *fk = find_kind(kind);
	int n = 0;

	if (!fk)
		return snprintf(buf, len, "%#lx", value);
	if (fk->single) {
		for (const struct flag_name *f = fk->names; f->name; f++)
			if (f->value == value)
				return snprintf(buf, len, "%s", f->name);
		return snprintf(buf, len, "%lu", value);
	}
	if (fk->names == map_names) {        /* the type is a value, not bits */
		unsigned long type = value & 0x0f;
		const char *t = type == 1 ? "shared" : type == 2 ? "private" : type == 3 ? "shared_validate" : NULL;
		n += t ? snprintf(buf, len, "%s", t) : type ? snprintf(buf, len, "%#lx", type) : 0;
		value &= ~0x0fUL;
	}
	if (fk->names == mpol_names) {       /* the mode is a value, the flags bits */
		unsigned long mode = value & 0xff;
		n += mode <= MMSIM_MPOL_WEIGHTED_INTERLEAVE ? snprintf(buf, len, "%s", mpol_names[mode].name)
							    : snprintf(buf, len, "%#lx", mode);
		value &= ~0xffUL;
	}
	for (const struct flag_name *f = fk->names; f->name && value; f++) {
		if (!f->value || (value & f->value) != f->value || !strcmp(f->name, "anon") ||
		    (fk->names == map_names && f->value <= 0x0f) || (fk->names == mpol_names && f->value <= 0xff))
			continue;
		n += snprintf(buf + (n < (int)len ? n : (int)len), n < (int)len ? len - (size_t)n : 0,
			      "%s%s", n ? "|" : "", f->name);
		value &= ~f->value;
	}
	if (value)
		n += snprintf(buf + (n < (int)len ? n : (int)len), n < (int)len ? len - (size_t)n : 0,
			      "%s%#lx", n ? "|" : "", value);
	if (!n)
		n = snprintf(buf, len, fk->names == prot_names ? "none" : "0");
	return n;
}
