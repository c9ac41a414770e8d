-- Memory pressure (issue 12 §7): 24 MiB written in a 16 MiB memory cgroup
-- (a third of it on swap), then fork: the child shares the swap entries;
-- the child reads everything (major faults for the swapped pages, which
-- land in the swap cache), then the parent reads everything (minor faults
-- where the child's reads left the page in memory). Both processes'
-- pagemap and smaps are compared within 64 pages (see pressure_seq.lua),
-- right after the fork within 256 (1 MiB): fork charges more on the host than the
-- simulator models (the child's task_struct, kernel stack, mm, VMA and
-- anon_vma slab objects, and the copy-on-write copies the child helper
-- makes of its own stack and data), so the host's reclaim swaps about 170
-- more pages of the region then, and the child's Referenced is 211 pages
-- apart.
local m = mmsim.machine{swap = "256M", memory_max = "16M"}
local p = m:spawn{name = "oracle"}
local MB = 1 << 20
local a = assert(p:mmap{len = 24 * MB, prot = "rw"})
assert(p:madvise(a, 24 * MB, "nohugepage"))
mmsim.tolerate_pages(64, "the host cgroup's own charges and asynchronous swap writeback (pressure_seq.lua)")
p:touch(a, 24 * MB, "w")
local c = assert(p:fork())
mmsim.tolerate_pages(256, "fork's own charges on the host: the child's slab objects and kernel stack, and its helper's copy-on-write pages")
mmsim.checkpoint("forked")
mmsim.tolerate_pages(64, "the host cgroup's own charges, swap writeback and readahead in flight (pressure_seq.lua)")
c:touch(a, 24 * MB, "r")
mmsim.tolerate_pages(64, "the host cgroup's own charges, swap writeback and readahead in flight (pressure_seq.lua)")
p:touch(a, 24 * MB, "r")
mmsim.tolerate_pages(64, "the host cgroup's own charges and asynchronous swap writeback (pressure_seq.lua)")
mmsim.checkpoint("both read")
mmsim.tolerate_pages(64, "the host cgroup's own charges and asynchronous swap writeback (pressure_seq.lua)")
