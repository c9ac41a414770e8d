-- Pages paged out and read back in a random order: the VMA readahead
-- window shrinks to one page when faults do not follow each other (no
-- readahead hits), so nearly every read is a major fault; the window starts
-- at 8 pages around the first fault. Whether a page was read ahead by an
-- earlier fault depends on the host's readahead (its history, where the
-- slots lie, reads in flight: see swap_pageout_reread.lua), so each read's
-- split between a major and a minor fault is not compared.
local m = mmsim.machine{swap = "64M"}
local p = m:spawn{name = "oracle"}
local P = 4096
local a = assert(p:mmap{len = 64 * P, prot = "rw"})
assert(p:madvise(a, 64 * P, "nohugepage"))
assert(p:touch(a, 64 * P, "w"))
p:madvise(a, 64 * P, "pageout")
for _, i in ipairs{37, 5, 50, 21, 62, 13, 44, 29, 3, 58} do
	mmsim.tolerate_faults(1, "the host's readahead depends on its history, its slots and reads in flight")
	p:read(a + i * P, 1)
end
mmsim.checkpoint("read at random", {"VmSwap"})
