/* sim/config.c — the simulator's machine configurations: presets and
 * `-o key=value` keys. */
#include "sim/sim.h"

#include "common.h"

#include "hw/presets.h"
#include "kernel/swap.h"

#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Parse an unsigned number with an optional binary K/M/G/T suffix (and an
 * optional "iB" or "B" after it). -EINVAL on anything else or overflow. */
static int parse_size(const char *s, uint64_t *out)
{
	return hw_parse_size(s, out);
}

/* Parse a decimal integer in [lo, hi]. */
static int parse_int(const char *s, long lo, long hi, long *out)
{
	char *end;
	errno = 0;
	long v = strtol(s, &end, 0);
	if (errno || end == s || *end || v < lo || v > hi)
		return -EINVAL;
	*out = v;
	return 0;
}

static int set_ram(mmsim_config *c, const char *v, char *eb, size_t el)
{
	uint64_t bytes;
	if (parse_size(v, &bytes)) {
		backend_errbuf(eb, el, "ram: '%s' is not a size (use bytes or a K/M/G/T suffix)", v);
		return -EINVAL;
	}
	const char *why = bytes < RAM_MIN_BYTES ? "is below the 16M minimum"
			  : bytes > RAM_MAX_BYTES ? "is above the 1T maximum"
			  : bytes % HW_PAGE_SIZE ? "is not a multiple of the 4096-byte page" : NULL;
	if (why) {
		backend_errbuf(eb, el, "ram: %s %s", v, why);
		return -EINVAL;
	}
	c->hw.ram_bytes = bytes;
	return 0;
}

static int set_cores(mmsim_config *c, const char *v, char *eb, size_t el)
{
	long n;
	if (parse_int(v, 1, MAX_CPUS, &n)) {
		backend_errbuf(eb, el, "cores: '%s' is not a number from 1 to %d", v, MAX_CPUS);
		return -EINVAL;
	}
	c->hw.nr_cpus = (int)n;
	return 0;
}

static int set_paging(mmsim_config *c, const char *v, char *eb, size_t el)
{
	long n;
	if (parse_int(v, 4, 5, &n)) {
		backend_errbuf(eb, el, "paging: '%s' must be 4 or 5 (levels of page tables)", v);
		return -EINVAL;
	}
	c->hw.paging_levels = (int)n;
	return 0;
}

static int set_min_free_kbytes(mmsim_config *c, const char *v, char *eb, size_t el)
{
	long n;
	if (parse_int(v, 0, 262144 * 4, &n)) {
		backend_errbuf(eb, el, "min_free_kbytes: '%s' is not a number from 0 (computed) to %d", v,
			   262144 * 4);
		return -EINVAL;
	}
	c->kernel.min_free_kbytes = (int)n;
	return 0;
}

static int set_seed(mmsim_config *c, const char *v, char *eb, size_t el)
{
	char *end;
	errno = 0;
	unsigned long long n = strtoull(v, &end, 0);
	if (errno || end == v || *end || *v == '-') {
		backend_errbuf(eb, el, "seed: '%s' is not an unsigned number", v);
		return -EINVAL;
	}
	c->seed = n;
	return 0;
}

static int set_aslr(mmsim_config *c, const char *v, char *eb, size_t el)
{
	long n;
	if (parse_int(v, 0, 2, &n)) {
		backend_errbuf(eb, el, "aslr: '%s' must be 0 (off, the setarch -R layout), 1 or 2 "
			   "(kernel.randomize_va_space)", v);
		return -EINVAL;
	}
	c->kernel.aslr = (int)n;
	return 0;
}

static int set_zero_page(mmsim_config *c, const char *v, char *eb, size_t el)
{
	long n;
	if (parse_int(v, 0, 1, &n)) {
		backend_errbuf(eb, el, "zero_page: '%s' must be 1 (read faults map the shared zero page) "
			   "or 0 (they get a fresh page)", v);
		return -EINVAL;
	}
	c->kernel.no_zero_page = !n;
	return 0;
}

