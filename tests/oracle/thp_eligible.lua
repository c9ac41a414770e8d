-- smaps' THPeligible follows the THP mode (diff applies the host's): a
-- 4 MiB mapping advised MADV_HUGEPAGE has room for an aligned huge page;
-- one of 3 pages has not; MADV_NOHUGEPAGE takes it back. Nothing is
-- touched here: the thp_*.lua scripts fault huge pages in.
local m = mmsim.machine{}
local p = m:spawn{name = "oracle"}
local P = 4096
local big = assert(p:mmap{len = 4 << 20, prot = "rw"})
local small = assert(p:mmap{len = 3 * P, prot = "rw"})
p:madvise(big, 4 << 20, "hugepage")
p:madvise(small, 3 * P, "hugepage")
mmsim.checkpoint("advised")
p:madvise(big, 2 << 20, "nohugepage")
mmsim.checkpoint("half taken back")
p:munmap(big, 4 << 20)
