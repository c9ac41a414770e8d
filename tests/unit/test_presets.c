/* Presets and the key=value configuration interface. */
#include <criterion/criterion.h>

#include "hw/presets.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void every_preset_validates_and_has_sources(void)
{
	char err[256];
	size_t n = 0;
	for (const struct hw_preset *p; (p = hw_preset_at(n)); n++) {
		err[0] = '\0';
		cr_assert_eq(hw_config_validate(&p->config, err, sizeof err), 0, "%s: %s", p->name, err);
		cr_assert(strlen(p->description) > 10);
		cr_assert(strlen(p->sources) > 10);
		cr_assert_eq(hw_preset_find(p->name), p);
	}
	cr_assert_geq(n, 4);
	cr_assert_null(hw_preset_find("pentium"));
	cr_assert_null(hw_preset_find(NULL));
}

static void default_is_a_4g_two_core_four_level_intel_machine(void)
{
	const struct hw_preset *p = hw_preset_at(0);
	cr_assert_str_eq(p->name, "default");
	cr_assert_eq(p->config.ram_bytes, 4ULL << 30);
	cr_assert_eq(p->config.nr_cpus, 2);
	cr_assert_eq(p->config.paging_levels, 4);
	cr_assert_eq(p->config.maxphyaddr, 46);
	cr_assert(p->config.pcid);
	cr_assert_eq(hw_preset_find("sapphire-rapids")->config.paging_levels, 5);
	cr_assert_eq(hw_preset_find("teaching")->config.ram_bytes, 64ULL << 20);
	cr_assert_eq(hw_preset_find("zen4")->config.tlb[HW_TLB_DTLB4K].entries, 72);
}

static void every_key_round_trips(void)
{
	struct hw_config c = hw_preset_find("default")->config;
	char v[64], back[64];
	size_t n = 0;
	for (const char *k; (k = hw_config_key(n)); n++) {
		cr_assert_eq(hw_config_get(&c, k, v, sizeof v), 0, "%s", k);
		cr_assert_eq(hw_config_set(&c, k, v, NULL, 0), 0, "%s=%s", k, v);
		hw_config_get(&c, k, back, sizeof back);
		cr_assert_str_eq(v, back);
	}
	cr_assert_gt(n, 40);
	cr_assert_eq(memcmp(&c, &hw_preset_find("default")->config, sizeof c), 0);
	cr_assert_eq(hw_config_set(&c, "stlb1g.sizes", "none", NULL, 0), 0);
	hw_config_get(&c, "stlb1g.sizes", v, sizeof v);
	cr_assert_str_eq(v, "none");
}

static void overriding_keys_changes_the_config(void)
{
	struct hw_config c = hw_preset_find("default")->config;
	char v[64];
	cr_assert_eq(hw_config_set(&c, "dtlb4k.entries", "128", NULL, 0), 0);
	cr_assert_eq(hw_config_set(&c, "dtlb4k.ways", "8", NULL, 0), 0);
	cr_assert_eq(hw_config_set(&c, "dtlb4k.repl", "plru", NULL, 0), 0);
	cr_assert_eq(hw_config_set(&c, "stlb.sizes", "2m,4k", NULL, 0), 0);
	cr_assert_eq(hw_config_set(&c, "pwc.pde.entries", "64", NULL, 0), 0);
	cr_assert_eq(hw_config_set(&c, "lat.walk_ref", "40", NULL, 0), 0);
	cr_assert_eq(hw_config_set(&c, "maxphyaddr", "52", NULL, 0), 0);
	cr_assert_eq(hw_config_set(&c, "pcid", "0", NULL, 0), 0);
	cr_assert_eq(c.tlb[HW_TLB_DTLB4K].entries, 128);
	cr_assert_eq(c.tlb[HW_TLB_DTLB4K].ways, 8);
	cr_assert_eq(c.tlb[HW_TLB_DTLB4K].repl, HW_REPL_PLRU);
	cr_assert_eq(c.tlb[HW_TLB_STLB].sizes, HW_SIZE_BIT(HW_PS_4K) | HW_SIZE_BIT(HW_PS_2M));
	cr_assert_eq(c.pwc[HW_PWC_PDE].entries, 64);
	cr_assert_eq(c.lat.walk_ref, 40);
	cr_assert_eq(c.maxphyaddr, 52);
	cr_assert_not(c.pcid);
	hw_config_get(&c, "stlb.sizes", v, sizeof v);
	cr_assert_str_eq(v, "4k,2m");
	cr_assert_eq(hw_config_validate(&c, NULL, 0), 0);
}

