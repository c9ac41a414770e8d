-- An advised VMA that does not start on a 2 MiB boundary: small pages up to
-- the first boundary, a THP for the aligned 2 MiB inside, small pages in
-- the tail that cannot hold one.
local m = mmsim.machine{}
local p = m:spawn{name = "oracle"}
local M = 1 << 20
local big = assert(p:mmap{len = 8 * M, prot = "rw"})
assert(p:munmap(big, 8 * M))
local a = assert(p:mmap{addr = big + M, len = 4 * M, prot = "rw", flags = "private|anonymous|fixed"})
p:madvise(a, 4 * M, "hugepage")
p:touch(a, 4 * M, "w")
mmsim.checkpoint("touched", {"VmPTE"})
