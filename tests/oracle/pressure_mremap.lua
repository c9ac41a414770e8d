-- Memory pressure (issue 12 §7): 24 MiB written in a 16 MiB memory cgroup
-- (about a third on swap), then moved with mremap to a new address: the
-- swap entries move with their PTEs (no page is read in), so pagemap shows
-- the same swapped pages at the new place; then read back there. Compared
-- within a tolerance: see pressure_seq.lua.
local m = mmsim.machine{swap = "256M", memory_max = "16M"}
local p = m:spawn{name = "oracle"}
local MB = 1 << 20
local a = assert(p:mmap{len = 24 * MB, prot = "rw"})
assert(p:madvise(a, 24 * MB, "nohugepage"))
mmsim.tolerate_pages(64, "the host cgroup's own charges and asynchronous swap writeback (pressure_seq.lua)")
p:touch(a, 24 * MB, "w")
local dest = assert(p:mmap{len = 24 * MB, prot = "none"})
local b = assert(p:mremap(a, 24 * MB, 24 * MB, "maymove|fixed", dest))
mmsim.tolerate_pages(64, "the host cgroup's own charges and asynchronous swap writeback (pressure_seq.lua)")
mmsim.checkpoint("moved")
mmsim.tolerate_pages(64, "the host cgroup's own charges and asynchronous swap writeback (pressure_seq.lua)")
p:touch(b, 24 * MB, "r")
mmsim.tolerate_pages(64, "the host cgroup's own charges and asynchronous swap writeback (pressure_seq.lua)")