static void a_bad_key_or_value_is_refused_with_a_message_naming_it(void)
{
	struct hw_config c = hw_preset_find("default")->config, orig = c;
	char err[256];
	cr_assert_eq(hw_config_set(&c, "dtlb.entries", "64", err, sizeof err), -ENOENT);
	cr_assert(strstr(err, "dtlb.entries"), "%s", err);
	cr_assert_eq(hw_config_get(&c, "nope", err, sizeof err), -ENOENT);
	cr_assert_eq(hw_config_set(&c, "dtlb4k.ways", "lots", err, sizeof err), -EINVAL);
	cr_assert(strstr(err, "dtlb4k.ways") && strstr(err, "0 to 128"), "%s", err);
	cr_assert_eq(hw_config_set(&c, "maxphyaddr", "60", err, sizeof err), -EINVAL);
	cr_assert(strstr(err, "maxphyaddr") && strstr(err, "36 to 52"), "%s", err);
	cr_assert_eq(hw_config_set(&c, "stlb.repl", "random", err, sizeof err), -EINVAL);
	cr_assert(strstr(err, "lru or plru"), "%s", err);
	cr_assert_eq(hw_config_set(&c, "itlb.sizes", "4k,8k", err, sizeof err), -EINVAL);
	cr_assert(strstr(err, "itlb.sizes"), "%s", err);
	cr_assert_eq(hw_config_set(&c, "itlb.sizes", "", err, sizeof err), -EINVAL);
	cr_assert_eq(hw_config_set(&c, "pcid", "2", err, sizeof err), -EINVAL);
	cr_assert_eq(hw_config_set(&c, "lat.l1_hit", "-1", err, sizeof err), -EINVAL);
	cr_assert_eq(hw_config_set(&c, "stlb.entries", "12x", err, sizeof err), -EINVAL);
	cr_assert_eq(memcmp(&c, &orig, sizeof c), 0, "refused values change nothing");
}

/* Validate c after setting key=value, expecting a message with needle. */
static void invalid(const char *key, const char *value, const char *needle)
{
	struct hw_config c = hw_preset_find("default")->config;
	char err[256] = "";
	cr_assert_eq(hw_config_set(&c, key, value, NULL, 0), 0);
	cr_assert_eq(hw_config_validate(&c, err, sizeof err), -EINVAL, "%s=%s", key, value);
	cr_assert(strstr(err, needle), "'%s' lacks '%s'", err, needle);
}

static void impossible_geometries_are_caught(void)
{
	invalid("dtlb4k.ways", "5", "dtlb4k: 5 ways do not divide 96 entries");
	invalid("stlb.ways", "12", "stlb: 12 ways do not divide 2048 entries");
	invalid("stlb.entries", "1536", "stlb: 1536 entries / 16 ways = 96 sets, which is not a power of two");
	invalid("stlb.ways", "0", "stlb: 0 ways");
	invalid("dtlb4k.repl", "plru", "dtlb4k: tree-PLRU needs a power-of-two number of ways");
	invalid("pwc.pde.ways", "64", "pwc.pde: 64 ways do not divide 32 entries");
}

