/* prctl(PR_SET_MM): one field of a process's memory map at a time, each
 * change checked as Linux's validate_prctl_map_addr does; the program
 * break's start and end move the heap brk() grows. */
#include <criterion/criterion.h>

#include "mmsim.h"

#include "api_helpers.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

enum { START_CODE = 1, END_CODE = 2, START_DATA = 3, END_DATA = 4, START_BRK = 6, BRK = 7, ARG_START = 8 };

Test(prctl_mm, the_heap_moves)
{
	mmsim_machine *m = boot_with(NULL, NULL);
	int pid = mmsim_spawn(m, "mm", 0);
	cr_assert_eq(mmsim_prctl_set_mm(m, pid, START_DATA, 0x4000000), 0);
	cr_assert_eq(mmsim_prctl_set_mm(m, pid, END_DATA, 0x4000000), 0);
	cr_assert_eq(mmsim_prctl_set_mm(m, pid, START_BRK, 0x4000000), 0);
	cr_assert_eq(mmsim_prctl_set_mm(m, pid, BRK, 0x4000000), 0);
	cr_assert_eq(mmsim_brk(m, pid, 0), 0x4000000);
	cr_assert_eq(mmsim_brk(m, pid, 0x4021000), 0x4021000);
	char *maps;
	cr_assert_eq(mmsim_proc_read(m, "/proc/1/maps", &maps, NULL), 0);
	cr_assert_not_null(strstr(maps, "04000000-04021000 rw-p 00000000 00:00 0                                  [heap]"),
			   "%s", maps);
	free(maps);
	struct mmsim_fault f;
	cr_assert_eq(mmsim_touch(m, pid, 0x4020000, 8, MMSIM_WRITE, &f), 0);
	mmsim_machine_free(m);
}

Test(prctl_mm, refused)
{
	mmsim_machine *m = boot_with(NULL, NULL);
	int pid = mmsim_spawn(m, "mm", 0);
	cr_assert_eq(mmsim_prctl_set_mm(m, pid, 12, 0x4000000), -EINVAL, "PR_SET_MM_AUXV: not here");
	cr_assert_eq(mmsim_prctl_set_mm(m, pid, 0, 0x4000000), -EINVAL);
	cr_assert_eq(mmsim_prctl_set_mm(m, pid, START_BRK, 0x1000), -EINVAL, "below vm.mmap_min_addr");
	cr_assert_eq(mmsim_prctl_set_mm(m, pid, START_BRK, 1ULL << 47), -EINVAL, "past TASK_SIZE");
	cr_assert_eq(mmsim_prctl_set_mm(m, pid, START_BRK, 0x600000000000), -EINVAL, "above brk");
	cr_assert_eq(mmsim_prctl_set_mm(m, pid, END_CODE, 0x10000), -EINVAL, "below start_code");
	cr_assert_eq(mmsim_prctl_set_mm(m, pid, START_DATA, 0x600000000000), -EINVAL, "above end_data");
	cr_assert_eq(mmsim_prctl_set_mm(m, 99, BRK, 0x4000000), -ESRCH);
	cr_assert_eq(mmsim_brk(m, pid, 0), 0x555555559000, "nothing changed");
	cr_assert_eq(mmsim_munmap(m, pid, 0, (1ULL << 47) - 4096), 0);
	cr_assert_eq(mmsim_prctl_set_mm(m, pid, ARG_START, 0x10000), -EFAULT, "no VMA at or above it");
	mmsim_machine_free(m);
}
