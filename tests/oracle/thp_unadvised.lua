-- Memory not advised MADV_HUGEPAGE gets THPs only when the THP mode is
-- always (mmsim diff runs the simulator in the host's mode): a write, a
-- read (the huge zero page), and MADV_NOHUGEPAGE, which keeps small pages
-- in any mode.
local m = mmsim.machine{}
local p = m:spawn{name = "oracle"}
local M = 1 << 20
local a = assert(p:mmap{len = 6 * M, prot = "rw"})
p:touch(a, 4096, "w")
p:touch(a + 2 * M, 4096, "r")
local b = assert(p:mmap{len = 4 * M, prot = "rw"})
p:madvise(b, 4 * M, "nohugepage")
p:touch(b, 4 * M, "w")
mmsim.checkpoint("touched", {"VmPTE"})