static void machine_wide_fields_are_checked(void)
{
	struct hw_config c = hw_preset_find("default")->config;
	char err[256];
	c.ram_bytes = 128ULL << 30;
	c.maxphyaddr = 36;
	cr_assert_eq(hw_config_validate(&c, err, sizeof err), -EINVAL);
	cr_assert(strstr(err, "maxphyaddr=36"), "%s", err);
	c = hw_preset_find("default")->config;
	c.paging_levels = 3;
	cr_assert_eq(hw_config_validate(&c, err, sizeof err), -EINVAL);
	cr_assert(strstr(err, "paging"), "%s", err);
	c = hw_preset_find("default")->config;
	c.nr_cpus = 0;
	cr_assert_eq(hw_config_validate(&c, err, sizeof err), -EINVAL);
	c = hw_preset_find("default")->config;
	c.maxphyaddr = 53;
	cr_assert_eq(hw_config_validate(&c, err, sizeof err), -EINVAL);
	cr_assert(strstr(err, "maxphyaddr: 53 is outside 36..52"), "%s", err);
	c.maxphyaddr = 46;
	c.tlb[HW_TLB_ITLB].sizes = 0;
	cr_assert_eq(hw_config_validate(&c, err, sizeof err), -EINVAL);
	cr_assert(strstr(err, "itlb"), "%s", err);
}

static void describe_renders_the_heading_sources_and_every_key(void)
{
	const struct hw_preset *p = hw_preset_find("zen4");
	int need = hw_preset_describe(p, NULL, 0);
	char *buf = malloc((size_t)need + 1);
	cr_assert_eq(hw_preset_describe(p, buf, (size_t)need + 1), need);
	cr_assert(strstr(buf, "preset zen4: AMD Zen 4"));
	cr_assert(strstr(buf, "sources:\n"));
	cr_assert(strstr(buf, "ram = 4G\ncores = 2\npaging = 4\n"));
	cr_assert(strstr(buf, "dtlb4k.entries = 72\n"));
	cr_assert(strstr(buf, "dtlb4k.sizes = 4k,2m,1g\n"));
	cr_assert(strstr(buf, "stlb.ways = 24\n"));
	for (size_t i = 0; hw_config_key(i); i++) {
		char line[64];
		snprintf(line, sizeof line, "\n%s = ", hw_config_key(i));
		cr_assert(strstr(buf, line), "%s missing", hw_config_key(i));
	}
	char teach[4096];
	hw_preset_describe(hw_preset_find("teaching"), teach, sizeof teach);
	cr_assert(strstr(teach, "ram = 64M\n"));
	char small[16];
	cr_assert_eq(hw_preset_describe(p, small, sizeof small), need, "truncation reports the full length");
	cr_assert_eq(strlen(small), sizeof small - 1);
	free(buf);
}

static void level_and_names_of_structures(void)
{
	cr_assert_str_eq(hw_tlb_name(HW_TLB_DTLB4K), "dtlb4k");
	cr_assert_str_eq(hw_pwc_name(HW_PWC_PML4E), "pwc.pml4e");
	cr_assert_str_eq(hw_tlb_name(HW_NR_TLBS), "?");
	cr_assert_eq(hw_tlb_level_of(HW_TLB_ITLB2M), HW_L1I);
	cr_assert_eq(hw_tlb_level_of(HW_TLB_DTLB1G), HW_L1D);
	cr_assert_eq(hw_tlb_level_of(HW_TLB_STLB1G), HW_L2);
	cr_assert_eq(hw_pwc_level(HW_PWC_PDE), HW_LVL_PD);
	cr_assert_eq(hw_pwc_level(HW_PWC_PML5E), HW_LVL_PML5);
}

/* The presets and the names of structures. */
Test(presets, presets_validate_and_are_found_by_name)
{
	every_preset_validates_and_has_sources();
	default_is_a_4g_two_core_four_level_intel_machine();
	level_and_names_of_structures();
}

/* Every key reads back what it was set to. */
Test(presets, keys_round_trip_and_override)
{
	every_key_round_trips();
	overriding_keys_changes_the_config();
}

/* Refusals name the key and the allowed values. */
Test(presets, bad_keys_and_values)
{
	a_bad_key_or_value_is_refused_with_a_message_naming_it();
}

/* Impossible combinations. */
Test(presets, validation)
{
	impossible_geometries_are_caught();
	machine_wide_fields_are_checked();
}

/* The text the CLI prints. */
Test(presets, describe)
{
	describe_renders_the_heading_sources_and_every_key();
}
