-- Operations on part of a THP split its PMD (thp_split_pmd) and leave the
-- rest mapped by 4 KiB PTEs: munmap of one page, mprotect of a 64 KiB
-- piece, MADV_DONTNEED of 16 KiB. MADV_DONTNEED of a whole aligned 2 MiB
-- zaps the PMD without a split (and frees its page table).
local m = mmsim.machine{}
local p = m:spawn{name = "oracle"}
local M = 1 << 20
local a = assert(p:mmap{len = 10 * M, prot = "rw"})
p:madvise(a, 10 * M, "hugepage")
p:touch(a, 8 * M, "w")
mmsim.checkpoint("four THPs", {"VmPTE"})
assert(p:munmap(a + 4096, 4096))
mmsim.checkpoint("one page unmapped", {"VmPTE"})
assert(p:mprotect(a + 2 * M + 65536, 65536, "r"))
mmsim.checkpoint("64 KiB read-only", {"VmPTE"})
p:madvise(a + 4 * M + 8192, 16384, "dontneed")
mmsim.checkpoint("16 KiB dropped", {"VmPTE"})
p:madvise(a + 6 * M, 2 * M, "dontneed")
mmsim.checkpoint("2 MiB dropped", {"VmPTE"})
p:touch(a + 6 * M, 4096, "w")
p:touch(a + 2 * M + 65536, 4096, "r")
mmsim.checkpoint("refaulted", {"VmPTE"})
