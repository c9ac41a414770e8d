-- Memory pressure (issue 12 §7): 4 MiB locked with mlock, then 24 MiB
-- written in a 16 MiB memory cgroup: the locked pages are unevictable
-- (never scanned, never swapped: pagemap keeps them present), the others
-- are reclaimed around them. Compared within 64 pages (see
-- pressure_seq.lua).
local m = mmsim.machine{swap = "256M", memory_max = "16M"}
local p = m:spawn{name = "oracle"}
local MB = 1 << 20
local l = assert(p:mmap{len = 4 * MB, prot = "rw"})
assert(p:madvise(l, 4 * MB, "nohugepage"))
assert(p:mlock(l, 4 * MB))
local a = assert(p:mmap{len = 24 * MB, prot = "rw"})
assert(p:madvise(a, 24 * MB, "nohugepage"))
mmsim.tolerate_pages(64, "the host cgroup's own charges and asynchronous swap writeback (pressure_seq.lua)")
p:touch(a, 24 * MB, "w")
mmsim.tolerate_pages(64, "the host cgroup's own charges and asynchronous swap writeback (pressure_seq.lua)")
mmsim.checkpoint("written around the locked pages")
mmsim.tolerate_pages(64, "the host cgroup's own charges and asynchronous swap writeback (pressure_seq.lua)")
