/* hw/config.c — the key=value interface to struct hw_config, and its checks. */
#include "hw/config.h"

#include "common.h"
#include "hw/numa.h"
#include "hw/ram.h"
#include "hw/storebuf.h"

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const tlb_names[HW_NR_TLBS] = {
	"itlb", "itlb2m", "dtlb4k", "dtlb2m", "dtlb1g", "stlb", "stlb1g",
};
static const char *const pwc_names[HW_NR_PWCS] = {
	"pwc.pde", "pwc.pdpte", "pwc.pml4e", "pwc.pml5e",
};
static const char *const cache_names[HW_NR_CACHES] = { "l1d", "l1i", "l2", "l3" };

/* The values of the keys that take a name, in their enum's order. */
static const char *const tlb_repl_names[] = { "lru", "plru", NULL };
static const char *const cache_repl_names[] = { "lru", "plru", "rrip", NULL };
static const char *const l3_policy_names[] = { "inclusive", "nine", "exclusive", NULL };
static const char *const protocol_names[] = { "mesi", "moesi", "mesif", NULL };
static const char *const model_names[] = { "hierarchy", "flat", NULL };

/* See config.h. */
const char *hw_tlb_name(enum hw_tlb_id id)
{
	return (unsigned)id < HW_NR_TLBS ? tlb_names[id] : "?";
}

/* See config.h. */
const char *hw_pwc_name(enum hw_pwc_id id)
{
	return (unsigned)id < HW_NR_PWCS ? pwc_names[id] : "?";
}

/* See config.h. */
const char *hw_cache_name(enum hw_cache_id id)
{
	return (unsigned)id < HW_NR_CACHES ? cache_names[id] : "?";
}

/* See config.h. */
enum hw_tlb_level hw_tlb_level_of(enum hw_tlb_id id)
{
	if (id <= HW_TLB_ITLB2M)
		return HW_L1I;
	return id <= HW_TLB_DTLB1G ? HW_L1D : HW_L2;
}

/* See config.h. The PDE cache holds PDEs, which sit in page directories. */
int hw_pwc_level(enum hw_pwc_id id)
{
	return HW_LVL_PD + (int)id;
}

/* ---- the key table ------------------------------------------------------ */

/* K_ENUM: one of names, stored as its index in a byte; K_BYTES: a size
 * in bytes with an optional K or M suffix, stored as a uint32_t. */
enum key_type { K_U32, K_BOOL, K_ENUM, K_SIZES, K_BYTES, K_NODE_MEM, K_NODE_CPUS, K_NODE_DISTANCE, K_NODES };

struct key {
	const char *name;
	enum key_type type;
	size_t off;
	uint32_t lo, hi;        /* K_U32 and K_BYTES range */
	const char *const *names;       /* K_ENUM: the values, NULL-terminated */
};

#define OFF(field) offsetof(struct hw_config, field)
#define KEY(nm, t, field, l, h) { .name = (nm), .type = (t), .off = OFF(field), .lo = (l), .hi = (h) }
#define ENUM_KEY(nm, field, list) { .name = (nm), .type = K_ENUM, .off = OFF(field), .names = (list) }
#define GEOM(arr, i, nm)                                                   \
	KEY(nm ".entries", K_U32, arr[i].entries, 0, HW_MAX_ENTRIES),     \
	KEY(nm ".ways", K_U32, arr[i].ways, 0, HW_MAX_WAYS),              \
	ENUM_KEY(nm ".repl", arr[i].repl, tlb_repl_names)
#define TLB(i, nm) GEOM(tlb, i, nm), KEY(nm ".sizes", K_SIZES, tlb[i].sizes, 0, 0)
#define LAT(f) KEY("lat." #f, K_U32, lat.f, 0, HW_MAX_LATENCY)
#define CACHE(i, nm)                                                             \
	KEY(nm ".size", K_BYTES, mem.cache[i].size, 0, HW_MAX_CACHE_SIZE),      \
	KEY(nm ".ways", K_U32, mem.cache[i].ways, 0, HW_MAX_WAYS),              \
	ENUM_KEY(nm ".repl", mem.cache[i].repl, cache_repl_names)

