/* mmap, munmap, mprotect, mremap, brk: VMA bounds, merging and splitting,
 * placement and errno, as REFERENCE.md records them for Linux 6.18. */
#include "proc_helpers.h"

#include "kernel/fs.h"
#include "kernel/memory.h"
#include "kernel/mm.h"
#include "kernel/pgtable.h"
#include "kernel/rmap.h"

#include <errno.h>

#define MB (1ULL << 20)
#define PG 4096ULL
#define RW (PROT_READ | PROT_WRITE)

static struct tk *t;
static struct task_struct *p;

static void setup(void)
{
	t = tk_boot(256 * MB, 2);
	p = tp_spawn(t, "vmas", 0);
}

static void teardown(void)
{
	tk_assert_consistent(t);
	tk_free(t);
}

/* A VMA covering addr, asserted to exist. */
static struct vm_area_struct *vma_at(uint64_t addr)
{
	struct vm_area_struct *v = vma_lookup(p->mm, addr);
	cr_assert_not_null(v, "no VMA at %#lx", (unsigned long)addr);
	return v;
}

/* A free region of n pages to place fixed mappings in. */
static uint64_t base_region(uint64_t n)
{
	uint64_t b = tp_mmap(t, p, n * PG, PROT_NONE, MAP_PRIVATE);
	cr_assert_eq(do_munmap(&t->k, p, b, n * PG), 0);
	return b;
}

