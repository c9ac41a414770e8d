-- Memory pressure (issue 12 §7): 32 MiB written in a 16 MiB memory cgroup
-- with swap, then 2048 pages read in a random order: most reads are major
-- faults (the readahead window shrinks to one page when faults do not
-- follow each other), and each brings a page back for another to go.
-- Compared within 64 pages (see pressure_seq.lua), the checkpoints between
-- reads within 96: each read is a command to the host's helper, whose own
-- pages compete with the script's; so a read may find its page in memory
-- on one side and on swap on the other (a fault of either kind tolerated).
local m = mmsim.machine{swap = "256M", memory_max = "16M"}
local p = m:spawn{name = "oracle"}
local MB, P = 1 << 20, 4096
local a = assert(p:mmap{len = 32 * MB, prot = "rw"})
assert(p:madvise(a, 32 * MB, "nohugepage"))
mmsim.tolerate_pages(64, "the host cgroup's own charges and asynchronous swap writeback (pressure_seq.lua)")
p:touch(a, 32 * MB, "w")
local x = 12345
for _ = 1, 8 do
	for _ = 1, 256 do
		x = (x * 1103515245 + 12345) % 2147483648
		mmsim.tolerate_pages(1, "the resident pages differ by a few dozen: a page may be in memory on one side only")
		p:read(a + (x % 8192) * P, 1)
	end
	mmsim.tolerate_pages(96, "as pressure_seq.lua, and each read (a command to the host's helper) may swap its own pages in and out")
	mmsim.checkpoint("256 random reads")
end
mmsim.tolerate_pages(64, "the host cgroup's own charges and asynchronous swap writeback (pressure_seq.lua)")
