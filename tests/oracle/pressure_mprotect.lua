-- Memory pressure (issue 12 §7): 24 MiB written in a 16 MiB memory cgroup,
-- then made read-only and read through: the swapped pages come back mapped
-- read-only (do_swap_page maps a page writable only when the VMA allows
-- writes), then writable again and written: the pages read back write-fault
-- once each and are reused in place (exclusive, no copy), the others are
-- swapped in writable. Compared within a tolerance: see pressure_seq.lua.
local m = mmsim.machine{swap = "256M", memory_max = "16M"}
local p = m:spawn{name = "oracle"}
local MB = 1 << 20
local a = assert(p:mmap{len = 24 * MB, prot = "rw"})
assert(p:madvise(a, 24 * MB, "nohugepage"))
mmsim.tolerate_pages(64, "the host cgroup's own charges and asynchronous swap writeback (pressure_seq.lua)")
p:touch(a, 24 * MB, "w")
assert(p:mprotect(a, 24 * MB, "r"))
mmsim.tolerate_pages(64, "the host cgroup's own charges, swap writeback and readahead in flight (pressure_seq.lua)")
p:touch(a, 24 * MB, "r")
mmsim.tolerate_pages(64, "the host cgroup's own charges and asynchronous swap writeback (pressure_seq.lua)")
mmsim.checkpoint("read read-only")
assert(p:mprotect(a, 24 * MB, "rw"))
mmsim.tolerate_pages(64, "the host cgroup's own charges, swap writeback and readahead in flight (pressure_seq.lua)")
p:touch(a, 24 * MB, "w")
mmsim.tolerate_pages(64, "the host cgroup's own charges and asynchronous swap writeback (pressure_seq.lua)")
