-- fork after MADV_PAGEOUT copies the swap entries (swap_duplicate): the
-- child's VmSwap counts them too, and smaps SwapPss splits each slot
-- between the two. The parent's read brings a page in (a major fault) and
-- leaves it in the swap cache, so the child's read of it is a minor fault;
-- a page shared this way is not exclusive in pagemap. A write then copies.
local m = mmsim.machine{swap = "64M"}
local p = m:spawn{name = "oracle"}
local P = 4096
local a = assert(p:mmap{len = 16 * P, prot = "rw"})
assert(p:madvise(a, 16 * P, "nohugepage"))
assert(p:touch(a, 16 * P, "w"))
p:madvise(a, 16 * P, "pageout")
local c = assert(p:fork())
mmsim.checkpoint("forked", {"VmSwap"})
mmsim.tolerate_faults(1, "the host's readahead depends on its history, its slots and reads in flight")
p:read(a, 1)
c:read(a, 1)
mmsim.checkpoint("both read page 0", {"VmSwap"})
c:write(a, "child")
p:write(a + 15 * P, "parent")
mmsim.checkpoint("written", {"VmSwap"})
c:exit()
mmsim.checkpoint("child gone", {"VmSwap"})
