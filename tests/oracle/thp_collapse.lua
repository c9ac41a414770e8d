-- MADV_COLLAPSE (Linux 6.1) makes THPs out of 4 KiB pages, without
-- MADV_HUGEPAGE and whatever max_ptes_none says: a 2 MiB block with a few
-- pages written becomes one THP holding the same bytes; a block with
-- nothing mapped, one already a THP, and a range of several blocks.
local m = mmsim.machine{}
local p = m:spawn{name = "oracle"}
local M = 1 << 20
local a = assert(p:mmap{len = 8 * M, prot = "rw"})
p:touch(a, 16 * 4096, "w")
p:write(a + 5, "hello")
p:touch(a + 2 * M + 100 * 4096, 4096, "r")
mmsim.checkpoint("small pages", {"VmPTE"})
p:madvise(a, 2 * M, "collapse")
mmsim.checkpoint("one collapsed", {"VmPTE"})
p:read(a + 5, 5)
p:madvise(a, 2 * M, "collapse")
p:madvise(a + 4 * M, 2 * M, "collapse")
p:madvise(a + 2 * M, 2 * M, "collapse")
mmsim.checkpoint("read-only block", {"VmPTE"})
p:touch(a + 6 * M, 4096, "w")
p:madvise(a, 8 * M, "collapse")
mmsim.checkpoint("all", {"VmPTE"})