/* transparent_hugepage/enabled: "madvise" (Linux's default) or "never".
 * The kernel has no huge pages yet, so the mode only decides smaps'
 * THPeligible; "always" would promise huge pages everywhere: refused. */
static int set_thp(mmsim_config *c, const char *v, char *eb, size_t el)
{
	if (strcmp(v, "always") && strcmp(v, "madvise") && strcmp(v, "never")) {
		backend_errbuf(eb, el, "thp: '%s' must be always, madvise or never", v);
		return -EINVAL;
	}
	c->kernel.thp_never = !strcmp(v, "never");
	c->kernel.thp_always = !strcmp(v, "always");
	return 0;
}

/* A kernel build option given as 0 or 1 into *off (true when 0). */
static int set_build_option(const char *key, const char *what, const char *v, bool *off, char *eb, size_t el)
{
	long n;
	if (parse_int(v, 0, 1, &n)) {
		backend_errbuf(eb, el, "%s: '%s' must be 1 (%s, the default) or 0 (a kernel built without it)", key, v,
			   what);
		return -EINVAL;
	}
	*off = !n;
	return 0;
}

static int set_soft_dirty(mmsim_config *c, const char *v, char *eb, size_t el)
{
	return set_build_option("soft_dirty", "CONFIG_MEM_SOFT_DIRTY", v, &c->kernel.no_soft_dirty, eb, el);
}

static int set_anon_vma_name(mmsim_config *c, const char *v, char *eb, size_t el)
{
	return set_build_option("anon_vma_name", "CONFIG_ANON_VMA_NAME", v, &c->kernel.no_anon_vma_name, eb, el);
}

/* CONFIG_LSM_MMAP_MIN_ADDR: the floor of hints and searches (mmap_min_addr
 * is the larger of it and vm.mmap_min_addr). */
static int set_lsm_mmap_min_addr(mmsim_config *c, const char *v, char *eb, size_t el)
{
	long n;
	if (parse_int(v, 0, INT_MAX, &n) || n % 4096) {
		backend_errbuf(eb, el, "lsm_mmap_min_addr: '%s' must be a multiple of 4096 from 0 to %d "
			   "(CONFIG_LSM_MMAP_MIN_ADDR, 65536 by default)", v, INT_MAX - 4095);
		return -EINVAL;
	}
	c->kernel.lsm_mmap_min_addr = (int)n;
	c->kernel.lsm_mmap_min_addr_set = true;
	return 0;
}

static int set_swap(mmsim_config *c, const char *v, char *eb, size_t el)
{
	uint64_t bytes;
	if (parse_size(v, &bytes) || bytes % HW_PAGE_SIZE || (bytes && (bytes < 8192 || bytes > (512ULL << 30)))) {
		backend_errbuf(eb, el, "swap: '%s' is not 0 (no swap) or a size from 8K to 512G, a multiple of 4096", v);
		return -EINVAL;
	}
	c->kernel.swap_bytes = bytes;
	return 0;
}

/* nr_hugepages / nr_hugepages_1g: the hugetlb pools made at boot (the
 * kernel command line's hugepages=N, hugepagesz=1G hugepages=N). */
static int set_hugepages(const char *key, const char *v, uint64_t *out, char *eb, size_t el)
{
	long n;
	if (parse_int(v, 0, 1L << 30, &n)) {
		backend_errbuf(eb, el, "%s: '%s' must be a number of huge pages from 0", key, v);
		return -EINVAL;
	}
	*out = (uint64_t)n;
	return 0;
}

static int set_nr_hugepages(mmsim_config *c, const char *v, char *eb, size_t el)
{
	return set_hugepages("nr_hugepages", v, &c->kernel.nr_hugepages[0], eb, el);
}

static int set_nr_hugepages_1g(mmsim_config *c, const char *v, char *eb, size_t el)
{
	return set_hugepages("nr_hugepages_1g", v, &c->kernel.nr_hugepages[1], eb, el);
}

