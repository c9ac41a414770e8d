-- Memory pressure (issue 12 §7): 24 MiB written in a 16 MiB memory cgroup,
-- then read in order three times: each pass brings the swapped third back
-- with swap readahead (most of its faults minor, on pages read ahead) and
-- pushes another third out, the oldest pages first. Compared within a
-- tolerance: see pressure_seq.lua.
local m = mmsim.machine{swap = "256M", memory_max = "16M"}
local p = m:spawn{name = "oracle"}
local MB = 1 << 20
local a = assert(p:mmap{len = 24 * MB, prot = "rw"})
assert(p:madvise(a, 24 * MB, "nohugepage"))
mmsim.tolerate_pages(64, "the host cgroup's own charges and asynchronous swap writeback (pressure_seq.lua)")
p:touch(a, 24 * MB, "w")
for pass = 1, 3 do
	mmsim.tolerate_pages(64, "the host cgroup's own charges, swap writeback and readahead in flight (pressure_seq.lua)")
	p:touch(a, 24 * MB, "r")
	mmsim.tolerate_pages(64, "the host cgroup's own charges and asynchronous swap writeback (pressure_seq.lua)")
	mmsim.checkpoint("pass " .. pass)
end
mmsim.tolerate_pages(64, "the host cgroup's own charges and asynchronous swap writeback (pressure_seq.lua)")
