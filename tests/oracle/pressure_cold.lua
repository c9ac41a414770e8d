-- Memory pressure (issue 12 §7): two 8 MiB regions written in a 16 MiB
-- memory cgroup; the first is made cold with MADV_COLD (its pages go to the
-- inactive list's tail, their young bits cleared), then 8 MiB more are
-- written: reclaim takes the cold region's pages first, so the hot region
-- stays in memory. Compared within 64 pages (see pressure_seq.lua).
local m = mmsim.machine{swap = "256M", memory_max = "16M"}
local p = m:spawn{name = "oracle"}
local MB = 1 << 20
local a = assert(p:mmap{len = 8 * MB, prot = "rw"})
local b = assert(p:mmap{len = 8 * MB, prot = "rw"})
local c = assert(p:mmap{len = 8 * MB, prot = "rw"})
for _, r in ipairs{a, b, c} do assert(p:madvise(r, 8 * MB, "nohugepage")) end
p:touch(a, 7 * MB, "w")
p:touch(b, 7 * MB, "w")
p:madvise(a, 7 * MB, "cold")
mmsim.tolerate_pages(64, "the host cgroup's own charges and asynchronous swap writeback (pressure_seq.lua)")
p:touch(c, 7 * MB, "w")
mmsim.tolerate_pages(64, "the host cgroup's own charges and asynchronous swap writeback (pressure_seq.lua)")
mmsim.checkpoint("after the third region")
mmsim.tolerate_pages(64, "the host cgroup's own charges and asynchronous swap writeback (pressure_seq.lua)")
