-- Memory pressure (issue 12 §7): in a 16 MiB memory cgroup, 8 MiB written
-- and paged out with MADV_PAGEOUT (it reclaims whatever the cgroup's
-- limit), then read back in order: the read's faults bring the pages in
-- with readahead and stay under the limit, so nothing else is reclaimed.
-- Which of the read's faults are major depends on the host's readahead
-- (see swap_pageout_reread.lua); their sum is compared.
local m = mmsim.machine{swap = "256M", memory_max = "16M"}
local p = m:spawn{name = "oracle"}
local MB = 1 << 20
local a = assert(p:mmap{len = 8 * MB, prot = "rw"})
assert(p:madvise(a, 8 * MB, "nohugepage"))
p:touch(a, 8 * MB, "w")
p:madvise(a, 8 * MB, "pageout")
mmsim.checkpoint("paged out", {"VmSwap"})
mmsim.tolerate_faults(2048, "the host's readahead depends on its history, its slots and reads in flight")
p:touch(a, 8 * MB, "r")
mmsim.checkpoint("read back", {"VmSwap"})