static const struct key keys[] = {
	KEY("maxphyaddr", K_U32, maxphyaddr, HW_MAXPHYADDR_MIN, HW_MAXPHYADDR_MAX),
	KEY("pcid", K_BOOL, pcid, 0, 1),
	KEY("tlb.rewalk_stale", K_BOOL, rewalk_stale, 0, 1),
	TLB(HW_TLB_ITLB, "itlb"), TLB(HW_TLB_ITLB2M, "itlb2m"),
	TLB(HW_TLB_DTLB4K, "dtlb4k"), TLB(HW_TLB_DTLB2M, "dtlb2m"), TLB(HW_TLB_DTLB1G, "dtlb1g"),
	TLB(HW_TLB_STLB, "stlb"), TLB(HW_TLB_STLB1G, "stlb1g"),
	GEOM(pwc, HW_PWC_PDE, "pwc.pde"), GEOM(pwc, HW_PWC_PDPTE, "pwc.pdpte"),
	GEOM(pwc, HW_PWC_PML4E, "pwc.pml4e"), GEOM(pwc, HW_PWC_PML5E, "pwc.pml5e"),
	LAT(l1_hit), LAT(stlb_hit), LAT(pwc_hit), LAT(walk_ref),
	LAT(invlpg), LAT(invpcid), LAT(mov_cr3), LAT(ipi),
	LAT(vmentry), LAT(vmexit),
	/* the memory hierarchy (appended: the keys above keep their order) */
	KEY("caches", K_BOOL, mem.on, 0, 1),
	ENUM_KEY("lat.model", mem.model, model_names),
	CACHE(HW_CACHE_L1D, "l1d"), CACHE(HW_CACHE_L1I, "l1i"), CACHE(HW_CACHE_L2, "l2"), CACHE(HW_CACHE_L3, "l3"),
	KEY("l3.cores", K_U32, mem.l3_cores, 0, HW_MAX_MEM_CPUS),
	ENUM_KEY("l3.policy", mem.l3_policy, l3_policy_names),
	ENUM_KEY("coherence", mem.protocol, protocol_names),
	LAT(l1d), LAT(l1i), LAT(l2), LAT(l3), LAT(c2c), LAT(remote), LAT(dram),
	KEY("dram.channels", K_U32, mem.dram.channels, 0, HW_MAX_DRAM_CHANNELS),
	KEY("dram.ranks", K_U32, mem.dram.ranks, 0, HW_MAX_DRAM_RANKS),
	KEY("dram.banks", K_U32, mem.dram.banks, 0, HW_MAX_DRAM_BANKS),
	KEY("dram.row", K_BYTES, mem.dram.row, 0, 1u << 20),
	KEY("dram.interleave", K_BYTES, mem.dram.interleave, 0, 1u << 20),
	LAT(tcas), LAT(trcd), LAT(trp),
	KEY("sb.entries", K_U32, sb_entries, 0, HW_SB_MAX_ENTRIES),
	KEY("mmu.one_at_a_time", K_BOOL, one_at_a_time, 0, 1),
	KEY("l3.others", K_U32, mem.l3_others, 0, HW_MAX_MEM_CPUS - 1),
	KEY("l3.others_gap", K_U32, mem.l3_others_gap, 0, 1000000),
	KEY("lfb.entries", K_U32, mem.lfb_entries, 0, HW_MAX_LFB),
	KEY("dram.burst", K_U32, mem.dram.burst, 0, 100000),
	/* NUMA (hw/numa.h) */
	KEY("nodes", K_NODES, numa.nodes, 1, HW_MAX_NODES),
	KEY("node.mem", K_NODE_MEM, numa, 0, 0),
	KEY("node.cpus", K_NODE_CPUS, numa, 0, 0),
	KEY("node.distance", K_NODE_DISTANCE, numa, 0, 0),
};
#define NR_KEYS ARRAY_SIZE(keys)

static const struct key *find_key(const char *name)
{
	for (size_t i = 0; i < NR_KEYS; i++)
		if (!strcmp(keys[i].name, name))
			return &keys[i];
	return NULL;
}