/* The default swap device's cost, from its preset (nvme until set). */
static struct swap_device_cost *swap_cost(mmsim_config *c)
{
	if (!c->kernel.swap_cost.model)
		c->kernel.swap_cost = *swap_device_preset("nvme");
	return &c->kernel.swap_cost;
}

static int set_swap_device(mmsim_config *c, const char *v, char *eb, size_t el)
{
	const struct swap_device_cost *p = swap_device_preset(v);
	if (!p) {
		backend_errbuf(eb, el, "swap_device: '%s' must be nvme (the default), hdd or zram", v);
		return -EINVAL;
	}
	c->kernel.swap_cost = *p;
	return 0;
}

/* A cost field of the default swap device, from lo to hi. */
static int set_swap_cost(const char *key, uint32_t *field, long lo, const char *v, char *eb, size_t el)
{
	long n;
	if (parse_int(v, lo, UINT32_MAX, &n)) {
		backend_errbuf(eb, el, "%s: '%s' is not a number from %ld to %u", key, v, lo, UINT32_MAX);
		return -EINVAL;
	}
	*field = (uint32_t)n;
	return 0;
}

static int set_swap_read_ns(mmsim_config *c, const char *v, char *eb, size_t el)
{
	return set_swap_cost("swap_read_ns", &swap_cost(c)->read_ns, 0, v, eb, el);
}

static int set_swap_write_ns(mmsim_config *c, const char *v, char *eb, size_t el)
{
	return set_swap_cost("swap_write_ns", &swap_cost(c)->write_ns, 0, v, eb, el);
}

static int set_swap_mbps(mmsim_config *c, const char *v, char *eb, size_t el)
{
	return set_swap_cost("swap_mbps", &swap_cost(c)->mbps, 1, v, eb, el);
}

static int set_virt(mmsim_config *c, const char *v, char *eb, size_t el)
{
	if (!strcmp(v, "off") || !strcmp(v, "0"))
		c->virt = HW_VIRT_OFF;
	else if (!strcmp(v, "ept"))
		c->virt = HW_VIRT_EPT;
	else if (!strcmp(v, "npt"))
		c->virt = HW_VIRT_NPT;
	else {
		backend_errbuf(eb, el, "virt: '%s': use off, ept (Intel EPT) or npt (AMD nested paging)", v);
		return -EINVAL;
	}
	return 0;
}

static int set_host_ram(mmsim_config *c, const char *v, char *eb, size_t el)
{
	uint64_t bytes;
	if (parse_size(v, &bytes) || bytes < RAM_MIN_BYTES || bytes > RAM_MAX_BYTES || bytes % HW_PAGE_SIZE) {
		backend_errbuf(eb, el, "host_ram: '%s': give a size from 16M to 1T, a multiple of 4096 bytes", v);
		return -EINVAL;
	}
	c->host_ram = bytes;
	return 0;
}

/* The default device's cost as configured (the nvme preset unless set). */
static struct swap_device_cost swap_cost_of(const mmsim_config *c)
{
	return c->kernel.swap_cost.model ? c->kernel.swap_cost : *swap_device_preset("nvme");
}

static void get_swap_device(const mmsim_config *c, char *b, size_t n) { snprintf(b, n, "%s", swap_cost_of(c).model); }
static void get_swap_read_ns(const mmsim_config *c, char *b, size_t n) { snprintf(b, n, "%u", swap_cost_of(c).read_ns); }
static void get_swap_write_ns(const mmsim_config *c, char *b, size_t n) { snprintf(b, n, "%u", swap_cost_of(c).write_ns); }
static void get_swap_mbps(const mmsim_config *c, char *b, size_t n) { snprintf(b, n, "%u", swap_cost_of(c).mbps); }

/* The disk's cost (the swap presets; nvme until set), as swap_cost. */
static struct swap_device_cost *disk_cost(mmsim_config *c)
{
	if (!c->kernel.disk_cost.model)
		c->kernel.disk_cost = *swap_device_preset("nvme");
	return &c->kernel.disk_cost;
}

