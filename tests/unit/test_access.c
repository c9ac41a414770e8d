/* hw_access: bytes through the MMU, across pages, all-or-nothing. */
#include "pt_helpers.h"

#include <errno.h>

#define VA 0x0000000000400000ULL
#define PA1 0x0000000002000000ULL
#define PA2 0x0000000003000000ULL       /* not contiguous with PA1 */

static struct pt *setup(uint64_t second_flags)
{
	struct pt *t = pt_new("default", 4);
	pt_map(t, t->root, VA, PA1, HW_LVL_PT, PT_USER_RW, PT_TABLE, 0);
	pt_map(t, t->root, VA + 4096, PA2, HW_LVL_PT, second_flags, PT_TABLE, 0);
	return t;
}

static void a_write_across_a_page_boundary_lands_in_both_frames(void)
{
	struct pt *t = setup(PT_USER_RW);
	char out[16] = "0123456789abcdef", in[16] = { 0 };
	struct hw_exception e = { 0 };
	cr_assert_eq(hw_access(t->cpu, VA + 4088, out, 16, HW_WRITE, HW_USER, &e), 0);
	cr_assert_eq(memcmp(ram_ptr(&t->ram, PA1 + 4088), "01234567", 8), 0);
	cr_assert_eq(memcmp(ram_ptr(&t->ram, PA2), "89abcdef", 8), 0);
	cr_assert_eq(hw_access(t->cpu, VA + 4088, in, 16, HW_READ, HW_USER, &e), 0);
	cr_assert_eq(memcmp(in, out, 16), 0);
	cr_assert_eq(t->cpu->ctr.access[HW_WRITE], 2, "one translation per page touched");
	pt_free(t);
}

static void a_fault_on_the_second_page_writes_nothing(void)
{
	struct pt *t = setup(HW_PTE_P | HW_PTE_US);                  /* second page read-only */
	char out[16] = "0123456789abcdef";
	struct hw_exception e = { 0 };
	memset(ram_ptr(&t->ram, PA1 + 4088), 'x', 8);
	cr_assert_eq(hw_access(t->cpu, VA + 4088, out, 16, HW_WRITE, HW_USER, &e), -EFAULT);
	cr_assert_eq(e.vector, HW_EXC_PF);
	cr_assert_eq(e.error_code, HW_PF_P | HW_PF_W | HW_PF_U);
	cr_assert_eq(e.cr2, VA + 4096);
	cr_assert_eq(memcmp(ram_ptr(&t->ram, PA1 + 4088), "xxxxxxxx", 8), 0);
	pt_free(t);
}

static void lengths_are_bounded_and_zero_moves_nothing(void)
{
	struct pt *t = setup(PT_USER_RW);
	static char big[HW_ACCESS_MAX + 1];
	cr_assert_eq(hw_access(t->cpu, VA, big, sizeof big, HW_READ, HW_USER, NULL), -EINVAL);
	cr_assert_eq(hw_access(t->cpu, VA + 100, big, HW_ACCESS_MAX, HW_READ, HW_USER, NULL), 0);
	cr_assert_eq(hw_access(t->cpu, 1ULL << 47, big, 0, HW_READ, HW_USER, NULL), 0);
	struct hw_exception e;
	cr_assert_eq(hw_access(t->cpu, 1ULL << 47, big, 1, HW_READ, HW_USER, &e), -EFAULT);
	cr_assert_eq(e.vector, HW_EXC_GP);
	pt_free(t);
}

static void memory_beyond_ram_reads_as_ones_and_ignores_writes(void)
{
	struct pt *t = pt_new("default", 4);
	pt_map(t, t->root, VA, 1ULL << 40, HW_LVL_PT, PT_USER_RW, PT_TABLE, 0);
	uint32_t v = 0;
	cr_assert_eq(hw_access(t->cpu, VA, &v, 4, HW_WRITE, HW_USER, NULL), 0);
	cr_assert_eq(hw_access(t->cpu, VA, &v, 4, HW_FETCH, HW_USER, NULL), 0);
	cr_assert_eq(v, 0xffffffffu);
	pt_free(t);
}

static void a_walk_through_tables_beyond_ram_does_not_crash(void)
{
	struct pt *t = pt_new("default", 4);
	pt_set(t, t->root, hw_mk_table(1ULL << 40, PT_TABLE));      /* PML4E 0 -> nowhere */
	struct hw_xlat x = hw_translate(t->cpu, VA, HW_READ, HW_USER);
	cr_assert_eq(x.exc.vector, HW_EXC_PF);
	cr_assert(x.exc.error_code & HW_PF_RSVD, "all-ones entries have reserved bits");
	pt_free(t);
}

/* Across a page boundary, all or nothing. */
Test(access, across_pages_all_or_nothing)
{
	a_write_across_a_page_boundary_lands_in_both_frames();
	a_fault_on_the_second_page_writes_nothing();
}

/* Lengths, and physical addresses beyond RAM. */
Test(access, bounds_and_memory_beyond_ram)
{
	lengths_are_bounded_and_zero_moves_nothing();
	memory_beyond_ram_reads_as_ones_and_ignores_writes();
	a_walk_through_tables_beyond_ram_does_not_crash();
}
