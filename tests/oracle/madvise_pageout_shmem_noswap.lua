-- MADV_PAGEOUT on shared anonymous memory without swap: reclaim unmaps
-- each page first (try_to_unmap runs before the shmem object's writeout,
-- which then fails for want of swap), so the pages leave the page tables
-- (Rss and pagemap drop them); a clean page (only read) leaves the shmem
-- object too, a dirty one stays in it and comes back with a minor fault.
-- (Fuzz finding case 002.) The script asks for a host without swap.
local m = mmsim.machine{swap = "0"}
local p = m:spawn{name = "oracle"}
local P = 4096
local a = assert(p:mmap{len = 8 * P, prot = "rw", flags = "shared|anonymous"})
assert(p:madvise(a, 4 * P, "populate_read"))
assert(p:touch(a + 4 * P, 4 * P, "w"))
p:madvise(a + P, 6 * P, "pageout")
mmsim.checkpoint("paged out")
p:touch(a, 8 * P, "r")
mmsim.checkpoint("read again")
