-- MADV_WILLNEED on shared anonymous memory (shmem) reads back only pages of
-- the object that are out on swap (Linux: shmem_swapin_range); it creates
-- no page: a later read fault's fault-around finds nothing more to map, and
-- mlockall faults every page in. Fuzz (campaign 4) cases 002, 004, 005.
local m = mmsim.machine{}
local p = m:spawn{name = "oracle"}
local P = 4096
local a = assert(p:mmap{len = 7 * P, prot = "rw", flags = "shared|anonymous"})
p:madvise(a + 5 * P, P, "willneed")
mmsim.checkpoint("advised")
p:touch(a + 2 * P, P, "r")
mmsim.checkpoint("read one page")
local b = assert(p:mmap{len = 14 * P, prot = "rw", flags = "shared|anonymous"})
p:madvise(b + 6 * P, 8 * P, "willneed")
p:mlockall("current")
mmsim.checkpoint("locked")
