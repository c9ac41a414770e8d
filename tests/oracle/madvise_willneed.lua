-- MADV_WILLNEED on anonymous memory reads nothing ahead (no swap): no faults,
-- no pages; on an unmapped range it fails with ENOMEM.
local m = mmsim.machine{}
local p = m:spawn{name = "oracle"}
local P = 4096
local a = assert(p:mmap{len = 8 * P, prot = "rw"})
p:madvise(a, 8 * P, "willneed")
p:touch(a, 8 * P, "r")
p:madvise(a + 64 * P, P, "willneed")
p:madvise(a, 8 * P, "normal")
p:madvise(a, 8 * P, "random")
p:madvise(a, 8 * P, "sequential")
