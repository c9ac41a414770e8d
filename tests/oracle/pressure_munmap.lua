-- Memory pressure (issue 12 §7): 24 MiB written in a 16 MiB memory cgroup,
-- then its first 16 MiB unmapped: the swapped pages' slots are freed with
-- their PTEs (zap_pte_range frees the swap entries), the resident ones
-- uncharged; 12 MiB written in a new region then swap less. Compared
-- within a tolerance: see pressure_seq.lua.
local m = mmsim.machine{swap = "256M", memory_max = "16M"}
local p = m:spawn{name = "oracle"}
local MB = 1 << 20
local a = assert(p:mmap{len = 24 * MB, prot = "rw"})
assert(p:madvise(a, 24 * MB, "nohugepage"))
mmsim.tolerate_pages(64, "the host cgroup's own charges and asynchronous swap writeback (pressure_seq.lua)")
p:touch(a, 24 * MB, "w")
assert(p:munmap(a, 16 * MB))
mmsim.tolerate_pages(64, "the host cgroup's own charges and asynchronous swap writeback (pressure_seq.lua)")
mmsim.checkpoint("unmapped")
local b = assert(p:mmap{len = 12 * MB, prot = "rw"})
assert(p:madvise(b, 12 * MB, "nohugepage"))
mmsim.tolerate_pages(64, "the host cgroup's own charges and asynchronous swap writeback (pressure_seq.lua)")
p:touch(b, 12 * MB, "w")
mmsim.tolerate_pages(64, "the host cgroup's own charges and asynchronous swap writeback (pressure_seq.lua)")