static struct swap_device_cost disk_cost_of(const mmsim_config *c)
{
	return c->kernel.disk_cost.model ? c->kernel.disk_cost : *swap_device_preset("nvme");
}

static int set_disk_device(mmsim_config *c, const char *v, char *eb, size_t el)
{
	const struct swap_device_cost *p = swap_device_preset(v);
	if (!p) {
		backend_errbuf(eb, el, "disk_device: '%s' must be nvme (the default), hdd or zram", v);
		return -EINVAL;
	}
	c->kernel.disk_cost = *p;
	return 0;
}

static int set_disk_read_ns(mmsim_config *c, const char *v, char *eb, size_t el)
{
	return set_swap_cost("disk_read_ns", &disk_cost(c)->read_ns, 0, v, eb, el);
}

static int set_disk_write_ns(mmsim_config *c, const char *v, char *eb, size_t el)
{
	return set_swap_cost("disk_write_ns", &disk_cost(c)->write_ns, 0, v, eb, el);
}

static int set_disk_mbps(mmsim_config *c, const char *v, char *eb, size_t el)
{
	return set_swap_cost("disk_mbps", &disk_cost(c)->mbps, 1, v, eb, el);
}

static int set_disk(mmsim_config *c, const char *v, char *eb, size_t el)
{
	uint64_t bytes;
	if (parse_size(v, &bytes) || bytes % HW_PAGE_SIZE || bytes < (16ULL << 20) || bytes > (1ULL << 40)) {
		backend_errbuf(eb, el, "disk: '%s' is not a size from 16M to 1T, a multiple of 4096", v);
		return -EINVAL;
	}
	c->kernel.disk_bytes = bytes;
	return 0;
}

static int set_read_ahead_kb(mmsim_config *c, const char *v, char *eb, size_t el)
{
	long n;
	if (parse_int(v, 0, 1L << 20, &n) || n % 4) {
		backend_errbuf(eb, el, "read_ahead_kb: '%s' is not a multiple of 4 from 0 to 1048576", v);
		return -EINVAL;
	}
	c->kernel.read_ahead_kb = n ? (unsigned)n : 0;
	c->kernel.no_readahead = !n;
	return 0;
}

static void get_disk_device(const mmsim_config *c, char *b, size_t n) { snprintf(b, n, "%s", disk_cost_of(c).model); }
static void get_disk_read_ns(const mmsim_config *c, char *b, size_t n) { snprintf(b, n, "%u", disk_cost_of(c).read_ns); }
static void get_disk_write_ns(const mmsim_config *c, char *b, size_t n) { snprintf(b, n, "%u", disk_cost_of(c).write_ns); }
static void get_disk_mbps(const mmsim_config *c, char *b, size_t n) { snprintf(b, n, "%u", disk_cost_of(c).mbps); }
static void get_read_ahead_kb(const mmsim_config *c, char *b, size_t n)
{
	snprintf(b, n, "%u", c->kernel.no_readahead ? 0 : c->kernel.read_ahead_kb ? c->kernel.read_ahead_kb : 128);
}

/* A size as the keys take it: G or M when exact, else bytes. */
static void format_size(uint64_t v, char *b, size_t n)
{
	if (v && !(v & ((1ULL << 30) - 1)))
		snprintf(b, n, "%" PRIu64 "G", v >> 30);
	else if (v && !(v & ((1ULL << 20) - 1)))
		snprintf(b, n, "%" PRIu64 "M", v >> 20);
	else
		snprintf(b, n, "%" PRIu64, v);
}

