-- Memory pressure (issue 12 §7): 24 MiB written in a 16 MiB memory cgroup
-- (about a third of it on swap), then MADV_DONTNEED on its first half:
-- the resident pages are freed and the swap entries of the swapped ones
-- released (their slots free at once), so 8 MiB written in a second
-- region fit again with less swapping. Compared within a tolerance: see
-- pressure_seq.lua.
local m = mmsim.machine{swap = "256M", memory_max = "16M"}
local p = m:spawn{name = "oracle"}
local MB = 1 << 20
local a = assert(p:mmap{len = 24 * MB, prot = "rw"})
local b = assert(p:mmap{len = 8 * MB, prot = "rw"})
assert(p:madvise(a, 24 * MB, "nohugepage"))
assert(p:madvise(b, 8 * MB, "nohugepage"))
mmsim.tolerate_pages(64, "the host cgroup's own charges and asynchronous swap writeback (pressure_seq.lua)")
p:touch(a, 24 * MB, "w")
mmsim.tolerate_pages(64, "the host cgroup's own charges and asynchronous swap writeback (pressure_seq.lua)")
mmsim.checkpoint("written")
assert(p:madvise(a, 12 * MB, "dontneed"))
mmsim.tolerate_pages(64, "the host cgroup's own charges and asynchronous swap writeback (pressure_seq.lua)")
mmsim.checkpoint("half dropped")
mmsim.tolerate_pages(64, "the host cgroup's own charges and asynchronous swap writeback (pressure_seq.lua)")
p:touch(b, 8 * MB, "w")
mmsim.tolerate_pages(64, "the host cgroup's own charges and asynchronous swap writeback (pressure_seq.lua)")
