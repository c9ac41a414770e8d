-- Memory pressure (issue 12 §7): 32 MiB written, then read back in order,
-- in a 16 MiB memory cgroup with swap. Both sides reclaim inside the
-- cgroup, synchronously in the faulting task; the pages left in memory
-- after the write are the last ones written, and the read brings the first
-- ones back with swap readahead. Both sides charge in 64-page batches
-- (the per-CPU stock) and charge page tables. Compared within 64 pages
-- (0.4% of what the script writes), for what the simulated process does
-- not have: the host cgroup also holds the helper's own memory (about 100
-- anonymous pages, its stack and buffers, which the host's reclaim swaps
-- out in part, so VmSwap and VmRSS are not compared: smaps of the script's
-- regions are) and its slab objects (the simulator charges no slab); and
-- the host's swap writes are asynchronous (a page under writeback cannot be
-- freed yet, so reclaim takes another). The pressure_*.lua scripts use the
-- same tolerance for the same reasons.
local m = mmsim.machine{swap = "256M", memory_max = "16M"}
local p = m:spawn{name = "oracle"}
local MB = 1 << 20
local a = assert(p:mmap{len = 32 * MB, prot = "rw"})
assert(p:madvise(a, 32 * MB, "nohugepage"))
mmsim.tolerate_pages(64, "the host cgroup's own charges and asynchronous swap writeback (pressure_seq.lua)")
p:touch(a, 32 * MB, "w")
mmsim.tolerate_pages(64, "the host cgroup's own charges and asynchronous swap writeback (pressure_seq.lua)")
mmsim.checkpoint("written")
mmsim.tolerate_pages(64, "the host cgroup's own charges, swap writeback and readahead in flight (pressure_seq.lua)")
p:touch(a, 32 * MB, "r")
mmsim.tolerate_pages(64, "the host cgroup's own charges and asynchronous swap writeback (pressure_seq.lua)")
mmsim.checkpoint("read back")
mmsim.tolerate_pages(64, "the host cgroup's own charges and asynchronous swap writeback (pressure_seq.lua)")