static void get_ram(const mmsim_config *c, char *b, size_t n)
{
	format_size(c->hw.ram_bytes, b, n);
}
/* memory_max: spawned processes run in cgroup /mmsim with this memory.max. */
static int set_memory_max(mmsim_config *c, const char *v, char *eb, size_t el)
{
	uint64_t bytes;
	if (parse_size(v, &bytes) || (bytes && bytes < HW_PAGE_SIZE)) {
		backend_errbuf(eb, el, "memory_max: '%s' is not 0 (no limit) or a size of a page or more", v);
		return -EINVAL;
	}
	c->kernel.memory_max = bytes;
	return 0;
}

static void get_memory_max(const mmsim_config *c, char *b, size_t n)
{
	format_size(c->kernel.memory_max, b, n);
}

static void get_swap(const mmsim_config *c, char *b, size_t n)
{
	format_size(c->kernel.swap_bytes, b, n);
}
static void get_disk(const mmsim_config *c, char *b, size_t n)
{
	format_size(c->kernel.disk_bytes ? c->kernel.disk_bytes : 512ULL << 20, b, n);
}

static void get_virt(const mmsim_config *c, char *b, size_t n)
{
	snprintf(b, n, "%s", c->virt == HW_VIRT_EPT ? "ept" : c->virt == HW_VIRT_NPT ? "npt" : "off");
}
static void get_host_ram(const mmsim_config *c, char *b, size_t n)
{
	format_size(c->host_ram ? c->host_ram : 64ULL << 20, b, n);
}
static void get_cores(const mmsim_config *c, char *b, size_t n) { snprintf(b, n, "%d", c->hw.nr_cpus); }
static void get_paging(const mmsim_config *c, char *b, size_t n) { snprintf(b, n, "%d", c->hw.paging_levels); }
static void get_mfk(const mmsim_config *c, char *b, size_t n) { snprintf(b, n, "%d", c->kernel.min_free_kbytes); }
static void get_seed(const mmsim_config *c, char *b, size_t n) { snprintf(b, n, "%" PRIu64, c->seed); }
static void get_aslr(const mmsim_config *c, char *b, size_t n) { snprintf(b, n, "%d", c->kernel.aslr); }
static void get_zero_page(const mmsim_config *c, char *b, size_t n) { snprintf(b, n, "%d", !c->kernel.no_zero_page); }
static void get_thp(const mmsim_config *c, char *b, size_t n)
{
	snprintf(b, n, c->kernel.thp_never ? "never" : c->kernel.thp_always ? "always" : "madvise");
}
static void get_soft_dirty(const mmsim_config *c, char *b, size_t n) { snprintf(b, n, "%d", !c->kernel.no_soft_dirty); }
static void get_anon_vma_name(const mmsim_config *c, char *b, size_t n) { snprintf(b, n, "%d", !c->kernel.no_anon_vma_name); }
static void get_lsm_mmap_min_addr(const mmsim_config *c, char *b, size_t n)
{
	snprintf(b, n, "%d", c->kernel.lsm_mmap_min_addr_set ? c->kernel.lsm_mmap_min_addr : 65536);
}

static void get_nr_hugepages(const mmsim_config *c, char *b, size_t n)
{
	snprintf(b, n, "%llu", (unsigned long long)c->kernel.nr_hugepages[0]);
}
static void get_nr_hugepages_1g(const mmsim_config *c, char *b, size_t n)
{
	snprintf(b, n, "%llu", (unsigned long long)c->kernel.nr_hugepages[1]);
}