static long fixed(uint64_t addr, uint64_t len, unsigned long prot, unsigned long flags)
{
	return sys_mmap(&t->k, p, addr, len, prot, flags | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
}

TestSuite(mmap, .init = setup, .fini = teardown);

Test(mmap, layout_is_setarch_minus_r)
{
	cr_assert_eq(p->mm->mmap_base, 0x7ffff7fff000ULL);
	struct vm_area_struct *stack = vma_at(0x7ffffffde000ULL);
	cr_assert_eq(stack->vm_start, 0x7ffffffde000ULL);
	cr_assert_eq(stack->vm_end, 0x7ffffffff000ULL);
	cr_assert(stack->vm_flags & VM_GROWSDOWN);
	cr_assert_eq(vma_at(0x555555554000ULL)->vm_start, 0x555555554000ULL, "PIE base");
	cr_assert_eq(p->mm->start_brk, 0x555555559000ULL, "heap after the data page");
	cr_assert_eq(vma_at(0x7ffff7ffd000ULL)->vm_name[1], 'v', "vDSO under mmap_base");
}

Test(mmap, merge_fills_a_gap)
{
	uint64_t b = base_region(24);
	cr_assert_eq(fixed(b, 8 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE), (long)b);
	cr_assert_eq(fixed(b + 16 * PG, 8 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE), (long)(b + 16 * PG));
	int n = tp_vma_count(p);
	cr_assert_eq(fixed(b + 8 * PG, 8 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE), (long)(b + 8 * PG));
	cr_assert_eq(tp_vma_count(p), n - 1, "three pieces became one");
	struct vm_area_struct *v = vma_at(b);
	cr_assert_eq(v->vm_start, b);
	cr_assert_eq(v->vm_end, b + 24 * PG);
}

Test(mmap, mprotect_splits_and_merges_back)
{
	uint64_t b = base_region(8);
	cr_assert_eq(fixed(b, 8 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE), (long)b);
	int n = tp_vma_count(p);
	cr_assert_eq(do_mprotect_pkey(&t->k, p, b + 4 * PG, 2 * PG, PROT_READ), 0);
	cr_assert_eq(tp_vma_count(p), n + 2, "three VMAs");
	cr_assert_eq(vma_at(b + 4 * PG)->vm_start, b + 4 * PG);
	cr_assert_eq(vma_at(b + 4 * PG)->vm_end, b + 6 * PG);
	cr_assert_eq(do_mprotect_pkey(&t->k, p, b + 4 * PG, 2 * PG, PROT_READ | PROT_WRITE), 0);
	cr_assert_eq(tp_vma_count(p), n, "one again");
	cr_assert_eq(vma_at(b)->vm_end, b + 8 * PG);
}

Test(mmap, mprotect_after_faults_keeps_merging)
{
	uint64_t b = base_region(8);
	cr_assert_eq(fixed(b, 8 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE), (long)b);
	tp_touch(t, p, b, 8 * PG, true);
	int n = tp_vma_count(p);
	cr_assert_eq(do_mprotect_pkey(&t->k, p, b + 4 * PG, 4 * PG, PROT_READ), 0);
	cr_assert_eq(tp_vma_count(p), n + 1);
	uint64_t f = p->min_flt;
	cr_assert_eq(do_mprotect_pkey(&t->k, p, b + 4 * PG, 4 * PG, PROT_READ | PROT_WRITE), 0);
	cr_assert_eq(tp_vma_count(p), n, "same anon_vma: merged back");
	tp_touch(t, p, b, 8 * PG, true);
	cr_assert_eq(p->min_flt, f, "pages only this VMA maps became writable at once");
}

Test(mmap, munmap_punches_a_hole)
{
	uint64_t b = base_region(16);
	cr_assert_eq(fixed(b, 16 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE), (long)b);
	int n = tp_vma_count(p);
	cr_assert_eq(do_munmap(&t->k, p, b + 10 * PG, 2 * PG), 0);
	cr_assert_eq(tp_vma_count(p), n + 1);
	cr_assert_eq(vma_at(b)->vm_end, b + 10 * PG);
	cr_assert_eq(vma_at(b + 12 * PG)->vm_start, b + 12 * PG);
	cr_assert_null(vma_lookup(p->mm, b + 10 * PG));
}

Test(mmap, shared_anonymous_mappings_never_merge)
{
	uint64_t b = base_region(8);
	cr_assert_eq(fixed(b, 4 * PG, PROT_READ | PROT_WRITE, MAP_SHARED), (long)b);
	cr_assert_eq(fixed(b + 4 * PG, 4 * PG, PROT_READ | PROT_WRITE, MAP_SHARED), (long)(b + 4 * PG));
	cr_assert_eq(vma_at(b)->vm_end, b + 4 * PG);
	cr_assert_neq(vma_at(b)->vm_file, vma_at(b + 4 * PG)->vm_file, "a new object each");
}

Test(mmap, fixed_noreplace_and_growth_errors)
{
	uint64_t a = tp_mmap(t, p, 4 * PG, PROT_READ, MAP_PRIVATE);
	cr_assert_eq(sys_mmap(&t->k, p, a + PG, PG, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE,
			     -1, 0), -EEXIST);
	uint64_t b = tp_mmap(t, p, PG, PROT_READ, MAP_PRIVATE);       /* right below a? */
	cr_assert_eq(b + PG, a, "top-down: the next mapping goes just below");
	cr_assert_eq(do_mremap(&t->k, p, b, PG, 2 * PG, 0, 0), -ENOMEM, "cannot grow into a");
	long m = do_mremap(&t->k, p, b, PG, 2 * PG, MREMAP_MAYMOVE, 0);
	cr_assert_geq(m, 0);
	cr_assert_neq((uint64_t)m, b);
}

/* The errno of each bad argument, as measured on Linux 6.18. */
Test(mmap, bad_arguments_get_linux_errno)
{
	cr_assert_eq(sys_mmap(&t->k, p, 0, 0, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0), -EINVAL);
	cr_assert_eq(sys_mmap(&t->k, p, 0, PG, PROT_READ, MAP_ANONYMOUS, -1, 0), -EINVAL);
	cr_assert_eq(sys_mmap(&t->k, p, 0, PG, PROT_READ, MAP_PRIVATE | MAP_SHARED | MAP_ANONYMOUS, -1, 0), -EINVAL);
	cr_assert_eq(sys_mmap(&t->k, p, 0, PG, PROT_READ, MAP_PRIVATE, 99, 0), -EBADF);
	cr_assert_eq(sys_mmap(&t->k, p, 0, PG, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 4095), -EINVAL);
	cr_assert_geq(sys_mmap(&t->k, p, 0, PG, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, 99, 0), 0,
		      "the descriptor is ignored with MAP_ANONYMOUS");
	cr_assert_geq(sys_mmap(&t->k, p, 0, PG, 0x10, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0), 0,
		      "mmap ignores unknown prot bits");
	cr_assert_eq(fixed(0x1001, PG, PROT_READ, MAP_PRIVATE), -EINVAL);
	cr_assert_eq(fixed(0x7ffffffff000ULL, 2 * PG, PROT_READ, MAP_PRIVATE), -ENOMEM);
	cr_assert_eq(fixed(0x1000, PG, PROT_READ, MAP_PRIVATE), -EPERM, "below vm.mmap_min_addr");
	cr_assert_eq(sys_mmap(&t->k, p, 0, 1ULL << 47, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0), -ENOMEM);
	cr_assert_eq(sys_mmap(&t->k, p, 0, PG, PROT_READ, MAP_SHARED | MAP_ANONYMOUS | MAP_GROWSDOWN, -1, 0), -EINVAL);
	cr_assert_eq(sys_mmap(&t->k, p, 0, PG, PROT_READ, MAP_SHARED_VALIDATE | MAP_ANONYMOUS, -1, 0), -EINVAL);
	cr_assert_eq(do_munmap(&t->k, p, 0x1001, PG), -EINVAL);
	cr_assert_eq(do_munmap(&t->k, p, 0x100000, 0), -EINVAL);
	cr_assert_eq(do_munmap(&t->k, p, 0x7ffffffff000ULL, 2 * PG), -EINVAL);
	cr_assert_eq(do_munmap(&t->k, p, 0x100000, PG), 0, "unmapping nothing is fine");
	cr_assert_eq(do_mprotect_pkey(&t->k, p, 0x100000, PG, PROT_READ), -ENOMEM);
	cr_assert_eq(do_mprotect_pkey(&t->k, p, 0x100001, PG, PROT_READ), -EINVAL);
	uint64_t a = tp_mmap(t, p, 2 * PG, PROT_READ, MAP_PRIVATE);
	cr_assert_eq(do_mprotect_pkey(&t->k, p, a, 2 * PG, 0x10), -EINVAL, "mprotect checks prot bits");
	cr_assert_eq(do_mprotect_pkey(&t->k, p, a, 0, PROT_READ), 0);
	cr_assert_eq(do_mremap(&t->k, p, a, 2 * PG, 0, 0, 0), -EINVAL);
	cr_assert_eq(do_mremap(&t->k, p, a, 2 * PG, PG, 8, 0), -EINVAL);
	cr_assert_eq(do_mremap(&t->k, p, 0x100000, PG, PG, 0, 0), -EFAULT);
	cr_assert_eq(do_madvise(&t->k, p, a, 2 * PG, 12345), -EINVAL);
	cr_assert_eq(do_madvise(&t->k, p, a + 1, 2 * PG, MADV_DONTNEED), -EINVAL);
	cr_assert_eq(do_madvise(&t->k, p, 0x100000, PG, MADV_DONTNEED), -ENOMEM);
	cr_assert_eq(do_mlock(&t->k, p, 0x100000, PG, 0), -ENOMEM);
	cr_assert_eq(do_mlock(&t->k, p, a, PG, 4), -EINVAL);
	cr_assert_eq(sys_mlockall(&t->k, p, 0), -EINVAL);
	cr_assert_eq(sys_mlockall(&t->k, p, 8), -EINVAL);
}

Test(mmap, two_mib_multiples_come_back_aligned)
{
	for (int i = 0; i < 3; i++) {
		uint64_t a = tp_mmap(t, p, 4 * MB, PROT_READ | PROT_WRITE, MAP_PRIVATE);
		cr_assert_eq(a % (2 * MB), 0, "%#lx", (unsigned long)a);
	}
	uint64_t s = tp_mmap(t, p, 3 * PG, PROT_READ, MAP_PRIVATE);
	cr_assert_neq(s % (2 * MB), 0, "small mappings are not padded");
}

Test(mmap, brk_semantics)
{
	uint64_t start = p->mm->start_brk;
	cr_assert_eq(sys_brk(&t->k, p, 0), (long)start, "brk(0) reports the break");
	cr_assert_eq(sys_brk(&t->k, p, start + 100), (long)(start + 100), "the exact value asked");
	struct vm_area_struct *heap = vma_at(start);
	cr_assert_eq(heap->vm_end, start + PG, "the heap ends at its page alignment");
	cr_assert_eq(sys_brk(&t->k, p, start + 5 * PG + 1), (long)(start + 5 * PG + 1));
	cr_assert_eq(vma_at(start)->vm_end, start + 6 * PG);
	cr_assert_eq(tp_write(t, p, start + 5 * PG, "h", 1), 0);
	cr_assert_eq(sys_brk(&t->k, p, start + PG), (long)(start + PG), "shrinking works");
	cr_assert_null(vma_lookup(p->mm, start + 2 * PG));
	/* growing into another mapping fails and keeps the old break */
	cr_assert_eq(fixed(start + 4 * PG, PG, PROT_READ, MAP_PRIVATE), (long)(start + 4 * PG));
	cr_assert_eq(sys_brk(&t->k, p, start + 8 * PG), (long)(start + PG));
	cr_assert_eq(sys_brk(&t->k, p, start - PG), (long)(start + PG), "below the data: refused");
}

Test(mmap, stack_grows_down_and_keeps_its_guard_gap)
{
	struct vm_area_struct *stack = vma_at(0x7ffffffde000ULL);
	uint64_t below = 0x7ffffffde000ULL - 10 * PG;
	cr_assert_eq(tp_write(t, p, below, "s", 1), 0, "a touch just below the stack grows it");
	cr_assert_eq(stack->vm_start, below);
	/* a mapping within 256 pages below the stack stops its growth */
	uint64_t guard = below - STACK_GUARD_GAP - PG;
	cr_assert_eq(fixed(guard - 4 * PG, 4 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE), (long)(guard - 4 * PG));
	cr_assert_eq(tp_write(t, p, guard + 2 * PG, "s", 1), -EFAULT);
	cr_assert_eq(p->fatal.si_code, SEGV_MAPERR);
}

Test(mmap, prot_none_neighbour_does_not_block_the_stack)
{
	uint64_t below = 0x7ffffffde000ULL;
	uint64_t g = below - 64 * PG;
	cr_assert_eq(fixed(g - PG, PG, PROT_NONE, MAP_PRIVATE), (long)(g - PG));
	cr_assert_eq(tp_write(t, p, g + PG, "s", 1), 0, "PROT_NONE neighbours do not count");
}

Test(mmap, max_map_count_is_enforced)
{
	t->k.sysctl.max_map_count = p->mm->map_count + 2;
	uint64_t b = base_region(5);
	cr_assert_eq(fixed(b, 5 * PG, PROT_READ, MAP_PRIVATE), (long)b);
	cr_assert_eq(fixed(b + 5 * PG + 64 * PG, PG, PROT_WRITE, MAP_PRIVATE), (long)(b + 69 * PG));
	cr_assert_eq(p->mm->map_count, t->k.sysctl.max_map_count);
	cr_assert_eq(do_munmap(&t->k, p, b + PG, PG), -ENOMEM, "a hole would pass the limit");
	cr_assert_eq(do_mprotect_pkey(&t->k, p, b + PG, PG, PROT_WRITE), -ENOMEM);
	cr_assert_eq(do_munmap(&t->k, p, b, PG), 0, "trimming an end is fine");
	t->k.sysctl.max_map_count = 65530;
}

Test(mmap, mremap_moves_pages_not_copies)
{
	uint64_t a = tp_mmap(t, p, 2 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE);
	cr_assert_eq(tp_write(t, p, a, "moved", 6), 0);
	uint64_t pfn = tp_pte(t, p, a) >> 12;
	uint64_t below = tp_mmap(t, p, PG, PROT_READ, MAP_PRIVATE);
	(void)below;
	long m = do_mremap(&t->k, p, a, 2 * PG, 8 * PG, MREMAP_MAYMOVE, 0);
	cr_assert_geq(m, 0);
	char buf[6];
	uint64_t f = p->min_flt;
	cr_assert_eq(tp_read(t, p, (uint64_t)m, buf, 6), 0);
	cr_assert_str_eq(buf, "moved");
	cr_assert_eq(p->min_flt, f, "the PTE moved with it: no fault");
	cr_assert_eq(tp_pte(t, p, (uint64_t)m) >> 12, pfn, "same frame");
	cr_assert_null(vma_lookup(p->mm, a));
	cr_assert_eq(vma_at((uint64_t)m)->vm_pgoff, a >> 12, "pgoff kept");
}

Test(mmap, mremap_dontunmap_leaves_an_empty_vma)
{
	uint64_t a = tp_mmap(t, p, 2 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE);
	cr_assert_eq(tp_write(t, p, a, "data", 5), 0);
	long m = do_mremap(&t->k, p, a, 2 * PG, 2 * PG, MREMAP_MAYMOVE | MREMAP_DONTUNMAP, 0);
	cr_assert_geq(m, 0);
	char buf[5];
	cr_assert_eq(tp_read(t, p, (uint64_t)m, buf, 5), 0);
	cr_assert_str_eq(buf, "data");
	cr_assert_eq(tp_read(t, p, a, buf, 5), 0, "the old range stays mapped");
	cr_assert_eq(buf[0], 0, "but empty");
	cr_assert_eq(do_mremap(&t->k, p, a, 2 * PG, 4 * PG, MREMAP_MAYMOVE | MREMAP_DONTUNMAP, 0), -EINVAL);
}

Test(mmap, mremap_grows_in_place_when_free)
{
	uint64_t b = base_region(8);
	cr_assert_eq(fixed(b, 2 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE), (long)b);
	cr_assert_eq(do_mremap(&t->k, p, b, 2 * PG, 6 * PG, 0, 0), (long)b);
	cr_assert_eq(vma_at(b)->vm_end, b + 6 * PG);
	cr_assert_eq(do_mremap(&t->k, p, b, 6 * PG, 3 * PG, 0, 0), (long)b, "shrinking unmaps the tail");
	cr_assert_null(vma_lookup(p->mm, b + 3 * PG));
}

Test(mmap, mremap_fixed_moves_over_what_is_there)
{
	uint64_t b = base_region(32);
	cr_assert_eq(fixed(b, 4 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE), (long)b);
	cr_assert_eq(fixed(b + 16 * PG, 8 * PG, PROT_READ, MAP_PRIVATE), (long)(b + 16 * PG));
	cr_assert_eq(tp_write(t, p, b + PG, "moved", 6), 0);
	cr_assert_eq(do_mremap(&t->k, p, b, 4 * PG, 4 * PG, MREMAP_FIXED, b + 16 * PG), -EINVAL,
		     "MREMAP_FIXED needs MREMAP_MAYMOVE");
	cr_assert_eq(do_mremap(&t->k, p, b, 4 * PG, 4 * PG, MREMAP_FIXED | MREMAP_MAYMOVE, b + 16 * PG + 1),
		     -EINVAL, "unaligned new address");
	cr_assert_eq(do_mremap(&t->k, p, b, 4 * PG, 4 * PG, MREMAP_FIXED | MREMAP_MAYMOVE, b + 2 * PG),
		     -EINVAL, "overlapping ranges");
	cr_assert_eq(do_mremap(&t->k, p, b, 4 * PG, 4 * PG, MREMAP_FIXED | MREMAP_MAYMOVE, b + 18 * PG),
		     (long)(b + 18 * PG));
	cr_assert_null(vma_lookup(p->mm, b), "the old range is gone");
	char buf[6];
	cr_assert_eq(tp_read(t, p, b + 19 * PG, buf, 6), 0);
	cr_assert_str_eq(buf, "moved");
	/* the read-only mapping lost its middle to the move */
	cr_assert_eq(vma_at(b + 16 * PG)->vm_end, b + 18 * PG);
	cr_assert_eq(vma_at(b + 22 * PG)->vm_start, b + 22 * PG);
	cr_assert(vma_at(b + 22 * PG)->vm_flags & VM_READ);
	cr_assert_eq(vma_at(b + 18 * PG)->vm_end, b + 22 * PG);
}

Test(mmap, madvise_flags_are_recorded_and_split)
{
	uint64_t b = tp_mmap(t, p, 16 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE);
	cr_assert_eq(do_madvise(&t->k, p, b + 4 * PG, 4 * PG, MADV_HUGEPAGE), 0);
	struct vm_area_struct *v = vma_at(b + 4 * PG);
	cr_assert_eq(v->vm_start, b + 4 * PG);
	cr_assert_eq(v->vm_end, b + 8 * PG);
	cr_assert(v->vm_flags & VM_HUGEPAGE);
	cr_assert_eq(do_madvise(&t->k, p, b + 4 * PG, 4 * PG, MADV_NOHUGEPAGE), 0);
	v = vma_at(b + 4 * PG);
	cr_assert(v->vm_flags & VM_NOHUGEPAGE);
	cr_assert_not(v->vm_flags & VM_HUGEPAGE, "the two exclude each other");
	cr_assert_eq(do_madvise(&t->k, p, b, 16 * PG, MADV_DONTFORK), 0);
	cr_assert(vma_at(b)->vm_flags & VM_DONTCOPY);
	cr_assert_eq(do_madvise(&t->k, p, b, 16 * PG, MADV_DOFORK), 0);
	cr_assert_not(vma_at(b)->vm_flags & VM_DONTCOPY);
	cr_assert_eq(vma_at(b)->vm_end, b + 4 * PG, "NOHUGEPAGE still tells the middle apart");
	cr_assert_eq(do_madvise(&t->k, p, b, 16 * PG, MADV_WILLNEED), 0, "anonymous: nothing to read ahead");
	cr_assert_eq(tp_pte(t, p, b), 0, "and nothing is mapped");
	cr_assert_eq(do_madvise(&t->k, p, b + 1, PG, MADV_WILLNEED), -EINVAL, "unaligned start");
	cr_assert_eq(do_madvise(&t->k, p, b, PG, 99), -EINVAL, "unknown advice");
}

/* MAP_32BIT goes bottom-up in the second gigabyte, as measured on Linux
 * 6.18 (setarch -R): 0x40000000, 0x40001000, ...; a 2 MiB length comes back
 * 2 MiB-aligned (0x40200000 after three pages); a free hint there is taken. */
Test(mmap, map_32bit_stays_in_the_second_gigabyte)
{
	unsigned long f = MAP_PRIVATE | MAP_ANONYMOUS | MAP_32BIT;
	cr_assert_eq(sys_mmap(&t->k, p, 0, PG, PROT_READ, f, -1, 0), 0x40000000L);
	cr_assert_eq(sys_mmap(&t->k, p, 0, PG, PROT_READ | PROT_WRITE, f, -1, 0), 0x40001000L);
	cr_assert_eq(sys_mmap(&t->k, p, 0, PG, PROT_READ, f, -1, 0), 0x40002000L);
	cr_assert_eq(sys_mmap(&t->k, p, 0, 2 * MB, PROT_READ | PROT_WRITE, f, -1, 0), 0x40200000L);
	cr_assert_eq(sys_mmap(&t->k, p, 0x50000000, PG, PROT_READ, f, -1, 0), 0x50000000L);
	cr_assert_eq(sys_mmap(&t->k, p, 0, 2048 * MB, PROT_READ, f | MAP_NORESERVE, -1, 0), -ENOMEM,
		     "more than the second gigabyte holds");
}

/* ---- mremap as Linux 6.18 does it (mm/mremap.c): the overcommit charge of
 * a growth, the order of the checks, vm.max_map_count, moves of several
 * VMAs, MREMAP_DONTUNMAP's old VMA, and the merges of a moved VMA (its
 * anon_vma and its name). tests/oracle/mremap_*.lua compare the rest with
 * the host's kernel. */

static uint64_t commit_limit(void)
{
	return t->k.totalram_pages * (uint64_t)t->k.sysctl.overcommit_ratio / 100;
}

/* Strict overcommit: a growth past CommitLimit is refused, in place and by
 * a move, and Committed_AS stays under the limit; a growth within it is
 * charged by its size. */
Test(mmap, mremap_strict_overcommit_refuses_growth_past_the_limit)
{
	t->k.sysctl.overcommit_memory = 2;
	/* in the second gigabyte, with room above to grow in place */
	long a = sys_mmap(&t->k, p, 0, 4 * PG, RW, MAP_PRIVATE | MAP_ANONYMOUS | MAP_32BIT, -1, 0);
	cr_assert_gt(a, 0);
	uint64_t before = t->k.vm_committed_as, room = commit_limit() - before;
	uint64_t too_much = (4 + room + 1) * PG;
	cr_assert_eq(do_mremap(&t->k, p, (uint64_t)a, 4 * PG, too_much, 0, 0), -ENOMEM, "in place");
	cr_assert_eq(do_mremap(&t->k, p, (uint64_t)a, 4 * PG, too_much, MREMAP_MAYMOVE, 0), -ENOMEM, "by a move");
	cr_assert_eq(t->k.vm_committed_as, before, "nothing charged");
	cr_assert_eq(vma_at((uint64_t)a)->vm_end, (uint64_t)a + 4 * PG);
	cr_assert_eq(do_mremap(&t->k, p, (uint64_t)a, 4 * PG, (4 + room) * PG, 0, 0), a, "up to the limit");
	cr_assert_eq(t->k.vm_committed_as, before + room, "the growth is charged");
	cr_assert_eq(t->k.vm_committed_as, commit_limit());
	t->k.sysctl.overcommit_memory = 0;
}

/* The heuristic policy refuses more than all RAM at once; memory that is
 * not charged (read-only, MAP_NORESERVE) grows. */
Test(mmap, mremap_heuristic_overcommit_refuses_more_than_ram)
{
	uint64_t big = (t->k.totalram_pages + 1) * PG;
	uint64_t a = tp_mmap(t, p, PG, RW, MAP_PRIVATE);
	uint64_t before = t->k.vm_committed_as;
	cr_assert_eq(do_mremap(&t->k, p, a, PG, big + PG, MREMAP_MAYMOVE, 0), -ENOMEM);
	cr_assert_eq(t->k.vm_committed_as, before);
	uint64_t r = tp_mmap(t, p, PG, PROT_READ, MAP_PRIVATE);
	long m = do_mremap(&t->k, p, r, PG, big + PG, MREMAP_MAYMOVE, 0);
	cr_assert_geq(m, 0, "read-only memory is not charged");
	uint64_t n = tp_mmap(t, p, PG, RW, MAP_PRIVATE | MAP_NORESERVE);
	cr_assert_geq(do_mremap(&t->k, p, n, PG, big + PG, MREMAP_MAYMOVE, 0), 0, "nor MAP_NORESERVE");
	cr_assert_eq(t->k.vm_committed_as, before);
}

/* MREMAP_DONTUNMAP keeps the old range and its charge, so it charges all of
 * the new one; a MREMAP_FIXED move that shrinks charges the shrunk length
 * back (as Linux 6.18 does: measured there, Committed_AS +0 after 1 GiB
 * moved to 512 MiB). */
Test(mmap, mremap_charges_of_moves)
{
	uint64_t b = base_region(64);
	cr_assert_eq(fixed(b, 4 * PG, RW, MAP_PRIVATE), (long)b);
	uint64_t before = t->k.vm_committed_as;
	long m = do_mremap(&t->k, p, b, 4 * PG, 4 * PG, MREMAP_MAYMOVE | MREMAP_DONTUNMAP, 0);
	cr_assert_geq(m, 0);
	cr_assert_eq(t->k.vm_committed_as, before + 4);
	cr_assert_eq(fixed(b + 32 * PG, 8 * PG, RW, MAP_PRIVATE), (long)(b + 32 * PG));
	before = t->k.vm_committed_as;
	cr_assert_eq(do_mremap(&t->k, p, b + 32 * PG, 8 * PG, 2 * PG, MREMAP_MAYMOVE | MREMAP_FIXED, b + 48 * PG),
		     (long)(b + 48 * PG));
	cr_assert_eq(t->k.vm_committed_as, before, "the 6 pages unmapped are charged again");
}

/* vm.max_map_count: a call with a new address needs room for 5 more VMAs
 * (map_count + 2 >= max - 3 is ENOMEM, before the VMA is looked at), a move
 * for 3; a resize in place does not check (measured on Linux 6.18). */
Test(mmap, mremap_max_map_count)
{
	uint64_t b = base_region(64);
	cr_assert_eq(fixed(b, 4 * PG, RW, MAP_PRIVATE), (long)b);
	cr_assert_eq(fixed(b + 8 * PG, PG, PROT_READ, MAP_PRIVATE), (long)(b + 8 * PG));
	int n = p->mm->map_count;
	t->k.sysctl.max_map_count = n + 5;
	cr_assert_eq(do_mremap(&t->k, p, b, PG, PG, MREMAP_MAYMOVE | MREMAP_FIXED, b + 32 * PG), -ENOMEM);
	cr_assert_eq(do_mremap(&t->k, p, b + 40 * PG, PG, PG, MREMAP_MAYMOVE | MREMAP_FIXED, b + 32 * PG), -ENOMEM,
		     "checked before the VMA");
	t->k.sysctl.max_map_count = n + 6;
	cr_assert_eq(do_mremap(&t->k, p, b + 40 * PG, PG, PG, MREMAP_MAYMOVE | MREMAP_FIXED, b + 32 * PG), -EFAULT);
	t->k.sysctl.max_map_count = n + 3;
	cr_assert_eq(do_mremap(&t->k, p, b, 4 * PG, 16 * PG, MREMAP_MAYMOVE, 0), -ENOMEM, "a move");
	cr_assert_eq(do_mremap(&t->k, p, b, 4 * PG, 8 * PG, 0, 0), (long)b, "growing in place");
	t->k.sysctl.max_map_count = n;
	cr_assert_eq(do_mremap(&t->k, p, b, 8 * PG, 8 * PG, 0, 0), (long)b, "same size");
	t->k.sysctl.max_map_count = 65530;
}

/* The checks of the arguments come before the VMA's, and the VMA's before
 * MREMAP_FIXED unmaps the target. */
Test(mmap, mremap_order_of_checks)
{
	uint64_t b = base_region(64), hole = b + 16 * PG;
	cr_assert_eq(fixed(b, 4 * PG, RW, MAP_PRIVATE), (long)b);
	cr_assert_eq(fixed(b + 32 * PG, 4 * PG, PROT_READ, MAP_PRIVATE), (long)(b + 32 * PG));
	cr_assert_eq(do_mremap(&t->k, p, hole, 4 * PG, 4 * PG, MREMAP_MAYMOVE | MREMAP_FIXED, hole + 2 * PG),
		     -EINVAL, "an overlap, where nothing is mapped");
	cr_assert_eq(do_mremap(&t->k, p, hole, PG, p->mm->task_size + PG, 0, 0), -EINVAL, "past TASK_SIZE");
	cr_assert_gt(do_mremap(&t->k, p, b, 0x1f9c, 0x2000, MREMAP_MAYMOVE | MREMAP_DONTUNMAP, 0), 0,
		     "the lengths are equal once rounded");
	cr_assert_eq(do_mremap(&t->k, p, b, 6 * PG, 8 * PG, MREMAP_MAYMOVE | MREMAP_FIXED, b + 32 * PG), -EFAULT);
	cr_assert_eq(vma_at(b + 32 * PG)->vm_end, b + 36 * PG, "the target stays mapped");
	cr_assert_eq(do_mremap(&t->k, p, b, -b, PG, 0, 0), -EINVAL, "an old_len that wraps");
	cr_assert_eq(vma_at(b)->vm_end, b + 4 * PG);
	cr_assert_eq(do_mremap(&t->k, p, b, PG, PG, MREMAP_MAYMOVE | MREMAP_FIXED, 0), -EPERM);
}

/* MREMAP_FIXED with equal lengths moves every VMA of the range, keeping the
 * gaps; a gap at the start is EFAULT. */
Test(mmap, mremap_fixed_moves_several_vmas)
{
	uint64_t b = base_region(64);
	cr_assert_eq(fixed(b, 4 * PG, RW, MAP_PRIVATE), (long)b);
	cr_assert_eq(fixed(b + 4 * PG, 2 * PG, PROT_READ, MAP_PRIVATE), (long)(b + 4 * PG));
	cr_assert_eq(fixed(b + 8 * PG, 2 * PG, RW, MAP_PRIVATE), (long)(b + 8 * PG));
	cr_assert_eq(tp_write(t, p, b + 9 * PG, "far", 4), 0);
	cr_assert_eq(do_mremap(&t->k, p, b + 12 * PG, 4 * PG, 4 * PG, MREMAP_MAYMOVE | MREMAP_FIXED, b + 32 * PG),
		     -EFAULT, "no VMA in the range");
	cr_assert_eq(do_mremap(&t->k, p, b + 2 * PG, 8 * PG, 8 * PG, MREMAP_MAYMOVE | MREMAP_FIXED, b + 32 * PG),
		     (long)(b + 32 * PG));
	cr_assert_eq(vma_at(b)->vm_end, b + 2 * PG);
	cr_assert_null(find_vma_intersection(p->mm, b + 2 * PG, b + 32 * PG));
	cr_assert_eq(vma_at(b + 32 * PG)->vm_end, b + 34 * PG);
	cr_assert_eq(vma_at(b + 34 * PG)->vm_end, b + 36 * PG);
	cr_assert_null(vma_lookup(p->mm, b + 36 * PG), "the gap is kept");
	cr_assert_eq(vma_at(b + 38 * PG)->vm_end, b + 40 * PG);
	char buf[4];
	cr_assert_eq(tp_read(t, p, b + 39 * PG, buf, 4), 0);
	cr_assert_str_eq(buf, "far");
	cr_assert_eq(do_mremap(&t->k, p, b + 36 * PG, 4 * PG, 4 * PG, MREMAP_MAYMOVE | MREMAP_FIXED, b + 48 * PG),
		     -EFAULT, "a gap at the start");
}

/* MREMAP_DONTUNMAP of part of a locked VMA leaves it one VMA, no longer
 * locked anywhere; a whole VMA moved leaves its anon_vma. */
Test(mmap, mremap_dontunmap_old_vma)
{
	uint64_t l = tp_mmap(t, p, 4 * PG, RW, MAP_PRIVATE | MAP_LOCKED);
	int n = tp_vma_count(p);
	uint64_t locked = p->mm->locked_vm;
	long m = do_mremap(&t->k, p, l + PG, PG, PG, MREMAP_MAYMOVE | MREMAP_DONTUNMAP, 0);
	cr_assert_geq(m, 0);
	cr_assert_eq(tp_vma_count(p), n + 1, "only the new VMA");
	cr_assert_eq(vma_at(l)->vm_end, l + 4 * PG);
	cr_assert_eq(vma_at(l)->vm_flags & VM_LOCKED_MASK, 0);
	cr_assert(vma_at((uint64_t)m)->vm_flags & VM_LOCKED, "the new VMA is locked");
	cr_assert_eq(p->mm->locked_vm, locked + 1);
	uint64_t w = tp_mmap(t, p, 2 * PG, RW, MAP_PRIVATE);
	tp_touch(t, p, w, 2 * PG, true);
	cr_assert_not_null(vma_at(w)->anon_vma);
	m = do_mremap(&t->k, p, w, 2 * PG, 2 * PG, MREMAP_MAYMOVE | MREMAP_DONTUNMAP, 0);
	cr_assert_geq(m, 0);
	cr_assert_null(vma_at(w)->anon_vma, "no pages left: no anon_vma");
	cr_assert_not_null(vma_at((uint64_t)m)->anon_vma);
}

static int found_at(struct vm_area_struct *vma, uint64_t address, void *arg)
{
	(void)vma;
	return address == *(uint64_t *)arg;
}

/* A faulted VMA moved next to an unfaulted one that matches merges with it,
 * and the merged VMA takes the moved pages' anon_vma, so the reverse map
 * still finds them (Linux: vma_merge_copied_range). */
Test(mmap, mremap_merge_takes_the_anon_vma)
{
	uint64_t b = base_region(64);
	cr_assert_eq(fixed(b + 2 * PG, 2 * PG, RW, MAP_PRIVATE), (long)(b + 2 * PG));
	cr_assert_eq(tp_write(t, p, b + 2 * PG, "page", 5), 0);
	cr_assert_eq(do_mremap(&t->k, p, b + 2 * PG, 2 * PG, 2 * PG, MREMAP_MAYMOVE | MREMAP_FIXED, b + 32 * PG),
		     (long)(b + 32 * PG));
	cr_assert_eq(fixed(b, 2 * PG, RW, MAP_PRIVATE), (long)b, "an unfaulted neighbour");
	cr_assert_null(vma_at(b)->anon_vma);
	cr_assert_eq(do_mremap(&t->k, p, b + 32 * PG, 2 * PG, 2 * PG, MREMAP_MAYMOVE | MREMAP_FIXED, b + 2 * PG),
		     (long)(b + 2 * PG), "back where it was: its pgoff fits");
	struct vm_area_struct *v = vma_at(b);
	cr_assert_eq(v->vm_end, b + 4 * PG, "merged");
	struct page *page = pfn_to_page(&t->k, pte_pfn(tp_pte(t, p, b + 2 * PG)));
	cr_assert_eq(v->anon_vma, folio_anon_vma(&t->k, page));
	uint64_t want = b + 2 * PG;
	cr_assert_eq(rmap_walk(&t->k, page, found_at, &want), 1, "the reverse map finds the page");
}

/* A named anonymous VMA grows in place, and a moved one keeps to itself
 * next to an unnamed VMA. */
Test(mmap, mremap_named_vmas)
{
	uint64_t b = base_region(64);
	cr_assert_eq(fixed(b, 2 * PG, RW, MAP_PRIVATE), (long)b);
	cr_assert_eq(prctl_set_vma(&t->k, p, b, 2 * PG, "name"), 0);
	cr_assert_eq(do_mremap(&t->k, p, b, 2 * PG, 4 * PG, 0, 0), (long)b);
	cr_assert_eq(vma_at(b)->vm_end, b + 4 * PG);
	cr_assert_str_eq(vma_at(b + 3 * PG)->anon_name, "name");
	cr_assert_eq(fixed(b + 32 * PG, 2 * PG, RW, MAP_PRIVATE), (long)(b + 32 * PG));
	cr_assert_eq(do_mremap(&t->k, p, b, 4 * PG, 4 * PG, MREMAP_MAYMOVE | MREMAP_FIXED, b + 34 * PG),
		     (long)(b + 34 * PG));
	cr_assert_eq(vma_at(b + 32 * PG)->vm_end, b + 34 * PG, "no merge with an unnamed VMA");
	cr_assert_str_eq(vma_at(b + 34 * PG)->anon_name, "name");
}

/* A special mapping moves whole or not at all (Linux: special_mapping_split,
 * measured on the 6.18 host: one page of [vdso] is EINVAL, both move). */
Test(mmap, mremap_special_mapping_moves_whole)
{
	uint64_t vdso = 0x7ffff7ffd000ULL, b = base_region(16);
	cr_assert_str_eq(vma_at(vdso)->vm_name, "[vdso]");
	cr_assert_eq(do_mremap(&t->k, p, vdso, PG, PG, MREMAP_MAYMOVE | MREMAP_FIXED, b), -EINVAL);
	cr_assert_eq(vma_at(vdso)->vm_end, vdso + 2 * PG, "not split");
	cr_assert_eq(do_mremap(&t->k, p, vdso, 2 * PG, 2 * PG, MREMAP_MAYMOVE | MREMAP_FIXED, b), (long)b);
	cr_assert_str_eq(vma_at(b)->vm_name, "[vdso]");
	cr_assert_null(vma_lookup(p->mm, vdso));
}

/* A fixed move to just after its own VMA merges back into it (unfaulted
 * memory takes the pgoff of its new place): the move of several VMAs stops
 * there, its iterator past the range, rather than meet the grown VMA again
 * (Linux 6.18: remap_move; tests/oracle/mremap_merge_with_source.lua). */
Test(mmap, mremap_fixed_move_merging_into_its_source)
{
	uint64_t b = base_region(64);
	cr_assert_eq(fixed(b + 26 * PG, 11 * PG, PROT_READ, MAP_PRIVATE), (long)(b + 26 * PG));
	cr_assert_eq(fixed(b + 37 * PG, 5 * PG, RW, MAP_PRIVATE), (long)(b + 37 * PG));
	cr_assert_eq(do_mremap(&t->k, p, b + 29 * PG, 4 * PG, 4 * PG, MREMAP_MAYMOVE | MREMAP_FIXED | MREMAP_DONTUNMAP,
			       b + 35 * PG),
		     (long)(b + 35 * PG));
	cr_assert_eq(vma_at(b + 26 * PG)->vm_end, b + 39 * PG, "one VMA, grown over the target");
	cr_assert_eq(vma_at(b + 39 * PG)->vm_end, b + 42 * PG);
}

/* mmap's errors in do_mmap's order (fuzz N5): the placement's ENOMEM and
 * EPERM, MAP_FIXED_NOREPLACE's EEXIST and the locking limits come before
 * the map type's EINVAL; MAP_LOCKED with RLIMIT_MEMLOCK 0 is EPERM
 * (can_do_mlock), beyond the limit EAGAIN. */
Test(mmap, errors_come_in_do_mmap_order)
{
	unsigned long none = MAP_ANONYMOUS, both = MAP_SHARED | MAP_PRIVATE | MAP_ANONYMOUS;
	uint64_t a = tp_mmap(t, p, 4 * PG, PROT_READ, MAP_PRIVATE);
	cr_assert_eq(sys_mmap(&t->k, p, a, PG, PROT_READ, none | MAP_FIXED_NOREPLACE, -1, 0), -EEXIST);
	cr_assert_eq(sys_mmap(&t->k, p, a, PG, PROT_READ, MAP_SHARED | MAP_ANONYMOUS | MAP_GROWSDOWN |
			      MAP_FIXED_NOREPLACE, -1, 0), -EEXIST);
	cr_assert_eq(fixed(0, PG, PROT_READ, both), -EPERM);
	cr_assert_eq(fixed(0x7ffffffff000ULL, 2 * PG, PROT_READ, none), -ENOMEM);
	cr_assert_eq(sys_mmap(&t->k, p, 0, -PG, PROT_READ, none, -1, 0), -ENOMEM);
	cr_assert_eq(sys_mmap(&t->k, p, 0, 16 * MB, PROT_READ, none | MAP_LOCKED, -1, 0), -EAGAIN);
	p->rlimit_memlock = 0;
	cr_assert_eq(sys_mmap(&t->k, p, 0, PG, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_LOCKED, -1, 0), -EPERM);
	cr_assert_eq(sys_mmap(&t->k, p, 0, PG, PROT_READ, none, -1, 0), -EINVAL);
	cr_assert_eq(sys_mmap(&t->k, p, 0, PG, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, -PG) > 0, 1,
		     "anonymous memory ignores the offset");
}

/* MAP_HUGETLB (fuzz N6): a "/anon_hugepage (deleted)" hugetlbfs VMA of
 * whole huge pages, aligned; the pools are empty, so only MAP_NORESERVE
 * succeeds and a fault is SIGBUS; it splits only at huge pages. */
Test(mmap, hugetlb_noreserve_maps_an_empty_hugetlbfs_file)
{
	unsigned long h = MAP_PRIVATE | MAP_ANONYMOUS | MAP_HUGETLB;
	long a = sys_mmap(&t->k, p, 0, 3 * PG, PROT_READ | PROT_WRITE, h | MAP_NORESERVE, -1, 0);
	cr_assert_gt(a, 0);
	cr_assert_eq(a & (2 * MB - 1), 0);
	struct vm_area_struct *v = vma_at((uint64_t)a);
	cr_assert_eq(v->vm_end - v->vm_start, 2 * MB);
	cr_assert_eq(v->vm_flags & (VM_HUGETLB | VM_DONTEXPAND | VM_NORESERVE | VM_ACCOUNT),
		     VM_HUGETLB | VM_DONTEXPAND | VM_NORESERVE);
	cr_assert_str_eq(file_inode(v->vm_file)->i_name, "/anon_hugepage (deleted)");
	cr_assert(d_unlinked(file_inode(v->vm_file)), "maps prints it \"(deleted)\"");
	cr_assert_eq(vma_kernel_pagesize(v), 2 * MB);
	cr_assert_eq(handle_mm_fault(&t->k, v, (uint64_t)a, 0, p), VM_FAULT_SIGBUS);
	cr_assert_eq(sys_mmap(&t->k, p, 0, PG, PROT_READ, h, -1, 0), -ENOMEM, "nothing to reserve");
	cr_assert_eq(sys_mmap(&t->k, p, 0x300001000, PG, PROT_READ, h | MAP_NORESERVE | MAP_FIXED, -1, 0), -EINVAL);
	cr_assert_eq(sys_mmap(&t->k, p, 0x300001000, PG, PROT_READ, h | MAP_NORESERVE, -1, 0), 0x300200000L);
	cr_assert_eq(sys_mmap(&t->k, p, 0, PG, PROT_READ, h | MAP_NORESERVE, -1, PG), -EINVAL);
	cr_assert_eq(sys_mmap(&t->k, p, 0, PG, PROT_READ, h | MAP_NORESERVE, -1, 0x7ffffffffffff000), -EOVERFLOW);
	cr_assert_eq(sys_mmap(&t->k, p, 0, PG, PROT_READ, h | MAP_NORESERVE | (29UL << MAP_HUGE_SHIFT), -1, 0),
		     -EINVAL);
	long g = sys_mmap(&t->k, p, 0, PG, PROT_READ, h | MAP_NORESERVE | (30UL << MAP_HUGE_SHIFT), -1, 0);
	cr_assert_eq(g & ((1L << 30) - 1), 0, "1 GiB-aligned");
	cr_assert_eq(sys_mmap(&t->k, p, 0, PG, PROT_READ, MAP_SHARED_VALIDATE | MAP_ANONYMOUS | MAP_HUGETLB |
			      MAP_NORESERVE | MAP_SYNC, -1, 0), -EOPNOTSUPP);
	cr_assert_eq(do_munmap(&t->k, p, (uint64_t)a + PG, PG), -EINVAL);
	cr_assert_eq(do_mprotect_pkey(&t->k, p, (uint64_t)a, PG, PROT_READ), -EINVAL);
	cr_assert_eq(do_mlock(&t->k, p, (uint64_t)a, PG, 0), -ENOMEM, "faulting in fails");
	cr_assert_eq(vma_at((uint64_t)a)->vm_flags & VM_LOCKED, 0);
	cr_assert_eq(do_munmap(&t->k, p, (uint64_t)a, 2 * MB), 0);
}

/* mremap of a hugetlb VMA (fuzz N22): lengths round up to huge pages; an
 * address off a huge page (new_addr too, even unused) or a growth is
 * EINVAL; a shrink within the huge page returns the address. */
Test(mmap, hugetlb_mremap_rounds_to_huge_pages)
{
	unsigned long h = MAP_PRIVATE | MAP_ANONYMOUS | MAP_HUGETLB | MAP_NORESERVE;
	uint64_t a = (uint64_t)sys_mmap(&t->k, p, 0, 4 * MB, PROT_READ | PROT_WRITE, h, -1, 0);
	cr_assert_eq(do_mremap(&t->k, p, a + PG, PG, 2 * PG, MREMAP_MAYMOVE, 0), -EINVAL);
	cr_assert_eq(do_mremap(&t->k, p, a, PG, 2 * PG, MREMAP_MAYMOVE, 0), (long)a, "the same huge page");
	cr_assert_eq(do_mremap(&t->k, p, a, PG, 2 * PG, 0, PG), -EINVAL, "new_addr is checked unused");
	cr_assert_eq(do_mremap(&t->k, p, a, 2 * MB, 4 * MB, MREMAP_MAYMOVE, 0), -EINVAL, "no growth");
	cr_assert_eq(do_mremap(&t->k, p, a, 4 * MB, 2 * MB, 0, 0), (long)a);
	cr_assert_eq(vma_at(a)->vm_end, a + 2 * MB, "shrunk by a huge page");
	cr_assert_null(vma_lookup(p->mm, a + 2 * MB));
}

/* The top-down search over the maple tree (Linux 6.1+, fuzz N19): the
 * highest free gap where a page fits is a hole right below a growsdown VMA,
 * whose 1 MiB guard gap reaches into it, so the search starts over below
 * that guard gap: the page lands there, not right below the lowest VMA
 * (where it would fit, though inside the other growsdown VMA's guard gap). */
Test(mmap, search_starts_over_below_a_guard_gap)
{
	unsigned long gd = MAP_PRIVATE | MAP_GROWSDOWN;
	uint64_t x = base_region(5);
	cr_assert_eq(fixed(x, PG, PROT_READ, MAP_PRIVATE), (long)x);
	cr_assert_eq(fixed(x + PG, 2 * PG, PROT_READ | PROT_WRITE, gd), (long)(x + PG));
	cr_assert_eq(fixed(x + 4 * PG, PG, PROT_READ | PROT_WRITE, gd), (long)(x + 4 * PG));
	cr_assert_eq(unmapped_area_topdown(&t->k, p->mm, PG, PG, x + 5 * PG), x + 3 * PG - MB);
	cr_assert_eq(unmapped_area_topdown(&t->k, p->mm, PG, PG, x + 4 * PG), x + 3 * PG - MB,
		     "the same below the hole");
	cr_assert_eq(unmapped_area(&t->k, p->mm, PG, x + 3 * PG, x + 5 * PG), 0,
		     "bottom-up: the hole is inside the guard gap, and nothing is above");
}