static void errf(char *err, size_t len, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* Format into err when the caller gave a buffer. */
static void errf(char *err, size_t len, const char *fmt, ...)
{
	if (!err || !len)
		return;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(err, len, fmt, ap);
	va_end(ap);
}

/* ---- parsing values ---------------------------------------------------- */

/* Parse a decimal number in [lo, hi]; -EINVAL otherwise. */
static int parse_u32(const char *s, uint32_t lo, uint32_t hi, uint32_t *out)
{
	char *end;
	if (!*s || *s == '-' || *s == '+')
		return -EINVAL;
	errno = 0;
	unsigned long long v = strtoull(s, &end, 10);
	if (errno || *end || v < lo || v > hi)
		return -EINVAL;
	*out = (uint32_t)v;
	return 0;
}

/* Parse a comma-separated list of page sizes ("4k,2m,1g") into a mask;
 * "none" is the empty list of an absent structure. */
static int parse_sizes(const char *s, uint8_t *out)
{
	static const char *const names[HW_NR_PSIZES] = { "4k", "2m", "1g" };
	uint8_t mask = 0;
	if (!strcmp(s, "none")) {
		*out = 0;
		return 0;
	}
	while (*s) {
		size_t n = strcspn(s, ",");
		int found = -1;
		for (int i = 0; i < HW_NR_PSIZES; i++)
			if (n == 2 && !strncmp(s, names[i], 2))
				found = i;
		if (found < 0)
			return -EINVAL;
		mask |= (uint8_t)HW_SIZE_BIT(found);
		s += n + (s[n] == ',');
	}
	*out = mask;
	return mask ? 0 : -EINVAL;
}

/* The index of v in the NULL-terminated names, or -1. */
static int parse_enum(const char *v, const char *const *names)
{
	for (int i = 0; names[i]; i++)
		if (!strcmp(v, names[i]))
			return i;
	return -1;
}

/* Parse a byte count with an optional K or M suffix (binary) in [lo, hi]. */
static int parse_bytes(const char *s, uint32_t lo, uint32_t hi, uint32_t *out)
{
	char num[24];
	size_t n = strlen(s);
	unsigned shift = 0;
	if (n && (s[n - 1] == 'K' || s[n - 1] == 'k' || s[n - 1] == 'M' || s[n - 1] == 'm')) {
		shift = s[n - 1] == 'K' || s[n - 1] == 'k' ? 10 : 20;
		n--;
	}
	if (!n || n >= sizeof num)
		return -EINVAL;
	memcpy(num, s, n);
	num[n] = '\0';
	uint32_t v;
	if (parse_u32(num, 0, UINT32_MAX >> shift, &v) || (v << shift) < lo || (v << shift) > hi)
		return -EINVAL;
	*out = v << shift;
	return 0;
}

/* See config.h. */
int hw_parse_size(const char *s, uint64_t *out)
{
	char *end;
	if (!*s || *s == '-')
		return -EINVAL;
	errno = 0;
	uint64_t v = strtoull(s, &end, 0);
	if (errno || end == s)
		return -EINVAL;
	unsigned shift = 0;
	switch (*end) {
	case 'K': case 'k': shift = 10; end++; break;
	case 'M': case 'm': shift = 20; end++; break;
	case 'G': case 'g': shift = 30; end++; break;
	case 'T': case 't': shift = 40; end++; break;
	}
	if (shift && (!strcmp(end, "iB") || !strcmp(end, "B")))
		end += strlen(end);
	if (*end || (shift && v > (UINT64_MAX >> shift)))
		return -EINVAL;
	*out = v << shift;
	return 0;
}

/* "a, b or c": the names of an enum key, for its error message. */
static void join_names(const char *const *names, char *buf, size_t len)
{
	size_t at = 0;
	buf[0] = '\0';
	for (int i = 0; names[i] && at < len; i++)
		at += (size_t)snprintf(buf + at, len - at, "%s%s", i ? (names[i + 1] ? ", " : " or ") : "", names[i]);
}

/* Store a parsed value of k's type into c; -EINVAL with a message if bad. */
static int set_value(struct hw_config *c, const struct key *k, const char *v, char *err, size_t len)
{
	uint8_t *field = (uint8_t *)c + k->off;
	uint32_t n;
	uint8_t sizes;
	int e;
	char list[64];
	switch (k->type) {
	case K_U32:
		if (parse_u32(v, k->lo, k->hi, &n))
			break;
		memcpy(field, &n, sizeof n);
		return 0;
	case K_BOOL:
		if (parse_u32(v, 0, 1, &n))
			break;
		*(bool *)field = n;
		return 0;
	case K_ENUM:
		if ((e = parse_enum(v, k->names)) < 0)
			break;
		*field = (uint8_t)e;
		return 0;
	case K_SIZES:
		if (parse_sizes(v, &sizes))
			break;
		*field = sizes;
		return 0;
	case K_BYTES:
		if (parse_bytes(v, k->lo, k->hi, &n))
			break;
		memcpy(field, &n, sizeof n);
		return 0;
	case K_NODES:                /* one node is stored as 0, as presets leave it */
		if (parse_u32(v, k->lo, k->hi, &n))
			break;
		c->numa.nodes = n == 1 ? 0 : n;
		return 0;
	case K_NODE_MEM:
		return hw_numa_parse_mem(&c->numa, v, err, len);
	case K_NODE_CPUS:
		return hw_numa_parse_cpus(&c->numa, v, err, len);
	case K_NODE_DISTANCE:
		return hw_numa_parse_distance(&c->numa, v, err, len);
	}
	if (k->type == K_U32 || k->type == K_NODES)
		errf(err, len, "%s: '%s' is not a number from %" PRIu32 " to %" PRIu32, k->name, v, k->lo, k->hi);
	else if (k->type == K_BOOL)
		errf(err, len, "%s: '%s' must be 0 or 1", k->name, v);
	else if (k->type == K_ENUM) {
		join_names(k->names, list, sizeof list);
		errf(err, len, "%s: '%s' must be %s", k->name, v, list);
	} else if (k->type == K_BYTES)
		errf(err, len, "%s: '%s' is not a size in bytes (a number, or with a K or M suffix) up to %" PRIu32
		     "M", k->name, v, k->hi >> 20);
	else
		errf(err, len, "%s: '%s' must be a comma-separated list of 4k, 2m, 1g (or none)", k->name, v);
	return -EINVAL;
}

/* See config.h. */
int hw_config_set(struct hw_config *c, const char *key, const char *value, char *err, size_t errlen)
{
	const struct key *k = find_key(key);
	if (!k) {
		errf(err, errlen, "unknown hardware key '%s'", key);
		return -ENOENT;
	}
	return set_value(c, k, value, err, errlen);
}

/* Render a size mask as "4k,2m,1g" ("none" when empty). */
static void render_sizes(uint8_t mask, char *buf, size_t len)
{
	static const char *const names[HW_NR_PSIZES] = { "4k", "2m", "1g" };
	size_t at = 0;
	snprintf(buf, len, "none");
	for (int i = 0; i < HW_NR_PSIZES && at < len; i++)
		if (mask & HW_SIZE_BIT(i))
			at += (size_t)snprintf(buf + at, len - at, "%s%s", at ? "," : "", names[i]);
}

/* See config.h. */
int hw_config_get(const struct hw_config *c, const char *key, char *buf, size_t len)
{
	const struct key *k = find_key(key);
	if (!k)
		return -ENOENT;
	if (!len)
		return 0;
	const uint8_t *field = (const uint8_t *)c + k->off;
	uint32_t n;
	switch (k->type) {
	case K_U32:
		memcpy(&n, field, sizeof n);
		snprintf(buf, len, "%" PRIu32, n);
		break;
	case K_BOOL:
		snprintf(buf, len, "%d", *(const bool *)field ? 1 : 0);
		break;
	case K_ENUM:
		snprintf(buf, len, "%s", k->names[*field]);
		break;
	case K_SIZES:
		render_sizes(*field, buf, len);
		break;
	case K_BYTES:
		memcpy(&n, field, sizeof n);
		if (n && !(n & ((1u << 20) - 1)))
			snprintf(buf, len, "%" PRIu32 "M", n >> 20);
		else if (n && !(n & ((1u << 10) - 1)))
			snprintf(buf, len, "%" PRIu32 "K", n >> 10);
		else
			snprintf(buf, len, "%" PRIu32, n);
		break;
	case K_NODES:
		snprintf(buf, len, "%" PRIu32, c->numa.nodes ? c->numa.nodes : 1);
		break;
	case K_NODE_MEM:
		hw_numa_render_mem(&c->numa, buf, len);
		break;
	case K_NODE_CPUS:
		hw_numa_render_cpus(&c->numa, buf, len);
		break;
	case K_NODE_DISTANCE:
		hw_numa_render_distance(&c->numa, buf, len);
		break;
	}
	return 0;
}

/* See config.h. */
const char *hw_config_key(size_t i)
{
	return i < NR_KEYS ? keys[i].name : NULL;
}

/* ---- validation --------------------------------------------------------- */

static bool is_pow2(uint64_t v)
{
	return v && !(v & (v - 1));
}

/* Check one structure's geometry; name is its key prefix. */
static int validate_geom(const struct hw_geom *g, const char *name, bool tlb, char *err, size_t len)
{
	if (!g->entries)
		return 0;
	if (!g->ways || g->ways > g->entries || g->entries % g->ways) {
		errf(err, len, "%s: %" PRIu32 " ways do not divide %" PRIu32 " entries",
		     name, g->ways, g->entries);
		return -EINVAL;
	}
	if (!is_pow2(g->entries / g->ways)) {
		errf(err, len, "%s: %" PRIu32 " entries / %" PRIu32 " ways = %" PRIu32
		     " sets, which is not a power of two", name, g->entries, g->ways, g->entries / g->ways);
		return -EINVAL;
	}
	if (g->repl == HW_REPL_PLRU && (!is_pow2(g->ways) || g->ways > HW_MAX_PLRU_WAYS)) {
		errf(err, len, "%s: tree-PLRU needs a power-of-two number of ways up to %d, not %" PRIu32
		     " (use repl=lru)", name, HW_MAX_PLRU_WAYS, g->ways);
		return -EINVAL;
	}
	if (g->repl > HW_REPL_PLRU || (tlb && (!g->sizes || (g->sizes & ~HW_SIZES_ALL)))) {
		errf(err, len, "%s: bad replacement policy or page-size list", name);
		return -EINVAL;
	}
	return 0;
}

/* Check the machine-wide fields. */
static int validate_machine(const struct hw_config *c, char *err, size_t len)
{
	if (c->maxphyaddr < HW_MAXPHYADDR_MIN || c->maxphyaddr > HW_MAXPHYADDR_MAX) {
		errf(err, len, "maxphyaddr: %u is outside %d..%d", c->maxphyaddr,
		     HW_MAXPHYADDR_MIN, HW_MAXPHYADDR_MAX);
		return -EINVAL;
	}
	if (c->paging_levels != 4 && c->paging_levels != 5) {
		errf(err, len, "paging: %d levels; x86-64 has 4 or 5", c->paging_levels);
		return -EINVAL;
	}
	if (c->nr_cpus < 1 || c->nr_cpus > HW_MAX_CPUS) {
		errf(err, len, "cores: %d is outside 1..%d", c->nr_cpus, HW_MAX_CPUS);
		return -EINVAL;
	}
	if (c->ram_bytes < RAM_MIN_BYTES || c->ram_bytes > RAM_MAX_BYTES || c->ram_bytes % HW_PAGE_SIZE ||
	    c->ram_bytes > (1ULL << c->maxphyaddr)) {
		errf(err, len, "ram: %" PRIu64 " bytes must be a multiple of 4096 from 16M to 1T and fit "
		     "in maxphyaddr=%u bits of physical address", c->ram_bytes, c->maxphyaddr);
		return -EINVAL;
	}
	return 0;
}

/* Check one cache level's geometry (64-byte lines); name is its key prefix. */
static int validate_cache(const struct hw_cache_geom *g, const char *name, char *err, size_t len)
{
	uint32_t lines = g->size / HW_LINE_SIZE;
	if (!g->size)
		return 0;
	if (g->size % HW_LINE_SIZE || !g->ways || g->ways > lines || lines % g->ways) {
		errf(err, len, "%s: %" PRIu32 " ways do not divide %" PRIu32 " bytes into 64-byte lines",
		     name, g->ways, g->size);
		return -EINVAL;
	}
	if (!is_pow2(lines / g->ways)) {
		errf(err, len, "%s: %" PRIu32 " bytes / 64 / %" PRIu32 " ways = %" PRIu32
		     " sets, which is not a power of two", name, g->size, g->ways, lines / g->ways);
		return -EINVAL;
	}
	if (g->repl == HW_REPL_PLRU && (!is_pow2(g->ways) || g->ways > HW_MAX_PLRU_WAYS)) {
		errf(err, len, "%s: tree-PLRU needs a power-of-two number of ways up to %d, not %" PRIu32
		     " (use repl=lru or rrip)", name, HW_MAX_PLRU_WAYS, g->ways);
		return -EINVAL;
	}
	if (g->repl > HW_REPL_RRIP) {
		errf(err, len, "%s: bad replacement policy", name);
		return -EINVAL;
	}
	return 0;
}

/* Check the DRAM geometry: absent (0 channels), or every count and size a
 * power of two, the interleave from a line to a row. */
static int validate_dram(const struct hw_dram_geom *d, char *err, size_t len)
{
	if (!d->channels)
		return 0;
	if (!is_pow2(d->channels) || !is_pow2(d->ranks) || !is_pow2(d->banks) || !is_pow2(d->row) ||
	    !is_pow2(d->interleave) || d->row < HW_LINE_SIZE || d->interleave < HW_LINE_SIZE ||
	    d->interleave > d->row) {
		errf(err, len, "dram: channels %" PRIu32 ", ranks %" PRIu32 ", banks %" PRIu32 ", row %" PRIu32
		     ", interleave %" PRIu32 ": each must be a power of two, the interleave from 64 bytes to a row",
		     d->channels, d->ranks, d->banks, d->row, d->interleave);
		return -EINVAL;
	}
	return 0;
}

/* Check l3.others: busy cores outside the machine fit in an L3 beside the
 * machine's cores that share it, and leave the machine a way of each set
 * (a power-of-two number of them under tree-PLRU). */
static int validate_l3_others(const struct hw_config *c, char *err, size_t len)
{
	const struct hw_mem_config *m = &c->mem;
	uint32_t mine = m->l3_cores && m->l3_cores < (uint32_t)c->nr_cpus ? m->l3_cores : (uint32_t)c->nr_cpus;
	if (!m->l3_others)
		return 0;
	if (!m->cache[HW_CACHE_L3].size || !m->l3_cores || mine + m->l3_others > m->l3_cores) {
		errf(err, len, "l3.others: %" PRIu32 " cores outside the machine and %" PRIu32
		     " of its own do not fit in an L3 of l3.cores = %" PRIu32 " (l3.size %" PRIu32 ")",
		     m->l3_others, mine, m->l3_cores, m->cache[HW_CACHE_L3].size);
		return -EINVAL;
	}
	uint32_t ways = hw_l3_ways_left(m);
	if (!ways || (m->cache[HW_CACHE_L3].repl == HW_REPL_PLRU && !is_pow2(ways))) {
		errf(err, len, "l3.others: %" PRIu32 " of %" PRIu32 " cores leave the machine %" PRIu32
		     " of the L3's %" PRIu32 " ways (it needs at least one; a power of two under plru)",
		     m->l3_others, m->l3_cores, ways, m->cache[HW_CACHE_L3].ways);
		return -EINVAL;
	}
	return 0;
}

/* See config.h. */
uint32_t hw_l3_ways_left(const struct hw_mem_config *m)
{
	uint32_t ways = m->cache[HW_CACHE_L3].ways;
	if (m->l3_others_gap)
		return ways;
	return m->l3_cores && m->l3_others < m->l3_cores ? ways * (m->l3_cores - m->l3_others) / m->l3_cores : ways;
}

/* Check the memory hierarchy: each level's geometry; with caches on, the
 * levels every core needs and a core count the directory can track. */
static int validate_mem(const struct hw_config *c, char *err, size_t len)
{
	const struct hw_mem_config *m = &c->mem;
	for (int i = 0; i < HW_NR_CACHES; i++)
		if (validate_cache(&m->cache[i], cache_names[i], err, len))
			return -EINVAL;
	if (validate_dram(&m->dram, err, len))
		return -EINVAL;
	if (m->model > HW_LAT_FLAT || m->l3_policy > HW_L3_EXCLUSIVE || m->protocol > HW_MESIF) {
		errf(err, len, "lat.model, l3.policy or coherence: out of range");
		return -EINVAL;
	}
	if (validate_l3_others(c, err, len))
		return -EINVAL;
	if (!m->on)
		return 0;
	for (int i = 0; i < HW_CACHE_L3; i++)
		if (!m->cache[i].size) {
			errf(err, len, "caches=1 needs an %s (%s.size is 0); only the L3 may be absent", cache_names[i],
			     cache_names[i]);
			return -EINVAL;
		}
	if (c->nr_cpus > HW_MAX_MEM_CPUS) {
		errf(err, len, "caches=1: %d cores; the coherence directory tracks at most %d", c->nr_cpus,
		     HW_MAX_MEM_CPUS);
		return -EINVAL;
	}
	return 0;
}

/* See config.h. */
int hw_config_validate(const struct hw_config *c, char *err, size_t errlen)
{
	int rc = validate_machine(c, err, errlen);
	if (!rc)
		rc = validate_mem(c, err, errlen);
	for (int i = 0; !rc && i < HW_NR_TLBS; i++)
		rc = validate_geom(&c->tlb[i], tlb_names[i], true, err, errlen);
	for (int i = 0; !rc && i < HW_NR_PWCS; i++)
		rc = validate_geom(&c->pwc[i], pwc_names[i], false, err, errlen);
	if (!rc) {
		struct hw_numa numa;
		rc = hw_numa_resolve(&numa, c, err, errlen);
	}
	return rc;
}
