-- Memory pressure (issue 12 §7): 24 MiB of shared anonymous memory written
-- in a 16 MiB memory cgroup: its pages swap through the shmem object (the
-- PTEs are cleared, not made swap entries: pagemap shows them not present,
-- smaps counts them in Swap, SwapPss 0), then read back. Compared within
-- 64 pages (see pressure_seq.lua).
local m = mmsim.machine{swap = "256M", memory_max = "16M"}
local p = m:spawn{name = "oracle"}
local MB = 1 << 20
local a = assert(p:mmap{len = 24 * MB, prot = "rw", flags = "shared|anonymous"})
mmsim.tolerate_pages(64, "the host cgroup's own charges and asynchronous swap writeback (pressure_seq.lua)")
p:touch(a, 24 * MB, "w")
mmsim.tolerate_pages(64, "the host cgroup's own charges and asynchronous swap writeback (pressure_seq.lua)")
mmsim.checkpoint("written")
mmsim.tolerate_pages(64, "the host cgroup's own charges, swap writeback and readahead in flight (pressure_seq.lua)")
p:touch(a, 24 * MB, "r")
mmsim.tolerate_pages(64, "the host cgroup's own charges and asynchronous swap writeback (pressure_seq.lua)")
mmsim.checkpoint("read back")
mmsim.tolerate_pages(64, "the host cgroup's own charges and asynchronous swap writeback (pressure_seq.lua)")
