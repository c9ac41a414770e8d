-- mremap of THPs: to a 2 MiB-aligned address the huge PMDs move whole (the
-- pages stay huge, no fault to touch them again); to an address off a
-- 2 MiB boundary they are split and the PTEs move (AnonHugePages 0).
local m = mmsim.machine{}
local p = m:spawn{name = "oracle"}
local M = 1 << 20
local a = assert(p:mmap{len = 4 * M, prot = "rw"})
p:madvise(a, 4 * M, "hugepage")
p:touch(a, 4 * M, "w")
p:write(a + 12345, "moved")
local dst = assert(p:mmap{len = 16 * M, prot = "none"})
local aligned = (dst + 2 * M - 1) & ~(2 * M - 1)
local b = assert(p:mremap(a, 4 * M, 4 * M, "maymove|fixed", aligned))
mmsim.checkpoint("moved aligned", {"VmPTE"})
p:read(b + 12345, 5)
p:touch(b, 4 * M, "w")
local c = assert(p:mremap(b, 2 * M, 2 * M, "maymove|fixed", aligned + 6 * M + 65536))
mmsim.checkpoint("moved unaligned", {"VmPTE"})
p:read(c + 12345, 5)
