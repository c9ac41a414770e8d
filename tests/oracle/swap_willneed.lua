-- MADV_WILLNEED on swapped-out pages reads them into the swap cache
-- without mapping them: VmSwap and smaps Swap still count them, and the
-- reads afterwards find the pages in the swap cache: minor faults. The
-- pages are all zeros, which Linux reads back without I/O, so no read is
-- still in flight when the pages are touched.
local m = mmsim.machine{swap = "64M"}
local p = m:spawn{name = "oracle"}
local P = 4096
local a = assert(p:mmap{len = 16 * P, prot = "rw"})
assert(p:madvise(a, 16 * P, "nohugepage"))
assert(p:madvise(a, 16 * P, "populate_write"))
p:madvise(a, 16 * P, "pageout")
p:madvise(a, 16 * P, "willneed")
mmsim.checkpoint("read ahead", {"VmSwap"})
p:touch(a, 16 * P, "r")
mmsim.checkpoint("read", {"VmSwap"})