static const struct config_key {
	const char *name;
	int (*set)(mmsim_config *c, const char *v, char *eb, size_t el);
	void (*get)(const mmsim_config *c, char *b, size_t n);
} keys[] = {
	{ "ram", set_ram, get_ram },
	{ "cores", set_cores, get_cores },
	{ "paging", set_paging, get_paging },
	{ "min_free_kbytes", set_min_free_kbytes, get_mfk },
	{ "seed", set_seed, get_seed },
	{ "aslr", set_aslr, get_aslr },
	{ "zero_page", set_zero_page, get_zero_page },
	{ "thp", set_thp, get_thp },
	{ "soft_dirty", set_soft_dirty, get_soft_dirty },
	{ "anon_vma_name", set_anon_vma_name, get_anon_vma_name },
	{ "swap", set_swap, get_swap },
	{ "swap_device", set_swap_device, get_swap_device },
	{ "swap_read_ns", set_swap_read_ns, get_swap_read_ns },
	{ "swap_write_ns", set_swap_write_ns, get_swap_write_ns },
	{ "swap_mbps", set_swap_mbps, get_swap_mbps },
	{ "lsm_mmap_min_addr", set_lsm_mmap_min_addr, get_lsm_mmap_min_addr },
	{ "disk", set_disk, get_disk },
	{ "disk_device", set_disk_device, get_disk_device },
	{ "disk_read_ns", set_disk_read_ns, get_disk_read_ns },
	{ "disk_write_ns", set_disk_write_ns, get_disk_write_ns },
	{ "disk_mbps", set_disk_mbps, get_disk_mbps },
	{ "read_ahead_kb", set_read_ahead_kb, get_read_ahead_kb },
	{ "memory_max", set_memory_max, get_memory_max },
	{ "virt", set_virt, get_virt },
	{ "host_ram", set_host_ram, get_host_ram },
	{ "nr_hugepages", set_nr_hugepages, get_nr_hugepages },
	{ "nr_hugepages_1g", set_nr_hugepages_1g, get_nr_hugepages_1g },
};
#define NR_KEYS ARRAY_SIZE(keys)

/* See mmsim.h. */
mmsim_config *mmsim_config_new(const char *preset, int *err)
{
	const struct hw_preset *p = hw_preset_find(preset ? preset : "default");
	mmsim_config *c;

	if (!p || !(c = calloc(1, sizeof *c))) {
		if (err)
			*err = p ? -ENOMEM : -ENOENT;
		return NULL;
	}
	c->hw = p->config;
	snprintf(c->preset, sizeof c->preset, "%s", p->name);
	if (err)
		*err = 0;
	return c;
}

/* See mmsim.h. */
void mmsim_config_free(mmsim_config *c)
{
	free(c);
}

/* See mmsim.h. Our keys first, then the hardware's. */
int mmsim_config_set(mmsim_config *c, const char *key, const char *value, char *eb, size_t el)
{
	for (size_t i = 0; i < NR_KEYS; i++)
		if (!strcmp(key, keys[i].name))
			return keys[i].set(c, value, eb, el);
	int err = hw_config_set(&c->hw, key, value, eb, el);
	if (err == -ENOENT)
		backend_errbuf(eb, el, "unknown configuration key '%s'", key);
	return err;
}

/* See mmsim.h. */
int mmsim_config_get(const mmsim_config *c, const char *key, char *buf, size_t len)
{
	for (size_t i = 0; i < NR_KEYS; i++)
		if (!strcmp(key, keys[i].name)) {
			keys[i].get(c, buf, len);
			return 0;
		}
	return hw_config_get(&c->hw, key, buf, len);
}

/* See mmsim.h. */
const char *mmsim_config_key(size_t i)
{
	return i < NR_KEYS ? keys[i].name : hw_config_key(i - NR_KEYS);
}

/* See mmsim.h. */
const char *mmsim_preset_name(size_t i)
{
	const struct hw_preset *p = hw_preset_at(i);
	return p ? p->name : NULL;
}

/* See mmsim.h. */
const char *mmsim_preset_description(size_t i)
{
	const struct hw_preset *p = hw_preset_at(i);
	return p ? p->description : NULL;
}

/* See mmsim.h. */
int mmsim_preset_describe(const char *name, char *buf, size_t len)
{
	const struct hw_preset *p = hw_preset_find(name);
	return p ? hw_preset_describe(p, buf, len) : -ENOENT;
}

/* See sim.h. */
int sim_config_get(const mmsim_machine *m, const char *key, char *buf, size_t len)
{
	return mmsim_config_get(&sim_machine_const(m)->config, key, buf, len);
}
